#!/usr/bin/env python3
"""report.py OUT.tsv KERNEL=TESTS_LOG=E_JSONL...

The table of bench/guest.sh from the guests' "BENCH key value" lines (in
TESTS_LOG: the programs' output, the guest's second serial port) and the
single-step samples of part e (bench/host/gdbstep.py). Columns: base,
reference, series, series/reference, target, and pass/fail of the target
for reference and series. Writes the same as TSV to OUT.tsv."""
import json
import re
import sys

LABEL = {'base': 'base', 'reference': 'reference', 'series-y': 'series',
         'base-distro': 'base', 'series-distro': 'series'}
KS = ['base', 'reference', 'series']
CLOCKS = ['REALTIME', 'MONOTONIC', 'BOOTTIME', 'MONOTONIC_RAW', 'MONOTONIC_COARSE']

out_tsv = sys.argv[1]
B = {k: {} for k in KS}      # BENCH values per kernel: key -> [value per boot]
E = {k: {} for k in KS}      # part e samples per kernel, by who
seen = set()
for arg in sys.argv[2:]:
    kern, log, ej = arg.split('=', 2)
    k = LABEL.get(kern, kern)
    if k not in B:
        print('report: kernel %s has no column, left out' % kern, file=sys.stderr)
        continue
    seen.add(k)
    try:
        for ln in open(log, errors='replace'):
            m = re.search(r'BENCH (\S+) (\S+)', ln)
            if m:
                B[k].setdefault(m.group(1), []).append(m.group(2))
    except OSError:
        pass
    try:
        for ln in open(ej):
            r = json.loads(ln)
            if r.get('complete'):
                E[k].setdefault(r['who'], []).append(r)
    except (OSError, ValueError):
        pass


def nums(k, key):
    v = []
    for x in B[k].get(key, []):
        try:
            v.append(float(x))
        except ValueError:
            pass
    return v


def num(k, key, agg=min):
    """the value over all boots of kernel k (default: the minimum)"""
    v = nums(k, key)
    return agg(v) if v else None


def sval(k, key):
    v = B[k].get(key)
    return v[0] if v else None


rows = []   # metric, {k: value}, ratio, target, pass_ref, pass_ser, note


def fmt(v, f):
    if v is None:
        return '-'
    if isinstance(v, str):
        return v
    return f % v


def row(metric, vals, f='%.3f', target='', check=None, ratio=True, note=''):
    """vals: {kernel: number or str}; check(kernel) -> True/False/None"""
    r, s = vals.get('reference'), vals.get('series')
    sr = '-'
    if ratio and isinstance(r, (int, float)) and isinstance(s, (int, float)) and r:
        sr = '%.3f' % (s / r)
    pr = ps = ''
    if check:
        def pf(k):
            if not isinstance(vals.get(k), (int, float)):
                return '-'
            c = check(k)
            return '-' if c is None else ('PASS' if c else 'FAIL')
        pr, ps = pf('reference'), pf('series')
    rows.append([metric] + [fmt(vals.get(k), f) for k in KS] + [sr, target, pr, ps, note])


# --- which kernels
kernel_row = ['kernel (uname -r/-v)'] + [(sval(k, 'kernel') or '-') for k in KS] + ['-', '', '', '', '']

# --- sanity
cs = {k: ('tsc' if set(B[k].get('clocksource', [])) == {'tsc'} else ','.join(sorted(set(B[k].get('clocksource', []))))) for k in KS if k in seen}
rows.append(['clocksource'] + [cs.get(k) or '-' for k in KS] + ['-', 'tsc'] +
            [('PASS' if cs.get(k) == 'tsc' else 'FAIL') if k in seen else '-' for k in ('reference', 'series')] +
            ['vDSO numbers are meaningless with another clocksource'])
tsc_ok = {k: cs.get(k) == 'tsc' for k in KS}
row('a.ns_offset_seen_s (vdso)', {k: num(k, 'a.ns_offset_seen.vdso') for k in KS}, '%.3f',
    ratio=False, note='CLOCK_MONOTONIC in the namespace minus outside; offset written: 86400')

