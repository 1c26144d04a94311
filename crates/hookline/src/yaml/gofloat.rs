//! Go's `strconv.FormatFloat` with precision -1 (shortest round-trip digits) in the `'e'`, `'f'`
//! and `'g'` formats, and `encoding/json`'s float encoding on top of it.

/// Shortest decimal digits of `x` (which must be finite): (negative, digits, decimal point
/// position), meaning `0.d1d2d3... * 10^dp`. Zero is `("0", 1)`.
fn shortest(neg: bool, sci: String) -> (bool, String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits: "1.2345e-7", "1e21", "0e0".
    let s = sci.trim_start_matches('-');
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    (neg, digits, exp + 1)
}

fn digits64(x: f64) -> (bool, String, i32) {
    shortest(x.is_sign_negative(), format!("{:e}", x))
}

fn digits32(x: f32) -> (bool, String, i32) {
    shortest(x.is_sign_negative(), format!("{:e}", x))
}

fn fmt_e(neg: bool, d: &str, dp: i32) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&d[..1]);
    if d.len() > 1 {
        out.push('.');
        out.push_str(&d[1..]);
    }
    let exp = if d == "0" { 0 } else { dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
    out
}

fn fmt_f(neg: bool, d: &str, dp: i32) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let nd = d.len() as i32;
    if d == "0" {
        out.push('0');
    } else if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(d);
    } else if dp >= nd {
        out.push_str(d);
        for _ in 0..(dp - nd) {
            out.push('0');
        }
    } else {
        out.push_str(&d[..dp as usize]);
        out.push('.');
        out.push_str(&d[dp as usize..]);
    }
    out
}

fn fmt_g(neg: bool, d: &str, dp: i32) -> String {
    let exp = if d == "0" { 0 } else { dp - 1 };
    if !(-4..6).contains(&exp) {
        fmt_e(neg, d, dp)
    } else {
        fmt_f(neg, d, dp)
    }
}

fn special(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

/// `strconv.FormatFloat(x, 'g', -1, 64)`.
pub(crate) fn format_g(x: f64) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let (n, d, dp) = digits64(x);
    fmt_g(n, &d, dp)
}

/// `strconv.FormatFloat(x, 'g', -1, 32)`.
pub(crate) fn format_g32(x: f64) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let f = x as f32;
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let (n, d, dp) = digits32(f);
    fmt_g(n, &d, dp)
}

/// `encoding/json`'s float64 encoding; `None` for NaN and ±Inf (json: unsupported value).
pub(crate) fn json_float(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let (n, d, dp) = digits64(x);
    let abs = x.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = fmt_e(n, &d, dp);
        // clean up e-09 to e-9
        let b = s.as_bytes();
        let len = b.len();
        if len >= 4 && b[len - 4] == b'e' && b[len - 3] == b'-' && b[len - 2] == b'0' {
            s.remove(len - 2);
        }
        Some(s)
    } else {
        Some(fmt_f(n, &d, dp))
    }
}

/// The JSON spelling of a non-finite float as Go's error message prints it.
pub(crate) fn go_special_name(x: f64) -> String {
    special(x).unwrap_or_else(|| format_g(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formats() {
        assert_eq!(json_float(3.0).unwrap(), "3");
        assert_eq!(json_float(1e6).unwrap(), "1000000");
        assert_eq!(json_float(1e21).unwrap(), "1e+21");
        assert_eq!(json_float(1e-7).unwrap(), "1e-7");
        assert_eq!(json_float(1.5e-7).unwrap(), "1.5e-7");
        assert_eq!(json_float(0.000001).unwrap(), "0.000001");
        assert_eq!(json_float(-0.0).unwrap(), "-0");
        assert_eq!(json_float(123.456).unwrap(), "123.456");
        assert_eq!(format_g(1e21), "1e+21");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(1234567.5), "1.2345675e+06");
        assert_eq!(format_g(123456.5), "123456.5");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g32(0.1), "0.1");
        assert_eq!(format_g32(123456789.0), "1.2345679e+08");
        assert_eq!(format_g(1e100), "1e+100");
    }
}
