//! `hookline completions bash|zsh|fish`: shell completion scripts, generated from one table of
//! the commands' flags (a test checks the table against each command's parser and help).

pub const USAGE: &str = "usage: hookline completions SHELL

Print a completion script for SHELL (bash, zsh or fish): commands, flags, the words a flag
takes (Helm versions, output formats) and file names where a command takes a file.

examples:
  # bash: for the current shell, or for every new one
  source <(hookline completions bash)
  hookline completions bash > ~/.local/share/bash-completion/completions/hookline
  # zsh: a directory on $fpath (then restart zsh, or run compinit)
  hookline completions zsh > \"${fpath[1]}/_hookline\"
  # fish
  hookline completions fish > ~/.config/fish/completions/hookline.fish";

/// What follows a flag on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    Nothing,
    /// A file name.
    File,
    /// Free text (a name, `key=value`, a version).
    Text,
    /// One of these words.
    OneOf(&'static [&'static str]),
}

pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes: Takes,
    pub help: &'static str,
}

const fn flag(long: &'static str, short: Option<char>, takes: Takes, help: &'static str) -> Flag {
    Flag {
        long,
        short,
        takes,
        help,
    }
}

use Takes::{File, Nothing, OneOf, Text};

const HELM: Flag = flag(
    "helm",
    None,
    OneOf(&["v3", "v4"]),
    "Helm 3 or Helm 4 behaviour",
);
const HELP: Flag = flag("help", Some('h'), Nothing, "show this command's help");
const LIMIT: Flag = flag(
    "limit",
    None,
    Text,
    "raise a safety limit (NAME=N, see hookline help limits)",
);

pub struct Command {
    pub name: &'static str,
    pub about: &'static str,
    pub flags: &'static [Flag],
    /// What the positional arguments are (files and directories complete).
    pub positional: Option<&'static [&'static str]>,
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "template",
        about: "render a chart exactly as helm template does",
        flags: &[
            flag("namespace", Some('n'), Text, "release namespace"),
            flag("values", Some('f'), File, "values file"),
            flag("set", None, Text, "set values (key=value)"),
            flag("set-string", None, Text, "set string values"),
            flag("set-json", None, Text, "set JSON values"),
            flag("set-file", None, Text, "set a value from a file (key=path)"),
            flag("set-literal", None, Text, "set a literal string value"),
            flag("is-upgrade", None, Nothing, "render as an upgrade"),
            flag(
                "kube-version",
                None,
                Text,
                "Kubernetes version for .Capabilities",
            ),
            flag("api-versions", Some('a'), Text, "extra API versions"),
            flag("include-crds", None, Nothing, "include the chart's crds/"),
            flag("skip-tests", None, Nothing, "leave out test hooks"),
            flag("no-hooks", None, Nothing, "leave out every hook"),
            flag(
                "skip-schema-validation",
                None,
                Nothing,
                "do not check values against values.schema.json",
            ),
            flag(
                "show-only",
                Some('s'),
                Text,
                "only the templates matching a path",
            ),
            HELM,
            flag("seed", None, Text, "seed of the random functions"),
            LIMIT,
            HELP,
        ],
        positional: None,
    },
    Command {
        name: "plan",
        about: "simulate a scenario and print the timeline",
        flags: &[
            flag("scenario", Some('s'), File, "scenario file (YAML)"),
            flag("release", None, Text, "release name"),
            flag("namespace", Some('n'), Text, "release namespace"),
            HELM,
            flag(
                "format",
                Some('o'),
                OneOf(&["text", "json", "markdown", "svg"]),
                "output format",
            ),
            LIMIT,
            HELP,
        ],
        positional: None,
    },
    Command {
        name: "lint",
        about: "check a chart's hooks for pitfalls",
        flags: &[
            flag(
                "format",
                Some('o'),
                OneOf(&["text", "json", "sarif"]),
                "output format",
            ),
            HELM,
            flag("values", Some('f'), File, "values file"),
            flag("set", None, Text, "set values (key=value)"),
            flag("set-string", None, Text, "set string values"),
            flag("set-json", None, Text, "set JSON values"),
            flag("release", None, Text, "release name"),
            flag("namespace", Some('n'), Text, "release namespace"),
            flag("wait", None, Nothing, "installs and upgrades use --wait"),
            flag(
                "kube-version",
                None,
                Text,
                "Kubernetes version for .Capabilities",
            ),
            flag(
                "argocd",
                None,
                Nothing,
                "also show the hooks as Argo CD runs them",
            ),
            LIMIT,
            HELP,
        ],
        positional: None,
    },
    Command {
        name: "link",
        about: "print a share link for the playground",
        flags: &[
            flag("scenario", None, File, "scenario file (YAML)"),
            flag("values", Some('f'), File, "values file"),
            flag("set", None, Text, "set values (key=value)"),
            flag("release", None, Text, "release name"),
            flag("namespace", Some('n'), Text, "release namespace"),
            HELM,
            flag("kube-version", None, Text, "Kubernetes version"),
            flag(
                "example",
                None,
                Text,
                "a chart of the built-in gallery, by id",
            ),
            flag("base", None, Text, "the playground's address"),
            HELP,
        ],
        positional: None,
    },
    Command {
        name: "run",
        about: "run a scenario on a real cluster and compare it with the simulation",
        flags: &[
            flag("scenario", Some('s'), File, "scenario file (YAML)"),
            flag("context", None, Text, "kubeconfig context"),
            flag("namespace", Some('n'), Text, "release namespace"),
            flag("release", None, Text, "release name"),
            HELM,
            flag("yes", Some('y'), Nothing, "do not ask before acting"),
            flag("dry-run", None, Nothing, "only show the plan"),
            LIMIT,
            HELP,
        ],
        positional: None,
    },
    Command {
        name: "completions",
        about: "print a shell completion script",
        flags: &[HELP],
        positional: Some(&["bash", "zsh", "fish"]),
    },
];

