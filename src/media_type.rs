//! Media types and annotation keys of the OCI image spec, Docker's schema 2,
//! and ORAS, with the few predicates the rest of the crate needs.

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI artifact manifest (a withdrawn 1.1 release candidate; read, never written).
pub const OCI_ARTIFACT_MANIFEST: &str = "application/vnd.oci.artifact.manifest.v1+json";
/// Docker schema 2 image manifest.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker schema 2 manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// OCI image config.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// The empty JSON blob `{}` (OCI image spec 1.1, "Guidance for an empty descriptor").
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Plain tar layer; the default media type of a pushed file.
pub const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
/// Gzipped tar layer; a pushed directory.
pub const OCI_LAYER_TAR_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// Default artifact type under image spec 1.1.
pub const UNKNOWN_ARTIFACT: &str = "application/vnd.unknown.artifact.v1";
/// Default config media type under image spec 1.0.
pub const UNKNOWN_CONFIG: &str = "application/vnd.unknown.config.v1+json";

/// The `Accept` list sent on every manifest request. Debian's registry
/// answers 404 for an OCI manifest unless OCI types are listed.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, \
application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.artifact.manifest.v1+json";

/// Annotation: the file name of a layer.
pub const ANNOTATION_TITLE: &str = "org.opencontainers.image.title";
/// Annotation: creation time (RFC 3339).
pub const ANNOTATION_CREATED: &str = "org.opencontainers.image.created";
/// Annotation: the tag of a manifest in an OCI layout's `index.json`.
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";
/// ORAS annotation: the layer is a gzipped tar of a directory to unpack.
pub const ANNOTATION_UNPACK: &str = "io.deis.oras.content.unpack";
/// ORAS annotation: digest of the uncompressed tar of a directory layer.
pub const ANNOTATION_CONTENT_DIGEST: &str = "io.deis.oras.content.digest";

/// The bytes of the empty JSON blob.
pub const EMPTY_JSON: &[u8] = b"{}";

/// True for the media types of manifests and indexes, which live under
/// `/manifests/` on a registry rather than `/blobs/`.
pub fn is_manifest(media_type: &str) -> bool {
    matches!(
        media_type,
        OCI_MANIFEST | OCI_INDEX | OCI_ARTIFACT_MANIFEST | DOCKER_MANIFEST | DOCKER_MANIFEST_LIST
    )
}

/// True for index-like media types (OCI index, Docker manifest list).
pub fn is_index(media_type: &str) -> bool {
    matches!(media_type, OCI_INDEX | DOCKER_MANIFEST_LIST)
}

/// Checks a media type as oras-go checks artifact and config media types:
/// the RFC 6838 shape `type/subtype`, with oras-go's character class as
/// it really reads. Its `&-^` is a range (`&` to `^`), which admits `/`,
/// digits, capitals and punctuation, so `my/config/type` passes there and
/// must pass here for scripts to run unchanged.
pub fn is_valid(media_type: &str) -> bool {
    fn name(s: &str) -> bool {
        let b = s.as_bytes();
        !b.is_empty()
            && b.len() <= 127
            && b[0].is_ascii_alphanumeric()
            && b.iter().all(|c| {
                c.is_ascii_alphanumeric() || b"!#$_.+".contains(c) || (b'&'..=b'^').contains(c)
            })
    }
    media_type
        .match_indices('/')
        .any(|(i, _)| name(&media_type[..i]) && name(&media_type[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_matches_rfc6838_shape() {
        assert!(is_valid("application/vnd.oci.image.manifest.v1+json"));
        assert!(is_valid("sbom/file"));
        assert!(!is_valid("noslash"));
        assert!(is_valid("a/b/c"), "oras-go's class admits '/'");
        assert!(is_valid("my/config/type"));
        assert!(!is_valid("/x"));
        assert!(!is_valid("a b/c"));
        assert!(!is_valid("a/"));
        assert!(!is_valid("a/~b"));
    }

    #[test]
    fn manifests_are_recognised() {
        assert!(is_manifest(OCI_MANIFEST) && is_manifest(DOCKER_MANIFEST_LIST));
        assert!(!is_manifest(OCI_CONFIG));
        assert!(is_index(OCI_INDEX) && !is_index(OCI_MANIFEST));
    }
}
