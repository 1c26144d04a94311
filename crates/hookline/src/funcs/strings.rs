//! Sprig's string functions (strings.go, plus the goutils and xstrings helpers it calls).
//!
//! Go strings are byte strings; ours are UTF-8. Where Go slices bytes (`trunc`, `substr`,
//! `abbrev`, `wrap`) a cut inside a multi-byte character is repaired with U+FFFD instead of
//! emitting the partial bytes.

use gotemplate::{FuncError, Value};

use super::conv::{arg, go_slice_str, int_arg, str_arg, string_list, strval};

type R = Result<Value, FuncError>;

fn s(v: impl Into<String>) -> R {
    Ok(Value::String(v.into().into()))
}

/// Default largest string `repeat` may build (see [`super::limits`]).
pub const REPEAT_LIMIT_BYTES: usize = super::limits::DEFAULT_STRING_BYTES;

// ---- Go unicode helpers -------------------------------------------------------------------

/// Go's `unicode.IsSpace`.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's simple (one rune to one rune) case mapping; Rust's full mapping is used only when it
/// yields a single character.
pub(crate) fn to_upper_rune(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

pub(crate) fn to_lower_rune(c: char) -> char {
    if c == '\u{130}' {
        // the one unconditional SpecialCasing lower-case entry; its simple mapping is 'i'
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `unicode.ToTitle`: the title case of the few digraphs, else upper case.
fn to_title_rune(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => to_upper_rune(c),
    }
}

fn is_upper(c: char) -> bool {
    c.is_uppercase() && to_lower_rune(c) != c
}

/// Go's `unicode.IsTitle` (category Lt).
fn is_title(c: char) -> bool {
    matches!(c as u32,
        0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF
        | 0x1FBC | 0x1FCC | 0x1FFC)
}

fn is_lower(c: char) -> bool {
    c.is_lowercase() && to_upper_rune(c) != c
}

/// Go's `unicode.IsPunct` (category P). Exact for ASCII; the common Unicode punctuation blocks
/// otherwise.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return "!\"#%&'()*,-./:;?@[\\]_{}".contains(c);
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x3001..=0x3003 | 0x3008..=0x3011 | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A
        | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20)
}

// ---- simple wrappers ----------------------------------------------------------------------

pub fn hello(_: &[Value]) -> R {
    s("Hello!")
}

pub fn trim(a: &[Value]) -> R {
    s(str_arg(a, 0).trim())
}

pub fn upper(a: &[Value]) -> R {
    s(str_arg(a, 0).chars().map(to_upper_rune).collect::<String>())
}

pub fn lower(a: &[Value]) -> R {
    s(str_arg(a, 0).chars().map(to_lower_rune).collect::<String>())
}

/// `strings.Title`.
pub fn title(a: &[Value]) -> R {
    fn is_separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphabetic() || c.is_numeric() {
            return false;
        }
        is_space(c)
    }
    let mut prev = ' ';
    let out: String = str_arg(a, 0)
        .chars()
        .map(|c| {
            let r = if is_separator(prev) {
                to_title_rune(c)
            } else {
                c
            };
            prev = c;
            r
        })
        .collect();
    s(out)
}

/// goutils `Uncapitalize`: lower-case the first rune of each whitespace-separated word.
pub fn untitle(a: &[Value]) -> R {
    let mut next = true;
    let out: String = str_arg(a, 0)
        .chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower_rune(c)
            } else {
                c
            }
        })
        .collect();
    s(out)
}

pub fn substr(a: &[Value]) -> R {
    let (start, end, st) = (int_arg(a, 0), int_arg(a, 1), str_arg(a, 2));
    let r = if start < 0 {
        go_slice_str(st, None, Some(end))
    } else if end < 0 || end > st.len() as i64 {
        go_slice_str(st, Some(start), None)
    } else {
        go_slice_str(st, Some(start), Some(end))
    };
    r.map(Value::from).map_err(FuncError)
}

