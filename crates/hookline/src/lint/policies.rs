//! Delete and resource policies: HL002 leftovers with fixed names, HL003 delete policies with
//! only unknown values, HL011 test hooks deleted before `helm test --logs` (Helm 3), HL012 CRDs
//! as hooks, HL013 `helm.sh/resource-policy` values other than `keep`.
//!
//! Helm: `hooks.go` (H3 :37-172, H4 :35-247): the default `[before-hook-creation]` only when
//! the annotation is absent; `hook-succeeded` after all hooks of the event succeeded;
//! `hook-failed` only when the hook's own wait fails; CRDs never deleted (H4 :183-187);
//! `resource_policy.go:26-46` and `pkg/kube/client.go:668-681` for `keep`.

use super::model::Model;
use super::{Finding, Severity};
use crate::hooks::{DeletePolicy, Hook, HookEvent, DELETE_ANNOTATION};
use crate::plan::HelmVersion;
use crate::RESOURCE_POLICY;

fn is_known(p: &DeletePolicy) -> bool {
    !matches!(p, DeletePolicy::Other(_))
}

/// Whether the hook's name is the same in every render.
fn fixed_name(m: &Model, h: &Hook) -> bool {
    !h.name.is_empty()
        && m.second_names
            .get(&(h.doc.path.clone(), h.doc.index))
            .is_none_or(|n| *n == h.name)
}

/// The pair of events of one operation a hook runs in (pre-X and post-X), if any.
fn same_operation_pair(h: &Hook) -> Option<(HookEvent, HookEvent)> {
    use HookEvent::*;
    for (a, b) in [
        (PreInstall, PostInstall),
        (PreUpgrade, PostUpgrade),
        (PreRollback, PostRollback),
        (PreDelete, PostDelete),
    ] {
        if h.events.contains(&a) && h.events.contains(&b) {
            return Some((a, b));
        }
    }
    None
}

