//! `oar manifest index create` and `oar manifest index update` (ORAS CLI
//! 1.3), against registries and OCI layouts, with oras's status lines
//! (`Fetching`, `Fetched`, `Added`, `Merged`, `Removed`, `Packed` or
//! `Updated`, `Pushed`) and index bytes.

use std::collections::HashSet;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, TargetRef};
use crate::cli::output;
use oar::content::Target;
use oar::descriptor::Descriptor;
use oar::digest::Digest;
use oar::manifest::{Document, Index};
use oar::ops::index::{encode_index, index_entry, is_listable, new_index};

/// oras's check of an index's artifact type: `type/subtype`, each a
/// letter or digit then up to 126 of `A-Za-z0-9!#$&^_.+-`.
fn check_artifact_type(t: &str) -> Result<()> {
    let part = |p: &str| {
        let b = p.as_bytes();
        !b.is_empty()
            && b.len() <= 127
            && b[0].is_ascii_alphanumeric()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(c))
    };
    match t.split_once('/') {
        Some((a, b)) if part(a) && part(b) => Ok(()),
        _ => Err(Error::usage(format!("{t}: invalid media type"))),
    }
}

/// A status line, as oras pads its index prompts.
fn status(quiet: bool, word: &str, rest: &str) -> Result<()> {
    if quiet {
        return Ok(());
    }
    output::line(&format!("{word:<9} {rest}"))
}

/// `Fetched <digest> <ref>`, or only the digest when the ref is one.
fn fetched_line(reference: &str, desc: &Descriptor) -> String {
    if options::is_digest(reference) {
        reference.to_string()
    } else {
        format!("{} {reference}", desc.digest)
    }
}

/// Fetches `reference` from `target`, which must be a manifest or (with
/// `index`) an index; `what` names it in the error (`manifest`, `index`).
fn fetch(
    target: &dyn Target,
    reference: &str,
    what: &str,
    want_index: bool,
) -> Result<(Descriptor, Vec<u8>)> {
    let not_kind = || Error::other(format!("{reference} is not {}", article(what)));
    let (desc, bytes) = match target.fetch_reference(reference) {
        Ok(found) => found,
        Err(e) => {
            // A layout names a blob by its digest too: content that is
            // there but is no manifest is "not a manifest".
            if !e.is_not_found()
                && let Ok(d) = Digest::parse(reference)
                && target
                    .as_blob_resolver()
                    .is_some_and(|r| r.resolve_blob(&d).is_ok())
            {
                return Err(not_kind());
            }
            return Err(Error::from(e).wrap(format!("could not find the {what} {reference}")));
        }
    };
    let ok = if want_index {
        oar::media_type::is_index(&desc.media_type)
    } else {
        is_listable(&desc.media_type)
    };
    if !ok {
        return Err(not_kind());
    }
    Ok((desc, bytes))
}

fn article(what: &str) -> String {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {what}")
    } else {
        format!("a {what}")
    }
}

/// Writes the index to `--output` (a file, or `-` for stdout, prettified
/// there with `--pretty`).
fn write_out(args: &Args, path: &str, bytes: &[u8]) -> Result<()> {
    output::to_path_or_stdout(path, bytes, path == "-" && args.flag("pretty"))
}

/// Pushes the index under `reference` (by digest when it is none or a
/// digest), prints `Pushed <shown>`, then tags it `tags`.
fn push(
    target: &dyn Target,
    desc: &Descriptor,
    bytes: &[u8],
    reference: Option<&str>,
    shown: &str,
    tags: &[String],
) -> Result<()> {
    match reference.filter(|r| !options::is_digest(r)) {
        Some(tag) => target.push_tagged(desc, bytes, tag)?,
        None => oar::content::push_bytes(target, desc, bytes)?,
    }
    status(false, "Pushed", shown)?;
    for t in tags {
        target.push_tagged(desc, bytes, t)?;
        output::line(&format!("Tagged {t}"))?;
    }
    Ok(())
}

/// `oar manifest index create <target>[:<tag>[,<tag>…]] [<source>…]`.
pub fn create(args: &Args) -> Result<()> {
    let (raw, extra) = options::split_tags(&args.positionals[0])?;
    let out = args.value("output");
    let quiet = out == Some("-");
    let (target, tref) = options::open_target(args, "", &raw, &["pull", "push"])?;
    let artifact_type = args.value("artifact-type").filter(|t| !t.is_empty());
    if let Some(t) = artifact_type {
        check_artifact_type(t)?;
    }
    let annotations = super::push::load_annotations(args)?
        .remove(super::push::ANNOTATION_MANIFEST)
        .filter(|a| !a.is_empty());
    let mut manifests = Vec::new();
    for source in &args.positionals[1..] {
        status(quiet, "Fetching", source)?;
        let (desc, bytes) = fetch(target.as_ref(), source, "manifest", false)?;
        status(quiet, "Fetched", &fetched_line(source, &desc))?;
        manifests.push(index_entry(target.as_ref(), &desc, &bytes)?);
    }
    let (desc, bytes) = encode_index(new_index(
        manifests,
        artifact_type.map(str::to_string),
        annotations,
    ));
    status(
        quiet,
        "Packed",
        &format!("{} {}", desc.digest.short(), desc.media_type),
    )?;
    finish(
        args,
        target.as_ref(),
        &tref,
        &desc,
        &bytes,
        &tref.annotated(),
        &extra,
    )
}

