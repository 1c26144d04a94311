//! Validation errors and their text, as santhosh-tekuri/jsonschema v6 (the validator Helm 4
//! uses) prints them: `output.go` `display` and the messages of `kind/kind.go`.

/// What failed (`kind.*` in the Go library).
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `validation failed` with several causes at one location.
    Group,
    /// A `$ref` whose target failed; not printed when it has a single cause.
    Reference,
    FalseSchema,
    Type {
        got: &'static str,
        want: Vec<&'static str>,
    },
    /// `value must be ...` for primitive enums (`display` strings), `enum failed` otherwise.
    Enum {
        want: Option<Vec<String>>,
    },
    Const {
        want: Option<String>,
    },
    Format {
        got: String,
        want: String,
        err: String,
    },
    Not,
    AllOf,
    AnyOf,
    OneOf(Option<(usize, usize)>),
    Required(Vec<String>),
    Dependency {
        prop: String,
        missing: Vec<String>,
    },
    AdditionalProperties(Vec<String>),
    PropertyNames(String),
    MinProperties(usize, usize),
    MaxProperties(usize, usize),
    MinItems(usize, usize),
    MaxItems(usize, usize),
    AdditionalItems(usize),
    UniqueItems(usize, usize),
    Contains,
    MinContains(Vec<usize>, usize),
    MaxContains(Vec<usize>, usize),
    MinLength(usize, usize),
    MaxLength(usize, usize),
    Pattern {
        got: String,
        want: String,
    },
    Minimum(String, String),
    Maximum(String, String),
    ExclusiveMinimum(String, String),
    ExclusiveMaximum(String, String),
    MultipleOf(String, String),
    RefCycle(String),
    InvalidJsonValue(&'static str),
}

impl Kind {
    fn message(&self) -> String {
        match self {
            Kind::Group | Kind::Reference => "validation failed".into(),
            Kind::FalseSchema => "false schema".into(),
            Kind::Type { got, want } => format!("got {got}, want {}", want.join(" or ")),
            Kind::Enum { want: Some(w) } if w.len() == 1 => format!("value must be {}", w[0]),
            Kind::Enum { want: Some(w) } => format!("value must be one of {}", w.join(", ")),
            Kind::Enum { want: None } => "'enum' failed".into(),
            Kind::Const { want: Some(w) } => format!("value must be {w}"),
            Kind::Const { want: None } => "'const' failed".into(),
            Kind::Format { got, want, err } => format!("{got} is not valid {want}: {err}"),
            Kind::Not => "'not' failed".into(),
            Kind::AllOf => "'allOf' failed".into(),
            Kind::AnyOf => "'anyOf' failed".into(),
            Kind::OneOf(None) => "'oneOf' failed, none matched".into(),
            Kind::OneOf(Some((a, b))) => format!(
                "'oneOf' failed, subschemas {}, {} matched",
                int(*a),
                int(*b)
            ),
            Kind::Required(m) if m.len() == 1 => format!("missing property {}", quote(&m[0])),
            Kind::Required(m) => format!("missing properties {}", join_quoted(m)),
            Kind::Dependency { prop, missing } => format!(
                "properties {} required, if {} exists",
                join_quoted(missing),
                quote(prop)
            ),
            Kind::AdditionalProperties(p) => {
                format!("additional properties {} not allowed", join_quoted(p))
            }
            Kind::PropertyNames(p) => format!("invalid propertyName {}", quote(p)),
            Kind::MinProperties(g, w) => {
                format!("minProperties: got {}, want {}", int(*g), int(*w))
            }
            Kind::MaxProperties(g, w) => {
                format!("maxProperties: got {}, want {}", int(*g), int(*w))
            }
            Kind::MinItems(g, w) => format!("minItems: got {}, want {}", int(*g), int(*w)),
            Kind::MaxItems(g, w) => format!("maxItems: got {}, want {}", int(*g), int(*w)),
            Kind::AdditionalItems(n) => format!("last {} additionalItem(s) not allowed", int(*n)),
            Kind::UniqueItems(i, j) => format!("items at {} and {} are equal", int(*i), int(*j)),
            Kind::Contains => "no items match contains schema".into(),
            Kind::MinContains(got, want) if got.is_empty() => format!(
                "min {} items required to match contains schema, but none matched",
                int(*want)
            ),
            Kind::MinContains(got, want) => format!(
                "min {} items required to match contains schema, but matched {} items at {}",
                int(*want),
                int(got.len()),
                join_ints(got)
            ),
            Kind::MaxContains(got, want) => format!(
                "max {} items required to match contains schema, but matched {} items at {}",
                int(*want),
                int(got.len()),
                join_ints(got)
            ),
            Kind::MinLength(g, w) => format!("minLength: got {}, want {}", int(*g), int(*w)),
            Kind::MaxLength(g, w) => format!("maxLength: got {}, want {}", int(*g), int(*w)),
            Kind::Pattern { got, want } => {
                format!("{} does not match pattern {}", quote(got), quote(want))
            }
            Kind::Minimum(g, w) => format!("minimum: got {}, want {}", num(g), num(w)),
            Kind::Maximum(g, w) => format!("maximum: got {}, want {}", num(g), num(w)),
            Kind::ExclusiveMinimum(g, w) => {
                format!("exclusiveMinimum: got {}, want {}", num(g), num(w))
            }
            Kind::ExclusiveMaximum(g, w) => {
                format!("exclusiveMaximum: got {}, want {}", num(g), num(w))
            }
            Kind::MultipleOf(g, w) => format!("multipleOf: got {}, want {}", num(g), num(w)),
            // The library names both keyword locations; Hookline knows only the `$ref`'s own.
            Kind::RefCycle(frag) => format!(
                "both /$ref and  resolve to \"{}#{frag}\" causing reference cycle",
                super::SCHEMA_URL
            ),
            Kind::InvalidJsonValue(t) => format!("invalid jsonType {t}"),
        }
    }
}

