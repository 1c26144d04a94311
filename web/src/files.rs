//! The chart's file tree: open, add, rename and delete files; open a chart folder or a `.tgz`
//! chart archive (pickers, or drag and drop onto the page); start from a pasted manifest.

use std::collections::BTreeMap;

use hookline::stable_sort::map_from;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::app::Ctx;
use crate::js;
use crate::model::{first_file, ScenarioModel, Workspace};

/// What opening files gave: the workspace, and the files left out (binary or too large).
#[derive(Debug)]
pub struct Opened {
    pub ws: Workspace,
    pub skipped: Vec<String>,
    /// The archive the chart came from, if it was one.
    pub archive: Option<String>,
}

/// Whether opening these files reads an archive: the page then fetches its second module
/// first, unless the core reads archives itself (see [`hookline::chart::archive::BUILT_IN`]).
fn needs_archive_reader(pairs: &[(String, Option<Vec<u8>>)]) -> bool {
    !hookline::chart::archive::BUILT_IN
        && pairs
            .iter()
            .any(|(p, d)| p.ends_with(".tgz") || d.as_deref().is_some_and(|d| is_archive(p, d)))
}

fn is_archive(path: &str, data: &[u8]) -> bool {
    (path.ends_with(".tgz") || path.ends_with(".tar.gz")) && data.starts_with(&[0x1f, 0x8b])
}

/// Strip the folder the files share (`mychart/Chart.yaml` → `Chart.yaml`).
fn strip_top<T>(pairs: Vec<(String, T)>) -> Vec<(String, T)> {
    let top = |p: &str| p.split_once('/').map(|(d, _)| d.to_string());
    let first_top = pairs.first().and_then(|(p, _)| top(p));
    let strip = first_top.filter(|t| pairs.iter().all(|(p, _)| top(p).as_deref() == Some(t)));
    match strip {
        Some(t) => pairs
            .into_iter()
            .map(|(p, d)| (p[t.len() + 1..].to_string(), d))
            .collect(),
        None => pairs,
    }
}

/// A workspace from files read off the disk: a chart archive (`.tgz`), a chart folder (its
/// top directory stripped; subchart archives in `charts/` unpacked, as the core loads them),
/// or lone manifests. The editor holds text, so binary files are left out and listed.
pub fn workspace_from_files(
    pairs: Vec<(String, Option<Vec<u8>>)>,
    keep: &Workspace,
) -> Result<Opened, String> {
    let mut skipped: Vec<String> = Vec::new();
    let mut bytes: Vec<(String, Vec<u8>)> = Vec::new();
    for (p, d) in pairs {
        match d {
            Some(d) => bytes.push((p, d)),
            None => skipped.push(format!("{p} (larger than 5 MiB)")),
        }
    }
    let mut archive = None;
    let single_archive = matches!(bytes.as_slice(), [(name, data)] if is_archive(name, data));
    let files: BTreeMap<String, Vec<u8>> = if single_archive {
        let (name, data) = &bytes[0];
        let base = name.rsplit('/').next().unwrap_or(name).to_string();
        let files = if hookline::chart::archive::BUILT_IN {
            hookline::chart::unpack_archive(data).map_err(|e| e.to_string())
        } else {
            crate::lazy_engine::unpack("archive", map_from([(base.clone(), data.clone())]))
        }
        .map_err(|e| format!("{base}: {e}"))?;
        archive = Some(base);
        files
    } else {
        let files: BTreeMap<String, Vec<u8>> = map_from(strip_top(bytes));
        if !files.contains_key("Chart.yaml") {
            files
        } else if hookline::chart::archive::BUILT_IN {
            hookline::chart::unpack_subchart_archives(files).map_err(|e| e.to_string())?
        } else if files.keys().any(|p| p.ends_with(".tgz")) {
            crate::lazy_engine::unpack("subcharts", files)?
        } else {
            files
        }
    };
    let mut text = BTreeMap::new();
    for (p, d) in files {
        match String::from_utf8(d) {
            Ok(t) if !t.contains('\u{0}') => {
                text.insert(p, t);
            }
            _ => skipped.push(format!("{p} (binary)")),
        }
    }
    if text.is_empty() {
        return Err("No text files found in what was opened.".into());
    }
    let files = text;
    if files.len() == 1 && !files.contains_key("Chart.yaml") {
        let text = files.into_values().next().unwrap_or_default();
        let mut ws = Workspace::single_manifest(&text);
        ws.scenario = keep.scenario.clone();
        return Ok(Opened {
            ws: ws.normalise(),
            skipped,
            archive,
        });
    }
    let ws = Workspace {
        open: first_file(&files),
        files,
        scenario: ScenarioModel {
            cluster: Vec::new(),
            steps: keep.scenario.steps.clone(),
        },
        helm: keep.helm.clone(),
        ..Workspace::default()
    }
    .normalise();
    Ok(Opened {
        ws,
        skipped,
        archive,
    })
}

