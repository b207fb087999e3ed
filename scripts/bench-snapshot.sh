#!/usr/bin/env bash
# `lxc snapshot` and `lxc restore` with the real `lxc` CLI: berthd next to a real LXD, same image,
# same run.
#
#   scripts/bench-snapshot.sh [--runs N] [--no-lxd] [--berthd PATH]
#
# Builds a release berthd (unless --berthd names one) and the fast-init busybox image, starts
# berthd on a temporary state directory and (unless --no-lxd) a real LXD 5.0 with
# shared/tools/lxd/start-lxd.sh (an LXD already answering is reused), imports the image into both,
# launches one running container on each, then N times (default 5): lxc snapshot c sN, and
# lxc restore c sN (a running container: stopped, restored, started). Prints the median wall time
# of each command for both servers and LXD/berthd. A benchmark, not a test. LXD keeps running; its
# container and copy of the image are removed.
# env: LXD_SOCKET (default /var/lib/lxd/unix.socket), BERTH_SHARED_DIR (default ../shared).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=5
use_lxd=1
berthd=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --no-lxd) use_lxd=0 ;;
        --berthd) berthd="$2"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-snapshot.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
source "$root/scripts/lib/bench-lxd.sh"
source "$root/scripts/lib/bench-berthd.sh"
alias=berth-bench-fast

cleanup() {
    bench_berthd_stop
    if [[ $use_lxd -eq 1 ]]; then
        LXD_DIR="$(dirname "$lxd_socket")" lxc delete --force bench-snap-lxd >/dev/null 2>&1 || true
        LXD_DIR="$(dirname "$lxd_socket")" lxc image delete "$alias" >/dev/null 2>&1 || true
    fi
    if [[ -n "$work" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

bench_berthd_workdir snap
if [[ -z "$berthd" ]]; then
    swift build -c release --product berthd >&2
    berthd="$(swift build -c release --show-bin-path)/berthd"
fi
bench_berthd_start "$berthd" "$alias"

if [[ $use_lxd -eq 1 ]] && bench_lxd_start; then bench_lxd_import "$image" "$alias"; fi

python3 - "$runs" "$alias" "$work/state" "$lxd_dir" <<'PY'
import os, statistics, subprocess, sys, time
runs, image, berth_dir, lxd_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
steps = ["snapshot", "restore"]

def lxc(env, *argv):
    started = time.perf_counter()
    result = subprocess.run(["lxc", *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"LXD_DIR={env['LXD_DIR']} lxc {' '.join(argv)} failed: {result.stderr.strip()}")
    return time.perf_counter() - started

def measure(lxd_dir, container):
    env = {**os.environ, "LXD_DIR": lxd_dir}
    lxc(env, "launch", image, container)
    times = {name: [] for name in steps}
    try:
        for run in range(runs):
            times["snapshot"].append(lxc(env, "snapshot", container, f"s{run}"))
            times["restore"].append(lxc(env, "restore", container, f"s{run}"))
    finally:
        subprocess.run(["lxc", "delete", "--force", container], env=env, capture_output=True)
    return {name: statistics.median(values) for name, values in times.items()}

berth = measure(berth_dir, "bench-snap-berth")
lxd = measure(lxd_dir, "bench-snap-lxd") if lxd_dir else None
print(f"{'command':16} {'berthd s':>9} {'LXD s':>9} {'LXD/berthd':>11}   (medians of {runs}, running busybox container)")
for name in steps:
    if lxd:
        print(f"{name:16} {berth[name]:9.3f} {lxd[name]:9.3f} {lxd[name] / berth[name]:10.1f}x")
    else:
        print(f"{name:16} {berth[name]:9.3f} {'-':>9} {'-':>11}")
PY