fn already_exists_text(helm: HelmVersion, h: &Hook) -> String {
    let obj = format!("{} {:?}", h.kind.to_lowercase(), h.name);
    match helm {
        HelmVersion::V3 => format!(
            "Helm 3 creates hooks with a plain create: the next run fails with `warning: Hook ... failed: {obj} already exists` and the release is marked failed (helm/helm #11188)."
        ),
        HelmVersion::V4 => format!(
            "Helm 4 with client-side apply fails the next run with `{obj} already exists` (as Helm 3, helm/helm #11188); with server-side apply (the default for new installs) the old object is patched in place: an unchanged Job is not re-run at all (Helm sees its old Complete/Failed condition), a changed one fails with \"field is immutable\"."
        ),
    }
}

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for h in &m.hooks {
        let policies = &h.delete_policies;
        let known: Vec<&DeletePolicy> = policies.iter().filter(|p| is_known(p)).collect();
        let unknown: Vec<String> = policies
            .iter()
            .filter(|p| !is_known(p))
            .map(|p| format!("{:?}", p.as_str()))
            .collect();
        // HL003
        if !policies.is_empty() && known.is_empty() {
            out.push(Finding {
                rule: "HL003",
                name: "delete-policy-unknown",
                severity: Severity::Warning,
                span: m.span(&h.doc, &[DELETE_ANNOTATION]),
                message: format!(
                    "{}/{}: helm.sh/hook-delete-policy has no known policy ({}): the hook is never deleted",
                    h.kind, h.name, unknown.join(", ")
                ),
                explanation: format!(
                    "Helm never validates delete policies. The default before-hook-creation applies only when the annotation is absent; a present annotation whose values are all unknown or empty switches it off, so the object stays after every run. {}",
                    already_exists_text(m.helm, h)
                ),
                fix: "Use before-hook-creation, hook-succeeded and/or hook-failed (comma-separated), or remove the annotation to get the default before-hook-creation.".to_string(),
                hook: Model::hook_ref(h),
            });
            continue;
        } else if !unknown.is_empty() {
            out.push(Finding {
                rule: "HL003",
                name: "delete-policy-unknown",
                severity: Severity::Info,
                span: m.span(&h.doc, &[DELETE_ANNOTATION]),
                message: format!(
                    "{}/{}: helm.sh/hook-delete-policy value {} is not a delete policy and is ignored",
                    h.kind, h.name, unknown.join(", ")
                ),
                explanation: "Helm stores unknown policy values and never matches them; only before-hook-creation, hook-succeeded and hook-failed do anything.".to_string(),
                fix: "Remove or correct the value.".to_string(),
                hook: Model::hook_ref(h),
            });
        }
        // HL002
        let has = |p: DeletePolicy| policies.contains(&p);
        if !known.is_empty() && !has(DeletePolicy::BeforeHookCreation) && fixed_name(m, h) {
            let succ = has(DeletePolicy::HookSucceeded);
            let fail = has(DeletePolicy::HookFailed);
            let waits = matches!(h.kind.as_str(), "Job" | "Pod");
            let problem = match (succ, fail) {
                (false, true) => {
                    Some("only hook-failed: a successful run leaves the object behind".to_string())
                }
                (true, false) if waits => Some(
                    "only hook-succeeded: a failed or timed-out run leaves the object behind"
                        .to_string(),
                ),
                _ => None,
            };
            if let Some(problem) = problem {
                let mut message = format!(
                    "{}/{}: delete policy without before-hook-creation ({problem}) and a fixed name",
                    h.kind, h.name
                );
                let mut severity = Severity::Warning;
                if let (Some((a, b)), false) = (same_operation_pair(h), succ) {
                    severity = Severity::Error;
                    message.push_str(&format!(
                        "; it runs in both {} and {}, so {} already finds the object from {}",
                        a.as_str(),
                        b.as_str(),
                        b.as_str(),
                        a.as_str()
                    ));
                }
                out.push(Finding {
                    rule: "HL002",
                    name: "leftover-fixed-name",
                    severity,
                    span: m.span(&h.doc, &[DELETE_ANNOTATION]),
                    message,
                    explanation: format!(
                        "An explicit delete-policy list replaces the default before-hook-creation, so nothing deletes a leftover object before the hook is created again. {}",
                        already_exists_text(m.helm, h)
                    ),
                    fix: format!(
                        "Add before-hook-creation: helm.sh/hook-delete-policy: \"before-hook-creation,{}\".",
                        known.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
                    ),
                    hook: Model::hook_ref(h),
                });
            }
        }
        // HL011
        if m.helm == HelmVersion::V3
            && h.events.contains(&HookEvent::Test)
            && (has(DeletePolicy::HookSucceeded) || has(DeletePolicy::HookFailed))
        {
            out.push(Finding {
                rule: "HL011",
                name: "test-hook-deleted-before-logs",
                severity: Severity::Warning,
                span: m.span(&h.doc, &[DELETE_ANNOTATION]),
                message: format!(
                    "{}/{}: test hook with hook-succeeded/hook-failed: under Helm 3, helm test --logs fails to find it",
                    h.kind, h.name
                ),
                explanation: "Helm 3 applies the delete policies inside execHook, before `helm test --logs` reads the pod's logs, so the logs step fails with \"unable to get pod logs ... not found\" (helm/helm #9098, #8018). Helm 4 deletes only after printing the logs (execHookWithDelayedShutdown).".to_string(),
                fix: "Use helm.sh/hook-delete-policy: before-hook-creation for test hooks (the previous run is deleted when the test runs again), or upgrade to Helm 4.".to_string(),
                hook: Model::hook_ref(h),
            });
        }
        // HL011, a test hook that is not a Pod: `helm test --logs` reads a pod named after it
        // (H3 release_testing.go:111-144; H4 v4.2.4 the same; main skips non-Pod hooks).
        if h.events.contains(&HookEvent::Test) && matches!(h.kind.as_str(), "Job" | "CronJob") {
            out.push(Finding {
                rule: "HL011",
                name: "test-hook-deleted-before-logs",
                severity: Severity::Info,
                span: m.span(&h.doc, &["helm.sh/hook"]),
                message: format!(
                    "{}/{}: a test hook that is not a Pod: helm test --logs looks for a pod named {:?} and fails",
                    h.kind, h.name, h.name
                ),
                explanation: "helm test --logs fetches the logs of a Pod with the hook's name (helm/helm #9264); a Job's pods have generated names, so the logs step errors with \"unable to get pod logs\" (Helm 3 and Helm 4 up to v4.2.4).".to_string(),
                fix: "Make test hooks Pods with restartPolicy: Never, or do not use --logs.".to_string(),
                hook: Model::hook_ref(h),
            });
        }
        // HL012
        if h.kind == "CustomResourceDefinition" {
            out.push(Finding {
                rule: "HL012",
                name: "crd-as-hook",
                severity: Severity::Warning,
                span: m.span(&h.doc, &["helm.sh/hook"]),
                message: format!("CustomResourceDefinition {} is a hook: Helm never deletes it, and never updates it as part of the release", h.name),
                explanation: "Helm skips every delete policy for CRD hooks (H4 pkg/action/hooks.go:183-187), and hooks are not part of the release manifest, so upgrades neither diff nor update it and uninstall leaves it.".to_string(),
                fix: "Put CRDs in the chart's crds/ directory (installed before the templates), or in a separate chart that manages them as regular resources.".to_string(),
                hook: Model::hook_ref(h),
            });
        }
    }
    // HL013, on every document that carries the annotation.
    let docs = m
        .resources
        .iter()
        .map(|d| (d, None))
        .chain(m.hooks.iter().map(|h| (&h.doc, Model::hook_ref(h))));
    for (d, hook) in docs {
        let Some(v) = d.annotations.get(RESOURCE_POLICY) else {
            continue;
        };
        if v == "keep" {
            continue;
        }
        let normalized_keep = v.trim().eq_ignore_ascii_case("keep");
        out.push(Finding {
            rule: "HL013",
            name: "resource-policy-not-keep",
            severity: Severity::Warning,
            span: m.span(d, &[RESOURCE_POLICY]),
            message: if normalized_keep {
                format!("{}/{}: helm.sh/resource-policy {v:?} is kept at uninstall but not at upgrade", d.kind, d.name)
            } else {
                format!("{}/{}: helm.sh/resource-policy {v:?} is not keep: uninstall neither deletes nor reports it", d.kind, d.name)
            },
            explanation: if normalized_keep {
                "Uninstall trims and lower-cases the value (resource_policy.go:26-46), but upgrade and rollback compare the live object's value with exactly \"keep\" (pkg/kube/client.go:668-681): when the object leaves the chart, an upgrade deletes it.".to_string()
            } else {
                "Helm knows only keep. At uninstall a document with any other value is put in neither the delete list nor the kept list (resource_policy.go:26-46): it is silently left in the cluster, an orphan nobody is told about.".to_string()
            },
            fix: "Write helm.sh/resource-policy: keep, or remove the annotation.".to_string(),
            hook,
        });
    }
}
