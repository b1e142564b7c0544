//! Docker's `config.json`: the `auths` entries, `credsStore` and
//! `credHelpers`. Every field this module does not manage is kept as it was
//! when the file is written back, atomically and with mode 0600.
//!
//! Entries are keyed by server address: the registry as written, except
//! Docker Hub, whose key is `https://index.docker.io/v1/`. Legacy keys with
//! a scheme and a path (`https://registry.example/v1/`) match their host.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value};

use super::Credential;
use crate::error::{Error, Result};
use crate::fsutil;

/// Largest config file read (it is local, but bound every read).
const MAX_CONFIG_SIZE: u64 = 4 * 1024 * 1024;

/// One docker config file, parsed.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    doc: Map<String, Value>,
}

/// The server address under which a registry's credentials are stored.
pub fn server_address(registry: &str) -> &str {
    if registry == "docker.io" {
        "https://index.docker.io/v1/"
    } else {
        registry
    }
}

/// A config key reduced to its host: scheme and path dropped.
pub fn key_host(key: &str) -> &str {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    k.split('/').next().unwrap_or(k)
}

fn decode_auth(s: &str) -> Result<(String, String)> {
    if s.is_empty() {
        return Ok((String::new(), String::new()));
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|_| {
            Error::Credentials("invalid auth field in the docker config: not base64".into())
        })?;
    let text = String::from_utf8(raw).map_err(|_| {
        Error::Credentials("invalid auth field in the docker config: not UTF-8".into())
    })?;
    let (u, p) = text.split_once(':').ok_or_else(|| {
        Error::Credentials(
            "invalid auth field in the docker config: expected base64(username:password)".into(),
        )
    })?;
    Ok((u.to_string(), p.to_string()))
}

impl ConfigFile {
    /// Reads a config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        match std::fs::File::open(path) {
            Ok(f) => {
                use std::io::Read;
                let mut buf = Vec::new();
                f.take(MAX_CONFIG_SIZE + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
                ConfigFile::parse(path, &buf)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::parse(path, b""),
            Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
        }
    }

