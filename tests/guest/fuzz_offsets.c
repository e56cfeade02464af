// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_offsets: fuzz the parser of /proc/PID/timens_offsets against a
 * reference model of its documented grammar.
 *
 * The process unshares a time namespace once: its namespace for children
 * is then a fresh one that no task has entered, whose offsets it can set
 * through /proc/self/timens_offsets.  It writes random and mutated input
 * there over and over (valid lines, edge numbers, junk, binary bytes, many
 * lines, prefixes of valid lines, writes at a file position other than 0,
 * writes around PAGE_SIZE) and after every write reads the file back.  The
 * model, written here from Documentation/filesystems/proc.rst and not from
 * the kernel's parser, predicts for each write whether it is accepted and
 * with which offsets, or the errno it fails with.  A rejected write must
 * leave the offsets as they were, an accepted one must set exactly what
 * the model says.  Finally a child is forked, which enters the namespace:
 * from then on every write must fail (EACCES for a valid one) and change
 * nothing, and reading must keep working, in the parent and in the child.
 *
 * Bounded in writes and in time; the run is reproducible from the seed:
 *   fuzz_offsets [-s SEED] [-n WRITES] [-t SECONDS]
 * or FUZZ_OFFSETS_SEED, FUZZ_OFFSETS_WRITES, FUZZ_OFFSETS_TIME.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#define NSEC_PER_SEC	1000000000LL
#define KTIME_MAX	INT64_MAX
#define KTIME_SEC_MAX	(KTIME_MAX / NSEC_PER_SEC)
/* A namespace clock must start in [0, NS_CLOCK_MAX]. */
#define NS_CLOCK_MAX	(KTIME_MAX / 2)

#define DEFAULT_SEED	0x74696d656e73ULL
#define DEFAULT_WRITES	100000UL
#define DEFAULT_SECONDS	20.0
/*
 * The kernel samples its clocks at another moment than the test, and may
 * take a clock lagging CLOCK_MONOTONIC: within this much of a bound of the
 * range either outcome is allowed, as long as it is consistent.
 */
#define BORDER_NS	(10 * NSEC_PER_SEC)
#define MAX_SHOWN	3
#define OFFSETS_FILE	"/proc/self/timens_offsets"

_Static_assert(CLOCK_MONOTONIC == 1 && CLOCK_BOOTTIME == 7,
	       "the clockid numbers the file accepts");

enum { MONO, BOOT, NR_CLOCKS };

static const char * const clock_name[NR_CLOCKS] = { "monotonic", "boottime" };
static const clockid_t clock_id[NR_CLOCKS] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME };

struct offsets {
	int64_t sec[NR_CLOCKS];
	int64_t nsec[NR_CLOCKS];
};

/* The errnos a write may fail with, as a mask */
#define E_INVAL		(1U << 0)
#define E_RANGE		(1U << 1)
#define E_ACCES		(1U << 2)
#define E_SPIPE		(1U << 3)

/**
 * struct outcome - What the model allows a write to do
 * @errs:	Errnos it may fail with
 * @nacc:	Number of entries in @acc
 * @acc:	Offsets it may be accepted with
 * @have_set:	@set is valid
 * @set:	Offsets a write that the kernel accepts must set, even where
 *		the model says it must fail (to check consistency)
 * @readings:	Number of readings of the input the model allowed
 * @beyond:	Fails only for seconds beyond +-KTIME_SEC_MAX on a line that a
 *		later one overrides (for the diagnostics)
 */
struct outcome {
	unsigned int	errs;
	unsigned int	nacc;
	struct offsets	acc[4];
	bool		have_set;
	struct offsets	set;
	unsigned int	readings;
	bool		beyond;
};

/**
 * struct model_env - What the outcome of a write depends on
 * @page:	PAGE_SIZE
 * @now:	Host CLOCK_MONOTONIC and CLOCK_BOOTTIME, in ns
 * @margin:	Width of the border of the clock range, in ns
 * @cur:	Offsets of the namespace before the write
 */
struct model_env {
	size_t		page;
	int64_t		now[NR_CLOCKS];
	int64_t		margin;
	struct offsets	cur;
};

/*
 * The model.
 *
 * A write at file position 0 of less than PAGE_SIZE bytes holds lines
 * separated by '\n'.  A line of white space only (or empty) is skipped,
 * every other line must be "<clock> <seconds> <nanoseconds>": the fields
 * separated by runs of white space, with white space allowed before and
 * after.  <clock> is exactly "monotonic", "boottime", "1" or "7".
 * <seconds> is an optional sign and decimal digits; a value that does not
 * fit s64 or is beyond +-KTIME_SEC_MAX is ERANGE, anything else is EINVAL.
 * <nanoseconds> is an optional '+' and decimal digits below NSEC_PER_SEC;
 * anything else (a minus sign included) is EINVAL.  A write needs one line
 * at least.  A later line for a clock overrides an earlier one; the final
 * offset of each clock given must put the namespace clock, host clock plus
 * offset, in [0, KTIME_MAX / 2], else ERANGE.  Either everything is set or
 * nothing.
 *
 * Where the documentation leaves a choice open, the model allows each
 * reading and the kernel must match one of them:
 * - Which errno a write with several faults fails with: any of them.
 * - Digits too large for s64 followed by junk: EINVAL or ERANGE.
 * - White space: the kernel's ctype counts ' ', '\t', '\v', '\f', '\r'
 *   and 0xa0 (Latin-1 NBSP) as such.  A line of nothing else is blank;
 *   that ' ', '\t' and '\r' separate fields is certain, that '\v', '\f'
 *   and 0xa0 do as well is one reading, that they do not the other.
 * - A NUL byte: it ends the input (as for a C string), or it is junk.
 * - Within BORDER_NS of a bound of the clock range: accepted or ERANGE.
 * - A pwrite() may fail with ESPIPE: seq_file files do not support it.
 */
struct interp {
	bool	nul_is_junk;
	bool	wide_sep;
};

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' ||
	       c == 0xa0;
}

static bool is_sep(unsigned char c, const struct interp *ip)
{
	if (c == ' ' || c == '\t' || c == '\r')
		return true;
	return ip->wide_sep && is_blank(c);
}

static int parse_clock(const unsigned char *s, size_t len)
{
	static const struct {
		const char	*name;
		int		clk;
	} names[] = {
		{ "monotonic",	MONO },
		{ "1",		MONO },
		{ "boottime",	BOOT },
		{ "7",		BOOT },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (strlen(names[i].name) == len && !memcmp(names[i].name, s, len))
			return names[i].clk;
	}
	return -1;
}

/*
 * Parse <seconds>: returns the errnos the field fails with, 0 if none.
 * For a well-formed value beyond +-KTIME_SEC_MAX it returns 0 with *val
 * set and *beyond true: the caller fails the write with ERANGE, but still
 * knows what a kernel that accepts it anyway would set.
 */
static unsigned int parse_sec(const unsigned char *s, size_t len, int64_t *val,
			      bool *beyond)
{
	const unsigned __int128 two63 = (unsigned __int128)1 << 63;
	unsigned __int128 mag = 0;
	bool neg = false, huge = false;
	size_t i = 0, d;

	*beyond = false;
	if (len && (s[0] == '+' || s[0] == '-'))
		neg = s[i++] == '-';
	for (d = i; d < len && s[d] >= '0' && s[d] <= '9'; d++) {
		if (!huge)
			mag = mag * 10 + (s[d] - '0');
		if (mag > two63)
			huge = true;
	}
	if (d == i)
		return E_INVAL;
	if (mag > (neg ? two63 : two63 - 1))
		huge = true;
	if (d != len)
		return huge ? E_INVAL | E_RANGE : E_INVAL;
	if (huge)
		return E_RANGE;
	*val = neg ? (int64_t)(0 - (uint64_t)mag) : (int64_t)mag;
	*beyond = mag > KTIME_SEC_MAX;
	return 0;
}

