//! `--limit NAME=N`: the safety limits a chart, a values file or a share link can run into.
//! Helm has few of its own (1000 nested `include`s, Go's 100000 nested `{{template}}` calls,
//! its archive sizes; those keep Helm's exact errors and are not raised here, since Helm fails
//! the same way); these are Hookline's, against input that would otherwise hang or exhaust
//! the machine. Every one of their errors ends with the flag that raises it.

use hookline::chart::ArchiveLimits;
use hookline::render::RenderLimits;
use hookline::share::ShareLimits;

/// Stack the CLI gives its worker thread beyond the evaluator's budget: frames between two
/// budget checks (YAML and JSON nesting is capped separately, at a few hundred levels).
const STACK_MARGIN: usize = 64 << 20;
/// The evaluator's default stack budget on the command line: 1 GiB of stack, as Go gives a
/// goroutine, less the margin. Pages are only committed when touched.
const DEFAULT_STACK: usize = (1 << 30) - STACK_MARGIN;

/// Each limit, its meaning, and its default as `hookline help limits` prints it.
pub const NAMES: &[(&str, &str)] = &[
    ("steps", "evaluation steps of one template execution"),
    ("output", "bytes one template execution may write"),
    (
        "stack",
        "bytes of stack for nested include, template and tpl calls",
    ),
    ("list", "elements of one until, untilStep or seq list"),
    ("string", "bytes of one repeat, indent or random string"),
    (
        "link",
        "characters of a share link, checked before decoding",
    ),
    ("link-bytes", "bytes a share link's state may inflate to"),
    (
        "files",
        "files of a chart directory or entries of a chart archive",
    ),
];

pub const USAGE: &str = "usage: hookline COMMAND ... --limit NAME=N

Hookline stops a render or a link that runs into one of its safety limits with an error that
names the limit and this flag. template, plan, lint and run take --limit (repeatable):

  steps       evaluation steps of one template execution      (default 50000000)
  output      bytes one template execution may write          (default 67108864)
  stack       bytes of stack for nested include/template/tpl  (default 1006632960)
  list        elements of one until, untilStep or seq list    (default 1000000)
  string      bytes of one repeat, indent or random string    (default 16777216)
  link        characters of a share link                      (default 4194304)
  link-bytes  bytes a share link's state may inflate to       (default 16777216)
  files       files of a chart directory or archive entries   (default 10000)

Helm's own limits are not among them: 1000 nested includes of one template, Go's 100000
nested {{template}} calls, and a chart archive's 100 MiB (5 MiB per file) give Helm's own
errors, as helm does.

examples:
  hookline template ./mychart --limit list=5000000
  hookline plan ./mychart --scenario upgrade.yaml --limit steps=200000000 --limit output=268435456";

/// How a limit error tells the user to raise it (set as the engine's hint).
pub fn hint(name: &str) -> String {
    format!(" (Hookline's `{name}` limit; raise it with --limit {name}=N)")
}

/// The limits of one command line.
#[derive(Clone, Debug, Default)]
pub struct CliLimits {
    pub render: RenderLimits,
    pub share: ShareLimits,
    pub chart: ArchiveLimits,
}

impl CliLimits {
    /// Apply one `NAME=N`.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let (name, n) = parse(spec)?;
        let r = &mut self.render;
        match name {
            "steps" => r.engine.max_steps = n as u64,
            "output" => r.engine.max_output = n,
            "stack" => r.engine.max_stack = n,
            "list" => r.funcs.list_len = n,
            "string" => r.funcs.string_bytes = n,
            "link" => self.share.link_chars = n,
            "link-bytes" => self.share.state_bytes = n,
            "files" => self.chart.max_entries = n,
            _ => unreachable!("parse accepts only NAMES"),
        }
        Ok(())
    }
}

fn parse(spec: &str) -> Result<(&str, usize), String> {
    let names = || NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let Some((name, value)) = spec.split_once('=') else {
        return Err(format!(
            "--limit takes NAME=N (NAME one of {}), not {spec:?}",
            names()
        ));
    };
    if !NAMES.iter().any(|(n, _)| *n == name) {
        return Err(format!(
            "--limit: unknown limit {name:?} (one of {})",
            names()
        ));
    }
    let n: usize = value
        .replace('_', "")
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("--limit {name} takes a positive whole number, not {value:?}"))?;
    Ok((name, n))
}

/// The evaluator's stack budget the arguments ask for (the last `--limit stack=N`), or the
/// default; the caller runs the command on a thread with that much stack and a margin.
pub fn stack_budget(args: &[String]) -> usize {
    let mut budget = DEFAULT_STACK;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let spec = match a.strip_prefix("--limit") {
            Some("") => it.next().map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(Ok(("stack", n))) = spec.map(parse) {
            budget = n;
        }
    }
    budget
}

/// Thread stack for a budget.
pub fn thread_stack(budget: usize) -> usize {
    budget.saturating_add(STACK_MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_sets_its_limit() {
        let mut l = CliLimits::default();
        for (i, (name, _)) in NAMES.iter().enumerate() {
            l.set(&format!("{name}={}", 1000 + i)).unwrap();
        }
        let r = &l.render;
        assert_eq!(
            (
                r.engine.max_steps,
                r.engine.max_output,
                r.engine.max_stack,
                r.funcs.list_len,
                r.funcs.string_bytes,
                l.share.link_chars,
                l.share.state_bytes,
                l.chart.max_entries
            ),
            (1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007)
        );
        // The help text lists every name with its default.
        for (name, _) in NAMES {
            assert!(USAGE.contains(&format!("\n  {name} ")), "{name}");
        }
        let d = CliLimits::default();
        for (name, v) in [
            ("steps", d.render.engine.max_steps as usize),
            ("output", d.render.engine.max_output),
            ("list", d.render.funcs.list_len),
            ("string", d.render.funcs.string_bytes),
            ("link", d.share.link_chars),
            ("link-bytes", d.share.state_bytes),
            ("stack", DEFAULT_STACK),
            ("files", d.chart.max_entries),
        ] {
            let line = USAGE
                .lines()
                .find(|l| l.starts_with(&format!("  {name} ")))
                .unwrap();
            assert!(line.ends_with(&format!("(default {v})")), "{line}");
        }
    }

    #[test]
    fn bad_specs_are_refused_clearly() {
        let mut l = CliLimits::default();
        for (spec, says) in [
            ("steps", "takes NAME=N"),
            ("speed=3", "unknown limit \"speed\""),
            ("list=0", "positive whole number"),
            ("list=-1", "positive whole number"),
            ("list=lots", "positive whole number"),
        ] {
            let e = l.set(spec).unwrap_err();
            assert!(e.contains(says), "{spec}: {e}");
        }
        l.set("list=1_000").unwrap();
        assert_eq!(l.render.funcs.list_len, 1000);
    }

    #[test]
    fn the_stack_budget_comes_from_the_last_stack_limit() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(stack_budget(&args(&["template", "c"])), DEFAULT_STACK);
        assert_eq!(
            stack_budget(&args(&[
                "plan",
                "--limit",
                "stack=5000",
                "--limit=stack=7000"
            ])),
            7000
        );
        assert_eq!(
            stack_budget(&args(&["plan", "--limit", "steps=5"])),
            DEFAULT_STACK
        );
    }
}
