#!/bin/bash
# bench/guest.sh: guest measurements of time namespaces, side by side for
# base, reference and series (CONFIG_TIME_NS=y), in one run, as ratios (QEMU
# TCG: absolute times mean little). Never fails (exit 0). ~7 min on 2 cores.
# "Zero-offset namespace": a time namespace whose offsets are never written
# before its first task enters (what container engines create).
#
#   a) clock_gettime ns/call per clock, vDSO and syscall, host task, task
#      in a time namespace (nonzero offsets), task in a zero-offset one and
#      a second host task (the control): in-ns/host, zero/host per kernel
#   b) unshare(CLONE_NEWTIME)+fork+exit+wait vs fork+exit+wait;
#      setns() into a time namespace and back, host <-> zero-offset and
#      zero-offset <-> zero-offset namespace vs the same for UTS
#   c) memory per time namespace (10,000 held by fds; /proc/meminfo: the
#      kernels are tinyconfig with SLOB, there is no /proc/slabinfo); and
#      (C) with a task in each namespace: steps of 2,000 sleeping tasks in
#      one process (host, each in a zero-offset namespace, each in one with
#      offsets), nothing exiting in between: per namespace net of the task
#   d) minor faults of the first clock_gettime(CLOCK_MONOTONIC) of a fresh
#      task: host, in a namespace with offsets, in a zero-offset one
#   e) instructions of a host task's clock_gettime(CLOCK_MONOTONIC) syscall,
#      entry_SYSCALL_64 to the return to user space, single-stepped through
#      QEMU's gdbstub, first while only a zero-offset namespace (with a
#      task) exists, then with a namespace with offsets too; the namespace
#      work = the difference to base; then the setns() calls of a host task
#      into the namespace with offsets and back, and into a UTS namespace
#      and back, single-stepped the same way (part b's round trips)
#   f) a freshly exec'd process: minor faults and time (rdtsc) of its first
#      time() and clock_gettime(CLOCK_MONOTONIC), both orders, host task and
#      task in a namespace (what the real data page's own vvar slot costs)
#   g) time() and clock_gettime(CLOCK_MONOTONIC) alternated: ns per pair,
#      host task and task in a namespace
# Guest side: bench/guest/gbench.c (a-d, C, f, g), bench/guest/gstep.c (e); host side:
# bench/host/gdbstep.py (gdb), bench/host/report.py (the table).
#
# Boots through guest/boot.sh (logs in build/bench/guest-logs/<stamp>/:
# console-K-rN.log the kernel console, console-K-rN.tests.log the programs'
# output, where the BENCH and GSTEP lines are read); QEMU gets
# "-gdb tcp:127.0.0.1:PORT" (WB_QEMU_EXTRA) and the guest boots with nokaslr
# (WB_APPEND). The kernels (configs/variants, targets=bench) are built first
# (BENCH_NO_BUILD=1: not) and measured from stable copies in
# build/bench/kernels/. GB_ROUNDS (default 3): boots per
# kernel (a, b, d, f, g are repeated; minimum over boots). Results:
# build/bench/guest-<stamp>.{tsv,txt} and guest-latest.tsv; the table on stdout.
# GB_KERNELS="K1 K2": these variants instead (bench/run.sh: series-distro,
# Debian's own config, in the series column), and GB_NAME=NAME: results
# NAME-<stamp>.{tsv,txt} and NAME-latest.tsv.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
kdir=$out/kernels
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# In subdirectories: build/bench is shared, and its top-level files may be
# cleaned up by others while this runs.
work=$out/guest-work
logs=$out/guest-logs/$stamp
mkdir -p "$out" "$kdir" "$work" "$logs"
t0=$(date +%s)
say() { echo "guest-bench: $*"; }
# shellcheck source=../scripts/variants.sh
source scripts/variants.sh
# The x86_64 kernels (base reference series-y, not the vDSO images alone of
# make=vdso); arm64: bench/arm64.sh.
mapfile -t kernels < <(for k in $(variants bench); do
	[ "$(vget "$k" arch x86_64)" = x86_64 ] && [ -z "$(vget "$k" make)" ] && echo "$k"; done)
