//! Local autosave: the workspace in localStorage under a versioned key, so a reload loses
//! nothing. Oversized states are not stored (quota), and a broken entry is ignored.

use crate::model::Workspace;

const KEY: &str = "hookline.workspace.v1";
/// Skip saving past this many characters (the localStorage quota is about 5 MB).
const MAX_CHARS: usize = 2_000_000;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load() -> Option<Workspace> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    serde_json::from_str::<Workspace>(&text)
        .ok()
        .map(Workspace::normalise)
}

pub fn save(ws: &Workspace) {
    let Ok(text) = serde_json::to_string(ws) else {
        return;
    };
    if text.len() > MAX_CHARS {
        return;
    }
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &text);
    }
}

const PREVIOUS: &str = "hookline.workspace.v1.previous";

/// Keep the current draft aside before a shared link replaces it.
pub fn stash_draft() {
    if let Some(s) = storage() {
        if let Ok(Some(text)) = s.get_item(KEY) {
            let _ = s.set_item(PREVIOUS, &text);
        }
    }
}

/// The draft kept aside by [`stash_draft`], if any.
pub fn stashed_draft() -> Option<Workspace> {
    let text = storage()?.get_item(PREVIOUS).ok().flatten()?;
    serde_json::from_str::<Workspace>(&text)
        .ok()
        .map(Workspace::normalise)
}
