// SPDX-License-Identifier: GPL-2.0
/*
 * timens_lifetime: the lifetime, the limit and the ownership of time
 * namespaces.
 *
 * 1. Churn: create and drop many namespaces, in rotation by unshare()
 *    alone, by unshare() with an nsfs fd as the last reference, by
 *    unshare() with a child born into the namespace and its
 *    /proc/PID/ns/time opened, by setns() into a namespace (with and
 *    without offsets) and back to the initial one, and by clone3().
 *    MemFree, MemAvailable and Slab of /proc/meminfo must come back to
 *    the baseline, and so must the number of namespaces charged to root
 *    (the guest kernels use SLOB: there is no /proc/slabinfo). A control
 *    first holds a known number of namespaces, to show that meminfo sees
 *    the memory of one namespace at the count the churn reaches.
 * 2. /proc/sys/user/max_time_namespaces: creation stops with ENOSPC
 *    exactly at the limit, a refusal changes nothing, freeing one
 *    namespace allows one more, the limit is per user, and it applies
 *    through the user namespace hierarchy, where each user namespace
 *    has a limit of its own.
 * 3. Ownership: an unprivileged user gets EPERM for unshare(CLONE_NEWTIME)
 *    and clone3(CLONE_NEWTIME), for writing the offsets of a namespace
 *    that root owns and for setns() into it, but can create a namespace
 *    in a user namespace of its own, set its offsets and enter it.
 *
 * Usage: timens_lifetime [-n COUNT] [-t SECONDS], or the environment
 * variables TIMENS_LIFETIME_COUNT and TIMENS_LIFETIME_SECONDS: the churn
 * stops after COUNT namespaces (default 100000) or SECONDS (default 30),
 * whichever comes first. Run as root; a kernel without time namespaces skips
 * (exit 4). Under KASAN, whose quarantine keeps freed objects, the
 * memory checks after the churn skip; kmemleak covers that kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/sched.h>

#include "kselftest.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#define NSEC_PER_SEC	1000000000LL
#define NOBODY		65534

#define DEF_COUNT	100000UL
#define DEF_SECONDS	30

/* Namespaces the memory control holds at once: 8 MiB of vDSO pages. */
#define CONTROL_NS	2048
/* The limit set to count the namespaces already charged to root. */
#define PROBE_LIMIT	64
/* Slack for clock comparisons on a loaded TCG or debug guest. */
#define SLACK_NS	(10 * NSEC_PER_SEC)

/*
 * What the churn may leave behind, in kB. MemFree and MemAvailable leave
 * out the pages on the per-CPU free lists, up to a few MiB that change
 * with every allocation; /proc/zoneinfo counts them, and they are added
 * back. What is left moves by a few hundred kB between two settled
 * readings of an idle guest. Slab (SLOB) grows by 60-100 bytes per
 * fork(), with or without time namespaces, which the churn does about
 * once per 20 namespaces.
 *
 * 4 MiB is one leaked vDSO page per namespace from 1024 namespaces on, so
 * the check is only made from MEM_MIN_NS namespaces on. 1 MiB of Slab is
 * 100 bytes (about a struct time_namespace, or a struct nsproxy) per
 * namespace over 10,000 namespaces.
 */
#define MEM_TOL_KB	4096L
#define SLAB_TOL_KB	1024L
#define MEM_MIN_NS	2048UL

#define LIMIT_PATH	"/proc/sys/user/max_time_namespaces"
#define TFC_PATH	"/proc/self/ns/time_for_children"
#define TIME_PATH	"/proc/self/ns/time"
#define OFFS_PATH	"/proc/self/timens_offsets"

enum {
	C_CHURN,
	C_MEM_CONTROL,
	C_MEM_FREE,
	C_MEM_SLAB,
	C_CHURN_COUNT,
	C_LIM_EXACT,
	C_LIM_NOCHANGE,
	C_LIM_CLONE3,
	C_LIM_FREE_ONE,
	C_LIM_PER_USER,
	C_LIM_USERNS_PARENT,
	C_LIM_USERNS_OWN,
	C_LIM_RESTORE,
	C_UNPRIV_UNSHARE,
	C_UNPRIV_CLONE3,
	C_UNPRIV_WRITE_ROOT,
	C_UNPRIV_SETNS,
	C_OPENER_CREDS,
	C_USERNS_WRITE_ROOT,
	C_USERNS_SETNS,
	C_UNPRIV_OWNER,
	C_UNPRIV_OFFSETS,
	C_USERNS_SETNS_OWN,
	NR_CASES,
};

static const char *const case_name[NR_CASES] = {
	[C_CHURN]		= "churn: namespaces created and dropped",
	[C_MEM_CONTROL]		= "memory: held namespaces show in /proc/meminfo",
	[C_MEM_FREE]		= "memory: MemFree and MemAvailable back after the churn",
	[C_MEM_SLAB]		= "memory: Slab back after the churn",
	[C_CHURN_COUNT]		= "ucount: namespaces charged to root back after the churn",
	[C_LIM_EXACT]		= "limit: unshare() fails with ENOSPC exactly at the limit",
	[C_LIM_NOCHANGE]	= "limit: a refused unshare() changes nothing",
	[C_LIM_CLONE3]		= "limit: clone3(CLONE_NEWTIME) fails with ENOSPC, no child",
	[C_LIM_FREE_ONE]	= "limit: freeing one namespace allows exactly one more",
	[C_LIM_PER_USER]	= "limit: another user can create while root is at the limit",
	[C_LIM_USERNS_PARENT]	= "limit: the parent's limit applies in a child user namespace",
	[C_LIM_USERNS_OWN]	= "limit: a child user namespace has its own limit, charged to the parent",
	[C_LIM_RESTORE]		= "limit: sysctl restored, nothing left charged",
	[C_UNPRIV_UNSHARE]	= "unprivileged: unshare(CLONE_NEWTIME) fails with EPERM",
	[C_UNPRIV_CLONE3]	= "unprivileged: clone3(CLONE_NEWTIME) fails with EPERM",
	[C_UNPRIV_OWNER]	= "userns: unshare(CLONE_NEWTIME) works, owned by the new user namespace",
	[C_UNPRIV_OFFSETS]	= "userns: the owner sets the offsets, a child sees them",
	[C_UNPRIV_WRITE_ROOT]	= "unprivileged: writing offsets of root's namespace fails with EPERM",
	[C_USERNS_WRITE_ROOT]	= "userns: writing offsets of root's namespace fails with EPERM",
	[C_OPENER_CREDS]	= "offsets: the opener's credentials count, not the writer's",
	[C_UNPRIV_SETNS]	= "unprivileged: setns() into root's namespaces fails with EPERM",
	[C_USERNS_SETNS]	= "userns: setns() into root's namespaces fails with EPERM",
	[C_USERNS_SETNS_OWN]	= "userns: setns() into its own namespace works, not back",
};

