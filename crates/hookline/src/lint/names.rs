//! HL004: a hook whose name changes on every render (`randAlphaNum`, `now`, `uuidv4`, ...).
//! Found by rendering the chart twice with different seeds and clocks and comparing names.
//!
//! Helm deletes hooks by the name in the *current* manifest (`before-hook-creation`,
//! H4 `hooks.go:35-165`), so objects created under earlier names are never deleted.

use super::model::Model;
use super::{Finding, Severity};
use crate::hooks::DeletePolicy;

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for h in &m.hooks {
        let Some(other) = m.second_names.get(&(h.doc.path.clone(), h.doc.index)) else {
            continue;
        };
        if *other == h.name {
            continue;
        }
        let cleaned =
            h.has_policy(&DeletePolicy::HookSucceeded) && h.has_policy(&DeletePolicy::HookFailed);
        let needles: Vec<&str> = [
            "randAlphaNum",
            "randAlpha",
            "randNumeric",
            "randAscii",
            "uuidv4",
            "now",
            "date",
            "name:",
        ]
        .to_vec();
        let span = m.span(&h.doc, &needles);
        out.push(Finding {
            rule: "HL004",
            name: "name-changes-per-render",
            severity: if cleaned { Severity::Info } else { Severity::Warning },
            span,
            message: format!(
                "{} hook name changes on every render ({:?}, then {:?})",
                h.kind, h.name, other
            ),
            explanation: if cleaned {
                "Each run creates a new object; hook-succeeded and hook-failed delete it when the hook finishes, but a run interrupted before that (helm killed, the hook never finishing) leaves one behind that before-hook-creation will never find. Argo CD also shows such charts as always OutOfSync.".to_string()
            } else {
                "before-hook-creation deletes the object with the name of this render, so the objects of earlier runs (other names) are never deleted: one more is left behind after every install and upgrade. Argo CD also shows such charts as always OutOfSync.".to_string()
            },
            fix: "Use a deterministic name (e.g. include the release name and .Release.Revision), and delete policies before-hook-creation,hook-succeeded.".to_string(),
            hook: Model::hook_ref(h),
        });
    }
}
