#!/bin/bash
# tests/zdtm/build.sh DEST: CRIU's own test suite, zdtm (issue 14), built
# on the host from the CRIU release in ../shared/vendor (the version Debian
# 12's criu package is), and installed into DEST: zdtm.py, the helpers it
# runs (umount2, zdtm_ct, the cgroup scripts), the zdtm/ directory with the
# test programs of tests/zdtm/list built, and the list. The guest runs them
# with Debian's criu from the root file system (tests/guest/clients/zdtm.sh).
#
# The release is used as it is: nothing of it is changed or copied into the
# workbench. Exit 0 when DEST holds the suite, 3 when ../shared/vendor does
# not have the release (the caller reports SKIP), 1 on a failed build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$1
ver=3.17.1
sum=442b63e9fc5dd3c5e50a2d6be0d22f21e50bd97f4e04f8823174a0e2485d678a
tar=$top/../shared/vendor/criu-$ver.tar.xz
src=$top/build/criu/criu-$ver
log=$top/build/logs/zdtm-build.log
mkdir -p "$top/build/logs"
if [ ! -f "$tar" ]; then
	echo "zdtm: no ../shared/vendor/criu-$ver.tar.xz" >&2
	exit 3
fi
tests=$(sed 's/#.*//' "$top/tests/zdtm/list" | awk 'NF { print $1 }' | sort -u)
stamp=$top/build/criu/stamp
want="$sum $(sha256sum "$0" "$top/tests/zdtm/list" | cut -c1-64 | paste -sd' ')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	have=$(sha256sum "$tar" | cut -d' ' -f1)
	if [ "$have" != "$sum" ]; then
		echo "zdtm: $tar is not the pinned release (sha256 $have)" >&2
		exit 1
	fi
	echo "zdtm: building CRIU $ver's zdtm ($(echo $tests | wc -w) tests; log: build/logs/zdtm-build.log)"
	rm -rf "$top/build/criu"
	mkdir -p "$top/build/criu"
	tar -C "$top/build/criu" -xaf "$tar"
	# The tests link with the zdtm library only; no build dependency of
	# criu itself is needed. -j1 is enough: a few seconds each.
	if ! { make -C "$src/test/zdtm/lib" &&
	       make -C "$src/test/zdtm/static" $tests &&
	       make -C "$src/test" umount2 zdtm_ct; } >"$log" 2>&1; then
		tail -20 "$log" >&2
		echo "zdtm: build failed (log: build/logs/zdtm-build.log)" >&2
		exit 1
	fi
	echo "$want" >"$stamp"
fi
t=$src/test
rm -rf "$dest"
mkdir -p "$dest"
cp -a "$t/zdtm.py" "$t/umount2" "$t/zdtm_ct" "$t/zdtm_mount_cgroups" \
	"$t/zdtm_umount_cgroups" "$dest/"
# zdtm.py starts and stops each test through make (zdtm/static/Makefile:
# NAME.pid, NAME.out), which looks at the library's and the test's objects
# and sources: the whole built zdtm/ directory (5.5 MB), so that make finds
# everything up to date and compiles nothing in the guest.
cp -a "$t/zdtm" "$dest/"
sed 's/#.*//' "$top/tests/zdtm/list" | awk 'NF' >"$dest/list"
