//! The command line's errors: usage errors (the command line itself is
//! wrong, exit code 2) and the library's errors, to which the command line
//! adds the hint a user needs (the flag to try, the variable to set). The
//! library names no flag; this is where flags are named.

use std::fmt;

/// Shorthand for results of the command line.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A command-line failure.
#[derive(Debug)]
pub enum Error {
    /// The command line is malformed: unknown flag, missing argument,
    /// conflicting flags, a value that does not parse.
    Usage(String),
    /// The library failed.
    Lib(oar::Error),
}

impl Error {
    /// A usage error.
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// A failure with a free-form message.
    pub fn other(msg: impl Into<String>) -> Self {
        Error::Lib(oar::Error::other(msg))
    }

    /// A failed local I/O operation.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Lib(oar::Error::io(context, source))
    }

    /// The exit code: 2 for usage errors (values the library found
    /// malformed included), 130 after Ctrl-C, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Lib(oar::Error::InvalidArgument(_)) => 2,
            Error::Lib(oar::Error::Interrupted) => 130,
            Error::Lib(_) => 1,
        }
    }

    /// Back into a library error, for callbacks the library calls (a
    /// usage error becomes an invalid argument).
    pub fn into_lib(self) -> oar::Error {
        match self {
            Error::Usage(m) => oar::Error::InvalidArgument(m),
            Error::Lib(e) => e,
        }
    }

    /// True for a write to a closed pipe (`oar … | head`): a quiet end.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Lib(oar::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<oar::Error> for Error {
    fn from(e: oar::Error) -> Self {
        Error::Lib(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m}"),
            Error::Lib(e) => write!(f, "{}", with_hint(e)),
        }
    }
}

/// The hint oras prints when a name would leave the output directory.
pub const TRAVERSAL_HINT: &str = "use flag --allow-path-traversal to allow insecurely pulling files outside of working directory";

/// A library error's message with the command-line advice that fixes it.
fn with_hint(e: &oar::Error) -> String {
    use oar::error::TransportKind;
    let program = super::program();
    match e {
        oar::Error::Transport(t) if t.kind == TransportKind::Certificate => {
            format!("{e} (trust its CA with --ca-file, or skip verification with --insecure)")
        }
        oar::Error::Transport(t) if t.kind == TransportKind::NotTls => {
            format!("{e} (use --plain-http for an HTTP registry)")
        }
        oar::Error::AuthenticationRequired { .. } => {
            format!("{e} (check the credentials, or log in with `{program} login`)")
        }
        oar::Error::UnpackLimit { .. } => format!("{e}; set OAR_UNPACK_RATIO to allow more"),
        oar::Error::OutsideDirectory { .. } => format!("{TRAVERSAL_HINT}: {e}"),
        _ => e.to_string(),
    }
}
