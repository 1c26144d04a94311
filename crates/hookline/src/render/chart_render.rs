//! A chart as the lifecycle simulator's renderer: every install and upgrade of a scenario
//! renders the chart again with that step's values, revision and IsInstall/IsUpgrade, exactly
//! as `helm install`/`helm upgrade` render before they act (Helm v4 `pkg/action/install.go`,
//! `upgrade.go`: `renderResources` with `ToRenderValues`).

use std::cell::RefCell;
use std::rc::Rc;

use gotemplate::{Map, Value};
use serde_json::Value as Json;

use super::{render_chart_reusing_prepared_ahead, HeadsAhead, TemplateError, TemplateRequest};
use crate::chart::{Chart, FileData};
use crate::lifecycle::{Render, RenderOutput, RenderRequest};
use crate::manifest::{parse_head, split_document_slices, Document};

/// Renders one chart for each step of a scenario.
pub struct ChartRenderer {
    pub chart: Rc<Chart>,
    /// Template settings shared by every step (kube version, API versions, seed, limits).
    pub base: TemplateRequest,
    /// Values under every step's own values (the playground's global values and `--set`).
    pub base_values: Map,
    /// The last render error, with its position, for editors.
    pub last_error: Option<TemplateError>,
    /// The first successful render (what the playground shows as "rendered manifests").
    pub first_render: Option<super::Rendered>,
    /// The hooks of that render, as it split them (the playground's timeline describes them
    /// without splitting the output a second time).
    pub first_hooks: Vec<crate::Hook>,
    /// Each CRD file's documents, decoded once: crds/ files are not templates, so every render
    /// of a scenario sees the same bytes (kept by identity of the shared buffer), and decoding
    /// large CRDs is most of a step's work.
    crd_cache: Vec<CrdCached>,
    /// Where the CRD files' documents come from when someone decoded them ahead (the CLI does
    /// it on another thread while the first step renders): asked once, at the first render
    /// that has CRDs. Each entry is a CRD file's `filename`, its bytes and what
    /// [`crd_documents`] gave for them; an entry is used only for a file of the same name and
    /// bytes.
    pub crd_documents_ahead: Option<CrdDocumentsAhead>,
    /// The last render's parse trees, reused while the templates stay the same.
    parsed: Option<super::ParsedTemplates>,
    /// The last render's preparation (dependencies, coalesced and checked values) and the
    /// chart it was made for: an upgrade with the install's values starts from a copy of it.
    prepared: Option<(Rc<Chart>, super::PreparedRender)>,
    /// The last render's CRD files (name and shared buffer) and their documents in order.
    crd_list: Option<CrdList>,
    /// Whether [`Self::first_render`] and [`Self::first_hooks`] are kept (the command line's
    /// plan never shows them).
    pub keep_first_render: bool,
    /// A host's thread that decodes the manifests' heads while the first render's templates
    /// run (the CLI's plan: its helper is idle then). Only the first render takes it: a later
    /// one finds most of its documents in the previous split (see
    /// [`crate::manifest::split_rendered_with`]), sharing their text with the revisions
    /// already applied.
    pub heads_ahead: Option<std::sync::Arc<dyn HeadsAhead>>,
}

/// A CRD file's name, bytes and documents: `list[range]` (the list of the render that last
/// used the file, so that a list is made of the documents moved in, not copies of them).
struct CrdCached {
    name: String,
    data: FileData,
    list: Rc<Vec<Document>>,
    range: std::ops::Range<usize>,
}

impl CrdCached {
    fn new(name: String, data: FileData, docs: Vec<Document>) -> CrdCached {
        let range = 0..docs.len();
        CrdCached {
            name,
            data,
            list: Rc::new(docs),
            range,
        }
    }

    fn docs(&self) -> &[Document] {
        self.list.get(self.range.clone()).unwrap_or_default()
    }
}

