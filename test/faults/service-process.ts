/* The built service (dist/src/main.js) as a child process, as it runs in production, for fault tests. */
import { type ChildProcess, spawn } from 'node:child_process';

/** How long a service may take to drain and exit after SIGTERM before the test fails with its output. */
const EXIT_TIMEOUT_MS = 30_000;

/**
 * Every service a test file started and that has not exited. A test that times out never reaches its
 * `finally`: its service (a primary and its workers, holding this process's pipes) would outlive the file and
 * keep Jest from ever exiting, so a CI run waits out its whole time limit instead of failing in minutes.
 */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServiceProcess {
  url: string;
  logs: () => string;
  /** Sends SIGTERM and resolves with the exit code; rejects with the service's output if it does not exit. */
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
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  if (waitUntilServing) await waitFor(async () => (await healthStatus(url)) > 0, 30_000);
  return {
    url,
    logs: () => output,
    terminate: async () => {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timed out'>(
        (resolve) => (timer = setTimeout(resolve, EXIT_TIMEOUT_MS, 'timed out')),
      );
      const code = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (code !== 'timed out') return code;
      child.kill('SIGKILL');
      await exited;
      throw new Error(
        `The service did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM. Its output:\n${output.slice(-6000)}`,
      );
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
