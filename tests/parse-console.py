#!/usr/bin/env python3
"""parse-console.py --console LOG --tests TESTLOG --label LABEL [--logdir DIR] EXPECTED...

Judge one guest boot (guest/boot.sh, guest/init) and print one line per
result:  PASS|FAIL|SKIP LABEL/NAME[/CASE]  # why

LOG is the kernel console (first serial port): kernel reports are searched
there only, and attributed through init's console markers (WB-RUN NAME,
WB-DONE NAME rc=N, WB-END) to the program that was running. The clocksource
comes from init's "WB-GUEST: kernel ..., clocksource X, ..." line there.
boot.sh appends "WB-HOST: ..." lines to it (QEMU failed, host timeout).

TESTLOG is the programs' output (second serial port): per program, between
"WB-TEST-START NAME" and "WB-TEST-END NAME rc=N timeout=0|1 secs=S", judged
as KTAP by its top-level lines (indented lines are subtests). EXPECTED are
the programs that must have run (the guest's /tests/list).

Results: LABEL/kernel-log, LABEL/boot, LABEL/clocksource, then per program
its cases (LABEL/PROG/CASE) and, where the program as a whole is wrong or
skipped, LABEL/PROG. With --logdir DIR each program's output goes to
DIR/PROG.log, named in each of its FAIL lines.

Importable: parse_console(), parse_tests(), parse_ktap(), judge()."""
import argparse
import os
import re
import signal
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Kernel reports: searched in the console log only.
REPORT = re.compile(
    r"Oops|BUG:|kernel BUG at|WARNING:|Kernel panic|Call Trace:|"
    r"general protection fault|UBSAN:|KASAN:|KFENCE:|"
    r"possible recursive locking|possible circular locking|"
    r"inconsistent lock state|suspicious RCU usage|"
    r"INFO: task .* blocked|rcu: .*detected stalls?|self-detected stall|"
    r"unreferenced object|kmemleak: \d+ new suspected memory leak|"
    r"sleeping function called from invalid context")
GUEST = re.compile(r"WB-GUEST: kernel \S+, clocksource ([^,\s]+)(?:, cpus \d+)?(?:, timeout (\d+)s)?")
START = re.compile(r"^WB-TEST-START (\S+)\s*$")
END = re.compile(r"WB-TEST-END (\S+) rc=(\d+)(?: timeout=([01]))?(?: secs=([\d.]+))?\s*$")


def lines_of(text):
    return [ln.rstrip("\r") for ln in text.split("\n")]


def parse_console(text):
    """The console log: kernel reports by where they were printed, init's
    WB-GUEST line, boot.sh's WB-HOST lines, whether init's WB-END came."""
    c = {"reports": [], "clocksource": None, "timeout": None, "end": False,
         "killed": None, "qemu_failed": None, "panic": None, "running": None}
    where = "during boot"
    for ln in lines_of(text):
        ln = re.sub(r"^\[\s*\d+\.\d+\]\s?", "", ln)     # CONFIG_PRINTK_TIME
        m = re.search(r"WB-HOST: guest killed after (\d+)s", ln)
        if m:
            c["killed"] = int(m.group(1))
            continue
        m = re.search(r"WB-HOST: qemu failed (.*)", ln)
        if m:
            c["qemu_failed"] = m.group(1).strip()
            continue
        m = GUEST.search(ln)
        if m and c["clocksource"] is None:
            c["clocksource"] = m.group(1)
            c["timeout"] = int(m.group(2)) if m.group(2) else None
            continue
        m = re.search(r"WB-RUN (\S+)\s*$", ln)
        if m:
            where = "during " + m.group(1)
            c["running"] = m.group(1)
            continue
        m = re.search(r"WB-DONE (\S+) rc=\d+\s*$", ln)
        if m:
            where = "after %s ended" % m.group(1)
            c["running"] = None
            continue
        if re.match(r"WB-END\s*$", ln):
            where = "after the tests"
            c["end"] = True
            continue
        if "Kernel panic" in ln and c["panic"] is None:
            c["panic"] = ln.strip()
        if REPORT.search(ln):
            c["reports"].append((where, ln.strip()))
    return c


