// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_sequence - random sequences of time namespace operations, each
 * result checked against a model of the namespaces.
 *
 * A few worker processes each run a random sequence of operations drawn
 * from a seed that is printed and can be overridden:
 *   unshare(CLONE_NEWTIME); clone3(CLONE_NEWTIME), also with CLONE_VM |
 *   CLONE_VFORK followed by execve(); setns() by a /proc/PID/ns/time or
 *   time_for_children file and by a pidfd from pidfd_open(); fork();
 *   execve() of this program in a reporting mode after fork(), vfork()
 *   and the CLONE_VM clone; writes to /proc/PID/timens_offsets, valid and
 *   invalid ones; absolute timers (timerfd_settime(TFD_TIMER_ABSTIME) and
 *   clock_nanosleep(TIMER_ABSTIME)); clock reads.
 * Children become "holders" now and then: processes that sit in a known
 * namespace so that setns() has targets, also for the other workers.
 *
 * The model: a namespace is named by the inode number of its nsfs file.
 * Each task is in one namespace (/proc/self/ns/time) and gives another one
 * to its children (time_for_children). The offsets of every namespace are
 * known, because the fuzzer set them (the initial namespace has none), and
 * so is whether a task has entered it. The rules, from the series
 * documentation: unshare() changes time_for_children only, to a new
 * namespace with the offsets of the old one; fork() and clone() without
 * CLONE_VM put the child into the parent's time_for_children and enter
 * it; clone3(CLONE_NEWTIME) puts the child into a new namespace, entered,
 * with the offsets of the parent's time_for_children, and leaves the
 * parent's time_for_children unentered; a CLONE_VM child stays in its
 * parent's namespace until execve(); setns() changes both; execve() makes
 * time what time_for_children was. Offsets can be written while nobody
 * has entered (EACCES after that, and always for the initial namespace),
 * and a write is applied in full or not at all.
 *
 * Checked against the model, and reported as one KTAP case each:
 * - every clock read, through the vDSO (clock_gettime() of the C library)
 *   and the system call, of CLOCK_MONOTONIC, _RAW, _COARSE, CLOCK_BOOTTIME
 *   and _ALARM: the value less the offset of the reader's namespace must
 *   be the host clock at the time of the read (see below);
 * - /proc/self/ns/time, time_for_children and /proc/self/timens_offsets
 *   after every operation that may change them, in the task and in its
 *   children, before and after execve();
 * - absolute timers, armed at the namespace clock plus 2-20 ms: they
 *   must fire, not before the expiry by the namespace clock and not more
 *   than 2 s (TIMENS_FUZZ_LATE_MS) after it;
 * - the result of every offsets write, and the offsets read back;
 * - that every operation that must succeed does.
 *
 * The host clock: CLOCK_REALTIME is not virtualized, and without a clock
 * step (nothing sets the clock in the test guest) the difference D between
 * a host clock and CLOCK_REALTIME is constant for CLOCK_MONOTONIC, _COARSE
 * (against CLOCK_REALTIME_COARSE) and CLOCK_BOOTTIME, and drifts by parts
 * per billion for _RAW. The parent process never leaves the initial
 * namespace: it measures D every 50 ms as clk - REALTIME between two
 * CLOCK_REALTIME reads, the narrowest of several, and publishes it with its
 * error in shared memory. A reader anywhere reads REALTIME, the clock, and
 * REALTIME again: the host value at the read lies in [r1 + D, r2 + D], so
 * the value less the modelled offset must lie there too, within the error
 * and 1 ms. Being preempted between the reads widens the window but cannot
 * cause a false failure, and no round trip to a helper process is needed.
 * A change of D between calibrations (a clock step) is reported.
 *
 * Usage: fuzz_sequence [-s SEED] [-n OPS] [-t SECONDS] [-w WORKERS]
 * or the environment: TIMENS_FUZZ_SEED, TIMENS_FUZZ_OPS,
 * TIMENS_FUZZ_BUDGET (seconds), TIMENS_FUZZ_WORKERS, TIMENS_FUZZ_LATE_MS.
 * Defaults: 2000 operations over 4 workers, at most 20 s. Needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "kselftest.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME		0x00000080
#endif
#ifndef CLOCK_BOOTTIME_ALARM
#define CLOCK_BOOTTIME_ALARM	9
#endif

typedef int64_t s64;
typedef uint64_t u64;

#define NSEC_PER_SEC		1000000000LL
#define NSEC_PER_MSEC		1000000LL
#define TOL_NS			(1 * NSEC_PER_MSEC)
#define CAL_PERIOD_US		50000
#define CAL_JUMP_NS		(500 * 1000LL)
#define MAX_WORKERS		8
#define MAX_HOLDERS		3
#define MAX_REC			512
#define MAX_PINS		400
#define MAX_FAIL_MSGS		40
#define GRACE_S			30
#define DEF_SEED		0x74696d656e73ULL	/* "timens" */
#define DEF_OPS			2000
#define DEF_BUDGET_S		20.0
#define DEF_WORKERS		4
#define DEF_LATE_MS		2000

enum { CK_MONO, CK_BOOT, CK_RAW, CK_COARSE, CK_ALARM, NR_CK };

static const struct clk_desc {
	const char	*name;
	clockid_t	id;
	clockid_t	bridge;
	bool		boot;
} clk_desc[NR_CK] = {
	[CK_MONO]	= { "MONOTONIC",	CLOCK_MONOTONIC,	CLOCK_REALTIME,		false },
	[CK_BOOT]	= { "BOOTTIME",		CLOCK_BOOTTIME,		CLOCK_REALTIME,		true },
	[CK_RAW]	= { "MONOTONIC_RAW",	CLOCK_MONOTONIC_RAW,	CLOCK_REALTIME,		false },
	[CK_COARSE]	= { "MONOTONIC_COARSE",	CLOCK_MONOTONIC_COARSE,	CLOCK_REALTIME_COARSE,	false },
	[CK_ALARM]	= { "BOOTTIME_ALARM",	CLOCK_BOOTTIME_ALARM,	CLOCK_REALTIME,		true },
};

enum {
	OP_READ, OP_UNSHARE, OP_WRITE_OFFS, OP_FORK, OP_CLONE3, OP_CLONE3_VM,
	OP_SETNS_PATH, OP_SETNS_PIDFD, OP_SETNS_CFC, OP_SETNS_BAD, OP_EXEC,
	OP_VFORK_EXEC, OP_TIMER, OP_KILL_HOLDER, NR_OPS
};

static const struct op_desc {
	const char	*name;
	unsigned int	weight;
} op_desc[NR_OPS] = {
	[OP_READ]	 = { "read",		4 },
	[OP_UNSHARE]	 = { "unshare",		2 },
	[OP_WRITE_OFFS]	 = { "write_offsets",	3 },
	[OP_FORK]	 = { "fork",		2 },
	[OP_CLONE3]	 = { "clone3",		2 },
	[OP_CLONE3_VM]	 = { "clone3_vm_exec",	1 },
	[OP_SETNS_PATH]	 = { "setns_path",	2 },
	[OP_SETNS_PIDFD] = { "setns_pidfd",	2 },
	[OP_SETNS_CFC]	 = { "setns_for_children", 1 },
	[OP_SETNS_BAD]	 = { "setns_bad_type",	1 },
	[OP_EXEC]	 = { "fork_exec",	2 },
	[OP_VFORK_EXEC]	 = { "vfork_exec",	2 },
	[OP_TIMER]	 = { "abs_timer",	2 },
	[OP_KILL_HOLDER] = { "kill_holder",	1 },
};

enum {
	ST_READS, ST_READS_VDSO, ST_READS_SYS, ST_READS_BAD,
	ST_IDENT, ST_IDENT_BAD,
	ST_TIMERS, ST_TIMERS_BAD,
	ST_OFFW, ST_OFFW_BAD, ST_OFFW_OK, ST_OFFW_EACCES, ST_OFFW_EINVAL,
	ST_OFFW_ERANGE,
	ST_OPS, ST_OP_BAD, ST_EXECS, ST_SETNS_UNKNOWN, ST_SKIPPED,
	NR_ST
};

/* A namespace as the model knows it. */
struct ns_rec {
	u64	ino;
	u64	gen;		/* Creation order: the newest wins, see rec_find(). */
	s64	mono;		/* Offsets in nanoseconds */
	s64	boot;
	int	entered;
};

struct calib {
	unsigned int	seq;
	s64		d[NR_CK];	/* Host clock - bridge clock */
	s64		err[NR_CK];
};

struct wslot {
	pid_t		pid;
	pid_t		holder[MAX_HOLDERS];
	int		done;
	int		exited;
	unsigned int	nrec;
	struct ns_rec	rec[MAX_REC];
	u64		st[NR_ST];
	u64		opcnt[NR_OPS];
	s64		maxdev;
};

