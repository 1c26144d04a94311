//! The cluster operations the lifecycle engine performs, as one trait with two
//! implementations: the in-memory simulated [`Cluster`](super::Cluster) (this crate) and the
//! kube-rs executor (`crates/hookline-cluster`). One engine (`ops.rs`, `exec.rs`) decides
//! what Helm does and calls these operations; the cluster answers (AlreadyExists, NotFound,
//! an immutable-field rejection, how a Job ended), and the engine turns the answers into the
//! plan. So a simulated run and a real run differ only where the clusters answer differently.
//!
//! The trait is async because a real cluster is: the kube executor awaits its HTTP calls on
//! the caller's tokio runtime, so under tokio's paused time a 300-second hook timeout runs
//! instantly and no second thread or nested runtime is involved. The simulated cluster
//! answers at once (its futures are ready on the first poll), and [`run_now`] drives the
//! engine with a no-op waker, so the core stays free of I/O and of any async runtime and
//! still builds for wasm32.
//!
//! Where the scenario chooses how a hook ends (`outcomes:`), the engine passes that choice as
//! a `hint`. The simulated cluster answers from it; a real cluster ignores it (its Jobs end
//! as they end); the fake API server of `hookline-cluster` is driven by the same outcomes.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::state::{cluster_scoped, ObjKey, RunState};

/// One object, as the API addresses it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    /// `batch/v1`, `v1`; empty when unknown (objects a scenario says already exist).
    pub api_version: String,
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub name: String,
}

impl ObjRef {
    pub fn key(&self) -> ObjKey {
        (self.kind.clone(), self.namespace.clone(), self.name.clone())
    }

    pub fn cluster_scoped(&self) -> bool {
        self.namespace.is_empty() || cluster_scoped(&self.kind)
    }
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// An object to write: the rendered manifest and the metadata Helm adds.
#[derive(Clone, Debug)]
pub struct NewObj<'a> {
    pub r: ObjRef,
    /// The rendered YAML document.
    pub content: &'a std::sync::Arc<str>,
    /// Helm's ownership metadata (`app.kubernetes.io/managed-by: Helm`,
    /// `meta.helm.sh/release-name`, `meta.helm.sh/release-namespace`), which Helm sets on
    /// regular resources and never on hooks or CRD files (H4 pkg/action/action.go
    /// `setMetadataVisitor`).
    pub owner: Option<(String, String)>,
    /// Written as a hook / from the chart's crds/ directory (the simulated cluster remembers
    /// it for its display).
    pub hook: bool,
    pub crd_file: bool,
    /// The document's `helm.sh/resource-policy` annotation.
    pub resource_policy: Option<String>,
}

/// What the API server said no with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiErrorKind {
    AlreadyExists,
    NotFound,
    /// 422, e.g. a Job's immutable `spec.template` changed.
    Invalid,
    /// 403, e.g. an admission webhook or RBAC.
    Forbidden,
    /// Anything else: transport errors, unknown kinds, timeouts of the call itself.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// The API server's message, as `kubectl` would print it.
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ApiErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the engine needs to know about a live object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveObj {
    /// Helm ownership metadata (release name, release namespace), when both annotations and
    /// the managed-by label are there; `None` otherwise.
    pub owner: Option<(String, String)>,
    /// The raw `helm.sh/resource-policy` annotation.
    pub resource_policy: Option<String>,
    /// Jobs and Pods: how the last run ended (None for other kinds).
    pub run: Option<RunState>,
}

/// What a server-side apply did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Created,
    Updated,
    /// Nothing changed (the API server kept the object and its resourceVersion).
    Unchanged,
}

/// `metav1.DeletionPropagation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

impl Propagation {
    pub fn as_str(self) -> &'static str {
        match self {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        }
    }
}

/// Which wait: a hook's (`WatchUntilReady`: Jobs Complete/Failed, Pods Succeeded/Failed,
/// everything else ready at once) or `--wait` on regular resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitFor {
    Hook,
    Resource,
}

/// How a wait ended: `succeeded`, `failed`, `timeout` (hooks), `ready`, `not-ready`
/// (resources; a Job under `--wait-for-jobs` ends `succeeded` or `failed`).
pub type WaitResult = &'static str;

/// The operations of one cluster. Every call names its object fully; the implementation
/// keeps no notion of "the release".
#[allow(async_fn_in_trait)] // callers await on their own thread; no Send bound is wanted
pub trait ClusterApi {
    /// GET: the live object, or None (NotFound).
    async fn get(&mut self, r: &ObjRef) -> Result<Option<LiveObj>, ApiError>;
    /// POST: create; `AlreadyExists` when the name is taken.
    async fn create(&mut self, obj: &NewObj<'_>, hint: Option<&str>) -> Result<(), ApiError>;
    /// Server-side apply (field manager `hookline`, forced): create or update in place.
    async fn apply(&mut self, obj: &NewObj<'_>, hint: Option<&str>) -> Result<Applied, ApiError>;
    /// DELETE with a propagation policy. `Ok(false)` when the object was not there
    /// (NotFound, which Helm ignores). `wait` > 0: then wait that many seconds for it to be
    /// gone (Helm's `WaitForDelete`).
    async fn delete(
        &mut self,
        r: &ObjRef,
        propagation: Propagation,
        wait: u64,
        hint: Option<&str>,
    ) -> Result<bool, ApiError>;
    /// Wait as Helm waits, up to `timeout` seconds.
    async fn wait(
        &mut self,
        r: &ObjRef,
        what: WaitFor,
        timeout: u64,
        hint: Option<&str>,
    ) -> WaitResult;
    /// Every object this cluster holds that the run created or the scenario named, sorted,
    /// as [`Cluster::listing`](super::Cluster::listing) shows them.
    async fn listing(&mut self, release_ns: &str) -> Vec<String>;
    /// Milliseconds since the run started, for the observed timeline (None: simulated).
    fn elapsed_ms(&self) -> Option<u64> {
        None
    }
}

/// Drive a future whose awaits never wait (the simulated cluster's): poll it with a no-op
/// waker until it is ready. A future that really waits would spin here, so only the
/// simulated cluster's runs come through this.
pub fn run_now<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::hint::spin_loop();
    }
}
