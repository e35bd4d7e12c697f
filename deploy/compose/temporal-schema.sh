#!/bin/sh
# Temporal's own databases (persistence and visibility) on the compose file's PostgreSQL, created and
# brought to the schema of the server image's version with temporal-sql-tool; idempotent (an existing
# database is updated). Runs in temporalio/admin-tools, which ships the tool and the schema files.
set -eu
HOST=${POSTGRES_SEEDS:-postgres}
PORT=${DB_PORT:-5432}
export SQL_PASSWORD="${POSTGRES_PWD:?POSTGRES_PWD is required}"
SCHEMA=/etc/temporal/schema/postgresql/v12
sql() { temporal-sql-tool --plugin postgres12 --ep "$HOST" -p "$PORT" -u "${POSTGRES_USER:-postgres}" "$@"; }
for db in temporal:temporal temporal_visibility:visibility; do
  name=${db%%:*}
  dir=${db#*:}
  sql --db "$name" create 2>/dev/null || echo "temporal-schema: database $name exists"
  sql --db "$name" setup-schema -v 0.0 2>/dev/null || echo "temporal-schema: $name already has a schema"
  sql --db "$name" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "temporal-schema: ready"
