//! `oar attach <name>{:<tag>|@<digest>} <file>[:<type>]…`

use std::path::Path;

use super::push::{ANNOTATION_MANIFEST, load_annotations, load_files, upload};
use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options;
use crate::cli::output::{self, DescriptorJson, Status};
use oar::copy::select_platform;
use oar::descriptor::{Descriptor, Platform};
use oar::ops::pack::{ImageSpec, PackOptions, pack};

/// `oar attach`: packs the files into an image-spec 1.1 manifest whose
/// `subject` is the given artifact, and pushes it (a registry without the
/// referrers API gets its tag-schema index updated).
pub fn run(args: &Args) -> Result<()> {
    let raw = &args.positionals[0];
    let artifact_type = args
        .value("artifact-type")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| Error::usage("required flag \"artifact-type\" not set"))?
        .to_string();
    let format = options::format(args)?;
    let json = format.is_structured();
    let annotations = load_annotations(args)?;
    let files = &args.positionals[1..];
    if files.is_empty()
        && annotations
            .get(ANNOTATION_MANIFEST)
            .is_none_or(|m| m.is_empty())
    {
        return Err(
            Error::usage("neither file nor annotation provided in the command")
                .with_usage(args.cmd),
        );
    }
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (target, tref) = options::open_target(args, "", raw, &["pull", "push"])?;
    let selector = tref.require_selector(args.cmd, true)?.to_string();
    let (mut subject, bytes) = target.fetch_reference(&selector)?;
    if let Some(p) = &platform {
        subject = select_platform(target.as_ref(), subject, bytes, p)?.0;
    }
    let subject = Descriptor::new(subject.media_type, subject.digest, subject.size);
    let mut status =
        Status::new(9, options::unnamed(args), json).on_terminal(options::tty(args), "Downloaded");
    let uploads = load_files(args, files, &annotations, &mut status)?;
    let opts = PackOptions::default()
        .spec(ImageSpec::V1_1)
        .artifact_type(artifact_type)
        .manifest_annotations(
            annotations
                .get(ANNOTATION_MANIFEST)
                .cloned()
                .unwrap_or_default(),
        )
        .subject(subject.clone());
    let packed = pack(uploads.iter().map(|u| u.desc.clone()).collect(), &opts)?;
    upload(target.as_ref(), &packed, uploads, None, &mut status)?;
    if json {
        format.print(&DescriptorJson::new(&tref.path, &packed.desc))?;
    } else {
        let digest = subject.digest.to_string();
        let shown = if tref.raw.ends_with(&digest) {
            tref.raw.clone()
        } else {
            format!("{}@{digest}", tref.path)
        };
        let kind = if tref.layout {
            "oci-layout"
        } else {
            "registry"
        };
        output::line(&format!("Attached to [{kind}] {shown}"))?;
        output::line(&format!("Digest: {}", packed.desc.digest))?;
    }
    if let Some(path) = args.value("export-manifest") {
        oar::content::files::write_atomic(Path::new(path), &packed.bytes)?;
    }
    Ok(())
}
