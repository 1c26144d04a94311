//! Sprig's regex functions with Go RE2 semantics on top of the `regex` crate.
//!
//! Without the `regex` feature (the playground's first download, issue #11) they run on
//! `regex-lite` (same syntax and matching rules, no Unicode tables). A pattern it cannot take
//! the same way -- a Unicode class (`\p{..}`), a flag group with `i`, `x`, `R` or `u` (Go's
//! case folding is Unicode's), or one that `regex-lite` rejects (then Go's error text comes
//! from the full parser) -- goes over [`super::crypto_wire`] to the second module, which
//! has the feature, so the result is the same.
//!
//! * Patterns are rewritten so that `\d \w \s \b` (and negations) are ASCII-only as in Go.
//! * Matching loops (`FindAll`, `ReplaceAll`, `Split`) follow Go's rules for empty matches.
//! * Replacement templates use Go's `Regexp.Expand` (`$1x` names group "1x").
//! * Compile errors reproduce Go's texts for the common cases (`missing closing )` ...);
//!   rarer ones carry the regex crate's description.
//!
//! The non-`must` variants use `regexp.MustCompile` and panic on a bad pattern; text/template
//! recovers that into `regexp: Compile(`+"`pat`"+`): error parsing regexp: ...`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gotemplate::{FuncError, Value};
#[cfg(feature = "regex")]
use regex::{escape, Captures, Regex};
#[cfg(not(feature = "regex"))]
use regex_lite::{escape, Captures, Regex};

use super::conv::{byte_slice, int_arg, str_arg, string_list};

type R = Result<Value, FuncError>;

const POSIX_CLASSES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

fn go_err(code: &str, expr: &str) -> String {
    format!("error parsing regexp: {code}: `{expr}`")
}

/// Go's `{n}`, `{n,}`, `{n,m}` at the start of `s`: (length, min, max) or None when the
/// brace is a literal.
fn go_repeat(s: &str) -> Option<(usize, i64, i64)> {
    let b = s.as_bytes();
    let num = |mut i: usize| -> Option<(i64, usize)> {
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st || (i - st >= 2 && b[st] == b'0') {
            return None;
        }
        Some((s[st..i].parse::<i64>().unwrap_or(i64::MAX).min(100_000), i))
    };
    let (min, mut i) = num(1)?;
    let mut max = min;
    if b.get(i) == Some(&b',') {
        i += 1;
        if b.get(i) == Some(&b'}') {
            max = -1;
        } else {
            let (m, j) = num(i)?;
            max = m;
            i = j;
        }
    }
    if b.get(i) != Some(&b'}') {
        return None;
    }
    Some((i + 1, min, max))
}

