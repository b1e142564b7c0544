//! `oar cp <from>{:<tag>|@<digest>} <to>[:<tag>[,<tag>]…]`
//!
//! A failure while the graph moves is reported as oras 1.3 reports it,
//! naming the side it came from (`Error from destination registry for
//! "…": …`); a failure to find what to copy keeps the usual first word.

use std::sync::OnceLock;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, TargetRef};
use crate::cli::output::{self, Status};
use oar::content::{
    Mounter, ReferrerLister, RepositoryLocation, Resolver, Source, Storage, Stream, Tagger, Target,
};
use oar::copy::{CopyOptions, copy};
use oar::descriptor::{Descriptor, Platform};

/// `oar cp`: copies an artifact (and with `-r` its referrers) between any
/// two of registry and OCI layout, each side with its own flags.
pub fn run(args: &Args) -> Result<()> {
    let from_raw = &args.positionals[0];
    let (to_raw, extra) = options::split_tags(&args.positionals[1])?;
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (src, sref) = options::open_target(args, "from", from_raw, &["pull"])?;
    let (dst, dref) = options::open_target(args, "to", &to_raw, &["pull", "push"])?;
    let selector = sref.require_selector(args.cmd, true)?.to_string();
    let dst_tag = dref.selector.clone().filter(|s| !options::is_digest(s));
    let mut opts = CopyOptions::default().referrers(args.flag("recursive"));
    if let Some(p) = platform {
        opts = opts.platform(p);
    }
    let mut status =
        Status::new(7, options::unnamed(args), false).on_terminal(options::tty(args), "Downloaded");
    let failed = OnceLock::new();
    let source = Sided {
        root_is_copy: !args.flag("recursive") && dref.selector.is_some(),
        ..Sided::new(src.as_ref(), Side::Source, &failed)
    };
    let (root, bytes) = copy(
        &source,
        &selector,
        &Sided::new(dst.as_ref(), Side::Destination, &failed),
        dst_tag.as_deref(),
        &opts,
        &mut status,
    )
    .map_err(|e| match failed.get() {
        Some(Side::Source) => side_error(e, "source", &sref),
        Some(Side::Destination) => side_error(e, "destination", &dref),
        None => e.into(),
    })?;
    status.finish()?;
    if let Some(d) = dref.selector.as_deref().filter(|s| options::is_digest(s))
        && d != root.digest.to_string()
    {
        return Err(oar::Error::DigestMismatch {
            expected: d.to_string(),
            actual: root.digest.to_string(),
        }
        .into());
    }
    let mut from_shown = sref.clone();
    if options::is_digest(&selector) && selector != root.digest.to_string() {
        // A platform was picked from an index: show what was copied.
        from_shown.raw = format!("{}@{}", sref.path, root.digest);
    }
    output::line(&format!(
        "Copied {} => {}",
        from_shown.annotated(),
        dref.annotated()
    ))?;
    for t in &extra {
        dst.push_tagged(&root, &bytes, t)?;
        output::line(&format!("Tagged {t}"))?;
    }
    output::line(&format!("Digest: {}", root.digest))
}

/// oras 1.3's report of a failure on one side of a copy: `Error from
/// <side> <registry|oci-layout> for "<reference as typed>":`, then what a
/// command on that target alone would have printed after its first word.
fn side_error(e: oar::Error, side: &str, target: &TargetRef) -> Error {
    let (kind, e) = if target.layout {
        ("oci-layout", Error::from(e))
    } else {
        ("registry", Error::from(e).registry_answer())
    };
    e.with_prefix(format!("Error from {side} {kind} for {:?}:", target.raw))
}

/// The side of a copy a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Source,
    Destination,
}

/// A store of one side of a copy that notes the first failure of either
/// side (in `failed`, shared by both), so that the copy's error can name
/// the side it came from. Finding the root on the source is noted only
/// when it is part of the copy (`root_is_copy`): oras copies to a named
/// destination in one step that reports the source, while with `-r`, or
/// with no tag or digest for the destination, it finds the root first and
/// reports a failure there as any command would.
struct Sided<'a> {
    inner: &'a dyn Target,
    side: Side,
    failed: &'a OnceLock<Side>,
    root_is_copy: bool,
}

