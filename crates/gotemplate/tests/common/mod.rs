//! Test support: a few Sprig/Helm functions registered the way the Helm layer will, and the
//! fixture file format.
#![allow(dead_code)]

use std::collections::HashMap;
use std::rc::Rc;

use gotemplate::{Ctx, FuncError, Map, Param, Signature, Templates, Value};

/// The name every fixture template gets (as in a chart `c`), so error texts match helm's.
pub const NAME: &str = "c/templates/t.yaml";

fn to_i64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => *b as i64,
        Value::String(s) => s.trim().parse::<i64>().unwrap_or(0),
        _ => 0,
    }
}

fn empty(v: &Value) -> bool {
    !v.is_true()
}

/// Host state for `include`: Helm's per-name recursion counter.
#[derive(Default)]
pub struct HostState {
    pub included: HashMap<String, usize>,
}

/// An engine with the test functions: list dict int int64 float64 trunc upper default
/// include tpl.
pub fn engine() -> Templates {
    let mut t = Templates::new();
    t.set_name("gotpl");
    t.register_pure("list", Signature::variadic(&[], Param::Any), |a| {
        Ok(Value::list(a.to_vec()))
    });
    t.register_pure("dict", Signature::variadic(&[], Param::Any), |a| {
        let mut m = Map::new();
        for pair in a.chunks(2) {
            let k = match &pair[0] {
                Value::String(s) => s.to_string(),
                other => gotemplate::format::format_value(other),
            };
            m.insert(k, pair.get(1).cloned().unwrap_or(Value::Nil));
        }
        Ok(Value::map(m))
    });
    t.register_pure("int", Signature::new(&[Param::Any]), |a| {
        Ok(Value::Int(to_i64(&a[0])))
    });
    t.register_pure("int64", Signature::new(&[Param::Any]), |a| {
        Ok(Value::Int64(to_i64(&a[0])))
    });
    t.register_pure("float64", Signature::new(&[Param::Any]), |a| {
        Ok(Value::Float(match &a[0] {
            Value::Int(i) | Value::Int64(i) => *i as f64,
            Value::Float(f) => *f,
            Value::String(s) => s.trim().parse().unwrap_or(0.0),
            Value::Bool(b) => f64::from(u8::from(*b)),
            _ => 0.0,
        }))
    });
    t.register_pure("trunc", Signature::new(&[Param::Int, Param::String]), |a| {
        let (Value::Int(c), Value::String(s)) = (&a[0], &a[1]) else {
            return Err(FuncError::from("bad args"));
        };
        let c = *c;
        let n = s.len() as i64;
        Ok(Value::from(if c < 0 && -c < n {
            s[(n + c) as usize..].to_string()
        } else if c >= 0 && n > c {
            s[..c as usize].to_string()
        } else {
            s.to_string()
        }))
    });
    t.register_pure("upper", Signature::new(&[Param::String]), |a| {
        Ok(Value::from(
            a[0].as_str().unwrap_or_default().to_uppercase(),
        ))
    });
    t.register_pure(
        "default",
        Signature::variadic(&[Param::Any], Param::Any),
        |a| {
            if a.len() < 2 || empty(&a[1]) {
                Ok(a[0].clone())
            } else {
                Ok(a[1].clone())
            }
        },
    );
    t.register_ctx(
        "include",
        Signature::new(&[Param::String, Param::Any]),
        Rc::new(|ctx: &mut Ctx<'_, '_>, a: &[Value]| {
            let name = a[0].as_str().unwrap_or_default().to_string();
            {
                let st = ctx.host::<HostState>().ok_or("no host state")?;
                let n = st.included.entry(name.clone()).or_insert(0);
                if *n > 1000 {
                    return Err(FuncError(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    )));
                }
                *n += 1;
            }
            let r = ctx.execute_template(&name, &a[1]);
            if let Some(st) = ctx.host::<HostState>() {
                if let Some(n) = st.included.get_mut(&name) {
                    *n -= 1;
                }
            }
            r.map(Value::from).map_err(|e| FuncError(e.to_string()))
        }),
    );
    t.register_ctx(
        "tpl",
        Signature::new(&[Param::String, Param::Any]),
        Rc::new(|ctx: &mut Ctx<'_, '_>, a: &[Value]| {
            let text = a[0].as_str().unwrap_or_default().to_string();
            let q = gotemplate::format::quote(&text);
            match ctx.execute_string_named("gotpl", &text, &a[1]) {
                Ok(s) => Ok(Value::from(s.replace("<no value>", ""))),
                Err(e) if e.kind() == gotemplate::ErrorKind::Parse => {
                    Err(FuncError(format!("cannot parse template {q}: {e}")))
                }
                Err(e) => Err(FuncError(format!(
                    "error during tpl function execution for {q}: {e}"
                ))),
            }
        }),
    );
    t
}

/// Values as Helm sees a values file: every number a float64.
pub fn yaml_to_value(y: &serde_yaml::Value) -> Value {
    match y {
        serde_yaml::Value::Null => Value::Nil,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_yaml::Value::String(s) => Value::from(s.as_str()),
        serde_yaml::Value::Sequence(s) => Value::list(s.iter().map(yaml_to_value).collect()),
        serde_yaml::Value::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    _ => "null".into(),
                };
                out.insert(key, yaml_to_value(v));
            }
            Value::map(out)
        }
        serde_yaml::Value::Tagged(t) => yaml_to_value(&t.value),
    }
}

/// One fixture case.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: String,
    pub name: String,
    pub values: String,
    pub template: String,
    pub expected: String,
}

/// Parse a `.case` file: `=== NAME` / values / `---` / template / `---` / expected.
pub fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut chunks: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            chunks.push((name.trim().to_string(), Vec::new()));
        } else if let Some(last) = chunks.last_mut() {
            last.1.push(line);
        }
    }
    for (name, lines) in chunks {
        let mut sections: Vec<Vec<&str>> = vec![Vec::new()];
        for l in lines {
            if l == "---" && sections.len() < 3 {
                sections.push(Vec::new());
            } else if let Some(s) = sections.last_mut() {
                s.push(l);
            }
        }
        if sections.len() != 3 {
            panic!("{file}: case {name}: needs values --- template --- expected");
        }
        let expected = sections[2].join("\n").trim_end_matches('\n').to_string();
        cases.push(Case {
            file: file.to_string(),
            name,
            values: sections[0].join("\n"),
            template: sections[1].join("\n"),
            expected,
        });
    }
    cases
}

/// Run one case: the output, or `error: MESSAGE`.
pub fn run_case(c: &Case) -> String {
    let values: serde_yaml::Value = if c.values.trim().is_empty() {
        serde_yaml::Value::Mapping(Default::default())
    } else {
        serde_yaml::from_str(&c.values).expect("values header is YAML")
    };
    let mut top = Map::new();
    top.insert("Values".into(), yaml_to_value(&values));
    let data = Value::map(top);
    let mut t = engine();
    if std::env::var("GOTEMPLATE_GO").as_deref() == Ok("1.23") {
        t.set_go_version(gotemplate::GoVersion::Go1_23);
    }
    // The fixture runner gives each case a 512 MiB thread, so Go's own depth limit (100000
    // nested templates) is reached before the stack budget.
    t.limits_mut().max_stack = 480 << 20;
    if let Err(e) = t.add(NAME, &c.template) {
        return format!("error: {e}");
    }
    let mut host = HostState::default();
    match t.execute_with(NAME, &data, &mut host) {
        Ok(s) => s,
        Err(e) => format!("error: {e}"),
    }
}