/// Rewrite Go syntax to the regex crate's, keeping Go's ASCII classes, and report the Go
/// parse errors the regex crate would not (nested repetition, repeat counts over 1000,
/// unknown POSIX classes, trailing backslash). Duplicate group names, legal in Go, are
/// renamed (the first one keeps the name, as Go's `Expand` uses the first).
fn translate(pat: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pat.len() + 16);
    let mut in_class = false;
    let mut class_start = false;
    let mut last_repeat: Option<usize> = None;
    let mut names: Vec<String> = Vec::new();
    let b = pat.as_bytes();
    let mut i = 0usize;
    while i < b.len() {
        let c = match pat[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let clen = c.len_utf8();
        if c == '\\' {
            let Some(n) = pat[i + 1..].chars().next() else {
                return Err(go_err("trailing backslash at end of expression", ""));
            };
            last_repeat = None;
            class_start = false;
            if n == 'Q' && !in_class {
                // \Q...\E: a quoted literal (Go supports it, the regex crate does not)
                let body_start = i + 2;
                let (lit, next) = match pat[body_start..].find("\\E") {
                    Some(e) => (&pat[body_start..body_start + e], body_start + e + 2),
                    None => (&pat[body_start..], b.len()),
                };
                // literal characters one by one: a following `+` applies to the last one
                out.push_str(&escape(lit));
                i = next;
                continue;
            }
            // `\p{Greek}`: the braces are the class name's, not a repeat count
            if matches!(n, 'p' | 'P') && pat[i + 2..].starts_with('{') {
                if let Some(e) = pat[i + 2..].find('}') {
                    out.push_str(&pat[i..i + 3 + e]);
                    i += 3 + e;
                    continue;
                }
            }
            let repl: Option<(&str, &str)> = match n {
                'd' => Some(("0-9", "[0-9]")),
                'D' => Some(("[^0-9]", "[^0-9]")),
                'w' => Some(("0-9A-Za-z_", "[0-9A-Za-z_]")),
                'W' => Some(("[^0-9A-Za-z_]", "[^0-9A-Za-z_]")),
                's' => Some(("\\t\\n\\x0C\\r ", "[\\t\\n\\x0C\\r ]")),
                'S' => Some(("[^\\t\\n\\x0C\\r ]", "[^\\t\\n\\x0C\\r ]")),
                'b' if !in_class => Some(("", "(?-u:\\b)")),
                'B' if !in_class => Some(("", "(?-u:\\B)")),
                _ => None,
            };
            match repl {
                Some((inside, outside)) => out.push_str(if in_class { inside } else { outside }),
                None => {
                    out.push('\\');
                    out.push(n);
                }
            }
            i += 1 + n.len_utf8();
            // In Go a `-` right after a class escape (`[\w-.]`) cannot start a range, so it is
            // a literal; the regex crate would read a range from the escape's last character.
            if in_class && repl.is_some() && b.get(i) == Some(&b'-') && b.get(i + 1) != Some(&b']')
            {
                out.push_str("\\-");
                i += 1;
            }
            continue;
        }
        if in_class {
            if c == '[' && pat[i..].starts_with("[:") {
                if let Some(end) = pat[i + 2..].find(":]") {
                    let name = &pat[i + 2..i + 2 + end];
                    let bare = name.strip_prefix('^').unwrap_or(name);
                    if !POSIX_CLASSES.contains(&bare) {
                        return Err(go_err(
                            "invalid character class range",
                            &pat[i..i + 4 + end],
                        ));
                    }
                    out.push_str(&pat[i..i + 4 + end]);
                    i += 4 + end;
                    class_start = false;
                    continue;
                }
            }
            if c == '[' {
                out.push_str("\\[");
            } else if c == ']' && !class_start {
                in_class = false;
                out.push(']');
            } else if matches!(c, '&' | '~' | '-') && pat[i + 1..].starts_with(c) {
                // Rust's class set operators `&&`, `~~`, `--` are literals in Go
                out.push('\\');
                out.push(c);
            } else if c == '^' && class_start {
                out.push('^');
                i += 1;
                continue;
            } else {
                out.push(c);
            }
            class_start = false;
            i += clen;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                class_start = true;
                last_repeat = None;
                out.push('[');
                i += 1;
            }
            '*' | '+' | '?' => {
                let mut end = i + 1;
                if b.get(end) == Some(&b'?') {
                    end += 1;
                }
                if let Some(st) = last_repeat {
                    return Err(go_err("invalid nested repetition operator", &pat[st..end]));
                }
                last_repeat = Some(i);
                out.push_str(&pat[i..end]);
                i = end;
            }
            '{' => match go_repeat(&pat[i..]) {
                Some((len, min, max)) => {
                    let mut end = i + len;
                    if min > 1000 || max > 1000 || (max >= 0 && min > max) {
                        return Err(go_err("invalid repeat count", &pat[i..end]));
                    }
                    if b.get(end) == Some(&b'?') {
                        end += 1;
                    }
                    if let Some(st) = last_repeat {
                        return Err(go_err("invalid nested repetition operator", &pat[st..end]));
                    }
                    last_repeat = Some(i);
                    out.push_str(&pat[i..end]);
                    i = end;
                }
                None => {
                    out.push_str("\\{");
                    last_repeat = None;
                    i += 1;
                }
            },
            '(' if pat[i..].starts_with("(?P<") || pat[i..].starts_with("(?<") => {
                let start = if pat[i..].starts_with("(?P<") {
                    i + 4
                } else {
                    i + 3
                };
                last_repeat = None;
                match pat[start..].find('>') {
                    Some(e) => {
                        let name = &pat[start..start + e];
                        let mut new_name = name.to_string();
                        if names.iter().any(|n| n == name) {
                            new_name = format!("{name}__dup{}", names.len());
                        }
                        names.push(name.to_string());
                        out.push_str(&pat[i..start]);
                        out.push_str(&new_name);
                        out.push('>');
                        i = start + e + 1;
                    }
                    None => {
                        out.push_str(&pat[i..]);
                        i = b.len();
                    }
                }
            }
            _ => {
                last_repeat = None;
                out.push(c);
                i += clen;
            }
        }
    }
    Ok(out)
}

