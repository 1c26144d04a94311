//! Masterminds/semver v3.4.0 (what Helm 4.1 links): lenient version parsing (`NewVersion`
//! with coercion), constraints (`NewConstraint` / `Check`) including the prerelease rule,
//! and Sprig's `semver` / `semverCompare`.

use std::any::Any;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use gotemplate::{FuncError, Object, Value};

use super::conv::str_arg;

type R = Result<Value, FuncError>;

// Masterminds' parsing is five regular expressions (version.go `looseSemVerRegex`,
// constraints.go `constraintRegex`, `constraintRangeRegex`, `findConstraintRegex`,
// `validConstraintRegex`), matched with Go's leftmost-first rules. Here they are scanners that
// take what those matches take: every quantifier in them is greedy over a class that what
// follows it cannot start with, so the first way to match is the longest, and a match fails
// wherever the longest fails. Compiling the expressions cost a quarter of a megabyte of heap
// and a share of every render that calls `semverCompare` (issue #11).

/// Go's `\s`: ASCII space, tab, newline, form feed, carriage return (not vertical tab).
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// `[0-9]`: a version's numbers.
fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// `[0-9|x|X|\*]`: a constraint's version numbers and wildcards (the `|` is in the class as
/// Masterminds wrote it).
fn is_wild_digit(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'|' | b'x' | b'X' | b'*')
}

/// `[0-9A-Za-z\-]`: prerelease and metadata identifiers.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Past the bytes of `s` from `i` that are in `class`.
fn skip(s: &[u8], mut i: usize, class: fn(u8) -> bool) -> usize {
    while s.get(i).is_some_and(|&c| class(c)) {
        i += 1;
    }
    i
}

/// Past the spaces of `s` from `i`.
fn skip_space(s: &[u8], i: usize) -> usize {
    skip(s, i, is_space)
}

/// The operators of `ops` in Masterminds' alternation order (`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`,
/// the empty one second): the first that lets the rest match is the one taken.
const OPS: [&str; 12] = [
    "=", "", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^",
];

/// Where a version pattern matched: `v?(D+)(\.D+)?(\.D+)?(-(I+(\.I+)*))?(\+(I+(\.I+)*))?`
/// (D the number class, I the identifier class). The optional parts are empty ranges at
/// their place when absent; `minor` and `patch` include their dot, `pre` its `-`, `meta`
/// its `+`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct VersionMatch {
    start: usize,
    major: std::ops::Range<usize>,
    minor: std::ops::Range<usize>,
    patch: std::ops::Range<usize>,
    pre: std::ops::Range<usize>,
    meta: std::ops::Range<usize>,
    end: usize,
}

/// The version pattern matched at `i` of `s` as Go's regexp takes it (the longest match;
/// see above), with `digit` the class of its numbers; `None` when it does not match there.
fn match_version(s: &[u8], i: usize, digit: fn(u8) -> bool) -> Option<VersionMatch> {
    let follows = |j: usize, lead: u8, class: fn(u8) -> bool| {
        s.get(j) == Some(&lead) && s.get(j + 1).is_some_and(|&c| class(c))
    };
    let mut j = i;
    // `v?`: taken only when the numbers follow (else the match fails either way).
    if s.get(j) == Some(&b'v') && s.get(j + 1).is_some_and(|&c| digit(c)) {
        j += 1;
    }
    let major_start = j;
    j = skip(s, j, digit);
    if j == major_start {
        return None;
    }
    let major = major_start..j;
    let number = |j: &mut usize| {
        let at = *j;
        if follows(at, b'.', digit) {
            *j = skip(s, at + 1, digit);
        }
        at..*j
    };
    let minor = number(&mut j);
    let patch = number(&mut j);
    // `(-(I+(\.I+)*))?` and `(\+(I+(\.I+)*))?`
    let dotted = |j: &mut usize, lead: u8| {
        let at = *j;
        if follows(at, lead, is_ident) {
            *j = skip(s, at + 1, is_ident);
            while follows(*j, b'.', is_ident) {
                *j = skip(s, *j + 1, is_ident);
            }
        }
        at..*j
    };
    let pre = dotted(&mut j, b'-');
    let meta = dotted(&mut j, b'+');
    Some(VersionMatch {
        start: i,
        major,
        minor,
        patch,
        pre,
        meta,
        end: j,
    })
}

