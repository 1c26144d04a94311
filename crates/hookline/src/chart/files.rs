//! `.Files` (pkg/engine/files.go): the chart's non-template files as a Go
//! `map[string][]byte` with methods `Get`, `GetBytes`, `Glob` (gobwas/glob with `/` as the
//! separator), `Lines`, `AsConfig`, `AsSecrets`.

use std::collections::BTreeMap;
use std::rc::Rc;

use gotemplate::{Map, Object, Value};

use super::FileData;

/// The `.Files` object of one chart.
#[derive(Clone, Debug, Default)]
pub struct Files {
    files: BTreeMap<String, FileData>,
}

impl Files {
    pub fn new(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Files {
        Files {
            files: files
                .into_iter()
                .map(|(k, v)| (k, FileData::from(v)))
                .collect(),
        }
    }

    /// From shared contents (no copy).
    pub fn from_shared(files: impl IntoIterator<Item = (String, Rc<[u8]>)>) -> Files {
        Files::from_data(files.into_iter().map(|(k, v)| (k, FileData::ready(v))))
    }

    /// From the chart's files (deferred ones are read when a template asks for them).
    pub fn from_data(files: impl IntoIterator<Item = (String, FileData)>) -> Files {
        Files {
            files: crate::stable_sort::map_from(files),
        }
    }

    /// `GetBytes`: the content, or empty when missing.
    pub fn get_bytes(&self, name: &str) -> Rc<[u8]> {
        self.files
            .get(name)
            .map(FileData::bytes)
            .unwrap_or_else(|| Rc::from(Vec::new()))
    }

    /// `Get`: the content as a string.
    pub fn get(&self, name: &str) -> String {
        super::lossy(&self.get_bytes(name)).into_owned()
    }

    /// `Glob`: the files whose names match; an invalid pattern matches everything (Helm falls
    /// back to `**`).
    pub fn glob(&self, pattern: &str) -> Files {
        let g = Glob::compile(pattern);
        Files {
            files: crate::stable_sort::map_from(
                self.files
                    .iter()
                    .filter(|(k, _)| g.as_ref().is_none_or(|g| g.matches(k)))
                    .map(|(k, v)| (k.clone(), v.clone())),
            ),
        }
    }

    /// `Lines`: the file split at newlines, a final newline dropped.
    pub fn lines(&self, name: &str) -> Result<Vec<String>, String> {
        let Some(data) = self.files.get(name) else {
            return Ok(Vec::new());
        };
        let data = data.bytes();
        let s = super::lossy(&data);
        if s.is_empty() {
            return Err("runtime error: index out of range [-1]".into());
        }
        let s = s.strip_suffix('\n').unwrap_or(&s);
        Ok(s.split('\n').map(str::to_string).collect())
    }

    fn by_basename(&self, f: impl Fn(&[u8]) -> String) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.files {
            let base = k.rsplit('/').next().unwrap_or(k);
            m.insert(base.to_string(), Value::from(f(&v.bytes())));
        }
        Value::map(m)
    }

    /// `AsConfig`: YAML map of base name → content.
    pub fn as_config(&self) -> String {
        to_yaml(&self.by_basename(|v| super::lossy(v).into_owned()))
    }

    /// `AsSecrets`: YAML map of base name → base64 of the content.
    pub fn as_secrets(&self) -> String {
        to_yaml(&self.by_basename(base64))
    }

    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Helm's `toYAML` of files.go (yaml.Marshal, final newline trimmed, "" on error).
fn to_yaml(v: &Value) -> String {
    crate::yaml::to_yaml(v).unwrap_or_default()
}

/// Standard base64 with padding.
pub(crate) fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn arg_str(args: &[Value], method: &str) -> Result<String, String> {
    match args {
        [Value::String(s)] => Ok(s.to_string()),
        [other] => Err(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        )),
        _ => Err(format!(
            "wrong number of args for {method}: want 1 got {}",
            args.len()
        )),
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn kind_name(&self) -> &'static str {
        "map"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match self.files.get(name) {
            Some(v) => Value::Bytes(v.bytes()),
            // A missing key of a map[string][]byte gives the zero value (nil slice).
            None => Value::Nil,
        })
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Get" | "GetBytes" | "Glob" | "Lines" | "AsConfig" | "AsSecrets"
        )
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match name {
            "Get" => Ok(Value::from(self.get(&arg_str(args, name)?))),
            "GetBytes" => Ok(Value::Bytes(self.get_bytes(&arg_str(args, name)?))),
            "Glob" => Ok(Value::Object(Rc::new(self.glob(&arg_str(args, name)?)))),
            "Lines" => Ok(Value::list(
                self.lines(&arg_str(args, name)?)?
                    .into_iter()
                    .map(Value::from)
                    .collect(),
            )),
            "AsConfig" | "AsSecrets" if !args.is_empty() => Err(format!(
                "wrong number of args for {name}: want 0 got {}",
                args.len()
            )),
            "AsConfig" => Ok(Value::from(self.as_config())),
            "AsSecrets" => Ok(Value::from(self.as_secrets())),
            _ => Err(format!("can't evaluate field {name} in type engine.files")),
        }
    }
    fn display(&self) -> String {
        let items: Vec<String> = self
            .files
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}:[{}]",
                    v.bytes()
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            })
            .collect();
        format!("map[{}]", items.join(" "))
    }
    fn is_true(&self) -> bool {
        !self.files.is_empty()
    }
    fn to_data(&self) -> Value {
        // encoding/json writes []byte as base64 strings.
        Value::map(crate::stable_sort::map_from(
            self.files
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(base64(&v.bytes())))),
        ))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A compiled gobwas/glob pattern with `/` as the only separator.
