//! The scenario builder: a list of helm commands with their flags and, per step, the
//! outcomes of hook waits (set by clicking hook cards in the timeline).

use leptos::prelude::*;

use crate::app::Ctx;
use crate::model::{flags_for, StepModel, OPS};

fn update_step(ctx: Ctx, id: u32, f: impl FnOnce(&mut StepModel)) {
    ctx.ws.update(|w| {
        if let Some(i) = w.scenario.index_of(id) {
            f(&mut w.scenario.steps[i]);
        }
    });
    ctx.commit_now();
}

#[component]
fn StepEditor(id: u32) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let step = Memo::new(move |_| {
        ctx.ws.with(|w| {
            w.scenario
                .index_of(id)
                .map(|i| (i, w.scenario.steps[i].clone()))
        })
    });
    let index = move || step.with(|s| s.as_ref().map(|s| s.0).unwrap_or(0));
    let count = Memo::new(move |_| ctx.ws.with(|w| w.scenario.steps.len()));
    let op =
        Memo::new(move |_| step.with(|s| s.as_ref().map(|s| s.1.op.clone()).unwrap_or_default()));
    let label = move || format!("Step {}", index() + 1);
    let move_by = move |delta: isize| {
        ctx.ws.update(|w| {
            if let Some(i) = w.scenario.index_of(id) {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < w.scenario.steps.len() {
                    w.scenario.steps.swap(i, j as usize);
                }
            }
        });
        ctx.commit_now();
    };
    view! {
        <li class="spec" data-index=index data-op=move || op.get()>
            <div class="spec-head">
                <span class="spec-n">{label}</span>
                <label class="visually-hidden" for=format!("op-{id}")>
                    {move || format!("Command of step {}", index() + 1)}
                </label>
                <select
                    id=format!("op-{id}")
                    class="op"
                    prop:value=move || op.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        update_step(
                            ctx,
                            id,
                            |s| {
                                s.op = v;
                                let allowed = flags_for(&s.op);
                                s.flags.retain(|f| allowed.contains(&f.as_str()));
                            },
                        );
                    }
                >
                    {OPS
                        .iter()
                        .map(|o| view! { <option value=*o>{format!("helm {o}")}</option> })
                        .collect_view()}
                </select>
                <span class="spec-tools">
                    <button
                        class="icon"
                        disabled=move || index() == 0
                        on:click=move |_| move_by(-1)
                    >
                        <span aria-hidden="true">"↑"</span>
                        <span class="visually-hidden">{move || format!("Move step {} up", index() + 1)}</span>
                    </button>
                    <button
                        class="icon"
                        disabled=move || { index() + 1 >= count.get() }
                        on:click=move |_| move_by(1)
                    >
                        <span aria-hidden="true">"↓"</span>
                        <span class="visually-hidden">{move || format!("Move step {} down", index() + 1)}</span>
                    </button>
                    <button
                        class="icon danger"
                        disabled=move || { count.get() <= 1 }
                        on:click=move |_| {
                            ctx.ws.update(|w| w.scenario.steps.retain(|s| s.id != id));
                            ctx.commit_now();
                        }
                    >
                        <span aria-hidden="true">"✕"</span>
                        <span class="visually-hidden">{move || format!("Remove step {}", index() + 1)}</span>
                    </button>
                </span>
            </div>
            <div class="flags">
                {move || {
                    let o = op.get();
                    flags_for(&o)
                        .iter()
                        .map(|f| {
                            let f = *f;
                            let checked = move || {
                                step.with(|s| {
                                    s.as_ref().map(|s| s.1.flags.iter().any(|x| x == f)).unwrap_or(false)
                                })
                            };
                            view! {
                                <label class="flag">
                                    <input
                                        type="checkbox"
                                        data-flag=f
                                        prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            update_step(
                                                ctx,
                                                id,
                                                |s| {
                                                    s.flags.retain(|x| x != f);
                                                    if on {
                                                        s.flags.push(f.to_string());
                                                    }
                                                },
                                            );
                                        }
                                    />
                                    {format!("--{f}")}
                                </label>
                            }
                        })
                        .collect_view()
                }}
                <label class="flag">
                    "--timeout "
                    <input
                        type="text"
                        class="timeout"
                        size="5"
                        placeholder="300s"
                        prop:value=move || {
                            step.with(|s| s.as_ref().map(|s| s.1.timeout.clone()).unwrap_or_default())
                        }
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            update_step(ctx, id, |s| s.timeout = v.trim().to_string());
                        }
                    />
                </label>
                <Show when=move || op.get() == "rollback">
                    <label class="flag">
                        "revision "
                        <input
                            type="number"
                            class="revision"
                            min="0"
                            placeholder="previous"
                            prop:value=move || {
                                step.with(|s| {
                                    s.as_ref()
                                        .and_then(|s| s.1.revision)
                                        .map(|r| r.to_string())
                                        .unwrap_or_default()
                                })
                            }
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                update_step(ctx, id, |s| s.revision = v.trim().parse().ok().filter(|r| *r > 0));
                            }
                        />
                    </label>
                </Show>
            </div>
            <ul class="outcomes" aria-label="Hook outcomes in this step">
                {move || {
                    step.with(|s| s.as_ref().map(|s| s.1.outcomes.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|(k, v)| {
                            let k2 = k.clone();
                            view! {
                                <li class="chip">
                                    <span>{format!("{k} → {v}")}</span>
                                    <button
                                        class="icon"
                                        aria-label=format!("Clear the outcome of {k}")
                                        on:click=move |_| {
                                            let k = k2.clone();
                                            update_step(ctx, id, move |s| {
                                                s.outcomes.remove(&k);
                                            });
                                        }
                                    >
                                        "✕"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <Show when=move || step.with(|s| s.as_ref().is_some_and(|s| s.1.manifest.is_some()))>
                <p class="hint">"This step uses its own manifest (from the example's scenario)."</p>
            </Show>
        </li>
    }
}

#[component]
pub fn Scenario() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let ids = Memo::new(move |_| {
        ctx.ws
            .with(|w| w.scenario.steps.iter().map(|s| s.id).collect::<Vec<_>>())
    });
    let yaml = move || ctx.ws.with(|w| w.scenario.to_yaml());
    let scenario_errors = move || {
        ctx.result.with(|r| {
            r.diagnostics
                .iter()
                .filter(|d| d.file == "scenario")
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        })
    };
    let add = move |op: &'static str| {
        ctx.ws.update(|w| {
            let id = w.scenario.next_id();
            w.scenario.steps.push(StepModel {
                id,
                op: op.into(),
                ..StepModel::default()
            });
        });
        ctx.commit_now();
    };
    let about = move || {
        ctx.ws.with(|w| {
            w.gallery
                .as_deref()
                .and_then(crate::gallery::find)
                .map(|ex| (ex.title, ex.summary))
        })
    };
    view! {
        <section class="scenario" id="scenario" aria-labelledby="scenario-title">
            {move || {
                about()
                    .map(|(title, summary)| {
                        view! {
                            <div class="about" id="about-example">
                                <strong>{format!("Example: {title}. ")}</strong>
                                {summary}
                            </div>
                        }
                    })
            }}
            <h2 id="scenario-title">"Scenario"</h2>
            <p class="hint">
                "The helm commands to run, in order. Click a Job or Pod hook in the timeline to make its wait fail or time out."
            </p>
            <ol class="specs">
                <For each=move || ids.get() key=|id| *id children=move |id| view! { <StepEditor id=id/> }/>
            </ol>
            <div class="add-step" role="group" aria-label="Add a step">
                <span>"Add: "</span>
                {OPS
                    .iter()
                    .map(|op| {
                        let op = *op;
                        view! {
                            <button class="secondary" data-add=op on:click=move |_| add(op)>
                                {format!("+ {op}")}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || {
                scenario_errors()
                    .into_iter()
                    .map(|m| view! { <p class="error" role="alert">{m}</p> })
                    .collect_view()
            }}
            <details class="scenario-yaml">
                <summary>"Scenario file (for hookline plan --scenario)"</summary>
                <pre>{yaml}</pre>
            </details>
        </section>
    }
}
