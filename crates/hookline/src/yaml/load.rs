//! YAML text → [`Value`] as `sigs.k8s.io/yaml.Unmarshal` does it: go-yaml v2 decodes into
//! `interface{}` (YAML 1.1 resolution, anchors, aliases, merge keys), map keys are converted to
//! strings, and the JSON round trip turns every number into a float64.
//!
//! Events come from [`super::parse`] (go-yaml v2's scanner and parser); node building, decoding
//! and resolution follow go-yaml v2's `decode.go` and `resolve.go`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use gotemplate::value::Map;
use gotemplate::Value;

use super::gofloat;
use super::parse::{Event, ParseError, Parser};
use super::resolve::{self, Resolved};
use super::{YamlError, YamlErrorKind};

/// Resource limits for loading untrusted YAML.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    /// Maximum nesting of collections. go-yaml allows 10000; the default here is lower to keep
    /// the recursion well inside a wasm stack.
    pub max_depth: usize,
}

impl Default for LoadLimits {
    fn default() -> LoadLimits {
        LoadLimits { max_depth: 300 }
    }
}

const PREFIX: &str = "error converting YAML to JSON: ";

#[derive(Debug)]
enum Kind<'a> {
    Scalar {
        value: Cow<'a, str>,
        tag: String,
        plain: bool,
    },
    Seq(Vec<usize>),
    /// Keys and values interleaved.
    Map(Vec<usize>),
    Alias {
        target: usize,
        name: Cow<'a, str>,
    },
}

#[derive(Debug)]
struct Node<'a> {
    kind: Kind<'a>,
}

/// A decoded Go scalar before the JSON round trip.
#[derive(Debug, Clone)]
enum GoScalar {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// `!!binary` data (may be invalid UTF-8).
    Bytes(Vec<u8>),
}

/// go-yaml's reader rejects these characters anywhere in the input
/// (`control characters are not allowed`).
pub(crate) fn reader_rejects(c: char) -> bool {
    let u = c as u32;
    !(u == 0x09
        || u == 0x0A
        || u == 0x0D
        || (0x20..=0x7E).contains(&u)
        || u == 0x85
        || (0xA0..=0xD7FF).contains(&u)
        || (0xE000..=0xFFFD).contains(&u)
        || (0x10000..=0x10FFFF).contains(&u))
}

/// Whether `src` holds a character [`reader_rejects`], looking at its UTF-8 bytes: ASCII
/// controls other than tab, LF and CR, and DEL; C1 controls other than NEL (`C2 80`..`C2 9F`);
/// U+FFFE and U+FFFF (`EF BF BE`, `EF BF BF`). Surrogates cannot occur in a `str`.
pub(crate) fn has_rejected_char(src: &str) -> bool {
    const N: usize = 16;
    let b = src.as_bytes();
    let chunks = b.chunks_exact(N);
    let tail = b.len() - chunks.remainder().len();
    // N bytes at a time: most text is printable ASCII and newlines only.
    for (n, chunk) in chunks.enumerate() {
        let plain = chunk.iter().fold(true, |ok, &c| {
            ok & ((0x20..0x7F).contains(&c) | (c == b'\n'))
        });
        if !plain && (n * N..n * N + N).any(|k| rejected_at(b, k)) {
            return true;
        }
    }
    (tail..b.len()).any(|k| rejected_at(b, k))
}

/// Whether the byte at `k` is, or starts, a rejected character (continuation bytes are not).
fn rejected_at(b: &[u8], k: usize) -> bool {
    match b[k] {
        b'\t' | b'\n' | b'\r' | 0x20..=0x7E => false,
        0..=0x7F => true,
        // lead bytes: the next bytes exist in valid UTF-8
        0xC2 => (0x80..=0x9F).contains(&b[k + 1]) && b[k + 1] != 0x85,
        0xEF => b[k + 1] == 0xBF && matches!(b[k + 2], 0xBE | 0xBF),
        _ => false,
    }
}

struct Builder<'a> {
    nodes: Vec<Node<'a>>,
}

fn syntax_error(e: &ParseError) -> YamlError {
    let line = e.go_line();
    let where_ = if line != 0 {
        format!("line {line}: ")
    } else {
        String::new()
    };
    YamlError {
        kind: YamlErrorKind::Syntax,
        message: format!("{PREFIX}yaml: {where_}{}", e.problem),
        line: Some(e.problem_mark.line + 1),
        column: Some(e.problem_mark.column + 1),
    }
}

