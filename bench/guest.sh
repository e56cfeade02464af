#!/bin/bash
# bench/guest.sh: guest measurements of time namespaces, side by side for
# base, reference and series (CONFIG_TIME_NS=y), in one run, as ratios (QEMU
# TCG: absolute times mean little). Never fails (exit 0). ~3 min on 2 cores.
#
#   a) clock_gettime ns/call per clock, vDSO and syscall, host task and task
#      in a time namespace (nonzero offsets): in-ns/host per kernel
#   b) unshare(CLONE_NEWTIME)+fork+exit+wait vs fork+exit+wait;
#      setns() into a time namespace and back vs the same for UTS
#   c) memory per time namespace (10,000 held by fds; /proc/meminfo: the
#      kernels are tinyconfig with SLOB, there is no /proc/slabinfo)
#   d) minor faults of the first clock_gettime(CLOCK_MONOTONIC) of a fresh task
#   e) instructions of a host task's clock_gettime(CLOCK_MONOTONIC) syscall,
#      entry_SYSCALL_64 to the return to user space, single-stepped through
#      QEMU's gdbstub; the namespace work = the difference to base
# Guest side: bench/guest/gbench.c (a-d), bench/guest/gstep.c (e); host side:
# bench/host/gdbstep.py (gdb), bench/host/report.py (the table).
#
# Boots through guest/boot.sh (console logs in build/bench/guest-logs/<stamp>/);
# QEMU gets "-gdb tcp:127.0.0.1:PORT" through a PATH shim
# (bench/host/qemu-shim.sh) and the guest boots with nokaslr (WB_APPEND).
# Kernels are stable copies in build/bench/kernels/ (refreshed from build/out/
# when a newer complete build is there). GB_ROUNDS (default 3): boots per
# kernel (a, b, d are repeated; minimum over boots). Results:
# build/bench/guest-<stamp>.{tsv,txt} and guest-latest.tsv; the table on stdout.
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
kernels=(base reference series-y)

# --- kernels: stable copies --------------------------------------------------
# build/out/K is taken when it differs from the copy and looks finished: no
# process works in it (a make), vmlinux, System.map and bzImage unchanged for
# 30 s, bzImage not older than vmlinux, System.map matching vmlinux. Else
# wait (up to 2 min), then keep the previous copy.
differs() { # K
	local s=$top/build/out/$1 d=$kdir/$1
	! cmp -s "$s/vmlinux" "$d/vmlinux" || ! cmp -s "$s/arch/x86/boot/bzImage" "$d/bzImage"
}
busy() { # K: a process (make, ld...) has its cwd in build/out/K
	local s=$top/build/out/$1 p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/cwd" 2>/dev/null)" = "$s" ] && return 0
	done
	return 1
}
complete() { # K
	local s=$top/build/out/$1 now f a b
	now=$(date +%s)
	for f in vmlinux System.map arch/x86/boot/bzImage; do
		[ -f "$s/$f" ] || return 1
		[ $((now - $(stat -c %Y "$s/$f"))) -ge 30 ] || return 1
	done
	[ ! "$s/arch/x86/boot/bzImage" -ot "$s/vmlinux" ] || return 1
	a=$(awk '$3 == "entry_SYSCALL_64" {print $1}' "$s/System.map")
	b=$(nm "$s/vmlinux" 2>/dev/null | awk '$3 == "entry_SYSCALL_64" {print $1}')
	[ -n "$a" ] && [ "$a" = "$b" ] && ! busy "$1"
}
for k in "${kernels[@]}"; do
	s=$top/build/out/$k
	[ -f "$s/vmlinux" ] || continue
	differs "$k" || continue
	w=0
	until complete "$k" || [ $w -ge 120 ]; do sleep 10; w=$((w + 10)); done
	if complete "$k"; then
		rm -rf "$kdir/$k.new"; mkdir -p "$kdir/$k.new"
		cp -p "$s/vmlinux" "$s/System.map" "$s/arch/x86/boot/bzImage" "$kdir/$k.new/"
		cp -p "$s/.config" "$kdir/$k.new/config" 2>/dev/null
		if cmp -s "$s/vmlinux" "$kdir/$k.new/vmlinux" && cmp -s "$s/arch/x86/boot/bzImage" "$kdir/$k.new/bzImage"; then
			rm -rf "$kdir/$k" && mv "$kdir/$k.new" "$kdir/$k" && say "kernel $k: copied from build/out/$k"
		else
			rm -rf "$kdir/$k.new"; say "kernel $k: build/out/$k changed while copying; using the previous copy"
		fi
	else
		say "kernel $k: build/out/$k is being rebuilt; using the previous copy"
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
mkdir -p "$work/shim"
ln -sf "$top/bench/host/qemu-shim.sh" "$work/shim/qemu-system-x86_64"
export WB_REAL_QEMU
WB_REAL_QEMU=$(command -v qemu-system-x86_64)

