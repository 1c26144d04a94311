#![cfg(target_arch = "wasm32")]
//! The wasm build renders the fixture charts byte for byte as the real helm printed them (and
//! so as the native build does: crates/hookline/tests/render_selftest.rs runs the same cases).

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_render_matches_recorded_helm_output() {
    for case in hookline::render::selftest::CASES {
        let (got, want) = hookline::render::selftest::run(case);
        assert_eq!(got, want, "case {}", case.name);
    }
}