pub fn trunc(a: &[Value]) -> R {
    let (c, st) = (int_arg(a, 0), str_arg(a, 1));
    let len = st.len() as i64;
    let r = if c < 0 && len + c > 0 {
        go_slice_str(st, Some(len + c), None)
    } else if c >= 0 && len > c {
        go_slice_str(st, None, Some(c))
    } else {
        Ok(st.to_string())
    };
    r.map(Value::from).map_err(FuncError)
}

pub fn repeat(a: &[Value]) -> R {
    let (count, st) = (int_arg(a, 0), str_arg(a, 1));
    if count < 0 {
        return Err(FuncError("strings: negative Repeat count".into()));
    }
    let total = (st.len() as u128) * (count as u128);
    super::limits::check_string(total, || format!("repeat: result would be {total} bytes"))?;
    s(st.repeat(count as usize))
}

/// `strings.Trim(s, cutset)`.
pub fn trim_all(a: &[Value]) -> R {
    let (cut, st) = (str_arg(a, 0), str_arg(a, 1));
    s(st.trim_matches(|c| cut.contains(c)))
}

pub fn trim_suffix(a: &[Value]) -> R {
    let (suf, st) = (str_arg(a, 0), str_arg(a, 1));
    s(st.strip_suffix(suf).unwrap_or(st))
}

pub fn trim_prefix(a: &[Value]) -> R {
    let (pre, st) = (str_arg(a, 0), str_arg(a, 1));
    s(st.strip_prefix(pre).unwrap_or(st))
}

/// goutils `DeleteWhiteSpace`: it walks the string's bytes as if each were a rune, so when
/// anything is removed, every non-ASCII byte comes back as its Latin-1 character (Go's quirk,
/// kept); when nothing is removed the string is returned unchanged.
pub fn nospace(a: &[Value]) -> R {
    let st = str_arg(a, 0);
    let kept: String = st
        .bytes()
        .map(|b| b as char)
        .filter(|c| !is_space(*c))
        .collect();
    if kept.chars().count() == st.len() {
        return s(st);
    }
    s(kept)
}

/// goutils `Initials`: byte-wise like `nospace` (a non-ASCII initial comes out as the Latin-1
/// character of its first byte, as in Go).
pub fn initials(a: &[Value]) -> R {
    let mut gap = true;
    let mut out = String::new();
    for c in str_arg(a, 0).bytes().map(|b| b as char) {
        if is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    s(out)
}

/// goutils `SwapCase`.
pub fn swapcase(a: &[Value]) -> R {
    let mut ws = true;
    let out: String = str_arg(a, 0)
        .chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                ws = false;
                to_lower_rune(c)
            } else if is_lower(c) {
                let r = if ws {
                    to_title_rune(c)
                } else {
                    to_upper_rune(c)
                };
                ws = false;
                r
            } else {
                ws = is_space(c);
                c
            }
        })
        .collect();
    s(out)
}

pub fn contains(a: &[Value]) -> R {
    Ok(Value::Bool(str_arg(a, 1).contains(str_arg(a, 0))))
}

pub fn has_prefix(a: &[Value]) -> R {
    Ok(Value::Bool(str_arg(a, 1).starts_with(str_arg(a, 0))))
}

pub fn has_suffix(a: &[Value]) -> R {
    Ok(Value::Bool(str_arg(a, 1).ends_with(str_arg(a, 0))))
}

/// Go's `%q` for a string (`strconv.Quote`).
pub fn go_quote(st: &str) -> String {
    gotemplate::format::quote(st)
}

pub fn quote(a: &[Value]) -> R {
    let out: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| go_quote(&strval(v)))
        .collect();
    s(out.join(" "))
}

pub fn squote(a: &[Value]) -> R {
    let out: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", super::conv::fmt_v(v)))
        .collect();
    s(out.join(" "))
}

