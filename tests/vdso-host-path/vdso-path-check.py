#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vdso-path-check - compare the instructions a task OUTSIDE any time namespace
executes in the x86_64 vDSO (__vdso_clock_gettime, __vdso_gettimeofday,
__vdso_time) of two kernel builds, by running each build's vdso64.so in
user space with vdso-run (synthetic VVAR page, ptrace single stepping);
and the same for the ia32 vDSO vdso32.so (also __vdso_clock_gettime64 and
__vdso_clock_getres where the image exports them), with a gcc -m32 build of
vdso-run. ia32 cases are named ia32/CASE, tests vdso_host_path_ia32_*.

  vdso-path-check.py [opts] BASE_OUT SERIES_OUT    compare, KTAP-ish output,
                                                   exit 1 on any difference
  vdso-path-check.py [opts] --count OUT...         instructions per call table
                                                   (--bench: also ns/call)
  vdso-path-check.py [opts] --show CASE OUT        annotated trace of one case
  vdso-path-check.py [opts] --layout OUT           print vdso-run's LAYOUT arg
  vdso-path-check.py [opts] --table BASE REF SERIES [--tsv FILE]
                   the bench table: host task in all three, time namespace
                   task in REF and SERIES; instructions (single-stepped) and
                   min ns/call; pass/fail columns; exit 0 unless it bails out

--task timens (with --count, --show, --layout) models a task INSIDE a time
namespace instead: the namespace's data page at vvar_page, the real one at
the image's time namespace slot (timens_page or real_vvar_page, from nm and
vdso-image-64.c), offsets in the offset[] union member (layout by the same
compile probe); vdso-run checks the results exactly against the host task's
plus the offsets and traps any syscall from the image (fallback).
--ns-frac NS: the fraction of a second the host clocks read at a traced or
benched namespace call (default 0.2 s: no offset carries; 0.5 s: the
MONOTONIC* (+0.7 s) and BOOTTIME (+0.6 s) offsets carry a second).

OUT is a kernel build output dir (make O=OUT); the image is
OUT/arch/x86/entry/vdso/vdso64.so (ia32: vdso32.so).  If it does not exist
yet while OUT does, a build is assumed to be running and the script polls
for it (--wait).
CASE is a vdso-run case, e.g. clock_gettime:MONOTONIC, gettimeofday:tv_tz,
time:ptr, clock_gettime64:MONOTONIC (ia32); --show ia32/CASE traces the ia32
image.  --abi x86_64|ia32|all picks the images (default: all for the
comparison and --table, x86_64 for --count, --show, --layout).

ia32 (vdso32.so, from the same OUT): the VVAR symbols from nm vdso32.so.dbg
(32-bit values) and vdso-image-32.c, struct vdso_data from a probe compiled
with the CFLAGS of vdso32/.vclock_gettime.o.cmd after the preamble of
vdso32/vclock_gettime.c (BUILD_VDSO32, the faked 32-bit configuration),
cross-checked with pahole and against the x86_64 layout (the kernel writes
one page for both; a difference is fatal).  The image reaches its data
GOT-relative: the `add $GOT-.,%reg` after __x86.get_pc_thunk and every
displacement that points into the VVAR area from _GLOBAL_OFFSET_TABLE_
normalise to $<got> and <gotoff> (--resolve-data: vvar_page+0x84 etc.).
The fallback (int $0x80 in __kernel_vsyscall) is trapped like syscall.

Per build, nothing about the layout is assumed:
 * VVAR area: vvar_start / vvar_page / vvar__vdso_data (and pvclock_page,
   hvclock_page, timens_page if present) from `nm vdso64.so.dbg`, cross-checked
   against the .sym_* fields of the vdso2c output vdso-image-64.c (ia32:
   vdso32.so.dbg, vdso-image-32.c);
 * struct vdso_data: offsets computed by the compiler, compiling a probe that
   includes <vdso/datapage.h> with the exact CFLAGS of the tree's
   vclock_gettime.o (from .vclock_gettime.o.cmd), and cross-checked with
   pahole against DWARF: vdso64.so.dbg's own if it has any, otherwise (the
   usual CONFIG_DEBUG_INFO_NONE case) a -g build of the same probe.  Any
   disagreement is fatal.  vdso-run then checks end-to-end that every clock
   read through the image matches the host clock and follows a skewed VVAR
   basetime (i.e. no syscall fallback); it fails otherwise.
