//! Invariants of the lifecycle simulator over real charts: every document of every
//! `shared/corpus/*/expected.yaml` (real `helm template` outputs), split with the manifest
//! splitter, run through install → upgrade → rollback → test → uninstall (and the same with
//! --no-hooks), for Helm 3 and Helm 4.
//!
//! - every hook runs once per matching event token;
//! - --no-hooks gives zero hook actions;
//! - after each step the cluster is the stored manifest plus leftover hooks plus kept objects
//!   (and CRDs from crds/);
//! - uninstall never removes a hook;
//! - test never changes the release status.
//!
//! The corpus is optional: without it the test says it was skipped and passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hookline::{
    render_files, simulate, split_template_output, FixedRender, HelmVersion, HookEvent, Plan,
    RenderedFile, Scenario, StepSpec,
};

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var("HOOKLINE_CORPUS").ok().map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")),
        Some(PathBuf::from("/work/shared/corpus")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

fn charts() -> Option<Vec<(String, Vec<RenderedFile>)>> {
    let dir = corpus_dir()?;
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        let name = e.file_name().unwrap().to_string_lossy().into_owned();
        // The chart's default render and every variant (--include-crds, upgrades, ...).
        let mut cases = vec![(name.clone(), e.clone())];
        if let Ok(vs) = std::fs::read_dir(e.join("variants")) {
            let mut vs: Vec<PathBuf> = vs.filter_map(|v| v.ok().map(|v| v.path())).collect();
            vs.sort();
            for v in vs {
                let vname = v.file_name().unwrap().to_string_lossy().into_owned();
                cases.push((format!("{name}/variants/{vname}"), v));
            }
        }
        for (case, path) in cases {
            let Ok(text) = std::fs::read_to_string(path.join("expected.yaml")) else {
                continue;
            };
            out.push((case, split_template_output(&text, "expected.yaml")));
        }
    }
    Some(out)
}

/// `Kind/ns/name` → `Kind/name` (the corpus renders into its own namespace).
fn norm(s: &str) -> String {
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        [k, _, n] => format!("{k}/{n}"),
        _ => s.to_string(),
    }
}

fn events_of(op: &str) -> &'static [HookEvent] {
    match op {
        "install" => &[HookEvent::PreInstall, HookEvent::PostInstall],
        "upgrade" => &[HookEvent::PreUpgrade, HookEvent::PostUpgrade],
        "rollback" => &[HookEvent::PreRollback, HookEvent::PostRollback],
        "uninstall" => &[HookEvent::PreDelete, HookEvent::PostDelete],
        _ => &[HookEvent::Test],
    }
}

fn scenario(helm: HelmVersion, no_hooks: bool) -> Scenario {
    let mut steps = Vec::new();
    for op in ["install", "upgrade", "rollback", "test", "uninstall"] {
        let mut s = StepSpec::op(op);
        if no_hooks && op != "test" {
            s.flags.push("no-hooks".into());
        }
        if op == "uninstall" {
            s.flags.push("keep-history".into());
        }
        steps.push(s);
    }
    Scenario {
        release: "corpus".into(),
        namespace: "default".into(),
        helm,
        cluster: Vec::new(),
        steps,
    }
}

fn is_hook_phase(p: &str) -> bool {
    p.starts_with("pre-") || p.starts_with("post-") || p == "test"
}

