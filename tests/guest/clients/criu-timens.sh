#!/bin/bash
# Debian's criu (3.17) against the series, in the rootfs chroot: criu sees
# time namespaces, and a process in a time namespace is dumped, the guest's
# clocks move on, and it is restored in a time namespace whose clocks go on
# from where they were at the dump: never backwards, no jump of the pause.
# KTAP. Run by run-in-rootfs.sh (as /tests/criu-timens), which puts ktap.sh
# next to it.
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1
PAUSE=6		# seconds between dump and restore
LIMIT=3		# the clocks may jump at most this much over dump + restore
MO=864000	# offsets of the namespace: 10 days of monotonic,
BO=1728000	# 20 days of boottime
W=/tmp/criu-timens
logtail() { [ -f "$1" ] && grep -E 'Error|Warn' "$1" | tail -15 | ktap_diag_lines; tail -5 "$1" | ktap_diag_lines; }
# calc EXPR with a b c... bound: calc 'a - b' 1 2
calc() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" "BEGIN { printf \"%.6f\n\", $e }"; }
# is COND: is 'a >= b' 1 2
is() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" "BEGIN { exit !($e) }"; }
field() { echo "$1" | awk -v f="$2" '{ print $f }'; }
# offsets from timens_offsets: "monotonic S NS" -> S.NS
offset() { echo "$1" | awk -v c="$2" '$1 == c { printf "%.6f\n", $2 + $3 / 1e9 }'; }

ktap_header
ktap_diag "$(criu --version | head -1); kernel $(uname -r)"
rm -rf "$W" && mkdir -p "$W/img"

out=$(criu check --feature timens 2>&1); rc=$?
ktap_result $rc criu_check_timens "criu check --feature timens: $out"
out=$(criu check 2>&1); rc=$?
echo "$out" | tail -3 | ktap_diag_lines
ktap_result $rc criu_check "criu check failed"
# --all also probes optional features that have nothing to do with time
# namespaces: missing ones are a SKIP (listed), errors a failure.
out=$(criu check --all -v4 2>&1); rc=$?
echo "$out" | grep -iE "error|warn|fail|not supported|missing|isn.t" | grep -v "^(.*Found" | tail -10 | ktap_diag_lines
if [ $rc = 0 ]; then ktap_ok criu_check_all
elif echo "$out" | grep -q 'Looks good but some kernel features are missing' &&
     ! echo "$out" | grep -q 'Does not look good'; then
	ktap_skip criu_check_all "some optional kernel features are missing (listed above)"
else ktap_not_ok criu_check_all "criu check --all failed"; fi

# The process to dump: a child of unshare (unshare itself stays in the
# parent time namespace: only its children enter the new one).
samples=$W/samples stop=$W/stop
unshare --time --fork --monotonic=$MO --boottime=$BO /wb/clockloop "$samples" "$stop" \
	</dev/null >/dev/null 2>&1 &
upid=$!
pid=
for i in $(seq 100); do
	pid=$(pgrep -P $upid)
	[ -n "$pid" ] && [ -s "$samples" ] && break
	sleep 0.1
done
sleep 1
hostns=$(readlink /proc/self/ns/time)
ns0=$(readlink /proc/$pid/ns/time 2>/dev/null)
off0=$(cat /proc/$pid/timens_offsets 2>/dev/null)
ktap_diag "before dump: pid $pid, $ns0 (host $hostns), offsets: $(echo $off0)"
host=$(/wb/clockloop once)
last=$(tail -n1 "$samples")
if [ -z "$pid" ] || [ "$ns0" = "$hostns" ] ||
   ! is 'a - b > c - 2 && a - b < c + 2' "$(field "$last" 1)" "$(field "$host" 1)" $MO; then
	ktap_diag "the process is not in a time namespace with the offsets: $last (host $host)"
fi

t0=$(date +%s.%N)
criu dump -t "$pid" -D "$W/img" -o dump.log -v4 >"$W/dump.out" 2>&1; rc=$?
t1=$(date +%s.%N)
[ $rc = 0 ] || { ktap_diag_lines "$W/dump.out"; logtail "$W/img/dump.log"; }
ktap_result $rc criu_dump "criu dump rc=$rc"
# notrestored WHY: the remaining cases fail
notrestored() {
	local c
	for c in criu_restore criu_dump_restore_monotonic criu_dump_restore_boottime \
		criu_restored_in_timens criu_restored_offsets \
		criu_restored_vdso_matches_syscall criu_restored_exits; do
		[ $c = criu_restore ] && [ "$2" = restored ] && continue
		ktap_not_ok $c "$1"
	done
	ktap_finish
}
if [ $rc != 0 ]; then
	kill -9 $upid $pid 2>/dev/null
	notrestored "not dumped"