# --- a) clock_gettime
for path in ('vdso', 'sys'):
    for c in CLOCKS:
        host = {k: num(k, 'a.%s.%s.host' % (path, c)) if tsc_ok[k] or k not in seen else 'invalid' for k in KS}
        ns = {k: num(k, 'a.%s.%s.ns' % (path, c)) if tsc_ok[k] or k not in seen else 'invalid' for k in KS}
        row('a.%s.%s host ns/call' % (path, c), host, '%.1f',
            note='min of rounds and boots; series/reference compares different boots')
        rat = {k: (ns[k] / host[k] if isinstance(ns[k], float) and isinstance(host[k], float) and host[k]
                   else None) for k in KS}
        row('a.%s.%s in-ns/host' % (path, c), rat, '%.3f', note='ratio of the mins over all boots')
        if path == 'vdso':
            row('a.%s.%s in-ns ns/call' % (path, c), ns, '%.1f',
                note='the in-ns time itself: series/reference across boots, as the host row above')
            hb = host.get('base')
            row('a.%s.%s in-ns / base host' % (path, c),
                {k: (ns[k] / hb if isinstance(ns[k], float) and isinstance(hb, float) and hb else None)
                 for k in KS}, '%.3f',
                note='one denominator for both: base\'s host path (the series runs its instructions, or fewer)')

def per_boot(k, a, b):
    """a/b per boot, as text"""
    x, y = nums(k, a), nums(k, b)
    if not x or len(x) != len(y):
        return None
    return ' '.join('%.3f' % (p / q) for p, q in zip(x, y) if q)


row('a.vdso.MONOTONIC in-ns/host per boot',
    {k: per_boot(k, 'a.vdso.MONOTONIC.ns', 'a.vdso.MONOTONIC.host') for k in KS}, ratio=False,
    note='the spread between boots')
row('a.sys.MONOTONIC in-ns/host per boot',
    {k: per_boot(k, 'a.sys.MONOTONIC.ns', 'a.sys.MONOTONIC.host') for k in KS}, ratio=False)


def med_ratio(k, a, b):
    """median over boots of a/b (both measured in the same boot)"""
    x, y = nums(k, a), nums(k, b)
    v = sorted(p / q for p, q in zip(x, y) if q) if len(x) == len(y) else []
    if not v:
        return None
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


# --- a) a task in a zero-offset namespace (offsets never written), against
# the host task of the same boot; the control: a second host task
ZTOL = 0.03
row('a.zero_offset_seen_s (vdso)', {k: num(k, 'a.zero_offset_seen.vdso') for k in KS}, '%.3f', ratio=False,
    note='zero-offset namespace: offsets never written before its first task entered; CLOCK_MONOTONIC '
    'there minus outside (0 expected)')
row('a.zero-ns task in its own time namespace', {k: num(k, 'a.zero.own_timens') for k in KS}, '%d', ratio=False,
    note='sanity: 1 = /proc/self/ns/time of the zero-ns worker is not the host\'s')
for c in CLOCKS:
    ok = {k: tsc_ok[k] or k not in seen for k in KS}
    zr = {k: med_ratio(k, 'a.vdso.%s.zero' % c, 'a.vdso.%s.host' % c) if ok[k] else 'invalid' for k in KS}
    ctl = {k: med_ratio(k, 'a.vdso.%s.host2' % c, 'a.vdso.%s.host' % c) if ok[k] else 'invalid' for k in KS}

    def zcheck(k, zr=zr, ctl=ctl):
        tol = max(ZTOL, abs(ctl[k] - 1)) if isinstance(ctl[k], float) else ZTOL
        return abs(zr[k] - 1) <= tol
    row('a.vdso.%s zero-ns/host, same boot' % c, zr, '%.3f', '== 1 within noise', zcheck,
        note='vDSO ns/call of a task in a zero-offset namespace / of the host task, min of 61 rounds each, '
        'same boot, median over boots; pass: within max(%.2f, |control - 1|) of 1' % ZTOL if c == CLOCKS[0] else '')
    row('a.vdso.%s host2/host (control)' % c, ctl, '%.3f',
        note='a second host task taking turns with the others: the noise of the method' if c == CLOCKS[0] else '')
row('a.vdso.MONOTONIC zero-ns/host per boot',
    {k: per_boot(k, 'a.vdso.MONOTONIC.zero', 'a.vdso.MONOTONIC.host') for k in KS}, ratio=False)
row('a.vdso.MONOTONIC host2/host per boot',
    {k: per_boot(k, 'a.vdso.MONOTONIC.host2', 'a.vdso.MONOTONIC.host') for k in KS}, ratio=False)
