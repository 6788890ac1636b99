/*
 * One POST to a server Parley does not control (a push service, a webhook
 * receiver), on node:http and node:https with keep-alive agents. Not fetch:
 * in a delivery worker's CPU profile fetch (undici and its web streams) was
 * the largest share (docs/performance.md, "Offline reach"). Either way:
 * redirects are never followed (node:http does not), TLS is verified as
 * usual (a private CA comes in through NODE_EXTRA_CA_CERTS), every call has
 * a deadline, and the answer's body is drained unread so the connection is
 * reused.
 */
import http from 'node:http';
import https from 'node:https';

export interface OutboundAnswer {
  status: number;
  /** A header's value, or undefined. */
  header: (name: string) => string | undefined;
}

/** Thrown when the deadline passes first; `name` is 'TimeoutError', as for fetch with AbortSignal.timeout. */
export class OutboundTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  timeoutMs: number,
): Promise<OutboundAnswer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new Error(`unsupported protocol ${target.protocol}`));
  }
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: 'POST',
        agent: agents[target.protocol as keyof typeof agents],
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        response.resume();
        response.once('end', () => {
          clearTimeout(deadline);
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(', ') : value;
            },
          });
        });
        response.once('error', fail);
        // Cut off before its end (the deadline, a reset): a failure; after a resolve this changes nothing.
        response.once('close', () => fail(new Error('the connection closed before the answer ended')));
      },
    );
    const deadline = setTimeout(
      () => request.destroy(new OutboundTimeoutError(`no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
    function fail(error: Error): void {
      clearTimeout(deadline);
      reject(error);
    }
    request.once('error', fail);
    request.end(body);
  });
}
