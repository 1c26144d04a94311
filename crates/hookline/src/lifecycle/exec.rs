//! Running the hooks of one event: `execHook` / `execHookWithDelayedShutdown`.
//!
//! H4 `pkg/action/hooks.go:35-165` (sorting :73-74,167-177; delete by policy :180-216; default
//! policy :237-247); H3 `pkg/action/hooks.go:37-133`.

use crate::hooks::{self, DeletePolicy, Hook, HookEvent};
use crate::plan::{Action, HelmVersion};

use super::api::{ApiErrorKind, Applied, ClusterApi, NewObj, ObjRef, Propagation, WaitFor};
use super::memory::{pod_restart_policy, ttl_zero};
use super::ops::{Cx, Opts, Sim, Stop};
use super::state::RunState;

/// How this event's hooks are applied and waited on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HookRun {
    /// Created through server-side apply (Helm 4 releases with ApplyMethod ssa).
    pub ssa: bool,
    /// `helm test --logs` on Helm 4: logs are printed before the deferred deletions
    /// (H4 `pkg/cmd/release_testing.go:69-107`).
    pub logs_before_shutdown: bool,
}

fn is_crd(h: &Hook) -> bool {
    // Never delete CustomResourceDefinitions (H4 hooks.go:183-187).
    h.kind == "CustomResourceDefinition"
}

pub(crate) fn waits_on(kind: &str) -> bool {
    // Only Jobs and Pods have a readiness that Helm waits for; every other kind is ready once
    // created (H3 pkg/kube/client.go:745-840; H4 statuswait.go + statusreaders).
    matches!(kind, "Job" | "Pod")
}

/// The REST resource name Kubernetes uses in errors: `jobs.batch`, `configmaps`.
pub(crate) fn resource_name(api_version: &str, kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    let plural = if lower.ends_with('s') || lower.ends_with("x") || lower.ends_with("ch") {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{lower}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{lower}s")
    };
    match api_version.split_once('/') {
        Some((group, _)) if !group.is_empty() => format!("{plural}.{group}"),
        _ => plural,
    }
}

/// The error a failed or timed-out hook wait returns.
fn wait_error(helm: HelmVersion, kind: &str, ns: &str, name: &str, result: &str) -> String {
    match (helm, result) {
        // H3 pkg/kube/client.go:790-840 (legacy list-watch).
        (HelmVersion::V3, "failed") if kind == "Job" => {
            format!("job {name} failed: BackoffLimitExceeded")
        }
        (HelmVersion::V3, "failed") => format!("pod {name} failed"),
        (HelmVersion::V3, _) => "timed out waiting for the condition".to_string(),
        // H4 pkg/kube/statuswait.go:172-217 with internal/statusreaders.
        (HelmVersion::V4, "failed") if kind == "Job" => format!(
            "resource Job/{ns}/{name} not ready. status: Failed, message: Job Failed. failed: 1/1"
        ),
        (HelmVersion::V4, "failed") => {
            format!(
                "resource {kind}/{ns}/{name} not ready. status: Failed, message: pod {name} failed"
            )
        }
        (HelmVersion::V4, _) => {
            let msg = if kind == "Job" {
                "Job in progress"
            } else {
                "Pod in progress"
            };
            format!(
                "resource {kind}/{ns}/{name} not ready. status: InProgress, message: {msg}\ncontext deadline exceeded"
            )
        }
    }
}

