#!/bin/bash
# make series-check: every patch of branch series builds in each variant of
# configs/variants with targets=series-check (CONFIG_TIME_NS=y and =n:
# bisectable) without a warning in the files it touches, passes checkpatch
# --strict, and adds no W=1 or sparse warning on the lines it adds (make
# W=1 C=2 of the objects it touches, after the incremental rebuild).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
wb_top=$top
source "$top/scripts/variants.sh"
kt=$top/build/linux
# Build in build/linux itself, one commit after the other, into the same
# output directories as make check: every step is an incremental build.
wt=$kt
logs=$top/build/logs/series-check
mkdir -p "$logs"
# make check, make distro-check and make series-check build into the same
# build/out and read build/linux, which series-check moves from patch to
# patch: one at a time.
exec 9>"$top/build/.kernels.lock"
if ! flock -n 9; then
	echo "series-check: another make check, distro-check or series-check is running in this clone" >&2
	exit 1
fi
bash "$top/scripts/prepare.sh" >/dev/null || exit 1
if [ -n "$(git -C "$kt" status --porcelain --untracked-files=no)" ]; then
	echo "series-check: build/linux has uncommitted changes" >&2
	exit 1
fi
trap 'git -C "$kt" checkout -q series' EXIT
pass=0 fail=0
declare -A lastok
# SC_FROM=N: begin at patch N (the patches before it are checked out and
# built only as the tree patch N starts from; for a run that an earlier one
# stopped at N, say so in the note)
from=${SC_FROM:-1}
n=$(git -C "$kt" rev-list --count base..series)
case $from in '' | *[!0-9]*) from=0 ;; esac
if [ "$from" -lt 1 ] || [ "$from" -gt "$n" ]; then
	echo "series-check: SC_FROM=${SC_FROM:-} is not a patch number 1..$n" >&2
	exit 1
