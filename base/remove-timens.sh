#!/bin/bash
# remove-timens.sh - strip time namespaces (CONFIG_TIME_NS, CLONE_NEWTIME,
# timens) out of a Linux 6.1.y tree, so that it reads and builds as a kernel
# that never had the feature.
#
# Run once, at the top of an unmodified tree (Debian linux-source-6.1,
# 6.1.192).  Every edit checks that it changed what it meant to change; a
# pattern that is not found stops the script with the file and the pattern.
set -euo pipefail

die() { echo "remove-timens: $*" >&2; exit 1; }

[ -f Makefile ] && [ -d kernel ] && [ -d arch/x86 ] ||
	die "run this at the top of a Linux source tree"
[ -f kernel/time/namespace.c ] ||
	die "kernel/time/namespace.c is missing: not an unmodified tree?"

command -v unifdef >/dev/null 2>&1 ||
	die "unifdef is needed: scripts/deps.sh installs it (apt-get install unifdef)"

tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT

# ---------------------------------------------------------------------------
# Edit helpers.  Each one writes the new text to a temporary file and hands
# it to commit_edit, which fails if nothing changed.  commit_edit also
# squeezes the blank line a removal leaves behind: when a removed run of
# lines had a blank line (or the start of the file) before it and a blank
# line after it, that following blank line goes too.
# ---------------------------------------------------------------------------
commit_edit() {	# FILE NEWTEXT WHAT
	local f=$1 new=$2 what=$3 rc=0
	if cmp -s "$f" "$new"; then
		die "$f: nothing changed: $what"
	fi
	diff --old-line-format='-%L' --new-line-format='+%L' \
		--unchanged-line-format=' %L' "$f" "$new" >"$tmpd/merged" || rc=$?
	[ "$rc" -le 1 ] || die "$f: diff failed"
	perl -e '
		my @l = <STDIN>; my @out; my $i = 0;
		while ($i < @l) {
			if (substr($l[$i], 0, 1) eq "-") {
				my $j = $i;
				$j++ while $j < @l && substr($l[$j], 0, 1) eq "-";
				my $prev_blank = !@out || $out[-1] =~ /^\s*$/;
				$j++ if $prev_blank && $j < @l &&
					substr($l[$j], 0, 1) eq " " &&
					substr($l[$j], 1) =~ /^\s*$/;
				$i = $j;
				next;
			}
			push @out, substr($l[$i], 1);
			$i++;
		}
		print @out;' <"$tmpd/merged" >"$new.sq"
	cat "$new.sq" >"$f"
	rm -f "$new" "$new.sq"
}

need_file() { [ -f "$1" ] || die "$1: no such file"; }

# count_ok N WANT: WANT is a number, or "+" for "at least one"
count_ok() { if [ "$2" = + ]; then [ "$1" -ge 1 ]; else [ "$1" -eq "$2" ]; fi; }

# del_file PATH...: delete files or directories that must exist
del_file() {
	local p
	for p in "$@"; do
		[ -e "$p" ] || die "$p: expected file or directory is missing"
		rm -rf -- "$p"
	done
}

