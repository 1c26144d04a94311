//! The conformance table runner, in the library so that the native tests
//! (`crates/hookline/tests/conformance.rs`) and a wasm build run the same cases with the same
//! checks: give it the text of a `tests/conformance/*.yaml` file (e.g. through
//! `include_str!`) and it returns the failures.
//!
//! Case format:
//! ```yaml
//! - name: what the case shows
//!   cite: H4 pkg/action/hooks.go:73-74; H3 pkg/action/hooks.go:48-49
//!   helm: [v3, v4]            # run for each (default v4)
//!   objects:                  # shorthand, turned into a rendered manifest:
//!     - Job/x hook=pre-install weight=1 delete=hook-succeeded
//!   manifest: |               # or a real rendered manifest
//!   scenario: {steps: [...]}  # issue #5's format; a step may have `objects:` too
//!   expect:                   # one entry per step (may be shorter)
//!     - actions: ["pre-install create Job/x", ...]   # exact, compact form (Action::compact)
//!       actions_has: [...]    # each must appear
//!       actions_lack: [...]   # none may appear
//!       status: deployed
//!       revision: 1
//!       error: "..."          # exact; or error_contains
//!       history: ["1 deployed"]
//!       descriptions: ["Install complete"]
//!       cluster: ["Job/x"]
//!       worst_case_seconds: 300
//!       notes: "..."
//!       whys: ["pre-install create Job/x => substring of its why"]
//!       v3: {...}             # overrides for one Helm version
//! ```
//!
//! Shorthand objects: `Kind/name` then `key=value` words: `hook`, `weight`, `delete`, `logs`
//! (output-log policy), `policy` (resource-policy), `path` (template path; `crds/x.yaml` makes
//! a CRD file), `ns`, `v` (a spec value, to make two revisions differ), `restart` (a Pod's
//! restartPolicy, default Never). `_` in a value is a space.

use serde_yaml::{Mapping, Value};

use crate::plan::Plan;
use crate::scenario::Scenario;

use super::simulate_manifest;

fn api_version(kind: &str) -> &'static str {
    match kind {
        "Job" | "CronJob" => "batch/v1",
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "apps/v1",
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io/v1"
        }
        "CustomResourceDefinition" => "apiextensions.k8s.io/v1",
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            "admissionregistration.k8s.io/v1"
        }
        "Ingress" | "NetworkPolicy" | "IngressClass" => "networking.k8s.io/v1",
        "APIService" => "apiregistration.k8s.io/v1",
        _ => "v1",
    }
}

/// `Kind/name key=value ...` → one rendered document with its `# Source:` line.
pub fn shorthand_doc(spec: &str) -> Result<String, String> {
    let mut parts = spec.split_whitespace();
    let obj = parts.next().unwrap_or_default();
    let Some((kind, name)) = obj.split_once('/') else {
        // Usually a comma inside a YAML flow sequence split one shorthand in two.
        return Err(format!(
            "shorthand {spec:?} does not start with Kind/name (use a block list when values have commas)"
        ));
    };
    let mut path = "all.yaml".to_string();
    let mut ns = None;
    let mut ann: Vec<(String, String)> = Vec::new();
    let mut v = "1".to_string();
    let mut restart = "Never".to_string();
    for p in parts {
        let (k, val) = p.split_once('=').unwrap_or((p, ""));
        let val = val.replace('_', " ");
        match k {
            "hook" => ann.push(("helm.sh/hook".into(), val)),
            "weight" => ann.push(("helm.sh/hook-weight".into(), val)),
            "delete" => ann.push(("helm.sh/hook-delete-policy".into(), val)),
            "logs" => ann.push(("helm.sh/hook-output-log-policy".into(), val)),
            "policy" => ann.push(("helm.sh/resource-policy".into(), val)),
            "path" => path = val,
            "ns" => ns = Some(val),
            "v" => v = val,
            "restart" => restart = val,
            other => return Err(format!("unknown shorthand key {other} in {spec:?}")),
        }
    }
    let source = if path.starts_with("crds/") {
        format!("chart/{path}")
    } else {
        format!("chart/templates/{path}")
    };
    let mut s = format!(
        "# Source: {source}\napiVersion: {}\nkind: {kind}\nmetadata:\n  name: {name}\n",
        api_version(kind)
    );
    if let Some(ns) = ns {
        s.push_str(&format!("  namespace: {ns}\n"));
    }
    if !ann.is_empty() {
        s.push_str("  annotations:\n");
        for (k, val) in ann {
            s.push_str(&format!("    {k}: {val:?}\n"));
        }
    }
    s.push_str(&format!("spec:\n  v: {v:?}\n"));
    if kind == "Pod" {
        // Hook Pods need restartPolicy Never to finish (the default, Always, never does).
        s.push_str(&format!("  restartPolicy: {restart}\n"));
    }
    Ok(s)
}

