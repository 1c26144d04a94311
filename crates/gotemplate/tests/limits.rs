//! Limits: deep recursion, step budget, output cap, parser nesting. Each must end in a clear
//! error, never a hang or a stack overflow.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use gotemplate::{ErrorKind, Templates, Value};

fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Largest template depth reached within `budget` bytes of stack (for the report).
fn depth_within(budget: usize, via_include: bool) -> usize {
    let (mut lo, mut hi) = (1usize, 200_000usize);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let mut t = common::engine();
        t.limits_mut().max_stack = budget;
        t.limits_mut().max_template_depth = usize::MAX;
        let body = if via_include {
            r#"{{ define "r" }}{{ if . }}{{ include "r" (sub1 .) }}{{ end }}{{ end }}"#
        } else {
            r#"{{ define "r" }}{{ if . }}{{ template "r" (sub1 .) }}{{ end }}{{ end }}"#
        };
        t.register_pure(
            "sub1",
            gotemplate::Signature::new(&[gotemplate::Param::Int]),
            |a| match a[0] {
                Value::Int(i) => Ok(Value::Int(i - 1)),
                _ => Ok(Value::Nil),
            },
        );
        t.add("t", &format!("{body}{{{{ template \"r\" . }}}}"))
            .unwrap();
        let mut host = common::HostState::default();
        let ok = t
            .execute_with("t", &Value::Int(mid as i64), &mut host)
            .is_ok();
        if ok {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[test]
fn stack_per_level_report() {
    let (t, i) = on_big_stack(|| (depth_within(1 << 20, false), depth_within(1 << 20, true)));
    eprintln!(
        "with a 1 MiB stack budget: {t} nested {{{{template}}}} calls ({} bytes each), {i} nested include calls ({} bytes each)",
        (1 << 20) / t.max(1),
        (1 << 20) / i.max(1)
    );
    assert!(t > 10 && i > 10);
}

#[test]
fn template_depth_limit_is_gos_error() {
    let msg = on_big_stack(|| {
        let mut t = Templates::new();
        t.limits_mut().max_template_depth = 1000;
        t.limits_mut().max_stack = 400 << 20;
        t.add(
            "t",
            r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#,
        )
        .unwrap();
        t.execute("t", &Value::Nil).unwrap_err()
    });
    assert_eq!(msg.kind(), ErrorKind::Limit);
    assert_eq!(
        msg.to_string(),
        r#"template: t:1:28: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (1000)"#
    );
}

#[test]
fn runaway_recursion_on_a_small_stack_is_an_error_not_a_crash() {
    // cargo's test threads have 2 MiB of stack; the default budget is below that.
    for body in [
        r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#,
        r#"{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}"#,
        r#"{{ define "r" }}{{ tpl "{{ include \"r\" . }}" . }}{{ end }}{{ include "r" . }}"#,
    ] {
        let mut t = common::engine();
        t.add("t", body).unwrap();
        let mut host = common::HostState::default();
        let e = t.execute_with("t", &Value::Nil, &mut host).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("stack budget") || text.contains("nested reference"),
            "{text}"
        );
    }
}

#[test]
fn thousand_nested_includes_and_templates() {
    // Helm stops include recursion at 1000; the engine must get there (as it must in wasm,
    // where the stack is raised to 16 MiB).
    let (inc, tmpl) = on_big_stack(|| {
        let run = |via: &str| {
            let mut t = common::engine();
            t.limits_mut().max_stack = 200 << 20;
            t.add(
                "t",
                &format!(
                    r#"{{{{ define "r" }}}}{{{{ {via} "r" . }}}}{{{{ end }}}}{{{{ {via} "r" . }}}}"#
                ),
            )
            .unwrap();
            let mut host = common::HostState::default();
            t.execute_with("t", &Value::Nil, &mut host)
                .unwrap_err()
                .to_string()
        };
        (run("include"), run("template"))
    });
    assert!(
        inc.ends_with(
            "rendering template has a nested reference name: r: unable to execute template"
        ),
        "{inc}"
    );
    assert!(
        tmpl.ends_with("exceeded maximum template depth (100000)"),
        "{tmpl}"
    );
}

#[test]
fn step_budget() {
    let mut t = Templates::new();
    t.limits_mut().max_steps = 10_000;
    t.add("t", "{{ range 1000000000 }}x{{ end }}").unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(
        e.to_string()
            .ends_with("exceeded maximum number of evaluation steps (10000)"),
        "{e}"
    );
}

#[test]
fn empty_range_bodies_count_as_steps() {
    // A million iterations of bodies that do nothing: only the iterations can meet the budget.
    let mut t = Templates::new();
    t.limits_mut().max_steps = 10_000;
    t.add("t", "{{ range . }}{{ range $ }}{{ end }}{{ end }}")
        .unwrap();
    let data = Value::List(std::rc::Rc::new(vec![Value::Int(1); 1000]));
    let e = t.execute("t", &data).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("evaluation steps (10000)"), "{e}");
}

#[test]
fn output_cap() {
    let mut t = Templates::new();
    t.limits_mut().max_output = 1000;
    t.add("t", "{{ range 2000 }}x{{ end }}").unwrap();
    let e = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(
        e.to_string()
            .ends_with("exceeded maximum output size (1000 bytes)"),
        "{e}"
    );
}

#[test]
fn parser_nesting_limit() {
    let t = Templates::new();
    let deep_parens = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    let e = t.check("t", &deep_parens).unwrap_err();
    assert_eq!(
        e.to_string(),
        "template: t:1: max expression depth exceeded"
    );
    let deep_ifs = format!("{}x{}", "{{if 1}}".repeat(5000), "{{end}}".repeat(5000));
    let e = t.check("t", &deep_ifs).unwrap_err();
    assert_eq!(
        e.to_string(),
        "template: t:1: max expression depth exceeded"
    );
    // Moderate nesting is fine (and runs).
    let ok = format!("{}x{}", "{{if 1}}".repeat(100), "{{end}}".repeat(100));
    assert!(t.check("t", &ok).is_ok());
}

#[test]
fn deep_nesting_runs_or_fails_cleanly() {
    let mut t = Templates::new();
    let src = format!("{}x{}", "{{if 1}}".repeat(100), "{{end}}".repeat(100));
    t.add("t", &src).unwrap();
    assert_eq!(t.execute("t", &Value::Nil).unwrap(), "x");
    let parens = format!("{{{{ {}1{} }}}}", "(".repeat(100), ")".repeat(100));
    t.add("p", &parens).unwrap();
    assert_eq!(t.execute("p", &Value::Nil).unwrap(), "1");
}
