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

mod agents;
mod cancelling;
mod client;
mod connector;
mod errors;
mod message;
mod options;
mod proxy;
mod resolve;
mod retry;
mod tls;
mod trace;
pub(crate) mod url;
mod x509;

pub use client::Client;
pub use message::{Body, METADATA_DEADLINE, Request, Response, parse_error_body};
pub use options::HttpOptions;
pub use proxy::Proxies;
pub use resolve::ResolveEntry;
pub use retry::{RetryPolicy, parse_retry_after, retryable_status};
pub use tls::standard_certs_dirs;
pub use trace::mask_url;

/// Largest error body read from a registry (8 KiB); the rest is dropped.
pub const MAX_ERROR_BODY: u64 = 8 * 1024;

/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 10;
