//! Runs in a browser (wasm32-unknown-unknown, Chromium):
//! `cargo test --release -p gotemplate --target wasm32-unknown-unknown --test wasm`
//! (the depth tests need a release build, as the web app is; debug builds check the rest).
//! Proves the evaluator reaches Helm's include depth (1000) and Go's wasm template depth
//! (1000) within the browser's stack, as raised in `.cargo/config.toml`.
#![cfg(target_arch = "wasm32")]

mod common;

use gotemplate::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn run(body: &str) -> String {
    let mut t = common::engine();
    t.add("t", body).unwrap();
    let mut host = common::HostState::default();
    match t.execute_with("t", &Value::Nil, &mut host) {
        Ok(s) => s,
        Err(e) => e.to_string(),
    }
}

// Release builds only: unoptimised wasm frames are too big for 1000 levels in V8's stack
// (debug builds stop earlier with the nesting error instead).
#[cfg(not(debug_assertions))]
#[wasm_bindgen_test]
fn thousand_nested_includes() {
    let out = run(r#"{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}"#);
    assert!(
        out.ends_with(
            "rendering template has a nested reference name: r: unable to execute template"
        ),
        "{out}"
    );
}

#[cfg(not(debug_assertions))]
#[wasm_bindgen_test]
fn thousand_nested_templates() {
    let out = run(r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#);
    assert!(
        out.ends_with("exceeded maximum template depth (1000)"),
        "{out}"
    );
}

#[wasm_bindgen_test]
fn renders_in_wasm() {
    assert_eq!(
        run(
            r#"{{ define "x" }}{{ . | printf "%05.1f" }}{{ end }}[{{ include "x" 3.14159 }}|{{ 1e6 }}]"#
        ),
        "[003.1|1e+06]"
    );
}

fn assert_clean(out: String) {
    assert!(
        out.contains("exceeded maximum") || out.contains("nested reference"),
        "{out}"
    );
}

// Runaway recursion wrapped in control structures ends in a clean error, not in the
// browser's "Maximum call stack size exceeded".

#[wasm_bindgen_test]
fn runaway_include_in_if_and_range() {
    assert_clean(run(
        r#"{{ define "r" }}{{ if true }}{{ range list 1 }}{{ include "r" . }}{{ end }}{{ end }}{{ end }}{{ include "r" . }}"#,
    ));
}

#[wasm_bindgen_test]
fn runaway_template_in_with() {
    let mut t = common::engine();
    t.limits_mut().max_template_depth = 100_000;
    t.add(
        "t",
        r#"{{ define "r" }}{{ with 1 }}{{ template "r" . }}{{ end }}{{ end }}{{ template "r" . }}"#,
    )
    .unwrap();
    assert_clean(t.execute("t", &Value::Nil).unwrap_err().to_string());
}

#[wasm_bindgen_test]
fn runaway_tpl_and_include() {
    assert_clean(run(
        r#"{{ define "r" }}{{ tpl "{{ include \"r\" . }}" . }}{{ end }}{{ include "r" . }}"#,
    ));
}
