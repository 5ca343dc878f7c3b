#!/usr/bin/env bash
# Starts a throw-away S3-protocol server on loopback for the tests (moto_server from PyPI,
# with authentication on: a request with a wrong signature is refused) and prints its address,
# an access key id and its secret on one line, separated by spaces.
#   scripts/s3.sh start DIR PORT   — create DIR and start the server
#   scripts/s3.sh stop DIR PORT    — stop it and remove DIR
set -euo pipefail

command="${1:?start or stop}"
dir="${2:?directory}"
port="${3:?port}"

case "$command" in
  start)
    mkdir -p "$dir"
    # The first three requests are let through unsigned: they make the test user, its policy and
    # its key. Every later one must be signed with that key.
    INITIAL_NO_AUTH_ACTION_COUNT=3 nohup moto_server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
    echo $! >"$dir/moto.pid"
    for _ in $(seq 1 200); do
      if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    python3 - "$port" <<'PY'
import json, sys
import boto3
port = sys.argv[1]
iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                   aws_access_key_id="setup", aws_secret_access_key="setup")
iam.create_user(UserName="footfall-tests")
iam.put_user_policy(UserName="footfall-tests", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="footfall-tests")["AccessKey"]
print(f"http://127.0.0.1:{port} {key['AccessKeyId']} {key['SecretAccessKey']}")
PY
    ;;
  stop)
    pid="$(cat "$dir/moto.pid" 2>/dev/null || true)"
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR PORT" >&2
    exit 2
    ;;
esac
