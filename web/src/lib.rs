//! The Hookline playground: a Leptos (client-side) page over the pure core
//! (`hookline::playground::run`). No Helm logic lives here; the modules are views.

pub mod app;
pub mod compare;
pub mod editor;
pub mod files;
pub mod findings;
pub mod gallery;
pub mod highlight;
pub mod js;
pub mod lazy_engine;
pub mod model;
pub mod packed;
pub mod scenario;
pub mod settings;
pub mod share;
pub mod storage;
pub mod timeline;
pub mod view_settings;
pub mod wire;
pub mod worker;

use hookline::kind_order::KindOrder;
use hookline::{plan_install, split_rendered, HelmVersion, Plan, RenderedFile};
use wasm_bindgen::prelude::*;

pub use app::App;

/// The example shown on first load: an install's hooks on both sides of its resources.
pub const EXAMPLE: &str = include_str!("../../public/examples/install-hooks.yaml");

/// One install of a manifest (kept for the wasm tests and JavaScript callers).
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
    let helm = HelmVersion::parse(helm).unwrap_or_default();
    let plan = plan_manifest(text, helm).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&plan).map_err(|e| JsError::new(&e.to_string()))
}

/// Mount the app on the page's body. The render worker instantiates this same module, and
/// wasm-bindgen runs `main` there too: without a window there is nothing to mount.
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_none() {
        return;
    }
    leptos::mount::mount_to_body(App);
}
