//! What `helm template` prints, given the split manifests.
//!
//! Sources: Helm v4 `pkg/action/action.go` `renderResources` (the release manifest: CRDs first
//! with `--include-crds`, then `---\n# Source: PATH\nCONTENT\n` per regular document in kind
//! order) and `pkg/cmd/template.go` (the trimmed manifest, then every hook unless
//! `--no-hooks`, test hooks skipped with `--skip-tests`, and `--show-only` matching).

use crate::chart::CrdFile;
use crate::hooks::HookEvent;
use crate::manifest::{split_documents, SortedManifests};

/// The `helm template` flags that shape the output.
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    pub include_crds: bool,
    pub skip_tests: bool,
    pub no_hooks: bool,
    /// `--show-only` patterns (Go `filepath.Match` against the path after the chart name).
    pub show_only: Vec<String>,
}

/// Build `helm template`'s standard output.
pub fn template_output(
    crds: &[CrdFile],
    sorted: &SortedManifests,
    opts: &OutputOptions,
) -> Result<String, String> {
    let mut out = String::new();
    write_template_output(&mut out, crds, sorted, opts)?;
    Ok(out)
}

/// [`template_output`] appended to `out` (which a caller may reuse or size).
pub fn write_template_output(
    out: &mut String,
    crds: &[CrdFile],
    sorted: &SortedManifests,
    opts: &OutputOptions,
) -> Result<(), String> {
    if !opts.show_only.is_empty() {
        let mut all = String::new();
        write_template_output(
            &mut all,
            crds,
            sorted,
            &OutputOptions {
                show_only: Vec::new(),
                ..opts.clone()
            },
        )?;
        out.push_str(&show_only(&all, &opts.show_only)?);
        return Ok(());
    }
    let size: usize = sorted
        .resources
        .iter()
        .chain(sorted.hooks.iter().map(|h| &h.doc))
        .map(|d| d.path.len() + d.content.len() + 16)
        .sum();
    out.reserve(size);
    stream_template_output(crds, sorted, opts, &mut |s| out.push_str(s))
}

/// [`template_output`] without `--show-only` (which needs the whole text), handed to `write`
/// piece by piece: the CLI streams it to its standard output rather than hold a copy of every
/// document (most of a megabyte for a large chart). A CRD file that cannot be read is an error
/// before anything is written.
pub fn stream_template_output(
    crds: &[CrdFile],
    sorted: &SortedManifests,
    opts: &OutputOptions,
    write: &mut dyn FnMut(&str),
) -> Result<(), String> {
    let mut crd_texts = Vec::new();
    if opts.include_crds {
        for crd in crds {
            let data = crd.data.bytes();
            if let Some(e) = crd.data.read_error() {
                return Err(e.to_string());
            }
            crd_texts.push((crd, data));
        }
    }
    // The release manifest, trimmed at its end (strings.TrimSpace; it starts with `---` when
    // not empty).
    let mut manifest = TrimmedEnd {
        write: &mut *write,
        held: String::new(),
    };
    for (crd, data) in &crd_texts {
        manifest.doc(&crd.filename, &crate::chart::lossy(data));
    }
    for r in &sorted.resources {
        manifest.doc(&r.path, &r.content);
    }
    write("\n");
    if !opts.no_hooks {
        for h in &sorted.hooks {
            if opts.skip_tests && h.events.contains(&HookEvent::Test) {
                continue;
            }
            for piece in doc_pieces(&h.doc.path, &h.doc.content) {
                write(piece);
            }
        }
    }
    Ok(())
}

/// One `---\n# Source: PATH\nCONTENT\n` document, in pieces.
fn doc_pieces<'a>(path: &'a str, content: &'a str) -> [&'a str; 5] {
    ["---\n# Source: ", path, "\n", content, "\n"]
}

/// A writer that keeps back trailing whitespace until more text follows, so that what is
/// left when it is dropped is the trimmed end of everything written (`str::trim_end` of the
/// whole: the same whitespace, whatever the pieces).
struct TrimmedEnd<'w> {
    write: &'w mut dyn FnMut(&str),
    held: String,
}

impl TrimmedEnd<'_> {
    fn push(&mut self, s: &str) {
        let text = s.trim_end();
        if text.is_empty() {
            self.held.push_str(s);
            return;
        }
        if !self.held.is_empty() {
            (self.write)(&self.held);
            self.held.clear();
        }
        (self.write)(text);
        self.held.push_str(&s[text.len()..]);
    }

    /// One `---\n# Source: PATH\nCONTENT\n` document.
    fn doc(&mut self, path: &str, content: &str) {
        for piece in doc_pieces(path, content) {
            self.push(piece);
        }
    }
}

