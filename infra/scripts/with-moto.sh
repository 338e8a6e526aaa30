#!/usr/bin/env bash
# Usage: with-moto.sh COMMAND [ARGS...]
# Starts moto_server (a local AWS API) on 127.0.0.1 on a free port, runs the
# command with TEND_DYNAMO_ENDPOINT (and TEND_AWS_ENDPOINT) pointing at it,
# and stops the server afterwards, whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/need-python-tool.sh" moto_server "moto[server]"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t moto.XXXXXX.log)
# moto's app behind a launcher that applies one request at a time, as
# DynamoDB applies each request atomically (see moto-serial.py).
python3 "$here/moto-serial.py" 127.0.0.1 "$port" >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT INT TERM

endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "moto_server failed to start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "moto_server on $endpoint (pid $pid)" >&2

export TEND_DYNAMO_ENDPOINT="$endpoint" TEND_AWS_ENDPOINT="$endpoint"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
"$@"
