// SPDX-License-Identifier: GPL-2.0
/*
 * gbench: guest-side measurements of time namespaces (bench/guest.sh).
 * Built statically on the host, run as PID-1's child in the workbench guest
 * (QEMU TCG: absolute times mean little, the ratios within one boot do).
 * Prints machine-readable lines "BENCH <key> <value>"; everything else is
 * commentary. Never fails hard: a part that cannot run prints "na".
 *
 *  a) ns/call of clock_gettime() for REALTIME, MONOTONIC, BOOTTIME,
 *     MONOTONIC_RAW, MONOTONIC_COARSE, through the vDSO (symbol found via
 *     getauxval(AT_SYSINFO_EHDR)) and through syscall(SYS_clock_gettime),
 *     by a host task, by a task in a time namespace with nonzero offsets,
 *     by a task in a zero-offset namespace (offsets never written, what
 *     container engines create: "zero") and by a second host task (the
 *     control: "host2", the noise of the method); four long-lived workers
 *     take turns (one repetition of one case each), min over the rounds.
 *  b) unshare(CLONE_NEWTIME)+fork+_exit+wait vs fork+_exit+wait; setns()
 *     into a time namespace and back, host <-> zero-offset namespace and
 *     zero-offset <-> zero-offset namespace vs the same for a UTS namespace;
 *     single iterations in turn, 10th percentile ("ns_per_iter").
 *  c) memory per time namespace: 10,000 namespaces each held by an fd of
 *     /proc/self/ns/time_for_children; /proc/meminfo deltas (MemFree,
 *     MemAvailable, Slab) after sync + drop_caches + settling, against
 *     10,000 fds on one namespace (the cost of the fds themselves).
 *  C) the same with a task in each namespace (so that it is frozen), in
 *     one process, in steps, nothing exiting in between: 2,000 sleeping
 *     host tasks (the cost of the tasks themselves), then 2,000 each in a
 *     zero-offset namespace of its own, then 2,000 each in a namespace of
 *     its own with offsets; MemFree deltas per step.
 *  d) minor faults taken by the first clock_gettime(CLOCK_MONOTONIC)
 *     (vDSO) of a freshly forked task, host vs in a fresh namespace with
 *     offsets vs in a fresh zero-offset one (the parent calls the vDSO just
 *     before fork()); again after reading the vDSO text first ("data": the
 *     faults on the vvar/timens pages alone).
 *  f) a freshly exec'd process (this program re-exec'd as "gbench --fresh",
 *     address space randomisation off so that every exec has the same
 *     layout) calls the vDSO's time() and clock_gettime(CLOCK_MONOTONIC)
 *     once each, in both orders, then once each again: the minor faults of
 *     each call (getrusage before and after it, inside the fresh process) and
 *     its time (rdtsc around the call, converted with the TSC rate measured
 *     against CLOCK_MONOTONIC_RAW); host task and task in a time namespace
 *     with offsets; with the vDSO text read first ("data": the faults on the
 *     vvar/timens pages alone) and without ("raw").
 *  g) time() and clock_gettime(CLOCK_MONOTONIC) alternated in a loop
 *     (ns per pair), and each alone, host task and task in a namespace, the
 *     two workers taking turns as in a), min over the rounds.
 * Everything runs pinned to one vCPU (GB_PIN=N picks it, -1: unpinned).
 * Argument: the parts to run (default "abcdfg"; C only when named); "--fresh ..." is part f's
 * fresh process.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NCLK 5
static const int clk_id[NCLK] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
				  CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE };
static const char *clk_name[NCLK] = { "REALTIME", "MONOTONIC", "BOOTTIME",
				      "MONOTONIC_RAW", "MONOTONIC_COARSE" };

typedef int (*cgt_t)(clockid_t, struct timespec *);
typedef time_t (*time_fn_t)(time_t *);
static cgt_t vdso_cgt;
static time_fn_t vdso_time;
static int have_timens;

#define OFFSET_SEC 86400L

static void *vdso_sym(const char *name)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	Elf64_Dyn *dyn = NULL, *d;
	Elf64_Sym *sym = NULL;
	const char *str = NULL;
	uint32_t *hash = NULL;
	long off = 0;
	int i, got_load = 0;

	if (!base)
		return NULL;
	eh = (Elf64_Ehdr *)base;
	ph = (Elf64_Phdr *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !got_load) {
			off = base + ph[i].p_offset - ph[i].p_vaddr;
			got_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (Elf64_Dyn *)(base + ph[i].p_offset);
		}
	}
	if (!dyn || !got_load)
		return NULL;
	for (d = dyn; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_STRTAB)
			str = (const char *)(d->d_un.d_ptr + off);
		else if (d->d_tag == DT_SYMTAB)
			sym = (Elf64_Sym *)(d->d_un.d_ptr + off);
		else if (d->d_tag == DT_HASH)
			hash = (uint32_t *)(d->d_un.d_ptr + off);
	}
	if (!str || !sym || !hash)
		return NULL;
	for (i = 0; i < (int)hash[1]; i++) {
		if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC || !sym[i].st_shndx)
			continue;
		if (!strcmp(str + sym[i].st_name, name))
			return (void *)(sym[i].st_value + off);
	}
	return NULL;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	if (vdso_cgt)
		vdso_cgt(CLOCK_MONOTONIC_RAW, &ts);
	else
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int sys_cgt(clockid_t c, struct timespec *ts)
{
	return syscall(SYS_clock_gettime, c, ts);
}

static void bench(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void bench(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("BENCH %s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : (n < 0 ? -errno : -EIO);
}

/* unshare(CLONE_NEWTIME) and give the namespace for children nonzero offsets */
static int new_timens(void)
{
	char buf[128];
	int r;

	if (unshare(CLONE_NEWTIME))
		return -errno;
	snprintf(buf, sizeof(buf), "monotonic %ld 0\nboottime %ld 0\n", OFFSET_SEC, OFFSET_SEC);
	r = write_file("/proc/self/timens_offsets", buf);
	if (r)
		printf("# timens_offsets write: %s\n", strerror(-r));
	return r;
}

/* unshare(CLONE_NEWTIME) and leave the offsets of the namespace for children alone */
static int new_timens_zero(void)
{
	return unshare(CLONE_NEWTIME) ? -errno : 0;
}

static void *shared(size_t sz)
{
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(0);
	}
	memset(p, 0, sz);
	return p;
}

static void reap(pid_t pid)
{
	int st;

	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
}

/* ---------------------------------------------------------------- a) */

