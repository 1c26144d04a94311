//! `hookline lint` findings (rules HL000–HL015) in the playground: on the hook's card in the
//! timeline, on the template's line in the editor, and as a list above the timeline.
//!
//! Linting renders the chart three more times than the plan (as an install, an upgrade and
//! with another seed), so it runs after the plan has been painted: the timeline never waits
//! for it. Severity is spelled out and has an icon, never colour alone.

use leptos::either::Either;
use leptos::prelude::*;

use crate::app::Ctx;
use crate::model::{build_input, Workspace};
use crate::worker::{Answer, Job, Outcome};

pub use hookline::playground::FindingView;

/// Lint the workspace (the core's facade does the work; nothing here knows Helm). The page is
/// built without the core's engine: there the second module lints (`lazy_engine`), and until it
/// is loaded this gives nothing and the worker runs the job again once it is.
pub fn lint(ws: &Workspace) -> Result<Vec<FindingView>, String> {
    let input = build_input(ws, None);
    if !hookline::playground::ENGINE {
        return crate::lazy_engine::lint(&input).unwrap_or(Ok(Vec::new()));
    }
    Ok(hookline::playground::lint(&input)
        .into_iter()
        .map(FindingView::from)
        .collect())
}

/// Icon and CSS class of a severity.
pub fn severity_mark(severity: &str) -> (&'static str, &'static str) {
    match severity {
        "error" => ("✗", "sev-error"),
        "warning" => ("⚠", "sev-warning"),
        _ => ("ℹ", "sev-info"),
    }
}

/// Errors sort before warnings before notes.
pub fn severity_rank(severity: &str) -> u8 {
    match severity {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    }
}

/// The findings of the last lint.
#[derive(Clone, Copy)]
pub struct Lint {
    pub findings: RwSignal<Vec<FindingView>>,
    /// Why the last lint gave no findings: the watchdog or the user stopped it.
    pub stopped: RwSignal<Option<String>>,
}

/// How long the computed workspace must stay unchanged before it is linted: the plan is
/// painted first, and a burst of edits lints once (on argo-cd, the largest corpus chart, a
/// lint takes about a second).
const LINT_IDLE_MS: u64 = 400;

/// Provide the findings and keep them following the computed workspace: once nothing changed
/// for [`LINT_IDLE_MS`], the same workspace is linted in the lint worker (its own lane: the
/// page never waits for it, nor does the next plan).
pub fn provide(ctx: Ctx) -> Lint {
    let lint_state = Lint {
        findings: RwSignal::new(Vec::new()),
        stopped: RwSignal::new(None),
    };
    provide_context(lint_state);
    let committed = ctx.committed;
    Effect::new(move |_| {
        let ws = committed.get();
        set_timeout(
            move || {
                if committed.try_with_untracked(|c| *c != ws).unwrap_or(true) {
                    return;
                }
                crate::worker::submit(Job::Lint(ws), move |outcome| {
                    let (found, stopped) = match outcome {
                        Outcome::Done(Answer::Linted(found)) => (found, None),
                        Outcome::Done(Answer::LintFailed(why)) => {
                            (Vec::new(), Some(format!("Linting failed: {why}")))
                        }
                        Outcome::Done(_) => return,
                        Outcome::Stopped(message) => (Vec::new(), Some(message)),
                    };
                    if lint_state
                        .findings
                        .try_with_untracked(|f| *f != found)
                        .unwrap_or(false)
                    {
                        lint_state.findings.try_set(found);
                    }
                    if lint_state
                        .stopped
                        .try_with_untracked(|s| *s != stopped)
                        .unwrap_or(false)
                    {
                        lint_state.stopped.try_set(stopped);
                    }
                });
            },
            std::time::Duration::from_millis(LINT_IDLE_MS),
        );
    });
    lint_state
}

