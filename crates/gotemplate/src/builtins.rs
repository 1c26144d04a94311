//! Go's builtin template functions (`text/template/funcs.go`), with Go's error texts.

use crate::eval::{GoVersion, V};
use crate::format;
use crate::func::{Param, Signature};
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Call,
}

pub(crate) fn all() -> Vec<(&'static str, Builtin, Signature)> {
    use Param::Any;
    let var1 = || Signature::variadic(&[Any], Any);
    let var0 = || Signature::variadic(&[], Any);
    let two = || Signature::new(&[Any, Any]);
    vec![
        ("and", Builtin::And, var1()),
        ("or", Builtin::Or, var1()),
        ("not", Builtin::Not, Signature::new(&[Any])),
        ("len", Builtin::Len, Signature::new(&[Any])),
        ("index", Builtin::Index, var1()),
        ("slice", Builtin::Slice, var1()),
        ("eq", Builtin::Eq, var1()),
        ("ne", Builtin::Ne, two()),
        ("lt", Builtin::Lt, two()),
        ("le", Builtin::Le, two()),
        ("gt", Builtin::Gt, two()),
        ("ge", Builtin::Ge, two()),
        ("print", Builtin::Print, var0()),
        (
            "printf",
            Builtin::Printf,
            Signature::variadic(&[Param::String], Any),
        ),
        ("println", Builtin::Println, var0()),
        ("html", Builtin::Html, var0()),
        ("js", Builtin::Js, var0()),
        ("urlquery", Builtin::Urlquery, var0()),
        ("call", Builtin::Call, var1()),
    ]
}

fn vals(args: &[V]) -> Vec<Value> {
    args.iter().map(|v| v.val.clone()).collect()
}

pub(crate) fn call(b: Builtin, args: &[V], callee: &str, go: GoVersion) -> Result<Value, String> {
    let r = call_inner(b, args, callee);
    if go < GoVersion::Go1_24 {
        // Go before 1.24 did not name the types.
        if let Err(e) = &r {
            if e.starts_with("incompatible types for comparison: ") {
                return Err("incompatible types for comparison".into());
            }
        }
    }
    r
}

fn call_inner(b: Builtin, args: &[V], callee: &str) -> Result<Value, String> {
    match b {
        Builtin::And | Builtin::Or => Ok(args.last().map(|v| v.val.clone()).unwrap_or_default()),
        Builtin::Not => Ok(Value::Bool(!args[0].val.is_true())),
        Builtin::Len => length(&args[0]),
        Builtin::Index => index(&args[0], &args[1..]),
        Builtin::Slice => slice(&args[0], &args[1..]),
        Builtin::Eq => eq(&args[0].val, &args[1..]).map(Value::Bool),
        Builtin::Ne => eq(&args[0].val, &args[1..2]).map(|b| Value::Bool(!b)),
        Builtin::Lt => lt(&args[0].val, &args[1].val).map(Value::Bool),
        Builtin::Le => le(&args[0].val, &args[1].val).map(Value::Bool),
        Builtin::Gt => le(&args[0].val, &args[1].val).map(|b| Value::Bool(!b)),
        Builtin::Ge => lt(&args[0].val, &args[1].val).map(|b| Value::Bool(!b)),
        Builtin::Print => Ok(Value::from(format::sprint(&vals(args)))),
        Builtin::Println => Ok(Value::from(format::sprintln(&vals(args)))),
        Builtin::Printf => {
            let f = args[0].val.as_str().unwrap_or_default().to_string();
            Ok(Value::from(format::sprintf(&f, &vals(&args[1..]))))
        }
        Builtin::Html => Ok(Value::from(html_escape(&eval_args(args)))),
        Builtin::Js => Ok(Value::from(js_escape(&eval_args(args)))),
        Builtin::Urlquery => Ok(Value::from(query_escape(&eval_args(args)))),
        Builtin::Call => {
            let f = &args[0].val;
            if f.is_nil() {
                return Err("call of nil".into());
            }
            Err(format!("non-function {callee} of type {}", f.type_name()))
        }
    }
}

