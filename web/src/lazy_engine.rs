//! The page's way to the second wasm module (web/engine, issue #11): the chart engine. The
//! page's own module has no template engine. A chart's render ([`render`]) and `hookline lint`
//! ([`lint`]) happen in the second module; until it is loaded they answer nothing,
//! [`last_job_wanted_it`] says so, and the job runs again once [`load`] is done (the render
//! worker does this for a chart's first job, so a chart fetches the module at once). The same
//! goes for the third module (web/crypto: Sprig's crypto, full-regex, date and rare functions
//! and the values.schema.json validator), which the second one fetches the first time a render
//! calls one of them. In tests (built with the engine and every function) none of this runs.
//!
//! The second module also serves what the page needs only once the first timeline is there: the
//! share link's compression ([`share_fragment`]), the plan's exports ([`export_plan`]) and the
//! `.tgz` reader ([`unpack`]). The page preloads it right after the first timeline
//! ([`preload`]), so that a click on Share or on an export finds it ready (the clipboard takes
//! text only while the click's gesture lasts).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;

// The snippet sits in <dist>/snippets/<crate>/, the module in <dist>/lazy/
// (scripts/build-lazy-modules.sh).
#[wasm_bindgen(inline_js = r#"
let mod = null, loading = null;
export function engine_unpack(request) {
  return mod ? mod.unpack(request) : undefined;
}
export function engine_lint(request) {
  return mod ? mod.lint(request) : undefined;
}
export function engine_render(request, reset, remove, nesting) {
  return mod ? mod.render(request, reset, remove, nesting) : undefined;
}
export function engine_nesting_now() {
  return mod ? mod.nestingNow() : 0;
}
export function engine_share(json) {
  return mod ? mod.shareFragment(json) : undefined;
}
export function engine_export(plan, format, link) {
  return mod ? mod.exportPlan(plan, format, link) : undefined;
}
export function engine_ready() {
  return mod !== null;
}
export function engine_load() {
  if (!loading) {
    loading = import(new URL('../../lazy/hookline_engine_web.js', import.meta.url).href)
      .then(async (m) => { await m.default(); mod = m; })
      .catch((e) => { loading = null; throw e; });
  }
  return loading;
}
export function engine_load_functions() {
  return mod.loadFunctions();
}
"#)]
extern "C" {
    fn engine_unpack(request: &str) -> Option<String>;
    fn engine_lint(request: &str) -> Option<String>;
    fn engine_render(request: &str, reset: bool, remove: &str, nesting: u32) -> Option<String>;
    fn engine_nesting_now() -> u32;
    fn engine_share(json: &str) -> Option<String>;
    fn engine_export(plan: &str, format: &str, link: &str) -> Option<String>;
    fn engine_ready() -> bool;
    fn engine_load() -> js_sys::Promise;
    fn engine_load_functions() -> js_sys::Promise;
}

thread_local! {
    /// A job asked for a module that was not there (see [`last_job_wanted_it`]).
    static WANTED: Cell<bool> = const { Cell::new(false) };
    /// ... and it was the third one: the second module is there, its render or lint called
    /// one of the third module's functions first.
    static FUNCTIONS_WANTED: Cell<bool> = const { Cell::new(false) };
    /// The files the second module holds: what [`render`] sent it so far (`None`: nothing
    /// yet, or its last answer could not be read, so the next request starts it afresh).
    static SENT: RefCell<Option<BTreeMap<String, String>>> = const { RefCell::new(None) };
}

/// Whether the last job (a chart's render, or a lint) asked for a module that was not there:
/// then [`load`] fetches it and the job is run again.
pub fn last_job_wanted_it() -> bool {
    WANTED.with(|w| w.replace(false))
}

/// The second module answered nothing: the third one is needed first.
fn functions_wanted() {
    WANTED.with(|w| w.set(true));
    FUNCTIONS_WANTED.with(|w| w.set(true));
}

/// A chart's render and plan, done by the second module; `None` when a module it needs is not
/// loaded yet. Only the files that changed since the last render cross
/// ([`hookline::files_delta`]). An answer that cannot be read becomes a diagnostic.
pub fn render(input: &hookline::playground::Input) -> Option<hookline::playground::Shown> {
    use hookline::files_delta::FilesDelta;
    use hookline::playground::{Input, Shown};
    if !engine_ready() {
        WANTED.with(|w| w.set(true));
        return None;
    }
    let failed = |message: String| {
        SENT.with(|s| *s.borrow_mut() = None);
        Shown::failure(message)
    };
    let delta = SENT.with(|s| FilesDelta::for_receiver(&mut s.borrow_mut(), &input.files));
    let remove = delta.removed_text();
    // Every field but the files as the input has them (no `..`: a new field must be sent too).
    let request = Input {
        files: delta.set,
        values: input.values.clone(),
        set: input.set.clone(),
        scenario: input.scenario.clone(),
        release: input.release.clone(),
        namespace: input.namespace.clone(),
        helm: input.helm,
        kube_version: input.kube_version.clone(),
    };
    let request = match serde_json::to_string(&request) {
        Ok(r) => r,
        Err(e) => return Some(failed(e.to_string())),
    };
    let nesting = u32::try_from(gotemplate::default_max_nesting()).unwrap_or(u32::MAX);
    let Some(answer) = engine_render(&request, delta.reset, &remove, nesting) else {
        // The module holds the files all the same.
        functions_wanted();
        return None;
    };
    Some(
        hookline::packed::from_str(&answer)
            .unwrap_or_else(|e| failed(format!("bad answer from the chart engine: {e}"))),
    )
}

