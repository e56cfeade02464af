# gdb -nx -batch -x bench/host/gdbstep.py  (part e of bench/guest.sh)
#
# Attach to QEMU's gdbstub, stop a clock_gettime(CLOCK_MONOTONIC) syscall of
# bench/guest/gstep at entry_SYSCALL_64 (condition: %rax == 228 and the
# looper's magic in %rdx), then stepi with only that vCPU running (QEMU steps
# with interrupts and timers masked) until %rip is back in user space, i.e.
# the whole kernel path from the syscall entry to sysret/iret. Every PC is
# mapped to its function through System.map; a PC repeated in a row (rep
# string iterations) counts once. Writes one JSON line per sample
# to $GS_OUT, then sets the looper's stop flag and detaches.
# Two phases (see gstep.c): 1, only a zero-offset namespace exists: the host
# looper ("hostz") and the zero-offset namespace's ("zero"); then the phase-2
# flag is set, and 2, a namespace with offsets exists too: the host looper
# ("host") and the one in that namespace ("ns"); then, with GS_NS=1, 3: the
# setns() calls of a task outside any namespace into that namespace
# ("setns_in", syscall 308) and back ("setns_out"), into a UTS namespace and
# back ("uts_in", "uts_out").
#
# Environment: GS_PORT, GS_VMLINUX, GS_SYSMAP, GS_OUT, GS_STOP (address of
# the flag page), GS_NS (1: also step the looper in a time namespace with
# offsets), GS_ZERO (1: also step the looper in the zero-offset namespace),
# GS_SAMPLES (per looper, default 3).
import bisect
import json
import os
import time

import gdb

port = os.environ['GS_PORT']
sysmap = os.environ['GS_SYSMAP']
outp = os.environ['GS_OUT']
stop = int(os.environ['GS_STOP'], 16)
do_ns = os.environ.get('GS_NS', '0') == '1'
do_zero = os.environ.get('GS_ZERO', '0') == '1'
PHASE2 = stop + 16   # int [4] of the flag page: gstep's phase 2
PHASE3 = stop + 28   # int [7]: gstep's phase 3
nsamp = int(os.environ.get('GS_SAMPLES', '3'))
MAXSTEPS = 30000
USER_TOP = 0xffff800000000000

addrs, names = [], []
entry = None
for ln in open(sysmap):
    f = ln.split()
    if len(f) < 3 or f[1] not in 'tTwW':
        continue
    a = int(f[0], 16)
    addrs.append(a)
    names.append(f[2])
    if f[2] == 'entry_SYSCALL_64':
        entry = a
order = sorted(range(len(addrs)), key=lambda i: addrs[i])
addrs = [addrs[i] for i in order]
names = [names[i] for i in order]


