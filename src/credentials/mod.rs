//! Registry credentials: the [`Credential`] value and where credentials come
//! from ([`CredentialSource`]): command-line flags, docker config files and
//! credential helpers.

pub mod config;
pub mod helper;
pub mod store;

use std::fmt;

/// What to authenticate with. Empty fields are unset; all empty means
/// anonymous.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credential {
    /// User name for basic auth or the token password grant.
    pub username: String,
    /// Password.
    pub password: String,
    /// An identity (refresh) token, exchanged at the token endpoint with the
    /// OAuth2 `refresh_token` grant.
    pub refresh_token: String,
    /// A registry (access) token sent as is, as `Bearer`.
    pub access_token: String,
}

impl Credential {
    /// Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Credential {
        Credential {
            username: username.into(),
            password: password.into(),
            ..Credential::default()
        }
    }

    /// The credential ORAS builds from `-u`/`-p`: a password without a user
    /// name is an identity token.
    pub fn from_flags(username: &str, password: &str) -> Credential {
        if username.is_empty() {
            Credential {
                refresh_token: password.to_string(),
                ..Credential::default()
            }
        } else {
            Credential::basic(username, password)
        }
    }

    /// True when nothing is set.
    pub fn is_anonymous(&self) -> bool {
        self == &Credential::default()
    }
}

impl fmt::Debug for Credential {
    /// Never prints secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |s: &str| if s.is_empty() { "" } else { "*****" };
        f.debug_struct("Credential")
            .field("username", &self.username)
            .field("password", &set(&self.password))
            .field("refresh_token", &set(&self.refresh_token))
            .field("access_token", &set(&self.access_token))
            .finish()
    }
}

/// Where the auth client gets credentials for a registry, asked lazily (a
/// credential helper runs only when a registry actually challenges).
/// Sources are shared between threads with the registry that uses them.
pub trait CredentialSource: Send + Sync {
    /// The credential for `registry` (`host[:port]` as written in the
    /// reference); anonymous when none is stored.
    fn credential(&self, registry: &str) -> crate::Result<Credential>;

    /// The credential files this source looks in, named when it has no
    /// credential for a registry that asks for one; none by default.
    fn searched(&self) -> Vec<std::path::PathBuf> {
        Vec::new()
    }
}

/// A fixed credential, e.g. from `-u`/`-p`.
#[derive(Debug, Clone, Default)]
pub struct StaticCredential(pub Credential);

impl CredentialSource for StaticCredential {
    fn credential(&self, _registry: &str) -> crate::Result<Credential> {
        Ok(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_secrets() {
        let c = Credential::basic("u", "hunter2");
        let s = format!("{c:?}");
        assert!(s.contains("\"u\"") && !s.contains("hunter2"));
    }

    #[test]
    fn password_without_user_is_a_refresh_token() {
        let c = Credential::from_flags("", "tok");
        assert_eq!(c.refresh_token, "tok");
        assert!(c.password.is_empty());
        assert!(!c.is_anonymous());
        assert!(Credential::default().is_anonymous());
    }
}