static unsigned int parse_nsec(const unsigned char *s, size_t len, int64_t *val)
{
	uint64_t v = 0;
	size_t i = 0;

	if (len && s[0] == '+')
		i++;
	if (i == len)
		return E_INVAL;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return E_INVAL;
		/* Stops growing once too large: no overflow. */
		if (v < NSEC_PER_SEC)
			v = v * 10 + (s[i] - '0');
	}
	if (v >= NSEC_PER_SEC)
		return E_INVAL;
	*val = v;
	return 0;
}

enum { R_IN, R_BORDER, R_OUT };

static int range_class(const struct model_env *env, int clk, int64_t sec, int64_t nsec)
{
	__int128 res = (__int128)env->now[clk] + (__int128)sec * NSEC_PER_SEC + nsec;

	if (res < -env->margin || res > (__int128)NS_CLOCK_MAX + env->margin)
		return R_OUT;
	if (res < env->margin || res > (__int128)NS_CLOCK_MAX - env->margin)
		return R_BORDER;
	return R_IN;
}

static bool offsets_equal(const struct offsets *a, const struct offsets *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void add_accept(struct outcome *out, const struct offsets *o)
{
	unsigned int i;

	for (i = 0; i < out->nacc; i++) {
		if (offsets_equal(&out->acc[i], o))
			return;
	}
	if (out->nacc < ARRAY_SIZE(out->acc))
		out->acc[out->nacc++] = *o;
}

static void model_one(const unsigned char *buf, size_t len, const struct interp *ip,
		      const struct model_env *env, struct outcome *out)
{
	bool have[NR_CLOCKS] = { false, false };
	bool bad = false, beyond_any = false, range_any = false;
	struct offsets res = env->cur;
	unsigned int errs = 0, nlines = 0;
	size_t s, e, i;
	int clk;

	if (!ip->nul_is_junk) {
		const unsigned char *z = memchr(buf, 0, len);

		if (z)
			len = z - buf;
	}

	for (s = 0; s <= len; s = e + 1) {
		size_t tok[4], tlen[4], ntok = 0;
		unsigned int lerr;
		int64_t sec = 0, nsec = 0;
		bool beyond;

		for (e = s; e < len && buf[e] != '\n'; e++)
			;
		for (i = s; i < e && is_blank(buf[i]); i++)
			;
		if (i == e)
			continue;
		nlines++;

		for (i = s; i < e;) {
			if (is_sep(buf[i], ip)) {
				i++;
				continue;
			}
			if (ntok < 4) {
				tok[ntok] = i;
				tlen[ntok] = 0;
			}
			while (i < e && !is_sep(buf[i], ip)) {
				if (ntok < 4)
					tlen[ntok]++;
				i++;
			}
			ntok++;
		}
		if (ntok != 3) {
			errs |= E_INVAL;
			bad = true;
			continue;
		}

		clk = parse_clock(buf + tok[0], tlen[0]);
		lerr = clk < 0 ? E_INVAL : 0;
		lerr |= parse_sec(buf + tok[1], tlen[1], &sec, &beyond);
		lerr |= parse_nsec(buf + tok[2], tlen[2], &nsec);
		if (lerr) {
			errs |= lerr | (beyond ? E_RANGE : 0);
			bad = true;
			continue;
		}
		if (beyond)
			beyond_any = true;
		/* A kernel checking each line at once might report this first. */
		if (range_class(env, clk, sec, nsec) != R_IN)
			range_any = true;
		res.sec[clk] = sec;
		res.nsec[clk] = nsec;
		have[clk] = true;
	}

	if (!nlines) {
		out->errs |= E_INVAL;
		return;
	}
	if (bad) {
		if (beyond_any || range_any)
			errs |= E_RANGE;
		out->errs |= errs;
		return;
	}
	if (!out->have_set) {
		out->set = res;
		out->have_set = true;
	}
	/*
	 * The documentation fails a write with seconds beyond KTIME_SEC_MAX
	 * on any line, as it does for bad nanoseconds, even if a later line
	 * overrides that clock.
	 */
	if (beyond_any) {
		out->errs |= E_RANGE;
		for (clk = 0; clk < NR_CLOCKS; clk++) {
			if (have[clk] && range_class(env, clk, res.sec[clk], res.nsec[clk]) == R_OUT)
				return;
		}
		out->beyond = true;
		return;
	}
	for (clk = 0; clk < NR_CLOCKS; clk++) {
		if (!have[clk])
			continue;
		switch (range_class(env, clk, res.sec[clk], res.nsec[clk])) {
		case R_OUT:
			out->errs |= E_RANGE;
			return;
		case R_BORDER:
			errs |= E_RANGE;
			break;
		}
	}
	out->errs |= errs;
	add_accept(out, &res);
}

/* What may a write of @len bytes of @buf at file position @pos do? */
static void model(const unsigned char *buf, size_t len, long long pos,
		  const struct model_env *env, struct outcome *out)
{
	bool has_nul, has_wide = false;
	struct interp ip;
	unsigned int n, w;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (pos != 0 || len >= env->page) {
		out->errs = E_INVAL;
		return;
	}
	has_nul = memchr(buf, 0, len);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\v' || buf[i] == '\f' || buf[i] == 0xa0)
			has_wide = true;
	}
	for (n = 0; n <= has_nul; n++) {
		for (w = 0; w <= has_wide; w++) {
			ip.nul_is_junk = n;
			ip.wide_sep = w;
			model_one(buf, len, &ip, env, out);
			out->readings++;
		}
	}
}

/* Output helpers */

static unsigned int errno_bit(int err)
{
	switch (err) {
	case EINVAL:
		return E_INVAL;
	case ERANGE:
		return E_RANGE;
	case EACCES:
		return E_ACCES;
	case ESPIPE:
		return E_SPIPE;
	}
	return 0;
}

static const char *errno_name(int err)
{
	static char other[24];

	switch (err) {
	case EINVAL:
		return "EINVAL";
	case ERANGE:
		return "ERANGE";
	case EACCES:
		return "EACCES";
	case ESPIPE:
		return "ESPIPE";
	case EPERM:
		return "EPERM";
	case EFAULT:
		return "EFAULT";
	case ESRCH:
		return "ESRCH";
	}
	snprintf(other, sizeof(other), "errno %d", err);
	return other;
}

static void format_offsets(char *buf, size_t size, const struct offsets *o)
{
	snprintf(buf, size, "%-10s %10" PRId64 " %9" PRId64 "\n%-10s %10" PRId64 " %9" PRId64 "\n",
		 clock_name[MONO], o->sec[MONO], o->nsec[MONO],
		 clock_name[BOOT], o->sec[BOOT], o->nsec[BOOT]);
}

/* Parse what the file shows; only its exact format is accepted. */
static bool parse_offsets(const char *text, struct offsets *o)
{
	char again[160];

	if (sscanf(text, "monotonic %" SCNd64 " %" SCNd64 " boottime %" SCNd64 " %" SCNd64,
		   &o->sec[MONO], &o->nsec[MONO], &o->sec[BOOT], &o->nsec[BOOT]) != 4)
		return false;
	format_offsets(again, sizeof(again), o);
	return !strcmp(again, text);
}

/* C-escape @n bytes of @s; long input shows its head and tail. */
static void escape(char *out, size_t size, const unsigned char *s, size_t n)
{
	size_t i, o = 0, head = n > 240 ? 160 : n;

	for (i = 0; i < n && o + 24 < size; i++) {
		unsigned char c = s[i];

		if (i == head) {
			o += snprintf(out + o, size - o, "[...%zu bytes...]", n - head - 60);
			i = n - 60;
			c = s[i];
		}
		switch (c) {
		case '\n':
			o += snprintf(out + o, size - o, "\\n");
			break;
		case '\t':
			o += snprintf(out + o, size - o, "\\t");
			break;
		case '\r':
			o += snprintf(out + o, size - o, "\\r");
			break;
		case '\\':
		case '"':
			o += snprintf(out + o, size - o, "\\%c", c);
			break;
		default:
			if (c >= 0x20 && c < 0x7f)
				out[o++] = c;
			else
				o += snprintf(out + o, size - o, "\\x%02x", c);
		}
	}
	out[o] = '\0';
}

