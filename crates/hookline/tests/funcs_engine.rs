//! The same helm-recorded fixtures as funcs_fixtures.rs, but run through the real
//! Go-template engine (argument conversion, pipelines, method calls, error wrapping), with
//! Helm's removal of `<no value>` applied to the output.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use gotemplate::{CtxFn, Templates, Value};
use hookline::funcs::{env_functions, sprig_functions, FuncEnv};

fn engine() -> Templates {
    let mut t = Templates::new();
    for (name, sig, f) in sprig_functions() {
        t.register_pure(name, sig, f);
    }
    let env = Rc::new(RefCell::new(FuncEnv::default()));
    for (name, sig, f) in env_functions(env) {
        let g: CtxFn = Rc::new(move |_ctx, args: &[Value]| f(args));
        t.register_ctx(name, sig, g);
    }
    t
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

#[test]
fn funcs_fixtures_through_the_engine() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/funcs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
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
            let (expr, expected) = split_case(line).expect("separator");
            let expr = expr.strip_prefix("@nohelm ").unwrap_or(expr);
            if expr.starts_with("@known ") {
                continue; // documented deviation (see the fixture's comment)
            }
            let crypto_case = file.ends_with("crypto.txt") || expr.contains("genCA");
            if crypto_case && !cfg!(feature = "crypto") {
                continue;
            }
            let expected = unescape(expected);
            // derivePassword runs scrypt (N=32768): covered by funcs_fixtures already
            if expr.contains("derivePassword") {
                continue;
            }
            let mut t = engine();
            let text = match expr.strip_prefix("@tpl ") {
                Some(raw) => raw.to_string(),
                None => format!("{{{{ {expr} }}}}"),
            };
            let got = match t.add("t", &text) {
                Err(e) => format!("PARSE ERROR: {e:?}"),
                Ok(()) => match t.execute("t", &Value::Nil) {
                    Ok(out) => out.replace("<no value>", ""),
                    // Helm reports `fail` without the "error calling fail: " wrapper
                    Err(e) => format!("ERROR: {}", e.message().replace("error calling fail: ", "")),
                },
            };
            if got == expected {
                passed += 1;
            } else {
                failed += 1;
                report.push_str(&format!(
                    "{}:{}: {}\n   want: {expected:?}\n   got:  {got:?}\n",
                    file.file_name().unwrap().to_string_lossy(),
                    n + 1,
                    expr.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    eprintln!("{report}funcs through the engine: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{report}");
}
