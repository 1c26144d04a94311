//! The second wasm module (web/crypto): Sprig's crypto functions, the regex patterns that need
//! the full engine, the values.schema.json validator, Sprig's date functions and the `.tgz`
//! reader, left out of the first download
//! (issue #11) and fetched the first time a render calls one of them. The core
//! reaches them through `hookline::funcs::crypto_wire`; until the module is there such a call
//! fails, [`last_job_wanted_it`] says so, and the page renders again once [`load`] is done.
//! In tests (built with the `crypto` feature) the functions are built in and none of this runs.
//!
//! It also serves what the page needs only once the first timeline is there: `hookline lint`
//! ([`lint`]: the lint worker fetches the module for its first job), the share link's
//! compression ([`share_fragment`]) and the plan's exports ([`export_plan`]). The page
//! preloads it right after the first timeline ([`preload`]), so that a click on Share or on an
//! export finds it ready (the clipboard takes text only while the click's gesture lasts).

use wasm_bindgen::prelude::*;

// The snippet sits in <dist>/snippets/<crate>/, the module in <dist>/lazy/ (scripts/build-crypto-module.sh).
#[wasm_bindgen(inline_js = r#"
let mod = null, loading = null;
export function crypto_call(request) {
  return mod ? mod.call(request) : undefined;
}
export function crypto_unpack(request) {
  return mod ? mod.unpack(request) : undefined;
}
export function crypto_lint(request) {
  return mod ? mod.lint(request) : undefined;
}
export function crypto_render(request, reset, remove, nesting) {
  return mod ? mod.render(request, reset, remove, nesting) : undefined;
}
export function crypto_nesting_now() {
  return mod ? mod.nestingNow() : 0;
}
export function crypto_share(json) {
  return mod ? mod.shareFragment(json) : undefined;
}
export function crypto_export(plan, format, link) {
  return mod ? mod.exportPlan(plan, format, link) : undefined;
}
export function crypto_ready() {
  return mod !== null;
}
export function crypto_load() {
  if (!loading) {
    loading = import(new URL('../../lazy/hookline_crypto_web.js', import.meta.url).href)
      .then(async (m) => { await m.default(); mod = m; })
      .catch((e) => { loading = null; throw e; });
  }
  return loading;
}
"#)]
extern "C" {
    fn crypto_call(request: &str) -> Option<String>;
    fn crypto_unpack(request: &str) -> Option<String>;
    fn crypto_lint(request: &str) -> Option<String>;
    fn crypto_render(request: &str, reset: bool, remove: &str, nesting: u32) -> Option<String>;
    fn crypto_nesting_now() -> u32;
    fn crypto_share(json: &str) -> Option<String>;
    fn crypto_export(plan: &str, format: &str, link: &str) -> Option<String>;
    fn crypto_ready() -> bool;
    fn crypto_load() -> js_sys::Promise;
}

/// Whether the module is loaded (renders from now on have the crypto functions).
pub fn is_loaded() -> bool {
    crypto_ready()
}

/// Route the core's crypto functions to the module (once it is loaded).
pub fn install() {
    hookline::funcs::crypto_wire::set_host(Some(Box::new(|request: &str| crypto_call(request))));
}

