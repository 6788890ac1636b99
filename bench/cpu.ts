/*
 * Where the machine's CPU went during one measurement of a write row, per request: the server under test (the
 * service's primary and workers, or the bare floor server), PostgreSQL's processes, and everything else (the load
 * generator or, for a SQL baseline, this harness; the kernel's softirq work), with the share left idle. On two
 * cores shared by all of them, a row runs out of CPU, not of anything one process could wait less for: these
 * figures say how many microseconds each side would have to give up for a target rate.
 */
import type { CpuPerRequest, LoadResult } from './load-types.js';
import { databaseCpuSeconds, machineCpuSeconds } from './service.js';

/** Runs `measure` and adds what each side spent per request (`serverCpuSeconds`: the server's processes, if any). */
export async function withCpu(
  measure: () => Promise<LoadResult>,
  durationSeconds: number,
  serverCpuSeconds: () => number = () => 0,
): Promise<LoadResult> {
  const before = { machine: machineCpuSeconds(), database: databaseCpuSeconds(), server: serverCpuSeconds() };
  const result = await measure();
  const machine = machineCpuSeconds();
  const used = {
    busy: machine.busy - before.machine.busy,
    idle: machine.idle - before.machine.idle,
    database: databaseCpuSeconds() - before.database,
    server: serverCpuSeconds() - before.server,
  };
  const requests = Math.max(1, result.requestsPerSecond * durationSeconds);
  const perRequest = (seconds: number) => (1e6 * seconds) / requests;
  const cpu: CpuPerRequest = {
    serverUs: perRequest(used.server),
    databaseUs: perRequest(used.database),
    otherUs: perRequest(Math.max(0, used.busy - used.database - used.server)),
    idlePercent: (100 * used.idle) / (used.busy + used.idle),
  };
  return { ...result, cpu };
}
