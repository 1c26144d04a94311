//! JSON as Helm's template functions see it: Go `encoding/json`, byte for byte.
//!
//! * [`to_json`]`(&Value, escape_html)` — `json.Marshal` (`toJson`, `mustToJson`: `escape_html =
//!   true`) or an `Encoder` with `SetEscapeHTML(false)` minus the trailing newline
//!   (`toRawJson`). Keys sorted bytewise, floats as `encoding/json` writes them (`3`, `1e+21`,
//!   `1e-7`), `[]byte` as base64, host objects through `Object::to_data`.
//! * [`to_pretty_json`] — `json.MarshalIndent(v, "", "  ")` (`toPrettyJson`).
//! * [`from_json`] / [`from_json_value`] / [`from_json_list`] — `json.Unmarshal` into
//!   `map[string]interface{}`, `interface{}` and `[]interface{}`; numbers become float64.
//!   Errors are Go's messages (`invalid character 'x' looking for beginning of value`,
//!   `unexpected end of JSON input`, `json: cannot unmarshal array into Go value of type
//!   map[string]interface {}`).
//!
//! Helm's `toJson` turns an error into `""`; `fromJson` returns `{"Error": msg}` and
//! `fromJsonArray` `[msg]` — that wrapping is left to the function layer.

use std::collections::HashSet;
use std::rc::Rc;

use gotemplate::value::Map;
use gotemplate::Value;

use crate::yaml::gofloat;

/// Maximum nesting accepted by the encoder and decoder (Go's decoder allows 10000; this keeps
/// recursion inside a wasm stack).
pub const MAX_JSON_DEPTH: usize = 500;

/// Standard base64 with padding (Go `base64.StdEncoding`), as `json.Marshal` writes `[]byte`.
pub fn base64_std(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
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

/// Go `encoding/json` string encoding.
pub fn write_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Enc<'a> {
    out: String,
    escape_html: bool,
    indent: Option<&'a str>,
    seen: HashSet<usize>,
}

impl Enc<'_> {
    fn newline(&mut self, depth: usize) {
        if let Some(ind) = self.indent {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str(ind);
            }
        }
    }

    fn value(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_JSON_DEPTH {
            return Err(format!("json: exceeded max depth of {MAX_JSON_DEPTH}"));
        }
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Float(x) => match gofloat::json_float(*x) {
                Some(s) => self.out.push_str(&s),
                None => {
                    return Err(format!(
                        "json: unsupported value: {}",
                        gofloat::go_special_name(*x)
                    ))
                }
            },
            Value::String(s) => write_string(&mut self.out, s, self.escape_html),
            Value::Bytes(b) => write_string(&mut self.out, &base64_std(b), self.escape_html),
            Value::List(items) => {
                let key = Rc::as_ptr(items) as *const u8 as usize;
                if !self.seen.insert(key) {
                    return Err(
                        "json: unsupported value: encountered a cycle via []interface {}".into(),
                    );
                }
                self.out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.value(x, depth + 1)?;
                }
                if !items.is_empty() {
                    self.newline(depth);
                }
                self.out.push(']');
                self.seen.remove(&key);
            }
            Value::Map(m) => {
                let key = Rc::as_ptr(m) as *const u8 as usize;
                if !self.seen.insert(key) {
                    return Err(
                        "json: unsupported value: encountered a cycle via map[string]interface {}"
                            .into(),
                    );
                }
                self.out.push('{');
                let m = m.borrow();
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    write_string(&mut self.out, k, self.escape_html);
                    self.out.push(':');
                    if self.indent.is_some() {
                        self.out.push(' ');
                    }
                    self.value(x, depth + 1)?;
                }
                if !m.is_empty() {
                    self.newline(depth);
                }
                self.out.push('}');
                self.seen.remove(&key);
            }
            Value::Object(o) => {
                let data = o.to_data();
                if let Value::Object(_) = data {
                    return Err(format!("json: unsupported type: {}", o.type_name()));
                }
                self.value(&data, depth + 1)?;
            }
        }
        Ok(())
    }
}

fn encode(v: &Value, escape_html: bool, indent: Option<&str>) -> Result<String, String> {
    let mut e = Enc {
        out: String::new(),
        escape_html,
        indent,
        seen: HashSet::new(),
    };
    e.value(v, 0)?;
    Ok(e.out)
}

/// `json.Marshal` (`escape_html = true`, Helm's `toJson`) or Sprig's `toRawJson`
/// (`escape_html = false`). The error is Go's message (`json: unsupported value: NaN`).
pub fn to_json(v: &Value, escape_html: bool) -> Result<String, String> {
    encode(v, escape_html, None)
}

/// `json.MarshalIndent(v, "", "  ")` (Sprig's `toPrettyJson`; HTML-escaped).
pub fn to_pretty_json(v: &Value) -> Result<String, String> {
    encode(v, true, Some("  "))
}

// ---------------------------------------------------------------------------------------------
// Decoding

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = go_quote_rune(c);
            format!("'{q}'")
        }
    }
}

/// The inside of Go's `strconv.Quote(string(c))`.
fn go_quote_rune(c: char) -> String {
    match c {
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\u{c}' => "\\f".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        '\u{b}' => "\\v".into(),
        '\\' => "\\\\".into(),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => format!("\\x{:02x}", c as u32),
        c if (0x80..0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
            format!("\\u{:04x}", c as u32)
        }
        c => c.to_string(),
    }
}

