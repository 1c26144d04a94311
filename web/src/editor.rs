//! The code editor, written in the app: a transparent `<textarea>` over a highlighted
//! `<pre>`, with a line-number gutter and diagnostics on their lines.
//!
//! Why not CodeMirror 6? It would need an npm + esbuild step and adds roughly 150–250 KB of
//! JavaScript (min) before language modes, more than the whole wasm app; and it owns the
//! keyboard (its Esc-then-Tab escape must be taught anyway). A native textarea keeps every
//! platform behaviour for free: IME, spell-check off, mobile keyboards, screen readers (it is
//! a labelled form field), the browser's undo stack (edits go through `insertText`). We add
//! only what chart files need: Tab / Shift+Tab indent by two spaces (over a selection too),
//! and Esc then Tab leaves the editor (WCAG 2.1.2, no keyboard trap) — the same convention
//! as CodeMirror. The cost: no code folding or autocompletion, and highlighting re-renders
//! the visible file on each keystroke (fine for chart-sized files).

use std::collections::{BTreeMap, BTreeSet};

use hookline::stable_sort::{map_from, set_from, sort_by};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::Ctx;
use crate::findings::{severity_mark, severity_rank, FindingView, Lint};
use crate::highlight::{escape_into, highlight_marked, LineMark};
use crate::js;

/// Tab / Shift+Tab: indent or outdent the selected lines by two spaces, or insert two spaces
/// at the caret. Offsets are UTF-16, like the textarea's.
fn indent(ta: &web_sys::HtmlTextAreaElement, outdent: bool) {
    let value: Vec<u16> = ta.value().encode_utf16().collect();
    let start = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = ta.selection_end().ok().flatten().unwrap_or(0) as usize;
    let (start, end) = (start.min(value.len()), end.min(value.len()));
    let nl = b'\n' as u16;
    if start == end && !outdent {
        js::insert_text(ta, "  ");
        return;
    }
    let line_start = value[..start]
        .iter()
        .rposition(|c| *c == nl)
        .map(|i| i + 1)
        .unwrap_or(0);
    // A selection ending at the start of a line does not include that line.
    let block_end = if end > start && end > 0 && value[end - 1] == nl {
        end - 1
    } else {
        value[end..]
            .iter()
            .position(|c| *c == nl)
            .map(|i| end + i)
            .unwrap_or(value.len())
    };
    let block = String::from_utf16_lossy(&value[line_start..block_end]);
    let new: Vec<String> = block
        .split('\n')
        .map(|l| {
            if outdent {
                let n = l.len() - l.trim_start_matches(' ').len();
                l[n.min(2)..].to_string()
            } else {
                format!("  {l}")
            }
        })
        .collect();
    let new = new.join("\n");
    let _ = ta.set_selection_range(line_start as u32, block_end as u32);
    js::insert_text(ta, &new);
    let new_len = new.encode_utf16().count();
    let _ = ta.set_selection_range(line_start as u32, (line_start + new_len) as u32);
}

fn gutter_html(lines: usize, errors: &BTreeSet<u32>, marks: &BTreeMap<u32, LineMark>) -> String {
    let mut s = String::with_capacity(lines * 24);
    for n in 1..=lines as u32 {
        if errors.contains(&n) {
            s.push_str(&format!(
                "<span class=\"g-err\" title=\"error\">✗{n}</span>\n"
            ));
        } else if let Some(m) = marks.get(&n) {
            let (icon, class) = severity_mark(&m.severity);
            let mut title = String::new();
            escape_into(&mut title, &m.note);
            s.push_str(&format!(
                "<span class=\"g-lint {class}\" title=\"{}\">{icon}{n}</span>\n",
                title.replace('"', "&quot;")
            ));
        } else {
            s.push_str(&format!("{n}\n"));
        }
    }
    s
}

/// The lint marks of one file by line: the most severe finding's column and severity, and
/// every finding's rule and message.
fn line_marks(found: &[FindingView]) -> BTreeMap<u32, LineMark> {
    let mut by_line: BTreeMap<u32, Vec<&FindingView>> = BTreeMap::new();
    for f in found.iter().filter(|f| f.line > 0) {
        by_line.entry(f.line).or_default().push(f);
    }
    map_from(by_line.into_iter().map(|(line, mut fs)| {
        sort_by(&mut fs, |a, b| {
            severity_rank(&a.severity).cmp(&severity_rank(&b.severity))
        });
        let note = fs
            .iter()
            .map(|f| format!("{} {} {}", severity_mark(&f.severity).0, f.rule, f.message))
            .collect::<Vec<_>>()
            .join("  ");
        let mark = LineMark {
            col: fs[0].col,
            severity: fs[0].severity.clone(),
            note,
        };
        (line, mark)
    }))
}