/// `cat`: `fmt.Sprintf("%v %v ...")` of the non-nil arguments.
pub fn cat(a: &[Value]) -> R {
    let out: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(super::conv::fmt_v)
        .collect();
    s(out.join(" "))
}

pub fn indent_str(spaces: i64, v: &str) -> String {
    let pad = " ".repeat(spaces.max(0) as usize);
    format!("{pad}{}", v.replace('\n', &format!("\n{pad}")))
}

/// Checks `indent`'s count: negative panics in Go; an output over the `string` limit is
/// refused (Go would allocate it).
fn indent_check(spaces: i64, v: &str) -> Result<(), FuncError> {
    if spaces < 0 {
        return Err(FuncError("strings: negative Repeat count".into()));
    }
    let lines = v.bytes().filter(|&b| b == b'\n').count() as u128 + 1;
    let total = spaces as u128 * lines + v.len() as u128;
    super::limits::check_string(total, || format!("indent: result would be {total} bytes"))?;
    Ok(())
}

pub fn indent(a: &[Value]) -> R {
    indent_check(int_arg(a, 0), str_arg(a, 1))?;
    s(indent_str(int_arg(a, 0), str_arg(a, 1)))
}

pub fn nindent(a: &[Value]) -> R {
    indent_check(int_arg(a, 0), str_arg(a, 1))?;
    s(format!("\n{}", indent_str(int_arg(a, 0), str_arg(a, 1))))
}

pub fn replace(a: &[Value]) -> R {
    let (old, new, src) = (str_arg(a, 0), str_arg(a, 1), str_arg(a, 2));
    if old.is_empty() {
        // Go inserts `new` before every rune and at the end.
        let mut out = String::new();
        for c in src.chars() {
            out.push_str(new);
            out.push(c);
        }
        out.push_str(new);
        return s(out);
    }
    s(src.replace(old, new))
}

pub fn plural(a: &[Value]) -> R {
    if int_arg(a, 2) == 1 {
        s(str_arg(a, 0))
    } else {
        s(str_arg(a, 1))
    }
}

pub fn to_string(a: &[Value]) -> R {
    s(strval(arg(a, 0)))
}

/// Sprig's `strslice` (toStrings, join, sortAlpha): nil elements are dropped.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Nil => vec![],
        other => vec![strval(other)],
    }
}

pub fn to_strings(a: &[Value]) -> R {
    Ok(string_list(strslice(arg(a, 0))))
}

