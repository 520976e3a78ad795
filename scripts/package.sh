#!/usr/bin/env bash
# Builds the Azure Functions deployment package for the custom handler.
#
#   <staging>/host.json                  from the repo root
#   <staging>/<Function>/function.json   one folder per function (functions/*/function.json)
#   <staging>/handler/...                self-contained linux-x64 publish of functions/MedInsure.Functions
#   <zip>                                the same tree zipped; handler/MedInsure.Functions keeps mode 0755
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
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$staging" in /*) ;; *) staging="$PWD/$staging" ;; esac
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

app_name="MedInsure.Functions"
# Must match host.json customHandler.description.defaultExecutablePath.
executable="handler/$app_name"

echo "==> staging $staging"
rm -rf "$staging"
mkdir -p "$staging"

# Self-contained: runtime 'custom' on Flex ships no .NET runtime. Folder, not single-file, so ML.NET's native
# libraries stay beside the binary.
dotnet publish "$repo_root/functions/$app_name/$app_name.csproj" \
  -c "$configuration" -r linux-x64 --self-contained true \
  -p:PublishSingleFile=false -p:DebugType=none \
  -o "$staging/handler" --nologo -v quiet

# Never ship local secrets or developer-only settings.
find "$staging/handler" \( -name 'local.settings.json' -o -name 'appsettings.Development.json' -o -name '*.pdb' \) -delete

if [[ ! -f "$staging/$executable" ]]; then
  echo "package.sh: publish produced no $executable" >&2
  exit 1
fi
chmod 0755 "$staging/$executable"

cp "$repo_root/host.json" "$staging/host.json"
declared=$(grep -o '"defaultExecutablePath"[^,}]*' "$staging/host.json" | sed -E 's/.*:[[:space:]]*"([^"]*)".*/\1/')
if [[ "$declared" != "$executable" ]]; then
  echo "package.sh: host.json defaultExecutablePath is '$declared', expected '$executable'" >&2
  exit 1
fi

count=0
for function_json in "$repo_root"/functions/*/function.json; do
  name="$(basename "$(dirname "$function_json")")"
  mkdir -p "$staging/$name"
  cp "$function_json" "$staging/$name/function.json"
  count=$((count + 1))
done
if [[ $count -eq 0 ]]; then
  echo "package.sh: no functions/*/function.json found" >&2
  exit 1
fi
echo "==> $count functions"

# The app loads its ML model and reference data from the publish folder (content items). Report them, and fail when a
# model that exists in the repo did not reach the package, since the app would then start without it.
for folder in models data; do
  if [[ -d "$staging/handler/$folder" ]]; then
    echo "==> handler/$folder: $(find "$staging/handler/$folder" -type f | wc -l) file(s)"
  else
    echo "==> handler/$folder: not present in the publish output"
  fi
done
if [[ -d "$repo_root/ml/models" ]]; then
  while IFS= read -r model; do
    if [[ ! -f "$staging/handler/models/$(basename "$model")" ]]; then
      echo "package.sh: $model is not in handler/models/ (is it a content item of the app?)" >&2
      exit 1
    fi
  done < <(find "$repo_root/ml/models" -maxdepth 1 -name '*.zip' -type f)
fi

echo "==> zipping $output"
tool="$repo_root/infra/tools/PackageZip/PackageZip.csproj"
dotnet build "$tool" -c Release --nologo -v quiet
dotnet run --no-build --project "$tool" -c Release -- \
  "$staging" "$output" --exec "$executable"