impl<C: ClusterApi> Sim<'_, C> {
    /// `helm test --logs` (`GetPodLogs`, H4 pkg/action/release_testing.go:121-148; H3
    /// :108-145): the logs of a Pod named after each test hook, by weight; the first hook
    /// without such a Pod (deleted, never run, or not a Pod) ends it with an error.
    pub(crate) async fn test_logs(
        &mut self,
        cx: &mut Cx<'_>,
        selected: &[&Hook],
    ) -> Option<String> {
        for h in selected {
            let r = self.obj_ref("v1", "Pod", h.doc.namespace.as_deref(), &h.name);
            let mut a = Self::hook_action(
                "test",
                "logs",
                h,
                match self.helm {
                    HelmVersion::V4 => "helm test --logs: Helm 4 prints the logs after the tests, before the deferred hook deletions (pkg/cmd/release_testing.go:69-107)".into(),
                    HelmVersion::V3 => "helm test --logs: Helm 3 reads the Pod named after each test hook after the hooks ran and were deleted by their policies (issue 9098)".into(),
                },
            );
            let found = match self.cluster.get(&r).await {
                Ok(live) => Ok(live.is_some()),
                Err(e) => Err(e.message),
            };
            if found != Ok(true) {
                let not_found = found
                    .err()
                    .unwrap_or_else(|| format!("pods {:?} not found", h.name));
                a.error = Some(not_found.clone());
                self.push(cx, a);
                return Some(match self.helm {
                    HelmVersion::V4 => format!("unable to get pod {}: {not_found}", h.name),
                    HelmVersion::V3 => {
                        format!("unable to get pod logs for {}: {not_found}", h.name)
                    }
                });
            }
            self.push(cx, a);
        }
        None
    }

    fn hook_ref(&self, h: &Hook) -> ObjRef {
        self.obj_ref(
            &h.doc.api_version,
            &h.kind,
            h.doc.namespace.as_deref(),
            &h.name,
        )
    }

    fn hook_action(phase: &str, verb: &str, h: &Hook, why: String) -> Action {
        Action {
            phase: phase.to_string(),
            verb: verb.to_string(),
            kind: h.kind.clone(),
            name: h.name.clone(),
            weight: Some(h.weight),
            why: Some(why),
            ..Action::default()
        }
    }

    /// Delete a hook by one policy if it has it (`deleteHookByPolicy`, H4 hooks.go:180-216).
    /// Deleting a missing object is a success (NotFound is ignored); it is listed only when
    /// the object exists.
    async fn delete_by_policy(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        phase: &str,
        h: &Hook,
        policy: DeletePolicy,
        why: String,
    ) {
        if is_crd(h) || !h.has_policy(&policy) {
            return;
        }
        // H3 always waits for hook deletions (hooks.go:147-172); H4 waits through the
        // strategy's waiter, and hookOnly's WaitForDelete does nothing (statuswait.go:290-292).
        let waits = o.hook_delete_waits(self.helm);
        let r = self.hook_ref(h);
        // H4 hooks.go:193 deletes hooks with background propagation.
        let res = self
            .cluster
            .delete(
                &r,
                Propagation::Background,
                if waits { o.timeout } else { 0 },
                None,
            )
            .await;
        let mut a = Self::hook_action(phase, "delete", h, why);
        a.reason = Some(policy.as_str().to_string());
        match res {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => a.error = Some(e.message),
        }
        self.push(cx, a);
        if waits {
            cx.worst = cx.worst.saturating_add(o.timeout);
        }
    }

    fn logs_action(&self, cx: &mut Cx<'_>, phase: &str, h: &Hook, policy: &str) {
        if waits_on(&h.kind) && h.output_log_policies.iter().any(|p| p == policy) {
            self.push(cx, Self::hook_action(
                phase,
                "logs",
                h,
                format!("helm.sh/hook-output-log-policy {policy}: the container logs are printed (hooks.go:249-275)"),
            ));
        }
    }

    /// Run every hook of `event` in `hooks` (the release's stored or freshly rendered hooks).
    pub(crate) async fn exec_hooks(
        &mut self,
        cx: &mut Cx<'_>,
        o: &Opts,
        hooks_list: &[Hook],
        event: HookEvent,
        run: HookRun,
    ) -> Result<(), Stop> {
        let phase = event.as_str();
        // Select once per matching event token, stable-sort by (weight, name)
        // (H4 hooks.go:65-74; H3 :43-49).
        let selected: Vec<&Hook> = hooks::for_event(hooks_list, event);
        let helm = self.helm;
        for (i, h) in selected.iter().enumerate() {
            let h: &Hook = h;
            let tokens = h.events.iter().filter(|e| **e == event).count();
            let mut why = if i > 0 && std::ptr::eq(selected[i - 1], h) {
                format!("runs again: a hook runs once for each matching event token ({phase} is listed {tokens} times)")
            } else if i == 0 {
                let tie = selected
                    .get(1)
                    .filter(|n| !std::ptr::eq(**n, h))
                    .map(|n| hooks::why_before(h, n, helm))
                    .unwrap_or_default();
                format!(
                    "first {phase} hook: lowest weight {} (hooks sort by weight, then name){tie}",
                    h.weight
                )
            } else {
                hooks::why_after(selected[i - 1], h, helm)
            };
            if tokens > 1 && !why.starts_with("runs again") {
                why.push_str(&format!(
                    "; runs in each matching event token ({phase} is listed {tokens} times)"
                ));
            }
            // Default delete policy (hookSetDeletePolicy, H4 hooks.go:237-247; H3 :53-59).
            let bhc_why = if h.delete_policies.is_empty() {
                "before-hook-creation by default (no helm.sh/hook-delete-policy annotation): the previous object is deleted before the hook is created".to_string()
            } else {
                "before-hook-creation: the previous object is deleted before the hook is created"
                    .to_string()
            };
            self.delete_by_policy(cx, o, phase, h, DeletePolicy::BeforeHookCreation, bhc_why)
                .await;

            // Create (H3: POST; H4: server-side apply when the release uses it) (H4 :98-108).
            let r = self.hook_ref(h);
            let outcome = cx.hook_outcome(event, h);
            let hook_err = |e: &str| format!("warning: Hook {phase} {} failed: {e}", h.doc.path);
            let obj = NewObj {
                r: r.clone(),
                content: &h.doc.content,
                owner: None,
                hook: true,
                crd_file: false,
                resource_policy: h.doc.annotations.get(crate::RESOURCE_POLICY).cloned(),
            };
            let mut reused: Option<RunState> = None;
            if !run.ssa {
                if let Err(e) = self.cluster.create(&obj, outcome.as_deref()).await {
                    let why = if e.kind == ApiErrorKind::AlreadyExists {
                        format!("{why}; an object with this name already exists and no before-hook-creation policy removed it, so the create fails (no failure cleanup runs)")
                    } else {
                        why
                    };
                    let mut a = Self::hook_action(phase, "create", h, why);
                    a.error = Some(e.message.clone());
                    self.push(cx, a);
                    // A create failure returns at once: no hook-failed, no hook-succeeded cleanup.
                    return Err(Stop::Err(hook_err(&e.message)));
                }
                self.push(cx, Self::hook_action(phase, "create", h, why));
            } else {
                // Helm 4 server-side apply: an existing object is patched in place
                // (pkg/kube/client.go:315-347).
                let existing = match self.cluster.get(&r).await {
                    Ok(l) => l,
                    Err(e) => return Err(Stop::Err(hook_err(&e.message))),
                };
                match self.cluster.apply(&obj, outcome.as_deref()).await {
                    Err(e) => {
                        let (verb, why) = if e.kind == ApiErrorKind::Invalid {
                            ("update", format!("{why}; server-side apply patches the existing {} in place, and its spec changed", h.kind))
                        } else {
                            ("create", why)
                        };
                        let mut a = Self::hook_action(phase, verb, h, why);
                        a.error = Some(e.message.clone());
                        self.push(cx, a);
                        return Err(Stop::Err(hook_err(&e.message)));
                    }
                    Ok(Applied::Created) => {
                        self.push(cx, Self::hook_action(phase, "create", h, why));
                    }
                    Ok(applied) => {
                        let reuse_why = if applied == Applied::Unchanged && waits_on(&h.kind) {
                            reused = existing.and_then(|l| l.run);
                            format!("{why}; server-side apply of an unchanged {} leaves the old object in place, so it is not re-run", h.kind)
                        } else {
                            format!("{why}; server-side apply updates the existing object in place (no AlreadyExists in Helm 4 with SSA)")
                        };
                        self.push(cx, Self::hook_action(phase, "update", h, reuse_why));
                    }
                }
            }

            // Wait (WatchUntilReady, H4 :110-120).
            // A Pod whose restartPolicy is Always (the Kubernetes default) never reaches
            // Succeeded or Failed, and OnFailure never reaches Failed: the kubelet restarts the
            // container, so Helm waits until the timeout (spec §5 "Retries").
            let terminal = matches!(reused, Some(RunState::Succeeded | RunState::Failed));
            let result: &str = if !waits_on(&h.kind) {
                "ready"
            } else {
                match outcome.as_deref() {
                    // Interrupted and cancelled happen to the helm process, not the cluster.
                    Some("interrupted") if !terminal => "interrupted",
                    Some("cancelled") if !terminal => "cancelled",
                    hint => {
                        self.cluster
                            .wait(&r, WaitFor::Hook, o.hook_timeout(self.helm), hint)
                            .await
                    }
                }
            };
            // What the container did, as the scenario says, to explain a Pod that never ends.
            let exit = match reused {
                Some(RunState::Succeeded) => "succeeded",
                Some(RunState::Failed) => "failed",
                _ => match outcome.as_deref() {
                    Some("failed") => "failed",
                    Some("timeout") => "timeout",
                    _ => "succeeded",
                },
            };
            let restart_note = if h.kind == "Pod" && result == "timeout" {
                match (exit, pod_restart_policy(&h.doc.content).as_str()) {
                    ("succeeded" | "failed", "absent") => Some("no restartPolicy means Always: the kubelet restarts the container whatever it exits with, so the Pod never reaches Succeeded or Failed and Helm waits until the timeout"),
                    ("succeeded" | "failed", "Always") => Some("restartPolicy Always: the kubelet restarts the container whatever it exits with, so the Pod never reaches Succeeded or Failed and Helm waits until the timeout"),
                    ("failed", "OnFailure") => Some("restartPolicy OnFailure: the kubelet restarts the failed container, so the Pod never reaches Failed and Helm waits until the timeout"),
                    _ => None,
                }
            } else {
                None
            };
            let wait_why = if !waits_on(&h.kind) {
                format!(
                    "Helm waits only for Jobs and Pods; a {} is ready as soon as it is created",
                    h.kind
                )
            } else if terminal {
                format!(
                    "the old {} already has a terminal condition, so the wait returns at once",
                    h.kind
                )
            } else if h.kind == "Job" {
                format!(
                    "Helm waits until the Job is Complete or Failed, up to the timeout ({}s)",
                    o.hook_timeout(self.helm)
                )
            } else {
                format!(
                    "Helm waits until the Pod is Succeeded or Failed, up to the timeout ({}s)",
                    o.hook_timeout(self.helm)
                )
            };
            // A Job with ttlSecondsAfterFinished: 0 is deleted by the TTL controller as soon
            // as it finishes (H3 counts a Deleted watch event as success, client.go:745-840).
            let ttl_zero = h.kind == "Job"
                && matches!(result, "succeeded" | "failed")
                && ttl_zero(&h.doc.content);
            let wait_why = match restart_note {
                Some(n) => format!("{wait_why}; {n}"),
                None => wait_why,
            };
            let wait_why = if ttl_zero {
                format!("{wait_why}; ttlSecondsAfterFinished: 0 makes the Job controller delete it as soon as it finishes")
            } else {
                wait_why
            };
            let mut w = Self::hook_action(phase, "wait", h, wait_why);
            w.result = Some(result.to_string());
            self.push(cx, w);
            if waits_on(&h.kind) && reused.is_none() {
                cx.worst = cx.worst.saturating_add(o.hook_timeout(self.helm));
            }
            match result {
                "cancelled" => {
                    return Err(Stop::Cancelled(format!(
                        "waiting for {} hook {}/{}",
                        phase, h.kind, h.name
                    )))
                }
                "interrupted" => {
                    return Err(Stop::Interrupted(format!(
                        "waiting for {} hook {}/{}",
                        phase, h.kind, h.name
                    )))
                }
                "failed" | "timeout" => {
                    // Failure path (H4 :121-145; H3 :94-115): logs, hook-failed deletion,
                    // then the earlier hooks' hook-succeeded deletions in forward order, then
                    // the error.
                    self.logs_action(cx, phase, h, "hook-failed");
                    if run.logs_before_shutdown {
                        // helm test --logs (H4): the deletions wait for the deferred shutdown.
                        cx.log_error = self.test_logs(cx, &selected).await;
                    }
                    self.delete_by_policy(
                        cx,
                        o,
                        phase,
                        h,
                        DeletePolicy::HookFailed,
                        "hook-failed: deleted because its wait failed, before the error is returned".into(),
                    ).await;
                    for earlier in &selected[..i] {
                        self.delete_by_policy(
                            cx,
                            o,
                            phase,
                            earlier,
                            DeletePolicy::HookSucceeded,
                            format!("hook-succeeded of an earlier {phase} hook: applied in forward order because a later hook failed"),
                        ).await;
                    }
                    let ns = if r.namespace.is_empty() {
                        self.sc.namespace.clone()
                    } else {
                        r.namespace.clone()
                    };
                    return Err(Stop::Err(wait_error(
                        self.helm, &h.kind, &ns, &h.name, result,
                    )));
                }
                _ => {}
            }
        }
        if run.logs_before_shutdown {
            cx.log_error = self.test_logs(cx, &selected).await;
        }
        // Success: walk the hooks in reverse; logs then hook-succeeded deletion (H4 :150-164;
        // H3 :121-130).
        for h in selected.iter().rev() {
            self.logs_action(cx, phase, h, "hook-succeeded");
            self.delete_by_policy(
                cx,
                o,
                phase,
                h,
                DeletePolicy::HookSucceeded,
                format!(
                    "hook-succeeded: deleted after every {phase} hook succeeded, in reverse order"
                ),
            )
            .await;
        }
        Ok(())
    }
}