if [ -n "${GB_KERNELS:-}" ]; then
	read -ra kernels <<<"${GB_KERNELS//,/ }"
	for k in "${kernels[@]}"; do vget "$k" tree >/dev/null || exit 0; done
fi
name=${GB_NAME:-guest}

# --- kernels: built here (scripts/variants.sh, variants with targets=bench),
# then copied to build/bench/kernels/K: what this run measures stays put even
# if build/out/K is rebuilt meanwhile. A kernel that fails to build keeps its
# previous copy. BENCH_NO_BUILD=1: no build, copy build/out as it is.
for k in "${kernels[@]}"; do
	if [ -z "${BENCH_NO_BUILD:-}" ] && ! nice bash -c 'source scripts/variants.sh && vbuild "$1"' _ "$k" >/dev/null 2>&1; then
		say "kernel $k: build failed (build/logs/build-$k.log); using the previous copy"
		continue
	fi
	s=$(vout "$k") img=$(vimage "$k")
	[ -f "$s/vmlinux" ] && [ -f "$img" ] || { say "kernel $k: not built"; continue; }
	rm -rf "$kdir/$k.new"; mkdir -p "$kdir/$k.new"
	if cp -p "$s/vmlinux" "$s/System.map" "$kdir/$k.new/" && cp -p "$img" "$kdir/$k.new/bzImage"; then
		cp -p "$s/.config" "$kdir/$k.new/config" 2>/dev/null
		rm -rf "${kdir:?}/$k" && mv "$kdir/$k.new" "$kdir/$k"
	else
		rm -rf "$kdir/$k.new"; say "kernel $k: cannot copy build/out/$k; using the previous copy"
	fi
done

for k in "${kernels[@]}"; do
	[ -f "$kdir/$k/vmlinux" ] && say "kernel $k: build/bench/kernels/$k, vmlinux of $(date -u -r "$kdir/$k/vmlinux" +%FT%TZ)"
done

# --- guest programs -------------------------------------------------------------
progs=$work/progs
rm -rf "$progs"; mkdir -p "$progs"
for p in gbench gstep; do
	nice gcc -O2 -static -Wall -o "$progs/$p" "bench/guest/$p.c" 2>>"$logs/build.log" ||
		say "cannot build bench/guest/$p.c (see ${logs#"$top"/}/build.log)"
done