pub fn run(args: &[String]) -> Result<String, String> {
    match args {
        [a] if a == "-h" || a == "--help" => Ok(format!("{USAGE}\n")),
        [shell] => match shell.as_str() {
            "bash" => Ok(bash()),
            "zsh" => Ok(zsh()),
            "fish" => Ok(fish()),
            other => Err(format!(
                "no completions for the shell {other:?}: choose bash, zsh or fish\n\n{USAGE}"
            )),
        },
        _ => Err(USAGE.to_string()),
    }
}

fn flag_words(f: &Flag) -> Vec<String> {
    let mut w = vec![format!("--{}", f.long)];
    if let Some(s) = f.short {
        w.push(format!("-{s}"));
    }
    w
}

fn bash() -> String {
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    let mut s = String::from(
        "# bash completion for hookline (generated by `hookline completions bash`)\n\
         _hookline() {\n\
         \x20 local cur prev cmd opts\n\
         \x20 cur=\"${COMP_WORDS[COMP_CWORD]}\"\n\
         \x20 prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n\
         \x20 if [ \"$COMP_CWORD\" -eq 1 ]; then\n",
    );
    s.push_str(&format!(
        "    COMPREPLY=($(compgen -W \"{} help --help --version\" -- \"$cur\"))\n    return\n  fi\n",
        names.join(" ")
    ));
    s.push_str("  cmd=\"${COMP_WORDS[1]}\"\n  case \"$cmd\" in\n");
    s.push_str(&format!(
        "    help) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n",
        names.join(" ")
    ));
    for c in COMMANDS {
        s.push_str(&format!("    {})\n      case \"$prev\" in\n", c.name));
        for f in c.flags {
            let pattern = flag_words(f).join("|");
            match f.takes {
                Nothing => {}
                File => s.push_str(&format!(
                    "        {pattern}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
                )),
                Text => s.push_str(&format!("        {pattern}) return ;;\n")),
                OneOf(words) => s.push_str(&format!(
                    "        {pattern}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n",
                    words.join(" ")
                )),
            }
        }
        s.push_str("      esac\n");
        let opts: Vec<String> = c.flags.iter().flat_map(flag_words).collect();
        s.push_str(&format!("      opts=\"{}\"\n", opts.join(" ")));
        let words = match c.positional {
            Some(w) => format!("compgen -W \"{}\" -- \"$cur\"", w.join(" ")),
            None => "compgen -f -- \"$cur\"".to_string(),
        };
        s.push_str(&format!(
            "      if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n      else COMPREPLY=($({words})); fi\n      ;;\n"
        ));
    }
    s.push_str("  esac\n}\ncomplete -o filenames -o bashdefault -F _hookline hookline\n");
    s
}

/// Text inside a zsh `_arguments` description (`[...]`) or a single-quoted word.
fn zsh_quote(text: &str) -> String {
    text.replace('\'', "'\\''")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace(':', "\\:")
}