/// Go's `strconv.Quote`-or-backquote as `regexp.MustCompile`'s panic uses it.
fn quote_pattern(p: &str) -> String {
    let can_backquote =
        !p.contains('`') && p.chars().all(|c| c == '\t' || !(c < ' ' || c == '\x7f'));
    if can_backquote {
        format!("`{p}`")
    } else {
        super::strings::go_quote(p)
    }
}

/// Go's `error parsing regexp: CODE: `EXPR`` for a pattern the regex crate rejects.
#[cfg(feature = "regex")]
fn go_compile_error(pat: &str, rust_err: &str) -> String {
    use regex_syntax::ast::ErrorKind as K;
    let mut parser = regex_syntax::ast::parse::Parser::new();
    if let Err(e) = parser.parse(pat) {
        let span = e.span();
        let frag = pat.get(span.start.offset..span.end.offset).unwrap_or(pat);
        let (code, expr): (&str, String) = match e.kind() {
            K::GroupUnclosed => ("missing closing )", pat.to_string()),
            K::GroupUnopened => ("unexpected )", pat.to_string()),
            K::ClassUnclosed => (
                "missing closing ]",
                pat.get(span.start.offset..).unwrap_or(pat).to_string(),
            ),
            K::RepetitionMissing => {
                let op = pat.get(span.start.offset..).unwrap_or("");
                let len = if op.starts_with('{') {
                    op.find('}').map(|i| i + 1).unwrap_or(op.len())
                } else {
                    op.chars().next().map(char::len_utf8).unwrap_or(0)
                };
                let len = if op[len..].starts_with('?') {
                    len + 1
                } else {
                    len
                };
                (
                    "missing argument to repetition operator",
                    op[..len].to_string(),
                )
            }
            K::EscapeUnrecognized | K::EscapeUnexpectedEof | K::UnsupportedBackreference => {
                ("invalid escape sequence", frag.to_string())
            }
            K::RepetitionCountInvalid => ("invalid repeat count", frag.to_string()),
            K::ClassRangeInvalid => ("invalid character class range", frag.to_string()),
            K::GroupNameDuplicate { .. } => ("duplicate capture group name", frag.to_string()),
            K::GroupNameUnexpectedEof => {
                let st = pat[..span.start.offset].rfind("(?").unwrap_or(0);
                ("invalid named capture", pat[st..].to_string())
            }
            K::GroupNameInvalid | K::GroupNameEmpty => {
                let st = pat[..span.start.offset].rfind("(?").unwrap_or(0);
                let end = pat[st..].find('>').map(|e| st + e + 1).unwrap_or(pat.len());
                ("invalid named capture", pat[st..end].to_string())
            }
            K::FlagUnrecognized
            | K::FlagDuplicate { .. }
            | K::FlagRepeatedNegation { .. }
            | K::FlagUnexpectedEof
            | K::FlagDanglingNegation => {
                let st = pat[..span.start.offset].rfind("(?").unwrap_or(0);
                (
                    "invalid or unsupported Perl syntax",
                    pat.get(st..span.end.offset.max(st))
                        .unwrap_or("")
                        .to_string(),
                )
            }
            _ => return format!("error parsing regexp: {rust_err}"),
        };
        return format!("error parsing regexp: {code}: `{expr}`");
    }
    // Errors found while translating the syntax tree (e.g. unknown Unicode classes).
    if let Err(regex_syntax::Error::Translate(e)) = regex_syntax::Parser::new().parse(pat) {
        let span = e.span();
        let frag = pat.get(span.start.offset..span.end.offset).unwrap_or(pat);
        return format!("error parsing regexp: invalid character class range: `{frag}`");
    }
    format!("error parsing regexp: {rust_err}")
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// `regexp.Compile` with Go semantics; the error is Go's `err.Error()`.
pub fn compile(pat: &str) -> Result<Rc<Regex>, String> {
    if let Some(r) = CACHE.with(|c| c.borrow().get(pat).cloned()) {
        return Ok(r);
    }
    #[cfg(feature = "regex")]
    let re = Regex::new(&translate(pat)?)
        .map(Rc::new)
        .map_err(|e| go_compile_error(pat, &e.to_string()))?;
    #[cfg(not(feature = "regex"))]
    let re = {
        if needs_full(pat) {
            return Err(NEEDS_FULL.to_string());
        }
        Regex::new(&translate(pat)?)
            .map(Rc::new)
            .map_err(|_| NEEDS_FULL.to_string())?
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        c.insert(pat.to_string(), re.clone());
    });
    Ok(re)
}

