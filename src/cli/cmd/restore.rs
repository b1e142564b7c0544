//! `oar restore --input <path> <registry>/<repository>[:<tag>[,<tag>…]]`
//! (ORAS CLI 1.3). The input is a layout directory, an archive file, or
//! an archive read from stdin as it arrives (`--input -`).

use std::time::Instant;

use serde::Serialize;

use super::airgap::{
    ArtifactJson, ContentJson, Say, artifacts_json, content_json, parse_refs, required_path,
    resolve_tags, restore_words, status,
};
use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::humanize;
use crate::cli::options;
use oar::content::Target;
use oar::content::layout::OciLayout;
use oar::content::tarlayout::TarLayout;
use oar::ops::restore::{Report, RestoreOptions, plan, restore, restore_stream};

/// The JSON record of a restore.
#[derive(Serialize)]
struct Record {
    input: String,
    repository: String,
    #[serde(rename = "dryRun")]
    dry_run: bool,
    artifacts: Vec<ArtifactJson>,
    content: Vec<ContentJson>,
    #[serde(rename = "transferredBytes")]
    transferred_bytes: u64,
    #[serde(rename = "durationSeconds")]
    duration_seconds: f64,
}

/// `oar restore`.
pub fn run(args: &Args) -> Result<()> {
    let input = required_path(args, "input")?;
    let (repository, tags) = parse_refs(&args.positionals[0])?;
    let format = options::format(args)?;
    let say = Say {
        stderr: false,
        quiet: format.is_structured(),
    };
    let dry_run = args.flag("dry-run");
    let opts = RestoreOptions::default().referrers(!args.flag("exclude-referrers"));
    let start = Instant::now();
    let (dst, _) = options::open_target(args, "", &repository, &["pull", "push"])?;
    let mut status = status(
        Say {
            stderr: false,
            // A dry run shows only what it would do, as oras.
            quiet: say.quiet || dry_run,
        },
        restore_words,
        options::tty(args),
    );
    let failed = |e: oar::Error| {
        Error::from(e).wrap(format!(
            "failed to restore from {input:?} to {repository:?}"
        ))
    };

    let report: Report = if input == "-" {
        options::check_stdin_conflict(args, input)?;
        let target = (!dry_run).then_some(dst.as_ref());
        let report = restore_stream(
            &mut std::io::stdin().lock(),
            "standard input",
            target,
            &tags,
            &opts,
            &mut status,
        )
        .map_err(failed)?;
        let found: Vec<String> = report.artifacts.iter().map(|a| a.tag.clone()).collect();
        say.found(&found, "the backup")?;
        report
    } else {
        let meta = std::fs::metadata(input)
            .map_err(|e| Error::io(format!("failed to access input path {input:?}"), e))?;
        let src: Box<dyn Target> = if meta.is_file() {
            let archive = TarLayout::open(input).map_err(|e| match e {
                oar::Error::Archive(a)
                    if matches!(a.fault, oar::error::ArchiveFault::NotAnArchive(_)) =>
                {
                    Error::other(format!("input path {input:?} is not a tar archive"))
                }
                other => Error::from(other).wrap(format!(
                    "failed to prepare OCI store from tar archive {input:?}"
                )),
            })?;
            say.line(&format!(
                "Loaded backup archive: {input} ({})",
                humanize::bytes(meta.len())
            ))?;
            Box::new(archive)
        } else if meta.is_dir() {
            Box::new(OciLayout::new(input))
        } else {
            return Err(Error::other(format!(
                "input path {input:?} must be a directory or a tar archive"
            )));
        };
        let roots = resolve_tags(
            src.as_ref(),
            tags,
            &format!("OCI layout {input:?}"),
            "repo tags --oci-layout",
            say,
            "the backup",
        )?;
        if dry_run {
            plan(src.as_ref(), &roots, &opts).map_err(failed)?
        } else {
            restore(src.as_ref(), dst.as_ref(), &roots, &opts, &mut status).map_err(failed)?
        }
    };
    status.finish()?;

    for a in &report.artifacts {
        let n = a.referrers.len();
        if dry_run {
            say.line(&format!(
                "Dry run: would push tag {} with {n} referrer(s)",
                a.tag
            ))?;
        } else {
            say.line(&format!("Pushed tag {} with {n} referrer(s)", a.tag))?;
        }
    }
    let took = start.elapsed();
    let count = report.artifacts.len();
    if dry_run {
        say.line(&format!(
            "Dry run complete: {count} tag(s) would be restored to {repository:?} (no data pushed)"
        ))?;
    } else {
        say.line(&format!(
            "Successfully restored {count} tag(s) to {repository:?} in {}",
            humanize::duration(took)
        ))?;
    }
    if format.is_structured() {
        let (content, transferred_bytes) = content_json(&report.content, dry_run);
        return format.print(&Record {
            input: input.to_string(),
            repository,
            dry_run,
            artifacts: artifacts_json(&report.artifacts),
            content,
            transferred_bytes,
            duration_seconds: took.as_secs_f64(),
        });
    }
    Ok(())
}