Each executed offset is mapped to `objdump -d --no-show-raw-insn` of the
image and normalised: rip-relative displacements -> <rip>, branch/call
targets -> <tgt>, symbol annotations dropped; mnemonics, registers,
immediates and register-relative displacements are kept (--resolve-data
turns rip-relative VVAR operands into e.g. vvar_page+0x84 instead).
--alt FEATURES traces a copy patched like the kernel's apply_alternatives()
(e.g. --alt rdtscp = X86_FEATURE_RDTSCP + LFENCE_RDTSC, what a modern CPU
executes; default: the image as built, unpatched `rdtsc; nop; nop; nop`).
"""
import argparse
import difflib
import hashlib
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VDSO_DIR = 'arch/x86/entry/vdso'

# the vDSO images checked, per ABI: the image (and .dbg), vdso2c's output,
# the .cmd file with the CFLAGS of its vclock_gettime.o, the C file it is
# compiled from (the layout probe replays its preamble), the ELF class, and
# the prefix of its case names (vdso-host-path/ia32/clock_gettime:...).
ABIS = {
    'x86_64': {'image': 'vdso64.so', 'image_c': 'vdso-image-64.c',
               'cmd': '.vclock_gettime.o.cmd', 'src': 'vclock_gettime.c',
               'bits': 64, 'prefix': '', 'test': ''},
    'ia32': {'image': 'vdso32.so', 'image_c': 'vdso-image-32.c',
             'cmd': 'vdso32/.vclock_gettime.o.cmd',
             'src': 'vdso32/vclock_gettime.c',
             'bits': 32, 'prefix': 'ia32/', 'test': 'ia32_'},
}

CLOCKS = ['REALTIME', 'MONOTONIC', 'BOOTTIME', 'TAI', 'MONOTONIC_RAW',
          'REALTIME_COARSE', 'MONOTONIC_COARSE']
CASES = ([('clock_gettime', c) for c in CLOCKS] +
         [('gettimeofday', 'tv'), ('gettimeofday', 'tv_tz'),
          ('gettimeofday', 'tz'), ('time', 'null'), ('time', 'ptr')])
EXTRA_CASES = ([('clock_getres', c) for c in ('MONOTONIC', 'MONOTONIC_RAW',
                                              'REALTIME_COARSE')] +
               [('clock_gettime', 'PROCESS_CPUTIME_ID')])
# ia32 (vdso32.so): the same, and __vdso_clock_gettime64 and
# __vdso_clock_getres for every clock, where the image has them
IA32_CASES = (CASES + [('clock_gettime64', c) for c in CLOCKS] +
              [('clock_getres', c) for c in CLOCKS])
IA32_EXTRA_CASES = [('clock_gettime', 'PROCESS_CPUTIME_ID'),
                    ('clock_gettime64', 'PROCESS_CPUTIME_ID')]
# the entry point each case calls
ENTRY = {'clock_gettime': '__vdso_clock_gettime',
         'clock_gettime64': '__vdso_clock_gettime64',
         'clock_getres': '__vdso_clock_getres',
         'gettimeofday': '__vdso_gettimeofday', 'time': '__vdso_time'}

ALT_SHORTHANDS = {'rdtscp': ['RDTSCP', 'LFENCE_RDTSC'],
                  'lfence': ['LFENCE_RDTSC'], 'none': []}

NOPS = {1: b'\x90', 2: b'\x66\x90', 3: b'\x0f\x1f\x00', 4: b'\x0f\x1f\x40\x00',
        5: b'\x0f\x1f\x44\x00\x00', 6: b'\x66\x0f\x1f\x44\x00\x00',
        7: b'\x0f\x1f\x80\x00\x00\x00\x00',
        8: b'\x0f\x1f\x84\x00\x00\x00\x00\x00'}


class Fatal(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def case_name(fn, arg):
    return '%s:%s' % (fn, arg)


def test_name(fn, arg, abi='x86_64'):
    return 'vdso_host_path_%s%s_%s' % (ABIS[abi]['test'], fn, arg.lower())


# ------------------------------------------------------------ the harness

def build_harness(cc, abi='x86_64'):
    """vdso-run for the ABI: the ia32 one is the same source built with
    -m32 (a 32-bit process runs vdso32.so in 32-bit mode and traces it)."""
    src = os.path.join(HERE, 'vdso-run.c')
    # -no-pie: no __x86.get_pc_thunk in call_case(), whose callees callgrind
    # counts as the vDSO's
    flags = ['-m32', '-fno-pie', '-no-pie'] if abi == 'ia32' else []
    with open(src, 'rb') as f:
        h = hashlib.sha1(f.read() + cc.encode() +
                         ' '.join(flags).encode()).hexdigest()[:12]
    d = os.path.join(tempfile.gettempdir(), 'vdso-run-%d' % os.getuid(), h)
    exe = os.path.join(d, 'vdso-run' + ('32' if flags else ''))
    if not os.path.exists(exe):
        os.makedirs(d, exist_ok=True)
        r = run([cc] + flags + ['-O2', '-g', '-Wall', '-o', exe + '.tmp',
                                src])
        if r.returncode:
            raise Fatal('building vdso-run%s failed%s:\n%s' % (
                ' (%s)' % ' '.join(flags) if flags else '',
                ' (gcc -m32 needs gcc-multilib, see scripts/deps.sh)'
                if flags else '', r.stderr))
        os.rename(exe + '.tmp', exe)
    return exe


def harness_for(args, abi):
    if abi == 'ia32':
        if not args.harness32:
            args.harness32 = build_harness(args.cc, 'ia32')
        return args.harness32
    if not args.harness:
        args.harness = build_harness(args.cc)
    return args.harness


# ------------------------------------------------------------ one build

def wait_for_build(out, timeout, image='vdso64.so'):
    img = os.path.join(out, VDSO_DIR, image)
    dbg = img + '.dbg'
    if not os.path.isdir(out):
        raise Fatal('%s: no such build output dir' % out)
    t0 = time.time()
    said = False
    while True:
        if os.path.exists(img) and os.path.exists(dbg) and \
           time.time() - os.path.getmtime(img) > 3:
            return
        if time.time() - t0 > timeout:
            raise Fatal('%s: not there after %ds (build still running?)'
                        % (img, timeout))
        if not said:
            log('# waiting for %s (build running?)' % img)
            said = True
        time.sleep(20)


def signed64(v):
    return v - (1 << 64) if v >= (1 << 63) else v


def signed32(v):
    return v - (1 << 32) if v >= (1 << 31) else v


def elf_class(path):
    with open(path, 'rb') as f:
        h = f.read(5)
    if h[:4] != b'\x7fELF' or h[4] not in (1, 2):
        raise Fatal('%s: not an ELF file' % path)
    return 32 if h[4] == 1 else 64


class Build:
    def __init__(self, out, args, tmp, abi='x86_64'):
        self.out = os.path.abspath(out)
        self.args = args
        self.abi = abi
        self.A = ABIS[abi]
        self.label = os.path.basename(self.out.rstrip('/')) + \
            ('/' + abi if abi != 'x86_64' else '')
        wait_for_build(self.out, args.wait, self.A['image'])
        self.vdir = os.path.join(self.out, VDSO_DIR)
        self.image = os.path.join(self.vdir, self.A['image'])
        self.dbg = self.image + '.dbg'
        for f in (self.image, self.dbg):
            if elf_class(f) != self.A['bits']:
                raise Fatal('%s: ELF%d, expected ELF%d for %s'
                            % (f, elf_class(f), self.A['bits'], abi))
        self.signed = signed32 if self.A['bits'] == 32 else signed64
        self.harness = harness_for(args, abi)
        self.tree = os.path.realpath(os.path.join(self.out, 'source')) \
            if os.path.exists(os.path.join(self.out, 'source')) else self.out
        self.tmp = tempfile.mkdtemp(prefix=self.label.replace('/', '-') + '.',
                                    dir=tmp)
        self.notes = []
        self.syms = self.vvar_symbols()
        self.entries = self.entry_points()
        self.struct = self.struct_layout()
        self.layout = self.layout_arg()
        self.run_image = self.image
        if args.alt is not None:
            self.run_image = self.patch_alternatives(args.alt)
        self.insns = disassemble(self.run_image)
        if self.A['bits'] == 32:
            self.annotate_pic()

    def has_case(self, fn):
        return ENTRY[fn] in self.entries

    def entry_points(self):
        """The functions the image exports (nm -D), e.g. whether an ia32
        image has __vdso_clock_gettime64."""
        r = run(['nm', '-D', '--defined-only', self.image])
        if r.returncode:
            raise Fatal('nm -D %s: %s' % (self.image, r.stderr))
        ent = set()
        for line in r.stdout.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in 'Tt':
                ent.add(f[2].split('@')[0])
        return ent

    def annotate_pic(self):
        """i386 PIC: the image reaches its data GOT-relative, not
        rip-relative: `call __x86.get_pc_thunk.R; add $GOT-.,%R`, then
        `disp(%R)`.  Both differ between images whenever code or VVAR moves,
        so they are marked for normalise(): the add (exact: pc + imm ==
        _GLOBAL_OFFSET_TABLE_ of nm) as '#got', every memory operand whose
        _GLOBAL_OFFSET_TABLE_ + disp falls into the VVAR area as
        '#gotoff ADDR' (ADDR image relative).  The second is by value: a
        displacement that large from any other base (stack, struct) does not
        occur in the vDSO."""
        got = self.syms['allsyms'].get('_GLOBAL_OFFSET_TABLE_')
        if got is None:
            self.notes.append('no _GLOBAL_OFFSET_TABLE_ in nm: GOT-relative '
                              'operands not normalised')
            return
        thunks = set(v for n, v in self.syms['allsyms'].items()
                     if n.startswith('__x86.get_pc_thunk.'))
        lo = self.syms['vvar_start']
        offs = sorted(self.insns)
        for i, o in enumerate(offs):
            t = self.insns[o]
            m = re.match(r'call\s+([0-9a-f]+)\b', t)
            if m and int(m.group(1), 16) in thunks and i + 1 < len(offs):
                n = offs[i + 1]
                m2 = re.match(r'add\s+\$(0x[0-9a-f]+),%e\w+\s*$',
                              self.insns[n])
                if m2 and (n + int(m2.group(1), 16)) & 0xffffffff == got:
                    self.insns[n] += ' #got'
            if '#' in t:
                continue
            m = re.search(r'(-?0x[0-9a-f]+)\(%e[a-z]+', t)
            if m:
                a = got + int(m.group(1), 16)
                if lo <= a < 0:
                    self.insns[o] = t + ' #gotoff %#x' % a

    # -- VVAR symbols
    def vvar_symbols(self):
        r = run(['nm', self.dbg])
        if r.returncode:
            raise Fatal('nm %s: %s' % (self.dbg, r.stderr))
        syms = {}
        for line in r.stdout.splitlines():
            f = line.split()
            if len(f) == 3:
                syms[f[2]] = self.signed(int(f[0], 16))
        v = {'allsyms': syms}
        v['vvar_page'] = syms.get('vvar_page', syms.get('vvar_start'))
        v['vvar_start'] = syms.get('vvar_start', v['vvar_page'])
        if v['vvar_page'] is None:
            raise Fatal('%s: no vvar_page/vvar_start symbol' % self.dbg)
        for name in ('pvclock_page', 'hvclock_page', 'timens_page',
                     'real_vvar_page'):
            if name in syms:
                v[name] = syms[name]
        # where the real data page is for a task in a time namespace: the
        # page the image's own namespace code reads it from (reference:
        # timens_page, TIMENS(_vdso_data); series: real_vvar_page,
        # real_vvar__vdso_data), found by its _vdso_data alias at the same
        # offset into the page as vvar__vdso_data
        slots = [n for n in ('timens_page', 'real_vvar_page') if n in syms]
        if len(slots) > 1:
            raise Fatal('%s: both timens_page and real_vvar_page' % self.dbg)
        if slots:
            v['timens_slot_name'] = slots[0]
            v['timens_slot'] = syms[slots[0]]
        # everything else that lives in the VVAR area (negative offsets)
        pages = sorted(set(val for s, val in syms.items() if val < 0 and
                           s.endswith('_page')))
        v['vvar_start'] = min([v['vvar_start']] + pages)
        if 'vvar__vdso_data' in syms:
            v['vdso_data'] = syms['vvar__vdso_data']
        else:
            v['vdso_data'] = v['vvar_page'] + 128
            self.notes.append('no vvar__vdso_data symbol: assuming '
                              'vvar_page+128 (DECLARE_VVAR(128, ...))')
        v['all'] = {s: val for s, val in syms.items() if val < 0}
        if 'timens_slot' in v:
            alias = v['timens_slot_name'][:-len('page')] + '_vdso_data'
            want = v['timens_slot'] + (v['vdso_data'] - v['vvar_page'])
            if alias in syms and syms[alias] != want:
                raise Fatal('%s: %s=%#x, expected %#x' % (self.label, alias,
                                                           syms[alias], want))
        # cross-check with vdso2c's view (what the kernel really maps)
        c = os.path.join(self.vdir, self.A['image_c'])
        if os.path.exists(c):
            with open(c) as f:
                text = f.read()
            seen = set()
            for m in re.finditer(r'\.sym_(\w+)\s*=\s*(-?\d+)', text):
                name, val = m.group(1), int(m.group(2))
                seen.add(name)
                if name in syms and syms[name] != val:
                    raise Fatal('%s: %s=%d in %s but %d in nm'
                                % (self.label, name, val, self.A['image_c'],
                                   syms[name]))
            # the kernel maps the slot only if vdso2c exported it
            if 'timens_slot' in v and v['timens_slot_name'] not in seen:
                self.notes.append('%s not in %s: no time namespace slot'
                                  % (v['timens_slot_name'], self.A['image_c']))
                del v['timens_slot'], v['timens_slot_name']
            m = re.search(r'\.size\s*=\s*(\d+)', text)
            if m:
                v['image_size'] = int(m.group(1))
        return v

    # -- struct vdso_data, from the compiler with the tree's own flags
    def vdso_cflags(self):
        cmdf = os.path.join(self.vdir, self.A['cmd'])
        with open(cmdf) as f:
            line = f.readline()
        m = re.match(r'cmd_\S+\s*:=\s*(.*)$', line.strip())
        if not m:
            raise Fatal('%s: cannot parse' % cmdf)
        toks = shlex.split(m.group(1))
        while toks and os.path.basename(toks[0]) in ('ccache', 'distcc'):
            toks.pop(0)
        cc, out, i = toks[0], [], 1
        while i < len(toks):
            t = toks[i]
            if t == '-o':
                i += 2
                continue
            if t.startswith('-Wp,-M') or t == '-c' or t.endswith('.c'):
                i += 1
                continue
            out.append(t)
            i += 1
        return cc, out

    PROBE_FIELDS = ['seq', 'clock_mode', 'cycle_last', 'mask', 'mult',
                    'shift', 'basetime', 'tz_minuteswest', 'tz_dsttime',
                    'hrtimer_res']

    def struct_layout(self):
        cc, flags = self.vdso_cflags()
        probe = os.path.join(self.tmp, 'probe.c')
        defs = ['DEF(vd_size, sizeof(struct vdso_data));',
                'DEF(ts_size, sizeof(struct vdso_timestamp));',
                'DEF(cs_bases, CS_BASES);', 'DEF(cs_raw, CS_RAW);',
                'DEF(cs_hres_coarse, CS_HRES_COARSE);',
                'DEF(vdso_bases, VDSO_BASES);',
                'DEF(clockmode_tsc, VDSO_CLOCKMODE_TSC);']
        # a tree without time namespaces has no VDSO_CLOCKMODE_TIMENS
        with open(os.path.join(self.tree, 'include/vdso/clocksource.h')) as f:
            if 'VDSO_CLOCKMODE_TIMENS' in f.read():
                defs.append('DEF(clockmode_timens, VDSO_CLOCKMODE_TIMENS);')
        # ... nor the offset[] member of the union with basetime[]
        with open(os.path.join(self.tree, 'include/vdso/datapage.h')) as f:
            if re.search(r'\boffset\[VDSO_BASES\]', f.read()):
                vd0 = '((struct vdso_data *)0)'
                defs += ['DEF(offset, offsetof(struct vdso_data, offset));',
                         'DEF(off_size, sizeof(%s->offset[0]));' % vd0,
                         'DEF(off_sec, offsetof(struct vdso_data, '
                         'offset[0].sec));',
                         'DEF(off_nsec, offsetof(struct vdso_data, '
                         'offset[0].nsec));',
                         'DEF(off_sec_size, sizeof(%s->offset[0].sec));' % vd0,
                         'DEF(off_nsec_size, sizeof(%s->offset[0].nsec));'
                         % vd0,
                         'DEF(off_sec_signed, (typeof(%s->offset[0].sec))-1 '
                         '< 0);' % vd0]
        defs += ['DEF(%s, offsetof(struct vdso_data, %s));' % (f, f)
                 for f in self.PROBE_FIELDS]
        # the headers vclock_gettime.c includes before lib/vdso/gettimeofday.c
        incs = ['linux/time.h', 'linux/kernel.h', 'linux/types.h']
        try:
            with open(os.path.join(self.tree, VDSO_DIR,
                                   'vclock_gettime.c')) as f:
                incs = re.findall(r'^#include\s+<([^>]+)>', f.read(), re.M) \
                    or incs
        except OSError:
            pass
        # ia32: vdso32/vclock_gettime.c's preamble (BUILD_VDSO32, the faked
        # 32-bit kernel configuration) up to its #include of ../vclock_gettime.c
        pre = ''
        if self.A['src'] != 'vclock_gettime.c':
            srcf = os.path.join(self.tree, VDSO_DIR, self.A['src'])
            try:
                with open(srcf) as f:
                    text = f.read()
            except OSError as e:
                raise Fatal('%s: %s' % (self.label, e))
            m = re.search(r'^#include\s+"[^"]*vclock_gettime\.c"', text, re.M)
            if not m:
                raise Fatal('%s: %s does not include vclock_gettime.c'
                            % (self.label, srcf))
            pre = '/* the preamble of %s */\n%s\n' % (self.A['src'],
                                                      text[:m.start()])
        with open(probe, 'w') as f:
            f.write('/* vdso-path-check layout probe */\n' + pre +
                    ''.join('#include <%s>\n' % i for i in incs) +
                    '#include <linux/stddef.h>\n#include <vdso/datapage.h>\n'
                    '#define DEF(sym, val) asm volatile("\\n.ascii \\"->" '
                    '#sym " %c0\\"" : : "i" ((long)(val)))\n'
                    'struct vdso_data vdso_run_probe_vd[CS_BASES];\n'
                    'void vdso_run_probe(void);\n'
                    'void vdso_run_probe(void)\n{\n\t' + '\n\t'.join(defs) +
                    '\n}\n')
        asm = os.path.join(self.tmp, 'probe.s')
        r = run([cc] + flags + ['-S', '-o', asm, probe], cwd=self.out)
        if r.returncode:
            raise Fatal('%s: layout probe does not compile:\n%s'
                        % (self.label, r.stderr))
        lay = {}
        with open(asm) as f:
            for m in re.finditer(r'->(\w+) (-?\d+)', f.read()):
                lay[m.group(1)] = int(m.group(2))
        missing = [k for k in ['vd_size', 'ts_size'] + self.PROBE_FIELDS
                   if k not in lay]
        if missing:
            raise Fatal('%s: probe lacks %s' % (self.label, missing))
        if lay['cs_hres_coarse'] != 0:
            raise Fatal('%s: CS_HRES_COARSE != 0 not supported' % self.label)
        if 'offset' in lay and (lay['off_sec_size'] != 8 or
                                lay['off_nsec_size'] != 8 or
                                not lay['off_sec_signed'] or
                                lay['offset'] != lay['basetime']):
            raise Fatal('%s: offset[] is not {s64 sec; u64 nsec} over '
                        'basetime[]: %s' % (self.label, lay))
        self.check_dwarf(lay, cc, flags, probe)
        return lay

    def check_dwarf(self, lay, cc, flags, probe):
        if not shutil.which('pahole'):
            self.notes.append('pahole not found: DWARF cross-check skipped')
            return
        r = run(['readelf', '-S', self.dbg])
        if '.debug_info' in r.stdout:
            src, what = self.dbg, '%s DWARF' % os.path.basename(self.dbg)
        else:
            obj = os.path.join(self.tmp, 'probe.o')
            r = run([cc] + flags + ['-g', '-c', '-o', obj, probe], cwd=self.out)
            if r.returncode:
                raise Fatal('%s: -g probe: %s' % (self.label, r.stderr))
            src = obj
            what = ('DWARF of a -g probe build (%s has no .debug_info)'
                    % os.path.basename(self.dbg))
        r = run(['pahole', '-C', 'vdso_data', src])
        if r.returncode or 'struct vdso_data' not in r.stdout:
            raise Fatal('%s: pahole -C vdso_data %s failed: %s'
                        % (self.label, src, r.stderr or r.stdout))
        dw = {}
        for line in r.stdout.splitlines():
            m = re.match(r'^\s+.*?\b(\w+)(\[\w+\])*;\s*/\*\s*(\d+)\s+(\d+)\s*\*/',
                         line)
            if m and m.group(1) not in dw:
                dw[m.group(1)] = int(m.group(3))
            m = re.search(r'/\* size: (\d+),', line)
            if m:
                dw['__size'] = int(m.group(1))
        bad = ['%s: probe %d, DWARF %s' % (k, lay[k], dw.get(k))
               for k in self.PROBE_FIELDS + ['offset']
               if k in lay and dw.get(k) != lay[k]]
        if dw.get('__size') != lay['vd_size']:
            bad.append('sizeof: probe %d, DWARF %s' % (lay['vd_size'],
                                                       dw.get('__size')))
        if bad:
            raise Fatal('%s: struct vdso_data layout disagrees with %s:\n  %s'
                        % (self.label, what, '\n  '.join(bad)))
        self.notes.append('struct vdso_data layout agrees with ' + what)

    def has_timens(self):
        return 'timens_slot' in self.syms and 'offset' in self.struct and \
            'clockmode_timens' in self.struct

    def layout_arg(self, task='host', frac=None):
        s, v = self.struct, self.syms
        kv = [('vvar_start', v['vvar_start']), ('vvar_page', v['vvar_page']),
              ('vdso_data', v['vdso_data']), ('vd_size', s['vd_size'])]
        kv += [(f, s[f]) for f in self.PROBE_FIELDS]
        kv += [(k, s[k]) for k in ('ts_size', 'cs_bases', 'cs_raw',
                                   'vdso_bases', 'clockmode_tsc')]
        # the series maps the real data page a second time, for every task
        if 'real_vvar_page' in v:
            kv.append(('real_vvar_page', v['real_vvar_page']))
        if task == 'timens':
            if not self.has_timens():
                raise Fatal('%s: no time namespace support in this image'
                            % self.label)
            kv.append(('timens_slot', v['timens_slot']))
            kv += [(k, s[k]) for k in ('clockmode_timens', 'offset',
                                       'off_size', 'off_sec', 'off_nsec')]
            kv.append(('task', 'timens'))
            if frac is not None:
                kv.append(('ns_frac', frac))
        return ','.join('%s=%s' % (k, hex(x) if k.startswith('v') and
                                   k != 'vdso_bases' and k != 'vd_size'
                                   and isinstance(x, int)
                                   else x) for k, x in kv)

    def describe(self):
        v, s = self.syms, self.struct
        with open(self.image, 'rb') as f:
            sha = hashlib.sha256(f.read()).hexdigest()[:16]
        pages = ' '.join('%s=%s' % (k, hex(v[k])) for k in
                         ('vvar_start', 'vvar_page', 'pvclock_page',
                          'hvclock_page', 'timens_page', 'real_vvar_page')
                         if k in v)
        lines = ['%s: %s (sha256 %s)' % (self.label, self.image, sha),
                 '  entry points: %s' % ' '.join(sorted(self.entries)),
                 '  %s _vdso_data=%s' % (pages, hex(v['vdso_data'])),
                 '  struct vdso_data: size %d, basetime@%d, tz@%d, '
                 'hrtimer_res@%d, CS_BASES %d, VDSO_BASES %d'
                 % (s['vd_size'], s['basetime'], s['tz_minuteswest'],
                    s['hrtimer_res'], s['cs_bases'], s['vdso_bases'])]
        if self.has_timens():
            lines.append('  time namespace: real page at %s (%s) for a '
                         'namespace task, offset[]@%d (%d bytes each), '
                         'VDSO_CLOCKMODE_TIMENS %d'
                         % (v['timens_slot_name'], hex(v['timens_slot']),
                            s['offset'], s['off_size'],
                            s['clockmode_timens']))
        else:
            lines.append('  time namespace: none in this image')
        if self.run_image != self.image:
            lines.append('  traced a copy patched with alternatives: %s'
                         % self.alt_desc)
        lines += ['  ' + n for n in self.notes]
        return lines

    # -- alternatives, like arch/x86/kernel/alternative.c:apply_alternatives
    def patch_alternatives(self, spec):
        names = []
        for w in spec.split(','):
            w = w.strip()
            if w:
                names += ALT_SHORTHANDS.get(w.lower(), [w.upper()])
        feat = {}
        hdr = os.path.join(self.tree, 'arch/x86/include/asm/cpufeatures.h')
        with open(hdr) as f:
            for m in re.finditer(r'#define\s+X86_FEATURE_(\w+)\s+\(\s*(\d+)\s*'
                                 r'\*\s*32\s*\+\s*(\d+)\s*\)', f.read()):
                feat[m.group(1)] = int(m.group(2)) * 32 + int(m.group(3))
        have = set([feat['ALWAYS']])
        for n in names:
            if n not in feat:
                raise Fatal('unknown X86_FEATURE_%s' % n)
            # __kernel_vsyscall: sysenter/syscall return to the landing pad
            # of the vDSO the kernel mapped, not to this copy
            if self.abi == 'ia32' and n in ('SEP', 'SYSENTER32',
                                            'SYSCALL32'):
                raise Fatal('--alt %s: not for the ia32 image (the fallback '
                            'must stay int $0x80)' % n)
            have.add(feat[n])
        self.alt_desc = ','.join(['ALWAYS'] + names)
        with open(self.image, 'rb') as f:
            data = bytearray(f.read())
        secs = elf_sections(self.image)
        if '.altinstructions' not in secs:
            self.notes.append('no .altinstructions')
            return self.image
        addr, off, size = secs['.altinstructions']
        real_len = {}
        for i in range(size // 12):
            e = off + 12 * i
            io, ro, cpuid, il, rl = struct.unpack_from('<iiHBB', data, e)
            site = (addr + 12 * i + io) - addr + off
            repl = (addr + 12 * i + 4 + ro) - addr + off
            if site not in real_len:
                real_len[site] = len(bytes(data[site:site + il]).rstrip(b'\x90'))
            inv = bool(cpuid & (1 << 15))
            if ((cpuid & 0x7fff) in have) != inv:
                r = bytes(data[repl:repl + rl])
                if rl and r[0] in (0xe8, 0xe9, 0xeb) or \
                   (rl > 1 and r[0] == 0x0f and r[1] & 0xf0 == 0x80):
                    raise Fatal('%s: alternative at 0x%x has a relative '
                                'branch: not supported' % (self.label, site))
                data[site:site + il] = r + b'\x90' * (il - rl)
                real_len[site] = rl
            # optimize_nops(): a run of >1 single byte NOPs -> long NOPs
            tail = bytes(data[site + real_len[site]:site + il])
            if len(tail) > 1 and tail == b'\x90' * len(tail):
                n, p, buf = len(tail), 0, b''
                while p < n:
                    k = min(n - p, 8)
                    buf += NOPS[k]
                    p += k
                data[site + real_len[site]:site + il] = buf
        path = os.path.join(self.tmp, self.A['image'][:-3] + '.alt.so')
        with open(path, 'wb') as f:
            f.write(data)
        # every patched site must start and end on an instruction boundary
        ins = disassemble(path)
        for site, rl in real_len.items():
            if site not in ins:
                raise Fatal('%s: patched site 0x%x misdecodes' % (self.label,
                                                                  site))
        return path

    # -- run vdso-run
    def vdso_run(self, mode, case, extra=(), task=None, frac=None):
        task = task or self.args.task
        frac = self.args.ns_frac if frac is None else frac
        lay = self.layout if task == 'host' else self.layout_arg(task, frac)
        cmd = ['nice', self.harness, self.run_image, lay, mode, case]
        cmd += [str(x) for x in extra]
        return run(cmd)

    def trace(self, case, task=None, frac=None, syscalls=None):
        """syscalls: a list, gets the '# syscall' (fallback) lines."""
        r = self.vdso_run('trace', case, task=task, frac=frac)
        if r.returncode:
            why = [l for l in r.stdout.splitlines() if 'BAD' in l]
            raise Fatal('vdso-run %s %s: %s' % (
                self.label, case, '\n'.join([(r.stderr or r.stdout).strip()]
                                            + why)))
        if syscalls is not None:
            syscalls += [l for l in r.stdout.splitlines()
                         if l.startswith('# syscall:')]
        offs = [int(l, 16) for l in r.stdout.splitlines()
                if l and not l.startswith('#')]
        seq = []
        for o in offs:
            if o not in self.insns:
                raise Fatal('%s: executed offset 0x%x is not an instruction '
                            'start in objdump -d' % (self.label, o))
            seq.append((o, self.insns[o]))
        return seq

    def callgrind(self, case, task=None, frac=None, calls=1000):
        """Instructions per call counted by valgrind's callgrind: the Ir
        collected while call_case() runs, minus call_case's own, / calls."""
        task = task or self.args.task
        frac = self.args.ns_frac if frac is None else frac
        lay = self.layout if task == 'host' else self.layout_arg(task, frac)
        out = os.path.join(self.tmp, 'callgrind.out')
        r = run(['nice', 'valgrind', '--tool=callgrind', '--callgrind-out-file='
                 + out, '--toggle-collect=call_case', self.harness,
                 self.run_image, lay, 'loop', case, str(calls)])
        if r.returncode or not os.path.exists(out):
            raise Fatal('callgrind %s %s: %s' % (self.label, case,
                                                 r.stderr.strip()[-300:]))
        a = run(['callgrind_annotate', '--threshold=100', out])
        os.unlink(out)
        total = own = None
        for line in a.stdout.splitlines():
            m = re.match(r'\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$', line)
            if not m:
                continue
            n = int(m.group(1).replace(',', ''))
            if 'PROGRAM TOTALS' in m.group(2):
                total = n
            elif re.search(r':call_case\b', m.group(2)):
                own = n
        if total is None or own is None:
            raise Fatal('callgrind %s %s: cannot parse callgrind_annotate'
                        % (self.label, case))
        return (total - own) / float(calls)

    def sanity(self, task=None):
        r = self.vdso_run('sanity', 'time:null', task=task)
        return r.returncode, r.stdout + r.stderr