/// Load files read by the JavaScript helpers (a drop, the folder or the archive picker).
pub fn load_files(ctx: Ctx, p: js_sys::Promise) {
    spawn_local(async move {
        let pairs = js::file_pairs(p).await;
        // A `.hookline` file (the share panel's download for links too long to paste) opens
        // as the link it holds.
        if let [(path, Some(bytes))] = pairs.as_slice() {
            if path.ends_with(".hookline") {
                crate::share::open_hookline(ctx, path, &String::from_utf8_lossy(bytes));
                return;
            }
        }
        if needs_archive_reader(&pairs) {
            if let Err(e) = crate::lazy_engine::load().await {
                let message = format!("Could not open it: the archive reader did not load ({e}).");
                ctx.announce(message.clone());
                ctx.file_status.set((message, true));
                return;
            }
        }
        let message = match workspace_from_files(pairs, &ctx.ws.get_untracked()) {
            Ok(o) => {
                let n = o.ws.files.len();
                let name = o.ws.chart_name();
                ctx.load(o.ws);
                let mut m = match (&o.archive, name) {
                    (Some(a), Some(c)) => format!("Opened chart {c} from {a}: {n} file(s)."),
                    (None, Some(c)) => format!("Opened chart {c}: {n} file(s)."),
                    _ => format!("Opened {n} file(s)."),
                };
                if !o.skipped.is_empty() {
                    m.push_str(&format!(
                        " Left out (the editor holds text): {}.",
                        o.skipped.join(", ")
                    ));
                }
                (m, false)
            }
            Err(e) => (format!("Could not open it: {e}"), true),
        };
        ctx.announce(message.0.clone());
        ctx.file_status.set(message);
    });
}

fn file_label(path: &str) -> (String, String) {
    match path.rsplit_once('/') {
        Some((dir, base)) => (format!("{dir}/"), base.to_string()),
        None => (String::new(), path.to_string()),
    }
}