static void describe_outcome(char *buf, size_t size, const struct outcome *o)
{
	static const char * const names[] = { "EINVAL", "ERANGE", "EACCES", "ESPIPE" };
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < o->nacc && n + 64 < size; i++)
		n += snprintf(buf + n, size - n,
			      "%saccept(%" PRId64 ".%09" PRId64 ", %" PRId64 ".%09" PRId64 ")",
			      n ? " or " : "", o->acc[i].sec[MONO], o->acc[i].nsec[MONO],
			      o->acc[i].sec[BOOT], o->acc[i].nsec[BOOT]);
	for (i = 0; i < 4 && n + 16 < size; i++) {
		if (o->errs & (1U << i))
			n += snprintf(buf + n, size - n, "%s%s", n ? " or " : "", names[i]);
	}
}

/* Random numbers: splitmix64, reproducible from the seed. */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(uint64_t n)
{
	return n ? rnd64() % n : 0;
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

/* A bounded byte buffer that generators append to */
struct sbuf {
	unsigned char	*p;
	size_t		len;
	size_t		cap;
};

static void sb_insert(struct sbuf *b, size_t at, const void *s, size_t n)
{
	if (at > b->len)
		at = b->len;
	if (n > b->cap - b->len)
		n = b->cap - b->len;
	memmove(b->p + at + n, b->p + at, b->len - at);
	memcpy(b->p + at, s, n);
	b->len += n;
}

static void sb_put(struct sbuf *b, const void *s, size_t n)
{
	sb_insert(b, b->len, s, n);
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_chr(struct sbuf *b, unsigned char c)
{
	if (b->len < b->cap)
		b->p[b->len++] = c;
}

/* Generators */

static struct model_env env;

enum { L_VALID, L_ANY };

enum defect {
	D_NONE, D_CLOCK, D_FEWER, D_MORE, D_NSEC, D_SECJUNK, D_SECHUGE,
	D_SECBEYOND, D_OUTSIDE, NR_DEFECTS,
};

static void gen_space(struct sbuf *b, bool need, int type)
{
	static const char narrow[] = " \t\r";
	static const unsigned char wide[] = { '\v', '\f', 0xa0 };
	unsigned int i, n;

	if (!need && chance(75))
		return;
	if (chance(75)) {
		sb_chr(b, ' ');
		return;
	}
	n = 1 + rnd(4);
	for (i = 0; i < n; i++) {
		if (type == L_ANY && chance(5))
			sb_chr(b, wide[rnd(sizeof(wide))]);
		else
			sb_chr(b, narrow[rnd(3)]);
	}
}

/* A number, maybe with a '+' and leading zeros if @decorate */
static void put_num(struct sbuf *b, bool neg, uint64_t mag, bool decorate)
{
	unsigned int zeros, n = 20;
	char digits[20];

	if (neg)
		sb_chr(b, '-');
	else if (decorate && chance(8))
		sb_chr(b, '+');
	if (decorate && chance(8)) {
		zeros = chance(85) ? 1 + rnd(8) : 1 + rnd(300);
		while (zeros--)
			sb_chr(b, '0');
	}
	do
		digits[--n] = '0' + mag % 10;
	while (mag /= 10);
	sb_put(b, digits + n, sizeof(digits) - n);
}

static void put_s64(struct sbuf *b, int64_t v, bool decorate)
{
	put_num(b, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, decorate);
}

static int gen_clock(struct sbuf *b, int type, bool defect)
{
	static const char * const odd[] = {
		"0", "2", "3", "4", "5", "6", "8", "9", "10", "11", "17", "01", "07",
		"+1", "-1", "+7", "1.0", "0x1", "7a", "Monotonic", "MONOTONIC",
		"BootTime", "monotonic_raw", "monotoni", "monotonicc", "boottime0",
		"boot", "realtime", "tai", "CLOCK_MONOTONIC", "CLOCK_BOOTTIME",
		"monotonic,", "-", "+", "boottime:", "mono", "\xe2\x80\x8bmonotonic",
	};
	int clk = rnd(NR_CLOCKS);

	if (defect || (type == L_ANY && chance(12))) {
		sb_str(b, odd[rnd(ARRAY_SIZE(odd))]);
		return clk;
	}
	if (chance(80))
		sb_str(b, clock_name[clk]);
	else
		sb_str(b, clk == MONO ? "1" : "7");
	return clk;
}

/* Seconds that keep the clock well inside its range */
static int64_t safe_sec(int clk)
{
	int64_t now_s = env.now[clk] / NSEC_PER_SEC;

	switch (rnd(5)) {
	case 0:
		return rnd(1000);
	case 1:
		return rnd(100000000);
	case 2:
		return now_s > 12 ? -(int64_t)rnd(now_s - 12) : 0;
	case 3:
		return NS_CLOCK_MAX / NSEC_PER_SEC - now_s - 12 - rnd(1000000);
	}
	return rnd(86400 * 365);
}

static void gen_sec(struct sbuf *b, int clk, int type, enum defect defect)
{
	static const char * const huge[] = {
		"9223372036854775808", "-9223372036854775809", "18446744073709551615",
		"18446744073709551616", "-18446744073709551616", "36893488147419103232",
		"99999999999999999999999999", "-99999999999999999999999999",
	};
	static const char * const extreme[] = {
		"9223372036854775807", "-9223372036854775808", "0", "-0", "+0",
		"-9223372036", "9223372036", "-9223372037", "9223372037",
	};
	static const char * const junk[] = {
		"", "-", "+", "+-1", "-+1", "--1", "++1", "1-", "1+", "1e9", "0x10",
		"1.5", "12a", "a12", "5x", "-5x", "0b1", "1_000", "\xd9\xa1", "1,0",
		"99999999999999999999x", "-99999999999999999999x", "9223372036854775808x",
	};
	int64_t now_s = env.now[clk] / NSEC_PER_SEC;
	int64_t hi = NS_CLOCK_MAX / NSEC_PER_SEC - now_s;
	unsigned int i, n;

	switch (defect) {
	case D_SECJUNK:
		sb_str(b, junk[1 + rnd(ARRAY_SIZE(junk) - 1)]);
		return;
	case D_SECHUGE:
		sb_str(b, huge[rnd(ARRAY_SIZE(huge))]);
		return;
	case D_SECBEYOND:
		put_s64(b, (chance(50) ? 1 : -1) * (KTIME_SEC_MAX + 1 + (int64_t)rnd(1000000)),
			true);
		return;
	case D_OUTSIDE:
		put_s64(b, chance(50) ? -now_s - 11 - (int64_t)rnd(100000) :
					hi + 11 + (int64_t)rnd(100000), true);
		return;
	default:
		break;
	}
	if (type == L_VALID || chance(40)) {
		put_s64(b, safe_sec(clk), true);
		return;
	}
	switch (rnd(9)) {
	case 0:
		put_s64(b, -now_s + (int64_t)rnd(6001) - 3000, true);
		break;
	case 1:
		put_s64(b, hi + (int64_t)rnd(6001) - 3000, true);
		break;
	case 2:
		put_s64(b, (chance(50) ? -now_s : hi) + (int64_t)rnd(41) - 20, true);
		break;
	case 3:
		put_s64(b, (chance(50) ? 1 : -1) * (KTIME_SEC_MAX + (int64_t)rnd(5) - 2), true);
		break;
	case 4:
		sb_str(b, extreme[rnd(ARRAY_SIZE(extreme))]);
		break;
	case 5:
		sb_str(b, huge[rnd(ARRAY_SIZE(huge))]);
		break;
	case 6:
		n = 1 + rnd(chance(80) ? 30 : 300);
		if (chance(30))
			sb_chr(b, '-');
		for (i = 0; i < n; i++)
			sb_chr(b, '0' + rnd(10));
		break;
	case 7:
		put_num(b, chance(50), rnd64() >> rnd(64), true);
		break;
	default:
		sb_str(b, junk[rnd(ARRAY_SIZE(junk))]);
	}
}

static void gen_nsec(struct sbuf *b, int type, bool defect)
{
	static const char * const bad[] = {
		"1000000000", "1000000001", "9999999999", "-1", "-0", "-999999999",
		"18446744073709551615", "18446744073709551616", "4294967296", "0x10",
		"1.5", "5x", "+", "-", "+-0", "++0", "1e3", "0000000001000000000",
	};
	static const char * const good[] = {
		"0", "999999999", "+0", "+5", "000000000", "00000000000000000000000001",
		"1", "500000000",
	};

	if (defect) {
		sb_str(b, bad[rnd(ARRAY_SIZE(bad))]);
		return;
	}
	if (chance(40)) {
		sb_chr(b, '0');
		return;
	}
	if (type == L_VALID || chance(60)) {
		if (chance(10))
			sb_str(b, good[rnd(ARRAY_SIZE(good))]);
		else
			put_num(b, false, rnd(NSEC_PER_SEC), type == L_ANY);
		return;
	}
	switch (rnd(3)) {
	case 0:
		put_num(b, chance(20), NSEC_PER_SEC + rnd(NSEC_PER_SEC), true);
		break;
	case 1:
		put_num(b, chance(50), rnd64() >> rnd(64), true);
		break;
	default:
		sb_str(b, bad[rnd(ARRAY_SIZE(bad))]);
	}
}

static void gen_line(struct sbuf *b, int type, enum defect defect)
{
	unsigned int f, nfields = 3;
	int clk = 0;

	if (defect == D_FEWER)
		nfields = 1 + rnd(2);
	else if (defect == D_MORE)
		nfields = 4 + rnd(3);
	else if (type == L_ANY && chance(5))
		nfields = rnd(6);

	gen_space(b, false, type);
	for (f = 0; f < nfields; f++) {
		if (f)
			gen_space(b, true, type);
		if (f == 0)
			clk = gen_clock(b, type, defect == D_CLOCK);
		else if (f == 1)
			gen_sec(b, clk, type, defect);
		else if (f == 2)
			gen_nsec(b, type, defect == D_NSEC);
		else
			put_s64(b, rnd(100), false);
	}
	gen_space(b, false, type);
}

static void gen_eol(struct sbuf *b, bool last)
{
	if (last && chance(40))
		return;
	sb_str(b, chance(10) ? "\r\n" : "\n");
}

static void gen_blank_line(struct sbuf *b)
{
	static const char * const blank[] = { "\n", " \n", "\t\n", "\r\n", "  \t \r\n" };

	sb_str(b, blank[rnd(ARRAY_SIZE(blank))]);
}

/* @n lines, each valid with @valid_pct percent */
static void gen_lines(struct sbuf *b, unsigned int n, unsigned int valid_pct)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (chance(10))
			gen_blank_line(b);
		gen_line(b, chance(valid_pct) ? L_VALID : L_ANY, D_NONE);
		gen_eol(b, i == n - 1);
	}
}

