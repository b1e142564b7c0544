//! `oar cp <from>{:<tag>|@<digest>} <to>[:<tag>[,<tag>]…]`

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::options;
use crate::cli::output::{self, Status};
use oar::copy::{CopyOptions, copy};
use oar::descriptor::Platform;

/// `oar cp`: copies an artifact (and with `-r` its referrers) between any
/// two of registry and OCI layout, each side with its own flags.
pub fn run(args: &Args) -> Result<()> {
    let from_raw = &args.positionals[0];
    let (to_raw, extra) = options::split_tags(&args.positionals[1])?;
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (src, sref) = options::open_target(args, "from", from_raw, &["pull"])?;
    let (dst, dref) = options::open_target(args, "to", &to_raw, &["pull", "push"])?;
    let selector = sref.require_selector(args.cmd, true)?.to_string();
    let dst_tag = dref.selector.clone().filter(|s| !s.contains(':'));
    let mut opts = CopyOptions::default().referrers(args.flag("recursive"));
    if let Some(p) = platform {
        opts = opts.platform(p);
    }
    let mut status =
        Status::new(7, options::unnamed(args), false).on_terminal(options::tty(args), "Downloaded");
    let (root, bytes) = copy(
        src.as_ref(),
        &selector,
        dst.as_ref(),
        dst_tag.as_deref(),
        &opts,
        &mut status,
    )?;
    status.finish()?;
    if let Some(d) = dref.selector.as_deref().filter(|s| s.contains(':'))
        && d != root.digest.to_string()
    {
        return Err(oar::Error::DigestMismatch {
            expected: d.to_string(),
            actual: root.digest.to_string(),
        }
        .into());
    }
    let mut from_shown = sref.clone();
    if selector.contains(':') && selector != root.digest.to_string() {
        // A platform was picked from an index: show what was copied.
        from_shown.raw = format!("{}@{}", sref.path, root.digest);
    }
    output::line(&format!(
        "Copied {} => {}",
        from_shown.annotated(),
        dref.annotated()
    ))?;
    for t in &extra {
        dst.push_tagged(&root, &bytes, t)?;
        output::line(&format!("Tagged {t}"))?;
    }
    output::line(&format!("Digest: {}", root.digest))
}
