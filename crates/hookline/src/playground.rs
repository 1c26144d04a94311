//! The one call the playground (and any other front end) makes: a chart or a manifest, the
//! settings and a scenario in; the plan, the rendered files and diagnostics out.
//!
//! This is the thin facade the wasm build exposes (the typst/ruff pattern): the web crate
//! holds no Helm logic of its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lifecycle::{self, FixedRender};
use crate::manifest::RenderedFile;
use crate::plan::{HelmVersion, Plan};
use crate::scenario::Scenario;

/// What the user has in the playground.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Input {
    /// Chart files by chart-relative path (`Chart.yaml`, `templates/job.yaml`, ...), or a single
    /// `manifest.yaml` holding a rendered manifest.
    pub files: BTreeMap<String, String>,
    /// Extra values, YAML text (like `-f`).
    pub values: String,
    /// `--set` lines.
    pub set: Vec<String>,
    /// The scenario as YAML text (the scenario file format); empty means one install.
    pub scenario: String,
    /// Overrides of the scenario's fields (like the CLI's options).
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub helm: Option<HelmVersion>,
    pub kube_version: Option<String>,
}

/// A problem to show on a line of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Chart-relative path, or `scenario`, `values` for those editors.
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// What the playground shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Output {
    pub plan: Option<Plan>,
    /// The rendered files of the first install/upgrade step, as `helm template` prints them
    /// (path and content).
    pub rendered: Vec<RenderedFileView>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedFileView {
    pub path: String,
    pub content: String,
}

/// Treat the files as rendered manifests: templates/ files of a chart (partials and NOTES.txt
/// aside), or a lone manifest. Used until chart rendering is wired in.
fn manifest_files(files: &BTreeMap<String, String>) -> Vec<RenderedFile> {
    let is_chart = files.contains_key("Chart.yaml");
    files
        .iter()
        .filter(|(path, _)| {
            if !is_chart {
                return true;
            }
            let base = path.rsplit('/').next().unwrap_or(path);
            path.starts_with("templates/") && !base.starts_with('_') && !base.ends_with(".txt")
                || path.starts_with("crds/")
        })
        .map(|(path, content)| RenderedFile {
            path: path.clone(),
            content: content.clone(),
        })
        .collect()
}

/// Run everything. Never panics; every problem is a diagnostic.
pub fn run(input: &Input) -> Output {
    let mut out = Output::default();
    let mut scenario = if input.scenario.trim().is_empty() {
        Scenario::default()
    } else {
        match Scenario::parse(&input.scenario) {
            Ok(s) => s,
            Err(e) => {
                out.diagnostics.push(Diagnostic {
                    file: "scenario".into(),
                    line: 0,
                    col: 0,
                    message: e.0,
                });
                return out;
            }
        }
    };
    if let Some(r) = &input.release {
        scenario.release = r.clone();
    }
    if let Some(n) = &input.namespace {
        scenario.namespace = n.clone();
    }
    if let Some(h) = input.helm {
        scenario.helm = h;
    }
    let files = manifest_files(&input.files);
    out.rendered = files
        .iter()
        .map(|f| RenderedFileView {
            path: f.path.clone(),
            content: f.content.clone(),
        })
        .collect();
    if let Err(e) = lifecycle::render_files(&files, scenario.helm) {
        out.diagnostics.push(Diagnostic {
            file: files.first().map(|f| f.path.clone()).unwrap_or_default(),
            line: 0,
            col: 0,
            message: e,
        });
        return out;
    }
    let mut render = FixedRender::new(files);
    out.plan = Some(lifecycle::simulate(&scenario, &mut render));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_manifest_is_planned() {
        let mut files = BTreeMap::new();
        files.insert(
            "manifest.yaml".to_string(),
            "kind: Job\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: pre-install\n"
                .to_string(),
        );
        let out = run(&Input {
            files,
            ..Input::default()
        });
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let plan = out.plan.unwrap();
        assert_eq!(plan.steps[0].actions[0].name, "a");
    }

    #[test]
    fn a_bad_scenario_is_a_diagnostic() {
        let out = run(&Input {
            scenario: "steps: [".into(),
            ..Input::default()
        });
        assert!(out.plan.is_none());
        assert_eq!(out.diagnostics[0].file, "scenario");
    }
}
