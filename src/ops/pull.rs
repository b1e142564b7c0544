//! Pulling an artifact into a directory, as `oras pull` does: a copy by
//! the graph engine ([`crate::copy`]) into a [`FileStore`], whose hooks
//! decide what becomes a file. Every layer with a title is written under
//! that name (a directory layer is unpacked), an index is followed into
//! its manifests, the empty JSON blob is ignored, and anything else without
//! a name is skipped (and reported, so the caller can print oras's hint).
//!
//! Each file is verified before it takes its final name (see
//! [`FileStore`]); content listed twice under two names is downloaded once
//! and copied, after its digest is checked again.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::content::files::{FileStore, is_directory_layer};
use crate::content::{Storage, StoreSource, Target};
use crate::copy::{Action, Graph, Hooks, Observer, Verbs, Visit, select_platform};
use crate::descriptor::{Descriptor, Platform};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::Document;
use crate::media_type::{self, ANNOTATION_TITLE};

/// Pull settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PullOptions {
    /// Also pull the subject of the artifact.
    pub include_subject: bool,
    /// Write the config blob under this name, optionally only when its
    /// media type matches (`--config path[:mediatype]`).
    pub config: Option<(String, Option<String>)>,
    /// From an index, pull only the manifest for this platform.
    pub platform: Option<Platform>,
}

impl PullOptions {
    /// Also pulls the subject of the artifact.
    pub fn include_subject(mut self, yes: bool) -> Self {
        self.include_subject = yes;
        self
    }

    /// Writes the config blob under `path`, only when its media type is
    /// `media_type` if one is given.
    pub fn config(mut self, path: impl Into<String>, media_type: Option<String>) -> Self {
        self.config = Some((path.into(), media_type));
        self
    }

    /// From an index, pulls only the manifest for `platform`.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }
}

/// One file written.
#[derive(Debug, Clone)]
pub struct PulledFile {
    /// Where it was written (absolute).
    pub path: PathBuf,
    /// The layer it came from.
    pub desc: Descriptor,
}

/// What a pull did.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The root manifest.
    pub root: Descriptor,
    /// Files written, in order.
    pub files: Vec<PulledFile>,
    /// Some content had no file name and was skipped.
    pub skipped_unnamed: bool,
}

/// Pulls `reference` from `src` into `files`, reporting to `obs` (whose
/// progress can stop the pull; partial files are kept for a resume).
pub fn pull(
    src: &dyn Target,
    reference: &str,
    files: &FileStore,
    opts: &PullOptions,
    obs: &mut dyn Observer,
) -> Result<Pulled> {
    let (mut root, mut bytes) = src.fetch_reference(reference)?;
    if let Some(p) = &opts.platform {
        (root, bytes) = select_platform(src, root, bytes, p)?;
    }
    let mut hooks = PullHooks {
        src,
        files,
        opts,
        obs,
        root: root.digest.clone(),
        manifests: HashSet::new(),
        names: HashMap::new(),
        written: HashMap::new(),
        pending: HashMap::new(),
        config_titled: false,
        out: Vec::new(),
        skipped_unnamed: false,
    };
    Graph::new(src, files, &mut hooks, Verbs::DOWNLOAD).copy(&root, Some(bytes), None)?;
    Ok(Pulled {
        root,
        files: hooks.out,
        skipped_unnamed: hooks.skipped_unnamed,
    })
}

/// What a pull decides and remembers per node.
struct PullHooks<'a> {
    src: &'a dyn Storage,
    files: &'a FileStore,
    opts: &'a PullOptions,
    obs: &'a mut dyn Observer,
    root: Digest,
    /// Manifests already walked.
    manifests: HashSet<Digest>,
    /// Title → the digest written under it.
    names: HashMap<String, Digest>,
    /// Digest → the first file (or tree) holding it.
    written: HashMap<Digest, PathBuf>,
    /// Digest → where the file being fetched goes.
    pending: HashMap<Digest, PathBuf>,
    config_titled: bool,
    out: Vec<PulledFile>,
    skipped_unnamed: bool,
}

impl PullHooks<'_> {
    /// A titled file is in place: remember it for the result and for
    /// copies under other names.
    fn record(&mut self, desc: &Descriptor) {
        if let Some(path) = self.pending.remove(&desc.digest) {
            self.written.insert(desc.digest.clone(), path.clone());
            self.out.push(PulledFile {
                path,
                desc: desc.clone(),
            });
        }
    }
}