# --- boots ----------------------------------------------------------------------------
# Round 1: every part (gstep: e, first: before it no namespace has existed
# in the boot; gbench: a-d, C, f, g). Rounds 2..GB_ROUNDS
# (default 3): a, b, d, f and g again, kernels in the reverse order, to take
# the minimum over boots (the host is shared: a boot's numbers drift with its
# load).
rounds=${GB_ROUNDS:-3}
# (the guest's init gives each program 120 s: parts a, b, d, f, g, part c and part C apart)
printf '#!/bin/sh\nexec ./gbench abdfg\n' >"$progs/gbench-abd"
printf '#!/bin/sh\nexec ./gbench c\n' >"$progs/gbench-c"
printf '#!/bin/sh\nexec ./gbench C\n' >"$progs/gbench-ct"
chmod 755 "$progs/gbench-abd" "$progs/gbench-c" "$progs/gbench-ct"
runs=()
boot_one() { # KERNEL ROUND
	local k=$1 r=$2 kd=$kdir/$1 img log tlog ej glog port tb bpid stop ns zero td
	[ -f "$kd/bzImage" ] || { say "kernel $k: no bzImage, skipped"; return; }
	td=$work/tests-r$r
	if [ ! -d "$td" ]; then
		mkdir -p "$td"
		if [ "$r" = 1 ]; then
			cp "$progs/gbench" "$progs/gbench-abd" "$progs/gbench-c" "$progs/gbench-ct" "$progs/gstep" "$td/"
			printf 'gstep\ngbench-abd\ngbench-c\ngbench-ct\n' >"$td/list"
		else
			cp "$progs/gbench" "$progs/gbench-abd" "$td/"; printf 'gbench-abd\n' >"$td/list"
		fi
	fi
	img=$work/r$r.cpio.gz
	[ -f "$img" ] || nice bash guest/mkinitramfs.sh "$img" "$td" || { say "initramfs failed"; return; }
	log=$logs/console-$k-r$r.log
	tlog=$logs/console-$k-r$r.tests.log	# the programs' output (second serial port)
	ej=$logs/e-$k.jsonl
	glog=$logs/gdb-$k.log
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	tb=$(date +%s)
	say "round $r: booting $k (console: ${log#"$top"/})"
	WB_APPEND="nokaslr ${WB_APPEND:-}" WB_QEMU_EXTRA="-gdb tcp:127.0.0.1:$port" WB_TESTLOG=$tlog \
		bash guest/boot.sh "$kd/bzImage" "$img" check "$log" 600 &
	bpid=$!
	if [ "$r" = 1 ]; then
		: >"$ej"
		# part e: wait for the loopers, then single-step from the host
		while kill -0 $bpid 2>/dev/null && ! grep -aq 'GSTEP READY' "$tlog" 2>/dev/null; do sleep 2; done
		stop=$(grep -ao 'GSTEP READY stop=0x[0-9a-f]*' "$tlog" | head -1 | sed 's/.*stop=//')
		if [ -n "$stop" ]; then
			ns=$(grep -ao 'GSTEP READY .* ns=[01]' "$tlog" | head -1 | sed 's/.* ns=\([01]\).*/\1/')
			zero=$(grep -ao 'GSTEP READY .* zero=[01]' "$tlog" | head -1 | sed 's/.* zero=\([01]\).*/\1/')
			GS_PORT=$port GS_VMLINUX=$kd/vmlinux GS_SYSMAP=$kd/System.map GS_OUT=$ej GS_STOP=$stop \
				GS_NS=${ns:-0} GS_ZERO=${zero:-0} GS_SAMPLES=5 timeout 300 gdb -nx -batch -x bench/host/gdbstep.py >"$glog" 2>&1
			grep '^gdbstep:' "$glog" | sed "s/^/guest-bench: $k: /"
		else
			say "$k: the stepping program did not start (part e missing)"
		fi
	fi
	wait $bpid
	case $? in
	0) grep -aqx 'WB-END' "$tlog" || say "$k: the guest did not finish (see ${log#"$top"/})" ;;
	2) say "$k: QEMU failed: $(grep -a 'WB-HOST' "$log" | tail -1)" ;;
	3) say "$k: the guest hung, killed after 600s (see ${log#"$top"/})" ;;
	*) say "$k: guest/boot.sh failed" ;;
	esac
	say "$k: round $r done in $(( $(date +%s) - tb ))s"
	[ "$r" = 1 ] || ej=-
	runs+=("$k=$tlog=$ej")
}
rm -rf "$work"/tests-r* "$work"/r*.cpio.gz
for r in $(seq 1 "$rounds"); do
	order=("${kernels[@]}")
	if [ $((r % 2)) = 0 ]; then order=(); for k in "${kernels[@]}"; do order=("$k" "${order[@]}"); done; fi
	for k in "${order[@]}"; do boot_one "$k" "$r"; done
done

# --- table ------------------------------------------------------------------------------
python3 bench/host/report.py "$logs/guest.tsv" "${runs[@]}" | tee "$logs/guest.txt"
if [ -s "$logs/guest.tsv" ]; then
	cp "$logs/guest.tsv" "$out/$name-$stamp.tsv"
	cp "$logs/guest.txt" "$out/$name-$stamp.txt"
	cp "$logs/guest.tsv" "$out/$name-latest.tsv"
fi
say "$(( $(date +%s) - t0 ))s; results: build/bench/$name-$stamp.{tsv,txt}, $name-latest.tsv; logs: ${logs#"$top"/}/"
exit 0
