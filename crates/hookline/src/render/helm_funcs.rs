//! Helm's function map: Sprig minus `env`/`expandenv`, plus Helm's own functions.
//!
//! Source: Helm v4.1.4 `pkg/engine/funcs.go` (`funcMap`, `toYAML`, `fromYAML`, `toJSON`, ...)
//! and `pkg/engine/engine.go` (`initFunMap`, `includeFun`, `tplFun`).

use std::cell::RefCell;
use std::rc::Rc;

use gotemplate::format::quote;
use gotemplate::{Ctx, FuncError, Map, Param, Signature, Templates, Value};

use super::HelmHost;
use crate::funcs::{env_functions, sprig_functions, FuncEnv};
use crate::plan::HelmVersion;
use crate::{json, yaml};

/// The delimiters Helm wraps `required`/`fail` messages in, so that its error formatter can
/// find them again (`warnWrap`).
pub(crate) const WARN_START: &str = "HELM_ERR_START";
pub(crate) const WARN_END: &str = "HELM_ERR_END";

fn warn_wrap(msg: &str) -> FuncError {
    FuncError(format!("{WARN_START}{msg}{WARN_END}"))
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// A string argument, borrowed: `fromYaml` of istio-base's CRD documents and every `include`
/// would otherwise copy their input first.
fn str_arg(args: &[Value], i: usize) -> &str {
    match args.get(i) {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

/// Inputs of `fromYaml` at least this long are remembered (see [`from_yaml`]).
const FROM_YAML_REMEMBERED: usize = 4096;

thread_local! {
    /// The last long `fromYaml` input and what it gave.
    static LAST_FROM_YAML: RefCell<Option<(Rc<str>, Value)>> = const { RefCell::new(None) };
}

/// Helm's `fromYaml` (pkg/engine/funcs.go `fromYAML`): the document as a map, or a map holding
/// the error. Charts decode the same long text twice in a row (istio-base's CRD templates:
/// once for the name, once for the object to relabel), so the last long input's result is
/// kept and handed out again as a deep copy: new maps each time, as every call in Helm makes.
fn from_yaml(a: &[Value]) -> Value {
    let decode = |text: &str| match yaml::from_str_map(text, "map[string]interface {}") {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e.to_string()),
    };
    let Some(Value::String(text)) = a.first() else {
        return decode("");
    };
    if text.len() < FROM_YAML_REMEMBERED {
        return decode(text);
    }
    let hit = LAST_FROM_YAML.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(t, _)| Rc::ptr_eq(t, text) || crate::same_bytes::same_text(t, text))
            .map(|(_, v)| v.deep_copy())
    });
    hit.unwrap_or_else(|| {
        let v = decode(text);
        let kept = v.deep_copy();
        LAST_FROM_YAML.with(|last| *last.borrow_mut() = Some((text.clone(), kept)));
        v
    })
}

fn error_map(msg: String) -> Value {
    let mut m = Map::new();
    m.insert("Error".into(), Value::from(msg));
    Value::map(m)
}

