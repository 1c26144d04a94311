//! The value model: what a Go template sees through `interface{}`.
//!
//! Go keeps `int`, `int64` and `float64` apart and Helm depends on it (values files give
//! float64, `--set` gives int64, template literals give int), so the variants do too.
//! Maps are shared and mutable because Sprig's `set`/`unset`/`merge` mutate in place and the
//! change must be visible through every reference, as with Go maps.

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// A map as Go's `map[string]interface{}`: iteration is always in sorted key order, which is
/// the order Go's `range`, `fmt` and `encoding/json` use.
pub type Map = BTreeMap<String, Value>;

/// A shared, mutable map (Go maps are reference types).
pub type MapRef = Rc<RefCell<Map>>;

/// A map given a named Go type, and the name.
type NamedMap = (std::rc::Weak<RefCell<Map>>, &'static str);

thread_local! {
    /// Maps that the host gave a named Go map type (Helm's `.Values` is `common.Values`, not
    /// `map[string]interface {}`): `typeOf` prints the name and a function that asserts
    /// `map[string]interface {}` on an `interface{}` argument (Sprig's `dig`) refuses them.
    static MAP_TYPE_NAMES: RefCell<Vec<NamedMap>> =
        const { RefCell::new(Vec::new()) };
}

/// Give `m` a named Go type (see `MAP_TYPE_NAMES`) until [`clear_map_type_names`].
pub fn name_map_type(m: &MapRef, name: &'static str) {
    MAP_TYPE_NAMES.with(|n| n.borrow_mut().push((Rc::downgrade(m), name)));
}

/// Forget every named map (a host does this before each render).
pub fn clear_map_type_names() {
    MAP_TYPE_NAMES.with(|n| n.borrow_mut().clear());
}

/// The named Go type of `m`, if the host gave it one.
pub fn map_type_name(m: &MapRef) -> Option<&'static str> {
    MAP_TYPE_NAMES.with(|n| {
        n.borrow()
            .iter()
            .find(|(w, _)| std::ptr::eq(w.as_ptr(), Rc::as_ptr(m)))
            .map(|(_, name)| *name)
    })
}

/// A Go value behind `interface{}`.
#[derive(Clone, Default)]
pub enum Value {
    /// Untyped nil: a missing map key, a YAML `null`, a function's nil result.
    #[default]
    Nil,
    Bool(bool),
    /// Go `int` (template literals, `len`, `atoi`, `int`).
    Int(i64),
    /// Go `int64` (`--set` integers, Sprig arithmetic, `int64`).
    Int64(i64),
    /// Go `float64` (every number from a YAML or JSON document).
    Float(f64),
    String(Rc<str>),
    /// `[]byte` (`.Files.GetBytes`, `randBytes`).
    Bytes(Rc<[u8]>),
    /// `[]interface{}`. Lists are never mutated in place by Sprig; they are copied.
    List(Rc<Vec<Value>>),
    Map(MapRef),
    /// Host objects with fields and methods (`.Files`, `.Capabilities`, certificates, ...).
    Object(Rc<dyn Object>),
}

impl Value {
    /// Where a map's or a list's shared storage is: the same for every copy of the value (a
    /// map or list is one container however often it is handed on), `None` for other kinds.
    pub fn container_address(&self) -> Option<usize> {
        match self {
            Value::Map(m) => Some(Rc::as_ptr(m) as *const () as usize),
            Value::List(l) => Some(Rc::as_ptr(l) as *const () as usize),
            _ => None,
        }
    }

    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    pub fn map(m: Map) -> Value {
        Value::Map(Rc::new(RefCell::new(m)))
    }

    pub fn empty_map() -> Value {
        Value::map(Map::new())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Go's truthiness (`text/template` `isTrue`): false, 0, nil and empty containers are false;
    /// structs (host objects) are always true.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::Object(o) => o.is_true(),
        }
    }

    /// The Go type name as `%T` and `typeOf` print it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(_) => "[]interface {}".into(),
            Value::Map(m) => map_type_name(m).unwrap_or("map[string]interface {}").into(),
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// The Go reflect kind as `kindOf` prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind_name(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Deep copy (Sprig `deepCopy`); maps become new maps, host objects are shared.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::List(l) => Value::list(l.iter().map(Value::deep_copy).collect()),
            Value::Map(m) => Value::map(deep_copy_map(&m.borrow())),
            other => other.clone(),
        }
    }
}

