//! Masterminds/semver v3.4.0 (what Helm 4.1 links): lenient version parsing (`NewVersion`
//! with coercion), constraints (`NewConstraint` / `Check`) including the prerelease rule,
//! and Sprig's `semver` / `semverCompare`.

use std::any::Any;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use gotemplate::{FuncError, Object, Value};
// regex-lite in every build: these patterns are ASCII and fixed, and the playground's first
// download has no room for the `regex` crate (issue #11).
use regex_lite::Regex;

use super::conv::str_arg;

type R = Result<Value, FuncError>;

const CV_REGEX: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const LOOSE: &str = r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct Res {
    loose: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        // Go's \s is ASCII; spell it out.
        let s = r"[\t\n\f\r ]";
        let mk = |p: String| Regex::new(&p).unwrap_or_else(|_| Regex::new("$^").expect("static"));
        Res {
            loose: mk(LOOSE.to_string()),
            constraint: mk(format!(r"^{s}*({OPS}){s}*({CV_REGEX}){s}*$")),
            range: mk(format!(r"{s}*({CV_REGEX}){s}+-{s}+({CV_REGEX}){s}*")),
            find: mk(format!(r"({OPS}){s}*({CV_REGEX})")),
            valid: mk(format!(
                r"^({s}*({OPS}){s}*({CV_REGEX}){s}*)((?:{s}+|,{s}*)({OPS}){s}*({CV_REGEX}){s}*)*$"
            )),
        }
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
}

const ERR_INVALID: &str = "invalid semantic version";
const ERR_PRE: &str = "invalid prerelease string";
const ERR_META: &str = "invalid metadata string";
const ERR_ZERO: &str = "version segment starts with 0";

const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(ERR_PRE.into());
        } else if part.bytes().all(|c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(ERR_ZERO.into());
            }
        } else if !part.chars().all(|c| ALLOWED.contains(c)) {
            return Err(ERR_PRE.into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    for part in m.split('.') {
        if part.is_empty() || !part.chars().all(|c| ALLOWED.contains(c)) {
            return Err(ERR_META.into());
        }
    }
    Ok(())
}

fn parse_seg(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            super::strings::go_quote(s)
        )
    })
}

impl Version {
    /// `semver.NewVersion` (CoerceNewVersion = true).
    pub fn parse(v: &str) -> Result<Version, String> {
        let m = res().loose.captures(v).ok_or(ERR_INVALID)?;
        let g = |i: usize| m.get(i).map(|x| x.as_str()).unwrap_or("");
        let major = parse_seg(g(1))?;
        let minor = if g(2).is_empty() {
            0
        } else {
            parse_seg(&g(2)[1..])?
        };
        let patch = if g(3).is_empty() {
            0
        } else {
            parse_seg(&g(3)[1..])?
        };
        let pre = g(5).to_string();
        let metadata = g(8).to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
        })
    }

    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(v: &str, o: &str) -> Ordering {
    let sp: Vec<&str> = v.split('.').collect();
    let op: Vec<&str> = o.split('.').collect();
    for i in 0..sp.len().max(op.len()) {
        let s = sp.get(i).copied().unwrap_or("");
        let t = op.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, t);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Clone, Debug)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0").map_err(|_| "constraint parser error")?,
            op: String::new(),
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let m = res()
        .constraint
        .captures(c)
        .ok_or_else(|| format!("improper constraint: {c}"))?;
    let g = |i: usize| m.get(i).map(|x| x.as_str()).unwrap_or("");
    let mut ver = g(2).to_string();
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    if is_x(g(3)) || g(3).is_empty() {
        ver = format!("0.0.0{}", g(6));
        dirty = true;
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        ver = format!("{}.0.0{}", g(3), g(6));
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        ver = format!("{}{}.0{}", g(3), g(4), g(6));
    }
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op: g(1).to_string(),
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => {
                if self.dirty {
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
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                if v.major > c.major {
                    false
                } else {
                    !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
                }
            }
            "~" | "~>" => self.tilde(v),
            "^" => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if c.major == 0 && v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if c.minor == 0 && v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
            _ => false,
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

/// A parsed `semver.Constraints`.
pub struct Constraints {
    ors: Vec<(Vec<Constraint>, bool)>,
}

fn rewrite_range(i: &str) -> String {
    let re = &res().range;
    let mut o = i.to_string();
    for m in re.captures_iter(i) {
        let whole = m.get(0).map(|x| x.as_str()).unwrap_or("");
        let a = m.get(1).map(|x| x.as_str()).unwrap_or("");
        let b = m.get(11).map(|x| x.as_str()).unwrap_or("");
        o = o.replacen(whole, &format!(">= {a}, <= {b} "), 1);
    }
    o
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut ors = Vec::new();
        for v in c.split("||") {
            if !res().valid.is_match(v) {
                return Err(format!("improper constraint: {v}"));
            }
            let mut cs: Vec<&str> = res().find.find_iter(v).map(|m| m.as_str()).collect();
            if cs.is_empty() {
                cs.push(v);
            }
            let mut result = Vec::new();
            let mut has_pre = false;
            for s in cs {
                let pc = parse_constraint(s)?;
                if !pc.con.pre.is_empty() {
                    has_pre = true;
                }
                result.push(pc);
            }
            ors.push((result, has_pre));
        }
        Ok(Constraints { ors })
    }

    /// `Constraints.Check`.
    pub fn check(&self, v: &Version) -> bool {
        self.ors
            .iter()
            .any(|(and, pre)| and.iter().all(|c| c.check(v, *pre)))
    }
}

