//! The playground's third wasm module (issue #11): key and certificate generation, bcrypt, AES
//! and the rest of Sprig's crypto.go, the regex functions for the patterns regex-lite does not
//! take as Go does (Unicode classes, case folding), the values.schema.json validator, Sprig's
//! date functions (`now`, `date`, `toDate`, ... and the methods of the `time.Time` values they
//! return) and the rarely used functions (`hookline::funcs::RARE`). The chart engine (the second
//! module, web/engine) is built without them and fetches this module the first time a render
//! calls one; requests and answers are [`hookline::funcs::crypto_wire`]'s, so the output is
//! that of a build with every function built in.

use wasm_bindgen::prelude::*;

/// Answer one request of `hookline::funcs::crypto_wire::call` (or `call_clock`).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    hookline::funcs::crypto_wire::serve(request)
}
