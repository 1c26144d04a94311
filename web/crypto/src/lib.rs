//! The playground's second wasm module (issue #11): key and certificate generation, bcrypt,
//! AES and the rest of Sprig's crypto.go, the regex functions for the patterns the page's
//! regex-lite does not take as Go does (Unicode classes, case folding), and the
//! values.schema.json validator, Sprig's date functions (`now`, `date`, `toDate`, ... and the
//! methods of the `time.Time` values they return), and the `.tgz` reader (gzip + tar) for the archives a user
//! opens, kept out of the first download. The page loads it
//! when a render calls one of these functions (see `web/src/lazy_crypto.rs`); requests and
//! answers are [`hookline::funcs::crypto_wire`]'s.
//!
//! It also holds what the page needs only after its first timeline (issue #11): `hookline
//! lint` (the lint worker loads this module for every lint; the findings are those of a build
//! with every function built in), the share link's compression, and the Markdown, JSON and
//! SVG exports. The page preloads it once the first timeline is shown.

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

thread_local! {
    /// The chart's files as the page's worker last sent them ([`render`]).
    static HELD: std::cell::RefCell<std::collections::BTreeMap<String, String>> =
        const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

/// A chart's render and plan for the page's worker (`web/src/lazy_crypto.rs`), which has no
/// template engine of its own (issue #11): a [`hookline::playground::Input`] as JSON in,
/// holding only the files that changed since the last request (`reset`: start from none;
/// `remove`: the removed paths, [`hookline::files_delta::FilesDelta::removed_text`]); its
/// [`hookline::playground::Shown`] in [`hookline::packed`] text out. `nesting` is the page's
/// nesting limit for the engine on this thread (lowered after a stack overflow; 0 keeps the
/// default).
#[wasm_bindgen]
pub fn render(request: &str, reset: bool, remove: &str, nesting: u32) -> String {
    use hookline::files_delta::FilesDelta;
    use hookline::playground::{self, Diagnostic, Shown};
    if nesting > 0 {
        gotemplate::set_default_max_nesting(nesting as usize);
    }
    gotemplate::reset_nesting_now();
    let shown = match serde_json::from_str::<playground::Input>(request) {
        Ok(mut input) => HELD.with(|h| {
            let mut held = h.borrow_mut();
            FilesDelta {
                reset,
                set: std::mem::take(&mut input.files),
                remove: FilesDelta::removed_from_text(remove),
            }
            .apply(&mut held);
            input.files = std::mem::take(&mut *held);
            let shown = playground::run(&input).shown();
            *held = input.files;
            shown
        }),
        Err(e) => Shown {
            diagnostics: vec![Diagnostic {
                file: String::new(),
                line: 0,
                col: 0,
                message: format!("bad request to the chart engine: {e}"),
            }],
            ..Shown::default()
        },
    };
    // Every type in it is one the packed text carries; an empty answer reads as damaged.
    hookline::packed::to_string(&shown).unwrap_or_default()
}

/// How deep the engine was when the browser's stack overflow ended a [`render`] (the page's
/// worker lowers its nesting limit from it: `web/src/worker.rs`).
#[wasm_bindgen(js_name = nestingNow)]
pub fn nesting_now() -> u32 {
    u32::try_from(gotemplate::nesting_now()).unwrap_or(u32::MAX)
}

/// `hookline lint` for the playground (`web/src/findings.rs`): a
/// [`hookline::playground::Input`] as JSON in; `{"ok": [finding, ...]}` (the fields of the
/// page's `FindingView`) or `{"err": why}` out.
#[wasm_bindgen]
pub fn lint(request: &str) -> String {
    use serde_json::json;
    let input: hookline::playground::Input = match serde_json::from_str(request) {
        Ok(i) => i,
        Err(e) => return json!({ "err": format!("bad request to the linter: {e}") }).to_string(),
    };
    let found: Vec<serde_json::Value> = hookline::playground::lint(&input)
        .into_iter()
        .map(|f| {
            json!({
                "rule": f.rule.to_string(),
                "name": f.name.to_string(),
                "severity": f.severity.as_str(),
                "file": f.span.file,
                "line": u32::try_from(f.span.line).unwrap_or(0),
                "col": u32::try_from(f.span.col).unwrap_or(0),
                "message": f.message,
                "explanation": f.explanation,
                "fix": f.fix,
                "hook": f.hook.map(|h| (h.kind, h.name)),
            })
        })
        .collect();
    json!({ "ok": found }).to_string()
}

/// A share link's fragment body (`h1.…`) from the state's canonical JSON, written by the page
/// ([`hookline::share::canonical_json`]).
#[wasm_bindgen(js_name = shareFragment)]
pub fn share_fragment(canonical_json: &str) -> String {
    hookline::share::encode_json(canonical_json)
}

/// The plan exports: `format` is `markdown` (with `link`), `json` (indented) or `svg`; the plan
/// is the page's JSON of a [`hookline::Plan`]. Empty when the plan does not parse.
#[wasm_bindgen(js_name = exportPlan)]
pub fn export_plan(plan: &str, format: &str, link: &str) -> String {
    let Ok(plan) = serde_json::from_str::<hookline::Plan>(plan) else {
        return String::new();
    };
    match format {
        "markdown" => plan.to_review_markdown(Some(link)),
        "json" => serde_json::to_string_pretty(&plan).unwrap_or_default(),
        "svg" => plan.to_svg(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookline::playground::{self, Input};

    /// Every gallery chart with its preset scenario, as the playground runs it.
    fn inputs() -> Vec<Input> {
        hookline::gallery::EXAMPLES
            .iter()
            .map(|e| Input {
                files: e.file_map(),
                scenario: e.scenario.to_string(),
                ..Input::default()
            })
            .collect()
    }

    #[test]
    fn exports_match_the_built_in_ones() {
        let mut plans = 0;
        for input in inputs() {
            let Some(plan) = playground::run(&input).plan else {
                continue;
            };
            plans += 1;
            let json = serde_json::to_string(&plan).unwrap();
            let link = "https://example.org/#h1.x";
            assert_eq!(
                export_plan(&json, "markdown", link),
                plan.to_review_markdown(Some(link))
            );
            assert_eq!(
                export_plan(&json, "json", ""),
                serde_json::to_string_pretty(&plan).unwrap()
            );
            assert_eq!(export_plan(&json, "svg", ""), plan.to_svg());
        }
        assert!(plans >= 10, "{plans} gallery plans");
        assert_eq!(export_plan("{", "svg", ""), "");
        assert_eq!(
            export_plan(
                &serde_json::to_string(&hookline::Plan::default()).unwrap(),
                "pdf",
                ""
            ),
            ""
        );
    }

    #[test]
    fn share_fragment_is_the_links_encoding() {
        let state = hookline::share::ShareState::default();
        assert_eq!(
            share_fragment(&hookline::share::canonical_json(&state)),
            hookline::share::encode(&state)
        );
    }

    #[test]
    fn lint_answers_the_facades_findings() {
        let mut found = 0;
        for input in inputs() {
            let answer: serde_json::Value =
                serde_json::from_str(&lint(&serde_json::to_string(&input).unwrap())).unwrap();
            let given = answer["ok"].as_array().unwrap();
            let want = playground::lint(&input);
            assert_eq!(given.len(), want.len());
            for (g, w) in given.iter().zip(&want) {
                assert_eq!(g["rule"], w.rule.to_string());
                assert_eq!(g["severity"], w.severity.as_str());
                assert_eq!(g["file"], w.span.file);
                assert_eq!(g["line"], w.span.line);
                assert_eq!(g["message"], w.message);
                assert_eq!(g["fix"], w.fix);
                assert_eq!(
                    g["hook"],
                    w.hook
                        .as_ref()
                        .map_or(serde_json::Value::Null, |h| serde_json::json!([
                            h.kind, h.name
                        ]))
                );
            }
            found += want.len();
        }
        assert!(found > 0, "the gallery gives no findings");
        let bad: serde_json::Value = serde_json::from_str(&lint("[")).unwrap();
        assert!(bad["err"]
            .as_str()
            .unwrap()
            .starts_with("bad request to the linter"));
    }
}
