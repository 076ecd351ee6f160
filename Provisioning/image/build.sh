#!/bin/bash
# Builds the LSWO Kiosk appliance: a Debian 12 (bookworm) root filesystem made with mmdebstrap
# (no Docker, no loop mounts) and, unless --rootfs-only, a bootable GPT disk image (EFI system
# partition with systemd-boot, two ext4 root slots A and B, an ext4 data partition) assembled from
# plain files with sfdisk, mkfs.vfat, mtools and `mkfs.ext4 -d`; with --bundle also a signed RAUC
# update bundle of the root slot (Provisioning/image/rauc).
#
#   Provisioning/image/build.sh --kiosk-bin PATH --out DIR [--rootfs-only]
#   Provisioning/image/build.sh --build-release --out DIR      # production: builds the binary
#   ... --keyring CA.pem --bundle [VERSION] --signing-cert CERT.pem --signing-key KEY.pem
#
# A production image carries a release binary with the Swift standard library linked in:
#   swift build -c release --static-swift-stdlib --product kiosk --scratch-path .build-release
# (what --build-release runs). A binary that links the Swift runtime dynamically (a debug build)
# also works: the Swift shared libraries it needs are copied from the toolchain into
# /usr/lib/lswo-kiosk/swift and found through /etc/ld.so.conf.d/lswo-kiosk-swift.conf.
#
# Outputs in DIR: base-<hash>.tar (the Debian packages, cached by the package list and mirror),
# rootfs/ (base + our files, rebuilt only when an input changed; rootfs.key holds the hash),
# lswo-kiosk.img (the disk image), lswo-kiosk-VERSION.raucb (the update bundle, with --bundle)
# and build-info.txt (sizes and times).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
suite=bookworm
# Bumped when the way the base tarball is made changes (not the package list: that is hashed).
base_recipe=1

kiosk_bin=""
out=""
rootfs_only=false
build_release=false
refresh_base=false
base_only=false
strip_binary=true
esp_mib=256
# Each root slot's fixed size: what any later bundle's root must fit in, since an update cannot
# move partitions (today's root is about 1.7 GiB; the rest is room for bigger roots).
root_mib=4096
data_mib=2048
keyring=""
make_bundle=false
bundle_version=""
signing_cert=""
signing_key=""

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat <<EOF
usage: $0 (--kiosk-bin PATH | --build-release) --out DIR [options]
  --kiosk-bin PATH   the kiosk executable to install (e.g. .build/debug/kiosk)
  --build-release    build it: swift build -c release --static-swift-stdlib --product kiosk
                     --scratch-path .build-release (slow; what a production image uses)
  --out DIR          where the base tarball, rootfs/ and lswo-kiosk.img go
  --rootfs-only      stop after the root filesystem (no disk image)
  --refresh-base     download the Debian packages again (security updates)
  --base-only        only make (or check) the cached Debian base tarball
  --no-strip         keep the binary's debug information
  --esp-mib N        size of the EFI system partition (default $esp_mib)
  --root-mib N       size of each root slot, fixed for the device's life (default $root_mib)
  --data-mib N       size of the data partition (default $data_mib)
  --keyring PEM      the CA certificate(s) RAUC accepts bundles from (/etc/rauc/keyring.pem)
  --bundle [VERSION] also make lswo-kiosk-VERSION.raucb, signed with --signing-cert/--signing-key;
                     VERSION is the kiosk's own (kiosk --version); one stated otherwise is refused
                     before anything is built
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --kiosk-bin) kiosk_bin=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --rootfs-only) rootfs_only=true; shift ;;
        --build-release) build_release=true; shift ;;
        --refresh-base) refresh_base=true; shift ;;
        --base-only) base_only=true; shift ;;
        --no-strip) strip_binary=false; shift ;;
        --esp-mib) esp_mib=$2; shift 2 ;;
        --root-mib) root_mib=$2; shift 2 ;;
        --data-mib) data_mib=$2; shift 2 ;;
        --keyring) keyring=$(readlink -f "$2"); shift 2 ;;
        --bundle)
            make_bundle=true
            # An optional VERSION: stated, it is checked against the kiosk's; else it is the kiosk's.
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then bundle_version=$2; shift; fi
            shift ;;
        --signing-cert) signing_cert=$(readlink -f "$2"); shift 2 ;;
        --signing-key) signing_key=$(readlink -f "$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option $1" ;;
    esac
done
[ -n "$out" ] || { usage >&2; die "--out is required"; }
if $make_bundle; then
    [ -f "$signing_cert" ] && [ -f "$signing_key" ] || die "--bundle needs --signing-cert and --signing-key"
    $rootfs_only && die "--bundle needs the root slot image (not --rootfs-only)"
fi
# A bundle is named by the version of the kiosk it carries (what the kiosk reports in its heartbeat
# and compares with the hub's offer), never by free text: a bundle named otherwise would leave the
# doctor's "update available" after it was installed.
check_bundle_version() {
    $make_bundle || return 0
    local own
    own=$("$1" --version) || die "$1 --version failed"
    [ -z "$bundle_version" ] || [ "$own" = "$bundle_version" ] ||
        die "--bundle $bundle_version: the kiosk binary is version $own; a bundle is named by its kiosk's version"
    bundle_version=$own
}
if [ -n "$kiosk_bin" ]; then
    [ -x "$kiosk_bin" ] || die "$kiosk_bin is not an executable"
    check_bundle_version "$kiosk_bin"
fi
[ "$(id -u)" -eq 0 ] || die "run as root (mmdebstrap, chroot and file ownership in the image need it)"

# Installs the Debian packages this recipe uses when they are missing, and nothing else.
ensure_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}
ensure_packages mmdebstrap debian-archive-keyring systemd-container dosfstools mtools e2fsprogs fdisk \
    binutils coreutils tar rauc squashfs-tools

