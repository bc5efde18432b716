#!/usr/bin/env bash
# Runs XQueue locally with only the .NET SDK and Node: builds the app, starts Azurite (installed from npm if
# needed, data kept in .azurite/) and runs the app standalone on http://127.0.0.1:18040 with a demo pull queue
# and demo users. No Azure Functions Core Tools: `dotnet run` of an isolated worker hands over to `func`.
# Ctrl+C (or SIGTERM) stops the service, then the Azurite this script started; a service that fails to start
# stops that Azurite too. Arguments are passed to the app after --urls.
#
# Optional overrides, e.g. to run a second copy beside your own:
#   XQUEUE_PORT       the service's port (default 18040)
#   AZURITE_PORT      Azurite's blob port (default 10000); queue and table are the next two ports
#   AZURITE_LOCATION  Azurite's data folder, relative to the repository root (default .azurite)
set -euo pipefail
cd "$(dirname "$0")/.."

port="${XQUEUE_PORT:-18040}"
blob_port="${AZURITE_PORT:-10000}"
queue_port=$((blob_port + 1))
table_port=$((blob_port + 2))
location="${AZURITE_LOCATION:-.azurite}"
app=XQueue.Functions/bin/Release/net10.0/XQueue.Functions.dll

service_pid=""
azurite_pid=""

# SIGTERM, then wait: the next step (and the caller) must find the process gone and its ports free.
stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# The service first (it may still be writing to storage), then the Azurite this script started (not one it reused).
cleanup() {
  if [ -n "$service_pid" ]; then stop "$service_pid"; service_pid=""; fi
  if [ -n "$azurite_pid" ]; then stop "$azurite_pid"; azurite_pid=""; fi
}

# Background jobs of a non-interactive shell ignore SIGINT, so Ctrl+C reaches them only through this trap.
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund

# Built before anything starts, so a build error leaves nothing running. No build servers: they would outlive the script.
dotnet build XQueue.Functions -c Release --nologo -v quiet --disable-build-servers

if listening "$queue_port"; then
  echo "Storage emulator already listening on 127.0.0.1:$blob_port-$table_port; using it."
else
  mkdir -p "$location"
  node_modules/.bin/azurite --silent --disableTelemetry --location "$location" --debug "$location/debug.log" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob_port" --queuePort "$queue_port" --tablePort "$table_port" &
  azurite_pid=$!
  for _ in $(seq 1 150); do
    listening "$blob_port" && listening "$queue_port" && listening "$table_port" && break
    if ! kill -0 "$azurite_pid" 2>/dev/null; then
      azurite_pid=""
      echo "Azurite exited before listening on 127.0.0.1:$blob_port-$table_port (a port taken?)." >&2
      exit 1
    fi
    sleep 0.2
  done
  if ! { listening "$blob_port" && listening "$queue_port" && listening "$table_port"; }; then
    echo "Azurite did not listen on 127.0.0.1:$blob_port-$table_port within 30 s; see $location/debug.log." >&2
    exit 1
  fi
fi

if [ "$blob_port" = 10000 ]; then
  storage="UseDevelopmentStorage=true"
else
  # UseDevelopmentStorage=true means the default ports only; other ports need the emulator's full connection string.
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key"
  storage+=";BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1"
  storage+=";QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1"
  storage+=";TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
fi

cat <<INFO

XQueue demo (local, Azurite on 127.0.0.1:$blob_port-$table_port):
  service     http://127.0.0.1:$port/xqueue/status/
  queue       test-pull (pull queue, processing delay 1 minute)
  LMS user    lms / lms-demo-password       (role submit)
  grader user grader / grader-demo-password (role grade)
  callbacks   only to 127.0.0.1 and localhost (XQueue:CallbackHosts)

INFO
# In the background and waited for, not exec'd: the traps above must outlive it to stop Azurite.
env "AzureWebJobsStorage=$storage" "XQueue__Queues__test-pull__PushUrl=" \
  "XQueue__Users__lms__Password=lms-demo-password" "XQueue__Users__lms__Roles=submit" \
  "XQueue__Users__grader__Password=grader-demo-password" "XQueue__Users__grader__Roles=grade" \
  "XQueue__CallbackHosts=127.0.0.1,localhost" \
  dotnet "$app" --urls "http://127.0.0.1:$port" "$@" &
service_pid=$!
status=0
wait "$service_pid" || status=$?
service_pid=""
exit "$status"
