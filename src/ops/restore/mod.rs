//! Restoring artifacts from an OCI image layout into a registry, as
//! `oras restore` (ORAS CLI 1.3) does, from a directory, a tar archive, or
//! a tar stream read as it arrives (`restore --input -`), and checking a
//! layout without restoring it.
//!
//! From a directory or an archive file ([`restore`]), each tag is copied
//! by the graph engine with its referrers, every blob verified against its
//! digest as it is read (before its last byte is sent), and content the
//! registry holds already is skipped, so a restore that was interrupted
//! continues where it stopped. Tags are written last, once every artifact
//! and referrer is in place: a restore that fails writes no tag.
//!
//! From a stream ([`restore_stream`]), members are handled as they
//! arrive: each blob is verified as it is read and pushed (unless the
//! registry has it), and manifests are set aside in a spool file. When
//! `index.json`, the last member, arrives, the manifests are pushed from
//! the spool, children first, and then the tags. A stream cut short or
//! corrupted fails naming the member, and writes no tag.
//!
//! [`verify_stream`] and [`verify_directory`] check a layout the same way
//! without a registry: every blob's digest, and that everything
//! `index.json` names can be reached.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Mutex;

mod stream;

pub use stream::{Verified, restore_stream, verify_directory, verify_stream};

use super::backup::{Artifact, Moved, Recorder};
use crate::content::spool::Spool;
use crate::content::{
    BytesSource, ReferrerLister, Resolver, Source, Storage, Stream, Tagger, Target, fetch_all,
    skip_to,
};
use crate::copy::{Action, Graph, Hooks, Observer, ObserverHooks, Verbs};
use crate::descriptor::Descriptor;
use crate::digest::{Digest, Hasher, VerifyReader, copy_stream};
use crate::error::{Error, Missing, Result};
use crate::manifest::{Document, MAX_MANIFEST_SIZE};
use crate::media_type;

/// Restore settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RestoreOptions {
    /// Also restore the referrers of each artifact (and, for an index,
    /// those of its manifests), recursively. oras restores them unless
    /// told not to.
    pub referrers: bool,
}

impl RestoreOptions {
    /// Restores referrers too.
    pub fn referrers(mut self, yes: bool) -> Self {
        self.referrers = yes;
        self
    }
}

/// What a restore (or a dry run) did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Each tag restored, with its referrers.
    pub artifacts: Vec<Artifact>,
    /// Every piece of content handled, each once, in order.
    pub content: Vec<Moved>,
}

/// A source store whose blobs are verified as they are read, also when an
/// upload reads them in chunks: the hash runs on from one chunk to the
/// next, and the digest is checked before the last byte is handed over.
struct Verifying<'a> {
    inner: &'a dyn Target,
    /// Hashes of blobs read part-way, by digest: (hasher, bytes hashed).
    running: Mutex<HashMap<Digest, (Hasher, u64)>>,
    /// The first blob found corrupt, with what it hashed to: the upload
    /// that read it fails with its own words, and this names the blob.
    corrupt: Mutex<Option<Error>>,
}

/// A verified stream that leaves its hash for the next chunk when dropped.
struct Running<'a> {
    reader: Option<VerifyReader<Stream<'a>>>,
    digest: Digest,
    running: &'a Mutex<HashMap<Digest, (Hasher, u64)>>,
    corrupt: &'a Mutex<Option<Error>>,
}

impl Read for Running<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(r) = self.reader.as_mut() else {
            return Ok(0);
        };
        r.read(buf).inspect_err(|e| {
            let inner = e.get_ref().and_then(|i| i.downcast_ref::<Error>());
            let found = match inner {
                Some(Error::DigestMismatch { actual, .. }) => Some(format!(
                    "blob {} is corrupt in the restore source: its content hashes to {actual}",
                    self.digest
                )),
                Some(Error::SizeMismatch { expected, actual }) => Some(format!(
                    "blob {} is corrupt in the restore source: it is {actual} bytes, not {expected}",
                    self.digest
                )),
                _ => None,
            };
            if let Some(m) = found {
                lock(self.corrupt).get_or_insert(Error::Protocol(m));
            }
        })
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if let Some(r) = self.reader.take()
            && let (Some(h), seen) = r.into_state()
        {
            lock(self.running).insert(self.digest.clone(), (h, seen));
        }
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<'a> Verifying<'a> {
    fn new(inner: &'a dyn Target) -> Verifying<'a> {
        Verifying {
            inner,
            running: Mutex::new(HashMap::new()),
            corrupt: Mutex::new(None),
        }
    }
}

impl Storage for Verifying<'_> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        self.inner.exists(desc)
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let kept = lock(&self.running).remove(&desc.digest);
        let hasher = match kept {
            Some((h, at)) if at == offset => h,
            // A chunk sent again, or a first read that starts late: hash
            // the bytes before it from the store (a local file).
            _ => {
                let mut h = Hasher::new(desc.digest.algorithm());
                if offset > 0 {
                    let (s, at) = self.inner.fetch_range(desc, 0)?;
                    let n = copy_stream(&mut s.take(offset), &mut h)
                        .map_err(|e| Error::from_io(format!("reading {}", desc.digest), e))?;
                    if at != 0 || n != offset {
                        return Err(Error::SizeMismatch {
                            expected: desc.size,
                            actual: n,
                        });
                    }
                }
                h
            }
        };
        let (mut stream, at) = self.inner.fetch_range(desc, offset)?;
        if at != offset {
            skip_to(&mut stream, at, offset, desc.size)?;
        }
        let reader = VerifyReader::resume(stream, &desc.digest, desc.size, hasher, offset);
        Ok((
            Box::new(Running {
                reader: Some(reader),
                digest: desc.digest.clone(),
                running: &self.running,
                corrupt: &self.corrupt,
            }),
            offset,
        ))
    }

    fn push(&self, _desc: &Descriptor, _source: &mut dyn Source) -> Result<()> {
        Err(Error::Unsupported("the restore source is read-only".into()))
    }
}

