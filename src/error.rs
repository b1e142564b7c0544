//! The one error type of the library.
//!
//! Every fallible function returns [`Result`]. Messages are short, lowercase
//! and on one line, so the command line can print them as `Error: <msg>`.
//! Variants carry enough structure for a caller to react (a missing manifest,
//! a digest mismatch, a registry's error codes) without parsing strings.

use std::fmt;
use std::io;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One entry of a registry's `{"errors":[…]}` body (distribution spec,
/// "Error Codes").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError {
    /// The upper-case code, such as `MANIFEST_UNKNOWN`.
    pub code: String,
    /// The human message.
    pub message: String,
    /// The `detail` value rendered as compact JSON, when present.
    pub detail: Option<String>,
}

impl fmt::Display for RegistryError {
    /// Renders `manifest unknown: message[: detail]`, the shape oras prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.replace('_', " ").to_lowercase();
        match (&self.message, &self.detail) {
            (m, _) if m.is_empty() => write!(f, "{code}"),
            (m, None) => write!(f, "{code}: {m}"),
            (m, Some(d)) => write!(f, "{code}: {m}: {d}"),
        }
    }
}

/// Everything that can go wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The command line is malformed: unknown flag, missing argument,
    /// conflicting flags. The command-line tool exits with code 2.
    Usage(String),
    /// A reference such as `host/repo:tag@digest` does not parse.
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A digest string is malformed or uses an unsupported algorithm.
    InvalidDigest(String),
    /// Content does not hash to the digest it was fetched or pushed under.
    DigestMismatch {
        /// The digest that was asked for.
        expected: String,
        /// The digest of the bytes that arrived.
        actual: String,
    },
    /// Content is not as long as its descriptor says.
    SizeMismatch {
        /// The size in the descriptor.
        expected: u64,
        /// The size seen (or a lower bound, when there were too many bytes).
        actual: u64,
    },
    /// A manifest, blob or tag does not exist.
    NotFound(String),
    /// The registry answered with an error status.
    Registry {
        /// HTTP method of the failed request.
        method: String,
        /// URL of the failed request, with any query string removed.
        url: String,
        /// HTTP status code.
        status: u16,
        /// Parsed error entries; empty when the body had none.
        errors: Vec<RegistryError>,
    },
    /// The registry refused the credentials, or none were given.
    Unauthorized(String),
    /// The network failed: connection refused, name not found, timeout,
    /// TLS handshake or certificate problems.
    Transport {
        /// The URL (without query string) that could not be reached.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A response or document broke the protocol: a missing header, a bad
    /// `Location`, malformed JSON.
    Protocol(String),
    /// A response or file was larger than the limit set for it.
    TooLarge {
        /// What was being read.
        what: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A path would be written outside the directory it belongs to, or
    /// names something unsafe (a device, a link that escapes).
    PathTraversal(String),
    /// A file exists and overwriting it was not allowed.
    AlreadyExists(String),
    /// A feature the other side or this build does not support.
    Unsupported(String),
    /// A local file or stream operation failed.
    Io {
        /// What was being done, usually naming the path.
        context: String,
        /// The underlying error.
        source: io::Error,
    },
    /// The credential store or a credential helper failed.
    Credentials(String),
    /// The operation was interrupted (Ctrl-C).
    Interrupted,
    /// Anything else, with its message.
    Other(String),
}

impl Error {
    /// Wraps an I/O error with a short description of what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A usage error (exit code 2 in the command-line tool).
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// An error with a free-form message.
    pub fn other(msg: impl Into<String>) -> Self {
        Error::Other(msg.into())
    }

    /// True when the error means "this does not exist" (a 404, or a missing
    /// entry in a local store).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::NotFound(_) => true,
            Error::Registry { status, .. } => *status == 404,
            _ => false,
        }
    }

    /// True for a registry error with this status code.
    pub fn has_status(&self, code: u16) -> bool {
        matches!(self, Error::Registry { status, .. } if *status == code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m}"),
            Error::InvalidReference { reference, reason } => {
                write!(f, "invalid reference {reference:?}: {reason}")
            }
            Error::InvalidDigest(m) => write!(f, "invalid digest: {m}"),
            Error::DigestMismatch { expected, actual } => {
                write!(f, "digest mismatch: expected {expected}, got {actual}")
            }
            Error::SizeMismatch { expected, actual } => {
                write!(f, "size mismatch: expected {expected} bytes, got {actual}")
            }
            Error::NotFound(what) => write!(f, "{what}: not found"),
            Error::Registry {
                method,
                url,
                status,
                errors,
            } => {
                write!(f, "Error response from registry: ")?;
                if errors.is_empty() {
                    write!(f, "{method} {url:?}: response status code {status}")
                } else {
                    let joined: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                    write!(f, "{}", joined.join("; "))
                }
            }
            Error::Unauthorized(m) => write!(f, "{m}"),
            Error::Transport { url, message } => write!(f, "{url}: {message}"),
            Error::Protocol(m) => write!(f, "{m}"),
            Error::TooLarge { what, limit } => {
                write!(f, "{what} exceeds the limit of {limit} bytes")
            }
            Error::PathTraversal(m) => write!(f, "{m}"),
            Error::AlreadyExists(m) => write!(f, "{m}"),
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::Io { context, source } => write!(f, "{context}: {}", io_message(source)),
            Error::Credentials(m) => write!(f, "{m}"),
            Error::Interrupted => write!(f, "interrupted"),
            Error::Other(m) => write!(f, "{m}"),
        }
    }
}

/// An I/O error's message without Rust's ` (os error N)` suffix, which
/// says nothing to a user.
fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<Error> for io::Error {
    /// Lets a verifying reader report a mismatch through `io::Read`; the
    /// original error is kept and recovered by [`Error::from_io`].
    fn from(e: Error) -> Self {
        io::Error::other(e)
    }
}

impl Error {
    /// Recovers an [`Error`] that travelled inside an `io::Error` (from a
    /// verifying reader), or wraps a plain I/O error with `context`.
    pub fn from_io(context: impl Into<String>, e: io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            if let Ok(inner) = e.into_inner().expect("checked").downcast::<Error>() {
                return *inner;
            }
            unreachable!("checked the type above");
        }
        if e.kind() == io::ErrorKind::Interrupted {
            return Error::Interrupted;
        }
        Error::io(context, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_error_renders_like_oras() {
        let e = RegistryError {
            code: "MANIFEST_UNKNOWN".into(),
            message: "manifest unknown".into(),
            detail: None,
        };
        assert_eq!(e.to_string(), "manifest unknown: manifest unknown");
        let all = Error::Registry {
            method: "GET".into(),
            url: "http://x/v2/".into(),
            status: 404,
            errors: vec![e.clone(), e],
        };
        assert_eq!(
            all.to_string(),
            "Error response from registry: manifest unknown: manifest unknown; manifest unknown: manifest unknown"
        );
        assert!(all.is_not_found());
    }

    #[test]
    fn error_survives_a_trip_through_io_error() {
        let e: io::Error = Error::SizeMismatch {
            expected: 3,
            actual: 4,
        }
        .into();
        match Error::from_io("reading", e) {
            Error::SizeMismatch { expected, actual } => assert_eq!((expected, actual), (3, 4)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn error_enum_stays_small() {
        // Results are returned everywhere; keep them cheap to move.
        assert!(std::mem::size_of::<Error>() <= 104);
    }
}
