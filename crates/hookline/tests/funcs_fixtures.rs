//! Runs every case of tests/fixtures/funcs/*.txt (expected values recorded from the real
//! `helm template` by funcs_oracle.py) against Hookline's Sprig functions.
//!
//! Until the Go-template engine can run these, a small evaluator here handles the fixture
//! syntax: function calls with literal arguments, parenthesised calls, pipelines `a | f x`,
//! `(expr).Method` and the builtin `len`. Argument conversion follows the declared Go
//! parameter types for the cases used (int/int64 literals for Int, etc.).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use gotemplate::{FuncError, Param, Signature, Value};
use hookline::funcs::{env_functions, sprig_functions, FuncEnv};

type Fun = Rc<dyn Fn(&[Value]) -> Result<Value, FuncError>>;

struct Funcs {
    map: HashMap<&'static str, (Signature, Fun)>,
}

impl Funcs {
    fn new() -> Funcs {
        let mut map: HashMap<&'static str, (Signature, Fun)> = HashMap::new();
        for (n, s, f) in sprig_functions() {
            map.insert(n, (s, Rc::new(f)));
        }
        let env = Rc::new(RefCell::new(FuncEnv::default()));
        for (n, s, f) in env_functions(env) {
            map.insert(n, (s, f));
        }
        Funcs { map }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Int(i64),
    Float(f64),
    Ident(String),
    Field(String),
    LParen,
    RParen,
    Pipe,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if ch == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if ch == '|' {
            out.push(Tok::Pipe);
            i += 1;
        } else if ch == '"' {
            let mut st = String::new();
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' && i + 1 < c.len() {
                    i += 1;
                    match c[i] {
                        'n' => st.push('\n'),
                        't' => st.push('\t'),
                        'r' => st.push('\r'),
                        '\\' => st.push('\\'),
                        '"' => st.push('"'),
                        'u' | 'U' => {
                            let n = if c[i] == 'u' { 4 } else { 8 };
                            let h: String = c[i + 1..i + 1 + n].iter().collect();
                            st.push(char::from_u32(u32::from_str_radix(&h, 16).unwrap()).unwrap());
                            i += n;
                        }
                        o => return Err(format!("escape \\{o}")),
                    }
                } else {
                    st.push(c[i]);
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(st));
        } else if ch == '`' {
            let mut st = String::new();
            i += 1;
            while i < c.len() && c[i] != '`' {
                st.push(c[i]);
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(st));
        } else if ch == '.' {
            let mut st = String::new();
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                st.push(c[i]);
                i += 1;
            }
            out.push(Tok::Field(st));
        } else if ch.is_ascii_digit() || ch == '-' || ch == '+' {
            let mut st = String::new();
            while i < c.len() && !c[i].is_whitespace() && c[i] != ')' {
                st.push(c[i]);
                i += 1;
            }
            if let Ok(n) = st.parse::<i64>() {
                out.push(Tok::Int(n));
            } else if let Some(h) = st.strip_prefix("0x") {
                out.push(Tok::Int(
                    i64::from_str_radix(h, 16).map_err(|e| e.to_string())?,
                ));
            } else {
                out.push(Tok::Float(
                    st.parse::<f64>().map_err(|e| format!("{st}: {e}"))?,
                ));
            }
        } else {
            let mut st = String::new();
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                st.push(c[i]);
                i += 1;
            }
            if st.is_empty() {
                return Err(format!("unexpected {ch}"));
            }
            out.push(Tok::Ident(st));
        }
    }
    Ok(out)
}

/// Error text as Helm prints it after `at <...>: `.
struct EvalErr(String);

struct Eval<'a> {
    f: &'a Funcs,
    toks: Vec<Tok>,
    pos: usize,
}

#[derive(Clone)]
enum Arg {
    Lit(Value),
    Computed(Value),
}

impl Arg {
    fn value(&self) -> &Value {
        match self {
            Arg::Lit(v) | Arg::Computed(v) => v,
        }
    }
}

