//! `oar resolve <name>{:<tag>|@<digest>}`

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::options;
use crate::cli::output;
use oar::copy::select_platform;
use oar::descriptor::Platform;

/// `oar resolve`: the digest a reference points to (`-l`: the full
/// reference).
pub fn run(args: &Args) -> Result<()> {
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (target, tref) = options::open_target(args, "", &args.positionals[0], &["pull"])?;
    let selector = tref.require_selector(true)?.to_string();
    let desc = match &platform {
        Some(p) => {
            let (d, b) = target.fetch_reference(&selector)?;
            select_platform(target.as_ref(), d, b, p)?.0
        }
        None => target.resolve(&selector)?,
    };
    if args.flag("full-reference") {
        output::line(&format!("{}@{}", tref.path, desc.digest))
    } else {
        output::line(&desc.digest.to_string())
    }
}
