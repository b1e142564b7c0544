//! Image indexes built from manifests, as `oras manifest index create` and
//! `update` (ORAS CLI 1.3) build them, byte for byte: each manifest is
//! listed by media type, digest and size, with the platform its config
//! names (for an image manifest) and its artifact type; the index is
//! encoded as Go encodes the image spec's `Index` type, so the same
//! inputs give the same digest as oras.

use crate::content::{Storage, fetch_all};
use crate::descriptor::{Annotations, Descriptor, Extra, Platform};
use crate::error::{Error, Result};
use crate::manifest::{self, Document, Index, MAX_MANIFEST_SIZE};
use crate::media_type;

/// True for what an index may list, as oras decides it: image manifests
/// and indexes, OCI or Docker.
pub fn is_listable(media_type: &str) -> bool {
    matches!(
        media_type,
        media_type::OCI_MANIFEST
            | media_type::OCI_INDEX
            | media_type::DOCKER_MANIFEST
            | media_type::DOCKER_MANIFEST_LIST
    )
}

/// The platform an image config names, read as Go reads it into the
/// image spec's `Platform`: `None` when the config is not a JSON object,
/// has a field of the wrong type, or names neither OS nor architecture.
///
/// ```
/// use oar::ops::index::config_platform;
///
/// let p = config_platform(br#"{"architecture":"arm","os":"linux","variant":"v7","rootfs":{}}"#).unwrap();
/// assert_eq!(p.to_string(), "linux/arm/v7");
/// assert!(config_platform(b"sometext").is_none());
/// assert!(config_platform(b"{}").is_none());
/// ```
pub fn config_platform(config: &[u8]) -> Option<Platform> {
    let v: serde_json::Value = serde_json::from_slice(config).ok()?;
    let obj = v.as_object()?;
    let text = |key: &str| -> std::result::Result<String, ()> {
        match obj.get(key) {
            None | Some(serde_json::Value::Null) => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(()),
        }
    };
    let list = |key: &str| -> std::result::Result<Option<Vec<String>>, ()> {
        match obj.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::Array(a)) => {
                let v = a
                    .iter()
                    .map(|x| x.as_str().map(str::to_string).ok_or(()))
                    .collect::<std::result::Result<Vec<_>, ()>>()?;
                // An empty list is left out, as `omitempty` leaves it.
                Ok((!v.is_empty()).then_some(v))
            }
            Some(_) => Err(()),
        }
    };
    let some = |s: String| (!s.is_empty()).then_some(s);
    let p = Platform {
        architecture: text("architecture").ok()?,
        os: text("os").ok()?,
        os_version: some(text("os.version").ok()?),
        os_features: list("os.features").ok()?,
        variant: some(text("variant").ok()?),
        features: list("features").ok()?,
    };
    (!p.architecture.is_empty() || !p.os.is_empty()).then_some(p)
}

/// The entry an index lists for the manifest `desc` whose bytes are
/// `bytes`: its media type, digest and size, the platform of an image
/// manifest's config (read from `store`, at most 4 MiB), and the artifact
/// type of the manifest or index.
pub fn index_entry(store: &dyn Storage, desc: &Descriptor, bytes: &[u8]) -> Result<Descriptor> {
    let mut entry = Descriptor::new(desc.media_type.clone(), desc.digest.clone(), desc.size);
    match Document::parse(&desc.media_type, bytes)? {
        Document::Manifest(m) => {
            if m.config.size > MAX_MANIFEST_SIZE {
                return Err(Error::TooLarge {
                    what: format!("config {}", m.config.digest),
                    limit: MAX_MANIFEST_SIZE,
                });
            }
            let config = fetch_all(store, &m.config)?;
            entry.platform = config_platform(&config);
            entry.artifact_type = m.artifact_type.filter(|t| !t.is_empty());
        }
        Document::Index(i) => {
            entry.artifact_type = i.artifact_type.filter(|t| !t.is_empty());
        }
    }
    Ok(entry)
}

/// A new OCI image index of `manifests`, with an artifact type and
/// annotations if given (empty ones are left out, as oras leaves them).
pub fn new_index(
    manifests: Vec<Descriptor>,
    artifact_type: Option<String>,
    annotations: Option<Annotations>,
) -> Index {
    let mut idx = Index::new();
    idx.manifests = manifests;
    idx.artifact_type = artifact_type.filter(|t| !t.is_empty());
    idx.annotations = annotations.filter(|a| !a.is_empty());
    idx
}

/// Encodes an index as oras does after reading it into the image spec's
/// Go types: fields those types do not know are dropped, from the index
/// and from its entries. Returns its descriptor (of the index's own media
/// type, an OCI index when it names none) and bytes.
///
/// ```
/// use oar::ops::index::{encode_index, new_index};
///
/// // What `oras manifest index create` pushes for no manifests.
/// let (desc, bytes) = encode_index(new_index(Vec::new(), None, None));
/// assert_eq!(bytes, br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#);
/// assert_eq!(desc.size, bytes.len() as u64);
/// ```
pub fn encode_index(mut idx: Index) -> (Descriptor, Vec<u8>) {
    idx.extra = Extra::new();
    if let Some(s) = idx.subject.as_mut() {
        s.extra = Extra::new();
    }
    for d in &mut idx.manifests {
        d.extra = Extra::new();
    }
    let bytes = manifest::marshal(&idx);
    let mt = idx
        .media_type
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| media_type::OCI_INDEX.to_string());
    (Descriptor::from_bytes(mt, &bytes), bytes)
}
