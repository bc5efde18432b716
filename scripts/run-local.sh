#!/usr/bin/env bash
# Runs XQueue locally: Azurite (installed from npm if needed, data kept in .azurite/) and the service
# on http://127.0.0.1:18040 with a demo pull queue and demo users. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund

azurite_pid=""
if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
  echo "Storage emulator already listening on 127.0.0.1:10000-10002; using it."
else
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --disableTelemetry --location .azurite --debug .azurite/debug.log \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  azurite_pid=$!
  trap '[ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null && break; sleep 0.2; done
fi

export AzureWebJobsStorage="UseDevelopmentStorage=true"
cat <<INFO

XQueue demo (local, Azurite):
  service     http://127.0.0.1:18040/xqueue/status/
  queue       test-pull (pull queue, processing delay 1 minute)
  LMS user    lms / lms-demo-password       (role submit)
  grader user grader / grader-demo-password (role grade)
  callbacks   only to 127.0.0.1 and localhost (XQueue:CallbackHosts)

INFO
exec env "XQueue__Queues__test-pull__PushUrl=" \
  "XQueue__Users__lms__Password=lms-demo-password" "XQueue__Users__lms__Roles=submit" \
  "XQueue__Users__grader__Password=grader-demo-password" "XQueue__Users__grader__Roles=grade" \
  "XQueue__CallbackHosts=127.0.0.1,localhost" \
  dotnet run --project XQueue.Functions -c Release -- --urls http://127.0.0.1:18040 "$@"
