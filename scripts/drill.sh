#!/usr/bin/env bash
# The failover drill (docs/capacity.md). Starts PostgreSQL, Redis and RabbitMQ on loopback, two
# API processes behind nginx and N workers; `footfall drill` pushes synthetic people for many
# smart cameras through nginx and compares the stored crossings with the truth, while this
# script kills a worker with SIGKILL every K seconds (and starts it again), restarts RabbitMQ
# once and Redis once, and freezes a worker with SIGSTOP past its lease and lets it wake.
# It ends with the drill's line
#   drill: expected=N stored=N lost=N doubled=N failover_p99_s=X api_p99_ms=Y
# and exits non-zero when a crossing was lost or doubled.
#   scripts/drill.sh [--short] [FOOTFALL_BINARY]
# --short is the CI form: 40 cameras, 3 workers, 100 s, 2 kills, one restart of each of Redis
# and RabbitMQ and one frozen worker. The full form: 300 cameras, 6 workers, 330 s, a kill every 30 s.
# FOOTFALL_DRILL_CAMERAS, _WORKERS and _SECONDS change the size; FOOTFALL_DRILL_KEEP keeps the logs.
# Redis restarts with its data (append-only file, as docs/operations.md advises);
# FOOTFALL_DRILL_REDIS=empty restarts it empty instead (every lease and checkpoint forgotten:
# docs/capacity.md says what that costs). Settings such as FOOTFALL_LEASE_SECONDS pass through;
# FOOTFALL_DRILL_LOG_LEVEL=info logs every lease taken and given up (warnings only by default);
# FOOTFALL_DRILL_TRACE=1 writes each camera's lag every second to the kept drill.log.
set -euo pipefail
cd "$(dirname "$0")/.."
short=0
if [ "${1:-}" = "--short" ]; then short=1; shift; fi
footfall="${1:-$(swift build -c release --show-bin-path)/footfall}"
if [ "$short" = 1 ]; then
  cameras=40 workers=3 seconds=100
  kills=(45 80) freeze_at=10 rabbit_at=32 redis_at=60 redis_mode=kept
else
  cameras=300 workers=6 seconds=330
  kills=(30 60 90 120 150 180 210 240 270 300) freeze_at=70 rabbit_at=45 redis_at=135 redis_mode=kept
fi
redis_mode="${FOOTFALL_DRILL_REDIS:-$redis_mode}"
cameras="${FOOTFALL_DRILL_CAMERAS:-$cameras}"
workers="${FOOTFALL_DRILL_WORKERS:-$workers}"
seconds="${FOOTFALL_DRILL_SECONDS:-$seconds}"
lease_s="${FOOTFALL_LEASE_SECONDS:-6}"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
work="$(mktemp -d /tmp/footfall-failover.XXXXXX)"
chmod 755 "$work"
pg_port="$(free_port)" redis_port="$(free_port)" rabbit_port="$(free_port)"
api_ports=("$(free_port)" "$(free_port)") lb_port="$(free_port)"
declare -A worker_pid=()
api_pids=() nginx_pid="" drill_pid="" sampler_pid=""
worker_cpu_ticks=0

# CPU time (clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

cleanup() {
  local status=$?
  [ -n "$drill_pid" ] && kill "$drill_pid" 2>/dev/null || true
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  local processes=("${worker_pid[@]}" "${api_pids[@]}")
  for pid in "${processes[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  # A process that has not stopped 15 s after SIGTERM is killed, and named: a graceful
  # shutdown that hangs is a defect of its own, not something the drill should wait for.
  for _ in $(seq 1 150); do
    local alive=0
    for pid in "${processes[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${processes[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "drill: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80) did not stop within 15 s of SIGTERM; killed" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do echo "== $log" >&2; tail -n 15 "$log" >&2; done
  fi
  if [ -n "${FOOTFALL_DRILL_KEEP:-}" ]; then cp -r "$work/rabbitmq/log" "$work/rabbitmq-log" 2>/dev/null || true; fi
  bash scripts/rabbitmq.sh stop "$work/rabbitmq" "$rabbit_port" >/dev/null 2>&1 || true
  redis_stop >/dev/null 2>&1 || true
  bash scripts/postgres.sh stop "$work/postgres" >/dev/null 2>&1 || true
  [ -n "${FOOTFALL_DRILL_KEEP:-}" ] && echo "drill: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# Redis with its data kept in an append-only file across restarts, or throw-away.
