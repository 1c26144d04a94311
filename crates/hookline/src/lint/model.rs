//! What the rules look at: the chart rendered (twice, to spot names that change per render),
//! split into hooks, resources and dropped documents the way Helm's `SortManifests` does, plus
//! the template sources for spans.

use std::collections::BTreeMap;
use std::rc::Rc;

use gotemplate::Value;

use super::{Finding, HookRef, LintOptions, Severity, Span};
use crate::chart::Chart;
use crate::hooks::{self, Hook, HookEvent};
use crate::kind_order::{self, KindOrder};
use crate::manifest::{split_documents, Document, RenderedFile};
use crate::plan::HelmVersion;
use crate::render::{self, TemplateRequest};

/// A rendered and split chart.
pub struct Model {
    pub helm: HelmVersion,
    pub namespace: String,
    pub wait: bool,
    /// Hooks in stored (kind-sorted) order, as `SortManifests` returns them.
    pub hooks: Vec<Hook>,
    pub resources: Vec<Document>,
    /// Regular resources rendered only by `helm upgrade` (`.Release.IsUpgrade`): new in the
    /// revision, so missing while the pre-upgrade hooks run.
    pub upgrade_only: Vec<Document>,
    /// (kind, name) of the hooks rendered only by `helm upgrade` (they are in `hooks`).
    pub upgrade_only_hooks: Vec<(String, String)>,
    /// Unknown-event documents (dropped by Helm).
    pub dropped: Vec<Document>,
    /// Each hook's name in a second render with another seed and clock, by (path, index).
    pub second_names: BTreeMap<(String, usize), String>,
    /// Template sources by full name (`chart/templates/x.yaml`), partials included.
    pub sources: BTreeMap<String, Rc<str>>,
    /// Findings made while splitting (annotations Helm cannot decode).
    pub head_findings: Vec<Finding>,
}

/// Rendered manifest files and the template sources by name.
type Rendered = (Vec<RenderedFile>, BTreeMap<String, Rc<str>>);

const SEED_A: u64 = 0;
const SEED_B: u64 = 0x5eed_f00d_cafe;
/// 2026-01-01T00:00:00Z, then one day, one hour and a bit later.
const NOW_A: i64 = 1_767_225_600_000_000_000;
const NOW_B: i64 = NOW_A + 90_061_123_456_789;

fn render_files(
    chart: &Chart,
    values: &gotemplate::Map,
    opts: &LintOptions,
    seed: u64,
    now: i64,
    upgrade: bool,
    parsed: &mut Option<render::ParsedTemplates>,
) -> Result<Rendered, Box<Finding>> {
    let mut req = TemplateRequest::new(&opts.release, &opts.namespace, opts.helm);
    if upgrade {
        // As `helm upgrade` renders revision 2 (pkg/action/upgrade.go: IsUpgrade, last+1).
        req.is_upgrade = true;
        req.revision = 2;
    }
    req.kube_version = opts.kube_version.clone();
    req.api_versions = opts.api_versions.clone();
    let ropts = render::render_options(&req).map_err(|m| render_error(m, None, 0, 0))?;
    let inputs = crate::chart::prepare_render(chart, values, &ropts).map_err(|e| {
        render_error(
            e.message.clone(),
            e.file.clone(),
            e.line.unwrap_or(0),
            e.column.unwrap_or(0),
        )
    })?;
    let rendered = render::render_reusing(&inputs, opts.helm, (seed, now), &opts.limits, parsed)
        .map_err(|e| render_error(e.message.clone(), Some(e.file.clone()), e.line, e.col))?;
    let sources = crate::stable_sort::map_from(
        inputs
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.source.clone())),
    );
    Ok((rendered.manifests(), sources))
}

fn render_error(message: String, file: Option<String>, line: usize, col: usize) -> Box<Finding> {
    Box::new(Finding {
        rule: "HL000",
        name: "render-error",
        severity: Severity::Error,
        span: Span {
            file: file.unwrap_or_else(|| "Chart.yaml".to_string()),
            line,
            col,
            document: None,
        },
        message,
        explanation: "helm install/upgrade render the chart before anything is stored or run; \
                      this error stops them (and lint cannot check the hooks)."
            .to_string(),
        fix: "Fix the template or pass the values the chart requires (-f/--set).".to_string(),
        hook: None,
    })
}

