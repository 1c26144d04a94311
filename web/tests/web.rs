#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn core_plans_in_wasm() {
    let json = hookline_web::plan_manifest_json(hookline_web::EXAMPLE, "v4").unwrap();
    assert!(json.contains("\"op\":\"install\""), "{json}");
}

#[wasm_bindgen_test]
fn equal_weights_are_ordered_by_name_in_wasm() {
    let doc = |n: &str| {
        format!(
            "kind: Job\nmetadata:\n  name: {n}\n  annotations:\n    helm.sh/hook: pre-install\n"
        )
    };
    let text = [doc("zeta"), doc("alpha"), doc("mid")].join("---\n");
    let plan = hookline_web::plan_manifest(&text, hookline::HelmVersion::V4).unwrap();
    let creates: Vec<&str> = plan.steps[0]
        .actions
        .iter()
        .filter(|a| a.verb == "create")
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(creates, ["alpha", "mid", "zeta"]);
}
