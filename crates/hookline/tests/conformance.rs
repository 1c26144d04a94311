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

use hookline::lifecycle::conformance;
use hookline::{simulate_manifest, Scenario};

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

fn load_files() -> Vec<(String, String)> {
    let dir = conformance_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(f).expect("readable case file"),
            )
        })
        .collect()
}

fn load_cases() -> Vec<(String, serde_yaml::Mapping)> {
    load_files()
        .iter()
        .flat_map(|(name, text)| conformance::parse_cases(name, text).expect("case file parses"))
        .collect()
}

#[test]
fn conformance_table() {
    let mut cases = 0;
    let mut runs = 0;
    let mut failures = Vec::new();
    for (name, text) in load_files() {
        for r in conformance::run_file(&name, &text).expect("case file parses") {
            cases += 1;
            runs += r.runs;
            failures.extend(r.failures);
        }
    }
    println!("{cases} cases, {runs} runs");
    assert!(cases >= 40, "the table has {cases} cases");
    if !failures.is_empty() {
        panic!("{} failure(s):\n{}", failures.len(), failures.join("\n"));
    }
}

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
        for helm in conformance::helms(&case) {
            let plan = conformance::plan_case(&case, &helm).expect("case");
            let v = serde_json::to_value(&plan).expect("serializes");
            for e in schema_errors(&v, &schema, &schema, "plan") {
                errs.push(format!("{label} [{helm}]: {e}"));
            }
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

/// The wasm run (web/tests/conformance_wasm.rs) must include every case file.
#[test]
fn the_wasm_run_lists_every_case_file() {
    let wasm = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/tests/conformance_wasm.rs");
    let Ok(text) = std::fs::read_to_string(wasm) else {
        return;
    };
    for (name, _) in load_files() {
        assert!(
            text.contains(&format!("tests/conformance/{name}")),
            "web/tests/conformance_wasm.rs does not include {name}"
        );
    }
}

/// Huge timeouts saturate instead of overflowing.
#[test]
fn worst_case_saturates() {
    let sc = Scenario::parse(
        "steps:\n  - op: install\n    timeout: 18446744073709551615\n    flags: [wait]\n",
    )
    .expect("scenario");
    let m = "kind: Job\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: pre-install,post-install\n---\nkind: ConfigMap\nmetadata:\n  name: c\n";
    let plan = simulate_manifest(&sc, m);
    assert_eq!(plan.steps[0].worst_case_seconds, u64::MAX);
}
