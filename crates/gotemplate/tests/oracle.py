#!/usr/bin/env python3
"""Differential oracle: render every fixture case with the real helm and compare.

Each case is dropped into a tiny chart (Chart.yaml, values.yaml = the case's header,
templates/t.yaml = the case's template) and rendered with `helm template x CHART`. Helm v3
prints Go's raw error texts; Helm v4 (the default, the project's reference, built with a newer
Go: range over integers works there) prints exec errors as a multi-line trace, which is turned
back into Go's one-line text here. `--helm .tools/bin/helm3` picks v3.

Helm post-processes output; the comparison accounts for it:
  * `<no value>` is stripped from rendered files, so it is removed from our expectation too;
  * each document is trimmed (and a whitespace-only file is no document at all), so both sides
    are compared trimmed;
  * parse errors are re-worded `parse error at (FILE:LINE): MSG`, mapped back to Go's
    `template: FILE:LINE: MSG`.

usage: oracle.py [--helm BIN] [--fill] [--case SUBSTR] [FIXTURE ...]
       oracle.py --random N [--seed S]
  --fill     write helm's answer into cases whose expected section is `?`
  --random   generate N templates from the template grammar and compare helm with this
             engine (`cargo run --example render`), byte for byte after helm's trimming
Exit status 1 when any case disagrees.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
NAME = "c/templates/t.yaml"


def parse_cases(text):
    cases = []
    cur = None
    for line in text.split("\n"):
        if line.startswith("=== "):
            cur = {"name": line[4:].strip(), "lines": []}
            cases.append(cur)
        elif cur is not None:
            cur["lines"].append(line)
    out = []
    for c in cases:
        sections = [[]]
        for l in c["lines"]:
            if l == "---" and len(sections) < 3:
                sections.append([])
            else:
                sections[-1].append(l)
        if len(sections) != 3:
            raise SystemExit(f"case {c['name']}: needs values --- template --- expected")
        out.append({
            "name": c["name"],
            "values": "\n".join(sections[0]),
            "template": "\n".join(sections[1]),
            "expected": "\n".join(sections[2]).rstrip("\n"),
        })
    return out


def run_helm(helm, case):
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "templates"))
        with open(os.path.join(d, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        with open(os.path.join(d, "values.yaml"), "w") as f:
            f.write(case["values"] + "\n")
        with open(os.path.join(d, "templates", "t.yaml"), "w") as f:
            f.write(case["template"])
        p = subprocess.run([helm, "template", "x", d], capture_output=True, text=True)
        if p.returncode == 0:
            return ("ok", extract(p.stdout))
        err = p.stderr
        if "YAML parse error on" in err or "error converting YAML to JSON" in err:
            p = subprocess.run([helm, "template", "x", d, "--debug"], capture_output=True,
                               text=True)
            return ("ok", extract(p.stdout))
        err = err.split("\n\nUse --debug flag")[0]
        err = err[len("Error: "):] if err.startswith("Error: ") else err
        err = err.rstrip("\n")
        m = re.match(r"parse error at \(([^)]*)\): (.*)$", err, re.S)
        if m:
            err = f"template: {m.group(1)}: {m.group(2)}"
        return ("error", v4_trace_to_go(err))


TRACE = re.compile(r'([^\n]+:\d+:\d+)\n  executing ("[^\n]*") at <(.*?)>:\n    (.*)$', re.S)


def v4_trace_to_go(err):
    """Helm v4 prints Go's exec errors as a trace:
         FILE:LINE:COL
           executing "NAME" at <NODE>:
             CAUSE            (or "error calling include:" and the nested trace)
    Turn it back into Go's one-line text."""
    m = TRACE.match(err)
    if not m:
        return err
    loc, name, ctx, cause = m.groups()
    if re.match(r"error calling \S+:\n", cause):
        head, rest = cause.split("\n", 1)
        cause = head + " " + v4_trace_to_go(rest)
    return f"template: {loc}: executing {name} at <{ctx}>: {cause}"


def extract(stdout):
    marker = f"# Source: {NAME}\n"
    i = stdout.find(marker)
    if i < 0:
        return ""
    body = stdout[i + len(marker):]
    j = body.find("\n---\n# Source:")
    if j >= 0:
        body = body[:j]
    return body


