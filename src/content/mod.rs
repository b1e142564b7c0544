//! The storage abstraction every backend implements (a registry
//! repository, an OCI image layout, a memory store), and the helpers built
//! on it.
//!
//! Capabilities are small traits, as in oras-go: [`Storage`] moves content
//! by descriptor, [`Resolver`] and [`Tagger`] handle names, and [`Target`]
//! bundles them with optional abilities (deleting, listing tags, referrers)
//! that a caller discovers at run time.

pub mod cache;
pub mod files;
pub mod layout;
pub mod memory;
pub(crate) mod spool;
pub mod tarlayout;
pub mod tarwriter;

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::descriptor::Descriptor;
use crate::digest::VerifyReader;
use crate::error::{Error, Result};
use crate::manifest::{Document, MAX_MANIFEST_SIZE};
use crate::media_type;

/// A byte stream borrowed from a store.
pub type Stream<'a> = Box<dyn Read + 'a>;

/// Content to push, which can be reopened at an offset so that an
/// interrupted upload resumes instead of starting over.
pub trait Source {
    /// Opens the content starting at byte `offset`.
    fn open(&mut self, offset: u64) -> Result<Stream<'_>>;
}

/// Content in memory.
pub struct BytesSource<'a>(pub &'a [u8]);

impl Source for BytesSource<'_> {
    fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.0.len());
        Ok(Box::new(&self.0[start..]))
    }
}

/// Content in a file, reopened and seeked on every open.
pub struct FileSource(pub PathBuf);

impl Source for FileSource {
    fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
        let mut f = std::fs::File::open(&self.0)
            .map_err(|e| Error::io(format!("opening {}", self.0.display()), e))?;
        if offset > 0 {
            f.seek(SeekFrom::Start(offset))
                .map_err(|e| Error::io(format!("seeking {}", self.0.display()), e))?;
        }
        Ok(Box::new(f))
    }
}

/// A stream that can be read once (standard input): it cannot resume.
pub struct OnceSource<'r>(pub Option<Box<dyn Read + 'r>>);

impl Source for OnceSource<'_> {
    fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
        match (offset, self.0.take()) {
            (0, Some(r)) => Ok(r),
            _ => Err(Error::Unsupported(
                "this input cannot be re-read to resume an upload".into(),
            )),
        }
    }
}

/// Content fetched from another store, reopened with a ranged fetch.
pub struct StoreSource<'s> {
    /// Where the content lives.
    pub store: &'s dyn Storage,
    /// What to fetch.
    pub desc: Descriptor,
}

impl Source for StoreSource<'_> {
    fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
        let (stream, at) = self.store.fetch_range(&self.desc, offset)?;
        if at == offset {
            return Ok(stream);
        }
        // The store started earlier than asked (a registry that ignores
        // ranges): skip to the offset.
        let mut stream = stream;
        skip_to(&mut stream, at, offset, self.desc.size)?;
        Ok(stream)
    }
}

/// Reads and drops the bytes of a stream that starts at `at` until it
/// reaches `offset`, for a source that ignored a range request; content
/// that ends first is a size mismatch against `size`.
pub fn skip_to(stream: &mut dyn Read, at: u64, offset: u64, size: u64) -> Result<()> {
    let skip = offset.saturating_sub(at);
    let skipped = std::io::copy(&mut stream.take(skip), &mut std::io::sink())
        .map_err(|e| Error::from_io("skipping to the resume offset", e))?;
    if skipped != skip {
        return Err(Error::SizeMismatch {
            expected: size,
            actual: at + skipped,
        });
    }
    Ok(())
}

/// A stream of bytes held in memory, from `offset` (for stores that hold
/// small content whole: manifests, a memory store).
pub(crate) fn bytes_stream(bytes: &[u8], offset: u64) -> Stream<'static> {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    Box::new(std::io::Cursor::new(bytes[start..].to_vec()))
}

/// Moves content by descriptor. Stores are shared between threads.
pub trait Storage: Send + Sync {
    /// True if the store holds the content.
    fn exists(&self, desc: &Descriptor) -> Result<bool>;

