//! `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal` parsing, rule for
//! rule as Helm's pkg/strvals/parser.go and pkg/strvals/literal_parser.go, with Helm's error
//! texts. Go's recovered panics (a failed type assertion) become
//! `unable to parse key: interface conversion: ...` exactly where Helm's `recover` catches them.

use std::cell::RefCell;
use std::rc::Rc;

use gotemplate::{Map, MapRef, Value};

/// pkg/strvals/parser.go `MaxIndex`.
pub const MAX_INDEX: i64 = 65536;
/// pkg/strvals/parser.go `MaxNestedNameLevel`.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// Parse `s` (`a=b,c.d=e`) into a new map (`strvals.Parse`).
pub fn parse(s: &str) -> Result<Map, String> {
    let m = new_map();
    parse_into(s, &m)?;
    let out = m.borrow().clone();
    Ok(out)
}

/// `strvals.ParseInto`: `--set` (typed: ints, bools, null).
pub fn parse_into(s: &str, dest: &MapRef) -> Result<(), String> {
    Parser::new(s, Mode::Typed).parse(dest)
}

/// `strvals.ParseIntoString`: `--set-string` (every value a string).
pub fn parse_into_string(s: &str, dest: &MapRef) -> Result<(), String> {
    Parser::new(s, Mode::String).parse(dest)
}

/// `strvals.ParseJSON`: `--set-json key=JSON` pairs.
pub fn parse_json(s: &str, dest: &MapRef) -> Result<(), String> {
    Parser::new(s, Mode::Json).parse(dest)
}

/// `strvals.ParseIntoFile`: `--set-file key=path`; `read` returns the file's content.
pub fn parse_into_file(
    s: &str,
    dest: &MapRef,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    Parser::new(s, Mode::File(read)).parse(dest)
}

/// `strvals.ParseLiteralInto`: `--set-literal key=everything after the first =`.
pub fn parse_literal_into(s: &str, dest: &MapRef) -> Result<(), String> {
    let mut p = Parser::new(s, Mode::Literal);
    p.literal = true;
    p.parse(dest)
}

/// A JSON document as Go's `encoding/json` decodes it into `interface{}` (numbers float64).
pub fn json_to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => Value::map(crate::stable_sort::map_from(
            o.iter().map(|(k, v)| (k.clone(), json_to_value(v))),
        )),
    }
}

fn new_map() -> MapRef {
    Rc::new(RefCell::new(Map::new()))
}

enum Mode<'a> {
    Typed,
    String,
    Json,
    File(&'a mut dyn FnMut(&str) -> Result<String, String>),
    Literal,
}

/// How a parse step ends when it does not succeed.
#[derive(Debug)]
enum Fail {
    /// io.EOF: the input is exhausted (not an error for `parse`).
    Eof,
    /// A returned error.
    Err(String),
    /// A Go runtime panic, caught by the nearest `key` frame.
    Panic(String),
}

type R<T> = Result<T, Fail>;

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    mode: Mode<'a>,
    literal: bool,
}

/// Go's type name as a failed `x.(T)` prints it.
fn go_type(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Nil) => "nil".into(),
        Some(v) => v.type_name(),
    }
}

fn as_list(v: Option<&Value>) -> R<Vec<Value>> {
    match v {
        Some(Value::List(l)) => Ok(l.as_ref().clone()),
        other => Err(Fail::Panic(format!(
            "interface conversion: interface {{}} is {}, not []interface {{}}",
            go_type(other)
        ))),
    }
}

fn as_map(v: Option<&Value>) -> R<MapRef> {
    match v {
        Some(Value::Map(m)) => Ok(m.clone()),
        other => Err(Fail::Panic(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            go_type(other)
        ))),
    }
}

