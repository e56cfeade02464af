// SPDX-License-Identifier: GPL-2.0
/*
 * vdso-run - run an x86_64 vDSO image (arch/x86/entry/vdso/vdso64.so of a
 * kernel build) inside an ordinary user process, with a synthetic VVAR area
 * describing a task that is NOT in a time namespace, and trace, count or
 * benchmark one call.  Built with gcc -m32 (-fno-pie -no-pie, as
 * vdso-path-check.py does), the same source runs the ia32 image vdso32.so
 * instead, in a 32-bit process: its __vdso_clock_gettime,
 * __vdso_clock_getres, __vdso_gettimeofday and __vdso_time take the old
 * 32-bit timespec, timeval and time_t (so no _TIME_BITS=64), and
 * __vdso_clock_gettime64 (case clock_gettime64:CLOCK) struct
 * __kernel_timespec; the fallback is int $0x80 in __kernel_vsyscall.
 *
 *   vdso-run IMAGE.so LAYOUT MODE CASE [N [REPS]]
 *   vdso-run @host    -      MODE CASE [N [REPS]]   (the running kernel's vDSO)
 *
 * IMAGE.so  the stripped vDSO image (file layout == memory layout, one PT_LOAD
 *           at offset 0).  It is copied right after the VVAR pages of one
 *           anonymous mapping and made R+X, like the kernel maps it.
 * LAYOUT    comma separated key=value list, all values in bytes (0x.. ok,
 *           negative = before the image start).  Nothing is hard-coded here;
 *           vdso-path-check.py derives it from the build (nm on vdso64.so.dbg
 *           for the VVAR symbols, a compile probe of include/vdso/datapage.h
 *           with the tree's own vDSO CFLAGS for struct vdso_data):
 *             vvar_start vvar_page vdso_data            image-relative offsets
 *             vd_size seq clock_mode cycle_last mask mult shift basetime
 *             ts_size tz_minuteswest tz_dsttime hrtimer_res   struct layout
 *             cs_bases cs_raw vdso_bases clockmode_tsc         constants
 *             other_pages=none|zero   (optional; default none: every VVAR
 *               page except vvar_page is PROT_NONE, as the kernel does not
 *               map pvclock/hvclock/timens pages for a TSC, non-timens task;
 *               any access to them shows up as a SIGSEGV)
 *             real_vvar_page          (optional) a slot where the real data
 *               page is mapped for every task
 *           Time namespaces (all optional, required for task=timens):
 *             timens_slot             where the real data page is mapped for
 *               a task in a time namespace (whose own page is at vvar_page)
 *             clockmode_timens offset off_size off_sec off_nsec   the
 *               offset[] member of the union with basetime[]: its offset in
 *               struct vdso_data, element size, and .sec/.nsec of offset[0]
 *             task=host|timens        (default host) which task to model
 *             ns_frac=NS              task=timens, trace/count/bench: the
 *               fraction of a second every host clock reads at the call
 *               (default 200000000 = 0.2 s: no offset carries a second);
 *               -1 = the host's own fraction
 * Task in a time namespace (task=timens): the namespace's page, a struct
 * vdso_data[CS_BASES] with seq=1 and clock_mode=VDSO_CLOCKMODE_TIMENS in
 * every entry and the offsets below in offset[] of every entry (both
 * kernels fill all entries alike), is mapped at vvar_page, the real data page at
 * timens_slot. Offsets: MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE
 * +1000000.7 s; BOOTTIME -1000000.4 s (sec -1000001, nsec 600000000); the
 * other clocks 0, as the kernel fills it.
 * MODE      sanity  only the sanity check (done first in every mode): call
 *                   clock_gettime for every clock, gettimeofday, time and
 *                   clock_getres and compare with the host; then move every
 *                   basetime by +10^6 s and check the results follow (so a
 *                   wrong layout cannot hide behind the syscall fallback).
 *                   It runs in a child under a seccomp filter that traps
 *                   every syscall made from the image (syscall, or on ia32
 *                   int $0x80 / sysenter): a vDSO fallback is counted (and
 *                   emulated) and fails the check.  An image with
 *                   __vdso_clock_gettime64 is checked through it too.
 *                   task=timens: the above with the host task's mapping,
 *                   then with the namespace task's mapping: every clock
 *                   against the host clock + offset (loose, live), then
 *                   exactly against a frozen clock (mult 0): for several
 *                   host fractions around the carry points, the namespace
 *                   result must equal the host task's result through the
 *                   same image + offset, nsec in [0, 1e9), REALTIME, TAI,
 *                   time(), gettimeofday() and tz equal to the host's.
 *                   Fails (exit 2) if anything is off.
 *           trace   fork a child, it stops itself with SIGSTOP before the call,
 *                   the parent PTRACE_SINGLESTEPs it (ia32: both are 32-bit
 *                   processes, EIP read with PTRACE_PEEKUSER of the compat
 *                   user_regs_struct); prints every executed RIP/EIP
 *                   as an offset into the image, one per line, from the first
 *                   instruction of the function to its ret inclusive (a rep
 *                   string insn would appear once per iteration; none on
 *                   these paths).  A fault (e.g. touching a PROT_NONE VVAR
 *                   page) is reported with image offsets.
 *           count   like trace but prints only the number of instructions.
 *           bench   N calls (default 1000000) timed with clock_gettime
 *                   (CLOCK_MONOTONIC) around the loop, REPS repetitions
 *                   (default 15); prints min (and median) ns per call,
 *                   loop and indirect call included.  NB: an image as built
 *                   runs the unpatched `rdtsc` (no lfence/rdtscp ordering),
 *                   so it is faster than on a booted kernel; bench a copy
 *                   patched by vdso-path-check.py --alt rdtscp for that.
 *           loop    N calls (default 1000) through call_case() after one
 *                   fill with every clock at ns_frac (any task), nothing
 *                   else: for counting under valgrind
 *                   (callgrind --toggle-collect=call_case: the Ir collected
 *                   minus call_case's own, divided by N, is the vDSO's).
 * CASE      clock_gettime:CLOCK  clock_getres:CLOCK  clock_gettime64:CLOCK
 *           (ia32 images only)  (CLOCK = REALTIME,
 *           MONOTONIC, PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID, MONOTONIC_RAW,
 *           REALTIME_COARSE, MONOTONIC_COARSE, BOOTTIME, TAI or a number)
 *           gettimeofday:tv (tz=NULL)  gettimeofday:tv_tz  gettimeofday:tz
 *           (tv=NULL)  time:null  time:ptr
 *
 * Lines starting with '#' are commentary (sanity results etc.).
 * Exit status: 0 ok, 1 usage/setup error, 2 sanity or trace failure.
 *
 * VVAR contents (host task, clocksource TSC): seq=0, clock_mode=TSC,
 * mult/shift (clocks_calc_mult_shift, 600 s) from a 50 ms TSC calibration
 * against CLOCK_MONOTONIC (entry CS_HRES_COARSE) and CLOCK_MONOTONIC_RAW
 * (entry CS_RAW),
 * cycle_last/basetime = "last tick" 1 ms before the refresh (so that
 * cycles > cycle_last even after a CPU migration), basetime from the host's
 * clock_gettime, hrtimer_res=1, tz = -90 min / dst 3 (checked values).
 * A traced hres call whose fraction overflowed into the next second (the
 * data dependent __iter_div_u64_rem loop) is detected and retried, so the
 * trace is the steady state path.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>

/*
 * One source, two harnesses: built as x86_64 it runs vdso64.so images, built
 * with -m32 it runs the ia32 image vdso32.so in 32-bit mode (a 32-bit
 * process: the image's code must run with a compat code segment), traces
 * it with ptrace from the 32-bit parent, and traps int $0x80 / sysenter /
 * syscall from the image (the fallback via __kernel_vsyscall).  Do not
 * build the ia32 one with _TIME_BITS=64: struct timespec, timeval and
 * time_t must be the old 32-bit ones, as __vdso_clock_gettime,
 * __vdso_gettimeofday and __vdso_time of vdso32.so take them.
 */
#if defined(__i386__)
#if defined(_TIME_BITS) && _TIME_BITS == 64
#error "build the ia32 vdso-run without _TIME_BITS=64 (old_timespec32 etc.)"
#endif
#define ElfW(t) Elf32_##t
#define ELF_CLASS_SELF ELFCLASS32
#define ELF_MACHINE_SELF EM_386
#define ABI_NAME "ia32"
#define ABI_ELF "i386 ELF32"
#define REG_PC REG_EIP
#define USER_REGS_PC eip
#define AUDIT_ARCH_SELF AUDIT_ARCH_I386
/* no __int128: nanoseconds since 1970 + 10^6 s still fit in 63 bits */
typedef long long swide;
#elif defined(__x86_64__)
#define ElfW(t) Elf64_##t
#define ELF_CLASS_SELF ELFCLASS64
#define ELF_MACHINE_SELF EM_X86_64
#define ABI_NAME "x86_64"
#define ABI_ELF "x86_64 ELF64"
#define REG_PC REG_RIP
#define USER_REGS_PC rip
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
typedef __int128 swide;
#else
#error "vdso-run: x86_64 or i386 (gcc -m32) only"
#endif

