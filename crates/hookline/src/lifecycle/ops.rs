//! The five operations: install, upgrade, rollback, uninstall, test.
//!
//! H4 = helm v4.2.4 `pkg/action/*.go`, H3 = v3.21.4 (line numbers in brackets where they
//! differ), as tabulated in `shared/spec/helm-hooks.md` §2.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value as Json;

use crate::hooks::{Hook, HookEvent};
use crate::kind_order::{self, KindOrder};
use crate::manifest::{split_template_output, Document};
use crate::plan::{Action, HelmVersion, HistoryEntry, Step};
use crate::scenario::{apply_set, merge_values, Scenario, StepSpec};

use super::api::{
    ApiErrorKind, Applied, ClusterApi, LiveObj, NewObj, ObjRef, Propagation, WaitFor,
};
use super::exec::HookRun;
use super::state::{cluster_scoped, ObjKey, Revision, Status};
use super::{render_files, Render, RenderOutput, RenderRequest};

/// Why an operation stopped.
#[derive(Clone, Debug)]
pub(crate) enum Stop {
    /// Helm returned this error.
    Err(String),
    /// The helm process was killed (outcome `interrupted`) while doing this.
    Interrupted(String),
    /// helm got SIGINT/SIGTERM (outcome `cancelled`) while doing this: install and upgrade
    /// cancel their context and fail the release with "context canceled" (H4 install.go:479-499,
    /// upgrade.go:442-452); the other commands have no signal handling and just exit.
    Cancelled(String),
}

impl From<String> for Stop {
    fn from(s: String) -> Stop {
        Stop::Err(s)
    }
}

/// Helm 4 wait strategies (H4 `pkg/cmd/flags.go:59-96`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
    HookOnly,
    Watcher,
    Legacy,
}

/// The flags of one command, after validation.
#[derive(Clone, Debug)]
pub(crate) struct Opts {
    pub no_hooks: bool,
    /// Helm 3 `--wait` (or forced by `--atomic`).
    pub wait_flag: bool,
    /// Helm 4 `--wait=<strategy>`.
    pub strategy: Strategy,
    pub wait_for_jobs: bool,
    /// `--timeout` in seconds.
    pub timeout: u64,
    pub atomic: bool,
    pub atomic_flag_name: &'static str,
    pub cleanup_on_fail: bool,
    pub keep_history: bool,
    pub replace: bool,
    pub skip_crds: bool,
    pub create_namespace: bool,
    pub take_ownership: bool,
    pub reuse_values: bool,
    pub reset_values: bool,
    pub reset_then_reuse_values: bool,
    pub install: bool,
    pub server_side: Option<String>,
    pub logs: bool,
    pub revision: i64,
    pub filter: Vec<String>,
    pub dry_run: bool,
    /// `--history-max` of upgrade and rollback (default 10, HELM_MAX_HISTORY; 0 = no limit).
    pub history_max: usize,
    /// uninstall `--cascade` (default background).
    pub cascade: Propagation,
}

impl Opts {
    fn new(helm: HelmVersion) -> Opts {
        Opts {
            no_hooks: false,
            wait_flag: false,
            strategy: Strategy::HookOnly,
            wait_for_jobs: false,
            timeout: 300,
            atomic: false,
            atomic_flag_name: match helm {
                HelmVersion::V3 => "atomic",
                HelmVersion::V4 => "rollback-on-failure",
            },
            cleanup_on_fail: false,
            keep_history: false,
            replace: false,
            skip_crds: false,
            create_namespace: false,
            take_ownership: false,
            reuse_values: false,
            reset_values: false,
            reset_then_reuse_values: false,
            install: false,
            server_side: None,
            logs: false,
            revision: 0,
            filter: Vec::new(),
            dry_run: false,
            history_max: 10,
            cascade: Propagation::Background,
        }
    }

    /// Does Helm wait for regular resources? H3: only with `--wait`; H4: unless the strategy
    /// is hookOnly (whose `Wait` does nothing, statuswait.go:282-284).
    pub fn resource_waits(&self, helm: HelmVersion) -> bool {
        match helm {
            HelmVersion::V3 => self.wait_flag,
            HelmVersion::V4 => self.strategy != Strategy::HookOnly,
        }
    }

    /// Does Helm wait for hook deletions? H3 always (hooks.go:147-172); H4 through the
    /// strategy (hookOnly `WaitForDelete` does nothing, statuswait.go:290-292).
    pub fn hook_delete_waits(&self, helm: HelmVersion) -> bool {
        match helm {
            HelmVersion::V3 => true,
            HelmVersion::V4 => self.strategy != Strategy::HookOnly,
        }
    }

    /// The timeout of one hook wait: H4 turns 0 into 30s (statuswait.go:57-62).
    pub fn hook_timeout(&self, helm: HelmVersion) -> u64 {
        if helm == HelmVersion::V4 && self.timeout == 0 {
            30
        } else {
            self.timeout
        }
    }
}

/// The state of one step while it runs.
pub(crate) struct Cx<'s> {
    pub spec: &'s StepSpec,
    pub actions: Vec<Action>,
    pub worst: u64,
    pub first_written: Option<u32>,
    pub purged: bool,
    pub notes: Option<String>,
    /// `helm test --logs` failed to read a Pod.
    pub log_error: Option<String>,
}

impl<'s> Cx<'s> {
    fn new(spec: &'s StepSpec) -> Cx<'s> {
        Cx {
            spec,
            actions: Vec::new(),
            worst: 0,
            first_written: None,
            purged: false,
            notes: None,
            log_error: None,
        }
    }

    fn written(&mut self, v: u32) {
        if self.first_written.is_none() {
            self.first_written = Some(v);
        }
    }

    /// `event:Kind/name` beats `Kind/name`.
    pub fn hook_outcome(&self, event: HookEvent, h: &Hook) -> Option<String> {
        let obj = format!("{}/{}", h.kind, h.name);
        self.spec
            .outcomes
            .get(&format!("{}:{obj}", event.as_str()))
            .or_else(|| self.spec.outcomes.get(&obj))
            .cloned()
    }

    fn resource_outcome(&self, phase: &str, kind: &str, name: &str) -> Option<String> {
        let obj = format!("{kind}/{name}");
        self.spec
            .outcomes
            .get(&format!("{phase}:{obj}"))
            .or_else(|| self.spec.outcomes.get(&obj))
            .cloned()
    }
}

pub(crate) struct Sim<'a, C: ClusterApi> {
    pub sc: &'a Scenario,
    pub helm: HelmVersion,
    pub cluster: &'a mut C,
    pub history: Vec<Revision>,
    sticky_manifest: Option<String>,
}

const OPS: &[&str] = &["install", "upgrade", "rollback", "uninstall", "test"];

/// Flags Helm accepts that change nothing the simulator models.
fn flag_ignored(op: &str, flag: &str) -> bool {
    let common = matches!(flag, "debug" | "timeout")
        || (flag == "description" && matches!(op, "install" | "upgrade" | "uninstall"));
    common
        || match op {
            "install" | "upgrade" => matches!(
                flag,
                "dependency-update"
                    | "disable-openapi-validation"
                    | "skip-schema-validation"
                    | "render-subchart-notes"
                    | "hide-notes"
                    | "devel"
                    | "force-conflicts"
                    | "enable-dns"
            ),
            "rollback" => matches!(flag, "force-conflicts"),
            "uninstall" => matches!(flag, "cascade"),
            _ => false,
        }
}

