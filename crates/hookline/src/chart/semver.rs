//! The part of Masterminds/semver v3 that chart loading needs: `NewVersion` (loose parsing,
//! used to validate Chart.yaml versions) and constraint checks (`IsCompatibleRange` in
//! pkg/chart/v2/util/compatible.go, used to match dependencies and `kubeVersion`).

use std::cmp::Ordering;

/// A parsed semantic version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
}

fn ident_ok(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Split `1.2.3-pre+meta` into the numeric part, prerelease and metadata.
fn split_version(s: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, meta) = match s.find('+') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (nums, pre) = match rest.find('-') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    (nums, pre, meta)
}

impl Version {
    /// `semver.NewVersion`: optional `v`, 1 to 3 numeric parts, prerelease, metadata.
    pub fn parse(s: &str) -> Option<Version> {
        let body = s.strip_prefix('v').unwrap_or(s);
        let (nums, pre, meta) = split_version(body);
        if pre.is_some_and(|p| !ident_ok(p)) || meta.is_some_and(|m| !ident_ok(m)) {
            return None;
        }
        let parts: Vec<&str> = nums.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut n = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            n[i] = p.parse().ok()?;
        }
        Some(Version {
            major: n[0],
            minor: n[1],
            patch: n[2],
            pre: pre.unwrap_or("").to_string(),
            metadata: meta.unwrap_or("").to_string(),
        })
    }

    /// Masterminds `Compare`: metadata is ignored, a prerelease sorts before its release.
    pub fn compare(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| compare_prerelease(&self.pre, &o.pre))
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let (x, y) = match (ap.get(i), bp.get(i)) {
            (Some(x), Some(y)) => (*x, *y),
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
        };
        let xn = x
            .parse::<u64>()
            .ok()
            .filter(|_| x.bytes().all(|b| b.is_ascii_digit()));
        let yn = y
            .parse::<u64>()
            .ok()
            .filter(|_| y.bytes().all(|b| b.is_ascii_digit()));
        let o = match (xn, yn) {
            (Some(p), Some(q)) => p.cmp(&q),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

#[derive(Clone, Debug)]
struct Constraint {
    op: String,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(op: &str, ver: &str) -> Option<Constraint> {
    let body = ver.strip_prefix('v').unwrap_or(ver);
    let (nums, pre, meta) = split_version(body);
    if pre.is_some_and(|p| !ident_ok(p)) || meta.is_some_and(|m| !ident_ok(m)) {
        return None;
    }
    let parts: Vec<&str> = nums.split('.').collect();
    if parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !(is_x(p) || p.bytes().all(|b| b.is_ascii_digit())))
    {
        return None;
    }
    let pre_s = pre.map(|p| format!("-{p}")).unwrap_or_default();
    let get = |i: usize| parts.get(i).copied().unwrap_or("");
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let text = if is_x(get(0)) || get(0).is_empty() {
        dirty = true;
        format!("0.0.0{pre_s}")
    } else if is_x(get(1)) || get(1).is_empty() {
        dirty = true;
        minor_dirty = true;
        format!("{}.0.0{pre_s}", get(0))
    } else if is_x(get(2)) || get(2).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}.{}.0{pre_s}", get(0), get(1))
    } else {
        format!("{}.{}.{}{pre_s}", get(0), get(1), get(2))
    };
    Some(Constraint {
        op: op.to_string(),
        con: Version::parse(&text)?,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

const OPS: [&str; 12] = [
    "!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^", "",
];

/// Tokenize one `||` segment into (operator, version) pairs.
fn tokenize(seg: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = seg.trim();
    while !rest.is_empty() {
        let op = OPS
            .iter()
            .find(|o| rest.starts_with(**o))
            .copied()
            .unwrap_or("");
        rest = rest[op.len()..].trim_start();
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        if end == 0 {
            return None;
        }
        out.push((op.to_string(), rest[..end].to_string()));
        rest = rest[end..].trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        }
    }
    Some(out)
}

/// Rewrite hyphen ranges `a - b` into `>= a, <= b`.
fn rewrite_range(c: &str) -> String {
    let words: Vec<&str> = c.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if i + 2 < words.len()
            && words[i + 1] == "-"
            && words[i]
                .starts_with(|ch: char| ch.is_ascii_digit() || ch == 'v' || is_x(&ch.to_string()))
        {
            out.push(format!(">= {}, <= {}", words[i], words[i + 2]));
            i += 3;
        } else {
            out.push(words[i].to_string());
            i += 1;
        }
    }
    out.join(" ")
}

/// A parsed constraint set (`semver.NewConstraint`).
#[derive(Clone, Debug)]
pub struct Constraints(Vec<Vec<Constraint>>);

impl Constraints {
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut ors = Vec::new();
        for seg in c.split("||") {
            let toks = tokenize(seg).ok_or_else(|| format!("improper constraint: {seg}"))?;
            if toks.is_empty() {
                return Err(format!("improper constraint: {seg}"));
            }
            let mut ands = Vec::new();
            for (op, v) in toks {
                ands.push(
                    parse_constraint(&op, &v)
                        .ok_or_else(|| format!("improper constraint: {seg}"))?,
                );
            }
            ors.push(ands);
        }
        Ok(Constraints(ors))
    }

    pub fn check(&self, v: &Version) -> bool {
        self.0.iter().any(|ands| ands.iter().all(|c| c.check(v)))
    }
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        let c = &self.con;
        let pre_blocked = !v.pre.is_empty() && c.pre.is_empty();
        match self.op.as_str() {
            "" | "=" => {
                if pre_blocked {
                    return false;
                }
                if self.dirty {
                    return self.tilde(v);
                }
                v.compare(c) == Ordering::Equal
            }
            "!=" => {
                if self.dirty {
                    if pre_blocked {
                        return false;
                    }
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            ">" => {
                if pre_blocked {
                    return false;
                }
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            "<" => !pre_blocked && v.compare(c) == Ordering::Less,
            ">=" | "=>" => !pre_blocked && v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if pre_blocked {
                    return false;
                }
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            "~" | "~>" => !pre_blocked && self.tilde(v),
            _ => {
                // "^"
                if pre_blocked || v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                v.minor == 0 && v.patch == c.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// pkg/chart/v2/util/compatible.go `IsCompatibleRange`: does `ver` satisfy `constraint`?
/// False when either does not parse.
pub fn is_compatible_range(constraint: &str, ver: &str) -> bool {
    let Some(v) = Version::parse(ver) else {
        return false;
    };
    match Constraints::parse(constraint) {
        Ok(c) => c.check(&v),
        Err(_) => false,
    }
}
