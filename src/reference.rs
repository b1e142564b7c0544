//! Artifact references: `registry/repository[:tag|@digest]`. Parsing only,
//! no I/O.
//!
//! The grammar, as ORAS and the distribution project define it:
//!
//! ```text
//! reference      := registry "/" repository [ ":" tag ] [ "@" digest ]
//! registry       := host [ ":" port ]          ; always given, never defaulted
//! repository     := component *( "/" component )
//! component      := alnum *( separator alnum )
//! alnum          := [a-z0-9]+
//! separator      := "." | "_" | "__" | "-"+
//! tag            := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest         := algorithm ":" hex
//! ```
//!
//! When both a tag and a digest are given the digest wins and the tag is
//! dropped, as in oras-go. `docker.io` is contacted as
//! `registry-1.docker.io` (see [`Reference::host`]).

use std::fmt;
use std::str::FromStr;

use crate::digest::Digest;
use crate::error::{Error, Result};

/// A parsed artifact reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The registry as written: `host[:port]`, e.g. `localhost:5000`.
    pub registry: String,
    /// The repository path, e.g. `library/hello`.
    pub repository: String,
    /// The tag, if one was given (and no digest).
    pub tag: Option<String>,
    /// The digest, if one was given.
    pub digest: Option<Digest>,
}

fn invalid(reference: &str, reason: impl Into<String>) -> Error {
    Error::InvalidReference {
        reference: reference.to_string(),
        reason: reason.into(),
    }
}

impl Reference {
    /// Parses a full reference. The registry part is mandatory.
    ///
    /// ```
    /// let r = oar::Reference::parse("localhost:5000/hello:v1")?;
    /// assert_eq!((r.registry.as_str(), r.repository.as_str()), ("localhost:5000", "hello"));
    /// assert_eq!(r.tag.as_deref(), Some("v1"));
    /// # Ok::<(), oar::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Reference> {
        let (registry, path) = s
            .split_once('/')
            .ok_or_else(|| invalid(s, "missing registry or repository"))?;
        validate_registry(registry).map_err(|why| invalid(s, why))?;
        let (repository, tag, digest) = if let Some((repo, dgst)) = path.split_once('@') {
            let repo = repo.split_once(':').map_or(repo, |(r, _)| r);
            let d = Digest::parse(dgst).map_err(|e| invalid(s, e.to_string()))?;
            (repo, None, Some(d))
        } else if let Some((repo, tag)) = path.split_once(':') {
            if !is_valid_tag(tag) {
                return Err(invalid(s, format!("invalid tag {tag:?}")));
            }
            (repo, Some(tag.to_string()), None)
        } else {
            (path, None, None)
        };
        if !is_valid_repository(repository) {
            return Err(invalid(s, format!("invalid repository {repository:?}")));
        }
        Ok(Reference {
            registry: registry.to_string(),
            repository: repository.to_string(),
            tag,
            digest,
        })
    }

    /// The `host[:port]` to connect to: `docker.io` maps to
    /// `registry-1.docker.io`.
    pub fn host(&self) -> &str {
        registry_host(&self.registry)
    }

    /// The tag or digest as used in a URL path, if any.
    pub fn selector(&self) -> Option<String> {
        match (&self.digest, &self.tag) {
            (Some(d), _) => Some(d.to_string()),
            (None, Some(t)) => Some(t.clone()),
            (None, None) => None,
        }
    }

    /// `registry/repository`, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The same repository with another tag or digest.
    pub fn with_selector(&self, selector: &str) -> Result<Reference> {
        let sep = if selector.contains(':') { '@' } else { ':' };
        Reference::parse(&format!("{}{}{}", self.name(), sep, selector))
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(d) = &self.digest {
            write!(f, "@{d}")
        } else if let Some(t) = &self.tag {
            write!(f, ":{t}")
        } else {
            Ok(())
        }
    }
}

impl FromStr for Reference {
    type Err = Error;
    fn from_str(s: &str) -> Result<Reference> {
        Reference::parse(s)
    }
}

/// Maps the Docker Hub alias to the host that serves its API.
pub fn registry_host(registry: &str) -> &str {
    if registry == "docker.io" {
        "registry-1.docker.io"
    } else {
        registry
    }
}

