//! The evaluator: Go's `text/template/exec.go` as a tree walker, and the template set.
//!
//! Values flow as `V`: a [`Value`] plus whether its static Go type is `interface{}` (a map
//! element, a slice element, a range element). Go's error texts depend on that distinction:
//! `.Values.a.b` with `a` missing is "nil pointer evaluating interface {}.b", while the same
//! field on a nil variable silently yields no value.

use std::any::Any;
use std::borrow::Cow;
use std::rc::Rc;

use crate::ast::*;
use crate::builtins::{self, Builtin};
use crate::error::{Error, ErrorKind};
use crate::fast_hash::{FastMap, FastSet};
use crate::format::{self, quote};
use crate::func::{FuncError, Param, PureFn, Signature};
use crate::lexer;
use crate::parser::{self, ParseOptions};
use crate::value::Value;
use crate::watch::{Role, Watch};

/// What a missing map key evaluates to (Go's `missingkey` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default`/`invalid`: an invalid value; field access through it yields nothing.
    Invalid,
    /// `missingkey=zero` (Helm's default): a nil `interface{}`; field access through it is
    /// Go's "nil pointer evaluating interface {}.x" error.
    #[default]
    Zero,
    /// `missingkey=error`: `map has no entry for key "x"`.
    Error,
}

/// Which Go release's `text/template` to follow where they differ (the engine follows the
/// newest by default; Helm v3.17 is built with Go 1.23, Helm v4 with Go 1.25).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum GoVersion {
    /// Go 1.23: no `range` over integers ("range can't iterate over 3"), comparison errors
    /// without types ("incompatible types for comparison").
    Go1_23,
    /// Go 1.24 and later: `range` over integers, "incompatible types for comparison: float64
    /// and int".
    #[default]
    Go1_24,
}

/// Resource limits. Each one ends execution with a clear error instead of a hang or a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Nested `{{template}}` calls (Go: 100000; 1000 on wasm).
    pub max_template_depth: usize,
    /// Nesting of parenthesised pipelines and control structures in the parser.
    pub max_parse_depth: usize,
    /// Evaluation steps (nodes walked plus commands evaluated) per top-level execution.
    pub max_steps: u64,
    /// Bytes of output per execution buffer.
    pub max_output: usize,
    /// Bytes of native stack the evaluator may use below its entry point. Checked at every
    /// template call, host-function call back into the engine and control structure.
    pub max_stack: usize,
    /// Nesting units, roughly proportional to the native stack each construct holds: one per
    /// list walked (a template body, a branch), one more per `if`/`with` and `{{template}}`,
    /// two more per `range` and per nested execution (`include`), six more for one that
    /// parses (`tpl`). On wasm the call frames live on the browser's own stack (about 1 MiB in
    /// V8), which [`Limits::max_stack`] cannot see; this bound keeps the evaluator within it.
    /// Measured in Chromium on a release build: 1000 bare nested `include`s (3 units each) and
    /// Go's wasm limit of 1000 nested `{{template}}` calls (2 units each) fit; runaway
    /// recursion through `if`/`range`/`tpl` ends with this error instead of the browser's
    /// "Maximum call stack size exceeded". Debug wasm builds have much bigger frames: there
    /// the default is 900 units (about 300 nested `include`s).
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_template_depth: if cfg!(target_arch = "wasm32") {
                1000
            } else {
                100_000
            },
            max_parse_depth: 1000,
            max_steps: 50_000_000,
            max_output: 64 << 20,
            max_stack: default_stack_budget(),
            max_nesting: default_max_nesting(),
        }
    }
}

/// [`Limits::max_nesting`]'s default where the host has not set one with
/// [`set_default_max_nesting`].
pub const DEFAULT_MAX_NESTING: usize = if cfg!(all(target_arch = "wasm32", debug_assertions)) {
    // Unoptimised wasm has much bigger frames.
    900
} else if cfg!(target_arch = "wasm32") {
    3300
} else {
    1_000_000
};

static MAX_NESTING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Change [`Limits::max_nesting`]'s default for every [`Limits::default`] made afterwards in
/// this program (0 restores [`DEFAULT_MAX_NESTING`]). For a host whose stack is smaller than
/// the one the default was measured on: Chromium gives a Web Worker about half the page's
/// stack, and the playground's render worker lowers the limit (see [`nesting_now`]) so that
/// runaway recursion there ends with this crate's "exceeded maximum nesting depth" error
/// instead of the browser's "Maximum call stack size exceeded".
pub fn set_default_max_nesting(units: usize) {
    MAX_NESTING.store(units, std::sync::atomic::Ordering::Relaxed);
}

#[cfg(target_arch = "wasm32")]
static NESTING_NOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// On wasm, the nesting (in [`Limits::max_nesting`]'s units) of the last list the evaluator
/// entered; 0 elsewhere. When the browser's "Maximum call stack size exceeded" aborts a render
/// (no Rust code runs then, the instance is left as it was), this says how deep it got: the
/// playground's render worker, whose stack is smaller than the page's, sets its limit below it
/// (with [`set_default_max_nesting`]) so that the same recursion ends with the named error.
pub fn nesting_now() -> usize {
    #[cfg(target_arch = "wasm32")]
    return NESTING_NOW.load(std::sync::atomic::Ordering::Relaxed);
    #[cfg(not(target_arch = "wasm32"))]
    0
}

/// Set [`nesting_now`] back to 0 (before a render whose depth is to be known).
pub fn reset_nesting_now() {
    #[cfg(target_arch = "wasm32")]
    NESTING_NOW.store(0, std::sync::atomic::Ordering::Relaxed);
}

/// The current default of [`Limits::max_nesting`].
pub fn default_max_nesting() -> usize {
    match MAX_NESTING.load(std::sync::atomic::Ordering::Relaxed) {
        0 => DEFAULT_MAX_NESTING,
        n => n,
    }
}

/// Default stack budget: fits in the 2 MiB threads of `cargo test` natively, and in the
/// 16 MiB stack this workspace gives wasm (`.cargo/config.toml`), where it allows well over
/// Helm's 1000 nested `include`s (about 3 KiB of stack each in a release build). Hosts that
/// run on a bigger native stack raise [`Limits::max_stack`] to match.
pub const DEFAULT_STACK_BUDGET: usize = if cfg!(target_arch = "wasm32") {
    14 << 20
} else {
    1536 << 10
};

static STACK_BUDGET: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(DEFAULT_STACK_BUDGET);

