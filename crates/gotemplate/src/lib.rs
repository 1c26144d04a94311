//! Go's `text/template`, in Rust, with Go's semantics and Go's error texts.
//!
//! The crate knows nothing of Helm: hosts register functions (see [`func`]) and host objects
//! (see [`value::Object`]).

pub mod ast;
mod builtins;
pub mod error;
pub mod eval;
pub mod format;
pub mod func;
pub mod lexer;
pub mod parser;
pub mod value;

pub use error::{Error, ErrorKind};
pub use eval::{Ctx, CtxFn, Limits, MissingKey, Templates};
pub use func::{FuncError, Param, PureFn, Signature};
pub use value::{Map, MapRef, Object, Value};
