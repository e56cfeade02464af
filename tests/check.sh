#!/bin/bash
# make check: every test. Prints PASS/FAIL/SKIP lines, then "N passed, N failed".
# Logs: build/logs/ (console-*.log per boot, build-*.log per kernel, results.txt).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=$top/build/logs
mkdir -p "$logs"
results=$logs/results.txt
: >"$results"
t0=$(date +%s)

say() { echo "check: $*"; }
result() { echo "$*" | tee -a "$results"; }
die() { result "FAIL $1  # $2"; summary; exit 1; }
summary() {
	local p f s
	p=$(grep -c '^PASS' "$results"); f=$(grep -c '^FAIL' "$results"); s=$(grep -c '^SKIP' "$results")
	echo "check: $(( $(date +%s) - t0 ))s; logs in build/logs/ (results.txt, console-*.log)"
	grep '^FAIL' "$results" | sed 's/^/check: failed: /'
	echo "$p passed, $f failed, $s skipped"
}

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
build() { bash scripts/build-kernel.sh "$@" || { result "FAIL build/$1  # see build/logs/build-$1.log"; return 1; }; result "PASS build/$1"; }
build base "$top/build/wt/base"; base_ok=$?
build series-y "$kt" configs/timens-y.config; y_ok=$?
build series-n "$kt" configs/timens-n.config; n_ok=$?
# The real container tools (criu, crun) need more of the kernel: own build.
build series-clients "$kt" configs/timens-y.config configs/clients.config; c_ok=$?

# The vDSO host path: a task outside any time namespace must not execute
# more in the series (TIME_NS=y) than in base. Single-stepped on this CPU.
if [ $base_ok = 0 ] && [ $y_ok = 0 ]; then
	say "vDSO host path: base against series-y (log: build/logs/vdso-host-path.log)"
	bash tests/vdso-host-path/check.sh "$top/build/out/base" "$top/build/out/series-y" | tee -a "$results"
fi

# --- 3. Guest test programs --------------------------------------------------
ksft=$kt/tools/testing/selftests
cflags="-O2 -g -Wall -I$ksft"
mkprog() { # mkprog OUTDIR NAME SRC [extra cflags]
	local o=$1 nm=$2 src=$3; shift 3
	gcc $cflags "$@" -o "$o/$nm" "$src" 2>>"$logs/tests-build.log" ||
		{ result "FAIL tests-build/$nm  # see build/logs/tests-build.log"; return 1; }
	echo "$nm" >>"$o/list"
}
: >"$logs/tests-build.log"
selftests() { # selftests OUTDIR KBUILD_OUT: build the series' timens selftests
	local o=$1 kout=$2 d=$ksft/timens p
	[ -d "$d" ] || return 2
	mkdir -p "$o/ksft"
	make -s -C "$kt" O="$kout" headers >>"$logs/tests-build.log" 2>&1
	if ! make -C "$d" OUTPUT="$o/ksft" KHDR_INCLUDES="-isystem $kout/usr/include" \
		>>"$logs/tests-build.log" 2>&1; then
		result "FAIL tests-build/timens-selftests  # see build/logs/tests-build.log"
		return 1
	fi
	for p in $(make -s -C "$d" OUTPUT="$o/ksft" -pn 2>/dev/null |
		   sed -n 's/^TEST_GEN_PROGS := //p' | head -1); do
		p=$(basename "$p")
		# An x32 program cannot even start on a kernel without the x32 ABI.
		if [ "$p" = clocks_x32 ] && ! grep -q '^CONFIG_X86_X32_ABI=y' "$kout/.config"; then
			result "SKIP $(basename "$o")/clocks_x32  # the kernel has no x32 ABI"
			continue
		fi
		cp "$o/ksft/$p" "$o/$p" && echo "$p" >>"$o/list"
	done
}

