//! The one error type of the library.
//!
//! Every fallible function returns [`Result`]. Messages are short, lowercase
//! and on one line, so the command line can print them as `Error: <msg>`.
//! Variants carry enough structure for a caller to react (a missing manifest,
//! a digest mismatch, a registry's error codes) without parsing strings.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// How registry error answers start, in messages: `Error response from
/// registry: manifest unknown: …`.
pub const REGISTRY_ERROR_PREFIX: &str = "Error response from registry: ";

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

/// An HTTP error answer: the request, its status, and the error entries
/// of its body. Displayed as oras shows a registry's answer: the entries
/// (`unauthorized: authentication required`), or, when the body held none,
/// `HEAD "<url>": response status code 401: Unauthorized`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP method of the failed request.
    pub method: String,
    /// URL of the failed request, with any query string removed.
    pub url: String,
    /// HTTP status code.
    pub status: u16,
    /// Parsed error entries; empty when the body had none.
    pub errors: Vec<RegistryError>,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_answer(f, &self.method, &self.url, self.status, &self.errors)
    }
}

/// The text of an error answer, shared by [`Answer`] and
/// [`Error::Registry`].
fn write_answer(
    f: &mut fmt::Formatter<'_>,
    method: &str,
    url: &str,
    status: u16,
    errors: &[RegistryError],
) -> fmt::Result {
    if errors.is_empty() {
        return write!(
            f,
            "{method} {url:?}: response status code {status}: {}",
            status_text(status)
        );
    }
    let joined: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    write!(f, "{}", joined.join("; "))
}

/// A credential a registry refused, or asked for and was not given: the
/// one kind of error for both basic authentication and the token flow
/// (see [`Error::Unauthorized`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// The registry, as written in references (`host[:port]`).
    pub registry: String,
    /// True when a credential was sent and refused; false when there was
    /// none to send (the request, or the token asked for, was anonymous).
    pub credential_sent: bool,
    /// Who refused, and in which words.
    pub refusal: Refusal,
}

/// Who refused a request for want of a good credential, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The registry asked for basic authentication, and the credential
    /// source had no credential for it; nothing was sent.
    NoCredential {
        /// The credential files the source looked in (empty for a source
        /// without files).
        searched: Vec<PathBuf>,
    },
    /// The registry answered 401 to the request, with these words.
    Registry(Answer),
    /// The token service would not issue a token (it answered 401 or
    /// 403), with these words.
    TokenService(Answer),
    /// A token was issued but does not grant what the request needs: the
    /// account may not do this.
    Denied {
        /// The scope the registry asked for (`repository:name:push`).
        scope: String,
    },
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let registry = &self.registry;
        match &self.refusal {
            Refusal::NoCredential { .. } => {
                write!(f, "basic credential not found for {registry}")
            }
            Refusal::Registry(a) if self.credential_sent => {
                write!(f, "{registry} refused the credentials: {a}")
            }
            Refusal::Registry(a) => {
                write!(
                    f,
                    "{registry} requires credentials, and none were given: {a}"
                )
            }
            Refusal::TokenService(a) => write!(
                f,
                "the token service {} refused {} for {registry}: {a}",
                a.url,
                if self.credential_sent {
                    "the credentials"
                } else {
                    "an anonymous token"
                }
            ),
            Refusal::Denied { scope } => write!(
                f,
                "denied: requested access to the resource is denied (the credentials for {registry} do not grant {scope})"
            ),
        }
    }
}

/// What a [`Error::NotFound`] did not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// A manifest or index, by tag or digest.
    Manifest,
    /// A blob, by digest.
    Blob,
    /// A repository.
    Repository,
    /// A tag.
    Tag,
    /// An index entry for a platform, or a manifest's platform.
    Platform,
    /// Content of unknown kind (a store that keeps everything alike).
    Content,
}

