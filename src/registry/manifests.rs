//! Manifests on a registry, and the storage traits of [`Repository`], which
//! send manifests to `/manifests/` and everything else to `/blobs/`.
//!
//! Every manifest request carries the full OCI and Docker `Accept` list:
//! Debian's registry answers 404 for an OCI manifest without it. Manifest
//! bodies are read to at most 4 MiB and verified against their digest.

use std::io::Read;

use super::{Repository, endpoints, expect, expect_found};
use crate::content::{
    Mounter, RepositoryLocation, Resolver, Source, Storage, Stream, Tagger, fetch_all,
};
use crate::descriptor::Descriptor;
use crate::digest::{Digest, Hasher};
use crate::error::{Error, Missing, Result};
use crate::http::{Body, Request, Response};
use crate::manifest::{self, MAX_MANIFEST_SIZE};
use crate::media_type;

/// `Content-Type` without parameters, or `None` when it says nothing about
/// a manifest (some registries send `application/json` or `text/plain`).
fn manifest_content_type(resp: &Response) -> Option<String> {
    let ct = resp
        .header("content-type")?
        .split(';')
        .next()?
        .trim()
        .to_string();
    media_type::is_manifest(&ct).then_some(ct)
}

impl Repository {
    /// The manifest URL for a digest or a tag. A tag outside the grammar
    /// is refused here, the one place tags become registry paths, whatever
    /// they came from (a layout, an archive, another registry's list).
    fn manifest_url(&self, reference: &str) -> Result<String> {
        if Digest::parse(reference).is_err() {
            crate::reference::validate_tag(reference)?;
        }
        Ok(endpoints::manifest(self.origin(), &self.name, reference))
    }

    fn not_found(&self, reference: &str) -> Error {
        let sep = if reference.contains(':') { '@' } else { ':' };
        Error::not_found(
            Missing::Manifest,
            format!("{}{sep}{reference}", self.display_name()),
        )
    }

    /// Reads and verifies a manifest body. `expected` is the digest asked
    /// for (or announced by the registry for a tag).
    fn read_manifest(&self, resp: Response, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let ct = manifest_content_type(&resp);
        let announced = resp
            .header("docker-content-digest")
            .and_then(|d| Digest::parse(d).ok());
        let bytes = resp.read_limited(MAX_MANIFEST_SIZE, "manifest")?;
        let media_type = match ct {
            Some(ct) => ct,
            None => manifest::detect_media_type(&bytes)?,
        };
        let asked = Digest::parse(reference).ok();
        let algorithm = asked
            .as_ref()
            .or(announced.as_ref())
            .map_or(crate::digest::Algorithm::Sha256, Digest::algorithm);
        let mut h = Hasher::new(algorithm);
        h.update(&bytes);
        let actual = h.finish();
        for expected in asked.iter().chain(announced.iter()) {
            if expected.algorithm() == actual.algorithm() && *expected != actual {
                return Err(Error::DigestMismatch {
                    expected: expected.to_string(),
                    actual: actual.to_string(),
                });
            }
        }
        let size = bytes.len() as u64;
        Ok((Descriptor::new(media_type, actual, size), bytes))
    }

    fn resolve_manifest(&self, reference: &str) -> Result<Descriptor> {
        let req = Request::new("HEAD", self.manifest_url(reference)?)
            .header("Accept", self.manifest_accept());
        let resp = expect_found(self.send(req, &["pull"])?, &[200], || {
            self.not_found(reference)
        })?;
        let digest = resp
            .header("docker-content-digest")
            .map(Digest::parse)
            .transpose()?;
        let size = resp
            .header("content-length")
            .and_then(|l| l.trim().parse::<u64>().ok());
        let ct = manifest_content_type(&resp);
        resp.discard();
        let asked = Digest::parse(reference).ok();
        if let (Some(a), Some(d)) = (&asked, &digest)
            && a != d
        {
            return Err(Error::DigestMismatch {
                expected: a.to_string(),
                actual: d.to_string(),
            });
        }
        match (digest.or(asked), size, ct) {
            (Some(d), Some(s), Some(ct)) if s <= MAX_MANIFEST_SIZE => Ok(Descriptor::new(ct, d, s)),
            // The HEAD did not say enough: fetch and compute.
            _ => self.fetch_manifest_reference(reference).map(|(d, _)| d),
        }
    }