row('a.sys.MONOTONIC zero-ns/host, same boot',
    {k: med_ratio(k, 'a.sys.MONOTONIC.zero', 'a.sys.MONOTONIC.host') for k in KS}, '%.3f',
    note='the syscall; a namespace with offsets exists in the same boot')

# --- b) fork and setns
rate = {}
for op in ('fork_plain', 'fork_unshare_time', 'setns_time', 'setns_uts', 'setns_zero', 'setns_zero_zero'):
    rate[op] = {k: (1e9 / num(k, 'b.%s.ns_per_iter' % op) if num(k, 'b.%s.ns_per_iter' % op) else None)
                for k in KS}
row('b.fork+exit+wait per s', rate['fork_plain'], '%.1f',
    note='single iterations alternating with the other of the pair, 10th percentile, best boot; the guest program is pinned to one vCPU')
row('b.unshare(NEWTIME)+fork+exit+wait per s', rate['fork_unshare_time'], '%.1f')
fr = {k: med_ratio(k, 'b.fork_plain.ns_per_iter', 'b.fork_unshare_time.ns_per_iter') for k in KS}
row('b.unshare+fork / plain fork', fr, '%.3f', '>= 0.9', lambda k: fr[k] >= 0.9,
    note='rates of the 10th percentiles, both in the same boot; median over boots')
med = {k: (num(k, 'b.fork_plain.median_ns_per_iter') / num(k, 'b.fork_unshare_time.median_ns_per_iter')
           if num(k, 'b.fork_plain.median_ns_per_iter') and num(k, 'b.fork_unshare_time.median_ns_per_iter')
           else None) for k in KS}
row('b.unshare+fork / plain fork (medians)', med, '%.3f', note='for the noise')
mins = {k: (num(k, 'b.fork_plain.min_ns_per_iter') / num(k, 'b.fork_unshare_time.min_ns_per_iter')
            if num(k, 'b.fork_plain.min_ns_per_iter') and num(k, 'b.fork_unshare_time.min_ns_per_iter')
            else None) for k in KS}
row('b.unshare+fork / plain fork (minima)', mins, '%.3f')
row('b.unshare+fork / plain fork per boot',
    {k: per_boot(k, 'b.fork_plain.ns_per_iter', 'b.fork_unshare_time.ns_per_iter') for k in KS}, ratio=False)
row('b.setns time round trips per s', rate['setns_time'], '%.0f')
row('b.setns uts round trips per s', rate['setns_uts'], '%.0f')
sr = {k: med_ratio(k, 'b.setns_uts.ns_per_iter', 'b.setns_time.ns_per_iter') for k in KS}
row('b.setns time / uts round trip', sr, '%.3f', '>= 0.5', lambda k: sr[k] >= 0.5)
med = {k: (num(k, 'b.setns_uts.median_ns_per_iter') / num(k, 'b.setns_time.median_ns_per_iter')
           if num(k, 'b.setns_uts.median_ns_per_iter') and num(k, 'b.setns_time.median_ns_per_iter')
           else None) for k in KS}
row('b.setns time / uts (medians)', med, '%.3f', note='for the noise')
mins = {k: (num(k, 'b.setns_uts.min_ns_per_iter') / num(k, 'b.setns_time.min_ns_per_iter')
            if num(k, 'b.setns_uts.min_ns_per_iter') and num(k, 'b.setns_time.min_ns_per_iter')
            else None) for k in KS}
row('b.setns time / uts (minima)', mins, '%.3f')
row('b.setns time / uts per boot',
    {k: per_boot(k, 'b.setns_uts.ns_per_iter', 'b.setns_time.ns_per_iter') for k in KS}, ratio=False)
row('b.setns host<->zero-ns round trips per s', rate['setns_zero'], '%.0f',
    note='setns() into a zero-offset namespace and back to the host\'s; in turn with the time and UTS '
    'round trips above')
row('b.setns zero-ns<->zero-ns round trips per s', rate['setns_zero_zero'], '%.0f',
    note='from one zero-offset namespace into another and back')
