//! Chart loading: from an in-memory set of files (the core API; what a browser has), from a
//! `.tgz` archive, and (native only) from a directory. Mirrors pkg/chart/v2/loader/load.go
//! `LoadFiles`, pkg/chart/v2/loader/directory.go `LoadDir` and pkg/chart/v2/loader/archive.go.

use std::collections::BTreeMap;

use super::archive::{read_archive, ArchiveLimits, Budget, BufferedFile};
use super::ignore::{Rules, HELM_IGNORE};
use super::meta::{Metadata, API_VERSION_V1};
use super::{Chart, ChartError, ChartFile, FileData};
use crate::values::{load_values, parse_yaml_document};

/// Maximum depth of subcharts within subcharts.
pub const MAX_CHART_DEPTH: usize = 64;

/// Load a chart from its files, as `helm` loads a chart directory (`LoadDir`): paths are
/// relative to the chart root (`Chart.yaml`, `templates/x.yaml`, `charts/sub/Chart.yaml`,
/// `charts/dep-1.0.0.tgz`), `.helmignore` at the root and the default rule
/// (`templates/.?*`) are applied, a UTF-8 BOM is dropped from each file. The files' contents
/// are bytes or text (the playground's files are text: no copy of them as bytes first).
pub fn load_files<B: AsRef<[u8]>>(files: &BTreeMap<String, B>) -> Result<Chart, ChartError> {
    load_files_with_limits(files, ArchiveLimits::default())
}

/// [`load_files`] with explicit size limits (they also apply to nested `.tgz` subcharts).
pub fn load_files_with_limits<B: AsRef<[u8]>>(
    files: &BTreeMap<String, B>,
    limits: ArchiveLimits,
) -> Result<Chart, ChartError> {
    load_entries(
        files.get(HELM_IGNORE).map(AsRef::as_ref),
        &mut files.iter().map(|(k, v)| (k.as_str(), v.as_ref())),
        limits,
    )
}

/// [`load_files_with_limits`] of the files `files` yields in path order, `helm_ignore` being
/// the `.helmignore` among them (one body whatever the files' type).
fn load_entries<'a>(
    helm_ignore: Option<&[u8]>,
    files: &mut dyn Iterator<Item = (&'a str, &'a [u8])>,
    limits: ArchiveLimits,
) -> Result<Chart, ChartError> {
    let mut budget = Budget::new(limits);
    let mut rules = match helm_ignore {
        Some(data) => Rules::parse(&String::from_utf8_lossy(data))
            .map_err(|(line, e)| ChartError::new(e).at(HELM_IGNORE, Some(line), None))?,
        None => Rules::empty(),
    };
    rules.add_defaults();

    let mut out: Vec<BufferedFile> = Vec::new();
    for (raw, data) in files {
        if raw.ends_with('/') || raw.ends_with('\\') {
            // A directory entry (as zip-like uploads list them): nothing to load.
            continue;
        }
        let name = normalize_path(raw)?;
        if is_ignored(&rules, &name) {
            continue;
        }
        if out.len() >= limits.max_entries {
            return Err(too_many_files(&limits));
        }
        if data.len() as u64 > limits.max_file_bytes {
            let base = name.rsplit('/').next().unwrap_or(&name);
            return Err(ChartError::new(format!(
                "chart file {} is larger than the maximum file size {}",
                crate::values::strvals::go_quote(base),
                limits.max_file_bytes
            )));
        }
        let data = data.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(data);
        out.push((name, data.into()));
    }
    // filepath.Walk order: lexical within each directory, depth first.
    sort_walk_order(&mut out);
    load_buffered(out, &mut budget, "")
}

