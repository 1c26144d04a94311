//! `values.schema.json` validation as Helm 4 does it (pkg/chart/common/util/jsonschema.go
//! `ValidateAgainstSchema`, on santhosh-tekuri/jsonschema v6): the top chart's schema
//! against the coalesced values, then each enabled subchart's schema against its own
//! section, with the library's error text.
//!
//! Helm 3.17 validates with xeipuuv/gojsonschema and words its errors differently; Hookline
//! prints the Helm 4 text under both (a documented difference).
//!
//! Not covered: `$ref` to other files or URLs (Helm would fetch them; Hookline reads nothing
//! outside the chart and says so), `format` checks beyond those in [`formats`], and the
//! metaschema check of a schema beyond its top-level type.

//! Without the `schema` feature (the playground's first download, issue #11) the validator
//! itself is in the second module: [`validate_single`] goes over [`crate::funcs::crypto_wire`].

#[cfg(feature = "schema")]
mod formats;
#[cfg(feature = "schema")]
mod number;
#[cfg(feature = "schema")]
mod output;
#[cfg(feature = "schema")]
mod validate;

use gotemplate::{Map, Value};

use crate::chart::Chart;

#[cfg(feature = "schema")]
pub use output::{helm_text, VError};

/// The name [`validate_single`] has on the wire to the second module.
pub const WIRE_NAME: &str = "values.schema.json";

/// The URL Helm gives the schema (`compiler.AddResource("file:///values.schema.json", ...)`).
pub const SCHEMA_URL: &str = "file:///values.schema.json";

/// `ValidateAgainstSchema`: `Err` holds the per-chart text that Helm puts after
/// `values don't meet the specifications of the schema(s) in the following chart(s):\n`.
pub fn validate_chart(chart: &Chart, values: &Map) -> Result<(), String> {
    let mut sb = String::new();
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            sb.push_str(chart.name());
            sb.push_str(":\n");
            sb.push_str(&e);
        }
    }
    for sub in &chart.dependencies {
        let raw = match values.get(sub.name()) {
            None | Some(Value::Nil) => continue,
            Some(raw) => raw,
        };
        let Value::Map(sub_values) = raw else {
            sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                go_type(raw)
            ));
            continue;
        };
        if let Err(e) = validate_chart(sub, &sub_values.borrow()) {
            sb.push_str(&e);
        }
    }
    if sb.is_empty() {
        Ok(())
    } else {
        Err(sb)
    }
}

/// `ValidateAgainstSingleSchema`: one schema document against one values map.
pub fn validate_single(values: &Map, schema: &[u8]) -> Result<(), String> {
    #[cfg(feature = "schema")]
    return validate_here(values, schema);
    #[cfg(not(feature = "schema"))]
    {
        let args = [
            Value::map(values.clone()),
            Value::from(String::from_utf8_lossy(schema).as_ref()),
        ];
        match crate::funcs::crypto_wire::call(WIRE_NAME, None, &args) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.0),
        }
    }
}

/// The second module's side of [`validate_single`]: (values map, schema text).
#[cfg(feature = "schema")]
pub fn serve(args: &[Value]) -> Result<Value, gotemplate::FuncError> {
    match args {
        [Value::Map(values), Value::String(schema)] => {
            validate_here(&values.borrow(), schema.as_bytes())
                .map(|()| Value::Nil)
                .map_err(gotemplate::FuncError)
        }
        _ => Err(gotemplate::FuncError(format!("{WIRE_NAME}: bad arguments"))),
    }
}

#[cfg(feature = "schema")]
fn validate_here(values: &Map, schema: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(schema);
    let root = crate::json::from_json_value(&text)?;
    if !matches!(root, Value::Map(_) | Value::Bool(_)) {
        let got = validate::type_of(&root).unwrap_or("invalid");
        return Err(format!(
            "\"{SCHEMA_URL}#\" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'\n- at '': got {got}, want boolean or object"
        ));
    }
    let Some(draft) = validate::draft_of(&root) else {
        let url = match &root {
            Value::Map(m) => m
                .borrow()
                .get("$schema")
                .map(gotemplate::format::format_value)
                .unwrap_or_default(),
            _ => String::new(),
        };
        return Err(format!(
            "unsupported $schema {url:?}: Hookline knows drafts 4, 6, 7, 2019-09 and 2020-12 and loads no metaschema from elsewhere"
        ));
    };
    if let Some(e) = unloadable_ref(&root, 0) {
        return Err(e);
    }
    let mut v = validate::Validator::new(&root, draft);
    let values = Value::map(values.clone());
    match v.validate(&root, &values, &mut Vec::new()) {
        Ok(_) => Ok(()),
        Err(e) => {
            let causes = if e.kind == output::Kind::Group {
                e.causes
            } else {
                vec![e]
            };
            Err(helm_text(&causes))
        }
    }
}

/// The compiler loads every `$ref`'s document before validating anything; a reference
/// outside this file fails there (`failing loading ...`), whatever the values.
#[cfg(feature = "schema")]
fn unloadable_ref(v: &Value, depth: usize) -> Option<String> {
    if depth > 200 {
        return None;
    }
    match v {
        Value::Map(m) => {
            for (k, child) in m.borrow().iter() {
                if matches!(k.as_str(), "enum" | "const" | "default" | "examples") {
                    continue;
                }
                if let (true, Value::String(r)) = (
                    matches!(k.as_str(), "$ref" | "$dynamicRef" | "$recursiveRef"),
                    child,
                ) {
                    let doc = r.split('#').next().unwrap_or("");
                    if doc.is_empty() || doc == SCHEMA_URL || r.starts_with("urn:") {
                        continue;
                    }
                    if doc.starts_with("http://") || doc.starts_with("https://") {
                        return Some(format!(
                            "failing loading {doc:?}: Hookline does not fetch schemas over the network (Helm would)"
                        ));
                    }
                    let path = doc.strip_prefix("file://").unwrap_or(doc);
                    let path = path.trim_start_matches("./").trim_start_matches('/');
                    return Some(format!(
                        "failing loading \"file:///{path}\": open /{path}: no such file or directory"
                    ));
                }
                if let Some(e) = unloadable_ref(child, depth + 1) {
                    return Some(e);
                }
            }
            None
        }
        Value::List(l) => l.iter().find_map(|c| unloadable_ref(c, depth + 1)),
        _ => None,
    }
}

/// Go's `%T` for a value of a values map.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Bytes(_) => "[]uint8",
        Value::List(_) => "[]interface {}",
        _ => "map[string]interface {}",
    }
}
