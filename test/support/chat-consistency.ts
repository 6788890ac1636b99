import { INCONSISTENT_CHATS_SQL } from '../../src/chats/chat-consistency.js';
import type { TestApp } from './test-app.js';

/** How many chat rows disagree with the messages table (0 when every unread count is exact). */
export async function countInconsistentChats(testApp: TestApp): Promise<number> {
  const [{ inconsistent }] = await testApp.query<{ inconsistent: number }>(INCONSISTENT_CHATS_SQL);
  return inconsistent;
}
