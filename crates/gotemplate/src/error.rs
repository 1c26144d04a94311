//! Errors: parse and execution errors with Go's texts, plus the structure behind them.
//!
//! `Display` prints exactly what Go prints (`template: NAME:LINE:COL: executing "NAME" at
//! <NODE>: CAUSE`). The accessors give the pieces, so a host can re-format them (Helm v4 prints
//! a multi-line trace), and [`Error::nested`] walks into errors of nested `include`/`tpl`
//! calls made by host functions.

use std::fmt;

use crate::ast::Span;

/// What went wrong, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Lexing or parsing failed: `template: NAME:LINE: MSG`.
    Parse,
    /// Execution failed at a node: `template: FILE:LINE:COL: executing "NAME" at <NODE>: MSG`.
    Exec,
    /// Execution failed before reaching a node (`template: no template "x" associated ...`).
    NoTemplate,
    /// A resource limit was hit (steps, output size, stack); also formatted as an exec error.
    Limit,
}

/// An error from parsing or executing a template.
#[derive(Clone)]
pub struct Error {
    repr: Box<ErrorRepr>,
}

#[derive(Clone, Debug)]
struct ErrorRepr {
    kind: ErrorKind,
    /// The template being executed (exec) or parsed (parse).
    name: String,
    /// The file (Go's ParseName) the failing node was parsed from.
    file: String,
    line: usize,
    col: Option<usize>,
    context: Option<String>,
    message: String,
    span: Option<Span>,
    nested: Option<Error>,
    /// A verbatim message (errors with no location).
    raw: Option<String>,
}

impl Error {
    pub(crate) fn parse(name: &str, line: usize, message: String, span: Option<Span>) -> Error {
        Error {
            repr: Box::new(ErrorRepr {
                kind: ErrorKind::Parse,
                name: name.to_string(),
                file: name.to_string(),
                line,
                col: None,
                context: None,
                message,
                span,
                nested: None,
                raw: None,
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn exec(
        kind: ErrorKind,
        name: &str,
        file: &str,
        line: usize,
        col: usize,
        context: String,
        message: String,
        span: Option<Span>,
    ) -> Error {
        Error {
            repr: Box::new(ErrorRepr {
                kind,
                name: name.to_string(),
                file: file.to_string(),
                line,
                col: Some(col),
                context: Some(context),
                message,
                span,
                nested: None,
                raw: None,
            }),
        }
    }

    pub(crate) fn raw(kind: ErrorKind, name: &str, text: String) -> Error {
        Error {
            repr: Box::new(ErrorRepr {
                kind,
                name: name.to_string(),
                file: name.to_string(),
                line: 0,
                col: None,
                context: None,
                message: text.clone(),
                span: None,
                nested: None,
                raw: Some(text),
            }),
        }
    }

    pub(crate) fn with_nested(mut self, nested: Option<Error>) -> Error {
        self.repr.nested = nested;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// The template being executed (for parse errors, the template being parsed).
    pub fn template_name(&self) -> &str {
        &self.repr.name
    }

    /// The file the failing node belongs to (Go's `ParseName`, e.g. `chart/templates/x.yaml`
    /// for a `define` in that file).
    pub fn file(&self) -> &str {
        &self.repr.file
    }

    /// 1-based line (0 when unknown).
    pub fn line(&self) -> usize {
        self.repr.line
    }

    /// Go's column (byte offset within the line), for execution errors.
    pub fn col(&self) -> Option<usize> {
        self.repr.col
    }

    /// The text of the failing node, as Go prints it between `<` and `>`.
    pub fn context(&self) -> Option<&str> {
        self.repr.context.as_deref()
    }

    /// The cause, e.g. `nil pointer evaluating interface {}.b` or
    /// `error calling include: template: ...`.
    pub fn message(&self) -> &str {
        &self.repr.message
    }

    /// Byte range of the failing node in the source of [`Error::file`], for editors.
    pub fn span(&self) -> Option<Span> {
        self.repr.span
    }

    /// The error of a nested template execution (through `include`/`tpl`-like host functions)
    /// that this error's message wraps.
    pub fn nested(&self) -> Option<&Error> {
        self.repr.nested.as_ref()
    }

    /// `FILE:LINE:COL` (or `FILE:LINE` for parse errors).
    pub fn location(&self) -> String {
        match self.repr.col {
            Some(c) => format!("{}:{}:{}", self.repr.file, self.repr.line, c),
            None => format!("{}:{}", self.repr.file, self.repr.line),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.repr;
        if let Some(raw) = &r.raw {
            return f.write_str(raw);
        }
        match (&r.context, r.col) {
            (Some(ctx), Some(col)) => write!(
                f,
                "template: {}:{}:{}: executing {} at <{}>: {}",
                r.file,
                r.line,
                col,
                crate::format::quote(&r.name),
                ctx,
                r.message
            ),
            _ => write!(f, "template: {}:{}: {}", r.file, r.line, r.message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.repr.kind)
            .field("text", &self.to_string())
            .field("span", &self.repr.span)
            .field("nested", &self.repr.nested)
            .finish()
    }
}

impl std::error::Error for Error {}