def helm_parse_cleanup(msg):
    """Helm's cleanupParseError: keeps the location and only the last ': ' segment."""
    m = re.match(r"template: ([^:]+:\d+): (.*)$", msg, re.S)
    if not m:
        return msg
    return f"template: {m.group(1)}: {m.group(2).split(': ')[-1]}"


def compare(case, got):
    kind, text = got
    exp = case["expected"]
    if exp.startswith("error: "):
        # Helm v4's trace trims each line, so a trailing space of Go's text is lost.
        return kind == "error" and text.rstrip() == helm_parse_cleanup(exp[len("error: "):]).rstrip()
    if kind != "ok":
        return False
    return text.strip() == exp.replace("<no value>", "").strip()


def render_expected(got):
    kind, text = got
    return ("error: " + text) if kind == "error" else text.strip("\n")


VALUES = """a: 1
s: str
f: 2.5
big: 1000000
t: true
e: ""
z: 0
l: [1, two, null, 3.5]
m: {k: v, num: 2, sub: {x: 1}}
nul: null
"""

ATOMS = [".Values.a", ".Values.s", ".Values.f", ".Values.big", ".Values.t", ".Values.e",
         ".Values.z", ".Values.l", ".Values.m", ".Values.m.k", ".Values.m.sub.x",
         ".Values.nul", ".Values.missing", ".Values.m.missing", "$.Values.s", "1",
         "0", "-3", "2.5", "1e6", "0x10", "'a'", "\"s\"", "\"\"", "`raw`", "true", "false",
         "nil", "(list 1 \"b\")", "(dict \"k\" 1)"]
FUNCS = ["and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "index", "len", "print",
         "println", "printf \"%v|%d|%s|%q|%5.1f|%x\"", "html", "js", "urlquery", "default",
         "list", "upper", "int", "int64", "float64", "trunc 2"]


def gen_expr(r, depth):
    if depth == 0 or r.random() < 0.35:
        return r.choice(ATOMS)
    f = r.choice(FUNCS)
    args = " ".join(gen_expr(r, depth - 1) for _ in range(r.randint(0, 3)))
    e = f"({f} {args})"
    if r.random() < 0.2:
        e = f"{e} | {r.choice(['len', 'print', 'upper', 'not', 'html'])}"
    return e


def gen_template(r, depth=2):
    out = []
    for _ in range(r.randint(1, 4)):
        e = gen_expr(r, 3)
        body = gen_template(r, depth - 1) if depth > 0 else "x"
        k = r.randint(0, 15)
        out.append([
            f"[{{{{ {e} }}}}]",
            f"{{{{ if {e} }}}}<{body}>{{{{ else if {gen_expr(r, 2)} }}}}E{{{{ else }}}}N{{{{ end }}}}",
            f"{{{{ range $i, $v := {e} }}}}{{{{ $i }}}}={{{{ $v }}}};{{{{ else }}}}none{{{{ end }}}}",
            f"{{{{ with {e} }}}}w({{{{ . }}}}){{{{ else }}}}nw{{{{ end }}}}",
            f"{{{{ $x := {e} }}}}{{{{ $x = {gen_expr(r, 2)} }}}}({{{{ $x }}}})",
            f"{{{{ define \"d{len(out)}\" }}}}D{{{{ . }}}}{{{{ end }}}}{{{{ template \"d{len(out)}\" {e} }}}}",
            f"{{{{ include \"inc\" {e} }}}}",
            f"a {{{{- {e} -}}}} b",
            f"{{{{ range .Values.l }}}}{{{{ if not . }}}}{{{{ continue }}}}{{{{ end }}}}{{{{ . }}}}{{{{ end }}}}",
            f"({{{{ printf \"%v\" {e} }}}})",
            f"{{{{ with {e} }}}}A{{{{ else with {gen_expr(r, 1)} }}}}B{{{{ . }}}}{{{{ else }}}}C{{{{ end }}}}",
            f"{{{{ block \"b{r.randint(0, 99)}\" {e} }}}}blk{{{{ . }}}}{{{{ end }}}}",
            "{{/* c */}}{{- range $i, $v := .Values.l }}{{ if eq $i 2 }}{{ break }}{{ end }}"
            "{{ $v }}\n{{- end }}",
            "{{ tpl \"{{ .s }}-{{ .missing }}-{{ .l }}\" .Values }}",
            f"{{{{ printf \"%s|%v\"\n  {e}\n  {gen_expr(r, 1)} }}}}",
            "{{ $.Values.m.sub.x }}{{ range $k, $v := .Values.m }}{{ $k }}{{ end }}",
        ][k])
    return " ".join(out)