redis_start() {
  if [ "$redis_mode" = kept ]; then
    mkdir -p "$work/redis"
    # The port can be held for a moment after a stop: try again a few times.
    for _ in $(seq 1 20); do
      redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly yes --appendfsync everysec \
        --dir "$work/redis" --logfile "$work/redis.log" --pidfile "$work/redis/redis.pid" >/dev/null || true
      for _ in $(seq 1 50); do
        if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
          echo "redis://127.0.0.1:$redis_port/0"
          return 0
        fi
        sleep 0.1
      done
    done
    echo "drill: redis did not start; see $work/redis.log" >&2
    return 1
  else
    bash scripts/redis.sh start "$work/redis" "$redis_port"
  fi
}
redis_stop() {
  if [ "$redis_mode" = kept ]; then
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 || break; sleep 0.1; done
  else
    bash scripts/redis.sh stop "$work/redis" "$redis_port"
  fi
}

# Loopback only: no TLS needed between the drill's processes.
database_url="$(bash scripts/postgres.sh start "$work/postgres" "$pg_port")?sslmode=disable"
redis_url="$(redis_start)"
amqp_url="$(bash scripts/rabbitmq.sh start "$work/rabbitmq" "$rabbit_port")"
export FOOTFALL_DATABASE_URL="$database_url" FOOTFALL_REDIS_URL="$redis_url" FOOTFALL_AMQP_URL="$amqp_url"
FOOTFALL_SECRET_KEY="$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')"
FOOTFALL_DRILL_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
export FOOTFALL_SECRET_KEY FOOTFALL_DRILL_PASSWORD FOOTFALL_LOG_LEVEL="${FOOTFALL_DRILL_LOG_LEVEL:-warning}"
# Frames a camera could not hand over while a broker restarted are sent again later.
export FOOTFALL_PUSH_MAX_AGE=900

"$footfall" migrate --data-dir "$work/admin" >"$work/migrate.log" 2>&1
printf '%s\n' "$FOOTFALL_DRILL_PASSWORD" | "$footfall" user add admin --admin --password-stdin --data-dir "$work/admin" >"$work/user.log" 2>&1

for i in 0 1; do
  "$footfall" serve --no-cameras --port "${api_ports[$i]}" --data-dir "$work/api$i" >"$work/api$i.log" 2>&1 &
  api_pids+=("$!")
done
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  upstream footfall {
    server 127.0.0.1:${api_ports[0]} max_fails=0;
    server 127.0.0.1:${api_ports[1]} max_fails=0;
    keepalive 128;
  }
  server {
    listen 127.0.0.1:$lb_port;
    client_max_body_size 8m;
    location / {
      proxy_pass http://footfall;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.log" 2>&1 &
nginx_pid=$!

start_worker() {
  "$footfall" worker --worker-name "w$1" --data-dir "$work/w$1" >>"$work/w$1.log" 2>&1 &
  worker_pid[$1]=$!
}
for i in $(seq 1 "$workers"); do start_worker "$i"; done

for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$lb_port/readyz" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:${api_ports[0]}/readyz" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:${api_ports[1]}/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done

# The drill is told the schedule (seconds after its scene time 0), to tell each camera's gap
# after a worker's death from the gaps after a broker's restart.
incidents="$freeze_at=freeze,$rabbit_at=rabbitmq,$redis_at=redis"
for t in "${kills[@]}"; do incidents+=",$t=kill"; done
"$footfall" drill --api "http://127.0.0.1:$lb_port" --cameras "$cameras" --seconds "$seconds" --data-dir "$work/admin" \
  --incidents "$incidents" ${FOOTFALL_DRILL_TRACE:+--trace-lag} >"$work/drill.out" 2>"$work/drill.log" &
drill_pid=$!
# The schedule's times count from the drill's scene time 0, once every camera is held.
until grep -q "drill: scene time 0" "$work/drill.log" 2>/dev/null; do
  kill -0 "$drill_pid" 2>/dev/null || break
  sleep 0.1
done
started=$(date +%s%3N)
# Every 5 s, the machine's CPU counters and every process's CPU time, for the drill's CPU per
# part of the fleet at the end (a process's last sample counts, so killed ones count too).
(
  while :; do
    { echo "@ $(head -1 /proc/stat)"; echo "% $(cat "$work"/rabbitmq/mnesia/*.pid 2>/dev/null | tr '\n' ' ')"
      ps -eo pid=,ppid=,times=,args=; } >>"$work/cpu.samples" 2>/dev/null
    sleep 5
  done
) &
sampler_pid=$!
at() { # waits until `$1` seconds after scene time 0; false if the drill has ended
  while [ $(( $(date +%s%3N) - started )) -lt $(( $1 * 1000 )) ]; do
    kill -0 "$drill_pid" 2>/dev/null || return 1
    sleep 0.2
  done
}
random_worker() { # a running worker other than $1
  local candidates=()
  for i in "${!worker_pid[@]}"; do [ "$i" != "${1:-}" ] && candidates+=("$i"); done
  echo "${candidates[$((RANDOM % ${#candidates[@]}))]}"
}
events=()
for t in "${kills[@]}"; do events+=("$t kill"); done
events+=("$freeze_at freeze" "$rabbit_at rabbitmq" "$redis_at redis")
frozen=""
# The schedule is read from descriptor 3, so the commands below cannot swallow it.
while read -r t what <&3; do
  at "$t" || break
  case "$what" in
    kill)
      victim="$(random_worker "$frozen")"
      worker_cpu_ticks=$((worker_cpu_ticks + $(cpu_ticks "${worker_pid[$victim]}")))
      kill -KILL "${worker_pid[$victim]}" 2>/dev/null || echo "drill: worker w$victim had already ended" >&2
      wait "${worker_pid[$victim]}" 2>/dev/null || true
      echo "drill: t=${t}s killed worker w$victim" >&2
      sleep 5
      start_worker "$victim"
      ;;
    freeze)
      frozen="$(random_worker)"
      frozen_for="$(awk "BEGIN { print $lease_s + 5 }")"
      kill -STOP "${worker_pid[$frozen]}" 2>/dev/null || echo "drill: worker w$frozen had already ended" >&2
      echo "drill: t=${t}s froze worker w$frozen for $frozen_for s" >&2
      sleep "$frozen_for"
      kill -CONT "${worker_pid[$frozen]}" 2>/dev/null || true
      frozen=""
      ;;
    rabbitmq)
      echo "drill: t=${t}s restarting RabbitMQ" >&2
      bash scripts/rabbitmq.sh restart "$work/rabbitmq" "$rabbit_port" >/dev/null
      ;;
    redis)
      echo "drill: t=${t}s restarting Redis ($redis_mode)" >&2
      redis_stop >/dev/null
      redis_start >/dev/null
      ;;
  esac