/// `regexp.MustCompile`: the panic text.
fn must_compile(pat: &str) -> Result<Rc<Regex>, FuncError> {
    compile(pat).map_err(|e| FuncError(format!("regexp: Compile({}): {e}", quote_pattern(pat))))
}

fn next_pos(s: &str, pos: usize) -> usize {
    match s.get(pos..).and_then(|t| t.chars().next()) {
        Some(c) => pos + c.len_utf8(),
        None => s.len() + 1,
    }
}

/// Go's `allMatches`: match spans, at most `n` (n < 0: all).
fn all_matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let n = if n < 0 { s.len() as i64 + 1 } else { n };
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    while (out.len() as i64) < n && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos = next_pos(s, pos);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

/// Go's `Regexp.expand` for a replacement template.
fn expand(dst: &mut String, template: &str, re: &Regex, caps: &Captures, src: &str) {
    let mut t = template;
    while let Some(i) = t.find('$') {
        dst.push_str(&t[..i]);
        t = &t[i + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            dst.push('$');
            t = rest;
            continue;
        }
        match extract(t) {
            None => dst.push('$'),
            Some((name, num, rest)) => {
                t = rest;
                let m = match num {
                    Some(n) => caps.get(n),
                    None => re
                        .capture_names()
                        .position(|x| x == Some(name))
                        .and_then(|i| caps.get(i)),
                };
                if let Some(m) = m {
                    dst.push_str(src.get(m.start()..m.end()).unwrap_or(""));
                }
            }
        }
    }
    dst.push_str(t);
}

fn extract(t: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match t.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let end = body
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || c.is_numeric() || *c == '_'))
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let rest = if brace {
        body[end..].strip_prefix('}')?
    } else {
        &body[end..]
    };
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        match num {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                num = Some(n * 10 + (b - b'0') as usize)
            }
            _ => {
                num = None;
                break;
            }
        }
    }
    if name.starts_with('0') && name.len() > 1 {
        num = None;
    }
    Some((name, num, rest))
}