for op, what in (('setns_zero', 'host<->zero-ns'), ('setns_zero_zero', 'zero-ns<->zero-ns')):
    zr = {k: med_ratio(k, 'b.setns_uts.ns_per_iter', 'b.%s.ns_per_iter' % op) for k in KS}
    row('b.setns %s / uts round trip' % what, zr, '%.3f', '>= 0.5', lambda k, zr=zr: zr[k] >= 0.5)
    md = {k: (num(k, 'b.setns_uts.median_ns_per_iter') / num(k, 'b.%s.median_ns_per_iter' % op)
              if num(k, 'b.setns_uts.median_ns_per_iter') and num(k, 'b.%s.median_ns_per_iter' % op)
              else None) for k in KS}
    row('b.setns %s / uts (medians)' % what, md, '%.3f')
    row('b.setns %s / uts per boot' % what,
        {k: per_boot(k, 'b.setns_uts.ns_per_iter', 'b.%s.ns_per_iter' % op) for k in KS}, ratio=False)


# --- c) memory
def per_ns(k, field):
    vals = []
    for run in ('ns', 'ns2', 'ns3'):
        n, v = num(k, 'c.%s.n' % run), num(k, 'c.%s.%s' % (run, field))
        if n and v is not None:
            vals.append(v / n)
    return min(vals) if vals else None


def per_fd(k, field):
    n, v = num(k, 'c.fdonly.n'), num(k, 'c.fdonly.%s' % field)
    return v / n if n and v is not None else None


raw = {k: per_ns(k, 'memfree_kib') for k in KS}
tol = 0.1
row('c.KiB per namespace, MemFree (ns+fd)', raw, '%.2f', '<= reference',
    lambda k: None if k == 'reference' or raw['reference'] is None else raw[k] <= raw['reference'] + tol,
    note='10,000 namespaces each held by an fd; min of 3 runs; pass within %.1f KiB' % tol)
row('c.KiB per namespace, MemAvailable', {k: per_ns(k, 'memavail_kib') for k in KS}, '%.2f')
row('c.KiB per namespace, Slab', {k: per_ns(k, 'slab_kib') for k in KS}, '%.2f',
    note='SLOB kernels: Slab = slob pages; no /proc/slabinfo')
fd = {k: per_fd(k, 'memfree_kib') for k in KS}
row('c.KiB per fd alone (10,000 fds, one ns)', fd, '%.2f', note='the cost of the fds themselves')
net = {k: (raw[k] - fd[k] if raw[k] is not None and fd[k] is not None else None) for k in KS}
row('c.KiB per namespace, net of the fd', net, '%.2f', '<= reference',
    lambda k: None if k == 'reference' or net['reference'] is None else net[k] <= net['reference'] + tol)
fr = {k: (per_ns(k, 'freed_kib') / raw[k] if raw[k] and per_ns(k, 'freed_kib') is not None else None)
      for k in KS}
row('c.freed after close / taken', fr, '%.2f', ratio=False, note='sanity: about 1')



# C) namespaces with a task in each (frozen), net of the tasks themselves:
# steps in one process, nothing exiting in between
def ct_per(k, run, field='memfree_kib'):
    n, v = num(k, 'C.%s.n' % run), num(k, 'C.%s.%s' % (run, field))
    return v / n if n and v is not None else None


def ct_net(k, run, field='memfree_kib'):
    a, t = ct_per(k, run, field), ct_per(k, 'tasks', field)
    return a - t if a is not None and t is not None else None


row('C.KiB per sleeping host task (2,000 tasks)', {k: ct_per(k, 'tasks') for k in KS}, '%.2f',
    note='MemFree, in one process, steps of 2,000 sleeping tasks each, nothing exiting in between: host tasks '
    '(the cost of the tasks, subtracted below), then each in a namespace of its own (its first entry: frozen) '
    'with offsets untouched, then with offsets written; one run, round 1')
cto = {k: ct_net(k, 'ns_task') for k in KS}
ctz = {k: ct_net(k, 'zero_task') for k in KS}
row('C.KiB per zero-offset namespace + a task, net of the task', ctz, '%.2f')
row('C.KiB per namespace with offsets + a task, net of the task', cto, '%.2f')
row('C.zero-offset - with offsets, KiB per namespace',
    {k: (ctz[k] - cto[k] if ctz[k] is not None and cto[k] is not None else None) for k in KS}, '%.2f',
    ratio=False, note='what a zero-offset namespace saves (its data page would be 4 KiB)')
