//! The one flag table. Every flag `oar` accepts is defined here once, in
//! groups shared by commands as in ORAS CLI 1.3; the same definitions drive
//! the parser, `--help` and the man pages, so they cannot drift apart.

/// How a flag takes values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A switch; `--flag` or `--flag=true|false`.
    Bool,
    /// One value; the last occurrence wins.
    Value,
    /// A value that may be repeated; every occurrence is kept.
    Multi,
}

/// The fixed set of values a flag takes: the parser refuses any other,
/// and shell completion offers these instead of file names.
#[derive(Debug, Clone, Copy)]
pub struct Choices {
    /// What a value names, in the parser's refusal (`image
    /// specification`); empty when the command checks the value itself
    /// (in its own words).
    pub what: &'static str,
    /// The values, in the order help and completion list them.
    pub values: &'static [&'static str],
}

/// One flag definition.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Long name without dashes.
    pub long: &'static str,
    /// Short letter, if any.
    pub short: Option<char>,
    /// Value kind.
    pub kind: Kind,
    /// Name of the value in help (`path`, `string`).
    pub metavar: &'static str,
    /// Default shown in help, if any.
    pub default: &'static str,
    /// One-line description.
    pub help: &'static str,
    /// The values it takes, when they are a fixed set. `--format` has
    /// none here: its values are each command's `formats`.
    pub choices: Option<Choices>,
    /// Why the flag is deprecated (pflag's message, which follows `Flag
    /// --name has been deprecated, `), or empty. A deprecated flag still
    /// works, is left out of help, and warns on stderr when given.
    pub deprecated: &'static str,
}

const fn flag(
    long: &'static str,
    short: Option<char>,
    kind: Kind,
    metavar: &'static str,
    help: &'static str,
) -> Flag {
    Flag {
        long,
        short,
        kind,
        metavar,
        default: "",
        help,
        choices: None,
        deprecated: "",
    }
}

const fn switch(long: &'static str, short: Option<char>, help: &'static str) -> Flag {
    flag(long, short, Kind::Bool, "", help)
}

const fn value(long: &'static str, metavar: &'static str, help: &'static str) -> Flag {
    flag(long, None, Kind::Value, metavar, help)
}

const fn with_default(f: Flag, default: &'static str) -> Flag {
    Flag { default, ..f }
}

const fn with_choices(f: Flag, choices: Choices) -> Flag {
    Flag {
        choices: Some(choices),
        ..f
    }
}

/// The values of `discover --output` (deprecated), checked by the
/// command.
pub const DISCOVER_OUTPUT: Choices = Choices {
    what: "",
    values: &["tree", "table", "json"],
};

/// `-h/--help`, accepted by every command.
pub const HELP: Flag = switch("help", Some('h'), "show help for the command");

/// `-d/--debug`.
pub const DEBUG: Flag = switch(
    "debug",
    Some('d'),
    "print each request and response on stderr, secrets masked (implies --no-tty)",
);

/// `--registry-config`.
pub const REGISTRY_CONFIG: Flag = flag(
    "registry-config",
    None,
    Kind::Multi,
    "path",
    "path of the authentication file for the registry",
);

/// Debugging and verbosity. `-v/--verbose` is deprecated as in oras 1.3,
/// where status lines for unnamed content are shown by default: it stays
/// for `--verbose=false`, which hides them, and for oar's notes of
/// retries and resumes, which an explicit `-v` still shows.
pub static COMMON: &[Flag] = &[
    DEBUG,
    Flag {
        deprecated: "and will be removed in a future release.",
        ..switch(
            "verbose",
            Some('v'),
            "print status output for unnamed blobs, and notes of retries and resumes",
        )
    },
    switch("no-tty", None, "[Preview] disable progress bars"),
];

