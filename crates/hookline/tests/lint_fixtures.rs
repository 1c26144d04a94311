//! `hookline lint` fixtures: for every rule, tests/fixtures/lint/<rule>/bad is a chart that
//! triggers it (with a span in the template source) and .../good one that does not.
//! `tests/fixtures/lint/<rule>/options.txt` (optional) holds `helm=v3` / `wait=true` lines.

use std::path::{Path, PathBuf};

use hookline::chart::load_path;
use hookline::lint::{format, lint, LintOptions, RULES};
use hookline::HelmVersion;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lint")
}

fn options(rule_dir: &Path) -> LintOptions {
    let mut o = LintOptions::default();
    if let Ok(text) = std::fs::read_to_string(rule_dir.join("options.txt")) {
        for line in text.lines() {
            match line.trim().split_once('=') {
                Some(("helm", v)) => o.helm = HelmVersion::parse(v).expect("helm version"),
                Some(("wait", v)) => o.wait = v == "true",
                _ => {}
            }
        }
    }
    o
}

#[test]
fn lint_every_rule_has_a_bad_and_a_good_fixture() {
    let mut failures = Vec::new();
    for rule in RULES {
        let dir = root().join(rule.id);
        let opts = options(&dir);
        for (kind, want) in [("bad", true), ("good", false)] {
            let path = dir.join(kind);
            let chart = match load_path(&path) {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            let report = lint(&chart, &Default::default(), &opts);
            let hits: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule.id)
                .collect();
            if want && hits.is_empty() {
                failures.push(format!(
                    "{} {kind}: expected {}, got:\n{}",
                    rule.id,
                    rule.id,
                    format::text(&report)
                ));
            }
            if !want && !hits.is_empty() {
                failures.push(format!(
                    "{} {kind}: unexpected:\n{}",
                    rule.id,
                    format::text(&report)
                ));
            }
            if want && hits.iter().any(|f| f.span.line == 0) {
                failures.push(format!("{} {kind}: no source line: {:?}", rule.id, hits));
            }
            // Errors and only errors make the CLI exit non-zero.
            assert_eq!(
                report.has_errors(),
                report
                    .findings
                    .iter()
                    .any(|f| f.severity == hookline::lint::Severity::Error)
            );
            // The other formats never fail.
            assert!(format::json(&report).contains("\"findings\""));
            assert!(format::sarif(&report).contains("\"2.1.0\""));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn lint_argocd_lens_on_fixtures_does_not_panic() {
    for rule in RULES {
        for kind in ["bad", "good"] {
            let chart = load_path(&root().join(rule.id).join(kind)).expect("chart");
            let c = hookline::argocd::compare_chart(
                &chart,
                &Default::default(),
                &LintOptions::default(),
            );
            let _ = c.to_text();
        }
    }
}
