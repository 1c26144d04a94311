//! `hookline plan`: simulate a scenario on a chart, an archive, a rendered manifest or a share
//! link, and print the timeline.

use hookline::{simulate, split_template_output, FixedRender, HelmVersion, Scenario};

pub const USAGE: &str = "usage: hookline plan INPUT [flags]

Simulate what Helm does with the hooks of INPUT over a scenario (install, upgrade, rollback,
uninstall, test) and print the timeline: every step's phases, each hook with its weight, delete
policy and wait result, the release history and what is left on the cluster.

INPUT is a chart directory, a .tgz archive, a rendered manifest file (multi-document YAML such
as `helm template` output; its `# Source:` comments give each document its template path) or a
share link (`https://...#h1.…`, as `hookline link` and the playground make them). Without
--scenario the scenario is one `install` (a link carries its own). Flags override the scenario.

flags:
  -s, --scenario FILE          the scenario file (YAML; see README \"Scenarios\")
      --release NAME           release name (default \"release\")
  -n, --namespace NS           release namespace (default \"default\")
      --helm v3|v4             follow Helm 3 or Helm 4 behaviour (default v4)
  -o, --format text|json|markdown|svg
                               text (default), JSON (docs/plan.schema.json), Markdown (a
                               table per step and a summary, for a pull-request comment; the
                               same text as the playground's \"Copy as Markdown\", with the
                               link when INPUT is one) or SVG (the timeline as an image)
      --limit NAME=N           raise a safety limit (see `hookline help limits`)

A step that fails the way Helm would fail is still a successful plan (exit 0); the exit code
is 1 only when the input, the link or the scenario cannot be used.

examples:
  hookline plan public/examples/backup-job --scenario public/examples/backup-job/scenario.yaml
  hookline plan ./mychart --scenario upgrade.yaml --format markdown > plan.md
  helm template my-release ./mychart > rendered.yaml && hookline plan rendered.yaml --helm v3
  hookline plan \"$(hookline link ./mychart --scenario upgrade.yaml)\" --format json
  hookline plan ./mychart --scenario upgrade.yaml --format svg > timeline.svg";

fn value<'a>(it: &mut std::slice::Iter<'a, String>, flag: &str) -> Result<&'a String, String> {
    it.next().ok_or_else(|| format!("{flag} needs a value"))
}

pub fn run(args: &[String]) -> Result<String, String> {
    let mut input = None;
    let mut scenario_file = None;
    let mut release = None;
    let mut namespace = None;
    let mut helm = None;
    let mut format = "text".to_string();
    let mut limits = crate::limits::CliLimits::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut take = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => value(&mut it, name).cloned(),
            }
        };
        match flag {
            "--scenario" | "-s" => scenario_file = Some(take("--scenario")?),
            "--release" => release = Some(take("--release")?),
            "--namespace" | "-n" => namespace = Some(take("--namespace")?),
            "--helm" => {
                let v = take("--helm")?;
                helm = Some(
                    HelmVersion::parse(&v).ok_or(format!("--helm takes v3 or v4, not {v:?}"))?,
                );
            }
            "--format" | "-o" => format = take("--format")?,
            "--limit" => limits.set(&take("--limit")?)?,
            "-h" | "--help" => return Ok(format!("{USAGE}\n")),
            s if s.starts_with('-') => return Err(format!("unknown flag {s}\n{USAGE}")),
            s => {
                if input.is_some() {
                    return Err(format!("unexpected argument {s:?}\n{USAGE}"));
                }
                input = Some(s.to_string())
            }
        }
    }
    if !matches!(format.as_str(), "text" | "json" | "markdown" | "md" | "svg") {
        return Err(format!(
            "--format takes text, json, markdown or svg, not {format:?}"
        ));
    }
    let input = input.ok_or_else(|| USAGE.to_string())?;
    let mut scenario = match &scenario_file {
        Some(f) => {
            let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
            Scenario::parse(&text).map_err(|e| format!("{f}: {e}"))?
        }
        None => Scenario::default(),
    };
    let link = looks_like_link(&input, limits.share)?;
    if let Some(state) = &link {
        // The link's own settings, unless the command line overrides them.
        if scenario_file.is_none() {
            if let Some(sc) = &state.scenario {
                scenario = Scenario::parse(&sc.to_string())
                    .map_err(|e| format!("the link's scenario: {e}"))?;
            }
        }
        if let Some(r) = &state.release {
            scenario.release = r.clone();
        }
        if let Some(n) = &state.namespace {
            scenario.namespace = n.clone();
        }
        if let Some(h) = state.helm.as_deref().and_then(HelmVersion::parse) {
            scenario.helm = h;
        }
    }
    if let Some(r) = release {
        scenario.release = r;
    }
    if let Some(n) = namespace {
        scenario.namespace = n;
    }
    if let Some(h) = helm {
        scenario.helm = h;
    }
    let path = std::path::Path::new(&input);
    // The Markdown links back to the plan when the input was a link to it.
    let link_url =
        (link.is_some() && input.trim().starts_with("http")).then(|| input.trim().to_string());
    let plan = if let Some(state) = link {
        plan_link(&state, &scenario)?
    } else if path.is_dir() || input.ends_with(".tgz") || input.ends_with(".tar.gz") {
        let chart =
            hookline::chart::load_path_with(path, limits.chart).map_err(|e| e.to_string())?;
        let mut base = hookline::render::TemplateRequest::new(
            &scenario.release,
            &scenario.namespace,
            scenario.helm,
        );
        base.limits = limits.render;
        // The first render's template parses on two threads, as `template` does.
        base.parse_map = Some(crate::parallel::parse_map);
        // And the documents' heads of every render.
        base.for_each = Some(crate::parallel::for_each);
        // The first render's documents have their heads decoded while its templates run, by
        // the thread that decodes the CRDs once it is done with them (no third thread
        // competing for two cores with the render and its parse).
        let heads = std::sync::Arc::new(crate::parallel::Heads::default());
        let crds = crd_documents_ahead(&chart, heads.clone());
        let mut render =
            hookline::render::chart_render::ChartRenderer::new(std::rc::Rc::new(chart), base);
        render.crd_documents_ahead = crds;
        render.keep_first_render = false;
        render.heads_ahead = Some(heads.clone());
        let plan = simulate(&scenario, &mut render);
        // A first render that failed before its templates all ran never finished the heads:
        // the thread stops waiting for more.
        heads.close();
        // The process ends after printing: freeing the chart, its parse trees and the CRDs
        // piece by piece would only cost time (as `template` does).
        std::mem::forget(render);
        plan
    } else {
        let content =
            std::fs::read_to_string(&input).map_err(|e| format!("cannot read {input}: {e}"))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.clone());
        let mut render = FixedRender::new(split_template_output(&content, &name));
        simulate(&scenario, &mut render)
    };
    let out = match format.as_str() {
        "text" => Ok(plan.to_text()),
        "markdown" | "md" => Ok(plan.to_review_markdown(link_url.as_deref())),
        "svg" => Ok(plan.to_svg()),
        _ => serde_json::to_string_pretty(&plan)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
    };
    std::mem::forget(plan);
    out
}

