#!/bin/bash
# Install what the workbench needs (Debian 12): the one list of every target's
# packages (kernels, guests, rootfs, the host-path check, bench). Idempotent
# and quiet when done.
set -euo pipefail
want="linux-source-6.1 qemu-system-x86 busybox-static ccache flex bison bc
libelf-dev libssl-dev sparse gcc-multilib cpio xz-utils rsync kmod dwarves
util-linux git make gcc perl python3 python3-ply python3-git file binutils libc6-dev-x32 debootstrap e2fsprogs
unifdef debian-archive-keyring gdb valgrind"
missing=
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
pin=$(cat "$(dirname "$0")/../base/VERSION")
pkgs=
for p in $missing; do
	if [ "$p" = linux-source-6.1 ]; then
		if apt-cache madison linux-source-6.1 | awk '{print $3}' | grep -qx "$pin"; then
			p="linux-source-6.1=$pin"
		else
			served=$(apt-cache policy linux-source-6.1 | awk '/Candidate/ {print $2}')
			echo "##########################################################" >&2
			echo "WARNING: pinned linux-source-6.1 $pin is not served any more;" >&2
			echo "WARNING: using the served version $served instead."             >&2
			echo "##########################################################" >&2
		fi
	fi
	pkgs="$pkgs $p"
done
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
