//! `hookline run`: show the plan of a scenario, then (once confirmed) run it on a real
//! cluster with the same engine, and print the observed timeline beside the simulated one.
//! The cluster part is behind the `cluster` feature; without it `run` is a dry run.

use std::collections::BTreeSet;

use hookline::lifecycle::{cluster_scoped, Render};
use hookline::{simulate, split_template_output, FixedRender, HelmVersion, Plan, Scenario};

pub const USAGE: &str = "usage: hookline run CHART --scenario FILE [flags]

Run a scenario's hooks and resources on a real Kubernetes cluster, with the same engine that
simulates them, and print the observed timeline beside the simulated one with every
difference. CHART is a chart directory, a .tgz archive or a rendered manifest file.

First it prints the plan and what it would touch: objects in the release namespace, and the
cluster-scoped objects the chart itself declares (it never writes anything else). Then it asks
for confirmation unless --yes is given; any answer but y or yes leaves the cluster untouched,
as --dry-run does. A dry run needs no cluster and no kubeconfig.

It creates, applies, deletes and waits for the objects itself (kube-rs, credentials from the
standard kubeconfig); it writes no Helm release records, so helm does not see the release.

flags:
  -s, --scenario FILE          the scenario file (YAML; see README \"Scenarios\")
      --context NAME           kubeconfig context (default: the current one)
  -n, --namespace NS           release namespace (default: the scenario's)
      --release NAME           release name (default: the scenario's)
      --helm v3|v4             follow Helm 3 or Helm 4 behaviour (default: the scenario's)
  -y, --yes                    do not ask before acting on the cluster
      --dry-run                print the plan and what it would touch, then stop
      --limit NAME=N           raise a safety limit (see `hookline help limits`)

exit codes: 0 when the run (or dry run) completed, whatever the differences; 1 when the
input is unusable, the cluster cannot be reached, or a real run was asked of a hookline built
without the `cluster` feature.

examples:
  hookline run public/examples/backup-job --scenario public/examples/backup-job/scenario.yaml --dry-run
  hookline run ./mychart --scenario upgrade.yaml --context kind-hookline -n hookline-test";

/// How to get real runs.
pub const ENABLE: &str = "real runs need hookline built with the `cluster` feature: cargo install --locked --path crates/hookline-cli --features cluster";

pub struct Args {
    pub input: String,
    pub scenario_file: Option<String>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub release: Option<String>,
    pub helm: Option<HelmVersion>,
    pub yes: bool,
    pub dry_run: bool,
    pub limits: crate::limits::CliLimits,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut a = Args {
        input: String::new(),
        scenario_file: None,
        context: None,
        namespace: None,
        release: None,
        helm: None,
        yes: false,
        dry_run: false,
        limits: Default::default(),
    };
    let mut input = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut take = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match flag {
            "--scenario" | "-s" => a.scenario_file = Some(take("--scenario")?),
            "--context" => a.context = Some(take("--context")?),
            "--namespace" | "-n" => a.namespace = Some(take("--namespace")?),
            "--release" => a.release = Some(take("--release")?),
            "--helm" => {
                let v = take("--helm")?;
                a.helm = Some(
                    HelmVersion::parse(&v).ok_or(format!("--helm takes v3 or v4, not {v:?}"))?,
                );
            }
            "--yes" | "-y" => a.yes = true,
            "--dry-run" => a.dry_run = true,
            "--limit" => a.limits.set(&take("--limit")?)?,
            "-h" | "--help" => return Ok(None),
            s if s.starts_with('-') => return Err(format!("unknown flag {s}\n{USAGE}")),
            s => {
                if input.is_some() {
                    return Err(format!("unexpected argument {s:?}\n{USAGE}"));
                }
                input = Some(s.to_string())
            }
        }
    }
    a.input = input.ok_or_else(|| USAGE.to_string())?;
    Ok(Some(a))
}

/// The scenario with the command line's overrides.
pub fn scenario(a: &Args) -> Result<Scenario, String> {
    let f = a
        .scenario_file
        .as_ref()
        .ok_or_else(|| format!("--scenario is required\n{USAGE}"))?;
    let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
    let mut sc = Scenario::parse(&text).map_err(|e| format!("{f}: {e}"))?;
    if let Some(r) = &a.release {
        sc.release = r.clone();
    }
    if let Some(n) = &a.namespace {
        sc.namespace = n.clone();
    }
    if let Some(h) = a.helm {
        sc.helm = h;
    }
    Ok(sc)
}

/// The chart's renderer (a fresh one per call: the real run renders again).
pub fn renderer(
    input: &str,
    sc: &Scenario,
    limits: &crate::limits::CliLimits,
) -> Result<Box<dyn Render>, String> {
    let path = std::path::Path::new(input);
    if path.is_dir() || input.ends_with(".tgz") || input.ends_with(".tar.gz") {
        let chart =
            hookline::chart::load_path_with(path, limits.chart).map_err(|e| e.to_string())?;
        let mut base = hookline::render::TemplateRequest::new(&sc.release, &sc.namespace, sc.helm);
        base.limits = limits.render.clone();
        Ok(Box::new(
            hookline::render::chart_render::ChartRenderer::new(std::rc::Rc::new(chart), base),
        ))
    } else {
        let content =
            std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.to_string());
        Ok(Box::new(FixedRender::new(split_template_output(
            &content, &name,
        ))))
    }
}

/// Every (kind, name) the plan writes: the chart's objects (and the release namespace with
/// --create-namespace). The real run may write cluster-scoped objects only from this set.
pub fn declared(plan: &Plan) -> BTreeSet<(String, String)> {
    plan.steps
        .iter()
        .flat_map(|s| &s.actions)
        .filter(|a| matches!(a.verb.as_str(), "create" | "update" | "delete"))
        .map(|a| (a.kind.clone(), a.name.clone()))
        .collect()
}

/// What the run would touch, said before it starts.
pub fn scope_text(sc: &Scenario, plan: &Plan) -> String {
    let declared = declared(plan);
    let cluster: Vec<String> = declared
        .iter()
        .filter(|(k, _)| cluster_scoped(k))
        .map(|(k, n)| format!("{k}/{n}"))
        .collect();
    let mut s = format!(
        "It acts only in namespace {:?} (release {:?}, Helm {} semantics)",
        sc.namespace,
        sc.release,
        sc.helm.as_str()
    );
    if cluster.is_empty() {
        s.push_str(", and touches no cluster-scoped object.\n");
    } else {
        s.push_str(&format!(
            ", and on these cluster-scoped objects the chart declares: {}.\n",
            cluster.join(", ")
        ));
    }
    s.push_str("Objects it may create, update or delete: ");
    s.push_str(
        &declared
            .iter()
            .map(|(k, n)| format!("{k}/{n}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push('\n');
    if sc.steps.iter().any(|st| !st.outcomes.is_empty()) {
        s.push_str("The scenario's outcomes (failed, timeout, ...) are not imposed on a real cluster: its Jobs and Pods end as they end, and the comparison shows where that differs.\n");
    }
    s
}

fn confirm(question: &str) -> bool {
    use std::io::{BufRead, Write};
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

pub fn run(args: &[String]) -> Result<String, String> {
    let Some(a) = parse(args)? else {
        return Ok(format!("{USAGE}\n"));
    };
    let sc = scenario(&a)?;
    let mut render = renderer(&a.input, &sc, &a.limits)?;
    let simulated = simulate(&sc, render.as_mut());
    let mut out = String::from("Simulated plan:\n");
    out.push_str(&simulated.to_text());
    out.push('\n');
    out.push_str(&scope_text(&sc, &simulated));
    if a.dry_run {
        out.push_str("Dry run: nothing was done on any cluster.\n");
        if !cfg!(feature = "cluster") {
            out.push_str(&format!("({ENABLE})\n"));
        }
        return Ok(out);
    }
    if !cfg!(feature = "cluster") {
        print!("{out}");
        return Err(format!(
            "{ENABLE}; --dry-run shows the plan without a cluster"
        ));
    }
    let context = a
        .context
        .as_deref()
        .unwrap_or("the current kubeconfig context");
    if !a.yes {
        print!("{out}");
        out.clear();
        if !confirm(&format!(
            "Run this on {context}, namespace {:?}?",
            sc.namespace
        )) {
            return Ok("Dry run: nothing was done on any cluster (not confirmed).\n".into());
        }
    }
    // The plan stays on screen whatever happens next.
    print!("{out}");
    real_run(&a, &sc, &simulated)
}

#[cfg(feature = "cluster")]
fn real_run(a: &Args, sc: &Scenario, simulated: &Plan) -> Result<String, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let declared = declared(simulated);
    rt.block_on(async {
        let client = hookline_cluster::connect(a.context.as_deref())
            .await
            .map_err(|e| format!("cannot reach the cluster: {e}"))?;
        let mut render = renderer(&a.input, sc, &a.limits)?;
        let observed =
            hookline_cluster::run_on_cluster(client, sc, render.as_mut(), Some(declared)).await;
        Ok(hookline_cluster::compare::report(simulated, &observed))
    })
}

#[cfg(not(feature = "cluster"))]
fn real_run(_a: &Args, _sc: &Scenario, _simulated: &Plan) -> Result<String, String> {
    Err(ENABLE.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, text: &str) -> String {
        let p = std::env::temp_dir().join(format!("hookline-run-{}-{name}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    const MANIFEST: &str = "# Source: c/templates/job.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n---\n# Source: c/templates/cr.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n";

    #[test]
    fn dry_run_needs_no_cluster() {
        let m = tmp("m.yaml", MANIFEST);
        let s = tmp(
            "s.yaml",
            "release: demo\nnamespace: team-a\nsteps:\n  - op: install\n",
        );
        let out = run(&[m, "--scenario".into(), s, "--dry-run".into()]).expect("dry run");
        assert!(
            out.contains("pre-install create Job/migrate") || out.contains("Job/migrate"),
            "{out}"
        );
        assert!(
            out.contains("It acts only in namespace \"team-a\""),
            "{out}"
        );
        assert!(
            out.contains("cluster-scoped objects the chart declares: ClusterRole/reader"),
            "{out}"
        );
        assert!(out.contains("Dry run: nothing was done"), "{out}");
    }

    #[test]
    fn unusable_input_is_an_error() {
        let m = tmp("m2.yaml", MANIFEST);
        assert!(run(&[m.clone(), "--dry-run".into()])
            .unwrap_err()
            .contains("--scenario is required"));
        assert!(run(&[m, "--frob".into()])
            .unwrap_err()
            .contains("unknown flag"));
        assert!(run(&[]).is_err());
    }
}
