//! The simulated cluster answers the engine's calls ([`ClusterApi`]) from its in-memory
//! objects and the scenario's chosen outcomes. Its futures never wait.

use super::api::{
    ApiError, ApiErrorKind, Applied, ClusterApi, LiveObj, NewObj, ObjRef, Propagation, WaitFor,
    WaitResult,
};
use super::exec::{resource_name, waits_on};
use super::state::{Cluster, ClusterObj, RunState};

/// A Pod manifest's `spec.restartPolicy`, or "absent".
pub(crate) fn pod_restart_policy(content: &str) -> String {
    use gotemplate::Value;
    let entry = |v: &Value, key: &str| match v {
        Value::Map(m) => m.borrow().get(key).cloned(),
        _ => None,
    };
    // The engine's own YAML loader (the playground ships no other; issue #11).
    crate::yaml::from_str(content)
        .ok()
        .and_then(|v| entry(&v, "spec"))
        .and_then(|s| entry(&s, "restartPolicy"))
        .and_then(|p| match p {
            Value::String(s) => Some(s.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "absent".to_string())
}

/// A Job with `ttlSecondsAfterFinished: 0`, which the TTL controller deletes as soon as it
/// finishes.
pub(crate) fn ttl_zero(content: &str) -> bool {
    content.lines().any(|l| {
        l.trim()
            .strip_prefix("ttlSecondsAfterFinished:")
            .is_some_and(|v| v.trim().trim_matches('"') == "0")
    })
}

/// How the kubelet turns a container's exit into a Pod phase: with restartPolicy Always (the
/// default) a Pod never reaches Succeeded or Failed, with OnFailure never Failed; Helm then
/// waits until its timeout (spec §5 "Retries").
pub(crate) fn pod_result(policy: &str, exit: WaitResult) -> WaitResult {
    match (exit, policy) {
        ("succeeded" | "failed", "Always" | "absent") => "timeout",
        ("failed", "OnFailure") => "timeout",
        (r, _) => r,
    }
}

fn create_error(r: &ObjRef) -> ApiError {
    ApiError::new(
        ApiErrorKind::Forbidden,
        format!(
            "admission webhook \"simulated\" denied the request: {} \"{}\" (outcome create-error)",
            resource_name(&r.api_version, &r.kind),
            r.name
        ),
    )
}

fn group_kind(api_version: &str, kind: &str) -> String {
    match api_version.split_once('/') {
        Some((group, _)) if !group.is_empty() => format!("{kind}.{group}"),
        _ => kind.to_string(),
    }
}

/// The API server's rejection of a changed Job or Pod spec.
pub(crate) fn immutable_error(r: &ObjRef) -> ApiError {
    let message = if r.kind == "Job" {
        format!(
            "{} \"{}\" is invalid: spec.template: Invalid value: field is immutable",
            group_kind(&r.api_version, &r.kind),
            r.name
        )
    } else {
        format!(
            "Pod \"{}\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`",
            r.name
        )
    };
    ApiError::new(ApiErrorKind::Invalid, message)
}

impl ClusterApi for Cluster {
    async fn get(&mut self, r: &ObjRef) -> Result<Option<LiveObj>, ApiError> {
        Ok(self.objects.get(&r.key()).map(|o| LiveObj {
            owner: o.owner.clone(),
            resource_policy: o.resource_policy.clone(),
            run: o.run,
        }))
    }

    async fn create(&mut self, obj: &NewObj<'_>, hint: Option<&str>) -> Result<(), ApiError> {
        if hint == Some("create-error") {
            return Err(create_error(&obj.r));
        }
        let key = obj.r.key();
        if self.objects.contains_key(&key) {
            return Err(ApiError::new(
                ApiErrorKind::AlreadyExists,
                format!(
                    "{} \"{}\" already exists",
                    resource_name(&obj.r.api_version, &obj.r.kind),
                    obj.r.name
                ),
            ));
        }
        self.objects.insert(key, new_obj(obj));
        Ok(())
    }

    async fn apply(&mut self, obj: &NewObj<'_>, hint: Option<&str>) -> Result<Applied, ApiError> {
        if hint == Some("create-error") {
            return Err(create_error(&obj.r));
        }
        let key = obj.r.key();
        let Some(live) = self.objects.get_mut(&key) else {
            self.objects.insert(key, new_obj(obj));
            return Ok(Applied::Created);
        };
        let unchanged = std::sync::Arc::ptr_eq(&live.content, obj.content)
            || live.content.trim() == obj.content.trim();
        if waits_on(&obj.r.kind) && !unchanged {
            return Err(immutable_error(&obj.r));
        }
        live.content = obj.content.clone();
        if obj.owner.is_some() {
            live.owner = obj.owner.clone();
        }
        live.hook = obj.hook;
        if !obj.hook {
            live.resource_policy = obj.resource_policy.clone();
        }
        Ok(if unchanged {
            Applied::Unchanged
        } else {
            Applied::Updated
        })
    }

    async fn delete(
        &mut self,
        r: &ObjRef,
        _propagation: Propagation,
        _wait: u64,
        hint: Option<&str>,
    ) -> Result<bool, ApiError> {
        if hint == Some("delete-error") {
            return Err(ApiError::new(
                ApiErrorKind::Forbidden,
                format!(
                    "{} {:?} is forbidden: simulated delete error (outcome delete-error)",
                    resource_name(&r.api_version, &r.kind),
                    r.name
                ),
            ));
        }
        Ok(self.objects.remove(&r.key()).is_some())
    }

    async fn wait(
        &mut self,
        r: &ObjRef,
        what: WaitFor,
        _timeout: u64,
        hint: Option<&str>,
    ) -> WaitResult {
        let key = r.key();
        let Some(obj) = self.objects.get_mut(&key) else {
            // Gone before the wait (a TTL controller, a deletion): H3 counts a Deleted watch
            // event as success.
            return "succeeded";
        };
        match what {
            WaitFor::Resource => {
                let result = match (r.kind.as_str(), hint) {
                    ("Job", Some("failed")) => "failed",
                    ("Job", None | Some("succeeded") | Some("ready")) => "succeeded",
                    (_, Some("not-ready" | "timeout" | "failed")) => "not-ready",
                    _ => "ready",
                };
                if r.kind == "Job" {
                    obj.run = Some(if result == "failed" {
                        RunState::Failed
                    } else {
                        RunState::Succeeded
                    });
                }
                result
            }
            WaitFor::Hook => {
                if !waits_on(&r.kind) {
                    return "ready";
                }
                let exit = match obj.run {
                    Some(RunState::Succeeded) => "succeeded",
                    Some(RunState::Failed) => "failed",
                    _ => match hint {
                        Some("failed") => "failed",
                        Some("timeout") => "timeout",
                        _ => "succeeded",
                    },
                };
                let result = if r.kind == "Pod" {
                    pod_result(&pod_restart_policy(&obj.content), exit)
                } else {
                    exit
                };
                obj.run = Some(match result {
                    "succeeded" => RunState::Succeeded,
                    "failed" => RunState::Failed,
                    _ => RunState::Running,
                });
                if r.kind == "Job" && result != "timeout" && ttl_zero(&obj.content) {
                    self.objects.remove(&key);
                }
                result
            }
        }
    }

    async fn listing(&mut self, release_ns: &str) -> Vec<String> {
        Cluster::listing(self, release_ns)
    }
}

fn new_obj(obj: &NewObj<'_>) -> ClusterObj {
    ClusterObj {
        kind: obj.r.kind.clone(),
        namespace: obj.r.namespace.clone(),
        name: obj.r.name.clone(),
        api_version: obj.r.api_version.clone(),
        owner: obj.owner.clone(),
        hook: obj.hook,
        crd_file: obj.crd_file,
        preexisting: false,
        resource_policy: obj.resource_policy.clone(),
        content: obj.content.clone(),
        run: (waits_on(&obj.r.kind) && !obj.crd_file).then_some(RunState::Running),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn obj<'a>(kind: &str, content: &'a Arc<str>) -> NewObj<'a> {
        NewObj {
            r: ObjRef {
                api_version: "v1".into(),
                kind: kind.into(),
                namespace: "ns".into(),
                name: "x".into(),
            },
            content,
            owner: None,
            hook: false,
            crd_file: false,
            resource_policy: None,
        }
    }

    /// The cluster keeps the applied document's text itself (no copy), and a shared text
    /// counts as unchanged only because it is the same text: another text with the same
    /// bytes is unchanged too, a different one is an update (and a changed Job is refused).
    #[test]
    fn applied_text_is_shared_and_compared_by_content() {
        let mut c = Cluster::default();
        let first: Arc<str> = Arc::from("kind: ConfigMap\ndata: {a: 1}\n");
        let key = ("ConfigMap".to_string(), "ns".to_string(), "x".to_string());
        let applied = |c: &mut Cluster, kind: &str, text: &Arc<str>| {
            crate::lifecycle::api::run_now(c.apply(&obj(kind, text), None))
        };
        assert!(matches!(
            applied(&mut c, "ConfigMap", &first),
            Ok(Applied::Created)
        ));
        assert!(Arc::ptr_eq(&c.objects[&key].content, &first));
        assert!(matches!(
            applied(&mut c, "ConfigMap", &first),
            Ok(Applied::Unchanged)
        ));
        let same_bytes: Arc<str> = Arc::from(" kind: ConfigMap\ndata: {a: 1}");
        assert!(matches!(
            applied(&mut c, "ConfigMap", &same_bytes),
            Ok(Applied::Unchanged)
        ));
        let other: Arc<str> = Arc::from("kind: ConfigMap\ndata: {a: 2}\n");
        assert!(matches!(
            applied(&mut c, "ConfigMap", &other),
            Ok(Applied::Updated)
        ));
        assert_eq!(&*c.objects[&key].content, "kind: ConfigMap\ndata: {a: 2}\n");
        let job = ("Job".to_string(), "ns".to_string(), "x".to_string());
        assert!(matches!(
            applied(&mut c, "Job", &first),
            Ok(Applied::Created)
        ));
        assert!(applied(&mut c, "Job", &other).is_err());
        assert!(Arc::ptr_eq(&c.objects[&job].content, &first));
    }
}
