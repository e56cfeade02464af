#!/bin/bash
# Install what the workbench needs (Debian 12): the one list of every target's
# packages (kernels, guests, rootfs, the host-path check, bench). Idempotent
# and quiet when done.
set -euo pipefail
want="linux-source-6.1 qemu-system-x86 busybox-static ccache flex bison bc
libelf-dev libssl-dev sparse gcc-12-multilib cpio xz-utils rsync kmod dwarves
util-linux git make gcc perl python3 python3-ply python3-git file binutils libc6-dev-x32 debootstrap e2fsprogs
unifdef debian-archive-keyring gdb valgrind linux-config-6.1 openssl
gcc-12-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-user-static"
pin=$(cat "$(dirname "$0")/../base/VERSION")
missing=
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
# The kernel source and Debian's config of it are the pinned release
# (base/VERSION): another version installed counts as missing while the
# pinned one is served.
for p in linux-source-6.1 linux-config-6.1; do
	case " $missing " in *" $p "*) continue ;; esac
	[ "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null)" = "$pin" ] && continue
	if apt-cache madison "$p" 2>/dev/null | awk '{print $3}' | grep -qx "$pin"; then
		missing="$missing $p"
	fi
done
export DEBIAN_FRONTEND=noninteractive
# Debian's gcc-multilib (-m32, -mx32) and gcc-aarch64-linux-gnu conflict over
# one file, the symlink /usr/include/asm: take the versioned packages, which
# do not, and make the two links the unversioned ones would.
links() {
	[ -e /usr/include/asm ] || ln -s x86_64-linux-gnu/asm /usr/include/asm
	[ -e /usr/local/bin/aarch64-linux-gnu-gcc ] ||
		ln -s /usr/bin/aarch64-linux-gnu-gcc-12 /usr/local/bin/aarch64-linux-gnu-gcc
}
# The arm64 guests' busybox: Debian's busybox-static for arm64, unpacked
# into build/arm64/ (not installed), from the arm64 package lists.
arm64_busybox() {
	local top d bb
	top=$(cd "$(dirname "$0")/.." && pwd)
	bb=$top/build/arm64/busybox
	[ -x "$bb" ] && return 0
	echo "deps: fetching busybox-static:arm64"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt-get update -qq
	fi
	d=$(mktemp -d)
	(cd "$d" && apt-get download -qq busybox-static:arm64 >/dev/null 2>&1) ||
		{ apt-get update -qq; (cd "$d" && apt-get download -qq busybox-static:arm64 >/dev/null); }
	dpkg-deb -x "$d"/busybox-static_*_arm64.deb "$d/x"
	mkdir -p "$(dirname "$bb")"
	install -m 755 "$d/x/bin/busybox" "$bb"
	rm -rf "$d"
}
if [ -z "$missing" ]; then
	links
	arm64_busybox
	exit 0
fi
echo "deps: installing$missing"
apt-get update -qq
pkgs=
for p in $missing; do
	if [ "$p" = linux-source-6.1 ] || [ "$p" = linux-config-6.1 ]; then
		if apt-cache madison "$p" | awk '{print $3}' | grep -qx "$pin"; then
			p="$p=$pin"
		else
			served=$(apt-cache policy "$p" | awk '/Candidate/ {print $2}')
			echo "##########################################################" >&2
			echo "WARNING: pinned $p $pin is not served any more;" >&2
			echo "WARNING: using the served version $served instead."             >&2
			echo "##########################################################" >&2
		fi
	fi
	pkgs="$pkgs $p"
done
apt-get install -y -qq --allow-downgrades --no-install-recommends $pkgs >/dev/null
links
arm64_busybox
