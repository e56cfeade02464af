#!/bin/bash
# Debian 12's LXC (5.0) against the series, in the rootfs: a container whose
# config sets lxc.time.offset.monotonic and lxc.time.offset.boot runs in a
# time namespace of its own with those offsets: its clocks (vDSO and system
# call) and /proc/uptime are the host's plus the offsets, and lxc-attach
# joins that time namespace. KTAP. Run by run-in-rootfs.sh (as
# /tests/lxc-timens), which puts ktap.sh next to it.
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1
MO=864000	# 10 days of monotonic (lxc.time.offset.monotonic = 240h)
BO=1728000	# 20 days of boottime (lxc.time.offset.boot = 480h)
N=wbtime
P=/var/lib/lxc
W=/tmp/lxc-timens
calc() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { printf \"%.6f\n\", $e }"; }
is() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" -v e="${5:-0}" "BEGIN { exit !($e) }"; }
field() { echo "$1" | awk -v f="$2" '{ print $f }'; }
near() { is 'a - b - c < 2 && c - (a - b) < 2' "$@"; }	# near A B OFF: A - B is OFF within 2 s
# sampled S H COL OFF: column COL of clockloop sample S is that of H plus
# OFF, dated by their realtime (column 5), within 0.5 s
sampled() {
	[ -n "$1" ] && [ -n "$2" ] || return 1
	is 'a - (b + c - d) - e < 0.5 && (b + c - d) + e - a < 0.5' "$(field "$1" "$3")" \
		"$(field "$2" "$3")" "$(field "$1" 5)" "$(field "$2" 5)" "$4"
}

ktap_header
command -v lxc-start >/dev/null || ktap_skip_all "no lxc in the root file system"
ktap_diag "lxc $(lxc-start --version 2>&1); kernel $(uname -r)"
rm -rf "$W" "${P:?}/$N" && mkdir -p "$W" "$P"

# The container: Debian's busybox template (no download), no network, and
# the time offsets; clockloop (static) is put into its root.
out=$(lxc-create -n $N -t busybox 2>&1); rc=$?
[ $rc = 0 ] || echo "$out" | tail -10 | ktap_diag_lines
ktap_result $rc lxc_create "lxc-create -t busybox rc=$rc"
[ $rc = 0 ] || { ktap_skip_all "no container"; }
cp /wb/clockloop "$P/$N/rootfs/bin/clockloop"
sed -i '/^lxc.net\./d; /^lxc.apparmor\./d' "$P/$N/config"
cat >>"$P/$N/config" <<EOF
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.time.offset.monotonic = 240h
lxc.time.offset.boot = 480h
EOF

out=$(lxc-start -n $N -d -l DEBUG -o "$W/start.log" 2>&1); rc=$?
for i in $(seq 100); do
	[ "$(lxc-info -n $N -s -H 2>/dev/null)" = RUNNING ] && break
	sleep 0.1
done
state=$(lxc-info -n $N -s -H 2>&1)
if [ $rc != 0 ] || [ "$state" != RUNNING ]; then
	echo "$out" | ktap_diag_lines
	grep -E 'ERROR|WARN' "$W/start.log" | tail -15 | ktap_diag_lines
	ktap_not_ok lxc_start "lxc-start rc=$rc, state $state"
	ktap_skip_all "the container does not run"
fi
ktap_ok lxc_start
init=$(lxc-info -n $N -p -H)
hostns=$(readlink /proc/self/ns/time)
ns=$(readlink /proc/$init/ns/time)
if [ -n "$ns" ] && [ "$ns" != "$hostns" ]; then
	ktap_ok lxc_own_timens "init $init in $ns, host $hostns"
else
	ktap_not_ok lxc_own_timens "init $init in '$ns', host $hostns"
fi
off=$(cat /proc/$init/timens_offsets 2>&1 | paste -sd' ' | tr -s ' ')
if [ "$off" = "monotonic $MO 0 boottime $BO 0" ]; then
	ktap_ok lxc_offsets "$off"
else
	ktap_not_ok lxc_offsets "timens_offsets of the container's init: '$off', want monotonic $MO, boottime $BO"
fi

# lxc-attach joins the container's namespaces, time included
ans=$(lxc-attach -n $N -- readlink /proc/self/ns/time 2>&1)
[ "$ans" = "$ns" ] && ktap_ok lxc_attach_joins_timens "$ans" ||
	ktap_not_ok lxc_attach_joins_timens "lxc-attach runs in '$ans', the container in $ns"

# The clocks inside: host + offsets, vDSO and syscall alike
host=$(/wb/clockloop once)
in=$(lxc-attach -n $N -- /bin/clockloop once 2>&1)
host2=$(/wb/clockloop once)
ktap_diag "host: $host; in the container: $in"
bad=
for c in monotonic:1:$MO boottime:2:$BO monotonic_syscall:3:$MO boottime_syscall:4:$BO; do
	name=${c%%:*} col=$(echo $c | cut -d: -f2) o=${c##*:}
	sampled "$in" "$host" $col $o || bad="$bad $name"
done
[ -z "$bad" ] && [ -n "$in" ] && ktap_ok lxc_clocks "the host's plus the offsets" ||
	ktap_not_ok lxc_clocks "not the host's plus the offsets:$bad"

up=$(lxc-attach -n $N -- cat /proc/uptime 2>&1 | awk '{ print $1 }')
hup=$(awk '{ print $1 }' /proc/uptime)
if near "$up" "$hup" $BO; then
	ktap_ok lxc_uptime "$up s in the container, $hup s on the host"
else
	ktap_not_ok lxc_uptime "$up s in the container, $hup s on the host: want the host's + $BO"
fi
# and the host's own clocks stayed the host's
sampled "$host2" "$host" 1 0 && sampled "$host2" "$host" 2 0 &&
	ktap_ok lxc_host_clocks_unchanged || ktap_not_ok lxc_host_clocks_unchanged "host: $host, then $host2"

out=$(lxc-stop -n $N -k 2>&1); rc=$?
[ $rc = 0 ] || echo "$out" | ktap_diag_lines
ktap_result $rc lxc_stop "lxc-stop rc=$rc"
lxc-destroy -n $N >/dev/null 2>&1
ktap_finish
