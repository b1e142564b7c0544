//! `oar manifest fetch|fetch-config|push|delete`.

use std::io::Read;

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, TargetRef};
use crate::cli::output::{self, DescriptorJson, Status};
use crate::cli::prompt;
use oar::content::Target;
use oar::copy::select_platform;
use oar::descriptor::{Descriptor, Platform};
use oar::manifest::{Document, MAX_MANIFEST_SIZE};
use oar::media_type;

/// Fetches the manifest a command names, honouring `--platform`.
fn fetch(args: &Args, target: &dyn Target, tref: &TargetRef) -> Result<(Descriptor, Vec<u8>)> {
    let selector = tref.require_selector(args.cmd, true)?.to_string();
    let (desc, bytes) = target.fetch_reference(&selector)?;
    match args.value("platform").map(Platform::parse).transpose()? {
        Some(p) => Ok(select_platform(target, desc, bytes, &p)?),
        None => Ok((desc, bytes)),
    }
}

#[derive(Serialize)]
struct Fetched {
    #[serde(flatten)]
    desc: DescriptorJson,
    content: serde_json::Value,
}

/// `oar manifest fetch`.
pub fn fetch_cmd(args: &Args) -> Result<()> {
    let out = args.value("output");
    let format = options::format(args)?;
    let json = format.is_structured();
    let descriptor = args.flag("descriptor");
    let pretty = args.flag("pretty") && out.is_none_or(|o| o == "-");
    match (out, json, descriptor) {
        (Some("-"), true, _) => {
            return Err(Error::usage(
                "`--output -` cannot be used with `--format json` at the same time",
            ));
        }
        (Some("-"), _, true) => {
            return Err(Error::usage(
                "`--descriptor` cannot be used with `--output -` at the same time",
            ));
        }
        (_, true, true) => {
            return Err(Error::usage(
                "--format, --descriptor cannot be used at the same time",
            ));
        }
        _ => {}
    }
    if json && args.flag("pretty") {
        return Err(Error::usage(
            "--format, --pretty cannot be used at the same time",
        ));
    }
    let media_types: Vec<String> = args
        .values("media-type")
        .iter()
        .flat_map(|m| m.split(','))
        .map(|m| m.trim().to_string())
        .collect();
    if !media_types.is_empty() && options::is_layout(args, "") {
        return Err(Error::usage(
            "`--media-type` cannot be used with `--oci-layout` at the same time",
        ));
    }
    let (target, tref) =
        options::open_target_with(args, "", &args.positionals[0], &["pull"], |repo| {
            repo.set_manifest_accept(&media_types);
            Ok(())
        })?;
    let (desc, bytes) = fetch(args, target.as_ref(), &tref)?;
    if let Some(path) = out {
        output::to_path_or_stdout(path, &bytes, pretty)?;
    }
    if json {
        let content = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        return format.print(&Fetched {
            desc: DescriptorJson::new(&tref.path, &desc),
            content,
        });
    }
    if descriptor {
        return output::descriptor(&desc, pretty);
    }
    if out.is_none() {
        output::raw_json(&bytes, pretty)?;
    }
    Ok(())
}

/// `oar manifest fetch-config`.
pub fn fetch_config(args: &Args) -> Result<()> {
    let out = args.value("output");
    let descriptor = args.flag("descriptor");
    if out == Some("-") && descriptor {
        return Err(Error::usage(
            "`--output -` cannot be used with `--descriptor` at the same time",
        ));
    }
    let pretty = args.flag("pretty");
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull"])?;
    let (desc, bytes) = fetch(args, target.as_ref(), &tref)?;
    let config = match Document::parse(&desc.media_type, &bytes)? {
        Document::Manifest(m) => m.config,
        Document::Index(_) => {
            return Err(Error::usage(format!(
                "{:?} is not an image manifest and does not have a config",
                desc.digest.to_string()
            )));
        }
    };
    if !descriptor || out.is_some() {
        let content = oar::content::fetch_all(target.as_ref(), &config)?;
        match out {
            None | Some("-") => {
                if pretty {
                    output::raw_json(&content, true)?;
                } else {
                    output::bytes(&content)?;
                }
            }
            Some(path) => oar::content::files::write_atomic(std::path::Path::new(path), &content)?,
        }
    }
    if descriptor {
        output::descriptor(&config, pretty)?;
    }
    Ok(())
}

/// Reads the manifest file (or stdin for `-`), bounded.
fn read_manifest_input(path: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let limit = MAX_MANIFEST_SIZE + 1;
    if path == "-" {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("reading the manifest from stdin", e))?;
    } else {
        std::fs::File::open(path)
            .map_err(|e| Error::io(format!("opening {path}"), e))?
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(format!("reading {path}"), e))?;
    }
    if buf.len() as u64 > MAX_MANIFEST_SIZE {
        return Err(oar::Error::TooLarge {
            what: format!("manifest {path}"),
            limit: MAX_MANIFEST_SIZE,
        }
        .into());
    }
    Ok(buf)
}

/// Why a manifest's `mediaType` field could not be read.
enum MediaTypeField {
    Missing,
    NotJson,
}

