#!/usr/bin/env bash
# Builds the container image (scripts/build-image.sh) and runs the CLI inside it with
# `buildah run`: `kjournal version`, `kjournal --version`, and a query of a small journal
# made here from export format with systemd-journal-remote, as the image's default
# (unprivileged) user. Takes minutes (Debian packages and a full build inside buildah).
# Usage: scripts/test-image.sh [IMAGE_NAME]; KJ_SKIP_BUILD=1 tests an existing image.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^project(kjournal VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=${1:-localhost/kjournal:$version}
buildah=(buildah --storage-driver vfs)
[[ ${KJ_SKIP_BUILD:-0} == 1 ]] || bash scripts/build-image.sh "$image"

work=$(mktemp -d)
ctr=""
cleanup() {
  [[ -z $ctr ]] || "${buildah[@]}" rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
check() {  # check NAME COMMAND...: the command's success is the check
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; fi
}

# The image's configuration: kjournal is the entrypoint, the default user is not root.
config=$("${buildah[@]}" inspect --type image "$image" |
         python3 -c 'import json,sys; c=json.load(sys.stdin)["OCIv1"]["config"]; print(json.dumps(c["Entrypoint"]), c["User"])')
echo "image config: $config"
check "entrypoint is /usr/bin/kjournal" grep -q '^\["/usr/bin/kjournal"\] ' <<<"$config"
check "default user is 65534" grep -q ' 65534:65534$' <<<"$config"

# A journal with two kubelet entries and one other unit (fixed times in 2026-01-01 UTC).
boot=0123456789abcdef0123456789abcdef
entry() {  # entry REALTIME_USEC UNIT PRIORITY MESSAGE
  printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=%s\n' "$1" "$1" "$boot"
  printf '_SYSTEMD_UNIT=%s\nSYSLOG_IDENTIFIER=%s\n_HOSTNAME=node-1\n_PID=42\nPRIORITY=%s\nMESSAGE=%s\n\n' \
    "$2" "${2%.service}" "$3" "$4"
}
{
  entry 1767225600000000 kubelet.service 6 'I0101 00:00:00.000000      42 kubelet.go:100] "Starting kubelet"'
  entry 1767225601000000 kubelet.service 6 'E0101 00:00:01.000000      42 pod_workers.go:1301] "Error syncing pod" pod="default/web-1"'
  entry 1767225602000000 cron.service 6 'unrelated'
} >"$work/fixture.export"
mkdir "$work/fixture"
/lib/systemd/systemd-journal-remote --split-mode=none -o "$work/fixture/fixture.journal" - \
  <"$work/fixture.export"
chmod 0755 "$work/fixture"; chmod 0644 "$work/fixture"/*.journal

ctr=$("${buildah[@]}" from "$image")
"${buildah[@]}" copy "$ctr" "$work/fixture" /fixture >/dev/null
run() { "${buildah[@]}" run --isolation chroot "$ctr" -- "$@"; }

out=$(run /usr/bin/kjournal version 2>&1) || true
echo "$out"
check "kjournal version prints $version" grep -q "$version" <<<"$out"
check "kjournal version names libsystemd 252 or newer" \
  grep -Eq 'libsystemd[ :]*v?(25[2-9]|2[6-9][0-9])' <<<"$out"
out=$(run /usr/bin/kjournal --version 2>&1) || true
check "kjournal --version prints $version" grep -q "$version" <<<"$out"
uid=$(run /usr/bin/id -u 2>&1) || true
check "runs as uid 65534 by default" test "$uid" = 65534

out=$(run /usr/bin/kjournal -D /fixture --since "2025-12-31 00:00:00" --utc -o short-iso 2>&1) || true
echo "$out"
check "query shows the kubelet entries" grep -q 'Starting kubelet' <<<"$out"
check "query normalizes the klog E line to ERROR" grep -q 'ERROR.*Error syncing pod' <<<"$out"
check "query leaves out other units" bash -c "! grep -q unrelated <<<'$out'"
out=$(run /usr/bin/kjournal -D /fixture --since "2026-01-01 00:00:01" --utc -p err -o json 2>&1) || true
echo "$out"
check "--since and -p select one JSON record" bash -c "[[ \$(grep -c '\"severity\":\"error\"' <<<'$out') == 1 ]]"

echo "image: $passed passed, $failed failed"
((failed == 0))
