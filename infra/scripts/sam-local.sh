#!/usr/bin/env bash
# Usage: sam-local.sh   (make sam-local)
# Prepares `sam local invoke`: starts moto_server (a local AWS API) in the
# background on a free port of 127.0.0.1, creates the table, queues and keys of
# template.yaml on it, seeds a workspace with a lead source, writes
# env.json and signed webhook samples (infra/samlocal), and prints the
# sam local invoke line of every sample event. moto keeps running until
# you stop it (the last line says how); running this again stops the
# previous one first.
#
# The functions run in Docker and reach moto with --docker-network host.
# Where the host network can't be shared (Docker Desktop), set
# SAM_LOCAL_AWS_HOST=host.docker.internal and leave --docker-network out.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/moto.sh
state=.aws-sam/local
mkdir -p "$state"

if [ -f "$state/moto.pid" ]; then
  old=$(cat "$state/moto.pid")
  if ps -p "$old" -o args= 2>/dev/null | grep -q moto-serial.py; then
    kill "$old" && echo "stopped the previous moto_server (pid $old)"
  fi
  rm -f "$state/moto.pid"
fi

moto_start
echo "$MOTO_PID" >"$state/moto.pid"
trap 'kill "$MOTO_PID" 2>/dev/null || true; rm -f "$state/moto.pid"' ERR
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  go run ./infra/samlocal -endpoint "$MOTO_ENDPOINT" \
  -function-endpoint "http://${SAM_LOCAL_AWS_HOST:-127.0.0.1}:$MOTO_PORT" -out "$state"
trap - ERR
echo
echo "moto_server keeps running on $MOTO_ENDPOINT (pid $MOTO_PID, log $MOTO_LOG): stop it with kill $MOTO_PID"
