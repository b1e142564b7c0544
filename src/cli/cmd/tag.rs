//! `oar tag <name>{:<tag>|@<digest>} <new_tag>…`

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options;
use crate::cli::output;
use oar::registry::referrers::ReferrersMode;

/// `oar tag`: points more tags at an existing manifest.
pub fn run(args: &Args) -> Result<()> {
    if args.positionals[0] == "list" || args.positionals[0] == "ls" {
        let container = if options::is_layout(args, "") {
            "an OCI image layout"
        } else {
            "a repository"
        };
        return Err(
            Error::usage("there is no \"list\" sub-command for \"oras tag\" command")
                .with_usage(args.cmd)
                .recommend(format!(
                    "If you want to list available tags in {container}, use \"{} repo tags\"",
                    crate::cli::program()
                )),
        );
    }
    let tags = &args.positionals[1..];
    // A new tag is not a new referrer: as oras does, the manifest is put
    // as the referrers API would see it, without touching a tag-schema
    // referrers index.
    let (target, tref) =
        options::open_target_with(args, "", &args.positionals[0], &["pull", "push"], |repo| {
            repo.set_referrers_mode(ReferrersMode::Api);
            Ok(())
        })
        .map_err(|e| e.wrap(format!("unable to add tag for '{}'", args.positionals[0])))?;
    if !tref.layout {
        options::check_tags(tags)?;
    }
    let selector = tref.require_selector(args.cmd, true)?.to_string();
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