/// Talking to a registry: credentials and transport. Commands with two
/// targets (`cp`) take these twice, with `from-` and `to-` prefixes.
pub static REMOTE: &[Flag] = &[
    flag(
        "username",
        Some('u'),
        Kind::Value,
        "string",
        "registry username",
    ),
    flag(
        "password",
        Some('p'),
        Kind::Value,
        "string",
        "registry password or identity token",
    ),
    value("identity-token", "string", "registry identity token"),
    switch("password-stdin", None, "read password from stdin"),
    switch(
        "identity-token-stdin",
        None,
        "read identity token from stdin",
    ),
    switch(
        "insecure",
        None,
        "allow connections to a TLS registry without verifying its certificate",
    ),
    switch("plain-http", None, "use plain HTTP instead of HTTPS"),
    value(
        "ca-file",
        "path",
        "server certificate authority file for the registry",
    ),
    value(
        "cert-file",
        "path",
        "client certificate file for the registry (mutual TLS)",
    ),
    value(
        "key-file",
        "path",
        "client private key file for the registry (mutual TLS)",
    ),
    flag(
        "resolve",
        None,
        Kind::Multi,
        "host:port:address[:address_port]",
        "customized DNS for the registry",
    ),
    REGISTRY_CONFIG,
    flag(
        "header",
        Some('H'),
        Kind::Multi,
        "'Name: value'",
        "add custom headers to requests to the registry",
    ),
];

/// `logout` takes only these.
pub static LOGOUT: &[Flag] = &[DEBUG, REGISTRY_CONFIG];

/// Local targets.
pub static TARGET: &[Flag] = &[
    switch("oci-layout", None, "set the target as an OCI image layout"),
    value(
        "oci-layout-path",
        "string",
        "[Experimental] set the path for the OCI image layout target",
    ),
];

/// `-a/--annotation`.
pub const ANNOTATION: Flag = flag(
    "annotation",
    Some('a'),
    Kind::Multi,
    "key=value",
    "manifest annotations",
);

/// `--pretty`.
pub const PRETTY: Flag = switch("pretty", None, "prettify JSON objects printed to stdout");

/// Packing files into a manifest.
pub static PACKER: &[Flag] = &[
    value("export-manifest", "path", "path of the pushed manifest"),
    ANNOTATION,
    value("annotation-file", "path", "path of the annotation file"),
    switch("disable-path-validation", None, "skip path validation"),
];

/// `--image-spec`.
pub static IMAGE_SPEC: &[Flag] = &[with_choices(
    with_default(
        value(
            "image-spec",
            "v1.1|v1.0",
            "[Preview] specify manifest type for building artifact. Options: v1.1, v1.0 (default v1.1, overridden to v1.0 if --config is used without --artifact-type)",
        ),
        "v1.1",
    ),
    Choices {
        what: "image specification",
        values: &["v1.1", "v1.0"],
    },
)];

/// `--format`, with the values each command allows listed by the command.
pub static FORMAT: &[Flag] = &[
    value(
        "format",
        "string",
        "[Experimental] Format output using a custom template",
    ),
    value(
        "template",
        "string",
        "[Experimental] Template string used to format output",
    ),
];

/// `--platform`.
pub static PLATFORM: &[Flag] = &[value(
    "platform",
    "os[/arch][/variant][:os_version]",
    "request platform",
)];

/// `--config` of `push` and `attach`.
pub const CONFIG: Flag = value("config", "path[:mediatype]", "path of image config file");

/// Flags of `push`.
pub static PUSH: &[Flag] = &[
    CONFIG,
    value("artifact-type", "string", "artifact type"),
    value(
        "artifact-platform",
        "os[/arch][/variant][:os_version]",
        "[Experimental] set artifact platform in the form of `os[/arch][/variant][:os_version]`",
    ),
    CONCURRENCY,
];

/// Flags of `pull`.
pub static PULL: &[Flag] = &[
    switch(
        "keep-old-files",
        Some('k'),
        "do not replace existing files when pulling, treat them as errors",
    ),
    switch(
        "allow-path-traversal",
        Some('T'),
        "allow storing files out of the output directory",
    ),
    switch(
        "include-subject",
        None,
        "recursively pull the subject of artifacts",
    ),
    with_default(
        flag("output", Some('o'), Kind::Value, "path", "output directory"),
        ".",
    ),
    value("config", "path[:mediatype]", "output manifest config file"),
    CONCURRENCY,
];

