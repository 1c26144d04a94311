//! `.helmignore` rules exactly as Helm's pkg/ignore/rules.go: gitignore-like lines matched with
//! Go's `filepath.Match`; a rule without `/` matches the base name, a rule with `/` the whole
//! path, a leading `/` anchors at the chart root, a trailing `/` matches directories only, `!`
//! negates, `**` is refused. Evaluation stops at the first matching rule.

/// The name of the ignore file at the chart root.
pub const HELM_IGNORE: &str = ".helmignore";

#[derive(Clone, Debug)]
struct Pattern {
    /// The glob, as characters (matched many times: once per file of the chart).
    rule: Vec<char>,
    /// The glob's meaning when it is that simple: most rules are a name (`OWNERS`, `.git`) or
    /// `*` and a name (`*.swp`), and the playground loads the chart again on every edit.
    simple: Simple,
    negate: bool,
    must_dir: bool,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Simple {
    /// No metacharacter: `filepath.Match` is string equality.
    Literal(String),
    /// `*` then no metacharacter: the name ends with this and `*` spans no `/`.
    StarThen(String),
    /// Anything else: the full matcher.
    Glob,
}

impl Simple {
    fn of(rule: &str) -> Simple {
        let meta = |s: &str| s.contains(['*', '?', '[', '\\']);
        if !meta(rule) {
            Simple::Literal(rule.to_string())
        } else if let Some(rest) = rule.strip_prefix('*').filter(|r| !meta(r)) {
            Simple::StarThen(rest.to_string())
        } else {
            Simple::Glob
        }
    }

    /// `filepath.Match` of the rule against `name`, or `None` when the full matcher must say.
    fn matches(&self, name: &str) -> Option<bool> {
        match self {
            Simple::Literal(l) => Some(name == l),
            Simple::StarThen(tail) => Some(
                name.strip_suffix(tail.as_str())
                    .is_some_and(|head| !head.contains('/')),
            ),
            Simple::Glob => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Rule started with `/`: match the whole path against the rest.
    Rooted,
    /// Rule contains `/`: match the whole path.
    Structural,
    /// No `/`: match the base name.
    Base,
}

/// A parsed rule set.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// `ignore.Empty()`.
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// `ignore.Parse`: one rule per line (a UTF-8 BOM on the first line is dropped).
    /// Errors give the 1-based line number.
    pub fn parse(text: &str) -> Result<Rules, (usize, String)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut r = Rules::empty();
        for (i, line) in text.lines().enumerate() {
            r.parse_rule(line).map_err(|e| (i + 1, e))?;
        }
        Ok(r)
    }

    /// `AddDefaults`: ignore dotfiles in templates/.
    pub fn add_defaults(&mut self) {
        let _ = self.parse_rule("templates/.?*");
    }