/// A deep copy of a map (see [`Value::deep_copy`]): the map's own clone copies its tree as it
/// is, node by node, without comparing a key (building it by insertion compares each key
/// with a dozen others); then the values that are containers are copied in place.
pub fn deep_copy_map(m: &Map) -> Map {
    let mut copy = m.clone();
    for v in copy.values_mut() {
        if matches!(v, Value::Map(_) | Value::List(_)) {
            *v = v.deep_copy();
        }
    }
    copy
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Int64(i) => write!(f, "Int64({i})"),
            Value::Float(x) => write!(f, "Float({x})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Bytes(b) => write!(f, "Bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.borrow().iter()).finish(),
            Value::Object(o) => write!(f, "Object({})", o.type_name()),
        }
    }
}

/// Structural equality as Sprig's `deepEqual` (reflect.DeepEqual) sees it; numbers of different
/// Go types are different.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => Rc::ptr_eq(a, b) || *a.borrow() == *b.borrow(),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::list(v)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::map(m)
    }
}

/// A host object: a Go struct or named type with fields and methods (`.Release`,
/// `.Capabilities.APIVersions`, `.Files`, a certificate from `genCA`).
///
/// Field access `.Name` first tries a method (Go looks up methods before fields), then a field.
pub trait Object: Any {
    /// Go type name, used in error messages and `typeOf` (e.g. `chartutil.Files`).
    fn type_name(&self) -> &str;
    /// Go reflect kind for `kindOf` (`struct`, `map`, `slice`, `ptr`).
    fn kind_name(&self) -> &'static str {
        "struct"
    }
    /// A field or a key (structs and named maps). `None` means "no such field".
    fn field(&self, name: &str) -> Option<Value>;
    /// Whether a method of that name exists (so `.Files.Get "x"` can be told from a field).
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    /// Call a method with already evaluated arguments.
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!(
            "can't call method/function {name:?} with 0 results"
        ))
    }
    /// `fmt` `%v` rendering (Go prints structs as `{a b}`; types with String() print that).
    fn display(&self) -> String;
    /// Truthiness: Go structs are always true, named maps/slices by length.
    fn is_true(&self) -> bool {
        true
    }
    /// Converted to plain data for `toYaml`/`toJson` (encoding/json of the Go value).
    fn to_data(&self) -> Value {
        Value::Nil
    }
    fn as_any(&self) -> &dyn Any;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deep copy is equal to the original and shares no map or list with it: changing a
    /// nested map of the copy, at any depth and inside lists, leaves the original as it was.
    #[test]
    fn deep_copy_shares_no_container() {
        let leaf = || {
            let mut m = Map::new();
            m.insert("k".into(), Value::string("v"));
            Value::map(m)
        };
        let inner = || {
            let mut m = Map::new();
            m.insert("leaf".into(), leaf());
            m.insert("list".into(), Value::list(vec![leaf(), Value::Int(1)]));
            m
        };
        let mut top = Map::new();
        for i in 0..40 {
            top.insert(format!("key{i:02}"), Value::map(inner()));
        }
        top.insert("s".into(), Value::string("x"));
        let copy = deep_copy_map(&top);
        assert_eq!(copy, top);
        let Some(Value::Map(c)) = copy.get("key17") else {
            panic!()
        };
        let Some(Value::List(l)) = c.borrow().get("list").cloned() else {
            panic!()
        };
        let Value::Map(in_list) = &l[0] else { panic!() };
        in_list
            .borrow_mut()
            .insert("k".into(), Value::string("changed"));
        let Some(Value::Map(leaf_map)) = c.borrow().get("leaf").cloned() else {
            panic!()
        };
        leaf_map.borrow_mut().insert("new".into(), Value::Nil);
        assert_ne!(copy, top);
        let Some(Value::Map(orig)) = top.get("key17") else {
            panic!()
        };
        assert_eq!(*orig.borrow(), inner());
        assert_eq!(
            Value::map(top.clone()).deep_copy(),
            Value::map(top),
            "Value::deep_copy agrees"
        );
    }
}
