#!/usr/bin/env bash
# The README's first command: on a machine with the .NET 10 SDK and Node 20, installs what is needed from this repo's
# own files, starts Azurite and the app (standalone custom handler), ingests the demo dumps through the blob trigger
# and prints where to look.  `scripts/demo.sh stop` stops everything; data stays in .run/azurite for the next start.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

RUN=.run
APP_URL=http://127.0.0.1:7071

stop_pid() {
  local file=$RUN/$1.pid
  if [ -f "$file" ]; then
    kill "$(cat "$file")" 2>/dev/null || true
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
  echo "Stopped the app and Azurite (data kept in $RUN/azurite; delete that folder to start empty)."
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

step "Building the app (Release)"
dotnet publish functions/MedInsure.Functions -c Release -o "$RUN/app" --nologo -v quiet -clp:ErrorsOnly

# Local function keys, made once and kept, so bookmarked URLs keep working between runs.
[ -f "$RUN/function-key" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$RUN/function-key"
[ -f "$RUN/admin-key" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$RUN/admin-key"
KEY=$(cat "$RUN/function-key")
ADMIN_KEY=$(cat "$RUN/admin-key")

# Data kept from an earlier run may predate the current article layout; a no-op otherwise.
step "Checking the stored articles' layout"
(cd "$RUN/app" && dotnet MedInsure.Functions.dll migrate)

step "Starting the app on $APP_URL (log: $RUN/app.log)"
(
  cd "$RUN/app"
  FunctionKeys__default=$KEY FunctionKeys__admin=$ADMIN_KEY ASPNETCORE_URLS=$APP_URL \
    nohup dotnet MedInsure.Functions.dll serve > ../app.log 2>&1 &
  echo $! > ../app.pid
)
wait_for_port 7071 "The app" "$RUN/app.log"

step "Uploading the demo dumps; the app's blob trigger ingests them"
set +e
(cd "$RUN/app" && dotnet MedInsure.Functions.dll ingest --no-process --timeout 300 "$OLDPWD/functions/MedInsure.Functions/DemoDumps")
ingest_status=$?
set -e

cat <<TXT

MedInsure is running (standalone custom handler against Azurite).
  API reference      $APP_URL/api/docs
  Ingestions         curl -H "x-functions-key: $KEY" $APP_URL/api/ingestions
  Articles           curl -H "x-functions-key: $KEY" "$APP_URL/api/articles?topic=contribution&region=360000"
  Answer             curl -G -H "x-functions-key: $KEY" --data-urlencode "q=江西萍乡社保基数8400个人扣多少" $APP_URL/api/answer
  Statistics (CSV)   curl -H "x-functions-key: $KEY" "$APP_URL/api/stats?by=topic&format=csv"
  Dashboard          $APP_URL/api/dashboard?code=$KEY
  Function key       $KEY   (admin key in $RUN/admin-key)
  More dumps         drop files into the 'dumps' container, or: dotnet $RUN/app/MedInsure.Functions.dll ingest <file|dir|zip>
  Stop everything    scripts/demo.sh stop
TXT
exit $ingest_status
