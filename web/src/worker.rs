//! Long work off the main thread. Rendering, planning, the Helm 3/4 comparison and `hookline
//! lint` run in Web Workers (`public/worker.js`) that instantiate the page's own
//! `WebAssembly.Module` (passed over `postMessage`, so the engine is neither fetched nor
//! compiled twice), so typing never waits for the engine. A watchdog stops a job that runs too
//! long: the worker is terminated, the user is told in plain words, and a fresh worker serves
//! the next job.
//!
//! Two lanes, each one worker running one job at a time: the render lane (the timeline, then
//! the comparison) and the lint lane, so that a slow lint (about a second on the largest
//! corpus chart) never delays the next plan. A newer job of the same kind replaces a queued
//! one; if the running one is already slow, it is abandoned at once (the user has moved on).
//! Where no worker can be started (no Trunk start-up script on the page, as under
//! `wasm-bindgen-test`, or a browser without module workers), jobs run on the page instead.

use std::cell::RefCell;
use std::collections::BTreeMap;

use hookline::Plan;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::findings::FindingView;
use crate::model::{compare, compute, Computed, Workspace};

/// How long a job may run before the worker is terminated. Measured in the worker with the
/// release build (on a 2-core machine shared with other builds): the gallery charts render
/// and plan in well under 0.1 s, the 120-template perf chart in under 1 s; a phone is perhaps
/// 3-5 times slower, so 8 s never cuts a real chart short. A template that spends the engine's
/// whole step budget (50 million steps) takes about 4-5 s per render, and a scenario renders
/// once per step: waiting for the budget's precise error would often mean 10 s or more, and
/// runaway work that stays within every limit (a loop hashing large strings) would never end.
pub const WATCHDOG_MS: u32 = 8_000;

/// A running job older than this is abandoned when a newer one of the same kind arrives.
const SUPERSEDE_MS: f64 = 400.0;

/// After the browser's stack overflow in a worker, the engine's nesting limit there becomes
/// this share of the depth the overflow happened at (frames differ a little between
/// templates and between the wasm tiers a function runs in).
const STACK_MARGIN: f64 = 0.8;

/// A stack overflow shallower than this (in the engine's nesting units) is not the engine's
/// recursion (deep YAML, say): it is reported, and the limit stays as it is.
const MIN_NESTING: usize = 150;

/// What the page asks of a worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(test, derive(PartialEq))]
pub enum Job {
    /// Render, lint-free plan and diagnostics for the timeline.
    Compute(Workspace),
    /// The same workspace under Helm 3 and Helm 4.
    Compare(Workspace),
    /// `hookline lint`'s findings.
    Lint(Workspace),
}

/// What a worker answers (in `crate::packed`'s text).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(test, derive(PartialEq))]
pub enum Answer {
    Computed(Computed),
    Compared(Option<Plan>, Option<Plan>),
    Linted(Vec<FindingView>),
    /// The lint could not run (the second module gave no answer it could read): why.
    LintFailed(String),
}

impl Job {
    pub fn workspace_mut(&mut self) -> &mut Workspace {
        match self {
            Job::Compute(ws) | Job::Compare(ws) | Job::Lint(ws) => ws,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Job::Compute(_) => Kind::Compute,
            Job::Compare(_) => Kind::Compare,
            Job::Lint(_) => Kind::Lint,
        }
    }
}

/// Run a job where we are (a worker, or the page when no worker can start).
pub fn run(job: &Job) -> Answer {
    match job {
        Job::Compute(ws) => {
            let t0 = js_sys::Date::now();
            let mut c = compute(ws);
            c.millis = (js_sys::Date::now() - t0).max(0.0) as u32;
            Answer::Computed(c)
        }
        Job::Compare(ws) => {
            let (v3, v4) = compare(ws);
            Answer::Compared(v3, v4)
        }
        Job::Lint(ws) => match crate::findings::lint(ws) {
            Ok(found) => Answer::Linted(found),
            Err(e) => Answer::LintFailed(e),
        },
    }
}