def elf_sections(path):
    r = run(['readelf', '-SW', path])
    secs = {}
    for line in r.stdout.splitlines():
        m = re.match(r'\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)'
                     r'\s+([0-9a-f]+)', line)
        if m:
            secs[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16),
                                int(m.group(4), 16))
    return secs


def disassemble(path):
    r = run(['objdump', '-d', '--no-show-raw-insn', path])
    if r.returncode:
        raise Fatal('objdump %s: %s' % (path, r.stderr))
    ins = {}
    for line in r.stdout.splitlines():
        m = re.match(r'^\s*([0-9a-f]+):\t(.*)$', line)
        if m:
            ins[int(m.group(1), 16)] = m.group(2).strip()
    return ins


BRANCH = re.compile(r'^(j\w+|call\w*|loop\w*|xbegin)$')


def normalise(text, build=None, resolve=False):
    """Strip addresses: rip-relative displacements, branch targets, symbols."""
    comment = ''
    if '#' in text:
        text, comment = text.split('#', 1)
    text = re.sub(r'<[^>]*>', '', text)
    words = text.split()
    if not words:
        return ''
    # prefixes (notrack, bnd, rep, lock, cs, ds, data16...) stay in place
    i = 0
    while i < len(words) - 1 and not BRANCH.match(words[i]) and \
            words[i] in ('notrack', 'bnd', 'rep', 'repz', 'repnz', 'lock',
                         'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'data16', 'rex',
                         'rex.W', 'addr32'):
        i += 1
    mnem = words[i]
    ops = ' '.join(words[i + 1:])
    if BRANCH.match(mnem) and re.fullmatch(r'[0-9a-f]+', ops):
        ops = '<tgt>'
    if '(%rip)' in ops:
        rep = '<rip>'
        if resolve and build is not None:
            m = re.match(r'\s*([0-9a-f]+)', comment)
            if m:
                rep = vvar_name(build, signed64(int(m.group(1), 16))) or rep
        ops = re.sub(r'-?0x[0-9a-f]+\(%rip\)', rep + '(%rip)', ops)
    # i386 PIC, marked by Build.annotate_pic()
    if comment.strip() == 'got':
        ops = re.sub(r'^\$0x[0-9a-f]+,', '$<got>,', ops)
    m = re.match(r'gotoff (-?0x[0-9a-f]+)$', comment.strip())
    if m:
        rep = '<gotoff>'
        if resolve and build is not None:
            rep = vvar_name(build, int(m.group(1), 16)) or rep
        ops = re.sub(r'-?0x[0-9a-f]+\(%e', rep + '(%e', ops, count=1)
    return ' '.join(words[:i] + [mnem] + ([ops] if ops else []))


