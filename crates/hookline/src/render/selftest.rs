//! Renders the project's fixture charts with expected outputs recorded from the real
//! `helm template` (v4.1.4), so the native and the wasm builds can prove they give the same
//! bytes (`crates/hookline/tests/render_selftest.rs`, `web/tests/render.rs`).

use std::collections::BTreeMap;

use super::{helm_template, TemplateRequest};
use crate::plan::HelmVersion;

/// A fixture: chart files, and what helm printed (stdout, or the error after `Error: `).
pub struct Case {
    pub name: &'static str,
    pub files: &'static [(&'static str, &'static str)],
    pub expected: &'static str,
    pub is_error: bool,
}

pub const CASES: &[Case] = &[
    Case {
        name: "hooks-zoo",
        files: &[
            (
                "Chart.yaml",
                include_str!("../../../../tests/fixtures/differential/hooks-zoo/Chart.yaml"),
            ),
            (
                "values.yaml",
                include_str!("../../../../tests/fixtures/differential/hooks-zoo/values.yaml"),
            ),
            (
                "templates/t.yaml",
                include_str!("../../../../tests/fixtures/differential/hooks-zoo/templates/t.yaml"),
            ),
        ],
        expected: include_str!("../../../../tests/fixtures/wasm-render/hooks-zoo.expected.yaml"),
        is_error: false,
    },
    Case {
        name: "err-nested-include",
        files: &[
            (
                "Chart.yaml",
                include_str!(
                    "../../../../tests/fixtures/differential/err-nested-include/Chart.yaml"
                ),
            ),
            (
                "templates/t.yaml",
                include_str!(
                    "../../../../tests/fixtures/differential/err-nested-include/templates/t.yaml"
                ),
            ),
        ],
        expected: include_str!(
            "../../../../tests/fixtures/wasm-render/err-nested-include.expected.txt"
        ),
        is_error: true,
    },
];

/// Render a case as `helm template rel CHART --namespace ns`; returns (actual, expected).
pub fn run(case: &Case) -> (String, String) {
    let files: BTreeMap<String, Vec<u8>> = case
        .files
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect();
    let chart = match crate::chart::load_files(&files) {
        Ok(c) => c,
        Err(e) => return (format!("load error: {e}"), case.expected.to_string()),
    };
    let req = TemplateRequest::new("rel", "ns", HelmVersion::V4);
    let got = match helm_template(&chart, &gotemplate::Map::new(), &req) {
        Ok(out) if !case.is_error => out,
        Ok(out) => format!("unexpected success:\n{out}"),
        Err(e) if case.is_error => format!("{}\n", e.message),
        Err(e) => format!("unexpected error: {}", e.helm_text()),
    };
    (got, case.expected.to_string())
}
