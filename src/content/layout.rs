//! An OCI image layout directory as a store (image spec, "OCI Image Layout"):
//!
//! ```text
//! DIR/oci-layout            {"imageLayoutVersion":"1.0.0"}
//! DIR/index.json            an image index; tags are the
//!                           org.opencontainers.image.ref.name annotation
//! DIR/blobs/<alg>/<hex>     content, manifests included
//! ```
//!
//! As in oras-go, every manifest pushed is listed in `index.json` (untagged
//! unless tagged), so other OCI tools find it. Blobs are written to
//! `DIR/ingest/` under names unique to the process and the call, verified,
//! and renamed into place only when their size and digest match; the
//! `ingest` directory is left in place, so that no writer loses it while
//! another one uses it.
//!
//! `index.json` is never cached: it is read when needed, and every change
//! to it is made under an exclusive `flock` on `DIR/index.json.lock`
//! (re-read, change, write a temporary file, rename), so any number of
//! handles, threads and processes can tag and push into one layout without
//! losing a write. Readers take no lock: the rename makes every version
//! they see whole.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::files;
use super::{
    Deleter, ReferrerLister, Resolver, Source, Storage, Stream, TagLister, Tagger, Target,
    fetch_all, push_bytes,
};
use crate::descriptor::Descriptor;
use crate::diagnostics::Hook;
use crate::digest::Digest;
use crate::error::{Error, Missing, Result};
use crate::fsutil;
use crate::manifest::{self, Index, MAX_MANIFEST_SIZE};
use crate::media_type::{self, ANNOTATION_REF_NAME};

/// The content of the `oci-layout` file.
pub(crate) const LAYOUT_FILE: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// Largest `index.json` read: it lists every manifest, so it may outgrow
/// a single manifest.
pub(crate) const MAX_INDEX_SIZE: u64 = 4 * MAX_MANIFEST_SIZE;

/// The lock file that serialises changes to `index.json`.
pub const LOCK_FILE: &str = "index.json.lock";

/// An OCI image layout on disk. Handles are cheap and hold no state: any
/// number of them, in any threads or processes, may work on one directory.
#[derive(Debug, Clone)]
pub struct OciLayout {
    root: PathBuf,
}

impl OciLayout {
    /// A store rooted at `root`. Nothing is read or created until used; the
    /// first write creates the directory, `oci-layout` and `index.json`.
    pub fn new(root: impl Into<PathBuf>) -> OciLayout {
        OciLayout { root: root.into() }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a blob lives.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root
            .join("blobs")
            .join(digest.algorithm().name())
            .join(digest.hex())
    }

    /// The current `index.json` (an empty index when there is none yet).
    fn index(&self) -> Result<Index> {
        let path = self.root.join("index.json");
        let idx = match File::open(&path) {
            Ok(f) => read_index(f, &path.display().to_string())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !self.root.is_dir() {
                    return Ok(Index::new());
                }
                self.check_layout_file()?;
                Index::new()
            }
            Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
        };
        Ok(idx)
    }

    /// Runs `f` holding the layout's exclusive lock (`flock` on
    /// [`LOCK_FILE`]), which serialises every change to `index.json`
    /// between handles, threads and processes.
    fn with_lock<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.ensure_layout()?;
        let lock_path = self.root.join(LOCK_FILE);
        let lock = exclusive(&lock_path)
            .map_err(|e| Error::io(format!("locking the layout {}", self.root.display()), e))?;
        let out = f();
        // Closing the file releases the lock.
        drop(lock);
        out
    }

    fn save_index(&self, idx: &Index) -> Result<()> {
        fsutil::write_atomic(
            &self.root.join("index.json"),
            &manifest::marshal(idx),
            0o644,
        )
    }

    /// Changes `index.json` under the lock: read afresh, `change` edits it
    /// and says whether anything changed, and a changed index replaces the
    /// file atomically before the lock is released.
    fn update_index<T>(&self, change: impl FnOnce(&mut Index) -> Result<(bool, T)>) -> Result<T> {
        self.with_lock(|| {
            let mut idx = self.index()?;
            let (changed, out) = change(&mut idx)?;
            if changed || !self.root.join("index.json").exists() {
                self.save_index(&idx)?;
            }
            Ok(out)
        })
    }

    fn check_layout_file(&self) -> Result<()> {
        let p = self.root.join("oci-layout");
        match fs::read(&p) {
            Ok(b) => check_layout_version(&b, &p.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(format!("reading {}", p.display()), e)),
        }
    }

    /// Creates the directory and its `oci-layout` file if needed (checking
    /// the version of one that is there).
    pub(crate) fn prepare(&self) -> Result<()> {
        self.ensure_layout()
    }

    fn ensure_layout(&self) -> Result<()> {
        fsutil::ensure_dir(&self.root)?;
        let p = self.root.join("oci-layout");
        if !p.exists() {
            fsutil::write_atomic(&p, LAYOUT_FILE, 0o644)?;
        } else {
            self.check_layout_file()?;
        }
        Ok(())
    }
}

