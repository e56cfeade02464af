#!/bin/bash
# build-kernel.sh NAME SRCDIR FRAGMENT...
# Out-of-tree build of SRCDIR in build/out/NAME for the architecture WB_ARCH
# (a row of configs/arches, default x86_64): tinyconfig + the arch's guest
# fragment (configs/guest.config on x86_64) + the given fragments, with
# ccache, cross-compiled where the arch says so. Reuses what is built; checks
# that every option the fragments (the guest one included) ask for is what
# the final .config has. Usually called through vbuild of scripts/variants.sh.
#
# WB_BASECONFIG=FILE (a distribution's config, .xz or plain): start from it
# instead, its modules turned off (make mod2noconfig), and apply the given
# fragments only, not the arch's guest fragment. WB_MAKE=TARGET: build that
# make target instead of the kernel image (arch/x86/entry/vdso/: the vDSO
# images alone).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
name=$1 src=$2; shift 2
# shellcheck source=variants.sh
source "$top/scripts/variants.sh"
arch=${WB_ARCH:-x86_64}
karch=$(aget "$arch" karch) && cross=$(aget "$arch" cross) && gfrag=$(aget "$arch" guest) &&
	image=$(aget "$arch" image) || exit 1
target=${WB_MAKE:-$(basename "$image")}
out=$top/build/out/$name
mkdir -p "$out" "$top/build/logs"
log=$top/build/logs/build-$name.log
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="2024-01-01" KBUILD_BUILD_USER=timens KBUILD_BUILD_HOST=workbench
mk() { make -s -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" \
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "$@"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/o"
if [ -n "${WB_BASECONFIG:-}" ]; then
	frags=("$@")
	[ -f "$WB_BASECONFIG" ] || { echo "build-kernel: $name: no $WB_BASECONFIG" >&2; exit 1; }
	case $WB_BASECONFIG in
	*.xz) xz -dc "$WB_BASECONFIG" >"$tmp/o/.config" ;;
	*) cp "$WB_BASECONFIG" "$tmp/o/.config" ;;
	esac
	make -s -C "$src" O="$tmp/o" ARCH="$karch" CROSS_COMPILE="$cross" olddefconfig >/dev/null
	make -s -C "$src" O="$tmp/o" ARCH="$karch" CROSS_COMPILE="$cross" mod2noconfig >/dev/null
else
	frags=("$top/configs/$gfrag.config" "$@")
	make -s -C "$src" O="$tmp/o" ARCH="$karch" CROSS_COMPILE="$cross" tinyconfig >/dev/null
fi
cat "${frags[@]}" /dev/null >"$tmp/frag"
ARCH=$karch CROSS_COMPILE=$cross KCONFIG_CONFIG="$tmp/o/.config" "$src/scripts/kconfig/merge_config.sh" -m -O "$tmp/o" \
	"$tmp/o/.config" "$tmp/frag" >/dev/null
make -s -C "$src" O="$tmp/o" ARCH="$karch" CROSS_COMPILE="$cross" olddefconfig >/dev/null
# Every option the fragments name must hold in the final .config, the last
# value of the fragments winning (as kunit_tool's validate_config): "=n" and
# "is not set" both mean absent or "is not set".
bad=0
while read -r opt val; do
	have=$(grep -E "^$opt=|^# $opt is not set" "$tmp/o/.config" || true)
	if [ "$val" = n ]; then
		[ -z "$have" ] || [ "$have" = "# $opt is not set" ] ||
			{ echo "config: $opt wanted n, got $have" >&2; bad=1; }
	else
		[ "$have" = "$opt=$val" ] ||
			{ echo "config: wanted $opt=$val, got '${have:-unset}'" >&2; bad=1; }
	fi
done < <(awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { i = index($0, "="); o = substr($0, 1, i - 1); v[o] = substr($0, i + 1); if (!(o in seen)) { seen[o] = 1; ord[++n] = o } }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { o = $2; v[o] = "n"; if (!(o in seen)) { seen[o] = 1; ord[++n] = o } }
	END { for (i = 1; i <= n; i++) print ord[i], v[ord[i]] }' "${frags[@]}" /dev/null)
[ $bad = 0 ] || { echo "build-kernel: $name: the config does not hold what the fragments ask" >&2; exit 1; }
[ -z "${WB_CONFIG_ONLY:-}" ] || { echo "build-kernel: $name: the config holds every fragment"; exit 0; }
if ! cmp -s "$tmp/o/.config" "$out/.config"; then
	cp "$tmp/o/.config" "$out/.config"
fi
echo "build: $name ($(basename "$src"), $arch) -> build/out/$name (log: build/logs/build-$name.log)"
if ! mk -j"$(( $(nproc) + 1 ))" "$target" >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "build-kernel: $name FAILED (full log: $log)" >&2
	exit 1
fi
grep -E 'warning:|error:' "$log" | head -20 || true
