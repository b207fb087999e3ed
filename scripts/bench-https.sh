#!/usr/bin/env bash
# HTTPS throughput of berthd next to real LXD, same machine, same load generator, same run.
#
#   scripts/bench-https.sh [--duration SECONDS] [--conns N] [--no-lxd] [--stop-lxd] [--json]
#
# Builds bench/tlsload.c (cc -O2 -pthread -lssl -lcrypto) and berthd (release), starts berthd on a
# temporary state directory with `--listen 127.0.0.1:PORT`, and (unless --no-lxd) a real LXD 5.0
# with shared/tools/lxd/start-lxd.sh (needs root; an LXD already answering on its socket is reused)
# whose core.https_address is set to another free loopback port for the run and put back after.
# Then, for each scenario, berthd and then LXD for SECONDS (default 5):
#   full TLS handshakes, 1 client  |  full TLS handshakes, 4 clients  (connect, handshake, close)
#   GET /1.0, 1 keep-alive connection  |  GET /1.0, N keep-alive connections (default 8)
#   GET /1.0, a new connection and full handshake per request (what lxc does)
# No session is resumed. Both servers answer the untrusted GET /1.0 (the client presents no
# certificate), so both do the same work; berthd's per-caller rate limit (LXD has none) is turned
# off for the run (core.rate_limit=0 on its temporary state directory). Prints per scenario req/s
# (handshakes/s), p50 and p99, and the berth/lxd throughput ratio (--json: one JSON document on
# stdout instead).
# berthd is stopped at the end; LXD keeps running unless --stop-lxd.
#
# This is a benchmark, not a test: numbers on a shared 2-core machine are noisy, and the load
# generator (and its share of the TLS work) competes with the server for the same cores.
#
# env: LXD_SOCKET (default /var/lib/lxd/unix.socket), BERTH_SHARED_DIR (default ../shared next to
#      the repository), BERTH_BUILD_DIR (SwiftPM scratch path, default .build), CC (default cc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=5
conns=8
use_lxd=1
stop_lxd=0
json=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration|-d) duration="$2"; shift ;;
        --duration=*) duration="${1#*=}" ;;
        --conns|-c) conns="$2"; shift ;;
        --conns=*) conns="${1#*=}" ;;
        --no-lxd) use_lxd=0 ;;
        --stop-lxd) stop_lxd=1 ;;
        --json) json=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-https.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$duration" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench-https.sh: --duration needs seconds" >&2; exit 2; }
[[ "$conns" =~ ^[0-9]+$ && "$conns" -ge 1 ]] || { echo "bench-https.sh: --conns needs a count" >&2; exit 2; }