/// Parse every document into one node arena (roots), or only the first when `first_only`.
fn build(
    src: &str,
    first_only: bool,
    limits: LoadLimits,
) -> Result<(Builder<'_>, Vec<Option<usize>>), YamlError> {
    reject_control_chars(src)?;
    let mut parser = Parser::new(src);
    let mut b = Builder { nodes: Vec::new() };
    let mut anchors: HashMap<Cow<'_, str>, usize> = HashMap::new();
    let mut roots: Vec<Option<usize>> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut in_doc = false;
    let mut root: Option<usize> = None;
    while let Some(ev) = parser.next() {
        let (ev, mark) = ev.map_err(|e| syntax_error(&e))?;
        let (kind, anchor) = match ev {
            Event::StreamStart => continue,
            Event::StreamEnd => break,
            Event::DocumentStart => {
                in_doc = true;
                root = None;
                anchors.clear();
                continue;
            }
            Event::DocumentEnd => {
                if in_doc {
                    roots.push(root.take());
                }
                in_doc = false;
                if first_only {
                    break;
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                continue;
            }
            Event::Alias(name) => {
                let Some(&target) = anchors.get(&name) else {
                    return Err(YamlError {
                        kind: YamlErrorKind::Semantic,
                        message: format!("{PREFIX}yaml: unknown anchor '{name}' referenced"),
                        line: Some(mark.line + 1),
                        column: Some(mark.column + 1),
                    });
                };
                (Kind::Alias { target, name }, None)
            }
            Event::Scalar {
                value,
                tag,
                anchor,
                plain_implicit,
                ..
            } => (
                Kind::Scalar {
                    value,
                    tag,
                    plain: plain_implicit,
                },
                anchor,
            ),
            Event::SequenceStart { anchor } => (Kind::Seq(Vec::new()), anchor),
            Event::MappingStart { anchor } => (Kind::Map(Vec::new()), anchor),
        };
        let is_collection = matches!(kind, Kind::Seq(_) | Kind::Map(_));
        let idx = b.nodes.len();
        b.nodes.push(Node { kind });
        if let Some(a) = anchor {
            anchors.insert(a, idx);
        }
        match stack.last() {
            Some(&parent) => match &mut b.nodes[parent].kind {
                Kind::Seq(c) | Kind::Map(c) => c.push(idx),
                _ => {}
            },
            None => root = Some(idx),
        }
        if is_collection {
            stack.push(idx);
            if stack.len() > limits.max_depth {
                return Err(too_deep(mark, limits));
            }
        }
    }
    Ok((b, roots))
}

struct Decoder<'a> {
    nodes: &'a [Node<'a>],
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active: HashSet<usize>,
    /// Whether a key sigs.k8s.io/yaml can't convert (nil, uint64) was stored; such keys are
    /// kept in the decoded maps under [`BAD_KEY`]-prefixed names (so that later duplicates and
    /// discarded values behave as in the Go map) and reported after decoding.
    bad_keys: bool,
    /// First json.Marshal error (NaN/Inf).
    json_error: Option<String>,
    depth: usize,
    max_depth: usize,
    /// Keep go-yaml's integer type (no JSON round trip for numbers).
    typed: bool,
    /// Build only the top-level keys Helm's `SimpleHead` can read (see [`from_str_head`]).
    head_only: bool,
    /// Whether the mapping being filled is the document's root (in `head_only` mode).
    at_root: bool,
    /// Inside a subtree that is checked but not built (every error, alias count and depth
    /// check happens as in a full decode; no value is made).
    shadow: usize,
}

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

fn fail(msg: impl AsRef<str>) -> YamlError {
    YamlError::new(
        YamlErrorKind::Semantic,
        format!("{PREFIX}yaml: {}", msg.as_ref()),
    )
}

/// The inside of Go's `strconv.Quote`, with `"` quotes.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control()
                || (c.is_whitespace() && c != ' ')
                || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}') =>
            {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl<'a> Decoder<'a> {
    /// A decoder at the start of a document: nothing decoded, counted or shadowed yet.
    fn new(nodes: &'a [Node<'a>], limits: LoadLimits, typed: bool, head_only: bool) -> Self {
        Decoder {
            nodes,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active: HashSet::new(),
            bad_keys: false,
            json_error: None,
            depth: 0,
            max_depth: limits.max_depth,
            typed,
            head_only,
            at_root: false,
            shadow: 0,
        }
    }
}

