//! Sprig's dict functions (dict.go), `merge`/`mergeOverwrite` as dario.cat/mergo v1.0.1 does
//! them for `map[string]interface{}`.
//!
//! Maps are shared (`Rc<RefCell<..>>`): `set`, `unset`, `merge*` mutate the map they are given
//! and return it, so the change is visible through every reference, as with Go maps.
//! `keys` and `values` return sorted key order (Go's order is random).

use gotemplate::{FuncError, Map, MapRef, Value};

use super::conv::{arg, is_empty, str_arg, string_list, strval};

type R = Result<Value, FuncError>;

fn map_arg(a: &[Value], i: usize) -> Option<&MapRef> {
    match arg(a, i) {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

pub fn get(a: &[Value]) -> R {
    let key = str_arg(a, 1);
    Ok(map_arg(a, 0)
        .and_then(|m| m.borrow().get(key).cloned())
        .unwrap_or_else(|| Value::from("")))
}

pub fn set(a: &[Value]) -> R {
    match map_arg(a, 0) {
        Some(m) => {
            crate::render::reuse::note_change(m);
            m.borrow_mut()
                .insert(str_arg(a, 1).to_string(), arg(a, 2).clone());
            Ok(Value::Map(m.clone()))
        }
        None => Err(FuncError("assignment to entry in nil map".into())),
    }
}

pub fn unset(a: &[Value]) -> R {
    match map_arg(a, 0) {
        Some(m) => {
            crate::render::reuse::note_change(m);
            m.borrow_mut().remove(str_arg(a, 1));
            Ok(Value::Map(m.clone()))
        }
        None => Ok(Value::empty_map()),
    }
}

pub fn has_key(a: &[Value]) -> R {
    let key = str_arg(a, 1);
    Ok(Value::Bool(
        map_arg(a, 0).is_some_and(|m| m.borrow().contains_key(key)),
    ))
}

pub fn pluck(a: &[Value]) -> R {
    let key = str_arg(a, 0);
    let mut res = Vec::new();
    for d in a.iter().skip(1) {
        if let Value::Map(m) = d {
            if let Some(v) = m.borrow().get(key) {
                res.push(v.clone());
            }
        }
    }
    Ok(Value::list(res))
}

pub fn keys(a: &[Value]) -> R {
    let mut k: Vec<String> = Vec::new();
    for d in a {
        if let Value::Map(m) = d {
            k.extend(m.borrow().keys().cloned());
        }
    }
    Ok(string_list(k))
}

pub fn values(a: &[Value]) -> R {
    Ok(Value::list(
        map_arg(a, 0)
            .map(|m| m.borrow().values().cloned().collect())
            .unwrap_or_default(),
    ))
}

pub fn pick(a: &[Value]) -> R {
    let mut res = Map::new();
    if let Some(m) = map_arg(a, 0) {
        let m = m.borrow();
        for k in a.iter().skip(1) {
            let k = k.as_str().unwrap_or("");
            if let Some(v) = m.get(k) {
                res.insert(k.to_string(), v.clone());
            }
        }
    }
    Ok(Value::map(res))
}

pub fn omit(a: &[Value]) -> R {
    let omit: Vec<&str> = a.iter().skip(1).map(|k| k.as_str().unwrap_or("")).collect();
    let res: Map = map_arg(a, 0)
        .map(|m| {
            crate::stable_sort::map_from(
                m.borrow()
                    .iter()
                    .filter(|(k, _)| !omit.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone())),
            )
        })
        .unwrap_or_default();
    Ok(Value::map(res))
}

pub fn dict(a: &[Value]) -> R {
    let mut m = Map::new();
    for pair in a.chunks(2) {
        let key = strval(&pair[0]);
        m.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::from("")));
    }
    let m = Value::map(m);
    crate::render::reuse::note_fresh(&m);
    Ok(m)
}