/// Checks `host[:port]`: a DNS name, an IPv4 address or a bracketed IPv6
/// address, and an optional numeric port.
pub fn validate_registry(registry: &str) -> std::result::Result<(), String> {
    if registry.is_empty() {
        return Err("invalid registry \"\"".into());
    }
    let (host, port) = if let Some(rest) = registry.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("invalid registry {registry:?}"))?;
        if h.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("invalid registry {registry:?}"));
        }
        match after {
            "" => return Ok(()),
            p => (
                None,
                p.strip_prefix(':')
                    .ok_or_else(|| format!("invalid registry {registry:?}"))?,
            ),
        }
    } else {
        match registry.rsplit_once(':') {
            Some((h, p)) => (Some(h), p),
            None => (Some(registry), ""),
        }
    };
    if let Some(h) = host {
        let ok = !h.is_empty()
            && h.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !ok {
            return Err(format!("invalid registry {registry:?}"));
        }
    }
    if !port.is_empty() && port.parse::<u16>().is_err() {
        return Err(format!("invalid port in registry {registry:?}"));
    }
    if registry.ends_with(':') {
        return Err(format!("invalid port in registry {registry:?}"));
    }
    Ok(())
}

/// Checks a repository path against the distribution grammar.
pub fn is_valid_repository(repo: &str) -> bool {
    !repo.is_empty() && repo.len() <= 255 && repo.split('/').all(is_valid_component)
}

fn is_valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !is_alnum(b[0]) || !is_alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: ".", "_", "__" or any number of "-".
        let start = i;
        while i < b.len() && !is_alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Refuses a tag outside the grammar, naming it (quoted and escaped, so
/// that a hostile tag cannot reach the terminal raw). Every place a tag
/// enters a registry URL or a tag of a backup calls this: the command
/// line, a layout's or an archive's `index.json`, and a registry's tag
/// list, so a tag such as `../../other/manifests/latest` is refused
/// rather than sent, or encoded into a path. Listing tags is not refused:
/// a layout may hold free-text tags (`my tag`), and a list is reported as
/// its source gives it, to be escaped wherever it is printed.
///
/// ```
/// assert!(oar::reference::validate_tag("v1.0_rc-2").is_ok());
/// let e = oar::reference::validate_tag("../../victim/manifests/latest").unwrap_err();
/// assert!(e.to_string().starts_with("invalid tag \"../../victim/manifests/latest\""));
/// ```
pub fn validate_tag(tag: &str) -> Result<()> {
    if is_valid_tag(tag) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "invalid tag {tag:?}: a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'"
    )))
}

/// Checks a tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn is_valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn parses_forms() {
        let r = Reference::parse("localhost:5000/a/b-c/d__e:v1.0").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "a/b-c/d__e");
        assert_eq!(r.tag.as_deref(), Some("v1.0"));
        assert_eq!(r.to_string(), "localhost:5000/a/b-c/d__e:v1.0");

        let r = Reference::parse(&format!("ghcr.io/x:tag@{D}")).unwrap();
        assert_eq!(r.tag, None);
        assert_eq!(r.digest.as_ref().unwrap().to_string(), D);
        assert_eq!(r.selector().unwrap(), D);

        let r = Reference::parse("[::1]:5000/x").unwrap();
        assert_eq!(r.registry, "[::1]:5000");
        assert_eq!(r.selector(), None);
    }

    #[test]
    fn docker_hub_maps_to_its_api_host() {
        let r = Reference::parse("docker.io/library/alpine:3").unwrap();
        assert_eq!(r.host(), "registry-1.docker.io");
        assert_eq!(r.registry, "docker.io");
    }

    #[test]
    fn rejects_bad_references() {
        for bad in [
            "hello",
            "localhost:5000/",
            "localhost:5000/Upper",
            "localhost:5000/a//b",
            "localhost:5000/a:",
            "localhost:5000/a:-x",
            "localhost:5000/a@sha256:abc",
            "localhost:abc/a",
            "local host/a",
            "/a",
            "localhost:5000/a..b",
            "localhost:5000/-a",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad:?} parsed");
        }
        let long_tag = format!("localhost/a:{}", "t".repeat(129));
        assert!(Reference::parse(&long_tag).is_err());
    }

    #[test]
    fn with_selector_switches_tag_and_digest() {
        let r = Reference::parse("h/x:v1").unwrap();
        assert_eq!(r.with_selector(D).unwrap().to_string(), format!("h/x@{D}"));
        assert_eq!(r.with_selector("v2").unwrap().to_string(), "h/x:v2");
    }
}
