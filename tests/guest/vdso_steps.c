// SPDX-License-Identifier: GPL-2.0
/*
 * vdso_steps - the user-space instructions of one vDSO call, counted by
 * single-stepping it with ptrace from the parent, in a task
 *   (a) outside any time namespace (the initial one),
 *   (b) in a time namespace whose offsets are all zero (unshare() then
 *       fork(), the offsets untouched),
 *   (c) in a time namespace with offsets ("monotonic 86400 0" and
 *       "boottime 172800 0" written to /proc/self/timens_offsets after
 *       unshare(), before fork()).
 * A namespace that has zero offsets when its first task enters must cost
 * what the initial namespace costs: its tasks get the real vDSO data page
 * at the VVAR slot and run exactly the vDSO instructions of a task outside
 * any namespace. KTAP cases:
 *   vdso_steps_host_counted        every call of (a) was counted, in the
 *                                  vDSO, without a system call
 *   vdso_steps_zero_ns_CALL        count(b) == count(a)
 *   vdso_steps_offsets_ns_CALL_differs
 *                                  count(c) != count(a), for the clocks
 *                                  the offsets shift (MONOTONIC, BOOTTIME,
 *                                  MONOTONIC_RAW, MONOTONIC_COARSE): the
 *                                  test tells the two paths apart
 * with both counts after the '#'. CALL: clock_gettime_CLOCK for REALTIME,
 * MONOTONIC, BOOTTIME, MONOTONIC_RAW, MONOTONIC_COARSE, REALTIME_COARSE;
 * gettimeofday_tv (tz NULL), gettimeofday_tv_tz, time (NULL),
 * clock_getres_MONOTONIC. The entry points (__vdso_clock_gettime,
 * __vdso_gettimeofday, __vdso_time, __vdso_clock_getres on x86;
 * __kernel_clock_gettime, __kernel_gettimeofday, __kernel_clock_getres on
 * arm64, whose vDSO has no time(): its cases are skipped) are looked up in
 * the dynamic symbols of the vDSO at getauxval(AT_SYSINFO_EHDR).
 *
 * How a call is counted: the traced child calls the function once (its
 * first touch of the VVAR pages faults them in outside the count), then
 * again after a breakpoint (int3; brk #0 on arm64, which the parent steps
 * over) right before the call. The parent single-steps it from there to
 * the function's first instruction, reads the return address (off the
 * stack; from x30 on arm64), and counts the instructions until the child
 * is back there with the frame popped, ret included (count_one() has the
 * details). What is counted is what a run without a seqcount retry
 * executes: stepped in QEMU, an iteration of a reader takes longer than
 * the 4 ms between timekeeping updates, so a retry is cut back to what
 * that iteration ran before the first update the tracer saw, and the next
 * attempt runs that part natively right after an update and steps on from
 * there; every counted instruction was single-stepped. A sample whose
 * instructions left the vDSO or include a system call instruction
 * (syscall, sysenter, int $0x80; svc on arm64: the fallback) or whose
 * call failed is an error. 3 samples per call, the count is their minimum
 * (a sample that carries into the next second runs a few instructions
 * more). A sample of (b) or (c) is only taken once the child has checked
 * that it is in a namespace of its own, that /proc/self/timens_offsets
 * shows the offsets written, and that its vDSO's CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME show them (against CLOCK_REALTIME and the host clocks as
 * the parent measured them, within 1 s). The table of the counts, the
 * samples and the time are printed as '#' lines. Tracer and child run on
 * one CPU.
 *
 * Without time namespaces (unshare(CLONE_NEWTIME) fails with EINVAL) the
 * namespace cases are skipped; with a clocksource other than tsc
 * (arch_sys_counter on arm64) it bails out (the vDSO would make the system
 * call). Built as x86_64 it steps the 64-bit vDSO; built with -m32
 * (vdso_steps_32) the ia32 one, whose functions take the old 32-bit
 * timespec, timeval and time_t (so no _TIME_BITS=64 here), from a 32-bit
 * tracer; built for aarch64 (aarch64-linux-gnu-gcc -static) the arm64 one,
 * its registers read with PTRACE_GETREGSET (NT_PRSTATUS). Needs root.
 *
 * Environment: VDSO_STEPS_BUDGET (s; default 60 times WB_SLOW: a call not
 * counted by then fails), VDSO_STEPS_PIN=0 (tracer and child not on one
 * CPU: several times slower in QEMU), VDSO_STEPS_DELAY_US (sleep before
 * every step: QEMU's slowness on a fast machine, to test the retry
 * handling), VDSO_STEPS_DUMP=1 (every sample's path; a failed one's is
 * always printed).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#if defined(__x86_64__)
#define ElfW(t)		Elf64_##t
#define ELF_ST_TYPE(i)	ELF64_ST_TYPE(i)
#define ABI_NAME	"x86_64"
#define REG_PC(r)	((uintptr_t)(r).rip)
#define REG_SP(r)	((uintptr_t)(r).rsp)
#define SET_PC(r, v)	((r).rip = (v))
#elif defined(__i386__)
#if defined(_TIME_BITS) && _TIME_BITS == 64
#error "build the ia32 vdso_steps without _TIME_BITS=64: the ia32 vDSO takes the old 32-bit types"
#endif
#define ElfW(t)		Elf32_##t
#define ELF_ST_TYPE(i)	ELF32_ST_TYPE(i)
#define ABI_NAME	"ia32"
#define REG_PC(r)	((uintptr_t)(r).eip)
#define REG_SP(r)	((uintptr_t)(r).esp)
#define SET_PC(r, v)	((r).eip = (v))
#elif defined(__aarch64__)
/*
 * glibc's struct user_regs_struct is the kernel's struct user_pt_regs,
 * what PTRACE_GETREGSET gives for NT_PRSTATUS: regs[31], sp, pc, pstate.
 */
#define ElfW(t)		Elf64_##t
#define ELF_ST_TYPE(i)	ELF64_ST_TYPE(i)
#define ABI_NAME	"arm64"
#define REG_PC(r)	((uintptr_t)(r).pc)
#define REG_SP(r)	((uintptr_t)(r).sp)
#define REG_LR(r)	((uintptr_t)(r).regs[30])
#define SET_PC(r, v)	((r).pc = (v))
#else
#error "vdso_steps: x86_64, i386 (gcc -m32) or aarch64 only"
#endif