/// Go's `strconv.Quote` (`%q`).
pub(crate) fn go_quote(s: &str) -> String {
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
            c if c.is_control() => {
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

/// Go's `%q` of a `[]rune`: each rune single-quoted, space separated, in brackets.
fn go_quote_runes(s: &str) -> String {
    let items: Vec<String> = s
        .chars()
        .map(|c| match c {
            '\'' => "'\\''".to_string(),
            '"' => "'\"'".to_string(),
            c => {
                let q = go_quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        })
        .collect();
    format!("[{}]", items.join(" "))
}

/// Go's `strconv.Atoi` with its error text.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// pkg/strvals/parser.go `typedVal`.
fn typed_val(v: &str, as_string: bool) -> Value {
    if as_string {
        return Value::string(v);
    }
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if v == "0" {
        return Value::Int64(0);
    }
    if !v.is_empty() && !v.starts_with('0') {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = v.parse::<i64>() {
                return Value::Int64(i);
            }
        }
    }
    Value::string(v)
}

fn set(data: &MapRef, key: &str, val: Value) {
    if key.is_empty() {
        return;
    }
    data.borrow_mut().insert(key.to_string(), val);
}

fn set_index(mut list: Vec<Value>, index: i64, val: Value) -> (Vec<Value>, Option<String>) {
    if index < 0 {
        return (list, Some(format!("negative {index} index not allowed")));
    }
    if index > MAX_INDEX {
        return (
            list,
            Some(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            )),
        );
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Nil);
    }
    list[i] = val;
    (list, None)
}

