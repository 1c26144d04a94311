//! An in-process Kubernetes API server with the semantics the executor relies on, served
//! over HTTP/1.1 (hyper, on an in-memory duplex per request) to a real kube [`Client`].
//!
//! What it implements, as the real API server does:
//! - pinned discovery: `/api`, `/api/v1`, `/apis/{group}/{version}` for the built-in kinds,
//!   plus the kinds of every CustomResourceDefinition created through it;
//! - POST: 409 AlreadyExists for a taken name; 201 with uid, resourceVersion,
//!   creationTimestamp;
//! - PATCH `application/apply-patch+yaml` (server-side apply): creates, or updates in place;
//!   an apply that changes nothing keeps the resourceVersion; a changed Job `spec` (other
//!   than its mutable fields) or Pod `spec` is rejected with 422 Invalid;
//! - GET: 404 NotFound for a missing name; DELETE: 404 NotFound for a missing name,
//!   otherwise gone at once (no finalizers);
//! - controllers, driven by time (tokio's clock, so paused time runs them instantly): a Job
//!   or Pod finishes [`RUN_SECONDS`] after it is created, the way [`FakeApi::program`] says
//!   (the scenario's outcome); a Pod's phase follows its restartPolicy as the kubelet's does
//!   (Always never ends, OnFailure never fails); a Job's `ttlSecondsAfterFinished` deletes it
//!   when the TTL runs out;
//! - admission: [`FakeApi::deny_next_write`] / [`FakeApi::deny_next_delete`] reject one call
//!   with 403 (the scenario's `create-error` / `delete-error`).
//!
//! No watches: the executor polls. [`Semantics`] can switch single behaviours off, so a test
//! can show that the comparison with the simulator notices.

mod scripted;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value as Json};
use tokio::time::Instant;

use crate::kinds::BUILTIN;

pub use scripted::{run_scenario, Scripted};

/// How long a Job or Pod runs before it ends.
pub const RUN_SECONDS: u64 = 2;
/// How long after `ttlSecondsAfterFinished` the TTL controller deletes a finished Job: at
/// once, as the simulator assumes (a real controller races Helm's hook-succeeded delete).
/// With a TTL of 0 a polling executor never sees the finished Job, only its absence, which
/// counts as success (as Helm 3 counts a Deleted watch event).
pub const TTL_LAG_SECONDS: u64 = 0;

/// Behaviours a test may switch off to see the comparison fail.
#[derive(Clone, Copy, Debug)]
pub struct Semantics {
    /// POST of an existing name gives 409 AlreadyExists (off: it overwrites).
    pub already_exists: bool,
    /// DELETE of a missing name gives 404 NotFound (off: 200).
    pub delete_not_found: bool,
    /// A server-side apply that changes nothing keeps the resourceVersion (off: bumps it).
    pub noop_apply_keeps_version: bool,
}

impl Default for Semantics {
    fn default() -> Semantics {
        Semantics {
            already_exists: true,
            delete_not_found: true,
            noop_apply_keeps_version: true,
        }
    }
}

/// How a Job's or Pod's container ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success,
    Failure,
    /// Never ends (the scenario's `timeout`).
    Hang,
}

#[derive(Clone, Debug)]
struct Kind {
    api_version: String,
    kind: String,
    plural: String,
    namespaced: bool,
}

#[derive(Clone, Debug)]
struct Stored {
    obj: Json,
    /// Jobs and Pods: when the container ends and how.
    run: Option<(Instant, Exit)>,
    finished: Option<Instant>,
}

type Key = (String, String, String); // kind, namespace ("" for cluster-scoped), name

struct State {
    sem: Semantics,
    kinds: Vec<Kind>,
    objects: BTreeMap<Key, Stored>,
    rv: u64,
    uid: u64,
    programs: HashMap<Key, Exit>,
    deny_write: HashSet<Key>,
    deny_delete: HashSet<Key>,
    /// Every request, as `METHOD path`, for tests.
    requests: Vec<String>,
}

/// The fake API server; clone it freely (the state is shared).
#[derive(Clone)]
pub struct FakeApi {
    state: Arc<Mutex<State>>,
}

impl Default for FakeApi {
    fn default() -> FakeApi {
        FakeApi::new(Semantics::default())
    }
}

fn status(code: StatusCode, reason: &str, message: String) -> (StatusCode, Json) {
    (
        code,
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "code": code.as_u16(),
        }),
    )
}

