//! The page: shared state (a small `Copy` context of signals), the layout, live update with
//! debounce, autosave, opening share links, and the embed view.

use std::time::Duration;

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use crate::compare::Compare;
use crate::editor::Editor;
use crate::files::{load_files, Files};
use crate::gallery::Gallery;
use crate::model::{next_outcome, Computed, Workspace};
use crate::scenario::Scenario;
use crate::settings::Settings;
use crate::share::{self, Exports, SharePanel};
use crate::timeline::{summary, Rendered, Timeline};
use crate::worker::{self, Answer, Job, Outcome};
use crate::{js, storage, view_settings, EXAMPLE};

/// How long typing must pause before the plan is recomputed.
const DEBOUNCE_MS: u64 = 200;

/// How long a run must take before the page says it is rendering (shorter runs would only
/// flicker).
const SLOW_MS: u64 = 400;

/// The state every component reaches through `expect_context`.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// What the user edits, updated on every keystroke.
    pub ws: RwSignal<Workspace>,
    /// The workspace the current result is computed from (debounced).
    pub committed: RwSignal<Workspace>,
    /// The latest finished run (its diagnostics go on the editor's lines).
    pub result: RwSignal<Computed>,
    /// The latest run that produced a plan: shown, marked out of date, while a newer run has
    /// failed or was stopped, so an error never takes the user's timeline away.
    pub last_good: RwSignal<Option<Computed>>,
    /// A run of the committed workspace is queued or running in the render worker.
    pub busy: RwSignal<bool>,
    /// Messages for the polite live region.
    pub live: RwSignal<String>,
    /// What the last file operation did (text, is an error), shown under the file tree.
    pub file_status: RwSignal<(String, bool)>,
    pub embed: bool,
    /// The selected step of the timeline (0-based): share links carry it.
    pub step: RwSignal<Option<u32>>,
    /// View settings, kept in the query string (`view_settings`): a forced theme, and the
    /// output pane's view.
    pub theme: RwSignal<Option<&'static str>>,
    pub view: RwSignal<&'static str>,
    /// The second wasm module on the page (Share and the exports need it): preloaded once
    /// the first timeline is shown.
    pub second: RwSignal<crate::lazy_engine::Second>,
}

impl Ctx {
    /// Replace the whole workspace (an example, a folder, a link) and recompute at once.
    pub fn load(&self, ws: Workspace) {
        self.ws.set(ws.clone());
        self.committed.set(ws);
    }

    /// Recompute now instead of after the debounce (clicks, selects).
    pub fn commit_now(&self) {
        let ws = self.ws.get_untracked();
        if self.committed.with_untracked(|c| *c != ws) {
            self.committed.set(ws);
        }
    }

    pub fn announce(&self, message: String) {
        self.live.set(message);
    }

    /// A click on a hook card: succeeded → failed → timeout → succeeded, written to the
    /// step's `outcomes` as `phase:Kind/name`; focus returns to the card's button.
    pub fn cycle_outcome(&self, step: usize, phase: &str, kind: &str, name: &str, focus_key: &str) {
        let key = format!("{phase}:{kind}/{name}");
        let plain = format!("{kind}/{name}");
        let mut now = None;
        self.ws.update(|w| {
            if let Some(s) = w.scenario.steps.get_mut(step) {
                let current = s.outcomes.get(&key).or(s.outcomes.get(&plain)).cloned();
                s.outcomes.remove(&plain);
                match next_outcome(current.as_deref()) {
                    Some(n) => {
                        s.outcomes.insert(key.clone(), n.to_string());
                        now = Some(n);
                    }
                    None => {
                        s.outcomes.remove(&key);
                    }
                }
            }
        });
        self.commit_now();
        self.announce(format!(
            "Step {}: {kind} {name} now {} in {phase}.",
            step + 1,
            now.unwrap_or("succeeds")
        ));
        let selector = format!("[data-focus-key=\"{focus_key}\"]");
        request_animation_frame(move || {
            js::focus_selector(&selector);
        });
    }
}

/// What a first visit shows: one manifest with hooks on both sides of its resources.
pub fn default_workspace() -> Workspace {
    Workspace::single_manifest(EXAMPLE)
}

/// A notice shown above the page (a link that could not be opened, a replaced draft).
#[derive(Clone, Debug, PartialEq)]
struct Notice {
    text: String,
    error: bool,
    can_restore: bool,
}