def random_mode(a):
    import random
    r = random.Random(a.seed)
    root = os.path.abspath(os.path.join(HERE, ".."))
    subprocess.run(["cargo", "build", "-q", "--example", "render"], cwd=root, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    render = os.path.join(target, "debug", "examples", "render")
    cases = []
    for i in range(a.random):
        # Dot is the data only inside `with`/`range`/templates here: Helm's top-level object
        # has more than `.Values`.
        t = '{{ define "inc" }}I{{ . }}{{ end }}' + gen_template(r)
        cases.append({"name": f"random {i}", "values": VALUES, "template": t})

    def ours(c):
        with tempfile.TemporaryDirectory() as d:
            vp, tp = os.path.join(d, "v.yaml"), os.path.join(d, "t")
            open(vp, "w").write(c["values"])
            open(tp, "w").write(c["template"])
            p = subprocess.run([render, vp, tp], capture_output=True, text=True)
            return p.stdout

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        helm = list(ex.map(lambda c: run_helm(a.helm, c), cases))
        mine = list(ex.map(ours, cases))
    bad = 0
    for c, h, m in zip(cases, helm, mine):
        c["expected"] = m.rstrip("\n")
        if not compare(c, h):
            bad += 1
            print(f"DISAGREE {c['name']}\n  template: {c['template']!r}\n"
                  f"  ours: {m!r}\n  helm: {render_expected(h)!r}")
    print(f"random: {len(cases) - bad} passed, {bad} failed (of {len(cases)} generated "
          f"templates, seed {a.seed}, against {os.path.basename(a.helm)})")
    sys.exit(1 if bad else 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--random", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--helm", default=os.path.join(ROOT, ".tools", "bin", "helm"))
    ap.add_argument("--fill", action="store_true")
    ap.add_argument("--case")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.random:
        return random_mode(a)
    files = a.files or sorted(
        os.path.join(HERE, "fixtures", f) for f in os.listdir(os.path.join(HERE, "fixtures"))
        if f.endswith(".case"))
    total = agree = 0
    bad = []
    for path in files:
        text = open(path).read()
        cases = parse_cases(text)
        if a.case:
            cases = [c for c in cases if a.case in c["name"]]
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            results = list(ex.map(lambda c: run_helm(a.helm, c), cases))
        fills = {}
        for c, got in zip(cases, results):
            if c["expected"] == "?":
                fills[c["name"]] = render_expected(got)
                continue
            total += 1
            if compare(c, got):
                agree += 1
            else:
                bad.append((os.path.basename(path), c, got))
        if a.fill and fills:
            out, name = [], None
            sep_count = 0
            for line in text.split("\n"):
                if line.startswith("=== "):
                    name, sep_count = line[4:].strip(), 0
                    out.append(line)
                    continue
                if name in fills:
                    if line == "---":
                        sep_count += 1
                        out.append(line)
                        if sep_count == 2:
                            out.append(fills[name])
                        continue
                    if sep_count >= 2:
                        continue
                out.append(line)
            open(path, "w").write("\n".join(out).rstrip("\n") + "\n")
            print(f"{os.path.basename(path)}: filled {len(fills)} cases")
    for f, c, got in bad:
        print(f"DISAGREE {f}: {c['name']}\n  template: {c['template']!r}\n"
              f"  expected: {c['expected']!r}\n  helm:     {render_expected(got)!r}")
    print(f"oracle: {agree} passed, {total - agree} failed (of {total} cases checked against "
          f"{os.path.basename(a.helm)})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
