//! Go's `text/template`, in Rust, with Go's semantics and Go's error texts.
//!
//! The crate knows nothing of Helm. It has no dependencies and does no I/O, so it builds for
//! `wasm32-unknown-unknown` as it is.
//!
//! # Pieces
//!
//! * [`lexer`] → [`parser`] → [`ast`] (every node carries a [`ast::Span`] and Go's position)
//!   → [`eval`] (a tree walker). [`format`](mod@format) is Go's `fmt` (`print`, `printf`, `%v` output,
//!   `strconv.FormatFloat`), reusable by hosts (`toJson` needs Go's float formatting).
//! * [`Value`] is what a template sees through `interface{}`; `int`, `int64` and `float64`
//!   stay apart because Go's comparisons and conversions tell them apart.
//! * [`Error`] prints exactly what Go prints and keeps the pieces (file, line, column, node
//!   text, cause, span, and the error of a nested `include`) for hosts that re-format them.
//!
//! # Quick start
//!
//! ```
//! use gotemplate::{Map, Templates, Value};
//!
//! let mut set = Templates::new();
//! set.add("page", r#"{{ define "hi" }}hello {{ . }}{{ end }}[{{ template "hi" .name }}]"#)
//!     .unwrap();
//! let mut data = Map::new();
//! data.insert("name".into(), Value::from("world"));
//! assert_eq!(set.execute("page", &Value::map(data)).unwrap(), "[hello world]");
//!
//! // Errors read as Go's do.
//! set.add("bad", "{{ .a.b }}").unwrap();
//! let err = set.execute("bad", &Value::empty_map()).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     r#"template: bad:1:5: executing "bad" at <.a.b>: nil pointer evaluating interface {}.b"#
//! );
//! ```
//!
//! # Host integration (what the Helm layer uses)
//!
//! **One namespace.** [`Templates`] is Go's template set: [`Templates::add`] parses a text
//! as a named template and installs it and every `define`/`block` in it. Later definitions
//! replace earlier ones, except that an empty body never replaces a non-empty one (Go's
//! `AddParseTree`/`associate`); a name defined twice in one text is Go's "multiple
//! definition" parse error. Helm adds each file under its full path, in its own order.
//!
//! **Functions.** Register them before parsing (an unknown name is the parse error
//! `function "foo" not defined`):
//!
//! * [`Templates::register_pure`]: a [`PureFn`] (`fn(&[Value]) -> Result<Value, FuncError>`)
//!   with a [`Signature`] of Go parameter types ([`Param`]). The engine converts arguments as
//!   Go does, with Go's texts (`wrong type for value; expected int; got float64`,
//!   `invalid value; expected string`, `expected integer; found 1.5`); untyped numeric
//!   literals convert to the parameter type. A returned `FuncError(msg)` becomes
//!   `error calling NAME: msg`.
//! * [`Templates::register_ctx`]: a [`CtxFn`], `Rc<dyn Fn(&mut Ctx, &[Value]) -> ...>`, for
//!   functions that need the engine. [`Ctx`] can
//!   - execute a named template with data and return its output
//!     ([`Ctx::execute_template`], Helm's `include`),
//!   - parse a string as a new template that sees every template of the set and whose own
//!     `define`s are visible only during that execution ([`Ctx::execute_string`] names it
//!     after the current template, as Helm v3's `tpl` does; [`Ctx::execute_string_named`]
//!     takes the name, e.g. Helm v4's `gotpl`),
//!   - tell the current template's name ([`Ctx::template_name`]),
//!   - reach the host's state object ([`Ctx::host`]) passed to [`Templates::execute_with`]
//!     (include counters, a random seed, a clock).
//!
//!   When a context function returns the error of a nested execution as its `FuncError`
//!   (`FuncError(err.to_string())`, possibly with text around it, like Helm's `tpl`), the
//!   resulting error keeps the nested [`Error`] reachable through [`Error::nested`], so a host
//!   can print Helm v4's multi-line trace.
//!
//! ```
//! use std::rc::Rc;
//! use gotemplate::{Ctx, FuncError, Param, Signature, Templates, Value};
//!
//! let mut set = Templates::new();
//! set.register_ctx(
//!     "include",
//!     Signature::new(&[Param::String, Param::Any]),
//!     Rc::new(|ctx: &mut Ctx<'_, '_>, args: &[Value]| {
//!         let name = args[0].as_str().unwrap_or_default().to_string();
//!         ctx.execute_template(&name, &args[1])
//!             .map(Value::from)
//!             .map_err(|e| FuncError(e.to_string()))
//!     }),
//! );
//! set.add("t", r#"{{ define "x" }}{{ .a.b }}{{ end }}{{ include "x" 1 | printf "%q" }}"#)
//!     .unwrap();
//! let err = set.execute("t", &Value::Nil).unwrap_err();
//! assert_eq!(err.message().starts_with("error calling include: "), true);
//! let inner = err.nested().unwrap();
//! assert_eq!(inner.template_name(), "x");
//! assert_eq!(inner.message(), "can't evaluate field a in type int");
//! ```
//!
//! **Missing keys.** [`MissingKey::Zero`] (Helm's default, `missingkey=zero`) is the default:
//! a missing key is a nil `interface{}` that prints as `<no value>` when it is the final value
//! of an action, and field access through it is Go's `nil pointer evaluating interface {}.x`.
//! [`MissingKey::Error`] is `missingkey=error` (Helm's `--strict`).
//!
//! **Host objects.** [`Object`] values have fields and methods (`.Files.Get "x"`).
//!
//! **Go versions.** The engine follows Go 1.24+ (Helm v4 is built with Go 1.25);
//! [`Templates::set_go_version`]`(`[`GoVersion::Go1_23`]`)` reproduces Helm v3.17's Go 1.23
//! (no `range` over integers, comparison errors without type names).
//!
//! # Limits
//!
//! [`Limits`] turns runaway input into errors: template call depth (Go's
//! `exceeded maximum template depth (100000)`), parser nesting
//! (`max expression depth exceeded`), an evaluation step budget, an output-size cap, and a
//! native stack budget checked at every template call, context-function call and control
//! structure. The default stack budget (1.5 MiB natively, 14 MiB on wasm, whose stack this
//! workspace raises to 16 MiB in `.cargo/config.toml`) keeps the engine safe on `cargo test`'s
//! 2 MiB threads; it allows about 1100 nested `{{template}}` calls and 380 nested `include`s
//! natively in a release build (about 0.9 KiB and 2.8 KiB of stack per level). A host that
//! needs Go's full depth runs the engine on a thread with a bigger stack and raises
//! [`Limits::max_stack`] to match. In the browser the call frames live on V8's own stack
//! (about 1 MiB), which no address check can see: [`Limits::max_nesting`] bounds the
//! recursion there (calibrated in Chromium: a release build reaches 1000 nested `include`s
//! and Go's wasm limit of 1000 nested `{{template}}` calls; runaway recursion through
//! `if`/`range`/`tpl` ends with "exceeded maximum nesting depth" instead of a crash).

pub mod ast;
mod builtins;
pub mod error;
pub mod eval;
mod fast_hash;
pub mod format;
pub mod func;
pub mod lexer;
pub mod parser;
pub mod value;
pub mod watch;

pub use error::{Error, ErrorKind};
pub use eval::{
    default_max_nesting, default_stack_budget, limit_hint, nesting_now, reset_nesting_now,
    set_default_max_nesting, set_default_stack_budget, set_limit_hint, Ctx, CtxFn, GoVersion,
    Limits, MissingKey, ParseMap, ParseSetup, Parsed, Templates, DEFAULT_MAX_NESTING,
    DEFAULT_STACK_BUDGET,
};
pub use func::{FuncError, Param, PureFn, Signature};
pub use value::{Map, MapRef, Object, Value};
pub use watch::Watch;
