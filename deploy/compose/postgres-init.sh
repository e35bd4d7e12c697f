#!/bin/sh
# First start of the compose file's PostgreSQL (docker-entrypoint-initdb.d): Fengqiao's own role and
# database, apart from the superuser that Temporal's schema tool uses.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v pw="${FENGQIAO_DB_PASSWORD:?FENGQIAO_DB_PASSWORD is required}" <<'SQL'
CREATE ROLE fengqiao LOGIN PASSWORD :'pw';
CREATE DATABASE fengqiao OWNER fengqiao;
SQL