pub(crate) fn register(t: &mut Templates, _helm: HelmVersion, env: Rc<RefCell<FuncEnv>>) {
    use Param::*;
    for (name, sig, f) in sprig_functions() {
        t.register_pure(name, sig, f);
    }
    for (name, sig, f) in env_functions(env) {
        t.register_ctx(
            name,
            sig,
            Rc::new(move |_ctx: &mut Ctx<'_, '_>, a: &[Value]| f(a)),
        );
    }
    let s = Signature::new;

    t.register_pure("toYaml", s(&[Any]), |a| {
        Ok(Value::from(yaml::to_yaml(&arg(a, 0)).unwrap_or_default()))
    });
    // A panic inside a template function surfaces as the function's error.
    t.register_pure("mustToYaml", s(&[Any]), |a| {
        yaml::to_yaml(&arg(a, 0))
            .map(Value::from)
            .map_err(|e| FuncError(e.to_string()))
    });
    // Few charts call these two: the playground's second module serves them (`funcs::RARE`).
    t.register_pure(
        "toYamlPretty",
        s(&[Any]),
        crate::funcs::rare!("toYamlPretty", to_yaml_pretty),
    );
    t.register_pure("fromYaml", s(&[String]), |a| Ok(from_yaml(a)));
    t.register_pure("fromYamlArray", s(&[String]), |a| {
        Ok(match yaml::from_str_list(str_arg(a, 0)) {
            Ok(l) => Value::list(l),
            Err(e) => Value::list(vec![Value::from(e.to_string())]),
        })
    });
    t.register_pure("toJson", s(&[Any]), |a| {
        Ok(Value::from(
            json::to_json(&arg(a, 0), true).unwrap_or_default(),
        ))
    });
    t.register_pure("mustToJson", s(&[Any]), |a| {
        json::to_json(&arg(a, 0), true)
            .map(Value::from)
            .map_err(FuncError)
    });
    // Sprig's JSON functions that Helm does not override (sprig/defaults.go).
    t.register_pure("toPrettyJson", s(&[Any]), |a| {
        Ok(Value::from(
            json::to_pretty_json(&arg(a, 0)).unwrap_or_default(),
        ))
    });
    t.register_pure("mustToPrettyJson", s(&[Any]), |a| {
        json::to_pretty_json(&arg(a, 0))
            .map(Value::from)
            .map_err(FuncError)
    });
    t.register_pure("toRawJson", s(&[Any]), |a| {
        Ok(Value::from(
            json::to_json(&arg(a, 0), false).unwrap_or_default(),
        ))
    });
    t.register_pure("mustToRawJson", s(&[Any]), |a| {
        json::to_json(&arg(a, 0), false)
            .map(Value::from)
            .map_err(FuncError)
    });
    t.register_pure("mustFromJson", s(&[String]), |a| {
        json::from_json_value(str_arg(a, 0)).map_err(FuncError)
    });
    t.register_pure("fromJson", s(&[String]), |a| {
        Ok(json::from_json(str_arg(a, 0)).unwrap_or_else(error_map))
    });
    t.register_pure("fromJsonArray", s(&[String]), |a| {
        Ok(json::from_json_list(str_arg(a, 0))
            .unwrap_or_else(|e| Value::list(vec![Value::from(e)])))
    });
    t.register_pure(
        "toToml",
        s(&[Any]),
        crate::funcs::rare!("toToml", to_toml_fn),
    );
    t.register_pure("fromToml", s(&[String]), |_| {
        Ok(error_map(
            "fromToml is not supported by Hookline yet".to_string(),
        ))
    });
    // Without a cluster (`helm template`), lookup returns an empty map.
    t.register_pure("lookup", s(&[String, String, String, String]), |_| {
        Ok(Value::empty_map())
    });
    // Without --enable-dns, getHostByName returns "" (engine.go initFunMap).
    t.register_pure("getHostByName", s(&[String]), |_| Ok(Value::from("")));
    t.register_pure("required", s(&[String, Any]), |a| {
        let val = arg(a, 1);
        match &val {
            Value::Nil => Err(warn_wrap(str_arg(a, 0))),
            Value::String(v) if v.is_empty() => Err(warn_wrap(str_arg(a, 0))),
            _ => Ok(val),
        }
    });
    t.register_pure("fail", s(&[String]), |a| Err(warn_wrap(str_arg(a, 0))));

    t.register_ctx(
        "include",
        s(&[String, Any]),
        Rc::new(|ctx: &mut Ctx<'_, '_>, a: &[Value]| {
            let name = str_arg(a, 0);
            let data = arg(a, 1);
            // An output kept from an execution of the same template with the same data that
            // nothing since could change (see `render::include_memo`).
            let watch = ctx.watch();
            let tree = watch
                .filter(|_| ctx.host::<HelmHost>().is_some_and(|h| h.memo.is_some()))
                .and_then(|_| ctx.template_tree(name));
            if let Some(tree) = &tree {
                let memo = ctx.host::<HelmHost>().and_then(|h| h.memo.as_ref());
                if let Some(output) = memo.and_then(|m| m.get(tree, &data)) {
                    return Ok(Value::String(output));
                }
            }
            let limit = ctx.host::<HelmHost>().map(|h| h.include_limit).unwrap_or(1000);
            if let Some(h) = ctx.host::<HelmHost>() {
                // The name is copied only the first time it is included.
                match h.included.get_mut(name) {
                    Some(n) if *n > limit => {
                        return Err(FuncError(format!(
                            "rendering template has a nested reference name: {name}: unable to execute template"
                        )));
                    }
                    Some(n) => *n += 1,
                    None => {
                        h.included.insert(name.to_string(), 1);
                    }
                }
            }
            // Taken only now: every return above leaves the watch as it found it.
            let before = match (tree, watch) {
                (Some(tree), Some(watch)) => ctx
                    .host::<HelmHost>()
                    .and_then(|h| h.memo.as_ref())
                    .and_then(|m| m.before(tree, &data, watch)),
                _ => None,
            };
            let r = ctx
                .execute_template(name, &data)
                .map(|s| Rc::<str>::from(s.as_str()));
            if let Some(h) = ctx.host::<HelmHost>() {
                if let Some(n) = h.included.get_mut(name) {
                    *n = n.saturating_sub(1);
                }
                if let (Some(before), Some(memo), Some(watch)) = (before, h.memo.as_mut(), watch)
                {
                    memo.after(before, r.as_ref().ok(), watch);
                }
            }
            match r {
                Ok(s) => Ok(Value::String(s)),
                Err(e) => Err(FuncError(e.to_string())),
            }
        }),
    );
    t.register_ctx(
        "tpl",
        s(&[String, Any]),
        Rc::new(|ctx: &mut Ctx<'_, '_>, a: &[Value]| {
            let text = str_arg(a, 0);
            // Helm 3 and 4 both parse the text as a template named after the set ("gotpl"):
            // `t.New(parent.Name()).Parse(tpl)` in tplFun.
            match ctx.execute_string_named("gotpl", text, &arg(a, 1)) {
                Ok(s) => Ok(Value::from(s.replace("<no value>", ""))),
                Err(e) if e.kind() == gotemplate::ErrorKind::Parse => Err(FuncError(format!(
                    "cannot parse template {}: {e}",
                    quote(text)
                ))),
                Err(e) => Err(FuncError(format!(
                    "error during tpl function execution for {}: {e}",
                    quote(text)
                ))),
            }
        }),
    );
}

