//! The second wasm module (web/crypto): Sprig's crypto functions, the regex patterns that need
//! the full engine and the values.schema.json validator, left out of the first download
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