impl Decoder<'_> {
    /// Go's `%+#v` of the value go-yaml decodes from node `idx` (for error messages).
    fn sharp_v(&self, idx: usize, budget: &mut usize) -> String {
        self.sharp_v_in(idx, budget, false)
    }

    /// `%#v`; `nested` values print a nil as `interface {}(nil)` as fmt does inside
    /// containers. Map keys are sorted like fmt's (type first — nil, string, int, uint64,
    /// float64, bool as Go's type order shows it — then value).
    fn sharp_v_in(&self, idx: usize, budget: &mut usize, nested: bool) -> String {
        if *budget == 0 {
            return "...".into();
        }
        *budget -= 1;
        let nodes = self.nodes;
        match &nodes[idx].kind {
            Kind::Alias { target, .. } => self.sharp_v_in(*target, budget, nested),
            Kind::Scalar { value, tag, plain } => match self.scalar(value, tag, *plain) {
                Ok(GoScalar::Nil) if nested => "interface {}(nil)".into(),
                Ok(GoScalar::Nil) => "<nil>".into(),
                Ok(GoScalar::Bool(b)) => b.to_string(),
                Ok(GoScalar::Int(i)) => i.to_string(),
                Ok(GoScalar::Uint(u)) => format!("{u:#x}"),
                Ok(GoScalar::Float(f)) => gofloat::format_g(f),
                Ok(GoScalar::Str(s)) => go_quote(&s),
                Ok(GoScalar::Bytes(b)) => go_quote(&go_lossy(&b)),
                Err(_) => go_quote(value),
            },
            Kind::Seq(children) => {
                let items: Vec<String> = children
                    .iter()
                    .map(|&c| self.sharp_v_in(c, budget, true))
                    .collect();
                format!("[]interface {{}}{{{}}}", items.join(", "))
            }
            Kind::Map(children) => {
                // (rank, sort key, text of key, text of value); later duplicates replace
                let mut items: Vec<(u8, String, f64, String, String)> = Vec::new();
                for p in children.chunks(2).filter(|p| p.len() == 2) {
                    let (rank, skey, nkey) = self.sort_key(p[0]);
                    let k = self.sharp_v_in(p[0], budget, true);
                    let v = self.sharp_v_in(p[1], budget, true);
                    if let Some(e) = items
                        .iter_mut()
                        .find(|e| e.0 == rank && e.1 == skey && e.2.to_bits() == nkey.to_bits())
                    {
                        e.4 = v;
                    } else {
                        items.push((rank, skey, nkey, k, v));
                    }
                }
                crate::stable_sort::sort_by(&mut items, |a, b| {
                    a.0.cmp(&b.0)
                        .then(a.2.partial_cmp(&b.2).unwrap_or(std::cmp::Ordering::Equal))
                        .then(a.1.cmp(&b.1))
                });
                let items: Vec<String> = items
                    .into_iter()
                    .map(|e| format!("{}:{}", e.3, e.4))
                    .collect();
                format!("map[interface {{}}]interface {{}}{{{}}}", items.join(", "))
            }
        }
    }

    fn sort_key(&self, idx: usize) -> (u8, String, f64) {
        let nodes = self.nodes;
        let mut n = idx;
        for _ in 0..nodes.len() {
            match &nodes[n].kind {
                Kind::Alias { target, .. } => n = *target,
                _ => break,
            }
        }
        match &nodes[n].kind {
            Kind::Scalar { value, tag, plain } => match self.scalar(value, tag, *plain) {
                Ok(GoScalar::Nil) => (0, String::new(), 0.0),
                Ok(GoScalar::Str(s)) => (1, s, 0.0),
                Ok(GoScalar::Bytes(b)) => (1, go_lossy(&b), 0.0),
                Ok(GoScalar::Int(i)) => (2, String::new(), i as f64),
                Ok(GoScalar::Uint(u)) => (3, String::new(), u as f64),
                Ok(GoScalar::Float(f)) => (4, String::new(), f),
                Ok(GoScalar::Bool(b)) => (5, String::new(), f64::from(u8::from(b))),
                Err(_) => (1, value.to_string(), 0.0),
            },
            _ => (6, String::new(), idx as f64),
        }
    }

    fn count(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(YamlError::new(
                YamlErrorKind::ExcessiveAliasing,
                format!("{PREFIX}yaml: document contains excessive aliasing"),
            ));
        }
        Ok(())
    }

    fn scalar(&self, value: &str, tag: &str, plain: bool) -> Result<GoScalar, YamlError> {
        if tag.is_empty() && !plain {
            return Ok(GoScalar::Str(value.to_string()));
        }
        if tag == resolve::BINARY_TAG {
            return match base64_decode(value) {
                Some(b) => Ok(GoScalar::Bytes(b)),
                None => Err(fail("!!binary value contains invalid base64 data")),
            };
        }
        let r = resolve::resolve_tagged(tag, value).map_err(fail)?;
        Ok(match r {
            Resolved::Null => GoScalar::Nil,
            Resolved::Bool(b) => GoScalar::Bool(b),
            Resolved::Int(i) => GoScalar::Int(i),
            Resolved::Uint(u) => GoScalar::Uint(u),
            Resolved::Float(f) => GoScalar::Float(f),
            Resolved::Str | Resolved::Timestamp | Resolved::Merge => {
                GoScalar::Str(value.to_string())
            }
        })
    }

    /// [`Self::scalar`] and [`Self::scalar_value`]'s checks without making the value.
    /// A key's float is converted to text: only a value's NaN or infinity fails json.Marshal.
    fn check_scalar(
        &mut self,
        value: &str,
        tag: &str,
        plain: bool,
        is_value: bool,
    ) -> Result<ScalarKind, YamlError> {
        if tag.is_empty() && !plain {
            return Ok(ScalarKind::Other);
        }
        if tag == resolve::BINARY_TAG {
            return match base64_decode(value) {
                Some(_) => Ok(ScalarKind::Other),
                None => Err(fail("!!binary value contains invalid base64 data")),
            };
        }
        Ok(match resolve::resolve_tagged(tag, value).map_err(fail)? {
            Resolved::Null => ScalarKind::Nil,
            Resolved::Uint(_) => ScalarKind::Uint,
            Resolved::Float(f) => {
                if is_value && !f.is_finite() && self.json_error.is_none() {
                    self.json_error = Some(format!(
                        "{PREFIX}json: unsupported value: {}",
                        gofloat::go_special_name(f)
                    ));
                }
                ScalarKind::Other
            }
            _ => ScalarKind::Other,
        })
    }

    fn scalar_value(&mut self, s: GoScalar) -> Value {
        match s {
            GoScalar::Nil => Value::Nil,
            GoScalar::Bool(b) => Value::Bool(b),
            GoScalar::Int(i) if self.typed => Value::Int(i),
            GoScalar::Int(i) => Value::Float(i as f64),
            GoScalar::Uint(u) => Value::Float(u as f64),
            GoScalar::Float(f) => {
                if !f.is_finite() && self.json_error.is_none() {
                    self.json_error = Some(format!(
                        "{PREFIX}json: unsupported value: {}",
                        gofloat::go_special_name(f)
                    ));
                }
                Value::Float(f)
            }
            GoScalar::Str(s) => Value::string(s),
            GoScalar::Bytes(b) => Value::string(go_lossy(&b)),
        }
    }

    /// Decode node `idx`; when `into` is given the node must be a mapping (or alias to one)
    /// and its entries are added to that map (merge keys).
    fn unmarshal(&mut self, idx: usize, into: Option<&mut Map>) -> Result<Value, YamlError> {
        self.count()?;
        let nodes = self.nodes;
        match &nodes[idx].kind {
            Kind::Alias { target, name } => {
                if self.active.contains(&idx) {
                    return Err(fail(format!("anchor '{name}' value contains itself")));
                }
                self.active.insert(idx);
                self.alias_depth += 1;
                let r = self.unmarshal(*target, into);
                self.alias_depth -= 1;
                self.active.remove(&idx);
                r
            }
            Kind::Scalar { value, tag, plain } if self.shadow > 0 => {
                self.check_scalar(value, tag, *plain, true)?;
                Ok(Value::Nil)
            }
            Kind::Scalar { value, tag, plain } => {
                let s = self.scalar(value, tag, *plain)?;
                Ok(self.scalar_value(s))
            }
            Kind::Seq(children) if self.shadow > 0 => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(YamlError::new(
                        YamlErrorKind::TooDeep,
                        format!("{PREFIX}yaml: exceeded max depth of {}", self.max_depth),
                    ));
                }
                for &c in children {
                    self.unmarshal(c, None)?;
                }
                self.depth -= 1;
                Ok(Value::Nil)
            }
            Kind::Seq(children) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(YamlError::new(
                        YamlErrorKind::TooDeep,
                        format!("{PREFIX}yaml: exceeded max depth of {}", self.max_depth),
                    ));
                }
                let mut out = Vec::with_capacity(children.len());
                for &c in children {
                    out.push(self.unmarshal(c, None)?);
                }
                self.depth -= 1;
                Ok(Value::list(out))
            }
            Kind::Map(children) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(YamlError::new(
                        YamlErrorKind::TooDeep,
                        format!("{PREFIX}yaml: exceeded max depth of {}", self.max_depth),
                    ));
                }
                // The document's root mapping, in head-only mode.
                let is_root = self.head_only && self.shadow == 0 && self.depth == 1;
                if is_root && into.is_none() {
                    self.at_root = true;
                }
                let r = match into {
                    Some(m) => {
                        self.mapping(children, m)?;
                        Ok(Value::Nil)
                    }
                    None if self.shadow > 0 => {
                        self.mapping(children, &mut Map::new())?;
                        Ok(Value::Nil)
                    }
                    None => {
                        let mut m = Map::new();
                        self.mapping(children, &mut m)?;
                        Ok(Value::map(m))
                    }
                };
                self.depth -= 1;
                r
            }
        }
    }

    fn is_merge(&self, idx: usize) -> bool {
        matches!(&self.nodes[idx].kind,
            Kind::Scalar { value, tag, plain } if value == "<<" && (*plain || tag == resolve::MERGE_TAG))
    }

    fn merge(&mut self, idx: usize, out: &mut Map) -> Result<(), YamlError> {
        const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
        let nodes = self.nodes;
        let target_is_map = |i: usize| {
            let k = match &nodes[i].kind {
                Kind::Alias { target, .. } => &nodes[*target].kind,
                k => k,
            };
            matches!(k, Kind::Map(_))
        };
        match &nodes[idx].kind {
            Kind::Map(_) => {
                self.unmarshal(idx, Some(out))?;
            }
            Kind::Alias { .. } => {
                if !target_is_map(idx) {
                    return Err(fail(WANT_MAP));
                }
                self.unmarshal(idx, Some(out))?;
            }
            Kind::Seq(children) => {
                for &c in children.iter().rev() {
                    if !target_is_map(c) {
                        return Err(fail(WANT_MAP));
                    }
                    self.unmarshal(c, Some(out))?;
                }
            }
            Kind::Scalar { .. } => return Err(fail(WANT_MAP)),
        }
        Ok(())
    }

    fn key(&mut self, idx: usize, val_idx: usize) -> Result<Option<String>, YamlError> {
        // Keys keep their Go type until sigs.k8s.io/yaml converts them to strings.
        self.count()?;
        let nodes = self.nodes;
        let mut n = idx;
        let mut seen = 0;
        while let Kind::Alias { target, .. } = &nodes[n].kind {
            n = *target;
            seen += 1;
            if seen > nodes.len() {
                break;
            }
        }
        match &nodes[n].kind {
            Kind::Scalar { value, tag, plain } if self.shadow > 0 => {
                // Only keys sigs.k8s.io/yaml rejects need their text; a decode that meets one
                // is redone in full (see `decode_root_mode`).
                if matches!(
                    self.check_scalar(value, tag, *plain, false)?,
                    ScalarKind::Nil | ScalarKind::Uint
                ) {
                    self.bad_keys = true;
                }
                Ok(None)
            }
            Kind::Scalar { value, tag, plain } => {
                let s = self.scalar(value, tag, *plain)?;
                Ok(match s {
                    GoScalar::Str(s) => Some(s),
                    GoScalar::Bytes(b) => Some(go_lossy(&b)),
                    GoScalar::Int(i) => Some(i.to_string()),
                    GoScalar::Float(f) => Some(match gofloat::format_g32(f).as_str() {
                        "+Inf" => ".inf".to_string(),
                        "-Inf" => "-.inf".to_string(),
                        "NaN" => ".nan".to_string(),
                        s => s.to_string(),
                    }),
                    GoScalar::Bool(b) => Some(b.to_string()),
                    GoScalar::Uint(u) => {
                        let v = self.sharp_v(val_idx, &mut 1000);
                        self.bad_keys = true;
                        Some(format!(
                            "{BAD_KEY}{u}\u{0}{PREFIX}unsupported map key of type: uint64, key: {u:#x}, value: {v}"
                        ))
                    }
                    GoScalar::Nil => {
                        let v = self.sharp_v(val_idx, &mut 1000);
                        self.bad_keys = true;
                        Some(format!(
                            "{BAD_KEY}nil\u{0}{PREFIX}unsupported map key of type: %!s(<nil>), key: <nil>, value: {v}"
                        ))
                    }
                })
            }
            _ => {
                self.unmarshal(idx, None)?;
                Err(fail(format!(
                    "invalid map key: {}",
                    self.sharp_v(idx, &mut 1000)
                )))
            }
        }
    }

    fn mapping(&mut self, children: &[usize], out: &mut Map) -> Result<(), YamlError> {
        let at_root = std::mem::replace(&mut self.at_root, false);
        for pair in children.chunks(2) {
            let (k, v) = (pair[0], pair.get(1).copied());
            let Some(v) = v else { break };
            if self.is_merge(k) {
                // Entries merged into the root are root entries.
                self.at_root = at_root;
                let r = self.merge(v, out);
                self.at_root = false;
                r?;
                continue;
            }
            let key = self.key(k, v)?;
            if self.shadow > 0 || (at_root && !key.as_deref().is_some_and(is_head_key)) {
                self.shadow += 1;
                let r = self.unmarshal(v, None);
                self.shadow -= 1;
                r?;
                continue;
            }
            let value = self.unmarshal(v, None)?;
            if let Some(key) = key {
                match key
                    .strip_prefix(BAD_KEY)
                    .and_then(|r| r.split_once('\u{0}'))
                {
                    // the Go map keeps one entry per distinct bad key; its error is reported
                    Some((id, msg)) => {
                        out.insert(format!("{BAD_KEY}{id}"), Value::string(msg));
                    }
                    None => {
                        out.insert(key, value);
                    }
                }
            }
        }
        Ok(())
    }
}