impl Resolver for Verifying<'_> {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        self.inner.resolve(reference)
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        self.inner.fetch_reference(reference)
    }
}

impl Tagger for Verifying<'_> {
    fn tag(&self, _desc: &Descriptor, _tag: &str) -> Result<()> {
        Err(Error::Unsupported("the restore source is read-only".into()))
    }

    fn push_tagged(&self, _desc: &Descriptor, _bytes: &[u8], _tag: &str) -> Result<()> {
        Err(Error::Unsupported("the restore source is read-only".into()))
    }
}

impl Target for Verifying<'_> {
    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        self.inner.as_referrer_lister()
    }
}

/// The destination of a restore walk, holding back every manifest with
/// a `subject` (and whatever lists one) until the walk is over. Pushing
/// a referrer writes a tag on a registry without the referrers API (the
/// referrers index, `sha256-<hex>`), and no tag may be written before
/// everything is in place: the held manifests go up once every blob was
/// read and verified.
struct Deferring<'a> {
    inner: &'a dyn Storage,
    held: Mutex<(Spool, HashSet<Digest>)>,
}

impl<'a> Deferring<'a> {
    fn new(inner: &'a dyn Storage) -> Result<Deferring<'a>> {
        Ok(Deferring {
            inner,
            held: Mutex::new((Spool::new()?, HashSet::new())),
        })
    }

    /// Pushes what was held back, in the order it came (children first).
    fn flush(self) -> Result<()> {
        let (spool, _) = self.held.into_inner().unwrap_or_else(|e| e.into_inner());
        for d in spool.descriptors() {
            self.inner
                .push(d, &mut BytesSource(&spool.get(&d.digest)?))?;
        }
        Ok(())
    }
}

impl Storage for Deferring<'_> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        if lock(&self.held).1.contains(&desc.digest) {
            return Ok(true);
        }
        self.inner.exists(desc)
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        self.inner.fetch_range(desc, offset)
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        if !media_type::is_manifest(&desc.media_type) {
            return self.inner.push(desc, source);
        }
        let mut bytes = Vec::new();
        VerifyReader::new(source.open(0)?, &desc.digest, desc.size)
            .take(MAX_MANIFEST_SIZE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::from_io(format!("reading manifest {}", desc.digest), e))?;
        let doc = Document::parse(&desc.media_type, &bytes)?;
        let mut held = lock(&self.held);
        let hold =
            doc.subject().is_some() || doc.successors().iter().any(|c| held.1.contains(&c.digest));
        if hold {
            held.0.put(desc, &bytes)?;
            held.1.insert(desc.digest.clone());
            return Ok(());
        }
        drop(held);
        self.inner.push(desc, &mut BytesSource(&bytes))
    }

    fn repository(&self) -> Option<crate::content::RepositoryLocation> {
        self.inner.repository()
    }

    fn as_mounter(&self) -> Option<&dyn crate::content::Mounter> {
        self.inner.as_mounter()
    }
}

/// Walks each root (and with `opts.referrers` its referrers) through
/// `graph`, untagged. Every tag is checked first: they come from a
/// layout's or an archive's `index.json`, which anyone may have written,
/// and a bad one refuses the restore before anything is pushed.
fn walk_roots(
    graph: &mut Graph<'_>,
    src: &dyn Target,
    roots: &[(String, Descriptor)],
    opts: &RestoreOptions,
) -> Result<Vec<Artifact>> {
    for (tag, _) in roots {
        crate::reference::validate_tag(tag)?;
    }
    let mut artifacts = Vec::new();
    for (tag, root) in roots {
        let plain = Descriptor::new(root.media_type.clone(), root.digest.clone(), root.size);
        graph.copy(&plain, None, None)?;
        let referrers = if opts.referrers {
            graph.copy_referrers(src, &plain)?
        } else {
            Vec::new()
        };
        artifacts.push(Artifact {
            tag: tag.clone(),
            root: plain,
            referrers,
        });
    }
    Ok(artifacts)
}

