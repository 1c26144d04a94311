//! Work of a render spread over two threads: the core has no threads of its own and takes
//! these as its [`gotemplate::ParseMap`] (`TemplateRequest::parse_map`: the template parses,
//! most of a large chart's render), its [`hookline::render::EarlyParses`] (the same parses,
//! started while the chart's values are still being loaded and prepared: [`Early`]) and its
//! [`hookline::manifest::ForEach`] (`TemplateRequest::for_each`: decoding the rendered
//! documents' heads). Both kinds of job are independent of each other; the core puts the
//! results in Helm's order and reports the first error in that order, so the result is the
//! one of one thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use gotemplate::{Error, ParseSetup, Parsed};
use hookline::manifest::{Document, RenderedFile};

/// Runs `main` on this thread while `helper` runs on one more (with the stack this thread
/// has: a job may nest as deep there); `helper` runs here after `main` when there is no room
/// for a second thread's stack.
pub fn with_helper<R>(helper: &(dyn Fn() + Sync), main: impl FnOnce() -> R) -> R {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("hookline-helper".into())
            .stack_size(crate::limits::thread_stack(
                gotemplate::default_stack_budget(),
            ))
            .spawn_scoped(scope, || {
                crate::arena::reserve(crate::arena::HELPER_THREAD);
                helper()
            });
        let out = main();
        match spawned {
            Ok(h) => {
                if let Err(panic) = h.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            Err(_) => helper(),
        }
        out
    })
}

/// One text's parse, once made: taken by the render (left empty when the parse panicked).
type Slot = OnceLock<Mutex<Option<Result<Parsed, Error>>>>;

/// Template parses started ahead of the render, while the chart is still being read: the
/// load hands each template text over as it reads it ([`Early::push`]), a helper thread
/// running [`Early::work`] from the start parses them in turn, and the render's thread joins
/// in when it first asks for a parse (the core asks in Helm's order, after preparing the
/// chart). A parse depends only on the text and the setup. A text handed over is dropped
/// once parsed (a large chart's templates are megabytes: their memory serves the rest of
/// the run instead of adding to its peak), so a render's text is matched by where it is
/// (the chart's own text, which the load handed over) and by a fingerprint of its bytes.
pub struct Early {
    setup: ParseSetup,
    state: Mutex<EarlyState>,
    more: Condvar,
    joined: AtomicBool,
}

/// One text handed over (until parsed), its fingerprint and parse once made, and whether a
/// render took it.
struct Job {
    text: Mutex<Option<Box<str>>>,
    len: usize,
    parsed: Slot,
    fingerprint: OnceLock<u64>,
    taken: AtomicBool,
}

#[derive(Default)]
struct EarlyState {
    jobs: Vec<std::sync::Arc<Job>>,
    /// Jobs by where the texts handed over were (address and length): the load's own texts.
    by_place: HashMap<(usize, usize), usize>,
    /// The next job no thread has taken.
    next: usize,
    /// No more texts will come.
    closed: bool,
    /// The helper waits for texts (only then does a push wake it: a system call and a
    /// thread switch, so texts are handed over in batches).
    waiting: bool,
    /// The bytes of the texts no thread has taken.
    queued_bytes: usize,
}

/// How much work wakes a waiting helper: so many texts or so many bytes of them (a large
/// chart has a few hundred templates; a wake-up per text made some 600 futex calls).
const EARLY_BATCH: usize = 8;
const EARLY_BATCH_BYTES: usize = 32 << 10;