struct shared {
	u64		gen;
	struct calib	cal;
	u64		cal_updates;
	u64		cal_jumps;
	pid_t		parent;
	u64		init_ino;
	int		stop;
	int		nfail;
	bool		has[NR_CK];
	bool		alarm_timers;
	s64		late_ns;
	int		nr_workers;
	struct wslot	w[MAX_WORKERS];
};

/* What a re-executed reporter sends back. */
struct report {
	u64	cur;
	u64	cfc;
	int	bad;
};

static struct shared *sh;
static int memfd = -1;
static int wid;
static u64 rng;

/* The model of the current task. */
static u64 m_cur, m_cfc;

static struct {
	pid_t	pid;
	u64	ino;
} holders[MAX_HOLDERS];
static int nholders;

static int pins[MAX_PINS];
static int npins;

static const char *ctx_role = "parent";
static unsigned int ctx_op;
static int ctx_opkind = -1;

static s64 ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static struct timespec ns_ts(s64 ns)
{
	struct timespec ts = {
		.tv_sec		= ns / NSEC_PER_SEC,
		.tv_nsec	= ns % NSEC_PER_SEC,
	};

	if (ts.tv_nsec < 0) {
		ts.tv_nsec += NSEC_PER_SEC;
		ts.tv_sec--;
	}
	return ts;
}

static s64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static u64 rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void rnd_seed(u64 seed)
{
	/* splitmix64, so that neighbouring seeds give unrelated streams */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	rng = (seed ^ (seed >> 31)) | 1;
}

static void st_add(int c, u64 v)
{
	__atomic_fetch_add(&sh->w[wid].st[c], v, __ATOMIC_RELAXED);
}

static void st_inc(int c)
{
	st_add(c, 1);
}

static void st_max_dev(s64 dev)
{
	s64 old = __atomic_load_n(&sh->w[wid].maxdev, __ATOMIC_RELAXED);

	while (dev > old &&
	       !__atomic_compare_exchange_n(&sh->w[wid].maxdev, &old, dev, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* One line per failure, written at once: several processes share stdout. */
static void report_fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (__atomic_fetch_add(&sh->nfail, 1, __ATOMIC_RELAXED) >= MAX_FAIL_MSGS)
		return;
	n = snprintf(buf, sizeof(buf), "# FAIL w%d %s pid %d op#%u %s: ", wid,
		     ctx_role, getpid(), ctx_op,
		     ctx_opkind >= 0 ? op_desc[ctx_opkind].name : "-");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDOUT_FILENO, buf, n) < 0)
		return;
}

/* A write's text on one diagnostic line. */
static const char *escape(const char *in, int len, char *out, size_t sz)
{
	size_t o = 0;
	int i;

	for (i = 0; i < len && o + 3 < sz; i++) {
		if (in[i] == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (in[i] == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = 0;
	return out;
}

static void op_fail(const char *what)
{
	st_inc(ST_OP_BAD);
	report_fail("%s: %s", what, strerror(errno));
}

static u64 ns_ino(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

static u64 fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

/* ---- Calibration and clock checks ---- */

static void cal_get(struct calib *c)
{
	unsigned int s;

	for (;;) {
		s = __atomic_load_n(&sh->cal.seq, __ATOMIC_ACQUIRE);
		if (s & 1) {
			sched_yield();
			continue;
		}
		memcpy(c, &sh->cal, sizeof(*c));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&sh->cal.seq, __ATOMIC_RELAXED) == s)
			return;
	}
}

/* Run in the parent only, which stays in the initial time namespace. */
static void calibrate(void)
{
	struct calib c = { 0 };
	struct timespec a, v, b;
	s64 w, best, d;
	int i, k;

	for (i = 0; i < NR_CK; i++) {
		if (!sh->has[i])
			continue;
		best = INT64_MAX;
		d = 0;
		for (k = 0; k < 5; k++) {
			clock_gettime(clk_desc[i].bridge, &a);
			clock_gettime(clk_desc[i].id, &v);
			clock_gettime(clk_desc[i].bridge, &b);
			w = ts_ns(&b) - ts_ns(&a);
			if (w < best) {
				best = w;
				d = ts_ns(&v) - ts_ns(&a) - w / 2;
			}
		}
		c.d[i] = d;
		c.err[i] = best / 2 + 1;
	}

	if (sh->cal_updates) {
		for (i = 0; i < NR_CK; i++) {
			d = c.d[i] - sh->cal.d[i];
			if (sh->has[i] && (d > CAL_JUMP_NS || d < -CAL_JUMP_NS)) {
				sh->cal_jumps++;
				ksft_print_msg("host %s - REALTIME moved by %lld ns: clock step?\n",
					       clk_desc[i].name, (long long)d);
				fflush(stdout);
			}
		}
	}

	__atomic_store_n(&sh->cal.seq, sh->cal.seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(sh->cal.d, c.d, sizeof(c.d));
	memcpy(sh->cal.err, c.err, sizeof(c.err));
	__atomic_store_n(&sh->cal.seq, sh->cal.seq + 1, __ATOMIC_RELEASE);
	sh->cal_updates++;
}

/* The host value of a clock now, estimated from the reader's REALTIME. */
static s64 host_now(int ck)
{
	struct calib c;

	cal_get(&c);
	return now_ns(clk_desc[ck].bridge) + c.d[ck];
}

static int check_clock(int ck, bool sys, s64 off, const char *where)
{
	const struct clk_desc *cd = &clk_desc[ck];
	struct timespec a, v, b;
	s64 lo, hi, x, tol, dev;
	struct calib c;
	int ret;

	cal_get(&c);
	clock_gettime(cd->bridge, &a);
	if (sys)
		ret = syscall(SYS_clock_gettime, cd->id, &v);
	else
		ret = clock_gettime(cd->id, &v);
	clock_gettime(cd->bridge, &b);

	st_inc(ST_READS);
	st_inc(sys ? ST_READS_SYS : ST_READS_VDSO);
	if (ret) {
		st_inc(ST_READS_BAD);
		report_fail("%s: %s clock_gettime(%s): %s", where,
			    sys ? "syscall" : "vDSO", cd->name, strerror(errno));
		return 1;
	}

	x = ts_ns(&v) - off;
	lo = ts_ns(&a) + c.d[ck];
	hi = ts_ns(&b) + c.d[ck];
	tol = TOL_NS + c.err[ck];
	dev = x < lo ? lo - x : x > hi ? x - hi : 0;
	if (dev > tol) {
		st_inc(ST_READS_BAD);
		report_fail("%s: %s %s read %lld ns, model offset %lld ns, host in [%lld, %lld]: implied offset %lld ns (%lld ns off)",
			    where, sys ? "syscall" : "vDSO", cd->name,
			    (long long)ts_ns(&v), (long long)off, (long long)lo,
			    (long long)hi, (long long)(ts_ns(&v) - (lo + hi) / 2),
			    (long long)(x < lo ? x - lo : x - hi));
		return 1;
	}
	st_max_dev(dev);
	return 0;
}

/* All clocks, through the vDSO and the system call. */
static int check_clocks(s64 mono, s64 boot, const char *where)
{
	int ck, bad = 0;

	for (ck = 0; ck < NR_CK; ck++) {
		if (!sh->has[ck])
			continue;
		bad += check_clock(ck, false, clk_desc[ck].boot ? boot : mono, where);
		bad += check_clock(ck, true, clk_desc[ck].boot ? boot : mono, where);
	}
	return bad;
}

/* ---- The model's namespace records ---- */

/* Entered from the start, with no offsets; the model may mark it again. */
static struct ns_rec init_rec = { .entered = 1 };

/*
 * Every namespace the fuzzer creates stays pinned by an open file until the
 * end, so inode numbers are not reused while it runs; taking the newest
 * record of an inode would still be right if one were.
 */
static struct ns_rec *rec_find(u64 ino)
{
	struct ns_rec *best = NULL, *r;
	unsigned int i, n;
	int k;

	if (ino == sh->init_ino)
		return &init_rec;
	for (k = 0; k < sh->nr_workers; k++) {
		n = __atomic_load_n(&sh->w[k].nrec, __ATOMIC_ACQUIRE);
		for (i = 0; i < n; i++) {
			r = &sh->w[k].rec[i];
			if (r->ino == ino && (!best || r->gen > best->gen))
				best = r;
		}
	}
	return best;
}

/*
 * Only one task of a worker adds records at a time: the worker itself, or
 * the child it waits for.
 */
static struct ns_rec *rec_add(u64 ino, s64 mono, s64 boot, int entered)
{
	struct wslot *ws = &sh->w[wid];
	unsigned int n = ws->nrec;
	struct ns_rec *r;

	if (n >= MAX_REC)
		return NULL;
	r = &ws->rec[n];
	r->ino = ino;
	r->mono = mono;
	r->boot = boot;
	r->entered = entered;
	r->gen = __atomic_add_fetch(&sh->gen, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&ws->nrec, n + 1, __ATOMIC_RELEASE);
	return r;
}

static bool can_create(void)
{
	return sh->w[wid].nrec < MAX_REC - 2 && npins < MAX_PINS;
}

static void pin_fd(int fd)
{
	if (npins < MAX_PINS)
		pins[npins++] = fd;
	else
		close(fd);
}

/* Pin the namespace a child is in, which must be @ino. */
static void pin_child_ns(pid_t pid, u64 ino)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/time", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		op_fail("open child's ns/time to pin it");
		return;
	}
	if (fd_ino(fd) != ino) {
		st_inc(ST_IDENT_BAD);
		report_fail("child %d is in time:[%llu], reported time:[%llu]",
			    pid, (unsigned long long)fd_ino(fd),
			    (unsigned long long)ino);
	}
	st_inc(ST_IDENT);
	pin_fd(fd);
}

/* ---- /proc/PID/timens_offsets ---- */

static int fmt_offsets(char *buf, size_t sz, s64 mono, s64 boot)
{
	struct timespec m = ns_ts(mono), b = ns_ts(boot);

	return snprintf(buf, sz, "%-10s %10lld %9ld\n%-10s %10lld %9ld\n",
			"monotonic", (long long)m.tv_sec, m.tv_nsec,
			"boottime", (long long)b.tv_sec, b.tv_nsec);
}

/* Read an offsets file: 0, -errno, or -EBADMSG for content of a bad form. */
static int read_offsets(const char *path, s64 *mono, s64 *boot)
{
	char buf[256], name1[16], name2[16], want[256];
	long long s1, s2;
	long n1, n2;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	if (len < 0) {
		len = -errno;
		close(fd);
		return len;
	}
	close(fd);
	buf[len] = 0;
	if (sscanf(buf, "%15s %lld %ld %15s %lld %ld", name1, &s1, &n1, name2,
		   &s2, &n2) != 6)
		return -EBADMSG;
	*mono = s1 * NSEC_PER_SEC + n1;
	*boot = s2 * NSEC_PER_SEC + n2;
	fmt_offsets(want, sizeof(want), *mono, *boot);
	if (strcmp(buf, want))
		return -EBADMSG;
	return 0;
}

/* Does the offsets file of @pid (0: self) show the model's offsets of @r? */
static int check_offsets_file(pid_t pid, const struct ns_rec *r,
			      const char *where)
{
	s64 mono = 0, boot = 0;
	char path[64];
	int ret;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/timens_offsets", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/timens_offsets");
	st_inc(ST_IDENT);
	ret = read_offsets(path, &mono, &boot);
	if (ret) {
		st_inc(ST_IDENT_BAD);
		report_fail("%s: reading %s: %s", where, path, strerror(-ret));
		return 1;
	}
	if (mono != r->mono || boot != r->boot) {
		st_inc(ST_IDENT_BAD);
		report_fail("%s: %s shows %lld/%lld ns, model %lld/%lld ns",
			    where, path, (long long)mono, (long long)boot,
			    (long long)r->mono, (long long)r->boot);
		return 1;
	}
	return 0;
}