fi
res() { echo "$1 $2${3:+  # $3}"; [ "$1" = PASS ] && pass=$((pass + 1)) || fail=$((fail + 1)); }
i=0
for c in $(git -C "$kt" rev-list --reverse base..series); do
	i=$((i + 1))
	subj=$(git -C "$kt" log -1 --format=%s "$c")
	[ $i -ge "$from" ] || continue
	echo "series-check: [$i] $subj"
	git -C "$wt" checkout -q --detach "$c"
	git -C "$kt" format-patch --notes -1 --stdout "$c" >"$logs/$i.patch"
	# A finding passes only if the patch's notes (below the ---, see
	# scripts/export.sh) name it and say why: its message up to the first
	# ':', '(', '<' or quote must appear in them.
	if (cd "$kt" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-signoff -q "$logs/$i.patch") >"$logs/$i-checkpatch.log" 2>&1; then
		res PASS "patch$i/checkpatch"
	elif unjust=$(git -C "$kt" notes show "$c" 2>/dev/null |
		python3 -c '
import re, sys
notes = sys.stdin.read()
for ln in open(sys.argv[1]):
    m = re.match(r"(ERROR|WARNING|CHECK): (.*)", ln)
    if m:
        key = re.split(r"[:(<\x27\x22]", m.group(2))[0].strip()
        if not key or key not in notes:
            print(m.group(2).strip())
' "$logs/$i-checkpatch.log" | sort -u) && [ -z "$unjust" ] &&
		! grep -q '^ERROR' "$logs/$i-checkpatch.log"; then
		res PASS "patch$i/checkpatch" "$(grep -cE '^(WARNING|CHECK)' "$logs/$i-checkpatch.log") findings, each answered in the patch's notes"
	else
		res FAIL "patch$i/checkpatch" "not answered in the notes: $(echo "$unjust" | head -3 | tr '\n' ';'), see $logs/$i-checkpatch.log"
	fi
	# Before the patch that adds CONFIG_TIME_NS, or the one that lets the
	# variant's architecture select it, it cannot be set: the "y" build is
	# then the same configuration without the option.
	changed=$(git -C "$kt" diff --no-renames --name-only "$c~1" "$c")
	for v in $(variants series-check); do
		frags=$(vfrags "$v") note= a=$(vget "$v" arch x86_64)
		# A patch that changes nothing the variant's build reads (only
		# tools/testing/, Documentation/ but its Kconfig, MAINTAINERS or
		# another architecture's arch/; objtool's sources under tools/
		# are built) leaves its tree as the patch before left it: that
		# build's result holds (the first patch is always built).
		ka=$(aget "$a" karch)
		others=$(echo "$changed" | grep -vE "^(tools/testing/|Documentation/|MAINTAINERS$|arch/[^/]+/)" ;
			echo "$changed" | grep -E "^arch/$ka/|^Documentation/Kconfig$")
		if [ $i -gt 1 ] && [ -z "$others" ] && [ "${lastok[$v]:-}" = 1 ]; then
			res PASS "patch$i/build-$v" "not rebuilt: the patch changes no file this build reads ($(echo "$changed" | cut -d/ -f1-2 | sort -u | paste -sd' '))"
			continue
		fi
		lastok[$v]=0
		if ! git -C "$kt" grep -q '^config TIME_NS$' "$c" -- init/Kconfig ||
		   ! git -C "$kt" grep -q 'select GENERIC_VDSO_TIME_NS' "$c" -- "arch/$(aget "$a" karch)/Kconfig"; then
			frags=$(echo "$frags" | grep -v '/timens-[yn]\.config$\|/time-ns\.config$')
			note=" (no CONFIG_TIME_NS yet)"
		fi
		# shellcheck disable=SC2086
		if WB_ARCH=$a bash "$top/scripts/build-kernel.sh" "$v" "$wt" $frags >"$logs/$i-build-$v.log" 2>&1; then
			# A warning of the compiler in a file the patch touches fails it.
			touched=$(git -C "$kt" diff --name-only "$c~1" "$c" | sed 's/[.[*^$]/\\&/g' | paste -sd'|')
			w=
			[ -n "$touched" ] && w=$(grep -E 'warning:' "$top/build/logs/build-$v.log" | grep -E "($touched):" | head -1)
			if [ -n "$w" ]; then
				res FAIL "patch$i/build-$v" "warning: $w"
			else
				res PASS "patch$i/build-$v$note"
				lastok[$v]=1
			fi
		else
			res FAIL "patch$i/build-$v" "see $logs/$i-build-$v.log"
		fi
	done
	# W=1 and sparse over the C files this patch touches (TIME_NS=y objects)
	files=$(git -C "$kt" diff --name-only "$c~1" "$c" -- '*.c' | grep -v '^tools/' || true)
	objs=
	for f in $files; do [ -f "$top/build/out/series-y/${f%.c}.o" ] && objs="$objs ${f%.c}.o"; done
	if [ -n "$objs" ]; then
		if ! make -s -C "$wt" O="$top/build/out/series-y" W=1 C=2 CC="ccache gcc" $objs >"$logs/$i-sparse.log" 2>&1; then
			res FAIL "patch$i/w1-sparse" "make W=1 C=2 failed, see $logs/$i-sparse.log"
			continue
		fi
		# Only warnings on lines this patch adds count: the files have
		# warnings of their own in the base tree.
		git -C "$kt" diff -U0 "$c~1" "$c" -- $files >"$logs/$i-diff"
		new=$(python3 - "$logs/$i-diff" "$logs/$i-sparse.log" <<'PY'
import re, sys
added, cur = {}, None
for ln in open(sys.argv[1]):
    m = re.match(r'\+\+\+ b/(.*)', ln)
    if m:
        cur = m.group(1)
        continue
    m = re.match(r'@@ -\S+ \+(\d+)(?:,(\d+))? @@', ln)
    if m and cur:
        start, n = int(m.group(1)), int(m.group(2) or 1)
        added.setdefault(cur, set()).update(range(start, start + n))
for ln in open(sys.argv[2]):
    m = re.match(r'(?:\.\./)*(?:linux/)?([^:]+):(\d+):\d+: (warning|error):', ln)
    if m and int(m.group(2)) in added.get(m.group(1), ()):
        print(ln.strip())
PY
)
		if [ -n "$new" ]; then
			res FAIL "patch$i/w1-sparse" "$(echo "$new" | head -1)"
		else
			res PASS "patch$i/w1-sparse"
		fi
	fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
