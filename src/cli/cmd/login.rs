//! `oar login <registry>`

use crate::cli::args::Args;
use crate::cli::error::{Error, Result};
use crate::cli::{options, output, prompt};
use oar::credentials::store::Store;
use oar::registry::RegistryOptions;

/// The registry named on the command line; `https://` and a trailing path
/// are dropped, as docker does for URLs pasted from elsewhere.
pub fn registry_arg(raw: &str) -> Result<String> {
    let host = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .unwrap_or(raw)
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    oar::reference::validate_registry(&host).map_err(|why| oar::Error::InvalidReference {
        reference: raw.to_string(),
        reason: why,
    })?;
    Ok(host)
}

/// `oar login`: verifies the credentials with `GET /v2/`, then stores them.
pub fn run(args: &Args) -> Result<()> {
    let registry = registry_arg(&args.positionals[0])?;
    // Flags are checked before anything is asked.
    let http = options::http_options(args, "")?;
    let mut cred = options::flag_credential(args, "")?.unwrap_or_default();
    if cred.password.is_empty() && cred.refresh_token.is_empty() {
        if cred.username.is_empty() {
            cred.username = prompt::ask("Username: ")?.trim().to_string();
        }
        if cred.username.is_empty() {
            cred.refresh_token = prompt::ask_secret("Token: ")?;
            if cred.refresh_token.is_empty() {
                return Err(Error::usage("token required"));
            }
        } else {
            cred.password = prompt::ask_secret("Password: ")?;
            if cred.password.is_empty() {
                return Err(Error::usage("password required"));
            }
        }
    }
    if cred.username.contains(':') {
        return Err(Error::usage(format!(
            "username {:?} contains a colon, which basic auth cannot carry",
            cred.username
        )));
    }
    let store = Store::from_paths(&options::registry_configs(args, ""))?;
    let opts = RegistryOptions::default()
        .plain_http(options::plain_http(args, ""))
        .http(http);
    oar::registry::login(&registry, cred, opts, &store).map_err(|e| match e {
        // Storing failed: that error speaks for itself.
        oar::Error::Credentials(_) | oar::Error::Io { .. } => Error::from(e),
        // Any other failure means the credentials could not be checked:
        // the message says so, and needs no advice to log in.
        e => Error::other(format!(
            "failed to validate the credentials for {registry}: {}",
            Error::from(e)
        )),
    })?;
    output::line("Login Succeeded")
}