/// The stack budget [`Limits::default`] and the parser use. A host that runs the engine on a
/// thread with a bigger stack than [`DEFAULT_STACK_BUDGET`] assumes (the CLI gives it 1 GiB, as
/// Go gives a goroutine) sets it once, so Helm's own limits (1000 nested `include`s, Go's
/// 100000 nested `{{template}}` calls) are the ones a chart meets, not this one.
pub fn set_default_stack_budget(bytes: usize) {
    STACK_BUDGET.store(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// See [`set_default_stack_budget`].
pub fn default_stack_budget() -> usize {
    STACK_BUDGET.load(std::sync::atomic::Ordering::Relaxed)
}

/// How a host says the user can raise one of these limits (the CLI: `--limit NAME=N`); set once
/// by the host, appended to each limit error that is the engine's own (Go's template-depth
/// error keeps Go's exact text).
static RAISE_HINT: std::sync::OnceLock<fn(&str) -> String> = std::sync::OnceLock::new();

/// Set how limit errors tell the user to raise a limit (`name` is one of `steps`, `output`,
/// `stack`, `nesting`).
pub fn set_limit_hint(hint: fn(&str) -> String) {
    let _ = RAISE_HINT.set(hint);
}

/// The host's words for raising limit `name` (empty when the host set none).
pub fn limit_hint(name: &str) -> String {
    RAISE_HINT.get().map(|h| h(name)).unwrap_or_default()
}

/// A host function that needs the engine: `include`, `tpl`, anything with state.
pub type CtxFn = Rc<dyn Fn(&mut Ctx<'_, '_>, &[Value]) -> Result<Value, FuncError>>;

#[derive(Clone)]
pub(crate) enum FuncImpl {
    Builtin(Builtin),
    Pure(PureFn),
    Ctx(CtxFn),
}

#[derive(Clone)]
pub(crate) struct FuncEntry {
    sig: Signature,
    imp: FuncImpl,
}

/// A set of templates sharing one namespace and one function registry (Go's
/// `*template.Template` with its associated templates).
#[derive(Clone)]
pub struct Templates {
    name: String,
    trees: FastMap<String, Rc<Tree>>,
    funcs: FastMap<String, Rc<FuncEntry>>,
    missing_key: MissingKey,
    go: GoVersion,
    left_delim: String,
    right_delim: String,
    limits: Limits,
    /// The string literals of the installed trees, each value once
    /// ([`ParsedTree::attach_interned`]).
    interned: FastSet<Rc<str>>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new()
    }
}

impl Templates {
    /// An empty set with Go's builtin functions (`and`, `or`, `eq`, `index`, `printf`, ...).
    pub fn new() -> Templates {
        let mut t = Templates {
            name: String::new(),
            trees: FastMap::default(),
            funcs: FastMap::default(),
            missing_key: MissingKey::default(),
            go: GoVersion::default(),
            left_delim: "{{".into(),
            right_delim: "}}".into(),
            limits: Limits::default(),
            interned: Default::default(),
        };
        for (name, b, sig) in builtins::all() {
            t.funcs.insert(
                name.to_string(),
                Rc::new(FuncEntry {
                    sig,
                    imp: FuncImpl::Builtin(b),
                }),
            );
        }
        t
    }

    /// The set's own name, used in `no template "x" associated with template "NAME"`.
    pub fn set_name(&mut self, name: &str) {
        self.name = name.to_string();
    }

    /// Register a function that needs only its arguments. Replaces any function of that name
    /// (builtins included, as Go's `Funcs` does).
    pub fn register_pure(&mut self, name: &str, sig: Signature, f: PureFn) {
        self.funcs.insert(
            name.to_string(),
            Rc::new(FuncEntry {
                sig,
                imp: FuncImpl::Pure(f),
            }),
        );
    }

    /// Register a function that can reach the engine through [`Ctx`].
    pub fn register_ctx(&mut self, name: &str, sig: Signature, f: CtxFn) {
        self.funcs.insert(
            name.to_string(),
            Rc::new(FuncEntry {
                sig,
                imp: FuncImpl::Ctx(f),
            }),
        );
    }

    /// Whether a function of that name is registered (builtins included).
    pub fn has_func(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    /// Action delimiters for templates parsed from now on (empty = default).
    pub fn set_delims(&mut self, left: &str, right: &str) {
        self.left_delim = if left.is_empty() { "{{" } else { left }.into();
        self.right_delim = if right.is_empty() { "}}" } else { right }.into();
    }

    pub fn set_missing_key(&mut self, m: MissingKey) {
        self.missing_key = m;
    }

    pub fn missing_key(&self) -> MissingKey {
        self.missing_key
    }

    /// Follow an older Go release where `text/template` changed (see [`GoVersion`]).
    pub fn set_go_version(&mut self, go: GoVersion) {
        self.go = go;
    }

    pub fn go_version(&self) -> GoVersion {
        self.go
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            left_delim: self.left_delim.clone(),
            right_delim: self.right_delim.clone(),
            max_depth: self.limits.max_parse_depth,
            max_stack: self.limits.max_stack,
        }
    }

    /// Parse `text` as the template `name` and add it, and every `define`/`block` in it, to
    /// the set. As in Go, a later definition replaces an earlier one, except that an empty
    /// body (only whitespace and comments) never replaces a non-empty one. On error nothing
    /// is added.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), Error> {
        self.add_shared(name, std::rc::Rc::from(text))
    }

    /// [`Templates::add`] of a text held as `Rc<str>`: the parse trees share it.
    pub fn add_shared(&mut self, name: &str, text: std::rc::Rc<str>) -> Result<(), Error> {
        let funcs = &self.funcs;
        let is_func = |n: &str| funcs.contains_key(n);
        let trees = parser::parse_detached(name, &text, &is_func, &self.parse_options())?;
        self.add_parsed(
            text,
            Parsed {
                trees,
                defines_own_name: false,
            },
        );
        Ok(())
    }

    /// What parsing needs from this set (its function names, delimiters and limits), in a
    /// form other threads can use: [`ParseSetup::parse`] there, then [`Templates::add_parsed`]
    /// here, gives what [`Templates::add_shared`] gives. Functions registered later are not
    /// in it.
    pub fn parse_setup(&self) -> ParseSetup {
        ParseSetup {
            funcs: self.funcs.keys().cloned().collect(),
            opts: self.parse_options(),
        }
    }

    /// Whether `setup` parses as this set does (the same function names, delimiters and
    /// limits): trees it made can be installed here.
    pub fn parses_as(&self, setup: &ParseSetup) -> bool {
        let own = self.parse_options();
        setup.opts.left_delim == own.left_delim
            && setup.opts.right_delim == own.right_delim
            && setup.opts.max_depth == own.max_depth
            && setup.opts.max_stack == own.max_stack
            && setup.funcs.len() == self.funcs.len()
            && setup.funcs.iter().all(|f| self.funcs.contains_key(f))
    }

    /// Install the trees of `text` parsed by [`ParseSetup::parse`] (as [`Templates::add`]
    /// installs them).
    pub fn add_parsed(&mut self, text: std::rc::Rc<str>, parsed: Parsed) {
        for tree in parsed.trees {
            associate(
                &mut self.trees,
                tree.attach_interned(text.clone(), &mut self.interned),
            );
        }
    }

    /// [`Templates::add_shared`] of each `(name, text)` in order, stopping at the first
    /// error (returned with its index). `map` runs the parses: `None` one after the other;
    /// a host with threads passes a [`ParseMap`] that spreads them over several. Parsing does
    /// not depend on the templates already installed, so the result (trees and the first
    /// error in order) is the same either way.
    pub fn add_all(
        &mut self,
        texts: &[(&str, std::rc::Rc<str>)],
        map: Option<ParseMap>,
    ) -> Result<(), (usize, Error)> {
        let Some(map) = map else {
            for (i, (name, text)) in texts.iter().enumerate() {
                self.add_shared(name, text.clone()).map_err(|e| (i, e))?;
            }
            return Ok(());
        };
        let setup = self.parse_setup();
        let sources: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, &**t)).collect();
        let results = map(sources.len(), &|i| setup.parse(sources[i].0, sources[i].1));
        for (i, ((_, text), parsed)) in texts.iter().zip(results).enumerate() {
            self.add_parsed(text.clone(), parsed.map_err(|e| (i, e))?);
        }
        Ok(())
    }

    /// Parse without adding: check a template for syntax errors.
    pub fn check(&self, name: &str, text: &str) -> Result<(), Error> {
        let funcs = &self.funcs;
        let is_func = |n: &str| funcs.contains_key(n);
        parser::parse(name, text, &is_func, &self.parse_options()).map(|_| ())
    }

    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// The parse tree of a template.
    pub fn tree(&self, name: &str) -> Option<&Tree> {
        self.trees.get(name).map(|t| &**t)
    }

    /// Names of all templates, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.keys().map(|s| s.as_str()).collect();
        v.sort_unstable();
        v
    }

    /// Execute the template `name` with `data` as dot and `$`.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        self.execute_with(name, data, &mut ())
    }

    /// Execute with a host state object that context functions reach through
    /// [`Ctx::host`] (include counters, a random seed, a clock...).
    pub fn execute_with(
        &self,
        name: &str,
        data: &Value,
        host: &mut dyn Any,
    ) -> Result<String, Error> {
        self.execute_watched(name, data, host, None)
    }

    /// [`Templates::execute_with`] that tells `watch` what the execution looked at (see
    /// [`Watch`]).
    pub fn execute_watched(
        &self,
        name: &str,
        data: &Value,
        host: &mut dyn Any,
        watch: Option<&Watch>,
    ) -> Result<String, Error> {
        let Some(tree) = self.trees.get(name).cloned() else {
            return Err(self.no_template(name));
        };
        let mut st = State {
            set: self,
            overlays: Vec::new(),
            vars: Vec::new(),
            var_base: 0,
            out: String::new(),
            depth: 0,
            nesting: 0,
            steps: 0,
            stack_base: stack_addr(),
            host,
            last_nested: None,
            watch,
        };
        st.exec_tree(&tree, V::concrete(data.clone()))
    }

    fn no_template(&self, name: &str) -> Error {
        Error::raw(
            ErrorKind::NoTemplate,
            name,
            format!(
                "template: no template {} associated with template {}",
                quote(name),
                quote(&self.name)
            ),
        )
    }
}