impl<'a> Parser<'a> {
    fn new(s: &str, mode: Mode<'a>) -> Parser<'a> {
        Parser {
            chars: s.chars().collect(),
            pos: 0,
            mode,
            literal: false,
        }
    }

    fn parse(&mut self, data: &MapRef) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => continue,
                Err(Fail::Eof) => return Ok(()),
                Err(Fail::Err(e)) | Err(Fail::Panic(e)) => return Err(e),
            }
        }
    }

    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// `runesUntil` (with `\` escapes) or `runesUntilLiteral` (without). `Err(last)` is EOF.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') if !self.literal => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn reader(&mut self, rs: &str) -> R<Value> {
        match &mut self.mode {
            Mode::Typed => Ok(typed_val(rs, false)),
            Mode::String | Mode::Json | Mode::Literal => Ok(typed_val(rs, true)),
            Mode::File(read) => read(rs).map(Value::from).map_err(Fail::Err),
        }
    }

    fn key(&mut self, data: &MapRef, level: usize) -> R<()> {
        match self.key_inner(data, level) {
            Err(Fail::Panic(p)) => Err(Fail::Err(format!("unable to parse key: {p}"))),
            other => other,
        }
    }

    fn key_inner(&mut self, data: &MapRef, mut level: usize) -> R<()> {
        let stop: &[char] = if self.literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.runes_until(stop);
        let Some(last) = last else {
            if k.is_empty() {
                return Err(Fail::Eof);
            }
            return Err(Fail::Err(format!("key {} has no value", go_quote(&k))));
        };
        match last {
            '[' => {
                let i = self
                    .key_index()
                    .map_err(|e| Fail::Err(format!("error parsing index: {e}")))?;
                let existing = data.borrow().get(&k).cloned();
                let list = match existing {
                    Some(v) => as_list(Some(&v))?,
                    None => Vec::new(),
                };
                let (list, err) = self.list_item(list, i, level)?;
                set(data, &k, list.map(Value::list).unwrap_or(Value::Nil));
                match err {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
            '=' => {
                if self.literal {
                    let rest: String = self.chars[self.pos..].iter().collect();
                    self.pos = self.chars.len();
                    set(data, &k, Value::from(rest));
                    return Ok(());
                }
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        set(data, &k, Value::Nil);
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::list(vl));
                        Ok(())
                    }
                    Err(ValListErr::Eof) => {
                        set(data, &k, Value::from(""));
                        Err(Fail::Eof)
                    }
                    Err(ValListErr::NotList) => {
                        let (rs, _) = self.runes_until(&[',']);
                        let v = self.reader(&rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(ValListErr::Other(e)) => Err(e),
                }
            }
            ',' => {
                set(data, &k, Value::from(""));
                Err(Fail::Err(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                )))
            }
            _ => {
                // '.'
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Fail::Err(format!("value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}")));
                }
                let existing = data.borrow().get(&k).cloned();
                let inner = match existing {
                    Some(v) => as_map(Some(&v))?,
                    None => new_map(),
                };
                let e = self.key(&inner, level);
                let empty = inner.borrow().is_empty();
                if e.is_ok() && empty {
                    return Err(Fail::Err(format!("key map {} has no value", go_quote(&k))));
                }
                if !empty {
                    set(data, &k, Value::Map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err("EOF".into());
        }
        atoi(&v)
    }

    /// Returns the new list (None = Go's nil) and a returned error, or a failure that skips
    /// the caller's `set` (EOF-free errors before any change, or a panic).
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> R<(Option<Vec<Value>>, Option<Fail>)> {
        if i < 0 {
            return Ok((
                Some(list),
                Some(Fail::Err(format!("negative {i} index not allowed"))),
            ));
        }
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return Ok((
                Some(list),
                Some(Fail::Err(format!(
                    "unexpected data at end of array index: {}",
                    go_quote_runes(&k)
                ))),
            ));
        }
        let Some(last) = last else {
            return Ok((Some(list), Some(Fail::Eof)));
        };
        let done = |(l, e): (Vec<Value>, Option<String>)| Ok((Some(l), e.map(Fail::Err)));
        match last {
            '=' => {
                if self.literal {
                    let rest: String = self.chars[self.pos..].iter().collect();
                    self.pos = self.chars.len();
                    return done(set_index(list, i, Value::from(rest)));
                }
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        return done(set_index(list, i, Value::Nil));
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return Ok((Some(list), Some(e))),
                    };
                    let (l, e) = set_index(list, i, v);
                    if e.is_some() {
                        return Ok((Some(l), e.map(Fail::Err)));
                    }
                    self.empty_val();
                    return Ok((Some(l), None));
                }
                match self.val_list() {
                    Ok(vl) => done(set_index(list, i, Value::list(vl))),
                    Err(ValListErr::Eof) => done(set_index(list, i, Value::from(""))),
                    Err(ValListErr::NotList) => {
                        let (rs, _) = self.runes_until(&[',']);
                        match self.reader(&rs) {
                            Ok(v) => done(set_index(list, i, v)),
                            Err(e) => Ok((Some(list), Some(e))),
                        }
                    }
                    Err(ValListErr::Other(e)) => Ok((Some(list), Some(e))),
                }
            }
            '[' => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => {
                        return Ok((
                            Some(list),
                            Some(Fail::Err(format!("error parsing index: {e}"))),
                        ))
                    }
                };
                let idx = i as usize;
                let crt = if list.len() > idx && !list[idx].is_nil() {
                    as_list(Some(&list[idx]))?
                } else {
                    Vec::new()
                };
                let (l2, err) = self.list_item(crt, next_i, level)?;
                if let Some(e) = err {
                    return Ok((Some(list), Some(e)));
                }
                done(set_index(
                    list,
                    i,
                    l2.map(Value::list).unwrap_or(Value::Nil),
                ))
            }
            _ => {
                // '.'
                let idx = i as usize;
                let inner = if list.len() > idx {
                    match &list[idx] {
                        Value::Map(m) => m.clone(),
                        _ => {
                            let m = new_map();
                            list[idx] = Value::Map(m.clone());
                            m
                        }
                    }
                } else {
                    new_map()
                };
                if let Err(e) = self.key(&inner, level) {
                    return Ok((Some(list), Some(e)));
                }
                done(set_index(list, i, Value::Map(inner)))
            }
        }
    }

    /// `emptyVal`: skip spaces; true at EOF or after a `,`.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None => return true,
                Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// Decode one JSON value from the rest of the input (Go's json.Decoder).
    fn json_value(&mut self) -> R<Value> {
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(j)) => {
                let consumed = rest[..stream.byte_offset()].chars().count();
                self.pos += consumed;
                Ok(json_to_value(&j))
            }
            Some(Err(e)) => Err(Fail::Err(e.to_string())),
            None => Err(Fail::Eof),
        }
    }

    fn val_list(&mut self) -> Result<Vec<Value>, ValListErr> {
        match self.read() {
            None => return Err(ValListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ValListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => {
                    return Err(ValListErr::Other(Fail::Err(
                        "list must terminate with '}'".into(),
                    )))
                }
                Some('}') => {
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.unread();
                        }
                    }
                    let v = self.reader(&rs).map_err(ValListErr::Other)?;
                    list.push(v);
                    return Ok(list);
                }
                Some(_) => {
                    let v = self.reader(&rs).map_err(ValListErr::Other)?;
                    list.push(v);
                }
            }
        }
    }
}

enum ValListErr {
    Eof,
    NotList,
    Other(Fail),
}