#define PAGE 4096UL
#define NSEC_PER_SEC 1000000000ULL
#ifndef BACKDATE_NS
#define BACKDATE_NS 1000000ULL	/* "last tick" 1 ms before the refresh */
#endif
#define TZ_MINWEST (-90)
#define TZ_DST 3
#define MAX_STEPS 2000000L
#define MAX_TRACE 100000

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

typedef int (*cgt_fn)(clockid_t, struct timespec *);
/* struct __kernel_timespec: what __vdso_clock_gettime64 (ia32) fills */
struct kts64 {
	int64_t tv_sec;
	int64_t tv_nsec;
};
typedef int (*cgt64_fn)(clockid_t, struct kts64 *);
typedef int (*gtod_fn)(struct timeval *, struct timezone *);
typedef time_t (*time_fn)(time_t *);

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vdso-run: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vdso-run: FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ------------------------------------------------------------------ layout */

static const char *const layout_keys[] = {
	"vvar_start", "vvar_page", "vdso_data",
	"vd_size", "seq", "clock_mode", "cycle_last", "mask", "mult", "shift",
	"basetime", "ts_size", "tz_minuteswest", "tz_dsttime", "hrtimer_res",
	"cs_bases", "cs_raw", "vdso_bases", "clockmode_tsc",
};
#define NKEYS (sizeof(layout_keys) / sizeof(layout_keys[0]))

enum {
	L_VVAR_START, L_VVAR_PAGE, L_VDSO_DATA,
	L_VD_SIZE, L_SEQ, L_CLOCK_MODE, L_CYCLE_LAST, L_MASK, L_MULT, L_SHIFT,
	L_BASETIME, L_TS_SIZE, L_TZ_MINWEST, L_TZ_DST, L_HRTIMER_RES,
	L_CS_BASES, L_CS_RAW, L_VDSO_BASES, L_CLOCKMODE_TSC,
};

static long long lay[NKEYS];
static int other_pages_zero;
/*
 * Optional: a second VVAR slot where the kernel maps the same real data
 * page for every task (the series' real_vvar_page). 0 when absent.
 */
static long long real_vvar_page;

/* optional keys: time namespace layout; -1 = absent */
static const char *const ns_keys[] = {
	"timens_slot", "clockmode_timens", "offset", "off_size", "off_sec",
	"off_nsec", "ns_frac",
};
#define NNSKEYS (sizeof(ns_keys) / sizeof(ns_keys[0]))
enum { N_SLOT, N_CLOCKMODE_TIMENS, N_OFFSET, N_OFF_SIZE, N_OFF_SEC,
       N_OFF_NSEC, N_FRAC };
static long long nslay[NNSKEYS] = { 0, -1, -1, -1, -1, -1, 200000000 };
static int task_timens;		/* task=timens */
static int have_ns_layout;	/* all of ns_keys but ns_frac given */

static void parse_layout(const char *arg)
{
	char *s = strdup(arg), *tok, *save = NULL;
	int have[NKEYS] = { 0 };
	size_t i;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;

		if (!eq)
			die("layout: '%s' is not key=value", tok);
		*eq++ = 0;
		if (!strcmp(tok, "real_vvar_page")) {
			real_vvar_page = strtoll(eq, NULL, 0);
			continue;
		}
		if (!strcmp(tok, "task")) {
			if (!strcmp(eq, "timens"))
				task_timens = 1;
			else if (strcmp(eq, "host"))
				die("layout: task=host|timens");
			continue;
		}
		for (i = 0; i < NNSKEYS; i++)
			if (!strcmp(tok, ns_keys[i]))
				break;
		if (i < NNSKEYS) {
			errno = 0;
			nslay[i] = strtoll(eq, &end, 0);
			if (errno || *end || end == eq)
				die("layout: bad value '%s' for %s", eq, tok);
			continue;
		}
		if (!strcmp(tok, "other_pages")) {
			if (!strcmp(eq, "zero"))
				other_pages_zero = 1;
			else if (strcmp(eq, "none"))
				die("layout: other_pages=none|zero");
			continue;
		}
		for (i = 0; i < NKEYS; i++)
			if (!strcmp(tok, layout_keys[i]))
				break;
		if (i == NKEYS)
			die("layout: unknown key '%s'", tok);
		errno = 0;
		lay[i] = strtoll(eq, &end, 0);
		if (errno || *end || end == eq)
			die("layout: bad value '%s' for %s", eq, tok);
		have[i] = 1;
	}
	for (i = 0; i < NKEYS; i++)
		if (!have[i])
			die("layout: missing key '%s'", layout_keys[i]);
	free(s);

	if (lay[L_VVAR_START] >= 0 || lay[L_VVAR_START] % PAGE)
		die("layout: vvar_start must be a negative page multiple");
	if (lay[L_VVAR_PAGE] < lay[L_VVAR_START] || lay[L_VVAR_PAGE] >= 0 ||
	    lay[L_VVAR_PAGE] % PAGE)
		die("layout: vvar_page must be a page inside the VVAR area");
	if (lay[L_VDSO_DATA] < lay[L_VVAR_PAGE] ||
	    lay[L_VDSO_DATA] + lay[L_CS_BASES] * lay[L_VD_SIZE] >
		    lay[L_VVAR_PAGE] + (long long)PAGE)
		die("layout: vdso_data[cs_bases] does not fit in vvar_page");
	if (lay[L_CS_RAW] >= lay[L_CS_BASES] || lay[L_VDSO_BASES] <= CLOCK_TAI ||
	    lay[L_TS_SIZE] < 16 ||
	    lay[L_BASETIME] + lay[L_VDSO_BASES] * lay[L_TS_SIZE] > lay[L_VD_SIZE])
		die("layout: inconsistent struct vdso_data description");
	have_ns_layout = nslay[N_SLOT] && nslay[N_CLOCKMODE_TIMENS] >= 0 &&
			 nslay[N_OFFSET] >= 0 && nslay[N_OFF_SIZE] >= 16 &&
			 nslay[N_OFF_SEC] >= 0 && nslay[N_OFF_NSEC] >= 0;
	if (task_timens && !have_ns_layout)
		die("layout: task=timens needs timens_slot clockmode_timens offset off_size off_sec off_nsec");
	if (have_ns_layout &&
	    (nslay[N_SLOT] < lay[L_VVAR_START] || nslay[N_SLOT] >= 0 ||
	     nslay[N_SLOT] % PAGE || nslay[N_SLOT] == lay[L_VVAR_PAGE] ||
	     (real_vvar_page && real_vvar_page != nslay[N_SLOT]) ||
	     nslay[N_OFF_SEC] < nslay[N_OFFSET] ||
	     nslay[N_OFF_NSEC] < nslay[N_OFFSET] ||
	     nslay[N_OFFSET] + lay[L_VDSO_BASES] * nslay[N_OFF_SIZE] > lay[L_VD_SIZE]))
		die("layout: inconsistent time namespace description");
	if (nslay[N_FRAC] >= (long long)NSEC_PER_SEC)
		die("layout: ns_frac must be below 10^9");
}

/* ------------------------------------------------------------------- image */

static unsigned char *img;	/* image start in our address space */
static size_t img_size;		/* mapped size (page rounded) */
static unsigned char *vd_base;	/* &_vdso_data[0] of the real data page */
static unsigned char *ns_base;	/* the same in the time namespace's page */
static int mfd_real = -1, mfd_ns = -1;	/* the two data pages */
static int host_mode;

static cgt_fn f_cgt, f_getres;
static cgt64_fn f_cgt64;	/* NULL: the image has no __vdso_clock_gettime64 */
static gtod_fn f_gtod;
static time_fn f_time;
static unsigned long off_cgt, off_getres, off_gtod, off_time, off_cgt64;

/* the vDSO's fallback: syscall, sysenter or int $0x80 */
static int is_syscall_insn(const unsigned char *p)
{
	return (p[0] == 0x0f && (p[1] == 0x05 || p[1] == 0x34)) ||
	       (p[0] == 0xcd && p[1] == 0x80);
}

/* a * b / c without overflow where a * b does not fit in 64 bits */
static uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t p;

#ifdef __SIZEOF_INT128__
	(void)p;
	return (unsigned __int128)a * b / c;
