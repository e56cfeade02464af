#!/bin/sh
# util-linux's unshare and nsenter, as users run them, against the series:
# the clocks seen inside must be the host's plus the offsets. KTAP.
# ktap.sh next to this script (/tests in the guest)
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1
# Absolute paths: busybox's shell would run its own applets otherwise.
unshare=/usr/bin/unshare
nsenter=/usr/bin/nsenter
setpriv=/usr/bin/setpriv
# child_of PID: the (first) child of PID; busybox here has no pgrep.
child_of() {
	for s in /proc/[0-9]*/stat; do
		read -r pid _ _ ppid _ < "$s" 2>/dev/null || continue
		if [ "$ppid" = "$1" ]; then echo "$pid"; return; fi
	done
}

ktap_header
[ -e /proc/self/ns/time ] || ktap_skip_all "no time namespaces in this kernel"
[ "$(id -u)" = 0 ] || ktap_skip_all "needs root"

# host_mono / host_boot: the host clocks now, in seconds
host() { /tests/clk | awk -v f="$1" '$1 == "vdso" { print $f }'; }
# near WANT GOT: within 2 s (the offsets below are hours or days)
near() { awk -v w="$1" -v g="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d < 2) }'; }
# check NAME OUTPUT-OF-clk MONO-OFFSET BOOT-OFFSET
check() {
	name=$1 out=$2 mo=$3 bo=$4
	hm=$(host 2) hb=$(host 3)
	vm=$(echo "$out" | awk '$1 == "vdso" { print $2 }')
	vb=$(echo "$out" | awk '$1 == "vdso" { print $3 }')
	sm=$(echo "$out" | awk '$1 == "sys" { print $2 }')
	sb=$(echo "$out" | awk '$1 == "sys" { print $3 }')
	wm=$(awk -v h="$hm" -v o="$mo" 'BEGIN { print h + o }')
	wb=$(awk -v h="$hb" -v o="$bo" 'BEGIN { print h + o }')
	if [ -n "$vm" ] && near "$wm" "$vm" && near "$wm" "$sm" &&
	   near "$wb" "$vb" && near "$wb" "$sb"; then
		ktap_ok "$name"
	else
		ktap_diag "$name: want mono $wm boot $wb, got vdso $vm $vb sys $sm $sb"
		ktap_not_ok "$name"
	fi
}

up=$(cut -d. -f1 /proc/uptime)
neg=$(( -(up - 1) ))

out=$($unshare --time --fork --monotonic=86400 --boottime=3600 /tests/clk)
check unshare_fork_positive_offsets "$out" 86400 3600

out=$($unshare --time --fork --monotonic=$neg --boottime=172800 /tests/clk)
check unshare_fork_negative_monotonic "$out" "$neg" 172800

# No --fork: unshare execs the program, which enters the namespace then.
out=$($unshare --time --monotonic=7200 --boottime=7200 /tests/clk)
check unshare_exec_without_fork "$out" 7200 7200

want=$(awk -v u="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print u + 3600 }')
got=$($unshare --time --fork --boottime=3600 cat /proc/uptime | cut -d' ' -f1)
if near "$want" "$got"; then ktap_ok proc_uptime_shifted; else
	ktap_diag "/proc/uptime: want $want got $got"; ktap_not_ok proc_uptime_shifted; fi

$unshare --time --fork --monotonic=500000 --boottime=600000 sleep 30 &
sleep 1
target=$(child_of $!)
out=$($nsenter --time --target "$target" /tests/clk 2>&1)
check nsenter_time_target "$out" 500000 600000
kill "$target" 2>/dev/null
wait 2>/dev/null

a=$(readlink /proc/self/ns/time)
b=$($unshare --time --fork readlink /proc/self/ns/time)
if [ -n "$b" ] && [ "$a" != "$b" ]; then ktap_ok unshare_new_namespace; else
	ktap_diag "ns/time: host $a, inside $b"; ktap_not_ok unshare_new_namespace; fi

# Unprivileged: a user namespace mapped to root owns the time namespace.
echo 1 > /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null
out=$($setpriv --reuid=65534 --regid=65534 --clear-groups \
	$unshare --user --map-root-user --time --fork --monotonic=3600 --boottime=7200 /tests/clk 2>&1)
check unprivileged_user_namespace "$out" 3600 7200

# Too late: the offsets of a namespace a task has entered are fixed.
$unshare --time --fork sleep 30 &
sleep 1
target=$(child_of $!)
if $nsenter --time --target "$target" sh -c 'echo "monotonic 5 0" > /proc/self/timens_offsets' 2>/dev/null; then
	ktap_not_ok offsets_fixed_after_enter
else
	ktap_ok offsets_fixed_after_enter
fi
kill "$target" 2>/dev/null
wait 2>/dev/null

ktap_finish
