//! What `backup` and `restore` share on the command line: their reference
//! grammar (`<registry>/<repository>[:<tag>[,<tag>…]]`, no digests), the
//! lines they print (their status words for `output::Status`, and oras's
//! summaries, with sizes and durations from `cli::humanize`), and the JSON
//! record of what crossed.

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::output;
use oar::content::Target;
use oar::copy::Action;
use oar::descriptor::Descriptor;
use oar::ops::backup::{Artifact, Moved, Outcome};

/// Splits `<registry>/<repository>[:<tag>[,<tag>…]]` into the repository
/// reference and its tags (none: every tag), as oras 1.3 checks it:
/// digests are refused, and every tag must be a valid one.
pub fn parse_refs(arg: &str) -> Result<(String, Vec<String>)> {
    if arg.is_empty() {
        return Err(Error::usage("artifact reference cannot be empty"));
    }
    if arg.contains('@') {
        return Err(Error::usage(format!(
            "digest references are not supported: {arg:?}"
        )));
    }
    let mut parts = arg.split(',');
    let main = parts.next().unwrap_or_default();
    let extra: Vec<String> = parts.map(str::to_string).collect();
    let r = oar::Reference::parse(main)
        .map_err(|e| Error::usage(format!("invalid reference {main:?}: {e}")))?;
    let repo = r.name();
    let first = r.selector();
    if first.is_none() && extra.is_empty() {
        return Ok((repo, Vec::new()));
    }
    let mut tags = vec![first.unwrap_or_default()];
    tags.extend(extra);
    for t in &tags {
        if t.is_empty() {
            return Err(Error::usage(format!("empty tag in reference {arg:?}")));
        }
        if !oar::reference::is_valid_tag(t) {
            return Err(Error::usage(format!(
                "invalid tag {t:?} in reference {arg:?}"
            )));
        }
    }
    Ok((repo, tags))
}

/// The path flag a command cannot run without (`--output`, `--input`),
/// refused as oras refuses it when missing or empty.
pub fn required_path<'a>(args: &'a Args, flag: &str) -> Result<&'a str> {
    let v = args.value(flag).ok_or_else(|| {
        Error::usage(format!("required flag(s) \"{flag}\" not set")).with_usage(args.cmd)
    })?;
    if v.is_empty() {
        return Err(Error::usage(format!("the {flag} path cannot be empty")));
    }
    Ok(v)
}

/// The tags to move and what they name in `src`: `tags`, or every tag
/// `src` lists (the referrers tag schema's `sha256-<hex>` too, as oras
/// lists them). None is an error naming `place`
/// (`repository "x"`, `OCI layout "x"`) with oras's hint to list tags with
/// `hint`. Prints oras's `Found …` line(s) with `found_in`, then resolves
/// every tag before anything is copied, as oras does. A registry refusing
/// to list tags (a repository it does not know) is its answer, as oras
/// shows it.
pub fn resolve_tags(
    src: &dyn Target,
    tags: Vec<String>,
    place: &str,
    hint: &str,
    say: Say,
    found_in: &str,
) -> Result<Vec<(String, Descriptor)>> {
    let tags = if tags.is_empty() {
        let lister = src
            .as_tag_lister()
            .ok_or_else(|| Error::other("the target does not support tag listing"))?;
        oar::content::all_tags(lister, "").map_err(|e| {
            let e = Error::from(e).wrap("failed to find tags");
            if src.repository().is_some() {
                e.registry_answer()
            } else {
                e
            }
        })?
    } else {
        tags
    };
    if tags.is_empty() {
        let name = place.split_once(' ').map_or(place, |(_, n)| n);
        return Err(
            Error::other(format!("no tags found in {place}")).recommend(format!(
                "If you want to list available tags in {name}, use \"{} {hint}\"",
                crate::cli::program()
            )),
        );
    }
    say.found(&tags, found_in)?;
    tags.into_iter()
        .map(|t| {
            src.resolve(&t)
                .map(|d| (t.clone(), d))
                .map_err(|e| Error::from(e).wrap(format!("failed to resolve tag {t:?}")))
        })
        .collect()
}

/// Where the command's lines go: stdout, or stderr when stdout carries
/// an archive (`backup -o -`); nothing when the output is JSON.
#[derive(Debug, Clone, Copy)]
pub struct Say {
    /// Write to stderr.
    pub stderr: bool,
    /// Write nothing.
    pub quiet: bool,
}

