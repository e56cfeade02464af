#!/bin/bash
# boot.sh KERNEL INITRD MODE [CONSOLE_LOG [TIMEOUT_S]]
# Boot the guest under QEMU software emulation (no KVM here). MODE is check,
# demo or shell. Two serial ports: the first is the kernel console, written
# to CONSOLE_LOG (default /dev/null; shell: the terminal), the second the
# output of the guest's programs (guest/init), written to $WB_TESTLOG.
#
# Environment:
#   WB_ARCH=x86_64    a row of configs/arches: QEMU binary, machine, cpu, console
#   WB_MEM=1024       guest memory in MiB
#   WB_DISK=IMAGE     a raw disk image as /dev/vda (virtio, snapshot=on: the
#                     guest's writes never reach the image)
#   WB_DISK2=IMAGE    a second raw disk as /dev/vdb (after WB_DISK), written
#                     through: what one boot writes the next one reads
#   WB_APPEND=...     added to the kernel command line (e.g. wb.timeout=N wb.slow=N)
#   WB_TESTLOG=FILE   the second port; default CONSOLE_LOG with .log replaced
#                     by .tests.log (CONSOLE_LOG.tests.log if it has no .log;
#                     /dev/null when CONSOLE_LOG is /dev/null)
#   WB_QEMU_EXTRA=... more QEMU arguments (split at blanks), e.g. -gdb tcp::1234
# Exit status: 0 the guest powered off by itself (whatever its tests did),
# 2 QEMU failed to start or exited with an error ("WB-HOST: qemu failed
# (rc=N): ..." appended to CONSOLE_LOG), 3 killed after TIMEOUT_S (default
# 600; "WB-HOST: guest killed after Ns (hang)" appended), 1 bad usage.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 3 ]; then
	echo "usage: boot.sh KERNEL INITRD MODE [CONSOLE_LOG [TIMEOUT_S]]" >&2
	exit 1
fi
k=$1 initrd=$2 mode=$3 log=${4:-/dev/null} to=${5:-600}
case $mode in check | demo | shell) ;; *) echo "boot.sh: unknown mode '$mode'" >&2; exit 1 ;; esac
# shellcheck source=../scripts/variants.sh
source "$top/scripts/variants.sh"
arch=${WB_ARCH:-x86_64}
bin=$(aget "$arch" qemu) && machine=$(aget "$arch" machine) && cpu=$(aget "$arch" cpu) &&
	con=$(aget "$arch" console) && tport=$(aget "$arch" tport) || exit 1
if [ -n "${WB_TESTLOG:-}" ]; then
	tlog=$WB_TESTLOG
elif [ "$log" = /dev/null ]; then
	tlog=/dev/null
elif [[ $log == *.log ]]; then
	tlog=${log%.log}.tests.log
else
	tlog=$log.tests.log
fi
qemu=("$bin" -machine "$machine" -cpu "$cpu" -smp 2 -m "${WB_MEM:-1024}" -no-reboot
	-kernel "$k" -initrd "$initrd" -display none
	-rtc base=utc,clock=host
	-append "console=$con $([ "$arch" = x86_64 ] && echo tsc=reliable) panic=-1 oops=panic loglevel=5 printk.devkmsg=on wb.mode=$mode ${WB_APPEND:-}")
if [ -n "${WB_DISK:-}" ]; then
	qemu+=(-drive "file=$WB_DISK,format=raw,if=virtio,snapshot=on")
fi
if [ -n "${WB_DISK2:-}" ]; then
	qemu+=(-drive "file=$WB_DISK2,format=raw,if=virtio")
fi
# shellcheck disable=SC2206
[ -n "${WB_QEMU_EXTRA:-}" ] && qemu+=($WB_QEMU_EXTRA)
if [ "$mode" = shell ]; then
	# The console on the terminal, with QEMU's monitor (Ctrl-A C; Ctrl-A X quits).
	tp=(-serial "file:$tlog")
	[ "$tport" = virtcon ] && tp=(-device virtio-serial-device -chardev "file,id=wbt,path=$tlog"
		-device virtconsole,chardev=wbt)
	exec "${qemu[@]}" -serial mon:stdio "${tp[@]}"
fi
# The console on stdout, QEMU's own messages on stderr; the test port a
# second UART or a virtio console (configs/arches: tport).
qemu+=(-monitor none -serial stdio)
case $tport in
serial) qemu+=(-serial "file:$tlog") ;;
virtcon) qemu+=(-device virtio-serial-device -chardev "file,id=wbt,path=$tlog"
		-device virtconsole,chardev=wbt) ;;
*) echo "boot.sh: $arch: unknown test port '$tport'" >&2; exit 1 ;;
esac
err=$(mktemp)
trap 'rm -f "$err"' EXIT
rc=0
: >"$tlog" 2>/dev/null
# (bash's own "Killed" report of a hang to /dev/null)
{ timeout -s KILL "$to" "${qemu[@]}" </dev/null >"$log" 2>"$err"; } 2>/dev/null || rc=$?
if [ $rc = 137 ]; then
	echo "WB-HOST: guest killed after ${to}s (hang)" >>"$log"
	exit 3
fi
if [ $rc != 0 ] || grep -q . "$err"; then
	# QEMU warns on stderr for some harmless things; only an exit status fails.
	cat "$err" >>"$log"
fi
if [ $rc != 0 ]; then
	echo "WB-HOST: qemu failed (rc=$rc): $(grep -m1 . "$err" || echo "no message")" >>"$log"
	exit 2
fi
exit 0