impl Early {
    pub fn new(setup: ParseSetup) -> Early {
        Early {
            setup,
            state: Mutex::default(),
            more: Condvar::new(),
            joined: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, EarlyState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parse `text` ahead (a copy of it: the chart keeps its own). A render's text is looked
    /// up where this one is: hand over the chart's own texts, which stay there for the
    /// render (another text found there later, with other bytes, is told apart by its
    /// fingerprint and parsed by the render itself).
    pub fn push(&self, text: &str) {
        let job = std::sync::Arc::new(Job {
            text: Mutex::new(Some(text.into())),
            len: text.len(),
            parsed: OnceLock::new(),
            fingerprint: OnceLock::new(),
            taken: AtomicBool::new(false),
        });
        let mut st = self.lock();
        let at = st.jobs.len();
        st.jobs.push(job);
        st.by_place.insert(place(text), at);
        st.queued_bytes += text.len();
        if st.waiting
            && (st.jobs.len() - st.next >= EARLY_BATCH || st.queued_bytes >= EARLY_BATCH_BYTES)
        {
            drop(st);
            self.more.notify_one();
        }
    }

    /// [`Early::push`] unless this very text (these bytes, at this address) was handed over
    /// already: the load gives the walk's texts again, with the templates it read from
    /// subchart archives.
    pub fn push_unseen(&self, text: &str) {
        let seen = self.lock().by_place.contains_key(&place(text));
        if !seen {
            self.push(text);
        }
    }

    /// No more texts will come: [`Early::work`] returns once those handed over are parsed.
    pub fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        if st.waiting {
            drop(st);
            self.more.notify_all();
        }
    }

    /// No more parses are started (the load or the render failed before it needed them).
    pub fn stop(&self) {
        let mut st = self.lock();
        st.next = st.jobs.len();
        st.queued_bytes = 0;
        drop(st);
        self.close();
    }

    /// Parse the texts not yet taken by a thread, one at a time, until none is left and no
    /// more will come.
    pub fn work(&self) {
        self.work_while(true)
    }

    /// The next text to parse; waiting for one (`wait`) until closed.
    fn next(&self, wait: bool) -> Option<std::sync::Arc<Job>> {
        let mut st = self.lock();
        loop {
            if st.next < st.jobs.len() {
                st.next += 1;
                let job = st.jobs[st.next - 1].clone();
                st.queued_bytes -= job.len;
                return Some(job);
            }
            if st.closed || !wait {
                return None;
            }
            st.waiting = true;
            st = self.more.wait(st).unwrap_or_else(|e| e.into_inner());
            st.waiting = false;
        }
    }

    fn work_while(&self, wait: bool) {
        while let Some(job) = self.next(wait) {
            // Only the thread that took the job from the queue parses it.
            let text = job
                .text
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default();
            // A parse that panicked leaves no result: the render's thread parses that text
            // itself (and meets the panic there) instead of waiting for it for ever.
            let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.setup.parse_unnamed(&text)
            }));
            let _ = job.fingerprint.set(fingerprint(&text));
            drop(text);
            let _ = job.parsed.set(Mutex::new(parsed.ok()));
        }
    }
}

/// Where a text is: its address and length.
fn place(text: &str) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

/// A 64-bit fingerprint of a text's bytes: tells a text handed over from another found at the
/// same place later. Words are mixed in two independent lanes (a megabyte of templates costs
/// the render's thread a fraction of a millisecond).
fn fingerprint(text: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut lanes = [0x243f_6a88_85a3_08d3u64, 0x1319_8a2e_0370_7344];
    let mut chunks = text.as_bytes().chunks_exact(16);
    for c in &mut chunks {
        for (lane, word) in lanes.iter_mut().zip(c.chunks_exact(8)) {
            let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            *lane = (lane.rotate_left(23) ^ w).wrapping_mul(K);
        }
    }
    let mut last = [0u8; 16];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    for (lane, word) in lanes.iter_mut().zip(last.chunks_exact(8)) {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        *lane = (lane.rotate_left(23) ^ w).wrapping_mul(K);
    }
    let h = (lanes[0] ^ lanes[1].rotate_left(32) ^ text.len() as u64).wrapping_mul(K);
    h ^ (h >> 29)
}

impl hookline::render::EarlyParses for Early {
    fn setup(&self) -> &ParseSetup {
        &self.setup
    }