def vvar_name(build, addr):
    best = None
    for s, v in build.syms['all'].items():
        if s.endswith('_page') and v <= addr < v + 4096:
            best = '%s+%#x' % (s, addr - v)
    return best


# ------------------------------------------------------------ modes

def cases_for(args, abi='x86_64', builds=()):
    """The cases of an ABI; with builds: only those whose entry point the
    first build's image exports (nm -D)."""
    if abi == 'ia32':
        cases = IA32_CASES + (IA32_EXTRA_CASES if args.extra else [])
    else:
        cases = CASES + (EXTRA_CASES if args.extra else [])
    if builds:
        cases = [c for c in cases if builds[0].has_case(c[0])]
    return cases


def abis_of(args):
    return ['x86_64', 'ia32'] if args.abi == 'all' else [args.abi]


def abi_layout_check(b64, b32):
    """The ia32 image reads the page the kernel writes with the x86_64
    struct vdso_data: both compiles must lay it out alike."""
    bad = ['%s: x86_64 %s, ia32 %s' % (k, b64.struct[k], b32.struct.get(k))
           for k in sorted(b64.struct) if b64.struct[k] != b32.struct.get(k)]
    if bad:
        raise Fatal('%s: struct vdso_data of the ia32 compile differs from '
                    'the x86_64 one (the kernel writes the latter):\n  %s'
                    % (b32.label, '\n  '.join(bad)))
    b32.notes.append('struct vdso_data: the ia32 compile has the x86_64 '
                     'layout (%d fields and constants compared)'
                     % len(b64.struct))


