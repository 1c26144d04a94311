//! The SVG export of the timeline: a well-formed SVG document (checked by a real XML parser)
//! holding every step, phase and hook, with hostile text escaped.

use hookline::plan::{Action, HistoryEntry, Plan, Step};
use hookline::playground::{self, Input};

fn gallery_plan(id: &str) -> Plan {
    let ex = hookline::gallery::find(id).unwrap();
    let out = playground::run(&Input {
        files: ex.file_map(),
        scenario: ex.scenario.to_string(),
        ..Input::default()
    });
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    out.plan.unwrap()
}

fn texts(doc: &roxmltree::Document) -> String {
    doc.descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_svg_holds_every_step_phase_and_hook() {
    for id in ["backup-job", "ingress-nginx-admission", "atomic-install"] {
        let plan = gallery_plan(id);
        let svg = plan.to_svg();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{id}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let steps: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("step"))
            .collect();
        assert_eq!(steps.len(), plan.steps.len(), "{id}");
        for (step, g) in plan.steps.iter().zip(&steps) {
            let actions: Vec<(String, String, String)> = g
                .descendants()
                .filter(|n| n.attribute("class") == Some("action"))
                .map(|n| {
                    let a = |k| n.attribute(k).unwrap_or("").to_string();
                    (a("data-verb"), a("data-kind"), a("data-name"))
                })
                .collect();
            let want: Vec<(String, String, String)> = step
                .actions
                .iter()
                .map(|a| (a.verb.clone(), a.kind.clone(), a.name.clone()))
                .collect();
            assert_eq!(actions, want, "{id}: step {}", step.op);
            let phases: Vec<&str> = g
                .descendants()
                .filter_map(|n| n.attribute("data-phase"))
                .collect();
            let mut want_phases: Vec<&str> =
                step.actions.iter().map(|a| a.phase.as_str()).collect();
            want_phases.dedup();
            assert_eq!(phases, want_phases, "{id}");
        }
        let text = texts(&doc);
        for step in &plan.steps {
            for a in step.actions.iter().filter(|a| a.phase.contains('-')) {
                assert!(text.contains(&a.name), "{id}: hook {} is not shown", a.name);
            }
        }
    }
    // The seed's example: the failing backup is marked, and the step's error shown.
    let svg = gallery_plan("backup-job").to_svg();
    assert!(svg.contains("✗ FAILED"));
    assert!(svg.contains("→ failed"));
}

#[test]
fn hostile_text_is_escaped() {
    let nasty = "a<b>&c\"d'e\u{1}]]>";
    let plan = Plan {
        release: nasty.into(),
        namespace: "<ns>".into(),
        steps: vec![Step {
            op: "install".into(),
            revision: Some(1),
            status: "failed".into(),
            error: Some(format!("error </text><script>alert(1)</script> {nasty}")),
            actions: vec![Action {
                phase: "pre-install".into(),
                verb: "wait".into(),
                kind: "Job".into(),
                name: nasty.into(),
                result: Some("failed".into()),
                ..Action::default()
            }],
            history: vec![HistoryEntry {
                revision: 1,
                status: "failed".into(),
                description: String::new(),
            }],
            ..Step::default()
        }],
        ..Plan::default()
    };
    let svg = plan.to_svg();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    assert!(doc.descendants().all(|n| n.tag_name().name() != "script"));
    let text = texts(&doc);
    assert!(text.contains("a<b>&c\"d'e]]>"), "{text}");
    let action = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("action"))
        .unwrap();
    assert_eq!(action.attribute("data-name"), Some("a<b>&c\"d'e]]>"));
}

#[test]
fn an_empty_plan_is_still_a_document() {
    let svg = Plan::default().to_svg();
    roxmltree::Document::parse(&svg).expect("well-formed");
}
