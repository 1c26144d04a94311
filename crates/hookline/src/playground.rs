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

/// Whether this build renders charts (the `engine` feature). The playground's page is built
/// without it (issue #11): it plans lone manifests itself, and a chart's [`run`] and every
/// [`lint`] happen in its second module, which answers with [`Output::shown`] and
/// [`FindingView`]s.
pub const ENGINE: bool = cfg!(feature = "engine");

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

impl Input {
    /// What a share link stands for, as the playground opens it: the chart's files (a gallery
    /// chart from this build's gallery, with the link's edits), values, settings and scenario.
    pub fn from_share(state: &crate::share::ShareState) -> Result<Input, crate::share::ShareError> {
        let files = crate::share::resolve_files(state, &crate::gallery::share_files)?;
        let mut text_files = BTreeMap::new();
        for (path, content) in files {
            let bytes = content.to_bytes()?;
            text_files.insert(path, String::from_utf8_lossy(&bytes).into_owned());
        }
        Ok(Input {
            files: text_files,
            values: state.values.clone(),
            set: state.set.clone(),
            // JSON is YAML: the scenario file parser reads the link's structure as it is.
            scenario: state
                .scenario
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            release: state.release.clone(),
            namespace: state.namespace.clone(),
            helm: state.helm.as_deref().and_then(HelmVersion::parse),
            kube_version: state.kube_version.clone(),
        })
    }
}

/// A problem to show on a line of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Chart-relative path, or `scenario`, `values` for those editors.
    pub file: String,
    /// 1-based line and column (the column counts bytes); 0 when unknown.
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
    /// The hooks of [`Output::rendered`], as the render split them.
    #[serde(skip)]
    pub hooks: Vec<crate::Hook>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedFileView {
    pub path: String,
    pub content: String,
}

/// A `hookline lint` finding as the playground shows it (owned and serialisable: it crosses
/// from the second module, which lints, to the page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingView {
    /// `HL002` ...
    pub rule: String,
    /// `leftover-fixed-name` ...
    pub name: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The input path the finding's span names.
    pub file: String,
    /// 1-based line and column (in characters); 0 when the span names no line.
    pub line: u32,
    pub col: u32,
    pub message: String,
    pub explanation: String,
    pub fix: String,
    /// The hook the finding is about: (kind, name).
    pub hook: Option<(String, String)>,
}

impl FindingView {
    /// `file:line:col`, or the file alone when the span names no line.
    pub fn location(&self) -> String {
        if self.line > 0 {
            format!("{}:{}:{}", self.file, self.line, self.col.max(1))
        } else {
            self.file.clone()
        }
    }
}

impl From<crate::lint::Finding> for FindingView {
    fn from(f: crate::lint::Finding) -> FindingView {
        FindingView {
            rule: f.rule.to_string(),
            name: f.name.to_string(),
            severity: f.severity.as_str().to_string(),
            file: f.span.file,
            line: u32::try_from(f.span.line).unwrap_or(0),
            col: u32::try_from(f.span.col).unwrap_or(0),
            message: f.message,
            explanation: f.explanation,
            fix: f.fix,
            hook: f.hook.map(|h| (h.kind, h.name)),
        }
    }
}

/// A hook as the playground shows it beside the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookView {
    pub kind: String,
    pub name: String,
    /// The delete policies in force ([`crate::Hook::effective_delete_policies`]).
    pub policies: Vec<String>,
    /// No annotation: before-hook-creation applies by default.
    pub default_policy: bool,
    /// The file the hook was rendered from.
    pub path: String,
}

/// What the playground shows of an [`Output`]: the form it crosses between wasm instances in
/// (the second module renders a chart for the page's worker, in [`crate::packed`] text).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    pub plan: Option<Plan>,
    pub rendered: Vec<RenderedFileView>,
    pub diagnostics: Vec<Diagnostic>,
    pub hooks: Vec<HookView>,
}

impl Shown {
    /// A run that could not happen (a request or an answer that could not be read): `message`,
    /// on no file.
    pub fn failure(message: String) -> Shown {
        Shown {
            diagnostics: vec![diagnostic("", 0, 0, message)],
            ..Shown::default()
        }
    }
}

