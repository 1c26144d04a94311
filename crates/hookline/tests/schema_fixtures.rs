//! `values.schema.json` validation against what the real helm v4.1.4 printed for the same
//! chart: each `tests/fixtures/differential/schema-*/` chart has `schema-*.expected` (helm's
//! stdout and stderr, captured by `scripts/diff-helm.sh --refresh-schema`) and optional
//! `schema-*.args` (`--set` flags). Runs without helm; `scripts/diff-helm.sh` also compares
//! these charts with the live binary.

use std::path::{Path, PathBuf};

use hookline::chart::load_path;
use hookline::render::{render_chart, TemplateRequest};
use hookline::values::ValueOptions;
use hookline::HelmVersion;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/differential")
}

#[test]
fn schema_errors_read_as_helm_prints_them() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "expected")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("schema-"))
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "schema fixtures missing: {cases:?}");
    let mut failures = Vec::new();
    for exp_path in &cases {
        let chart_dir = exp_path.with_extension("");
        let expected = std::fs::read_to_string(exp_path).expect("expected");
        let mut vals = ValueOptions::default();
        if let Ok(args) = std::fs::read_to_string(chart_dir.with_extension("args")) {
            let words: Vec<&str> = args.split_whitespace().collect();
            for w in words.windows(2) {
                if w[0] == "--set" {
                    vals.values.push(w[1].to_string());
                }
            }
        }
        let user = vals
            .merge(&mut |p: &str| Err(format!("no file {p}")))
            .expect("values");
        let chart = load_path(&chart_dir).expect("chart loads");
        let req = TemplateRequest::new("rel", "ns", HelmVersion::V4);
        let got = match render_chart(&chart, &user, &req) {
            Ok(_) => None,
            Err(e) => Some(e.helm_text()),
        };
        // Helm's log lines (`level=...`) go to stderr beside the error; the error is what
        // the core returns.
        let want_err: Option<String> = expected.starts_with("Error: ").then(|| expected.clone());
        let want_err = want_err.or_else(|| {
            expected
                .lines()
                .position(|l| l.starts_with("Error: "))
                .map(|i| expected.lines().skip(i).collect::<Vec<_>>().join("\n"))
        });
        let norm = |s: &str| s.trim_end().to_string();
        match (&want_err, &got) {
            (None, None) => {}
            (Some(w), Some(g)) if norm(w) == norm(g) => {}
            _ => failures.push(format!(
                "{}:\n--- helm\n{}\n--- hookline\n{}",
                chart_dir.display(),
                want_err.as_deref().unwrap_or("(renders)"),
                got.as_deref().unwrap_or("(renders)")
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