/// `--concurrency`, accepted for compatibility.
pub const CONCURRENCY: Flag = with_default(
    flag(
        "concurrency",
        None,
        Kind::Value,
        "int",
        "concurrency level (accepted; oar transfers one blob at a time)",
    ),
    "5",
);

/// `--descriptor` and `--pretty`.
pub static DESCRIPTOR: &[Flag] = &[
    switch(
        "descriptor",
        None,
        "print the descriptor instead of the content",
    ),
    PRETTY,
];

/// `-f/--force`.
pub static FORCE: &[Flag] = &[switch(
    "force",
    Some('f'),
    "ignore nonexistent references, never prompt",
)];

/// `--distribution-spec`.
pub static DISTRIBUTION_SPEC: &[Flag] = &[with_choices(
    value(
        "distribution-spec",
        "v1.1-referrers-api|v1.1-referrers-tag",
        "[Preview] set OCI distribution spec version and API option for target. Options: v1.1-referrers-tag, v1.1-referrers-api (default: detect)",
    ),
    Choices {
        what: "distribution specification",
        values: &["v1.1-referrers-tag", "v1.1-referrers-api"],
    },
)];

/// Flags of `attach`.
pub static ATTACH: &[Flag] = &[
    value("artifact-type", "string", "artifact type (required)"),
    CONFIG,
    CONCURRENCY,
];

/// Flags of `discover`.
pub static DISCOVER: &[Flag] = &[
    value(
        "artifact-type",
        "string",
        "artifact type to filter the referrers by",
    ),
    with_choices(
        with_default(
            flag(
                "output",
                Some('o'),
                Kind::Value,
                "string",
                "[Deprecated] format in which to display referrers (table, json, or tree).",
            ),
            "tree",
        ),
        DISCOVER_OUTPUT,
    ),
    flag(
        "depth",
        None,
        Kind::Value,
        "int",
        "[Experimental] level of referrers to display, if unused shows referrers of all levels",
    ),
];

/// Flags of `cp`.
pub static COPY: &[Flag] = &[
    switch(
        "recursive",
        Some('r'),
        "[Preview] recursively copy the artifact and its referrer artifacts",
    ),
    CONCURRENCY,
    flag(
        "resolve",
        None,
        Kind::Multi,
        "host:port:address[:address_port]",
        "base DNS rules for --from-resolve and --to-resolve",
    ),
];

/// Flags of `tag`.
pub static TAG: &[Flag] = &[CONCURRENCY];

/// Flags of `resolve`.
pub static RESOLVE: &[Flag] = &[switch(
    "full-reference",
    Some('l'),
    "print the full artifact reference with digest",
)];

/// Flags of `repo ls`.
pub static REPO_LS: &[Flag] = &[value(
    "last",
    "string",
    "start after the repository specified by last",
)];

/// Flags of `completion <shell>`.
pub static COMPLETION: &[Flag] = &[switch(
    "no-descriptions",
    None,
    "disable completion descriptions",
)];

/// Flags of `repo tags`.
pub static REPO_TAGS: &[Flag] = &[
    value("last", "string", "start after the tag specified by last"),
    switch(
        "exclude-digest-tags",
        None,
        "[Preview] exclude all digest-like tags such as 'sha256-aaaa...'",
    ),
];

/// Flags of `manifest fetch`.
pub static MANIFEST_FETCH: &[Flag] = &[
    flag(
        "media-type",
        None,
        Kind::Multi,
        "string",
        "accepted media types",
    ),
    flag(
        "output",
        Some('o'),
        Kind::Value,
        "path",
        "file path to write the fetched manifest to, use - for stdout",
    ),
];

/// Flags of `manifest fetch-config`.
pub static MANIFEST_FETCH_CONFIG: &[Flag] = &[flag(
    "output",
    Some('o'),
    Kind::Value,
    "path",
    "file path to write the fetched config to, use - for stdout",
)];

/// Flags of `manifest push`.
pub static MANIFEST_PUSH: &[Flag] = &[
    value("media-type", "string", "media type of manifest"),
    CONCURRENCY,
];

