//! Helm's values coalescing, step for step as pkg/chart/common/util/coalesce.go (Helm v4.1.4):
//! chart defaults < parent's section for the subchart < user values; maps merge recursively,
//! scalars and lists replace, a `null` from a higher-priority source deletes the key (not when
//! merging), `global` is copied down into every subchart. Helm's warnings are collected
//! instead of printed.
//!
//! Go maps are shared references and coalesce.go relies on it (e.g. the shallow `copyMap` of
//! globals), so this works on [`MapRef`]s and copies exactly where Go copies.

use std::cell::RefCell;
use std::rc::Rc;

use gotemplate::{Map, MapRef, Value};

use super::GLOBAL_KEY;
use crate::chart::Chart;
use crate::plan::HelmVersion;

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn new_ref(m: Map) -> MapRef {
    Rc::new(RefCell::new(m))
}

/// copystructure.Copy of a values map: a deep copy.
pub(crate) use gotemplate::value::deep_copy_map;

/// `CoalesceValues`: the chart's (and its subcharts') defaults under `vals`, nulls deleting keys
/// (Helm 4 rules).
pub fn coalesce_values(chart: &Chart, vals: &Map) -> Result<MapRef, String> {
    coalesce_values_for(chart, vals, HelmVersion::V4)
}

/// [`coalesce_values`] with the rules of the given Helm: Helm 3.17 (pkg/chartutil/coalesce.go)
/// deletes a key whenever the higher-priority value is nil, Helm 4.1.4 keeps it when the
/// chart's default is nil too.
pub fn coalesce_values_for(chart: &Chart, vals: &Map, helm: HelmVersion) -> Result<MapRef, String> {
    let dest = new_ref(deep_copy_map(vals));
    coalesce(chart, &dest, "", false, helm == HelmVersion::V3)?;
    Ok(dest)
}

/// `MergeValues`: as [`coalesce_values`] but nulls are kept (used for import-values).
pub fn merge_values(chart: &Chart, vals: &Map) -> Result<MapRef, String> {
    merge_values_for(chart, vals, HelmVersion::V4)
}

/// [`merge_values`] with the rules of the given Helm.
pub fn merge_values_for(chart: &Chart, vals: &Map, helm: HelmVersion) -> Result<MapRef, String> {
    let dest = new_ref(deep_copy_map(vals));
    coalesce(chart, &dest, "", true, helm == HelmVersion::V3)?;
    Ok(dest)
}

fn coalesce(
    chart: &Chart,
    dest: &MapRef,
    prefix: &str,
    merge: bool,
    v3: bool,
) -> Result<(), String> {
    coalesce_chart_values(chart, dest, prefix, merge, v3);
    coalesce_deps(chart, dest, prefix, merge, v3)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &MapRef,
    prefix: &str,
    merge: bool,
    v3: bool,
) -> Result<(), String> {
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        let existing = dest.borrow().get(&name).cloned();
        let dvmap = match existing {
            None => {
                let m = new_ref(Map::new());
                dest.borrow_mut()
                    .insert(name.clone(), Value::Map(m.clone()));
                m
            }
            Some(Value::Map(m)) => m,
            Some(other) => {
                return Err(format!(
                    "type mismatch on {name}: %!t({}={})",
                    other.type_name(),
                    go_display(&other)
                ))
            }
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&dvmap, dest, &sub_prefix, v3);
        coalesce(sub, &dvmap, &sub_prefix, merge, v3)?;
        dest.borrow_mut().insert(name, Value::Map(dvmap));
    }
    Ok(())
}

/// A rough `%v` of a value for error texts.
fn go_display(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.to_string(),
        Value::List(l) => format!(
            "[{}]",
            l.iter().map(go_display).collect::<Vec<_>>().join(" ")
        ),
        Value::Map(_) => "map[...]".into(),
        Value::Bytes(b) => format!("{b:?}"),
        Value::Object(o) => o.display(),
    }
}

