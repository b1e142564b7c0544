//! The command table: every command's name, aliases, usage, help text,
//! examples, flag groups and handler. Like the flag table, it drives
//! dispatch, `--help` and the man pages.

use super::args::Args;
use super::cmd;
use super::flags::{self, Flag};
use crate::cli::error::Result;

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
    /// `[Preview]` or `[Experimental]`, as oras marks commands that may
    /// still change; empty for stable ones.
    pub mark: &'static str,
    /// Longer description (paragraphs separated by blank lines).
    pub long: &'static str,
    /// `(what it does, command line)` pairs.
    pub examples: &'static [(&'static str, &'static str)],
    /// Flag groups, in help order.
    pub groups: &'static [&'static [Flag]],
    /// Groups taken twice with prefixes: `(group, prefix, side)`.
    pub prefixed_groups: &'static [(&'static [Flag], &'static str, &'static str)],
    /// Values `--format` takes besides its default, if it has the flag
    /// (see `default_format`).
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

    /// What `--format` is when not given, as help shows it and as the
    /// command also accepts by name: discover draws a tree (listed among
    /// its formats), every other command prints text.
    pub fn default_format(&self) -> &'static str {
        if self.formats.first() == Some(&"tree") {
            "tree"
        } else {
            "text"
        }
    }

    /// Every type `--format` takes, as oras lists them: the default last
    /// when it is not among the others.
    pub fn format_names(&self) -> Vec<&'static str> {
        let mut all = self.formats.to_vec();
        if !all.contains(&self.default_format()) {
            all.push(self.default_format());
        }
        all
    }
}

/// `completion <shell>`: one entry per shell, alike but for the names.
macro_rules! completion {
    ($shell:literal, $name:literal, $load:literal) => {
        Command {
            path: &["completion", $shell],
            aliases: &[],
            usage: "[flags]",
            short: concat!("Generate the autocompletion script for ", $shell),
            mark: "",
            long: concat!(
                "Generate the autocompletion script for the ",
                $name,
                " shell: commands, sub-commands and each command's flags, from the same tables as the \
help; arguments complete as file names."
            ),
            examples: &[("Load completions in the current shell session", $load)],
            groups: &[flags::COMPLETION],
            prefixed_groups: &[],
            formats: &[],
            arity: (0, Some(0)),
            wants: "no arguments",
            run: cmd::completion::run,
        }
    };
}

