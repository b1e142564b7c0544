//! `--help` text and man pages, both rendered from the command and flag
//! tables. `make man` writes the pages into `man/`; a test fails when the
//! committed pages differ from what the tables produce.

use std::fmt::Write as _;

use super::args::{Spec, specs};
use super::commands::{COMMANDS, Command, group_paths, groups};
use super::flags::Kind;

/// One-line descriptions of the grouping commands.
pub const GROUP_HELP: &[(&str, &str)] = &[
    ("blob", "Blob operations"),
    (
        "completion",
        "Generate the autocompletion script for the specified shell",
    ),
    ("manifest", "Manifest operations"),
    ("manifest index", "[Experimental] Index operations"),
    ("repo", "Repository operations"),
];

/// What `oar` is, for the top-level help and `oar(1)`.
const ABOUT: &str = "oar is a small, fast ORAS client: it pushes and pulls OCI artifacts (any files, not only \
container images) to and from OCI registries and OCI image layouts. It takes the same commands, flags and \
output as ORAS CLI 1.3 (oar version names the release it follows), so scripts and the commands of oras's \
documentation run unchanged (ln -s oar oras).";

pub fn group_help(name: &str) -> &'static str {
    GROUP_HELP
        .iter()
        .find(|(g, _)| *g == name)
        .map_or("", |(_, h)| h)
}

/// The flag as cobra lists it: `-o, --output string`, the value named by
/// its Go type.
fn flag_left(s: &Spec) -> String {
    let short = s.short.map_or("    ".to_string(), |c| format!("-{c}, "));
    let ty = match (s.kind, s.metavar) {
        (Kind::Bool, _) => return format!("{short}--{}", s.long),
        (Kind::Multi, _) => "stringArray",
        (_, "int") => "int",
        _ => "string",
    };
    format!("{short}--{} {ty}", s.long)
}

/// Where one command describes a shared flag in its own words, as oras
/// does: discover draws no progress bars, so `--no-tty` there turns off
/// colors.
const OWN_WORDS: &[(&str, &str, &str)] = &[("discover", "no-tty", "[Preview] disable colors")];

fn flag_help(s: &Spec, cmd: &Command) -> String {
    let name = cmd.name();
    let mut h = OWN_WORDS
        .iter()
        .find(|(c, f, _)| *c == name && *f == s.long)
        .map_or_else(|| s.help.clone(), |(_, _, words)| words.to_string());
    if s.long == "format" && !cmd.formats.is_empty() {
        let _ = write!(h, ": {}", cmd.format_names().join(", "));
    }
    let default = match s.long.as_str() {
        "format" if !cmd.formats.is_empty() => cmd.default_format(),
        _ => s.default,
    };
    // pflag quotes the default of a string flag only: `(default "text")`
    // but `(default 5)`.
    if !default.is_empty() {
        if s.metavar == "int" {
            let _ = write!(h, " (default {default})");
        } else {
            let _ = write!(h, " (default {default:?})");
        }
    }
    if s.kind == Kind::Multi {
        h.push_str(" (repeatable)");
    }
    h
}

/// The marks oras puts before what may still change.
const PREVIEW_NOTE: &str = "** This command is in preview and under development. **";

/// A command's one-line description as listed, with its mark.
pub fn short_line(cmd: &Command) -> String {
    if cmd.mark.is_empty() {
        cmd.short.to_string()
    } else {
        format!("{} {}", cmd.mark, cmd.short)
    }
}

/// An example command line, naming the program as it was called.
fn example_line(line: &str) -> String {
    match line.strip_prefix("oar ") {
        Some(rest) => format!("{} {rest}", super::program()),
        None => line.to_string(),
    }
}

/// `oar <command> --help`, laid out as oras (cobra) lays it out: the
/// description with its mark, `Example - …` paragraphs, usage, aliases,
/// flags.
pub fn command_help(cmd: &Command) -> String {
    let mut out = String::new();
    if cmd.mark.is_empty() {
        let _ = writeln!(out, "{}\n", cmd.long);
    } else {
        let _ = writeln!(out, "{} {}\n", cmd.mark, cmd.long);
    }
    if cmd.mark == "[Preview]" {
        let _ = writeln!(out, "{PREVIEW_NOTE}\n");
    }
    for (what, line) in cmd.examples {
        let _ = writeln!(out, "Example - {what}:\n  {}\n", example_line(line));
    }
    let _ = writeln!(
        out,
        "Usage:\n  {} {} {}\n",
        super::program(),
        cmd.name(),
        cmd.usage
    );
    if !cmd.aliases.is_empty() {
        let _ = writeln!(
            out,
            "Aliases:\n  {}, {}\n",
            cmd.path.last().unwrap_or(&""),
            cmd.aliases.join(", ")
        );
    }
    let specs: Vec<Spec> = specs(cmd).into_iter().filter(|s| !s.hidden()).collect();
    let width = specs.iter().map(|s| flag_left(s).len()).max().unwrap_or(0);
    let _ = writeln!(out, "Flags:");
    for s in &specs {
        let _ = writeln!(out, "  {:width$}   {}", flag_left(s), flag_help(s, cmd));
    }
    out
}

