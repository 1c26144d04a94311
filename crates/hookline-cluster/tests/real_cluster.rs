//! The executor against a real cluster: install (with --create-namespace), upgrade and
//! uninstall a small chart whose pre-install/pre-upgrade Job hook runs `true`, and compare
//! the observed plan with the simulated one. Ignored unless asked for:
//!
//! ```sh
//! kind create cluster --name hookline          # or: k3d cluster create hookline
//! KUBECONFIG=~/.kube/config cargo test -p hookline-cluster --test real_cluster -- --ignored
//! ```
//!
//! It works in a fresh namespace `hookline-it-<pid>` and deletes it at the end.

use hookline::lifecycle::{simulate_manifest, FixedRender};
use hookline::Scenario;
use hookline_cluster::{compare, connect, run_on_cluster, Difference};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams};

const MANIFEST: &str = r#"# Source: it/templates/config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: it-config
data:
  greeting: hello
---
# Source: it/templates/hook.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: it-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "1"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox:1.36
          command: ["true"]
"#;

#[tokio::test]
#[ignore = "needs a Kubernetes cluster in KUBECONFIG (README: hookline run)"]
async fn a_scenario_on_a_real_cluster_matches_the_simulation() {
    assert!(
        std::env::var_os("KUBECONFIG").is_some(),
        "set KUBECONFIG to a test cluster's kubeconfig"
    );
    let ns = format!("hookline-it-{}", std::process::id());
    let sc = Scenario::parse(&format!(
        "release: it\nnamespace: {ns}\nhelm: v4\nsteps:\n  - op: install\n    flags: [create-namespace]\n  - op: upgrade\n  - op: uninstall\n"
    ))
    .expect("scenario");
    let client = connect(None).await.expect("a reachable cluster");
    let mut render = FixedRender::from_text(MANIFEST);
    let observed = run_on_cluster(client.clone(), &sc, &mut render, None).await;
    let simulated = simulate_manifest(&sc, MANIFEST);
    let _ = Api::<Namespace>::all(client)
        .delete(&ns, &DeleteParams::default())
        .await;
    println!(
        "{}",
        hookline_cluster::compare::report(&simulated, &observed)
    );
    let diffs: Vec<Difference> = compare(&simulated, &observed)
        .into_iter()
        .filter(Difference::is_semantic)
        .collect();
    assert!(diffs.is_empty(), "{diffs:#?}");
}
