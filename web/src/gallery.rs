//! The gallery of teaching examples. Each is a real (small) Helm chart under
//! `public/examples/<id>/` with a preset scenario, embedded into the wasm with `include_str!`
//! so share links can name it by id and content hash.

use std::collections::BTreeMap;

use hookline::share::{self, FileContent};
use leptos::prelude::*;

use crate::app::Ctx;
use crate::model::{first_file, Preset, ScenarioModel, Workspace};

pub use crate::gallery_list::EXAMPLES;

pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub files: &'static [(&'static str, &'static str)],
    pub scenario: &'static str,
}

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

impl Example {
    pub fn file_map(&self) -> BTreeMap<String, String> {
        self.files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    /// The chart as the share codec sees it (for the content hash).
    pub fn share_files(&self) -> BTreeMap<String, FileContent> {
        self.files
            .iter()
            .map(|(p, t)| (p.to_string(), FileContent::Text(t.to_string())))
            .collect()
    }

    pub fn hash(&self) -> String {
        share::content_hash(&self.share_files())
    }

    /// A fresh workspace holding this example and its preset scenario.
    pub fn workspace(&self) -> Workspace {
        let preset = Preset::parse(self.scenario);
        let files = self.file_map();
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
            gallery: Some(self.id.to_string()),
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
                                            ctx.load(ex.workspace());
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
            let ws = ex.workspace();
            assert!(!ws.scenario.steps.is_empty(), "{}", ex.id);
            let c = crate::model::compute(&ws);
            assert!(c.diagnostics.is_empty(), "{}: {:?}", ex.id, c.diagnostics);
            let plan = c.plan.expect(ex.id);
            assert_eq!(plan.steps.len(), ws.scenario.steps.len(), "{}", ex.id);
        }
    }
}
