//! The conformance table: every `tests/conformance/*.yaml` case (repository root) is a chart
//! (a rendered manifest, or shorthand objects), a scenario and the expected plan (or the
//! expected parts of it), each citing the Helm source lines it follows.
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
//!     - actions: ["pre-install create Job/x", ...]   # exact, compact form
//!       actions_has: [...]    # each must appear
//!       status: deployed
//!       revision: 1
//!       error: "..."          # exact; or error_contains
//!       history: ["1 deployed"]
//!       cluster: ["Job/x"]
//!       worst_case_seconds: 300
//!       notes: "..."
//!       v3: {...}             # overrides for one Helm version
//! ```

use std::path::{Path, PathBuf};

use hookline::{simulate_manifest, Plan, Scenario};
use serde_yaml::{Mapping, Value};

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

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
pub fn shorthand_doc(spec: &str) -> String {
    let mut parts = spec.split_whitespace();
    let obj = parts.next().unwrap_or("ConfigMap/x");
    let (kind, name) = obj.split_once('/').unwrap_or(("ConfigMap", obj));
    let mut path = "all.yaml".to_string();
    let mut ns = None;
    let mut ann: Vec<(String, String)> = Vec::new();
    let mut v = "1".to_string();
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
            other => panic!("unknown shorthand key {other} in {spec:?}"),
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
    s
}

fn objects_manifest(v: &Value) -> String {
    let items = v.as_sequence().cloned().unwrap_or_default();
    items
        .iter()
        .map(|i| shorthand_doc(i.as_str().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("---\n")
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
fn scenario_for(case: &Mapping, helm: &str) -> (Scenario, String) {
    let manifest = match (get(case, "manifest"), get(case, "objects")) {
        (Some(m), _) => m.as_str().unwrap_or_default().to_string(),
        (None, Some(o)) => objects_manifest(o),
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
                    m.insert("manifest".into(), Value::String(objects_manifest(&o)));
                }
            }
        }
    }
    let scenario = Scenario::from_yaml(&Value::Mapping(sc)).expect("scenario parses");
    (scenario, manifest)
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

fn load_cases() -> Vec<(String, Mapping)> {
    let dir = conformance_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable case file");
        let doc: Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let fname = f.file_name().unwrap().to_string_lossy().into_owned();
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
            assert!(
                get(&m, "cite").is_some(),
                "{fname} case {i} ({name}) must cite the Helm source"
            );
            out.push((format!("{fname}#{i} {name}"), m));
        }
    }
    out
}

fn helms(case: &Mapping) -> Vec<String> {
    match get(case, "helm") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(v @ Value::Sequence(_)) => strs(v),
        _ => vec!["v4".into()],
    }
}

#[test]
fn conformance_table() {
    let cases = load_cases();
    assert!(cases.len() >= 40, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    let mut runs = 0;
    for (label, case) in &cases {
        for helm in helms(case) {
            let (sc, manifest) = scenario_for(case, &helm);
            let plan = simulate_manifest(&sc, &manifest);
            runs += 1;
            let label = format!("{label} [{helm}]");
            let expects = get(case, "expect")
                .and_then(|e| e.as_sequence().cloned())
                .unwrap_or_default();
            assert_eq!(
                plan.steps.len(),
                sc.steps.len(),
                "{label}: one plan step per scenario step"
            );
            for (i, e) in expects.iter().enumerate() {
                if let Some(m) = e.as_mapping() {
                    check_step(&label, &plan, i, m, &helm, &mut failures);
                }
            }
            // Every hook action carries a weight and a why.
            for s in &plan.steps {
                for a in &s.actions {
                    let hook_phase = a.phase.starts_with("pre-")
                        || a.phase.starts_with("post-")
                        || a.phase == "test";
                    if hook_phase && (a.weight.is_none() || a.why.is_none()) {
                        failures.push(format!("{label}: hook action without weight/why: {a:?}"));
                    }
                }
            }
            // JSON round trip.
            let json = serde_json::to_string(&plan).expect("plan serializes");
            let back: Plan = serde_json::from_str(&json).expect("plan deserializes");
            assert_eq!(back, plan);
        }
    }
    println!("{} cases, {runs} runs", cases.len());
    if !failures.is_empty() {
        panic!("{} failure(s):\n{}", failures.len(), failures.join("\n"));
    }
}

/// Values carried between steps, as the renderer sees them: upgrade without values reuses the
/// current release's values; --reuse-values merges new values over them; --reset-values drops
/// them (H4 pkg/action/upgrade.go:600-647, reuseValues). Also .Release.Revision/IsInstall/
/// IsUpgrade (H4 install.go:358-363: installs render with Revision 1; upgrade.go:286-295).
#[test]
fn values_are_carried_between_steps() {
    use hookline::{simulate, RenderOutput, RenderRequest};
    let sc = Scenario::parse(
        r#"
steps:
  - op: install
    values: {a: 1}
    set: ["x=1"]
  - op: upgrade
  - op: upgrade
    set: ["y=2"]
  - op: upgrade
    flags: [reuse-values]
    set: ["z=3"]
  - op: upgrade
    flags: [reset-values]
  - op: rollback
  - op: uninstall
    flags: [keep-history]
  - op: upgrade
    flags: [install]
    set: ["w=4"]
"#,
    )
    .expect("scenario");
    let mut seen: Vec<(usize, u32, bool, bool, serde_json::Value)> = Vec::new();
    let mut render = |req: &RenderRequest<'_>| -> Result<RenderOutput, String> {
        seen.push((
            req.step,
            req.revision,
            req.is_install,
            req.is_upgrade,
            req.values.clone(),
        ));
        Ok(RenderOutput::default())
    };
    let plan = simulate(&sc, &mut render);
    for s in &plan.steps {
        assert_eq!(s.error, None, "{s:?}");
    }
    use serde_json::json;
    assert_eq!(
        seen,
        vec![
            (0, 1, true, false, json!({"a": 1, "x": 1})),
            (1, 2, false, true, json!({"a": 1, "x": 1})),
            (2, 3, false, true, json!({"y": 2})),
            (3, 4, false, true, json!({"y": 2, "z": 3})),
            (4, 5, false, true, json!({})),
            (7, 1, true, false, json!({"w": 4})),
        ]
    );
    assert_eq!(plan.steps[7].revision, Some(7));
}

