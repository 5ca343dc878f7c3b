#!/usr/bin/env bash
# A hostile client against a real `footfall serve` on loopback (scripts/hostile.py): forged
# and poisoned pushes, cross-site requests, slow and idle connections, too many connections,
# oversized requests, DNS rebinding, and what must not be public.
#   scripts/hostile.sh FOOTFALL_BINARY [PORT]
set -euo pipefail

binary="${1:?path to the footfall binary}"
port="${2:-18282}"
cd "$(dirname "$0")/.."

data="$(mktemp -d /tmp/footfall-hostile.XXXXXX)"
password="hostile-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
timeout=3
cap=40
FOOTFALL_ADMIN_PASSWORD="$password" FOOTFALL_HEADER_TIMEOUT="$timeout" FOOTFALL_IDLE_TIMEOUT="$timeout" \
  FOOTFALL_REQUEST_TIMEOUT="$timeout" FOOTFALL_MAX_CONNECTIONS_PER_ADDRESS="$cap" \
  "$binary" serve --port "$port" --data-dir "$data" --log-level warning >"$data/serve.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$data/serve.log"; exit 1; }
  sleep 0.1
done
if ! FOOTFALL_HOSTILE_PORT="$port" FOOTFALL_HOSTILE_PASSWORD="$password" FOOTFALL_HOSTILE_TIMEOUT="$timeout" \
  FOOTFALL_HOSTILE_CAP="$cap" python3 scripts/hostile.py; then
  echo "footfall hostile: the server's log:"
  tail -50 "$data/serve.log"
  exit 1
fi
