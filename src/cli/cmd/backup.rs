//! `oar backup --output <path> <registry>/<repository>[:<tag>[,<tag>…]]`
//! (ORAS CLI 1.3), and `oar backup --verify <path>`.
//!
//! The output is a directory, a `*.tar` archive file, or an archive
//! written to stdout (`-o -`); with stdout taken by the archive, the
//! status lines and the summary go to stderr.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::airgap::{
    ArtifactJson, ContentJson, Say, artifacts_json, backup_words, content_json, parse_refs,
    required_path, resolve_tags, status,
};
use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::humanize;
use crate::cli::options::{self, Format};
use oar::content::Target;
use oar::content::layout::OciLayout;
use oar::content::tarwriter::TarLayoutWriter;
use oar::copy::Action;
use oar::ops::backup::{BackupOptions, Recorder, backup_artifact};
use oar::ops::restore::{Verified, verify_directory, verify_stream};

/// Where the backup goes.
enum Output {
    Dir(OciLayout),
    Tar(Box<TarLayoutWriter>),
}

impl Output {
    fn target(&self) -> &dyn Target {
        match self {
            Output::Dir(l) => l,
            Output::Tar(w) => w.as_ref(),
        }
    }
}

/// The JSON record of a backup.
#[derive(Serialize)]
struct Record {
    repository: String,
    output: String,
    kind: &'static str,
    artifacts: Vec<ArtifactJson>,
    content: Vec<ContentJson>,
    #[serde(rename = "transferredBytes")]
    transferred_bytes: u64,
    #[serde(rename = "archiveSize", skip_serializing_if = "Option::is_none")]
    archive_size: Option<u64>,
    #[serde(rename = "durationSeconds")]
    duration_seconds: f64,
}

/// Standard output as a file, so that an archive is written to it without
/// line buffering.
fn stdout_file() -> Result<Box<dyn std::io::Write + Send>> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| Error::io("opening stdout", e))?;
        Ok(Box::new(std::fs::File::from(fd)))
    }
    #[cfg(not(unix))]
    {
        Ok(Box::new(std::io::stdout()))
    }
}

/// A closed pipe is a failure here: the archive did not reach its reader
/// (elsewhere oar ends quietly on one).
fn pipe_failure(e: Error) -> Error {
    if e.is_broken_pipe() {
        Error::other(
            "writing the archive to stdout: the reader went away before the end (broken pipe)",
        )
    } else {
        e
    }
}

/// `oar backup`.
pub fn run(args: &Args) -> Result<()> {
    if args.flag("verify") {
        return verify(args, &args.positionals[0]);
    }
    let output = required_path(args, "output")?;
    let (repository, tags) = parse_refs(&args.positionals[0])?;
    let format = options::format(args)?;
    let to_stdout = output == "-";
    let say = Say {
        stderr: to_stdout,
        quiet: format.is_structured(),
    };
    let tar = to_stdout
        || Path::new(output)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tar"));
    if tar && !to_stdout && Path::new(output).is_dir() {
        return Err(Error::other(format!(
            "the output path {output:?} already exists and is a directory"
        ))
        .recommend(
            "To back up to a tar archive, please specify a different output file name or remove the existing directory.",
        ));
    }
    let start = Instant::now();
    let (src, _) = options::open_target(args, "", &repository, &["pull"])?;

    // The tags first, as oras resolves them all before copying any.
    let roots = resolve_tags(
        src.as_ref(),
        tags,
        &format!("repository {repository:?}"),
        "repo tags",
        say,
        &repository,
    )?;

    let out = if to_stdout {
        Output::Tar(Box::new(
            TarLayoutWriter::stream(stdout_file()?).map_err(|e| pipe_failure(e.into()))?,
        ))
    } else if tar {
        Output::Tar(Box::new(TarLayoutWriter::open(output)?))
    } else {
        if Path::new(output).exists() && !Path::new(output).is_dir() {
            return Err(Error::other(format!(
                "the output path {output:?} exists and is not a directory"
            )));
        }
        Output::Dir(OciLayout::new(output))
    };
    let opts = BackupOptions::default().referrers(args.flag("include-referrers"));
    let mut status = status(say, backup_words, options::tty(args));
    let mut rec = Recorder::new(&mut status, Action::Downloaded);
    let mut artifacts = Vec::new();
    for (tag, root) in &roots {
        let art = backup_artifact(src.as_ref(), out.target(), tag, root, &opts, &mut rec).map_err(
            |e| {
                pipe_failure(Error::from(e).wrap(format!(
                    "failed to back up tag {tag:?} from {repository:?} to {output:?}"
                )))
            },
        )?;
        say.line(&format!(
            "Pulled tag {tag} with {} referrer(s)",
            art.referrers.len()
        ))?;
        artifacts.push(art);
    }
    let moved = rec.into_moved();
    status.finish()?;
    let archive_size = match out {
        Output::Dir(_) => {
            // The ingest directory goes when empty, as oras leaves none;
            // another writer's file in it keeps it.
            let _ = std::fs::remove_dir(Path::new(output).join("ingest"));
            None
        }
        Output::Tar(w) => {
            let shown = if to_stdout { "stdout" } else { output };
            say.line(&format!("Exporting to {shown}"))?;
            let size = w.finish().map_err(|e| pipe_failure(e.into()))?;
            say.line(&format!("Exported to {shown} ({})", humanize::bytes(size)))?;
            Some(size)
        }
    };
    let took = start.elapsed();
    say.line(&format!(
        "Successfully backed up {} tag(s) from {repository:?} to {output:?} in {}.",
        roots.len(),
        humanize::duration(took)
    ))?;
    if format.is_structured() {
        let (content, transferred_bytes) = content_json(&moved, false);
        let record = Record {
            repository,
            output: output.to_string(),
            kind: if to_stdout {
                "stream"
            } else if tar {
                "tar"
            } else {
                "directory"
            },
            artifacts: artifacts_json(&artifacts),
            content,
            transferred_bytes,
            archive_size,
            duration_seconds: took.as_secs_f64(),
        };
        return print_record(&format, &record, to_stdout);
    }
    Ok(())
}