/* the workers of a) and their key names */
enum { W_HOST, W_NS, W_ZERO, W_HOST2, W_N };
static const char *w_name[W_N] = { "host", "ns", "zero", "host2" };

struct a_shm {
	long n[2][NCLK];		/* iterations per repetition, [mode][clk] */
	double best[W_N][2][NCLK];	/* ns/call, [who][mode: 0 vdso 1 sys][clk] */
	int64_t parent_mono_ns;
	double seen_off[W_N][2];	/* offset seen by a namespace worker, vdso / sys */
	unsigned long host_ino;		/* the inode of the host's time namespace */
	int own_ns[W_N];		/* 1: the worker's time namespace is not the host's */
	int ok[W_N];
};

#define A_TARGET_NS 1000000LL	/* 1 ms per repetition: short enough to fall between host preemptions */
#define A_ROUNDS 61

static int64_t a_rep(int mode, int clk, long n)
{
	struct timespec ts;
	cgt_t f = mode ? sys_cgt : vdso_cgt;
	clockid_t c = clk_id[clk];
	int64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		f(c, &ts);
	return now_ns() - t0;
}

static unsigned long ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long)st.st_ino;
}

static void a_worker(struct a_shm *s, int who, int cmd, int done)
{
	char b;
	int mode, clk;

	if (who == W_NS || who == W_ZERO) {
		struct timespec v, y;

		vdso_cgt(CLOCK_MONOTONIC, &v);
		sys_cgt(CLOCK_MONOTONIC, &y);
		s->seen_off[who][0] = (v.tv_sec * 1e9 + v.tv_nsec - s->parent_mono_ns) / 1e9;
		s->seen_off[who][1] = (y.tv_sec * 1e9 + y.tv_nsec - s->parent_mono_ns) / 1e9;
	}
	s->own_ns[who] = ns_ino("/proc/self/ns/time") != s->host_ino;
	/* each command byte: one repetition of case 'A' + mode * NCLK + clk */
	while (read(cmd, &b, 1) == 1 && b != 'q') {
		long n;
		double t;

		mode = (b - 'A') / NCLK;
		clk = (b - 'A') % NCLK;
		n = s->n[mode][clk];
		if (!n) {	/* calibrate (host worker, first round) */
			double pc = 0;
			int k;

			n = 16;
			while (a_rep(mode, clk, n) < A_TARGET_NS / 4 && n < (1L << 26))
				n *= 2;
			for (k = 0; k < 3; k++) {
				t = (double)a_rep(mode, clk, n) / n;
				if (!pc || t < pc)
					pc = t;
			}
			n = A_TARGET_NS / (pc > 0.1 ? pc : 0.1) + 1;
			s->n[mode][clk] = n;
		}
		t = (double)a_rep(mode, clk, n) / n;
		if (!s->best[who][mode][clk] || t < s->best[who][mode][clk])
			s->best[who][mode][clk] = t;
		s->ok[who] = 1;
		if (write(done, "d", 1) != 1)
			break;
	}
	_exit(0);
}

