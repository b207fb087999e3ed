#!/usr/bin/env bash
# Durable operations per second through the job queue, with a no-op step.
#
#   scripts/bench-operations.sh [--duration SECONDS] [--window N]
#
# Builds bench/uxload.c, bench/opsload.c and the test daemon (release; Tests/TestDaemon = berthd's
# wiring plus test operation types, including `test.noop`), starts it on a temporary state directory,
# and for 1 and 8 client connections (keep-alive, each on a queue key of its own) runs for SECONDS
# (default 5):
#   accepted   POST /1.0/testing/operations          -> 202 once the operation and its job are
#                                                        committed (synchronous=FULL, group commit)
#   queue      the same POSTs, each client keeping up to N (default 32) of its operations unfinished,
#              while a subscriber to /1.0/events (NDJSON) sees every final event: operations through
#              the whole queue per second, and the time from sending the POST to the final event
#   sync       POST /1.0/testing/operations?wait=10  -> 200 once the operation is final (one at a
#                                                        time per client: latency-bound)
# and prints ops/s with p50/p99 latency. A benchmark, not a test: the load generators share the cores.
# References (shared/reference): one fsync here takes ~0.29 ms; SQLite WAL + synchronous=FULL commits
# ~5,600 single-row transactions/s; target >= 10,000 durable ops/s with 8 clients.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=5
window=32
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration|-d) duration="$2"; shift ;;
        --window|-w) window="$2"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-operations.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

work="$(mktemp -d /tmp/berth-bench-ops-XXXXXX)"
pid=""
cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"${CC:-cc}" -O2 -pthread -o "$work/uxload" bench/uxload.c
"${CC:-cc}" -O2 -pthread -o "$work/opsload" bench/opsload.c
swift build -c release --product BerthTestDaemon >&2
daemon="$(swift build -c release --show-bin-path)/BerthTestDaemon"
"$daemon" --state-dir "$work/state" --log-level warn 2>"$work/daemon.log" &
pid=$!
"$daemon" waitready --state-dir "$work/state" --timeout 30

socket="$work/state/unix.socket"
# Each client works on its own queue key (uxload puts the connection number in place of {c}).
body='{"type":"test.noop"}'
# Waits until no operation is pending or running.
drain() {
    python3 - "$socket" <<'PY'
import json, socket, sys, time
def busy():
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    s.sendall(b"GET /1.0/operations?status=pending,running,cancelling&limit=1 HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
    data = b""
    while chunk := s.recv(65536): data += chunk
    body = data.split(b"\r\n\r\n", 1)[1]
    return json.loads(body)["metadata"] != {}
deadline = time.time() + 300
while busy() and time.time() < deadline: time.sleep(0.2)
PY
}

printf '%-10s %-8s %10s %9s %9s\n' scenario clients "ops/s" "p50 ms" "p99 ms"
report() {
    python3 - "$@" <<'PY'
import json, sys
scenario, clients, result = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
rate = result.get("ops_per_s", result.get("rps"))
problems = [f"{result[k]} {k}" for k in ("errors", "failed") if result.get(k)]
note = f"  ({', '.join(problems)})" if problems else ""
print(f"{scenario:<10} {clients:<8} {rate:>10.0f} {result['p50_ms']:>9.3f} {result['p99_ms']:>9.3f}{note}")
PY
}
for clients in 1 8; do
    for scenario in accepted queue sync; do
        # Keys of their own per run, and an empty queue to start from: accepted runs leave a backlog.
        path="/1.0/testing/operations?queue=$scenario-$clients-{c}"
        drain
        case "$scenario" in
            accepted) result="$("$work/uxload" -s "$socket" -m POST -p "$path" -b "$body" -c "$clients" -d "$duration")" ;;
            queue) result="$("$work/opsload" -s "$socket" -p "$path" -b "$body" -c "$clients" -w "$window" -d "$duration")" ;;
            sync) result="$("$work/uxload" -s "$socket" -m POST -p "$path&wait=10" -b "$body" -c "$clients" -d "$duration")" ;;
        esac
        report "$scenario" "$clients" "$result"
    done
done