fn check(
    name: &str,
    files: &[RenderedFile],
    helm: HelmVersion,
    plan: &Plan,
    no_hooks: bool,
) -> Vec<String> {
    let mut errs = Vec::new();
    let Ok(out) = render_files(files, helm) else {
        // An unrenderable chart must fail every install/upgrade step with an error.
        for s in &plan.steps {
            if matches!(s.op.as_str(), "install") && s.error.is_none() {
                errs.push(format!("{name}: render failed but install succeeded"));
            }
        }
        return errs;
    };
    let hooks = &out.manifests.hooks;
    let hook_names: BTreeSet<String> = hooks
        .iter()
        .map(|h| format!("{}/{}", h.kind, h.name))
        .collect();
    let resources: BTreeSet<String> = out
        .manifests
        .resources
        .iter()
        .filter(|d| !d.kind.is_empty())
        .map(|d| format!("{}/{}", d.kind, d.name))
        .collect();
    let kept: BTreeSet<String> = out
        .manifests
        .resources
        .iter()
        .filter(|d| d.annotations.contains_key(hookline::RESOURCE_POLICY))
        .map(|d| format!("{}/{}", d.kind, d.name))
        .collect();
    let crds: BTreeSet<String> = out
        .crds
        .iter()
        .map(|d| format!("{}/{}", d.kind, d.name))
        .collect();
    let mut prev_cluster: BTreeSet<String> = BTreeSet::new();
    let mut prev_history = Vec::new();
    for (i, s) in plan.steps.iter().enumerate() {
        let label = format!("{name} [{}] step {} {}", helm.as_str(), i + 1, s.op);
        let cluster: BTreeSet<String> = s.cluster.iter().map(|c| norm(c)).collect();
        // No hooks at all with --no-hooks (test has no such flag).
        if no_hooks && s.op != "test" && s.actions.iter().any(|a| is_hook_phase(&a.phase)) {
            errs.push(format!("{label}: --no-hooks but hook actions ran"));
        }
        // Once per matching event token (only when the step did not fail part-way).
        if s.error.is_none() && !(no_hooks && s.op != "test") {
            for ev in events_of(&s.op) {
                let mut want: BTreeMap<String, usize> = BTreeMap::new();
                for h in hooks {
                    let n = h.events.iter().filter(|e| *e == ev).count();
                    if n > 0 {
                        *want.entry(format!("{}/{}", h.kind, h.name)).or_default() += n;
                    }
                }
                let mut got: BTreeMap<String, usize> = BTreeMap::new();
                for a in &s.actions {
                    if a.phase == ev.as_str() && (a.verb == "create" || a.verb == "update") {
                        *got.entry(format!("{}/{}", a.kind, a.name)).or_default() += 1;
                    }
                }
                if want != got {
                    errs.push(format!(
                        "{label}: {} runs {got:?}, want {want:?}",
                        ev.as_str()
                    ));
                }
            }
        }
        // The cluster is the stored manifest plus leftover hooks plus kept objects plus CRDs.
        let deployed = s.history.last().is_some_and(|h| h.status == "deployed");
        for c in &cluster {
            let ok = resources.contains(c)
                || hook_names.contains(c)
                || crds.contains(c)
                || kept.contains(c);
            if !ok {
                errs.push(format!("{label}: unexpected object {c} on the cluster"));
            }
            if !deployed
                && resources.contains(c)
                && !hook_names.contains(c)
                && !kept.contains(c)
                && !crds.contains(c)
            {
                errs.push(format!(
                    "{label}: release not deployed but {c} is still there"
                ));
            }
        }
        if deployed && s.error.is_none() {
            for r in &resources {
                if !cluster.contains(r) {
                    errs.push(format!(
                        "{label}: stored resource {r} missing from the cluster"
                    ));
                }
            }
        }
        // Uninstall never removes a hook.
        if s.op == "uninstall" {
            for a in &s.actions {
                let obj = format!("{}/{}", a.kind, a.name);
                if a.phase == "uninstall"
                    && a.verb == "delete"
                    && hook_names.contains(&obj)
                    && !resources.contains(&obj)
                {
                    errs.push(format!("{label}: uninstall deleted hook {obj}"));
                }
            }
            let hook_deleted: BTreeSet<String> = s
                .actions
                .iter()
                .filter(|a| is_hook_phase(&a.phase) && a.verb == "delete")
                .map(|a| format!("{}/{}", a.kind, a.name))
                .collect();
            for h in prev_cluster.intersection(&hook_names) {
                if !resources.contains(h) && !hook_deleted.contains(h) && !cluster.contains(h) {
                    errs.push(format!("{label}: hook {h} vanished"));
                }
            }
        }
        // Test never changes the status.
        if s.op == "test" {
            let statuses: Vec<(u32, String)> = s
                .history
                .iter()
                .map(|h| (h.revision, h.status.clone()))
                .collect();
            if statuses != prev_history {
                errs.push(format!(
                    "{label}: history changed {prev_history:?} -> {statuses:?}"
                ));
            }
        }
        prev_cluster = cluster;
        prev_history = s
            .history
            .iter()
            .map(|h| (h.revision, h.status.clone()))
            .collect();
    }
    errs
}

