//! Rendered files → documents → hooks and regular resources, as Helm's `SortManifests` does.
//!
//! Source: Helm `pkg/release/v1/util/manifest_sorter.go:77-244` and `manifest.go:28-60`
//! (v4.2.4; identical in v3.21.4 under `pkg/releaseutil`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::hooks::{self, Hook};
use crate::kind_order::{self, KindOrder};
use crate::plan::HelmVersion;

/// One rendered template file: its chart-relative path (`mychart/templates/job.yaml`) and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    pub path: String,
    pub content: String,
}

/// The few fields Helm decodes from each document (`SimpleHead`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub annotations: BTreeMap<String, String>,
    /// The document text as Helm stores it (trimmed). Shared: a plan's revisions, its
    /// simulated cluster and every copy of the document hold the same text (megabytes of
    /// CRDs in large charts), never a copy of it.
    pub content: Arc<str>,
    /// Template path the document came from.
    pub path: String,
    /// Position of the document within its file (0-based).
    pub index: usize,
}

/// A regular (non-hook) resource.
pub type Resource = Document;

/// What `SortManifests` returns: hooks (kind-sorted, as stored in the release) and regular
/// resources (sorted in the given kind order).
#[derive(Clone, Debug, Default)]
pub struct SortedManifests {
    pub hooks: Vec<Hook>,
    pub resources: Vec<Resource>,
    /// Documents dropped because their `helm.sh/hook` names an unknown event.
    pub dropped: Vec<Document>,
}

/// An error Helm reports while splitting: `YAML parse error on PATH: CAUSE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YAML parse error on {}: {}", self.path, self.message)
    }
}

impl std::error::Error for ManifestError {}

/// `SplitManifests` (`manifest.go`): split on `---` separators (the regex
/// `(?:^|\s*\n)---\s*`), trim every document, drop empty ones.
pub fn split_documents(text: &str) -> Vec<String> {
    split_document_slices(text)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`split_documents`] as slices of `text` (no copies).
pub fn split_document_slices(text: &str) -> Vec<&str> {
    let text = text.trim();
    let mut docs = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // A separator starts at the beginning of the text or after a newline (the `\s*\n`
        // before it is swallowed by the trim below).
        let at_line_start = i == 0 || bytes[i - 1] == b'\n';
        if at_line_start && bytes[i..].starts_with(b"---") {
            let doc = text[start..i].trim();
            if !doc.is_empty() {
                docs.push(doc);
            }
            i += 3;
            // `\s*` after the dashes, greedy (it also eats the next line's indentation).
            while i < bytes.len() && (bytes[i] as char).is_ascii_whitespace() {
                i += 1;
            }
            start = i;
            continue;
        }
        // Only a newline can come before a separator: on to the next line that starts with
        // dashes (one substring search instead of a step per line).
        match text[i..].find("\n---") {
            Some(n) => i += n + 1,
            None => break,
        }
    }
    let doc = text[start..].trim();
    if !doc.is_empty() {
        docs.push(doc);
    }
    docs
}

/// `metadata.namespace` (Helm's `SimpleHead` leaves it out; the simulator needs it to name
/// objects in other namespaces).
fn metadata_namespace(doc: &gotemplate::Value) -> Option<String> {
    let gotemplate::Value::Map(doc) = doc else {
        return None;
    };
    let meta = doc.borrow().get("metadata").cloned()?;
    let gotemplate::Value::Map(meta) = meta else {
        return None;
    };
    let ns = meta.borrow().get("namespace").cloned();
    match ns {
        Some(gotemplate::Value::String(s)) if !s.is_empty() => Some(s.to_string()),
        _ => None,
    }
}

/// Decode a document's `SimpleHead` (apiVersion, kind, metadata name/namespace/annotations).
pub fn parse_head(path: &str, index: usize, content: &str) -> Result<Document, ManifestError> {
    // sigs.k8s.io/yaml into `SimpleHead` (manifest.go:28-35): scalars meant for string fields
    // are converted to strings (an unquoted `helm.sh/hook-weight: 5` is "5", as the real Helm
    // 3.17 and 4.1 render it); only lists and maps where a string belongs fail.
    let (head, doc) =
        crate::yaml::simple_head_and_value(content, "util.SimpleHead").map_err(|e| {
            ManifestError {
                path: path.to_string(),
                message: e.to_string(),
            }
        })?;
    let meta = head.metadata.unwrap_or_default();
    Ok(Document {
        api_version: head.api_version,
        kind: head.kind,
        name: meta.name,
        namespace: metadata_namespace(&doc),
        annotations: meta.annotations.unwrap_or_default(),
        content: content.into(),
        path: path.to_string(),
        index,
    })
}