/// Go's `evalArgs`: one string as is, else `fmt.Sprint` with nil printed as `<no value>`.
fn eval_args(args: &[V]) -> String {
    if args.len() == 1 {
        if let Value::String(s) = &args[0].val {
            return s.to_string();
        }
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|v| {
            if v.val.is_nil() {
                Value::from("<no value>")
            } else {
                v.val.clone()
            }
        })
        .collect();
    format::sprint(&printable)
}

fn length(v: &V) -> Result<Value, String> {
    let n = match &v.val {
        Value::Nil if v.iface => return Err("len of nil pointer".into()),
        Value::Nil => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Value::String(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.len(),
        Value::Map(m) => m.borrow().len(),
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(Value::Int(n as i64))
}

/// Go's `indexArg`.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match index {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &V, indexes: &[V]) -> Result<Value, String> {
    let mut item = item.val.clone();
    let mut iface_nil_ok = false;
    if item.is_nil() {
        return Err("index of untyped nil".into());
    }
    for idx in indexes {
        if item.is_nil() && iface_nil_ok {
            return Err("index of nil pointer".into());
        }
        item = match &item {
            Value::List(l) => {
                let x = index_arg(&idx.val, l.len())?;
                match l.get(x) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(&idx.val, b.len())?;
                match b.get(x) {
                    Some(v) => Value::Int(*v as i64),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(&idx.val, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Value::Int(*v as i64),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => {
                let key = match &idx.val {
                    Value::String(k) => k.clone(),
                    Value::Nil => return Err("value is nil; should be of type string".into()),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ))
                    }
                };
                let got = m.borrow().get(&*key).cloned();
                got.unwrap_or(Value::Nil)
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
        iface_nil_ok = true;
    }
    Ok(item)
}

fn slice(item: &V, indexes: &[V]) -> Result<Value, String> {
    let item = &item.val;
    if item.is_nil() {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, len, len];
    for (i, x) in indexes.iter().enumerate() {
        idx[i] = index_arg(&x.val, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(match item {
        Value::String(s) => Value::from(String::from_utf8_lossy(&s.as_bytes()[i..j]).into_owned()),
        Value::List(l) => Value::list(l[i..j].to_vec()),
        Value::Bytes(b) => Value::Bytes(b[i..j].into()),
        _ => Value::Nil,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn bad_comparison(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    )
}
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn float_of(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn eq(a: &Value, rest: &[V]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for b in rest {
        let b = &b.val;
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            if !a.is_nil() && !b.is_nil() {
                return Err(bad_comparison(a, b));
            }
            false
        } else {
            match k1 {
                Kind::Bool => a == b,
                Kind::Int => int_of(a) == int_of(b),
                Kind::Float => float_of(a) == float_of(b),
                Kind::String => a.as_str() == b.as_str(),
                Kind::Invalid => {
                    if a.is_nil() || b.is_nil() {
                        a.is_nil() == b.is_nil()
                    } else {
                        match (a, b) {
                            (Value::Object(x), Value::Object(y)) => std::rc::Rc::ptr_eq(x, y),
                            _ if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                                return Err(format::sprintf(
                                    "non-comparable types %s: %v, %s: %v",
                                    &[
                                        a.clone(),
                                        Value::from(a.type_name()),
                                        Value::from(b.type_name()),
                                        b.clone(),
                                    ],
                                ))
                            }
                            _ => {
                                return Err(format::sprintf(
                                    "non-comparable type %s: %v",
                                    &[b.clone(), Value::from(b.type_name())],
                                ))
                            }
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    if k1 != k2 {
        return Err(bad_comparison(a, b));
    }
    Ok(match k1 {
        Kind::Bool | Kind::Invalid => return Err(BAD_COMPARISON_TYPE.into()),
        Kind::Float => float_of(a) < float_of(b),
        Kind::Int => int_of(a) < int_of(b),
        Kind::String => a.as_str() < b.as_str(),
    })
}

fn le(a: &Value, b: &Value) -> Result<bool, String> {
    let l = lt(a, b)?;
    if l {
        return Ok(true);
    }
    eq(a, &[V::concrete(b.clone())])
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if !c.is_ascii() && !format::is_print(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