/*
 * The architecture's vDSO and instructions: VDSO_SYM, the symbol of an
 * entry point; VDSO_CLOCKSOURCE, the clocksource its vDSO reads itself;
 * TRAP_INSN, the breakpoint instruction, and TRAP_MASK, the bits it takes
 * of the (little-endian) word at its address; TRAP_PC_OFF, how far past
 * the breakpoint the PC is when it has raised SIGTRAP: x86's int3 (0xcc)
 * leaves it after the breakpoint, arm64's brk #0 (4 bytes) on it.
 */
#if defined(__x86_64__) || defined(__i386__)
#define VDSO_SYM(n)		"__vdso_" n
#define VDSO_CLOCKSOURCE	"tsc"
#define TRAP_INSN		0xccUL
#define TRAP_MASK		0xffUL
#define TRAP_PC_OFF		1
#else
#define VDSO_SYM(n)		"__kernel_" n
#define VDSO_CLOCKSOURCE	"arch_sys_counter"
#define TRAP_INSN		0xd4200000UL	/* brk #0 */
#define TRAP_MASK		0xffffffffUL
#define TRAP_PC_OFF		0
#define INSN_LEN		4
#endif

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME		0x00000080
#endif

#define NSEC_PER_SEC		1000000000LL
#define OFF_MONO_S		86400LL
#define OFF_BOOT_S		172800LL
#define OFFSETS_LINE		"monotonic 86400 0\nboottime 172800 0\n"
#define NR_SAMPLES		3
#define MAX_CALL_STEPS		100000	/* one vDSO call: ~5-150, retries more */
#define MAX_LEAD_STEPS		1000	/* from the breakpoint to the entry: a few */
#define DEF_BUDGET_S		60
#define MAX_LOST		10	/* samples redone per call */
#define CLOCKSOURCE		"/sys/devices/system/clocksource/clocksource0/current_clocksource"

/* The vDSO's own types: 64-bit, or old_timespec32 etc. on ia32 */
struct vts {
	long	sec;
	long	nsec;
};

struct vtv {
	long	sec;
	long	usec;
};

struct vtz {
	int	minuteswest;
	int	dsttime;
};

typedef int (*cgt_fn)(clockid_t, struct vts *);
typedef int (*gtod_fn)(struct vtv *, struct vtz *);
typedef long (*time_fn)(long *);

enum kind { K_CGT, K_GTOD, K_TIME, K_GETRES };

struct call {
	const char	*name;
	const char	*sym;
	enum kind	kind;
	clockid_t	clk;
	int		tz;	/* gettimeofday() with a struct timezone */
	int		shifted; /* the namespace offsets shift this clock */
};

/* sym NULL: not in this vDSO (time() on arm64), the call is skipped */
static const struct call calls[] = {
	{ "clock_gettime_REALTIME", VDSO_SYM("clock_gettime"), K_CGT, CLOCK_REALTIME, 0, 0 },
	{ "clock_gettime_MONOTONIC", VDSO_SYM("clock_gettime"), K_CGT, CLOCK_MONOTONIC, 0, 1 },
	{ "clock_gettime_BOOTTIME", VDSO_SYM("clock_gettime"), K_CGT, CLOCK_BOOTTIME, 0, 1 },
	{ "clock_gettime_MONOTONIC_RAW", VDSO_SYM("clock_gettime"), K_CGT, CLOCK_MONOTONIC_RAW, 0, 1 },
	{ "clock_gettime_MONOTONIC_COARSE", VDSO_SYM("clock_gettime"), K_CGT, CLOCK_MONOTONIC_COARSE, 0, 1 },
	{ "clock_gettime_REALTIME_COARSE", VDSO_SYM("clock_gettime"), K_CGT, CLOCK_REALTIME_COARSE, 0, 0 },
	{ "gettimeofday_tv", VDSO_SYM("gettimeofday"), K_GTOD, 0, 0, 0 },
	{ "gettimeofday_tv_tz", VDSO_SYM("gettimeofday"), K_GTOD, 0, 1, 0 },
#ifdef __aarch64__
	{ "time", NULL, K_TIME, 0, 0, 0 },
#else
	{ "time", VDSO_SYM("time"), K_TIME, 0, 0, 0 },
#endif
	{ "clock_getres_MONOTONIC", VDSO_SYM("clock_getres"), K_GETRES, CLOCK_MONOTONIC, 0, 0 },
};
#define NO_SYM_WHY	"no time() in the " ABI_NAME " vDSO"
#define NR_CALLS	((int)(sizeof(calls) / sizeof(calls[0])))

enum { CTX_HOST, CTX_ZERO, CTX_OFFS, NR_CTX };

static const char * const ctx_name[NR_CTX] = { "a", "b", "c" };
static const char * const ctx_desc[NR_CTX] = {
	"outside any time namespace",
	"time namespace, zero offsets",
	"time namespace, offsets monotonic 86400 s, boottime 172800 s",
};

/* One counted call */
struct sample {
	unsigned int	steps;		/* instructions single-stepped */
	unsigned int	len;		/* the count: the path, see count_one() */
	unsigned int	retries;	/* loops back: attempts after the first */
	unsigned int	native;		/* of them, with a native run to the frontier */
	int		syscall;	/* a system call instruction ran */
	int		outside;	/* an instruction outside the vDSO ran */
	long		ret;		/* what the call returned */
};

struct result {
	int		nr;
	struct sample	s[NR_SAMPLES];
	int		valid;		/* counted: count is meaningful */
	unsigned int	count;		/* the minimum len of the samples */
	char		why[160];	/* why it is not valid */
};

/* Shared between the parent and the traced child */
struct shared {
	volatile int	next;		/* the call the child makes next; -1: exit */
	volatile long	ret;		/* what the counted call returned */
	/* what the child found about its namespace, before the first stop */
	unsigned long	ino;
	int		offsets_ok;
	long long	file_mono, file_boot;
	long long	vdso_mono, vdso_boot;	/* the measured offsets, ns */
	char		why[160];
	/* the parent's host clocks: clock - CLOCK_REALTIME, ns */
	long long	d_mono, d_boot;
};

