//! View settings in the query string (issue #7), apart from the state in the fragment:
//! `theme=light|dark` (absent: the system's) and `view=rendered|compare` (absent: the
//! timeline). Opening such an address applies them, changing them in the page rewrites the
//! address with `history.replaceState`, and share links carry them. The embed reads the same
//! `view=` (and `step=`, the step it shows first).

use leptos::prelude::*;

/// The themes a page can be forced to; without one it follows the system.
pub const THEMES: [&str; 2] = ["light", "dark"];

/// The views of the output pane; the first is the default.
pub const VIEWS: [&str; 3] = ["timeline", "rendered", "compare"];

/// A query parameter of the page's address, as written.
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `theme=` if it names a known theme.
pub fn theme_from(value: Option<&str>) -> Option<&'static str> {
    THEMES.into_iter().find(|t| Some(*t) == value)
}

/// `view=` as one of [`VIEWS`] (the timeline when absent or unknown).
pub fn view_from(value: Option<&str>) -> &'static str {
    VIEWS
        .into_iter()
        .find(|v| Some(*v) == value)
        .unwrap_or(VIEWS[0])
}

/// The query string for these settings: empty for the defaults, else `?theme=…&view=…`.
pub fn query(theme: Option<&str>, view: &str) -> String {
    let mut parts = Vec::new();
    if let Some(t) = theme_from(theme) {
        parts.push(format!("theme={t}"));
    }
    if view != VIEWS[0] && VIEWS.contains(&view) {
        parts.push(format!("view={view}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Force the page's theme (`data-theme` on `<html>`, which the stylesheet follows), or give it
/// back to the system.
pub fn apply_theme(theme: Option<&str>) {
    let Some(root) = document().document_element() else {
        return;
    };
    match theme_from(theme) {
        Some(t) => {
            let _ = root.set_attribute("data-theme", t);
        }
        None => {
            let _ = root.remove_attribute("data-theme");
        }
    }
}

/// Rewrite the address's query for these settings, keeping the path and the fragment, without
/// a new history entry.
pub fn update_address(theme: Option<&str>, view: &str) {
    let loc = window().location();
    let wanted = query(theme, view);
    if loc.search().unwrap_or_default() == wanted {
        return;
    }
    let url = format!(
        "{}{wanted}{}",
        crate::share::base_url(),
        loc.hash().unwrap_or_default()
    );
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_make_no_query() {
        assert_eq!(query(None, "timeline"), "");
        assert_eq!(query(Some("auto"), "nonsense"), "");
    }

    #[test]
    fn settings_make_a_query_in_a_fixed_order() {
        assert_eq!(query(Some("dark"), "rendered"), "?theme=dark&view=rendered");
        assert_eq!(query(Some("light"), "timeline"), "?theme=light");
        assert_eq!(query(None, "compare"), "?view=compare");
    }

    #[test]
    fn unknown_values_fall_back() {
        assert_eq!(theme_from(Some("solarized")), None);
        assert_eq!(theme_from(Some("dark")), Some("dark"));
        assert_eq!(view_from(Some("cluster")), "timeline");
        assert_eq!(view_from(None), "timeline");
        assert_eq!(view_from(Some("compare")), "compare");
    }
}
