//! Every real chart of the shared corpus loads, processes its dependencies and yields its
//! templates. Skipped with a message when ../shared/corpus is absent.

use std::path::Path;

use hookline::chart::{self, prepare_render, RenderOptions};
use hookline::HelmVersion;

#[test]
fn chart_corpus_charts_all_load() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!(
            "SKIP: {} not found; the corpus load test needs it",
            corpus.display()
        );
        return;
    };
    let mut dirs: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("chart"))
        .filter(|p| p.join("Chart.yaml").exists())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let (mut templates, mut crds) = (0, 0);
    for dir in &dirs {
        let name = dir
            .parent()
            .and_then(|p| p.file_name())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        match chart::load_dir(dir) {
            Ok(c) => {
                let opts = RenderOptions::new("rel", "ns", HelmVersion::V4);
                match prepare_render(&c, &Default::default(), &opts) {
                    Ok(inputs) => {
                        templates += inputs.templates.len();
                        crds += inputs.crds.len();
                    }
                    Err(e) if e.message.contains("missing in charts/ directory") => {
                        eprintln!("{name}: {e}")
                    }
                    Err(e) => failures.push(format!("{name}: prepare: {e}")),
                }
            }
            Err(e) => failures.push(format!("{name}: load: {e}")),
        }
    }
    eprintln!(
        "corpus: {} charts loaded, {} failed; {templates} templates, {crds} crd files",
        dirs.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        dirs.len() >= 30,
        "expected 30 corpus charts, found {}",
        dirs.len()
    );
}

/// Split a command line like a POSIX shell does for simple cases (single/double quotes).
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                has = true;
            }
            (None, c) if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                has = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// For every corpus case, the files helm printed (`# Source:`) are templates (or CRDs) that
/// hookline selects for rendering with the same flags: dependency conditions, tags, aliases
/// and library charts agree with Helm on real charts.
#[test]
fn chart_corpus_sources_are_selected_templates() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("SKIP: {} not found", corpus.display());
        return;
    };
    let mut cases = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let id = e.path();
        if id.join("cmd.txt").exists() {
            cases.push((id.clone(), id.clone()));
        }
        if let Ok(vs) = std::fs::read_dir(id.join("variants")) {
            for v in vs.filter_map(Result::ok) {
                cases.push((id.clone(), v.path()));
            }
        }
    }
    cases.sort();
    let mut checked = 0;
    let mut missing = 0;
    for (id, case) in &cases {
        let cmd = std::fs::read_to_string(case.join("cmd.txt")).unwrap();
        let line = cmd.lines().find(|l| l.starts_with("helm ")).unwrap();
        let words = shell_words(line);
        let (name, ns) = (words[2].clone(), words[5].clone());
        let mut opts = hookline::values::ValueOptions::default();
        let mut include_crds = false;
        let mut is_upgrade = false;
        let mut i = 6;
        while i < words.len() {
            let next = words.get(i + 1).cloned().unwrap_or_default();
            match words[i].as_str() {
                "--set" => opts.values.push(next),
                "--set-string" => opts.string_values.push(next),
                "-f" | "--values" => {
                    let text = std::fs::read_to_string(id.join(&next)).unwrap();
                    opts.value_files.push((next, text));
                }
                "--include-crds" => {
                    include_crds = true;
                    i += 1;
                    continue;
                }
                "--is-upgrade" => {
                    is_upgrade = true;
                    i += 1;
                    continue;
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        let chart = chart::load_dir(&id.join("chart")).unwrap();
        let user = opts.merge(&mut |p| Err(format!("no file {p}"))).unwrap();
        let mut ro = RenderOptions::new(&name, &ns, HelmVersion::V4);
        if is_upgrade {
            ro.release = hookline::chart::ReleaseOptions::upgrade(&name, &ns);
        }
        let inputs = match prepare_render(&chart, &user, &ro) {
            Ok(i) => i,
            Err(e) if e.message.contains("missing in charts/ directory") => {
                // The shared copy of this chart lacks vendored subcharts: the real helm fails
                // the same way on it now.
                eprintln!("{}: {e}", case.display());
                missing += 1;
                continue;
            }
            Err(e) => panic!("{}: {e}", case.display()),
        };
        let expected = std::fs::read_to_string(case.join("expected.yaml")).unwrap();
        let mut sources: Vec<&str> = expected
            .lines()
            .filter_map(|l| l.strip_prefix("# Source: "))
            .collect();
        sources.dedup();
        let names: std::collections::BTreeSet<&str> = inputs
            .templates
            .iter()
            .filter(|t| !t.is_partial && !t.is_notes)
            .map(|t| t.name.as_str())
            .collect();
        let crds: Vec<&str> = inputs.crds.iter().map(|c| c.filename.as_str()).collect();
        let mut crd_sources = Vec::new();
        for s in &sources {
            if include_crds && crds.contains(s) {
                crd_sources.push(*s);
                continue;
            }
            assert!(
                names.contains(s),
                "{}: helm printed {s}, hookline has no such template",
                case.display()
            );
        }
        if include_crds {
            assert_eq!(crd_sources, crds, "{}: CRD order", case.display());
        }
        checked += 1;
    }
    eprintln!(
        "corpus: {checked} cases: every helm source is a selected template; {missing} cases skipped (subcharts missing from the copy)"
    );
    assert_eq!(checked + missing, cases.len());
}
