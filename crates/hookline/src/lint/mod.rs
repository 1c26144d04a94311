//! `hookline lint`: the hook pitfalls Helm only reveals on a cluster, found before the chart
//! gets there (issue #8). Each rule points at the template line that causes it, explains what
//! Helm will do, and says how to fix it.
//!
//! The rules follow `shared/spec/helm-hooks.md` (sections 1-5 and 8), which cites Helm's source
//! (H3 = v3.21.4, H4 = v4.2.4). Pure: no I/O, no clock; the same code runs in the browser.
//!
//! ```
//! use std::collections::BTreeMap;
//! use hookline::chart::load_files;
//! use hookline::lint::{lint, LintOptions};
//!
//! let mut files = BTreeMap::new();
//! files.insert("Chart.yaml".to_string(), b"apiVersion: v2\nname: demo\nversion: 0.1.0\n".to_vec());
//! files.insert(
//!     "templates/hook.yaml".to_string(),
//!     b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-instal\n".to_vec(),
//! );
//! let chart = load_files(&files).unwrap();
//! let report = lint(&chart, &Default::default(), &LintOptions::default());
//! assert_eq!(report.findings[0].rule, "HL005");
//! assert!(report.has_errors());
//! ```

mod annotations;
pub use annotations::is_atoi;
pub mod format;
mod model;
mod names;
mod order;
mod policies;
mod refs;
mod workloads;

use serde::Serialize;

use crate::chart::Chart;
use crate::hooks::Hook;
use crate::plan::HelmVersion;

pub use model::Model;

/// How bad a finding is. `Error`: Helm will fail or silently do something else than the chart
/// says; `Warning`: a run can fail or hang depending on the cluster; `Info`: worth knowing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a finding is: a line of the template source (1-based line and column), or, when no
/// source line produces the offending text, the rendered document (0-based index in its file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Chart-relative template path as Helm names it (`mychart/templates/job.yaml`).
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub col: usize,
    /// The rendered document the finding is about, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}", self.file, self.line, self.col)
        } else if let Some(d) = self.document {
            write!(f, "{} (rendered document {})", self.file, d + 1)
        } else {
            f.write_str(&self.file)
        }
    }
}

/// The hook a finding is about, so a timeline can put it on the hook's card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HookRef {
    pub kind: String,
    pub name: String,
    pub path: String,
    pub index: usize,
}

impl HookRef {
    pub fn of(h: &Hook) -> HookRef {
        HookRef {
            kind: h.kind.clone(),
            name: h.name.clone(),
            path: h.doc.path.clone(),
            index: h.doc.index,
        }
    }
}

/// One problem found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `HL001` ...
    pub rule: &'static str,
    /// Short rule name (`missing-reference`).
    pub name: &'static str,
    pub severity: Severity,
    pub span: Span,
    /// One line: what is wrong.
    pub message: String,
    /// What Helm does, and why that hurts.
    pub explanation: String,
    /// How to fix it.
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<HookRef>,
}

