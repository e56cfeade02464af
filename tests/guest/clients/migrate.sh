#!/bin/bash
# The restore on another host (issue 14), one guest after the other from the
# same root file system, with the written-through disk /dev/vdb between them
# (tests/check.sh, migrate_boots). Debian's criu moves the process migrant
# (migrant.c: samples of its clocks, three timers with absolute expiries):
#
#   migrate-a  runs migrant in a time namespace with offsets of days until
#              its uptime is well above what the next guest's will be, and
#              dumps it to /dev/vdb (case 1)
#   migrate-b  (booted later, so its CLOCK_MONOTONIC and BOOTTIME are far
#              lower) restores case 1 and checks it; then runs migrant in a
#              time namespace with zero offsets (the container default) and
#              dumps it at once (case 2)
#   migrate-c  waits until its clocks are far higher than they were at the
#              dump of case 2, restores it and checks it: the restored
#              namespace needs negative offsets
#
# The checks of a restore: the clocks of the process continue from the dump
# (never back, a jump no bigger than the outage), the vDSO and the system call
# agree, the namespace's clocks are the host's plus its offsets, and each
# timer fires at its expiry in the restored namespace (not before it, and
# not later than the restore took; CRIU 3.17.1 itself re-arms an absolute
# timerfd up to 1 s early: see early()). KTAP. Run by run-in-rootfs.sh (as
# /tests/migrate-a, -b, -c: this script under three names).
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1
role=${0##*/migrate-}
role=${role%.sh}
S=${WB_SLOW:-1}
MO=864000	# case 1: 10 days of monotonic,
BO=1728000	# 20 days of boottime
UPA=$((45 * S))	# case 1 is dumped at this uptime of guest A,
GAP=$((30 * S))	# case 2 restored this much later in uptime than its dump
D=/mnt/img
calc() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" "BEGIN { printf \"%.6f\n\", $e }"; }
is() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" "BEGIN { exit !($e) }"; }
field() { echo "$1" | awk -v f="$2" '{ print $f }'; }
uptime() { awk '{ print $1 }' /proc/uptime; }
# offset FILE-TEXT CLOCK: "monotonic S NS" -> S.NS
offset() { echo "$1" | awk -v c="$2" '$1 == c { printf "%.6f\n", $2 + $3 / 1e9 }'; }
logtail() { [ -f "$1" ] || return 0; grep -E 'Error|Warn' "$1" | tail -15 | ktap_diag_lines; tail -5 "$1" | ktap_diag_lines; }
samples() { grep -c '^S ' "$1"; }
# early TIMER: how early (s) the restored TIMER may fire. CRIU 3.17.1
# re-arms a TFD_TIMER_ABSTIME timerfd at its remaining time plus the whole
# seconds of the clock, leaving out its nanoseconds (criu/pie/restorer.c,
# timerfd_arm(): "we don't adjust nanoseconds ... FIXME"), in the restored
# namespace: up to 1 s early. The POSIX timer is re-armed relative: on time.
early() { case $1 in tfd_*) echo 1 ;; *) echo 0 ;; esac; }
gone() { [ ! -d /proc/$1 ] || [ "$(awk '{ print $3 }' /proc/$1/stat 2>/dev/null)" = Z ]; }
lastS() { grep '^S ' "$1" | tail -n1; }

ktap_header
ktap_diag "role $role; $(criu --version | head -1); kernel $(uname -r); uptime $(uptime)"
mkdir -p $D
# migrate_boots always attaches the disk: without it nothing can be checked
if ! mount -t ext4 /dev/vdb $D; then
	ktap_not_ok migrate_disk "cannot mount the shared disk /dev/vdb"
	ktap_finish
fi

# start CASE ARM [unshare options]: migrant in a new time namespace, its
# pid in $D/CASE/pids; PIDs from 3000 or 3500 up (below pid_max, 4096 on
# a tinyconfig kernel), free in the next guest.
start() {
	local c=$1 arm=$2 upid pid i; shift 2
	rm -rf "${D:?}/$c" && mkdir -p $D/$c/img
	echo $((c * 500 + 2500)) >/proc/sys/kernel/ns_last_pid || return 1
	unshare --time --fork "$@" /wb/migrant $D/$c/samples $D/$c/stop "$arm" \
		</dev/null >/dev/null 2>&1 &
	upid=$!
	for i in $(seq 100); do
		pid=$(pgrep -P $upid)
		[ -n "$pid" ] && [ -s $D/$c/samples ] && break
		sleep 0.1
	done
	echo "$upid $pid" >$D/$c/pids
	[ -n "$pid" ] && [ -s $D/$c/samples ] && return 0
	kill -9 $upid $pid 2>/dev/null
	wait $upid 2>/dev/null
	return 1
}

