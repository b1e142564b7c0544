//! `oar repo ls <registry>[/<namespace>]` and `oar repo tags <name>`, as
//! text (one name a line, printed as pages arrive), JSON or a Go template.

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options::{self, Format};
use crate::cli::output;
use oar::reference::Reference;

/// Names listed by `repo ls` or `repo tags`: printed one a line as they
/// come, or gathered for JSON or a template, printed at the end.
struct Listing {
    format: Format,
    gathered: Vec<String>,
}

impl Listing {
    fn new(args: &Args) -> Result<Listing> {
        Ok(Listing {
            format: options::format(args)?,
            gathered: Vec::new(),
        })
    }

    /// One name: `shown` as text, `full` in JSON or a template.
    fn add(&mut self, shown: &str, full: &str) -> oar::Result<()> {
        if self.format.is_structured() {
            self.gathered.push(full.to_string());
            Ok(())
        } else {
            output::line(shown).map_err(Error::into_lib)
        }
    }
}

/// `repo ls` in JSON: the registry as named, and the repositories (full
/// names, the namespace kept).
#[derive(Serialize)]
struct Repositories<'a> {
    registry: &'a str,
    repositories: &'a [String],
}

/// `repo tags` in JSON.
#[derive(Serialize)]
struct Tags<'a> {
    tags: &'a [String],
}

/// `oar repo ls`: the registry's repositories (catalog API), following
/// `Link` pages; with a namespace, only those under it (the prefix cut in
/// text output).
pub fn ls(args: &Args) -> Result<()> {
    let raw = args.positionals[0]
        .strip_suffix('/')
        .unwrap_or(&args.positionals[0]);
    let mut listing = Listing::new(args)?;
    // A namespace is a repository name: it parses as one, without a tag
    // or digest, as oras requires.
    let (registry, namespace) = if raw.contains('/') {
        let r = Reference::parse(raw)?;
        if r.selector().is_some() {
            return Err(Error::usage("tags or digests should not be provided"));
        }
        (r.registry.clone(), format!("{}/", r.repository))
    } else {
        oar::reference::validate_registry(raw).map_err(|why| oar::Error::InvalidReference {
            reference: raw.to_string(),
            reason: why,
        })?;
        (raw.to_string(), String::new())
    };
    let registry = registry.as_str();
    let reg = options::open_registry(args, "", registry)?;
    let last = args.value("last").unwrap_or("");
    reg.catalog(last, &mut |page| {
        for r in page {
            if let Some(sub) = r.strip_prefix(&namespace) {
                listing.add(sub, &r)?;
            }
        }
        Ok(())
    })
    .map_err(|e| {
        let what = format!(
            "could not list repositories for {registry:?}{}",
            if namespace.is_empty() {
                String::new()
            } else {
                format!(" with prefix {namespace:?}")
            }
        );
        match e {
            oar::Error::Registry { .. } => Error::other(format!("{what}: {e}")),
            // Kept whole, so that the advice to log in follows.
            oar::Error::Unauthorized(_) => Error::from(e).wrap(what),
            other => other.into(),
        }
    })?;
    if !listing.format.is_structured() {
        return Ok(());
    }
    listing.format.print(&Repositories {
        registry,
        repositories: &listing.gathered,
    })
}

/// The `registry/repository:` prefix of the layout tags `repo tags` lists
/// when a layout is named with a repository and no tag
/// (`--oci-layout-path DIR example.com/foo`): such a layout holds the
/// tags of several repositories as `example.com/foo:v1`.
fn repository_prefix(selector: &str) -> Option<String> {
    let r = Reference::parse(selector).ok()?;
    r.selector().is_none().then(|| format!("{}:", r.name()))
}

/// `oar repo tags`: the repository's tags, page by page as the registry
/// sends them (each page sorted: the spec asks for lexical order, and
/// some registries answer with one unsorted page), after `--last`,
/// optionally without digest-like tags or only those pointing at one
/// manifest. In a layout named with a repository, that repository's tags,
/// the prefix cut.
pub fn tags(args: &Args) -> Result<()> {
    let mut listing = Listing::new(args)?;
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull"])?;
    let lister = target
        .as_tag_lister()
        .ok_or_else(|| oar::Error::Unsupported("this target cannot list tags".into()))?;
    let prefix = tref
        .selector
        .as_deref()
        .filter(|_| tref.layout)
        .and_then(repository_prefix);
    let filter = match tref.selector.as_deref().filter(|_| prefix.is_none()) {
        Some(s) if options::is_digest(s) => Some(s.to_string()),
        Some(t) => Some(target.resolve(t)?.digest.to_string()),
        None => None,
    };
    if let Some(f) = &filter {
        eprintln!("[Experimental] querying tags associated to {f}, it may take a while...");
    }
    let last = args.value("last").unwrap_or("");
    lister.tags(last, &mut |mut page| {
        page.sort();
        page.dedup();
        for t in page {
            // Registries that ignore `last` send everything.
            if !last.is_empty() && t.as_str() <= last {
                continue;
            }
            let t = match &prefix {
                Some(p) => match t.strip_prefix(p.as_str()) {
                    Some(scoped) => scoped.to_string(),
                    None => continue,
                },
                None => t,
            };
            if args.flag("exclude-digest-tags") && oar::registry::referrers::is_referrers_tag(&t) {
                continue;
            }
            if let Some(f) = &filter
                && tref.selector.as_deref() != Some(t.as_str())
                && target.resolve(&t)?.digest.to_string() != *f
            {
                continue;
            }
            listing.add(&t, &t)?;
        }
        Ok(())
    })?;
    if !listing.format.is_structured() {
        return Ok(());
    }
    listing.format.print(&Tags {
        tags: &listing.gathered,
    })
}
