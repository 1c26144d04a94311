//! Helm's `SimpleHead` decoding of a rendered manifest (`yaml.Unmarshal(doc, &SimpleHead{})`
//! through sigs.k8s.io/yaml): go-yaml semantics and errors, scalars converted for string
//! fields, and `encoding/json`'s type errors with Helm's Go type names.

use std::collections::BTreeMap;

use gotemplate::Value;

use super::load::{from_str_head, sigs_string};
use super::{YamlError, YamlErrorKind};

/// The fields Helm decodes from each manifest document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleHead {
    pub api_version: String,
    pub kind: String,
    /// `None` when the document has no (or a null) `metadata`.
    pub metadata: Option<HeadMetadata>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadMetadata {
    pub name: String,
    /// `None` when absent or null; numbers and booleans are converted to strings
    /// (`helm.sh/hook-weight: 5` → `"5"`, `yes` → `"true"`).
    pub annotations: Option<BTreeMap<String, String>>,
}

const METADATA_TYPE: &str = r#"struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#;

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) | Value::Bytes(_) => "array",
        Value::Map(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

fn type_error(kind: &str, field: &str, go_type: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go struct field {field} of type {go_type}"
    )
}

/// A string field: scalars converted as sigs.k8s.io/yaml does, null leaves it empty.
fn string_field(v: &Value, field: &str, first_err: &mut Option<String>) -> String {
    match v {
        Value::Nil => String::new(),
        Value::List(_) | Value::Map(_) => {
            first_err.get_or_insert_with(|| type_error(json_kind(v), field, "string"));
            String::new()
        }
        other => sigs_string(other).unwrap_or_default(),
    }
}

/// `encoding/json` matches object keys to fields exactly, else case-insensitively; keys arrive
/// in sorted order (the JSON text comes from a Go map), so a later match overwrites.
fn field_of<'a>(m: &'a BTreeMap<String, Value>, name: &str) -> Vec<&'a Value> {
    m.iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .collect()
}

/// Decode a manifest document as Helm's `SimpleHead`. `go_type` is the Go type name in Helm's
/// error text: `util.SimpleHead` (Helm 4) or `releaseutil.SimpleHead` (Helm 3).
pub fn simple_head(doc: &str, go_type: &str) -> Result<SimpleHead, YamlError> {
    simple_head_and_value(doc, go_type).map(|(head, _)| head)
}

/// [`simple_head`], also returning the decoded head of the document (integers typed as in
/// [`super::from_str_typed`]; only the root's `apiVersion`, `kind` and `metadata` entries, see
/// [`from_str_head`]) for callers that need more than the head: one parse, not two.
pub fn simple_head_and_value(doc: &str, go_type: &str) -> Result<(SimpleHead, Value), YamlError> {
    let v = from_str_head(doc)?;
    let head = head_of(&v, go_type)?;
    Ok((head, v))
}

fn head_of(v: &Value, go_type: &str) -> Result<SimpleHead, YamlError> {
    let m = match v {
        Value::Nil => return Ok(SimpleHead::default()),
        Value::Map(m) => m.borrow(),
        other => {
            return Err(YamlError::new(
                YamlErrorKind::Semantic,
                format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {go_type}",
                    json_kind(other)
                ),
            ))
        }
    };
    // Keys are visited in sorted order; the first type error is the one reported.
    let mut err: Option<String> = None;
    let mut head = SimpleHead::default();
    for (k, v) in m.iter() {
        if k.eq_ignore_ascii_case("apiVersion") {
            head.api_version = string_field(v, "SimpleHead.apiVersion", &mut err);
        } else if k.eq_ignore_ascii_case("kind") {
            head.kind = string_field(v, "SimpleHead.kind", &mut err);
        } else if k.eq_ignore_ascii_case("metadata") {
            match v {
                Value::Nil => head.metadata = None,
                Value::Map(mm) => {
                    let mm = mm.borrow();
                    let meta = head.metadata.get_or_insert_with(HeadMetadata::default);
                    for name in field_of(&mm, "name") {
                        meta.name = string_field(name, ".metadata.name", &mut err);
                    }
                    for ann in field_of(&mm, "annotations") {
                        match ann {
                            Value::Nil => meta.annotations = None,
                            Value::Map(am) => {
                                let out = meta.annotations.get_or_insert_with(BTreeMap::new);
                                for (ak, av) in am.borrow().iter() {
                                    let s = string_field(av, ".metadata.annotations", &mut err);
                                    out.insert(ak.clone(), s);
                                }
                            }
                            other => {
                                err.get_or_insert_with(|| {
                                    type_error(
                                        json_kind(other),
                                        ".metadata.annotations",
                                        "map[string]string",
                                    )
                                });
                            }
                        }
                    }
                }
                other => {
                    err.get_or_insert_with(|| {
                        type_error(json_kind(other), "SimpleHead.metadata", METADATA_TYPE)
                    });
                }
            }
        }
    }
    match err {
        Some(e) => Err(YamlError::new(YamlErrorKind::Semantic, e)),
        None => Ok(head),
    }
}