/// CRD files (name and shared buffer) and all their documents.
type CrdList = (Vec<(String, FileData)>, Rc<Vec<Document>>);

thread_local! {
    /// The CRD documents of the last renderer dropped on this thread, with their file's name
    /// and bytes. The playground builds a renderer for every edit, and a chart's crds/ files
    /// (megabytes of YAML in large charts, most of a render's decoding) rarely change between
    /// edits; a CRD file's documents depend on its name and bytes only.
    static LAST_CRDS: RefCell<Vec<DecodedCrdFile>> = const { RefCell::new(Vec::new()) };
    /// The parse trees of the last renderer dropped on this thread, for the same reason: most
    /// playground edits (values, the scenario, a step's outcome) leave every template as it
    /// was, and parsing is about a quarter of a large chart's render in the browser.
    /// [`super::ParsedTemplates`] is reused only for the same templates, Helm version and
    /// limits.
    static LAST_PARSED: RefCell<Option<super::ParsedTemplates>> = const { RefCell::new(None) };
}

/// Forget what renderers dropped on this thread left for the next one (CRD documents, parse
/// trees): for benchmarks that measure a render from scratch.
pub fn forget_earlier_renders() {
    LAST_CRDS.with(|c| c.borrow_mut().clear());
    LAST_PARSED.with(|p| *p.borrow_mut() = None);
}

/// The parse trees a dropped renderer left on this thread (see `LAST_PARSED`), for the next
/// renderer or another user of [`super::render_reusing`] (lint), which gives them back with
/// [`keep_parsed`].
pub(crate) fn take_last_parsed() -> Option<super::ParsedTemplates> {
    LAST_PARSED.with(|p| p.borrow_mut().take())
}

/// Leave parse trees for the next renderer on this thread.
pub(crate) fn keep_parsed(parsed: Option<super::ParsedTemplates>) {
    if let Some(parsed) = parsed {
        LAST_PARSED.with(|p| *p.borrow_mut() = Some(parsed));
    }
}

/// A CRD file's name, bytes and documents.
type DecodedCrdFile = (String, Rc<[u8]>, Vec<Document>);

/// The documents a dropped renderer decoded for this CRD file, if its name and bytes match.
fn earlier_crd_documents(filename: &str, bytes: &[u8]) -> Option<Vec<Document>> {
    LAST_CRDS.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|(name, data, _)| {
            name == filename && crate::same_bytes::same_bytes(data, bytes)
        })?;
        Some(c.swap_remove(i).2)
    })
}

impl Drop for ChartRenderer {
    fn drop(&mut self) {
        // Files decoded on another thread that nothing here read are left out: reading them
        // now only to compare them with a later renderer's would cost more than it saves.
        let kept = std::mem::take(&mut self.crd_cache)
            .into_iter()
            .filter_map(|c| {
                let bytes = c.data.loaded()?.clone();
                let docs = c.docs().to_vec();
                Some((c.name, bytes, docs))
            })
            .collect();
        LAST_CRDS.with(|c| *c.borrow_mut() = kept);
        keep_parsed(self.parsed.take());
    }
}

/// A source of CRD documents decoded ahead of time (see [`ChartRenderer::crd_documents_ahead`]).
pub type CrdDocumentsAhead = Box<dyn FnOnce() -> Vec<CrdDocuments>>;

/// A CRD file's `filename`, the chart's file it was decoded from (its [`FileData`], kept by
/// identity) and its documents (or the error reading or decoding them).
pub type CrdDocuments = (String, FileData, Result<Vec<Document>, String>);

/// The documents of a crds/ file as a render's CRD list holds them (Helm decodes each file
/// when it installs the CRDs; documents without kind and name are left out).
pub fn crd_documents(filename: &str, data: &[u8]) -> Result<Vec<Document>, String> {
    let text = crate::chart::lossy(data);
    let mut docs = Vec::new();
    for (index, doc) in split_document_slices(&text).into_iter().enumerate() {
        let d = parse_head(filename, index, doc).map_err(|e| e.to_string())?;
        if d.kind.is_empty() && d.name.is_empty() {
            continue;
        }
        docs.push(d);
    }
    Ok(docs)
}

