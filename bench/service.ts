/* Runs the service as users do: the built dist/src/main.js in its own process (or the floor server). */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { findFreePort } from '../src/database/embedded-postgres.js';

export interface RunningService {
  url: string;
  pid: number;
  rssMiB: () => number;
  /** CPU time (user + system) the service's processes have used so far, in seconds. */
  cpuSeconds: () => number;
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

/** Consecutive ready answers, each on a connection of its own, that count as every worker ready. */
const READY_IN_A_ROW = 10;

/**
 * /health answers as soon as a process listens; with WEB_CONCURRENCY > 1 a worker still connecting to the database
 * then answers 503 to the requests the primary hands it (seen: 22 of the first 900 sends). Measured rows start
 * once readiness has answered 200 on READY_IN_A_ROW new connections in a row, which the primary spreads across its
 * workers in turn.
 */
async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  let inARow = 0;
  while (inARow < READY_IN_A_ROW) {
    if (child.exitCode !== null) throw new Error(`service exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('service did not become ready within 60 s');
    try {
      const response = await fetch(`${url}/health/ready`, { headers: { connection: 'close' } });
      inARow = response.ok ? inARow + 1 : 0;
    } catch {
      inARow = 0;
    }
    if (inARow === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function statusField(pid: string, field: string): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN; // the process has just exited
  }
}

function tree(pid: number): string[] {
  const children = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && statusField(entry, 'PPid') === pid);
  return [String(pid), ...children];
}

/** RSS of the service: the process and, with WEB_CONCURRENCY > 1, its workers. */
function treeRssMiB(pid: number): number {
  return tree(pid).reduce((sum, id) => sum + (statusField(id, 'VmRSS') || 0), 0) / 1024;
}

// Linux reports CPU time (/proc/<pid>/stat, /proc/stat) in clock ticks of 1/100 s (USER_HZ) on every architecture Node.js runs on.
const TICKS_PER_SECOND = 100;

/**
 * utime + stime of these processes, from /proc/<pid>/stat (fields 14 and 15), and with `reapedChildren` cutime +
 * cstime (16 and 17): what their children used that have exited and been waited for.
 */
export function cpuSecondsOf(pids: string[], { reapedChildren = false } = {}): number {
  let ticks = 0;
  for (const id of pids) {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      if (reapedChildren) ticks += Number(fields[13]) + Number(fields[14]);
    } catch {
      // the process has just exited
    }
  }
  return ticks / TICKS_PER_SECOND;
}

const treeCpuSeconds = (pid: number) => cpuSecondsOf(tree(pid));

/** All cores together, from /proc/stat: time busy and time idle (idle + iowait), in seconds. */
export function machineCpuSeconds(): { busy: number; idle: number } {
  // The first line, "cpu  user nice system idle iowait irq softirq steal ...", sums every core.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return {
    busy: (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND,
    idle: (idle + iowait) / TICKS_PER_SECOND,
  };
}

/**
 * CPU time of the PostgreSQL servers on this machine so far: their live processes, and the backends that have
 * exited, which the postmaster reaps (a pool that closes idle connections, as the harness's own does between its
 * rounds, would otherwise take their time out of the sum and make a difference of two readings negative).
 */
export function databaseCpuSeconds(): number {
  const servers = readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres';
    } catch {
      return false;
    }
  });
  return cpuSecondsOf(servers, { reapedChildren: true });
}

const SERVICE_SCRIPT = 'dist/src/main.js';

/** How long stop() waits for a drained exit before it kills the service's processes. */
const STOP_GRACE_MS = 20_000;

/**
 * Starts the service on a port the kernel says is free, never a fixed one: a fixed port another process
 * holds (a benchmark left running, a neighbour) would have the harness measure that process instead.
 */
export async function startService(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
  script = SERVICE_SCRIPT,
  { discardStdout = false } = {},
): Promise<RunningService> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      // No balancer to drain from: stop() would otherwise wait out the default drain delay.
      SHUTDOWN_DELAY_MS: '0',
      ...extraEnv,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NODE_ENV: 'production',
    },
    // Discarded: a service logging every request would bury the bench's own output.
    stdio: ['ignore', discardStdout ? 'ignore' : 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(url, child);
  if (script.endsWith(SERVICE_SCRIPT)) await waitUntilReady(url, child);
  return {
    url,
    pid: child.pid as number,
    rssMiB: () => treeRssMiB(child.pid as number),
    cpuSeconds: () => treeCpuSeconds(child.pid as number),
    // Once stopped, stopping again is a no-op (a run stops the floor early, and again on the way out).
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A service that does not drain in time is killed with its workers, so the run always ends.
        const workers = tree(child.pid as number).slice(1);
        const kill = setTimeout(() => {
          console.error(`[bench] the service did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; killing it`);
          for (const pid of [child.pid as number, ...workers.map(Number)]) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }, STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
