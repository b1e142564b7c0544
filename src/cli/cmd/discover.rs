//! `oar discover <name>{:<tag>|@<digest>}`: the referrers of a manifest,
//! walked level by level (all levels, or `--depth N`), shown as a tree, a
//! table (direct referrers), JSON or a Go template (the subject with its
//! nested `referrers`).

use std::collections::HashSet;

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, Format};
use crate::cli::output::{self, DescriptorJson};
use oar::content::ReferrerLister;
use oar::copy::select_platform;
use oar::descriptor::{Descriptor, Platform};

/// Deepest referrer chain followed: a registry could serve an endless
/// chain of distinct referrers, which the visited set alone would not end.
const MAX_DEPTH: usize = 32;

/// A manifest and the referrers found under it: the JSON and template
/// data (the descriptor, then `referrers`, always present), and what the
/// tree and the table are drawn from.
#[derive(Serialize)]
struct Referred {
    #[serde(flatten)]
    desc: DescriptorJson,
    referrers: Vec<Referred>,
}

/// What a walk asks of each level.
struct Walk<'a> {
    lister: &'a dyn ReferrerLister,
    /// The name digest references are printed under.
    name: &'a str,
    artifact_type: Option<&'a str>,
    /// Manifests whose referrers were already listed: a cycle (A refers to
    /// B refers to A) lists the repeated referrer without following it.
    visited: HashSet<oar::Digest>,
}

impl Walk<'_> {
    /// The referrers of `subject`, and theirs down to `depth` levels (all
    /// levels for `None`).
    fn referrers(
        &mut self,
        subject: &Descriptor,
        depth: Option<usize>,
        level: usize,
    ) -> Result<Vec<Referred>> {
        if level >= MAX_DEPTH || !self.visited.insert(subject.digest.clone()) {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for r in self.lister.referrers(subject, self.artifact_type)? {
            let referrers = match depth {
                Some(1) => Vec::new(),
                _ => {
                    let plain = Descriptor::new(r.media_type.clone(), r.digest.clone(), r.size);
                    self.referrers(&plain, depth.map(|d| d - 1), level + 1)?
                }
            };
            found.push(Referred {
                desc: DescriptorJson::new(self.name, &r),
                referrers,
            });
        }
        Ok(found)
    }
}

/// A node of the tree output.
struct Node {
    value: String,
    children: Vec<Node>,
}

impl Node {
    fn new(value: String) -> Node {
        Node {
            value,
            children: Vec::new(),
        }
    }

    /// The child with `value`, created if missing (oras's `AddPath`).
    fn child(&mut self, value: String) -> &mut Node {
        let i = match self.children.iter().position(|c| c.value == value) {
            Some(i) => i,
            None => {
                self.children.push(Node::new(value));
                self.children.len() - 1
            }
        };
        &mut self.children[i]
    }

    /// Hangs `referrers` under this node: grouped by artifact type, each
    /// digest with its `[annotations]` (when `annotations`), then its own
    /// referrers.
    fn add(&mut self, referrers: &[Referred], annotations: bool) {
        for r in referrers {
            let d = &r.desc.desc;
            let kind = d
                .artifact_type
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "<unknown>".into());
            let digest_node = self.child(kind).child(d.digest.to_string());
            if let Some(a) = d
                .annotations
                .as_ref()
                .filter(|a| annotations && !a.is_empty())
            {
                let node = digest_node.child("[annotations]".into());
                for (k, v) in a {
                    node.child(yaml_line(k, v));
                }
            }
            digest_node.add(&r.referrers, annotations);
        }
    }

    /// The tree as text. Artifact types and annotations are whatever a
    /// pusher wrote: escaped, like every other line.
    fn render(&self, prefix: &str, out: &mut String) {
        out.push_str(&oar::text::escape_controls(&self.value));
        out.push('\n');
        let last = self.children.len().saturating_sub(1);
        for (i, c) in self.children.iter().enumerate() {
            let (edge, next) = if i == last {
                ("└── ", "    ")
            } else {
                ("├── ", "│   ")
            };
            out.push_str(prefix);
            out.push_str(edge);
            c.render(&format!("{prefix}{next}"), out);
        }
    }
}

