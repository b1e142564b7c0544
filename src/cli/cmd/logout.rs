//! `oar logout <registry>`

use super::login::registry_arg;
use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::options;
use oar::credentials::store::Store;

/// `oar logout`: erases the stored credential from the first config file
/// or its helper. Logging out when not logged in is not an error, as in
/// oras.
pub fn run(args: &Args) -> Result<()> {
    let registry = registry_arg(&args.positionals[0])?;
    let store = Store::from_paths(&options::registry_configs(args, ""))?;
    let removed = store.delete(&registry)?;
    if !removed && options::debug(args) {
        eprintln!("[debug] no credentials were stored for {registry}");
    }
    Ok(())
}
