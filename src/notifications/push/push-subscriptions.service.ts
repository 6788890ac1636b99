import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { PreparedStatements } from '../../database/prepared-statements.js';
import type { CreatePushSubscriptionDto } from './dto/create-push-subscription.dto.js';
import type { PushSubscriptionCreatedDto } from './dto/push-subscription-created.dto.js';
import type { VapidPublicKeyDto } from './dto/vapid-public-key.dto.js';
import { refuseEndpoint } from './endpoint-policy.js';
import { DELETE_OWN_SUBSCRIPTION, UPSERT_SUBSCRIPTION } from './push.queries.js';
import { VapidKeys } from './vapid-keys.js';

const PUSH_OFF = 'Web Push is off on this server';

@Injectable()
export class PushSubscriptionsService {
  private readonly allowInsecure: boolean;

  constructor(
    private readonly statements: PreparedStatements,
    private readonly vapid: VapidKeys,
    config: ConfigService<Environment, true>,
  ) {
    this.allowInsecure = config.get('PUSH_ALLOW_INSECURE_ENDPOINTS', { infer: true });
  }

  publicKey(): VapidPublicKeyDto {
    if (!this.vapid.details) throw new NotFoundException(PUSH_OFF);
    return { key: this.vapid.details.publicKey };
  }

  async register(userId: number, dto: CreatePushSubscriptionDto): Promise<PushSubscriptionCreatedDto> {
    if (!this.vapid.enabled) throw new NotFoundException(PUSH_OFF);
    const refused = await refuseEndpoint(dto.endpoint, this.allowInsecure);
    if (refused) throw new BadRequestException(refused);
    const { p256dh, auth } = dto.keys;
    const [{ id }] = await this.statements.rows(UPSERT_SUBSCRIPTION, [userId, dto.endpoint, p256dh, auth]);
    return { id };
  }

  async remove(userId: number, id: number): Promise<void> {
    const deleted = await this.statements.rows(DELETE_OWN_SUBSCRIPTION, [userId, id]);
    if (deleted.length === 0) throw new NotFoundException(`You have no push subscription with id ${id}`);
  }
}
