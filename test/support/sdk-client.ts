/* The SDK as a frontend team uses it: over a real port, one client per user. */
import { type Client, createClient } from '@parley/client';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export interface SdkTarget {
  baseUrl: string;
  /** A client with no token, for the public routes and for 401s. */
  anonymous: Client;
  /** A client that sends this token as `Authorization: Bearer`. */
  as(user: { token: string }): Client;
}

/** Makes the test app listen on a free port and points SDK clients at it. */
export async function listenForSdk(testApp: TestApp): Promise<SdkTarget> {
  await testApp.app.listen(0, '127.0.0.1');
  const { port } = testApp.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    anonymous: createClient({ baseUrl }),
    as: (user) => createClient({ baseUrl, auth: user.token }),
  };
}
