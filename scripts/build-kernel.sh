#!/bin/bash
# build-kernel.sh NAME SRCDIR FRAGMENT...
# Out-of-tree build of SRCDIR in build/out/NAME: tinyconfig + configs/guest.config
# + the given fragments, with ccache. Reuses what is built; checks that every
# option a fragment asks for is what the final .config has.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
name=$1 src=$2; shift 2
out=$top/build/out/$name
mkdir -p "$out" "$top/build/logs"
log=$top/build/logs/build-$name.log
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="2024-01-01" KBUILD_BUILD_USER=timens KBUILD_BUILD_HOST=workbench
mk() { make -s -C "$src" O="$out" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

frags=("$top/configs/guest.config" "$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/o"
make -s -C "$src" O="$tmp/o" tinyconfig >/dev/null
cat "${frags[@]}" > "$tmp/frag"
KCONFIG_CONFIG="$tmp/o/.config" "$src/scripts/kconfig/merge_config.sh" -m -O "$tmp/o" \
	"$tmp/o/.config" "$tmp/frag" >/dev/null
make -s -C "$src" O="$tmp/o" olddefconfig >/dev/null
# Every CONFIG_X=y / "is not set" line of the fragments must hold.
bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*) opt=${line%%=*}; val=${line#*=}
		have=$(grep -E "^$opt=|^# $opt is not set" "$tmp/o/.config" || true)
		if [ "$val" = n ]; then
			[ -z "$have" ] || [ "$have" = "# $opt is not set" ] || { echo "config: $opt wanted n, got $have" >&2; bad=1; }
		else
			[ "$have" = "$line" ] || { echo "config: wanted $line, got '${have:-unset}'" >&2; bad=1; }
		fi ;;
	"# CONFIG_"*" is not set") opt=$(echo "$line" | awk '{print $2}')
		if grep -q "^$opt=" "$tmp/o/.config"; then echo "config: $opt wanted unset" >&2; bad=1; fi ;;
	esac
done < <(cat "$@" /dev/null)
[ $bad = 0 ] || { echo "build-kernel: $name: the config does not hold what the fragments ask" >&2; exit 1; }
if ! cmp -s "$tmp/o/.config" "$out/.config"; then
	cp "$tmp/o/.config" "$out/.config"
fi
echo "build: $name ($(basename "$src")) -> build/out/$name (log: build/logs/build-$name.log)"
if ! mk -j"$(( $(nproc) + 1 ))" bzImage >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "build-kernel: $name FAILED (full log: $log)" >&2
	exit 1
fi
grep -E 'warning:|error:' "$log" | head -20 || true
