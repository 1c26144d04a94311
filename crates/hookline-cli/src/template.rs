//! `hookline template`: what `helm template` prints, rendered by Hookline.

use std::path::Path;

use hookline::chart::load_path_deferred_with;
use hookline::render::output::template_output;
use hookline::render::{render_chart_early, TemplateRequest};
use hookline::values::ValueOptions;
use hookline::HelmVersion;

pub const USAGE: &str = "usage: hookline template [NAME] CHART [flags]

Render a chart exactly as `helm template` does and print the manifests.
CHART is a chart directory or a .tgz archive. NAME defaults to \"release-name\".

flags:
  -n, --namespace NS        release namespace (default \"default\")
  -f, --values FILE         values file (repeatable; later files win)
      --set K=V             set values (repeatable), like helm's --set
      --set-string K=V      set string values
      --set-json K=JSON     set JSON values
      --set-file K=PATH     set a value from a file's content
      --set-literal K=V     set a literal string value
      --is-upgrade          render as an upgrade (.Release.IsUpgrade)
      --kube-version V      Kubernetes version for .Capabilities (default: v1.35.0 for Helm 4,
                            v1.32.0 for Helm 3)
  -a, --api-versions X      extra API versions for .Capabilities.APIVersions (repeatable)
      --include-crds        include the chart's crds/ in the output
      --skip-tests          leave out test hooks
      --no-hooks            leave out every hook
      --skip-schema-validation  do not check values against values.schema.json
  -s, --show-only PATH      only the templates matching PATH (repeatable)
      --helm v3|v4          follow Helm 3 or Helm 4 behaviour (default v4)
      --seed N              seed of random functions (randAlphaNum, genCA, ...)
      --limit NAME=N        raise a safety limit (see `hookline help limits`)

Like helm, it exits with 1 and prints helm's error text when the chart cannot be rendered.

examples:
  hookline template my-release ./mychart -n prod -f prod-values.yaml
  hookline template ./mychart --set image.tag=v2 --show-only templates/job.yaml";

/// Exit status and the text for stdout or stderr.
pub enum Outcome {
    Ok(String),
    Err(String),
}

pub fn run(args: &[String]) -> Outcome {
    // One render, one split: nothing to reuse later.
    hookline::manifest::remember_splits(false);
    match parse_and_render(args) {
        Ok(s) => Outcome::Ok(s),
        Err(e) => Outcome::Err(e),
    }
}

fn parse_and_render(args: &[String]) -> Result<String, String> {
    let mut positional: Vec<String> = Vec::new();
    let mut vals = ValueOptions::default();
    let mut namespace = "default".to_string();
    let mut helm = HelmVersion::V4;
    let mut is_upgrade = false;
    let mut kube_version = None;
    let mut api_versions = Vec::new();
    let mut include_crds = false;
    let mut skip_tests = false;
    let mut no_hooks = false;
    let mut skip_schema = false;
    let mut show_only = Vec::new();
    let mut seed = 0u64;
    let mut limits = crate::limits::CliLimits::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut take = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("flag needs an argument: {flag}")),
            }
        };
        match flag.as_str() {
            "-n" | "--namespace" => namespace = take()?,
            "-f" | "--values" => {
                let path = take()?;
                let content = std::fs::read_to_string(&path)
                    .map_err(|e| format!("open {path}: {}", io_reason(&e)))?;
                vals.value_files.push((path, content));
            }
            "--set" => vals.values.push(take()?),
            "--set-string" => vals.string_values.push(take()?),
            "--set-json" => vals.json_values.push(take()?),
            "--set-file" => vals.file_values.push(take()?),
            "--set-literal" => vals.literal_values.push(take()?),
            "--is-upgrade" => is_upgrade = true,
            "--kube-version" => kube_version = Some(take()?),
            "-a" | "--api-versions" => api_versions.push(take()?),
            "--include-crds" => include_crds = true,
            "--skip-tests" => skip_tests = true,
            "--no-hooks" => no_hooks = true,
            "--skip-schema-validation" => skip_schema = true,
            "-s" | "--show-only" => show_only.push(take()?),
            "--helm" => {
                let v = take()?;
                helm = HelmVersion::parse(&v).ok_or(format!("--helm takes v3 or v4, not {v:?}"))?
            }
            "--seed" => {
                let v = take()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed takes a number, not {v:?}"))?
            }
            "--limit" => limits.set(&take()?)?,
            "-h" | "--help" => return Ok(format!("{USAGE}\n")),
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown flag: {f}\n\n{USAGE}"))
            }
            _ => positional.push(a.clone()),
        }
    }
    let (name, chart_path) = match positional.as_slice() {
        [chart] => ("release-name".to_string(), chart.clone()),
        [name, chart] => (name.clone(), chart.clone()),
        [] => {
            return Err(format!(
                "\"hookline template\" requires at least 1 argument\n\n{USAGE}"
            ))
        }
        _ => {
            return Err(format!(
                "\"hookline template\" accepts at most 2 arguments, got {}\n\n{USAGE}",
                positional.len()
            ))
        }
    };
    let mut req = TemplateRequest::new(&name, &namespace, helm);
    req.is_upgrade = is_upgrade;
    req.kube_version = kube_version;
    req.api_versions = api_versions;
    req.output.include_crds = include_crds;
    req.output.skip_tests = skip_tests;
    req.output.no_hooks = no_hooks;
    req.output.show_only = show_only;
    req.seed = seed;
    req.limits = limits.render;
    req.skip_schema_validation = skip_schema;
    req.retain_intermediates = true;
    // The documents' heads of every render.
    req.for_each = Some(crate::parallel::for_each);
    // The templates are parsed on a helper thread from the moment the chart's walk reads
    // them, while this thread reads the rest, parses the values files and prepares the
    // chart (most of the work before the first template runs), then on both (see
    // `parallel::Early`). Then, while this thread runs the templates, the helper decodes the
    // heads of the documents they make (see `parallel::Heads`).
    let early = crate::parallel::Early::new(hookline::render::parse_setup(helm, &req.limits));
    let heads = crate::parallel::Heads::default();
    let run = || -> Result<_, String> {
        let loading =
            load_path_deferred_with(Path::new(&chart_path), limits.chart, &mut |t| early.push(t))
                .map_err(|e| e.to_string())?;
        for t in loading.template_texts() {
            early.push_unseen(&t);
        }
        early.close();
        let chart = loading.finish().map_err(|e| e.to_string())?;
        let user_values = vals
            .merge(&mut |path: &str| {
                std::fs::read_to_string(path).map_err(|e| format!("open {path}: {}", io_reason(&e)))
            })
            .map_err(|e| e.to_string())?;
        let rendered = render_chart_early(&chart, &user_values, &req, &early, Some(&heads));
        Ok((chart, user_values, rendered))
    };
    let (chart, user_values, rendered) = crate::parallel::with_helper(
        &|| {
            early.work();
            heads.work();
        },
        || {
            let out = run();
            // Parses the render did not ask for (it failed before) are not started; the
            // helper stops waiting for texts and files.
            early.stop();
            heads.close();
            out
        },
    )?;
    let mut rendered = rendered.map_err(|e| {
        let text = e.helm_text();
        let text = text.strip_prefix("Error: ").unwrap_or(&text).to_string();
        // Helm 4 also logs this one before returning it (pkg/action/install.go:309).
        if let (HelmVersion::V4, Some(cause)) = (
            helm,
            text.strip_prefix("chart dependencies processing failed: "),
        ) {
            eprintln!(
                "level=ERROR msg=\"chart dependencies processing failed\" error={}",
                slog_value(cause)
            );
        }
        text
    })?;
    // Helm logs each document it drops for an unknown hook event on stderr
    // (pkg/release/v1/util/manifest_sorter.go); so does Hookline, in the same words.
    for doc in &rendered.sorted.dropped {
        let events = doc
            .annotations
            .get(hookline::hooks::HOOK_ANNOTATION)
            .cloned()
            .unwrap_or_default();
        match helm {
            HelmVersion::V4 => eprintln!(
                "level=INFO msg=\"skipping unknown hooks\" hookTypes={}",
                slog_value(&events)
            ),
            HelmVersion::V3 => {
                eprintln!("manifest_sorter.go:190: info: skipping unknown hook: {events:?}")
            }
        }
    }
    // The split documents hold their own text: the rendered files' memory can serve the
    // output instead of adding to it.
    drop(std::mem::take(&mut rendered.rendered.files));
    let out = if req.output.show_only.is_empty() {
        stream(&rendered.crds, &rendered.sorted, &req.output)
    } else {
        template_output(&rendered.crds, &rendered.sorted, &req.output)
    };
    // The process ends right after printing: freeing the chart, the parse trees and the
    // values piece by piece would only cost time (a tenth of a large chart's run).
    std::mem::forget(rendered);
    std::mem::forget(user_values);
    std::mem::forget(chart);
    std::mem::forget(early);
    out
}

/// The output written to standard output as it is made (a large chart's is most of a megabyte,
/// and holding it would add that to the peak memory); an empty text is left for the caller
/// to print. Write errors as the caller reports them: a closed pipe ends the output quietly.
fn stream(
    crds: &[hookline::chart::CrdFile],
    sorted: &hookline::SortedManifests,
    opts: &hookline::render::output::OutputOptions,
) -> Result<String, String> {
    use std::io::Write;
    let mut stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut failed: Option<std::io::Error> = None;
    hookline::render::output::stream_template_output(crds, sorted, opts, &mut |s| {
        if failed.is_none() {
            failed = stdout.write_all(s.as_bytes()).err();
        }
    })?;
    match failed.map_or_else(|| stdout.flush(), Err) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("writing the output: {e}"))
        }
        _ => Ok(String::new()),
    }
}

/// How Go's slog text handler writes a value: bare unless it needs quoting.
fn slog_value(s: &str) -> String {
    let needs_quotes = s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '=' || c.is_control() || !c.is_ascii());
    if needs_quotes {
        format!("{s:?}")
    } else {
        s.to_string()
    }
}

/// Go's wording for the common I/O errors.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
