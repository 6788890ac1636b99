/* The built service (dist/src/main.js) as a child process, as it runs in production, for fault tests. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  url: string;
  logs: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  terminate: () => Promise<number | null>;
  /** Sends SIGKILL: a crash, with no draining. */
  kill: () => Promise<void>;
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

export async function healthStatus(url: string): Promise<number> {
  return (await fetch(`${url}/health`)).status;
}

export async function startServiceProcess(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
  { waitUntilServing = true } = {},
): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'log',
      RATE_LIMIT_SEND_PER_USER: '100000',
      // Tests drain nothing from a balancer; a test of the drain sets its own.
      SHUTDOWN_DELAY_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  if (waitUntilServing) await waitFor(async () => (await healthStatus(url)) > 0, 30_000);
  return {
    url,
    logs: () => output,
    terminate: () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
