//! The `oar` command line: dispatch, help, and turning errors into
//! `Error: …` lines and exit codes: 0 on success, 1 on every failure
//! (usage errors too, as oras exits), 130 after Ctrl-C.

pub mod args;
pub mod cmd;
pub mod commands;
pub mod error;
pub mod flags;
pub mod help;
pub mod humanize;
pub mod options;
pub mod output;
pub mod progress;
pub mod prompt;
pub mod sys;
pub mod template;

use std::process::ExitCode;
use std::sync::OnceLock;

use crate::cli::error::{Error, Result};

static PROGRAM: OnceLock<String> = OnceLock::new();

/// The name the binary was invoked as (`oar`, or `oras` through a link),
/// used in hints that name a command.
pub fn program() -> &'static str {
    PROGRAM.get().map_or("oar", String::as_str)
}

/// Runs the command line and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let mut raw = std::env::args_os();
    let argv0 = raw
        .next()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = std::path::Path::new(&argv0)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n == "oras")
        .unwrap_or_else(|| "oar".to_string());
    let _ = PROGRAM.set(name);
    sys::catch_interrupt();
    let mut argv = Vec::new();
    for a in raw {
        match a.into_string() {
            Ok(s) => argv.push(s),
            Err(a) => {
                eprintln!("Error: argument {a:?} is not valid UTF-8");
                return ExitCode::from(1);
            }
        }
    }
    match run(&argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // After Ctrl-C the person knows why it stopped: only what was
            // kept is worth a line.
            if !sys::interrupted() {
                eprintln!("{}", e.report());
            }
            if let Some(line) = output::kept_line(e.is_disk_full()) {
                eprintln!("{line}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// oras's wrong-argument-count error: `"oras cp" requires exactly 2
/// argument but got 3` (oras says "argument" whatever the count), the
/// usage line, and what to give.
fn arity_error(cmd: &commands::Command, got: usize) -> Error {
    let (min, max) = cmd.arity;
    let need = match max {
        Some(m) if m == min => format!("exactly {min} argument"),
        Some(m) if got > m => format!("at most {m} argument"),
        _ => format!("at least {min} argument"),
    };
    let path = format!("{} {}", program(), cmd.name());
    Error::usage(format!("\"{path}\" requires {need} but got {got}"))
        .with_usage(cmd)
        .recommend(format!(
            "Please specify {need} as {}. Run \"{path} -h\" for more options and examples",
            cmd.wants
        ))
}

/// Runs one command line (without the program name).
pub fn run(argv: &[String]) -> Result<()> {
    match argv.first().map(String::as_str) {
        None | Some("-h" | "--help") => return output::bytes(help::overview(None).as_bytes()),
        Some("--version") => return cmd::version::run(&args::parse(version_command(), &[])?),
        Some("help") => return help_for(&argv[1..]),
        Some("__man") => return write_man_pages(argv.get(1).map_or("man", String::as_str)),
        _ => {}
    }
    let (cmd, group, used) = commands::find(argv).map_err(|word| {
        let last = word.rsplit(' ').next().unwrap_or(&word);
        let names: Vec<String> = commands::COMMANDS
            .iter()
            .map(|c| c.path[word.matches(' ').count().min(c.path.len() - 1)].to_string())
            .collect();
        let hint = args::suggest(last, names.iter().map(String::as_str))
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        Error::usage(format!(
            "unknown command {word:?} for \"{}\"{hint}",
            program()
        ))
    })?;
    let Some(cmd) = cmd else {
        // A bare group such as `oar manifest`.
        let rest = &argv[used..];
        if rest.is_empty() || rest.iter().any(|a| a == "-h" || a == "--help") {
            return output::bytes(help::overview(group.as_deref()).as_bytes());
        }
        return Err(Error::usage(format!(
            "unknown flag for \"{} {}\": {}",
            program(),
            group.as_deref().unwrap_or(""),
            rest[0]
        )));
    };
    let parsed = args::parse(cmd, &argv[used..])?;
    // pflag's deprecation warnings, said once the line parsed, before
    // anything else (help included), as cobra says them.
    for w in &parsed.warnings {
        eprintln!("{w}");
    }
    options::check_choices(&parsed)?;
    if parsed.flag("help") {
        return output::bytes(help::command_help(cmd).as_bytes());
    }
    let got = parsed.positionals.len();
    if got < cmd.arity.0 || cmd.arity.1.is_some_and(|m| got > m) {
        return Err(arity_error(cmd, got));
    }
    (cmd.run)(&parsed).map_err(|e| {
        if on_repository(cmd) {
            e.remote_answer()
        } else if on_registry(&parsed) {
            e.registry_answer()
        } else {
            e
        }
    })
}

/// Whether a command works on a bare repository rather than a target
/// (`backup`, `restore`): as in oras, only a registry's error answer is
/// shown as one there; something missing is an `Error:`.
fn on_repository(cmd: &commands::Command) -> bool {
    matches!(cmd.path, ["backup"] | ["restore"])
}

/// Whether a command's errors come from a registry: its target (the
/// source, for `cp`) is not an OCI layout.
fn on_registry(args: &args::Args) -> bool {
    !(options::is_layout(args, "") || options::is_layout(args, "from"))
}

fn version_command() -> &'static commands::Command {
    commands::COMMANDS
        .iter()
        .find(|c| c.path == ["version"])
        .expect("version is in the table")
}

fn help_for(words: &[String]) -> Result<()> {
    if words.is_empty() {
        return output::bytes(help::overview(None).as_bytes());
    }
    match commands::find(words) {
        Ok((Some(c), _, _)) => output::bytes(help::command_help(c).as_bytes()),
        Ok((None, g, _)) => output::bytes(help::overview(g.as_deref()).as_bytes()),
        Err(w) => Err(Error::usage(format!("unknown help topic {w:?}"))),
    }
}

/// `oar __man DIR`: writes the man pages (used by `make man`).
fn write_man_pages(dir: &str) -> Result<()> {
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().ends_with(".1") {
                std::fs::remove_file(e.path())
                    .map_err(|err| Error::io(format!("removing {}", e.path().display()), err))?;
            }
        }
    }
    for (name, content) in help::all_man_pages() {
        oar::content::files::write_atomic(&dir.join(name), content.as_bytes())?;
    }
    Ok(())
}