/// The chart's crds/ files decoded on other threads while the first step renders (large
/// CRDs take longer to decode than a render takes): the renderer asks for them when a render
/// first lists CRDs. One worker per core beyond the two the render uses (at least one), each
/// with about as many bytes. The first worker then decodes the first render's heads sent to
/// `heads` until it is closed (a thread of its own does when there are no CRDs); the
/// renderer asks for the CRDs after the heads are finished, so waiting for the workers never
/// waits for more heads.
fn crd_documents_ahead(
    chart: &hookline::chart::Chart,
    heads: std::sync::Arc<crate::parallel::Heads>,
) -> Option<hookline::render::chart_render::CrdDocumentsAhead> {
    use hookline::render::chart_render::{crd_documents, CrdDocuments};
    /// A CRD file's bytes for a worker: read there when nothing here read them yet (a
    /// directory load defers crds/), else a copy.
    enum Bytes {
        Unread(hookline::chart::SharedRead),
        Copy(Vec<u8>),
    }
    // (position in the chart's CRD list, file name, size, its bytes)
    type CrdFile = (usize, String, u64, Bytes);
    // The chart's own files, handed back with the documents: the renderer knows its files
    // by them.
    let mut data: Vec<hookline::chart::FileData> = Vec::new();
    let mut files: Vec<CrdFile> = Vec::new();
    for (i, f) in chart.crd_objects().into_iter().enumerate() {
        let (size, bytes) = match f.data.unread() {
            Some(read) => (read.size(), Bytes::Unread(read)),
            None => {
                let b = f.data.bytes();
                (b.len() as u64, Bytes::Copy(b.to_vec()))
            }
        };
        files.push((i, f.filename, size, bytes));
        data.push(f.data);
    }
    // The first render needs the CRDs when it ends; until then this thread renders and
    // another parses templates. A worker per core beyond those two, one at least: on two
    // cores a second worker only takes time from the render that waits for it (kps on 2
    // cores: the first render then reaches its CRDs later than one worker finishes them).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let count = cores.saturating_sub(2).clamp(1, 4);
    // Largest first, each to the lightest worker.
    files.sort_by_key(|f| std::cmp::Reverse(f.2));
    let mut bins: Vec<(u64, Vec<CrdFile>)> = (0..count).map(|_| (0, Vec::new())).collect();
    for f in files {
        let Some(bin) = bins.iter_mut().min_by_key(|b| b.0) else {
            break;
        };
        bin.0 += f.2;
        bin.1.push(f);
    }
    let mut workers = Vec::new();
    let mut heads = Some(heads);
    for (_, bin) in bins {
        if bin.is_empty() {
            continue;
        }
        let then = heads.take();
        let worker = std::thread::Builder::new()
            // The main thread's stack size: the decoder recurses with the documents' nesting.
            .stack_size(8 << 20)
            .spawn(move || {
                let decoded = bin
                    .into_iter()
                    .map(|(i, name, _, bytes)| {
                        let docs = match bytes {
                            Bytes::Unread(read) => {
                                read.read().and_then(|data| crd_documents(&name, &data))
                            }
                            Bytes::Copy(data) => crd_documents(&name, &data),
                        };
                        (i, name, docs)
                    })
                    .collect::<Vec<_>>();
                if let Some(heads) = then {
                    heads.work();
                }
                decoded
            })
            .ok()?;
        workers.push(worker);
    }
    if let Some(heads) = heads {
        // No CRDs: the heads have a thread of their own (without one, the render's thread
        // decodes them when it finishes).
        let _ = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || heads.work());
    }
    Some(Box::new(move || {
        let mut all: Vec<_> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect();
        all.sort_by_key(|(i, _, _)| *i);
        all.into_iter()
            .map(|(i, name, docs)| (name, data[i].clone(), docs))
            .collect::<Vec<CrdDocuments>>()
    }))
}