/// What a document split gives.
#[derive(Default)]
struct Split {
    hooks: Vec<Hook>,
    resources: Vec<Document>,
    dropped: Vec<Document>,
    bad: Vec<(Document, String)>,
}

/// `SortManifests` (manifest_sorter.go:77-215) with Helm's exact head decoding
/// (`yaml::simple_head`: scalars become strings as sigs.k8s.io/yaml does); a document Helm
/// cannot decode is set aside instead of stopping the lint.
fn split(files: &[RenderedFile], helm: HelmVersion) -> Split {
    let mut files: Vec<&RenderedFile> = files.iter().collect();
    crate::stable_sort::sort_by(&mut files, |a, b| a.path.cmp(&b.path));
    let go_type = match helm {
        HelmVersion::V3 => "releaseutil.SimpleHead",
        HelmVersion::V4 => "util.SimpleHead",
    };
    let mut out = Split::default();
    for file in files {
        let base = file.path.rsplit('/').next().unwrap_or(&file.path);
        if base.starts_with('_') || file.content.trim().is_empty() {
            continue;
        }
        for (index, text) in split_documents(&file.content).into_iter().enumerate() {
            let mut doc = Document {
                content: text.as_str().into(),
                path: file.path.clone(),
                index,
                ..Document::default()
            };
            let full = crate::yaml::from_str(&text).ok();
            if let Some(v) = &full {
                doc.namespace = get_str(v, &["metadata", "namespace"]);
                doc.kind = get_str(v, &["kind"]).unwrap_or_default();
                doc.name = get_str(v, &["metadata", "name"]).unwrap_or_default();
            }
            match crate::yaml::simple_head(&text, go_type) {
                Ok(head) => {
                    doc.api_version = head.api_version;
                    doc.kind = head.kind;
                    if let Some(m) = head.metadata {
                        doc.name = m.name;
                        doc.annotations = m.annotations.unwrap_or_default();
                    }
                }
                Err(e) => {
                    out.bad.push((doc, e.message.clone()));
                    continue;
                }
            }
            match hooks::classify(doc) {
                hooks::Classified::Resource(r) => out.resources.push(r),
                hooks::Classified::Hook(h) => out.hooks.push(h),
                hooks::Classified::Dropped(d) => out.dropped.push(d),
            }
        }
    }
    crate::stable_sort::sort_by(&mut out.hooks, |a, b| {
        kind_order::compare(&a.kind, &b.kind, KindOrder::Install, helm)
    });
    crate::stable_sort::sort_by(&mut out.resources, |a, b| {
        kind_order::compare(&a.kind, &b.kind, KindOrder::Install, helm)
    });
    out
}

