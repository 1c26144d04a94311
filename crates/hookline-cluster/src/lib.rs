//! Run hookline's lifecycle plan against a real Kubernetes cluster (issue #9).
//!
//! [`KubeCluster`] implements the core's [`ClusterApi`](hookline::lifecycle::ClusterApi) with
//! kube-rs: objects are [`DynamicObject`](kube::api::DynamicObject)s found through pinned
//! discovery (`/api/v1`, `/apis/{group}/{version}`); hooks and resources are created with POST
//! (Helm 3, and Helm 4 releases using client-side apply) or server-side apply with field
//! manager `hookline` (Helm 4's default); deletions carry Helm's propagation policy; waits
//! poll as Helm waits for hooks (Jobs until Complete or Failed, Pods until Succeeded or
//! Failed, everything else ready at once) with the step's timeout. The same engine that
//! simulates ([`hookline::lifecycle::run`]) drives it, so the observed plan and the simulated
//! plan have the same shape and [`compare`] lists every difference.
//!
//! What it is not: Helm. The release history stays in memory for the run (no release
//! Secrets are written), and readiness of Deployments and other kinds under `--wait` is not
//! judged (they count as ready at once).
//!
//! The `fake` feature adds an in-process API server ([`fake`]) with the semantics the
//! executor relies on, served over HTTP (hyper over an in-memory duplex) to a kube
//! [`Client`](kube::Client), for tests under tokio's paused time.

pub mod compare;
mod executor;
#[cfg(feature = "fake")]
pub mod fake;
mod kinds;

pub use compare::{compare, Difference};
pub use executor::{KubeCluster, Scope};
pub use kinds::default_api_version;

use std::collections::BTreeSet;

use hookline::lifecycle::api::ObjRef;
use hookline::lifecycle::Render;
use hookline::plan::Plan;
use hookline::Scenario;

/// A client from the standard kubeconfig handling (`KUBECONFIG`, `~/.kube/config`, or the
/// in-cluster service account), with `context` instead of the current context when given.
pub async fn connect(context: Option<&str>) -> Result<kube::Client, kube::Error> {
    let config = match context {
        None => kube::Config::infer()
            .await
            .map_err(kube::Error::InferConfig)?,
        Some(c) => {
            let opts = kube::config::KubeConfigOptions {
                context: Some(c.to_string()),
                ..Default::default()
            };
            kube::Config::from_kubeconfig(&opts)
                .await
                .map_err(kube::Error::InferKubeconfig)?
        }
    };
    kube::Client::try_from(config)
}

/// Run a scenario on a cluster and return what happened, in the plan format (each action
/// with `at_ms`). Writes are limited to the scenario's namespace and to the cluster-scoped
/// objects in `declared` (kind, name), when given.
pub async fn run_on_cluster(
    client: kube::Client,
    scenario: &Scenario,
    render: &mut dyn Render,
    declared: Option<BTreeSet<(String, String)>>,
) -> Plan {
    let mut kube = KubeCluster::new(
        client,
        Scope {
            namespace: scenario.namespace.clone(),
            cluster_objects: declared,
        },
    );
    for o in &scenario.cluster {
        kube.track(ObjRef {
            api_version: String::new(),
            kind: o.kind.clone(),
            namespace: o.effective_namespace(&scenario.namespace),
            name: o.name.clone(),
        });
    }
    hookline::lifecycle::run(scenario, render, &mut kube).await
}
