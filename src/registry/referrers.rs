//! Referrers on a registry (distribution spec v1.1, "Listing Referrers"):
//! the API (`GET /v2/<name>/referrers/<digest>`), and the tag schema that
//! stands in where the API is missing: an image index tagged
//! `<alg>-<hex>` listing the referrers, which the client that pushes a
//! referrer keeps up to date.
//!
//! Lists are bounded in pages and entries; `Link` pages are followed on the
//! same origin only.

use std::sync::Mutex;

use super::{Repository, endpoints, expect, link, lock};
use crate::content::{ReferrerLister, fetch_all};
use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::http::{Request, url};
use crate::manifest::{Document, Index, MAX_MANIFEST_SIZE, marshal};
use crate::media_type;

/// Most referrers listed for one subject.
pub const MAX_REFERRERS: usize = 10_000;

/// Most pages of the referrers API followed for one subject.
pub const MAX_REFERRER_PAGES: usize = 100;

/// How a repository lists and records referrers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReferrersMode {
    /// Not known yet: try the API, fall back to the tag schema.
    #[default]
    Auto,
    /// The referrers API (`--distribution-spec v1.1-referrers-api`).
    Api,
    /// The tag schema (`--distribution-spec v1.1-referrers-tag`).
    Tag,
}

impl ReferrersMode {
    /// Parses a distribution-spec name: `v1.1-referrers-api` or
    /// `v1.1-referrers-tag`.
    pub fn parse(s: &str) -> Result<ReferrersMode> {
        match s {
            "v1.1-referrers-api" => Ok(ReferrersMode::Api),
            "v1.1-referrers-tag" => Ok(ReferrersMode::Tag),
            other => Err(Error::invalid(format!(
                "unknown distribution specification {other:?} (expected v1.1-referrers-api or v1.1-referrers-tag)"
            ))),
        }
    }
}

/// The fallback tag of a subject: `<alg>-<hex>`, the algorithm truncated
/// to 32 characters and the hex to 64, as the spec asks.
pub fn referrers_tag(digest: &Digest) -> String {
    let alg = digest.algorithm().name();
    let hex = digest.hex();
    format!(
        "{}-{}",
        &alg[..alg.len().min(32)],
        &hex[..hex.len().min(64)]
    )
}

/// True for tags shaped like a referrers fallback tag (`sha256-<hex>`: an
/// algorithm and a hex digest joined by `-`), which registries without
/// the referrers API hold beside the tags people give.
///
/// ```
/// use oar::registry::referrers::is_referrers_tag;
/// assert!(is_referrers_tag(&format!("sha256-{}", "a".repeat(64))));
/// assert!(!is_referrers_tag("sha256-abc"));
/// assert!(!is_referrers_tag("v1"));
/// ```
pub fn is_referrers_tag(tag: &str) -> bool {
    tag.split_once('-')
        .is_some_and(|(alg, hex)| Digest::parse(&format!("{alg}:{hex}")).is_ok())
}

/// Per-repository referrers state.
#[derive(Debug, Default)]
pub(super) struct ReferrersState {
    pub(super) mode: Mutex<ReferrersMode>,
}

fn parse_index(bytes: &[u8]) -> Result<Index> {
    match Document::parse(media_type::OCI_INDEX, bytes)? {
        Document::Index(i) => Ok(i),
        Document::Manifest(_) => Err(Error::Protocol(
            "a referrers list must be an image index".into(),
        )),
    }
}

impl Repository {
    /// Forces or resets how referrers are listed and recorded.
    pub fn set_referrers_mode(&self, mode: ReferrersMode) {
        *lock(&self.referrers.mode) = mode;
    }

    /// The current mode (learned after the first referrers request).
    pub fn referrers_mode(&self) -> ReferrersMode {
        *lock(&self.referrers.mode)
    }

