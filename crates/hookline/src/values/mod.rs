//! Values: reading values files, the user's `-f`/`--set*` values, and Helm's coalescing.
//!
//! Everything works on [`gotemplate::Value`] maps with Go's reference semantics (a
//! [`gotemplate::MapRef`] is shared like a Go map), because Helm's coalescing mutates maps in
//! place and some of its results depend on that sharing.

pub mod coalesce;
pub mod strvals;

use std::fmt;

use gotemplate::{Map, MapRef, Value};

pub use coalesce::{coalesce_tables, coalesce_values, merge_tables, merge_values};

/// The key of the values shared by a chart and all its subcharts.
pub const GLOBAL_KEY: &str = "global";

/// An error reading a values document, with its position when the parser gave one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// 1-based line and column in the document given to the parser.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parse one YAML document into Helm's value types (every number a float64, YAML 1.1
/// booleans): the single place that calls the YAML parser (`crate::yaml`).
pub(crate) fn parse_yaml_document(text: &str) -> Result<Value, YamlError> {
    crate::yaml::from_str(text).map_err(|e| YamlError {
        message: e.message.clone(),
        line: e.line,
        column: e.column,
    })
}

/// Split a multi-document YAML stream as k8s.io/apimachinery's YAMLReader does: a line that
/// starts with `---` followed by nothing but spaces or a comment separates documents.
/// Returns each document with the 0-based line number it starts at.
pub fn split_yaml_documents(text: &str) -> Vec<(usize, String)> {
    // Most values files are one document: no line starts with `---`, and the loop below
    // would copy the text line by line into one document (a large chart's values.yaml has
    // thousands of lines).
    if !text.starts_with("---") && !text.contains("\n---") {
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![(0, text.to_string())]
        };
    }
    let mut docs = Vec::new();
    let mut cur = String::new();
    let mut start = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                if !cur.is_empty() {
                    docs.push((start, std::mem::take(&mut cur)));
                }
                start = i + 1;
                continue;
            }
        }
        cur.push_str(line);
    }
    if !cur.is_empty() {
        docs.push((start, cur));
    }
    docs
}

/// Read a values file as Helm's `loader.LoadValues` does (pkg/chart/v2/loader/load.go): every
/// document of the stream is read as a map and the documents are merged with [`merge_maps`].
/// Errors carry the line and column within the whole file.
pub fn load_values(text: &str) -> Result<Map, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut values = Map::new();
    for (start, doc) in split_yaml_documents(text) {
        let v = parse_yaml_document(&doc).map_err(|mut e| {
            if let Some(l) = e.line {
                e.line = Some(l + start);
                e.message =
                    e.message
                        .replacen(&format!("line {l}:"), &format!("line {}:", l + start), 1);
            }
            e.message = format!("cannot unmarshal yaml document: {}", e.message);
            e
        })?;
        let current = match v {
            Value::Nil => Map::new(),
            Value::Map(m) => m.borrow().clone(),
            other => {
                return Err(YamlError {
                    message: format!(
                        "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        json_kind(&other)
                    ),
                    line: Some(start + 1),
                    column: Some(1),
                })
            }
        };
        values = merge_maps(values, current);
    }
    Ok(values)
}

/// The word encoding/json uses for a value's JSON type in "cannot unmarshal X into".
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) | Value::Bytes(_) => "array",
        Value::Map(_) | Value::Object(_) => "object",
        Value::Nil => "null",
    }
}

/// `loader.MergeMaps` (pkg/chart/v2/loader/load.go): `b` over `a`, maps merged recursively,
/// anything else replaced (nil included: a `null` is kept, not deleted, when merging files).
pub fn merge_maps(a: Map, b: Map) -> Map {
    let mut out = a;
    for (k, v) in b {
        if let Value::Map(bm) = &v {
            if let Some(Value::Map(am)) = out.get(&k) {
                let merged = merge_maps(am.borrow().clone(), bm.borrow().clone());
                out.insert(k, Value::map(merged));
                continue;
            }
        }
        out.insert(k, v);
    }
    out
}

