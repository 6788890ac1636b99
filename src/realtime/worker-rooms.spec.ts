import { describe, expect, it } from '@jest/globals';
import { type ClusterMessage, MessageType } from 'socket.io-adapter';
import { type RoomNews, WorkerRooms } from './worker-rooms.js';

const news = (changes: RoomNews['changes'], nsp = '/'): RoomNews => ({
  source: 'parley:worker-rooms',
  nsp,
  changes,
});
const broadcast = (rooms: string[], extra: { requestId?: string; nsp?: string } = {}) =>
  ({
    source: '_sio_adapter',
    uid: 'sender',
    nsp: extra.nsp ?? '/',
    type: MessageType.BROADCAST,
    data: { packet: {}, opts: { rooms, except: [], flags: {} }, requestId: extra.requestId },
  }) as ClusterMessage & { source: string };
const other = (type: MessageType, rooms: string[]) =>
  ({
    source: '_sio_adapter',
    uid: 'sender',
    nsp: '/',
    type,
    data: { opts: { rooms, except: [], flags: {} }, rooms: [] },
  }) as unknown as ClusterMessage & { source: string };

describe('WorkerRooms', () => {
  it('copies a broadcast to a room only to the workers holding a socket in it', () => {
    const rooms = new WorkerRooms();
    rooms.apply('2', news([['+', 'user:7']]));
    rooms.apply('3', news([['+', 'user:8']]));
    expect(rooms.concerns('2', broadcast(['user:7', 'user:9']))).toBe(true);
    expect(rooms.concerns('3', broadcast(['user:7', 'user:9']))).toBe(false);
    // A worker it has heard nothing from yet holds no socket.
    expect(rooms.concerns('4', broadcast(['user:7']))).toBe(false);
  });

  it('follows rooms as they empty, fill again, and go with their worker', () => {
    const rooms = new WorkerRooms();
    rooms.apply(
      '2',
      news([
        ['+', 'user:7'],
        ['-', 'user:7'],
        ['+', 'user:7'],
      ]),
    );
    expect(rooms.concerns('2', broadcast(['user:7']))).toBe(true);
    rooms.apply('2', news([['-', 'user:7']]));
    expect(rooms.concerns('2', broadcast(['user:7']))).toBe(false);
    rooms.apply('2', news([['+', 'user:7']]));
    rooms.forget('2');
    expect(rooms.concerns('2', broadcast(['user:7']))).toBe(false);
  });

  it('keeps namespaces apart', () => {
    const rooms = new WorkerRooms();
    rooms.apply('2', news([['+', 'user:7']], '/admin'));
    expect(rooms.concerns('2', broadcast(['user:7']))).toBe(false);
    expect(rooms.concerns('2', broadcast(['user:7'], { nsp: '/admin' }))).toBe(true);
  });

  it('still copies to every worker what is not a broadcast to rooms, or waits for every worker’s answer', () => {
    const rooms = new WorkerRooms();
    expect(rooms.concerns('2', broadcast([]))).toBe(true);
    expect(rooms.concerns('2', broadcast(['user:7'], { requestId: 'r1' }))).toBe(true);
    for (const type of [MessageType.SOCKETS_LEAVE, MessageType.DISCONNECT_SOCKETS, MessageType.FETCH_SOCKETS]) {
      expect(rooms.concerns('2', other(type, ['user:7']))).toBe(true);
    }
    expect(rooms.concerns('2', other(MessageType.HEARTBEAT, []))).toBe(true);
  });
});
