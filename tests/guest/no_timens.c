// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel without time namespaces (the base tree, or the series with
 * CONFIG_TIME_NS=n) must say so through the ABI: no /proc/PID/ns/time
 * entries, and CLONE_NEWTIME refused with EINVAL by unshare() and clone3().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "kselftest.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

static void check_absent(const char *path)
{
	int ret = access(path, F_OK);

	ksft_test_result(ret < 0 && errno == ENOENT, "%s absent\n", path);
}

int main(void)
{
	struct clone_args args = {
		.flags		= CLONE_NEWTIME,
		.exit_signal	= SIGCHLD,
	};
	long pid;
	int ret;

	ksft_print_header();
	ksft_set_plan(4);

	check_absent("/proc/self/ns/time");
	check_absent("/proc/self/ns/time_for_children");

	ret = unshare(CLONE_NEWTIME);
	ksft_test_result(ret < 0 && errno == EINVAL,
			 "unshare(CLONE_NEWTIME) fails with EINVAL (ret %d, %s)\n",
			 ret, strerror(errno));

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ksft_test_result(pid < 0 && errno == EINVAL,
			 "clone3(CLONE_NEWTIME) fails with EINVAL (ret %ld, %s)\n",
			 pid, strerror(errno));

	ksft_finished();
}
