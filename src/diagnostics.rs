//! What the library tells a person while it works, apart from results and
//! errors: registry warnings, notes on retries and resumes, and (when
//! asked for) every HTTP request and response with its secrets masked.
//!
//! The library prints nothing itself. A caller installs one hook (a
//! [`Diagnostics`] implementation, or any `Fn(&Diagnostic)` closure) in
//! [`crate::http::HttpOptions`] or a file store's options, and decides what
//! to show and where; without a hook everything is dropped.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// One thing worth telling.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Diagnostic<'a> {
    /// A registry warning (`Warning: 299 - "text"`), reported once per
    /// text and registry, as the distribution spec asks.
    Warning(&'a str),
    /// A note for a person who asked for detail: a retry and why, a
    /// resumed transfer, a fallback.
    Note(&'a str),
    /// A note for debugging only (a redirect followed).
    Debug(&'a str),
    /// A download stopped (interrupted, a lost connection, a full disk)
    /// and what it had received is kept on disk: the same download run
    /// again resumes from there.
    Kept {
        /// The file being downloaded, as its caller named it.
        path: &'a std::path::Path,
        /// Bytes kept.
        kept: u64,
        /// Bytes of the whole content.
        size: u64,
    },
    /// An HTTP request about to be sent. Credentials, cookies, headers
    /// named like secrets and query values that may be secret are masked.
    Request {
        /// Numbers the requests of this process from 0, pairing each with
        /// its response.
        id: u64,
        /// The method.
        method: &'a str,
        /// The URL, masked.
        url: &'a str,
        /// The headers, masked.
        headers: &'a [(String, String)],
    },
    /// The head of the response to request `id`.
    Response {
        /// The request's number.
        id: u64,
        /// The status code.
        status: u16,
        /// The headers, masked.
        headers: &'a [(String, String)],
        /// Time from sending the request to the response head.
        elapsed: Duration,
    },
}

/// Receives diagnostics. Called from whatever thread did the work.
pub trait Diagnostics: Send + Sync {
    /// One diagnostic.
    fn report(&self, diagnostic: &Diagnostic<'_>);

    /// Whether [`Diagnostic::Request`] and [`Diagnostic::Response`] are
    /// wanted; masking every header costs a little, so they are only made
    /// when asked for.
    fn wants_http(&self) -> bool {
        false
    }
}

/// A time as log entries stamp it: RFC 3339 in UTC with whole seconds
/// (`2025-06-05T04:31:39Z`), as Go's `time.RFC3339` writes a UTC time.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(1_749_097_899);
/// assert_eq!(oar::diagnostics::timestamp(t), "2025-06-05T04:31:39Z");
/// ```
pub fn timestamp(t: SystemTime) -> String {
    crate::timefmt::rfc3339_utc(t)
}

impl<F: Fn(&Diagnostic<'_>) + Send + Sync> Diagnostics for F {
    fn report(&self, diagnostic: &Diagnostic<'_>) {
        self(diagnostic)
    }
}

/// An installed hook, or none: cheap to clone and to share.
#[derive(Clone, Default)]
pub struct Hook(Option<Arc<dyn Diagnostics>>);

impl Hook {
    /// A hook calling `d`.
    pub fn new(d: impl Diagnostics + 'static) -> Hook {
        Hook(Some(Arc::new(d)))
    }

    /// Reports `diagnostic`, if a hook is installed.
    pub fn report(&self, diagnostic: &Diagnostic<'_>) {
        if let Some(h) = &self.0 {
            h.report(diagnostic);
        }
    }

    /// Reports a warning.
    pub fn warning(&self, text: &str) {
        self.report(&Diagnostic::Warning(text));
    }

    /// Reports a note.
    pub fn note(&self, text: &str) {
        self.report(&Diagnostic::Note(text));
    }

    /// Reports a debugging note.
    pub fn debug(&self, text: &str) {
        self.report(&Diagnostic::Debug(text));
    }

    /// Whether HTTP traffic is wanted.
    pub fn wants_http(&self) -> bool {
        self.0.as_ref().is_some_and(|h| h.wants_http())
    }
}

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Hook(installed)"
        } else {
            "Hook(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn closures_are_hooks() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = Arc::clone(&seen);
        let hook = Hook::new(move |d: &Diagnostic<'_>| {
            if let Diagnostic::Note(n) = d {
                s.lock().unwrap().push(n.to_string());
            }
        });
        hook.note("resuming");
        hook.warning("ignored by this hook");
        assert_eq!(*seen.lock().unwrap(), ["resuming"]);
        assert!(!hook.wants_http());
        Hook::default().note("nobody listens");
    }
}
