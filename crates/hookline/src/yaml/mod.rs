//! YAML as Helm sees it: go-yaml v2 behind `sigs.k8s.io/yaml`, byte for byte.
//!
//! # API
//!
//! Loading (values files, `Chart.yaml`, `fromYaml`):
//! * [`from_str`]`(&str) -> Result<Value, YamlError>` — `sigs.k8s.io/yaml.Unmarshal` into
//!   `interface{}`: the first document only, YAML 1.1 resolution (`yes`/`on`/`y` → bool, `0777`,
//!   `0x1F`, `1_000`, `.inf`...), every number becomes [`Value::Float`], map keys become strings
//!   (`1` → `"1"`, `true` → `"true"`, float keys via `%g` of a float32), anchors, aliases and
//!   `<<` merge keys resolved. An empty document gives [`Value::Nil`].
//! * [`from_str_map`]`(src, "map[string]interface {}")` — `fromYaml` and Helm 3's values
//!   loading (target `map[string]interface{}`): a top-level non-map is the Go error
//!   `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value
//!   of type map[string]interface {}`; `null`/empty gives an empty map.
//! * [`from_str_list`] — `fromYamlArray`'s target `[]interface{}`.
//! * [`from_str_typed`] + [`sigs_string`] — for struct targets (`Chart.yaml`): Go integer
//!   types kept, and the scalar-to-string conversion sigs.k8s.io/yaml applies for string
//!   fields (`appVersion: 1.10` → `"1.1"`, `0x10` → `"16"`).
//! * [`simple_head`]`(doc, "util.SimpleHead")` — Helm's `SimpleHead` of a rendered manifest
//!   (apiVersion, kind, metadata.name, metadata.annotations), with sigs.k8s.io/yaml's scalar
//!   conversion (`helm.sh/hook-weight: 5` → `"5"`) and Helm's error texts.
//! * [`from_str_all`] — every document of a stream (`---` separated), each as [`from_str`].
//! * [`load_values`] — Helm 4's values-file loader: `---` separated documents, each decoded as
//!   `fromYaml`, deep-merged; errors prefixed `cannot unmarshal yaml document: `. (Helm 3 reads
//!   the first document only: `from_str_map(src, "map[string]interface {}")`.)
//!
//! Errors ([`YamlError`]) display exactly Helm's text, e.g.
//! `error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context`;
//! `line`/`column` (1-based) carry the position when known. Alias expansion and nesting depth are
//! limited ([`YamlErrorKind::ExcessiveAliasing`], [`YamlErrorKind::TooDeep`]).
//!
//! Dumping (`toYaml`):
//! * [`marshal`]`(&Value) -> Result<String, YamlError>` — `sigs.k8s.io/yaml.Marshal`: JSON
//!   encoding (floats as `encoding/json` writes them, `[]byte` as base64, host objects via
//!   `Object::to_data`) re-read by go-yaml v2 and emitted by its emitter (v2 key order, quoting,
//!   literal blocks, 80-column folding). Ends with a newline.
//! * [`to_yaml`]`(&Value) -> Result<String, YamlError>` — Helm's `toYaml`/`mustToYaml`: `marshal`
//!   with one trailing newline trimmed. Helm's `toYaml` swallows errors into `""`:
//!   `to_yaml(v).unwrap_or_default()`.
//! * [`to_yaml_pretty`] — Helm's `toYamlPretty`: go-yaml v3's encoder (indent 2) on the value
//!   itself, no JSON round trip: v3 key order, indented sequences, no folding.
//!
//! Helm functions → calls (the function layer adds Helm's error wrapping):
//! * `toYaml v` → `to_yaml(v).unwrap_or_default()`; `mustToYaml` → `to_yaml(v)`.
//! * `toYamlPretty v` → `to_yaml_pretty(v).unwrap_or_default()`.
//! * `fromYaml s` → `from_str_map(s, "map[string]interface {}")`, on `Err(e)` the map
//!   `{"Error": e.to_string()}`.
//! * `fromYamlArray s` → `from_str_list(s)`, on `Err(e)` the list `[e.to_string()]`.
//! * values files: Helm 4 `load_values(text)` (prefix the error with
//!   `cannot load values.yaml: ` or `failed to parse FILE: `), Helm 3 `from_str_map`.
//! * `toJson`/`toRawJson`/`toPrettyJson`/`fromJson`/`fromJsonArray`: see [`crate::json`].
//!
//! Implementation: `parse` is a port of go-yaml v2's scanner and parser (so syntax errors,
//! their line numbers and the YAML 1.1 quirks match), `load` follows `decode.go` +
//! `resolve.go` + sigs.k8s.io/yaml's key conversion, `emit` follows `encode.go` +
//! `emitterc.go` (v2, and v3 for `toYamlPretty`), `sort` is `keyList.Less`.
//! Limits: nesting deeper than [`LoadLimits::max_depth`] (300) when loading or
//! [`MAX_MARSHAL_DEPTH`] when dumping is a [`YamlErrorKind::TooDeep`] error (go-yaml allows
//! 10000; the lower bound keeps recursion safe on wasm stacks); alias expansion follows
//! go-yaml's ratio rule (`document contains excessive aliasing`).
//!
//! Known differences (all outside what a deterministic Helm run produces, or documented):
//! * keys whose `keyList.Less` order is not transitive (`a10`/`a1b`/`a9`, digit runs that
//!   overflow int64) sort in a fixed order; Helm's order depends on Go's random map order.
//! * with rejected map keys (`~: x`, uint64 keys) in several maps, the shallowest is reported;
//!   Helm reports whichever its random map iteration meets first. The `%#v` text of a rejected
//!   key's value prints merge keys (`<<`) unexpanded.
//! * nesting limits are 300 (load) / [`MAX_MARSHAL_DEPTH`] (dump), not go-yaml's 10000.
//! * [`from_str_typed`] keeps uint64 values above `i64::MAX` as floats.
//!
//! JSON lives in [`crate::json`].

