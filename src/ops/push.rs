//! Pushing a packed artifact: a copy by the graph engine
//! ([`crate::copy`]) from the files (and generated blobs) being uploaded
//! to the target. Every blob is checked first (content the destination
//! holds is reported as `Exists` and not sent), then the manifest goes up,
//! by tag when there is one (a single `PUT`).
//!
//! [`push`] and [`attach`] are the one-call forms: files or bytes in, a
//! tagged artifact (or a referrer) out.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::pack::{ImageSpec, PackOptions, Packed, pack};
use crate::archive::{self, DEFAULT_GZIP_LEVEL, HashWriter};
use crate::content::{Source, Storage, Stream, Tagger, Target, describe_file};
use crate::copy::{Action, Graph, Hooks, Observer, Verbs, quiet};
use crate::descriptor::{Annotations, Descriptor};
use crate::digest::{Digest, STREAM_BUFFER};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::manifest::Document;
use crate::media_type::{
    ANNOTATION_CONTENT_DIGEST, ANNOTATION_TITLE, ANNOTATION_UNPACK, OCI_LAYER_TAR,
    OCI_LAYER_TAR_GZIP,
};

/// A temporary file, removed when dropped.
#[derive(Debug)]
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Where an upload's bytes are.
#[derive(Debug)]
enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// A blob to push and where its bytes come from: a file, a packed
/// directory, bytes in memory, or any reader (spooled to a temporary file
/// as it is hashed). Uploads can be reopened at any offset, so an
/// interrupted upload resumes.
#[derive(Debug)]
pub struct Upload {
    /// What is pushed.
    pub desc: Descriptor,
    content: Content,
    /// Entries of a directory that tar cannot carry and were left out
    /// (sockets, devices).
    pub skipped: Vec<String>,
    /// The packed directory or spooled stream, deleted with the upload.
    _temp: Option<TempFile>,
}

/// How directories are packed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DirectoryOptions {
    /// The gzip level, 0 to 9.
    pub gzip_level: u32,
}

impl Default for DirectoryOptions {
    fn default() -> Self {
        DirectoryOptions {
            gzip_level: DEFAULT_GZIP_LEVEL,
        }
    }
}

impl DirectoryOptions {
    /// Compresses at `level` (0 to 9).
    pub fn gzip_level(mut self, level: u32) -> Self {
        self.gzip_level = level.min(9);
        self
    }
}

fn titled(mut desc: Descriptor, title: &str) -> Descriptor {
    if !title.is_empty() {
        desc.set_annotation(ANNOTATION_TITLE, title);
    }
    desc
}

impl Upload {
    /// A file on disk as a layer named `title` (hashed now, read again while
    /// uploading).
    pub fn file(path: &Path, media_type: &str, title: &str) -> Result<Upload> {
        if path.is_dir() {
            return Err(Error::Unsupported(format!(
                "{}: is a directory",
                path.display()
            )));
        }
        let (desc, _) = describe_file(path, media_type)?;
        Ok(Upload {
            desc: titled(desc, title),
            content: Content::File(path.to_path_buf()),
            skipped: Vec::new(),
            _temp: None,
        })
    }

    /// Bytes in memory as a layer named `title` (empty: no title).
    pub fn bytes(data: Vec<u8>, media_type: &str, title: &str) -> Upload {
        let desc = titled(Descriptor::from_bytes(media_type, &data), title);
        Upload {
            desc,
            content: Content::Bytes(data),
            skipped: Vec::new(),
            _temp: None,
        }
    }

    /// Whatever `reader` yields, as a layer named `title`: written to a
    /// temporary file (in `$TMPDIR`) while it is hashed, so memory stays
    /// bounded and the upload can resume.
    pub fn reader(reader: &mut dyn Read, media_type: &str, title: &str) -> Result<Upload> {
        let (tmp, digest, size, ()) = spool("oar-upload", |out| {
            crate::digest::copy_stream(reader, out)
                .map(drop)
                .map_err(|e| Error::from_io("spooling an upload", e))
        })?;
        Ok(Upload {
            desc: titled(Descriptor::new(media_type, digest, size), title),
            content: Content::File(tmp.0.clone()),
            skipped: Vec::new(),
            _temp: Some(tmp),
        })
    }