static void part_a(int hostfd)
{
	struct a_shm *s = shared(sizeof(*s));
	/*
	 * The workers in turn: host first (it calibrates), then the control
	 * (a second host task), then the namespace ones. A new namespace takes
	 * its offsets from the creator's namespace for children, so the
	 * zero-offset one is made after setns() back to the host's.
	 */
	static const int forder[W_N] = { W_HOST, W_HOST2, W_NS, W_ZERO };
	int cmd[W_N][2], done[W_N][2], act[W_N], nw = 0, i, w, r, mode, clk;
	pid_t pid[W_N] = { -1, -1, -1, -1 };
	struct timespec ts;
	struct stat st;
	char b;

	s->host_ino = fstat(hostfd, &st) ? 0 : (unsigned long)st.st_ino;
	fflush(stdout);
	for (i = 0; i < W_N; i++) {
		w = forder[i];
		if (w == W_NS || w == W_ZERO) {
			if (!have_timens)
				continue;
			if (w == W_ZERO && setns(hostfd, CLONE_NEWTIME))
				perror("setns host");
			if (w == W_NS ? new_timens() : new_timens_zero()) {
				printf("# a: no time namespace (%s)\n", w_name[w]);
				continue;
			}
			vdso_cgt(CLOCK_MONOTONIC, &ts);
			s->parent_mono_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
		if (pipe(cmd[w]) || pipe(done[w])) {
			perror("pipe");
			break;
		}
		pid[w] = fork();
		if (pid[w] == 0) {
			close(cmd[w][1]);
			close(done[w][0]);
			a_worker(s, w, cmd[w][0], done[w][1]);
		}
		close(cmd[w][0]);
		close(done[w][1]);
		act[nw++] = w;
	}
	if (have_timens && setns(hostfd, CLONE_NEWTIME))
		perror("setns host");
	/*
	 * One repetition of one case at a time, the workers taking turns (the
	 * order reverses every round), so that all see the same host load;
	 * the host worker calibrates each case in round 0.
	 */
	for (r = 0; r < A_ROUNDS; r++)
		for (mode = 0; mode < 2; mode++)
			for (clk = 0; clk < NCLK; clk++)
				for (i = 0; i < nw; i++) {
					int x = act[(r % 2 == 0) ? i : nw - 1 - i];
					char c = 'A' + mode * NCLK + clk;

					if (write(cmd[x][1], &c, 1) != 1 || read(done[x][0], &b, 1) != 1) {
						printf("# a: worker %s died\n", w_name[x]);
						goto out;
					}
				}
out:
	for (i = 0; i < nw; i++) {
		w = act[i];
		if (write(cmd[w][1], "q", 1) != 1)
			kill(pid[w], SIGKILL);
		reap(pid[w]);
	}
	for (mode = 0; mode < 2; mode++)
		for (clk = 0; clk < NCLK; clk++) {
			char key[96];

			for (w = 0; w < W_N; w++) {
				snprintf(key, sizeof(key), "a.%s.%s.%s", mode ? "sys" : "vdso", clk_name[clk],
					 w_name[w]);
				if (s->ok[w])
					bench(key, "%.2f", s->best[w][mode][clk]);
				else
					bench(key, "na");
			}
			snprintf(key, sizeof(key), "a.%s.%s.iters", mode ? "sys" : "vdso", clk_name[clk]);
			bench(key, "%ld", s->n[mode][clk]);
		}
	if (s->ok[W_NS]) {
		bench("a.ns_offset_seen.vdso", "%.3f", s->seen_off[W_NS][0]);
		bench("a.ns_offset_seen.sys", "%.3f", s->seen_off[W_NS][1]);
	}
	if (s->ok[W_ZERO]) {
		bench("a.zero_offset_seen.vdso", "%.3f", s->seen_off[W_ZERO][0]);
		bench("a.zero_offset_seen.sys", "%.3f", s->seen_off[W_ZERO][1]);
	}
	for (w = 0; w < W_N; w++)
		if (s->ok[w]) {
			char key[64];

			snprintf(key, sizeof(key), "a.%s.own_timens", w_name[w]);
			bench(key, "%d", s->own_ns[w]);
		}
	bench("a.rounds", "%d", A_ROUNDS);
	munmap(s, sizeof(*s));
}

/* ---------------------------------------------------------------- b) */

enum { B_FORK, B_FORK_NS, B_SETNS_TIME, B_SETNS_UTS, B_SETNS_ZERO, B_SETNS_ZZ, B_N };
static const char *b_name[B_N] = { "fork_plain", "fork_unshare_time", "setns_time", "setns_uts",
				   "setns_zero", "setns_zero_zero" };
/* the groups of operations timed in turn: [first, end) */
static const int b_group[][2] = { { B_FORK, B_SETNS_TIME }, { B_SETNS_TIME, B_N } };
static int b_hostfd = -1, b_nsfd = -1, b_hostuts = -1, b_nsuts = -1, b_zerofd = -1, b_zero2fd = -1;

/*
 * Single iterations, timed one by one, the operations of a group in turn
 * (plain fork / unshare+fork; the time, UTS, host <-> zero-offset and
 * zero-offset <-> zero-offset setns round trips), so that all see the same
 * host load; the estimate is a low percentile of each (noise on a shared
 * host only ever adds time).
 */
#define B_FORK_ITERS 800
#define B_SETNS_ITERS 3000

static int64_t b_one(int op)
{
	int64_t t0, t;
	pid_t p;

	/* B_SETNS_ZZ starts in the second zero-offset namespace (outside the timing) */
	if (op == B_SETNS_ZZ && setns(b_zero2fd, CLONE_NEWTIME))
		return -1;
	t0 = now_ns();

	switch (op) {
	case B_FORK_NS:
		if (unshare(CLONE_NEWTIME))
			return -1;
		/* fall through */
	case B_FORK:
		p = fork();
		if (p == 0)
			_exit(0);
		if (p < 0)
			return -1;
		reap(p);
		break;
	case B_SETNS_TIME:
		if (setns(b_nsfd, CLONE_NEWTIME) || setns(b_hostfd, CLONE_NEWTIME))
			return -1;
		break;
	case B_SETNS_UTS:
		if (setns(b_hostuts, CLONE_NEWUTS) || setns(b_nsuts, CLONE_NEWUTS))
			return -1;
		break;
	case B_SETNS_ZERO:
		if (setns(b_zerofd, CLONE_NEWTIME) || setns(b_hostfd, CLONE_NEWTIME))
			return -1;
		break;
	case B_SETNS_ZZ:	/* from the second zero-offset namespace and back */
		if (setns(b_zerofd, CLONE_NEWTIME) || setns(b_zero2fd, CLONE_NEWTIME))
			return -1;
		break;
	}
	t = now_ns() - t0;
	/* undo the pending namespace of B_FORK_NS, leave the second zero-offset one (outside the timing) */
	if ((op == B_FORK_NS || op == B_SETNS_ZZ) && setns(b_hostfd, CLONE_NEWTIME))
		return -1;
	return t;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void part_b(void)
{
	/* per op: [0] min, [1] p10, [2] median, [3] samples */
	double *res = shared(sizeof(double) * B_N * 4);
	pid_t pid;
	int op;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static double smp[B_N][B_SETNS_ITERS];
		int ok[B_N], g, i, m[B_N] = { 0 };

		b_hostfd = open("/proc/self/ns/time", O_RDONLY);
		b_hostuts = open("/proc/self/ns/uts", O_RDONLY);
		if (have_timens && !new_timens()) {
			b_nsfd = open("/proc/self/ns/time_for_children", O_RDONLY);
			/* (a new namespace takes its offsets from the namespace for children) */
			if (setns(b_hostfd, CLONE_NEWTIME))
				perror("setns");
		}
		if (have_timens && !new_timens_zero()) {
			b_zerofd = open("/proc/self/ns/time_for_children", O_RDONLY);
			if (setns(b_hostfd, CLONE_NEWTIME))
				perror("setns");
		}
		if (have_timens && !new_timens_zero()) {
			b_zero2fd = open("/proc/self/ns/time_for_children", O_RDONLY);
			if (setns(b_hostfd, CLONE_NEWTIME))
				perror("setns");
		}
		if (!unshare(CLONE_NEWUTS))
			b_nsuts = open("/proc/self/ns/uts", O_RDONLY);
		ok[B_FORK] = 1;
		ok[B_FORK_NS] = have_timens && b_hostfd >= 0;
		ok[B_SETNS_TIME] = b_nsfd >= 0 && b_hostfd >= 0;
		ok[B_SETNS_UTS] = b_nsuts >= 0 && b_hostuts >= 0;
		ok[B_SETNS_ZERO] = b_zerofd >= 0 && b_hostfd >= 0;
		ok[B_SETNS_ZZ] = b_zerofd >= 0 && b_zero2fd >= 0 && b_hostfd >= 0;
		for (g = 0; g < (int)(sizeof(b_group) / sizeof(b_group[0])); g++) {
			int g0 = b_group[g][0], gn = b_group[g][1] - g0;
			int iters = g ? B_SETNS_ITERS : B_FORK_ITERS;

			for (i = 0; i < iters + iters / 10; i++) {
				int k;

				for (k = 0; k < gn; k++) {
					int o = g0 + ((i + k) % gn);	/* rotate who goes first */
					int64_t t;

					if (!ok[o])
						continue;
					t = b_one(o);
					if (t < 0) {
						printf("# b: %s failed: %s\n", b_name[o], strerror(errno));
						ok[o] = 0;
						continue;
					}
					if (i >= iters / 10)	/* the first tenth warms up */
						smp[o][m[o]++] = t;
				}
			}
		}
		for (op = 0; op < B_N; op++) {
			if (!ok[op] || !m[op])
				continue;
			qsort(smp[op], m[op], sizeof(double), cmp_dbl);
			res[4 * op] = smp[op][0];
			res[4 * op + 1] = smp[op][m[op] / 10];
			res[4 * op + 2] = smp[op][m[op] / 2];
			res[4 * op + 3] = m[op];
		}
		_exit(0);
	}
	reap(pid);
	for (op = 0; op < B_N; op++) {
		char key[64];

		snprintf(key, sizeof(key), "b.%s.ns_per_iter", b_name[op]);
		if (res[4 * op + 3] > 0)
			bench(key, "%.1f", res[4 * op + 1]);
		else
			bench(key, "na");
		if (res[4 * op + 3] <= 0)
			continue;
		snprintf(key, sizeof(key), "b.%s.min_ns_per_iter", b_name[op]);
		bench(key, "%.1f", res[4 * op]);
		snprintf(key, sizeof(key), "b.%s.median_ns_per_iter", b_name[op]);
		bench(key, "%.1f", res[4 * op + 2]);
		snprintf(key, sizeof(key), "b.%s.samples", b_name[op]);
		bench(key, "%.0f", res[4 * op + 3]);
	}
}

/* ---------------------------------------------------------------- c) */

#define C_N 10000

struct meminfo { long memfree, memavail, slab; };

static void meminfo(struct meminfo *m)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];

	memset(m, 0, sizeof(*m));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemFree: %ld", &m->memfree);
		sscanf(line, "MemAvailable: %ld", &m->memavail);
		sscanf(line, "Slab: %ld", &m->slab);
	}
	fclose(f);
}

