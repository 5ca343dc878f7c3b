#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 server on loopback for the tests, owned by the `postgres`
# user (the server refuses to run as root), and prints the URL to reach it as its superuser.
#   scripts/postgres.sh start DIR PORT   — create DIR and start the server
#   scripts/postgres.sh stop DIR         — stop it
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
command="${1:?start or stop}"
dir="${2:?data directory}"
as_postgres() {
  if [ "$(id -un)" = postgres ]; then sh -c "$1"; elif [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sudo -u postgres sh -c "$1"; fi
}

case "$command" in
  start)
    port="${3:?port}"
    mkdir -p "$dir"
    chown postgres "$dir" 2>/dev/null || true
    as_postgres "$bin/initdb -D '$dir/data' -A trust -U postgres >'$dir/initdb.log' 2>&1"
    # TLS with a throwaway authority (DIR/tls/ca.pem), for the tests that check certificates;
    # plain connections are still accepted.
    mkdir -p "$dir/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls/ca.key" -out "$dir/tls/ca.pem" -days 2 \
      -subj "/CN=Footfall test PostgreSQL CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$dir/tls/server.key" -out "$dir/tls/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/tls/san.ext"
    openssl x509 -req -in "$dir/tls/server.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca.key" -CAcreateserial \
      -out "$dir/tls/server.pem" -days 2 -extfile "$dir/tls/san.ext" 2>/dev/null
    chown -R postgres "$dir/tls" 2>/dev/null || true
    chmod 600 "$dir/tls/server.key"
    as_postgres "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c ssl=on -c ssl_cert_file='$dir/tls/server.pem' -c ssl_key_file='$dir/tls/server.key'\" start >/dev/null"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_postgres "$bin/pg_ctl -D '$dir/data' -m fast -w stop >/dev/null" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