shared="${BERTH_SHARED_DIR:-$root/../shared}"
lxd_socket="${LXD_SOCKET:-/var/lib/lxd/unix.socket}"
build_dir="${BERTH_BUILD_DIR:-.build}"
log() { echo "bench: $*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# 1. the load generator
tlsload="$root/$build_dir/bench/tlsload"
if [[ ! -x "$tlsload" || bench/tlsload.c -nt "$tlsload" ]]; then
    mkdir -p "$(dirname "$tlsload")"
    log "compiling bench/tlsload.c"
    "${CC:-cc}" -O2 -pthread -o "$tlsload" bench/tlsload.c -lssl -lcrypto
fi

# 2. berthd (release)
log "building berthd (release)"
swift build -c release --product berthd --scratch-path "$build_dir" >&2
berthd="$(swift build -c release --scratch-path "$build_dir" --show-bin-path)/berthd"

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-https.XXXXXX")"
berthd_pid=""
lxd_restore=""
lxd_api() { curl -sf --max-time 10 --unix-socket "$lxd_socket" "$@"; }
cleanup() {
    if [[ -n "$berthd_pid" ]] && kill -0 "$berthd_pid" 2>/dev/null; then
        kill -TERM "$berthd_pid"
        wait "$berthd_pid" 2>/dev/null || true
    fi
    if [[ -n "$lxd_restore" ]]; then
        lxd_api -X PATCH -H 'Content-Type: application/json' -d "$lxd_restore" http://b/1.0 >/dev/null ||
            log "could not put LXD's core.https_address back: $lxd_restore"
    fi
    rm -rf "$work"
    if [[ $stop_lxd -eq 1 && -f "$shared/tools/lxd/start-lxd.sh" ]]; then
        sh "$shared/tools/lxd/start-lxd.sh" --stop >&2 || true
    fi
}
trap cleanup EXIT
berth_address="127.0.0.1:$(free_port)"
"$berthd" --state-dir "$work/state" --listen "$berth_address" --log-level info 2>"$work/berthd.log" </dev/null &
berthd_pid=$!
if ! "$berthd" waitready --state-dir "$work/state" --timeout 30; then
    log "berthd did not become ready:"; cat "$work/berthd.log" >&2; exit 1
fi
berth_version="$("$berthd" --version 2>/dev/null || echo unknown)"
log "berthd $berth_version ready on https://$berth_address (pid $berthd_pid)"
if ! curl -sf --max-time 10 --unix-socket "$work/state/unix.socket" -X PATCH -H 'Content-Type: application/json' \
    -d '{"config": {"core.rate_limit": "0"}}' http://b/1.0 >/dev/null; then
    log "could not turn berthd's rate limit off (core.rate_limit): over-limit requests will count as errors"
fi

# 3. LXD, with an HTTPS listener of its own for the run
lxd_ok=0
lxd_version=""
lxd_address=""
lxd_answers() { lxd_api http://b/1.0 >/dev/null 2>&1; }
if [[ $use_lxd -eq 1 ]]; then
    if lxd_answers; then
        log "reusing the LXD answering on $lxd_socket"
    elif [[ -f "$shared/tools/lxd/start-lxd.sh" ]]; then
        log "starting LXD with $shared/tools/lxd/start-lxd.sh"
        sh "$shared/tools/lxd/start-lxd.sh" >&2
    else
        log "no LXD on $lxd_socket and no $shared/tools/lxd/start-lxd.sh: measuring berthd only"
    fi
    if lxd_answers; then
        read -r lxd_version previous < <(lxd_api http://b/1.0 | python3 -c '
import json, sys
metadata = json.load(sys.stdin)["metadata"]
print(metadata["environment"]["server_version"], metadata["config"].get("core.https_address", ""))')
        lxd_address="127.0.0.1:$(free_port)"
        lxd_restore="{\"config\": {\"core.https_address\": \"${previous:-}\"}}"
        if lxd_api -X PATCH -H 'Content-Type: application/json' \
            -d "{\"config\": {\"core.https_address\": \"$lxd_address\"}}" http://b/1.0 >/dev/null; then
            lxd_ok=1
            log "LXD $lxd_version serves https://$lxd_address for the run"
        else
            log "could not set LXD's core.https_address: measuring berthd only"
            lxd_restore=""
        fi
    elif [[ -S "$lxd_socket" || -f "$shared/tools/lxd/start-lxd.sh" ]]; then
        log "LXD does not answer on $lxd_socket: measuring berthd only"
    fi
fi

# 4. the runs: for each scenario berthd, then LXD, back to back
scenarios=(
    "full handshakes, 1 client|-H -c 1"
    "full handshakes, 4 clients|-H -c 4"
    "GET /1.0, 1 conn, keep-alive|-c 1 -k 1"
    "GET /1.0, $conns conns, keep-alive|-c $conns -k 1"
    "GET /1.0, new conn per request|-c 1 -k 0"
)
results="$work/results.jsonl"
: >"$results"
run() { # address, args... -> one JSON line
    local address="$1"; shift
    "$tlsload" -t "$address" -p /1.0 -d "$duration" "$@"
}
# A short unrecorded warm-up per server.
run "$berth_address" -c 1 -k 1 -d 1 >/dev/null
[[ $lxd_ok -eq 1 ]] && run "$lxd_address" -c 1 -k 1 -d 1 >/dev/null
for scenario in "${scenarios[@]}"; do
    name="${scenario%%|*}"
    read -r -a args <<<"${scenario#*|}"
    log "$name: berthd (${duration}s)"
    berth_result="$(run "$berth_address" "${args[@]}")"
    lxd_result=null
    if [[ $lxd_ok -eq 1 ]]; then
        log "$name: lxd (${duration}s)"
        lxd_result="$(run "$lxd_address" "${args[@]}")"
    fi
    printf '{"scenario": "%s", "args": "%s", "berth": %s, "lxd": %s}\n' \
        "$name" "${scenario#*|}" "$berth_result" "$lxd_result" >>"$results"
done

# 5. report
BENCH_JSON=$json BENCH_DURATION="$duration" BERTH_VERSION="$berth_version" LXD_VERSION="$lxd_version" \
    python3 - "$results" <<'EOF'
import json, os, platform, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
for row in rows:
    berth, lxd = row["berth"], row["lxd"]
    row["ratio"] = round(berth["rps"] / lxd["rps"], 2) if lxd and lxd["rps"] else None
report = {
    "transport": "HTTPS, untrusted client, no session resumption",
    "duration_s": float(os.environ["BENCH_DURATION"]),
    "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
    "berth_version": os.environ["BERTH_VERSION"],
    "lxd_version": os.environ["LXD_VERSION"] or None,
    "scenarios": rows,
}
if os.environ["BENCH_JSON"] == "1":
    json.dump(report, sys.stdout, indent=2)
    print()
    sys.exit(0)

def cells(result):
    if not result:
        return ["-", "-", "-", "-"]
    tls = f"{result['protocol']} {result['cipher']}".strip()
    return [f"{result['rps']:.0f}", f"{result['p50_ms']:.2f}", f"{result['p99_ms']:.2f}", tls]

header = ["HTTPS", "berth /s", "p50 ms", "p99 ms", "berth TLS", "lxd /s", "p50 ms", "p99 ms", "lxd TLS", "berth/lxd"]
table = [header]
for row in rows:
    ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
    table.append([row["scenario"], *cells(row["berth"]), *cells(row["lxd"]), ratio])
widths = [max(len(r[i]) for r in table) for i in range(len(header))]
print(f"berthd {report['berth_version']} vs LXD {report['lxd_version'] or '(not measured)'}, "
      f"{report['duration_s']:g} s per run, {report['machine']['cpus']} CPUs; /s = handshakes or requests per second")
for i, r in enumerate(table):
    print("  ".join(c.ljust(widths[j]) if j in (0, 4, 8) else c.rjust(widths[j]) for j, c in enumerate(r)))
    if i == 0:
        print("  ".join("-" * w for w in widths))
errors = [(row["scenario"], name, row[name]["errors"]) for row in rows for name in ("berth", "lxd")
          if row[name] and row[name]["errors"]]
for scenario, name, count in errors:
    print(f"warning: {name}: {count} failed requests in '{scenario}'")
EOF
