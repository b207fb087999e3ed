#!/usr/bin/env bash
# Idle memory of berthd after a day's kind of load, next to a real LXD given the same load.
#
#   scripts/bench-idle-rss.sh [--instances 50] [--ops 1000] [--no-lxd]
#
# On each server: launches INSTANCES running containers of the fast-init busybox image (2 operations
# each: create and start), then runs non-interactive `exec -- true` operations until OPS operations
# have finished in all, 8 at a time, and lists the operations it still keeps; then leaves the
# server idle for 10 s and prints the resident set of its daemon process (`environment.server_pid`
# of `GET /1.0`): VmRSS, the peak VmHWM, and how much of it is anonymous memory and how much mapped
# files (code and read-only data the kernel can drop and reread), and of those how much is the
# daemon's own executable rather than shared libraries.
# Berth keeps every one of those finished operations readable (operations.retention, 24 h by
# default); LXD forgets each 5 s after it ends. Target for berthd: <= 30 MB. Containers are deleted
# at the end on both servers. A benchmark, not a test.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
instances=50
ops=1000
use_lxd=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --instances) instances="$2"; shift ;;
        --ops) ops="$2"; shift ;;
        --no-lxd) use_lxd=0 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-idle-rss.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
source "$root/scripts/lib/bench-lxd.sh"
source "$root/scripts/lib/bench-berthd.sh"
alias=berth-bench-idle

cleanup() {
    bench_berthd_stop
    if [[ -n "$lxd_dir" ]]; then
        # LXD's own instances other than this benchmark's are left alone.
        LXD_DIR="$lxd_dir" lxc list --format csv -c n 2>/dev/null | grep '^idle-' | xargs -r -n 8 -P 4 \
            env LXD_DIR="$lxd_dir" lxc delete --force >/dev/null 2>&1 || true
        LXD_DIR="$lxd_dir" lxc image delete "$alias" >/dev/null 2>&1 || true
    fi
    if [[ -n "$work" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

bench_berthd_workdir idle
# The binary deploy/setup.sh and deploy/install.sh deploy (static Swift runtime, .build/static),
# or BERTHD=path.
if [[ -n "${BERTHD:-}" ]]; then
    berthd="$BERTHD"
else
    swift build -c release --static-swift-stdlib --product berthd --scratch-path .build/static >&2
    berthd="$(swift build -c release --static-swift-stdlib --scratch-path .build/static --show-bin-path)/berthd"
fi
bench_berthd_start "$berthd" "$alias"

if [[ $use_lxd -eq 1 ]] && bench_lxd_start; then bench_lxd_import "$image" "$alias"; fi

python3 - "$instances" "$ops" "$alias" "$work/state" "$lxd_dir" <<'PY'
import concurrent.futures, http.client, json, os, socket, subprocess, sys, time

instances, ops, alias, berth_dir, lxd_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

class Unix(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)

def call(directory, method, path, body=None):
    connection = Unix(f"{directory}/unix.socket")
    connection.request(method, path, json.dumps(body) if body is not None else None)
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer

def wait(directory, operation):
    final = call(directory, "GET", f"{operation}/wait?timeout=110")["metadata"]
    if final["status"] != "Success":
        sys.exit(f"{directory}: {final['description']} ended {final['status']}: {final['err']}")

def memory(pid):
    """MB: resident, peak resident, anonymous (heap, stacks), file-backed (mapped code and data), and
    of the file-backed part what the daemon's own executable accounts for."""
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":" in line)
    executable, mapping, own = os.readlink(f"/proc/{pid}/exe"), None, 0
    for line in open(f"/proc/{pid}/smaps"):
        head = line.split()
        if "-" in head[0] and len(head) >= 5:
            mapping = head[5] if len(head) > 5 else None
        elif head[0] == "Rss:" and mapping == executable:
            own += int(head[1])
    return tuple(int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM", "RssAnon", "RssFile")) + (own / 1024,)

def load(directory):
    env = {**os.environ, "LXD_DIR": directory}
    names = [f"idle-{i}" for i in range(instances)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for result in pool.map(
            lambda name: subprocess.run(["lxc", "launch", alias, name], env=env, capture_output=True, text=True), names
        ):
            if result.returncode != 0:
                sys.exit(f"{directory}: lxc launch failed: {result.stderr.strip()}")
    def one_exec(index):
        name = names[index % len(names)]
        answer = call(directory, "POST", f"/1.0/instances/{name}/exec",
                      {"command": ["true"], "wait-for-websocket": False, "record-output": False})
        wait(directory, answer["operation"])
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(one_exec, range(max(0, ops - 2 * instances))))
    # Listing what is kept is part of the load (it reads every retained operation), not of the idle.
    kept = call(directory, "GET", "/1.0/operations")["metadata"]
    server = call(directory, "GET", "/1.0")["metadata"]["environment"]
    time.sleep(10)
    return memory(server["server_pid"]), sum(len(ids) for ids in kept.values())

berth, berth_kept = load(berth_dir)
lxd, lxd_kept = load(lxd_dir) if lxd_dir else (None, 0)
print(f"idle after {instances} running containers and {ops} finished operations, 10 s idle")
print(f"{'':24}{'berthd':>10}{'LXD 5.0':>10}")
print(f"{'RSS MB':24}{berth[0]:>10.1f}{(f'{lxd[0]:.1f}' if lxd else '-'):>10}")
print(f"{'peak RSS (VmHWM) MB':24}{berth[1]:>10.1f}{(f'{lxd[1]:.1f}' if lxd else '-'):>10}")
print(f"{'  anonymous MB':24}{berth[2]:>10.1f}{(f'{lxd[2]:.1f}' if lxd else '-'):>10}")
print(f"{'  file-backed MB':24}{berth[3]:>10.1f}{(f'{lxd[3]:.1f}' if lxd else '-'):>10}")
print(f"{'    its own executable':24}{berth[4]:>10.1f}{(f'{lxd[4]:.1f}' if lxd else '-'):>10}")
print(f"{'operations still listed':24}{berth_kept:>10}{(lxd_kept if lxd else '-'):>10}")
print(f"target: berthd RSS <= 30 MB: {'met' if berth[0] <= 30 else 'NOT met'} ({berth[0]:.2f} MB)")
PY