/// `oar --help`, or the help of a group (`oar manifest`).
pub fn overview(group: Option<&str>) -> String {
    let mut out = String::new();
    let (title, listed): (String, Vec<(String, String)>) = match group {
        None => {
            let mut v: Vec<(String, String)> = COMMANDS
                .iter()
                .filter(|c| c.path.len() == 1)
                .map(|c| (c.path[0].to_string(), short_line(c)))
                .collect();
            for g in groups() {
                v.push((g.to_string(), group_help(g).to_string()));
            }
            v.push(("help".into(), "Help about any command".to_string()));
            (ABOUT.to_string(), v)
        }
        Some(g) => {
            // The group's commands, then the groups nested in it.
            let depth = g.split(' ').count();
            let within = |c: &&Command| c.path.len() > depth && c.path[..depth].join(" ") == g;
            let mut v: Vec<(String, String)> = COMMANDS
                .iter()
                .filter(|c| within(c) && c.path.len() == depth + 1)
                .map(|c| (c.path[depth].to_string(), short_line(c)))
                .collect();
            for sub in group_paths() {
                if let Some(word) = sub.strip_prefix(&format!("{g} "))
                    && !word.contains(' ')
                {
                    v.push((word.to_string(), group_help(&sub).to_string()));
                }
            }
            (group_help(g).to_string(), v)
        }
    };
    let program = super::program();
    let prefix = group.map_or(program.to_string(), |g| format!("{program} {g}"));
    let _ = writeln!(
        out,
        "{title}\n\nUsage:\n  {prefix} [command]\n\nAvailable Commands:"
    );
    let width = listed
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .max(11);
    for (n, s) in &listed {
        let _ = writeln!(out, "  {n:width$} {s}");
    }
    let _ = writeln!(out, "\nFlags:\n  -h, --help   help for {prefix}\n");
    let _ = writeln!(
        out,
        "Use \"{prefix} [command] --help\" for more information about a command."
    );
    out
}

fn roff(s: &str) -> String {
    let mut out = s.replace('\\', "\\e").replace('-', "\\-");
    if out.starts_with('.') || out.starts_with('\'') {
        out.insert_str(0, "\\&");
    }
    out
}

fn man_header(name: &str) -> String {
    format!(
        ".TH \"{}\" \"1\" \"\" \"oar {}\" \"oar manual\"\n",
        name.to_uppercase(),
        env!("CARGO_PKG_VERSION")
    )
}

/// The man page of one command, `oar-<path>.1`.
pub fn man_page(cmd: &Command) -> String {
    let page = format!("oar-{}", cmd.path.join("-"));
    let mut out = man_header(&page);
    let _ = writeln!(out, ".SH NAME\n{} \\- {}", roff(&page), roff(cmd.short));
    let _ = writeln!(
        out,
        ".SH SYNOPSIS\n\\fBoar {}\\fR {}",
        roff(&cmd.name()),
        roff(cmd.usage)
    );
    let _ = writeln!(out, ".SH DESCRIPTION\n{}", roff(cmd.long));
    if !cmd.aliases.is_empty() {
        let _ = writeln!(out, ".PP\nAliases: {}", roff(&cmd.aliases.join(", ")));
    }
    let _ = writeln!(out, ".SH OPTIONS");
    for s in specs(cmd).into_iter().filter(|s| !s.hidden()) {
        let short = s
            .short
            .map_or(String::new(), |c| format!("\\fB\\-{c}\\fR, "));
        let value = match s.kind {
            Kind::Bool => String::new(),
            _ => format!(" \\fI{}\\fR", roff(s.metavar)),
        };
        let _ = writeln!(
            out,
            ".TP\n{short}\\fB\\-\\-{}\\fR{value}\n{}",
            roff(&s.long),
            roff(&flag_help(&s, cmd))
        );
    }
    let _ = writeln!(out, ".SH EXAMPLES");
    for (what, line) in cmd.examples {
        let _ = writeln!(
            out,
            ".PP\n{}\n.RS\n.nf\n{}\n.fi\n.RE",
            roff(what),
            roff(line)
        );
    }
    if specs(cmd).iter().any(|s| s.long.ends_with("ca-file")) {
        let _ = writeln!(
            out,
            ".SH FILES\n\\fB/etc/docker/certs.d/\\fIhost:port\\fB/\\fR, \\fB/etc/containers/certs.d/\\fIhost:port\\fB/\\fR and \\fB~/.config/containers/certs.d/\\fIhost:port\\fB/\\fR: a registry's own CAs (*.crt) and client certificate (name.cert with name.key), as docker reads them; see \\fBoar\\fR(1)."
        );
    }
    let _ = writeln!(out, ".SH SEE ALSO\n\\fBoar\\fR(1)");
    out
}

