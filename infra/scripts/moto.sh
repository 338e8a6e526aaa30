# Sourced by with-moto.sh and sam-local.sh: moto_start starts moto_server
# (a local AWS API) on a free port of 127.0.0.1 in the background, behind
# moto-serial.py (one request at a time, as DynamoDB applies each request
# atomically), and waits until it answers. It sets MOTO_PID, MOTO_PORT,
# MOTO_ENDPOINT and MOTO_LOG; stopping it is the caller's business.
moto_start() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  "$here/need-python-tool.sh" moto_server "moto[server]"
  MOTO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  MOTO_LOG=$(mktemp -t moto.XXXXXX.log)
  MOTO_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
  python3 "$here/moto-serial.py" 127.0.0.1 "$MOTO_PORT" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$MOTO_ENDPOINT/moto-api/" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "moto_server failed to start:" >&2
      cat "$MOTO_LOG" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "moto_server did not answer on $MOTO_ENDPOINT:" >&2
  cat "$MOTO_LOG" >&2
  return 1
}
