//! The Argo CD lens: the same chart's hooks as Argo CD runs them, next to Helm.
//!
//! Pinned to Argo CD **v3.4.7** (`argoproj/argo-cd` commit
//! `7b6113c14c8186e126046131dfbe5103a9f680f4`, which vendors gitops-engine under
//! `gitops-engine/`). The rules, with line citations, are in `docs/argocd-hooks.md`:
//! - `gitops-engine/pkg/sync/hook/helm/type.go:12-47`: only `pre-install`, `pre-upgrade`
//!   (→ PreSync), `post-install`, `post-upgrade` (→ PostSync), matched exactly after trimming
//!   (`resource/annotations.go:16-32`): no lower-casing; other tokens are ignored one by one.
//! - `controller/hook.go:25-58`: `pre-delete` → PreDelete, `post-delete` → PostDelete, run only
//!   when the Application is deleted, all created at once (`executeHooks`, :97-236).
//! - `gitops-engine/pkg/sync/hook/hook.go:26-58`: any `argocd.argoproj.io/hook` annotation makes
//!   Argo CD ignore the object's Helm events; `helm/hook.go:5-9`: `crd-install` is not a hook.
//! - `syncwaves/waves.go:12-21`, `helm/weight.go:10-19`: the wave is `argocd.argoproj.io/sync-wave`
//!   or else `helm.sh/hook-weight` (`strconv.Atoi`, 0 on error).
//! - `hook/delete_policy.go:11-26`, `helm/delete_policy.go:19-42`: Argo and known Helm policies
//!   merged; none known → BeforeHookCreation.
//! - `sync_tasks.go:80-110`: order by phase, wave, kind (Argo's own table), name; a whole wave
//!   is applied at once (`sync_context.go:640-660`); hook-succeeded deletions happen when the
//!   whole sync operation has succeeded (`sync_context.go:603-690`).

use serde::Serialize;

use crate::chart::Chart;
use crate::hooks::{
    for_event, DeletePolicy, Hook, HookEvent, DELETE_ANNOTATION, HOOK_ANNOTATION, WEIGHT_ANNOTATION,
};
use crate::lint::{LintOptions, Model};
use crate::manifest::Document;
use crate::plan::HelmVersion;

pub const ARGO_HOOK: &str = "argocd.argoproj.io/hook";
pub const ARGO_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
pub const ARGO_SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// An Argo CD phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Phase {
    PreSync,
    Sync,
    PostSync,
    SyncFail,
    PreDelete,
    PostDelete,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::PreSync => "PreSync",
            Phase::Sync => "Sync",
            Phase::PostSync => "PostSync",
            Phase::SyncFail => "SyncFail",
            Phase::PreDelete => "PreDelete",
            Phase::PostDelete => "PostDelete",
        }
    }
}

/// How Argo CD treats one rendered document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArgoMapping {
    /// Whether Argo CD treats it as a hook (`hook.IsHook` or a delete hook).
    pub is_hook: bool,
    /// The phases it runs in; empty for a hook with no supported event: never applied.
    pub phases: Vec<Phase>,
    /// `argocd.argoproj.io/hook: Skip` alone.
    pub skipped: bool,
    pub wave: i64,
    /// Effective delete policies in Argo's names (`HookSucceeded`, ...), hooks only.
    pub delete_policies: Vec<String>,
    /// Helm events Argo CD ignores for this object, and why.
    pub ignored: Vec<String>,
}

