#!/usr/bin/env bash
# S3 upload throughput: starts the tests' S3-protocol server (moto, checking signatures) on
# loopback and runs `footfall bench s3` against it, which compares with awscli in the same run.
#   scripts/bench_s3.sh [footfall bench s3 options…]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v aws >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check awscli
command -v moto_server >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check "moto[server]==5.2.1"
swift build -c release --product footfall
dir="$(mktemp -d /tmp/footfall-bench-s3.XXXXXX)"
port="${FOOTFALL_BENCH_S3_PORT:-56710}"
trap 'bash scripts/s3.sh stop "$dir" "$port"' EXIT
read -r url FOOTFALL_S3_ACCESS_KEY_ID FOOTFALL_S3_SECRET_ACCESS_KEY <<<"$(bash scripts/s3.sh start "$dir" "$port")"
export FOOTFALL_S3_ACCESS_KEY_ID FOOTFALL_S3_SECRET_ACCESS_KEY
"$(swift build -c release --show-bin-path)/footfall" bench s3 --url "$url" "$@"
