//! Lint reports as text, JSON and SARIF 2.1.0.

use serde_json::{json, Value as Json};

use super::{LintReport, RULES};

/// `path:line:col: severity[HL001] message`, then the explanation and the fix, indented.
pub fn text(r: &LintReport) -> String {
    let mut s = String::new();
    for f in &r.findings {
        s.push_str(&format!(
            "{}: {}[{}] {}\n    why: {}\n    fix: {}\n",
            f.span,
            f.severity.as_str(),
            f.rule,
            f.message,
            f.explanation,
            f.fix
        ));
    }
    s.push_str(&format!(
        "{}: {} error(s), {} warning(s), {} info (Helm {})\n",
        r.chart,
        r.count(super::Severity::Error),
        r.count(super::Severity::Warning),
        r.count(super::Severity::Info),
        r.helm
    ));
    s
}

pub fn json(r: &LintReport) -> String {
    serde_json::to_string_pretty(r)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
        + "\n"
}

/// SARIF 2.1.0, for code-scanning UIs.
pub fn sarif(r: &LintReport) -> String {
    let rules: Vec<Json> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "defaultConfiguration": {"level": level(rule.severity)},
            })
        })
        .collect();
    let results: Vec<Json> = r
        .findings
        .iter()
        .map(|f| {
            let mut region = serde_json::Map::new();
            if f.span.line > 0 {
                region.insert("startLine".into(), json!(f.span.line));
                region.insert("startColumn".into(), json!(f.span.col.max(1)));
            }
            let mut loc = json!({"physicalLocation": {"artifactLocation": {"uri": f.span.file}}});
            if !region.is_empty() {
                loc["physicalLocation"]["region"] = Json::Object(region);
            }
            json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{} {} Fix: {}", f.message, f.explanation, f.fix)},
                "locations": [loc],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "hookline", "informationUri": "https://example.invalid/hookline", "rules": rules}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn level(s: super::Severity) -> &'static str {
    match s {
        super::Severity::Error => "error",
        super::Severity::Warning => "warning",
        super::Severity::Info => "note",
    }
}
