//! Render errors worded as Helm words them, with the position kept for the editor.
//!
//! Sources: Helm v4.1.4 `pkg/engine/engine.go` `cleanupParseError`, `reformatExecErrorMsg`,
//! `parseTemplateExecErrorString`, `TraceableError.String`; Helm v3 `cleanupExecError`.

use gotemplate::{Error, ErrorKind};

use super::helm_funcs::{WARN_END, WARN_START};
use crate::plan::HelmVersion;

/// A render failure: Helm's message, and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    /// Exactly what Helm prints after `Error: `.
    pub message: String,
    /// Template file (`chart/templates/x.yaml`), line and column (1-based) of the failing node.
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// `cleanupParseError`: `parse error at (LOCATION): LAST-MESSAGE`.
pub fn parse_error(filename: &str, e: &Error) -> RenderError {
    let text = e.to_string();
    let tokens: Vec<&str> = text.split(": ").collect();
    let message = if tokens.len() == 1 {
        format!("parse error in ({filename}): {text}")
    } else {
        format!(
            "parse error at ({}): {}",
            tokens[1],
            tokens[tokens.len() - 1]
        )
    };
    RenderError {
        message,
        file: e.file().to_string(),
        line: e.line(),
        col: e.col().unwrap_or(0),
    }
}

/// The `required`/`fail` message between Helm's markers (the regex
/// `HELM_ERR_START(.*)HELM_ERR_END`: greedy, not across newlines).
fn warn_message(s: &str) -> Option<&str> {
    for line in s.split('\n') {
        if let Some(start) = line.find(WARN_START) {
            let rest = &line[start + WARN_START.len()..];
            if let Some(end) = rest.rfind(WARN_END) {
                return Some(&rest[..end]);
            }
        }
    }
    None
}

#[derive(PartialEq, Eq)]
struct Traceable {
    location: String,
    message: String,
    executed_function: String,
}

impl Traceable {
    fn render(&self, out: &mut String) {
        if !self.location.is_empty() {
            out.push_str(&self.location);
            out.push_str("\n  ");
        }
        if !self.executed_function.is_empty() {
            out.push_str(&self.executed_function);
            out.push_str("\n    ");
        }
        if !self.message.is_empty() {
            out.push_str(&self.message);
            out.push('\n');
        }
    }
}

/// `parseTemplateExecErrorString` on one level of Go's error chain.
fn parse_level(s: &str) -> Option<Traceable> {
    let remainder = s.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some(Traceable {
            location: String::new(),
            message: s.to_string(),
            executed_function: String::new(),
        });
    }
    let cut = |m: &str| match m.find(" template:") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    };
    if let Some(idx) = remainder.find(": executing ") {
        let name = &remainder[..idx];
        let after = &remainder[idx + ": executing ".len()..];
        if let Some(body) = after.strip_prefix('"') {
            if let Some(end_quote) = body.find('"') {
                let function = &body[..end_quote];
                let after_func = &body[end_quote + 1..];
                if let Some(after_at) = after_func.strip_prefix(" at <") {
                    if let Some(end_loc) = after_at.find(">: ") {
                        let loc = &after_at[..end_loc];
                        let msg = &after_at[end_loc + 3..];
                        return Some(Traceable {
                            location: name.to_string(),
                            message: cut(msg),
                            executed_function: format!("executing \"{function}\" at <{loc}>:"),
                        });
                    }
                }
            }
        }
        return None;
    }
    let sep = remainder.rfind(": ")?;
    Some(Traceable {
        location: remainder[..sep].to_string(),
        message: cut(&remainder[sep + 2..]),
        executed_function: String::new(),
    })
}

/// The strings of Go's error chain (`errors.Unwrap` from the ExecError down), as far as they
/// can be known: an exec error's own text, then — when a function such as `include` returned a
/// nested template error unchanged — that error's chain. `None` at the end means the chain
/// reaches an error that is not a template error (a function's own error, or one wrapped in
/// more text as `tpl` does), where Helm gives up and prints Go's text unchanged.
fn chain(e: &Error) -> (Vec<String>, bool) {
    let mut levels = vec![e.to_string()];
    let mut cur = e;
    loop {
        let msg = cur.message();
        let Some(rest) = msg.strip_prefix("error calling ") else {
            // An error of the engine itself (nil pointer, wrong type...): an errorString of
            // the same text ends the chain.
            return (levels, true);
        };
        let cause = rest.split_once(": ").map(|(_, c)| c).unwrap_or("");
        match cur.nested() {
            Some(n) if n.to_string() == cause => {
                levels.push(n.to_string());
                cur = n;
            }
            _ => return (levels, false),
        }
    }
}

/// An execution error as Helm prints it: `required`/`fail` as `execution error at (LOC): MSG`;
/// otherwise Helm 4's multi-line trace (or Go's text where Helm 4 cannot parse the chain) and
/// Go's text unchanged under Helm 3.
pub fn exec_error(filename: &str, e: &Error, helm: HelmVersion) -> RenderError {
    let text = e.to_string();
    let pos = |message: String| RenderError {
        message,
        file: e.file().to_string(),
        line: e.line(),
        col: e.col().unwrap_or(0),
    };
    if e.kind() == ErrorKind::NoTemplate {
        return pos(text);
    }
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return pos(format!("execution error in ({filename}): {text}"));
    }
    if let Some(msg) = warn_message(tokens[2]) {
        return pos(format!("execution error at ({}): {msg}", tokens[1]));
    }
    if helm == HelmVersion::V3 {
        return pos(text);
    }
    let (levels, parseable_end) = chain(e);
    if !parseable_end {
        return pos(text);
    }
    let mut traces: Vec<Traceable> = Vec::new();
    for level in &levels {
        match parse_level(level) {
            Some(t) => {
                if traces.last() != Some(&t) {
                    traces.push(t);
                }
            }
            None => return pos(text),
        }
    }
    let mut out = String::new();
    for t in &traces {
        t.render(&mut out);
    }
    pos(out.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warn_markers() {
        assert_eq!(
            warn_message("executing x: error calling required: HELM_ERR_STARTneed aHELM_ERR_END"),
            Some("need a")
        );
        assert_eq!(warn_message("nothing"), None);
    }

    #[test]
    fn levels_parse_like_helm() {
        let t = parse_level(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <include \"x\" .>: error calling include: template: c/templates/t.yaml:2:26: executing \"x\" at <.Values.a.b>: nil pointer evaluating interface {}.b",
        )
        .unwrap();
        assert_eq!(t.location, "c/templates/t.yaml:1:6");
        assert_eq!(t.message, "error calling include:");
        assert_eq!(
            t.executed_function,
            "executing \"c/templates/t.yaml\" at <include \"x\" .>:"
        );
    }
}