static void settle(void)
{
	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	/* RCU frees, vmstat per-cpu deltas are folded once a second */
	usleep(2500000);
	write_file("/proc/sys/vm/drop_caches", "3");
	usleep(500000);
}

/* in a fresh process: C_N fds, on C_N new namespaces (ns=1) or on one (ns=0) */
static void c_run(int ns, long *res)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static int fds[C_N];
		struct meminfo m0, m1, m2;
		int i, n = 0;

		/* grow the fd table before the first reading */
		if (dup2(0, C_N + 100) >= 0)
			close(C_N + 100);
		memset(fds, 0xff, sizeof(fds));
		settle();
		meminfo(&m0);
		for (i = 0; i < C_N; i++) {
			if (ns && unshare(CLONE_NEWTIME)) {
				printf("# c: unshare #%d: %s\n", i, strerror(errno));
				break;
			}
			fds[i] = open(ns ? "/proc/self/ns/time_for_children" : "/proc/self/ns/time",
				      O_RDONLY);
			if (fds[i] < 0) {
				printf("# c: open #%d: %s\n", i, strerror(errno));
				break;
			}
			n++;
		}
		settle();
		meminfo(&m1);
		for (i = 0; i < n; i++)
			close(fds[i]);
		settle();
		meminfo(&m2);
		res[0] = n;
		res[1] = m0.memfree - m1.memfree;
		res[2] = m0.memavail - m1.memavail;
		res[3] = m1.slab - m0.slab;
		res[4] = m2.memfree - m1.memfree;	/* given back after close */
		res[5] = m1.slab - m2.slab;
		_exit(0);
	}
	reap(pid);
}

static void part_c(void)
{
	long *res = shared(sizeof(long) * 4 * 8);
	char old[32] = "", buf[32];
	struct rlimit rl = { C_N + 1024, C_N + 1024 };
	int fd, k, runs = 4;
	static const char *what[4] = { "fdonly", "ns", "ns2", "ns3" };

	if (access("/proc/slabinfo", R_OK) == 0)
		bench("c.slabinfo", "present");
	else
		bench("c.slabinfo", "absent");
	if (!have_timens) {
		bench("c.ns.n", "na");
		return;
	}
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit");
	fd = open("/proc/sys/user/max_time_namespaces", O_RDONLY);
	if (fd >= 0) {
		ssize_t l = read(fd, old, sizeof(old) - 1);

		old[l > 0 ? l : 0] = 0;
		close(fd);
		bench("c.max_time_namespaces", "%ld", atol(old));
		snprintf(buf, sizeof(buf), "%d", 4 * C_N);
		if (atol(old) < 2 * C_N && write_file("/proc/sys/user/max_time_namespaces", buf))
			printf("# c: cannot raise max_time_namespaces\n");
	}
	for (k = 0; k < runs; k++)
		c_run(k > 0, res + 8 * k);
	if (old[0])
		write_file("/proc/sys/user/max_time_namespaces", old);
	for (k = 0; k < runs; k++) {
		long *r = res + 8 * k;
		char key[64];

		snprintf(key, sizeof(key), "c.%s.n", what[k]);
		bench(key, "%ld", r[0]);
		if (!r[0])
			continue;
		snprintf(key, sizeof(key), "c.%s.memfree_kib", what[k]);
		bench(key, "%ld", r[1]);
		snprintf(key, sizeof(key), "c.%s.memavail_kib", what[k]);
		bench(key, "%ld", r[2]);
		snprintf(key, sizeof(key), "c.%s.slab_kib", what[k]);
		bench(key, "%ld", r[3]);
		snprintf(key, sizeof(key), "c.%s.freed_kib", what[k]);
		bench(key, "%ld", r[4]);
		snprintf(key, sizeof(key), "c.%s.slab_freed_kib", what[k]);
		bench(key, "%ld", r[5]);
	}
}

/* ---------------------------------------------------------------- C) */

#define CT_N 2000	/* tasks per step */
#define CT_WARM 200	/* host tasks before the first reading (not counted) */
#define CT_STEPS 3

/*
 * In one process, sleeping tasks (children blocked in read() on a pipe) in
 * steps, /proc/meminfo read after each, nothing exits in between (the frees
 * that follow exits trail by seconds): step 0, CT_N tasks in the host's
 * namespace (the cost of the tasks themselves); step 1, CT_N tasks each in a
 * new time namespace of its own with its offsets untouched; step 2, the
 * same with offsets written (as new_timens()). A task's fork is its
 * namespace's first entry: the namespace is frozen with the offsets it has.
 * res: [0..2] tasks per step, [3..5] MemFree, [6..8] MemAvailable,
 * [9..11] Slab taken per step (KiB), [12] MemFree given back after all exit,
 * [13] the Slab given back.
 */
