//! HL001: a hook refers to an object of the same release that does not exist when it runs.
//!
//! When each object exists (helm-hooks.md section 2; H4 `pkg/action/install.go:509-559`,
//! `upgrade.go:461-514`, `uninstall.go:135-170`, `hooks.go:35-165`):
//! - regular resources are created after the pre-install hooks, updated after the pre-upgrade
//!   hooks (so at pre-upgrade they still hold the previous revision's data) and deleted before
//!   the post-delete hooks (unless `helm.sh/resource-policy: keep`);
//! - hooks run one at a time in (weight, name) order; a hook with `hook-succeeded` is deleted
//!   once all hooks of its event have succeeded; hooks are never deleted by uninstall.

use gotemplate::Value;

use super::model::{get, get_list, get_str, parse, pod_spec, Model};
use super::{Finding, Severity};
use crate::hooks::{for_event, DeletePolicy, Hook, HookEvent};
use crate::manifest::Document;

/// A reference from a pod spec to another object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub kind: &'static str,
    pub name: String,
    /// The field that holds the reference (also the needle for the span).
    pub field: &'static str,
    /// What happens to the pod when the object is missing.
    pub effect: &'static str,
}

fn optional(v: &Value) -> bool {
    matches!(get(v, &["optional"]), Some(Value::Bool(true)))
}

/// Every ConfigMap, Secret, ServiceAccount and PVC a pod spec needs.
pub fn pod_refs(spec: &Value) -> Vec<Ref> {
    let mut out = Vec::new();
    let mut push = |kind, name: Option<String>, field, effect| {
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            let r = Ref {
                kind,
                name,
                field,
                effect,
            };
            if !out.contains(&r) {
                out.push(r);
            }
        }
    };
    let sa = get_str(spec, &["serviceAccountName"])
        .map(|n| (n, "serviceAccountName"))
        .or_else(|| get_str(spec, &["serviceAccount"]).map(|n| (n, "serviceAccount")));
    if let Some((n, field)) = sa {
        if n != "default" {
            push(
                "ServiceAccount",
                Some(n),
                field,
                "the pod cannot be created (\"error looking up service account\")",
            );
        }
    }
    for vol in get_list(spec, &["volumes"]) {
        if let Some(cm) = get(&vol, &["configMap"]) {
            if !optional(&cm) {
                push(
                    "ConfigMap",
                    get_str(&cm, &["name"]),
                    "configMap",
                    "the pod stays in ContainerCreating (FailedMount)",
                );
            }
        }
        if let Some(s) = get(&vol, &["secret"]) {
            if !optional(&s) {
                push(
                    "Secret",
                    get_str(&s, &["secretName"]),
                    "secretName",
                    "the pod stays in ContainerCreating (FailedMount)",
                );
            }
        }
        if let Some(p) = get(&vol, &["persistentVolumeClaim"]) {
            push(
                "PersistentVolumeClaim",
                get_str(&p, &["claimName"]),
                "claimName",
                "the pod stays Pending (persistentvolumeclaim not found)",
            );
        }
        for src in get_list(&vol, &["projected", "sources"]) {
            if let Some(cm) = get(&src, &["configMap"]) {
                if !optional(&cm) {
                    push(
                        "ConfigMap",
                        get_str(&cm, &["name"]),
                        "configMap",
                        "the pod stays in ContainerCreating (FailedMount)",
                    );
                }
            }
            if let Some(s) = get(&src, &["secret"]) {
                if !optional(&s) {
                    push(
                        "Secret",
                        get_str(&s, &["name"]),
                        "secret",
                        "the pod stays in ContainerCreating (FailedMount)",
                    );
                }
            }
        }
    }
    let mut containers = get_list(spec, &["initContainers"]);
    containers.extend(get_list(spec, &["containers"]));
    for c in containers {
        for ef in get_list(&c, &["envFrom"]) {
            if let Some(r) = get(&ef, &["configMapRef"]) {
                if !optional(&r) {
                    push(
                        "ConfigMap",
                        get_str(&r, &["name"]),
                        "configMapRef",
                        "the container does not start (CreateContainerConfigError)",
                    );
                }
            }
            if let Some(r) = get(&ef, &["secretRef"]) {
                if !optional(&r) {
                    push(
                        "Secret",
                        get_str(&r, &["name"]),
                        "secretRef",
                        "the container does not start (CreateContainerConfigError)",
                    );
                }
            }
        }
        for e in get_list(&c, &["env"]) {
            if let Some(r) = get(&e, &["valueFrom", "configMapKeyRef"]) {
                if !optional(&r) {
                    push(
                        "ConfigMap",
                        get_str(&r, &["name"]),
                        "configMapKeyRef",
                        "the container does not start (CreateContainerConfigError)",
                    );
                }
            }
            if let Some(r) = get(&e, &["valueFrom", "secretKeyRef"]) {
                if !optional(&r) {
                    push(
                        "Secret",
                        get_str(&r, &["name"]),
                        "secretKeyRef",
                        "the container does not start (CreateContainerConfigError)",
                    );
                }
            }
        }
    }
    out
}

