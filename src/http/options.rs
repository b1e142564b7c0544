//! The settings of the transport, shared by every request of one client:
//! trust, proxies, headers, name overrides, timeouts, retries, the
//! diagnostics hook and the cancel flag.

use std::path::PathBuf;
use std::time::Duration;

use super::{Proxies, ResolveEntry, RetryPolicy};
use crate::cancel::Cancel;
use crate::diagnostics::Hook;

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
    /// [`standard_certs_dirs`](super::standard_certs_dirs).
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
