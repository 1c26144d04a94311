//! Go's `path` and (Unix) `path/filepath` functions, and Sprig's `urlParse`/`urlJoin`.
//!
//! `urlParse`/`urlJoin` follow net/url for ordinary URLs; percent-escaping corner cases
//! (RawPath, invalid escapes) are approximate.

use gotemplate::{FuncError, Map, Value};

use super::conv::str_arg;

type R = Result<Value, FuncError>;

/// `path.Clean`.
pub fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let p = path.as_bytes();
    let rooted = p[0] == b'/';
    let n = p.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0usize, 0usize);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if p[r] == b'/' || (p[r] == b'.' && (r + 1 == n || p[r + 1] == b'/')) {
            r += 1;
        } else if p[r] == b'.' && p.get(r + 1) == Some(&b'.') && (r + 2 == n || p[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                out.pop();
                while out.len() > dotdot && out.last() != Some(&b'/') {
                    out.pop();
                }
                while out.len() > dotdot && out.last() == Some(&b'/') {
                    out.pop();
                }
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && p[r] != b'/' {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return ".".into();
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn base_path(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let p = path.trim_end_matches('/');
    let p = match p.rfind('/') {
        Some(i) => &p[i + 1..],
        None => p,
    };
    if p.is_empty() {
        "/".into()
    } else {
        p.into()
    }
}

pub fn dir_path(path: &str) -> String {
    let dir = match path.rfind('/') {
        Some(i) => &path[..i + 1],
        None => "",
    };
    clean_path(dir)
}

pub fn ext_path(path: &str) -> String {
    for (i, c) in path.bytes().enumerate().rev() {
        if c == b'/' {
            break;
        }
        if c == b'.' {
            return path[i..].into();
        }
    }
    String::new()
}

pub fn base(a: &[Value]) -> R {
    Ok(Value::from(base_path(str_arg(a, 0))))
}

pub fn dir(a: &[Value]) -> R {
    Ok(Value::from(dir_path(str_arg(a, 0))))
}

pub fn clean(a: &[Value]) -> R {
    Ok(Value::from(clean_path(str_arg(a, 0))))
}

pub fn ext(a: &[Value]) -> R {
    Ok(Value::from(ext_path(str_arg(a, 0))))
}

pub fn is_abs(a: &[Value]) -> R {
    Ok(Value::Bool(str_arg(a, 0).starts_with('/')))
}

fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hexval = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hexval(b[i + 1]), hexval(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn should_escape_path(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || b"-_.~$&+,/:;=@!*'()".contains(&c))
}

fn escape_with(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::new();
    for &c in s.as_bytes() {
        if keep(c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

struct Url {
    scheme: String,
    opaque: String,
    user: Option<String>,
    host: String,
    path: String,
    raw_query: String,
    fragment: String,
}

fn parse_url(raw: &str) -> Result<Url, String> {
    let (rest, fragment) = match raw.split_once('#') {
        Some((a, f)) => (a, unescape(f)),
        None => (raw, String::new()),
    };
    let mut u = Url {
        scheme: String::new(),
        opaque: String::new(),
        user: None,
        host: String::new(),
        path: String::new(),
        raw_query: String::new(),
        fragment,
    };
    let mut rest = rest.to_string();
    // scheme
    if let Some(i) = rest.find(':') {
        let sch = &rest[..i];
        let valid = !sch.is_empty()
            && sch.as_bytes()[0].is_ascii_alphabetic()
            && sch
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
        if valid {
            u.scheme = sch.to_ascii_lowercase();
            rest = rest[i + 1..].to_string();
        } else if i == 0 {
            return Err(format!(
                "parse {}: missing protocol scheme",
                super::strings::go_quote(raw)
            ));
        }
    }
    if let Some((a, q)) = rest.split_once('?') {
        u.raw_query = q.to_string();
        rest = a.to_string();
    }
    if !rest.starts_with('/') && !u.scheme.is_empty() {
        u.opaque = rest;
        return Ok(u);
    }
    if let Some(after) = rest.strip_prefix("//") {
        let (auth, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        if let Some(i) = auth.rfind('@') {
            u.user = Some(auth[..i].to_string());
            u.host = auth[i + 1..].to_string();
        } else {
            u.host = auth.to_string();
        }
        // net/url's validOptionalPort
        let after_bracket = u.host.rfind(']').map(|i| i + 1).unwrap_or(0);
        if let Some(c) = u.host[after_bracket..].rfind(':') {
            let port = &u.host[after_bracket + c..];
            if !port[1..].bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "parse {}: invalid port {} after host",
                    super::strings::go_quote(raw),
                    super::strings::go_quote(port)
                ));
            }
        }
        rest = path.to_string();
    }
    u.path = unescape(&rest);
    Ok(u)
}

fn hostname(host: &str) -> String {
    if let Some(h) = host.strip_prefix('[') {
        return h.split(']').next().unwrap_or("").to_string();
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|c| c.is_ascii_digit()) => host[..i].to_string(),
        _ => host.to_string(),
    }
}

pub fn url_parse(a: &[Value]) -> R {
    let u = parse_url(str_arg(a, 0)).map_err(|e| FuncError(format!("unable to parse url: {e}")))?;
    let mut m = Map::new();
    m.insert("scheme".into(), Value::from(u.scheme.clone()));
    m.insert("host".into(), Value::from(u.host.clone()));
    m.insert("hostname".into(), Value::from(hostname(&u.host)));
    m.insert("path".into(), Value::from(u.path.clone()));
    m.insert("query".into(), Value::from(u.raw_query.clone()));
    m.insert("opaque".into(), Value::from(u.opaque.clone()));
    m.insert("fragment".into(), Value::from(u.fragment.clone()));
    m.insert(
        "userinfo".into(),
        Value::from(u.user.clone().unwrap_or_default()),
    );
    Ok(Value::map(m))
}

pub fn url_join(a: &[Value]) -> R {
    let d = match a.first() {
        Some(Value::Map(m)) => m.borrow().clone(),
        _ => Map::new(),
    };
    let get = |k: &str| -> Result<String, FuncError> {
        match d.get(k) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(Value::Nil) => Err(FuncError(super::conv::NIL_DEREF.into())),
            Some(other) => Err(FuncError(format!(
                "unable to parse {k} key, must be of type string, but {} found",
                other.kind_name()
            ))),
        }
    };
    let (scheme, host, path, query, opaque, fragment, userinfo) = (
        get("scheme")?,
        get("host")?,
        get("path")?,
        get("query")?,
        get("opaque")?,
        get("fragment")?,
        get("userinfo")?,
    );
    let mut out = String::new();
    if !opaque.is_empty() {
        out.push_str(&format!("{scheme}:{opaque}"));
    } else {
        if !scheme.is_empty() {
            out.push_str(&scheme);
            out.push(':');
        }
        let has_user = !userinfo.is_empty();
        if !scheme.is_empty() || !host.is_empty() || has_user {
            if !host.is_empty() || !path.is_empty() || has_user {
                out.push_str("//");
            }
            if has_user {
                out.push_str(&userinfo);
                out.push('@');
            }
            out.push_str(&host);
        }
        let ep = escape_with(&path, |c| !should_escape_path(c));
        if !ep.is_empty() && !ep.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        if out.is_empty() {
            if let Some(seg) = ep.split('/').next() {
                if seg.contains(':') {
                    out.push_str("./");
                }
            }
        }
        out.push_str(&ep);
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&escape_with(&fragment, |c| {
            !should_escape_path(c) || c == b'?'
        }));
    }
    Ok(Value::from(out))
}
