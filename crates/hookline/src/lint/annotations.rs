//! HL005 unknown hook events, HL006 non-integer weights (HL007, annotations Helm cannot decode,
//! is found while splitting, in `model.rs`).
//!
//! Helm: `manifest_sorter.go:139-234` (H3 `pkg/releaseutil`, H4 `pkg/release/v1/util`): the
//! `helm.sh/hook` value is split on commas, trimmed and lower-cased; one unknown token drops the
//! whole document (logged at info level only). The weight is `strconv.Atoi` of the annotation,
//! 0 on any error.

use super::model::Model;
use super::{Finding, Severity};
use crate::hooks::{HookEvent, HOOK_ANNOTATION, WEIGHT_ANNOTATION};

/// Go's `strconv.Atoi` accepts the text (optional sign, ASCII digits, fits in int64).
pub fn is_atoi(raw: &str) -> bool {
    let (neg, digits) = match raw.as_bytes().first() {
        Some(b'+') => (false, &raw[1..]),
        Some(b'-') => (true, &raw[1..]),
        _ => (false, raw),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = v * 10 + i128::from(b - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return false;
        }
    }
    neg || v <= i128::from(i64::MAX)
}

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for d in &m.dropped {
        let raw = d
            .annotations
            .get(HOOK_ANNOTATION)
            .cloned()
            .unwrap_or_default();
        let unknown: Vec<String> = raw
            .split(',')
            .filter(|t| HookEvent::parse(t).is_none())
            .map(|t| format!("{:?}", t.trim()))
            .collect();
        let known: Vec<&str> = raw
            .split(',')
            .filter_map(HookEvent::parse)
            .map(|e| e.as_str())
            .collect();
        let mut message = format!(
            "{}/{}: helm.sh/hook {raw:?} has unknown event {}: Helm drops the whole document",
            d.kind,
            d.name,
            unknown.join(", ")
        );
        if !known.is_empty() {
            message.push_str(&format!(
                " (its valid events {} are lost too)",
                known.join(", ")
            ));
        }
        let mut fix =
            "Use only pre-install, post-install, pre-upgrade, post-upgrade, pre-rollback, \
                       post-rollback, pre-delete, post-delete or test, separated by commas."
                .to_string();
        if raw.to_lowercase().contains("crd-install") {
            fix.push_str(
                " crd-install is Helm 2: move the CRD to the chart's crds/ directory \
                 (installed before the templates, never templated).",
            );
        }
        if raw.trim().is_empty() {
            fix.push_str(" An empty value is an unknown event too: remove the annotation to make the document a regular resource.");
        }
        out.push(Finding {
            rule: "HL005",
            name: "unknown-hook-event",
            severity: Severity::Error,
            span: m.span(d, &[HOOK_ANNOTATION]),
            message,
            explanation: "Helm splits helm.sh/hook on commas and looks each token up; one unknown \
                          token and the document becomes neither a hook nor a resource: it is not \
                          installed, not listed by helm template, and Helm only logs \"skipping \
                          unknown hooks\" at info level (manifest_sorter.go:187-201)."
                .to_string(),
            fix,
            hook: None,
        });
    }
    for h in &m.hooks {
        let Some(raw) = &h.weight_raw else { continue };
        if is_atoi(raw) {
            continue;
        }
        out.push(Finding {
            rule: "HL006",
            name: "non-integer-weight",
            severity: Severity::Warning,
            span: m.span(&h.doc, &[WEIGHT_ANNOTATION]),
            message: format!(
                "{}/{}: helm.sh/hook-weight {raw:?} is not an integer: Helm uses weight 0",
                h.kind, h.name
            ),
            explanation: "Helm reads the weight with Go's strconv.Atoi and silently uses 0 when \
                          that fails: decimals, spaces, words and empty strings all become 0 \
                          (manifest_sorter.go:224-234), which changes the order the hooks run in."
                .to_string(),
            fix: format!(
                "Write an integer as a quoted string, e.g. helm.sh/hook-weight: \"{}\" (no spaces; \
                 use `| trim | quote` when it comes from a value).",
                raw.trim().split('.').next().filter(|s| is_atoi(s)).unwrap_or("0")
            ),
            hook: Model::hook_ref(h),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::is_atoi;

    #[test]
    fn atoi() {
        for ok in [
            "0",
            "5",
            "-5",
            "+5",
            "007",
            "9223372036854775807",
            "-9223372036854775808",
        ] {
            assert!(is_atoi(ok), "{ok}");
        }
        for bad in [
            "",
            " 5",
            "5 ",
            "1.5",
            "abc",
            "+",
            "-",
            "9223372036854775808",
            "1_0",
        ] {
            assert!(!is_atoi(bad), "{bad}");
        }
    }
}