static void ct_run(long *res)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static pid_t kids[CT_WARM + CT_STEPS * CT_N];
		struct meminfo m[CT_STEPS + 2];
		int hostfd = open("/proc/self/ns/time", O_RDONLY), p[2], i, st, nk = 0;
		char c;

		if (pipe(p)) {
			perror("pipe");
			_exit(0);
		}
		for (st = -1; st < CT_STEPS; st++) {
			int n = st < 0 ? CT_WARM : CT_N, got = 0;

			for (i = 0; i < n; i++) {
				if (st > 0 && setns(hostfd, CLONE_NEWTIME)) {
					printf("# C: setns: %s\n", strerror(errno));
					break;
				}
				if (st > 0 && (st == 1 ? new_timens_zero() : new_timens())) {
					printf("# C: namespace #%d: %s\n", i, strerror(errno));
					break;
				}
				kids[nk] = fork();
				if (kids[nk] == 0) {
					close(p[1]);
					while (read(p[0], &c, 1) < 0 && errno == EINTR)
						;
					_exit(0);
				}
				if (kids[nk] < 0) {
					printf("# C: fork #%d: %s\n", nk, strerror(errno));
					break;
				}
				nk++;
				got++;
			}
			if (st >= 0)
				res[st] = got;
			settle();
			meminfo(&m[st + 1]);
			if (got < n)
				break;
		}
		close(p[1]);	/* EOF: the tasks exit */
		for (i = 0; i < nk; i++)
			reap(kids[i]);
		settle();
		meminfo(&m[CT_STEPS + 1]);
		for (st = 0; st < CT_STEPS && res[st]; st++) {
			res[3 + st] = m[st].memfree - m[st + 1].memfree;
			res[6 + st] = m[st].memavail - m[st + 1].memavail;
			res[9 + st] = m[st + 1].slab - m[st].slab;
		}
		if (st == CT_STEPS) {
			res[12] = m[CT_STEPS + 1].memfree - m[CT_STEPS].memfree;
			res[13] = m[CT_STEPS].slab - m[CT_STEPS + 1].slab;
		}
		_exit(0);
	}
	reap(pid);
}

static void part_ct(void)
{
	long *res = shared(sizeof(long) * 16);
	char old[32] = "", buf[32], oldpid[32] = "";
	static const char *what[CT_STEPS] = { "tasks", "zero_task", "ns_task" };
	long taken = 0;
	int fd, k;

	if (!have_timens) {
		bench("C.zero_task.n", "na");
		return;
	}
	/* tinyconfig (BASE_SMALL): pid_max is 4096 */
	fd = open("/proc/sys/kernel/pid_max", O_RDONLY);
	if (fd >= 0) {
		ssize_t l = read(fd, oldpid, sizeof(oldpid) - 1);

		oldpid[l > 0 ? l : 0] = 0;
		close(fd);
		if (atol(oldpid) < 2 * (CT_WARM + CT_STEPS * CT_N) &&
		    write_file("/proc/sys/kernel/pid_max", "32768"))
			printf("# C: cannot raise pid_max\n");
	}
	fd = open("/proc/sys/user/max_time_namespaces", O_RDONLY);
	if (fd >= 0) {
		ssize_t l = read(fd, old, sizeof(old) - 1);

		old[l > 0 ? l : 0] = 0;
		close(fd);
		snprintf(buf, sizeof(buf), "%d", 4 * CT_N);
		if (atol(old) < 4 * CT_N && write_file("/proc/sys/user/max_time_namespaces", buf))
			printf("# C: cannot raise max_time_namespaces\n");
	}
	ct_run(res);
	if (old[0])
		write_file("/proc/sys/user/max_time_namespaces", old);
	if (oldpid[0])
		write_file("/proc/sys/kernel/pid_max", oldpid);
	for (k = 0; k < CT_STEPS; k++) {
		char key[64];

		snprintf(key, sizeof(key), "C.%s.n", what[k]);
		bench(key, "%ld", res[k]);
		if (!res[k])
			continue;
		snprintf(key, sizeof(key), "C.%s.memfree_kib", what[k]);
		bench(key, "%ld", res[3 + k]);
		snprintf(key, sizeof(key), "C.%s.memavail_kib", what[k]);
		bench(key, "%ld", res[6 + k]);
		snprintf(key, sizeof(key), "C.%s.slab_kib", what[k]);
		bench(key, "%ld", res[9 + k]);
		taken += res[3 + k];
	}
	if (res[12] || res[13]) {
		bench("C.taken_kib", "%ld", taken);
		bench("C.freed_kib", "%ld", res[12]);
		bench("C.slab_freed_kib", "%ld", res[13]);
	}
}

/* ---------------------------------------------------------------- d) */

#define D_TRIALS 5

/* the vDSO image's pages (text), from its ELF header */
static void vdso_text(unsigned long *start, unsigned long *len)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)base;
	Elf64_Phdr *ph;
	int i;

	*start = base;
	*len = 0;
	if (!base)
		return;
	ph = (Elf64_Phdr *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_memsz > *len)
			*len = ph[i].p_offset + ph[i].p_memsz;
}

/* COW-fault the stack pages below the caller's frame that a call may use */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char buf[16384];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 256)
		buf[i] = 0;
}

/*
 * out[0]: minor faults of the first vDSO clock_gettime(CLOCK_MONOTONIC),
 * out[1]: of the second; with pretouch, the vDSO text was read first, so
 * out[0] counts the faults on the data (vvar/timens) pages alone.
 */
static void __attribute__((noinline)) d_child(long *out, int pretouch)
{
	struct rusage r0, r1, r2, r3;
	struct timespec ts;
	unsigned long a, len, sum = 0;

	/* touch (COW) the stack, the rusage buffers and the code first */
	memset(&ts, 0, sizeof(ts));
	a = len = 0;
	if (pretouch)	/* reads the vDSO's ELF header: only here */
		vdso_text(&a, &len);
	getrusage(RUSAGE_SELF, &r0);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r2);
	getrusage(RUSAGE_SELF, &r3);
	touch_stack();
	if (pretouch)
		for (; len; a += 4096, len = len > 4096 ? len - 4096 : 0)
			sum += *(volatile unsigned char *)a;

	getrusage(RUSAGE_SELF, &r0);
	vdso_cgt(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &r1);
	vdso_cgt(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &r2);
	out[0] = r1.ru_minflt - r0.ru_minflt;
	out[1] = r2.ru_minflt - r1.ru_minflt;
	out[2] = r1.ru_majflt - r0.ru_majflt + (sum & 0);
	_exit(0);
}

