#!/usr/bin/env bash
# Runs every test from a fresh clone: installs Azurite from npm, then builds and runs the .NET tests in Release.
# The storage tests start Azurite themselves on free ports, in memory, and stop it.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error
dotnet test Functions.sln -c Release "$@"
