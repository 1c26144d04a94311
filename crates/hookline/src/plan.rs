//! The plan: what Helm does, step by step, and its human-readable renderings.
//!
//! The JSON shape is documented in `docs/plan.schema.json` (issue #5).

use serde::{Deserialize, Serialize};

use crate::manifest::SortedManifests;

/// Which Helm's semantics to follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HelmVersion {
    V3,
    #[default]
    V4,
}

impl HelmVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            HelmVersion::V3 => "v3",
            HelmVersion::V4 => "v4",
        }
    }

    pub fn parse(s: &str) -> Option<HelmVersion> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v3" | "3" | "helm3" => Some(HelmVersion::V3),
            "v4" | "4" | "helm4" => Some(HelmVersion::V4),
            _ => None,
        }
    }
}

/// One thing Helm does to one object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// crds, pre-install, install, post-install, pre-upgrade, upgrade, post-upgrade,
    /// pre-rollback, rollback, post-rollback, pre-delete, uninstall, post-delete, test.
    pub phase: String,
    /// Hooks: delete, create, update (v4 server-side apply of an existing object), wait, logs.
    /// Resources: create, update, delete, keep, wait. CRDs: create, skip, update, wait.
    pub verb: String,
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// For waits: succeeded, failed, timeout, ready, not-ready, interrupted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// For deletes and keeps: the policy or rule (before-hook-creation, hook-succeeded,
    /// hook-failed, cleanup-on-fail, removed-from-chart, resource-policy, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The API error when the call itself fails (e.g. "already exists").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// On a real cluster (`hookline run`): when the action finished, in milliseconds since
    /// the run started. Absent in simulations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
}

impl Action {
    /// `phase verb Kind/name [result] [reason] [error]`, the compact form the conformance
    /// table uses.
    pub fn compact(&self) -> String {
        let mut s = format!("{} {} {}/{}", self.phase, self.verb, self.kind, self.name);
        if let Some(r) = &self.result {
            s.push(' ');
            s.push_str(r);
        }
        if let Some(r) = &self.reason {
            s.push(' ');
            s.push_str(r);
        }
        if self.error.is_some() {
            s.push_str(" error");
        }
        s
    }
}

/// A stored revision as `helm history` would list it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub revision: u32,
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// One operation of the scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub op: String,
    /// The revision this step wrote first (null when it wrote none).
    pub revision: Option<u32>,
    /// The status of `revision` after the step; `purged` when the history was removed; when
    /// the step wrote nothing, the status of the newest stored revision (or `none`).
    pub status: String,
    pub error: Option<String>,
    pub actions: Vec<Action>,
    /// Every object present after the step, sorted: `Kind/name` or `Kind/namespace/name`.
    pub cluster: Vec<String>,
    /// The complete stored history after the step, oldest first.
    pub history: Vec<HistoryEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// How long Helm could block in this step, summing every per-wait timeout.
    pub worst_case_seconds: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub release: String,
    pub namespace: String,
    pub helm: HelmVersion,
    pub steps: Vec<Step>,
}

/// Plan one `helm install` of already split manifests (the walking skeleton's entry point,
/// kept for the web page): a one-step scenario run through the lifecycle simulator.
pub fn plan_install(sorted: &SortedManifests, helm: HelmVersion) -> Plan {
    let scenario = crate::scenario::Scenario {
        helm,
        ..crate::scenario::Scenario::default()
    };
    let mut render = crate::lifecycle::FixedRender::from_sorted(sorted.clone());
    crate::lifecycle::simulate(&scenario, &mut render)
}

fn phase_title(phase: &str) -> &str {
    phase
}

fn describe(a: &Action) -> String {
    let mut line = String::new();
    if let ("wait", Some(r)) = (a.verb.as_str(), &a.result) {
        line.push_str(&format!("→ {r}"));
    }
    if let Some(r) = &a.reason {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&format!("({r})"));
    }
    if let Some(e) = &a.error {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&format!("✗ {e}"));
    }
    line
}

/// The result column of the Markdown table: result, reason, error.
fn md_result(a: &Action) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &a.result {
        parts.push(match r.as_str() {
            "succeeded" | "ready" => format!("✅ {r}"),
            "failed" | "timeout" | "not-ready" => format!("❌ {r}"),
            _ => format!("⚠️ {r}"),
        });
    }
    if let Some(r) = &a.reason {
        parts.push(format!("_{r}_"));
    }
    if let Some(e) = &a.error {
        parts.push(format!("❌ `{}`", e.replace('`', "'")));
    }
    parts.join(" ")
}

