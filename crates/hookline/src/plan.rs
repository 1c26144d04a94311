//! The plan: what Helm does, step by step. This is the walking skeleton's install-only planner;
//! the full lifecycle (upgrade, rollback, uninstall, test, failures) grows from here.

use serde::Serialize;

use crate::hooks::{self, DeletePolicy, Hook, HookEvent};
use crate::manifest::SortedManifests;

/// Which Helm's semantics to follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HelmVersion {
    V3,
    #[default]
    V4,
}

/// One thing Helm does to one object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Action {
    pub phase: String,
    pub verb: String,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One operation of the scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Step {
    pub op: String,
    pub revision: u32,
    pub status: String,
    pub error: Option<String>,
    pub actions: Vec<Action>,
    pub cluster: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

fn hook_actions(hooks: &[Hook], event: HookEvent, helm: HelmVersion, out: &mut Vec<Action>) {
    let phase = event.as_str().to_string();
    let ordered = hooks::for_event(hooks, event);
    for (i, h) in ordered.iter().enumerate() {
        let why = if i == 0 {
            format!("first {phase} hook: lowest weight {}", h.weight)
        } else {
            hooks::why_after(ordered[i - 1], h, helm)
        };
        out.push(Action {
            phase: phase.clone(),
            verb: "create".into(),
            kind: h.kind.clone(),
            name: h.name.clone(),
            weight: Some(h.weight),
            why: Some(why),
            source: Some(h.doc.path.clone()),
            ..Action::default()
        });
        // Helm waits only on Jobs and Pods; other kinds are ready once created.
        let result = if matches!(h.kind.as_str(), "Job" | "Pod") {
            "succeeded"
        } else {
            "ready"
        };
        out.push(Action {
            phase: phase.clone(),
            verb: "wait".into(),
            kind: h.kind.clone(),
            name: h.name.clone(),
            weight: Some(h.weight),
            result: Some(result.into()),
            ..Action::default()
        });
    }
    // hook-succeeded deletions run after the whole event, in reverse (hooks.go:150-164);
    // CRDs are never deleted (hooks.go:183-187).
    for h in ordered.iter().rev() {
        if h.has_policy(&DeletePolicy::HookSucceeded) && h.kind != "CustomResourceDefinition" {
            out.push(Action {
                phase: phase.clone(),
                verb: "delete".into(),
                kind: h.kind.clone(),
                name: h.name.clone(),
                weight: Some(h.weight),
                reason: Some("hook-succeeded".into()),
                ..Action::default()
            });
        }
    }
}

/// Plan one `helm install` of already split manifests: pre-install hooks, resources in
/// install kind order, post-install hooks (Helm `pkg/action/install.go:509-576`).
pub fn plan_install(sorted: &SortedManifests, helm: HelmVersion) -> Plan {
    let mut actions = Vec::new();
    hook_actions(&sorted.hooks, HookEvent::PreInstall, helm, &mut actions);
    for r in &sorted.resources {
        actions.push(Action {
            phase: "install".into(),
            verb: "create".into(),
            kind: r.kind.clone(),
            name: r.name.clone(),
            source: Some(r.path.clone()),
            ..Action::default()
        });
    }
    hook_actions(&sorted.hooks, HookEvent::PostInstall, helm, &mut actions);

    let mut cluster: Vec<String> = sorted
        .resources
        .iter()
        .map(|r| format!("{}/{}", r.kind, r.name))
        .collect();
    for h in &sorted.hooks {
        let ran = h
            .events
            .iter()
            .any(|e| matches!(e, HookEvent::PreInstall | HookEvent::PostInstall));
        let deleted = h.has_policy(&DeletePolicy::HookSucceeded) && h.kind != "CustomResourceDefinition";
        if ran && !deleted {
            cluster.push(format!("{}/{}", h.kind, h.name));
        }
    }
    cluster.sort();
    cluster.dedup();
    Plan {
        steps: vec![Step {
            op: "install".into(),
            revision: 1,
            status: "deployed".into(),
            error: None,
            actions,
            cluster,
        }],
    }
}

impl Plan {
    /// A plain-text timeline for terminals.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            s.push_str(&format!(
                "Step {}: {} → revision {} {}\n",
                i + 1,
                step.op,
                step.revision,
                step.status
            ));
            let mut phase = "";
            for a in &step.actions {
                if a.phase != phase {
                    phase = &a.phase;
                    s.push_str(&format!("  [{phase}]\n"));
                }
                let mut line = format!("    {:<7} {}/{}", a.verb, a.kind, a.name);
                if let Some(w) = a.weight {
                    line.push_str(&format!("  (weight {w})"));
                }
                if let Some(r) = &a.result {
                    line.push_str(&format!("  → {r}"));
                }
                if let Some(r) = &a.reason {
                    line.push_str(&format!("  ({r})"));
                }
                if let Some(w) = &a.why {
                    line.push_str(&format!("  — {w}"));
                }
                s.push_str(&line);
                s.push('\n');
            }
            if let Some(e) = &step.error {
                s.push_str(&format!("  error: {e}\n"));
            }
            s.push_str(&format!("  cluster: {}\n", step.cluster.join(", ")));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind_order::KindOrder;
    use crate::manifest::{split_rendered, RenderedFile};

    fn hook(name: &str, weight: &str) -> String {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"{weight}\"\n    helm.sh/hook-delete-policy: hook-succeeded\n"
        )
    }

    #[test]
    fn equal_weights_run_by_name_and_delete_in_reverse() {
        let text = [hook("c", "0"), hook("a", "0"), hook("b", "0")].join("---\n");
        let files = vec![RenderedFile {
            path: "x/templates/hooks.yaml".into(),
            content: text,
        }];
        let sorted = split_rendered(&files, KindOrder::Install, HelmVersion::V4).unwrap();
        let plan = plan_install(&sorted, HelmVersion::V4);
        let seq: Vec<String> = plan.steps[0]
            .actions
            .iter()
            .map(|a| format!("{} {}", a.verb, a.name))
            .collect();
        assert_eq!(
            seq,
            [
                "create a", "wait a", "create b", "wait b", "create c", "wait c", "delete c",
                "delete b", "delete a"
            ]
        );
    }
}
