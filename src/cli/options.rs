//! From parsed flags to real objects: transport options, credentials and
//! the target a command works on (a registry repository or an OCI image
//! layout). Flags of the remote and target groups may carry a prefix
//! (`from-`, `to-`) when a command has two targets.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use super::args::Args;
use super::commands::Command;
use super::output::Printer;
use crate::cli::error::{Error, Result};
use oar::archive::ExtractLimits;
use oar::content::Target;
use oar::content::cache::Cached;
use oar::content::files::FileStoreOptions;
use oar::content::layout::OciLayout;
use oar::content::tarlayout::TarLayout;
use oar::credentials::{self, Credential, CredentialSource, StaticCredential};
use oar::diagnostics::Hook;
use oar::http::{HttpOptions, ResolveEntry};
use oar::ops::push::DirectoryOptions;
use oar::reference::Reference;
use oar::registry::{Registry, RegistryOptions, Repository, UploadOptions};

/// `--debug` and `--verbose`.
pub fn debug(args: &Args) -> bool {
    args.flag("debug")
}

/// `-v/--verbose` given (deprecated): oar's notes of retries and resumes,
/// and discover's detail.
pub fn verbose(args: &Args) -> bool {
    args.flag("verbose")
}

/// Whether status lines show unnamed content (configs, manifests, the
/// empty blob) by their media type: yes, as in oras 1.3, unless
/// `--verbose=false` says no.
pub fn unnamed(args: &Args) -> bool {
    !args.is_set("verbose") || args.flag("verbose")
}

fn name(prefix: &str, flag: &str) -> String {
    if prefix.is_empty() {
        flag.to_string()
    } else {
        format!("{prefix}-{flag}")
    }
}

/// `--[prefix-]plain-http`: `None` when not given, so a `localhost`
/// registry gets HTTP unless `--plain-http=false` asks for HTTPS.
pub fn plain_http(args: &Args, prefix: &str) -> Option<bool> {
    let flag = name(prefix, "plain-http");
    args.is_set(&flag).then(|| args.flag(&flag))
}

/// Whether to draw live progress: stderr is a terminal, and neither
/// `--no-tty` nor `--debug` (whose trace would tear the drawing) was given,
/// as oras decides.
pub fn tty(args: &Args) -> bool {
    use std::io::IsTerminal;
    !args.flag("no-tty") && !debug(args) && std::io::stderr().is_terminal()
}

/// Transport settings from the remote flags.
pub fn http_options(args: &Args, prefix: &str) -> Result<HttpOptions> {
    let f = |n: &str| name(prefix, n);
    let mut headers = Vec::new();
    for h in args.values(&f("header")) {
        let (k, v) = h
            .split_once(':')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| Error::usage(format!("invalid header: {h:?}")))?;
        // The value is kept as given (`-H "A: b"` sends " b"), as oras
        // keeps it; HTTP drops the leading space on the wire.
        headers.push((k.trim().to_string(), v.to_string()));
    }
    let mut resolve = Vec::new();
    let parse = |r: &str| {
        ResolveEntry::parse(r)
            .map_err(|e| Error::usage(format!("failed to parse resolve flag {r:?}: {e}")))
    };
    for r in args.values(&f("resolve")) {
        resolve.push(parse(r)?);
    }
    // The unprefixed --resolve of a two-target command applies to both.
    if !prefix.is_empty() {
        for r in args.values("resolve") {
            resolve.push(parse(r)?);
        }
    }
    let cert = args.value(&f("cert-file"));
    let key = args.value(&f("key-file"));
    let client_cert = match (cert, key) {
        (Some(c), Some(k)) => Some((PathBuf::from(c), PathBuf::from(k))),
        (None, None) => None,
        (Some(_), None) => {
            return Err(Error::usage(format!(
                "--{} must be used in conjunction with --{}",
                f("cert-file"),
                f("key-file")
            )));
        }
        (None, Some(_)) => {
            return Err(Error::usage(format!(
                "--{} must be used in conjunction with --{}",
                f("key-file"),
                f("cert-file")
            )));
        }
    };
    let secs = |var: &str, default: Duration| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(default, Duration::from_secs_f64)
    };
    let defaults = HttpOptions::default();
    let mut opts = HttpOptions::default()
        .timeouts(
            secs("OAR_CONNECT_TIMEOUT", defaults.connect_timeout),
            secs("OAR_STALL_TIMEOUT", defaults.stall_timeout),
        )
        .insecure(args.flag(&f("insecure")))
        // What docker and podman trust for a registry, oar trusts too.
        .certs_dirs(oar::http::standard_certs_dirs())
        // Ctrl-C during a transfer stops even a read on a silent link.
        .cancel(oar::cancel::Cancel::from_static(
            super::sys::interrupt_flag(),
        ))
        .diagnostics(diagnostics(args));
    if let Some(ca) = args.value(&f("ca-file")) {
        opts = opts.ca_file(ca);
    }
    if let Some((cert, key)) = client_cert {
        opts = opts.client_cert(cert, key);
    }
    for (k, v) in headers {
        opts = opts.header(k, v);
    }
    for r in resolve {
        opts = opts.resolve(r);
    }
    Ok(opts)
}