static void part_d(int hostfd)
{
	/* [pretouch][who: 0 host, 1 ns with offsets, 2 zero-offset ns][trial][4] */
	long *res = shared(sizeof(long) * 2 * 3 * D_TRIALS * 4);
	static const char *wn[3] = { "host", "ns", "zero" };
	int who, t, pre;
	pid_t pid;

#define D_RES(pre, who, t) (res + 4 * (((pre) * 3 + (who)) * D_TRIALS + (t)))
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct timespec w;

		for (t = 0; t < D_TRIALS; t++)
			for (pre = 0; pre < 2; pre++)
				for (who = 0; who < (have_timens ? 3 : 1); who++) {
					pid_t c;

					if ((who == 1 && new_timens()) || (who == 2 && new_timens_zero()))
						continue;
					/* the parent has just used the vDSO: its PTEs are there to be copied */
					vdso_cgt(CLOCK_MONOTONIC, &w);
					c = fork();
					if (c == 0)
						d_child(D_RES(pre, who, t), pre);
					reap(c);
					if (who && setns(hostfd, CLONE_NEWTIME))
						perror("setns");
				}
		_exit(0);
	}
	reap(pid);
	for (pre = 0; pre < 2; pre++)
		for (who = 0; who < 3; who++) {
			long mn = 1 << 30, mx = -1, mx2 = -1;
			const char *w = wn[who], *what = pre ? "data" : "first";
			char key[64];

			for (t = 0; t < D_TRIALS; t++) {
				long *r = D_RES(pre, who, t);

				if (r[0] < mn) mn = r[0];
				if (r[0] > mx) mx = r[0];
				if (r[1] > mx2) mx2 = r[1];
			}
			if (who && !have_timens) {
				snprintf(key, sizeof(key), "d.%s.%s_min", w, what);
				bench(key, "na");
				continue;
			}
			snprintf(key, sizeof(key), "d.%s.%s_min", w, what);
			bench(key, "%ld", mn);
			snprintf(key, sizeof(key), "d.%s.%s_max", w, what);
			bench(key, "%ld", mx);
			if (!pre) {
				snprintf(key, sizeof(key), "d.%s.second_max", w);
				bench(key, "%ld", mx2);
			}
		}
}

/* ---------------------------------------------------------------- f) */

/*
 * The fresh process's results, written to a pipe inherited across exec:
 * per call ([0] clock_gettime(CLOCK_MONOTONIC), [1] time()) and per
 * occurrence ([0] the first call of the process, [1] the second).
 */
struct f_res {
	int ok;
	long flt[2][2];		/* minor faults */
	long majflt;
	uint64_t tsc[2][2];	/* rdtsc ticks around the call */
	uint64_t empty_tsc;	/* the same around a call of a stub (the floor) */
	int64_t mono_ns;	/* CLOCK_MONOTONIC seen at the end (namespace check) */
};

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static int stub_cgt(clockid_t c, struct timespec *ts)
{
	ts->tv_sec = c;
	return 0;
}

static time_t stub_time(time_t *t)
{
	return t ? *t : 0;
}

/*
 * The two calls in ORDER (0: clock_gettime first, 1: time() first), each
 * between two getrusage() and two rdtsc; OCC: first or second occurrence.
 * Run with the stubs first, so that this code, getrusage, the stack and R
 * are faulted in before the vDSO calls are counted.
 */
static void __attribute__((noinline)) f_calls(int order, cgt_t cg, time_fn_t tm, struct f_res *r,
					      int occ)
{
	struct rusage u0, u1;
	struct timespec ts;
	uint64_t t0, t1;
	int i;

	for (i = 0; i < 2; i++) {
		int call = i ^ order;

		getrusage(RUSAGE_SELF, &u0);
		t0 = rdtsc_ordered();
		if (call == 0)
			cg(CLOCK_MONOTONIC, &ts);
		else
			tm(NULL);
		t1 = rdtsc_ordered();
		getrusage(RUSAGE_SELF, &u1);
		r->flt[call][occ] = u1.ru_minflt - u0.ru_minflt;
		r->majflt += u1.ru_majflt - u0.ru_majflt;
		r->tsc[call][occ] = t1 - t0;
	}
}

/* gbench --fresh ORDER PRETOUCH FD: the fresh process of part f */
static int fresh_main(char **argv)
{
	static struct f_res r, scratch;
	int order = atoi(argv[2]), pre = atoi(argv[3]), fd = atoi(argv[4]), k;
	unsigned long a, len, sum = 0;
	struct timespec ts;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	memset(&scratch, 0, sizeof(scratch));
	/* reads the vDSO's ELF header and symbols (text pages; libc did too) */
	vdso_cgt = (cgt_t)vdso_sym("__vdso_clock_gettime");
	vdso_time = (time_fn_t)vdso_sym("__vdso_time");
	if (vdso_cgt && vdso_time) {
		vdso_text(&a, &len);
		if (pre)	/* every page of the vDSO text: only data faults are left */
			for (; len; a += 4096, len = len > 4096 ? len - 4096 : 0)
				sum += *(volatile unsigned char *)a;
		touch_stack();
		for (k = 0; k < 4; k++)
			f_calls(k & 1, stub_cgt, stub_time, &scratch, k >> 1);
		r.empty_tsc = scratch.tsc[0][1] < scratch.tsc[1][1] ? scratch.tsc[0][1] : scratch.tsc[1][1];
		f_calls(order, vdso_cgt, vdso_time, &r, 0);
		f_calls(order, vdso_cgt, vdso_time, &r, 1);
		vdso_cgt(CLOCK_MONOTONIC, &ts);
		r.mono_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec + (sum & 0);
		r.ok = 1;
	}
	n = write(fd, &r, sizeof(r));
	_exit(n == sizeof(r) ? 0 : 1);
}

/* TSC ticks per ns, against CLOCK_MONOTONIC_RAW over 100 ms */
static double tsc_per_ns(void)
{
	int64_t n0 = now_ns(), n1;
	uint64_t t0 = rdtsc_ordered(), t1;

	do {
		n1 = now_ns();
	} while (n1 - n0 < 100000000LL);
	t1 = rdtsc_ordered();
	return (double)(t1 - t0) / (n1 - n0);
}

