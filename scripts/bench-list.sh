#!/usr/bin/env bash
# `GET /1.0/instances?recursion=2` (what `lxc list` sends): berthd next to a real LXD, same run.
#
#   scripts/bench-list.sh [--duration SECONDS] [--counts "1 100"] [--no-lxd]
#
# Builds bench/uxload.c, a release berthd and the fast-init busybox image, starts berthd on a
# temporary state directory and (unless --no-lxd) a real LXD 5.0 with shared/tools/lxd/start-lxd.sh
# (an LXD already answering is reused), and imports the image into both. Then for each count
# (default 1 and 100) it makes that many running containers on both servers and loads
# `GET /1.0/instances?recursion=2` for SECONDS (default 5) with 1 connection, keep-alive, on
# berthd and then on LXD; prints req/s, p50/p99 and berthd/LXD. A benchmark, not a test. Every
# container it made is deleted at the end (on LXD too); LXD keeps running.
# env: LXD_SOCKET (default /var/lib/lxd/unix.socket), BERTH_SHARED_DIR (default ../shared), CC.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=5
counts="1 100"
use_lxd=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="$2"; shift ;;
        --counts) counts="$2"; shift ;;
        --no-lxd) use_lxd=0 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-list.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
source "$root/scripts/lib/bench-lxd.sh"
alias=berth-bench-fast
prefix=bench-list-

work="$(mktemp -d /tmp/berth-bench-list-XXXXXX)"
chmod 711 "$work"  # unprivileged containers' root must reach its rootfs
pid=""
delete_all() { # LXD_DIR
    local names
    names="$(LXD_DIR="$1" lxc list --format csv -c n 2>/dev/null | grep "^$prefix" || true)"
    for name in $names; do
        LXD_DIR="$1" lxc delete --force "$name" >/dev/null 2>&1 || true
    done
}
cleanup() {
    set +e
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        delete_all "$work/state"
        kill "$pid"; wait "$pid" 2>/dev/null || true
    fi
    if [[ -n "$lxd_dir" ]]; then
        delete_all "$lxd_dir"
        LXD_DIR="$lxd_dir" lxc image delete "$alias" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"${CC:-cc}" -O2 -pthread -o "$work/uxload" bench/uxload.c
FAST_INIT=1 bash scripts/build-busybox-image.sh "$work/image" >/dev/null
image="$work/image/busybox-fastinit.tar.gz"
swift build -c release --product berthd >&2
berthd="$(swift build -c release --show-bin-path)/berthd"
"$berthd" --state-dir "$work/state" --log-level warn 2>"$work/berthd.log" &
pid=$!
"$berthd" waitready --state-dir "$work/state" --timeout 30
LXD_DIR="$work/state" lxc image import "$image" --alias "$alias" >/dev/null

if [[ $use_lxd -eq 1 ]] && bench_lxd_start; then
    delete_all "$lxd_dir"
    bench_lxd_import "$image" "$alias"
fi

grow() { # LXD_DIR, wanted count: launches containers until there are that many
    local have
    have="$(LXD_DIR="$1" lxc list --format csv -c n | grep -c "^$prefix" || true)"
    for ((i = have; i < $2; i++)); do
        LXD_DIR="$1" lxc launch "$alias" "$prefix$i" >/dev/null 2>&1 ||
            { echo "bench: lxc launch $prefix$i failed on $1" >&2; exit 1; }
    done
}
load() { # socket -> one JSON line
    "$work/uxload" -s "$1" -p "/1.0/instances?recursion=2" -c 1 -k 1 -d "$duration"
}

results="$work/results.jsonl"
: >"$results"
for count in $counts; do
    echo "bench: $count running container(s) on each server" >&2
    grow "$work/state" "$count"
    berth="$(load "$work/state/unix.socket")"
    lxd=null
    if [[ -n "$lxd_dir" ]]; then
        grow "$lxd_dir" "$count"
        lxd="$(load "$lxd_socket")"
    fi
    echo "{\"count\": $count, \"berth\": $berth, \"lxd\": $lxd}" >>"$results"
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("GET /1.0/instances?recursion=2, 1 connection, keep-alive")
print(f"{'instances':>9} {'berthd req/s':>13} {'p50 ms':>7} {'p99 ms':>7} {'LXD req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'berthd/LXD':>11}")
for row in rows:
    berth, lxd = row["berth"], row["lxd"]
    line = f"{row['count']:>9} {berth['rps']:>13.1f} {berth['p50_ms']:>7.2f} {berth['p99_ms']:>7.2f}"
    if lxd:
        ratio = berth["rps"] / lxd["rps"] if lxd["rps"] else float("inf")
        line += f" {lxd['rps']:>10.1f} {lxd['p50_ms']:>7.2f} {lxd['p99_ms']:>7.2f} {ratio:>10.1f}x"
    print(line)
PY
