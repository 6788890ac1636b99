/*
 * wrk as the HTTP load generator. The load generator shares the machine's two
 * cores with the service and PostgreSQL, so every cycle it spends is taken
 * from what it measures: wrk (C, one epoll thread) needs a fraction of
 * autocannon's CPU per request. The requests are made in JS by the scenario
 * (random senders, recipients, tokens), written out raw into a Lua script, and
 * replayed in turn.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HttpRequestSpec, LoadResult } from './load-types.js';

const REQUESTS_IN_SCRIPT = 20_000;
const RESULT_MARK = 'WRK_RESULT ';

export function wrkIsInstalled(): boolean {
  return !spawnSync('wrk', ['--version']).error;
}

function rawRequest(host: string, spec: HttpRequestSpec): string {
  const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
  const head = [
    `${spec.method} ${spec.path} HTTP/1.1`,
    `Host: ${host}`,
    `Authorization: Bearer ${spec.token}`,
    ...(body ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`] : []),
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/** A Lua string literal: JSON's escapes of an ASCII string (\" \\ \r \n) are Lua's too. */
function luaString(text: string): string {
  if (!/^[\x20-\x7e\r\n]*$/.test(text)) throw new Error('wrk requests must be printable ASCII');
  return JSON.stringify(text);
}

function luaScript(host: string, next: () => HttpRequestSpec): string {
  const requests = Array.from({ length: REQUESTS_IN_SCRIPT }, () => luaString(rawRequest(host, next())));
  // errors.status counts answers of 400 and above; the API answers no 1xx or 3xx.
  return `local requests = {\n${requests.join(',\n')}\n}
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency)
  local e = summary.errors
  io.write(string.format('${RESULT_MARK}{"requests":%d,"microseconds":%d,"p50":%d,"p99":%d,"failures":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
`;
}

export async function runWrk(
  url: string,
  next: () => HttpRequestSpec,
  settings: { concurrency: number; durationSeconds: number },
): Promise<LoadResult> {
  const directory = mkdtempSync(join(tmpdir(), 'parley-wrk-'));
  const script = join(directory, 'requests.lua');
  try {
    writeFileSync(script, luaScript(new URL(url).host, next));
    const { stdout } = await promisify(execFile)('wrk', [
      '--threads',
      '1',
      '--connections',
      String(settings.concurrency),
      '--duration',
      `${settings.durationSeconds}s`,
      '--script',
      script,
      url,
    ]);
    const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARK));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const result = JSON.parse(line.slice(RESULT_MARK.length)) as {
      requests: number;
      microseconds: number;
      p50: number;
      p99: number;
      failures: number;
    };
    return {
      requestsPerSecond: result.requests / (result.microseconds / 1e6),
      p50: result.p50 / 1000,
      p99: result.p99 / 1000,
      failures: result.failures,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
