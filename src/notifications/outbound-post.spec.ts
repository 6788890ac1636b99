import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postOnce } from './outbound-post.js';

describe('postOnce', () => {
  let server: Server;
  let base: string;
  const seen: { path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  const routes = new Map<string, (response: ServerResponse) => void>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString(), headers: request.headers });
        (routes.get(request.url ?? '') ?? ((r) => r.writeHead(204).end()))(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    routes.clear();
  });

  it('posts the body with its headers and gives the status and headers of the answer', async () => {
    routes.set('/hook', (response) => response.writeHead(429, { 'retry-after': '7' }).end('slow down'));
    const answer = await postOnce(`${base}/hook`, { 'content-type': 'application/json' }, '{"a":1}', 1_000);
    expect(answer.status).toBe(429);
    expect(answer.header('Retry-After')).toBe('7');
    expect(seen).toEqual([expect.objectContaining({ path: '/hook', body: '{"a":1}' })]);
    expect(seen[0].headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '7' });
  });

  it('never follows a redirect: the answer is the 3xx, and its target is not called', async () => {
    routes.set('/moved', (response) => response.writeHead(307, { location: `${base}/elsewhere` }).end());
    const answer = await postOnce(`${base}/moved`, {}, 'x', 1_000);
    expect(answer.status).toBe(307);
    expect(seen.map((request) => request.path)).toEqual(['/moved']);
  });

  it('gives up at the deadline with a TimeoutError', async () => {
    routes.set('/silent', () => undefined);
    const started = Date.now();
    await expect(postOnce(`${base}/silent`, {}, 'x', 200)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses what is not http or https', async () => {
    await expect(postOnce('ftp://127.0.0.1/file', {}, 'x', 200)).rejects.toThrow('unsupported protocol ftp:');
  });
});