/// True for scalars YAML would read as something other than a string: a
/// number, a boolean (YAML 1.1's `yes`/`on` too), null, or a date or time
/// (`2001-12-14`, `2001-12-14T21:59:43Z`: four digits and a dash, then
/// digits).
fn reads_as_typed(value: &str) -> bool {
    let b = value.as_bytes();
    let date = b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5].is_ascii_digit();
    // Each word in its lower, capitalized and upper case spellings only.
    let lower = value.to_ascii_lowercase();
    let spelled = [
        lower.clone(),
        capitalized(&lower),
        lower.to_ascii_uppercase(),
    ];
    let word = spelled.iter().any(|s| s == value)
        && matches!(
            lower.as_str(),
            "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    date || word || value.parse::<f64>().is_ok()
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// True for scalars a YAML emitter cannot write plain: they would read
/// back as syntax (an indicator first, `: ` or ` #` inside, spaces at an
/// end).
fn needs_quotes(value: &str) -> bool {
    value.starts_with(|c: char| "!&*-?:,[]{}#|>@`\"'% ".contains(c))
        || value.ends_with([' ', ':'])
        || value.contains(": ")
        || value.contains(" #")
}

/// One scalar as a YAML marshaller writes a string: plain when it reads
/// back as the same string, double-quoted when it would read as another
/// type, else single-quoted. Control characters are left to the tree's
/// escaping, which every line goes through.
fn yaml_scalar(value: &str) -> String {
    if reads_as_typed(value) {
        format!("{value:?}")
    } else if needs_quotes(value) {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        value.to_string()
    }
}

/// `key: value` as YAML marshals a one-entry map, as oras shows each
/// annotation in the tree.
fn yaml_line(key: &str, value: &str) -> String {
    format!("{}: {}", yaml_scalar(key), yaml_scalar(value))
}

/// `--depth`: `None` when not given (every level); an integer as pflag
/// reads one, and at least 1.
fn depth(args: &Args) -> Result<Option<usize>> {
    let Some(v) = args.value("depth") else {
        return Ok(None);
    };
    let n: i64 = v.parse().map_err(|e: std::num::ParseIntError| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        Error::usage(format!(
            "invalid argument {v:?} for \"--depth\" flag: strconv.ParseInt: parsing {v:?}: {why}"
        ))
    })?;
    // Both `--format` and `--output` is the first refusal, as in oras.
    if n < 1 && !(args.is_set("format") && args.is_set("output")) {
        return Err(Error::usage("depth value should be at least 1"));
    }
    Ok(usize::try_from(n).ok())
}

/// Whether annotations are shown: `-v/--verbose` is on unless turned off
/// (`--verbose=false`), as in oras 1.3 where the flag is deprecated.
fn annotations(args: &Args) -> bool {
    !args.is_set("verbose") || options::verbose(args)
}

/// `oar discover`: the referrers of an artifact, as a tree (nested), a
/// table (direct referrers) or JSON/template (nested).
pub fn run(args: &Args) -> Result<()> {
    let raw = &args.positionals[0];
    let depth = depth(args)?;
    let format = options::format(args)?;
    // The table lists direct referrers only.
    let depth = if format == Format::Named("table") {
        Some(1)
    } else {
        depth
    };
    let artifact_type = args.value("artifact-type").filter(|a| !a.is_empty());
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (target, tref) = options::open_target(args, "", raw, &["pull"])?;
    let selector = tref.require_selector(args.cmd, true)?.to_string();
    let (mut root, bytes) = target.fetch_reference(&selector)?;
    if let Some(p) = &platform {
        root = select_platform(target.as_ref(), root, bytes, p)?.0;
    }
    let lister = target
        .as_referrer_lister()
        .ok_or_else(|| oar::Error::Unsupported("this target cannot list referrers".into()))?;
    let mut walk = Walk {
        lister,
        name: &tref.path,
        artifact_type,
        visited: HashSet::new(),
    };
    let subject = Referred {
        referrers: walk.referrers(&root.plain(), depth, 0)?,
        desc: DescriptorJson::new(&tref.path, &root),
    };
    match format {
        Format::Named("tree") => {
            let mut top = Node::new(format!("{}@{}", tref.path, root.digest));
            top.add(&subject.referrers, annotations(args));
            let mut out = String::new();
            top.render("", &mut out);
            output::bytes(out.as_bytes())
        }
        Format::Named("table") => table(&tref.raw, &subject, annotations(args)),
        _ => format.print(&subject),
    }
}

/// The direct referrers as a table, each followed by its descriptor as
/// JSON when `descriptors`.
fn table(raw: &str, subject: &Referred, descriptors: bool) -> Result<()> {
    let refs: Vec<&Descriptor> = subject.referrers.iter().map(|r| &r.desc.desc).collect();
    let noun = if refs.len() == 1 {
        "artifact"
    } else {
        "artifacts"
    };
    output::line(&format!(
        "Discovered {} {noun} referencing {raw}",
        refs.len()
    ))?;
    output::line(&format!("Digest: {}", subject.desc.desc.digest))?;
    if refs.is_empty() {
        return Ok(());
    }
    output::line("")?;
    let title = "Artifact Type";
    let width = refs
        .iter()
        .map(|r| r.artifact_type.as_deref().unwrap_or("").len())
        .max()
        .unwrap_or(0)
        .max(title.len());
    output::line(&format!("{title:<width$}   Digest"))?;
    for r in refs {
        output::line(&format!(
            "{:<width$}   {}",
            r.artifact_type.as_deref().unwrap_or(""),
            r.digest
        ))?;
        if descriptors {
            output::json(r)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quotes_what_would_not_read_back_as_the_same_string() {
        assert_eq!(
            yaml_line("created", "2023-01-18T08:37:42Z"),
            "created: \"2023-01-18T08:37:42Z\""
        );
        assert_eq!(yaml_line("num", "42"), "num: \"42\"");
        assert_eq!(yaml_line("flag", "Off"), "flag: \"Off\"");
        assert_eq!(yaml_line("flag", "oFF"), "flag: oFF");
        assert_eq!(yaml_line("flag", "yes"), "flag: \"yes\"");
        assert_eq!(yaml_line("subject", "linux/amd64"), "subject: linux/amd64");
        assert_eq!(yaml_line("note", "a: b"), "note: 'a: b'");
        assert_eq!(yaml_line("quote", "'x'"), "quote: '''x'''");
        assert_eq!(yaml_line("-k", "v"), "'-k': v");
    }
}