/// Go's `strings.Split` (`n < 0`) and `strings.SplitN`.
pub fn go_split(st: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return vec![];
    }
    if sep.is_empty() {
        // explode into runes, the last one holding the rest
        let chars: Vec<char> = st.chars().collect();
        let limit = if n < 0 || n as usize > chars.len() {
            chars.len()
        } else {
            n as usize
        };
        let mut out: Vec<String> = Vec::with_capacity(limit);
        for (i, c) in chars.iter().enumerate() {
            if out.len() + 1 == limit && i < chars.len() {
                out.push(chars[i..].iter().collect());
                break;
            }
            out.push(c.to_string());
        }
        return out;
    }
    if n < 0 {
        st.split(sep).map(str::to_string).collect()
    } else {
        st.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

fn parts_map(parts: Vec<String>) -> Value {
    let mut m = gotemplate::Map::new();
    for (i, p) in parts.into_iter().enumerate() {
        m.insert(format!("_{i}"), Value::from(p));
    }
    Value::map(m)
}

pub fn split(a: &[Value]) -> R {
    Ok(parts_map(go_split(str_arg(a, 1), str_arg(a, 0), -1)))
}

pub fn split_list(a: &[Value]) -> R {
    Ok(string_list(go_split(str_arg(a, 1), str_arg(a, 0), -1)))
}

pub fn splitn(a: &[Value]) -> R {
    Ok(parts_map(go_split(
        str_arg(a, 2),
        str_arg(a, 0),
        int_arg(a, 1),
    )))
}

pub fn join(a: &[Value]) -> R {
    s(strslice(arg(a, 1)).join(str_arg(a, 0)))
}

pub fn sort_alpha(a: &[Value]) -> R {
    let v = arg(a, 0);
    match v {
        Value::List(_) | Value::Bytes(_) => {
            let mut l = strslice(v);
            crate::stable_sort::sort(&mut l);
            Ok(string_list(l))
        }
        other => Ok(string_list([strval(other)])),
    }
}

// ---- goutils abbreviate / wrap ------------------------------------------------------------

fn bytes_str(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn abbreviate_full(st: &str, offset: i64, max_width: i64) -> String {
    let b = st.as_bytes();
    let len = b.len() as i64;
    if st.is_empty() || max_width < 4 {
        return if max_width < 4 {
            String::new()
        } else {
            st.into()
        };
    }
    if len <= max_width {
        return st.into();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return format!("{}...", bytes_str(&b[..(max_width - 3) as usize]));
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        let rest = bytes_str(&b[offset as usize..]);
        return format!("...{}", abbreviate_full(&rest, 0, max_width - 3));
    }
    format!("...{}", bytes_str(&b[(len - (max_width - 3)) as usize..]))
}

pub fn abbrev(a: &[Value]) -> R {
    let (w, st) = (int_arg(a, 0), str_arg(a, 1));
    if w < 4 {
        return s(st);
    }
    s(abbreviate_full(st, 0, w))
}

pub fn abbrevboth(a: &[Value]) -> R {
    let (left, right, st) = (int_arg(a, 0), int_arg(a, 1), str_arg(a, 2));
    if right < 4 || (left > 0 && right < 7) {
        return s(st);
    }
    s(abbreviate_full(st, left, right))
}

/// goutils `WrapCustom` (byte-based, breaks at ' ').
pub fn wrap_custom(st: &str, wrap_length: i64, newline: &str, wrap_long: bool) -> String {
    if st.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let wl = wrap_length.max(1) as usize;
    let b = st.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + len / wl + 1);
    while len - offset > wl {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = wl + offset + 1;
        let last_space = b[offset..end].iter().rposition(|&c| c == b' ');
        match last_space {
            Some(i) => {
                let at = offset + i;
                out.extend_from_slice(&b[offset..at]);
                out.extend_from_slice(newline.as_bytes());
                offset = at + 1;
            }
            None => {
                if wrap_long {
                    let end = wl + offset;
                    out.extend_from_slice(&b[offset..end]);
                    out.extend_from_slice(newline.as_bytes());
                    offset += wl;
                } else {
                    let end = wl + offset;
                    match b[end..].iter().position(|&c| c == b' ') {
                        None => {
                            out.extend_from_slice(&b[offset..]);
                            offset = len;
                        }
                        Some(i) => {
                            let at = i + end;
                            out.extend_from_slice(&b[offset..at]);
                            out.extend_from_slice(newline.as_bytes());
                            offset = at + 1;
                        }
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset.min(len)..]);
    String::from_utf8_lossy(&out).into_owned()
}

pub fn wrap(a: &[Value]) -> R {
    s(wrap_custom(str_arg(a, 1), int_arg(a, 0), "", false))
}

pub fn wrap_with(a: &[Value]) -> R {
    s(wrap_custom(
        str_arg(a, 2),
        int_arg(a, 0),
        str_arg(a, 1),
        true,
    ))
}

// ---- xstrings case conversion (v1.5.0) ----------------------------------------------------

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

fn is_alphabet(c: char) -> bool {
    c.is_ascii_alphabetic()
}

/// xstrings `ToPascalCase` (Sprig's `camelcase`).
pub fn to_pascal_case(st: &str) -> String {
    let mut chars = st.chars();
    let mut buf = String::new();
    let mut first_upper = false;
    let mut r0 = '\0';
    let mut any = false;
    for c in chars.by_ref() {
        any = true;
        r0 = c;
        if !is_connector(c) {
            first_upper = is_upper(c);
            r0 = to_upper_rune(c);
            break;
        }
        buf.push(c);
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        // xstrings writes the last rune again even when it was a connector ("-" gives "--")
        if any {
            buf.push(r0);
        }
        return buf;
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper_rune(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower_rune(r0);
                } else {
                    first_upper = false;
                }
            }
            buf.push(r1);
        }
    }
    buf.push(r0);
    buf
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings `nextWord` over a char slice (our strings are valid UTF-8, so no invalid runes).
fn next_word(s: &[char]) -> (Word, &[char], &[char]) {
    if s.is_empty() {
        return (Word::Invalid, &[], &[]);
    }
    let r = s[0];
    let mut off = 1;
    let wt;
    if is_connector(r) {
        wt = Word::Connector;
        while off < s.len() && is_connector(s[off]) {
            off += 1;
        }
    } else if is_punct(r) {
        wt = Word::Punct;
        while off < s.len() && is_punct(s[off]) {
            off += 1;
        }
    } else if is_upper(r) {
        wt = Word::Upper;
        if off < s.len() {
            let r2 = s[off];
            if is_upper(r2) {
                off += 1;
                let mut last = r2;
                while off < s.len() && is_upper(s[off]) {
                    last = s[off];
                    off += 1;
                }
                let _ = last;
                if off < s.len() && is_alphabet(s[off]) {
                    off -= 1;
                }
            } else if is_alphabet(r2) {
                off += 1;
                while off < s.len() && is_alphabet(s[off]) && !is_upper(s[off]) {
                    off += 1;
                }
            }
        }
    } else if is_alphabet(r) {
        wt = Word::Alphabet;
        while off < s.len() && is_alphabet(s[off]) && !is_upper(s[off]) {
            off += 1;
        }
    } else if r.is_numeric() {
        wt = Word::Number;
        while off < s.len() && s[off].is_numeric() {
            off += 1;
        }
    } else {
        wt = Word::Other;
        while off < s.len() {
            let c = s[off];
            if is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c) {
                break;
            }
            off += 1;
        }
    }
    (wt, &s[..off], &s[off..])
}

fn to_lower_word(buf: &mut String, wt: Word, w: &[char], connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        buf.extend(w.iter());
        return;
    }
    for &c in w {
        if is_connector(c) {
            buf.push(connector);
        } else if is_upper(c) {
            buf.push(to_lower_rune(c));
        } else {
            buf.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (snakecase, kebabcase).
pub fn camel_to_lower(st: &str, connector: char) -> String {
    let chars: Vec<char> = st.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let mut buf = String::new();
    let (mut wt, mut word, mut rem) = next_word(&chars);
    while !rem.is_empty() {
        if wt != Word::Connector {
            to_lower_word(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rem) = next_word(rem);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower_word(&mut buf, wt, word, connector);
                    (wt, word, rem) = next_word(rem);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    buf.push(connector);
                }
            }
            Word::Connector => to_lower_word(&mut buf, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if rem.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, rem) = next_word(rem);
                if wt != Word::Alphabet {
                    to_lower_word(&mut buf, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                buf.push(connector);
                to_lower_word(&mut buf, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower_word(&mut buf, wt, word, connector);
                    (wt, word, rem) = next_word(rem);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    buf.push(connector);
                }
            }
        }
    }
    to_lower_word(&mut buf, wt, word, connector);
    buf
}

pub fn camelcase(a: &[Value]) -> R {
    s(to_pascal_case(str_arg(a, 0)))
}

pub fn snakecase(a: &[Value]) -> R {
    s(camel_to_lower(str_arg(a, 0), '_'))
}

pub fn kebabcase(a: &[Value]) -> R {
    s(camel_to_lower(str_arg(a, 0), '-'))
}
