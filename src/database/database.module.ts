import { Global, Module } from '@nestjs/common';
import { PreparedStatements } from './prepared-statements.js';
import { ReplicaReads } from './replicas/replica-reads.js';

@Global()
@Module({ providers: [PreparedStatements, ReplicaReads], exports: [PreparedStatements, ReplicaReads] })
export class DatabaseModule {}
