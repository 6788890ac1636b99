/*
 * Express gives each request and response its app's prototype (app.request,
 * app.response) with Object.setPrototypeOf when it starts handling them. A
 * live object whose prototype changes sends V8 down slow paths in Node's own
 * HTTP code for the rest of the request: measured on a bare node:http server,
 * that swap alone cost a third of its throughput (docs/performance.md). Here
 * the HTTP server constructs requests and responses from subclasses whose
 * prototypes are the app's, so Express's swap finds nothing to change.
 *
 * The same response class counts the requests being handled, for a graceful stop. Closing the HTTP server waits
 * for open connections only: a client that drops its connection while its request waits on the database (a phone
 * changing networks, a load generator stopping) leaves a handler running that nobody waited for, and Nest then
 * closed the database pool under it (the bench saw `Cannot use a pool after calling end on the pool`, a 500, and a
 * send that had begun never stored). A response counts from its creation until it is ended, which the handler,
 * the error filter or the request timeout does whether or not the client is still there.
 */
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/** Requests being handled, and who waits for there to be none. */
class Handling {
  private running = 0;
  private waiting: (() => void)[] = [];

  started(): void {
    this.running++;
  }

  ended(): void {
    if (--this.running > 0) return;
    for (const resolve of this.waiting) resolve();
    this.waiting = [];
  }

  get idle(): boolean {
    return this.running === 0;
  }

  /** True once none is running; false after `timeoutMs` if some still are (a handler stuck past every timeout). */
  none(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export class PrototypeStableExpressAdapter extends ExpressAdapter {
  /** How long close() waits, once every connection is closed, for handlers still running (REQUEST_TIMEOUT_MS). */
  handlerDrainMs = 10_000;
  private readonly handling = new Handling();

  override initHttpServer(options: NestApplicationOptions): void {
    // Those options make Nest set its server up differently; Parley uses none of them.
    if (options.httpsOptions || options.forceCloseConnections || options.return503OnClosing) {
      return super.initHttpServer(options);
    }
    const app = this.getInstance<Express>();
    const handling = this.handling;
    class ExpressRequest extends IncomingMessage {}
    class ExpressResponse extends ServerResponse {}
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each response as `this`
    const end = ServerResponse.prototype.end as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
    // Three named parameters, not a rest array: this runs once per request.
    ExpressResponse.prototype.end = function (
      this: ServerResponse,
      chunk?: unknown,
      encoding?: unknown,
      done?: unknown,
    ) {
      // Only the first end counts: a later one (after the request timeout answered, say) is a no-op in Node.
      if (!this.writableEnded) handling.ended();
      return end.call(this, chunk, encoding, done);
    } as ServerResponse['end'];
    // Each class's prototype takes the place of the app's, inheriting from it: what Express adds stays reachable.
    Object.setPrototypeOf(ExpressRequest.prototype, app.request);
    Object.setPrototypeOf(ExpressResponse.prototype, app.response);
    app.request = ExpressRequest.prototype as Express['request'];
    app.response = ExpressResponse.prototype as Express['response'];
    const server = createServer(
      { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse },
      (request, response) => {
        handling.started();
        app(request, response);
      },
    );
    this.setHttpServer(server);
  }

  /**
   * For a stop, called until the server has closed: closes every connection that carries no request being handled.
   * Node's own closeIdleConnections leaves a connection that has not sent a request yet (a browser's preconnect, a
   * client's spare), and the server's close then waits for its client to hang up. Once no handler runs, no
   * connection carries one (a request counts from the moment its headers are parsed), so all of them go.
   */
  closeUnusedConnections(): void {
    const server = this.getHttpServer();
    if (this.handling.idle) server.closeAllConnections();
    else server.closeIdleConnections();
  }

  /** Nest closes the database after this: every connection closed, then every handler still running ended. */
  override async close(): Promise<void> {
    await super.close();
    await this.handling.none(this.handlerDrainMs);
  }
}