/// When the files are one folder holding a chart (`mychart/Chart.yaml`, `mychart/values.yaml`,
/// ..., as a browser's folder upload names them) and there is no `Chart.yaml` at the top,
/// return them relative to that folder; otherwise return them unchanged.
pub fn strip_common_root(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    if files.contains_key("Chart.yaml") {
        return files.clone();
    }
    let first = |k: &str| {
        k.trim_start_matches("./")
            .split('/')
            .next()
            .unwrap_or("")
            .to_string()
    };
    let Some(root) = files.keys().next().map(|k| first(k)) else {
        return files.clone();
    };
    let prefix = format!("{root}/");
    let all_under = files
        .keys()
        .all(|k| k.trim_start_matches("./").starts_with(&prefix));
    if root.is_empty()
        || !all_under
        || !files
            .keys()
            .any(|k| k.trim_start_matches("./") == format!("{prefix}Chart.yaml"))
    {
        return files.clone();
    }
    files
        .iter()
        .map(|(k, v)| {
            (
                k.trim_start_matches("./")[prefix.len()..].to_string(),
                v.clone(),
            )
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// Load a chart from the bytes of a `.tgz` archive (`loader.LoadArchive`), with Helm's limits.
pub fn load_archive(data: &[u8]) -> Result<Chart, ChartError> {
    load_archive_with_limits(data, ArchiveLimits::default())
}

/// [`load_archive`] with explicit limits.
pub fn load_archive_with_limits(data: &[u8], limits: ArchiveLimits) -> Result<Chart, ChartError> {
    let mut budget = Budget::new(limits);
    let files = read_archive(data, &mut budget)?;
    load_buffered(files, &mut budget, "")
}

/// The files of a `.tgz` chart archive laid out as a chart directory (the archive's top
/// directory stripped), for front ends that edit a chart as plain files: every subchart
/// archive under `charts/` is unpacked into a directory (see [`unpack_subchart_archives`]).
///
/// The archive is first loaded as `helm` loads it ([`load_archive`]), so a broken archive or
/// chart is refused with Helm's error. An archive made by `helm package` loads as the same
/// chart from these files: packaging already applied each chart's `.helmignore`.
pub fn unpack_archive(data: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ChartError> {
    load_archive(data)?;
    let mut budget = Budget::new(ArchiveLimits::default());
    let files = read_archive(data, &mut budget)?;
    unpack_nested(
        files.into_iter().map(|(p, d)| (p, d.to_vec())).collect(),
        &mut budget,
        0,
    )
}

/// Unpack the subchart archives of a chart's files (`charts/redis-17.3.0.tgz`, as
/// `helm dependency build` leaves them) into directories (`charts/redis-17.3.0/...`), nested
/// ones too, so that every file of the chart is a plain file. `helm` loads a subchart from a
/// directory as from its archive (pkg/chart/loader/load.go `LoadFiles` reads `charts/<name>/`
/// and `charts/<name>.tgz` alike); the directory is named after the archive without `.tgz`.
/// Helm's archive limits apply, to every nested archive together.
pub fn unpack_subchart_archives(
    files: BTreeMap<String, Vec<u8>>,
) -> Result<BTreeMap<String, Vec<u8>>, ChartError> {
    let mut budget = Budget::new(ArchiveLimits::default());
    unpack_nested(files, &mut budget, 0)
}

/// `charts/<name>.tgz` directly under a `charts/` directory (at any depth of subcharts).
fn subchart_archive(path: &str) -> Option<(&str, &str)> {
    let (dir, base) = match path.rsplit_once('/') {
        Some((d, b)) => (d, b),
        None => return None,
    };
    let is_charts_dir = dir == "charts" || dir.ends_with("/charts");
    let stem = base.strip_suffix(".tgz")?;
    (is_charts_dir && !stem.is_empty()).then_some((dir, stem))
}

fn unpack_nested(
    files: BTreeMap<String, Vec<u8>>,
    budget: &mut Budget,
    depth: usize,
) -> Result<BTreeMap<String, Vec<u8>>, ChartError> {
    if depth > MAX_CHART_DEPTH {
        return Err(ChartError::new(format!(
            "chart nesting is deeper than the maximum of {MAX_CHART_DEPTH} subchart levels"
        )));
    }
    let mut out = BTreeMap::new();
    let mut archives = Vec::new();
    for (path, data) in files {
        match subchart_archive(&path) {
            Some((dir, stem)) => archives.push((format!("{dir}/{stem}"), path.clone(), data)),
            None => {
                out.insert(path, data);
            }
        }
    }
    for (mut dir, path, data) in archives {
        // A directory of that name already holds another subchart: keep both apart.
        while out.keys().any(|k| k.starts_with(&format!("{dir}/"))) {
            dir.push_str("-tgz");
        }
        let inner = read_archive(&data, budget)
            .map_err(|e| e.wrap(format!("error unpacking subchart {path}: ")))?;
        let inner = inner.into_iter().map(|(p, d)| (p, d.to_vec())).collect();
        let inner = unpack_nested(inner, budget, depth + 1)?;
        for (p, d) in inner {
            out.insert(format!("{dir}/{p}"), d);
        }
    }
    Ok(out)
}

/// Reject absolute paths and `..`; drop a leading `./`; use `/` separators.
fn normalize_path(raw: &str) -> Result<String, ChartError> {
    let p = raw.replace('\\', "/");
    if p.starts_with('/') || super::archive::clean_path(&p).starts_with("..") {
        return Err(ChartError::new(format!(
            "chart illegally references a path outside the chart: {}",
            crate::values::strvals::go_quote(raw)
        )));
    }
    let cleaned = super::archive::clean_path(&p);
    if cleaned == "." {
        return Err(ChartError::new(format!(
            "chart contains a file with an empty name: {}",
            crate::values::strvals::go_quote(raw)
        )));
    }
    Ok(cleaned)
}

/// A file is skipped when it or any directory above it is ignored (the walk skips ignored
/// directories as a whole).
fn is_ignored(rules: &Rules, name: &str) -> bool {
    let mut prefix_end = 0;
    while let Some(i) = name[prefix_end..].find('/') {
        let dir = &name[..prefix_end + i];
        if rules.ignore(dir, true) {
            return true;
        }
        prefix_end += i + 1;
    }
    rules.ignore(name, false)
}

fn yaml_err(prefix: &str, file: &str, e: crate::values::YamlError) -> ChartError {
    ChartError::new(format!("{prefix}: {}", e.message)).at(file, e.line, e.column)
}

/// `loader.LoadFiles`. `path` is the chart's location for error positions (`charts/sub/`).
pub(crate) fn load_buffered(
    files: Vec<BufferedFile>,
    budget: &mut Budget,
    path: &str,
) -> Result<Chart, ChartError> {
    let files = files
        .into_iter()
        .map(|(name, data)| (name, FileData::ready(data)))
        .collect();
    load_buffered_texts(files, budget, path, &mut Loading::default())
}

/// A file of a chart being loaded: its path relative to the chart and its bytes.
type LoadedFile = (String, FileData);

/// Templates kept as text, by the address of the bytes they share (see [`load_buffered`]).
type Texts = std::collections::HashMap<usize, std::rc::Rc<str>>;

/// What a load carries from chart to chart: the templates kept as text and, when the load
/// defers the values files (see [`load_path_deferred`]), those files, each with the position
/// of its chart in the tree (the indices into `dependencies` from the top chart).
#[derive(Default)]
struct Loading {
    texts: Texts,
    deferred_values: Option<Vec<(Vec<usize>, FileData)>>,
    at: Vec<usize>,
}

/// Whether a file is a template of the chart or of a subchart in it.
fn is_template_path(name: &str) -> bool {
    name.starts_with("templates/") || name.contains("/templates/")
}

fn load_buffered_texts(
    files: Vec<LoadedFile>,
    budget: &mut Budget,
    path: &str,
    loading: &mut Loading,
) -> Result<Chart, ChartError> {
    let texts = &mut loading.texts;
    // Not in Helm: a cap on subchart nesting, so that nested archives cannot exhaust the stack.
    if path.matches("charts/").count() > MAX_CHART_DEPTH {
        return Err(ChartError::new(format!(
            "chart nesting is deeper than the maximum of {MAX_CHART_DEPTH} subchart levels"
        ))
        .at(path, None, None));
    }
    // Templates that are valid UTF-8 are kept as text, their bytes sharing its buffer (the
    // template engine parses text: one buffer per template instead of two).
    // Subcharts' templates too, here, so that `raw` shares their text.
    let mut files = files;
    for (name, data) in files.iter_mut() {
        if !is_template_path(name) {
            continue;
        }
        // Templates are never deferred (see `walk`).
        let Some(bytes) = data.loaded() else {
            continue;
        };
        if texts.contains_key(&(bytes.as_ptr() as usize)) {
            continue;
        }
        if let Ok(s) = std::str::from_utf8(bytes) {
            let text: std::rc::Rc<str> = std::rc::Rc::from(s);
            let shared: std::rc::Rc<[u8]> = std::rc::Rc::from(text.clone());
            texts.insert(shared.as_ptr() as usize, text);
            *data = FileData::ready(shared);
        }
    }
    let mut metadata: Option<Metadata> = None;
    let mut chart = Chart::default();
    for (name, data) in &files {
        chart.raw.push(ChartFile::shared(name, data.clone()));
        if name == "Chart.yaml" {
            let md = metadata.get_or_insert_with(Metadata::default);
            let bytes = data.bytes();
            let text = super::lossy(&bytes);
            let doc = parse_yaml_document(&text)
                .map_err(|e| yaml_err("cannot load Chart.yaml", &format!("{path}Chart.yaml"), e))?;
            md.merge_from(&doc).map_err(|e| {
                ChartError::new(format!("cannot load Chart.yaml: {e}")).at(
                    &format!("{path}Chart.yaml"),
                    None,
                    None,
                )
            })?;
            if md.api_version.is_empty() {
                md.api_version = API_VERSION_V1.into();
            }
        }
    }
    let mut subcharts: BTreeMap<String, Vec<LoadedFile>> = BTreeMap::new();
    for (name, data) in files {
        let text = || super::lossy(&data.bytes()).into_owned();
        match name.as_str() {
            "Chart.yaml" => continue,
            "Chart.lock" | "requirements.lock" => {
                parse_yaml_document(&text()).map_err(|e| {
                    yaml_err(&format!("cannot load {name}"), &format!("{path}{name}"), e)
                })?;
                // Only requirements.lock creates the metadata when Chart.yaml is missing.
                if name == "requirements.lock" {
                    let md = metadata.get_or_insert_with(Metadata::default);
                    if md.api_version == API_VERSION_V1 {
                        chart.files.push(ChartFile::shared(&name, data));
                    }
                }
            }
            "values.yaml" => {
                if let Some(deferred) = &mut loading.deferred_values {
                    deferred.push((loading.at.clone(), data));
                    continue;
                }
                let values = load_values(&text()).map_err(|e| {
                    yaml_err("cannot load values.yaml", &format!("{path}values.yaml"), e)
                })?;
                chart.values = values;
            }
            "values.schema.json" => chart.schema = Some(data.bytes().to_vec()),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(Metadata::default);
                let doc = parse_yaml_document(&text()).map_err(|e| {
                    yaml_err(
                        "cannot load requirements.yaml",
                        &format!("{path}requirements.yaml"),
                        e,
                    )
                })?;
                md.merge_from(&doc).map_err(|e| {
                    ChartError::new(format!("cannot load requirements.yaml: {e}")).at(
                        &format!("{path}requirements.yaml"),
                        None,
                        None,
                    )
                })?;
                if md.api_version == API_VERSION_V1 {
                    chart.files.push(ChartFile::shared(&name, data));
                }
            }
            n if n.starts_with("templates/") => chart.templates.push(
                match data
                    .loaded()
                    .and_then(|d| texts.get(&(d.as_ptr() as usize)))
                {
                    Some(text) => ChartFile::from_text(n, text.clone()),
                    None => ChartFile::shared(n, data),
                },
            ),
            n if n.starts_with("charts/") => {
                if ext(n) == ".prov" {
                    chart.files.push(ChartFile::shared(n, data));
                    continue;
                }
                let fname = &n["charts/".len()..];
                let cname = fname.split('/').next().unwrap_or("").to_string();
                subcharts
                    .entry(cname)
                    .or_default()
                    .push((fname.to_string(), data));
            }
            _ => chart.files.push(ChartFile::shared(&name, data)),
        }
    }
    let Some(mut md) = metadata else {
        return Err(ChartError::new("Chart.yaml file is missing").at(
            &format!("{path}Chart.yaml"),
            None,
            None,
        ));
    };
    md.validate()
        .map_err(|e| ChartError::new(e).at(&format!("{path}Chart.yaml"), None, None))?;
    chart.metadata = md;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub_path = format!("{path}charts/{n}/");
        loading.at.push(chart.dependencies.len());
        let loaded = if ext(&n) == ".tgz" {
            let (fname, data) = &files[0];
            if *fname != n {
                return Err(ChartError::new(format!(
                    "error unpacking subchart tar in {}: expected {}, got {}",
                    chart.name(),
                    n,
                    fname
                )));
            }
            read_archive(&data.bytes(), budget).and_then(|f| {
                let f = f
                    .into_iter()
                    .map(|(name, data)| (name, FileData::ready(data)))
                    .collect();
                load_buffered_texts(f, budget, &sub_path, loading)
            })
        } else {
            let buff: Vec<LoadedFile> = files
                .into_iter()
                .filter_map(|(f, d)| f.split_once('/').map(|(_, rest)| (rest.to_string(), d)))
                .collect();
            load_buffered_texts(buff, budget, &sub_path, loading)
        };
        loading.at.pop();
        match loaded {
            Ok(sc) => chart.dependencies.push(sc),
            Err(e) => {
                return Err(e.wrap(format!(
                    "error unpacking subchart {} in {}: ",
                    n,
                    chart.name()
                )))
            }
        }
    }
    Ok(chart)
}

/// Sort files into `filepath.Walk` order: their paths compared segment by segment. A path
/// with each `/` as a NUL byte (which no file name holds) compares byte-wise the same way: a
/// segment that ends first sorts first, as a shorter segment does. Keyed once per file, not
/// split again in every comparison.
fn sort_walk_order<T>(files: &mut [(String, T)]) {
    if files.iter().any(|(name, _)| name.contains('\0')) {
        crate::stable_sort::sort_by(files, |a, b| a.0.split('/').cmp(b.0.split('/')));
        return;
    }
    let keys: Vec<Vec<u8>> = files
        .iter()
        .map(|(name, _)| {
            name.bytes()
                .map(|b| if b == b'/' { 0 } else { b })
                .collect()
        })
        .collect();
    crate::stable_sort::sort_by_keys(files, &keys, |ka, _, kb, _| ka.cmp(kb));
}

/// Go's `filepath.Ext`.
fn ext(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

/// Load a chart from a directory or a `.tgz` file on disk (`loader.Load`): not in the wasm
/// build, the core stays I/O-free there.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_path(path: &std::path::Path) -> Result<Chart, ChartError> {
    load_path_with(path, ArchiveLimits::default())
}

/// [`load_path`] with explicit limits.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_path_with(path: &std::path::Path, limits: ArchiveLimits) -> Result<Chart, ChartError> {
    let meta = std::fs::metadata(path).map_err(|e| ChartError::new(e.to_string()))?;
    if meta.is_dir() {
        load_dir_with(path, limits)
    } else {
        let data = std::fs::read(path).map_err(|e| ChartError::new(e.to_string()))?;
        load_archive_with_limits(&data, limits)
    }
}

/// Helm reads a chart directory of any number of files; Hookline stops at
/// [`ArchiveLimits::max_entries`] (a dropped home directory must not hang the page).
fn too_many_files(limits: &ArchiveLimits) -> ChartError {
    ChartError::new(format!(
        "chart has more than the maximum number of files {}{}",
        limits.max_entries,
        gotemplate::limit_hint("files")
    ))
}

/// Load a chart directory (`loader.LoadDir`): walks the tree following symbolic links (with
/// a depth cap against cycles), skipping ignored directories as a whole.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_dir(dir: &std::path::Path) -> Result<Chart, ChartError> {
    load_dir_with(dir, ArchiveLimits::default())
}