/// The end both commands share: write or push, then `Digest: …`.
fn finish(
    args: &Args,
    target: &dyn Target,
    tref: &TargetRef,
    desc: &Descriptor,
    bytes: &[u8],
    shown: &str,
    tags: &[String],
) -> Result<()> {
    match args.value("output") {
        Some(path) => {
            write_out(args, path, bytes)?;
            if path == "-" {
                return Ok(());
            }
        }
        None => push(target, desc, bytes, tref.selector.as_deref(), shown, tags)?,
    }
    output::line(&format!("Digest: {}", desc.digest))
}

/// `oar manifest index update <index>{:<tag>|@<digest>} [--add|--merge|--remove …]`.
pub fn update(args: &Args) -> Result<()> {
    if args.is_set("tag") && args.is_set("output") {
        return Err(Error::usage(
            "--tag, --output cannot be used at the same time",
        ));
    }
    let remove = args.values("remove");
    for r in remove {
        if Digest::parse(r).is_err() {
            return Err(Error::usage(format!("remove: {r} is not a digest")));
        }
    }
    let changes = ["add", "remove", "merge", "artifact-type"];
    if !changes.iter().any(|f| args.is_set(f)) {
        return output::line("Nothing to update as no change is requested");
    }
    let out = args.value("output");
    let quiet = out == Some("-");
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull", "push"])?;
    let reference = tref.require_selector(args.cmd, true)?.to_string();
    let artifact_type = args.value("artifact-type").filter(|t| !t.is_empty());
    if let Some(t) = artifact_type {
        check_artifact_type(t)?;
    }
    status(quiet, "Fetching", &reference)?;
    let (desc, bytes) = fetch(target.as_ref(), &reference, "index", true)?;
    status(quiet, "Fetched", &fetched_line(&reference, &desc))?;
    let mut index: Index = match Document::parse(&desc.media_type, &bytes)? {
        Document::Index(i) => i,
        Document::Manifest(_) => return Err(Error::other(format!("{reference} is not an index"))),
    };
    if args.is_set("artifact-type") {
        index.artifact_type = artifact_type.map(str::to_string);
    }

    // Removed first, then added, then merged, as oras does.
    let gone: HashSet<&str> = remove.iter().map(String::as_str).collect();
    let mut found = HashSet::new();
    index.manifests.retain(|m| {
        let d = m.digest.to_string();
        if gone.contains(d.as_str()) {
            found.insert(d);
            false
        } else {
            true
        }
    });
    let mut seen = HashSet::new();
    for r in remove {
        if !seen.insert(r) {
            continue;
        }
        if !found.contains(r) {
            return Err(Error::other(format!(
                "{r} does not exist in the index {reference}"
            )));
        }
        status(quiet, "Removed", r)?;
    }
    for source in args.values("add") {
        status(quiet, "Fetching", source)?;
        let (d, b) = fetch(target.as_ref(), source, "manifest", false)?;
        status(quiet, "Fetched", &fetched_line(source, &d))?;
        index.manifests.push(index_entry(target.as_ref(), &d, &b)?);
        status(quiet, "Added", &fetched_line(source, &d))?;
    }
    for source in args.values("merge") {
        status(quiet, "Fetching", source)?;
        let (d, b) = fetch(target.as_ref(), source, "index", true)?;
        status(quiet, "Fetched", &fetched_line(source, &d))?;
        if let Document::Index(other) = Document::parse(&d.media_type, &b)? {
            index.manifests.extend(other.manifests);
        }
        status(quiet, "Merged", &fetched_line(source, &d))?;
    }
    let (new, new_bytes) = encode_index(index);
    status(quiet, "Updated", &new.digest.to_string())?;
    let shown = if options::is_digest(&reference) {
        format!(
            "[{}] {}",
            if tref.layout {
                "oci-layout"
            } else {
                "registry"
            },
            tref.path
        )
    } else {
        tref.annotated()
    };
    finish(
        args,
        target.as_ref(),
        &tref,
        &new,
        &new_bytes,
        &shown,
        args.values("tag"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_types_as_oras_checks_them() {
        assert!(check_artifact_type("application/vnd.test-example").is_ok());
        assert!(check_artifact_type("a/b+json").is_ok());
        for bad in ["invalid", "a/b/c", "/b", "a/", "a b/c"] {
            assert!(check_artifact_type(bad).is_err(), "{bad}");
        }
    }
}
