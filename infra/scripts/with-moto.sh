#!/usr/bin/env bash
# Usage: with-moto.sh COMMAND [ARGS...]
# Starts moto_server (a local AWS API) on 127.0.0.1 on a free port, runs the
# command with TEND_DYNAMO_ENDPOINT (and TEND_AWS_ENDPOINT) pointing at it,
# and stops the server afterwards, whatever happens.
set -euo pipefail
source "$(dirname "$0")/moto.sh"
MOTO_PID=
stop() {
  if [ -n "$MOTO_PID" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  rm -f "${MOTO_LOG:-}"
}
trap stop EXIT INT TERM
moto_start
echo "moto_server on $MOTO_ENDPOINT (pid $MOTO_PID)" >&2

export TEND_DYNAMO_ENDPOINT="$MOTO_ENDPOINT" TEND_AWS_ENDPOINT="$MOTO_ENDPOINT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
"$@"