impl Output {
    pub fn shown(self) -> Shown {
        let hooks = self
            .hooks
            .iter()
            .map(|h| HookView {
                kind: h.kind.clone(),
                name: h.name.clone(),
                policies: h
                    .effective_delete_policies()
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                default_policy: h.delete_policies.is_empty(),
                path: h.doc.path.clone(),
            })
            .collect();
        Shown {
            plan: self.plan,
            rendered: self.rendered,
            diagnostics: self.diagnostics,
            hooks,
        }
    }
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

/// The chart-relative path of a template name (`mychart/templates/x.yaml` →
/// `templates/x.yaml`), the path the editor knows.
fn chart_relative(template_name: &str) -> String {
    match template_name.split_once('/') {
        Some((_, rest)) => rest.to_string(),
        None => template_name.to_string(),
    }
}

fn diagnostic(file: &str, line: usize, col: usize, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: u32::try_from(line).unwrap_or(0),
        col: u32::try_from(col).unwrap_or(0),
        message,
    }
}

fn parse_scenario(input: &Input) -> Result<Scenario, Diagnostic> {
    let mut scenario = if input.scenario.trim().is_empty() {
        Scenario::default()
    } else {
        Scenario::parse(&input.scenario).map_err(|e| diagnostic("scenario", 0, 0, e.0))?
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
    Ok(scenario)
}

/// The playground's global values: the values editor, then the `--set` lines.
fn global_values(input: &Input) -> Result<gotemplate::Map, Diagnostic> {
    let opts = crate::values::ValueOptions {
        value_files: if input.values.trim().is_empty() {
            Vec::new()
        } else {
            vec![("values".to_string(), input.values.clone())]
        },
        values: input
            .set
            .iter()
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect(),
        ..Default::default()
    };
    opts.merge(&mut |p: &str| Err(format!("--set-file {p}: files cannot be read here")))
        .map_err(|e| diagnostic("values", 0, 0, e))
}

/// Run everything. Never panics; every problem is a diagnostic.
pub fn run(input: &Input) -> Output {
    match parse_scenario(input) {
        Ok(s) => run_with_scenario(input, s),
        Err(d) => Output {
            diagnostics: vec![d],
            ..Output::default()
        },
    }
}

/// [`run`] with an already parsed scenario (the input's scenario text is ignored).
pub fn run_with_scenario(input: &Input, scenario: Scenario) -> Output {
    let mut out = Output::default();
    if input.files.contains_key("Chart.yaml") {
        #[cfg(feature = "engine")]
        run_chart(input, &scenario, &mut out);
        #[cfg(not(feature = "engine"))]
        out.diagnostics.push(diagnostic(
            "Chart.yaml",
            0,
            0,
            "this build of hookline cannot render charts (it has no `engine` feature)".into(),
        ));
        return out;
    }
    let files = manifest_files(&input.files);
    out.rendered = files
        .iter()
        .map(|f| RenderedFileView {
            path: f.path.clone(),
            content: f.content.clone(),
        })
        .collect();
    match lifecycle::render_files(&files, scenario.helm) {
        Ok(r) => out.hooks = r.manifests.hooks,
        Err(e) => {
            out.diagnostics.push(diagnostic(
                &files.first().map(|f| f.path.clone()).unwrap_or_default(),
                0,
                0,
                e,
            ));
            return out;
        }
    }
    let mut render = FixedRender::new(files);
    out.plan = Some(lifecycle::simulate(&scenario, &mut render));
    out
}

#[cfg(feature = "engine")]
fn run_chart(input: &Input, scenario: &Scenario, out: &mut Output) {
    let chart = match crate::chart::load_files(&input.files) {
        Ok(c) => c,
        Err(e) => {
            out.diagnostics.push(diagnostic(
                e.file.as_deref().unwrap_or("Chart.yaml"),
                e.line.unwrap_or(0),
                e.column.unwrap_or(0),
                e.message.clone(),
            ));
            return;
        }
    };
    let base_values = match global_values(input) {
        Ok(v) => v,
        Err(d) => {
            out.diagnostics.push(d);
            return;
        }
    };
    let mut base =
        crate::render::TemplateRequest::new(&scenario.release, &scenario.namespace, scenario.helm);
    base.kube_version = input.kube_version.clone().filter(|v| !v.trim().is_empty());
    let mut renderer =
        crate::render::chart_render::ChartRenderer::new(std::rc::Rc::new(chart), base);
    renderer.base_values = base_values;
    let plan = lifecycle::simulate(scenario, &mut renderer);
    out.hooks = std::mem::take(&mut renderer.first_hooks);
    if let Some(r) = &renderer.first_render {
        out.rendered = r
            .files
            .iter()
            .filter(|f| !f.content.trim().is_empty())
            .map(|f| RenderedFileView {
                path: f.path.clone(),
                content: f.content.clone(),
            })
            .collect();
    }
    if let Some(e) = &renderer.last_error {
        // Go prints a 0-based byte offset as the column; editors count from 1.
        let col = if e.line > 0 { e.col + 1 } else { 0 };
        out.diagnostics.push(diagnostic(
            &e.file.as_deref().map(chart_relative).unwrap_or_default(),
            e.line,
            col,
            e.message.clone(),
        ));
    }
    out.plan = Some(plan);
}

fn lint_options(input: &Input, scenario: &Scenario) -> crate::lint::LintOptions {
    crate::lint::LintOptions {
        release: scenario.release.clone(),
        namespace: scenario.namespace.clone(),
        helm: scenario.helm,
        wait: false,
        kube_version: input.kube_version.clone().filter(|v| !v.trim().is_empty()),
        ..Default::default()
    }
}

/// The chart name a lone manifest is linted under.
const MANIFEST_CHART: &str = "manifest";

/// `hookline lint` on the input, for front ends that show the plan first and the findings
/// when they are ready (linting renders the chart three more times than [`run`]). Each
/// finding's span names the input's own path (`templates/job.yaml`, not Helm's template name
/// `demo/templates/job.yaml`). Manifests without a Chart.yaml are linted as the templates of
/// a chart, unless they hold template actions (`{{`), which [`run`] takes literally. Input
/// problems give no findings: [`run`] reports them as diagnostics.
pub fn lint(input: &Input) -> Vec<crate::lint::Finding> {
    let Ok(scenario) = parse_scenario(input) else {
        return Vec::new();
    };
    let is_chart = input.files.contains_key("Chart.yaml");
    let bytes: BTreeMap<String, Vec<u8>> = if is_chart {
        crate::stable_sort::map_from(
            input
                .files
                .iter()
                .map(|(k, v)| (k.clone(), v.as_bytes().to_vec())),
        )
    } else {
        if input.files.values().any(|t| t.contains("{{")) {
            return Vec::new();
        }
        let mut m = crate::stable_sort::map_from(
            input
                .files
                .iter()
                .map(|(k, v)| (format!("templates/{k}"), v.as_bytes().to_vec())),
        );
        m.insert(
            "Chart.yaml".into(),
            format!("apiVersion: v2\nname: {MANIFEST_CHART}\nversion: 0.1.0\n").into_bytes(),
        );
        m
    };
    let Ok(chart) = crate::chart::load_files(&bytes) else {
        return Vec::new();
    };
    let Ok(values) = global_values(input) else {
        return Vec::new();
    };
    let mut findings = crate::lint::lint(&chart, &values, &lint_options(input, &scenario)).findings;
    for f in &mut findings {
        let rel = chart_relative(&f.span.file);
        f.span.file = if is_chart {
            rel
        } else {
            rel.strip_prefix("templates/").unwrap_or(&rel).to_string()
        };
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of a chart named `demo` (Chart.yaml) with `files` beside it.
    fn demo_chart(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut all = BTreeMap::from([(
            "Chart.yaml".to_string(),
            "apiVersion: v2\nname: demo\nversion: 0.1.0\n".to_string(),
        )]);
        all.extend(files.iter().map(|(p, t)| (p.to_string(), t.to_string())));
        all
    }

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
    fn crds_decoded_for_an_earlier_run_are_reused_only_while_unchanged() {
        let run_with = |crd: &str| {
            let files = demo_chart(&[
                (
                    "templates/cm.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                ),
                ("crds/crd.yaml", crd),
            ]);
            let out = run(&Input {
                files,
                ..Input::default()
            });
            let plan = out.plan.map(|p| serde_json::to_string(&p).unwrap());
            (plan, out.diagnostics)
        };
        let crd = |name: &str| {
            format!("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {name}\n")
        };
        for _ in 0..2 {
            let (plan, diags) = run_with(&crd("widgets.example.com"));
            assert!(diags.is_empty(), "{diags:?}");
            assert!(plan.unwrap().contains("widgets.example.com"));
        }
        // The same file with other bytes: decoded again, not the earlier run's documents.
        let (plan, _) = run_with(&crd("gadgets.example.com"));
        let plan = plan.unwrap();
        assert!(plan.contains("gadgets.example.com") && !plan.contains("widgets.example.com"));
        // A broken one fails the step with Helm's error, as on a first run.
        let (plan, _) = run_with("kind: CustomResourceDefinition\nmetadata:\n  name: [x\n");
        assert!(plan
            .unwrap()
            .contains("YAML parse error on demo/crds/crd.yaml: error converting YAML to JSON"));
    }

    #[test]
    fn parse_trees_outlive_a_run_while_the_templates_stay_the_same() {
        let parses = || crate::render::PARSES.with(|n| n.get());
        let run_with = |values: &str, template: &str, helm: HelmVersion| {
            let files = demo_chart(&[("values.yaml", values), ("templates/cm.yaml", template)]);
            let before = parses();
            let out = run(&Input {
                files,
                helm: Some(helm),
                ..Input::default()
            });
            assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
            (out.rendered[0].content.clone(), parses() - before)
        };
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: {{ .Values.x | quote }}\n";
        let (text, parsed) = run_with("x: 1\n", cm, HelmVersion::V4);
        assert!(text.contains("x: \"1\""), "{text}");
        assert_eq!(parsed, 1);
        // A values edit: the same trees, this run's values.
        let (text, parsed) = run_with("x: 2\n", cm, HelmVersion::V4);
        assert!(text.contains("x: \"2\""), "{text}");
        assert_eq!(parsed, 0, "unchanged templates are not parsed again");
        // A template edit, or another Helm version: parsed again.
        let (text, parsed) = run_with("x: 2\n", &cm.replace("x:", "y:"), HelmVersion::V4);
        assert!(text.contains("y: \"2\""), "{text}");
        assert_eq!(parsed, 1);
        let (_, parsed) = run_with("x: 2\n", &cm.replace("x:", "y:"), HelmVersion::V3);
        assert_eq!(parsed, 1);
        // A template that no longer parses is reported as on a first run.
        let out = run(&Input {
            files: demo_chart(&[("templates/cm.yaml", "{{ .Values.x ")]),
            ..Input::default()
        });
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.message.contains("parse error")),
            "{:?}",
            out.diagnostics
        );
    }

    #[test]
    fn a_chart_is_rendered_per_step() {
        let files = demo_chart(&[
            ("values.yaml", "tag: v1\n"),
            (
                "templates/job.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate-{{ .Release.Revision }}\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n",
            ),
        ]);
        let out = run(&Input {
            files,
            scenario: "release: demo\nsteps:\n  - op: install\n  - op: upgrade\n".into(),
            ..Input::default()
        });
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let plan = out.plan.unwrap();
        assert_eq!(plan.steps[0].actions[0].name, "demo-migrate-1");
        let upgrade_names: Vec<&str> = plan.steps[1]
            .actions
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert!(
            upgrade_names.contains(&"demo-migrate-2"),
            "{upgrade_names:?}"
        );
        assert_eq!(out.rendered[0].path, "demo/templates/job.yaml");
    }

    #[test]
    fn a_template_error_points_at_its_line() {
        let files = demo_chart(&[(
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.missing.deep }}\n",
        )]);
        let out = run(&Input {
            files,
            ..Input::default()
        });
        let d = &out.diagnostics[0];
        assert_eq!(
            (d.file.as_str(), d.line, d.col),
            ("templates/cm.yaml", 5, 16),
            "{d:?}"
        );
        assert!(
            d.message
                .contains("nil pointer evaluating interface {}.deep"),
            "{}",
            d.message
        );
    }

    #[test]
    fn lint_spans_name_the_input_paths() {
        let hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: hook-succeeded\nspec:\n  backoffLimit: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox}]\n";
        let files = demo_chart(&[("templates/job.yaml", hook)]);
        let chart = Input {
            files,
            ..Input::default()
        };
        let found = lint(&chart);
        let f = found.iter().find(|f| f.rule == "HL002").expect("HL002");
        assert_eq!(
            (f.span.file.as_str(), f.span.line),
            ("templates/job.yaml", 7)
        );
        assert_eq!(f.hook.as_ref().map(|h| h.name.as_str()), Some("migrate"));

        // A lone manifest is linted too, on its own path.
        let mut files = BTreeMap::new();
        files.insert("manifest.yaml".to_string(), hook.to_string());
        let manifest = Input {
            files,
            ..Input::default()
        };
        let found = lint(&manifest);
        let f = found.iter().find(|f| f.rule == "HL002").expect("HL002");
        assert_eq!((f.span.file.as_str(), f.span.line), ("manifest.yaml", 7));

        // Fixed: before-hook-creation added.
        let mut fixed = manifest.clone();
        fixed.files.insert(
            "manifest.yaml".into(),
            hook.replace("hook-succeeded", "before-hook-creation,hook-succeeded"),
        );
        assert!(lint(&fixed).iter().all(|f| f.rule != "HL002"));
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