#[component]
pub fn Files() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let paths = Memo::new(move |_| ctx.ws.with(|w| w.files.keys().cloned().collect::<Vec<_>>()));
    let open = Memo::new(move |_| ctx.ws.with(|w| w.open.clone()));
    let with_errors = Memo::new(move |_| {
        ctx.result
            .with(|r| hookline::stable_sort::set_from(r.diagnostics.iter().map(|d| d.file.clone())))
    });
    let path_input = RwSignal::new(String::new());
    // `webkitdirectory` (pick a whole folder) is not a typed attribute; set it once mounted.
    let folder_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = folder_ref.get() {
            let _ = el.set_attribute("webkitdirectory", "");
        }
    });
    let status = ctx.file_status;
    let message = move |m: String| status.set((m, false));

    let new_file = move |_| {
        let mut p = path_input
            .get_untracked()
            .trim()
            .trim_start_matches('/')
            .to_string();
        if p.is_empty() {
            let n = (1..)
                .find(|i| {
                    ctx.ws.with_untracked(|w| {
                        !w.files.contains_key(&format!("templates/new-{i}.yaml"))
                    })
                })
                .unwrap_or(1);
            p = format!("templates/new-{n}.yaml");
        }
        if ctx.ws.with_untracked(|w| w.files.contains_key(&p)) {
            message(format!("{p} already exists."));
            return;
        }
        ctx.ws.update(|w| {
            w.files.insert(p.clone(), String::new());
            w.open = p.clone();
        });
        message(format!("Added {p}."));
        path_input.set(String::new());
        ctx.commit_now();
    };
    let rename = move |_| {
        let to = path_input
            .get_untracked()
            .trim()
            .trim_start_matches('/')
            .to_string();
        let from = open.get_untracked();
        if to.is_empty() || from.is_empty() {
            message("Type the new path first.".into());
            return;
        }
        if ctx.ws.with_untracked(|w| w.files.contains_key(&to)) {
            message(format!("{to} already exists."));
            return;
        }
        ctx.ws.update(|w| {
            if let Some(t) = w.files.remove(&from) {
                w.files.insert(to.clone(), t);
                w.open = to.clone();
            }
        });
        message(format!("Renamed {from} to {to}."));
        path_input.set(String::new());
        ctx.commit_now();
    };
    let delete = move |_| {
        let p = open.get_untracked();
        if p.is_empty() {
            return;
        }
        ctx.ws.update(|w| {
            w.files.remove(&p);
            w.open = first_file(&w.files);
        });
        message(format!("Deleted {p}."));
        ctx.commit_now();
    };
    let paste_manifest = move |_| {
        let steps = ctx.ws.with_untracked(|w| w.scenario.clone());
        let mut ws = Workspace::single_manifest("");
        ws.scenario = steps;
        ctx.load(ws);
        message(
            "Paste a rendered manifest (for example helm template output) into the editor.".into(),
        );
        request_animation_frame(|| {
            js::focus_selector("#editor");
        });
    };
    let picked = move |ev: leptos::ev::Event| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            load_files(ctx, js::read_input(&input));
        }
    };

    view! {
        <nav class="files" aria-label="Chart files">
            <ul id="file-list" class="file-list">
                {move || {
                    // A tree: a heading per directory (paths are sorted), files under it.
                    let mut last_dir = String::new();
                    paths
                        .get()
                        .into_iter()
                        .map(|p| {
                            let (dir, base) = file_label(&p);
                            let depth = p.matches('/').count();
                            let heading = (dir != last_dir && !dir.is_empty())
                                .then(|| view! { <li class="dir-row" aria-hidden="true">{dir.clone()}</li> });
                            last_dir = dir.clone();
                            let p2 = p.clone();
                            let p3 = p.clone();
                            let p4 = p.clone();
                            view! {
                                {heading}
                                <li style:padding-left=format!("{}rem", depth as f32 * 0.8)>
                                    <button
                                        class="file"
                                        data-path=p.clone()
                                        aria-label=p.clone()
                                        aria-current=move || (open.get() == p2).then_some("true")
                                        on:click=move |_| {
                                            let p = p3.clone();
                                            ctx.ws.update(|w| w.open = p);
                                        }
                                    >
                                        <span class="base">{base}</span>
                                        {move || {
                                            with_errors
                                                .with(|e| e.contains(&p4))
                                                .then(|| view! { <span class="badge bad">" ✗ error"</span> })
                                        }}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="file-actions">
                <label for="file-path">"Path"</label>
                <input
                    id="file-path"
                    type="text"
                    placeholder="templates/job.yaml"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || path_input.get()
                    on:input=move |ev| path_input.set(event_target_value(&ev))
                />
                <button id="file-new" on:click=new_file>"New file"</button>
                <button id="file-rename" on:click=rename>"Rename open file"</button>
                <button id="file-delete" class="danger" on:click=delete>"Delete open file"</button>
            </div>
            <div class="file-actions">
                <input
                    id="folder-input"
                    class="visually-hidden"
                    type="file"
                    multiple=true
                    node_ref=folder_ref
                    on:change=picked
                />
                <label for="folder-input" class="button secondary">"Open a chart folder…"</label>
                <input
                    id="archive-input"
                    class="visually-hidden"
                    type="file"
                    accept=".tgz,.tar.gz,application/gzip"
                    on:change=picked
                />
                <label for="archive-input" class="button secondary">"Open a chart archive (.tgz)…"</label>
                <button id="paste-manifest" class="secondary" on:click=paste_manifest>
                    "Start from a pasted manifest"
                </button>
                <span class="hint">"or drop a chart folder or .tgz onto the page"</span>
            </div>
            <p
                id="file-status"
                class=move || if status.with(|s| s.1) { "status-line bad" } else { "status-line" }
                role="status"
            >
                {move || {
                    let (m, bad) = status.get();
                    if bad { format!("✗ {m}") } else { m }
                }}
            </p>
        </nav>
    }
}
