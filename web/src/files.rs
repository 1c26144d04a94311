//! The chart's file tree: open, add, rename and delete files; open a chart folder (picker or
//! drag and drop onto the page); start from a pasted manifest.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::app::Ctx;
use crate::js;
use crate::model::{first_file, ScenarioModel, Workspace};

/// A workspace from files read off the disk: a chart folder (its top directory stripped) or
/// a lone manifest. Files that are not text are skipped.
pub fn workspace_from_files(pairs: Vec<(String, String)>, keep: &Workspace) -> Option<Workspace> {
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(p, t)| !p.ends_with(".tgz") && !t.contains('\u{0}'))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    // Strip the folder name the chart lives in (`mychart/Chart.yaml` → `Chart.yaml`).
    let top = |p: &str| p.split_once('/').map(|(d, _)| d.to_string());
    let first_top = top(&pairs[0].0);
    let strip = first_top.filter(|t| pairs.iter().all(|(p, _)| top(p).as_deref() == Some(t)));
    let mut files = BTreeMap::new();
    for (p, t) in pairs {
        let path = match &strip {
            Some(t) => p[t.len() + 1..].to_string(),
            None => p,
        };
        files.insert(path, t);
    }
    if files.len() == 1 && !files.contains_key("Chart.yaml") {
        let text = files.into_values().next().unwrap_or_default();
        let mut ws = Workspace::single_manifest(&text);
        ws.scenario = keep.scenario.clone();
        return Some(ws.normalise());
    }
    Some(
        Workspace {
            open: first_file(&files),
            files,
            scenario: ScenarioModel {
                cluster: Vec::new(),
                steps: keep.scenario.steps.clone(),
            },
            helm: keep.helm.clone(),
            ..Workspace::default()
        }
        .normalise(),
    )
}

/// Load files read by the JavaScript helpers (a drop or a folder picker).
pub fn load_files(ctx: Ctx, p: js_sys::Promise) {
    spawn_local(async move {
        let pairs = js::file_pairs(p).await;
        // A `.hookline` file (the share panel's download for links too long to paste) opens
        // as the link it holds.
        if let [(path, text)] = pairs.as_slice() {
            if path.ends_with(".hookline") {
                crate::share::open_hookline(ctx, path, text);
                return;
            }
        }
        let n = pairs.len();
        match workspace_from_files(pairs, &ctx.ws.get_untracked()) {
            Some(ws) => {
                ctx.load(ws);
                ctx.announce(format!("Opened {n} file(s)."));
            }
            None => ctx.announce("No text files found in what was dropped.".into()),
        }
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
        ctx.result.with(|r| {
            r.diagnostics
                .iter()
                .map(|d| d.file.clone())
                .collect::<std::collections::BTreeSet<_>>()
        })
    });
    let path_input = RwSignal::new(String::new());
    // `webkitdirectory` (pick a whole folder) is not a typed attribute; set it once mounted.
    let folder_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = folder_ref.get() {
            let _ = el.set_attribute("webkitdirectory", "");
        }
    });
    let message = RwSignal::new(String::new());

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
            message.set(format!("{p} already exists."));
            return;
        }
        ctx.ws.update(|w| {
            w.files.insert(p.clone(), String::new());
            w.open = p.clone();
        });
        message.set(format!("Added {p}."));
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
            message.set("Type the new path first.".into());
            return;
        }
        if ctx.ws.with_untracked(|w| w.files.contains_key(&to)) {
            message.set(format!("{to} already exists."));
            return;
        }
        ctx.ws.update(|w| {
            if let Some(t) = w.files.remove(&from) {
                w.files.insert(to.clone(), t);
                w.open = to.clone();
            }
        });
        message.set(format!("Renamed {from} to {to}."));
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
        message.set(format!("Deleted {p}."));
        ctx.commit_now();
    };
    let paste_manifest = move |_| {
        let steps = ctx.ws.with_untracked(|w| w.scenario.clone());
        let mut ws = Workspace::single_manifest("");
        ws.scenario = steps;
        ctx.load(ws);
        message.set(
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
                                <li style=format!("padding-left: {}rem", depth as f32 * 0.8)>
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
                <button id="paste-manifest" class="secondary" on:click=paste_manifest>
                    "Start from a pasted manifest"
                </button>
                <span class="hint">"or drop a chart folder onto the page"</span>
            </div>
            <p class="status-line" role="status">{move || message.get()}</p>
        </nav>
    }
}
