//! `hookline link`: the share link of a chart and a scenario, as the playground makes it.

use std::collections::BTreeMap;
use std::path::Path;

use hookline::share::{self, encode, ChartSource, FileContent, ShareState};

pub const USAGE: &str = "usage: hookline link CHART [flags]
       hookline link --example ID [CHART] [flags]

Print a link that opens the chart (a directory) and the scenario in the Hookline playground,
for a pull request or a chat. Everything travels in the URL fragment, which browsers never send
to the server; `hookline plan LINK` plans what a link shows.

flags:
      --scenario FILE       the scenario file (YAML), carried by the link
  -f, --values FILE         extra values (repeatable; the files are joined)
      --set K=V             --set lines (repeatable)
      --release NAME        release name
  -n, --namespace NS        release namespace
      --helm v3|v4          Helm 3 or Helm 4 semantics
      --kube-version V      Kubernetes version for .Capabilities
      --example ID          a chart of the built-in gallery (public/examples/ID), named by id
                            and content hash instead of carried whole: the link stays short.
                            With a CHART directory, only its differences from the example
                            travel; without --scenario, the example's own scenario is used
      --base URL            the playground's address (default: $HOOKLINE_URL, else
                            http://127.0.0.1:8080/, where `make run` serves it)

A warning goes to stderr when the link is longer than 2,000 characters (chat tools cut such
links) or 8,000 (servers and proxies refuse them; the playground's share panel offers a
.hookline file instead). The exit code is 1 when the chart or a file cannot be read.

examples:
  hookline link public/examples/backup-job --scenario public/examples/backup-job/scenario.yaml
  hookline link ./mychart --scenario upgrade.yaml --base https://example.org/hookline/
  hookline link --example ingress-nginx-admission --base https://example.org/hookline/
  hookline plan \"$(hookline link ./mychart --scenario upgrade.yaml)\" --format markdown";

/// Every file of a chart directory (relative paths, `/`-separated), skipping VCS metadata.
pub fn read_chart_dir(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    fn walk(
        root: &Path,
        dir: &Path,
        out: &mut BTreeMap<String, Vec<u8>>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 64 {
            return Err(format!("{}: directories nested too deeply", dir.display()));
        }
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().to_string();
            if name == ".git" {
                continue;
            }
            let path = e.path();
            let ft = e.file_type().map_err(|e| e.to_string())?;
            if ft.is_dir() {
                walk(root, &path, out, depth + 1)?;
            } else if ft.is_file() {
                let rel = path
                    .strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect::<Vec<_>>()
                    .join("/");
                let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                out.insert(rel, data);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out, 0)?;
    Ok(out)
}

pub fn run(args: &[String]) -> Result<String, String> {
    let mut chart = None;
    let mut state = ShareState::default();
    let mut base =
        std::env::var("HOOKLINE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080/".into());
    let mut example = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
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
            "--scenario" => {
                let path = take()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                // Checked as the playground will read it, so a broken scenario fails here.
                hookline::Scenario::parse(&text).map_err(|e| format!("{path}: {}", e.0))?;
                let yaml: serde_json::Value = hookline::yaml::from_str(&text)
                    .map(|v| to_json(&v))
                    .map_err(|e| format!("{path}: {e}"))?;
                state.scenario = Some(yaml);
            }
            "-f" | "--values" => {
                let path = take()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                if !state.values.is_empty() && !state.values.ends_with('\n') {
                    state.values.push('\n');
                }
                state.values.push_str(&text);
            }
            "--set" => state.set.push(take()?),
            "--release" => state.release = Some(take()?),
            "-n" | "--namespace" => state.namespace = Some(take()?),
            "--helm" => state.helm = Some(take()?),
            "--kube-version" => state.kube_version = Some(take()?),
            "--base" => base = take()?,
            "--example" => example = Some(take()?),
            "-h" | "--help" => return Ok(format!("{USAGE}\n")),
            f if f.starts_with('-') => return Err(format!("unknown flag: {f}\n\n{USAGE}")),
            _ => chart = Some(a.clone()),
        }
    }
    state.chart = match example {
        Some(id) => gallery_source(&id, chart.as_deref(), &mut state)?,
        None => {
            let chart =
                chart.ok_or_else(|| format!("\"hookline link\" requires a CHART\n\n{USAGE}"))?;
            let files = read_chart_dir(Path::new(&chart))?;
            if !files.contains_key("Chart.yaml") {
                return Err(format!("{chart}: no Chart.yaml: not a chart directory"));
            }
            ChartSource::Files {
                files: files
                    .iter()
                    .map(|(k, v)| (k.clone(), FileContent::from_bytes(v)))
                    .collect(),
            }
        }
    };
    let fragment = encode(&state);
    let base = base.split('#').next().unwrap_or("").to_string();
    let link = format!("{base}#{fragment}");
    // The warning goes to stderr so `$(hookline link ...)` stays a clean link.
    if let Some(w) = length_warning(link.len()) {
        eprintln!("warning: {w}");
    }
    Ok(format!("{link}\n"))
}

/// The share panel's warnings: chat tools cut links past 2,000 characters, proxies and servers
/// past 8,000.
pub fn length_warning(chars: usize) -> Option<String> {
    if chars > 8_000 {
        Some(format!("the link is {chars} characters long; servers and proxies often refuse links past 8,000"))
    } else if chars > 2_000 {
        Some(format!(
            "the link is {chars} characters long; chat tools may cut links past 2,000"
        ))
    } else {
        None
    }
}

/// A gallery chart by id and content hash, with the edits that turn it into CHART (if given);
/// without --scenario the example's preset scenario.
fn gallery_source(
    id: &str,
    chart: Option<&str>,
    state: &mut ShareState,
) -> Result<ChartSource, String> {
    let ex = hookline::gallery::find(id).ok_or_else(|| {
        let ids: Vec<&str> = hookline::gallery::EXAMPLES.iter().map(|e| e.id).collect();
        format!(
            "--example: no gallery example {id:?}; the gallery has {}",
            ids.join(", ")
        )
    })?;
    let original = ex.share_files();
    let edits = match chart {
        Some(dir) => {
            let mut files = read_chart_dir(Path::new(dir))?;
            // A gallery directory's scenario.yaml is its preset, not a chart file.
            files.remove("scenario.yaml");
            let current = files
                .iter()
                .map(|(k, v)| (k.clone(), FileContent::from_bytes(v)))
                .collect();
            hookline::share::gallery_edits(&original, &current)
        }
        None => BTreeMap::new(),
    };
    if state.scenario.is_none() {
        let preset = hookline::yaml::from_str(ex.scenario)
            .map_err(|e| format!("the example's scenario: {e}"))?;
        state.scenario = Some(to_json(&preset));
    }
    Ok(ChartSource::Gallery {
        id: ex.id.to_string(),
        hash: share::content_hash(&original),
        edits,
    })
}

/// A YAML value as JSON (the share state stores the scenario structurally).
fn to_json(v: &gotemplate::Value) -> serde_json::Value {
    use gotemplate::Value;
    match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            serde_json::Value::from(*f as i64)
        }
        Value::Float(f) => serde_json::Value::from(*f),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Bytes(b) => serde_json::Value::String(String::from_utf8_lossy(b).to_string()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        Value::Object(o) => to_json(&o.to_data()),
    }
}
