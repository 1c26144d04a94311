//! The playground's second wasm module (issue #11): key and certificate generation, bcrypt,
//! AES and the rest of Sprig's crypto.go, the regex functions for the patterns the page's
//! regex-lite does not take as Go does (Unicode classes, case folding), and the
//! values.schema.json validator, kept out of the first download. The page loads it
//! when a render calls one of these functions (see `web/src/lazy_crypto.rs`); requests and
//! answers are [`hookline::funcs::crypto_wire`]'s.

use wasm_bindgen::prelude::*;

/// Answer one request of `hookline::funcs::crypto_wire::call`.
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    hookline::funcs::crypto_wire::serve(request)
}