mod block_scan;
mod emit;
pub(crate) mod gofloat;
mod head;
mod load;
mod parse;
pub(crate) mod resolve;
mod sort;
mod words;

use std::collections::HashSet;
use std::fmt;

use gotemplate::Value;

use emit::{Emitter, Node};

pub use head::{simple_head, simple_head_and_value, HeadMetadata, SimpleHead};

pub use load::{
    from_str, from_str_all, from_str_list, from_str_map, from_str_typed, from_str_with,
    load_values, sigs_string, LoadLimits,
};

/// What went wrong, for callers that need to tell errors apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Scanner or parser error (bad syntax).
    Syntax,
    /// A value go-yaml or the JSON round trip can't represent (unknown anchor, `!!int` on a
    /// non-number, NaN in JSON, non-string-convertible map key, wrong top-level type).
    Semantic,
    /// Too many alias expansions ("billion laughs"): `document contains excessive aliasing`.
    ExcessiveAliasing,
    /// Nesting deeper than the limit: `exceeded max depth of N`.
    TooDeep,
}

/// A YAML error with Helm's exact message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    /// The full message as Helm prints it.
    pub message: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
}

impl YamlError {
    pub(crate) fn new(kind: YamlErrorKind, message: impl Into<String>) -> YamlError {
        YamlError {
            kind,
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Maximum nesting of lists/maps accepted when marshalling (deeper data is almost certainly a
/// cycle created with `set`); protects the native and wasm stacks.
pub const MAX_MARSHAL_DEPTH: usize = 300;

/// Value → what go-yaml decodes from `json.Marshal(value)`.
fn to_node(v: &Value, depth: usize, seen: &mut HashSet<usize>) -> Result<Node, YamlError> {
    if depth > MAX_MARSHAL_DEPTH {
        return Err(YamlError::new(
            YamlErrorKind::TooDeep,
            format!("error marshaling into JSON: exceeded max depth of {MAX_MARSHAL_DEPTH}"),
        ));
    }
    Ok(match v {
        Value::Nil => Node::plain("null"),
        Value::Bool(b) => Node::plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => Node::plain(i.to_string()),
        Value::Float(x) => {
            let Some(s) = gofloat::json_float(*x) else {
                return Err(YamlError::new(
                    YamlErrorKind::Semantic,
                    format!(
                        "error marshaling into JSON: json: unsupported value: {}",
                        gofloat::go_special_name(*x)
                    ),
                ));
            };
            if let Some(i) = resolve::go_parse_int(&s) {
                Node::plain(i.to_string())
            } else if let Some(u) = resolve::go_parse_uint(&s) {
                Node::plain(u.to_string())
            } else {
                Node::plain(gofloat::format_g(*x))
            }
        }
        Value::String(s) => {
            check_readable(s)?;
            Node::string(&fold_nel(s))
        }
        Value::Bytes(b) => Node::string(&crate::json::base64_std(b)),
        Value::List(items) => {
            let key = std::rc::Rc::as_ptr(items) as *const u8 as usize;
            if !seen.insert(key) {
                return Err(cycle_error("[]interface {}"));
            }
            let out = items
                .iter()
                .map(|x| to_node(x, depth + 1, seen))
                .collect::<Result<Vec<_>, _>>();
            seen.remove(&key);
            Node::Seq(out?)
        }
        Value::Map(m) => {
            let key = std::rc::Rc::as_ptr(m) as *const u8 as usize;
            if !seen.insert(key) {
                return Err(cycle_error("map[string]interface {}"));
            }
            let mut entries = Vec::new();
            for (k, x) in m.borrow().iter() {
                if let Err(e) = check_readable(k).and_then(|_| check_json_key(k)) {
                    seen.remove(&key);
                    return Err(e);
                }
                match to_node(x, depth + 1, seen) {
                    Ok(n) => entries.push((k.clone(), n)),
                    Err(e) => {
                        seen.remove(&key);
                        return Err(e);
                    }
                }
            }
            seen.remove(&key);
            sort::sort_keys(&mut entries, false);
            Node::Map(
                entries
                    .into_iter()
                    .map(|(k, n)| (Node::string(&fold_nel(&k)), n))
                    .collect(),
            )
        }
        Value::Object(o) => {
            let data = o.to_data();
            if let Value::Object(_) = data {
                return Err(YamlError::new(
                    YamlErrorKind::Semantic,
                    format!(
                        "error marshaling into JSON: json: unsupported type: {}",
                        o.type_name()
                    ),
                ));
            }
            to_node(&data, depth + 1, seen)?
        }
    })
}

/// JSONToYAML re-reads the JSON text with go-yaml, whose reader rejects characters that
/// `encoding/json` leaves unescaped (DEL, C1 controls except NEL, U+FFFE/U+FFFF).
fn check_readable(s: &str) -> Result<(), YamlError> {
    if s.chars()
        .any(|c| c as u32 >= 0x20 && load::reader_rejects(c))
    {
        return Err(YamlError::new(
            YamlErrorKind::Syntax,
            "yaml: control characters are not allowed",
        ));
    }
    Ok(())
}

/// `encoding/json` leaves U+0085 (NEL) unescaped, and go-yaml reading the JSON text treats it
/// as a line break inside a double-quoted scalar: spaces around a run of breaks are dropped,
/// one break folds to a space, `n` breaks to `n-1` newlines.
fn fold_nel(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\u{85}') {
        return std::borrow::Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' || chars[i] == '\u{85}' {
            let st = i;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
                i += 1;
            }
            let run = &chars[st..i];
            let breaks = run.iter().filter(|&&c| c == '\u{85}').count();
            if breaks == 0 {
                out.extend(run.iter());
            } else if breaks == 1 {
                out.push(' ');
            } else {
                for _ in 1..breaks {
                    out.push('\n');
                }
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// JSONToYAML re-reads `{"key":...}` with go-yaml, where the key is a flow-context simple key:
/// it must stay on one line (a raw NEL breaks it) and within 1024 characters of JSON text, or
/// go-yaml fails (`did not find expected ',' or '}'`) and Helm's toYaml prints nothing.
fn check_json_key(k: &str) -> Result<(), YamlError> {
    let mut quoted = String::new();
    crate::json::write_string(&mut quoted, k, true);
    if k.contains('\u{85}') || quoted.chars().count() > 1024 {
        return Err(YamlError::new(
            YamlErrorKind::Syntax,
            "yaml: did not find expected ',' or '}'",
        ));
    }
    Ok(())
}

fn cycle_error(ty: &str) -> YamlError {
    YamlError::new(
        YamlErrorKind::Semantic,
        format!(
            "error marshaling into JSON: json: unsupported value: encountered a cycle via {ty}"
        ),
    )
}

/// `sigs.k8s.io/yaml.Marshal(v)`: the document with its final newline.
pub fn marshal(v: &Value) -> Result<String, YamlError> {
    let node = to_node(v, 0, &mut HashSet::new())?;
    Ok(Emitter::new().document(&node))
}

/// Helm's `toYaml` / `mustToYaml`: [`marshal`] with the trailing newline trimmed.
pub fn to_yaml(v: &Value) -> Result<String, YamlError> {
    let mut s = marshal(v)?;
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// Helm's `toYamlPretty`: go-yaml v3's `Encoder` with `SetIndent(2)` on the value itself (no
/// JSON round trip: floats print as `%g` — `1e+06` —, NaN and ±Inf as `.nan`/`.inf`, `[]byte`
/// as a list of numbers), v3 key order, indented sequences, no line folding, tabs allowed in
/// literal blocks; trailing newline trimmed.
pub fn to_yaml_pretty(v: &Value) -> Result<String, YamlError> {
    let node = to_node_v3(v, 0, &mut HashSet::new())?;
    let mut s = Emitter::v3().document(&node);
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// Value → what go-yaml v3's encoder walks (the Go value directly).
fn to_node_v3(v: &Value, depth: usize, seen: &mut HashSet<usize>) -> Result<Node, YamlError> {
    if depth > MAX_MARSHAL_DEPTH {
        return Err(YamlError::new(
            YamlErrorKind::TooDeep,
            format!("yaml: exceeded max depth of {MAX_MARSHAL_DEPTH}"),
        ));
    }
    Ok(match v {
        Value::Nil => Node::plain("null"),
        Value::Bool(b) => Node::plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => Node::plain(i.to_string()),
        Value::Float(x) => Node::plain(match gofloat::format_g(*x).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            s => s.to_string(),
        }),
        Value::String(s) => Node::string_v(s, true),
        Value::Bytes(b) => Node::Seq(b.iter().map(|x| Node::plain(x.to_string())).collect()),
        Value::List(items) => {
            let key = std::rc::Rc::as_ptr(items) as *const u8 as usize;
            if !seen.insert(key) {
                return Err(YamlError::new(YamlErrorKind::TooDeep, "yaml: cyclic value"));
            }
            let out = items
                .iter()
                .map(|x| to_node_v3(x, depth + 1, seen))
                .collect::<Result<Vec<_>, _>>();
            seen.remove(&key);
            Node::Seq(out?)
        }
        Value::Map(m) => {
            let key = std::rc::Rc::as_ptr(m) as *const u8 as usize;
            if !seen.insert(key) {
                return Err(YamlError::new(YamlErrorKind::TooDeep, "yaml: cyclic value"));
            }
            let mut entries = Vec::new();
            for (k, x) in m.borrow().iter() {
                match to_node_v3(x, depth + 1, seen) {
                    Ok(n) => entries.push((k.clone(), n)),
                    Err(e) => {
                        seen.remove(&key);
                        return Err(e);
                    }
                }
            }
            seen.remove(&key);
            sort::sort_keys(&mut entries, true);
            Node::Map(
                entries
                    .into_iter()
                    .map(|(k, n)| (Node::string_v(&k, true), n))
                    .collect(),
            )
        }
        Value::Object(o) => {
            let data = o.to_data();
            if let Value::Object(_) = data {
                return Err(YamlError::new(
                    YamlErrorKind::Semantic,
                    format!("yaml: cannot marshal type: {}", o.type_name()),
                ));
            }
            to_node_v3(&data, depth + 1, seen)?
        }
    })
}