def annotated(seq, b, resolve=True):
    return ['%6x:  %-45s %s' % (o, t.split('#')[0].strip(),
                                normalise(t, b, resolve)) for o, t in seq]


def compare(args, outs, tmp):
    """x86_64 as it always was (a setup failure: Bail out); then ia32,
    where a setup failure is one not ok line, vdso_host_path_ia32_run."""
    print('KTAP version 1')
    print('# vdso-path-check: host (non-timens) path, base=%s series=%s'
          % tuple(os.path.abspath(o) for o in outs))
    groups = []
    x64 = None
    for abi in abis_of(args):
        err = None
        if abi == 'x86_64':
            b, s = x64 = (Build(outs[0], args, tmp), Build(outs[1], args, tmp))
        else:
            try:
                b = Build(outs[0], args, tmp, abi)
                s = Build(outs[1], args, tmp, abi)
                if x64:
                    abi_layout_check(x64[0], b)
                    abi_layout_check(x64[1], s)
            except Fatal as e:
                err = str(e)
                print('# %s: %s' % (abi, err.splitlines()[0]))
                for l in err.splitlines()[1:]:
                    print('#   ' + l)
                groups.append((abi, None, None, [], err))
                continue
        for x in (b, s):
            for l in x.describe():
                print('# ' + l)
        for x in (b, s):
            rc, out = x.sanity('host')
            if rc:
                print('# sanity of %s FAILED:' % x.label)
                for l in out.splitlines():
                    print('#   ' + l.lstrip('# '))
                if abi == 'x86_64':
                    print('Bail out! vdso-run sanity check failed for %s'
                          % x.label)
                    return 1
                err = 'vdso-run sanity check failed for %s' % x.label
        cases = cases_for(args, abi, [b])
        if not err:
            skip = [c for c in cases_for(args, abi) if c not in cases]
            if skip:
                print('# %s: not in %s: %s' % (abi, b.label, ' '.join(
                    sorted(set(ENTRY[fn] for fn, _ in skip)))))
        groups.append((abi, b, s, cases, err))
    total = sum(1 if g[4] else len(g[3]) for g in groups)
    print('1..%d' % total)
    failed = n = 0
    for abi, b, s, cases, err in groups:
        if err:
            n += 1
            failed += 1
            print('not ok %d - %s # %s' % (n, 'vdso_host_path_%srun'
                                           % ABIS[abi]['test'],
                                           err.splitlines()[0]))
            continue
        failed += compare_cases(args, b, s, cases, abi, n)
        n += len(cases)
    print('# totals: %d ok, %d not ok' % (total - failed, failed))
    return 1 if failed else 0