/// What [`Decoder::check_scalar`] tells of a scalar: whether it is a key sigs.k8s.io/yaml rejects.
enum ScalarKind {
    Nil,
    Uint,
    Other,
}

/// The top-level keys `SimpleHead` decodes (`encoding/json` matches field names without
/// regard to case; a non-ASCII key is kept too, so that the head sees every candidate).
fn is_head_key(k: &str) -> bool {
    !k.is_ascii()
        || k.eq_ignore_ascii_case("apiVersion")
        || k.eq_ignore_ascii_case("kind")
        || k.eq_ignore_ascii_case("metadata")
}

/// Prefix of the placeholder keys standing for map keys sigs.k8s.io/yaml rejects.
const BAD_KEY: &str = "\u{0}\u{ffff}hookline-bad-key:";

/// The error of the shallowest rejected key left in the decoded tree (sigs.k8s.io/yaml
/// converts outer maps before inner ones).
fn find_bad_key(v: &Value) -> Option<String> {
    let mut level: Vec<Value> = vec![v.clone()];
    while !level.is_empty() {
        let mut next = Vec::new();
        for v in &level {
            match v {
                Value::Map(m) => {
                    for (k, x) in m.borrow().iter() {
                        if k.starts_with(BAD_KEY) {
                            return x.as_str().map(str::to_string);
                        }
                        next.push(x.clone());
                    }
                }
                Value::List(l) => next.extend(l.iter().cloned()),
                _ => {}
            }
        }
        level = next;
    }
    None
}

