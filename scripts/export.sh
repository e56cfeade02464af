#!/bin/bash
# Export branch series of build/linux into patches/ with a cover letter.
# The cover letter body is kept in patches/cover-letter.txt (subject line first).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kt=$top/build/linux
ver=$(cat "$top/patches/VERSION" 2>/dev/null || echo 1)
rm -f "$top"/patches/[0-9]*.patch
git -C "$kt" format-patch -q --cover-letter --base=base -v"$ver" \
	--to="Thomas Gleixner <tglx@linutronix.de>" --cc="linux-api@vger.kernel.org" \
	--cc="linux-kernel@vger.kernel.org" -o "$top/patches" base..series
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
