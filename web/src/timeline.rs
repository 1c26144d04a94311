//! The timeline: for every step its phases in order, each hook as a card (kind, name,
//! weight, delete policy, the wait's result, deletions, why it runs there), then the release
//! history and the cluster's objects after the step. Status is always spelled out in text
//! and an icon, never by colour alone.

use leptos::prelude::*;

use hookline::{Action, Plan, Step};

use crate::app::Ctx;
use crate::model::Computed;

/// Icon and CSS class of a wait result or a release status.
pub fn status_mark(s: &str) -> (&'static str, &'static str) {
    match s {
        "succeeded" | "ready" | "deployed" => ("✓", "ok"),
        "failed" => ("✗", "bad"),
        "timeout" => ("⏱", "bad"),
        "interrupted" | "not-ready" => ("⚠", "warn"),
        "superseded" => ("↷", "muted"),
        "uninstalled" | "purged" => ("⌫", "muted"),
        s if s.starts_with("pending") => ("…", "warn"),
        _ => ("•", "muted"),
    }
}

fn is_hook_phase(phase: &str) -> bool {
    phase.starts_with("pre-") || phase.starts_with("post-") || phase == "test"
}

fn waits_on(kind: &str) -> bool {
    kind == "Job" || kind == "Pod"
}

/// A hook's run within one phase.
struct Card {
    kind: String,
    name: String,
    weight: Option<i64>,
    acts: Vec<Action>,
    why: Option<String>,
    result: Option<String>,
    cleanup: Option<String>,
}

/// Group a hook phase's actions into cards, plus the deletions that follow all the hooks.
fn cards(actions: &[Action]) -> (Vec<Card>, Vec<Action>) {
    let mut cards: Vec<Card> = Vec::new();
    let mut after: Vec<Action> = Vec::new();
    let mut pending: Vec<Action> = Vec::new();
    for a in actions {
        let same = |c: &&mut Card| c.kind == a.kind && c.name == a.name;
        match a.verb.as_str() {
            "delete" if a.reason.as_deref() == Some("before-hook-creation") => {
                pending.push(a.clone())
            }
            "create" | "update" => {
                let mut acts = std::mem::take(&mut pending);
                acts.push(a.clone());
                cards.push(Card {
                    kind: a.kind.clone(),
                    name: a.name.clone(),
                    weight: a.weight,
                    acts,
                    why: a.why.clone(),
                    result: a.error.as_ref().map(|_| "failed".to_string()),
                    cleanup: None,
                });
            }
            "delete" if a.reason.as_deref() == Some("hook-succeeded") => {
                if let Some(c) = cards.iter_mut().rev().find(same) {
                    c.cleanup = Some("hook-succeeded".into());
                }
                after.push(a.clone());
            }
            _ => match cards.iter_mut().rev().find(same) {
                Some(c) => {
                    if a.verb == "wait" {
                        c.result = a.result.clone();
                    }
                    c.acts.push(a.clone());
                }
                None => after.push(a.clone()),
            },
        }
    }
    after.extend(pending);
    (cards, after)
}

fn act_text(a: &Action, with_object: bool) -> String {
    let mut s = a.verb.clone();
    if with_object {
        s.push_str(&format!(" {}/{}", a.kind, a.name));
    }
    if let Some(r) = &a.result {
        let (icon, _) = status_mark(r);
        s.push_str(&format!(" → {icon} {r}"));
    }
    if let Some(r) = &a.reason {
        s.push_str(&format!(" ({r})"));
    }
    s
}

fn act_row(a: &Action, with_object: bool) -> impl IntoView {
    let text = act_text(a, with_object);
    let class = format!(
        "act verb-{}{}",
        a.verb,
        if a.error.is_some() { " has-error" } else { "" }
    );
    let error = a
        .error
        .clone()
        .map(|e| view! { <span class="act-error">{format!(" ✗ {e}")}</span> });
    let why = if with_object { a.why.clone() } else { None };
    view! {
        <li
            class=class
            data-verb=a.verb.clone()
            data-name=a.name.clone()
            data-kind=a.kind.clone()
            data-result=a.result.clone()
            data-reason=a.reason.clone()
        >
            <span class="act-text">{text}</span>
            {error}
            {why.map(|w| view! { <div class="why">{w}</div> })}
        </li>
    }
}

