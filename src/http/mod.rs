//! The blocking HTTP layer every registry and token request goes through.
//!
//! It owns what is the same for every request: TLS trust (its own rustls
//! configuration, in `tls.rs`), name overrides, proxies chosen per scheme as Go
//! chooses them ([`Proxies`]), timeouts, retries of
//! replayable requests, the masked request trace sent to the diagnostics
//! hook, and the origin rules. A
//! [`Client`] belongs to one registry origin (its "home"); user headers
//! (`-H`) and the client certificate are sent to that origin only, and
//! `Authorization` is dropped whenever a redirect leaves it. Redirects are
//! followed here, not by ureq, so that these rules hold on every hop.

mod cancelling;
mod connector;
mod proxy;
mod resolve;
mod retry;
mod tls;
mod trace;
pub(crate) mod url;
mod x509;

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rustls::ClientConfig;
use ureq::config::AutoHeaderValue;
use ureq::{Agent, SendBody};

use crate::cancel::Cancel;
use crate::diagnostics::{Diagnostic, Hook};
use crate::error::{Error, RegistryError, Result, TransportKind};

pub use proxy::Proxies;
pub use resolve::ResolveEntry;
pub use retry::{RetryPolicy, parse_retry_after, retryable_status};
pub use tls::standard_certs_dirs;
pub use trace::mask_url;

/// Largest error body read from a registry (8 KiB); the rest is dropped.
pub const MAX_ERROR_BODY: u64 = 8 * 1024;

/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// Settings of the transport, shared by all requests of one client.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// Extra CA certificates to trust (PEM files).
    pub ca_files: Vec<PathBuf>,
    /// Client certificate and key (PEM files) for mutual TLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// `certs.d` directories (docker's layout): for a registry
    /// `host:port`, `<dir>/<host:port>/*.crt` are extra CAs for it alone,
    /// and `<name>.cert` with `<name>.key` its client certificate (unless
    /// [`client_cert`](Self::client_cert) is given). None by default; see
    /// [`standard_certs_dirs`].
    pub certs_dirs: Vec<PathBuf>,
    /// Proxies, per scheme (from the environment by default, as Go reads
    /// it).
    pub proxies: Proxies,
    /// Headers added to every request to the home origin.
    pub headers: Vec<(String, String)>,
    /// Static name overrides.
    pub resolve: Vec<ResolveEntry>,
    /// Where warnings, notes and the request trace go.
    pub diagnostics: Hook,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Longest silence on a socket (read or write) before the request fails;
    /// there is no overall timeout, so large transfers are never cut off.
    pub stall_timeout: Duration,
    /// Retry behaviour for replayable requests.
    pub retry: RetryPolicy,
    /// Stops every request at once when set, a read waiting on a silent
    /// connection included ([`Cancel`]).
    pub cancel: Option<Cancel>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            insecure: false,
            ca_files: Vec::new(),
            client_cert: None,
            certs_dirs: Vec::new(),
            proxies: Proxies::from_env(),
            headers: Vec::new(),
            resolve: Vec::new(),
            diagnostics: Hook::default(),
            user_agent: format!("oar/{}", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(30),
            stall_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            cancel: None,
        }
    }
}

