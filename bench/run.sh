#!/bin/bash
# make bench: side-by-side measurements of base, reference and series.
# Never part of make check; never fails the build. Results: build/bench/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
bash scripts/prepare.sh >/dev/null || exit 0
bash scripts/build-kernel.sh base build/wt/base >/dev/null || echo "bench: base build failed"
bash scripts/build-kernel.sh reference build/wt/reference configs/timens-y.config >/dev/null ||
	echo "bench: reference build failed"
bash scripts/build-kernel.sh series-y build/linux configs/timens-y.config >/dev/null ||
	echo "bench: series build failed"

# 1. vDSO, natively: instructions per call (exact, single-stepped) and the
#    minimum ns/call of several repetitions, for a task outside any time
#    namespace. All three images in one run.
echo "== vDSO host path: instructions per call and min ns/call (this CPU, one run)"
python3 bench/vdso-run/vdso-path-check.py --count --bench \
	build/out/base build/out/reference build/out/series-y 2>&1 |
	tee "$out/vdso-host-$stamp.txt" | grep -v '^#'
# TSV: case, then per image insns and ns
grep -v '^#' "$out/vdso-host-$stamp.txt" | awk 'NR>1 && NF>1 {$1=$1; gsub(/ +/, "\t"); print}' \
	>"$out/vdso-host-$stamp.tsv"

# 2. Pass/fail of the host path against base (the series' promise).
echo
echo "== vDSO host path of the series against base"
bash tests/vdso-host-path.sh build/out/base build/out/series-y | tee "$out/vdso-host-path-$stamp.txt"

# 3. Size: vmlinux and vDSO images, base vs series and base vs reference.
echo
echo "== size (scripts/bloat-o-meter)"
for t in reference series-y; do
	echo "-- base -> $t: vmlinux"
	python3 build/linux/scripts/bloat-o-meter build/out/base/vmlinux build/out/$t/vmlinux | tail -1
	echo "-- base -> $t: vdso64.so"
	python3 build/linux/scripts/bloat-o-meter build/out/base/arch/x86/entry/vdso/vdso64.so.dbg \
		build/out/$t/arch/x86/entry/vdso/vdso64.so.dbg | tail -1
done | tee "$out/size-$stamp.txt"
echo
echo "bench: results in build/bench/ (*-$stamp.*)"
exit 0
