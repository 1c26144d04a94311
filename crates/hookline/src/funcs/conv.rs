//! Conversions shared by the Sprig functions: spf13/cast (v1.7.0, the version Helm 4.1 pins),
//! Sprig's `strval` and `empty`, Go's `strconv.ParseInt`/`ParseFloat` and reflect kind names.

use gotemplate::Value;

/// Argument accessors. The engine converts arguments to the declared Go parameter types before
/// calling, so these only exist to stay panic-free if a function is called directly with
/// something else: they fall back to Go's zero value.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    const NIL: &Value = &Value::Nil;
    args.get(i).unwrap_or(NIL)
}

pub(crate) fn int_arg(args: &[Value], i: usize) -> i64 {
    match arg(args, i) {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => float_to_i64(*f),
        _ => 0,
    }
}

pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    match arg(args, i) {
        Value::String(s) => s,
        _ => "",
    }
}

pub(crate) fn bool_arg(args: &[Value], i: usize) -> bool {
    matches!(arg(args, i), Value::Bool(true))
}

/// Go's float64 → int64 conversion as amd64 does it: out of range and NaN give the
/// "integer indefinite" value (math.MinInt64) instead of saturating.
pub fn float_to_i64(f: f64) -> i64 {
    // 2^63 as f64
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `strconv.ParseInt(s, 0, 64)`: sign, base prefixes 0x/0o/0b, a bare leading 0 means octal,
/// underscores as Go literals allow them. `None` on any error (syntax or range).
pub fn parse_go_int(s0: &str) -> Option<i64> {
    let mut s = s0.as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut neg = false;
    if s[0] == b'+' || s[0] == b'-' {
        neg = s[0] == b'-';
        s = &s[1..];
        if s.is_empty() {
            return None;
        }
    }
    let mut base: u32 = 10;
    if s[0] == b'0' {
        if s.len() >= 3 && matches!(s[1], b'b' | b'B') {
            base = 2;
            s = &s[2..];
        } else if s.len() >= 3 && matches!(s[1], b'o' | b'O') {
            base = 8;
            s = &s[2..];
        } else if s.len() >= 3 && matches!(s[1], b'x' | b'X') {
            base = 16;
            s = &s[2..];
        } else {
            base = 8;
            s = &s[1..];
        }
    }
    let mut n: u128 = 0;
    let mut underscores = false;
    for &c in s {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n * base as u128 + d as u128;
        if n > (1u128 << 64) {
            return None;
        }
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    if neg {
        if n > 1u128 << 63 {
            None
        } else {
            Some((n as i128).wrapping_neg() as i64)
        }
    } else if n > i64::MAX as u128 {
        None
    } else {
        Some(n as i64)
    }
}

fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if !s.is_empty() && (s[0] == b'-' || s[0] == b'+') {
        s = &s[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
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

/// `strconv.ParseFloat(s, 64)` for the forms charts use (decimal, exponent, inf/nan);
/// out-of-range values are errors as in Go. Hex floats and underscores are not accepted.
pub fn parse_go_float(s0: &str) -> Option<f64> {
    let owned;
    let mut s = s0;
    if s.contains('_') {
        if !underscore_ok(s) {
            return None;
        }
        owned = s.replace('_', "");
        s = &owned;
    }
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        let v = parse_hex_float(h)?;
        return Some(if s.starts_with('-') { -v } else { v });
    }
    let lower = t.to_ascii_lowercase();
    let special = matches!(lower.as_str(), "inf" | "infinity" | "nan");
    if !special
        && !t
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    if s.len() - t.len() > 1 {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() && !special {
        return None;
    }
    Some(f)
}

/// The part of a Go hex float literal after `0x` (`1.8p3`); the `p` exponent is required.
fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = h.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    let r = v * 2f64.powi(exp);
    r.is_finite().then_some(r)
}

/// cast's `trimZeroDecimal`: "12.00" → "12".
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToInt64` (errors give 0).
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => float_to_i64(*f),
        Value::String(s) => parse_go_int(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => *b as i64,
        _ => 0,
    }
}

/// `cast.ToInt` (same as ToInt64 on 64-bit Go).
pub fn to_int(v: &Value) -> i64 {
    to_int64(v)
}

/// `cast.ToFloat64` (errors give 0).
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        Value::Bool(true) => 1.0,
        _ => 0.0,
    }
}

/// Sprig's `strval`: strings as they are, `[]byte` as a string, Stringers via String(), the rest
/// with `fmt.Sprintf("%v")`. Byte slices that are not UTF-8 are converted lossily (Go would
/// keep the raw bytes).
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => fmt_v(other),
    }
}

/// `fmt.Sprintf("%v", v)`.
pub fn fmt_v(v: &Value) -> String {
    gotemplate::format::format_value(v)
}

/// Sprig's `empty` (and mergo's `isEmptyValue` with dereferencing): nil, false, 0, "", and
/// empty lists/maps/byte slices are empty; structs (host objects) never are.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(n) | Value::Int64(n) => *n == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.borrow().is_empty(),
        Value::Object(o) => o.kind_name() != "struct" && !o.is_true(),
    }
}

/// `reflect.TypeOf(v).Kind()` as Sprig's list functions report it in their errors; nil panics
/// in Go with a nil pointer dereference.
pub fn reflect_kind(v: &Value) -> Result<&'static str, String> {
    match v {
        Value::Nil => Err(NIL_DEREF.to_string()),
        other => Ok(other.kind_name()),
    }
}

pub const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Items of a slice-kinded value (lists and byte slices).
pub fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.as_ref().clone()),
        Value::Bytes(b) => Some(b.iter().map(|&x| Value::Int(x as i64)).collect()),
        // Named slice types such as `.Capabilities.APIVersions` (chartutil.VersionSet).
        Value::Object(o) if o.kind_name() == "slice" => match o.to_data() {
            Value::List(l) => Some(l.as_ref().clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A `[]string` result (Value has no string-slice variant; it becomes a list of strings).
pub fn string_list<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Value {
    Value::list(
        items
            .into_iter()
            .map(|s| Value::String(s.into().into()))
            .collect(),
    )
}

/// Go string slicing `s[a:b]` on bytes; a cut inside a UTF-8 sequence is repaired lossily
/// (Go would emit the raw partial bytes).
pub fn byte_slice(s: &str, a: usize, b: usize) -> String {
    let bytes = s.as_bytes();
    let a = a.min(bytes.len());
    let b = b.clamp(a, bytes.len());
    match s.get(a..b) {
        Some(x) => x.to_string(),
        None => String::from_utf8_lossy(&bytes[a..b]).into_owned(),
    }
}

/// Go's `s[lo:hi]` on a string, with the runtime's panic texts for bad bounds (recovered by
/// text/template into the function's error). A cut inside a UTF-8 sequence is repaired lossily.
pub fn go_slice_str(s: &str, lo: Option<i64>, hi: Option<i64>) -> Result<String, String> {
    let len = s.len() as i64;
    let h = hi.unwrap_or(len);
    if hi.is_some() {
        if h < 0 {
            return Err(format!("runtime error: slice bounds out of range [:{h}]"));
        }
        if h > len {
            return Err(format!(
                "runtime error: slice bounds out of range [:{h}] with length {len}"
            ));
        }
    }
    let l = lo.unwrap_or(0);
    if l < 0 {
        return Err(format!("runtime error: slice bounds out of range [{l}:]"));
    }
    if l > h {
        return Err(format!(
            "runtime error: slice bounds out of range [{l}:{h}]"
        ));
    }
    Ok(byte_slice(s, l as usize, h as usize))
}
