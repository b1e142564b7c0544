//! Pulling an artifact into a directory, as `oras pull` does: every layer
//! with a title is written under that name, an index is followed into its
//! manifests, the empty JSON blob is ignored, and anything else without a
//! name is skipped (and reported, so the caller can print oras's hint).
//!
//! Each file is verified before it takes its final name (see
//! [`FileStore`]); content listed twice is downloaded once and copied.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::{Action, Observer};
use crate::content::files::{FileStore, Written};
use crate::content::{Target, fetch_all};
use crate::descriptor::{Descriptor, Platform};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::http::Tracer;
use crate::manifest::Document;
use crate::media_type::{self, ANNOTATION_TITLE};

/// How deep an index may nest before the pull gives up (a guard against
/// hostile graphs).
pub const MAX_DEPTH: usize = 16;

/// Pull settings.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// Also pull the subject of the artifact.
    pub include_subject: bool,
    /// Write the config blob under this name, optionally only when its
    /// media type matches (`--config path[:mediatype]`).
    pub config: Option<(String, Option<String>)>,
    /// From an index, pull only the manifest for this platform.
    pub platform: Option<Platform>,
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

struct Walk<'a> {
    src: &'a dyn Target,
    files: &'a FileStore,
    opts: &'a PullOptions,
    tracer: &'a Tracer,
    obs: &'a mut dyn Observer,
    visited: HashSet<Digest>,
    written: HashMap<Digest, PathBuf>,
    names: HashMap<String, Digest>,
    config_titled: bool,
    out: Vec<PulledFile>,
    skipped_unnamed: bool,
}

/// Pulls `reference` from `src` into `files`.
pub fn pull(
    src: &dyn Target,
    reference: &str,
    files: &FileStore,
    opts: &PullOptions,
    tracer: &Tracer,
    obs: &mut dyn Observer,
) -> Result<Pulled> {
    let (mut root, mut bytes) = src.fetch_reference(reference)?;
    if let Some(p) = &opts.platform {
        (root, bytes) = select_platform(src, root, bytes, p)?;
    }
    let mut w = Walk {
        src,
        files,
        opts,
        tracer,
        obs,
        visited: HashSet::new(),
        written: HashMap::new(),
        names: HashMap::new(),
        config_titled: false,
        out: Vec::new(),
        skipped_unnamed: false,
    };
    w.manifest(&root, bytes, 0)?;
    Ok(Pulled {
        root,
        files: w.out,
        skipped_unnamed: w.skipped_unnamed,
    })
}

/// Picks the manifest for `platform` when `desc` is an index; a manifest is
/// checked against its config's platform fields.
pub fn select_platform(
    src: &dyn Target,
    desc: Descriptor,
    bytes: Vec<u8>,
    platform: &Platform,
) -> Result<(Descriptor, Vec<u8>)> {
    match Document::parse(&desc.media_type, &bytes)? {
        Document::Index(idx) => {
            let chosen = idx
                .manifests
                .into_iter()
                .find(|m| m.platform.as_ref().is_some_and(|p| platform.matches(p)))
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "no manifest for platform {platform} in {}",
                        desc.digest
                    ))
                })?;
            let bytes = fetch_all(src, &chosen)?;
            Ok((chosen, bytes))
        }
        Document::Manifest(m) => {
            let config = fetch_all(src, &m.config)?;
            let p: Platform = serde_json::from_slice(&config).map_err(|_| {
                Error::NotFound(format!("no platform information in {}", desc.digest))
            })?;
            if platform.matches(&p) {
                Ok((desc, bytes))
            } else {
                Err(Error::NotFound(format!(
                    "the manifest {} is for {p}, not for {platform}",
                    desc.digest
                )))
            }
        }
    }
}

/// True for a layer to unpack as a directory: ORAS marks them with
/// `io.deis.oras.content.unpack: "true"`; oras-py marks them only by the
/// media type `…tar+gzip` and a title without an archive extension, which
/// tells them apart from a tarball pushed as a file.
pub fn is_directory_layer(desc: &Descriptor, title: &str) -> bool {
    match desc.annotation(media_type::ANNOTATION_UNPACK) {
        Some(v) => v == "true",
        None => {
            let lower = title.to_ascii_lowercase();
            desc.media_type == media_type::OCI_LAYER_TAR_GZIP
                && ![".tar.gz", ".tgz", ".gz", ".tar"]
                    .iter()
                    .any(|ext| lower.ends_with(ext))
        }
    }
}

impl Walk<'_> {
    fn manifest(&mut self, desc: &Descriptor, bytes: Vec<u8>, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::Protocol(format!(
                "manifests nest deeper than {MAX_DEPTH} levels"
            )));
        }
        if !self.visited.insert(desc.digest.clone()) {
            return Ok(());
        }
        self.obs.event(Action::Downloading, desc);
        self.obs.event(Action::Processing, desc);
        let doc = Document::parse(&desc.media_type, &bytes)?;
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
        for node in nodes {
            match node.title() {
                Some(title) => {
                    let title = title.to_string();
                    self.file(&node, &title)?;
                }
                None if node.is_empty_json() => {}
                None => {
                    self.skipped_unnamed = true;
                    if media_type::is_manifest(&node.media_type) {
                        let child = fetch_all(self.src, &node)?;
                        self.manifest(&node, child, depth + 1)?;
                    } else {
                        self.obs.event(Action::Skipped, &node);
                    }
                }
            }
        }
        self.obs.event(Action::Downloaded, desc);
        Ok(())
    }

    fn file(&mut self, desc: &Descriptor, title: &str) -> Result<()> {
        match self.names.get(title) {
            Some(d) if *d == desc.digest => return Ok(()),
            Some(_) => return Err(Error::other(format!("{title}: duplicate name"))),
            None => {}
        }
        let path = self.files.path_for(title)?;
        if is_directory_layer(desc, title) {
            self.obs.event(Action::Downloading, desc);
            self.files
                .write_dir(&path, title, desc, self.src, self.tracer)?;
            self.obs.event(Action::Downloaded, desc);
            self.names.insert(title.to_string(), desc.digest.clone());
            self.out.push(PulledFile {
                path,
                desc: desc.clone(),
            });
            return Ok(());
        }
        let copied = match self.written.get(&desc.digest) {
            Some(first) => self.files.copy_local(first, &path, desc)?,
            None => false,
        };
        if copied {
            self.obs.event(Action::Restored, desc);
        } else {
            self.obs.event(Action::Downloading, desc);
            let how = self.files.write(&path, desc, self.src, self.tracer)?;
            self.obs.event(
                if how == Written::AlreadyPresent {
                    Action::Restored
                } else {
                    Action::Downloaded
                },
                desc,
            );
            self.written.insert(desc.digest.clone(), path.clone());
        }
        self.names.insert(title.to_string(), desc.digest.clone());
        self.out.push(PulledFile {
            path,
            desc: desc.clone(),
        });
        Ok(())
    }
}
