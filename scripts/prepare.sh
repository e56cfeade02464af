#!/bin/bash
# Make build/linux: one git repository holding
#   tag reference  the unmodified Debian linux-source-6.1 tree
#   tag base       the same tree with time namespaces removed (base/remove-timens.sh)
#   branch series  base + patches/*.patch (git am)
# Reuses what exists. A series branch that differs from patches/ is the
# developer's work in progress and is left alone (SERIES_RESET=1 resets it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kt=$top/build/linux
pin=$(cat "$top/base/VERSION")
export GIT_AUTHOR_NAME="Time NS Workbench" GIT_AUTHOR_EMAIL="workbench@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
g() { git -C "$kt" "$@"; }

"$top/scripts/deps.sh"

if ! g rev-parse -q --verify refs/tags/reference >/dev/null 2>&1; then
	echo "prepare: unpacking linux-source-6.1 into build/linux"
	rm -rf "$kt"; mkdir -p "$kt"
	tar -C "$kt" --strip-components=1 -xaf /usr/src/linux-source-6.1.tar.xz
	served=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	if [ "$served" != "$pin" ]; then
		echo "##########################################################" >&2
		echo "WARNING: linux-source-6.1 is $served, not the pinned $pin" >&2
		echo "##########################################################" >&2
	fi
	g init -q -b reference-tree
	g config gc.auto 0
	g config core.autocrlf false
	g add -A -f .
	g commit -q -m "Debian linux-source-6.1 $served (unmodified)"
	g tag reference
fi

script_sum=$(sha256sum "$top/base/remove-timens.sh" | cut -c1-16)
if g rev-parse -q --verify refs/tags/base >/dev/null 2>&1 &&
   ! g log -1 --format=%B base | grep -q "remove-timens.sh $script_sum"; then
	echo "prepare: base/remove-timens.sh changed; remaking tag base"
	g tag -d base >/dev/null
	g branch -m series "series-old-$(date +%s)" 2>/dev/null || true
	g worktree prune
fi
if ! g rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	echo "prepare: removing time namespaces (base/remove-timens.sh)"
	if [ -n "$(g status --porcelain --untracked-files=no)" ]; then
		echo "prepare: build/linux has uncommitted changes; commit or stash them" >&2
		exit 1
	fi
	g checkout -q --detach reference
	(cd "$kt" && bash "$top/base/remove-timens.sh")
	g add -A
	g commit -q -m "Remove time namespace support

Made by base/remove-timens.sh $script_sum from the tree tagged reference."
	g tag base
	g checkout -q -B series base
	SERIES_RESET=1
fi

# Build work trees for the two fixed trees; build/linux itself holds branch series.
mkdir -p "$top/build/wt"
for t in reference base; do
	if [ ! -e "$top/build/wt/$t/.git" ]; then
		g worktree prune
		g worktree add -q --detach "$top/build/wt/$t" "$t"
	else
		git -C "$top/build/wt/$t" checkout -q --detach "$t"
	fi
done

pl=$(ls "$top"/patches/[0-9]*.patch 2>/dev/null | grep -v 0000-cover-letter || true)
if [ "${SERIES_RESET:-0}" = 1 ] || ! g rev-parse -q --verify refs/heads/series >/dev/null; then
	echo "prepare: branch series = base + patches/ ($(echo "$pl" | grep -c . || true) patches)"
	g checkout -q -f -B series base
	if [ -n "$pl" ]; then
		g am -q --committer-date-is-author-date $pl
		# git am drops what is below the ---: put the notes back.
		g config notes.rewriteRef refs/notes/commits
		python3 - "$top/build/linux" $pl <<'PY'
import re, subprocess, sys
kt, pl = sys.argv[1], sys.argv[2:]
revs = subprocess.run(["git", "-C", kt, "rev-list", "--reverse", "base..series"],
                      capture_output=True, text=True, check=True).stdout.split()
for rev, p in zip(revs, pl):
    s = open(p, encoding="utf-8", errors="replace").read()
    m = re.search(r"\n---\n\nNotes:\n((?:    .*\n|\n)+?)\n \S", s)
    if m:
        note = "\n".join(l[4:] for l in m.group(1).rstrip("\n").split("\n"))
        subprocess.run(["git", "-C", kt, "notes", "add", "-f", "-m", note, rev], check=True)
PY
	fi
else
	have=$(g log --format=%H base..series | while read -r c; do g show "$c" | git patch-id --stable; done | awk '{print $1}' | sort)
	want=$(for p in $pl; do git patch-id --stable <"$p"; done | awk '{print $1}' | sort)
	if [ "$have" != "$want" ]; then
		echo "prepare: NOTE: branch series differs from patches/ (work in progress kept;"
		echo "prepare:       SERIES_RESET=1 make prepare rebuilds it from patches/)"
	fi
	[ "$(g rev-parse --abbrev-ref HEAD)" = series ] ||
		echo "prepare: NOTE: build/linux is not on branch series"
fi
echo "prepare: reference $(g rev-parse --short reference), base $(g rev-parse --short base), series $(g rev-parse --short series) ($(g rev-list --count base..series) patches)"
