/*
 * The bus between the workers of one instance (WEB_CONCURRENCY > 1, no Redis), routed by room.
 *
 * @socket.io/cluster-adapter's primary copies every broadcast to every other worker, which parses it and looks for
 * sockets in its rooms: under sends, a fifth of a worker's CPU went to relaying `message.new` events that, most of
 * the time, no socket on the other worker was waiting for (docs/performance.md, the send path). Here each worker
 * tells the primary when one of its rooms gains its first socket or loses its last, and the primary copies a
 * broadcast to a room only to the workers that hold a socket in one of its rooms. Everything else (broadcasts to
 * every socket, socketsJoin/Leave, disconnectSockets, fetchSockets, acknowledged broadcasts, heartbeats) still goes
 * to every worker, exactly as the library does it.
 *
 * Why nothing is missed: a worker writes a room's news to its pipe in the same turn of its event loop as the join
 * (the socket's CONNECT and its first rooms come in one turn, before its client can do anything), so it is in the
 * primary's pipe before any request the client makes afterwards can have caused a broadcast, and the primary reads
 * its pipes in the order data arrived. A worker that dies takes its rooms with it.
 */
import { NodeClusterAdapter } from '@socket.io/cluster-adapter';
import cluster, { type Worker } from 'node:cluster';
import type { Namespace } from 'socket.io';
import { type ClusterMessage, MessageType } from 'socket.io-adapter';

/** The library's own tag on its messages, which the primary relays. */
const ADAPTER_SOURCE = '_sio_adapter';
const ROOMS_SOURCE = 'parley:worker-rooms';

/** Rooms this worker gained (`+`) and lost (`-`), in the order it happened. */
export interface RoomNews {
  source: typeof ROOMS_SOURCE;
  nsp: string;
  changes: Array<['+' | '-', string]>;
}

type AdapterMessage = ClusterMessage & { source: string; requesterUid?: string };

const ignoreError = () => undefined;

/** A worker's adapter: the library's, reporting its rooms to the primary. */
export class RoomReportingAdapter extends NodeClusterAdapter {
  private pending: RoomNews['changes'] = [];
  private readonly namespace: string;

  constructor(nsp: Namespace) {
    super(nsp);
    this.namespace = nsp.name;
    this.on('create-room', (room: string) => this.report('+', room));
    this.on('delete-room', (room: string) => this.report('-', room));
  }

  /** A socket joins several rooms at once (its id, its user, its session; up to 200 watched users): one message. */
  private report(change: '+' | '-', room: string): void {
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.pending.push([change, room]);
  }

  private flush(): void {
    const news: RoomNews = { source: ROOMS_SOURCE, nsp: this.namespace, changes: this.pending };
    this.pending = [];
    process.send?.(news, undefined, {}, ignoreError);
  }
}

/** The primary's view: which rooms of which namespace each worker holds a socket in. */
export class WorkerRooms {
  private readonly rooms = new Map<string, Map<string, Set<string>>>();

  apply(workerId: string, news: RoomNews): void {
    let byNamespace = this.rooms.get(workerId);
    if (!byNamespace) this.rooms.set(workerId, (byNamespace = new Map<string, Set<string>>()));
    let held = byNamespace.get(news.nsp);
    if (!held) byNamespace.set(news.nsp, (held = new Set<string>()));
    for (const [change, room] of news.changes) {
      if (change === '+') held.add(room);
      else held.delete(room);
    }
  }

  forget(workerId: string): void {
    this.rooms.delete(workerId);
  }

  /** Whether `message`, sent by another worker, has anything for the sockets of `workerId`. */
  concerns(workerId: string, message: AdapterMessage): boolean {
    if (message.type !== MessageType.BROADCAST) return true;
    const { opts, requestId } = message.data;
    // An acknowledged broadcast waits for every worker's count; one to no room in particular is for every socket.
    if (requestId !== undefined || opts.rooms.length === 0) return true;
    const held = this.rooms.get(workerId)?.get(message.nsp);
    return held !== undefined && opts.rooms.some((room) => held.has(room));
  }
}

const isRoomNews = (message: unknown): message is RoomNews => (message as RoomNews | null)?.source === ROOMS_SOURCE;
const isAdapterMessage = (message: unknown): message is AdapterMessage =>
  (message as AdapterMessage | null)?.source === ADAPTER_SOURCE;

/** The primary's side (instead of the library's setupPrimary): relays between the workers, by room. */
export function relayBetweenWorkers(): void {
  const rooms = new WorkerRooms();
  // Each adapter's uid, so that a response goes only to the worker that asked.
  const uids = new Map<string, Set<string>>();
  const workers = (): Array<[string, Worker | undefined]> => Object.entries(cluster.workers ?? {});
  cluster.on('exit', (worker) => {
    rooms.forget(String(worker.id));
    uids.delete(String(worker.id));
  });
  cluster.on('message', (from: Worker, message: unknown) => {
    const fromId = String(from.id);
    if (isRoomNews(message)) return rooms.apply(fromId, message);
    if (!isAdapterMessage(message)) return;
    let own = uids.get(fromId);
    if (!own) uids.set(fromId, (own = new Set<string>()));
    own.add(message.uid);
    if (message.requesterUid !== undefined) {
      const requester = workers().find(([id]) => uids.get(id)?.has(message.requesterUid!));
      requester?.[1]?.send(message, undefined, ignoreError);
      return;
    }
    for (const [id, worker] of workers()) {
      if (id !== fromId && worker && rooms.concerns(id, message)) worker.send(message, undefined, ignoreError);
    }
  });
}