/// The operation an event belongs to, and its place in a release's life (install first,
/// uninstall last).
fn op_rank(e: HookEvent) -> u8 {
    match e {
        HookEvent::PreInstall | HookEvent::PostInstall => 0,
        HookEvent::PreUpgrade | HookEvent::PostUpgrade => 1,
        HookEvent::Test => 2,
        HookEvent::PreRollback | HookEvent::PostRollback => 2,
        HookEvent::PreDelete | HookEvent::PostDelete => 3,
    }
}

fn is_pre(e: HookEvent) -> bool {
    matches!(
        e,
        HookEvent::PreInstall
            | HookEvent::PreUpgrade
            | HookEvent::PreRollback
            | HookEvent::PreDelete
    )
}

fn deletes_on_success(h: &Hook) -> bool {
    h.has_policy(&DeletePolicy::HookSucceeded)
}

/// Whether hook `r` exists when `h` runs in event `e`; `Err(reason)` when it does not.
fn hook_available(hooks: &[Hook], r: &Hook, h: &Hook, e: HookEvent) -> Result<(), String> {
    let mut reasons = Vec::new();
    if r.events.contains(&e) {
        let order = for_event(hooks, e);
        let pos = |x: &Hook| order.iter().position(|y| std::ptr::eq(*y, x));
        match (pos(r), pos(h)) {
            (Some(pr), Some(ph)) if pr < ph => return Ok(()),
            _ => reasons.push(if r.weight != h.weight {
                format!(
                    "it runs after this hook in {} (weight {} > {}); a copy left by an earlier run may hide this, never on the first run",
                    e.as_str(),
                    r.weight,
                    h.weight
                )
            } else {
                format!(
                    "it runs after this hook in {} (equal weight {}; name '{}' > '{}'); a copy left by an earlier run may hide this, never on the first run",
                    e.as_str(),
                    r.weight,
                    r.name,
                    h.name
                )
            }),
        }
    }
    // Created earlier in the same operation (pre-X for a post-X hook), or in an earlier
    // operation, and still there unless hook-succeeded deleted it.
    let earlier: Vec<HookEvent> = r
        .events
        .iter()
        .copied()
        .filter(|re| {
            (op_rank(*re) == op_rank(e) && is_pre(*re) && !is_pre(e) && *re != e)
                || op_rank(*re) < op_rank(e)
        })
        .collect();
    if !earlier.is_empty() {
        if !deletes_on_success(r) {
            return Ok(());
        }
        reasons.push(format!(
            "its hook-succeeded policy deleted it at the end of {}",
            earlier
                .iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join("/")
        ));
    }
    if reasons.is_empty() {
        reasons.push(format!(
            "it is a hook created only at {}",
            r.events
                .iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Err(reasons.join("; "))
}

fn keeps(d: &Document) -> bool {
    d.annotations
        .get(crate::RESOURCE_POLICY)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("keep"))
}

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for h in &m.hooks {
        let Some(v) = parse(&h.doc) else { continue };
        let Some((spec, _)) = pod_spec(&h.kind, &v) else {
            continue;
        };
        let ns = m.ns_of(&h.doc);
        let refs = pod_refs(&spec);
        let mut seen_events = Vec::new();
        for e in &h.events {
            if seen_events.contains(e) {
                continue;
            }
            seen_events.push(*e);
            for r in &refs {
                let resource = m
                    .resources
                    .iter()
                    .find(|d| d.kind == r.kind && d.name == r.name && m.ns_of(d) == ns);
                let hook = m.hooks.iter().find(|x| {
                    x.kind == r.kind
                        && x.name == r.name
                        && m.ns_of(&x.doc) == ns
                        && !std::ptr::eq(*x, h)
                });
                let new_on_upgrade = m
                    .upgrade_only
                    .iter()
                    .find(|d| d.kind == r.kind && d.name == r.name && m.ns_of(d) == ns);
                let (severity, why) = match (resource, hook) {
                    (None, None) => match (new_on_upgrade, e) {
                        (Some(_), HookEvent::PreUpgrade) => (
                            Severity::Error,
                            "it is a regular resource rendered only on upgrade (.Release.IsUpgrade), so it is new in the revision, and Helm creates new resources only after the pre-upgrade hooks".to_string(),
                        ),
                        _ => continue, // not part of this release: nothing to say
                    },
                    (Some(d), _) => match e {
                        HookEvent::PreInstall => (
                            Severity::Error,
                            "it is a regular resource, and Helm creates regular resources only after all pre-install hooks have succeeded".to_string(),
                        ),
                        HookEvent::PostDelete if !keeps(d) => (
                            Severity::Error,
                            "it is a regular resource, and helm uninstall deletes the release's resources before it runs post-delete hooks".to_string(),
                        ),
                        HookEvent::PreUpgrade => (
                            Severity::Info,
                            "it is a regular resource, and Helm creates and updates regular resources only after the pre-upgrade hooks: the hook sees the previous revision's object (with the old data if this upgrade changes it), or nothing if the object is new in this revision".to_string(),
                        ),
                        _ => continue,
                    },
                    (None, Some(rh)) => match hook_available(&m.hooks, rh, h, *e) {
                        Ok(()) => continue,
                        Err(why) => (Severity::Error, why),
                    },
                };
                let fix = match (severity, resource.is_some()) {
                    (Severity::Info, _) => format!(
                        "If the hook needs this revision's {} {}, render it as a pre-upgrade hook too (with a lower weight), or read the data some other way.",
                        r.kind, r.name
                    ),
                    (_, true) => format!(
                        "Make {} {} a hook of the same event with a lower weight (helm.sh/hook: {}, helm.sh/hook-weight: \"-10\"), so it exists before this hook runs; keep it out of the regular resources.",
                        r.kind, r.name, e.as_str()
                    ),
                    (_, false) => format!(
                        "Give {} {} the event {} and a lower weight than this hook ({}), and no hook-succeeded delete policy if later events need it.",
                        r.kind, r.name, e.as_str(), h.weight
                    ),
                };
                out.push(Finding {
                    rule: "HL001",
                    name: "missing-reference",
                    severity,
                    span: m.span(&h.doc, &[r.field]),
                    message: if severity == Severity::Info {
                        format!(
                            "{}/{} ({}) uses {} {} ({}): at pre-upgrade it is still the previous revision's (missing if new in this revision)",
                            h.kind, h.name, e.as_str(), r.kind, r.name, r.field
                        )
                    } else {
                        format!(
                            "{}/{} ({}) uses {} {} ({}), which does not exist when it runs",
                            h.kind, h.name, e.as_str(), r.kind, r.name, r.field
                        )
                    },
                    explanation: if severity == Severity::Info {
                        format!("{why}.")
                    } else {
                        format!(
                            "{why}. Without it {}, and Helm waits for the hook until --timeout (default 5m), then fails the release (helm/helm #2622, #9163).",
                            r.effect
                        )
                    },
                    fix,
                    hook: Model::hook_ref(h),
                });
            }
        }
    }
}
