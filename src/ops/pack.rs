//! Building the manifest of a pushed artifact, following oras-go's
//! `PackManifest` rules so that `oar` writes what `oras push` writes:
//!
//! - image spec 1.1 (default): `artifactType` is required (the CLI defaults
//!   it to `application/vnd.unknown.artifact.v1`); without `--config` the
//!   config is the empty JSON descriptor (with its inline `data`), and with
//!   no files the empty JSON blob is the single layer;
//! - image spec 1.0: no `artifactType` field; without `--config` the config
//!   is `{}` under the artifact type as media type (default
//!   `application/vnd.unknown.config.v1+json`); no subject;
//! - `org.opencontainers.image.created` is added unless given, and must be
//!   RFC 3339 when given.

use std::time::SystemTime;

use crate::descriptor::{Annotations, Descriptor};
use crate::error::{Error, Result};
use crate::manifest::{Manifest, marshal};
use crate::media_type::{self, ANNOTATION_CREATED};
use crate::timefmt;

/// Which manifest shape to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageSpec {
    /// OCI image spec 1.1: `artifactType`, empty config.
    #[default]
    V1_1,
    /// OCI image spec 1.0: the config media type carries the type.
    V1_0,
}

/// Inputs of [`pack`] besides the layers.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PackOptions {
    /// Manifest shape.
    pub spec: ImageSpec,
    /// The artifact type (1.1) or config media type (1.0).
    pub artifact_type: Option<String>,
    /// A config blob given by the user, already described.
    pub config: Option<Descriptor>,
    /// Annotations of the config descriptor.
    pub config_annotations: Option<Annotations>,
    /// Manifest annotations.
    pub manifest_annotations: Annotations,
    /// The manifest this artifact refers to (`attach`).
    pub subject: Option<Descriptor>,
    /// The creation time to record when none is given (tests pin it).
    pub now: Option<SystemTime>,
}

impl PackOptions {
    /// The manifest shape.
    pub fn spec(mut self, spec: ImageSpec) -> Self {
        self.spec = spec;
        self
    }

    /// The artifact type (1.1) or config media type (1.0).
    pub fn artifact_type(mut self, artifact_type: impl Into<String>) -> Self {
        self.artifact_type = Some(artifact_type.into());
        self
    }

    /// A config blob given by the user, already described.
    pub fn config(mut self, config: Descriptor) -> Self {
        self.config = Some(config);
        self
    }

    /// Annotations of the config descriptor.
    pub fn config_annotations(mut self, annotations: Annotations) -> Self {
        self.config_annotations = Some(annotations);
        self
    }

    /// Manifest annotations.
    pub fn manifest_annotations(mut self, annotations: Annotations) -> Self {
        self.manifest_annotations = annotations;
        self
    }

    /// The manifest this artifact refers to.
    pub fn subject(mut self, subject: Descriptor) -> Self {
        self.subject = Some(subject);
        self
    }

    /// The creation time to record when the annotations give none.
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }
}

/// A packed manifest and the blobs it needs besides the user's files.
#[derive(Debug, Clone)]
pub struct Packed {
    /// The manifest's descriptor (with `artifactType` and annotations, as
    /// oras reports it).
    pub desc: Descriptor,
    /// The exact manifest bytes.
    pub bytes: Vec<u8>,
    /// The config descriptor.
    pub config: Descriptor,
    /// Generated blobs (the `{}` config or empty layer) with their bytes.
    pub generated: Vec<(Descriptor, &'static [u8])>,
    /// The layers, in order.
    pub layers: Vec<Descriptor>,
}

/// Packs `layers` into a manifest.
pub fn pack(layers: Vec<Descriptor>, opts: &PackOptions) -> Result<Packed> {
    let artifact_type = opts.artifact_type.clone().filter(|a| !a.is_empty());
    let mut generated: Vec<(Descriptor, &'static [u8])> = Vec::new();
    let mut layers = layers;
    let config = match opts.spec {
        ImageSpec::V1_1 => {
            let config_is_empty = opts
                .config
                .as_ref()
                .is_none_or(|c| c.media_type == media_type::OCI_EMPTY);
            if artifact_type.is_none() && config_is_empty {
                return Err(Error::invalid(
                    "missing artifact type for OCI image-spec v1.1 artifacts",
                ));
            }
            if let Some(at) = &artifact_type {
                check_media_type("artifactType", at)?;
            }
            let config = match &opts.config {
                Some(c) => {
                    check_media_type("config mediaType", &c.media_type)?;
                    c.clone()
                }
                None => {
                    let mut c = Descriptor::empty_json();
                    c.annotations = opts.config_annotations.clone();
                    generated.push((c.clone(), media_type::EMPTY_JSON));
                    c
                }
            };
            if layers.is_empty() {
                let empty = Descriptor::empty_json();
                if !generated.iter().any(|(d, _)| d.digest == empty.digest) {
                    generated.push((empty.clone(), media_type::EMPTY_JSON));
                }
                layers.push(empty);
            }
            config
        }
        ImageSpec::V1_0 => {
            if opts.subject.is_some() {
                return Err(Error::Unsupported(
                    "subject is not supported for manifest version 1.0".into(),
                ));
            }
            match &opts.config {
                Some(c) => {
                    check_media_type("config mediaType", &c.media_type)?;
                    c.clone()
                }
                None => {
                    let mt = artifact_type
                        .clone()
                        .unwrap_or_else(|| media_type::UNKNOWN_CONFIG.to_string());
                    check_media_type("artifactType", &mt)?;
                    let mut c = Descriptor::from_bytes(mt, media_type::EMPTY_JSON);
                    c.annotations = opts.config_annotations.clone();
                    generated.push((c.clone(), media_type::EMPTY_JSON));
                    c
                }
            }
        }
    };
    let mut annotations = opts.manifest_annotations.clone();
    match annotations.get(ANNOTATION_CREATED) {
        Some(t) if !timefmt::is_rfc3339(t) => {
            return Err(Error::invalid(format!(
                "invalid date and time format: {ANNOTATION_CREATED} {t:?} is not RFC 3339"
            )));
        }
        Some(_) => {}
        None => {
            let now = opts.now.unwrap_or_else(SystemTime::now);
            annotations.insert(ANNOTATION_CREATED.into(), timefmt::rfc3339_utc(now));
        }
    }
    let manifest_artifact_type = match opts.spec {
        ImageSpec::V1_1 => artifact_type.clone(),
        ImageSpec::V1_0 => None,
    };
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(media_type::OCI_MANIFEST.into()),
        artifact_type: manifest_artifact_type.clone(),
        config: config.clone(),
        layers: layers.clone(),
        subject: opts.subject.clone(),
        annotations: Some(annotations.clone()),
        extra: Default::default(),
    };
    let bytes = marshal(&manifest);
    let mut desc = Descriptor::from_bytes(media_type::OCI_MANIFEST, &bytes);
    // oras reports the config media type as the artifact type of a 1.0
    // manifest.
    desc.artifact_type = manifest_artifact_type.or_else(|| Some(config.media_type.clone()));
    desc.annotations = Some(annotations);
    Ok(Packed {
        desc,
        bytes,
        config,
        generated,
        layers,
    })
}

fn check_media_type(what: &str, mt: &str) -> Result<()> {
    if media_type::is_valid(mt) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid {what} format: {mt}: invalid media type"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn opts(spec: ImageSpec, at: Option<&str>) -> PackOptions {
        PackOptions {
            spec,
            artifact_type: at.map(str::to_string),
            now: Some(UNIX_EPOCH + Duration::from_secs(1_749_097_899)),
            ..Default::default()
        }
    }