/* The task's namespaces, and the offsets file, against the model. */
static int check_ident(u64 cur, u64 cfc, const char *where)
{
	u64 a = ns_ino("/proc/self/ns/time");
	u64 b = ns_ino("/proc/self/ns/time_for_children");
	const struct ns_rec *r;
	int bad = 0;

	st_inc(ST_IDENT);
	if (a != cur || b != cfc) {
		st_inc(ST_IDENT_BAD);
		report_fail("%s: time:[%llu] time_for_children:[%llu], model time:[%llu] time_for_children:[%llu]",
			    where, (unsigned long long)a, (unsigned long long)b,
			    (unsigned long long)cur, (unsigned long long)cfc);
		bad++;
	}
	r = rec_find(cfc);
	if (!r) {
		st_inc(ST_IDENT_BAD);
		report_fail("%s: model has no record of time:[%llu]", where,
			    (unsigned long long)cfc);
		return bad + 1;
	}
	return bad + check_offsets_file(0, r, where);
}

/* The offsets of namespace @ino, or -1 with a failure if it is unknown. */
static int model_offsets(u64 ino, s64 *mono, s64 *boot, const char *where)
{
	const struct ns_rec *r = rec_find(ino);

	if (!r) {
		st_inc(ST_OP_BAD);
		report_fail("%s: model has no record of time:[%llu]", where,
			    (unsigned long long)ino);
		return -1;
	}
	*mono = r->mono;
	*boot = r->boot;
	return 0;
}

/* A random offset that leaves the namespace clock valid. */
static s64 pick_offset(bool boot)
{
	s64 host = host_now(boot ? CK_BOOT : CK_MONO);
	s64 frac = rnd_below(NSEC_PER_SEC);

	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1: case 2: case 3: case 4:
		return (s64)(1 + rnd_below(1000000)) * NSEC_PER_SEC + frac;
	default:
		/* At most half of the host clock back, which is well > 0. */
		return -(s64)(rnd() % (u64)(host / 2 > 1 ? host / 2 : 1));
	}
}

enum { W_VALID, W_EINVAL, W_ERANGE };

struct offs_req {
	char	buf[256];
	int	len;
	int	kind;
	bool	mono_set, boot_set;
	s64	mono, boot;
	off_t	pos;
};

static int add_line(char *buf, int len, bool boot, s64 val)
{
	static const char * const seps[] = { " ", "\t", "  ", " \t " };
	const char *sep = seps[rnd_below(4)];
	struct timespec ts = ns_ts(val);
	const char *name;

	if (boot)
		name = rnd_below(3) ? "boottime" : "7";
	else
		name = rnd_below(3) ? "monotonic" : "1";
	return len + snprintf(buf + len, 256 - len, "%s%s%lld%s%ld\n", name,
			      sep, (long long)ts.tv_sec, sep, ts.tv_nsec);
}

/* A write of one to three lines, valid or invalid in a known way. */
static void gen_offsets(struct offs_req *q)
{
	static const char * const einval[] = {
		"monotonic 5 1000000000\n", "boottime 5 -1\n", "realtime 5 0\n",
		"0 5 0\n", "2 5 0\n", "monotonic 5\n", "boottime 5 0 0\n",
		"\n", "  \n\n", "monotonic 5x 0\n", "boottime 5 0x\n",
		"monotonic\n",
	};
	bool boot;
	s64 v;
	int i;

	memset(q, 0, sizeof(*q));
	q->kind = W_VALID;
	if (rnd_below(4) == 0)
		q->len = snprintf(q->buf, sizeof(q->buf), "\n");
	for (i = 1 + rnd_below(3); i > 0; i--) {
		boot = rnd_below(2);
		v = pick_offset(boot);
		q->len = add_line(q->buf, q->len, boot, v);
		if (boot) {
			q->boot_set = true;
			q->boot = v;
		} else {
			q->mono_set = true;
			q->mono = v;
		}
	}

	switch (rnd_below(10)) {
	case 0: case 1:
		q->kind = W_EINVAL;
		if (rnd_below(2))
			q->len = 0;
		i = rnd_below(ARRAY_SIZE(einval));
		/* A blank write has no offset at all: EINVAL, but not after lines. */
		if (rnd_below(2) || !einval[i][strspn(einval[i], " \n")])
			q->len = 0;
		q->len += snprintf(q->buf + q->len, sizeof(q->buf) - q->len,
				   "%s", einval[i]);
		break;
	case 2:
		q->kind = W_EINVAL;
		q->pos = 1 + rnd_below(8);
		break;
	case 3: case 4:
		q->kind = W_ERANGE;
		v = host_now(CK_BOOT) / NSEC_PER_SEC + 1000;
		switch (rnd_below(3)) {
		case 0:
			q->len += snprintf(q->buf + q->len, sizeof(q->buf) - q->len,
					   "monotonic 99999999999 0\n");
			break;
		case 1:
			q->len += snprintf(q->buf + q->len, sizeof(q->buf) - q->len,
					   "%s -%lld 0\n",
					   rnd_below(2) ? "boottime" : "monotonic",
					   (long long)v);
			break;
		default:
			q->len += snprintf(q->buf + q->len, sizeof(q->buf) - q->len,
					   "boottime 5000000000 0\n");
			break;
		}
		break;
	default:
		/* No trailing newline now and then. */
		if (rnd_below(3) == 0 && q->len > 1)
			q->len--;
		break;
	}
}

/* The expected errnos of a write: any of those that apply may come. */
static bool write_result_ok(const struct offs_req *q, bool entered, int err)
{
	if (q->kind == W_EINVAL)
		return err == EINVAL || (entered && err == EACCES);
	if (q->kind == W_ERANGE)
		return err == ERANGE || (entered && err == EACCES);
	return entered ? err == EACCES : err == 0;
}

/*
 * Write to /proc/@pid/timens_offsets, which acts on namespace @r (the
 * time_for_children of @pid), and check the result and what reads back.
 */