/// Open `file` in the editor and put the caret on `line` and `col` (1-based; 0 = the line's
/// start), scrolled into view. Used by the findings' links in the timeline.
pub fn reveal(ctx: Ctx, file: &str, line: u32, col: u32) {
    let known = ctx.ws.with_untracked(|w| w.files.contains_key(file));
    if known && ctx.ws.with_untracked(|w| w.open != file) {
        let f = file.to_string();
        ctx.ws.update(|w| w.open = f);
    }
    if !known {
        return;
    }
    // After the editor shows the file.
    request_animation_frame(move || {
        js::reveal_line("editor", line, col);
    });
}

#[component]
pub fn Editor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let path = Memo::new(move |_| ctx.ws.with(|w| w.open.clone()));
    let text = Memo::new(move |_| {
        ctx.ws
            .with(|w| w.files.get(&w.open).cloned().unwrap_or_default())
    });
    let diags = Memo::new(move |_| {
        let p = path.get();
        ctx.result.with(|r| {
            r.diagnostics
                .iter()
                .filter(|d| d.file == p)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let error_lines = Memo::new(move |_| diags.with(|d| set_from(d.iter().map(|d| d.line))));
    let lint_state = use_context::<Lint>();
    let found = Memo::new(move |_| {
        let p = path.get();
        lint_state
            .map(|l| {
                l.findings.with(|all| {
                    all.iter()
                        .filter(|f| f.file == p)
                        .cloned()
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    });
    let marks = Memo::new(move |_| found.with(|f| line_marks(f)));
    let html =
        move || marks.with(|m| error_lines.with(|e| text.with(|t| highlight_marked(t, e, m))));
    let gutter = move || {
        let n = text.with(|t| t.split('\n').count());
        marks.with(|m| error_lines.with(|e| gutter_html(n, e, m)))
    };
    // Esc arms the escape hatch: the next Tab moves focus instead of indenting.
    let escaped = StoredValue::new(false);
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "Escape" => escaped.set_value(true),
            "Shift" | "Control" | "Alt" | "Meta" => {}
            "Tab" if !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() => {
                if escaped.get_value() {
                    escaped.set_value(false);
                    return;
                }
                ev.prevent_default();
                if let Some(ta) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                {
                    indent(&ta, ev.shift_key());
                }
            }
            _ => escaped.set_value(false),
        }
    };
    let jump = move |line: u32, col: u32| {
        js::reveal_line("editor", line, col);
    };

    view! {
        <div class="editor">
            <div class="editor-bar">
                <span class="open-path" id="editor-label">
                    {move || {
                        let p = path.get();
                        if p.is_empty() { "No file open".to_string() } else { p }
                    }}
                </span>
            </div>
            <div class="code">
                // The only HTML the page builds from strings: line numbers, and the highlighter's
                // spans, whose class names are constants and whose text is escaped (`&`, `<`, `>`;
                // no attribute takes user text). Tested in highlight.rs and the browser tests.
                <div class="gutter" aria-hidden="true" inner_html=gutter></div>
                <div class="code-main">
                    <pre class="hl" aria-hidden="true" inner_html=html></pre>
                    <textarea
                        id="editor"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        wrap="off"
                        aria-labelledby="editor-label"
                        aria-describedby="editor-hint"
                        placeholder="Paste or type a manifest or template here"
                        disabled=move || path.get().is_empty()
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            ctx.ws
                                .update(|w| {
                                    if !w.open.is_empty() {
                                        let p = w.open.clone();
                                        w.files.insert(p, v);
                                    }
                                });
                        }
                        on:keydown=on_keydown
                    ></textarea>
                </div>
            </div>
            <p id="editor-hint" class="hint">
                "Tab indents, Shift+Tab outdents. Press Esc then Tab to leave the editor."
            </p>
            <ul class="diagnostics" aria-label="Problems in this file">
                {move || {
                    diags
                        .get()
                        .into_iter()
                        .map(|d| {
                            let (line, col) = (d.line, d.col);
                            let loc = if d.line > 0 {
                                format!("line {}, column {}", d.line, d.col)
                            } else {
                                "this file".to_string()
                            };
                            view! {
                                <li class="diag">
                                    <button class="link" on:click=move |_| jump(line, col)>
                                        "✗ " {loc}
                                    </button>
                                    " "
                                    <span>{d.message.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <ul class="findings editor-findings" aria-label="Lint findings in this file">
                {move || {
                    found
                        .get()
                        .into_iter()
                        .map(|f| {
                            let (icon, class) = severity_mark(&f.severity);
                            let (line, col) = (f.line, f.col);
                            let loc = if f.line > 0 {
                                format!("line {}, column {}", f.line, f.col.max(1))
                            } else {
                                "this file".to_string()
                            };
                            view! {
                                <li class=format!("finding {class}") data-rule=f.rule.clone() data-line=f.line>
                                    <button class="link" on:click=move |_| jump(line, col)>
                                        {format!("{icon} {} {} · {loc}", f.severity, f.rule)}
                                    </button>
                                    " "
                                    <span>{f.message.clone()}</span>
                                    " "
                                    <span class="finding-fix">{format!("Fix: {}", f.fix)}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
