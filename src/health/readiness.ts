/*
 * Whether this process should be sent traffic. It stops being ready the moment
 * it is told to stop (SIGTERM), before it closes, so a balancer polling
 * /health/ready takes it out of rotation while it still answers.
 */
import { Injectable } from '@nestjs/common';

@Injectable()
export class Readiness {
  draining = false;
  /** Set by server.ts while the pool's connections prepare the statements, before the first request. */
  warmingUp = false;

  startDraining(): void {
    this.draining = true;
  }
}