static struct shared *sh;
static uintptr_t fn[NR_CALLS];
static uintptr_t vdso_lo, vdso_hi;	/* the mapped image */
static struct result res[NR_CTX][NR_CALLS];
static int ctx_ok[NR_CTX];		/* the context was set up and counted */
static char ctx_why[NR_CTX][200];	/* why not */
static int ctx_skip[NR_CTX];		/* skipped: no time namespaces */
static unsigned long ctx_ino[NR_CTX];	/* the child's /proc/self/ns/time */
static unsigned long host_ino;		/* ours: the initial namespace */
static long long ctx_off[NR_CTX][2];	/* its vDSO's MONOTONIC, BOOTTIME offsets */
static unsigned long long nr_steps;	/* PTRACE_SINGLESTEPs, all in all */
static long long step_ns;		/* the time they took */
static long long deadline;		/* CLOCK_MONOTONIC, ns */
static unsigned int step_delay_us;	/* VDSO_STEPS_DELAY_US */
static int dump_all;			/* VDSO_STEPS_DUMP: every sample's path */

/* ------------------------------------------------------------- the vDSO */

static const ElfW(Sym) *dsym;
static const char *dstr;
static unsigned int dnsym;
static uintptr_t dbias;

/* The number of dynamic symbols from DT_GNU_HASH: the last chain's end. */
static unsigned int gnu_hash_nsyms(const uint32_t *h)
{
	uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2];
	const uint32_t *buckets = h + 4 + bloom_size * (sizeof(ElfW(Addr)) / 4);
	const uint32_t *chain = buckets + nbuckets;
	uint32_t i, last = 0;

	for (i = 0; i < nbuckets; i++)
		if (buckets[i] > last)
			last = buckets[i];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return last + 1;
}

static const char *vdso_open(void)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	const ElfW(Ehdr) *eh = (const void *)base;
	const ElfW(Phdr) *ph;
	const ElfW(Dyn) *dyn = NULL, *d;
	const uint32_t *hash = NULL, *gnu_hash = NULL;
	int i, have_load = 0;

	if (!base)
		return "no AT_SYSINFO_EHDR: no vDSO mapped";
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != (sizeof(long) == 8 ? ELFCLASS64 : ELFCLASS32))
		return "the vDSO is not an ELF image of this ABI";
	ph = (const void *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			if (!have_load) {
				dbias = base + ph[i].p_offset - ph[i].p_vaddr;
				vdso_lo = dbias + ph[i].p_vaddr;
				have_load = 1;
			}
			if (dbias + ph[i].p_vaddr + ph[i].p_memsz > vdso_hi)
				vdso_hi = dbias + ph[i].p_vaddr + ph[i].p_memsz;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)(uintptr_t)ph[i].p_vaddr;
		}
	}
	if (!have_load || !dyn)
		return "the vDSO has no PT_LOAD or no PT_DYNAMIC";
	dyn = (const void *)(dbias + (uintptr_t)dyn);
	for (d = dyn; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB:
			dsym = (const void *)(dbias + d->d_un.d_ptr);
			break;
		case DT_STRTAB:
			dstr = (const void *)(dbias + d->d_un.d_ptr);
			break;
		case DT_HASH:
			hash = (const void *)(dbias + d->d_un.d_ptr);
			break;
		case DT_GNU_HASH:
			gnu_hash = (const void *)(dbias + d->d_un.d_ptr);
			break;
		}
	}
	if (!dsym || !dstr || (!hash && !gnu_hash))
		return "the vDSO has no DT_SYMTAB, DT_STRTAB or hash table";
	dnsym = hash ? hash[1] : gnu_hash_nsyms(gnu_hash);
	return NULL;
}

static uintptr_t vdso_sym(const char *name)
{
	unsigned int i;

	for (i = 0; i < dnsym; i++) {
		const ElfW(Sym) *s = &dsym[i];

		if (ELF_ST_TYPE(s->st_info) == STT_FUNC &&
		    s->st_shndx != SHN_UNDEF && !strcmp(dstr + s->st_name, name))
			return dbias + s->st_value;
	}
	return 0;
}

/* ------------------------------------------------------------ the child */

static struct vts v_ts;
static struct vtv v_tv;
static struct vtz v_tz;

/* The call; trap: stop with a breakpoint (SIGTRAP) right before it */
static long __attribute__((noinline)) do_call(int i, int trap)
{
	const struct call *c = &calls[i];

	if (trap)
#ifdef __aarch64__
		__asm__ volatile("brk #0");
#else
		__asm__ volatile("int3");
#endif
	switch (c->kind) {
	case K_CGT:
		return ((cgt_fn)fn[i])(c->clk, &v_ts);
	case K_GTOD:
		return ((gtod_fn)fn[i])(&v_tv, c->tz ? &v_tz : NULL);
	case K_TIME:
		return ((time_fn)fn[i])(NULL);
	case K_GETRES:
		return ((cgt_fn)fn[i])(c->clk, &v_ts);
	}
	return -1;
}

