#!/usr/bin/env bash
# Fuzzes the running API with schemathesis (PyPI) against its own OpenAPI document: a real
# `footfall serve` on loopback with a fresh data directory and an administrator's token.
# Fails on any 5xx, any status code or content type the document does not list, and any
# response body that does not match its schema.
#   scripts/schemathesis.sh FOOTFALL_BINARY [PORT]
set -euo pipefail

binary="${1:?path to the footfall binary}"
port="${2:-18181}"
cd "$(dirname "$0")/.."
if ! command -v schemathesis >/dev/null 2>&1; then
  echo "footfall schemathesis: installing schemathesis from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi

source scripts/live-server.sh
start_live_server "$binary" "$port" schemathesis --no-cameras --log-level error
token="$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/sessions" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
# A camera and a site, so that paths with an id also reach something that exists.
curl -fsS -X PUT "http://127.0.0.1:$port/api/v1/sites/lobby" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"name":"Lobby"}' >/dev/null
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/cameras" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"id":"door","name":"Door","source":"external","siteID":"lobby"}' >/dev/null

# Signing out or changing the password would end the run's own session; the WebSocket needs
# an upgrade that schemathesis does not make.
schemathesis --config-file scripts/schemathesis.toml run "http://127.0.0.1:$port/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path-regex '^/api/v1/sessions/current' --exclude-path '/api/v1/live/ws' \
  --max-examples "${FOOTFALL_SCHEMATHESIS_EXAMPLES:-25}" --seed 2026 --workers 1 --no-color \
  --phases examples,coverage,fuzzing
echo "footfall schemathesis: no 5xx, every response as documented"
