#!/bin/sh
# Put first in PATH by bench/guest.sh so that guest/boot.sh's QEMU command
# line gets extra arguments (the gdbstub for part e): runs the real QEMU
# ($WB_REAL_QEMU) with boot.sh's arguments plus $WB_QEMU_EXTRA.
# shellcheck disable=SC2086
exec "$WB_REAL_QEMU" "$@" ${WB_QEMU_EXTRA:-}
