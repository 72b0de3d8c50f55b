#!/usr/bin/env bash
# Builds the kjournal container image with buildah, without any image registry:
#   1. a Debian 12 base image made locally: debootstrap --variant=minbase bookworm, then
#      buildah commit (cached: made once, reused until KJ_REBUILD_BASE=1);
#   2. the Dockerfile's two stages, both FROM that base (build arg BASE_IMAGE).
# Needs root, buildah, debootstrap and the Debian mirror (apt inside the build).
# Usage: scripts/build-image.sh [IMAGE_NAME]   (default localhost/kjournal:<version>)
# Environment: KJ_IMAGE_CACHE (default /var/tmp/kjournal-image) holds the base root file
# system; KJ_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^project(kjournal VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=${1:-localhost/kjournal:$version}
base=localhost/kjournal-base:bookworm
cache=${KJ_IMAGE_CACHE:-/var/tmp/kjournal-image}
mirror=${KJ_DEBIAN_MIRROR:-http://deb.debian.org/debian}
buildah=(buildah --storage-driver vfs)

if [[ ${KJ_REBUILD_BASE:-0} == 1 ]] || ! "${buildah[@]}" inspect --type image "$base" >/dev/null 2>&1; then
  rootfs=$cache/rootfs-bookworm
  if [[ ! -x $rootfs/usr/bin/apt-get || ${KJ_REBUILD_BASE:-0} == 1 ]]; then
    echo "build-image: debootstrap --variant=minbase bookworm $rootfs"
    rm -rf "$rootfs"
    mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
      { tail -20 "$cache/debootstrap.log"; exit 1; }
  fi
  echo "build-image: committing $base"
  ctr=$("${buildah[@]}" from scratch)
  mnt=$("${buildah[@]}" mount "$ctr")
  # A base image carries no host identity and no apt caches.
  tar -C "$rootfs" --exclude=./var/cache/apt/archives/*.deb --exclude=./var/lib/apt/lists/* \
      --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -cf - . | tar -C "$mnt" -xpf -
  : >"$mnt/etc/machine-id"
  "${buildah[@]}" umount "$ctr" >/dev/null
  "${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --cmd /bin/bash --label org.opencontainers.image.base.name=debian:bookworm "$ctr"
  "${buildah[@]}" commit --rm "$ctr" "$base" >/dev/null
fi

echo "build-image: building $image FROM $base"
"${buildah[@]}" bud --isolation chroot --layers \
    --build-arg BASE_IMAGE="$base" --build-arg VERSION="$version" \
    -t "$image" -f Dockerfile .
echo "build-image: $image"
