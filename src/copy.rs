//! The one graph engine: every transfer (`push`, `pull`, `cp`) walks the
//! content graph with it, between any two stores (a registry repository,
//! an OCI image layout, memory, files on disk).
//!
//! The walk is depth first: a manifest's children are copied before the
//! manifest, so a destination never holds a manifest whose content is
//! missing; whatever the destination already has is skipped with its whole
//! subgraph; a node met again is copied once; the root is tagged last, with
//! its own push. Cycles and runaway graphs are errors, not hangs.
//! Manifests are bounded reads; blobs stream, and their bytes are reported
//! as they move (resumed transfers start at the bytes already held), so a
//! caller can draw progress or stop the transfer cleanly.
//!
//! What differs between transfers is in the [`Hooks`], as in oras-go's
//! `CopyGraphOptions`: which nodes follow a manifest
//! ([`Hooks::successors`]), which nodes are copied at all
//! ([`Hooks::pre_copy`]), and what is reported ([`Observer::event`],
//! [`Observer::progress`]). Blobs are mounted instead of copied when both
//! stores are repositories of one registry ([`Storage::as_mounter`]).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::ControlFlow;

use crate::content::{Source, Storage, StoreSource, Stream, Tagger, Target, fetch_all};
use crate::descriptor::{Descriptor, Platform};
use crate::digest::Digest;
use crate::error::{Error, Missing, Result};
use crate::manifest::Document;
use crate::media_type;

/// Most nodes one walk visits.
pub const MAX_NODES: usize = 100_000;

/// Deepest nesting followed (indexes of indexes, chains of referrers).
pub const MAX_DEPTH: usize = 32;

/// Something that happened to one node of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// About to upload.
    Uploading,
    /// Upload finished.
    Uploaded,
    /// Already at the destination; not sent.
    Exists,
    /// Not transferred: the same content was transferred earlier in this
    /// walk under another file name (or, on pull, a layer without a file
    /// name). A node met again under the name it was transferred with is
    /// not reported again.
    Skipped,
    /// About to download.
    Downloading,
    /// A manifest being read for its children.
    Processing,
    /// Download finished and verified.
    Downloaded,
    /// Written from content already on disk (a duplicate, or a complete
    /// file from an earlier run).
    Restored,
    /// About to copy between stores.
    Copying,
    /// Copy finished.
    Copied,
    /// Mounted from another repository of the same registry (no bytes
    /// moved).
    Mounted,
}

/// Receives what a transfer does. `FnMut(Action, &Descriptor)` closures
/// implement it (and ignore progress).
pub trait Observer {
    /// One event.
    fn event(&mut self, action: Action, desc: &Descriptor);

    /// The bytes of `desc` the destination holds so far, as they move: a
    /// resumed transfer starts at the bytes already held. Returning
    /// `ControlFlow::Break` stops the transfer with [`Error::Cancelled`];
    /// what was written so far is kept for a resume.
    fn progress(&mut self, desc: &Descriptor, done: u64) -> ControlFlow<()> {
        let _ = (desc, done);
        ControlFlow::Continue(())
    }
}

impl<F: FnMut(Action, &Descriptor)> Observer for F {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        self(action, desc)
    }
}

/// An observer that ignores everything.
pub fn quiet() -> impl Observer {
    |_: Action, _: &Descriptor| {}
}

/// Whether a node is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// Copy it (and, for a manifest, what follows it).
    Copy,
    /// Leave it and its subgraph out.
    Skip,
}

/// How a walk treats each node: the engine's hooks. Every method has a
/// default, so an [`Observer`] is all a plain copy needs (see
/// [`ObserverHooks`]).
pub trait Hooks: Observer {
    /// The nodes to copy before `desc`, given its bytes. By default its
    /// manifest successors: subject, config and layers, or an index's
    /// manifests.
    fn successors(&mut self, desc: &Descriptor, bytes: &[u8]) -> Result<Vec<Descriptor>> {
        Ok(Document::parse(&desc.media_type, bytes)?.successors())
    }

    /// Decides, before anything is checked or fetched, whether to copy
    /// `desc`. Called for every occurrence of a node, the repeated ones
    /// included.
    fn pre_copy(&mut self, desc: &Descriptor) -> Result<Visit> {
        let _ = desc;
        Ok(Visit::Copy)
    }
}

/// The default hooks around an observer.
pub struct ObserverHooks<'o>(pub &'o mut dyn Observer);

