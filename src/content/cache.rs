//! A read-through blob cache in front of a target (what oras 1.3 does
//! with `ORAS_CACHE`): content is served from an OCI image layout on disk
//! when it is there, and what is fetched from the source is written into
//! that layout as it streams by, so the next pull of the same blob makes
//! no request for it.
//!
//! A cache is not trusted: an entry is hashed in full before any of it is
//! handed out, and one that does not match its digest (a disk error, a
//! hand edit, a truncated copy) is deleted and fetched again from the
//! source. A blob enters the cache only once all its bytes went by and
//! they matched; a fetch that stops part-way leaves nothing behind. Cache
//! writes are best effort: a full or read-only cache never fails the
//! transfer it sits beside.
//!
//! Tags are never answered from the cache (they move): resolving and
//! fetching by reference always ask the source.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use super::layout::OciLayout;
use super::{
    BlobResolver, BytesSource, Deleter, Mounter, ReferrerLister, RepositoryLocation, Resolver,
    Source, Storage, Stream, TagLister, Tagger, Target,
};
use crate::descriptor::Descriptor;
use crate::digest::Hasher;
use crate::error::Result;
use crate::fsutil;

/// A target whose content is read through a cache directory (an OCI image
/// layout). Writes, tags and listings go to the source unchanged.
///
/// ```no_run
/// use oar::content::cache::Cached;
/// use oar::content::layout::OciLayout;
/// use oar::content::{Resolver, fetch_all};
///
/// # fn main() -> oar::Result<()> {
/// let source = OciLayout::new("/srv/artifacts");
/// let cached = Cached::new(source, OciLayout::new("/var/cache/oras"));
/// let desc = cached.resolve("v1")?;
/// let manifest = fetch_all(&cached, &desc)?; // filled into the cache
/// # let _ = manifest;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Cached<T> {
    source: T,
    cache: OciLayout,
}

impl<T: Target> Cached<T> {
    /// Reads `source` through the layout `cache` (created when first
    /// written).
    pub fn new(source: T, cache: OciLayout) -> Cached<T> {
        Cached { source, cache }
    }

    /// The cache layout.
    pub fn cache(&self) -> &OciLayout {
        &self.cache
    }

    /// The source.
    pub fn source(&self) -> &T {
        &self.source
    }

    /// The cached copy of `desc`, if there is one whose bytes match: an
    /// entry that does not is removed, so it is fetched again.
    fn verified_entry(&self, desc: &Descriptor) -> Option<PathBuf> {
        let path = self.cache.blob_path(&desc.digest);
        let mut f = File::open(&path).ok()?;
        let good = f.metadata().is_ok_and(|m| m.len() == desc.size)
            && crate::digest::digest_reader(desc.digest.algorithm(), &mut f)
                .is_ok_and(|(d, n)| d == desc.digest && n == desc.size);
        if good {
            Some(path)
        } else {
            let _ = fs::remove_file(&path);
            None
        }
    }

    /// Where a fetch from the source is written while it streams: a name
    /// of its own under the cache's `ingest/`, or none when the cache
    /// cannot be written.
    fn ingest_file(&self, desc: &Descriptor) -> Option<(PathBuf, File)> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = self.cache.root().join("ingest");
        self.cache.prepare().ok()?;
        fsutil::ensure_dir(&dir).ok()?;
        let path = dir.join(format!(
            "{}-{}.{}-{}.cache",
            desc.digest.algorithm().name(),
            desc.digest.hex(),
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        Some((path, file))
    }
}

impl<T: Target> Storage for Cached<T> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        self.source.exists(desc)
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        if self.verified_entry(desc).is_some()
            && let Ok(found) = self.cache.fetch_range(desc, offset)
        {
            return Ok(found);
        }
        let (stream, at) = self.source.fetch_range(desc, offset)?;
        // Only a fetch from the first byte can be checked whole.
        if at != 0 {
            return Ok((stream, at));
        }
        match self.ingest_file(desc) {
            Some((path, file)) => Ok((
                Box::new(Tee {
                    inner: stream,
                    file: Some(file),
                    path,
                    hasher: Some(Hasher::new(desc.digest.algorithm())),
                    seen: 0,
                    desc: desc.clone(),
                    target: self.cache.blob_path(&desc.digest),
                }),
                0,
            )),
            None => Ok((stream, 0)),
        }
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        self.source.push(desc, source)
    }

    fn repository(&self) -> Option<RepositoryLocation> {
        self.source.repository()
    }

    fn as_mounter(&self) -> Option<&dyn Mounter> {
        self.source.as_mounter()
    }
}

impl<T: Target> Resolver for Cached<T> {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        self.source.resolve(reference)
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let (desc, bytes) = self.source.fetch_reference(reference)?;
        // Verified by the source; kept so a later fetch by digest is local.
        // As a blob only: listing every manifest in the cache's index.json
        // would rewrite it once per manifest fetched.
        let _ = self.cache.write_blob(&desc, &mut BytesSource(&bytes));
        Ok((desc, bytes))
    }
}