static const unsigned char interesting[] = {
	' ', '\t', '\r', '\n', '\0', '\v', '\f', 0xa0, '-', '+', '0', '1', '7',
	'9', 'x', 0xff, 0x80,
};

static void mutate(struct sbuf *b)
{
	unsigned int n = 1 + rnd(4), i, k;
	unsigned char c, dup[16];
	size_t at, len;

	while (n--) {
		at = rnd(b->len + 1);
		switch (rnd(7)) {
		case 0:
			if (at < b->len)
				b->p[at] ^= 1U << rnd(8);
			break;
		case 1:
			if (at < b->len)
				b->p[at] = interesting[rnd(sizeof(interesting))];
			break;
		case 2:
			c = interesting[rnd(sizeof(interesting))];
			sb_insert(b, at, &c, 1);
			break;
		case 3:
			if (at < b->len) {
				memmove(b->p + at, b->p + at + 1, b->len - at - 1);
				b->len--;
			}
			break;
		case 4:
			len = rnd(sizeof(dup) + 1);
			if (at + len > b->len)
				len = b->len - at;
			memcpy(dup, b->p + at, len);
			sb_insert(b, rnd(b->len + 1), dup, len);
			break;
		case 5:
			b->len = at;
			break;
		default:
			k = 1 + rnd(25);
			for (i = 0; i < k; i++) {
				c = '0' + rnd(10);
				sb_insert(b, at + i, &c, 1);
			}
		}
	}
}

enum how { HOW_WRITE, HOW_PWRITE, HOW_LSEEK, HOW_REOPEN };

static const char * const how_name[] = {
	[HOW_WRITE]	= "write",
	[HOW_PWRITE]	= "pwrite",
	[HOW_LSEEK]	= "lseek+write",
	[HOW_REOPEN]	= "open+write",
};

enum kind {
	K_VALID, K_MULTI, K_MANY, K_EDGE, K_MIXED, K_BYTES, K_SOUP, K_MUTATE,
	K_PREFIX, K_POS, K_PAGE, K_ROUNDTRIP, K_BLANK, NR_KINDS,
};

static const char * const kind_name[NR_KINDS] = {
	"valid", "multi", "many", "edge", "mixed", "bytes", "soup", "mutate",
	"prefix", "pos", "page", "roundtrip", "blank",
};

static const unsigned int kind_weight[NR_KINDS] = {
	12, 14, 3, 16, 8, 5, 4, 14, 6, 4, 4, 5, 2,
};

/**
 * struct wreq - One generated write
 * @b:		The bytes; the first @len of them are written
 * @len:	Byte count of the write
 * @pos:	File position of the write
 * @how:	System call(s) to write with
 * @kind:	Generator
 * @guard:	Write from the end of a page followed by an inaccessible one
 */
struct wreq {
	struct sbuf	b;
	size_t		len;
	long long	pos;
	enum how	how;
	enum kind	kind;
	bool		guard;
};

static char last_read[256];
/* What the file shows for env.cur */
static char cur_text[160];

static void set_cur(const struct offsets *o)
{
	env.cur = *o;
	format_offsets(cur_text, sizeof(cur_text), o);
}

static void gen_soup(struct sbuf *b)
{
	static const char * const words[] = {
		"monotonic", "boottime", "1", "7", "0", "-1", "+", "-", "999999999",
		"1000000000", "9223372036", "9223372037", "18446744073709551616",
		" ", " ", "\t", "\r", "\n", "\n", "\v", "\f", "\xa0", "x",
	};
	unsigned int n = 1 + rnd(30);

	while (n--)
		sb_str(b, words[rnd(ARRAY_SIZE(words))]);
}

static void gen_bytes(struct sbuf *b)
{
	static const char alpha[] = "monotcbe0123456789+- \t\r\n\v\f";
	size_t n = chance(25) ? rnd(env.page + 2) : rnd(64);
	bool binary = chance(50);

	while (n--) {
		if (binary)
			sb_chr(b, rnd(256));
		else
			sb_chr(b, chance(3) ? 0 : alpha[rnd(sizeof(alpha) - 1)]);
	}
}

/* A valid line after blank space, PAGE_SIZE - 60 to PAGE_SIZE + 1 bytes */
static void gen_page(struct sbuf *b)
{
	static const char pad[] = " \n\t\n";
	unsigned char tmp[1024];
	struct sbuf line = { .p = tmp, .cap = sizeof(tmp) };
	size_t target, n, i;

	gen_line(&line, L_VALID, D_NONE);
	gen_eol(&line, true);
	switch (rnd(4)) {
	case 0:
		target = env.page - 1;
		break;
	case 1:
		target = env.page;
		break;
	case 2:
		target = env.page + 1;
		break;
	default:
		target = env.page - 60 + rnd(62);
	}
	n = target > line.len ? target - line.len : 0;
	for (i = 0; i < n; i++)
		sb_chr(b, pad[rnd(sizeof(pad) - 1)]);
	sb_put(b, line.p, line.len);
}