def sym(pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else '?'


def log(msg):
    print('gdbstep: ' + msg, flush=True)


gdb.execute('set pagination off')
gdb.execute('set confirm off')
gdb.execute('set width 0')
if os.environ.get('GS_VMLINUX'):
    gdb.execute('file ' + os.environ['GS_VMLINUX'])
gdb.execute('target remote 127.0.0.1:' + port)
gdb.execute('break *%#x' % entry)
bp = gdb.breakpoints()[-1]
bp.enabled = False


def pc_now():
    return int(gdb.parse_and_eval('$pc')) & 0xffffffffffffffff


def sample(magic, nr=228):
    bp.condition = '$rax == %d && $rdx == %#x' % (nr, magic)
    bp.enabled = True
    gdb.execute('set scheduler-locking off')
    gdb.execute('continue', to_string=True)
    bp.enabled = False
    if pc_now() != entry:
        raise RuntimeError('stopped at %#x, not at entry_SYSCALL_64' % pc_now())
    gdb.execute('set scheduler-locking on')
    pcs = []
    while len(pcs) < MAXSTEPS:
        pc = pc_now()
        if pc < USER_TOP:
            break
        pcs.append(pc)
        gdb.execute('stepi', to_string=True)
    return pcs


def analyse(steps, sysfn='__x64_sys_clock_gettime'):
    # the same PC twice in a row: the iterations of a rep-prefixed string
    # instruction (rep stos of zero-initialised locals here), or QEMU
    # reporting an instruction again after leaving its translation block;
    # counted once (as the CPU counts retired instructions)
    reps = ['%s+%#x' % (sym(steps[j]), steps[j] - addrs[bisect.bisect_right(addrs, steps[j]) - 1])
            for j in range(1, len(steps)) if steps[j] == steps[j - 1]]
    pcs = [p for j, p in enumerate(steps) if j == 0 or p != steps[j - 1]]
    fn = [sym(p) for p in pcs]
    per = {}
    for f in fn:
        per[f] = per.get(f, 0) + 1
    # the system call's function (__x64_sys_clock_gettime) from its first
    # instruction to its ret (the first instruction back in its caller)
    sysc = None
    if sysfn in fn:
        i0 = fn.index(sysfn)
        caller = fn[i0 - 1] if i0 else None
        i1 = next((j for j in range(i0 + 1, len(fn)) if fn[j] == caller), len(fn))
        sysc = i1 - i0
    nsw = sum(c for f, c in per.items() if 'timens' in f.lower() or 'time_ns' in f.lower())
    seq = []
    for f in fn:
        if not seq or seq[-1][0] != f:
            seq.append([f, 0])
        seq[-1][1] += 1
    return {'total': len(pcs), 'steps': len(steps), 'complete': len(steps) < MAXSTEPS,
            'sys_fn': sysc, 'ns_named': nsw, 'per_fn': per, 'seq': seq, 'repeats': reps}


def set_flag(addr, what, magic):
    """write 1 to the flag page, mapped at the same address in every looper;
    only from the user space of one of them (where a complete sample stops;
    after a failed one, one more sample of the looper passing MAGIC)"""
    try:
        gdb.execute('set scheduler-locking off')
        if pc_now() >= USER_TOP:
            sample(magic)
        if pc_now() < USER_TOP:
            gdb.execute('set {int}%#x = 1' % addr)
            log('%s flag set' % what)
            return True
        log('could not set the %s flag: stopped at %#x, not in user space' % (what, pc_now()))
    except Exception as e:  # noqa: BLE001
        log('could not set the %s flag: %s' % (what, e))
    return False


with open(outp, 'w') as out:
    phase1 = [('hostz', 0x7413)] + ([('zero', 0x7414)] if do_zero else [])
    phase2 = [('host', 0x7411)] + ([('ns', 0x7412)] if do_ns else [])
    phase3 = [('setns_in', 0x7415), ('setns_out', 0x7416), ('uts_in', 0x7417),
              ('uts_out', 0x7418)] if do_ns else []
    who = ([(w, m, 1) for w, m in phase1] + [(w, m, 2) for w, m in phase2] +
           [(w, m, 3) for w, m in phase3])
    phase = 1
    for w, magic, ph in who:
        if ph != phase:
            if not set_flag(PHASE2 if ph == 2 else PHASE3, 'phase %d' % ph,
                            0x7413 if phase == 1 else 0x7411):
                break
            phase = ph
        nr, sysfn = (308, '__x64_sys_setns') if ph == 3 else (228, '__x64_sys_clock_gettime')
        for k in range(nsamp):
            t0 = time.time()
            try:
                r = analyse(sample(magic, nr), sysfn)
            except Exception as e:  # noqa: BLE001 - report and go on
                log('%s sample %d failed: %s' % (w, k, e))
                continue
            r['who'] = w
            r['sample'] = k
            out.write(json.dumps(r) + '\n')
            out.flush()
            log('%s sample %d: %d insns, %d steps (syscall fn %s, timens-named %d) in %.1fs'
                % (w, k, r['total'], r['steps'], r['sys_fn'], r['ns_named'], time.time() - t0))
    # let the loopers finish: the flag page is mapped at the same address in
    # all (a shared anonymous mapping inherited from gstep), and we stopped
    # in user space of one of them
    set_flag(stop, 'stop', 0x7413 if phase == 1 else 0x7411)
gdb.execute('detach')
