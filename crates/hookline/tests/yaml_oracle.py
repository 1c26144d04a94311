#!/usr/bin/env python3
"""Regenerate or verify the YAML/JSON fixtures with the real helm.

Every case is an input text (YAML for `fromYaml`, JSON for `fromJson`). All cases of a run go
into ONE chart (files/cases/NNNNN.yaml|json) whose single template decodes each file and prints
base64 of toYaml / toJson / toPrettyJson / toRawJson of the result (or of the error), so one
`helm template` invocation renders hundreds of cases.

Usage:
  yaml_oracle.py handwritten [--check]        tests/fixtures/yaml/handwritten.txt -> .json
  yaml_oracle.py random --seed S --count N --out FILE [--check]
  yaml_oracle.py values [--check]             tests/fixtures/yaml/values.txt as a chart's values.yaml
                                              (Helm 4 loader; one chart per case) -> values.json
  yaml_oracle.py jsonmutate --seed S --count N --out FILE [--check]
                                              random JSON with character edits (fromJson errors)
  yaml_oracle.py syntax --seed S --count N --out FILE [--check]
                                              random YAML source in every syntactic form
  yaml_oracle.py scalars --seed S --count N --out FILE [--check]
                                              unquoted number-like scalars (YAML 1.1 resolution)
  yaml_oracle.py mutate --seed S --count N --out FILE [--check]
                                              valid YAML with random character edits (errors)

--check compares with the existing output file instead of rewriting it (exit 1 on mismatch).
HELM=/path/to/helm overrides the binary (default: <repo>/.tools/bin/helm).
"""

import base64
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "fixtures", "yaml")
HELM = os.environ.get("HELM", os.path.join(REPO, ".tools", "bin", "helm"))

TEMPLATE = r"""{{- range $path, $_ := .Files.Glob "cases/*" }}
{{- $raw := $.Files.Get $path }}
{{- if hasSuffix ".json" $path }}{{- $v := fromJson $raw }}
{{- if hasKey $v "Error" }}
# C|{{ base $path }}|E|{{ $v.Error | b64enc }}
{{- else }}
# C|{{ base $path }}|O|{{ toYaml $v | b64enc }}|{{ toJson $v | b64enc }}|{{ toPrettyJson $v | b64enc }}|{{ toRawJson $v | b64enc }}|{{ toYaml $v.v | b64enc }}|{{ toYamlPretty $v | b64enc }}
{{- end }}
{{- else }}{{- $v := fromYaml $raw }}
{{- if hasKey $v "Error" }}
# C|{{ base $path }}|E|{{ $v.Error | b64enc }}
{{- else }}
# C|{{ base $path }}|O|{{ toYaml $v | b64enc }}|{{ toJson $v | b64enc }}|{{ toPrettyJson $v | b64enc }}|{{ toRawJson $v | b64enc }}|{{ toYaml $v.v | b64enc }}|{{ toYamlPretty $v | b64enc }}
{{- end }}
{{- end }}
{{- end }}
"""


def b64d(s):
    return base64.b64decode(s).decode("utf-8")


