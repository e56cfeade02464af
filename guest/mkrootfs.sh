#!/bin/bash
# mkrootfs.sh: the root file system of the series-clients guest (issue 8):
# Debian 12 (bookworm) minbase with the real container tools, criu and crun,
# debootstrap'd into build/rootfs/, then an ext4 image build/rootfs.img made
# with `mkfs.ext4 -d` (no loop mount). The guest attaches it as a virtio disk
# with snapshot=on, so the image is never changed by a boot.
# Cached: rebuilt only when this script (and so the package list) changes.
# Needs root (debootstrap). Takes about 2 minutes and ~150 MB.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=$top/build/rootfs
img=$top/build/rootfs.img
stamp=$top/build/rootfs.stamp
suite=bookworm
# python3-yaml, python-is-python3, make: zdtm.py (CRIU's test suite,
# tests/guest/clients/zdtm.sh; zdtm_ct runs it as python, it runs the tests
# through make);
# lxc: tests/guest/clients/lxc-timens.sh (its busybox template)
pkgs=criu,crun,lxc,util-linux,busybox-static,iproute2,procps,python3-yaml,python-is-python3,make
hash=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$img" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
	exit 0
fi
# The mirror apt uses here (deb822 or one-line sources), else Debian's.
mirror=${WB_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }')}
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
	/etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
missing=
command -v debootstrap >/dev/null || missing="$missing debootstrap"
command -v mkfs.ext4 >/dev/null || missing="$missing e2fsprogs"
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || missing="$missing debian-archive-keyring"
if [ -n "$missing" ]; then
	echo "rootfs: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
mkdir -p "$top/build/logs"
log=$top/build/logs/rootfs.log
echo "rootfs: debootstrap $suite minbase + $pkgs from $mirror (log: build/logs/rootfs.log)"
t0=$(date +%s)
rm -rf "$root" "$img" "$stamp"
if ! debootstrap --variant=minbase --include="$pkgs" "$suite" "$root" "$mirror" >"$log" 2>&1; then
	tail -20 "$log" >&2
	echo "rootfs: debootstrap failed (log: $log)" >&2
	exit 1
fi
# Smaller image: no package cache, no lists, no docs.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
	"$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
echo "wb-clients" >"$root/etc/hostname"
mkdir -p "$root/wb"
{ echo "criu $(chroot "$root" dpkg-query -W -f='${Version}' criu)"
  echo "crun $(chroot "$root" dpkg-query -W -f='${Version}' crun)"
  echo "lxc $(chroot "$root" dpkg-query -W -f='${Version}' lxc)"
  echo "util-linux $(chroot "$root" dpkg-query -W -f='${Version}' util-linux)"; } >"$root/etc/wb-versions"
# Image: the tree plus 256 MB of room for the tests (dumps, bundles).
mb=$(( $(du -sm "$root" | cut -f1) + 256 ))
if ! mkfs.ext4 -q -F -L wb-rootfs -d "$root" "$img.tmp" "${mb}M" >>"$log" 2>&1; then
	tail -20 "$log" >&2
	echo "rootfs: mkfs.ext4 -d failed (log: $log)" >&2
	exit 1
fi
mv "$img.tmp" "$img"
echo "$hash" >"$stamp"
echo "rootfs: build/rootfs.img (${mb} MB; $(cat "$root/etc/wb-versions" | tr '\n' ' ')) in $(( $(date +%s) - t0 ))s"