# The selftests of tag reference, as its users run them against any kernel:
# tools/testing/selftests/timens and pidfd_setns_test, built from the
# reference tree with the series' uapi headers, named ref-*.
refselftests() { # refselftests OUTDIR KBUILD_OUT
	local o=$1 kout=$2 rt=$top/build/wt/reference/tools/testing/selftests p
	local kh="-isystem $kout/usr/include"
	mkdir -p "$o/ref"
	if ! make -C "$rt/timens" OUTPUT="$o/ref" KHDR_INCLUDES="$kh" \
		>>"$logs/tests-build.log" 2>&1 ||
	   ! make -C "$rt/pidfd" OUTPUT="$o/ref" KHDR_INCLUDES="$kh" \
		"$o/ref/pidfd_setns_test" >>"$logs/tests-build.log" 2>&1; then
		result "FAIL tests-build/reference-selftests  # see build/logs/tests-build.log"
		return 1
	fi
	for p in $(make -s -C "$rt/timens" OUTPUT="$o/ref" -pn 2>/dev/null |
		   sed -n 's/^TEST_GEN_PROGS := //p' | head -1) pidfd_setns_test; do
		p=$(basename "$p")
		cp "$o/ref/$p" "$o/ref-$p" && echo "ref-$p" >>"$o/list"
	done
}

boot_and_parse() { # NAME BZIMAGE TESTDIR
	local nm=$1 k=$2 td=$3 img=$top/build/guest/$1.cpio.gz log=$logs/console-$1.log
	mkdir -p "$top/build/guest"
	bash guest/mkinitramfs.sh "$img" "$td" || { result "FAIL $nm/initramfs"; return; }
	say "booting $nm (console: build/logs/console-$nm.log)"
	bash guest/boot.sh "$k" "$img" check "$log" 900
	python3 tests/parse-console.py "$log" "$nm" $(cat "$td/list") | tee -a "$results"
}

# Base: no trace of time namespaces through the ABI.
if [ $base_ok = 0 ]; then
	td=$top/build/tests/base; rm -rf "$td"; mkdir -p "$td"; : >"$td/list"
	mkprog "$td" no_timens tests/guest/no_timens.c
	boot_and_parse base "$top/build/out/base/arch/x86/boot/bzImage" "$td"
fi
# Series, CONFIG_TIME_NS=y: the series' selftests.
if [ $y_ok = 0 ]; then
	td=$top/build/tests/series-y; rm -rf "$td"; mkdir -p "$td"; : >"$td/list"
	selftests "$td" "$top/build/out/series-y"
	if [ $? = 2 ]; then
		result "SKIP series-y/timens-selftests  # the series has no selftests yet"
		mkprog "$td" no_timens tests/guest/no_timens.c
	fi
	# The reference's own selftests (timens, pidfd setns), unchanged
	refselftests "$td" "$top/build/out/series-y"
	# util-linux's unshare and nsenter, as users run them
	gcc -O2 -Wall -o "$td/clk" tests/guest/clk.c
	install -m 755 tests/guest/util-linux.sh "$td/util-linux" && echo util-linux >>"$td/list"
	boot_and_parse series-y "$top/build/out/series-y/arch/x86/boot/bzImage" "$td"
fi
# Series, CONFIG_TIME_NS=n: the selftests skip cleanly; the ABI says "no time namespaces".
if [ $n_ok = 0 ]; then
	td=$top/build/tests/series-n; rm -rf "$td"; mkdir -p "$td"; : >"$td/list"
	selftests "$td" "$top/build/out/series-n"
	mkprog "$td" no_timens tests/guest/no_timens.c
	boot_and_parse series-n "$top/build/out/series-n/arch/x86/boot/bzImage" "$td"
fi
# Series with criu and crun (issue 8): Debian 12's real tools on a root file
# system disk (guest/mkrootfs.sh, cached), the tests chrooted into it.
if [ $c_ok = 0 ]; then
	if bash guest/mkrootfs.sh; then
		td=$top/build/tests/series-clients; rm -rf "$td"; mkdir -p "$td/clients"; : >"$td/list"
		if gcc -O2 -Wall -static -o "$td/clients/clockloop" tests/guest/clients/clockloop.c \
			2>>"$logs/tests-build.log"; then
			cp tests/guest/clients/criu-timens.sh tests/guest/clients/crun-timens.sh "$td/clients/"
			for t in criu-timens crun-timens; do
				install -m 755 tests/guest/clients/run-in-rootfs.sh "$td/$t" && echo $t >>"$td/list"
			done
			WB_DISK=$top/build/rootfs.img boot_and_parse series-clients \
				"$top/build/out/series-clients/arch/x86/boot/bzImage" "$td"
		else
			result "FAIL tests-build/clockloop  # see build/logs/tests-build.log"
		fi
	else
		result "FAIL series-clients/rootfs  # guest/mkrootfs.sh failed, see build/logs/rootfs.log"
	fi
fi

summary
! grep -q '^FAIL' "$results"
