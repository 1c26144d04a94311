//! Every safety limit, as a user meets it on the command line: the default stops a hostile
//! chart or link with an error that names the limit and the flag, and `--limit NAME=N` raises it
//! (or a lower one trips it). Helm's own limits keep Helm's words and no flag.

use std::path::PathBuf;

mod common;
use common::{hookline, stderr, stdout};

/// A one-template chart in a fresh directory.
fn chart(case: &str, template: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookline-limits-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(dir.join("templates/t.yaml"), template).unwrap();
    dir
}

struct Case {
    name: &'static str,
    template: &'static str,
    /// Flags under which the template fails with the limit's error.
    fails_with: &'static [&'static str],
    /// Flags under which it renders.
    renders_with: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "steps",
        template: "x: {{ range until 5000 }}{{ end }}1",
        fails_with: &["--limit", "steps=1000"],
        renders_with: &[],
    },
    Case {
        name: "output",
        template: "x: {{ range until 2000 }}0123456789{{ end }}",
        fails_with: &["--limit", "output=1000"],
        renders_with: &[],
    },
    Case {
        name: "list",
        template: "x: {{ len (until 2000000) }}",
        fails_with: &[],
        renders_with: &["--limit", "list=3000000"],
    },
    Case {
        name: "string",
        template: "x: {{ len (repeat 20000000 \"a\") }}",
        fails_with: &[],
        renders_with: &["--limit=string=30000000"],
    },
    Case {
        // 999 nested includes: Helm allows 1000; a small stack budget refuses them.
        name: "stack",
        template: "{{- define \"n\" }}{{ if lt (int .) 999 }}{{ include \"n\" (add1 .) }}\
                   {{ else }}deep {{ . }}{{ end }}{{ end }}x: {{ include \"n\" 0 | quote }}",
        fails_with: &["--limit", "stack=300000"],
        renders_with: &[],
    },
];

#[test]
fn each_render_limit_names_itself_and_the_flag_raises_it() {
    for case in CASES {
        let dir = chart(case.name, case.template);
        let d = dir.to_str().unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec!["template", d];
            args.extend_from_slice(extra);
            hookline(&args)
        };
        let failed = run(case.fails_with);
        let err = stderr(&failed);
        assert_eq!(failed.status.code(), Some(1), "{}: {err}", case.name);
        let hint = format!(
            "(Hookline's `{0}` limit; raise it with --limit {0}=N)",
            case.name
        );
        assert!(err.contains(&hint), "{}: {err}", case.name);
        assert!(!err.contains("panicked"), "{}: {err}", case.name);
        let ok = run(case.renders_with);
        assert_eq!(ok.status.code(), Some(0), "{}: {}", case.name, stderr(&ok));
        assert!(stdout(&ok).contains("# Source: c/templates/t.yaml"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn helms_own_limits_keep_helms_words() {
    // pkg/engine/engine.go: includedNames, recursionMaxNums = 1000.
    let dir = chart(
        "include",
        "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}",
    );
    let o = hookline(&["template", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "rendering template has a nested reference name: a: unable to execute template"
        ),
        "{err}"
    );
    assert!(!err.contains("--limit"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_files_limit_applies_to_directories_and_archives() {
    let dir = chart("files", "x: 1\n");
    for i in 0..5 {
        std::fs::write(dir.join(format!("templates/extra-{i}.txt")), "").unwrap();
    }
    let d = dir.to_str().unwrap();
    let o = hookline(&["template", d, "--limit", "files=4"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("more than the maximum number of files 4 (Hookline's `files` limit"),
        "{err}"
    );
    assert_eq!(hookline(&["template", d]).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn link_limits_are_checked_before_and_after_inflating() {
    let link = hookline(&["link", "public/examples/backup-job"]);
    assert_eq!(link.status.code(), Some(0));
    let url = stdout(&link).trim().to_string();
    for (limit, says) in [
        ("link=100", "this link is too long to open"),
        ("link-bytes=100", "this link expands to more than 100 bytes"),
    ] {
        let o = hookline(&["plan", &url, "--limit", limit]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{limit}: {err}");
        let name = limit.split('=').next().unwrap();
        assert!(err.contains(says), "{limit}: {err}");
        assert!(
            err.contains(&format!("raise it with --limit {name}=N")),
            "{limit}: {err}"
        );
    }
    assert_eq!(hookline(&["plan", &url]).status.code(), Some(0));
}

#[test]
fn plan_and_lint_take_the_flag_too() {
    let dir = chart("plan", "x: {{ len (until 20) }}\n");
    let d = dir.to_str().unwrap();
    let o = hookline(&["plan", d, "--limit", "list=10"]);
    let err = stderr(&o);
    let out = stdout(&o);
    assert!(
        format!("{out}{err}").contains("--limit list=N"),
        "plan: {out}{err}"
    );
    let o = hookline(&["lint", d, "--limit", "list=10"]);
    let out = stdout(&o);
    assert!(out.contains("--limit list=N"), "lint: {out}");
    assert_eq!(o.status.code(), Some(1), "lint: {out}");
    let o = hookline(&["lint", d, "--limit", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--limit takes NAME=N"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_limits_lists_them() {
    let o = hookline(&["help", "limits"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for name in [
        "steps",
        "output",
        "stack",
        "list",
        "string",
        "link",
        "link-bytes",
        "files",
    ] {
        assert!(text.contains(&format!("\n  {name} ")), "{name}: {text}");
    }
}
