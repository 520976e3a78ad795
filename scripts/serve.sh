#!/usr/bin/env bash
# Runs the function app on this machine the way Azure runs it: the local Functions host (functions/MedInsure.LocalHost)
# starts the real isolated worker (functions/MedInsure.Functions), serves its HTTP functions and fires its blob trigger.
# Foreground; Ctrl-C or SIGTERM stops the host and the worker together.
#
#   scripts/serve.sh [--urls URL] [--no-build] [--configuration Release|Debug]
#
# Storage: AzureWebJobsStorage (a connection string; default UseDevelopmentStorage=true, Azurite on its standard
# ports). This script starts no Azurite. Keys: FunctionKeys__<name>=<key>; the entry named admin is the admin key.
set -euo pipefail
cd "$(dirname "$0")/.."

urls=http://127.0.0.1:7071
build=1
configuration=Release
while [ $# -gt 0 ]; do
  case "$1" in
    --urls) [ $# -ge 2 ] || { echo "serve.sh: --urls needs a URL" >&2; exit 2; }; urls=$2; shift 2 ;;
    --urls=*) urls=${1#--urls=}; shift ;;
    --no-build) build=0; shift ;;
    --configuration) [ $# -ge 2 ] || { echo "serve.sh: --configuration needs a value" >&2; exit 2; }; configuration=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "serve.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  echo "==> Building the function app and the local host ($configuration)" >&2
  dotnet build functions/MedInsure.Functions -c "$configuration" --nologo -v quiet -clp:ErrorsOnly >&2
  dotnet build functions/MedInsure.LocalHost -c "$configuration" --nologo -v quiet -clp:ErrorsOnly >&2
fi

export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
# exec: the host is this process, so a signal to the script reaches it, and it stops the worker before exiting.
exec dotnet "functions/MedInsure.LocalHost/bin/$configuration/net10.0/MedInsure.LocalHost.dll" \
  --app "functions/MedInsure.Functions/bin/$configuration/net10.0" --urls "$urls"
