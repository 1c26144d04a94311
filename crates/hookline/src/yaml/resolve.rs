//! go-yaml v2's implicit scalar resolution (`resolve.go`): YAML 1.1 booleans, nulls, ints in
//! every base Go's `strconv.ParseInt(s, 0, 64)` accepts, floats, timestamps and the merge key.

/// What a plain scalar resolves to (go-yaml v2 `resolve("", s)` or with an explicit tag).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    /// Go `int`/`int64`.
    Int(i64),
    /// Go `uint64` (positive values above `i64::MAX`).
    Uint(u64),
    Float(f64),
    Str,
    /// Looks like a timestamp; decoded into `interface{}` it stays the original string.
    Timestamp,
    Merge,
}

pub(crate) const STR_TAG: &str = "tag:yaml.org,2002:str";
pub(crate) const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
pub(crate) const INT_TAG: &str = "tag:yaml.org,2002:int";
pub(crate) const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
pub(crate) const NULL_TAG: &str = "tag:yaml.org,2002:null";
pub(crate) const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
pub(crate) const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub(crate) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

fn lookup(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// The short form of a tag as go-yaml prints it in errors (`!!int`).
pub(crate) fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG
    )
}

fn tag_of(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => NULL_TAG,
        Resolved::Bool(_) => BOOL_TAG,
        Resolved::Int(_) | Resolved::Uint(_) => INT_TAG,
        Resolved::Float(_) => FLOAT_TAG,
        Resolved::Str => STR_TAG,
        Resolved::Timestamp => TIMESTAMP_TAG,
        Resolved::Merge => MERGE_TAG,
    }
}

/// `resolve(tag, in)`: `Ok` with the resolved value, `Err(message)` for go-yaml's
/// "cannot decode !!str `x` as a !!int". Unknown (non-resolvable) tags give `Str`.
pub(crate) fn resolve_tagged(tag: &str, s: &str) -> Result<Resolved, String> {
    if !resolvable(tag) {
        return Ok(Resolved::Str);
    }
    let r = if tag == STR_TAG {
        Resolved::Str
    } else {
        resolve_plain(s, tag.is_empty() || tag == TIMESTAMP_TAG)
    };
    let rtag = tag_of(&r);
    if tag.is_empty() || tag == rtag || tag == STR_TAG {
        return Ok(r);
    }
    if tag == FLOAT_TAG {
        if let Resolved::Int(i) = r {
            return Ok(Resolved::Float(i as f64));
        }
    }
    Err(format!(
        "cannot decode {} `{}` as a {}",
        short_tag(rtag),
        s,
        short_tag(tag)
    ))
}

/// `resolve("", s)` for a plain scalar.
pub(crate) fn resolve_plain(s: &str, try_timestamp: bool) -> Resolved {
    resolve_plain_v(s, try_timestamp, false)
}

/// `resolve("", s)` of go-yaml v2, or of v3 when `v3` (which also reads `0o17`-style octal
/// after its base-0 attempt).
pub(crate) fn resolve_plain_v(s: &str, try_timestamp: bool, v3: bool) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 {
        return Resolved::Str;
    }
    if let Some(r) = lookup(s) {
        return r;
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(s) {
                return Resolved::Float(f);
            }
        }
        b'D' | b'S' => {
            if try_timestamp && is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            for (prefix, base, is_v3) in [("0b", 2, false), ("0o", 8, true)] {
                if is_v3 && !v3 {
                    continue;
                }
                if let Some(rest) = plain.strip_prefix(prefix) {
                    if let Some(i) = go_parse_int_base(rest, base) {
                        return Resolved::Int(i);
                    }
                    if let Some(u) = parse_digits(rest, base) {
                        return Resolved::Uint(u);
                    }
                } else if let Some(rest) = plain.strip_prefix(&format!("-{prefix}")) {
                    if let Some(i) = go_parse_int_base(&format!("-{rest}"), base) {
                        return Resolved::Int(i);
                    }
                }
            }
        }
        _ => {}
    }
    Resolved::Str
}

/// Whether go-yaml v2's encoder may write `s` as a plain scalar: it must resolve back to a
/// string and not look like a YAML 1.1 base-60 float.
pub(crate) fn plain_is_string(s: &str) -> bool {
    resolve_plain(s, true) == Resolved::Str && !is_base60_float(s)
}

/// go-yaml v3's encoder test: resolves to a string and is neither base 60 nor an old bool
/// (`y`, `yes`, `on`, ... — the same set v2 resolves as booleans).
pub(crate) fn plain_is_string_v3(s: &str) -> bool {
    // v3 resolves the old booleans as strings but then refuses them (`isOldBool`); resolving
    // them as booleans here gives the same answer.
    resolve_plain_v(s, true, true) == Resolved::Str && !is_base60_float(s)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]
        if i + 1 < b.len() && (b'0'..=b'5').contains(&b[i]) && b[i + 1].is_ascii_digit() {
            i += 2;
        } else if i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn parse_digits(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(base)?;
        v = v.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    Some(v)
}

/// Go `strconv.ParseInt(s, base, 64)` with an explicit base (sign allowed, no prefix).
fn go_parse_int_base(s: &str, base: u32) -> Option<i64> {
    let (neg, rest) = if let Some(r) = s.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = s.strip_prefix('+') {
        (false, r)
    } else {
        (false, s)
    };
    let u = parse_digits(rest, base)?;
    if neg {
        (u <= 1u64 << 63).then(|| (u as i64).wrapping_neg())
    } else {
        (u <= i64::MAX as u64).then_some(u as i64)
    }
}

