//! The credential store `oar` reads and writes: docker config files, in
//! order (`--registry-config` files, else `$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`), each possibly delegating to a credential
//! helper. Reads try each file in turn; writes and erasures go to the first.

use std::path::PathBuf;

use super::config::{ConfigFile, server_address};
use super::helper::Helper;
use super::{Credential, CredentialSource};
use crate::error::{Error, Result};

/// Docker config files plus their helpers.
///
/// ```
/// use oar::credentials::{Credential, CredentialSource, store::Store};
///
/// let dir = std::env::temp_dir().join(format!("oar-doc-store-{}", std::process::id()));
/// let store = Store::from_paths(&[dir.join("config.json")])?;
/// store.put("registry.example.com", &Credential::basic("alice", "s3cret"))?;
/// let found = store.credential("registry.example.com")?;
/// assert_eq!(found.username, "alice");
/// assert!(store.delete("registry.example.com")?);
/// assert!(store.credential("registry.example.com")?.is_anonymous());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), oar::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Store {
    files: Vec<PathBuf>,
}

/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
pub fn default_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    dirs::home_dir().map(|h| h.join(".docker").join("config.json"))
}

impl Store {
    /// A store over `paths`, or over the default file when empty.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Store> {
        let files = if paths.is_empty() {
            default_config_path().into_iter().collect()
        } else {
            paths.to_vec()
        };
        Ok(Store { files })
    }

    /// The file that receives writes.
    pub fn primary(&self) -> Result<&PathBuf> {
        self.files.first().ok_or_else(|| {
            Error::Credentials("no docker config file: set DOCKER_CONFIG or HOME".into())
        })
    }

    /// The credential for `registry`; anonymous when none is stored.
    pub fn get(&self, registry: &str) -> Result<Credential> {
        let server = server_address(registry);
        for f in &self.files {
            let cfg = ConfigFile::load(f)?;
            if let Some(h) = cfg.helper_for(server) {
                let c = Helper::new(&h).get(server)?;
                if !c.is_anonymous() {
                    return Ok(c);
                }
                continue;
            }
            if let Some(c) = cfg.get(server)? {
                return Ok(c);
            }
        }
        Ok(Credential::default())
    }

    /// Stores a credential in the first file (or its helper).
    pub fn put(&self, registry: &str, cred: &Credential) -> Result<()> {
        let server = server_address(registry);
        let mut cfg = ConfigFile::load(self.primary()?)?;
        match cfg.helper_for(server) {
            Some(h) => Helper::new(&h).store(server, cred),
            None => {
                cfg.put(server, cred);
                cfg.save()
            }
        }
    }

    /// Removes the credential from the first file (or its helper); false
    /// when there was none.
    pub fn delete(&self, registry: &str) -> Result<bool> {
        let server = server_address(registry);
        let mut cfg = ConfigFile::load(self.primary()?)?;
        match cfg.helper_for(server) {
            Some(h) => Helper::new(&h).erase(server),
            None => {
                let found = cfg.delete(server);
                if found {
                    cfg.save()?;
                }
                Ok(found)
            }
        }
    }
}

impl CredentialSource for Store {
    fn credential(&self, registry: &str) -> Result<Credential> {
        self.get(registry)
    }

    fn searched(&self) -> Vec<PathBuf> {
        self.files.clone()
    }
}