/// [`load_dir`] with explicit limits.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_dir_with(dir: &std::path::Path, limits: ArchiveLimits) -> Result<Chart, ChartError> {
    load_dir_files(dir, limits, &mut Loading::default(), &mut |_| {})
}

/// [`load_dir_with`] with what the load carries (see [`Loading`]).
#[cfg(not(target_arch = "wasm32"))]
fn load_dir_files(
    dir: &std::path::Path,
    limits: ArchiveLimits,
    loading: &mut Loading,
    on_template: &mut dyn FnMut(&str),
) -> Result<Chart, ChartError> {
    let ignore_path = dir.join(HELM_IGNORE);
    let mut rules = if ignore_path.is_file() {
        let text =
            std::fs::read_to_string(&ignore_path).map_err(|e| ChartError::new(e.to_string()))?;
        Rules::parse(&text)
            .map_err(|(line, e)| ChartError::new(e).at(HELM_IGNORE, Some(line), None))?
    } else {
        Rules::empty()
    };
    rules.add_defaults();
    let mut files = BTreeMap::new();
    let mut scratch = Vec::new();
    let mut walking = Walking {
        rules: &rules,
        out: &mut files,
        texts: &mut loading.texts,
        limits: &limits,
        scratch: &mut scratch,
        on_template,
    };
    walking.walk(dir, "", 0)?;
    drop(scratch);
    // The rules were applied during the walk; load without them again.
    let mut budget = Budget::new(limits);
    let mut out: Vec<LoadedFile> = files.into_iter().collect();
    sort_walk_order(&mut out);
    load_buffered_texts(out, &mut budget, "", loading)
}

