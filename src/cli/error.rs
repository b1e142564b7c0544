//! The command line's errors, printed as oras prints them: `Error: <what>`,
//! then, where oras adds them, `Usage: <command line>` and a
//! recommendation line. Errors a registry answered are prefixed
//! `Error response from registry: ` instead. Every failure exits 1, as in
//! oras (a usage error too); Ctrl-C exits 130.
//!
//! The library names no flag; this is where flags are named: library errors
//! get the hint a user needs (the flag to try, the variable to set), and a
//! refused or missing credential gets a line saying so, naming the
//! registry, and how to log in.

use std::fmt;

use super::commands::Command;
use oar::error::{AuthError, Refusal};

/// Shorthand for results of the command line.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What failed.
#[derive(Debug)]
pub enum Kind {
    /// The command line is malformed: unknown flag, missing argument,
    /// conflicting flags, a value that does not parse.
    Usage(String),
    /// The library failed.
    Lib(oar::Error),
}

/// A command-line failure, boxed: results stay small on the happy path.
#[derive(Debug)]
pub struct Error(Box<Detail>);

/// What a command-line failure holds.
#[derive(Debug)]
pub struct Detail {
    /// What failed.
    pub kind: Kind,
    /// `Usage: …` line, when oras prints one.
    usage: Option<String>,
    /// The line after it.
    recommendation: Option<String>,
    /// The registry said so: printed after `Error response from
    /// registry: ` instead of `Error: `.
    registry: bool,
    /// What was being done, before the message (`failed to resolve
    /// digest: …`).
    context: Option<String>,
    /// A first word of its own instead of `Error:` (`Error from
    /// destination registry for "…":`, as oras 1.3 names the side of a
    /// copy that failed).
    prefix: Option<String>,
}

impl std::ops::Deref for Error {
    type Target = Detail;

    fn deref(&self) -> &Detail {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Detail {
        &mut self.0
    }
}

impl Error {
    fn new(kind: Kind) -> Self {
        Error(Box::new(Detail {
            kind,
            usage: None,
            recommendation: None,
            registry: false,
            context: None,
            prefix: None,
        }))
    }

    /// A usage error.
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::new(Kind::Usage(msg.into()))
    }

    /// A failure with a free-form message.
    pub fn other(msg: impl Into<String>) -> Self {
        Error::new(Kind::Lib(oar::Error::other(msg)))
    }

    /// A failed local I/O operation.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::new(Kind::Lib(oar::Error::io(context, source)))
    }

    /// Adds the `Usage: oras <command> <arguments>` line.
    pub fn with_usage(mut self, cmd: &Command) -> Self {
        self.usage = Some(format!("{} {} {}", super::program(), cmd.name(), cmd.usage));
        self
    }

    /// Adds a recommendation line.
    pub fn recommend(mut self, text: impl Into<String>) -> Self {
        self.recommendation = Some(text.into());
        self
    }

    /// Puts `text` before the recommendation line, when there is one.
    pub fn recommend_first(mut self, text: &str) -> Self {
        if let Some(r) = self.recommendation.take() {
            self.recommendation = Some(format!("{text} {r}"));
        }
        self
    }

    /// Puts `context: ` before the message, keeping the usage and
    /// recommendation lines (`unable to add tag for 'x': invalid
    /// reference: …`).
    pub fn wrap(mut self, context: impl std::fmt::Display) -> Self {
        self.context = Some(match self.context.take() {
            Some(inner) => format!("{context}: {inner}"),
            None => context.to_string(),
        });
        self
    }

    /// Marks an error of a registry target: a registry's error answer, or
    /// something it does not have, is printed after `Error response from
    /// registry: `, as oras does.
    pub fn registry_answer(mut self) -> Self {
        self.registry = match &self.kind {
            Kind::Lib(e) => answer_errors(e).is_some() || matches!(e, oar::Error::NotFound { .. }),
            Kind::Usage(_) => false,
        };
        self
    }

    /// Prints `prefix` (followed by a space) instead of `Error:` or
    /// `Error response from registry:`; the message stays as it would be
    /// printed after either.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Marks a registry's error answer only, as oras's commands on a bare
    /// repository (`backup`, `restore`) do: something missing stays an
    /// `Error:`. A mark already set (see [`Error::registry_answer`]) stays.
    pub fn remote_answer(mut self) -> Self {
        if !self.registry {
            self.registry = self.lib().and_then(answer_errors).is_some();
        }
        self
    }

    /// The library error, if it is one.
    pub fn lib(&self) -> Option<&oar::Error> {
        match &self.kind {
            Kind::Lib(e) => Some(e),
            Kind::Usage(_) => None,
        }
    }

    /// The exit code: 130 after Ctrl-C, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Lib(oar::Error::Interrupted) => 130,
            _ if super::sys::interrupted() => 130,
            _ => 1,
        }
    }

    /// Back into a library error, for callbacks the library calls (a
    /// usage error becomes an invalid argument).
    pub fn into_lib(self) -> oar::Error {
        match self.0.kind {
            Kind::Usage(m) => oar::Error::InvalidArgument(m),
            Kind::Lib(e) => e,
        }
    }

    /// True when a write found no space left on its device.
    pub fn is_disk_full(&self) -> bool {
        matches!(&self.kind, Kind::Lib(oar::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::StorageFull)
    }

    /// True for a write to a closed pipe (`oar … | head`): a quiet end.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&self.kind, Kind::Lib(oar::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The whole text as printed on stderr, first line prefixed; the
    /// message (which may quote a registry) has its control characters
    /// escaped, so it stays on its line.
    pub fn report(&self) -> String {
        let answered = self.lib().and_then(answer_errors);
        let (prefix, message) = match answered {
            Some(errors) if self.registry => {
                let text = self.kind_text();
                let rest = text.replacen(oar::error::REGISTRY_ERROR_PREFIX, "", 1);
                let rest = if errors.is_empty() {
                    format!("recognizable error message not found: {rest}")
                } else {
                    rest
                };
                (oar::error::REGISTRY_ERROR_PREFIX, rest)
            }
            _ if self.registry => {
                let text = self.kind_text();
                let rest = text.replacen(oar::error::REGISTRY_ERROR_PREFIX, "", 1);
                (oar::error::REGISTRY_ERROR_PREFIX, rest)
            }
            _ => ("Error: ", self.kind_text()),
        };
        let prefix = match &self.prefix {
            Some(own) => format!("{own} "),
            None => prefix.to_string(),
        };
        let mut out = format!("{prefix}{}", oar::text::escape_controls(&message));
        if let Some(u) = &self.usage {
            out.push_str(&format!("\nUsage: {u}"));
        }
        let advice = match (&self.recommendation, self.lib()) {
            (Some(r), _) => Some(r.clone()),
            (None, Some(oar::Error::Unauthorized(a))) => Some(login_advice(a)),
            (None, _) => None,
        };
        if let Some(r) = advice {
            out.push_str(&format!("\n{r}"));
        }
        out
    }

    fn kind_text(&self) -> String {
        let text = match &self.kind {
            Kind::Usage(m) => m.clone(),
            Kind::Lib(e) => with_hint(e),
        };
        match &self.context {
            Some(c) => format!("{c}: {text}"),
            None => text,
        }
    }
}