static void gen_write(struct wreq *w)
{
	struct sbuf *b = &w->b;
	unsigned int r, k, total = 0;
	enum defect defect;
	struct offsets o;
	bool valid_first;
	char text[160];

	for (k = 0; k < NR_KINDS; k++)
		total += kind_weight[k];
	r = rnd(total);
	for (k = 0; r >= kind_weight[k]; k++)
		r -= kind_weight[k];

	b->len = 0;
	w->kind = k;
	w->pos = 0;
	switch (w->kind) {
	case K_VALID:
		gen_lines(b, 1, 100);
		break;
	case K_MULTI:
		gen_lines(b, 2 + rnd(7), 70);
		break;
	case K_MANY:
		gen_lines(b, 20 + rnd(300), 90);
		break;
	case K_EDGE:
		gen_lines(b, 1 + rnd(2), 0);
		break;
	case K_MIXED:
		/* One valid line and one with a defect, in either order */
		defect = 1 + rnd(NR_DEFECTS - 1);
		valid_first = chance(50);
		gen_line(b, L_VALID, valid_first ? D_NONE : defect);
		sb_str(b, chance(10) ? "\r\n" : "\n");
		gen_line(b, L_VALID, valid_first ? defect : D_NONE);
		gen_eol(b, true);
		break;
	case K_BYTES:
		gen_bytes(b);
		break;
	case K_SOUP:
		gen_soup(b);
		break;
	case K_MUTATE:
		gen_lines(b, 1 + rnd(3), 100);
		mutate(b);
		break;
	case K_PREFIX:
		gen_lines(b, 1 + rnd(2), 100);
		break;
	case K_POS:
		gen_lines(b, 1 + rnd(2), 100);
		break;
	case K_PAGE:
		gen_page(b);
		break;
	case K_ROUNDTRIP:
		if (chance(50) && last_read[0]) {
			sb_str(b, last_read);
			break;
		}
		o.sec[MONO] = safe_sec(MONO);
		o.sec[BOOT] = safe_sec(BOOT);
		o.nsec[MONO] = rnd(NSEC_PER_SEC);
		o.nsec[BOOT] = rnd(NSEC_PER_SEC);
		format_offsets(text, sizeof(text), &o);
		sb_str(b, text);
		break;
	case K_BLANK:
		k = rnd(8);
		while (k--)
			gen_blank_line(b);
		if (chance(50))
			b->len = rnd(b->len + 1);
		break;
	default:
		break;
	}
	w->len = b->len;
	if (w->kind == K_PREFIX)
		w->len = rnd(b->len);

	w->how = HOW_WRITE;
	if (w->kind == K_POS) {
		static const long long far[] = {
			1, 2, 31, 32, 63, 64, 65, 4096, 1LL << 31, 1LL << 32, 1LL << 40,
		};

		w->how = chance(80) ? HOW_LSEEK : HOW_PWRITE;
		if (chance(50))
			w->pos = 1 + rnd(64);
		else if (chance(80))
			w->pos = far[rnd(ARRAY_SIZE(far))];
		else
			w->pos = 1 + (rnd64() >> 4);
	} else {
		r = rnd(32);
		if (r < 2)
			w->how = HOW_REOPEN;
		else if (r < 3)
			w->how = HOW_PWRITE;
	}
	w->guard = chance(10);
}

/* The kernel side */

static int wfd = -1;
static unsigned char *guard_end;

static ssize_t do_write(const struct wreq *w, int *err)
{
	const unsigned char *p = w->b.p;
	ssize_t ret = -1;
	int fd, e;

	if (w->guard) {
		memcpy(guard_end - w->len, w->b.p, w->len);
		p = guard_end - w->len;
	}
	errno = 0;
	switch (w->how) {
	case HOW_WRITE:
		ret = write(wfd, p, w->len);
		break;
	case HOW_PWRITE:
		ret = pwrite(wfd, p, w->len, w->pos);
		break;
	case HOW_LSEEK:
		if (lseek(wfd, w->pos, SEEK_SET) != w->pos) {
			ksft_print_msg("lseek(%lld): %s\n", w->pos, strerror(errno));
			errno = EBADE;
			break;
		}
		ret = write(wfd, p, w->len);
		e = errno;
		if (lseek(wfd, 0, SEEK_SET) != 0)
			ksft_exit_fail_msg("lseek(0): %s\n", strerror(errno));
		errno = e;
		break;
	case HOW_REOPEN:
		fd = open(OFFSETS_FILE, O_WRONLY);
		if (fd < 0)
			ksft_exit_fail_msg("open " OFFSETS_FILE ": %s\n", strerror(errno));
		ret = write(fd, p, w->len);
		e = errno;
		close(fd);
		errno = e;
		break;
	}
	*err = ret < 0 ? errno : 0;
	return ret;
}

/* Read the file back: through the open file, or a new one. */
static bool read_back(char *buf, size_t size, bool fresh)
{
	ssize_t n, got = 0;
	int fd;

	if (!fresh) {
		got = pread(wfd, buf, size - 1, 0);
	} else {
		fd = open(OFFSETS_FILE, O_RDONLY);
		if (fd < 0)
			return false;
		while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
			got += n;
		if (n < 0)
			got = -1;
		close(fd);
	}
	if (got < 0) {
		buf[0] = '\0';
		return false;
	}
	buf[got] = '\0';
	return true;
}

static struct timespec t_start;

static double elapsed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec - t_start.tv_sec + (ts.tv_nsec - t_start.tv_nsec) / 1e9;
}

/* Judging */

enum cat {
	CAT_ACCEPT, CAT_REJECT, CAT_ERRNO, CAT_POS, CAT_PAGE, CAT_MIXED, CAT_READ,
	CAT_ENTRY, NR_CATS,
};

static const char * const cat_name[NR_CATS] = {
	"accepted write", "rejected write", "errno", "pos != 0", "size",
	"all or nothing", "read", "after entry",
};

struct stats {
	unsigned long	writes;
	unsigned long	accepted;
	unsigned long	rejected;
	unsigned long	by_err[5];	/* EINVAL, ERANGE, EACCES, ESPIPE, other */
	unsigned long	either;		/* model allowed accept and failure */
	unsigned long	multi_reading;	/* model allowed several readings */
	unsigned long	acc_bad;
	unsigned long	rej_changed;
	unsigned long	errno_bad;
	unsigned long	beyond_accepted;
	unsigned long	pos_total;
	unsigned long	pos_bad;
	unsigned long	page_total;
	unsigned long	page_bad;
	unsigned long	mixed_total;
	unsigned long	mixed_bad;
	unsigned long	mixed_beyond;
	unsigned long	read_bad;
	unsigned long	kinds[NR_KINDS];
	unsigned long	shown[NR_CATS];
};

static void show(enum cat cat, unsigned long iter, const struct wreq *w,
		 const struct outcome *o, const struct offsets *before,
		 ssize_t ret, int err, const char *rb)
{
	char in[1400], mo[400], rbe[400], be[160], bee[400];

	escape(in, sizeof(in), w->b.p, w->len);
	describe_outcome(mo, sizeof(mo), o);
	escape(rbe, sizeof(rbe), (const unsigned char *)rb, strlen(rb));
	format_offsets(be, sizeof(be), before);
	escape(bee, sizeof(bee), (const unsigned char *)be, strlen(be));
	ksft_print_msg("MISMATCH (%s) at write %lu (%s): %s count=%zu pos=%lld%s\n",
		       cat_name[cat], iter, kind_name[w->kind], how_name[w->how],
		       w->len, w->pos, w->guard ? " from a page end" : "");
	ksft_print_msg("  input:  \"%s\"\n", in);
	ksft_print_msg("  model:  %s\n", mo[0] ? mo : "(nothing)");
	ksft_print_msg("  kernel: %s\n", ret >= 0 ? "accepted" : errno_name(err));
	ksft_print_msg("  before: \"%s\"\n", bee);
	ksft_print_msg("  after:  \"%s\"\n", rbe);
}

static struct stats st;

static void report(enum cat cat, unsigned long iter, const struct wreq *w,
		   const struct outcome *o, const struct offsets *before,
		   ssize_t ret, int err, const char *rb)
{
	if (st.shown[cat]++ < MAX_SHOWN)
		show(cat, iter, w, o, before, ret, err, rb);
}

static bool text_is(const char *rb, const struct offsets *o)
{
	char exp[160];

	format_offsets(exp, sizeof(exp), o);
	return !strcmp(rb, exp);
}

static void count_errno(int err)
{
	unsigned int bit = errno_bit(err);

	st.by_err[bit ? __builtin_ctz(bit) : 4]++;
}