    fn layer() -> Descriptor {
        let mut d = Descriptor::from_bytes(media_type::OCI_LAYER_TAR, b"foo");
        d.set_annotation(media_type::ANNOTATION_TITLE, "foo1");
        d
    }

    #[test]
    fn v1_1_matches_oras_bytes() {
        let p = pack(
            vec![layer()],
            &opts(ImageSpec::V1_1, Some(media_type::UNKNOWN_ARTIFACT)),
        )
        .unwrap();
        let want = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.unknown.artifact.v1","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","size":3,"annotations":{"org.opencontainers.image.title":"foo1"}}],"annotations":{"org.opencontainers.image.created":"2025-06-05T04:31:39Z"}}"#;
        assert_eq!(String::from_utf8(p.bytes.clone()).unwrap(), want);
        assert_eq!(
            p.desc.artifact_type.as_deref(),
            Some(media_type::UNKNOWN_ARTIFACT)
        );
        assert_eq!(p.generated.len(), 1);
    }

    #[test]
    fn v1_1_without_files_uses_the_empty_layer() {
        let p = pack(vec![], &opts(ImageSpec::V1_1, Some("a/b"))).unwrap();
        assert_eq!(p.layers.len(), 1);
        assert!(p.layers[0].is_empty_json());
        assert_eq!(p.generated.len(), 1, "config and layer are one blob");
        assert!(pack(vec![], &opts(ImageSpec::V1_1, None)).is_err());
    }

    #[test]
    fn v1_0_uses_a_typed_config() {
        let p = pack(vec![layer()], &opts(ImageSpec::V1_0, None)).unwrap();
        let s = String::from_utf8(p.bytes).unwrap();
        assert!(s.contains(r#""config":{"mediaType":"application/vnd.unknown.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}"#), "{s}");
        assert!(!s.contains("artifactType"));
        assert_eq!(
            p.desc.artifact_type.as_deref(),
            Some(media_type::UNKNOWN_CONFIG)
        );
        let p = pack(vec![], &opts(ImageSpec::V1_0, None)).unwrap();
        assert!(
            String::from_utf8(p.bytes)
                .unwrap()
                .contains(r#""layers":[]"#)
        );
    }

    #[test]
    fn created_annotation_is_kept_or_checked() {
        let mut o = opts(ImageSpec::V1_1, Some("a/b"));
        o.manifest_annotations
            .insert(ANNOTATION_CREATED.into(), "2000-01-01T00:00:00Z".into());
        let p = pack(vec![], &o).unwrap();
        assert_eq!(
            p.desc.annotation(ANNOTATION_CREATED),
            Some("2000-01-01T00:00:00Z")
        );
        o.manifest_annotations
            .insert(ANNOTATION_CREATED.into(), "yesterday".into());
        assert!(pack(vec![], &o).is_err());
    }

    #[test]
    fn invalid_media_types_are_refused() {
        assert!(pack(vec![], &opts(ImageSpec::V1_1, Some("nope"))).is_err());
    }
}
