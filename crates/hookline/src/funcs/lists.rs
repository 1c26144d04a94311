//! Sprig's list functions (list.go) and `until`/`untilStep`/`seq` (numeric.go).
//!
//! The non-`must` variants panic in Go; text/template recovers the panic into the call's
//! error, so both variants return the same error text here.

use gotemplate::{FuncError, Value};

use super::conv::{arg, float_to_i64, int_arg, is_empty, reflect_kind, slice_items, to_int};

type R = Result<Value, FuncError>;

/// Default largest list `until`, `untilStep` and `seq` may produce (see [`super::limits`]).
pub const RANGE_LIMIT: usize = super::limits::DEFAULT_LIST_LEN;

fn items_or(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    let kind = reflect_kind(v).map_err(FuncError)?;
    slice_items(v).ok_or_else(|| FuncError(format!("{what} {kind}")))
}

pub fn list(a: &[Value]) -> R {
    Ok(Value::list(a.to_vec()))
}

pub fn push(a: &[Value]) -> R {
    let mut l = items_or(arg(a, 0), "Cannot push on type")?;
    l.push(arg(a, 1).clone());
    Ok(Value::list(l))
}

pub fn prepend(a: &[Value]) -> R {
    let mut l = items_or(arg(a, 0), "Cannot prepend on type")?;
    l.insert(0, arg(a, 1).clone());
    Ok(Value::list(l))
}

/// Sprig's `chunk`, with its float arithmetic: `size <= 0` gives an empty list or the
/// panics Go's `make` and `reflect` raise.
pub fn chunk(a: &[Value]) -> R {
    let size = int_arg(a, 0);
    let l = items_or(arg(a, 1), "Cannot chunk type")?;
    let len = l.len() as i64;
    let makeslice = || FuncError("runtime error: makeslice: len out of range".into());
    let cs = float_to_i64(((len as f64 - 1.0) / size as f64).floor() + 1.0);
    if cs < 0 || cs > len.max(1) {
        return Err(makeslice());
    }
    let mut out = Vec::with_capacity(cs as usize);
    for i in 0..cs {
        let mut clen = size;
        if i == cs - 1 {
            clen = float_to_i64((len as f64 % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(makeslice());
        }
        let mut part = Vec::new();
        for j in 0..clen {
            let ix = i.wrapping_mul(size).wrapping_add(j);
            match usize::try_from(ix).ok().and_then(|ix| l.get(ix)) {
                Some(v) => part.push(v.clone()),
                None => {
                    return Err(FuncError("reflect: slice index out of range".into()));
                }
            }
        }
        out.push(Value::list(part));
    }
    Ok(Value::list(out))
}

pub fn last(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot find last on type")?;
    Ok(l.last().cloned().unwrap_or(Value::Nil))
}

pub fn first(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot find first on type")?;
    Ok(l.first().cloned().unwrap_or(Value::Nil))
}

pub fn rest(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot find rest on type")?;
    if l.is_empty() {
        // a nil []interface{}: prints as [] (not <no value>)
        return Ok(Value::list(vec![]));
    }
    Ok(Value::list(l[1..].to_vec()))
}

pub fn initial(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot find initial on type")?;
    if l.is_empty() {
        return Ok(Value::list(vec![]));
    }
    Ok(Value::list(l[..l.len() - 1].to_vec()))
}

pub fn reverse(a: &[Value]) -> R {
    let mut l = items_or(arg(a, 0), "Cannot find reverse on type")?;
    l.reverse();
    Ok(Value::list(l))
}

pub fn compact(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot compact on type")?;
    Ok(Value::list(
        l.into_iter().filter(|v| !is_empty(v)).collect(),
    ))
}

pub fn uniq(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot find uniq on type")?;
    let mut out: Vec<Value> = Vec::new();
    for v in l {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(Value::list(out))
}

pub fn without(a: &[Value]) -> R {
    let l = items_or(arg(a, 0), "Cannot find without on type")?;
    let omit = a.get(1..).unwrap_or(&[]);
    Ok(Value::list(
        l.into_iter().filter(|v| !omit.contains(v)).collect(),
    ))
}

pub fn has(a: &[Value]) -> R {
    let hay = arg(a, 1);
    if hay.is_nil() {
        return Ok(Value::Bool(false));
    }
    let l = items_or(hay, "Cannot find has on type")?;
    Ok(Value::Bool(l.contains(arg(a, 0))))
}

pub fn slice(a: &[Value]) -> R {
    let v = arg(a, 0);
    let kind = reflect_kind(v).map_err(FuncError)?;
    let l = slice_items(v)
        .ok_or_else(|| FuncError(format!("list should be type of slice or array but {kind}")))?;
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let len = l.len() as i64;
    let start = if a.len() > 1 { to_int(&a[1]) } else { 0 };
    let end = if a.len() < 3 { len } else { to_int(&a[2]) };
    // reflect.Value.Slice panics with these texts.
    if start < 0 || end < start || end > len {
        return Err(FuncError(
            "reflect.Value.Slice: slice index out of bounds".into(),
        ));
    }
    let part = l[start as usize..end as usize].to_vec();
    Ok(match v {
        Value::Bytes(b) => Value::Bytes(b[start as usize..end as usize].into()),
        _ => Value::list(part),
    })
}

pub fn concat(a: &[Value]) -> R {
    let mut res: Vec<Value> = Vec::new();
    for l in a {
        let kind = reflect_kind(l).map_err(FuncError)?;
        let items = slice_items(l)
            .ok_or_else(|| FuncError(format!("Cannot concat type {kind} as list")))?;
        res.extend(items);
    }
    // Go's `var res []interface{}` may stay a nil slice; it still prints as [].
    Ok(Value::list(res))
}

/// `untilStep` as Sprig computes it, as a vector of Go ints.
pub fn until_step_vec(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let count: u128 = if stop < start {
        if step >= 0 {
            0
        } else {
            let span = (start as i128 - stop as i128) as u128;
            let st = (-(step as i128)) as u128;
            span.div_ceil(st)
        }
    } else if step <= 0 {
        0
    } else {
        let span = (stop as i128 - start as i128) as u128;
        span.div_ceil(step as u128)
    };
    super::limits::check_list(count)?;
    let mut v = Vec::with_capacity(count as usize);
    let mut i = start as i128;
    for _ in 0..count {
        v.push(i as i64);
        i += step as i128;
    }
    Ok(v)
}

fn ints(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::Int).collect())
}

pub fn until(a: &[Value]) -> R {
    let count = int_arg(a, 0);
    let step = if count < 0 { -1 } else { 1 };
    until_step_vec(0, count, step).map(ints)
}

pub fn until_step(a: &[Value]) -> R {
    until_step_vec(int_arg(a, 0), int_arg(a, 1), int_arg(a, 2)).map(ints)
}

pub fn seq(a: &[Value]) -> R {
    let p: Vec<i64> = (0..a.len()).map(|i| int_arg(a, i)).collect();
    let join = |v: Vec<i64>| -> Value {
        Value::from(
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let r = match p.len() {
        1 => {
            let (start, end) = (1, p[0]);
            let inc = if end < start { -1 } else { 1 };
            until_step_vec(start, end.wrapping_add(inc), inc)?
        }
        2 => {
            let (start, end) = (p[0], p[1]);
            let step = if end < start { -1 } else { 1 };
            until_step_vec(start, end.wrapping_add(step), step)?
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Value::from(""));
                }
            }
            until_step_vec(start, end.wrapping_add(inc), step)?
        }
        _ => return Ok(Value::from("")),
    };
    Ok(join(r))
}
