//! `oar discover <name>{:<tag>|@<digest>}`

use std::collections::HashSet;

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::options::{self, Format};
use crate::cli::output::{self, DescriptorJson};
use oar::content::ReferrerLister;
use oar::copy::select_platform;
use oar::descriptor::{Descriptor, Platform};

/// Deepest referrer chain shown by the tree format.
const MAX_TREE_DEPTH: usize = 32;

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

/// True for values YAML would read as a date or time (`2001-12-14`,
/// `2001-12-14T21:59:43Z`): four digits and a dash, then digits.
fn looks_like_a_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

/// `key: value` as a YAML mapping line, quoting values YAML would not read
/// back as the same string.
fn yaml_line(key: &str, value: &str) -> String {
    let plain = !value.is_empty()
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.starts_with(|c: char| "!&*-?:,[]{}#|>@`\"'% ".contains(c))
        && !value.ends_with(' ')
        && value.parse::<f64>().is_err()
        && !matches!(value, "true" | "false" | "null" | "~" | "yes" | "no")
        && !looks_like_a_date(value);
    if plain {
        format!("{key}: {value}")
    } else {
        format!("{key}: {value:?}")
    }
}

fn tree(
    lister: &dyn ReferrerLister,
    subject: &Descriptor,
    node: &mut Node,
    artifact_type: Option<&str>,
    verbose: bool,
    seen: &mut HashSet<oar::Digest>,
    depth: usize,
) -> Result<()> {
    if depth > MAX_TREE_DEPTH {
        return Ok(());
    }
    for r in lister.referrers(subject, artifact_type)? {
        let kind = r
            .artifact_type
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "<unknown>".into());
        let digest_node = node.child(kind).child(r.digest.to_string());
        if verbose {
            for (k, v) in r.annotations.iter().flatten() {
                digest_node.child(yaml_line(k, v));
            }
        }
        // A referrer already shown higher up (a cycle) is listed, not
        // followed again.
        if seen.insert(r.digest.clone()) {
            let plain = Descriptor::new(r.media_type.clone(), r.digest.clone(), r.size);
            tree(
                lister,
                &plain,
                digest_node,
                artifact_type,
                verbose,
                seen,
                depth + 1,
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct DiscoverJson {
    manifests: Vec<DescriptorJson>,
}

/// `oar discover`: the referrers of an artifact, as a tree (nested), a
/// table or JSON (direct referrers).
pub fn run(args: &Args) -> Result<()> {
    let raw = &args.positionals[0];
    let format = options::format(args)?;
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
    let root = Descriptor::new(root.media_type, root.digest, root.size);
    match format {
        Format::Named("tree") => {
            let mut top = Node::new(format!("{}@{}", tref.path, root.digest));
            let mut seen = HashSet::from([root.digest.clone()]);
            tree(
                lister,
                &root,
                &mut top,
                artifact_type,
                options::verbose(args),
                &mut seen,
                0,
            )?;
            let mut out = String::new();
            top.render("", &mut out);
            output::bytes(out.as_bytes())
        }
        Format::Named("table") => {
            let refs = lister.referrers(&root, artifact_type)?;
            let noun = if refs.len() > 1 {
                "artifacts"
            } else {
                "artifact"
            };
            output::line(&format!(
                "Discovered {} {noun} referencing {}",
                refs.len(),
                tref.raw
            ))?;
            output::line(&format!("Digest: {}", root.digest))?;
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
            for r in &refs {
                output::line(&format!(
                    "{:<width$}   {}",
                    r.artifact_type.as_deref().unwrap_or(""),
                    r.digest
                ))?;
                if options::verbose(args) {
                    output::json(&r.plain())?;
                }
            }
            Ok(())
        }
        _ => {
            let refs = lister.referrers(&root, artifact_type)?;
            format.print(&DiscoverJson {
                manifests: refs
                    .iter()
                    .map(|r| DescriptorJson::new(&tref.path, r))
                    .collect(),
            })
        }
    }
}
