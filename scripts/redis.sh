#!/usr/bin/env bash
# Starts a throw-away Redis server on loopback for the tests and prints the URL to reach it.
#   scripts/redis.sh start DIR PORT   — create DIR and start the server (no persistence)
#   scripts/redis.sh stop DIR PORT    — stop it and remove DIR
set -euo pipefail

command="${1:?start or stop}"
dir="${2:?directory}"
port="${3:?port}"

case "$command" in
  start)
    mkdir -p "$dir"
    # The port can still be held for a moment after a stop on the same port: try again a few times.
    for _ in $(seq 1 20); do
      redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
        --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >/dev/null
      for _ in $(seq 1 50); do
        if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
          echo "redis://127.0.0.1:$port/0"
          exit 0
        fi
        if grep -q "Address already in use" "$dir/redis.log" 2>/dev/null; then break; fi
        sleep 0.1
      done
      if grep -q "Address already in use" "$dir/redis.log" 2>/dev/null; then
        echo "port $port busy: $(ss -ltnp "sport = :$port" 2>/dev/null | tail -n +2 | tr -s ' ')" >&2
        : > "$dir/redis.log"
        sleep 0.5
        continue
      fi
      break
    done
    echo "redis did not start; see $dir/redis.log" >&2
    exit 1
    ;;
  stop)
    pid="$(cat "$dir/redis.pid" 2>/dev/null || true)"
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    # Wait until it has let go of the port, so a restart on the same port can bind it.
    if [ -n "$pid" ]; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "redis on port $port did not shut down; killing it" >&2
        kill -9 "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      fi
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR PORT" >&2
    exit 2
    ;;
esac
