#!/usr/bin/env bash
# Bursts of small jobs at one running app, each job with its own Idempotency-Key and refusals resent after
# Retry-After (the load tool's default), with the CPU time each process spent per burst from /proc.
# Run it where the app runs, with BASE set (and WORKERS, AZURITE_PID for the CPU figures), for example under a
# local stand-in for the Functions host that exports them. Bursts: BURSTS="1000 300 3000" (default).
set -u
cd "$(dirname "$0")/.."
dotnet build tools/LoadTool -c Release -nologo -v q >/dev/null || exit 1
host=$(pgrep -f 'fhost.dll|func start' | head -1)
ticks() { for p in ${WORKERS:-} ${AZURITE_PID:-} $host; do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0; done; }
for n in ${BURSTS:-1000 300 3000}; do
  before=($(ticks))
  dotnet tools/LoadTool/bin/Release/net10.0/LoadTool.dll --url "$BASE" --jobs "$n" --concurrency "$n" --timeout 900 | grep -v "queued ·"
  after=($(ticks))
  echo "burst $n: CPU ms per job (worker, Azurite, host):$(for i in "${!after[@]}"; do awk -v a="${after[$i]}" -v b="${before[$i]}" -v n="$n" 'BEGIN { printf " %.1f", (a - b) * 1000 / 100 / n }'; done)"
done
