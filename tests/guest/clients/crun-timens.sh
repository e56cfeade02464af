#!/bin/bash
# Debian's crun (1.8.1) against the series, in the rootfs chroot: an OCI
# container with a time namespace, and `crun exec` into it, see the host's
# clocks plus the offsets. KTAP. Run by run-in-rootfs.sh (as /tests/crun-timens),
# which puts ktap.sh next to it.
#
# crun 1.8.1 takes the offsets only from the annotation run.oci.timens_offset
# and ignores linux.timeOffsets of the OCI spec (crun 1.8.4 switched to the
# spec); and a time namespace together with a new pid namespace fails with
# "write to sync socket". Both are run and reported as SKIP when they show
# the known crun limitation, as failures when they go wrong in another way.
#
# Last, what Docker does for every container: a time namespace whose offsets
# nobody sets. vdso_steps (tests/guest/vdso_steps.c) single-steps each vDSO
# call in such a container and outside any; the container must run exactly
# the instructions of the host.
. "${KTAP_SH:-$(dirname "$0")/ktap.sh}" || exit 1
MO=864000	# 10 days
BO=1728000	# 20 days
W=/tmp/crun-timens
is() { local e=$1; shift; awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" "BEGIN { exit !($e) }"; }
field() { echo "$1" | awk -v f="$2" '{ print $f }'; }
# near SAMPLE HOST MO BO: the sample's clocks (vDSO and syscall) are the
# host's plus the offsets, within 2 s (crun under emulation is slow).
near() {
	local s=$1 h=$2 mo=$3 bo=$4 c
	[ -n "$s" ] || return 1
	for c in 1:$mo 2:$bo 3:$mo 4:$bo; do
		is 'a - (b + c) < 2 && (b + c) - a < 2' "$(field "$s" ${c%%:*})" "$(field "$h" ${c%%:*})" "${c#*:}" ||
			return 1
	done
}
# bundle NAME ARGS-JSON NAMESPACES-JSON EXTRA-LINUX-JSON ANNOTATIONS-JSON [EXTRA-MOUNTS-JSON]
bundle() {
	local b=$W/$1
	mkdir -p "$b"
	ln -s ../rootfs "$b/rootfs"
	cat >"$b/config.json" <<-EOF
	{
		"ociVersion": "1.0.2",
		"process": {
			"terminal": false,
			"user": { "uid": 0, "gid": 0 },
			"args": $2,
			"env": [ "PATH=/bin" ],
			"cwd": "/",
			"noNewPrivileges": true
		},
		"root": { "path": "rootfs", "readonly": true },
		"hostname": "wb-container",
		"mounts": [
			{ "destination": "/proc", "type": "proc", "source": "proc" },
			{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
			  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] }${6:+,
			$6}
		],
		"annotations": $5,
		"linux": {
			$4
			"namespaces": $3
		}
	}
	EOF
}
annot="{ \"run.oci.timens_offset\": \"monotonic $MO 0\\nboottime $BO 0\" }"
nsjson='[ { "type": "mount" }, { "type": "uts" }, { "type": "ipc" }, { "type": "time" } ]'

ktap_header
ktap_diag "crun $(crun --version | head -1 | awk '{ print $3 }'); kernel $(uname -r)"
rm -rf "$W" && mkdir -p "$W/rootfs"/{bin,proc,dev,wb}
cp /bin/busybox "$W/rootfs/bin/busybox"
cp /wb/clockloop "$W/rootfs/wb/clockloop"
cp /wb/vdso_steps "$W/rootfs/wb/vdso_steps"
hostns=$(readlink /proc/self/ns/time)

# 1. crun run: the container's clocks are the host's plus the offsets.
bundle run '[ "/wb/clockloop", "once" ]' "$nsjson" "" "$annot"
host=$(/wb/clockloop once)
s=$(crun run -b "$W/run" wb-run 2>"$W/run.err" </dev/null); rc=$?
ktap_diag "host $host; container $s"
if [ $rc = 0 ] && near "$s" "$host" $MO $BO; then ktap_ok crun_run_annotation_offsets; else
	ktap_diag_lines <"$W/run.err"
	ktap_not_ok crun_run_annotation_offsets "rc=$rc: want host + $MO/$BO, got '$s'"; fi

