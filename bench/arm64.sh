#!/bin/bash
# bench/arm64.sh: the arm64 vDSO, instructions per call, side by side for the
# arm64 kernels of configs/variants with targets=bench (base-arm64,
# reference-arm64, series-y-arm64): tests/guest/vdso_steps single-steps each
# call in the guest (qemu-system-aarch64, TCG) for a task outside any time
# namespace (host), in one with zero offsets (zero) and in one with offsets
# (in-ns). Exact counts, one boot per kernel (~10 s each once built). Never
# fails (exit 0). Results: build/bench/arm64-<stamp>.txt and arm64-latest.txt;
# logs in build/bench/arm64-logs/<stamp>/. BENCH_NO_BUILD=1: no build.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
wb_top=$top
# shellcheck source=../scripts/variants.sh
source scripts/variants.sh
out=$top/build/bench
stamp=$(date -u +%Y%m%dT%H%M%SZ)
logs=$out/arm64-logs/$stamp
mkdir -p "$logs"
say() { echo "arm64-bench: $*"; }
mapfile -t kernels < <(for k in $(variants bench); do [ "$(vget "$k" arch x86_64)" = arm64 ] && echo "$k"; done)
[ ${#kernels[@]} -gt 0 ] || { say "no arm64 kernel with targets=bench"; exit 0; }
td=$logs/tests
mkdir -p "$td"
if ! aarch64-linux-gnu-gcc -O2 -g -Wall -static -I build/linux/tools/testing/selftests \
	-o "$td/vdso_steps" tests/guest/vdso_steps.c 2>"$logs/build.log"; then
	say "cannot build tests/guest/vdso_steps.c for arm64 (see ${logs#"$top"/}/build.log)"
	exit 0
fi
echo vdso_steps >"$td/list"
cp tests/guest/ktap.sh "$td/"
img=$logs/initramfs.cpio.gz
WB_ARCH=arm64 bash guest/mkinitramfs.sh "$img" "$td" || { say "initramfs failed"; exit 0; }
for k in "${kernels[@]}"; do
	if [ -z "${BENCH_NO_BUILD:-}" ] && ! nice bash -c 'source scripts/variants.sh && vbuild "$1"' _ "$k" >/dev/null 2>&1; then
		say "kernel $k: build failed (build/logs/build-$k.log)"
		continue
	fi
	[ -f "$(vimage "$k")" ] || { say "kernel $k: not built"; continue; }
	WB_ARCH=arm64 WB_TESTLOG=$logs/$k.tests.log WB_APPEND="wb.timeout=300" \
		bash guest/boot.sh "$(vimage "$k")" "$img" check "$logs/$k.console.log" 600 ||
		say "kernel $k: guest/boot.sh exit $?"
done
# The table: per call, the a (host), b (zero) and c (in-ns) columns of each log.
python3 - "$logs" "${kernels[@]}" <<'PY' | tee "$out/arm64-$stamp.txt"
import re, sys, os
logs, kernels = sys.argv[1], sys.argv[2:]
cols = {}
order = []
for k in kernels:
    p = os.path.join(logs, k + ".tests.log")
    on = False
    for ln in open(p, errors="replace") if os.path.exists(p) else []:
        if ln.startswith("# call "):
            on = True
            continue
        if re.match(r"(not )?ok ", ln):
            on = False
        m = on and re.match(r"# (\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s", ln)
        if m:
            c = m.group(1)
            if c not in order:
                order.append(c)
            cols[(k, c)] = m.group(2, 3, 4)
short = {k: k.replace("-arm64", "").replace("series-y", "series") for k in kernels}
head = ["call"] + ["%s host" % short[k] for k in kernels] + \
       ["%s zero" % short[k] for k in kernels if not k.startswith("base")] + \
       ["%s in-ns" % short[k] for k in kernels if not k.startswith("base")]
print("# arm64 vDSO instructions per call (vdso_steps, single-stepped in the guest; - = not counted)")
print("\t".join(head))
for c in order:
    row = [c]
    for i, what in ((0, "host"), (1, "zero"), (2, "in-ns")):
        for k in kernels:
            if what != "host" and k.startswith("base"):
                continue
            row.append(cols.get((k, c), ("-", "-", "-"))[i])
    print("\t".join(row))
ok = [c for c in order if cols.get((kernels[0], c), ("-",))[0] != "-"]
if "base-arm64" in kernels and "series-y-arm64" in kernels:
    same = all(cols.get(("base-arm64", c), ("?",))[0] == cols.get(("series-y-arm64", c), ("!",))[0] for c in ok)
    print("# series host == base host for every counted call: %s" % ("PASS" if same else "FAIL"))
PY
say "results: build/bench/arm64-$stamp.txt; logs: ${logs#"$top"/}/"
cp "$out/arm64-$stamp.txt" "$out/arm64-latest.txt" 2>/dev/null
exit 0