/// A finding as a list item: severity, rule, message, a link to its line, the fix, and why.
fn finding_item(ctx: Ctx, f: FindingView, with_hook: bool) -> impl IntoView {
    let (icon, class) = severity_mark(&f.severity);
    let loc = f.location();
    let (file, line, col) = (f.file.clone(), f.line, f.col);
    let jump_label = format!("Show {} in the editor", loc);
    let hook = with_hook
        .then(|| f.hook.clone())
        .flatten()
        .map(|(k, n)| view! { <span class="finding-hook">{format!("{k}/{n}: ")}</span> });
    view! {
        <li class=format!("finding {class}") data-rule=f.rule.clone() data-severity=f.severity.clone()>
            <div class="finding-head">
                <span class="sev">{format!("{icon} {}", f.severity)}</span>
                <code class="rule" title=f.name.clone()>{f.rule.clone()}</code>
                <span class="finding-msg">{hook}{f.message.clone()}</span>
            </div>
            <p class="finding-fix"><span class="why-label">"Fix: "</span>{f.fix.clone()}</p>
            <div class="finding-foot">
                {if ctx.embed {
                    // No editor in the embed: the place as text.
                    view! { <span class="jump">{loc}</span> }.into_any()
                } else {
                    view! {
                        <button
                            class="link jump"
                            aria-label=jump_label
                            on:click=move |ev| {
                                ev.stop_propagation();
                                crate::editor::reveal(ctx, &file, line, col);
                            }
                        >
                            {format!("↪ {loc}")}
                        </button>
                    }
                        .into_any()
                }}
                <details class="finding-why" on:click=|ev| ev.stop_propagation()>
                    <summary>"Why"</summary>
                    <p>{f.explanation.clone()}</p>
                </details>
            </div>
        </li>
    }
}

/// The findings about one hook, for its card in the timeline.
pub fn card_findings(ctx: Ctx, kind: String, name: String) -> impl IntoView {
    let lint_state = use_context::<Lint>();
    move || {
        let mut found: Vec<FindingView> = lint_state
            .map(|l| {
                l.findings.with(|all| {
                    all.iter()
                        .filter(|f| {
                            f.hook
                                .as_ref()
                                .is_some_and(|(k, n)| *k == kind && *n == name)
                        })
                        .cloned()
                        .collect()
                })
            })
            .unwrap_or_default();
        // The worst first.
        hookline::stable_sort::sort_by(&mut found, |a, b| {
            severity_rank(&a.severity).cmp(&severity_rank(&b.severity))
        });
        (!found.is_empty()).then(|| {
            view! {
                // Clicks here must not cycle the card's outcome.
                <ul class="findings" aria-label="Lint findings" on:click=|ev| ev.stop_propagation()>
                    {found.into_iter().map(|f| finding_item(ctx, f, false)).collect_view()}
                </ul>
            }
        })
    }
}

/// Counts by severity, e.g. `1 error, 2 warnings`.
pub fn counts(found: &[FindingView]) -> String {
    let n = |s: &str| found.iter().filter(|f| f.severity == s).count();
    let part = |count: usize, one: &str, many: &str| {
        (count > 0).then(|| format!("{count} {}", if count == 1 { one } else { many }))
    };
    let parts: Vec<String> = [
        part(n("error"), "error", "errors"),
        part(n("warning"), "warning", "warnings"),
        part(n("info"), "note", "notes"),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(", ")
}

/// Every finding, above the timeline (those about no hook card appear only here and in the
/// editor: an unknown hook event, for one, drops the document from the timeline).
#[component]
pub fn LintPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // `Either`, not `.into_any()`: the panel is built once (see `App`).
    let Some(lint_state) = use_context::<Lint>() else {
        return Either::Left(());
    };
    Either::Right(view! {
        {move || {
            lint_state.stopped.get().map(|message| {
                view! {
                    <p class="lint-stopped" id="lint-stopped" role="status">
                        <span aria-hidden="true">"⚠ "</span>
                        {message}
                    </p>
                }
            })
        }}
        {move || {
            let found = lint_state.findings.get();
            if found.is_empty() {
                return None;
            }
            let worst = if found.iter().any(|f| f.severity == "error") {
                "error"
            } else if found.iter().any(|f| f.severity == "warning") {
                "warning"
            } else {
                "info"
            };
            let (icon, class) = severity_mark(worst);
            let summary = format!("{icon} Lint: {} (hookline lint)", counts(&found));
            Some(view! {
                <details class=format!("lint-panel {class}") id="lint-panel">
                    <summary>{summary}</summary>
                    <ul class="findings">
                        {found.into_iter().map(|f| finding_item(ctx, f, true)).collect_view()}
                    </ul>
                </details>
            })
        }}
    })
}