thread_local! {
    /// A chart's render or a lint asked for the module before it was there (see
    /// [`last_job_wanted_it`]).
    static WANTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the last job (a chart's render, or a lint) asked for the module before it was
/// there.
pub fn last_job_wanted_it() -> bool {
    let crypto = hookline::funcs::crypto_wire::take_wanted();
    WANTED.with(|w| w.replace(false)) || crypto
}

thread_local! {
    /// The files the module holds: what [`render`] sent it so far (`None`: nothing yet, or
    /// its last answer could not be read, so the next request starts it afresh).
    static SENT: std::cell::RefCell<Option<std::collections::BTreeMap<String, String>>> =
        const { std::cell::RefCell::new(None) };
}

/// A chart's render and plan, done by the module (the page has no template engine: issue
/// #11); `None` when it is not loaded yet (then [`last_job_wanted_it`] says so, and the job
/// runs again once [`load`] is done). Only the files that changed since the last render
/// cross ([`hookline::files_delta`]). An answer that cannot be read becomes a diagnostic.
pub fn render(input: &hookline::playground::Input) -> Option<hookline::playground::Shown> {
    use hookline::files_delta::FilesDelta;
    use hookline::playground::{Diagnostic, Input, Shown};
    if !crypto_ready() {
        WANTED.with(|w| w.set(true));
        return None;
    }
    let failed = |message: String| {
        SENT.with(|s| *s.borrow_mut() = None);
        Shown {
            diagnostics: vec![Diagnostic {
                file: String::new(),
                line: 0,
                col: 0,
                message,
            }],
            ..Shown::default()
        }
    };
    let delta = SENT.with(|s| match &mut *s.borrow_mut() {
        Some(held) => FilesDelta::between(held, &input.files),
        fresh @ None => {
            *fresh = Some(input.files.clone());
            FilesDelta {
                reset: true,
                set: input.files.clone(),
                remove: Vec::new(),
            }
        }
    });
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
        lint: input.lint,
    };
    let request = match serde_json::to_string(&request) {
        Ok(r) => r,
        Err(e) => return Some(failed(e.to_string())),
    };
    let nesting = u32::try_from(gotemplate::default_max_nesting()).unwrap_or(u32::MAX);
    let Some(answer) = crypto_render(&request, delta.reset, &remove, nesting) else {
        return Some(failed("the chart engine gave no answer".into()));
    };
    Some(
        hookline::packed::from_str(&answer)
            .unwrap_or_else(|e| failed(format!("bad answer from the chart engine: {e}"))),
    )
}

/// How deep the module's engine was when the browser's stack overflow ended a [`render`] (0
/// when it is not loaded).
pub fn nesting_now() -> u32 {
    crypto_nesting_now()
}

/// `hookline lint`'s findings from the module; `None` when it is not loaded yet (then
/// [`last_job_wanted_it`] says so, and the job runs again once [`load`] is done).
pub fn lint(
    input: &hookline::playground::Input,
) -> Option<Result<Vec<crate::findings::FindingView>, String>> {
    let request = serde_json::to_string(input).map_err(|e| e.to_string());
    let answer = match request {
        Ok(r) => crypto_lint(&r),
        Err(e) => return Some(Err(e)),
    };
    let Some(answer) = answer else {
        WANTED.with(|w| w.set(true));
        return None;
    };
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Linted {
        Ok(Vec<crate::findings::FindingView>),
        Err(String),
    }
    Some(match serde_json::from_str::<Linted>(&answer) {
        Ok(Linted::Ok(found)) => Ok(found),
        Ok(Linted::Err(e)) => Err(e),
        Err(e) => Err(format!("bad answer from the linter: {e}")),
    })
}

/// A share link's fragment body (`h1.…`) for the state's canonical JSON; `None` until the
/// module is loaded.
pub fn share_fragment(canonical_json: &str) -> Option<String> {
    crypto_share(canonical_json)
}

/// The plan as `markdown` (with `link`), `json` or `svg`; `None` until the module is loaded
/// (or when it could not read the plan).
pub fn export_plan(plan: &hookline::Plan, format: &str, link: &str) -> Option<String> {
    let plan = serde_json::to_string(plan).ok()?;
    crypto_export(&plan, format, link).filter(|s| !s.is_empty())
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

/// Fetch and start the module; `Err` with the browser's reason when that fails.
pub async fn load() -> Result<(), String> {
    wasm_bindgen_futures::JsFuture::from(crypto_load())
        .await
        .map(|_| ())
        .map_err(|e| {
            use wasm_bindgen::JsCast;
            // The browser's sentence (a TypeError's message), not the value's debug form.
            match e.dyn_ref::<js_sys::Error>() {
                Some(err) => String::from(err.message()),
                None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
            }
        })
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
    let answer = crypto_unpack(&request).ok_or("the archive reader is not loaded")?;
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
