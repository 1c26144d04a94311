//! `hookline lint` on every chart of the shared corpus (/work/shared/corpus/<id>/chart, with
//! the release name and namespace of the case's cmd.txt), compared with the committed
//! tests/lint-corpus/<id>.txt. Set UPDATE_LINT_CORPUS=1 to rewrite the expected files.
//! Skipped, with a message, when the corpus is absent.

use std::path::{Path, PathBuf};

use hookline::chart::load_path;
use hookline::lint::{format, lint, LintOptions};

const CORPUS: &str = "/work/shared/corpus";

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lint-corpus")
}

/// `helm template NAME chart --namespace NS` → (NAME, NS).
fn release_and_namespace(cmd: &str) -> Option<(String, String)> {
    let line = cmd
        .lines()
        .find(|l| l.trim_start().starts_with("helm template"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let name = words.get(2)?.to_string();
    let ns = words
        .iter()
        .position(|w| *w == "--namespace" || *w == "-n")
        .and_then(|i| words.get(i + 1))
        .map(|s| s.to_string())
        .unwrap_or_else(|| "default".to_string());
    Some((name, ns))
}

#[test]
fn corpus_lint_output_matches_expected_files() {
    let corpus = Path::new(CORPUS);
    if !corpus.is_dir() {
        eprintln!("skipping corpus lint test: {CORPUS} is absent");
        return;
    }
    let update = std::env::var_os("UPDATE_LINT_CORPUS").is_some();
    let mut ids: Vec<String> = std::fs::read_dir(corpus)
        .expect("corpus")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("chart").is_dir() && e.path().join("cmd.txt").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert!(!ids.is_empty(), "no cases in {CORPUS}");
    let mut failures = Vec::new();
    for id in ids {
        let case = corpus.join(&id);
        let cmd = std::fs::read_to_string(case.join("cmd.txt")).expect("cmd.txt");
        let Some((release, namespace)) = release_and_namespace(&cmd) else {
            failures.push(format!("{id}: cannot read cmd.txt"));
            continue;
        };
        let text = match load_path(&case.join("chart")) {
            Ok(chart) => {
                let opts = LintOptions {
                    release,
                    namespace,
                    ..LintOptions::default()
                };
                format::text(&lint(&chart, &Default::default(), &opts))
            }
            Err(e) => format!("load error: {e}\n"),
        };
        let file = expected_dir().join(format!("{id}.txt"));
        if update {
            std::fs::create_dir_all(expected_dir()).expect("mkdir");
            std::fs::write(&file, &text).expect("write");
            continue;
        }
        match std::fs::read_to_string(&file) {
            Ok(want) if want == text => {}
            Ok(want) => failures.push(format!(
                "{id}: lint output differs from {}\n--- want\n{want}\n--- got\n{text}",
                file.display()
            )),
            Err(_) => failures.push(format!("{id}: {} is missing", file.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