/// The diagnostics printer for `--debug` and `--verbose`.
pub fn diagnostics(args: &Args) -> Hook {
    Hook::new(Printer {
        debug: debug(args),
        verbose: verbose(args),
    })
}

/// A number from the environment (the tuning variables `OAR_*`).
fn env_number(var: &str) -> Option<u64> {
    std::env::var(var).ok().and_then(|v| v.parse().ok())
}

/// How pulls write files: the flags, the `OAR_UNPACK_RATIO` budget, and
/// the diagnostics printer.
pub fn file_store_options(args: &Args) -> FileStoreOptions {
    let mut limits = ExtractLimits::default();
    if let Some(ratio) = env_number("OAR_UNPACK_RATIO") {
        limits = limits.ratio(ratio);
    }
    FileStoreOptions::default()
        .allow_path_traversal(args.flag("allow-path-traversal"))
        .keep_old_files(args.flag("keep-old-files"))
        .limits(limits)
        .diagnostics(diagnostics(args))
}

/// How directories are packed: `OAR_GZIP_LEVEL` (0 to 9, default 1).
pub fn directory_options() -> DirectoryOptions {
    match env_number("OAR_GZIP_LEVEL").filter(|l| *l <= 9) {
        Some(level) => DirectoryOptions::default().gzip_level(level as u32),
        None => DirectoryOptions::default(),
    }
}

/// Reads a secret from standard input, without its trailing newline.
fn read_stdin_secret(what: &str) -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut s)
        .map_err(|e| Error::io(format!("reading {what} from stdin"), e))?;
    let s = s.trim_end_matches(['\n', '\r']).to_string();
    if s.is_empty() {
        return Err(Error::usage(format!(
            "{what} required from stdin, but none was given"
        )));
    }
    Ok(s)
}

/// The credential given on the command line, if any, after the checks
/// oras makes (mutually exclusive flags, the insecure-password warning).
pub fn flag_credential(args: &Args, prefix: &str) -> Result<Option<Credential>> {
    let f = |n: &str| name(prefix, n);
    let user = args.value(&f("username")).unwrap_or("");
    let password = args.value(&f("password"));
    let token = args.value(&f("identity-token"));
    let pw_stdin = args.flag(&f("password-stdin"));
    let tok_stdin = args.flag(&f("identity-token-stdin"));
    let exclusive = |names: &[(&str, bool)]| -> Result<()> {
        let set: Vec<String> = names
            .iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| format!("--{}", f(n)))
            .collect();
        if set.len() >= 2 {
            return Err(Error::usage(format!(
                "{} cannot be used at the same time",
                set.join(", ")
            )));
        }
        Ok(())
    };
    exclusive(&[
        ("username", !user.is_empty()),
        ("identity-token", token.is_some()),
        ("identity-token-stdin", tok_stdin),
    ])?;
    exclusive(&[
        ("password", password.is_some()),
        ("identity-token", token.is_some()),
        ("password-stdin", pw_stdin),
        ("identity-token-stdin", tok_stdin),
    ])?;
    if token.is_some() {
        eprintln!(
            "WARNING! Using --identity-token via the CLI is insecure. Use --identity-token-stdin."
        );
    } else if password.is_some() {
        eprintln!("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
    }
    if let Some(t) = token {
        return Ok(Some(Credential {
            refresh_token: t.to_string(),
            ..Credential::default()
        }));
    }
    if tok_stdin {
        return Ok(Some(Credential {
            refresh_token: read_stdin_secret("identity token")?,
            ..Credential::default()
        }));
    }
    let password = match (password, pw_stdin) {
        (Some(p), _) => Some(p.to_string()),
        (None, true) => Some(read_stdin_secret("password")?),
        (None, false) => None,
    };
    Ok(match password {
        Some(p) => Some(Credential::from_flags(user, &p)),
        None if !user.is_empty() => Some(Credential::basic(user, "")),
        None => None,
    })
}