/// The first workspace: a share link in the fragment wins over the autosaved draft. Also the
/// link's selected step.
fn initial(embed: bool) -> (Workspace, Option<Notice>, Option<u32>) {
    let hash = window().location().hash().unwrap_or_default();
    let draft = || storage::load().unwrap_or_else(default_workspace);
    if hash.len() <= 1 {
        return (draft(), None, None);
    }
    let opened =
        hookline::share::decode(&hash).and_then(|s| share::workspace_of(&s).map(|ws| (ws, s.step)));
    match opened {
        Ok((ws, step)) => {
            if embed {
                return (ws, None, step);
            }
            // The link has been read: drop it from the address so a reload shows the
            // (autosaved) work, and keep the previous draft restorable.
            let had_draft = storage::load().is_some_and(|d| d != ws);
            if had_draft {
                storage::stash_draft();
            }
            storage::save(&ws);
            if let Ok(h) = window().history() {
                let search = window().location().search().unwrap_or_default();
                let _ = h.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&format!("{}{search}", share::base_url())),
                );
            }
            (
                ws,
                Some(Notice {
                    text: "Opened a shared link.".into(),
                    error: false,
                    can_restore: had_draft,
                }),
                step,
            )
        }
        Err(e) => (
            draft(),
            Some(Notice {
                text: format!(
                    "The shared link could not be opened: {e}. Your own work is shown instead."
                ),
                error: true,
                can_restore: false,
            }),
            None,
        ),
    }
}

fn provide_state(embed: bool) -> (Ctx, Option<Notice>) {
    let (ws0, notice, step) = initial(embed);
    let ws = RwSignal::new(ws0.clone());
    let committed = RwSignal::new(ws0);
    let result = RwSignal::new(Computed::default());
    let last_good = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let ctx = Ctx {
        ws,
        committed,
        result,
        last_good,
        busy,
        live: RwSignal::new(String::new()),
        file_status: RwSignal::new((String::new(), false)),
        embed,
        step: RwSignal::new(step),
        theme: RwSignal::new(view_settings::theme_from(
            view_settings::query_param("theme").as_deref(),
        )),
        view: RwSignal::new(view_settings::view_from(
            view_settings::query_param("view").as_deref(),
        )),
        second: RwSignal::new(crate::lazy_engine::Second::Idle),
    };
    provide_context(ctx);
    // View settings: the theme applies at once; the full page keeps them in its address.
    Effect::new(move |_| view_settings::apply_theme(ctx.theme.get()));
    if !embed {
        Effect::new(move |_| {
            let (theme, view) = (ctx.theme.get(), ctx.view.get());
            view_settings::update_address(theme, view);
        });
        // A link's selected step: shown once its timeline is drawn.
        if let Some(n) = step {
            let shown = StoredValue::new(false);
            Effect::new(move |_| {
                let drawn = ctx.result.with(|r| r.plan.is_some());
                if drawn && !shown.get_value() {
                    shown.set_value(true);
                    request_animation_frame(move || {
                        js::mark_step(n + 1);
                    });
                }
            });
        }
    }
    crate::findings::provide(ctx);
    // The second module once the first answer is painted (not before: the first timeline
    // never waits for it), so that Share and the exports find it ready.
    Effect::new(move |_| {
        let answered = ctx
            .result
            .with(|r| r.plan.is_some() || r.stopped.is_some() || !r.diagnostics.is_empty());
        if answered && ctx.second.get_untracked() == crate::lazy_engine::Second::Idle {
            request_animation_frame(move || crate::lazy_engine::preload(ctx.second));
        }
    });

    // Every committed workspace goes to the render worker; answers may arrive out of date
    // (an older run finishing while a newer one waits) and are shown until the newest lands.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let snapshot = committed.get();
        let gen = generation.get_value() + 1;
        generation.set_value(gen);
        busy.set(true);
        worker::submit(Job::Compute(snapshot), move |outcome| {
            let c = match outcome {
                Outcome::Done(Answer::Computed(c)) => c,
                Outcome::Done(_) => return,
                Outcome::Stopped(message) => Computed {
                    stopped: Some(message),
                    ..Computed::default()
                },
            };
            if c.plan.is_some() && !c.failed() {
                last_good.try_set(Some(c.clone()));
            }
            result.try_set(c);
            if generation.try_get_value() == Some(gen) {
                busy.try_set(false);
            }
        });
    });

    // Debounce: every edit restarts the timer; the plan follows when typing pauses.
    let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    Effect::new(move |_| {
        let snapshot = ws.get();
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if committed.with_untracked(|c| *c != snapshot) {
                    committed.set(snapshot);
                }
            },
            Duration::from_millis(DEBOUNCE_MS),
        )
        .ok();
        timer.set_value(handle);
    });
    // Autosave what was computed (never in embeds).
    if !embed {
        Effect::new(move |_| committed.with(storage::save));
    }
    (ctx, notice)
}

