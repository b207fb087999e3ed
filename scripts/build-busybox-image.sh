#!/usr/bin/env bash
# Builds a tiny LXD "unified" container image from Debian's busybox-static, with no network:
#
#   scripts/build-busybox-image.sh OUTDIR              -> OUTDIR/busybox.tar.gz
#   FAST_INIT=1 scripts/build-busybox-image.sh OUTDIR  -> OUTDIR/busybox-fastinit.tar.gz
#
# The tarball holds metadata.yaml, rootfs/ and templates/, every entry owned by 0:0, so it imports
# into LXD (`lxc image import`) and into berthd alike. The default image boots busybox init, whose
# halt sequence sleeps about 2 s. The fast-init variant's /sbin/init is a shell PID 1 that runs
# rcS, writes /run/booted and exits at once on SIGPWR or SIGTERM (LXC's halt signals; status 0)
# and on SIGINT (reboot; status 1), so tests can stop containers in milliseconds.
#
# Idempotent: it rebuilds from scratch in OUTDIR/.build-<name> each run (well under a second).
# Needs: busybox-static (apt-get install --no-install-recommends busybox-static), GNU tar, gzip.
set -euo pipefail

if [[ $# -ne 1 || "$1" == -h || "$1" == --help ]]; then
    echo "usage: [FAST_INIT=1] $0 OUTDIR" >&2
    exit 2
fi
out="$1"
busybox="${BUSYBOX:-/bin/busybox}"

# The dynamic busybox package also installs /bin/busybox; a rootfs needs the static one, which
# ldd refuses ("not a dynamic executable").
if [[ ! -x "$busybox" ]] || ldd "$busybox" >/dev/null 2>&1; then
    echo "error: $busybox is missing or not static; install busybox-static" >&2
    exit 1
fi

if [[ "${FAST_INIT:-0}" == 1 ]]; then
    name=busybox-fastinit
    variant=fastinit
else
    name=busybox
    variant=default
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/.build-$name"
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$work/templates" "$rootfs"

cd "$rootfs"
mkdir -p bin sbin usr/bin usr/sbin etc/init.d dev proc sys run tmp root var/log mnt
chmod 1777 tmp
cp "$busybox" bin/busybox
chmod 0755 bin/busybox

# One relative symlink per applet where busybox would install it (bin/ls -> busybox,
# usr/bin/env -> ../../bin/busybox), so the links stay right when the rootfs moves.
while read -r applet; do
    dir="${applet%/*}"
    case "$dir" in
        bin) target=busybox ;;
        sbin) target=../bin/busybox ;;
        usr/bin | usr/sbin) target=../../bin/busybox ;;
        *) continue ;;
    esac
    [[ -e "$applet" || -L "$applet" ]] || ln -s "$target" "$applet"
done < <("$busybox" --list-full)
[[ -e sbin/init || -L sbin/init ]] || ln -s ../bin/busybox sbin/init

cat > etc/init.d/rcS <<'EOF'
#!/bin/sh
# LXC has mounted /proc, /sys and /dev already; bring up lo and take the hostname.
[ -e /proc/mounts ] || mount -t proc proc /proc
ip link set lo up 2>/dev/null || true
hostname -F /etc/hostname 2>/dev/null || true
mkdir -p /run
date +%s > /run/booted
EOF
chmod 0755 etc/init.d/rcS

# busybox init without an inittab would start shells on tty1-4; a container has no ttys to spare.
cat > etc/inittab <<'EOF'
::sysinit:/etc/init.d/rcS
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/sync
EOF

if [[ "$variant" == fastinit ]]; then
    rm -f sbin/init
    cat > sbin/init <<'EOF'
#!/bin/sh
# A minimal PID 1. LXC halts with SIGPWR (lxc.signal.halt) and reboots with SIGINT; the traps
# are set before rcS so a signal that arrives during boot is not lost.
trap 'exit 0' PWR TERM
trap 'exit 1' INT
/etc/init.d/rcS
# `wait` returns as soon as a trapped signal arrives; a plain `sleep` would delay it.
while :; do sleep 3600 & wait $!; done
EOF
    chmod 0755 sbin/init
fi

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > etc/group
printf 'busybox\n' > etc/hostname
printf '127.0.0.1 localhost\n::1 localhost\n' > etc/hosts
: > etc/resolv.conf
: > etc/fstab
printf 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n' > etc/profile

# LXD templates keep /etc/hostname equal to the instance name.
printf '{{ container.name }}\n' > "$work/templates/hostname.tpl"

# No pipe into head: busybox would die of SIGPIPE, and pipefail would end the script.
banner="$("$busybox" 2>&1 || true)"
banner="${banner%%$'\n'*}"
version="$(awk '{print $2}' <<<"$banner")"
cat > "$work/metadata.yaml" <<EOF
architecture: x86_64
creation_date: $(date +%s)
expiry_date: 0
properties:
  architecture: x86_64
  description: busybox ${version} static, ${variant} init
  name: $name
  os: busybox
  release: "1.35"
  variant: $variant
templates:
  /etc/hostname:
    when:
    - create
    - copy
    - rename
    template: hostname.tpl
EOF

# Write beside the result and rename, so a reader never sees a half-written tarball.
tar -C "$work" --numeric-owner --owner=0 --group=0 -czf "$out/.$name.tar.gz.partial" metadata.yaml rootfs templates
mv -f "$out/.$name.tar.gz.partial" "$out/$name.tar.gz"
echo "$out/$name.tar.gz"
