//! The few browser calls that are shorter in JavaScript than through web-sys: walking a
//! dropped folder, reading picked files, the clipboard, downloads and undo-friendly text
//! insertion. Each returns plain data; no state lives here.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
async function walk(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((ok, ko) => entry.file(ok, ko));
    out.push([prefix + entry.name, file]);
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((ok, ko) => reader.readEntries(ok, ko));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, prefix + entry.name + '/', out);
    }
  }
}
async function texts(pairs) {
  const out = [];
  for (const [path, file] of pairs) {
    if (file.size > 2 * 1024 * 1024) continue;
    out.push([path, await file.text()]);
  }
  return out;
}
export async function read_drop(ev) {
  const dt = ev.dataTransfer;
  if (!dt) return [];
  const entries = [];
  for (const item of dt.items || []) {
    const e = item.webkitGetAsEntry && item.webkitGetAsEntry();
    if (e) entries.push(e);
  }
  const pairs = [];
  if (entries.length) {
    for (const e of entries) await walk(e, '', pairs);
  } else {
    for (const f of dt.files || []) pairs.push([f.name, f]);
  }
  return texts(pairs);
}
export async function read_input(input) {
  const pairs = [];
  for (const f of input.files || []) pairs.push([f.webkitRelativePath || f.name, f]);
  input.value = '';
  return texts(pairs);
}
export async function copy_text(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
export function insert_text(el, text) {
  el.focus();
  if (!document.execCommand('insertText', false, text)) {
    el.setRangeText(text, el.selectionStart, el.selectionEnd, 'end');
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
}
export function focus_selector(sel) {
  const el = document.querySelector(sel);
  if (el) { el.focus(); return true; }
  return false;
}
export function mark_step(n) {
  const el = document.querySelectorAll('#timeline .step')[n - 1];
  if (!el) return false;
  el.setAttribute('aria-current', 'step');
  el.scrollIntoView({ block: 'start' });
  return true;
}
export function now_ms() {
  return performance.now();
}
"#)]
extern "C" {
    /// `[[path, text], ...]` of a dropped folder or files (folders walked recursively).
    pub fn read_drop(ev: &web_sys::DragEvent) -> js_sys::Promise;
    /// `[[path, text], ...]` of an `<input type=file>` (folder pickers give relative paths).
    pub fn read_input(input: &web_sys::HtmlInputElement) -> js_sys::Promise;
    /// Resolves to whether the text reached the clipboard.
    pub fn copy_text(text: &str) -> js_sys::Promise;
    pub fn download(name: &str, text: &str, mime: &str);
    /// Replace the selection of a textarea, keeping the browser's undo history.
    pub fn insert_text(el: &web_sys::HtmlTextAreaElement, text: &str);
    pub fn focus_selector(selector: &str) -> bool;
    pub fn now_ms() -> f64;
    /// Mark the timeline's n-th step (1-based) as current and scroll to it (embeds' `step=`).
    pub fn mark_step(n: u32) -> bool;
}

/// Await a promise of `[[path, text], ...]`.
pub async fn file_pairs(p: js_sys::Promise) -> Vec<(String, String)> {
    let Ok(v) = wasm_bindgen_futures::JsFuture::from(p).await else {
        return Vec::new();
    };
    let arr = js_sys::Array::from(&v);
    arr.iter()
        .filter_map(|pair| {
            let pair = js_sys::Array::from(&pair);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}
