#!/usr/bin/env bash
# Builds the small test VM image, from Debian packages only (no network beyond the Debian mirror):
#
#   scripts/make-vm-image.sh OUTDIR [--variant agent|noagent|hang]   (default: agent)
#     -> OUTDIR/berth-testvm.tar.gz, berth-testvm-noagent.tar.gz or berth-testvm-hang.tar.gz
#   lxc image import OUTDIR/berth-testvm.tar.gz --alias testvm
#
# The image is an LXD-style unified tarball that Berth imports as a virtual-machine image; its
# layout is the contract with the QEMU driver, which boots it directly (no firmware, no disk):
#
#   metadata.yaml      architecture, creation_date, properties (os, release, description, type)
#   boot/vmlinuz       Debian's cloud kernel (bzImage), copied out of its .deb, never installed
#   boot/initrd.img    gzip'd newc cpio: busybox-static, /init, /bin/berth-agent, two modules
#
# The guest (kernel command line "console=ttyS0 panic=-1 quiet"; two 16550 serial ports):
#   ttyS0  the console: /proc/version (the kernel banner, which "quiet" keeps off the console),
#          then the line "BERTH-VM-READY uptime=<s>" once /init is up (the driver's readiness
#          signal), then a login-free shell, respawned for ever (PID 1 never exits).
#   ttyS1  the agent (variant agent only), a line protocol, one message per line:
#            PING <id>                       -> PONG <id>
#            EXEC <id> <base64 of a script>  -> OUT <id> <base64 stdout>, ERR <id> <base64 stderr>,
#                                               EXIT <id> <status>
#          ids match [A-Za-z0-9]+; base64 is unwrapped, and empty output is sent as "OUT <id> " (the
#          space stays); the script runs as sh -c SCRIPT </dev/null in /, one at a time; unknown or
#          malformed lines (bad id, wrong field count, bad base64) get no answer. The agent only
#          listens once the ready line is out: a host should PING until it gets its PONG.
#   ACPI   the power button (QMP system_powerdown) runs `poweroff -f` through busybox acpid.
# Variants: noagent has no agent; hang never prints the ready line (for the boot deadline).
#
# The kernel .deb is cached in ${BERTH_CACHE:-/var/cache/berth}/vm, so later runs and CI reuse it
# (with no package lists at all, the newest cached one is used). Takes about 4 s with the cache.
# Needs: busybox-static, apt (apt-get download, dpkg-deb), GNU tar, gzip. Booting it needs
# qemu-system-x86 (apt-get install --no-install-recommends qemu-system-x86).
set -euo pipefail

usage() { echo "usage: $0 OUTDIR [--variant agent|noagent|hang]" >&2; exit 2; }
[[ $# -ge 1 && "$1" != -h && "$1" != --help ]] || usage
out="$1"
shift
variant=agent
while [[ $# -gt 0 ]]; do
    case "$1" in
        --variant) [[ $# -ge 2 ]] || usage; variant="$2"; shift 2 ;;
        --variant=*) variant="${1#--variant=}"; shift ;;
        *) usage ;;
    esac
done
case "$variant" in
    agent) name=berth-testvm ;;
    noagent | hang) name="berth-testvm-$variant" ;;
    *) usage ;;
esac

busybox="${BUSYBOX:-/bin/busybox}"
kernel_package="${KPKG:-linux-image-cloud-amd64}"
cache="${BERTH_CACHE:-/var/cache/berth}/vm"

# The dynamic busybox package also installs /bin/busybox; the initramfs has no libc.
if [[ ! -x "$busybox" ]] || ldd "$busybox" >/dev/null 2>&1; then
    echo "error: $busybox is missing or not static; install busybox-static" >&2
    exit 1
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "$out/.build-$name.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 1. The kernel .deb: the versioned package the meta-package points at, from the cache or apt.
mkdir -p "$cache" || { echo "error: cannot create the cache $cache (set BERTH_CACHE)" >&2; exit 1; }
package="$(apt-cache depends "$kernel_package" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')" || true
deb=""
if [[ -n "$package" ]]; then
    deb="$(ls -t "$cache/${package}"_*.deb 2>/dev/null | head -1)" || true
    if [[ -z "$deb" ]]; then
        download="$(mktemp -d "$cache/.download.XXXXXX")"
        # apt-get download runs as _apt where it can: let it write there.
        chmod 777 "$download"
        if (cd "$download" && apt-get download -q "$package" >/dev/null); then
            mv "$download"/*.deb "$cache/"
        fi
        rm -rf "$download"
        deb="$(ls -t "$cache/${package}"_*.deb 2>/dev/null | head -1)" || true
    fi
fi
if [[ -z "$deb" ]]; then
    deb="$(ls -t "$cache"/linux-image-*-cloud-amd64_*.deb 2>/dev/null | head -1)" || true
fi
if [[ -z "$deb" ]]; then
    echo "error: no kernel package: cannot resolve or download $kernel_package (apt-get update?)" >&2
    exit 1
fi

mkdir -p "$work/deb"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/deb" --wildcards \
    './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/acpi/button.ko' \
    './lib/modules/*/kernel/drivers/input/evdev.ko'

