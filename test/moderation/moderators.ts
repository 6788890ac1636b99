/* Moderators for e2e tests: the role set past the API, as the operator CLI sets it (test/moderation/cli.e2e-spec.ts). */
import { signupUser, type TestUser } from '../support/factories.js';
import type { TestApp } from '../support/test-app.js';

export async function signupModerator(testApp: TestApp): Promise<TestUser> {
  const user = await signupUser(testApp);
  await testApp.query(`UPDATE users SET role = 'moderator' WHERE id = $1`, [user.id]);
  return user;
}

export interface ReportBody {
  user_id: number;
  message_id?: number;
  reason: string;
  details?: string;
}