impl From<oar::Error> for Error {
    fn from(e: oar::Error) -> Self {
        Error::new(Kind::Lib(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind_text())
    }
}

/// The hint oras prints when a name would leave the output directory.
pub const TRAVERSAL_HINT: &str = "use flag --allow-path-traversal to allow insecurely pulling files outside of working directory";

/// The error entries of a registry's answer (empty when its body had
/// none), for an error that is one: an error status, or a 401 refusing a
/// credential. `None` for anything else.
fn answer_errors(e: &oar::Error) -> Option<&[oar::error::RegistryError]> {
    match e {
        oar::Error::Registry { errors, .. } => Some(errors),
        oar::Error::Unauthorized(a) => match &a.refusal {
            Refusal::Registry(answer) => Some(&answer.errors),
            _ => None,
        },
        _ => None,
    }
}

/// The line after a refused or missing credential: what happened, for
/// which registry, and how to give a credential (`login`, or `-u` with
/// `--password-stdin`). For a missing basic credential it starts with
/// oras's own words, naming the credential files searched.
fn login_advice(a: &AuthError) -> String {
    let registry = &a.registry;
    let how = format!(
        "\"{} login {registry}\", or pass -u with --password-stdin",
        super::program()
    );
    match &a.refusal {
        Refusal::NoCredential { searched } => {
            let quoted: Vec<String> = searched
                .iter()
                .map(|p| format!("{:?}", p.display().to_string()))
                .collect();
            let at = match quoted.as_slice() {
                [] => " ".to_string(),
                [one] => format!(" at {one} "),
                many => format!("s {} ", many.join(", ")),
            };
            format!(
                "Please check whether the registry credential stored in the authentication file{at}is correct; to log in to {registry}, run {how}"
            )
        }
        Refusal::Denied { .. } => format!(
            "The credentials given for {registry} do not allow this; to log in as a user who may, run {how}"
        ),
        _ if a.credential_sent => {
            format!("{registry} refused the credentials given; to log in again, run {how}")
        }
        _ => format!("{registry} requires credentials, and none were given; to log in, run {how}"),
    }
}

/// A library error's message with the command-line advice that fixes it.
fn with_hint(e: &oar::Error) -> String {
    use oar::error::TransportKind;
    match e {
        oar::Error::Transport(t) if t.kind == TransportKind::Certificate => {
            format!("{e} (trust its CA with --ca-file, or skip verification with --insecure)")
        }
        oar::Error::Transport(t) if t.kind == TransportKind::NotTls => {
            format!("{e} (use --plain-http for an HTTP registry)")
        }
        oar::Error::Transport(t) if t.kind == TransportKind::ClientCertificate => {
            format!(
                "{e} (the registry wants a client certificate: give one with --cert-file and --key-file)"
            )
        }
        oar::Error::UnpackLimit { .. } => format!("{e}; set OAR_UNPACK_RATIO to allow more"),
        oar::Error::Archive(a) if a.fault == oar::error::ArchiveFault::ReadOnly => {
            format!("{e}; write to a layout directory, or use backup to write an archive")
        }
        oar::Error::Archive(a) if a.fault == oar::error::ArchiveFault::Rewind => {
            format!("{e}; run the restore again (what is restored stays)")
        }
        oar::Error::OutsideDirectory { .. } => format!("{TRAVERSAL_HINT}: {e}"),
        // oras's words for the registry's 401; the next line says what
        // they mean (see `login_advice`).
        oar::Error::Unauthorized(a) => match &a.refusal {
            Refusal::Registry(answer) => format!("{}{answer}", oar::error::REGISTRY_ERROR_PREFIX),
            _ => e.to_string(),
        },
        _ => e.to_string(),
    }
}