#[component]
fn Output() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let tab = ctx.view;
    let summary_text = move || {
        let stale = ctx.last_good.with(Option::is_some);
        ctx.result.with(|r| {
            let why = match (&r.plan, &r.stopped) {
                (_, Some(_)) => "Rendering stopped.".to_string(),
                (Some(p), None) if !r.failed() => return summary(p),
                (None, None) if !r.failed() => return "Rendering…".to_string(),
                _ => format!("{} problem(s) stop the plan.", r.diagnostics.len()),
            };
            if stale {
                format!("{why} The timeline below is out of date.")
            } else {
                why
            }
        })
    };
    // "Rendering…" and a Stop button, once a run has taken long enough to notice.
    let slow = RwSignal::new(false);
    let busy_spells = StoredValue::new(0u32);
    Effect::new(move |_| {
        let spell = busy_spells.get_value() + 1;
        busy_spells.set_value(spell);
        if ctx.busy.get() {
            set_timeout(
                move || {
                    if busy_spells.try_get_value() == Some(spell) {
                        let _ = slow.try_set(true);
                    }
                },
                Duration::from_millis(SLOW_MS),
            );
        } else {
            slow.set(false);
        }
    });
    let tabs = [
        ("timeline", "Timeline"),
        ("rendered", "Rendered manifests"),
        ("compare", "Helm 3 vs Helm 4"),
    ];
    view! {
        <section
            class="output"
            aria-labelledby="output-title"
            data-busy=move || ctx.busy.get().to_string()
            data-runner=move || {
                ctx.busy.track();
                worker::runner().name()
            }
            // The render worker's nesting limit and how many were started (a stopped or
            // crashed one is replaced): for the browser tests.
            data-nesting=move || {
                ctx.busy.track();
                worker::render_worker_state().0.map(|n| n.to_string())
            }
            data-workers=move || {
                ctx.busy.track();
                worker::render_worker_state().1.to_string()
            }
        >
            <div class="output-bar">
                <h2 id="output-title">"What Helm does"</h2>
                <div class="tabs" role="group" aria-label="View">
                    {tabs
                        .into_iter()
                        .map(|(id, label)| {
                            view! {
                                <button
                                    class="tab"
                                    id=format!("tab-{id}")
                                    aria-pressed=move || (tab.get() == id).to_string()
                                    on:click=move |_| tab.set(id)
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <Exports/>
            </div>
            <p class="summary" aria-live="polite" id="summary">{summary_text}</p>
            {move || slow.get().then(|| view! {
                <p class="run-status" id="run-status">
                    <span>{format!("Rendering… (stopped automatically after {} s)", worker::WATCHDOG_MS / 1000)}</span>
                    <button
                        id="stop-render"
                        class="secondary"
                        on:click=move |_| worker::stop("you stopped it.")
                    >
                        "Stop"
                    </button>
                </p>
            })}
            <div id="timeline" class="timeline" hidden=move || tab.get() != "timeline">
                <Timeline/>
            </div>
            {move || (tab.get() == "rendered").then(|| view! { <div id="rendered"><Rendered/></div> })}
            {move || (tab.get() == "compare").then(|| view! { <Compare/> })}
        </section>
    }
}

#[component]
fn NoticeBar(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        notice.get().map(|n| {
            let restore = n.can_restore.then(|| {
                view! {
                    <button
                        id="restore-draft"
                        class="secondary"
                        on:click=move |_| {
                            if let Some(d) = storage::stashed_draft() {
                                ctx.load(d);
                                notice.set(None);
                            }
                        }
                    >
                        "Restore my previous draft"
                    </button>
                }
            });
            view! {
                <div id="notice" class=if n.error { "notice bad" } else { "notice" } role=if n.error { "alert" } else { "status" }>
                    <span>{if n.error { "⚠ " } else { "ℹ " }}{n.text.clone()}</span>
                    {restore}
                    <button class="icon" aria-label="Dismiss" on:click=move |_| notice.set(None)>"✕"</button>
                </div>
            }
        })
    }
}

#[component]
pub fn App() -> impl IntoView {
    let embed = view_settings::query_param("embed").is_some_and(|v| v == "1" || v == "true");
    let (ctx, notice) = provide_state(embed);
    let notice = RwSignal::new(notice);
    // `Either`, not `.into_any()`: the root is built once and never rebuilt, and an `AnyView`
    // links the rebuild code of its whole view type (10 KB of the page's wasm, issue #11).
    if embed {
        return Either::Left(view! { <Embed/> });
    }
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        load_files(ctx, js::read_drop(&ev));
    };
    Either::Right(view! {
        <div class="app" on:dragover=|ev: web_sys::DragEvent| ev.prevent_default() on:drop=on_drop>
            <a class="skip" href="#output-title">"Skip to the timeline"</a>
            <header class="top">
                <div class="brand">
                    <h1>"Hookline"</h1>
                    <p class="tagline">"What helm install, upgrade, rollback, uninstall and test do with your chart's hooks."</p>
                </div>
                <div class="top-actions">
                    <Gallery/>
                    <SharePanel/>
                    <label class="theme-pick">
                        <span class="visually-hidden">"Theme"</span>
                        <select
                            id="theme"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                ctx.theme.set(view_settings::theme_from(Some(v.as_str())));
                            }
                        >
                            <option value="system" selected=move || ctx.theme.get().is_none()>
                                "◐ System theme"
                            </option>
                            <option value="light" selected=move || ctx.theme.get() == Some("light")>
                                "☀ Light"
                            </option>
                            <option value="dark" selected=move || ctx.theme.get() == Some("dark")>
                                "☾ Dark"
                            </option>
                        </select>
                    </label>
                </div>
            </header>
            <NoticeBar notice=notice/>
            <p class="visually-hidden" role="status" aria-live="polite">{move || ctx.live.get()}</p>
            <main class="layout">
                <section class="pane chart-pane" aria-labelledby="chart-title">
                    <h2 id="chart-title">"Chart"</h2>
                    <Files/>
                    <Editor/>
                    <Settings/>
                </section>
                <section class="pane run-pane" aria-label="Scenario and timeline">
                    <Scenario/>
                    <Output/>
                </section>
            </main>
            <footer>
                "Runs entirely in your browser: nothing you type is sent anywhere. Autosaved on this device. "
                <span id="version">{concat!("Hookline v", env!("CARGO_PKG_VERSION"))}</span>
            </footer>
        </div>
    })
}