/// Why a network request failed, for callers that react to it (retries,
/// hints) without reading messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// Nothing listens there.
    ConnectionRefused,
    /// The peer reset or aborted the connection.
    ConnectionReset,
    /// No answer in time, or a stream went silent.
    TimedOut,
    /// The connection ended in the middle of a message.
    UnexpectedEof,
    /// The host name does not resolve.
    HostNotFound,
    /// No connection could be made (for another reason).
    ConnectionFailed,
    /// The server's certificate was refused (unknown authority, expired,
    /// another host's, malformed).
    Certificate,
    /// The server does not speak TLS: an HTTP registry reached over HTTPS.
    NotTls,
    /// The server refused the connection for want of an acceptable client
    /// certificate (mutual TLS).
    ClientCertificate,
    /// Another TLS failure.
    Tls,
    /// The answer was not valid HTTP.
    Protocol,
    /// Anything else.
    Other,
}

impl TransportKind {
    /// True for failures that a new attempt may cure. A refused connection
    /// is not one: a registry that is down should fail fast.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            TransportKind::ConnectionReset
                | TransportKind::TimedOut
                | TransportKind::UnexpectedEof
                | TransportKind::ConnectionFailed
        )
    }
}

/// A failed network request (boxed in [`Error::Transport`] to keep
/// results small).
#[derive(Debug)]
pub struct TransportError {
    /// The URL (without query string) that could not be reached.
    pub url: String,
    /// What kind of failure it was.
    pub kind: TransportKind,
    /// What went wrong, in words.
    pub message: String,
    /// The underlying error, when there is one.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// Everything that can go wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A value given by the caller is malformed: a tag, a platform, a name
    /// override, an annotation.
    InvalidArgument(String),
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
    /// A manifest, blob, repository or tag does not exist.
    NotFound {
        /// What kind of thing.
        missing: Missing,
        /// The reference that names it (`host/repo:tag`, `layout@digest`,
        /// a platform).
        reference: String,
    },
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
    /// A credential was refused, or the registry asked for one and none
    /// was given: under basic authentication and the token flow alike
    /// (boxed to keep results small). [`Error::is_unauthorized`] tells it.
    Unauthorized(Box<AuthError>),
    /// The registry asked for authentication in the middle of a request
    /// whose body was streamed; new credentials are ready, and the request
    /// may be sent again.
    Reauthenticate,
    /// The network failed: connection refused, name not found, timeout,
    /// TLS handshake or certificate problems.
    Transport(Box<TransportError>),
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
    /// A directory layer would unpack to more than its budget: the larger
    /// of the floor and `ratio` times its compressed size.
    UnpackLimit {
        /// The layer's name.
        layer: String,
        /// Uncompressed bytes allowed per compressed byte.
        ratio: u64,
        /// The budget in bytes.
        limit: u64,
    },
    /// A directory layer holds an entry that would write outside the
    /// directory it is unpacked into, or names something unsafe (a
    /// device, a link that escapes).
    PathTraversal(String),
    /// A file name (a layer's title) that would be written outside the
    /// output directory.
    OutsideDirectory {
        /// The name.
        name: String,
        /// More about why, when there is more to say.
        detail: String,
    },
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
    /// An observer stopped the transfer; what was written so far is kept
    /// for a resume.
    Cancelled,
    /// A file or stream that should hold a tar archive (an OCI layout
    /// packed as one) cannot be read as one.
    Archive(Box<ArchiveError>),
    /// Anything else, with its message.
    Other(String),
}

/// Why an archive could not be read, with the archive named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError {
    /// The archive, as its reader names it (a path, `standard input`).
    pub archive: String,
    /// What is wrong with it.
    pub fault: ArchiveFault,
}

/// What is wrong with an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveFault {
    /// It does not start as a tar archive does (the detail says how).
    NotAnArchive(String),
    /// It ends inside a header, at this byte: cut short.
    Truncated {
        /// Where the cut header starts.
        at: u64,
    },
    /// It is an OCI layout packed as a tar archive, which oar reads in
    /// place but never writes.
    ReadOnly,
    /// A blob read from a stream was asked for again from an earlier
    /// byte, which a stream cannot give.
    Rewind,
    /// A header at this byte cannot be read.
    Damaged {
        /// Where the header starts.
        at: u64,
        /// What is wrong with it.
        detail: String,
    },
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = &self.archive;
        match &self.fault {
            ArchiveFault::NotAnArchive(why) => {
                write!(f, "{what} does not look like a tar archive: {why}")
            }
            ArchiveFault::Truncated { at } => write!(
                f,
                "{what} ends inside a header at byte {at}: the archive is truncated"
            ),
            ArchiveFault::ReadOnly => write!(
                f,
                "{what} is an OCI layout in a tar archive, which is read-only"
            ),
            ArchiveFault::Rewind => write!(
                f,
                "a blob read from {what} cannot be read again from an earlier byte"
            ),
            ArchiveFault::Damaged { at, detail } => {
                write!(f, "{what}: the archive is damaged at byte {at}: {detail}")
            }
        }
    }
}