def compare_cases(args, base, series, cases, abi, n0):
    failed = 0
    for n, (fn, arg) in enumerate(cases, n0 + 1):
        name = test_name(fn, arg, abi)
        res = {}
        err = None
        for b in (base, series):
            try:
                res[b] = b.trace(case_name(fn, arg), 'host')
            except Fatal as e:
                err = '%s: %s' % (b.label, e)
        if err:
            failed += 1
            print('not ok %d - %s # trace failed: %s' % (n, name,
                                                         err.splitlines()[0]))
            for l in err.splitlines()[1:]:
                print('#   ' + l)
            continue
        na = [normalise(t, base, args.resolve_data) for _, t in res[base]]
        nb = [normalise(t, series, args.resolve_data) for _, t in res[series]]
        if na == nb:
            print('ok %d - %s # %d insns' % (n, name, len(na)))
            continue
        failed += 1
        print('not ok %d - %s # base %d insns, series %d insns'
              % (n, name, len(na), len(nb)))
        for l in difflib.unified_diff(na, nb, base.label, series.label,
                                      n=args.context, lineterm=''):
            print('# ' + l)
        # longer than base: both annotated traces (as --show prints them)
        if len(nb) > len(na):
            for lbl, b in (('base', base), ('series', series)):
                print('# --- %s %s: annotated trace (offset: insn  '
                      'normalised)' % (lbl, b.label))
                for l in annotated(res[b], b):
                    print('#   ' + l)
    return failed


def count(args, outs, tmp):
    groups = []
    for abi in abis_of(args):
        builds = []
        for o in outs:
            b = Build(o, args, tmp, abi)
            if any(x.label == b.label for x in builds):
                b.label = '%s#%d' % (b.label, len(builds) + 1)
            builds.append(b)
        groups.append((abi, builds, cases_for(args, abi, builds)))
    w = max(len(ABIS[abi]['prefix'] + case_name(*c))
            for abi, _, cases in groups for c in cases) + 2
    cols = []
    for b in groups[0][1]:
        cols.append(b.label.split('/')[0])
        if args.bench:
            cols.append('ns/call')
    cw = max([10] + [len(c) + 2 for c in cols])
    for _, builds, _ in groups:
        for b in builds:
            for l in b.describe():
                print('# ' + l)
    print('%-*s' % (w, 'instructions per call') +
          ''.join('%*s' % (cw, c) for c in cols))
    bad = 0
    for abi, builds, cases in groups:
        for fn, arg in cases:
            row = '%-*s' % (w, ABIS[abi]['prefix'] + case_name(fn, arg))
            for b in builds:
                if args.task == 'timens' and not b.has_timens():
                    row += '%*s' % (cw, 'n/a') * (2 if args.bench else 1)
                    continue
                try:
                    row += '%*d' % (cw, len(b.trace(case_name(fn, arg))))
                except Fatal as e:
                    row += '%*s' % (cw, 'ERR')
                    log('# %s' % e)
                    bad = 1
                if args.bench:
                    r = b.vdso_run('bench', case_name(fn, arg),
                                   (args.bench_calls, args.bench_reps))
                    m = re.search(r'^([\d.]+) ns/call min', r.stdout, re.M)
                    row += '%*s' % (cw, m.group(1) if m else 'ERR')
            print(row, flush=True)
    return bad


# ------------------------------------------------------------ the bench table

# the clocks a time namespace offsets: their rows again with the offsets'
# nanoseconds carrying a second (host fraction 0.5 s)
CARRY_CASES = [('clock_gettime', c) for c in ('MONOTONIC', 'BOOTTIME',
                                              'MONOTONIC_RAW',
                                              'MONOTONIC_COARSE')]
CARRY_FRAC = 500000000


def read_allow():
    allowed = {}
    path = os.path.join(HERE, 'allow')
    try:
        with open(path) as f:
            for ln in f:
                w = ln.split('#', 1)[0].split()
                if len(w) == 2:
                    allowed[w[0]] = int(w[1])
    except OSError:
        pass
    return allowed