impl HttpOptions {
    /// Skips TLS certificate verification.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.insecure = yes;
        self
    }

    /// Trusts the CA certificates in this PEM file too.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// Presents this client certificate and key (PEM files).
    pub fn client_cert(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.client_cert = Some((cert.into(), key.into()));
        self
    }

    /// Reads registries' own CAs and client certificates from these
    /// `certs.d` directories.
    pub fn certs_dirs(mut self, dirs: Vec<PathBuf>) -> Self {
        self.certs_dirs = dirs;
        self
    }

    /// The proxies to use.
    pub fn proxies(mut self, proxies: Proxies) -> Self {
        self.proxies = proxies;
        self
    }

    /// Adds a header to every request to the registry itself.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Connects to `entry.addr` for `entry.host:entry.port`.
    pub fn resolve(mut self, entry: ResolveEntry) -> Self {
        self.resolve.push(entry);
        self
    }

    /// Sends warnings, notes and (if it wants them) requests to `hook`.
    pub fn diagnostics(mut self, hook: Hook) -> Self {
        self.diagnostics = hook;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Connect and stall timeouts.
    pub fn timeouts(mut self, connect: Duration, stall: Duration) -> Self {
        self.connect_timeout = connect;
        self.stall_timeout = stall;
        self
    }

    /// Retry behaviour.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Stops requests when `cancel` is set.
    pub fn cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }
}

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

    fn has_header(&self, name: &str) -> bool {
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
    headers: Vec<(String, String)>,
    body: ureq::Body,
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

/// The TLS configurations of one client, made on the first https request
/// (reading the system's CA bundle is wasted on plain HTTP), and the
/// agents made so far, one per route: the home origin or another, and
/// the proxy (if any) for the URL's scheme and host.
#[derive(Default)]
struct Agents {
    tls: OnceLock<TlsConfigs>,
    built: Mutex<HashMap<AgentKey, Agent>>,
}

/// Home origin or not, https or not, and the proxy.
type AgentKey = (bool, bool, Option<String>);

struct TlsConfigs {
    /// With the registry's certs.d CAs and the client certificate.
    home: Arc<ClientConfig>,
    /// For token realms and redirect targets: no client certificate.
    other: Arc<ClientConfig>,
}

/// Requests sent by this process, numbering them for diagnostics: one
/// sequence across clients, so the requests of a copy between two
/// registries read in order.
static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A blocking HTTP client bound to one home origin. It can be shared
/// between threads; connections are pooled.
pub struct Client {
    opts: HttpOptions,
    home: String,
    agents: Agents,
}

impl Client {
    /// A client whose home is the origin of `home_url`
    /// (`scheme://host[:port]`).
    pub fn new(opts: HttpOptions, home_url: &str) -> Result<Client> {
        let home = url::origin(home_url)
            .ok_or_else(|| Error::other(format!("invalid URL {home_url:?}")))?;
        Ok(Client {
            opts,
            home,
            agents: Agents::default(),
        })
    }

    /// The home origin.
    pub fn home(&self) -> &str {
        &self.home
    }

    /// The options this client was built with.
    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// Where diagnostics go.
    pub fn diagnostics(&self) -> &Hook {
        &self.opts.diagnostics
    }

    fn tls_configs(&self) -> Result<&TlsConfigs> {
        if let Some(c) = self.agents.tls.get() {
            return Ok(c);
        }
        let system = tls::system_certs();
        let extra = tls::ca_files(&self.opts.ca_files)?;
        let authority = url::split(&self.home).map_or("", |(_, a, _)| a);
        let own = tls::certs_d(&self.opts.certs_dirs, authority)?;
        let identity = match self.opts.client_cert.as_ref().or(own.client.as_ref()) {
            Some((cert, key)) => Some(tls::client_identity(cert, key)?),
            None => None,
        };
        // The system bundle is parsed once; the registry's own certs.d CAs
        // make the home roots differ from the others only when there are
        // any.
        let other_roots = tls::roots(system.as_deref(), &extra);
        let home_roots = if own.cas.is_empty() {
            other_roots.clone()
        } else {
            let mut home_extra = extra;
            home_extra.extend(own.cas);
            tls::roots(system.as_deref(), &home_extra)
        };
        let configs = TlsConfigs {
            home: tls::client_config(&home_roots, self.opts.insecure, identity)?,
            other: tls::client_config(&other_roots, self.opts.insecure, None)?,
        };
        Ok(self.agents.tls.get_or_init(|| configs))
    }

    /// The agent for a request to `target`: its TLS settings depend on
    /// the origin, its proxy on the scheme and host.
    fn agent_for(&self, same_origin: bool, target: &str) -> Result<Agent> {
        let https = target
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        let proxy = self.opts.proxies.for_url(target).map(str::to_string);
        let key = (same_origin, https, proxy);
        let mut built = self
            .agents
            .built
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(a) = built.get(&key) {
            return Ok(a.clone());
        }
        let tls = if https {
            let c = self.tls_configs()?;
            Some(Arc::clone(if same_origin { &c.home } else { &c.other }))
        } else {
            None
        };
        let proxy = key.2.as_deref().map(proxy::connector_proxy).transpose()?;
        let agent = self.agent(tls, proxy);
        built.insert(key, agent.clone());
        Ok(agent)
    }

    fn agent(&self, tls: Option<Arc<ClientConfig>>, proxy: Option<ureq::Proxy>) -> Agent {
        let cfg = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(self.opts.user_agent.as_str())
            .accept_encoding(AutoHeaderValue::None)
            .accept(AutoHeaderValue::None)
            .timeout_connect(Some(self.opts.connect_timeout))
            .timeout_per_read(Some(self.opts.stall_timeout))
            // Waiting for a response head is bounded too (a slow registry
            // still answers a finished upload in far less).
            .timeout_recv_response(Some(METADATA_DEADLINE))
            .timeout_per_write(Some(self.opts.stall_timeout))
            .max_idle_connections_per_host(4)
            .proxy(proxy)
            .build();
        Agent::with_parts(
            cfg,
            connector::chain(tls, self.opts.cancel.clone()),
            resolve::OverrideResolver::new(self.opts.resolve.clone()),
        )
    }

    /// Sends a request: follows redirects of `GET` and `HEAD` under the
    /// origin rules, and retries transient failures of replayable requests.
    /// Any status is returned as a [`Response`]; only transport failures are
    /// errors.
    pub fn send(&self, req: Request<'_>) -> Result<Response> {
        let mut same_origin = url::origin(&req.url).as_deref() == Some(self.home.as_str());
        let mut req = req;
        for _ in 0..=MAX_REDIRECTS {
            // Only GET and HEAD are followed, and they are always replayable.
            let follow = matches!(req.method, "GET" | "HEAD");
            let next = if follow { req.try_clone() } else { None };
            let resp = self.send_with_retries(req, same_origin)?;
            let location = resp.header("location").map(str::to_string);
            let (Some(mut next), Some(loc), true) = (
                next,
                location,
                matches!(resp.status, 301 | 302 | 303 | 307 | 308),
            ) else {
                return Ok(resp);
            };
            let target = url::resolve(&resp.url, &loc).ok_or_else(|| {
                Error::Protocol(format!("invalid redirect location {:?}", mask_url(&loc)))
            })?;
            if !target.starts_with("http://") && !target.starts_with("https://") {
                return Err(Error::Protocol(format!(
                    "refusing redirect to {:?}",
                    mask_url(&target)
                )));
            }
            resp.discard();
            if url::origin(&target) != url::origin(&next.url) {
                // Credentials stay with the origin they were meant for.
                next.headers
                    .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            }
            same_origin =
                same_origin && url::origin(&target).as_deref() == Some(self.home.as_str());
            self.opts
                .diagnostics
                .debug(&format!("redirected to {}", mask_url(&target)));
            next.url = target;
            req = next;
        }
        Err(Error::Protocol(format!(
            "too many redirects (more than {MAX_REDIRECTS})"
        )))
    }

    fn send_with_retries(&self, req: Request<'_>, same_origin: bool) -> Result<Response> {
        let mut attempt = 0u32;
        let mut waited = Duration::ZERO;
        let mut req = req;
        loop {
            let replay = req.try_clone();
            let (method, target) = (req.method, url::strip_query(&req.url).to_string());
            let result = self.send_once(req, same_origin);
            let Some(again) = replay else {
                return result;
            };
            attempt += 1;
            let (retry_after, why) = match &result {
                Ok(r) if retryable_status(r.status) => (
                    r.header("retry-after")
                        .and_then(|v| parse_retry_after(v, SystemTime::now())),
                    format!("status {}", r.status),
                ),
                Ok(_) => return result,
                Err(Error::Transport(t)) if t.kind.is_transient() => (None, t.message.clone()),
                Err(_) => return result,
            };
            let Some(wait) = self.opts.retry.backoff(attempt, retry_after, waited) else {
                return result;
            };
            if let Ok(r) = result {
                r.discard();
            }
            self.opts.diagnostics.note(&format!(
                "retrying {method} {target} in {} ms after {why} (retry {attempt}/{})",
                wait.as_millis(),
                self.opts.retry.max_retries
            ));
            crate::cancel::pause(self.opts.cancel.as_ref(), wait)?;
            waited += wait;
            req = again;
        }
    }

    fn send_once(&self, req: Request<'_>, same_origin: bool) -> Result<Response> {
        let agent = self.agent_for(same_origin, &req.url)?;
        let mut headers = req.headers.clone();
        if same_origin {
            for (k, v) in &self.opts.headers {
                if !req.has_header(k) {
                    headers.push((k.clone(), v.clone()));
                }
            }
        }
        if let Body::Reader(_, len) = &req.body {
            headers.push(("Content-Length".into(), len.to_string()));
        }
        let id = REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let hook = &self.opts.diagnostics;
        if hook.wants_http() {
            let masked = trace::mask_headers(&headers);
            hook.report(&Diagnostic::Request {
                id,
                method: req.method,
                url: &mask_url(&req.url),
                headers: &masked,
            });
        }
        let mut builder = ureq::http::Request::builder()
            .method(req.method)
            .uri(&req.url);
        for (k, v) in &headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let start = Instant::now();
        let carries_body = matches!(req.method, "POST" | "PUT" | "PATCH");
        let result = match req.body {
            Body::Empty if carries_body => builder.body(&[][..]).map(|r| agent.run(r)),
            Body::Empty => builder.body(()).map(|r| agent.run(r)),
            Body::Bytes(b) => builder.body(b).map(|r| agent.run(r)),
            Body::Reader(mut r, _) => builder
                .body(SendBody::from_reader(&mut r))
                .map(|rq| agent.run(rq)),
        };
        let result = result.map_err(|e| {
            Error::Protocol(format!(
                "invalid request to {}: {e}",
                url::strip_query(&req.url)
            ))
        })?;
        let resp = result.map_err(|e| transport_error(&req.url, e))?;
        let (parts, body) = resp.into_parts();
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if hook.wants_http() {
            let masked = trace::mask_headers(&headers);
            hook.report(&Diagnostic::Response {
                id,
                status: parts.status.as_u16(),
                headers: &masked,
                elapsed: start.elapsed(),
            });
        }
        Ok(Response {
            status: parts.status.as_u16(),
            url: req.url,
            method: req.method,
            headers,
            body,
        })
    }
}

/// The kind of an I/O failure on a connection.
fn io_kind(e: &std::io::Error) -> TransportKind {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => TransportKind::ConnectionRefused,
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            TransportKind::ConnectionReset
        }
        ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportKind::TimedOut,
        ErrorKind::UnexpectedEof => TransportKind::UnexpectedEof,
        _ => TransportKind::Other,
    }
}

