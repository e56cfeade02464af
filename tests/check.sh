#!/bin/bash
# make check: every test. Prints PASS/FAIL/SKIP lines, then "N passed, N failed".
# tests/check.sh distro (make distro-check): the same for the kernels of
# targets=distro (Debian's own config), results in results-distro.txt.
# Logs: build/logs/ (results.txt, build-*.log per kernel, console-*.log and
# tests-*.log per guest boot, VARIANT/PROGRAM.log per guest program).
#
# The kernels and what their guests run come from configs/variants (targets=check):
# each is built (scripts/build-kernel.sh through vbuild), its test programs are
# collected by the tests_KIND functions below for the kinds in its tests= field,
# it boots (guest/boot.sh) and tests/parse-console.py judges its two logs.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
wb_top=$top
# shellcheck source=../scripts/variants.sh
source scripts/variants.sh
logs=$top/build/logs
mkdir -p "$logs"
# make check, make distro-check and make series-check build into the same
# build/out and read build/linux, which series-check moves from patch to
# patch: one at a time.
exec 9>"$top/build/.kernels.lock"
if ! flock -n 9; then
	echo "check: another make check, distro-check or series-check is running in this clone" >&2
	exit 1
fi
wb_target=${1:-check}
case $wb_target in
check) results=$logs/results.txt hp_base=base hp_series=series-y ;;
distro) results=$logs/results-distro.txt hp_base=base-distro hp_series=series-distro ;;
*) echo "check.sh: unknown target '$wb_target' (check or distro)" >&2; exit 2 ;;
esac
: >"$results"
t0=$(date +%s)

say() { echo "check: $*"; }
result() { echo "$*" | tee -a "$results"; }
die() { result "FAIL $1  # $2"; summary; exit 1; }
summary() {
	local p f s
	p=$(grep -c '^PASS' "$results"); f=$(grep -c '^FAIL' "$results"); s=$(grep -c '^SKIP' "$results")
	echo "check: $(( $(date +%s) - t0 ))s; logs in build/logs/ ($(basename "$results"), console-*.log, tests-*.log)"
	grep '^FAIL' "$results" | sed 's/^/check: failed: /'
	[ -z "${WB_ONLY:-}" ] || echo "check: only the kernels $WB_ONLY (WB_ONLY): not the whole of make check"
	echo "$p passed, $f failed, $s skipped"
}

# --- 0. The judge judged: parse-console.py against its fixture logs ---------
bash tests/parser/run.sh | tee -a "$results"

bash scripts/prepare.sh || die prepare "scripts/prepare.sh failed"
kt=$top/build/linux

# --- 1. The trees ----------------------------------------------------------
pat='(^|[^a-z_])timens|time_namespace|CLONE_NEWTIME|\bTIME_NS\b|time_for_children|TIME_NAMESPACES|time_namespaces|VDSO_TIME_NS|CLOCKMODE_TIMENS|->time_ns\b|\.time_ns\b'
n=$(git -C "$kt" grep -lE "$pat" reference -- . ':!drivers' ':!include/acpi' | wc -l)
[ "$n" -gt 60 ] && result "PASS host/trees/reference-has-timens  # $n files" ||
	result "FAIL host/trees/reference-has-timens  # only $n files match at reference"
n=$(git -C "$kt" grep -nE "$pat" base -- . ':!drivers' ':!include/acpi' | wc -l)
[ "$n" -eq 0 ] && result "PASS host/trees/base-has-no-timens" ||
	result "FAIL host/trees/base-has-no-timens  # $n lines match at base"
nser=$(git -C "$kt" rev-list --count base..series)
if git -C "$kt" diff --quiet base series -- ':!tools/testing/selftests/timens' && [ "$nser" -gt 0 ]; then
	result "FAIL host/trees/series-applies  # series is empty"
else
	result "PASS host/trees/series-applies  # $nser patches on base"
fi

