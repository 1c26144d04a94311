//! Syntax highlighting for chart files: YAML structure (keys, strings, numbers, comments,
//! document separators) with Go template actions `{{ ... }}` marked on top. Line-based and
//! allocation-light, so it runs on every keystroke; the output is HTML for the `<pre>` under
//! the editor's textarea.

use std::collections::{BTreeMap, BTreeSet};

pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

fn span(out: &mut String, class: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape_into(out, text);
    out.push_str("</span>");
}

/// A lint finding's place on a line: the word at its column is underlined and its message
/// follows the line's end (after the text, so the textarea's caret positions are unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineMark {
    /// 1-based column in characters; 0 marks no column.
    pub col: u32,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// Shown after the line, e.g. `⚠ HL002 the hook can be left behind`.
    pub note: String,
}

/// Highlight a whole file. `error_lines` (1-based) get a wavy underline.
pub fn highlight(text: &str, error_lines: &BTreeSet<u32>) -> String {
    highlight_marked(text, error_lines, &BTreeMap::new())
}

/// [`highlight`], with lint marks on their lines (1-based).
pub fn highlight_marked(
    text: &str,
    error_lines: &BTreeSet<u32>,
    marks: &BTreeMap<u32, LineMark>,
) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 16);
    let mut line_out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        let n = i as u32 + 1;
        let err = error_lines.contains(&n);
        if err {
            out.push_str("<span class=\"t-err\">");
        }
        match marks.get(&n) {
            Some(m) => {
                line_out.clear();
                line_html(line, &mut line_out);
                let class = format!("t-lint t-lint-{}", m.severity);
                out.push_str(&underline_at(&line_out, m.col, &class));
            }
            None => line_html(line, &mut out),
        }
        if err {
            out.push_str("</span>");
        }
        if let Some(m) = marks.get(&n) {
            out.push_str(&format!(
                "<span class=\"lint-note lint-note-{}\">  ",
                m.severity
            ));
            escape_into(&mut out, &m.note);
            out.push_str("</span>");
        }
        out.push('\n');
    }
    // A `<pre>` drops a final newline; this keeps it as tall as the textarea's content.
    out.push(' ');
    out
}

/// Wrap the visible text of highlighted HTML from the 1-based character `col` to the end of
/// that word in a span of `class`. The wrap stops at the next tag, so the HTML stays nested.
fn underline_at(html: &str, col: u32, class: &str) -> String {
    if col == 0 {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 40);
    let mut seen = 0u32;
    let mut open = false;
    let mut done = false;
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            if open {
                out.push_str("</span>");
                open = false;
                done = true;
            }
            out.push(c);
            for t in chars.by_ref() {
                out.push(t);
                if t == '>' {
                    break;
                }
            }
            continue;
        }
        if open && c.is_whitespace() {
            out.push_str("</span>");
            open = false;
            done = true;
        }
        if !done && !open && seen + 1 == col {
            out.push_str(&format!("<span class=\"{class}\">"));
            open = true;
        }
        out.push(c);
        if c == '&' {
            for t in chars.by_ref() {
                out.push(t);
                if t == ';' {
                    break;
                }
            }
        }
        seen += 1;
    }
    if open {
        out.push_str("</span>");
    }
    out
}

fn line_html(line: &str, out: &mut String) {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.starts_with('#') {
        out.push_str(indent);
        span(out, "t-com", trimmed);
        return;
    }
    if line.starts_with("---") || line.starts_with("...") {
        span(out, "t-doc", line);
        return;
    }
    out.push_str(indent);
    let mut rest = trimmed;
    // Sequence dashes.
    while let Some(r) = rest.strip_prefix("- ") {
        span(out, "t-punct", "-");
        out.push(' ');
        rest = r;
    }
    if rest == "-" {
        span(out, "t-punct", "-");
        return;
    }
    if let Some(end) = key_end(rest) {
        span(out, "t-key", &rest[..end]);
        span(out, "t-punct", ":");
        rest = &rest[end + 1..];
    }
    value_html(rest, out);
}

