#!/usr/bin/env python3
"""docs/links: every place the docs send a reader exists in a clone.

Every relative Markdown link of README.md, docs/*.md and the other READMEs
names a file of this repository, and its #anchor a heading of that file
(GitHub's rule: lower case, punctuation dropped, blanks to '-', -1, -2 for
repeats); and a path in backquotes that climbs a folder up (`../x`)
names a file there too (a clone has only the repository). Label unit: no
process, it runs before every landing.
  links.py SOURCE_DIR
"""
import glob
import os
import re
import sys

ROOT = os.path.realpath(sys.argv[1])
PAGES = ["README.md", "scenarios/README.md", "bench/README.md", "hss/deploy/README.md", "docs/*.md"]


def prose(path):
    """(line number, text) of the lines outside ``` code blocks."""
    fenced = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced:
                yield n, line


def anchors(path):
    seen, out = {}, set()
    for _, line in prose(path):
        m = re.match(r"#{1,6}\s+(.*?)\s*$", line)
        if not m:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1).lower()).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def inside(path):
    return os.path.realpath(path).startswith(ROOT + os.sep)


fails = checked = 0
for page in sorted({p for g in PAGES for p in glob.glob(os.path.join(ROOT, g))}):
    rel = os.path.relpath(page, ROOT)
    for n, line in prose(page):
        where = f"{rel}:{n}"
        # [text](target) — not an image's or a formula's "(...)" after "]"
        for m in re.finditer(r"\]\(([^()\s]+)\)", re.sub(r"`[^`]*`", "", line)):
            target = m.group(1)
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(page), file)) if file else page
            checked += 1
            if not inside(dest) or not os.path.exists(dest):
                print(f"FAIL - {where}: link {target}: no such file in the repository")
                fails += 1
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                print(f"FAIL - {where}: link {target}: {os.path.relpath(dest, ROOT)} has no heading #{anchor}")
                fails += 1
        for m in re.finditer(r"`(\.\./[^`\s]*)`", line):
            checked += 1
            dest = os.path.join(os.path.dirname(page), m.group(1))
            if not inside(dest) or not os.path.exists(dest):
                print(f"FAIL - {where}: `{m.group(1)}`: not in the repository (a clone does not have it)")
                fails += 1
print(f"{'ok  ' if fails == 0 else 'FAIL'} - {checked} links and paths checked, {fails} broken")
sys.exit(1 if fails else 0)