#[test]
fn invariants_over_the_corpus() {
    let Some(charts) = charts() else {
        println!("skipped: no shared/corpus directory (set HOOKLINE_CORPUS to run)");
        return;
    };
    let mut errs = Vec::new();
    let mut runs = 0;
    for (name, files) in &charts {
        for helm in [HelmVersion::V3, HelmVersion::V4] {
            for no_hooks in [false, true] {
                let sc = scenario(helm, no_hooks);
                let mut r = FixedRender::new(files.clone());
                let plan = simulate(&sc, &mut r);
                runs += 1;
                errs.extend(check(name, files, helm, &plan, no_hooks));
            }
        }
    }
    println!("{} charts, {runs} runs", charts.len());
    assert!(
        errs.is_empty(),
        "{} violation(s):\n{}",
        errs.len(),
        errs.join("\n")
    );
}

/// Hooks that fail must not break the invariants either: fail every Job once.
#[test]
fn invariants_hold_when_hooks_fail() {
    let Some(charts) = charts() else {
        println!("skipped: no shared/corpus directory");
        return;
    };
    for (name, files) in &charts {
        for helm in [HelmVersion::V3, HelmVersion::V4] {
            let Ok(out) = render_files(files, helm) else {
                continue;
            };
            let mut sc = scenario(helm, false);
            for h in &out.manifests.hooks {
                sc.steps[0]
                    .outcomes
                    .insert(format!("{}/{}", h.kind, h.name), "failed".into());
            }
            let mut r = FixedRender::new(files.clone());
            let plan = simulate(&sc, &mut r);
            // Test never changes status and nothing panics.
            let before: Vec<_> = plan.steps[2]
                .history
                .iter()
                .map(|h| h.status.clone())
                .collect();
            let after: Vec<_> = plan.steps[3]
                .history
                .iter()
                .map(|h| h.status.clone())
                .collect();
            assert_eq!(
                before,
                after,
                "{name} [{}]: test changed status",
                helm.as_str()
            );
        }
    }
}

/// The hook splitter agrees with the corpus' hooks.tsv (written from the real helm output):
/// the same hook documents with the same events, weights and delete policies.
#[test]
fn hooks_match_the_corpus_hook_tables() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: no shared/corpus directory");
        return;
    };
    let Some(charts) = charts() else { return };
    let mut errs = Vec::new();
    let mut compared = 0;
    for (name, files) in &charts {
        let Ok(tsv) = std::fs::read_to_string(dir.join(name).join("hooks.tsv")) else {
            continue;
        };
        let mut want: Vec<String> = Vec::new();
        for line in tsv.lines().skip(1) {
            let c: Vec<&str> = line.split('\t').collect();
            if c.len() < 9 {
                continue;
            }
            let events: Vec<&str> = c[5]
                .split(',')
                .map(|e| HookEvent::parse(e).map(|e| e.as_str()).unwrap_or("?"))
                .collect();
            want.push(format!(
                "{} {}/{} [{}] w={} d=[{}]",
                c[1],
                c[2],
                c[3],
                events.join(","),
                c[7],
                c[8]
            ));
        }
        let Ok(out) = render_files(files, HelmVersion::V4) else {
            errs.push(format!("{name}: the splitter rejects the real helm output"));
            continue;
        };
        let mut got: Vec<String> = out
            .manifests
            .hooks
            .iter()
            .map(|h| {
                format!(
                    "{} {}/{} [{}] w={} d=[{}]",
                    h.doc.path,
                    h.kind,
                    h.name,
                    h.events
                        .iter()
                        .map(|e| e.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    h.weight,
                    h.delete_policies
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                )
            })
            .collect();
        want.sort();
        got.sort();
        compared += want.len();
        if want != got {
            errs.push(format!("{name}:\n  want {want:#?}\n  got  {got:#?}"));
        }
    }
    println!("{compared} hooks compared");
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}