/// Lists a manifest in `idx`, untagged, unless it is listed already (as
/// oras-go lists every manifest it stores, so other OCI tools find it);
/// true when `idx` changed.
pub(crate) fn list_manifest(idx: &mut Index, desc: &Descriptor) -> bool {
    if idx.manifests.iter().any(|m| m.digest == desc.digest) {
        return false;
    }
    let mut d = desc.clone();
    if let Some(a) = d.annotations.as_mut() {
        a.remove(ANNOTATION_REF_NAME);
    }
    idx.manifests.push(d);
    true
}

/// Points `tag` at `desc` in `idx`: the tag moves, and an untagged entry
/// of the same manifest is absorbed.
pub(crate) fn set_tag(idx: &mut Index, desc: &Descriptor, tag: &str) {
    idx.manifests.retain(|d| {
        let name = d.annotation(ANNOTATION_REF_NAME);
        name != Some(tag) && !(name.is_none() && d.digest == desc.digest)
    });
    let mut d = desc.clone();
    d.set_annotation(ANNOTATION_REF_NAME, tag);
    idx.manifests.push(d);
}

/// Checks a layout tag: free text (oras takes "my tag"), but not empty
/// and not a digest, which would name content instead.
pub(crate) fn check_tag(tag: &str) -> Result<()> {
    if tag.is_empty() || Digest::parse(tag).is_ok() {
        return Err(Error::invalid(format!("invalid tag {tag:?}")));
    }
    Ok(())
}

/// Reads and parses an `index.json`, bounded by [`MAX_INDEX_SIZE`];
/// `what` names it in errors.
pub(crate) fn read_index(r: impl Read, what: &str) -> Result<Index> {
    let mut buf = Vec::new();
    r.take(MAX_INDEX_SIZE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(format!("reading {what}"), e))?;
    if buf.len() as u64 > MAX_INDEX_SIZE {
        return Err(Error::TooLarge {
            what: what.to_string(),
            limit: MAX_INDEX_SIZE,
        });
    }
    serde_json::from_slice(&buf).map_err(|e| Error::Protocol(format!("{what}: invalid index: {e}")))
}

/// Checks the content of an `oci-layout` file (`what` names it).
pub(crate) fn check_layout_version(bytes: &[u8], what: &str) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct L {
        #[serde(rename = "imageLayoutVersion")]
        v: String,
    }
    let l: L = serde_json::from_slice(bytes)
        .map_err(|_| Error::Protocol(format!("{what}: invalid oci-layout file")))?;
    if l.v != "1.0.0" {
        return Err(Error::Unsupported(format!("image layout version {}", l.v)));
    }
    Ok(())
}

