#!/bin/bash
# Export branch series of build/linux into patches/ with a cover letter.
# The cover letter body is kept in patches/cover-letter.txt (subject line first).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kt=$top/build/linux
ver=$(cat "$top/patches/VERSION" 2>/dev/null || echo 1)
rm -f "$top"/patches/[0-9]*.patch
# Notes (git notes, e.g. what checkpatch says and why) go below the ---;
# scripts/prepare.sh puts them back on the commits. Per-patch Cc: trailers
# are in the changelogs; the cover letter goes to all of them.
git -C "$kt" -c user.name="Time Namespace Team" \
	-c user.email="timens@lists.example.org" format-patch -q --notes --cover-letter --base=base -v"$ver" \
	--to="Thomas Gleixner <tglx@linutronix.de>" --cc="linux-api@vger.kernel.org" \
	--cc="linux-kernel@vger.kernel.org" --cc="x86@kernel.org" \
	--cc="Andrei Vagin <avagin@gmail.com>" --cc="Dmitry Safonov <0x7f454c46@gmail.com>" \
	-o "$top/patches" base..series
cl0=$top/patches/v$ver-0000-cover-letter.patch
# The cover letter goes to everyone a patch is Cc'ed to.
ccs=$(git -C "$kt" log --format=%b base..series | sed -n 's/^Cc: //p' | sort -u)
python3 - "$cl0" "$ccs" <<'PY'
import sys
f, ccs = sys.argv[1], [c for c in sys.argv[2].split("\n") if c]
s = open(f, encoding="utf-8").read()
head, sep, body = s.partition("\n\n")
lines = head.split("\n")
i = next(n for n, l in enumerate(lines) if l.startswith("Cc: "))
j = i + 1
while j < len(lines) and lines[j].startswith(" "):
    j += 1
have = {l.strip(" ,").removeprefix("Cc: ") for l in lines[i:j]}
add = [c for c in ccs if c not in have]
if add:
    lines[j - 1] += ","
    lines[j:j] = ["    " + c + "," for c in add]
    lines[j + len(add) - 1] = lines[j + len(add) - 1].rstrip(",")
open(f, "w", encoding="utf-8").write("\n".join(lines) + sep + body)
PY
# Version prefix off the file names so that they are stable across versions.
for f in "$top"/patches/v"$ver"-*.patch; do mv "$f" "$top/patches/${f##*/v$ver-}"; done
cl=$top/patches/0000-cover-letter.patch
if [ -f "$top/patches/cover-letter.txt" ]; then
	python3 - "$cl" "$top/patches/cover-letter.txt" <<'PY'
import sys
cl, body = sys.argv[1], open(sys.argv[2]).read()
subj, _, text = body.partition("\n")
s = open(cl).read()
s = s.replace("*** SUBJECT HERE ***", subj.strip())
s = s.replace("*** BLURB HERE ***", text.strip("\n"))
open(cl, "w").write(s)
PY
fi
ls "$top"/patches/*.patch | sed "s|$top/||"