row('C.Slab KiB per namespace + a task, net: zero-offset / offsets',
    {k: ('%.2f / %.2f' % (ct_net(k, 'zero_task', 'slab_kib'), ct_net(k, 'ns_task', 'slab_kib'))
         if ct_net(k, 'zero_task', 'slab_kib') is not None and ct_net(k, 'ns_task', 'slab_kib') is not None
         else None) for k in KS}, ratio=False)
row('C.freed after exit / taken',
    {k: (num(k, 'C.freed_kib') / num(k, 'C.taken_kib') if num(k, 'C.taken_kib') and num(k, 'C.freed_kib') is not None
         else None) for k in KS}, '%.2f', ratio=False, note='sanity: about 1')
slabinfo = {k: sval(k, 'c.slabinfo') for k in KS if k in seen}
rows.append(['c./proc/slabinfo'] + [slabinfo.get(k) or '-' for k in KS] + ['-', '', '', '',
            'tinyconfig: SLOB, so no slabinfo; meminfo used'])


# --- d) faults
def dval(k, who, what='first'):
    mn, mx = num(k, 'd.%s.%s_min' % (who, what)), num(k, 'd.%s.%s_max' % (who, what), max)
    if mn is None:
        return None
    return mn if mn == mx else '%d..%d' % (mn, mx)


dh = {k: dval(k, 'host') for k in KS}
dn = {k: dval(k, 'ns') for k in KS}
row('d.faults of 1st clock_gettime, host task', dh, '%d', ratio=False, note='min..max of 5 fresh tasks per boot, all boots')
row('d.faults of 1st clock_gettime, ns task', dn, '%d', '== host',
    lambda k: dn[k] == dh[k], ratio=False)
row('d.of them on data pages, host task', {k: dval(k, 'host', 'data') for k in KS}, '%d', ratio=False,
    note='the same with the vDSO text read before: the faults on the vvar/timens pages alone')
row('d.of them on data pages, ns task', {k: dval(k, 'ns', 'data') for k in KS}, '%d', ratio=False)
dz = {k: dval(k, 'zero') for k in KS}
row('d.faults of 1st clock_gettime, zero-ns task', dz, '%d', '== host',
    lambda k: dz[k] == dh[k], ratio=False, note='a fresh task in a fresh zero-offset namespace')
row('d.of them on data pages, zero-ns task', {k: dval(k, 'zero', 'data') for k in KS}, '%d', ratio=False)

# --- f) a fresh exec'd process: faults and time of its first time() and clock_gettime()
def median(v):
    v = sorted(v)
    if not v:
        return None
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def frange(k, key):
    mn, mx = num(k, key + '_min'), num(k, key + '_max', max)
    if mn is None:
        return None
    return '%d' % mn if mn == mx else '%d..%d' % (mn, mx)


def ffaults(k, who, pre, order):
    b = 'f.%s.%s.%s.' % (who, pre, order)
    c, t, tot = frange(k, b + 'cg.faults'), frange(k, b + 'time.faults'), frange(k, b + 'total.faults')
    if c is None or t is None or tot is None:
        return None
    sec = num(k, b + 'total.faults_second_max', max)
    return '%s+%s=%s' % (c, t, tot) + ('' if not sec else ' (2nd calls: %d)' % sec)


def over_base(vals):
    b = vals.get('base')
    return {k: (v / b if isinstance(v, float) and isinstance(b, float) and b else None) for k, v in vals.items()}


ORD = {'cgfirst': 'clock_gettime then time()', 'timefirst': 'time() then clock_gettime'}
row('f.ns_offset_seen_s (fresh exec in ns)', {k: num(k, 'f.ns_offset_seen') for k in KS}, '%.3f', ratio=False,
    note='the fresh process exec\'d in the namespace: its CLOCK_MONOTONIC minus the host\'s just before; offset 86400')
for pre, what in (('data', 'data pages'), ('raw', 'text+data')):
    for who in ('host', 'ns'):
        for order in ('cgfirst', 'timefirst'):
            fv = {k: ffaults(k, who, pre, order) for k in KS}
            row('f.faults/exec %s, %s: cg+time=total (%s)' % (who, ORD[order], what), fv, ratio=False,
                note='minor faults of the first clock_gettime(MONOTONIC) + of the first time() = total, in a '
                'freshly exec\'d process (getrusage around each call); min..max over all execs and boots; '
                'data pages: the vDSO text read before the calls, so only vvar/timens faults are left; '
                'text+data: not read; execs per order and boot: host 200, ns 50 (data pages), 10 (text+data)'
                if (pre, who, order) == ('data', 'host', 'cgfirst') else '')