/// Go's `encoding/json` replacement of invalid UTF-8: one U+FFFD per bad byte.
pub(crate) fn go_lossy(b: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = b;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len() - good);
                for _ in 0..bad {
                    out.push('\u{FFFD}');
                }
                rest = &rest[good + bad..];
            }
        }
    }
}

/// Go's `base64.StdEncoding.DecodeString` (which skips `\r` and `\n`).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut vals = Vec::new();
    let mut pad = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                continue;
            }
            b'\r' | b'\n' => continue,
            _ => return None,
        };
        if pad > 0 {
            return None;
        }
        vals.push(v);
    }
    if (vals.len() + pad) % 4 != 0 || pad > 2 || (pad > 0 && vals.len() % 4 + pad != 4) {
        return None;
    }
    let mut out = Vec::new();
    for chunk in vals.chunks(4) {
        let mut n: u32 = 0;
        for (i, v) in chunk.iter().enumerate() {
            n |= (*v as u32) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
}

fn decode_root(
    nodes: &[Node],
    root: Option<usize>,
    limits: LoadLimits,
) -> Result<Value, YamlError> {
    decode_root_with(nodes, root, limits, false)
}

fn decode_root_with(
    nodes: &[Node],
    root: Option<usize>,
    limits: LoadLimits,
    typed: bool,
) -> Result<Value, YamlError> {
    decode_root_mode(nodes, root, limits, typed, false)
}

fn decode_root_mode(
    nodes: &[Node],
    root: Option<usize>,
    limits: LoadLimits,
    typed: bool,
    head_only: bool,
) -> Result<Value, YamlError> {
    let Some(root) = root else {
        return Ok(Value::Nil);
    };
    let mut d = Decoder::new(nodes, limits, typed, head_only);
    let v = d.unmarshal(root, None)?;
    if d.bad_keys && head_only {
        // Whether a rejected key is reported depends on the whole tree (a later duplicate
        // key can discard the map holding it): decide on the full decode.
        return decode_root_mode(nodes, Some(root), limits, typed, false);
    }
    if d.bad_keys {
        if let Some(e) = find_bad_key(&v) {
            return Err(YamlError::new(YamlErrorKind::Semantic, e));
        }
    }
    if let Some(e) = d.json_error {
        return Err(YamlError::new(YamlErrorKind::Semantic, e));
    }
    Ok(v)
}

/// `sigs.k8s.io/yaml.Unmarshal` into `interface{}` (first document).
pub fn from_str(src: &str) -> Result<Value, YamlError> {
    from_str_with(src, LoadLimits::default())
}

/// [`from_str`] with explicit limits.
pub fn from_str_with(src: &str, limits: LoadLimits) -> Result<Value, YamlError> {
    let (b, roots) = build(src, true, limits)?;
    decode_root(&b.nodes, roots.first().copied().flatten(), limits)
}

/// Like [`from_str`], but integers keep go-yaml's Go type ([`Value::Int`]; uint64 values above
/// `i64::MAX` stay floats) — what `sigs.k8s.io/yaml` sees before converting a scalar for a
/// string-typed struct field. Use with [`sigs_string`] for `Chart.yaml` fields such as
/// `appVersion: 1.10` (Helm reads `"1.1"`).
pub fn from_str_typed(src: &str) -> Result<Value, YamlError> {
    let limits = LoadLimits::default();
    let (b, roots) = build(src, true, limits)?;
    decode_root_with(&b.nodes, roots.first().copied().flatten(), limits, true)
}

/// [`from_str_typed`] for a reader of the manifest head only (Helm's `SimpleHead`): the
/// whole document is parsed and checked, with the same errors as [`from_str_typed`], but
/// only the root mapping's `apiVersion`, `kind` and `metadata` entries (matched without
/// regard to ASCII case) are built; the other entries are left out of the returned map.
/// Rendered manifests are mostly bodies (a large CRD's schema) that `SimpleHead` never
/// reads: building them was most of a render's memory.
pub fn from_str_head(src: &str) -> Result<Value, YamlError> {
    let limits = LoadLimits::default();
    if let Some(head) = from_str_head_scanned(src, limits) {
        return Ok(head);
    }
    from_str_head_parsed(src, limits)
}

/// [`from_str_head`] of a document that [`super::block_scan`] proves well-formed (with every
/// scalar outside the head accepted as [`build_head`] accepts it): the decode of its head
/// entries' text alone, which is the same root mapping's same entries. `None` when the scan
/// cannot prove it, or when the head's own decode fails (the whole document's decode then
/// reports the error at its place).
pub(super) fn from_str_head_scanned(src: &str, limits: LoadLimits) -> Option<Value> {
    let mut checker = head_checker(limits);
    use super::block_scan::{head_ranges, Head};
    let head = head_ranges(
        src,
        limits.max_depth,
        &mut |value, plain, is_key| skipped_scalar_ok(&mut checker, value, "", plain, is_key),
        is_head_key,
    )?;
    reject_control_chars(src).ok()?;
    let ranges = match head {
        Head::Empty => return Some(Value::Nil),
        Head::Entries(ranges) => ranges,
    };
    if ranges.is_empty() {
        return Some(Value::map(gotemplate::Map::new()));
    }
    let head: String = ranges.iter().map(|&(a, b)| &src[a..b]).collect();
    from_str_head_parsed(&head, limits).ok()
}

/// [`from_str_head`] through the parser.
pub(super) fn from_str_head_parsed(src: &str, limits: LoadLimits) -> Result<Value, YamlError> {
    if let Some((b, root)) = build_head(src, limits)? {
        return decode_root_mode(&b.nodes, root, limits, true, true);
    }
    from_str_head_full(src, limits)
}

/// [`from_str_head`] through the whole node tree (what [`build_head`] leaves to it).
fn from_str_head_full(src: &str, limits: LoadLimits) -> Result<Value, YamlError> {
    let (b, roots) = build(src, true, limits)?;
    decode_root_mode(
        &b.nodes,
        roots.first().copied().flatten(),
        limits,
        true,
        true,
    )
}

/// The decoder that would meet the scalars [`build_head`] skips (only its checks are used).
fn head_checker(limits: LoadLimits) -> Decoder<'static> {
    Decoder {
        shadow: 1,
        ..Decoder::new(&[], limits, true, true)
    }
}