# del_lines FILE REGEX [COUNT]: delete the lines matching the perl REGEX
del_lines() {
	local f=$1 re=$2 want=${3:-+} n
	need_file "$f"
	n=$(RE=$re OUTF="$tmpd/new" perl -ne '
		BEGIN { $re = qr/$ENV{RE}/; $n = 0; open(OUT, ">", $ENV{OUTF}) or die; }
		if (/$re/) { $n++; next; }
		print OUT $_;
		END { close OUT; print $n; }' "$f")
	count_ok "$n" "$want" ||
		die "$f: del_lines /$re/: matched $n line(s), expected $want"
	commit_edit "$f" "$tmpd/new" "del_lines /$re/"
}

# del_block FILE START END [COUNT]: delete each run of lines from one matching
# START up to and including the next one matching END
del_block() {
	local f=$1 start=$2 end=$3 want=${4:-+} n
	need_file "$f"
	n=$(S=$start E=$end OUTF="$tmpd/new" perl -ne '
		BEGIN { $s = qr/$ENV{S}/; $e = qr/$ENV{E}/; $n = 0; $in = 0;
			open(OUT, ">", $ENV{OUTF}) or die; }
		if ($in) { $in = 0 if /$e/; next; }
		if (/$s/) { $n++; $in = 1; next; }
		print OUT $_;
		END { close OUT; print $in ? -1 : $n; }' "$f")
	[ "$n" != -1 ] || die "$f: del_block /$start/: no /$end/ after it"
	count_ok "$n" "$want" ||
		die "$f: del_block /$start/ .. /$end/: matched $n block(s), expected $want"
	commit_edit "$f" "$tmpd/new" "del_block /$start/ .. /$end/"
}

# sub_re FILE COUNT PERLCODE: run a perl substitution (s{..}{..}flags) on the
# whole file as one string; it must replace exactly COUNT times ("+": >= 1)
sub_re() {
	local f=$1 want=$2 code=$3 n
	need_file "$f"
	n=$(CODE=$code OUTF="$tmpd/new" perl -0777 -ne '
		my $n = eval $ENV{CODE};
		die "bad perl code: $@" if $@;
		open(OUT, ">", $ENV{OUTF}) or die; print OUT $_; close OUT;
		print $n || 0;' "$f")
	count_ok "$n" "$want" ||
		die "$f: sub_re $code: replaced $n time(s), expected $want"
	commit_edit "$f" "$tmpd/new" "sub_re $code"
}

# unifdef_timens FILE: resolve #if/#ifdef on CONFIG_TIME_NS as "not set"
unifdef_timens() {
	local f=$1 rc=0
	need_file "$f"
	unifdef -UCONFIG_TIME_NS "$f" >"$tmpd/new" || rc=$?
	[ "$rc" -le 1 ] || die "$f: unifdef failed"
	commit_edit "$f" "$tmpd/new" "unifdef -UCONFIG_TIME_NS (no #ifdef CONFIG_TIME_NS?)"
}

# del_include FILE: drop '#include <linux/time_namespace.h>'
del_include() {
	del_lines "$1" '^#include <linux/time_namespace\.h>$' 1
}

# ---------------------------------------------------------------------------
# Core: the implementation, its header, the Kconfig option and the Makefile
# line building it.
# ---------------------------------------------------------------------------
del_file kernel/time/namespace.c include/linux/time_namespace.h
del_lines kernel/time/Makefile '^obj-\$\(CONFIG_TIME_NS\)\s' 1
del_block init/Kconfig '^config TIME_NS$' '^$' 1

# ---------------------------------------------------------------------------
# UAPI: the CLONE_NEWTIME flag (0x80 goes back to being a CSIGNAL bit), in
# the kernel headers and in the tools copy.
# ---------------------------------------------------------------------------
for f in include/uapi/linux/sched.h tools/include/uapi/linux/sched.h; do
	sub_re "$f" 1 's{\n/\*\n \* cloning flags intersect with CSIGNAL so can be used with unshare and clone3\n \* syscalls only:\n \*/\n#define CLONE_NEWTIME\t[^\n]*\n}{}'
done

# ---------------------------------------------------------------------------
# Namespace plumbing: nsproxy members, init_nsproxy, copy/free/unshare/setns,
# the clone checks in fork.c, the ucount limit and the /proc/<pid>/ns/time*
# operations.
# ---------------------------------------------------------------------------
del_lines include/linux/nsproxy.h '^\tstruct time_namespace \*time_ns(_for_children)?;$' 2
del_lines include/linux/proc_ns.h \
	'^extern const struct proc_ns_operations timens(_for_children)?_operations;$|^\tPROC_TIME_INIT_INO\s' 3
del_lines include/linux/user_namespace.h '^\tUCOUNT_TIME_NAMESPACES,$' 1
del_lines kernel/ucount.c '^\tUCOUNT_ENTRY\("max_time_namespaces"\),$' 1

f=kernel/nsproxy.c
del_include $f
# setns(): an "#ifndef CONFIG_TIME_NS" rejection; CLONE_NEWTIME is now simply unknown
del_block $f '^#ifndef CONFIG_TIME_NS$' '^#endif$' 1
# init_nsproxy members, validate_nsset() and commit_nsset() parts
unifdef_timens $f
# create_new_namespaces(): no time ns copy and no out_time unwind label
del_block $f '^\tnew_nsp->time_ns_for_children = copy_time_ns\(' '^\tnew_nsp->time_ns = get_time_ns\(' 1
sub_re $f 1 's{^out_time:\n\tput_net\(new_nsp->net_ns\);\n}{}m'
# copy_namespaces(): plain fast path, no timens_on_fork()
sub_re $f 1 's{ \| CLONE_NEWTIME\)\)\)\) \{\n\t\tif \(likely\(old_ns->time_ns_for_children == old_ns->time_ns\)\) \{\n\t\t\tget_nsproxy\(old_ns\);\n\t\t\treturn 0;\n\t\t\}\n\t\} else if \(!ns_capable}{)))) {\n\t\tget_nsproxy(old_ns);\n\t\treturn 0;\n\t}\n\n\tif (!ns_capable}'
del_lines $f '^\ttimens_on_fork\(new_ns, tsk\);$' 1
# free_nsproxy()
del_lines $f '^\tif \(ns->time_ns(_for_children)?\)$|^\t\tput_time_ns\(ns->time_ns(_for_children)?\);$' 4
# unshare_nsproxy_namespaces() and check_setns_flags() flag masks
sub_re $f 1 's{ \|\n\t+ *CLONE_NEWTIME\)\)\)}{)))}'
sub_re $f 1 's{ CLONE_NEWTIME \|}{}'

f=kernel/fork.c
# copy_process(): the "different time namespace" CLONE_THREAD/CLONE_VM check
sub_re $f 1 's{\t/\*\n\t \* If the new process will be in a different time namespace\n.*?\n\t\}\n\n}{}s'
# clone3_args_valid(): all CSIGNAL bits are reserved again
sub_re $f 1 's{\(CSIGNAL & \(~CLONE_NEWTIME\)\)}{CSIGNAL}'
# check_unshare_flags()
sub_re $f 1 's{\|\n\t+CLONE_NEWTIME\)\)}{))}'

# ---------------------------------------------------------------------------
# procfs: /proc/<pid>/timens_offsets, /proc/<pid>/ns/time{,_for_children},
# and the boottime offsets in /proc/<pid>/stat, /proc/stat, /proc/uptime.
# ---------------------------------------------------------------------------
del_include fs/proc/base.c
unifdef_timens fs/proc/base.c
unifdef_timens fs/proc/namespaces.c
del_include fs/proc/array.c
sub_re fs/proc/array.c 1 's{\t/\* apply timens offset for boottime and convert nsec -> ticks \*/\n\tstart_time =\n\t\tnsec_to_clock_t\(timens_add_boottime_ns\(task->start_boottime\)\);}{\t/* convert nsec -> ticks */\n\tstart_time = nsec_to_clock_t(task->start_boottime);}'
del_include fs/proc/stat.c
del_lines fs/proc/stat.c '^\t/\* shift boot timestamp according to the timens offset \*/$|^\ttimens_sub_boottime\(&boottime\);$' 2
del_include fs/proc/uptime.c
del_lines fs/proc/uptime.c '^\ttimens_add_boottime\(&uptime\);$' 1

# ---------------------------------------------------------------------------
# Clocks, timers and sleeps: no namespace offsets added to clock reads, no
# conversion of absolute expiry times back to host time.
# ---------------------------------------------------------------------------
# "if (flags & TIMER_ABSTIME) x = timens_ktime_to_host(clk, x);"
abstime_re='s{^\t+if \(flags & (TIMER|TFD_TIMER)_ABSTIME\)\n\t+\w+ = timens_ktime_to_host\([^;\n]*\);\n}{}mg'

f=kernel/time/posix-timers.c
del_include $f
del_lines $f '^\ttimens_add_(monotonic|boottime)\(tp\);$' 4
# the namespace aware nsleep goes; MONOTONIC and BOOTTIME use common_nsleep()
del_block $f '^static int common_nsleep_timens\(' '^}$' 1
sub_re $f 2 's{(\.nsleep\t+= common_nsleep)_timens,}{$1,}g'
sub_re $f 1 "$abstime_re"	# common_timer_set()
f=kernel/time/posix-timers.h
del_lines $f '^\t/\* Returns the clock value in the (current|root) time namespace\. \*/$' 2

f=kernel/time/posix-stubs.c
del_include $f
del_lines $f '^\t\ttimens_add_(monotonic|boottime)\(tp\);$' 2
sub_re $f 2 "$abstime_re"

f=kernel/time/alarmtimer.c
del_include $f
sub_re $f 1 's{(\* \@get_timespec:\tFunction to read the )namespace (time correlating to the base)}{$1$2}'
sub_re $f 1 's{( \* Provides the underlying alarm base time) in a tasks time namespace\.}{$1.}'
# alarm_timer_nsleep(): absolute expiry is used as is
sub_re $f 1 's{\n\t\} else \{\n\t\texp = timens_ktime_to_host\(which_clock, exp\);\n\t\}\n}{\n\t\}\n}'
# CLOCK_BOOTTIME_ALARM reads plain boottime
del_block $f '^static void get_boottime_timespec\(struct timespec64 \*tp\)$' '^}$' 1
sub_re $f 1 's{(\.get_timespec = )get_boottime_timespec;}{${1}ktime_get_boottime_ts64;}'

del_include fs/timerfd.c
sub_re fs/timerfd.c 1 "$abstime_re"

f=kernel/futex/syscalls.c
del_include $f
sub_re $f 1 's{\n\telse if \(cmd != FUTEX_LOCK_PI && !\(op & FUTEX_CLOCK_REALTIME\)\)\n\t\t\*t = timens_ktime_to_host\(CLOCK_MONOTONIC, \*t\);}{}'

del_include kernel/sys.c
del_lines kernel/sys.c '^\ttimens_add_boottime\(&tp\);$' 1	# sysinfo() uptime

# ---------------------------------------------------------------------------
# Generic vDSO: no GENERIC_VDSO_TIME_NS, no VDSO_CLOCKMODE_TIMENS, no
# struct timens_offset, no _timens_data, and the readers are plain
# vdso_read_begin()/vdso_read_retry() loops again.
# ---------------------------------------------------------------------------
del_block lib/vdso/Kconfig '^config GENERIC_VDSO_TIME_NS$' '^\t  VDSO$' 1

f=lib/vdso/gettimeofday.c
# do_hres_timens() and do_coarse_timens(), with their #else stubs
del_block $f '^#ifdef CONFIG_TIME_NS$' '^#endif$' 2
# the open-coded seqcount waits in do_hres() and do_coarse()
sub_re $f 2 's{\t\t/\*\n\t\t \* Open coded to handle VDSO_CLOCK(MODE)?_TIMENS\..*?\n\t\tsmp_rmb\(\);\n(?:\n(?=\t\tts->))?}{\t\tseq = vdso_read_begin(vd);\n}sg'
# gettimeofday(tz), time() and clock_getres() reading the timens page
sub_re $f 3 's{^\t+if \(IS_ENABLED\(CONFIG_TIME_NS\) &&\n\t+ *vd->clock_mode == VDSO_CLOCKMODE_TIMENS\)\n\t+vd = __arch_get_timens_vdso_data\(vd\);\n\n}{}mg'

f=include/vdso/datapage.h
del_lines $f '^ \* \@offset\[clock_id\]:\ttime namespace offset per clock_id$' 1
sub_re $f 1 's{ \*\n \* \@basetime is used to store the base time for the system wide time getter\n.*? \* offset must be zero\.\n}{}s'
sub_re $f 1 's{\tunion \{\n\t\tstruct vdso_timestamp\tbasetime\[VDSO_BASES\];\n\t\tstruct timens_offset\toffset\[VDSO_BASES\];\n\t\};}{\tstruct vdso_timestamp\tbasetime[VDSO_BASES];}'
del_lines $f '^extern struct vdso_data _timens_data\[CS_BASES\]' 1
del_lines $f '^#include <vdso/time\.h>$' 1

f=include/vdso/clocksource.h
sub_re $f 1 's{\n\n\t/\* Indicator for time namespace VDSO \*/\n\tVDSO_CLOCKMODE_TIMENS = INT_MAX\n}{\n}'
del_lines $f '^#include <vdso/limits\.h>$' 1	# was only there for INT_MAX

# include/vdso/time.h only held struct timens_offset
del_file include/vdso/time.h
del_lines include/linux/time.h '^# include <vdso/time\.h>$' 1

# ---------------------------------------------------------------------------
# x86: no timens_page in the vDSO image (vvar area back to 3 pages), no
# TIMENS() vvar aliases, no namespace VVAR page in vvar_fault().
# ---------------------------------------------------------------------------
del_lines arch/x86/Kconfig '^\tselect GENERIC_VDSO_TIME_NS$' 1

f=arch/x86/entry/vdso/vdso-layout.lds.S
sub_re $f 1 's{(vvar_start = \. - )4( \* PAGE_SIZE;)}{${1}3$2}'
del_lines $f '^\ttimens_page\s+= vvar_start \+ 3 \* PAGE_SIZE;$' 1
sub_re $f 1 's{\n#undef _ASM_X86_VVAR_H\n\t/\* Place all vvars in timens too .*?\n#undef EMIT_VVAR\n}{}s'

del_lines arch/x86/entry/vdso/vdso2c.c '^\t(sym_timens_page,|\[sym_timens_page\] = \{"timens_page", true\},)$' 3
del_lines arch/x86/include/asm/vdso.h '^\tlong sym_timens_page;$' 1

f=arch/x86/include/asm/vvar.h
sub_re $f 1 's{\)\);\t+\\\n\textern type timens_ ## name\[CS_BASES\]\t+\\\n\t__attribute__\(\(visibility\("hidden"\)\)\);\t+\\\n}{));\n}'
del_lines $f '^#define TIMENS\(name\) \(timens_ ## name\)$' 1

f=arch/x86/include/asm/vdso/gettimeofday.h
del_lines $f '^#define __timens_vdso_data \(TIMENS\(_vdso_data\)\)$' 1
unifdef_timens $f	# __arch_get_timens_vdso_data()

f=arch/x86/entry/vdso/vma.c
del_include $f
# arch_get_vdso_data() (vvar offsets for the timens code)
sub_re $f 1 's{\n#undef _ASM_X86_VVAR_H\n#define EMIT_VVAR\(name, offset\)\t\\\n.*?\n#undef EMIT_VVAR\n}{}s'
# forward declaration only needed by vdso_join_timens()
del_lines $f '^static const struct vm_special_mapping vvar_mapping;$' 1
# find_timens_vvar_page(), vdso_join_timens() and the !TIME_NS stub
del_block $f '^#ifdef CONFIG_TIME_NS$' '^#endif$' 1
# vvar_fault(): the vvar page is always the real one; no timens page
sub_re $f 1 's{\tif \(sym_offset == image->sym_vvar_page\) \{\n\t\tstruct page \*timens_page = .*?\n\t\treturn vmf_insert_pfn\(vma, vmf->address, pfn\);\n\t\} else if}{\tif (sym_offset == image->sym_vvar_page) {\n\t\treturn vmf_insert_pfn(vma, vmf->address,\n\t\t\t\t__pa_symbol(&__vvar_page) >> PAGE_SHIFT);\n\t} else if}s'
sub_re $f 1 's{\t\} else if \(sym_offset == image->sym_timens_page\) \{\n.*?\n\t\}\n}{\t\}\n}s'
del_lines $f '^\tunsigned long pfn;$' 1

# ---------------------------------------------------------------------------
# Other architectures with GENERIC_VDSO_TIME_NS: the Kconfig select, the
# timens VVAR page (the vvar area shrinks by that page), vdso_join_timens(),
# find_timens_vvar_page(), arch_get_vdso_data() and the vDSO-side
# __arch_get_timens_vdso_data()/_timens_data.
# ---------------------------------------------------------------------------
for a in arm64 loongarch powerpc riscv s390; do
	del_lines arch/$a/Kconfig '^\tselect GENERIC_VDSO_TIME_NS( if HAVE_GENERIC_VDSO)?$' 1
done

# Per vdso.c: first turn "#ifdef CONFIG_TIME_NS <helpers> #else <stub> #endif"
# into a plain #ifdef block, then unifdef drops the helpers together with the
# VVAR_TIMENS_PAGE_OFFSET case of vvar_fault(); last, vvar_fault() loses its
# timens_page variable.
del_timens_page_var() { del_lines "$1" '^\tstruct page \*timens_page = find_timens_vvar_page\(vma\);$' 1; }
del_timens_stub() {
	sub_re "$1" 1 's{^#else\nstatic (inline )?struct page \*find_timens_vvar_page\(struct vm_area_struct \*vma\)\n\{\n\treturn NULL;\n\}\n#endif\n}{#endif\n}m'
}
# "if (timens_page) pfn = page_to_pfn(timens_page); else pfn = X;" -> "pfn = X;"
data_pfn_re='s{^\t\tif \(timens_page\)\n\t\t\tpfn = page_to_pfn\(timens_page\);\n\t\telse\n\t\t\t(pfn = [^\n]*;)\n}{\t\t$1\n}m'

# arm64
f=arch/arm64/kernel/vdso.c
del_include $f
del_lines $f '^\tVVAR_TIMENS_PAGE_OFFSET,$' 1
del_timens_stub $f
unifdef_timens $f
del_timens_page_var $f
sub_re $f 1 "$data_pfn_re"
sub_re arch/arm64/include/asm/vdso.h 1 's{^(#define __VVAR_PAGES\s+)2$}{${1}1}m'
unifdef_timens arch/arm64/include/asm/vdso/gettimeofday.h
unifdef_timens arch/arm64/include/asm/vdso/compat_gettimeofday.h
unifdef_timens arch/arm64/kernel/vdso/vdso.lds.S
unifdef_timens arch/arm64/kernel/vdso32/vdso.lds.S

# loongarch
f=arch/loongarch/kernel/vdso.c
del_include $f
del_lines $f '^static struct page \*find_timens_vvar_page\(struct vm_area_struct \*vma\);$' 1
del_timens_stub $f
unifdef_timens $f
sub_re $f 1 's{^\tunsigned long pfn;\n\tstruct page \*timens_page = find_timens_vvar_page\(vma\);\n}{\tunsigned long pfn;\n}m'
sub_re $f 1 's{^\t\tif \(!timens_page\)\n\t\t\t(pfn = [^\n]*;)\n\t\telse\n\t\t\tpfn = page_to_pfn\(timens_page\);\n}{\t\t$1\n}m'
f=arch/loongarch/include/asm/vdso/vdso.h
del_lines $f '^\tVVAR_TIMENS_PAGE_OFFSET,$' 1
sub_re $f 1 's{^ \* \|  time-ns vdso data  \|\s+PAGE_SIZE\s+\|\n \* \+-+\+-+\+\n}{}m'
unifdef_timens arch/loongarch/include/asm/vdso/gettimeofday.h

# parisc (only includes the header)
del_include arch/parisc/kernel/vdso.c

# powerpc
f=arch/powerpc/kernel/vdso.c
del_include $f
del_lines $f '^\tVVAR_TIMENS_PAGE_OFFSET,$' 1
del_timens_stub $f
unifdef_timens $f
del_timens_page_var $f
sub_re $f 1 "$data_pfn_re"
for s in vdso32 vdso64; do
	sub_re arch/powerpc/kernel/vdso/$s.lds.S 1 's{PROVIDE\(_vdso_datapage = \. - 2 \* PAGE_SIZE\);}{PROVIDE(_vdso_datapage = . - PAGE_SIZE);}'
done
unifdef_timens arch/powerpc/include/asm/vdso/gettimeofday.h
# get_realdatapage (skips to the real data page from a timens page) goes;
# its users go back to get_datapage
sub_re arch/powerpc/include/asm/vdso_datapage.h 1 's{\n#include <asm/asm-offsets\.h>\n#include <asm/page\.h>\n\n\.macro get_realdatapage ptr scratch\n.*?\.endm\n}{}s'
sub_re arch/powerpc/kernel/vdso/cacheflush.S 1 's{get_realdatapage\t(r\d+), r\d+}{get_datapage\t$1}g'
sub_re arch/powerpc/kernel/vdso/datapage.S 2 's{get_realdatapage\t(r\d+), r\d+}{get_datapage\t$1}g'
del_lines arch/powerpc/kernel/asm-offsets.c '^\t(OFFSET\(VDSO_CLOCKMODE_OFFSET, |DEFINE\(VDSO_CLOCKMODE_TIMENS, )' 2

# riscv
f=arch/riscv/kernel/vdso.c
del_include $f
del_lines $f '^\tVVAR_TIMENS_PAGE_OFFSET,$' 1
del_timens_stub $f
unifdef_timens $f
del_timens_page_var $f
sub_re $f 1 "$data_pfn_re"
sub_re arch/riscv/include/asm/vdso.h 1 's{^(#define __VVAR_PAGES\s+)2$}{${1}1}m'
unifdef_timens arch/riscv/include/asm/vdso/gettimeofday.h
unifdef_timens arch/riscv/kernel/vdso/vdso.lds.S

# s390
f=arch/s390/kernel/vdso.c
del_include $f
del_lines $f '^static struct vm_special_mapping vvar_mapping;$' 1
del_lines $f '^\tVVAR_TIMENS_PAGE_OFFSET,$' 1
del_timens_stub $f
unifdef_timens $f
sub_re $f 1 's{^\tstruct page \*timens_page = find_timens_vvar_page\(vma\);\n\tunsigned long addr, pfn;\n\tvm_fault_t err;\n}{\tunsigned long pfn;\n}m'
sub_re $f 1 's{^\t\tif \(timens_page\) \{\n.*?\n\t\t\tpfn = page_to_pfn\(timens_page\);\n\t\t\}\n}{}ms'
sub_re arch/s390/include/asm/vdso.h 1 's{^(#define __VVAR_PAGES\s+)2$}{${1}1}m'
unifdef_timens arch/s390/include/asm/vdso/gettimeofday.h
unifdef_timens arch/s390/kernel/vdso32/vdso32.lds.S
unifdef_timens arch/s390/kernel/vdso64/vdso64.lds.S
del_lines arch/s390/configs/zfcpdump_defconfig '^# CONFIG_TIME_NS is not set$' 1

# ---------------------------------------------------------------------------
# Selftests: the timens suite goes; the pidfd setns test loses its time
# namespace entry and the switch into a new time namespace.
# ---------------------------------------------------------------------------
del_file tools/testing/selftests/timens
del_lines tools/testing/selftests/Makefile '^TARGETS \+= timens$' 1
del_block tools/testing/selftests/pidfd/pidfd.h '^#ifndef CLONE_NEWTIME$' '^#endif$' 1
f=tools/testing/selftests/pidfd/pidfd_setns_test.c
del_lines $f '^\tPIDFD_NS_TIME,$|^\t\[PIDFD_NS_TIME\]\s+= \{ "time",\s+CLONE_NEWTIME,\s+\},$' 2
del_block $f '^static bool switch_timens\(void\)$' '^}$' 1
sub_re $f 2 's{^\t\tif \(!switch_timens\(\)\)\n\t\t\t_exit\(EXIT_FAILURE\);\n\n}{}mg'

# ---------------------------------------------------------------------------
# Documentation and MAINTAINERS.
# ---------------------------------------------------------------------------
del_block Documentation/admin-guide/sysctl/user.rst '^max_time_namespaces$' '^  user namespace may create\.$' 1
del_lines MAINTAINERS '^F:\t(include/linux/time_namespace\.h|kernel/time/namespace\.c)$' 2

# ---------------------------------------------------------------------------
# Acceptance check: nothing of the feature is left.
# ---------------------------------------------------------------------------
pat='(^|[^a-z_])timens|time_namespace|CLONE_NEWTIME|\bTIME_NS\b|time_for_children|TIME_NAMESPACES|time_namespaces|VDSO_TIME_NS|CLOCKMODE_TIMENS|->time_ns\b|\.time_ns\b'
if [ "$(git rev-parse --show-toplevel 2>/dev/null || true)" = "$(pwd -P)" ]; then
	left=$(git grep -nE "$pat" -- . ':!drivers' ':!include/acpi' || true)
else
	left=$(grep -rnIE --exclude-dir=.git "$pat" . |
		grep -vE '^\./(drivers|include/acpi)/' || true)
fi
if [ -n "$left" ]; then
	printf '%s\n' "$left" >&2
	die "time namespace traces are left (see above)"
fi
echo "remove-timens: done"
