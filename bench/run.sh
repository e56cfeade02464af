#!/bin/bash
# make bench: side-by-side measurements of base, reference and series.
# Never part of make check; never fails the build. Results: build/bench/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
wb_top=$top
source scripts/variants.sh
# The kernels of configs/variants with targets=bench (base, reference, series-y).
# BENCH_NO_BUILD=1: measure build/out as it is.
if [ -z "${BENCH_NO_BUILD:-}" ]; then
	# prepare keeps a series branch that differs from patches/ (work in
	# progress): say so, as the series column is then not patches/
	bash scripts/prepare.sh | sed -n 's/^prepare: NOTE: /bench: NOTE: /p' || exit 0
	for v in $(variants bench); do
		vbuild "$v" >/dev/null || echo "bench: $v build failed (build/logs/build-$v.log)"
	done
fi

# 1. vDSO, natively (tests/vdso-host-path/vdso-run.c): one table. Per case, for a task
#    outside any time namespace (host) in base, reference and series, and
#    for a task inside one (in-ns) in reference and series (base: n/a):
#    instructions per call (exact, single-stepped) / min ns/call of several
#    repetitions; pass/fail: series host == base host (instructions; within
#    tests/vdso-host-path/allow: ALLOWED), series in-ns <= reference in-ns;
#    time ratios series/reference. Each image is sanity-checked first (the
#    in-ns results exactly against host + offset, no fallback syscall).
#    TSV: build/bench/vdso-<stamp>.tsv and vdso-latest.tsv; where the series
#    in-ns path is longer, both traces and their diff in
#    vdso-timens-diff-<stamp>.txt.
#    Every instruction count is cross-checked with valgrind's callgrind
#    (BENCH_NO_CALLGRIND=1: skip that).
callgrind=--callgrind
{ [ -n "${BENCH_NO_CALLGRIND:-}" ] || ! command -v valgrind >/dev/null; } && callgrind=
echo "== vDSO: instructions per call / min ns/call (this CPU, one run)"
nice python3 tests/vdso-host-path/vdso-path-check.py --table \
	--bench-calls 100000 --bench-reps 31 --bench-runs 5 $callgrind \
	--tsv "$out/vdso-$stamp.tsv" --diff-out "$out/vdso-timens-diff-$stamp.txt" \
	build/out/base build/out/reference build/out/series-y \
	>"$out/vdso-$stamp.txt" 2>"$out/vdso-$stamp.log"
grep -v '^# ' "$out/vdso-$stamp.txt"
grep '^# note\|^# callgrind\|FAILED\|^Bail' "$out/vdso-$stamp.txt"
if [ -s "$out/vdso-$stamp.tsv" ]; then
	cp "$out/vdso-$stamp.tsv" "$out/vdso-latest.tsv"
else
	echo "bench: no vDSO table, see build/bench/vdso-$stamp.{txt,log}"
fi
[ -s "$out/vdso-timens-diff-$stamp.txt" ] &&
	echo "(series in-ns longer than reference: traces and diff in build/bench/vdso-timens-diff-$stamp.txt)"

# 1b. The same table for the vDSO images of Debian's config (make=vdso
#    variants base-distro, reference-vdso-distro, series-vdso-distro: the
#    images alone, -O2 and the options distributions ship, where 1. has
#    tinyconfig's -Os). Instructions only: no callgrind, fewer timing rounds.
echo
echo "== vDSO, Debian's config: instructions per call / min ns/call (this CPU, one run)"
nice python3 tests/vdso-host-path/vdso-path-check.py --table \
	--bench-calls 100000 --bench-reps 11 --bench-runs 3 \
	--tsv "$out/vdso-distro-$stamp.tsv" \
	build/out/base-distro build/out/reference-vdso-distro build/out/series-vdso-distro \
	>"$out/vdso-distro-$stamp.txt" 2>"$out/vdso-distro-$stamp.log"
grep -v '^# ' "$out/vdso-distro-$stamp.txt"
grep '^# note\|FAILED\|^Bail' "$out/vdso-distro-$stamp.txt"
[ -s "$out/vdso-distro-$stamp.tsv" ] ||
	echo "bench: no vDSO table of Debian's config, see build/bench/vdso-distro-$stamp.{txt,log}"

# 2. Size: vmlinux and vDSO images, base vs series and base vs reference.
echo
echo "== size (scripts/bloat-o-meter)"
for t in reference series-y; do
	echo "-- base -> $t: vmlinux"
	python3 build/linux/scripts/bloat-o-meter build/out/base/vmlinux build/out/$t/vmlinux | tail -1
	echo "-- base -> $t: vdso64.so"
	python3 build/linux/scripts/bloat-o-meter build/out/base/arch/x86/entry/vdso/vdso64.so.dbg \
		build/out/$t/arch/x86/entry/vdso/vdso64.so.dbg | tail -1
done | tee "$out/size-$stamp.txt"

# 3. In the guest (base, reference and series booted under QEMU, ratios):
#    syscall and vDSO per clock in and out of a namespace, namespace life
#    cycle and setns rates, memory per namespace, faults of the first
#    clock read, syscall instructions single-stepped through the gdbstub.
echo
bash bench/guest.sh || echo "bench: the guest part failed, see build/bench/guest-logs/"

# 4. arm64: the vDSO instructions per call of base-arm64, reference-arm64
#    and series-y-arm64, single-stepped in the guest (bench/arm64.sh).
echo
echo "== arm64 vDSO: instructions per call (guest, single-stepped)"
BENCH_NO_BUILD=1 bash bench/arm64.sh || echo "bench: the arm64 part failed, see build/bench/arm64-logs/"

# 5. Debian's own config (series-distro of make distro-check; built here if
#    it is not, ~1 h cold): the guest part once more, in the series column,
#    where the static key is a jump label and the kernel has PTI, retpolines
#    and paravirt clocks: the host syscall path (part e) as distributions see
#    it, while only zero-offset namespaces exist (the key off) and with one
#    with offsets (on). One round.
echo
echo "== Debian's config: the guest part on series-distro"
GB_KERNELS=series-distro GB_NAME=guest-distro GB_ROUNDS=1 bash bench/guest.sh ||
	echo "bench: the guest part on Debian's config failed, see build/bench/guest-logs/"

echo
echo "bench: results in build/bench/ (*-$stamp.*, vdso-latest.tsv)"
exit 0
