# Sourced by the scripts that test a live `footfall serve`: starts one in a fresh data directory
# with an administrator (its password in $password), waits until it answers, and on exit stops
# it and removes the directory. The caller's environment reaches the server.
#   start_live_server BINARY PORT NAME [serve options…]   — sets $data, $password and $server

start_live_server() {
  local binary="$1" port="$2" name="$3"
  shift 3
  data="$(mktemp -d "/tmp/footfall-$name.XXXXXX")"
  password="$name-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  FOOTFALL_ADMIN_PASSWORD="$password" "$binary" serve --port "$port" --data-dir "$data" "$@" >"$data/serve.log" 2>&1 &
  server=$!
  trap stop_live_server EXIT
  for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$server" 2>/dev/null || { cat "$data/serve.log"; exit 1; }
    sleep 0.1
  done
  echo "footfall $name: the server did not answer on port $port within a minute" >&2
  cat "$data/serve.log"
  exit 1
}

stop_live_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