static int do_offsets_write(pid_t pid, struct ns_rec *r, bool own,
			    const char *where)
{
	char path[64], esc[160];
	struct offs_req q;
	ssize_t ret;
	int fd, err, bad = 0, rounds;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/timens_offsets", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/timens_offsets");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		op_fail("open timens_offsets for writing");
		return 1;
	}

	/* Sometimes a second write through the same file. */
	for (rounds = 1 + (rnd_below(4) == 0); rounds > 0; rounds--) {
		gen_offsets(&q);
		/* A seq_file has no pwrite(): move the file position. */
		if (q.pos && lseek(fd, q.pos, SEEK_SET) != q.pos) {
			op_fail("lseek(timens_offsets)");
			bad++;
			continue;
		}
		ret = write(fd, q.buf, q.len);
		err = ret < 0 ? errno : 0;
		if (q.pos)
			lseek(fd, 0, SEEK_SET);
		st_inc(ST_OFFW);
		switch (err) {
		case 0:
			st_inc(ST_OFFW_OK);
			break;
		case EACCES:
			st_inc(ST_OFFW_EACCES);
			break;
		case EINVAL:
			st_inc(ST_OFFW_EINVAL);
			break;
		case ERANGE:
			st_inc(ST_OFFW_ERANGE);
			break;
		}
		if (!write_result_ok(&q, r->entered, err) ||
		    (!err && ret != q.len)) {
			st_inc(ST_OFFW_BAD);
			bad++;
			report_fail("%s: write(%s, \"%s\"%s) = %zd (%s), namespace time:[%llu] %s, expected %s",
				    where, path,
				    escape(q.buf, q.len, esc, sizeof(esc)),
				    q.pos ? " at offset > 0" : "", ret,
				    strerror(err), (unsigned long long)r->ino,
				    r->entered ? "entered" : "not entered",
				    q.kind == W_EINVAL ? "EINVAL" :
				    q.kind == W_ERANGE ? "ERANGE" :
				    r->entered ? "EACCES" : "success");
		}
		if (!err && own && !r->entered) {
			if (q.mono_set)
				r->mono = q.mono;
			if (q.boot_set)
				r->boot = q.boot;
		}
		/* All or nothing: the file must show the model's offsets. */
		if (check_offsets_file(pid, r, where)) {
			st_inc(ST_OFFW_BAD);
			bad++;
		}
	}
	close(fd);
	return bad;
}

/* ---- Absolute timers ---- */

static void on_alarm(int sig)
{
}

static int do_abs_timer(const char *where)
{
	int ck = rnd_below(sh->alarm_timers ? 3 : 2);
	bool use_tfd = rnd_below(2);
	struct itimerspec its = { 0 };
	struct itimerval itv = { 0 };
	s64 exp, t, late = sh->late_ns;
	struct pollfd pfd;
	clockid_t id;
	u64 cnt;
	int fd, ret;

	if (ck == 2)
		ck = CK_ALARM;
	id = clk_desc[ck].id;
	exp = now_ns(id) + (2 + rnd_below(19)) * NSEC_PER_MSEC;
	st_inc(ST_TIMERS);

	if (use_tfd) {
		fd = timerfd_create(id, TFD_CLOEXEC);
		if (fd < 0) {
			st_inc(ST_TIMERS_BAD);
			report_fail("%s: timerfd_create(%s): %s", where,
				    clk_desc[ck].name, strerror(errno));
			return 1;
		}
		its.it_value = ns_ts(exp);
		if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL)) {
			st_inc(ST_TIMERS_BAD);
			report_fail("%s: timerfd_settime(%s, ABSTIME): %s", where,
				    clk_desc[ck].name, strerror(errno));
			close(fd);
			return 1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, late / NSEC_PER_MSEC + 1000);
		if (ret == 1)
			ret = read(fd, &cnt, sizeof(cnt)) == sizeof(cnt) && cnt >= 1;
		else
			ret = 0;
		close(fd);
	} else {
		struct timespec ts = ns_ts(exp);

		itv.it_value.tv_sec = late / NSEC_PER_SEC + 1;
		setitimer(ITIMER_REAL, &itv, NULL);
		ret = clock_nanosleep(id, TIMER_ABSTIME, &ts, NULL);
		memset(&itv, 0, sizeof(itv));
		setitimer(ITIMER_REAL, &itv, NULL);
		ret = ret == 0;
	}
	t = now_ns(id);

	if (!ret) {
		st_inc(ST_TIMERS_BAD);
		report_fail("%s: %s on %s at +%lld ms did not fire within %lld ms",
			    where, use_tfd ? "timerfd" : "clock_nanosleep",
			    clk_desc[ck].name, (long long)((exp - t) / NSEC_PER_MSEC),
			    (long long)(late / NSEC_PER_MSEC + 1000));
		return 1;
	}
	if (t < exp || t - exp > late) {
		st_inc(ST_TIMERS_BAD);
		report_fail("%s: %s on %s, expiry %lld, fired at %lld: %lld ns %s",
			    where, use_tfd ? "timerfd" : "clock_nanosleep",
			    clk_desc[ck].name, (long long)exp, (long long)t,
			    (long long)(t < exp ? exp - t : t - exp),
			    t < exp ? "early" : "late");
		return 1;
	}
	return 0;
}

/* ---- The reporting mode, run by execve() ---- */

static char exe_memfd[16], exe_wid[16], exe_op[16];

/* Fill @argv to re-execute this program as a reporter. */
static void reporter_argv(char *argv[], char store[][24], u64 exp, s64 mono,
			  s64 boot, int rfd, int afd)
{
	snprintf(exe_memfd, sizeof(exe_memfd), "%d", memfd);
	snprintf(exe_wid, sizeof(exe_wid), "%d", wid);
	snprintf(exe_op, sizeof(exe_op), "%u", ctx_op);
	snprintf(store[0], 24, "%llu", (unsigned long long)exp);
	snprintf(store[1], 24, "%lld", (long long)mono);
	snprintf(store[2], 24, "%lld", (long long)boot);
	snprintf(store[3], 24, "%d", rfd);
	snprintf(store[4], 24, "%d", afd);
	snprintf(store[5], 24, "%d", ctx_opkind);
	argv[0] = "fuzz_sequence";
	argv[1] = "--report";
	argv[2] = exe_memfd;
	argv[3] = exe_wid;
	argv[4] = exe_op;
	argv[5] = store[0];
	argv[6] = store[1];
	argv[7] = store[2];
	argv[8] = store[3];
	argv[9] = store[4];
	argv[10] = store[5];
	argv[11] = NULL;
}

static void map_shared(int fd)
{
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED)
		_exit(125);
}

/*
 * After execve(): in namespace @exp with its offsets, time_for_children
 * the same. Send what was found, then wait for the worker to pin the
 * namespace before going away.
 */
static int reporter_main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct report rep = { 0 };
	s64 mono, boot;
	int rfd, afd;
	char c;
	u64 exp;

	if (argc != 11)
		return 126;
	memfd = atoi(argv[2]);
	map_shared(memfd);
	init_rec.ino = sh->init_ino;
	wid = atoi(argv[3]);
	ctx_op = atoi(argv[4]);
	exp = strtoull(argv[5], NULL, 10);
	mono = strtoll(argv[6], NULL, 10);
	boot = strtoll(argv[7], NULL, 10);
	rfd = atoi(argv[8]);
	afd = atoi(argv[9]);
	ctx_opkind = atoi(argv[10]);
	ctx_role = "reporter";
	rnd_seed(getpid() ^ ctx_op);
	sigaction(SIGALRM, &sa, NULL);

	rep.cur = ns_ino("/proc/self/ns/time");
	rep.cfc = ns_ino("/proc/self/ns/time_for_children");
	rep.bad += check_ident(exp, exp, "after execve");
	rep.bad += check_clocks(mono, boot, "after execve");
	if (rnd_below(3) == 0)
		rep.bad += do_abs_timer("after execve");
	/* Entered by the execve() itself: the offsets are fixed. */
	if (rnd_below(2)) {
		struct ns_rec r = { .ino = exp, .mono = mono, .boot = boot,
				    .entered = 1 };

		rep.bad += do_offsets_write(0, &r, false, "after execve");
	}
	st_inc(ST_EXECS);
	if (write(rfd, &rep, sizeof(rep)) != sizeof(rep))
		return 124;
	while (read(afd, &c, 1) < 0 && errno == EINTR)
		;
	return rep.bad ? 1 : 0;
}

/*
 * The worker's side of a reporter @pid: check what it found against @exp,
 * pin its namespace, let it go and reap it.
 */