    fn take(&self, text: &str) -> Option<Result<Parsed, Error>> {
        let job = {
            let st = self.lock();
            let job = &st.jobs[*st.by_place.get(&place(text))?];
            (!job.taken.swap(true, Ordering::Relaxed)).then(|| job.clone())?
        };
        // The render's thread helps with what is handed over (it asks once the load is
        // done: nothing more comes) rather than wait for the helper.
        if !self.joined.swap(true, Ordering::Relaxed) {
            self.work_while(false);
        }
        // The other thread may still be parsing this one.
        let parsed = job.parsed.wait();
        if job.fingerprint.get() != Some(&fingerprint(text)) {
            return None;
        }
        let parsed = parsed.lock().unwrap_or_else(|e| e.into_inner()).take();
        parsed
    }
}

/// Runs `job(0..n)` on this thread and one more, each taking the next index not yet taken
/// (jobs differ a lot in size).
pub fn for_each(n: usize, job: &(dyn Fn(usize) + Sync)) {
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n {
            return;
        }
        job(i);
    };
    // Without a second thread (no room for its stack) this one takes every job.
    with_helper(&work, work);
}

/// The rendered manifests' heads decoded while the render goes on: the render's thread
/// hands each file over as it is made ([`hookline::render::HeadsAhead::send`]), a helper
/// thread running [`Heads::work`] decodes them in turn; `finish` decodes what is left itself,
/// waits for the file the helper is on, and hands everything back in the order sent.
#[derive(Default)]
pub struct Heads {
    state: Mutex<HeadsState>,
    changed: Condvar,
}

#[derive(Default)]
struct HeadsState {
    /// Files sent and not yet taken, with their place in the order sent.
    todo: std::collections::VecDeque<(usize, RenderedFile)>,
    /// By place: each file and its decoded heads, once done.
    done: Vec<Option<(RenderedFile, Vec<Document>)>>,
    /// Taken and not yet done.
    busy: usize,
    /// No more files will come.
    closed: bool,
    /// The helper waits for files; `finish` waits for the helper's file in hand. A wake-up
    /// is a system call and a thread switch: files are handed over in batches, and only a
    /// thread that waits is woken.
    helper_waiting: bool,
    finisher_waiting: bool,
}

/// How many files wake a waiting helper (a large chart renders a few hundred).
const HEADS_BATCH: usize = 8;

impl Heads {
    /// Decode the files sent, one at a time, until [`Heads::close`].
    pub fn work(&self) {
        while let Some((at, file)) = self.next(true) {
            self.decode(at, file);
        }
    }

    /// No more files will come: [`Heads::work`] returns once the files sent are done.
    pub fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        if st.helper_waiting {
            drop(st);
            self.changed.notify_all();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HeadsState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next file to decode; waiting for one (`wait`) until closed.
    fn next(&self, wait: bool) -> Option<(usize, RenderedFile)> {
        let mut st = self.lock();
        loop {
            if let Some(job) = st.todo.pop_front() {
                st.busy += 1;
                return Some(job);
            }
            if st.closed || !wait {
                return None;
            }
            st.helper_waiting = true;
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
            st.helper_waiting = false;
        }
    }

    fn decode(&self, at: usize, file: RenderedFile) {
        // A decode that panicked leaves no heads: the split decodes that file again (and
        // meets the panic on the render's thread).
        let heads = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            hookline::manifest::decode_heads(&file)
        }))
        .unwrap_or_default();
        let mut st = self.lock();
        st.done[at] = Some((file, heads));
        st.busy -= 1;
        if st.finisher_waiting && st.busy == 0 {
            drop(st);
            self.changed.notify_all();
        }
    }
}

