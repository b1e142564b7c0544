//! Requests and responses as the client sends and returns them: bodies
//! (streamed, replayable or not), headers, bounded error bodies parsed into
//! the registry's error entries, and the deadline on metadata reads.

use std::io::Read;
use std::time::{Duration, Instant};

use super::errors::io_kind;
use super::{MAX_ERROR_BODY, url};
use crate::error::{Error, RegistryError, Result};

/// A request body.
pub enum Body<'a> {
    /// No body.
    Empty,
    /// A body in memory; such requests can be retried.
    Bytes(&'a [u8]),
    /// A streamed body of known length; sent once, never retried here.
    Reader(Box<dyn Read + 'a>, u64),
}

/// One HTTP request.
pub struct Request<'a> {
    /// Method, such as `GET`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Headers to send (besides `User-Agent` and `-H` headers).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body<'a>,
}

impl<'a> Request<'a> {
    /// A request without body.
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body<'a>) -> Self {
        self.body = body;
        self
    }

    /// A copy for a retry, if the body allows one.
    pub fn try_clone(&self) -> Option<Request<'a>> {
        let body = match &self.body {
            Body::Empty => Body::Empty,
            Body::Bytes(b) => Body::Bytes(b),
            Body::Reader(..) => return None,
        };
        Some(Request {
            method: self.method,
            url: self.url.clone(),
            headers: self.headers.clone(),
            body,
        })
    }

    pub(super) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }
}

/// A response whose body has not been read yet.
pub struct Response {
    /// Status code.
    pub status: u16,
    /// The URL that answered (after redirects); relative `Location` and
    /// `Link` values resolve against it.
    pub url: String,
    /// The method of the request that was answered.
    pub method: &'static str,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: ureq::Body,
}

impl Response {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn headers_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as a stream. Not limited: callers bound it by the
    /// descriptor's size.
    pub fn into_reader(self) -> Box<dyn Read + Send> {
        Box::new(self.body.into_reader())
    }

    /// Reads the whole body, failing with [`Error::TooLarge`] beyond `limit`
    /// bytes. The size is never taken from a header.
    pub fn read_limited(self, limit: u64, what: &str) -> Result<Vec<u8>> {
        let url = url::strip_query(&self.url).to_string();
        let mut out = Vec::new();
        let mut r = Deadline::new(self.body.into_reader()).take(limit + 1);
        r.read_to_end(&mut out).map_err(|e| {
            let kind = io_kind(&e);
            Error::transport(url, kind, format!("reading {what}: {e}"), Some(Box::new(e)))
        })?;
        if out.len() as u64 > limit {
            return Err(Error::TooLarge {
                what: what.to_string(),
                limit,
            });
        }
        Ok(out)
    }

    /// Reads at most `limit` bytes of the body, silently dropping the rest
    /// (for error bodies). Read errors give what arrived so far.
    pub fn read_truncated(self, limit: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = Deadline::new(self.body.into_reader())
            .take(limit)
            .read_to_end(&mut out);
        out
    }

    /// Reads and discards a small body so that the connection can be
    /// reused; a large body is dropped with its connection instead.
    pub fn discard(self) {
        let _ = self.read_truncated(64 * 1024);
    }

    /// Turns an error response into [`Error::Registry`], parsing the
    /// distribution spec's `{"errors":[{"code","message","detail"}]}` from
    /// at most [`MAX_ERROR_BODY`] bytes. Any other body (plain text, HTML)
    /// leaves the error list empty.
    pub fn into_error(self) -> Error {
        let a = self.into_answer();
        Error::Registry {
            method: a.method,
            url: a.url,
            status: a.status,
            errors: a.errors,
        }
    }

    /// The request, status and error entries of an error response, as
    /// [`Response::into_error`] reads them.
    pub fn into_answer(self) -> crate::error::Answer {
        let method = self.method.to_string();
        let url = url::strip_query(&self.url).to_string();
        let status = self.status;
        let body = self.read_truncated(MAX_ERROR_BODY);
        crate::error::Answer {
            method,
            url,
            status,
            errors: parse_error_body(&body),
        }
    }
}

/// Parses a registry error body; empty when it is not one.
pub fn parse_error_body(body: &[u8]) -> Vec<RegistryError> {
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        detail: Option<serde_json::Value>,
    }
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        errors: Vec<Entry>,
    }
    let Ok(b) = serde_json::from_slice::<Body>(body) else {
        return Vec::new();
    };
    b.errors
        .into_iter()
        .map(|e| RegistryError {
            code: e.code,
            message: e.message,
            detail: e.detail.filter(|d| !d.is_null()).map(|d| match d {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }),
        })
        .collect()
}

/// The longest a bounded read (a manifest, a token, an error body) may
/// take in all: a server trickling one byte per stall timeout cannot keep
/// the client forever. Blob streams have no such deadline.
pub const METADATA_DEADLINE: Duration = Duration::from_secs(300);

/// Fails a read that starts after [`METADATA_DEADLINE`].
struct Deadline<R> {
    inner: R,
    until: Instant,
}

impl<R: Read> Deadline<R> {
    fn new(inner: R) -> Self {
        Deadline {
            inner,
            until: Instant::now() + METADATA_DEADLINE,
        }
    }
}

impl<R: Read> Read for Deadline<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if Instant::now() > self.until {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the response took longer than 300 s to arrive",
            ));
        }
        self.inner.read(buf)
    }
}