/* one fork + exec of the fresh process; 0 on success */
static int f_exec(int order, int pre, struct f_res *r)
{
	int p[2];
	ssize_t n = 0, m;
	pid_t pid;

	if (pipe(p))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char o[16], t[16], f[16];

		close(p[0]);
		snprintf(o, sizeof(o), "%d", order);
		snprintf(t, sizeof(t), "%d", pre);
		snprintf(f, sizeof(f), "%d", p[1]);
		/* the same layout at every exec (the vDSO's place included) */
		personality(ADDR_NO_RANDOMIZE);
		execl("/proc/self/exe", "gbench", "--fresh", o, t, f, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	memset(r, 0, sizeof(*r));
	while (pid > 0 && n < (ssize_t)sizeof(*r)) {
		m = read(p[0], (char *)r + n, sizeof(*r) - n);
		if (m < 0 && errno == EINTR)
			continue;
		if (m <= 0)
			break;
		n += m;
	}
	close(p[0]);
	reap(pid);
	return n == sizeof(*r) && r->ok ? 0 : -1;
}

#define F_N_HOST 200	/* execs per order: host task, vDSO text read first */
#define F_N_NS 50	/* the same in a namespace */
#define F_N_RAW 10	/* execs per order and task: vDSO text not read first */
#define F_MAX (2 * F_N_HOST)

struct f_shm {
	struct f_res res[2][2][2][F_MAX];	/* [who][pre][order][i] */
	int n[2][2][2];
	int64_t host_mono_ns;			/* the helper's CLOCK_MONOTONIC before an exec */
	double off_seen;			/* the ns task's CLOCK_MONOTONIC minus that */
	int ns_ok;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* the execs of one task kind; in the ns case, from a helper in a new namespace */
static void f_runs(struct f_shm *s, int who)
{
	int i, pre, order;
	int nmax = who ? F_N_NS : F_N_HOST;

	for (i = 0; i < nmax; i++)
		for (pre = 1; pre >= 0; pre--)
			for (order = 0; order < 2; order++) {
				int o = (i & 1) ? 1 - order : order;	/* alternate who goes first */
				struct f_res *r;
				struct timespec ts;

				if (i >= (pre ? nmax : F_N_RAW))
					continue;
				r = &s->res[who][pre][o][s->n[who][pre][o]];
				vdso_cgt(CLOCK_MONOTONIC, &ts);
				if (f_exec(o, pre, r)) {
					printf("# f: fresh process failed (who %d pre %d order %d)\n", who, pre, o);
					return;
				}
				if (who == 1 && !s->ns_ok) {
					s->host_mono_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
					s->off_seen = (r->mono_ns - s->host_mono_ns) / 1e9;
					s->ns_ok = 1;
				}
				s->n[who][pre][o]++;
			}
}

static void part_f(void)
{
	static const char *wn[2] = { "host", "ns" }, *pn[2] = { "raw", "data" },
			  *on[2] = { "cgfirst", "timefirst" }, *cn[2] = { "cg", "time" };
	struct f_shm *s = shared(sizeof(*s));
	double tpn;
	int who, pre, order, call, i;
	pid_t pid;

	vdso_time = (time_fn_t)vdso_sym("__vdso_time");
	if (!vdso_time || vdso_cgt == clock_gettime) {
		bench("f.n", "na");
		return;
	}
	tpn = tsc_per_ns();
	bench("f.tsc_per_ns", "%.4f", tpn);
	f_runs(s, 0);
	if (have_timens) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			if (!new_timens())
				f_runs(s, 1);
			_exit(0);
		}
		reap(pid);
	}
	if (s->ns_ok)
		bench("f.ns_offset_seen", "%.3f", s->off_seen);
	for (who = 0; who < 2; who++)
		for (pre = 0; pre < 2; pre++)
			for (order = 0; order < 2; order++) {
				struct f_res *rs = s->res[who][pre][order];
				int n = s->n[who][pre][order];
				static uint64_t v[F_MAX];
				char key[128];

				snprintf(key, sizeof(key), "f.%s.%s.%s", wn[who], pn[pre], on[order]);
				if (!n) {
					if (who == 0 || have_timens)
						bench(key, "na");
					continue;
				}
				printf("BENCH %s.n %d\n", key, n);
				/* faults: min and max over the execs */
				for (call = 0; call < 3; call++) {
					long mn = 1 << 30, mx = -1, mx2 = -1;

					for (i = 0; i < n; i++) {
						long f = call < 2 ? rs[i].flt[call][0] : rs[i].flt[0][0] + rs[i].flt[1][0];
						long f2 = call < 2 ? rs[i].flt[call][1] : rs[i].flt[0][1] + rs[i].flt[1][1];

						if (f < mn) mn = f;
						if (f > mx) mx = f;
						if (f2 > mx2) mx2 = f2;
					}
					printf("BENCH %s.%s.faults_min %ld\n", key, call < 2 ? cn[call] : "total", mn);
					printf("BENCH %s.%s.faults_max %ld\n", key, call < 2 ? cn[call] : "total", mx);
					printf("BENCH %s.%s.faults_second_max %ld\n", key, call < 2 ? cn[call] : "total", mx2);
				}
				if (!pre)	/* times: with the text read first only */
					continue;
				/* times: per call, first and second occurrence; and both calls' sum */
				for (call = 0; call < 3; call++) {
					int occ;

					for (occ = 0; occ < 2; occ++) {
						for (i = 0; i < n; i++)
							v[i] = call < 2 ? rs[i].tsc[call][occ] :
								rs[i].tsc[0][occ] + rs[i].tsc[1][occ];
						qsort(v, n, sizeof(v[0]), cmp_u64);
						printf("BENCH %s.%s.%s_min_ns %.1f\n", key, call < 2 ? cn[call] : "both",
						       occ ? "second" : "first", v[0] / tpn);
						printf("BENCH %s.%s.%s_med_ns %.1f\n", key, call < 2 ? cn[call] : "both",
						       occ ? "second" : "first", v[n / 2] / tpn);
					}
				}
				for (i = 0; i < n; i++)
					v[i] = rs[i].empty_tsc;
				qsort(v, n, sizeof(v[0]), cmp_u64);
				printf("BENCH %s.empty_min_ns %.1f\n", key, v[0] / tpn);
				printf("BENCH %s.empty_med_ns %.1f\n", key, v[n / 2] / tpn);
				{
					long mj = 0;

					for (i = 0; i < n; i++)
						mj += rs[i].majflt;
					printf("BENCH %s.majflt %ld\n", key, mj);
				}
			}
	fflush(stdout);
	munmap(s, sizeof(*s));
}

/* ---------------------------------------------------------------- g) */

enum { G_PAIR, G_TIME, G_CGT, G_N };
static const char *g_name[G_N] = { "pair", "time", "cg" };

struct g_shm {
	long n[G_N];
	double best[2][G_N];	/* ns per pair / per call, [who][case] */
	int ok[2];
	time_t seen_time[2];
};