# 2. /proc/self/timens_offsets in the container
bundle offs '[ "/bin/busybox", "cat", "/proc/self/timens_offsets" ]' "$nsjson" "" "$annot"
o=$(crun run -b "$W/offs" wb-offs 2>"$W/offs.err" </dev/null); rc=$?
echo "$o" | ktap_diag_lines
if [ $rc = 0 ] && echo "$o" | grep -Eq "^monotonic +$MO +0$" && echo "$o" | grep -Eq "^boottime +$BO +0$"; then
	ktap_ok crun_run_timens_offsets_file
else
	ktap_diag_lines <"$W/offs.err"
	ktap_not_ok crun_run_timens_offsets_file "rc=$rc"
fi

# 3., 4. crun exec into a running container: same namespace, same clocks
bundle exec '[ "/bin/busybox", "sleep", "120" ]' "$nsjson" "" "$annot"
crun run -d -b "$W/exec" wb-exec </dev/null >"$W/exec.out" 2>"$W/exec.err"; rc=$?
if [ $rc = 0 ]; then
	ipid=$(crun state wb-exec | awk -F'[:,]' '/"pid"/ { gsub(/ /, "", $2); print $2 }')
	host=$(/wb/clockloop once)
	s=$(crun exec wb-exec /wb/clockloop once 2>"$W/exec1.err" </dev/null); rc=$?
	ktap_diag "host $host; crun exec $s"
	if [ $rc = 0 ] && near "$s" "$host" $MO $BO; then ktap_ok crun_exec_offsets; else
		ktap_diag_lines <"$W/exec1.err"
		ktap_not_ok crun_exec_offsets "rc=$rc: want host + $MO/$BO, got '$s'"; fi
	ens=$(crun exec wb-exec /bin/busybox readlink /proc/self/ns/time 2>"$W/exec2.err" </dev/null)
	ins=$(readlink /proc/$ipid/ns/time 2>/dev/null)
	ktap_diag "init $ipid: $ins; exec: $ens; host: $hostns"
	if [ -n "$ens" ] && [ "$ens" = "$ins" ] && [ "$ens" != "$hostns" ]; then
		ktap_ok crun_exec_same_timens
	else
		ktap_diag_lines <"$W/exec2.err"
		ktap_not_ok crun_exec_same_timens "exec in '$ens', container init in '$ins', host $hostns"
	fi
	crun kill wb-exec KILL 2>/dev/null
	for i in $(seq 50); do crun state wb-exec 2>/dev/null | grep -q '"stopped"' && break; sleep 0.1; done
	crun delete -f wb-exec 2>/dev/null
else
	ktap_diag_lines <"$W/exec.err"
	ktap_not_ok crun_exec_offsets "crun run -d failed, rc=$rc"
	ktap_not_ok crun_exec_same_timens "crun run -d failed, rc=$rc"
fi

# 5. The OCI spec's linux.timeOffsets, without the annotation.
spec='"timeOffsets": { "monotonic": { "secs": '$MO', "nanosecs": 0 }, "boottime": { "secs": '$BO', "nanosecs": 0 } },'
bundle spec '[ "/wb/clockloop", "once" ]' "$nsjson" "$spec" '{}'
host=$(/wb/clockloop once)
s=$(crun run -b "$W/spec" wb-spec 2>"$W/spec.err" </dev/null); rc=$?
ktap_diag "host $host; container $s"
if [ $rc = 0 ] && near "$s" "$host" $MO $BO; then ktap_ok crun_run_spec_timeoffsets
elif [ $rc = 0 ] && near "$s" "$host" 0 0; then
	ktap_skip crun_run_spec_timeoffsets "crun 1.8.1 ignores linux.timeOffsets (uses the OCI spec from crun 1.8.4)"
else
	ktap_diag_lines <"$W/spec.err"
	ktap_not_ok crun_run_spec_timeoffsets "rc=$rc: got '$s'"
fi

