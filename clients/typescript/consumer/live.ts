/*
 * The live connection as a frontend team writes it, compiled against the built package: every server event
 * typed from asyncapi.json, client events with typed acknowledgements, and the catch-up through syncChats.
 */
import { connectLive, createClient, getChatHistory, type MessageDto, syncChats } from '@parley/client';

export function followLive(baseUrl: string, token: string, show: (message: MessageDto) => void): () => void {
  const api = createClient({ baseUrl, auth: token });
  const socket = connectLive(baseUrl, token);
  const lastRestId = new Map<number, number>();
  let cursor: string | undefined;

  const catchUp = async () => {
    const { data } = await syncChats({ client: api, query: cursor === undefined ? {} : { since: cursor } });
    if (!data) return;
    // Edited, deleted (tombstones) or reacted to since the cursor: each replaces the copy held by id.
    data.messages.forEach(show);
    for (const chat of data.chats) {
      for (let more = true; more;) {
        const after = lastRestId.get(chat.user_id) ?? 0;
        const { data: page } = await getChatHistory({ client: api, path: { user_id: chat.user_id }, query: { after } });
        for (const message of page?.messages ?? []) {
          show(message);
          lastRestId.set(chat.user_id, message.id);
        }
        more = page?.next_cursor != null;
      }
    }
    cursor = data.next_cursor;
  };

  socket.on('connect', () => void catchUp());
  socket.on('message.new', show);
  socket.on('message.updated', show);
  socket.on('message.deleted', ({ id, deleted_at }) => console.log(`${id} deleted at ${deleted_at}`));
  socket.on('message.read', ({ reader_id, up_to_id }) => console.log(`${reader_id} read up to ${up_to_id}`));
  socket.on('broadcast.new', ({ sender_id, preview }) => console.log(`${sender_id}: ${preview}`));
  socket.on('presence', ({ user_id, online }) => console.log(`${user_id} ${online ? 'online' : 'offline'}`));
  socket.on('session.revoked', ({ reason }) => console.log(`signed out: ${reason}`));
  socket.emit('presence.watch', { user_ids: [2, 3] }, (answer) => {
    if ('statusCode' in answer) console.log(answer.message);
  });
  return () => socket.close();
}