def measure(args, b, case, task, frac, diffs):
    """(insns, min ns/call, note) of one cell; None where n/a."""
    if task == 'timens' and not b.has_timens():
        return None
    sc = []
    try:
        seq = b.trace(case, task, frac, sc)
    except Fatal as e:
        log('# %s %s %s: %s' % (b.label, task, case, e))
        return ('ERR', 'ERR', str(e).splitlines()[0])
    note = ''
    if sc:
        note = '%s: %s' % (b.label, sc[0][2:])
    # the minimum over a few processes: on a shared, loaded machine a whole
    # process may run on a contended CPU
    best = None
    for _ in range(args.bench_runs):
        r = b.vdso_run('bench', case, (args.bench_calls, args.bench_reps),
                       task=task, frac=frac)
        m = re.search(r'^([\d.]+) ns/call min', r.stdout, re.M)
        if not m:
            log('# %s %s %s bench: %s' % (b.label, task, case, '\n'.join(
                [r.stderr.strip()] + [l for l in r.stdout.splitlines()
                                      if 'BAD' in l])))
            note = (note + '; ' if note else '') + 'bench failed, see the log'
            best = 'ERR'
            break
        if best is None or float(m.group(1)) < best:
            best = float(m.group(1))
    diffs[(b.label, task, case, frac)] = seq
    if args.callgrind:
        try:
            cg = b.callgrind(case, task, frac)
        except Fatal as e:
            cg = None
            log('# %s' % e)
        args.cg_results.append(('%s%s%s' % (ABIS[b.abi]['prefix'], case,
                                            '+carry' if frac == CARRY_FRAC
                                            and task == 'timens' else ''),
                                '%s %s' % (b.label, 'in-ns' if task == 'timens'
                                           else 'host'), len(seq), cg))
    return (len(seq) if not sc else 'ERR', best, note)


def fmt_cell(c):
    if c is None:
        return 'n/a'
    if c == '-':
        return '-'
    i, t, _ = c
    return '%s / %s' % (i, '%.2f' % t if isinstance(t, float) else t)


# ia32 rows of the table: the x86_64 ones, clock_gettime64 for every clock
# (what a 64-bit time_t i386 libc calls), the carry rows of clock_gettime
IA32_TABLE_CASES = CASES + [('clock_gettime64', c) for c in CLOCKS]


def table(args, outs, tmp):
    """BASE REF SERIES: the x86_64 rows; with --abi all (default) the ia32
    rows (prefixed ia32/) follow, from vdso32.so of the same builds. An
    ia32 setup failure skips those rows with a note."""
    allowed = read_allow()
    groups = []
    x64 = None
    if 'x86_64' in abis_of(args):
        base, ref, series = x64 = [Build(o, args, tmp) for o in outs]
        groups.append(('x86_64', base, ref, series,
                       [(fn, arg, args.ns_frac, False) for fn, arg in CASES] +
                       [(fn, arg, CARRY_FRAC, True)
                        for fn, arg in CARRY_CASES]))
    early_notes = []
    if 'ia32' in abis_of(args):
        try:
            g = [Build(o, args, tmp, 'ia32') for o in outs]
            for b64, b32 in zip(x64 or [], g):
                abi_layout_check(b64, b32)
            cases = [c for c in IA32_TABLE_CASES if g[0].has_case(c[0])]
            groups.append(tuple(['ia32'] + g + [
                [(fn, arg, args.ns_frac, False) for fn, arg in cases] +
                [(fn, arg, CARRY_FRAC, True) for fn, arg in CARRY_CASES]]))
        except Fatal as e:
            early_notes.append('ia32 rows skipped: ' +
                               ' / '.join(str(e).splitlines()))
            log('# ia32: %s' % e)
    for _, gb, gr, gs, _ in groups:
        for b in (gb, gr, gs):
            for l in b.describe():
                print('# ' + l)
    bad = 0
    for abi, gb, gr, gs, _ in groups:
        pre = ABIS[abi]['prefix']
        for name, b, task in [('base', gb, 'host'), ('reference', gr, 'host'),
                              ('series', gs, 'host'), ('base', gb, 'timens'),
                              ('reference', gr, 'timens'),
                              ('series', gs, 'timens')]:
            if task == 'timens' and not b.has_timens():
                print('# sanity %s%s in-ns: n/a (no time namespace support)'
                      % (pre, name))
                continue
            rc, out = b.sanity(task)
            if rc:
                bad = 1
                print('# sanity %s%s %s FAILED:' % (pre, name, task))
                for l in out.splitlines():
                    print('#   ' + l.lstrip('# '))
            else:
                ex = [l for l in out.splitlines() if 'exact, frozen' in l]
                print('# sanity %s%s %s: ok%s' % (
                    pre, name, 'in-ns' if task == 'timens' else 'host',
                    ' (live, and exact at %d frozen fractions; no syscall '
                    'from the image)' % len(ex) if task == 'timens' else
                    ' (no syscall from the image)'))
    print('# cells: instructions per call (single-stepped, exact) / min '
          'ns/call of %d processes x %d x %d calls (image as built: '
          'unpatched rdtsc, no lfence; loop + indirect call included)'
          % (args.bench_runs, args.bench_reps, args.bench_calls))
    print('# in-ns: host clocks at .%09d s, offsets MONOTONIC* +1000000.7 s,'
          ' BOOTTIME -1000000.4 s: no carry; "+carry" rows: host at .%09d s,'
          ' the offset nsec carries a second' % (args.ns_frac, CARRY_FRAC))
    hdr = ['case', 'base host', 'reference host', 'series host',
           'base in-ns', 'reference in-ns', 'series in-ns',
           'series host == base host (insns)',
           'series in-ns <= reference in-ns (insns)',
           'time series/reference host', 'time series/reference in-ns']
    tsv_hdr = ['case', 'base_host_insns', 'base_host_ns',
               'reference_host_insns', 'reference_host_ns',
               'series_host_insns', 'series_host_ns',
               'base_ns_insns', 'base_ns_ns',
               'reference_ns_insns', 'reference_ns_ns',
               'series_ns_insns', 'series_ns_ns',
               'series_host_eq_base_insns', 'series_ns_le_reference_insns',
               'time_ratio_series_reference_host',
               'time_ratio_series_reference_ns']
    rows, tsv, notes, traces = [], [], list(early_notes), {}
    todo = [(abi, g, fn, arg, frac, carry) for g in groups
            for (abi, fn, arg, frac, carry) in
            [(g[0],) + t for t in g[4]]]
    for abi, g, fn, arg, frac, carry in todo:
        _, base, ref, series, _ = g
        cols = [('base', base, 'host'), ('reference', ref, 'host'),
                ('series', series, 'host'), ('base', base, 'timens'),
                ('reference', ref, 'timens'), ('series', series, 'timens')]
        case = case_name(fn, arg)
        label = ABIS[abi]['prefix'] + case + ('+carry' if carry else '')
        cells = []
        for name, b, task in cols:
            if carry and task == 'host':
                cells.append('-')
                continue
            c = measure(args, b, case, task, frac, traces)
            if c and c[2]:
                notes.append('%s %s: %s' % (label, task, c[2]))
            cells.append(c)
        bh, rh, sh, _, rn, sn = cells

        def num(c, k):
            return c[k] if isinstance(c, tuple) and \
                not isinstance(c[k], str) else None

        if carry:
            eq = 'n/a'
        elif num(bh, 0) is None or num(sh, 0) is None:
            eq = 'ERR'
        else:
            d = num(sh, 0) - num(bh, 0)
            if d == 0:
                eq = 'PASS'
            elif d < 0:
                eq = 'FEWER(%d)' % d
            elif d <= allowed.get(ABIS[abi]['prefix'] + case, 0):
                eq = 'ALLOWED(+%d)' % d
            else:
                eq = 'FAIL(+%d)' % d
        if num(rn, 0) is None or num(sn, 0) is None:
            le = 'ERR'
        else:
            d = num(sn, 0) - num(rn, 0)
            le = 'PASS' if d <= 0 else 'FAIL(+%d)' % d
            if d > 0:
                notes.append('%s: series in-ns executes %d more instructions '
                             'than reference in-ns' % (label, d))

        def ratio(a, b):
            x, y = num(a, 1), num(b, 1)
            return '%.2f' % (x / y) if x is not None and y else \
                ('-' if a == '-' else 'n/a')

        rh_ratio, rn_ratio = ratio(sh, rh), ratio(sn, rn)
        row = [label] + [fmt_cell(c) for c in cells] + [eq, le, rh_ratio,
                                                         rn_ratio]
        rows.append(row)
        t = [label]
        for c in cells:
            if c is None:
                t += ['n/a', 'n/a']
            elif c == '-':
                t += ['-', '-']
            else:
                t += [str(c[0]), '%.2f' % c[1] if isinstance(c[1], float)
                      else str(c[1])]
        tsv.append(t + [eq, le, rh_ratio, rn_ratio])
        if 'ERR' in eq + le:
            bad = 1
    w = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
    print('  '.join('%-*s' % (w[i], hdr[i]) for i in range(len(hdr))).rstrip())
    for r in rows:
        print('  '.join('%-*s' % (w[i], r[i]) for i in range(len(r))).rstrip(),
              flush=True)
    if args.tsv:
        with open(args.tsv + '.tmp', 'w') as f:
            f.write('\t'.join(tsv_hdr) + '\n')
            for t in tsv:
                f.write('\t'.join(t) + '\n')
        os.rename(args.tsv + '.tmp', args.tsv)
    for n in notes:
        print('# note: ' + n)
    if args.callgrind:
        agree = [x for x in args.cg_results if x[3] is not None and
                 x[3] == x[2]]
        print('# callgrind cross-check (Ir in call_case minus its own, / '
              'calls): %d of %d cells equal the single-step count'
              % (len(agree), len(args.cg_results)))
        for case, col, ss, cg in args.cg_results:
            if cg is None or cg != ss:
                print('# callgrind: %s %s: single-step %s, callgrind %s'
                      % (case, col, ss, 'ERR' if cg is None else
                         '%.2f' % cg))
    # the per-instruction difference where the series' namespace path is
    # longer than the reference's
    if args.diff_out:
        with open(args.diff_out, 'w') as f:
            for abi, g, fn, arg, frac, carry in todo:
                _, base, ref, series, _ = g
                case = case_name(fn, arg)
                a = traces.get((ref.label, 'timens', case, frac))
                b = traces.get((series.label, 'timens', case, frac))
                if a is None or b is None or len(b) <= len(a):
                    continue
                na = ['%-40s %s' % (normalise(t, ref, True), '')
                      for _, t in a]
                f.write('## %s%s%s: reference in-ns %d insns, series in-ns '
                        '%d\n' % (ABIS[abi]['prefix'], case,
                                  '+carry' if carry else '', len(a), len(b)))
                f.write('## annotated traces (offset: insn) and the diff of '
                        'the normalised instructions\n')
                for lbl, bb, seq in (('reference', ref, a),
                                     ('series', series, b)):
                    f.write('### %s\n' % lbl)
                    for o, t in seq:
                        f.write('%6x:  %-45s %s\n'
                                % (o, t.split('#')[0].strip(),
                                   normalise(t, bb, True)))
                f.write('### diff\n')
                na = [normalise(t, ref, True) for _, t in a]
                nb = [normalise(t, series, True) for _, t in b]
                for l in difflib.unified_diff(na, nb, 'reference', 'series',
                                              n=args.context, lineterm=''):
                    f.write(l + '\n')
                f.write('\n')
    return bad


