#!/bin/bash
# make demo / make shell: build the series kernel (CONFIG_TIME_NS=y), boot it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=${1:-demo}
bash scripts/prepare.sh
kt=build/linux
n=$(git -C "$kt" rev-list --count base..series)
if [ "$n" = 0 ]; then
	echo "demo: ##########################################################"
	echo "demo: the series is EMPTY: patches/ holds no patch yet; showing base"
	echo "demo: ##########################################################"
fi
bash scripts/build-kernel.sh series-y "$top/$kt" configs/timens-y.config
td=build/tests/demo; rm -rf "$td"; mkdir -p "$td"; : >"$td/list"
gcc -O2 -Wall -o "$td/clockshow" tests/guest/clockshow.c
mkdir -p build/guest build/logs
bash guest/mkinitramfs.sh build/guest/demo.cpio.gz "$td" guest/demo.sh
k=build/out/series-y/arch/x86/boot/bzImage
if [ "$mode" = shell ]; then
	exec bash guest/boot.sh "$k" build/guest/demo.cpio.gz shell
fi
echo "demo: booting the series kernel under QEMU (console: build/logs/console-demo.log)"
bash guest/boot.sh "$k" build/guest/demo.cpio.gz demo build/logs/console-demo.log 300
sed -n '/WB-GUEST/,/WB-END/p' build/logs/console-demo.log | grep -v '^WB-END'
grep -q WB-END build/logs/console-demo.log || { echo "demo: the guest did not finish; see the log" >&2; exit 1; }