/// The embed's `view=` (rendered or compare), if any.
fn embed_view() -> Option<String> {
    view_settings::query_param("view").filter(|v| v == "rendered" || v == "compare")
}

/// `?embed=1`: a compact read-only view for an iframe, timeline first, with a link that
/// opens the same state in the full playground.
#[component]
fn Embed() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open_link = move || {
        // The full playground opens on the same view.
        let query = view_settings::query(
            ctx.theme.get(),
            embed_view().as_deref().unwrap_or("timeline"),
        );
        let hash = window().location().hash().unwrap_or_default();
        if hash.len() > 1 {
            format!("{}{query}{hash}", share::base_url())
        } else {
            // Until the second module is there, the link opens the playground's own draft.
            ctx.second.track();
            match ctx
                .committed
                .with(|ws| share::fragment_for(ws, ctx.step.get()))
            {
                Some(frag) => format!("{}{query}#{frag}", share::base_url()),
                None => format!("{}{query}", share::base_url()),
            }
        }
    };
    let summary_text = move || {
        ctx.result
            .with(|r| r.plan.as_ref().map(summary).unwrap_or_default())
    };
    // `step=N`: show that step first, once the timeline is drawn.
    // Without `step=`, the link's selected step.
    let first_step = view_settings::query_param("step")
        .and_then(|v| v.parse::<u32>().ok())
        .or_else(|| ctx.step.get_untracked().map(|i| i + 1));
    if let Some(n) = first_step {
        Effect::new(move |_| {
            ctx.result.track();
            request_animation_frame(move || {
                js::mark_step(n);
            });
        });
    }
    // `view=rendered|compare`: another view than the timeline.
    // Chosen once (not `.into_any()`: see `App`).
    let body = match embed_view().as_deref() {
        Some("rendered") => {
            EitherOf3::A(view! { <main id="rendered" class="embed-view"><Rendered/></main> })
        }
        Some("compare") => EitherOf3::B(view! { <main class="embed-view"><Compare/></main> }),
        _ => EitherOf3::C(view! {
            <main id="timeline" class="timeline">
                <Timeline readonly=true/>
            </main>
        }),
    };
    view! {
        <div
            class="embed"
            data-busy=move || ctx.busy.get().to_string()
            data-runner=move || {
                ctx.busy.track();
                worker::runner().name()
            }
            data-workers=move || {
                ctx.busy.track();
                worker::render_worker_state().1.to_string()
            }
        >
            <header class="embed-bar">
                <strong>"Hookline"</strong>
                <span class="summary">{summary_text}</span>
                <a id="open-in-hookline" href=open_link target="_blank" rel="noopener">
                    "Open in Hookline ↗"
                </a>
            </header>
            {body}
        </div>
    }
}
