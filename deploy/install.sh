#!/usr/bin/env bash
# Build a release berthd and install it with its systemd units, sysusers/tmpfiles snippets and man page.
#
#   deploy/install.sh                      build (swift build -c release --static-swift-stdlib) and install under /usr/local
#   deploy/install.sh --prefix /usr        install under another prefix (ExecStart follows it)
#   deploy/install.sh --dry-run            print what would be built and installed, change nothing
#   deploy/install.sh --binary PATH        install PATH instead of building (e.g. a CI artifact)
#   DESTDIR=/tmp/stage deploy/install.sh   stage the files under DESTDIR (packaging, tests)
#
# Files: PREFIX/bin/berthd, PREFIX/lib/systemd/system/berthd.{service,socket},
#        PREFIX/lib/sysusers.d/berth.conf, PREFIX/lib/tmpfiles.d/berth.conf,
#        PREFIX/share/man/man8/berthd.8
# It never creates the group, the state directory, reloads systemd, enables or starts anything: it
# prints the commands that do. Running it again replaces the files with the same content.
#
# env: DESTDIR (default empty), SWIFT (path of the swift binary, if not on PATH),
#      BERTH_BUILD_DIR (SwiftPM scratch path, default .build/static)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
prefix=/usr/local
dry_run=false
binary=""
destdir="${DESTDIR:-}"
# The installed binary carries the Swift runtime and Foundation (--static-swift-stdlib): it keeps
# working when the toolchain it was built with moves or goes, starts faster and its idle RSS is
# ~6 MB lower. A scratch directory of its own, so development builds are not rebuilt each time.
build_dir="${BERTH_BUILD_DIR:-.build/static}"
[[ "$build_dir" == /* ]] || build_dir="$root/$build_dir"

say() { echo "install: $*"; }
die() { echo "install: error: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

while (($#)); do
    case "$1" in
        --prefix) (($# >= 2)) || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --binary) (($# >= 2)) || die "--binary needs a path"; binary="$2"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
        --dry-run|-n) dry_run=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

[[ "$prefix" == /* ]] || die "--prefix must be an absolute path, not '$prefix'"
[[ -z "$destdir" || "$destdir" == /* ]] || die "DESTDIR must be an absolute path, not '$destdir'"
# The prefix ends up in ExecStart= and in a sed expression: keep it to plain path characters.
[[ "$prefix" =~ ^[A-Za-z0-9._/+-]+$ ]] || die "--prefix may only hold letters, digits and ._/+-"
prefix="${prefix%/}"

bindir="$prefix/bin"
unitdir="$prefix/lib/systemd/system"
sysusersdir="$prefix/lib/sysusers.d"
tmpfilesdir="$prefix/lib/tmpfiles.d"
mandir="$prefix/share/man/man8"

run() {
    if $dry_run; then
        printf 'would run:'
        printf ' %q' "$@"
        printf '\n'
    else
        "$@"
    fi
}

# --- build ---------------------------------------------------------------------------------------
if [[ -z "$binary" ]]; then
    swift="${SWIFT:-$(command -v swift || true)}"
    [[ -n "$swift" ]] || die "swift is not on PATH (set SWIFT, or pass --binary PATH)"
    say "building a release berthd in $build_dir"
    run "$swift" build --package-path "$root" --scratch-path "$build_dir" -c release --static-swift-stdlib --product berthd
    binary="$build_dir/release/berthd"
fi
if ! $dry_run; then
    [[ -f "$binary" && -x "$binary" ]] || die "$binary is not an executable file"
fi

# --- install -------------------------------------------------------------------------------------
install_file() { # MODE SOURCE DESTINATION-DIRECTORY [NAME]
    local mode="$1" source="$2" directory="$destdir$3" name="${4:-$(basename "$2")}"
    say "$directory/$name"
    run install -d -m 0755 "$directory"
    run install -m "$mode" "$source" "$directory/$name"
}

install_file 0755 "$binary" "$bindir" berthd
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# The unit runs the binary where this prefix puts it.
sed "s|^ExecStart=/usr/local/bin/berthd |ExecStart=$bindir/berthd |" "$root/deploy/berthd.service" >"$stage/berthd.service"
grep -q "^ExecStart=$bindir/berthd " "$stage/berthd.service" || die "deploy/berthd.service has no ExecStart= to rewrite"
install_file 0644 "$stage/berthd.service" "$unitdir"
install_file 0644 "$root/deploy/berthd.socket" "$unitdir"
install_file 0644 "$root/deploy/sysusers.d/berth.conf" "$sysusersdir"
install_file 0644 "$root/deploy/tmpfiles.d/berth.conf" "$tmpfilesdir"
install_file 0644 "$root/deploy/berthd.8" "$mandir"

if $dry_run; then
    say "dry run: nothing was changed"
    echo "install: after a real install, to run berthd as a service, as root:"
else
    echo "install: done. Nothing was enabled or started; to run berthd as a service, as root:"
fi
cat <<EOF
    systemd-sysusers $sysusersdir/berth.conf
    systemd-tmpfiles --create $tmpfilesdir/berth.conf
    systemctl daemon-reload
    systemctl enable --now berthd.socket
  (berthd.service starts on the first connection; 'systemctl start berthd' starts it now.)
EOF
case "$prefix" in
    /usr | /usr/local) ;;
    *) echo "  systemd does not look in $unitdir, $sysusersdir or $tmpfilesdir: link the units first" \
        "(systemctl link $unitdir/berthd.service $unitdir/berthd.socket) and pass the snippets by path as above." ;;
esac
