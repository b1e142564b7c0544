//! Blob uploads (distribution spec, "Pushing blobs"), built to survive bad
//! links:
//!
//! - blobs up to the chunk size go up in one `PUT` (`POST` then `PUT`,
//!   following the newest `Location` and keeping its query), retried from
//!   the start on a transient failure;
//! - larger blobs go up in `PATCH` chunks with `Content-Range`; after a
//!   failure the session is asked where it stands (`GET <location>`, whose
//!   `Range` says what the registry holds) and the upload continues from
//!   there; when the session is gone a new one starts;
//! - with a state directory, the newest location of an unfinished upload
//!   is kept on disk, so a push that was killed resumes its session when
//!   run again.
//!
//! Registries may hold a session only for its newest location (Debian's
//! distribution 2.8 cancels an upload resumed with an older one); oar then
//! starts over, which the spec allows.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use super::{Repository, endpoints, expect, range};
use crate::auth::Scopes;
use crate::content::{Mounter, Source};
use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::http::{Body, Request, Response, retryable_status, url};

/// Upload settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UploadOptions {
    /// Blobs larger than this go up in chunks of this size (at least what
    /// the registry asks with `OCI-Chunk-Min-Length`).
    pub chunk_size: u64,
    /// Where unfinished uploads are remembered between runs; `None` keeps
    /// nothing.
    pub state_dir: Option<PathBuf>,
}

/// The default chunk: 64 MiB. Each chunk costs a round trip and the
/// registry's work to append it; at 16 MiB a 5-layer, 200 MiB copy ran at
/// 1.05 × skopeo (which sends a layer in one request), while a cut upload
/// re-sends at most one chunk. Blobs up to this size go in one request.
pub const DEFAULT_CHUNK_SIZE: u64 = 64 * 1024 * 1024;

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            chunk_size: DEFAULT_CHUNK_SIZE,
            state_dir: None,
        }
    }
}

impl UploadOptions {
    /// Blobs larger than `bytes` go up in chunks of that size.
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }

    /// Remembers unfinished uploads in `dir`, so that a killed push
    /// resumes its session.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }
}

/// True for failures a new attempt may cure: a transient network failure,
/// a 5xx, 408 or 429, or a token that lapsed during a long stream (the
/// auth client has a new one ready). Refused credentials are not retried.
fn transient(e: &Error) -> bool {
    match e {
        Error::Transport(t) => t.kind.is_transient(),
        Error::Reauthenticate => true,
        Error::Registry { status, .. } => retryable_status(*status),
        _ => false,
    }
}

/// The absolute upload location from a response's `Location` header.
pub(super) fn location(resp: &Response) -> Result<String> {
    let loc = resp
        .header("location")
        .ok_or_else(|| Error::Protocol("registry sent no Location for the upload".into()))?;
    url::resolve(&resp.url, loc)
        .ok_or_else(|| Error::Protocol(format!("invalid upload location {loc:?}")))
}

impl Mounter for Repository {
    fn mount_or_push(
        &self,
        desc: &Descriptor,
        from: &str,
        source: &mut dyn Source,
    ) -> Result<bool> {
        let mounted = self.mount_blob(desc, from, source)?;
        self.registry.seen(&desc.digest, &self.name);
        Ok(mounted)
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    location: String,
    digest: Digest,
    size: u64,
}

impl Repository {
    fn policy(&self) -> &crate::http::RetryPolicy {
        &self.registry.auth().http().options().retry
    }

    fn note(&self, msg: &str) {
        self.registry.auth().http().diagnostics().note(msg);
    }

    /// Waits before retry `attempt`, or gives up with `err`.
    fn backoff_or(&self, attempt: u32, err: Error, what: &str) -> Result<()> {
        match self.policy().backoff(attempt, None, Duration::ZERO) {
            Some(wait) => {
                self.note(&format!(
                    "{what} failed ({err}); retrying in {} ms (retry {attempt}/{})",
                    wait.as_millis(),
                    self.policy().max_retries
                ));
                let http = self.registry.auth().http();
                crate::cancel::pause(http.options().cancel.as_ref(), wait)
            }
            None => Err(err),
        }
    }

    /// `POST /v2/<name>/blobs/uploads/`: a new session's location and the
    /// registry's smallest chunk (`OCI-Chunk-Min-Length`).
    pub(super) fn start_upload(&self) -> Result<(String, u64)> {
        let u = endpoints::uploads(self.origin(), &self.name);
        let resp = expect(
            self.send(Request::new("POST", u), &["pull", "push"])?,
            &[202],
        )?;
        let loc = location(&resp)?;
        let min = resp
            .header("oci-chunk-min-length")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        resp.discard();
        Ok((loc, min))
    }