/// The flags each command accepts (cobra rejects the rest with `unknown flag: --X`).
fn flag_allowed(op: &str, flag: &str, helm: HelmVersion) -> bool {
    if flag_ignored(op, flag)
        || (flag == "dry-run" && op != "test")
        || (flag == "history-max" && matches!(op, "upgrade" | "rollback"))
    {
        return true;
    }
    let v4 = helm == HelmVersion::V4;
    match op {
        "install" => {
            matches!(
                flag,
                "atomic"
                    | "no-hooks"
                    | "wait"
                    | "wait-for-jobs"
                    | "skip-crds"
                    | "create-namespace"
                    | "take-ownership"
                    | "replace"
            ) || (v4 && flag == "rollback-on-failure")
        }
        "upgrade" => {
            matches!(
                flag,
                "install"
                    | "atomic"
                    | "no-hooks"
                    | "wait"
                    | "wait-for-jobs"
                    | "cleanup-on-fail"
                    | "reuse-values"
                    | "reset-values"
                    | "reset-then-reuse-values"
                    | "skip-crds"
                    | "create-namespace"
                    | "take-ownership"
                    | "force"
            ) || (v4 && flag == "rollback-on-failure")
                || (!v4 && flag == "recreate-pods")
        }
        "rollback" => {
            matches!(
                flag,
                "no-hooks" | "wait" | "wait-for-jobs" | "cleanup-on-fail" | "force"
            ) || (!v4 && flag == "recreate-pods")
        }
        "uninstall" => matches!(
            flag,
            "no-hooks" | "keep-history" | "wait" | "ignore-not-found"
        ),
        "test" => matches!(flag, "logs"),
        _ => false,
    }
}