# 2. The initramfs tree.
image="$work/image"
root="$work/initramfs"
mkdir -p "$image/boot" "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc/acpi/PWRF,lib/modules}
chmod 1777 "$root/tmp"
cp "$work"/deb/boot/vmlinuz-* "$image/boot/vmlinuz"
find "$work/deb/lib/modules" -name '*.ko' -exec cp {} "$root/lib/modules/" \;
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
done
echo testvm > "$root/etc/hostname"

cat > "$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
# The ACPI power button (QMP system_powerdown): a clean, immediate power-off.
sync
poweroff -f
EOF

cat > "$root/bin/berth-agent" <<'EOF'
#!/bin/sh
# The guest agent: reads one request per line from the serial port, answers one line per message.
# See scripts/make-vm-image.sh in the Berth repository for the protocol.
port=${1:-/dev/ttyS1}
stty -F "$port" raw -echo || exit 1
work=/run/berth-agent
mkdir -p "$work"
cd /
# Words are split on spaces only, never globbed: a request is data.
set -f
while IFS= read -r line; do
    IFS=' '
    set -- $line
    unset IFS
    [ $# -ge 2 ] || continue
    id=$2
    case "$id" in *[!A-Za-z0-9]*) continue ;; esac
    case "$1 $#" in
    "PING 2")
        printf 'PONG %s\n' "$id"
        ;;
    "EXEC 3")
        printf '%s' "$3" | base64 -d > "$work/script" 2>/dev/null || continue
        (sh -c "$(cat "$work/script")" < /dev/null > "$work/out" 2> "$work/err")
        status=$?
        printf 'OUT %s %s\nERR %s %s\nEXIT %s %s\n' "$id" "$(base64 -w 0 < "$work/out")" \
            "$id" "$(base64 -w 0 < "$work/err")" "$id" "$status"
        rm -f "$work/script" "$work/out" "$work/err"
        ;;
    esac
done < "$port" > "$port"
EOF

cat > "$root/init" <<'EOF'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
variant=@VARIANT@
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
# The power button reaches acpid as an input event: QMP system_powerdown -> poweroff -f.
insmod /lib/modules/evdev.ko 2>/dev/null
insmod /lib/modules/button.ko 2>/dev/null
acpid -c /etc/acpi -l /run/acpid.log
hostname -F /etc/hostname
# The kernel banner, which "quiet" keeps off the console, for `lxc console --show-log`.
cat /proc/version > /dev/ttyS0
if [ "$variant" = hang ]; then
    while :; do sleep 3600; done
fi
if [ "$variant" = agent ]; then
    setsid sh -c 'while :; do /bin/berth-agent /dev/ttyS1; sleep 1; done' < /dev/null > /dev/null 2>&1 &
fi
echo "BERTH-VM-READY uptime=$(cut -d' ' -f1 /proc/uptime)" > /dev/ttyS0
# A login-free shell on the console; ttyS0 becomes its controlling terminal (new session). PID 1
# must never exit: the kernel would panic.
while :; do
    setsid sh -c 'exec sh -i < /dev/ttyS0 > /dev/ttyS0 2>&1'
    sleep 1
done
EOF
sed -i "s/@VARIANT@/$variant/" "$root/init"
chmod 0755 "$root/init" "$root/bin/berth-agent" "$root/etc/acpi/PWRF/00000080"

(cd "$root" && find . | sort | "$busybox" cpio -o -H newc 2>/dev/null | gzip -9 > "$image/boot/initrd.img")

# 3. The unified tarball.
case "$variant" in
    agent) description="Berth test VM (busybox initramfs, agent on ttyS1)" ;;
    noagent) description="Berth test VM (busybox initramfs, no agent)" ;;
    hang) description="Berth test VM that never becomes ready" ;;
esac
cat > "$image/metadata.yaml" <<EOF
architecture: x86_64
creation_date: $(date +%s)
properties:
  os: busybox
  release: testvm
  variant: $variant
  description: "$description"
  type: virtual-machine
EOF
# The kernel is compressed already: gzip -1 makes the same size as -6, faster.
tar --numeric-owner --owner=0 --group=0 --sort=name -I "gzip -1" -C "$image" -cf "$work/$name.tar.gz" metadata.yaml boot
mv "$work/$name.tar.gz" "$out/$name.tar.gz"
echo "$out/$name.tar.gz"