enum { R_UNTESTED, R_PASS, R_FAIL, R_SKIP };

struct result {
	int	state;
	char	note[400];
};

/* Shared with the children, which record the cases they run. */
static struct result *results;

static int init_time_fd = -1;
static ino_t init_time_ino, init_user_ino;
static long orig_limit = -1;
static int fds[CONTROL_NS + PROBE_LIMIT + 64];

/*
 * Record a result: a failure sticks, the notes of several calls are
 * joined. Callable from children.
 */
static void rec(int id, int state, const char *fmt, ...)
{
	struct result *r = &results[id];
	size_t len = strlen(r->note);
	va_list ap;

	if (state == R_FAIL || r->state == R_UNTESTED ||
	    (r->state == R_PASS && state == R_SKIP))
		r->state = state;
	if (len && len < sizeof(r->note) - 3) {
		strcpy(r->note + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->note + len, sizeof(r->note) - len, fmt, ap);
	va_end(ap);
}

static void report(int first, int last)
{
	int i;

	for (i = first; i <= last; i++) {
		const struct result *r = &results[i];
		const char *sep = r->note[0] ? ": " : "";

		switch (r->state) {
		case R_PASS:
			ksft_test_result_pass("%s%s%s\n", case_name[i], sep,
					      r->note);
			break;
		case R_SKIP:
			ksft_test_result_skip("%s%s%s\n", case_name[i], sep,
					      r->note);
			break;
		case R_FAIL:
			ksft_test_result_fail("%s%s%s\n", case_name[i], sep,
					      r->note);
			break;
		default:
			ksft_test_result_fail("%s: not reached%s%s\n",
					      case_name[i], sep, r->note);
			break;
		}
	}
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static int64_t sys_now_ns(clockid_t clk)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, clk, &ts);
	return ts_ns(&ts);
}

static ino_t path_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static ino_t fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n < 0 ? n : 0;
}

/* Write @s with one write() on a fresh file: 0 or -errno. */
static int write_text(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : 0;
}

