//! OCI content descriptors and platforms (image spec, "Descriptors").
//!
//! Field order and omission rules follow the Go types of the image spec, so
//! a manifest serialised here is byte-identical to one written by `oras`.
//! Fields this crate does not know are kept in `extra` and written back.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::media_type;

/// Annotations: a sorted map, as Go's JSON encoder sorts map keys.
pub type Annotations = BTreeMap<String, String>;

/// Unknown JSON fields, kept so that nothing is lost on a round trip.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// A content descriptor: what a blob or manifest is, how large, and its
/// digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Descriptor {
    /// Media type of the referenced content.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Digest of the referenced content.
    pub digest: Digest,
    /// Size in bytes.
    pub size: u64,
    /// Alternative download locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    /// Embedded content, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Platform of an image (in an index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Artifact type of the referenced manifest.
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
    /// Fields not known to this crate.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Descriptor {
    /// A plain descriptor with no optional fields.
    pub fn new(media_type: impl Into<String>, digest: Digest, size: u64) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest,
            size,
            urls: None,
            annotations: None,
            data: None,
            platform: None,
            artifact_type: None,
            extra: Extra::new(),
        }
    }

    /// The descriptor of `data` (SHA-256) with `media_type`.
    pub fn from_bytes(media_type: impl Into<String>, data: &[u8]) -> Descriptor {
        Descriptor::new(media_type, Digest::sha256(data), data.len() as u64)
    }

    /// The empty JSON descriptor of image spec 1.1, including its inline
    /// `data` (`e30=`), exactly as oras-go writes it.
    pub fn empty_json() -> Descriptor {
        let mut d = Descriptor::from_bytes(media_type::OCI_EMPTY, media_type::EMPTY_JSON);
        d.data = Some("e30=".into());
        d
    }

    /// True if this is the empty JSON blob (media type, digest and size).
    pub fn is_empty_json(&self) -> bool {
        self.media_type == media_type::OCI_EMPTY
            && self.size == 2
            && self.digest == Digest::sha256(media_type::EMPTY_JSON)
    }

    /// One annotation, if present.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }

    /// Sets one annotation.
    pub fn set_annotation(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.annotations
            .get_or_insert_with(Annotations::new)
            .insert(key.into(), value.into());
    }

    /// The `org.opencontainers.image.title` annotation, if non-empty.
    pub fn title(&self) -> Option<&str> {
        self.annotation(media_type::ANNOTATION_TITLE)
            .filter(|t| !t.is_empty())
    }

    /// True when media type, digest and size agree (annotations and the
    /// rest may differ), the identity used to deduplicate content.
    pub fn same_content(&self, other: &Descriptor) -> bool {
        self.digest == other.digest
            && self.size == other.size
            && self.media_type == other.media_type
    }

    /// The descriptor reduced to what identifies content plus its artifact
    /// type and annotations: the shape oras prints in JSON output.
    pub fn plain(&self) -> Descriptor {
        Descriptor {
            urls: None,
            data: None,
            platform: None,
            extra: Extra::new(),
            ..self.clone()
        }
    }
}

/// The platform an image runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Platform {
    /// CPU architecture, e.g. `amd64`.
    pub architecture: String,
    /// Operating system, e.g. `linux`.
    pub os: String,
    /// Operating system version.
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    /// Required OS features.
    #[serde(
        rename = "os.features",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_features: Option<Vec<String>>,
    /// CPU variant, e.g. `v7`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Required CPU features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
}

impl Platform {
    /// Parses `os[/arch[/variant]][:os_version]` as `--platform` takes it.
    pub fn parse(s: &str) -> crate::Result<Platform> {
        let bad = || {
            crate::Error::invalid(format!(
                "invalid platform {s:?}: expected os[/arch][/variant][:os_version]"
            ))
        };
        let (main, version) = match s.split_once(':') {
            Some((m, v)) if !v.is_empty() => (m, Some(v.to_string())),
            Some(_) => return Err(bad()),
            None => (s, None),
        };
        let parts: Vec<&str> = main.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) || parts.len() > 3 {
            return Err(bad());
        }
        Ok(Platform {
            os: parts[0].to_string(),
            architecture: parts.get(1).map(|a| a.to_string()).unwrap_or_default(),
            variant: parts.get(2).map(|v| v.to_string()),
            os_version: version,
            ..Platform::default()
        })
    }

    /// True if `self` (a request, possibly partial) matches `other` (an
    /// index entry): every field given in the request must be equal.
    pub fn matches(&self, other: &Platform) -> bool {
        self.os == other.os
            && (self.architecture.is_empty() || self.architecture == other.architecture)
            && (self.variant.is_none() || self.variant == other.variant)
            && (self.os_version.is_none() || self.os_version == other.os_version)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        if let Some(v) = &self.os_version {
            write!(f, ":{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_descriptor_matches_oras_bytes() {
        let json = serde_json::to_string(&Descriptor::empty_json()).unwrap();
        assert_eq!(
            json,
            r#"{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="}"#
        );
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let src = r#"{"mediaType":"a/b","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"zzz":{"k":[1,2]}}"#;
        let d: Descriptor = serde_json::from_str(src).unwrap();
        assert_eq!(d.extra["zzz"]["k"][1], 2);
        assert_eq!(serde_json::to_string(&d).unwrap(), src);
    }

    #[test]
    fn rejects_negative_size_and_bad_digest() {
        let neg = r#"{"mediaType":"a/b","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":-1}"#;
        assert!(serde_json::from_str::<Descriptor>(neg).is_err());
        let bad = r#"{"mediaType":"a/b","digest":"sha256:zz","size":1}"#;
        assert!(serde_json::from_str::<Descriptor>(bad).is_err());
    }

    #[test]
    fn platform_parse_and_match() {
        let p = Platform::parse("linux/arm/v7").unwrap();
        assert_eq!((p.os.as_str(), p.architecture.as_str()), ("linux", "arm"));
        assert_eq!(p.variant.as_deref(), Some("v7"));
        let amd = Platform {
            os: "linux".into(),
            architecture: "amd64".into(),
            ..Default::default()
        };
        assert!(Platform::parse("linux").unwrap().matches(&amd));
        assert!(Platform::parse("linux/amd64").unwrap().matches(&amd));
        assert!(!p.matches(&amd));
        assert!(Platform::parse("linux//x").is_err());
        assert!(Platform::parse("a/b/c/d").is_err());
        assert_eq!(
            Platform::parse("windows/amd64:10.0").unwrap().to_string(),
            "windows/amd64:10.0"
        );
    }
}
