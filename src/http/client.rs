//! The client of one registry origin and its policy: which origin a
//! request goes to (user headers and the client certificate only to the
//! home origin, `Authorization` dropped when a redirect leaves it),
//! redirects followed here so that the rules hold on every hop, and
//! retries of replayable requests after transient failures.

use std::time::{Duration, Instant, SystemTime};

use ureq::SendBody;

use super::agents::Agents;
use super::errors::transport_error;
use super::message::{Body, Request, Response};
use super::{
    HttpOptions, MAX_REDIRECTS, mask_url, parse_retry_after, retryable_status, trace, url,
};
use crate::diagnostics::{Diagnostic, Hook};
use crate::error::{Error, Result};

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
        let agent = self
            .agents
            .agent_for(&self.opts, &self.home, same_origin, &req.url)?;
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
