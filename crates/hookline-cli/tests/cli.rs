//! The installed command as a user and a CI job meet it: every subcommand's --help, --version,
//! the documented exit codes, and the shell completions working in bash, zsh and fish.

use std::path::Path;
use std::process::Command;

mod common;
use common::{hookline, root, stderr, stdout, BIN};

const SUBCOMMANDS: [&str; 6] = ["template", "plan", "lint", "link", "run", "completions"];

#[test]
fn every_subcommand_has_help_with_examples() {
    let top = hookline(&["--help"]);
    assert_eq!(top.status.code(), Some(0), "{}", stderr(&top));
    let top_text = stdout(&top);
    assert!(top_text.contains("exit codes"), "{top_text}");
    for cmd in SUBCOMMANDS {
        assert!(
            top_text.contains(&format!("\n  {cmd} ")),
            "--help does not list {cmd}"
        );
        for args in [vec![cmd, "--help"], vec![cmd, "-h"], vec!["help", cmd]] {
            let o = hookline(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            let text = stdout(&o);
            assert!(
                text.starts_with(&format!("usage: hookline {cmd}")),
                "{args:?}: {text}"
            );
            assert!(text.contains("\nexamples:\n"), "{args:?} has no examples");
        }
    }
    assert_eq!(stdout(&hookline(&["help"])), top_text);
}

#[test]
fn version_is_the_workspace_version() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let section = &manifest[manifest.find("[workspace.package]").unwrap()..];
    let version = section
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    for flag in ["--version", "-V"] {
        let o = hookline(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(stdout(&o), format!("hookline {version}\n"));
    }
}

#[test]
fn exit_codes_are_as_documented() {
    // A step that fails the way Helm fails is a successful plan.
    let o = hookline(&[
        "plan",
        "public/examples/backup-job",
        "--scenario",
        "public/examples/backup-job/scenario.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("FAILED"));
    // Unusable input, unknown commands and flags: 1, with the reason on stderr.
    for args in [
        vec!["plan", "/nonexistent/chart"],
        vec!["plan", "https://example.org/#h1.AAAA"],
        vec!["template", "public/examples/nonexistent"],
        vec!["frobnicate"],
        vec!["lint", "--bogus", "public/examples/backup-job"],
        vec!["completions", "tcsh"],
        vec![],
    ] {
        let o = hookline(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).starts_with("Error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // lint: 1 on an error-level finding (the report still on stdout), 0 otherwise.
    let bad = hookline(&["lint", "tests/fixtures/lint/HL005/bad"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("error[HL005]"), "{}", stdout(&bad));
    let good = hookline(&["lint", "tests/fixtures/lint/HL005/good"]);
    assert_eq!(good.status.code(), Some(0), "{}", stdout(&good));
}

/// `template` writes its output as it makes it (streamed, not held); a reader that stops early
/// (`| head`) ends it quietly with status 0 (the output is far larger than a pipe's buffer).
#[test]
fn template_output_into_a_pipe_closed_early_is_quiet() {
    use std::io::Read;
    let dir = std::env::temp_dir().join(format!("hookline-pipe-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: big\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("templates/cm.yaml"),
        "{{ range until 400 }}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ . }}\ndata:\n  text: {{ repeat 2000 \"x\" }}\n{{ end }}",
    )
    .unwrap();
    let chart = dir.to_str().unwrap();
    let whole = hookline(&["template", "big", chart]);
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
    assert!(whole.stdout.len() > 800_000, "{}", whole.stdout.len());
    assert!(stdout(&whole).ends_with("xx\n"));
    let mut child = Command::new(BIN)
        .args(["template", "big", chart])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is closed now.
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(&first, b"---\n# Source: bi");
}

fn shell(program: &str, script: &str) -> String {
    let dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new(program)
        .args(["-c", script])
        .env("PATH", path)
        .env("HOME", std::env::temp_dir())
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed for this test (scripts/setup.sh installs it): {e}")
        });
    assert!(
        o.status.success(),
        "{program}: {}\n{}",
        stderr(&o),
        stdout(&o)
    );
    stdout(&o)
}

#[test]
fn bash_completes_commands_flags_and_values() {
    let out = shell(
        "bash",
        r#"source <(hookline completions bash)
c() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _hookline; echo "${COMPREPLY[*]}"; }
c hookline pl
c hookline plan x --format m
c hookline lint --ar
c hookline template --he
c hookline completions z
c hookline help li"#,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "plan",
            "markdown",
            "--argocd",
            "--helm --help",
            "zsh",
            "lint link"
        ]
    );
}

#[test]
fn zsh_completion_is_valid_and_registers() {
    let script = stdout(&hookline(&["completions", "zsh"]));
    assert!(script.starts_with("#compdef hookline\n"));
    let file = std::env::temp_dir().join(format!("_hookline-{}", std::process::id()));
    std::fs::write(&file, &script).unwrap();
    shell("zsh", &format!("zsh -n {}", file.display()));
    let out = shell(
        "zsh",
        &format!(
            "autoload -U compinit && compinit -u -d {}.dump && source {} && print -r -- $_comps[hookline]",
            file.display(),
            file.display()
        ),
    );
    assert_eq!(out.trim(), "_hookline");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn fish_completes_commands_flags_and_values() {
    let out = shell(
        "fish",
        r#"source (hookline completions fish | psub)
complete -C "hookline pl"
complete -C "hookline plan --format "
complete -C "hookline lint --ar"
complete -C "hookline link --he""#,
    );
    let words: Vec<&str> = out
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(
        words,
        ["plan", "json", "markdown", "svg", "text", "--argocd", "--helm", "--help"]
    );
}