# --- 2. Kernels --------------------------------------------------------------
declare -A built
wb_only=${WB_ONLY:-}
for v in ${wb_only//,/ }; do
	vget "$v" tree >/dev/null || die "WB_ONLY" "no variant '$v' in configs/variants"
done
for v in $(variants "$wb_target"); do
	if vbuild "$v"; then
		result "PASS build/$v"
		built[$v]=1
	else
		result "FAIL build/$v  # see build/logs/build-$v.log"
	fi
done

# The vDSO host path: a task outside any time namespace must not execute
# more in the series (TIME_NS=y) than in base. Single-stepped on this CPU.
hplog=vdso-host-path.log
[ "$wb_target" = check ] || hplog=vdso-host-path-$wb_target.log
if [ -n "${built[$hp_base]:-}" ] && [ -n "${built[$hp_series]:-}" ]; then
	say "vDSO host path: $hp_base against $hp_series (log: build/logs/$hplog)"
	bash tests/vdso-host-path/check.sh "$(vout "$hp_base")" "$(vout "$hp_series")" "$logs/$hplog" | tee -a "$results"
elif [ -n "${WB_ONLY:-}" ]; then
	say "vDSO host path: not run (WB_ONLY=$WB_ONLY leaves out $hp_base or $hp_series)"
else
	result "FAIL vdso-host-path/run  # $hp_base or $hp_series did not build"
fi
# make check: once more on the vDSO images of Debian's config (built alone,
# -O2 as distributions compile it), where no allowance holds.
if [ "$wb_target" = check ]; then
	if [ -n "${built[base-distro]:-}" ] && [ -n "${built[series-vdso-distro]:-}" ]; then
		say "vDSO host path, Debian's config: base-distro against series-vdso-distro (log: build/logs/vdso-host-path-debian.log)"
		bash tests/vdso-host-path/check.sh "$(vout base-distro)" "$(vout series-vdso-distro)" \
			"$logs/vdso-host-path-debian.log" vdso-host-path-debian /dev/null | tee -a "$results"
	elif [ -z "${WB_ONLY:-}" ]; then
		result "FAIL vdso-host-path-debian/run  # base-distro or series-vdso-distro did not build"
	fi
fi

# --- 3. Guest test programs --------------------------------------------------
# tests_KIND TESTDIR VARIANT: put the programs of KIND into TESTDIR and their
# names into TESTDIR/list, in the order the guest runs them. 1 if one failed
# to build (its FAIL line is written).
ksft=$kt/tools/testing/selftests
cflags="-O2 -g -Wall -I$ksft"
tlog=$logs/tests-build.log
: >"$tlog"
# The compiler of the variant being collected (configs/arches: cc), static
# for a foreign architecture, set by the loop at the end: cc_cur, ldstatic,
# arch_cur, karch_cur, cross_cur.
mkprog() { # mkprog OUTDIR NAME SRC [extra cflags]
	local o=$1 nm=$2 src=$3; shift 3
	$cc_cur $cflags $ldstatic "$@" -o "$o/$nm" "$src" >>"$tlog" 2>&1 ||
		{ result "FAIL tests-build/$nm  # see build/logs/tests-build.log"; return 1; }
	echo "$nm" >>"$o/list"
}
# ksft_install SRCDIR KBUILD_OUT DEST TARGET: kselftest's own build and
# install of TARGET (make install INSTALL_PATH=...), with the uapi headers of
# the kernel built in KBUILD_OUT.
ksft_install() {
	local src=$1 kout=$2 dest=$3 target=$4
	make -s -C "$kt" O="$kout" ARCH="$karch_cur" headers >>"$tlog" 2>&1 || return 1
	rm -rf "$dest"
	make -C "$src/tools/testing/selftests" TARGETS="$target" BUILD="$dest.build" \
		ARCH="$karch_cur" CROSS_COMPILE="$cross_cur" ${ldstatic:+LDFLAGS=$ldstatic} \
		KHDR_INCLUDES="-isystem $kout/usr/include" INSTALL_PATH="$dest" install \
		>>"$tlog" 2>&1
}
# ksft_add DEST TARGET TD PREFIX [PROG...]: the programs of kselftest-list.txt
# (or just PROG...) into TD as PREFIX+name.
ksft_add() {
	local dest=$1 target=$2 td=$3 prefix=$4 p; shift 4
	for p in ${*:-$(sed -n "s/^$target://p" "$dest/kselftest-list.txt")}; do
		# An x32 program cannot even start on a kernel without the x32 ABI.
		if [ "$p" = clocks_x32 ] && ! grep -q '^CONFIG_X86_X32_ABI=y' "$kout_cur/.config"; then
			result "SKIP $(basename "$td")/clocks_x32  # the kernel has no x32 ABI"
			continue
		fi
		cp "$dest/$target/$p" "$td/$prefix$p" && echo "$prefix$p" >>"$td/list"
	done
}

tests_no_timens() { mkprog "$1" no_timens tests/guest/no_timens.c; }

# The series' own selftests (tools/testing/selftests/timens of branch series).
tests_selftests() {
	local td=$1 v=$2
	kout_cur=$(vout "$v")
	if [ ! -d "$ksft/timens" ]; then
		# patches/ adds them: their absence from the tree is a failure
		# (a branch series not at its tip, e.g. one left by series-check).
		if grep -qs '^+++ b/tools/testing/selftests/timens/' "$top"/patches/*.patch; then
			result "FAIL $v/timens-selftests  # build/linux has no tools/testing/selftests/timens, patches/ adds it"
			return 1
		fi
		result "SKIP $v/timens-selftests  # the series has no selftests yet"
		return 0
	fi
	if ! ksft_install "$kt" "$kout_cur" "$td/.ksft" timens; then
		result "FAIL tests-build/timens-selftests  # see build/logs/tests-build.log"
		return 1
	fi
	ksft_add "$td/.ksft" timens "$td" ""
	# The series' pidfd_setns_test, with its time namespace cases; its
	# fixture makes a namespace of every type, so it needs IPC namespaces.
	if ! grep -q '^CONFIG_IPC_NS=y' "$kout_cur/.config"; then
		result "SKIP $v/pidfd_setns_test  # the kernel has no IPC namespaces, which its fixture needs"
	elif ! ksft_install "$kt" "$kout_cur" "$td/.pidfd" pidfd; then
		result "FAIL tests-build/pidfd-selftests  # see build/logs/tests-build.log"
		return 1
	else
		ksft_add "$td/.pidfd" pidfd "$td" "" pidfd_setns_test
	fi
}

# The selftests of tag reference, as their users run them against any
# kernel: timens and pidfd_setns_test, built from the reference tree with the
# series' uapi headers, named ref-*.
tests_ref_selftests() {
	local td=$1 v=$2 rt=$top/build/wt/reference
	kout_cur=$(vout "$v")
	if ! ksft_install "$rt" "$kout_cur" "$td/.ref-timens" timens ||
	   ! ksft_install "$rt" "$kout_cur" "$td/.ref-pidfd" pidfd; then
		result "FAIL tests-build/reference-selftests  # see build/logs/tests-build.log"
		return 1
	fi
	ksft_add "$td/.ref-timens" timens "$td" ref-
	ksft_add "$td/.ref-pidfd" pidfd "$td" ref- pidfd_setns_test
}

# util-linux's unshare and nsenter, as users run them.
tests_util_linux() {
	local td=$1
	gcc -O2 -Wall -o "$td/clk" tests/guest/clk.c >>"$tlog" 2>&1 ||
		{ result "FAIL tests-build/clk  # see build/logs/tests-build.log"; return 1; }
	install -m 755 tests/guest/util-linux.sh "$td/util-linux" && echo util-linux >>"$td/list"
}

# Bad input, random sequences, races, lifetime and limits.
tests_fuzz() {
	local td=$1 p rc=0
	for p in fuzz_offsets fuzz_sequence timens_races timens_lifetime timens_exit_order; do
		mkprog "$td" "$p" "tests/guest/$p.c" -lpthread || rc=1
	done
	return $rc
}

# The vDSO instructions of one call, single-stepped from a parent, in a
# task outside any time namespace, in one with zero offsets (must be the
# same: the real data page at the VVAR slot) and in one with offsets (must
# differ: the check tells the paths apart); x86_64 and the ia32 vDSO.
tests_vdso_steps() {
	local td=$1 rc=0
	mkprog "$td" vdso_steps tests/guest/vdso_steps.c || rc=1
	if [ "$arch_cur" = x86_64 ]; then
		mkprog "$td" vdso_steps_32 tests/guest/vdso_steps.c -m32 || rc=1
	fi
	return $rc
}

# Debian 12's criu and crun from a root file system disk (guest/mkrootfs.sh,
# cached), the tests chrooted into it.
tests_clients() {
	local td=$1 t
	if ! bash guest/mkrootfs.sh; then
		result "FAIL $2/rootfs  # guest/mkrootfs.sh failed, see build/logs/rootfs.log"
		return 1
	fi
	mkdir -p "$td/clients"
	gcc -O2 -Wall -static -o "$td/clients/clockloop" tests/guest/clients/clockloop.c >>"$tlog" 2>&1 ||
		{ result "FAIL tests-build/clockloop  # see build/logs/tests-build.log"; return 1; }
	# vdso_steps for the zero-offset container of crun-timens
	gcc $cflags -static -o "$td/clients/vdso_steps" tests/guest/vdso_steps.c >>"$tlog" 2>&1 ||
		{ result "FAIL tests-build/clients-vdso_steps  # see build/logs/tests-build.log"; return 1; }
	cp tests/guest/clients/criu-timens.sh tests/guest/clients/crun-timens.sh \
		tests/guest/clients/lxc-timens.sh tests/guest/clients/zdtm.sh "$td/clients/"
	for t in criu-timens crun-timens lxc-timens; do
		install -m 755 tests/guest/clients/run-in-rootfs.sh "$td/$t" && echo $t >>"$td/list"
	done
	# CRIU's zdtm from ../shared/vendor: a program zdtm-NAME for each test
	# of tests/zdtm/list; without the release one program zdtm, which
	# reports SKIP with the reason.
	local zrc=0 zt
	bash tests/zdtm/build.sh "$td/clients/zdtm" || zrc=$?
	if [ $zrc = 3 ]; then
		install -m 755 tests/guest/clients/run-in-rootfs.sh "$td/zdtm" && echo zdtm >>"$td/list"
		return 0
	elif [ $zrc != 0 ]; then
		result "FAIL tests-build/zdtm  # tests/zdtm/build.sh failed ($zrc), see build/logs/zdtm-build.log"
		return 1
	fi
	for zt in $(awk '{ print $1 }' "$td/clients/zdtm/list"); do
		ln -sf zdtm.sh "$td/clients/zdtm-$zt.sh"
		install -m 755 tests/guest/clients/run-in-rootfs.sh "$td/zdtm-$zt" && echo "zdtm-$zt" >>"$td/list"
	done
}

# The restore on another host: migrant moved by criu from one boot of the
# variant to the next (migrate_boots), after the boot of its other programs.
# Needs the kind clients before it (the rootfs, clockloop).
tests_migrate() {
	local td=$1 r
	[ -x "$td/clients/clockloop" ] || { result "FAIL $2/migrate  # needs the kind clients before it"; return 1; }
	gcc -O2 -Wall -static -o "$td/clients/migrant" tests/guest/clients/migrant.c >>"$tlog" 2>&1 ||
		{ result "FAIL tests-build/migrant  # see build/logs/tests-build.log"; return 1; }
	cp tests/guest/clients/migrate.sh "$td/clients/"
	for r in a b c; do
		ln -sf migrate.sh "$td/clients/migrate-$r.sh"
		install -m 755 tests/guest/clients/run-in-rootfs.sh "$td/migrate-$r"
		echo migrate-$r >"$td/list-migrate-$r"
	done
}

# kmemleak: cleared before the first program, scanned after the last.
tests_kmemleak() {
	local td=$1
	install -m 755 tests/guest/kmemleak.sh "$td/kmemleak"
	printf '#!/bin/sh\nexec /tests/kmemleak clear\n' >"$td/kmemleak-clear"
	chmod 755 "$td/kmemleak-clear"
	echo kmemleak-clear | cat - "$td/list" >"$td/list.new" && mv "$td/list.new" "$td/list"
	echo kmemleak >>"$td/list"
}

# boot_and_parse VARIANT TESTDIR [LIST]: boot VARIANT with the programs of
# TESTDIR/list, or of TESTDIR/LIST from the initramfs the first boot made
# (a further boot: LIST list-NAME has the results VARIANT-NAME/..., the logs
# console-VARIANT-NAME.log, tests-...; the disk of WB_DISK2 attached as
# /dev/vdb if it is set).
boot_and_parse() {
	local v=$1 td=$2 list=${3:-list} img=$top/build/guest/$1.cpio.gz sfx=
	local clog glog slow mem to disk rc=0
	[ "$list" = list ] || sfx=-${list#list-}
	clog=$logs/console-$v$sfx.log glog=$logs/tests-$v$sfx.log
	slow=$(vget "$v" slow 1) mem=$(vget "$v" mem 1024) to=$(vget "$v" timeout 900)
	mkdir -p "$top/build/guest"
	if [ "$list" = list ]; then
		cp tests/guest/ktap.sh "$td/ktap.sh"
		rm -f "$img"
		WB_ARCH=$arch_cur bash guest/mkinitramfs.sh "$img" "$td" || { result "FAIL $v/initramfs"; return; }
		rm -rf "${logs:?}/$v"
	fi
	disk=
	[ "$(vget "$v" disk)" = rootfs ] && disk=$top/build/rootfs.img
	say "booting $v$sfx (console: build/logs/console-$v$sfx.log, tests: build/logs/tests-$v$sfx.log)"
	WB_DISK=$disk WB_MEM=$mem WB_TESTLOG=$glog WB_ARCH=$(vget "$v" arch x86_64) \
		WB_APPEND="wb.timeout=$((120 * slow)) wb.slow=$slow wb.list=$list $(vget "$v" append)" \
		bash guest/boot.sh "$(vimage "$v")" "$img" check "$clog" "$to" || rc=$?
	say "$v$sfx: guest done (boot.sh exit $rc) after $(( $(date +%s) - t0 ))s"
	python3 tests/parse-console.py --console "$clog" --tests "$glog" --label "$v$sfx" \
		--clocksource "$(aget "$arch_cur" cs)" --logdir "$logs/$v$sfx" $(cat "$td/$list") | tee -a "$results"
}

# The restore on another host (tests/guest/clients/migrate.sh): three boots
# one after the other, a fresh disk written through between them.
migrate_boots() { # VARIANT TESTDIR
	local r d=$top/build/guest/migrate-$1.img
	[ -f "$top/build/guest/$1.cpio.gz" ] || return	# its initramfs FAILed
	rm -f "$d"
	rm -rf "${logs:?}/$1"-migrate-?
	if ! { truncate -s 64M "$d" && mkfs.ext4 -q -F -L wb-migrate "$d"; } >>"$tlog" 2>&1; then
		result "FAIL $1/migrate-disk  # mkfs.ext4 failed, see build/logs/tests-build.log"
		return
	fi
	for r in a b c; do
		WB_DISK2=$d boot_and_parse "$1" "$2" list-migrate-$r
	done
}

for v in $(variants "$wb_target"); do
	[ -n "${built[$v]:-}" ] || continue
	kinds=$(vget "$v" tests)
	[ -n "$kinds" ] || continue
	td=$top/build/tests/$v
	rm -rf "$td"; mkdir -p "$td"; : >"$td/list"
	arch_cur=$(vget "$v" arch x86_64) karch_cur=$(aget "$arch_cur" karch)
	cross_cur=$(aget "$arch_cur" cross) cc_cur=$(aget "$arch_cur" cc) ldstatic=
	[ "$arch_cur" = x86_64 ] || ldstatic=-static
	for k in ${kinds//,/ }; do
		fn=tests_${k//-/_}
		if ! declare -F "$fn" >/dev/null; then
			result "FAIL $v/tests  # unknown kind of tests '$k' in configs/variants"
			continue
		fi
		"$fn" "$td" "$v"
	done
	boot_and_parse "$v" "$td"
	! vhas "$v" tests migrate || migrate_boots "$v" "$td"
done

# --- 4. The arm64 vDSO host path ----------------------------------------------
# What a task outside any time namespace executes in each vDSO call, as
# vdso_steps single-stepped it in the guests of base-arm64 and series-y-arm64
# (column a of its table): the series must not execute one instruction more.
steps_of() { # the "call count" pairs of column a of a vdso_steps log
	awk '/^# call /{f=1; next} /^(ok|not ok) /{f=0} f && $3 ~ /^[0-9]+$/ {print $2, $3}' "$1"
}
if [ -n "$(variants "$wb_target" | grep -x base-arm64)" ] && [ -n "$(variants "$wb_target" | grep -x series-y-arm64)" ]; then
	b=$logs/base-arm64/vdso_steps.log s=$logs/series-y-arm64/vdso_steps.log
	if [ ! -s "$b" ] || [ ! -s "$s" ] || [ -z "$(steps_of "$b")" ]; then
		result "FAIL vdso-host-path/arm64  # no vdso_steps counts from base-arm64 or series-y-arm64"
	else
		while read -r call n; do
			m=$(steps_of "$s" | awk -v c="$call" '$1 == c {print $2}')
			if [ -z "$m" ]; then
				result "FAIL vdso-host-path/arm64/$call  # base $n, series: not counted"
			elif [ "$m" -eq "$n" ]; then
				result "PASS vdso-host-path/arm64/$call  # base $n, series $m"
			else
				result "FAIL vdso-host-path/arm64/$call  # base $n, series $m: a task outside any time namespace runs other instructions"
			fi
		done < <(steps_of "$b")
	fi
fi

summary
! grep -q '^FAIL' "$results"
