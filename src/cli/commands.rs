//! The command table: every command's name, aliases, usage, help text,
//! examples, flag groups and handler. Like the flag table, it drives
//! dispatch, `--help` and the man pages.

use super::args::Args;
use super::cmd;
use super::flags::{self, Flag};
use oar::error::Result;

/// One command.
pub struct Command {
    /// Words naming it: `["push"]`, `["manifest", "fetch"]`.
    pub path: &'static [&'static str],
    /// Other names for the last word.
    pub aliases: &'static [&'static str],
    /// Arguments as shown after the command path.
    pub usage: &'static str,
    /// One line.
    pub short: &'static str,
    /// Longer description (paragraphs separated by blank lines).
    pub long: &'static str,
    /// `(what it does, command line)` pairs.
    pub examples: &'static [(&'static str, &'static str)],
    /// Flag groups, in help order.
    pub groups: &'static [&'static [Flag]],
    /// Groups taken twice with prefixes: `(group, prefix, side)`.
    pub prefixed_groups: &'static [(&'static [Flag], &'static str, &'static str)],
    /// Values `--format` takes (first is the default), if it has the flag.
    pub formats: &'static [&'static str],
    /// Least and most positional arguments.
    pub arity: (usize, Option<usize>),
    /// What the arguments are, for "requires …" messages.
    pub wants: &'static str,
    /// The handler.
    pub run: fn(&Args) -> Result<()>,
}

impl Command {
    /// `push`, `manifest fetch`.
    pub fn name(&self) -> String {
        self.path.join(" ")
    }
}