impl Say {
    /// One line, control characters escaped (above the live progress, if
    /// any).
    pub fn line(&self, s: &str) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        output::line_to(self.stderr, s)
    }

    /// oras's `Found N tag(s) in <where>: a, b` (one per line past five).
    pub fn found(&self, tags: &[String], place: &str) -> Result<()> {
        if tags.len() <= 5 {
            return self.line(&format!(
                "Found {} tag(s) in {place}: {}",
                tags.len(),
                tags.join(", ")
            ));
        }
        self.line(&format!("Found {} tag(s) in {place}:", tags.len()))?;
        for t in tags {
            self.line(t)?;
        }
        Ok(())
    }
}

/// The status words of a backup (`Pulling`, `Pulled`), with `Exists`,
/// `Skipped` and `Mounted`, as oras words them; nothing else is shown.
pub fn backup_words(action: Action) -> Option<&'static str> {
    match action {
        Action::Downloading => Some("Pulling"),
        Action::Downloaded => Some("Pulled"),
        other => common_word(other),
    }
}

/// The status words of a restore (`Pushing`, `Pushed`), with `Exists`,
/// `Skipped` and `Mounted`; nothing else is shown.
pub fn restore_words(action: Action) -> Option<&'static str> {
    match action {
        Action::Uploading => Some("Pushing"),
        Action::Uploaded => Some("Pushed"),
        other => common_word(other),
    }
}

fn common_word(action: Action) -> Option<&'static str> {
    matches!(action, Action::Exists | Action::Skipped | Action::Mounted)
        .then(|| output::word(action))
}

/// The status printer of a backup or a restore: `words`, padded to oras's
/// column of 9, unnamed content shown by its media type (as oras always
/// shows it for these commands), to `say`'s destination; live progress
/// instead when `tty`.
pub fn status(say: Say, words: output::Words, tty: bool) -> output::Status {
    output::Status::new(9, true, say.quiet)
        .words(words)
        .on_stderr(say.stderr)
        .on_terminal(tty && !say.quiet, "Pulled")
}

/// An artifact in the JSON record: its tag, its root descriptor, and its
/// referrers.
#[derive(Serialize)]
pub struct ArtifactJson {
    /// The tag.
    pub tag: String,
    /// The root.
    #[serde(flatten)]
    pub root: Descriptor,
    /// The referrers moved with it.
    pub referrers: Vec<Descriptor>,
}

/// A piece of content in the JSON record, and what happened to it.
#[derive(Serialize)]
pub struct ContentJson {
    /// The descriptor.
    #[serde(flatten)]
    pub desc: Descriptor,
    /// `transferred`, `exists`, `mounted`, or `planned` (a dry run).
    pub status: &'static str,
}

/// The artifacts of a report, for the record.
pub fn artifacts_json(artifacts: &[Artifact]) -> Vec<ArtifactJson> {
    artifacts
        .iter()
        .map(|a| ArtifactJson {
            tag: a.tag.clone(),
            root: a.root.clone(),
            referrers: a.referrers.clone(),
        })
        .collect()
}

/// The content of a report, for the record, and the bytes transferred.
pub fn content_json(moved: &[Moved], planned: bool) -> (Vec<ContentJson>, u64) {
    let mut bytes = 0;
    let list = moved
        .iter()
        .map(|m| {
            let status = match m.outcome {
                _ if planned => "planned",
                Outcome::Transferred => {
                    bytes += m.desc.size;
                    "transferred"
                }
                Outcome::Existed => "exists",
                Outcome::Mounted => "mounted",
                _ => "other",
            };
            ContentJson {
                desc: m.desc.clone(),
                status,
            }
        })
        .collect();
    (list, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_as_oras_checks_them() {
        assert_eq!(
            parse_refs("localhost:5000/a/b:v1,v2").unwrap(),
            ("localhost:5000/a/b".into(), vec!["v1".into(), "v2".into()])
        );
        assert_eq!(
            parse_refs("localhost:5000/a").unwrap(),
            ("localhost:5000/a".into(), vec![])
        );
        for bad in [
            "",
            "localhost:5000/a@sha256:abc",
            "invalid/format:v1,@sha256:123abc",
            "localhost:5000/a:v1,,v2",
            "localhost:5000/a,v2",
            "localhost:5000/a:v1,bad+tag",
        ] {
            assert!(parse_refs(bad).is_err(), "{bad:?}");
        }
    }
}