/// Parses templates for a set, on any thread (see [`Templates::parse_setup`]).
#[derive(Clone, Debug)]
pub struct ParseSetup {
    funcs: FastSet<String>,
    opts: ParseOptions,
}

impl ParseSetup {
    /// Parse `text` as the template `name`: its trees, to install with
    /// [`Templates::add_parsed`], or the parse error [`Templates::add`] would give.
    pub fn parse(&self, name: &str, text: &str) -> Result<Parsed, Error> {
        let is_func = |n: &str| self.funcs.contains(n);
        parser::parse_detached_flagged(name, text, &is_func, &self.opts).map(
            |(trees, defines_own_name)| Parsed {
                trees,
                defines_own_name,
            },
        )
    }

    /// Parse `text` before the name it will have is known: [`Parsed::renamed`] gives the
    /// trees a parse under that name gives. Its error, if any, carries a placeholder name
    /// (parse again under the real name for the error to report).
    pub fn parse_unnamed(&self, text: &str) -> Result<Parsed, Error> {
        self.parse(UNNAMED, text)
    }
}

/// The name [`ParseSetup::parse_unnamed`] parses under.
const UNNAMED: &str = "\u{0}unnamed";

/// The trees of one template text, parsed but not yet in a set (they can cross threads).
#[derive(Debug)]
pub struct Parsed {
    trees: Vec<ParsedTree>,
    /// The text defines a template of the name it was parsed under (see
    /// [`Parsed::renamed`]).
    defines_own_name: bool,
}

impl Parsed {
    /// The trees of [`ParseSetup::parse_unnamed`] as a parse of the same text under `name`
    /// gives them, or `None` where those could differ: when the text defines a template of
    /// the placeholder name or of `name` (Go's tree set then joins or rejects the two; see
    /// `parse.(*Tree).add`). Nothing else in a parse depends on the name but error texts.
    pub fn renamed(mut self, name: &str) -> Option<Parsed> {
        if self.defines_own_name || self.trees.iter().any(|t| t.name == name) {
            return None;
        }
        for t in &mut self.trees {
            if t.name == UNNAMED {
                t.name = name.to_string();
            }
            t.parse_name = name.to_string();
        }
        Some(self)
    }
}

/// Runs a job for each index `0..n` and returns the results in index order (the jobs may run
/// on several threads): how [`Templates::add_all`] has a host run its parses.
pub type ParseMap =
    fn(usize, &(dyn Fn(usize) -> Result<Parsed, Error> + Sync)) -> Vec<Result<Parsed, Error>>;

// What crosses threads: parse results one way, the setup shared.
const _: () = {
    const fn send<T: Send>() {}
    const fn sync<T: Sync>() {}
    send::<Result<Parsed, Error>>();
    sync::<ParseSetup>();
};

/// Go's `associate`: install `tree` unless it is empty and a template of that name exists.
fn associate(map: &mut FastMap<String, Rc<Tree>>, tree: Tree) {
    if tree.is_empty() && map.contains_key(&tree.name) {
        return;
    }
    map.insert(tree.name.clone(), Rc::new(tree));
}

/// What a context function sees of the running engine.
pub struct Ctx<'a, 'e> {
    st: &'a mut State<'e>,
    name: &'a str,
}

impl<'a, 'e> Ctx<'a, 'e> {
    /// The name of the template being executed (Go's `t.Name()` at the call site).
    pub fn template_name(&self) -> &str {
        self.name
    }

    /// Whether a template of that name is visible (including definitions made by an
    /// enclosing [`Ctx::execute_string`]).
    pub fn has_template(&self, name: &str) -> bool {
        self.st.lookup(name).is_some()
    }

    /// The template of that name that [`Ctx::execute_template`] would run (a definition made
    /// by an enclosing [`Ctx::execute_string`] is another tree than the set's).
    pub fn template_tree(&self, name: &str) -> Option<Rc<crate::ast::Tree>> {
        self.st.lookup(name)
    }

    /// The watch the execution reports to ([`Templates::execute_watched`]).
    pub fn watch(&self) -> Option<&'e Watch> {
        self.st.watch
    }

    /// Execute a named template of the set with `data` and return its output (Helm's
    /// `include`). Its errors are returned as Go prints them; when the host function returns
    /// one as its `FuncError` (possibly wrapped in more text), the engine keeps the structured
    /// error reachable through [`Error::nested`].
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        let Some(tree) = self.st.lookup(name) else {
            let e = self.st.set.no_template(name);
            self.st.last_nested = Some(e.clone());
            return Err(e);
        };
        let r = self.st.exec_tree(&tree, V::concrete(data.clone()));
        if let Err(e) = &r {
            self.st.last_nested = Some(e.clone());
        }
        r
    }

    /// Parse `text` as a new template named after the current template, seeing every
    /// template of the set, and execute it with `data` (Helm's `tpl`). `define`s inside
    /// `text` are visible only during this execution.
    pub fn execute_string(&mut self, text: &str, data: &Value) -> Result<String, Error> {
        let name = self.name;
        self.execute_string_named(name, text, data)
    }

    /// [`Ctx::execute_string`] with an explicit template name (Helm v4's `tpl` names it
    /// `gotpl`; Helm v3's uses the current template's name).
    pub fn execute_string_named(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
    ) -> Result<String, Error> {
        let set = self.st.set;
        let is_func = |n: &str| set.funcs.contains_key(n);
        let trees = match parser::parse(name, text, &is_func, &set.parse_options()) {
            Ok(t) => t,
            Err(e) => {
                self.st.last_nested = Some(e.clone());
                return Err(e);
            }
        };
        let mut overlay: FastMap<String, Rc<Tree>> = FastMap::default();
        let mut top = None;
        for tree in trees {
            let tree = Rc::new(tree);
            if tree.name == name {
                top = Some(tree.clone());
            }
            let exists = overlay.contains_key(&tree.name) || self.st.lookup(&tree.name).is_some();
            if tree.is_empty() && exists {
                continue;
            }
            overlay.insert(tree.name.clone(), tree);
        }
        let Some(top) = top else {
            return Ok(String::new());
        };
        self.st.overlays.push(overlay);
        // Parsing and installing a template costs stack too: count it as more nesting.
        self.st.nesting += 4;
        let r = self.st.exec_tree(&top, V::concrete(data.clone()));
        self.st.nesting -= 4;
        self.st.overlays.pop();
        if let Err(e) = &r {
            self.st.last_nested = Some(e.clone());
        }
        r
    }

    /// The host state passed to [`Templates::execute_with`], downcast.
    pub fn host<T: Any>(&mut self) -> Option<&mut T> {
        self.st.host.downcast_mut::<T>()
    }

    /// The host state passed to [`Templates::execute_with`].
    pub fn host_any(&mut self) -> &mut dyn Any {
        &mut *self.st.host
    }

    /// The set's missing-key policy (Helm's `tpl` copies it).
    pub fn missing_key(&self) -> MissingKey {
        self.st.set.missing_key
    }
}

