//! Golden share links (tests/fixtures/links/*.link): links made by earlier versions must keep
//! opening, to the same chart and the same plan, in every later version.
//!
//! Each file holds `#` comment lines (how the link was made), `url: <the link>`, `limit: <N>`
//! (the length it must stay under: 2,000 where chat tools cut links, 8,000 for servers and
//! proxies) and, after `--- plan`, the plan's text. The link itself is never re-recorded. When a
//! correction of the simulator changes a plan on purpose, `HOOKLINE_BLESS=1 cargo test -p
//! hookline --test links` re-records the plans (review the diff).

use std::path::{Path, PathBuf};

use hookline::playground::{self, Input};
use hookline::share;

struct Golden {
    path: PathBuf,
    header: String,
    url: String,
    limit: usize,
    plan: String,
}

fn load(path: &Path) -> Golden {
    let text = std::fs::read_to_string(path).unwrap();
    let (head, plan) = text.split_once("--- plan\n").unwrap_or((text.as_str(), ""));
    let field = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("{}: no `{name}:` line", path.display()))
            .to_string()
    };
    Golden {
        path: path.to_path_buf(),
        header: head.to_string(),
        url: field("url"),
        limit: field("limit").parse().expect("limit is a number"),
        plan: plan.to_string(),
    }
}

fn goldens() -> Vec<Golden> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/links");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "link"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "the golden links are missing");
    files.iter().map(|p| load(p)).collect()
}

/// Open a link as the playground and `hookline plan LINK` do.
fn open(url: &str) -> Result<String, String> {
    let state = share::decode(url).map_err(|e| e.to_string())?;
    let input = Input::from_share(&state).map_err(|e| e.to_string())?;
    let out = playground::run(&input);
    if !out.diagnostics.is_empty() {
        return Err(format!("{:?}", out.diagnostics));
    }
    Ok(out.plan.ok_or("no plan")?.to_text())
}

#[test]
fn golden_links_keep_opening_to_the_same_plan() {
    let bless = std::env::var_os("HOOKLINE_BLESS").is_some();
    for g in goldens() {
        let name = g.path.display();
        assert!(
            g.url.chars().count() < g.limit,
            "{name}: {} characters, over its limit of {}",
            g.url.chars().count(),
            g.limit
        );
        let plan = open(&g.url).unwrap_or_else(|e| {
            panic!(
                "{name}: this link no longer opens: {e}\n(if a gallery chart changed, links to its \
                 earlier version say so; a golden link must keep opening)"
            )
        });
        if bless {
            std::fs::write(&g.path, format!("{}--- plan\n{plan}", g.header)).unwrap();
        } else {
            assert_eq!(plan, g.plan, "{name}: the plan changed");
        }
    }
}

/// Today's encoder gives the same link for the decoded state (the same state always gives the
/// same link).
#[test]
fn golden_links_are_canonical() {
    for g in goldens() {
        let state = share::decode(&g.url).unwrap();
        let fragment = &g.url[g.url.find('#').unwrap() + 1..];
        assert_eq!(share::encode(&state), fragment, "{}", g.path.display());
    }
}

/// A link cut anywhere (a chat tool's truncation) is refused with a message, never opened as
/// something else.
#[test]
fn cut_golden_links_are_refused() {
    for g in goldens() {
        let start = g.url.find("#h1.").unwrap() + 4;
        for end in (start..g.url.len()).step_by(7) {
            let cut = &g.url[..end];
            assert!(
                share::decode(cut).is_err(),
                "{}: cut at {end} still opens",
                g.path.display()
            );
        }
    }
}