def parse_tests(text):
    """The tests log: each program's output lines, rc, timeout flag and run
    time; whether WB-BEGIN and WB-END came."""
    t = {"progs": {}, "order": [], "begin": False, "end": False}
    cur = None
    for ln in lines_of(text):
        if cur is None:
            m = START.match(ln)
            if m:
                cur = m.group(1)
                t["progs"][cur] = {"lines": [], "rc": None, "timeout": False, "secs": None}
                t["order"].append(cur)
            elif ln.strip() == "WB-BEGIN":
                t["begin"] = True
            elif ln.strip() == "WB-END":
                t["end"] = True
            continue
        m = END.search(ln)
        if m and m.group(1) == cur:
            p = t["progs"][cur]
            if ln[:m.start()]:          # its last line had no newline
                p["lines"].append(ln[:m.start()])
            p["rc"] = int(m.group(2))
            p["timeout"] = m.group(3) == "1"
            p["secs"] = float(m.group(4)) if m.group(4) else None
            cur = None
            continue
        t["progs"][cur]["lines"].append(ln)
    return t


def case_name(desc, num):
    name = re.sub(r"\s*#.*$", "", desc).strip() or "case%s" % num
    return re.sub(r"\s+", "_", name)


def parse_ktap(lines):
    """Top-level KTAP of one program: plan, skip-all reason, Bail out!
    reason, cases [(PASS|FAIL|SKIP, name, why)], last diagnostic line."""
    k = {"plan": None, "skipall": None, "bail": None, "cases": [], "failed": 0,
         "skipped": 0, "diag": None}
    for ln in lines:
        if not ln or ln[0] in " \t":    # subtests are indented
            continue
        m = re.match(r"1\.\.(\d+)\s*(?:#\s*(.*))?$", ln)
        if m:
            if k["plan"] is None:
                k["plan"] = int(m.group(1))
                if k["plan"] == 0:
                    why = re.sub(r"^SKIP\b\s*:?\s*", "", (m.group(2) or "").strip(), flags=re.I)
                    k["skipall"] = why or "skipped as a whole"
            continue
        m = re.match(r"Bail out!\s*(.*)", ln)
        if m:
            if k["bail"] is None:
                k["bail"] = m.group(1).strip() or "(no reason given)"
            continue
        m = re.match(r"(not ok|ok)(?=\s|$)(?:\s+(\d+))?(?:\s+-)?\s*(.*)$", ln)
        if m:
            ok, num, desc = m.group(1) == "ok", m.group(2) or str(len(k["cases"]) + 1), m.group(3).strip()
            name = case_name(desc, num)
            d = re.search(r"#\s*(SKIP|TODO|XFAIL)\b\s*:?\s*(.*)$", desc, re.I)
            kind = d.group(1).upper() if d else None
            if kind == "SKIP":
                k["skipped"] += 1
                k["cases"].append(("SKIP", name, d.group(2).strip() or "skipped"))
            elif kind == "TODO" and not ok:
                k["cases"].append(("SKIP", name, "todo: " + (d.group(2).strip() or "expected failure")))
            elif ok:
                k["cases"].append(("PASS", name, "xfail: " + d.group(2).strip() if kind == "XFAIL" else ""))
            else:
                k["failed"] += 1
                k["cases"].append(("FAIL", name, ("not ok %s %s" % (num, desc)).strip()))
            continue
        if ln.startswith("#"):
            s = ln.lstrip("#").strip()
            if s:
                k["diag"] = s
    return k


def shown(path):
    """path relative to the repository's top if it is below it"""
    a = os.path.abspath(path)
    return os.path.relpath(a, TOP) if a.startswith(TOP + os.sep) else a


def signame(n):
    try:
        return " (%s)" % signal.Signals(n).name
    except ValueError:
        return ""


def judge_program(p, k, c):
    """(kind, why) for PROG as a whole, or None when its cases say it all"""
    rc = p["rc"]
    if rc is None:
        if c["killed"] is not None:
            return "FAIL", "no end marker: the guest hung while it ran (killed by the host after %ds)" % c["killed"]
        if c["panic"]:
            return "FAIL", "no end marker: the guest died while it ran (%s)" % c["panic"][:120]
        if c["qemu_failed"] is not None:
            return "FAIL", "no end marker: QEMU failed while it ran"
        return "FAIL", "no end marker: the guest died while it ran"
    if p["timeout"]:
        limit = c["timeout"] or (int(p["secs"]) if p["secs"] is not None else None)
        return "FAIL", "timed out after %ss (the guest's wb.timeout)" % (limit if limit is not None else "?")
    if 128 < rc < 128 + 65:
        return "FAIL", "killed by signal %d%s" % (rc - 128, signame(rc - 128))
    if k["bail"]:
        return "FAIL", "Bail out! " + k["bail"]
    if k["skipall"] is not None:
        if rc in (0, 4):
            return "SKIP", k["skipall"]
        return "FAIL", "skip-all plan (%s) but exit status %d" % (k["skipall"], rc)
    n = len(k["cases"])
    if n == 0:
        if rc == 4:
            return "SKIP", "exit status 4 (skip) with no results" + (": " + k["diag"] if k["diag"] else "")
        return "FAIL", "no KTAP results (rc=%d)" % rc
    if k["plan"] is None:
        return "FAIL", "no KTAP plan (1..N) for %d results" % n
    if k["plan"] != n:
        return "FAIL", "plan 1..%d but %d results" % (k["plan"], n)
    if rc != 0 and k["failed"] == 0:
        if rc == 4 and k["skipped"]:
            return None     # ksft_exit_skip() after some results
        return "FAIL", "exit status %d with no failed case" % rc
    return None


