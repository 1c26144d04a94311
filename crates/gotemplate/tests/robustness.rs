//! Random input must never panic, hang or overflow: token soup and grammar-shaped templates,
//! parsed and executed with small limits.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use gotemplate::{Map, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    "{{/*",
    "*/}}",
    " ",
    "\n",
    "\t",
    "(",
    ")",
    "|",
    ".",
    ".a",
    ".b",
    ".Values",
    "$",
    "$x",
    "$y",
    ":=",
    "=",
    ",",
    "\"s\"",
    "`r`",
    "'c'",
    "1",
    "-2",
    "1.5",
    "0x1F",
    "1e3",
    "nil",
    "true",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    "\"t\"",
    "and",
    "or",
    "not",
    "eq",
    "ne",
    "lt",
    "index",
    "slice",
    "len",
    "print",
    "printf",
    "\"%d %s %v\"",
    "html",
    "js",
    "urlquery",
    "call",
    "include",
    "tpl",
    "default",
    "list",
    "dict",
    "upper",
    "trunc",
    "int",
    "é",
    "日",
    "\\",
    "\"",
    "'",
    "`",
    "{",
    "}",
    "-",
    "x",
    "text ",
];

fn soup(r: &mut Rng) -> String {
    let n = 1 + (r.next() % 40) as usize;
    (0..n).map(|_| r.pick(PIECES)).collect()
}

fn expr(r: &mut Rng, depth: usize) -> String {
    let atoms = [
        ".",
        ".a",
        ".a.b",
        ".Values.l",
        "$",
        "$.a",
        "1",
        "2.5",
        "\"s\"",
        "true",
        "nil",
        "(list 1 2)",
        "(dict \"a\" 1)",
    ];
    if depth == 0 || r.next().is_multiple_of(3) {
        return r.pick(&atoms).to_string();
    }
    let f = r.pick(&[
        "and",
        "or",
        "not",
        "eq",
        "ne",
        "lt",
        "index",
        "slice",
        "len",
        "print",
        "printf \"%v\"",
        "html",
        "js",
        "urlquery",
        "default",
        "list",
        "upper",
        "int",
    ]);
    let n = (r.next() % 3) as usize;
    let args: Vec<String> = (0..n).map(|_| expr(r, depth - 1)).collect();
    let call = format!("({f} {})", args.join(" "));
    if r.next().is_multiple_of(4) {
        format!("{call} | {}", r.pick(&["len", "print", "upper", "not"]))
    } else {
        call
    }
}

fn grammar(r: &mut Rng, depth: usize) -> String {
    let mut out = String::new();
    for _ in 0..(1 + r.next() % 4) {
        let e = expr(r, 3);
        let body = if depth > 0 {
            grammar(r, depth - 1)
        } else {
            "x".into()
        };
        let piece = match r.next() % 9 {
            0 => format!("{{{{ {e} }}}}"),
            1 => format!("{{{{ if {e} }}}}{body}{{{{ else }}}}y{{{{ end }}}}"),
            2 => format!("{{{{ range $i, $v := {e} }}}}{body}{{{{ if $i }}}}{{{{ break }}}}{{{{ end }}}}{{{{ end }}}}"),
            3 => format!("{{{{ with {e} }}}}{body}{{{{ end }}}}"),
            4 => format!("{{{{ $x := {e} }}}}{{{{ $x = {e} }}}}{body}"),
            5 => format!("{{{{ template \"d\" {e} }}}}"),
            6 => format!("{{{{ include \"d\" {e} }}}}"),
            7 => format!("{{{{- {e} -}}}} {body}"),
            _ => format!("{{{{ tpl \"{{{{ . }}}}\" {e} }}}}"),
        };
        out.push_str(&piece);
    }
    out
}

fn data() -> Value {
    let mut v = Map::new();
    v.insert(
        "l".into(),
        Value::list(vec![Value::Float(1.0), Value::from("a")]),
    );
    let mut top = Map::new();
    top.insert("Values".into(), Value::map(v));
    top.insert("a".into(), Value::from("b"));
    Value::map(top)
}

fn run(src: &str) {
    let mut t = common::engine();
    t.limits_mut().max_steps = 20_000;
    t.limits_mut().max_output = 1 << 16;
    if t.add("d", r#"{{ define "d" }}[{{ . }}]{{ end }}"#).is_err() {
        return;
    }
    if t.add("t", src).is_ok() {
        let mut host = common::HostState::default();
        let _ = t.execute_with("t", &data(), &mut host);
    }
}

#[test]
fn random_templates_never_panic() {
    // ROBUST_N and ROBUST_SEED widen the search (e.g. ROBUST_N=200000 in release).
    let count: usize = std::env::var("ROBUST_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6000);
    let seed: u64 = std::env::var("ROBUST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut r = Rng(seed | 1);
    let mut n = 0;
    for i in 0..count {
        let src = if i % 2 == 0 {
            soup(&mut r)
        } else {
            grammar(&mut r, 2)
        };
        let s2 = src.clone();
        let ok = std::panic::catch_unwind(move || run(&s2)).is_ok();
        assert!(ok, "panic on template {src:?}");
        n += 1;
    }
    eprintln!("robustness: {n} random templates, no panic");
}
