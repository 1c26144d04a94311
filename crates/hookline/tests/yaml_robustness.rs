//! Robustness of the YAML/JSON layer: no panics on arbitrary input, bounded nesting and alias
//! expansion with named errors, and the API on values the oracle fixtures can't produce (Go
//! ints, bytes, host objects).

use std::any::Any;
use std::rc::Rc;

use gotemplate::value::{Map, Object};
use gotemplate::Value;
use hookline::yaml::{self, YamlErrorKind};
use hookline::{json, yaml::load_values};

/// Small deterministic generator (xorshift) so the test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "a",
    "b",
    ":",
    ": ",
    "-",
    "- ",
    "?",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&x",
    "*x",
    "!",
    "!!",
    "!!str ",
    "!x!",
    "|",
    "|-",
    "|+",
    ">",
    "'",
    "\"",
    "\\",
    "\\x4",
    "\\u00",
    "%YAML 1.1",
    "%TAG",
    "---",
    "...",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    " ",
    "  ",
    "\r\n",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "<<",
    "yes",
    "0x",
    "1e9",
    "~",
    "null",
    "é",
    "\u{7f}",
    "\0",
    "1:20",
    "@",
    "`",
];

fn random_text(r: &mut Rng) -> String {
    let n = r.below(40);
    (0..n).map(|_| PIECES[r.below(PIECES.len())]).collect()
}

#[test]
fn yaml_no_panics_on_random_input() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let text = random_text(&mut r);
        let v = yaml::from_str(&text);
        let _ = yaml::from_str_all(&text);
        let _ = load_values(&text);
        let _ = json::from_json(&text);
        if let Ok(v) = v {
            let _ = yaml::to_yaml(&v);
            let _ = yaml::to_yaml_pretty(&v);
            let _ = json::to_json(&v, true);
            let _ = json::to_pretty_json(&v);
        }
    }
}

/// A stale simple key whose token the parser already consumed (go-yaml appends the KEY token
/// then; helm: `yaml: line 1: did not find expected key`).
#[test]
fn yaml_stale_simple_key_does_not_panic() {
    let e = yaml::from_str("v:\n- []:").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error converting YAML to JSON: yaml: line 1: did not find expected key"
    );
}

#[test]
fn yaml_deep_nesting_is_a_named_error() {
    let deep = "[".repeat(100_000);
    let e = yaml::from_str(&deep).unwrap_err();
    assert_eq!(e.kind, YamlErrorKind::TooDeep, "{e}");
    let deep_block: String = (0..5000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    let e = yaml::from_str(&deep_block).unwrap_err();
    assert_eq!(e.kind, YamlErrorKind::TooDeep, "{e}");
    // just below the limit still decodes and re-encodes
    let ok = format!("{}1{}", "[".repeat(250), "]".repeat(250));
    let v = yaml::from_str(&ok).unwrap();
    assert!(yaml::to_yaml(&v).is_ok());
    assert!(json::to_json(&v, true).is_ok());
    let deep_json = "[".repeat(100_000);
    assert!(json::from_json(&deep_json).is_err());
}

#[test]
fn yaml_billion_laughs_is_excessive_aliasing() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        doc.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            std::iter::repeat_n(prev.as_str(), 10)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let e = yaml::from_str(&doc).unwrap_err();
    assert_eq!(e.kind, YamlErrorKind::ExcessiveAliasing);
    assert_eq!(
        e.message,
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
}

#[test]
fn yaml_error_positions() {
    let e = yaml::from_str("a: 1\nb: 2\nc: d: e\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"
    );
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert_eq!(e.line, Some(3));
    assert_eq!(e.column, Some(5));
}

fn map(entries: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.to_string(), v.clone());
    }
    Value::map(m)
}

#[test]
fn yaml_go_ints_bytes_and_specials() {
    let v = map(&[
        ("i", Value::Int(3)),
        ("j", Value::Int64(-9_007_199_254_740_993)),
        ("f", Value::Float(1e6)),
        ("g", Value::Float(1234567.5)),
        ("b", Value::Bytes(Rc::from(&b"hi\xff"[..]))),
        ("z", Value::Nil),
    ]);
    assert_eq!(
        yaml::to_yaml(&v).unwrap(),
        "b: aGn/\nf: 1000000\ng: 1.2345675e+06\ni: 3\nj: -9007199254740993\nz: null"
    );
    assert_eq!(
        json::to_json(&v, true).unwrap(),
        r#"{"b":"aGn/","f":1000000,"g":1234567.5,"i":3,"j":-9007199254740993,"z":null}"#
    );
    assert_eq!(
        yaml::to_yaml_pretty(&v).unwrap(),
        "b:\n  - 104\n  - 105\n  - 255\nf: 1e+06\ng: 1.2345675e+06\ni: 3\nj: -9007199254740993\nz: null"
    );
    // NaN: toYaml/toJson fail (Helm prints ""), toYamlPretty writes .nan
    let nan = map(&[("x", Value::Float(f64::NAN))]);
    assert!(yaml::to_yaml(&nan).is_err());
    assert_eq!(
        json::to_json(&nan, true).unwrap_err(),
        "json: unsupported value: NaN"
    );
    assert_eq!(yaml::to_yaml_pretty(&nan).unwrap(), "x: .nan");
    assert_eq!(yaml::to_yaml(&Value::Nil).unwrap(), "null");
    assert_eq!(yaml::to_yaml(&Value::from("a\nb")).unwrap(), "|-\n  a\n  b");
}