def show(args, b, case):
    for l in b.describe():
        print('# ' + l)
    sc = []
    seq = b.trace(case, syscalls=sc)
    print('# %s%s: %d instructions%s' % (ABIS[b.abi]['prefix'], case,
                                         len(seq), ' (%s task)' % args.task))
    for l in sc:
        print(l)
    for o, t in seq:
        print('%6x:  %-45s %s' % (o, t.split('#')[0].strip(),
                                  normalise(t, b, args.resolve_data)))
    return 0


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 1)[1])
    ap.add_argument('outs', nargs='+', metavar='OUT')
    g = ap.add_mutually_exclusive_group()
    g.add_argument('--count', action='store_true',
                   help='table of instructions per call for each OUT')
    g.add_argument('--show', metavar='CASE',
                   help='annotated trace of CASE for one OUT')
    g.add_argument('--layout', action='store_true',
                   help="print vdso-run's LAYOUT argument for one OUT")
    g.add_argument('--table', action='store_true',
                   help='the bench table of BASE REF SERIES (host and time '
                        'namespace task)')
    ap.add_argument('--task', choices=('host', 'timens'), default='host',
                    help='with --count/--show/--layout: a task outside any '
                         'time namespace (default) or inside one')
    ap.add_argument('--ns-frac', type=int, default=200000000,
                    help='--task timens: the fraction of a second (ns) the '
                         'host clocks read at a traced/benched call')
    ap.add_argument('--tsv', metavar='FILE', help='--table: write it as TSV')
    ap.add_argument('--callgrind', action='store_true',
                    help='--table: cross-check every instruction count with '
                         'valgrind --tool=callgrind')
    ap.add_argument('--diff-out', metavar='FILE',
                    help='--table: where the series in-ns path is longer '
                         'than the reference one, both traces and their '
                         'diff')
    ap.add_argument('--bench', action='store_true',
                    help='with --count: also min ns/call')
    ap.add_argument('--bench-calls', type=int, default=200000)
    ap.add_argument('--bench-reps', type=int, default=11)
    ap.add_argument('--bench-runs', type=int, default=3,
                    help='--table: min over this many processes')
    ap.add_argument('--extra', action='store_true',
                    help='also clock_getres and a syscall-fallback clock')
    ap.add_argument('--alt', metavar='FEATURES',
                    help='patch alternatives first: rdtscp | lfence | none | '
                         'X86_FEATURE names, comma separated')
    ap.add_argument('--resolve-data', action='store_true',
                    help='rip-relative VVAR operands as symbol+offset '
                         'instead of <rip>')
    ap.add_argument('--context', type=int, default=3, help='diff context')
    ap.add_argument('--wait', type=int, default=4 * 3600,
                    help='seconds to wait for a running build (default 4h)')
    ap.add_argument('--abi', choices=('x86_64', 'ia32', 'all'),
                    help='which vDSO image: x86_64 (vdso64.so), ia32 '
                         '(vdso32.so, run by a gcc -m32 build of vdso-run) or '
                         'all; default: all for compare and --table, x86_64 '
                         'for --count/--show/--layout (--show ia32/CASE: '
                         'ia32)')
    ap.add_argument('--harness', help='prebuilt vdso-run binary')
    ap.add_argument('--harness32', help='prebuilt vdso-run binary for ia32 '
                    '(gcc -m32)')
    ap.add_argument('--cc', default=os.environ.get('CC', 'gcc'))
    ap.add_argument('--keep', action='store_true', help='keep temp files')
    args = ap.parse_args()
    args.cg_results = []

    if args.task != 'host' and not (args.count or args.show or args.layout):
        ap.error('--task timens: with --count, --show or --layout')
    if args.show and args.show.startswith('ia32/'):
        if args.abi not in (None, 'ia32'):
            ap.error('--show ia32/...: not with --abi %s' % args.abi)
        args.show, args.abi = args.show[len('ia32/'):], 'ia32'
    if args.abi is None:
        args.abi = 'x86_64' if args.count or args.show or args.layout \
            else 'all'
    if (args.show or args.layout) and args.abi == 'all':
        ap.error('--show/--layout: one ABI')
    if args.count:
        pass
    elif args.table:
        if len(args.outs) != 3:
            ap.error('--table needs BASE_OUT REF_OUT SERIES_OUT')
    elif args.show or args.layout:
        if len(args.outs) != 1:
            ap.error('--show/--layout take one OUT')
    elif len(args.outs) != 2:
        ap.error('compare needs BASE_OUT SERIES_OUT')

    tmp = tempfile.mkdtemp(prefix='vdso-path-check.')
    try:
        if args.table:
            return table(args, args.outs, tmp)
        if args.count:
            return count(args, args.outs, tmp)
        if args.show or args.layout:
            b = Build(args.outs[0], args, tmp, args.abi)
            if args.show:
                return show(args, b, args.show)
            print(b.layout_arg(args.task, args.ns_frac
                               if args.task == 'timens' else None))
            return 0
        return compare(args, args.outs, tmp)
    except Fatal as e:
        print('Bail out! %s' % e, flush=True)
        return 2
    finally:
        if args.keep:
            log('# temp files kept in ' + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