/// A chart loaded from disk but for its values files (the chart's and its subcharts'
/// `values.yaml`, most of a large chart's load): see [`load_path_deferred`].
#[cfg(not(target_arch = "wasm32"))]
pub struct DeferredLoad {
    chart: Chart,
    values: Vec<(Vec<usize>, FileData)>,
    path: std::path::PathBuf,
    limits: ArchiveLimits,
}

/// [`load_path_with`] in two steps, so that a host with threads can start on the templates
/// (parsing them) while [`DeferredLoad::finish`] parses the values files: the result, and
/// the error when the load fails, are those of [`load_path_with`]. Archives are loaded in
/// one step.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_path_deferred(
    path: &std::path::Path,
    limits: ArchiveLimits,
) -> Result<DeferredLoad, ChartError> {
    load_path_deferred_with(path, limits, &mut |_| {})
}

/// [`load_path_deferred`] that hands each template text to `on_template` as soon as it is
/// read (a chart directory's templates that are valid UTF-8: the very texts, at the same
/// address, that [`DeferredLoad::template_texts`] gives later), so that a host can parse them
/// while the rest of the chart is still being read.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_path_deferred_with(
    path: &std::path::Path,
    limits: ArchiveLimits,
    on_template: &mut dyn FnMut(&str),
) -> Result<DeferredLoad, ChartError> {
    let loaded = if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        let mut loading = Loading {
            deferred_values: Some(Vec::new()),
            ..Loading::default()
        };
        load_dir_files(path, limits, &mut loading, on_template)
            .map(|chart| (chart, loading.deferred_values.unwrap_or_default()))
    } else {
        load_path_with(path, limits).map(|chart| (chart, Vec::new()))
    };
    match loaded {
        Ok((chart, values)) => Ok(DeferredLoad {
            chart,
            values,
            path: path.to_path_buf(),
            limits,
        }),
        // A values file earlier in the load could have failed first: the one-step load
        // reports the error in its order.
        Err(e) => Err(load_path_with(path, limits).err().unwrap_or(e)),
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl DeferredLoad {
    /// The texts of every template of the chart and its subcharts that is valid UTF-8 (what
    /// [`super::prepare_render`] hands the template engine, the same `Rc`s), in load order.
    pub fn template_texts(&self) -> Vec<std::rc::Rc<str>> {
        fn collect(c: &Chart, out: &mut Vec<std::rc::Rc<str>>) {
            out.extend(c.templates.iter().filter_map(|t| t.text.clone()));
            for d in &c.dependencies {
                collect(d, out);
            }
        }
        let mut out = Vec::new();
        collect(&self.chart, &mut out);
        out
    }

    /// The chart with its values files parsed.
    pub fn finish(self) -> Result<Chart, ChartError> {
        let mut chart = self.chart;
        for (at, data) in self.values {
            let node = at.iter().fold(&mut chart, |c, &i| &mut c.dependencies[i]);
            match load_values(&super::lossy(&data.bytes())) {
                Ok(values) => node.values = values,
                // The one-step load's error: the first in its order (wrapped in the
                // subcharts' names as it wraps it).
                Err(e) => {
                    return Err(load_path_with(&self.path, self.limits)
                        .err()
                        .unwrap_or_else(|| ChartError::new(e.message)))
                }
            }
        }
        Ok(chart)
    }
}

/// Whether loading a chart reads the file at `path` (relative to the top chart): the
/// files [`load_buffered_texts`] parses or keeps as text, in the chart or in any subchart
/// directory under it, and every file directly in a `charts/` directory (subchart archives).
/// The others are read when a render uses them (see [`FileData`]).
#[cfg(not(target_arch = "wasm32"))]
fn needed_at_load(path: &str) -> bool {
    let mut rel = path;
    while let Some(rest) = rel.strip_prefix("charts/") {
        match rest.split_once('/') {
            Some((_, inner)) => rel = inner,
            None => return true,
        }
    }
    is_template_path(rel)
        || matches!(
            rel,
            "Chart.yaml"
                | "Chart.lock"
                | "requirements.lock"
                | "requirements.yaml"
                | "values.yaml"
                | "values.schema.json"
        )
}

/// The whole of `f` into `buf` (what it held before is overwritten: only new length is
/// zeroed), `size` being what the walk's metadata said: two reads for a file that still has
/// that size. `read_to_end` would ask the file for its size and position again and read a
/// large file in growing pieces (a system call each).
#[cfg(not(target_arch = "wasm32"))]
fn read_all(mut f: std::fs::File, size: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    buf.resize(size.saturating_add(1).max(64), 0);
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        match f.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(())
}

/// A directory walk's state: what it reads into, by what rules.
#[cfg(not(target_arch = "wasm32"))]
struct Walking<'w> {
    rules: &'w Rules,
    out: &'w mut BTreeMap<String, FileData>,
    /// Templates kept as text (see [`load_buffered_texts`]), made as they are read.
    texts: &'w mut Texts,
    limits: &'w ArchiveLimits,
    scratch: &'w mut Vec<u8>,
    on_template: &'w mut dyn FnMut(&str),
}

