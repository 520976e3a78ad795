#!/usr/bin/env bash
# The README's test command: installs what the tests need from this repo's own files, builds strictly, runs every test.
# Needs only the .NET 10 SDK and Node 20 on a Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_tools
ensure_test_tools

step "Building (Release, warnings as errors)"
dotnet build MedInsure.Functions.sln -c Release --nologo -v quiet -clp:ErrorsOnly

step "Running tests (Azurite is started by the tests on free ports)"
set +e
dotnet test --solution MedInsure.Functions.sln -c Release --no-build 2>&1 | tee artifacts/test-output.log
status=${PIPESTATUS[0]}
set -e
print_test_totals artifacts/test-output.log
exit "$status"