fh = {}
for order in ('cgfirst', 'timefirst'):
    b = 'f.host.data.%s.' % order
    calls = ('cg', 'time') if order == 'cgfirst' else ('time', 'cg')
    for c in calls:
        name = {'cg': 'clock_gettime', 'time': 'time()'}[c]
        med = {k: median(nums(k, b + c + '.first_med_ns')) for k in KS}
        mn = {k: num(k, b + c + '.first_min_ns') for k in KS}
        row('f.host %s: first %s ns, median' % (ORD[order], name), med, '%.0f',
            note='rdtsc around the call in a freshly exec\'d process (vDSO text read first, ASLR off); median of '
            '200 execs per boot, median over boots; min: over all execs and boots' if (order, c) == ('cgfirst', 'cg') else '')
        row('f.host %s: first %s ns, min' % (ORD[order], name), mn, '%.0f')
    both = {k: median(nums(k, b + 'both.first_med_ns')) for k in KS}
    bmin = {k: num(k, b + 'both.first_min_ns') for k in KS}
    warm = {k: median(nums(k, b + 'both.second_med_ns')) for k in KS}
    extra = {k: (both[k] - warm[k] if both[k] is not None and warm[k] is not None else None) for k in KS}
    row('f.host %s: both first calls ns, median' % ORD[order], both, '%.0f')
    row('f.host %s: both first calls ns, min' % ORD[order], bmin, '%.0f')
    row('f.host %s: both second calls ns, median' % ORD[order], warm, '%.0f',
        note='the same two calls again in the same process: warm PTEs and TLB' if order == 'cgfirst' else '')
    row('f.host %s: first-call extra (both 1st - both 2nd) ns, median' % ORD[order], extra, '%.0f')
    fh[order] = extra
    row('f.host %s: first-call extra / base' % ORD[order], over_base(extra), '%.3f', ratio=False,
        note='ratios to base: different boots of the same host' if order == 'cgfirst' else '')
for order, c in (('cgfirst', 'time'), ('timefirst', 'cg')):
    b = 'f.host.data.%s.%s.' % (order, c)
    name = {'cg': 'clock_gettime', 'time': 'time()'}[c]
    for st in ('med', 'min'):
        ex = {k: (median(nums(k, b + 'first_%s_ns' % st)) - median(nums(k, b + 'second_%s_ns' % st))
                  if nums(k, b + 'first_%s_ns' % st) and nums(k, b + 'second_%s_ns' % st) else None) for k in KS}
        row('f.host %s: 2nd function\'s first call - its 2nd call ns, %s' % (ORD[order], 'median' if st == 'med' else 'min'),
            ex, '%.0f', ratio=False,
            note='the first touch of the other function\'s data page once the first call has faulted: '
            'the same page in base and reference, another virtual page (slot 4 / VVAR) in series'
            if (order, st) == ('cgfirst', 'med') else '')
for order in ('cgfirst', 'timefirst'):
    hn = {k: med_ratio(k, 'f.host.data.%s.both.first_min_ns' % order, 'f.ns.data.%s.both.first_min_ns' % order)
          for k in KS}
    row('f.host/ns %s: both first calls, min, same boot' % ORD[order], hn, '%.3f',
        note='the host task\'s first-call cost against the ns task\'s (whose fault maps two slots in both kernels) '
        'in the same boot; median over boots' if order == 'cgfirst' else '')
for order in ('cgfirst', 'timefirst'):
    b = 'f.ns.data.%s.' % order
    both = {k: median(nums(k, b + 'both.first_med_ns')) for k in KS}
    warm = {k: median(nums(k, b + 'both.second_med_ns')) for k in KS}
    row('f.ns %s: both first calls ns, median' % ORD[order], both, '%.0f', note='50 execs per boot' if order == 'cgfirst' else '')
    row('f.ns %s: both second calls ns, median' % ORD[order], warm, '%.0f')
row('f.host rdtsc floor (stub call) ns, median', {k: median(nums(k, 'f.host.data.cgfirst.empty_med_ns')) for k in KS},
    '%.0f', note='rdtsc pair around a call of a stub in the fresh process: included in every time above')