/// [`run`], and again once the module it asked for (`lazy_engine`) has been fetched: the
/// second module for a chart or a lint, then perhaps the third one for a function it calls.
pub async fn run_loading_second(job: &Job) -> Answer {
    let mut answer = run(job);
    for _ in 0..2 {
        if !crate::lazy_engine::last_job_wanted_it() {
            break;
        }
        if let Err(why) = crate::lazy_engine::load_wanted().await {
            return match job {
                Job::Lint(_) => Answer::LintFailed(why),
                Job::Compute(_) => Answer::Computed(Computed {
                    stopped: Some(format!("{} {why}", crate::model::ENGINE_NOT_LOADED)),
                    ..Computed::default()
                }),
                Job::Compare(_) => Answer::Compared(None, None),
            };
        }
        answer = run(job);
    }
    answer
}

thread_local! {
    /// In a worker: the files of the last job (`crate::wire`).
    static HELD: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

/// The worker's entry point: a job as `crate::wire` posts it (its JSON, and the rest of its
/// files' delta) in, an [`Answer`] in `crate::packed`'s text out, or
/// nothing when the job needs a module that is not there yet (`lazy_engine`): the worker
/// then awaits [`load_modules`] and runs the same message again. Synchronous, so that a trap or
/// an exhausted stack reaches the worker's `catch` as an exception (the page then replaces
/// the worker, and the files it held with it).
#[wasm_bindgen(js_name = runJob)]
pub fn run_json(job: &str, reset: bool, remove: &str) -> Result<Option<String>, JsError> {
    let mut job = HELD
        .with(|h| crate::wire::decode(job, reset, remove, &mut h.borrow_mut()))
        .map_err(|e| JsError::new(&e.to_string()))?;
    gotemplate::reset_nesting_now();
    let answer = run(&job);
    HELD.with(|h| crate::wire::give_back(&mut job, &mut h.borrow_mut()));
    if crate::lazy_engine::last_job_wanted_it() {
        return Ok(None);
    }
    crate::packed::to_string(&answer)
        .map(Some)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// For JavaScript callers (the browser tests time the engine through [`run_json`]): what a
/// Compute job's answer holds, as JSON `{"millis", "steps", "documents", "errors"}` (`errors`:
/// the diagnostics when there is no plan).
#[wasm_bindgen(js_name = computedSummary)]
pub fn computed_summary(answer: &str) -> Result<String, JsError> {
    let Ok(Answer::Computed(c)) = crate::packed::from_str::<Answer>(answer) else {
        return Err(JsError::new("not the answer of a Compute job"));
    };
    let errors: Vec<String> = match c.plan {
        Some(_) => Vec::new(),
        None => c
            .diagnostics
            .iter()
            .map(|d| format!("{}:{}: {}", d.file, d.line, d.message))
            .collect(),
    };
    Ok(format!(
        "{{\"millis\":{},\"steps\":{},\"documents\":{},\"errors\":{}}}",
        c.millis,
        c.plan.as_ref().map_or(0, |p| p.steps.len()),
        c.rendered.len(),
        serde_json::to_string(&errors).unwrap_or_default()
    ))
}

/// Fetch, in the worker, the module the last job asked for.
#[wasm_bindgen(js_name = loadModules)]
pub async fn load_modules() -> Result<(), JsError> {
    crate::lazy_engine::load_wanted()
        .await
        .map_err(|e| JsError::new(&e))
}

/// Called by `public/worker.js` once the module is instantiated in the worker: the engine's
/// nesting limit there (0 keeps the default, measured on the page); returns the limit in force.
#[wasm_bindgen(js_name = configureWorker)]
pub fn configure_worker(nesting: u32) -> u32 {
    if nesting > 0 {
        gotemplate::set_default_max_nesting(nesting as usize);
    }
    u32::try_from(gotemplate::default_max_nesting()).unwrap_or(u32::MAX)
}

/// Called by `public/worker.js` after the browser's stack overflow ended a job: how deep the
/// engine was then ([`gotemplate::nesting_now`]; a plain read, safe in the aborted instance):
/// charts render in the second module, lone manifests here, so the deeper of the two.
#[wasm_bindgen(js_name = nestingNow)]
pub fn nesting_at_overflow() -> u32 {
    u32::try_from(gotemplate::nesting_now())
        .unwrap_or(u32::MAX)
        .max(crate::lazy_engine::nesting_now())
}

/// The nesting limit for the next worker after a stack overflow at `depth` nesting units, if
/// the overflow was the engine's recursion and the limit is to come down: Chromium gives a
/// Web Worker a smaller stack than the page (Helm's 1000 nested `include`s fit on the page;
/// about 400 fit in a worker), and the engine's default was measured on the page.
pub fn lowered_nesting(depth: usize, current: usize) -> Option<usize> {
    let limit = (depth as f64 * STACK_MARGIN) as usize;
    (depth >= MIN_NESTING && limit < current).then_some(limit)
}

/// How a job ended, for the page.
#[derive(Debug)]
pub enum Outcome {
    Done(Answer),
    /// Stopped (watchdog, the user) or failed (the worker crashed): the sentence to show.
    Stopped(String),
}

/// Job kinds; within a lane, the lower runs first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Compute,
    Compare,
    Lint,
}

impl Kind {
    fn lane(self) -> Lane {
        match self {
            Kind::Compute | Kind::Compare => Lane::Render,
            Kind::Lint => Lane::Lint,
        }
    }

    /// What the job does, to start a sentence.
    fn doing(self) -> &'static str {
        match self {
            Kind::Compute | Kind::Compare => "Rendering",
            Kind::Lint => "Linting",
        }
    }
}

