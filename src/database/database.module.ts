import { Global, Module } from '@nestjs/common';
import { PreparedStatements } from './prepared-statements.js';

@Global()
@Module({ providers: [PreparedStatements], exports: [PreparedStatements] })
export class DatabaseModule {}
