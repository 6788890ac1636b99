/** Every socket of a user (all devices). */
export const userRoom = (userId: number) => `user:${userId}`;
/** The sockets of one session (one token). */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
const PRESENCE_PREFIX = 'presence:';
/** The sockets that watch a user's presence. */
export const presenceRoom = (userId: number) => `${PRESENCE_PREFIX}${userId}`;
export const isPresenceRoom = (room: string) => room.startsWith(PRESENCE_PREFIX);