impl<'a> Sided<'a> {
    fn new(inner: &'a dyn Target, side: Side, failed: &'a OnceLock<Side>) -> Self {
        Sided {
            inner,
            side,
            failed,
            root_is_copy: false,
        }
    }

    fn note<T>(&self, r: oar::Result<T>) -> oar::Result<T> {
        if r.is_err() {
            // Only the first failure counts: the copy stops on it.
            let _ = self.failed.set(self.side);
        }
        r
    }
}

impl Storage for Sided<'_> {
    fn exists(&self, desc: &Descriptor) -> oar::Result<bool> {
        self.note(self.inner.exists(desc))
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> oar::Result<(Stream<'_>, u64)> {
        self.note(self.inner.fetch_range(desc, offset))
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> oar::Result<()> {
        self.note(self.inner.push(desc, source))
    }

    fn repository(&self) -> Option<RepositoryLocation> {
        self.inner.repository()
    }

    fn as_mounter(&self) -> Option<&dyn Mounter> {
        self.inner.as_mounter().map(|_| self as &dyn Mounter)
    }
}

impl Mounter for Sided<'_> {
    fn mount_or_push(
        &self,
        desc: &Descriptor,
        from: &str,
        source: &mut dyn Source,
    ) -> oar::Result<bool> {
        let mounter = self
            .inner
            .as_mounter()
            .ok_or_else(|| oar::Error::Unsupported("mounting".into()))?;
        self.note(mounter.mount_or_push(desc, from, source))
    }
}

impl Resolver for Sided<'_> {
    fn resolve(&self, reference: &str) -> oar::Result<Descriptor> {
        self.note(self.inner.resolve(reference))
    }

    fn fetch_reference(&self, reference: &str) -> oar::Result<(Descriptor, Vec<u8>)> {
        let r = self.inner.fetch_reference(reference);
        if self.root_is_copy { self.note(r) } else { r }
    }
}

impl Tagger for Sided<'_> {
    fn tag(&self, desc: &Descriptor, tag: &str) -> oar::Result<()> {
        self.note(self.inner.tag(desc, tag))
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> oar::Result<()> {
        self.note(self.inner.push_tagged(desc, bytes, tag))
    }
}

impl ReferrerLister for Sided<'_> {
    fn referrers(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> oar::Result<Vec<Descriptor>> {
        let lister = self
            .inner
            .as_referrer_lister()
            .ok_or_else(|| oar::Error::Unsupported("listing referrers".into()))?;
        self.note(lister.referrers(subject, artifact_type))
    }
}

impl Target for Sided<'_> {
    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        self.inner
            .as_referrer_lister()
            .map(|_| self as &dyn ReferrerLister)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oar::content::layout::OciLayout;

    #[test]
    fn the_first_failure_names_its_side_and_resolving_the_root_names_none() {
        // A layout that does not exist: every lookup in it fails.
        let layout = OciLayout::new(
            std::env::temp_dir().join(format!("oar-sided-absent-{}", std::process::id())),
        );
        let failed = OnceLock::new();
        let src = Sided::new(&layout, Side::Source, &failed);
        let dst = Sided::new(&layout, Side::Destination, &failed);
        assert!(src.fetch_reference("missing").is_err());
        assert_eq!(failed.get(), None, "finding the root is not the copy");
        assert!(dst.resolve("missing").is_err());
        assert!(src.resolve("missing").is_err());
        assert_eq!(failed.get(), Some(&Side::Destination));
    }

    #[test]
    fn a_side_error_names_the_side_the_target_kind_and_the_reference_as_typed() {
        let target = TargetRef {
            raw: "localhost:5000/a:v1".into(),
            layout: false,
            selector: Some("v1".into()),
            path: "localhost:5000/a".into(),
        };
        let e = side_error(oar::Error::other("boom"), "destination", &target);
        assert_eq!(
            e.report(),
            "Error from destination registry for \"localhost:5000/a:v1\": boom"
        );
        let layout = TargetRef {
            layout: true,
            raw: "dir:v1".into(),
            ..target
        };
        let e = side_error(oar::Error::other("boom"), "source", &layout);
        assert_eq!(
            e.report(),
            "Error from source oci-layout for \"dir:v1\": boom"
        );
    }
}
