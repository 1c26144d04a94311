//! Share links (issue #7): the whole workspace in the URL fragment through the core's codec
//! (`#h1.` + base64url(deflate(canonical JSON))), gallery charts as id + content hash + edits;
//! the share panel with the link's length and warnings; embed code; Markdown and JSON
//! exports of the plan.

use std::collections::BTreeMap;

use hookline::stable_sort::map_from;

use hookline::gallery;
use hookline::share::{self, ChartSource, FileContent, ShareError, ShareState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::Ctx;
use crate::js;
use crate::model::{ScenarioModel, Workspace};

/// Past these lengths chat tools (2,000) and proxies or servers (8,000) cut links.
pub const CHAT_LIMIT: usize = 2_000;
pub const PROXY_LIMIT: usize = 8_000;

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The state a link carries for this workspace.
pub fn state_of(ws: &Workspace, step: Option<u32>) -> ShareState {
    let current: BTreeMap<String, FileContent> = map_from(
        ws.files
            .iter()
            .map(|(p, t)| (p.clone(), FileContent::Text(t.clone()))),
    );
    let chart = match ws.gallery.as_deref().and_then(gallery::find) {
        Some(ex) => {
            let original = ex.share_files();
            ChartSource::Gallery {
                id: ex.id.to_string(),
                hash: share::content_hash(&original),
                edits: share::gallery_edits(&original, &current),
            }
        }
        None => ChartSource::Files { files: current },
    };
    ShareState {
        chart,
        values: ws.values.clone(),
        set: ws
            .set
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        release: opt(&ws.release),
        namespace: opt(&ws.namespace),
        helm: Some(ws.helm.clone()),
        kube_version: opt(&ws.kube_version),
        scenario: serde_json::to_value(&ws.scenario).ok(),
        step,
    }
}

/// The workspace a link stands for.
pub fn workspace_of(state: &ShareState) -> Result<Workspace, ShareError> {
    let files = share::resolve_files(state, &gallery::share_files)?;
    let files = map_from(files.into_iter().filter_map(|(p, c)| match c {
        FileContent::Text(t) => Some((p, t)),
        FileContent::Binary { .. } => None,
    }));
    let scenario: ScenarioModel = match &state.scenario {
        Some(v) => crate::model::from_json(v)
            .map_err(|e| ShareError::Invalid(format!("the scenario: {e}")))?,
        None => ScenarioModel::default(),
    };
    let gallery = match &state.chart {
        ChartSource::Gallery { id, .. } => Some(id.clone()),
        ChartSource::Files { .. } => None,
    };
    Ok(Workspace {
        files,
        values: state.values.clone(),
        set: state.set.join("\n"),
        release: state.release.clone().unwrap_or_default(),
        namespace: state.namespace.clone().unwrap_or_default(),
        kube_version: state.kube_version.clone().unwrap_or_default(),
        helm: state.helm.clone().unwrap_or_default(),
        scenario,
        gallery,
        ..Workspace::default()
    }
    .normalise())
}

/// The page's address without query or fragment.
pub fn base_url() -> String {
    let loc = window().location();
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

/// The fragment for a workspace and its selected step (0-based): the page writes the state's
/// canonical JSON, the second module compresses it (`share::encode`); `None` until that
/// module is loaded.
pub fn fragment_for(ws: &Workspace, step: Option<u32>) -> Option<String> {
    crate::lazy_engine::share_fragment(&share::canonical_json(&state_of(ws, step)))
}

/// The page's link: the view settings in the query (`view_settings`), the committed
/// workspace and the selected step in the fragment. `None` until the second module is there.
pub fn link_for(ctx: Ctx) -> Option<String> {
    let query = crate::view_settings::query(ctx.theme.get(), ctx.view.get());
    let frag = ctx.committed.with(|ws| fragment_for(ws, ctx.step.get()))?;
    Some(format!("{}{query}#{frag}", base_url()))
}

/// The embed's iframe: `embed=1`, the view settings, the state.
pub fn embed_code(ctx: Ctx) -> Option<String> {
    let query = crate::view_settings::query(ctx.theme.get_untracked(), ctx.view.get_untracked());
    let frag = ctx
        .committed
        .with_untracked(|ws| fragment_for(ws, ctx.step.get_untracked()))?;
    Some(format!(
        "<iframe src=\"{}?embed=1{}#{}\" title=\"Hookline: what Helm does with this chart's hooks\" width=\"100%\" height=\"600\" loading=\"lazy\" sandbox=\"allow-scripts allow-same-origin allow-popups\"></iframe>",
        base_url(),
        query.replacen('?', "&", 1),
        frag
    ))
}

fn copy(ctx: Ctx, text: String, what: &'static str) {
    spawn_local(async move {
        let ok = wasm_bindgen_futures::JsFuture::from(js::copy_text(&text))
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        ctx.announce(if ok {
            format!("{what} copied to the clipboard.")
        } else {
            format!("Could not copy the {what}; select it and copy by hand.")
        });
    });
}

/// Open the text of a `.hookline` file (a link's fragment).
pub fn open_hookline(ctx: Ctx, path: &str, text: &str) {
    match share::decode(text).and_then(|s| workspace_of(&s).map(|ws| (ws, s.step))) {
        Ok((ws, step)) => {
            ctx.load(ws);
            ctx.step.set(step);
            ctx.announce(format!("Opened {path}."));
        }
        Err(e) => ctx.announce(format!("{path} could not be opened: {e}.")),
    }
}

/// Markdown of the plan with the link, ready for a pull request comment (the same text as
/// `hookline plan LINK --format markdown`).
pub fn markdown(ctx: Ctx) -> Option<String> {
    ctx.result.with_untracked(|r| {
        let link = untrack(|| link_for(ctx))?;
        crate::lazy_engine::export_plan(r.plan.as_ref()?, "markdown", &link)
    })
}

/// What Share and the exports say while the second module is not there (empty once it is).
fn second_status(ctx: Ctx, what: &str) -> String {
    use crate::lazy_engine::Second;
    match ctx.second.get() {
        Second::Ready => String::new(),
        Second::Idle | Second::Loading => format!("Preparing the {what}…"),
        Second::Failed(e) => {
            format!("The {what} could not be prepared: the second module did not load ({e}).")
        }
    }
}

#[component]
pub fn SharePanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let link = Memo::new(move |_| {
        if open.get() {
            // Made once the second module is there (preloaded after the first timeline; asked
            // for again here if that failed).
            ctx.second.track();
            link_for(ctx).unwrap_or_default()
        } else {
            String::new()
        }
    });
    Effect::new(move |_| {
        if open.get() {
            crate::lazy_engine::preload(ctx.second);
        }
    });
    let no_link = move || link.with(String::is_empty);
    let length = move || link.with(|l| l.chars().count());
    view! {
        <div class="share">
            <button
                id="share-button"
                aria-expanded=move || open.get().to_string()
                aria-controls="share-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Share"
            </button>
            <div id="share-panel" class="share-panel" hidden=move || !open.get()>
                <label for="share-link">"Link to this chart, scenario and settings"</label>
                <input id="share-link" type="text" readonly prop:value=move || link.get()/>
                <p id="share-length">
                    {move || {
                        if no_link() {
                            return second_status(ctx, "link");
                        }
                        let n = length();
                        let fits = if n > PROXY_LIMIT {
                            " — ⚠ over 8,000: some servers and proxies refuse links this long. Download a .hookline file instead."
                        } else if n > CHAT_LIMIT {
                            " — ⚠ over 2,000: chat tools may cut it."
                        } else {
                            " — fits a chat message."
                        };
                        format!("{n} characters{fits}")
                    }}
                </p>
                <div class="share-actions">
                    <button
                        id="copy-link"
                        disabled=no_link
                        on:click=move |_| copy(ctx, link.get_untracked(), "Link")
                    >
                        "Copy link"
                    </button>
                    <button
                        id="copy-embed"
                        class="secondary"
                        disabled=no_link
                        on:click=move |_| {
                            if let Some(code) = embed_code(ctx) {
                                copy(ctx, code, "Embed code");
                            }
                        }
                    >
                        "Copy embed code"
                    </button>
                    <button
                        id="download-hookline"
                        class="secondary"
                        disabled=no_link
                        on:click=move |_| {
                            if let Some(frag) = ctx
                                .committed
                                .with_untracked(|ws| fragment_for(ws, ctx.step.get_untracked()))
                            {
                                js::download("chart.hookline", &frag, "text/plain");
                            }
                        }
                    >
                        "Download .hookline file"
                    </button>
                    <input
                        id="hookline-input"
                        class="visually-hidden"
                        type="file"
                        accept=".hookline"
                        on:change=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            {
                                crate::files::load_files(ctx, js::read_input(&input));
                            }
                        }
                    />
                    <label for="hookline-input" class="button secondary">"Open a .hookline file…"</label>
                </div>
                <p class="hint">
                    "Everything is in the part after #, which browsers never send to a server."
                </p>
            </div>
        </div>
    }
}

