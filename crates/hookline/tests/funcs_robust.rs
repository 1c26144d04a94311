//! No Sprig function panics, whatever it is given: every function is called with many
//! combinations of awkward arguments (extreme numbers, multi-byte strings, nil, lists, maps).

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use gotemplate::{Map, Value};
use hookline::funcs::{env_functions, sprig_functions, FuncEnv};

type Fun = Rc<dyn Fn(&[Value]) -> Result<Value, gotemplate::FuncError>>;

fn samples() -> Vec<Value> {
    let mut m = Map::new();
    m.insert("a".into(), Value::Int(1));
    m.insert("Cert".into(), Value::from("x"));
    vec![
        Value::Nil,
        Value::Bool(true),
        Value::Int(0),
        Value::Int(-1),
        Value::Int(3),
        Value::Int(i64::MAX),
        Value::Int(i64::MIN),
        Value::Int64(-7),
        Value::Float(f64::NAN),
        Value::Float(-1e300),
        Value::Float(2.5),
        Value::from(""),
        Value::from("héllo wörld 😀"),
        Value::from("a,b,,c"),
        Value::from("(["),
        Value::from("-0x8000000000000000"),
        Value::from("1.2.3-beta+x"),
        Value::from("$1${x}$"),
        Value::Bytes(Rc::from(&[0xffu8, 0xc3][..])),
        Value::list(vec![Value::Int(1), Value::Nil, Value::from("é")]),
        Value::list(vec![]),
        Value::map(m),
        Value::empty_map(),
    ]
}

/// Functions that are slow by nature (key generation, scrypt, bcrypt) get fewer calls.
fn slow(name: &str) -> bool {
    name.starts_with("gen")
        || matches!(
            name,
            "derivePassword" | "bcrypt" | "htpasswd" | "buildCustomCert"
        )
}

#[test]
fn no_function_panics() {
    let env = Rc::new(RefCell::new(FuncEnv::default()));
    let mut all: Vec<(&'static str, usize, Fun)> = Vec::new();
    for (n, s, f) in sprig_functions() {
        all.push((
            n,
            s.params.len() + usize::from(s.variadic.is_some()),
            Rc::new(f),
        ));
    }
    for (n, s, f) in env_functions(env) {
        all.push((n, s.params.len() + usize::from(s.variadic.is_some()), f));
    }
    let samples = samples();
    let mut calls = 0usize;
    let mut panics = Vec::new();
    for (name, arity, f) in &all {
        let pool: Vec<&Value> = if *name == "genPrivateKey" {
            // "" and "rsa" mean a 4096-bit key: far too slow for a debug-build loop
            vec![&samples[12]]
        } else if slow(name) {
            vec![&samples[4], &samples[12]]
        } else {
            samples.iter().collect()
        };
        let arity = (*arity).clamp(1, 3);
        // every sample in every position, the other positions cycling through the pool
        for pos in 0..arity {
            for (k, v) in pool.iter().enumerate() {
                let mut args: Vec<Value> = (0..arity)
                    .map(|i| pool[(k + i * 7) % pool.len()].clone())
                    .collect();
                args[pos] = (*v).clone();
                if slow(name)
                    && args
                        .iter()
                        .any(|a| matches!(a, Value::Int(n) if *n > 10_000))
                {
                    continue;
                }
                calls += 1;
                let r = catch_unwind(AssertUnwindSafe(|| f(&args)));
                if r.is_err() {
                    panics.push(format!("{name}({args:?})"));
                }
            }
        }
        // no arguments and too many
        for args in [vec![], vec![Value::Nil; 5]] {
            if slow(name) {
                continue;
            }
            calls += 1;
            if catch_unwind(AssertUnwindSafe(|| f(&args))).is_err() {
                panics.push(format!("{name}({args:?})"));
            }
        }
    }
    eprintln!("{calls} calls");
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics.join("\n")
    );
}