/// Prints the JSON record: on stdout, or on stderr when stdout carried
/// the archive.
fn print_record<T: Serialize>(format: &Format, record: &T, to_stderr: bool) -> Result<()> {
    if !to_stderr {
        return format.print(record);
    }
    let json = oar::manifest::indent_json(&oar::manifest::marshal(record))?;
    eprintln!("{}", String::from_utf8_lossy(&json));
    Ok(())
}

/// The JSON record of a check.
#[derive(Serialize)]
struct VerifiedJson {
    path: String,
    blobs: usize,
    bytes: u64,
    manifests: usize,
    tags: Vec<String>,
    roots: usize,
    unreferenced: usize,
}

/// `oar backup --verify PATH`: checks a layout directory, an archive
/// file, or an archive on stdin.
fn verify(args: &Args, path: &str) -> Result<()> {
    if args.is_set("output") {
        return Err(Error::usage(
            "--verify checks the layout its argument names: --output cannot be used with it",
        ));
    }
    let format = options::format(args)?;
    let v: Verified = if path == "-" {
        options::check_stdin_conflict(args, path)?;
        verify_stream(&mut std::io::stdin().lock(), "standard input")?
    } else {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::io(format!("failed to access {path:?}"), e))?;
        if meta.is_dir() {
            verify_directory(Path::new(path))?
        } else {
            let mut f =
                std::fs::File::open(path).map_err(|e| Error::io(format!("opening {path:?}"), e))?;
            verify_stream(&mut f, path)?
        }
    };
    if format.is_structured() {
        return format.print(&VerifiedJson {
            path: path.to_string(),
            blobs: v.blobs,
            bytes: v.bytes,
            manifests: v.manifests,
            tags: v.tags,
            roots: v.roots,
            unreferenced: v.unreferenced,
        });
    }
    let say = Say {
        stderr: false,
        quiet: false,
    };
    say.line(&format!(
        "Verified {} blob(s) ({}), {} of them manifests, in {path}",
        v.blobs,
        humanize::bytes(v.bytes),
        v.manifests
    ))?;
    say.line(&format!(
        "Every manifest index.json names is complete: {} entr{} and {} tag(s){}",
        v.roots,
        if v.roots == 1 { "y" } else { "ies" },
        v.tags.len(),
        if v.tags.is_empty() {
            String::new()
        } else {
            format!(" ({})", v.tags.join(", "))
        }
    ))?;
    if v.unreferenced > 0 {
        say.line(&format!(
            "{} blob(s) are not reached from index.json",
            v.unreferenced
        ))?;
    }
    Ok(())
}
