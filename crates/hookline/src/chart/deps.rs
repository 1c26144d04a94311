//! Dependency processing before rendering, as pkg/chart/v2/util/dependencies.go
//! `ProcessDependencies` (Helm v4.1): aliases (renamed copies), `tags`, `condition`
//! (comma list, first path that resolves to a bool wins), removal of disabled subcharts, then
//! `import-values` (children first, merged, parent's own values win).

use gotemplate::{Map, MapRef, Value};

use super::meta::Dependency;
use super::semver::is_compatible_range;
use super::Chart;
use crate::plan::HelmVersion;
use crate::values::coalesce::{coalesce_values_for, merge_values_for};
use crate::values::coalesce::{deep_copy_map, merge_tables};
use crate::values::{path_value, table};

/// `ProcessDependencies(c, v)` (Helm 4; `ProcessDependenciesWithMerge` in Helm 3.17, the same
/// steps): `vals` are the user's values.
pub fn process_dependencies(
    chart: &mut Chart,
    vals: &Map,
    helm: HelmVersion,
) -> Result<(), String> {
    let v = std::rc::Rc::new(std::cell::RefCell::new(deep_copy_map(vals)));
    process_dependency_enabled(chart, &v, "", 0, helm)?;
    process_dependency_import_values(chart, 0, helm)
}

fn reqs_mut(chart: &mut Chart) -> Vec<&mut Dependency> {
    chart
        .metadata
        .dependencies
        .iter_mut()
        .flatten()
        .flatten()
        .collect()
}

/// `getAliasDependency`: a copy of the first loaded subchart matching the requirement's name
/// and version range, renamed to the alias.
fn get_alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let c = charts
        .iter()
        .find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = c.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

fn process_dependency_enabled(
    c: &mut Chart,
    v: &MapRef,
    path: &str,
    depth: usize,
    helm: HelmVersion,
) -> Result<(), String> {
    if c.metadata.dependencies.is_none() || depth > 100 {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let reqs: Vec<Dependency> = c.metadata.deps().cloned().collect();
    let mut chart_deps: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !reqs
                .iter()
                .any(|r| e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version))
        })
        .cloned()
        .collect();
    for req in reqs_mut(c) {
        if let Some(cd) = get_alias_dependency(&existing, req) {
            chart_deps.push(cd);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for r in reqs_mut(c) {
        r.enabled = true;
    }
    let cvals = coalesce_values_for(c, &v.borrow(), helm)?;
    process_dependency_tags(&mut reqs_mut(c), &cvals);
    process_dependency_conditions(&mut reqs_mut(c), &cvals, path);
    let rm: Vec<String> = c
        .metadata
        .deps()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    let mut cd: Vec<Chart> = std::mem::take(&mut c.dependencies)
        .into_iter()
        .filter(|n| !rm.contains(&n.metadata.name))
        .collect();
    if let Some(deps) = c.metadata.dependencies.as_mut() {
        deps.retain(|d| d.as_ref().is_some_and(|d| !rm.contains(&d.name)));
    }
    for t in cd.iter_mut() {
        let subpath = format!("{path}{}.", t.metadata.name);
        process_dependency_enabled(t, &cvals, &subpath, depth + 1, helm)?;
    }
    c.dependencies = cd;
    Ok(())
}

/// `processDependencyTags`: a dependency with tags is disabled when none of its tags is true
/// and at least one is false.
fn process_dependency_tags(reqs: &mut [&mut Dependency], cvals: &MapRef) {
    let Some(vt) = table(cvals, "tags") else {
        return;
    };
    let vt = vt.borrow();
    for r in reqs.iter_mut() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(Value::Bool(b)) = vt.get(k) {
                if *b {
                    has_true = true;
                } else {
                    has_false = true;
                }
            }
        }
        if !has_true && has_false {
            r.enabled = false;
        } else if has_true || !has_false {
            r.enabled = true;
        }
    }
}

/// `processDependencyConditions`: the first condition path holding a bool decides.
fn process_dependency_conditions(reqs: &mut [&mut Dependency], cvals: &MapRef, cpath: &str) {
    for r in reqs.iter_mut() {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(cvals, &format!("{cpath}{cond}")) {
                r.enabled = b;
                break;
            }
        }
    }
}

/// `pathToMap`: wrap `data` in nested maps along a dotted path (`.` = the root).
fn path_to_map(path: &str, data: MapRef) -> MapRef {
    if path == "." {
        return data;
    }
    let mut cur = Value::Map(data);
    for part in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(part.to_string(), cur);
        cur = Value::map(m);
    }
    match cur {
        Value::Map(m) => m,
        _ => std::rc::Rc::new(std::cell::RefCell::new(Map::new())),
    }
}

/// Go's `fmt.Sprintf("%v", x)` for the scalars import-values may hold.
fn go_sprint(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Nil) => "<nil>".into(),
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Int(i)) | Some(Value::Int64(i)) => i.to_string(),
        Some(Value::Float(f)) => {
            if f.fract() == 0.0 && f.abs() < 1e21 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Some(other) => format!("{other:?}"),
    }
}

fn process_import_values(c: &mut Chart, helm: HelmVersion) -> Result<(), String> {
    if c.metadata.dependencies.is_none() {
        return Ok(());
    }
    let cvals = merge_values_for(c, &Map::new(), helm)?;
    let b = std::rc::Rc::new(std::cell::RefCell::new(Map::new()));
    for r in reqs_mut(c) {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let (child, parent) = {
                        let iv = iv.borrow();
                        (go_sprint(iv.get("child")), go_sprint(iv.get("parent")))
                    };
                    let mut m = Map::new();
                    m.insert("child".into(), Value::from(child.as_str()));
                    m.insert("parent".into(), Value::from(parent.as_str()));
                    outiv.push(Value::map(m));
                    // "ImportValues missing table from chart" is a warning.
                    if let Some(vv) = table(&cvals, &format!("{}.{}", r.name, child)) {
                        merge_tables(&b, &path_to_map(&parent, vv));
                    }
                }
                Value::String(s) => {
                    let child = format!("exports.{s}");
                    let mut m = Map::new();
                    m.insert("child".into(), Value::from(child.as_str()));
                    m.insert("parent".into(), Value::from("."));
                    outiv.push(Value::map(m));
                    if let Some(vm) = table(&cvals, &format!("{}.{}", r.name, child)) {
                        merge_tables(&b, &vm);
                    }
                }
                _ => {}
            }
        }
        r.import_values = outiv;
    }
    let copy = std::rc::Rc::new(std::cell::RefCell::new(deep_copy_map(&cvals.borrow())));
    let merged = merge_tables(&copy, &b);
    let values = merged.borrow().clone();
    c.values = values;
    Ok(())
}

fn process_dependency_import_values(
    c: &mut Chart,
    depth: usize,
    helm: HelmVersion,
) -> Result<(), String> {
    if depth > 100 {
        return Ok(());
    }
    for d in c.dependencies.iter_mut() {
        process_dependency_import_values(d, depth + 1, helm)?;
    }
    process_import_values(c, helm)
}
