//! The chart model: loading (from files in memory, `.tgz` archives, directories), dependency
//! processing, and everything the template engine needs to render a chart as `helm template`
//! does: each template's name, source and scoped data, in Helm's parse order.
//!
//! ```
//! use std::collections::BTreeMap;
//! use hookline::chart::{load_files, prepare_render, RenderOptions};
//! use hookline::values::ValueOptions;
//! use hookline::HelmVersion;
//!
//! let mut files = BTreeMap::new();
//! files.insert("Chart.yaml".to_string(), b"apiVersion: v2\nname: demo\nversion: 0.1.0\n".to_vec());
//! files.insert("values.yaml".to_string(), b"replicas: 1\n".to_vec());
//! files.insert("templates/cm.yaml".to_string(), b"n: {{ .Values.replicas }}\n".to_vec());
//! let chart = load_files(&files).unwrap();
//!
//! let mut flags = ValueOptions::default();
//! flags.values.push("replicas=3".into());
//! let user = flags.merge(&mut |path| Err(format!("no file {path}"))).unwrap();
//!
//! let inputs = prepare_render(&chart, &user, &RenderOptions::new("rel", "ns", HelmVersion::V4)).unwrap();
//! for t in &inputs.templates {
//!     // Parse every t.source under t.name in this order, then execute the ones that are not
//!     // partials with t.data().
//!     assert_eq!(t.name, "demo/templates/cm.yaml");
//!     let _data = t.data();
//! }
//! ```

pub mod archive;
pub mod data;
pub mod deps;
pub mod files;
pub mod ignore;
pub mod load;
pub mod meta;
pub mod objects;
pub mod semver;

use std::fmt;
use std::rc::Rc;

use gotemplate::{Map, MapRef, Value};

pub use archive::ArchiveLimits;
pub use data::{FileData, SharedRead};
pub use files::Files;
pub use load::{
    load_archive, load_archive_with_limits, load_files, load_files_with_limits, strip_common_root,
    unpack_archive, unpack_subchart_archives,
};
#[cfg(not(target_arch = "wasm32"))]
pub use load::{
    load_dir, load_dir_with, load_path, load_path_deferred, load_path_deferred_with,
    load_path_with, DeferredLoad,
};
pub use meta::{Dependency, Maintainer, Metadata};
pub use objects::{Capabilities, KubeVersion, ReleaseOptions};

use crate::plan::HelmVersion;

/// A file of a chart: its path relative to the chart root and its bytes.
#[derive(Clone, Debug)]
pub struct ChartFile {
    pub name: String,
    /// The bytes (a directory load reads files that no load step needs on first use).
    pub data: FileData,
    /// The same bytes as text, sharing `data`'s buffer, when the loader made it so (templates
    /// that are valid UTF-8): the template engine takes them without a copy.
    pub text: Option<Rc<str>>,
}

impl PartialEq for ChartFile {
    fn eq(&self, other: &ChartFile) -> bool {
        self.name == other.name && self.data == other.data
    }
}

impl Eq for ChartFile {}

impl ChartFile {
    pub fn new(name: &str, data: Vec<u8>) -> ChartFile {
        ChartFile::shared(name, Rc::from(data))
    }

    /// A file whose bytes are shared with other holders (no copy).
    pub fn shared(name: &str, data: impl Into<FileData>) -> ChartFile {
        ChartFile {
            name: name.to_string(),
            data: data.into(),
            text: None,
        }
    }

    /// A text file whose bytes are shared with `text` (no copy).
    pub fn from_text(name: &str, text: Rc<str>) -> ChartFile {
        ChartFile {
            name: name.to_string(),
            data: FileData::ready(Rc::from(text.clone())),
            text: Some(text),
        }
    }

    pub fn text(&self) -> String {
        lossy(&self.data.bytes()).into_owned()
    }
}

/// `String::from_utf8_lossy` with a fast path: valid UTF-8 (nearly every chart file) is
/// checked by `str::from_utf8`, which skips ASCII a word at a time.
pub fn lossy(data: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(data) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(data),
    }
}

