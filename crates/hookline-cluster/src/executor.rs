//! The kube-rs implementation of the engine's cluster operations.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use hookline::lifecycle::api::{
    ApiError, ApiErrorKind, Applied, ClusterApi, LiveObj, NewObj, ObjRef, Propagation, WaitFor,
    WaitResult,
};
use hookline::lifecycle::{display, RunState};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, Patch, PatchParams, PostParams,
    PropagationPolicy,
};
use kube::core::GroupVersionKind;
use kube::discovery::{pinned_kind, Scope as KubeScope};
use serde_json::Value as Json;
use tokio::time::Instant;

use crate::kinds::default_api_version;

/// How many more times (one poll interval apart) discovery is asked about an unknown kind.
const DISCOVERY_RETRIES: u32 = 5;

/// The field manager of every server-side apply.
pub const FIELD_MANAGER: &str = "hookline";

/// Where the executor may write: objects in `namespace`, and cluster-scoped objects only
/// when the chart declares them (or the release namespace itself, for
/// `--create-namespace`). Reads are not limited.
#[derive(Clone, Debug)]
pub struct Scope {
    pub namespace: String,
    /// (kind, name) of the cluster-scoped objects the chart declares; `None` allows any.
    pub cluster_objects: Option<BTreeSet<(String, String)>>,
}

/// A cluster reached through kube-rs. Cheap to build; discovery results are cached per
/// apiVersion and kind.
pub struct KubeCluster {
    client: kube::Client,
    scope: Scope,
    start: Instant,
    kinds: HashMap<(String, String), (ApiResource, bool)>,
    /// Objects the run wrote or was told about, for the listing after each step.
    touched: BTreeSet<ObjRef>,
    poll: Duration,
}

fn api_error(e: kube::Error) -> ApiError {
    match e {
        kube::Error::Api(s) => {
            let kind = match s.reason.as_str() {
                "AlreadyExists" => ApiErrorKind::AlreadyExists,
                "NotFound" => ApiErrorKind::NotFound,
                "Invalid" => ApiErrorKind::Invalid,
                "Forbidden" => ApiErrorKind::Forbidden,
                _ => ApiErrorKind::Other,
            };
            ApiError::new(kind, s.message)
        }
        other => ApiError::new(ApiErrorKind::Other, other.to_string()),
    }
}

fn str_at<'a>(v: &'a Json, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

/// How a Job or Pod stands: a Job's Complete/Failed condition, a Pod's phase
/// (H4 internal/statusreaders; H3 pkg/kube/client.go:745-840).
pub(crate) fn run_state(kind: &str, obj: &Json) -> Option<RunState> {
    match kind {
        "Job" => {
            let conds = obj
                .pointer("/status/conditions")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            let is = |t: &str| {
                conds.iter().any(|c| {
                    c.get("type").and_then(Json::as_str) == Some(t)
                        && c.get("status").and_then(Json::as_str) == Some("True")
                })
            };
            Some(if is("Complete") {
                RunState::Succeeded
            } else if is("Failed") {
                RunState::Failed
            } else {
                RunState::Running
            })
        }
        "Pod" => Some(match str_at(obj, &["status", "phase"]) {
            Some("Succeeded") => RunState::Succeeded,
            Some("Failed") => RunState::Failed,
            _ => RunState::Running,
        }),
        _ => None,
    }
}