fn zsh() -> String {
    let mut s = String::from(
        "#compdef hookline\n# zsh completion for hookline (generated by `hookline completions zsh`)\n\n_hookline() {\n  local -a commands\n  commands=(\n",
    );
    for c in COMMANDS {
        s.push_str(&format!("    '{}:{}'\n", c.name, zsh_quote(c.about)));
    }
    s.push_str("    'help:show the help of a command'\n  )\n");
    s.push_str(
        "  if (( CURRENT == 2 )); then\n    _describe -t commands 'hookline command' commands\n    compadd -- --help --version\n    return\n  fi\n",
    );
    s.push_str("  local cmd=\"$words[2]\"\n  shift words\n  (( CURRENT-- ))\n  case \"$cmd\" in\n");
    s.push_str("    help) _describe -t commands 'hookline command' commands ;;\n");
    for c in COMMANDS {
        s.push_str(&format!("    {})\n      _arguments -s", c.name));
        for f in c.flags {
            let help = zsh_quote(f.help);
            let action = match f.takes {
                Nothing => String::new(),
                File => format!(":{}:_files", f.long),
                Text => format!(":{}: ", f.long),
                OneOf(words) => format!(":{}:({})", f.long, words.join(" ")),
            };
            // Flags that may repeat (values, --set ...) are starred; the rest are exclusive
            // with their short form.
            let repeat = matches!(f.takes, File | Text) && f.long != "scenario";
            let spec = match (f.short, repeat) {
                (Some(sh), true) => format!("'*'{{-{sh},--{}}}'[{help}]{action}'", f.long),
                (Some(sh), false) => format!(
                    "'(-{sh} --{long})'{{-{sh},--{long}}}'[{help}]{action}'",
                    long = f.long
                ),
                (None, true) => format!("'*--{}[{help}]{action}'", f.long),
                (None, false) => format!("'--{}[{help}]{action}'", f.long),
            };
            s.push_str(" \\\n        ");
            s.push_str(&spec);
        }
        let rest = match c.positional {
            Some(words) => format!("'1:shell:({})'", words.join(" ")),
            None => "'*:file:_files'".to_string(),
        };
        s.push_str(&format!(" \\\n        {rest}\n      ;;\n"));
    }
    s.push_str("  esac\n}\n\n");
    // Loaded from $fpath the file is the function's body; sourced it registers itself.
    s.push_str(
        "if [ \"$funcstack[1]\" = \"_hookline\" ]; then\n  _hookline \"$@\"\nelse\n  compdef _hookline hookline\nfi\n",
    );
    s
}

/// A single-quoted fish string.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn fish() -> String {
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    let mut s = String::from(
        "# fish completion for hookline (generated by `hookline completions fish`)\ncomplete -c hookline -f\n",
    );
    for c in COMMANDS {
        s.push_str(&format!(
            "complete -c hookline -n __fish_use_subcommand -a {} -d {}\n",
            c.name,
            fish_quote(c.about)
        ));
    }
    s.push_str(
        "complete -c hookline -n __fish_use_subcommand -a help -d 'show the help of a command'\n",
    );
    s.push_str("complete -c hookline -n __fish_use_subcommand -l version -d 'print the version'\n");
    s.push_str(&format!(
        "complete -c hookline -n '__fish_seen_subcommand_from help' -a '{}'\n",
        names.join(" ")
    ));
    for c in COMMANDS {
        let cond = format!("'__fish_seen_subcommand_from {}'", c.name);
        for f in c.flags {
            let mut line = format!("complete -c hookline -n {cond} -l {}", f.long);
            if let Some(sh) = f.short {
                line.push_str(&format!(" -s {sh}"));
            }
            match f.takes {
                Nothing => {}
                File => line.push_str(" -r -F"),
                Text => line.push_str(" -x"),
                OneOf(words) => line.push_str(&format!(" -x -a '{}'", words.join(" "))),
            }
            line.push_str(&format!(" -d {}\n", fish_quote(f.help)));
            s.push_str(&line);
        }
        match c.positional {
            Some(words) => s.push_str(&format!(
                "complete -c hookline -n {cond} -a '{}'\n",
                words.join(" ")
            )),
            None => s.push_str(&format!("complete -c hookline -n {cond} -F\n")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table agrees with each command's help: every flag listed is documented there, and
    /// every `--flag` the help mentions completes.
    #[test]
    fn the_table_matches_each_commands_help() {
        for c in COMMANDS {
            let (_, usage) = crate::COMMANDS
                .iter()
                .find(|(n, _)| *n == c.name)
                .expect("a command of the table is a command");
            for f in c.flags {
                if f.long != "help" {
                    assert!(
                        usage.contains(&format!("--{}", f.long)),
                        "{}: --{} is not in its help",
                        c.name,
                        f.long
                    );
                }
            }
            // The examples may show other commands' flags.
            let described = usage.split("\nexamples:").next().unwrap_or(usage);
            for word in described.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-')) {
                if let Some(long) = word.strip_prefix("--").filter(|l| !l.is_empty()) {
                    assert!(
                        c.flags.iter().any(|f| f.long == long),
                        "{}: its help mentions --{long}, which does not complete",
                        c.name
                    );
                }
            }
        }
        let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        let commands: Vec<&str> = crate::COMMANDS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, commands);
    }

    /// Every flag of the table is one its command's parser knows (never "unknown flag").
    #[test]
    fn every_flag_is_accepted() {
        for c in COMMANDS {
            for f in c.flags {
                for w in flag_words(f) {
                    let args = match f.takes {
                        Nothing => vec![w.clone()],
                        _ => vec![w.clone(), "v4".to_string()],
                    };
                    let result = match c.name {
                        "template" => match crate::template::run(&args) {
                            crate::template::Outcome::Ok(s) => Ok(s),
                            crate::template::Outcome::Err(e) => Err(e),
                        },
                        "plan" => crate::plan::run(&args),
                        "lint" => crate::lint::run(&args).map(|o| o.stdout),
                        "link" => crate::link::run(&args),
                        "run" => crate::run::run(&args),
                        "completions" => run(&args),
                        other => panic!("{other} is not dispatched here"),
                    };
                    if let Err(e) = result {
                        assert!(!e.contains("unknown flag"), "{} {w}: {e}", c.name);
                    }
                }
            }
        }
    }
}
