//! Simulated state: the cluster's objects and the release history.
//!
//! The record model follows the spec's appendix: a revision keeps its status, description,
//! stored manifest (regular resources only), stored hooks, values and apply method
//! (H4 `pkg/release/v1/release.go`; storage semantics in `pkg/storage/storage.go`).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value as Json;

use crate::hooks::Hook;
use crate::manifest::Document;

/// Release status values (H4 `pkg/release/common/status.go`; H3 `pkg/release/status.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Deployed,
    Uninstalled,
    Superseded,
    Failed,
    Uninstalling,
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
        }
    }

    /// `IsPending()`: the three pending-* values.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }
}

/// One stored revision.
#[derive(Clone, Debug)]
pub struct Revision {
    pub version: u32,
    pub status: Status,
    pub description: String,
    /// Regular resources, InstallOrder (hooks are never part of the manifest). Shared: a
    /// rollback's record holds its target's documents, and every look at a revision (the
    /// diff base of an upgrade, an uninstall's last record) clones the record.
    pub manifest: Rc<[Document]>,
    /// Hooks in stored (kind-sorted) order; shared like the manifest.
    pub hooks: Rc<[Hook]>,
    pub values: Json,
    /// Helm 4 `ApplyMethod`: server-side apply (`ssa`) or client-side (`csa`).
    pub ssa: bool,
    pub notes: Option<String>,
}

/// The state a Job or Pod hook was left in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    Running,
    Succeeded,
    Failed,
}

/// One live object.
#[derive(Clone, Debug)]
pub struct ClusterObj {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub api_version: String,
    /// Helm ownership metadata (release name, release namespace); hooks and CRDs have none.
    pub owner: Option<(String, String)>,
    /// Created as a hook.
    pub hook: bool,
    /// Created from the chart's crds/ directory.
    pub crd_file: bool,
    /// Was present before the scenario started.
    pub preexisting: bool,
    /// The raw `helm.sh/resource-policy` annotation of the live object.
    pub resource_policy: Option<String>,
    /// The manifest text last applied (Helm 4 server-side apply compares it); the applied
    /// document's own text, shared.
    pub content: std::sync::Arc<str>,
    /// Jobs and Pods: how the last run ended.
    pub run: Option<RunState>,
}

pub type ObjKey = (String, String, String);

/// The simulated cluster: objects keyed by (kind, namespace, name).
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    pub objects: BTreeMap<ObjKey, ClusterObj>,
}

/// Kinds that are not namespaced (used for messages and display only).
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "ClusterRoleList"
            | "ClusterRoleBindingList"
            | "CustomResourceDefinition"
            | "PriorityClass"
            | "StorageClass"
            | "PersistentVolume"
            | "PodSecurityPolicy"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "IngressClass"
            | "CSIDriver"
            | "RuntimeClass"
            | "ClusterIssuer"
            | "Node"
    )
}

impl Cluster {
    /// The objects a scenario says exist before its first step (`cluster:`).
    pub fn from_scenario(sc: &crate::scenario::Scenario) -> Cluster {
        let mut cluster = Cluster::default();
        for o in &sc.cluster {
            let namespace = o.effective_namespace(&sc.namespace);
            let owner = o.owner.as_ref().map(|r| {
                (
                    r.clone(),
                    o.owner_namespace
                        .clone()
                        .unwrap_or_else(|| sc.namespace.clone()),
                )
            });
            let run = match o.result.as_deref() {
                Some("succeeded") | Some("complete") => Some(RunState::Succeeded),
                Some("failed") => Some(RunState::Failed),
                Some(_) => Some(RunState::Running),
                None => None,
            };
            cluster.objects.insert(
                (o.kind.clone(), namespace.clone(), o.name.clone()),
                ClusterObj {
                    kind: o.kind.clone(),
                    namespace,
                    name: o.name.clone(),
                    api_version: String::new(),
                    owner,
                    hook: false,
                    crd_file: false,
                    preexisting: true,
                    resource_policy: o.keep.then(|| "keep".to_string()),
                    content: o.content.as_deref().unwrap_or_default().into(),
                    run,
                },
            );
        }
        cluster
    }

    /// Sorted `Kind/name` (release namespace or cluster-scoped) or `Kind/namespace/name`.
    pub fn listing(&self, release_ns: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .objects
            .values()
            .map(|o| display(&o.kind, &o.namespace, &o.name, release_ns))
            .collect();
        crate::stable_sort::sort(&mut v);
        v
    }
}

pub fn display(kind: &str, ns: &str, name: &str, release_ns: &str) -> String {
    if ns == release_ns || ns.is_empty() || cluster_scoped(kind) {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{ns}/{name}")
    }
}
