/*
 * The VAPID identity (RFC 8292) this server signs its pushes with, read from the environment only: the embedded
 * start (src/main.ts) puts a generated pair there before anything boots, so every process of one installation
 * signs with the same key. Without a pair, push is off and the routes say so.
 */
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';

export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

@Injectable()
export class VapidKeys {
  readonly details?: VapidDetails;

  constructor(config: ConfigService<Environment, true>) {
    const publicKey = config.get('VAPID_PUBLIC_KEY', { infer: true });
    const privateKey = config.get('VAPID_PRIVATE_KEY', { infer: true });
    if (publicKey && privateKey) {
      this.details = { subject: config.get('VAPID_SUBJECT', { infer: true }), publicKey, privateKey };
    }
  }

  get enabled(): boolean {
    return this.details !== undefined;
  }
}