    /// A directory as a gzipped tar layer named `title`, as ORAS packs it
    /// (annotations `io.deis.oras.content.unpack` and
    /// `io.deis.oras.content.digest`). The archive is written once to a
    /// temporary file (in `$TMPDIR`), hashed on the way, and uploaded from
    /// there; memory stays bounded whatever the directory's size.
    pub fn directory(
        path: &Path,
        media_type: &str,
        title: &str,
        opts: &DirectoryOptions,
    ) -> Result<Upload> {
        let (tmp, digest, size, packed) = spool("oar-dir", |out| {
            archive::pack(path, title, out, opts.gzip_level)
        })?;
        let mut desc = Descriptor::new(media_type, digest, size);
        desc.set_annotation(ANNOTATION_TITLE, title);
        desc.set_annotation(ANNOTATION_UNPACK, "true");
        desc.set_annotation(ANNOTATION_CONTENT_DIGEST, packed.tar_digest.to_string());
        Ok(Upload {
            desc,
            content: Content::File(tmp.0.clone()),
            skipped: packed.skipped,
            _temp: Some(tmp),
        })
    }

    /// A file or a directory, `media_type` defaulting to ORAS's choice for
    /// each (`…layer.v1.tar` for files, `…layer.v1.tar+gzip` for
    /// directories).
    pub fn path(
        path: &Path,
        media_type: Option<&str>,
        title: &str,
        opts: &DirectoryOptions,
    ) -> Result<Upload> {
        let meta = std::fs::metadata(path).map_err(|e| {
            // Named absolute, as oras names a missing file.
            let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            Error::io(format!("stat {}", shown.display()), e)
        })?;
        if meta.is_dir() {
            Upload::directory(path, media_type.unwrap_or(OCI_LAYER_TAR_GZIP), title, opts)
        } else {
            Upload::file(path, media_type.unwrap_or(OCI_LAYER_TAR), title)
        }
    }
}

/// Writes what `write` produces to a temporary file (in `$TMPDIR`),
/// hashing it on the way: the file (removed when dropped), its digest and
/// size, and `write`'s result.
fn spool<T>(
    prefix: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<T>,
) -> Result<(TempFile, Digest, u64, T)> {
    let dir = std::env::temp_dir();
    let tmp = TempFile(fsutil::temp_path(&dir, prefix));
    // Failures name the directory ($TMPDIR), which the user can change
    // or clear; the file's own name means nothing to them.
    let shown = dir.join("");
    let file = fsutil::create_new(&tmp.0, 0o600, &shown)?;
    let mut hashed = HashWriter::new(std::io::BufWriter::with_capacity(STREAM_BUFFER, file));
    let out = write(&mut hashed)?;
    let (digest, size, buffered) = hashed.finish();
    let file = buffered
        .into_inner()
        .map_err(|e| Error::io(format!("writing {}", shown.display()), e.into_error()))?;
    file.sync_all()
        .map_err(|e| Error::io(format!("writing {}", shown.display()), e))?;
    Ok((tmp, digest, size, out))
}

/// The blobs of one push, served to the graph engine by digest.
struct UploadSet<'a> {
    blobs: HashMap<Digest, &'a Content>,
    generated: HashMap<Digest, &'static [u8]>,
}

impl Storage for UploadSet<'_> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        Ok(self.blobs.contains_key(&desc.digest) || self.generated.contains_key(&desc.digest))
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let start = |len: usize| usize::try_from(offset).unwrap_or(usize::MAX).min(len);
        if let Some(bytes) = self.generated.get(&desc.digest) {
            return Ok((Box::new(&bytes[start(bytes.len())..]), offset));
        }
        match self.blobs.get(&desc.digest) {
            Some(Content::Bytes(b)) => Ok((Box::new(&b[start(b.len())..]), offset)),
            Some(Content::File(path)) => {
                let mut f = std::fs::File::open(path)
                    .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
                if offset > 0 {
                    f.seek(SeekFrom::Start(offset))
                        .map_err(|e| Error::io(format!("seeking {}", path.display()), e))?;
                }
                Ok((Box::new(f), offset))
            }
            // Not at the destination (or it would not be asked for), and
            // not given: the caller packed a layer it did not pass.
            None => {
                let name = desc
                    .title()
                    .map(|t| format!(" ({})", crate::text::escape_controls(t)))
                    .unwrap_or_default();
                Err(Error::invalid(format!(
                    "the packed manifest names {}{name}, which none of the uploads holds and the destination does not have: pass the Upload it was packed from",
                    desc.digest
                )))
            }
        }
    }

    fn push(&self, desc: &Descriptor, _source: &mut dyn Source) -> Result<()> {
        Err(Error::Unsupported(format!(
            "the files of a push are only read ({})",
            desc.digest
        )))
    }
}

/// Push hooks: the manifest's own blobs (not its subject, which the
/// destination already holds), reported to the caller's observer.
struct PushHooks<'o>(&'o mut dyn Observer);