/// Whether a scalar outside the head decodes as the head build takes it (else the whole tree
/// is decoded): no merge key, no null or uint64 key, no NaN or infinity value, a resolution
/// that does not fail.
fn skipped_scalar_ok(
    checker: &mut Decoder<'_>,
    value: &str,
    tag: &str,
    plain: bool,
    is_key: bool,
) -> bool {
    if is_key && value == "<<" {
        return false;
    }
    // An untagged plain scalar never fails to resolve; one that starts with a letter is no
    // number (no NaN or infinity, no uint64 key) and, but for `null` forms, no null: most of
    // a schema's words need no resolving.
    let first = value.as_bytes().first().copied().unwrap_or(b'~');
    if tag.is_empty()
        && plain
        && first.is_ascii_alphabetic()
        && !(is_key && matches!(first, b'n' | b'N'))
    {
        return true;
    }
    match checker.check_scalar(value, tag, plain, !is_key) {
        Ok(ScalarKind::Nil | ScalarKind::Uint) if is_key => false,
        Ok(_) => checker.json_error.is_none(),
        Err(_) => false,
    }
}

/// A collection being checked, not built, by [`build_head`]: whether it is a mapping whose
/// next node is a key.
struct Checked {
    map: bool,
    key_next: bool,
}

/// The first document's node tree with only the root mapping's head entries in it (the
/// entries a head-only decode builds, see [`from_str_head`]), the other entries checked on
/// the way: the whole document is still parsed (every syntax error and depth limit as in
/// [`build`]) and each scalar of the other entries resolved as the decoder would resolve it.
/// A node tree for the decoder only where a large document's head is: a CRD is megabytes of
/// schema that `SimpleHead` never reads.
///
/// `Ok(None)` leaves the document to the full tree whenever the skipped entries could matter
/// to the decode: a root that is not a mapping, an anchor, alias or merge key anywhere, a key
/// that is a collection or that sigs.k8s.io/yaml rejects, or a scalar whose resolution fails
/// (the full decode then reports its errors in document order).
fn build_head(
    src: &str,
    limits: LoadLimits,
) -> Result<Option<(Builder<'_>, Option<usize>)>, YamlError> {
    reject_control_chars(src)?;
    let mut parser = Parser::new(src);
    let mut b = Builder { nodes: Vec::new() };
    let mut checker = head_checker(limits);
    // Collections built into the tree (the root mapping first).
    let mut stack: Vec<usize> = Vec::new();
    // Collections being checked inside a skipped root entry.
    let mut checked: Vec<Checked> = Vec::new();
    let mut root: Option<usize> = None;
    // At the root mapping: whether the next node is a key, and whether the value after the
    // current key is skipped.
    let mut root_key_next = true;
    let mut skip_value = false;
    while let Some(ev) = parser.next() {
        let (ev, mark) = ev.map_err(|e| syntax_error(&e))?;
        // Where this node goes: in a skipped entry, as the root's key or value, or inside a
        // built entry.
        let skipping = !checked.is_empty() || (stack.len() == 1 && !root_key_next && skip_value);
        match ev {
            Event::StreamStart => continue,
            Event::StreamEnd => break,
            Event::DocumentStart => continue,
            // the first document only, as `build(src, true, ..)`
            Event::DocumentEnd => break,
            Event::Alias(_)
            | Event::Scalar {
                anchor: Some(_), ..
            }
            | Event::SequenceStart { anchor: Some(_) }
            | Event::MappingStart { anchor: Some(_) } => return Ok(None),
            Event::SequenceEnd | Event::MappingEnd => {
                if checked.pop().is_some() {
                    if checked.is_empty() && stack.len() == 1 {
                        root_key_next = true;
                    }
                } else {
                    stack.pop();
                    if stack.len() == 1 {
                        root_key_next = true;
                    }
                }
                continue;
            }
            Event::Scalar {
                value,
                tag,
                plain_implicit,
                ..
            } if skipping => {
                let is_key = checked.last().is_some_and(|c| c.map && c.key_next);
                if let Some(c) = checked.last_mut() {
                    if c.map {
                        c.key_next = !c.key_next;
                    }
                }
                if !skipped_scalar_ok(&mut checker, &value, &tag, plain_implicit, is_key) {
                    return Ok(None);
                }
                if checked.is_empty() {
                    // a skipped root value that is one scalar
                    root_key_next = true;
                }
                continue;
            }
            Event::SequenceStart { .. } | Event::MappingStart { .. } if skipping => {
                if checked.last().is_some_and(|c| c.map && c.key_next) {
                    return Ok(None);
                }
                if let Some(c) = checked.last_mut() {
                    if c.map {
                        c.key_next = true;
                    }
                }
                checked.push(Checked {
                    map: matches!(ev, Event::MappingStart { .. }),
                    key_next: true,
                });
                if stack.len() + checked.len() > limits.max_depth {
                    return Err(too_deep(mark, limits));
                }
                continue;
            }
            Event::Scalar {
                value,
                tag,
                plain_implicit,
                ..
            } => {
                if stack.len() == 1 {
                    if root_key_next {
                        if value == "<<" {
                            return Ok(None);
                        }
                        match checker.check_scalar(&value, &tag, plain_implicit, false) {
                            Ok(ScalarKind::Nil | ScalarKind::Uint) | Err(_) => return Ok(None),
                            Ok(_) => {}
                        }
                        // Only an untagged key's text is its name for sure; any other key
                        // is built and left to the decoder.
                        skip_value = tag.is_empty() && !is_head_key(&value);
                        root_key_next = false;
                        if skip_value {
                            continue;
                        }
                    } else {
                        root_key_next = true;
                    }
                } else if stack.is_empty() {
                    // a root that is not a mapping
                    return Ok(None);
                }
                let idx = b.nodes.len();
                b.nodes.push(Node {
                    kind: Kind::Scalar {
                        value,
                        tag,
                        plain: plain_implicit,
                    },
                });
                if let Some(&parent) = stack.last() {
                    if let Kind::Seq(c) | Kind::Map(c) = &mut b.nodes[parent].kind {
                        c.push(idx);
                    }
                }
            }
            Event::SequenceStart { .. } | Event::MappingStart { .. } => {
                let map = matches!(ev, Event::MappingStart { .. });
                match stack.len() {
                    0 if !map => return Ok(None),
                    1 if root_key_next => return Ok(None),
                    _ => {}
                }
                let idx = b.nodes.len();
                b.nodes.push(Node {
                    kind: if map {
                        Kind::Map(Vec::new())
                    } else {
                        Kind::Seq(Vec::new())
                    },
                });
                match stack.last() {
                    Some(&parent) => {
                        if let Kind::Seq(c) | Kind::Map(c) = &mut b.nodes[parent].kind {
                            c.push(idx);
                        }
                    }
                    None => root = Some(idx),
                }
                stack.push(idx);
                if stack.len() > limits.max_depth {
                    return Err(too_deep(mark, limits));
                }
            }
        }
    }
    if root.is_none() {
        return Ok(None);
    }
    Ok(Some((b, root)))
}