/// Sprig `semverCompare constraint version`.
///
/// Charts call it with the same few constraints and the cluster's one version over and over
/// (kube-prometheus-stack: hundreds of times per render), and parsing a constraint runs
/// several regular expressions: answers are remembered per (constraint, version) pair.
pub fn semver_compare(a: &[Value]) -> R {
    let (constraint, version) = (str_arg(a, 0), str_arg(a, 1));
    // The length keeps the pair unambiguous whatever the two texts hold.
    let key = format!("{}:{constraint}{version}", constraint.len());
    COMPARED
        .with(|memo| {
            let mut memo = memo.borrow_mut();
            if let Some(hit) = memo.get(&key) {
                return hit.clone();
            }
            let answer = compare_uncached(constraint, version);
            if memo.len() >= COMPARED_CAP {
                memo.clear();
            }
            memo.insert(key, answer.clone());
            answer
        })
        .map(Value::Bool)
        .map_err(FuncError)
}

fn compare_uncached(constraint: &str, version: &str) -> Result<bool, String> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

/// How many answers [`semver_compare`] keeps before starting over.
const COMPARED_CAP: usize = 1024;

thread_local! {
    /// "LEN:constraint version" (no space) → answer.
    static COMPARED: RefCell<HashMap<String, Result<bool, String>>> = RefCell::new(HashMap::new());
}

/// The `*semver.Version` host object returned by `semver`.
#[derive(Debug)]
pub struct SemverObject(pub Version);