/// Go's `replaceAll` loop.
fn replace_all(re: &Regex, src: &str, repl: &str, literal: bool) -> String {
    let mut dst = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    while search <= src.len() {
        let Some(caps) = re.captures_at(src, search) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        dst.push_str(src.get(last_end..m.start()).unwrap_or(""));
        if m.end() > last_end || m.start() == 0 {
            if literal {
                dst.push_str(repl);
            } else {
                expand(&mut dst, repl, re, &caps, src);
            }
        }
        last_end = m.end();
        let width = src
            .get(search..)
            .and_then(|t| t.chars().next())
            .map(char::len_utf8)
            .unwrap_or(1);
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
    }
    dst.push_str(src.get(last_end.min(src.len())..).unwrap_or(""));
    dst
}

fn go_split(re: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return vec![];
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches = all_matches(re, s, n);
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (a, b) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            out.push(byte_slice(s, beg, end));
        }
        beg = b;
    }
    if end != s.len() {
        out.push(byte_slice(s, beg, s.len()));
    }
    out
}

// ---- template functions -------------------------------------------------------------------

/// What [`compile`] answers without the feature for a pattern only the full engine takes.
#[cfg(not(feature = "regex"))]
const NEEDS_FULL: &str = "\u{0}needs the full regex engine";

