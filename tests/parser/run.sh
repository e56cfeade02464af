#!/bin/bash
# tests/parser/run.sh [--update] [FIXTURE...]
# The tests of tests/parse-console.py: each directory here is one boot
# (console.log: the first serial port, tests.log: the second, list: the
# programs expected) with the parser's expected output (expected). Prints
# "PASS parser/FIXTURE" or "FAIL parser/FIXTURE  # diff: ..." per fixture;
# exits 0 (the lines decide). --update rewrites expected from the output
# (then read the diff before keeping it).
# The programs' logs (--logdir) go to build/parser-tests/FIXTURE/.
# real-*: logs of real boots (guest/boot.sh, guest/init) with small KTAP
# programs; the others are written by hand after the kernel's and
# kselftest's formats, trimmed to what the parser reads.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/parser
update=
[ "${1:-}" = --update ] && { update=1; shift; }
fixtures=("$@")
if [ ${#fixtures[@]} = 0 ]; then
	for d in "$here"/*/; do fixtures+=("$(basename "$d")"); done
fi
cd "$top"
for f in "${fixtures[@]}"; do
	d=tests/parser/$f
	if [ ! -f "$d/console.log" ] || [ ! -f "$d/tests.log" ] || [ ! -f "$d/list" ]; then
		echo "FAIL parser/$f  # fixture incomplete: needs console.log, tests.log, list"
		continue
	fi
	ld=build/parser-tests/$f
	rm -rf "$ld"
	# shellcheck disable=SC2046
	got=$(python3 tests/parse-console.py --console "$d/console.log" --tests "$d/tests.log" \
		--label "$f" --logdir "$ld" $(cat "$d/list") 2>&1)
	if [ -n "$update" ]; then
		printf '%s\n' "$got" >"$d/expected"
	fi
	if [ ! -f "$d/expected" ]; then
		echo "FAIL parser/$f  # no expected output (tests/parser/run.sh --update $f)"
	elif df=$(diff <(printf '%s\n' "$got") "$d/expected"); then
		echo "PASS parser/$f"
	else
		echo "FAIL parser/$f  # diff (< got, > expected): $(echo "$df" | grep '^[<>]' | head -4 | tr '\n' ' ' | cut -c1-300)"
	fi
done
exit 0
