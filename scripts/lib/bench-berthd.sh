# berthd with the fast-init busybox image, as the container benchmarks run it. Sourced (after
# `root` is set) by the benchmarks and the soak, which launch containers on a berthd of their own.
#
#   bench_berthd_workdir NAME   makes $work (/tmp/berth-bench-NAME-XXXXXX) and the fast-init
#                               busybox image in it ($image); set the EXIT trap first, so that a
#                               failed image build still removes $work
#   bench_berthd_start BINARY ALIAS
#                               starts BINARY on $work/state (its log in $work/berthd.log), waits
#                               until it answers, and imports $image as ALIAS
#   bench_berthd_stop           deletes every instance of that berthd, then stops it; does nothing
#                               when it does not run (for the EXIT trap)

work=""
image=""
berthd_pid=""

bench_berthd_workdir() {
    work="$(mktemp -d "/tmp/berth-bench-$1-XXXXXX")"
    chmod 711 "$work"  # unprivileged containers' root must reach its rootfs
    FAST_INIT=1 bash "$root/scripts/build-busybox-image.sh" "$work/image" >/dev/null
    image="$work/image/busybox-fastinit.tar.gz"
}

bench_berthd_start() {
    "$1" --state-dir "$work/state" --log-level warn 2>"$work/berthd.log" &
    berthd_pid=$!
    "$1" waitready --state-dir "$work/state" --timeout 30
    LXD_DIR="$work/state" lxc image import "$image" --alias "$2" >/dev/null
}

bench_berthd_stop() {
    if [[ -n "$berthd_pid" ]] && kill -0 "$berthd_pid" 2>/dev/null; then
        LXD_DIR="$work/state" lxc list --format csv -c n 2>/dev/null | xargs -r -n 8 -P 4 \
            env LXD_DIR="$work/state" lxc delete --force >/dev/null 2>&1 || true
        kill "$berthd_pid"
        wait "$berthd_pid" 2>/dev/null || true
    fi
}
