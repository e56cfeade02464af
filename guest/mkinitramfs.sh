#!/bin/bash
# mkinitramfs.sh OUT.cpio.gz TESTDIR [DEMO.sh]
# busybox-static, util-linux's namespace tools with their libraries, the
# guest init, and every executable in TESTDIR (run in the order of TESTDIR/list).
# For WB_ARCH=arm64: Debian's busybox-static of arm64 (scripts/deps.sh puts it
# in build/arm64/), no util-linux; the test programs are static.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1 tests=$2 demo=${3:-}
arch=${WB_ARCH:-x86_64}
root=$(mktemp -d)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,tests,lib,lib64,root}
case $arch in
x86_64) cp /bin/busybox "$root/bin/busybox" ;;
arm64) cp "$top/build/arm64/busybox" "$root/bin/busybox" ;;
*) echo "mkinitramfs: no busybox for $arch" >&2; exit 1 ;;
esac
# (the host's busybox lists the applets: the arm64 one may not run here)
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
# Real tools (override busybox applets of the same name).
# The shared libraries of a program: ldd, except for x32 programs, which a
# host kernel without x32 support cannot run; theirs are read off the ELF.
libs_of() {
	local f=$1 n d
	if file -L "$f" | grep -q 'ELF 32-bit LSB.*x86-64'; then
		readelf -l "$f" | sed -n 's/.*interpreter: \(.*\)]$/\1/p'
		for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			for d in /libx32 /usr/libx32; do
				[ -e "$d/$n" ] && { echo "$d/$n"; break; }
			done
		done
	else
		ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | sort -u
	fi
}
add_libs() {
	local l
	for l in $(libs_of "$1"); do
		[ -e "$root$l" ] || { mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; }
	done
}
add_bin() {
	cp -L "$1" "$root$2"
	add_libs "$1"
}
# util-linux's tools go to /usr/bin: busybox's shell runs its own applets
# for bare command names, so callers use the absolute paths.
if [ "$arch" = x86_64 ]; then
	for b in unshare nsenter setpriv; do
		add_bin "$(command -v $b)" /usr/bin/$b
	done
fi
install -m 755 "$top/guest/init" "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
if [ -d "$tests" ]; then
	cp -a "$tests"/. "$root/tests/"
	for f in "$root"/tests/*; do
		[ -x "$f" ] && [ -f "$f" ] || continue
		add_libs "$f"
	done
fi
[ -n "$demo" ] && install -m 755 "$demo" "$root/demo.sh"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