/// `%d` through golang.org/x/text's English printer (the library's `message.Printer`):
/// thousands grouped with commas.
fn int(n: usize) -> String {
    group(&n.to_string())
}

fn group(digits: &str) -> String {
    let (sign, d) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A float's `%v` through the English printer: Go's own choice between plain and exponent
/// form, the integer part grouped (`70,000`, `1,000.5`), and an exponent written as
/// `×10` with superscript digits (`1.23456725×10⁰⁶`, `1×10⁻⁰⁵`).
pub fn num(go_v: &str) -> String {
    if let Some((mant, exp)) = go_v.split_once('e') {
        const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
        let mut out = format!("{mant}×10");
        for c in exp.chars() {
            match c {
                '-' => out.push('⁻'),
                '+' => {}
                d => out.push(d.to_digit(10).map_or(d, |i| SUP[i as usize])),
            }
        }
        return out;
    }
    match go_v.split_once('.') {
        Some((i, f)) => format!("{}.{f}", group(i)),
        None => group(go_v),
    }
}

/// One failure: where in the values, what, and the failures under it.
#[derive(Clone, Debug, PartialEq)]
pub struct VError {
    /// JSON-pointer tokens of the value (`InstanceLocation`).
    pub at: Vec<String>,
    pub kind: Kind,
    pub causes: Vec<VError>,
}

impl VError {
    pub fn new(at: &[String], kind: Kind) -> VError {
        VError {
            at: at.to_vec(),
            kind,
            causes: Vec::new(),
        }
    }

    /// `ValidationError.skip`: a `$ref` with one cause shows only the cause.
    fn skip(&self) -> bool {
        self.causes.len() == 1 && self.kind == Kind::Reference
    }

    fn display(&self, out: &mut String, mut indent: usize) {
        if !self.skip() {
            out.push('\n');
            for _ in 0..indent.saturating_sub(1) {
                out.push_str("  ");
            }
            out.push_str("- at ");
            out.push_str(&quote(&json_ptr(&self.at)));
            out.push_str(": ");
            out.push_str(&self.kind.message());
            indent += 1;
        }
        for c in &self.causes {
            c.display(out, indent);
        }
    }
}

/// The text Helm's `JSONSchemaValidationError.Error()` gives for the top-level causes: the
/// library's `jsonschema validation failed with '...'` line removed, a newline added.
pub fn helm_text(causes: &[VError]) -> String {
    let mut s = String::new();
    for c in causes {
        c.display(&mut s, 1);
    }
    let mut s = s.strip_prefix('\n').unwrap_or(&s).to_string();
    s.push('\n');
    s
}

pub fn json_ptr(tokens: &[String]) -> String {
    let mut s = String::new();
    for t in tokens {
        s.push('/');
        s.push_str(&t.replace('~', "~0").replace('/', "~1"));
    }
    s
}

/// kind.go `quote`: Go's `%q` with `"` left alone and `'` escaped, in single quotes.
pub fn quote(s: &str) -> String {
    let q = gotemplate::format::quote(s);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

fn join_quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn join_ints(items: &[usize]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_english_printer_writes_them() {
        assert_eq!(num("70000"), "70,000");
        assert_eq!(num("-1234.5"), "-1,234.5");
        assert_eq!(num("999"), "999");
        assert_eq!(num("1.23456725e+06"), "1.23456725×10⁰⁶");
        assert_eq!(num("1e-05"), "1×10⁻⁰⁵");
        assert_eq!(int(1500), "1,500");
    }

    #[test]
    fn nested_errors_indent_and_single_refs_vanish() {
        let leaf = VError::new(&["a".into()], Kind::MinItems(1, 2));
        let mut r = VError::new(&["a".into()], Kind::Reference);
        r.causes.push(leaf.clone());
        let mut g = VError::new(&[], Kind::AnyOf);
        g.causes = vec![r, leaf];
        assert_eq!(
            helm_text(&[g]),
            "- at '': 'anyOf' failed\n  - at '/a': minItems: got 1, want 2\n  - at '/a': minItems: got 1, want 2\n"
        );
        assert_eq!(quote("it's \"x\""), "'it\\'s \"x\"'");
    }
}