/// `CertificateRequired` as `certificate required`.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A rustls failure in words (Go's, where Go has them), sorted by what
/// the user can do about it.
fn tls_failure(e: &rustls::Error) -> (TransportKind, String) {
    use rustls::AlertDescription as A;
    match e {
        rustls::Error::InvalidCertificate(c) => (
            TransportKind::Certificate,
            format!(
                "tls: failed to verify certificate: x509: {}",
                tls::certificate_text(c)
            ),
        ),
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            (TransportKind::NotTls, String::new())
        }
        rustls::Error::AlertReceived(alert) => {
            let kind = match alert {
                A::CertificateRequired
                | A::BadCertificate
                | A::UnknownCA
                | A::CertificateUnknown => TransportKind::ClientCertificate,
                _ => TransportKind::Tls,
            };
            (
                kind,
                format!("remote error: tls: {}", words(&format!("{alert:?}"))),
            )
        }
        // Not a TLS record at all (an HTTP server answering), or garbage.
        rustls::Error::InvalidMessage(_) => (TransportKind::NotTls, String::new()),
        rustls::Error::NoCertificatesPresented | rustls::Error::InvalidCertRevocationList(_) => {
            (TransportKind::Certificate, format!("tls: {e}"))
        }
        other => (TransportKind::Tls, format!("tls: {other}")),
    }
}

