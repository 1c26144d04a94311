//! Long work off the main thread. Rendering, planning and the Helm 3/4 comparison run in a
//! Web Worker (`public/worker.js`) that instantiates the page's own `WebAssembly.Module`
//! (passed over `postMessage`, so the engine is neither fetched nor compiled twice), so
//! typing never waits for the engine. A watchdog stops a job that runs too long: the worker
//! is terminated, the user is told in plain words, and a fresh worker serves the next job.
//!
//! One job runs at a time. A newer job of the same kind replaces a queued one; if the running
//! one is already slow, it is abandoned at once (the user has moved on). Where no worker can
//! be started (no Trunk start-up script on the page, as under `wasm-bindgen-test`, or a
//! browser without module workers), jobs run on the page instead.

use std::cell::RefCell;

use hookline::Plan;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Job {
    /// Render, lint-free plan and diagnostics for the timeline.
    Compute(Workspace),
    /// The same workspace under Helm 3 and Helm 4.
    Compare(Workspace),
}

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Answer {
    Computed(Computed),
    Compared(Option<Plan>, Option<Plan>),
}

impl Job {
    fn kind(&self) -> Kind {
        match self {
            Job::Compute(_) => Kind::Compute,
            Job::Compare(_) => Kind::Compare,
        }
    }
}

/// Run a job where we are (the worker, or the page when no worker can start).
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
    }
}

/// [`run`], and again once the crypto module (`lazy_crypto`) has been fetched if the render
/// called one of its functions before it was there.
pub async fn run_loading_crypto(job: &Job) -> Answer {
    let answer = run(job);
    if crate::lazy_crypto::render_wanted_it() && !crate::lazy_crypto::is_loaded() {
        match crate::lazy_crypto::load().await {
            Ok(()) => return run(job),
            Err(e) => web_sys::console::warn_1(&format!("loading the crypto module: {e}").into()),
        }
    }
    answer
}

/// The worker's entry point: a [`Job`] as JSON in, an [`Answer`] as JSON out, or nothing when
/// the render called a crypto function before that module was there: the worker then awaits
/// [`load_crypto`] and runs the job again. Synchronous, so that a trap or an exhausted stack
/// reaches the worker's `catch` as an exception.
#[wasm_bindgen(js_name = runJob)]
pub fn run_json(job: &str) -> Result<Option<String>, JsError> {
    let job: Job = serde_json::from_str(job).map_err(|e| JsError::new(&e.to_string()))?;
    let answer = run(&job);
    if crate::lazy_crypto::render_wanted_it() && !crate::lazy_crypto::is_loaded() {
        return Ok(None);
    }
    serde_json::to_string(&answer)
        .map(Some)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Fetch the crypto module in the worker.
#[wasm_bindgen(js_name = loadCrypto)]
pub async fn load_crypto() -> Result<(), JsError> {
    crate::lazy_crypto::load()
        .await
        .map_err(|e| JsError::new(&e))
}

/// How a job ended, for the page.
#[derive(Debug)]
pub enum Outcome {
    Done(Answer),
    /// Stopped (watchdog, the user) or failed (the worker crashed): the sentence to show.
    Stopped(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Compute,
    Compare,
}

type Done = Box<dyn FnOnce(Outcome)>;

struct Queued {
    kind: Kind,
    json: String,
    done: Done,
}

struct Running {
    id: u32,
    kind: Kind,
    json: String,
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
    /// No worker can be started here; jobs run on the page.
    unavailable: bool,
    /// Worker start-up failures in a row (a missing file, a blocked script).
    failures: u32,
    next_id: u32,
    running: Option<Running>,
    queue: Vec<Queued>,
    on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
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
    let unavailable = CLIENT.with(|c| c.borrow().unavailable);
    if unavailable || urls().is_none() {
        Runner::Page
    } else {
        Runner::Worker
    }
}

fn start_worker(c: &mut Client) -> Option<web_sys::Worker> {
    let (glue, script) = urls()?;
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    opts.set_name("hookline-render");
    let worker = web_sys::Worker::new_with_options(&script, &opts).ok()?;
    let on_message = c.on_message.get_or_insert_with(|| {
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
            on_message(ev.data())
        })
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = c.on_error.get_or_insert_with(|| {
        // A script that fails to load fires a plain `Event`, an uncaught error an `ErrorEvent`.
        Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
            ev.prevent_default();
            let message = js_sys::Reflect::get(&ev, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "it could not be loaded".into());
            on_worker_error(message)
        })
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let init = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&init, &k.into(), v).is_ok();
    let ok = set("glue", &glue.into()) && set("module", &wasm_bindgen::module());
    let msg = js_sys::Object::new();
    if !ok
        || js_sys::Reflect::set(&msg, &"init".into(), &init).is_err()
        || worker.post_message(&msg).is_err()
    {
        worker.terminate();
        return None;
    }
    Some(worker)
}

/// Queue a job; `done` is called once with its outcome, unless a newer job of the same kind
/// replaces it first.
pub fn submit(job: Job, done: impl FnOnce(Outcome) + 'static) {
    let kind = job.kind();
    let unavailable = CLIENT.with(|c| c.borrow().unavailable);
    let json = if unavailable {
        None
    } else {
        serde_json::to_string(&job).ok()
    };
    let Some(json) = json else {
        wasm_bindgen_futures::spawn_local(async move {
            done(Outcome::Done(run_loading_crypto(&job).await));
        });
        return;
    };
    let slow = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.queue.retain(|q| q.kind != kind);
        c.queue.push(Queued {
            kind,
            json,
            done: Box::new(done),
        });
        c.queue.sort_by_key(|q| q.kind);
        c.running
            .as_ref()
            .is_some_and(|r| r.kind == kind && now() - r.started > SUPERSEDE_MS)
    });
    if slow {
        // The user has moved on from a slow job: do not make them wait for it.
        drop(abandon());
    }
    pump();
}

