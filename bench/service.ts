/* Runs the service as users do: the built dist/src/main.js in its own process (or the floor server). */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface RunningService {
  url: string;
  pid: number;
  rssMiB: () => number;
  stop: () => Promise<void>;
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('service did not become healthy within 60 s');
}

function statusField(pid: string, field: string): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN; // the process has just exited
  }
}

/** RSS of the service: the process and, with WEB_CONCURRENCY > 1, its workers. */
function treeRssMiB(pid: number): number {
  const children = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && statusField(entry, 'PPid') === pid);
  const kB = [String(pid), ...children].reduce((sum, id) => sum + (statusField(id, 'VmRSS') || 0), 0);
  return kB / 1024;
}

export async function startService(
  databaseUrl: string,
  port: number,
  extraEnv: Record<string, string> = {},
  script = 'dist/src/main.js',
): Promise<RunningService> {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      ...extraEnv,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(url, child);
  return {
    url,
    pid: child.pid as number,
    rssMiB: () => treeRssMiB(child.pid as number),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