#[cfg(not(target_arch = "wasm32"))]
impl Walking<'_> {
    fn walk(&mut self, dir: &std::path::Path, rel: &str, depth: usize) -> Result<(), ChartError> {
        let (rules, limits) = (self.rules, self.limits);
        if depth > 64 {
            return Err(ChartError::new(format!(
                "chart directory is nested too deeply (symbolic link cycle?) at {}",
                dir.display()
            )));
        }
        let io = |e: std::io::Error| ChartError::new(e.to_string());
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let fname = entry.file_name().to_string_lossy().into_owned();
            let name = if rel.is_empty() {
                fname.clone()
            } else {
                format!("{rel}/{fname}")
            };
            let path = entry.path();
            // Follows links. Other entries are looked up in their directory (the name, not the
            // whole path again).
            let meta = match entry.file_type() {
                Ok(t) if !t.is_symlink() => entry.metadata(),
                _ => std::fs::metadata(&path),
            }
            .map_err(io)?;
            if meta.is_dir() {
                if rules.ignore(&name, true) {
                    continue;
                }
                self.walk(&path, &name, depth + 1)?;
                continue;
            }
            if rules.ignore(&name, false) {
                continue;
            }
            if self.out.len() >= limits.max_entries {
                return Err(too_many_files(limits));
            }
            if !meta.is_file() {
                return Err(ChartError::new(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    path.display()
                )));
            }
            if meta.len() > limits.max_file_bytes {
                return Err(ChartError::new(format!(
                    "chart file {} is larger than the maximum file size {}",
                    crate::values::strvals::go_quote(&fname),
                    limits.max_file_bytes
                )));
            }
            if !needed_at_load(&name) {
                // Opened as Helm's walk would read it (an unreadable file fails the load here),
                // read when a render asks for it.
                std::fs::File::open(&path)
                    .map_err(|e| ChartError::new(format!("error reading {name}: {e}")))?;
                let read_name = name.clone();
                let data = FileData::deferred(
                    Box::new(move || {
                        std::fs::read(&path).map_err(|e| format!("error reading {read_name}: {e}"))
                    }),
                    meta.len(),
                );
                self.out.insert(name, data);
                continue;
            }
            // Read through one reused buffer, then copy once into the shared buffer the chart
            // keeps: a fresh buffer per file and a copy of it would touch every page twice.
            let scratch = &mut *self.scratch;
            let f = std::fs::File::open(&path)
                .map_err(|e| ChartError::new(format!("error reading {name}: {e}")))?;
            read_all(f, usize::try_from(meta.len()).unwrap_or(0), scratch)
                .map_err(|e| ChartError::new(format!("error reading {name}: {e}")))?;
            let data = scratch
                .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
                .unwrap_or(scratch);
            // A template is kept as text from here (load_buffered_texts keeps it), and the
            // host may start parsing it while the walk goes on.
            let text = if is_template_path(&name) {
                std::str::from_utf8(data).ok()
            } else {
                None
            };
            let shared: std::rc::Rc<[u8]> = match text {
                Some(t) => {
                    let text: std::rc::Rc<str> = std::rc::Rc::from(t);
                    (self.on_template)(&text);
                    let shared = std::rc::Rc::<[u8]>::from(text.clone());
                    self.texts.insert(shared.as_ptr() as usize, text);
                    shared
                }
                None => std::rc::Rc::from(data),
            };
            self.out.insert(name, FileData::ready(shared));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One buffer read long, short, empty and longer files in turn: each read gives the file's
    /// bytes exactly (nothing left over from the one before), also when the size told is
    /// wrong.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn read_all_reuses_its_buffer_without_leftovers() {
        let dir = std::env::temp_dir().join(format!("hookline-read-all-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut buf = Vec::new();
        for (i, len) in [5000usize, 3, 0, 70, 9000].into_iter().enumerate() {
            let bytes: Vec<u8> = (0..len).map(|j| (j * 7 + i) as u8).collect();
            let path = dir.join(format!("f{i}"));
            std::fs::write(&path, &bytes).unwrap();
            for told in [len, 0, len / 2] {
                read_all(std::fs::File::open(&path).unwrap(), told, &mut buf).unwrap();
                assert_eq!(buf, bytes, "file {i} of {len} bytes, told {told}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The keyed sort is the segment-by-segment sort, ties kept in order.
    #[test]
    fn walk_order_compares_paths_segment_by_segment() {
        let names = [
            "a/b",
            "a-b",
            "a",
            "a/b/c",
            "a.b/c",
            "ab",
            "a/",
            "",
            "a//b",
            "b",
            "a/b",
            "A/b",
            "a\0/x",
            "a/\u{e9}",
            "a/z",
            "templates/_h.tpl",
            "templates/a.yaml",
            "templates-x/a",
        ];
        for skip_nul in [true, false] {
            let mut files: Vec<(String, usize)> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| !(skip_nul && n.contains('\0')))
                .map(|(i, n)| (n.to_string(), i))
                .collect();
            let mut want = files.clone();
            want.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
            sort_walk_order(&mut files);
            assert_eq!(files, want);
        }
    }
}
