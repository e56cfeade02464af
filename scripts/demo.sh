#!/bin/bash
# make demo / make shell: build the series kernel (the variant of
# configs/variants with targets=demo: series-y, CONFIG_TIME_NS=y), boot it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
wb_top=$top
source scripts/variants.sh
mode=${1:-demo}
v=$(variants demo | head -1)
[ -n "$v" ] || { echo "demo: no variant with targets=demo in configs/variants" >&2; exit 1; }
bash scripts/prepare.sh
kt=build/linux
n=$(git -C "$kt" rev-list --count base..series)
if [ "$n" = 0 ]; then
	echo "demo: ##########################################################"
	echo "demo: the series is EMPTY: patches/ holds no patch yet; showing base"
	echo "demo: ##########################################################"
fi
vbuild "$v"
td=build/tests/demo; rm -rf "$td"; mkdir -p "$td"; : >"$td/list"
gcc -O2 -Wall -o "$td/clockshow" tests/guest/clockshow.c
mkdir -p build/guest build/logs
bash guest/mkinitramfs.sh build/guest/demo.cpio.gz "$td" guest/demo.sh
k=$(vimage "$v")
export WB_ARCH=$(vget "$v" arch x86_64) WB_MEM=$(vget "$v" mem 1024)
if [ "$mode" = shell ]; then
	exec bash guest/boot.sh "$k" build/guest/demo.cpio.gz shell
fi
echo "demo: booting the series kernel under QEMU (console: build/logs/console-demo.log)"
# The demo's output comes on the guest's second serial port (console-demo.tests.log).
c=build/logs/console-demo.log t=build/logs/console-demo.tests.log
rc=0
bash guest/boot.sh "$k" build/guest/demo.cpio.gz demo "$c" 300 || rc=$?
sed '/^WB-END$/,$d' "$t"
python3 tests/parse-console.py --console "$c" --tests "$t" --label demo |
	sed -n 's/^FAIL demo\/\(kernel-log\|clocksource\)  # /demo: warning: /p'
if [ $rc != 0 ] || ! grep -qx WB-END "$t"; then
	tail -n 3 "$c" | sed 's/^/demo: /' >&2
	echo "demo: the guest did not finish (boot.sh exit $rc); see $c" >&2
	exit 1
fi