/// The manifest's own `mediaType` field.
fn media_type_field(bytes: &[u8]) -> std::result::Result<String, MediaTypeField> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default, rename = "mediaType")]
        media_type: String,
    }
    let p: Probe = serde_json::from_slice(bytes).map_err(|_| MediaTypeField::NotJson)?;
    if p.media_type.is_empty() {
        Err(MediaTypeField::Missing)
    } else {
        Ok(p.media_type)
    }
}

/// `oar manifest push`.
pub fn push(args: &Args) -> Result<()> {
    let (raw, extra) = options::split_tags(&args.positionals[0])?;
    let file = &args.positionals[1];
    options::check_stdin_conflict(args, file)?;
    let bytes = read_manifest_input(file)?;
    let media_type = match args.value("media-type").filter(|m| !m.is_empty()) {
        Some(m) => m.to_string(),
        None => media_type_field(&bytes).map_err(|e| match e {
            // oras takes the type from the manifest's own mediaType
            // field, and guesses nothing.
            MediaTypeField::Missing => Error::usage(format!(
                "media type is not specified via the flag \"--media-type\" nor in {file:?}"
            ))
            .with_usage(args.cmd)
            .recommend(
                "Please specify a valid media type in the manifest JSON or via the \"--media-type\" flag",
            ),
            MediaTypeField::NotJson => Error::usage("not a valid json file"),
        })?,
    };
    if !media_type::is_manifest(&media_type) {
        return Err(Error::usage(format!(
            "{media_type} is not a manifest media type"
        )));
    }
    Document::parse(&media_type, &bytes)?;
    let desc = Descriptor::from_bytes(media_type, &bytes);
    let (target, tref) = options::open_target(args, "", &raw, &["pull", "push"])?;
    let reference = tref
        .selector
        .clone()
        .unwrap_or_else(|| desc.digest.to_string());
    if options::is_digest(&reference) && reference != desc.digest.to_string() {
        return Err(oar::Error::DigestMismatch {
            expected: reference,
            actual: desc.digest.to_string(),
        }
        .into());
    }
    let descriptor = args.flag("descriptor");
    let mut status = Status::new(9, options::unnamed(args) && !descriptor, false);
    let matches = match target.resolve(&reference) {
        Ok(d) => d.digest == desc.digest,
        Err(e) if e.is_not_found() => false,
        Err(e) => return Err(e.into()),
    };
    if matches {
        status.print("Exists", &desc);
    } else {
        status.print("Uploading", &desc);
        if options::is_digest(&reference) {
            oar::content::push_bytes(target.as_ref(), &desc, &bytes)?;
        } else {
            target.push_tagged(&desc, &bytes, &reference)?;
        }
        status.print("Uploaded", &desc);
    }
    status.finish()?;
    if descriptor {
        for t in &extra {
            target.push_tagged(&desc, &bytes, t)?;
        }
        return output::descriptor(&desc, args.flag("pretty"));
    }
    output::line(&format!("Pushed {}", tref.annotated()))?;
    for t in &extra {
        target.push_tagged(&desc, &bytes, t)?;
        output::line(&format!("Tagged {t}"))?;
    }
    output::line(&format!("Digest: {}", desc.digest))
}

/// `--descriptor` with a delete needs `--force`, as in oras.
pub fn check_delete_flags(args: &Args) -> Result<()> {
    if args.flag("descriptor") && !args.flag("force") {
        return Err(Error::usage(
            "must apply --force to confirm the deletion if the descriptor is outputted",
        ));
    }
    Ok(())
}

/// The shared end of `manifest delete` and `blob delete`: report a missing
/// `what` (only `Missing …` with `--force`), ask unless `--force`, delete,
/// and print `Deleted …` or the descriptor.
pub fn delete_resolved(
    args: &Args,
    target: &dyn Target,
    tref: &TargetRef,
    what: &str,
    found: oar::Result<Descriptor>,
) -> Result<()> {
    let desc = match found {
        Ok(d) => d,
        Err(e) if e.is_not_found() => {
            if args.flag("force") && !args.flag("descriptor") {
                return output::line(&format!("Missing {}", tref.raw));
            }
            // oras's own words, not the registry's answer.
            return Err(Error::other(format!(
                "{}: the specified {what} does not exist",
                tref.raw
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if !args.flag("force") {
        let tags = if what == "manifest" {
            " and all tags associated with it"
        } else {
            ""
        };
        let question = format!(
            "Are you sure you want to delete the {what} {:?}{tags}?",
            desc.digest.to_string()
        );
        if !prompt::confirm(&question)? {
            return output::line("Operation cancelled.");
        }
    }
    target
        .as_deleter()
        .ok_or_else(|| oar::Error::Unsupported("this target cannot delete".into()))?
        .delete(&desc)
        .map_err(|e| Error::other(format!("failed to delete {}: {e}", tref.raw)))?;
    if args.flag("descriptor") {
        return output::descriptor(&desc, args.flag("pretty"));
    }
    output::line(&format!("Deleted {}", tref.annotated()))
}

/// `oar manifest delete`: resolves a tag to its digest first (registries
/// delete by digest), asks unless `--force`.
pub fn delete(args: &Args) -> Result<()> {
    check_delete_flags(args)?;
    let (target, tref) =
        options::open_target(args, "", &args.positionals[0], &["pull", "delete", "push"])?;
    let selector = tref.require_selector(args.cmd, true)?.to_string();
    let found = target.resolve(&selector);
    delete_resolved(args, target.as_ref(), &tref, "manifest", found)
}