impl<T: Target> Tagger for Cached<T> {
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        self.source.tag(desc, tag)
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
        self.source.push_tagged(desc, bytes, tag)
    }
}

impl<T: Target> Target for Cached<T> {
    fn as_deleter(&self) -> Option<&dyn Deleter> {
        self.source.as_deleter()
    }

    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        self.source.as_tag_lister()
    }

    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        self.source.as_referrer_lister()
    }

    fn as_blob_resolver(&self) -> Option<&dyn BlobResolver> {
        self.source.as_blob_resolver()
    }
}

/// The source's stream, copied into the cache's ingest file as it is
/// read. When the copy saw every byte and they match, the file becomes
/// the cache entry; otherwise it is removed.
struct Tee<'s> {
    inner: Stream<'s>,
    /// None once a cache write failed: the cache is given up, the read
    /// goes on.
    file: Option<File>,
    path: PathBuf,
    hasher: Option<Hasher>,
    seen: u64,
    desc: Descriptor,
    target: PathBuf,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(f) = &mut self.file {
            if f.write_all(&buf[..n]).is_ok() {
                if let Some(h) = &mut self.hasher {
                    h.update(&buf[..n]);
                }
                self.seen += n as u64;
            } else {
                self.file = None;
            }
        }
        Ok(n)
    }
}

