#!/bin/sh
# Installed in the guest's /tests as criu-timens and crun-timens: runs
# /tests/clients/<own name>.sh with bash in the root file system of the
# virtio disk /dev/vda (Debian 12 with criu and crun, guest/mkrootfs.sh).
# The disk is attached with snapshot=on: nothing written here survives.
# ktap.sh (/tests/ktap.sh) is copied next to the script (/wb in the rootfs).
ktap=${KTAP_SH:-$(dirname "$0")/ktap.sh}
. "$ktap" || exit 1
R=/mnt/rootfs
name=$(basename "$0")
fail() {
	ktap_not_ok "${name}_rootfs" "$1"
	ktap_finish
}
if ! grep -q " $R " /proc/mounts; then
	[ -b /dev/vda ] || fail "no /dev/vda: boot without the rootfs disk (WB_DISK)"
	mkdir -p "$R"
	mount -t ext4 /dev/vda "$R" || fail "cannot mount /dev/vda as ext4"
	mount -o rbind /proc "$R/proc" && mount -o rbind /sys "$R/sys" &&
		mount -o rbind /dev "$R/dev" || fail "cannot bind /proc, /sys, /dev"
	mount -t tmpfs tmpfs "$R/tmp" && mount -t tmpfs tmpfs "$R/run" ||
		fail "cannot mount /tmp, /run"
	# crun's cgroupfs manager: cgroup v2 (not part of the tests)
	mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup" 2>/dev/null
	# criu binds TCP sockets to 127.0.0.1 to probe the kernel
	ip link set lo up || fail "cannot bring up lo"
fi
rm -rf "$R/wb" && mkdir -p "$R/wb" && cp -a /tests/clients/. "$R/wb/" &&
	cp "$ktap" "$R/wb/ktap.sh" ||
	fail "cannot copy the test programs into the rootfs"
# In a mount namespace of its own, the disk is moved onto / (as switch_root
# does), so that it is the root of the namespace and not only of a chroot:
# `crun exec` joins the container's mount namespace with setns(), which sets
# the root to what is mounted on the namespace's /; under a plain chroot that
# is the initramfs, not the container.
# (The chrooted script finds ktap.sh next to it, as /wb/ktap.sh.)
unset KTAP_SH
exec /usr/bin/unshare --mount --propagation private /bin/sh -c \
	"cd $R && mount --move . / && exec chroot . /bin/bash /wb/$name.sh"