/// How deep the second module's engine was when the browser's stack overflow ended a
/// [`render`] (0 when it is not loaded).
pub fn nesting_now() -> u32 {
    engine_nesting_now()
}

/// `hookline lint`'s findings from the second module; `None` when a module it needs is not
/// loaded yet (then [`last_job_wanted_it`] says so, and the job runs again once [`load`] is
/// done).
pub fn lint(
    input: &hookline::playground::Input,
) -> Option<Result<Vec<crate::findings::FindingView>, String>> {
    if !engine_ready() {
        WANTED.with(|w| w.set(true));
        return None;
    }
    let request = match serde_json::to_string(input) {
        Ok(r) => r,
        Err(e) => return Some(Err(e.to_string())),
    };
    let Some(answer) = engine_lint(&request) else {
        functions_wanted();
        return None;
    };
    Some(
        hookline::packed::from_str(&answer)
            .unwrap_or_else(|e| Err(format!("bad answer from the linter: {e}"))),
    )
}

/// A share link's fragment body (`h1.…`) for the state's canonical JSON; `None` until the
/// module is loaded.
pub fn share_fragment(canonical_json: &str) -> Option<String> {
    engine_share(canonical_json)
}

/// The plan as `markdown` (with `link`), `json` or `svg`; `None` until the module is loaded
/// (or when it could not read the plan).
pub fn export_plan(plan: &hookline::Plan, format: &str, link: &str) -> Option<String> {
    let plan = serde_json::to_string(plan).ok()?;
    engine_export(&plan, format, link).filter(|s| !s.is_empty())
}

/// The module on the page (not in the workers): whether it is there for Share and the
/// exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Second {
    /// Not asked for yet: the first timeline is not shown.
    Idle,
    Loading,
    Ready,
    /// The browser's reason.
    Failed(String),
}

/// Fetch the module on the page unless it is there or on its way; `state` follows.
pub fn preload(state: leptos::prelude::RwSignal<Second>) {
    use leptos::prelude::*;
    if matches!(state.get_untracked(), Second::Loading | Second::Ready) {
        return;
    }
    state.set(Second::Loading);
    wasm_bindgen_futures::spawn_local(async move {
        let now = match load().await {
            Ok(()) => Second::Ready,
            Err(e) => Second::Failed(e),
        };
        state.try_set(now);
    });
}

/// Fetch and start the second module, and the third one when the last render or lint asked
/// for it; `Err` with the browser's reason when that fails.
pub async fn load() -> Result<(), String> {
    let reason = |e: JsValue| {
        use wasm_bindgen::JsCast;
        // The browser's sentence (a TypeError's message), not the value's debug form.
        match e.dyn_ref::<js_sys::Error>() {
            Some(err) => String::from(err.message()),
            None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
        }
    };
    wasm_bindgen_futures::JsFuture::from(engine_load())
        .await
        .map_err(reason)?;
    if FUNCTIONS_WANTED.with(|w| w.replace(false)) {
        wasm_bindgen_futures::JsFuture::from(engine_load_functions())
            .await
            .map_err(reason)?;
    }
    Ok(())
}

/// [`load`] for a job that asked for a module ([`last_job_wanted_it`]): `Err` says which one
/// did not load, and why.
pub async fn load_wanted() -> Result<(), String> {
    let which = if engine_ready() { "third" } else { "second" };
    load()
        .await
        .map_err(|e| format!("the {which} module did not load ({e})"))
}

/// Unpack opened files in the module (loaded beforehand with [`load`]): `mode` is `archive`
/// (one `.tgz`) or `subcharts` (a chart's files with archives under `charts/`). The error is
/// the core's text.
pub fn unpack(
    mode: &str,
    files: std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<std::collections::BTreeMap<String, Vec<u8>>, String> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let mut encoded = serde_json::Map::new();
    encoded.extend(
        files
            .into_iter()
            .map(|(p, d)| (p, serde_json::Value::String(STANDARD.encode(d)))),
    );
    let files = encoded;
    let request = serde_json::json!({ "mode": mode, "files": files }).to_string();
    let answer = engine_unpack(&request).ok_or("the archive reader is not loaded")?;
    let answer: serde_json::Value =
        serde_json::from_str(&answer).map_err(|_| "bad answer from the archive reader")?;
    if let Some(e) = answer["err"].as_str() {
        return Err(e.to_string());
    }
    let mut out = std::collections::BTreeMap::new();
    for (p, d) in answer["ok"].as_object().into_iter().flatten() {
        let d = d
            .as_str()
            .and_then(|d| STANDARD.decode(d).ok())
            .ok_or("bad answer from the archive reader")?;
        out.insert(p.clone(), d);
    }
    Ok(out)
}