impl Error {
    /// An archive that cannot be read as one.
    pub fn archive(archive: impl Into<String>, fault: ArchiveFault) -> Self {
        Error::Archive(Box::new(ArchiveError {
            archive: archive.into(),
            fault,
        }))
    }
}

impl Error {
    /// Wraps an I/O error with a short description of what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// An invalid argument.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }

    /// An error with a free-form message.
    pub fn other(msg: impl Into<String>) -> Self {
        Error::Other(msg.into())
    }

    /// Something that does not exist.
    pub fn not_found(missing: Missing, reference: impl Into<String>) -> Self {
        Error::NotFound {
            missing,
            reference: reference.into(),
        }
    }

    /// A network failure.
    pub fn transport(
        url: impl Into<String>,
        kind: TransportKind,
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Error::Transport(Box::new(TransportError {
            url: url.into(),
            kind,
            message: message.into(),
            source,
        }))
    }

    /// A refused or missing credential for `registry`.
    pub fn unauthorized(
        registry: impl Into<String>,
        credential_sent: bool,
        refusal: Refusal,
    ) -> Self {
        Error::Unauthorized(Box::new(AuthError {
            registry: registry.into(),
            credential_sent,
            refusal,
        }))
    }

    /// True when the error means "this does not exist": a 404, or a
    /// missing manifest, blob, tag or file in a store.
    ///
    /// ```
    /// use oar::error::{Error, Missing};
    ///
    /// assert!(Error::not_found(Missing::Tag, "localhost:5000/hello:v1").is_not_found());
    /// let answer = Error::Registry {
    ///     method: "GET".into(),
    ///     url: "http://localhost:5000/v2/hello/manifests/v1".into(),
    ///     status: 404,
    ///     errors: vec![],
    /// };
    /// assert!(answer.is_not_found());
    /// assert!(!Error::Cancelled.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::NotFound { .. } => true,
            Error::Registry { status, .. } => *status == 404,
            _ => false,
        }
    }

    /// True when the registry wants a credential it did not get: the one
    /// sent was refused, none was found, or the one sent does not grant
    /// the access asked for. Basic authentication and the token flow
    /// fail alike; the [`AuthError`] inside says which registry, whether
    /// a credential was sent, and the registry's own words.
    ///
    /// ```
    /// use oar::error::{Answer, Error, Refusal};
    ///
    /// let refused = Error::unauthorized(
    ///     "localhost:5000",
    ///     true,
    ///     Refusal::Registry(Answer {
    ///         method: "HEAD".into(),
    ///         url: "http://localhost:5000/v2/hello/manifests/v1".into(),
    ///         status: 401,
    ///         errors: vec![],
    ///     }),
    /// );
    /// assert!(refused.is_unauthorized());
    /// match &refused {
    ///     Error::Unauthorized(a) => {
    ///         assert_eq!(a.registry, "localhost:5000");
    ///         assert!(a.credential_sent);
    ///     }
    ///     _ => unreachable!(),
    /// }
    /// let missing = Error::unauthorized("localhost:5000", false, Refusal::NoCredential { searched: vec![] });
    /// assert_eq!(missing.to_string(), "basic credential not found for localhost:5000");
    /// assert!(!Error::other("boom").is_unauthorized());
    /// ```
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Unauthorized(_))
    }

    /// True for failures that the same request may not meet again: a
    /// network failure other than a refused connection (a reset, a
    /// timeout, a cut), a registry answering 408, 429 or a 5xx other than
    /// 501 and 505, or a token that lapsed during a streamed request.
    /// Refused credentials, missing content and local errors are not
    /// transient.
    ///
    /// ```
    /// use oar::error::{Error, TransportKind};
    ///
    /// let busy = Error::Registry {
    ///     method: "PUT".into(),
    ///     url: "http://localhost:5000/v2/hello/blobs/uploads/1".into(),
    ///     status: 503,
    ///     errors: vec![],
    /// };
    /// assert!(busy.is_transient());
    /// let cut = Error::transport("http://localhost:5000/v2/", TransportKind::ConnectionReset, "connection reset by peer", None);
    /// assert!(cut.is_transient());
    /// let down = Error::transport("http://localhost:5000/v2/", TransportKind::ConnectionRefused, "connection refused", None);
    /// assert!(!down.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(t) => t.kind.is_transient(),
            Error::Reauthenticate => true,
            Error::Registry { status, .. } => crate::http::retryable_status(*status),
            _ => false,
        }
    }

    /// True for a registry error with this status code.
    pub fn has_status(&self, code: u16) -> bool {
        matches!(self, Error::Registry { status, .. } if *status == code)
    }

    /// The kind of network failure, for a transport error.
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match self {
            Error::Transport(t) => Some(t.kind),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(m) => write!(f, "{m}"),
            Error::InvalidReference { reference, reason } => {
                write!(f, "{reference:?}: invalid reference: {reason}")
            }
            Error::InvalidDigest(m) => write!(f, "invalid digest: {m}"),
            Error::DigestMismatch { expected, actual } => {
                write!(f, "digest mismatch: expected {expected}, got {actual}")
            }
            Error::SizeMismatch { expected, actual } => {
                write!(f, "size mismatch: expected {expected} bytes, got {actual}")
            }
            Error::NotFound { reference, .. } => write!(f, "{reference}: not found"),
            Error::Registry {
                method,
                url,
                status,
                errors,
            } => {
                write!(f, "{REGISTRY_ERROR_PREFIX}")?;
                write_answer(f, method, url, *status, errors)
            }
            Error::Unauthorized(a) => write!(f, "{a}"),
            Error::Reauthenticate => write!(
                f,
                "the registry asked for authentication during a streamed request"
            ),
            Error::Transport(t) => write!(f, "{}: {}", t.url, t.message),
            Error::Protocol(m) => write!(f, "{m}"),
            Error::TooLarge { what, limit } => {
                write!(f, "{what} exceeds the limit of {limit} bytes")
            }
            Error::UnpackLimit {
                layer,
                ratio,
                limit,
            } => write!(
                f,
                "directory layer {layer} (unpacked content; a compression ratio over {ratio}:1) exceeds the limit of {limit} bytes"
            ),
            Error::PathTraversal(m) => write!(f, "{m}"),
            Error::OutsideDirectory { name, detail } => {
                write!(f, "{name}: path traversal disallowed{detail}")
            }
            Error::AlreadyExists(m) => write!(f, "{m}"),
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::Io { context, source } => write!(f, "{context}: {}", io_message(source)),
            Error::Credentials(m) => write!(f, "{m}"),
            Error::Interrupted => write!(f, "interrupted"),
            Error::Cancelled => write!(f, "cancelled"),
            Error::Archive(a) => a.fmt(f),
            Error::Other(m) => write!(f, "{m}"),
        }
    }
}

/// The reason phrase of an HTTP status, as Go's `http.StatusText` gives it.
pub fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        416 => "Requested Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// An I/O error's message without Rust's ` (os error N)` suffix, which
/// says nothing to a user; a system error reads as Go writes it (`no such
/// file or directory`), so scripts matching oras's messages match oar's.
fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    };
    if e.raw_os_error().is_none() {
        return s;
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => s,
    }
}

impl std::error::Error for Error {
    /// The I/O error or the transport's own error (TLS, connection) behind
    /// this one.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Transport(t) => t
                .source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
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

    #[test]
    fn causes_are_kept() {
        use std::error::Error as _;
        let e = Error::transport(
            "http://x/v2/",
            TransportKind::ConnectionReset,
            "connection reset by peer",
            Some(Box::new(io::Error::from(io::ErrorKind::ConnectionReset))),
        );
        assert!(e.source().is_some());
        assert!(e.transport_kind().unwrap().is_transient());
        assert!(!TransportKind::ConnectionRefused.is_transient());
        assert!(
            Error::not_found(Missing::Tag, "r:v1").is_not_found(),
            "a NotFound is not found"
        );
    }
}