/// go-yaml's reader refuses control characters wherever they are; checked before parsing.
fn reject_control_chars(src: &str) -> Result<(), YamlError> {
    if has_rejected_char(src) {
        return Err(YamlError::new(
            YamlErrorKind::Syntax,
            format!("{PREFIX}yaml: control characters are not allowed"),
        ));
    }
    Ok(())
}

fn too_deep(mark: super::parse::Mark, limits: LoadLimits) -> YamlError {
    YamlError {
        kind: YamlErrorKind::TooDeep,
        message: format!(
            "{PREFIX}yaml: line {}: exceeded max depth of {}",
            mark.line + 1,
            limits.max_depth
        ),
        line: Some(mark.line + 1),
        column: Some(mark.column + 1),
    }
}

/// sigs.k8s.io/yaml's conversion of a scalar decoded for a Go `string` field (struct fields,
/// `[]string` items, `map[string]string` values): ints in decimal, floats as `%g` of a float32
/// (`1.10` → `"1.1"`, `1.5e300` → `"+Inf"`), booleans as `true`/`false`, strings unchanged.
/// `None` for null (the field stays empty) and for lists and maps (a JSON type error).
pub fn sigs_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Int(i) | Value::Int64(i) => Some(i.to_string()),
        Value::Float(f) => Some(gofloat::format_g32(*f)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every document of a `---` separated stream, each decoded as [`from_str`] does.
pub fn from_str_all(src: &str) -> Result<Vec<Value>, YamlError> {
    let limits = LoadLimits::default();
    let (b, roots) = build(src, false, limits)?;
    roots
        .into_iter()
        .map(|r| decode_root(&b.nodes, r, limits))
        .collect()
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Map(_) => "object",
        _ => "number",
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` into a map (`fromYaml`, values files). `go_type` names the Go
/// target type for the error message, e.g. `map[string]interface {}` (`fromYaml`).
pub fn from_str_map(src: &str, go_type: &str) -> Result<Map, YamlError> {
    match from_str(src)? {
        Value::Nil => Ok(Map::new()),
        Value::Map(m) => Ok(m.borrow().clone()),
        other => Err(YamlError::new(
            YamlErrorKind::Semantic,
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {go_type}",
                json_kind(&other)
            ),
        )),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` into `[]interface{}` (`fromYamlArray`).
pub fn from_str_list(src: &str) -> Result<Vec<Value>, YamlError> {
    match from_str(src)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => Ok((*l).clone()),
        other => Err(YamlError::new(
            YamlErrorKind::Semantic,
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ),
        )),
    }
}