/// Terminate the worker and take the running job out, if any.
fn abandon() -> Option<Running> {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        let r = c.running.take()?;
        if let Some(win) = web_sys::window() {
            win.clear_timeout_with_handle(r.watchdog);
        }
        Some(r)
    })
}

/// Start the next queued job if nothing runs.
fn pump() {
    loop {
        let mut page_job: Option<(String, Done)> = None;
        let started = CLIENT.with(|c| {
            let mut c = c.borrow_mut();
            if c.running.is_some() || c.queue.is_empty() {
                return true;
            }
            let q = c.queue.remove(0);
            if c.worker.is_none() && !c.unavailable {
                c.worker = start_worker(&mut c);
                if c.worker.is_none() {
                    c.unavailable = true;
                }
            }
            let Some(worker) = c.worker.clone() else {
                page_job = Some((q.json, q.done));
                return false;
            };
            c.next_id += 1;
            let id = c.next_id;
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"id".into(), &id.into());
            let _ = js_sys::Reflect::set(&msg, &"job".into(), &q.json.as_str().into());
            let _ = worker.post_message(&msg);
            let watchdog = set_watchdog(id);
            c.running = Some(Running {
                id,
                kind: q.kind,
                json: q.json,
                started: now(),
                watchdog,
                done: q.done,
            });
            true
        });
        match page_job {
            Some((json, done)) => match serde_json::from_str::<Job>(&json) {
                Ok(job) => wasm_bindgen_futures::spawn_local(async move {
                    done(Outcome::Done(run_loading_crypto(&job).await));
                }),
                Err(e) => done(Outcome::Stopped(format!("Rendering failed: {e}"))),
            },
            None if started => return,
            None => {}
        }
    }
}

fn set_watchdog(id: u32) -> i32 {
    let cb = Closure::once_into_js(move || {
        let running = CLIENT.with(|c| c.borrow().running.as_ref().map(|r| r.id)) == Some(id);
        if running {
            stop(None);
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

/// Stop the running job now: by the watchdog (`None`) or by the user (the reason).
pub fn stop(by_user: Option<&str>) {
    let Some(r) = abandon() else {
        return;
    };
    let secs = (now() - r.started) / 1000.0;
    let message = match by_user {
        Some(why) => format!("Rendering stopped after {secs:.1} s: {why}"),
        None => format!(
            "Rendering stopped after {} s: the chart was still rendering. A loop that runs \
             very long, or templates that include each other without end, can do this. \
             Your edits are kept; change the template and the timeline comes back.",
            WATCHDOG_MS / 1000
        ),
    };
    pump();
    (r.done)(Outcome::Stopped(message));
}

/// Whether a job is running in the worker.
pub fn running_since() -> Option<f64> {
    CLIENT.with(|c| c.borrow().running.as_ref().map(|r| r.started))
}

fn finish(id: Option<u32>, outcome: impl FnOnce() -> Outcome) {
    let r = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
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
    let outcome = outcome();
    pump();
    (r.done)(outcome);
}

/// Chromium gives a worker a smaller stack than the page: about 400-450 nested `include`s fit
/// there (measured with the playground's release build), against the 1000 Helm allows and
/// the engine's nesting limit is calibrated for on the page. Deeper recursion ends with the
/// browser's stack error, said here in words. Re-running such a job on the page would reach
/// Helm's depth, but nothing could stop it there if it then ran long.
fn failure_message(error: &str) -> String {
    if error.contains("Maximum call stack size exceeded") || error.contains("too much recursion") {
        return "Rendering failed: the templates nest too deeply for the browser's render worker \
                (it holds about 400 nested includes; Helm allows 1000). A template that includes \
                itself without end does this."
            .to_string();
    }
    format!("Rendering failed: {error}")
}

fn on_message(data: JsValue) {
    let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
    if let Some(fatal) = get("fatal").and_then(|v| v.as_string()) {
        on_worker_error(fatal);
        return;
    }
    let id = get("id").and_then(|v| v.as_f64()).map(|v| v as u32);
    CLIENT.with(|c| c.borrow_mut().failures = 0);
    if let Some(out) = get("out").and_then(|v| v.as_string()) {
        finish(id, || match serde_json::from_str::<Answer>(&out) {
            Ok(a) => Outcome::Done(a),
            Err(e) => Outcome::Stopped(format!("Rendering failed: {e}")),
        });
    } else {
        let error = get("error")
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "no answer".into());
        // The instance may be broken (a trap, an exhausted stack): start afresh next time.
        if let Some(w) = CLIENT.with(|c| c.borrow_mut().worker.take()) {
            w.terminate();
        }
        finish(id, || Outcome::Stopped(failure_message(&error)));
    }
}

/// The worker could not load or crashed outside a job: the running job goes back to the
/// front of the queue for a fresh worker, or for the page after repeated start-up failures.
fn on_worker_error(message: String) {
    web_sys::console::warn_1(&format!("hookline: render worker: {message}").into());
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        c.failures += 1;
        if c.failures >= 2 {
            c.unavailable = true;
        }
        if let Some(r) = c.running.take() {
            if let Some(w) = web_sys::window() {
                w.clear_timeout_with_handle(r.watchdog);
            }
            if !c.queue.iter().any(|q| q.kind == r.kind) {
                c.queue.insert(
                    0,
                    Queued {
                        kind: r.kind,
                        json: r.json,
                        done: r.done,
                    },
                );
            }
        }
    });
    pump();
}
