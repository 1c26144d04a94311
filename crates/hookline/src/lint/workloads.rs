//! Pods and Jobs as hooks: HL009 restartPolicy, HL010 Job retry limits, HL015 post-install
//! hooks that need the workload ready.
//!
//! Helm waits for a Pod hook until phase Succeeded/Failed and for a Job hook until condition
//! Complete/Failed (H3 `pkg/kube/client.go:745-840`; H4 `internal/statusreaders/*`); it counts
//! no retries and never kills a hook (helm-hooks.md section 5). Post-install hooks run right
//! after the resources are created; only `--wait` waits for them first (H3 install.go:471-480;
//! H4 the default `--wait=hookOnly` does not wait for regular resources; helm/helm #11778).

use gotemplate::Value;

use super::model::{get, get_list, get_str, parse, pod_spec, Model};
use super::{Finding, Severity};
use crate::hooks::HookEvent;

/// Every string scalar under a value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.to_string()),
        Value::List(l) => l.iter().for_each(|x| strings(x, out)),
        Value::Map(m) => m.borrow().values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// `name` appears in `text` as a host: `scheme://name`, `name:port`, `name.namespace...`.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let start = from + i;
        let end = start + name.len();
        from = end;
        let before = text[..start].chars().next_back();
        if before.is_some_and(name_char) {
            continue;
        }
        let after = &text[end..];
        let mut rest = after.chars();
        let hostlike = match rest.next() {
            None => text[..start].ends_with("//") || text[..start].ends_with('@'),
            Some(':') => rest.next().is_some_and(|c| c.is_ascii_digit()),
            Some('.') => rest.next().is_some_and(|c| c.is_ascii_alphanumeric()),
            Some('/') => text[..start].ends_with("//"),
            Some(c) => !name_char(c) && text[..start].ends_with("//"),
        };
        if hostlike {
            return true;
        }
    }
    false
}

const WAITS: &[&str] = &[
    "until ",
    "kubectl wait",
    "rollout status",
    "--retry",
    "wait-for",
    "wait_for",
    "waitfor",
    "sleep ",
    "while ",
];

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for h in &m.hooks {
        let Some(v) = parse(&h.doc) else { continue };
        // HL009
        if h.kind == "Pod" {
            let rp = get_str(&v, &["spec", "restartPolicy"]);
            if !matches!(rp.as_deref(), Some("Never")) {
                let shown = rp.clone().unwrap_or_else(|| "unset (Always)".to_string());
                out.push(Finding {
                    rule: "HL009",
                    name: "pod-restart-policy",
                    severity: Severity::Warning,
                    span: m.span(&h.doc, &["restartPolicy", "spec:"]),
                    message: format!(
                        "Pod {} is a hook with restartPolicy {shown}: if it fails, Helm waits until --timeout",
                        h.name
                    ),
                    explanation: "Helm waits for a Pod hook until its phase is Succeeded or Failed. With restartPolicy Always (the default) or OnFailure a failing container is restarted forever and the pod never reaches Failed, so the hook only ends at --timeout (default 5m); with Always even a successful container is restarted.".to_string(),
                    fix: "Set spec.restartPolicy: Never on Pod hooks (or use a Job with backoffLimit).".to_string(),
                    hook: Model::hook_ref(h),
                });
            }
        }
        // HL010
        if h.kind == "Job" {
            let spec = get(&v, &["spec"]);
            let has = |k: &str| {
                spec.as_ref()
                    .and_then(|s| get(s, &[k]))
                    .is_some_and(|x| !matches!(x, Value::Nil))
            };
            if !has("backoffLimit") && !has("activeDeadlineSeconds") {
                out.push(Finding {
                    rule: "HL010",
                    name: "job-without-limits",
                    severity: Severity::Warning,
                    span: m.span(&h.doc, &["spec:"]),
                    message: format!(
                        "Job {} is a hook without backoffLimit or activeDeadlineSeconds: a failing run retries for about 10 minutes",
                        h.name
                    ),
                    explanation: "Helm waits until the Job is Complete or Failed. The default backoffLimit 6 with exponential back-off (10s, 20s, ... capped at 6m) keeps a failing Job running longer than Helm's default --timeout of 5m, so Helm looks hung and then reports a timeout instead of the Job's error.".to_string(),
                    fix: "Set spec.backoffLimit (e.g. 1 or 2) and/or spec.activeDeadlineSeconds below Helm's --timeout.".to_string(),
                    hook: Model::hook_ref(h),
                });
            }
        }
        // HL015
        if m.wait {
            continue;
        }
        let post: Vec<&str> = h
            .events
            .iter()
            .filter(|e| matches!(e, HookEvent::PostInstall | HookEvent::PostUpgrade))
            .map(|e| e.as_str())
            .collect();
        if post.is_empty() {
            continue;
        }
        let Some((spec, _)) = pod_spec(&h.kind, &v) else {
            continue;
        };
        let mut texts = Vec::new();
        for c in get_list(&spec, &["containers"])
            .into_iter()
            .chain(get_list(&spec, &["initContainers"]))
        {
            for k in ["command", "args", "env"] {
                if let Some(x) = get(&c, &[k]) {
                    strings(&x, &mut texts);
                }
            }
        }
        let all = texts.join("\n");
        if WAITS.iter().any(|w| all.contains(w)) {
            continue;
        }
        let ns = m.ns_of(&h.doc);
        let target = m
            .resources
            .iter()
            .find(|d| d.kind == "Service" && m.ns_of(d) == ns && mentions(&all, &d.name));
        let Some(target) = target else { continue };
        let needle = texts
            .iter()
            .find(|t| mentions(t, &target.name))
            .and_then(|t| t.lines().find(|l| mentions(l, &target.name)))
            .map(|l| l.trim().chars().take(40).collect::<String>())
            .unwrap_or_default();
        let helm_wait = match m.helm {
            crate::plan::HelmVersion::V3 => "without --wait",
            crate::plan::HelmVersion::V4 => "without --wait (Helm 4's default --wait=hookOnly does not wait for regular resources)",
        };
        out.push(Finding {
            rule: "HL015",
            name: "post-install-needs-ready-workload",
            severity: Severity::Warning,
            span: m.span(&h.doc, &[needle.as_str(), "command", "args"]),
            message: format!(
                "{}/{} ({}) talks to {} {}, which may not be ready yet {helm_wait}",
                h.kind,
                h.name,
                post.join(", "),
                target.kind,
                target.name
            ),
            explanation: "Helm runs post-install and post-upgrade hooks as soon as the regular resources are created; only --wait makes it wait for Deployments, StatefulSets and Services to be ready first (helm/helm #11778). Without it the hook can start before the workload answers and fail.".to_string(),
            fix: "Install with --wait (Helm 4: --wait or --wait=watcher), or make the hook wait for the service itself (an init container polling it, or a retry loop). Do not combine --wait with a workload that needs the post-install hook to become ready: that deadlocks.".to_string(),
            hook: Model::hook_ref(h),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn host_tokens() {
        assert!(mentions("http://web:80/health", "web"));
        assert!(mentions("web.ns.svc", "web"));
        assert!(mentions("http://web", "web"));
        assert!(!mentions("webapp", "web"));
        assert!(!mentions("my-web", "web"));
        assert!(!mentions("--webhook-name=web", "web"));
        assert!(!mentions("web", "web"));
    }
}
