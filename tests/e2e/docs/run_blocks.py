#!/usr/bin/env python3
"""Runs the commands the documentation shows as runnable (issue 17 item 6).

A fenced code block right after the line

    <!-- runnable -->            (or <!-- runnable exit=N -->)

is run as a shell script (sh -e) in a fresh temporary directory, where
`build` is the build tree, `scenarios`, `tests`, `hss`, `scscf-stub` and
`docs` are the source tree's folders, and the build's programs come first
on PATH: so a block may be written as a user types it from the source tree
(`build/bin/ims-bench run scenarios/*.scn`) or with the programs on PATH
(`hss-ctl --db hss.sqlite add ...`), and whatever it writes stays in the
temporary directory. It must exit 0 (or N).

A block whose lines start with "$ " is a transcript: the "$ " lines (with
their "\\" continuation lines) are commands run one after the other in one
shell (so `cd` and `echo $?` work as in a terminal), the lines after each
are its expected output, matched line by line; "…" in an expected line
stands for any text, a line of "…" or "..." alone for any number of lines.
Exit statuses are checked where the transcript shows them (`$ echo $?`).

usage: run_blocks.py SOURCE_DIR BUILD_DIR FILE.md...
Prints one ok/FAIL line per block; exit 0 when all passed, 1 otherwise,
77 when no file has a runnable block.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!--\s*runnable(?:\s+exit=(\d+))?\s*-->\s*$")
LINKED = ("scenarios", "tests", "hss", "scscf-stub", "docs")
TIMEOUT = 900


def blocks(path):
    """(line number, exit code, block lines) of each runnable block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if m and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            start, body = i + 2, []
            j = start
            while j < len(lines) and not lines[j].startswith("```"):
                body.append(lines[j])
                j += 1
            yield start, int(m.group(1) or 0), body
            i = j
        i += 1


def transcript(body):
    """[(command, [expected lines])] when the block is a "$ " transcript."""
    steps = []
    cont = False
    for line in body:
        if line.startswith("$ ") and not cont:
            steps.append([line[2:], []])
            cont = line.endswith("\\")
        elif cont:
            steps[-1][0] += "\n" + line
            cont = line.endswith("\\")
        elif steps:
            steps[-1][1].append(line)
    return steps


def line_matches(want, got):
    pattern = ".*".join(re.escape(part) for part in want.split("…"))
    return re.fullmatch(pattern, got) is not None


def output_matches(want, got):
    """Expected lines against actual ones; a "…" line skips any number."""
    want = [w for w in want if w.strip() != ""]
    got = [g for g in got if g.strip() != ""]

    def match(wi, gi):
        if wi == len(want):
            return gi == len(got)
        if want[wi].strip() in ("…", "..."):
            return any(match(wi + 1, k) for k in range(gi, len(got) + 1))
        return gi < len(got) and line_matches(want[wi], got[gi]) and match(wi + 1, gi + 1)

    return match(0, 0)


def sandbox(src, build):
    d = tempfile.mkdtemp(prefix="docs-block.")
    os.symlink(build, os.path.join(d, "build"))
    for name in LINKED:
        os.symlink(os.path.join(src, name), os.path.join(d, name))
    return d


def run(script, cwd, env):
    p = subprocess.run(["sh", "-ec", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def check_block(src, build, env, where, want_rc, body):
    cwd = sandbox(src, build)
    try:
        steps = transcript(body)
        if not steps:
            rc, out = run("\n".join(body), cwd, env)
            if rc != want_rc:
                return f"exit {rc}, want {want_rc}:\n{out[-1500:]}"
            return None
        # one shell for the whole transcript, a separator line before each
        # command's output
        sep = "\x1e-docs-step-"
        # ($? carried across the separator, for `echo $?`)
        script = "__rc=0\n" + "\n".join(
            f"printf '\\n%s{k}\\n' '{sep}'\n(exit $__rc)\n{cmd}\n__rc=$?"
            for k, (cmd, _) in enumerate(steps))
        p = subprocess.run(["sh", "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT)
        outs = re.split(re.escape(sep) + r"\d+\n", p.stdout.decode("utf-8", "replace"))[1:]
        if len(outs) != len(steps):
            return f"the transcript stopped after {len(outs)} of {len(steps)} commands"
        for (cmd, want), out in zip(steps, outs):
            if want and not output_matches(want, out.rstrip("\n").split("\n")):
                return (f"'{cmd.splitlines()[0]}': the output differs from the documentation\n"
                        f"--- documented\n" + "\n".join(want) + "\n--- got\n" + out[-2000:])
        return None
    finally:
        shutil.rmtree(cwd, ignore_errors=True)


def main():
    src, build, files = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    env = dict(os.environ)
    env["PATH"] = os.path.join(build, "bin") + os.pathsep + env.get("PATH", "")
    env.setdefault("LC_ALL", "C.UTF-8")
    n = fails = 0
    for f in files:
        for line, want_rc, body in blocks(f):
            n += 1
            where = f"{os.path.relpath(f, src)}:{line}"
            try:
                why = check_block(src, build, env, where, want_rc, body)
            except subprocess.TimeoutExpired:
                why = f"still running after {TIMEOUT} s"
            if why:
                fails += 1
                print(f"FAIL - {where}: {why}")
            else:
                print(f"ok   - {where}: {body[0][:70]}")
    if n == 0:
        print("skipped: no runnable block in " + " ".join(files))
        return 77
    print(f"{n - fails} of {n} documented commands ran as documented")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