/// A rule's identity and default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// Every rule. Severities are the usual ones; a few rules lower theirs for a specific case
/// (HL001 at pre-upgrade is `info`).
pub const RULES: &[Rule] = &[
    Rule { id: "HL000", name: "render-error", severity: Severity::Error, summary: "the chart does not render (helm install would fail before any hook runs)" },
    Rule { id: "HL001", name: "missing-reference", severity: Severity::Error, summary: "a hook refers to a ConfigMap, Secret, ServiceAccount or PVC of the release that does not exist when the hook runs" },
    Rule { id: "HL002", name: "leftover-fixed-name", severity: Severity::Warning, summary: "a delete policy without before-hook-creation can leave a fixed-name hook behind: the next run fails with \"already exists\" (or, with Helm 4 server-side apply, does not re-run)" },
    Rule { id: "HL003", name: "delete-policy-unknown", severity: Severity::Warning, summary: "a delete-policy annotation with only unknown or empty values switches the default before-hook-creation off" },
    Rule { id: "HL004", name: "name-changes-per-render", severity: Severity::Warning, summary: "a hook's name changes on every render (randAlphaNum, now, uuidv4): leftovers pile up" },
    Rule { id: "HL005", name: "unknown-hook-event", severity: Severity::Error, summary: "an unknown helm.sh/hook event: Helm silently drops the whole document" },
    Rule { id: "HL006", name: "non-integer-weight", severity: Severity::Warning, summary: "helm.sh/hook-weight is not an integer string: Helm uses 0" },
    Rule { id: "HL007", name: "non-scalar-annotation", severity: Severity::Error, summary: "an annotation value that is a list or a map: Helm fails with a YAML parse error" },
    Rule { id: "HL008", name: "equal-weight-tie", severity: Severity::Info, summary: "hooks of equal weight run in name order, not kind order as Helm's docs say" },
    Rule { id: "HL009", name: "pod-restart-policy", severity: Severity::Warning, summary: "a Pod hook with restartPolicy Always/OnFailure never fails: Helm waits until the timeout" },
    Rule { id: "HL010", name: "job-without-limits", severity: Severity::Warning, summary: "a Job hook without backoffLimit/activeDeadlineSeconds retries 6 times with back-off: Helm looks hung" },
    Rule { id: "HL011", name: "test-hook-deleted-before-logs", severity: Severity::Warning, summary: "a test hook with hook-succeeded/hook-failed under Helm 3: helm test --logs cannot find it" },
    Rule { id: "HL012", name: "crd-as-hook", severity: Severity::Warning, summary: "a CustomResourceDefinition as a hook is never deleted and never upgraded" },
    Rule { id: "HL013", name: "resource-policy-not-keep", severity: Severity::Warning, summary: "helm.sh/resource-policy with a value other than keep: neither deleted nor reported at uninstall" },
    Rule { id: "HL014", name: "rollback-runs-target-hooks", severity: Severity::Info, summary: "helm rollback runs the target revision's stored hooks, not this chart's" },
    Rule { id: "HL015", name: "post-install-needs-ready-workload", severity: Severity::Warning, summary: "a post-install/post-upgrade hook talks to the release's workload, which is not ready without --wait" },
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// How the chart will be deployed.
#[derive(Clone, Debug)]
pub struct LintOptions {
    pub release: String,
    pub namespace: String,
    pub helm: HelmVersion,
    /// Whether installs and upgrades use `--wait` (HL015).
    pub wait: bool,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// The render's limits (`--limit` on the command line).
    pub limits: crate::render::RenderLimits,
}

impl Default for LintOptions {
    fn default() -> LintOptions {
        LintOptions {
            release: "release-name".to_string(),
            namespace: "default".to_string(),
            helm: HelmVersion::V4,
            wait: false,
            kube_version: None,
            api_versions: Vec::new(),
            limits: Default::default(),
        }
    }
}

/// What lint found, in source order (file, line, rule).
#[derive(Clone, Debug, Default, Serialize)]
pub struct LintReport {
    pub chart: String,
    pub helm: String,
    pub findings: Vec<Finding>,
}

impl LintReport {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// The findings about one hook (for its card in a timeline).
    pub fn for_hook(&self, kind: &str, name: &str) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| {
                f.hook
                    .as_ref()
                    .is_some_and(|h| h.kind == kind && h.name == name)
            })
            .collect()
    }
}

/// Lint a loaded chart with the given user values. Pure: renders the chart (twice, with two
/// seeds and clocks, to find names that change per render) and checks the result.
pub fn lint(chart: &Chart, user_values: &gotemplate::Map, opts: &LintOptions) -> LintReport {
    let mut findings = Vec::new();
    match Model::build(chart, user_values, opts) {
        Ok(model) => {
            findings.extend(model.head_findings.iter().cloned());
            annotations::check(&model, &mut findings);
            refs::check(&model, &mut findings);
            policies::check(&model, &mut findings);
            names::check(&model, &mut findings);
            order::check(&model, &mut findings);
            workloads::check(&model, &mut findings);
        }
        Err(f) => findings.push(*f),
    }
    crate::stable_sort::sort_by(&mut findings, |a, b| {
        (
            &a.span.file,
            a.span.line,
            a.span.document,
            a.rule,
            &a.message,
        )
            .cmp(&(
                &b.span.file,
                b.span.line,
                b.span.document,
                b.rule,
                &b.message,
            ))
    });
    findings.dedup();
    LintReport {
        chart: chart.name().to_string(),
        helm: opts.helm.as_str().to_string(),
        findings,
    }
}
