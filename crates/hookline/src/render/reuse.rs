//! An upgrade's render that reuses the previous render's output for the templates whose
//! execution could not differ.
//!
//! Helm renders every upgrade from scratch (v4.1.4 pkg/action/upgrade.go `prepareUpgrade`:
//! `ReleaseOptions{IsUpgrade: true, IsInstall: false, Revision: revision}` with `revision :=
//! lastRelease.Version + 1`, then `renderResources`). When the chart, the values, the
//! capabilities, the release name and namespace, the Helm version and the limits are those of
//! the previous render of a scenario (the renderer's kept preparation, see
//! [`super::PreparedRender`]), the only data that differs is `.Release.IsInstall`,
//! `.Release.IsUpgrade` and `.Release.Revision`. A template's execution then gives the
//! previous output again when
//! - it did not look at those (see [`gotemplate::Watch`]: any field or key of that name, and
//!   the `.Release` map, a chart's data map (`$`) and `.Subcharts`, or a container built from
//!   them with `dict`/`list`, printed, ranged over or handed to any function other than
//!   `include` and `tpl`);
//! - the random stream (`randAlphaNum`, `uuidv4`, `genCA`...: one stream per render) was where
//!   it was when the template ran before, and it is left where that run left it;
//! - no template before it, in either render, changed a map that existed before that
//!   template ran (`set`, `unset`, `merge*` on a map that did not come from `dict` or
//!   `deepCopy` during the same template): later templates then see the same data;
//! - it changed no such map itself (its change must happen again) and did not ask for the
//!   playground's crypto module while it was missing.
//!
//! `now` is the request's fixed time; `lookup` and `getHostByName` give constant answers
//! here (no cluster, no network), so they need no rule. Anything else runs again.

use std::cell::RefCell;
use std::collections::HashSet;

use gotemplate::{MapRef, Value, Watch};

use crate::chart::RenderInputs;
use crate::funcs::env::StreamState;

/// The names whose reading tells an install from an upgrade.
const RELEASE_KEYS: [&str; 3] = ["IsInstall", "IsUpgrade", "Revision"];
/// Functions that execute templates with their data (watched as they run).
pub(crate) const PASSES: [&str; 2] = ["include", "tpl"];
/// Functions that return a container holding their arguments.
pub(crate) const WRAPS: [&str; 3] = ["dict", "list", "tuple"];

/// What a render must share with the one it reuses from, besides its preparation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ReuseKey {
    pub release_name: String,
    pub namespace: String,
    pub seed: u64,
    pub now: i64,
    pub limits: super::RenderLimits,
}

/// One template's execution.
#[derive(Clone, Debug)]
struct Executed {
    output: String,
    /// Neither looked at the release nor changed a map other templates see.
    reusable: bool,
    /// Changed a map that existed before it ran.
    changed: bool,
    stream_before: StreamState,
    stream_after: StreamState,
}

/// What a render's templates did, by position in its template list (partials: `None`).
#[derive(Clone, Debug)]
pub struct Executions {
    key: ReuseKey,
    by_position: Vec<Option<Executed>>,
}

/// A render that records what its templates do and reuses what it may of `previous`.
pub(crate) struct Recorder {
    previous: Option<Executions>,
    /// The first position where the previous render changed a map others see.
    previous_change: usize,
    /// Whether this render changed such a map (nothing after it is reused).
    changed: bool,
    watch: Watch,
    key: ReuseKey,
    by_position: Vec<Option<Executed>>,
    /// Templates reused (for tests).
    pub reused: usize,
}

impl Recorder {
    pub(crate) fn new(
        inputs: &RenderInputs,
        key: ReuseKey,
        previous: Option<Executions>,
    ) -> Recorder {
        let watch = Watch::new(&RELEASE_KEYS, &PASSES, &WRAPS);
        let mut seen: HashSet<*const RefCell<gotemplate::Map>> = HashSet::new();
        for t in &inputs.templates {
            if !seen.insert(std::rc::Rc::as_ptr(&t.vals)) {
                continue;
            }
            watch.watch_map(&t.vals);
            for k in ["Release", "Subcharts"] {
                if let Some(Value::Map(m)) = t.vals.borrow().get(k) {
                    watch.watch_map(m);
                }
            }
        }
        let previous = previous.filter(|p| p.key == key);
        let previous_change = previous.as_ref().map_or(0, |p| {
            p.by_position
                .iter()
                .position(|e| e.as_ref().is_some_and(|e| e.changed))
                .unwrap_or(usize::MAX)
        });
        Recorder {
            previous,
            previous_change,
            changed: false,
            watch,
            key,
            by_position: vec![None; inputs.templates.len()],
            reused: 0,
        }
    }