/// Helm 4's values-file loader (`LoadValues`): the text is split into documents the way
/// `k8s.io/apimachinery`'s `YAMLReader` does (a line starting with `---`, followed only by
/// blanks or a comment), each document is decoded as `fromYaml` does, and the maps are merged
/// (nested maps recursively, later documents win). Errors carry Helm 4's wording:
/// `cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: ...` and
/// `error reading yaml document: invalid Yaml document separator: x`.
///
/// Helm 3 reads only the first document: use [`from_str_map`] with `map[string]interface {}`.
pub fn load_values(src: &str) -> Result<Map, YamlError> {
    let mut docs: Vec<String> = Vec::new();
    let mut buf = String::new();
    for line in src.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::new(
                    YamlErrorKind::Syntax,
                    format!(
                        "error reading yaml document: invalid Yaml document separator: {trimmed}"
                    ),
                ));
            }
            if !buf.is_empty() {
                docs.push(std::mem::take(&mut buf));
            }
            continue;
        }
        buf.push_str(line);
    }
    if !buf.is_empty() {
        docs.push(buf);
    }
    let mut values = Map::new();
    for doc in docs {
        let current = from_str_map(&doc, "map[string]interface {}").map_err(|mut e| {
            e.message = format!("cannot unmarshal yaml document: {}", e.message);
            e
        })?;
        values = merge_maps(values, current);
    }
    Ok(values)
}

/// Helm 4's `MergeMaps`: maps merge recursively, everything else from `b` replaces.
fn merge_maps(a: Map, b: Map) -> Map {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The head decode with and without [`build_head`]: the same value or the same error.
    fn same_head(src: &str) -> bool {
        let limits = LoadLimits::default();
        let fast = from_str_head(src);
        let full = from_str_head_full(src, limits);
        assert_eq!(
            format!("{fast:?}"),
            format!("{full:?}"),
            "head decode of {src:?}"
        );
        build_head(src, limits).is_ok_and(|b| b.is_some())
    }

    #[test]
    fn the_head_tree_decodes_as_the_whole_tree() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/yaml");
        let mut inputs: Vec<String> = Vec::new();
        for f in [
            "handwritten",
            "jsonmutate",
            "mutated",
            "random",
            "scalars",
            "syntax",
            "values",
        ] {
            let text = std::fs::read_to_string(dir.join(format!("{f}.json"))).unwrap();
            let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
            for c in cases.as_array().unwrap() {
                inputs.push(c["input"].as_str().unwrap().to_string());
            }
        }
        assert!(inputs.len() > 3000);
        let mut fast = 0;
        for input in &inputs {
            // as it is, and as the body of a manifest (the entries the head tree skips)
            let indented: String = input.lines().map(|l| format!("  {l}\n")).collect();
            let variants = [
                input.clone(),
                format!("apiVersion: v1\nkind: K\nmetadata:\n  name: n\nspec:\n{indented}"),
                format!("kind: K\nspec:\n{indented}metadata:\n  name: n\n"),
                format!("spec:\n  - {}\nkind: K\n", input.replace('\n', "\n    ")),
                format!("{input}\nkind: K\n"),
            ];
            for v in &variants {
                if same_head(v) {
                    fast += 1;
                }
            }
        }
        // most of them take the head tree
        assert!(fast > inputs.len(), "{fast} of {}", inputs.len() * 5);
    }

    #[test]
    fn the_head_tree_leaves_what_it_cannot_skip_to_the_whole_tree() {
        let head = "apiVersion: v1\nkind: K\nmetadata:\n  name: n\n  annotations:\n    a: 1\n";
        // a plain manifest is decoded from its head tree
        assert!(same_head(&format!(
            "{head}spec:\n  x: [1, {{a: b}}]\n  y: |\n    text\n"
        )));
        for body in [
            "spec: &a {x: 1}\nother: *a\n",
            "spec:\n  <<: {x: 1}\n",
            "spec:\n  ~: 1\n",
            "spec:\n  Null: 1\n",
            "spec:\n  - null: 1\n",
            "spec:\n  x: -.inf\n",
            "spec:\n  x: [+.Inf]\n",
            "spec:\n  18446744073709551615: 1\n",
            "spec:\n  ? [a]\n  : 1\n",
            "spec:\n  x: !!int nope\n",
            "spec:\n  x: .nan\n",
            "spec:\n  x: !!binary '%%%'\n",
            "~: 1\n",
            "? {a: 1}\n: 2\n",
        ] {
            assert!(!same_head(&format!("{head}{body}")), "{body}");
        }
        // not a mapping, or empty
        for doc in ["- a\n", "a\n", "", "# only a comment\n"] {
            assert!(!same_head(doc), "{doc:?}");
        }
        // errors anywhere: the same error as the whole tree
        let deep = format!("kind: K\nspec: {}{}\n", "[".repeat(400), "]".repeat(400));
        same_head(&deep);
        same_head(&format!("{head}spec:\n  x: [1\n"));
        same_head(&format!("{head}spec:\n  x: 1\n y: 2\n"));
        same_head("metadata:\n  name: !!int nope\nspec:\n  x: 1\n y: 2\n");
        same_head("metadata:\n  name: .nan\nspec:\n  x: !!int nope\n");
        same_head("kind: K\nspec:\n  x: 1\n---\nkind: [\n");
    }

    #[test]
    fn the_byte_check_rejects_exactly_the_rejected_characters() {
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let mut buf = [0; 4];
            let alone = c.encode_utf8(&mut buf);
            assert_eq!(has_rejected_char(alone), reader_rejects(c), "U+{u:04X}");
            // and in the middle of text, after a multi-byte character
            let s = format!("é{c}x");
            assert_eq!(
                has_rejected_char(&s),
                reader_rejects(c),
                "U+{u:04X} in text"
            );
        }
    }
}
