#!/usr/bin/env bash
# Builds the Azure Functions deployment package of the .NET isolated worker app.
#
#   <staging>/   `dotnet publish` of functions/MedInsure.Functions (framework-dependent, linux-x64): the app dll and its
#                dependencies, host.json, functions.metadata, worker.config.json, extensions.json, .azurefunctions/
#                (the host's WebJobs extensions), models/ and data/
#   <zip>        the same tree zipped, the staging folder at its root
#
# Used by the azd `prepackage` hook (azure.yaml deploys <staging>) and by tests/MedInsure.Infra.Tests.
# Options (or env): --staging DIR (PACKAGE_STAGING, default out/package)
#                   --output ZIP  (PACKAGE_OUTPUT,  default out/medinsure-functions.zip)
#                   --configuration C (PACKAGE_CONFIGURATION, default Release)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
staging="${PACKAGE_STAGING:-$repo_root/out/package}"
output="${PACKAGE_OUTPUT:-$repo_root/out/medinsure-functions.zip}"
configuration="${PACKAGE_CONFIGURATION:-Release}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --staging) staging="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --configuration) configuration="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$staging" in /*) ;; *) staging="$PWD/$staging" ;; esac
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

app_name="MedInsure.Functions"

fail() {
  echo "package.sh: $*" >&2
  exit 1
}

echo "==> staging $staging"
rm -rf "$staging"
mkdir -p "$staging"

# Framework-dependent: Flex runs dotnet-isolated 10.0 on a Linux image that provides the .NET runtime. linux-x64 keeps
# only that platform's native libraries (ML.NET), flattened beside the dll. No apphost: worker.config.json starts the
# worker as `dotnet MedInsure.Functions.dll`.
dotnet publish "$repo_root/functions/$app_name/$app_name.csproj" \
  -c "$configuration" -r linux-x64 --self-contained false \
  -p:UseAppHost=false -p:DebugType=none \
  -o "$staging" --nologo -v quiet

# Never ship local secrets, developer-only settings or debug symbols (the extensions project writes its own .pdb, and
# ML.NET ships a native .dbg beside its library).
find "$staging" -type f \( -name 'local.settings.json' -o -name 'appsettings.Development.json' -o -name '*.pdb' -o -name '*.dbg' \) -delete

# What the Functions host needs to find and start the worker; without any of these the app starts with no functions.
for required in host.json functions.metadata worker.config.json extensions.json "$app_name.dll"; do
  [[ -f "$staging/$required" ]] || fail "$required is missing from the publish output (is $app_name still a Worker.Sdk project?)"
done
if [[ ! -d "$staging/.azurefunctions" ]] || [[ -z "$(ls -A "$staging/.azurefunctions")" ]]; then
  fail ".azurefunctions/ (the host's extension assemblies) is missing or empty in the publish output"
fi
grep -q '"language"[[:space:]]*:[[:space:]]*"dotnet-isolated"' "$staging/worker.config.json" \
  || fail "worker.config.json does not declare language dotnet-isolated"
echo "==> $(grep -c '"scriptFile"' "$staging/functions.metadata") functions in functions.metadata"

# The app loads its ML model and reference data from the publish folder (content items). Report them, and fail when a
# model that exists in the repo did not reach the package, since the app would then start without it.
for folder in models data; do
  if [[ -d "$staging/$folder" ]]; then
    echo "==> $folder: $(find "$staging/$folder" -type f | wc -l) file(s)"
  else
    echo "==> $folder: not present in the publish output"
  fi
done
if [[ -d "$repo_root/ml/models" ]]; then
  while IFS= read -r model; do
    [[ -f "$staging/models/$(basename "$model")" ]] || fail "$model is not in models/ (is it a content item of the app?)"
  done < <(find "$repo_root/ml/models" -maxdepth 1 -name '*.zip' -type f)
fi

echo "==> zipping $output"
tool="$repo_root/infra/tools/PackageZip/PackageZip.csproj"
dotnet build "$tool" -c Release --nologo -v quiet
dotnet run --no-build --project "$tool" -c Release -- "$staging" "$output"
