//! Backing artifacts up into an OCI image layout, as `oras backup` (ORAS
//! CLI 1.3) does: each tag is a copy by the graph engine
//! ([`crate::copy`]) from the source (a registry repository, usually)
//! into the layout, with its referrers if asked, tagged there under the
//! same name. The layout may be a directory
//! ([`OciLayout`](crate::content::layout::OciLayout)), or a tar archive
//! written to a file or a pipe
//! ([`TarLayoutWriter`](crate::content::tarwriter::TarLayoutWriter)).
//!
//! What the layout already holds is not fetched again, so a backup into
//! an existing layout only adds what is new, and a backup that was
//! interrupted continues where it stopped when run again. Every blob is
//! verified against its digest before it takes its place.
//!
//! [`Recorder`] keeps what crossed, for a transfer log; it serves
//! [`crate::ops::restore`] too.

use std::collections::HashMap;
use std::ops::ControlFlow;

use crate::content::{Tagger, Target};
use crate::copy::{Action, Graph, Observer, ObserverHooks, Verbs};
use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::error::Result;

/// One artifact moved: a tag, the manifest it names, and the referrers
/// that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    /// The tag, the same on both sides.
    pub tag: String,
    /// The manifest or index the tag names.
    pub root: Descriptor,
    /// Its referrers (and, for an index, those of its manifests), each
    /// once, as listed: with `artifactType` and annotations.
    pub referrers: Vec<Descriptor>,
}

/// What happened to one piece of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Its bytes were moved.
    Transferred,
    /// The destination held it already.
    Existed,
    /// Mounted from another repository of the same registry.
    Mounted,
}

/// One piece of content and what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// Its descriptor, as the graph names it.
    pub desc: Descriptor,
    /// What happened.
    pub outcome: Outcome,
}

/// Records what a transfer did, in the order it happened, each piece of
/// content once, while passing every event and byte count on to an inner
/// observer.
pub struct Recorder<'o> {
    inner: &'o mut dyn Observer,
    done: Action,
    at: HashMap<Digest, usize>,
    moved: Vec<Moved>,
}

impl<'o> Recorder<'o> {
    /// Records the nodes `done` reports as transferred (the last verb of
    /// the walk: `Downloaded`, `Uploaded`, `Copied`), and those that
    /// existed or were mounted.
    pub fn new(inner: &'o mut dyn Observer, done: Action) -> Recorder<'o> {
        Recorder {
            inner,
            done,
            at: HashMap::new(),
            moved: Vec::new(),
        }
    }

    /// Records `desc` as `outcome` without telling the inner observer.
    pub fn record(&mut self, desc: &Descriptor, outcome: Outcome) {
        match self.at.get(&desc.digest) {
            // A later, better-named sighting (the graph's descriptor of a
            // blob first met in a stream) keeps the first outcome.
            Some(&i) => {
                if self.moved[i].desc.media_type == crate::content::OCTET_STREAM {
                    self.moved[i].desc = desc.clone();
                }
            }
            None => {
                self.at.insert(desc.digest.clone(), self.moved.len());
                self.moved.push(Moved {
                    desc: desc.clone(),
                    outcome,
                });
            }
        }
    }

    /// What was recorded, in order.
    pub fn into_moved(self) -> Vec<Moved> {
        self.moved
    }

    /// True when `digest` was recorded.
    pub fn has(&self, digest: &Digest) -> bool {
        self.at.contains_key(digest)
    }
}

impl Observer for Recorder<'_> {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        match action {
            a if a == self.done => self.record(desc, Outcome::Transferred),
            Action::Exists => self.record(desc, Outcome::Existed),
            Action::Mounted => self.record(desc, Outcome::Mounted),
            _ => {}
        }
        self.inner.event(action, desc);
    }

    fn progress(&mut self, desc: &Descriptor, done: u64) -> ControlFlow<()> {
        self.inner.progress(desc, done)
    }
}

/// Backup settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BackupOptions {
    /// Also back up the referrers of each artifact (and, for an index,
    /// those of its manifests), recursively.
    pub referrers: bool,
}

impl BackupOptions {
    /// Backs up referrers too.
    pub fn referrers(mut self, yes: bool) -> Self {
        self.referrers = yes;
        self
    }
}

/// Backs up the artifact `root` (what `tag` names in `src`) into `dst`,
/// tagged `tag` there, with its referrers if asked; reports to `obs` with
/// the verbs `Downloading`/`Downloaded`. A new walk per artifact, as oras
/// tracks each tag: content another tag brought is reported as existing.
///
/// ```
/// use oar::content::Resolver;
/// use oar::content::layout::OciLayout;
/// use oar::ops::backup::{BackupOptions, backup_artifact};
/// use oar::ops::push::{Upload, push};
///
/// let dir = std::env::temp_dir().join(format!("oar-doc-backup-{}", std::process::id()));
/// let registry = OciLayout::new(dir.join("source"));
/// let hello = Upload::bytes(b"hello".to_vec(), "text/plain", "hello.txt");
/// push(&registry, "application/vnd.example", vec![hello], Some("v1"))?;
///
/// let backup = OciLayout::new(dir.join("backup"));
/// let root = registry.resolve("v1")?;
/// let art = backup_artifact(&registry, &backup, "v1", &root, &BackupOptions::default(), &mut oar::copy::quiet())?;
/// assert_eq!(backup.resolve("v1")?.digest, art.root.digest);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), oar::Error>(())
/// ```
pub fn backup_artifact(
    src: &dyn Target,
    dst: &dyn Target,
    tag: &str,
    root: &Descriptor,
    opts: &BackupOptions,
    obs: &mut dyn Observer,
) -> Result<Artifact> {
    // The tag may come from the source's own tag list: a backup never
    // stores one that a later restore could not send.
    crate::reference::validate_tag(tag)?;
    let mut hooks = ObserverHooks(obs);
    let mut graph = Graph::new(src, dst, &mut hooks, Verbs::DOWNLOAD);
    let plain = Descriptor::new(root.media_type.clone(), root.digest.clone(), root.size);
    graph.copy(&plain, None, Some((dst as &dyn Tagger, tag)))?;
    let referrers = if opts.referrers {
        graph.copy_referrers(src, &plain)?
    } else {
        Vec::new()
    };
    Ok(Artifact {
        tag: tag.to_string(),
        root: plain,
        referrers,
    })
}