/// The plan in an export `format` (`json`, `svg`), made by the second module.
fn export(ctx: Ctx, format: &str) -> Option<String> {
    ctx.result
        .with_untracked(|r| crate::lazy_engine::export_plan(r.plan.as_ref()?, format, ""))
}

/// Export buttons for the plan.
#[component]
pub fn Exports() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Until the render worker's first answer there is no plan to export, and until the second
    // module is there nothing to export it with: the buttons say so by being disabled instead
    // of doing nothing (a failed load is said in words beside them).
    let no_plan = move || ctx.result.with(|r| r.plan.is_none());
    let not_ready = move || no_plan() || ctx.second.get() != crate::lazy_engine::Second::Ready;
    let status = move || {
        if no_plan() {
            String::new()
        } else {
            second_status(ctx, "exports")
        }
    };
    view! {
        <div class="exports" role="group" aria-label="Export the plan">
            <button
                id="copy-markdown"
                class="secondary"
                disabled=not_ready
                on:click=move |_| {
                    if let Some(md) = markdown(ctx) {
                        copy(ctx, md, "Markdown");
                    }
                }
            >
                "Copy as Markdown"
            </button>
            <button
                id="download-json"
                class="secondary"
                disabled=not_ready
                on:click=move |_| {
                    if let Some(json) = export(ctx, "json") {
                        js::download("hookline-plan.json", &json, "application/json");
                    }
                }
            >
                "Download JSON"
            </button>
            <button
                id="download-svg"
                class="secondary"
                disabled=not_ready
                on:click=move |_| {
                    if let Some(svg) = export(ctx, "svg") {
                        js::download("hookline-timeline.svg", &svg, "image/svg+xml");
                    }
                }
            >
                "Download SVG"
            </button>
            <span id="export-status" class="hint" role="status">{status}</span>
        </div>
    }
}
