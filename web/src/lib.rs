//! The Hookline playground: a thin Leptos view over the pure core.

use hookline::kind_order::KindOrder;
use hookline::{plan_install, split_rendered, HelmVersion, Plan, RenderedFile};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// The example shown on first load: the seed article's pre-upgrade backup Job next to an
/// install's pre-install hooks, so the first timeline already shows ordering and cleanup.
pub const EXAMPLE: &str = include_str!("../../public/examples/install-hooks.yaml");

/// The whole pipeline the page runs on every edit.
pub fn plan_manifest(text: &str, helm: HelmVersion) -> Result<Plan, String> {
    let files = vec![RenderedFile {
        path: "manifest.yaml".into(),
        content: text.to_string(),
    }];
    let sorted = split_rendered(&files, KindOrder::Install, helm).map_err(|e| e.to_string())?;
    Ok(plan_install(&sorted, helm))
}

/// The core's API for JavaScript callers (and the wasm tests): manifest text in, plan JSON out.
#[wasm_bindgen(js_name = planManifest)]
pub fn plan_manifest_json(text: &str, helm: &str) -> Result<String, JsError> {
    let helm = if helm == "v3" {
        HelmVersion::V3
    } else {
        HelmVersion::V4
    };
    let plan = plan_manifest(text, helm).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&plan).map_err(|e| JsError::new(&e.to_string()))
}

#[component]
fn Timeline(plan: Plan) -> impl IntoView {
    plan.steps
        .into_iter()
        .map(|step| {
            let mut phases: Vec<(String, Vec<hookline::Action>)> = Vec::new();
            for a in step.actions {
                match phases.last_mut() {
                    Some((p, list)) if *p == a.phase => list.push(a),
                    _ => phases.push((a.phase.clone(), vec![a])),
                }
            }
            let title = format!(
                "{} → revision {} ({})",
                step.op,
                step.revision.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                step.status
            );
            let cluster = step.cluster.join(", ");
            view! {
                <section class="step" data-op=step.op.clone()>
                    <h2>{title}</h2>
                    {phases
                        .into_iter()
                        .map(|(phase, actions)| {
                            view! {
                                <div class="phase" data-phase=phase.clone()>
                                    <h3>{phase.clone()}</h3>
                                    <ol>
                                        {actions
                                            .into_iter()
                                            .map(|a| {
                                                let weight = a
                                                    .weight
                                                    .map(|w| format!("weight {w}"))
                                                    .unwrap_or_default();
                                                let detail = a
                                                    .result
                                                    .clone()
                                                    .or(a.reason.clone())
                                                    .unwrap_or_default();
                                                view! {
                                                    <li
                                                        class=format!("action verb-{}", a.verb)
                                                        data-verb=a.verb.clone()
                                                        data-name=a.name.clone()
                                                    >
                                                        <span class="verb">{a.verb.clone()}</span>
                                                        " "
                                                        <span class="obj">{format!("{}/{}", a.kind, a.name)}</span>
                                                        " "
                                                        <span class="weight">{weight}</span>
                                                        " "
                                                        <span class="detail">{detail}</span>
                                                        <div class="why">{a.why.clone().unwrap_or_default()}</div>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </div>
                            }
                        })
                        .collect_view()}
                    <p class="cluster">"On the cluster afterwards: " {cluster}</p>
                </section>
            }
        })
        .collect_view()
}

#[component]
pub fn App() -> impl IntoView {
    let (text, set_text) = signal(EXAMPLE.to_string());
    let (helm, set_helm) = signal(HelmVersion::V4);
    let result = Memo::new(move |_| text.with(|t| plan_manifest(t, helm.get())));
    view! {
        <header>
            <h1>"Hookline"</h1>
            <p class="tagline">"See exactly what helm install will do with your chart's hooks."</p>
        </header>
        <main>
            <section class="editor">
                <label for="manifest">"Rendered manifest (multi-document YAML)"</label>
                <textarea
                    id="manifest"
                    spellcheck="false"
                    prop:value=move || text.get()
                    on:input=move |ev| set_text.set(event_target_value(&ev))
                ></textarea>
                <label for="helm">"Helm semantics "</label>
                <select
                    id="helm"
                    on:change=move |ev| {
                        set_helm.set(if event_target_value(&ev) == "v3" { HelmVersion::V3 } else { HelmVersion::V4 })
                    }
                >
                    <option value="v4" selected>"Helm 4"</option>
                    <option value="v3">"Helm 3"</option>
                </select>
            </section>
            <section id="timeline" class="timeline" aria-live="polite">
                {move || match result.get() {
                    Ok(plan) => view! { <Timeline plan=plan/> }.into_any(),
                    Err(e) => view! { <p id="error" class="error" role="alert">{e}</p> }.into_any(),
                }}
            </section>
        </main>
    }
}

/// Mount the app on the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
