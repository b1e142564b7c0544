//! Blobs on a registry: existence checks, and streamed downloads that
//! resume with a closed `Range` after a dropped connection.

use std::io::{self, Read};
use std::time::Duration;

use super::{Repository, endpoints, expect_found, range, unexpected};
use crate::content::{Stream, skip_to};
use crate::descriptor::Descriptor;
use crate::error::{Error, Result};
use crate::http::Request;

impl Repository {
    /// `HEAD /v2/<name>/blobs/<digest>`: the blob's descriptor.
    pub fn resolve_blob_head(&self, digest: &crate::digest::Digest) -> Result<Descriptor> {
        let u = endpoints::blob(self.origin(), &self.name, &digest.to_string());
        let resp = self.send(Request::new("HEAD", u), &["pull"])?;
        let resp = expect_found(resp, &[200], || self.not_found_digest(digest))?;
        let size = resp
            .header("content-length")
            .and_then(|l| l.trim().parse::<u64>().ok())
            .ok_or_else(|| Error::Protocol("blob HEAD without Content-Length".into()))?;
        resp.discard();
        Ok(Descriptor::new(
            crate::content::OCTET_STREAM,
            digest.clone(),
            size,
        ))
    }

    pub(super) fn blob_exists(&self, desc: &Descriptor) -> Result<bool> {
        let u = endpoints::blob(self.origin(), &self.name, &desc.digest.to_string());
        let exists = self.head_exists(Request::new("HEAD", u))?;
        if exists {
            self.registry.seen(&desc.digest, &self.name);
        }
        Ok(exists)
    }

    /// One `GET` of a blob from `offset`; returns the body and where it
    /// really starts.
    fn open_blob(&self, desc: &Descriptor, offset: u64) -> Result<(Box<dyn Read + Send>, u64)> {
        let u = endpoints::blob(self.origin(), &self.name, &desc.digest.to_string());
        let mut req = Request::new("GET", u);
        if offset > 0 && offset < desc.size {
            // A closed range: some servers mishandle open-ended ones.
            req = req.header("Range", format!("bytes={offset}-{}", desc.size - 1));
        }
        let resp = self.send(req, &["pull"])?;
        match resp.status {
            200 => Ok((resp.into_reader(), 0)),
            206 => {
                let cr = resp
                    .header("content-range")
                    .and_then(range::parse_content_range);
                match cr {
                    Some((start, _, _)) if start == offset => Ok((resp.into_reader(), offset)),
                    _ => Err(Error::Protocol(format!(
                        "registry answered a range request for byte {offset} with Content-Range {:?}",
                        resp.header("content-range").unwrap_or("")
                    ))),
                }
            }
            404 => {
                resp.discard();
                Err(self.not_found_digest(&desc.digest))
            }
            _ => Err(unexpected(resp)),
        }
    }

    pub(super) fn fetch_blob(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let (inner, at) = self.open_blob(desc, offset)?;
        self.registry.seen(&desc.digest, &self.name);
        Ok((
            Box::new(ResumingReader {
                repo: self,
                desc: desc.clone(),
                pos: at,
                inner,
                resumes: 0,
            }),
            at,
        ))
    }
}

/// A blob download that survives dropped connections: on a read error it
/// asks again for the bytes it has not delivered, with a closed range, a
/// bounded number of times.
struct ResumingReader<'a> {
    repo: &'a Repository,
    desc: Descriptor,
    pos: u64,
    inner: Box<dyn Read + Send>,
    resumes: u32,
}

impl Read for ResumingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let err = match self.inner.read(buf) {
                Ok(n) => {
                    self.pos += n as u64;
                    return Ok(n);
                }
                Err(e) => e,
            };
            let policy = &self.repo.registry.auth().http().options().retry;
            if self.pos >= self.desc.size || self.resumes >= policy.max_retries {
                return Err(err);
            }
            self.resumes += 1;
            let wait = policy
                .backoff(self.resumes, None, Duration::ZERO)
                .unwrap_or(Duration::ZERO);
            self.repo.registry.auth().http().diagnostics().note(&format!(
                "download of {} interrupted at byte {} ({err}); resuming in {} ms (retry {}/{})",
                self.desc.digest,
                self.pos,
                wait.as_millis(),
                self.resumes,
                policy.max_retries
            ));
            let http = self.repo.registry.auth().http();
            crate::cancel::pause(http.options().cancel.as_ref(), wait)
                .map_err(std::io::Error::from)?;
            let (mut inner, at) = self.repo.open_blob(&self.desc, self.pos)?;
            // A server that ignored the range: skip what was delivered.
            skip_to(&mut inner, at, self.pos, self.desc.size)?;
            self.inner = inner;
        }
    }
}
