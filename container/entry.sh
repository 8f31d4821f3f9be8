#!/bin/sh
# Container entry point: on AWS Lambda (AWS_LAMBDA_RUNTIME_API set) run the runtime client; locally,
# run the lambda-ml emulator around it so `docker run -p 8080:8080` answers the Invoke API.
# The handler comes from CMD (default function/handler.handler), so users can point it at their own.
set -eu
root="${LAMBDA_TASK_ROOT:-/var/task}"
handler="${1:-${_HANDLER:-function/handler.handler}}"

if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  export HOST="${HOST:-0.0.0.0}" PORT="${PORT:-8080}" HANDLER="$handler"
  exec node "$root/emulator/main.js" --host "$HOST" --port "$PORT" --handler "$handler"
fi
export _HANDLER="$handler"
exec node "$root/runtime/main.js" "$handler"