// ---- execution state ---------------------------------------------------------------------

/// A value with its static type: `iface` means Go sees it through `interface{}`.
#[derive(Clone, Debug)]
pub(crate) struct V {
    pub val: Value,
    pub iface: bool,
}

impl V {
    pub fn concrete(val: Value) -> V {
        V { val, iface: false }
    }

    /// The type a field error names: `interface {}` for a value held in an interface. Only
    /// error texts need it (working it out allocates and looks up named map types).
    fn type_for_error(&self) -> String {
        if self.iface {
            "interface {}".to_string()
        } else {
            self.val.type_name()
        }
    }
    pub fn iface(val: Value) -> V {
        V { val, iface: true }
    }
    pub fn invalid() -> V {
        V {
            val: Value::Nil,
            iface: false,
        }
    }
    pub fn is_invalid(&self) -> bool {
        self.val.is_nil() && !self.iface
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

/// The node execution is at, for error messages (Go's `state.node`).
#[derive(Clone, Copy)]
enum Cur<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Command),
    Expr(&'t Expr),
}

struct Frame<'t> {
    tree: &'t Tree,
    cur: Cur<'t>,
}

impl<'t> Frame<'t> {
    /// The names `n` of the frame's tree.
    fn names(&self, n: Names) -> &'t [Name] {
        let tree: &'t Tree = self.tree;
        n.of(&tree.names)
    }

    /// The expressions `r` of the frame's tree.
    fn exprs(&self, r: Run) -> &'t [Expr] {
        let tree: &'t Tree = self.tree;
        r.of(&tree.exprs)
    }

    /// The commands `r` of the frame's tree.
    fn cmds(&self, r: Run) -> &'t [Command] {
        let tree: &'t Tree = self.tree;
        r.of(&tree.cmds)
    }

    /// The parenthesized pipeline `i` of the frame's tree ([`ExprKind::Pipe`]; the parser
    /// made both).
    fn pipe(&self, i: u32) -> &'t Pipe {
        let tree: &'t Tree = self.tree;
        &tree.pipes[i as usize]
    }

    /// The chain `i` of the frame's tree ([`ExprKind::Chain`]).
    fn chain(&self, i: u32) -> &'t Chain {
        let tree: &'t Tree = self.tree;
        &tree.chains[i as usize]
    }

    /// The number `i` of the frame's tree ([`ExprKind::Number`]).
    fn number(&self, i: u32) -> &'t Number {
        let tree: &'t Tree = self.tree;
        &tree.numbers[i as usize]
    }
}

/// The text an action of one long string literal prints (`{{ `...` }}`, a dashboard's body):
/// its source, written as it is rather than made into a value first.
fn long_string_action<'t>(fr: &Frame<'t>, a: &'t Action) -> Option<&'t str> {
    let [cmd] = fr.cmds(a.pipe.cmds) else {
        return None;
    };
    match fr.exprs(cmd.args) {
        [e] if a.pipe.decl.is_empty() && matches!(e.kind, ExprKind::LongString) => {
            let text: &'t str = &fr.tree.text;
            Some(e.long_string(text))
        }
        _ => None,
    }
}

struct State<'e> {
    set: &'e Templates,
    overlays: Vec<FastMap<String, Rc<Tree>>>,
    /// The variable stack. A template call sees only the variables from `var_base` on (Go
    /// gives it a fresh scope holding `$`); keeping one stack spares every `include` a new
    /// vector, and `$`'s name is never allocated.
    vars: Vec<(Cow<'static, str>, V)>,
    var_base: usize,
    out: String,
    depth: usize,
    nesting: usize,
    steps: u64,
    stack_base: usize,
    host: &'e mut dyn Any,
    last_nested: Option<Error>,
    watch: Option<&'e Watch>,
}

#[inline(never)]
fn values(argv: Vec<V>) -> Vec<Value> {
    argv.into_iter().map(|v| v.val).collect()
}

