// SPDX-License-Identifier: GPL-2.0
/*
 * timens_exit_order: the order in which tasks, mms and time namespaces go
 * away, and which namespace converts io_uring's absolute timeouts.
 *
 * 1. exec_clone_vm_child_after_parent_exit: a process P unshares a time
 *    namespace B (monotonic +1 day, boottime +2 days), reads its clocks
 *    through the vDSO, so that its mm maps the vvar pages, and clones a
 *    child C with CLONE_VM. P exits; C, reparented to this program (a
 *    child subreaper), execs this program, which reports its clocks
 *    through the vDSO and the syscall and its /proc/self/ns/time: it must
 *    be in B with B's clocks. Before the exec, C must still be in P's
 *    namespace with its clocks. P is in the initial namespace, or in a
 *    namespace A (+7 days, +14 days) created for it alone, which C then
 *    holds the last references to (its nsproxy and its mm); C execs after
 *    P is gone, or at once, racing with P's exit.
 * 2. mm_outlives_setns: a task T in a namespace N (+2 days, +3 days) of its
 *    own reads the vDSO and forks a child K, whose mm copied the vvar
 *    mappings. K setns() to the initial namespace (or to another one, S)
 *    and must read the clocks of where it went, through the vDSO as
 *    through the syscall, while T still reads N's; then T exits, which
 *    frees N, and K must go on reading the right clocks.
 * 3. IORING_OP_TIMEOUT with IORING_TIMEOUT_ABS and a count of 0, on a raw
 *    ring (no liburing) that this program, in the initial namespace,
 *    creates; a forked child setns() to S (+1 day, +2 days) and submits:
 *    a. io_uring_abs_timeout_in_submitter_ns: CLOCK_MONOTONIC, without
 *       SQPOLL, at the child's now + 100 ms: -ETIME after 100 ms to 2 s;
 *    b. io_uring_sqpoll_converts_in_creator_ns: with IORING_SETUP_SQPOLL
 *       the ring's SQPOLL thread, in the creator's (initial) namespace,
 *       prepares the request, so the time is a host time: the child's
 *       now minus S's offset + 100 ms; skipped if SQPOLL is refused;
 *    c. io_uring_abs_boottime_timeout_in_submitter_ns: as (a) with
 *       IORING_TIMEOUT_BOOTTIME and CLOCK_BOOTTIME.
 *
 * A clock read in a namespace with offset o at a moment between two host
 * readings t0 and t1 of this program must lie in [t0 + o, t1 + o]: the
 * offsets are whole days, so a wrong data page or a wrong namespace is
 * told apart from any delay of a slow guest.
 *
 * Usage: timens_exit_order [-t SECONDS] [-n ITERATIONS], or the environment
 * variables TIMENS_EXIT_ORDER_SECONDS and TIMENS_EXIT_ORDER_ITERS. Cases 1
 * and 2 loop ITERATIONS times (default 200) or until their share of the
 * budget (default 15 s, multiplied by WB_SLOW) runs out. Needs root; a
 * kernel without time namespaces skips (exit 4), and the io_uring cases
 * skip without io_uring. "--exec-report FD" is the mode C execs.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "kselftest.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL
#define DAY		86400LL

#define DEF_SECONDS	15
#define DEF_ITERS	200
/* What one iteration of case 1 or 2 may take before it is a hang. */
#define ITER_TIMEOUT_MS	5000
/* Reads of K after T's exit. */
#define K_READS		20
/* Failures shown in detail per case. */
#define MAX_SHOWN	3

#define IO_DELAY_NS	(100 * NSEC_PER_MSEC)
#define IO_MAX_NS	(2 * NSEC_PER_SEC)
#define IO_REPEAT	3
#define SQ_IDLE_MS	10

#define TIME_PATH	"/proc/self/ns/time"
#define TFC_PATH	"/proc/self/ns/time_for_children"
#define OFFS_PATH	"/proc/self/timens_offsets"

struct offs {
	int64_t mono;	/* seconds */
	int64_t boot;
};

static const struct offs off_zero = { 0, 0 };
static const struct offs off_a = { 7 * DAY, 14 * DAY };
static const struct offs off_b = { DAY, 2 * DAY };
static const struct offs off_n = { 2 * DAY, 3 * DAY };
static const struct offs off_s = { DAY, 2 * DAY };

enum {
	C_EXEC_ORDER,
	C_MM_SETNS,
	C_IO_SUBMITTER,
	C_IO_SQPOLL,
	C_IO_BOOTTIME,
	NR_CASES,
};

static const char *const case_name[NR_CASES] = {
	[C_EXEC_ORDER]		= "exec_clone_vm_child_after_parent_exit",
	[C_MM_SETNS]		= "mm_outlives_setns",
	[C_IO_SUBMITTER]	= "io_uring_abs_timeout_in_submitter_ns",
	[C_IO_SQPOLL]		= "io_uring_sqpoll_converts_in_creator_ns",
	[C_IO_BOOTTIME]		= "io_uring_abs_boottime_timeout_in_submitter_ns",
};

/* What the children report, one write() each, less than PIPE_BUF. */
enum {
	REC_ERR = 1,
	REC_P,		/* case 1: P's namespaces */
	REC_C_PRE,	/* case 1: C before its exec */
	REC_C_POST,	/* case 1: C after its exec */
	REC_T,		/* case 2: T after K's setns() */
	REC_K1,		/* case 2: K after its setns() */
	REC_K2,		/* case 2: K after T's exit */
	REC_IO,		/* case 3 */
};