impl Observer for PushHooks<'_> {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        self.0.event(action, desc)
    }

    fn progress(&mut self, desc: &Descriptor, done: u64) -> ControlFlow<()> {
        self.0.progress(desc, done)
    }
}

impl Hooks for PushHooks<'_> {
    fn successors(&mut self, desc: &Descriptor, bytes: &[u8]) -> Result<Vec<Descriptor>> {
        Ok(match Document::parse(&desc.media_type, bytes)? {
            Document::Manifest(m) => std::iter::once(m.config).chain(m.layers).collect(),
            Document::Index(i) => i.manifests,
        })
    }
}

/// Pushes the blobs of `packed` (the generated ones plus `uploads`, which
/// must hold every user-supplied layer and config), then its manifest,
/// tagged `tag` if given. Reports each node to `obs`, whose progress can
/// stop the push.
pub fn push_packed(
    target: &dyn Target,
    packed: &Packed,
    uploads: Vec<Upload>,
    tag: Option<&str>,
    obs: &mut dyn Observer,
) -> Result<()> {
    let set = UploadSet {
        blobs: uploads
            .iter()
            .map(|u| (u.desc.digest.clone(), &u.content))
            .collect(),
        generated: packed
            .generated
            .iter()
            .map(|(d, b)| (d.digest.clone(), *b))
            .collect(),
    };
    let mut hooks = PushHooks(obs);
    Graph::new(&set, target, &mut hooks, Verbs::UPLOAD).copy(
        &packed.desc,
        Some(packed.bytes.clone()),
        tag.map(|t| (target as &dyn Tagger, t)),
    )
}

/// Packs `files` into an image-spec 1.1 artifact of `artifact_type` and
/// pushes it to `target`, tagged `tag` if given, in one call. Returns the
/// manifest's descriptor.
///
/// ```
/// use oar::content::layout::OciLayout;
/// use oar::content::Resolver;
/// use oar::ops::push::{Upload, push};
///
/// let dir = std::env::temp_dir().join(format!("oar-doc-push-{}", std::process::id()));
/// let layout = OciLayout::new(&dir);
/// let files = vec![
///     Upload::bytes(b"weights".to_vec(), "application/vnd.example.weights", "model.bin"),
///     Upload::reader(&mut &b"readme"[..], "text/plain", "README")?,
/// ];
/// let desc = push(&layout, "application/vnd.example.model", files, Some("v1"))?;
/// assert_eq!(layout.resolve("v1")?.digest, desc.digest);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), oar::Error>(())
/// ```
pub fn push(
    target: &dyn Target,
    artifact_type: &str,
    files: Vec<Upload>,
    tag: Option<&str>,
) -> Result<Descriptor> {
    let opts = PackOptions {
        artifact_type: Some(artifact_type.to_string()),
        ..Default::default()
    };
    let packed = pack(files.iter().map(|u| u.desc.clone()).collect(), &opts)?;
    push_packed(target, &packed, files, tag, &mut quiet())?;
    Ok(packed.desc)
}

/// Attaches `files` (and `annotations`) to the manifest `subject` names in
/// `target`, as a referrer of `artifact_type`; a registry without the
/// referrers API gets its tag-schema index updated. Returns the
/// referrer's descriptor.
///
/// ```
/// use oar::content::layout::OciLayout;
/// use oar::content::ReferrerLister;
/// use oar::ops::push::{Upload, attach, push};
///
/// let dir = std::env::temp_dir().join(format!("oar-doc-attach-{}", std::process::id()));
/// let layout = OciLayout::new(&dir);
/// let subject = push(&layout, "application/vnd.example", vec![], Some("v1"))?;
/// let sbom = Upload::bytes(b"{}".to_vec(), "application/spdx+json", "sbom.json");
/// let referrer = attach(&layout, "v1", "application/vnd.example.sbom", vec![sbom], Default::default())?;
/// let found = layout.referrers(&subject, Some("application/vnd.example.sbom"))?;
/// assert_eq!(found[0].digest, referrer.digest);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), oar::Error>(())
/// ```
pub fn attach(
    target: &dyn Target,
    subject: &str,
    artifact_type: &str,
    files: Vec<Upload>,
    annotations: Annotations,
) -> Result<Descriptor> {
    let found = target.resolve(subject)?;
    let opts = PackOptions {
        spec: ImageSpec::V1_1,
        artifact_type: Some(artifact_type.to_string()),
        manifest_annotations: annotations,
        subject: Some(Descriptor::new(found.media_type, found.digest, found.size)),
        ..Default::default()
    };
    let packed = pack(files.iter().map(|u| u.desc.clone()).collect(), &opts)?;
    push_packed(target, &packed, files, None, &mut quiet())?;
    Ok(packed.desc)
}
