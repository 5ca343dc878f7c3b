#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then runs every test.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests

# A PostgreSQL server on loopback for the PostgreSQL backend's tests; each test makes its own database.
pg_dir="$(mktemp -d /tmp/footfall-test-pg.XXXXXX)"
pg_port="${FOOTFALL_TEST_POSTGRES_PORT:-54329}"
trap 'bash scripts/postgres.sh stop "$pg_dir"' EXIT
FOOTFALL_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start "$pg_dir" "$pg_port")"
export FOOTFALL_TEST_POSTGRES_URL

swift test "$@"
