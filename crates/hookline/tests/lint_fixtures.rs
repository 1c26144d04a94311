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

/// An in-memory chart (what the web app passes to `lint`).
fn chart(templates: &[(&str, &str)]) -> hookline::chart::Chart {
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: mem\nversion: 0.1.0\n".to_vec(),
    );
    for (p, c) in templates {
        files.insert(format!("templates/{p}"), c.as_bytes().to_vec());
    }
    hookline::chart::load_files(&files).expect("chart")
}

fn rules_of(c: &hookline::chart::Chart) -> Vec<String> {
    lint(c, &Default::default(), &LintOptions::default())
        .findings
        .iter()
        .map(|f| format!("{}:{}", f.rule, f.severity.as_str()))
        .collect()
}

const JOB_WITH_CM: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job\n  annotations:\n    helm.sh/hook: EVENT\n    helm.sh/hook-weight: \"0\"\nspec:\n  backoffLimit: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: c\n          image: x\n          envFrom:\n            - configMapRef:\n                name: cm\n";

#[test]
fn lint_missing_reference_cases() {
    let job = |e: &str| JOB_WITH_CM.replace("EVENT", e);
    let cm_hook = |e: &str, w: &str, pol: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    helm.sh/hook: {e}\n    helm.sh/hook-weight: \"{w}\"\n{pol}data: {{}}\n")
    };
    let cm_regular = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata: {}\n";
    // A hook of a later weight.
    let c = chart(&[
        ("job.yaml", &job("pre-install")),
        ("cm.yaml", &cm_hook("pre-install", "5", "")),
    ]);
    assert!(rules_of(&c).contains(&"HL001:error".to_string()));
    // A lower weight: fine.
    let c = chart(&[
        ("job.yaml", &job("pre-install")),
        ("cm.yaml", &cm_hook("pre-install", "-5", "")),
    ]);
    assert!(!rules_of(&c).iter().any(|r| r.starts_with("HL001")));
    // Deleted by hook-succeeded at the end of pre-install, needed at post-install.
    let c = chart(&[
        ("job.yaml", &job("post-install")),
        (
            "cm.yaml",
            &cm_hook(
                "pre-install",
                "-5",
                "    helm.sh/hook-delete-policy: hook-succeeded\n",
            ),
        ),
    ]);
    assert!(
        rules_of(&c).contains(&"HL001:error".to_string()),
        "{:?}",
        rules_of(&c)
    );
    // Post-delete: the regular resource is gone.
    let c = chart(&[("job.yaml", &job("post-delete")), ("cm.yaml", cm_regular)]);
    assert!(rules_of(&c).contains(&"HL001:error".to_string()));
    // Pre-delete: it is still there.
    let c = chart(&[("job.yaml", &job("pre-delete")), ("cm.yaml", cm_regular)]);
    assert!(!rules_of(&c).iter().any(|r| r.starts_with("HL001")));
    // Pre-upgrade: present, with the old data.
    let c = chart(&[("job.yaml", &job("pre-upgrade")), ("cm.yaml", cm_regular)]);
    assert!(rules_of(&c).contains(&"HL001:info".to_string()));
    // Pre-upgrade, the ConfigMap exists only on upgrade: new in the revision.
    let c = chart(&[
        ("job.yaml", &job("pre-upgrade")),
        (
            "cm.yaml",
            &format!("{{{{- if .Release.IsUpgrade }}}}\n{cm_regular}{{{{- end }}}}\n"),
        ),
    ]);
    assert!(
        rules_of(&c).contains(&"HL001:error".to_string()),
        "{:?}",
        rules_of(&c)
    );
    // Not part of the release: nothing to say.
    let c = chart(&[("job.yaml", &job("pre-install"))]);
    assert!(!rules_of(&c).iter().any(|r| r.starts_with("HL001")));
}

#[test]
fn lint_leftover_in_two_events_of_one_operation_is_an_error() {
    let t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    helm.sh/hook: pre-install,post-install\n    helm.sh/hook-delete-policy: hook-failed\n";
    assert!(rules_of(&chart(&[("cm.yaml", t)])).contains(&"HL002:error".to_string()));
}

#[test]
fn lint_never_panics_on_odd_documents() {
    let odd = [
        "- a\n- b\n",
        "just a string\n",
        "kind: [Job]\nmetadata: {name: {a: 1}}\n",
        "metadata:\n  annotations:\n    helm.sh/hook: pre-install\n",
        "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: \"\"\n",
        "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: \"\"\n    helm.sh/hook-weight: \"99999999999999999999\"\nspec: 5\n",
        "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/hook: post-install\nspec:\n  containers: [1, {env: 2}, {envFrom: [{configMapRef: 3}]}]\n  volumes: {x: 1}\n",
        "kind: Job\nmetadata:\n  name: \"ü\"\n  annotations:\n    helm.sh/hook: test\n    helm.sh/resource-policy: [keep]\n",
        "{{ randAlphaNum 3 }}: [\n",
    ];
    for (i, t) in odd.iter().enumerate() {
        let c = chart(&[("a.yaml", t), ("b.yaml", JOB_WITH_CM)]);
        for helm in [HelmVersion::V3, HelmVersion::V4] {
            let opts = LintOptions {
                helm,
                ..LintOptions::default()
            };
            let r = lint(&c, &Default::default(), &opts);
            let _ = (format::text(&r), format::json(&r), format::sarif(&r), i);
            let _ = hookline::argocd::compare_chart(&c, &Default::default(), &opts).to_text();
        }
    }
}

#[test]
fn lint_argocd_mapping() {
    use hookline::argocd::{map_document, Phase};
    let doc = |ann: &[(&str, &str)]| hookline::manifest::Document {
        kind: "Job".into(),
        name: "j".into(),
        annotations: ann
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    let m = map_document(&doc(&[
        ("helm.sh/hook", "pre-install, pre-upgrade"),
        ("helm.sh/hook-weight", "-2"),
    ]));
    assert_eq!((m.phases.clone(), m.wave), (vec![Phase::PreSync], -2));
    assert_eq!(m.delete_policies, vec!["BeforeHookCreation".to_string()]);
    let m = map_document(&doc(&[
        ("helm.sh/hook", "post-install,test"),
        ("helm.sh/hook-delete-policy", "bogus"),
    ]));
    assert_eq!(m.phases, vec![Phase::PostSync]);
    assert_eq!(m.delete_policies, vec!["BeforeHookCreation".to_string()]);
    let m = map_document(&doc(&[("helm.sh/hook", "Pre-Install")]));
    assert!(m.is_hook && m.phases.is_empty());
    let m = map_document(&doc(&[("helm.sh/hook", "crd-install")]));
    assert!(!m.is_hook && m.phases == vec![Phase::Sync]);
    let m = map_document(&doc(&[
        ("helm.sh/hook", "pre-delete"),
        ("argocd.argoproj.io/hook", "PostSync"),
        ("argocd.argoproj.io/sync-wave", "3"),
        ("helm.sh/hook-weight", "1"),
    ]));
    assert_eq!((m.phases.clone(), m.wave), (vec![Phase::PostSync], 3));
    let m = map_document(&doc(&[("helm.sh/hook", "pre-rollback")]));
    assert!(m.is_hook && m.phases.is_empty());
}
