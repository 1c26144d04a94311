//! The worker's answers in the core's packed text ([`hookline::packed`]); the tests here check
//! that every type the page receives comes back as it went.

pub use hookline::packed::{from_str, to_string};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::FindingView;
    use crate::model::{Computed, Diag, HookInfo};
    use crate::worker::Answer;
    use hookline::{Action, HelmVersion, HistoryEntry, Plan, Step};

    fn roundtrip(a: &Answer) -> Answer {
        from_str(&to_string(a).unwrap()).unwrap()
    }

    /// Every field of every type in an answer, set and left empty, comes back as it went.
    #[test]
    fn answers_come_back_as_they_went() {
        let action = Action {
            phase: "pre-install".into(),
            verb: "create".into(),
            kind: "Job".into(),
            name: "db-init: ünïcode; 3:x ~ns".into(),
            weight: Some(-5),
            why: Some("".into()),
            result: None,
            reason: Some("r".into()),
            error: Some("e\n".into()),
            at_ms: Some(u64::MAX),
        };
        let step = Step {
            op: "install".into(),
            revision: Some(3),
            status: "deployed".into(),
            error: None,
            actions: vec![action.clone(), Action::default()],
            cluster: vec!["ConfigMap/x".into(), String::new()],
            history: vec![
                HistoryEntry {
                    revision: 1,
                    status: "superseded".into(),
                    description: String::new(),
                },
                HistoryEntry {
                    revision: 2,
                    status: "deployed".into(),
                    description: "Upgrade complete".into(),
                },
            ],
            notes: Some("notes".into()),
            worst_case_seconds: 600,
        };
        let plan = Plan {
            release: "r".into(),
            namespace: "ns".into(),
            helm: HelmVersion::V4,
            steps: vec![step.clone(), Step::default()],
        };
        let mut hooks = std::collections::BTreeMap::new();
        hooks.insert(
            ("Job".to_string(), "a".to_string()),
            HookInfo {
                policies: vec!["hook-succeeded".into()],
                default_policy: true,
                path: "templates/a.yaml".into(),
            },
        );
        hooks.insert(("Pod".into(), String::new()), HookInfo::default());
        let computed = Computed {
            plan: Some(plan.clone()),
            rendered: vec![hookline::playground::RenderedFileView {
                path: "templates/a.yaml".into(),
                content: "kind: Job\n".into(),
            }],
            diagnostics: vec![Diag {
                file: "values".into(),
                line: 2,
                col: 0,
                message: "m".into(),
            }],
            hooks,
            millis: 12,
            stopped: Some("s".into()),
        };
        let finding = FindingView {
            rule: "HL002".into(),
            name: "n".into(),
            severity: "warning".into(),
            file: "f".into(),
            line: 1,
            col: 2,
            message: "m".into(),
            explanation: "x".into(),
            fix: "y".into(),
            hook: Some(("Job".into(), "a".into())),
        };
        for a in [
            Answer::Computed(computed),
            Answer::Computed(Computed::default()),
            Answer::Compared(Some(plan.clone()), None),
            Answer::Compared(None, Some(Plan::default())),
            Answer::Linted(vec![
                finding.clone(),
                FindingView {
                    hook: None,
                    ..finding
                },
            ]),
            Answer::Linted(vec![]),
            Answer::LintFailed("the second module did not load".into()),
        ] {
            assert_eq!(roundtrip(&a), a);
        }
    }

    #[test]
    fn damaged_text_is_an_error() {
        let text = to_string(&Answer::Compared(Some(Plan::default()), None)).unwrap();
        for end in 0..text.len() {
            assert!(from_str::<Answer>(&text[..end]).is_err(), "cut at {end}");
        }
        assert!(from_str::<Answer>(&format!("{text}x")).is_err());
        assert!(from_str::<Answer>("9;").is_err());
        assert!(from_str::<Answer>("2;99999999999:").is_err());
    }
}
