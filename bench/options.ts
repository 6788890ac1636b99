/* Command-line flags of `npm run bench`. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { LoadGenerator } from './load-types.js';
import { wrkIsInstalled } from './wrk.js';

export interface BenchOptions {
  users: number;
  messages: number;
  hotChats: number;
  hotChatMessages: number;
  broadcastUsers: number[];
  concurrency: number;
  /** Seconds of each measurement; a full run measures each endpoint and its baseline `rounds` times, alternating. */
  durationSeconds: number;
  rounds: number;
  /** The service's WEB_CONCURRENCY. */
  workers: number;
  growth: number[] | null;
  smoke: boolean;
  /** Only the operations-cost comparison (bench/observability.ts), e.g. with many rounds on a noisy machine. */
  observabilityOnly: boolean;
  /** Only the files phase (bench/attachments.ts): uploads, downloads and memory under 200 concurrent uploads. */
  attachmentsOnly: boolean;
  /** Only what search indexing costs the send rows (bench/search-cost.ts). */
  searchCostOnly: boolean;
  /** Only the replica comparison (bench/replica.ts), on a primary and a streaming replica made for the run. */
  replica: boolean;
  loadGenerator: LoadGenerator;
  /** How long the service sits idle before the after-idle second (30 s; 2 s with --smoke, so CI stays quick). */
  idleSeconds: number;
}

/**
 * The service's workers in a full run: the machine's cores less one, which PostgreSQL (on the same machine here)
 * needs more than any worker. On two cores one worker served 21% more sends than two, with 43% less service CPU
 * per send, and the reads as many (docs/performance.md, History, 2026-12-07 15:40-16:40). The smoke run keeps
 * one per core, so that CI drives the multi-process path.
 */
function workersBesideDatabase(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      'observability-only': { type: 'boolean', default: false },
      'attachments-only': { type: 'boolean', default: false },
      'search-cost-only': { type: 'boolean', default: false },
      replica: { type: 'boolean', default: false },
      users: { type: 'string' },
      messages: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      growth: { type: 'string' },
      workers: { type: 'string' },
      'load-generator': { type: 'string' },
      'idle-seconds': { type: 'string' },
    },
  });
  const loadGenerator = values['load-generator'] ?? (wrkIsInstalled() ? 'wrk' : 'autocannon');
  if (loadGenerator !== 'wrk' && loadGenerator !== 'autocannon') {
    throw new Error('--load-generator is wrk or autocannon');
  }
  const number = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  if (values.smoke) {
    return {
      users: number(values.users, 300),
      messages: number(values.messages, 5_000),
      hotChats: 20,
      hotChatMessages: 500,
      broadcastUsers: [300],
      concurrency: number(values.concurrency, 8),
      durationSeconds: number(values.duration, 1),
      rounds: number(values.rounds, 1),
      workers: number(values.workers, availableParallelism()),
      growth: values.growth === undefined ? null : values.growth.split(',').map(Number),
      smoke: true,
      observabilityOnly: values['observability-only'] ?? false,
      attachmentsOnly: values['attachments-only'] ?? false,
      searchCostOnly: values['search-cost-only'] ?? false,
      replica: values.replica ?? false,
      loadGenerator,
      idleSeconds: number(values['idle-seconds'], 2),
    };
  }
  return {
    users: number(values.users, 10_000),
    messages: number(values.messages, 1_000_000),
    hotChats: 200,
    hotChatMessages: 10_000,
    broadcastUsers: [10_000, 100_000],
    concurrency: number(values.concurrency, 32),
    durationSeconds: number(values.duration, 5),
    rounds: number(values.rounds, 3),
    workers: number(values.workers, workersBesideDatabase()),
    growth: values.growth === undefined ? null : values.growth.split(',').map(Number),
    smoke: false,
    observabilityOnly: values['observability-only'] ?? false,
    attachmentsOnly: values['attachments-only'] ?? false,
    searchCostOnly: values['search-cost-only'] ?? false,
    replica: values.replica ?? false,
    loadGenerator,
    idleSeconds: number(values['idle-seconds'], 30),
  };
}
