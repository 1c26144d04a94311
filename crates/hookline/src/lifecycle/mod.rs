//! The lifecycle simulator: run a [`Scenario`] of helm commands against a simulated cluster
//! and release history, and say what Helm does at each step (issue #5).
//!
//! The rules, with the Helm source lines they follow, are in `shared/spec/helm-hooks.md`;
//! every function cites the Helm code it mirrors (H3 = v3.21.4, H4 = v4.2.4).
//!
//! Rendering is an input: the simulator asks a [`Render`] for each step's hooks and resources
//! (or uses the step's inline `manifest:`), so it works before chart rendering exists.
//!
//! The cluster is an input too: the engine performs its object operations through
//! [`ClusterApi`] (see `api.rs`). [`simulate`] runs it against the in-memory [`Cluster`];
//! `hookline-cluster` runs the same engine ([`run`]) against a real API server.

pub mod api;
pub mod conformance;
mod exec;
mod memory;
mod ops;
mod state;

use serde_json::Value as Json;

use crate::kind_order::KindOrder;
use crate::manifest::{split_documents, split_rendered, Document, RenderedFile, SortedManifests};
use crate::plan::{HelmVersion, Plan};
use crate::scenario::Scenario;

pub use api::ClusterApi;
pub use state::{cluster_scoped, display, Cluster, ClusterObj, Revision, RunState, Status};

/// What the simulator asks the renderer for, once per install/upgrade.
#[derive(Clone, Debug)]
pub struct RenderRequest<'a> {
    pub release: &'a str,
    pub namespace: &'a str,
    /// `.Release.Revision`: 1 for installs (Helm renders installs with Revision=1 even when
    /// `--replace` stores a later version), last+1 for upgrades.
    pub revision: u32,
    /// `.Release.IsInstall` / `.Release.IsUpgrade`.
    pub is_install: bool,
    pub is_upgrade: bool,
    /// The step's merged user values (`values:` then `set:`, after reuse/reset rules).
    pub values: &'a Json,
    pub helm: HelmVersion,
    /// 0-based index of the scenario step.
    pub step: usize,
}

/// A rendered chart: hooks and regular resources (as `SortManifests` splits them), the
/// `crds/` files (install only, never templated) and NOTES.txt.
#[derive(Clone, Debug, Default)]
pub struct RenderOutput {
    pub manifests: SortedManifests,
    /// Shared: a renderer hands every step the same CRD documents (megabytes in large charts).
    pub crds: std::rc::Rc<Vec<Document>>,
    pub notes: Option<String>,
}

