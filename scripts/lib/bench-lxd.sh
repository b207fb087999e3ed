# The real LXD the benchmarks measure berthd against. Sourced (after `root` is set) by the bench
# scripts that compare the two on the same machine in the same run.
#
#   bench_lxd_start          uses an LXD answering on $lxd_socket, or starts the team's one
#                            (../shared/tools/lxd/start-lxd.sh); sets lxd_dir and succeeds, or says
#                            that only berthd is measured and fails
#   bench_lxd_import IMAGE ALIAS
#                            imports IMAGE into that LXD as ALIAS, replacing an image of that alias
#
# env: BERTH_SHARED_DIR (default ../shared beside the repo), LXD_SOCKET (default /var/lib/lxd/unix.socket)

shared="${BERTH_SHARED_DIR:-$root/../shared}"
lxd_socket="${LXD_SOCKET:-/var/lib/lxd/unix.socket}"
lxd_dir=""

bench_lxd_answers() { curl -sf --max-time 2 --unix-socket "$lxd_socket" http://lxd/1.0 >/dev/null 2>&1; }

bench_lxd_start() {
    if ! bench_lxd_answers && [[ -f "$shared/tools/lxd/start-lxd.sh" ]]; then sh "$shared/tools/lxd/start-lxd.sh" >&2; fi
    if bench_lxd_answers; then
        lxd_dir="$(dirname "$lxd_socket")"
        return 0
    fi
    echo "bench: no LXD answers on $lxd_socket: measuring berthd only" >&2
    return 1
}

bench_lxd_import() {
    LXD_DIR="$lxd_dir" lxc image delete "$2" >/dev/null 2>&1 || true
    LXD_DIR="$lxd_dir" lxc image import "$1" --alias "$2" >/dev/null
}
