//! Ordering: HL008 ties of equal weight (decided by name, not by kind as the docs say) and
//! HL014 rollback hooks (the target revision's copies run).
//!
//! Helm: `hookByWeight.Less` compares weight, then name (H4 `pkg/action/hooks.go:167-177`,
//! H3 :135-145), stably over the kind-sorted stored order; the docs
//! (`helm-www docs/topics/charts_hooks.md:62-63`) say weight, kind, name. Rollback copies the
//! target revision's stored hooks (H4 `pkg/action/rollback.go:173-192`; helm/helm #5825).

use super::model::Model;
use super::{Finding, Severity};
use crate::hooks::{for_event, Hook, HookEvent, HOOK_ANNOTATION};
use crate::kind_order::{self, KindOrder};

const EVENTS: [HookEvent; 9] = [
    HookEvent::PreInstall,
    HookEvent::PostInstall,
    HookEvent::PreUpgrade,
    HookEvent::PostUpgrade,
    HookEvent::PreRollback,
    HookEvent::PostRollback,
    HookEvent::PreDelete,
    HookEvent::PostDelete,
    HookEvent::Test,
];

fn label(h: &Hook) -> String {
    format!("{}/{}", h.kind, h.name)
}

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for e in EVENTS {
        let order = for_event(&m.hooks, e);
        // Groups of equal weight, in execution order.
        let mut i = 0;
        while i < order.len() {
            let mut j = i + 1;
            while j < order.len() && order[j].weight == order[i].weight {
                j += 1;
            }
            let group = &order[i..j];
            i = j;
            if group.len() < 2 {
                continue;
            }
            // The order the docs promise: kind (install order), then name.
            let mut documented: Vec<&Hook> = group.to_vec();
            crate::stable_sort::sort_by(&mut documented, |a, b| {
                kind_order::compare(&a.kind, &b.kind, KindOrder::Install, m.helm)
                    .then_with(|| a.name.cmp(&b.name))
            });
            let same = documented
                .iter()
                .zip(group.iter())
                .all(|(a, b)| std::ptr::eq(*a, *b));
            if same {
                continue;
            }
            // The first hook that runs earlier than the docs say.
            let Some(k) = (0..group.len()).find(|&k| !std::ptr::eq(group[k], documented[k])) else {
                continue;
            };
            let early = group[k];
            let displaced = documented[k];
            let actual: Vec<String> = group.iter().map(|h| label(h)).collect();
            out.push(Finding {
                rule: "HL008",
                name: "equal-weight-tie",
                severity: Severity::Info,
                span: m.span(&early.doc, &["helm.sh/hook-weight", HOOK_ANNOTATION]),
                message: format!(
                    "{} hooks of weight {} run in name order: {} runs before {} (name '{}' < '{}'), although the docs say kind order would put {} first",
                    e.as_str(),
                    early.weight,
                    label(early),
                    label(displaced),
                    early.name,
                    displaced.name,
                    displaced.kind
                ),
                explanation: format!(
                    "Helm sorts hooks by weight, then by name; kind only breaks ties between equal names (hooks.go:167-177). Order at {}: {}.",
                    e.as_str(),
                    actual.join(" → ")
                ),
                fix: format!(
                    "Give {} a lower weight than {} if it must run first; do not rely on kind order.",
                    label(displaced),
                    label(early)
                ),
                hook: Model::hook_ref(early),
            });
        }
    }
    for h in &m.hooks {
        let rb: Vec<&str> = h
            .events
            .iter()
            .filter(|e| matches!(e, HookEvent::PreRollback | HookEvent::PostRollback))
            .map(|e| e.as_str())
            .collect();
        if rb.is_empty() {
            continue;
        }
        out.push(Finding {
            rule: "HL014",
            name: "rollback-runs-target-hooks",
            severity: Severity::Info,
            span: m.span(&h.doc, &[HOOK_ANNOTATION]),
            message: format!(
                "{}/{} ({}): helm rollback runs the copy stored in the target revision, not this one",
                h.kind,
                h.name,
                rb.join(", ")
            ),
            explanation: "helm rollback N copies revision N's stored manifest and hooks (rollback.go:173-192) and runs its pre-rollback/post-rollback hooks: a hook added or fixed in this chart version runs only on rollbacks to revisions made with it; rolling back to an older revision runs the older copy, or nothing (helm/helm #5825). Upgrade hooks such as migrations are not undone.".to_string(),
            fix: "Make rollback hooks work with any revision's data (idempotent, version-independent), and do not count on a new rollback hook protecting rollbacks to revisions made before it existed.".to_string(),
            hook: Model::hook_ref(h),
        });
    }
}
