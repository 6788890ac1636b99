/*
 * A frontend team's code, compiled against the built package as it installs (`exports`, dist/*.d.ts), not
 * against its sources: every route called with types and no casts. `npm run check:consumer` compiles it.
 */
import {
  changePassword,
  checkHealth,
  createClient,
  downloadAttachment,
  getChatHistory,
  getCurrentUser,
  listChats,
  listUsers,
  login,
  logout,
  markChatRead,
  searchMessages,
  sendMessage,
  sendToAll,
  signup,
  uploadFile,
} from '@parley/client';

export async function callEveryRoute(baseUrl: string): Promise<string[]> {
  const anonymous = createClient({ baseUrl });
  const credentials = { password_1: 'password-1', password_2: 'password-1' };
  const { data: first } = await signup({
    client: anonymous,
    body: { username: 'user_1', email: 'user_1@example.com', ...credentials },
    throwOnError: true,
  });
  const { data: second } = await login({
    client: anonymous,
    body: { username: 'user_2', password: 'password-2' },
    throwOnError: true,
  });
  const me = createClient({ baseUrl, auth: first.token });
  const peer = second.user.id;

  const { data: users } = await listUsers({ client: me, throwOnError: true });
  const { data: profile } = await getCurrentUser({ client: me, throwOnError: true });
  const { data: sent, response } = await sendMessage({
    client: me,
    headers: { 'Idempotency-Key': 'message-1' },
    body: { user_id: peer, message: 'Hello' },
    throwOnError: true,
  });
  const { data: upload } = await uploadFile({
    client: me,
    body: { file: new Blob(['notes'], { type: 'text/plain' }) },
    throwOnError: true,
  });
  const { data: withFile } = await sendMessage({
    client: me,
    body: { user_id: peer, attachment_ids: [upload.id] },
    throwOnError: true,
  });
  const { data: file } = await downloadAttachment({
    client: me,
    path: { id: withFile.attachments[0].id },
    parseAs: 'blob',
    throwOnError: true,
  });
  const { data: broadcast } = await sendToAll({ client: me, body: { message: 'Hello, everyone' }, throwOnError: true });
  const { data: chats } = await listChats({ client: me, throwOnError: true });
  const { data: history } = await getChatHistory({ client: me, path: { user_id: peer }, throwOnError: true });
  const older =
    history.next_cursor === null
      ? null
      : await getChatHistory({
          client: me,
          path: { user_id: peer },
          query: { before: history.next_cursor, limit: 20 },
        });
  const { data: found } = await searchMessages({
    client: me,
    query: { q: 'hell', user_id: peer, limit: 10 },
    throwOnError: true,
  });
  const { data: marked } = await markChatRead({ client: me, path: { user_id: peer }, body: { up_to_id: sent.id } });
  const { data: health } = await checkHealth({ client: anonymous });
  await changePassword({
    client: me,
    body: { current_password: 'password-1', new_password_1: 'password-3', new_password_2: 'password-3' },
    throwOnError: true,
  });
  const { error } = await logout({ client: me, query: { all: true } });

  return [
    `${users.users.length} users, next ${users.next_cursor ?? 'none'}`,
    `${profile.username} <${profile.email}>`,
    `message ${sent.id} ${response.headers.get('Idempotent-Replayed') ?? 'stored'}`,
    `${upload.content_type} sent as ${withFile.attachments[0].url}, ${(file as Blob).size} bytes back`,
    `broadcast to ${broadcast.sent}`,
    `${chats.chats.map((chat) => `${chat.username}: ${chat.unread_count}`).join(', ')}`,
    `${history.messages.length} messages, ${older?.data?.messages.length ?? 0} older`,
    `${found.messages.map((m) => `${m.message} at ${m.highlight.map((h) => `${h.start}-${h.end}`).join(',')}`).join('; ')}, next ${found.next_cursor ?? 'none'}`,
    `${marked?.updated ?? 0} marked read; database ${health?.status ?? 'down'}`,
    error ? `${error.statusCode} ${error.message}` : 'logged out',
  ];
}