/// `(OPS)\s*(CV)` at `p` (findConstraintRegex there): the operator and the version match.
fn match_op_version(s: &[u8], p: usize) -> Option<(&'static str, VersionMatch)> {
    OPS.iter().find_map(|op| {
        if !s[p.min(s.len())..].starts_with(op.as_bytes()) {
            return None;
        }
        let m = match_version(s, skip_space(s, p + op.len()), is_wild_digit)?;
        Some((*op, m))
    })
}

/// validConstraintRegex, `^(\s*(OPS)\s*(CV)\s*)((?:\s+|,\s*)(OPS)\s*(CV)\s*)*$`: one or more
/// constraints separated by spaces or a comma. A version cannot start with an operator's
/// character or a space, so at most one operator lets a version follow: the first that does
/// is the only one.
fn valid_constraints(v: &str) -> bool {
    let s = v.as_bytes();
    let mut p = skip_space(s, 0);
    loop {
        let Some((_, m)) = match_op_version(s, p) else {
            return false;
        };
        // The version ends where a space, a comma or the end must follow.
        let f = skip_space(s, m.end);
        if f == s.len() {
            return true;
        }
        if s[f] == b',' {
            p = skip_space(s, f + 1);
        } else if f > m.end {
            p = f;
        } else {
            return false;
        }
    }
}

/// `findConstraintRegex.FindAllString(v, -1)`: the constraints of a valid `v`, each with the
/// spaces a match takes in front of a version without an operator.
fn find_constraints(v: &str) -> Vec<&str> {
    let s = v.as_bytes();
    let mut found = Vec::new();
    let mut p = 0;
    while p < s.len() {
        match match_op_version(s, p) {
            // Matches start and end on ASCII bytes: `v` slices on character boundaries.
            Some((_, m)) => {
                found.push(&v[p..m.end]);
                p = m.end;
            }
            None => p += 1,
        }
    }
    found
}