/// `oar.1`: what oar is and its commands.
pub fn man_overview() -> String {
    let mut out = man_header("oar");
    let _ = writeln!(out, ".SH NAME\noar \\- a small, fast ORAS client");
    let _ = writeln!(
        out,
        ".SH SYNOPSIS\n\\fBoar\\fR \\fIcommand\\fR [flags] [arguments]"
    );
    let _ = writeln!(out, ".SH DESCRIPTION\n{}", roff(ABOUT));
    let _ = writeln!(out, ".SH COMMANDS");
    for c in COMMANDS {
        let _ = writeln!(
            out,
            ".TP\n\\fBoar {}\\fR\n{} See \\fBoar\\-{}\\fR(1).",
            roff(&c.name()),
            roff(c.short),
            roff(&c.path.join("-"))
        );
    }
    let _ = writeln!(
        out,
        ".SH EXIT STATUS\n0 on success; 1 on any failure, usage errors included (unknown flag, missing or extra arguments), as oras exits; 130 after Ctrl-C."
    );
    let _ = writeln!(
        out,
        ".SH ENVIRONMENT\n.TP\n\\fBDOCKER_CONFIG\\fR\nDirectory of config.json, where credentials are read and stored.\n.TP\n\\fBHTTPS_PROXY\\fR, \\fBHTTP_PROXY\\fR, \\fBNO_PROXY\\fR\nProxies, chosen as Go chooses them: HTTPS_PROXY for https URLs, HTTP_PROXY for http URLs (upper-case names first), NO_PROXY listing hosts, domains, host:port, IP addresses, CIDR ranges or *; localhost and loopback addresses always go direct.\n.TP\n\\fBSSL_CERT_FILE\\fR, \\fBSSL_CERT_DIR\\fR\nThe trusted CA certificates, instead of the system bundle.\n.TP\n\\fBXDG_CONFIG_HOME\\fR\nWhere the user's containers/certs.d directory is (default ~/.config)."
    );
    let _ = writeln!(
        out,
        ".SH FILES\n.TP\n\\fB/etc/docker/certs.d/\\fIhost:port\\fB/\\fR, \\fB/etc/containers/certs.d/\\fIhost:port\\fB/\\fR, \\fB~/.config/containers/certs.d/\\fIhost:port\\fB/\\fR\nA registry's own TLS settings, read as docker and podman read them: every *.crt file is a CA trusted for that registry only, and a name.cert with its name.key is the client certificate presented to it (unless --cert-file is given). A self-signed server certificate placed there as ca.crt is trusted as itself, its names and dates still checked."
    );
    out
}

/// Every page: `(file name, content)`.
pub fn all_man_pages() -> Vec<(String, String)> {
    let mut v = vec![("oar.1".to_string(), man_overview())];
    for c in COMMANDS {
        v.push((format!("oar-{}.1", c.path.join("-")), man_page(c)));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed man pages are exactly what the tables generate; run
    /// `make man` after changing a flag or a command.
    #[test]
    fn committed_man_pages_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
        let mut expected: Vec<String> = Vec::new();
        for (name, content) in all_man_pages() {
            let path = dir.join(&name);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(committed == content, "man/{name} is stale: run `make man`");
            expected.push(name);
        }
        let mut present: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        present.sort();
        expected.sort();
        assert_eq!(
            present, expected,
            "man/ holds pages for commands that do not exist: run `make man`"
        );
    }

    #[test]
    fn help_lists_every_flag() {
        for c in COMMANDS {
            let h = command_help(c);
            for s in specs(c) {
                assert_eq!(
                    h.contains(&format!("--{} ", s.long)) || h.contains(&format!("--{}\n", s.long)),
                    !s.hidden(),
                    "{}: --{} is in help exactly when it is not deprecated",
                    c.name(),
                    s.long
                );
            }
        }
    }
}