#else
	if (!__builtin_mul_overflow(a, b, &p))
		return p / c;
	return (uint64_t)((long double)a * b / c);
#endif
}

/* the image's own .dynsym; optional: 0 if absent, else die */
static unsigned long elf_sym_opt(const unsigned char *buf, size_t len,
				 const char *name, int optional)
{
	const ElfW(Ehdr) *eh = (const void *)buf;
	const ElfW(Shdr) *sh;
	const ElfW(Phdr) *ph;
	unsigned long bias = 0;
	int i, have_bias = 0;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELF_CLASS_SELF || eh->e_machine != ELF_MACHINE_SELF)
		die("image is not an %s object (the %s build of vdso-run runs %s images only)",
		    ABI_ELF, ABI_NAME, ABI_NAME);
	if (eh->e_phoff + (size_t)eh->e_phnum * sizeof(*ph) > len ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > len)
		die("image headers out of range");
	ph = (const void *)(buf + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!have_bias) {
			bias = ph[i].p_vaddr;
			have_bias = 1;
			if (ph[i].p_offset != 0)
				die("first PT_LOAD is not at file offset 0");
		} else {
			die("more than one PT_LOAD: not a vDSO image");
		}
	}
	if (!have_bias)
		die("no PT_LOAD");
	sh = (const void *)(buf + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const ElfW(Sym) *sym;
		const char *str;
		size_t n, j;

		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		if (sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset + sh[i].sh_size > len)
			die("bad .dynsym");
		sym = (const void *)(buf + sh[i].sh_offset);
		str = (const char *)buf + sh[sh[i].sh_link].sh_offset;
		n = sh[i].sh_size / sizeof(*sym);
		for (j = 0; j < n; j++) {
			if (sym[j].st_name >= sh[sh[i].sh_link].sh_size)
				continue;
			if (ELF32_ST_TYPE(sym[j].st_info) == STT_FUNC &&
			    sym[j].st_shndx != SHN_UNDEF &&
			    !strcmp(str + sym[j].st_name, name))
				return sym[j].st_value - bias;
		}
	}
	if (!optional)
		die("symbol %s not found in .dynsym", name);
	return 0;
}

static unsigned long elf_sym(const unsigned char *buf, size_t len, const char *name)
{
	return elf_sym_opt(buf, len, name, 0);
}

static void resolve_syms(const unsigned char *buf, size_t len)
{
	off_cgt = elf_sym(buf, len, "__vdso_clock_gettime");
	off_gtod = elf_sym(buf, len, "__vdso_gettimeofday");
	off_time = elf_sym(buf, len, "__vdso_time");
	off_getres = elf_sym(buf, len, "__vdso_clock_getres");
	f_cgt = (cgt_fn)(void *)(img + off_cgt);
	f_gtod = (gtod_fn)(void *)(img + off_gtod);
	f_time = (time_fn)(void *)(img + off_time);
	f_getres = (cgt_fn)(void *)(img + off_getres);
	off_cgt64 = elf_sym_opt(buf, len, "__vdso_clock_gettime64", 1);
	f_cgt64 = off_cgt64 ? (cgt64_fn)(void *)(img + off_cgt64) : NULL;
}

static void map_page(long long slot, int fd)
{
	void *want = img + slot, *got;

	if (fd >= 0)
		got = mmap(want, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	else
		got = mmap(want, PAGE, other_pages_zero ? PROT_READ : PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (got != want)
		die("mapping VVAR slot %lld: %s", slot, strerror(errno));
}

/*
 * The VVAR slots as the kernel fills them for a task outside any time
 * namespace (timens=0: the real page at vvar_page and at real_vvar_page,
 * nothing at the time namespace slot unless that is real_vvar_page) or in
 * one (timens=1: the namespace's page at vvar_page, the real page at the
 * time namespace slot).
 */
static void map_task(int timens)
{
	if (timens && !have_ns_layout)
		die("no time namespace layout");
	map_page(lay[L_VVAR_PAGE], timens ? mfd_ns : mfd_real);
	if (real_vvar_page)
		map_page(real_vvar_page, mfd_real);
	if (have_ns_layout && nslay[N_SLOT] != real_vvar_page)
		map_page(nslay[N_SLOT], timens ? mfd_real : -1);
}

static void load_image(const char *path)
{
	size_t vvar_len = (size_t)-lay[L_VVAR_START];
	unsigned char *area, *buf;
	struct stat st;
	long long p;
	ssize_t r;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	buf = malloc(st.st_size);
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, st.st_size - got);
		if (r <= 0)
			die("%s: short read", path);
		got += r;
	}
	close(fd);

	img_size = (st.st_size + PAGE - 1) & ~(PAGE - 1);
	area = mmap(NULL, vvar_len + img_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	img = area + vvar_len;
	memcpy(img, buf, st.st_size);
	if (mprotect(img, img_size, PROT_READ | PROT_EXEC))
		die("mprotect image: %s", strerror(errno));
	/* every VVAR page but vvar_page: not mapped for a TSC, non-timens task */
	for (p = lay[L_VVAR_START]; p < 0; p += PAGE)
		if (p != lay[L_VVAR_PAGE] && p != real_vvar_page &&
		    !other_pages_zero && mprotect(img + p, PAGE, PROT_NONE))
			die("mprotect vvar: %s", strerror(errno));
	/*
	 * The data pages live in memfds, written through a private view (the
	 * kernel's), and mapped read-only into the VVAR slots (the task's):
	 * the real page, and the time namespace's page if the image has any.
	 */
	mfd_real = memfd_create("vvar", 0);
	if (mfd_real < 0 || ftruncate(mfd_real, PAGE))
		die("memfd: %s", strerror(errno));
	area = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd_real, 0);
	if (area == MAP_FAILED)
		die("mmap memfd: %s", strerror(errno));
	vd_base = area + (lay[L_VDSO_DATA] - lay[L_VVAR_PAGE]);
	if (have_ns_layout) {
		mfd_ns = memfd_create("timens-vvar", 0);
		if (mfd_ns < 0 || ftruncate(mfd_ns, PAGE))
			die("memfd: %s", strerror(errno));
		area = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			    mfd_ns, 0);
		if (area == MAP_FAILED)
			die("mmap memfd: %s", strerror(errno));
		ns_base = area + (lay[L_VDSO_DATA] - lay[L_VVAR_PAGE]);
	}
	map_task(task_timens);
	resolve_syms(buf, st.st_size);
	free(buf);
}

static void host_image(void)
{
	const ElfW(Ehdr) *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	const ElfW(Phdr) *ph;
	size_t len = 0;
	int i;

	if (!eh)
		die("no AT_SYSINFO_EHDR: host has no vDSO");
	ph = (const void *)((const char *)eh + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			len = ph[i].p_offset + ph[i].p_memsz;
	img = (unsigned char *)eh;
	img_size = (len + PAGE - 1) & ~(PAGE - 1);
	resolve_syms(img, img_size);
	host_mode = 1;
}

/* -------------------------------------------------------------- vvar fill */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t tsc_hz, tsc_hz_raw;
static uint32_t cs_mult, cs_shift, raw_mult, raw_shift;

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

/* kernel/time/clocksource.c: clocks_calc_mult_shift() */
static void calc_mult_shift(uint32_t *mult, uint32_t *shift, uint64_t from,
			    uint64_t to, uint32_t maxsec)
{
	uint64_t tmp;
	uint32_t sft, sftacc = 32;

	tmp = ((uint64_t)maxsec * from) >> 32;
	while (tmp) {
		tmp >>= 1;
		sftacc--;
	}
	for (sft = 32; sft > 0; sft--) {
		tmp = (uint64_t)to << sft;
		tmp += from / 2;
		tmp /= from;
		if ((tmp >> sftacc) == 0)
			break;
	}
	*mult = tmp;
	*shift = sft;
}

/*
 * One (tsc, clock) pair: the tightest of a few rdtsc/clock_gettime/rdtsc
 * sandwiches, tsc taken in the middle (robust against preemption).
 */
static void tsc_pair(clockid_t clk, uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = ~0ULL, a, b;
	struct timespec t;
	int i;

	for (i = 0; i < 20; i++) {
		a = rdtsc();
		clock_gettime(clk, &t);
		b = rdtsc();
		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*ns = ts_ns(&t);
		}
	}
}

/*
 * TSC frequency against CLOCK_MONOTONIC (NTP adjusted: tkr_mono.mult) and
 * against CLOCK_MONOTONIC_RAW (tkr_raw.mult, used in the CS_RAW entry).
 */
