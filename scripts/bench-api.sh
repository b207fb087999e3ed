#!/usr/bin/env bash
# API throughput of berthd next to real LXD, same machine, same load generator, same run.
#
#   scripts/bench-api.sh [--duration SECONDS] [--no-lxd] [--stop-lxd] [--json]
#
# Builds bench/uxload.c (cc -O2 -pthread) and berthd (release), starts berthd on a temporary state
# directory, and (unless --no-lxd) a real LXD 5.0 with shared/tools/lxd/start-lxd.sh (needs root;
# an LXD already answering on its socket is reused). Then, for each scenario, runs `GET /1.0` for
# SECONDS (default 5) against berthd and then against LXD:
#   1 connection, keep-alive  |  8 connections, keep-alive  |  1 connection, new connection per request
# and prints scenario, req/s, p50 and p99 latency for each server, and berth/lxd throughput ratio
# (--json: one JSON document on stdout instead; progress goes to stderr either way).
# berthd is stopped at the end; LXD keeps running unless --stop-lxd.
#
# This is a benchmark, not a test: numbers on a shared 2-core machine are noisy, and the load
# generator competes with the server for the same cores.
#
# env: LXD_SOCKET (default /var/lib/lxd/unix.socket), BERTH_SHARED_DIR (default ../shared next to
#      the repository), BERTH_BUILD_DIR (SwiftPM scratch path, default .build), CC (default cc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=5
use_lxd=1
stop_lxd=0
json=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration|-d) duration="$2"; shift ;;
        --duration=*) duration="${1#*=}" ;;
        --no-lxd) use_lxd=0 ;;
        --stop-lxd) stop_lxd=1 ;;
        --json) json=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-api.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$duration" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench-api.sh: --duration needs seconds" >&2; exit 2; }

shared="${BERTH_SHARED_DIR:-$root/../shared}"
lxd_socket="${LXD_SOCKET:-/var/lib/lxd/unix.socket}"
build_dir="${BERTH_BUILD_DIR:-.build}"
log() { echo "bench: $*" >&2; }

# 1. the load generator
uxload="$root/$build_dir/bench/uxload"
if [[ ! -x "$uxload" || bench/uxload.c -nt "$uxload" ]]; then
    mkdir -p "$(dirname "$uxload")"
    log "compiling bench/uxload.c"
    "${CC:-cc}" -O2 -pthread -o "$uxload" bench/uxload.c
fi

# 2. berthd (release)
log "building berthd (release)"
swift build -c release --product berthd --scratch-path "$build_dir" >&2
berthd="$(swift build -c release --scratch-path "$build_dir" --show-bin-path)/berthd"

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-bench.XXXXXX")"
berthd_pid=""
cleanup() {
    if [[ -n "$berthd_pid" ]] && kill -0 "$berthd_pid" 2>/dev/null; then
        kill -TERM "$berthd_pid"
        wait "$berthd_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    if [[ $stop_lxd -eq 1 && -f "$shared/tools/lxd/start-lxd.sh" ]]; then
        sh "$shared/tools/lxd/start-lxd.sh" --stop >&2 || true
    fi
}
trap cleanup EXIT
"$berthd" --state-dir "$work/state" --log-level info 2>"$work/berthd.log" </dev/null &
berthd_pid=$!
if ! "$berthd" waitready --state-dir "$work/state" --timeout 30; then
    log "berthd did not become ready:"; cat "$work/berthd.log" >&2; exit 1
fi
berth_version="$("$berthd" --version 2>/dev/null || echo unknown)"
log "berthd $berth_version ready (pid $berthd_pid)"

# 3. LXD
lxd_ok=0
lxd_version=""
lxd_answers() { curl -sf --max-time 5 --unix-socket "$lxd_socket" http://b/1.0 >/dev/null 2>&1; }
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
        lxd_ok=1
        lxd_version="$(curl -sf --unix-socket "$lxd_socket" http://b/1.0 |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["environment"]["server_version"])')"
    elif [[ -S "$lxd_socket" || -f "$shared/tools/lxd/start-lxd.sh" ]]; then
        log "LXD does not answer on $lxd_socket: measuring berthd only"
    fi
fi

# 4. the runs: for each scenario berthd, then LXD, back to back
scenarios=("1 conn, keep-alive|-c 1 -k 1" "8 conns, keep-alive|-c 8 -k 1" "1 conn, new conn per request|-c 1 -k 0")
results="$work/results.jsonl"
: >"$results"
run() { # socket, args... -> one JSON line
    local socket="$1"; shift
    "$uxload" -s "$socket" -p /1.0 -d "$duration" "$@"
}
# A short unrecorded warm-up per server.
run "$work/state/unix.socket" -c 1 -k 1 -d 1 >/dev/null
[[ $lxd_ok -eq 1 ]] && run "$lxd_socket" -c 1 -k 1 -d 1 >/dev/null
for scenario in "${scenarios[@]}"; do
    name="${scenario%%|*}"
    read -r -a args <<<"${scenario#*|}"
    log "GET /1.0, $name: berthd (${duration}s)"
    berth_result="$(run "$work/state/unix.socket" "${args[@]}")"
    lxd_result=null
    if [[ $lxd_ok -eq 1 ]]; then
        log "GET /1.0, $name: lxd (${duration}s)"
        lxd_result="$(run "$lxd_socket" "${args[@]}")"
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
    "request": "GET /1.0",
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
        return ["-", "-", "-"]
    return [f"{result['rps']:.0f}", f"{result['p50_ms']:.2f}", f"{result['p99_ms']:.2f}"]

header = ["GET /1.0", "berth req/s", "p50 ms", "p99 ms", "lxd req/s", "p50 ms", "p99 ms", "berth/lxd"]
table = [header]
for row in rows:
    ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
    table.append([row["scenario"], *cells(row["berth"]), *cells(row["lxd"]), ratio])
widths = [max(len(r[i]) for r in table) for i in range(len(header))]
print(f"berthd {report['berth_version']} vs LXD {report['lxd_version'] or '(not measured)'}, "
      f"{report['duration_s']:g} s per run, {report['machine']['cpus']} CPUs")
for i, r in enumerate(table):
    print("  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)))
    if i == 0:
        print("  ".join("-" * w for w in widths))
errors = [(row["scenario"], name, row[name]["errors"]) for row in rows for name in ("berth", "lxd")
          if row[name] and row[name]["errors"]]
for scenario, name, count in errors:
    print(f"warning: {name}: {count} failed requests in '{scenario}'")
EOF