struct clk4 {
	int64_t vmono;
	int64_t vboot;
	int64_t smono;
	int64_t sboot;
};

struct rec {
	int type;
	int pid;
	int err;
	int flag;
	char what[48];
	uint64_t ns;
	uint64_t tfc;
	struct clk4 c;
	int64_t a, b, d;
};

struct host {
	int64_t mono;
	int64_t boot;
};

typedef int (*vdso_gettime_t)(clockid_t clk, struct timespec *ts);

static vdso_gettime_t vdso_gettime;
static uint64_t init_ino;
static int init_fd = -1, s_fd = -1;
static pid_t main_pid;
static char self_exe[4096];
static long slow = 1;

/* Case 1: the data of P, shared with C (CLONE_VM). */
static char c_stack[64 * 1024] __attribute__((aligned(16)));
static int c_wfd;
static bool c_racing;
static char c_fdstr[16];

/* The vDSO's clock_gettime(), found in its dynamic symbol table. */
static void vdso_find(void)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	const char *strtab = NULL;
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *symtab = NULL;
	const Elf64_Word *hash = NULL;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	uintptr_t bias = 0;
	bool have_load = false;
	unsigned int i;

	if (!base)
		return;
	eh = (const Elf64_Ehdr *)base;
	ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			bias = base + ph[i].p_offset - ph[i].p_vaddr;
			have_load = true;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
		}
	}
	if (!have_load || !dyn)
		return;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_STRTAB)
			strtab = (const char *)(bias + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_SYMTAB)
			symtab = (const Elf64_Sym *)(bias + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			hash = (const Elf64_Word *)(bias + dyn->d_un.d_ptr);
	}
	if (!strtab || !symtab || !hash)
		return;
	/* The second word of DT_HASH is the number of symbols. */
	for (i = 0; i < hash[1]; i++) {
		const Elf64_Sym *s = &symtab[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC ||
		    s->st_shndx == SHN_UNDEF)
			continue;
		if (!strcmp(strtab + s->st_name, "__vdso_clock_gettime")) {
			vdso_gettime = (vdso_gettime_t)(bias + s->st_value);
			return;
		}
	}
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/* Through the vDSO; libc's clock_gettime() if it has none. */
static int64_t vdso_ns(clockid_t clk)
{
	struct timespec ts = { 0, 0 };

	if (vdso_gettime)
		vdso_gettime(clk, &ts);
	else
		clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static int64_t sys_ns(clockid_t clk)
{
	struct timespec ts = { 0, 0 };

	syscall(SYS_clock_gettime, clk, &ts);
	return ts_ns(&ts);
}

static void read_clk4(struct clk4 *c)
{
	c->vmono = vdso_ns(CLOCK_MONOTONIC);
	c->vboot = vdso_ns(CLOCK_BOOTTIME);
	c->smono = sys_ns(CLOCK_MONOTONIC);
	c->sboot = sys_ns(CLOCK_BOOTTIME);
}

static void host_now(struct host *h)
{
	h->mono = sys_ns(CLOCK_MONOTONIC);
	h->boot = sys_ns(CLOCK_BOOTTIME);
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

/* The inode of an nsfs file is the namespace's. */
static uint64_t fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

static int write_offsets(const struct offs *o)
{
	char buf[96];
	int fd, len, ret = 0;

	len = snprintf(buf, sizeof(buf), "monotonic %lld 0\nboottime %lld 0\n",
		       (long long)o->mono, (long long)o->boot);
	fd = open(OFFS_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

/* unshare() a namespace for children with offsets @o and enter it. */
static int enter_new_ns(const struct offs *o)
{
	int fd;

	if (unshare(CLONE_NEWTIME) || write_offsets(o))
		return -1;
	fd = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (setns(fd, CLONE_NEWTIME)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void rec_send(int fd, const struct rec *r)
{
	if (write(fd, r, sizeof(*r)) != sizeof(*r))
		_exit(3);
}

/* A child's failure: what it did and errno, then exit 1. */
static void __attribute__((noreturn)) rec_fail(int fd, const char *what)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.type = REC_ERR;
	r.pid = getpid();
	r.err = errno;
	strncpy(r.what, what, sizeof(r.what) - 1);
	rec_send(fd, &r);
	_exit(1);
}

/*
 * Wait until the parent has exited and the child is reparented to this
 * program, its subreaper, for at most @ms milliseconds.
 */
static bool wait_reparented(long ms)
{
	long i;

	for (i = 0; i < ms * 5; i++) {
		if (getppid() == main_pid)
			return true;
		usleep(200);
	}
	return getppid() == main_pid;
}

static bool in_window(int64_t v, int64_t off, int64_t lo, int64_t hi)
{
	v -= off * NSEC_PER_SEC;
	return v >= lo && v <= hi;
}

/* The four readings of @c are host + @o, taken between @t0 and @t1. */
static bool clk4_ok(const struct clk4 *c, const struct offs *o,
		    const struct host *t0, const struct host *t1)
{
	return in_window(c->vmono, o->mono, t0->mono, t1->mono) &&
	       in_window(c->smono, o->mono, t0->mono, t1->mono) &&
	       in_window(c->vboot, o->boot, t0->boot, t1->boot) &&
	       in_window(c->sboot, o->boot, t0->boot, t1->boot);
}

static void show_clk4(const char *tag, const struct clk4 *c,
		      const struct offs *o, const struct host *t0,
		      const struct host *t1)
{
	int64_t om = o->mono * NSEC_PER_SEC, ob = o->boot * NSEC_PER_SEC;

	ksft_print_msg("  %s: expected host + (%lld s, %lld s); minus the offsets, vdso mono %lld boot %lld, syscall mono %lld boot %lld ns; host window mono [%lld, %lld] boot [%lld, %lld]\n",
		       tag, (long long)o->mono, (long long)o->boot,
		       (long long)(c->vmono - om), (long long)(c->vboot - ob),
		       (long long)(c->smono - om), (long long)(c->sboot - ob),
		       (long long)t0->mono, (long long)t1->mono,
		       (long long)t0->boot, (long long)t1->boot);
}

static int64_t mono_ms(void)
{
	return sys_ns(CLOCK_MONOTONIC) / NSEC_PER_MSEC;
}

/*
 * Read the records of one iteration until every writer has closed the
 * pipe or @ms milliseconds have passed. Returns their number; *eof tells
 * whether the pipe was drained.
 */
static int read_recs(int rfd, struct rec *recs, int max, long ms, bool *eof)
{
	int64_t end = mono_ms() + ms;
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	int n = 0;
	struct rec junk;

	*eof = false;
	for (;;) {
		int64_t left = end - mono_ms();
		ssize_t len;

		if (left <= 0)
			return n;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		len = read(rfd, n < max ? &recs[n] : &junk, sizeof(junk));
		if (len == 0) {
			*eof = true;
			return n;
		}
		if (len == sizeof(junk) && n < max)
			n++;
	}
}

/*
 * Reap every child (this program is their subreaper), for at most @ms;
 * then kill what is left of @pids. Returns the number of children that
 * did not exit with 0.
 */
static int reap_all(long ms, const pid_t *pids, int npids, int *bad_status)
{
	int64_t end = mono_ms() + ms;
	bool killed = false;
	int st, bad = 0, i;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid < 0)
			return bad;
		if (pid > 0) {
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				bad++;
				*bad_status = st;
			}
			continue;
		}
		if (!killed && mono_ms() > end) {
			for (i = 0; i < npids; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGKILL);
			killed = true;
			end = mono_ms() + ms;
		} else if (killed && mono_ms() > end) {
			return bad + 1;
		}
		usleep(1000);
	}
}

static const struct rec *find_rec(const struct rec *recs, int n, int type)
{
	int i;

	for (i = 0; i < n; i++)
		if (recs[i].type == type)
			return &recs[i];
	return NULL;
}

/* The program C execs: report where it is and its clocks. */
static int exec_report(const char *fdstr)
{
	int fd = atoi(fdstr);
	struct rec r;

	vdso_find();
	memset(&r, 0, sizeof(r));
	r.type = REC_C_POST;
	r.pid = getpid();
	r.flag = vdso_gettime != NULL;
	read_clk4(&r.c);
	r.ns = ino_of(TIME_PATH);
	r.tfc = ino_of(TFC_PATH);
	rec_send(fd, &r);
	return 0;
}

/* C, on P's stack in P's mm. */
static int c_main(void *arg)
{
	char *argv[] = { "timens_exit_order", "--exec-report", c_fdstr, NULL };
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.type = REC_C_PRE;
	r.pid = getpid();
	if (!c_racing)
		r.flag = wait_reparented(ITER_TIMEOUT_MS / 2);
	read_clk4(&r.c);
	r.ns = ino_of(TIME_PATH);
	r.tfc = ino_of(TFC_PATH);
	rec_send(c_wfd, &r);
	execve(self_exe, argv, environ);
	rec_fail(c_wfd, "execve");
}

/* P: in the namespace it was forked into, unshares B, clones C, exits. */
static void __attribute__((noreturn)) p_main(int wfd)
{
	struct rec r;

	if (unshare(CLONE_NEWTIME))
		rec_fail(wfd, "P: unshare");
	if (write_offsets(&off_b))
		rec_fail(wfd, "P: write offsets of B");
	memset(&r, 0, sizeof(r));
	r.type = REC_P;
	r.pid = getpid();
	/* Fault in the vvar pages of P's mm. */
	r.c.vmono = vdso_ns(CLOCK_MONOTONIC);
	r.c.vboot = vdso_ns(CLOCK_BOOTTIME);
	r.ns = ino_of(TIME_PATH);
	r.tfc = ino_of(TFC_PATH);
	rec_send(wfd, &r);
	c_wfd = wfd;
	if (clone(c_main, c_stack + sizeof(c_stack), CLONE_VM | SIGCHLD,
		  NULL) < 0)
		rec_fail(wfd, "P: clone(CLONE_VM)");
	_exit(0);
}

struct tally {
	unsigned int iters;
	unsigned int fails;
	unsigned int variants[4];
};

static bool check_exec_iter(unsigned int i, bool in_a, bool racing,
			    const struct rec *recs, int n, bool eof,
			    const struct host *t0, const struct host *t1,
			    struct tally *t)
{
	const struct rec *p = find_rec(recs, n, REC_P);
	const struct rec *pre = find_rec(recs, n, REC_C_PRE);
	const struct rec *post = find_rec(recs, n, REC_C_POST);
	const struct rec *err = find_rec(recs, n, REC_ERR);
	const struct offs *opre = in_a ? &off_a : &off_zero;
	bool show = t->fails < MAX_SHOWN;
	const char *why = NULL;

	if (err) {
		if (show)
			ksft_print_msg("exec iter %u: %s failed: %s\n", i,
				       err->what, strerror(err->err));
		t->fails++;
		return false;
	}
	if (!eof || !p || !pre || !post)
		why = "a report is missing (P, C before or C after exec)";
	else if (in_a ? p->ns == init_ino : p->ns != init_ino)
		why = "P is not in the namespace it was forked into";
	else if (p->tfc == p->ns || p->tfc == init_ino)
		why = "P's time_for_children is not the new namespace B";
	else if (!racing && !pre->flag)
		why = "C was not reparented after P's exit";
	else if (pre->ns != p->ns)
		why = "C, before exec, is not in P's namespace";
	else if (post->ns != p->tfc)
		why = "C, after exec, is not in B (/proc/self/ns/time)";
	else if (post->tfc != p->tfc)
		why = "C, after exec, has a time_for_children other than B";
	else if (!clk4_ok(&pre->c, opre, t0, t1))
		why = "C's clocks before exec are not those of P's namespace";
	else if (!clk4_ok(&post->c, &off_b, t0, t1))
		why = "C's clocks after exec are not host + B's offsets";
	if (!why)
		return true;
	if (show) {
		ksft_print_msg("exec iter %u (P in %s, C execs %s): %s\n", i,
			       in_a ? "A" : "the initial namespace",
			       racing ? "at once" : "after P's exit", why);
		if (p)
			ksft_print_msg("  P: ns %llu time_for_children %llu (initial %llu)\n",
				       (unsigned long long)p->ns,
				       (unsigned long long)p->tfc,
				       (unsigned long long)init_ino);
		if (pre) {
			ksft_print_msg("  C before exec: ns %llu\n",
				       (unsigned long long)pre->ns);
			show_clk4("C before exec", &pre->c, opre, t0, t1);
		}
		if (post) {
			ksft_print_msg("  C after exec: ns %llu time_for_children %llu\n",
				       (unsigned long long)post->ns,
				       (unsigned long long)post->tfc);
			show_clk4("C after exec", &post->c, &off_b, t0, t1);
		}
	}
	t->fails++;
	return false;
}

static void case_exec_order(int64_t budget_ms, unsigned int iters)
{
	int64_t end = mono_ms() + budget_ms;
	struct tally t = { 0 };
	unsigned int i;
	int bad_st = 0;

	for (i = 0; i < iters && (i == 0 || mono_ms() < end); i++) {
		bool in_a = i & 1, racing = i & 2, eof;
		pid_t p0, pids[4];
		struct host t0, t1;
		struct rec recs[8];
		int fds[2], n, j, bad;

		if (pipe2(fds, O_CLOEXEC)) {
			ksft_print_msg("exec: pipe: %s\n", strerror(errno));
			t.fails++;
			break;
		}
		snprintf(c_fdstr, sizeof(c_fdstr), "%d", fds[1]);
		c_racing = racing;
		host_now(&t0);
		p0 = fork();
		if (p0 == 0) {
			close(fds[0]);
			/* The writing end goes through C's execve(). */
			fcntl(fds[1], F_SETFD, 0);
			if (!in_a)
				p_main(fds[1]);
			/* A is held by P alone once this process is gone. */
			if (unshare(CLONE_NEWTIME))
				rec_fail(fds[1], "unshare A");
			if (write_offsets(&off_a))
				rec_fail(fds[1], "write offsets of A");
			switch (fork()) {
			case -1:
				rec_fail(fds[1], "fork P");
			case 0:
				p_main(fds[1]);
			default:
				_exit(0);
			}
		}
		close(fds[1]);
		if (p0 < 0) {
			close(fds[0]);
			ksft_print_msg("exec: fork: %s\n", strerror(errno));
			t.fails++;
			break;
		}
		n = read_recs(fds[0], recs, 8, ITER_TIMEOUT_MS * slow, &eof);
		host_now(&t1);
		close(fds[0]);
		pids[0] = p0;
		for (j = 0; j < 3; j++)
			pids[j + 1] = j < n ? recs[j].pid : 0;
		bad = reap_all(ITER_TIMEOUT_MS * slow, pids, 4, &bad_st);
		if (check_exec_iter(i, in_a, racing, recs, n, eof, &t0, &t1,
				    &t) && bad) {
			if (t.fails < MAX_SHOWN)
				ksft_print_msg("exec iter %u: %d children exited badly (status 0x%x)\n",
					       i, bad, bad_st);
			t.fails++;
		}
		t.variants[i & 3]++;
	}
	t.iters = i;
	ksft_print_msg("exec: %u of %u iterations in %lld ms budget%s; P in the initial namespace %u, in A %u; C execs after P's exit %u, at once %u; %u failed\n",
		       t.iters, iters, (long long)budget_ms,
		       t.iters < iters ? " (budget ran out)" : "",
		       t.variants[0] + t.variants[2],
		       t.variants[1] + t.variants[3],
		       t.variants[0] + t.variants[1],
		       t.variants[2] + t.variants[3], t.fails);
	ksft_test_result(!t.fails && t.iters, "%s\n", case_name[C_EXEC_ORDER]);
}

/*
 * Read @clk through syscall, vDSO, syscall: the vDSO reading must lie
 * between the other two, as both come from the same namespace.
 */
static bool bracket(clockid_t clk, int64_t *v, int64_t *s1, int64_t *s2)
{
	*s1 = sys_ns(clk);
	*v = vdso_ns(clk);
	*s2 = sys_ns(clk);
	return *s1 <= *v && *v <= *s2;
}

/* K: setns() to @fd, read, tell T, wait for T's exit, read again. */
static void __attribute__((noreturn)) k_main(int wfd, int sync_fd, int fd)
{
	int64_t s1, s2, v, last_m = 0, last_b = 0;
	struct rec r;
	int i;

	if (setns(fd, CLONE_NEWTIME))
		rec_fail(wfd, "K: setns");
	memset(&r, 0, sizeof(r));
	r.type = REC_K1;
	r.pid = getpid();
	r.flag = bracket(CLOCK_MONOTONIC, &v, &s1, &s2);
	r.a = s1;
	r.b = v;
	r.d = s2;
	if (r.flag)
		r.flag = bracket(CLOCK_BOOTTIME, &v, &s1, &s2);
	read_clk4(&r.c);
	r.ns = ino_of(TIME_PATH);
	rec_send(wfd, &r);
	if (write(sync_fd, "k", 1) != 1)
		rec_fail(wfd, "K: tell T");
	close(sync_fd);

	memset(&r, 0, sizeof(r));
	r.type = REC_K2;
	r.pid = getpid();
	r.flag = wait_reparented(ITER_TIMEOUT_MS / 2);
	/* r.err counts the readings out of order or out of bracket. */
	for (i = 0; i < K_READS; i++) {
		bool ok = bracket(CLOCK_MONOTONIC, &v, &s1, &s2) &&
			  v >= last_m;

		last_m = v;
		if (!ok && !r.err) {
			r.a = s1;
			r.b = v;
			r.d = s2;
		}
		r.err += !ok;
		ok = bracket(CLOCK_BOOTTIME, &v, &s1, &s2) && v >= last_b;
		last_b = v;
		if (!ok && !r.err) {
			r.a = s1;
			r.b = v;
			r.d = s2;
		}
		r.err += !ok;
	}
	read_clk4(&r.c);
	r.ns = ino_of(TIME_PATH);
	rec_send(wfd, &r);
	_exit(0);
}

/* T: in a namespace N of its own, forks K, reads once K has gone away. */
static void __attribute__((noreturn)) t_main(int wfd, int target_fd)
{
	int sync[2];
	struct rec r;
	char c;
	pid_t k;

	if (enter_new_ns(&off_n))
		rec_fail(wfd, "T: enter N");
	/* Fault in N's data page: K's mm copies the mapping. */
	vdso_ns(CLOCK_MONOTONIC);
	if (pipe2(sync, O_CLOEXEC))
		rec_fail(wfd, "T: pipe");
	k = fork();
	if (k < 0)
		rec_fail(wfd, "T: fork K");
	if (k == 0) {
		close(sync[0]);
		k_main(wfd, sync[1], target_fd);
	}
	close(sync[1]);
	memset(&r, 0, sizeof(r));
	r.type = REC_T;
	r.pid = getpid();
	r.flag = read(sync[0], &c, 1) == 1;
	read_clk4(&r.c);
	r.ns = ino_of(TIME_PATH);
	rec_send(wfd, &r);
	_exit(0);
}

static bool check_mm_iter(unsigned int i, bool to_init, uint64_t s_ino,
			  const struct rec *recs, int n, bool eof,
			  const struct host *t0, const struct host *t1,
			  struct tally *t)
{
	const struct rec *tr = find_rec(recs, n, REC_T);
	const struct rec *k1 = find_rec(recs, n, REC_K1);
	const struct rec *k2 = find_rec(recs, n, REC_K2);
	const struct rec *err = find_rec(recs, n, REC_ERR);
	const struct offs *ko = to_init ? &off_zero : &off_s;
	uint64_t k_ino = to_init ? init_ino : s_ino;
	bool show = t->fails < MAX_SHOWN;
	const char *why = NULL;

	if (err) {
		if (show)
			ksft_print_msg("mm iter %u: %s failed: %s\n", i,
				       err->what, strerror(err->err));
		t->fails++;
		return false;
	}
	if (!eof || !tr || !k1 || !k2)
		why = "a report is missing (T, K after setns or K after T's exit)";
	else if (!tr->flag)
		why = "T did not hear from K";
	else if (tr->ns == init_ino || tr->ns == s_ino)
		why = "T is not in a namespace of its own";
	else if (k1->ns != k_ino || k2->ns != k_ino)
		why = "K is not in the namespace it entered";
	else if (!k1->flag)
		why = "K's vDSO reading after setns is not between two syscalls";
	else if (!clk4_ok(&k1->c, ko, t0, t1))
		why = "K's clocks after setns are not those of its namespace";
	else if (!clk4_ok(&tr->c, &off_n, t0, t1))
		why = "T's clocks after K's setns are not host + N's offsets";
	else if (!k2->flag)
		why = "K was not reparented after T's exit";
	else if (k2->err)
		why = "K's vDSO readings after T's exit are not between two syscalls or go back";
	else if (!clk4_ok(&k2->c, ko, t0, t1))
		why = "K's clocks after T's exit are not those of its namespace";
	if (!why)
		return true;
	if (show) {
		ksft_print_msg("mm iter %u (K to %s): %s\n", i,
			       to_init ? "the initial namespace" : "S", why);
		if (tr) {
			ksft_print_msg("  T: ns %llu\n",
				       (unsigned long long)tr->ns);
			show_clk4("T", &tr->c, &off_n, t0, t1);
		}
		if (k1) {
			ksft_print_msg("  K after setns: ns %llu (expected %llu), syscall %lld vdso %lld syscall %lld\n",
				       (unsigned long long)k1->ns,
				       (unsigned long long)k_ino,
				       (long long)k1->a, (long long)k1->b,
				       (long long)k1->d);
			show_clk4("K after setns", &k1->c, ko, t0, t1);
		}
		if (k2) {
			ksft_print_msg("  K after T's exit: %d of %d bad, first: syscall %lld vdso %lld syscall %lld\n",
				       k2->err, 2 * K_READS, (long long)k2->a,
				       (long long)k2->b, (long long)k2->d);
			show_clk4("K after T's exit", &k2->c, ko, t0, t1);
		}
	}
	t->fails++;
	return false;
}

static void case_mm_setns(int64_t budget_ms, unsigned int iters)
{
	int64_t end = mono_ms() + budget_ms;
	uint64_t s_ino = fd_ino(s_fd);
	struct tally t = { 0 };
	unsigned int i;
	int bad_st = 0;

	for (i = 0; i < iters && (i == 0 || mono_ms() < end); i++) {
		bool to_init = !(i & 1), eof;
		struct host t0, t1;
		struct rec recs[8];
		int fds[2], n, j, bad;
		pid_t tp, pids[4];

		if (pipe2(fds, O_CLOEXEC)) {
			ksft_print_msg("mm: pipe: %s\n", strerror(errno));
			t.fails++;
			break;
		}
		host_now(&t0);
		tp = fork();
		if (tp == 0) {
			close(fds[0]);
			t_main(fds[1], to_init ? init_fd : s_fd);
		}
		close(fds[1]);
		if (tp < 0) {
			close(fds[0]);
			ksft_print_msg("mm: fork: %s\n", strerror(errno));
			t.fails++;
			break;
		}
		n = read_recs(fds[0], recs, 8, ITER_TIMEOUT_MS * slow, &eof);
		host_now(&t1);
		close(fds[0]);
		pids[0] = tp;
		for (j = 0; j < 3; j++)
			pids[j + 1] = j < n ? recs[j].pid : 0;
		bad = reap_all(ITER_TIMEOUT_MS * slow, pids, 4, &bad_st);
		if (check_mm_iter(i, to_init, s_ino, recs, n, eof, &t0, &t1,
				  &t) && bad) {
			if (t.fails < MAX_SHOWN)
				ksft_print_msg("mm iter %u: %d children exited badly (status 0x%x)\n",
					       i, bad, bad_st);
			t.fails++;
		}
		t.variants[i & 1]++;
	}
	t.iters = i;
	ksft_print_msg("mm: %u of %u iterations in %lld ms budget%s; K setns to the initial namespace %u, to S %u; %d checked vDSO readings after T's exit each; %u failed\n",
		       t.iters, iters, (long long)budget_ms,
		       t.iters < iters ? " (budget ran out)" : "",
		       t.variants[0], t.variants[1], 2 * K_READS, t.fails);
	ksft_test_result(!t.fails && t.iters, "%s\n", case_name[C_MM_SETNS]);
}

struct uring {
	int fd;
	struct io_uring_params p;
	unsigned int *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int uring_setup(struct uring *r, unsigned int flags)
{
	memset(r, 0, sizeof(*r));
	r->p.flags = flags;
	r->p.sq_thread_idle = SQ_IDLE_MS;
	r->fd = syscall(__NR_io_uring_setup, 4, &r->p);
	return r->fd < 0 ? -errno : 0;
}

static int uring_map(struct uring *r)
{
	size_t sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	size_t cq_len = r->p.cq_off.cqes +
			r->p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq, *cq;

	if (r->p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_len > sq_len)
			sq_len = cq_len;
		cq_len = sq_len;
	}
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -1;
	cq = sq;
	if (!(r->p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, r->fd,
			  IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return -1;
	}
	r->sqes = mmap(NULL, r->p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned int *)(sq + r->p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + r->p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + r->p.sq_off.array);
	r->sq_flags = (unsigned int *)(sq + r->p.sq_off.flags);
	r->cq_head = (unsigned int *)(cq + r->p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + r->p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + r->p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + r->p.cq_off.cqes);
	return 0;
}

/* Queue an absolute timeout at *@ts with a count of 0 and submit it. */
static int uring_timeout(struct uring *r, struct __kernel_timespec *ts,
			 unsigned int tflags)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask;
	struct io_uring_sqe *sqe = &r->sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = (uintptr_t)ts;
	sqe->len = 1;
	sqe->off = 0;
	sqe->timeout_flags = IORING_TIMEOUT_ABS | tflags;
	sqe->user_data = 0x7153;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);

	if (r->p.flags & IORING_SETUP_SQPOLL) {
		/* Pairs with the SQPOLL thread setting NEED_WAKEUP. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) &
		    IORING_SQ_NEED_WAKEUP)
			return syscall(__NR_io_uring_enter, r->fd, 0, 0,
				       IORING_ENTER_SQ_WAKEUP, NULL, 0) < 0 ?
			       -1 : 0;
		return 0;
	}
	return syscall(__NR_io_uring_enter, r->fd, 1, 0, 0, NULL, 0) == 1 ?
	       0 : -1;
}

/* Wait up to @ms for a CQE; its res in *@res. */
static bool uring_wait(struct uring *r, long ms, int *res)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	int64_t end = mono_ms() + ms;
	unsigned int head;

	for (;;) {
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
			*res = r->cqes[head & *r->cq_mask].res;
			__atomic_store_n(r->cq_head, head + 1,
					 __ATOMIC_RELEASE);
			return true;
		}
		if (mono_ms() >= end)
			return false;
		poll(&pfd, 1, 10);
	}
}

/*
 * The child: setns() to S, submit a timeout at its clock @clk now + 100 ms
 * (minus S's offset @host_s when the SQPOLL thread converts), report.
 */
static void __attribute__((noreturn)) io_child(int wfd, struct uring *r,
					       struct __kernel_timespec *ts,
					       clockid_t clk, unsigned int tflags,
					       int64_t host_s)
{
	int64_t now, target, done;
	struct rec rec;
	int res = 0;

	if (setns(s_fd, CLONE_NEWTIME))
		rec_fail(wfd, "setns S");
	if (uring_map(r))
		rec_fail(wfd, "mmap the ring");
	memset(&rec, 0, sizeof(rec));
	rec.type = REC_IO;
	rec.pid = getpid();
	rec.ns = ino_of(TIME_PATH);
	read_clk4(&rec.c);
	now = vdso_ns(clk);
	target = now - host_s * NSEC_PER_SEC + IO_DELAY_NS;
	ts->tv_sec = target / NSEC_PER_SEC;
	ts->tv_nsec = target % NSEC_PER_SEC;
	if (uring_timeout(r, ts, tflags))
		rec_fail(wfd, "submit the timeout");
	rec.flag = uring_wait(r, 2 * IO_MAX_NS / NSEC_PER_MSEC * slow, &res);
	done = vdso_ns(clk);
	rec.a = rec.flag ? res : 0;
	rec.b = done - now;
	rec.d = target;
	rec_send(wfd, &rec);
	_exit(0);
}

static void case_io(int c, bool *no_uring, struct __kernel_timespec *ts)
{
	bool boot = c == C_IO_BOOTTIME, sqpoll = c == C_IO_SQPOLL;
	clockid_t clk = boot ? CLOCK_BOOTTIME : CLOCK_MONOTONIC;
	const char *cn = boot ? "boottime" : "monotonic";
	int64_t off = boot ? off_s.boot : off_s.mono;
	int64_t min_ns = INT64_MAX, max_ns = 0;
	unsigned int fails = 0, runs;
	int ret;

	if (*no_uring) {
		ksft_test_result_skip("%s: no io_uring (io_uring_setup: ENOSYS)\n",
				      case_name[c]);
		return;
	}
	if (sqpoll)
		ksft_print_msg("%s: with IORING_SETUP_SQPOLL the ring's SQPOLL thread prepares the request, in the ring creator's time namespace (here the initial one), so an absolute timeout is in the creator's clocks whoever submits it: the documented behaviour (io_uring: Take absolute timeouts in the submitter's time namespace)\n",
			       case_name[c]);
	for (runs = 0; runs < IO_REPEAT; runs++) {
		struct host t0, t1;
		struct uring r;
		struct rec rec;
		int fds[2], n, bad_st = 0, bad;
		bool eof, fine;
		pid_t pid;

		ret = uring_setup(&r, sqpoll ? IORING_SETUP_SQPOLL : 0);
		if (ret == -ENOSYS) {
			*no_uring = true;
			ksft_test_result_skip("%s: no io_uring (io_uring_setup: ENOSYS)\n",
					      case_name[c]);
			return;
		}
		if (ret == -EPERM && sqpoll) {
			ksft_test_result_skip("%s: IORING_SETUP_SQPOLL refused (EPERM)\n",
					      case_name[c]);
			return;
		}
		if (ret) {
			ksft_print_msg("%s: io_uring_setup: %s\n", case_name[c],
				       strerror(-ret));
			fails++;
			break;
		}
		if (pipe2(fds, O_CLOEXEC)) {
			close(r.fd);
			fails++;
			break;
		}
		host_now(&t0);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			io_child(fds[1], &r, ts, clk, boot ?
				 IORING_TIMEOUT_BOOTTIME : 0, sqpoll ? off : 0);
		}
		close(fds[1]);
		n = pid < 0 ? 0 : read_recs(fds[0], &rec, 1,
					    3 * IO_MAX_NS / NSEC_PER_MSEC * slow,
					    &eof);
		host_now(&t1);
		close(fds[0]);
		bad = reap_all(ITER_TIMEOUT_MS * slow, &pid, 1, &bad_st);
		close(r.fd);
		if (n != 1 || rec.type != REC_IO) {
			ksft_print_msg("%s: run %u: %s%s%s\n", case_name[c],
				       runs, n ? rec.what : "no report",
				       n ? ": " : "",
				       n ? strerror(rec.err) : "");
			fails++;
			continue;
		}
		fine = rec.ns == fd_ino(s_fd) &&
		       clk4_ok(&rec.c, &off_s, &t0, &t1) && rec.flag &&
		       rec.a == -ETIME && rec.b >= IO_DELAY_NS &&
		       rec.b <= IO_MAX_NS * slow && !bad;
		if (rec.b < min_ns)
			min_ns = rec.b;
		if (rec.b > max_ns)
			max_ns = rec.b;
		if (!fine) {
			ksft_print_msg("%s: run %u: child ns %llu (S %llu), CQE %s res %lld (expected -ETIME %d) after %lld ms of %s time (expected %lld..%lld ms), absolute time %lld ns, child status %d\n",
				       case_name[c], runs,
				       (unsigned long long)rec.ns,
				       (unsigned long long)fd_ino(s_fd),
				       rec.flag ? "came" : "never came",
				       (long long)rec.a, -ETIME,
				       (long long)(rec.b / NSEC_PER_MSEC), cn,
				       (long long)(IO_DELAY_NS / NSEC_PER_MSEC),
				       (long long)(IO_MAX_NS * slow / NSEC_PER_MSEC),
				       (long long)rec.d, bad_st);
			show_clk4("submitter", &rec.c, &off_s, &t0, &t1);
			fails++;
			/* Each failing run may take seconds: one is enough. */
			runs++;
			break;
		}
	}
	ksft_print_msg("%s: %u runs, %s, timeout at %s + %lld ms, CQE after %lld..%lld ms; %u failed\n",
		       case_name[c], runs,
		       sqpoll ? "SQPOLL" : "no SQPOLL",
		       sqpoll ? "host now (the submitter's now - 1 day)" :
				"the submitter's now",
		       (long long)(IO_DELAY_NS / NSEC_PER_MSEC),
		       (long long)(min_ns == INT64_MAX ? 0 : min_ns / NSEC_PER_MSEC),
		       (long long)(max_ns / NSEC_PER_MSEC), fails);
	ksft_test_result(!fails, "%s\n", case_name[c]);
}