fn group_of(api_version: &str) -> &str {
    api_version.split_once('/').map(|(g, _)| g).unwrap_or("")
}

impl FakeApi {
    pub fn new(sem: Semantics) -> FakeApi {
        let kinds = BUILTIN
            .iter()
            .map(|(v, k, p, n)| Kind {
                api_version: v.to_string(),
                kind: k.to_string(),
                plural: p.to_string(),
                namespaced: *n,
            })
            .collect();
        FakeApi {
            state: Arc::new(Mutex::new(State {
                sem,
                kinds,
                objects: BTreeMap::new(),
                rv: 1000,
                uid: 0,
                programs: HashMap::new(),
                deny_write: HashSet::new(),
                deny_delete: HashSet::new(),
                requests: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock is a test failure already; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A kube client whose every request is served by this fake over HTTP.
    pub fn client(&self) -> kube::Client {
        kube::Client::new(Transport { api: self.clone() }, "default")
    }

    fn key(&self, kind: &str, namespace: &str, name: &str) -> Key {
        let st = self.lock();
        let namespaced = st
            .kinds
            .iter()
            .find(|k| k.kind == kind)
            .is_none_or(|k| k.namespaced);
        (
            kind.to_string(),
            if namespaced {
                namespace.to_string()
            } else {
                String::new()
            },
            name.to_string(),
        )
    }

    /// The next Job or Pod of this name that is created ends this way (default: success).
    pub fn program(&self, kind: &str, namespace: &str, name: &str, exit: Exit) {
        let k = self.key(kind, namespace, name);
        self.lock().programs.insert(k, exit);
    }

    /// Forget a programme no call used (an unchanged apply starts no new run; a write that
    /// never reached the server was not denied).
    pub fn unprogram(&self, kind: &str, namespace: &str, name: &str) {
        let k = self.key(kind, namespace, name);
        let mut st = self.lock();
        st.programs.remove(&k);
        st.deny_write.remove(&k);
    }

    /// The next POST or apply of this object is denied by an admission webhook (403).
    pub fn deny_next_write(&self, kind: &str, namespace: &str, name: &str) {
        let k = self.key(kind, namespace, name);
        self.lock().deny_write.insert(k);
    }

    /// The next DELETE of this object is forbidden (403).
    pub fn deny_next_delete(&self, kind: &str, namespace: &str, name: &str) {
        let k = self.key(kind, namespace, name);
        self.lock().deny_delete.insert(k);
    }

    /// Store an object as if it existed before (a scenario's `cluster:` entry); `run` sets
    /// a Job's or Pod's finished state.
    pub fn seed(&self, obj: Json, finished: Option<Exit>) {
        let mut st = self.lock();
        let kind = obj["kind"].as_str().unwrap_or_default().to_string();
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ns = obj["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let namespaced = st
            .kinds
            .iter()
            .find(|k| k.kind == kind)
            .is_none_or(|k| k.namespaced);
        let key = (kind, if namespaced { ns } else { String::new() }, name);
        let mut obj = obj;
        st.stamp(&mut obj);
        let now = Instant::now();
        let mut stored = Stored {
            obj,
            run: finished.map(|e| (now, e)),
            finished: None,
        };
        st.advance_one(&mut stored, now);
        st.objects.insert(key, stored);
    }

    /// `METHOD path` of every request served so far.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// The stored object, if any.
    pub fn object(&self, kind: &str, namespace: &str, name: &str) -> Option<Json> {
        let k = self.key(kind, namespace, name);
        let mut st = self.lock();
        st.advance(Instant::now());
        st.objects.get(&k).map(|s| s.obj.clone())
    }

    fn handle(
        &self,
        method: &Method,
        path: &str,
        query: &str,
        ctype: &str,
        body: &[u8],
    ) -> (StatusCode, Json) {
        let mut st = self.lock();
        st.requests.push(format!("{method} {path}"));
        st.advance(Instant::now());
        st.route(method, path, query, ctype, body)
    }
}

impl State {
    fn stamp(&mut self, obj: &mut Json) {
        self.uid += 1;
        self.rv += 1;
        let meta = &mut obj["metadata"];
        meta["uid"] = json!(format!("00000000-0000-0000-0000-{:012}", self.uid));
        meta["resourceVersion"] = json!(self.rv.to_string());
        meta["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
        meta["generation"] = json!(1);
    }

    fn kind_by_plural(&self, api_version: &str, plural: &str) -> Option<Kind> {
        self.kinds
            .iter()
            .find(|k| k.api_version == api_version && k.plural == plural)
            .cloned()
    }

    /// Run the controllers up to `now`.
    fn advance(&mut self, now: Instant) {
        let keys: Vec<Key> = self.objects.keys().cloned().collect();
        for k in keys {
            let Some(mut s) = self.objects.remove(&k) else {
                continue;
            };
            self.advance_one(&mut s, now);
            // The TTL controller.
            let ttl = s.obj["spec"]["ttlSecondsAfterFinished"].as_u64();
            if let (Some(done), Some(ttl), "Job") = (s.finished, ttl, k.0.as_str()) {
                if now >= done + Duration::from_secs(ttl + TTL_LAG_SECONDS) {
                    continue;
                }
            }
            self.objects.insert(k, s);
        }
    }

    fn advance_one(&mut self, s: &mut Stored, now: Instant) {
        let Some((at, exit)) = s.run else {
            return;
        };
        if s.finished.is_some() || now < at {
            return;
        }
        let kind = s.obj["kind"].as_str().unwrap_or_default().to_string();
        if kind == "Job" {
            let cond = match exit {
                Exit::Success => Some(("Complete", "", 1, 0)),
                Exit::Failure => Some(("Failed", "BackoffLimitExceeded", 0, 1)),
                Exit::Hang => None,
            };
            match cond {
                Some((t, reason, ok, failed)) => {
                    s.obj["status"] = json!({
                        "conditions": [{"type": t, "status": "True", "reason": reason}],
                        "succeeded": ok,
                        "failed": failed,
                    });
                    s.finished = Some(at);
                    self.rv += 1;
                    s.obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
                }
                None => s.obj["status"] = json!({"active": 1}),
            }
        } else {
            // The kubelet: restartPolicy decides whether an exit ends the Pod.
            let policy = s.obj["spec"]["restartPolicy"]
                .as_str()
                .unwrap_or("Always")
                .to_string();
            let phase = match (exit, policy.as_str()) {
                (Exit::Success, "Never" | "OnFailure") => "Succeeded",
                (Exit::Failure, "Never") => "Failed",
                _ => "Running",
            };
            s.obj["status"] = json!({"phase": phase});
            if phase != "Running" {
                s.finished = Some(at);
            }
            self.rv += 1;
            s.obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
            if phase == "Running" {
                // Restarts never end; stop looking at it.
                s.run = None;
            }
        }
    }

    fn discovery(&self, api_version: &str) -> (StatusCode, Json) {
        let resources: Vec<Json> = self
            .kinds
            .iter()
            .filter(|k| k.api_version == api_version)
            .map(|k| {
                json!({
                    "name": k.plural,
                    "singularName": k.kind.to_lowercase(),
                    "namespaced": k.namespaced,
                    "kind": k.kind,
                    "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                })
            })
            .collect();
        if resources.is_empty() {
            return status(
                StatusCode::NOT_FOUND,
                "NotFound",
                "the server could not find the requested resource".into(),
            );
        }
        (
            StatusCode::OK,
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": api_version, "resources": resources}),
        )
    }

    fn route(
        &mut self,
        method: &Method,
        path: &str,
        _query: &str,
        ctype: &str,
        body: &[u8],
    ) -> (StatusCode, Json) {
        let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (api_version, rest) = match seg.as_slice() {
            ["api"] => {
                return (
                    StatusCode::OK,
                    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
                )
            }
            ["api", v, rest @ ..] => (v.to_string(), rest),
            ["apis", g, v, rest @ ..] => (format!("{g}/{v}"), rest),
            _ => {
                return status(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    "the server could not find the requested resource".into(),
                )
            }
        };
        let (ns, plural, name) = match rest {
            [] => return self.discovery(&api_version),
            ["namespaces", ns, plural, name @ ..] => {
                (ns.to_string(), *plural, name.first().copied())
            }
            [plural, name @ ..] => (String::new(), *plural, name.first().copied()),
        };
        let Some(kind) = self.kind_by_plural(&api_version, plural) else {
            return status(
                StatusCode::NOT_FOUND,
                "NotFound",
                "the server could not find the requested resource".into(),
            );
        };
        let group = group_of(&api_version);
        let res = if group.is_empty() {
            kind.plural.clone()
        } else {
            format!("{}.{group}", kind.plural)
        };
        let ns = if kind.namespaced { ns } else { String::new() };
        match (method.clone(), name) {
            (Method::POST, None) => self.create(&kind, &res, &ns, body),
            (Method::GET, Some(n)) => {
                let key = (kind.kind.clone(), ns, n.to_string());
                match self.objects.get(&key) {
                    Some(s) => (StatusCode::OK, s.obj.clone()),
                    None => status(
                        StatusCode::NOT_FOUND,
                        "NotFound",
                        format!("{res} {n:?} not found"),
                    ),
                }
            }
            (Method::PATCH, Some(n)) if ctype.starts_with("application/apply-patch") => {
                self.apply(&kind, &res, &ns, n, body)
            }
            (Method::DELETE, Some(n)) => self.delete(&kind, &res, &ns, n),
            _ => status(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                format!("the fake API server does not serve {method} {path} ({ctype})"),
            ),
        }
    }

    fn parse(body: &[u8]) -> Result<Json, (StatusCode, Json)> {
        serde_json::from_slice(body)
            .or_else(|_| serde_yaml::from_slice(body))
            .map_err(|e| {
                status(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    format!("invalid body: {e}"),
                )
            })
    }

    fn admit(&mut self, key: &Key, res: &str) -> Result<(), (StatusCode, Json)> {
        if self.deny_write.remove(key) {
            return Err(status(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "admission webhook \"deny.hookline.fake\" denied the request: {res} {:?} is not allowed",
                    key.2
                ),
            ));
        }
        Ok(())
    }

    /// Store a new object, starting its run if it is a Job or Pod; CRDs add their kinds.
    fn insert_new(&mut self, kind: &Kind, key: Key, mut obj: Json) -> Json {
        self.stamp(&mut obj);
        if !key.1.is_empty() {
            obj["metadata"]["namespace"] = json!(key.1);
        }
        let exit = self.programs.remove(&key).unwrap_or(Exit::Success);
        let run = matches!(kind.kind.as_str(), "Job" | "Pod")
            .then(|| (Instant::now() + Duration::from_secs(RUN_SECONDS), exit));
        if kind.kind == "Job" {
            obj["status"] = json!({"active": 1});
        } else if kind.kind == "Pod" {
            obj["status"] = json!({"phase": "Pending"});
        } else if kind.kind == "Namespace" {
            obj["status"] = json!({"phase": "Active"});
        } else if kind.kind == "CustomResourceDefinition" {
            self.register_crd(&obj);
        }
        self.objects.insert(
            key,
            Stored {
                obj: obj.clone(),
                run,
                finished: None,
            },
        );
        obj
    }

    fn register_crd(&mut self, crd: &Json) {
        let spec = &crd["spec"];
        let (Some(group), Some(kind), Some(plural)) = (
            spec["group"].as_str(),
            spec["names"]["kind"].as_str(),
            spec["names"]["plural"].as_str(),
        ) else {
            return;
        };
        let namespaced = spec["scope"].as_str() != Some("Cluster");
        for v in spec["versions"].as_array().into_iter().flatten() {
            if let Some(v) = v["name"].as_str() {
                self.kinds.push(Kind {
                    api_version: format!("{group}/{v}"),
                    kind: kind.to_string(),
                    plural: plural.to_string(),
                    namespaced,
                });
            }
        }
    }

    fn create(&mut self, kind: &Kind, res: &str, ns: &str, body: &[u8]) -> (StatusCode, Json) {
        let obj = match Self::parse(body) {
            Ok(o) => o,
            Err(e) => return e,
        };
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let key = (kind.kind.clone(), ns.to_string(), name.clone());
        if let Err(e) = self.admit(&key, res) {
            return e;
        }
        if self.objects.contains_key(&key) {
            if self.sem.already_exists {
                return status(
                    StatusCode::CONFLICT,
                    "AlreadyExists",
                    format!("{res} {name:?} already exists"),
                );
            }
            self.objects.remove(&key);
        }
        let obj = self.insert_new(kind, key, obj);
        (StatusCode::CREATED, obj)
    }

    fn apply(
        &mut self,
        kind: &Kind,
        res: &str,
        ns: &str,
        name: &str,
        body: &[u8],
    ) -> (StatusCode, Json) {
        let applied = match Self::parse(body) {
            Ok(o) => o,
            Err(e) => return e,
        };
        let key = (kind.kind.clone(), ns.to_string(), name.to_string());
        if let Err(e) = self.admit(&key, res) {
            return e;
        }
        let Some(stored) = self.objects.get(&key).cloned() else {
            let obj = self.insert_new(kind, key, applied);
            return (StatusCode::CREATED, obj);
        };
        self.programs.remove(&key);
        let old = &stored.obj;
        // The fields an apply sets: everything but metadata bookkeeping and status.
        let fields = |o: &Json| -> Json {
            let mut o = o.clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("status");
                if let Some(meta) = m.get_mut("metadata").and_then(Json::as_object_mut) {
                    for k in [
                        "uid",
                        "resourceVersion",
                        "creationTimestamp",
                        "generation",
                        "managedFields",
                        "namespace",
                    ] {
                        meta.remove(k);
                    }
                }
            }
            o
        };
        let changed = fields(old) != fields(&applied);
        // Immutable specs: a Job's pod template and selector, a Pod's spec.
        let spec_of = |o: &Json| -> Json {
            let mut s = o["spec"].clone();
            if kind.kind == "Job" {
                if let Some(m) = s.as_object_mut() {
                    for k in [
                        "parallelism",
                        "suspend",
                        "ttlSecondsAfterFinished",
                        "activeDeadlineSeconds",
                        "backoffLimit",
                    ] {
                        m.remove(k);
                    }
                }
            }
            s
        };
        if matches!(kind.kind.as_str(), "Job" | "Pod") && spec_of(old) != spec_of(&applied) {
            let message = if kind.kind == "Job" {
                format!("Job.batch {name:?} is invalid: spec.template: Invalid value: field is immutable")
            } else {
                format!("Pod {name:?} is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`")
            };
            return status(StatusCode::UNPROCESSABLE_ENTITY, "Invalid", message);
        }
        if !changed && self.sem.noop_apply_keeps_version {
            return (StatusCode::OK, stored.obj);
        }
        let mut obj = applied;
        for k in ["uid", "creationTimestamp", "generation"] {
            obj["metadata"][k] = old["metadata"][k].clone();
        }
        if !ns.is_empty() {
            obj["metadata"]["namespace"] = json!(ns);
        }
        if !old["status"].is_null() {
            obj["status"] = old["status"].clone();
        }
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        if kind.kind == "CustomResourceDefinition" {
            self.register_crd(&obj);
        }
        if let Some(s) = self.objects.get_mut(&key) {
            s.obj = obj.clone();
        }
        (StatusCode::OK, obj)
    }

    fn delete(&mut self, kind: &Kind, res: &str, ns: &str, name: &str) -> (StatusCode, Json) {
        let key = (kind.kind.clone(), ns.to_string(), name.to_string());
        if self.deny_delete.remove(&key) {
            return status(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!("{res} {name:?} is forbidden: deletion denied by the fake's policy"),
            );
        }
        match self.objects.remove(&key) {
            Some(s) => (StatusCode::OK, s.obj),
            None if self.sem.delete_not_found => status(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("{res} {name:?} not found"),
            ),
            None => (
                StatusCode::OK,
                json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}),
            ),
        }
    }
}

/// The tower service kube's client sends through: each request gets its own in-memory
/// connection, a hyper HTTP/1.1 client on one end and a hyper server on the other.
#[derive(Clone)]
struct Transport {
    api: FakeApi,
}

type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl tower::Service<Request<kube::client::Body>> for Transport {
    type Response = Response<Incoming>;
    type Error = hyper::Error;
    type Future = BoxFut<Result<Response<Incoming>, hyper::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), hyper::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<kube::client::Body>) -> Self::Future {
        let api = self.api.clone();
        Box::pin(async move {
            let (client_io, server_io) = tokio::io::duplex(1 << 16);
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let api = api.clone();
                async move { Ok::<_, Infallible>(serve(api, req).await) }
            });
            tokio::spawn(async move {
                // A connection error here surfaces on the client side of the same duplex.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(server_io), service)
                    .await;
            });
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(TokioIo::new(client_io)).await?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            sender.send_request(req).await
        })
    }
}

async fn serve(api: FakeApi, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let ctype = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let (code, json) = api.handle(&method, &path, &query, &ctype, &body);
    let mut resp = Response::new(Full::new(Bytes::from(json.to_string())));
    *resp.status_mut() = code;
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}
