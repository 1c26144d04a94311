#!/usr/bin/env python3
"""Check (or record) the Sprig function fixtures against the real `helm template`.

Each non-comment line of tests/fixtures/funcs/*.txt is

    EXPRESSION ==> EXPECTED

where EXPRESSION is a template action body (`trunc 3 "abcdef"`) and EXPECTED is what Helm
prints for `{{ EXPRESSION }}` (escapes: \\n newline, \\t tab, \\r CR, \\\\ backslash), or
`ERROR: MSG` where MSG is Helm's error text after `at <...>: `.
Lines whose expression starts with `@nohelm ` are not sent to Helm (documented deviations,
e.g. random or clock-dependent output). `@tpl TEXT` is a whole template text (with its own
actions, variables...) instead of one action body. `@known ` marks a documented deviation:
checked here against helm, skipped by the Rust tests.

All successful cases go into one template (one line per case between markers) and one
`helm template --debug` run; each error case needs its own run (an error stops rendering).

Usage:
    funcs_oracle.py [--record] [--helm PATH] [FIXTURE...]
--record rewrites EXPECTED with Helm's output instead of comparing.
Prints `N passed, M failed` (N = cases verified against helm).
"""

import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SEP = " ==> "


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(n, "\\" + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def escape(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def split_case(line):
    """Split at the first SEP that is outside a string literal."""
    q = None
    i = 0
    while i < len(line):
        c = line[i]
        if q:
            if c == "\\" and q == '"':
                i += 2
                continue
            if c == q:
                q = None
        elif c in "\"`":
            q = c
        elif line.startswith(SEP, i):
            return line[:i].strip(), line[i + len(SEP):]
        i += 1
    return None


def wrap(expr):
    if expr.startswith("@tpl "):
        return expr[5:]
    return "{{ " + expr + " }}"


def make_chart(d, body):
    os.makedirs(os.path.join(d, "templates"), exist_ok=True)
    with open(os.path.join(d, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: t\nversion: 0.1.0\n")
    with open(os.path.join(d, "templates", "t.yaml"), "w") as f:
        f.write(body)


def run_helm(helm, d):
    env = dict(os.environ, TZ="UTC")
    p = subprocess.run([helm, "template", "t", d, "--debug"], capture_output=True, env=env)
    # Go strings are bytes: a byte-sliced multi-byte character (trunc, substr) is invalid
    # UTF-8, which Hookline renders as U+FFFD.
    dec = lambda b: b.decode("utf-8", "replace")
    return p.returncode, dec(p.stdout), dec(p.stderr)


ERR_RE = re.compile(r"executing \"[^\"]*\" at <.*?>: (.*)", re.S)


def helm_error(stderr):
    # Helm 4 prints "Error: FILE:L:C\n  executing "..." at <...>:\n    MSG" or the v3 one-line form.
    text = stderr.strip("\n")
    m = re.search(r"execution error at \(.*?\): (.*)", text, re.S)
    if m:
        # Helm's own wording for `fail`/`required`
        return m.group(1).split("\n\nUse --debug")[0].strip("\n")
    m = re.search(r"at <.*?>:\s*\n\s*(.*?)(?:\n\s*\nUse --debug.*)?$", text, re.S)
    if m:
        return m.group(1).strip("\n")
    m = ERR_RE.search(text)
    if m:
        return m.group(1).split("\n\nUse --debug")[0].strip("\n")
    return text.splitlines()[0] if text else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--helm", default=os.path.join(ROOT, ".tools", "bin", "helm"))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "funcs", "*.txt")))

    cases = []  # (file, lineno, expr, expected)
    lines_by_file = {}
    for fn in files:
        with open(fn) as f:
            lines = f.read().split("\n")
        lines_by_file[fn] = lines
        for i, line in enumerate(lines):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            sc = split_case(line)
            if sc is None:
                print(f"{fn}:{i + 1}: no '{SEP.strip()}' separator", file=sys.stderr)
                continue
            expr, exp = sc
            if expr.startswith("@nohelm "):
                continue
            prefix = ""
            if expr.startswith("@known "):
                prefix, expr = "@known ", expr[len("@known "):]
            cases.append((fn, i, expr, unescape(exp), prefix))

    ok_cases = [c for c in cases if not c[3].startswith("ERROR: ")]
    err_cases = [c for c in cases if c[3].startswith("ERROR: ")]
    if args.record:
        ok_cases, err_cases = cases, []

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        body = "".join(f"<<<L{n}>>>{wrap(c[2])}<<<E>>>\n" for n, c in enumerate(ok_cases))
        d = os.path.join(tmp, "ok")
        make_chart(d, body)
        rc, out, err = run_helm(args.helm, d)
        # --debug prints invalid YAML (our marker lines) and then fails on it: success means
        # the markers are there.
        if "<<<L" not in out:
            if not args.record:
                print("helm failed on the success cases:\n" + err, file=sys.stderr)
                return 2
            # record mode: fall back to one run per case
        else:
            for m in re.finditer(r"<<<L(\d+)>>>(.*?)<<<E>>>", out, re.S):
                results[ok_cases[int(m.group(1))][:2]] = m.group(2)

        singles = err_cases if not args.record else [c for c in ok_cases if c[:2] not in results]

        def one(item):
            n, c = item
            d = os.path.join(tmp, f"e{n}")
            make_chart(d, f"<<<L0>>>{wrap(c[2])}<<<E>>>\n")
            rc, out, err = run_helm(args.helm, d)
            m = re.search(r"<<<L0>>>(.*?)<<<E>>>", out, re.S)
            if m:
                return c[:2], m.group(1)
            return c[:2], "ERROR: " + helm_error(err)

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            for key, val in ex.map(one, enumerate(singles)):
                results[key] = val

    passed = failed = 0
    for fn, i, expr, exp, prefix in cases:
        got = results.get((fn, i))
        if got is None:
            failed += 1
            print(f"{os.path.relpath(fn, ROOT)}:{i + 1}: no result for {expr}")
            continue
        if args.record:
            lines_by_file[fn][i] = f"{prefix}{expr}{SEP}{escape(got)}"
            passed += 1
        elif got == exp:
            passed += 1
        else:
            failed += 1
            print(f"{os.path.relpath(fn, ROOT)}:{i + 1}: {expr}\n  fixture: {escape(exp)}\n  helm:    {escape(got)}")
    if args.record:
        for fn, lines in lines_by_file.items():
            with open(fn, "w") as f:
                f.write("\n".join(lines))
    print(f"funcs oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
