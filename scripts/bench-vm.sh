#!/usr/bin/env bash
# Virtual machine boot and stop through berthd, next to the same QEMU run by hand.
#
#   scripts/bench-vm.sh [--runs N]
#
# Builds berthd (release) and the test VM image (scripts/make-vm-image.sh), starts berthd on a
# temporary state directory, imports the image and creates one VM. Then N times (default 5):
#   berthd   PUT /1.0/instances/v1/state start -> the operation is Success (the guest printed its
#            ready line); then stop (ACPI power button, the guest powers off)
#   raw      the same qemu-system-x86_64 command line berthd ran (from the start operation's log),
#            started by this script: process start -> ready line on the console log; then QMP
#            system_powerdown -> QEMU exited
# and prints medians in ms: boot-to-ready and stop time for both, and berthd's API overhead, from
# the operation's creation (the request was accepted) to the QEMU command it led to — the QEMU
# process launched (start) or QMP system_powerdown sent (stop) — read from the operation log,
# whose lines carry the time each step happened. LXD cannot run virtual machines on this machine
# (it needs vhost-vsock and KVM), so the reference is QEMU itself. Under TCG a boot takes seconds
# of one core: a benchmark, not a test.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs|-n) runs="$2"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench-vm.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

work="$(mktemp -d /tmp/berth-bench-vm-XXXXXX)"
pid=""
cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        LXD_DIR="$work/state" lxc delete --force v1 >/dev/null 2>&1 || true
        kill "$pid"; wait "$pid" 2>/dev/null || true
    fi
    pkill -f -- "$work/" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

swift build -c release --product berthd >&2
berthd="$(swift build -c release --show-bin-path)/berthd"
bash scripts/make-vm-image.sh "$work/image" >&2
"$berthd" --state-dir "$work/state" --log-level warn 2>"$work/daemon.log" &
pid=$!
"$berthd" waitready --state-dir "$work/state" --timeout 30
export LXD_DIR="$work/state"
lxc image import "$work/image/berth-testvm.tar.gz" --alias testvm >/dev/null
lxc init testvm v1 --vm >/dev/null

python3 - "$work" "$runs" <<'PY'
import http.client, json, os, re, shlex, signal, socket, statistics, subprocess, sys, time
from datetime import datetime

work, runs = sys.argv[1], int(sys.argv[2])
sock_path = f"{work}/state/unix.socket"

class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(sock_path)

def request(method, path, body=None, timeout=180):
    connection = UnixConnection("berthd", timeout=timeout)
    connection.request(method, path, json.dumps(body) if body is not None else None)
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer

def stamp(text):  # RFC 3339 with nanoseconds -> seconds
    head, frac = text.rstrip("Z").split(".")
    return datetime.fromisoformat(head + "+00:00").timestamp() + float("0." + frac)

def run_op(action):
    sent = time.monotonic()
    op = request("PUT", "/1.0/instances/v1/state", {"action": action, "timeout": 60})["operation"]
    final = request("GET", f"{op}/wait?timeout=170")["metadata"]
    took = time.monotonic() - sent
    assert final["status"] == "Success", final
    log = request("GET", f"{op}/log")["metadata"]
    return took, stamp(final["created_at"]), log

def line_time(log, prefix):
    for line in log:
        if line["message"].startswith(prefix): return stamp(line["time"]), line["message"]
    raise SystemExit(f"no log line starting with {prefix!r}: {log}")

def qmp(path, command):
    s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(path)
    f = s.makefile("rwb")
    f.readline()
    for cmd in ("qmp_capabilities", command):
        f.write(json.dumps({"execute": cmd}).encode() + b"\n"); f.flush()
        while "return" not in (reply := json.loads(f.readline())) and "error" not in reply: pass
    s.close()

def gone(pid):
    """Exited: no process, or a zombie its new parent has not reaped yet (a daemonized QEMU)."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True

results = {k: [] for k in ("boot", "stop", "start_overhead", "stop_overhead", "raw_boot", "raw_stop")}

def berthd_round():
    took, created, log = run_op("start")
    launched, line = line_time(log, "$ ")
    results["boot"].append(took); results["start_overhead"].append(launched - created)
    took, created, log = run_op("stop")
    sent, _ = line_time(log, "QMP system_powerdown")
    results["stop"].append(took); results["stop_overhead"].append(sent - created)
    return shlex.split(line[2:])

def raw_round(raw, qmp_path, console_log, pid_file):
    for leftover in (qmp_path, console_log, pid_file):
        if os.path.exists(leftover): os.unlink(leftover)
    started = time.monotonic()
    subprocess.run(raw, check=True, capture_output=True)
    while b"BERTH-VM-READY" not in (open(console_log, "rb").read() if os.path.exists(console_log) else b""):
        if time.monotonic() - started > 170: raise SystemExit("raw QEMU did not boot")
        time.sleep(0.005)
    results["raw_boot"].append(time.monotonic() - started)
    qemu_pid = int(open(pid_file).read())
    started = time.monotonic()
    qmp(qmp_path, "system_powerdown")
    while gone(qemu_pid) is False:
        time.sleep(0.002)
    results["raw_stop"].append(time.monotonic() - started)

# The same QEMU, by hand: berthd's command line with this script's own files in place of the VM's.
command = berthd_round()
vm_dir = f"{work}/state/vms/v1"
raw_dir = f"{work}/raw"
os.makedirs(raw_dir, exist_ok=True)
raw = [arg.replace(vm_dir, raw_dir) for arg in command]
for name in ("kernel", "initrd", "disk.img"):
    if os.path.isfile(f"{vm_dir}/{name}"): subprocess.run(["cp", f"{vm_dir}/{name}", raw_dir], check=True)
raw[0] = subprocess.run(["sh", "-c", f"command -v {raw[0]}"], capture_output=True, text=True).stdout.strip() or raw[0]
qmp_path = next(a.split("unix:")[1].split(",")[0] for a in raw if a.startswith("unix:") and "qmp" in a)
console_log = next(re.search(r"logfile=([^,]+)", a).group(1) for a in raw if "logfile=" in a)
pid_file = raw[raw.index("-pidfile") + 1]
# Alternating, so that the machine's slow and fast moments fall on both.
for round in range(runs):
    raw_round(raw, qmp_path, console_log, pid_file)
    if round < runs - 1: berthd_round()

ms = {k: statistics.median(v) * 1000 for k, v in results.items()}
print(f"QEMU TCG, test VM (Debian cloud kernel + busybox initramfs), medians of {runs} runs, ms")
print(f"{'':<28}{'berthd API':>12}{'QEMU by hand':>14}{'overhead':>10}")
print(f"{'boot to ready (start op)':<28}{ms['boot']:>12.0f}{ms['raw_boot']:>14.0f}{ms['boot'] - ms['raw_boot']:>10.0f}")
print(f"{'stop (ACPI power-off)':<28}{ms['stop']:>12.0f}{ms['raw_stop']:>14.0f}{ms['stop'] - ms['raw_stop']:>10.0f}")
print(f"API overhead, operation created -> QEMU launched:        {ms['start_overhead']:.2f} ms")
print(f"API overhead, operation created -> QMP system_powerdown: {ms['stop_overhead']:.2f} ms")
print("LXD 5.0 cannot run virtual machines on this machine (no vhost-vsock, no usable KVM): no LXD column.")
PY
