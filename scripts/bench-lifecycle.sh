#!/usr/bin/env bash
# Container lifecycle with the real `lxc` CLI: berthd next to a real LXD, same image, same run.
#
#   scripts/bench-lifecycle.sh [--runs N] [--no-lxd]
#
# Builds a release berthd and the fast-init busybox image (scripts/build-busybox-image.sh), starts
# berthd on a temporary state directory and (unless --no-lxd) a real LXD 5.0 with
# shared/tools/lxd/start-lxd.sh (an LXD already answering on its socket is reused), imports the
# image into both under the alias `berth-bench-fast`, then N times (default 5), each on a fresh
# container: lxc launch, stop, start, restart, stop --force, start, delete --force. Prints the
# median wall time of each command for both servers and LXD/berthd (how many times faster berthd
# is). A benchmark, not a test. LXD keeps running; its copy of the image is removed.
# env: LXD_SOCKET (default /var/lib/lxd/unix.socket), BERTH_SHARED_DIR (default ../shared).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=5
use_lxd=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --no-lxd) use_lxd=0 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-lifecycle.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
source "$root/scripts/lib/bench-lxd.sh"
source "$root/scripts/lib/bench-berthd.sh"
alias=berth-bench-fast

cleanup() {
    bench_berthd_stop
    if [[ $use_lxd -eq 1 ]]; then LXD_DIR="$(dirname "$lxd_socket")" lxc image delete "$alias" >/dev/null 2>&1 || true; fi
    if [[ -n "$work" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

bench_berthd_workdir life
swift build -c release --product berthd >&2
berthd="$(swift build -c release --show-bin-path)/berthd"
bench_berthd_start "$berthd" "$alias"

if [[ $use_lxd -eq 1 ]] && bench_lxd_start; then bench_lxd_import "$image" "$alias"; fi

python3 - "$runs" "$alias" "$work/state" "$lxd_dir" <<'PY'
import os, statistics, subprocess, sys, time
runs, image, berth_dir, lxd_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
steps = [("launch", ["launch", image]), ("stop", ["stop"]), ("start", ["start"]), ("restart", ["restart"]),
         ("stop --force", ["stop", "--force"]), ("start (2)", ["start"]), ("delete --force", ["delete", "--force"])]

def measure(lxd_dir, prefix):
    env = {**os.environ, "LXD_DIR": lxd_dir}
    times = {name: [] for name, _ in steps}
    for run in range(runs):
        container = f"{prefix}{run}"
        for name, argv in steps:
            command = ["lxc", *argv, container]
            started = time.perf_counter()
            result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            elapsed = time.perf_counter() - started
            if result.returncode != 0:
                sys.exit(f"LXD_DIR={lxd_dir} {' '.join(command)} failed: {result.stderr.strip()}")
            times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}

berth = measure(berth_dir, "bench-berth-")
lxd = measure(lxd_dir, "bench-lxd-") if lxd_dir else None
print(f"{'command':16} {'berthd s':>9} {'LXD s':>9} {'LXD/berthd':>11}   (medians of {runs})")
for name, _ in steps:
    if lxd:
        print(f"{name:16} {berth[name]:9.3f} {lxd[name]:9.3f} {lxd[name] / berth[name]:10.1f}x")
    else:
        print(f"{name:16} {berth[name]:9.3f} {'-':>9} {'-':>11}")
PY