static long limit_get(void)
{
	char buf[32];

	if (read_text(LIMIT_PATH, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static int limit_set(long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", val);
	return write_text(LIMIT_PATH, buf);
}

static void limit_restore(void)
{
	if (orig_limit >= 0)
		limit_set(orig_limit);
}

/* The offsets of our namespace for children, as "MONO_S MONO_NS BOOT_S BOOT_NS". */
static int offsets_get(long long *v)
{
	char buf[256];

	if (read_text(OFFS_PATH, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "monotonic %lld %lld boottime %lld %lld",
		   &v[0], &v[1], &v[2], &v[3]) != 4)
		return -1;
	return 0;
}

/* What a refused operation must leave alone. */
struct ns_state {
	ino_t	time;
	ino_t	tfc;
	ino_t	user;
	ino_t	uts;
	char	offsets[128];
	char	host[64];
};

static void state_get(struct ns_state *s)
{
	memset(s, 0, sizeof(*s));
	s->time = path_ino(TIME_PATH);
	s->tfc = path_ino(TFC_PATH);
	s->user = path_ino("/proc/self/ns/user");
	s->uts = path_ino("/proc/self/ns/uts");
	if (read_text(OFFS_PATH, s->offsets, sizeof(s->offsets)))
		strcpy(s->offsets, "?");
	gethostname(s->host, sizeof(s->host) - 1);
}

static bool state_eq(const struct ns_state *a, const struct ns_state *b)
{
	return a->time && a->tfc && a->time == b->time && a->tfc == b->tfc &&
	       a->user == b->user && a->uts == b->uts &&
	       !strcmp(a->offsets, b->offsets) && !strcmp(a->host, b->host);
}

static const char *state_diff(const struct ns_state *a,
			      const struct ns_state *b)
{
	static char buf[200];

	if (state_eq(a, b))
		return "unchanged";
	snprintf(buf, sizeof(buf),
		 "CHANGED: time %lu->%lu tfc %lu->%lu user %lu->%lu uts %lu->%lu offsets %s",
		 (unsigned long)a->time, (unsigned long)b->time,
		 (unsigned long)a->tfc, (unsigned long)b->tfc,
		 (unsigned long)a->user, (unsigned long)b->user,
		 (unsigned long)a->uts, (unsigned long)b->uts,
		 strcmp(a->offsets, b->offsets) ? "differ" : "same");
	return buf;
}

static pid_t clone3_newtime(void)
{
	struct clone_args args = {
		.flags		= CLONE_NEWTIME,
		.exit_signal	= SIGCHLD,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

/* No child may exist after a refused clone3(). */
static bool no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static int drop_privs(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	/* The uid change cleared dumpable, which would leave /proc/self root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -errno;
	return 0;
}

/* Run @fn in a child; return its exit code, 128 + signal, or -1. */
static int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		st = fn(arg);
		fflush(stdout);
		_exit(st);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static void send_byte(int fd)
{
	if (write(fd, "x", 1) != 1)
		ksft_print_msg("pipe write: %m\n");
}

static bool wait_byte(int fd)
{
	char c;

	return read(fd, &c, 1) == 1;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * Create namespaces with unshare(CLONE_NEWTIME) until @max exist or
 * creation fails, each held by an nsfs fd in fds[@first...]. Return how
 * many were created; *@err is the errno of the failure, 0 if none.
 */
static int hold_ns(int first, int max, int *err)
{
	int n;

	*err = 0;
	for (n = 0; n < max; n++) {
		if (unshare(CLONE_NEWTIME)) {
			*err = errno;
			break;
		}
		fds[first + n] = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
		if (fds[first + n] < 0) {
			ksft_print_msg("open %s: %m\n", TFC_PATH);
			*err = -1;
			n++;
			break;
		}
	}
	return n;
}

/* Drop the namespaces of hold_ns(), and the one for our children. */
static int release_ns(int first, int n)
{
	int i;

	for (i = first; i < first + n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	if (setns(init_time_fd, CLONE_NEWTIME)) {
		ksft_print_msg("setns() to the initial time namespace: %m\n");
		return -1;
	}
	return 0;
}

/*
 * The number of time namespaces charged to root in the initial user
 * namespace: those that PROBE_LIMIT leaves room for, subtracted from it.
 * -1 if it cannot be told.
 */
static long ns_count(void)
{
	long saved = limit_get();
	int n, err;

	if (saved < 0 || limit_set(PROBE_LIMIT))
		return -1;
	n = hold_ns(0, PROBE_LIMIT + 1, &err);
	release_ns(0, n);
	limit_set(saved);
	if (err != ENOSPC || n == 0)
		return -1;
	return PROBE_LIMIT - n;
}

/* Part 1: churn and memory */

/*
 * KASAN keeps freed slab objects in a quarantine of up to 1/32 of the
 * memory, which fills during the churn: Slab and MemFree cannot come back.
 */
static bool kernel_has_kasan(void)
{
	bool found = false;
	char line[256];
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " kasan_report") != NULL;
	fclose(f);
	return found;
}

/* In kB; free and avail include the pages on the per-CPU lists. */
struct mem {
	long	free;
	long	avail;
	long	slab;
	long	pcp;
};

/* The pages on the per-CPU free lists of all zones, in kB. */
static long pcp_kb(void)
{
	static char buf[65536];
	long count, sum = 0;
	size_t len = 0;
	ssize_t n;
	char *p;
	int fd;

	fd = open("/proc/zoneinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, "count:")); p += 6) {
		if (sscanf(p, "count: %ld", &count) == 1)
			sum += count;
	}
	return sum * (sysconf(_SC_PAGESIZE) / 1024);
}

static int mem_read(struct mem *m)
{
	char buf[4096], *p;

	if (read_text("/proc/meminfo", buf, sizeof(buf)))
		return -1;
	m->free = m->avail = m->slab = -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		sscanf(p, "MemFree: %ld", &m->free);
		sscanf(p, "MemAvailable: %ld", &m->avail);
		sscanf(p, "Slab: %ld", &m->slab);
	}
	if (m->free < 0 || m->avail < 0 || m->slab < 0)
		return -1;
	m->pcp = pcp_kb();
	m->free += m->pcp;
	m->avail += m->pcp;
	return 0;
}

/*
 * Let the frees that wait for RCU and the dentries of dead tasks go, then
 * take the best of a few readings: transient allocations only lower
 * MemFree and raise Slab.
 */
static int mem_settle(struct mem *best)
{
	struct mem m;
	int i;

	sync();
	write_text("/proc/sys/vm/drop_caches", "3\n");
	usleep(500000);
	for (i = 0; i < 5; i++) {
		if (mem_read(&m))
			return -1;
		if (!i || m.free > best->free) {
			best->free = m.free;
			best->pcp = m.pcp;
		}
		if (!i || m.avail > best->avail)
			best->avail = m.avail;
		if (!i || m.slab < best->slab)
			best->slab = m.slab;
		usleep(200000);
	}
	return 0;
}

enum { OP_UNSHARE, OP_FD_LAST, OP_FORK, OP_SETNS, OP_CLONE3, NR_OPS };

/*
 * One round of the churn. A fork() and wait() take 5-20 ms on a TCG
 * guest, an unshare() under 1 ms: the cheap ways come more often, so that
 * the count is high enough for the memory check to see a small leak.
 */
static const unsigned char rotation[] = {
	OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_SETNS,
	OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_SETNS,
	OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_SETNS,
	OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_UNSHARE, OP_UNSHARE, OP_FD_LAST, OP_SETNS,
	OP_FORK, OP_CLONE3,
};

static const char *const op_name[NR_OPS] = {
	"unshare", "fd-last", "fork", "setns", "clone3",
};

struct churn {
	unsigned long	created;
	unsigned long	ops[NR_OPS];
	int64_t		op_ns[NR_OPS];
	unsigned long	errors;
	char		first_error[240];
	ino_t		tfc;	/* our namespace for children */
	int		pipe[2];
};

static int churn_err(struct churn *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->errors++) {
		va_start(ap, fmt);
		vsnprintf(c->first_error, sizeof(c->first_error), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* unshare(CLONE_NEWTIME): a new namespace for children, not the previous one. */
static int churn_unshare(struct churn *c)
{
	ino_t ino;

	if (unshare(CLONE_NEWTIME))
		return churn_err(c, "unshare: %m");
	c->created++;
	ino = path_ino(TFC_PATH);
	if (!ino || ino == c->tfc || ino == init_time_ino)
		return churn_err(c, "unshare: time_for_children %lu, was %lu",
				 (unsigned long)ino, (unsigned long)c->tfc);
	c->tfc = ino;
	return 0;
}

/* The first namespace has only an nsfs fd left when that is closed. */
static int churn_fd_last(struct churn *c)
{
	ino_t first;
	int fd;

	if (churn_unshare(c))
		return -1;
	first = c->tfc;
	fd = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return churn_err(c, "fd-last: open: %m");
	if (churn_unshare(c) || fd_ino(fd) != first) {
		churn_err(c, "fd-last: fd shows %lu, not %lu",
			  (unsigned long)fd_ino(fd), (unsigned long)first);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* A child is born into the new namespace; its ns/time is opened while it lives. */
static int churn_fork(struct churn *c)
{
	char path[64];
	int fd, st;
	ino_t ino;
	pid_t pid;

	if (churn_unshare(c))
		return -1;
	pid = fork();
	if (pid < 0)
		return churn_err(c, "fork: %m");
	if (pid == 0) {
		char b;

		close(c->pipe[1]);
		_exit(read(c->pipe[0], &b, 1) == 1 ? 0 : 1);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/time", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ino = fd < 0 ? 0 : fd_ino(fd);
	send_byte(c->pipe[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		churn_err(c, "fork: child status %#x", st);
	if (fd >= 0)
		close(fd);
	if (ino != c->tfc)
		return churn_err(c, "fork: child in %lu, not %lu",
				 (unsigned long)ino, (unsigned long)c->tfc);
	return 0;
}

static int check_delta(struct churn *c, const char *what, int64_t d,
		       int64_t off)
{
	if (d < off || d > off + SLACK_NS)
		return churn_err(c, "setns: %s moved %lld ns, expected %lld",
				 what, (long long)d, (long long)off);
	return 0;
}

/*
 * setns() into a new namespace, with an offset every other time, and back
 * to the initial one; the clocks, through the vDSO and the system call,
 * must follow each move.
 */
static int churn_setns(struct churn *c, unsigned long n)
{
	int64_t off = (n & 1) ? 86400 * NSEC_PER_SEC : 0;
	int64_t t0, t0s;
	int fd, err;

	if (churn_unshare(c))
		return -1;
	if (off) {
		err = write_text(OFFS_PATH, "monotonic 86400 0\n");
		if (err)
			return churn_err(c, "setns: offsets: %s", strerror(-err));
	}
	fd = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return churn_err(c, "setns: open: %m");
	t0 = now_ns(CLOCK_MONOTONIC);
	t0s = sys_now_ns(CLOCK_MONOTONIC);
	if (setns(fd, CLONE_NEWTIME)) {
		close(fd);
		return churn_err(c, "setns: in: %m");
	}
	err = check_delta(c, "vDSO CLOCK_MONOTONIC in", now_ns(CLOCK_MONOTONIC) - t0, off);
	err |= check_delta(c, "syscall CLOCK_MONOTONIC in",
			   sys_now_ns(CLOCK_MONOTONIC) - t0s, off);
	if (path_ino(TIME_PATH) != c->tfc || path_ino(TFC_PATH) != c->tfc)
		err = churn_err(c, "setns: in: time %lu tfc %lu, not %lu",
				(unsigned long)path_ino(TIME_PATH),
				(unsigned long)path_ino(TFC_PATH),
				(unsigned long)c->tfc);
	if (setns(init_time_fd, CLONE_NEWTIME)) {
		close(fd);
		return churn_err(c, "setns: back: %m");
	}
	c->tfc = init_time_ino;
	err |= check_delta(c, "vDSO CLOCK_MONOTONIC back", now_ns(CLOCK_MONOTONIC) - t0, 0);
	err |= check_delta(c, "syscall CLOCK_MONOTONIC back",
			   sys_now_ns(CLOCK_MONOTONIC) - t0s, 0);
	if (path_ino(TIME_PATH) != init_time_ino ||
	    path_ino(TFC_PATH) != init_time_ino)
		err = churn_err(c, "setns: back: time %lu tfc %lu",
				(unsigned long)path_ino(TIME_PATH),
				(unsigned long)path_ino(TFC_PATH));
	/* The last reference. */
	close(fd);
	return err;
}

/* clone3() puts the child into a namespace of its own at once. */
static int churn_clone3(struct churn *c)
{
	pid_t pid;
	int st;

	pid = clone3_newtime();
	if (pid < 0)
		return churn_err(c, "clone3: %m");
	if (pid == 0) {
		ino_t t = path_ino(TIME_PATH);

		_exit(t && t != init_time_ino && t != c->tfc &&
		      path_ino(TFC_PATH) == t ? 0 : 1);
	}
	c->created++;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return churn_err(c, "clone3: child status %#x (1: wrong namespace)", st);
	return 0;
}

/*
 * Run the rotation until @count namespaces were created or @deadline
 * (CLOCK_MONOTONIC, read only while in the initial namespace) passed, or
 * after too many errors.
 */
static void churn_run(struct churn *c, unsigned long count, int64_t deadline)
{
	unsigned long i;
	int ret;

	c->tfc = init_time_ino;
	for (i = 0; c->created < count && c->errors < 10; i++) {
		int64_t t = now_ns(CLOCK_MONOTONIC);
		int op = rotation[i % ARRAY_SIZE(rotation)];

		if (t > deadline)
			break;
		switch (op) {
		case OP_UNSHARE:
			ret = churn_unshare(c);
			break;
		case OP_FD_LAST:
			ret = churn_fd_last(c);
			break;
		case OP_FORK:
			ret = churn_fork(c);
			break;
		case OP_SETNS:
			ret = churn_setns(c, c->ops[OP_SETNS]);
			break;
		default:
			ret = churn_clone3(c);
			break;
		}
		if (!ret)
			c->ops[op]++;
		c->op_ns[op] += now_ns(CLOCK_MONOTONIC) - t;
	}
	/* Drop the last namespace for children. */
	if (setns(init_time_fd, CLONE_NEWTIME))
		churn_err(c, "final setns: %m");
	c->tfc = init_time_ino;
}

static void mem_print(const char *what, const struct mem *m)
{
	ksft_print_msg("meminfo %-9s MemFree %ld kB, MemAvailable %ld kB (with %ld kB on per-CPU lists), Slab %ld kB\n",
		       what, m->free, m->avail, m->pcp, m->slab);
}

static void test_churn(unsigned long count, unsigned int seconds)
{
	struct mem base, held, rel, after;
	long c_before, c_after, drop_kb;
	bool kasan = kernel_has_kasan();
	struct churn c = { 0 };
	int64_t start, per_ns;
	int n, err, i;
	double secs;

	if (pipe(c.pipe)) {
		ksft_print_msg("pipe: %m\n");
		return;
	}

	/* First allocations (caches, IDR nodes, dentries) before the baseline. */
	churn_run(&c, 300, INT64_MAX);
	c_before = ns_count();

	if (mem_settle(&base)) {
		rec(C_MEM_CONTROL, R_FAIL, "cannot read /proc/meminfo");
		return;
	}
	mem_print("baseline", &base);

	/* The control: what CONTROL_NS held namespaces look like. */
	if (limit_get() < CONTROL_NS + 64)
		limit_set(CONTROL_NS + 64);
	n = hold_ns(0, CONTROL_NS, &err);
	mem_settle(&held);
	release_ns(0, n);
	limit_set(orig_limit);
	mem_settle(&rel);
	mem_print("held", &held);
	mem_print("released", &rel);
	drop_kb = base.free - held.free;
	per_ns = n ? drop_kb * 1024 / n : 0;
	ksft_print_msg("control: %d namespaces held: MemFree -%ld kB (%lld bytes each), Slab +%ld kB (%lld bytes each)\n",
		       n, drop_kb, (long long)per_ns, held.slab - base.slab,
		       n ? (long long)(held.slab - base.slab) * 1024 / n : 0LL);
	rec(C_MEM_CONTROL,
	    n == CONTROL_NS && drop_kb * 1024 >= (long)n * 4096 * 3 / 4 &&
	    (kasan || labs(base.free - rel.free) <= MEM_TOL_KB) ? R_PASS : R_FAIL,
	    "%d held: -%ld kB, %lld bytes each (at least 3/4 of a page), released: %+ld kB%s",
	    n, drop_kb, (long long)per_ns, rel.free - base.free,
	    kasan ? " (KASAN: not checked)" : "");

	c.created = 0;
	memset(c.ops, 0, sizeof(c.ops));
	memset(c.op_ns, 0, sizeof(c.op_ns));
	start = now_ns(CLOCK_MONOTONIC);
	churn_run(&c, count, start + (int64_t)seconds * NSEC_PER_SEC);
	secs = (now_ns(CLOCK_MONOTONIC) - start) / 1e9;
	ksft_print_msg("churn: %lu namespaces in %.1f s (%.0f/s), limit %lu namespaces or %u s\n",
		       c.created, secs, c.created / secs, count, seconds);
	for (i = 0; i < NR_OPS; i++)
		ksft_print_msg("churn: %-8s %lu cycles, %lld us each\n", op_name[i],
			       c.ops[i], (long long)(c.op_ns[i] / 1000 / (c.ops[i] ?: 1)));
	if (c.errors)
		ksft_print_msg("churn: %lu errors, first: %s\n", c.errors,
			       c.first_error);
	rec(C_CHURN, c.errors || !c.created ? R_FAIL : R_PASS,
	    "%lu in %.1f s%s%s", c.created, secs, c.errors ? ", first error: " : "",
	    c.first_error);

	mem_settle(&after);
	mem_print("after", &after);
	ksft_print_msg("after %lu namespaces: MemFree %+ld kB, MemAvailable %+ld kB, Slab %+ld kB (%+.1f, %+.1f, %+.1f bytes per namespace)\n",
		       c.created, after.free - rel.free, after.avail - rel.avail,
		       after.slab - rel.slab,
		       (after.free - rel.free) * 1024.0 / (c.created ?: 1),
		       (after.avail - rel.avail) * 1024.0 / (c.created ?: 1),
		       (after.slab - rel.slab) * 1024.0 / (c.created ?: 1));
	if (kasan) {
		rec(C_MEM_FREE, R_SKIP, "KASAN's quarantine keeps freed objects");
		rec(C_MEM_SLAB, R_SKIP, "KASAN's quarantine keeps freed objects");
	} else if (c.created < MEM_MIN_NS) {
		rec(C_MEM_FREE, R_SKIP, "only %lu namespaces: a leaked page each would not exceed the %ld kB tolerance",
		    c.created, MEM_TOL_KB);
		rec(C_MEM_SLAB, R_SKIP, "only %lu namespaces", c.created);
	} else {
		long lf = rel.free - after.free, la = rel.avail - after.avail;
		long ls = after.slab - rel.slab;

		rec(C_MEM_FREE, lf <= MEM_TOL_KB && la <= MEM_TOL_KB ? R_PASS : R_FAIL,
		    "MemFree %+ld kB, MemAvailable %+ld kB (tolerance -%ld kB: a leak of %ld bytes per namespace)",
		    -lf, -la, MEM_TOL_KB, MEM_TOL_KB * 1024 / (long)c.created);
		rec(C_MEM_SLAB, ls <= SLAB_TOL_KB ? R_PASS : R_FAIL,
		    "Slab %+ld kB (tolerance %ld kB: a leak of %ld bytes per namespace)",
		    ls, SLAB_TOL_KB, SLAB_TOL_KB * 1024 / (long)c.created);
	}

	c_after = ns_count();
	ksft_print_msg("namespaces charged to root: %ld before, %ld after\n",
		       c_before, c_after);
	if (c_before < 0 || c_after < 0)
		rec(C_CHURN_COUNT, R_FAIL, "cannot count (%ld, %ld)", c_before, c_after);
	else
		rec(C_CHURN_COUNT, c_before == c_after ? R_PASS : R_FAIL,
		    "%ld before, %ld after", c_before, c_after);
	close(c.pipe[0]);
	close(c.pipe[1]);
}

/* Part 2: max_time_namespaces */

/* Another user, in a user namespace of its own, can still create one. */
static int child_per_user(void *arg)
{
	if (drop_privs() || unshare(CLONE_NEWUSER)) {
		rec(C_LIM_PER_USER, R_FAIL, "uid %d user namespace: %m", NOBODY);
		return 1;
	}
	if (unshare(CLONE_NEWTIME)) {
		rec(C_LIM_PER_USER, R_FAIL, "uid %d: unshare: %m", NOBODY);
		return 1;
	}
	rec(C_LIM_PER_USER, R_PASS, "uid %d created one", NOBODY);
	return 0;
}

/* Root in a child user namespace is bound by the parent's limit. */
static int child_userns_parent(void *arg)
{
	struct ns_state a, b;
	long lim;
	int ret;

	if (unshare(CLONE_NEWUSER)) {
		rec(C_LIM_USERNS_PARENT, R_FAIL, "unshare(CLONE_NEWUSER): %m");
		return 1;
	}
	lim = limit_get();
	rec(C_LIM_USERNS_PARENT, lim == INT32_MAX ? R_PASS : R_FAIL,
	    "its own limit reads %ld (expected %d)", lim, INT32_MAX);
	state_get(&a);
	ret = unshare(CLONE_NEWTIME);
	rec(C_LIM_USERNS_PARENT,
	    ret < 0 && errno == ENOSPC ? R_PASS : R_FAIL,
	    "unshare: %s", ret ? strerror(errno) : "succeeded");
	state_get(&b);
	rec(C_LIM_USERNS_PARENT, state_eq(&a, &b) ? R_PASS : R_FAIL,
	    "%s", state_diff(&a, &b));
	return 0;
}

struct own_limit {
	int	c2p[2];
	int	p2c[2];
};

/* A limit of 3 in a child user namespace, while the parent's has room. */
static int child_userns_own(void *arg)
{
	struct own_limit *ol = arg;
	int n, err, ret = 1;

	close(ol->c2p[0]);
	close(ol->p2c[1]);
	if (unshare(CLONE_NEWUSER)) {
		rec(C_LIM_USERNS_OWN, R_FAIL, "unshare(CLONE_NEWUSER): %m");
		goto out;
	}
	err = limit_set(3);
	if (err || limit_get() != 3) {
		rec(C_LIM_USERNS_OWN, R_FAIL, "set its limit to 3: %s, reads %ld",
		    strerror(-err), limit_get());
		goto out;
	}
	n = hold_ns(0, 10, &err);
	rec(C_LIM_USERNS_OWN, n == 3 && err == ENOSPC ? R_PASS : R_FAIL,
	    "inside: %d created, then %s", n, err ? strerror(err) : "no error");
	ret = 0;
out:
	send_byte(ol->c2p[1]);
	wait_byte(ol->p2c[0]);
	return ret;
}

static void test_limit(void)
{
	struct own_limit ol;
	struct ns_state a, b, c;
	int n, n2, err, ret, ret2;
	long c0, lim;
	pid_t pid;

	c0 = ns_count();
	ksft_print_msg("limit: %ld namespaces charged to root, limit %ld\n",
		       c0, orig_limit);
	if (c0 < 0) {
		rec(C_LIM_EXACT, R_FAIL, "cannot count the namespaces charged to root");
		return;
	}

	if (limit_set(c0 + 5)) {
		rec(C_LIM_EXACT, R_FAIL, "cannot set %s: %m", LIMIT_PATH);
		return;
	}
	n = hold_ns(0, 20, &err);
	rec(C_LIM_EXACT, n == 5 && err == ENOSPC ? R_PASS : R_FAIL,
	    "limit %ld: %d created, then %s", c0 + 5, n,
	    err ? strerror(err) : "no error");

	/* Alone, and with a namespace that would be created before it. */
	state_get(&a);
	ret = unshare(CLONE_NEWTIME);
	err = errno;
	state_get(&b);
	ret2 = unshare(CLONE_NEWTIME | CLONE_NEWUTS);
	errno = ret2 ? errno : 0;
	state_get(&c);
	rec(C_LIM_NOCHANGE, ret < 0 && err == ENOSPC ? R_PASS : R_FAIL,
	    "unshare(CLONE_NEWTIME): %s, %s", ret ? strerror(err) : "succeeded",
	    state_diff(&a, &b));
	rec(C_LIM_NOCHANGE, ret2 < 0 && errno == ENOSPC ? R_PASS : R_FAIL,
	    "with CLONE_NEWUTS: %s", ret2 ? strerror(errno) : "succeeded");
	rec(C_LIM_NOCHANGE, state_eq(&a, &c) ? R_PASS : R_FAIL, "%s",
	    state_diff(&a, &c));

	fflush(stdout);
	pid = clone3_newtime();
	if (pid == 0)
		_exit(0);
	err = errno;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	rec(C_LIM_CLONE3, pid < 0 && err == ENOSPC && no_children() ? R_PASS : R_FAIL,
	    "%s", pid < 0 ? strerror(err) : "a child was created");

	close(fds[0]);
	fds[0] = -1;
	n2 = hold_ns(n, 5, &err);
	rec(C_LIM_FREE_ONE, n2 == 1 && err == ENOSPC ? R_PASS : R_FAIL,
	    "one closed: %d created, then %s", n2, err ? strerror(err) : "no error");
	n += n2;

	ret = run_child(child_per_user, NULL);
	if (ret)
		rec(C_LIM_PER_USER, R_FAIL, "child status %d", ret);
	ret = run_child(child_userns_parent, NULL);
	if (ret)
		rec(C_LIM_USERNS_PARENT, R_FAIL, "child status %d", ret);

	release_ns(0, n);
	if (limit_set(c0 + 8) || pipe(ol.c2p) || pipe(ol.p2c)) {
		rec(C_LIM_USERNS_OWN, R_FAIL, "setup: %m");
		goto restore;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_userns_own(&ol));
	close(ol.c2p[1]);
	close(ol.p2c[0]);
	if (pid > 0 && wait_byte(ol.c2p[0])) {
		/* The child holds 3 of the 8 that root may have. */
		lim = limit_get();
		n = hold_ns(0, 20, &err);
		rec(C_LIM_USERNS_OWN, n == 5 && err == ENOSPC && lim == c0 + 8 ?
		    R_PASS : R_FAIL,
		    "outside: limit still %ld, %d created, then %s", lim, n,
		    err ? strerror(err) : "no error");
		release_ns(0, n);
	}
	send_byte(ol.p2c[1]);
	close(ol.c2p[0]);
	close(ol.p2c[1]);
	if (pid > 0) {
		waitpid(pid, &ret, 0);
		if (ret)
			rec(C_LIM_USERNS_OWN, R_FAIL, "child status %#x", ret);
	}

restore:
	limit_set(orig_limit);
	lim = limit_get();
	n = ns_count();
	rec(C_LIM_RESTORE, lim == orig_limit && n == c0 ? R_PASS : R_FAIL,
	    "reads %ld, was %ld; %d charged, was %ld", lim, orig_limit, n, c0);
}

/* Part 3: ownership */

struct owner_test {
	int	sock[2];
	int	fd_init;	/* /proc/self/ns/time, the initial namespace */
	int	fd_root;	/* a namespace that root created and owns */
};

/* setns() into root's namespaces fails and changes nothing. */
static void setns_refused(int id, const struct owner_test *ot)
{
	struct ns_state a, b;
	int r1, e1, r2, e2;

	state_get(&a);
	r1 = setns(ot->fd_root, CLONE_NEWTIME);
	e1 = errno;
	r2 = setns(ot->fd_init, CLONE_NEWTIME);
	e2 = errno;
	state_get(&b);
	rec(id, r1 < 0 && e1 == EPERM && r2 < 0 && e2 == EPERM &&
	    state_eq(&a, &b) ? R_PASS : R_FAIL,
	    "root's new one: %s, the initial one: %s, %s",
	    r1 ? strerror(e1) : "succeeded", r2 ? strerror(e2) : "succeeded",
	    state_diff(&a, &b));
}

/* Writing the offsets of root's namespace for children fails and changes nothing. */
static int write_refused(int id, const char *line)
{
	struct ns_state a, b;
	int fd, ret, err;

	state_get(&a);
	fd = open(OFFS_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rec(id, R_FAIL, "open %s: %m", OFFS_PATH);
		return -1;
	}
	ret = write(fd, line, strlen(line));
	err = errno;
	state_get(&b);
	rec(id, ret < 0 && err == EPERM && state_eq(&a, &b) ? R_PASS : R_FAIL,
	    "%s, %s", ret < 0 ? strerror(err) : "succeeded", state_diff(&a, &b));
	return fd;
}

/* The clocks of a child of ours, which is born into our namespace for children. */
static int check_child_clocks(int id, int64_t mono, int64_t boot)
{
	int64_t m0 = now_ns(CLOCK_MONOTONIC), b0 = now_ns(CLOCK_BOOTTIME);
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int64_t d[4] = {
			now_ns(CLOCK_MONOTONIC) - m0 - mono,
			sys_now_ns(CLOCK_MONOTONIC) - m0 - mono,
			now_ns(CLOCK_BOOTTIME) - b0 - boot,
			sys_now_ns(CLOCK_BOOTTIME) - b0 - boot,
		};
		int i;

		for (i = 0; i < 4; i++) {
			if (d[i] < 0 || d[i] > SLACK_NS) {
				ksft_print_msg("child clocks off: vdso mono %+lld, sys mono %+lld, vdso boot %+lld, sys boot %+lld ns\n",
					       (long long)d[0], (long long)d[1],
					       (long long)d[2], (long long)d[3]);
				fflush(stdout);
				_exit(1);
			}
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st) {
		rec(id, R_FAIL, "child in the namespace: status %#x", st);
		return -1;
	}
	rec(id, R_PASS, "a child reads the clocks %+llds/%+llds",
	    (long long)(mono / NSEC_PER_SEC), (long long)(boot / NSEC_PER_SEC));
	return 0;
}

static int child_owner(void *arg)
{
	struct owner_test *ot = arg;
	struct ns_state a, b;
	int fd, ufd, ret, err;
	long long off[4];
	ino_t ino, tfc;
	pid_t pid;

	close(ot->sock[0]);

	/* Root creates a namespace it owns, not entered yet. */
	if (unshare(CLONE_NEWTIME)) {
		rec(C_UNPRIV_UNSHARE, R_FAIL, "root: unshare: %m");
		return 1;
	}
	ot->fd_root = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
	if (ot->fd_root < 0 || drop_privs()) {
		rec(C_UNPRIV_UNSHARE, R_FAIL, "setup: %m");
		return 1;
	}

	/* Without a user namespace */
	state_get(&a);
	ret = unshare(CLONE_NEWTIME);
	err = errno;
	state_get(&b);
	rec(C_UNPRIV_UNSHARE, ret < 0 && err == EPERM && state_eq(&a, &b) ?
	    R_PASS : R_FAIL, "uid %d: %s, %s", NOBODY,
	    ret ? strerror(err) : "succeeded", state_diff(&a, &b));

	fflush(stdout);
	pid = clone3_newtime();
	if (pid == 0)
		_exit(0);
	err = errno;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	state_get(&b);
	rec(C_UNPRIV_CLONE3, pid < 0 && err == EPERM && no_children() &&
	    state_eq(&a, &b) ? R_PASS : R_FAIL, "uid %d: %s, %s", NOBODY,
	    pid < 0 ? strerror(err) : "a child was created", state_diff(&a, &b));

	fd = write_refused(C_UNPRIV_WRITE_ROOT, "monotonic 500 0\n");
	setns_refused(C_UNPRIV_SETNS, ot);

	/*
	 * The opener of @fd lacks CAP_SYS_TIME: root fails to write through
	 * it, and succeeds through a file of its own.
	 */
	if (fd < 0 || send_fd(ot->sock[1], fd) || !wait_byte(ot->sock[1])) {
		rec(C_OPENER_CREDS, R_FAIL, "fd passing failed");
	} else {
		ret = offsets_get(off);
		rec(C_OPENER_CREDS, !ret && off[0] == 500 && off[1] == 0 ?
		    R_PASS : R_FAIL, "the owner reads monotonic %lld %lld",
		    ret ? -1 : off[0], ret ? -1 : off[1]);
	}
	if (fd >= 0)
		close(fd);

	/* In a user namespace of its own: capabilities, but not over root's. */
	if (unshare(CLONE_NEWUSER)) {
		rec(C_USERNS_WRITE_ROOT, R_FAIL, "unshare(CLONE_NEWUSER): %m");
		return 1;
	}
	fd = write_refused(C_USERNS_WRITE_ROOT, "monotonic 700 0\n");
	if (fd >= 0)
		close(fd);
	setns_refused(C_USERNS_SETNS, ot);

	/* A namespace of its own, owned by its user namespace. */
	state_get(&a);
	if (unshare(CLONE_NEWTIME)) {
		rec(C_UNPRIV_OWNER, R_FAIL, "unshare: %m");
		return 1;
	}
	state_get(&b);
	tfc = b.tfc;
	fd = open(TFC_PATH, O_RDONLY | O_CLOEXEC);
	ufd = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
	ino = ufd < 0 ? 0 : fd_ino(ufd);
	rec(C_UNPRIV_OWNER, b.tfc != a.tfc && b.time == a.time &&
	    ino == b.user && ino != init_user_ino ? R_PASS : R_FAIL,
	    "tfc %lu->%lu, time %lu->%lu, owner %lu (our user ns %lu, initial %lu)",
	    (unsigned long)a.tfc, (unsigned long)b.tfc,
	    (unsigned long)a.time, (unsigned long)b.time, (unsigned long)ino,
	    (unsigned long)b.user, (unsigned long)init_user_ino);
	if (ufd >= 0)
		close(ufd);

	err = write_text(OFFS_PATH, "monotonic 1000 0\nboottime 2000 0\n");
	ret = offsets_get(off);
	rec(C_UNPRIV_OFFSETS, !err && !ret && off[0] == 1000 && off[1] == 0 &&
	    off[2] == 2000 && off[3] == 0 ? R_PASS : R_FAIL,
	    "write: %s, reads %lld %lld %lld %lld", err ? strerror(-err) : "ok",
	    off[0], off[1], off[2], off[3]);
	check_child_clocks(C_UNPRIV_OFFSETS, 1000 * NSEC_PER_SEC,
			   2000 * NSEC_PER_SEC);

	/* setns() into it works; out of it to root's does not. */
	if (fd < 0 || setns(fd, CLONE_NEWTIME)) {
		rec(C_USERNS_SETNS_OWN, R_FAIL, "setns: %m");
		return 1;
	}
	state_get(&a);
	rec(C_USERNS_SETNS_OWN, a.time == tfc && a.tfc == tfc ? R_PASS : R_FAIL,
	    "in: time %lu, tfc %lu", (unsigned long)a.time, (unsigned long)a.tfc);
	{
		int64_t d = now_ns(CLOCK_MONOTONIC) - sys_now_ns(CLOCK_MONOTONIC);
		int64_t h = sys_now_ns(CLOCK_MONOTONIC);

		rec(C_USERNS_SETNS_OWN, llabs(d) < SLACK_NS &&
		    h > 1000 * NSEC_PER_SEC ? R_PASS : R_FAIL,
		    "vDSO - syscall %lld ns, CLOCK_MONOTONIC %lld s",
		    (long long)d, (long long)(h / NSEC_PER_SEC));
	}
	setns_refused(C_USERNS_SETNS_OWN, ot);
	close(fd);
	return 0;
}

static void test_owner(void)
{
	struct owner_test ot = { .fd_init = init_time_fd };
	char path[64];
	int fd, ret, st;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ot.sock)) {
		rec(C_UNPRIV_UNSHARE, R_FAIL, "socketpair: %m");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ret = child_owner(&ot);
		fflush(stdout);
		_exit(ret);
	}
	close(ot.sock[1]);
	if (pid < 0) {
		rec(C_UNPRIV_UNSHARE, R_FAIL, "fork: %m");
		return;
	}

	fd = recv_fd(ot.sock[0]);
	if (fd >= 0) {
		ret = write(fd, "monotonic 500 0\n", 16);
		rec(C_OPENER_CREDS, ret < 0 && errno == EPERM ? R_PASS : R_FAIL,
		    "root through the fd of uid %d: %s", NOBODY,
		    ret < 0 ? strerror(errno) : "succeeded");
		close(fd);
		snprintf(path, sizeof(path), "/proc/%d/timens_offsets", pid);
		ret = write_text(path, "monotonic 500 0\n");
		rec(C_OPENER_CREDS, !ret ? R_PASS : R_FAIL,
		    "root through its own fd: %s", ret ? strerror(-ret) : "ok");
		send_byte(ot.sock[0]);
	}
	close(ot.sock[0]);
	if (waitpid(pid, &st, 0) != pid || st)
		ksft_print_msg("owner test child: status %#x\n", st);
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

int main(int argc, char **argv)
{
	unsigned long count = env_ul("TIMENS_LIFETIME_COUNT", DEF_COUNT);
	unsigned int seconds = env_ul("TIMENS_LIFETIME_SECONDS", DEF_SECONDS);
	struct rlimit rl = { CONTROL_NS + 1024, CONTROL_NS + 1024 };
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	int opt;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-t SECONDS]\n", argv[0]);
			return KSFT_FAIL;
		}
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	if (access(TIME_PATH, F_OK))
		ksft_exit_skip("no time namespaces (%s: %m)\n", TIME_PATH);
	if (geteuid())
		ksft_exit_skip("must run as root\n");

	results = mmap(NULL, sizeof(*results) * NR_CASES, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %m\n");
	memset(fds, -1, sizeof(fds));
	if (setrlimit(RLIMIT_NOFILE, &rl))
		ksft_exit_fail_msg("setrlimit(RLIMIT_NOFILE): %m\n");

	init_time_fd = open(TIME_PATH, O_RDONLY | O_CLOEXEC);
	init_time_ino = fd_ino(init_time_fd);
	init_user_ino = path_ino("/proc/self/ns/user");
	if (init_time_fd < 0 || path_ino(TFC_PATH) != init_time_ino)
		ksft_exit_fail_msg("not in the initial time namespace\n");
	orig_limit = limit_get();
	if (orig_limit < 0)
		ksft_exit_fail_msg("cannot read %s\n", LIMIT_PATH);
	atexit(limit_restore);

	ksft_set_plan(NR_CASES);
	test_churn(count, seconds);
	report(C_CHURN, C_CHURN_COUNT);
	test_limit();
	report(C_LIM_EXACT, C_LIM_RESTORE);
	test_owner();
	report(C_UNPRIV_UNSHARE, C_USERNS_SETNS_OWN);
	ksft_print_msg("total %.1f s\n", (now_ns(CLOCK_MONOTONIC) - t0) / 1e9);
	ksft_finished();
}
