#!/usr/bin/env bash
# Installs the .deb into a clean Debian 12 root made by debootstrap (minbase), with apt
# resolving its Depends from the Debian mirror, and runs kjournal there: the package's
# dependencies are complete and its maintainer scripts work without systemd.
# Usage: scripts/test-deb-chroot.sh PATH/kjournal_<version>_amd64.deb
# The debootstrap root is cached in KJ_IMAGE_CACHE (default /var/tmp/kjournal-image, shared
# with scripts/build-image.sh); each run installs into a fresh copy of it.
set -euo pipefail
deb=$(realpath "$1")
cache=${KJ_IMAGE_CACHE:-/var/tmp/kjournal-image}
mirror=${KJ_DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs=$cache/rootfs-bookworm
if [[ ! -x $rootfs/usr/bin/apt-get ]]; then
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log"; exit 1; }
fi
root=$(mktemp -d /var/tmp/kjournal-chroot.XXXXXX)
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
cp -a "$rootfs/." "$root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/kjournal.deb"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends /tmp/kjournal.deb
in_root kjournal version
in_root kjournal --version
in_root kjournal check-config /etc/kjournal/agent.yaml
in_root dpkg -s kjournal | grep -q '^Status: install ok installed'
in_root apt-get purge -y -qq kjournal
[[ ! -e $root/usr/bin/kjournal && ! -e $root/etc/kjournal/agent.yaml ]]
echo "deb-chroot: 1 passed, 0 failed"
