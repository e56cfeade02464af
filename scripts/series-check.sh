#!/bin/bash
# make series-check: every patch of branch series builds with CONFIG_TIME_NS=y
# and =n (bisectable), passes checkpatch --strict, and adds no sparse warning
# in the files it touches (make C=1 on the incremental rebuild).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kt=$top/build/linux
wt=$top/build/wt/series-check
logs=$top/build/logs/series-check
mkdir -p "$logs"
bash "$top/scripts/prepare.sh" >/dev/null || exit 1
[ -e "$wt/.git" ] || git -C "$kt" worktree add -q --detach "$wt" base
pass=0 fail=0
res() { echo "$1 $2${3:+  # $3}"; [ "$1" = PASS ] && pass=$((pass + 1)) || fail=$((fail + 1)); }
i=0
for c in $(git -C "$kt" rev-list --reverse base..series); do
	i=$((i + 1))
	subj=$(git -C "$kt" log -1 --format=%s "$c")
	echo "series-check: [$i] $subj"
	git -C "$wt" checkout -q --detach "$c"
	git -C "$kt" format-patch -1 --stdout "$c" >"$logs/$i.patch"
	if (cd "$kt" && ./scripts/checkpatch.pl --strict --no-signoff -q "$logs/$i.patch") >"$logs/$i-checkpatch.log" 2>&1; then
		res PASS "patch$i/checkpatch"
	else
		res FAIL "patch$i/checkpatch" "$(grep -cE '^(ERROR|WARNING|CHECK)' "$logs/$i-checkpatch.log") findings, see $logs/$i-checkpatch.log"
	fi
	for v in y n; do
		if bash "$top/scripts/build-kernel.sh" "sc-$v" "$wt" "$top/configs/timens-$v.config" >"$logs/$i-build-$v.log" 2>&1; then
			res PASS "patch$i/build-TIME_NS=$v"
		else
			res FAIL "patch$i/build-TIME_NS=$v" "see $logs/$i-build-$v.log"
		fi
	done
	# sparse over the C files this patch touches (TIME_NS=y objects)
	files=$(git -C "$kt" diff --name-only "$c~1" "$c" -- '*.c' | grep -v '^tools/' || true)
	objs=
	for f in $files; do [ -f "$top/build/out/sc-y/${f%.c}.o" ] && objs="$objs ${f%.c}.o"; done
	if [ -n "$objs" ]; then
		make -s -C "$wt" O="$top/build/out/sc-y" C=2 CC="ccache gcc" $objs >"$logs/$i-sparse.log" 2>&1
		if grep -qE 'warning:|error:' "$logs/$i-sparse.log"; then
			res FAIL "patch$i/sparse" "see $logs/$i-sparse.log"
		else
			res PASS "patch$i/sparse"
		fi
	fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
