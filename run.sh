#!/usr/bin/env bash
# Runs the app locally: installs Azurite (and Core Tools where the network allows), builds, starts Azurite and `func start`.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error
dotnet build Functions.csproj -c Debug --nologo -v quiet

func=$(command -v func || true)
if [[ -z "$func" ]]; then
  npm install --no-save --no-audit --no-fund --loglevel=error azure-functions-core-tools@4 >/dev/null 2>&1 || true
  [[ -x node_modules/.bin/func ]] && node_modules/.bin/func --version >/dev/null 2>&1 && func=node_modules/.bin/func
fi
if [[ -z "$func" ]]; then
  echo "Azure Functions Core Tools (func) is not installed and could not be downloaded here: install it (npm i -g azure-functions-core-tools@4, or see https://learn.microsoft.com/azure/azure-functions/functions-run-local) and run ./run.sh again." >&2
  exit 1
fi

mkdir -p .azurite
node_modules/.bin/azurite --silent --location .azurite --skipApiVersionCheck &
azurite=$!
trap 'kill $azurite 2>/dev/null || true' EXIT
"$func" start "$@"