impl Model {
    pub fn build(
        chart: &Chart,
        values: &gotemplate::Map,
        opts: &LintOptions,
    ) -> Result<Model, Box<Finding>> {
        // The three renders parse the same templates once (and reuse a renderer's trees).
        let mut parsed = crate::render::chart_render::take_last_parsed();
        let (files, sources) =
            match render_files(chart, values, opts, SEED_A, NOW_A, false, &mut parsed) {
                Ok(r) => r,
                Err(e) => {
                    crate::render::chart_render::keep_parsed(parsed);
                    return Err(e);
                }
            };
        let mut first = split(&files, opts.helm);
        // What `helm upgrade` renders (.Release.IsUpgrade): hooks that exist only there join
        // the model, and regular resources that exist only there are new in the revision.
        let mut upgrade_only = Vec::new();
        let mut upgrade_only_hooks = Vec::new();
        if let Ok((files_u, _)) =
            render_files(chart, values, opts, SEED_A, NOW_A, true, &mut parsed)
        {
            let up = split(&files_u, opts.helm);
            for h in up.hooks {
                let known = first.hooks.iter().any(|x| {
                    (x.kind == h.kind && x.name == h.name)
                        || (x.doc.path == h.doc.path
                            && x.doc.index == h.doc.index
                            && x.kind == h.kind)
                });
                let upgrade_event = h
                    .events
                    .iter()
                    .any(|e| matches!(e, HookEvent::PreUpgrade | HookEvent::PostUpgrade));
                if !known && upgrade_event {
                    upgrade_only_hooks.push((h.kind.clone(), h.name.clone()));
                    first.hooks.push(h);
                }
            }
            for r in up.resources {
                if !first
                    .resources
                    .iter()
                    .any(|x| x.kind == r.kind && x.name == r.name)
                {
                    upgrade_only.push(r);
                }
            }
            crate::stable_sort::sort_by(&mut first.hooks, |a, b| {
                kind_order::compare(&a.kind, &b.kind, KindOrder::Install, opts.helm)
            });
        }
        let mut second_names = BTreeMap::new();
        if let Ok((files_b, _)) =
            render_files(chart, values, opts, SEED_B, NOW_B, false, &mut parsed)
        {
            for h in split(&files_b, opts.helm).hooks {
                second_names.insert((h.doc.path.clone(), h.doc.index), h.name.clone());
            }
        }
        crate::render::chart_render::keep_parsed(parsed);
        let mut model = Model {
            helm: opts.helm,
            namespace: opts.namespace.clone(),
            wait: opts.wait,
            hooks: first.hooks,
            resources: first.resources,
            upgrade_only,
            upgrade_only_hooks,
            dropped: first.dropped,
            second_names,
            sources,
            head_findings: Vec::new(),
        };
        for (doc, msg) in first.bad {
            let needle = non_scalar_annotation_key(&doc.content);
            let span = match &needle {
                Some(k) => model.span(&doc, &[k.as_str()]),
                None => model.doc_span(&doc),
            };
            let is_annotation = msg.contains("annotations");
            model.head_findings.push(Finding {
                rule: if is_annotation { "HL007" } else { "HL000" },
                name: if is_annotation {
                    "non-scalar-annotation"
                } else {
                    "render-error"
                },
                severity: Severity::Error,
                span,
                message: match &needle {
                    Some(k) => format!("annotation {k} is not a string: Helm stops with \"YAML parse error on {}: {msg}\"", doc.path),
                    None => format!("YAML parse error on {}: {msg}", doc.path),
                },
                explanation: "Helm decodes every document's metadata as map[string]string before \
                              it splits hooks from resources (manifest_sorter.go:151-153, via \
                              sigs.k8s.io/yaml). Numbers and booleans are converted to strings (real \
                              helm v3.17.3 and v4.1.4 accept `helm.sh/hook-weight: 5`), but a list or \
                              a map is not: install, upgrade and template all fail."
                    .to_string(),
                fix: "Write the annotation as one string: quote it, or join a list with commas \
                      (`{{ join \",\" .Values.x | quote }}`)."
                    .to_string(),
                hook: None,
            });
        }
        Ok(model)
    }