/// The length of a mapping key at the start of `s` (the index of its `:`), if any.
fn key_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.is_empty() || b[0] == b'{' || b[0] == b'[' {
        return None;
    }
    if b[0] == b'"' || b[0] == b'\'' {
        let q = b[0];
        let close = s[1..].find(q as char)? + 1;
        if b.get(close + 1) == Some(&b':')
            && matches!(b.get(close + 2), None | Some(b' ') | Some(b'\t'))
        {
            return Some(close + 1);
        }
        return None;
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b':' if matches!(b.get(i + 1), None | Some(b' ') | Some(b'\t')) => return Some(i),
            b'#' | b'"' | b'\'' | b'{' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A value: template actions, quoted strings, comments, and plain scalars (numbers, booleans
/// and null get their own colour).
fn value_html(s: &str, out: &mut String) {
    let mut plain_start = 0;
    let mut i = 0;
    let b = s.as_bytes();
    let flush = |out: &mut String, from: usize, to: usize| {
        if from < to {
            scalar(&s[from..to], out);
        }
    };
    while i < b.len() {
        if b[i] == b'{' && b.get(i + 1) == Some(&b'{') {
            flush(out, plain_start, i);
            let end = s[i..].find("}}").map(|e| i + e + 2).unwrap_or(s.len());
            span(out, "t-tpl", &s[i..end]);
            i = end;
            plain_start = i;
            continue;
        }
        if b[i] == b'"' || b[i] == b'\'' {
            flush(out, plain_start, i);
            let q = b[i];
            let mut j = i + 1;
            while j < b.len() && b[j] != q {
                if b[j] == b'\\' && q == b'"' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(s.len());
            string_html(&s[i..end], out);
            i = end;
            plain_start = i;
            continue;
        }
        if b[i] == b'#' && (i == 0 || b[i - 1] == b' ') {
            flush(out, plain_start, i);
            span(out, "t-com", &s[i..]);
            return;
        }
        i += 1;
    }
    flush(out, plain_start, s.len());
}

/// A quoted string, with template actions inside it still marked.
fn string_html(s: &str, out: &mut String) {
    out.push_str("<span class=\"t-str\">");
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        escape_into(out, &rest[..i]);
        let end = rest[i..]
            .find("}}")
            .map(|e| i + e + 2)
            .unwrap_or(rest.len());
        span(out, "t-tpl", &rest[i..end]);
        rest = &rest[end..];
    }
    escape_into(out, rest);
    out.push_str("</span>");
}

fn scalar(s: &str, out: &mut String) {
    let t = s.trim();
    let is_num = !t.is_empty()
        && (t.parse::<f64>().is_ok()
            || matches!(
                t,
                "true" | "false" | "null" | "~" | "yes" | "no" | "True" | "False"
            ));
    if is_num {
        let lead = &s[..s.len() - s.trim_start().len()];
        let trail = &s[s.trim_end().len()..];
        out.push_str(lead);
        span(out, "t-num", t);
        out.push_str(trail);
    } else if t.starts_with('|') || t.starts_with('>') || t.starts_with('&') || t.starts_with('*') {
        span(out, "t-punct", s);
    } else {
        escape_into(out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_strings_templates_and_comments() {
        let h = highlight(
            "metadata:\n  name: \"{{ .Release.Name }}-x\" # c\n  weight: 5\n",
            &BTreeSet::new(),
        );
        assert!(h.contains("<span class=\"t-key\">metadata</span>"));
        assert!(h.contains("<span class=\"t-tpl\">{{ .Release.Name }}</span>"));
        assert!(h.contains("<span class=\"t-com\"># c</span>"));
        assert!(h.contains("<span class=\"t-num\">5</span>"));
    }

    #[test]
    fn a_lint_mark_underlines_its_word_and_follows_the_line() {
        let mut marks = BTreeMap::new();
        marks.insert(
            2,
            LineMark {
                col: 3,
                severity: "warning".into(),
                note: "⚠ HL002 <fixed> name".into(),
            },
        );
        let h = highlight_marked("a: 1\n  name: x & y\n", &BTreeSet::new(), &marks);
        let line2 = h.split('\n').nth(1).unwrap();
        assert!(
            line2.contains(
                "<span class=\"t-key\"><span class=\"t-lint t-lint-warning\">name</span></span>"
            ),
            "{line2}"
        );
        assert!(
            line2.ends_with(
                "<span class=\"lint-note lint-note-warning\">  ⚠ HL002 &lt;fixed&gt; name</span>"
            ),
            "{line2}"
        );
        // An entity counts as one character, and the underline stops at a space.
        assert_eq!(
            underline_at("x &amp; y", 3, "u"),
            "x <span class=\"u\">&amp;</span> y"
        );
        assert_eq!(underline_at("abc", 0, "u"), "abc");
    }

    #[test]
    fn markup_in_a_file_stays_text() {
        let src = "a: '</pre><script>x()</script>'\n# <img src=x onerror=y>\n\"<b>\": {{ \"<i>\" }}\n<svg onload=z>\n";
        let h = highlight(src, &BTreeSet::from([2]));
        // Every tag in the output is one of the highlighter's own.
        let mut rest = h.as_str();
        while let Some(i) = rest.find('<') {
            let tag = &rest[i..];
            assert!(
                tag.starts_with("<span class=\"t-") || tag.starts_with("</span>"),
                "{tag}"
            );
            rest = &rest[i + 1..];
        }
        assert!(h.contains("&lt;script&gt;") && h.contains("&lt;svg onload=z&gt;"));
    }

    #[test]
    fn text_is_escaped_and_complete() {
        let src = "a: <b> & {{ if lt 1 2 }}\n{{- end }}\n";
        let h = highlight(src, &BTreeSet::new());
        assert!(h.contains("&lt;b&gt; &amp;"));
        // Stripping the tags gives the text back.
        let mut plain = String::new();
        let mut in_tag = false;
        for c in h.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => plain.push(c),
                _ => {}
            }
        }
        let plain = plain
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert_eq!(plain.trim_end(), src.trim_end());
    }
}
