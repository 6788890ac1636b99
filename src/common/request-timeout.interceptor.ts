import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type Observable, throwError, TimeoutError } from 'rxjs';
import { catchError, timeout } from 'rxjs/operators';
import type { Environment } from '../config/environment.js';

/** A handler that has not answered within REQUEST_TIMEOUT_MS gets 503 instead of holding the client forever. */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  private readonly milliseconds: number;

  constructor(config: ConfigService<Environment, true>) {
    this.milliseconds = config.get('REQUEST_TIMEOUT_MS', { infer: true });
  }

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout(this.milliseconds),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof TimeoutError
            ? new ServiceUnavailableException('The request took too long; retry shortly')
            : error,
        ),
      ),
    );
  }
}