/// One worker and its queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Render,
    Lint,
}

impl Lane {
    const ALL: [Lane; 2] = [Lane::Render, Lane::Lint];

    fn index(self) -> usize {
        self as usize
    }

    fn worker_name(self) -> &'static str {
        match self {
            Lane::Render => "hookline-render",
            Lane::Lint => "hookline-lint",
        }
    }
}

type Done = Box<dyn FnOnce(Outcome)>;

struct Queued {
    kind: Kind,
    job: Job,
    /// Already run once into a stack overflow (run again with a lower nesting limit).
    retried: bool,
    done: Done,
}

struct Running {
    id: u32,
    kind: Kind,
    job: Job,
    retried: bool,
    started: f64,
    watchdog: i32,
    done: Done,
}

/// Where the engine runs, shown on the page as `data-runner` (the browser tests check it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    Worker,
    Page,
}

#[derive(Default)]
struct Client {
    worker: Option<web_sys::Worker>,
    /// The current worker has instantiated the module (it said so).
    ready: bool,
    /// No worker can be started here; jobs run on the page.
    unavailable: bool,
    /// Worker start-up failures in a row (a missing file, a blocked script).
    failures: u32,
    /// Workers started, the first included (a stopped or crashed one is replaced).
    started: u32,
    /// The engine's nesting limit in the current worker, once it is ready.
    nesting: Option<u32>,
    /// The files the current worker holds (`None`: a fresh worker, which gets them all).
    held: Option<BTreeMap<String, String>>,
    next_id: u32,
    running: Option<Running>,
    queue: Vec<Queued>,
    on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

thread_local! {
    static CLIENTS: [RefCell<Client>; 2] = Default::default();
    /// The engine's nesting limit for workers started from now on (0: the engine's default),
    /// lowered after a stack overflow in one ([`lowered_nesting`]). Both lanes share it.
    static NESTING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn with<R>(lane: Lane, f: impl FnOnce(&mut Client) -> R) -> R {
    CLIENTS.with(|c| f(&mut c[lane.index()].borrow_mut()))
}

fn now() -> f64 {
    crate::js::now_ms()
}

/// The URLs the worker needs, from the start-up script Trunk writes (its `data-*`
/// attributes carry the hashed file names; see `pattern_script` in Trunk.toml). Resolved
/// against the document, so a site under a sub-path works.
fn urls() -> Option<(String, String)> {
    let doc = web_sys::window()?.document()?;
    let el = doc.query_selector("script[data-glue]").ok()??;
    let base = doc.base_uri().ok()??;
    let abs = |attr: &str| -> Option<String> {
        let v = el.get_attribute(attr)?;
        web_sys::Url::new_with_base(&v, &base)
            .ok()
            .map(|u| u.href())
    };
    Some((abs("data-glue")?, abs("data-worker")?))
}

/// Where jobs run now.
pub fn runner() -> Runner {
    let unavailable = with(Lane::Render, |c| c.unavailable);
    if unavailable || urls().is_none() {
        Runner::Page
    } else {
        Runner::Worker
    }
}

impl Runner {
    /// The `data-runner` value the browser tests read.
    pub fn name(self) -> &'static str {
        match self {
            Runner::Worker => "worker",
            Runner::Page => "page",
        }
    }
}

/// The render worker's nesting limit and how many render workers were started so far (a
/// stopped or crashed worker is replaced): shown on the page for the browser tests.
pub fn render_worker_state() -> (Option<u32>, u32) {
    with(Lane::Render, |c| (c.nesting, c.started))
}

fn start_worker(lane: Lane, c: &mut Client) -> Option<web_sys::Worker> {
    let (glue, script) = urls()?;
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    opts.set_name(lane.worker_name());
    let worker = web_sys::Worker::new_with_options(&script, &opts).ok()?;
    let on_message = c.on_message.get_or_insert_with(|| {
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            on_message(lane, ev.data())
        })
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = c.on_error.get_or_insert_with(|| {
        // A script that fails to load fires a plain `Event`, an uncaught error an `ErrorEvent`.
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            let message = js_sys::Reflect::get(&ev, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "it could not be loaded".into());
            on_worker_error(lane, message)
        })
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&init, &k.into(), v).is_ok();
    let ok = set("glue", &glue.into())
        && set("module", &wasm_bindgen::module())
        && set("nesting", &(NESTING.get() as u32).into());
    let msg = js_sys::Object::new();
    if !ok
        || js_sys::Reflect::set(&msg, &"init".into(), &init).is_err()
        || worker.post_message(&msg).is_err()
    {
        worker.terminate();
        return None;
    }
    c.ready = false;
    c.nesting = None;
    c.held = None;
    c.started += 1;
    Some(worker)
}