    /// The referrers API; `None` when the registry does not have it.
    fn referrers_api(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Option<Vec<Descriptor>>> {
        let mut u = endpoints::referrers(self.origin(), &self.name, &subject.digest.to_string());
        if let Some(t) = artifact_type {
            u = url::append_query(&u, "artifactType", t);
        }
        let mut out: Vec<Descriptor> = Vec::new();
        for page in 0..MAX_REFERRER_PAGES {
            let resp = self.send(
                Request::new("GET", &u).header("Accept", media_type::OCI_INDEX),
                &["pull"],
            )?;
            let is_index = resp
                .header("content-type")
                .is_some_and(|c| c.split(';').next().unwrap_or("").trim() == media_type::OCI_INDEX);
            if page == 0 && (resp.status == 404 || (resp.status == 200 && !is_index)) {
                resp.discard();
                return Ok(None);
            }
            let resp = expect(resp, &[200])?;
            let filtered = resp
                .headers_all("oci-filters-applied")
                .any(|v| v.split(',').any(|f| f.trim() == "artifactType"));
            let next = link::next_page(&resp.url, resp.header("link"))?;
            let body = resp.read_limited(MAX_MANIFEST_SIZE, "referrers list")?;
            let idx = parse_index(&body)?;
            for d in idx.manifests {
                let keep =
                    filtered || artifact_type.is_none_or(|t| d.artifact_type.as_deref() == Some(t));
                if keep {
                    out.push(d);
                }
            }
            if out.len() > MAX_REFERRERS {
                return Err(Error::TooLarge {
                    what: format!("referrers list of {}", subject.digest),
                    limit: MAX_REFERRERS as u64,
                });
            }
            match next {
                Some(n) => u = n,
                None => return Ok(Some(out)),
            }
        }
        Err(Error::Protocol(format!(
            "referrers list longer than {MAX_REFERRER_PAGES} pages"
        )))
    }

    /// The index at the subject's fallback tag, and its descriptor; an empty
    /// index when the tag does not exist.
    fn referrers_index(&self, subject: &Digest) -> Result<(Option<Descriptor>, Index)> {
        match crate::content::Resolver::fetch_reference(self, &referrers_tag(subject)) {
            Ok((desc, bytes)) => Ok((Some(desc), parse_index(&bytes)?)),
            Err(e) if e.is_not_found() => Ok((None, Index::new())),
            Err(e) => Err(e),
        }
    }

    fn referrers_tag_schema(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        let (_, idx) = self.referrers_index(&subject.digest)?;
        if idx.manifests.len() > MAX_REFERRERS {
            return Err(Error::TooLarge {
                what: format!("referrers list of {}", subject.digest),
                limit: MAX_REFERRERS as u64,
            });
        }
        Ok(idx
            .manifests
            .into_iter()
            .filter(|d| artifact_type.is_none_or(|t| d.artifact_type.as_deref() == Some(t)))
            .collect())
    }

    /// Records `referrer` in the subject's fallback index (no duplicates),
    /// then removes the index it replaces, best effort.
    pub(super) fn index_referrer(&self, subject: &Descriptor, referrer: &Descriptor) -> Result<()> {
        self.update_referrers_index(&subject.digest, |idx| {
            if idx.manifests.iter().any(|d| d.digest == referrer.digest) {
                return false;
            }
            idx.manifests.push(referrer.clone());
            true
        })
    }

    /// Removes `referrer` from the subject's fallback index.
    pub(super) fn unindex_referrer(&self, subject: &Descriptor, referrer: &Digest) -> Result<()> {
        self.update_referrers_index(&subject.digest, |idx| {
            let before = idx.manifests.len();
            idx.manifests.retain(|d| &d.digest != referrer);
            before != idx.manifests.len()
        })
    }

    fn update_referrers_index(
        &self,
        subject: &Digest,
        change: impl FnOnce(&mut Index) -> bool,
    ) -> Result<()> {
        let (old, mut idx) = self.referrers_index(subject)?;
        if !change(&mut idx) {
            return Ok(());
        }
        let tag = referrers_tag(subject);
        if idx.manifests.is_empty() {
            // Nothing refers to the subject any more: drop the tag's index.
            if let Some(old) = old {
                let _ = crate::content::Deleter::delete(self, &old);
            }
            return Ok(());
        }
        let bytes = marshal(&idx);
        let desc = Descriptor::from_bytes(media_type::OCI_INDEX, &bytes);
        self.put_manifest(&desc, &bytes, &tag)?.discard();
        if let Some(old) = old.filter(|o| o.digest != desc.digest) {
            // Garbage from the previous version; registries that refuse
            // deletes keep it, which is harmless.
            let _ = crate::content::Deleter::delete(self, &old);
        }
        Ok(())
    }

    /// After a manifest `PUT`: record a referrer where the registry did not
    /// (no `OCI-Subject` answer), learning the registry's capability.
    pub(super) fn after_manifest_put(
        &self,
        desc: &Descriptor,
        bytes: &[u8],
        oci_subject: bool,
    ) -> Result<()> {
        if !media_type::is_manifest(&desc.media_type) {
            return Ok(());
        }
        let Ok(doc) = Document::parse(&desc.media_type, bytes) else {
            return Ok(());
        };
        let Some(subject) = doc.subject() else {
            return Ok(());
        };
        match (self.referrers_mode(), oci_subject) {
            // Forced, or learned: the API records referrers itself.
            (ReferrersMode::Api, _) => Ok(()),
            (ReferrersMode::Auto, true) => {
                self.set_referrers_mode(ReferrersMode::Api);
                Ok(())
            }
            // Forced tag schema, or a registry that did not record it.
            (ReferrersMode::Tag, _) | (ReferrersMode::Auto, false) => {
                self.index_referrer(subject, &doc.referrer_descriptor(desc))?;
                self.set_referrers_mode(ReferrersMode::Tag);
                Ok(())
            }
        }
    }

    /// Before deleting a manifest: its subject, when the fallback index
    /// will need updating.
    pub(super) fn subject_to_unindex(&self, desc: &Descriptor) -> Option<Descriptor> {
        if self.referrers_mode() == ReferrersMode::Api || !media_type::is_manifest(&desc.media_type)
        {
            return None;
        }
        let bytes = fetch_all(self, desc).ok()?;
        Document::parse(&desc.media_type, &bytes)
            .ok()?
            .subject()
            .cloned()
    }
}

impl ReferrerLister for Repository {
    fn referrers(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        match self.referrers_mode() {
            ReferrersMode::Tag => self.referrers_tag_schema(subject, artifact_type),
            mode => match self.referrers_api(subject, artifact_type)? {
                Some(list) => {
                    self.set_referrers_mode(ReferrersMode::Api);
                    Ok(list)
                }
                None if mode == ReferrersMode::Api => Err(Error::Unsupported(format!(
                    "{} does not support the referrers API",
                    self.registry.name
                ))),
                None => {
                    self.set_referrers_mode(ReferrersMode::Tag);
                    self.referrers_tag_schema(subject, artifact_type)
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_tag() {
        let d = Digest::sha256(b"x");
        assert_eq!(referrers_tag(&d), format!("sha256-{}", d.hex()));
        let long = Digest::of_bytes(crate::digest::Algorithm::Sha512, b"x");
        let t = referrers_tag(&long);
        assert_eq!(t.len(), "sha512-".len() + 64);
        assert!(crate::reference::is_valid_tag(&t));
    }

    #[test]
    fn modes_parse() {
        assert_eq!(
            ReferrersMode::parse("v1.1-referrers-api").unwrap(),
            ReferrersMode::Api
        );
        assert_eq!(
            ReferrersMode::parse("v1.1-referrers-tag").unwrap(),
            ReferrersMode::Tag
        );
        assert!(ReferrersMode::parse("v1.0").is_err());
    }
}
