//! Sprig's defaults.go and reflect.go: `default`, `empty`, `coalesce`, `all`, `any`,
//! `ternary`, the type predicates, `deepEqual`, and Helm's `fail`/`required` messages.

use gotemplate::{FuncError, Value};

use super::conv::{arg, bool_arg, is_empty, str_arg};

type R = Result<Value, FuncError>;

/// `default d given...`: `d` unless the first given value is non-empty.
pub fn default(a: &[Value]) -> R {
    match a.get(1) {
        Some(g) if !is_empty(g) => Ok(g.clone()),
        _ => Ok(arg(a, 0).clone()),
    }
}

pub fn empty(a: &[Value]) -> R {
    Ok(Value::Bool(is_empty(arg(a, 0))))
}

pub fn coalesce(a: &[Value]) -> R {
    Ok(a.iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Nil))
}

pub fn all(a: &[Value]) -> R {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

pub fn any(a: &[Value]) -> R {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

pub fn ternary(a: &[Value]) -> R {
    Ok(if bool_arg(a, 2) {
        arg(a, 0).clone()
    } else {
        arg(a, 1).clone()
    })
}

/// `fmt.Sprintf("%T")`. Values that are `[]string` in Go (results of `splitList`, `keys`,
/// `sortAlpha`...) are lists here and report `[]interface {}`.
pub fn type_of(a: &[Value]) -> R {
    Ok(Value::from(arg(a, 0).type_name()))
}

pub fn type_is(a: &[Value]) -> R {
    Ok(Value::Bool(str_arg(a, 0) == arg(a, 1).type_name()))
}

pub fn type_is_like(a: &[Value]) -> R {
    let t = arg(a, 1).type_name();
    let target = str_arg(a, 0);
    Ok(Value::Bool(target == t || format!("*{target}") == t))
}

pub fn kind_of(a: &[Value]) -> R {
    Ok(Value::from(arg(a, 0).kind_name()))
}

pub fn kind_is(a: &[Value]) -> R {
    Ok(Value::Bool(str_arg(a, 0) == arg(a, 1).kind_name()))
}

pub fn deep_equal(a: &[Value]) -> R {
    Ok(Value::Bool(arg(a, 0) == arg(a, 1)))
}

/// Sprig's / Helm's `fail msg`: always an error with the message as is.
pub fn fail(a: &[Value]) -> R {
    Err(FuncError(str_arg(a, 0).to_string()))
}

/// Helm's `required msg val`: errors with `msg` when `val` is nil or an empty string;
/// otherwise returns `val` (Helm's engine.go; `false`, `0` and empty lists pass).
pub fn required(a: &[Value]) -> R {
    let v = arg(a, 1);
    match v {
        Value::Nil => Err(FuncError(str_arg(a, 0).to_string())),
        Value::String(s) if s.is_empty() => Err(FuncError(str_arg(a, 0).to_string())),
        other => Ok(other.clone()),
    }
}