/// A loaded chart (pkg/chart/v2/chart.go `Chart`).
#[derive(Clone, Debug, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// values.yaml (after dependency processing: the values with imports merged in).
    pub values: Map,
    /// values.schema.json, kept as bytes.
    pub schema: Option<Vec<u8>>,
    /// Every file of the chart as loaded (subcharts' files included, as in Helm's `Raw`).
    pub raw: Vec<ChartFile>,
    /// `templates/...`.
    pub templates: Vec<ChartFile>,
    /// Every other file (what `.Files` sees), crds/ included.
    pub files: Vec<ChartFile>,
    /// Subcharts, in load order (by directory name) or, after dependency processing, in
    /// Helm's order.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn is_library(&self) -> bool {
        self.metadata.is_library()
    }

    /// The first file (in load order) whose deferred read failed when something used it
    /// (see [`FileData`]): Helm would have failed the load with this error.
    pub fn read_error(&self) -> Option<ChartError> {
        self.raw
            .iter()
            .find_map(|f| f.data.read_error())
            .map(ChartError::new)
    }

    /// `CRDObjects` for this chart and its subcharts, with `full_path` = `ChartFullPath`.
    fn crds_into(&self, full_path: &str, out: &mut Vec<CrdFile>) {
        for f in &self.files {
            if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
                out.push(CrdFile {
                    name: f.name.clone(),
                    filename: format!("{full_path}/{}", f.name),
                    data: f.data.clone(),
                });
            }
        }
        for d in &self.dependencies {
            d.crds_into(&format!("{full_path}/charts/{}", d.name()), out);
        }
    }

    /// The crds/ files of this chart and every subchart (pkg/chart/v2/chart.go `CRDObjects`):
    /// the chart's own first, in load order, then each subchart's, depth first.
    pub fn crd_objects(&self) -> Vec<CrdFile> {
        let mut out = Vec::new();
        self.crds_into(self.name(), &mut out);
        out
    }
}

fn has_manifest_extension(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) => {
            let ext = &base[i..];
            ext.eq_ignore_ascii_case(".yaml")
                || ext.eq_ignore_ascii_case(".yml")
                || ext.eq_ignore_ascii_case(".json")
        }
        None => false,
    }
}

/// A file of a crds/ directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrdFile {
    /// Relative to its chart (`crds/x.yaml`).
    pub name: String,
    /// With the chart path, as `helm template --include-crds` prints it in `# Source:`
    /// (`parent/charts/child/crds/x.yaml`).
    pub filename: String,
    pub data: FileData,
}

/// An error loading or preparing a chart: Helm's message, and where it is when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartError {
    /// The message as Helm prints it.
    pub message: String,
    /// The file (relative to the top chart) the error is in.
    pub file: Option<String>,
    /// 1-based line and column.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl ChartError {
    pub fn new(message: impl Into<String>) -> ChartError {
        ChartError {
            message: message.into(),
            file: None,
            line: None,
            column: None,
        }
    }

    /// Attach a position.
    pub fn at(mut self, file: &str, line: Option<usize>, column: Option<usize>) -> ChartError {
        self.file = Some(file.to_string());
        self.line = line;
        self.column = column;
        self
    }

    /// Prefix the message (Helm's `fmt.Errorf("...: %w", err)`).
    pub fn wrap(mut self, prefix: String) -> ChartError {
        self.message = format!("{prefix}{}", self.message);
        self
    }

    /// `file:line:col` (as much as is known).
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.clone(),
        })
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChartError {}

/// What a render needs besides the chart and the user's values.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub release: ReleaseOptions,
    pub capabilities: Capabilities,
    /// Which Helm's data model to build (`.Chart` is a map in v4, a struct in v3).
    pub helm: HelmVersion,
    /// `--skip-schema-validation`: do not check values against `values.schema.json`.
    pub skip_schema_validation: bool,
}

impl RenderOptions {
    /// `helm template NAME` defaults for the given Helm version: namespace `default`,
    /// revision 1, install, that version's default capabilities.
    pub fn new(release_name: &str, namespace: &str, helm: HelmVersion) -> RenderOptions {
        RenderOptions {
            release: ReleaseOptions::install(release_name, namespace),
            capabilities: Capabilities::default_for(helm),
            helm,
            skip_schema_validation: false,
        }
    }
}