static void reporter_collect(pid_t pid, int rfd, int afd, u64 exp)
{
	struct report rep;
	ssize_t n;
	int status;

	n = read(rfd, &rep, sizeof(rep));
	close(rfd);
	if (n == sizeof(rep)) {
		st_inc(ST_IDENT);
		if (rep.cur != exp || rep.cfc != exp) {
			st_inc(ST_IDENT_BAD);
			report_fail("reporter after execve in time:[%llu] time_for_children:[%llu], model time:[%llu]",
				    (unsigned long long)rep.cur,
				    (unsigned long long)rep.cfc,
				    (unsigned long long)exp);
		}
		pin_child_ns(pid, rep.cur);
	}
	close(afd);
	if (waitpid(pid, &status, 0) != pid) {
		op_fail("waitpid reporter");
		return;
	}
	if (n != sizeof(rep) || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
		st_inc(ST_OP_BAD);
		report_fail("reporter: no report (%zd bytes), status 0x%x",
			    n, status);
	}
}

/* ---- Operations of a worker ---- */

#define SKIP	(-1)

static int op_read(void)
{
	s64 mono, boot;

	if (model_offsets(m_cur, &mono, &boot, "read"))
		return 0;
	check_clocks(mono, boot, "worker");
	return 0;
}

static int op_unshare(void)
{
	struct ns_rec *old;
	u64 cur, cfc;
	int fd;

	if (!can_create())
		return SKIP;
	old = rec_find(m_cfc);
	if (!old)
		return SKIP;
	if (unshare(CLONE_NEWTIME)) {
		op_fail("unshare(CLONE_NEWTIME)");
		return 0;
	}
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	cfc = fd_ino(fd);
	cur = ns_ino("/proc/self/ns/time");
	st_inc(ST_IDENT);
	if (fd < 0 || cur != m_cur || cfc == m_cfc || cfc == m_cur) {
		st_inc(ST_IDENT_BAD);
		report_fail("after unshare: time:[%llu] time_for_children:[%llu], before time:[%llu] time_for_children:[%llu]",
			    (unsigned long long)cur, (unsigned long long)cfc,
			    (unsigned long long)m_cur,
			    (unsigned long long)m_cfc);
	}
	if (fd < 0)
		return 0;
	/* A new namespace starts with the offsets of the one it came from. */
	rec_add(cfc, old->mono, old->boot, 0);
	pin_fd(fd);
	m_cfc = cfc;
	check_ident(m_cur, m_cfc, "after unshare");
	return 0;
}

static void holder_add(pid_t pid, u64 ino)
{
	holders[nholders].pid = pid;
	holders[nholders].ino = ino;
	__atomic_store_n(&sh->w[wid].holder[nholders], pid, __ATOMIC_RELEASE);
	nholders++;
}

/* A child that stays in its namespace as a target for setns(). */
static void become_holder(pid_t worker, int wfd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != worker)
		_exit(0);
	if (write(wfd, "h", 1) != 1)
		_exit(0);
	for (;;)
		pause();
}

/* Child-side checks of a child in namespace @ns. */
static void child_checks(u64 ns, const char *where)
{
	struct ns_rec *r = rec_find(ns);

	m_cur = m_cfc = ns;
	check_ident(ns, ns, where);
	if (r) {
		check_clocks(r->mono, r->boot, where);
		if (rnd_below(3) == 0)
			do_offsets_write(0, r, false, where);
	}
	if (rnd_below(4) == 0)
		do_abs_timer(where);
}

static int op_fork(void)
{
	bool hold = nholders < MAX_HOLDERS && rnd_below(2);
	pid_t pid, worker = getpid();
	struct ns_rec *x = rec_find(m_cfc);
	int p[2], status;
	char c;

	if (!x)
		return SKIP;
	if (pipe2(p, O_CLOEXEC)) {
		op_fail("pipe");
		return 0;
	}
	/* The child enters our time_for_children, before its checks. */
	x->entered = 1;
	pid = fork();
	if (pid < 0) {
		op_fail("fork");
		close(p[0]);
		close(p[1]);
		return 0;
	}
	if (pid == 0) {
		ctx_role = "fork child";
		close(p[0]);
		child_checks(m_cfc, "fork child");
		if (hold)
			become_holder(worker, p[1]);
		_exit(0);
	}
	close(p[1]);
	if (hold) {
		if (read(p[0], &c, 1) == 1) {
			holder_add(pid, m_cfc);
		} else {
			waitpid(pid, &status, 0);
			st_inc(ST_OP_BAD);
			report_fail("holder died, status 0x%x", status);
		}
	} else if (waitpid(pid, &status, 0) != pid || status) {
		st_inc(ST_OP_BAD);
		report_fail("fork child status 0x%x", status);
	}
	close(p[0]);
	return 0;
}

static int op_clone3(void)
{
	bool hold = nholders < MAX_HOLDERS && rnd_below(2);
	struct clone_args args = {
		.flags		= CLONE_NEWTIME,
		.exit_signal	= SIGCHLD,
	};
	struct ns_rec *x = rec_find(m_cfc);
	pid_t pid, worker = getpid();
	int rp[2], ap[2], status;
	u64 ino = 0;
	char c;

	if (!x || !can_create())
		return SKIP;
	if (pipe2(rp, O_CLOEXEC))
		return SKIP;
	if (pipe2(ap, O_CLOEXEC)) {
		close(rp[0]);
		close(rp[1]);
		return SKIP;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		op_fail("clone3(CLONE_NEWTIME)");
		goto out;
	}
	if (pid == 0) {
		u64 a = ns_ino("/proc/self/ns/time");
		u64 b = ns_ino("/proc/self/ns/time_for_children");

		ctx_role = "clone3 child";
		close(rp[0]);
		close(ap[1]);
		st_inc(ST_IDENT);
		if (a != b || a == m_cur || a == m_cfc) {
			st_inc(ST_IDENT_BAD);
			report_fail("clone3(CLONE_NEWTIME) child in time:[%llu] time_for_children:[%llu], parent time:[%llu] time_for_children:[%llu]",
				    (unsigned long long)a, (unsigned long long)b,
				    (unsigned long long)m_cur,
				    (unsigned long long)m_cfc);
		}
		/* The parent waits for us: we may add to its records. */
		rec_add(a, x->mono, x->boot, 1);
		if (write(rp[1], &a, sizeof(a)) != sizeof(a))
			_exit(2);
		if (read(ap[0], &c, 1) != 1)
			_exit(2);
		child_checks(a, "clone3 child");
		if (hold)
			become_holder(worker, rp[1]);
		_exit(0);
	}
	close(rp[1]);
	close(ap[0]);
	rp[1] = ap[0] = -1;
	if (read(rp[0], &ino, sizeof(ino)) == sizeof(ino)) {
		pin_child_ns(pid, ino);
		if (write(ap[1], "a", 1) != 1)
			op_fail("ack clone3 child");
	}
	if (hold && ino && read(rp[0], &c, 1) == 1) {
		holder_add(pid, ino);
	} else if (waitpid(pid, &status, 0) != pid || status || !ino) {
		st_inc(ST_OP_BAD);
		report_fail("clone3 child status 0x%x", status);
	}
	/* Our time_for_children was not entered: it must still be writable. */
	check_ident(m_cur, m_cfc, "after clone3");
out:
	close(rp[0]);
	if (rp[1] >= 0)
		close(rp[1]);
	if (ap[0] >= 0)
		close(ap[0]);
	close(ap[1]);
	return 0;
}

#ifdef __x86_64__
/*
 * clone3() with CLONE_VM: the child must not return through the C code of
 * its parent's stack, so it starts @fn on a stack of its own.
 */
static long clone3_vm(struct clone_args *args, int (*fn)(void *), void *arg)
{
	register long r12 asm("r12") = (long)fn;
	register long r13 asm("r13") = (long)arg;
	long ret;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "xor %%ebp, %%ebp\n\t"
		     "mov %%r13, %%rdi\n\t"
		     "call *%%r12\n\t"
		     "mov %%eax, %%edi\n\t"
		     "mov %[nr_exit], %%eax\n\t"
		     "syscall\n\t"
		     "ud2\n"
		     "1:"
		     : "=a" (ret)
		     : "0" ((long)SYS_clone3), "D" (args), "S" (sizeof(*args)),
		       "r" (r12), "r" (r13), [nr_exit] "i" (SYS_exit_group)
		     : "rcx", "r11", "memory");
	return ret;
}
#endif

struct vm_child {
	u64	pre_cur, pre_cfc;
	s64	mono, boot;
	int	wrote, werr;
	int	rfd, afd;
	char	*argv[12];
	char	store[6][24];
};

static char vm_stack[64 * 1024] __attribute__((aligned(16)));

/*
 * The CLONE_VM child, on its own stack and sharing the memory of the
 * worker, which sleeps until the execve(): still in the worker's
 * namespace, with a new, unentered time_for_children whose offsets it may
 * set before the execve() enters it.
 */
