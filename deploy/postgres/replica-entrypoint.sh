#!/bin/sh
# The streaming replica of docker-compose.yml. Its first start copies the primary with `pg_basebackup -R`, which
# also writes standby.signal and primary_conninfo; every start then runs PostgreSQL as the image always does, and
# it streams from where it left off. Parley reads from it only once it has replayed past what the reader was
# shown (DATABASE_REPLICA_URLS, docs/operations.md), so it may start, lag or stop at any time.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  PGPASSWORD="$POSTGRES_PASSWORD" gosu postgres \
    pg_basebackup --host=postgres --username="$POSTGRES_USER" --pgdata="$PGDATA" \
      --write-recovery-conf --wal-method=stream --checkpoint=fast
fi
exec docker-entrypoint.sh postgres