static void calibrate(void)
{
	struct timespec s = { 0, 50000000 };
	uint64_t t0, t1, r0, r1, n0, n1, m0, m1;

	tsc_pair(CLOCK_MONOTONIC, &t0, &n0);
	tsc_pair(CLOCK_MONOTONIC_RAW, &r0, &m0);
	nanosleep(&s, NULL);
	tsc_pair(CLOCK_MONOTONIC, &t1, &n1);
	tsc_pair(CLOCK_MONOTONIC_RAW, &r1, &m1);
	tsc_hz = muldiv64(t1 - t0, NSEC_PER_SEC, n1 - n0);
	tsc_hz_raw = muldiv64(r1 - r0, NSEC_PER_SEC, m1 - m0);
	calc_mult_shift(&cs_mult, &cs_shift, tsc_hz, NSEC_PER_SEC, 600);
	calc_mult_shift(&raw_mult, &raw_shift, tsc_hz_raw, NSEC_PER_SEC, 600);
}

static unsigned char *vd(int idx)
{
	return vd_base + idx * lay[L_VD_SIZE];
}

#define PUT(ptr, off, type, val) (*(type *)((ptr) + (off)) = (type)(val))
#define GET(ptr, off, type) (*(type *)((ptr) + (off)))

static unsigned char *ts_slot(int idx, int clk)
{
	return vd(idx) + lay[L_BASETIME] + clk * lay[L_TS_SIZE];
}

/* basetime[clk].sec of the vdso_data entry the vDSO reads for clock clk */
static uint64_t base_sec(int clk)
{
	int idx = clk == CLOCK_MONOTONIC_RAW ? lay[L_CS_RAW] : 0;

	return GET(ts_slot(idx, clk), 0, uint64_t);
}

/* added to every basetime[].sec: proves the image reads our VVAR data */
static long long fill_skew;
/* >= 0: every clock reads this fraction of a second (at cycle_last if frozen) */
static long long fill_frac = -1;
/* mult 0, basetime = the clock at the fill: every read returns basetime */
static int fill_frozen;

/* shift: 0 for the coarse clocks (nsec stored unshifted) */
static void set_ts(int idx, int clk, const struct timespec *t, uint64_t back,
		   uint32_t shift)
{
	uint64_t ns = ts_ns(t) - back;
	unsigned char *p = ts_slot(idx, clk);

	PUT(p, 0, uint64_t, ns / NSEC_PER_SEC + fill_skew);
	PUT(p, 8, uint64_t, (ns % NSEC_PER_SEC) << shift);
}

/* what update_vsyscall() would have written at a tick BACKDATE_NS ago */
static void vd_fill(void)
{
	static const int hres[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
				    CLOCK_BOOTTIME, CLOCK_TAI };
	struct timespec t[16];
	uint64_t mid[16], ns, last;
	int i, idx;

	if (host_mode)
		return;
	/* each host clock paired with the TSC value in the middle of its read */
	for (i = 0; i < 4; i++) {
		tsc_pair(hres[i], &mid[hres[i]], &ns);
		t[hres[i]].tv_sec = ns / NSEC_PER_SEC;
		t[hres[i]].tv_nsec = ns % NSEC_PER_SEC;
	}
	tsc_pair(CLOCK_MONOTONIC_RAW, &mid[CLOCK_MONOTONIC_RAW], &ns);
	t[CLOCK_MONOTONIC_RAW].tv_sec = ns / NSEC_PER_SEC;
	t[CLOCK_MONOTONIC_RAW].tv_nsec = ns % NSEC_PER_SEC;
	clock_gettime(CLOCK_REALTIME_COARSE, &t[CLOCK_REALTIME_COARSE]);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &t[CLOCK_MONOTONIC_COARSE]);
	if (fill_frac >= 0)
		for (i = 0; i < 16; i++)
			t[i].tv_nsec = fill_frac;
	last = mid[CLOCK_REALTIME] -
	       muldiv64(BACKDATE_NS, tsc_hz, NSEC_PER_SEC);

	memset(vd_base, 0, lay[L_CS_BASES] * lay[L_VD_SIZE]);
	for (idx = 0; idx < lay[L_CS_BASES]; idx++) {
		unsigned char *d = vd(idx);

		PUT(d, lay[L_SEQ], uint32_t, 0);
		PUT(d, lay[L_CLOCK_MODE], int32_t, lay[L_CLOCKMODE_TSC]);
		PUT(d, lay[L_CYCLE_LAST], uint64_t, last);
		PUT(d, lay[L_MASK], uint64_t, ~0ULL);
		PUT(d, lay[L_MULT], uint32_t, fill_frozen ? 0 :
		    idx == lay[L_CS_RAW] ? raw_mult : cs_mult);
		PUT(d, lay[L_SHIFT], uint32_t, idx == lay[L_CS_RAW] ? raw_shift : cs_shift);
	}
	/* basetime = host time at cycle_last */
	for (i = 0; i < 4; i++)
		set_ts(0, hres[i], &t[hres[i]], fill_frozen ? 0 :
		       muldiv64(mid[hres[i]] - last, NSEC_PER_SEC, tsc_hz),
		       cs_shift);
	set_ts(lay[L_CS_RAW], CLOCK_MONOTONIC_RAW, &t[CLOCK_MONOTONIC_RAW],
	       fill_frozen ? 0 :
	       muldiv64(mid[CLOCK_MONOTONIC_RAW] - last, NSEC_PER_SEC,
			tsc_hz_raw), raw_shift);
	set_ts(0, CLOCK_REALTIME_COARSE, &t[CLOCK_REALTIME_COARSE], 0, 0);
	set_ts(0, CLOCK_MONOTONIC_COARSE, &t[CLOCK_MONOTONIC_COARSE], 0, 0);
	PUT(vd(0), lay[L_TZ_MINWEST], int32_t, TZ_MINWEST);
	PUT(vd(0), lay[L_TZ_DST], int32_t, TZ_DST);
	PUT(vd(0), lay[L_HRTIMER_RES], uint32_t, 1);
	asm volatile("" ::: "memory");
}

/* ---------------------------------------------------- time namespace page */

/* the offsets of the namespace; the clocks not listed have none */
#define NS_MONO_SEC	1000000LL	/* +1000000.7 s */
#define NS_MONO_NSEC	700000000LL
#define NS_BOOT_SEC	(-1000001LL)	/* -1000000.4 s */
#define NS_BOOT_NSEC	600000000LL
/* in the entry a clock does not read: must not show up anywhere */

static void ns_offset(int clk, long long *sec, long long *nsec)
{
	switch (clk) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
		*sec = NS_MONO_SEC;
		*nsec = NS_MONO_NSEC;
		break;
	case CLOCK_BOOTTIME:
		*sec = NS_BOOT_SEC;
		*nsec = NS_BOOT_NSEC;
		break;
	default:
		*sec = *nsec = 0;
	}
}

/* what the kernel writes into the zeroed page of a new time namespace */
static void ns_fill(void)
{
	long long sec, nsec;
	int idx, clk;

	memset(ns_base, 0, lay[L_CS_BASES] * lay[L_VD_SIZE]);
	for (idx = 0; idx < lay[L_CS_BASES]; idx++) {
		unsigned char *d = ns_base + idx * lay[L_VD_SIZE];

		PUT(d, lay[L_SEQ], uint32_t, 1);
		PUT(d, lay[L_CLOCK_MODE], int32_t, nslay[N_CLOCKMODE_TIMENS]);
		for (clk = 0; clk < lay[L_VDSO_BASES]; clk++) {
			ns_offset(clk, &sec, &nsec);
			if (!sec && !nsec)
				continue;
			PUT(d, nslay[N_OFF_SEC] + clk * nslay[N_OFF_SIZE], int64_t, sec);
			PUT(d, nslay[N_OFF_NSEC] + clk * nslay[N_OFF_SIZE], uint64_t, nsec);
		}
	}
	asm volatile("" ::: "memory");
}

/* t + the namespace offset of clk, in ns (signed: BOOTTIME may go negative) */
static swide ns_add(int clk, const struct timespec *t)
{
	long long sec, nsec;

	ns_offset(clk, &sec, &nsec);
	return ((swide)t->tv_sec + sec) * NSEC_PER_SEC + t->tv_nsec + nsec;
}