impl Eval<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn pipeline(&mut self) -> Result<Value, EvalErr> {
        let mut v = self.command(None)?;
        while self.peek() == Some(&Tok::Pipe) {
            self.pos += 1;
            v = self.command(Some(v))?;
        }
        Ok(v)
    }

    fn operand(&mut self) -> Result<Option<Arg>, EvalErr> {
        let t = match self.peek() {
            None | Some(Tok::RParen) | Some(Tok::Pipe) => return Ok(None),
            Some(t) => t.clone(),
        };
        self.pos += 1;
        let mut a = match t {
            Tok::Str(s) => Arg::Lit(Value::from(s)),
            Tok::Int(n) => Arg::Lit(Value::Int(n)),
            Tok::Float(x) => Arg::Lit(Value::Float(x)),
            Tok::Ident(id) if id == "true" || id == "false" => Arg::Lit(Value::Bool(id == "true")),
            Tok::Ident(id) if id == "nil" => Arg::Lit(Value::Nil),
            Tok::LParen => {
                let v = self.pipeline()?;
                self.pos += 1; // ')'
                Arg::Computed(v)
            }
            other => return Err(EvalErr(format!("unexpected token {other:?}"))),
        };
        while let Some(Tok::Field(name)) = self.peek().cloned() {
            self.pos += 1;
            let v = a.value().clone();
            let r = match &v {
                Value::Object(o) if o.has_method(&name) => {
                    o.call_method(&name, &[]).map_err(EvalErr)?
                }
                Value::Object(o) => o.field(&name).unwrap_or(Value::Nil),
                Value::Map(m) => m.borrow().get(&name).cloned().unwrap_or(Value::Nil),
                _ => return Err(EvalErr(format!("can't evaluate field {name}"))),
            };
            a = Arg::Computed(r);
        }
        Ok(Some(a))
    }

    fn command(&mut self, piped: Option<Value>) -> Result<Value, EvalErr> {
        let name = match self.peek() {
            Some(Tok::Ident(id)) if id != "true" && id != "false" && id != "nil" => id.clone(),
            _ => {
                // a plain operand
                let a = self
                    .operand()?
                    .ok_or_else(|| EvalErr("empty command".into()))?;
                return Ok(a.value().clone());
            }
        };
        self.pos += 1;
        let mut args = Vec::new();
        while let Some(a) = self.operand()? {
            args.push(a);
        }
        if let Some(p) = piped {
            args.push(Arg::Computed(p));
        }
        if name == "len" {
            let n = match args.first().map(Arg::value) {
                Some(Value::List(l)) => l.len(),
                Some(Value::String(s)) => s.len(),
                Some(Value::Map(m)) => m.borrow().len(),
                _ => return Err(EvalErr("len of bad type".into())),
            };
            return Ok(Value::Int(n as i64));
        }
        let (sig, f) = self
            .f
            .map
            .get(name.as_str())
            .ok_or_else(|| EvalErr(format!("function {name:?} not defined")))?;
        let conv = |a: &Arg, p: Param| -> Result<Value, EvalErr> {
            let v = a.value().clone();
            let bad = |v: &Value| {
                EvalErr(format!(
                    "wrong type for value; expected {}; got {}",
                    p.go_name(),
                    v.type_name()
                ))
            };
            Ok(match p {
                Param::Any => v,
                Param::Int | Param::Int64 => match v {
                    Value::Int(n) | Value::Int64(n) => {
                        if p == Param::Int {
                            Value::Int(n)
                        } else {
                            Value::Int64(n)
                        }
                    }
                    Value::Float(x) if matches!(a, Arg::Lit(_)) && x.fract() == 0.0 => {
                        Value::Int(x as i64)
                    }
                    o => return Err(bad(&o)),
                },
                Param::Float64 => match v {
                    Value::Int(n) | Value::Int64(n) => Value::Float(n as f64),
                    Value::Float(x) => Value::Float(x),
                    o => return Err(bad(&o)),
                },
                Param::String => match v {
                    Value::String(_) => v,
                    o => return Err(bad(&o)),
                },
                Param::Bool => match v {
                    Value::Bool(_) => v,
                    o => return Err(bad(&o)),
                },
                Param::List => match v {
                    Value::List(_) | Value::Nil => v,
                    o => return Err(bad(&o)),
                },
                Param::Map => match v {
                    Value::Map(_) | Value::Nil => v,
                    o => return Err(bad(&o)),
                },
                _ => v,
            })
        };
        let arity_err = || {
            let n = sig.params.len();
            if sig.variadic.is_some() {
                EvalErr(format!(
                    "wrong number of args for {name}: want at least {n} got {}",
                    args.len()
                ))
            } else {
                EvalErr(format!(
                    "wrong number of args for {name}: want {n} got {}",
                    args.len()
                ))
            }
        };
        if args.len() < sig.params.len()
            || (sig.variadic.is_none() && args.len() > sig.params.len())
        {
            return Err(arity_err());
        }
        let mut vals = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let p = if i < sig.params.len() {
                sig.params[i]
            } else {
                sig.variadic
                    .ok_or_else(|| EvalErr(format!("wrong number of args for {name}")))?
            };
            vals.push(conv(a, p)?);
        }
        if vals.len() < sig.params.len() {
            return Err(EvalErr(format!("wrong number of args for {name}")));
        }
        f(&vals).map_err(|e| {
            if name == "fail" {
                EvalErr(e.0)
            } else {
                EvalErr(format!("error calling {name}: {}", e.0))
            }
        })
    }
}