pub(crate) fn live_of(kind: &str, obj: &Json) -> LiveObj {
    let ann = |k: &str| {
        obj.pointer("/metadata/annotations")
            .and_then(|a| a.get(k))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    let managed = obj
        .pointer("/metadata/labels")
        .and_then(|l| l.get("app.kubernetes.io/managed-by"))
        .and_then(Json::as_str)
        == Some("Helm");
    let owner = match (ann("meta.helm.sh/release-name"), managed) {
        (Some(r), true) => Some((r, ann("meta.helm.sh/release-namespace").unwrap_or_default())),
        _ => None,
    };
    LiveObj {
        owner,
        resource_policy: ann("helm.sh/resource-policy"),
        run: run_state(kind, obj),
    }
}

impl KubeCluster {
    pub fn new(client: kube::Client, scope: Scope) -> KubeCluster {
        KubeCluster {
            client,
            scope,
            start: Instant::now(),
            kinds: HashMap::new(),
            touched: BTreeSet::new(),
            poll: Duration::from_secs(1),
        }
    }

    /// Include an object that existed before the run (a scenario's `cluster:` entry) in the
    /// listings.
    pub fn track(&mut self, r: ObjRef) {
        self.touched.insert(r);
    }

    /// Pinned discovery of one kind: `/api/v1` or `/apis/{group}/{version}`.
    async fn resolve(&mut self, r: &ObjRef) -> Result<(ApiResource, bool), ApiError> {
        let api_version = if r.api_version.is_empty() {
            default_api_version(&r.kind).to_string()
        } else {
            r.api_version.clone()
        };
        let k = (api_version.clone(), r.kind.clone());
        if let Some(v) = self.kinds.get(&k) {
            return Ok(v.clone());
        }
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.clone()),
        };
        let gvk = GroupVersionKind::gvk(&group, &version, &r.kind);
        // A kind whose CRD was just created is served once the CRD is Established; Helm waits
        // for that (H4 pkg/action/install.go:228, 60 s). Ask again for a few seconds before
        // calling the kind unknown.
        let mut found = pinned_kind(&self.client, &gvk).await;
        for _ in 0..DISCOVERY_RETRIES {
            if found.is_ok() {
                break;
            }
            tokio::time::sleep(self.poll).await;
            found = pinned_kind(&self.client, &gvk).await;
        }
        let (ar, caps) = found.map_err(|e| {
            // The text kubectl and Helm print for an unknown kind.
            ApiError::new(
                ApiErrorKind::Other,
                format!(
                    "resource mapping not found for name: {:?}: no matches for kind {:?} in version {:?} ({e})",
                    r.name, r.kind, api_version
                ),
            )
        })?;
        let namespaced = caps.scope == KubeScope::Namespaced;
        self.kinds.insert(k, (ar.clone(), namespaced));
        Ok((ar, namespaced))
    }

    async fn api(&mut self, r: &ObjRef) -> Result<(Api<DynamicObject>, bool), ApiError> {
        let (ar, namespaced) = self.resolve(r).await?;
        let api = if namespaced {
            let ns = if r.namespace.is_empty() {
                self.scope.namespace.as_str()
            } else {
                r.namespace.as_str()
            };
            Api::namespaced_with(self.client.clone(), ns, &ar)
        } else {
            Api::all_with(self.client.clone(), &ar)
        };
        Ok((api, namespaced))
    }

    /// Refuse writes outside the namespace, and to cluster-scoped objects the chart does
    /// not declare.
    fn check_scope(&self, r: &ObjRef, namespaced: bool) -> Result<(), ApiError> {
        if namespaced {
            let ns = if r.namespace.is_empty() {
                &self.scope.namespace
            } else {
                &r.namespace
            };
            if *ns != self.scope.namespace {
                return Err(ApiError::new(
                    ApiErrorKind::Forbidden,
                    format!(
                        "hookline refuses to write {}/{} in namespace {ns:?}: it acts only in {:?}",
                        r.kind, r.name, self.scope.namespace
                    ),
                ));
            }
            return Ok(());
        }
        let declared = match &self.scope.cluster_objects {
            None => true,
            Some(set) => {
                set.contains(&(r.kind.clone(), r.name.clone()))
                    || (r.kind == "Namespace" && r.name == self.scope.namespace)
            }
        };
        if declared {
            Ok(())
        } else {
            Err(ApiError::new(
                ApiErrorKind::Forbidden,
                format!(
                    "hookline refuses to write the cluster-scoped {}/{}: the chart does not declare it",
                    r.kind, r.name
                ),
            ))
        }
    }

    /// The rendered manifest as the object to send, with Helm's ownership metadata.
    fn object(&self, obj: &NewObj<'_>, namespaced: bool) -> Result<DynamicObject, ApiError> {
        let bad = |e: String| {
            ApiError::new(
                ApiErrorKind::Other,
                format!(
                    "{}/{}: the manifest is not an object: {e}",
                    obj.r.kind, obj.r.name
                ),
            )
        };
        let mut v: Json = serde_yaml::from_str(obj.content).map_err(|e| bad(e.to_string()))?;
        let Some(map) = v.as_object_mut() else {
            return Err(bad("not a mapping".into()));
        };
        map.remove("status");
        let meta = map
            .entry("metadata")
            .or_insert_with(|| Json::Object(Default::default()));
        let Some(meta) = meta.as_object_mut() else {
            return Err(bad("metadata is not a mapping".into()));
        };
        meta.insert("name".into(), Json::String(obj.r.name.clone()));
        // Labels and annotations are strings; Helm's YAML reader (sigs.k8s.io/yaml) turns an
        // unquoted number or boolean into its text, so `helm.sh/hook-weight: 5` is "5".
        for field in ["labels", "annotations"] {
            if let Some(m) = meta.get_mut(field).and_then(Json::as_object_mut) {
                for v in m.values_mut() {
                    match v {
                        Json::String(_) => {}
                        Json::Null => *v = Json::String(String::new()),
                        Json::Number(_) | Json::Bool(_) => *v = Json::String(v.to_string()),
                        _ => {}
                    }
                }
            }
        }
        if namespaced {
            let ns = if obj.r.namespace.is_empty() {
                self.scope.namespace.clone()
            } else {
                obj.r.namespace.clone()
            };
            meta.insert("namespace".into(), Json::String(ns));
        } else {
            meta.remove("namespace");
        }
        if let Some((release, ns)) = &obj.owner {
            // setMetadataVisitor (H4 pkg/action/action.go): the managed-by label and the
            // release annotations.
            let labels = meta
                .entry("labels")
                .or_insert_with(|| Json::Object(Default::default()));
            if let Some(l) = labels.as_object_mut() {
                l.insert(
                    "app.kubernetes.io/managed-by".into(),
                    Json::String("Helm".into()),
                );
            }
            let ann = meta
                .entry("annotations")
                .or_insert_with(|| Json::Object(Default::default()));
            if let Some(a) = ann.as_object_mut() {
                a.insert(
                    "meta.helm.sh/release-name".into(),
                    Json::String(release.clone()),
                );
                a.insert(
                    "meta.helm.sh/release-namespace".into(),
                    Json::String(ns.clone()),
                );
            }
        }
        serde_json::from_value(v).map_err(|e| bad(e.to_string()))
    }

    fn elapsed(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Poll until `done` says the object is finished, it is gone, or the time is up.
    async fn poll_until(
        &mut self,
        api: &Api<DynamicObject>,
        name: &str,
        timeout: u64,
        done: impl Fn(Option<&Json>) -> Option<WaitResult>,
        on_timeout: WaitResult,
    ) -> WaitResult {
        let deadline = Instant::now() + Duration::from_secs(timeout);
        loop {
            if let Ok(o) = api.get_opt(name).await {
                let json = o.map(|o| serde_json::to_value(o).unwrap_or(Json::Null));
                if let Some(r) = done(json.as_ref()) {
                    return r;
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return on_timeout;
            }
            tokio::time::sleep(self.poll.min(deadline - now)).await;
        }
    }
}

impl ClusterApi for KubeCluster {
    async fn get(&mut self, r: &ObjRef) -> Result<Option<LiveObj>, ApiError> {
        let (api, _) = self.api(r).await?;
        let o = api.get_opt(&r.name).await.map_err(api_error)?;
        Ok(o.map(|o| live_of(&r.kind, &serde_json::to_value(o).unwrap_or(Json::Null))))
    }

    async fn create(&mut self, obj: &NewObj<'_>, _hint: Option<&str>) -> Result<(), ApiError> {
        let (api, namespaced) = self.api(&obj.r).await?;
        self.check_scope(&obj.r, namespaced)?;
        let o = self.object(obj, namespaced)?;
        api.create(&PostParams::default(), &o)
            .await
            .map_err(api_error)?;
        self.touched.insert(obj.r.clone());
        Ok(())
    }

    async fn apply(&mut self, obj: &NewObj<'_>, _hint: Option<&str>) -> Result<Applied, ApiError> {
        let (api, namespaced) = self.api(&obj.r).await?;
        self.check_scope(&obj.r, namespaced)?;
        let o = self.object(obj, namespaced)?;
        let before = api.get_opt(&obj.r.name).await.map_err(api_error)?;
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let after = api
            .patch(&obj.r.name, &params, &Patch::Apply(&o))
            .await
            .map_err(api_error)?;
        self.touched.insert(obj.r.clone());
        Ok(match before {
            None => Applied::Created,
            // A server-side apply that changes nothing keeps the resourceVersion.
            Some(b) if b.metadata.resource_version == after.metadata.resource_version => {
                Applied::Unchanged
            }
            Some(_) => Applied::Updated,
        })
    }

    async fn delete(
        &mut self,
        r: &ObjRef,
        propagation: Propagation,
        wait: u64,
        _hint: Option<&str>,
    ) -> Result<bool, ApiError> {
        let (api, namespaced) = self.api(r).await?;
        self.check_scope(r, namespaced)?;
        let dp = DeleteParams {
            propagation_policy: Some(match propagation {
                Propagation::Background => PropagationPolicy::Background,
                Propagation::Foreground => PropagationPolicy::Foreground,
                Propagation::Orphan => PropagationPolicy::Orphan,
            }),
            ..DeleteParams::default()
        };
        match api.delete(&r.name, &dp).await {
            Ok(_) => {}
            Err(e) => {
                let e = api_error(e);
                if e.kind == ApiErrorKind::NotFound {
                    return Ok(false);
                }
                return Err(e);
            }
        }
        if wait > 0 {
            // WaitForDelete: until GET says NotFound.
            self.poll_until(
                &api,
                &r.name,
                wait,
                |o| o.is_none().then_some("ready"),
                "timeout",
            )
            .await;
        }
        Ok(true)
    }

    async fn wait(
        &mut self,
        r: &ObjRef,
        what: WaitFor,
        timeout: u64,
        _hint: Option<&str>,
    ) -> WaitResult {
        let jobs_or_pods = match what {
            WaitFor::Hook => matches!(r.kind.as_str(), "Job" | "Pod"),
            WaitFor::Resource => r.kind == "Job",
        };
        if !jobs_or_pods {
            // Only Jobs and Pods have a readiness Helm waits for on hooks; other kinds under
            // --wait are not judged here (see the crate docs).
            return "ready";
        }
        let (api, _) = match self.api(r).await {
            Ok(a) => a,
            Err(_) => {
                return if what == WaitFor::Hook {
                    "timeout"
                } else {
                    "not-ready"
                }
            }
        };
        let kind = r.kind.clone();
        let on_timeout = if what == WaitFor::Hook {
            "timeout"
        } else {
            "not-ready"
        };
        self.poll_until(
            &api,
            &r.name,
            timeout,
            |o| match o {
                // Deleted while waited for (a TTL of 0): H3 counts the Deleted event as success.
                None => Some("succeeded"),
                Some(o) => match run_state(&kind, o) {
                    Some(RunState::Succeeded) => Some("succeeded"),
                    Some(RunState::Failed) => Some("failed"),
                    _ => None,
                },
            },
            on_timeout,
        )
        .await
    }

    async fn listing(&mut self, release_ns: &str) -> Vec<String> {
        let refs: Vec<ObjRef> = self.touched.iter().cloned().collect();
        let mut out = Vec::new();
        for r in refs {
            let Ok((api, _)) = self.api(&r).await else {
                continue;
            };
            if let Ok(Some(_)) = api.get_opt(&r.name).await {
                out.push(display(&r.kind, &r.namespace, &r.name, release_ns));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn elapsed_ms(&self) -> Option<u64> {
        Some(self.elapsed())
    }
}
