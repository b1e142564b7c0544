//! Pushing a packed artifact: every blob once (a `HEAD` first, so content
//! the destination holds is reported as `Exists` and not sent), then the
//! manifest, by tag when there is one (a single `PUT`).

use std::collections::HashSet;
use std::path::Path;

use super::pack::Packed;
use super::{Action, Observer};
use crate::content::{BytesSource, Source, Target, describe_file};
use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::media_type::ANNOTATION_TITLE;

/// A blob to push and where its bytes come from.
pub struct Upload<'a> {
    /// What is pushed.
    pub desc: Descriptor,
    /// Its content.
    pub source: Box<dyn Source + 'a>,
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
        })
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
    let mut queue: Vec<(Descriptor, Box<dyn Source + '_>)> = Vec::new();
    for (d, bytes) in &packed.generated {
        queue.push((d.clone(), Box::new(BytesSource(bytes))));
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
    for u in uploads {
        queue.push((u.desc, u.source));
    }
    let mut done: HashSet<Digest> = HashSet::new();
    for (desc, mut source) in queue {
        if !done.insert(desc.digest.clone()) {
            obs.event(Action::Skipped, &desc);
            continue;
        }
        if target.exists(&desc)? {
            obs.event(Action::Exists, &desc);
            continue;
        }
        obs.event(Action::Uploading, &desc);
        target.push(&desc, source.as_mut())?;
        obs.event(Action::Uploaded, &desc);
    }
    obs.event(Action::Uploading, &packed.desc);
    match tag {
        Some(t) => target.push_tagged(&packed.desc, &packed.bytes, t)?,
        None => crate::content::push_bytes(target, &packed.desc, &packed.bytes)?,
    }
    obs.event(Action::Uploaded, &packed.desc);
    Ok(())
}