/// constraintRangeRegex at `p`: `\s*(CV)\s+-\s+(CV)\s*`, its end and the two versions.
fn match_range(s: &[u8], p: usize) -> Option<(usize, VersionMatch, VersionMatch)> {
    let from = match_version(s, skip_space(s, p), is_wild_digit)?;
    let dash = skip_space(s, from.end);
    if dash == from.end || s.get(dash) != Some(&b'-') {
        return None;
    }
    let to_start = skip_space(s, dash + 1);
    if to_start == dash + 1 {
        return None;
    }
    let to = match_version(s, to_start, is_wild_digit)?;
    Some((skip_space(s, to.end), from, to))
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
        // `^looseSemVerRegex$`
        let m = match_version(v.as_bytes(), 0, is_digit)
            .filter(|m| m.end == v.len())
            .ok_or(ERR_INVALID)?;
        let g = |r: &std::ops::Range<usize>| &v[r.clone()];
        let major = parse_seg(g(&m.major))?;
        let minor = if m.minor.is_empty() {
            0
        } else {
            parse_seg(&g(&m.minor)[1..])?
        };
        let patch = if m.patch.is_empty() {
            0
        } else {
            parse_seg(&g(&m.patch)[1..])?
        };
        let pre = g(&m.pre).get(1..).unwrap_or_default().to_string();
        let metadata = g(&m.meta).get(1..).unwrap_or_default().to_string();
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
    // constraintRegex, `^\s*(OPS)\s*(CV)\s*$`: the operator a version follows (at most one
    // can be, see `valid_constraints`), the version running to the end but for spaces.
    let s = c.as_bytes();
    let (op, m) = match_op_version(s, skip_space(s, 0))
        .filter(|(_, m)| skip_space(s, m.end) == s.len())
        .ok_or_else(|| format!("improper constraint: {c}"))?;
    // Masterminds' groups: 2 the version, 3-5 its numbers, 6 the prerelease with its `-`.
    let g = |r: std::ops::Range<usize>| &c[r];
    let (major, minor, patch, pre) = (g(m.major), g(m.minor), g(m.patch), g(m.pre));
    let mut ver = g(m.start..m.end).to_string();
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    if is_x(major) || major.is_empty() {
        ver = format!("0.0.0{pre}");
        dirty = true;
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        minor_dirty = true;
        dirty = true;
        ver = format!("{major}.0.0{pre}");
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        ver = format!("{major}{minor}.0{pre}");
    }
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op: op.to_string(),
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

/// constraints.go `rewriteRange`: each `A - B` (constraintRangeRegex, leftmost matches
/// without overlap) becomes `>= A, <= B `, replacing the first occurrence of the match's
/// text as `strings.Replace(o, v[0], t, 1)` does.
fn rewrite_range(i: &str) -> String {
    let s = i.as_bytes();
    let mut o = i.to_string();
    let mut p = 0;
    while p < s.len() {
        match match_range(s, p) {
            Some((end, from, to)) => {
                let whole = &i[p..end];
                let (a, b) = (&i[from.start..from.end], &i[to.start..to.end]);
                o = o.replacen(whole, &format!(">= {a}, <= {b} "), 1);
                p = end;
            }
            None => p += 1,
        }
    }
    o
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut ors = Vec::new();
        for v in c.split("||") {
            if !valid_constraints(v) {
                return Err(format!("improper constraint: {v}"));
            }
            let mut cs = find_constraints(v);
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
    fn versions_accepted_and_rejected() {
        let invalid = Err(ERR_INVALID.to_string());
        let cases: &[(&str, Result<&str, String>)] = &[
            ("1.2.3", Ok("1.2.3")),
            ("v1.2.3", Ok("1.2.3")),
            ("1", Ok("1.0.0")),
            ("1.2", Ok("1.2.0")),
            ("v2", Ok("2.0.0")),
            ("01.002.03", Ok("1.2.3")),
            ("1.2.3-beta.1+build.5", Ok("1.2.3-beta.1+build.5")),
            ("1.2-rc-1", Ok("1.2.0-rc-1")),
            ("1+meta.01", Ok("1.0.0+meta.01")),
            ("1.2.3-0a.10", Ok("1.2.3-0a.10")),
            ("1.2.3-01", Err(ERR_ZERO.into())),
            ("1.2.3-a..b", invalid.clone()),
            ("1.2.3-", invalid.clone()),
            ("1.2.3+", invalid.clone()),
            ("1.2.3+a+b", invalid.clone()),
            ("1.2.3.4", invalid.clone()),
            (" 1.2.3", invalid.clone()),
            ("1.2.3 ", invalid.clone()),
            ("1.2.3\n", invalid.clone()),
            ("V1.2.3", invalid.clone()),
            ("vv1", invalid.clone()),
            ("1.x", invalid.clone()),
            ("1.2.", invalid.clone()),
            (".1", invalid.clone()),
            ("", invalid.clone()),
            ("1.2.3-é", invalid.clone()),
            (
                "18446744073709551616",
                Err("error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range".into()),
            ),
        ];
        for (v, want) in cases {
            let got = Version::parse(v).map(|v| v.to_string());
            assert_eq!(got, want.clone().map(String::from), "{v:?}");
        }
    }

    #[test]
    fn constraints_accepted_and_rejected() {
        let check = |c: &str, v: &str| -> Result<bool, String> {
            Ok(Constraints::parse(c)?.check(&Version::parse(v)?))
        };
        let cases: &[(&str, &str, Result<bool, &str>)] = &[
            (">=1.2, <2", "1.5.0", Ok(true)),
            (">=1.2, <2", "2.0.0", Ok(false)),
            (" >= 1.2 ,  < 2 ", "1.9.9", Ok(true)),
            (">=1.2 <2", "1.2.0", Ok(true)),
            ("=>1.2 =<1.3", "1.3.5", Ok(true)),
            ("v1.2.3", "1.2.3", Ok(true)),
            ("=1.2.3", "1.2.4", Ok(false)),
            ("!=1.2.3", "1.2.4", Ok(true)),
            ("<1.0 || >=2.0", "1.5.0", Ok(false)),
            ("<1.0 || >=2.0", "2.1.0", Ok(true)),
            ("<1.0||>=2.0", "0.9.0", Ok(true)),
            ("1.2 - 1.4", "1.4.9", Ok(true)),
            ("1.2 - 1.4", "1.5.0", Ok(false)),
            ("  1.2   -   1.4  ", "1.1.0", Ok(false)),
            // No spaces round the dash: one version, 1.2 with the prerelease "1.4".
            ("1.2-1.4", "1.2.0", Ok(true)),
            ("1.2-1.4", "1.3.0", Ok(false)),
            ("~1.2.3", "1.2.9", Ok(true)),
            ("~1.2.3", "1.3.0", Ok(false)),
            ("~>1.2", "1.2.7", Ok(true)),
            ("^1.2.3", "1.9.0", Ok(true)),
            ("^1.2.3", "2.0.0", Ok(false)),
            ("^0.2.3", "0.3.0", Ok(false)),
            ("1.x", "1.9.0", Ok(true)),
            ("1.X", "2.0.0", Ok(false)),
            ("1.2.*", "1.2.7", Ok(true)),
            ("*", "5.0.0", Ok(true)),
            ("*", "5.0.0-beta", Ok(false)),
            (">=1.19-0", "1.28.3-gke.100", Ok(true)),
            (">=1.19", "1.28.3-gke.100", Ok(false)),
            ("", "1.0.0", Err("improper constraint: ")),
            (">=1.0 ||", "1.0.0", Err("improper constraint: ")),
            (">=1.0,", "1.0.0", Err("improper constraint: >=1.0,")),
            (">= ", "1.0.0", Err("improper constraint: >= ")),
            ("1.0 -2.0", "1.0.0", Err("improper constraint: 1.0 -2.0")),
            ("!1.0", "1.0.0", Err("improper constraint: !1.0")),
            ("> =1.0", "1.0.0", Err("improper constraint: > =1.0")),
            ("1.2.3.4", "1.0.0", Err("improper constraint: 1.2.3.4")),
            ("1|2", "1.0.0", Err("constraint parser error")),
            (">=1.0", "1.0", Ok(true)),
            (">=1.0", "x", Err(ERR_INVALID)),
        ];
        for (c, v, want) in cases {
            assert_eq!(check(c, v), want.map_err(String::from), "{c:?} on {v:?}");
        }
    }

    /// Masterminds' regular expressions, as they were matched here before the scanners
    /// (regex-lite has Go's leftmost-first rules): the oracle the scanners are held to.
    struct Oracle {
        loose: regex_lite::Regex,
        constraint: regex_lite::Regex,
        range: regex_lite::Regex,
        find: regex_lite::Regex,
        valid: regex_lite::Regex,
    }

    fn oracle() -> Oracle {
        const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
        const LOOSE: &str = r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$";
        const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
        let s = r"[\t\n\f\r ]";
        let mk = |p: String| regex_lite::Regex::new(&p).unwrap();
        Oracle {
            loose: mk(LOOSE.to_string()),
            constraint: mk(format!(r"^{s}*({OPS}){s}*({CV}){s}*$")),
            range: mk(format!(r"{s}*({CV}){s}+-{s}+({CV}){s}*")),
            find: mk(format!(r"({OPS}){s}*({CV})")),
            valid: mk(format!(
                r"^({s}*({OPS}){s}*({CV}){s}*)((?:{s}+|,{s}*)({OPS}){s}*({CV}){s}*)*$"
            )),
        }
    }

    /// What each scanner gives for `x` and what its expression gave, as text.
    fn both(o: &Oracle, x: &str) -> [(String, String); 5] {
        let g = |c: &regex_lite::Captures<'_>, i: usize| {
            c.get(i).map(|m| m.as_str()).unwrap_or("").to_string()
        };
        let loose = |x: &str| {
            let m = match_version(x.as_bytes(), 0, is_digit).filter(|m| m.end == x.len())?;
            let t = |r: std::ops::Range<usize>| x[r].to_string();
            Some([
                t(m.major),
                t(m.minor),
                t(m.patch),
                t(m.pre).get(1..).unwrap_or_default().into(),
                t(m.meta).get(1..).unwrap_or_default().into(),
            ])
        };
        let loose_re = o
            .loose
            .captures(x)
            .map(|c| [g(&c, 1), g(&c, 2), g(&c, 3), g(&c, 5), g(&c, 8)]);
        let constraint = |x: &str| {
            let s = x.as_bytes();
            let (op, m) = match_op_version(s, skip_space(s, 0))
                .filter(|(_, m)| skip_space(s, m.end) == s.len())?;
            let t = |r: std::ops::Range<usize>| x[r].to_string();
            Some([
                op.to_string(),
                t(m.start..m.end),
                t(m.major),
                t(m.minor),
                t(m.patch),
                t(m.pre),
            ])
        };
        let constraint_re = o
            .constraint
            .captures(x)
            .map(|c| [g(&c, 1), g(&c, 2), g(&c, 3), g(&c, 4), g(&c, 5), g(&c, 6)]);
        let mut rewritten = x.to_string();
        for m in o.range.captures_iter(x) {
            let t = format!(">= {}, <= {} ", g(&m, 1), g(&m, 11));
            rewritten = rewritten.replacen(&g(&m, 0), &t, 1);
        }
        let found: Vec<&str> = o.find.find_iter(x).map(|m| m.as_str()).collect();
        [
            (format!("{:?}", loose(x)), format!("{loose_re:?}")),
            (format!("{:?}", constraint(x)), format!("{constraint_re:?}")),
            (rewrite_range(x), rewritten),
            (format!("{:?}", find_constraints(x)), format!("{found:?}")),
            (
                valid_constraints(x).to_string(),
                o.valid.is_match(x).to_string(),
            ),
        ]
    }

    fn agree(o: &Oracle, x: &str) {
        for (i, (got, want)) in both(o, x).into_iter().enumerate() {
            assert_eq!(got, want, "pattern {i} on {x:?}");
        }
    }

    /// Versions and constraints made of the pieces Masterminds' grammar is made of, and
    /// random strings of the characters it cares about: every scanner matches as its regular
    /// expression does.
    #[test]
    fn scanners_match_as_masterminds_regular_expressions() {
        let o = oracle();
        let pieces = [
            "1",
            "0",
            "01",
            "12",
            "v",
            "V",
            "x",
            "X",
            "*",
            "|",
            ".",
            "-",
            "+",
            " ",
            "\t",
            ",",
            "||",
            " - ",
            " -",
            "- ",
            "=",
            "!=",
            ">",
            "<",
            ">=",
            "=>",
            "<=",
            "=<",
            "~",
            "~>",
            "^",
            "beta",
            "rc.1",
            "a-b",
            "..",
            "é",
            "\n",
            "\x0b",
            "18446744073709551616",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut n = 0;
        for _ in 0..60_000 {
            let len = (next() % 9) as usize;
            let x: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            agree(&o, &x);
            n += 1;
        }
        let chars = b"0123456789.-+vxX*| \t,=!><~^aZ";
        for _ in 0..60_000 {
            let len = (next() % 14) as usize;
            let x: String = (0..len)
                .map(|_| chars[(next() % chars.len() as u64) as usize] as char)
                .collect();
            agree(&o, &x);
            n += 1;
        }
        assert_eq!(n, 120_000);
        // Every string of up to five of these characters.
        let alphabet = ['1', '0', '.', '-', '+', ' ', ',', '>', '=', 'x', '|', 'v'];
        let mut x = String::new();
        fn all(o: &Oracle, alphabet: &[char], x: &mut String, left: usize) {
            agree(o, x);
            if left == 0 {
                return;
            }
            for &c in alphabet {
                x.push(c);
                all(o, alphabet, x, left - 1);
                x.pop();
            }
        }
        all(&o, &alphabet, &mut x, 5);
    }

    #[test]
    fn the_memory_starts_over_when_full() {
        for i in 0..COMPARED_CAP + 10 {
            assert_eq!(compare(">=1.0", &format!("1.{i}.0")), Ok(true));
        }
        assert!(COMPARED.with(|m| m.borrow().len()) <= COMPARED_CAP);
    }
}
