//! What a run against the fake records: times (tokio's paused clock), real API errors, and
//! the report `hookline run` prints.

use hookline::lifecycle::{simulate_manifest, FixedRender};
use hookline::Scenario;
use hookline_cluster::compare::report;
use hookline_cluster::fake::{run_scenario, FakeApi};

const MANIFEST: &str = "# Source: c/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: slow
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: hook-failed
spec:
  v: \"1\"
---
# Source: c/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: b
";

#[tokio::test(start_paused = true)]
async fn a_leftover_hook_gets_the_api_servers_already_exists_and_the_report_shows_it() {
    let sc = Scenario::parse(
        "release: demo\nhelm: v3\nsteps:\n  - op: install\n  - op: upgrade\n    outcomes: {Job/slow: timeout}\n",
    )
    .unwrap();
    let fake = FakeApi::default();
    let started = std::time::Instant::now();
    let observed = run_scenario(&fake, &sc, &mut FixedRender::from_text(MANIFEST)).await;
    assert!(
        started.elapsed().as_secs() < 30,
        "paused time: no real waiting"
    );
    let simulated = simulate_manifest(&sc, MANIFEST);

    // Step 1: the hook ran (2 s in the fake) and stayed; step 2: POST of the leftover hook
    // gives the API server's AlreadyExists, as Helm 3 gets it.
    let install = &observed.steps[0];
    let wait = install.actions.iter().find(|a| a.verb == "wait").unwrap();
    assert_eq!(wait.result.as_deref(), Some("succeeded"));
    assert!(wait.at_ms.unwrap() >= 2000, "{:?}", wait.at_ms);
    let upgrade = &observed.steps[1];
    let create = &upgrade.actions[0];
    assert_eq!(
        create.error.as_deref(),
        Some("jobs.batch \"slow\" already exists")
    );
    assert_eq!(observed.steps[1].status, simulated.steps[1].status);

    let text = report(&simulated, &observed);
    assert!(
        text.contains("pre-install wait Job/slow succeeded"),
        "{text}"
    );
    assert!(text.contains("No differences"), "{text}");
    // Every request went over HTTP to the fake.
    let reqs = fake.requests();
    assert!(reqs.iter().any(|r| r == "GET /apis/batch/v1"), "{reqs:?}");
    assert!(
        reqs.iter()
            .any(|r| r == "POST /apis/batch/v1/namespaces/default/jobs"),
        "{reqs:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hook_that_never_finishes_times_out_after_the_step_timeout() {
    let sc = Scenario::parse(
        "release: demo\nhelm: v4\nsteps:\n  - op: install\n    outcomes: {Job/slow: timeout}\n",
    )
    .unwrap();
    let fake = FakeApi::default();
    let observed = run_scenario(&fake, &sc, &mut FixedRender::from_text(MANIFEST)).await;
    let step = &observed.steps[0];
    let wait = step.actions.iter().find(|a| a.verb == "wait").unwrap();
    assert_eq!(wait.result.as_deref(), Some("timeout"));
    // Helm's default --timeout: 300 s of (virtual) waiting.
    let t = wait.at_ms.unwrap();
    assert!((300_000..302_000).contains(&t), "{t}");
    // hook-failed deleted the Job on the fake.
    assert!(fake.object("Job", "default", "slow").is_none());
    assert_eq!(step.status, "failed");
}

#[tokio::test(start_paused = true)]
async fn it_never_writes_outside_the_namespace_or_undeclared_cluster_objects() {
    let manifest = "# Source: c/templates/a.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: elsewhere
  namespace: kube-system
---
# Source: c/templates/b.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
";
    let sc = Scenario::parse("release: demo\nnamespace: team\nsteps:\n  - op: install\n").unwrap();
    let fake = FakeApi::default();
    // Only the ConfigMap is "declared": the ClusterRole is refused before any request.
    let declared = [("ConfigMap".to_string(), "elsewhere".to_string())]
        .into_iter()
        .collect();
    let observed = hookline_cluster::run_on_cluster(
        fake.client(),
        &sc,
        &mut FixedRender::from_text(manifest),
        Some(declared),
    )
    .await;
    let step = &observed.steps[0];
    assert_eq!(step.status, "failed");
    let err = step.actions[0].error.as_deref().unwrap_or_default();
    assert!(err.contains("refuses"), "{:?}", step.actions);
    assert!(fake
        .object("ConfigMap", "kube-system", "elsewhere")
        .is_none());
    assert!(fake.object("ClusterRole", "", "reader").is_none());
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.starts_with("POST") || r.starts_with("PATCH")),
        "{:?}",
        fake.requests()
    );
}
