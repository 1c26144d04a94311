//! The playground's second wasm module (issue #11): the chart engine. The page's own module
//! has no template engine: it plans lone manifests (the default example) itself and has its
//! render worker send a chart here ([`render`]). The page fetches this module once its first
//! timeline is shown, and a chart's first job fetches it at once.
//!
//! It also holds what the page needs only after its first timeline: `hookline lint` ([`lint`]),
//! the share link's compression ([`share_fragment`]), the Markdown, JSON and SVG exports
//! ([`export_plan`]) and the `.tgz` reader for the archives a user opens ([`unpack`]).
//!
//! Sprig's crypto, full-regex, date and rarely used functions and the values.schema.json
//! validator are left out of it too: a render that calls one goes through
//! [`hookline::funcs::crypto_wire`] to the third module (web/crypto). When that module is not
//! there yet, [`render`] and [`lint`] answer nothing; the page then has [`load_functions`]
//! fetch it and runs the job again.

use wasm_bindgen::prelude::*;

// The snippet sits in <dist>/lazy/snippets/<crate>/, the third module in <dist>/lazy/
// (scripts/build-lazy-modules.sh).
#[wasm_bindgen(inline_js = r#"
let mod = null, loading = null;
export function functions_call(request) {
  return mod ? mod.call(request) : undefined;
}
export function functions_load() {
  if (!loading) {
    loading = import(new URL('../../hookline_crypto_web.js', import.meta.url).href)
      .then(async (m) => { await m.default(); mod = m; })
      .catch((e) => { loading = null; throw e; });
  }
  return loading;
}
"#)]
extern "C" {
    fn functions_call(request: &str) -> Option<String>;
    fn functions_load() -> js_sys::Promise;
}

/// Route the core's crypto (and full-regex, date, schema, rare) functions to the third module.
#[wasm_bindgen(start)]
pub fn start() {
    hookline::funcs::crypto_wire::set_host(Some(Box::new(functions_call)));
}

/// Fetch and start the third module (the functions a [`render`] or [`lint`] that answered
/// nothing asked for). Rejects with the browser's reason.
#[wasm_bindgen(js_name = loadFunctions)]
pub async fn load_functions() -> Result<(), JsValue> {
    wasm_bindgen_futures::JsFuture::from(functions_load())
        .await
        .map(|_| ())
}

thread_local! {
    /// The chart's files as the page's worker last sent them ([`render`]).
    static HELD: std::cell::RefCell<std::collections::BTreeMap<String, String>> =
        const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
}

/// A chart's render and plan for the page's worker (`web/src/lazy_engine.rs`): a
/// [`hookline::playground::Input`] as JSON in, holding only the files that changed since the
/// last request (`reset`: start from none; `remove`: the removed paths,
/// [`hookline::files_delta::FilesDelta::removed_text`]); its [`hookline::playground::Shown`] in
/// [`hookline::packed`] text out, or nothing when the render called a function of the third
/// module before it was there. `nesting` is the page's nesting limit for the engine on this
/// thread (lowered after a stack overflow; 0 keeps the default).
#[wasm_bindgen]
pub fn render(request: &str, reset: bool, remove: &str, nesting: u32) -> Option<String> {
    use hookline::files_delta::FilesDelta;
    use hookline::playground::{self, Shown};
    if nesting > 0 {
        gotemplate::set_default_max_nesting(nesting as usize);
    }
    gotemplate::reset_nesting_now();
    hookline::funcs::crypto_wire::take_wanted();
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
        Err(e) => Shown::failure(format!("bad request to the chart engine: {e}")),
    };
    if hookline::funcs::crypto_wire::take_wanted() {
        return None;
    }
    // Every type in it is one the packed text carries; an empty answer reads as damaged.
    Some(hookline::packed::to_string(&shown).unwrap_or_default())
}

/// How deep the engine was when the browser's stack overflow ended a [`render`] (the page's
/// worker lowers its nesting limit from it: `web/src/worker.rs`).
#[wasm_bindgen(js_name = nestingNow)]
pub fn nesting_now() -> u32 {
    u32::try_from(gotemplate::nesting_now()).unwrap_or(u32::MAX)
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

/// `hookline lint` for the playground (`web/src/findings.rs`): a
/// [`hookline::playground::Input`] as JSON in; a `Result<Vec<FindingView>, String>` (the
/// findings, or why there are none) in [`hookline::packed`] text out, or nothing when linting
/// called a function of the third module before it was there.
#[wasm_bindgen]
pub fn lint(request: &str) -> Option<String> {
    use hookline::playground::{self, FindingView};
    hookline::funcs::crypto_wire::take_wanted();
    let found: Result<Vec<FindingView>, String> =
        match serde_json::from_str::<playground::Input>(request) {
            Ok(input) => Ok(playground::lint(&input)
                .into_iter()
                .map(FindingView::from)
                .collect()),
            Err(e) => Err(format!("bad request to the linter: {e}")),
        };
    if hookline::funcs::crypto_wire::take_wanted() {
        return None;
    }
    Some(hookline::packed::to_string(&found).unwrap_or_default())
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
    use hookline::playground::{self, FindingView, Input};

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
            let answer = lint(&serde_json::to_string(&input).unwrap()).unwrap();
            let given: Result<Vec<FindingView>, String> =
                hookline::packed::from_str(&answer).unwrap();
            let want: Vec<FindingView> = playground::lint(&input)
                .into_iter()
                .map(FindingView::from)
                .collect();
            assert_eq!(given, Ok(want.clone()));
            found += want.len();
        }
        assert!(found > 0, "the gallery gives no findings");
        let bad: Result<Vec<FindingView>, String> =
            hookline::packed::from_str(&lint("[").unwrap()).unwrap();
        assert!(bad.unwrap_err().starts_with("bad request to the linter"));
    }

    /// The page's worker sends every gallery chart in turn, then edits, each time with only the
    /// files that changed: each answer is the facade's own for the whole input.
    #[test]
    fn render_answers_the_facades_output_from_file_changes() {
        use hookline::files_delta::FilesDelta;
        let mut inputs = inputs();
        // An edit of a chart just sent (one file changed, one removed), then the same again.
        let mut edited = inputs[1].clone();
        let first = edited
            .files
            .keys()
            .find(|k| k.starts_with("templates/"))
            .cloned()
            .unwrap();
        edited
            .files
            .get_mut(&first)
            .unwrap()
            .push_str("\n# edited\n");
        edited.files.remove("values.yaml");
        inputs.insert(2, edited.clone());
        inputs.insert(3, edited);
        let mut sent: Option<std::collections::BTreeMap<String, String>> = None;
        let mut sizes = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            let delta = FilesDelta::for_receiver(&mut sent, &input.files);
            let remove = delta.removed_text();
            let request = Input {
                files: delta.set,
                ..input.clone()
            };
            let request = serde_json::to_string(&request).unwrap();
            sizes.push(request.len());
            let answer = render(&request, delta.reset, &remove, 0).unwrap();
            let given: playground::Shown = hookline::packed::from_str(&answer).unwrap();
            assert_eq!(given, playground::run(input).shown(), "input {i}");
            assert!(given.plan.is_some(), "input {i}: {:?}", given.diagnostics);
        }
        assert!(
            sizes[3] < sizes[2] / 2,
            "an unchanged chart crosses again: {sizes:?}"
        );
        let bad: playground::Shown =
            hookline::packed::from_str(&render("[", false, "", 0).unwrap()).unwrap();
        assert!(bad.diagnostics[0]
            .message
            .starts_with("bad request to the chart engine"));
    }
}
