//! `oar version`: oras's fields, plus the oras release whose behaviour
//! this build follows, so a script can tell which oras it stands in for.

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::output;

/// The ORAS CLI release whose commands, output and errors oar follows
/// (where releases differ, this one wins). The one place it is named.
pub const FOLLOWS_ORAS: &str = "1.3.3";

/// `oar version`: the version, the platform built for, and the oras
/// release followed, each as `<Key>:` padded to column 17 as oras pads
/// its fields. Arguments are ignored, with oras's warning.
pub fn run(args: &Args) -> Result<()> {
    if !args.positionals.is_empty() {
        eprintln!(
            "warning: `{} version` requires no argument, {:?} will be ignored",
            crate::cli::program(),
            args.positionals.join(",")
        );
    }
    for (key, value) in fields() {
        output::line(&format!("{:<16}{value}", format!("{key}:")))?;
    }
    Ok(())
}

/// The lines `oar version` prints, as `(key, value)`.
fn fields() -> [(&'static str, String); 3] {
    [
        ("Version", env!("CARGO_PKG_VERSION").to_string()),
        ("OS/Arch", format!("{}/{}", std::env::consts::OS, go_arch())),
        ("Follows", format!("oras v{FOLLOWS_ORAS}")),
    ]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_is_a_release_number() {
        let parts: Vec<&str> = FOLLOWS_ORAS.split('.').collect();
        assert_eq!(parts.len(), 3, "{FOLLOWS_ORAS}");
        assert!(parts.iter().all(|p| p.parse::<u32>().is_ok()));
        assert_eq!(fields()[2].1, format!("oras v{FOLLOWS_ORAS}"));
    }
}
