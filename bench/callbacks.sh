#!/usr/bin/env bash
# Callback latency: 100 small jobs, each with a callback to a receiver started here; prints how long after each job's
# end (its completedAt) its callback arrived, p50/p99/max, and how many distinct webhook-ids came. Run it where the
# app runs, with BASE set, and the app started with Callbacks__Secret and Callbacks__AllowPrivateNetworks=true.
# Needs python3 (the receiver) and curl.
set -eu
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
arrivals=$(mktemp)
python3 - "$port" "$arrivals" <<'PY' &
import http.server, json, sys, time
out = open(sys.argv[2], "a")
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        out.write(json.dumps({"id": self.headers.get("webhook-id"), "arrived": time.time(), "ended": body["data"]["completedAt"]}) + "\n")
        out.flush()
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
receiver=$!
trap 'kill $receiver; rm -f "$arrivals"' EXIT
sleep 1
for i in $(seq 1 100); do
  curl -s -o /dev/null -X POST "$BASE/api/jobs" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"primes\",\"input\":{\"limit\":1000000},\"callback\":{\"url\":\"http://127.0.0.1:$port/hook\"}}" &
done
wait $(jobs -p | grep -v "^$receiver$") 2>/dev/null || true
for _ in $(seq 1 120); do [[ $(wc -l < "$arrivals") -ge 100 ]] && break; sleep 1; done
python3 - "$arrivals" <<'PY'
import json, sys
from datetime import datetime
rows = [json.loads(line) for line in open(sys.argv[1])]
late = sorted(r["arrived"] - datetime.fromisoformat(r["ended"].replace("Z", "+00:00")).timestamp() for r in rows)
at = lambda q: late[min(len(late) - 1, int(q * len(late)))]
print(f"{len(rows)} callbacks, {len(set(r['id'] for r in rows))} distinct webhook-ids; after the job's end: p50 {at(0.5):.2f} s, p99 {at(0.99):.2f} s, max {late[-1]:.2f} s")
PY