/// mergo's deepMerge for two `map[string]interface{}` values (see the analysis in the module
/// docs of `funcs`): `overwrite` = `mergo.WithOverride`.
pub fn merge_maps(dst: &MapRef, src: &MapRef, overwrite: bool) {
    if std::rc::Rc::ptr_eq(dst, src) {
        return;
    }
    // Snapshot src first: src and dst may share nested maps.
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, sv) in entries {
        let dv = dst.borrow().get(&key).cloned();
        match &sv {
            Value::Nil => {
                if overwrite {
                    crate::render::reuse::note_change(dst);
                    dst.borrow_mut().insert(key, Value::Nil);
                }
                continue;
            }
            Value::Map(sm) => {
                if let Some(Value::Map(dm)) = &dv {
                    merge_maps(dm, sm, overwrite);
                }
                if let Some(d) = &dv {
                    if !is_empty(d) && matches!(d, Value::Map(_)) {
                        continue;
                    }
                }
            }
            Value::List(_) | Value::Bytes(_) => {
                let dst_empty = dst.borrow().is_empty();
                let new = if overwrite || dst_empty {
                    sv.clone()
                } else {
                    match &dv {
                        None | Some(Value::Nil) => Value::list(vec![]),
                        Some(d) => d.clone(),
                    }
                };
                crate::render::reuse::note_change(dst);
                dst.borrow_mut().insert(key.clone(), new);
                if let Some(d) = &dv {
                    if !is_empty(d) {
                        continue;
                    }
                }
            }
            _ => {}
        }
        let set = overwrite || dv.as_ref().is_none_or(is_empty);
        if set {
            crate::render::reuse::note_change(dst);
            dst.borrow_mut().insert(key, sv);
        }
    }
}

fn merge_impl(a: &[Value], overwrite: bool) -> R {
    let dst = match arg(a, 0) {
        Value::Map(m) => m.clone(),
        _ => {
            // mergo replaces a nil destination map with a new one
            if a.iter().skip(1).any(|s| matches!(s, Value::Map(_))) {
                std::rc::Rc::new(std::cell::RefCell::new(Map::new()))
            } else {
                return Ok(Value::empty_map());
            }
        }
    };
    for s in a.iter().skip(1) {
        if let Value::Map(sm) = s {
            merge_maps(&dst, sm, overwrite);
        }
    }
    Ok(Value::Map(dst))
}

pub fn merge(a: &[Value]) -> R {
    merge_impl(a, false)
}

pub fn merge_overwrite(a: &[Value]) -> R {
    merge_impl(a, true)
}

pub fn deep_copy(a: &[Value]) -> R {
    if arg(a, 0).is_nil() {
        // copystructure calls reflect.ValueOf(nil).Type(), which panics
        return Err(FuncError(
            "reflect: call of reflect.Value.Type on zero Value".into(),
        ));
    }
    let copy = arg(a, 0).deep_copy();
    crate::render::reuse::note_fresh(&copy);
    // copystructure keeps the named type of what it copies.
    if let (Value::Map(src), Value::Map(dst)) = (arg(a, 0), &copy) {
        if let Some(name) = gotemplate::value::map_type_name(src) {
            // The render's table of named maps outlives this template.
            crate::render::reuse::note_side_effect();
            gotemplate::value::name_map_type(dst, name);
        }
    }
    Ok(copy)
}

fn iface_conv_err(v: &Value, want: &str) -> FuncError {
    let got = if v.is_nil() {
        "nil".to_string()
    } else {
        v.type_name()
    };
    FuncError(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

pub fn dig(a: &[Value]) -> R {
    if a.len() < 3 {
        return Err(FuncError("dig needs at least three arguments".into()));
    }
    let last = &a[a.len() - 1];
    let mut dict = match last {
        // Sprig asserts `.(map[string]interface{})`, which a named map type (Helm's
        // `.Values`) fails.
        Value::Map(m) if gotemplate::value::map_type_name(m).is_some() => {
            return Err(iface_conv_err(last, "map[string]interface {}"))
        }
        Value::Map(m) => m.clone(),
        other => return Err(iface_conv_err(other, "map[string]interface {}")),
    };
    let def = &a[a.len() - 2];
    let mut keys = Vec::new();
    for k in &a[..a.len() - 2] {
        match k {
            Value::String(s) => keys.push(s.clone()),
            other => return Err(iface_conv_err(other, "string")),
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let step = dict.borrow().get(k.as_ref()).cloned();
        let Some(step) = step else {
            return Ok(def.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        dict = match step {
            Value::Map(m) => m,
            other => return Err(iface_conv_err(&other, "map[string]interface {}")),
        };
    }
    Ok(def.clone())
}
