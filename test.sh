#!/usr/bin/env bash
# Runs every test from a fresh clone: installs Azurite from npm, restores NuGet packages from the lock files, then
# builds and runs the .NET tests in Release.
# The storage tests start Azurite themselves on free ports, in memory, and stop it. The end-to-end tests need
# Azure Functions Core Tools (`func` on PATH or FUNC_PATH) and report skipped, with the reason, where it is missing.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error
# Every project's packages.lock.json pins its packages, so this fails when one no longer matches its project.
# After adding or changing a package, update them: dotnet restore Functions.sln --force-evaluate
dotnet restore Functions.sln --locked-mode --verbosity quiet
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Functions.sln -c Release --no-restore "$@" 2>&1 | tee "$log" || status=$?

# One closing line over all test projects.
awk -F'[:,]' '/^(Passed|Failed|Skipped)! +-/ { f += $2; p += $4; s += $6 }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