impl Object for SemverObject {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }
    fn kind_name(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Major"
                | "Minor"
                | "Patch"
                | "Prerelease"
                | "Metadata"
                | "Original"
                | "String"
                | "Compare"
                | "LessThan"
                | "GreaterThan"
                | "Equal"
                | "LessThanEqual"
                | "GreaterThanEqual"
                | "IncMajor"
                | "IncMinor"
                | "IncPatch"
        )
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let v = &self.0;
        let other = || -> Result<Version, String> {
            match args.first() {
                Some(Value::Object(o)) => o
                    .as_any()
                    .downcast_ref::<SemverObject>()
                    .map(|s| s.0.clone())
                    .ok_or_else(|| "wrong type for value; expected *semver.Version".to_string()),
                _ => Err("wrong type for value; expected *semver.Version".to_string()),
            }
        };
        let inc = |mut n: Version, kind: u8| -> Value {
            let vprefix = if v.original.starts_with('v') { "v" } else { "" };
            match kind {
                0 => {
                    n.major += 1;
                    n.minor = 0;
                    n.patch = 0;
                }
                1 => {
                    n.minor += 1;
                    n.patch = 0;
                }
                _ => {
                    if n.pre.is_empty() {
                        n.patch += 1;
                    }
                }
            }
            n.pre.clear();
            n.metadata.clear();
            n.original = format!("{vprefix}{n}");
            Value::Object(Rc::new(SemverObject(n)))
        };
        Ok(match name {
            "Major" => Value::Int64(v.major as i64),
            "Minor" => Value::Int64(v.minor as i64),
            "Patch" => Value::Int64(v.patch as i64),
            "Prerelease" => Value::from(v.pre.clone()),
            "Metadata" => Value::from(v.metadata.clone()),
            "Original" => Value::from(v.original.clone()),
            "String" => Value::from(v.to_string()),
            "Compare" => Value::Int(match v.compare(&other()?) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            "LessThan" => Value::Bool(v.compare(&other()?) == Ordering::Less),
            "GreaterThan" => Value::Bool(v.compare(&other()?) == Ordering::Greater),
            "LessThanEqual" => Value::Bool(v.compare(&other()?) != Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(v.compare(&other()?) != Ordering::Less),
            "Equal" => Value::Bool(v.compare(&other()?) == Ordering::Equal),
            "IncMajor" => inc(v.clone(), 0),
            "IncMinor" => inc(v.clone(), 1),
            "IncPatch" => inc(v.clone(), 2),
            _ => {
                return Err(format!(
                    "can't evaluate field {name} in type *semver.Version"
                ))
            }
        })
    }
    fn display(&self) -> String {
        self.0.to_string()
    }
    fn to_data(&self) -> Value {
        Value::from(self.0.to_string())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Sprig `semver version`.
pub fn semver(a: &[Value]) -> R {
    let v = Version::parse(str_arg(a, 0)).map_err(FuncError)?;
    Ok(Value::Object(Rc::new(SemverObject(v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compare(c: &str, v: &str) -> Result<bool, String> {
        semver_compare(&[Value::String(c.into()), Value::String(v.into())])
            .map(|v| matches!(v, Value::Bool(true)))
            .map_err(|e| e.0)
    }

    #[test]
    fn remembered_answers_and_errors_are_the_computed_ones() {
        for (c, v) in [
            (">=1.19-0", "v1.28.3"),
            (">=1.19", "1.28.3-gke.100"),
            ("<1.19-0", "1.18.20-eks-123"),
            ("not a constraint", "1.0.0"),
            (">=1.0", "not a version"),
        ] {
            let fresh = compare_uncached(c, v);
            assert_eq!(compare(c, v), fresh, "{c} {v}: first call");
            assert_eq!(compare(c, v), fresh, "{c} {v}: remembered");
        }
    }

    #[test]
    fn pairs_that_join_to_the_same_text_are_told_apart() {
        // ">=1.2" + "3.0.0" and ">=1.23.0" + ".0"-like splits: the key carries the length.
        assert_eq!(compare(">=1.2", "3.0.0"), Ok(true));
        assert_eq!(
            compare(">=1.23", ".0.0"),
            compare_uncached(">=1.23", ".0.0")
        );
        assert_eq!(compare(">=1.2", "3.0.0"), Ok(true));
    }

    #[test]
    fn the_memory_starts_over_when_full() {
        for i in 0..COMPARED_CAP + 10 {
            assert_eq!(compare(">=1.0", &format!("1.{i}.0")), Ok(true));
        }
        assert!(COMPARED.with(|m| m.borrow().len()) <= COMPARED_CAP);
    }
}