/// Every command, in help order.
pub static COMMANDS: &[Command] = &[
    Command {
        path: &["push"],
        aliases: &[],
        usage: "[flags] <name>[:<tag>[,<tag>][...]] <file>[:<type>] [...]",
        short: "Push files to a registry or an OCI image layout",
        mark: "",
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
                "[Experimental] Push an artifact with a platform",
                "oar push --artifact-platform linux/arm/v5 localhost:5000/hello:v1",
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
        formats: &["json", "go-template"],
        arity: (1, None),
        wants: "the destination for pushing",
        run: cmd::push::run,
    },
    Command {
        path: &["pull"],
        aliases: &[],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Pull files from a registry or an OCI image layout",
        mark: "",
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
        formats: &["json", "go-template"],
        arity: (1, Some(1)),
        wants: "the artifact reference you want to pull",
        run: cmd::pull::run,
    },
    Command {
        path: &["attach"],
        aliases: &[],
        usage: "[flags] --artifact-type=<type> <name>{:<tag>|@<digest>} {<file>[:<layer_media_type>]|--annotation <key>=<value>} [...]",
        short: "Attach files to an existing artifact",
        mark: "",
        long: "Attach files to an existing artifact: push an image-spec 1.1 manifest whose subject is the \
artifact, so that it is found as one of its referrers. On a registry without the referrers API, the \
referrers tag schema index is updated (without duplicates).",
        examples: &[
            (
                "Attach file \"hi.txt\" with an artifact type to a manifest",
                "oar attach --artifact-type doc/example localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Attach file \"hi.txt\" with a custom media type",
                "oar attach --artifact-type doc/example localhost:5000/hello:v1 hi.txt:application/vnd.me.hi",
            ),
            (
                "Attach several files",
                "oar attach --artifact-type sbom/example localhost:5000/hello:v1 hi.txt bye.txt",
            ),
            (
                "Attach annotations only",
                "oar attach --artifact-type doc/example --annotation \"key=val\" localhost:5000/hello:v1",
            ),
            (
                "Attach to the manifest of one platform in an index",
                "oar attach --artifact-type doc/example --platform linux/amd64 localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Attach file \"hi.txt\" with a custom config \"config.json\" of type \"application/vnd.me.config\"",
                "oar attach --artifact-type doc/example --config config.json:application/vnd.me.config localhost:5000/hello:v1 hi.txt",
            ),
            (
                "Attach to an artifact in an OCI image layout",
                "oar attach --oci-layout --artifact-type doc/example layout-dir:v1 hi.txt",
            ),
        ],
        groups: &[
            flags::ATTACH,
            flags::PACKER,
            flags::PLATFORM,
            flags::DISTRIBUTION_SPEC,
            flags::FORMAT,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["json", "go-template"],
        arity: (1, None),
        wants: "the destination artifact for attaching.",
        run: cmd::attach::run,
    },
    Command {
        path: &["cp"],
        aliases: &["copy"],
        usage: "[flags] <from>{:<tag>|@<digest>} <to>[:<tag>[,<tag>][...]]",
        short: "Copy artifacts from one target to another",
        mark: "",
        long: "Copy an artifact, with every manifest and blob it references, from one target to another: \
registry to registry, registry to OCI image layout and back, or layout to layout. Content the destination \
already has is skipped; within one registry, blobs are mounted across repositories instead of copied. \
With -r, the artifact's referrers are copied too, recursively.",
        examples: &[
            (
                "Copy an artifact between registries",
                "oar cp localhost:5000/net-monitor:v1 localhost:6000/net-monitor-copy:v1",
            ),
            (
                "Download an artifact into an OCI image layout folder",
                "oar cp --to-oci-layout localhost:5000/net-monitor:v1 ./downloaded:v1",
            ),
            (
                "Upload an artifact from an OCI image layout folder",
                "oar cp --from-oci-layout ./to-upload:v1 localhost:5000/net-monitor:v1",
            ),
            (
                "Copy an artifact and its referrers",
                "oar cp -r localhost:5000/net-monitor:v1 localhost:6000/net-monitor-copy:v1",
            ),
            (
                "Copy one platform of an artifact",
                "oar cp --platform linux/arm/v5 localhost:5000/net-monitor:v1 localhost:6000/net-monitor-copy:v1",
            ),
            (
                "Copy an artifact with several tags",
                "oar cp localhost:5000/net-monitor:v1 localhost:6000/net-monitor-copy:tag1,tag2,tag3",
            ),
        ],
        groups: &[flags::COPY, flags::PLATFORM, flags::COMMON],
        prefixed_groups: &[
            (flags::TARGET, "from", "source"),
            (flags::REMOTE, "from", "source"),
            (flags::DISTRIBUTION_SPEC, "from", "source"),
            (flags::TARGET, "to", "destination"),
            (flags::REMOTE, "to", "destination"),
            (flags::DISTRIBUTION_SPEC, "to", "destination"),
        ],
        formats: &[],
        arity: (2, Some(2)),
        wants: "the source and destination for copying",
        run: cmd::copy::run,
    },
    Command {
        path: &["backup"],
        aliases: &[],
        usage: "[flags] --output <path> <registry>/<repository>[:<ref1>[,<ref2>...]]",
        short: "Back up artifacts from a registry into an OCI image layout",
        mark: "[Experimental]",
        long: "Back up artifacts from a registry into an OCI image layout: a directory, or a tar archive when \
the output path ends in \".tar\" (any case), or a tar archive written to stdout with --output -. Without a tag, \
every tag of the repository is backed up. Every blob is verified against its digest before it is kept. Content \
the output already holds is not fetched again, so a backup into an existing layout or archive adds only what is \
new, and an interrupted backup continues where it stopped when run again. An archive lists oci-layout first, then \
the blobs, then the manifests, and index.json last, so that restore can act on each member as it arrives; an \
archive cut short has no index.json. With --verify, the argument is a layout or archive to check instead (- \
for stdin): every blob's digest, and that everything index.json names is there.",
        examples: &[
            (
                "Back up one artifact into a directory",
                "oar backup --output hello localhost:5000/hello:v1",
            ),
            (
                "Back up into a tar archive",
                "oar backup --output hello.tar localhost:5000/hello:v1",
            ),
            (
                "Back up an artifact with its referrers (signatures, SBOMs)",
                "oar backup --output hello.tar --include-referrers localhost:5000/hello:v1",
            ),
            (
                "Back up several tags",
                "oar backup --output hello.tar localhost:5000/hello:v1,v2,v3",
            ),
            (
                "Back up every tag of a repository",
                "oar backup --output hello.tar localhost:5000/hello",
            ),
            (
                "Stream a backup to another host, restored as it arrives",
                "oar backup -o - localhost:5000/hello | ssh airgapped oar restore --input - registry.local/hello",
            ),
            (
                "Log what was backed up as JSON",
                "oar backup --output hello.tar --format json localhost:5000/hello > backup.json",
            ),
            (
                "Check an archive before carrying it across",
                "oar backup --verify hello.tar",
            ),
        ],
        groups: &[
            flags::BACKUP,
            flags::FORMAT,
            flags::DISTRIBUTION_SPEC,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["json", "go-template"],
        arity: (1, Some(1)),
        wants: "the artifacts to back up",
        run: cmd::backup::run,
    },
    Command {
        path: &["restore"],
        aliases: &[],
        usage: "[flags] --input <path> <registry>/<repository>[:<ref1>[,<ref2>...]]",
        short: "Restore artifacts to a registry from an OCI image layout",
        mark: "[Experimental]",
        long: "Restore artifacts to a registry from an OCI image layout: a directory, a tar archive, or a tar \
archive read from stdin with --input -, handled as it arrives. Without a tag, every tag of the layout is \
restored; referrers are restored too unless --exclude-referrers is given. Every blob is verified against its \
digest as it is read, before it is sent; blobs the registry already holds are not sent again, so an interrupted \
restore continues where it stopped when run again. Tags are written last, once everything they name is in \
place: a restore that fails writes no tag. --dry-run contacts no registry.",
        examples: &[
            (
                "Restore one artifact from a tar archive",
                "oar restore --input hello.tar localhost:5000/hello:v1",
            ),
            (
                "Restore every tag from a directory",
                "oar restore --input hello localhost:5000/hello",
            ),
            (
                "Restore without referrers",
                "oar restore --input hello.tar --exclude-referrers localhost:5000/hello",
            ),
            (
                "Show what would be restored, pushing nothing",
                "oar restore --input hello.tar --dry-run localhost:5000/hello",
            ),
            (
                "Restore an archive as it arrives on stdin",
                "ssh connected oar backup -o - registry.example.com/hello | oar restore --input - localhost:5000/hello",
            ),
            (
                "Log what was restored as JSON",
                "oar restore --input hello.tar --format json localhost:5000/hello > restore.json",
            ),
        ],
        groups: &[
            flags::RESTORE,
            flags::FORMAT,
            flags::DISTRIBUTION_SPEC,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["json", "go-template"],
        arity: (1, Some(1)),
        wants: "the targets to restore to",
        run: cmd::restore::run,
    },
    Command {
        path: &["discover"],
        aliases: &[],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Discover referrers of a manifest in a registry or an OCI image layout",
        mark: "[Preview]",
        long: "Discover the referrers of a manifest: the artifacts attached to it, and theirs, every level \
(each manifest once, so cycles end) or down to --depth levels. The tree shows each referrer's annotations; \
json and go-template give the subject's descriptor with its nested referrers; the table (deprecated) lists \
the direct referrers. The referrers API is used where the registry has it, else the referrers tag schema.",
        examples: &[
            (
                "Discover referrers of manifest 'hello:v1', displayed in a tree view",
                "oar discover localhost:5000/hello:v1",
            ),
            (
                "Discover referrers via the referrers API",
                "oar discover --distribution-spec v1.1-referrers-api localhost:5000/hello:v1",
            ),
            (
                "Discover referrers of a given artifact type",
                "oar discover --artifact-type application/vnd.example.sbom localhost:5000/hello:v1",
            ),
            (
                "[Experimental] Discover referrers and format output with a Go template",
                "oar discover localhost:5000/hello:v1 --format go-template --template \"{{.referrers}}\"",
            ),
            (
                "[Experimental] Discover only direct referrers, as JSON",
                "oar discover localhost:5000/hello:v1 --format json --depth 1",
            ),
            (
                "Discover referrers in an OCI image layout folder",
                "oar discover --oci-layout layout-dir:v1",
            ),
            (
                "Discover referrers of the manifest tagged 'example.com:v1' in an OCI image layout folder",
                "oar discover example.com:v1 --oci-layout-path layout-dir",
            ),
        ],
        groups: &[
            flags::DISCOVER,
            flags::PLATFORM,
            flags::DISTRIBUTION_SPEC,
            flags::FORMAT,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["tree", "table", "json", "go-template"],
        arity: (1, Some(1)),
        wants: "the target artifact to discover referrers from",
        run: cmd::discover::run,
    },
    Command {
        path: &["login"],
        aliases: &[],
        usage: "[flags] <registry>",
        short: "Log in to a remote registry",
        mark: "",
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
        mark: "",
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
        wants: "the registry you want to log out",
        run: cmd::logout::run,
    },
    Command {
        path: &["resolve"],
        aliases: &["digest"],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Resolve a tag to a digest",
        mark: "[Preview]",
        long: "Resolve a tag (or a digest) to the digest of the manifest it points to.",
        examples: &[
            (
                "Resolve the digest of hello:v1",
                "oar resolve localhost:5000/hello:v1",
            ),
            (
                "Resolve and print the full reference",
                "oar resolve -l localhost:5000/hello:v1",
            ),
            (
                "Resolve the manifest of one platform",
                "oar resolve --platform linux/amd64 localhost:5000/hello:v1",
            ),
        ],
        groups: &[
            flags::RESOLVE,
            flags::PLATFORM,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the target artifact reference to resolve",
        run: cmd::resolve::run,
    },
    Command {
        path: &["tag"],
        aliases: &[],
        usage: "[flags] <name>{:<tag>|@<digest>} <new_tag> [...]",
        short: "Tag a manifest in a registry or an OCI image layout",
        mark: "",
        long: "Tag a manifest: point one or more new tags at the manifest a tag or digest names.",
        examples: &[
            (
                "Tag the manifest 'v1.0.1' as 'v1.0.2'",
                "oar tag localhost:5000/hello:v1.0.1 v1.0.2",
            ),
            (
                "Tag a manifest by digest",
                "oar tag localhost:5000/hello@sha256:9463e0d192846bc994279417b50114606712d516aab45f4d8b31cbc6e46aad71 v1.0.2",
            ),
            (
                "Tag with several tags",
                "oar tag localhost:5000/hello:v1.0.1 v1.0.2 latest",
            ),
            (
                "Tag in an OCI image layout folder",
                "oar tag --oci-layout layout-dir:v1.0.1 v1.0.2",
            ),
        ],
        groups: &[flags::TAG, flags::TARGET, flags::REMOTE, flags::COMMON],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, None),
        wants: "the artifact to be retagged and the tags to be added",
        run: cmd::tag::run,
    },
    Command {
        path: &["version"],
        aliases: &[],
        usage: "[flags]",
        short: "Show the oar version information",
        mark: "",
        long: "Show the oar version, and the platform it was built for.",
        examples: &[("Show the version", "oar version")],
        groups: &[],
        prefixed_groups: &[],
        formats: &[],
        arity: (0, None),
        wants: "no arguments",
        run: cmd::version::run,
    },
    Command {
        path: &["blob", "delete"],
        aliases: &["remove", "rm"],
        usage: "[flags] <name>@<digest>",
        short: "Delete a blob from a remote registry",
        mark: "",
        long: "Delete a blob. oar asks for confirmation unless --force is given; with --force a missing \
blob is reported, not an error.",
        examples: &[
            (
                "Delete a blob",
                "oar blob delete localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
            (
                "Delete a blob without prompting",
                "oar blob delete --force localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
            (
                "Delete a blob and print its descriptor",
                "oar blob delete --descriptor --force localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
        ],
        groups: &[
            flags::FORCE,
            flags::DESCRIPTOR,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the target blob to delete",
        run: cmd::blob::delete,
    },
    Command {
        path: &["blob", "fetch"],
        aliases: &["get"],
        usage: "[flags] {--output <file> | --descriptor} <name>@<digest>",
        short: "Fetch a blob from a registry or an OCI image layout",
        mark: "",
        long: "Fetch a blob by digest: into a file (verified before it takes its final name, resumed if \
interrupted), to stdout with -o -, or just its descriptor.",
        examples: &[
            (
                "Fetch a blob into a file",
                "oar blob fetch --output blob.tar.gz localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
            (
                "Fetch a blob to stdout",
                "oar blob fetch --output - localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
            (
                "Fetch the descriptor of a blob",
                "oar blob fetch --descriptor localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
            (
                "Fetch a blob from an OCI image layout folder",
                "oar blob fetch --oci-layout --output blob layout-dir@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5",
            ),
        ],
        groups: &[
            flags::BLOB_FETCH,
            flags::DESCRIPTOR,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the target blob to fetch",
        run: cmd::blob::fetch,
    },
    Command {
        path: &["blob", "push"],
        aliases: &[],
        usage: "[flags] <name>[@digest] <file>",
        short: "Push a blob to a registry or an OCI image layout",
        mark: "",
        long: "Push a blob from a file, or from stdin (-) with its digest in the reference and --size.",
        examples: &[
            (
                "Push a blob",
                "oar blob push localhost:5000/hello blob.tar.gz",
            ),
            (
                "Push a blob and check its digest",
                "oar blob push localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5 blob.tar.gz",
            ),
            (
                "Push a blob from stdin",
                "oar blob push --size 12 localhost:5000/hello@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5 -",
            ),
            (
                "Push a blob and print its descriptor",
                "oar blob push --descriptor --media-type application/vnd.me.blob localhost:5000/hello blob.tar.gz",
            ),
            (
                "Push a blob into an OCI image layout folder",
                "oar blob push --oci-layout layout-dir blob.tar.gz",
            ),
        ],
        groups: &[
            flags::BLOB_PUSH,
            flags::DESCRIPTOR,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (2, Some(2)),
        wants: "the destination to push to and the file to read blob content from",
        run: cmd::blob::push,
    },
    Command {
        path: &["manifest", "delete"],
        aliases: &["remove", "rm"],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Delete a manifest from a remote registry",
        mark: "",
        long: "Delete a manifest. A tag is resolved to its digest first (registries delete by digest, and \
the manifest goes with every tag pointing at it). oar asks for confirmation unless --force is given; with \
--force a missing manifest is reported, not an error. Deleting a referrer updates the referrers tag schema \
index where the registry has no referrers API.",
        examples: &[
            (
                "Delete the manifest tagged 'v1'",
                "oar manifest delete localhost:5000/hello:v1",
            ),
            (
                "Delete a manifest without prompting",
                "oar manifest delete --force localhost:5000/hello:v1",
            ),
            (
                "Delete a manifest and print its descriptor",
                "oar manifest delete --force --descriptor localhost:5000/hello:v1",
            ),
            (
                "Delete a manifest by digest",
                "oar manifest delete localhost:5000/hello@sha256:99e4703fbf30916f549cd6bfa9cdbab614b5392fbe64fdee971359a77073cdf9",
            ),
        ],
        groups: &[
            flags::FORCE,
            flags::DESCRIPTOR,
            flags::DISTRIBUTION_SPEC,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the manifest to delete",
        run: cmd::manifest::delete,
    },
    Command {
        path: &["manifest", "fetch"],
        aliases: &["get", "show"],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Fetch the manifest of an artifact",
        mark: "",
        long: "Fetch the manifest of an artifact, verified against its digest: print it as it is (or \
indented with --pretty), write it to a file with -o, print its descriptor, or print both as JSON.",
        examples: &[
            (
                "Fetch the raw manifest",
                "oar manifest fetch localhost:5000/hello:v1",
            ),
            (
                "Fetch the descriptor of a manifest",
                "oar manifest fetch --descriptor localhost:5000/hello:v1",
            ),
            (
                "Fetch a manifest and its metadata as JSON",
                "oar manifest fetch --format json localhost:5000/hello:v1",
            ),
            (
                "Fetch a manifest of a given media type",
                "oar manifest fetch --media-type application/vnd.oci.image.manifest.v1+json localhost:5000/hello:v1",
            ),
            (
                "Fetch the manifest of one platform",
                "oar manifest fetch --platform linux/arm/v5 localhost:5000/hello:v1",
            ),
            (
                "Fetch a manifest, prettified",
                "oar manifest fetch --pretty localhost:5000/hello:v1",
            ),
            (
                "Fetch a manifest from an OCI image layout folder",
                "oar manifest fetch --oci-layout layout-dir:v1",
            ),
        ],
        groups: &[
            flags::MANIFEST_FETCH,
            flags::DESCRIPTOR,
            flags::PLATFORM,
            flags::FORMAT,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["json", "go-template"],
        arity: (1, Some(1)),
        wants: "the manifest to fetch",
        run: cmd::manifest::fetch_cmd,
    },
    Command {
        path: &["manifest", "fetch-config"],
        aliases: &["get-config"],
        usage: "[flags] <name>{:<tag>|@<digest>}",
        short: "Fetch the config of a manifest from a registry or an OCI image layout",
        mark: "",
        long: "Fetch the config blob of an image manifest, verified against its digest.",
        examples: &[
            (
                "Fetch the config",
                "oar manifest fetch-config localhost:5000/hello:v1",
            ),
            (
                "Fetch the config of one platform",
                "oar manifest fetch-config --platform linux/arm/v5 localhost:5000/hello:v1",
            ),
            (
                "Fetch and print the config, prettified",
                "oar manifest fetch-config --pretty localhost:5000/hello:v1",
            ),
            (
                "Fetch the config into a file",
                "oar manifest fetch-config --output config.json localhost:5000/hello:v1",
            ),
            (
                "Fetch the descriptor of the config",
                "oar manifest fetch-config --descriptor localhost:5000/hello:v1",
            ),
        ],
        groups: &[
            flags::MANIFEST_FETCH_CONFIG,
            flags::DESCRIPTOR,
            flags::PLATFORM,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the manifest config to fetch",
        run: cmd::manifest::fetch_config,
    },
    Command {
        path: &["manifest", "push"],
        aliases: &[],
        usage: "[flags] <name>[:<tag>[,<tag>][...]|@<digest>] <file>",
        short: "Push a manifest to a registry or an OCI image layout",
        mark: "",
        long: "Push a manifest from a file, or from stdin (-). Its media type comes from --media-type or from \
the manifest's own mediaType field. A manifest with a subject is recorded in the referrers tag schema index \
where the registry has no referrers API.",
        examples: &[
            (
                "Push a manifest and tag it 'v1'",
                "oar manifest push localhost:5000/hello:v1 manifest.json",
            ),
            (
                "Push a manifest read from stdin",
                "oar manifest push localhost:5000/hello:v1 -",
            ),
            (
                "Push a manifest and print its descriptor",
                "oar manifest push --descriptor localhost:5000/hello:v1 manifest.json",
            ),
            (
                "Push a manifest of a given media type",
                "oar manifest push --media-type application/vnd.oci.image.manifest.v1+json localhost:5000/hello:v1 manifest.json",
            ),
            (
                "Push a manifest with several tags",
                "oar manifest push localhost:5000/hello:tag1,tag2,tag3 manifest.json",
            ),
            (
                "Push a manifest into an OCI image layout folder",
                "oar manifest push --oci-layout layout-dir:v1 manifest.json",
            ),
        ],
        groups: &[
            flags::MANIFEST_PUSH,
            flags::DESCRIPTOR,
            flags::DISTRIBUTION_SPEC,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (2, Some(2)),
        wants: "the destination to push to and the file to read manifest content from",
        run: cmd::manifest::push,
    },
    Command {
        path: &["manifest", "index", "create"],
        aliases: &["pack"],
        usage: "[flags] <name>[:<tag>[,<tag>][...]] [{<tag>|<digest>}...]",
        short: "Create and push an index from provided manifests",
        mark: "[Experimental]",
        long: "Create an image index listing the given manifests (by tag or digest, all in the target's \
repository or layout), each with the platform its config names and its artifact type, and push it, tagged if \
the target names tags. The index is byte for byte what oras creates from the same manifests. With --output, \
it is written to a file (- for stdout) and not pushed.",
        examples: &[
            (
                "Create an index from the manifests tagged linux-amd64 and linux-arm64, pushed untagged",
                "oar manifest index create localhost:5000/hello linux-amd64 linux-arm64",
            ),
            (
                "Create an index and tag it v1",
                "oar manifest index create localhost:5000/hello:v1 linux-amd64 linux-arm64",
            ),
            (
                "Create an index from a tag and a digest, tagged several times",
                "oar manifest index create localhost:5000/hello:v1,latest linux-amd64 sha256:99e4703fbf30916f549cd6bfa9cdbab614b5392fbe64fdee971359a77073cdf9",
            ),
            (
                "Create an index with annotations and an artifact type",
                "oar manifest index create --artifact-type application/vnd.example+type -a key=value localhost:5000/hello:v1 linux-amd64",
            ),
            (
                "Create an index in an OCI image layout folder",
                "oar manifest index create --oci-layout layout-dir:v1 linux-amd64 linux-arm64",
            ),
            (
                "Write the index to a file instead of pushing it",
                "oar manifest index create --output index.json localhost:5000/hello linux-amd64 linux-arm64",
            ),
            (
                "Print the index, prettified, instead of pushing it",
                "oar manifest index create --output - --pretty localhost:5000/hello linux-amd64",
            ),
        ],
        groups: &[
            flags::INDEX_CREATE,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, None),
        wants: "the destination index to create.",
        run: cmd::index::create,
    },
    Command {
        path: &["manifest", "index", "update"],
        aliases: &[],
        usage: "[flags] <name>{:<tag>|@<digest>} [{--add|--merge|--remove} {<tag>|<digest>}] [...]",
        short: "Update and push an image index",
        mark: "[Experimental]",
        long: "Update an image index: remove manifests (by digest), add manifests and merge the manifests of \
other indexes (by tag or digest, in the same repository or layout), set or clear its artifact type, and push \
the result under the index's tag (or by digest) and the --tag tags. With --output, the index is written to a \
file (- for stdout) and not pushed.",
        examples: &[
            (
                "Remove a manifest and add two to the index tagged v1, which then names the new index",
                "oar manifest index update localhost:5000/hello:v1 --add linux-amd64 --add linux-arm64 --remove sha256:99e4703fbf30916f549cd6bfa9cdbab614b5392fbe64fdee971359a77073cdf9",
            ),
            (
                "Make a new index from one named by digest, tagged v2",
                "oar manifest index update localhost:5000/hello@sha256:99e4703fbf30916f549cd6bfa9cdbab614b5392fbe64fdee971359a77073cdf9 --add linux-amd64 --tag v2",
            ),
            (
                "Merge the manifests of the index v2-windows into v2",
                "oar manifest index update localhost:5000/hello:v2 --merge v2-windows",
            ),
            (
                "Clear the index's artifact type",
                "oar manifest index update localhost:5000/hello:v1 --artifact-type=\"\"",
            ),
            (
                "Update an index in an OCI image layout folder",
                "oar manifest index update --oci-layout layout-dir:v1 --add linux-arm64",
            ),
            (
                "Print the updated index instead of pushing it",
                "oar manifest index update localhost:5000/hello:v2 --add linux-amd64 --output - --pretty",
            ),
        ],
        groups: &[
            flags::INDEX_UPDATE,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &[],
        arity: (1, Some(1)),
        wants: "the target index to update",
        run: cmd::index::update,
    },
    Command {
        path: &["repo", "ls"],
        aliases: &["list"],
        usage: "[flags] <registry>",
        short: "List the repositories under the registry",
        mark: "",
        long: "List the repositories of a registry (catalog API, every page), or only those under a \
namespace, with the namespace cut off.",
        examples: &[
            (
                "List the repositories of a registry",
                "oar repo ls localhost:5000",
            ),
            (
                "List the repositories under a namespace",
                "oar repo ls localhost:5000/example-namespace",
            ),
            (
                "List the repositories after 'last'",
                "oar repo ls --last last_repo localhost:5000",
            ),
            (
                "[Experimental] List the repositories in JSON format",
                "oar repo ls localhost:5000 --format json",
            ),
            (
                "[Experimental] List the repositories using the given Go template",
                "oar repo ls localhost:5000 --format go-template --template \"{{.repositories}}\"",
            ),
        ],
        groups: &[flags::REPO_LS, flags::FORMAT, flags::REMOTE, flags::COMMON],
        prefixed_groups: &[],
        formats: &["text", "json", "go-template"],
        arity: (1, Some(1)),
        wants: "the target registry to list repositories from",
        run: cmd::repo::ls,
    },
    Command {
        path: &["repo", "tags"],
        aliases: &["show-tags"],
        usage: "[flags] <name>",
        short: "Show tags of the target repository",
        mark: "",
        long: "Show the tags of a repository, sorted (registries may answer in any order). With a tag or \
digest in the reference, only the tags pointing at that manifest are shown. In an OCI image layout named \
with --oci-layout-path and a repository (no tag), only that repository's tags, without its prefix.",
        examples: &[
            (
                "Show the tags of a repository",
                "oar repo tags localhost:5000/hello",
            ),
            (
                "Show the tags without digest-like tags",
                "oar repo tags --exclude-digest-tags localhost:5000/hello",
            ),
            (
                "Show the tags after 'last'",
                "oar repo tags --last last_tag localhost:5000/hello",
            ),
            (
                "Show the tags of an OCI image layout folder",
                "oar repo tags --oci-layout layout-dir",
            ),
            (
                "Show the tags pointing at one manifest",
                "oar repo tags localhost:5000/hello:latest",
            ),
            (
                "[Experimental] Show the tags in JSON format",
                "oar repo tags localhost:5000/hello --format json",
            ),
            (
                "[Experimental] Show the tags using the given Go template",
                "oar repo tags localhost:5000/hello --format go-template --template \"{{.tags}}\"",
            ),
            (
                "[Experimental] Show the tags of one repository in an OCI image layout",
                "oar repo tags --oci-layout-path layout-dir localhost:5000/hello",
            ),
        ],
        groups: &[
            flags::REPO_TAGS,
            flags::FORMAT,
            flags::TARGET,
            flags::REMOTE,
            flags::COMMON,
        ],
        prefixed_groups: &[],
        formats: &["text", "json", "go-template"],
        arity: (1, Some(1)),
        wants: "the target repository to list tags from",
        run: cmd::repo::tags,
    },
    completion!("bash", "bash", "source <(oar completion bash)"),
    completion!("zsh", "zsh", "source <(oar completion zsh)"),
    completion!("fish", "fish", "oar completion fish | source"),
    completion!(
        "powershell",
        "PowerShell",
        "oar completion powershell | Out-String | Invoke-Expression"
    ),
];

/// Commands that only group others at the top level (`manifest`, `blob`,
/// `repo`).
pub fn groups() -> Vec<&'static str> {
    let mut g: Vec<&'static str> = COMMANDS
        .iter()
        .filter(|c| c.path.len() > 1)
        .map(|c| c.path[0])
        .collect();
    g.dedup();
    g
}

/// Every group, nested ones included, as its words joined by spaces
/// (`manifest`, `manifest index`), in table order.
pub fn group_paths() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in COMMANDS {
        for depth in 1..c.path.len() {
            let g = c.path[..depth].join(" ");
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    out
}

/// Other names of the grouping commands.
pub const GROUP_ALIASES: &[(&str, &[&str])] = &[("repo", &["repository"])];

fn word_matches(c: &Command, depth: usize, word: &str) -> bool {
    let group_alias = depth == 0
        && c.path.len() > 1
        && GROUP_ALIASES
            .iter()
            .any(|(g, aliases)| *g == c.path[0] && aliases.contains(&word));
    c.path.get(depth) == Some(&word)
        || (depth + 1 == c.path.len() && c.aliases.contains(&word))
        || group_alias
}

/// Finds the command named by the leading words of `argv`, through
/// groups of any depth (`manifest index create`). Returns the command
/// (or `None` for a bare group such as `oar manifest`), the group's path
/// if a group was named, and how many words were used. An unknown word
/// is returned with the words before it.
pub fn find(
    argv: &[String],
) -> std::result::Result<(Option<&'static Command>, Option<String>, usize), String> {
    let mut candidates: Vec<&'static Command> = COMMANDS.iter().collect();
    let mut depth = 0;
    loop {
        let group = (depth > 0).then(|| candidates[0].path[..depth].join(" "));
        let word = match argv.get(depth) {
            Some(w) if depth == 0 || !w.starts_with('-') => w,
            _ => return Ok((None, group, depth)),
        };
        candidates.retain(|c| c.path.len() > depth && word_matches(c, depth, word));
        if candidates.is_empty() {
            return Err(match group {
                Some(g) => format!("{g} {word}"),
                None => word.clone(),
            });
        }
        if let Some(c) = candidates.iter().find(|c| c.path.len() == depth + 1) {
            return Ok((Some(*c), group, depth + 1));
        }
        depth += 1;
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
        assert_eq!(
            find(&w("repository ls")).unwrap().0.unwrap().name(),
            "repo ls"
        );
        let (c, g, used) = find(&w("manifest")).unwrap();
        assert!(c.is_none() && g.as_deref() == Some("manifest") && used == 1);
        let (c, g, used) = find(&w("manifest index --help")).unwrap();
        assert!(c.is_none() && g.as_deref() == Some("manifest index") && used == 2);
        let (c, _, used) = find(&w("manifest index pack r s")).unwrap();
        assert_eq!(
            (c.unwrap().name(), used),
            ("manifest index create".into(), 3)
        );
        assert_eq!(
            find(&w("manifest index nope")).err().as_deref(),
            Some("manifest index nope")
        );
        assert_eq!(
            group_paths(),
            ["blob", "manifest", "manifest index", "repo", "completion"]
        );
    }
}