    /// The previous output of the template at `position`, if it may be reused with the random
    /// stream at `stream` (which is then moved to where that run left it).
    pub(crate) fn reuse(&mut self, position: usize, stream: &mut StreamState) -> Option<String> {
        if self.changed || position >= self.previous_change {
            return None;
        }
        let e = self
            .previous
            .as_ref()?
            .by_position
            .get(position)?
            .as_ref()?;
        if !e.reusable || e.stream_before != *stream {
            return None;
        }
        *stream = e.stream_after;
        self.by_position[position] = Some(e.clone());
        self.reused += 1;
        Some(e.output.clone())
    }

    /// Watch the execution of the template at `position` (until [`Recorder::executed`]).
    pub(crate) fn start(&mut self) -> &Watch {
        self.watch.reset();
        changes_start();
        &self.watch
    }

    /// Record the execution that [`Recorder::start`] watched.
    pub(crate) fn executed(
        &mut self,
        position: usize,
        output: &str,
        stream_before: StreamState,
        stream_after: StreamState,
    ) {
        let changed = changes_end();
        self.changed |= changed;
        let seen = self.watch.seen() || crate::funcs::crypto_wire::wanted();
        self.by_position[position] = Some(Executed {
            output: output.to_string(),
            reusable: !seen && !changed,
            changed,
            stream_before,
            stream_after,
        });
    }

    /// A failed execution: stop watching.
    pub(crate) fn failed(&mut self) {
        changes_end();
    }

    pub(crate) fn finish(self) -> Executions {
        Executions {
            key: self.key,
            by_position: self.by_position,
        }
    }
}

/// Maps a template made during its execution (addresses), and whether it changed another.
struct Changes {
    fresh: HashSet<usize>,
    changed: bool,
}

thread_local! {
    static CHANGES: RefCell<Option<Changes>> = const { RefCell::new(None) };
    /// Changes noted on this thread so far, watched or not (see [`change_count`]).
    static CHANGE_COUNT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many changes to maps (and other side effects) templates made on this thread so far:
/// an output computed from data is still right while this count stays where it was.
pub(crate) fn change_count() -> u64 {
    CHANGE_COUNT.with(|c| c.get())
}

fn count_change() {
    CHANGE_COUNT.with(|c| c.set(c.get() + 1));
}

fn address(m: &MapRef) -> usize {
    std::rc::Rc::as_ptr(m) as *const () as usize
}

fn changes_start() {
    CHANGES.with(|c| {
        *c.borrow_mut() = Some(Changes {
            fresh: HashSet::new(),
            changed: false,
        })
    });
}

fn changes_end() -> bool {
    CHANGES.with(|c| c.borrow_mut().take().is_some_and(|c| c.changed))
}

/// A map made by the template being executed (`dict`, `deepCopy`): changing it changes
/// nothing another template sees, until it is stored in one that exists (a change noted in
/// turn).
pub(crate) fn note_fresh(v: &Value) {
    if let Value::Map(m) = v {
        CHANGES.with(|c| {
            if let Some(c) = c.borrow_mut().as_mut() {
                c.fresh.insert(address(m));
            }
        });
    }
}

/// `m` is about to change (`set`, `unset`, `merge*`).
pub(crate) fn note_change(m: &MapRef) {
    count_change();
    CHANGES.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            if !c.fresh.contains(&address(m)) {
                c.changed = true;
            }
        }
    });
}