fi
wait $upid 2>/dev/null
nb=$(wc -l <"$samples")
last=$(tail -n1 "$samples")
sleep $PAUSE
t2=$(date +%s.%N)
criu restore -D "$W/img" -o restore.log -v4 </dev/null >"$W/restore.out" 2>&1 &
cpid=$!
# wait for 10 new samples (half a second of the restored process)
for i in $(seq 300); do
	[ "$(wc -l <"$samples")" -ge $((nb + 10)) ] && break
	kill -0 $cpid 2>/dev/null || break
	sleep 0.1
done
t3=$(date +%s.%N)
ktap_diag "dump $(calc 'a - b' $t1 $t0) s, pause $PAUSE s, restore (to 10 samples) $(calc 'a - b' $t3 $t2) s"
if [ "$(wc -l <"$samples")" -lt $((nb + 10)) ]; then
	ktap_diag_lines "$W/restore.out"
	logtail "$W/img/restore.log"
	ktap_not_ok criu_restore "the restored process does not run"
	kill -9 $cpid 2>/dev/null
	notrestored "not restored" restored
fi
ktap_ok criu_restore
first=$(sed -n "$((nb + 1))p" "$samples")
ktap_diag "last sample before dump:  $last"
ktap_diag "first sample after restore: $first"
dr=$(calc 'a - b' "$(field "$first" 5)" "$(field "$last" 5)")
# column 1/3: monotonic (vDSO/syscall), 2/4: boottime
for c in monotonic:1:3 boottime:2:4; do
	name=${c%%:*} cv=$(echo $c | cut -d: -f2) cs=$(echo $c | cut -d: -f3)
	dv=$(calc 'a - b' "$(field "$first" $cv)" "$(field "$last" $cv)")
	ds=$(calc 'a - b' "$(field "$first" $cs)" "$(field "$last" $cs)")
	if is 'a >= b' "$dr" $PAUSE && is 'a >= 0 && a < c && b >= 0 && b < c' "$dv" "$ds" $LIMIT; then
		ktap_ok criu_dump_restore_$name "$name moved $dv s (vDSO) $ds s (syscall) while realtime moved $dr s"
	else
		ktap_not_ok criu_dump_restore_$name "$name moved $dv s (vDSO) $ds s (syscall) while realtime moved $dr s; want [0, $LIMIT)"
	fi
done

ns1=$(readlink /proc/$pid/ns/time 2>/dev/null)
if [ -n "$ns1" ] && [ "$ns1" != "$hostns" ]; then
	ktap_ok criu_restored_in_timens "$ns1, host $hostns, before dump $ns0"
else
	ktap_not_ok criu_restored_in_timens "restored task's time namespace '$ns1', host $hostns"
fi

# The offsets: the namespace's clocks are the host's plus the offsets, and
# the offsets went down by what the clocks did not see of the pause.
off1=$(cat /proc/$pid/timens_offsets 2>/dev/null)
ktap_diag "offsets before dump: $(echo $off0); after restore: $(echo $off1)"
host=$(/wb/clockloop once)
s=$(tail -n1 "$samples")
bad=
for c in monotonic:1:3 boottime:2:4; do
	name=${c%%:*} cv=$(echo $c | cut -d: -f2)
	o0=$(offset "$off0" $name) o1=$(offset "$off1" $name)
	# the sample's clock against host clock + offset, dated by realtime
	want=$(calc 'a + (b - c) + d' "$(field "$host" $cv)" "$(field "$s" 5)" "$(field "$host" 5)" "$o1")
	got=$(field "$s" $cv)
	is 'a - b < 0.2 && b - a < 0.2' "$want" "$got" ||
		bad="$bad; $name: sample $got, host + offset $want"
	# old - new offset = realtime moved - clock moved
	dv=$(calc 'a - b' "$(field "$first" $cv)" "$(field "$last" $cv)")
	lost=$(calc 'a - b' "$dr" "$dv")
	is 'a - b - c < 0.2 && c - (a - b) < 0.2' "$o0" "$o1" "$lost" ||
		bad="$bad; $name: offset $o0 -> $o1, but the clock lost $lost s"
done
if [ -n "$o1" ] && [ -z "$bad" ]; then ktap_ok criu_restored_offsets; else ktap_not_ok criu_restored_offsets "${bad#; }"; fi

# After the restore, the vDSO (the time namespace's data page) and the
# system call agree in every sample.
bad=$(tail -n +$((nb + 1)) "$samples" |
	awk '{ d = $1 - $3; e = $2 - $4; if (d < 0) d = -d; if (e < 0) e = -e
	       if (d > 0.05 || e > 0.05) { print; exit } }')
if [ -z "$bad" ]; then ktap_ok criu_restored_vdso_matches_syscall; else
	ktap_not_ok criu_restored_vdso_matches_syscall "vDSO and syscall disagree: $bad"; fi

touch "$stop"
timeout 30 tail --pid=$cpid -f /dev/null
wait $cpid; rc=$?
[ $rc = 0 ] || { ktap_diag_lines "$W/restore.out"; logtail "$W/img/restore.log"; }
ktap_result $rc criu_restored_exits "criu restore rc=$rc"
ktap_finish
