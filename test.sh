#!/usr/bin/env bash
# Runs every test from a fresh clone: installs Azurite from npm, restores NuGet packages from the lock files, then
# builds and runs the .NET tests in Release.
# The storage tests start Azurite themselves on free ports, in memory, and stop it. The end-to-end tests need
# Azure Functions Core Tools (`func` on PATH or FUNC_PATH) and the browser tests need Chromium; where one is missing
# those tests report skipped, and this script prints how many skipped and why. In CI (CI=true) a skipped end-to-end or
# browser test fails the run: CI must not pass on tests it never ran.
#
# ./test.sh --fast runs the unit tests only, in well under a minute: it leaves out the tests of every category in
# tests/Functions.Tests/Fixtures/TestCategories.cs (Storage, Browser, EndToEnd, Slow), so it needs neither Azurite
# nor Chromium nor Core Tools. Any other arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

tests=(Functions.sln)
if [[ "${1:-}" == --fast ]]; then
  shift
  tests=(tests/Functions.Tests --filter 'Category!=Storage&Category!=Browser&Category!=EndToEnd&Category!=Slow')
else
  npm ci --no-audit --no-fund --loglevel=error
fi
# Every project's packages.lock.json pins its packages, so this fails when one no longer matches its project.
# After adding or changing a package, update them: dotnet restore Functions.sln --force-evaluate
dotnet restore Functions.sln --locked-mode --verbosity quiet
log=$(mktemp)
results=$(mktemp -d)
trap 'rm -rf "$log" "$results"' EXIT
status=0
dotnet test "${tests[@]}" -c Release --no-restore --logger trx --results-directory "$results" "$@" 2>&1 | tee "$log" || status=$?

# Every skipped test with its reason (test name, tab, reason), from the TRX files: the console does not print reasons.
skipped=$(find "$results" -name '*.trx' -exec awk '
  /<UnitTestResult / {
    skipping = /outcome="NotExecuted"/
    match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
  }
  skipping && /<Message>/ {
    reason = $0; sub(/.*<Message>/, "", reason); sub(/<\/Message>.*/, "", reason)
    print name "\t" reason; skipping = 0
  }
  skipping && /<\/UnitTestResult>/ { print name "\t(no reason given)"; skipping = 0 }' {} + \
  | sed -e 's/&apos;/'"'"'/g' -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g')
if [[ -n "$skipped" ]]; then
  echo "Tests skipped: $(wc -l <<<"$skipped"), by reason:"
  cut -f2 <<<"$skipped" | sort | uniq -c | sort -rn
  # The suites that need something installed: the end-to-end tests (Core Tools) and the browser tests (Chromium).
  unran=$(grep -E '^Functions\.(EndToEndTests\.|Tests\.Dashboard\.DashboardTests\.)' <<<"$skipped" || true)
  if [[ -n "$unran" && "${CI:-}" == true ]]; then
    echo "CI: $(wc -l <<<"$unran") end-to-end or browser tests skipped; install what their reasons name. The first:"
    cut -f1 <<<"$unran" | head -5 | sed 's/^/  /'
    [[ "$status" != 0 ]] || status=1
  fi
fi

# One closing line over all test projects.
awk -F'[:,]' '/^(Passed|Failed|Skipped)! +-/ { f += $2; p += $4; s += $6 }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