/// Turns a ureq failure into [`Error::Transport`], sorted into a kind
/// (which decides retries and the hints a caller adds) and kept as the
/// source.
fn transport_error(u: &str, e: ureq::Error) -> Error {
    // A cancelled wait ([`Cancel`]) carries `Error::Cancelled`; a signal
    // that interrupted a read is `Error::Interrupted`.
    let e = match e {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            return Error::from_io(u, io);
        }
        other => other,
    };
    let (kind, message) = match &e {
        ureq::Error::Io(io) => match io_kind(io) {
            // rustls's failures after the handshake come wrapped in I/O
            // errors: sorted by their type, not their words.
            TransportKind::Other => match io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                Some(tls) => match tls_failure(tls) {
                    (TransportKind::Tls, _) => (TransportKind::Other, io.to_string()),
                    (k, _) => (k, io.to_string()),
                },
                None => (TransportKind::Other, io.to_string()),
            },
            k => (
                k,
                match k {
                    TransportKind::ConnectionRefused => "connection refused",
                    TransportKind::ConnectionReset => "connection reset by peer",
                    TransportKind::TimedOut => "i/o timeout",
                    _ => "unexpected end of stream",
                }
                .to_string(),
            ),
        },
        ureq::Error::HostNotFound => (TransportKind::HostNotFound, "no such host".to_string()),
        ureq::Error::Timeout(t) => (TransportKind::TimedOut, format!("timeout: {t}")),
        ureq::Error::ConnectionFailed => (
            TransportKind::ConnectionFailed,
            "connection failed".to_string(),
        ),
        ureq::Error::Rustls(r) => tls_failure(r),
        // ureq's own TLS set-up failures (a name that is not a DNS name).
        ureq::Error::Tls(m) => (TransportKind::Tls, format!("tls: {m}")),
        // Broken HTTP framing. A connection closed before a whole answer
        // arrived is not one: it comes as an I/O `UnexpectedEof`, which is
        // retried.
        ureq::Error::Protocol(p) => (TransportKind::Protocol, format!("protocol error: {p}")),
        other => (TransportKind::Other, other.to_string()),
    };
    let message = if kind == TransportKind::NotTls {
        "tls handshake failed: the server does not speak TLS".to_string()
    } else {
        message
    };
    Error::transport(url::strip_query(u), kind, message, Some(Box::new(e)))
}
