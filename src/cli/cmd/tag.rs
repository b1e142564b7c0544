//! `oar tag <name>{:<tag>|@<digest>} <new_tag>…`

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::options;
use crate::cli::output;

/// `oar tag`: points more tags at an existing manifest.
pub fn run(args: &Args) -> Result<()> {
    let tags = &args.positionals[1..];
    options::check_tags(tags)?;
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull", "push"])?;
    let selector = tref.require_selector(true)?.to_string();
    let (desc, bytes) = target.fetch_reference(&selector)?;
    let kind = if tref.layout {
        "oci-layout"
    } else {
        "registry"
    };
    output::line(&format!("Tagging [{kind}] {}@{}", tref.path, desc.digest))?;
    for t in tags {
        target.push_tagged(&desc, &bytes, t)?;
        output::line(&format!("Tagged {t}"))?;
    }
    Ok(())
}