/// Go `strconv.ParseUint(s, 0, 64)` on a string without underscores.
pub(crate) fn go_parse_uint(s: &str) -> Option<u64> {
    let (base, digits) = if let Some(r) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, r)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    parse_digits(digits, base)
}

/// Go `strconv.ParseInt(s, 0, 64)` on a string without underscores.
pub(crate) fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = if let Some(r) = s.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = s.strip_prefix('+') {
        (false, r)
    } else {
        (false, s)
    };
    let u = go_parse_uint(rest)?;
    if neg {
        if u <= 1u64 << 63 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// Go `strconv.ParseFloat(s, 64)` for the decimal syntax (and inf/nan words); `None` on syntax
/// errors and on overflow (Go reports `ErrRange` there).
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
    if s.contains('_') {
        // Go accepts underscores between digits (strconv's underscoreOK)
        if !underscore_ok(s) {
            return None;
        }
        return go_parse_float(&s.replace('_', ""));
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return if body.len() == s.len() {
            Some(f64::NAN)
        } else {
            None
        };
    }
    if body.starts_with("0x") || body.starts_with("0X") {
        return None; // hex floats: not produced by YAML or JSON, and rare; treat as a string
    }
    // Only digits, '.', 'e', sign after e; Rust's parser accepts the same decimal syntax.
    if !body
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// Go strconv's `underscoreOK` for a decimal number: each `_` between two digits.
fn underscore_ok(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

fn getnum(s: &[u8], i: &mut usize, fixed: bool) -> Option<u32> {
    let d0 = *s.get(*i)?;
    if !d0.is_ascii_digit() {
        return None;
    }
    match s.get(*i + 1) {
        Some(d1) if d1.is_ascii_digit() => {
            *i += 2;
            Some(((d0 - b'0') * 10 + (d1 - b'0')) as u32)
        }
        _ => {
            if fixed {
                return None;
            }
            *i += 1;
            Some((d0 - b'0') as u32)
        }
    }
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 => {
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml v2 `parseTimestamp`: Go `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999`, `2006-1-2`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n != 4 || n == b.len() || b[n] != b'-' {
        return false;
    }
    (0..4).any(|layout| parse_ts(b, layout))
}

fn parse_ts(b: &[u8], layout: u8) -> bool {
    let year: i64 = std::str::from_utf8(&b[..4])
        .ok()
        .and_then(|y| y.parse().ok())
        .unwrap_or(0);
    let mut i = 5;
    let Some(month) = getnum(b, &mut i, false) else {
        return false;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = getnum(b, &mut i, false) else {
        return false;
    };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    if layout == 3 {
        return i == b.len();
    }
    match layout {
        0 | 1 => {
            let sep = if layout == 0 { b'T' } else { b't' };
            if b.get(i) != Some(&sep) {
                return false;
            }
            i += 1;
        }
        _ => {
            // a layout space matches one or more spaces (time.skip + cutspace)
            if i < b.len() && b[i] != b' ' {
                return false;
            }
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
        }
    }
    let Some(h) = getnum(b, &mut i, false) else {
        return false;
    };
    if h >= 24 || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(m) = getnum(b, &mut i, false) else {
        return false;
    };
    if m >= 60 || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(sec) = getnum(b, &mut i, false) else {
        return false;
    };
    if sec >= 60 {
        return false;
    }
    if i + 1 < b.len() && (b[i] == b'.' || b[i] == b',') && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if layout == 2 {
        return i == b.len();
    }
    if b.get(i) == Some(&b'Z') {
        return i + 1 == b.len();
    }
    // ±hh:mm
    if b.len() - i != 6 || b[i + 3] != b':' {
        return false;
    }
    let sign = b[i];
    let mut j = i + 1;
    let Some(hh) = getnum(b, &mut j, true) else {
        return false;
    };
    j = i + 4;
    let Some(mm) = getnum(b, &mut j, true) else {
        return false;
    };
    hh <= 24 && mm <= 60 && (sign == b'+' || sign == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v2() {
        assert_eq!(resolve_plain("yes", true), Resolved::Bool(true));
        assert_eq!(resolve_plain("yEs", true), Resolved::Str);
        assert_eq!(resolve_plain("0777", true), Resolved::Int(511));
        assert_eq!(resolve_plain("08", true), Resolved::Float(8.0));
        assert_eq!(resolve_plain("1_000", true), Resolved::Int(1000));
        assert_eq!(resolve_plain("0x1F", true), Resolved::Int(31));
        assert_eq!(resolve_plain("1:20", true), Resolved::Str);
        assert_eq!(resolve_plain("0b-1", true), Resolved::Int(-1));
        assert_eq!(resolve_plain(".1_01", true), Resolved::Float(0.101));
        assert_eq!(resolve_plain("._1", true), Resolved::Str);
        assert_eq!(resolve_plain("0o-5", true), Resolved::Str);
        assert_eq!(resolve_plain_v("0o-5", true, true), Resolved::Int(-5));
        assert!(is_base60_float("1:20"));
        assert_eq!(resolve_plain("1e400", true), Resolved::Str);
        assert_eq!(
            resolve_plain("18446744073709551615", true),
            Resolved::Uint(u64::MAX)
        );
        assert_eq!(resolve_plain("2001-12-14", true), Resolved::Timestamp);
        assert!(!is_timestamp("2001-02-30"));
        assert!(is_timestamp("2001-12-14t21:59:43.10-05:00"));
        assert!(is_timestamp("2001-12-14  21:59:43.10"));
        assert!(!is_timestamp("2001-12-14 21:59:43.10Z"));
    }
}