impl Observer for ObserverHooks<'_> {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        self.0.event(action, desc)
    }

    fn progress(&mut self, desc: &Descriptor, done: u64) -> ControlFlow<()> {
        self.0.progress(desc, done)
    }
}

impl Hooks for ObserverHooks<'_> {}

/// The words a walk reports for a node it transfers.
#[derive(Debug, Clone, Copy)]
pub struct Verbs {
    /// Before the transfer.
    pub start: Action,
    /// After it.
    pub done: Action,
}

impl Verbs {
    /// `Copying` / `Copied`.
    pub const COPY: Verbs = Verbs {
        start: Action::Copying,
        done: Action::Copied,
    };
    /// `Uploading` / `Uploaded`.
    pub const UPLOAD: Verbs = Verbs {
        start: Action::Uploading,
        done: Action::Uploaded,
    };
    /// `Downloading` / `Downloaded`.
    pub const DOWNLOAD: Verbs = Verbs {
        start: Action::Downloading,
        done: Action::Downloaded,
    };
}

/// One walk from `src` to `dst`. Several roots may be copied with one
/// walk (an artifact and its referrers); nodes are copied once across
/// them.
pub struct Graph<'a> {
    src: &'a dyn Storage,
    dst: &'a dyn Storage,
    hooks: &'a mut dyn Hooks,
    verbs: Verbs,
    /// Nodes handled, keyed as oras-go keys them (media type, digest,
    /// size): one blob used with two media types is two nodes.
    done: HashSet<(String, Digest, u64)>,
    /// The file name (title) each digest was handled under, to report a
    /// repeat under another name as skipped.
    titles: HashMap<Digest, Option<String>>,
    active: HashSet<Digest>,
    nodes: usize,
    mount_from: Option<String>,
}

impl<'a> Graph<'a> {
    /// A walk reporting transfers with `verbs`.
    pub fn new(
        src: &'a dyn Storage,
        dst: &'a dyn Storage,
        hooks: &'a mut dyn Hooks,
        verbs: Verbs,
    ) -> Graph<'a> {
        // Blobs can be mounted when both ends are repositories of one
        // registry and the destination offers it.
        let mount_from = match (src.repository(), dst.repository(), dst.as_mounter()) {
            (Some(s), Some(d), Some(_)) if s.origin == d.origin && s.name != d.name => Some(s.name),
            _ => None,
        };
        Graph {
            src,
            dst,
            hooks,
            verbs,
            done: HashSet::new(),
            titles: HashMap::new(),
            active: HashSet::new(),
            nodes: 0,
            mount_from,
        }
    }

    /// Copies `root` (whose bytes the caller may already hold) and all
    /// that follows it; with `tag`, the root is pushed tagged (one request
    /// on a registry).
    pub fn copy(
        &mut self,
        root: &Descriptor,
        bytes: Option<Vec<u8>>,
        tag: Option<(&dyn Tagger, &str)>,
    ) -> Result<()> {
        self.node(root, bytes, tag, 0)
    }

    fn node(
        &mut self,
        desc: &Descriptor,
        bytes: Option<Vec<u8>>,
        tag: Option<(&dyn Tagger, &str)>,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::Protocol(format!(
                "content graph deeper than {MAX_DEPTH} levels"
            )));
        }
        if self.active.contains(&desc.digest) {
            return Err(Error::Protocol(format!(
                "cycle in the content graph at {}",
                desc.digest
            )));
        }
        if self.hooks.pre_copy(desc)? == Visit::Skip {
            return Ok(());
        }
        let is_manifest = media_type::is_manifest(&desc.media_type);
        let key = (desc.media_type.clone(), desc.digest.clone(), desc.size);
        if self.done.contains(&key) {
            if let Some((tagger, t)) = tag {
                let bytes = self.bytes_of(desc, bytes)?;
                tagger.push_tagged(desc, &bytes, t)?;
            } else if self.titles.get(&desc.digest).map(Option::as_deref) != Some(desc.title()) {
                self.hooks.event(Action::Skipped, desc);
            }
            return Ok(());
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::TooLarge {
                what: "content graph (nodes)".into(),
                limit: MAX_NODES as u64,
            });
        }
        if self.dst.exists(desc)? {
            self.hooks.event(Action::Exists, desc);
            self.commit(key, desc);
            if let Some((tagger, t)) = tag {
                let bytes = self.bytes_of(desc, bytes)?;
                tagger.push_tagged(desc, &bytes, t)?;
            }
            return Ok(());
        }
        if is_manifest {
            let bytes = self.bytes_of(desc, bytes)?;
            let children = self.hooks.successors(desc, &bytes)?;
            self.active.insert(desc.digest.clone());
            for child in &children {
                self.node(child, None, None, depth + 1)?;
            }
            self.active.remove(&desc.digest);
            self.hooks.event(self.verbs.start, desc);
            match tag {
                Some((tagger, t)) => tagger.push_tagged(desc, &bytes, t)?,
                None => self
                    .dst
                    .push(desc, &mut crate::content::BytesSource(&bytes))?,
            }
            self.hooks.event(self.verbs.done, desc);
        } else {
            self.blob(desc)?;
        }
        self.commit(key, desc);
        Ok(())
    }

    fn commit(&mut self, key: (String, Digest, u64), desc: &Descriptor) {
        self.done.insert(key);
        self.titles
            .insert(desc.digest.clone(), desc.title().map(str::to_string));
    }

    fn bytes_of(&self, desc: &Descriptor, bytes: Option<Vec<u8>>) -> Result<Vec<u8>> {
        match bytes {
            Some(b) => Ok(b),
            None => fetch_all(self.src, desc),
        }
    }

    fn blob(&mut self, desc: &Descriptor) -> Result<()> {
        let mut store_source = StoreSource {
            store: self.src,
            desc: desc.clone(),
        };
        if let (Some(from), Some(mounter)) = (self.mount_from.clone(), self.dst.as_mounter()) {
            // The registry copies nothing when the mount works; when it is
            // refused, the upload below reports its own progress.
            let mut source = Observed::new(&mut store_source, &mut *self.hooks, desc);
            if mounter.mount_or_push(desc, &from, &mut source)? {
                self.hooks.event(Action::Mounted, desc);
            } else {
                self.hooks.event(self.verbs.start, desc);
                self.hooks.event(self.verbs.done, desc);
            }
            return Ok(());
        }
        self.hooks.event(self.verbs.start, desc);
        let mut source = Observed::new(&mut store_source, &mut *self.hooks, desc);
        self.dst.push(desc, &mut source)?;
        self.hooks.event(self.verbs.done, desc);
        Ok(())
    }
}

