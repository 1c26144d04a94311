//! Limits: deep recursion, step budget, output cap, parser nesting. Each must end in a clear
//! error, never a hang or a stack overflow.

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
        t.add("t", &format!("{body}{{{{ template \"r\" . }}}}")).unwrap();
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
