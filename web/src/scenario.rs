//! The scenario builder: a list of helm commands with their flags, per-step values and
//! `--set` lines (install and upgrade), and per step the outcomes of hook waits (set by
//! clicking hook cards in the timeline).

use leptos::prelude::*;

use crate::app::Ctx;
use crate::model::{flags_for, parse_values, set_lines, takes_values, values_text, StepModel, OPS};

fn update_step(ctx: Ctx, id: u32, f: impl FnOnce(&mut StepModel)) {
    ctx.ws.update(|w| {
        if let Some(i) = w.scenario.index_of(id) {
            f(&mut w.scenario.steps[i]);
        }
    });
    ctx.commit_now();
}

/// A step's own values (YAML, like `-f`) and `--set` lines. The text being typed is kept
/// here: the model takes it once it parses (debounced like the editor), and the text follows
/// the model when that changes elsewhere (an example, a link).
#[component]
fn StepValues(id: u32) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let model = Memo::new(move |_| {
        ctx.ws.with(|w| {
            w.scenario
                .index_of(id)
                .map(|i| {
                    let s = &w.scenario.steps[i];
                    (i, s.values.clone(), s.set.clone())
                })
                .unwrap_or_default()
        })
    });
    let values_buf = RwSignal::new(model.with_untracked(|m| values_text(&m.1)));
    let set_buf = RwSignal::new(model.with_untracked(|m| m.2.join("\n")));
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        model.with(|(_, values, set)| {
            // Our own edits parse to the model; anything else came from elsewhere.
            if parse_values(&values_buf.get_untracked()).ok().as_ref() != Some(values) {
                values_buf.set(values_text(values));
                error.set(None);
            }
            if set_lines(&set_buf.get_untracked()) != *set {
                set_buf.set(set.join("\n"));
            }
        });
    });
    let index = move || model.with(|m| m.0) + 1;
    // Open at first when the step has values; after that the user decides.
    let has_any = model.with_untracked(|m| !values_text(&m.1).is_empty() || !m.2.is_empty());
    let update = move |f: &dyn Fn(&mut StepModel)| {
        ctx.ws.update(|w| {
            if let Some(i) = w.scenario.index_of(id) {
                f(&mut w.scenario.steps[i]);
            }
        });
    };
    let values_id = format!("step-values-{id}");
    let set_id = format!("step-set-{id}");
    let error_id = format!("step-values-error-{id}");
    view! {
        <details class="step-values" open=has_any>
            <summary>
                {move || {
                    let n = model.with(|m| {
                        m.1.as_object().map(|o| o.len()).unwrap_or(0) + m.2.len()
                    });
                    if n == 0 {
                        format!("Values for step {}", index())
                    } else {
                        format!("Values for step {} ({n} set)", index())
                    }
                }}
            </summary>
            <label for=values_id.clone()>"Values (YAML, like -f)"</label>
            <textarea
                id=values_id
                class="small-code step-values-yaml"
                rows="3"
                spellcheck="false"
                placeholder="image:\n  tag: v2"
                aria-describedby=error_id.clone()
                aria-invalid=move || error.with(|e| e.is_some()).then_some("true")
                prop:value=move || values_buf.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    values_buf.set(text.clone());
                    match parse_values(&text) {
                        Ok(v) => {
                            error.set(None);
                            update(&|s: &mut StepModel| s.values = v.clone());
                        }
                        Err(e) => error.set(Some(e)),
                    }
                }
            ></textarea>
            <p id=error_id class="error small" role="status">
                {move || error.get().map(|e| format!("✗ Not used until it parses: {e}"))}
            </p>
            <label for=set_id.clone()>"--set (one per line)"</label>
            <textarea
                id=set_id
                class="small-code step-set"
                rows="2"
                spellcheck="false"
                placeholder="image.tag=v2"
                prop:value=move || set_buf.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    set_buf.set(text.clone());
                    let lines = set_lines(&text);
                    update(&|s: &mut StepModel| s.set = lines.clone());
                }
            ></textarea>
        </details>
    }
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
                                if !takes_values(&s.op) {
                                    s.values = serde_json::Value::Null;
                                    s.set.clear();
                                }
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
            <Show when=move || takes_values(&op.get())>
                <StepValues id=id/>
            </Show>
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
