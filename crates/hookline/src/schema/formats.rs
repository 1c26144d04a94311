//! The `format` checks santhosh-tekuri/jsonschema asserts for draft 4–7 schemas
//! (format.go), with its error texts. Formats not listed here are not checked: a value Helm
//! rejects for `date-time`, `email`, `uri`, ... passes in Hookline (documented in the README).

/// `None` when `s` is valid (or the format is not checked), else the library's reason.
pub fn check(format: &str, s: &str) -> Option<String> {
    match format {
        "ipv4" => ipv4(s),
        "hostname" => hostname(s),
        "uuid" => uuid(s),
        "json-pointer" => json_pointer(s),
        "regex" => crate::funcs::regex::is_match(s, "").err(),
        // Only the first of the library's email and uri checks (a partial check: what it
        // reports is right; some addresses Helm rejects pass).
        "email" => (!s.contains('@')).then(|| "missing @".to_string()),
        "uri" | "iri" => (!has_scheme(s)).then(|| "relative url".to_string()),
        _ => None,
    }
}

fn has_scheme(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, _)) => {
            let mut c = scheme.chars();
            c.next().is_some_and(|f| f.is_ascii_alphabetic())
                && c.all(|x| x.is_ascii_alphanumeric() || matches!(x, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn go_rune(c: char) -> String {
    gotemplate::format::quote_rune(c)
}

fn ipv4(s: &str) -> Option<String> {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Some("expected four decimals".into());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return Some("leading zeros".into());
        }
        // strconv.Atoi accepts a sign.
        let n: i64 = match g.parse() {
            Ok(n) => n,
            Err(_) => {
                let why = if g
                    .trim_start_matches(['+', '-'])
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    && g.len() > 18
                {
                    "value out of range"
                } else {
                    "invalid syntax"
                };
                return Some(format!(
                    "strconv.Atoi: parsing {}: {why}",
                    gotemplate::format::quote(g)
                ));
            }
        };
        if !(0..=255).contains(&n) {
            return Some("decimal must be between 0 and 255".into());
        }
    }
    None
}

fn hostname(s: &str) -> Option<String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 {
        return Some("more than 253 characters long".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') {
            return Some("label starts with hyphen".into());
        }
        if label.ends_with('-') {
            return Some("label ends with hyphen".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Some(format!("invalid character {}", go_rune(c)));
        }
    }
    None
}

fn uuid(s: &str) -> Option<String> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != GROUPS.len() {
        return Some(format!("must have {} elements", GROUPS.len()));
    }
    for (i, g) in groups.iter().enumerate() {
        if g.len() != GROUPS[i] {
            return Some(format!(
                "element {} must be {} characters long",
                i + 1,
                GROUPS[i]
            ));
        }
        if let Some(c) = g.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Some(format!("non-hex character {}", go_rune(c)));
        }
    }
    None
}

fn json_pointer(s: &str) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    if !s.starts_with('/') {
        return Some("not starting with /".into());
    }
    for tok in s.split('/').skip(1) {
        let mut escape = false;
        for c in tok.chars() {
            if escape {
                escape = false;
                if c != '0' && c != '1' {
                    return Some("~ must be followed by 0 or 1".into());
                }
                continue;
            }
            if c == '~' {
                escape = true;
            }
        }
        if escape {
            return Some("~ must be followed by 0 or 1".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn formats_give_the_library_reasons() {
        let cases = [
            ("ipv4", "1.2.3.4", None),
            ("ipv4", "1.2.3", Some("expected four decimals")),
            ("ipv4", "1.2.03.4", Some("leading zeros")),
            (
                "ipv4",
                "1.2.3.256",
                Some("decimal must be between 0 and 255"),
            ),
            (
                "ipv4",
                "1.a.3.4",
                Some("strconv.Atoi: parsing \"a\": invalid syntax"),
            ),
            ("hostname", "ex-ample.com.", None),
            ("hostname", "-x.com", Some("label starts with hyphen")),
            ("hostname", "a_b.com", Some("invalid character '_'")),
            ("uuid", "123e4567-e89b-12d3-a456-426614174000", None),
            (
                "uuid",
                "123e4567-e89b-12d3-a456",
                Some("must have 5 elements"),
            ),
            (
                "uuid",
                "123e4567-e89b-12d3-a456-42661417400g",
                Some("non-hex character 'g'"),
            ),
            ("json-pointer", "a/b", Some("not starting with /")),
            ("json-pointer", "/a~2", Some("~ must be followed by 0 or 1")),
            ("date-time", "not a date", None),
            ("email", "not-an-email", Some("missing @")),
            ("uri", "foo", Some("relative url")),
            ("uri", "https://x", None),
        ];
        for (f, s, want) in cases {
            assert_eq!(check(f, s).as_deref(), want, "{f} {s:?}");
        }
    }
}