# --- g) time() and clock_gettime alternated
gp = {k: num(k, 'g.pair.host') for k in KS}
gpn = {k: num(k, 'g.pair.ns') for k in KS}
gt = {k: num(k, 'g.time.host') for k in KS}
gc = {k: num(k, 'g.cg.host') for k in KS}
row('g.host time()+clock_gettime(MONO) pair ns', gp, '%.1f',
    note='alternated in a loop, vDSO entry points, host and ns workers taking turns; min of 61 rounds and the boots')
row('g.host pair / base', over_base(gp), '%.3f', ratio=False)
row('g.host time() alone ns/call', gt, '%.2f')
row('g.host time() alone / base', over_base(gt), '%.3f', ratio=False)
row('g.host clock_gettime(MONO) alone ns/call', gc, '%.1f')
row('g.host pair - (time() + cg) ns', {k: (gp[k] - gt[k] - gc[k] if None not in (gp[k], gt[k], gc[k]) else None)
                                       for k in KS}, '%.2f', ratio=False,
    note='what alternating the two pages costs over the two calls apart (mins, the same boots)')
row('g.ns pair ns', gpn, '%.1f')
row('g.ns time() alone ns/call', {k: num(k, 'g.time.ns') for k in KS}, '%.2f')
row('g.pair in-ns/host', {k: med_ratio(k, 'g.pair.ns', 'g.pair.host') for k in KS}, '%.3f',
    note='both in the same boot; median over boots')
row('g.time() in-ns/host', {k: med_ratio(k, 'g.time.ns', 'g.time.host') for k in KS}, '%.3f')

# --- e) syscall path, single-stepped
def emin(k, who):
    s = E[k].get(who)
    return min(s, key=lambda r: r['total']) if s else None


def erange(k, who, key):
    s = E[k].get(who)
    if not s:
        return None
    lo, hi = min(r[key] for r in s), max(r[key] for r in s)
    return lo if lo == hi else '%d..%d' % (lo, hi)


eh = {k: emin(k, 'host') for k in KS}
en = {k: emin(k, 'ns') for k in KS}
tot = {k: (eh[k]['total'] if eh[k] else None) for k in KS}
row('e.host syscall insns, entry..sysret (min)', tot, '%d',
    note='entry_SYSCALL_64 to the first user instruction, single-stepped; rep string iterations count once; '
    'CLOCK_REALTIME set so that wall_to_monotonic has ~0 ns (no normalisation loop); %s samples' %
    '/'.join(str(len(E[k].get('host', []))) for k in KS))
row('e.host syscall insns, all samples', {k: erange(k, 'host', 'total') for k in KS}, '%d', ratio=False)
row('e.host __x64_sys_clock_gettime insns (min)', {k: (eh[k]['sys_fn'] if eh[k] else None) for k in KS},
    '%d')
row('e.host insns in *timens*/*time_ns* functions', {k: (eh[k]['ns_named'] if eh[k] else None) for k in KS},
    '%d')
dif = {k: (tot[k] - tot['base'] if tot[k] is not None and tot['base'] is not None else None) for k in KS}
row('e.host namespace work = insns - base', dif, '%d', '<= 3', lambda k: dif[k] <= 3, ratio=False)
row('e.ns task syscall insns (min)', {k: (en[k]['total'] if en[k] else None) for k in KS}, '%d')
ez = {k: emin(k, 'hostz') for k in KS}
ezt = {k: emin(k, 'zero') for k in KS}
totz = {k: (ez[k]['total'] if ez[k] else None) for k in KS}
# base: no namespace at all (phase 1 of base's gstep has none)
zbase = totz['base'] if totz['base'] is not None else tot['base']
row('e.host syscall insns, only zero-offset ns exist (min)', totz, '%d', '== base',
    lambda k: None if zbase is None else totz[k] == zbase,
    note='the same host looper stepped before any namespace with offsets exists in the boot, while one '
    'zero-offset namespace with a task in it does (base: no namespace); %s samples' %
    '/'.join(str(len(E[k].get('hostz', []))) for k in KS))
row('e.host syscall insns, only zero-offset ns, all samples', {k: erange(k, 'hostz', 'total') for k in KS}, '%d',
    ratio=False)