/// A renderer error is Helm's render failure: no record is stored.
#[test]
fn render_errors_store_nothing() {
    use hookline::{simulate, RenderOutput, RenderRequest};
    let sc = Scenario::default();
    let mut render = |_: &RenderRequest<'_>| -> Result<RenderOutput, String> {
        Err("template: chart/templates/x.yaml:1: function \"nope\" not defined".into())
    };
    let plan = simulate(&sc, &mut render);
    assert_eq!(plan.steps[0].history, vec![]);
    assert!(plan.steps[0].error.as_deref().unwrap().contains("nope"));
}

/// Garbage in never panics: arbitrary manifests and scenarios give plans or errors.
#[test]
fn no_panics_on_odd_input() {
    let manifests = [
        "",
        "---\n---\n",
        "kind: [\n",
        "- a\n- b\n",
        "metadata: 5\n",
        "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: ','\n",
        "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: '99999999999999999999'\n",
        "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/hook: test,test,test\n    helm.sh/hook-delete-policy: ',,'\n",
    ];
    let scenarios = [
        "",
        "steps: []",
        "steps:\n  - op: rollback\n    revision: 99999999999\n  - op: test\n  - op: uninstall\n",
        "steps:\n  - op: install\n    timeout: 0s\n    flags: [atomic, no-hooks, wait]\n  - op: upgrade\n    flags: [atomic, install, reuse-values, reset-values]\n  - op: rollback\n    revision: 0\n  - op: rollback\n  - op: test\n    filter: ['!name=p', 'name=p']\n  - op: uninstall\n  - op: uninstall\n",
        "helm: v3\ncluster: [Job/j, Pod/p, {object: Job/default/j, owner: x, result: failed}]\nsteps:\n  - op: install\n    outcomes: {Job/j: interrupted, 'test:Pod/p': create-error}\n  - op: upgrade\n  - op: rollback\n  - op: test\n",
    ];
    for m in manifests {
        for s in scenarios {
            for helm in ["v3", "v4"] {
                let Ok(mut sc) = Scenario::parse(s) else {
                    continue;
                };
                sc.helm = hookline::HelmVersion::parse(helm).unwrap();
                let plan = simulate_manifest(&sc, m);
                assert_eq!(plan.steps.len(), sc.steps.len());
                let _ = plan.to_text();
                let _ = plan.to_markdown();
            }
        }
    }
}

/// A small JSON-schema checker (type, enum, required, properties, additionalProperties,
/// items, $ref) — enough for docs/plan.schema.json.
fn schema_errors(
    v: &serde_json::Value,
    s: &serde_json::Value,
    root: &serde_json::Value,
    at: &str,
) -> Vec<String> {
    use serde_json::Value as J;
    let mut errs = Vec::new();
    if let Some(r) = s.get("$ref").and_then(|r| r.as_str()) {
        let name = r.trim_start_matches("#/$defs/");
        return schema_errors(v, &root["$defs"][name], root, at);
    }
    if let Some(e) = s.get("enum").and_then(|e| e.as_array()) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in {e:?}"));
        }
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            J::String(s) => vec![s.as_str()],
            J::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "null" => v.is_null(),
            _ => true,
        });
        if !ok {
            errs.push(format!("{at}: {v} is not {types:?}"));
        }
    }
    if let (J::Object(m), Some(props)) = (v, s.get("properties").and_then(|p| p.as_object())) {
        for r in s
            .get("required")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            if !m.contains_key(r.as_str().unwrap_or_default()) {
                errs.push(format!("{at}: missing {r}"));
            }
        }
        for (k, val) in m {
            match props.get(k) {
                Some(ps) => errs.extend(schema_errors(val, ps, root, &format!("{at}.{k}"))),
                None => errs.push(format!("{at}: unexpected property {k}")),
            }
        }
    }
    if let (J::Array(items), Some(is)) = (v, s.get("items")) {
        for (i, x) in items.iter().enumerate() {
            errs.extend(schema_errors(x, is, root, &format!("{at}[{i}]")));
        }
    }
    errs
}

/// Every plan of the conformance table matches docs/plan.schema.json.
#[test]
fn plans_match_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/plan.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).expect("json");
    let mut errs = Vec::new();
    for (label, case) in load_cases() {
        for helm in helms(&case) {
            let (sc, manifest) = scenario_for(&case, &helm);
            let plan = simulate_manifest(&sc, &manifest);
            let v = serde_json::to_value(&plan).expect("serializes");
            for e in schema_errors(&v, &schema, &schema, "plan") {
                errs.push(format!("{label} [{helm}]: {e}"));
            }
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}
