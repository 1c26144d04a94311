// The render (and lint) worker: instantiates the page's own WebAssembly.Module (sent by the
// page, so it is neither fetched nor compiled again) through the same wasm-bindgen glue, then
// runs jobs (a job's JSON in, its answer out in web/src/packed.rs's text; a job carries only
// the files that changed since the worker's last one: web/src/wire.rs) until the page
// terminates it. The app's `main` runs on
// start-up too and returns at once: there is no window to mount on.
let ready = null;

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.init) {
    ready = import(msg.init.glue).then(async (glue) => {
      await glue.default({ module_or_path: msg.init.module });
      // The engine's nesting limit here: lower than the page's once a job has run this
      // thread's smaller stack out (web/src/worker.rs).
      const nesting = glue.configureWorker(msg.init.nesting || 0);
      self.postMessage({ ready: true, nesting });
      return glue;
    });
    ready.catch((e) => self.postMessage({ fatal: `start-up failed: ${e && e.message ? e.message : e}` }));
    return;
  }
  ready.then(async (glue) => {
    let reply;
    try {
      let out = glue.runJob(msg.job, !!msg.reset, msg.remove || '');
      // Nothing: the job needs a module the page loads on demand (web/src/lazy_engine.rs): the
      // second one (the chart engine, lint) or, once that is there, the third (Sprig's crypto,
      // dates, full regexes, schema validation). Fetch it, then run the job again; at most
      // twice. The page restarts its watchdog for each run (fetching is not runaway work).
      for (let i = 0; i < 2 && (out === undefined || out === null); i++) {
        self.postMessage({ id: msg.id, loading: true });
        await glue.loadModules();
        self.postMessage({ id: msg.id, loaded: true });
        out = glue.runJob(msg.job, !!msg.reset, msg.remove || '');
      }
      reply = { id: msg.id, out };
    } catch (e) {
      reply = { id: msg.id, error: e && e.message ? e.message : String(e) };
      // The browser's stack overflow: how deep the engine was, so that the page can lower
      // the nesting limit for the next worker (this instance is not used again).
      if (e instanceof RangeError) reply.nesting = glue.nestingNow();
    }
    self.postMessage(reply);
  }, () => {});
};
