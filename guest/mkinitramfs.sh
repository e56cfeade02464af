#!/bin/bash
# mkinitramfs.sh OUT.cpio.gz TESTDIR [DEMO.sh]
# busybox-static, util-linux's namespace tools with their libraries, the
# guest init, and every executable in TESTDIR (run in the order of TESTDIR/list).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1 tests=$2 demo=${3:-}
root=$(mktemp -d)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,tests,lib,lib64,root}
cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
# Real tools (override busybox applets of the same name).
add_bin() {
	local f=$1 dst=$2 l
	cp -L "$f" "$root$dst"
	for l in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
		[ -e "$root$l" ] || { mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; }
	done
}
# util-linux's tools go to /usr/bin: busybox's shell runs its own applets
# for bare command names, so callers use the absolute paths.
for b in unshare nsenter setpriv; do
	add_bin "$(command -v $b)" /usr/bin/$b
done
install -m 755 "$top/guest/init" "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
if [ -d "$tests" ]; then
	cp -a "$tests"/. "$root/tests/"
	for f in "$root"/tests/*; do
		[ -x "$f" ] && [ -f "$f" ] || continue
		for l in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
			[ -e "$root$l" ] || { mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; }
		done
	done
fi
[ -n "$demo" ] && install -m 755 "$demo" "$root/demo.sh"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
