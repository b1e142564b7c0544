//! `oar resolve <name>{:<tag>|@<digest>}`

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::options;
use crate::cli::output;
use oar::copy::select_platform;
use oar::descriptor::Platform;

/// `oar resolve`: the digest a reference points to (`-l`: the full
/// reference).
pub fn run(args: &Args) -> Result<()> {
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull"])?;
    let selector = tref.require_selector(args.cmd, true)?.to_string();
    let desc = match &platform {
        Some(p) => target
            .fetch_reference(&selector)
            .and_then(|(d, b)| select_platform(target.as_ref(), d, b, p))
            .map(|(d, _)| d),
        None => target.resolve(&selector),
    }
    .map_err(|e| Error::from(e).wrap("failed to resolve digest"))?;
    if args.flag("full-reference") {
        output::line(&format!("{}@{}", tref.path, desc.digest))
    } else {
        output::line(&desc.digest.to_string())
    }
}