def run_cases(cases):
    """cases: list of {"name", "kind": "yaml"|"json", "input"} -> adds "result"."""
    with tempfile.TemporaryDirectory() as d:
        chart = os.path.join(d, "oracle")
        os.makedirs(os.path.join(chart, "templates"))
        os.makedirs(os.path.join(chart, "cases"))
        with open(os.path.join(chart, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: oracle\nversion: 0.1.0\n")
        with open(os.path.join(chart, "templates", "out.yaml"), "w") as f:
            f.write(TEMPLATE)
        for i, c in enumerate(cases):
            ext = "json" if c["kind"] == "json" else "yaml"
            with open(os.path.join(chart, "cases", "%05d.%s" % (i, ext)), "wb") as f:
                f.write(c["input"].encode("utf-8"))
        out = subprocess.run([HELM, "template", "x", chart], capture_output=True, check=False)
        if out.returncode != 0:
            sys.exit("helm failed: " + out.stderr.decode())
        results = {}
        for line in out.stdout.decode().splitlines():
            if not line.startswith("# C|"):
                continue
            parts = line[2:].split("|")
            idx = int(parts[1].split(".")[0])
            if parts[2] == "E":
                results[idx] = {"error": b64d(parts[3])}
            else:
                results[idx] = {
                    "toYaml": b64d(parts[3]),
                    "toJson": b64d(parts[4]),
                    "toPrettyJson": b64d(parts[5]),
                    "toRawJson": b64d(parts[6]),
                    "toYamlV": b64d(parts[7]),
                    "toYamlPretty": b64d(parts[8]),
                }
        for i, c in enumerate(cases):
            c["result"] = results.get(i, {"error": "<missing from helm output>"})
    return cases


def parse_handwritten(path):
    cases = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith("### "):
                if cur:
                    cases.append(cur)
                name = line[4:].strip()
                kind = "json" if name.startswith("json:") else "yaml"
                cur = {"name": name, "kind": kind, "lines": []}
            elif cur is not None:
                cur["lines"].append(line)
    if cur:
        cases.append(cur)
    for c in cases:
        lines = c.pop("lines")
        # a case's text ends before the blank line preceding the next header
        while lines and lines[-1] == "":
            lines.pop()
        c["input"] = "\n".join(lines) + "\n"
    return cases


# ------------------------------------------------------------------------------------------
# Random value trees

KEYWORDS = ["true", "false", "yes", "no", "on", "off", "y", "n", "Y", "N", "YES", "Off", "null",
            "Null", "~", "", "1", "0", "-1", "1.0", "1e3", "0x1F", "0o17", "0777", "08", "1_000",
            "1:20", "-1:30:00", "2001-12-14", "2001-12-14t21:59:43.10-05:00", ".inf", "-.Inf",
            ".nan", "<<", "=", "-", "?", ":", "---", "...", "a: b", "a #b", "#c", "&x", "*y",
            "!t", "|", ">", "%", "@", "`", "'q'", "\"dq\"", "[a]", "{a: 1}", "a,b", "- x",
            "key:", "x:y", "0.5", ".5", "+1", "1e400", "12345678901234567890", "0b101",
            "True", "TRUE", "NULL", "nO", "oN", "\t", "\u00a0", "caf\u00e9", "\u2028", "\ufeff",
            "emoji \U0001F600", "a\x7fb", "\x01", "\r\n", "Yes please", "no way"]

WORDS = ["alpha", "beta", "gamma", "x", "key", "value", "name", "image", "tag", "a-b", "a_b",
         "A", "Z", "z9", "z10", "z010", "1", "2", "10", "_u", "é", "ß", "日本", "k.e.y", "a b",
         "-", "app.kubernetes.io/name"]


def rand_string(r):
    kind = r.random()
    if kind < 0.25:
        return r.choice(KEYWORDS)
    if kind < 0.45:
        return r.choice(WORDS)
    if kind < 0.6:
        # long text with spaces to trigger 80-column folding
        n = r.randint(8, 40)
        words = [r.choice(WORDS + ["lorem", "ipsum", "dolor", "sit", "amet", " ", "a"]) for _ in range(n)]
        s = " ".join(words)
        if r.random() < 0.3:
            s = s.replace(" ", "  ", 1)
        return s
    if kind < 0.8:
        # multi-line
        lines = [r.choice(WORDS + KEYWORDS + ["", " ", "  indented", "trailing ", "\ttab"]) for _ in range(r.randint(1, 5))]
        s = "\n".join(lines)
        if r.random() < 0.5:
            s += "\n" * r.randint(1, 3)
        if r.random() < 0.2:
            s = "\n" + s
        return s
    # random characters
    alphabet = "ab :#-'\"\\\n\t{}[],&*!|>%@`?=~.01é\u2028 "
    return "".join(r.choice(alphabet) for _ in range(r.randint(0, 20)))


def rand_number(r):
    k = r.random()
    if k < 0.3:
        return r.randint(-1000, 1000)
    if k < 0.45:
        return r.choice([0, 1, -1, 10**6, 10**15, 2**53, 2**63 - 1, 10**19, 10**21, 10**20])
    if k < 0.7:
        return round(r.uniform(-1000, 1000), r.randint(0, 6))
    return r.choice([0.5, 1e-7, 1.5e-7, 1e-6, 0.00001, 1234567.5, 123456.5, 1e21, 1.5e300,
                     -0.0, 3.0, 1e100, 0.1, 2.5e-5, 123456789.123])


def rand_tree(r, depth=0):
    k = r.random()
    if depth > 3 or k < 0.35:
        c = r.random()
        if c < 0.55:
            return rand_string(r)
        if c < 0.85:
            return rand_number(r)
        if c < 0.95:
            return r.choice([True, False])
        return None
    if k < 0.65:
        return rand_mapping(r, depth)
    return [rand_tree(r, depth + 1) for _ in range(r.randint(0, 4))]


def rand_key(r):
    if r.random() < 0.7:
        return r.choice(WORDS + KEYWORDS[:20])
    return rand_string(r)


def rand_mapping(r, depth):
    # Only key sets that go-yaml orders the same way whatever order it meets them in. Its key
    # order (keyList.Less in yaml.v2 and yaml.v3; sigs.k8s.io/yaml's copy) is not a total order
    # for some mixes of digits and letters ("0777" < "0x1F" < "1" < "0777") and overflows on
    # digit runs of 19 and more; Go's sort then depends on the map's random iteration order, and
    # helm's own output changes from run to run.
    while True:
        keys = list(dict.fromkeys(rand_key(r) for _ in range(r.randint(0, 5))))
        if totally_ordered(keys):
            return {k: rand_tree(r, depth + 1) for k in keys}


def totally_ordered(keys):
    for less in (lambda a, b: go_yaml_key_less(a, b, True), lambda a, b: go_yaml_key_less(a, b, False)):
        for a in keys:
            for b in keys:
                if a != b and less(a, b) == less(b, a):
                    return False
                for c in keys:
                    if less(a, b) and less(b, c) and not less(a, c):
                        return False
    return True


def go_yaml_key_less(a, b, digits_rule):
    """keyList.Less for two string keys; digits_rule: yaml.v3's letter-after-digit rule."""
    def is_digit(ch):
        return unicodedata.category(ch) == "Nd"

    def is_letter(ch):
        return unicodedata.category(ch).startswith("L")

    def int64(n):
        n &= (1 << 64) - 1
        return n - (1 << 64) if n >= 1 << 63 else n

    digits = False
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            digits = is_digit(a[i])
            continue
        al, bl = is_letter(a[i]), is_letter(b[i])
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return al if digits_rule and digits else bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            for j in range(i - 1, -1, -1):
                if not is_digit(a[j]):
                    break
                if a[j] != "0":
                    an = bn = 1
                    break
        ai = i
        while ai < len(a) and is_digit(a[ai]):
            an = int64(an * 10 + ord(a[ai]) - ord("0"))
            ai += 1
        bi = i
        while bi < len(b) and is_digit(b[bi]):
            bn = int64(bn * 10 + ord(b[bi]) - ord("0"))
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def random_cases(seed, count):
    r = random.Random(seed)
    cases = []
    for i in range(count):
        tree = {"v": rand_tree(r)}
        text = json.dumps(tree, ensure_ascii=r.random() < 0.5)
        cases.append({"name": "random-%d-%d" % (seed, i), "kind": "json", "input": text})
    return cases


def run_values_case(text):
    """Render a chart whose values.yaml is `text` with {{ .Values | toJson }}."""
    with tempfile.TemporaryDirectory() as d:
        chart = os.path.join(d, "c")
        os.makedirs(os.path.join(chart, "templates"))
        with open(os.path.join(chart, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        with open(os.path.join(chart, "templates", "out.yaml"), "w") as f:
            f.write("# V|{{ .Values | toJson | b64enc }}\n")
        with open(os.path.join(chart, "values.yaml"), "wb") as f:
            f.write(text.encode("utf-8"))
        out = subprocess.run([HELM, "template", "x", chart], capture_output=True, check=False)
        if out.returncode != 0:
            err = out.stderr.decode().strip()
            prefix = "Error: cannot load values.yaml: "
            return {"error": err[len(prefix):] if err.startswith(prefix) else err}
        for line in out.stdout.decode().splitlines():
            if line.startswith("# V|"):
                return {"toJson": b64d(line[4:])}
        return {"error": "<no output>"}


MUTATION_CHARS = list(":-[]{}#&*!|>'\"%@`?,~ \t\n") + ["  ", "- ", ": ", "\n  ", "\n- "]


def mutate_cases(seed, count):
    """Valid YAML texts (helm's own toYaml output and the handwritten inputs) with 1-3 random
    insertions, deletions or replacements: mostly syntax errors, some still valid."""
    r = random.Random(seed)
    base = [c["input"] for c in parse_handwritten(os.path.join(FIXTURES, "handwritten.txt"))
            if not c["name"].startswith("json:")]
    rand = run_cases(random_cases(seed, max(count // 4, 10)))
    base += [c["result"]["toYaml"] + "\n" for c in rand if "toYaml" in c["result"]]
    cases = []
    for i in range(count):
        text = r.choice(base)
        for _ in range(r.randint(1, 3)):
            if not text:
                break
            pos = r.randrange(len(text))
            op = r.random()
            if op < 0.4:
                text = text[:pos] + r.choice(MUTATION_CHARS) + text[pos:]
            elif op < 0.7:
                text = text[:pos] + text[pos + 1:]
            else:
                text = text[:pos] + r.choice(MUTATION_CHARS) + text[pos + 1:]
        cases.append({"name": "mutate-%d-%d" % (seed, i), "kind": "yaml", "input": text})
    return run_cases(cases)


SCALAR_ATOMS = ["0", "1", "7", "9", "00", "12", "_", ".", "-", "+", "e", "E", "x", "X", "o", "b",
                "0x", "0o", "0b", "1_0", ":", "1:", ":3", "a", "f", "inf", "nan", "Inf", " ",
                "2001-", "12-", "-14", "T", "t", "Z", "+05:00", "-5", "1.", ".5", "y", "n", "~"]


def scalar_cases(seed, count):
    """Documents of unquoted scalars built from number-ish atoms, as keys and values: exercises
    YAML 1.1 resolution (ints in every base, floats, base 60, timestamps, booleans)."""
    r = random.Random(seed)
    cases = []
    for i in range(count):
        lines = ["v:"]
        for k in range(r.randint(1, 12)):
            tok = "".join(r.choice(SCALAR_ATOMS) for _ in range(r.randint(1, 5))).strip()
            if not tok or tok[0] in "-?:" and (len(tok) == 1 or tok[1] == " "):
                tok = "x" + tok
            if r.random() < 0.3:
                lines.append("  %s: k%d" % (tok, k))
            else:
                lines.append("  k%d: %s" % (k, tok))
        cases.append({"name": "scalars-%d-%d" % (seed, i), "kind": "yaml", "input": "\n".join(lines) + "\n"})
    return run_cases(cases)


class SyntaxGen:
    """Random YAML *source* in many syntactic forms (block/flow collections, every scalar style
    with folding, escapes, chomping and indentation indicators, comments, anchors, aliases,
    merge keys, tags, explicit keys, document markers). Mostly valid, sometimes not."""

    WORDS = ["a", "b c", "x y z", "yes", "on", "1", "0x1F", "1.5", "~", "null", "é", "k:v",
             "a#b", "-x", "long words here to fold", "2001-12-14", "<<", "'", "\"q\""]

    def __init__(self, r):
        self.r = r
        self.anchors = []
        self.n = 0

    def word(self):
        return self.r.choice(self.WORDS)

    def plain(self, ind):
        w = self.r.choice(["a", "b c", "yes", "1", "0x1F", "1.5", "~", "é", "x y", "-x", "a#b",
                           "2001-12-14", "1:20", "0777", "+1", ".5", "1_000", "True", "n"])
        if self.r.random() < 0.2:
            w += "\n" + " " * (ind + 2) + self.r.choice(["cont", "more words", "x"])
        if self.r.random() < 0.1:
            w += "\n\n" + " " * (ind + 2) + "para"
        return w

    def single(self, ind):
        body = self.r.choice(["a", "it''s", "", " lead", "trail ", "multi\n" + " " * (ind + 1) + "line",
                              "x\n\n" + " " * (ind + 1) + "y", "#c", "a: b"])
        return "'" + body + "'"

    def double(self, ind):
        body = self.r.choice(["a", "tab\\tx", "nl\\n", "\\x41\\u00e9\\U0001F600", "q\\\"q",
                              "fold\n" + " " * (ind + 1) + "ed", "esc\\\n" + " " * (ind + 1) + "aped",
                              "\\ sp", "\\0\\a\\e\\N\\_\\L\\P", "", "bad\\q", "a  \n  \n b"])
        return '"' + body + '"'

    def block(self, ind):
        head = self.r.choice(["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-", "|+2"])
        if self.r.random() < 0.2:
            head += " # c"
        n = ind + 2
        lines = []
        for _ in range(self.r.randint(1, 5)):
            k = self.r.random()
            if k < 0.15:
                lines.append("")
            elif k < 0.3:
                lines.append(" " * (n + 2) + "more indented")
            elif k < 0.35:
                lines.append(" " * n + "\ttab")
            else:
                lines.append(" " * n + self.r.choice(["line", "two words", "#not comment", "- x", "a: b"]))
        trail = self.r.choice(["", "\n", "\n\n"])
        return head + "\n" + "\n".join(lines) + trail

    def scalar(self, ind, flow=False):
        k = self.r.random()
        if k < 0.35:
            return self.plain(ind) if not flow else self.r.choice(["a", "1", "yes", "b c", "~"])
        if k < 0.55:
            return self.single(ind)
        if k < 0.8 or flow:
            return self.double(ind)
        return self.block(ind)

    def props(self):
        p = ""
        if self.r.random() < 0.12:
            self.n += 1
            name = "a%d" % self.n
            self.anchors.append(name)
            p += "&" + name + " "
        if self.r.random() < 0.08:
            p += self.r.choice(["!!str ", "!!int ", "!!float ", "!!bool ", "!local ", "!!binary ", "! "])
        return p

    def flow(self, depth):
        if depth > 2 or self.r.random() < 0.4:
            if self.anchors and self.r.random() < 0.1:
                return "*" + self.r.choice(self.anchors)
            return self.props() + self.scalar(0, flow=True)
        if self.r.random() < 0.5:
            items = [self.flow(depth + 1) for _ in range(self.r.randint(0, 3))]
            return "[" + ", ".join(items) + self.r.choice(["", ",", " "]) + "]"
        items = []
        for _ in range(self.r.randint(0, 3)):
            if self.r.random() < 0.15:
                items.append("? " + self.flow(depth + 1))
            else:
                items.append(self.r.choice(["k", "a b", "1", "yes", '"q"']) + ": " + self.flow(depth + 1))
        return "{" + ", ".join(items) + "}"

    def node(self, ind, depth):
        """A value placed after 'key:' or '- ' (returns text starting on the same line)."""
        k = self.r.random()
        if self.anchors and k < 0.06:
            return " *" + self.r.choice(self.anchors)
        if depth > 3 or k < 0.45:
            return " " + self.props() + self.scalar(ind)
        if k < 0.55:
            return " " + self.props() + self.flow(0)
        props = self.props().strip()
        head = (" " + props) if props else ""
        if k < 0.78:
            return head + "\n" + self.mapping(ind + self.r.choice([2, 2, 4, 1]), depth + 1)
        seq_ind = ind + self.r.choice([0, 2, 2])
        return head + "\n" + self.sequence(seq_ind, depth + 1)

    def mapping(self, ind, depth):
        lines = []
        keys = ["a", "b", "c", "d e", "1", "yes", "~", '"q k"', "'s k'", "x.y", "<<", "k"]
        for _ in range(self.r.randint(1, 4)):
            pad = " " * ind
            if self.r.random() < 0.08:
                lines.append(pad + "? " + self.scalar(ind).replace("\n", "\n") + "\n" + pad + ":" + self.node(ind, depth))
                continue
            key = self.r.choice(keys)
            if key == "<<" and self.anchors and self.r.random() < 0.7:
                lines.append(pad + "<<: *" + self.r.choice(self.anchors))
                continue
            line = pad + key + ":" + self.node(ind, depth)
            if self.r.random() < 0.1:
                line += " # comment"
            lines.append(line)
        return "\n".join(lines)

    def sequence(self, ind, depth):
        lines = []
        for _ in range(self.r.randint(1, 4)):
            lines.append(" " * ind + "-" + self.node(ind + 2, depth))
        return "\n".join(lines)

    def document(self):
        pre = self.r.choice(["", "", "---\n", "# head\n", "%YAML 1.1\n---\n", "--- # c\n"])
        body = "v:" + self.node(0, 0)
        post = self.r.choice(["\n", "\n", "\n...\n", "\n---\nother: 1\n", ""])
        return pre + body + post


def syntax_cases(seed, count):
    r = random.Random(seed)
    cases = []
    for i in range(count):
        g = SyntaxGen(r)
        cases.append({"name": "syntax-%d-%d" % (seed, i), "kind": "yaml", "input": g.document()})
    return run_cases(cases)


JSON_MUTATIONS = list('{}[]:,"\\ -+.eE0123456789tfnul') + ["\\u", "\\x", "\t", "\n", "é", "1e400", "true", "null"]


def json_mutate_cases(seed, count):
    """JSON texts of random trees with 1-3 random edits, decoded with fromJson."""
    r = random.Random(seed)
    base = [c["input"] for c in random_cases(seed, max(count // 4, 10))]
    cases = []
    for i in range(count):
        text = r.choice(base)
        for _ in range(r.randint(1, 3)):
            if not text:
                break
            pos = r.randrange(len(text))
            op = r.random()
            if op < 0.4:
                text = text[:pos] + r.choice(JSON_MUTATIONS) + text[pos:]
            elif op < 0.7:
                text = text[:pos] + text[pos + 1:]
            else:
                text = text[:pos] + r.choice(JSON_MUTATIONS) + text[pos + 1:]
        cases.append({"name": "jsonmutate-%d-%d" % (seed, i), "kind": "json", "input": text})
    return run_cases(cases)


def write_or_check(path, cases, check):
    data = json.dumps(cases, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if check:
        with open(path, encoding="utf-8") as f:
            old = f.read()
        if old != data:
            sys.exit("fixture %s differs from helm's output" % path)
        print("ok: %s matches helm (%d cases)" % (path, len(cases)))
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(data)
        print("wrote %s (%d cases)" % (path, len(cases)))


def main(argv):
    if not argv:
        sys.exit(__doc__)
    check = "--check" in argv
    cmd = argv[0]
    if cmd == "handwritten":
        cases = parse_handwritten(os.path.join(FIXTURES, "handwritten.txt"))
        run_cases(cases)
        write_or_check(os.path.join(FIXTURES, "handwritten.json"), cases, check)
    elif cmd == "values":
        cases = parse_handwritten(os.path.join(FIXTURES, "values.txt"))
        for c in cases:
            c["kind"] = "values"
            c["result"] = run_values_case(c["input"])
        write_or_check(os.path.join(FIXTURES, "values.json"), cases, check)
    elif cmd == "jsonmutate":
        seed = int(argv[argv.index("--seed") + 1])
        count = int(argv[argv.index("--count") + 1])
        out = argv[argv.index("--out") + 1]
        write_or_check(out, json_mutate_cases(seed, count), check)
    elif cmd == "syntax":
        seed = int(argv[argv.index("--seed") + 1])
        count = int(argv[argv.index("--count") + 1])
        out = argv[argv.index("--out") + 1]
        write_or_check(out, syntax_cases(seed, count), check)
    elif cmd == "scalars":
        seed = int(argv[argv.index("--seed") + 1])
        count = int(argv[argv.index("--count") + 1])
        out = argv[argv.index("--out") + 1]
        write_or_check(out, scalar_cases(seed, count), check)
    elif cmd == "mutate":
        seed = int(argv[argv.index("--seed") + 1])
        count = int(argv[argv.index("--count") + 1])
        out = argv[argv.index("--out") + 1]
        write_or_check(out, mutate_cases(seed, count), check)
    elif cmd == "random":
        seed = int(argv[argv.index("--seed") + 1])
        count = int(argv[argv.index("--count") + 1])
        out = argv[argv.index("--out") + 1]
        cases = run_cases(random_cases(seed, count))
        # round two: helm's own toYaml output read back as YAML (block style, literal blocks,
        # folded and quoted scalars) exercises the loader
        back = []
        for c in cases:
            if "toYaml" in c["result"]:
                back.append({"name": c["name"] + "-back", "kind": "yaml", "input": c["result"]["toYaml"] + "\n"})
        cases += run_cases(back)
        write_or_check(out, cases, check)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
