//! Hook annotations: events, weights, delete policies, and the order hooks run in.
//!
//! Sources: Helm `pkg/release/v1/hook.go:28-120`, `pkg/release/v1/util/manifest_sorter.go:54-66,
//! 139-244` and `pkg/action/hooks.go:65-74,167-177,237-247` (v4.2.4; the same rules in v3.21.4).

use std::cmp::Ordering;

use serde::Serialize;

use crate::kind_order::{self, KindOrder};
use crate::manifest::Document;
use crate::plan::HelmVersion;

pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
pub const WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
pub const DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
pub const OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

/// A hook event (`hook.go:28-38`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookEvent {
    PreInstall,
    PostInstall,
    PreDelete,
    PostDelete,
    PreUpgrade,
    PostUpgrade,
    PreRollback,
    PostRollback,
    Test,
}

impl HookEvent {
    /// The event table of `manifest_sorter.go:54-66`; `test-success` is the Helm 2 alias of
    /// `test`. The value is trimmed and lower-cased before the lookup.
    pub fn parse(token: &str) -> Option<HookEvent> {
        Some(match token.trim().to_lowercase().as_str() {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            "test" | "test-success" => HookEvent::Test,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }
}

/// A delete policy value. Helm never validates them: unknown values are kept and match nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeletePolicy {
    BeforeHookCreation,
    HookSucceeded,
    HookFailed,
    Other(String),
}

impl DeletePolicy {
    pub fn parse(token: &str) -> DeletePolicy {
        match token {
            "before-hook-creation" => DeletePolicy::BeforeHookCreation,
            "hook-succeeded" => DeletePolicy::HookSucceeded,
            "hook-failed" => DeletePolicy::HookFailed,
            other => DeletePolicy::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            DeletePolicy::BeforeHookCreation => "before-hook-creation",
            DeletePolicy::HookSucceeded => "hook-succeeded",
            DeletePolicy::HookFailed => "hook-failed",
            DeletePolicy::Other(s) => s,
        }
    }
}

/// A hook as Helm stores it in the release (`hook.go:78-96`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hook {
    pub doc: Document,
    pub kind: String,
    pub name: String,
    /// Events in annotation order; a repeated token stays repeated (the hook then runs twice).
    pub events: Vec<HookEvent>,
    pub weight: i64,
    /// The raw weight annotation, when present.
    pub weight_raw: Option<String>,
    /// As written; empty means "no annotation" (the default is applied when the hook runs).
    pub delete_policies: Vec<DeletePolicy>,
    pub output_log_policies: Vec<String>,
}

impl Hook {
    /// The policies in force when the hook runs: `[before-hook-creation]` when the annotation is
    /// absent (`hookSetDeletePolicy`, hooks.go:237-247). An annotation holding only unknown or
    /// empty values is not empty, so it switches the default off.
    pub fn effective_delete_policies(&self) -> Vec<DeletePolicy> {
        if self.delete_policies.is_empty() {
            vec![DeletePolicy::BeforeHookCreation]
        } else {
            self.delete_policies.clone()
        }
    }

    pub fn has_policy(&self, p: &DeletePolicy) -> bool {
        self.effective_delete_policies().contains(p)
    }
}

pub(crate) enum Classified {
    Resource(Document),
    Hook(Hook),
    Dropped(Document),
}

