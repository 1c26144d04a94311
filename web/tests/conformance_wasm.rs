//! The lifecycle conformance table (tests/conformance/*.yaml) through the wasm build: the
//! same runner and expectations as the native `crates/hookline/tests/conformance.rs`, so the
//! browser computes the same plans. Runs under node (no browser needed):
//! `cargo test -p hookline-web --target wasm32-unknown-unknown --test conformance_wasm`.
#![cfg(target_arch = "wasm32")]

use hookline::lifecycle::conformance;
use wasm_bindgen_test::*;

const FILES: &[(&str, &str)] = &[
    (
        "01-events.yaml",
        include_str!("../../tests/conformance/01-events.yaml"),
    ),
    (
        "02-ordering.yaml",
        include_str!("../../tests/conformance/02-ordering.yaml"),
    ),
    (
        "03-delete-policies.yaml",
        include_str!("../../tests/conformance/03-delete-policies.yaml"),
    ),
    (
        "04-readiness.yaml",
        include_str!("../../tests/conformance/04-readiness.yaml"),
    ),
    (
        "05-install.yaml",
        include_str!("../../tests/conformance/05-install.yaml"),
    ),
    (
        "06-upgrade.yaml",
        include_str!("../../tests/conformance/06-upgrade.yaml"),
    ),
    (
        "07-rollback.yaml",
        include_str!("../../tests/conformance/07-rollback.yaml"),
    ),
    (
        "08-uninstall.yaml",
        include_str!("../../tests/conformance/08-uninstall.yaml"),
    ),
    (
        "09-test.yaml",
        include_str!("../../tests/conformance/09-test.yaml"),
    ),
    (
        "10-flags.yaml",
        include_str!("../../tests/conformance/10-flags.yaml"),
    ),
    (
        "11-bad-scenarios.yaml",
        include_str!("../../tests/conformance/11-bad-scenarios.yaml"),
    ),
    (
        "12-more.yaml",
        include_str!("../../tests/conformance/12-more.yaml"),
    ),
];

#[wasm_bindgen_test]
fn conformance_table_in_wasm() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for (name, text) in FILES {
        for r in conformance::run_file(name, text).expect("case file parses") {
            cases += 1;
            failures.extend(r.failures);
        }
    }
    assert!(cases >= 40, "{cases} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