/// Chart rendering, supplied by the caller.
pub trait Render {
    fn render(&mut self, req: &RenderRequest<'_>) -> Result<RenderOutput, String>;
}

impl<F> Render for F
where
    F: FnMut(&RenderRequest<'_>) -> Result<RenderOutput, String>,
{
    fn render(&mut self, req: &RenderRequest<'_>) -> Result<RenderOutput, String> {
        self(req)
    }
}

/// A renderer that always returns the same rendered files (a `helm template` output, a
/// single manifest). Files under a `crds/` directory are the chart's CRDs; a file named
/// `NOTES.txt` is the notes.
#[derive(Clone, Debug, Default)]
pub struct FixedRender {
    files: Vec<RenderedFile>,
    sorted: Option<SortedManifests>,
    /// The split result per Helm version (the input never changes).
    cache: Vec<(HelmVersion, Result<RenderOutput, String>)>,
}

/// A file in a chart's `crds/` directory: `chart/crds/x.yaml`, `chart/charts/sub/crds/x.yaml`
/// (or a bare `crds/x.yaml`), but not the templates of a subchart that happens to be named
/// `crds` (`chart/charts/crds/templates/x.yaml`).
pub fn is_crd_path(path: &str) -> bool {
    let seg: Vec<&str> = path.split('/').collect();
    if seg.len() == 2 && seg[0] == "crds" {
        return true;
    }
    let mut root = 0;
    while root + 2 < seg.len() {
        match seg[root + 1] {
            "crds" => return true,
            "charts" => root += 2,
            _ => return false,
        }
    }
    false
}

impl FixedRender {
    pub fn new(files: Vec<RenderedFile>) -> FixedRender {
        FixedRender {
            files,
            sorted: None,
            cache: Vec::new(),
        }
    }

    /// A manifest text; `# Source: path` comments (as `helm template` writes them) give each
    /// document its template path.
    pub fn from_text(text: &str) -> FixedRender {
        FixedRender::new(crate::manifest::split_template_output(
            text,
            "manifest.yaml",
        ))
    }

    /// Already split manifests (the walking skeleton's input).
    pub fn from_sorted(sorted: SortedManifests) -> FixedRender {
        FixedRender {
            files: Vec::new(),
            sorted: Some(sorted),
            cache: Vec::new(),
        }
    }
}

impl Render for FixedRender {
    fn render(&mut self, req: &RenderRequest<'_>) -> Result<RenderOutput, String> {
        if let Some(s) = &self.sorted {
            return Ok(RenderOutput {
                manifests: s.clone(),
                ..RenderOutput::default()
            });
        }
        if let Some((_, out)) = self.cache.iter().find(|(h, _)| *h == req.helm) {
            return out.clone();
        }
        let out = render_files(&self.files, req.helm);
        self.cache.push((req.helm, out.clone()));
        out
    }
}

/// Split rendered files the way Helm does: CRD files aside, NOTES.txt aside, the rest
/// through `SortManifests` with InstallOrder (H4 `pkg/action/action.go:278-522`).
pub fn render_files(files: &[RenderedFile], helm: HelmVersion) -> Result<RenderOutput, String> {
    let mut templates = Vec::new();
    let mut crd_files: Vec<&RenderedFile> = Vec::new();
    let mut notes = None;
    for f in files {
        if is_crd_path(&f.path) {
            crd_files.push(f);
        } else if f.path.ends_with("NOTES.txt") {
            // Only the top-level chart's notes are shown by default.
            if notes.is_none() {
                let text: Vec<&str> = f
                    .content
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("# Source:"))
                    .collect();
                notes = Some(text.join("\n").trim().to_string());
            }
        } else {
            templates.push(f.clone());
        }
    }
    let manifests =
        split_rendered(&templates, KindOrder::Install, helm).map_err(|e| e.to_string())?;
    crate::stable_sort::sort_by(&mut crd_files, |a, b| a.path.cmp(&b.path));
    let mut crds = Vec::new();
    for f in crd_files {
        for (index, text) in split_documents(&f.content).into_iter().enumerate() {
            let doc =
                crate::manifest::parse_head(&f.path, index, &text).map_err(|e| e.to_string())?;
            if doc.kind.is_empty() && doc.name.is_empty() {
                continue;
            }
            crds.push(doc);
        }
    }
    Ok(RenderOutput {
        manifests,
        crds: std::rc::Rc::new(crds),
        notes,
    })
}

/// Run a scenario. Never panics; a step Helm would refuse or fail shows as a step with an
/// error.
pub fn simulate(scenario: &Scenario, render: &mut dyn Render) -> Plan {
    let mut cluster = Cluster::from_scenario(scenario);
    api::run_now(run(scenario, render, &mut cluster))
}

/// Run a scenario against a cluster: the one lifecycle engine behind [`simulate`] and the
/// real-cluster executor. The release history stays in memory (it is not Helm's release
/// storage); the objects live in `cluster`, which must already hold what the scenario's
/// `cluster:` lists (see [`Cluster::from_scenario`]).
pub async fn run<C: ClusterApi>(
    scenario: &Scenario,
    render: &mut dyn Render,
    cluster: &mut C,
) -> Plan {
    let mut sim = ops::Sim::new(scenario, cluster);
    let mut steps = Vec::new();
    for (i, spec) in scenario.steps.iter().enumerate() {
        steps.push(sim.run_step(i, spec, render).await);
    }
    Plan {
        release: scenario.release.clone(),
        namespace: scenario.namespace.clone(),
        helm: scenario.helm,
        steps,
    }
}

/// Convenience: simulate a scenario over one fixed manifest text.
pub fn simulate_manifest(scenario: &Scenario, manifest: &str) -> Plan {
    let mut r = FixedRender::from_text(manifest);
    simulate(scenario, &mut r)
}

#[cfg(test)]
mod tests {
    use super::is_crd_path;

    #[test]
    fn crd_paths() {
        assert!(is_crd_path("chart/crds/a.yaml"));
        assert!(is_crd_path("crds/a.yaml"));
        assert!(is_crd_path("chart/charts/sub/crds/a.yaml"));
        assert!(!is_crd_path("chart/templates/crds/a.yaml"));
        assert!(!is_crd_path("kps/charts/crds/templates/upgrade/job.yaml"));
        assert!(is_crd_path("kps/charts/crds/crds/a.yaml"));
        assert!(!is_crd_path("chart/templates/a.yaml"));
    }
}