/// Without the feature: whether `pat` needs the `regex` crate (see the module's text). The
/// check is conservative (`\p` inside `\Q..\E` counts too): such patterns only cost a
/// round trip.
#[cfg(not(feature = "regex"))]
fn needs_full(pat: &str) -> bool {
    let b = pat.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if matches!(b.get(i + 1), Some(b'p' | b'P')) {
                    return true;
                }
                i += 2;
                continue;
            }
            b'(' if b.get(i + 1) == Some(&b'?') => {
                for &c in &b[i + 2..] {
                    match c {
                        b'i' | b'x' | b'R' | b'u' => return true,
                        // a group name, or the end of the flags
                        b':' | b')' | b'P' | b'<' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Without the feature: whether `pat` goes to the second module.
#[cfg(not(feature = "regex"))]
fn remote(pat: &str) -> bool {
    matches!(compile(pat), Err(e) if e == NEEDS_FULL)
}

/// `regexp.Compile(pat)` then `MatchString(s)`; `Err` with Go's compile error (for the JSON
/// schema's `pattern`, `patternProperties` and `format: regex`).
pub fn is_match(pat: &str, s: &str) -> Result<bool, String> {
    #[cfg(not(feature = "regex"))]
    if remote(pat) {
        let args = [Value::from(pat), Value::from(s)];
        return match super::crypto_wire::call("mustRegexMatch", None, &args) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(_) => Err("mustRegexMatch: bad answer from the second module".into()),
            Err(e) => Err(e.0),
        };
    }
    compile(pat).map(|re| re.is_match(s))
}

macro_rules! template_functions {
    ($($f:ident = $imp:ident, $go:literal;)*) => {
        $(
            pub fn $f(a: &[Value]) -> R {
                #[cfg(not(feature = "regex"))]
                if remote(str_arg(a, 0)) {
                    return super::crypto_wire::call($go, None, a);
                }
                $imp(a)
            }
        )*

        /// The functions the second module serves (`crypto_wire::serve`), by template name.
        #[cfg(feature = "regex")]
        pub fn builtin(name: &str) -> Option<fn(&[Value]) -> R> {
            match name {
                $($go => Some($imp),)*
                _ => None,
            }
        }
    };
}

template_functions! {
    regex_match = regex_match_impl, "regexMatch";
    must_regex_match = must_regex_match_impl, "mustRegexMatch";
    regex_find_all = regex_find_all_impl, "regexFindAll";
    must_regex_find_all = must_regex_find_all_impl, "mustRegexFindAll";
    regex_find = regex_find_impl, "regexFind";
    must_regex_find = must_regex_find_impl, "mustRegexFind";
    regex_replace_all = regex_replace_all_impl, "regexReplaceAll";
    must_regex_replace_all = must_regex_replace_all_impl, "mustRegexReplaceAll";
    regex_replace_all_literal = regex_replace_all_literal_impl, "regexReplaceAllLiteral";
    must_regex_replace_all_literal = must_regex_replace_all_literal_impl, "mustRegexReplaceAllLiteral";
    regex_split = regex_split_impl, "regexSplit";
    must_regex_split = must_regex_split_impl, "mustRegexSplit";
}

fn regex_match_impl(a: &[Value]) -> R {
    Ok(Value::Bool(
        compile(str_arg(a, 0)).is_ok_and(|re| re.is_match(str_arg(a, 1))),
    ))
}

fn must_regex_match_impl(a: &[Value]) -> R {
    let re = compile(str_arg(a, 0)).map_err(FuncError)?;
    Ok(Value::Bool(re.is_match(str_arg(a, 1))))
}

fn find_all(re: &Regex, s: &str, n: i64) -> Value {
    string_list(
        all_matches(re, s, n)
            .into_iter()
            .map(|(x, y)| byte_slice(s, x, y)),
    )
}

fn regex_find_all_impl(a: &[Value]) -> R {
    let re = must_compile(str_arg(a, 0))?;
    Ok(find_all(&re, str_arg(a, 1), int_arg(a, 2)))
}

fn must_regex_find_all_impl(a: &[Value]) -> R {
    let re = compile(str_arg(a, 0)).map_err(FuncError)?;
    Ok(find_all(&re, str_arg(a, 1), int_arg(a, 2)))
}

fn find(re: &Regex, s: &str) -> Value {
    Value::from(re.find(s).map(|m| m.as_str()).unwrap_or(""))
}

fn regex_find_impl(a: &[Value]) -> R {
    let re = must_compile(str_arg(a, 0))?;
    Ok(find(&re, str_arg(a, 1)))
}

fn must_regex_find_impl(a: &[Value]) -> R {
    let re = compile(str_arg(a, 0)).map_err(FuncError)?;
    Ok(find(&re, str_arg(a, 1)))
}

fn regex_replace_all_impl(a: &[Value]) -> R {
    let re = must_compile(str_arg(a, 0))?;
    Ok(Value::from(replace_all(
        &re,
        str_arg(a, 1),
        str_arg(a, 2),
        false,
    )))
}

fn must_regex_replace_all_impl(a: &[Value]) -> R {
    let re = compile(str_arg(a, 0)).map_err(FuncError)?;
    Ok(Value::from(replace_all(
        &re,
        str_arg(a, 1),
        str_arg(a, 2),
        false,
    )))
}

fn regex_replace_all_literal_impl(a: &[Value]) -> R {
    let re = must_compile(str_arg(a, 0))?;
    Ok(Value::from(replace_all(
        &re,
        str_arg(a, 1),
        str_arg(a, 2),
        true,
    )))
}

fn must_regex_replace_all_literal_impl(a: &[Value]) -> R {
    let re = compile(str_arg(a, 0)).map_err(FuncError)?;
    Ok(Value::from(replace_all(
        &re,
        str_arg(a, 1),
        str_arg(a, 2),
        true,
    )))
}

fn regex_split_impl(a: &[Value]) -> R {
    let re = must_compile(str_arg(a, 0))?;
    Ok(string_list(go_split(&re, str_arg(a, 1), int_arg(a, 2))))
}

fn must_regex_split_impl(a: &[Value]) -> R {
    let re = compile(str_arg(a, 0)).map_err(FuncError)?;
    Ok(string_list(go_split(&re, str_arg(a, 1), int_arg(a, 2))))
}

/// `regexp.QuoteMeta`.
pub fn regex_quote_meta(a: &[Value]) -> R {
    let mut out = String::new();
    for c in str_arg(a, 0).chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::from(out))
}

/// The playground runs these functions on `regex-lite` (no `regex` feature): for the patterns
/// it keeps there, it must find what the `regex` crate finds.
#[cfg(all(test, feature = "regex"))]
mod lite_tests {
    use super::translate;

    /// The patterns the playground would send to the second module instead.
    fn needs_full(pat: &str) -> bool {
        pat.contains("\\p") || pat.contains("\\P") || pat.contains("(?i")
    }

    /// Go's `\p{Name}` classes (the braces once read as a repeat count).
    #[test]
    fn unicode_classes_with_braces() {
        use gotemplate::Value;
        let s = |x: &str| Value::from(x);
        let got = super::regex_find_all(&[s(r"\p{Greek}+"), s("abc αβγ d δ"), Value::Int(-1)]);
        assert_eq!(
            gotemplate::format::format_value(&got.expect("ok")),
            "[αβγ δ]"
        );
        let got = super::regex_find_all(&[s(r"[\P{L}x]+"), s("ab1 2x"), Value::Int(-1)]);
        assert_eq!(
            gotemplate::format::format_value(&got.expect("ok")),
            "[1 2x]"
        );
    }

    #[test]
    fn lite_finds_what_the_full_engine_finds() {
        let patterns = [
            r"[a-z]+",
            r"\d+",
            r"\w+@\w+\.com",
            r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
            r"\bfoo\b",
            r"a*",
            r"(?m)^\s*#.*$",
            r"(?s)a.b",
            r"[[:alpha:]]+",
            r"[^[:space:]]+",
            r"x*?y",
            r"(?P<first>\w+)\s(?P<second>\w+)",
            r"é+",
            r".",
            r"[à-ÿ]+",
            r"\Qa.b\E+",
            r"a{2,3}",
            r"(a|ab)(c|bcd)(d*)",
            r"\S+\s\S+",
            r"[\w-.]+",
            r"",
        ];
        let hays = [
            "abc def",
            "foo@bar.com and x@y.com",
            "v1.2.3-rc.1",
            "foo foobar foo",
            "  # comment\nline\n# two",
            "a\nb aab",
            "ééé x à la",
            "aaa a.b a.bb",
            "abcd abcbcd",
            "",
            "日本語 text",
        ];
        for p in patterns {
            assert!(!needs_full(p), "{p}");
            let t = translate(p).expect(p);
            let full = regex::Regex::new(&t).expect(p);
            let lite = regex_lite::Regex::new(&t).expect(p);
            for h in hays {
                let a: Vec<_> = full.find_iter(h).map(|m| m.range()).collect();
                let b: Vec<_> = lite.find_iter(h).map(|m| m.range()).collect();
                assert_eq!(a, b, "{p} on {h:?}");
                let ca: Vec<Vec<_>> = full
                    .captures_iter(h)
                    .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect())
                    .collect();
                let cb: Vec<Vec<_>> = lite
                    .captures_iter(h)
                    .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect())
                    .collect();
                assert_eq!(ca, cb, "{p} on {h:?}");
            }
        }
    }
}

/// Without the feature: what stays on regex-lite and what goes to the second module.
#[cfg(all(test, not(feature = "regex")))]
mod remote_tests {
    use super::*;

    #[test]
    fn unicode_classes_and_case_folding_go_to_the_second_module() {
        for p in [r"\pL", r"\P{Greek}", "(?i)k", "(?mi:x)", "(?x) a"] {
            assert!(remote(p), "{p}");
        }
        for p in [
            r"[a-z]+",
            r"(?P<i>x)",
            r"(?<u>x)",
            r"(?m)^x",
            r"\\pL",
            r"\bx\b",
        ] {
            assert!(!remote(p), "{p}");
        }
        let s = |x: &str| Value::from(x);
        let local = regex_find(&[s("[a-z]+"), s("12ab3")]).expect("local");
        assert_eq!(gotemplate::format::format_value(&local), "ab");
        assert!(!super::super::crypto_wire::take_wanted());
        assert!(regex_find(&[s(r"\pL+"), s("12ab3")]).is_err());
        assert!(super::super::crypto_wire::take_wanted());
        assert!(is_match(r"\pL", "a").is_err());
        assert!(super::super::crypto_wire::take_wanted());
    }
}
