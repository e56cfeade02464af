#!/bin/bash
# Source this: the kernel variants of configs/variants and the architectures
# of configs/arches, for every script of the workbench.
#
#   variants TARGET          names of the variants whose targets= has TARGET
#                            (only those of WB_ONLY=NAME,NAME... if it is set:
#                            a developer's shortcut, `make check WB_ONLY=series-clients`)
#   vget NAME KEY [DEFAULT]  a field of a variant (tree arch config make frags tests
#                            disk mem timeout slow append targets), DEFAULT where it has none
#   vhas NAME KEY WORD       true if the comma list KEY of NAME holds WORD
#   vsrc NAME                the source tree of NAME (build/linux or a work tree)
#   vfrags NAME              the fragment files of NAME, one per line
#   vout NAME                its build directory, build/out/NAME
#   vimage NAME              its kernel image
#   aget ARCH COLUMN         qemu machine cpu console tport image karch cross
#                            guest cc cs of configs/arches ("-" reads as empty)
wb_top=${wb_top:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
wb_variants=$wb_top/configs/variants
wb_arches=$wb_top/configs/arches

_vline() { # NAME: the line of NAME, or fail loudly
	local l
	l=$(awk -v n="$1" '$1 == n && $1 !~ /^#/' "$wb_variants")
	if [ -z "$l" ]; then
		echo "variants: no variant '$1' in configs/variants" >&2
		return 1
	fi
	echo "$l"
}
variants() {
	awk -v t="$1" -v only="${WB_ONLY:-}" 'BEGIN { n = split(only, o, ","); for (i = 1; i <= n; i++) keep[o[i]] = 1 }
	!/^#/ && NF && (only == "" || $1 in keep) {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^targets=/) {
				n = split(substr($i, 9), a, ",")
				for (j = 1; j <= n; j++) if (a[j] == t) print $1
			}
	}' "$wb_variants"
}
vget() { # NAME KEY [DEFAULT]
	local l v
	l=$(_vline "$1") || return 1
	v=$(echo "$l" | tr ' \t' '\n\n' | sed -n "s/^$2=//p" | tail -1)
	[ -n "$v" ] || v=${3:-}
	[ "$v" = - ] && v=
	echo "$v"
}
vhas() { # NAME KEY WORD
	local v
	v=$(vget "$1" "$2") || return 1
	case ",$v," in *",$3,"*) return 0 ;; esac
	return 1
}
vsrc() {
	local t
	t=$(vget "$1" tree) || return 1
	case $t in
	series) echo "$wb_top/build/linux" ;;
	base | reference) echo "$wb_top/build/wt/$t" ;;
	*) echo "variants: $1: unknown tree '$t'" >&2; return 1 ;;
	esac
}
vfrags() {
	local f fs
	fs=$(vget "$1" frags) || return 1
	for f in ${fs//,/ }; do
		[ -f "$wb_top/configs/$f.config" ] ||
			{ echo "variants: $1: no configs/$f.config" >&2; return 1; }
		echo "$wb_top/configs/$f.config"
	done
}
vout() { echo "$wb_top/build/out/$1"; }
aget() { # ARCH COLUMN
	local col
	case $2 in qemu) col=2 ;; machine) col=3 ;; cpu) col=4 ;; console) col=5 ;; tport) col=6 ;;
	image) col=7 ;; karch) col=8 ;; cross) col=9 ;; guest) col=10 ;; cc) col=11 ;; cs) col=12 ;;
	*) echo "variants: unknown arch column $2" >&2; return 1 ;; esac
	awk -v a="$1" -v c=$col '!/^#/ && $1 == a { print ($c == "-" ? "" : $c); found = 1 } END { exit !found }' "$wb_arches" ||
		{ echo "variants: no arch '$1' in configs/arches" >&2; return 1; }
}
vimage() {
	local a
	a=$(vget "$1" arch x86_64) || return 1
	echo "$(vout "$1")/$(aget "$a" image)"
}
# vbaseconfig NAME: the config file NAME starts from ("" for tinyconfig):
# config=debian is Debian's own (linux-config-6.1) for its architecture
vbaseconfig() {
	local c a
	c=$(vget "$1" config) || return 1
	a=$(vget "$1" arch x86_64) || return 1
	case $c:$a in
	:* | tiny:*) echo ;;
	debian:x86_64) echo /usr/src/linux-config-6.1/config.amd64_none_amd64.xz ;;
	*) echo "variants: $1: no config '$c' for $a" >&2; return 1 ;;
	esac
}
# vmake NAME: the make target of NAME ("" for the kernel image): make=vdso
# is the x86 vDSO images alone (what the host-path check reads of a base)
vmake() {
	local m
	m=$(vget "$1" make) || return 1
	case $m in
	'') echo ;;
	vdso) echo arch/x86/entry/vdso/ ;;
	*) echo "variants: $1: unknown make '$m'" >&2; return 1 ;;
	esac
}
# vbuild NAME: build variant NAME (scripts/build-kernel.sh), log build/logs/build-NAME.log
vbuild() {
	local src frags a bc mt
	src=$(vsrc "$1") || return 1
	frags=$(vfrags "$1") || return 1
	a=$(vget "$1" arch x86_64) || return 1
	bc=$(vbaseconfig "$1") || return 1
	mt=$(vmake "$1") || return 1
	# shellcheck disable=SC2086
	WB_ARCH=$a WB_BASECONFIG=$bc WB_MAKE=$mt bash "$wb_top/scripts/build-kernel.sh" "$1" "$src" $frags
}
