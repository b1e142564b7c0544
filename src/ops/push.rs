//! Pushing a packed artifact: every blob once (a `HEAD` first, so content
//! the destination holds is reported as `Exists` and not sent), then the
//! manifest, by tag when there is one (a single `PUT`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::pack::Packed;
use super::{Action, Observer};
use crate::archive::{self, HashWriter};
use crate::content::{BytesSource, FileSource, Source, Target, describe_file};
use crate::descriptor::Descriptor;
use crate::digest::{Digest, STREAM_BUFFER};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::media_type::{
    ANNOTATION_CONTENT_DIGEST, ANNOTATION_TITLE, ANNOTATION_UNPACK, OCI_LAYER_TAR,
    OCI_LAYER_TAR_GZIP,
};

/// A temporary file, removed when dropped.
#[derive(Debug)]
pub struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A blob to push and where its bytes come from.
pub struct Upload<'a> {
    /// What is pushed.
    pub desc: Descriptor,
    /// Its content.
    pub source: Box<dyn Source + 'a>,
    /// Entries of a directory that tar cannot carry and were left out
    /// (sockets, devices).
    pub skipped: Vec<String>,
    /// The packed directory, deleted with the upload.
    _temp: Option<TempFile>,
}

impl Upload<'_> {
    /// A file on disk as a layer named `title` (hashed now, read again while
    /// uploading).
    pub fn file(path: &Path, media_type: &str, title: &str) -> Result<Upload<'static>> {
        if path.is_dir() {
            return Err(Error::Unsupported(format!(
                "{}: is a directory",
                path.display()
            )));
        }
        let (mut desc, source) = describe_file(path, media_type)?;
        if !title.is_empty() {
            desc.set_annotation(ANNOTATION_TITLE, title);
        }
        Ok(Upload {
            desc,
            source: Box::new(source),
            skipped: Vec::new(),
            _temp: None,
        })
    }

    /// A directory as a gzipped tar layer named `title`, as ORAS packs it
    /// (annotations `io.deis.oras.content.unpack` and
    /// `io.deis.oras.content.digest`). The archive is written once to a
    /// temporary file (in `$TMPDIR`), hashed on the way, and uploaded from
    /// there; memory stays bounded whatever the directory's size.
    pub fn directory(path: &Path, media_type: &str, title: &str) -> Result<Upload<'static>> {
        let tmp = TempFile(fsutil::temp_path(&std::env::temp_dir(), "oar-dir"));
        let file = fsutil::create_new(&tmp.0, 0o600)?;
        let mut hashed = HashWriter::new(std::io::BufWriter::with_capacity(STREAM_BUFFER, file));
        let packed = archive::pack(path, title, &mut hashed)?;
        let (digest, size, buffered) = hashed.finish();
        let file = buffered
            .into_inner()
            .map_err(|e| Error::io(format!("writing {}", tmp.0.display()), e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io(format!("writing {}", tmp.0.display()), e))?;
        let mut desc = Descriptor::new(media_type, digest, size);
        desc.set_annotation(ANNOTATION_TITLE, title);
        desc.set_annotation(ANNOTATION_UNPACK, "true");
        desc.set_annotation(ANNOTATION_CONTENT_DIGEST, packed.tar_digest.to_string());
        Ok(Upload {
            desc,
            source: Box::new(FileSource(tmp.0.clone())),
            skipped: packed.skipped,
            _temp: Some(tmp),
        })
    }

    /// A file or a directory, `media_type` defaulting to ORAS's choice for
    /// each (`…layer.v1.tar` for files, `…layer.v1.tar+gzip` for
    /// directories).
    pub fn path(path: &Path, media_type: Option<&str>, title: &str) -> Result<Upload<'static>> {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        if meta.is_dir() {
            Upload::directory(path, media_type.unwrap_or(OCI_LAYER_TAR_GZIP), title)
        } else {
            Upload::file(path, media_type.unwrap_or(OCI_LAYER_TAR), title)
        }
    }
}

/// Pushes the blobs of `packed` (the generated ones plus `uploads`, which
/// must hold every user-supplied layer and config), then its manifest,
/// tagged `tag` if given. Reports each node to `obs`.
pub fn push_packed(
    target: &dyn Target,
    packed: &Packed,
    uploads: Vec<Upload<'_>>,
    tag: Option<&str>,
    obs: &mut dyn Observer,
) -> Result<()> {
    let mut queue: Vec<Upload<'_>> = Vec::new();
    for (d, bytes) in &packed.generated {
        queue.push(Upload {
            desc: d.clone(),
            source: Box::new(BytesSource(bytes)),
            skipped: Vec::new(),
            _temp: None,
        });
    }
    // The config first, then layers in manifest order, as oras-go walks
    // the graph.
    let mut uploads = uploads;
    uploads.sort_by_key(|u| {
        if u.desc.digest == packed.config.digest {
            0
        } else {
            1
        }
    });
    queue.extend(uploads);
    let mut done: HashSet<Digest> = HashSet::new();
    for mut up in queue {
        let desc = &up.desc;
        if !done.insert(desc.digest.clone()) {
            obs.event(Action::Skipped, desc);
            continue;
        }
        if target.exists(desc)? {
            obs.event(Action::Exists, desc);
            continue;
        }
        obs.event(Action::Uploading, desc);
        target.push(&up.desc, up.source.as_mut())?;
        obs.event(Action::Uploaded, &up.desc);
    }
    obs.event(Action::Uploading, &packed.desc);
    match tag {
        Some(t) => target.push_tagged(&packed.desc, &packed.bytes, t)?,
        None => crate::content::push_bytes(target, &packed.desc, &packed.bytes)?,
    }
    obs.event(Action::Uploaded, &packed.desc);
    Ok(())
}