/// `GetAnnotationCSVs`: split on commas, trim, drop empty and repeated values.
fn csv(v: Option<&String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in v
        .map(|s| s.split(',').collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    out
}

fn atoi(s: &str) -> Option<i64> {
    if crate::lint::is_atoi(s) {
        Some(crate::hooks::parse_weight(s))
    } else {
        None
    }
}

/// Map one document as Argo CD v3.4.7 does.
pub fn map_document(doc: &Document) -> ArgoMapping {
    let a = &doc.annotations;
    let wave = a
        .get(ARGO_SYNC_WAVE)
        .and_then(|s| atoi(s))
        .or_else(|| a.get(WEIGHT_ANNOTATION).and_then(|s| atoi(s)))
        .unwrap_or(0);
    let helm_events = csv(a.get(HOOK_ANNOTATION));
    let mut ignored = Vec::new();
    let mut phases = Vec::new();
    let mut skipped = false;
    let is_hook;
    if a.contains_key(ARGO_HOOK) {
        let types = csv(a.get(ARGO_HOOK));
        skipped = types.len() == 1 && types[0] == "Skip";
        for t in &types {
            let p = match t.as_str() {
                "PreSync" => Phase::PreSync,
                "Sync" => Phase::Sync,
                "PostSync" => Phase::PostSync,
                "SyncFail" => Phase::SyncFail,
                "PreDelete" => Phase::PreDelete,
                "PostDelete" => Phase::PostDelete,
                _ => continue,
            };
            if !phases.contains(&p) {
                phases.push(p);
            }
        }
        is_hook = !skipped;
        for e in &helm_events {
            ignored.push(format!("{e} (the object has an {ARGO_HOOK} annotation)"));
        }
    } else if a.contains_key(HOOK_ANNOTATION)
        && a.get(HOOK_ANNOTATION).map(String::as_str) != Some("crd-install")
    {
        is_hook = true;
        for e in &helm_events {
            let p = match e.as_str() {
                "pre-install" | "pre-upgrade" => Phase::PreSync,
                "post-install" | "post-upgrade" => Phase::PostSync,
                "pre-delete" => Phase::PreDelete,
                "post-delete" => Phase::PostDelete,
                other => {
                    let why = match HookEvent::parse(other) {
                        Some(HookEvent::PreRollback | HookEvent::PostRollback) => {
                            "rollback hooks are not supported"
                        }
                        Some(HookEvent::Test) => "test hooks are not supported",
                        Some(_) => "Argo CD matches event names exactly (no lower-casing)",
                        None => "unknown event",
                    };
                    ignored.push(format!("{other} ({why})"));
                    continue;
                }
            };
            if !phases.contains(&p) {
                phases.push(p);
            }
        }
    } else {
        is_hook = false;
        if a.get(HOOK_ANNOTATION).is_some() {
            ignored.push("crd-install (treated as a regular resource)".to_string());
        }
        phases.push(Phase::Sync);
    }
    let mut delete_policies = Vec::new();
    if is_hook {
        for p in csv(a.get(ARGO_DELETE_POLICY)) {
            if matches!(
                p.as_str(),
                "HookSucceeded" | "HookFailed" | "BeforeHookCreation"
            ) {
                delete_policies.push(p);
            }
        }
        for p in csv(a.get(DELETE_ANNOTATION)) {
            let q = match p.as_str() {
                "before-hook-creation" => "BeforeHookCreation",
                "hook-succeeded" => "HookSucceeded",
                "hook-failed" => "HookFailed",
                _ => continue,
            };
            delete_policies.push(q.to_string());
        }
        if delete_policies.is_empty() {
            delete_policies.push("BeforeHookCreation".to_string());
        }
    }
    crate::stable_sort::sort(&mut phases);
    ArgoMapping {
        is_hook,
        phases,
        skipped,
        wave,
        delete_policies,
        ignored,
    }
}

/// Argo CD's kind order (`sync_tasks.go:24-68`): kinds not listed come after all listed ones.
const ARGO_KINDS: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

fn argo_kind_rank(kind: &str) -> usize {
    ARGO_KINDS
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(ARGO_KINDS.len())
}

/// One hook run in the Helm column.
#[derive(Clone, Debug, Serialize)]
pub struct HelmRun {
    pub event: String,
    pub weight: i64,
    pub kind: String,
    pub name: String,
}

/// One wave of one Argo CD phase: everything in it is applied at once.
#[derive(Clone, Debug, Serialize)]
pub struct ArgoWave {
    pub phase: Phase,
    pub wave: i64,
    /// `Kind/name` in Argo CD's order (kind, then name); hooks only, plus a count of regular
    /// resources in the Sync phase.
    pub hooks: Vec<String>,
    pub resources: usize,
}

/// How Argo CD maps one Helm hook (for the hook's card in a timeline).
#[derive(Clone, Debug, Serialize)]
pub struct HookMapping {
    pub kind: String,
    pub name: String,
    /// Template path and document index, as in [`crate::lint::HookRef`].
    pub path: String,
    pub index: usize,
    pub helm_events: Vec<String>,
    pub argo: ArgoMapping,
}

/// The side-by-side view and the differences.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Comparison {
    /// Every Helm hook with its Argo CD mapping, in Helm's stored order.
    pub hooks: Vec<HookMapping>,
    pub helm: Vec<HelmRun>,
    pub argo: Vec<ArgoWave>,
    pub differences: Vec<String>,
}