/// Queue a job; `done` is called once with its outcome, unless a newer job of the same kind
/// replaces it first.
pub fn submit(job: Job, done: impl FnOnce(Outcome) + 'static) {
    submit_boxed(job, Box::new(done));
}

/// [`submit`]'s body, compiled once rather than once per caller's closure (wasm size).
fn submit_boxed(job: Job, done: Done) {
    let kind = job.kind();
    let lane = kind.lane();
    if with(lane, |c| c.unavailable) {
        wasm_bindgen_futures::spawn_local(async move {
            done(Outcome::Done(run_loading_second(&job).await));
        });
        return;
    }
    let slow = with(lane, |c| {
        c.queue.retain(|q| q.kind != kind);
        c.queue.push(Queued {
            kind,
            job,
            retried: false,
            done,
        });
        hookline::stable_sort::sort_by(&mut c.queue, |a, b| a.kind.cmp(&b.kind));
        c.running
            .as_ref()
            .is_some_and(|r| r.kind == kind && now() - r.started > SUPERSEDE_MS)
    });
    if slow {
        // The user has moved on from a slow job: do not make them wait for it.
        drop(abandon(lane));
    }
    pump(lane);
}

/// Terminate the lane's worker and take the running job out, if any.
fn abandon(lane: Lane) -> Option<Running> {
    with(lane, |c| {
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        c.ready = false;
        let r = c.running.take()?;
        if let Some(win) = web_sys::window() {
            win.clear_timeout_with_handle(r.watchdog);
        }
        Some(r)
    })
}

/// Start the lane's next queued job if nothing runs there.
fn pump(lane: Lane) {
    loop {
        let mut page_job: Option<(Job, Done)> = None;
        let mut unsent: Option<(Done, String)> = None;
        let started = with(lane, |c| {
            if c.running.is_some() || c.queue.is_empty() {
                return true;
            }
            let mut q = c.queue.remove(0);
            if c.worker.is_none() && !c.unavailable {
                c.worker = start_worker(lane, c);
                if c.worker.is_none() {
                    c.unavailable = true;
                }
            }
            let Some(worker) = c.worker.clone() else {
                page_job = Some((q.job, q.done));
                return false;
            };
            let message = match crate::wire::encode(&mut q.job, &mut c.held) {
                Ok(m) => m,
                Err(e) => {
                    c.held = None;
                    unsent = Some((q.done, e.to_string()));
                    return false;
                }
            };
            c.next_id += 1;
            let id = c.next_id;
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"id".into(), &id.into());
            let _ = js_sys::Reflect::set(&msg, &"job".into(), &message.job.into());
            let _ = js_sys::Reflect::set(&msg, &"reset".into(), &message.reset.into());
            let _ = js_sys::Reflect::set(&msg, &"remove".into(), &message.remove.into());
            if worker.post_message(&msg).is_err() {
                // Whatever the worker got, the next message gives it every file again.
                c.held = None;
            }
            let watchdog = set_watchdog(lane, id);
            c.running = Some(Running {
                id,
                kind: q.kind,
                job: q.job,
                retried: q.retried,
                started: now(),
                watchdog,
                done: q.done,
            });
            true
        });
        if let Some((done, e)) = unsent {
            done(Outcome::Stopped(format!("Rendering failed: {e}")));
            continue;
        }
        match page_job {
            Some((job, done)) => wasm_bindgen_futures::spawn_local(async move {
                done(Outcome::Done(run_loading_second(&job).await));
            }),
            None if started => return,
            None => {}
        }
    }
}