difz = {k: (totz[k] - zbase if totz[k] is not None and zbase is not None else None) for k in KS}
row('e.host namespace work, only zero-offset ns = insns - base', difz, '%d', ratio=False)
row('e.zero-ns task syscall insns (min)', {k: (ezt[k]['total'] if ezt[k] else None) for k in KS}, '%d',
    note='the task in the zero-offset namespace, same phase')

# phase 3: setns() of a task outside any namespace, single-stepped
es = {w: {k: emin(k, w) for k in KS} for w in ('setns_in', 'setns_out', 'uts_in', 'uts_out')}
for w, what in (('setns_in', 'into the namespace with offsets'), ('setns_out', 'back to the initial one'),
                ('uts_in', 'into a UTS namespace'), ('uts_out', 'back to the initial UTS one')):
    row('e.setns() %s, insns (min)' % what, {k: (es[w][k]['total'] if es[w][k] else None) for k in KS}, '%d',
        note='entry_SYSCALL_64 to user space; no clock read in between, as in part b; %s samples' %
        '/'.join(str(len(E[k].get(w, []))) for k in KS) if w == 'setns_in' else '')


def rt_ratio(k):
    v = [es[w][k]['total'] if es[w][k] else None for w in ('uts_in', 'uts_out', 'setns_in', 'setns_out')]
    return None if None in v else (v[0] + v[1]) / (v[2] + v[3])


setns_notes = []
row('e.setns() round trip, UTS / time insns', {k: rt_ratio(k) for k in KS}, '%.3f',
    note='the instruction counts behind part b\'s time / uts rate ratio')
for k in ('reference', 'series'):
    if es['setns_in'][k] and es['uts_in'][k]:
        a, b = es['uts_in'][k]['per_fn'], es['setns_in'][k]['per_fn']
        d = {f: b.get(f, 0) - a.get(f, 0) for f in set(a) | set(b)}
        d = {f: v for f, v in d.items() if v > 0}
        top = sorted(d.items(), key=lambda x: -x[1])[:15]
        setns_notes.append('e: %s setns() into time - into UTS, the 15 largest per function: ' % k +
                           ', '.join('%s %+d' % (f, v) for f, v in top))

# per-function differences against base (host, min samples), as notes
notes = setns_notes
if eh['base']:
    for k in ('reference', 'series'):
        if not eh[k]:
            continue
        a, b = eh['base']['per_fn'], eh[k]['per_fn']
        d = {f: b.get(f, 0) - a.get(f, 0) for f in set(a) | set(b)}
        d = {f: v for f, v in d.items() if v}
        notes.append('e: %s - base, per function: ' % k +
                     (', '.join('%s %+d' % (f, v) for f, v in sorted(d.items(), key=lambda x: -abs(x[1])))
                      or 'none'))
zb = ez['base'] or eh['base']
if zb:
    for k in ('reference', 'series'):
        if not ez[k]:
            continue
        a, b = zb['per_fn'], ez[k]['per_fn']
        d = {f: b.get(f, 0) - a.get(f, 0) for f in set(a) | set(b)}
        d = {f: v for f, v in d.items() if v}
        notes.append('e: %s - base, only zero-offset ns, per function: ' % k +
                     (', '.join('%s %+d' % (f, v) for f, v in sorted(d.items(), key=lambda x: -abs(x[1])))
                      or 'none'))

# --- print
hdr = ['metric', 'base', 'reference', 'series', 'series/reference', 'target', 'pass_reference',
       'pass_series', 'note']
with open(out_tsv, 'w') as f:
    f.write('\t'.join(hdr) + '\n')
    for r in [kernel_row] + rows:
        f.write('\t'.join(str(x) for x in r) + '\n')
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr) - 1)]
for r in [hdr] + rows:
    print('  '.join(str(x).ljust(w[i]) for i, x in enumerate(r[:-1])).rstrip())
print()
print('Notes:')
print('  kernels: ' + '; '.join('%s %s' % (k, v) for k, v in zip(KS, kernel_row[1:4])))
printed = set()
for r in rows:
    if r[-1] and r[-1] not in printed:
        printed.add(r[-1])
        print('  %s: %s' % (r[0], r[-1]))
for n in notes:
    print('  ' + n)
missing = [k for k in KS if k not in seen]
if missing:
    print('  not run: ' + ', '.join(missing))