impl ChartRenderer {
    pub fn new(chart: Rc<Chart>, base: TemplateRequest) -> ChartRenderer {
        ChartRenderer {
            chart,
            base,
            base_values: Map::new(),
            last_error: None,
            first_render: None,
            first_hooks: Vec::new(),
            crd_cache: Vec::new(),
            crd_documents_ahead: None,
            parsed: take_last_parsed(),
            prepared: None,
            crd_list: None,
            keep_first_render: true,
            heads_ahead: None,
        }
    }
}

/// Scenario values (JSON-shaped) as Helm's user values: integers that came from `--set`
/// stay Go int64; every other number is a float64 as in a values file.
pub fn json_to_values(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Int64(i),
            (None, Some(f)) => Value::Float(f),
            _ => Value::Nil,
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(a) => Value::list(a.iter().map(json_to_values).collect()),
        Json::Object(o) => Value::map(crate::stable_sort::map_from(
            o.iter().map(|(k, v)| (k.clone(), json_to_values(v))),
        )),
    }
}

impl Render for ChartRenderer {
    fn render(&mut self, req: &RenderRequest<'_>) -> Result<RenderOutput, String> {
        let mut t = self.base.clone();
        t.release_name = req.release.to_string();
        t.namespace = req.namespace.to_string();
        t.helm = req.helm;
        t.is_upgrade = req.is_upgrade;
        t.revision = i64::from(req.revision);
        let step_values = match json_to_values(req.values) {
            Value::Map(m) => m.borrow().clone(),
            _ => Map::new(),
        };
        let values = crate::values::merge_maps(self.base_values.clone(), step_values);
        let mut prepared = self
            .prepared
            .take()
            .filter(|(chart, _)| Rc::ptr_eq(chart, &self.chart))
            .map(|(_, p)| p);
        let heads = self.heads_ahead.take();
        let r = render_chart_reusing_prepared_ahead(
            &self.chart,
            &values,
            &t,
            &mut self.parsed,
            &mut prepared,
            heads.as_deref(),
        );
        if let (Some(heads), Err(_)) = (&heads, &r) {
            // A render that failed before its templates all ran never finished the heads:
            // the host's thread is released (a later render may wait for it: the CLI's CRD
            // worker is that thread).
            let _ = heads.finish();
        }
        self.prepared = prepared.map(|p| (self.chart.clone(), p));
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                let msg = e.message.clone();
                self.last_error = Some(e);
                return Err(msg);
            }
        };
        self.last_error = None;
        if self.keep_first_render && self.first_render.is_none() {
            self.first_render = Some(r.rendered.clone());
            self.first_hooks = r.sorted.hooks.clone();
        }
        // The same CRD files as the last render: the same documents, not a copy of them.
        if let Some((files, docs)) = &self.crd_list {
            let same = files.len() == r.crds.len()
                && files
                    .iter()
                    .zip(&r.crds)
                    .all(|((name, data), f)| *name == f.filename && data.ptr_eq(&f.data));
            if same {
                return Ok(RenderOutput {
                    manifests: r.sorted,
                    crds: docs.clone(),
                    notes: r.notes,
                });
            }
        }
        if !r.crds.is_empty() {
            if let Some(ahead) = self.crd_documents_ahead.take() {
                for (filename, data, docs) in ahead() {
                    // Errors are left to the decode below, which reports them in order.
                    let file = r.crds.iter().find(|f| {
                        f.filename == filename
                            && f.data.ptr_eq(&data)
                            && f.data.read_error().is_none()
                    });
                    let (Ok(docs), Some(f)) = (docs, file) else {
                        continue;
                    };
                    self.crd_cache
                        .push(CrdCached::new(filename, f.data.clone(), docs));
                }
            }
        }
        // Each file's cache entry (decoded now when new); errors before any list changes.
        let mut entries = Vec::with_capacity(r.crds.len());
        for f in &r.crds {
            let cached = self
                .crd_cache
                .iter()
                .position(|c| c.name == f.filename && c.data.ptr_eq(&f.data));
            let i = match cached {
                Some(i) => i,
                None => {
                    let bytes = f.data.bytes();
                    if let Some(e) = f.data.read_error() {
                        return Err(e.to_string());
                    }
                    let docs = match earlier_crd_documents(&f.filename, &bytes) {
                        Some(docs) => docs,
                        None => crd_documents(&f.filename, &bytes)?,
                    };
                    self.crd_cache
                        .push(CrdCached::new(f.filename.clone(), f.data.clone(), docs));
                    self.crd_cache.len() - 1
                }
            };
            entries.push(i);
        }
        let mut crds: Vec<Document> = Vec::new();
        // (cache entry, where its documents are in `crds`)
        let mut placed: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        for i in entries {
            let start = crds.len();
            if let Some((_, range)) = placed.iter().find(|(j, _)| *j == i) {
                // the same file twice (a subchart under two aliases)
                crds.extend_from_within(range.clone());
            } else {
                let c = &mut self.crd_cache[i];
                // Documents no other list holds move into this one; others are copied.
                if Rc::strong_count(&c.list) == 1 && c.range == (0..c.list.len()) {
                    match Rc::try_unwrap(std::mem::take(&mut c.list)) {
                        Ok(docs) => crds.extend(docs),
                        Err(list) => crds.extend_from_slice(&list[c.range.clone()]),
                    }
                } else {
                    crds.extend_from_slice(c.docs());
                }
            }
            placed.push((i, start..crds.len()));
        }
        let crds = Rc::new(crds);
        for (i, range) in placed {
            let c = &mut self.crd_cache[i];
            c.list = crds.clone();
            c.range = range;
        }
        self.crd_list = Some((
            r.crds
                .iter()
                .map(|f| (f.filename.clone(), f.data.clone()))
                .collect(),
            crds.clone(),
        ));
        Ok(RenderOutput {
            manifests: r.sorted,
            crds,
            notes: r.notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::RenderRequest;
    use crate::plan::HelmVersion;

    fn crd(name: &str) -> Vec<u8> {
        format!("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {name}\n").into_bytes()
    }

    /// A chart `top` (Chart.yaml as given) with crds/a.yaml, and a subchart `sub` with
    /// crds/b.yaml.
    fn crd_chart_files(chart_yaml: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
        std::collections::BTreeMap::from([
            ("Chart.yaml".to_string(), chart_yaml.as_bytes().to_vec()),
            ("crds/a.yaml".to_string(), crd("as.example.com")),
            (
                "charts/sub/Chart.yaml".to_string(),
                b"apiVersion: v2\nname: sub\nversion: 0.1.0\n".to_vec(),
            ),
            ("charts/sub/crds/b.yaml".to_string(), crd("bs.example.com")),
        ])
    }

    fn renderer_for(files: &std::collections::BTreeMap<String, Vec<u8>>) -> ChartRenderer {
        let chart = crate::chart::load::load_files(files).unwrap();
        ChartRenderer::new(
            Rc::new(chart),
            TemplateRequest::new("r", "ns", HelmVersion::V4),
        )
    }

    /// An install of release `r` in `ns` (Helm 4) with these values.
    fn install(values: &Json) -> RenderRequest<'_> {
        RenderRequest {
            release: "r",
            namespace: "ns",
            revision: 1,
            is_install: true,
            is_upgrade: false,
            values,
            helm: HelmVersion::V4,
            step: 0,
        }
    }

    fn names(crds: &Rc<Vec<Document>>) -> Vec<String> {
        crds.iter().map(|d| d.name.clone()).collect()
    }

    #[test]
    fn every_render_of_the_same_crd_files_shares_their_documents() {
        let files = crd_chart_files(
            "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n    condition: sub.enabled\n",
        );
        let mut renderer = renderer_for(&files);
        let mut render = |values: Json| renderer.render(&install(&values)).unwrap().crds;
        let first = render(serde_json::json!({}));
        assert_eq!(names(&first), ["as.example.com", "bs.example.com"]);
        let again = render(serde_json::json!({}));
        assert!(Rc::ptr_eq(&first, &again));
        // another set of files (the subchart turned off): its own list, then the first again
        let without = render(serde_json::json!({"sub": {"enabled": false}}));
        assert_eq!(names(&without), ["as.example.com"]);
        let back = render(serde_json::json!({}));
        assert_eq!(names(&back), ["as.example.com", "bs.example.com"]);
    }

    /// The text of the ConfigMap `cm` in a render's resources.
    fn config_map(out: &RenderOutput) -> String {
        out.manifests
            .resources
            .iter()
            .find(|d| d.name == "cm")
            .map(|d| d.content.to_string())
            .expect("cm rendered")
    }

    #[test]
    fn an_upgrade_prepared_from_the_install_sees_neither_its_changes_nor_its_release() {
        // The template changes its own values (Helm prepares them anew for every render).
        let tpl = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  seen: {{ .Values.nested.seen | default false | quote }}\n  {{- $_ := set .Values \"count\" (add1 .Values.count) }}\n  {{- $_ := set .Values.nested \"seen\" true }}\n  count: {{ .Values.count | quote }}\n  upgrade: {{ .Release.IsUpgrade | quote }}\n  revision: {{ .Release.Revision | quote }}\n";
        let files = std::collections::BTreeMap::from([
            (
                "Chart.yaml".to_string(),
                b"apiVersion: v2\nname: top\nversion: 0.1.0\n".to_vec(),
            ),
            (
                "values.yaml".to_string(),
                b"count: 0\nnested: {}\n".to_vec(),
            ),
            ("templates/cm.yaml".to_string(), tpl.as_bytes().to_vec()),
        ]);
        let mut renderer = renderer_for(&files);
        let values = serde_json::json!({});
        let installed = config_map(&renderer.render(&install(&values)).unwrap());
        let upgrade = RenderRequest {
            revision: 2,
            is_install: false,
            is_upgrade: true,
            ..install(&values)
        };
        let upgraded = config_map(&renderer.render(&upgrade).unwrap());
        assert!(installed.contains("count: \"1\"") && installed.contains("seen: \"false\""));
        assert!(installed.contains("upgrade: \"false\"") && installed.contains("revision: \"1\""));
        assert!(upgraded.contains("count: \"1\""), "{upgraded}");
        assert!(upgraded.contains("seen: \"false\""), "{upgraded}");
        assert!(upgraded.contains("upgrade: \"true\"") && upgraded.contains("revision: \"2\""));
        // Other values: prepared again (and the count starts from them).
        let more = serde_json::json!({"count": 5});
        let other = config_map(
            &renderer
                .render(&RenderRequest {
                    values: &more,
                    ..upgrade
                })
                .unwrap(),
        );
        assert!(other.contains("count: \"6\""), "{other}");
        let back = config_map(&renderer.render(&upgrade).unwrap());
        assert_eq!(back, upgraded);
    }

    /// A host that decodes the heads of the files sent when the render finishes, keeping
    /// them in the order given; `swap` hands two files' places and heads back exchanged (a
    /// wrong host, which the split must not trust).
    #[derive(Default)]
    struct Ahead {
        sent: std::sync::Mutex<Vec<crate::manifest::RenderedFile>>,
        swap: bool,
    }

    impl HeadsAhead for Ahead {
        fn send(&self, file: crate::manifest::RenderedFile) {
            self.sent.lock().unwrap().push(file);
        }

        fn finish(
            &self,
        ) -> (
            Vec<crate::manifest::RenderedFile>,
            std::collections::HashMap<String, Vec<Document>>,
        ) {
            let files = std::mem::take(&mut *self.sent.lock().unwrap());
            let mut decoded: std::collections::HashMap<String, Vec<Document>> = files
                .iter()
                .map(|f| (f.path.clone(), crate::manifest::decode_heads(f)))
                .collect();
            if self.swap {
                let a = decoded.remove("top/templates/a.yaml").unwrap();
                let b = decoded.remove("top/templates/b.yaml").unwrap();
                decoded.insert("top/templates/a.yaml".into(), b);
                decoded.insert("top/templates/b.yaml".into(), a);
            }
            (files, decoded)
        }
    }

    /// Every render's hooks, resources and CRDs as text.
    fn outputs(renderer: &mut ChartRenderer, values: &Json) -> Vec<String> {
        let upgrade = RenderRequest {
            revision: 2,
            is_install: false,
            is_upgrade: true,
            ..install(values)
        };
        [install(values), upgrade.clone(), upgrade]
            .iter()
            .map(|req| {
                let out = renderer.render(req).unwrap();
                format!(
                    "{:?} {:?} {:?}",
                    out.manifests.hooks, out.manifests.resources, out.crds
                )
            })
            .collect()
    }

    #[test]
    fn heads_decoded_ahead_give_the_renders_of_a_renderer_without() {
        let cm = |name: &str, extra: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}")
        };
        let files = std::collections::BTreeMap::from([
            (
                "Chart.yaml".to_string(),
                b"apiVersion: v2\nname: top\nversion: 0.1.0\n".to_vec(),
            ),
            ("crds/c.yaml".to_string(), crd("cs.example.com")),
            (
                "templates/a.yaml".to_string(),
                format!(
                    "{}---\n{}",
                    cm(
                        "a1",
                        "  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n"
                    ),
                    cm("a2-{{ .Release.Revision }}", "")
                )
                .into_bytes(),
            ),
            (
                "templates/b.yaml".to_string(),
                cm("b", "  namespace: other\n").into_bytes(),
            ),
            ("templates/NOTES.txt".to_string(), b"notes".to_vec()),
        ]);
        let values = serde_json::json!({});
        forget_earlier_renders();
        crate::manifest::remember_splits(true);
        let without = outputs(&mut renderer_for(&files), &values);
        assert!(
            without[0].contains("a2-1") && without[1].contains("a2-2"),
            "{without:?}"
        );
        for swap in [false, true] {
            forget_earlier_renders();
            let mut renderer = renderer_for(&files);
            let ahead = std::sync::Arc::new(Ahead {
                swap,
                ..Ahead::default()
            });
            renderer.heads_ahead = Some(ahead.clone());
            assert_eq!(outputs(&mut renderer, &values), without, "swap {swap}");
            // Only the first render took it.
            assert!(renderer.heads_ahead.is_none());
        }
    }

    #[test]
    fn a_crd_file_listed_twice_is_listed_twice_on_every_render() {
        let files = crd_chart_files(
            "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n    alias: one\n  - name: sub\n    version: 0.1.0\n    alias: two\n",
        );
        let mut renderer = renderer_for(&files);
        let values = serde_json::json!({});
        let req = install(&values);
        let first = names(&renderer.render(&req).unwrap().crds);
        assert_eq!(
            first,
            ["as.example.com", "bs.example.com", "bs.example.com"]
        );
        assert_eq!(names(&renderer.render(&req).unwrap().crds), first);
        // a renderer after this one (the playground's next edit) still has them all
        drop(renderer);
        let mut renderer = renderer_for(&files);
        assert_eq!(names(&renderer.render(&req).unwrap().crds), first);
    }
}