fn history_line(h: &[HistoryEntry]) -> String {
    if h.is_empty() {
        return "(empty)".into();
    }
    h.iter()
        .map(|e| format!("{}:{}", e.revision, e.status))
        .collect::<Vec<_>>()
        .join("  ")
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

impl Plan {
    /// A plain-text timeline for terminals.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "Release {:?} in namespace {:?} — Helm {} semantics\n",
            self.release,
            self.namespace,
            self.helm.as_str()
        );
        for (i, step) in self.steps.iter().enumerate() {
            let rev = step
                .revision
                .map(|r| format!("revision {r}"))
                .unwrap_or_else(|| "nothing written; release".into());
            s.push_str(&format!(
                "\nStep {}: helm {} → {} {}{}\n",
                i + 1,
                step.op,
                rev,
                step.status,
                if step.error.is_some() {
                    "  ✗ FAILED"
                } else {
                    ""
                }
            ));
            let mut phase = "";
            for a in &step.actions {
                if a.phase != phase {
                    phase = &a.phase;
                    s.push_str(&format!("  [{}]\n", phase_title(phase)));
                }
                let obj = format!("{}/{}", a.kind, a.name);
                let mut line = format!("    {:<7} {:<40}", a.verb, obj);
                if let Some(w) = a.weight {
                    line.push_str(&format!(" w={w:<4}"));
                }
                let d = describe(a);
                if !d.is_empty() {
                    line.push(' ');
                    line.push_str(&d);
                }
                s.push_str(line.trim_end());
                s.push('\n');
                if let Some(w) = &a.why {
                    s.push_str(&format!("            why: {w}\n"));
                }
            }
            if step.actions.is_empty() {
                s.push_str("    (no cluster actions)\n");
            }
            if let Some(e) = &step.error {
                s.push_str(&format!("  error: {}\n", e.replace('\n', "\n         ")));
            }
            if let Some(n) = &step.notes {
                s.push_str(&format!(
                    "  notes: {}\n",
                    n.trim().replace('\n', "\n         ")
                ));
            }
            s.push_str(&format!(
                "  cluster: {}\n",
                if step.cluster.is_empty() {
                    "(nothing)".to_string()
                } else {
                    step.cluster.join(", ")
                }
            ));
            s.push_str(&format!("  history: {}\n", history_line(&step.history)));
            s.push_str(&format!(
                "  worst case: {}s of waiting\n",
                step.worst_case_seconds
            ));
        }
        s
    }

    /// One sentence: how many steps ran, which failed, how the release ends.
    pub fn summary(&self) -> String {
        let failed: Vec<String> = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.error.is_some())
            .map(|(i, s)| format!("step {} ({})", i + 1, s.op))
            .collect();
        let last = self
            .steps
            .last()
            .map(|s| s.status.as_str())
            .unwrap_or("none");
        if failed.is_empty() {
            format!("{} step(s) ran; the release ends {last}.", self.steps.len())
        } else {
            format!(
                "{} step(s); {} failed; the release ends {last}.",
                self.steps.len(),
                failed.join(", ")
            )
        }
    }

    /// The Markdown for a pull-request comment, as the playground copies it and
    /// `hookline plan --format markdown` prints it: the tables, the summary and, when the plan
    /// came from a share link, the link.
    pub fn to_review_markdown(&self, link: Option<&str>) -> String {
        let mut s = format!(
            "{}

{}
",
            self.to_markdown().trim_end(),
            self.summary()
        );
        if let Some(link) = link {
            s.push_str(&format!("\n[Open this plan in Hookline]({link})\n"));
        }
        s
    }

    /// Markdown: a heading and a table per step, suitable for a PR comment.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "## Hookline plan: release `{}` in `{}` (Helm {})\n",
            self.release,
            self.namespace,
            self.helm.as_str()
        );
        for (i, step) in self.steps.iter().enumerate() {
            let rev = step
                .revision
                .map(|r| format!("revision {r}"))
                .unwrap_or_else(|| "nothing written; release".into());
            s.push_str(&format!(
                "\n### Step {}: `helm {}` → {} **{}**{}\n\n",
                i + 1,
                step.op,
                rev,
                step.status,
                if step.error.is_some() { " ❌" } else { " ✅" }
            ));
            if step.actions.is_empty() {
                s.push_str("_No cluster actions._\n");
            } else {
                s.push_str("| # | phase | action | object | weight | result | why |\n");
                s.push_str("|---|---|---|---|---|---|---|\n");
                for (n, a) in step.actions.iter().enumerate() {
                    s.push_str(&format!(
                        "| {} | {} | {} | `{}/{}` | {} | {} | {} |\n",
                        n + 1,
                        a.phase,
                        a.verb,
                        a.kind,
                        a.name,
                        a.weight.map(|w| w.to_string()).unwrap_or_default(),
                        md_escape(&md_result(a)),
                        md_escape(a.why.as_deref().unwrap_or("")),
                    ));
                }
            }
            if let Some(e) = &step.error {
                s.push_str(&format!("\n**Error:** `{}`\n", e.replace('\n', " ")));
            }
            if let Some(n) = &step.notes {
                s.push_str(&format!("\n**Notes:** {}\n", md_escape(n.trim())));
            }
            s.push_str(&format!(
                "\n**Cluster after:** {}  \n**History:** {}  \n**Worst case:** {}s\n",
                if step.cluster.is_empty() {
                    "_nothing_".to_string()
                } else {
                    step.cluster
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                history_line(&step.history),
                step.worst_case_seconds
            ));
        }
        s
    }
}