/// The `index.json` entry a reference names: a tag names its entry as
/// written (annotations, platform), as oras-go's store answers; a digest
/// names plain content.
pub(crate) fn find_in(idx: &Index, reference: &str) -> Option<Descriptor> {
    // A tag first: layout tags may hold a colon (`example.com/foo:v1`).
    if let Some(found) = idx
        .manifests
        .iter()
        .find(|d| d.annotation(ANNOTATION_REF_NAME) == Some(reference))
    {
        return Some(found.clone());
    }
    if !reference.contains(':') {
        return None;
    }
    let found = idx
        .manifests
        .iter()
        .find(|d| d.digest.to_string() == reference)?;
    Some(Descriptor::new(
        found.media_type.clone(),
        found.digest.clone(),
        found.size,
    ))
}

/// Resolves a reference in a layout whose `index.json` is `idx`: a
/// listed tag or digest, else a digest of content held but not listed
/// (the child of an index, say), whose media type is read from the
/// content. `size_of` gives the size of held content; `name` names the
/// layout in errors.
pub(crate) fn resolve_in(
    store: &dyn Storage,
    idx: &Index,
    reference: &str,
    size_of: impl Fn(&Digest) -> Option<u64>,
    name: &str,
) -> Result<Descriptor> {
    if let Some(d) = find_in(idx, reference) {
        return Ok(d);
    }
    let not_found = || Error::not_found(Missing::Manifest, format!("{name}:{reference}"));
    // Not listed, and not a digest: a tag the layout does not hold (a tag
    // may hold a colon, so a colon does not make a digest).
    let Ok(digest) = Digest::parse(reference) else {
        return Err(not_found());
    };
    let size = size_of(&digest).ok_or_else(not_found)?;
    let probe = Descriptor::new(media_type::OCI_MANIFEST, digest.clone(), size);
    let bytes = fetch_all(store, &probe)?;
    let mt = manifest::detect_media_type(&bytes)?;
    Ok(Descriptor::new(mt, digest, size))
}

/// Hands the tags of `idx` after `last` to `page`, sorted, as one page.
pub(crate) fn tags_in(
    idx: &Index,
    last: &str,
    page: &mut dyn FnMut(Vec<String>) -> Result<()>,
) -> Result<()> {
    let mut tags: Vec<String> = idx
        .manifests
        .iter()
        .filter_map(|d| d.annotation(ANNOTATION_REF_NAME).map(str::to_string))
        .filter(|t| last.is_empty() || t.as_str() > last)
        .collect();
    tags.sort();
    tags.dedup();
    page(tags)
}

/// Finds the referrers of `subject` among the manifests of `queue` and
/// the children of the indexes among them, read from `store`; bounded by
/// [`MAX_SCANNED`] manifests. Unreadable manifests are passed over.
pub(crate) fn scan_referrers(
    store: &dyn Storage,
    mut queue: Vec<Descriptor>,
    subject: &Descriptor,
    artifact_type: Option<&str>,
) -> Result<Vec<Descriptor>> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Descriptor> = Vec::new();
    while let Some(d) = queue.pop() {
        if !seen.insert(d.digest.clone()) || !media_type::is_manifest(&d.media_type) {
            continue;
        }
        if seen.len() > MAX_SCANNED {
            return Err(Error::TooLarge {
                what: "manifests scanned for referrers".into(),
                limit: MAX_SCANNED as u64,
            });
        }
        let Ok(bytes) = fetch_all(store, &d) else {
            continue;
        };
        let Ok(doc) = manifest::Document::parse(&d.media_type, &bytes) else {
            continue;
        };
        if let manifest::Document::Index(i) = &doc {
            queue.extend(i.manifests.iter().cloned());
        }
        if doc.subject().is_some_and(|s| s.digest == subject.digest) {
            let r = doc.referrer_descriptor(&d);
            if artifact_type.is_none_or(|t| r.artifact_type.as_deref() == Some(t))
                && !out.iter().any(|o| o.digest == r.digest)
            {
                out.push(r);
            }
        }
    }
    out.sort_by(|a, b| a.digest.cmp(&b.digest));
    Ok(out)
}