# dump CASE: criu dump of the migrant; what the next guest needs in CASE/dumped
dump() {
	local c=$1 upid pid rc
	read -r upid pid <$D/$c/pids
	ktap_diag "case $c: dumping pid $pid ($(readlink /proc/$pid/ns/time)), offsets $(paste -sd' ' /proc/$pid/timens_offsets)"
	criu dump -t "$pid" -D $D/$c/img -o dump.log -v4 >$D/$c/dump.out 2>&1; rc=$?
	[ $rc = 0 ] || { ktap_diag_lines $D/$c/dump.out; logtail $D/$c/img/dump.log; }
	ktap_result $rc case${c}_dump "criu dump rc=$rc"
	# a failed dump leaves the process running
	[ $rc = 0 ] || kill -9 $pid $upid 2>/dev/null
	wait $upid 2>/dev/null
	[ $rc = 0 ] && { echo "$(uptime) $(lastS $D/$c/samples)" >$D/$c/dumped; sync; }
	return $rc
}

# restore CASE: restore and check case CASE; SIGN: + or - for the offsets
# that the restored namespace must have against the host of this guest.
restore() {
	local c=$1 sign=$2 up0 nb last first t0 t1 rc pid bad name cv cs dv ds dr off1 s host want got o
	local n i name exp f fv dl
	if [ ! -f $D/$c/dumped ]; then
		for n in restore clocks_continue vdso_matches_syscall offsets timers exits; do
			ktap_not_ok case${c}_$n "case $c was not dumped by the guest before"
		done
		return 1
	fi
	read -r up0 _ <$D/$c/dumped
	read -r _ pid <$D/$c/pids
	nb=$(samples $D/$c/samples)
	last=$(lastS $D/$c/samples)
	ktap_diag "case $c: dumped at uptime $up0 of the guest before; this guest's uptime $(uptime)"
	t0=$(date +%s.%N)
	criu restore -d -D $D/$c/img -o restore.log -v4 </dev/null >$D/$c/restore.out 2>&1; rc=$?
	for i in $(seq 300); do
		[ "$(samples $D/$c/samples)" -ge $((nb + 10)) ] && break
		[ $rc = 0 ] || break
		sleep 0.1
	done
	t1=$(date +%s.%N)
	if [ $rc != 0 ] || [ "$(samples $D/$c/samples)" -lt $((nb + 10)) ]; then
		ktap_diag_lines $D/$c/restore.out
		logtail $D/$c/img/restore.log
		ktap_not_ok case${c}_restore "criu restore rc=$rc; the restored process does not run"
		for n in clocks_continue vdso_matches_syscall offsets timers exits; do
			ktap_not_ok case${c}_$n "not restored"
		done
		return 1
	fi
	dl=$(calc 'a - b' $t1 $t0)
	ktap_ok case${c}_restore "pid $pid in $(readlink /proc/$pid/ns/time), restored in $dl s"

	# Across the two guests: never back, at most the outage (realtime,
	# which the guests take from the host's clock at boot to 1 s).
	first=$(grep '^S ' $D/$c/samples | sed -n "$((nb + 1))p")
	ktap_diag "last sample before the dump:  $last"
	ktap_diag "first sample after the restore: $first"
	dr=$(calc 'a - b' "$(field "$first" 6)" "$(field "$last" 6)")
	bad=
	for cv in monotonic:2 boottime:3 monotonic_syscall:4 boottime_syscall:5; do
		name=${cv%%:*} cs=${cv##*:}
		dv=$(calc 'a - b' "$(field "$first" $cs)" "$(field "$last" $cs)")
		is 'a >= 0 && a <= b + 1' "$dv" "$dr" || bad="$bad; $name moved $dv s"
		ktap_diag "$name moved $dv s over an outage of $dr s"
	done
	[ -z "$bad" ] && ktap_ok case${c}_clocks_continue "over an outage of $dr s" ||
		ktap_not_ok case${c}_clocks_continue "want [0, outage $dr s]${bad}"

	bad=$(grep '^S ' $D/$c/samples | tail -n +$((nb + 1)) |
		awk '{ d = $2 - $4; e = $3 - $5; if (d < 0) d = -d; if (e < 0) e = -e
		       if (d > 0.05 || e > 0.05) { print; exit } }')
	[ -z "$bad" ] && ktap_ok case${c}_vdso_matches_syscall ||
		ktap_not_ok case${c}_vdso_matches_syscall "vDSO and syscall disagree: $bad"

	# The offsets of the restored namespace, and its clocks against the
	# host's plus them (dated by realtime).
	off1=$(cat /proc/$pid/timens_offsets 2>/dev/null)
	host=$(/wb/clockloop once)
	s=$(lastS $D/$c/samples)
	bad=
	for cv in monotonic:1:2 boottime:2:3; do
		name=${cv%%:*} cs=${cv##*:} o=$(offset "$off1" $name)
		cv=$(echo $cv | cut -d: -f2)
		[ -n "$o" ] || { bad="$bad; no $name offset"; continue; }
		if [ "$sign" = + ]; then is 'a > 0' "$o"; else is 'a < 0' "$o"; fi ||
			bad="$bad; $name offset $o, want its sign $sign"
		want=$(calc 'a + (b - c) + d' "$(field "$host" $cv)" "$(field "$s" 6)" "$(field "$host" 5)" "$o")
		got=$(field "$s" $cs)
		is 'a - b < 0.2 && b - a < 0.2' "$want" "$got" ||
			bad="$bad; $name: sample $got, host + offset $want"
	done
	[ -z "$bad" ] && ktap_ok case${c}_offsets "$(echo $off1)" ||
		ktap_not_ok case${c}_offsets "$(echo $off1)${bad}"

	# The timers: each fires once, at its expiry in the restored namespace.
	# One deadline for all three: 40 s (they expire about 20 s after the
	# dump, of the namespace's clocks, which go on from it).
	bad= n=0
	grep '^A ' $D/$c/samples >/tmp/armed.$c
	i=$(( $(date +%s) + 40 * S ))
	while [ "$(date +%s)" -lt $i ] && [ "$(grep -c '^F ' $D/$c/samples)" -lt 3 ]; do sleep 0.2; done
	while read -r _ name exp; do
		n=$((n + 1))
		f=$(grep "^F $name " $D/$c/samples)
		fv=$(field "$f" 3)
		if [ -z "$f" ]; then
			bad="$bad; $name (expiry $exp) did not fire"
		elif [ "$(grep -n "^F $name " $D/$c/samples | cut -d: -f1)" -le \
		       "$(grep -n '^S ' $D/$c/samples | sed -n "${nb}p" | cut -d: -f1)" ]; then
			bad="$bad; $name fired before the dump"
		elif ! is 'a >= b - d && a <= b + c + 1' "$fv" "$exp" "$dl" "$(early $name)"; then
			bad="$bad; $name (expiry $exp) fired at $fv"
		else
			ktap_diag "$name: expiry $exp, seen at $fv"
		fi
	done </tmp/armed.$c
	[ $n = 3 ] || bad="$bad; $n timers armed, not 3"
	[ -z "$bad" ] && ktap_ok case${c}_timers "each at its expiry (within the restore's $dl s)" ||
		ktap_not_ok case${c}_timers "${bad#; }"

	touch $D/$c/stop
	# (gone, or a zombie of the guest's init, which reaps only its own)
	for i in $(seq 100); do gone $pid && break; sleep 0.1; done
	gone $pid && ktap_ok case${c}_exits || ktap_not_ok case${c}_exits "pid $pid still runs"
}

case $role in
a)
	# The timers expire 20 s (of the namespace) after the dump
	if start 1 $(awk -v u="$(uptime)" -v a=$UPA 'BEGIN { printf "%d\n", a - u + 20 }') \
		--monotonic=$MO --boottime=$BO; then
		ktap_ok case1_start
		while is 'a < b' "$(uptime)" $UPA; do sleep 0.5; done
		dump 1
	else
		ktap_not_ok case1_start "migrant does not run"
		ktap_not_ok case1_dump "not started"
	fi
	;;
b)
	read -r up0 _ 2>/dev/null <$D/1/dumped
	is 'a < b - 10' "$(uptime)" "${up0:-0}" &&
		ktap_ok case1_lower_host "uptime $(uptime) here, ${up0:-?} at the dump" ||
		ktap_not_ok case1_lower_host "uptime $(uptime) here, ${up0:-?} at the dump: not far lower"
	restore 1 +
	# case 2: zero offsets, dumped at once; its timers expire 20 s (of
	# the namespace) after the dump
	if start 2 22; then
		ktap_ok case2_start
		sleep 2
		dump 2
	else
		ktap_not_ok case2_start "migrant does not run"
		ktap_not_ok case2_dump "not started"
	fi
	;;
c)
	read -r up0 _ 2>/dev/null <$D/2/dumped
	while [ -n "${up0:-}" ] && is 'a < b + c' "$(uptime)" "$up0" $GAP; do sleep 0.5; done
	restore 2 -
	;;
*)
	ktap_skip_all "unknown role '$role'"
	;;
esac
sync
umount $D
ktap_finish