#[derive(Clone, Debug)]
pub struct Glob {
    toks: Vec<Tok>,
}

#[derive(Clone, Debug)]
enum Tok {
    Lit(char),
    /// `*`: any run of non-separators.
    Star,
    /// `**`: any run of characters.
    Super,
    /// `?`: one non-separator.
    Single,
    /// `[...]` / `[!...]`.
    Class(bool, Vec<(char, char)>),
    /// `{a,b}`.
    Alt(Vec<Vec<Tok>>),
}

const SEP: char = '/';

impl Glob {
    /// Compile; `None` when gobwas would refuse the pattern.
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let toks = parse_seq(&chars, &mut pos, false, 0)?;
        if pos != chars.len() {
            return None;
        }
        Some(Glob { toks })
    }

    pub fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        let mut budget = 1_000_000usize;
        match_toks(&self.toks, &chars, &mut budget)
    }
}

fn parse_seq(c: &[char], pos: &mut usize, in_alt: bool, depth: usize) -> Option<Vec<Tok>> {
    if depth > 32 {
        return None;
    }
    let mut out = Vec::new();
    while *pos < c.len() {
        let ch = c[*pos];
        match ch {
            ',' | '}' if in_alt => return Some(out),
            '\\' => {
                *pos += 1;
                out.push(Tok::Lit(*c.get(*pos)?));
                *pos += 1;
            }
            '*' => {
                if c.get(*pos + 1) == Some(&'*') {
                    *pos += 2;
                    out.push(Tok::Super);
                } else {
                    *pos += 1;
                    out.push(Tok::Star);
                }
            }
            '?' => {
                *pos += 1;
                out.push(Tok::Single);
            }
            '[' => {
                *pos += 1;
                let neg = c.get(*pos) == Some(&'!');
                if neg {
                    *pos += 1;
                }
                let mut items = Vec::new();
                loop {
                    let a = *c.get(*pos)?;
                    if a == ']' {
                        *pos += 1;
                        break;
                    }
                    if c.get(*pos + 1) == Some(&'-') && c.get(*pos + 2).is_some_and(|x| *x != ']') {
                        let b = c[*pos + 2];
                        if b < a {
                            return None;
                        }
                        items.push((a, b));
                        *pos += 3;
                    } else {
                        items.push((a, a));
                        *pos += 1;
                    }
                }
                out.push(Tok::Class(neg, items));
            }
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    let alt = parse_seq(c, pos, true, depth + 1)?;
                    alts.push(alt);
                    match c.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Tok::Alt(alts));
            }
            other => {
                *pos += 1;
                out.push(Tok::Lit(other));
            }
        }
    }
    if in_alt {
        // Unclosed `{`.
        return None;
    }
    Some(out)
}

fn match_toks(toks: &[Tok], s: &[char], budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match first {
        Tok::Lit(c) => s.first() == Some(c) && match_toks(rest, &s[1..], budget),
        Tok::Single => s.first().is_some_and(|c| *c != SEP) && match_toks(rest, &s[1..], budget),
        Tok::Class(neg, items) => {
            s.first()
                .is_some_and(|c| items.iter().any(|(a, b)| a <= c && c <= b) != *neg)
                && match_toks(rest, &s[1..], budget)
        }
        Tok::Star => {
            for i in 0..=s.len() {
                if match_toks(rest, &s[i..], budget) {
                    return true;
                }
                if i < s.len() && s[i] == SEP {
                    return false;
                }
            }
            false
        }
        Tok::Super => (0..=s.len()).any(|i| match_toks(rest, &s[i..], budget)),
        Tok::Alt(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_toks(&joined, s, budget)
        }),
    }
}
