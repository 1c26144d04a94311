//! The second wasm module (web/crypto): Sprig's crypto functions, the regex patterns that need
//! the full engine, the values.schema.json validator, Sprig's date functions and the `.tgz`
//! reader, left out of the first download
//! (issue #11) and fetched the first time a render calls one of them. The core
//! reaches them through `hookline::funcs::crypto_wire`; until the module is there such a call
//! fails, [`render_wanted_it`] says so, and the page renders again once [`load`] is done.
//! In tests (built with the `crypto` feature) the functions are built in and none of this runs.

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

/// Whether the last render called a crypto function before the module was there.
pub fn render_wanted_it() -> bool {
    hookline::funcs::crypto_wire::take_wanted()
}

/// Fetch and start the module; `Err` with the browser's reason when that fails.
pub async fn load() -> Result<(), String> {
    wasm_bindgen_futures::JsFuture::from(crypto_load())
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
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
