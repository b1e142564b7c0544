//! `oar push <name>[:<tag>[,<tag>]…] <file>[:<type>]…`

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, Format, TargetRef};
use crate::cli::output::{self, DescriptorJson, Status};
use oar::content::Target;
use oar::descriptor::{Annotations, Descriptor};
use oar::media_type;
use oar::ops::pack::{ImageSpec, PackOptions, Packed, pack};
use oar::ops::push::{Upload, push_packed};

/// Annotation-file key of the manifest's annotations.
pub const ANNOTATION_MANIFEST: &str = "$manifest";
/// Annotation-file key of the config's annotations.
pub const ANNOTATION_CONFIG: &str = "$config";

/// Splits `path[:type]` at the last colon, as oras does (`a:b:` is the
/// file `a:b` with the default type).
pub fn split_file_ref(s: &str, default: &str) -> Result<(String, String)> {
    let (path, mt) = match s.rsplit_once(':') {
        Some((p, m)) => (p, if m.is_empty() { default } else { m }),
        None => (s, default),
    };
    if path.is_empty() {
        return Err(Error::usage(format!("found empty file path in {s:?}")));
    }
    Ok((path.to_string(), mt.to_string()))
}

/// The layer title of a file argument: the path cleaned lexically (like Go's
/// `filepath.Clean`) with forward slashes.
pub fn file_title(path: &str) -> String {
    let abs = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if abs => {}
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (abs, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Reads `--annotation` or `--annotation-file` into per-target maps
/// (`$manifest`, `$config`, or a file name as typed).
pub fn load_annotations(args: &Args) -> Result<BTreeMap<String, Annotations>> {
    let flags = args.values("annotation");
    let file = args.shared_value("annotation-file");
    if file.is_some() && !flags.is_empty() {
        return Err(Error::usage(
            "`--annotation` and `--annotation-file` cannot be both specified",
        ));
    }
    let mut out: BTreeMap<String, Annotations> = BTreeMap::new();
    if let Some(path) = file {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("reading annotation file {path}"), e))?;
        out = serde_json::from_slice(&bytes).map_err(|_| {
            Error::usage(format!(
                "invalid annotation json file: failed to load annotations from {path}: expected an object of string maps"
            ))
        })?;
    }
    if !flags.is_empty() {
        let m = out.entry(ANNOTATION_MANIFEST.to_string()).or_default();
        for a in flags {
            let (k, v) = a.split_once('=').ok_or_else(|| {
                Error::usage(format!("annotation value doesn't match the required format: {a:?}; use --annotation \"key=value\""))
            })?;
            if m.insert(k.to_string(), v.to_string()).is_some() {
                return Err(Error::usage(format!("duplicate annotation key: {k}")));
            }
        }
    }
    Ok(out)
}

/// The JSON result of push and attach.
#[derive(Serialize)]
struct PushJson {
    #[serde(flatten)]
    desc: DescriptorJson,
    #[serde(rename = "referenceAsTags")]
    reference_as_tags: Option<Vec<String>>,
}

/// Packing settings shared with `attach`: spec, artifact type, config.
pub struct Packing {
    /// Pack options.
    pub opts: PackOptions,
    /// The config file, if any, as an upload.
    pub config: Option<Upload>,
}

/// Refuses two flags given together, in oras's words; `flags` in the
/// order oras names them.
pub fn exclusive(args: &Args, flags: &[&str]) -> Result<()> {
    let given: Vec<String> = flags
        .iter()
        .filter(|f| args.is_set(f))
        .map(|f| format!("--{f}"))
        .collect();
    if given.len() >= 2 {
        return Err(Error::usage(format!(
            "{} cannot be used at the same time",
            given.join(", ")
        )));
    }
    Ok(())
}

/// The config of `--config path[:type]` as an upload (unknown config type
/// by default), with the `$config` annotations.
pub fn config_upload(
    args: &Args,
    annotations: &BTreeMap<String, Annotations>,
) -> Result<Option<Upload>> {
    let Some(r) = args.value("config") else {
        return Ok(None);
    };
    let (path, mt) = split_file_ref(r, media_type::UNKNOWN_CONFIG)?;
    let mut up = Upload::file(Path::new(&path), &mt, "")?;
    up.desc.annotations = annotations.get(ANNOTATION_CONFIG).cloned();
    Ok(Some(up))
}

