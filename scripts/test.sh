#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then runs every test.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests

# The trained person detector and the sample video, for the model tests (which CI requires).
data_dir="${FOOTFALL_DATA_DIR:-./footfall-data}"
swift build --product footfall
"$(swift build --show-bin-path)/footfall" models install ssdlite --data-dir "$data_dir"
FOOTFALL_TEST_MODEL_DIR="$(cd "$data_dir/models/ssdlite" && pwd)"
FOOTFALL_TEST_VIDEO="$(cd "$data_dir/samples" && pwd)/vtest.avi"
export FOOTFALL_TEST_MODEL_DIR FOOTFALL_TEST_VIDEO

# Real servers on loopback: PostgreSQL (each test makes its own database), Redis and RabbitMQ
# (each test uses its own keys and queues; tests that restart a server start their own), and an
# S3-protocol server that checks signatures (each test makes its own bucket).
pg_dir="$(mktemp -d /tmp/footfall-test-pg.XXXXXX)"
pg_port="${FOOTFALL_TEST_POSTGRES_PORT:-54329}"
redis_dir="$(mktemp -d /tmp/footfall-test-redis.XXXXXX)"
redis_port="${FOOTFALL_TEST_REDIS_PORT:-56379}"
rabbit_dir="$(mktemp -d /tmp/footfall-test-rabbitmq.XXXXXX)"
rabbit_port="${FOOTFALL_TEST_AMQP_PORT:-56672}"
s3_dir="$(mktemp -d /tmp/footfall-test-s3.XXXXXX)"
s3_port="${FOOTFALL_TEST_S3_PORT:-56700}"
cleanup() {
  bash scripts/postgres.sh stop "$pg_dir" || true
  bash scripts/redis.sh stop "$redis_dir" "$redis_port" || true
  bash scripts/rabbitmq.sh stop "$rabbit_dir" "$rabbit_port" || true
  bash scripts/s3.sh stop "$s3_dir" "$s3_port" || true
}
trap cleanup EXIT
FOOTFALL_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start "$pg_dir" "$pg_port")"
FOOTFALL_TEST_REDIS_URL="$(bash scripts/redis.sh start "$redis_dir" "$redis_port")"
FOOTFALL_TEST_AMQP_URL="$(bash scripts/rabbitmq.sh start "$rabbit_dir" "$rabbit_port")"
s3_line="$(bash scripts/s3.sh start "$s3_dir" "$s3_port")"
read -r FOOTFALL_TEST_S3_URL FOOTFALL_TEST_S3_ACCESS_KEY_ID FOOTFALL_TEST_S3_SECRET_ACCESS_KEY <<<"$s3_line"
FOOTFALL_TEST_POSTGRES_CA="$pg_dir/tls/ca.pem"
export FOOTFALL_TEST_POSTGRES_URL FOOTFALL_TEST_POSTGRES_CA FOOTFALL_TEST_REDIS_URL FOOTFALL_TEST_AMQP_URL
export FOOTFALL_TEST_S3_URL FOOTFALL_TEST_S3_ACCESS_KEY_ID FOOTFALL_TEST_S3_SECRET_ACCESS_KEY

swift test "$@"

# Only for the whole suite: the PostgreSQL restore drill (a base backup, WAL archiving, a crash
# and point-in-time restores); the failover drill in its short form (workers killed and frozen,
# the brokers restarted, every crossing stored once); the deployment files, checked by promtool and systemd-analyze;
# the API against its own OpenAPI description, fuzzed on a live server; a hostile client
# against a live server; and the dashboard, its JavaScript with Node and the whole of it in
# Chromium.
if [ $# -eq 0 ]; then
  bash scripts/restore_drill.sh "$(swift build --show-bin-path)/footfall"
  bash scripts/drill.sh --short "$(swift build --show-bin-path)/footfall"
  bash scripts/deploy-check.sh "$(swift build --show-bin-path)/footfall"
  bash scripts/schemathesis.sh "$(swift build --show-bin-path)/footfall"
  bash scripts/hostile.sh "$(swift build --show-bin-path)/footfall"
  bash scripts/browser-tests.sh "$(swift build --show-bin-path)/footfall" "$FOOTFALL_TEST_VIDEO"
fi