static long long ts_ns(const struct timespec *ts)
{
	return (long long)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/*
 * The offset of this task's CLK as the vDSO shows it: the vDSO's CLK less
 * CLOCK_REALTIME (not virtualized) and the host's CLK - REALTIME (D).
 */
static long long vdso_offset(clockid_t clk, long long d)
{
	struct timespec r1, r2;
	struct vts v;
	long long vn;

	clock_gettime(CLOCK_REALTIME, &r1);
	if (((cgt_fn)fn[0])(clk, &v))
		return LLONG_MIN;
	clock_gettime(CLOCK_REALTIME, &r2);
	vn = (long long)v.sec * NSEC_PER_SEC + v.nsec;
	return vn - (ts_ns(&r1) + ts_ns(&r2)) / 2 - d;
}

static int near(long long ns, long long want_s)
{
	long long d = ns - want_s * NSEC_PER_SEC;

	return ns != LLONG_MIN && d > -NSEC_PER_SEC && d < NSEC_PER_SEC;
}

/* The child's namespace as it sees it: into sh, before the first stop. */
static void child_inspect(int ctx)
{
	long long want_mono = ctx == CTX_OFFS ? OFF_MONO_S : 0;
	long long want_boot = ctx == CTX_OFFS ? OFF_BOOT_S : 0;
	char name[32], line[128];
	long long sec;
	long nsec;
	struct stat st;
	FILE *f;
	int got = 0;

	sh->ino = stat("/proc/self/ns/time", &st) ? 0 : (unsigned long)st.st_ino;
	sh->vdso_mono = vdso_offset(CLOCK_MONOTONIC, sh->d_mono);
	sh->vdso_boot = vdso_offset(CLOCK_BOOTTIME, sh->d_boot);
	if (ctx == CTX_HOST) {
		sh->offsets_ok = 1;
		return;
	}
	f = fopen("/proc/self/timens_offsets", "r");
	if (!f) {
		snprintf(sh->why, sizeof(sh->why), "/proc/self/timens_offsets: %s",
			 strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lld %ld", name, &sec, &nsec) != 3)
			continue;
		if (!strcmp(name, "monotonic") || !strcmp(name, "1")) {
			sh->file_mono = sec * NSEC_PER_SEC + nsec;
			got |= 1;
		} else if (!strcmp(name, "boottime") || !strcmp(name, "7")) {
			sh->file_boot = sec * NSEC_PER_SEC + nsec;
			got |= 2;
		}
	}
	fclose(f);
	if (got != 3 || sh->file_mono != want_mono * NSEC_PER_SEC ||
	    sh->file_boot != want_boot * NSEC_PER_SEC) {
		snprintf(sh->why, sizeof(sh->why),
			 "/proc/self/timens_offsets shows monotonic %lld ns, boottime %lld ns, not %lld s and %lld s",
			 sh->file_mono, sh->file_boot, want_mono, want_boot);
		return;
	}
	if (!near(sh->vdso_mono, want_mono) || !near(sh->vdso_boot, want_boot)) {
		snprintf(sh->why, sizeof(sh->why),
			 "the vDSO's clocks are off by monotonic %lld ns, boottime %lld ns, not %lld s and %lld s",
			 sh->vdso_mono, sh->vdso_boot, want_mono, want_boot);
		return;
	}
	sh->offsets_ok = 1;
}

static void __attribute__((noreturn)) child_main(int ctx)
{
	int i;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(10);
	child_inspect(ctx);
	/* The first touch of every VVAR page, outside any count */
	for (i = 0; i < NR_CALLS; i++)
		if (fn[i])
			do_call(i, 0);
	for (;;) {
		raise(SIGSTOP);		/* the parent sets next */
		i = sh->next;
		if (i < 0 || i >= NR_CALLS)
			_exit(0);
		do_call(i, 0);
		/* SIGTRAP at the breakpoint: the parent steps from there */
		sh->ret = do_call(i, 1);
	}
}

/* ----------------------------------------------------------- the tracer */

static int wait_stop(pid_t pid, int sig, char *why, size_t len)
{
	int st;

	if (waitpid(pid, &st, 0) != pid) {
		snprintf(why, len, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (WIFSTOPPED(st) && WSTOPSIG(st) == sig)
		return 0;
	if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP) {
		/* at the SIGSTOP after a call: it ran past where we waited */
		snprintf(why, len, "the child stopped with SIGSTOP, not signal %d", sig);
		return 1;
	}
	if (WIFEXITED(st))
		snprintf(why, len, "the child exited with %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(why, len, "the child was killed by signal %d", WTERMSIG(st));
	else
		snprintf(why, len, "the child stopped with signal %d, not %d",
			 WSTOPSIG(st), sig);
	return -1;
}

/* The child's registers: PTRACE_GETREGS, or PTRACE_GETREGSET where none */
static int get_regs(pid_t pid, struct user_regs_struct *r, char *why, size_t len)
{
#ifdef __aarch64__
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };

	if (ptrace(PTRACE_GETREGSET, pid, (void *)(uintptr_t)NT_PRSTATUS, &iov)) {
		snprintf(why, len, "PTRACE_GETREGSET: %s", strerror(errno));
		return -1;
	}
#else
	if (ptrace(PTRACE_GETREGS, pid, NULL, r)) {
		snprintf(why, len, "PTRACE_GETREGS: %s", strerror(errno));
		return -1;
	}
#endif
	return 0;
}

static int set_regs(pid_t pid, struct user_regs_struct *r, char *why, size_t len)
{
#ifdef __aarch64__
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };

	if (ptrace(PTRACE_SETREGSET, pid, (void *)(uintptr_t)NT_PRSTATUS, &iov)) {
		snprintf(why, len, "PTRACE_SETREGSET: %s", strerror(errno));
		return -1;
	}
#else
	if (ptrace(PTRACE_SETREGS, pid, NULL, r)) {
		snprintf(why, len, "PTRACE_SETREGS: %s", strerror(errno));
		return -1;
	}
#endif
	return 0;
}

static int step(pid_t pid, struct user_regs_struct *r, char *why, size_t len)
{
	nr_steps++;
	if (step_delay_us)
		usleep(step_delay_us);
	if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL)) {
		snprintf(why, len, "PTRACE_SINGLESTEP: %s", strerror(errno));
		return -1;
	}
	if (wait_stop(pid, SIGTRAP, why, len))
		return -1;
	return get_regs(pid, r, why, len);
}

/*
 * The child stopped with SIGTRAP at the breakpoint in do_call(): have it
 * go on after it. Nothing to do where the PC is already past it (int3);
 * arm64 leaves the PC on the brk, which would only trap again.
 */
static int past_trap(pid_t pid, char *why, size_t len)
{
#ifdef __aarch64__
	struct user_regs_struct r;
	uintptr_t pc;

	if (get_regs(pid, &r, why, len))
		return -1;
	pc = REG_PC(r);
	/* do_call() is in our text too, the same since the fork() */
	if (*(const uint32_t *)pc != TRAP_INSN) {
		snprintf(why, len, "SIGTRAP at %#lx, not at a brk #0", (unsigned long)pc);
		return -1;
	}
	SET_PC(r, pc + INSN_LEN);
	return set_regs(pid, &r, why, len);
#else
	return 0;
#endif
}

/*
 * syscall, sysenter, int $0x80 (svc on arm64): read in our own copy of
 * the same vDSO
 */
static int is_syscall_insn(uintptr_t pc)
{
#ifdef __aarch64__
	uint32_t insn;

	if (pc < vdso_lo || pc + INSN_LEN > vdso_hi)
		return 0;
	insn = *(const uint32_t *)pc;
	return (insn & 0xffe0001f) == 0xd4000001;	/* svc #imm16 */
#else
	const unsigned char *p = (const void *)pc;

	if (pc < vdso_lo || pc + 2 > vdso_hi)
		return 0;
	return (p[0] == 0x0f && (p[1] == 0x05 || p[1] == 0x34)) ||
	       (p[0] == 0xcd && p[1] == 0x80);
#endif
}

/*
 * Let the child run without single-stepping from where it is until it
 * reaches E (a breakpoint there, written with ptrace into its copy of the
 * vDSO text, then the instruction put back and, where the breakpoint left
 * the PC past E, the child set back to E).
 * 1 if it never got there and is at its SIGSTOP after the call.
 */
