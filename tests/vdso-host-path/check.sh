#!/bin/bash
# vdso-host-path/check.sh BASE_OUT SERIES_OUT [LOG [NAME [ALLOW]]]: what a task outside any time
# namespace executes in __vdso_clock_gettime, __vdso_gettimeofday and
# __vdso_time of the series (CONFIG_TIME_NS=y) against base, single-stepped
# in user space (tests/vdso-host-path/vdso-run.c): the x86_64 image vdso64.so
# (vdso-host-path/clock_gettime:MONOTONIC ...) and the ia32 one vdso32.so,
# with __vdso_clock_gettime64 and __vdso_clock_getres too
# (vdso-host-path/ia32/clock_gettime64:MONOTONIC ...; run by a gcc -m32 build
# of vdso-run). One PASS/FAIL line per case: the series
# may not execute more instructions than base, beyond the allowances in
# tests/vdso-host-path/allow. The full diff (and, where the series is longer,
# both annotated traces) is in build/logs/vdso-host-path.log.
# NAME (default vdso-host-path) names the results, ALLOW the allowances
# (/dev/null: none): make check runs it a second time on the vDSO images of
# Debian's config (-O2, base-distro and series-vdso-distro), as
# vdso-host-path-debian/... with no allowance.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
base=$1 series=$2
log=${3:-$top/build/logs/vdso-host-path.log}
name=${4:-vdso-host-path}
allow=${5:-$top/tests/vdso-host-path/allow}
if ! python3 "$top/tests/vdso-host-path/vdso-path-check.py" --wait 0 "$base" "$series" >"$log" 2>&1 &&
   ! grep -q '^not ok\|^ok' "$log"; then
	echo "FAIL $name/run  # vdso-path-check failed, see ${log#"$top"/}"
	exit 0
fi
python3 - "$log" "$allow" "$name" <<'PY'
import os, re, sys
log, allow, name = sys.argv[1], sys.argv[2], sys.argv[3]
names = {'realtime': 'REALTIME', 'monotonic': 'MONOTONIC', 'boottime': 'BOOTTIME',
         'tai': 'TAI', 'monotonic_raw': 'MONOTONIC_RAW',
         'realtime_coarse': 'REALTIME_COARSE', 'monotonic_coarse': 'MONOTONIC_COARSE'}
allowed = {}
for ln in open(allow):
    ln = ln.split('#', 1)[0].split()
    if len(ln) == 2:
        allowed[ln[0]] = int(ln[1])
seen = 0
for ln in open(log):
    m = re.match(r'(not ok|ok) \d+ - vdso_host_path_(ia32_)?(?:(run)|(clock_gettime64|clock_gettime|clock_getres|gettimeofday|time)_(\w+)) # (.*)', ln)
    if not m:
        continue
    seen += 1
    abi = 'ia32/' if m.group(2) else ''
    fn, arg, rest = m.group(4), m.group(5), m.group(6)
    if m.group(3):
        case = abi + 'run'
    elif fn.startswith('clock_get'):
        case = abi + fn + ':' + names.get(arg, arg.upper())
    else:
        case = abi + fn + ':' + arg
    if m.group(1) == 'ok':
        print(f'PASS {name}/{case}  # identical, {rest}')
        continue
    c = re.search(r'base (\d+) insns, series (\d+) insns', rest)
    if not c:
        print(f'FAIL {name}/{case}  # {rest}')
        continue
    b, s = int(c.group(1)), int(c.group(2))
    extra = s - b
    if extra <= allowed.get(case, 0):
        how = 'fewer' if extra < 0 else ('allowed, see tests/vdso-host-path/allow' if extra else 'same count, other order')
        print(f'PASS {name}/{case}  # base {b}, series {s} ({how})')
    else:
        print(f'FAIL {name}/{case}  # base {b}, series {s}: {extra} more than base')
if seen == 0:
    print(f'FAIL {name}/run  # no result, see {os.path.relpath(log)}')
PY
