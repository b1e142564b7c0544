//! Blobs on a registry: existence checks, streamed downloads that resume
//! with a closed `Range` after a dropped connection, and uploads.

use std::io::{self, Read};
use std::time::Duration;

use super::{Repository, endpoints, expect, range};
use crate::content::{Source, Stream};
use crate::descriptor::Descriptor;
use crate::error::{Error, Result};
use crate::http::{Body, Request, url};

impl Repository {
    /// `HEAD /v2/<name>/blobs/<digest>`: the blob's descriptor.
    pub fn resolve_blob_head(&self, digest: &crate::digest::Digest) -> Result<Descriptor> {
        let u = endpoints::blob(self.origin(), &self.name, &digest.to_string());
        let resp = self.send(Request::new("HEAD", u), &["pull"])?;
        if resp.status == 404 {
            resp.discard();
            return Err(Error::NotFound(format!("{}@{digest}", self.display_name())));
        }
        let resp = expect(resp, &[200])?;
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
        let resp = self.send(Request::new("HEAD", u), &["pull"])?;
        match resp.status {
            200 => {
                resp.discard();
                Ok(true)
            }
            404 => {
                resp.discard();
                Ok(false)
            }
            _ => Err(expect(resp, &[]).err().expect("not expected")),
        }
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
                Err(Error::NotFound(format!(
                    "{}@{}",
                    self.display_name(),
                    desc.digest
                )))
            }
            _ => Err(expect(resp, &[]).err().expect("not expected")),
        }
    }

    pub(super) fn fetch_blob(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let (inner, at) = self.open_blob(desc, offset)?;
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

    /// `POST /v2/<name>/blobs/uploads/`: a new upload session's location.
    pub(super) fn start_upload(&self) -> Result<String> {
        let u = endpoints::uploads(self.origin(), &self.name);
        let resp = expect(
            self.send(Request::new("POST", u), &["pull", "push"])?,
            &[202],
        )?;
        let loc = location(&resp)?;
        resp.discard();
        Ok(loc)
    }

    pub(super) fn push_blob(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        let mut tries = 0;
        loop {
            let loc = self.start_upload()?;
            match self.put_whole(&loc, desc, source) {
                // The token lapsed during a long stream: the auth client has
                // a fresh one now, so reopen the source and go again, once.
                Err(Error::Unauthorized(_)) if tries == 0 => tries += 1,
                other => return other,
            }
        }
    }

    /// Mounts `desc` from repository `from` on the same registry
    /// (`POST …/uploads/?mount=&from=`), which copies nothing. When the
    /// registry refuses (it answers 202 with an upload session, or an
    /// error), the blob is uploaded from `source` instead. Returns true if
    /// it was mounted.
    pub fn mount_or_push(
        &self,
        desc: &Descriptor,
        from: &str,
        source: &mut dyn Source,
    ) -> Result<bool> {
        let mut u = endpoints::uploads(self.origin(), &self.name);
        u = url::append_query(&u, "mount", &desc.digest.to_string());
        u = url::append_query(&u, "from", from);
        let extra = crate::auth::Scopes::repository(from, &["pull"]);
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
                self.put_whole(&loc, desc, source)?;
                Ok(false)
            }
            _ => {
                resp.discard();
                self.push_blob(desc, source)?;
                Ok(false)
            }
        }
    }

    /// Sends the whole blob in the `PUT` that closes the session.
    fn put_whole(&self, loc: &str, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        let u = url::append_query(loc, "digest", &desc.digest.to_string());
        let stream = source.open(0)?;
        let req = Request::new("PUT", u)
            .header("Content-Type", "application/octet-stream")
            .body(Body::Reader(stream, desc.size));
        let resp = self.send(req, &["pull", "push"])?;
        expect(resp, &[201, 204]).map(|r| r.discard())
    }
}

/// The absolute upload location from a response's `Location` header.
pub(super) fn location(resp: &crate::http::Response) -> Result<String> {
    let loc = resp
        .header("location")
        .ok_or_else(|| Error::Protocol("registry sent no Location for the upload".into()))?;
    url::resolve(&resp.url, loc)
        .ok_or_else(|| Error::Protocol(format!("invalid upload location {loc:?}")))
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
            self.repo.registry.auth().http().tracer().note(&format!(
                "download of {} interrupted at byte {} ({err}); resuming in {} ms (retry {}/{})",
                self.desc.digest,
                self.pos,
                wait.as_millis(),
                self.resumes,
                policy.max_retries
            ));
            std::thread::sleep(wait);
            let (mut inner, at) = self.repo.open_blob(&self.desc, self.pos)?;
            if at < self.pos {
                // The server ignored the range: skip what was delivered.
                let skip = self.pos - at;
                let n = io::copy(&mut (&mut inner).take(skip), &mut io::sink())?;
                if n != skip {
                    return Err(Error::SizeMismatch {
                        expected: self.desc.size,
                        actual: at + n,
                    }
                    .into());
                }
            }
            self.inner = inner;
        }
    }
}