static int vm_child_fn(void *arg)
{
	struct vm_child *vc = arg;
	char buf[64];
	int fd, len;

	vc->pre_cur = ns_ino("/proc/self/ns/time");
	vc->pre_cfc = ns_ino("/proc/self/ns/time_for_children");
	if (vc->wrote) {
		struct timespec m = ns_ts(vc->mono), b = ns_ts(vc->boot);

		len = snprintf(buf, sizeof(buf), "monotonic %lld %ld\nboottime %lld %ld\n",
			       (long long)m.tv_sec, m.tv_nsec,
			       (long long)b.tv_sec, b.tv_nsec);
		fd = open("/proc/self/timens_offsets", O_WRONLY);
		vc->werr = 0;
		if (fd < 0 || write(fd, buf, len) != len)
			vc->werr = errno;
		if (fd >= 0)
			close(fd);
		if (vc->werr)
			return 127;
	}
	rec_add(vc->pre_cfc, vc->mono, vc->boot, 1);
	reporter_argv(vc->argv, vc->store, vc->pre_cfc, vc->mono, vc->boot,
		      vc->rfd, vc->afd);
	execve("/proc/self/exe", vc->argv, environ);
	return 127;
}

static int op_clone3_vm(void)
{
#ifdef __x86_64__
	struct clone_args args = {
		.flags		= CLONE_NEWTIME | CLONE_VM | CLONE_VFORK,
		.exit_signal	= SIGCHLD,
		.stack		= (uintptr_t)vm_stack,
		.stack_size	= sizeof(vm_stack),
	};
	static struct vm_child vc;
	struct ns_rec *x = rec_find(m_cfc);
	int rp[2], ap[2];
	long pid;

	if (!x || !can_create())
		return SKIP;
	if (pipe(rp))
		return SKIP;
	if (pipe(ap)) {
		close(rp[0]);
		close(rp[1]);
		return SKIP;
	}
	fcntl(rp[0], F_SETFD, FD_CLOEXEC);
	fcntl(ap[1], F_SETFD, FD_CLOEXEC);
	memset(&vc, 0, sizeof(vc));
	vc.rfd = rp[1];
	vc.afd = ap[0];
	vc.mono = x->mono;
	vc.boot = x->boot;
	if (rnd_below(2)) {
		vc.wrote = 1;
		vc.mono = pick_offset(false);
		vc.boot = pick_offset(true);
	}
	pid = clone3_vm(&args, vm_child_fn, &vc);
	close(rp[1]);
	close(ap[0]);
	if (pid < 0) {
		op_fail("clone3(CLONE_NEWTIME | CLONE_VM | CLONE_VFORK)");
		close(rp[0]);
		close(ap[1]);
		return 0;
	}
	st_inc(ST_IDENT);
	if (vc.pre_cur != m_cur || vc.pre_cfc == m_cfc || vc.pre_cfc == m_cur ||
	    !vc.pre_cfc) {
		st_inc(ST_IDENT_BAD);
		report_fail("CLONE_VM child before execve in time:[%llu] time_for_children:[%llu], parent time:[%llu] time_for_children:[%llu]",
			    (unsigned long long)vc.pre_cur,
			    (unsigned long long)vc.pre_cfc,
			    (unsigned long long)m_cur,
			    (unsigned long long)m_cfc);
	}
	if (vc.wrote && vc.werr) {
		st_inc(ST_OFFW);
		st_inc(ST_OFFW_BAD);
		report_fail("CLONE_VM child: offsets write to its new time_for_children: %s",
			    strerror(vc.werr));
	} else if (vc.wrote) {
		st_inc(ST_OFFW);
		st_inc(ST_OFFW_OK);
	}
	reporter_collect(pid, rp[0], ap[1], vc.pre_cfc);
	check_ident(m_cur, m_cfc, "after clone3 CLONE_VM");
	return 0;
#else
	return SKIP;
#endif
}

static int op_exec(void)
{
	bool new_ns = can_create() && rnd_below(2);
	char *argv[12], store[6][24];
	struct ns_rec *x = rec_find(m_cfc);
	int rp[2], ap[2];
	s64 mono, boot;
	u64 exp;
	pid_t pid;

	if (!x)
		return SKIP;
	if (pipe(rp))
		return SKIP;
	if (pipe(ap)) {
		close(rp[0]);
		close(rp[1]);
		return SKIP;
	}
	fcntl(rp[0], F_SETFD, FD_CLOEXEC);
	fcntl(ap[1], F_SETFD, FD_CLOEXEC);
	/* The child enters our time_for_children. */
	x->entered = 1;
	pid = fork();
	if (pid < 0) {
		op_fail("fork");
		close(rp[0]);
		close(rp[1]);
		close(ap[0]);
		close(ap[1]);
		return 0;
	}
	if (pid == 0) {
		ctx_role = "exec child";
		m_cur = m_cfc;
		exp = m_cfc;
		mono = x->mono;
		boot = x->boot;
		if (new_ns) {
			struct ns_rec *r;

			if (unshare(CLONE_NEWTIME)) {
				op_fail("unshare(CLONE_NEWTIME) in child");
				_exit(2);
			}
			exp = ns_ino("/proc/self/ns/time_for_children");
			/* The worker waits for us: we may add to its records. */
			r = rec_add(exp, mono, boot, 0);
			check_ident(m_cur, exp, "exec child after unshare");
			if (r && rnd_below(3))
				do_offsets_write(0, r, true, "exec child after unshare");
			if (r) {
				mono = r->mono;
				boot = r->boot;
				r->entered = 1;
			}
		}
		reporter_argv(argv, store, exp, mono, boot, rp[1], ap[0]);
		execve("/proc/self/exe", argv, environ);
		op_fail("execve");
		_exit(127);
	}
	close(rp[1]);
	close(ap[0]);
	if (new_ns) {
		/* Only the reporter knows its namespace: take it from there. */
		struct report rep;
		int status;
		ssize_t n = read(rp[0], &rep, sizeof(rep));

		close(rp[0]);
		if (n == sizeof(rep)) {
			st_inc(ST_IDENT);
			if (rep.cur != rep.cfc || rep.cur == m_cur ||
			    rep.cur == m_cfc || !rec_find(rep.cur)) {
				st_inc(ST_IDENT_BAD);
				report_fail("reporter after unshare + execve in time:[%llu] time_for_children:[%llu], parent's child in time:[%llu]",
					    (unsigned long long)rep.cur,
					    (unsigned long long)rep.cfc,
					    (unsigned long long)m_cfc);
			}
			pin_child_ns(pid, rep.cur);
		}
		close(ap[1]);
		waitpid(pid, &status, 0);
		if (n != sizeof(rep) || !WIFEXITED(status) ||
		    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
			st_inc(ST_OP_BAD);
			report_fail("reporter: no report (%zd bytes), status 0x%x",
				    n, status);
		}
	} else {
		reporter_collect(pid, rp[0], ap[1], m_cfc);
	}
	return 0;
}

static int op_vfork_exec(void)
{
	char *argv[12], store[6][24];
	struct ns_rec *x = rec_find(m_cfc);
	/* Written by the vfork() child, which borrows our memory and stack. */
	static volatile u64 vf_cur, vf_cfc;
	int rp[2], ap[2];
	pid_t pid;

	if (!x)
		return SKIP;
	if (pipe(rp))
		return SKIP;
	if (pipe(ap)) {
		close(rp[0]);
		close(rp[1]);
		return SKIP;
	}
	fcntl(rp[0], F_SETFD, FD_CLOEXEC);
	fcntl(ap[1], F_SETFD, FD_CLOEXEC);
	reporter_argv(argv, store, m_cfc, x->mono, x->boot, rp[1], ap[0]);
	vf_cur = vf_cfc = 0;
	pid = vfork();
	if (pid == 0) {
		vf_cur = ns_ino("/proc/self/ns/time");
		vf_cfc = ns_ino("/proc/self/ns/time_for_children");
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	close(rp[1]);
	close(ap[0]);
	if (pid < 0) {
		op_fail("vfork");
		close(rp[0]);
		close(ap[1]);
		return 0;
	}
	/* The execve() entered our time_for_children. */
	x->entered = 1;
	st_inc(ST_IDENT);
	if (vf_cur != m_cur || vf_cfc != m_cfc) {
		st_inc(ST_IDENT_BAD);
		report_fail("vfork child before execve in time:[%llu] time_for_children:[%llu], model time:[%llu] time_for_children:[%llu]",
			    (unsigned long long)vf_cur,
			    (unsigned long long)vf_cfc,
			    (unsigned long long)m_cur,
			    (unsigned long long)m_cfc);
	}
	reporter_collect(pid, rp[0], ap[1], m_cfc);
	check_ident(m_cur, m_cfc, "after vfork + execve");
	return 0;
}

/* setns() has moved us into @ino: check it at once, clocks first. */
static void after_setns(u64 ino, const char *where)
{
	struct ns_rec *r = rec_find(ino);

	m_cur = m_cfc = ino;
	if (r)
		check_clocks(r->mono, r->boot, where);
	check_ident(m_cur, m_cfc, where);
}

static int op_setns_path(void)
{
	int k = rnd_below(sh->nr_workers), fd, flags;
	const char *file = "time";
	struct ns_rec *r;
	char path[80];
	bool own = false;
	pid_t pid;
	u64 ino;

	switch (rnd_below(5)) {
	case 0:
		pid = sh->parent;
		break;
	case 1:
		pid = __atomic_load_n(&sh->w[k].pid, __ATOMIC_ACQUIRE);
		break;
	case 2:
		pid = __atomic_load_n(&sh->w[k].holder[rnd_below(MAX_HOLDERS)],
				      __ATOMIC_ACQUIRE);
		break;
	case 3:
		file = "time_for_children";
		/* fall through */
	default:
		if (!nholders)
			return SKIP;
		pid = holders[rnd_below(nholders)].pid;
		own = true;
		break;
	}
	if (!pid || pid == getpid())
		return SKIP;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (own)
			op_fail("open own holder's ns file");
		else
			st_inc(ST_SKIPPED);
		return own ? 0 : SKIP;
	}
	/* The file pins the namespace: its inode names it for good. */
	ino = fd_ino(fd);
	r = rec_find(ino);
	if (!r) {
		st_inc(ST_SETNS_UNKNOWN);
		close(fd);
		return SKIP;
	}
	flags = rnd_below(2) ? CLONE_NEWTIME : 0;
	if (setns(fd, flags)) {
		op_fail("setns(/proc/PID/ns/time)");
		close(fd);
		return 0;
	}
	close(fd);
	after_setns(ino, "after setns by path");
	return 0;
}