static swide ts_ns128(const struct timespec *t)
{
	return (swide)t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

/* ------------------------------------------------------------------- cases */

static const struct {
	const char *name;
	int id;
} clocks[] = {
	{ "REALTIME", CLOCK_REALTIME },
	{ "MONOTONIC", CLOCK_MONOTONIC },
	{ "PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID },
	{ "THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID },
	{ "MONOTONIC_RAW", CLOCK_MONOTONIC_RAW },
	{ "REALTIME_COARSE", CLOCK_REALTIME_COARSE },
	{ "MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE },
	{ "BOOTTIME", CLOCK_BOOTTIME },
	{ "TAI", CLOCK_TAI },
};

enum fn { FN_CGT, FN_GETRES, FN_GTOD, FN_TIME, FN_CGT64 };

struct tcase {
	enum fn fn;
	int clk;	/* clock id, or variant */
	const char *name;
};

enum { GTOD_TV, GTOD_TV_TZ, GTOD_TZ, TIME_NULL = 0, TIME_PTR };

static int parse_clock(const char *s)
{
	size_t i;
	char *end;
	long v;

	if (!strncmp(s, "CLOCK_", 6))
		s += 6;
	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		if (!strcasecmp(s, clocks[i].name))
			return clocks[i].id;
	v = strtol(s, &end, 0);
	if (*s && !*end)
		return v;
	die("unknown clock '%s'", s);
	return 0;
}

static const char *clock_name(int id)
{
	size_t i;

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		if (clocks[i].id == id)
			return clocks[i].name;
	return "?";
}

static struct tcase parse_case(const char *s)
{
	struct tcase c = { .name = s };
	const char *arg = strchr(s, ':');
	size_t n = arg ? (size_t)(arg - s) : strlen(s);

	arg = arg ? arg + 1 : "";
	if (!strncmp(s, "clock_gettime", n) && n == 13) {
		c.fn = FN_CGT;
		c.clk = parse_clock(arg);
	} else if (!strncmp(s, "clock_gettime64", n) && n == 15) {
		c.fn = FN_CGT64;
		c.clk = parse_clock(arg);
	} else if (!strncmp(s, "clock_getres", n) && n == 12) {
		c.fn = FN_GETRES;
		c.clk = parse_clock(arg);
	} else if (!strncmp(s, "gettimeofday", n) && n == 12) {
		c.fn = FN_GTOD;
		if (!strcmp(arg, "tv") || !*arg)
			c.clk = GTOD_TV;
		else if (!strcmp(arg, "tv_tz"))
			c.clk = GTOD_TV_TZ;
		else if (!strcmp(arg, "tz"))
			c.clk = GTOD_TZ;
		else
			die("gettimeofday:tv|tv_tz|tz");
	} else if (!strncmp(s, "time", n) && n == 4) {
		c.fn = FN_TIME;
		if (!strcmp(arg, "null") || !*arg)
			c.clk = TIME_NULL;
		else if (!strcmp(arg, "ptr"))
			c.clk = TIME_PTR;
		else
			die("time:null|ptr");
	} else {
		die("unknown case '%s'", s);
	}
	return c;
}

static unsigned long case_entry(const struct tcase *c)
{
	switch (c->fn) {
	case FN_CGT: return off_cgt;
	case FN_CGT64: return off_cgt64;
	case FN_GETRES: return off_getres;
	case FN_GTOD: return off_gtod;
	default: return off_time;
	}
}

struct result {
	long ret;
	struct timespec ts;
	struct kts64 ts64;
	struct timeval tv;
	struct timezone tz;
	time_t t;
};

static __attribute__((noinline)) void call_case(const struct tcase *c, struct result *r)
{
	switch (c->fn) {
	case FN_CGT:
		r->ret = f_cgt(c->clk, &r->ts);
		break;
	case FN_CGT64:
		r->ret = f_cgt64(c->clk, &r->ts64);
		break;
	case FN_GETRES:
		r->ret = f_getres(c->clk, &r->ts);
		break;
	case FN_GTOD:
		r->ret = f_gtod(c->clk == GTOD_TZ ? NULL : &r->tv,
				c->clk == GTOD_TV ? NULL : &r->tz);
		break;
	case FN_TIME:
		r->ret = r->t = f_time(c->clk == TIME_PTR ? &r->t : NULL);
		break;
	}
	asm volatile("" ::: "memory");
}

/*
 * Did the hres computation carry into the next second (the data dependent
 * __iter_div_u64_rem loop ran)?  Then the trace is not the steady state one.
 */
static int carried(const struct tcase *c, const struct result *r)
{
	if (host_mode)
		return 0;
	switch (c->fn) {
	case FN_CGT:
	case FN_CGT64:
		if (c->clk == CLOCK_REALTIME || c->clk == CLOCK_MONOTONIC ||
		    c->clk == CLOCK_BOOTTIME || c->clk == CLOCK_TAI ||
		    c->clk == CLOCK_MONOTONIC_RAW) {
			struct timespec h = r->ts;
			swide host, v = ts_ns128(&h);
			long long sec, nsec, vsec = h.tv_sec;

			if (c->fn == FN_CGT64) {
				v = (swide)r->ts64.tv_sec * NSEC_PER_SEC + r->ts64.tv_nsec;
				vsec = r->ts64.tv_sec;
			}
			if (!task_timens)
				return (uint64_t)vsec != base_sec(c->clk);
			/* the host clock's second, the offset taken out */
			ns_offset(c->clk, &sec, &nsec);
			host = v - ((swide)sec * NSEC_PER_SEC + nsec);
			return host < 0 || (uint64_t)(host / NSEC_PER_SEC) !=
				base_sec(c->clk);
		}
		return 0;
	case FN_GTOD:
		return c->clk != GTOD_TZ &&
		       (uint64_t)r->tv.tv_sec != base_sec(CLOCK_REALTIME);
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ sanity */

/*
 * The vDSO's fallback is a `syscall` instruction in the image. In the sanity
 * child, a seccomp filter traps every syscall made from inside the image
 * (by instruction pointer; the harness' own calls pass): the handler counts
 * it and performs it, so the results stay what the fallback would give.
 */
static volatile long n_fallback, fb_nr;
static volatile unsigned long fb_off;
static long fb_seen;
static int have_trap;

static void on_sigsys(int sig, siginfo_t *si, void *uc_)
{
	greg_t *g = ((ucontext_t *)uc_)->uc_mcontext.gregs;
	long r;

	(void)sig;
	n_fallback++;
	fb_nr = si->si_syscall;
	fb_off = (unsigned long)si->si_call_addr - (unsigned long)img;
#ifdef __i386__
	/* int $0x80 (via __kernel_vsyscall): ebx, ecx, edx, esi, edi, ebp */
	r = syscall(si->si_syscall, g[REG_EBX], g[REG_ECX], g[REG_EDX],
		    g[REG_ESI], g[REG_EDI], g[REG_EBP]);
	g[REG_EAX] = r == -1 ? -errno : r;
#else
	r = syscall(si->si_syscall, g[REG_RDI], g[REG_RSI], g[REG_RDX],
		    g[REG_R10], g[REG_R8], g[REG_R9]);
	g[REG_RAX] = r == -1 ? -errno : r;
#endif
}

static void trap_fallbacks(void)
{
	unsigned long lo = (unsigned long)img, hi = lo + img_size;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)((uint64_t)lo >> 32), 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)lo, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)hi, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct sigaction sa;

	if (host_mode)
		return;
	if (((uint64_t)lo >> 32) != ((uint64_t)(hi - 1) >> 32)) {
		printf("# note: image crosses a 4 GiB boundary: no syscall trap, fallbacks caught by their values only\n");
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		printf("# note: no seccomp filter (%s): fallbacks caught by their values only\n",
		       strerror(errno));
		return;
	}
	have_trap = 1;
	printf("# syscall trap: every syscall from image+[0,%#lx) is counted as a vDSO fallback\n",
	       (unsigned long)img_size);
}

/* a syscall from the image since the last check? */
static int fb_check(const char *what)
{
	if (n_fallback == fb_seen)
		return 0;
	printf("# ^^^ BAD: %s: %ld syscall(s) from the image (vDSO fallback), syscall %ld at image+%#lx\n",
	       what, n_fallback - fb_seen, (long)fb_nr, (unsigned long)fb_off);
	fb_seen = n_fallback;
	return 1;
}

/*
 * A wrong clock_mode/seq makes the vDSO fall back to the syscall, which is
 * "close to the host" too.  So move every basetime by SKEW seconds and check
 * that every result moves with it.
 */
#define SKEW 1000000LL
static int skew_check(void)
{
	static const int list[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
		CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_MONOTONIC_RAW,
		CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE };
	struct timespec v, h;
	struct timeval tv;
	int i, bad = 0;
	time_t t;

	fill_skew = SKEW;
	vd_fill();
	for (i = 0; i < (int)(sizeof(list) / sizeof(list[0])); i++) {
		f_cgt(list[i], &v);
		clock_gettime(list[i], &h);
		if (v.tv_sec - h.tv_sec < SKEW - 1 || v.tv_sec - h.tv_sec > SKEW) {
			printf("# ^^^ BAD: clock_gettime(%s) ignores the VVAR basetime (syscall fallback?)\n",
			       clock_name(list[i]));
			bad = 1;
		}
		bad |= fb_check(clock_name(list[i]));
		if (f_cgt64) {
			struct kts64 v64 = { -1, -1 };

			f_cgt64(list[i], &v64);
			clock_gettime(list[i], &h);
			if (v64.tv_sec - h.tv_sec < SKEW - 1 ||
			    v64.tv_sec - h.tv_sec > SKEW) {
				printf("# ^^^ BAD: clock_gettime64(%s) ignores the VVAR basetime (syscall fallback?)\n",
				       clock_name(list[i]));
				bad = 1;
			}
			bad |= fb_check(clock_name(list[i]));
		}
	}
	f_gtod(&tv, NULL);
	t = f_time(NULL);
	/* the host's time() is tick based: it may lag a second behind */
	if (tv.tv_sec - time(NULL) < SKEW - 1 || tv.tv_sec - time(NULL) > SKEW + 1 ||
	    t - time(NULL) < SKEW - 1 || t - time(NULL) > SKEW + 1) {
		printf("# ^^^ BAD: gettimeofday/time ignore the VVAR basetime\n");
		bad = 1;
	}
	bad |= fb_check("gettimeofday/time");
	fill_skew = 0;
	vd_fill();
	if (!bad)
		printf("# skew check: all clocks follow the VVAR basetime (+%lld s)\n", SKEW);
	return bad;
}

static int sanity_host(void)
{
	static const int list[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
		CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_MONOTONIC_RAW,
		CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE };
	struct timespec v, h, r;
	struct timeval tv, htv;
	struct timezone tz = { 12345, 12345 };
	time_t t, ht, tp = 0;
	int i, bad = 0;
	long ret;

	vd_fill();
	printf("# image %s  tsc %.3f MHz (raw %.3f)  mult %u/%u shift %u/%u (hres/raw)\n",
	       host_mode ? "@host" : "file", tsc_hz / 1e6, tsc_hz_raw / 1e6,
	       cs_mult, raw_mult, cs_shift, raw_shift);
	for (i = 0; i < (int)(sizeof(list) / sizeof(list[0])); i++) {
		int coarse = list[i] == CLOCK_REALTIME_COARSE ||
			     list[i] == CLOCK_MONOTONIC_COARSE;
		/* loose: a loaded box may preempt us; the skew check is exact */
		double d, tol = coarse ? 0.25 : 0.1;

		ret = f_cgt(list[i], &v);
		clock_gettime(list[i], &h);
		d = (ts_ns(&h) - (double)ts_ns(&v)) / 1e9;
		ret |= f_getres(list[i], &r);
		printf("# clock_gettime(%-16s) = %ld %10lld.%09ld  host %10lld.%09ld  host-vdso %+.9f s  getres %lld.%09ld\n",
		       clock_name(list[i]), ret, (long long)v.tv_sec, v.tv_nsec,
		       (long long)h.tv_sec, h.tv_nsec, d, (long long)r.tv_sec,
		       r.tv_nsec);
		if (ret || d < -0.001 || d > tol || v.tv_nsec >= (long)NSEC_PER_SEC) {
			printf("# ^^^ BAD\n");
			bad = 1;
		}
		if (!host_mode && !coarse && (r.tv_sec || r.tv_nsec != 1)) {
			printf("# ^^^ BAD getres (hrtimer_res is 1)\n");
			bad = 1;
		}
		bad |= fb_check(clock_name(list[i]));
		if (f_cgt64) {	/* ia32: the 64-bit time variant too */
			struct kts64 v64 = { -1, -1 };

			ret = f_cgt64(list[i], &v64);
			clock_gettime(list[i], &h);
			d = (ts_ns(&h) - ((double)v64.tv_sec * 1e9 + v64.tv_nsec)) / 1e9;
			printf("# clock_gettime64(%-14s) = %ld %10lld.%09lld  host %10lld.%09ld  host-vdso %+.9f s\n",
			       clock_name(list[i]), ret, (long long)v64.tv_sec,
			       (long long)v64.tv_nsec, (long long)h.tv_sec,
			       h.tv_nsec, d);
			if (ret || d < -0.001 || d > tol || v64.tv_nsec < 0 ||
			    v64.tv_nsec >= (long long)NSEC_PER_SEC) {
				printf("# ^^^ BAD\n");
				bad = 1;
			}
			bad |= fb_check(clock_name(list[i]));
		}
	}
	ret = f_gtod(&tv, &tz);
	gettimeofday(&htv, NULL);
	printf("# gettimeofday = %ld %lld.%06ld  host %lld.%06ld  tz %d/%d\n", ret,
	       (long long)tv.tv_sec, (long)tv.tv_usec, (long long)htv.tv_sec,
	       (long)htv.tv_usec, tz.tz_minuteswest, tz.tz_dsttime);
	if (ret || htv.tv_sec - tv.tv_sec > 1 || htv.tv_sec < tv.tv_sec ||
	    (!host_mode && (tz.tz_minuteswest != TZ_MINWEST || tz.tz_dsttime != TZ_DST))) {
		printf("# ^^^ BAD\n");
		bad = 1;
	}
	bad |= fb_check("gettimeofday");
	t = f_time(&tp);
	ht = time(NULL);
	printf("# time = %lld (*tloc %lld)  host %lld\n", (long long)t,
	       (long long)tp, (long long)ht);
	if (t != tp || ht - t > 1 || t - ht > 1) {	/* host time() is tick based */
		printf("# ^^^ BAD\n");
		bad = 1;
	}
	bad |= fb_check("time");
	if (!host_mode)
		bad |= skew_check();
	fflush(stdout);
	return bad;
}

static const int ns_list[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
	CLOCK_TAI, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
	CLOCK_MONOTONIC_COARSE };
#define NS_NLIST ((int)(sizeof(ns_list) / sizeof(ns_list[0])))

/* the namespace task against the host clock + offset, live (loose) */
static int ns_live_check(void)
{
	struct timespec v, h, r;
	struct timeval tv, htv;
	struct timezone tz = { 12345, 12345 };
	time_t t, ht, tp = 0;
	int i, bad = 0;
	long ret;

	map_task(1);
	vd_fill();
	for (i = 0; i < NS_NLIST; i++) {
		int clk = ns_list[i], coarse = clk == CLOCK_REALTIME_COARSE ||
					       clk == CLOCK_MONOTONIC_COARSE;
		double d, tol = coarse ? 0.25 : 0.1;
		long long os, on;

		ret = f_cgt(clk, &v);
		clock_gettime(clk, &h);
		ns_offset(clk, &os, &on);
		d = (double)(ns_add(clk, &h) - ts_ns128(&v)) / 1e9;
		ret |= f_getres(clk, &r);
		printf("# timens clock_gettime(%-16s) = %ld %11lld.%09ld  host+{%lld, %lld} - vdso %+.9f s  getres %lld.%09ld\n",
		       clock_name(clk), ret, (long long)v.tv_sec, v.tv_nsec,
		       os, on, d, (long long)r.tv_sec, r.tv_nsec);
		if (ret || d < -0.001 || d > tol || v.tv_nsec < 0 ||
		    v.tv_nsec >= (long)NSEC_PER_SEC) {
			printf("# ^^^ BAD\n");
			bad = 1;
		}
		if (!coarse && (r.tv_sec || r.tv_nsec != 1)) {
			printf("# ^^^ BAD getres (hrtimer_res is 1)\n");
			bad = 1;
		}
		bad |= fb_check(clock_name(clk));
		if (f_cgt64) {
			struct kts64 v64 = { -1, -1 };

			ret = f_cgt64(clk, &v64);
			clock_gettime(clk, &h);
			d = (double)(ns_add(clk, &h) - ((swide)v64.tv_sec *
					NSEC_PER_SEC + v64.tv_nsec)) / 1e9;
			printf("# timens clock_gettime64(%-14s) = %ld %11lld.%09lld  host+{%lld, %lld} - vdso %+.9f s\n",
			       clock_name(clk), ret, (long long)v64.tv_sec,
			       (long long)v64.tv_nsec, os, on, d);
			if (ret || d < -0.001 || d > tol || v64.tv_nsec < 0 ||
			    v64.tv_nsec >= (long long)NSEC_PER_SEC) {
				printf("# ^^^ BAD\n");
				bad = 1;
			}
			bad |= fb_check(clock_name(clk));
		}
	}
	ret = f_gtod(&tv, &tz);
	gettimeofday(&htv, NULL);
	printf("# timens gettimeofday = %ld %lld.%06ld  host %lld.%06ld  tz %d/%d\n",
	       ret, (long long)tv.tv_sec, (long)tv.tv_usec, (long long)htv.tv_sec,
	       (long)htv.tv_usec, tz.tz_minuteswest, tz.tz_dsttime);
	if (ret || htv.tv_sec - tv.tv_sec > 1 || htv.tv_sec < tv.tv_sec ||
	    tz.tz_minuteswest != TZ_MINWEST || tz.tz_dsttime != TZ_DST) {
		printf("# ^^^ BAD\n");
		bad = 1;
	}
	bad |= fb_check("gettimeofday");
	t = f_time(&tp);
	ht = time(NULL);
	printf("# timens time = %lld (*tloc %lld)  host %lld\n", (long long)t,
	       (long long)tp, (long long)ht);
	if (t != tp || ht - t > 1 || t - ht > 1) {	/* host time() is tick based */
		printf("# ^^^ BAD\n");
		bad = 1;
	}
	bad |= fb_check("time");
	return bad;
}

/*
 * Exact: a frozen clock (mult 0, so every read returns basetime), far from
 * the real one (+SKEW s, so a fallback cannot match), at fractions around
 * the carry points of the offsets (0.3 s for +0.7, 0.4 s for +0.6). The
 * namespace task must read exactly what the host task reads through the
 * same image, plus the offset, normalised.
 */
static int ns_exact_check(void)
{
	static const long long fracs[] = { 0, 1, 200000000, 299999999, 300000000,
		399999999, 400000000, 500000000, 999999999 };
	int f, i, bad = 0, nbad;

	fill_frozen = 1;
	fill_skew = SKEW;
	for (f = 0; f < (int)(sizeof(fracs) / sizeof(fracs[0])); f++) {
		struct timeval tvh, tvn;
		struct timezone tzh = { 1, 1 }, tzn = { 2, 2 }, tzo = { 3, 3 };
		time_t th, tn, tpn = 0;
		long rh, rn;

		nbad = 0;
		fill_frac = fracs[f];
		vd_fill();
		for (i = 0; i < NS_NLIST; i++) {
			int clk = ns_list[i];
			struct timespec h = { -1, -1 }, v = { -1, -1 };
			swide want;
			long long wsec, wnsec;

			map_task(0);
			rh = f_cgt(clk, &h);
			map_task(1);
			rn = f_cgt(clk, &v);
			want = ns_add(clk, &h);
			/* floor division: the seconds may be negative */
			wsec = (long long)(want / (swide)NSEC_PER_SEC);
			wnsec = (long long)(want % (swide)NSEC_PER_SEC);
			if (wnsec < 0) {
				wnsec += NSEC_PER_SEC;
				wsec--;
			}
			if (rh || rn || (uint64_t)h.tv_sec != base_sec(clk) ||
			    h.tv_nsec != fracs[f] || v.tv_sec != wsec ||
			    v.tv_nsec != wnsec) {
				printf("# ^^^ BAD exact: clock_gettime(%s) frozen at .%09lld: host task %ld %lld.%09ld (basetime %llu), namespace task %ld %lld.%09ld, want %lld.%09lld\n",
				       clock_name(clk), fracs[f], rh, (long long)h.tv_sec,
				       h.tv_nsec, (unsigned long long)base_sec(clk), rn,
				       (long long)v.tv_sec, v.tv_nsec, wsec, wnsec);
				nbad++;
			}
			nbad += fb_check(clock_name(clk));
			if (f_cgt64) {	/* ia32: the same through clock_gettime64 */
				struct kts64 h64 = { -1, -1 }, v64 = { -1, -1 };

				map_task(0);
				rh = f_cgt64(clk, &h64);
				map_task(1);
				rn = f_cgt64(clk, &v64);
				if (rh || rn || h64.tv_sec != (long long)h.tv_sec ||
				    h64.tv_nsec != h.tv_nsec || v64.tv_sec != wsec ||
				    v64.tv_nsec != wnsec) {
					printf("# ^^^ BAD exact: clock_gettime64(%s) frozen at .%09lld: host task %ld %lld.%09lld (clock_gettime %lld.%09ld), namespace task %ld %lld.%09lld, want %lld.%09lld\n",
					       clock_name(clk), fracs[f], rh,
					       (long long)h64.tv_sec, (long long)h64.tv_nsec,
					       (long long)h.tv_sec, h.tv_nsec, rn,
					       (long long)v64.tv_sec, (long long)v64.tv_nsec,
					       wsec, wnsec);
					nbad++;
				}
				nbad += fb_check(clock_name(clk));
			}
		}
		map_task(0);
		rh = f_gtod(&tvh, &tzh);
		th = f_time(NULL);
		map_task(1);
		rn = f_gtod(&tvn, &tzn);
		rn |= f_gtod(NULL, &tzo);
		tn = f_time(&tpn);
		if (rh || rn || tvh.tv_sec != tvn.tv_sec || tvh.tv_usec != tvn.tv_usec ||
		    (uint64_t)tvh.tv_sec != base_sec(CLOCK_REALTIME) ||
		    tvh.tv_usec != fracs[f] / 1000 ||
		    tzh.tz_minuteswest != TZ_MINWEST || tzh.tz_dsttime != TZ_DST ||
		    memcmp(&tzh, &tzn, sizeof(tzh)) || memcmp(&tzh, &tzo, sizeof(tzh)) ||
		    th != tn || tn != tpn || (uint64_t)th != base_sec(CLOCK_REALTIME)) {
			printf("# ^^^ BAD exact: gettimeofday/time frozen at .%09lld: host task %ld %lld.%06ld tz %d/%d time %lld, namespace task %ld %lld.%06ld tz %d/%d (tv NULL: %d/%d) time %lld (*tloc %lld)\n",
			       fracs[f], rh, (long long)tvh.tv_sec, (long)tvh.tv_usec,
			       tzh.tz_minuteswest, tzh.tz_dsttime, (long long)th, rn,
			       (long long)tvn.tv_sec, (long)tvn.tv_usec,
			       tzn.tz_minuteswest, tzn.tz_dsttime, tzo.tz_minuteswest,
			       tzo.tz_dsttime, (long long)tn, (long long)tpn);
			nbad++;
		}
		nbad += fb_check("gettimeofday/time");
		if (!nbad)
			printf("# timens exact, frozen at .%09lld: %d clocks%s == host task + offset, gettimeofday/tz/time == host task\n",
			       fracs[f], NS_NLIST,
			       f_cgt64 ? " (clock_gettime and clock_gettime64)" : "");
		bad |= !!nbad;
	}
	fill_frozen = 0;
	fill_skew = 0;
	fill_frac = -1;
	return bad;
}

static int sanity_timens(void)
{
	int bad;

	printf("# time namespace task: its page (seq 1, clock_mode %lld) at vvar_page (image%+lld), the real page at image%+lld; offsets {sec, nsec}: MONOTONIC* {%lld, %lld}, BOOTTIME {%lld, %lld}\n",
	       nslay[N_CLOCKMODE_TIMENS], lay[L_VVAR_PAGE], nslay[N_SLOT], NS_MONO_SEC, NS_MONO_NSEC, NS_BOOT_SEC, NS_BOOT_NSEC);
	bad = ns_live_check();
	bad |= ns_exact_check();
	map_task(1);
	vd_fill();
	if (!bad)
		printf("# timens check: ok\n");
	fflush(stdout);
	return bad;
}

/*
 * In a child: the syscall trap cannot be lifted again, and a trace or a
 * bench must be free to take the fallback (e.g. PROCESS_CPUTIME_ID).
 * task=timens: first the host task (outside any namespace) against the same
 * data, then the namespace task.
 */
static int sanity(void)
{
	pid_t pid;
	int st, bad;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		alarm(120);	/* e.g. a spin on an odd seq: do not hang */
		trap_fallbacks();
		if (task_timens)
			map_task(0);
		bad = sanity_host();
		if (task_timens)
			bad |= sanity_timens();
		fflush(stdout);
		_exit(bad ? 2 : 0);
	}
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		return 1;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail("sanity child ended with status 0x%x", st);
	return 0;
}

/* ------------------------------------------------------------------- trace */

static long n_syscalls;
static unsigned long first_syscall;

static long trace_once(const struct tcase *c, unsigned long *offs, long max,
		       int *retry)
{
	unsigned long lo = (unsigned long)img, hi = lo + img_size;
	unsigned long entry = lo + case_entry(c);
	long n = 0, steps = 0;
	int st, started = 0;
	pid_t pid;

	*retry = 0;
	n_syscalls = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		struct result r;

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(10);
		vd_fill();
		raise(SIGSTOP);
		call_case(c, &r);
		_exit(carried(c, &r) ? 3 : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		die("child did not stop (status 0x%x)", st);
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_EXITKILL);
	for (;;) {
		unsigned long rip;

		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL))
			die("PTRACE_SINGLESTEP: %s", strerror(errno));
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid: %s", strerror(errno));
		if (WIFEXITED(st) || WIFSIGNALED(st))
			fail("child ended during the trace (status 0x%x)", st);
		errno = 0;
		rip = ptrace(PTRACE_PEEKUSER, pid,
			     (void *)offsetof(struct user_regs_struct, USER_REGS_PC), NULL);
		if (errno)
			die("PTRACE_PEEKUSER: %s", strerror(errno));
		if (WSTOPSIG(st) != SIGTRAP) {
			siginfo_t si;

			memset(&si, 0, sizeof(si));
			ptrace(PTRACE_GETSIGINFO, pid, NULL, &si);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			if (rip >= lo && rip < hi)
				fail("signal %d (%s) at image+0x%lx, fault address %p (image%+ld) after %ld insns",
				     si.si_signo, strsignal(si.si_signo), rip - lo,
				     si.si_addr, (long)((unsigned long)si.si_addr - lo), n);
			fail("signal %d (%s) at %#lx outside the image", si.si_signo,
			     strsignal(si.si_signo), rip);
		}
		if (rip >= lo && rip < hi) {
			if (!started) {
				if (rip != entry)
					fail("entered the image at +0x%lx, expected +0x%lx",
					     rip - lo, entry - lo);
				started = 1;
			}
			if (n >= max)
				fail("more than %ld instructions in the image", max);
			/* the vDSO fallback: the image is the same in the child */
			if (rip + 1 < hi && is_syscall_insn(img + (rip - lo))) {
				if (!n_syscalls++)
					first_syscall = rip - lo;
			}
			offs[n++] = rip - lo;
		} else if (started) {
			break;	/* returned to the caller */
		}
		if (++steps > MAX_STEPS)
			fail("no return after %ld single steps", steps);
	}
	if (ptrace(PTRACE_CONT, pid, NULL, NULL))
		die("PTRACE_CONT: %s", strerror(errno));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		fail("child did not exit normally (status 0x%x)", st);
	if (WEXITSTATUS(st) == 3)
		*retry = 1;
	else if (WEXITSTATUS(st))
		fail("child exit status %d", WEXITSTATUS(st));
	return n;
}