# 6. A time namespace with a new pid namespace
bundle pid '[ "/wb/clockloop", "once" ]' '[ { "type": "mount" }, { "type": "uts" }, { "type": "pid" }, { "type": "time" } ]' "" "$annot"
host=$(/wb/clockloop once)
s=$(timeout 30 crun run -b "$W/pid" wb-pid 2>"$W/pid.err" </dev/null); rc=$?
ktap_diag "host $host; container $s"
# crun 1.8.1's own failure (its init, pid 1 of the new pid namespace, forks
# into the time namespace and exits, which ends the pid namespace): it says
# "write to sync socket", or nothing and exits 255, as the race goes. The
# same namespaces made by unshare on this kernel tell it from the kernel's.
h2=$(/wb/clockloop once)
u=$(unshare --pid --mount --uts --time --fork --monotonic=$MO --boottime=$BO /wb/clockloop once 2>&1)
if [ $rc = 0 ] && near "$s" "$host" $MO $BO; then ktap_ok crun_run_time_and_pid_ns
elif { grep -q 'sync socket' "$W/pid.err" || { [ $rc = 255 ] && [ ! -s "$W/pid.err" ]; }; } &&
     [ -z "$s" ] && near "$u" "$h2" $MO $BO; then
	ktap_diag_lines <"$W/pid.err"
	ktap_diag "unshare --pid --time on this kernel: $u"
	ktap_skip crun_run_time_and_pid_ns "crun 1.8.1 cannot combine a new time and pid namespace: its init (pid 1 of the new pid ns) forks into the time ns and exits (rc=$rc; unshare --pid --time --fork works)"
else
	ktap_diag "unshare --pid --time on this kernel: $u"
	ktap_diag_lines <"$W/pid.err"
	ktap_not_ok crun_run_time_and_pid_ns "rc=$rc: got '$s'"
fi
crun delete -f wb-pid >/dev/null 2>&1

# 7. Without a time namespace the container has the host's clocks.
bundle plain '[ "/wb/clockloop", "once" ]' '[ { "type": "mount" }, { "type": "uts" } ]' "" '{}'
host=$(/wb/clockloop once)
s=$(crun run -b "$W/plain" wb-plain 2>"$W/plain.err" </dev/null); rc=$?
if [ $rc = 0 ] && near "$s" "$host" 0 0; then ktap_ok crun_run_no_timens_host_clocks; else
	ktap_diag_lines <"$W/plain.err"
	ktap_not_ok crun_run_no_timens_host_clocks "rc=$rc: want host clocks, got '$s'"; fi

# 8. Docker's default: a time namespace with zero offsets. The container's
# vDSO calls run the host's instructions: column a of vdso_steps' table (its
# own task) inside the container against the same outside any container.
# Inside, without CAP_SYS_ADMIN, vdso_steps' own namespace cases skip.
steps_a() { awk '/^# call /{f=1; next} /^(ok|not ok) /{f=0} f && $3 ~ /^[0-9]+$/ {print $2, $3}'; }
sysfs='{ "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] }'
bundle zero '[ "/wb/vdso_steps" ]' "$nsjson" "" '{}' "$sysfs"
hs=$(cd /wb && ./vdso_steps 2>&1); hrc=$?
cs=$(crun run -b "$W/zero" wb-zero 2>"$W/zero.err" </dev/null); rc=$?
echo "$cs" | grep -E '^# (a:|call|clock|gettimeofday|time|clock_getres)' | ktap_diag_lines
ha=$(echo "$hs" | steps_a) ca=$(echo "$cs" | steps_a)
cns=$(echo "$cs" | sed -n 's/^# a: .*(time namespace \([0-9]*\);.*/\1/p')
hino=$(stat -L -c %i /proc/self/ns/time)
if [ $rc != 0 ] || [ -z "$ca" ]; then
	ktap_diag_lines <"$W/zero.err"
	ktap_not_ok crun_zero_offsets_vdso_counted "rc=$rc: no counts from vdso_steps in the container"
elif [ $hrc != 0 ] && [ -z "$ha" ]; then
	echo "$hs" | tail -5 | ktap_diag_lines
	ktap_not_ok crun_zero_offsets_vdso_counted "rc=$hrc: no counts from vdso_steps outside a container"
elif [ -z "$cns" ] || [ "$cns" = "$hino" ]; then
	ktap_not_ok crun_zero_offsets_vdso_counted "the container's task is in time namespace '$cns', the host's is $hino: no namespace of its own"
else
	ktap_ok crun_zero_offsets_vdso_counted "time namespace $cns (host $hino); $(echo "$ca" | wc -l) calls counted"
	while read -r call n; do
		m=$(echo "$ca" | awk -v c="$call" '$1 == c {print $2}')
		if [ "$m" = "$n" ]; then
			ktap_ok "crun_zero_offsets_vdso_$call" "host $n, container $m"
		else
			ktap_not_ok "crun_zero_offsets_vdso_$call" "host $n, container ${m:-not counted}"
		fi
	done <<<"$ha"
fi
ktap_finish
