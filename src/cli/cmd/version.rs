//! `oar version`

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::output;

/// `oar version`: the version and the platform built for. Arguments are
/// ignored, with oras's warning.
pub fn run(args: &Args) -> Result<()> {
    if !args.positionals.is_empty() {
        eprintln!(
            "warning: `{} version` requires no argument, {:?} will be ignored",
            crate::cli::program(),
            args.positionals.join(",")
        );
    }
    output::line(&format!("Version:        {}", env!("CARGO_PKG_VERSION")))?;
    output::line(&format!(
        "OS/Arch:        {}/{}",
        std::env::consts::OS,
        go_arch()
    ))
}

/// The architecture as Go names it, as `oras version` prints it.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        other => other,
    }
}
