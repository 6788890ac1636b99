/* Small builders for e2e tests: users that exist over the real API, and messages between them. */
import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
}

export interface MessageBody {
  id: number;
  sender_id: number;
  recipient_id: number;
  message: string;
  created: string;
  read: boolean;
  read_at: string | null;
  edited_at: string | null;
  deleted_at: string | null;
  reactions: { emoji: string; user_ids: number[] }[];
  reply_to: { id: number; sender_id: number; preview: string; deleted: boolean } | null;
  attachments: { id: string; content_type: string; size: number; name: string; url: string }[];
}

export function uniqueName(prefix = 'user'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export function bearer(user: Pick<TestUser, 'token'>): { Authorization: string } {
  return { Authorization: `Bearer ${user.token}` };
}

export async function signupUser(
  testApp: TestApp,
  overrides: Partial<Pick<TestUser, 'username' | 'email' | 'password'>> = {},
): Promise<TestUser> {
  const username = overrides.username ?? uniqueName();
  const email = overrides.email ?? `${username}@example.com`;
  const password = overrides.password ?? 'correct horse battery';
  const response = await testApp
    .api()
    .post('/signup')
    .send({ username, email, password_1: password, password_2: password })
    .expect(201);
  return { id: response.body.user.id, username, email, password, token: response.body.token };
}

export async function sendMessage(
  testApp: TestApp,
  from: TestUser,
  to: Pick<TestUser, 'id'>,
  message = 'hello',
): Promise<MessageBody> {
  const response = await testApp.api().post('/send').set(bearer(from)).send({ user_id: to.id, message }).expect(201);
  return response.body as MessageBody;
}

/** The path of a message's routes, or of one of its reactions (the emoji URL-encoded, as a client sends it). */
export function messagePath(messageId: number | string, emoji?: string): string {
  return emoji === undefined
    ? `/messages/${messageId}`
    : `/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;
}

export interface StoredMessage {
  body: string;
  edited_at: Date | null;
  deleted_at: Date | null;
  reactions: { emoji: string; user_ids: number[] }[] | null;
  reply_to_id: string | null;
}

/** A message's row as stored, read past the API. */
export async function storedMessage(testApp: TestApp, messageId: number): Promise<StoredMessage> {
  const [row] = await testApp.query<StoredMessage>(
    'SELECT body, edited_at, deleted_at, reactions, reply_to_id FROM messages WHERE id = $1',
    [messageId],
  );
  return row;
}

export interface SyncPage {
  chats: { user_id: number; unread_count: number; peer_read_up_to: number; last_message: MessageBody }[];
  messages: MessageBody[];
  next_cursor: string;
  reset: boolean;
}

/** `GET /sync` for `user`, from the cursor `since` (none: a first sync, which only hands out a cursor). */
export async function syncFor(testApp: TestApp, user: TestUser, since?: string): Promise<SyncPage> {
  const response = await testApp
    .api()
    .get('/sync')
    .query(since === undefined ? {} : { since })
    .set(bearer(user))
    .expect(200);
  return response.body as SyncPage;
}