done 3< <(printf '%s\n' "${events[@]}" | sort -n)

status=0
wait "$drill_pid" || status=$?
drill_pid=""
for pid in "${worker_pid[@]}"; do worker_cpu_ticks=$((worker_cpu_ticks + $(cpu_ticks "$pid"))); done
cat "$work/drill.out"
# Crossings the store's fences refused: counted by a worker after its lease passed on, and
# counted again by the new holder. Not a loss; a drill that loses crossings starts here.
fenced="$(cat "$work"/api*.log "$work"/w*.log 2>/dev/null | { grep -ao 'crossings.fenced=[0-9]*' || true; } | awk -F= '{ n += $2 } END { print n + 0 }')"
echo "drill: crossings refused by fences (zombie writes)=$fenced"
# How much of a push's time was queuing it (the broker's confirm), from both API processes'
# footfall_push_queue_seconds, to tell slow pushes waiting on RabbitMQ from the rest.
token="$(curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:${api_ports[0]}/api/v1/sessions" \
  -d "{\"username\":\"admin\",\"password\":\"$FOOTFALL_DRILL_PASSWORD\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' 2>/dev/null || true)"
for port in "${api_ports[@]}"; do
  curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" 2>/dev/null || true
done | python3 -c '
import re, sys
buckets, count = {}, 0
for line in sys.stdin:
    m = re.match(r"footfall_push_queue_seconds_bucket\{le=\"([^\"]+)\"\} (\d+)", line)
    if m:
        buckets[m.group(1)] = buckets.get(m.group(1), 0) + int(m.group(2))
    elif line.startswith("footfall_push_queue_seconds_count "):
        count += int(line.split()[1])
if not count:
    print("drill: push queuing not measured")
    sys.exit()
bounds = sorted((float(k), v) for k, v in buckets.items() if k != "+Inf")
def quantile(q):
    for bound, n in bounds:
        if n >= q * count:
            return f"<= {bound * 1000:g} ms"
    return "> %g ms" % (bounds[-1][0] * 1000)
over = count - dict(bounds).get(0.1, count)
print(f"drill: push queuing (API to broker confirm) p50 {quantile(0.5)}, p99 {quantile(0.99)}; over 100 ms: {over} of {count}")
'
ticks_per_second="$(getconf CLK_TCK)"
python3 - "$worker_cpu_ticks" "$ticks_per_second" "$cameras" "$seconds" <<'EOF'
import sys
ticks, per_second, cameras, seconds = (float(v) for v in sys.argv[1:])
cpu = ticks / per_second
print(f"drill: worker_cpu_s={cpu:.1f} camera_seconds={cameras * seconds:.0f} "
      f"cameras_per_worker_core={cameras * seconds / cpu if cpu else 0:.1f} (5 frames/s, tracking, counting, delivery, checkpoints)")
EOF
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
python3 scripts/drill_cpu.py "$work/cpu.samples" "$(head -1 "$work/postgres/data/postmaster.pid")" "$redis_port" "$work" || true
exit "$status"