    fn parse_rule(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        if go_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".into());
        }
        let mut rule = rule;
        let negate = if let Some(r) = rule.strip_prefix('!') {
            rule = r;
            true
        } else {
            false
        };
        let must_dir = if let Some(r) = rule.strip_suffix('/') {
            rule = r;
            true
        } else {
            false
        };
        let (rule, kind) = if let Some(r) = rule.strip_prefix('/') {
            (r, Kind::Rooted)
        } else if rule.contains('/') {
            (rule, Kind::Structural)
        } else {
            (rule, Kind::Base)
        };
        self.patterns.push(Pattern {
            rule: rule.chars().collect(),
            simple: Simple::of(rule),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// `Rules.Ignore`: should `path` (slash-separated, relative to the chart root) be ignored?
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        let base = &path[path.rfind('/').map_or(0, |i| i + 1)..];
        // As characters only for the rules that need the full matcher.
        let mut chars: Option<(Vec<char>, usize)> = None;
        for p in &self.patterns {
            let target = match p.kind {
                Kind::Base => base,
                Kind::Rooted | Kind::Structural => path,
            };
            let matched = match p.simple.matches(target) {
                Some(m) => m,
                None => {
                    let (chars, base_start) = chars.get_or_insert_with(|| {
                        let c: Vec<char> = path.chars().collect();
                        let b = c.iter().rposition(|&c| c == '/').map_or(0, |i| i + 1);
                        (c, b)
                    });
                    let target = match p.kind {
                        Kind::Base => &chars[*base_start..],
                        Kind::Rooted | Kind::Structural => &chars[..],
                    };
                    match_from(&p.rule, target).unwrap_or(false)
                }
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

/// `filepath.ErrBadPattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `path/filepath.Match` with `/` as the separator: `*` (no `/`), `?`, `[...]` classes
/// with `^` negation and ranges, `\` escapes. `Err` is `ErrBadPattern`.
pub fn go_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let pat: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match_from(&pat, &name)
}

fn match_from(mut pat: &[char], mut name: &[char]) -> Result<bool, BadPattern> {
    'pattern: while !pat.is_empty() {
        let star = pat[0] == '*';
        while !pat.is_empty() && pat[0] == '*' {
            pat = &pat[1..];
        }
        let (chunk, rest) = scan_chunk(pat);
        pat = rest;
        if star && chunk.is_empty() {
            // Trailing * matches the rest of the name unless it contains a separator.
            return Ok(!name.contains(&'/'));
        }
        let (t, ok) = match_chunk(chunk, name)?;
        if ok && (t.is_empty() || !pat.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != '/' {
                let (t, ok) = match_chunk(chunk, &name[i + 1..])?;
                if ok {
                    if pat.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        // Before returning false, check the rest of the pattern is well formed.
        while !pat.is_empty() {
            while !pat.is_empty() && pat[0] == '*' {
                pat = &pat[1..];
            }
            let (chunk, rest) = scan_chunk(pat);
            pat = rest;
            match_chunk(chunk, &[])?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(pat: &[char]) -> (&[char], &[char]) {
    let mut in_range = false;
    let mut i = 0;
    while i < pat.len() {
        match pat[i] {
            '\\' if i + 1 < pat.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (&pat[..i], &pat[i..])
}

/// Match `chunk` at the start of `s`; returns the rest of `s`. Errors on bad patterns even
/// when the match already failed (as Go does).
fn match_chunk<'a>(
    mut chunk: &[char],
    mut s: &'a [char],
) -> Result<(&'a [char], bool), BadPattern> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            '[' => {
                let r = if failed { '\0' } else { s[0] };
                if !failed {
                    s = &s[1..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if !chunk.is_empty() && chunk[0] == ']' && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s[0] == '/' {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            '\\' => {
                chunk = &chunk[1..];
                if chunk.is_empty() {
                    return Err(BadPattern);
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            c => {
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        return Ok((&[], false));
    }
    Ok((s, true))
}

fn get_esc(chunk: &[char]) -> Result<(char, &[char]), BadPattern> {
    if chunk.is_empty() || chunk[0] == '-' || chunk[0] == ']' {
        return Err(BadPattern);
    }
    let mut chunk = chunk;
    if chunk[0] == '\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let r = chunk[0];
    chunk = &chunk[1..];
    if chunk.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, chunk))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts for simple rules agree with Go's `filepath.Match` (the full matcher).
    #[test]
    fn simple_rules_match_as_the_full_matcher_does() {
        let rules = [
            "OWNERS", ".git", "", "a/b", "*.swp", "*~", "*", "*/x", "*.tar.gz", "é.txt", "*é",
            "x*", "[ab]", "a?c", "\\*x",
        ];
        let names = [
            "OWNERS",
            "owners",
            ".git",
            ".gitignore",
            "",
            "a/b",
            "a/b/c",
            "x.swp",
            ".swp",
            "dir/x.swp",
            "swp",
            "~",
            "a~",
            "a/~",
            "x",
            "a/x",
            "a/b/x",
            "f.tar.gz",
            "é.txt",
            "aé",
            "a/é",
            "*x",
        ];
        let mut checked = 0;
        for rule in rules {
            let simple = Simple::of(rule);
            for name in names {
                let full = go_match(rule, name).unwrap_or(false);
                if let Some(fast) = simple.matches(name) {
                    assert_eq!(fast, full, "rule {rule:?} on {name:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 200, "{checked} pairs took a shortcut");
    }

    #[test]
    fn helm_default_and_chart_rules_ignore_what_helm_ignores() {
        let mut r = Rules::parse("OWNERS\n*.swp\n.git/\nhack/\n!keep.swp\n").unwrap();
        r.add_defaults();
        for (path, dir, ignored) in [
            ("OWNERS", false, true),
            ("sub/OWNERS", false, true),
            ("x.swp", false, true),
            ("keep.swp", false, true),
            (".git", true, true),
            (".git", false, true),
            ("hack", true, true),
            ("templates/.hidden", false, true),
            ("templates/a.yaml", false, true),
        ] {
            assert_eq!(r.ignore(path, dir), ignored, "{path} (dir: {dir})");
        }
        let r = Rules::parse("OWNERS\n*.swp\n.git/\n").unwrap();
        for (path, dir, ignored) in [
            ("OWNERS", false, true),
            ("x.swp", false, true),
            (".git", true, true),
            (".git", false, false),
            ("a/.git", true, true),
            ("templates/a.yaml", false, false),
            ("README.md", false, false),
        ] {
            assert_eq!(r.ignore(path, dir), ignored, "{path} (dir: {dir})");
        }
    }
}
