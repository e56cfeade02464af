#!/bin/sh
# kmemleak.sh [clear]: the kernel memory leak detector around the guest's
# tests, as KTAP. Run first as "kmemleak.sh clear", last without argument.
#
#   clear   stop the automatic scan thread (the only scans are then these,
#           not one in the middle of a timing test), scan twice and mark what
#           is reported (the boot's own suspects, false positives or not) as
#           seen: "ok 1 kmemleak_cleared" if the report is then empty
#   (none)  scan twice and read the report: "ok 1 kmemleak_no_leaks" if it
#           is empty, else not ok with its first lines and the count
#
# Two scans, more than kmemleak's minimum object age (5 s) apart: an object
# is reported only once it is old enough and unchanged since the scan
# before (kmemleak's checksum), so a single scan misses the newest leaks.
# Each scan is limited to KMEMLEAK_SCAN_SECS (default 50 s times WB_SLOW);
# a signal stops a scan early, which would leave leaks unreported: a scan
# that runs out of time fails the case.
# Skips as a whole without kmemleak (no debugfs or no CONFIG_DEBUG_KMEMLEAK)
# or when it was turned off with kmemleak=off.
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1

D=/sys/kernel/debug
K=$D/kmemleak
GAP=6		# s between the scans, more than kmemleak's 5 s minimum age
LINES=100	# lines of the report printed
case ${WB_SLOW:-1} in '' | *[!0-9]*) slow=1 ;; *) slow=${WB_SLOW:-1} ;; esac
limit=${KMEMLEAK_SCAN_SECS:-$((50 * slow))}
report=/tmp/kmemleak-report.$$

case ${1:-} in
clear) mode=clear case=kmemleak_cleared ;;
'') mode=report case=kmemleak_no_leaks ;;
*) echo "usage: $0 [clear]" >&2; exit 2 ;;
esac

ktap_header
grep -q " $D debugfs " /proc/mounts || mount -t debugfs debugfs $D 2>/dev/null
if [ ! -e $K ]; then
	ktap_diag "no $K (CONFIG_DEBUG_KMEMLEAK, CONFIG_DEBUG_FS)"
	ktap_skip_all "no kmemleak"
fi

# now: uptime in 1/100 s
now() {
	read -r up _ </proc/uptime
	echo $(( ${up%.*} * 100 + 1${up#*.} - 100 ))
}
# secs T0 T1: T1 - T0 in s, two decimals
secs() { d=$(($2 - $1)); echo "$((d / 100)).$((d / 10 % 10))$((d % 10))"; }

# ctl CMD: write CMD to the control file, within $limit s; sets err, took
ctl() {
	t0=$(now)
	err=$(timeout "$limit" sh -c 'echo "$1" >"$2"' ctl "$1" $K 2>&1)
	rc=$?
	t1=$(now)
	took=$(secs "$t0" "$t1")
	if [ $rc != 0 ] && [ $((t1 - t0)) -ge $((limit * 100)) ]; then
		err="'$1' did not finish in $limit s"
	fi
	return $rc
}
# failed WHAT: the control file refused WHAT (or it timed out)
failed() {
	[ -n "$err" ] && ktap_diag "$err"
	case " $(cat /proc/cmdline) " in
	*" kmemleak=off "*) ktap_skip_all "kmemleak=off on the kernel command line" ;;
	esac
	# Else kmemleak turned itself off on an internal error (see the
	# kernel log), or the scan ran out of time: the leaks are unknown.
	ktap_not_ok $case "$1 failed: $(echo "$err" | tail -n 1)"
	ktap_finish
}
# scan2: two scans, $GAP s apart
scan2() {
	ctl scan || failed "scan 1"
	s1=$took
	sleep $GAP
	ctl scan || failed "scan 2"
	ktap_diag "scans: 2, $GAP s apart, took $s1 s and $took s (limit $limit s each)"
}
# show: the report into $report; its size and first $LINES lines as diagnostics
show() {
	cat $K >$report 2>&1 || { ktap_not_ok $case "cannot read $K"; ktap_finish; }
	leaks=$(grep -c '^unreferenced object' $report)
	nl=$(wc -l <$report)
	if [ -s $report ]; then
		head -n $LINES $report | ktap_diag_lines
		[ "$nl" -gt $LINES ] && ktap_diag "... ($nl lines, the first $LINES above)"
	fi
	ktap_diag "$1: $leaks suspected leaks, $nl lines of report"
}

if [ $mode = clear ]; then
	ctl scan=off || failed "scan=off"
	ktap_diag "automatic scanning stopped"
	scan2
	show "before clear"
	ctl clear || failed "clear"
	show "after clear"
	if [ -s $report ]; then
		ktap_not_ok $case "the report is not empty after clear"
	else
		ktap_ok $case
	fi
else
	scan2
	show "after the tests"
	if [ -s $report ]; then
		ktap_not_ok $case "$leaks suspected memory leaks"
	else
		ktap_ok $case
	fi
fi
rm -f $report
ktap_finish
