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
// Bytes, not text: a chart archive (.tgz) is binary, and Rust decides what is text. Files
// over Helm's per-file limit (5 MiB) are passed as null, so that they can be reported.
async function texts(pairs) {
  const out = [];
  for (const [path, file] of pairs) {
    if (file.size > 5 * 1024 * 1024) { out.push([path, null]); continue; }
    out.push([path, new Uint8Array(await file.arrayBuffer())]);
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
export function reveal_line(id, line, col) {
  const el = document.getElementById(id);
  if (!el) return false;
  const lines = el.value.split('\n');
  const n = Math.max(1, Math.min(line || 1, lines.length));
  let offset = 0;
  for (let i = 0; i < n - 1; i++) offset += lines[i].length + 1;
  offset += Math.min(Math.max((col || 1) - 1, 0), lines[n - 1].length);
  el.focus({ preventScroll: true });
  el.setSelectionRange(offset, offset);
  // The textarea is as tall as its text; its scrolling box is the .code container.
  const box = el.closest('.code');
  if (box) {
    const style = getComputedStyle(el);
    const lh = parseFloat(style.lineHeight) || 18;
    const top = (n - 1) * lh + (parseFloat(style.paddingTop) || 0);
    box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    const r = box.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) box.scrollIntoView({ block: 'center' });
  }
  return true;
}
export function now_ms() {
  return performance.now();
}
"#)]
extern "C" {
    /// `[[path, bytes], ...]` of a dropped folder or files (folders walked recursively).
    pub fn read_drop(ev: &web_sys::DragEvent) -> js_sys::Promise;
    /// `[[path, bytes], ...]` of an `<input type=file>` (folder pickers give relative paths).
    pub fn read_input(input: &web_sys::HtmlInputElement) -> js_sys::Promise;
    /// Resolves to whether the text reached the clipboard.
    pub fn copy_text(text: &str) -> js_sys::Promise;
    pub fn download(name: &str, text: &str, mime: &str);
    /// Replace the selection of a textarea, keeping the browser's undo history.
    pub fn insert_text(el: &web_sys::HtmlTextAreaElement, text: &str);
    pub fn focus_selector(selector: &str) -> bool;
    /// Caret to 1-based `line` and `col` of the textarea `id`, scrolled into view.
    pub fn reveal_line(id: &str, line: u32, col: u32) -> bool;
    pub fn now_ms() -> f64;
    /// Mark the timeline's n-th step (1-based) as current and scroll to it (embeds' `step=`).
    pub fn mark_step(n: u32) -> bool;
}

/// Await a promise of `[[path, bytes], ...]`; `None` stands for a file too large to read.
pub async fn file_pairs(p: js_sys::Promise) -> Vec<(String, Option<Vec<u8>>)> {
    let Ok(v) = wasm_bindgen_futures::JsFuture::from(p).await else {
        return Vec::new();
    };
    let arr = js_sys::Array::from(&v);
    arr.iter()
        .filter_map(|pair| {
            let pair = js_sys::Array::from(&pair);
            let path = pair.get(0).as_string()?;
            let data = pair.get(1);
            let bytes = (!data.is_null() && !data.is_undefined())
                .then(|| js_sys::Uint8Array::new(&data).to_vec());
            Some((path, bytes))
        })
        .collect()
}