/// What text/template prints for a pipeline's value, after Helm's engine removes
/// `<no value>`.
fn print(v: &Value) -> String {
    match v {
        Value::Nil => String::new(),
        other => hookline::funcs::conv::fmt_v(other).replace("<no value>", ""),
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o)
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn split_case(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let mut q: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(qc) = q {
            if c == b'\\' && qc == b'"' {
                i += 2;
                continue;
            }
            if c == qc {
                q = None;
            }
        } else if c == b'"' || c == b'`' {
            q = Some(c);
        } else if line[i..].starts_with(" ==> ") {
            return Some((line[..i].trim(), &line[i + 5..]));
        }
        i += 1;
    }
    None
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/funcs")
}

fn run_expr(funcs: &Funcs, expr: &str) -> String {
    let toks = match lex(expr) {
        Ok(t) => t,
        Err(e) => return format!("LEX ERROR {e}"),
    };
    let mut ev = Eval {
        f: funcs,
        toks,
        pos: 0,
    };
    match ev.pipeline() {
        Ok(v) => print(&v),
        Err(EvalErr(e)) => format!("ERROR: {e}"),
    }
}

#[test]
fn funcs_fixtures_match_helm() {
    let funcs = Funcs::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0, 0);
    let mut report = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read fixture");
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((expr, expected)) = split_case(line) else {
                panic!("{}:{}: no ==> separator", file.display(), n + 1);
            };
            let expr = expr.strip_prefix("@nohelm ").unwrap_or(expr);
            if expr.starts_with("@known ") {
                continue; // documented deviation (see the fixture's comment)
            }
            let crypto_case = file.ends_with("crypto.txt") || expr.contains("genCA");
            if crypto_case && !cfg!(feature = "crypto") {
                continue;
            }
            if expr.starts_with("@tpl ") {
                continue; // whole templates need the engine: funcs_engine.rs
            }
            let expected = unescape(expected);
            let got = run_expr(&funcs, expr);
            if got == expected {
                passed += 1;
            } else {
                failed += 1;
                report.push_str(&format!(
                    "{}:{}: {expr}\n   want: {expected:?}\n   got:  {got:?}\n",
                    file.file_name().unwrap().to_string_lossy(),
                    n + 1
                ));
            }
        }
    }
    eprintln!("{report}funcs fixtures: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{report}");
}