    /// Streams the content from byte `offset`, returning the stream and the
    /// offset it really starts at (0 when a server ignored the range). The
    /// stream is not verified; see [`fetch_verified`] and [`fetch_all`].
    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)>;

    /// Stores the content. Implementations verify size and digest, or rely
    /// on a server that does.
    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()>;

    /// Where this store is, when it is a repository on a registry.
    fn repository(&self) -> Option<RepositoryLocation> {
        None
    }

    /// Mounting, when the store can take blobs from another repository of
    /// its registry without moving bytes.
    fn as_mounter(&self) -> Option<&dyn Mounter> {
        None
    }
}

/// A registry repository's place: its registry's origin and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryLocation {
    /// `scheme://host[:port]` of the registry.
    pub origin: String,
    /// The repository's name.
    pub name: String,
}

/// Takes blobs from another repository of the same registry.
pub trait Mounter {
    /// Mounts `desc` from repository `from`; when the registry refuses,
    /// uploads it from `source` instead. True when it was mounted.
    fn mount_or_push(&self, desc: &Descriptor, from: &str, source: &mut dyn Source)
    -> Result<bool>;
}

/// Turns names (tags or digests) into descriptors.
pub trait Resolver {
    /// Resolves a tag or digest to the descriptor of a manifest.
    fn resolve(&self, reference: &str) -> Result<Descriptor>;

    /// Resolves and fetches a manifest in one step where the backend can
    /// (one `GET` instead of `HEAD` + `GET`). The bytes are verified.
    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)>;
}

/// Points tags at manifests.
pub trait Tagger {
    /// Tags the manifest `desc` as `tag`.
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()>;

    /// Pushes manifest bytes and tags them in one step where the backend
    /// can (a registry `PUT` by tag).
    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()>;
}

/// Removes content.
pub trait Deleter {
    /// Deletes the manifest or blob.
    fn delete(&self, desc: &Descriptor) -> Result<()>;
}

/// Lists tags.
pub trait TagLister {
    /// Hands the tags after `last` (all when empty) to `page`, one page at
    /// a time in the store's order, so that memory stays at one page
    /// whatever the number of tags. An error from `page` stops the
    /// listing.
    fn tags(&self, last: &str, page: &mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<()>;
}

/// Most entries a listing (tags, repositories) hands out: a registry that
/// keeps sending pages cannot keep a client busy forever.
pub const MAX_LIST_ENTRIES: u64 = 1_000_000;

/// Every tag of `lister` after `last`, collected (at most
/// [`MAX_LIST_ENTRIES`]).
pub fn all_tags(lister: &dyn TagLister, last: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    lister.tags(last, &mut |page| {
        out.extend(page);
        Ok(())
    })?;
    Ok(out)
}

/// Every tag after `last`, like [`all_tags`], without the referrers
/// fallback tags (`sha256-<hex>`, see
/// [`is_referrers_tag`](crate::registry::referrers::is_referrers_tag)):
/// the tags people gave.
pub fn all_tags_without_referrers(lister: &dyn TagLister, last: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    lister.tags(last, &mut |page| {
        out.extend(
            page.into_iter()
                .filter(|t| !crate::registry::referrers::is_referrers_tag(t)),
        );
        Ok(())
    })?;
    Ok(out)
}

/// Describes a blob known only by digest (`blob fetch`, `blob delete`).
pub trait BlobResolver {
    /// The blob's descriptor (media type `application/octet-stream`), or
    /// [`Error::NotFound`].
    fn resolve_blob(&self, digest: &crate::digest::Digest) -> Result<Descriptor>;
}

/// The media type reported for a blob known only by digest.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// Finds the manifests that refer to a subject (image spec 1.1 referrers).
pub trait ReferrerLister {
    /// The referrers of `subject`, optionally only those of
    /// `artifact_type`, as descriptors carrying `artifactType` and
    /// annotations.
    fn referrers(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>>;
}

/// A store with names: what commands operate on.
pub trait Target: Storage + Resolver + Tagger {
    /// Deletion, if supported.
    fn as_deleter(&self) -> Option<&dyn Deleter> {
        None
    }

