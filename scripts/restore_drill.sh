#!/usr/bin/env bash
# The PostgreSQL restore drill: crossings are written without pause while a base backup is
# taken (`footfall backup`) and WAL is archived (`footfall wal push`); the server is killed;
# then it is restored twice into new data directories (`footfall restore --pgdata`): to a point
# in time, where every crossing committed before it must be there and none after, and to the
# end of the archive, which measures what was lost (RPO) against the archive interval. Prints
#   drill: before_target=N restored=N lost=N after_target=N rto_s=X rpo_s=Y archive_timeout_s=Z rpo_within_interval=yes
# and exits non-zero when a crossing before the target is missing or one after it is there (the
# RPO is reported, not judged: it depends on when the crash falls in the archive interval).
#   scripts/restore_drill.sh [FOOTFALL_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=/usr/lib/postgresql/15/bin
footfall="${1:-$(swift build --show-bin-path)/footfall}"
# Three free ports: the server, and the two restored ones.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
port="$(free_port)"
port_target="$(free_port)"
port_latest="$(free_port)"
interval="${FOOTFALL_DRILL_ARCHIVE_TIMEOUT:-5}"
work="$(mktemp -d /tmp/footfall-drill.XXXXXX)"
chmod 755 "$work"
chown postgres "$work"
as_postgres() {
  if [ "$(id -un)" = postgres ]; then sh -c "$1"; elif [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sudo -u postgres sh -c "$1"; fi
}
writer=""
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do echo "== $log" >&2; tail -n 20 "$log" >&2; done
  fi
  [ -n "$writer" ] && kill "$writer" 2>/dev/null || true
  for data in "$work/data" "$work/at-target" "$work/latest"; do
    [ -f "$data/postmaster.pid" ] && as_postgres "$bin/pg_ctl -D '$data' -m immediate -w stop >/dev/null 2>&1" || true
  done
  [ -n "${FOOTFALL_DRILL_KEEP:-}" ] && echo "drill: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
sql() { psql -X -q -t -A -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"; }

mkdir -p "$work/archive" "$work/data"
chown -R postgres "$work/archive" "$work/data"
as_postgres "$bin/initdb -D '$work/data' -A trust -U postgres >'$work/initdb.log' 2>&1"
as_postgres "$bin/pg_ctl -D '$work/data' -l '$work/server.log' -w -o \"-p $port -k '$work' -c listen_addresses=127.0.0.1 \
  -c wal_level=replica -c archive_mode=on -c archive_timeout=$interval \
  -c archive_command='$footfall wal push %p --to $work/archive'\" start >/dev/null"
export FOOTFALL_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
FOOTFALL_SECRET_KEY="$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')"
export FOOTFALL_SECRET_KEY FOOTFALL_LOG_LEVEL=error
"$footfall" migrate >/dev/null
"$footfall" camera add door --name Door --source external >/dev/null
tenant="$(sql "$port" "SELECT id FROM tenants ORDER BY id LIMIT 1")"

# Each committed crossing is logged with its time after its commit returns.
(
  i=0
  while true; do
    i=$((i + 1))
    sql "$port" "SELECT footfall_ensure_partition('crossing_events', now()::date);
      INSERT INTO crossing_events (tenant_id, camera_id, event_id, geometry_version, line, direction, track_id, time)
      VALUES ('$tenant', 'door', 'e$i', 1, 'entrance', 'in', $i, clock_timestamp()) RETURNING event_id, extract(epoch FROM time)" \
      >>"$work/committed.log" 2>/dev/null || exit 0
    sleep 0.05
  done
) &
writer=$!
sleep 2
"$footfall" backup --to "$work/base" >/dev/null
sleep 3
target="$(sql "$port" "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")"
target_epoch="$(sql "$port" "SELECT extract(epoch FROM '$target'::timestamptz)")"
sleep 2
# Everything up to the target is archived before the crash.
segment="$(sql "$port" "SELECT pg_walfile_name(pg_switch_wal())")"
for _ in $(seq 1 600); do
  archived="$(sql "$port" "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")"
  [[ "$archived" > "$segment" || "$archived" == "$segment" ]] && break
  sleep 0.1
done
sleep 2
as_postgres "kill -9 \$(head -1 '$work/data/postmaster.pid')"
crash="$(now)"
wait "$writer" 2>/dev/null || true
writer=""
grep -v '^$' "$work/committed.log" | grep '|' >"$work/committed" || true

restore() { # NAME PORT [UNTIL]
  local data="$work/$1"
  local start
  start="$(now)"
  if [ -n "${3:-}" ]; then
    "$footfall" restore --from "$work/base" --pgdata "$data" --wal-from "$work/archive" --until "$3" >/dev/null
  else
    "$footfall" restore --from "$work/base" --pgdata "$data" --wal-from "$work/archive" >/dev/null
  fi
  chown -R postgres "$data"
  chmod 700 "$data"
  as_postgres "$bin/pg_ctl -D '$data' -l '$work/$1.log' -w -t 60 -o \"-p $2 -k '$work' -c listen_addresses=127.0.0.1 -c archive_mode=off\" start >/dev/null"
  for _ in $(seq 1 3000); do
    [ "$(sql "$2" "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && break
    sleep 0.1
  done
  python3 -c "print(round($(now) - $start, 2))"
}

rto="$(restore at-target "$port_target" "$target")"
sql "$port_target" "SELECT event_id || '|' || extract(epoch FROM time) FROM crossing_events" >"$work/restored"
read -r before lost after <<<"$(python3 - "$work/committed" "$work/restored" "$target_epoch" <<'PY'
import sys
committed = dict(line.split("|") for line in open(sys.argv[1]) if "|" in line)
restored = dict(line.strip().split("|") for line in open(sys.argv[2]) if "|" in line)
target = float(sys.argv[3])
before = [e for e, t in committed.items() if float(t) <= target]
lost = [e for e in before if e not in restored]
after = [e for e, t in restored.items() if float(t) > target]
print(len(before), len(lost), len(after))
PY
)"
restored="$(wc -l <"$work/restored")"

restore latest "$port_latest" >/dev/null
last_restored="$(sql "$port_latest" "SELECT coalesce(max(extract(epoch FROM time)), 0) FROM crossing_events")"
last_committed="$(cut -d'|' -f2 "$work/committed" | sort -n | tail -1)"
rpo="$(python3 -c "print(round(max(0.0, $last_committed - $last_restored), 2))")"

within="$(python3 -c "print('yes' if $rpo <= $interval else 'no')")"
echo "drill: before_target=$before restored=$restored lost=$lost after_target=$after rto_s=$rto rpo_s=$rpo archive_timeout_s=$interval rpo_within_interval=$within"
if [ "$before" -eq 0 ] || [ "$lost" -ne 0 ] || [ "$after" -ne 0 ]; then
  echo "drill: FAILED: the point-in-time restore is not exactly what was committed before the target" >&2
  exit 1
fi
