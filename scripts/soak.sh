#!/usr/bin/env bash
# A bounded soak of berthd: mixed lxc, pylxd and curl traffic with instance lifecycles, watching for
# leaks, then checking /1.0/metrics against what the clients counted.
#
#   scripts/soak.sh [--minutes 10] [--retention 2m]
#
# Starts a release berthd on a temporary state directory with the fast-init busybox image and
# operations.retention set to RETENTION (default 2m: finished operations are pruned as fast as they
# come, so the data set is steady and growth means a leak, not more history), then for
# MINUTES runs at once:
#   lxc     launch, exec -- true, stop --force, delete of its own containers, in a loop
#   pylxd   create, start, stop, delete of its own containers, in a loop (.venv's python)
#   curl    GET /1.0/instances?recursion=1 and GET /1.0/operations, in a loop
# and prints once a minute berthd's RSS, open file descriptors and threads. At the end: the growth
# of each over the second half of the run (the first minutes fill SQLite's page caches, the heap and
# the retention window to their working size; a leak keeps growing after that — the verdict allows
# 5 MB + 10% of RSS, 10 fds and 4 threads), and /1.0/metrics against the clients' own counts
# (requests curl made, instance.create operations lxc and pylxd finished). Exits non-zero when a
# client failed, a figure grew past the allowance or a count disagreed. Only loopback and the
# daemon's own unix socket are used.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
minutes=10
retention=2m
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) minutes="$2"; shift ;;
        --retention) retention="$2"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
python="$root/.venv/bin/python"
[[ -x "$python" ]] || { echo "soak.sh: no .venv (scripts/test.sh makes it): pylxd is needed" >&2; exit 2; }

source "$root/scripts/lib/bench-berthd.sh"
cleanup() {
    bench_berthd_stop
    if [[ -n "$work" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

bench_berthd_workdir soak
swift build -c release --product berthd >&2
berthd="$(swift build -c release --show-bin-path)/berthd"
bench_berthd_start "$berthd" soak
LXD_DIR="$work/state" lxc config set operations.retention "$retention"

"$python" - "$work/state" "$berthd_pid" "$minutes" <<'PY'
import os, re, subprocess, sys, threading, time, warnings

warnings.filterwarnings("ignore")  # pylxd warns about fields LXD 5.0 lacks (err_code, requestor)

state, pid, minutes = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socket_path = f"{state}/unix.socket"
env = {**os.environ, "LXD_DIR": state}
deadline = time.monotonic() + minutes * 60
counts = {"curl /1.0/instances": 0, "curl /1.0/operations": 0, "lxc launches": 0, "pylxd creates": 0}
failures = []
lock = threading.Lock()

def count(key):
    with lock: counts[key] += 1

def fail(what):
    with lock: failures.append(what)

def curl(path):
    result = subprocess.run(["curl", "-sf", "-o", "/dev/null", "--unix-socket", socket_path, f"http://b{path}"])
    if result.returncode != 0: fail(f"curl {path}: exit {result.returncode}")

def lxc(*args):
    result = subprocess.run(["lxc", *args], env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0: fail(f"lxc {' '.join(args)}: {result.stderr.strip()}")
    return result.returncode == 0

def curl_loop():
    while time.monotonic() < deadline:
        curl("/1.0/instances?recursion=1"); count("curl /1.0/instances")
        curl("/1.0/operations"); count("curl /1.0/operations")
        time.sleep(0.02)

def lxc_loop():
    round = 0
    while time.monotonic() < deadline and not failures:
        name = f"soak-lxc-{round % 4}"; round += 1
        if lxc("launch", "soak", name): count("lxc launches")
        lxc("exec", name, "--", "true")
        lxc("stop", "--force", name)
        lxc("delete", name)

def pylxd_loop():
    import pylxd
    client = pylxd.Client(endpoint=socket_path)
    round = 0
    while time.monotonic() < deadline and not failures:
        name = f"soak-py-{round % 4}"; round += 1
        try:
            instance = client.instances.create({"name": name, "source": {"type": "image", "alias": "soak"}}, wait=True)
            count("pylxd creates")
            instance.start(wait=True); instance.stop(force=True, wait=True); instance.delete(wait=True)
        except Exception as error:  # any client failure ends the soak as failed
            fail(f"pylxd {name}: {error!r}")

def reading():
    status = open(f"/proc/{pid}/status").read()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads

def scrape():
    text = subprocess.run(["curl", "-sf", "--unix-socket", socket_path, "http://b/1.0/metrics"],
                          capture_output=True, text=True, check=True).stdout
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples

before = scrape()
workers = [threading.Thread(target=target, daemon=True) for target in (curl_loop, lxc_loop, pylxd_loop)]
for worker in workers: worker.start()
readings = []
print(f"{'minute':>6} {'RSS MB':>8} {'fds':>5} {'threads':>8}   clients so far", flush=True)
def report():
    readings.append(reading())
    rss, fds, threads = readings[-1]
    print(f"{len(readings):>6} {rss:>8.1f} {fds:>5} {threads:>8}   {dict(counts)}", flush=True)

next_reading = time.monotonic() + 60
while any(worker.is_alive() for worker in workers):
    time.sleep(0.5)
    if time.monotonic() >= next_reading:
        report()
        next_reading += 60
report()  # once the clients stopped
for worker in workers: worker.join()
time.sleep(2)  # the last responses are counted after they are written
after = scrape()

def delta(key): return after.get(key, 0) - before.get(key, 0)
requests = 'berth_http_requests_total{{route="{}",method="GET",status="200"}}'
checks = [
    ("GET /1.0/operations (curl only)", counts["curl /1.0/operations"], delta(requests.format("/1.0/operations"))),
    ("instance.create Success (lxc + pylxd)", counts["lxc launches"] + counts["pylxd creates"],
     delta('berth_operations_total{type="instance.create",status="Success"}')),
]
problems = list(failures[:5])
print("\nmetrics against the clients' counts")
for name, counted, measured in checks:
    print(f"  {name:40} clients {counted:>6}   metrics {measured:>8.0f}")
    if counted != measured: problems.append(f"{name}: clients counted {counted}, metrics say {measured:.0f}")
first, middle, last = readings[0], readings[len(readings) // 2], readings[-1]
print(f"\nwarm-up, minute 1 -> {len(readings) // 2 + 1}: RSS {middle[0] - first[0]:+.1f} MB")
print(f"second half, minute {len(readings) // 2 + 1} -> {len(readings)}: RSS {last[0] - middle[0]:+.1f} MB, "
      f"fds {last[1] - middle[1]:+d}, threads {last[2] - middle[2]:+d}")
first = middle
if last[0] - first[0] > 5 + first[0] * 0.10: problems.append(f"RSS grew {first[0]:.1f} -> {last[0]:.1f} MB")
if last[1] - first[1] > 10: problems.append(f"fds grew {first[1]} -> {last[1]}")
if last[2] - first[2] > 4: problems.append(f"threads grew {first[2]} -> {last[2]}")
print("verdict:", "flat, counts agree" if not problems else "; ".join(problems))
sys.exit(1 if problems else 0)
PY