/// `--show-only`: re-split the output and keep the documents whose `# Source: chart/PATH`
/// matches a pattern; a pattern that matches nothing is an error.
fn show_only(all: &str, patterns: &[String]) -> Result<String, String> {
    let docs = split_documents(all);
    let mut out = String::new();
    for pattern in patterns {
        let mut missing = true;
        for doc in &docs {
            let Some(path) = source_path(doc) else {
                continue;
            };
            if go_filepath_match(pattern, path) {
                out.push_str(&format!("---\n{doc}\n"));
                missing = false;
            }
        }
        if missing {
            return Err(format!("could not find template {pattern} in chart"));
        }
    }
    Ok(out)
}

/// The `(.+)` of the regex `# Source: [^/]+/(.+)` (the path after the chart name).
fn source_path(doc: &str) -> Option<&str> {
    let i = doc.find("# Source: ")?;
    let rest = &doc[i + "# Source: ".len()..];
    let line = rest.split('\n').next().unwrap_or(rest);
    let slash = line.find('/')?;
    if slash == 0 {
        return None;
    }
    let tail = &line[slash + 1..];
    (!tail.is_empty()).then_some(tail)
}

/// Go's `path/filepath.Match` (Unix): `*` matches any run of non-`/` bytes, `?` one non-`/`
/// character, `[...]` a class (with `^` negation and ranges), `\` escapes.
pub fn go_filepath_match(pattern: &str, name: &str) -> bool {
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        // p starts after '['; returns (matched, chars consumed incl. ']')
        let mut i = 0;
        let negate = p.first() == Some(&'^');
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while i < p.len() {
            if p[i] == ']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            let mut lo = p[i];
            if lo == '\\' {
                i += 1;
                lo = *p.get(i)?;
            }
            let mut hi = lo;
            if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|c| *c != ']') {
                hi = p[i + 2];
                if hi == '\\' {
                    hi = *p.get(i + 3)?;
                    i += 1;
                }
                i += 2;
            }
            if lo <= c && c <= hi {
                matched = true;
            }
            i += 1;
        }
        None
    }
    fn rec(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => {
                let rest = &p[1..];
                for k in 0..=n.len() {
                    if k > 0 && n[k - 1] == '/' {
                        break;
                    }
                    if rec(rest, &n[k..]) {
                        return true;
                    }
                }
                false
            }
            Some('?') => !n.is_empty() && n[0] != '/' && rec(&p[1..], &n[1..]),
            Some('[') => match (n.first(), class(&p[1..], n.first().copied().unwrap_or('/'))) {
                (Some(&c), Some((true, used))) if c != '/' => rec(&p[1 + used..], &n[1..]),
                _ => false,
            },
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && rec(&p[2..], &n[1..]),
            Some(&c) => n.first() == Some(&c) && rec(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    rec(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a `TrimmedEnd` lets through is `trim_end` of everything pushed, however the text
    /// is cut into pieces (Unicode whitespace included).
    #[test]
    fn trimmed_end_is_trim_end_of_the_whole() {
        let cases: &[&[&str]] = &[
            &[],
            &["", " ", "\n"],
            &["a", " \n", "\n"],
            &["a  ", "b"],
            &["a\u{3000}", "\u{85}", " "],
            &["a", "\u{a0}", "b\t", "\n\n", "c", "  \n"],
            &["---\n# Source: x\n", "kind: A  ", "\n", "\n"],
        ];
        for pieces in cases {
            let mut out = String::new();
            let mut sink = |s: &str| out.push_str(s);
            let mut t = TrimmedEnd {
                write: &mut sink,
                held: String::new(),
            };
            for p in *pieces {
                t.push(p);
            }
            drop(t);
            assert_eq!(out, pieces.concat().trim_end(), "{pieces:?}");
        }
    }

    #[test]
    fn filepath_match_like_go() {
        assert!(go_filepath_match("templates/*.yaml", "templates/a.yaml"));
        assert!(!go_filepath_match("templates/*.yaml", "templates/x/a.yaml"));
        assert!(go_filepath_match("templates/?.yaml", "templates/a.yaml"));
        assert!(go_filepath_match(
            "templates/[a-c].yaml",
            "templates/b.yaml"
        ));
        assert!(!go_filepath_match(
            "templates/[^a-c].yaml",
            "templates/b.yaml"
        ));
        assert!(go_filepath_match("templates/a.yaml", "templates/a.yaml"));
        assert!(!go_filepath_match("templates", "templates/a.yaml"));
    }

    #[test]
    fn source_paths_drop_the_chart_name() {
        assert_eq!(
            source_path("# Source: mychart/templates/a.yaml\nkind: A"),
            Some("templates/a.yaml")
        );
        assert_eq!(
            source_path("# Source: p/charts/c/templates/a.yaml"),
            Some("charts/c/templates/a.yaml")
        );
    }
}