const HELM_EVENTS: [HookEvent; 9] = [
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

fn label(kind: &str, name: &str) -> String {
    format!("{kind}/{name}")
}

/// Helm's hook runs per event, in execution order.
fn helm_runs(hooks: &[Hook]) -> Vec<HelmRun> {
    let mut out = Vec::new();
    for e in HELM_EVENTS {
        for h in for_event(hooks, e) {
            out.push(HelmRun {
                event: e.as_str().to_string(),
                weight: h.weight,
                kind: h.kind.clone(),
                name: h.name.clone(),
            });
        }
    }
    out
}

/// Compare Helm's and Argo CD's runs of a rendered chart (hooks as `SortManifests` split them,
/// regular resources).
pub fn compare(hooks: &[Hook], resources: &[Document], helm: HelmVersion) -> Comparison {
    let _ = helm;
    let mut c = Comparison {
        helm: helm_runs(hooks),
        ..Comparison::default()
    };
    // Argo tasks: (phase, wave, kind rank, name, label, is_hook)
    let mut tasks: Vec<(Phase, i64, usize, String, String, bool)> = Vec::new();
    let mut mapped: Vec<(&Hook, ArgoMapping)> = Vec::new();
    for h in hooks {
        let m = map_document(&h.doc);
        for p in &m.phases {
            tasks.push((
                *p,
                m.wave,
                argo_kind_rank(&h.kind),
                h.name.clone(),
                label(&h.kind, &h.name),
                m.is_hook,
            ));
        }
        c.hooks.push(HookMapping {
            kind: h.kind.clone(),
            name: h.name.clone(),
            path: h.doc.path.clone(),
            index: h.doc.index,
            helm_events: h.events.iter().map(|e| e.as_str().to_string()).collect(),
            argo: m.clone(),
        });
        mapped.push((h, m));
    }
    for d in resources {
        let m = map_document(d);
        for p in &m.phases {
            tasks.push((
                *p,
                m.wave,
                argo_kind_rank(&d.kind),
                d.name.clone(),
                label(&d.kind, &d.name),
                m.is_hook,
            ));
        }
    }
    crate::stable_sort::sort_by(&mut tasks, |a, b| {
        (a.0, a.1, a.2, &a.3).cmp(&(b.0, b.1, b.2, &b.3))
    });
    for t in &tasks {
        let same = c
            .argo
            .last()
            .is_some_and(|w| w.phase == t.0 && w.wave == t.1);
        if !same {
            c.argo.push(ArgoWave {
                phase: t.0,
                wave: t.1,
                hooks: Vec::new(),
                resources: 0,
            });
        }
        if let Some(w) = c.argo.last_mut() {
            if t.5 {
                w.hooks.push(t.4.clone());
            } else {
                w.resources += 1;
            }
        }
    }
    // Differences: per hook where the reason is the hook's own, grouped by kind otherwise.
    let d = &mut c.differences;
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    let mut add = |key: &'static str, l: &str| match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => v.push(l.to_string()),
        None => groups.push((key, vec![l.to_string()])),
    };
    for (h, m) in &mapped {
        let l = label(&h.kind, &h.name);
        let has = |e: HookEvent| h.events.contains(&e);
        if m.phases.is_empty() && !m.skipped {
            d.push(format!(
                "{l} never runs in Argo CD: {} (Helm runs it at {}).",
                m.ignored.join(", "),
                h.events
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            continue;
        }
        if !m.ignored.is_empty() {
            d.push(format!("{l}: Argo CD ignores {}.", m.ignored.join(", ")));
        }
        if m.phases.contains(&Phase::PreSync)
            && has(HookEvent::PreInstall) != has(HookEvent::PreUpgrade)
        {
            add(
                if has(HookEvent::PreInstall) {
                    "pre-install-only"
                } else {
                    "pre-upgrade-only"
                },
                &l,
            );
        }
        if m.phases.contains(&Phase::PostSync)
            && has(HookEvent::PostInstall) != has(HookEvent::PostUpgrade)
        {
            add(
                if has(HookEvent::PostInstall) {
                    "post-install-only"
                } else {
                    "post-upgrade-only"
                },
                &l,
            );
        }
        if m.phases.contains(&Phase::PostSync) {
            add("postsync-health", &l);
        }
        let known_helm = h
            .delete_policies
            .iter()
            .any(|p| !matches!(p, DeletePolicy::Other(_)));
        if !h.delete_policies.is_empty() && !known_helm && m.is_hook {
            add("unknown-policy", &l);
        }
        if h.has_policy(&DeletePolicy::HookSucceeded)
            && m.phases
                .iter()
                .any(|p| matches!(p, Phase::PreSync | Phase::PostSync))
        {
            add("hook-succeeded", &l);
        }
        if m.phases
            .iter()
            .any(|p| matches!(p, Phase::PreDelete | Phase::PostDelete))
        {
            add("delete-hooks", &l);
        }
    }
    for (key, hooks) in groups {
        let list = hooks.join(", ");
        d.push(match key {
            "pre-install-only" => format!("pre-install only in Helm (first install), PreSync on every sync in Argo CD: {list}."),
            "pre-upgrade-only" => format!("pre-upgrade only in Helm, but Argo CD also runs them on the first sync (PreSync cannot tell install from upgrade): {list}."),
            "post-install-only" => format!("post-install only in Helm, PostSync on every sync in Argo CD: {list}."),
            "post-upgrade-only" => format!("post-upgrade only in Helm, but Argo CD also runs them on the first sync: {list}."),
            "postsync-health" => format!("PostSync starts only after every Sync resource is Healthy; Helm runs post-install/post-upgrade right after creating the resources unless --wait is given: {list}."),
            "unknown-policy" => format!("delete-policy annotation with only unknown values: Helm deletes them never, Argo CD falls back to BeforeHookCreation: {list}."),
            "hook-succeeded" => format!("hook-succeeded deletes at the end of the hook's event in Helm, only when the whole sync operation has succeeded in Argo CD: {list}."),
            _ => format!("PreDelete/PostDelete run only when the Argo CD Application itself is deleted, all created together (no weight order); removing them from the chart or pruning does not run them: {list}."),
        });
    }
    // Order within PreSync / PostSync vs Helm's install order.
    for (phase, event) in [
        (Phase::PreSync, HookEvent::PreInstall),
        (Phase::PostSync, HookEvent::PostInstall),
        (Phase::PreSync, HookEvent::PreUpgrade),
        (Phase::PostSync, HookEvent::PostUpgrade),
    ] {
        let helm_order: Vec<String> = for_event(hooks, event)
            .iter()
            .map(|h| label(&h.kind, &h.name))
            .collect();
        let argo_order: Vec<String> = tasks
            .iter()
            .filter(|t| t.0 == phase && helm_order.contains(&t.4))
            .map(|t| t.4.clone())
            .collect();
        let mut dedup: Vec<String> = Vec::new();
        for x in argo_order {
            if !dedup.contains(&x) {
                dedup.push(x);
            }
        }
        let mut helm_dedup: Vec<String> = Vec::new();
        for x in helm_order {
            if !helm_dedup.contains(&x) {
                helm_dedup.push(x);
            }
        }
        if helm_dedup.len() > 1 && dedup != helm_dedup {
            d.push(format!(
                "{} order differs: Helm runs {} one at a time; Argo CD applies {} (by wave, then kind, then name).",
                event.as_str(),
                helm_dedup.join(" → "),
                dedup.join(" → ")
            ));
        }
    }
    for w in &c.argo {
        if w.hooks.len() > 1 && w.phase != Phase::Sync {
            d.push(format!(
                "{} wave {}: {} are applied at the same time in Argo CD; Helm runs them one after another, waiting for each.",
                w.phase.as_str(),
                w.wave,
                w.hooks.join(", ")
            ));
        }
    }
    if c.helm
        .iter()
        .any(|r| r.event.starts_with("pre-") || r.event.starts_with("post-"))
    {
        d.push("Argo CD renders with helm template: .Release.IsInstall is always true and .Release.IsUpgrade false, and hooks are applied (kubectl apply), not created.".to_string());
    }
    d.dedup();
    c
}

/// Render a chart (as lint does) and compare.
pub fn compare_chart(chart: &Chart, values: &gotemplate::Map, opts: &LintOptions) -> Comparison {
    match Model::build(chart, values, opts) {
        Ok(m) => {
            // Argo CD renders with `helm template` (never --is-upgrade): hooks that exist
            // only in an upgrade render never reach it.
            let is_upgrade_only = |h: &Hook| {
                m.upgrade_only_hooks
                    .contains(&(h.kind.clone(), h.name.clone()))
            };
            let hooks: Vec<Hook> = m
                .hooks
                .iter()
                .filter(|h| !is_upgrade_only(h))
                .cloned()
                .collect();
            let mut c = compare(&hooks, &m.resources, opts.helm);
            c.helm = helm_runs(&m.hooks);
            for (kind, name) in &m.upgrade_only_hooks {
                c.differences.insert(
                    0,
                    format!("{kind}/{name} is rendered only when .Release.IsUpgrade is true: Argo CD (helm template) never renders it, so it never runs."),
                );
            }
            c
        }
        Err(f) => Comparison {
            differences: vec![format!("the chart does not render: {}", f.message)],
            ..Comparison::default()
        },
    }
}

impl Comparison {
    /// Two columns: Helm's hook runs per event, Argo CD's phases and waves; then the
    /// differences.
    pub fn to_text(&self) -> String {
        let mut left = vec!["Helm".to_string()];
        let mut last = String::new();
        for r in &self.helm {
            if r.event != last {
                left.push(format!("{}:", r.event));
                last = r.event.clone();
            }
            left.push(format!("  {:>4} {}/{}", r.weight, r.kind, r.name));
        }
        let mut right = vec!["Argo CD v3.4.7".to_string()];
        for w in &self.argo {
            if w.hooks.is_empty() && w.phase == Phase::Sync {
                right.push(format!(
                    "{} wave {}: {} resource(s)",
                    w.phase.as_str(),
                    w.wave,
                    w.resources
                ));
                continue;
            }
            let extra = if w.resources > 0 {
                format!(" + {} resource(s)", w.resources)
            } else {
                String::new()
            };
            right.push(format!("{} wave {}{extra}:", w.phase.as_str(), w.wave));
            for h in &w.hooks {
                right.push(format!("  {h}"));
            }
        }
        let width = left
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(30)
            + 2;
        let mut s = String::new();
        for i in 0..left.len().max(right.len()) {
            let l = left.get(i).map(String::as_str).unwrap_or("");
            let r = right.get(i).map(String::as_str).unwrap_or("");
            let pad = width.saturating_sub(l.chars().count());
            s.push_str(format!("{l}{}| {r}", " ".repeat(pad)).trim_end());
            s.push('\n');
        }
        if !self.differences.is_empty() {
            s.push_str("\nDifferences:\n");
            for d in &self.differences {
                s.push_str(&format!("- {d}\n"));
            }
        }
        s
    }
}
