#!/usr/bin/env bash
# Starts a throw-away RabbitMQ node on loopback for the tests and prints the URL to reach it.
# Each node has its own name, ports and directories, so several can run side by side.
#   scripts/rabbitmq.sh start DIR PORT   — start a node (AMQP on PORT, distribution on PORT+100)
#   scripts/rabbitmq.sh stop DIR PORT    — stop it and remove DIR
#   scripts/rabbitmq.sh restart DIR PORT — stop and start it again, keeping its data
# With FOOTFALL_RABBITMQ_TLS_DIR set (ca.pem, server.pem, server.key), the node also speaks TLS
# on PORT+1, and the amqps:// URL is printed after the amqp:// one.
set -euo pipefail

command="${1:?start, stop or restart}"
dir="${2:?directory}"
port="${3:?port}"
node="footfall$port@localhost"

start() {
  mkdir -p "$dir/mnesia" "$dir/log"
  local config=()
  if [ -n "${FOOTFALL_RABBITMQ_TLS_DIR:-}" ]; then
    mkdir -p "$dir/tls"
    cp "$FOOTFALL_RABBITMQ_TLS_DIR/ca.pem" "$FOOTFALL_RABBITMQ_TLS_DIR/server.pem" "$FOOTFALL_RABBITMQ_TLS_DIR/server.key" "$dir/tls/"
    cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = $port
listeners.ssl.default = 127.0.0.1:$((port + 1))
ssl_options.cacertfile = $dir/tls/ca.pem
ssl_options.certfile = $dir/tls/server.pem
ssl_options.keyfile = $dir/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
CONF
    config=(RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf")
  fi
  # Debian's rabbitmq-server drops root for the rabbitmq user, which must own the node's directories.
  if [ "$(id -u)" -eq 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$dir"; fi
  env ${config[@]+"${config[@]}"} RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT="$((port + 100))" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    setsid rabbitmq-server >"$dir/server.out" 2>&1 < /dev/null &
  local server=$!
  # await_startup fails at once while the node is not yet reachable, so ask again until it answers.
  for _ in $(seq 1 120); do
    if rabbitmqctl -q -n "$node" await_startup --timeout 5 >/dev/null 2>&1; then
      echo "amqp://guest:guest@127.0.0.1:$port/%2F"
      if [ -n "${FOOTFALL_RABBITMQ_TLS_DIR:-}" ]; then
        echo "amqps://guest:guest@127.0.0.1:$((port + 1))/%2F?cacertfile=$FOOTFALL_RABBITMQ_TLS_DIR/ca.pem"
      fi
      return 0
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
  done
  echo "rabbitmq did not start; see $dir/log" >&2
  exit 1
}

stop() {
  rabbitmqctl -q -n "$node" stop >/dev/null 2>&1 || true
}

case "$command" in
  start) start ;;
  stop) stop; rm -rf "$dir" ;;
  restart) stop; start >/dev/null ;;
  *)
    echo "usage: $0 start|stop|restart DIR PORT" >&2
    exit 2
    ;;
esac