/// Turn one multi-document text (a `helm template` output or a hand-written manifest) back
/// into rendered files: consecutive documents with the same `# Source: PATH` comment form one
/// file; documents without one belong to `default_path`.
pub fn split_template_output(text: &str, default_path: &str) -> Vec<RenderedFile> {
    let mut files: Vec<RenderedFile> = Vec::new();
    for doc in split_documents(text) {
        let path = doc
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("# Source:")
                    .map(|p| p.trim().to_string())
            })
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| default_path.to_string());
        match files.last_mut() {
            Some(f) if f.path == path => {
                f.content.push_str("\n---\n");
                f.content.push_str(&doc);
            }
            _ => files.push(RenderedFile { path, content: doc }),
        }
    }
    files
}

/// Split rendered files into hooks and resources as Helm's `SortManifests` does.
///
/// Files are visited in byte-wise path order, documents in file order; partials (`_*`) and
/// files that render to whitespace are skipped; hooks are then stable-sorted by kind in
/// InstallOrder (`sortHooksByKind`) and resources by kind in `order`.
pub fn split_rendered(
    files: &[RenderedFile],
    order: KindOrder,
    helm: HelmVersion,
) -> Result<SortedManifests, ManifestError> {
    split_rendered_refs(files.iter().collect(), order, helm)
}