    /// The namespace an object ends up in.
    pub fn ns_of(&self, doc: &Document) -> String {
        doc.namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.namespace.clone())
    }

    /// A document's span without a needle: its first line in the template, or the rendered
    /// document.
    pub fn doc_span(&self, doc: &Document) -> Span {
        Span {
            file: doc.path.clone(),
            line: 0,
            col: 0,
            document: Some(doc.index),
        }
    }

    /// Where in the template source the text of a finding comes from: the first line of the
    /// document's template (preferring the document's own `---` section) containing the first
    /// needle found; then the chart's partials; else the rendered document.
    pub fn span(&self, doc: &Document, needles: &[&str]) -> Span {
        // A key-like needle is tried as a YAML key (`name:`) first, then as plain text.
        let mut expanded: Vec<String> = Vec::new();
        for n in needles.iter().filter(|n| !n.is_empty()) {
            let key_like = !n.ends_with(':') && !n.contains([' ', '{', '"']);
            if key_like {
                expanded.push(format!("{n}:"));
            }
            expanded.push(n.to_string());
        }
        let needles: Vec<&str> = expanded.iter().map(String::as_str).collect();
        let at = |file: &str, (line, col): (usize, usize)| Span {
            file: file.to_string(),
            line,
            col,
            document: Some(doc.index),
        };
        let own = self.sources.get(&doc.path);
        // 1. The document's own `---` section of its template.
        if let Some(src) = own {
            for n in &needles {
                if let Some(p) = find_in_section(src, doc.index, n) {
                    return at(&doc.path, p);
                }
            }
        }
        // 2. The named templates this template includes (the text often comes from one).
        let chart_prefix = doc
            .path
            .rsplit_once("/templates/")
            .map(|(p, _)| format!("{p}/templates/"))
            .unwrap_or_default();
        let partials: Vec<(&String, &Rc<str>)> = self
            .sources
            .iter()
            .filter(|(name, _)| {
                name.starts_with(&chart_prefix)
                    && name.rsplit('/').next().is_some_and(|b| b.starts_with('_'))
            })
            .collect();
        if let Some(src) = own {
            for n in &needles {
                for (name, psrc) in &partials {
                    for (define, body_start) in defines(psrc) {
                        if !src.contains(&format!("\"{define}\"")) {
                            continue;
                        }
                        if let Some(p) = find_in_define(psrc, body_start, n) {
                            return at(name, p);
                        }
                    }
                }
            }
        }
        // 3. Anywhere in the template, then in any partial of the chart.
        for n in &needles {
            if let Some(p) = own.and_then(|src| find_in(src, n)) {
                return at(&doc.path, p);
            }
        }
        for n in &needles {
            for (name, psrc) in &partials {
                if let Some(p) = find_in(psrc, n) {
                    return at(name, p);
                }
            }
        }
        self.doc_span(doc)
    }

    pub fn hook_ref(h: &Hook) -> Option<HookRef> {
        Some(HookRef::of(h))
    }
}

/// The key of the first annotation whose value is a list or a map.
fn non_scalar_annotation_key(text: &str) -> Option<String> {
    let v = crate::yaml::from_str(text).ok()?;
    let ann = get(&v, &["metadata", "annotations"])?;
    let Value::Map(m) = ann else { return None };
    let m = m.borrow();
    m.iter()
        .find(|(_, v)| matches!(v, Value::List(_) | Value::Map(_)))
        .map(|(k, _)| k.clone())
}

/// The named templates a partial defines, with the 0-based line of each `define`.
fn defines(src: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(rest) = line.split("define").nth(1) {
            if !line.contains("{{") {
                continue;
            }
            if let Some(name) = rest.split('"').nth(1) {
                out.push((name.to_string(), i));
            }
        }
    }
    out
}

/// The first occurrence of `needle` in the define starting at line `start` (up to the next
/// define).
fn find_in_define(src: &str, start: usize, needle: &str) -> Option<(usize, usize)> {
    for (i, line) in src.lines().enumerate().skip(start) {
        if i > start && line.contains("{{") && line.contains("define") {
            break;
        }
        if let Some(c) = match_line(line, needle) {
            return Some((i + 1, c));
        }
    }
    None
}

/// The 1-based column where `needle` is on `line`. A needle ending in `:` is a YAML key: it
/// matches only at the start of the line's content (after indentation, `- ` and quotes).
fn match_line(line: &str, needle: &str) -> Option<usize> {
    let col = |c: usize| line[..c].chars().count() + 1;
    if let Some(key) = needle.strip_suffix(':') {
        let trimmed = line.trim_start();
        let mut start = line.len() - trimmed.len();
        let mut rest = trimmed;
        if let Some(r) = rest.strip_prefix("- ") {
            start += 2 + (r.len() - r.trim_start().len());
            rest = r.trim_start();
        }
        let unquoted = rest.trim_start_matches(['"', '\'']);
        let after = unquoted.strip_prefix(key)?;
        let after = after.trim_start_matches(['"', '\'']);
        return after.starts_with(':').then(|| col(start));
    }
    line.find(needle).map(col)
}

