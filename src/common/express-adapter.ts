/*
 * Express gives each request and response its app's prototype (app.request,
 * app.response) with Object.setPrototypeOf when it starts handling them. A
 * live object whose prototype changes sends V8 down slow paths in Node's own
 * HTTP code for the rest of the request: measured on a bare node:http server,
 * that swap alone cost a third of its throughput (docs/performance.md). Here
 * the HTTP server constructs requests and responses from subclasses whose
 * prototypes are the app's, so Express's swap finds nothing to change.
 */
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

export class PrototypeStableExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // Those options make Nest set its server up differently; Parley uses none of them.
    if (options.httpsOptions || options.forceCloseConnections || options.return503OnClosing) {
      return super.initHttpServer(options);
    }
    const app = this.getInstance<Express>();
    class ExpressRequest extends IncomingMessage {}
    class ExpressResponse extends ServerResponse {}
    // Each class's prototype takes the place of the app's, inheriting from it: what Express adds stays reachable.
    Object.setPrototypeOf(ExpressRequest.prototype, app.request);
    Object.setPrototypeOf(ExpressResponse.prototype, app.response);
    app.request = ExpressRequest.prototype as Express['request'];
    app.response = ExpressResponse.prototype as Express['response'];
    this.setHttpServer(createServer({ IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse }, app));
  }
}
