#!/usr/bin/env bash
# A small job beside a big one's fan-out: submit-to-result of small jobs (primes 1000, POST ?wait=60) sent one after
# another, first alone (the reference), then each just after a big job (as it fans out; the big job is cancelled
# after), then behind one big job that is running. Run it where the app runs, with BASE set. N small jobs per case
# (default 10); BIG is the big job (default primes 5·10^12, under the per-job cap on any instance).
set -u
n=${N:-10}
big_job=${BIG:-'{"kind":"primes","input":{"limit":5000000000000}}'}
small() { curl -s -o /dev/null -w '%{time_total}\n' -X POST "$BASE/api/jobs?wait=60" -H 'Content-Type: application/json' -d '{"kind":"primes","input":{"limit":1000}}'; }
submit_big() { curl -s -X POST "$BASE/api/jobs" -H 'Content-Type: application/json' -d "$big_job"; }
id_of() { sed -nE 's/.*"id":"([^"]+)".*/\1/p' <<<"$1"; }
stats() { sort -n | awk -v ref="${1:-0}" '{ t[NR] = $1; s += $1 } END {
  printf "p50 %.2f s, mean %.2f s, max %.2f s", t[int((NR + 1) / 2)], s / NR, t[NR]; if (ref > 0) printf " (mean %.1f× alone)", s / NR / ref }'; }
alone=$(for _ in $(seq 1 "$n"); do small; done)
echo "alone:               $(stats <<<"$alone")"
ref=$(awk '{ s += $1 } END { print s / NR }' <<<"$alone")
at=$(for _ in $(seq 1 "$n"); do id=$(id_of "$(submit_big)"); small; curl -s -o /dev/null -X DELETE "$BASE/api/jobs/$id"; done)
echo "just after a big job: $(stats "$ref" <<<"$at")"
answer=$(submit_big)
id=$(id_of "$answer")
[ -n "$id" ] || { echo "the big job was not accepted: $answer" >&2; exit 1; }
ranges=$(grep -oE '"ranges":[0-9]+' <<<"$answer" | cut -d: -f2)
until curl -s "$BASE/api/jobs/$id" | grep -q '"status":"running"'; do sleep 0.2; done
behind=$(for _ in $(seq 1 "$n"); do small; done)
echo "behind its $ranges ranges: $(stats "$ref" <<<"$behind")"
curl -s -o /dev/null -X DELETE "$BASE/api/jobs/$id"
