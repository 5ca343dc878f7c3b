#!/usr/bin/env bash
# A hostile client against a real `footfall serve` on loopback (scripts/hostile.py): forged
# and poisoned pushes, cross-site requests, slow and idle connections, too many connections,
# oversized requests, DNS rebinding, and what must not be public.
#   scripts/hostile.sh FOOTFALL_BINARY [PORT]
set -euo pipefail

binary="${1:?path to the footfall binary}"
port="${2:-18282}"
cd "$(dirname "$0")/.."

timeout=3
cap=40
source scripts/live-server.sh
export FOOTFALL_HEADER_TIMEOUT="$timeout" FOOTFALL_IDLE_TIMEOUT="$timeout" FOOTFALL_REQUEST_TIMEOUT="$timeout" \
  FOOTFALL_MAX_CONNECTIONS_PER_ADDRESS="$cap"
start_live_server "$binary" "$port" hostile --log-level warning
if ! FOOTFALL_HOSTILE_PORT="$port" FOOTFALL_HOSTILE_PASSWORD="$password" FOOTFALL_HOSTILE_TIMEOUT="$timeout" \
  FOOTFALL_HOSTILE_CAP="$cap" python3 scripts/hostile.py; then
  echo "footfall hostile: the server's log:"
  tail -50 "$data/serve.log"
  exit 1
fi
