//! Hookline's core: split rendered manifests into hooks and resources, and simulate what Helm
//! does with them across install, upgrade, rollback, uninstall and test. No I/O, no threads,
//! no clock: the same code runs natively and in the browser.

pub mod argocd;
pub mod chart;
pub mod files_delta;
pub mod funcs;
pub mod fuzzing;
pub mod gallery;
pub mod hooks;
pub mod json;
pub mod kind_order;
pub mod lifecycle;
pub mod lint;
pub mod manifest;
pub mod packed;
pub mod plan;
pub mod plan_svg;
pub mod playground;
pub mod render;
pub mod same_bytes;
pub mod scenario;
pub mod schema;
pub mod share;
pub mod stable_sort;
pub mod values;
pub mod yaml;

/// `helm.sh/resource-policy` (H4 `pkg/kube/resource_policy.go:20`).
pub const RESOURCE_POLICY: &str = "helm.sh/resource-policy";

pub use hooks::{DeletePolicy, Hook, HookEvent};
pub use lifecycle::{
    render_files, simulate, simulate_manifest, FixedRender, Render, RenderOutput, RenderRequest,
};
pub use manifest::{
    split_rendered, split_template_output, Document, RenderedFile, Resource, SortedManifests,
};
pub use plan::{plan_install, Action, HelmVersion, HistoryEntry, Plan, Step};
pub use scenario::{ClusterObject, Scenario, ScenarioError, StepSpec};