struct Release;

impl Object for Release {
    fn type_name(&self) -> &str {
        "chartutil.ReleaseOptions"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn display(&self) -> String {
        "{}".into()
    }
    fn to_data(&self) -> Value {
        map(&[("Name", Value::from("rel")), ("Revision", Value::Int(1))])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn yaml_host_objects_use_to_data() {
    let v = map(&[("r", Value::Object(Rc::new(Release)))]);
    assert_eq!(yaml::to_yaml(&v).unwrap(), "r:\n  Name: rel\n  Revision: 1");
    assert_eq!(
        json::to_json(&v, true).unwrap(),
        r#"{"r":{"Name":"rel","Revision":1}}"#
    );
}

#[test]
fn yaml_cycles_are_errors_not_overflows() {
    let inner = Value::map(Map::new());
    if let Value::Map(m) = &inner {
        m.borrow_mut().insert("self".into(), inner.clone());
    }
    assert!(yaml::to_yaml(&inner).is_err());
    assert!(json::to_json(&inner, true).is_err());
    assert!(yaml::to_yaml_pretty(&inner).is_err());
    // break the cycle so the Rc is freed
    if let Value::Map(m) = &inner {
        m.borrow_mut().clear();
    }
}

#[test]
fn json_decoding_api() {
    assert_eq!(json::from_json("null").unwrap(), Value::Nil);
    assert_eq!(
        json::from_json("[1]").unwrap_err(),
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    assert_eq!(
        json::from_json_list("{}").unwrap_err(),
        "json: cannot unmarshal object into Go value of type []interface {}"
    );
    assert_eq!(json::from_json_value("1.5").unwrap(), Value::Float(1.5));
    assert_eq!(
        json::from_json("").unwrap_err(),
        "unexpected end of JSON input"
    );
    assert_eq!(
        json::from_json("{\"a\": tru}").unwrap_err(),
        "invalid character '}' in literal true (expecting 'e')"
    );
}

/// `fromYamlArray` / `fromJsonArray` results and error texts as Helm 4.1.4 prints them
/// (`{{ fromYamlArray $s | toJson }}`, captured once with the real helm).
#[test]
fn yaml_arrays_match_helm() {
    let yaml_cases = [
        ("- a\n- 1", r#"["a",1]"#),
        (
            "a: 1",
            r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#,
        ),
        ("null", "[]"),
        ("", "[]"),
        (
            "[1, 2",
            r#"["error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"]"#,
        ),
        (
            "- b\n- c: d: e",
            r#"["error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"]"#,
        ),
        (
            "x",
            r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}"]"#,
        ),
    ];
    for (input, want) in yaml_cases {
        let got = match yaml::from_str_list(input) {
            Ok(l) => Value::list(l),
            Err(e) => Value::list(vec![Value::from(e.to_string())]),
        };
        assert_eq!(
            json::to_json(&got, true).unwrap(),
            want,
            "fromYamlArray {input:?}"
        );
    }
    let json_cases = [
        (r#"[1, "a"]"#, r#"[1,"a"]"#),
        (
            "{}",
            r#"["json: cannot unmarshal object into Go value of type []interface {}"]"#,
        ),
        ("null", "null"),
        ("", r#"["unexpected end of JSON input"]"#),
        ("[1,", r#"["unexpected end of JSON input"]"#),
        (
            "1",
            r#"["json: cannot unmarshal number into Go value of type []interface {}"]"#,
        ),
    ];
    for (input, want) in json_cases {
        let got = match json::from_json_list(input) {
            Ok(v) => v,
            Err(e) => Value::list(vec![Value::from(e)]),
        };
        assert_eq!(
            json::to_json(&got, true).unwrap(),
            want,
            "fromJsonArray {input:?}"
        );
    }
}

/// Keys whose JSON form exceeds 1024 characters make go-yaml's re-read fail, so Helm's
/// `toYaml` prints nothing (checked with helm 4.1.4: 1022 `a` → output, 1023 → empty,
/// 1021 `<` (escaped to `\u003c`) → empty).
#[test]
fn yaml_long_keys_fail_like_helm() {
    let ok = map(&[(&"a".repeat(1022), Value::Float(1.0))]);
    assert_eq!(yaml::to_yaml(&ok).unwrap().len(), 1028 - 1 + 1);
    let long = map(&[(&"a".repeat(1023), Value::Float(1.0))]);
    assert!(yaml::to_yaml(&long).is_err());
    let html = map(&[(&"<".repeat(1021), Value::Float(1.0))]);
    assert!(yaml::to_yaml(&html).is_err());
}

/// Chart.yaml string fields as Helm 4.1.4 shows them (`appVersion: X` → `.Chart.AppVersion`).
#[test]
fn yaml_string_fields_like_chart_yaml() {
    let cases = [
        ("1.10", "1.1"),
        ("123456789", "123456789"),
        ("0x10", "16"),
        ("true", "true"),
        ("1e3", "1000"),
        ("1.0", "1"),
        ("012", "10"),
        ("2001-12-14", "2001-12-14"),
        ("1.5e300", "+Inf"),
    ];
    for (src, want) in cases {
        let v = yaml::from_str_typed(&format!("appVersion: {src}\n")).unwrap();
        let Value::Map(m) = v else { panic!() };
        let got = yaml::sigs_string(m.borrow().get("appVersion").unwrap());
        assert_eq!(got.as_deref(), Some(want), "appVersion: {src}");
    }
}

/// `SimpleHead` decoding, checked against helm 4.1.4 (`YAML parse error on FILE: <message>`).
#[test]
fn yaml_simple_head_like_helm() {
    let h = yaml::simple_head(
        "apiVersion: 1.10\nkind: 5\nmetadata:\n  name: 012\n  annotations:\n    helm.sh/hook-weight: 0x10\n    a: yes\n    b: ~\n",
        "util.SimpleHead",
    )
    .unwrap();
    assert_eq!(h.api_version, "1.1");
    assert_eq!(h.kind, "5");
    let m = h.metadata.unwrap();
    assert_eq!(m.name, "10");
    let ann = m.annotations.unwrap();
    assert_eq!(ann["helm.sh/hook-weight"], "16");
    assert_eq!(ann["a"], "true");
    assert_eq!(ann["b"], "");
    let errors = [
        ("hello", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type util.SimpleHead"),
        ("apiVersion: [1]\nkind: X", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field SimpleHead.apiVersion of type string"),
        ("kind: X\nmetadata: 5", r#"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field SimpleHead.metadata of type struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#),
        ("kind: X\nmetadata:\n  name: {a: 1}", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field .metadata.name of type string"),
        ("kind: X\nmetadata:\n  annotations: [1]", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .metadata.annotations of type map[string]string"),
        ("kind: X\nmetadata:\n  annotations:\n    a: {b: 1}", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field .metadata.annotations of type string"),
        ("kind: X\nKind: Y\nKIND: [1]", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field SimpleHead.kind of type string"),
        ("kind: X\nmetadata:\n  annotations:\n    1: x\n    ~: y", "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: true"),
        ("a: b: c", "error converting YAML to JSON: yaml: mapping values are not allowed in this context"),
    ];
    for (doc, want) in errors {
        let e = yaml::simple_head(doc, "util.SimpleHead").unwrap_err();
        assert_eq!(e.to_string(), want, "{doc:?}");
    }
    assert_eq!(
        yaml::simple_head("- a", "util.SimpleHead").unwrap_err().to_string(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type util.SimpleHead"
    );
}

/// Go's JSON scanner names the offending *byte* (checked with helm 4.1.4's fromJson).
#[test]
fn json_errors_name_the_byte() {
    let cases = [
        (
            "\u{feff}{}",
            "invalid character 'ï' looking for beginning of value",
        ),
        (
            "{\"a\": é}",
            "invalid character 'Ã' looking for beginning of value",
        ),
        (
            "\u{2028}",
            "invalid character 'â' looking for beginning of value",
        ),
        ("{\"a\":1}é", "invalid character 'Ã' after top-level value"),
    ];
    for (input, want) in cases {
        assert_eq!(json::from_json(input).unwrap_err(), want, "{input:?}");
    }
}

/// Blanks between the words of a line, and the indentation of continuation lines, are taken
/// in runs by the scanner: the same scalars as go-yaml's character-at-a-time loops.
#[test]
fn yaml_scalars_with_blanks_inside_lines() {
    let cases: &[(&str, &str)] = &[
        ("v: a b  c\td\n", "a b  c\td"),
        ("v: a #c\n", "a"),
        ("v: a\t#c\n", "a"),
        ("v: a#b c\n", "a#b c"),
        ("v: a :b c:d\n", "a :b c:d"),
        ("v: a b   \n  c d\n", "a b c d"),
        ("v: a b\n\n   c\n", "a b\nc"),
        ("v: a é b\n", "a é b"),
        ("v: a - b -c\n", "a - b -c"),
        ("- a b\n- c  d\n", ""),
        ("v: 'a b  c'\n", "a b  c"),
        ("v: 'a b \n  c  d'\n", "a b c  d"),
        ("v: 'it''s a b'\n", "it's a b"),
        ("v: \"a \\\"b\\\" \\x41 c\"\n", "a \"b\" A c"),
        ("v: \"a  \\\n  b\"\n", "a  b"),
        ("v: \"a  \"\n", "a  "),
        ("v: {a: b c, d: e f}\n", ""),
    ];
    for (src, want) in cases {
        let v = yaml::from_str(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        if want.is_empty() {
            continue;
        }
        let Value::Map(m) = v else { panic!("{src:?}") };
        let got = m.borrow().get("v").cloned();
        assert_eq!(got, Some(Value::from(*want)), "{src:?}");
    }
    let list = yaml::from_str("- a b\n- c  d\n").unwrap();
    assert_eq!(
        list,
        Value::list(vec![Value::from("a b"), Value::from("c  d")])
    );
    let flow = yaml::from_str("v: {a: b c, d: e f}\n").unwrap();
    assert_eq!(
        flow,
        map(&[(
            "v",
            map(&[("a", Value::from("b c")), ("d", Value::from("e f"))])
        )])
    );
    // a value indicator after blanks is still one (helm 4.1.4 prints no line for line 1)
    let e = yaml::from_str("v: a b: c\n").unwrap_err();
    assert_eq!(
        e.message,
        "error converting YAML to JSON: yaml: mapping values are not allowed in this context"
    );
    let e = yaml::from_str("a: 1\nv: a b: c\n").unwrap_err();
    assert_eq!(
        e.message,
        "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"
    );
    // a tab in the indentation of a continuation line
    let e = yaml::from_str("v: a\n\tb\n").unwrap_err();
    assert!(e.message.contains("found a tab character"), "{}", e.message);
}

/// Runs of spaces and of a line's characters are scanned eight bytes at a time: every
/// length and every position of a character that ends the run.
#[test]
fn yaml_runs_at_every_length_and_position() {
    let get = |src: &str, key: &str| -> Value {
        let Value::Map(m) = yaml::from_str(src).unwrap_or_else(|e| panic!("{src:?}: {e}")) else {
            panic!("{src:?}")
        };
        let v = m.borrow().get(key).cloned().unwrap();
        v
    };
    for n in 1..=20 {
        let pad = " ".repeat(n);
        // indentation
        let v = get(&format!("a:\n{pad}b: 1\n{pad}c: x y\n"), "a");
        assert_eq!(
            v,
            map(&[("b", Value::Float(1.0)), ("c", Value::from("x y"))]),
            "{n}"
        );
        for special in ["é", "€", "\u{1d11e}", "#", "\t", "'"] {
            for at in 0..=n {
                let line = format!("{}{special}{}", "x".repeat(at), "y".repeat(n - at));
                // a block scalar's line (where a tab would start one, it is an error)
                let src = format!("v: |\n{pad}{line}\n");
                if special == "\t" && at == 0 {
                    assert!(yaml::from_str(&src).is_err(), "{src:?}");
                } else {
                    assert_eq!(get(&src, "v"), Value::from(format!("{line}\n")), "{src:?}");
                }
                // a comment
                let src = format!("# {line}\nv: 1 # {line}\n");
                assert_eq!(get(&src, "v"), Value::Float(1.0), "{src:?}");
            }
        }
        // line breaks that end a run: CR LF, and LS inside a line
        let (x, y) = ("x".repeat(n), "y".repeat(n));
        let src = format!("v: |\r\n{pad}{x}\r\n{pad}{y}\r\n");
        assert_eq!(
            get(&src, "v"),
            Value::from(format!("{x}\n{y}\n")),
            "{src:?}"
        );
        let src = format!("v: |\n{pad}{x}\u{2028}{pad}{y}\n");
        assert_eq!(
            get(&src, "v"),
            Value::from(format!("{x}\u{2028}{y}\n")),
            "{src:?}"
        );
    }
}