/// A share link (`https://…#h1.…`, `#h1.…` or `h1.…`), decoded; `None` when the input is not
/// a link at all (a file or directory name).
fn looks_like_link(
    input: &str,
    limits: hookline::share::ShareLimits,
) -> Result<Option<hookline::share::ShareState>, String> {
    let is_link = input.contains("#h") || input.starts_with("h1.");
    if !is_link || std::path::Path::new(input).exists() {
        return Ok(None);
    }
    hookline::share::decode_with(input, limits)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Plan a decoded share link exactly as the playground would (with the scenario after the
/// command line's overrides).
fn plan_link(
    state: &hookline::share::ShareState,
    scenario: &Scenario,
) -> Result<hookline::Plan, String> {
    let input = hookline::playground::Input::from_share(state).map_err(|e| e.to_string())?;
    let out = hookline::playground::run_with_scenario(&input, scenario.clone());
    out.plan.ok_or_else(|| {
        out.diagnostics
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.col, d.message))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, text: &str) -> String {
        let p = std::env::temp_dir().join(format!("hookline-cli-{}-{name}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    const MANIFEST: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install\n";

    /// A chart directory with two crds/ files (one with a UTF-8 BOM) and a ConfigMap.
    fn crd_chart(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hookline-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("crds")).unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        let crd = |n: &str| {
            format!("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {n}\n")
        };
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        )
        .unwrap();
        std::fs::write(dir.join("crds/a.yaml"), crd("as.example.com")).unwrap();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(crd("bs.example.com").into_bytes());
        std::fs::write(dir.join("crds/b.yaml"), bom).unwrap();
        std::fs::write(
            dir.join("templates/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn crds_decoded_ahead_are_the_chart_files_read_there() {
        let dir = crd_chart("ahead");
        let chart = hookline::chart::load_path_with(&dir, Default::default()).unwrap();
        let files = chart.crd_objects();
        // Nothing read them on this thread: the worker does.
        assert!(files.iter().all(|f| f.data.loaded().is_none()));
        // No heads to decode after the CRDs.
        let heads = std::sync::Arc::new(crate::parallel::Heads::default());
        heads.close();
        let ahead = crd_documents_ahead(&chart, heads.clone()).expect("crds");
        let decoded = ahead();
        assert_eq!(decoded.len(), 2);
        for ((name, data, docs), f) in decoded.iter().zip(&files) {
            assert_eq!(*name, f.filename);
            assert!(data.ptr_eq(&f.data));
            let docs = docs.as_ref().expect("decoded");
            assert_eq!(docs.len(), 1);
            assert!(docs[0].name.ends_with(".example.com"), "{docs:?}");
        }
        assert!(files.iter().all(|f| f.data.loaded().is_none()));
        // A file gone since the load: its error, for the renderer to report in order.
        std::fs::remove_file(dir.join("crds/a.yaml")).unwrap();
        let decoded = crd_documents_ahead(&chart, heads).expect("crds")();
        assert!(decoded[0].2.as_ref().unwrap_err().contains("crds/a.yaml"));
        assert!(decoded[1].2.is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_plan_lists_the_crds_a_worker_decoded() {
        let dir = crd_chart("plan");
        let sc = tmp("sc-crds.yaml", "steps:\n  - op: install\n  - op: upgrade\n");
        let out = run(&[dir.to_string_lossy().into_owned(), "--scenario".into(), sc]).unwrap();
        assert!(
            out.contains("CustomResourceDefinition/as.example.com")
                && out.contains("CustomResourceDefinition/bs.example.com"),
            "{out}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The plan with the first render's heads decoded by the CRD worker is the core's plan
    /// without, also when the first render fails before its templates all ran and the next
    /// one waits for that worker's CRDs (the failed render released it; else this hangs).
    #[test]
    fn heads_decoded_on_the_helper_give_the_plan_without() {
        let dir = crd_chart("heads");
        for i in 0..12 {
            std::fs::write(
                dir.join(format!("templates/h{i}.yaml")),
                format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: h{i}\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"{}\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}-{{{{ .Release.Revision }}}}\n", 12 - i),
            )
            .unwrap();
        }
        let text =
            "steps:\n  - op: install\n  - op: upgrade\n  - op: rollback\n  - op: uninstall\n";
        let sc = tmp("sc-heads.yaml", text);
        let core = || {
            let chart = hookline::chart::load_path(&dir).unwrap();
            let base =
                hookline::render::TemplateRequest::new("release", "default", HelmVersion::V4);
            let mut render =
                hookline::render::chart_render::ChartRenderer::new(std::rc::Rc::new(chart), base);
            simulate(&Scenario::parse(text).unwrap(), &mut render).to_text()
        };
        let cli = || {
            run(&[
                dir.to_string_lossy().into_owned(),
                "--scenario".into(),
                sc.clone(),
            ])
        };
        let want = core();
        assert!(
            want.contains("create  Job/h11") && want.contains("ConfigMap/c3-2"),
            "{want}"
        );
        assert_eq!(cli().unwrap(), want);
        // The first render fails before its templates all ran; the next one takes the CRDs
        // from the thread that was decoding its heads.
        std::fs::write(
            dir.join("templates/h5.yaml"),
            "{{ if .Values.fail }}{{ fail \"stopped here\" }}{{ end }}",
        )
        .unwrap();
        let text = "steps:\n  - op: install\n    values: {fail: true}\n  - op: install\n";
        std::fs::write(&sc, text).unwrap();
        let chart = hookline::chart::load_path(&dir).unwrap();
        let base = hookline::render::TemplateRequest::new("release", "default", HelmVersion::V4);
        let mut render =
            hookline::render::chart_render::ChartRenderer::new(std::rc::Rc::new(chart), base);
        let want = simulate(&Scenario::parse(text).unwrap(), &mut render).to_text();
        assert!(
            want.contains("stopped here")
                && want.contains("CustomResourceDefinition/as.example.com"),
            "{want}"
        );
        assert_eq!(cli().unwrap(), want);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unusable_input_is_an_error() {
        assert!(run(&["/nonexistent/manifest.yaml".into()]).is_err());
        let m = tmp("m1.yaml", MANIFEST);
        let bad = tmp("bad.yaml", "steps: [");
        assert!(run(&[m.clone(), "--scenario".into(), bad]).is_err());
        assert!(run(&[m.clone(), "--format".into(), "xml".into()]).is_err());
        assert!(run(&[m, "--helm".into(), "v2".into()]).is_err());
    }

    #[test]
    fn a_failing_step_is_a_successful_plan() {
        let m = tmp("m2.yaml", MANIFEST);
        let s = tmp(
            "s2.yaml",
            "release: demo\nsteps:\n  - op: install\n    outcomes: {Job/x: failed}\n  - op: frobnicate\n",
        );
        let out = run(&[
            m.clone(),
            "--scenario".into(),
            s.clone(),
            "--format=json".into(),
        ])
        .expect("plan");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["release"], "demo");
        assert_eq!(v["steps"][0]["status"], "failed");
        assert_eq!(
            v["steps"][1]["error"],
            "unknown command \"frobnicate\" for \"helm\""
        );
        // Command-line options override the scenario.
        let out = run(&[
            m,
            "--scenario".into(),
            s,
            "--release".into(),
            "other".into(),
            "--helm".into(),
            "v3".into(),
            "--format".into(),
            "markdown".into(),
        ])
        .expect("plan");
        assert!(
            out.contains("release `other`") && out.contains("(Helm v3)"),
            "{out}"
        );
    }
}
