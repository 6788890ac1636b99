/** Every socket of a user (all devices). */
export const userRoom = (userId: number) => `user:${userId}`;
/** The sockets of one session (one token). */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** The sockets that watch a user's presence. */
export const presenceRoom = (userId: number) => `presence:${userId}`;
