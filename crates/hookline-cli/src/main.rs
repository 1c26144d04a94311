//! The `hookline` command line.

use std::process::ExitCode;

mod arena;
mod completions;
mod limits;
mod link;
mod lint;
mod parallel;
mod plan;
mod run;
mod template;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const USAGE: &str = "usage: hookline COMMAND [ARGS...]

See what helm install, upgrade, rollback, uninstall and test will do with a chart's hooks.
Charts are rendered by Hookline's own engine and Helm's lifecycle is simulated; only `run`
talks to a cluster, and only after showing the plan and asking.

commands:
  template      render a chart exactly as `helm template` does
  plan          simulate a scenario (install, upgrade, ...) and print the timeline
  lint          check a chart's hooks for pitfalls (rules HL000-HL015)
  link          print a share link that opens a chart and a scenario in the playground
  run           run a scenario on a real cluster and compare it with the simulation
  completions   print a shell completion script (bash, zsh or fish)
  help [COMMAND]
                this text, or a command's flags and examples (also COMMAND --help)
  help limits   the safety limits and --limit NAME=N, which raises them
  --version     print the version

exit codes (for CI):
  0  success. A plan whose step fails the way Helm would fail is still a success; lint found
     no error-level finding (warnings do not change the exit code)
  1  failure: lint found an error-level finding, or the input cannot be used (an unreadable
     chart, values file, scenario or link, a render error, an unknown command or flag);
     the reason is printed on stderr, starting with \"Error:\"

examples:
  hookline template my-release public/examples/backup-job --set image.tag=v2
  hookline plan public/examples/backup-job --scenario public/examples/backup-job/scenario.yaml
  hookline lint public/examples/backup-job --format sarif > hookline.sarif
  hookline link public/examples/backup-job --base https://example.org/hookline/
  hookline completions bash > ~/.local/share/bash-completion/completions/hookline";

/// Every subcommand with its help text (help, completions and the tests read this list).
pub const COMMANDS: &[(&str, &str)] = &[
    ("template", template::USAGE),
    ("plan", plan::USAGE),
    ("lint", lint::USAGE),
    ("link", link::USAGE),
    ("run", run::USAGE),
    ("completions", completions::USAGE),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    gotemplate::set_limit_hint(limits::hint);
    // Helm's templates run on a goroutine whose stack grows to 1 GiB, so a chart may nest 1000
    // includes (Helm's own limit) or more; the command runs on a thread with that much stack
    // (only touched pages are committed), and the evaluator's budget is set to match.
    let budget = limits::stack_budget(&args);
    gotemplate::set_default_stack_budget(budget);
    let worker = {
        let args = args.clone();
        std::thread::Builder::new()
            .name("hookline".into())
            .stack_size(limits::thread_stack(budget))
            .spawn(move || {
                arena::reserve(arena::COMMAND_THREAD);
                run(&args)
            })
    };
    let result = match worker {
        Ok(handle) => match handle.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        // No room for such a stack (a strict overcommit policy): run here with the budget that
        // fits a main thread.
        Err(_) => {
            gotemplate::set_default_stack_budget(gotemplate::DEFAULT_STACK_BUDGET);
            run(&args)
        }
    };
    match result {
        Ok(out) => {
            // A closed pipe (`hookline plan ... | head`) ends the output quietly instead of
            // panicking in `print!` (Rust ignores SIGPIPE, so the write fails instead).
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            let newline = !out.is_empty() && !out.ends_with('\n');
            let written = stdout
                .write_all(out.as_bytes())
                .and_then(|()| {
                    if newline {
                        stdout.write_all(b"\n")
                    } else {
                        Ok(())
                    }
                })
                .and_then(|()| stdout.flush());
            match written {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("Error: writing the output: {e}");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::from(1)
        }
    }
}

fn help(topic: Option<&str>) -> Result<String, String> {
    match topic {
        None => Ok(format!("{USAGE}\n")),
        Some("limits") => Ok(format!("{}\n", limits::USAGE)),
        Some(t) => COMMANDS
            .iter()
            .find(|(name, _)| *name == t)
            .map(|(_, usage)| format!("{usage}\n"))
            .ok_or_else(|| format!("unknown command {t:?}\n\n{USAGE}")),
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    match cmd.as_str() {
        "template" => match template::run(rest) {
            template::Outcome::Ok(s) => Ok(s),
            template::Outcome::Err(e) => Err(e),
        },
        "plan" => plan::run(rest),
        "lint" => lint::dispatch(rest),
        "link" => link::run(rest),
        "run" => run::run(rest),
        "completions" => completions::run(rest),
        "--version" | "-V" | "version" => Ok(format!("hookline {VERSION}\n")),
        "-h" | "--help" | "help" => help(rest.first().map(String::as_str)),
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}
