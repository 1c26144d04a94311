//! The `hookline` command line.

use std::process::ExitCode;

use hookline::kind_order::KindOrder;
use hookline::{plan_install, split_rendered, HelmVersion, RenderedFile};

const USAGE: &str = "usage: hookline plan INPUT [--helm v3|v4] [--format text|json]

INPUT is a rendered manifest file (multi-document YAML).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    match cmd.as_str() {
        "plan" => plan(rest),
        "--version" | "version" => Ok(format!("hookline {}\n", env!("CARGO_PKG_VERSION"))),
        "-h" | "--help" | "help" => Ok(format!("{USAGE}\n")),
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    }
}

fn plan(args: &[String]) -> Result<String, String> {
    let mut input = None;
    let mut helm = HelmVersion::V4;
    let mut format = "text".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--helm" => {
                helm = match it.next().map(String::as_str) {
                    Some("v3") => HelmVersion::V3,
                    Some("v4") => HelmVersion::V4,
                    other => return Err(format!("--helm takes v3 or v4, not {other:?}")),
                }
            }
            "--format" => {
                format = it
                    .next()
                    .ok_or("--format needs a value: text or json")?
                    .clone()
            }
            s if s.starts_with('-') => return Err(format!("unknown flag {s}\n{USAGE}")),
            s => input = Some(s.to_string()),
        }
    }
    let input = input.ok_or_else(|| USAGE.to_string())?;
    let content =
        std::fs::read_to_string(&input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let files = vec![RenderedFile {
        path: input.clone(),
        content,
    }];
    let sorted = split_rendered(&files, KindOrder::Install, helm).map_err(|e| e.to_string())?;
    let plan = plan_install(&sorted, helm);
    match format.as_str() {
        "text" => Ok(plan.to_text()),
        "json" => serde_json::to_string_pretty(&plan)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        other => Err(format!("--format takes text or json, not {other:?}")),
    }
}
