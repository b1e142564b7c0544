//! Graph copy between any two stores: registry to registry, registry to
//! OCI layout and back, layout to layout.
//!
//! The root is resolved once; children are copied before their parents
//! (depth first), so a destination never holds a manifest whose content is
//! missing; whatever the destination already has is skipped with its whole
//! subgraph; the tag is applied last, with the root's own `PUT`. Within one
//! registry, blobs are mounted across repositories instead of copied, with
//! a normal upload when the mount is refused. Manifests are bounded reads;
//! blobs stream. Cycles and runaway graphs are errors, not hangs.

use std::collections::HashSet;

use crate::content::{StoreSource, Target, fetch_all, push_bytes};
use crate::descriptor::{Descriptor, Platform};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::Document;
use crate::media_type;
use crate::ops::pull::select_platform;
use crate::ops::{Action, Observer};
use crate::registry::Repository;

/// Most nodes one copy visits.
pub const MAX_NODES: usize = 100_000;

/// Deepest nesting followed (indexes of indexes, chains of referrers).
pub const MAX_DEPTH: usize = 32;

/// Copy settings.
#[derive(Debug, Clone, Default)]
pub struct CopyOptions {
    /// From an index, copy only the manifest for this platform.
    pub platform: Option<Platform>,
    /// Copy the referrers of the root too, recursively (`cp -r`).
    pub referrers: bool,
}

struct Copier<'a> {
    src: &'a dyn Target,
    dst: &'a dyn Target,
    obs: &'a mut dyn Observer,
    done: HashSet<Digest>,
    active: HashSet<Digest>,
    referrers_seen: HashSet<Digest>,
    mount_from: Option<String>,
    nodes: usize,
}

/// The source repository's name when both stores are repositories of one
/// registry, so blobs can be mounted.
fn mount_source(src: &dyn Target, dst: &dyn Target) -> Option<String> {
    let s = src.as_any().downcast_ref::<Repository>()?;
    let d = dst.as_any().downcast_ref::<Repository>()?;
    (s.registry().origin() == d.registry().origin() && s.name() != d.name())
        .then(|| s.name().to_string())
}

/// Copies what `src_ref` names in `src` into `dst`, tagging it `dst_tag`
/// there if given. Returns the root's descriptor and manifest bytes.
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
    let mut c = Copier {
        src,
        dst,
        obs,
        done: HashSet::new(),
        active: HashSet::new(),
        referrers_seen: HashSet::new(),
        mount_from: mount_source(src, dst),
        nodes: 0,
    };
    c.node(&root, Some(bytes.clone()), dst_tag, 0)?;
    if opts.referrers {
        c.referrers_of(&root, 0)?;
    }
    Ok((root, bytes))
}

impl Copier<'_> {
    fn node(
        &mut self,
        desc: &Descriptor,
        bytes: Option<Vec<u8>>,
        tag: Option<&str>,
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
        if self.done.contains(&desc.digest) && tag.is_none() {
            return Ok(());
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::TooLarge {
                what: "content graph (nodes)".into(),
                limit: MAX_NODES as u64,
            });
        }
        let is_manifest = media_type::is_manifest(&desc.media_type);
        if self.done.contains(&desc.digest) || self.dst.exists(desc)? {
            if !self.done.contains(&desc.digest) {
                self.obs.event(Action::Exists, desc);
            }
            self.done.insert(desc.digest.clone());
            if let Some(t) = tag {
                let bytes = match bytes {
                    Some(b) => b,
                    None => fetch_all(self.src, desc)?,
                };
                self.dst.push_tagged(desc, &bytes, t)?;
            }
            return Ok(());
        }
        if is_manifest {
            let bytes = match bytes {
                Some(b) => b,
                None => fetch_all(self.src, desc)?,
            };
            let doc = Document::parse(&desc.media_type, &bytes)?;
            self.active.insert(desc.digest.clone());
            for child in doc.successors() {
                self.node(&child, None, None, depth + 1)?;
            }
            self.active.remove(&desc.digest);
            self.obs.event(Action::Copying, desc);
            match tag {
                Some(t) => self.dst.push_tagged(desc, &bytes, t)?,
                None => push_bytes(self.dst, desc, &bytes)?,
            }
            self.obs.event(Action::Copied, desc);
        } else {
            let mut source = StoreSource {
                store: self.src,
                desc: desc.clone(),
            };
            let repo = self.dst.as_any().downcast_ref::<Repository>();
            match (repo, &self.mount_from) {
                (Some(repo), Some(from)) => {
                    if repo.mount_or_push(desc, from, &mut source)? {
                        self.obs.event(Action::Mounted, desc);
                    } else {
                        self.obs.event(Action::Copying, desc);
                        self.obs.event(Action::Copied, desc);
                    }
                }
                _ => {
                    self.obs.event(Action::Copying, desc);
                    self.dst.push(desc, &mut source)?;
                    self.obs.event(Action::Copied, desc);
                }
            }
        }
        self.done.insert(desc.digest.clone());
        Ok(())
    }

    /// Copies the referrers of `subject`, their referrers, and (for an
    /// index) the referrers of its manifests. Each subject is visited once,
    /// so referrer cycles end.
    fn referrers_of(&mut self, subject: &Descriptor, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH || !self.referrers_seen.insert(subject.digest.clone()) {
            return Ok(());
        }
        let Some(lister) = self.src.as_referrer_lister() else {
            return Ok(());
        };
        for r in lister.referrers(subject, None)? {
            let plain = Descriptor::new(r.media_type.clone(), r.digest.clone(), r.size);
            self.node(&plain, None, None, 0)?;
            self.referrers_of(&plain, depth + 1)?;
        }
        if media_type::is_index(&subject.media_type) {
            let bytes = fetch_all(self.src, subject)?;
            if let Document::Index(idx) = Document::parse(&subject.media_type, &bytes)? {
                for m in idx.manifests {
                    self.referrers_of(&m, depth + 1)?;
                }
            }
        }
        Ok(())
    }
}
