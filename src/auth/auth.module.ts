import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { TokenGuard } from './token.guard.js';

@Module({
  controllers: [AuthController],
  providers: [AuthService, TokenGuard],
  // The app registers TokenGuard globally, beside the rate-limit guard (app.module.ts); the realtime
  // handshake authenticates with AuthService.
  exports: [TokenGuard, AuthService],
})
export class AuthModule {}
