//! Each limit hostile input meets, in the wasm build the page runs: the same named errors as
//! natively (crates/hookline-cli/tests/limits.rs), never a trap or a hang.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use hookline::playground::{run, Input};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn chart(template: &str, values: &str) -> Input {
    let mut files = BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n".to_string(),
    );
    files.insert("templates/t.yaml".to_string(), template.to_string());
    Input {
        files,
        values: values.to_string(),
        ..Input::default()
    }
}

fn messages(input: &Input) -> String {
    run(input)
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}:{}: {}\n", d.file, d.line, d.col, d.message))
        .collect()
}

#[wasm_bindgen_test]
fn each_limit_gives_its_named_error_in_wasm() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "x: {{ len (until 2000000) }}",
            "",
            "list of 2000000 elements exceeds the limit of 1000000",
        ),
        (
            "x: {{ len (seq 1 2000000) }}",
            "",
            "list of 2000000 elements exceeds the limit of 1000000",
        ),
        (
            "x: {{ len (repeat 20000000 \"a\") }}",
            "",
            "repeat: result would be 20000000 bytes, more than the limit of 16777216",
        ),
        (
            "x: {{ randAlphaNum 20000000 | len }}",
            "",
            "random string of 20000000 characters, more than the limit of 16777216",
        ),
        (
            "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}",
            "",
            // Debug wasm frames are far bigger: there the nesting bound comes first (the
            // release build reaches Helm's 1000: the "engine depth in wasm" test).
            if cfg!(debug_assertions) {
                "exceeded maximum nesting depth (900)"
            } else {
                "rendering template has a nested reference name: a: unable to execute template"
            },
        ),
        (
            "x: 1",
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
             c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
             e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
             g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
            "excessive aliasing",
        ),
        (
            "x: 1",
            &format!("a: {}1{}\n", "[".repeat(400), "]".repeat(400)),
            "exceeded max depth",
        ),
    ];
    for (template, values, says) in cases {
        let m = messages(&chart(template, values));
        assert!(m.contains(says), "{template} / {values}: {m}");
    }
}

#[wasm_bindgen_test]
fn a_chart_of_too_many_files_is_refused() {
    let mut input = chart("x: 1", "");
    for i in 0..10_001 {
        input.files.insert(format!("files/f{i}.txt"), String::new());
    }
    let m = messages(&input);
    assert!(
        m.contains("chart has more than the maximum number of files 10000"),
        "{m}"
    );
}

#[wasm_bindgen_test]
fn hostile_links_are_refused_before_and_after_inflating() {
    let long = format!("#h1.{}", "A".repeat(hookline::share::MAX_LINK_CHARS + 1));
    let e = hookline::share::decode(&long).unwrap_err().to_string();
    assert!(e.contains("this link is too long to open"), "{e}");
    let link = hookline::share::encode(&hookline::share::ShareState::default());
    let e = hookline::share::decode_with(
        &link,
        hookline::share::ShareLimits {
            link_chars: 1000,
            state_bytes: 4,
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("expands to more than 4 bytes"), "{e}");
}
