//! `oar repo ls <registry>[/<namespace>]` and `oar repo tags <name>`.

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options;
use crate::cli::output;

/// `oar repo ls`: the registry's repositories (catalog API), following
/// `Link` pages; with a namespace, only those under it, the prefix cut.
pub fn ls(args: &Args) -> Result<()> {
    let raw = args.positionals[0]
        .strip_suffix('/')
        .unwrap_or(&args.positionals[0]);
    // A namespace is a repository name: it parses as one, without a tag
    // or digest, as oras requires.
    let (registry, namespace) = if raw.contains('/') {
        let r = oar::reference::Reference::parse(raw)?;
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
                output::line(sub).map_err(Error::into_lib)?;
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
    })
}

/// `oar repo tags`: the repository's tags, page by page as the registry
/// sends them (each page sorted: the spec asks for lexical order, and
/// some registries answer with one unsorted page), after `--last`,
/// optionally without digest-like tags or only those pointing at one
/// manifest.
pub fn tags(args: &Args) -> Result<()> {
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull"])?;
    let lister = target
        .as_tag_lister()
        .ok_or_else(|| oar::Error::Unsupported("this target cannot list tags".into()))?;
    let filter = match tref.selector.as_deref() {
        Some(s) if s.contains(':') => Some(s.to_string()),
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
            if args.flag("exclude-digest-tags") && oar::registry::referrers::is_referrers_tag(&t) {
                continue;
            }
            if let Some(f) = &filter
                && tref.selector.as_deref() != Some(t.as_str())
                && target.resolve(&t)?.digest.to_string() != *f
            {
                continue;
            }
            output::line(&t).map_err(Error::into_lib)?;
        }
        Ok(())
    })?;
    Ok(())
}