impl Storage for OciLayout {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        match fs::metadata(self.blob_path(&desc.digest)) {
            Ok(m) => Ok(m.is_file()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io("checking blob", e)),
        }
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let path = self.blob_path(&desc.digest);
        let mut f = File::open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::not_found(
                    Missing::Content,
                    format!("{}@{}", self.root.display(), desc.digest),
                )
            } else {
                Error::io(format!("opening {}", path.display()), e)
            }
        })?;
        if offset > 0 {
            f.seek(SeekFrom::Start(offset))
                .map_err(|e| Error::io(format!("seeking {}", path.display()), e))?;
        }
        Ok((
            Box::new(f.take(desc.size.saturating_sub(offset).saturating_add(1))),
            offset,
        ))
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        if media_type::is_manifest(&desc.media_type) {
            // Content and listing together under the lock, so that a
            // concurrent delete cannot come between them.
            return self.with_lock(|| {
                self.write_blob(desc, source)?;
                let mut idx = self.index()?;
                if !list_manifest(&mut idx, desc) && self.root.join("index.json").exists() {
                    return Ok(());
                }
                self.save_index(&idx)
            });
        }
        self.write_blob(desc, source)
    }
}

impl OciLayout {
    /// Writes a blob through `ingest/` unless it is there.
    ///
    /// One writer per blob at a time, across handles, threads and
    /// processes: `ingest/<alg>-<hex>.lock` is held while it is written,
    /// and a writer that waited for it finds the blob there and is done.
    /// The bytes go to `ingest/<alg>-<hex>.partial`, verified as they
    /// come; when a transfer stops (cancelled, a lost connection), what
    /// arrived stays there and the next push of the blob resumes from it,
    /// after hashing it again. Content that does not verify is deleted.
    pub(crate) fn write_blob(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        let target = self.blob_path(&desc.digest);
        if target.exists() {
            return Ok(());
        }
        self.ensure_layout()?;
        let dir = target.parent().expect("blob paths have parents");
        fsutil::ensure_dir(dir)?;
        let ingest = self.root.join("ingest");
        // Created if needed, never removed: another writer may be about to
        // create its file there.
        fsutil::ensure_dir(&ingest)?;
        let name = format!("{}-{}", desc.digest.algorithm().name(), desc.digest.hex());
        let lock_path = ingest.join(format!("{name}.lock"));
        let locked = exclusive(&lock_path)
            .map_err(|e| Error::io(format!("writing {}", self.root.display()), e))?;
        if target.exists() {
            // Written by whoever held the lock before.
            return Ok(());
        }
        let partial = ingest.join(format!("{name}.partial"));
        files::download_resumable(&partial, &self.root, desc, source, &Hook::default())?;
        fsutil::commit(&partial, &target)?;
        // Whoever waits on this lock finds the blob there; a later writer
        // makes a new lock file and finds it too.
        let _ = fs::remove_file(&lock_path);
        drop(locked);
        Ok(())
    }
}

/// Opens (creating it if needed) the lock file at `path` and waits for its
/// exclusive `flock`, which closing the file releases.
fn exclusive(path: &Path) -> std::io::Result<File> {
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    f.lock()?;
    Ok(f)
}

impl Resolver for OciLayout {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        let size_of = |d: &Digest| {
            fs::metadata(self.blob_path(d))
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        };
        resolve_in(
            self,
            &self.index()?,
            reference,
            size_of,
            &self.root.display().to_string(),
        )
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let d = self.resolve(reference)?;
        let bytes = fetch_all(self, &d)?;
        Ok((d, bytes))
    }
}

impl Tagger for OciLayout {
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        check_tag(tag)?;
        if !self.exists(desc)? {
            return Err(Error::not_found(
                Missing::Manifest,
                format!("{}@{}", self.root.display(), desc.digest),
            ));
        }
        self.update_index(|idx| {
            set_tag(idx, desc, tag);
            Ok((true, ()))
        })
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
        push_bytes(self, desc, bytes)?;
        self.tag(desc, tag)
    }
}

