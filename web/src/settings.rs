//! Values and release settings: extra values, --set lines, release name, namespace,
//! Kubernetes version and Helm 3 / Helm 4 semantics.

use leptos::prelude::*;

use crate::app::Ctx;
use crate::model::Workspace;

/// The Kubernetes version Helm assumes without `--kube-version`, from the core (it differs
/// between Helm 3 and Helm 4).
pub fn default_kube_version(helm: &str) -> String {
    let helm = hookline::HelmVersion::parse(helm).unwrap_or_default();
    hookline::chart::KubeVersion::default_for(helm).version
}

/// A text field bound to one workspace string.
fn field(ctx: Ctx, get: fn(&Workspace) -> &String) -> Memo<String> {
    Memo::new(move |_| ctx.ws.with(|w| get(w).clone()))
}

#[component]
pub fn Settings() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let values = field(ctx, |w| &w.values);
    let set = field(ctx, |w| &w.set);
    let release = field(ctx, |w| &w.release);
    let namespace = field(ctx, |w| &w.namespace);
    let kube = field(ctx, |w| &w.kube_version);
    let helm = field(ctx, |w| &w.helm);
    view! {
        <details class="settings" open>
            <summary>"Values and release settings"</summary>
            <div class="settings-grid">
                <label>
                    "Release name"
                    <input
                        id="release"
                        type="text"
                        placeholder="release"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || release.get()
                        on:input=move |ev| ctx.ws.update(|w| w.release = event_target_value(&ev))
                    />
                </label>
                <label>
                    "Namespace"
                    <input
                        id="namespace"
                        type="text"
                        placeholder="default"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || namespace.get()
                        on:input=move |ev| ctx.ws.update(|w| w.namespace = event_target_value(&ev))
                    />
                </label>
                <label>
                    "Kubernetes version"
                    <input
                        id="kube-version"
                        type="text"
                        placeholder=move || default_kube_version(&helm.get())
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || kube.get()
                        on:input=move |ev| ctx.ws.update(|w| w.kube_version = event_target_value(&ev))
                    />
                </label>
                <label>
                    "Helm semantics"
                    <select
                        id="helm"
                        prop:value=move || helm.get()
                        on:change=move |ev| {
                            ctx.ws.update(|w| w.helm = event_target_value(&ev));
                            ctx.commit_now();
                        }
                    >
                        <option value="v4">"Helm 4"</option>
                        <option value="v3">"Helm 3"</option>
                    </select>
                </label>
                <label class="wide">
                    "Extra values (YAML, like -f)"
                    <textarea
                        id="values"
                        class="small-code"
                        rows="3"
                        spellcheck="false"
                        placeholder="replicaCount: 2"
                        prop:value=move || values.get()
                        on:input=move |ev| ctx.ws.update(|w| w.values = event_target_value(&ev))
                    ></textarea>
                </label>
                <label class="wide">
                    "--set (one per line)"
                    <textarea
                        id="set"
                        class="small-code"
                        rows="2"
                        spellcheck="false"
                        placeholder="image.tag=2.0"
                        prop:value=move || set.get()
                        on:input=move |ev| ctx.ws.update(|w| w.set = event_target_value(&ev))
                    ></textarea>
                </label>
            </div>
        </details>
    }
}