/// `coalesceGlobals`: copy the parent's `global` into the subchart's (`dest`) `global`.
fn coalesce_globals(dest: &MapRef, src: &MapRef, prefix: &str, v3: bool) {
    let dg = match dest.borrow().get(GLOBAL_KEY).cloned() {
        None => new_ref(Map::new()),
        Some(Value::Map(m)) => m,
        // "warning: skipping globals because destination global is not a table."
        Some(_) => return,
    };
    let sg = match src.borrow().get(GLOBAL_KEY).cloned() {
        None => new_ref(Map::new()),
        Some(Value::Map(m)) => m,
        Some(_) => return,
    };
    if !Rc::ptr_eq(&dg, &sg) {
        let entries: Vec<(String, Value)> = sg
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, val) in entries {
            if let Value::Map(vm) = &val {
                // copyMap: a shallow copy, nested maps stay shared with the parent's globals.
                let vv = new_ref(vm.borrow().clone());
                let destv = dg.borrow().get(&key).cloned();
                match destv {
                    None => {
                        dg.borrow_mut().insert(key, Value::Map(vv));
                    }
                    Some(Value::Map(destvmap)) => {
                        let sub_prefix = concat_prefix(prefix, &key);
                        coalesce_tables_depth(&vv, &destvmap, &sub_prefix, true, v3, 0);
                        dg.borrow_mut().insert(key, Value::Map(vv));
                    }
                    // "Conflict: cannot merge map onto non-map"
                    Some(_) => {}
                }
            } else {
                let dv_is_table = matches!(dg.borrow().get(&key), Some(Value::Map(_)));
                if !dv_is_table {
                    dg.borrow_mut().insert(key, val);
                }
            }
        }
    }
    dest.borrow_mut()
        .insert(GLOBAL_KEY.to_string(), Value::Map(dg));
}

/// `coalesceValues`: the chart's own values.yaml under `v`.
fn coalesce_chart_values(chart: &Chart, v: &MapRef, prefix: &str, merge: bool, v3: bool) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    let vc = deep_copy_map(&chart.values);
    for (key, val) in vc {
        let existing = v.borrow().get(&key).cloned();
        match existing {
            Some(value) => {
                if value.is_nil() && !merge {
                    v.borrow_mut().remove(&key);
                } else if let Value::Map(dest) = value {
                    if let Value::Map(src) = &val {
                        let merge = child_chart_merge_true(chart, &key, merge);
                        coalesce_tables_depth(
                            &dest,
                            src,
                            &concat_prefix(&sub_prefix, &key),
                            merge,
                            v3,
                            0,
                        );
                    }
                    // else: "warning: skipped value for ...: Not a table."
                }
            }
            None => {
                v.borrow_mut().insert(key, val);
            }
        }
    }
}

fn child_chart_merge_true(chart: &Chart, key: &str, merge: bool) -> bool {
    chart.dependencies.iter().any(|s| s.name() == key) || merge
}

/// `CoalesceTables`: `src` under `dst`; a nil in `dst` deletes the key.
pub fn coalesce_tables(dst: &MapRef, src: &MapRef) -> MapRef {
    coalesce_tables_full_key(dst, src, "", false);
    dst.clone()
}

/// `MergeTables`: as [`coalesce_tables`] but nils are kept.
pub fn merge_tables(dst: &MapRef, src: &MapRef) -> MapRef {
    coalesce_tables_full_key(dst, src, "", true);
    dst.clone()
}

/// `coalesceTablesFullKey`: merge `src` into `dst` in place (values in `dst` win).
pub(crate) fn coalesce_tables_full_key(dst: &MapRef, src: &MapRef, prefix: &str, merge: bool) {
    coalesce_tables_depth(dst, src, prefix, merge, false, 0)
}

fn coalesce_tables_depth(
    dst: &MapRef,
    src: &MapRef,
    prefix: &str,
    merge: bool,
    v3: bool,
    depth: usize,
) {
    if Rc::ptr_eq(dst, src) || depth > 1000 {
        return;
    }
    // Helm v4.1.4: remember which src keys were non-nil before nils are copied over, so a
    // nil in dst only deletes a key whose chart default is non-nil.
    let src_non_nil = crate::stable_sort::set_from(
        src.borrow()
            .iter()
            .filter(|(_, v)| !v.is_nil())
            .map(|(k, _)| k.clone()),
    );
    let nil_keys: Vec<String> = dst
        .borrow()
        .iter()
        .filter(|(_, v)| v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    // Helm 3.17 has neither this step nor the src_non_nil rule.
    if !v3 {
        for k in nil_keys {
            src.borrow_mut().insert(k, Value::Nil);
        }
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        let full_key = concat_prefix(prefix, &key);
        let dv = dst.borrow().get(&key).cloned();
        match dv {
            Some(Value::Nil) if !merge && (v3 || src_non_nil.contains(&key)) => {
                dst.borrow_mut().remove(&key);
            }
            None => {
                dst.borrow_mut().insert(key, val);
            }
            Some(dv) => {
                if let Value::Map(sv) = &val {
                    if let Value::Map(dvm) = &dv {
                        coalesce_tables_depth(dvm, sv, &full_key, merge, v3, depth + 1);
                    }
                    // else: "warning: cannot overwrite table with non table"
                }
                // else if dv is a table and val != nil:
                // "warning: destination for ... is a table. Ignoring non-table value"
            }
        }
    }
}