/// Where credentials come from: the flags if given, else the docker config
/// files (`--registry-config`, `$DOCKER_CONFIG`, `~/.docker`) and helpers.
pub fn credential_source(args: &Args, prefix: &str) -> Result<Box<dyn CredentialSource>> {
    if let Some(c) = flag_credential(args, prefix)? {
        return Ok(Box::new(StaticCredential(c)));
    }
    Ok(Box::new(credentials::store::Store::from_paths(
        &registry_configs(args, prefix),
    )?))
}

/// `--registry-config` paths, in order.
pub fn registry_configs(args: &Args, prefix: &str) -> Vec<PathBuf> {
    args.values(&name(prefix, "registry-config"))
        .iter()
        .map(PathBuf::from)
        .collect()
}

/// Splits `name:t1,t2,t3` into the reference (`name:t1`) and the extra tags,
/// checking each extra tag.
pub fn split_tags(arg: &str) -> Result<(String, Vec<String>)> {
    let mut names = arg.split(',');
    let raw = names.next().unwrap_or_default().to_string();
    let extra: Vec<String> = names.map(str::to_string).collect();
    check_tags(&extra).map_err(|e| Error::usage(format!("{e} in {arg:?}")))?;
    Ok((raw, extra))
}

/// Refuses any tag outside the tag grammar.
pub fn check_tags(tags: &[String]) -> Result<()> {
    match tags.iter().find(|t| !oar::reference::is_valid_tag(t)) {
        Some(t) => Err(Error::usage(format!("invalid tag {t:?}"))),
        None => Ok(()),
    }
}

/// Refuses a value outside its flag's choices (the flag table's), in
/// pflag's and oras's words: checked when the command line is parsed,
/// before any file or network is touched, as pflag does. Flags whose
/// command checks the value itself are left to it.
pub fn check_choices(args: &Args) -> Result<()> {
    for spec in crate::cli::args::specs(args.cmd) {
        let Some(c) = spec.choices.filter(|c| !c.what.is_empty()) else {
            continue;
        };
        let long = &spec.long;
        if let Some(v) = args.value(long).filter(|v| !c.values.contains(v)) {
            return Err(Error::usage(format!(
                "invalid argument {v:?} for \"--{long}\" flag: unknown {} flag: {v}",
                c.what
            ))
            .recommend(format!("Available options: {}", c.values.join(", "))));
        }
    }
    Ok(())
}

/// Refuses reading a file from stdin (`-`) when a secret comes from stdin
/// too; checked before anything reads stdin.
pub fn check_stdin_conflict(args: &Args, file: &str) -> Result<()> {
    if file != "-" {
        return Ok(());
    }
    if args.flag("password-stdin") {
        return Err(Error::usage(
            "`-` read file from input and `--password-stdin` read password from input cannot be both used",
        ));
    }
    if args.flag("identity-token-stdin") {
        return Err(Error::usage(
            "`-` read file from input and `--identity-token-stdin` read identity token from input cannot be both used",
        ));
    }
    Ok(())
}

