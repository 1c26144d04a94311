//! The host-facing API: template set rules, host objects, missing-key policies, context
//! functions, structured errors and spans, and Go behaviour that real helm cannot show
//! (Sprig replaces Go's `slice` there).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::any::Any;
use std::rc::Rc;

use gotemplate::{
    Ctx, ErrorKind, FuncError, Map, MissingKey, Object, Param, Signature, Templates, Value,
};

fn data(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v.clone());
    }
    Value::map(m)
}

#[test]
fn later_definitions_replace_earlier_ones_across_texts() {
    let mut t = Templates::new();
    t.add("a.tpl", r#"{{ define "x" }}first{{ end }}"#).unwrap();
    t.add("b.tpl", r#"{{ define "x" }}second{{ end }}"#)
        .unwrap();
    t.add("c.tpl", r#"{{ define "x" }}   {{ end }}"#).unwrap(); // empty: ignored
    t.add("main", r#"{{ template "x" }}"#).unwrap();
    assert_eq!(t.execute("main", &Value::Nil).unwrap(), "second");
    assert!(t.has("a.tpl") && t.has("x"));
    assert_eq!(t.names(), vec!["a.tpl", "b.tpl", "c.tpl", "main", "x"]);
}

#[test]
fn failed_parse_adds_nothing() {
    let mut t = Templates::new();
    assert!(t
        .add("bad", r#"{{ define "x" }}x{{ end }}{{ nosuch }}"#)
        .is_err());
    assert!(!t.has("x") && !t.has("bad"));
}

#[test]
fn no_template_error() {
    let mut t = Templates::new();
    t.set_name("gotpl");
    let e = t.execute("nope", &Value::Nil).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoTemplate);
    assert_eq!(
        e.to_string(),
        r#"template: no template "nope" associated with template "gotpl""#
    );
}

struct Release;

impl Object for Release {
    fn type_name(&self) -> &str {
        "*release.Release"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(Value::from("rel")),
            "Revision" => Some(Value::Int(1)),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Greet"
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match (name, args) {
            ("Greet", [Value::String(s)]) => Ok(Value::from(format!("hi {s}"))),
            _ => Err("wrong arguments".into()),
        }
    }
    fn display(&self) -> String {
        "{rel 1}".into()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn host_objects_fields_and_methods() {
    let mut t = Templates::new();
    t.add(
        "t",
        r#"{{ .R.Name }}|{{ .R.Revision }}|{{ .R.Greet "x" }}|{{ "y" | .R.Greet }}|{{ .R }}|{{ if .R }}true{{ end }}"#,
    )
    .unwrap();
    let d = data(&[("R", Value::Object(Rc::new(Release)))]);
    assert_eq!(t.execute("t", &d).unwrap(), "rel|1|hi x|hi y|{rel 1}|true");
    t.add("e", "{{ .R.Nope }}").unwrap();
    assert_eq!(
        t.execute("e", &d).unwrap_err().to_string(),
        r#"template: e:1:5: executing "e" at <.R.Nope>: can't evaluate field Nope in type interface {}"#
    );
    t.add("m", "{{ .R.Greet 1 2 }}").unwrap();
    assert_eq!(
        t.execute("m", &d).unwrap_err().to_string(),
        r#"template: m:1:5: executing "m" at <.R.Greet>: error calling Greet: wrong arguments"#
    );
    t.add("a", r#"{{ .R.Name "x" }}"#).unwrap();
    assert_eq!(
        t.execute("a", &d).unwrap_err().message(),
        "Name has arguments but cannot be invoked as function"
    );
}

#[test]
fn missing_key_policies() {
    let d = data(&[("a", Value::empty_map())]);
    let mut t = Templates::new();
    t.add("t", "[{{ .a.x }}]").unwrap();
    t.add("u", "[{{ .a.x.y }}]").unwrap();
    assert_eq!(t.execute("t", &d).unwrap(), "[<no value>]");
    assert!(t
        .execute("u", &d)
        .unwrap_err()
        .to_string()
        .ends_with("nil pointer evaluating interface {}.y"));

    t.set_missing_key(MissingKey::Error);
    assert_eq!(
        t.execute("t", &d).unwrap_err().to_string(),
        r#"template: t:1:6: executing "t" at <.a.x>: map has no entry for key "x""#
    );

    t.set_missing_key(MissingKey::Invalid);
    assert_eq!(t.execute("t", &d).unwrap(), "[<no value>]");
    assert_eq!(t.execute("u", &d).unwrap(), "[<no value>]");
}

#[test]
fn nil_data_with_missingkey_error() {
    let mut t = Templates::new();
    t.set_missing_key(MissingKey::Error);
    t.add("t", "{{ .x }}").unwrap();
    assert_eq!(
        t.execute("t", &Value::Nil).unwrap_err().message(),
        r#"nil data; no entry for key "x""#
    );
}

#[derive(Default)]
struct Counter {
    calls: usize,
}

#[test]
fn context_functions_reach_host_state_and_template_name() {
    let mut t = Templates::new();
    t.register_ctx(
        "count",
        Signature::new(&[]),
        Rc::new(|ctx: &mut Ctx<'_, '_>, _args: &[Value]| {
            let name = ctx.template_name().to_string();
            let c = ctx.host::<Counter>().ok_or("no counter")?;
            c.calls += 1;
            Ok(Value::from(format!("{name}#{}", c.calls)))
        }),
    );
    t.add(
        "t",
        r#"{{ define "d" }}{{ count }}{{ end }}{{ count }} {{ template "d" }}"#,
    )
    .unwrap();
    let mut host = Counter::default();
    assert_eq!(
        t.execute_with("t", &Value::Nil, &mut host).unwrap(),
        "t#1 d#2"
    );
    assert_eq!(host.calls, 2);
    // Without the right host state the function fails cleanly.
    assert_eq!(
        t.execute("t", &Value::Nil).unwrap_err().message(),
        "error calling count: no counter"
    );
}

#[test]
fn tpl_defines_do_not_leak() {
    let mut t = common::engine();
    t.add(
        "t",
        r#"{{ tpl "{{ define \"z\" }}Z{{ end }}{{ template \"z\" }}" . }}|{{ include "z" . }}"#,
    )
    .unwrap();
    let mut host = common::HostState::default();
    let e = t.execute_with("t", &Value::Nil, &mut host).unwrap_err();
    assert!(
        e.to_string().ends_with(
            r#"error calling include: template: no template "z" associated with template "gotpl""#
        ),
        "{e}"
    );
    assert!(!t.has("z"));
}

#[test]
fn tpl_sees_includes_of_its_own_defines() {
    let mut t = common::engine();
    t.add(
        "t",
        r#"{{ tpl "{{ define \"z\" }}Z{{ . }}{{ end }}{{ include \"z\" 1 }}" . }}"#,
    )
    .unwrap();
    let mut host = common::HostState::default();
    assert_eq!(t.execute_with("t", &Value::Nil, &mut host).unwrap(), "Z1");
}

#[test]
fn nested_errors_are_structured() {
    let mut t = common::engine();
    t.add(
        "c/templates/t.yaml",
        "{{ define \"x\" }}\n  {{ .a.b }}{{ end }}{{ define \"y\" }}{{ include \"x\" . }}{{ end }}\n{{ include \"y\" 1 }}",
    )
    .unwrap();
    let mut host = common::HostState::default();
    let e = t
        .execute_with("c/templates/t.yaml", &Value::Nil, &mut host)
        .unwrap_err();
    assert_eq!(e.location(), "c/templates/t.yaml:3:3");
    assert_eq!(e.context(), Some(r#"include "y" 1"#));
    let y = e.nested().expect("include y");
    assert_eq!(y.template_name(), "y");
    assert_eq!(y.context(), Some(r#"include "x" ."#));
    let x = y.nested().expect("include x");
    assert_eq!(x.template_name(), "x");
    assert_eq!(x.file(), "c/templates/t.yaml");
    assert_eq!((x.line(), x.col()), (2, Some(7)));
    assert_eq!(x.message(), "can't evaluate field a in type int");
    assert!(x.nested().is_none());
    // The span points at the node in the source.
    let span = x.span().unwrap();
    let src = "{{ define \"x\" }}\n  {{ .a.b }}";
    assert_eq!(&src[span.range()], ".a.b");
}

#[test]
fn parse_error_spans() {
    let t = Templates::new();
    let e = t.check("t", "ok\n{{ nosuch 1 }}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert_eq!(e.line(), 2);
    let s = e.span().unwrap();
    assert_eq!(&"ok\n{{ nosuch 1 }}"[s.range()], "nosuch");
}

#[test]
fn pure_function_errors_and_conversion() {
    let mut t = Templates::new();
    t.register_pure("fail", Signature::new(&[Param::String]), |a| {
        Err(FuncError(format!(
            "failed: {}",
            a[0].as_str().unwrap_or_default()
        )))
    });
    t.register_pure("half", Signature::new(&[Param::Float64]), |a| match a[0] {
        Value::Float(f) => Ok(Value::Float(f / 2.0)),
        _ => Err("not a float".into()),
    });
    t.register_pure("bytes", Signature::new(&[Param::Bytes]), |a| {
        Ok(Value::Int(match &a[0] {
            Value::Bytes(b) => b.len() as i64,
            _ => -1,
        }))
    });
    t.register_pure("strs", Signature::new(&[Param::Strings]), |a| {
        Ok(Value::Int(match &a[0] {
            Value::List(l) => l.len() as i64,
            _ => -1,
        }))
    });
    t.add("t", r#"{{ half 3 }}|{{ half 1.5 }}|{{ bytes nil }}"#)
        .unwrap();
    assert_eq!(t.execute("t", &Value::Nil).unwrap(), "1.5|0.75|-1");
    t.add("e", r#"{{ fail "x" }}"#).unwrap();
    assert_eq!(
        t.execute("e", &Value::Nil).unwrap_err().to_string(),
        r#"template: e:1:3: executing "e" at <fail "x">: error calling fail: failed: x"#
    );
    t.add("w", r#"{{ half "x" }}"#).unwrap();
    assert_eq!(
        t.execute("w", &Value::Nil).unwrap_err().message(),
        r#"expected float; found "x""#
    );
    let l = data(&[("l", Value::list(vec![Value::from("a"), Value::Int(1)]))]);
    t.add("s", r#"{{ strs .l }}"#).unwrap();
    assert_eq!(
        t.execute("s", &l).unwrap_err().message(),
        "wrong type for value; expected []string; got []interface {}"
    );
}

/// Go's builtin `slice` (Helm replaces it with Sprig's, so these come from Go's source and
/// documentation rather than from helm).
#[test]
fn go_slice_builtin() {
    let mut t = common::engine();
    let cases = [
        (r#"{{ slice "hello" 1 3 }}"#, "el"),
        (r#"{{ slice "hello" 3 }}"#, "lo"),
        (r#"{{ slice "hello" }}"#, "hello"),
        (r#"{{ slice (list 1 2 3 4) 1 3 }}"#, "[2 3]"),
        (r#"{{ slice (list 1 2 3 4) 1 2 3 }}"#, "[2]"),
        (r#"{{ slice (list 1 2) 2 }}"#, "[]"),
    ];
    for (i, (src, want)) in cases.iter().enumerate() {
        let name = format!("s{i}");
        t.add(&name, src).unwrap();
        assert_eq!(t.execute(&name, &Value::Nil).unwrap(), *want, "{src}");
    }
    let errs = [
        (
            r#"{{ slice "abc" 1 2 3 }}"#,
            "error calling slice: cannot 3-index slice a string",
        ),
        (
            r#"{{ slice "abc" 2 1 }}"#,
            "error calling slice: invalid slice index: 2 > 1",
        ),
        (
            r#"{{ slice "abc" 1 5 }}"#,
            "error calling slice: index out of range: 5",
        ),
        (
            r#"{{ slice nil 1 }}"#,
            "error calling slice: slice of untyped nil",
        ),
        (
            r#"{{ slice 5 1 }}"#,
            "error calling slice: can't slice item of type int",
        ),
        (
            r#"{{ slice (list 1 2) 0 1 1 1 }}"#,
            "error calling slice: too many slice indexes: 4",
        ),
        (
            r#"{{ slice (list 1 2 3) 0 2 1 }}"#,
            "error calling slice: invalid slice index: 2 > 1",
        ),
    ];
    for (i, (src, want)) in errs.iter().enumerate() {
        let name = format!("e{i}");
        t.add(&name, src).unwrap();
        assert_eq!(
            t.execute(&name, &Value::Nil).unwrap_err().message(),
            *want,
            "{src}"
        );
    }
}

#[test]
fn custom_delimiters() {
    let mut t = Templates::new();
    t.set_delims("[[", "]]");
    t.add("t", "{{ not an action }} [[- \" x \" -]] [[ .a ]]")
        .unwrap();
    assert_eq!(
        t.execute("t", &data(&[("a", Value::Int(1))])).unwrap(),
        "{{ not an action }} x 1"
    );
    t.set_delims("<%", "%>");
    t.add("u", "<%/* c */%><% printf \"%d\" 5 -%>  x").unwrap();
    assert_eq!(t.execute("u", &Value::Nil).unwrap(), "5x");
}

#[test]
fn maps_are_shared_references() {
    // A host function that mutates a map (Sprig's `set`) is seen through every reference.
    let mut t = Templates::new();
    t.register_pure(
        "set",
        Signature::new(&[Param::Map, Param::String, Param::Any]),
        |a| {
            if let Value::Map(m) = &a[0] {
                m.borrow_mut()
                    .insert(a[1].as_str().unwrap_or_default().into(), a[2].clone());
            }
            Ok(a[0].clone())
        },
    );
    t.add("t", r#"{{ $m := .m }}{{ $_ := set $m "k" "v" }}{{ .m.k }}"#)
        .unwrap();
    assert_eq!(
        t.execute("t", &data(&[("m", Value::empty_map())])).unwrap(),
        "v"
    );
}

#[test]
fn no_panics_on_odd_input() {
    let t = common::engine();
    for src in [
        "{{",
        "}}",
        "{{-",
        "-}}",
        "{{ - }}",
        "{{/*",
        "{{/**/",
        "{{ '",
        "{{ '\\",
        "{{ \"\\",
        "{{ `",
        "{{ $",
        "{{ $x :",
        "{{ .",
        "{{ ..",
        "{{ (",
        "{{ ) }}",
        "{{ | }}",
        "{{ 0x }}",
        "{{ 1e }}",
        "{{ 1e+ }}",
        "{{ 0x1p }}",
        "{{ 'ab }}",
        "{{ \"\\xZZ\" }}",
        "{{ \"\\u12\" }}",
        "{{ \"\\400\" }}",
        "{{ 'é }}",
        "{{ é }}",
        "{{ .é }}",
        "{{ $é := 1 }}{{ $é }}",
        "{{ range $i, $v := . }}{{ end }}",
        "{{ else }}",
        "{{ end }}",
        "{{ define }}",
        "{{ block \"x\" }}",
        "{{ template \"x\" . . }}",
        "{{ 1 2 }}",
        "{{ nil 1 }}",
        "\u{0}{{ \"\u{0}\" }}",
        "{{ 99999999999999999999 }}",
        "{{ -0x8000000000000001 }}",
        "{{ 1_ }}",
        "{{ _1 }}",
        "{{ 0b2 }}",
        "{{ 0o8 }}",
        "{{ 08 }}",
        "{{ 1__0 }}",
    ] {
        let mut t2 = t.clone();
        let _ = t2.add("x", src).map(|_| t2.execute("x", &Value::Nil));
    }
}

/// A text parsed before its name is known (another thread, ahead of the render) and renamed
/// gives the set a parse under that name gives, or declines where the two could differ.
#[test]
fn parses_made_unnamed_are_the_parses_under_the_name() {
    fn dump(t: &Templates) -> String {
        t.names()
            .iter()
            .map(|n| {
                let tree = t.tree(n).unwrap();
                format!("{n} [{}] = {}\n", tree.parse_name, tree.root_string())
            })
            .collect()
    }
    let setup = Templates::new().parse_setup();
    let texts = [
        r#"a{{ define "d" }}x{{ .y }}{{ end }}{{ template "d" . }}"#,
        r#"{{ block "b" . }}{{ if .z }}{{ . | printf "%v" }}{{ end }}{{ end }}"#,
        "   ",
        r#"{{ define "t" }}not empty{{ end }}"#,
    ];
    for text in texts {
        let mut named = Templates::new();
        named.add("t", text).unwrap();
        let mut early = Templates::new();
        let parsed = setup.parse_unnamed(text).unwrap().renamed("t");
        if text.contains(r#"define "t""#) {
            // The text defines its own name: Go's tree set joins the two (here the empty
            // body gives way); a rename cannot know that.
            assert!(parsed.is_none());
            continue;
        }
        early.add_parsed(Rc::from(text), parsed.unwrap());
        assert_eq!(dump(&early), dump(&named));
        assert_eq!(
            early
                .execute("t", &data(&[("y", Value::from("1"))]))
                .unwrap(),
            named
                .execute("t", &data(&[("y", Value::from("1"))]))
                .unwrap()
        );
    }
    // A text that defines the placeholder name is never renamed either.
    let odd = r#"{{ define "\x00unnamed" }}{{ end }}body"#;
    assert!(setup.parse_unnamed(odd).unwrap().renamed("t").is_none());
    // A set parses as its own setup does, not as one with other functions.
    assert!(Templates::new().parses_as(&setup));
    let mut more = Templates::new();
    more.register_pure("extra", Signature::new(&[]), |_| Ok(Value::Nil));
    assert!(!more.parses_as(&setup));
}

/// String literals of at least `ast::LONG_LITERAL` bytes with no escapes are read from the
/// template's text where they stand; they must behave as every other literal does.
#[test]
fn long_string_literals_act_as_other_literals() {
    let long = format!(
        "{}: {{a: 1}} 'é'",
        "x".repeat(gotemplate::ast::LONG_LITERAL)
    );
    let run = |src: &str| -> Result<String, String> {
        let mut t = Templates::new();
        t.add("t", src).map_err(|e| e.to_string())?;
        t.execute("t", &Value::Nil).map_err(|e| e.to_string())
    };
    let cases: Vec<(String, String)> = vec![
        (format!("a{{{{ `{long}` }}}}b"), format!("a{long}b")),
        (format!("{{{{ \"{}\" }}}}", long), long.clone()),
        (format!("{{{{ \"{long}\\t\" }}}}"), format!("{long}\t")),
        (format!("{{{{ `{long}\r` }}}}"), long.clone()),
        (
            format!("{{{{ `{long}` | printf \"%s!\" }}}}"),
            format!("{long}!"),
        ),
        (
            format!("{{{{ printf \"%s?\" `{long}` }}}}"),
            format!("{long}?"),
        ),
        (
            format!("{{{{ $x := `{long}` }}}}{{{{ len $x }}}}"),
            long.len().to_string(),
        ),
        (format!("{{{{ `{long}` | len }}}}"), long.len().to_string()),
        (
            format!("{{{{ if `{long}` }}}}yes{{{{ end }}}}"),
            "yes".into(),
        ),
        (format!("{{{{ eq `{long}` \"{long}\" }}}}"), "true".into()),
    ];
    for (src, want) in cases {
        assert_eq!(run(&src).as_deref(), Ok(want.as_str()), "{src}");
    }
    assert_eq!(
        run(&format!("{{{{ len | `{long}` }}}}")).unwrap_err(),
        "template: t:1: non executable command in pipeline stage 2"
    );
    assert_eq!(
        run(&format!("{{{{ `{long}`.x }}}}")).unwrap_err(),
        format!("template: t:1: unexpected . after term \"`{long}`\"")
    );
    // Go's String() of the tree gives the literal's source text back.
    let mut t = Templates::new();
    t.add(
        "t",
        &format!("{{{{ `{long}` }}}}{{{{ print \"{long}\" }}}}"),
    )
    .unwrap();
    assert_eq!(
        t.tree("t").unwrap().root_string(),
        format!("{{{{`{long}`}}}}{{{{print \"{long}\"}}}}")
    );
    // Neither is copied into the tree's literal table.
    assert!(t.tree("t").unwrap().literals.is_empty());
    // As many evaluation steps as a short literal's action.
    for max in [3, 4] {
        let steps = |lit: &str| {
            let mut t = Templates::new();
            t.limits_mut().max_steps = max;
            t.add("t", &format!("{{{{ {lit} }}}}{{{{ {lit} }}}}"))
                .unwrap();
            t.execute("t", &Value::Nil).is_ok()
        };
        assert_eq!(steps(&format!("`{long}`")), steps("`s`"), "max_steps {max}");
    }
}