    /// Uploads a blob: in one request, or in resumable chunks when it is
    /// larger than the chunk size.
    pub(super) fn push_blob(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        if desc.size > self.registry.upload.chunk_size {
            return self.push_chunked(desc, source, None);
        }
        let mut attempt = 0;
        loop {
            let (loc, _) = self.start_upload()?;
            match self.put_whole(&loc, desc, source) {
                Err(e) if transient(&e) => {
                    attempt += 1;
                    self.backoff_or(attempt, e, "upload")?;
                }
                other => return other,
            }
        }
    }

    /// Sends the whole blob in the `PUT` that closes the session.
    pub(super) fn put_whole(
        &self,
        loc: &str,
        desc: &Descriptor,
        source: &mut dyn Source,
    ) -> Result<()> {
        let u = url::append_query(loc, "digest", &desc.digest.to_string());
        let stream = source.open(0)?;
        let req = Request::new("PUT", u)
            .header("Content-Type", "application/octet-stream")
            .body(Body::Reader(stream, desc.size));
        let resp = self.send(req, &["pull", "push"])?;
        expect(resp, &[201, 204]).map(|r| r.discard())
    }

    /// Mounts `desc` from repository `from` on the same registry
    /// (`POST …/uploads/?mount=&from=`), which copies nothing. When the
    /// registry refuses (it answers 202 with an upload session, or an
    /// error), the blob is uploaded from `source` instead. Returns true if
    /// it was mounted.
    pub(super) fn mount_blob(
        &self,
        desc: &Descriptor,
        from: &str,
        source: &mut dyn Source,
    ) -> Result<bool> {
        let mut u = endpoints::uploads(self.origin(), &self.name);
        u = url::append_query(&u, "mount", &desc.digest.to_string());
        u = url::append_query(&u, "from", from);
        let extra = Scopes::repository(from, &["pull"]);
        let resp = match self.send_with(Request::new("POST", u), &["pull", "push"], &extra) {
            Ok(r) => r,
            // Not allowed to read the source repository: upload instead.
            Err(Error::Unauthorized(_)) => {
                self.push_blob(desc, source)?;
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        match resp.status {
            201 => {
                resp.discard();
                Ok(true)
            }
            202 => {
                // A plain upload session: use it rather than open another.
                let loc = location(&resp)?;
                resp.discard();
                if desc.size > self.registry.upload.chunk_size {
                    self.push_chunked(desc, source, Some(loc))?;
                } else {
                    self.put_whole(&loc, desc, source)?;
                }
                Ok(false)
            }
            _ => {
                resp.discard();
                self.push_blob(desc, source)?;
                Ok(false)
            }
        }
    }

    /// Where the registry stands: `GET <location>` gives the newest
    /// location and the bytes held (`Range: 0-<end>`).
    fn upload_status(&self, loc: &str) -> Result<(String, u64)> {
        let resp = self.send(Request::new("GET", loc), &["pull", "push"])?;
        let resp = expect(resp, &[200, 204])?;
        let held = match resp.header("range") {
            // "0-0" cannot tell one byte from none: resend from the start.
            Some(r) if r.trim().trim_start_matches("bytes=") == "0-0" => 0,
            Some(r) => range::parse_upload_range(r)
                .ok_or_else(|| Error::Protocol(format!("invalid upload Range {r:?}")))?,
            None => 0,
        };
        let loc = match resp.header("location") {
            Some(_) => location(&resp)?,
            None => loc.to_string(),
        };
        resp.discard();
        Ok((loc, held))
    }

    /// One `PATCH` of bytes `start..end`; returns the next location.
    fn patch(&self, loc: &str, source: &mut dyn Source, start: u64, end: u64) -> Result<String> {
        let len = end - start;
        let stream: Box<dyn Read + '_> = Box::new(source.open(start)?.take(len));
        let req = Request::new("PATCH", loc)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", format!("{start}-{}", end - 1))
            .body(Body::Reader(stream, len));
        let resp = expect(self.send(req, &["pull", "push"])?, &[202, 204])?;
        let next = location(&resp)?;
        if let Some(held) = resp.header("range").and_then(range::parse_upload_range)
            && held != end
        {
            resp.discard();
            return Err(Error::Protocol(format!(
                "registry holds {held} bytes after a chunk ending at {end}"
            )));
        }
        resp.discard();
        Ok(next)
    }

    /// The state file of an upload of `desc` to this repository.
    fn state_file(&self, desc: &Descriptor) -> Option<PathBuf> {
        let dir = self.registry.upload.state_dir.as_ref()?;
        let key =
            Digest::sha256(format!("{}|{}|{}", self.origin(), self.name, desc.digest).as_bytes());
        Some(dir.join(format!("{}.json", &key.hex()[..32])))
    }

    fn load_state(&self, desc: &Descriptor) -> Option<String> {
        let bytes = std::fs::read(self.state_file(desc)?).ok()?;
        let saved: Saved = serde_json::from_slice(&bytes).ok()?;
        (saved.digest == desc.digest && saved.size == desc.size).then_some(saved.location)
    }

    fn save_state(&self, desc: &Descriptor, loc: &str) {
        let Some(path) = self.state_file(desc) else {
            return;
        };
        let saved = Saved {
            location: loc.to_string(),
            digest: desc.digest.clone(),
            size: desc.size,
        };
        if let Some(dir) = path.parent() {
            let _ = fsutil::ensure_dir(dir);
        }
        // Best effort: losing the state only costs a resume.
        let _ = fsutil::write_atomic(
            &path,
            &serde_json::to_vec(&saved).unwrap_or_default(),
            0o600,
        );
    }

    fn clear_state(&self, desc: &Descriptor) {
        if let Some(p) = self.state_file(desc) {
            let _ = fsutil::remove_if_exists(&p);
        }
    }

    /// A session to continue: the remembered one if the registry still
    /// has it, else `fresh` (a session the caller opened), else a new one.
    fn session(&self, desc: &Descriptor, fresh: Option<String>) -> Result<(String, u64, u64)> {
        if let Some(saved) = self.load_state(desc) {
            match self.upload_status(&saved) {
                Ok((loc, held)) if held <= desc.size => {
                    self.note(&format!(
                        "resuming the upload of {} at byte {held} of {}",
                        desc.digest, desc.size
                    ));
                    return Ok((loc, held, 0));
                }
                _ => self.note(&format!(
                    "the saved upload session of {} is gone; starting a new one",
                    desc.digest
                )),
            }
        }
        match fresh {
            Some(loc) => Ok((loc, 0, 0)),
            None => self.start_upload().map(|(loc, min)| (loc, 0, min)),
        }
    }

    /// Uploads in `PATCH` chunks, resuming after failures.
    fn push_chunked(
        &self,
        desc: &Descriptor,
        source: &mut dyn Source,
        fresh: Option<String>,
    ) -> Result<()> {
        let (mut loc, mut offset, min) = self.session(desc, fresh)?;
        let chunk = self.registry.upload.chunk_size.max(min).max(1);
        let mut failures = 0u32;
        loop {
            let step = if offset < desc.size {
                let end = (offset + chunk).min(desc.size);
                self.patch(&loc, source, offset, end)
                    .map(|next| (next, end))
            } else {
                let u = url::append_query(&loc, "digest", &desc.digest.to_string());
                let req = Request::new("PUT", u).header("Content-Type", "application/octet-stream");
                match self
                    .send(req, &["pull", "push"])
                    .and_then(|r| expect(r, &[201, 204]))
                {
                    Ok(r) => {
                        r.discard();
                        self.clear_state(desc);
                        return Ok(());
                    }
                    Err(e) => Err(e),
                }
            };
            match step {
                Ok((next, end)) => {
                    loc = next;
                    offset = end;
                    self.save_state(desc, &loc);
                }
                // 404: the session expired; 416: the registry and oar
                // disagree on the offset. Both are settled by asking.
                Err(e)
                    if transient(&e)
                        || matches!(
                            e,
                            Error::Registry {
                                status: 404 | 416,
                                ..
                            }
                        ) =>
                {
                    failures += 1;
                    self.backoff_or(
                        failures,
                        e,
                        &format!("chunk at byte {offset} of {}", desc.digest),
                    )?;
                    match self.upload_status(&loc) {
                        Ok((l, held)) if held <= desc.size => {
                            self.note(&format!(
                                "the registry holds {held} bytes of {}; continuing there",
                                desc.digest
                            ));
                            loc = l;
                            offset = held;
                        }
                        _ => {
                            self.note(&format!(
                                "the upload session of {} is gone; starting a new one",
                                desc.digest
                            ));
                            (loc, _) = self.start_upload()?;
                            offset = 0;
                        }
                    }
                    self.save_state(desc, &loc);
                }
                Err(e) => {
                    // The content is wrong or refused: the session is of
                    // no further use.
                    self.clear_state(desc);
                    return Err(e);
                }
            }
        }
    }
}
