/*
 * The periodic re-check: a session that ends without its bus event reaching
 * this process (here: deleted behind the app's back, as a lost Redis message
 * would leave it) still loses its sockets.
 */
import { signupUser } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { connectSocket, disconnection, listen, refusalOf, openSocket } from './sockets.js';

describe('session re-check', () => {
  let testApp: TestApp;
  let url: string;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { REALTIME_SESSION_RECHECK_SECONDS: '1' } });
    url = await listen(testApp);
  });

  afterAll(() => testApp.close());

  it('disconnects a socket whose session is gone, and keeps the others', async () => {
    const [ending, staying] = [await signupUser(testApp), await signupUser(testApp)];
    const [endingSocket, stayingSocket] = [
      await connectSocket(url, ending.token),
      await connectSocket(url, staying.token),
    ];
    const closed = disconnection(endingSocket);
    await testApp.query('DELETE FROM sessions WHERE user_id = $1', [ending.id]);
    expect(await closed).toBe('io server disconnect');
    expect(stayingSocket.connected).toBe(true);
    expect((await refusalOf(openSocket(url, ending.token))).data?.statusCode).toBe(401);
    stayingSocket.close();
  });
});