fn objects_manifest(v: &Value) -> Result<String, String> {
    let items = v.as_sequence().cloned().unwrap_or_default();
    let docs = items
        .iter()
        .map(|i| shorthand_doc(i.as_str().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(docs.join("---\n"))
}

fn get<'a>(m: &'a Mapping, k: &str) -> Option<&'a Value> {
    m.get(Value::String(k.into()))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| {
            s.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Build the case's scenario for one Helm version.
pub fn scenario_for(case: &Mapping, helm: &str) -> Result<(Scenario, String), String> {
    let manifest = match (get(case, "manifest"), get(case, "objects")) {
        (Some(m), _) => m.as_str().unwrap_or_default().to_string(),
        (None, Some(o)) => objects_manifest(o)?,
        _ => String::new(),
    };
    let mut sc = get(case, "scenario")
        .and_then(|s| s.as_mapping().cloned())
        .unwrap_or_default();
    sc.insert("helm".into(), Value::String(helm.into()));
    if let Some(Value::Sequence(steps)) = sc.get_mut(Value::String("steps".into())) {
        for st in steps.iter_mut() {
            if let Value::Mapping(m) = st {
                if let Some(o) = m.remove(Value::String("objects".into())) {
                    m.insert("manifest".into(), Value::String(objects_manifest(&o)?));
                }
            }
        }
    }
    let scenario = Scenario::from_yaml(&Value::Mapping(sc)).map_err(|e| e.to_string())?;
    Ok((scenario, manifest))
}

fn check_step(
    label: &str,
    plan: &Plan,
    i: usize,
    exp: &Mapping,
    helm: &str,
    failures: &mut Vec<String>,
) {
    let mut exp = exp.clone();
    if let Some(Value::Mapping(o)) = exp.get(Value::String(helm.into())).cloned() {
        for (k, v) in o {
            exp.insert(k, v);
        }
    }
    let Some(step) = plan.steps.get(i) else {
        failures.push(format!("{label}: step {} missing", i + 1));
        return;
    };
    let actual: Vec<String> = step.actions.iter().map(|a| a.compact()).collect();
    let mut fail = |what: &str, want: String, got: String| {
        failures.push(format!(
            "{label} step {} ({}): {what}\n    want: {want}\n    got:  {got}",
            i + 1,
            step.op
        ))
    };
    if let Some(v) = get(&exp, "actions") {
        let want = strs(v);
        if want != actual {
            fail("actions", format!("{want:#?}"), format!("{actual:#?}"));
        }
    }
    if let Some(v) = get(&exp, "actions_has") {
        for w in strs(v) {
            if !actual.contains(&w) {
                fail("actions_has", w, format!("{actual:#?}"));
            }
        }
    }
    if let Some(v) = get(&exp, "actions_lack") {
        for w in strs(v) {
            if actual.contains(&w) {
                fail("actions_lack", w, format!("{actual:#?}"));
            }
        }
    }
    if let Some(v) = get(&exp, "status") {
        let want = v.as_str().unwrap_or_default();
        if step.status != want {
            fail("status", want.into(), step.status.clone());
        }
    }
    if let Some(v) = get(&exp, "revision") {
        let want = v.as_u64().map(|n| n as u32);
        if step.revision != want {
            fail(
                "revision",
                format!("{want:?}"),
                format!("{:?}", step.revision),
            );
        }
    }
    if let Some(v) = get(&exp, "error") {
        let want = v.as_str().map(str::to_string);
        if step.error != want {
            fail("error", format!("{want:?}"), format!("{:?}", step.error));
        }
    }
    if let Some(v) = get(&exp, "error_contains") {
        let want = v.as_str().unwrap_or_default();
        if !step.error.as_deref().unwrap_or("").contains(want) {
            fail("error_contains", want.into(), format!("{:?}", step.error));
        }
    }
    if let Some(v) = get(&exp, "history") {
        let want = strs(v);
        let got: Vec<String> = step
            .history
            .iter()
            .map(|h| format!("{} {}", h.revision, h.status))
            .collect();
        if want != got {
            fail("history", format!("{want:?}"), format!("{got:?}"));
        }
    }
    if let Some(v) = get(&exp, "descriptions") {
        let want = strs(v);
        let got: Vec<String> = step.history.iter().map(|h| h.description.clone()).collect();
        if want != got {
            fail("descriptions", format!("{want:?}"), format!("{got:?}"));
        }
    }
    if let Some(v) = get(&exp, "cluster") {
        let want = strs(v);
        if want != step.cluster {
            fail(
                "cluster",
                format!("{want:?}"),
                format!("{:?}", step.cluster),
            );
        }
    }
    if let Some(v) = get(&exp, "worst_case_seconds") {
        let want = v.as_u64().unwrap_or(u64::MAX);
        if step.worst_case_seconds != want {
            fail(
                "worst_case_seconds",
                want.to_string(),
                step.worst_case_seconds.to_string(),
            );
        }
    }
    if let Some(v) = get(&exp, "notes") {
        let want = v.as_str().map(str::to_string);
        if step.notes.as_deref().map(str::trim) != want.as_deref().map(str::trim) {
            fail("notes", format!("{want:?}"), format!("{:?}", step.notes));
        }
    }
    if let Some(v) = get(&exp, "whys") {
        // Each entry: "compact action => substring of its why".
        for w in strs(v) {
            let (act, why) = w.split_once(" => ").unwrap_or((&w, ""));
            match step.actions.iter().find(|a| a.compact() == act) {
                Some(a) if a.why.as_deref().unwrap_or("").contains(why) => {}
                Some(a) => fail("why", w.clone(), format!("{:?}", a.why)),
                None => fail("why (no such action)", w.clone(), format!("{actual:#?}")),
            }
        }
    }
}

pub fn helms(case: &Mapping) -> Vec<String> {
    match get(case, "helm") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(v @ Value::Sequence(_)) => strs(v),
        _ => vec!["v4".into()],
    }
}

/// One case's outcome.
#[derive(Clone, Debug, Default)]
pub struct CaseResult {
    pub label: String,
    /// One run per Helm version.
    pub runs: usize,
    pub failures: Vec<String>,
}

/// Parse a conformance file into labelled cases; every case must cite the Helm source.
pub fn parse_cases(file_name: &str, text: &str) -> Result<Vec<(String, Mapping)>, String> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| format!("{file_name}: {e}"))?;
    let mut out = Vec::new();
    for (i, c) in doc
        .as_sequence()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let m = c.as_mapping().cloned().unwrap_or_default();
        let name = get(&m, "name")
            .and_then(|n| n.as_str())
            .unwrap_or("?")
            .to_string();
        if get(&m, "cite").is_none() {
            return Err(format!(
                "{file_name} case {i} ({name}) must cite the Helm source"
            ));
        }
        out.push((format!("{file_name}#{i} {name}"), m));
    }
    Ok(out)
}