/// Something other templates may notice (as a change to a map they see).
pub(crate) fn note_side_effect() {
    count_change();
    CHANGES.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.changed = true;
        }
    });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{render_chart_reusing_prepared, ChartRender, TemplateRequest};
    use crate::plan::HelmVersion;

    /// A chart whose templates run in this order (Helm's: reverse name order): one that
    /// reads the revision and draws from the random stream only on upgrades, one that may be
    /// reused (release name, a random string, its own dict changed), one that hands `$`
    /// inside a dict to `len`, one that includes a helper reading IsUpgrade, one that changes
    /// `.Values`, and one after that.
    fn chart() -> crate::chart::Chart {
        let cm = |name: &str, body: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n{body}\n")
        };
        let files = BTreeMap::from([
            (
                "Chart.yaml".to_string(),
                b"apiVersion: v2\nname: top\nversion: 0.1.0\n".to_vec(),
            ),
            ("values.yaml".to_string(), b"x: a\n".to_vec()),
            (
                "templates/_helpers.tpl".to_string(),
                b"{{- define \"upgrading\" -}}{{ .Release.IsUpgrade }}{{- end -}}".to_vec(),
            ),
            (
                "templates/t9.yaml".to_string(),
                cm("t9", "  rev: {{ .Release.Revision | quote }}\n  extra: {{ if .Release.IsUpgrade }}{{ randAlphaNum 4 }}{{ end }}").into_bytes(),
            ),
            (
                "templates/t8.yaml".to_string(),
                cm("t8", "  {{- $d := dict }}{{ $_ := set $d \"k\" \"v\" }}\n  name: {{ .Release.Name }}\n  pw: {{ randAlphaNum 8 }}\n  k: {{ $d.k }}\n  via: {{ (dict \"root\" $).root.Release.Namespace }}").into_bytes(),
            ),
            (
                "templates/t7.yaml".to_string(),
                cm("t7", "  n: {{ len (dict \"root\" $) | quote }}").into_bytes(),
            ),
            (
                "templates/t6.yaml".to_string(),
                cm("t6", "  up: {{ include \"upgrading\" $ | quote }}").into_bytes(),
            ),
            (
                "templates/t5.yaml".to_string(),
                cm("t5", "  x: {{ .Values.x }}{{ $_ := set .Values \"x\" \"b\" }}").into_bytes(),
            ),
            (
                "templates/t4.yaml".to_string(),
                cm("t4", "  x: {{ .Values.x }}").into_bytes(),
            ),
        ]);
        crate::chart::load::load_files(&files).unwrap()
    }

    fn request(revision: i64) -> TemplateRequest {
        let mut req = TemplateRequest::new("rel", "ns", HelmVersion::V4);
        req.is_upgrade = revision > 1;
        req.revision = revision;
        req
    }

    fn texts(r: &ChartRender) -> Vec<(String, String)> {
        r.rendered
            .files
            .iter()
            .map(|f| (f.path.clone(), f.content.clone()))
            .collect()
    }

    #[test]
    fn an_upgrade_reuses_only_what_could_not_differ_and_renders_as_from_scratch() {
        let chart = chart();
        let values = gotemplate::Map::new();
        let (mut parsed, mut prepared) = (None, None);
        let mut render = |revision| {
            render_chart_reusing_prepared(
                &chart,
                &values,
                &request(revision),
                &mut parsed,
                &mut prepared,
            )
            .unwrap()
        };
        let from_scratch = |revision| {
            let (mut parsed, mut prepared) = (None, None);
            let r = render_chart_reusing_prepared(
                &chart,
                &values,
                &request(revision),
                &mut parsed,
                &mut prepared,
            )
            .unwrap();
            assert_eq!(r.reused, 0);
            texts(&r)
        };
        let install = render(1);
        assert_eq!(install.reused, 0);
        assert_eq!(texts(&install), from_scratch(1));
        // t9 drew from the random stream before t8 this time: t8 runs again.
        let second = render(2);
        assert_eq!(second.reused, 0);
        assert_eq!(texts(&second), from_scratch(2));
        assert_ne!(texts(&second), texts(&install));
        // The same draws as the last render: t8 is reused, nothing else.
        let third = render(3);
        assert_eq!(third.reused, 1);
        assert_eq!(texts(&third), from_scratch(3));
        let t8 = |r: &ChartRender| {
            texts(r)
                .into_iter()
                .find(|(p, _)| p.ends_with("t8.yaml"))
                .unwrap()
                .1
        };
        assert_eq!(t8(&third), t8(&second));
        // Back to an install (revision 1 again): only what matches is reused.
        let again = render(1);
        assert_eq!(texts(&again), from_scratch(1));
    }

    #[test]
    fn other_values_or_another_release_reuse_nothing() {
        let chart = chart();
        let (mut parsed, mut prepared) = (None, None);
        let values = gotemplate::Map::new();
        for revision in [2, 3] {
            render_chart_reusing_prepared(
                &chart,
                &values,
                &request(revision),
                &mut parsed,
                &mut prepared,
            )
            .unwrap();
        }
        let other = gotemplate::Map::from([("x".to_string(), gotemplate::Value::from("c"))]);
        let r =
            render_chart_reusing_prepared(&chart, &other, &request(3), &mut parsed, &mut prepared)
                .unwrap();
        assert_eq!(r.reused, 0);
        let mut renamed = request(3);
        renamed.release_name = "other".into();
        let r = render_chart_reusing_prepared(&chart, &other, &renamed, &mut parsed, &mut prepared)
            .unwrap();
        assert_eq!(r.reused, 0);
        assert!(texts(&r).iter().any(|(_, t)| t.contains("name: other")));
    }
}