/// One template file, ready for the engine.
#[derive(Clone, Debug)]
pub struct TemplateInput {
    /// Full template name: `chart/templates/x.yaml`, `parent/charts/child/templates/x.yaml`.
    pub name: String,
    /// `chart/templates` (for `.Template.BasePath`).
    pub base_path: String,
    pub source: Rc<str>,
    /// Partials (base name starting with `_`) are parsed but not rendered.
    pub is_partial: bool,
    /// Name ends in `NOTES.txt` (rendered, not a manifest; only the root chart's is shown).
    pub is_notes: bool,
    /// Whether the template belongs to the top chart.
    pub is_root_chart: bool,
    /// The chart's scoped data (`Values`, `Chart`, `Release`, `Capabilities`, `Files`,
    /// `Subcharts`), shared by all templates of the chart as in Helm.
    pub vals: MapRef,
}

impl TemplateInput {
    /// The `.Template` value for this file.
    pub fn template_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Name".into(), Value::from(self.name.as_str()));
        m.insert("BasePath".into(), Value::from(self.base_path.as_str()));
        Value::map(m)
    }

    /// The data to execute this template with: as Helm's `render`, sets `Template` in the
    /// chart's shared data map and returns that map.
    pub fn data(&self) -> Value {
        self.vals
            .borrow_mut()
            .insert("Template".into(), self.template_value());
        Value::Map(self.vals.clone())
    }
}

/// Everything up to "here are the templates and their data".
#[derive(Clone, Debug)]
pub struct RenderInputs {
    /// The chart after dependency processing (disabled subcharts removed, aliases applied).
    pub chart: Chart,
    /// The top-level coalesced values (`.Values` of the root chart).
    pub values: MapRef,
    /// Every template of the tree, in Helm's parse (and execution) order: deepest paths first,
    /// reverse lexicographic within a depth (pkg/engine/engine.go `sortTemplates`).
    pub templates: Vec<TemplateInput>,
    /// crds/ files of every enabled chart, in Helm's order.
    pub crds: Vec<CrdFile>,
}

/// Prepare a render as `helm template` does (pkg/action/install.go): process dependencies
/// with the user's values, check `kubeVersion`, coalesce values (`ToRenderValues`), and build
/// each template's scoped data (pkg/engine/engine.go `recAllTpls`).
pub fn prepare_render(
    chart: &Chart,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<RenderInputs, ChartError> {
    Ok(prepare_values(chart, user_values, opts)?.into_inputs(opts))
}

/// What [`prepare_render`] does before it looks at the release: the chart after dependency
/// processing and its coalesced, checked values. None of it depends on `opts.release`, so a
/// scenario's install and upgrade with the same values, capabilities and Helm version can
/// share it (through [`PreparedValues::fresh_copy`]: a render may change its values).
#[derive(Clone, Debug)]
pub struct PreparedValues {
    chart: Chart,
    values: MapRef,
}

impl PreparedValues {
    /// A copy whose values share no map with these (the templates of one render may change
    /// theirs with `set`, `unset` or `merge`; the next render must not see it). A map reached
    /// twice in these values is one map, reached twice, in the copy too, as a re-coalesce would
    /// leave it.
    pub fn fresh_copy(&self) -> PreparedValues {
        let mut copied = std::collections::HashMap::new();
        PreparedValues {
            chart: self.chart.clone(),
            values: copy_map_sharing(&self.values, &mut copied),
        }
    }

    /// The render inputs for `opts.release` (the rest of [`prepare_render`]).
    pub fn into_inputs(self, opts: &RenderOptions) -> RenderInputs {
        let PreparedValues { chart, values } = self;
        gotemplate::value::clear_map_type_names();
        let release = opts.release.to_value();
        let caps = Value::Object(Rc::new(objects::CapabilitiesValue::new(&opts.capabilities)));
        let mut templates = Vec::new();
        rec_all_tpls(
            &chart,
            &Parent::Root(values.clone()),
            &release,
            &caps,
            opts.helm,
            chart.name().to_string(),
            &mut templates,
            0,
        );
        // Each name's depth counted once: the comparator runs thousands of times on a large chart.
        let depths: Vec<usize> = templates
            .iter()
            .map(|t| t.name.bytes().filter(|&b| b == b'/').count())
            .collect();
        crate::stable_sort::sort_by_keys(&mut templates, &depths, |da, a, db, b| {
            db.cmp(da).then_with(|| b.name.cmp(&a.name))
        });
        let crds = chart.crd_objects();
        RenderInputs {
            chart,
            values,
            templates,
            crds,
        }
    }
}

/// A deep copy of `m` in which a map met again (the same shared map) is the copy made the
/// first time. Lists are never changed in place, but they may hold maps, so they are copied.
fn copy_map_sharing(
    m: &MapRef,
    copied: &mut std::collections::HashMap<*const std::cell::RefCell<Map>, MapRef>,
) -> MapRef {
    if let Some(c) = copied.get(&Rc::as_ptr(m)) {
        return c.clone();
    }
    let copy: MapRef = Rc::new(std::cell::RefCell::new(Map::new()));
    copied.insert(Rc::as_ptr(m), copy.clone());
    // Collected from key order: a bulk build, not an insert per key.
    let entries: Map = m
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), copy_value_sharing(v, copied)))
        .collect();
    *copy.borrow_mut() = entries;
    copy
}

