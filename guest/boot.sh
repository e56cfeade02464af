#!/bin/bash
# boot.sh BZIMAGE INITRD MODE [LOG] [TIMEOUT_S]
# Boot the guest under QEMU software emulation (no KVM here). MODE is
# check, demo or shell. The console goes to LOG (and the terminal for shell).
# WB_DISK=IMAGE attaches a raw disk image as /dev/vda (virtio, snapshot=on:
# the guest's writes never reach the image); WB_APPEND adds to the cmdline.
set -euo pipefail
k=$1 initrd=$2 mode=$3 log=${4:-/dev/null} to=${5:-600}
qemu=(qemu-system-x86_64 -machine pc -cpu max -smp 2 -m 1024 -no-reboot
	-kernel "$k" -initrd "$initrd" -nographic
	-rtc base=utc,clock=host
	-append "console=ttyS0 tsc=reliable panic=-1 oops=panic loglevel=4 wb.mode=$mode ${WB_APPEND:-}")
if [ -n "${WB_DISK:-}" ]; then
	qemu+=(-drive "file=$WB_DISK,format=raw,if=virtio,snapshot=on")
fi
if [ "$mode" = shell ]; then
	exec "${qemu[@]}"
fi
rc=0
timeout -s KILL "$to" "${qemu[@]}" </dev/null >"$log" 2>&1 || rc=$?
if [ $rc = 137 ]; then
	echo "WB-HOST: guest killed after ${to}s (hang)" >>"$log"
fi
exit 0