/// A source that reports the bytes it hands out to an observer (as
/// [`Observer::progress`], starting at the offset a resumed transfer
/// opens at), and stops the transfer with [`Error::Cancelled`] when the
/// observer says so. The walk reports every blob through one; a caller
/// that moves a blob itself (with [`crate::content::files::write_file`],
/// say) can wrap its source the same way.
pub struct Observed<'s> {
    inner: &'s mut dyn Source,
    observer: &'s mut dyn Observer,
    desc: &'s Descriptor,
}

impl<'s> Observed<'s> {
    /// Reports the bytes of `desc` read from `inner` to `observer`.
    pub fn new(
        inner: &'s mut dyn Source,
        observer: &'s mut dyn Observer,
        desc: &'s Descriptor,
    ) -> Observed<'s> {
        Observed {
            inner,
            observer,
            desc,
        }
    }
}

impl Source for Observed<'_> {
    fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
        if self.observer.progress(self.desc, offset).is_break() {
            return Err(Error::Cancelled);
        }
        let stream = self.inner.open(offset)?;
        Ok(Box::new(Counting {
            inner: stream,
            observer: &mut *self.observer,
            desc: self.desc,
            done: offset,
            stopped: false,
        }))
    }
}

struct Counting<'a> {
    inner: Stream<'a>,
    observer: &'a mut dyn Observer,
    desc: &'a Descriptor,
    done: u64,
    /// The observer asked to stop: the bytes reported are handed over,
    /// and the next read fails, so the destination keeps what was
    /// reported.
    stopped: bool,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped {
            return Err(Error::Cancelled.into());
        }
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.done += n as u64;
            self.stopped = self.observer.progress(self.desc, self.done).is_break();
        }
        Ok(n)
    }
}

/// Copy settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CopyOptions {
    /// From an index, copy only the manifest for this platform.
    pub platform: Option<Platform>,
    /// Copy the referrers of the root too, recursively (`cp -r`).
    pub referrers: bool,
}

impl CopyOptions {
    /// Copies only the manifest for `platform` from an index.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Copies the referrers of the root too, recursively.
    pub fn referrers(mut self, yes: bool) -> Self {
        self.referrers = yes;
        self
    }
}