static int run_to(pid_t pid, uintptr_t e, struct user_regs_struct *r, char *why, size_t len)
{
	long orig, word;
	int rc = -1;

	if (e < vdso_lo || e + sizeof(long) > vdso_hi) {
		snprintf(why, len, "a breakpoint at %#lx would not be in the vDSO", (unsigned long)e);
		return -1;
	}
	errno = 0;
	orig = ptrace(PTRACE_PEEKTEXT, pid, (void *)e, NULL);
	if (errno) {
		snprintf(why, len, "PTRACE_PEEKTEXT: %s", strerror(errno));
		return -1;
	}
	word = (long)(((unsigned long)orig & ~TRAP_MASK) | TRAP_INSN);
	if (ptrace(PTRACE_POKETEXT, pid, (void *)e, (void *)word)) {
		snprintf(why, len, "PTRACE_POKETEXT: %s", strerror(errno));
		return -1;
	}
	if (ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		snprintf(why, len, "PTRACE_CONT: %s", strerror(errno));
		goto out;
	}
	rc = wait_stop(pid, SIGTRAP, why, len);
	if (rc)
		goto out;
	rc = -1;
	if (get_regs(pid, r, why, len))
		goto out;
	if (REG_PC(*r) != e + TRAP_PC_OFF) {
		snprintf(why, len, "stopped at %#lx running to %#lx",
			 (unsigned long)REG_PC(*r), (unsigned long)e);
		goto out;
	}
	if (TRAP_PC_OFF) {
		SET_PC(*r, e);
		if (set_regs(pid, r, why, len))
			goto out;
	}
	rc = 0;
out:
	if (ptrace(PTRACE_POKETEXT, pid, (void *)e, (void *)orig) && rc >= 0) {
		snprintf(why, len, "PTRACE_POKETEXT back: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}

/*
 * Timekeeping updates, as the tracer sees them: CLOCK_REALTIME_COARSE is
 * the time of the last one (through our vDSO, a few nanoseconds).
 */
static long long coarse_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME_COARSE, &t);
	return ts_ns(&t);
}

/* Until the next update (at most 100 ms): a whole tick period ahead. */
static long long wait_update(long long last)
{
	long long now = coarse_now(), until = now + 100 * 1000000LL;
	struct timespec t;

	while (now == last) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (ts_ns(&t) > until)
			break;
		now = coarse_now();
	}
	return now;
}

/*
 * The path of the call: the vDSO instructions in the order they ran, an
 * instruction once per activation of its function (path_act: which call;
 * a helper called twice, as the ia32 __x86.get_pc_thunk.*, is on it
 * twice); path_pos: where an offset last is on it, -1 if not; path_prev:
 * where the same offset was before; path_upd: a timekeeping update was
 * seen right after it. Activations: act_parent, the caller's.
 */
#define MAX_PATH		8192
#define MAX_ACTS		65536
static int *path_pos;
static uintptr_t path[MAX_PATH];
static int path_prev[MAX_PATH];
static unsigned int path_act[MAX_PATH];
static unsigned char path_upd[MAX_PATH];
static unsigned int act_parent[MAX_ACTS];

/*
 * call rel32, call r/m, ret, ret imm16, rep ret (on arm64 bl, blr and its
 * pointer authenticating forms, ret, retaa, retab): in our copy of the vDSO
 */
static int insn_kind(uintptr_t pc)
{
#ifdef __aarch64__
	uint32_t insn;

	if (pc < vdso_lo || pc + INSN_LEN > vdso_hi)
		return 0;
	insn = *(const uint32_t *)pc;
	if ((insn & 0xfc000000) == 0x94000000 ||	/* bl */
	    (insn & 0xfffffc1f) == 0xd63f0000 ||	/* blr */
	    (insn & 0xfefff800) == 0xd63f0800)		/* blraa(z), blrab(z) */
		return 'c';
	if ((insn & 0xfffffc1f) == 0xd65f0000 ||	/* ret */
	    (insn & 0xfffffbff) == 0xd65f0bff)		/* retaa, retab */
		return 'r';
	return 0;
#else
	const unsigned char *p = (const void *)pc;

	if (pc < vdso_lo || pc + 2 > vdso_hi)
		return 0;
	if (p[0] == 0xe8 || (p[0] == 0xff && ((p[1] >> 3) & 7) == 2))
		return 'c';
	if (p[0] == 0xc3 || p[0] == 0xc2 || (p[0] == 0xf3 && p[1] == 0xc3))
		return 'r';
	return 0;
#endif
}

/* The path where a sample failed: vDSO offsets, * after an update */
static void dump_path(const char *name, unsigned int np)
{
	char buf[256];
	unsigned int k, o = 0;

	ksft_print_msg("%s: the path so far, %u instructions (vDSO offsets, * where an update was seen after it):\n",
		       name, np);
	for (k = 0; k < np; k++) {
		o += snprintf(buf + o, sizeof(buf) - o, " %lx%s",
			      (unsigned long)(path[k] - vdso_lo), path_upd[k] ? "*" : "");
		if (o > sizeof(buf) - 24 || k == np - 1) {
			ksft_print_msg("%s\n", buf);
			o = 0;
		}
	}
}

/*
 * The child is past its breakpoint: step it to the entry of call i, then
 * count the steps until it is back at the return address with the frame
 * popped (x86: the address popped off the stack; arm64: x30 at the entry,
 * with the stack pointer back where it was).
 *
 * What is counted is what a run without a retry executes. Single-stepped,
 * an iteration of a seqcount reader takes longer than the timekeeping
 * update period in QEMU (about 25 instructions at 100-300 us a step
 * against 4 ms at HZ=250; 50 in the ia32 vDSO), so it would retry forever.
 * When the path comes back to an instruction H it holds in the same
 * activation of its function (a loop: the reader's retry, or a spin while
 * an update is in progress; a helper called twice is no loop), it is cut
 * back to the instructions of that iteration that ran before the first
 * update the tracer saw after H (they read one consistent version of the
 * data, so a run without a retry takes them as well), the tracer waits for
 * the next update, and the child runs natively (microseconds) from H to
 * the first instruction not yet known, from where stepping goes on. Each
 * attempt gets a whole update period to step further, until an iteration
 * passes its check and the loop is left: the count is the known part plus
 * what came after, a run without a retry; every counted instruction was
 * single-stepped. A loop without an update in it is counted with its last
 * iteration only (the carry into the next second, when it loops, which is
 * rare); one whose native run misses the instruction it runs to (such a
 * loop, with an update in it) loses the sample, which is taken again.
 */