/* Check a write before the namespace is entered. */
static void judge(unsigned long iter, const struct wreq *w, const struct outcome *o,
		  ssize_t ret, int err, bool rb_ok, const char *rb)
{
	const struct offsets before = env.cur;
	bool errno_ok, state_ok = false, rejected_einval;
	struct offsets now;
	unsigned int i;

	st.writes++;
	st.kinds[w->kind]++;
	if (o->nacc && (o->errs & ~E_SPIPE))
		st.either++;
	if (o->readings > 1)
		st.multi_reading++;
	if (!rb_ok) {
		st.read_bad++;
		report(CAT_READ, iter, w, o, &before, ret, err, rb);
	}

	if (ret >= 0) {
		st.accepted++;
		errno_ok = o->nacc && (size_t)ret == w->len;
		for (i = 0; i < o->nacc; i++)
			state_ok |= text_is(rb, &o->acc[i]);
		if (o->have_set)
			state_ok |= text_is(rb, &o->set);
		if (!state_ok && (o->nacc || o->have_set)) {
			st.acc_bad++;
			report(CAT_ACCEPT, iter, w, o, &before, ret, err, rb);
		}
	} else {
		st.rejected++;
		count_errno(err);
		errno_ok = errno_bit(err) & o->errs;
		state_ok = !strcmp(rb, cur_text);
		if (!state_ok) {
			st.rej_changed++;
			report(CAT_REJECT, iter, w, o, &before, ret, err, rb);
		}
	}
	if (!errno_ok) {
		st.errno_bad++;
		if (ret >= 0 && o->beyond && !o->nacc)
			st.beyond_accepted++;
		report(CAT_ERRNO, iter, w, o, &before, ret, err, rb);
	}

	rejected_einval = ret < 0 && state_ok &&
			  (err == EINVAL || (w->how == HOW_PWRITE && err == ESPIPE));
	if (w->pos) {
		st.pos_total++;
		if (!rejected_einval) {
			st.pos_bad++;
			report(CAT_POS, iter, w, o, &before, ret, err, rb);
		}
	}
	if (w->len >= env.page) {
		st.page_total++;
		if (!rejected_einval) {
			st.page_bad++;
			report(CAT_PAGE, iter, w, o, &before, ret, err, rb);
		}
	}
	/* Unless the valid line overrides the invalid one's clock */
	if (w->kind == K_MIXED && !o->nacc) {
		st.mixed_total++;
		if (ret >= 0 || !state_ok) {
			st.mixed_bad++;
			st.mixed_beyond += ret >= 0 && o->beyond;
			report(CAT_MIXED, iter, w, o, &before, ret, err, rb);
		}
	}

	/* Go on from what the kernel has, so that one fault is seen once. */
	if (strcmp(rb, cur_text) && parse_offsets(rb, &now))
		set_cur(&now);
	snprintf(last_read, sizeof(last_read), "%s", rb);
}

static void set_outcome(struct wreq *w, struct outcome *o)
{
	model(w->b.p, w->len, w->pos, &env, o);
	if (w->how == HOW_PWRITE)
		o->errs |= E_SPIPE;
}

/* The model against hand-made cases, whose outcomes are known. */

struct selfcase {
	const char	*in;
	size_t		len;		/* 0: strlen(in) */
	long long	pos;
	int64_t		margin_s;
	unsigned int	errs;
	bool		acc;
	int64_t		ms, mn, bs, bn;
};

static const struct selfcase selfcases[] = {
	{ .in = "monotonic 5 0", .acc = true, .ms = 5 },
	{ .in = "boottime -100 999999999\n", .acc = true, .bs = -100, .bn = 999999999 },
	{ .in = "1 5 1\n7 6 2\n", .acc = true, .ms = 5, .mn = 1, .bs = 6, .bn = 2 },
	{ .in = "monotonic 5 0\nmonotonic 6 0\n1 7 0", .acc = true, .ms = 7 },
	{ .in = "  monotonic\t5\r 0\r\n\n \t\n", .acc = true, .ms = 5 },
	{ .in = "monotonic +5 +0", .acc = true, .ms = 5 },
	{ .in = "monotonic 00005 000000001", .acc = true, .ms = 5, .mn = 1 },
	{ .in = "monotonic -0 0", .acc = true },
	{ .in = "monotonic -100 0", .acc = true, .ms = -100 },
	{ .in = "monotonic 4611685918 427387903", .acc = true, .ms = 4611685918, .mn = 427387903 },
	{ .in = "monotonic 5", .errs = E_INVAL },
	{ .in = "monotonic 5 0 0", .errs = E_INVAL },
	{ .in = "realtime 5 0", .errs = E_INVAL },
	{ .in = "Monotonic 5 0", .errs = E_INVAL },
	{ .in = "01 5 0", .errs = E_INVAL },
	{ .in = "+1 5 0", .errs = E_INVAL },
	{ .in = "2 5 0", .errs = E_INVAL },
	{ .in = "monotonic 5 1000000000", .errs = E_INVAL },
	{ .in = "monotonic 5 -1", .errs = E_INVAL },
	{ .in = "monotonic 5 -0", .errs = E_INVAL },
	{ .in = "monotonic 5 99999999999999999999", .errs = E_INVAL },
	{ .in = "monotonic 5x 0", .errs = E_INVAL },
	{ .in = "monotonic - 0", .errs = E_INVAL },
	{ .in = "monotonic +-5 0", .errs = E_INVAL },
	{ .in = "monotonic 0x10 0", .errs = E_INVAL },
	{ .in = "monotonic 99999999999999999999 0", .errs = E_RANGE },
	{ .in = "monotonic 9223372036854775808 0", .errs = E_RANGE },
	{ .in = "monotonic -9223372036854775809 0", .errs = E_RANGE },
	{ .in = "monotonic -9223372036854775808 0", .errs = E_RANGE },
	{ .in = "monotonic 9223372037 0", .errs = E_RANGE },
	{ .in = "boottime -9223372037 0", .errs = E_RANGE },
	{ .in = "monotonic -101 0", .errs = E_RANGE },
	{ .in = "monotonic 4611685918 427387904", .errs = E_RANGE },
	{ .in = "", .errs = E_INVAL },
	{ .in = "\n \t\r\n", .errs = E_INVAL },
	{ .in = "monotonic 5 0\nbogus", .errs = E_INVAL },
	{ .in = "monotonic 5 0\nboottime -200 0", .errs = E_RANGE },
	{ .in = "monotonic 9999999999 0\nmonotonic 5 0", .errs = E_RANGE },
	{ .in = "monotonic 99999999999999999999x 0", .errs = E_INVAL | E_RANGE },
	{ .in = "bogus\nmonotonic 99999999999999999999 0", .errs = E_INVAL | E_RANGE },
	{ .in = "monotonic\v5 0", .errs = E_INVAL, .acc = true, .ms = 5 },
	{ .in = "monotonic 5 0\0junk", .len = 18, .errs = E_INVAL, .acc = true, .ms = 5 },
	{ .in = "monotonic 5 0", .pos = 1, .errs = E_INVAL },
	{ .in = "monotonic -105 0", .margin_s = 10, .errs = E_RANGE, .acc = true, .ms = -105 },
	{ .in = "monotonic -111 0", .margin_s = 10, .errs = E_RANGE },
};

static bool self_one(const char *in, size_t len, long long pos, int64_t margin_s,
		     unsigned int errs, bool acc, const struct offsets *exp)
{
	struct model_env saved = env;
	char ein[400], got[400], wants[400];
	struct outcome o, want = { .errs = errs };
	bool ok;

	env.now[MONO] = 100 * NSEC_PER_SEC;
	env.now[BOOT] = 150 * NSEC_PER_SEC;
	env.margin = margin_s * NSEC_PER_SEC;
	memset(&env.cur, 0, sizeof(env.cur));
	model((const unsigned char *)in, len, pos, &env, &o);
	env = saved;

	ok = o.errs == errs && !!o.nacc == acc && o.nacc <= 1;
	if (ok && acc)
		ok = offsets_equal(&o.acc[0], exp);
	if (!ok) {
		if (acc)
			add_accept(&want, exp);
		escape(ein, sizeof(ein), (const unsigned char *)in, len);
		describe_outcome(got, sizeof(got), &o);
		describe_outcome(wants, sizeof(wants), &want);
		ksft_print_msg("model self-check \"%s\" pos %lld: got %s, want %s\n",
			       ein, pos, got, wants);
	}
	return ok;
}

