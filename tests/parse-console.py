#!/usr/bin/env python3
"""parse-console.py LOG LABEL EXPECTED...

Read a guest console log, judge each expected test program by its KTAP output
and print one line per result:  PASS|FAIL|SKIP <label>/<program>/<case>.
A program that is missing, crashes, times out, or whose plan does not match
its results fails. A kernel oops, BUG, WARNING, panic or a missing end
marker fails the boot as a whole."""
import re
import sys

log, label, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(log, errors="replace").read()
lines = text.splitlines()
out = []


def res(kind, name, why=""):
    out.append(f"{kind} {label}/{name}" + (f"  # {why}" if why else ""))


bad_kernel = re.compile(r"(Oops|BUG:|WARNING:|Kernel panic|Call Trace:|"
                        r"general protection fault|kernel BUG|UBSAN:|KASAN:|"
                        r"possible recursive locking|INFO: task .* blocked|"
                        r"unreferenced object|kmemleak)")
for ln in lines:
    if bad_kernel.search(ln):
        res("FAIL", "kernel-log", "kernel reported: " + ln.strip()[:160])
        break
else:
    res("PASS", "kernel-log")

if "WB-END" not in text:
    why = "guest hung or died (no WB-END)"
    if "WB-HOST: guest killed" in text:
        why = "guest hung: killed by host timeout"
    res("FAIL", "boot", why)
else:
    res("PASS", "boot")

m = re.search(r"clocksource ([^,\s]+)", text)
if not m:
    res("FAIL", "clocksource", "the guest did not report its clocksource")
elif m.group(1) != "tsc":
    res("FAIL", "clocksource", f"guest clocksource is {m.group(1)}, not tsc: vDSO tests would not test the vDSO")
else:
    res("PASS", "clocksource")

progs = {}
cur = None
for ln in lines:
    m = re.match(r"WB-TEST-START (\S+)", ln)
    if m:
        cur = m.group(1)
        progs[cur] = {"lines": [], "rc": None}
        continue
    m = re.match(r"WB-TEST-END (\S+) rc=(\d+)", ln)
    if m and cur == m.group(1):
        progs[cur]["rc"] = int(m.group(2))
        cur = None
        continue
    if cur:
        progs[cur]["lines"].append(ln)

for p in expected:
    if p not in progs:
        res("FAIL", p, "did not run")
        continue
    d = progs[p]
    plan = None
    n = 0
    failed = 0
    for ln in d["lines"]:
        m = re.match(r"\s*1\.\.(\d+)", ln)
        if m and plan is None and not ln.startswith(" "):
            plan = int(m.group(1))
        m = re.match(r"(not ok|ok) (\d+)\s*-?\s*(.*)", ln)
        if m:
            n += 1
            desc = m.group(3).strip()
            name = re.sub(r"\s*#.*$", "", desc) or f"case{m.group(2)}"
            name = re.sub(r"\s+", "_", name)
            if re.search(r"#\s*SKIP", desc, re.I):
                res("SKIP", f"{p}/{name}", desc.split("#", 1)[1].strip())
            elif m.group(1) == "ok":
                res("PASS", f"{p}/{name}")
            else:
                failed += 1
                res("FAIL", f"{p}/{name}", desc)
    if d["rc"] is None:
        res("FAIL", p, "no end marker: killed or guest died")
    elif d["rc"] == 137:
        res("FAIL", p, "timed out in the guest")
    elif n == 0 and d["rc"] == 4:
        res("SKIP", p, "skipped as a whole")
    elif n == 0:
        res("FAIL", p, f"no KTAP results (rc={d['rc']})")
    elif plan is not None and plan != n:
        res("FAIL", p, f"plan 1..{plan} but {n} results")
    elif d["rc"] not in (0, 4) and failed == 0:
        res("FAIL", p, f"exit status {d['rc']} with no failed case")

print("\n".join(out))