/* The return address of the call the child has just entered (registers R) */
static int return_address(pid_t pid, const struct user_regs_struct *r, uintptr_t *ret,
			  char *why, size_t len)
{
#ifdef __aarch64__
	*ret = REG_LR(*r);	/* bl/blr put it in x30 */
#else
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, (void *)REG_SP(*r), NULL);
	if (errno) {
		snprintf(why, len, "PTRACE_PEEKDATA of the return address: %s", strerror(errno));
		return -1;
	}
	*ret = (uintptr_t)word;
#endif
	return 0;
}

/* Back at the return address RET of a call entered with stack pointer SP */
static int returned(const struct user_regs_struct *r, uintptr_t ret, uintptr_t sp)
{
#ifdef __aarch64__
	/* ret branched to x30; the callee restored sp */
	return REG_PC(*r) == ret && REG_SP(*r) >= sp;
#else
	/* call pushed it, ret popped it */
	return REG_PC(*r) == ret && REG_SP(*r) > sp;
#endif
}

static int count_one(pid_t pid, int i, struct sample *s, char *why, size_t len)
{
	struct user_regs_struct r;
	uintptr_t ret, sp;
	unsigned int n, k, np = 0, act = 0, nact = 1;
	struct timespec t0, t1;
	long long co, c2;
	int rc = -1, kind;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 0; ; n++) {
		if (n >= MAX_LEAD_STEPS) {
			snprintf(why, len, "the entry %#lx not reached in %d steps",
				 (unsigned long)fn[i], MAX_LEAD_STEPS);
			goto out;
		}
		if (step(pid, &r, why, len))
			goto out;
		if (REG_PC(r) == fn[i])
			break;
	}
	sp = REG_SP(r);
	if (return_address(pid, &r, &ret, why, len))
		goto out;
	act_parent[0] = 0;
	co = coarse_now();
	for (n = 0; ; ) {
		uintptr_t pc = REG_PC(r);
		int at = -1;

		if (n >= MAX_CALL_STEPS || np >= MAX_PATH || nact >= MAX_ACTS) {
			snprintf(why, len, "no return within %u instructions", n);
			goto out;
		}
		if (pc < vdso_lo || pc >= vdso_hi)
			s->outside = 1;
		else
			at = path_pos[pc - vdso_lo];
		if (at >= 0 && path_act[at] == act) {
			/* back at H = path[at], in the same activation: a loop */
			unsigned int u = at;
			uintptr_t fpc;

			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (ts_ns(&t1) > deadline) {
				snprintf(why, len, "out of time in a loop at +%#lx (VDSO_STEPS_BUDGET)",
					 (unsigned long)(pc - vdso_lo));
				goto out;
			}
			while (u < np && !path_upd[u])
				u++;
			if (u == np)	/* no update seen: nothing is known */
				u = at;
			fpc = path[u];
			for (k = np; k-- > u; )
				path_pos[path[k] - vdso_lo] = path_prev[k];
			np = u;
			s->retries++;
			co = wait_update(co);
			if (u > at) {
				rc = run_to(pid, fpc, &r, why, len);
				if (rc) {
					char w[120];

					snprintf(w, sizeof(w), "%s", why);
					snprintf(why, len, "running natively from +%#lx to +%#lx: %s",
						 (unsigned long)(pc - vdso_lo),
						 (unsigned long)(fpc - vdso_lo), w);
					/* 1: lost (a loop that was not a retry), redo it */
					goto out;
				}
				rc = -1;
				s->native++;
				c2 = coarse_now();
				if (c2 != co) {	/* during the run: known up to before */
					path_upd[np - 1] = 1;
					co = c2;
				}
				pc = fpc;
				act = path_act[u];
			}
		}
		if (pc >= vdso_lo && pc < vdso_hi) {
			path_prev[np] = path_pos[pc - vdso_lo];
			path_pos[pc - vdso_lo] = np;
			path_act[np] = act;
			path_upd[np] = 0;
			path[np++] = pc;
		}
		if (is_syscall_insn(pc))
			s->syscall = 1;
		kind = insn_kind(pc);
		if (step(pid, &r, why, len))
			goto out;
		n++;
		if (kind == 'c') {
			act_parent[nact] = act;
			act = nact++;
		} else if (kind == 'r') {
			act = act_parent[act];
		}
		c2 = coarse_now();
		if (c2 != co) {
			if (np)
				path_upd[np - 1] = 1;
			co = c2;
		}
		if (returned(&r, ret, sp))
			break;
	}
	s->steps = n;
	s->len = np;
	rc = 0;
out:
	if (rc < 0 || dump_all)
		dump_path(calls[i].name, np);
	for (k = np; k-- > 0; )
		path_pos[path[k] - vdso_lo] = path_prev[k];
	clock_gettime(CLOCK_MONOTONIC, &t1);
	step_ns += ts_ns(&t1) - ts_ns(&t0);
	return rc;
}

/* The samples of call i: the child is at its SIGSTOP, and is again after. */
static int count_call(pid_t pid, int i, struct result *rs)
{
	const struct call *c = &calls[i];
	struct timespec now;
	int j, rc, lost = 0;

	for (rs->nr = 0; rs->nr < NR_SAMPLES; ) {
		struct sample *s = &rs->s[rs->nr];

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_ns(&now) > deadline) {
			snprintf(rs->why, sizeof(rs->why), "out of time (VDSO_STEPS_BUDGET)");
			return -1;
		}
		sh->next = i;
		if (ptrace(PTRACE_CONT, pid, NULL, NULL)) {
			snprintf(rs->why, sizeof(rs->why), "PTRACE_CONT: %s", strerror(errno));
			return -1;
		}
		if (wait_stop(pid, SIGTRAP, rs->why, sizeof(rs->why)) ||
		    past_trap(pid, rs->why, sizeof(rs->why)))
			return -1;
		rc = count_one(pid, i, s, rs->why, sizeof(rs->why));
		if (rc > 0 && ++lost <= MAX_LOST)
			continue;	/* the child is at its SIGSTOP: again */
		if (rc)
			return -1;
		if (ptrace(PTRACE_CONT, pid, NULL, NULL)) {
			snprintf(rs->why, sizeof(rs->why), "PTRACE_CONT: %s", strerror(errno));
			return -1;
		}
		if (wait_stop(pid, SIGSTOP, rs->why, sizeof(rs->why)))
			return -1;
		s->ret = sh->ret;
		rs->nr++;
		if (s->outside || s->syscall ||
		    (c->kind == K_TIME ? s->ret <= 0 : s->ret != 0)) {
			snprintf(rs->why, sizeof(rs->why),
				 "sample %d: %u instructions%s%s, returned %ld",
				 rs->nr, s->steps,
				 s->syscall ? ", a system call (the vDSO fell back)" : "",
				 s->outside ? ", some outside the vDSO" : "", s->ret);
			return -1;
		}
	}
	rs->count = rs->s[0].len;
	for (j = 1; j < rs->nr; j++)
		if (rs->s[j].len < rs->count)
			rs->count = rs->s[j].len;
	rs->valid = 1;
	return 0;
}

