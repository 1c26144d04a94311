//! `hookline lint`: check a chart's hooks for the pitfalls Helm only shows on a cluster.

use std::path::Path;

use hookline::chart::load_path_with;
use hookline::lint::{format, lint, LintOptions};
use hookline::values::ValueOptions;
use hookline::HelmVersion;

pub const USAGE: &str = "usage: hookline lint CHART [flags]

Check a chart's hooks for the pitfalls Helm only shows on a cluster (rules HL000-HL015).
CHART is a chart directory or a .tgz archive. The exit code is 1 when there are errors.

flags:
      --format text|json|sarif   output format (default text)
      --helm v3|v4              follow Helm 3 or Helm 4 behaviour (default v4)
  -f, --values FILE             values file (repeatable)
      --set K=V                 set values (repeatable); also --set-string, --set-json
      --release NAME            release name (default \"release-name\")
  -n, --namespace NS            release namespace (default \"default\")
      --wait                    installs and upgrades use --wait (silences HL015)
      --kube-version V          Kubernetes version for .Capabilities
      --argocd                  also show the hooks as Argo CD would run them, next to Helm
      --limit NAME=N            raise a safety limit (see `hookline help limits`)

exit codes: 0 when no finding is an error (warnings and infos do not count), 1 when one is,
or when the chart or a values file cannot be used.

examples:
  hookline lint public/examples/backup-job
  hookline lint ./mychart -f prod-values.yaml --format sarif > hookline.sarif
  hookline lint ./mychart --argocd";

/// What to print, and whether lint found errors.
pub struct Outcome {
    pub stdout: String,
    pub errors: bool,
}

pub fn run(args: &[String]) -> Result<Outcome, String> {
    let mut chart_path = None;
    let mut vals = ValueOptions::default();
    let mut opts = LintOptions::default();
    let mut fmt = "text".to_string();
    let mut argocd = false;
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
            "--format" | "-o" => fmt = take()?,
            "--helm" => {
                let v = take()?;
                opts.helm =
                    HelmVersion::parse(&v).ok_or(format!("--helm takes v3 or v4, not {v:?}"))?
            }
            "-f" | "--values" => {
                let path = take()?;
                let content =
                    std::fs::read_to_string(&path).map_err(|e| format!("open {path}: {e}"))?;
                vals.value_files.push((path, content));
            }
            "--set" => vals.values.push(take()?),
            "--set-string" => vals.string_values.push(take()?),
            "--set-json" => vals.json_values.push(take()?),
            "--release" => opts.release = take()?,
            "-n" | "--namespace" => opts.namespace = take()?,
            "--kube-version" => opts.kube_version = Some(take()?),
            "--wait" => opts.wait = true,
            "--argocd" => argocd = true,
            "--limit" => limits.set(&take()?)?,
            "-h" | "--help" => {
                return Ok(Outcome {
                    stdout: format!("{USAGE}\n"),
                    errors: false,
                })
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown flag: {f}\n\n{USAGE}"))
            }
            _ => {
                if chart_path.is_some() {
                    return Err(format!("lint takes one chart, got {a:?} too\n\n{USAGE}"));
                }
                chart_path = Some(a.clone())
            }
        }
    }
    if !matches!(fmt.as_str(), "text" | "json" | "sarif") {
        return Err(format!("--format takes text, json or sarif, not {fmt:?}"));
    }
    let chart_path = chart_path.ok_or_else(|| USAGE.to_string())?;
    opts.limits = limits.render;
    let chart = load_path_with(Path::new(&chart_path), limits.chart).map_err(|e| e.to_string())?;
    let user_values = vals
        .merge(&mut |path: &str| {
            std::fs::read_to_string(path).map_err(|e| format!("open {path}: {e}"))
        })
        .map_err(|e| e.to_string())?;
    let report = lint(&chart, &user_values, &opts);
    let mut stdout = match fmt.as_str() {
        "json" => format::json(&report),
        "sarif" => format::sarif(&report),
        _ => format::text(&report),
    };
    if argocd {
        let cmp = hookline::argocd::compare_chart(&chart, &user_values, &opts);
        stdout.push('\n');
        stdout.push_str(&cmp.to_text());
    }
    Ok(Outcome {
        errors: report.has_errors(),
        stdout,
    })
}

/// The `lint` command: the report on stdout; exit code 1 when it has errors (for CI).
pub fn dispatch(args: &[String]) -> Result<String, String> {
    let o = run(args)?;
    if o.errors {
        print!("{}", o.stdout);
        std::process::exit(1);
    }
    Ok(o.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rule: &str, kind: &str) -> String {
        format!(
            "{}/../../tests/fixtures/lint/{rule}/{kind}",
            env!("CARGO_MANIFEST_DIR")
        )
    }

    #[test]
    fn errors_set_the_flag_and_formats_work() {
        let o = run(&[fixture("HL005", "bad")]).expect("lint");
        assert!(
            o.errors && o.stdout.contains("error[HL005]"),
            "{}",
            o.stdout
        );
        let o = run(&[fixture("HL005", "good"), "--format=json".into()]).expect("lint");
        assert!(!o.errors);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
        assert_eq!(v["findings"].as_array().map(Vec::len), Some(0));
        let o = run(&[fixture("HL002", "bad"), "--format".into(), "sarif".into()]).expect("lint");
        let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("sarif");
        assert_eq!(v["runs"][0]["results"][0]["ruleId"], "HL002");
        let o = run(&[
            fixture("HL011", "bad"),
            "--helm".into(),
            "v3".into(),
            "--argocd".into(),
        ])
        .expect("lint");
        assert!(o.stdout.contains("HL011") && o.stdout.contains("Argo CD v3.4.7"));
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert!(run(&[]).is_err());
        assert!(run(&[fixture("HL005", "bad"), "--format".into(), "xml".into()]).is_err());
        assert!(run(&[fixture("HL005", "bad"), "--helm".into(), "v2".into()]).is_err());
        assert!(run(&["/nonexistent/chart".into()]).is_err());
        assert!(run(&[fixture("HL005", "bad"), "--bogus".into()]).is_err());
    }
}