/// `--artifact-platform os/arch…`: an image config holding only the
/// platform, as oras bakes it, with the `$config` annotations.
fn platform_config(
    args: &Args,
    annotations: &BTreeMap<String, Annotations>,
) -> Result<Option<Upload>> {
    let Some(p) = args.value("artifact-platform") else {
        return Ok(None);
    };
    let platform = oar::descriptor::Platform::parse(p)?;
    let mut up = Upload::bytes(
        oar::manifest::marshal(&platform),
        media_type::OCI_CONFIG,
        "",
    );
    up.desc.annotations = annotations.get(ANNOTATION_CONFIG).cloned();
    Ok(Some(up))
}

fn packing(args: &Args, annotations: &BTreeMap<String, Annotations>) -> Result<Packing> {
    exclusive(args, &["config", "artifact-platform"])?;
    let config_ref = args.value("config");
    let artifact_type = args
        .value("artifact-type")
        .filter(|a| !a.is_empty())
        .map(str::to_string);
    let mut spec = match args.value("image-spec").unwrap_or("v1.1") {
        "v1.1" => ImageSpec::V1_1,
        "v1.0" => ImageSpec::V1_0,
        other => {
            return Err(Error::usage(format!(
                "unknown image specification flag: {other} (expected v1.1 or v1.0)"
            )));
        }
    };
    if config_ref.is_some() && artifact_type.is_none() {
        if !args.is_set("image-spec") {
            spec = ImageSpec::V1_0;
        } else if spec == ImageSpec::V1_1 {
            return Err(Error::usage(
                "missing artifact type for OCI image-spec v1.1 artifacts: set one with --artifact-type, or use --image-spec v1.0",
            ));
        }
    }
    if spec == ImageSpec::V1_0 && config_ref.is_some() && artifact_type.is_some() {
        return Err(Error::usage(
            "--artifact-type and --config cannot both be provided for 1.0 OCI image",
        ));
    }
    let artifact_type = match (spec, &artifact_type, config_ref) {
        (ImageSpec::V1_1, None, None) => Some(media_type::UNKNOWN_ARTIFACT.to_string()),
        _ => artifact_type,
    };
    let platform = platform_config(args, annotations)?;
    if platform.is_some() && spec == ImageSpec::V1_0 && artifact_type.is_some() {
        return Err(Error::usage(
            "artifact type cannot be customized for OCI image-spec v1.0 when platform is specified",
        )
        .recommend("consider using image spec v1.1 or remove --artifact-type"));
    }
    let config = match platform {
        Some(p) => Some(p),
        None => config_upload(args, annotations)?,
    };
    Ok(Packing {
        opts: {
            let mut o = PackOptions::default().spec(spec).manifest_annotations(
                annotations
                    .get(ANNOTATION_MANIFEST)
                    .cloned()
                    .unwrap_or_default(),
            );
            if let Some(at) = artifact_type {
                o = o.artifact_type(at);
            }
            if let Some(c) = &config {
                o = o.config(c.desc.clone());
            }
            if let Some(a) = annotations.get(ANNOTATION_CONFIG) {
                o = o.config_annotations(a.clone());
            }
            o
        },
        config,
    })
}

/// Checks file arguments (absolute paths need `--disable-path-validation`)
/// and describes each as a layer.
pub fn load_files(
    args: &Args,
    file_refs: &[String],
    annotations: &BTreeMap<String, Annotations>,
    status: &mut Status,
) -> Result<Vec<Upload>> {
    if !args.flag("disable-path-validation") {
        let mut abs = Vec::new();
        for r in file_refs {
            let (path, _) = split_file_ref(r, "")?;
            if Path::new(&path).is_absolute() {
                abs.push(path);
            }
        }
        if !abs.is_empty() {
            return Err(Error::usage(format!(
                "absolute file path detected. If it's intentional, use --disable-path-validation flag to skip this check: {}",
                abs.join(", ")
            )));
        }
    }
    let mut uploads = Vec::new();
    for r in file_refs {
        let (path, mt) = split_file_ref(r, "")?;
        let title = file_title(&path);
        status.preparing(&title);
        let mut up = Upload::path(
            Path::new(&path),
            Some(mt.as_str()).filter(|m| !m.is_empty()),
            &title,
            &options::directory_options(),
        )?;
        for s in &up.skipped {
            eprintln!(
                "Warning: {}: special file left out of the directory layer",
                oar::text::escape_controls(s)
            );
        }
        if let Some(extra) = annotations.get(&path) {
            for (k, v) in extra {
                up.desc.set_annotation(k.clone(), v.clone());
            }
        }
        uploads.push(up);
    }
    if uploads.is_empty() {
        status.say("Uploading empty artifact");
    }
    Ok(uploads)
}

