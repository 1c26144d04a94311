//! The README's command-line examples run as written: every line of its ```sh blocks that
//! starts with `hookline` (or pipes into it) runs in `sh`, from a scratch directory that sees the
//! repository's public/, tests/ and docs/, with the freshly built `hookline` first on PATH. A
//! line ending in `# exit N` must exit with N; a line marked `(needs a cluster)` is not run;
//! every other line must succeed and print something.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The lines of the README's ```sh blocks that run `hookline`.
fn examples(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_sh = !in_sh && t == "```sh";
            continue;
        }
        if in_sh
            && (t.starts_with("hookline ") || t.starts_with("source <(hookline"))
            && !t.contains("(needs a cluster)")
        {
            out.push(t.to_string());
        }
    }
    out
}

/// `# exit N` at the end of a line.
fn expected_exit(line: &str) -> i32 {
    line.rsplit_once("# exit ")
        .and_then(|(_, n)| n.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn the_readmes_cli_examples_run_as_written() {
    let root = root().canonicalize().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = examples(&readme);
    assert!(
        lines.len() >= 8,
        "the README shows too few CLI examples: {lines:?}"
    );
    for cmd in ["template", "plan", "lint", "link", "run", "completions"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("hookline {cmd} "))),
            "the README has no example of `hookline {cmd}`"
        );
    }
    let scratch = std::env::temp_dir().join(format!("hookline-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    for dir in ["public", "tests", "docs"] {
        std::os::unix::fs::symlink(root.join(dir), scratch.join(dir)).unwrap();
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hookline")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in &lines {
        let o = Command::new("bash")
            .args(["-c", line])
            .env("PATH", &path)
            .env_remove("HOOKLINE_URL")
            .current_dir(&scratch)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(expected_exit(line)),
            "README example failed: {line}\n{stderr}"
        );
        // Examples that redirect their output leave a file instead.
        let wrote_file = line.contains(" > ");
        assert!(
            wrote_file || line.starts_with("source") || !stdout.trim().is_empty(),
            "README example printed nothing: {line}\n{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