/// The user's values as `helm template` gathers them (pkg/cli/values/options.go `MergeValues`):
/// `-f` files in order, then every `--set-json`, `--set`, `--set-string`, `--set-file`,
/// `--set-literal` (in that order of kinds, each kind in command-line order).
#[derive(Clone, Debug, Default)]
pub struct ValueOptions {
    /// `-f`/`--values`: (name used in errors, content).
    pub value_files: Vec<(String, String)>,
    pub json_values: Vec<String>,
    pub values: Vec<String>,
    pub string_values: Vec<String>,
    /// `--set-file key=path`: the path is resolved by the reader given to [`ValueOptions::merge`].
    pub file_values: Vec<String>,
    pub literal_values: Vec<String>,
}

impl ValueOptions {
    /// Build the user values map. `read_file` resolves the paths of `--set-file` (the core does
    /// no I/O); it returns the file's content or an error text.
    pub fn merge(
        &self,
        read_file: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<Map, String> {
        let mut base = Map::new();
        for (name, content) in &self.value_files {
            let current =
                load_values(content).map_err(|e| format!("failed to parse {name}: {e}"))?;
            base = merge_maps(base, current);
        }
        let base_ref: MapRef = std::rc::Rc::new(std::cell::RefCell::new(base));
        for value in &self.json_values {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let parsed: Result<serde_json::Value, _> = serde_json::from_str(trimmed);
                match parsed.ok().map(|j| strvals::json_to_value(&j)) {
                    Some(Value::Map(m)) => {
                        let cur = base_ref.borrow().clone();
                        let merged = merge_maps(cur, m.borrow().clone());
                        *base_ref.borrow_mut() = merged;
                    }
                    _ => return Err(format!("failed parsing --set-json data JSON: {value}")),
                }
            } else if strvals::parse_json(value, &base_ref).is_err() {
                return Err(format!("failed parsing --set-json data {value}"));
            }
        }
        for value in &self.values {
            strvals::parse_into(value, &base_ref)
                .map_err(|e| format!("failed parsing --set data: {e}"))?;
        }
        for value in &self.string_values {
            strvals::parse_into_string(value, &base_ref)
                .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
        }
        for value in &self.file_values {
            strvals::parse_into_file(value, &base_ref, read_file)
                .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
        }
        for value in &self.literal_values {
            strvals::parse_literal_into(value, &base_ref)
                .map_err(|e| format!("failed parsing --set-literal data: {e}"))?;
        }
        let out = base_ref.borrow().clone();
        Ok(out)
    }
}

/// Go's `istable`: is this a `map[string]interface{}`?
pub(crate) fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(_))
}

/// Look up a dotted path of tables as `Values.Table` does (pkg/chart/common/values.go).
pub fn table(values: &MapRef, path: &str) -> Option<MapRef> {
    let mut cur = values.clone();
    for part in path.split('.') {
        let next = match cur.borrow().get(part) {
            Some(Value::Map(m)) => m.clone(),
            _ => return None,
        };
        cur = next;
    }
    Some(cur)
}

/// `Values.PathValue` (pkg/chart/common/values.go): the non-table value at a dotted path.
pub fn path_value(values: &MapRef, path: &str) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (last, init) = parts.split_last()?;
    let t = if init.is_empty() {
        values.clone()
    } else {
        table(values, &init.join("."))?
    };
    let v = t.borrow().get(*last).cloned();
    match v {
        Some(v) if !is_table(&v) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::split_yaml_documents;

    /// One document without a `---` line (the quick path) and several with them, each with
    /// the line it starts on.
    #[test]
    fn documents_split_at_separator_lines_only() {
        let owned = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|(l, s)| (*l, s.to_string())).collect()
        };
        for (text, want) in [
            ("", owned(&[])),
            ("a: 1\nb: 2\n", owned(&[(0, "a: 1\nb: 2\n")])),
            (
                "x: '---'\n  ---\ny: 1",
                owned(&[(0, "x: '---'\n  ---\ny: 1")]),
            ),
            ("a: 1\n---\nb: 2", owned(&[(0, "a: 1\n"), (2, "b: 2")])),
            (
                "---\na: 1\n--- # c\r\nb: 2\n---x\n",
                owned(&[(1, "a: 1\n"), (3, "b: 2\n---x\n")]),
            ),
            ("---\n", owned(&[])),
        ] {
            assert_eq!(split_yaml_documents(text), want, "{text:?}");
        }
    }
}