fn hook_card(
    ctx: Ctx,
    r: &Computed,
    step: usize,
    phase: &str,
    c: Card,
    readonly: bool,
) -> impl IntoView {
    let info = r.hooks.get(&(c.kind.clone(), c.name.clone())).cloned();
    let policy = match &info {
        Some(i) if i.default_policy => "delete: before-hook-creation (default)".to_string(),
        Some(i) => format!("delete: {}", i.policies.join(", ")),
        None => String::new(),
    };
    let result = c.result.clone().unwrap_or_else(|| "not run".into());
    let (icon, class) = status_mark(&result);
    let focus_key = format!("s{step}:{phase}:{}/{}", c.kind, c.name);
    let clickable = waits_on(&c.kind) && !readonly;
    let (kind, name, ph) = (c.kind.clone(), c.name.clone(), phase.to_string());
    let fk = focus_key.clone();
    let on_click = move |_| {
        if clickable {
            ctx.cycle_outcome(step, &ph, &kind, &name, &fk);
        }
    };
    let outcome = if clickable {
        let label = format!(
            "{} {}: the wait {}. Click to change the outcome (succeeded, failed, timeout).",
            c.kind, c.name, result
        );
        view! {
            <button class=format!("outcome {class}") data-focus-key=focus_key.clone() aria-label=label>
                {format!("{icon} {result}")}
                <span class="cycle" aria-hidden="true">" ⟳"</span>
            </button>
        }
        .into_any()
    } else {
        view! { <span class=format!("outcome static {class}")>{format!("{icon} {result}")}</span> }
            .into_any()
    };
    let cleanup = c.cleanup.clone().map(|p| {
        view! { <p class="card-note">{format!("⌫ deleted after all {phase} hooks succeeded ({p})")}</p> }
    });
    let weight = c.weight.map(|w| format!("weight {w}")).unwrap_or_default();
    view! {
        <li
            class=format!("card hook result-{class}{}", if clickable { " clickable" } else { "" })
            data-kind=c.kind.clone()
            data-name=c.name.clone()
            data-result=result.clone()
            on:click=on_click
        >
            <div class="card-head">
                <span class="kind">{c.kind.clone()}</span>
                <strong class="name">{c.name.clone()}</strong>
                <span class="badge">{weight}</span>
                <span class="badge policy">{policy}</span>
                {outcome}
            </div>
            <ol class="acts">{c.acts.iter().map(|a| act_row(a, false)).collect_view()}</ol>
            {c.why.clone().map(|w| view! { <p class="why"><span class="why-label">"why here: "</span>{w}</p> })}
            {cleanup}
            {crate::findings::card_findings(ctx, c.kind.clone(), c.name.clone())}
        </li>
    }
}