/// Where a command's reference points.
#[derive(Debug, Clone)]
pub struct TargetRef {
    /// The reference as typed (without extra `,tags`).
    pub raw: String,
    /// True for an OCI image layout.
    pub layout: bool,
    /// Tag or digest, if given.
    pub selector: Option<String>,
    /// `registry/repository`, or the layout directory: the name oras
    /// prints in JSON results.
    pub path: String,
}

impl TargetRef {
    /// `[registry] raw` or `[oci-layout] raw`, as oras prints targets.
    pub fn annotated(&self) -> String {
        format!(
            "[{}] {}",
            if self.layout {
                "oci-layout"
            } else {
                "registry"
            },
            self.raw
        )
    }

    /// The selector (a digest when `tag_ok` is false), or oras's usage
    /// error naming the forms `cmd` accepts.
    pub fn require_selector(&self, cmd: &Command, tag_ok: bool) -> Result<&str> {
        self.selector
            .as_deref()
            .filter(|s| !s.is_empty() && (tag_ok || is_digest(s)))
            .ok_or_else(|| {
                let (what, form) = if tag_ok {
                    (
                        "no tag or digest specified",
                        "\"<name>:<tag>\" or \"<name>@<digest>\"",
                    )
                } else {
                    ("no digest specified", "\"<name>@<digest>\"")
                };
                Error::usage(format!("\"{}\": {what}", self.raw))
                    .with_usage(cmd)
                    .recommend(format!(
                        "Please specify a reference in the form of {form}. Run \"{} {} -h\" for more options and examples",
                        super::program(),
                        cmd.name()
                    ))
            })
    }
}

/// Splits an OCI layout reference `DIR[:tag|@digest]`.
/// Splits an OCI layout reference `DIR[:tag|@digest]` as oras does: at
/// the last `@`, else at the last `:`. Layout tags are not held to the
/// registry tag grammar (oras takes `dir:my tag`); an empty tag (`dir:`)
/// is no tag.
pub fn parse_layout_ref(raw: &str) -> Result<(String, Option<String>)> {
    let (path, sel) = if let Some((p, d)) = raw.rsplit_once('@') {
        oar::digest::Digest::parse(d)?;
        (p, Some(d.to_string()))
    } else if let Some((p, t)) = raw.rsplit_once(':') {
        (p, Some(t.to_string()).filter(|t| !t.is_empty()))
    } else {
        (raw, None)
    };
    if path.is_empty() {
        return Err(Error::usage(format!("found empty file path in {raw:?}")));
    }
    Ok((path.to_string(), sel))
}

/// Whether a tag-or-digest selector is a digest. A layout's tag may hold a
/// colon (`--oci-layout-path DIR host/repo:v1` names that reference), so
/// only a selector that parses as a digest is one.
pub fn is_digest(selector: &str) -> bool {
    oar::digest::Digest::parse(selector).is_ok()
}

/// Whether the target (`prefix` "" or "from"/"to") is an OCI image layout:
/// `--oci-layout` or `--oci-layout-path`.
pub fn is_layout(args: &Args, prefix: &str) -> bool {
    args.shared_flag(&name(prefix, "oci-layout"))
        || args
            .shared_value(&name(prefix, "oci-layout-path"))
            .is_some()
}

/// Opens the target named by `raw`: an OCI layout with `--[prefix-]oci-layout`,
/// else a registry repository. `actions` are the repository actions the
/// command needs, asked for up front so one token serves the command.
pub fn open_target(
    args: &Args,
    prefix: &str,
    raw: &str,
    actions: &[&str],
) -> Result<(Box<dyn Target>, TargetRef)> {
    open_target_with(args, prefix, raw, actions, |_| Ok(()))
}