struct Dec<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    /// First type error (Go saves it and keeps decoding; syntax errors win).
    type_err: Option<String>,
}

type DResult<T> = Result<T, String>;

impl Dec<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn err_at(&self, ctx: &str) -> String {
        // Go's scanner reports the offending byte, printed as the rune of that byte value
        // (a UTF-8 BOM shows as 'ï').
        match self.s.get(self.i) {
            // At the end Go feeds the scanner a space: where a space is not allowed that is
            // the error, elsewhere the input is just incomplete.
            None if ctx.starts_with("in \\u")
                || ctx.starts_with("after decimal point")
                || ctx.starts_with("in exponent")
                || ctx.starts_with("in numeric literal")
                || ctx.starts_with("in literal")
                || ctx.starts_with("in string escape code") =>
            {
                format!("invalid character ' ' {ctx}")
            }
            None => "unexpected end of JSON input".into(),
            Some(&b) => format!("invalid character {} {}", quote_char(char::from(b)), ctx),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> DResult<Value> {
        self.ws();
        if depth > MAX_JSON_DEPTH {
            return Err("exceeded max depth".into());
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut m = Map::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::map(m));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err_at("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err_at("after object key"));
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    m.insert(k, v);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::map(m));
                        }
                        _ => return Err(self.err_at("after object key:value pair")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut l = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::list(l));
                }
                loop {
                    l.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::list(l));
                        }
                        _ => return Err(self.err_at("after array element")),
                    }
                }
            }
            Some(b'"') => Ok(Value::string(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Nil),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err_at("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> DResult<Value> {
        let w = word.as_bytes();
        self.i += 1;
        for &expect in &w[1..] {
            if self.peek() != Some(expect) {
                return Err(self.err_at(&format!(
                    "in literal {word} (expecting '{}')",
                    expect as char
                )));
            }
            self.i += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let st = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - st
    }

    fn number(&mut self) -> DResult<Value> {
        let st = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err_at("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err_at("after decimal point in numeric literal"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err_at("in exponent of numeric literal"));
            }
        }
        let text = &self.src[st..self.i];
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.type_err.is_none() {
                    self.type_err = Some(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    ));
                }
                Ok(Value::Nil)
            }
        }
    }

    fn hex4(&mut self) -> DResult<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let Some(c) = self.peek() else {
                return Err(self.err_at("in \\u hexadecimal character escape"));
            };
            let Some(d) = (c as char).to_digit(16) else {
                return Err(self.err_at("in \\u hexadecimal character escape"));
            };
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> DResult<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("unexpected end of JSON input".into());
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err_at("in string escape code"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u)
                                && self.s.get(self.i) == Some(&b'\\')
                                && self.s.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                    continue;
                                }
                                // not a pair: the first is replaced, the second re-read
                                self.i = save;
                                out.push('\u{FFFD}');
                                continue;
                            }
                            out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err_at("in string escape code"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.err_at("in string literal")),
                _ => {
                    let st = self.i;
                    while let Some(c) = self.peek() {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        self.i += 1;
                    }
                    out.push_str(&self.src[st..self.i]);
                }
            }
        }
    }
}

/// Decode; a syntax error anywhere wins over a saved type error, as Go's `checkValid` runs
/// over the whole input first.
fn parse(src: &str) -> Result<(Value, Option<String>), String> {
    let mut d = Dec {
        s: src.as_bytes(),
        src,
        i: 0,
        type_err: None,
    };
    let v = d.value(0)?;
    d.ws();
    if d.i < d.s.len() {
        return Err(d.err_at("after top-level value"));
    }
    Ok((v, d.type_err))
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

/// `json.Unmarshal` into `interface{}`.
pub fn from_json_value(src: &str) -> Result<Value, String> {
    match parse(src)? {
        (_, Some(e)) => Err(e),
        (v, None) => Ok(v),
    }
}

/// `json.Unmarshal` into `map[string]interface{}` (Helm's `fromJson`): `Ok(Value::Map)`, or
/// `Ok(Value::Nil)` for `null` (Go leaves a nil map, which `toJson` prints as `null`).
pub fn from_json(src: &str) -> Result<Value, String> {
    let (v, type_err) = parse(src)?;
    match v {
        _ if !matches!(v, Value::Nil | Value::Map(_)) => Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&v)
        )),
        _ if type_err.is_some() => Err(type_err.unwrap_or_default()),
        Value::Nil => Ok(Value::Nil),
        Value::Map(m) => Ok(Value::Map(m)),
        other => Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
    }
}

/// `json.Unmarshal` into `[]interface{}` (Helm's `fromJsonArray`): `Ok(Value::List)`, or
/// `Ok(Value::Nil)` for `null` (a nil slice, printed by `toJson` as `null`).
pub fn from_json_list(src: &str) -> Result<Value, String> {
    let (v, type_err) = parse(src)?;
    match v {
        _ if !matches!(v, Value::Nil | Value::List(_)) => Err(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&v)
        )),
        _ if type_err.is_some() => Err(type_err.unwrap_or_default()),
        Value::Nil => Ok(Value::Nil),
        Value::List(l) => Ok(Value::List(l)),
        other => Err(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        )),
    }
}