/// Simulate one case for one Helm version.
pub fn plan_case(case: &Mapping, helm: &str) -> Result<Plan, String> {
    let (sc, manifest) = scenario_for(case, helm)?;
    Ok(simulate_manifest(&sc, &manifest))
}

/// Run one case for each of its Helm versions and check every expectation.
pub fn run_case(label: &str, case: &Mapping) -> CaseResult {
    let mut res = CaseResult {
        label: label.to_string(),
        ..CaseResult::default()
    };
    for helm in helms(case) {
        let run_label = format!("{label} [{helm}]");
        let (sc, manifest) = match scenario_for(case, &helm) {
            Ok(x) => x,
            Err(e) => {
                res.failures.push(format!("{run_label}: {e}"));
                continue;
            }
        };
        let plan = simulate_manifest(&sc, &manifest);
        res.runs += 1;
        if plan.steps.len() != sc.steps.len() {
            res.failures
                .push(format!("{run_label}: one plan step per scenario step"));
        }
        let expects = get(case, "expect")
            .and_then(|e| e.as_sequence().cloned())
            .unwrap_or_default();
        for (i, e) in expects.iter().enumerate() {
            if let Some(m) = e.as_mapping() {
                check_step(&run_label, &plan, i, m, &helm, &mut res.failures);
            }
        }
        // Every hook action carries a weight and a why.
        for s in &plan.steps {
            for a in &s.actions {
                let hook_phase = a.phase.starts_with("pre-")
                    || a.phase.starts_with("post-")
                    || a.phase == "test";
                if hook_phase && (a.weight.is_none() || a.why.is_none()) {
                    res.failures.push(format!(
                        "{run_label}: hook action without weight/why: {a:?}"
                    ));
                }
            }
        }
        // The JSON form round-trips.
        match serde_json::to_string(&plan).map(|j| serde_json::from_str::<Plan>(&j)) {
            Ok(Ok(back)) if back == plan => {}
            _ => res.failures.push(format!(
                "{run_label}: the plan does not round-trip through JSON"
            )),
        }
    }
    res
}

/// Run every case of one file.
pub fn run_file(file_name: &str, text: &str) -> Result<Vec<CaseResult>, String> {
    Ok(parse_cases(file_name, text)?
        .iter()
        .map(|(label, case)| run_case(label, case))
        .collect())
}
