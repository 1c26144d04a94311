//! The gallery of teaching examples: real (small) Helm charts under `public/examples/<id>/`
//! with preset scenarios, compiled into the core (`hookline::gallery`) so share links can name
//! them by id and content hash.

use leptos::prelude::*;

use crate::app::Ctx;
use crate::model::{first_file, Preset, ScenarioModel, Workspace};

pub use hookline::gallery::{find, Example, EXAMPLES};

/// A fresh workspace holding a gallery example and its preset scenario.
pub fn workspace(ex: &Example) -> Workspace {
    {
        let preset = Preset::parse(ex.scenario);
        let files = ex.file_map();
        Workspace {
            open: first_file(&files),
            files,
            release: preset.release.unwrap_or_default(),
            namespace: preset.namespace.unwrap_or_default(),
            helm: preset.helm.unwrap_or_else(|| "v4".into()),
            scenario: ScenarioModel {
                cluster: preset.cluster,
                steps: preset.steps,
            },
            gallery: Some(ex.id.to_string()),
            ..Workspace::default()
        }
        .normalise()
    }
}

/// The gallery: a disclosure with one button per example.
#[component]
pub fn Gallery() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    view! {
        <section class="gallery" aria-labelledby="gallery-title">
            <button
                id="gallery-toggle"
                class="secondary"
                aria-expanded=move || open.get().to_string()
                aria-controls="gallery-list"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span id="gallery-title">"Examples"</span>
                {format!(" ({})", EXAMPLES.len())}
            </button>
            <ul id="gallery-list" class="gallery-list" hidden=move || !open.get()>
                {EXAMPLES
                    .iter()
                    .map(|ex| {
                        let id = ex.id;
                        view! {
                            <li>
                                <button
                                    class="example"
                                    data-example=id
                                    on:click=move |_| {
                                        if let Some(ex) = find(id) {
                                            ctx.load(workspace(ex));
                                            open.set(false);
                                        }
                                    }
                                >
                                    <strong>{ex.title}</strong>
                                    <span>{ex.summary}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_plans_without_diagnostics() {
        for ex in EXAMPLES {
            let ws = workspace(ex);
            assert!(!ws.scenario.steps.is_empty(), "{}", ex.id);
            let c = crate::model::compute(&ws);
            assert!(c.diagnostics.is_empty(), "{}: {:?}", ex.id, c.diagnostics);
            let plan = c.plan.expect(ex.id);
            assert_eq!(plan.steps.len(), ws.scenario.steps.len(), "{}", ex.id);
        }
    }
}