    fn fetch_manifest_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let req = Request::new("GET", self.manifest_url(reference)?)
            .header("Accept", self.manifest_accept());
        let resp = expect_found(self.send(req, &["pull"])?, &[200], || {
            self.not_found(reference)
        })?;
        self.read_manifest(resp, reference)
    }

    fn manifest_exists(&self, desc: &Descriptor) -> Result<bool> {
        let req = Request::new("HEAD", self.manifest_url(&desc.digest.to_string())?)
            .header("Accept", self.manifest_accept());
        self.head_exists(req)
    }

    /// `PUT /v2/<name>/manifests/<reference>` with the exact bytes.
    pub(super) fn put_manifest(
        &self,
        desc: &Descriptor,
        bytes: &[u8],
        reference: &str,
    ) -> Result<Response> {
        let req = Request::new("PUT", self.manifest_url(reference)?)
            .header("Content-Type", desc.media_type.as_str())
            .body(Body::Bytes(bytes));
        let resp = expect(self.send(req, &["pull", "push"])?, &[200, 201, 202])?;
        if let Some(d) = resp
            .header("docker-content-digest")
            .and_then(|d| Digest::parse(d).ok())
            && d.algorithm() == desc.digest.algorithm()
            && d != desc.digest
        {
            return Err(Error::DigestMismatch {
                expected: desc.digest.to_string(),
                actual: d.to_string(),
            });
        }
        let oci_subject = resp.header("oci-subject").is_some();
        self.after_manifest_put(desc, bytes, oci_subject)?;
        Ok(resp)
    }
}

impl Storage for Repository {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        if media_type::is_manifest(&desc.media_type) {
            self.manifest_exists(desc)
        } else {
            self.blob_exists(desc)
        }
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        if !media_type::is_manifest(&desc.media_type) {
            return self.fetch_blob(desc, offset);
        }
        // Manifests are small and fetched whole; an offset only positions
        // the in-memory copy.
        let (_, bytes) = self.fetch_manifest_reference(&desc.digest.to_string())?;
        let mut cursor = std::io::Cursor::new(bytes);
        cursor.set_position(offset);
        Ok((Box::new(cursor), offset))
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        if !media_type::is_manifest(&desc.media_type) {
            // A blob another repository of this registry was seen to hold
            // is mounted from there; a refused mount uploads (through the
            // session the registry opened instead).
            match self.registry.holders(&desc.digest, &self.name).first() {
                Some(from) => {
                    self.mount_blob(desc, from, source)?;
                }
                None => self.push_blob(desc, source)?,
            }
            self.registry.seen(&desc.digest, &self.name);
            return Ok(());
        }
        let bytes = read_source(desc, source)?;
        self.put_manifest(desc, &bytes, &desc.digest.to_string())?
            .discard();
        Ok(())
    }

    fn repository(&self) -> Option<RepositoryLocation> {
        Some(RepositoryLocation {
            origin: self.origin().to_string(),
            name: self.name.clone(),
        })
    }

    fn as_mounter(&self) -> Option<&dyn Mounter> {
        Some(self)
    }
}

/// Reads a manifest to push from its source, bounded and verified.
fn read_source(desc: &Descriptor, source: &mut dyn Source) -> Result<Vec<u8>> {
    if desc.size > MAX_MANIFEST_SIZE {
        return Err(Error::TooLarge {
            what: "manifest".into(),
            limit: MAX_MANIFEST_SIZE,
        });
    }
    let mut out = Vec::with_capacity(desc.size as usize);
    crate::digest::VerifyReader::new(source.open(0)?, &desc.digest, desc.size)
        .read_to_end(&mut out)
        .map_err(|e| Error::from_io("reading manifest", e))?;
    Ok(out)
}

impl Resolver for Repository {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        self.resolve_manifest(reference)
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        self.fetch_manifest_reference(reference)
    }
}

impl Tagger for Repository {
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        let bytes = fetch_all(self, desc)?;
        self.put_manifest(desc, &bytes, tag)?.discard();
        Ok(())
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
        self.put_manifest(desc, bytes, tag)?.discard();
        Ok(())
    }
}