fn set_watchdog(lane: Lane, id: u32) -> i32 {
    let cb = Closure::once_into_js(move || {
        if with(lane, |c| c.running.as_ref().map(|r| r.id)) == Some(id) {
            stop_lane(lane, None);
        }
    });
    web_sys::window()
        .and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.unchecked_ref(),
                WATCHDOG_MS as i32,
            )
            .ok()
        })
        .unwrap_or(0)
}

/// The user's Stop: end whatever runs now, in every lane (the lint of a runaway chart runs
/// away too), with the reason.
pub fn stop(why: &str) {
    for lane in Lane::ALL {
        stop_lane(lane, Some(why));
    }
}

/// Stop the lane's running job now: by the watchdog (`None`) or by the user (the reason).
fn stop_lane(lane: Lane, by_user: Option<&str>) {
    let Some(r) = abandon(lane) else {
        return;
    };
    let secs = (now() - r.started) / 1000.0;
    let doing = r.kind.doing();
    let message = match by_user {
        Some(why) => format!("{doing} stopped after {secs:.1} s: {why}"),
        None if r.kind == Kind::Lint => format!(
            "{doing} stopped after {} s: the chart was still rendering. No findings until it \
             renders in time.",
            WATCHDOG_MS / 1000
        ),
        None => format!(
            "{doing} stopped after {} s: the chart was still rendering. A loop that runs \
             very long, or templates that include each other without end, can do this. \
             Your edits are kept; change the template and the timeline comes back.",
            WATCHDOG_MS / 1000
        ),
    };
    pump(lane);
    (r.done)(Outcome::Stopped(message));
}

fn finish(lane: Lane, id: Option<u32>, outcome: impl FnOnce(Kind) -> Outcome) {
    let r = with(lane, |c| {
        if id.is_some() && c.running.as_ref().map(|r| r.id) != id {
            return None;
        }
        let r = c.running.take()?;
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(r.watchdog);
        }
        Some(r)
    });
    let Some(r) = r else {
        return;
    };
    let outcome = outcome(r.kind);
    pump(lane);
    (r.done)(outcome);
}

fn is_stack_overflow(error: &str) -> bool {
    error.contains("Maximum call stack size exceeded") || error.contains("too much recursion")
}

/// A job that ended in an exception, said in words. The browser's own stack error is left
/// only when recursion outside the engine's templates (which its nesting limit guards)
/// exhausts the worker's stack, or when even the lowered limit did not hold.
fn failure_message(kind: Kind, error: &str) -> String {
    let doing = kind.doing();
    if is_stack_overflow(error) {
        return format!(
            "{doing} failed: the chart nests too deeply for the browser's render worker \
             (its stack is smaller than the page's). A template that includes itself without \
             end does this. A fresh worker serves the next run."
        );
    }
    format!("{doing} failed: {error}")
}

/// The job ran the worker's stack out inside the engine's recursion: lower the nesting limit
/// for new workers and run the job once more in a fresh one, where the same recursion ends
/// with the engine's named error. Hands the job back when that does not apply.
fn retry_lower(lane: Lane, id: Option<u32>, depth: usize) -> bool {
    with(lane, |c| {
        let Some(r) = c.running.as_ref() else {
            return false;
        };
        if id != Some(r.id) || r.retried {
            return false;
        }
        let current = match NESTING.get() {
            0 => gotemplate::DEFAULT_MAX_NESTING,
            n => n,
        };
        let Some(limit) = lowered_nesting(depth, current) else {
            return false;
        };
        NESTING.set(limit);
        let Some(r) = c.running.take() else {
            return false;
        };
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(r.watchdog);
        }
        if !c.queue.iter().any(|q| q.kind == r.kind) {
            c.queue.insert(
                0,
                Queued {
                    kind: r.kind,
                    job: r.job,
                    retried: true,
                    done: r.done,
                },
            );
        }
        true
    })
}

