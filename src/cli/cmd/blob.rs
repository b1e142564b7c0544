//! `oar blob fetch|push|delete`.

use std::path::Path;

use super::manifest::{check_delete_flags, delete_resolved};
use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, TargetRef};
use crate::cli::output::{self, Status};
use oar::content::{OnceSource, Target, describe_file, fetch_verified};
use oar::copy::{Action, Observed, Observer};
use oar::descriptor::Descriptor;
use oar::digest::{Digest, copy_stream};

/// The digest of a `name@digest` blob reference.
fn blob_digest(args: &Args, tref: &TargetRef) -> Result<Digest> {
    let sel = tref.require_selector(args.cmd, false)?;
    Ok(Digest::parse(sel)?)
}

fn resolve(target: &dyn Target, digest: &Digest) -> oar::Result<Descriptor> {
    target
        .as_blob_resolver()
        .ok_or_else(|| oar::Error::Unsupported("this target cannot look up blobs".into()))?
        .resolve_blob(digest)
}

/// `oar blob fetch`: to a file (verified, then renamed into place;
/// resumable), to stdout, or just its descriptor.
pub fn fetch(args: &Args) -> Result<()> {
    let out = args.value("output");
    let descriptor = args.flag("descriptor");
    if out.is_none() && !descriptor {
        return Err(Error::usage(
            "either `--output` or `--descriptor` must be provided",
        ));
    }
    if out == Some("-") && descriptor {
        return Err(Error::usage(
            "`--descriptor` cannot be used with `--output -` at the same time",
        ));
    }
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull"])?;
    let digest = blob_digest(args, &tref)?;
    let desc = resolve(target.as_ref(), &digest)?;
    match out {
        Some("-") => {
            let mut r = fetch_verified(target.as_ref(), &desc)?;
            let mut stdout = std::io::stdout().lock();
            copy_stream(&mut r, &mut stdout).map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => output::stdout_error(e),
                _ => oar::Error::from_io(format!("fetching {digest}"), e).into(),
            })?;
        }
        Some(path) => {
            let mut source = oar::content::StoreSource {
                store: target.as_ref(),
                desc: desc.clone(),
            };
            // Only the live progress: oras prints no status lines here.
            let mut status =
                Status::new(11, false, true).on_terminal(options::tty(args), "Downloaded");
            status.event(Action::Downloading, &desc);
            oar::content::files::write_output_file(
                Path::new(path),
                &desc,
                &mut Observed::new(&mut source, &mut status, &desc),
                &options::diagnostics(args),
            )?;
            status.event(Action::Downloaded, &desc);
            status.finish()?;
        }
        None => {}
    }
    if descriptor {
        output::descriptor(&desc, args.flag("pretty"))?;
    }
    Ok(())
}

/// `oar blob push`: a file, or stdin with `@digest` and `--size`.
pub fn push(args: &Args) -> Result<()> {
    let file = &args.positionals[1];
    let media_type = args
        .value("media-type")
        .unwrap_or(oar::media_type::OCI_LAYER_TAR)
        .to_string();
    let size: i64 = args
        .value("size")
        .unwrap_or("-1")
        .parse()
        .map_err(|_| Error::usage("--size must be a number"))?;
    options::check_stdin_conflict(args, file)?;
    if file == "-" && size < 0 {
        return Err(Error::usage(
            "`--size` must be provided if the blob is read from stdin",
        ));
    }
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull", "push"])?;
    let given = match tref.selector.as_deref() {
        Some(s) if s.contains(':') => Some(Digest::parse(s)?),
        Some(s) => {
            return Err(Error::usage(format!(
                "{s:?}: a blob is pushed by digest, not by tag"
            )));
        }
        None => None,
    };
    let descriptor = args.flag("descriptor");
    let mut status = Status::new(9, options::unnamed(args) && !descriptor, false)
        .on_terminal(options::tty(args), "Downloaded");
    let (desc, mut source): (Descriptor, Box<dyn oar::content::Source>) = if file == "-" {
        let digest = given.ok_or_else(|| {
            Error::usage(
                "`--size` and the digest (<name>@<digest>) must be provided when reading stdin",
            )
        })?;
        (
            Descriptor::new(media_type, digest, size as u64),
            Box::new(OnceSource(Some(Box::new(std::io::stdin())))),
        )
    } else {
        let (mut d, src) = describe_file(Path::new(file), &media_type)?;
        if let Some(g) = &given
            && *g != d.digest
        {
            return Err(oar::Error::DigestMismatch {
                expected: g.to_string(),
                actual: d.digest.to_string(),
            }
            .into());
        }
        if size >= 0 && size as u64 != d.size {
            return Err(oar::Error::SizeMismatch {
                expected: size as u64,
                actual: d.size,
            }
            .into());
        }
        d.media_type = media_type;
        (d, Box::new(src))
    };
    if target.exists(&desc)? {
        status.event(Action::Exists, &desc);
    } else {
        status.event(Action::Uploading, &desc);
        target.push(
            &desc,
            &mut Observed::new(source.as_mut(), &mut status, &desc),
        )?;
        status.event(Action::Uploaded, &desc);
    }
    status.finish()?;
    if descriptor {
        return output::descriptor(&desc, args.flag("pretty"));
    }
    output::line(&format!("Pushed {}", tref.annotated()))?;
    output::line(&format!("Digest: {}", desc.digest))
}

/// `oar blob delete`.
pub fn delete(args: &Args) -> Result<()> {
    check_delete_flags(args)?;
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull", "delete"])?;
    let digest = blob_digest(args, &tref)?;
    let found = resolve(target.as_ref(), &digest);
    delete_resolved(args, target.as_ref(), &tref, "blob", found)
}