start_time=$(date +%s)


mkdir -p "$out"
out=$(cd "$out" && pwd)

# The configured Debian mirror: the first deb822 URIs of /etc/apt/sources.list.d/*.sources (or a
# one-line `deb` entry) that serves bookworm, and its security counterpart.
find_mirror() {
    local want=$1 file
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk -v want="$want" '
            function flush() { if (uris != "" && suites ~ ("(^| )" want "( |$)")) { print uris; found = 1; exit } uris = ""; suites = "" }
            /^[ \t]*$/ { flush(); next }
            /^URIs:/ { uris = $2 }
            /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            END { if (!found) flush() }' "$file"
    done | head -n 1
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        awk -v want="$want" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i + 1) == want) print $i; break } }' "$file"
    done | head -n 1
}
mirror=$(find_mirror "$suite" | head -n 1)
security=$(find_mirror "$suite-security" | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
security=${security:-http://deb.debian.org/debian-security}
sources=("deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security $suite-security main")
log "mirror: $mirror (security: $security)"

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/packages.txt" | grep -v '^$' | sort -u)

# --- 1. The Debian base: every package of packages.txt, cached as a tarball --------------------
base_key=$( { echo "recipe $base_recipe $suite"; printf '%s\n' "${sources[@]}" "${packages[@]}"; } \
    | sha256sum | cut -c1-16)
base_tar="$out/base-$base_key.tar"
if $refresh_base || [ ! -s "$base_tar" ]; then
    log "mmdebstrap: ${#packages[@]} packages from $mirror -> $(basename "$base_tar")"
    t0=$(date +%s)
    rm -f "$base_tar.partial"
    # --format=tar keeps ownership, modes, capabilities and xattrs exactly.
    mmdebstrap --variant=apt --format=tar \
        --aptopt='APT::Install-Recommends "false"' \
        --aptopt='APT::Install-Suggests "false"' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
        --include="$(IFS=,; echo "${packages[*]}")" \
        --customize-hook='chroot "$1" apt-get clean' \
        "$suite" "$base_tar.partial" "${sources[@]}"
    mv "$base_tar.partial" "$base_tar"
    log "base built in $(( $(date +%s) - t0 )) s"
fi

$base_only && { log "base ready: $base_tar"; exit 0; }

if $build_release; then
    command -v swift >/dev/null || die "--build-release needs the Swift toolchain on PATH"
    log "building the release binary (static Swift stdlib) in .build-release"
    (cd "$repo" && swift build -c release --static-swift-stdlib --product kiosk --scratch-path .build-release)
    kiosk_bin="$(cd "$repo" && swift build -c release --static-swift-stdlib --product kiosk \
        --scratch-path .build-release --show-bin-path)/kiosk"
fi
[ -n "$kiosk_bin" ] || { usage >&2; die "give --kiosk-bin PATH or --build-release"; }
[ -x "$kiosk_bin" ] || die "$kiosk_bin is not an executable"
kiosk_bin=$(readlink -f "$kiosk_bin")
check_bundle_version "$kiosk_bin"

# --- 2. The root filesystem: base + kiosk binary, Kiosk/ folder and configuration --------------
prepared_bin="$out/kiosk.bin"
if $strip_binary; then
    objcopy --strip-debug "$kiosk_bin" "$prepared_bin.tmp"
else
    cp "$kiosk_bin" "$prepared_bin.tmp"
fi
mv "$prepared_bin.tmp" "$prepared_bin"

# The Swift shared libraries the binary loads from the toolchain (none for a static release build).
mapfile -t swift_libs < <(ldd "$kiosk_bin" | awk '$3 ~ /\/lib\/swift\/linux\// { print $3 }' | sort -u)

inputs_key=$( {
    echo "base $base_key strip $strip_binary"
    sha256sum "$prepared_bin" | cut -d' ' -f1
    for lib in "${swift_libs[@]}"; do sha256sum "$lib"; done
    (cd "$here" && find . -type f ! -name '*.swp' ! -name '*.md' -print0 | sort -z | xargs -0 sha256sum)
    sha256sum "$repo/Provisioning/udev/70-lswo-kiosk.rules" | cut -d' ' -f1
    if [ -n "$keyring" ]; then sha256sum "$keyring" | cut -d' ' -f1; fi
    (cd "$repo/Kiosk" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
} | sha256sum | cut -c1-16)

rootfs="$out/rootfs"
if [ -f "$out/rootfs.key" ] && [ "$(cat "$out/rootfs.key")" = "$inputs_key" ] && [ -d "$rootfs/usr" ]; then
    log "rootfs is up to date ($inputs_key)"
else
    log "assembling rootfs ($inputs_key)"
    t0=$(date +%s)
    rm -f "$out/rootfs.key"
    rm -rf --one-file-system "$rootfs"
    mkdir -p "$rootfs"
    tar --xattrs --xattrs-include='*' --numeric-owner -xpf "$base_tar" -C "$rootfs"

    # Users and groups first, so that ownership below resolves.
    install -D -m 0644 "$here/lswo-kiosk.sysusers" "$rootfs/usr/lib/sysusers.d/lswo-kiosk.conf"
    chroot "$rootfs" systemd-sysusers

    install -D -m 0755 "$prepared_bin" "$rootfs/usr/bin/kiosk"
    if [ ${#swift_libs[@]} -gt 0 ]; then
        log "the binary links the Swift runtime dynamically: copying ${#swift_libs[@]} libraries"
        mkdir -p "$rootfs/usr/lib/lswo-kiosk/swift"
        for lib in "${swift_libs[@]}"; do
            cp -L "$lib" "$rootfs/usr/lib/lswo-kiosk/swift/"
        done
        echo /usr/lib/lswo-kiosk/swift > "$rootfs/etc/ld.so.conf.d/lswo-kiosk-swift.conf"
    fi
    chroot "$rootfs" ldconfig
    if chroot "$rootfs" ldd /usr/bin/kiosk | grep 'not found'; then
        die "the kiosk binary misses shared libraries in the image (add their packages to packages.txt)"
    fi

    # Kiosk/ (templates, assets, locales, reference data): the binary's installed location.
    mkdir -p "$rootfs/usr/share/lswo-kiosk"
    cp -r "$repo/Kiosk/." "$rootfs/usr/share/lswo-kiosk/"
    chmod -R u=rwX,go=rX "$rootfs/usr/share/lswo-kiosk"

    install -D -m 0640 -g "$(chroot "$rootfs" getent group kiosk | cut -d: -f3)" \
        "$here/kiosk.conf" "$rootfs/etc/lswo-kiosk/kiosk.conf"
    chmod 0750 "$rootfs/etc/lswo-kiosk"
    chgrp "$(chroot "$rootfs" getent group kiosk | cut -d: -f3)" "$rootfs/etc/lswo-kiosk"

    for unit in kiosk.service cage-kiosk.service kiosk-doctor.service kiosk-doctor.timer; do
        install -D -m 0644 "$here/$unit" "$rootfs/usr/lib/systemd/system/$unit"
    done
    install -D -m 0644 "$here/journald-lswo-kiosk.conf" "$rootfs/etc/systemd/journald.conf.d/50-lswo-kiosk.conf"
    install -D -m 0644 "$here/timesyncd-lswo-kiosk.conf" "$rootfs/etc/systemd/timesyncd.conf.d/50-lswo-kiosk.conf"
    install -D -m 0644 "$here/sysctl-lswo-kiosk.conf" "$rootfs/etc/sysctl.d/60-lswo-kiosk.conf"
    install -D -m 0644 "$here/80-lswo-kiosk.network" "$rootfs/etc/systemd/network/80-lswo-kiosk.network"
    install -D -m 0644 "$repo/Provisioning/udev/70-lswo-kiosk.rules" "$rootfs/etc/udev/rules.d/70-lswo-kiosk.rules"
    install -D -m 0644 "$here/chromium-policy.json" "$rootfs/etc/chromium/policies/managed/lswo-kiosk.json"
    # The firewall: only what the office network needs comes in (nftables.service loads it).
    install -m 0755 "$here/nftables.conf" "$rootfs/etc/nftables.conf"
    # ... with the kiosk's ports taken from kiosk.conf at every boot.
    install -D -m 0755 "$here/kiosk-firewall-ports" "$rootfs/usr/lib/lswo-kiosk/kiosk-firewall-ports"
    install -D -m 0644 "$here/kiosk-firewall-ports.service" "$rootfs/usr/lib/systemd/system/kiosk-firewall-ports.service"

    # A/B updates: RAUC's configuration, its systemd-boot backend, the unit that keeps a slot.
    install -D -m 0644 "$here/rauc/system.conf" "$rootfs/etc/rauc/system.conf"
    install -D -m 0755 "$here/rauc/rauc-systemd-boot" "$rootfs/usr/lib/lswo-kiosk/rauc-systemd-boot"
    install -D -m 0755 "$here/rauc/kiosk-mark-good" "$rootfs/usr/lib/lswo-kiosk/kiosk-mark-good"
    install -D -m 0644 "$here/rauc/kiosk-mark-good.service" "$rootfs/usr/lib/systemd/system/kiosk-mark-good.service"
    if [ -n "$keyring" ]; then install -D -m 0644 "$keyring" "$rootfs/etc/rauc/keyring.pem"; fi
    # The data partition (GPT name lswo-data) at /data, and the state that lives on it bound into
    # place by two mount units: it is no root slot, so an update keeps the office. Booted without
    # it (the rootfs test under nspawn) the binds are skipped and the root's folders are used.
    mkdir -p "$rootfs/data"
    echo 'PARTLABEL=lswo-data /data ext4 defaults,noatime,nofail,x-systemd.device-timeout=10s 0 2' \
        >> "$rootfs/etc/fstab"
    install -m 0644 "$here/var-lib-kiosk.mount" "$here/etc-lswo\x2dkiosk.mount" "$rootfs/usr/lib/systemd/system/"

    echo lswo-kiosk > "$rootfs/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\tlswo-kiosk\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
        > "$rootfs/etc/hosts"
    ln -sf ../usr/share/zoneinfo/Asia/Ulaanbaatar "$rootfs/etc/localtime"
    echo Asia/Ulaanbaatar > "$rootfs/etc/timezone"
    # A UTF-8 locale for every login (pam_env reads it; the screen session and the technician's
    # shell then handle Cyrillic); C.UTF-8 is built into glibc, no locales package needed.
    printf 'LANG=C.UTF-8\n' > "$rootfs/etc/default/locale"
    # systemd-resolved's stub; the ESP is mounted at /efi by systemd-gpt-auto-generator.
    ln -sf ../run/systemd/resolve/stub-resolv.conf "$rootfs/etc/resolv.conf"
    mkdir -p "$rootfs/efi"
    # A new machine id on first boot of every copy of the image.
    : > "$rootfs/etc/machine-id"
    rm -f "$rootfs/var/lib/dbus/machine-id"

    systemctl --root="$rootfs" enable var-lib-kiosk.mount 'etc-lswo\x2dkiosk.mount' kiosk.service kiosk-mark-good.service \
        kiosk-doctor.timer cage-kiosk.service cups.service \
        systemd-timesyncd.service systemd-networkd.service systemd-resolved.service \
        nftables.service kiosk-firewall-ports.service avahi-daemon.service
    # ipp-usb.service has no [Install]: udev starts it when an IPP-over-USB printer is plugged in
    # (71-ipp-usb.rules), and it offers the printer to CUPS on localhost, announced by avahi.
    # tty1 belongs to the kiosk screen; technicians log in on tty2 (Ctrl+Alt+F2).
    systemctl --root="$rootfs" mask getty@tty1.service
    systemctl --root="$rootfs" set-default graphical.target

    # The technician sets a root password (or a key) while provisioning; none is shipped.
    chroot "$rootfs" passwd -l root >/dev/null

    echo "$inputs_key" > "$out/rootfs.key"
    log "rootfs assembled in $(( $(date +%s) - t0 )) s"
fi
rootfs_mib=$(du -sm --one-file-system "$rootfs" | cut -f1)
# The root's ext4 image as a bundle carries it: the tree and room for ext4's own blocks (RAUC
# grows it to the slot, resize=true in system.conf). It must fit the fixed slot.
content_mib=$(( rootfs_mib + rootfs_mib / 8 + 256 ))
if ! $rootfs_only && [ "$content_mib" -gt "$root_mib" ]; then
    die "the root (${rootfs_mib} MiB, ${content_mib} MiB as ext4) does not fit a ${root_mib} MiB slot (--root-mib)"
fi

# --- 3. The disk image: GPT, EFI system partition (systemd-boot), ext4 root ----------------------
image="$out/lswo-kiosk.img"
image_mib=""
if ! $rootfs_only; then
    t0=$(date +%s)
    work="$out/disk.tmp"
    rm -rf "$work"
    mkdir -p "$work"
    kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -n 1)
    initrd="$rootfs/boot/initrd.img-${kernel##*/vmlinuz-}"
    [ -f "$kernel" ] && [ -f "$initrd" ] || die "no kernel or initrd in $rootfs/boot"
    systemd_boot="$rootfs/usr/lib/systemd/boot/efi/systemd-bootx64.efi"
    [ -f "$systemd_boot" ] || die "no systemd-boot in the rootfs (systemd-boot-efi)"

    root_partuuid=$(cat /proc/sys/kernel/random/uuid)
    root_b_partuuid=$(cat /proc/sys/kernel/random/uuid)
    esp_partuuid=$(cat /proc/sys/kernel/random/uuid)
    data_partuuid=$(cat /proc/sys/kernel/random/uuid)
    root_fsuuid=$(cat /proc/sys/kernel/random/uuid)

    # EFI system partition: FAT32 filled with mtools.
    mkfs.vfat -F 32 -n LSWO-ESP -C "$work/esp.img" $((esp_mib * 1024)) >/dev/null
    export MTOOLS_SKIP_CHECK=1
    mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/systemd ::/loader ::/loader/entries ::/lswo ::/lswo/A ::/lswo/B
    mcopy -i "$work/esp.img" "$systemd_boot" ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$work/esp.img" "$systemd_boot" ::/EFI/systemd/systemd-bootx64.efi
    # Each slot boots the kernel in its own folder; an update writes the new kernel into the folder
    # of the slot it installs (rauc/bundle-hook), so the other slot keeps its own.
    mcopy -i "$work/esp.img" "$kernel" ::/lswo/A/vmlinuz
    mcopy -i "$work/esp.img" "$initrd" ::/lswo/A/initrd.img
    echo "${kernel##*/vmlinuz-}" > "$work/kernel-version"
    mcopy -i "$work/esp.img" "$work/kernel-version" ::/lswo/A/version
    # One loader entry a root slot (rauc-systemd-boot keeps them): A is the primary and good; B,
    # empty until the first update, has no tries left (and no kernel yet).
    printf 'default lswo-*\ntimeout 0\neditor no\nconsole-mode keep\n' > "$work/loader.conf"
    entry_options='rw console=ttyS0,115200 console=tty0 quiet loglevel=3 systemd.show_status=auto'
    printf 'title LSWO Kiosk (slot A)\nlinux /lswo/A/vmlinuz\ninitrd /lswo/A/initrd.img\noptions root=PARTUUID=%s rauc.slot=A %s\nsort-key lswo-1\n' \
        "$root_partuuid" "$entry_options" > "$work/lswo-A.conf"
    printf 'title LSWO Kiosk (slot B)\nlinux /lswo/B/vmlinuz\ninitrd /lswo/B/initrd.img\noptions root=PARTUUID=%s rauc.slot=B %s\nsort-key lswo-2\n' \
        "$root_b_partuuid" "$entry_options" > "$work/lswo-B+0.conf"
    mcopy -i "$work/esp.img" "$work/loader.conf" ::/loader/loader.conf
    mcopy -i "$work/esp.img" "$work/lswo-A.conf" ::/loader/entries/lswo-A.conf
    mcopy -i "$work/esp.img" "$work/lswo-B+0.conf" "::/loader/entries/lswo-B+0.conf"

    # Root slot A: ext4 made from the rootfs directory (no mount needed), filling the fixed slot.
    mkfs.ext4 -q -F -L lswo-root -U "$root_fsuuid" -E root_owner=0:0 -d "$rootfs" "$work/root.img" "${root_mib}M"
    e2fsck -fn "$work/root.img" >/dev/null

    # The data partition: the state folders the fstab binds into place, owned as the service
    # wants them, and RAUC's status file.
    kiosk_uid=$(chroot "$rootfs" id -u kiosk)
    kiosk_gid=$(chroot "$rootfs" getent group kiosk | cut -d: -f3)
    mkdir -p "$work/data/rauc"
    install -d -m 0700 -o "$kiosk_uid" -g "$kiosk_gid" "$work/data/kiosk"
    cp -a "$rootfs/etc/lswo-kiosk" "$work/data/etc-lswo-kiosk"
    mkfs.ext4 -q -F -L lswo-data -E root_owner=0:0 -d "$work/data" "$work/data.img" "${data_mib}M"

    # GPT, 1 MiB aligned: ESP, root slot A, root slot B (the Discoverable Partitions x86-64 root
    # type; each loader entry names its slot by PARTUUID), data (the Linux data type).
    image_mib=$(( 1 + esp_mib + 2 * root_mib + data_mib + 1 ))
    rm -f "$image.tmp"
    truncate -s "${image_mib}M" "$image.tmp"
    sfdisk --quiet "$image.tmp" <<EOF
label: gpt
unit: sectors
start=2048, size=$((esp_mib * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$esp_partuuid, name="esp"
start=$(( (1 + esp_mib) * 2048 )), size=$((root_mib * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$root_partuuid, name="root-a"
start=$(( (1 + esp_mib + root_mib) * 2048 )), size=$((root_mib * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$root_b_partuuid, name="root-b"
start=$(( (1 + esp_mib + 2 * root_mib) * 2048 )), size=$((data_mib * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$data_partuuid, name="lswo-data"
EOF
    dd if="$work/esp.img" of="$image.tmp" bs=1M seek=1 conv=notrunc,sparse status=none
    dd if="$work/root.img" of="$image.tmp" bs=1M seek=$((1 + esp_mib)) conv=notrunc,sparse status=none
    dd if="$work/data.img" of="$image.tmp" bs=1M seek=$((1 + esp_mib + 2 * root_mib)) conv=notrunc,sparse status=none
    mv "$image.tmp" "$image"

    # The update bundle: the root slot's ext4 image, signed (RAUC writes it into the other slot).
    if $make_bundle; then
        t1=$(date +%s)
        mkdir -p "$work/bundle"
        # The root at its content's size (RAUC grows it to the slot), and the hook that puts its
        # kernel and initrd into the slot's folder on the ESP.
        mkfs.ext4 -q -F -L lswo-root -E root_owner=0:0 -d "$rootfs" "$work/bundle/root.ext4" "${content_mib}M"
        install -m 0755 "$here/rauc/bundle-hook" "$work/bundle/hook"
        printf '[update]\ncompatible=lswo-kiosk-x86_64\nversion=%s\n\n[bundle]\nformat=plain\n\n[hooks]\nfilename=hook\n\n[image.rootfs]\nfilename=root.ext4\nhooks=post-install\n' \
            "$bundle_version" > "$work/bundle/manifest.raucm"
        bundle="$out/lswo-kiosk-$bundle_version.raucb"
        rm -f "$bundle"
        rauc bundle --cert="$signing_cert" --key="$signing_key" "$work/bundle" "$bundle" >&2
        log "update bundle $bundle ($(du -m "$bundle" | cut -f1) MiB) in $(( $(date +%s) - t1 )) s"
    fi
    rm -rf "$work"
    log "disk image $image (${image_mib} MiB, $(du -m "$image" | cut -f1) MiB allocated) in $(( $(date +%s) - t0 )) s"
fi

{
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "kiosk binary: $kiosk_bin ($(du -m "$prepared_bin" | cut -f1) MiB installed, swift libs: ${#swift_libs[@]})"
    echo "base: $(basename "$base_tar") ($(du -m "$base_tar" | cut -f1) MiB)"
    echo "rootfs: $rootfs (${rootfs_mib} MiB, key $inputs_key)"
    [ -n "$image_mib" ] && echo "image: $image (${image_mib} MiB)"
    $make_bundle && echo "bundle: $out/lswo-kiosk-$bundle_version.raucb ($(du -m "$out/lswo-kiosk-$bundle_version.raucb" | cut -f1) MiB)"
    echo "build time: $(( $(date +%s) - start_time )) s"
} | tee "$out/build-info.txt" >&2