fn on_message(lane: Lane, data: JsValue) {
    let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
    if let Some(fatal) = get("fatal").and_then(|v| v.as_string()) {
        on_worker_error(lane, fatal);
        return;
    }
    if get("ready").is_some_and(|v| v.is_truthy()) {
        let nesting = get("nesting").and_then(|v| v.as_f64()).map(|v| v as u32);
        with(lane, |c| {
            c.ready = true;
            c.failures = 0;
            c.nesting = nesting;
        });
        return;
    }
    let id = get("id").and_then(|v| v.as_f64()).map(|v| v as u32);
    if get("loading").is_some_and(|v| v.is_truthy()) {
        // The crypto module is being fetched for the job: no watchdog meanwhile.
        with(lane, |c| {
            if let (Some(r), Some(w)) = (c.running.as_mut(), web_sys::window()) {
                if Some(r.id) == id {
                    w.clear_timeout_with_handle(r.watchdog);
                    r.watchdog = 0;
                }
            }
        });
        return;
    }
    if get("loaded").is_some_and(|v| v.is_truthy()) {
        // The job runs again with the module: a full watchdog period for that run.
        let rearm = with(lane, |c| {
            c.running.as_mut().filter(|r| Some(r.id) == id).map(|r| {
                r.started = now();
                r.id
            })
        });
        if let Some(job) = rearm {
            let handle = set_watchdog(lane, job);
            with(lane, |c| {
                if let Some(r) = c.running.as_mut().filter(|r| r.id == job) {
                    r.watchdog = handle;
                }
            });
        }
        return;
    }
    if let Some(out) = get("out").and_then(|v| v.as_string()) {
        finish(lane, id, |kind| {
            match crate::packed::from_str::<Answer>(&out) {
                Ok(a) => Outcome::Done(a),
                Err(e) => Outcome::Stopped(format!("{} failed: {e}", kind.doing())),
            }
        });
    } else {
        let error = get("error")
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "no answer".into());
        // The instance may be broken (a trap, an exhausted stack): start afresh next time.
        with(lane, |c| {
            if let Some(w) = c.worker.take() {
                w.terminate();
            }
            c.ready = false;
        });
        let depth = get("nesting").and_then(|v| v.as_f64()).unwrap_or(0.0) as usize;
        if is_stack_overflow(&error) && retry_lower(lane, id, depth) {
            pump(lane);
            return;
        }
        finish(lane, id, |kind| {
            Outcome::Stopped(failure_message(kind, &error))
        });
    }
}

/// The worker could not start, or died: before it was ready, the running job goes back to
/// the front of the queue for a fresh worker (for the page after repeated start-up failures:
/// a browser without module workers); after, the job ends with the reason in words (running
/// it again could crash again) and the next job gets a fresh worker.
fn on_worker_error(lane: Lane, message: String) {
    web_sys::console::warn_1(&format!("hookline: {}: {message}", lane.worker_name()).into());
    let crashed = with(lane, |c| {
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        let was_ready = std::mem::replace(&mut c.ready, false);
        let r = c.running.take();
        if let (Some(r), Some(w)) = (&r, web_sys::window()) {
            w.clear_timeout_with_handle(r.watchdog);
        }
        if was_ready {
            return r;
        }
        c.failures += 1;
        if c.failures >= 2 {
            c.unavailable = true;
        }
        if let Some(r) = r {
            if !c.queue.iter().any(|q| q.kind == r.kind) {
                c.queue.insert(
                    0,
                    Queued {
                        kind: r.kind,
                        job: r.job,
                        retried: r.retried,
                        done: r.done,
                    },
                );
            }
        }
        None
    });
    pump(lane);
    if let Some(r) = crashed {
        (r.done)(Outcome::Stopped(format!(
            "{} failed: the render worker stopped ({message}). A fresh worker serves the next run.",
            r.kind.doing()
        )));
    }
}
