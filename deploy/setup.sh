#!/usr/bin/env bash
# Build berthd and start it on /var/lib/berth, as root on a fresh Debian 12.
#
#   ./deploy/setup.sh             install missing packages, build (release), start berthd, wait until ready
#   ./deploy/setup.sh --restart   stop the running berthd first (e.g. after pulling new code)
#   ./deploy/setup.sh --stop      stop the berthd this script started
#   ./deploy/setup.sh --status    say whether it is running
#
# Running it again while berthd runs changes nothing and says so. Nothing is installed outside
# this repository except apt packages: the daemon runs from .build/static/release/berthd.
#
# env: BERTH_STATE_DIR (default /var/lib/berth), BERTH_LOG (default /var/log/berthd.log),
#      BERTH_PID_FILE (default /run/berthd.pid), SWIFT (path of the swift binary, if not on PATH),
#      BERTH_BUILD_DIR (SwiftPM scratch path, default .build/static)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
state_dir="${BERTH_STATE_DIR:-/var/lib/berth}"
log_file="${BERTH_LOG:-/var/log/berthd.log}"
pid_file="${BERTH_PID_FILE:-/run/berthd.pid}"
socket="$state_dir/unix.socket"
# Static Swift runtime, as deploy/install.sh builds it (see there), in a scratch directory of its own.
build_dir="${BERTH_BUILD_DIR:-.build/static}"

# Build and runtime packages. lxd-client gives the `lxc` command to talk to berthd; lxc runs the
# containers; busybox-static builds the small test image (scripts/build-busybox-image.sh).
packages=(libsqlite3-dev libssl-dev pkg-config curl lxd-client lxc busybox-static qemu-system-x86)

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

running_pid() {
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid="$(cat "$pid_file" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "berthd" ]] || return 1
    echo "$pid"
}

stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$pid_file"
        say "no berthd started by this script is running"
        return 0
    fi
    kill -TERM "$pid"
    local i
    for ((i = 0; i < 150; i++)); do
        [[ -d "/proc/$pid" ]] || break
        sleep 0.2
    done
    if [[ -d "/proc/$pid" ]]; then
        say "berthd (pid $pid) did not stop within 30 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file"
    say "stopped berthd (pid $pid)"
}

print_usage_hint() {
    local pid="$1"
    cat <<EOF

berthd is running (pid $pid).
  state:   $state_dir   (database berth.db, socket unix.socket)
  log:     $log_file
  binary:  $binary

Try it:
  curl --unix-socket $socket http://b/1.0
  LXD_DIR=$state_dir lxc info

Stop it with: $0 --stop
EOF
}

find_swift() {
    if [[ -n "${SWIFT:-}" ]]; then
        [[ -x "$SWIFT" ]] || die "SWIFT=$SWIFT is not executable"
        export PATH="$(dirname "$SWIFT"):$PATH"
        return
    fi
    command -v swift >/dev/null 2>&1 && return
    # sudo resets PATH; look where toolchains are usually unpacked.
    local home_dir="$HOME" dir
    [[ -n "${SUDO_USER:-}" ]] && home_dir="$(getent passwd "$SUDO_USER" | cut -d: -f6)"
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin /usr/local/swift/usr/bin \
        "$home_dir/.local/share/swiftly/bin" /root/.local/share/swiftly/bin; do
        if [[ -x "$dir/swift" ]]; then
            export PATH="$dir:$PATH"
            return
        fi
    done
    die "no Swift toolchain found. Debian 12 has no Swift 6 package: install Swift 6 from
       https://www.swift.org/install/linux/ (e.g. unpack it to /opt/swift so that /opt/swift/usr/bin/swift
       exists), or point SWIFT=/path/to/usr/bin/swift at it, then run this script again."
}

install_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "packages present: ${packages[*]}"
        return
    fi
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

action=start
case "${1:-}" in
    "") ;;
    --stop) action=stop ;;
    --restart) action=restart ;;
    --status) action=status ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
esac

[[ $EUID -eq 0 ]] || die "run as root: sudo $0 ${1:-}"

case "$action" in
    stop) stop; exit 0 ;;
    status)
        if pid="$(running_pid)"; then say "berthd is running (pid $pid, state $state_dir)"; exit 0; fi
        say "berthd is not running"; exit 1 ;;
    restart) stop ;;
esac

if pid="$(running_pid)"; then
    say "berthd is already running (pid $pid); nothing to do (use --restart to rebuild and restart it)"
    binary="$(readlink "/proc/$pid/exe" || echo "?")"
    print_usage_hint "$pid"
    exit 0
fi

install_packages
find_swift
version="$(swift --version 2>&1 | head -1)"
[[ "$version" =~ Swift\ version\ ([0-9]+) ]] || die "cannot read the Swift version from: $version"
(( BASH_REMATCH[1] >= 6 )) || die "Swift 6 or later is needed, found: $version"
say "using $version"

say "building berthd (release); the first build takes a few minutes"
cd "$root"
swift build -c release --static-swift-stdlib --product berthd --scratch-path "$build_dir"
binary="$(swift build -c release --static-swift-stdlib --scratch-path "$build_dir" --show-bin-path)/berthd"
[[ -x "$binary" ]] || die "the build did not produce $binary"

# A berthd not started by this script (no pid file) may already hold the state directory.
if "$binary" waitready --state-dir "$state_dir" --timeout 0.5 >/dev/null 2>&1; then
    say "a berthd not started by this script already answers on $socket; leaving it alone"
    exit 0
fi

mkdir -p "$(dirname "$log_file")" "$(dirname "$pid_file")"
say "starting berthd on $state_dir (log $log_file)"
# Detached from this shell and its terminal; the pid of the background job is berthd's own
# (setsid execs it, as this non-interactive shell has no job control).
setsid nohup "$binary" --state-dir "$state_dir" >>"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

if ! "$binary" waitready --state-dir "$state_dir" --timeout 30; then
    echo "setup: berthd did not become ready in 30 s; the end of $log_file:" >&2
    tail -n 20 "$log_file" >&2
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$pid_file"
    exit 1
fi
if ! running_pid >/dev/null; then
    echo "setup: berthd exited; the end of $log_file:" >&2
    tail -n 20 "$log_file" >&2
    rm -f "$pid_file"
    exit 1
fi
print_usage_hint "$pid"
