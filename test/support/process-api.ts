/* Plain HTTP against a Parley that runs in its own process (fault and multi-process tests), no supertest. */
import { uniqueName } from './factories.js';

export interface ProcessUser {
  id: number;
  token: string;
}

export async function post(
  url: string,
  path: string,
  body: object,
  token?: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    signal,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

export async function signup(url: string, username = uniqueName()): Promise<ProcessUser> {
  const response = await post(url, '/signup', {
    username,
    email: `${username}@example.com`,
    password_1: 'correct horse battery',
    password_2: 'correct horse battery',
  });
  const body = (await response.json()) as { token: string; user: { id: number } };
  return { id: body.user.id, token: body.token };
}
