//! `include`'s outputs kept for the rest of a render: a chart's helpers (`fullname`, `labels`,
//! `selectorLabels`...) are included hundreds of times with the same data (kube-prometheus-
//! stack: about 500 calls, 63 different template and data pairs), and each such execution
//! gives the same text as long as nothing it could read has changed.
//!
//! Helm executes every `include` (pkg/engine/engine.go `includeFun`); an output is reused
//! here only when executing again could not give another text:
//! - the same tree (a `define` made inside `tpl` is another tree than the set's) with the
//!   same map or list as data (kept alive by the entry, so its address is not another's);
//! - no map changed on this thread since (`set`, `unset`, `merge*`: see
//!   [`super::reuse::change_count`]), and the execution itself changed none;
//! - the execution did not move the random stream (`randAlphaNum`, `uuidv4`, `genCA`...);
//! - it did not look at `.Template` (the one key Helm changes in a chart's data map between
//!   templates: see [`gotemplate::Watch`], which also counts printing the data map, ranging
//!   over it or handing it to a function other than `include`/`tpl`);
//! - it succeeded (errors are made again, with their positions) and asked nothing of the
//!   playground's second module while that was missing.
//!
//! `now` is the request's fixed time; `lookup`, `getHostByName` and `.Files` are constant
//! during a render. A reused output skips the execution's steps, which then do not count
//! toward the render's step limit (the output still counts where it is printed).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gotemplate::ast::Tree;
use gotemplate::{Value, Watch};

use crate::funcs::env::StreamState;
use crate::funcs::FuncEnv;

/// At most so many outputs are kept (data made afresh at each call, a `dict` say, never
/// comes again: such entries only hold memory).
const MAX_ENTRIES: usize = 2048;

pub(crate) struct IncludeMemo {
    env: Rc<RefCell<FuncEnv>>,
    entries: HashMap<(usize, usize), Entry>,
}

struct Entry {
    output: Rc<str>,
    /// [`super::reuse::change_count`] when it was made.
    changes: u64,
    /// Keep the tree and the data where they are: another at the same address would be
    /// taken for them.
    _tree: Rc<Tree>,
    _data: Value,
}

/// What an execution started with, to tell whether it may be kept.
pub(crate) struct Before {
    key: (usize, usize),
    tree: Rc<Tree>,
    data: Value,
    changes: u64,
    stream: StreamState,
    seen: bool,
}

impl IncludeMemo {
    pub(crate) fn new(env: Rc<RefCell<FuncEnv>>) -> IncludeMemo {
        IncludeMemo {
            env,
            entries: HashMap::new(),
        }
    }