static long env_or(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 10);
	return *end || v <= 0 ? def : v;
}

int main(int argc, char **argv)
{
	long seconds = env_or("TIMENS_EXIT_ORDER_SECONDS", DEF_SECONDS);
	long iters = env_or("TIMENS_EXIT_ORDER_ITERS", DEF_ITERS);
	struct __kernel_timespec *ts;
	bool no_uring = false;
	int64_t budget_ms;
	ssize_t len;
	int opt, c;

	if (argc == 3 && !strcmp(argv[1], "--exec-report"))
		return exec_report(argv[2]);

	while ((opt = getopt(argc, argv, "t:n:")) != -1) {
		switch (opt) {
		case 't':
			seconds = atol(optarg);
			break;
		case 'n':
			iters = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-n ITERATIONS]\n",
				argv[0]);
			return 2;
		}
	}
	if (seconds <= 0)
		seconds = DEF_SECONDS;
	if (iters <= 0)
		iters = DEF_ITERS;
	slow = env_or("WB_SLOW", 1);
	budget_ms = seconds * 1000 * slow;

	ksft_print_header();
	if (access(TIME_PATH, F_OK))
		ksft_exit_skip("time namespaces absent: no %s\n", TIME_PATH);
	if (access(OFFS_PATH, F_OK))
		ksft_exit_skip("no %s\n", OFFS_PATH);
	ksft_set_plan(NR_CASES);

	vdso_find();
	ksft_print_msg("budget %ld s x WB_SLOW %ld, at most %ld iterations per loop; vDSO clock_gettime %s\n",
		       seconds, slow, iters,
		       vdso_gettime ? "found" : "not found, using libc's");
	main_pid = getpid();
	len = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (len <= 0)
		ksft_exit_fail_msg("readlink /proc/self/exe: %s\n",
				   strerror(errno));
	self_exe[len] = '\0';
	init_ino = ino_of(TIME_PATH);
	init_fd = open(TIME_PATH, O_RDONLY | O_CLOEXEC);
	if (init_fd < 0)
		ksft_exit_fail_msg("open %s: %s\n", TIME_PATH, strerror(errno));
	/* S: created here, entered only by the children that setns() to it. */
	if (unshare(CLONE_NEWTIME)) {
		if (errno == EINVAL)
			ksft_exit_skip("unshare(CLONE_NEWTIME): EINVAL\n");
		ksft_exit_fail_msg("unshare(CLONE_NEWTIME): %s\n",
				   strerror(errno));
	}
	if (write_offsets(&off_s))
		ksft_exit_fail_msg("write %s: %s\n", OFFS_PATH, strerror(errno));
	s_fd = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
	if (s_fd < 0 || setns(init_fd, CLONE_NEWTIME))
		ksft_exit_fail_msg("S: %s\n", strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		ksft_exit_fail_msg("PR_SET_CHILD_SUBREAPER: %s\n",
				   strerror(errno));
	/* Read by an SQPOLL thread through this program's mm. */
	ts = mmap(NULL, sizeof(*ts), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ts == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	case_exec_order(budget_ms / 2, iters);
	case_mm_setns(budget_ms * 3 / 10, iters);
	for (c = C_IO_SUBMITTER; c <= C_IO_BOOTTIME; c++)
		case_io(c, &no_uring, ts);
	ksft_finished();
}