/// Copies what `src_ref` names in `src` into `dst`, tagging it `dst_tag`
/// there if given. Returns the root's descriptor and manifest bytes.
///
/// ```
/// use oar::content::layout::OciLayout;
/// use oar::content::Resolver;
/// use oar::copy::{CopyOptions, copy, quiet};
/// use oar::ops::push::{Upload, push};
///
/// let dir = std::env::temp_dir().join(format!("oar-doc-copy-{}", std::process::id()));
/// let from = OciLayout::new(dir.join("from"));
/// let to = OciLayout::new(dir.join("to"));
/// let upload = Upload::bytes(b"hello".to_vec(), "application/vnd.example.text", "hello.txt");
/// let pushed = push(&from, "application/vnd.example", vec![upload], Some("v1"))?;
///
/// let (root, _) = copy(&from, "v1", &to, Some("copied"), &CopyOptions::default(), &mut quiet())?;
/// assert_eq!(root.digest, pushed.digest);
/// assert_eq!(to.resolve("copied")?.digest, pushed.digest);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), oar::Error>(())
/// ```
pub fn copy(
    src: &dyn Target,
    src_ref: &str,
    dst: &dyn Target,
    dst_tag: Option<&str>,
    opts: &CopyOptions,
    obs: &mut dyn Observer,
) -> Result<(Descriptor, Vec<u8>)> {
    let (mut root, mut bytes) = src.fetch_reference(src_ref)?;
    if let Some(p) = &opts.platform {
        (root, bytes) = select_platform(src, root, bytes, p)?;
    }
    let mut hooks = ObserverHooks(obs);
    let mut graph = Graph::new(src, dst, &mut hooks, Verbs::COPY);
    graph.copy(
        &root,
        Some(bytes.clone()),
        dst_tag.map(|t| (dst as &dyn Tagger, t)),
    )?;
    if opts.referrers {
        graph.copy_referrers(src, &root)?;
    }
    Ok((root, bytes))
}

impl Graph<'_> {
    /// Copies the referrers of `subject` that `src` lists, their
    /// referrers, and (for an index) the referrers of its manifests, as
    /// `cp -r` does; returns them, each once. Each subject is visited
    /// once, so referrer cycles end.
    pub fn copy_referrers(
        &mut self,
        src: &dyn Target,
        subject: &Descriptor,
    ) -> Result<Vec<Descriptor>> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        copy_referrers(src, self, subject, 0, &mut seen, &mut out)?;
        Ok(out)
    }
}

/// Copies the referrers of `subject`, their referrers, and (for an
/// index) the referrers of its manifests, adding each to `out` once.
fn copy_referrers(
    src: &dyn Target,
    graph: &mut Graph<'_>,
    subject: &Descriptor,
    depth: usize,
    seen: &mut HashSet<Digest>,
    out: &mut Vec<Descriptor>,
) -> Result<()> {
    if depth > MAX_DEPTH || !seen.insert(subject.digest.clone()) {
        return Ok(());
    }
    let Some(lister) = src.as_referrer_lister() else {
        return Ok(());
    };
    for r in lister.referrers(subject, None)? {
        let plain = Descriptor::new(r.media_type.clone(), r.digest.clone(), r.size);
        graph.copy(&plain, None, None)?;
        if !out.iter().any(|o: &Descriptor| o.digest == r.digest) {
            out.push(r);
        }
        copy_referrers(src, graph, &plain, depth + 1, seen, out)?;
    }
    if media_type::is_index(&subject.media_type) {
        let bytes = fetch_all(src, subject)?;
        if let Document::Index(idx) = Document::parse(&subject.media_type, &bytes)? {
            for m in idx.manifests {
                copy_referrers(src, graph, &m, depth + 1, seen, out)?;
            }
        }
    }
    Ok(())
}

/// Picks the manifest for `platform` when `desc` is an index; a manifest is
/// checked against its config's platform fields.
pub fn select_platform(
    src: &dyn Storage,
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
                    Error::not_found(
                        Missing::Platform,
                        format!("no manifest for platform {platform} in {}", desc.digest),
                    )
                })?;
            let bytes = fetch_all(src, &chosen)?;
            Ok((chosen, bytes))
        }
        Document::Manifest(m) => {
            let config = fetch_all(src, &m.config)?;
            let p: Platform = serde_json::from_slice(&config).map_err(|_| {
                Error::not_found(
                    Missing::Platform,
                    format!("no platform information in {}", desc.digest),
                )
            })?;
            if platform.matches(&p) {
                Ok((desc, bytes))
            } else {
                Err(Error::not_found(
                    Missing::Platform,
                    format!(
                        "the manifest {} is for {p}, not for {platform}",
                        desc.digest
                    ),
                ))
            }
        }
    }
}
