import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/caller/auth-user.js';
import { CurrentUser } from '../../common/caller/current-user.decorator.js';
import { Public } from '../../common/caller/public.decorator.js';
import { RateLimited } from '../../rate-limits/rate-limit.decorator.js';
import { CreatePushSubscriptionDto } from './dto/create-push-subscription.dto.js';
import { PushSubscriptionCreatedDto } from './dto/push-subscription-created.dto.js';
import { PushSubscriptionIdParamDto } from './dto/push-subscription-id-param.dto.js';
import { VapidPublicKeyDto } from './dto/vapid-public-key.dto.js';
import { PushSubscriptionsService } from './push-subscriptions.service.js';

const PUSH_OFF = {
  status: HttpStatus.NOT_FOUND,
  description: 'Web Push is off on this server (no VAPID keys)',
  example: { statusCode: 404, error: 'Not Found', message: 'Web Push is off on this server' },
};

@ApiTags('push')
@Controller('push')
export class PushSubscriptionsController {
  constructor(private readonly subscriptions: PushSubscriptionsService) {}

  /**
   * The server's VAPID public key.
   * @remarks The `applicationServerKey` a browser passes to `PushManager.subscribe` (decode the base64url to
   * bytes). No token needed: a page asks before anyone has logged in.
   */
  @Public()
  @Get('vapid-public-key')
  @ApiOkResponse({ type: VapidPublicKeyDto })
  @ApiErrors(PUSH_OFF)
  getVapidPublicKey(): VapidPublicKeyDto {
    return this.subscriptions.publicKey();
  }

  /**
   * Register this browser for pushes.
   * @remarks Send `PushSubscription.toJSON()` as it is. A message to you is then pushed to this browser when, a few
   * seconds after it was sent (PUSH_DELAY_MS), it is still unread and you have no connected socket, unless the
   * chat is muted or either of you blocked the other; a burst from one sender is one notification. The service
   * worker receives `{type: "message.new", message_id, sender_id, sender_username, preview}` (docs/webhooks.md).
   * Registering the same endpoint again updates it and returns its id; a user keeps at most 10 (the oldest is
   * dropped). The endpoint is never fetched at registration.
   */
  @Post('subscriptions')
  @RateLimited('push')
  @ApiCreatedResponse({ description: 'Registered (or updated)', type: PushSubscriptionCreatedDto })
  @ApiErrors(
    {
      status: HttpStatus.BAD_REQUEST,
      description: 'A field is invalid, or the endpoint is not https or is a loopback or private address',
      example: { statusCode: 400, error: 'Bad Request', message: 'endpoint must be an https URL' },
    },
    PUSH_OFF,
  )
  registerPushSubscription(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreatePushSubscriptionDto,
  ): Promise<PushSubscriptionCreatedDto> {
    return this.subscriptions.register(caller.id, dto);
  }

  /**
   * Stop pushes to this browser.
   * @remarks Call it when the user turns notifications off or logs out on this device. A subscription the push
   * service reports as gone is deleted by the server itself.
   */
  @Delete('subscriptions/:id')
  @RateLimited('push')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The subscription is deleted' })
  @ApiErrors(HttpStatus.BAD_REQUEST, {
    status: HttpStatus.NOT_FOUND,
    description: 'You have no subscription with that id',
    example: { statusCode: 404, error: 'Not Found', message: 'You have no push subscription with id 7' },
  })
  deletePushSubscription(@CurrentUser() caller: AuthUser, @Param() params: PushSubscriptionIdParamDto): Promise<void> {
    return this.subscriptions.remove(caller.id, params.id);
  }
}