/* Fork a traced child in the time namespace for children, count every call. */
static void run_ctx(int ctx)
{
	char *why = ctx_why[ctx];
	size_t len = sizeof(ctx_why[ctx]);
	pid_t pid;
	int i, st = 0;

	memset((char *)sh + offsetof(struct shared, ino), 0,
	       offsetof(struct shared, d_mono) - offsetof(struct shared, ino));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		child_main(ctx);
	if (wait_stop(pid, SIGSTOP, why, len))
		goto out_kill;
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_EXITKILL);
	ctx_ino[ctx] = sh->ino;
	ctx_off[ctx][0] = sh->vdso_mono;
	ctx_off[ctx][1] = sh->vdso_boot;
	if (!sh->offsets_ok) {
		snprintf(why, len, "%s", sh->why);
		goto out_kill;
	}
	if (host_ino && (ctx == CTX_HOST) != (sh->ino == host_ino)) {
		snprintf(why, len, "the child is in time namespace %lu, ours is %lu",
			 sh->ino, host_ino);
		goto out_kill;
	}
	for (i = 0; i < NR_CALLS; i++) {
		if (!fn[i])	/* not in this vDSO: skipped */
			continue;
		if (count_call(pid, i, &res[ctx][i])) {
			snprintf(why, len, "%s: %s", calls[i].name, res[ctx][i].why);
			goto out_kill;
		}
	}
	sh->next = -1;
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "the child did not exit cleanly (status %#x)", st);
		return;
	}
	ctx_ok[ctx] = 1;
	return;