    /// Parses config file content read from `path` (empty or blank content
    /// is an empty config).
    pub fn parse(path: &Path, buf: &[u8]) -> Result<ConfigFile> {
        if buf.len() as u64 > MAX_CONFIG_SIZE {
            return Err(Error::TooLarge {
                what: path.display().to_string(),
                limit: MAX_CONFIG_SIZE,
            });
        }
        let doc = if buf.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            match serde_json::from_slice::<Value>(buf) {
                Ok(Value::Object(m)) => m,
                _ => {
                    return Err(Error::Credentials(format!(
                        "{}: invalid config format: expected a JSON object",
                        path.display()
                    )));
                }
            }
        };
        Ok(ConfigFile {
            path: path.to_path_buf(),
            doc,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn auths(&self) -> Option<&Map<String, Value>> {
        self.doc.get("auths")?.as_object()
    }

    /// The helper configured for `server` (`credHelpers` beats `credsStore`).
    pub fn helper_for(&self, server: &str) -> Option<String> {
        let by_host = self
            .doc
            .get("credHelpers")
            .and_then(Value::as_object)
            .and_then(|h| {
                h.get(server).or_else(|| {
                    h.iter()
                        .find(|(k, _)| key_host(k) == key_host(server))
                        .map(|(_, v)| v)
                })
            })
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        by_host
            .or_else(|| {
                self.doc
                    .get("credsStore")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
            })
            .map(str::to_string)
    }

    /// The `credsStore` value, if any.
    pub fn creds_store(&self) -> Option<&str> {
        self.doc
            .get("credsStore")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The credential stored in `auths` for `server`, or `None`.
    pub fn get(&self, server: &str) -> Result<Option<Credential>> {
        let Some(auths) = self.auths() else {
            return Ok(None);
        };
        let entry = auths.get(server).or_else(|| {
            auths
                .iter()
                .find(|(k, _)| key_host(k) == key_host(server))
                .map(|(_, v)| v)
        });
        let Some(entry) = entry.and_then(Value::as_object) else {
            return Ok(None);
        };
        let field = |k: &str| {
            entry
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (mut username, mut password) = decode_auth(&field("auth"))?;
        if username.is_empty() && password.is_empty() {
            username = field("username");
            password = field("password");
        }
        let c = Credential {
            username,
            password,
            refresh_token: field("identitytoken"),
            access_token: field("registrytoken"),
        };
        Ok((!c.is_anonymous()).then_some(c))
    }

    /// Stores a credential under `server`, replacing any entry that matches
    /// it (legacy keys included).
    pub fn put(&mut self, server: &str, cred: &Credential) {
        self.remove_matching(server);
        let mut entry = Map::new();
        if !cred.username.is_empty() || !cred.password.is_empty() {
            let raw = format!("{}:{}", cred.username, cred.password);
            entry.insert(
                "auth".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(raw)),
            );
        }
        if !cred.refresh_token.is_empty() {
            entry.insert(
                "identitytoken".into(),
                Value::String(cred.refresh_token.clone()),
            );
        }
        if !cred.access_token.is_empty() {
            entry.insert(
                "registrytoken".into(),
                Value::String(cred.access_token.clone()),
            );
        }
        let auths = self
            .doc
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        if !auths.is_object() {
            *auths = Value::Object(Map::new());
        }
        auths
            .as_object_mut()
            .expect("made an object above")
            .insert(server.to_string(), Value::Object(entry));
    }

    /// Removes the entry for `server`; true if there was one.
    pub fn delete(&mut self, server: &str) -> bool {
        self.remove_matching(server)
    }

    fn remove_matching(&mut self, server: &str) -> bool {
        let Some(auths) = self.doc.get_mut("auths").and_then(Value::as_object_mut) else {
            return false;
        };
        let keys: Vec<String> = auths
            .keys()
            .filter(|k| k.as_str() == server || key_host(k) == key_host(server))
            .cloned()
            .collect();
        for k in &keys {
            auths.remove(k);
        }
        !keys.is_empty()
    }

    /// Writes the file back atomically with mode 0600, creating its
    /// directory if needed. A `config.json` that is a symbolic link (into a
    /// dotfiles repository, a mounted secret) is written through: the file
    /// it points to is replaced and the link stays, as docker does.
    pub fn save(&self) -> Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fsutil::ensure_dir(dir)?;
        }
        let mut bytes = serde_json::to_vec_pretty(&Value::Object(self.doc.clone()))
            .map_err(|e| Error::Credentials(format!("encoding {}: {e}", self.path.display())))?;
        bytes.push(b'\n');
        fsutil::write_output(&self.path, &bytes, Some(0o600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, content: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("oar-cfg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("config.json");
        std::fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn reads_every_entry_form() {
        let p = tmp(
            "read",
            r#"{"auths":{
                "https://index.docker.io/v1/":{"auth":"aGVsbG86b3Jhcy10ZXN0"},
                "https://legacy.example/v1/":{"username":"u","password":"p"},
                "tok.example":{"auth":"dTo=","identitytoken":"refresh"},
                "reg.example":{"registrytoken":"access"}
            },"credsStore":"desktop","credHelpers":{"helped.example":"pass"},"other":{"keep":1}}"#,
        );
        let c = ConfigFile::load(&p).unwrap();
        let hub = c.get(server_address("docker.io")).unwrap().unwrap();
        assert_eq!(
            (hub.username.as_str(), hub.password.as_str()),
            ("hello", "oras-test")
        );
        let legacy = c.get("legacy.example").unwrap().unwrap();
        assert_eq!(legacy.username, "u");
        let tok = c.get("tok.example").unwrap().unwrap();
        assert_eq!(
            (tok.username.as_str(), tok.refresh_token.as_str()),
            ("u", "refresh")
        );
        assert_eq!(
            c.get("reg.example").unwrap().unwrap().access_token,
            "access"
        );
        assert!(c.get("absent.example").unwrap().is_none());
        assert_eq!(c.helper_for("helped.example").as_deref(), Some("pass"));
        assert_eq!(c.helper_for("other.example").as_deref(), Some("desktop"));
    }

    #[test]
    fn writes_keep_other_fields_and_mode() {
        let p = tmp(
            "write",
            r#"{"auths":{"https://a.example/":{"auth":"eDp5"}},"psFormat":"table","proxies":{"x":1}}"#,
        );
        let mut c = ConfigFile::load(&p).unwrap();
        c.put("a.example", &Credential::basic("u", "p:w"));
        c.save().unwrap();
        let again = ConfigFile::load(&p).unwrap();
        let got = again.get("a.example").unwrap().unwrap();
        assert_eq!((got.username.as_str(), got.password.as_str()), ("u", "p:w"));
        let raw: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(raw["psFormat"], "table");
        assert_eq!(raw["proxies"]["x"], 1);
        assert!(
            raw["auths"].get("https://a.example/").is_none(),
            "the legacy key is replaced"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let mut c = again;
        assert!(c.delete("a.example"));
        assert!(!c.delete("a.example"));
    }

    #[test]
    fn rejects_garbage() {
        assert!(ConfigFile::load(&tmp("bad", "[1,2]")).is_err());
        let c = ConfigFile::load(&tmp("badauth", r#"{"auths":{"x":{"auth":"!!!"}}}"#)).unwrap();
        assert!(c.get("x").is_err());
        assert!(
            ConfigFile::load(&tmp("empty", ""))
                .unwrap()
                .get("x")
                .unwrap()
                .is_none()
        );
    }
}