/// Flags of `backup` (ORAS CLI 1.3, plus `--verify`).
pub static BACKUP: &[Flag] = &[
    flag(
        "output",
        Some('o'),
        Kind::Value,
        "path",
        "path to the target output, either a tar archive (*.tar) or a directory; - writes a tar archive to stdout",
    ),
    switch(
        "include-referrers",
        None,
        "back up the artifact with its referrers (e.g., attestations, SBOMs)",
    ),
    with_default(CONCURRENCY, "3"),
    switch(
        "verify",
        None,
        "check the OCI layout the argument names (a directory, a tar archive, or - for stdin) instead of backing up: every blob digest, and that everything index.json names is there",
    ),
];

/// Flags of `restore` (ORAS CLI 1.3).
pub static RESTORE: &[Flag] = &[
    value(
        "input",
        "path",
        "path to the OCI layout, either a tar archive (*.tar) or a directory; - reads a tar archive from stdin",
    ),
    switch(
        "exclude-referrers",
        None,
        "restore artifacts excluding their referrers",
    ),
    switch(
        "dry-run",
        None,
        "simulate the restore process without actually uploading any artifacts",
    ),
    CONCURRENCY,
];

/// `-o/--output` of `manifest index create|update`.
const INDEX_OUTPUT: Flag = flag(
    "output",
    Some('o'),
    Kind::Value,
    "path",
    "file path to write the created index to, use - for stdout",
);

/// Flags of `manifest index create` (ORAS CLI 1.3).
pub static INDEX_CREATE: &[Flag] = &[
    value("artifact-type", "string", "artifact type for overall index"),
    INDEX_OUTPUT,
    ANNOTATION,
    PRETTY,
];

/// Flags of `manifest index update` (ORAS CLI 1.3).
pub static INDEX_UPDATE: &[Flag] = &[
    value(
        "artifact-type",
        "string",
        "new artifact type for overall index",
    ),
    flag(
        "add",
        None,
        Kind::Multi,
        "string",
        "manifests to add to the index",
    ),
    flag(
        "merge",
        None,
        Kind::Multi,
        "string",
        "indexes to be merged into the index",
    ),
    flag(
        "remove",
        None,
        Kind::Multi,
        "string",
        "manifests to remove from the index, must be digests",
    ),
    flag(
        "tag",
        None,
        Kind::Multi,
        "string",
        "extra tags for the updated index",
    ),
    INDEX_OUTPUT,
    PRETTY,
];

/// Flags of `blob fetch`.
pub static BLOB_FETCH: &[Flag] = &[flag(
    "output",
    Some('o'),
    Kind::Value,
    "path",
    "output file path, use - for stdout",
)];

/// Flags of `blob push`.
pub static BLOB_PUSH: &[Flag] = &[
    with_default(
        value(
            "size",
            "int",
            "provide the blob size (required when reading stdin)",
        ),
        "-1",
    ),
    with_default(
        value(
            "media-type",
            "string",
            "specify the returned media type in the descriptor",
        ),
        "application/octet-stream",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_is_documented_and_well_formed() {
        for group in [
            COMMON,
            REMOTE,
            LOGOUT,
            TARGET,
            PACKER,
            IMAGE_SPEC,
            FORMAT,
            PLATFORM,
            PUSH,
            PULL,
            DESCRIPTOR,
            FORCE,
            DISTRIBUTION_SPEC,
            ATTACH,
            DISCOVER,
            COPY,
            TAG,
            RESOLVE,
            REPO_LS,
            REPO_TAGS,
            COMPLETION,
            MANIFEST_FETCH,
            MANIFEST_FETCH_CONFIG,
            MANIFEST_PUSH,
            BLOB_FETCH,
            BLOB_PUSH,
            BACKUP,
            RESTORE,
            INDEX_CREATE,
            INDEX_UPDATE,
        ] {
            for f in group {
                assert!(!f.help.is_empty(), "{} has no help", f.long);
                assert!(f.long.len() > 1 && !f.long.starts_with('-'), "{}", f.long);
                assert_eq!(
                    f.kind == Kind::Bool,
                    f.metavar.is_empty(),
                    "{}: metavar iff value",
                    f.long
                );
            }
        }
    }
}