    /// The watch that tells whether an execution looked at `.Template`: the charts' data
    /// maps (`maps`) are watched.
    pub(crate) fn watch<'m>(maps: impl Iterator<Item = &'m gotemplate::MapRef>) -> Watch {
        let w = Watch::new(&["Template"], &super::reuse::PASSES, &super::reuse::WRAPS);
        for m in maps {
            w.watch_map(m);
        }
        w
    }

    fn key(tree: &Rc<Tree>, data: &Value) -> Option<(usize, usize)> {
        Some((Rc::as_ptr(tree) as usize, data.container_address()?))
    }

    /// The kept output of `tree` with `data`, if it is still what an execution would give.
    pub(crate) fn get(&self, tree: &Rc<Tree>, data: &Value) -> Option<Rc<str>> {
        let e = self.entries.get(&Self::key(tree, data)?)?;
        (e.changes == super::reuse::change_count()).then(|| e.output.clone())
    }

    /// Before executing `tree` with `data`: what [`IncludeMemo::after`] needs (nothing when
    /// such an output cannot be kept). The watch starts afresh for this execution.
    pub(crate) fn before(&self, tree: Rc<Tree>, data: &Value, watch: &Watch) -> Option<Before> {
        let key = Self::key(&tree, data)?;
        let seen = watch.seen();
        watch.reset();
        Some(Before {
            key,
            tree,
            data: data.clone(),
            changes: super::reuse::change_count(),
            stream: self.env.borrow().stream_state(),
            seen,
        })
    }

    /// After the execution that `before` started: keeps its output when it may be reused,
    /// and gives the watch back what the enclosing execution had seen, with this one's.
    pub(crate) fn after(&mut self, before: Before, output: Option<&Rc<str>>, watch: &Watch) {
        let seen = watch.seen();
        watch.set_seen(before.seen || seen);
        // A call the playground's second module would serve while it is missing fails the
        // execution; the flag is checked too, as the upgrade reuse does.
        let unchanged = super::reuse::change_count() == before.changes
            && self.env.borrow().stream_state() == before.stream
            && !crate::funcs::crypto_wire::wanted();
        if let Some(output) = output.filter(|_| !seen && unchanged) {
            if self.entries.len() < MAX_ENTRIES {
                self.entries.insert(
                    before.key,
                    Entry {
                        output: output.clone(),
                        changes: before.changes,
                        _tree: before.tree,
                        _data: before.data,
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::plan::HelmVersion;
    use crate::render::{render_chart, TemplateRequest};

    /// Helpers included again after what would change their output: `.Template`, the random
    /// stream, a `set`, a `define` inside `tpl`. Each include gives what its execution gives.
    #[test]
    fn an_include_is_reused_only_when_it_could_not_differ() {
        let files = BTreeMap::from([
            (
                "Chart.yaml".to_string(),
                b"apiVersion: v2\nname: top\nversion: 0.1.0\n".to_vec(),
            ),
            ("values.yaml".to_string(), b"x: a\n".to_vec()),
            (
                "templates/_helpers.tpl".to_string(),
                concat!(
                    "{{- define \"name\" -}}{{ .Chart.Name }}-{{ .Values.x }}{{- end -}}\n",
                    "{{- define \"file\" -}}{{ .Template.Name }}{{- end -}}\n",
                    "{{- define \"whole\" -}}{{ len (keys .) }}{{- end -}}\n",
                    "{{- define \"rand\" -}}{{ randAlphaNum 6 }}{{- end -}}\n",
                )
                .as_bytes()
                .to_vec(),
            ),
            (
                "templates/b.yaml".to_string(),
                concat!(
                    "n: {{ include \"name\" . }} {{ include \"name\" . }}\n",
                    "f: {{ include \"file\" . }}\n",
                    "w: {{ include \"whole\" . }}\n",
                    "r: {{ include \"rand\" . }} {{ include \"rand\" . }}\n",
                    "{{- $_ := set .Values \"x\" \"b\" }}\n",
                    "m: {{ include \"name\" . }}\n",
                )
                .as_bytes()
                .to_vec(),
            ),
            (
                "templates/a.yaml".to_string(),
                concat!(
                    "n: {{ include \"name\" . }}\n",
                    "f: {{ include \"file\" . }}\n",
                    "t: {{ tpl \"{{ define \\\"name\\\" }}shadow{{ end }}{{ include \\\"name\\\" . }}\" . }}\n",
                    "n: {{ include \"name\" . }}\n",
                )
                .as_bytes()
                .to_vec(),
            ),
        ]);
        let chart = crate::chart::load::load_files(&files).unwrap();
        let req = TemplateRequest::new("rel", "ns", HelmVersion::V4);
        let r = render_chart(&chart, &gotemplate::Map::new(), &req).unwrap();
        let text = |path: &str| {
            r.rendered
                .files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.content.clone())
                .unwrap()
        };
        // Helm runs b.yaml before a.yaml (reverse name order).
        let b = text("top/templates/b.yaml");
        let lines: Vec<&str> = b.lines().collect();
        assert_eq!(lines[0], "n: top-a top-a");
        assert_eq!(lines[1], "f: top/templates/b.yaml");
        assert_eq!(lines[2], "w: 7");
        let r: Vec<&str> = lines[3].trim_start_matches("r: ").split(' ').collect();
        assert_eq!(r.len(), 2);
        assert_ne!(r[0], r[1], "the random stream moves at each include");
        assert_eq!(lines[4], "m: top-b");
        assert_eq!(
            text("top/templates/a.yaml"),
            "n: top-b\nf: top/templates/a.yaml\nt: shadow\nn: top-b\n"
        );
    }
}