# --- boots ----------------------------------------------------------------------------
# Round 1: every part (gbench: a-d, gstep: e). Rounds 2..GB_ROUNDS (default
# 3): a, b and d again, kernels in the reverse order, to take the minimum
# over boots (the host is shared: a boot's numbers drift with its load).
rounds=${GB_ROUNDS:-3}
# (the guest's init gives each program 120 s: parts a, b, d and part c apart)
printf '#!/bin/sh\nexec ./gbench abd\n' >"$progs/gbench-abd"
printf '#!/bin/sh\nexec ./gbench c\n' >"$progs/gbench-c"
chmod 755 "$progs/gbench-abd" "$progs/gbench-c"
runs=()
boot_one() { # KERNEL ROUND
	local k=$1 r=$2 kd=$kdir/$1 img log ej glog port tb bpid stop ns td
	[ -f "$kd/bzImage" ] || { say "kernel $k: no bzImage, skipped"; return; }
	td=$work/tests-r$r
	if [ ! -d "$td" ]; then
		mkdir -p "$td"
		if [ "$r" = 1 ]; then
			cp "$progs/gbench" "$progs/gbench-abd" "$progs/gbench-c" "$progs/gstep" "$td/"
			printf 'gbench-abd\ngbench-c\ngstep\n' >"$td/list"
		else
			cp "$progs/gbench" "$progs/gbench-abd" "$td/"; printf 'gbench-abd\n' >"$td/list"
		fi
	fi
	img=$work/r$r.cpio.gz
	[ -f "$img" ] || nice bash guest/mkinitramfs.sh "$img" "$td" || { say "initramfs failed"; return; }
	log=$logs/console-$k-r$r.log
	ej=$logs/e-$k.jsonl
	glog=$logs/gdb-$k.log
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	tb=$(date +%s)
	say "round $r: booting $k (console: ${log#"$top"/})"
	WB_APPEND="nokaslr ${WB_APPEND:-}" WB_QEMU_EXTRA="-gdb tcp:127.0.0.1:$port" \
		PATH="$work/shim:$PATH" bash guest/boot.sh "$kd/bzImage" "$img" check "$log" 600 &
	bpid=$!
	if [ "$r" = 1 ]; then
		: >"$ej"
		# part e: wait for the loopers, then single-step from the host
		while kill -0 $bpid 2>/dev/null && ! grep -aq 'GSTEP READY' "$log" 2>/dev/null; do sleep 2; done
		stop=$(grep -ao 'GSTEP READY stop=0x[0-9a-f]*' "$log" | head -1 | sed 's/.*stop=//')
		if [ -n "$stop" ]; then
			ns=$(grep -ao 'GSTEP READY .* ns=[01]' "$log" | head -1 | sed 's/.*ns=//')
			GS_PORT=$port GS_VMLINUX=$kd/vmlinux GS_SYSMAP=$kd/System.map GS_OUT=$ej GS_STOP=$stop \
				GS_NS=$ns GS_SAMPLES=5 timeout 300 gdb -nx -batch -x bench/host/gdbstep.py >"$glog" 2>&1
			grep '^gdbstep:' "$glog" | sed "s/^/guest-bench: $k: /"
		else
			say "$k: the stepping program did not start (part e missing)"
		fi
	fi
	wait $bpid
	grep -aq 'WB-END' "$log" || say "$k: the guest did not finish (see ${log#"$top"/})"
	say "$k: round $r done in $(( $(date +%s) - tb ))s"
	[ "$r" = 1 ] || ej=-
	runs+=("$k=$log=$ej")
}
rm -rf "$work"/tests-r* "$work"/r*.cpio.gz
for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) = 1 ]; then order=("${kernels[@]}"); else order=(series-y reference base); fi
	for k in "${order[@]}"; do boot_one "$k" "$r"; done
done

# --- table ------------------------------------------------------------------------------
python3 bench/host/report.py "$logs/guest.tsv" "${runs[@]}" | tee "$logs/guest.txt"
if [ -s "$logs/guest.tsv" ]; then
	cp "$logs/guest.tsv" "$out/guest-$stamp.tsv"
	cp "$logs/guest.txt" "$out/guest-$stamp.txt"
	cp "$logs/guest.tsv" "$out/guest-latest.tsv"
fi
say "$(( $(date +%s) - t0 ))s; results: build/bench/guest-$stamp.{tsv,txt}, guest-latest.tsv; logs: ${logs#"$top"/}/"
exit 0
