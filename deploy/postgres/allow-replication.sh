#!/bin/sh
# The primary's first start only (docker-entrypoint-initdb.d): lets the replica (docker-compose.yml,
# postgres-replica) stream WAL as POSTGRES_USER, a superuser and so allowed to replicate, with its password.
# wal_level=replica and max_wal_senders=10 are PostgreSQL's defaults already.
set -eu
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