impl Observer for PullHooks<'_> {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        if media_type::is_manifest(&desc.media_type) {
            // A manifest's start was reported when the walk reached it;
            // met again, it says nothing.
            if action == Action::Downloaded {
                self.obs.event(action, desc);
            }
            return;
        }
        match action {
            Action::Exists => {
                self.record(desc);
                self.obs.event(Action::Restored, desc);
            }
            Action::Downloaded => {
                self.record(desc);
                self.obs.event(action, desc);
            }
            // The same name met again: written once.
            Action::Skipped => {}
            other => self.obs.event(other, desc),
        }
    }

    fn progress(&mut self, desc: &Descriptor, done: u64) -> ControlFlow<()> {
        self.obs.progress(desc, done)
    }
}

impl Hooks for PullHooks<'_> {
    /// The layers (and the config when it is to be written, the subject
    /// when asked for), or an index's manifests.
    fn successors(&mut self, desc: &Descriptor, bytes: &[u8]) -> Result<Vec<Descriptor>> {
        let doc = Document::parse(&desc.media_type, bytes)?;
        let mut nodes: Vec<Descriptor> = Vec::new();
        match &doc {
            Document::Manifest(m) => {
                nodes.extend(m.layers.iter().cloned());
                if self.opts.include_subject {
                    nodes.extend(m.subject.iter().cloned());
                }
                let mut config = m.config.clone();
                if let Some((path, mt)) = &self.opts.config
                    && !self.config_titled
                    && mt.as_ref().is_none_or(|t| *t == config.media_type)
                {
                    config.set_annotation(ANNOTATION_TITLE, path.clone());
                    self.config_titled = true;
                }
                // oras ignores a `{}` config whatever its media type.
                let empty_blob =
                    config.size == 2 && config.digest == Digest::sha256(media_type::EMPTY_JSON);
                if !empty_blob || config.title().is_some() {
                    nodes.push(config);
                }
            }
            Document::Index(i) => {
                nodes.extend(i.manifests.iter().cloned());
                if self.opts.include_subject {
                    nodes.extend(i.subject.iter().cloned());
                }
            }
        }
        Ok(nodes)
    }

    fn pre_copy(&mut self, desc: &Descriptor) -> Result<Visit> {
        let title = desc.title().map(str::to_string);
        if media_type::is_manifest(&desc.media_type) && title.is_none() {
            if !self.manifests.insert(desc.digest.clone()) {
                return Ok(Visit::Skip);
            }
            if desc.digest != self.root {
                self.skipped_unnamed = true;
            }
            self.obs.event(Action::Downloading, desc);
            self.obs.event(Action::Processing, desc);
            return Ok(Visit::Copy);
        }
        let Some(title) = title else {
            if !desc.is_empty_json() {
                self.skipped_unnamed = true;
                self.obs.event(Action::Skipped, desc);
            }
            return Ok(Visit::Skip);
        };
        match self.names.get(&title) {
            Some(d) if *d == desc.digest => return Ok(Visit::Skip),
            Some(_) => return Err(Error::other(format!("{title}: duplicate name"))),
            None => {}
        }
        let path = self.files.path_for(&title)?;
        self.names.insert(title.clone(), desc.digest.clone());
        let first = self.written.get(&desc.digest);
        if first.is_none() && !media_type::is_manifest(&desc.media_type) {
            self.pending.insert(desc.digest.clone(), path);
            return Ok(Visit::Copy);
        }
        // Content already fetched under another name is copied from the
        // first file when it still holds it, else fetched again (the walk
        // copies each node once, so this one is written here); a manifest
        // with a title is a file, not walked into.
        let copied = match first {
            Some(first) if !is_directory_layer(desc, &title) => {
                self.files.copy_local(first, &path, desc)?
            }
            _ => false,
        };
        if copied {
            self.obs.event(Action::Restored, desc);
        } else {
            self.obs.event(Action::Downloading, desc);
            let mut source = StoreSource {
                store: self.src,
                desc: desc.clone(),
            };
            self.files.push(desc, &mut source)?;
            self.obs.event(Action::Downloaded, desc);
        }
        self.out.push(PulledFile {
            path,
            desc: desc.clone(),
        });
        Ok(Visit::Skip)
    }
}