fn step_view(ctx: Ctx, r: &Computed, index: usize, step: &Step, readonly: bool) -> impl IntoView {
    let mut phases: Vec<(String, Vec<Action>)> = Vec::new();
    for a in &step.actions {
        match phases.last_mut() {
            Some((p, list)) if *p == a.phase => list.push(a.clone()),
            _ => phases.push((a.phase.clone(), vec![a.clone()])),
        }
    }
    let (icon, class) = status_mark(&step.status);
    let failed = step.error.is_some();
    let rev = step
        .revision
        .map(|r| format!("revision {r}"))
        .unwrap_or_else(|| "no new revision".into());
    let title = format!("Step {} · helm {} → {rev}", index + 1, step.op);
    let status = match (failed, step.status.as_str()) {
        (true, "failed") => "✗ failed".to_string(),
        (true, s) => format!("✗ step failed; release {s}"),
        (false, s) => format!("{icon} {s}"),
    };
    let phase_views = phases
        .into_iter()
        .map(|(phase, actions)| {
            let body = if is_hook_phase(&phase) {
                let (cs, after) = cards(&actions);
                let after_view = (!after.is_empty()).then(|| {
                    view! {
                        <div class="after-hooks">
                            <h4>"Then, after the hooks"</h4>
                            <ol class="acts">{after.iter().map(|a| act_row(a, true)).collect_view()}</ol>
                        </div>
                    }
                });
                view! {
                    <ol class="cards">
                        {cs.into_iter().map(|c| hook_card(ctx, r, index, &phase, c, readonly)).collect_view()}
                    </ol>
                    {after_view}
                }
                .into_any()
            } else {
                view! { <ol class="acts resources">{actions.iter().map(|a| act_row(a, true)).collect_view()}</ol> }
                    .into_any()
            };
            let label = if is_hook_phase(&phase) {
                format!("{phase} hooks")
            } else if phase == "crds" {
                "CRDs (crds/)".to_string()
            } else {
                format!("{phase}: the release's resources")
            };
            view! {
                <div class="phase" data-phase=phase.clone()>
                    <h3>{label}</h3>
                    {body}
                </div>
            }
        })
        .collect_view();
    let empty = step
        .actions
        .is_empty()
        .then(|| view! { <p class="muted">"No cluster actions."</p> });
    let error = step
        .error
        .clone()
        .map(|e| view! { <p class="step-error"><strong>"✗ Error: "</strong>{e}</p> });
    let history = step
        .history
        .iter()
        .map(|h| {
            let (icon, class) = status_mark(&h.status);
            view! {
                <tr>
                    <td>{h.revision}</td>
                    <td class=class>{format!("{icon} {}", h.status)}</td>
                    <td>{h.description.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let no_history = step
        .history
        .is_empty()
        .then(|| view! { <p class="muted">"No stored revisions."</p> });
    let cluster = step
        .cluster
        .iter()
        .map(|o| {
            let parts: Vec<&str> = o.split('/').collect();
            let (kind, name) = (parts.first().copied().unwrap_or(""), parts.last().copied().unwrap_or(""));
            let hook = r.is_hook(kind, name);
            view! {
                <li class:leftover=hook data-object=o.clone()>
                    <span class="obj">{o.clone()}</span>
                    {hook.then(|| view! { <span class="badge leftover-badge">"⚑ hook leftover"</span> })}
                </li>
            }
        })
        .collect_view();
    let no_cluster = step
        .cluster
        .is_empty()
        .then(|| view! { <li class="muted">"(nothing)"</li> });
    view! {
        <section
            class=format!("step {}", if failed { "failed" } else { "" })
            data-op=step.op.clone()
            data-index=index
            aria-current=move || (!readonly && ctx.step.get() == Some(index as u32)).then_some("step")
        >
            <h2>
                {if readonly {
                    view! { <span>{title}</span> }.into_any()
                } else {
                    // Selecting a step: share links open on it.
                    let selected = move || ctx.step.get() == Some(index as u32);
                    view! {
                        <button
                            class="step-select"
                            aria-pressed=move || selected().to_string()
                            title="Select this step: share links open on it"
                            on:click=move |_| {
                                ctx.step.update(|s| {
                                    *s = if *s == Some(index as u32) { None } else { Some(index as u32) };
                                })
                            }
                        >
                            {title}
                        </button>
                    }
                        .into_any()
                }}
                " "
                <span class=format!("status {}", if failed { "bad" } else { class })>{status}</span>
            </h2>
            {error}
            {phase_views}
            {empty}
            <div class="after">
                <div>
                    <h4>"Release history"</h4>
                    {no_history}
                    <table class="history" hidden=step.history.is_empty()>
                        <thead>
                            <tr>
                                <th scope="col">"Rev"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Description"</th>
                            </tr>
                        </thead>
                        <tbody>{history}</tbody>
                    </table>
                </div>
                <div>
                    <h4>"On the cluster"</h4>
                    <ul class="cluster">{cluster}{no_cluster}</ul>
                </div>
            </div>
            <p class="muted small">
                {format!("Helm could block for up to {}s of waiting in this step.", step.worst_case_seconds)}
            </p>
            {step.notes.clone().map(|n| view! { <details class="notes"><summary>"NOTES.txt"</summary><pre>{n}</pre></details> })}
        </section>
    }
}

/// One line that says what happened, for the live region and the embed header.
pub fn summary(plan: &Plan) -> String {
    plan.summary()
}

fn plan_view(ctx: Ctx, r: &Computed, plan: &Plan, readonly: bool) -> impl IntoView {
    view! {
        <div class="plan" data-release=plan.release.clone()>
            {plan
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| step_view(ctx, r, i, s, readonly))
                .collect_view()}
        </div>
    }
}

/// Why the latest run has no plan: the watchdog's (or the user's) stop, or the problems.
fn problem_panel(r: &Computed, stale: bool) -> impl IntoView {
    let stale_note = stale.then(|| {
        view! {
            <p class="stale-note">
                "Your edits are kept. Below is the last timeline that rendered, marked out of date; \
                 it is replaced as soon as the chart renders again."
            </p>
        }
    });
    let body = match &r.stopped {
        Some(message) => view! {
            <h2>"⚠ Rendering stopped"</h2>
            <p class="stop-message">{message.clone()}</p>
        }
        .into_any(),
        None => view! {
            <h2>"✗ The chart cannot be planned"</h2>
            <ul>
                {r.diagnostics
                    .iter()
                    .map(|d| {
                        let loc = if d.line > 0 {
                            format!("{}:{}:{}", d.file, d.line, d.col)
                        } else {
                            d.file.clone()
                        };
                        view! { <li><strong>{loc}</strong>" — "{d.message.clone()}</li> }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    view! {
        <div
            id="error"
            class="error-panel"
            role="alert"
            data-stopped=r.stopped.is_some().to_string()
        >
            {body}
            {stale_note}
        </div>
    }
}

#[component]
pub fn Timeline(#[prop(optional)] readonly: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Separate reactive parts, so that a new error does not rebuild the old timeline below it
    // (on a big chart that is most of the page's work).
    let failed = Memo::new(move |_| ctx.result.with(Computed::failed));
    let has_good = Memo::new(move |_| {
        ctx.last_good
            .with(|g| g.as_ref().is_some_and(|g| g.plan.is_some()))
    });
    let current = move || {
        ctx.result.with(|r| {
            let plan = r.plan.as_ref();
            match (failed.get(), plan) {
                (false, Some(plan)) => Some(plan_view(ctx, r, plan, readonly).into_any()),
                // The first run has not answered yet.
                (false, None) => {
                    Some(view! { <p class="muted" id="first-render">"Rendering…"</p> }.into_any())
                }
                (true, _) => None,
            }
        })
    };
    let panel = move || {
        failed
            .get()
            .then(|| ctx.result.with(|r| problem_panel(r, has_good.get())))
    };
    // The old timeline is read-only: clicking its hooks would edit a state that is no longer
    // the one on screen.
    let stale = move || {
        if !failed.get() {
            return None;
        }
        ctx.last_good.with(|g| {
            let g = g.as_ref()?;
            let plan = g.plan.as_ref()?;
            Some(view! {
                <div class="stale" id="stale-timeline" aria-label="Out of date: the last timeline that rendered">
                    <p class="stale-banner">
                        <span aria-hidden="true">"⚠ "</span>
                        "Out of date — from before the problem above"
                    </p>
                    {plan_view(ctx, g, plan, true)}
                </div>
            })
        })
    };
    // Helm's own answer to the broken chart (its steps fail on the render error, with Helm's
    // message): what Helm does with the chart as it is now, so it comes first, in full, above
    // the older timeline.
    let failed_plan = move || {
        if !failed.get() {
            return None;
        }
        ctx.result.with(|r| {
            let plan = r.plan.as_ref()?;
            Some(view! {
                <div class="failed-plan" id="failed-plan">
                    {plan_view(ctx, r, plan, readonly)}
                </div>
            })
        })
    };
    view! {
        <crate::findings::LintPanel/>
        {current} {panel} {failed_plan} {stale}
    }
}

#[component]
pub fn Rendered() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let chart = Memo::new(move |_| ctx.committed.with(|w| w.chart_name()));
    move || {
        let chart = chart.get();
        let latest_rendered = ctx.result.with(|r| !r.rendered.is_empty());
        // A failed run rendered nothing: show what the last good one rendered, marked.
        let source = if latest_rendered {
            ctx.result.get()
        } else {
            match ctx.last_good.get() {
                Some(g) => g,
                None => return view! { <p class="muted">"Nothing rendered."</p> }.into_any(),
            }
        };
        let stale = (!latest_rendered).then(|| {
            view! {
                <p class="stale-banner" id="rendered-stale">
                    <span aria-hidden="true">"⚠ "</span>
                    "Out of date — the last manifests that rendered, before the current problem"
                </p>
            }
        });
        let files = {
            let r = &source;
            r.rendered
                .iter()
                .map(|f| {
                    // The core's paths already start with the chart's name once it renders charts.
                    let source = match &chart {
                        Some(c) if !f.path.starts_with(&format!("{c}/")) => {
                            format!("{c}/{}", f.path)
                        }
                        _ => f.path.clone(),
                    };
                    view! {
                        <details class="rendered-file" open>
                            <summary>{f.path.clone()}</summary>
                            <pre>{format!("---\n# Source: {source}\n{}", f.content)}</pre>
                        </details>
                    }
                })
                .collect_view()
        };
        view! { {stale} {files} }.into_any()
    }
}