impl Deleter for OciLayout {
    fn delete(&self, desc: &Descriptor) -> Result<()> {
        let path = self.blob_path(&desc.digest);
        self.with_lock(|| {
            let mut idx = self.index()?;
            let before = idx.manifests.len();
            idx.manifests.retain(|d| d.digest != desc.digest);
            if !path.exists() && before == idx.manifests.len() {
                return Err(Error::not_found(
                    Missing::Manifest,
                    format!("{}@{}", self.root.display(), desc.digest),
                ));
            }
            // The index first, then the content, both under the lock: no
            // reader meets a listed manifest without content, and no
            // writer lists it again in between.
            if before != idx.manifests.len() {
                self.save_index(&idx)?;
            }
            fsutil::remove_if_exists(&path)
        })
    }
}

impl TagLister for OciLayout {
    /// One page, sorted.
    fn tags(&self, last: &str, page: &mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<()> {
        tags_in(&self.index()?, last, page)
    }
}

impl ReferrerLister for OciLayout {
    /// Scans the manifests listed in `index.json`, and the children of
    /// listed indexes, for a `subject` pointing at `subject`. Bounded by
    /// [`MAX_SCANNED`] manifests.
    fn referrers(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        scan_referrers(self, self.index()?.manifests, subject, artifact_type)
    }
}

/// How many manifests a layout referrer scan reads at most.
pub const MAX_SCANNED: usize = 100_000;

impl super::BlobResolver for OciLayout {
    fn resolve_blob(&self, digest: &Digest) -> Result<Descriptor> {
        match fs::metadata(self.blob_path(digest)) {
            Ok(m) if m.is_file() => Ok(Descriptor::new(
                super::OCTET_STREAM,
                digest.clone(),
                m.len(),
            )),
            _ => Err(Error::not_found(
                Missing::Blob,
                format!("{}@{digest}", self.root.display()),
            )),
        }
    }
}

impl Target for OciLayout {
    fn as_deleter(&self) -> Option<&dyn Deleter> {
        Some(self)
    }

    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        Some(self)
    }

    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        Some(self)
    }

    fn as_blob_resolver(&self) -> Option<&dyn super::BlobResolver> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::fetch_all;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("oar-layout-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn push_tag_resolve_round_trip() {
        let root = tmp("rt");
        let l = OciLayout::new(&root);
        let blob = Descriptor::from_bytes("a/b", b"hello");
        push_bytes(&l, &blob, b"hello").unwrap();
        assert!(l.exists(&blob).unwrap());
        assert_eq!(fetch_all(&l, &blob).unwrap(), b"hello");
        let m = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5},"layers":[]}"#;
        let md = Descriptor::from_bytes(media_type::OCI_MANIFEST, m);
        l.push_tagged(&md, m, "v1").unwrap();
        assert_eq!(l.resolve("v1").unwrap().digest, md.digest);
        assert_eq!(l.resolve(&md.digest.to_string()).unwrap().digest, md.digest);
        l.tag(&md, "v2").unwrap();
        assert_eq!(crate::content::all_tags(&l, "").unwrap(), vec!["v1", "v2"]);
        assert_eq!(fs::read(root.join("oci-layout")).unwrap(), LAYOUT_FILE);
        // A fresh handle reads what the first one wrote.
        let again = OciLayout::new(&root);
        assert_eq!(again.resolve("v2").unwrap().digest, md.digest);
        // The ingest directory stays, empty.
        assert_eq!(fs::read_dir(root.join("ingest")).unwrap().count(), 0);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn corrupt_push_leaves_nothing() {
        let root = tmp("bad");
        let l = OciLayout::new(&root);
        let d = Descriptor::from_bytes("a/b", b"hello");
        let err = push_bytes(&l, &d, b"hellO").unwrap_err();
        assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
        assert!(!l.exists(&d).unwrap());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn missing_tag_is_not_found() {
        let root = tmp("nf");
        let l = OciLayout::new(&root);
        assert!(l.resolve("nope").unwrap_err().is_not_found());
    }
}