static bool model_selfcheck(void)
{
	static const char line[] = "monotonic 5 0";
	unsigned int i, n = 0, bad = 0;
	struct offsets exp;
	char *big;

	for (i = 0; i < ARRAY_SIZE(selfcases); i++) {
		const struct selfcase *c = &selfcases[i];

		exp.sec[MONO] = c->ms;
		exp.nsec[MONO] = c->mn;
		exp.sec[BOOT] = c->bs;
		exp.nsec[BOOT] = c->bn;
		n++;
		bad += !self_one(c->in, c->len ? c->len : strlen(c->in), c->pos,
				 c->margin_s, c->errs, c->acc, &exp);
	}

	/* PAGE_SIZE - 1 bytes are allowed, PAGE_SIZE are not. */
	big = malloc(env.page + 1);
	if (!big)
		ksft_exit_fail_msg("malloc\n");
	memset(big, '\n', env.page + 1);
	memcpy(big + env.page - 1 - strlen(line), line, strlen(line));
	memset(&exp, 0, sizeof(exp));
	exp.sec[MONO] = 5;
	bad += !self_one(big, env.page - 1, 0, 0, 0, true, &exp);
	memcpy(big + env.page - strlen(line), line, strlen(line));
	bad += !self_one(big, env.page, 0, 0, E_INVAL, false, &exp);
	bad += !self_one(big, env.page + 1, 0, 0, E_INVAL, false, &exp);
	n += 3;
	free(big);

	ksft_print_msg("model self-check: %u cases, %u wrong\n", n, bad);
	return !bad;
}

/* After the namespace has been entered */

struct child_report {
	struct timespec	clk[NR_CLOCKS];
	unsigned int	faults;
};

#define CF_OWN_READ	(1U << 0)
#define CF_PARENT_READ	(1U << 1)
#define CF_WRITE	(1U << 2)
#define CF_CHANGED	(1U << 3)

static bool read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return true;
}