thread_local! {
    /// The documents the last [`split_rendered_refs`] on this thread decoded, by template path
    /// (in file order). A scenario renders its chart for every install and upgrade, and the
    /// playground on every edit; most documents come out the same, and a document's head
    /// depends on its path, position and text only, so those are not decoded again. Only
    /// the last split's documents are kept.
    static LAST_SPLIT: RefCell<HashMap<String, Vec<Document>>> = RefCell::new(HashMap::new());
    /// Whether splits on this thread keep their documents for the next one (see
    /// [`remember_splits`]).
    static REMEMBER: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether [`split_rendered_refs`] keeps each split's documents on this thread for the next
/// split (on by default). A one-shot `hookline template` renders once: a copy of every
/// document kept for a second split that never comes only adds to its peak memory.
pub fn remember_splits(on: bool) {
    REMEMBER.with(|r| r.set(on));
    if !on {
        LAST_SPLIT.with(|c| c.borrow_mut().clear());
    }
}

/// [`split_rendered`] of borrowed files (no copy of the rendered texts).
pub fn split_rendered_refs(
    files: Vec<&RenderedFile>,
    order: KindOrder,
    helm: HelmVersion,
) -> Result<SortedManifests, ManifestError> {
    split_rendered_with(files, order, helm, None)
}

/// Runs `job(i)` for every `i` in `0..n`, in any order and on any thread: how a host with
/// threads (the CLI) lends them to the core, which has none of its own.
pub type ForEach = fn(usize, &(dyn Fn(usize) + Sync));

/// `job(i)` for every `i` in `0..n` through `for_each`, the results in index order (`None`
/// where the host skipped a job).
pub fn map_each<T: Send + Sync>(
    for_each: ForEach,
    n: usize,
    job: &(dyn Fn(usize) -> T + Sync),
) -> Vec<Option<T>> {
    let slots: Vec<std::sync::OnceLock<T>> = (0..n).map(|_| std::sync::OnceLock::new()).collect();
    for_each(n, &|i| {
        let _ = slots[i].set(job(i));
    });
    slots.into_iter().map(|s| s.into_inner()).collect()
}

/// [`split_rendered_refs`], the documents' heads decoded through `for_each` when given
/// (decoding a head depends on the document's path, position and text only, so the result,
/// and the first error in file order, are those of one thread).
pub fn split_rendered_with(
    files: Vec<&RenderedFile>,
    order: KindOrder,
    helm: HelmVersion,
    for_each: Option<ForEach>,
) -> Result<SortedManifests, ManifestError> {
    let previous = LAST_SPLIT.with(|c| std::mem::take(&mut *c.borrow_mut()));
    split_rendered_knowing(files, order, helm, for_each, previous)
}

/// [`split_rendered_with`] that takes the heads a host decoded ahead ([`decode_heads`] of
/// the files, by path) instead of the last split's: a document whose text is the same is
/// not decoded again, the others are (errors included, in file order).
pub fn split_rendered_decoded(
    files: Vec<&RenderedFile>,
    order: KindOrder,
    helm: HelmVersion,
    for_each: Option<ForEach>,
    decoded: HashMap<String, Vec<Document>>,
) -> Result<SortedManifests, ManifestError> {
    split_rendered_knowing(files, order, helm, for_each, decoded)
}

/// Whether [`split_rendered_with`] skips a rendered file: partials and files that render to
/// whitespace only (pkg/release/v1/util/manifest_sorter.go `sortManifestsByKind`).
fn skipped(file: &RenderedFile) -> bool {
    let base = file.path.rsplit('/').next().unwrap_or(&file.path);
    base.starts_with('_') || file.content.trim().is_empty()
}

/// The heads of a rendered file's documents as a split decodes them, in file order up to the
/// first that fails to decode (a split decodes that one again and reports its error); none
/// for a file a split skips. For a host that decodes them while the render goes on (see
/// [`split_rendered_decoded`]).
pub fn decode_heads(file: &RenderedFile) -> Vec<Document> {
    if skipped(file) {
        return Vec::new();
    }
    split_document_slices(&file.content)
        .into_iter()
        .enumerate()
        .map_while(|(index, doc)| parse_head(&file.path, index, doc).ok())
        .collect()
}

/// [`split_rendered_with`], the heads of documents whose text is in `previous` (by path and
/// position) taken from there.
fn split_rendered_knowing(
    mut files: Vec<&RenderedFile>,
    order: KindOrder,
    helm: HelmVersion,
    for_each: Option<ForEach>,
    mut previous: HashMap<String, Vec<Document>>,
) -> Result<SortedManifests, ManifestError> {
    crate::stable_sort::sort_by(&mut files, |a, b| a.path.cmp(&b.path));
    let remember = REMEMBER.with(|r| r.get());
    // Every document in order: the previous split's head when the text is the same, else a
    // place for the one to decode.
    enum Head {
        Kept(Document),
        Decode(usize),
    }
    let mut plan: Vec<(&str, Vec<Head>)> = Vec::new();
    let mut jobs: Vec<(&str, usize, &str)> = Vec::new();
    for file in files {
        if skipped(file) {
            continue;
        }
        // Each path comes once: its documents are moved out, not copied.
        let mut before: Vec<Option<Document>> = previous
            .remove(&file.path)
            .map_or_else(Vec::new, |b| b.into_iter().map(Some).collect());
        let mut heads = Vec::new();
        for (index, doc) in split_document_slices(&file.content).into_iter().enumerate() {
            let kept = before
                .get_mut(index)
                .filter(|d| {
                    d.as_ref()
                        .is_some_and(|d| crate::same_bytes::same_text(&d.content, doc))
                })
                .and_then(Option::take);
            heads.push(match kept {
                Some(d) => Head::Kept(d),
                None => {
                    jobs.push((&file.path, index, doc));
                    Head::Decode(jobs.len() - 1)
                }
            });
        }
        plan.push((&file.path, heads));
    }
    let mut decoded_heads: Vec<Option<Result<Document, ManifestError>>> = match for_each {
        // A thread's start costs about as much as a few heads.
        Some(for_each) if jobs.len() >= 16 => map_each(for_each, jobs.len(), &|i| {
            let (path, index, doc) = jobs[i];
            parse_head(path, index, doc)
        }),
        // One thread: stop at the first error, as Helm does.
        _ => {
            let mut out = Vec::with_capacity(jobs.len());
            for &(path, index, doc) in &jobs {
                let head = parse_head(path, index, doc);
                let failed = head.is_err();
                out.push(Some(head));
                if failed {
                    break;
                }
            }
            out
        }
    };
    let mut decoded: HashMap<String, Vec<Document>> = HashMap::new();
    let mut out = SortedManifests::default();
    for (path, heads) in plan {
        let mut docs = Vec::new();
        for head in heads {
            let document = match head {
                Head::Kept(d) => d,
                Head::Decode(i) => match decoded_heads.get_mut(i).and_then(Option::take) {
                    Some(head) => head?,
                    // Not decoded: a host's `for_each` that skipped a job.
                    None => parse_head(jobs[i].0, jobs[i].1, jobs[i].2)?,
                },
            };
            if remember {
                docs.push(document.clone());
            }
            match hooks::classify(document) {
                hooks::Classified::Resource(r) => out.resources.push(r),
                hooks::Classified::Hook(h) => out.hooks.push(h),
                hooks::Classified::Dropped(d) => out.dropped.push(d),
            }
        }
        if remember {
            decoded.insert(path.to_string(), docs);
        }
    }
    LAST_SPLIT.with(|c| *c.borrow_mut() = decoded);
    crate::stable_sort::sort_by(&mut out.hooks, |a, b| {
        kind_order::compare(&a.kind, &b.kind, KindOrder::Install, helm)
    });
    crate::stable_sort::sort_by(&mut out.resources, |a, b| {
        kind_order::compare(&a.kind, &b.kind, order, helm)
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_decoded_through_a_hosts_for_each_give_the_one_thread_split_and_first_error() {
        // A host that runs the jobs backwards: order must not matter.
        fn backwards(n: usize, job: &(dyn Fn(usize) + Sync)) {
            for i in (0..n).rev() {
                job(i);
            }
        }
        let files = |broken: &[usize]| -> Vec<RenderedFile> {
            (0..30)
                .map(|i| RenderedFile {
                    path: format!("c/templates/f{i:02}.yaml"),
                    content: format!(
                        "kind: ConfigMap\nmetadata:\n  name: cm{i}\n---\nkind: Job\nmetadata:\n  name: j{i}\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"{}\"\n{}",
                        30 - i,
                        if broken.contains(&i) { "  labels: [x\n" } else { "" }
                    ),
                })
                .collect()
        };
        let split = |files: &[RenderedFile], host: Option<ForEach>| {
            remember_splits(false);
            split_rendered_with(
                files.iter().collect(),
                KindOrder::Install,
                HelmVersion::V4,
                host,
            )
            .map(|s| format!("{:?}", (s.hooks, s.resources, s.dropped)))
            .map_err(|e| e.to_string())
        };
        let ok = files(&[]);
        let one = split(&ok, None).unwrap();
        assert!(one.contains("cm29") && one.contains("j0"));
        assert_eq!(split(&ok, Some(backwards)).unwrap(), one);
        let bad = files(&[21, 7]);
        let first = split(&bad, None).unwrap_err();
        assert!(first.contains("f07.yaml"), "{first}");
        assert_eq!(split(&bad, Some(backwards)).unwrap_err(), first);
    }

    #[test]
    fn splits_on_separators_only_at_line_start() {
        let docs = split_documents("a: 1\n---\nb: 2\n--- \n\n---\nc: '---'\n");
        assert_eq!(docs, vec!["a: 1", "b: 2", "c: '---'"]);
    }

    #[test]
    fn leading_separator_and_comment_documents() {
        let docs = split_documents("---\n# Source: x\nkind: A\n---\n# only a comment\n");
        assert_eq!(docs, vec!["# Source: x\nkind: A", "# only a comment"]);
    }

    #[test]
    fn unquoted_scalars_in_annotations_are_strings_but_lists_fail() {
        // Helm 3.17.3 and 4.1.4 both render `helm.sh/hook-weight: 5` (checked with the real
        // binaries, tests/fixtures/differential/err-unquoted-weight).
        let doc = |v: &str| {
            vec![RenderedFile {
            path: "c/templates/j.yaml".into(),
            content: format!(
                "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: {v}\n"
            ),
        }]
        };
        let sorted = split_rendered(&doc("5"), KindOrder::Install, HelmVersion::V4).unwrap();
        assert_eq!(sorted.hooks[0].weight, 5);
        let err = split_rendered(&doc("[1]"), KindOrder::Install, HelmVersion::V4).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("YAML parse error on c/templates/j.yaml"));
    }

    #[test]
    fn a_second_split_reuses_unchanged_documents_and_decodes_changed_ones() {
        let job = |weight: &str| {
            RenderedFile {
            path: "c/templates/j.yaml".into(),
            content: format!(
                "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"{weight}\"\n---\nkind: ConfigMap\nmetadata:\n  name: c\n"
            ),
        }
        };
        let split = |f: &RenderedFile| {
            split_rendered(std::slice::from_ref(f), KindOrder::Install, HelmVersion::V4).unwrap()
        };
        let first = split(&job("5"));
        let again = split(&job("5"));
        assert_eq!(first.hooks, again.hooks);
        assert_eq!(first.resources, again.resources);
        // the hook changed, the config map did not
        let changed = split(&job("6"));
        assert_eq!(changed.hooks[0].weight, 6);
        assert_eq!(changed.resources, first.resources);
        // the same text under another path is decoded for that path
        let mut moved = job("6");
        moved.path = "c/templates/k.yaml".into();
        let moved = split(&moved);
        assert_eq!(moved.resources[0].path, "c/templates/k.yaml");
        // a document that no longer decodes is an error, not the remembered head
        let mut broken = job("6");
        broken.content = broken.content.replace("name: j", "name: [j");
        assert!(split_rendered(&[broken], KindOrder::Install, HelmVersion::V4).is_err());
    }

    #[test]
    fn splits_keep_nothing_when_told_not_to_remember() {
        let file = RenderedFile {
            path: "c/templates/cm.yaml".into(),
            content: "kind: ConfigMap\nmetadata:\n  name: c\n".into(),
        };
        let kept = || LAST_SPLIT.with(|c| c.borrow().len());
        let split = || {
            split_rendered(
                std::slice::from_ref(&file),
                KindOrder::Install,
                HelmVersion::V4,
            )
            .unwrap()
        };
        split();
        assert_eq!(kept(), 1);
        remember_splits(false);
        assert_eq!(kept(), 0);
        let sorted = split();
        assert_eq!(sorted.resources.len(), 1);
        assert_eq!(kept(), 0);
        remember_splits(true);
        split();
        assert_eq!(kept(), 1);
    }
}