/// [`open_target`], letting `setup` adjust a registry repository before
/// use (an OCI layout is not passed to it).
pub fn open_target_with(
    args: &Args,
    prefix: &str,
    raw: &str,
    actions: &[&str],
    setup: impl FnOnce(&Repository) -> Result<()>,
) -> Result<(Box<dyn Target>, TargetRef)> {
    let layout_path = args.shared_value(&name(prefix, "oci-layout-path"));
    let layout_flag = args.shared_flag(&name(prefix, "oci-layout"));
    if layout_path.is_some() && layout_flag {
        // Named in oras's order.
        return Err(Error::usage(format!(
            "--{}, --{} cannot be used at the same time",
            name(prefix, "oci-layout-path"),
            name(prefix, "oci-layout")
        )));
    }
    if layout_flag || layout_path.is_some() {
        if args
            .shared_value(&name(prefix, "distribution-spec"))
            .is_some()
        {
            return Err(Error::usage(format!(
                "--{} applies to registries, not to an OCI image layout",
                name(prefix, "distribution-spec")
            )));
        }
        if !args.shared_values(&name(prefix, "header")).is_empty() {
            return Err(Error::usage(
                "custom header flags cannot be used on an OCI image layout target",
            ));
        }
        let (path, selector) = match layout_path {
            // `--oci-layout-path DIR`: the argument is the layout's tag
            // (any `org.opencontainers.image.ref.name`, such as
            // `example.com/foo:v1`) or a digest, taken whole as oras does.
            Some(dir) => (
                dir.to_string(),
                Some(raw.to_string()).filter(|r| !r.is_empty()),
            ),
            None => parse_layout_ref(raw)?,
        };
        // A regular file is a layout packed as a tar archive, read in
        // place (as oras 1.3 tells them apart: by what is on disk).
        let layout: Box<dyn Target> = if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            Box::new(TarLayout::open(&path)?)
        } else {
            Box::new(OciLayout::new(&path))
        };
        return Ok((
            layout,
            TargetRef {
                raw: raw.to_string(),
                layout: true,
                selector,
                path,
            },
        ));
    }
    let r = Reference::parse(raw).map_err(|e| {
        Error::from(e).recommend(
            "Please make sure the provided reference is in the form of <registry>/<repo>[:tag|@digest]",
        )
    })?;
    let repo = open_repository(args, prefix, &r)?;
    repo.hint_actions(actions);
    if let Some(spec) = args.shared_value(&name(prefix, "distribution-spec")) {
        let mode = oar::registry::referrers::ReferrersMode::parse(spec).map_err(|_| {
            Error::usage(format!(
                "unknown distribution specification flag: {spec:?} (expected v1.1-referrers-api or v1.1-referrers-tag)"
            ))
        })?;
        repo.set_referrers_mode(mode);
    }
    setup(&repo)?;
    let target: Box<dyn Target> = match cache_dir(args, prefix) {
        Some(dir) => Box::new(Cached::new(repo, OciLayout::new(dir))),
        None => Box::new(repo),
    };
    Ok((
        target,
        TargetRef {
            raw: raw.to_string(),
            layout: false,
            selector: r.selector(),
            path: r.name(),
        },
    ))
}

/// `ORAS_CACHE`: the blob cache (an OCI image layout) that the commands
/// oras 1.3 reads through it (pull, blob fetch, manifest fetch and
/// fetch-config), and cp's and backup's sources, read a registry through.
/// Local sources are not cached: they are on disk already.
fn cache_dir(args: &Args, prefix: &str) -> Option<PathBuf> {
    let reads = match args.cmd.path {
        ["pull"] | ["backup"] | ["blob", "fetch"] | ["manifest", "fetch" | "fetch-config"] => {
            prefix.is_empty()
        }
        ["cp"] => prefix == "from",
        _ => false,
    };
    std::env::var_os("ORAS_CACHE")
        .filter(|d| reads && !d.is_empty())
        .map(PathBuf::from)
}

/// A registry client for the reference's registry, with the command's
/// transport and credentials.
pub fn open_registry(
    args: &Args,
    prefix: &str,
    registry: &str,
) -> Result<std::sync::Arc<Registry>> {
    let mut upload = UploadOptions::default();
    if let Some(size) = env_number("OAR_CHUNK_SIZE").filter(|s| *s > 0) {
        upload = upload.chunk_size(size);
    }
    // Unfinished uploads are remembered so that a killed push resumes its
    // session.
    if let Some(cache) = dirs::cache_dir() {
        upload = upload.state_dir(cache.join("oar").join("uploads"));
    }
    let mut opts = RegistryOptions::default()
        .plain_http(plain_http(args, prefix))
        .http(http_options(args, prefix)?)
        .upload(upload);
    // Where blobs were seen, so a blob the registry holds in another
    // repository is mounted, not sent again (as skopeo does).
    if let Some(cache) = dirs::cache_dir() {
        opts = opts.blob_locations(std::sync::Arc::new(oar::registry::BlobLocations::new(
            cache.join("oar").join("blob-locations"),
        )));
    }
    Ok(Registry::new(
        registry,
        opts,
        credential_source(args, prefix)?,
    )?)
}

