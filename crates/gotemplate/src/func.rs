//! How the host describes functions to the engine.
//!
//! Go's text/template converts each argument to the Go parameter type of the function and
//! fails with its own wording ("wrong type for value; expected int; got float64") when it
//! cannot, so every function declares its parameters as the Go signature does. The engine does
//! the conversion; the function body can then trust the variants it receives.

use crate::value::Value;

/// A Go parameter type, as far as template functions use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: anything, nil included.
    Any,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `string`
    String,
    /// `bool`
    Bool,
    /// `[]interface{}` (nil passes as nil)
    List,
    /// `map[string]interface{}` (nil passes as nil)
    Map,
    /// `[]string`
    Strings,
    /// `[]byte`
    Bytes,
}

impl Param {
    /// The Go spelling used in conversion errors.
    pub fn go_name(self) -> &'static str {
        match self {
            Param::Any => "interface {}",
            Param::Int => "int",
            Param::Int64 => "int64",
            Param::Float64 => "float64",
            Param::String => "string",
            Param::Bool => "bool",
            Param::List => "[]interface {}",
            Param::Map => "map[string]interface {}",
            Param::Strings => "[]string",
            Param::Bytes => "[]uint8",
        }
    }
}

/// A function's Go signature: fixed parameters, then an optional variadic tail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<Param>,
    pub variadic: Option<Param>,
}

impl Signature {
    pub fn new(params: &[Param]) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: None,
        }
    }

    pub fn variadic(params: &[Param], tail: Param) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: Some(tail),
        }
    }
}

/// The error a function returns (Go's second result, or a recovered panic). The engine wraps it
/// as `error calling NAME: MSG`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncError(pub String);

impl From<String> for FuncError {
    fn from(s: String) -> FuncError {
        FuncError(s)
    }
}

impl From<&str> for FuncError {
    fn from(s: &str) -> FuncError {
        FuncError(s.to_string())
    }
}

/// A function that needs nothing but its arguments (most of Sprig).
pub type PureFn = fn(&[Value]) -> Result<Value, FuncError>;