def judge(console_text, tests_text, label, expected, console_path=None, logdir=None,
          want_cs="tsc"):
    """The result lines of one boot."""
    out = []

    def res(kind, name, why="", log=None):
        if log and kind == "FAIL":
            why = (why + " " if why else "") + "(log: %s)" % shown(log)
        out.append("%s %s/%s" % (kind, label, name) + ("  # " + why if why else ""))

    c = parse_console(console_text)
    t = parse_tests(tests_text)

    if c["qemu_failed"] is not None and c["clocksource"] is None and not t["order"]:
        # QEMU did not start (or died before init ran)
        res("FAIL", "boot", "qemu failed " + c["qemu_failed"], console_path)
        for p in dict.fromkeys(expected):
            res("FAIL", p, "did not run: qemu failed")
        return out

    # Kernel reports: the first line per place, and how many more.
    places = {}
    for where, ln in c["reports"]:
        places.setdefault(where, []).append(ln)
    if not places:
        res("PASS", "kernel-log")
    for where, lns in places.items():
        more = len(lns) - 1
        more = " (+%d more report line%s)" % (more, "s" if more > 1 else "") if more else ""
        res("FAIL", "kernel-log", "%s: %s%s" % (where, lns[0][:160], more), console_path)

    if c["qemu_failed"] is not None:
        res("FAIL", "boot", "qemu failed while the guest ran " + c["qemu_failed"], console_path)
    elif c["killed"] is not None:
        at = " while %s ran" % c["running"] if c["running"] else ""
        res("FAIL", "boot", "guest hung%s: killed by the host after %ds" % (at, c["killed"]), console_path)
    elif not t["end"] and c["end"]:
        res("FAIL", "boot", "WB-END on the console but not in the tests log: no second serial port?", console_path)
    elif not t["end"]:
        why = "the guest stopped before the end of the tests (no WB-END)"
        if c["panic"]:
            why += ": " + c["panic"][:120]
        res("FAIL", "boot", why, console_path)
    else:
        res("PASS", "boot")

    cs = c["clocksource"]
    if cs is None:
        res("FAIL", "clocksource", "the guest did not report its clocksource (no WB-GUEST line)", console_path)
    elif cs != want_cs:
        res("FAIL", "clocksource", "guest clocksource is %s, not %s: vDSO tests would not test the vDSO" % (cs, want_cs))
    else:
        res("PASS", "clocksource")

    if logdir:
        os.makedirs(logdir, exist_ok=True)
    for name in dict.fromkeys(expected):
        p = t["progs"].get(name)
        if p is None:
            if t["end"]:
                why = "did not run (not in the guest's list)"
            elif c["killed"] is not None:
                why = "did not run: the guest hung before it"
            elif c["qemu_failed"] is not None:
                why = "did not run: QEMU failed before it"
            else:
                why = "did not run: the guest died before it"
            res("FAIL", name, why)
            continue
        log = None
        if logdir:
            log = os.path.join(logdir, name.replace("/", "_") + ".log")
            with open(log, "w") as f:
                f.write("\n".join(p["lines"]) + "\n")
        k = parse_ktap(p["lines"])
        for kind, case, why in k["cases"]:
            res(kind, "%s/%s" % (name, case), why, log)
        v = judge_program(p, k, c)
        if v:
            res(v[0], name, v[1], log)
    return out


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--console", required=True, help="the console log (first serial port)")
    ap.add_argument("--tests", required=True, help="the programs' log (second serial port)")
    ap.add_argument("--label", required=True)
    ap.add_argument("--logdir", help="write each program's output to DIR/PROG.log")
    ap.add_argument("--clocksource", default="tsc", help="the clocksource the guest must use (default tsc)")
    ap.add_argument("expected", nargs="*")
    a = ap.parse_args(argv)
    print("\n".join(judge(read(a.console), read(a.tests), a.label, a.expected,
                          a.console, a.logdir, a.clocksource)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
