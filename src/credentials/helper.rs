//! Docker credential helpers: `docker-credential-<name> get|store|erase`,
//! talking JSON on stdin and stdout
//! (docker/docker-credential-helpers, "client" protocol).
//!
//! "credentials not found" from `get` means anonymous; any other failure is
//! an error that names the helper. A user name of `<token>` marks an
//! identity token.

use std::io::Write;
use std::process::{Command, Stdio};

use super::Credential;
use crate::error::{Error, Result};

/// The user name helpers use for identity tokens.
const TOKEN_USERNAME: &str = "<token>";

/// Largest helper output read.
const MAX_OUTPUT: u64 = 64 * 1024;

/// The helper's message for a missing entry.
const NOT_FOUND: &str = "credentials not found in native keychain";

/// A credential helper program.
#[derive(Debug, Clone)]
pub struct Helper {
    name: String,
}

impl Helper {
    /// The helper `docker-credential-<name>`.
    pub fn new(name: &str) -> Helper {
        Helper {
            name: name.to_string(),
        }
    }

    /// The program name.
    pub fn program(&self) -> String {
        format!("docker-credential-{}", self.name)
    }

    /// Runs the helper with `action`, feeding `input`; returns
    /// `(success, stdout)`.
    fn call(&self, action: &str, input: &[u8]) -> Result<(bool, String)> {
        let prog = self.program();
        // The name comes from a config file: it must not turn into a path.
        let valid = !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && !self.name.starts_with('.');
        if !valid {
            return Err(Error::Credentials(format!(
                "invalid credential helper name {:?} in the docker config",
                self.name
            )));
        }
        let mut child = Command::new(&prog)
            .arg(action)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::Credentials(format!("credential helper {prog} not found in PATH"))
                } else {
                    Error::Credentials(format!("running credential helper {prog}: {e}"))
                }
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading is answered by its exit
            // status below, not by this write error.
            let _ = stdin.write_all(input);
        }
        // Read both pipes together (a chatty helper must not block on a full
        // stderr pipe while stdout is being read).
        let output = child.wait_with_output().map_err(|e| {
            Error::Credentials(format!("waiting for credential helper {prog}: {e}"))
        })?;
        let status = output.status;
        let cap = |b: &[u8]| b[..b.len().min(MAX_OUTPUT as usize)].to_vec();
        let (out, err) = (cap(&output.stdout), cap(&output.stderr));
        let mut text = String::from_utf8_lossy(&out).trim().to_string();
        if !status.success() && text.is_empty() {
            text = String::from_utf8_lossy(&err).trim().to_string();
        }
        Ok((status.success(), text))
    }

    fn failure(&self, action: &str, msg: &str) -> Error {
        let msg = msg.lines().next().unwrap_or("").trim();
        let msg = if msg.is_empty() {
            "failed without a message"
        } else {
            msg
        };
        Error::Credentials(format!(
            "credential helper {} {action}: {msg}",
            self.program()
        ))
    }

    /// The credential for `server`; anonymous when the helper has none.
    pub fn get(&self, server: &str) -> Result<Credential> {
        let (ok, out) = self.call("get", server.as_bytes())?;
        if !ok {
            if out.contains(NOT_FOUND) {
                return Ok(Credential::default());
            }
            return Err(self.failure("get", &out));
        }
        #[derive(serde::Deserialize)]
        struct Reply {
            #[serde(rename = "Username", default)]
            username: String,
            #[serde(rename = "Secret", default)]
            secret: String,
        }
        let r: Reply =
            serde_json::from_str(&out).map_err(|_| self.failure("get", "invalid JSON answer"))?;
        Ok(if r.username == TOKEN_USERNAME {
            Credential {
                refresh_token: r.secret,
                ..Credential::default()
            }
        } else {
            Credential::basic(r.username, r.secret)
        })
    }

    /// Stores a credential.
    pub fn store(&self, server: &str, cred: &Credential) -> Result<()> {
        let (user, secret) = if cred.refresh_token.is_empty() {
            (cred.username.as_str(), cred.password.as_str())
        } else {
            (TOKEN_USERNAME, cred.refresh_token.as_str())
        };
        let body = serde_json::json!({"ServerURL": server, "Username": user, "Secret": secret});
        let (ok, out) = self.call("store", body.to_string().as_bytes())?;
        if ok {
            Ok(())
        } else {
            Err(self.failure("store", &out))
        }
    }

    /// Erases a credential; erasing a missing one is not an error.
    pub fn erase(&self, server: &str) -> Result<bool> {
        let (ok, out) = self.call("erase", server.as_bytes())?;
        match (ok, out.contains(NOT_FOUND)) {
            (true, _) => Ok(true),
            (false, true) => Ok(false),
            (false, false) => Err(self.failure("erase", &out)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helper_names_cannot_be_paths() {
        for bad in ["../../bin/sh", "a/b", "", ".hidden"] {
            let e = Helper::new(bad).get("x").unwrap_err();
            assert!(
                e.to_string().contains("invalid credential helper name"),
                "{bad}: {e}"
            );
        }
    }
}
