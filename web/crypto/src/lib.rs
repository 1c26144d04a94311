//! The playground's second wasm module (issue #11): key and certificate generation, bcrypt,
//! AES and the rest of Sprig's crypto.go, the regex functions for the patterns the page's
//! regex-lite does not take as Go does (Unicode classes, case folding), and the
//! values.schema.json validator, Sprig's date functions (`now`, `date`, `toDate`, ... and the
//! methods of the `time.Time` values they return), and the `.tgz` reader (gzip + tar) for the archives a user
//! opens, kept out of the first download. The page loads it
//! when a render calls one of these functions (see `web/src/lazy_crypto.rs`); requests and
//! answers are [`hookline::funcs::crypto_wire`]'s.

use wasm_bindgen::prelude::*;

/// Answer one request of `hookline::funcs::crypto_wire::call` (or `call_clock`).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    hookline::funcs::crypto_wire::serve(request)
}

/// Unpack what a user opened (see `web/src/files.rs`): `{"mode": "archive" | "subcharts",
/// "files": {path: base64}}` in; `{"ok": {path: base64}}` or `{"err": the core's error}` out.
/// `archive` unpacks the one file given ([`hookline::chart::unpack_archive`]), `subcharts` the
/// subchart archives of a chart's files ([`hookline::chart::unpack_subchart_archives`]).
#[wasm_bindgen]
pub fn unpack(request: &str) -> String {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    let answer = |r: Result<BTreeMap<String, Vec<u8>>, String>| match r {
        Ok(files) => {
            let files: serde_json::Map<String, Value> = files
                .into_iter()
                .map(|(p, d)| (p, Value::String(STANDARD.encode(d))))
                .collect();
            json!({ "ok": files }).to_string()
        }
        Err(e) => json!({ "err": e }).to_string(),
    };
    let q: Value = serde_json::from_str(request).unwrap_or(Value::Null);
    let Some(given) = q["files"].as_object() else {
        return answer(Err("bad request to the archive reader".into()));
    };
    let mut files = BTreeMap::new();
    for (p, d) in given {
        match d.as_str().map(|d| STANDARD.decode(d)) {
            Some(Ok(d)) => {
                files.insert(p.clone(), d);
            }
            _ => return answer(Err("bad request to the archive reader".into())),
        }
    }
    let r = match q["mode"].as_str() {
        Some("archive") => match files.values().next() {
            Some(data) => hookline::chart::unpack_archive(data),
            None => return answer(Err("bad request to the archive reader".into())),
        },
        _ => hookline::chart::unpack_subchart_archives(files),
    };
    answer(r.map_err(|e| e.to_string()))
}
