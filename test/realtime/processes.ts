/* Several Parley processes for the realtime e2e tests: a send, a load balancer, a Redis of our own. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { post, type ProcessUser } from '../support/process-api.js';

export async function send(url: string, from: ProcessUser, to: ProcessUser, message: string): Promise<{ id: number }> {
  const response = await post(url, '/send', { user_id: to.id, message }, from.token);
  if (response.status !== 201) throw new Error(`POST /send answered ${response.status}`);
  return (await response.json()) as { id: number };
}

/**
 * A TCP load balancer: each connection goes to the first backend that accepts
 * it, so when one instance dies its clients reconnect to the next.
 */
export async function startBalancer(backends: number[]): Promise<{ port: number; close: () => Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.pause();
    const tryBackend = (index: number) => {
      if (index >= backends.length) return client.destroy();
      const upstream = connect(backends[index], '127.0.0.1');
      upstream.once('error', () => tryBackend(index + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  const port = await findFreePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A throwaway redis-server (no persistence) on a port of its own, to stop and start at will. */
export class OwnRedis {
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', () => reject(new Error(`redis-server exited: ${output}`)));
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