/// Go's `strconv.Atoi`: optional sign, ASCII digits, nothing else, must fit in 64 bits.
/// Helm turns every failure into weight 0 (`calculateHookWeight`, manifest_sorter.go:224-234).
pub fn parse_weight(raw: &str) -> i64 {
    let (neg, digits) = match raw.as_bytes().first() {
        Some(b'+') => (false, &raw[1..]),
        Some(b'-') => (true, &raw[1..]),
        _ => (false, raw),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = v * 10 + i128::from(b - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return 0;
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).unwrap_or(0)
}

fn split_values(raw: &str) -> Vec<String> {
    raw.split(',').map(|t| t.trim().to_lowercase()).collect()
}

pub(crate) fn classify(doc: Document) -> Classified {
    let Some(events_raw) = doc.annotations.get(HOOK_ANNOTATION).cloned() else {
        return Classified::Resource(doc);
    };
    let mut events = Vec::new();
    for token in events_raw.split(',') {
        match HookEvent::parse(token) {
            Some(e) => events.push(e),
            // One unknown token drops the whole document (manifest_sorter.go:187-201).
            None => return Classified::Dropped(doc),
        }
    }
    let weight_raw = doc.annotations.get(WEIGHT_ANNOTATION).cloned();
    let weight = weight_raw.as_deref().map(parse_weight).unwrap_or(0);
    let delete_policies = doc
        .annotations
        .get(DELETE_ANNOTATION)
        .map(|v| {
            split_values(v)
                .iter()
                .map(|t| DeletePolicy::parse(t))
                .collect()
        })
        .unwrap_or_default();
    let output_log_policies = doc
        .annotations
        .get(OUTPUT_LOG_ANNOTATION)
        .map(|v| split_values(v))
        .unwrap_or_default();
    Classified::Hook(Hook {
        kind: doc.kind.clone(),
        name: doc.name.clone(),
        doc,
        events,
        weight,
        weight_raw,
        delete_policies,
        output_log_policies,
    })
}

/// `hookByWeight.Less` (hooks.go:167-177): weight, then name. The sort is stable over the
/// stored (kind-sorted) order, so kind only decides between equal weights and equal names.
pub fn by_weight_then_name(a: &Hook, b: &Hook) -> Ordering {
    a.weight.cmp(&b.weight).then_with(|| a.name.cmp(&b.name))
}

/// The hooks that run for `event`, in execution order: one entry per matching event token
/// (hooks.go:65-71 appends once per match), stable-sorted by (weight, name).
pub fn for_event(hooks: &[Hook], event: HookEvent) -> Vec<&Hook> {
    let mut selected: Vec<&Hook> = Vec::new();
    for h in hooks {
        for e in &h.events {
            if *e == event {
                selected.push(h);
            }
        }
    }
    crate::stable_sort::sort_by(&mut selected, |a, b| by_weight_then_name(a, b));
    selected
}

/// Why `first` runs before `next` when the two share a weight (empty when the weights
/// differ): the tie-breaker, as the example words it ("then name 'x' < 'y'").
pub fn why_before(first: &Hook, next: &Hook, helm: HelmVersion) -> String {
    if first.weight != next.weight {
        String::new()
    } else if first.name != next.name {
        format!("; then name '{}' < '{}'", first.name, next.name)
    } else if kind_order::compare(&first.kind, &next.kind, KindOrder::Install, helm)
        != Ordering::Equal
    {
        format!(
            "; then, same name, kind {} before {} in install order",
            first.kind, next.kind
        )
    } else {
        String::new()
    }
}

/// Why `later` runs after `earlier` in the same event: the first key that differs.
pub fn why_after(earlier: &Hook, later: &Hook, helm: HelmVersion) -> String {
    if earlier.weight != later.weight {
        format!(
            "weight {} > {} (lower weights run first)",
            later.weight, earlier.weight
        )
    } else if earlier.name != later.name {
        format!(
            "equal weight {}; name '{}' > '{}' (ties are broken by name, not kind)",
            later.weight, later.name, earlier.name
        )
    } else if kind_order::compare(&earlier.kind, &later.kind, KindOrder::Install, helm)
        != Ordering::Equal
    {
        format!(
            "equal weight and name; kind {} comes after {} in Helm's install order",
            later.kind, earlier.kind
        )
    } else if earlier.doc.path != later.doc.path {
        format!(
            "equal weight, name and kind; file {} sorts after {}",
            later.doc.path, earlier.doc.path
        )
    } else {
        "equal weight, name and kind; later document in the same file".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_go_atoi() {
        for (raw, want) in [
            ("5", 5),
            ("+5", 5),
            ("-3", -3),
            ("abc", 0),
            ("1.5", 0),
            (" 5", 0),
            ("+", 0),
            ("", 0),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            ("9223372036854775808", 0),
            ("1_000", 0),
        ] {
            assert_eq!(parse_weight(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn events_are_trimmed_and_lowercased() {
        assert_eq!(
            HookEvent::parse(" Pre-Install "),
            Some(HookEvent::PreInstall)
        );
        assert_eq!(HookEvent::parse("test-success"), Some(HookEvent::Test));
        assert_eq!(HookEvent::parse("crd-install"), None);
        assert_eq!(HookEvent::parse(""), None);
    }
}
