//! The executor runs the simulator's whole conformance table (`tests/conformance/*.yaml`)
//! through the fake API server (kube-rs over HTTP), and every case must produce the plan the
//! simulator produces: the same actions, statuses, revisions, failures and objects left.
//! Error wording may differ (see [`Aspect::ErrorText`]).
//!
//! Tokio's clock is paused: every hook timeout (300 s by default) runs instantly.

use std::path::{Path, PathBuf};

use hookline::lifecycle::{conformance, simulate_manifest, FixedRender};
use hookline_cluster::compare::Aspect;
use hookline_cluster::fake::{run_scenario, FakeApi, Semantics};
use hookline_cluster::{compare, Difference};

/// Cases a real API server cannot reproduce, with the reason. Keep this list short.
const NOT_ON_A_CLUSTER: &[(&str, &str)] = &[
    (
        "equal weight, name and kind fall back to file path",
        "its hooks live in other namespaces; the executor never writes outside the release namespace",
    ),
    (
        "objects in other namespaces are listed with their namespace",
        "it writes to other namespaces; the executor never writes outside the release namespace",
    ),
    (
        "Helm 4 adds the webhook configuration kinds to InstallOrder",
        "its Certificate has apiVersion v1, which no API server serves (discovery fails)",
    ),
    (
        "a resource that never becomes ready fails the install after the wait",
        "a Deployment that is not ready: the executor does not judge Deployment readiness under --wait",
    ),
    (
        "rollback --wait failure marks the new revision failed",
        "a Deployment that is not ready: the executor does not judge Deployment readiness under --wait",
    ),
    (
        "atomic install with --no-hooks passes no-hooks to the uninstall",
        "a Deployment that is not ready: the executor does not judge Deployment readiness under --wait",
    ),
];

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

fn cases() -> Vec<(String, serde_yaml::Mapping)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .expect("tests/conformance exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&f).expect("readable case file");
        out.extend(conformance::parse_cases(&name, &text).expect("case file parses"));
    }
    out
}

/// Run every applicable case through a fake with these semantics; return the semantic
/// differences per case label.
async fn run_table(sem: Semantics) -> (usize, Vec<(String, Vec<Difference>)>) {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (label, case) in cases() {
        if NOT_ON_A_CLUSTER.iter().any(|(l, _)| label.contains(l)) {
            continue;
        }
        for helm in conformance::helms(&case) {
            let Ok((scenario, manifest)) = conformance::scenario_for(&case, &helm) else {
                continue;
            };
            let simulated = simulate_manifest(&scenario, &manifest);
            let fake = FakeApi::new(sem);
            let mut render = FixedRender::from_text(&manifest);
            let observed = run_scenario(&fake, &scenario, &mut render).await;
            ran += 1;
            let diffs: Vec<Difference> = compare(&simulated, &observed)
                .into_iter()
                .filter(Difference::is_semantic)
                .collect();
            if !diffs.is_empty() {
                failures.push((format!("{label} [{helm}]"), diffs));
            }
        }
    }
    (ran, failures)
}

#[tokio::test(start_paused = true)]
async fn the_executor_reproduces_the_conformance_table_through_the_fake() {
    let (ran, failures) = run_table(Semantics::default()).await;
    let total = cases().len();
    let mut report = String::new();
    for (label, diffs) in &failures {
        report.push_str(&format!("\n== {label}\n"));
        for d in diffs {
            report.push_str(&format!("{d}\n"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} runs differ from the simulation ({total} cases):{report}",
        failures.len()
    );
    assert!(
        ran + 2 * NOT_ON_A_CLUSTER.len() >= total,
        "every case ran at least once ({ran} runs, {total} cases)"
    );
    // Every exclusion names a case that exists.
    for (name, _) in NOT_ON_A_CLUSTER {
        assert!(
            cases().iter().any(|(l, _)| l.contains(name)),
            "no conformance case is named {name:?}"
        );
    }
}

/// A fake that lacks one of the API server's behaviours must make the table fail: otherwise the
/// conformance run above could pass against a fake too lenient to tell.
async fn assert_actions_differ(sem: Semantics, what: &str) {
    let (_, failures) = run_table(sem).await;
    assert!(
        failures
            .iter()
            .any(|(_, d)| d.iter().any(|d| d.aspect == Aspect::Actions)),
        "{what} went unnoticed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fake_without_already_exists_is_noticed() {
    // The Helm 3 cases where a leftover hook makes the next create fail would pass silently.
    let sem = Semantics {
        already_exists: false,
        ..Semantics::default()
    };
    assert_actions_differ(sem, "turning AlreadyExists off").await;
}

#[tokio::test(start_paused = true)]
async fn a_fake_without_not_found_on_delete_is_noticed() {
    // Helm lists a policy deletion only when the object was there; a DELETE that always
    // succeeds adds deletions the simulator does not have.
    let sem = Semantics {
        delete_not_found: false,
        ..Semantics::default()
    };
    assert_actions_differ(sem, "a DELETE that never says NotFound").await;
}