    /// Tag listing, if supported.
    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        None
    }

    /// Referrer listing, if supported.
    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        None
    }

    /// Blob lookup by digest, if supported.
    fn as_blob_resolver(&self) -> Option<&dyn BlobResolver> {
        None
    }
}

/// A boxed target is a target, so wrappers such as
/// [`cache::Cached`] take what a caller opened at run time.
impl<T: Target + ?Sized> Storage for Box<T> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        (**self).exists(desc)
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        (**self).fetch_range(desc, offset)
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        (**self).push(desc, source)
    }

    fn repository(&self) -> Option<RepositoryLocation> {
        (**self).repository()
    }

    fn as_mounter(&self) -> Option<&dyn Mounter> {
        (**self).as_mounter()
    }
}

impl<T: Target + ?Sized> Resolver for Box<T> {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        (**self).resolve(reference)
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        (**self).fetch_reference(reference)
    }
}

impl<T: Target + ?Sized> Tagger for Box<T> {
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        (**self).tag(desc, tag)
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
        (**self).push_tagged(desc, bytes, tag)
    }
}

impl<T: Target + ?Sized> Target for Box<T> {
    fn as_deleter(&self) -> Option<&dyn Deleter> {
        (**self).as_deleter()
    }

    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        (**self).as_tag_lister()
    }

    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        (**self).as_referrer_lister()
    }

    fn as_blob_resolver(&self) -> Option<&dyn BlobResolver> {
        (**self).as_blob_resolver()
    }
}

/// Streams content whose size and digest are checked as it is read: reading
/// to the end fails if they differ.
pub fn fetch_verified<'s>(
    store: &'s dyn Storage,
    desc: &Descriptor,
) -> Result<VerifyReader<Stream<'s>>> {
    let (stream, at) = store.fetch_range(desc, 0)?;
    debug_assert_eq!(at, 0);
    Ok(VerifyReader::new(stream, &desc.digest, desc.size))
}

/// Fetches small content (a manifest, a config) into memory, verified and
/// bounded by [`MAX_MANIFEST_SIZE`].
pub fn fetch_all(store: &dyn Storage, desc: &Descriptor) -> Result<Vec<u8>> {
    if desc.size > MAX_MANIFEST_SIZE {
        return Err(Error::TooLarge {
            what: format!("{} {}", desc.media_type, desc.digest),
            limit: MAX_MANIFEST_SIZE,
        });
    }
    let mut r = fetch_verified(store, desc)?;
    let mut out = Vec::with_capacity(desc.size as usize);
    r.read_to_end(&mut out)
        .map_err(|e| Error::from_io(format!("fetching {}", desc.digest), e))?;
    Ok(out)
}

/// Pushes bytes (a manifest, a config), with their descriptor.
pub fn push_bytes(store: &dyn Storage, desc: &Descriptor, bytes: &[u8]) -> Result<()> {
    store.push(desc, &mut BytesSource(bytes))
}

/// The children of a node, read from the store when the node is a manifest
/// or index; blobs have none.
pub fn successors(store: &dyn Storage, desc: &Descriptor) -> Result<Vec<Descriptor>> {
    if !media_type::is_manifest(&desc.media_type) {
        return Ok(Vec::new());
    }
    let bytes = fetch_all(store, desc)?;
    Ok(Document::parse(&desc.media_type, &bytes)?.successors())
}

/// Opens a file for pushing: its descriptor (hashed in one streaming pass)
/// and a reopenable source.
pub fn describe_file(path: &Path, media_type: &str) -> Result<(Descriptor, FileSource)> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let (digest, size) = crate::digest::digest_reader(crate::digest::Algorithm::Sha256, &mut f)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    Ok((
        Descriptor::new(media_type, digest, size),
        FileSource(path.to_path_buf()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_reopen_at_offsets() {
        let mut b = BytesSource(b"hello");
        let mut s = String::new();
        b.open(2).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "llo");
        let mut once = OnceSource(Some(Box::new(&b"x"[..])));
        assert!(once.open(0).is_ok());
        assert!(once.open(0).is_err());
    }
}