out_kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int write_offsets(char *why, size_t len)
{
	const char *s = OFFSETS_LINE;
	int fd = open("/proc/self/timens_offsets", O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		snprintf(why, len, "open /proc/self/timens_offsets: %s", strerror(errno));
		return -1;
	}
	n = write(fd, s, strlen(s));
	if (n != (ssize_t)strlen(s)) {
		snprintf(why, len, "write to /proc/self/timens_offsets: %s",
			 n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The host's CLK - CLOCK_REALTIME, the narrowest of a few */
static long long host_d(clockid_t clk)
{
	long long best = 0, bestw = -1;
	struct timespec r1, r2, c;
	int k;

	for (k = 0; k < 5; k++) {
		clock_gettime(CLOCK_REALTIME, &r1);
		clock_gettime(clk, &c);
		clock_gettime(CLOCK_REALTIME, &r2);
		if (bestw < 0 || ts_ns(&r2) - ts_ns(&r1) < bestw) {
			bestw = ts_ns(&r2) - ts_ns(&r1);
			best = ts_ns(&c) - (ts_ns(&r1) + ts_ns(&r2)) / 2;
		}
	}
	return best;
}

static void samples_str(const struct result *rs, char *buf, size_t len)
{
	size_t o = 0;
	int j;

	buf[0] = 0;
	for (j = 0; j < rs->nr && o < len; j++) {
		const struct sample *s = &rs->s[j];

		o += snprintf(buf + o, len - o, "%s%u", j ? " " : "", s->len);
		if (s->retries && o < len)
			o += snprintf(buf + o, len - o, "(%u/%u)", s->retries, s->steps);
	}
}

static void report_table(void)
{
	char buf[NR_CTX][160];
	int ctx, i;

	ksft_print_msg("instructions per call (%s vDSO at %#lx), the minimum of %d samples; per sample the count, and (attempts after the first/instructions single-stepped) where the call looped:\n",
		       ABI_NAME, (unsigned long)vdso_lo, NR_SAMPLES);
	ksft_print_msg("%-32s %6s %6s %6s   samples a | b | c\n", "call", "a", "b", "c");
	for (i = 0; i < NR_CALLS; i++) {
		char cnt[NR_CTX][16];

		for (ctx = 0; ctx < NR_CTX; ctx++) {
			const struct result *rs = &res[ctx][i];

			if (rs->valid)
				snprintf(cnt[ctx], sizeof(cnt[ctx]), "%u", rs->count);
			else
				snprintf(cnt[ctx], sizeof(cnt[ctx]), "-");
			samples_str(rs, buf[ctx], sizeof(buf[ctx]));
		}
		ksft_print_msg("%-32s %6s %6s %6s   %s | %s | %s\n", calls[i].name,
			       cnt[0], cnt[1], cnt[2], buf[0], buf[1], buf[2]);
	}
}

static void read_clocksource(char *buf, size_t len)
{
	FILE *f = fopen(CLOCKSOURCE, "r");

	snprintf(buf, len, "?");
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

int main(void)
{
	const char *err, *e_budget = getenv("VDSO_STEPS_BUDGET");
	const char *e_slow = getenv("WB_SLOW"), *e_pin = getenv("VDSO_STEPS_PIN");
	double budget = DEF_BUDGET_S;
	char cs[64], why[200];
	struct timespec t0, t1;
	struct stat st;
	int i, ctx, ok, cpu;
	cpu_set_t set;

	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dump_all = getenv("VDSO_STEPS_DUMP") && atoi(getenv("VDSO_STEPS_DUMP"));
	if (getenv("VDSO_STEPS_DELAY_US"))
		step_delay_us = atoi(getenv("VDSO_STEPS_DELAY_US"));
	if (e_budget && *e_budget)
		budget = strtod(e_budget, NULL);
	else if (e_slow && atoi(e_slow) > 1)
		budget *= atoi(e_slow);
	deadline = ts_ns(&t0) + (long long)(budget * NSEC_PER_SEC);
	ksft_print_header();
	ksft_set_plan(1 + NR_CALLS + 4);

	read_clocksource(cs, sizeof(cs));
	if (strcmp(cs, VDSO_CLOCKSOURCE))
		ksft_exit_fail_msg("clocksource is %s, not " VDSO_CLOCKSOURCE ": the vDSO would fall back to the system call\n", cs);
	err = vdso_open();
	if (err)
		ksft_exit_fail_msg("%s\n", err);
	for (i = 0; i < NR_CALLS; i++) {
		if (!calls[i].sym)	/* not in this vDSO: fn[i] 0, skipped */
			continue;
		fn[i] = vdso_sym(calls[i].sym);
		if (!fn[i])
			ksft_exit_fail_msg("the %s vDSO has no %s\n", ABI_NAME, calls[i].sym);
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	path_pos = malloc((vdso_hi - vdso_lo) * sizeof(*path_pos));
	if (!path_pos)
		ksft_exit_fail_msg("malloc: %s\n", strerror(errno));
	memset(path_pos, 0xff, (vdso_hi - vdso_lo) * sizeof(*path_pos));
	/*
	 * Tracer and child on one CPU: each step is a switch on that CPU,
	 * not a wakeup of another one (several times faster in QEMU).
	 */
	cpu = sched_getcpu();
	if (!(e_pin && !strcmp(e_pin, "0")) && cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			ksft_print_msg("sched_setaffinity(CPU %d): %s\n", cpu, strerror(errno));
	} else {
		cpu = -1;
	}
	sh->d_mono = host_d(CLOCK_MONOTONIC);
	sh->d_boot = host_d(CLOCK_BOOTTIME);
	host_ino = stat("/proc/self/ns/time", &st) ? 0 : (unsigned long)st.st_ino;

	/* (a) */
	run_ctx(CTX_HOST);
	/* (b): a new namespace for our children, the offsets left alone */
	if (unshare(CLONE_NEWTIME)) {
		int e = errno;

		snprintf(why, sizeof(why), "unshare(CLONE_NEWTIME): %s%s", strerror(e),
			 e == EINVAL ? ": the kernel has no time namespaces" :
			 e == EPERM ? ": needs CAP_SYS_ADMIN" : "");
		for (ctx = CTX_ZERO; ctx < NR_CTX; ctx++) {
			snprintf(ctx_why[ctx], sizeof(ctx_why[ctx]), "%s", why);
			ctx_skip[ctx] = e == EINVAL || e == EPERM;
		}
	} else {
		run_ctx(CTX_ZERO);
		/* (c): another one, with offsets */
		if (unshare(CLONE_NEWTIME))
			snprintf(ctx_why[CTX_OFFS], sizeof(ctx_why[CTX_OFFS]),
				 "the second unshare(CLONE_NEWTIME): %s", strerror(errno));
		else if (!write_offsets(ctx_why[CTX_OFFS], sizeof(ctx_why[CTX_OFFS])))
			run_ctx(CTX_OFFS);
	}
	for (ctx = 0; ctx < NR_CTX; ctx++) {
		if (ctx_ok[ctx])
			ksft_print_msg("%s: %s: counted (time namespace %lu; vDSO offsets monotonic %lld ns, boottime %lld ns, within 1 s)\n",
				       ctx_name[ctx], ctx_desc[ctx], ctx_ino[ctx],
				       ctx_off[ctx][0], ctx_off[ctx][1]);
		else
			ksft_print_msg("%s: %s: %s\n", ctx_name[ctx], ctx_desc[ctx], ctx_why[ctx]);
	}
	report_table();

	ksft_test_result(ctx_ok[CTX_HOST], "vdso_steps_host_counted%s%s\n",
			 ctx_ok[CTX_HOST] ? "" : " # ", ctx_ok[CTX_HOST] ? "" : ctx_why[CTX_HOST]);

	for (i = 0; i < NR_CALLS; i++) {
		const struct result *a = &res[CTX_HOST][i], *b = &res[CTX_ZERO][i];

		if (!fn[i]) {
			ksft_inc_xskip_cnt();
			printf("ok %d vdso_steps_zero_ns_%s # SKIP %s\n", ksft_test_num(),
			       calls[i].name, NO_SYM_WHY);
		} else if (ctx_skip[CTX_ZERO]) {
			ksft_inc_xskip_cnt();
			printf("ok %d vdso_steps_zero_ns_%s # SKIP %s\n", ksft_test_num(),
			       calls[i].name, ctx_why[CTX_ZERO]);
		} else if (!ctx_ok[CTX_HOST] || !ctx_ok[CTX_ZERO]) {
			ksft_test_result_fail("vdso_steps_zero_ns_%s # %s\n", calls[i].name,
					      ctx_ok[CTX_HOST] ? ctx_why[CTX_ZERO] : ctx_why[CTX_HOST]);
		} else {
			ok = a->count == b->count;
			ksft_test_result(ok, "vdso_steps_zero_ns_%s # a %u, b %u%s\n",
					 calls[i].name, a->count, b->count,
					 ok ? "" : ": the zero offset namespace runs other instructions");
		}
	}
	for (i = 0; i < NR_CALLS; i++) {
		const struct result *a = &res[CTX_HOST][i], *c = &res[CTX_OFFS][i];

		if (!calls[i].shifted)
			continue;
		if (!fn[i]) {
			ksft_inc_xskip_cnt();
			printf("ok %d vdso_steps_offsets_ns_%s_differs # SKIP %s\n",
			       ksft_test_num(), calls[i].name, NO_SYM_WHY);
		} else if (ctx_skip[CTX_OFFS]) {
			ksft_inc_xskip_cnt();
			printf("ok %d vdso_steps_offsets_ns_%s_differs # SKIP %s\n",
			       ksft_test_num(), calls[i].name, ctx_why[CTX_OFFS]);
		} else if (!ctx_ok[CTX_HOST] || !ctx_ok[CTX_OFFS]) {
			ksft_test_result_fail("vdso_steps_offsets_ns_%s_differs # %s\n", calls[i].name,
					      ctx_ok[CTX_HOST] ? ctx_why[CTX_OFFS] : ctx_why[CTX_HOST]);
		} else {
			ok = a->count != c->count;
			ksft_test_result(ok, "vdso_steps_offsets_ns_%s_differs # a %u, c %u%s\n",
					 calls[i].name, a->count, c->count,
					 ok ? "" : ": the namespace with offsets runs the host's instructions");
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("%.2f s in all; %llu single steps, %.1f us each%s\n",
		       (ts_ns(&t1) - ts_ns(&t0)) / 1e9, nr_steps,
		       nr_steps ? step_ns / 1e3 / nr_steps : 0.0,
		       cpu >= 0 ? " (tracer and child on one CPU)" : "");
	ksft_finished();
}