/// The repository of a parsed reference.
pub fn open_repository(
    args: &Args,
    prefix: &str,
    r: &Reference,
) -> Result<oar::registry::Repository> {
    Ok(open_registry(args, prefix, &r.registry)?.repository(&r.repository))
}

/// Checks `--format` against the command's allowed values; returns it.
pub fn format(args: &Args) -> Result<Format> {
    // `discover -o`: the deprecated spelling of `--format`, checked as
    // `--format` is, then held to the three types it had.
    if args.cmd.path == ["discover"] && args.is_set("output") {
        if args.is_set("format") {
            return Err(Error::usage(
                "--format, --output cannot be used at the same time",
            ));
        }
        let flag = args.value("output").unwrap_or("");
        let format = parse_format(args, flag)?;
        if !matches!(format, Format::Named(n) if super::flags::DISCOVER_OUTPUT.values.contains(&n))
        {
            return Err(Error::usage("output type can only be tree, table or json"));
        }
        eprintln!("[DEPRECATED] --output is deprecated, try `--format {flag}` instead");
        return Ok(format);
    }
    parse_format(args, args.value("format").unwrap_or(""))
}

/// `flag` (a `--format` value) checked against the command's formats.
fn parse_format(args: &Args, flag: &str) -> Result<Format> {
    // oras 1.3 warns of the table format before checking anything else.
    if flag == "table" {
        eprintln!("Format \"table\" is deprecated and will be removed in a future release.");
    }
    let allowed = args.cmd.formats;
    let mut template = args.value("template").unwrap_or("").to_string();
    let mut kind = flag.to_string();
    if !template.is_empty() {
        if kind != "go-template" {
            return Err(Error::usage(
                "--template must be used with --format go-template",
            ));
        }
    } else if let Some(t) = flag.strip_prefix("go-template=") {
        kind = "go-template".into();
        template = t.to_string();
    }
    let default = args.cmd.default_format();
    if kind.is_empty() || kind == default {
        // Not given, or the default named: discover draws a tree, the
        // others print text.
        return Ok(match default {
            "tree" => Format::Named("tree"),
            _ => Format::Text,
        });
    }
    if kind == "go-template" && template.is_empty() && allowed.contains(&"go-template") {
        return Err(
            Error::usage("\"go-template\" format specified but no template given")
                .recommend("use `--format go-template=TEMPLATE` to specify the template"),
        );
    }
    match allowed.iter().find(|a| **a == kind) {
        Some(&"go-template") => Ok(Format::Template(template)),
        Some(name) => Ok(Format::Named(name)),
        None => Err(
            Error::usage(format!("invalid format type: {kind:?}")).recommend(format!(
                "supported types: {}",
                args.cmd.format_names().join(", ")
            )),
        ),
    }
}

/// What `--format` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Not given: the command's own text output.
    Text,
    /// `json`, `tree`, `table`.
    Named(&'static str),
    /// `go-template`, with its template.
    Template(String),
}

impl Format {
    /// True when the output is structured (JSON or a template), so status
    /// lines are not printed.
    pub fn is_structured(&self) -> bool {
        matches!(self, Format::Named("json") | Format::Template(_))
    }

    /// Prints `value` as JSON, or through the template (exactly the
    /// template's output, as oras does).
    pub fn print<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        match self {
            Format::Template(t) => {
                let data = serde_json::to_value(value)
                    .map_err(|e| Error::other(format!("encoding the output: {e}")))?;
                let text = super::template::render(t, &data).map_err(Error::other)?;
                super::output::bytes(text.as_bytes())
            }
            _ => super::output::json(value),
        }
    }
}