/// 1-based (line, col) of the first occurrence of `needle`.
fn find_in(src: &str, needle: &str) -> Option<(usize, usize)> {
    for (i, line) in src.lines().enumerate() {
        if let Some(c) = match_line(line, needle) {
            return Some((i + 1, c));
        }
    }
    None
}

/// Like [`find_in`], within the `index`-th `---` section of the template (the template's
/// documents usually map one to one to the rendered ones).
fn find_in_section(src: &str, index: usize, needle: &str) -> Option<(usize, usize)> {
    let mut section = 0usize;
    let mut seen_content = false;
    for (i, line) in src.lines().enumerate() {
        if line.starts_with("---") {
            if seen_content {
                section += 1;
            }
            continue;
        }
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            seen_content = true;
        }
        if section == index {
            if let Some(c) = match_line(line, needle) {
                return Some((i + 1, c));
            }
        }
    }
    None
}

/// A value at a path of map keys.
pub fn get(v: &Value, path: &[&str]) -> Option<Value> {
    let mut cur = v.clone();
    for k in path {
        let next = match &cur {
            Value::Map(m) => m.borrow().get(*k).cloned(),
            _ => None,
        }?;
        cur = next;
    }
    Some(cur)
}

/// A scalar at a path, as a string (numbers and booleans converted).
pub fn get_str(v: &Value, path: &[&str]) -> Option<String> {
    get(v, path).and_then(|x| crate::yaml::sigs_string(&x))
}

/// The items of a list at a path (empty when absent or not a list).
pub fn get_list(v: &Value, path: &[&str]) -> Vec<Value> {
    match get(v, path) {
        Some(Value::List(l)) => l.as_ref().clone(),
        _ => Vec::new(),
    }
}

/// The pod spec of a workload document, and the path to it.
pub fn pod_spec(kind: &str, doc: &Value) -> Option<(Value, &'static str)> {
    let (path, label): (&[&str], &str) = match kind {
        "Pod" => (&["spec"], "spec"),
        "Job"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController" => (&["spec", "template", "spec"], "spec.template.spec"),
        "CronJob" => (
            &["spec", "jobTemplate", "spec", "template", "spec"],
            "spec.jobTemplate.spec.template.spec",
        ),
        _ => return None,
    };
    let spec = get(doc, path)?;
    matches!(spec, Value::Map(_)).then_some((spec, label))
}

/// Parse a document's text (Helm-exact YAML).
pub fn parse(doc: &Document) -> Option<Value> {
    crate::yaml::from_str(&doc.content).ok()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{lint, LintOptions};

    /// The install, upgrade and second-seed renders share one parse; the upgrade render still
    /// sees `.Release.IsUpgrade` and the second one its own seed.
    #[test]
    fn three_renders_one_parse() {
        let files: BTreeMap<String, String> = [
            ("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
            (
                "templates/job.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job-{{ randAlphaNum 5 | lower }}\n  annotations:\n    helm.sh/hook: pre-install\n",
            ),
            (
                "templates/up.yaml",
                "{{ if .Release.IsUpgrade }}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-on-upgrade\n{{ end }}",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let chart = crate::chart::load_files(&files).unwrap();
        let parses = || crate::render::PARSES.with(|n| n.get());
        let before = parses();
        let report = lint(&chart, &gotemplate::Map::new(), &LintOptions::default());
        assert_eq!(parses() - before, 1, "one parse for the three renders");
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
        // The random name differs between the two seeds (HL rule on names that change per
        // render), and the upgrade-only ConfigMap is seen: the renders are still distinct.
        let model = super::Model::build(&chart, &gotemplate::Map::new(), &LintOptions::default())
            .unwrap_or_else(|f| panic!("{}", f.message));
        assert_eq!(model.upgrade_only.len(), 1, "{rules:?}");
        let (_, second) = model.second_names.iter().next().unwrap();
        assert_ne!(
            second, &model.hooks[0].name,
            "the second seed renders another name"
        );
    }
}