/// Prints the structured result of a push (JSON or a template).
fn print_result(
    format: &Format,
    tref: &TargetRef,
    desc: &Descriptor,
    tags: &[String],
) -> Result<()> {
    // oras leaves the list out (null) when nothing was tagged, and sorts
    // it.
    let tags: Option<Vec<String>> = (!tags.is_empty()).then(|| {
        let mut refs: Vec<String> = tags.iter().map(|t| format!("{}:{t}", tref.path)).collect();
        refs.sort();
        refs
    });
    format.print(&PushJson {
        desc: DescriptorJson::new(&tref.path, desc),
        reference_as_tags: tags,
    })
}

/// Uploads the blobs and the manifest, printing status lines.
pub fn upload(
    target: &dyn Target,
    packed: &Packed,
    uploads: Vec<Upload>,
    tag: Option<&str>,
    status: &mut Status,
) -> Result<()> {
    push_packed(target, packed, uploads, tag, status)?;
    status.finish()
}

/// `oar push`.
pub fn run(args: &Args) -> Result<()> {
    let (raw, extra_tags) = options::split_tags(&args.positionals[0])?;
    let format = options::format(args)?;
    let json = format.is_structured();
    let annotations = load_annotations(args)?;
    let Packing { opts, config } = packing(args, &annotations)?;
    let mut status =
        Status::new(9, options::unnamed(args), json).on_terminal(options::tty(args), "Downloaded");
    let mut uploads = load_files(args, &args.positionals[1..], &annotations, &mut status)?;
    let (target, tref) = options::open_target(args, "", &raw, &["pull", "push"])?;
    if tref.selector.as_deref().is_some_and(options::is_digest) {
        return Err(Error::usage(format!(
            "{raw:?}: cannot push to a digest reference; give a tag, or no tag to push by digest"
        )));
    }
    let layers: Vec<Descriptor> = uploads.iter().map(|u| u.desc.clone()).collect();
    let packed = pack(layers, &opts)?;
    uploads.extend(config);
    upload(
        target.as_ref(),
        &packed,
        uploads,
        tref.selector.as_deref(),
        &mut status,
    )?;
    if !json {
        output::line(&format!("Pushed {}", tref.annotated()))?;
    }
    for t in &extra_tags {
        target.push_tagged(&packed.desc, &packed.bytes, t)?;
        if !json {
            output::line(&format!("Tagged {t}"))?;
        }
    }
    if json {
        let tags: Vec<String> = tref
            .selector
            .iter()
            .cloned()
            .chain(extra_tags.iter().cloned())
            .collect();
        print_result(&format, &tref, &packed.desc, &tags)?;
    } else {
        output::line(&format!(
            "ArtifactType: {}",
            packed.desc.artifact_type.as_deref().unwrap_or("")
        ))?;
        output::line(&format!("Digest: {}", packed.desc.digest))?;
    }
    if let Some(path) = args.value("export-manifest") {
        oar::content::files::write_atomic(Path::new(path), &packed.bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_refs_split_at_the_last_colon() {
        assert_eq!(
            split_file_ref("hi.txt", "d").unwrap(),
            ("hi.txt".into(), "d".into())
        );
        assert_eq!(
            split_file_ref("hi.txt:a/b", "d").unwrap(),
            ("hi.txt".into(), "a/b".into())
        );
        assert_eq!(
            split_file_ref("hi:txt:", "d").unwrap(),
            ("hi:txt".into(), "d".into())
        );
        assert!(split_file_ref(":a/b", "d").is_err());
    }

    #[test]
    fn titles_are_clean_paths() {
        assert_eq!(file_title("./a//b/../c.txt"), "a/c.txt");
        assert_eq!(file_title("dir/"), "dir");
        assert_eq!(file_title("../x"), "../x");
        assert_eq!(file_title("/abs/./p"), "/abs/p");
        assert_eq!(file_title("/../p"), "/p");
    }
}
