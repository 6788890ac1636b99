/* The results table: printed, and written as JSON and Markdown under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { LoadResult } from './load-types.js';
import type { AttachmentsRow } from './attachments.js';
import type { ObservabilityRow } from './observability.js';
import type { ReplicaRow } from './replica.js';
import type { SearchCostRow } from './search-cost.js';
import { type FreshnessRow, SEARCH_USER_MESSAGES, type SearchRow } from './search.js';

export interface EndpointRow {
  endpoint: string;
  service: LoadResult;
  baseline: LoadResult;
  /** The same endpoint with a single connection: the cost of one request, without queueing. */
  single: LoadResult;
  /** Writes only: the bare server's POST /send (bench/http-floor.ts) in the same alternating rounds. */
  floor?: LoadResult;
}

/** The first second of load after `idleSeconds` of none, and the second just before the lull. */
export interface AfterIdleRow {
  endpoint: string;
  idleSeconds: number;
  /** The round with the median ratio. */
  warm: LoadResult;
  afterIdle: LoadResult;
  /** after / before of every round, in the order run. */
  ratios: number[];
}

export interface BenchReport {
  when: string;
  dataset: Record<string, number>;
  settings: Record<string, number | string>;
  endpoints: EndpointRow[];
  broadcasts: { recipients: number; milliseconds: number; sent: number }[];
  growth: {
    messages: number;
    chatListP50: number;
    historyP50: number;
    chatListSqlP50: number;
    historySqlP50: number;
  }[];
  /** From a send's 201 until the recipient's search finds it (bench/search.ts). */
  searchFreshness: FreshnessRow | null;
  /** Per growth step: the search rows (bench/search.ts). */
  search: { messages: number; rows: SearchRow[] }[];
  inconsistentChats: number | null;
  rssMiB: { afterStart: number; afterWarmUp: number; afterRun: number } | null;
  /** GET /current_user on a bare node:http server: what any Node.js HTTP service gets here. */
  floor: LoadResult | null;
  afterIdle: AfterIdleRow[];
  /** The cost of JSON logs and metrics (bench/observability.ts). */
  observability: ObservabilityRow[];
  /** The send rows with the search indexer off and on (bench/search-cost.ts). */
  searchCost: SearchCostRow[];
  /** Reads and the send on the primary alone and with a streaming replica (bench/replica.ts). */
  replica: ReplicaRow[];
  /** Uploads, downloads and memory under concurrent uploads (bench/attachments.ts). */
  attachments: AttachmentsRow | null;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
// autocannon reports whole milliseconds, so its 0 means under one (wrk's are in microseconds).
const milliseconds = (value: number) => (value === 0 ? '< 1' : fixed(value));

export function toMarkdown(report: BenchReport): string {
  const lines = [
    `Run ${report.when}: ${Object.entries(report.dataset)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}; ` +
      `${Object.entries(report.settings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    '',
  ];
  if (report.endpoints.length > 0) {
    lines.push(
      '| endpoint | req/s | p50 ms | p99 ms | non-2xx | SQL baseline req/s | baseline p50 ms | service / baseline | p50 ms, 1 connection |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...report.endpoints.map(
        ({ endpoint, service, baseline, single }) =>
          `| ${endpoint} | ${fixed(service.requestsPerSecond, 0)} | ${fixed(service.p50)} | ${fixed(service.p99)} | ${service.failures} | ` +
          `${fixed(baseline.requestsPerSecond, 0)} | ${fixed(baseline.p50)} | ${fixed((100 * service.requestsPerSecond) / baseline.requestsPerSecond, 0)}% | ` +
          `${milliseconds(single.p50)} |`,
      ),
      '',
    );
  }
  const writes = report.endpoints.filter((row) => row.floor);
  if (writes.length > 0) {
    const share = (part: LoadResult, whole: LoadResult) =>
      `${fixed((100 * part.requestsPerSecond) / whole.requestsPerSecond, 0)}%`;
    lines.push(
      'Write floor: POST /send on the bare node:http server (same workers and pools): the token lookup and one ' +
        'INSERT into a table with only a primary key, as the prototype did; measured in the same alternating rounds.',
      '',
      '| endpoint | req/s | SQL baseline req/s | write floor req/s | service / baseline | service / write floor | floor p50 ms |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...writes.map(
        ({ endpoint, service, baseline, floor }) =>
          `| ${endpoint} | ${fixed(service.requestsPerSecond, 0)} | ${fixed(baseline.requestsPerSecond, 0)} | ` +
          `${fixed(floor!.requestsPerSecond, 0)} | ${share(service, baseline)} | ${share(service, floor!)} | ${milliseconds(floor!.p50)} |`,
      ),
      '',
    );
    const [random, one] = ['POST /send (random pairs)', 'POST /send (one conversation)'].map((name) =>
      writes.find((row) => row.endpoint === name),
    );
    if (random && one) {
      lines.push(`One conversation / random pairs: ${share(one.service, random.service)}.`, '');
    }
    lines.push(...cpuTable(writes));
  }
  if (report.afterIdle.length > 0) {
    lines.push(
      '| after idle (median round) | idle s | p99 ms, first second after | p99 ms, the second before | after / before | every round | req/s after (before) |',
      '|---|---:|---:|---:|---:|---|---:|',
      ...report.afterIdle.map(
        ({ endpoint, idleSeconds, warm, afterIdle, ratios }) =>
          `| ${endpoint} | ${idleSeconds} | ${fixed(afterIdle.p99)} | ${fixed(warm.p99)} | ${fixed(afterIdle.p99 / warm.p99, 2)}× | ` +
          `${ratios.map((ratio) => `${fixed(ratio, 2)}×`).join(', ')} | ` +
          `${fixed(afterIdle.requestsPerSecond, 0)} (${fixed(warm.requestsPerSecond, 0)}) |`,
      ),
      '',
    );
  }
  const currentUser = report.endpoints.find((row) => row.endpoint === 'GET /current_user');
  if (report.floor && currentUser) {
    const floor = report.floor.requestsPerSecond;
    lines.push(
      `Floor: GET /current_user on a bare node:http server (no framework; same SQL, workers and pools): ` +
        `${fixed(floor, 0)} req/s, p50 ${milliseconds(report.floor.p50)} ms, non-2xx ${report.floor.failures}; ` +
        `${fixed((100 * floor) / currentUser.baseline.requestsPerSecond, 0)}% of the SQL baseline. ` +
        `Parley serves ${fixed((100 * currentUser.service.requestsPerSecond) / floor, 0)}% of the floor.`,
      '',
    );
  }
  if (report.observability.length > 0) {
    const share = (part: LoadResult, whole: LoadResult) =>
      `${fixed((100 * part.requestsPerSecond) / whole.requestsPerSecond, 0)}%`;
    lines.push(
      'Operations cost (three copies of the service side by side, alternating rounds, medians; logs to /dev/null): ' +
        'off = text logs, no metrics; on = JSON logs + Prometheus metrics, access line at its default level (debug, not written); ' +
        'on + access line = one JSON line per request as well (ACCESS_LOG_LEVEL=log).',
      '',
      '| endpoint | off req/s | on req/s | on / off | on p50 ms (off) | on + access line req/s | on + access line / off | service CPU µs per request: off / on / on + access line |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...report.observability.map(
        (row) =>
          `| ${row.endpoint} | ${fixed(row.off.requestsPerSecond, 0)} | ${fixed(row.on.requestsPerSecond, 0)} | ` +
          `${share(row.on, row.off)} | ${milliseconds(row.on.p50)} (${milliseconds(row.off.p50)}) | ` +
          `${fixed(row.onWithAccessLine.requestsPerSecond, 0)} | ${share(row.onWithAccessLine, row.off)} | ` +
          `${fixed(row.cpuMicrosPerRequest.off, 0)} / ${fixed(row.cpuMicrosPerRequest.on, 0)} / ${fixed(row.cpuMicrosPerRequest.onWithAccessLine, 0)} |`,
      ),
      '',
    );
  }
  if (report.searchCost.length > 0) {
    lines.push(
      'Search indexing cost (one copy of the service a round, indexer off (SEARCH_INDEXER=false) then on, alternating ' +
        'rounds, medians; indexer CPU = its database connection, % of one core while "on" ran):',
      '',
      '| endpoint | off req/s | on req/s | on / off | p50 ms on (off) | p99 ms on (off) | indexer CPU |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...report.searchCost.map(
        (row) =>
          `| ${row.endpoint} | ${fixed(row.off.requestsPerSecond, 0)} | ${fixed(row.on.requestsPerSecond, 0)} | ` +
          `${fixed((100 * row.on.requestsPerSecond) / row.off.requestsPerSecond, 0)}% | ` +
          `${milliseconds(row.on.p50)} (${milliseconds(row.off.p50)}) | ${milliseconds(row.on.p99)} (${milliseconds(row.off.p99)}) | ` +
          `${fixed(row.indexerCorePercent, 0)}% |`,
      ),
      '',
    );
  }
  if (report.replica.length > 0) {
    lines.push(
      'Read replica (`--replica`: a primary and a streaming replica made for the run on loopback, on the same two ' +
        'cores; one copy of the service at a time, DATABASE_REPLICA_URLS unset then set, alternating rounds, medians; ' +
        'both with Redis):',
      '',
      '| endpoint | primary alone req/s | with a replica req/s | with / alone | p50 ms with (alone) | reads on the replica |',
      '|---|---:|---:|---:|---:|---:|',
      ...report.replica.map(
        (row) =>
          `| ${row.endpoint} | ${fixed(row.primaryAlone.requestsPerSecond, 0)} | ${fixed(row.withReplica.requestsPerSecond, 0)} | ` +
          `${fixed((100 * row.withReplica.requestsPerSecond) / row.primaryAlone.requestsPerSecond, 0)}% | ` +
          `${milliseconds(row.withReplica.p50)} (${milliseconds(row.primaryAlone.p50)}) | ` +
          `${row.replicaShare === null ? '–' : `${fixed(100 * row.replicaShare, 0)}%`} |`,
      ),
      '',
    );
  }
  if (report.attachments) {
    const files = report.attachments;
    const share = (part: LoadResult, whole: LoadResult) =>
      `${fixed((100 * part.requestsPerSecond) / whole.requestsPerSecond, 0)}%`;
    lines.push(
      `Files (local storage; floor: the same bytes streamed to or from a file by a bare node:http server in the harness). ` +
        `The upload is a ${fixed(files.jpegBytes / 1024 / 1024, 2)} MiB JPEG, which the service decodes, turns upright, ` +
        're-encodes without metadata and thumbnails.',
      '',
      '| files | req/s | p50 ms | p99 ms | non-2xx | floor req/s | service / floor |',
      '|---|---:|---:|---:|---:|---:|---:|',
      `| POST /uploads | ${fixed(files.upload.requestsPerSecond, 1)} | ${fixed(files.upload.p50)} | ${fixed(files.upload.p99)} | ` +
        `${files.upload.failures} | ${fixed(files.uploadFloor.requestsPerSecond, 0)} | ${share(files.upload, files.uploadFloor)} |`,
      `| GET /attachments/{id} | ${fixed(files.download.requestsPerSecond, 0)} | ${fixed(files.download.p50)} | ` +
        `${fixed(files.download.p99)} | ${files.download.failures} | ${fixed(files.downloadFloor.requestsPerSecond, 0)} | ` +
        `${share(files.download, files.downloadFloor)} |`,
      '',
      '| uploads at once | MiB each | seconds | RSS before MiB | RSS peak MiB | RSS after MiB | failed |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      ...files.memory.map(
        (row) =>
          `| ${row.uploads} | ${row.mibEach} | ${fixed(row.seconds)} | ${fixed(row.rssBeforeMiB, 0)} | ${fixed(row.rssPeakMiB, 0)} | ` +
          `${fixed(row.rssAfterMiB, 0)} | ${row.failures} |`,
      ),
      '',
    );
  }
  for (const broadcast of report.broadcasts) {
    lines.push(
      `POST /send_to_all to ${broadcast.recipients.toLocaleString('en')} users: ${broadcast.milliseconds.toFixed(0)} ms (sent ${broadcast.sent}).`,
    );
  }
  if (report.growth.length > 0) {
    lines.push(
      '',
      '| messages | GET /chat p50 ms | GET /chat/{id} p50 ms | GET /chat SQL p50 ms, 1 connection | GET /chat/{id} SQL p50 ms, 1 connection |',
      '|---:|---:|---:|---:|---:|',
      ...report.growth.map(
        (g) =>
          `| ${g.messages.toLocaleString('en')} | ${fixed(g.chatListP50)} | ${fixed(g.historyP50)} | ` +
          `${fixed(g.chatListSqlP50, 2)} | ${fixed(g.historySqlP50, 2)} |`,
      ),
    );
  }
  if (report.searchFreshness) {
    const fresh = report.searchFreshness;
    lines.push(
      '',
      `Search freshness: ${fresh.sends} sends one at a time, each found by the recipient's search ${fixed(fresh.p50, 1)} ms ` +
        `after its 201 at the median, ${fixed(fresh.p99, 1)} ms at p99, ${fixed(fresh.max, 1)} ms at most.`,
    );
  }
  for (const step of report.search) {
    lines.push(
      '',
      `Search at ${step.messages.toLocaleString('en')} messages, for a user with ${SEARCH_USER_MESSAGES.toLocaleString('en')} messages ` +
        'across 200 conversations (the first page of 20):',
      '',
      '| query | what it matches | p50 ms, 1 connection | p99 ms, 1 connection | req/s | p50 ms | p99 ms | non-2xx |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
      ...step.rows.map(
        (row) =>
          `| ${row.kind}: \`${row.q}\` | ${row.matches} | ${fixed(row.single.p50, 1)} | ${fixed(row.single.p99, 1)} | ` +
          `${fixed(row.concurrent.requestsPerSecond, 0)} | ${fixed(row.concurrent.p50, 1)} | ${fixed(row.concurrent.p99, 1)} | ` +
          `${row.single.failures + row.concurrent.failures} |`,
      ),
      '',
      ...step.rows.flatMap((row) => [
        `EXPLAIN (ANALYZE, BUFFERS), ${row.kind} \`${row.q}\`:`,
        '',
        '```',
        row.explain,
        '```',
        '',
      ]),
    );
  }
  if (report.inconsistentChats !== null) {
    lines.push('', `Chat rows that disagree with the messages table after the run: ${report.inconsistentChats}.`);
  }
  if (report.rssMiB) {
    lines.push(
      `Service RSS (all its processes): ${fixed(report.rssMiB.afterStart)} MiB after start, ` +
        `${fixed(report.rssMiB.afterWarmUp)} MiB after warm-up, ${fixed(report.rssMiB.afterRun)} MiB after the run ` +
        `(${fixed(report.rssMiB.afterRun / report.rssMiB.afterStart, 2)}× start).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function writeReport(report: BenchReport, name: string): string {
  mkdirSync('bench/results', { recursive: true });
  const markdown = toMarkdown(report);
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`bench/results/${name}.md`, markdown);
  return markdown;
}

/**
 * Where the cores went in each write row's median rounds, and what the service would have to spend per send for
 * 70% of its SQL baseline (issue 18's target) if PostgreSQL and the load generator spent what they did.
 */
function cpuTable(writes: EndpointRow[]): string[] {
  const measured = writes.filter((row) => row.service.cpu && row.baseline.cpu && row.floor?.cpu);
  if (measured.length === 0) return [];
  const us = (value: number) => fixed(value, 0);
  const side = ({ requestsPerSecond, cpu }: LoadResult) =>
    `${fixed(requestsPerSecond, 0)} req/s: ${us(cpu!.serverUs)} / ${us(cpu!.databaseUs)} / ${us(cpu!.otherUs)}, ${fixed(cpu!.idlePercent, 0)}% idle`;
  const cores = availableParallelism();
  const budget = ({ service, baseline }: EndpointRow) => {
    const { databaseUs, otherUs } = service.cpu!;
    const allowed = (1e6 * cores) / (0.7 * baseline.requestsPerSecond) - databaseUs - otherUs;
    return `${us(allowed)} (uses ${us(service.cpu!.serverUs)})`;
  };
  return [
    `CPU per request in the median rounds of the write rows, µs summed over the ${cores} cores: server (the service's ` +
      'primary and workers, or the bare floor server) / PostgreSQL / the rest (load generator, or this harness for the ' +
      'SQL baseline; kernel), and the share of the machine left idle. The last column: what the service could spend ' +
      'per request and still run at 70% of its SQL baseline with every core busy, if PostgreSQL and the rest spent what they did.',
    '',
    '| endpoint | service | SQL baseline | write floor | service µs allowed at 70% of baseline |',
    '|---|---|---|---|---:|',
    ...measured.map(
      (row) =>
        `| ${row.endpoint} | ${side(row.service)} | ${side(row.baseline)} | ${side(row.floor!)} | ${budget(row)} |`,
    ),
    '',
  ];
}
