//! The test harness between the engine and the executor: it turns the scenario's outcomes
//! (the `hint` the engine passes with each call) into the fake API server's programme —
//! how the next Job or Pod of that name ends, which write or delete an admission policy
//! denies — and calls the executor without the hint. The executor therefore sees only what
//! the fake answers over HTTP, as it would on a real cluster.

use hookline::lifecycle::api::{
    ApiError, Applied, ClusterApi, LiveObj, NewObj, ObjRef, Propagation, WaitFor, WaitResult,
};

use hookline::lifecycle::{cluster_scoped, Render};
use hookline::plan::Plan;
use hookline::{ClusterObject, Scenario};
use serde_json::{json, Value as Json};

use super::{Exit, FakeApi};
use crate::{default_api_version, KubeCluster, Scope};

pub struct Scripted<'a> {
    pub inner: &'a mut KubeCluster,
    pub fake: FakeApi,
}

impl Scripted<'_> {
    fn ns<'r>(&self, r: &'r ObjRef) -> &'r str {
        &r.namespace
    }

    fn program(&self, r: &ObjRef, hint: Option<&str>) {
        let ns = self.ns(r);
        match hint {
            Some("create-error") => self.fake.deny_next_write(&r.kind, ns, &r.name),
            Some("failed") => self.fake.program(&r.kind, ns, &r.name, Exit::Failure),
            Some("timeout") => self.fake.program(&r.kind, ns, &r.name, Exit::Hang),
            _ => self.fake.program(&r.kind, ns, &r.name, Exit::Success),
        }
    }
}

impl ClusterApi for Scripted<'_> {
    async fn get(&mut self, r: &ObjRef) -> Result<Option<LiveObj>, ApiError> {
        self.inner.get(r).await
    }

    async fn create(&mut self, obj: &NewObj<'_>, hint: Option<&str>) -> Result<(), ApiError> {
        self.program(&obj.r, hint);
        let res = self.inner.create(obj, None).await;
        self.fake
            .unprogram(&obj.r.kind, &obj.r.namespace, &obj.r.name);
        res
    }

    async fn apply(&mut self, obj: &NewObj<'_>, hint: Option<&str>) -> Result<Applied, ApiError> {
        self.program(&obj.r, hint);
        let res = self.inner.apply(obj, None).await;
        self.fake
            .unprogram(&obj.r.kind, &obj.r.namespace, &obj.r.name);
        res
    }

    async fn delete(
        &mut self,
        r: &ObjRef,
        propagation: Propagation,
        wait: u64,
        hint: Option<&str>,
    ) -> Result<bool, ApiError> {
        if hint == Some("delete-error") {
            self.fake.deny_next_delete(&r.kind, &r.namespace, &r.name);
        }
        self.inner.delete(r, propagation, wait, None).await
    }

    async fn wait(
        &mut self,
        r: &ObjRef,
        what: WaitFor,
        timeout: u64,
        _hint: Option<&str>,
    ) -> WaitResult {
        self.inner.wait(r, what, timeout, None).await
    }

    async fn listing(&mut self, release_ns: &str) -> Vec<String> {
        self.inner.listing(release_ns).await
    }

    fn elapsed_ms(&self) -> Option<u64> {
        self.inner.elapsed_ms()
    }
}

/// The object a scenario's `cluster:` entry describes, as the fake stores it.
fn seed_object(sc: &Scenario, o: &ClusterObject) -> (Json, Option<Exit>) {
    let mut obj = o
        .content
        .as_deref()
        .and_then(|c| serde_yaml::from_str::<Json>(c).ok())
        .filter(Json::is_object)
        .unwrap_or_else(|| json!({}));
    if obj.get("apiVersion").is_none() {
        obj["apiVersion"] = json!(default_api_version(&o.kind));
    }
    obj["kind"] = json!(o.kind);
    if !obj.get("metadata").is_some_and(Json::is_object) {
        obj["metadata"] = json!({});
    }
    obj["metadata"]["name"] = json!(o.name);
    obj["metadata"]["namespace"] = json!(o
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| sc.namespace.clone()));
    if let Some(release) = &o.owner {
        obj["metadata"]["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
        obj["metadata"]["annotations"]["meta.helm.sh/release-name"] = json!(release);
        obj["metadata"]["annotations"]["meta.helm.sh/release-namespace"] = json!(o
            .owner_namespace
            .clone()
            .unwrap_or_else(|| sc.namespace.clone()));
    }
    if o.keep {
        obj["metadata"]["annotations"]["helm.sh/resource-policy"] = json!("keep");
    }
    let finished = match o.result.as_deref() {
        Some("succeeded" | "complete") => Some(Exit::Success),
        Some("failed") => Some(Exit::Failure),
        Some(_) => Some(Exit::Hang),
        None => None,
    };
    (obj, finished)
}

/// Seed `fake` with the scenario's `cluster:` objects, then run the scenario with the
/// executor against it (every request over HTTP), its outcomes programming the fake.
pub async fn run_scenario(fake: &FakeApi, scenario: &Scenario, render: &mut dyn Render) -> Plan {
    let mut kube = KubeCluster::new(
        fake.client(),
        Scope {
            namespace: scenario.namespace.clone(),
            cluster_objects: None,
        },
    );
    for o in &scenario.cluster {
        let (obj, finished) = seed_object(scenario, o);
        let namespace = if cluster_scoped(&o.kind) {
            String::new()
        } else {
            obj["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        kube.track(ObjRef {
            api_version: obj["apiVersion"].as_str().unwrap_or_default().to_string(),
            kind: o.kind.clone(),
            namespace,
            name: o.name.clone(),
        });
        fake.seed(obj, finished);
    }
    let mut scripted = Scripted {
        inner: &mut kube,
        fake: fake.clone(),
    };
    hookline::lifecycle::run(scenario, render, &mut scripted).await
}