static long trace(const struct tcase *c, unsigned long *offs)
{
	int attempt, retry;
	long n;

	for (attempt = 0; attempt < 8; attempt++) {
		n = trace_once(c, offs, MAX_TRACE, &retry);
		if (!retry)
			return n;
		printf("# attempt %d: seconds carry in the traced call (%ld insns), retrying\n",
		       attempt, n);
	}
	fail("seconds carry in every attempt");
	return 0;
}

/* ------------------------------------------------------------------- bench */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench(const struct tcase *c, long n, int reps)
{
	double *v = calloc(reps, sizeof(*v));
	struct result r;
	int i;
	long k;

	cpu_set_t all, one;
	int ncpu = 0, cpus[CPU_SETSIZE], j;

	/*
	 * Round-robin over the CPUs we may run on, one per repetition: on a
	 * shared machine one CPU can be slower for a while (a busy SMT
	 * sibling), and the minimum should not depend on where we landed.
	 */
	if (!sched_getaffinity(0, sizeof(all), &all))
		for (j = 0; j < CPU_SETSIZE; j++)
			if (CPU_ISSET(j, &all))
				cpus[ncpu++] = j;
	for (k = 0; k < n / 10 + 1; k++)	/* warm up */
		call_case(c, &r);
	for (i = 0; i < reps; i++) {
		struct timespec a, b;

		if (ncpu > 1) {
			CPU_ZERO(&one);
			CPU_SET(cpus[i % ncpu], &one);
			sched_setaffinity(0, sizeof(one), &one);
			for (k = 0; k < n / 10 + 1; k++)	/* warm up there */
				call_case(c, &r);
		}
		vd_fill();	/* a fresh "tick" per repetition */
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (k = 0; k < n; k++)
			call_case(c, &r);
		clock_gettime(CLOCK_MONOTONIC, &b);
		v[i] = (double)(ts_ns(&b) - ts_ns(&a)) / n;
	}
	if (ncpu > 1)
		sched_setaffinity(0, sizeof(all), &all);
	qsort(v, reps, sizeof(*v), cmp_double);
	printf("# bench %s: %ld calls x %d reps, over %d CPUs\n", c->name, n,
	       reps, ncpu);
	printf("%.2f ns/call min, %.2f median\n", v[0], v[reps / 2]);
	free(v);
}