/// Helm's `toYamlPretty`.
#[cfg_attr(not(feature = "rare-functions"), allow(dead_code))] // served by the second module
pub(crate) fn to_yaml_pretty(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(
        yaml::to_yaml_pretty(&arg(a, 0)).unwrap_or_default(),
    ))
}

/// Helm's `toToml`.
#[cfg_attr(not(feature = "rare-functions"), allow(dead_code))] // served by the second module
pub(crate) fn to_toml_fn(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(to_toml(&arg(a, 0))))
}

/// BurntSushi/toml's encoder for the shapes templates pass (a map of scalars, lists and
/// tables). Rarely used by charts (no use in the census of 188 charts).
#[cfg_attr(not(feature = "rare-functions"), allow(dead_code))]
fn to_toml(v: &Value) -> String {
    fn scalar(v: &Value) -> Option<String> {
        Some(match v {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) | Value::Int64(i) => i.to_string(),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
            Value::Float(f) => f.to_string(),
            Value::String(s) => quote(s),
            Value::List(l) => {
                let items: Option<Vec<String>> = l.iter().map(scalar).collect();
                format!("[{}]", items?.join(", "))
            }
            _ => return None,
        })
    }
    fn table(out: &mut String, prefix: &str, m: &Map) {
        for (k, v) in m {
            if !matches!(v, Value::Map(_)) {
                if let Some(s) = scalar(v) {
                    out.push_str(&format!("{k} = {s}\n"));
                }
            }
        }
        for (k, v) in m {
            if let Value::Map(sub) = v {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push_str(&format!("\n[{name}]\n"));
                table(out, &name, &sub.borrow());
            }
        }
    }
    match v {
        Value::Map(m) => {
            let mut out = String::new();
            table(&mut out, "", &m.borrow());
            out
        }
        _ => "toml: top-level values must be Go maps or structs".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long document decoded twice gives equal maps that share nothing (the second is the
    /// kept result's copy); another text, or a broken one, is decoded anew.
    #[test]
    fn from_yaml_keeps_the_last_long_input_and_hands_out_copies() {
        let doc = |tag: &str| {
            let mut s = format!("kind: {tag}\nmetadata:\n  labels:\n    a: b\nspec:\n");
            while s.len() < FROM_YAML_REMEMBERED * 2 {
                s.push_str(&format!("  key{}: [x, {{y: z}}]\n", s.len()));
            }
            Value::string(s)
        };
        let text = doc("One");
        let first = from_yaml(std::slice::from_ref(&text));
        // An equal text in another string is recognised too.
        let same = Value::string(&*str_arg(std::slice::from_ref(&text), 0).to_string());
        let second = from_yaml(&[same]);
        assert_eq!(first, second);
        let labels = |v: &Value| {
            let Value::Map(m) = v else { panic!("{v:?}") };
            let Some(Value::Map(md)) = m.borrow().get("metadata").cloned() else {
                panic!()
            };
            let Some(Value::Map(l)) = md.borrow().get("labels").cloned() else {
                panic!()
            };
            l
        };
        labels(&first)
            .borrow_mut()
            .insert("changed".into(), Value::Nil);
        assert_ne!(first, second);
        assert_eq!(from_yaml(std::slice::from_ref(&text)), second);
        let other = from_yaml(&[doc("Two")]);
        let Value::Map(m) = &other else { panic!() };
        assert_eq!(m.borrow().get("kind"), Some(&Value::string("Two")));
        let broken = Value::string(format!("{}\n: [", str_arg(&[doc("Three")], 0)));
        for _ in 0..2 {
            let Value::Map(m) = from_yaml(std::slice::from_ref(&broken)) else {
                panic!()
            };
            assert!(m.borrow().contains_key("Error"), "{:?}", m.borrow());
        }
    }
}