/// Copies every root (with its referrers) into `dst`, then the referrers
/// held back, then tags them all with `tagger` (the destination's).
pub(super) fn copy_then_tag(
    src: &dyn Target,
    dst: &dyn Storage,
    tagger: &dyn Tagger,
    roots: &[(String, Descriptor)],
    opts: &RestoreOptions,
    hooks: &mut dyn Hooks,
) -> Result<Vec<Artifact>> {
    let deferring = Deferring::new(dst)?;
    let artifacts = {
        let mut graph = Graph::new(src, &deferring, hooks, Verbs::UPLOAD);
        walk_roots(&mut graph, src, roots, opts)?
    };
    deferring.flush()?;
    for a in &artifacts {
        let bytes = fetch_all(src, &a.root)?;
        tagger.push_tagged(&a.root, &bytes, &a.tag)?;
    }
    Ok(artifacts)
}

/// Restores the artifacts `roots` (tags and what they name in `src`, a
/// layout directory or archive) into `dst`, tagged the same there, with
/// their referrers if asked. Reports to `obs` with the verbs
/// `Uploading`/`Uploaded`. Every blob is verified as it is read; tags
/// are written once everything else is in place.
///
/// ```
/// use oar::content::Resolver;
/// use oar::content::layout::OciLayout;
/// use oar::ops::push::{Upload, push};
/// use oar::ops::restore::{RestoreOptions, restore};
///
/// let dir = std::env::temp_dir().join(format!("oar-doc-restore-{}", std::process::id()));
/// let backup = OciLayout::new(dir.join("backup"));
/// let hello = Upload::bytes(b"hello".to_vec(), "text/plain", "hello.txt");
/// let pushed = push(&backup, "application/vnd.example", vec![hello], Some("v1"))?;
///
/// let registry = OciLayout::new(dir.join("registry"));
/// let roots = vec![("v1".to_string(), backup.resolve("v1")?)];
/// let report = restore(&backup, &registry, &roots, &RestoreOptions::default(), &mut oar::copy::quiet())?;
/// assert_eq!(registry.resolve("v1")?.digest, pushed.digest);
/// assert_eq!(report.content.len(), 3); // the file, the empty config, the manifest
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), oar::Error>(())
/// ```
pub fn restore(
    src: &dyn Target,
    dst: &dyn Target,
    roots: &[(String, Descriptor)],
    opts: &RestoreOptions,
    obs: &mut dyn Observer,
) -> Result<Report> {
    let verifying = Verifying::new(src);
    let mut rec = Recorder::new(obs, Action::Uploaded);
    let artifacts = copy_then_tag(
        &verifying,
        dst,
        dst,
        roots,
        opts,
        &mut ObserverHooks(&mut rec),
    )
    .map_err(|e| {
        // However the upload reported it, a corrupt blob is named.
        lock(&verifying.corrupt).take().unwrap_or(e)
    })?;
    Ok(Report {
        artifacts,
        content: rec.into_moved(),
    })
}

/// A destination that takes nothing and reads nothing: what a walk would
/// push, for a dry run, or a check that everything named is held.
pub(super) struct Plan<'a> {
    /// Content known to be held, with its size (a check); `None` takes
    /// everything (a dry run).
    pub(super) held: Option<&'a HashMap<Digest, u64>>,
    /// Content the walk reached.
    pub(super) reached: Mutex<HashSet<Digest>>,
}

impl Storage for Plan<'_> {
    fn exists(&self, _desc: &Descriptor) -> Result<bool> {
        Ok(false)
    }

    fn fetch_range(&self, desc: &Descriptor, _offset: u64) -> Result<(Stream<'_>, u64)> {
        Err(Error::not_found(Missing::Content, desc.digest.to_string()))
    }

    fn push(&self, desc: &Descriptor, _source: &mut dyn Source) -> Result<()> {
        if let Some(held) = self.held {
            match held.get(&desc.digest) {
                Some(&size) if size == desc.size => {}
                Some(&size) => {
                    return Err(Error::Protocol(format!(
                        "{} is {size} bytes in the layout, but {} bytes where it is used",
                        desc.digest, desc.size
                    )));
                }
                None => {
                    return Err(Error::not_found(
                        Missing::Blob,
                        format!("{} (missing from the layout)", desc.digest),
                    ));
                }
            }
        }
        lock(&self.reached).insert(desc.digest.clone());
        Ok(())
    }
}

/// Walks what restoring `roots` from `src` would push, pushing and
/// reading no blob: a dry run. The content is reported as transferred.
pub fn plan(
    src: &dyn Target,
    roots: &[(String, Descriptor)],
    opts: &RestoreOptions,
) -> Result<Report> {
    let plan = Plan {
        held: None,
        reached: Mutex::new(HashSet::new()),
    };
    let mut quiet = crate::copy::quiet();
    let mut rec = Recorder::new(&mut quiet, Action::Uploaded);
    let artifacts = {
        let mut hooks = ObserverHooks(&mut rec);
        let mut graph = Graph::new(src, &plan, &mut hooks, Verbs::UPLOAD);
        walk_roots(&mut graph, src, roots, opts)?
    };
    Ok(Report {
        artifacts,
        content: rec.into_moved(),
    })
}