fn ownership_error(obj: &LiveObj, release: &str, ns: &str) -> Option<String> {
    // checkOwnership (H4 pkg/action/validate.go).
    let mut errs = Vec::new();
    match &obj.owner {
        None => {
            errs.push("label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"".to_string());
            errs.push(format!("annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"{release}\""));
            errs.push(format!("annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"{ns}\""));
        }
        Some((r, rns)) => {
            if r != release {
                errs.push(format!("annotation validation error: key \"meta.helm.sh/release-name\" must equal \"{release}\": current value is \"{r}\""));
            }
            if rns != ns {
                errs.push(format!("annotation validation error: key \"meta.helm.sh/release-namespace\" must equal \"{ns}\": current value is \"{rns}\""));
            }
        }
    }
    if errs.is_empty() {
        None
    } else {
        Some(format!("invalid ownership metadata; {}", errs.join("; ")))
    }
}

fn resource_string(kind: &str, name: &str, ns: &str) -> String {
    format!("{kind} {name:?} in namespace {ns:?}")
}

/// The documents Helm acts on: those with a kind or a name (moved, not copied).
fn real_docs(mut docs: Vec<Document>) -> Rc<[Document]> {
    docs.retain(|d| !d.kind.is_empty() || !d.name.is_empty());
    docs.into()
}

impl<'a, C: ClusterApi> Sim<'a, C> {
    pub fn new(sc: &'a Scenario, cluster: &'a mut C) -> Sim<'a, C> {
        Sim {
            sc,
            helm: sc.helm,
            cluster,
            history: Vec::new(),
            sticky_manifest: None,
        }
    }

    /// Record an action, with the time it happened on a real cluster.
    pub(crate) fn push(&self, cx: &mut Cx<'_>, mut a: Action) {
        a.at_ms = self.cluster.elapsed_ms();
        cx.actions.push(a);
    }

    pub(crate) fn key(&self, kind: &str, ns: Option<&str>, name: &str) -> ObjKey {
        let ns = if cluster_scoped(kind) {
            String::new()
        } else {
            ns.filter(|n| !n.is_empty())
                .unwrap_or(&self.sc.namespace)
                .to_string()
        };
        (kind.to_string(), ns, name.to_string())
    }

    fn doc_key(&self, d: &Document) -> ObjKey {
        self.key(&d.kind, d.namespace.as_deref(), &d.name)
    }

    fn ns_of(&self, key: &ObjKey) -> String {
        key.1.clone()
    }

    fn history_entries(&self) -> Vec<HistoryEntry> {
        self.history
            .iter()
            .map(|r| HistoryEntry {
                revision: r.version,
                status: r.status.as_str().to_string(),
                description: r.description.clone(),
            })
            .collect()
    }

    fn rev_mut(&mut self, version: u32) -> Option<&mut Revision> {
        self.history.iter_mut().find(|r| r.version == version)
    }

    fn set_status(&mut self, version: u32, status: Status, description: &str) {
        if let Some(r) = self.rev_mut(version) {
            r.status = status;
            r.description = description.to_string();
        }
    }

    pub async fn run_step(
        &mut self,
        index: usize,
        spec: &StepSpec,
        render: &mut dyn Render,
    ) -> Step {
        let mut cx = Cx::new(spec);
        let res = self.dispatch(index, spec, render, &mut cx).await;
        let (status, revision) = if cx.purged && self.history.is_empty() {
            ("purged".to_string(), cx.first_written)
        } else if let Some(v) = cx.first_written {
            let st = self
                .history
                .iter()
                .find(|r| r.version == v)
                .map(|r| r.status.as_str().to_string())
                .unwrap_or_else(|| "purged".into());
            (st, Some(v))
        } else {
            let st = self
                .history
                .last()
                .map(|r| r.status.as_str().to_string())
                .unwrap_or_else(|| "none".into());
            (st, None)
        };
        let error = match res {
            Ok(()) => None,
            Err(Stop::Err(e)) => Some(e),
            Err(Stop::Interrupted(what)) => Some(format!(
                "interrupted while {what}: the helm process was killed, so the release record stays {status}"
            )),
            Err(Stop::Cancelled(what)) => Some(format!(
                "cancelled while {what}: helm {} has no signal handling, so the process exits and the release record stays {status}",
                spec.op
            )),
        };
        Step {
            op: spec.op.clone(),
            revision,
            status,
            error,
            actions: cx.actions,
            cluster: self.cluster.listing(&self.sc.namespace).await,
            history: self.history_entries(),
            notes: cx.notes,
            worst_case_seconds: cx.worst,
        }
    }

    async fn dispatch(
        &mut self,
        index: usize,
        spec: &StepSpec,
        render: &mut dyn Render,
        cx: &mut Cx<'_>,
    ) -> Result<(), Stop> {
        let helm = self.helm;
        let op = spec.op.trim().to_string();
        if !OPS.contains(&op.as_str()) {
            return Err(Stop::Err(format!(
                "unknown command {:?} for \"helm\"",
                spec.op
            )));
        }
        if let Some(m) = &spec.manifest {
            self.sticky_manifest = Some(m.clone());
        }
        let mut o = Opts::new(helm);
        for f in &spec.flags {
            let (name, value) = match f.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (f.as_str(), None),
            };
            if !flag_allowed(&op, name, helm) {
                return Err(Stop::Err(format!("unknown flag: --{name}")));
            }
            if value.is_some_and(|v| v == "false") {
                continue;
            }
            match name {
                "atomic" | "rollback-on-failure" => o.atomic = true,
                "no-hooks" => o.no_hooks = true,
                "wait" => {
                    o.wait_flag = true;
                    o.strategy = match value {
                        Some("legacy") => Strategy::Legacy,
                        Some("hookOnly") => Strategy::HookOnly,
                        _ => Strategy::Watcher,
                    };
                }
                "wait-for-jobs" => o.wait_for_jobs = true,
                "skip-crds" => o.skip_crds = true,
                "create-namespace" => o.create_namespace = true,
                "take-ownership" => o.take_ownership = true,
                "replace" => o.replace = true,
                "install" => o.install = true,
                "cleanup-on-fail" => o.cleanup_on_fail = true,
                "reuse-values" => o.reuse_values = true,
                "reset-values" => o.reset_values = true,
                "reset-then-reuse-values" => o.reset_then_reuse_values = true,
                "keep-history" => o.keep_history = true,
                "logs" => o.logs = true,
                "dry-run" => o.dry_run = true,
                "cascade" => {
                    o.cascade = match value {
                        Some("orphan") => Propagation::Orphan,
                        Some("foreground") => Propagation::Foreground,
                        _ => Propagation::Background,
                    }
                }
                "history-max" => {
                    o.history_max = value.and_then(|v| v.trim().parse().ok()).unwrap_or(10)
                }
                "timeout" => {
                    if let Some(t) = value.and_then(crate::scenario::parse_duration_seconds) {
                        o.timeout = t;
                    }
                }
                _ => {}
            }
        }
        if helm == HelmVersion::V4 && o.atomic && spec.flags.iter().any(|f| f == "atomic") {
            // --atomic is the deprecated alias of --rollback-on-failure in Helm 4
            // (H4 pkg/cmd/install.go:203-205); messages name the new flag.
            o.atomic_flag_name = "rollback-on-failure";
        }
        if let Some(w) = &spec.wait {
            if op == "test" {
                return Err(Stop::Err("unknown flag: --wait".into()));
            }
            match helm {
                HelmVersion::V3 => match w.as_str() {
                    "true" => o.wait_flag = true,
                    "false" | "" => {}
                    other => {
                        return Err(Stop::Err(format!(
                            "invalid argument {other:?} for \"--wait\" flag: strconv.ParseBool: parsing {other:?}: invalid syntax"
                        )))
                    }
                },
                HelmVersion::V4 => {
                    o.strategy = match w.as_str() {
                        "watcher" | "true" => Strategy::Watcher,
                        "hookOnly" | "false" => Strategy::HookOnly,
                        "legacy" => Strategy::Legacy,
                        other => {
                            return Err(Stop::Err(format!(
                                "invalid argument {other:?} for \"--wait\" flag: invalid wait input {other:?}. Valid inputs are watcher, hookOnly, and legacy"
                            )))
                        }
                    }
                }
            }
        }
        if let Some(ss) = &spec.server_side {
            if helm == HelmVersion::V3 || !matches!(op.as_str(), "install" | "upgrade" | "rollback")
            {
                return Err(Stop::Err("unknown flag: --server-side".into()));
            }
            if !matches!(ss.as_str(), "true" | "false" | "auto") {
                return Err(Stop::Err(format!(
                    "invalid/unknown release server-side apply method: {ss}"
                )));
            }
            o.server_side = Some(ss.clone());
        }
        if let Some(t) = spec.timeout_seconds {
            o.timeout = t;
        }
        if spec.revision.is_some() && op != "rollback" {
            return Err(Stop::Err("unknown flag: --revision".into()));
        }
        o.revision = spec.revision.unwrap_or(0);
        if !spec.filter.is_empty() && op != "test" {
            return Err(Stop::Err("unknown flag: --filter".into()));
        }
        o.filter = spec.filter.clone();
        let has_values = spec.values.as_object().is_some_and(|m| !m.is_empty());
        if (has_values || !spec.set.is_empty()) && !matches!(op.as_str(), "install" | "upgrade") {
            return Err(Stop::Err(format!(
                "unknown flag: --{}",
                if has_values { "values" } else { "set" }
            )));
        }
        // Atomic turns waiting on: H3 Wait=true (install.go:291, upgrade.go:158); H4
        // hookOnly → watcher (install.go:348-350, upgrade.go:187-189).
        if o.atomic {
            match helm {
                HelmVersion::V3 => o.wait_flag = true,
                HelmVersion::V4 => {
                    if o.strategy == Strategy::HookOnly {
                        o.strategy = Strategy::Watcher
                    }
                }
            }
        }
        let mut vals = spec.values.clone();
        if !vals.is_object() {
            vals = Json::Object(Default::default());
        }
        for s in &spec.set {
            apply_set(&mut vals, s)
                .map_err(|e| Stop::Err(format!("failed parsing --set data: {e}")))?;
        }

        if o.dry_run {
            // --dry-run: Helm renders and validates but applies and stores nothing
            // (H4 install.go:423-426, upgrade.go:400-408, rollback.go:87-92, uninstall.go:78-92).
            return Ok(());
        }
        match op.as_str() {
            "install" => self.install(cx, &o, vals, render, index).await,
            "upgrade" => {
                // upgrade --install (H4 pkg/cmd/upgrade.go:123-175; H3 cmd/helm/upgrade.go:120-165).
                let uninstalled = self
                    .history
                    .last()
                    .is_some_and(|r| r.status == Status::Uninstalled);
                if o.install && (self.history.is_empty() || uninstalled) {
                    let mut io = o.clone();
                    io.replace = uninstalled;
                    return self.install(cx, &io, vals, render, index).await;
                }
                self.upgrade(cx, &o, vals, render, index).await
            }
            "rollback" => self.rollback(cx, &o).await,
            "uninstall" => self.uninstall(cx, &o).await,
            _ => self.test(cx, &o).await,
        }
    }

    /// Storage pruning before a new record is created: keep `max - 1` revisions, never the
    /// newest deployed one (H4 pkg/storage/storage.go:64-77,223-290).
    fn prune_history(&mut self, max: usize) {
        if max == 0 || self.history.len() < max {
            return;
        }
        let keep = max - 1;
        let newest_deployed = self
            .history
            .iter()
            .rev()
            .find(|r| r.status == Status::Deployed)
            .map(|r| r.version);
        let mut remove = BTreeSet::new();
        for r in &self.history {
            if self.history.len() - remove.len() == keep {
                break;
            }
            if Some(r.version) != newest_deployed {
                remove.insert(r.version);
            }
        }
        self.history.retain(|r| !remove.contains(&r.version));
    }

    fn do_render(
        &mut self,
        render: &mut dyn Render,
        index: usize,
        revision: u32,
        is_install: bool,
        values: &Json,
    ) -> Result<RenderOutput, String> {
        if let Some(m) = &self.sticky_manifest {
            let files = split_template_output(m, "manifest.yaml");
            return render_files(&files, self.helm);
        }
        let req = RenderRequest {
            release: &self.sc.release,
            namespace: &self.sc.namespace,
            revision,
            is_install,
            is_upgrade: !is_install,
            values,
            helm: self.helm,
            step: index,
        };
        render.render(&req)
    }

    pub(crate) fn obj_ref(
        &self,
        api_version: &str,
        kind: &str,
        ns: Option<&str>,
        name: &str,
    ) -> ObjRef {
        let (kind, namespace, name) = self.key(kind, ns, name);
        ObjRef {
            api_version: api_version.to_string(),
            kind,
            namespace,
            name,
        }
    }

    fn doc_ref(&self, d: &Document) -> ObjRef {
        self.obj_ref(&d.api_version, &d.kind, d.namespace.as_deref(), &d.name)
    }

    /// A regular resource of this release, with Helm's ownership metadata.
    fn new_obj<'d>(&self, d: &'d Document) -> NewObj<'d> {
        NewObj {
            r: self.doc_ref(d),
            content: &d.content,
            owner: Some((self.sc.release.clone(), self.sc.namespace.clone())),
            hook: false,
            crd_file: false,
            resource_policy: d.annotations.get(crate::RESOURCE_POLICY).cloned(),
        }
    }

    /// GET; a failed call stops the command as Helm's failed GET does.
    pub(crate) async fn live(&mut self, r: &ObjRef) -> Result<Option<LiveObj>, Stop> {
        self.cluster.get(r).await.map_err(|e| Stop::Err(e.message))
    }

    fn res_action(phase: &str, verb: &str, d: &Document) -> Action {
        Action {
            phase: phase.into(),
            verb: verb.into(),
            kind: d.kind.clone(),
            name: d.name.clone(),
            ..Action::default()
        }
    }

    /// Wait for regular resources (H4 statuswait.go `Wait`/`WaitWithJobs`; H3
    /// pkg/kube/wait.go). One wait, one timeout.
    async fn wait_resources(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        phase: &str,
        docs: &[Document],
    ) -> Result<(), Stop> {
        // One wait with one timeout; an empty list returns at once.
        if docs.iter().any(|d| d.kind != "Job" || o.wait_for_jobs) {
            cx.worst = cx.worst.saturating_add(o.timeout);
        }
        let mut errs = Vec::new();
        let mut interrupted = None;
        for d in docs {
            if d.kind == "Job" && !o.wait_for_jobs {
                continue;
            }
            let outcome = cx.resource_outcome(phase, &d.kind, &d.name);
            let r = self.doc_ref(d);
            // Interrupted and cancelled are what happens to the helm process, not the cluster.
            let result = match outcome.as_deref() {
                Some("interrupted") => "interrupted",
                Some("cancelled") => "cancelled",
                hint => {
                    self.cluster
                        .wait(&r, WaitFor::Resource, o.timeout, hint)
                        .await
                }
            };
            let mut a = Self::res_action(phase, "wait", d);
            a.result = Some(result.into());
            self.push(cx, a);
            let key = r.key();
            match result {
                "interrupted" | "cancelled" => {
                    interrupted = Some((
                        result == "cancelled",
                        format!("waiting for {}/{} to be ready", d.kind, d.name),
                    ));
                    break;
                }
                "not-ready" | "failed" => {
                    let ns = self.ns_of(&key);
                    let status = if result == "failed" {
                        "Failed"
                    } else {
                        "InProgress"
                    };
                    errs.push(format!(
                        "resource {}/{}/{} not ready. status: {status}, message: {} is not ready (simulated)",
                        d.kind, ns, d.name, d.kind
                    ));
                }
                _ => {}
            }
        }
        match interrupted {
            Some((true, w)) => return Err(Stop::Cancelled(w)),
            Some((false, w)) => return Err(Stop::Interrupted(w)),
            None => {}
        }
        if errs.is_empty() {
            return Ok(());
        }
        let legacy = self.helm == HelmVersion::V3 || o.strategy == Strategy::Legacy;
        if legacy {
            Err(Stop::Err("context deadline exceeded".into()))
        } else {
            errs.push("context deadline exceeded".into());
            Err(Stop::Err(errs.join("\n")))
        }
    }

    /// Apply target resources (create new, update existing), then delete the current
    /// manifest's objects that are no longer rendered unless the live object says `keep`
    /// (H4 pkg/kube/client.go:573-704). Returns the created keys, or the error with them.
    async fn update_resources(
        &mut self,
        cx: &mut Cx<'_>,
        phase: &str,
        current: &[Document],
        target: &[Document],
    ) -> Result<Vec<ObjRef>, (Vec<ObjRef>, String)> {
        let mut created = Vec::new();
        let target_keys: BTreeSet<ObjKey> =
            crate::stable_sort::set_from(target.iter().map(|d| self.doc_key(d)));
        for d in target {
            let r = self.doc_ref(d);
            let outcome = cx.resource_outcome(phase, &d.kind, &d.name);
            let live = match self.cluster.get(&r).await {
                Ok(l) => l,
                Err(e) => return Err((created, e.message)),
            };
            let obj = self.new_obj(d);
            let res = if live.is_some() {
                self.cluster
                    .apply(&obj, outcome.as_deref())
                    .await
                    .map(|_| "update")
            } else {
                self.cluster
                    .create(&obj, outcome.as_deref())
                    .await
                    .map(|_| "create")
            };
            match res {
                Ok(verb) => {
                    self.push(cx, Self::res_action(phase, verb, d));
                    if verb == "create" {
                        created.push(r);
                    }
                }
                Err(e) => {
                    let e = format!("failed to create resource: {}", e.message);
                    let mut a = Self::res_action(phase, "create", d);
                    a.error = Some(e.clone());
                    self.push(cx, a);
                    return Err((created, e));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for d in current {
            let key = self.doc_key(d);
            if target_keys.contains(&key) || !seen.insert(key.clone()) {
                continue;
            }
            let r = self.doc_ref(d);
            let live = match self.cluster.get(&r).await {
                Ok(Some(l)) => l,
                Ok(None) => continue,
                Err(e) => return Err((created, e.message)),
            };
            if live.resource_policy.as_deref() == Some("keep") {
                let mut a = Self::res_action(phase, "keep", d);
                a.reason = Some("resource-policy keep".into());
                self.push(cx, a);
                continue;
            }
            // H4 pkg/kube/client.go:650 deletes with background propagation.
            let res = self
                .cluster
                .delete(&r, Propagation::Background, 0, None)
                .await;
            let mut a = Self::res_action(phase, "delete", d);
            a.reason = Some("no longer rendered".into());
            match res {
                Ok(false) => continue,
                Ok(true) => {}
                // Helm logs a failed delete of an old object and goes on (client.go:650-660).
                Err(e) => a.error = Some(e.message),
            }
            self.push(cx, a);
        }
        Ok(created)
    }

    async fn cleanup_created(&mut self, cx: &mut Cx<'_>, phase: &str, created: &[ObjRef]) {
        // H4 upgrade.go:536 deletes the created objects with background propagation.
        for r in created {
            let res = self
                .cluster
                .delete(r, Propagation::Background, 0, None)
                .await;
            let mut a = Action {
                phase: phase.into(),
                verb: "delete".into(),
                kind: r.kind.clone(),
                name: r.name.clone(),
                reason: Some("cleanup-on-fail".into()),
                ..Action::default()
            };
            match res {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => a.error = Some(e.message),
            }
            self.push(cx, a);
        }
    }

    fn ssa_for_install(&self, o: &Opts) -> bool {
        // Install defaults to server-side apply in Helm 4 (pkg/cmd/install.go:192).
        self.helm == HelmVersion::V4 && o.server_side.as_deref() != Some("false")
    }

    fn ssa_for_upgrade(&self, o: &Opts, previous: bool) -> bool {
        // getUpgradeServerSideValue (H4 upgrade.go:669-680): auto keeps the previous method.
        match (self.helm, o.server_side.as_deref()) {
            (HelmVersion::V3, _) => false,
            (_, Some("true")) => true,
            (_, Some("false")) => false,
            _ => previous,
        }
    }

    // ---------------------------------------------------------------- install

    /// `Install.RunWithContext` (H4 pkg/action/install.go:288-598 [H3 229-523]).
    async fn install(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        values: Json,
        render: &mut dyn Render,
        index: usize,
    ) -> Result<(), Stop> {
        let release = self.sc.release.clone();
        let ns = self.sc.namespace.clone();
        // availableName (H4 install.go:608-636 [H3 533-555]).
        if let Some(last) = self.history.last() {
            if !(o.replace && matches!(last.status, Status::Uninstalled | Status::Failed)) {
                return Err(Stop::Err(match self.helm {
                    HelmVersion::V3 => "cannot re-use a name that is still in use".into(),
                    HelmVersion::V4 => {
                        "release name check failed: cannot reuse a name that is still in use".into()
                    }
                }));
            }
        }
        let mut out = self
            .do_render(render, index, 1, true, &values)
            .map_err(Stop::Err)?;
        let ssa = self.ssa_for_install(o);
        // CRDs from crds/ (H4 install.go:320-327, installCRDs :185-269 [H3 263-270, 161-223]).
        if !o.skip_crds && !out.crds.is_empty() {
            let mut created_any = false;
            for crd in out.crds.iter() {
                let mut a = Self::res_action("crds", "create", crd);
                let mut obj = self.new_obj(crd);
                obj.owner = None;
                obj.crd_file = true;
                if ssa {
                    match self.cluster.apply(&obj, None).await {
                        Ok(Applied::Created) => created_any = true,
                        Ok(_) => {
                            a.verb = "update".into();
                            a.why = Some("Helm 4 applies CRDs with server-side apply: an existing CRD is patched, not skipped (inference, spec §2.1.1)".into());
                        }
                        Err(e) => {
                            return Err(Stop::Err(format!(
                                "failed to install CRD {}: {}",
                                crd.path, e.message
                            )))
                        }
                    }
                } else {
                    match self.cluster.create(&obj, None).await {
                        Ok(()) => created_any = true,
                        Err(e) if e.kind == ApiErrorKind::AlreadyExists => {
                            a.verb = "skip".into();
                            a.reason = Some("already exists".into());
                            a.why = Some(
                                "AlreadyExists skips the file: existing CRDs are never updated"
                                    .into(),
                            );
                        }
                        Err(e) => {
                            return Err(Stop::Err(format!(
                                "failed to install CRD {}: {}",
                                crd.path, e.message
                            )))
                        }
                    }
                }
                self.push(cx, a);
            }
            // The fixed 60s CRD wait: H3 always; H4 through the strategy (hookOnly: none).
            if created_any && (self.helm == HelmVersion::V3 || o.strategy != Strategy::HookOnly) {
                cx.worst = cx.worst.saturating_add(60);
            }
        }
        let resources = real_docs(std::mem::take(&mut out.manifests.resources));
        // Conflict check: regular resources must not exist unless owned by this release or
        // adopted with --take-ownership; hooks are not checked (H4 install.go:411-420
        // [H3 352-361]).
        let mut adopt = BTreeSet::new();
        for d in resources.iter() {
            let key = self.doc_key(d);
            if let Some(obj) = self.live(&self.doc_ref(d)).await? {
                match ownership_error(&obj, &release, &ns) {
                    Some(e) if !o.take_ownership => {
                        let prefix = match self.helm {
                            HelmVersion::V3 => "Unable to continue with install",
                            HelmVersion::V4 => "unable to continue with install",
                        };
                        return Err(Stop::Err(format!(
                            "{prefix}: {} exists and cannot be imported into the current release: {e}",
                            resource_string(&d.kind, &d.name, &key.1)
                        )));
                    }
                    _ => {
                        adopt.insert(key);
                    }
                }
            }
        }
        // --create-namespace (H4 install.go:428-455).
        if o.create_namespace {
            let d = Document {
                api_version: "v1".into(),
                kind: "Namespace".into(),
                name: ns.clone(),
                // Helm labels the namespace with its name (H4 install.go:424-435).
                content: format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    name: {ns}\n").into(),
                ..Document::default()
            };
            if self.live(&self.doc_ref(&d)).await?.is_none() {
                let mut obj = self.new_obj(&d);
                obj.owner = None;
                match self.cluster.create(&obj, None).await {
                    Ok(()) => self.push(cx, Self::res_action("install", "create", &d)),
                    Err(e) if e.kind == ApiErrorKind::AlreadyExists => {}
                    Err(e) => return Err(Stop::Err(e.message)),
                }
            }
        }
        // --replace: version = last+1; the previous revision is superseded unless failed
        // (replaceRelease, H4 install.go:692-717).
        let mut version = 1;
        if o.replace {
            if let Some(last) = self.history.last_mut() {
                version = last.version + 1;
                if last.status != Status::Failed {
                    last.status = Status::Superseded;
                    last.description = "superseded by new release".into();
                }
            }
        }
        // Store the record as pending-install (H4 install.go:465 [H3 404]).
        let hooks: Rc<[Hook]> = std::mem::take(&mut out.manifests.hooks).into();
        self.history.push(Revision {
            version,
            status: Status::PendingInstall,
            description: "Initial install underway".into(),
            manifest: resources.clone(),
            hooks: hooks.clone(),
            values,
            ssa,
            notes: out.notes.clone(),
        });
        cx.written(version);
        match self
            .perform_install(cx, o, &hooks, &resources, &adopt, ssa)
            .await
        {
            Ok(()) => {
                self.set_status(version, Status::Deployed, "Install complete");
                cx.notes = out.notes;
                Ok(())
            }
            Err(Stop::Interrupted(w)) => Err(Stop::Interrupted(w)),
            // SIGINT/SIGTERM: the context is cancelled and the release fails.
            Err(Stop::Cancelled(_)) => {
                self.fail_install(cx, o, version, "context canceled".into())
                    .await
            }
            Err(Stop::Err(e)) => self.fail_install(cx, o, version, e).await,
        }
    }

    /// `performInstall` (H4 install.go:505-576 [H3 446-503]).
    async fn perform_install(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        hooks: &[Hook],
        resources: &[Document],
        adopt: &BTreeSet<ObjKey>,
        ssa: bool,
    ) -> Result<(), Stop> {
        let run = HookRun {
            ssa,
            logs_before_shutdown: false,
        };
        if !o.no_hooks {
            self.exec_hooks(cx, o, hooks, HookEvent::PreInstall, run)
                .await
                .map_err(|e| wrap(e, "failed pre-install: "))?;
        }
        for d in resources {
            let key = self.doc_key(d);
            let outcome = cx.resource_outcome("install", &d.kind, &d.name);
            let obj = self.new_obj(d);
            // Adopted objects are updated in place; the rest are created, through server-side
            // apply when the release uses it (H4 install.go:513-525).
            let res = if adopt.contains(&key) || ssa {
                self.cluster
                    .apply(&obj, outcome.as_deref())
                    .await
                    .map(|_| ())
            } else {
                self.cluster.create(&obj, outcome.as_deref()).await
            };
            if let Err(e) = res {
                let e = format!("failed to create resource: {}", e.message);
                let mut a = Self::res_action("install", "create", d);
                a.error = Some(e.clone());
                self.push(cx, a);
                return Err(Stop::Err(e));
            }
            let verb = if adopt.contains(&key) {
                "update"
            } else {
                "create"
            };
            let mut a = Self::res_action("install", verb, d);
            if verb == "update" {
                a.reason = Some(if o.take_ownership {
                    "take-ownership".into()
                } else {
                    "owned by this release".into()
                });
            }
            self.push(cx, a);
        }
        if o.resource_waits(self.helm) {
            self.wait_resources(cx, o, "install", resources).await?;
        }
        if !o.no_hooks {
            self.exec_hooks(cx, o, hooks, HookEvent::PostInstall, run)
                .await
                .map_err(|e| wrap(e, "failed post-install: "))?;
        }
        Ok(())
    }

    /// `failRelease` (H4 install.go:581-598 [H3 508-523]).
    async fn fail_install(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        version: u32,
        err: String,
    ) -> Result<(), Stop> {
        let release = self.sc.release.clone();
        self.set_status(
            version,
            Status::Failed,
            &format!("Release {release:?} failed: {err}"),
        );
        if !o.atomic {
            return Err(Stop::Err(err));
        }
        // Rollback on failure: Uninstall with KeepHistory=false, same no-hooks and timeout
        // (H4 also passes the wait strategy).
        let mut uo = Opts::new(self.helm);
        uo.no_hooks = o.no_hooks;
        uo.timeout = o.timeout;
        uo.keep_history = false;
        if self.helm == HelmVersion::V4 {
            uo.strategy = o.strategy;
        }
        match self.uninstall(cx, &uo).await {
            Ok(()) => Err(Stop::Err(format!(
                "release {release} failed, and has been uninstalled due to {} being set: {err}",
                o.atomic_flag_name
            ))),
            Err(Stop::Err(ue)) => Err(Stop::Err(format!(
                "an error occurred while uninstalling the release. original install error: {err}: {ue}"
            ))),
            Err(i) => Err(i),
        }
    }

    // ---------------------------------------------------------------- upgrade

    /// `Upgrade.RunWithContext` / `prepareUpgrade` / `performUpgrade`
    /// (H4 pkg/action/upgrade.go:175-525 [H3 150-482]).
    async fn upgrade(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        new_values: Json,
        render: &mut dyn Render,
        index: usize,
    ) -> Result<(), Stop> {
        let release = self.sc.release.clone();
        let ns = self.sc.namespace.clone();
        // Releases.Last (H4 :232-239 [209-216]).
        let Some(last) = self.history.last().cloned() else {
            return Err(Stop::Err(format!("{release:?} has no deployed releases")));
        };
        // errPending (H4 :247-249 [219-221]).
        if last.status.is_pending() {
            return Err(Stop::Err(
                "another operation (install/upgrade/rollback) is in progress".into(),
            ));
        }
        // The diff base (H4 :251-272 [223-238]).
        let current = if last.status == Status::Deployed {
            last.clone()
        } else if let Some(d) = self
            .history
            .iter()
            .rev()
            .find(|r| r.status == Status::Deployed)
        {
            d.clone()
        } else if matches!(last.status, Status::Failed | Status::Superseded) {
            last.clone()
        } else {
            return Err(Stop::Err(format!("{release:?} has no deployed releases")));
        };
        // Values: reset / reuse / reset-then-reuse / carry over when none given
        // (reuseValues, H4 upgrade.go:600-647).
        let has_new = new_values.as_object().is_some_and(|m| !m.is_empty());
        let values = if o.reset_values {
            new_values
        } else if o.reuse_values || o.reset_then_reuse_values {
            let mut v = current.values.clone();
            merge_values(&mut v, &new_values);
            v
        } else if !has_new && current.values.as_object().is_some_and(|m| !m.is_empty()) {
            current.values.clone()
        } else {
            new_values
        };
        // Revision = last + 1; failed revisions count (H4 :286 [252]).
        let version = last.version + 1;
        let ssa = self.ssa_for_upgrade(o, last.ssa);
        let mut out = self
            .do_render(render, index, version, false, &values)
            .map_err(Stop::Err)?;
        let target = real_docs(std::mem::take(&mut out.manifests.resources));
        let hooks: Rc<[Hook]> = std::mem::take(&mut out.manifests.hooks).into();
        // Conflict check for objects new in target (H4 :346-398 [310-362]).
        let current_keys: BTreeSet<ObjKey> =
            crate::stable_sort::set_from(current.manifest.iter().map(|d| self.doc_key(d)));
        for d in target.iter() {
            let key = self.doc_key(d);
            if current_keys.contains(&key) {
                continue;
            }
            if let Some(obj) = self.live(&self.doc_ref(d)).await? {
                if let Some(e) = ownership_error(&obj, &release, &ns) {
                    if !o.take_ownership {
                        let prefix = match self.helm {
                            HelmVersion::V3 => "Unable to continue with update",
                            HelmVersion::V4 => "unable to continue with update",
                        };
                        return Err(Stop::Err(format!(
                            "{prefix}: {} exists and cannot be imported into the current release: {e}",
                            resource_string(&d.kind, &d.name, &key.1)
                        )));
                    }
                }
            }
        }
        // Store the new revision as pending-upgrade (H4 :411 [376]); --history-max prunes.
        self.prune_history(o.history_max);
        self.history.push(Revision {
            version,
            status: Status::PendingUpgrade,
            description: "Preparing upgrade".into(),
            manifest: target.clone(),
            hooks: hooks.clone(),
            values,
            ssa,
            notes: out.notes.clone(),
        });
        cx.written(version);
        let run = HookRun {
            ssa,
            logs_before_shutdown: false,
        };
        // pre-upgrade (H4 :461-468 [420-427]).
        if !o.no_hooks {
            match self
                .exec_hooks(cx, o, &hooks, HookEvent::PreUpgrade, run)
                .await
            {
                Ok(()) => {}
                Err(Stop::Err(e)) => {
                    return self
                        .fail_upgrade(
                            cx,
                            o,
                            version,
                            &[],
                            format!("pre-upgrade hooks failed: {e}"),
                        )
                        .await
                }
                // SIGINT/SIGTERM: handleContext fails the release with an empty created list.
                Err(Stop::Cancelled(_)) => {
                    return self
                        .fail_upgrade(cx, o, version, &[], "context canceled".into())
                        .await
                }
                Err(i) => return Err(i),
            }
        }
        // KubeClient.Update (H4 :471-481 [429-434]).
        let created = match self
            .update_resources(cx, "upgrade", &current.manifest, &target)
            .await
        {
            Ok(c) => c,
            Err((created, e)) => return self.fail_upgrade(cx, o, version, &created, e).await,
        };
        // Wait on the target objects (H4 :483-506 [446-463]).
        if o.resource_waits(self.helm) {
            match self.wait_resources(cx, o, "upgrade", &target).await {
                Ok(()) => {}
                Err(Stop::Err(e)) => return self.fail_upgrade(cx, o, version, &created, e).await,
                // SIGINT/SIGTERM: handleContext fails the release with an empty created list.
                Err(Stop::Cancelled(_)) => {
                    return self
                        .fail_upgrade(cx, o, version, &[], "context canceled".into())
                        .await
                }
                Err(i) => return Err(i),
            }
        }
        // post-upgrade (H4 :509-514 [466-471]).
        if !o.no_hooks {
            match self
                .exec_hooks(cx, o, &hooks, HookEvent::PostUpgrade, run)
                .await
            {
                Ok(()) => {}
                Err(Stop::Err(e)) => {
                    return self
                        .fail_upgrade(
                            cx,
                            o,
                            version,
                            &created,
                            format!("post-upgrade hooks failed: {e}"),
                        )
                        .await
                }
                // SIGINT/SIGTERM: handleContext fails the release with an empty created list.
                Err(Stop::Cancelled(_)) => {
                    return self
                        .fail_upgrade(cx, o, version, &[], "context canceled".into())
                        .await
                }
                Err(i) => return Err(i),
            }
        }
        // Original → superseded, new → deployed (H4 :516-525 [473-482]).
        // Only the status changes; the description stays (upgrade.go:516-517).
        if let Some(r) = self.rev_mut(current.version) {
            r.status = Status::Superseded;
        }
        self.set_status(version, Status::Deployed, "Upgrade complete");
        cx.notes = out.notes;
        Ok(())
    }

    /// `Upgrade.failRelease` (H4 upgrade.go:528-599 [H3 485-542]).
    async fn fail_upgrade(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        version: u32,
        created: &[ObjRef],
        err: String,
    ) -> Result<(), Stop> {
        let release = self.sc.release.clone();
        self.set_status(
            version,
            Status::Failed,
            &format!("Upgrade {release:?} failed: {err}"),
        );
        if o.cleanup_on_fail && !created.is_empty() {
            self.cleanup_created(cx, "upgrade", created).await;
        }
        if !o.atomic {
            return Err(Stop::Err(err));
        }
        let target = self
            .history
            .iter()
            .rev()
            .find(|r| matches!(r.status, Status::Superseded | Status::Deployed))
            .map(|r| r.version);
        let Some(target) = target else {
            return Err(Stop::Err(format!(
                "unable to find a previously successful release when attempting to rollback. original upgrade error: {err}"
            )));
        };
        let mut ro = Opts::new(self.helm);
        ro.revision = i64::from(target);
        ro.no_hooks = o.no_hooks;
        ro.timeout = o.timeout;
        // The nested rollback keeps no MaxHistory (H4 upgrade.go:580-590 sets none).
        ro.history_max = 0;
        ro.wait_for_jobs = o.wait_for_jobs;
        ro.server_side = o.server_side.clone();
        match self.helm {
            // H3 forces Wait=true for the rollback.
            HelmVersion::V3 => ro.wait_flag = true,
            HelmVersion::V4 => ro.strategy = o.strategy,
        }
        match self.rollback(cx, &ro).await {
            Ok(()) => Err(Stop::Err(format!(
                "release {release} failed, and has been rolled back due to {} being set: {err}",
                o.atomic_flag_name
            ))),
            Err(Stop::Err(re)) => Err(Stop::Err(format!(
                "an error occurred while rolling back the release. original upgrade error: {err}: {re}"
            ))),
            Err(i) => Err(i),
        }
    }

    // ---------------------------------------------------------------- rollback

    /// `Rollback.Run` / `prepareRollback` / `performRollback`
    /// (H4 pkg/action/rollback.go:75-306 [H3 60-266]).
    async fn rollback(&mut self, cx: &mut Cx<'_>, o: &Opts) -> Result<(), Stop> {
        let release = self.sc.release.clone();
        if o.revision < 0 {
            return Err(Stop::Err("invalid release revision".into()));
        }
        // current = Releases.Last, whatever its status: no pending check (H4 :119-127).
        let Some(current) = self.history.last().cloned() else {
            return Err(Stop::Err("release: not found".into()));
        };
        let target_version = if o.revision == 0 {
            i64::from(current.version) - 1
        } else {
            o.revision
        };
        let Some(previous) = self
            .history
            .iter()
            .find(|r| i64::from(r.version) == target_version)
            .cloned()
        else {
            return Err(Stop::Err(format!(
                "release has no {target_version} version"
            )));
        };
        let ssa = self.ssa_for_upgrade(o, previous.ssa);
        let version = current.version + 1;
        // The new record copies the target's manifest, hooks, values and notes (H4 :173-192);
        // MaxHistory applies (H4 :75-79).
        self.prune_history(o.history_max);
        self.history.push(Revision {
            version,
            status: Status::PendingRollback,
            description: format!("Rollback to {}", previous.version),
            manifest: previous.manifest.clone(),
            hooks: previous.hooks.clone(),
            values: previous.values.clone(),
            ssa,
            notes: previous.notes.clone(),
        });
        cx.written(version);
        let run = HookRun {
            ssa,
            logs_before_shutdown: false,
        };
        // pre-rollback: the target revision's hooks; a failure returns at once and the record
        // stays pending-rollback (H4 :214-220 [179-185]).
        if !o.no_hooks {
            self.exec_hooks(cx, o, &previous.hooks, HookEvent::PreRollback, run)
                .await?;
        }
        // Update(current, target) (H4 :227-254 [192-215]).
        if let Err((created, e)) = self
            .update_resources(cx, "rollback", &current.manifest, &previous.manifest)
            .await
        {
            let msg = format!("Rollback {release:?} failed: {e}");
            let cur_desc = current.description.clone();
            self.set_status(current.version, Status::Superseded, &cur_desc);
            self.set_status(version, Status::Failed, &msg);
            if o.cleanup_on_fail {
                self.cleanup_created(cx, "rollback", &created).await;
            }
            return Err(Stop::Err(e));
        }
        // Wait (H4 :256-279 [227-243]).
        if o.resource_waits(self.helm) {
            match self
                .wait_resources(cx, o, "rollback", &previous.manifest)
                .await
            {
                Ok(()) => {}
                Err(Stop::Err(e)) => {
                    self.set_status(
                        version,
                        Status::Failed,
                        &format!("Release {release:?} failed: {e}"),
                    );
                    return Err(Stop::Err(format!("release {release} failed: {e}")));
                }
                Err(i) => return Err(i),
            }
        }
        // post-rollback: again stays pending-rollback on failure (H4 :282-286 [246-250]).
        if !o.no_hooks {
            self.exec_hooks(cx, o, &previous.hooks, HookEvent::PostRollback, run)
                .await?;
        }
        // Every deployed revision → superseded; the new one → deployed (H4 :288-303).
        for r in self.history.iter_mut() {
            if r.status == Status::Deployed {
                r.status = Status::Superseded;
            }
        }
        let desc = format!("Rollback to {}", previous.version);
        self.set_status(version, Status::Deployed, &desc);
        Ok(())
    }

    // ---------------------------------------------------------------- uninstall

    /// `Uninstall.Run` (H4 pkg/action/uninstall.go:60-220 [H3 58-190]).
    async fn uninstall(&mut self, cx: &mut Cx<'_>, o: &Opts) -> Result<(), Stop> {
        let release = self.sc.release.clone();
        let Some(last) = self.history.last().cloned() else {
            return Err(Stop::Err(format!(
                "uninstall: Release not loaded: {release}: release: not found"
            )));
        };
        // Already uninstalled (H4 :119-127 [93-101]).
        if last.status == Status::Uninstalled {
            if !o.keep_history {
                self.history.clear();
                cx.purged = true;
                cx.written(last.version);
                return Ok(());
            }
            return Err(Stop::Err(format!(
                "the release named {release:?} is already deleted"
            )));
        }
        cx.written(last.version);
        let version = last.version;
        // pre-delete: this revision's stored hooks; Helm 4 always applies them server-side
        // (uninstall.go:136, issue #32225).
        let run = HookRun {
            ssa: self.helm == HelmVersion::V4,
            logs_before_shutdown: false,
        };
        if !o.no_hooks {
            let has_pre = last
                .hooks
                .iter()
                .any(|h| h.events.contains(&HookEvent::PreDelete));
            if has_pre {
                // execHook persists the record (now uninstalling) before each hook runs.
                self.set_status(
                    version,
                    Status::Uninstalling,
                    "Deletion in progress (or silently failed)",
                );
            }
            self.exec_hooks(cx, o, &last.hooks, HookEvent::PreDelete, run)
                .await?;
        }
        self.set_status(
            version,
            Status::Uninstalling,
            "Deletion in progress (or silently failed)",
        );
        // deleteRelease (H4 :257-289 [211-247]): stored manifest in UninstallOrder; `keep`
        // (trimmed, lower-cased) is kept; any other resource-policy value is neither deleted
        // nor reported (resource_policy.go:26-46).
        let mut docs: Vec<&Document> = last.manifest.iter().collect();
        let helm = self.helm;
        crate::stable_sort::sort_by(&mut docs, |a, b| {
            kind_order::compare(&a.kind, &b.kind, KindOrder::Uninstall, helm)
        });
        let mut deleted_any = false;
        let mut delete_failed = false;
        for d in &docs {
            match d.annotations.get(crate::RESOURCE_POLICY) {
                Some(p) if p.trim().to_lowercase() == "keep" => {
                    let mut a = Self::res_action("uninstall", "keep", d);
                    a.reason = Some("resource-policy keep".into());
                    self.push(cx, a);
                }
                Some(p) => {
                    let mut a = Self::res_action("uninstall", "keep", d);
                    a.reason = Some("resource-policy not keep".into());
                    a.why = Some(format!(
                        "helm.sh/resource-policy is {p:?}, not keep: Helm neither deletes nor reports it (resource_policy.go:26-46)"
                    ));
                    self.push(cx, a);
                }
                None => {
                    let outcome = cx.resource_outcome("uninstall", &d.kind, &d.name);
                    let wait = if o.resource_waits(self.helm) {
                        o.timeout
                    } else {
                        0
                    };
                    // `--cascade` (H4 uninstall.go:286-301).
                    let res = self
                        .cluster
                        .delete(&self.doc_ref(d), o.cascade, wait, outcome.as_deref())
                        .await;
                    match res {
                        Ok(true) => {
                            deleted_any = true;
                            self.push(cx, Self::res_action("uninstall", "delete", d));
                        }
                        Ok(false) => {}
                        Err(e) => {
                            // Delete errors are collected over the whole list; then any error
                            // other than NotFound returns at once: no post-delete hooks, the
                            // record stays uninstalling (H4 :150-154 [123-127]).
                            let mut a = Self::res_action("uninstall", "delete", d);
                            a.error = Some(e.message);
                            self.push(cx, a);
                            delete_failed = true;
                        }
                    }
                }
            }
        }
        if delete_failed {
            return Err(Stop::Err(format!("failed to delete release: {release}")));
        }
        // Wait for deletion: H3 only with --wait; H4 through the strategy (:161-163 [134-140]).
        if o.resource_waits(self.helm) && deleted_any {
            cx.worst = cx.worst.saturating_add(o.timeout);
        }
        let mut errs = Vec::new();
        if !o.no_hooks {
            if let Err(e) = self
                .exec_hooks(cx, o, &last.hooks, HookEvent::PostDelete, run)
                .await
            {
                match e {
                    Stop::Err(e) => errs.push(e),
                    i => return Err(i),
                }
            }
        }
        self.set_status(version, Status::Uninstalled, "Uninstallation complete");
        if !o.keep_history {
            self.history.clear();
            cx.purged = true;
        } else {
            // Supersede every other deployed revision (issue #12556; H4 :194-220).
            for r in self.history.iter_mut() {
                if r.status == Status::Deployed && r.version != version {
                    r.status = Status::Superseded;
                }
            }
        }
        if !errs.is_empty() {
            return Err(Stop::Err(format!(
                "uninstallation completed with {} error(s): {}",
                errs.len(),
                errs.join("; ")
            )));
        }
        Ok(())
    }

    // ---------------------------------------------------------------- test

    /// `ReleaseTesting.Run` (H4 pkg/action/release_testing.go:64-119 [H3 59-106]).
    async fn test(&mut self, cx: &mut Cx<'_>, o: &Opts) -> Result<(), Stop> {
        let Some(last) = self.history.last().cloned() else {
            return Err(Stop::Err("release: not found".into()));
        };
        cx.written(last.version);
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        for f in &o.filter {
            if let Some(n) = f.strip_prefix("!name=") {
                exclude.push(n.to_string());
            } else if let Some(n) = f.strip_prefix("name=") {
                include.push(n.to_string());
            }
        }
        let mut hooks: Vec<Hook> = last.hooks.to_vec();
        if !exclude.is_empty() {
            hooks.retain(|h| !exclude.contains(&h.name));
        }
        if !include.is_empty() {
            hooks.retain(|h| include.contains(&h.name));
        }
        // H4 runs tests with the watcher strategy (release_testing.go:108), so hook
        // deletions are waited for; H3 waits for them anyway.
        let mut to = o.clone();
        to.strategy = Strategy::Watcher;
        let run = HookRun {
            ssa: self.helm == HelmVersion::V4 && last.ssa,
            logs_before_shutdown: self.helm == HelmVersion::V4 && o.logs,
        };
        let res = self.exec_hooks(cx, &to, &hooks, HookEvent::Test, run).await;
        if self.helm == HelmVersion::V3
            && o.logs
            && !matches!(res, Err(Stop::Interrupted(_) | Stop::Cancelled(_)))
        {
            let selected = crate::hooks::for_event(&hooks, HookEvent::Test);
            cx.log_error = self.test_logs(cx, &selected).await;
        }
        match (res, cx.log_error.take()) {
            (Err(Stop::Interrupted(i)), _) => Err(Stop::Interrupted(i)),
            (Err(Stop::Cancelled(i)), _) => Err(Stop::Cancelled(i)),
            (res, None) => res,
            // H3 returns the log error instead of the test error (cmd/helm/release_testing.go).
            (_, Some(le)) if self.helm == HelmVersion::V3 => Err(Stop::Err(le)),
            // H4 joins them (errors.Join(runErr, err)).
            (Ok(()), Some(le)) => Err(Stop::Err(le)),
            (Err(Stop::Err(e)), Some(le)) => Err(Stop::Err(format!("{e}\n{le}"))),
        }
    }
}

fn wrap(e: Stop, prefix: &str) -> Stop {
    match e {
        Stop::Err(s) => Stop::Err(format!("{prefix}{s}")),
        i => i,
    }
}