static int64_t g_rep(int c, long n)
{
	struct timespec ts;
	int64_t t0 = now_ns();
	long i;

	switch (c) {
	case G_PAIR:
		for (i = 0; i < n; i++) {
			vdso_time(NULL);
			vdso_cgt(CLOCK_MONOTONIC, &ts);
		}
		break;
	case G_TIME:
		for (i = 0; i < n; i++)
			vdso_time(NULL);
		break;
	case G_CGT:
		for (i = 0; i < n; i++)
			vdso_cgt(CLOCK_MONOTONIC, &ts);
		break;
	}
	return now_ns() - t0;
}

static void g_worker(struct g_shm *s, int who, int cmd, int done)
{
	char b;

	s->seen_time[who] = vdso_time(NULL);
	while (read(cmd, &b, 1) == 1 && b != 'q') {
		int c = b - 'A';
		long n = s->n[c];
		double t;

		if (!n) {	/* calibrate (host worker, first round) */
			double pc = 0;
			int k;

			n = 16;
			while (g_rep(c, n) < A_TARGET_NS / 4 && n < (1L << 26))
				n *= 2;
			for (k = 0; k < 3; k++) {
				t = (double)g_rep(c, n) / n;
				if (!pc || t < pc)
					pc = t;
			}
			n = A_TARGET_NS / (pc > 0.1 ? pc : 0.1) + 1;
			s->n[c] = n;
		}
		t = (double)g_rep(c, n) / n;
		if (!s->best[who][c] || t < s->best[who][c])
			s->best[who][c] = t;
		s->ok[who] = 1;
		if (write(done, "d", 1) != 1)
			break;
	}
	_exit(0);
}

static void part_g(int hostfd)
{
	struct g_shm *s = shared(sizeof(*s));
	int cmd[2][2], done[2][2], nw = have_timens ? 2 : 1, w, r, c;
	pid_t pid[2] = { -1, -1 };
	char b;

	vdso_time = (time_fn_t)vdso_sym("__vdso_time");
	if (!vdso_time || vdso_cgt == clock_gettime) {
		bench("g.pair.host", "na");
		return;
	}
	for (w = 0; w < nw; w++)
		if (pipe(cmd[w]) || pipe(done[w])) {
			perror("pipe");
			return;
		}
	fflush(stdout);
	for (w = 0; w < nw; w++) {
		if (w == 1 && new_timens()) {
			printf("# g: no time namespace\n");
			nw = 1;
			break;
		}
		pid[w] = fork();
		if (pid[w] == 0) {
			close(cmd[w][1]);
			close(done[w][0]);
			g_worker(s, w, cmd[w][0], done[w][1]);
		}
		close(cmd[w][0]);
		close(done[w][1]);
	}
	if (have_timens && setns(hostfd, CLONE_NEWTIME))
		perror("setns host");
	for (r = 0; r < A_ROUNDS; r++)
		for (c = 0; c < G_N; c++)
			for (w = 0; w < nw; w++) {
				int x = (r % 2 == 0) ? w : nw - 1 - w;
				char ch = 'A' + c;

				if (write(cmd[x][1], &ch, 1) != 1 || read(done[x][0], &b, 1) != 1) {
					printf("# g: worker %d died\n", x);
					goto out;
				}
			}
out:
	for (w = 0; w < nw; w++) {
		if (write(cmd[w][1], "q", 1) != 1)
			kill(pid[w], SIGKILL);
		reap(pid[w]);
	}
	for (c = 0; c < G_N; c++) {
		char key[64];

		snprintf(key, sizeof(key), "g.%s.host", g_name[c]);
		if (s->ok[0])
			bench(key, "%.2f", s->best[0][c]);
		else
			bench(key, "na");
		snprintf(key, sizeof(key), "g.%s.ns", g_name[c]);
		if (nw == 2 && s->ok[1])
			bench(key, "%.2f", s->best[1][c]);
		else
			bench(key, "na");
		snprintf(key, sizeof(key), "g.%s.iters", g_name[c]);
		bench(key, "%ld", s->n[c]);
	}
	if (nw == 2 && s->ok[1])
		bench("g.time_ns_minus_host", "%ld", (long)(s->seen_time[1] - s->seen_time[0]));
	munmap(s, sizeof(*s));
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	char cs[64] = "";
	FILE *f;
	struct utsname u;
	int hostfd, pin;
	const char *parts = argc > 1 ? argv[1] : "abcdfg";

	if (argc > 4 && !strcmp(argv[1], "--fresh"))
		return fresh_main(argv);	/* part f: before anything reads a clock */
	setvbuf(stdout, NULL, _IOLBF, 0);
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (f) {
		if (fscanf(f, "%63s", cs) != 1)
			cs[0] = 0;
		fclose(f);
	}
	bench("clocksource", "%s", cs[0] ? cs : "unknown");
	if (uname(&u) == 0) {
		char *c;

		for (c = u.version; *c; c++)
			if (*c == ' ')
				*c = '_';
		bench("kernel", "%s/%s", u.release, u.version);
	}
	vdso_cgt = (cgt_t)vdso_sym("__vdso_clock_gettime");
	if (!vdso_cgt) {
		printf("# no vDSO clock_gettime found, using libc\n");
		vdso_cgt = clock_gettime;
	}
	bench("vdso_found", "%d", vdso_cgt != clock_gettime);
	hostfd = open("/proc/self/ns/time", O_RDONLY);
	have_timens = hostfd >= 0 && access("/proc/self/timens_offsets", F_OK) == 0;
	bench("timens", "%d", have_timens);
	/*
	 * Pin everything (children inherit it) to one vCPU: under TCG on a
	 * loaded host, a fork/exit/wait spread over two vCPU threads mostly
	 * measures the host's scheduling. GB_PIN=-1 leaves it unpinned.
	 */
	pin = getenv("GB_PIN") ? atoi(getenv("GB_PIN")) : (sysconf(_SC_NPROCESSORS_ONLN) > 1);
	if (pin >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(pin, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			pin = -1;
	}
	bench("pinned_cpu", "%d", pin);
	if (strchr(parts, 'a'))
		part_a(hostfd);
	if (strchr(parts, 'b'))
		part_b();
	if (strchr(parts, 'd'))
		part_d(hostfd);
	if (strchr(parts, 'f'))
		part_f();
	if (strchr(parts, 'g'))
		part_g(hostfd);
	if (strchr(parts, 'c'))
		part_c();
	if (strchr(parts, 'C'))
		part_ct();
	bench("done", "1");
	return 0;
}