impl Drop for Tee<'_> {
    fn drop(&mut self) {
        let complete = self.file.take().is_some_and(|f| f.sync_all().is_ok())
            && self.seen == self.desc.size
            && self
                .hasher
                .take()
                .is_some_and(|h| h.finish() == self.desc.digest);
        let entered = complete
            && self
                .target
                .parent()
                .is_some_and(|d| fs::create_dir_all(d).is_ok())
            && fsutil::commit(&self.path, &self.target).is_ok();
        if !entered {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::fetch_all;
    use crate::digest::Digest;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("oar-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    fn blob(bytes: &[u8]) -> Descriptor {
        Descriptor::new(
            "application/octet-stream",
            Digest::sha256(bytes),
            bytes.len() as u64,
        )
    }

    #[test]
    fn a_fetch_fills_the_cache_and_the_next_is_served_from_it() {
        let d = tmp("fill");
        let source = OciLayout::new(d.join("src"));
        let desc = blob(b"hello cache");
        source
            .push(&desc, &mut BytesSource(b"hello cache"))
            .unwrap();
        let cached = Cached::new(source, OciLayout::new(d.join("cache")));
        assert_eq!(fetch_all(&cached, &desc).unwrap(), b"hello cache");
        let entry = cached.cache().blob_path(&desc.digest);
        assert_eq!(fs::read(&entry).unwrap(), b"hello cache");
        // The source loses the blob: the cache still serves it.
        fs::remove_file(cached.source().blob_path(&desc.digest)).unwrap();
        assert_eq!(fetch_all(&cached, &desc).unwrap(), b"hello cache");
        assert_eq!(fs::read_dir(d.join("cache/ingest")).unwrap().count(), 0);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_corrupt_entry_is_refetched_and_replaced() {
        let d = tmp("corrupt");
        let source = OciLayout::new(d.join("src"));
        let desc = blob(b"good bytes");
        source.push(&desc, &mut BytesSource(b"good bytes")).unwrap();
        let cached = Cached::new(source, OciLayout::new(d.join("cache")));
        fetch_all(&cached, &desc).unwrap();
        let entry = cached.cache().blob_path(&desc.digest);
        // Same size, other bytes: only hashing finds it.
        fs::write(&entry, b"evil bytes").unwrap();
        assert_eq!(fetch_all(&cached, &desc).unwrap(), b"good bytes");
        assert_eq!(fs::read(&entry).unwrap(), b"good bytes");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_partial_read_leaves_no_entry() {
        let d = tmp("partial");
        let source = OciLayout::new(d.join("src"));
        let desc = blob(b"0123456789");
        source.push(&desc, &mut BytesSource(b"0123456789")).unwrap();
        let cached = Cached::new(source, OciLayout::new(d.join("cache")));
        {
            let (mut s, _) = cached.fetch_range(&desc, 0).unwrap();
            let mut four = [0u8; 4];
            s.read_exact(&mut four).unwrap();
        }
        assert!(!cached.cache().blob_path(&desc.digest).exists());
        assert_eq!(fs::read_dir(d.join("cache/ingest")).unwrap().count(), 0);
        // A resumed fetch (not from byte 0) is not cached either.
        let (mut s, at) = cached.fetch_range(&desc, 4).unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert_eq!((at, rest.as_slice()), (4, &b"456789"[..]));
        assert!(!cached.cache().blob_path(&desc.digest).exists());
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_manifest_fetched_by_tag_is_kept_as_a_blob_and_the_tag_asks_the_source() {
        let d = tmp("manifest");
        let source = OciLayout::new(d.join("src"));
        let bytes = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
        let desc = Descriptor::new(
            "application/vnd.oci.image.index.v1+json",
            Digest::sha256(bytes),
            bytes.len() as u64,
        );
        source.push_tagged(&desc, bytes, "v1").unwrap();
        let cached = Cached::new(source, OciLayout::new(d.join("cache")));
        assert_eq!(cached.fetch_reference("v1").unwrap().1, bytes);
        assert_eq!(
            fs::read(cached.cache().blob_path(&desc.digest)).unwrap(),
            bytes
        );
        // Not listed in the cache's index.json, and the tag is not there.
        assert!(!d.join("cache/index.json").exists());
        assert!(cached.cache().resolve("v1").is_err());
        fs::remove_dir_all(&d).unwrap();
    }

    /// A source that says where it is and can mount, to see that the
    /// wrapper passes both on.
    struct Mounting(OciLayout);

    impl Storage for Mounting {
        fn exists(&self, desc: &Descriptor) -> Result<bool> {
            self.0.exists(desc)
        }
        fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
            self.0.fetch_range(desc, offset)
        }
        fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
            self.0.push(desc, source)
        }
        fn repository(&self) -> Option<RepositoryLocation> {
            Some(RepositoryLocation {
                origin: "http://registry".into(),
                name: "repo".into(),
            })
        }
        fn as_mounter(&self) -> Option<&dyn Mounter> {
            Some(self)
        }
    }

    impl Mounter for Mounting {
        fn mount_or_push(&self, _: &Descriptor, _: &str, _: &mut dyn Source) -> Result<bool> {
            Ok(true)
        }
    }

    impl Resolver for Mounting {
        fn resolve(&self, reference: &str) -> Result<Descriptor> {
            self.0.resolve(reference)
        }
        fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
            self.0.fetch_reference(reference)
        }
    }

    impl Tagger for Mounting {
        fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
            self.0.tag(desc, tag)
        }
        fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
            self.0.push_tagged(desc, bytes, tag)
        }
    }

    impl Target for Mounting {}

    #[test]
    fn writes_names_and_abilities_are_the_sources() {
        let d = tmp("forward");
        let cached = Cached::new(
            OciLayout::new(d.join("src")),
            OciLayout::new(d.join("cache")),
        );
        let bytes = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
        let index = Descriptor::new(
            "application/vnd.oci.image.index.v1+json",
            Digest::sha256(bytes),
            bytes.len() as u64,
        );
        let other = blob(b"other");
        assert!(!cached.exists(&other).unwrap());
        cached.push(&other, &mut BytesSource(b"other")).unwrap();
        assert!(cached.exists(&other).unwrap(), "pushed to the source");
        assert!(cached.source().blob_path(&other.digest).is_file());
        assert!(
            !cached.cache().blob_path(&other.digest).exists(),
            "writes skip the cache"
        );
        cached.push_tagged(&index, bytes, "v1").unwrap();
        cached.tag(&index, "v2").unwrap();
        assert_eq!(cached.source().resolve("v2").unwrap().digest, index.digest);
        let tags = crate::content::all_tags(cached.as_tag_lister().unwrap(), "").unwrap();
        assert_eq!(tags, ["v1", "v2"]);
        assert!(
            cached
                .as_referrer_lister()
                .unwrap()
                .referrers(&index, None)
                .unwrap()
                .is_empty()
        );
        assert!(
            cached
                .as_blob_resolver()
                .unwrap()
                .resolve_blob(&other.digest)
                .is_ok()
        );
        cached.as_deleter().unwrap().delete(&other).unwrap();
        assert!(!cached.source().blob_path(&other.digest).exists());
        // Where the source is, and its mounting, pass through.
        let mounting = Cached::new(
            Mounting(OciLayout::new(d.join("m"))),
            OciLayout::new(d.join("c2")),
        );
        assert_eq!(mounting.repository().unwrap().name, "repo");
        assert!(
            mounting
                .as_mounter()
                .unwrap()
                .mount_or_push(&other, "x", &mut BytesSource(b""))
                .unwrap()
        );
        assert!(cached.repository().is_none() && cached.as_mounter().is_none());
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn wrong_bytes_from_the_source_never_enter_the_cache() {
        let d = tmp("wrong");
        let source = OciLayout::new(d.join("src"));
        let desc = blob(b"right");
        source.push(&desc, &mut BytesSource(b"right")).unwrap();
        fs::write(source.blob_path(&desc.digest), b"wrong").unwrap();
        let cached = Cached::new(source, OciLayout::new(d.join("cache")));
        assert!(fetch_all(&cached, &desc).is_err());
        assert!(!cached.cache().blob_path(&desc.digest).exists());
        fs::remove_dir_all(&d).unwrap();
    }
}
