/*
 * The package's entry: the generated HTTP client, with the means to make one per server or per user.
 * Hand-written modules sit beside generated/ and are exported from here; regenerating never touches them.
 */
export * from './generated/index.js';
export { client } from './generated/client.gen.js';
export { createClient, createConfig } from './generated/client/index.js';
export type { Client, Config, RequestResult } from './generated/client/index.js';
export { connectLive, type LiveSocket } from './live.js';
// The socket contract and its payload types (the ones REST does not share), from asyncapi.json.
export type * from './events.gen.js';