static int op_setns_pidfd(void)
{
	int i = rnd_below(nholders + 1), pidfd;
	pid_t pid;
	u64 ino;

	if (i == nholders) {
		pid = sh->parent;
		ino = sh->init_ino;
	} else {
		pid = holders[i].pid;
		ino = holders[i].ino;
	}
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		op_fail("pidfd_open");
		return 0;
	}
	if (setns(pidfd, CLONE_NEWTIME)) {
		op_fail("setns(pidfd, CLONE_NEWTIME)");
		close(pidfd);
		return 0;
	}
	close(pidfd);
	after_setns(ino, "after setns by pidfd");
	return 0;
}

/* Enter our own time_for_children by setns(), which fixes its offsets. */
static int op_setns_cfc(void)
{
	struct ns_rec *r;
	int fd;
	u64 ino;

	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		op_fail("open time_for_children");
		return 0;
	}
	ino = fd_ino(fd);
	st_inc(ST_IDENT);
	if (ino != m_cfc) {
		st_inc(ST_IDENT_BAD);
		report_fail("time_for_children is time:[%llu], model time:[%llu]",
			    (unsigned long long)ino, (unsigned long long)m_cfc);
	}
	if (setns(fd, CLONE_NEWTIME)) {
		op_fail("setns(time_for_children)");
		close(fd);
		return 0;
	}
	close(fd);
	r = rec_find(ino);
	if (r)
		r->entered = 1;
	after_setns(ino, "after setns to time_for_children");
	return 0;
}

/* A time namespace file with another nstype: EINVAL, nothing changes. */
static int op_setns_bad(void)
{
	static const int types[] = { CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWPID,
				     CLONE_NEWIPC };
	int fd, ret, type = types[rnd_below(4)];

	fd = open(rnd_below(2) ? "/proc/self/ns/time" :
		  "/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		op_fail("open ns/time");
		return 0;
	}
	ret = setns(fd, type);
	if (ret == 0 || errno != EINVAL) {
		st_inc(ST_OP_BAD);
		report_fail("setns(time ns file, 0x%x) = %d (%s), expected EINVAL",
			    type, ret, strerror(errno));
	}
	close(fd);
	check_ident(m_cur, m_cfc, "after setns with a wrong type");
	return 0;
}

static int op_write_offs(void)
{
	struct ns_rec *r;
	pid_t pid = 0;
	int i;

	switch (rnd_below(6)) {
	case 0:
		if (!nholders)
			return SKIP;
		i = rnd_below(nholders);
		pid = holders[i].pid;
		r = rec_find(holders[i].ino);
		break;
	case 1:
		pid = sh->parent;
		r = rec_find(sh->init_ino);
		break;
	default:
		r = rec_find(m_cfc);
		break;
	}
	if (!r)
		return SKIP;
	do_offsets_write(pid, r, !pid, pid ? "write to another task's file" :
			 "write to own file");
	return 0;
}

static int op_timer(void)
{
	do_abs_timer("worker");
	return 0;
}

static void holder_kill(int i)
{
	int status;

	__atomic_store_n(&sh->w[wid].holder[i], 0, __ATOMIC_RELEASE);
	kill(holders[i].pid, SIGKILL);
	if (waitpid(holders[i].pid, &status, 0) != holders[i].pid ||
	    !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		st_inc(ST_OP_BAD);
		report_fail("holder %d ended with status 0x%x", holders[i].pid,
			    status);
	}
	nholders--;
	if (i != nholders) {
		holders[i] = holders[nholders];
		__atomic_store_n(&sh->w[wid].holder[i], holders[i].pid,
				 __ATOMIC_RELEASE);
		__atomic_store_n(&sh->w[wid].holder[nholders], 0, __ATOMIC_RELEASE);
	}
}

static int op_kill_holder(void)
{
	if (!nholders)
		return SKIP;
	holder_kill(rnd_below(nholders));
	return 0;
}

static int (* const op_fn[NR_OPS])(void) = {
	[OP_READ]	 = op_read,
	[OP_UNSHARE]	 = op_unshare,
	[OP_WRITE_OFFS]	 = op_write_offs,
	[OP_FORK]	 = op_fork,
	[OP_CLONE3]	 = op_clone3,
	[OP_CLONE3_VM]	 = op_clone3_vm,
	[OP_SETNS_PATH]	 = op_setns_path,
	[OP_SETNS_PIDFD] = op_setns_pidfd,
	[OP_SETNS_CFC]	 = op_setns_cfc,
	[OP_SETNS_BAD]	 = op_setns_bad,
	[OP_EXEC]	 = op_exec,
	[OP_VFORK_EXEC]	 = op_vfork_exec,
	[OP_TIMER]	 = op_timer,
	[OP_KILL_HOLDER] = op_kill_holder,
};

static int pick_op(void)
{
	unsigned int total = 0, r;
	int i;

	for (i = 0; i < NR_OPS; i++)
		total += op_desc[i].weight;
	r = rnd_below(total);
	for (i = 0; i < NR_OPS; i++) {
		if (r < op_desc[i].weight)
			return i;
		r -= op_desc[i].weight;
	}
	return OP_READ;
}

static void worker_main(u64 seed, unsigned int ops, s64 deadline)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct wslot *ws = &sh->w[wid];
	int op, tries, i;

	ctx_role = "worker";
	rnd_seed(seed + wid);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	m_cur = m_cfc = sh->init_ino;
	check_ident(m_cur, m_cfc, "worker start");

	for (ctx_op = 0; ctx_op < ops; ctx_op++) {
		if (now_ns(CLOCK_REALTIME) > deadline ||
		    __atomic_load_n(&sh->stop, __ATOMIC_RELAXED))
			break;
		for (tries = 0; tries < 20; tries++) {
			op = pick_op();
			ctx_opkind = op;
			if (op_fn[op]() != SKIP)
				break;
		}
		ws->opcnt[op]++;
		st_inc(ST_OPS);
		if (rnd_below(4) == 0)
			check_ident(m_cur, m_cfc, "after operation");
	}
	ctx_opkind = -1;

	while (nholders)
		holder_kill(nholders - 1);
	__atomic_store_n(&ws->done, 1, __ATOMIC_RELEASE);
	/* Keep our pins until every worker is done: no inode may be reused. */
	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE))
		usleep(10000);
	for (i = 0; i < npins; i++)
		close(pins[i]);
	_exit(0);
}

/* ---- The parent ---- */