/// Every command, in help order.
pub static COMMANDS: &[Command] = &[
    Command {
        path: &["push"],
        aliases: &[],
        usage: "[flags] <name>[:<tag>[,<tag>][...]] <file>[:<type>] [...]",
        short: "Push files to a registry or an OCI image layout",
        long: "Push files to a registry or an OCI image layout. Each file becomes a layer named after its \
path (the org.opencontainers.image.title annotation); the manifest follows OCI image spec v1.1 unless \
--image-spec v1.0 is given, or --config is given without --artifact-type. Blobs the destination already \
holds are not uploaded again.",
        examples: &[
            (
                "Push file \"hi.txt\" with media type \"application/vnd.oci.image.layer.v1.tar\" (default)",
                "oar push localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Push file \"hi.txt\" and export the pushed manifest",
                "oar push --export-manifest manifest.json localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Push file \"hi.txt\" with the custom media type \"application/vnd.me.hi\"",
                "oar push localhost:5000/hello:v1 hi.txt:application/vnd.me.hi",
            ),
            (
                "Push a file whose name has a colon, with the default media type",
                "oar push localhost:5000/hello:v1 hi:txt:",
            ),
            (
                "Push file \"hi.txt\" with an artifact type",
                "oar push --artifact-type application/vnd.example+type localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Push file \"hi.txt\" with a custom config \"config.json\" of type \"application/vnd.me.config\"",
                "oar push --config config.json:application/vnd.me.config localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Push file \"hi.txt\" and print the result as JSON",
                "oar push --format json localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Push with manifest annotations",
                "oar push --annotation \"key=val\" localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Push file \"hi.txt\" with several tags",
                "oar push localhost:5000/hello:tag1,tag2,tag3 hi.txt",
            ),
            (
                "Push file \"hi.txt\" into an OCI image layout folder \"layout-dir\" with tag \"test\"",
                "oar push --oci-layout layout-dir:test hi.txt",
            ),
        ],
        groups: &[
            flags::PUSH,
            flags::PACKER,
            flags::IMAGE_SPEC,
            flags::FORMAT,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["text", "json"],
        arity: (1, None),
        wants: "the destination for pushing",
        run: cmd::push::run,
    },
    Command {
        path: &["pull"],
        aliases: &[],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Pull files from a registry or an OCI image layout",
        long: "Pull files from a registry or an OCI image layout. Every layer with a file name (the \
org.opencontainers.image.title annotation) is written under the output directory; each file is verified \
against its size and digest before it takes its final name, and an interrupted download resumes where it \
stopped when pulled again. Names that would leave the output directory are refused unless \
--allow-path-traversal is given.",
        examples: &[
            (
                "Pull artifact files from a registry",
                "oar pull localhost:5000/hello:v1",
            ),
            (
                "Pull into a chosen directory",
                "oar pull -o out localhost:5000/hello:v1",
            ),
            (
                "Pull and also save the config under \"config.json\"",
                "oar pull --config config.json localhost:5000/hello:v1",
            ),
            (
                "Pull without replacing existing files",
                "oar pull -k localhost:5000/hello:v1",
            ),
            (
                "Pull from an OCI image layout folder \"layout-dir\"",
                "oar pull --oci-layout layout-dir:v1",
            ),
            (
                "Pull and print the result as JSON",
                "oar pull --format json localhost:5000/hello:v1",
            ),
        ],
        groups: &[
            flags::PULL,
            flags::PLATFORM,
            flags::FORMAT,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["text", "json"],
        arity: (1, Some(1)),
        wants: "the artifact reference you want to pull",
        run: cmd::pull::run,
    },
    Command {
        path: &["login"],
        aliases: &[],
        usage: "[flags] <registry>",
        short: "Log in to a remote registry",
        long: "Log in to a remote registry. The credentials are checked with the registry first (GET /v2/, \
answering its basic or token challenge), then stored in the credential helper configured in the docker \
config file, or in the file itself (written atomically, mode 0600). Without -u/-p, oar prompts for a \
username and a password (or, for an empty username, an identity token).",
        examples: &[
            (
                "Log in with username and password from the command line",
                "oar login -u username -p password localhost:5000",
            ),
            (
                "Log in with the password from stdin",
                "oar login -u username --password-stdin localhost:5000",
            ),
            (
                "Log in with an identity token from the command line",
                "oar login --identity-token token localhost:5000",
            ),
            (
                "Log in with interactive prompts",
                "oar login localhost:5000",
            ),
            (
                "Log in to an insecure registry",
                "oar login --insecure localhost:5000",
            ),
        ],
        groups: &[flags::REMOTE, flags::COMMON],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the registry to log in to",
        run: cmd::login::run,
    },
    Command {
        path: &["logout"],
        aliases: &[],
        usage: "[flags] <registry>",
        short: "Log out from a remote registry",
        long: "Log out from a remote registry: remove its credentials from the docker config file or its \
credential helper.",
        examples: &[
            ("Log out", "oar logout localhost:5000"),
            (
                "Log out, with a custom config file",
                "oar logout --registry-config config.json localhost:5000",
            ),
        ],
        groups: &[flags::LOGOUT],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the registry to log out from",
        run: cmd::logout::run,
    },
    Command {
        path: &["version"],
        aliases: &[],
        usage: "[flags]",
        short: "Show the oar version information",
        long: "Show the oar version, and the platform it was built for.",
        examples: &[("Show the version", "oar version")],
        groups: &[],
        prefixed_groups: &[],
        formats: &[],
        arity: (0, Some(0)),
        wants: "no arguments",
        run: cmd::version::run,
    },
];

/// Commands that only group others (`manifest`, `blob`, `repo`).
pub fn groups() -> Vec<&'static str> {
    let mut g: Vec<&'static str> = COMMANDS
        .iter()
        .filter(|c| c.path.len() > 1)
        .map(|c| c.path[0])
        .collect();
    g.dedup();
    g
}

fn word_matches(c: &Command, depth: usize, word: &str) -> bool {
    c.path.get(depth) == Some(&word) || (depth + 1 == c.path.len() && c.aliases.contains(&word))
}

/// Finds the command named by the leading words of `argv`. Returns the
/// command (or `None` for a bare group such as `oar manifest`), the group
/// word if one matched, and how many words were used.
pub fn find(
    argv: &[String],
) -> std::result::Result<(Option<&'static Command>, Option<&'static str>, usize), String> {
    let Some(first) = argv.first() else {
        return Ok((None, None, 0));
    };
    let top: Vec<&'static Command> = COMMANDS
        .iter()
        .filter(|c| word_matches(c, 0, first))
        .collect();
    if top.is_empty() {
        return Err(first.clone());
    }
    if let Some(c) = top.iter().find(|c| c.path.len() == 1) {
        return Ok((Some(c), None, 1));
    }
    let group = top[0].path[0];
    match argv.get(1) {
        Some(second) if !second.starts_with('-') => top
            .iter()
            .find(|c| word_matches(c, 1, second))
            .map(|c| (Some(*c), Some(group), 2))
            .ok_or_else(|| format!("{group} {second}")),
        _ => Ok((None, Some(group), 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_duplicate_flags_within_a_command() {
        for c in COMMANDS {
            let specs = super::super::args::specs(c);
            let mut longs = HashSet::new();
            let mut shorts = HashSet::new();
            for s in &specs {
                assert!(
                    longs.insert(s.long.clone()),
                    "{}: --{} twice",
                    c.name(),
                    s.long
                );
                if let Some(sh) = s.short {
                    assert!(shorts.insert(sh), "{}: -{sh} twice", c.name());
                }
            }
        }
    }

    #[test]
    fn commands_are_unique_and_documented() {
        let mut names = HashSet::new();
        for c in COMMANDS {
            assert!(names.insert(c.name()), "{} twice", c.name());
            for a in c.aliases {
                assert!(
                    names.insert(format!("{} {a}", c.path[..c.path.len() - 1].join(" "))),
                    "alias {a}"
                );
            }
            assert!(
                !c.short.is_empty() && !c.long.is_empty() && !c.examples.is_empty(),
                "{}",
                c.name()
            );
            let has_format = c
                .groups
                .iter()
                .any(|g| g.iter().any(|f| f.long == "format"));
            assert_eq!(
                has_format,
                !c.formats.is_empty(),
                "{}: formats iff --format",
                c.name()
            );
        }
    }

    #[test]
    fn finds_commands() {
        let w = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(find(&w("push a b")).unwrap().0.unwrap().name(), "push");
        assert!(find(&w("nope")).is_err());
    }
}