#[inline(never)]
fn call_builtin(
    b: Builtin,
    argv: &[V],
    args: &[Expr],
    src: Src<'_>,
    go: GoVersion,
) -> Result<Value, FuncError> {
    let callee = if b == Builtin::Call {
        args.first()
            .map(|a| a.display(src).to_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    builtins::call(b, argv, &callee, go).map_err(FuncError)
}

#[inline(never)]
pub(crate) fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

type R<T> = Result<T, Error>;

impl<'e> State<'e> {
    fn lookup(&self, name: &str) -> Option<Rc<Tree>> {
        for o in self.overlays.iter().rev() {
            if let Some(t) = o.get(name) {
                return Some(t.clone());
            }
        }
        self.set.trees.get(name).cloned()
    }

    /// Run a tree in a fresh scope and output buffer (Go's `Execute` on a fresh state).
    #[inline(always)]
    fn exec_tree(&mut self, tree: &Rc<Tree>, dot: V) -> R<String> {
        let mut fr = Frame {
            tree,
            cur: Cur::None,
        };
        self.check_stack(&fr)?;
        // Room for the tree's text up front instead of a buffer grown by doubling, a copy
        // each time (a chart's dashboard template is one text of tens of KB); what a branch
        // not taken leaves unused is handed back below.
        let room = tree.text_bytes;
        let saved_out = std::mem::replace(&mut self.out, String::with_capacity(room));
        let saved_base = self.enter_scope(dot.clone());
        let saved_depth = std::mem::replace(&mut self.depth, 0);
        let saved_nesting = self.nesting;
        self.nesting += 2;
        let r = self.walk(&mut fr, &dot, &tree.root);
        self.nesting = saved_nesting;
        self.depth = saved_depth;
        self.leave_scope(saved_base);
        let mut out = std::mem::replace(&mut self.out, saved_out);
        if out.capacity() > 2 * out.len() + 256 {
            out.shrink_to_fit();
        }
        r.map(|_| out)
    }

    // ---- errors ------------------------------------------------------------------------

    #[cold]
    #[inline(never)]
    fn err(&self, fr: &Frame<'_>, msg: impl Into<String>) -> Error {
        self.err_kind(fr, ErrorKind::Exec, msg.into())
    }

    #[cold]
    #[inline(never)]
    fn err_kind(&self, fr: &Frame<'_>, kind: ErrorKind, msg: String) -> Error {
        let (pos, span, context) = match fr.cur {
            Cur::None => {
                return Error::raw(
                    kind,
                    &fr.tree.name,
                    format!("template: {}: {}", fr.tree.name, msg),
                )
            }
            Cur::Node(n) => (n.pos(), n.span(), n.display(fr.tree.src()).to_string()),
            Cur::Pipe(p) => (p.span.start(), p.span, p.display(fr.tree.src()).to_string()),
            Cur::Cmd(c) => (c.span.start(), c.span, c.display(fr.tree.src()).to_string()),
            Cur::Expr(e) => (
                e.pos(fr.tree.src()),
                e.span,
                e.display(fr.tree.src()).to_string(),
            ),
        };
        let text = &fr.tree.text;
        Error::exec(
            kind,
            &fr.tree.name,
            &fr.tree.parse_name,
            lexer::line_of(text, pos),
            lexer::col_of(text, pos),
            context,
            msg,
            Some(span),
        )
    }

    fn step(&mut self, fr: &Frame<'_>) -> R<()> {
        self.steps += 1;
        if self.steps > self.set.limits.max_steps {
            return Err(self.err_kind(
                fr,
                ErrorKind::Limit,
                format!(
                    "exceeded maximum number of evaluation steps ({}){}",
                    self.set.limits.max_steps,
                    limit_hint("steps")
                ),
            ));
        }
        Ok(())
    }

    fn check_stack(&self, fr: &Frame<'_>) -> R<()> {
        let used = self.stack_base.abs_diff(stack_addr());
        if used > self.set.limits.max_stack {
            return Err(self.err_kind(
                fr,
                ErrorKind::Limit,
                format!(
                    "exceeded maximum nesting: stack budget of {} bytes used up{}",
                    self.set.limits.max_stack,
                    limit_hint("stack")
                ),
            ));
        }
        Ok(())
    }

    fn write(&mut self, fr: &Frame<'_>, s: &str) -> R<()> {
        if self.out.len() + s.len() > self.set.limits.max_output {
            return Err(self.err_kind(
                fr,
                ErrorKind::Limit,
                format!(
                    "exceeded maximum output size ({} bytes){}",
                    self.set.limits.max_output,
                    limit_hint("output")
                ),
            ));
        }
        self.out.push_str(s);
        Ok(())
    }

    // ---- variables ---------------------------------------------------------------------

    /// A fresh variable scope holding only `$` (a template's execution); returns what
    /// [`Self::leave_scope`] needs to restore the caller's.
    fn enter_scope(&mut self, dollar: V) -> usize {
        let saved = std::mem::replace(&mut self.var_base, self.vars.len());
        self.vars.push((Cow::Borrowed("$"), dollar));
        saved
    }

    fn leave_scope(&mut self, saved_base: usize) {
        self.vars.truncate(self.var_base);
        self.var_base = saved_base;
    }

    fn var_value(&self, fr: &Frame<'_>, name: &str) -> R<V> {
        for (n, v) in self.vars[self.var_base..].iter().rev() {
            if n == name {
                return Ok(v.clone());
            }
        }
        Err(self.err(fr, format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, fr: &Frame<'_>, name: &str, value: V) -> R<()> {
        let base = self.var_base;
        for (n, v) in self.vars[base..].iter_mut().rev() {
            if n == name {
                *v = value;
                return Ok(());
            }
        }
        Err(self.err(fr, format!("undefined variable: {name}")))
    }

    // ---- walking -----------------------------------------------------------------------

    /// Walk a list. Every recursion of the evaluator passes here, so this is where nesting is
    /// counted: one unit per list, two more per nested execution (`include`, `tpl`).
    fn walk<'t>(&mut self, fr: &mut Frame<'t>, dot: &V, list: &'t List) -> R<Flow> {
        self.nesting += 1;
        #[cfg(target_arch = "wasm32")]
        NESTING_NOW.store(self.nesting, std::sync::atomic::Ordering::Relaxed);
        if self.nesting > self.set.limits.max_nesting {
            self.nesting -= 1;
            return Err(self.nesting_error(fr));
        }
        let r = self.walk_list(fr, dot, list);
        self.nesting -= 1;
        r
    }

    #[cold]
    #[inline(never)]
    fn nesting_error(&self, fr: &Frame<'_>) -> Error {
        self.err_kind(
            fr,
            ErrorKind::Limit,
            format!(
                "exceeded maximum nesting depth ({}){}",
                self.set.limits.max_nesting,
                limit_hint("nesting")
            ),
        )
    }

    #[inline(always)]
    fn walk_list<'t>(&mut self, fr: &mut Frame<'t>, dot: &V, list: &'t List) -> R<Flow> {
        for node in &list.nodes {
            fr.cur = Cur::Node(node);
            self.step(fr)?;
            match node {
                Node::Text { span } => {
                    let text = fr.tree.text.get(span.range()).unwrap_or_default();
                    self.write(fr, text)?
                }
                Node::Action(a) => {
                    if let Some(text) = long_string_action(fr, a) {
                        // What the pipeline below does for it (one step, then the print),
                        // without making the value.
                        fr.cur = Cur::Pipe(&a.pipe);
                        self.step(fr)?;
                        fr.cur = Cur::Node(node);
                        self.write(fr, text)?;
                        continue;
                    }
                    let v = self.eval_pipeline(fr, dot, &a.pipe)?;
                    if a.pipe.decl.is_empty() {
                        fr.cur = Cur::Node(node);
                        self.print_value(fr, &v)?;
                    }
                }
                Node::If(b) | Node::With(b) => {
                    let f = self.walk_if_or_with(fr, dot, b, matches!(node, Node::With(_)))?;
                    if f != Flow::Normal {
                        return Ok(f);
                    }
                }
                Node::Range(b) => self.walk_range(fr, dot, node, b)?,
                Node::Template(t) => self.walk_template(fr, dot, node, t)?,
                Node::Break { .. } => return Ok(Flow::Break),
                Node::Continue { .. } => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn print_value(&mut self, fr: &Frame<'_>, v: &V) -> R<()> {
        if let Some(w) = self.watch {
            w.used(&v.val);
        }
        if v.val.is_nil() {
            return self.write(fr, "<no value>");
        }
        // A string prints as itself (`%v`): written straight into the output, not copied first
        // (a chart's `{{ $doc | toYaml }}` prints hundreds of kilobytes at once).
        if let Value::String(s) = &v.val {
            return self.write(fr, s);
        }
        let s = format::format_value(&v.val);
        self.write(fr, &s)
    }

    fn walk_if_or_with<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        b: &'t Branch,
        with: bool,
    ) -> R<Flow> {
        self.check_stack(fr)?;
        let mark = self.vars.len();
        let val = self.eval_pipeline(fr, dot, &b.pipe)?;
        self.nesting += 1;
        let flow = if val.val.is_true() {
            self.walk(fr, if with { &val } else { dot }, &b.list)?
        } else if let Some(e) = &b.else_list {
            self.walk(fr, dot, e)?
        } else {
            Flow::Normal
        };
        // On error the whole execution stops and `exec_tree` restores these.
        self.nesting -= 1;
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn walk_range<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        node: &'t Node,
        b: &'t Branch,
    ) -> R<()> {
        fr.cur = Cur::Node(node);
        self.check_stack(fr)?;
        let mark = self.vars.len();
        self.nesting += 2;
        self.walk_range_inner(fr, dot, b)?;
        self.nesting -= 2;
        self.vars.truncate(mark);
        Ok(())
    }

    fn walk_range_inner<'t>(&mut self, fr: &mut Frame<'t>, dot: &V, b: &'t Branch) -> R<()> {
        let mut val = self.eval_pipeline(fr, dot, &b.pipe)?;
        if let Some(w) = self.watch {
            w.used(&val.val);
        }
        // Host types that are Go slices or maps (Helm's `.Capabilities.APIVersions`, `.Files`)
        // range like their data.
        if let Value::Object(o) = &val.val {
            if matches!(o.kind_name(), "slice" | "map") {
                val = V::concrete(o.to_data());
            }
        }
        let inner = self.vars.len();
        let ndecl = b.pipe.decl.len();
        // Each iteration: set the declared variables, walk, pop body variables.
        macro_rules! iterate {
            ($index:expr, $elem:expr) => {{
                // Every iteration is a step, even with an empty body: nested ranges over
                // long lists must meet the step budget, not spin for hours.
                self.step(fr)?;
                let elem: V = $elem;
                if ndecl > 0 {
                    let n = self.vars.len();
                    self.vars[n - 1].1 = elem.clone();
                }
                if ndecl > 1 {
                    let n = self.vars.len();
                    self.vars[n - 2].1 = $index;
                }
                let f = self.walk(fr, &elem, &b.list)?;
                self.vars.truncate(inner);
                if f == Flow::Break {
                    break;
                }
            }};
        }
        match &val.val {
            Value::List(items) if !items.is_empty() => {
                let items = items.clone();
                for (i, item) in items.iter().enumerate() {
                    iterate!(V::concrete(Value::Int(i as i64)), V::iface(item.clone()));
                }
                return Ok(());
            }
            Value::Bytes(bytes) if !bytes.is_empty() => {
                let bytes = bytes.clone();
                for (i, by) in bytes.iter().enumerate() {
                    iterate!(
                        V::concrete(Value::Int(i as i64)),
                        V::concrete(Value::Int(*by as i64))
                    );
                }
                return Ok(());
            }
            Value::Map(m) if !m.borrow().is_empty() => {
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in entries {
                    iterate!(V::concrete(Value::string(k.as_str())), V::iface(v));
                }
                return Ok(());
            }
            Value::Int(n) | Value::Int64(n) if self.set.go >= GoVersion::Go1_24 => {
                if ndecl > 1 {
                    return Err(self.err(
                        fr,
                        format!(
                            "can't use {} to iterate over more than one variable",
                            format::format_value(&val.val)
                        ),
                    ));
                }
                let is64 = matches!(val.val, Value::Int64(_));
                if *n > 0 {
                    for i in 0..*n {
                        let e = if is64 { Value::Int64(i) } else { Value::Int(i) };
                        iterate!(V::invalid(), V::concrete(e));
                    }
                    return Ok(());
                }
            }
            Value::List(_) | Value::Bytes(_) | Value::Map(_) | Value::Nil => {}
            other => {
                return Err(self.err(
                    fr,
                    format!("range can't iterate over {}", format::format_value(other)),
                ))
            }
        }
        if let Some(e) = &b.else_list {
            self.walk(fr, dot, e)?;
        }
        Ok(())
    }

    fn walk_template<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        node: &'t Node,
        t: &'t TemplateCall,
    ) -> R<()> {
        fr.cur = Cur::Node(node);
        let Some(tree) = self.lookup(&t.name) else {
            return Err(self.err(fr, format!("template {} not defined", quote(&t.name))));
        };
        if self.depth >= self.set.limits.max_template_depth {
            return Err(self.err_kind(
                fr,
                ErrorKind::Limit,
                format!(
                    "exceeded maximum template depth ({})",
                    self.set.limits.max_template_depth
                ),
            ));
        }
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(fr, dot, p)?,
            None => V::invalid(),
        };
        fr.cur = Cur::Node(node);
        self.check_stack(fr)?;
        let saved_base = self.enter_scope(new_dot.clone());
        self.depth += 1;
        self.nesting += 1;
        let mut nfr = Frame {
            tree: &tree,
            cur: Cur::None,
        };
        let r = self.walk(&mut nfr, &new_dot, &tree.root);
        self.nesting -= 1;
        self.depth -= 1;
        self.leave_scope(saved_base);
        r.map(|_| ())
    }

    // ---- evaluation --------------------------------------------------------------------

    fn eval_pipeline<'t>(&mut self, fr: &mut Frame<'t>, dot: &V, pipe: &'t Pipe) -> R<V> {
        fr.cur = Cur::Pipe(pipe);
        let mut value: Option<V> = None;
        for cmd in fr.cmds(pipe.cmds) {
            let v = self.eval_command(fr, dot, cmd, value.take())?;
            // An interface{} result is unwrapped to the value inside.
            value = Some(V::concrete(v.val));
        }
        let value = value.unwrap_or_else(V::invalid);
        for var in fr.exprs(pipe.decl) {
            let name = match &var.kind {
                ExprKind::Variable(ids) => match fr.names(*ids).first() {
                    Some(n) => n.get(&fr.tree.text),
                    None => continue,
                },
                _ => continue,
            };
            if pipe.is_assign {
                self.set_var(fr, name, value.clone())?;
            } else {
                self.vars
                    .push((Cow::Owned(name.to_string()), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, fr: &Frame<'_>, args: &[Expr], fin: &Option<V>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(self.err(
                fr,
                format!(
                    "can't give argument to non-function {}",
                    args[0].display(fr.tree.src())
                ),
            ));
        }
        Ok(())
    }

    #[inline(always)]
    fn eval_command<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        cmd: &'t Command,
        fin: Option<V>,
    ) -> R<V> {
        self.step(fr)?;
        let args = fr.exprs(cmd.args);
        let Some(first) = args.first() else {
            return Ok(V::invalid());
        };
        match &first.kind {
            ExprKind::Field(ids) => {
                fr.cur = Cur::Expr(first);
                let ids = fr.names(*ids);
                return self.eval_field_chain(fr, dot, dot.clone(), first, ids, args, fin);
            }
            ExprKind::Chain(i) => {
                let chain = fr.chain(*i);
                let fields = fr.names(chain.fields);
                return self.eval_chain_node(fr, dot, first, &chain.operand, fields, args, fin);
            }
            ExprKind::Identifier(name) => {
                let src: &'t str = &fr.tree.text;
                return self.eval_function(fr, dot, first, Cur::Cmd(cmd), name.get(src), args, fin);
            }
            ExprKind::Pipe(p) => {
                self.not_a_function(fr, args, &fin)?;
                let p = fr.pipe(*p);
                return self.eval_pipeline(fr, dot, p);
            }
            ExprKind::Variable(ids) => {
                let ids = fr.names(*ids);
                return self.eval_variable_node(fr, dot, first, ids, args, fin);
            }
            _ => {}
        }
        fr.cur = Cur::Expr(first);
        self.not_a_function(fr, args, &fin)?;
        match &first.kind {
            ExprKind::Bool(b) => Ok(V::concrete(Value::Bool(*b))),
            ExprKind::Dot => Ok(dot.clone()),
            ExprKind::Nil => Err(self.err(fr, "nil is not a command")),
            ExprKind::Number(n) => {
                let n = fr.number(*n);
                self.ideal_constant(fr, first, n)
            }
            ExprKind::String { lit } => Ok(V::concrete(Value::String(
                fr.tree.literals[*lit as usize].clone(),
            ))),
            ExprKind::LongString => {
                Ok(V::concrete(Value::string(first.long_string(&fr.tree.text))))
            }
            _ => Err(self.err(
                fr,
                format!(
                    "can't evaluate command {}",
                    quote(&first.display(fr.tree.src()).to_string())
                ),
            )),
        }
    }

    fn ideal_constant<'t>(&self, fr: &mut Frame<'t>, e: &'t Expr, n: &Number) -> R<V> {
        fr.cur = Cur::Expr(e);
        let src: &'t str = &fr.tree.text;
        let t = src.get(e.span.range()).unwrap_or_default();
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && (t.as_bytes()[1] == b'x' || t.as_bytes()[1] == b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if n.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(V::concrete(Value::Float(n.float)));
        }
        if n.is_int {
            return Ok(V::concrete(Value::Int(n.int)));
        }
        if n.is_uint {
            return Err(self.err(fr, format!("{t} overflows int")));
        }
        Ok(V::invalid())
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_chain_node<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        chain: &'t Expr,
        node: &'t Expr,
        fields: &'t [Name],
        args: &'t [Expr],
        fin: Option<V>,
    ) -> R<V> {
        fr.cur = Cur::Expr(chain);
        let recv = self.eval_arg(fr, dot, None, node)?;
        self.eval_field_chain(fr, dot, recv, chain, fields, args, fin)
    }

    fn eval_variable_node<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        var: &'t Expr,
        ids: &'t [Name],
        args: &'t [Expr],
        fin: Option<V>,
    ) -> R<V> {
        fr.cur = Cur::Expr(var);
        let value = self.var_value(fr, ids[0].get(&fr.tree.text))?;
        if ids.len() == 1 {
            self.not_a_function(fr, args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(fr, dot, value, var, &ids[1..], args, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        receiver: V,
        node: &'t Expr,
        ids: &'t [Name],
        args: &'t [Expr],
        fin: Option<V>,
    ) -> R<V> {
        let n = ids.len();
        let src: &'t str = &fr.tree.text;
        let mut recv = receiver;
        for id in &ids[..n.saturating_sub(1)] {
            recv = self.eval_field(fr, dot, id.get(src), node, &[], None, recv)?;
        }
        match ids.last() {
            Some(last) => self.eval_field(fr, dot, last.get(src), node, args, fin, recv),
            None => Ok(recv),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        name: &str,
        node: &'t Expr,
        args: &'t [Expr],
        fin: Option<V>,
        recv: V,
    ) -> R<V> {
        if let Some(w) = self.watch {
            w.field(name);
        }
        if recv.is_invalid() {
            if self.set.missing_key == MissingKey::Error {
                return Err(self.err(fr, format!("nil data; no entry for key {}", quote(name))));
            }
            return Ok(V::invalid());
        }
        if recv.val.is_nil() {
            let typ = recv.type_for_error();
            return Err(self.err(fr, format!("nil pointer evaluating {typ}.{name}")));
        }
        if let Value::Object(o) = &recv.val {
            if o.has_method(name) {
                let o = o.clone();
                let mut argv = Vec::new();
                for a in args.iter().skip(1) {
                    argv.push(self.eval_arg(fr, dot, Some(Param::Any), a)?.val);
                }
                if let Some(f) = fin {
                    argv.push(f.val);
                }
                if let Some(w) = self.watch {
                    argv.iter().for_each(|a| w.used(a));
                }
                fr.cur = Cur::Expr(node);
                return match o.call_method(name, &argv) {
                    Ok(v) => Ok(V::concrete(v)),
                    Err(e) => Err(self.err(fr, format!("error calling {name}: {e}"))),
                };
            }
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &recv.val {
            Value::Map(m) => {
                if has_args {
                    return Err(self.err(fr, format!("{name} is not a method but has arguments")));
                }
                let got = m.borrow().get(name).cloned();
                match got {
                    Some(v) => Ok(V::iface(v)),
                    None => match self.set.missing_key {
                        MissingKey::Invalid => Ok(V::invalid()),
                        MissingKey::Zero => Ok(V::iface(Value::Nil)),
                        MissingKey::Error => {
                            Err(self.err(fr, format!("map has no entry for key {}", quote(name))))
                        }
                    },
                }
            }
            Value::Object(o) => match o.field(name) {
                Some(v) => {
                    if has_args {
                        return Err(self.err(
                            fr,
                            format!("{name} has arguments but cannot be invoked as function"),
                        ));
                    }
                    Ok(V::concrete(v))
                }
                None => {
                    let typ = recv.type_for_error();
                    Err(self.err(fr, format!("can't evaluate field {name} in type {typ}")))
                }
            },
            _ => {
                let typ = recv.type_for_error();
                Err(self.err(fr, format!("can't evaluate field {name} in type {typ}")))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn eval_function<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        ident: &'t Expr,
        call_node: Cur<'t>,
        name: &'t str,
        args: &'t [Expr],
        fin: Option<V>,
    ) -> R<V> {
        fr.cur = Cur::Expr(ident);
        let Some(entry) = self.set.funcs.get(name).cloned() else {
            return Err(self.err(fr, format!("{} is not a defined function", quote(name))));
        };
        self.eval_call(fr, dot, &entry, call_node, name, args, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_call<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        entry: &FuncEntry,
        call_node: Cur<'t>,
        name: &'t str,
        args: &'t [Expr],
        fin: Option<V>,
    ) -> R<V> {
        let args = if args.is_empty() { args } else { &args[1..] };
        let sig = &entry.sig;
        let num_in = args.len() + usize::from(fin.is_some());
        let num_fixed = if sig.variadic.is_some() {
            sig.params.len()
        } else {
            args.len()
        };
        if (sig.variadic.is_some() && num_in < num_fixed)
            || (sig.variadic.is_none() && num_in != sig.params.len())
        {
            return Err(self.arity_error(fr, sig, name, args.len(), num_in));
        }
        let argv = match &entry.imp {
            // and/or short-circuit and return the deciding value.
            FuncImpl::Builtin(b @ (Builtin::And | Builtin::Or)) => {
                return self.eval_and_or(fr, dot, *b == Builtin::Or, args, fin)
            }
            _ => self.eval_call_args(fr, dot, sig, args, fin, num_in, num_fixed)?,
        };
        let wrap = self.watch.filter(|w| {
            argv.iter().any(|a| w.is_watched(&a.val))
                && match w.role(name) {
                    Role::Pass => false,
                    Role::Wrap => true,
                    Role::Read => {
                        w.see();
                        false
                    }
                }
        });
        self.last_nested = None;
        let result = match &entry.imp {
            FuncImpl::Builtin(b) => call_builtin(*b, &argv, args, fr.tree.src(), self.set.go),
            FuncImpl::Pure(f) => f(&values(argv)),
            FuncImpl::Ctx(f) => {
                let f = f.clone();
                let vals = values(argv);
                fr.cur = call_node;
                self.check_stack(fr)?;
                let tname: &str = &fr.tree.name;
                let mut ctx = Ctx {
                    st: self,
                    name: tname,
                };
                f(&mut ctx, &vals)
            }
        };
        match result {
            Ok(v) => {
                if let Some(w) = wrap {
                    w.wrapped(&v);
                }
                Ok(V::concrete(v))
            }
            Err(e) => Err(self.call_error(fr, call_node, name, e)),
        }
    }

    #[cold]
    #[inline(never)]
    fn arity_error(
        &self,
        fr: &Frame<'_>,
        sig: &Signature,
        name: &str,
        nargs: usize,
        num_in: usize,
    ) -> Error {
        if sig.variadic.is_some() {
            self.err(
                fr,
                format!(
                    "wrong number of args for {name}: want at least {} got {nargs}",
                    sig.params.len()
                ),
            )
        } else {
            self.err(
                fr,
                format!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    sig.params.len()
                ),
            )
        }
    }

    #[cold]
    #[inline(never)]
    fn call_error<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        call_node: Cur<'t>,
        name: &str,
        e: FuncError,
    ) -> Error {
        fr.cur = call_node;
        let msg = e.0;
        let nested = self
            .last_nested
            .take()
            .filter(|n| msg.contains(&n.to_string()));
        self.err(fr, format!("error calling {name}: {msg}"))
            .with_nested(nested)
    }

    #[inline(never)]
    fn eval_and_or<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        want: bool,
        args: &'t [Expr],
        fin: Option<V>,
    ) -> R<V> {
        let mut v = V::invalid();
        for a in args {
            v = self.eval_arg(fr, dot, Some(Param::Any), a)?;
            if v.val.is_true() == want {
                return Ok(v);
            }
        }
        if let Some(f) = fin {
            v = f;
        }
        Ok(v)
    }

    /// The arguments of a call, converted to the parameter types (kept out of `eval_call`'s
    /// frame, which stays on the stack during nested template executions).
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn eval_call_args<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &V,
        sig: &Signature,
        args: &'t [Expr],
        fin: Option<V>,
        num_in: usize,
        num_fixed: usize,
    ) -> R<Vec<V>> {
        let mut argv: Vec<V> = Vec::with_capacity(num_in + 1);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let p = sig.params.get(i).copied().unwrap_or(Param::Any);
            argv.push(self.eval_arg(fr, dot, Some(p), &args[i])?);
            i += 1;
        }
        if let Some(vp) = sig.variadic {
            while i < args.len() {
                argv.push(self.eval_arg(fr, dot, Some(vp), &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = fin {
            let t = match sig.variadic {
                Some(vp) => {
                    if num_in - 1 < num_fixed {
                        sig.params[num_in - 1]
                    } else {
                        vp
                    }
                }
                None => sig.params.last().copied().unwrap_or(Param::Any),
            };
            argv.push(self.validate(fr, f, t)?);
        }
        Ok(argv)
    }

    fn can_be_nil(p: Param) -> bool {
        matches!(
            p,
            Param::Any | Param::List | Param::Map | Param::Strings | Param::Bytes
        )
    }

    /// Go's `validateType`; `None` is Go's nil type (chain receivers).
    fn validate(&self, fr: &Frame<'_>, v: V, p: Param) -> R<V> {
        if v.is_invalid() {
            if Self::can_be_nil(p) {
                return Ok(V::invalid());
            }
            return Err(self.err(fr, format!("invalid value; expected {}", p.go_name())));
        }
        let ok = match (p, &v.val) {
            (Param::Any, _) => return Ok(v),
            (Param::Int, Value::Int(_))
            | (Param::Int64, Value::Int64(_))
            | (Param::Float64, Value::Float(_))
            | (Param::String, Value::String(_))
            | (Param::Bool, Value::Bool(_))
            | (Param::List, Value::List(_))
            | (Param::Map, Value::Map(_))
            | (Param::Bytes, Value::Bytes(_)) => true,
            (Param::Strings, Value::List(l)) => l.iter().all(|x| matches!(x, Value::String(_))),
            _ => false,
        };
        if ok {
            return Ok(V::concrete(v.val));
        }
        let got = if v.val.is_nil() {
            "interface {}".to_string()
        } else {
            v.val.type_name()
        };
        Err(self.err(
            fr,
            format!(
                "wrong type for value; expected {}; got {}",
                p.go_name(),
                got
            ),
        ))
    }

    /// Go's `evalArg`. `p` is the parameter type (`None`: Go's nil type, for chains).
    fn eval_arg<'t>(&mut self, fr: &mut Frame<'t>, dot: &V, p: Option<Param>, n: &'t Expr) -> R<V> {
        fr.cur = Cur::Expr(n);
        let v = match &n.kind {
            ExprKind::Dot => Some(dot.clone()),
            ExprKind::Nil => {
                let p = p.unwrap_or(Param::Any);
                if Self::can_be_nil(p) {
                    return Ok(V::invalid());
                }
                return Err(self.err(fr, format!("cannot assign nil to {}", p.go_name())));
            }
            ExprKind::Field(ids) => {
                let ids = fr.names(*ids);
                Some(self.eval_field_chain(
                    fr,
                    dot,
                    dot.clone(),
                    n,
                    ids,
                    std::slice::from_ref(n),
                    None,
                )?)
            }
            ExprKind::Variable(ids) => {
                let ids = fr.names(*ids);
                Some(self.eval_variable_node(fr, dot, n, ids, &[], None)?)
            }
            ExprKind::Pipe(pipe) => {
                let pipe = fr.pipe(*pipe);
                Some(self.eval_pipeline(fr, dot, pipe)?)
            }
            ExprKind::Identifier(name) => {
                let src: &'t str = &fr.tree.text;
                Some(self.eval_function(fr, dot, n, Cur::Expr(n), name.get(src), &[], None)?)
            }
            ExprKind::Chain(i) => {
                let chain = fr.chain(*i);
                let fields = fr.names(chain.fields);
                Some(self.eval_chain_node(fr, dot, n, &chain.operand, fields, &[], None)?)
            }
            _ => None,
        };
        if let Some(v) = v {
            return match p {
                None => Ok(v),
                Some(p) => self.validate(fr, v, p),
            };
        }
        fr.cur = Cur::Expr(n);
        let p = p.unwrap_or(Param::Any);
        match (p, &n.kind) {
            (Param::Bool, ExprKind::Bool(b)) => Ok(V::concrete(Value::Bool(*b))),
            (Param::Bool, _) => Err(self.err(
                fr,
                format!("expected bool; found {}", n.display(fr.tree.src())),
            )),
            (Param::Float64, ExprKind::Number(i)) if fr.number(*i).is_float => {
                Ok(V::concrete(Value::Float(fr.number(*i).float)))
            }
            (Param::Float64, _) => Err(self.err(
                fr,
                format!("expected float; found {}", n.display(fr.tree.src())),
            )),
            (Param::Int, ExprKind::Number(i)) if fr.number(*i).is_int => {
                Ok(V::concrete(Value::Int(fr.number(*i).int)))
            }
            (Param::Int64, ExprKind::Number(i)) if fr.number(*i).is_int => {
                Ok(V::concrete(Value::Int64(fr.number(*i).int)))
            }
            (Param::Int | Param::Int64, _) => Err(self.err(
                fr,
                format!("expected integer; found {}", n.display(fr.tree.src())),
            )),
            (Param::String | Param::Any, ExprKind::String { lit }) => Ok(V::concrete(
                Value::String(fr.tree.literals[*lit as usize].clone()),
            )),
            (Param::String | Param::Any, ExprKind::LongString) => {
                Ok(V::concrete(Value::string(n.long_string(&fr.tree.text))))
            }
            (Param::String, _) => Err(self.err(
                fr,
                format!("expected string; found {}", n.display(fr.tree.src())),
            )),
            (Param::Any, ExprKind::Bool(b)) => Ok(V::concrete(Value::Bool(*b))),
            (Param::Any, ExprKind::Number(i)) => {
                let num = fr.number(*i);
                self.ideal_constant(fr, n, num)
            }
            _ => Err(self.err(
                fr,
                format!(
                    "can't handle {} for arg of type {}",
                    n.display(fr.tree.src()),
                    p.go_name()
                ),
            )),
        }
    }
}
