#!/usr/bin/env bash
# The README's first command: on a machine with the .NET 10 SDK and Node 20, installs what is needed from this repo's
# own files, starts Azurite and the function app (the real isolated worker under the local Functions host, through
# scripts/serve.sh), uploads the demo dumps for its blob trigger to ingest and prints where to look.
# `scripts/demo.sh stop` stops everything; data stays in .run/azurite for the next start.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

RUN=.run
APP_URL=http://127.0.0.1:7071

# SIGTERM, then wait: the local host stops its worker before it exits, Azurite flushes its data.
stop_pid() {
  local file=$RUN/$1.pid pid
  if [ -f "$file" ]; then
    pid=$(cat "$file")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
      done
    fi
    rm -f "$file"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 what=$2 log=$3
  for _ in $(seq 1 120); do
    port_open "$port" && return 0
    sleep 0.5
  done
  echo "$what did not start listening on port $port; see $log" >&2
  exit 1
}

if [ "${1:-}" = "stop" ]; then
  stop_pid app
  stop_pid azurite
  echo "Stopped the function app and Azurite (data kept in $RUN/azurite; delete that folder to start empty)."
  exit 0
fi

ensure_node_tools
mkdir -p "$RUN"
stop_pid app

if ! port_open 10002; then
  step "Starting Azurite (blob 10000, queue 10001, table 10002; data in $RUN/azurite)"
  nohup node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --disableTelemetry \
    --location "$RUN/azurite" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    > "$RUN/azurite.log" 2>&1 &
  echo $! > "$RUN/azurite.pid"
  wait_for_port 10002 Azurite "$RUN/azurite.log"
else
  step "Azurite is already listening on 10002: using it"
fi

step "Building the function app, the local Functions host and the CLI (Release)"
dotnet build functions/MedInsure.Functions -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet build functions/MedInsure.LocalHost -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet build functions/MedInsure.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
CLI="dotnet functions/MedInsure.Cli/bin/Release/net10.0/MedInsure.Cli.dll"

# Local function keys, made once and kept, so bookmarked URLs keep working between runs.
[ -f "$RUN/function-key" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$RUN/function-key"
[ -f "$RUN/admin-key" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$RUN/admin-key"
KEY=$(cat "$RUN/function-key")
ADMIN_KEY=$(cat "$RUN/admin-key")

step "Starting the local Functions host and the worker on $APP_URL (log: $RUN/app.log)"
FunctionKeys__default=$KEY FunctionKeys__admin=$ADMIN_KEY AzureWebJobsStorage=UseDevelopmentStorage=true \
  nohup scripts/serve.sh --no-build --urls "$APP_URL" > "$RUN/app.log" 2>&1 &
echo $! > "$RUN/app.pid"
wait_for_port 7071 "The local host" "$RUN/app.log"

step "Uploading the demo dumps; the blob trigger ingests them"
set +e
$CLI ingest --no-process --timeout 300 functions/MedInsure.Functions/DemoDumps
ingest_status=$?
set -e

cat <<TXT

MedInsure is running (the isolated worker under the local Functions host, against Azurite).
  API reference      $APP_URL/api/docs
  Ingestions         curl -H "x-functions-key: $KEY" $APP_URL/api/ingestions
  Articles           curl -H "x-functions-key: $KEY" "$APP_URL/api/articles?topic=contribution&region=360000"
  Answer             curl -G -H "x-functions-key: $KEY" --data-urlencode "q=江西萍乡社保基数8400个人扣多少" $APP_URL/api/answer
  Statistics (CSV)   curl -H "x-functions-key: $KEY" "$APP_URL/api/stats?by=topic&format=csv"
  Dashboard          $APP_URL/api/dashboard?code=$KEY
  Function key       $KEY   (admin key in $RUN/admin-key)
  More dumps         drop files into the 'dumps' container, or: $CLI ingest --no-process <file|dir|zip>
  Stop everything    scripts/demo.sh stop
TXT
exit $ingest_status