static void child(int pipefd, pid_t parent, const char *expect)
{
	static const char line[] = "boottime 1 0\n";
	struct child_report r = { .faults = 0 };
	char path[64], buf[256];
	int c, fd;

	for (c = 0; c < NR_CLOCKS; c++)
		clock_gettime(clock_id[c], &r.clk[c]);
	if (!read_file(OFFSETS_FILE, buf, sizeof(buf)) || strcmp(buf, expect))
		r.faults |= CF_OWN_READ;
	snprintf(path, sizeof(path), "/proc/%d/timens_offsets", parent);
	if (!read_file(path, buf, sizeof(buf)) || strcmp(buf, expect))
		r.faults |= CF_PARENT_READ;
	fd = open(OFFSETS_FILE, O_WRONLY);
	if (fd < 0 || write(fd, line, strlen(line)) >= 0 || errno != EACCES)
		r.faults |= CF_WRITE;
	if (fd >= 0)
		close(fd);
	if (!read_file(OFFSETS_FILE, buf, sizeof(buf)) || strcmp(buf, expect))
		r.faults |= CF_CHANGED;
	if (write(pipefd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/* Host clocks: our own minus the offsets of our own namespace */
static int64_t host_off[NR_CLOCKS];

static void host_now(int64_t now[NR_CLOCKS])
{
	struct timespec ts;
	int c;

	for (c = 0; c < NR_CLOCKS; c++) {
		clock_gettime(clock_id[c], &ts);
		now[c] = ts_ns(&ts) - host_off[c];
	}
}

static struct wreq w;
static double budget = DEFAULT_SECONDS;
static unsigned long max_writes = DEFAULT_WRITES;
static bool stopped;

static void fuzz(void)
{
	struct outcome o;
	char rb[256];
	unsigned long i;
	bool rb_ok;
	ssize_t ret;
	int err;

	for (i = 0; i < max_writes; i++) {
		/* Leave time for the part after entry. */
		if (elapsed() > 0.85 * budget) {
			stopped = true;
			break;
		}
		host_now(env.now);
		gen_write(&w);
		set_outcome(&w, &o);
		ret = do_write(&w, &err);
		rb_ok = read_back(rb, sizeof(rb), chance(6));
		judge(i, &w, &o, ret, err, rb_ok, rb);
	}
}

static void fuzz_results(void)
{
	char line[512];
	size_t n = 0;
	int k;

	ksft_print_msg("fuzz: %lu writes of at most %lu in %.1f s%s\n", st.writes,
		       max_writes, elapsed(), stopped ? " (stopped by the time budget)" : "");
	ksft_print_msg("kernel: %lu accepted; %lu EINVAL, %lu ERANGE, %lu ESPIPE, %lu other\n",
		       st.accepted, st.by_err[0], st.by_err[1], st.by_err[3],
		       st.by_err[2] + st.by_err[4]);
	ksft_print_msg("model: %lu writes allowed to succeed or fail (range border, open readings)\n",
		       st.either);
	ksft_print_msg("model: %lu writes read in several ways (NUL, \\v, \\f, 0xa0)\n",
		       st.multi_reading);
	for (k = 0; k < NR_KINDS; k++)
		n += snprintf(line + n, sizeof(line) - n, " %s %lu", kind_name[k],
			      st.kinds[k]);
	ksft_print_msg("inputs:%s\n", line);

	ksft_print_msg("%lu accepted, %lu set other offsets than the model's, %lu reads failed\n",
		       st.accepted, st.acc_bad, st.read_bad);
	ksft_test_result(st.accepted && !st.acc_bad && !st.read_bad,
			 "fuzz_accepted_writes_match_model\n");
	ksft_print_msg("%lu rejected, %lu changed the offsets\n", st.rejected, st.rej_changed);
	ksft_test_result(st.rejected && !st.rej_changed,
			 "fuzz_rejected_writes_leave_offsets_unchanged\n");
	ksft_print_msg("%lu writes, %lu with an outcome the model does not allow\n",
		       st.writes, st.errno_bad);
	if (st.beyond_accepted)
		ksft_print_msg("%lu of them accepted with seconds beyond +-KTIME_SEC_MAX on an overridden line\n",
			       st.beyond_accepted);
	ksft_test_result(st.writes && !st.errno_bad, "fuzz_errno_matches_model\n");
	ksft_print_msg("%lu writes at pos != 0, %lu not EINVAL (ESPIPE by pwrite) or changed offsets\n",
		       st.pos_total, st.pos_bad);
	ksft_test_result(st.pos_total && !st.pos_bad, "fuzz_pos_nonzero_EINVAL\n");
	ksft_print_msg("%lu writes of PAGE_SIZE bytes or more, %lu not EINVAL or changed offsets\n",
		       st.page_total, st.page_bad);
	ksft_test_result(st.page_total && !st.page_bad, "fuzz_page_size_EINVAL\n");
	ksft_print_msg("%lu writes of a valid and an invalid line, %lu accepted or changed offsets\n",
		       st.mixed_total, st.mixed_bad);
	if (st.mixed_beyond)
		ksft_print_msg("%lu of them accepted with seconds beyond +-KTIME_SEC_MAX on an overridden line\n",
			       st.mixed_beyond);
	ksft_test_result(st.mixed_total && !st.mixed_bad,
			 "fuzz_valid_and_invalid_line_all_or_nothing\n");
}

/*
 * After entry every write must fail and change nothing.  Which error
 * comes first is not documented, the model's or EACCES, but a write the
 * model accepts must fail with EACCES.
 */
static void fuzz_after_entry(const struct offsets *fin, bool ready)
{
	unsigned long i, n, done = 0, bad = 0, valid = 0, eacces = 0, read_bad = 0;
	bool first, rb_ok, wrong;
	struct outcome o;
	char rb[256];
	ssize_t ret;
	int err;

	errno = 0;
	ret = write(wfd, "monotonic 5 0\n", 14);
	first = ret < 0 && errno == EACCES;
	ksft_print_msg("after entry: \"monotonic 5 0\" gives %s\n",
		       ret < 0 ? errno_name(errno) : "success");

	n = max_writes / 10 > 100 ? max_writes / 10 : 100;
	for (i = 0; i < n; i++) {
		if (i >= 100 && elapsed() > budget) {
			stopped = true;
			break;
		}
		host_now(env.now);
		gen_write(&w);
		set_outcome(&w, &o);
		ret = do_write(&w, &err);
		rb_ok = read_back(rb, sizeof(rb), chance(6));
		done++;
		read_bad += !rb_ok;
		wrong = ret >= 0 || strcmp(rb, cur_text) ||
			!(errno_bit(err) & (o.errs | E_ACCES));
		if (o.nacc && !o.errs) {
			valid++;
			wrong |= err != EACCES;
		}
		eacces += err == EACCES;
		if (wrong) {
			bad++;
			if (st.shown[CAT_ENTRY]++ < MAX_SHOWN) {
				/* Show what is allowed now. */
				o.errs = (o.nacc && !o.errs ? 0 : o.errs) | E_ACCES;
				o.nacc = 0;
				show(CAT_ENTRY, i, &w, &o, fin, ret, err, rb);
			}
		}
	}
	ksft_print_msg("after entry: %lu writes (%lu valid), %lu EACCES, %lu wrong (accepted, changed, other errno)\n",
		       done, valid, eacces, bad);
	ksft_test_result(ready && first && valid && !bad, "fuzz_after_entry_EACCES\n");
	ksft_print_msg("after entry: %lu reads failed in the parent\n", read_bad);
	st.read_bad = read_bad;
}

/* Set known offsets, enter the namespace with a child and check it all. */
static void enter(void)
{
	int64_t t0[NR_CLOCKS], t1[NR_CLOCKS], off, v;
	char rb[256], fin_text[160];
	struct child_report cr;
	int c, status, pipefd[2];
	struct offsets fin;
	bool ok;
	pid_t pid;

	fin.sec[MONO] = 86400 + rnd(86400);
	fin.nsec[MONO] = rnd(NSEC_PER_SEC);
	fin.sec[BOOT] = 2 * 86400 + rnd(86400);
	fin.nsec[BOOT] = rnd(NSEC_PER_SEC);
	format_offsets(fin_text, sizeof(fin_text), &fin);
	ok = lseek(wfd, 0, SEEK_SET) == 0 &&
	     write(wfd, fin_text, strlen(fin_text)) == (ssize_t)strlen(fin_text) &&
	     read_back(rb, sizeof(rb), false) && !strcmp(rb, fin_text);
	if (!ok)
		ksft_print_msg("setting \"%s\" failed (%s): \"%s\"\n", fin_text,
			       strerror(errno), rb);
	set_cur(&fin);

	if (pipe(pipefd))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	host_now(t0);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pid == 0)
		child(pipefd[1], getppid(), fin_text);
	close(pipefd[1]);
	memset(&cr, 0, sizeof(cr));
	if (read(pipefd[0], &cr, sizeof(cr)) != sizeof(cr))
		cr.faults = ~0U;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		cr.faults = ~0U;
	host_now(t1);

	fuzz_after_entry(&fin, ok);

	ksft_print_msg("child: faults 0x%x (1 own read, 2 the parent's, 4 write not EACCES, 8 changed)\n",
		       cr.faults);
	ksft_test_result(!st.read_bad && cr.faults == 0, "after_entry_reads_work\n");

	/* The child's clocks are the host's at the time plus the offsets. */
	ok = cr.faults != ~0U;
	for (c = 0; c < NR_CLOCKS && ok; c++) {
		off = fin.sec[c] * NSEC_PER_SEC + fin.nsec[c];
		v = ts_ns(&cr.clk[c]);
		ksft_print_msg("child %s %.9f, host %.9f .. %.9f + offset %.9f\n", clock_name[c],
			       v / 1e9, t0[c] / 1e9, t1[c] / 1e9, off / 1e9);
		ok = v >= t0[c] + off && v <= t1[c] + off;
	}
	ksft_test_result(ok, "entered_namespace_clocks_use_offsets\n");
}

int main(int argc, char **argv)
{
	char rb[256], init_text[256], name[2][64], esc[400];
	uint64_t seed = DEFAULT_SEED;
	unsigned char *pages;
	struct rusage ru;
	struct offsets init, fresh;
	const char *s;
	int opt, c;
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	s = getenv("FUZZ_OFFSETS_SEED");
	if (s)
		seed = strtoull(s, NULL, 0);
	s = getenv("FUZZ_OFFSETS_WRITES");
	if (s)
		max_writes = strtoul(s, NULL, 0);
	s = getenv("FUZZ_OFFSETS_TIME");
	if (s)
		budget = strtod(s, NULL);
	while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			max_writes = strtoul(optarg, NULL, 0);
			break;
		case 't':
			budget = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n WRITES] [-t SECONDS]\n", argv[0]);
			return 2;
		}
	}
	rng_state = seed;
	clock_gettime(CLOCK_MONOTONIC, &t_start);

	ksft_print_header();
	if (access("/proc/self/ns/time", F_OK))
		ksft_exit_skip("no time namespaces (/proc/self/ns/time: %s)\n", strerror(errno));

	env.page = sysconf(_SC_PAGESIZE);
	env.margin = BORDER_NS;
	w.b.cap = 2 * env.page + 64;
	w.b.p = malloc(w.b.cap);
	/* Three pages, then one that faults: writes can end right at it. */
	pages = mmap(NULL, 4 * env.page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!w.b.p || pages == MAP_FAILED || mprotect(pages + 3 * env.page, env.page, PROT_NONE))
		ksft_exit_fail_msg("memory: %s\n", strerror(errno));
	guard_end = pages + 3 * env.page;

	/*
	 * Offsets are relative to the host clocks.  Before unshare() the file
	 * shows the offsets of our own namespace (zero in the initial one):
	 * subtracted from our clocks they give the host's.
	 */
	if (!read_file(OFFSETS_FILE, init_text, sizeof(init_text)) ||
	    !parse_offsets(init_text, &init))
		ksft_exit_fail_msg("cannot read " OFFSETS_FILE ": \"%s\"\n", init_text);
	for (c = 0; c < NR_CLOCKS; c++)
		host_off[c] = init.sec[c] * NSEC_PER_SEC + init.nsec[c];

	if (unshare(CLONE_NEWTIME)) {
		if (errno == EPERM)
			ksft_exit_skip("unshare(CLONE_NEWTIME): %s (needs root)\n",
				       strerror(errno));
		ksft_exit_fail_msg("unshare(CLONE_NEWTIME): %s\n", strerror(errno));
	}
	wfd = open(OFFSETS_FILE, O_RDWR);
	if (wfd < 0)
		ksft_exit_fail_msg("open " OFFSETS_FILE ": %s\n", strerror(errno));

	ksft_set_plan(11);
	ksft_print_msg("seed 0x%" PRIx64 ", at most %lu writes in %.1f s, PAGE_SIZE %zu\n",
		       seed, max_writes, budget, env.page);

	ksft_test_result(model_selfcheck(), "model_selfcheck\n");

	/* A new namespace starts with the offsets of the one it came from. */
	memset(name, 0, sizeof(name));
	ok = readlink("/proc/self/ns/time", name[0], sizeof(name[0]) - 1) > 0 &&
	     readlink("/proc/self/ns/time_for_children", name[1], sizeof(name[1]) - 1) > 0 &&
	     strcmp(name[0], name[1]);
	ok &= read_back(rb, sizeof(rb), false) && !strcmp(rb, init_text);
	escape(esc, sizeof(esc), (const unsigned char *)rb, strlen(rb));
	ksft_print_msg("own %s, for children %s, offsets \"%s\"\n", name[0], name[1], esc);
	ksft_test_result(ok, "fresh_namespace_has_parent_offsets\n");
	set_cur(parse_offsets(rb, &fresh) ? &fresh : &init);
	snprintf(last_read, sizeof(last_read), "%s", rb);

	fuzz();
	fuzz_results();
	enter();

	getrusage(RUSAGE_SELF, &ru);
	ksft_print_msg("total %.1f s%s; cpu user %.1f s, system %.1f s\n", elapsed(),
		       stopped ? ", stopped early by the time budget" : "",
		       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	ksft_finished();
}