fn copy_value_sharing(
    v: &Value,
    copied: &mut std::collections::HashMap<*const std::cell::RefCell<Map>, MapRef>,
) -> Value {
    match v {
        Value::Map(m) => Value::Map(copy_map_sharing(m, copied)),
        Value::List(l) => Value::list(l.iter().map(|v| copy_value_sharing(v, copied)).collect()),
        other => other.clone(),
    }
}

/// The release-independent part of [`prepare_render`] (see [`PreparedValues`]).
pub fn prepare_values(
    chart: &Chart,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<PreparedValues, ChartError> {
    // pkg/action/install.go CheckIfInstallable.
    if !matches!(chart.metadata.chart_type.as_str(), "" | "application") {
        return Err(ChartError::new(format!(
            "{} charts are not installable",
            chart.metadata.chart_type
        )));
    }
    // pkg/cmd/install.go runInstall → action.CheckDependencies (root chart only).
    let missing: Vec<&str> = chart
        .metadata
        .deps()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if !missing.is_empty() {
        // Helm 3's cmd/helm/install.go capitalises the wrapping sentence.
        let first = match opts.helm {
            HelmVersion::V4 => "an",
            HelmVersion::V3 => "An",
        };
        return Err(ChartError::new(format!(
            "{first} error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )));
    }
    let mut chart = chart.clone();
    deps::process_dependencies(&mut chart, user_values, opts.helm)
        .map_err(|e| ChartError::new(format!("chart dependencies processing failed: {e}")))?;

    // pkg/chart/common/util/values.go ToRenderValuesWithSchemaValidation.
    let values = crate::values::coalesce::coalesce_values_for(&chart, user_values, opts.helm)
        .map_err(ChartError::new)?;
    if !opts.skip_schema_validation {
        crate::schema::validate_chart(&chart, &values.borrow()).map_err(|e| {
            ChartError::new(format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
            ))
        })?;
    }

    // pkg/action/action.go renderResources.
    let kv = &opts.capabilities.kube_version;
    if !chart.metadata.kube_version.is_empty()
        && !semver::is_compatible_range(&chart.metadata.kube_version, &kv.normalized())
    {
        return Err(ChartError::new(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            chart.metadata.kube_version, kv.version
        )));
    }

    Ok(PreparedValues { chart, values })
}

enum Parent {
    Root(MapRef),
    Child(MapRef),
}

#[allow(clippy::too_many_arguments)]
fn rec_all_tpls(
    c: &Chart,
    parent: &Parent,
    release: &Value,
    caps: &Value,
    helm: HelmVersion,
    full_path: String,
    out: &mut Vec<TemplateInput>,
    depth: usize,
) -> MapRef {
    let is_root = matches!(parent, Parent::Root(_));
    let chart_value = match helm {
        HelmVersion::V4 => c.metadata.to_value_v4(is_root),
        HelmVersion::V3 => c.metadata.to_value_v3(is_root),
    };
    let values = match parent {
        // Only the top chart's `.Values` gets the named type: a subchart's is the same map
        // as its parent's `.Values.<name>`, which is a plain map there (Hookline types maps
        // by identity, so one of the two views would be wrong).
        Parent::Root(v) => {
            gotemplate::value::name_map_type(
                v,
                match helm {
                    HelmVersion::V4 => "common.Values",
                    HelmVersion::V3 => "chartutil.Values",
                },
            );
            Value::Map(v.clone())
        }
        // values.Table("Values." + name): the parent's section for this chart, if a table.
        Parent::Child(p) => {
            let section = p.borrow().get("Values").and_then(|v| match v {
                Value::Map(m) => m.borrow().get(c.name()).cloned(),
                _ => None,
            });
            match section {
                Some(Value::Map(m)) => Value::Map(m),
                _ => Value::empty_map(),
            }
        }
    };
    let subcharts: MapRef = Rc::new(std::cell::RefCell::new(Map::new()));
    let files = Files::from_data(c.files.iter().map(|f| (f.name.clone(), f.data.clone())));
    let mut next = Map::new();
    next.insert("Chart".into(), chart_value);
    next.insert("Files".into(), Value::Object(Rc::new(files)));
    next.insert("Release".into(), release.clone());
    next.insert("Capabilities".into(), caps.clone());
    next.insert("Values".into(), values);
    next.insert("Subcharts".into(), Value::Map(subcharts.clone()));
    let next: MapRef = Rc::new(std::cell::RefCell::new(next));

    if depth < 100 {
        for child in &c.dependencies {
            let child_next = rec_all_tpls(
                child,
                &Parent::Child(next.clone()),
                release,
                caps,
                helm,
                format!("{full_path}/charts/{}", child.name()),
                out,
                depth + 1,
            );
            subcharts
                .borrow_mut()
                .insert(child.name().to_string(), Value::Map(child_next));
        }
    }

    let library = c.is_library();
    for t in &c.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        let is_partial = base.starts_with('_');
        if library && !is_partial {
            continue;
        }
        out.push(TemplateInput {
            name: format!("{full_path}/{}", t.name),
            base_path: format!("{full_path}/templates"),
            source: t
                .text
                .clone()
                .unwrap_or_else(|| Rc::from(lossy(&t.data.bytes()).as_ref())),
            is_partial,
            // pkg/action/action.go: any rendered file whose name ends in NOTES.txt.
            is_notes: t.name.ends_with("NOTES.txt"),
            is_root_chart: is_root,
            vals: next.clone(),
        });
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_copy_shares_no_map_with_the_kept_values_but_keeps_its_own_sharing() {
        let inner = Value::map(Map::from([("x".to_string(), Value::Int64(1))]));
        let Value::Map(inner_ref) = &inner else {
            unreachable!()
        };
        let list = Value::list(vec![inner.clone(), Value::from("s")]);
        let values: MapRef = Rc::new(std::cell::RefCell::new(Map::from([
            ("a".to_string(), inner.clone()),
            ("b".to_string(), inner.clone()),
            ("l".to_string(), list),
            ("f".to_string(), Value::Float(1.0)),
        ])));
        let kept = PreparedValues {
            chart: Chart::default(),
            values: values.clone(),
        };
        let copy = kept.fresh_copy();
        assert_eq!(*copy.values.borrow(), *values.borrow());
        let get = |k: &str| match copy.values.borrow().get(k) {
            Some(Value::Map(m)) => m.clone(),
            _ => panic!("{k} is a map"),
        };
        let (a, b) = (get("a"), get("b"));
        assert!(Rc::ptr_eq(&a, &b), "one map reached twice stays one map");
        assert!(!Rc::ptr_eq(&a, inner_ref), "and is not the kept one");
        let Some(Value::List(l)) = copy.values.borrow().get("l").cloned() else {
            panic!("l is a list")
        };
        let Value::Map(in_list) = &l[0] else {
            panic!("a map in the list")
        };
        assert!(Rc::ptr_eq(in_list, &a), "through a list too");
        a.borrow_mut().insert("x".into(), Value::Int64(2));
        assert_eq!(inner_ref.borrow().get("x"), Some(&Value::Int64(1)));
    }
}
