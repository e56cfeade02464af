# KTAP output for the guest's shell tests; sourced, never run. POSIX sh:
# busybox ash in the initramfs, dash and bash in the Debian root file system.
#
#   ktap_header                 "TAP version 13" (the other calls print it
#                               first if the script did not)
#   ktap_ok NAME [COMMENT]      "ok N NAME [# COMMENT]"
#   ktap_not_ok NAME [REASON]   "not ok N NAME [# REASON]"
#   ktap_skip NAME REASON       "ok N NAME # SKIP REASON"
#   ktap_result STATUS NAME [REASON]
#                               ktap_ok if STATUS is 0, else ktap_not_ok
#                               (REASON defaults to "status STATUS")
#   ktap_check NAME CMD [ARG...]
#                               runs CMD (in a subshell, output captured):
#                               ok if it succeeds, else not ok with the last
#                               20 lines of its output as diagnostics;
#                               returns CMD's status
#   ktap_diag TEXT...           TEXT as "# " lines
#   ktap_diag_lines [FILE...]   the lines of the FILEs (or stdin) as "# " lines
#   ktap_skip_all REASON        "1..0 # SKIP REASON", exit 4 (after cases
#                               have been reported: the rest is skipped, as
#                               ktap_finish)
#   ktap_finish                 the totals, then the plan "1..N" counted from
#                               the cases; exit 0 if none failed, else 1
#                               (no case at all: "Bail out!", exit 1)
#
# Case numbers are counted here, and the plan comes last (valid KTAP): the
# scripts never count their cases by hand. Call these in the script's own
# shell, not in a pipeline or $(...): a subshell's cases would not count.
# Comments and reasons are kept on the result line (newlines become blanks);
# a COMMENT must not start with SKIP or TODO.
#
# ktap_header sets an EXIT trap: a script that ends without ktap_finish or
# ktap_skip_all (a stray exit, a syntax error further down) prints
# "Bail out!" and exits 1 (or its own failing status), so that it fails
# rather than passes with cases missing.

_ktap_started=0
_ktap_done=0
_ktap_n=0
_ktap_pass=0
_ktap_fail=0
_ktap_skip=0

ktap_header() {
	[ "$_ktap_started" = 1 ] && return 0
	_ktap_started=1
	trap _ktap_on_exit EXIT
	echo "TAP version 13"
}

# _ktap_flat TEXT: TEXT on one line
_ktap_flat() {
	case $1 in
	*'
'*)	printf '%s' "$1" | tr '\n' ' ' ;;
	*)	printf '%s' "$1" ;;
	esac
}

# _ktap_line ok|"not ok" NAME [DIRECTIVE]
_ktap_line() {
	ktap_header
	_ktap_n=$((_ktap_n + 1))
	if [ -n "${3:-}" ]; then
		echo "$1 $_ktap_n $(_ktap_flat "$2") # $(_ktap_flat "$3")"
	else
		echo "$1 $_ktap_n $(_ktap_flat "$2")"
	fi
}

ktap_ok() {
	_ktap_pass=$((_ktap_pass + 1))
	_ktap_line ok "$1" "${2:-}"
}

ktap_not_ok() {
	_ktap_fail=$((_ktap_fail + 1))
	_ktap_line "not ok" "$1" "${2:-}"
}

ktap_skip() {
	_ktap_skip=$((_ktap_skip + 1))
	_ktap_line ok "$1" "SKIP ${2:-}"
}

ktap_result() {
	if [ "$1" = 0 ]; then
		ktap_ok "$2"
	else
		ktap_not_ok "$2" "${3:-status $1}"
	fi
}

ktap_check() {
	_ktap_cname=$1
	shift
	_ktap_out=$("$@" 2>&1)
	_ktap_rc=$?
	if [ "$_ktap_rc" = 0 ]; then
		ktap_ok "$_ktap_cname"
	else
		[ -n "$_ktap_out" ] &&
			printf '%s\n' "$_ktap_out" | tail -n 20 | ktap_diag_lines
		ktap_not_ok "$_ktap_cname" "$1: status $_ktap_rc"
	fi
	return "$_ktap_rc"
}

ktap_diag() {
	ktap_header
	printf '%s\n' "$*" | sed 's/^/# /'
}

ktap_diag_lines() {
	ktap_header
	sed 's/^/# /' "$@"
}

ktap_skip_all() {
	ktap_header
	if [ "$_ktap_n" -gt 0 ]; then
		ktap_diag "the remaining cases are skipped: $*"
		ktap_finish
	fi
	_ktap_done=1
	echo "1..0 # SKIP $(_ktap_flat "$*")"
	exit 4
}

ktap_finish() {
	ktap_header
	_ktap_done=1
	if [ "$_ktap_n" = 0 ]; then
		echo "Bail out! no test case was reported"
		exit 1
	fi
	echo "# Totals: pass:$_ktap_pass fail:$_ktap_fail skip:$_ktap_skip"
	echo "1..$_ktap_n"
	[ "$_ktap_fail" = 0 ] && exit 0
	exit 1
}

_ktap_on_exit() {
	_ktap_status=$?
	[ "$_ktap_done" = 1 ] && return
	_ktap_done=1
	echo "Bail out! the script exited (status $_ktap_status) after $_ktap_n cases without ktap_finish"
	case $_ktap_status in
	0|4) exit 1 ;;
	*) exit "$_ktap_status" ;;
	esac
}
