#!/usr/bin/env bash
# `lxc exec` with the real `lxc` CLI: berthd next to a real LXD, same image, same run.
#
#   scripts/bench-exec.sh [--runs N] [--no-lxd]
#
# Builds a release berthd and the fast-init busybox image (scripts/build-busybox-image.sh), starts
# berthd on a temporary state directory and (unless --no-lxd) a real LXD 5.0 with
# shared/tools/lxd/start-lxd.sh (an LXD already answering on its socket is reused), imports the
# image into both under the alias `berth-bench-fast`, launches one container on each, then runs
# N times (default 20) `lxc exec C -- true`, `lxc exec C -- sh -c 'echo out; exit 3'` and
# `echo hi | lxc exec C -- cat`. Prints the median wall time of each for both servers and
# LXD/berthd (above 1: berthd is faster). A benchmark, not a test. LXD keeps running; its
# container and copy of the image are removed.
# env: LXD_SOCKET (default /var/lib/lxd/unix.socket), BERTH_SHARED_DIR (default ../shared),
#      BERTH_SCRATCH (a --scratch-path for the release build; default .build).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=20
use_lxd=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --no-lxd) use_lxd=0 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-exec.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
source "$root/scripts/lib/bench-lxd.sh"
source "$root/scripts/lib/bench-berthd.sh"
alias=berth-bench-fast

cleanup() {
    bench_berthd_stop
    if [[ -n "$lxd_dir" ]]; then
        LXD_DIR="$lxd_dir" lxc delete --force berth-bench-exec >/dev/null 2>&1 || true
        LXD_DIR="$lxd_dir" lxc image delete "$alias" >/dev/null 2>&1 || true
    fi
    if [[ -n "$work" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

bench_berthd_workdir exec
scratch=(${BERTH_SCRATCH:+--scratch-path "$BERTH_SCRATCH"})
swift build -c release --product berthd "${scratch[@]}" >&2
berthd="$(swift build -c release --show-bin-path "${scratch[@]}")/berthd"
bench_berthd_start "$berthd" "$alias"

if [[ $use_lxd -eq 1 ]] && bench_lxd_start; then bench_lxd_import "$image" "$alias"; fi

python3 - "$runs" "$alias" "$work/state" "$lxd_dir" <<'PY'
import os, statistics, subprocess, sys, time
runs, image, berth_dir, lxd_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
container = "berth-bench-exec"
cases = [
    ("exec -- true", ["--", "true"], None, 0),
    ("exec rc=3 + output", ["--", "sh", "-c", "echo out; exit 3"], None, 3),
    ("exec stdin | cat", ["--", "cat"], "hi\n", 0),
]

def lxc(env, *argv, **kwargs):
    return subprocess.run(["lxc", *argv], env=env, capture_output=True, text=True, **kwargs)

def measure(lxd_dir):
    env = {**os.environ, "LXD_DIR": lxd_dir}
    launched = lxc(env, "launch", image, container)
    if launched.returncode != 0:
        sys.exit(f"LXD_DIR={lxd_dir} lxc launch failed: {launched.stderr.strip()}")
    try:
        medians = {}
        for name, argv, stdin, code in cases:
            lxc(env, "exec", container, *argv, input=stdin)  # warm-up
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                result = lxc(env, "exec", container, *argv, input=stdin)
                times.append(time.perf_counter() - started)
                if result.returncode != code:
                    sys.exit(f"LXD_DIR={lxd_dir} lxc exec {argv}: exit {result.returncode}: {result.stderr.strip()}")
            medians[name] = statistics.median(times)
        return medians
    finally:
        lxc(env, "delete", "--force", container)

berth = measure(berth_dir)
lxd = measure(lxd_dir) if lxd_dir else None
print(f"{'command':20} {'berthd s':>9} {'LXD s':>9} {'LXD/berthd':>11}   (medians of {runs})")
for name, *_ in cases:
    if lxd:
        print(f"{name:20} {berth[name]:9.3f} {lxd[name]:9.3f} {lxd[name] / berth[name]:10.2f}x")
    else:
        print(f"{name:20} {berth[name]:9.3f} {'-':>9} {'-':>11}")
PY
