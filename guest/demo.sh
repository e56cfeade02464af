#!/bin/sh
# What `make demo` shows inside the guest.
# child_of PID: the (first) child of PID; busybox here has no pgrep.
child_of() {
	for s in /proc/[0-9]*/stat; do
		read -r pid _ _ ppid _ < "$s" 2>/dev/null || continue
		if [ "$ppid" = "$1" ]; then echo "$pid"; return; fi
	done
}
step() { echo; echo "### $*"; }
ns() { ls -l /proc/$1/ns/ 2>/dev/null | grep -o 'time.*' || echo "  (no time namespace entries: kernel without time namespaces)"; }
step "host: uptime and clocks"
cat /proc/uptime
/tests/clockshow
step "host: /proc/self/ns time entries"
ns self
if [ ! -e /proc/self/ns/time ]; then
	step "this kernel has no time namespaces (the series is empty or CONFIG_TIME_NS=n)"
	/usr/bin/unshare --time true || echo "  /usr/bin/unshare --time refused, as expected here"
	exit 0
fi
step "/usr/bin/unshare --time --fork --monotonic=86400 --boottime=3600 (one day and one hour ahead)"
/usr/bin/unshare --time --fork --monotonic=86400 --boottime=3600 sh -c '
	echo "  /proc/uptime: $(cat /proc/uptime)"
	/tests/clockshow
	echo "  timens_offsets:"; sed "s/^/    /" /proc/self/timens_offsets
	sleep 30' &
sleep 2
child=$(child_of $!)
step "/usr/bin/nsenter --time --target $child: the same clocks from outside"
/usr/bin/nsenter --time --target "$child" /tests/clockshow
/usr/bin/nsenter --time --target "$child" cat /proc/uptime
step "host again"
/tests/clockshow
kill "$child" 2>/dev/null
wait