/* -------------------------------------------------------------------- main */

/* a fault inside the image during the sanity calls or a bench: say where */
static void on_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	long rip = uc->uc_mcontext.gregs[REG_PC] - (long)img;
	long addr = (long)si->si_addr - (long)img;
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "vdso-run: FAIL: signal %d at %s%c%#lx, fault address image%c%#lx\n",
		     sig, rip >= 0 && rip < (long)img_size ? "image" : "(outside) image",
		     rip < 0 ? '-' : '+', rip < 0 ? -rip : rip,
		     addr < 0 ? '-' : '+', addr < 0 ? -addr : addr);
	if (write(2, buf, n) < 0)
		_exit(2);
	_exit(2);
}

static void catch_faults(void)
{
	struct sigaction sa;
	int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vdso-run IMAGE.so LAYOUT MODE CASE [N [REPS]]\n"
		"       vdso-run @host    -      MODE CASE [N [REPS]]\n"
		"  LAYOUT  key=value,... : vvar_start vvar_page vdso_data vd_size seq clock_mode\n"
		"          cycle_last mask mult shift basetime ts_size tz_minuteswest tz_dsttime\n"
		"          hrtimer_res cs_bases cs_raw vdso_bases clockmode_tsc [other_pages=none|zero]\n"
		"          [real_vvar_page] [timens_slot clockmode_timens offset off_size off_sec\n"
		"          off_nsec] [task=host|timens] [ns_frac=NS]\n"
		"          (vdso-path-check.py --layout BUILD_OUT prints it)\n"
		"  MODE    sanity | trace | count | bench | loop\n"
		"  CASE    clock_gettime:CLOCK | clock_getres:CLOCK | gettimeofday:tv|tv_tz|tz |\n"
		"          clock_gettime64:CLOCK (ia32 images, the -m32 build) |\n"
		"          time:null|ptr     CLOCK: REALTIME MONOTONIC MONOTONIC_RAW BOOTTIME TAI\n"
		"          REALTIME_COARSE MONOTONIC_COARSE PROCESS_CPUTIME_ID ... or a number\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *mode;
	struct tcase c;
	static unsigned long offs[MAX_TRACE];
	long n, i;

	if (argc < 5)
		usage();
	mode = argv[3];
	c = parse_case(argv[4]);
	if (!strcmp(argv[1], "@host")) {
		host_image();
	} else {
		parse_layout(argv[2]);
		load_image(argv[1]);
	}
	if (c.fn == FN_CGT64 && !f_cgt64)
		die("%s: no __vdso_clock_gettime64 in this image", c.name);
	calibrate();
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	catch_faults();

	if (have_ns_layout)
		ns_fill();
	if (sanity())
		fail("sanity check failed: VVAR layout/contents do not match this image");
	/* trace/count/bench of a namespace task: every clock at ns_frac */
	if (task_timens)
		fill_frac = nslay[N_FRAC];

	if (!strcmp(mode, "sanity")) {
		/* done */
	} else if (!strcmp(mode, "trace") || !strcmp(mode, "count")) {
		n = trace(&c, offs);
		if (n_syscalls)
			printf("# syscall: %ld executed, first at +0x%lx (vDSO fallback)\n",
			       n_syscalls, first_syscall);
		if (!strcmp(mode, "trace")) {
			printf("# %s: %ld instructions, entry +0x%lx\n", c.name, n,
			       case_entry(&c));
			for (i = 0; i < n; i++)
				printf("0x%lx\n", offs[i]);
		} else {
			printf("%ld\n", n);
		}
	} else if (!strcmp(mode, "loop")) {
		long calls = argc > 5 ? strtol(argv[5], NULL, 0) : 1000;
		struct result r;

		if (calls <= 0)
			usage();
		/* no second carried over in any call, host task too */
		fill_frac = nslay[N_FRAC];
		vd_fill();
		for (i = 0; i < calls; i++)
			call_case(&c, &r);
		printf("# loop %s: %ld calls\n", c.name, calls);
	} else if (!strcmp(mode, "bench")) {
		long calls = argc > 5 ? strtol(argv[5], NULL, 0) : 1000000;
		int reps = argc > 6 ? atoi(argv[6]) : 15;

		if (calls <= 0 || reps <= 0)
			usage();
		bench(&c, calls, reps);
	} else {
		usage();
	}
	fflush(stdout);
	return 0;
}