impl hookline::render::HeadsAhead for Heads {
    fn send(&self, file: RenderedFile) {
        let mut st = self.lock();
        let at = st.done.len();
        st.done.push(None);
        st.todo.push_back((at, file));
        if st.helper_waiting && st.todo.len() >= HEADS_BATCH {
            drop(st);
            self.changed.notify_all();
        }
    }

    fn finish(&self) -> (Vec<RenderedFile>, HashMap<String, Vec<Document>>) {
        self.close();
        while let Some((at, file)) = self.next(false) {
            self.decode(at, file);
        }
        let mut st = self.lock();
        while st.busy > 0 {
            st.finisher_waiting = true;
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.finisher_waiting = false;
        let mut files = Vec::with_capacity(st.done.len());
        let mut decoded = HashMap::with_capacity(st.done.len());
        for (file, heads) in std::mem::take(&mut st.done).into_iter().flatten() {
            decoded.insert(file.path.clone(), heads);
            files.push(file);
        }
        (files, decoded)
    }
}

/// The template parses through [`for_each`]; the results come back in index order.
pub fn parse_map(
    n: usize,
    job: &(dyn Fn(usize) -> Result<Parsed, Error> + Sync),
) -> Vec<Result<Parsed, Error>> {
    hookline::manifest::map_each(for_each, n, job)
        .into_iter()
        .map(|r| r.expect("every index is taken by one of the threads"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gotemplate::Templates;
    use std::rc::Rc;

    fn texts() -> Vec<(String, Rc<str>)> {
        let mut v: Vec<(String, Rc<str>)> = (0..40)
            .map(|i| {
                let body = format!(
                    "{{{{ define \"d{}\" }}}}{i}{{{{ end }}}}x{{{{ template \"d{}\" . }}}}{}",
                    i % 7,
                    i % 7,
                    "{{ if .a }}{{ .b | printf \"%v\" }}{{ end }}".repeat(i)
                );
                (format!("t{i}"), Rc::from(body.as_str()))
            })
            .collect();
        // Errors at 25 and 31: the first in order wins.
        v[25].1 = Rc::from("{{ if }}");
        v[31].1 = Rc::from("{{ nofunc }}");
        v
    }

    fn add_all(
        texts: &[(String, Rc<str>)],
        map: Option<gotemplate::ParseMap>,
    ) -> (Templates, String) {
        let mut t = Templates::new();
        let refs: Vec<(&str, Rc<str>)> =
            texts.iter().map(|(n, s)| (n.as_str(), s.clone())).collect();
        let err = match t.add_all(&refs, map) {
            Ok(()) => String::new(),
            Err((i, e)) => format!("{i}: {e}"),
        };
        (t, err)
    }

    fn dump(t: &Templates) -> String {
        t.names()
            .iter()
            .map(|n| format!("{n}={}\n", t.tree(n).unwrap().root_string()))
            .collect()
    }

    #[test]
    fn two_threads_give_the_serial_trees_and_first_error() {
        let all = texts();
        let (serial, serial_err) = add_all(&all, None);
        let (parallel, parallel_err) = add_all(&all, Some(parse_map));
        assert_eq!(serial_err, "25: template: t25:1: missing value for if");
        assert_eq!(parallel_err, serial_err);
        assert_eq!(dump(&parallel), dump(&serial));
        // Without errors: every template, later defines replacing earlier ones as in Go.
        let ok: Vec<_> = all
            .into_iter()
            .filter(|(n, _)| n != "t25" && n != "t31")
            .collect();
        let (serial, e1) = add_all(&ok, None);
        let (parallel, e2) = add_all(&ok, Some(parse_map));
        assert_eq!((e1.as_str(), e2.as_str()), ("", ""));
        assert_eq!(dump(&parallel), dump(&serial));
        assert_eq!(
            parallel.execute("t37", &gotemplate::Value::Nil).unwrap(),
            serial.execute("t37", &gotemplate::Value::Nil).unwrap()
        );
        assert_eq!(
            parallel.execute("d2", &gotemplate::Value::Nil).unwrap(),
            "37"
        );
    }

    /// The early parses (on the helper thread, on this one, or interleaved) render a chart as
    /// the serial parse does, and a broken chart fails with the serial parse's error: the
    /// first in Helm's order.
    #[test]
    fn early_parses_render_as_the_serial_parse() {
        use hookline::render::{render_chart, render_chart_early, TemplateRequest};
        let dir = std::env::temp_dir().join(format!("hookline-early-{}", std::process::id()));
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let _ = std::fs::remove_dir_all(&dir);
        write(
            "Chart.yaml",
            "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  alias: other\n",
        );
        write("values.yaml", "n: 3\nother:\n  m: 2\n");
        write(
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        );
        write(
            "charts/sub/templates/_h.tpl",
            "{{ define \"h\" }}h{{ .Values.m }}{{ end }}",
        );
        write(
            "charts/sub/templates/s.yaml",
            "kind: S\nmetadata:\n  name: {{ template \"h\" . }}-{{ .Template.Name }}\n",
        );
        for i in 0..30 {
            write(
                &format!("templates/t{i:02}.yaml"),
                &format!(
                    "kind: T\nmetadata:\n  name: t{i}\ndata:\n{}",
                    "{{ range $k, $v := .Values }}  {{ $k }}: {{ printf \"%v\" $v }}\n{{ end }}"
                ),
            );
        }
        // Two files of the same text: each takes a parse of its own.
        for name in ["templates/same-a.yaml", "templates/same-b.yaml"] {
            write(
                name,
                "kind: Same\nmetadata:\n  name: {{ .Template.Name }}\n",
            );
        }
        // Defines its own name (Go's tree set joins the two: parsed again under the name).
        write(
            "templates/own.yaml",
            "{{ define \"top/templates/own.yaml\" }}kind: Own{{ end }}",
        );
        let req = TemplateRequest::new("r", "ns", hookline::HelmVersion::V4);
        let serial = |dir: &std::path::Path| {
            let chart = hookline::chart::load_path(dir).unwrap();
            let out = render_chart(&chart, &Default::default(), &req);
            format!("{:?}", out.map(|r| (r.rendered.files, r.sorted)))
        };
        // `helper`: 0 none (this thread parses and decodes all), 1 parses before the render
        // (this thread decodes), 2 alongside from the start of the load (parses as the walk
        // reads, then decodes heads as they come).
        let early = |dir: &std::path::Path, helper: u8| {
            let early = Early::new(hookline::render::parse_setup(req.helm, &req.limits));
            let heads = Heads::default();
            let run = || {
                let loading =
                    hookline::chart::load_path_deferred_with(dir, Default::default(), &mut |t| {
                        early.push(t)
                    })
                    .unwrap();
                for t in loading.template_texts() {
                    early.push_unseen(&t);
                }
                early.close();
                if helper == 1 {
                    early.work();
                }
                let chart = loading.finish().unwrap();
                let out =
                    render_chart_early(&chart, &Default::default(), &req, &early, Some(&heads));
                early.stop();
                heads.close();
                format!("{:?}", out.map(|r| (r.rendered.files, r.sorted)))
            };
            let out = if helper == 2 {
                with_helper(
                    &|| {
                        early.work();
                        heads.work();
                    },
                    run,
                )
            } else {
                run()
            };
            // The render took the early parses (all of them when it parsed every template),
            // each once.
            let st = early.lock();
            let taken = st
                .jobs
                .iter()
                .filter(|j| {
                    j.taken.load(Ordering::Relaxed)
                        && j.parsed.get().is_some_and(|m| m.lock().unwrap().is_none())
                })
                .count();
            (out, taken, st.jobs.len())
        };
        // The serial render, which must contain `want`; every helper arrangement gives the
        // same output and, when `all_taken`, takes all 33 early parses.
        let agrees = |want: &str, all_taken: bool| {
            let out = serial(&dir);
            assert!(out.contains(want), "{out}");
            for helper in [0, 1, 2, 2, 2] {
                let (got, taken, handed_over) = early(&dir, helper);
                assert_eq!(got, out);
                // Every template of the walk once, the two equal texts twice.
                assert_eq!(handed_over, 35);
                if all_taken {
                    assert_eq!(taken, 35);
                }
            }
            out
        };
        let good = agrees("name: h2-top/charts/other/templates/s.yaml", true);
        assert!(good.contains("kind: Own"), "{good}");
        // Documents that fail to decode in two manifests: the first in path order wins (its
        // heads are decoded again in the split), as in the serial render.
        write("templates/t03.yaml", "kind: [x\n");
        write("templates/t05.yaml", "kind: A\n---\nmetadata: [\n");
        agrees("YAML parse error on top/templates/t03.yaml", true);
        write("templates/t03.yaml", "kind: T3\n");
        agrees("top/templates/t05.yaml", true);
        // Errors in two of the chart's templates (Helm parses t21 first: deeper paths first,
        // then names in reverse order), then also in the subchart's (a deeper path: it wins).
        write("templates/t07.yaml", "{{ if }}");
        write("templates/t21.yaml", "{{ nofunc }}");
        agrees("t21.yaml:1): function \\\"nofunc\\\" not defined", false);
        write("charts/sub/templates/s.yaml", "{{ end }}");
        agrees("top/charts/other/templates/s.yaml", false);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The walk hands over a directory's templates as it reads them; after the load, the
    /// templates of subchart archives are handed over too, and none of the walk's again.
    #[test]
    fn archive_templates_are_handed_over_after_the_walk() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/charts/parent");
        assert!(dir.join("charts/sub-b-0.2.0.tgz").is_file());
        let early = Early::new(gotemplate::Templates::new().parse_setup());
        let loading =
            hookline::chart::load_path_deferred_with(&dir, Default::default(), &mut |t| {
                early.push(t)
            })
            .unwrap();
        let walked = early.lock().jobs.len();
        let texts = loading.template_texts();
        for t in &texts {
            early.push_unseen(t);
        }
        let distinct: std::collections::HashSet<(usize, usize)> = texts
            .iter()
            .map(|t| (t.as_ptr() as usize, t.len()))
            .collect();
        let st = early.lock();
        assert!(walked > 0);
        assert!(
            st.jobs.len() > walked,
            "the archive's templates were not handed over"
        );
        assert_eq!(st.jobs.len(), distinct.len());
    }

    /// A text handed over is matched where it is and by its bytes: another text at the same
    /// place (the same buffer, overwritten) is not given the first one's parse.
    #[test]
    fn a_text_is_matched_by_place_and_bytes() {
        use hookline::render::EarlyParses;
        let early = Early::new(gotemplate::Templates::new().parse_setup());
        let mut text = String::from("{{ define \"a\" }}A{{ end }}");
        let other = String::from("{{ define \"a\" }}A{{ end }}");
        early.push(&text);
        early.close();
        early.work();
        // Parsed, and its copy dropped.
        assert!(early.lock().jobs[0].text.lock().unwrap().is_none());
        // Equal bytes elsewhere are not the text handed over.
        assert!(early.take(&other).is_none());
        let before = text.as_ptr();
        text.replace_range(text.len() - 3..text.len() - 2, "E");
        assert_eq!(text.as_ptr(), before);
        assert!(early.take(&text).is_none(), "other bytes at the same place");
        // The text itself, once: a second render parses its own.
        let early = Early::new(gotemplate::Templates::new().parse_setup());
        early.push(&other);
        early.close();
        early.work();
        assert!(matches!(early.take(&other), Some(Ok(_))));
        assert!(early.take(&other).is_none());
    }

    #[test]
    fn no_jobs() {
        assert!(parse_map(0, &|_| unreachable!()).is_empty());
    }
}
