//! Go's `text/template`, in Rust, with Go's semantics and Go's error texts.
//!
//! The crate knows nothing of Helm: hosts register functions (see [`func`]) and host objects
//! (see [`value::Object`]).

pub mod format;
pub mod func;
pub mod value;

pub use func::{FuncError, Param, PureFn, Signature};
pub use value::{Map, MapRef, Object, Value};