static u64 sum_st(int c)
{
	u64 s = 0;
	int k;

	for (k = 0; k < sh->nr_workers; k++)
		s += sh->w[k].st[c];
	return s;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int main(int argc, char *argv[])
{
	const char *s_seed = env_or("TIMENS_FUZZ_SEED", NULL);
	const char *s_ops = env_or("TIMENS_FUZZ_OPS", NULL);
	const char *s_budget = env_or("TIMENS_FUZZ_BUDGET", NULL);
	const char *s_workers = env_or("TIMENS_FUZZ_WORKERS", NULL);
	const char *s_late = env_or("TIMENS_FUZZ_LATE_MS", NULL);
	unsigned int ops = DEF_OPS, nw = DEF_WORKERS, done_ops, k, i;
	double budget = DEF_BUDGET_S, elapsed;
	s64 start, deadline, hard;
	u64 seed = DEF_SEED, reads, bad;
	int opt, status, alive;
	struct rlimit rl;
	bool hung = false;
	struct timespec ts;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--report"))
		return reporter_main(argc, argv);

	while ((opt = getopt(argc, argv, "s:n:t:w:")) != -1) {
		switch (opt) {
		case 's':
			s_seed = optarg;
			break;
		case 'n':
			s_ops = optarg;
			break;
		case 't':
			s_budget = optarg;
			break;
		case 'w':
			s_workers = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-t SECONDS] [-w WORKERS]\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}
	if (s_seed)
		seed = strtoull(s_seed, NULL, 0);
	if (s_ops)
		ops = strtoul(s_ops, NULL, 0);
	if (s_budget)
		budget = strtod(s_budget, NULL);
	if (s_workers)
		nw = strtoul(s_workers, NULL, 0);
	if (nw < 1)
		nw = 1;
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;

	ksft_print_header();
	if (access("/proc/self/ns/time", F_OK))
		ksft_exit_skip("time namespaces absent: no /proc/self/ns/time\n");
	if (geteuid())
		ksft_exit_skip("needs root\n");
	ksft_set_plan(5);

	memfd = memfd_create("fuzz_sequence", 0);
	if (memfd < 0 || ftruncate(memfd, sizeof(*sh)))
		ksft_exit_fail_msg("memfd: %s\n", strerror(errno));
	map_shared(memfd);
	sh->parent = getpid();
	sh->init_ino = ns_ino("/proc/self/ns/time");
	init_rec.ino = sh->init_ino;
	sh->nr_workers = nw;
	sh->late_ns = (s_late ? strtoll(s_late, NULL, 0) : DEF_LATE_MS) *
		      NSEC_PER_MSEC;
	for (i = 0; i < NR_CK; i++)
		sh->has[i] = clock_gettime(clk_desc[i].id, &ts) == 0;
	opt = timerfd_create(CLOCK_BOOTTIME_ALARM, TFD_CLOEXEC);
	sh->alarm_timers = opt >= 0 && sh->has[CK_ALARM];
	if (opt >= 0)
		close(opt);

	/* Room for the pins. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < MAX_PINS + 64) {
		rl.rlim_cur = rl.rlim_max < MAX_PINS + 64 ? rl.rlim_max : MAX_PINS + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	ksft_print_msg("seed 0x%llx (-s SEED or TIMENS_FUZZ_SEED), %u operations over %u workers, budget %.1f s, late limit %lld ms\n",
		       (unsigned long long)seed, ops, nw, budget,
		       (long long)(sh->late_ns / NSEC_PER_MSEC));
	ksft_print_msg("clocks:%s%s%s%s%s; CLOCK_BOOTTIME_ALARM timers %s; vDSO %s\n",
		       sh->has[CK_MONO] ? " MONOTONIC" : "",
		       sh->has[CK_BOOT] ? " BOOTTIME" : "",
		       sh->has[CK_RAW] ? " MONOTONIC_RAW" : "",
		       sh->has[CK_COARSE] ? " MONOTONIC_COARSE" : "",
		       sh->has[CK_ALARM] ? " BOOTTIME_ALARM" : "",
		       sh->alarm_timers ? "yes" : "no",
		       getauxval(AT_SYSINFO_EHDR) ? "mapped" : "absent");
	calibrate();
	fflush(stdout);

	start = now_ns(CLOCK_REALTIME);
	deadline = start + (s64)(budget * NSEC_PER_SEC);
	hard = deadline + GRACE_S * NSEC_PER_SEC;
	for (k = 0; k < nw; k++) {
		pid = fork();
		if (pid < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		if (pid == 0) {
			wid = k;
			sh->w[k].pid = getpid();
			worker_main(seed, (ops + nw - 1 - k) / nw, deadline);
		}
		sh->w[k].pid = pid;
	}

	for (;;) {
		usleep(CAL_PERIOD_US);
		calibrate();
		alive = 0;
		for (k = 0; k < nw; k++) {
			if (sh->w[k].exited)
				continue;
			if (waitpid(sh->w[k].pid, &status, WNOHANG) == sh->w[k].pid) {
				sh->w[k].exited = 1;
				if (!WIFEXITED(status) || WEXITSTATUS(status)) {
					sh->w[k].st[ST_OP_BAD]++;
					ksft_print_msg("worker %u ended with status 0x%x\n",
						       k, status);
				}
				continue;
			}
			if (!__atomic_load_n(&sh->w[k].done, __ATOMIC_ACQUIRE))
				alive++;
		}
		if (!alive)
			break;
		if (now_ns(CLOCK_REALTIME) > hard) {
			hung = true;
			ksft_print_msg("%d workers still busy %d s after the budget: killing them\n",
				       alive, GRACE_S);
			for (k = 0; k < nw; k++)
				if (!sh->w[k].exited)
					kill(sh->w[k].pid, SIGKILL);
			break;
		}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (k = 0; k < nw; k++) {
		if (sh->w[k].exited)
			continue;
		waitpid(sh->w[k].pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			sh->w[k].st[ST_OP_BAD]++;
			if (!hung)
				ksft_print_msg("worker %u ended with status 0x%x\n",
					       k, status);
		}
	}
	elapsed = (now_ns(CLOCK_REALTIME) - start) / 1e9;
	if (hung)
		sh->w[0].st[ST_OP_BAD]++;

	done_ops = sum_st(ST_OPS);
	ksft_print_msg("%u of %u operations done in %.1f s%s\n", done_ops, ops,
		       elapsed, done_ops < ops ? " (stopped by the time budget)" : "");
	{
		char buf[512];
		int n = 0;

		for (i = 0; i < NR_OPS; i++) {
			u64 c = 0;

			for (k = 0; k < nw; k++)
				c += sh->w[k].opcnt[i];
			n += snprintf(buf + n, sizeof(buf) - n, " %s=%llu",
				      op_desc[i].name, (unsigned long long)c);
		}
		ksft_print_msg("operations:%s\n", buf);
	}
	{
		s64 maxdev = 0;

		for (k = 0; k < nw; k++)
			if (sh->w[k].maxdev > maxdev)
				maxdev = sh->w[k].maxdev;
		reads = sum_st(ST_READS);
		ksft_print_msg("clock reads: %llu (vDSO %llu, syscall %llu), largest deviation of a good read %lld ns, tolerance %lld ns + calibration error; %llu calibrations, %llu jumps\n",
			       (unsigned long long)reads,
			       (unsigned long long)sum_st(ST_READS_VDSO),
			       (unsigned long long)sum_st(ST_READS_SYS),
			       (long long)maxdev, (long long)TOL_NS,
			       (unsigned long long)sh->cal_updates,
			       (unsigned long long)sh->cal_jumps);
	}
	ksft_print_msg("re-executed reporters: %llu; setns targets not in the model (skipped): %llu; other skips: %llu; failure lines: %d (at most %d printed)\n",
		       (unsigned long long)sum_st(ST_EXECS),
		       (unsigned long long)sum_st(ST_SETNS_UNKNOWN),
		       (unsigned long long)sum_st(ST_SKIPPED), sh->nfail,
		       MAX_FAIL_MSGS);

	bad = sum_st(ST_READS_BAD);
	ksft_test_result(reads && !bad, "seq_clock_reads_match_model (%llu reads, %llu bad)\n",
			 (unsigned long long)reads, (unsigned long long)bad);
	ksft_test_result(sum_st(ST_IDENT) && !sum_st(ST_IDENT_BAD),
			 "seq_ns_identity_matches_model (%llu checks, %llu bad)\n",
			 (unsigned long long)sum_st(ST_IDENT),
			 (unsigned long long)sum_st(ST_IDENT_BAD));
	if (sum_st(ST_TIMERS))
		ksft_test_result(!sum_st(ST_TIMERS_BAD),
				 "seq_abs_timers_fire_in_ns_time (%llu timers, %llu bad)\n",
				 (unsigned long long)sum_st(ST_TIMERS),
				 (unsigned long long)sum_st(ST_TIMERS_BAD));
	else
		ksft_test_result_skip("seq_abs_timers_fire_in_ns_time (no timer within the budget)\n");
	ksft_print_msg("offsets writes: %llu: success %llu, EACCES %llu, EINVAL %llu, ERANGE %llu\n",
		       (unsigned long long)sum_st(ST_OFFW),
		       (unsigned long long)sum_st(ST_OFFW_OK),
		       (unsigned long long)sum_st(ST_OFFW_EACCES),
		       (unsigned long long)sum_st(ST_OFFW_EINVAL),
		       (unsigned long long)sum_st(ST_OFFW_ERANGE));
	ksft_test_result(sum_st(ST_OFFW) && !sum_st(ST_OFFW_BAD),
			 "seq_offsets_writes_errno (%llu writes, %llu bad)\n",
			 (unsigned long long)sum_st(ST_OFFW),
			 (unsigned long long)sum_st(ST_OFFW_BAD));
	ksft_test_result(done_ops && !sum_st(ST_OP_BAD),
			 "seq_operations_succeed (%u operations, %llu failed)\n",
			 done_ops, (unsigned long long)sum_st(ST_OP_BAD));
	ksft_finished();
}
