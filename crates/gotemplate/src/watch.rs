//! Watching an execution for what it could tell apart between two data sets that differ only
//! in a few keys of some maps (Helm's `.Release.IsInstall`, `IsUpgrade` and `Revision` between
//! an install and an upgrade of the same chart with the same values): a host that knows an
//! execution did not look can reuse its output.
//!
//! The rule is deliberately coarse, so that "not seen" is never wrong: a field or a key of any
//! value with one of the watched names is seen; a watched map or list (and every container
//! built from one by a function named in `wraps`) is seen when it is printed, ranged over,
//! or handed to any function or method except those named in `passes` (functions such as
//! `include` and `tpl` execute templates with it, and those executions are watched too).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::fast_hash::FastSet;
use crate::value::{MapRef, Value};

/// What to watch, and whether the execution saw any of it.
pub struct Watch {
    keys: Vec<String>,
    passes: Vec<String>,
    wraps: Vec<String>,
    /// Addresses of the watched maps and lists (alive as long as the data that holds them).
    watched: RefCell<FastSet<usize>>,
    seen: Cell<bool>,
}

/// How a call treats watched arguments.
pub(crate) enum Role {
    /// Executes templates with them (watched as they run).
    Pass,
    /// Returns a container that holds them (watched in turn).
    Wrap,
    /// Anything else: the call may read them.
    Read,
}

impl Watch {
    /// Watch fields and keys named `keys`; `passes` and `wraps` name functions as described
    /// in the module documentation.
    pub fn new(keys: &[&str], passes: &[&str], wraps: &[&str]) -> Watch {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Watch {
            keys: owned(keys),
            passes: owned(passes),
            wraps: owned(wraps),
            watched: RefCell::new(FastSet::default()),
            seen: Cell::new(false),
        }
    }

    /// Watch a map that holds the watched keys, or holds maps that do.
    pub fn watch_map(&self, m: &MapRef) {
        self.watched
            .borrow_mut()
            .insert(Rc::as_ptr(m) as *const () as usize);
    }

    /// Whether anything watched was seen since [`Watch::reset`].
    pub fn seen(&self) -> bool {
        self.seen.get()
    }

    /// Start over (the watched maps stay watched).
    pub fn reset(&self) {
        self.seen.set(false);
    }

    /// Set what [`Watch::seen`] answers (a host that watches a nested execution on its own
    /// puts back what the enclosing one had seen, with what the nested one saw).
    pub fn set_seen(&self, seen: bool) {
        self.seen.set(seen);
    }

    pub(crate) fn is_watched(&self, v: &Value) -> bool {
        Value::container_address(v).is_some_and(|a| self.watched.borrow().contains(&a))
    }

    /// A field or key named `name` was read.
    #[inline]
    pub(crate) fn field(&self, name: &str) {
        if self.keys.iter().any(|k| k == name) {
            self.seen.set(true);
        }
    }

    /// `v` was printed, ranged over or handed to something that reads it.
    #[inline]
    pub(crate) fn used(&self, v: &Value) {
        if self.is_watched(v) {
            self.seen.set(true);
        }
    }

    pub(crate) fn role(&self, function: &str) -> Role {
        if self.passes.iter().any(|p| p == function) {
            Role::Pass
        } else if self.wraps.iter().any(|w| w == function) {
            Role::Wrap
        } else {
            Role::Read
        }
    }

    /// A container built from watched values.
    pub(crate) fn wrapped(&self, v: &Value) {
        match Value::container_address(v) {
            Some(a) => {
                self.watched.borrow_mut().insert(a);
            }
            // Not a container: nothing can be watched through it, but it came from watched
            // values in a way this rule does not know.
            None => self.seen.set(true),
        }
    }

    /// Everything seen (a host that cannot tell what an execution read).
    pub fn see(&self) {
        self.seen.set(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Map, Templates};

    /// Whether executing `text` with a watched map as dot sees it.
    fn sees(text: &str) -> bool {
        let mut t = Templates::new();
        t.add("t", text).unwrap();
        let sub = Value::map(Map::from([("b".to_string(), Value::from("x"))]));
        let data = Value::map(Map::from([
            ("a".to_string(), Value::from("y")),
            ("Revision".to_string(), Value::Int(1)),
            ("sub".to_string(), sub),
        ]));
        let Value::Map(m) = &data else { unreachable!() };
        let w = Watch::new(&["Revision"], &[], &[]);
        w.watch_map(m);
        t.execute_watched("t", &data, &mut (), Some(&w)).unwrap();
        w.seen()
    }

    #[test]
    fn reading_a_watched_key_or_handing_the_map_over_is_seen() {
        for text in [
            "{{ .Revision }}",
            "{{ $.sub.Revision }}",
            "{{ . }}",
            "{{ range . }}{{ end }}",
            "{{ range $k, $v := $ }}{{ end }}",
            "{{ index . \"a\" }}",
            "{{ print $ }}",
            "{{ $x := . }}{{ len $x }}",
            "{{ . | printf \"%v\" }}",
            "{{ eq .a (print .) }}",
        ] {
            assert!(sees(text), "{text}");
        }
        for text in [
            "{{ .a }}",
            "{{ .sub.b }}",
            "{{ with .sub }}{{ .b }}{{ end }}",
            "{{ if . }}{{ .a }}{{ end }}",
            "{{ len .sub }}",
            "{{ range .sub }}{{ . }}{{ end }}",
            "{{ $x := . }}{{ $x.a }}",
        ] {
            assert!(!sees(text), "{text}");
        }
    }
}
