//! Image manifests and indexes (OCI and Docker schema 2), their children
//! ("successors") in the content graph, and Go-compatible JSON encoding.
//!
//! Manifests are small documents held in memory, never larger than
//! [`MAX_MANIFEST_SIZE`]; everything they point at is streamed.

use serde::{Deserialize, Serialize};

use crate::descriptor::{Annotations, Descriptor, Extra};
use crate::error::{Error, Result};
use crate::media_type;

/// The largest manifest, index or referrers list accepted (4 MiB), from a
/// registry or a file. Larger documents are refused, never buffered.
pub const MAX_MANIFEST_SIZE: u64 = 4 * 1024 * 1024;

/// An image manifest (OCI or Docker schema 2 share this shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always 2.
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    /// The manifest's own media type.
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The artifact type (image spec 1.1).
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// The layers, in order.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// The manifest this one refers to (image spec 1.1 referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Manifest annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    /// Fields not known to this crate.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An image index or Docker manifest list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// Always 2.
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    /// The index's own media type.
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The artifact type (image spec 1.1).
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
    /// The manifests listed.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// The manifest this index refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Index annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    /// Fields not known to this crate.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Index {
    /// An empty OCI image index.
    pub fn new() -> Index {
        Index {
            schema_version: 2,
            media_type: Some(media_type::OCI_INDEX.into()),
            artifact_type: None,
            manifests: Vec::new(),
            subject: None,
            annotations: None,
            extra: Extra::new(),
        }
    }
}

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

/// A parsed manifest-like document.
// Documents are short-lived, one or two at a time; boxing would only add
// an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// An image manifest.
    Manifest(Manifest),
    /// An index or manifest list.
    Index(Index),
}

impl Document {
    /// Parses `bytes` as the given media type. Unknown media types are an
    /// error; blobs are not documents.
    pub fn parse(media_type: &str, bytes: &[u8]) -> Result<Document> {
        if bytes.len() as u64 > MAX_MANIFEST_SIZE {
            return Err(Error::TooLarge {
                what: "manifest".into(),
                limit: MAX_MANIFEST_SIZE,
            });
        }
        let bad =
            |e: serde_json::Error| Error::Protocol(format!("invalid {media_type} document: {e}"));
        if media_type::is_index(media_type) {
            Ok(Document::Index(serde_json::from_slice(bytes).map_err(bad)?))
        } else if media_type::is_manifest(media_type)
            && media_type != media_type::OCI_ARTIFACT_MANIFEST
        {
            Ok(Document::Manifest(
                serde_json::from_slice(bytes).map_err(bad)?,
            ))
        } else if media_type == media_type::OCI_ARTIFACT_MANIFEST {
            // The withdrawn artifact manifest lists `blobs` instead of
            // `layers` and has no config; map it onto the index shape's
            // children so its graph can still be walked.
            #[derive(Deserialize)]
            struct Artifact {
                #[serde(default)]
                blobs: Vec<Descriptor>,
                subject: Option<Descriptor>,
            }
            let a: Artifact = serde_json::from_slice(bytes).map_err(bad)?;
            let mut idx = Index::new();
            idx.manifests = a.blobs;
            idx.subject = a.subject;
            Ok(Document::Index(idx))
        } else {
            Err(Error::Unsupported(format!(
                "not a manifest media type: {media_type}"
            )))
        }
    }

    /// The children of this node: subject first (as oras-go lists it), then
    /// config and layers, or the index entries.
    pub fn successors(&self) -> Vec<Descriptor> {
        let mut out = Vec::new();
        match self {
            Document::Manifest(m) => {
                out.extend(m.subject.iter().cloned());
                out.push(m.config.clone());
                out.extend(m.layers.iter().cloned());
            }
            Document::Index(i) => {
                out.extend(i.subject.iter().cloned());
                out.extend(i.manifests.iter().cloned());
            }
        }
        out
    }

    /// The subject, if any.
    pub fn subject(&self) -> Option<&Descriptor> {
        match self {
            Document::Manifest(m) => m.subject.as_ref(),
            Document::Index(i) => i.subject.as_ref(),
        }
    }

    /// The artifact type: `artifactType`, else (for a manifest) the config
    /// media type, as the referrers API reports it.
    pub fn artifact_type(&self) -> Option<String> {
        match self {
            Document::Manifest(m) => m
                .artifact_type
                .clone()
                .or_else(|| Some(m.config.media_type.clone())),
            Document::Index(i) => i.artifact_type.clone(),
        }
    }

    /// The descriptor of this document as a referrer, as the referrers API
    /// lists it: media type, digest, size, `artifactType` and the
    /// document's annotations.
    pub fn referrer_descriptor(&self, desc: &Descriptor) -> Descriptor {
        let mut r = Descriptor::new(desc.media_type.clone(), desc.digest.clone(), desc.size);
        r.artifact_type = self.artifact_type();
        r.annotations = self.annotations().cloned().filter(|a| !a.is_empty());
        r
    }

    /// The document's annotations.
    pub fn annotations(&self) -> Option<&Annotations> {
        match self {
            Document::Manifest(m) => m.annotations.as_ref(),
            Document::Index(i) => i.annotations.as_ref(),
        }
    }
}

/// Reads the `mediaType` field of a manifest, for content whose type was not
/// given by a header or flag. Falls back to the shape: `manifests` means an
/// OCI index, `config` an OCI manifest.
pub fn detect_media_type(bytes: &[u8]) -> Result<String> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType")]
        media_type: Option<String>,
        manifests: Option<serde_json::Value>,
        config: Option<serde_json::Value>,
        #[serde(rename = "schemaVersion")]
        schema_version: Option<u32>,
    }
    let p: Probe = serde_json::from_slice(bytes)
        .map_err(|e| Error::Protocol(format!("not a JSON manifest: {e}")))?;
    match (p.media_type, p.manifests, p.config, p.schema_version) {
        (Some(mt), _, _, _) if !mt.is_empty() => Ok(mt),
        (_, Some(_), _, _) => Ok(media_type::OCI_INDEX.into()),
        (_, _, Some(_), _) => Ok(media_type::OCI_MANIFEST.into()),
        _ => Err(Error::Protocol(
            "cannot tell the manifest's media type: it has no mediaType field".into(),
        )),
    }
}

/// Serialises like Go's `encoding/json`: compact, struct fields in
/// declaration order, map keys sorted, and `<`, `>`, `&`, U+2028, U+2029
/// escaped. Manifests written this way are byte-identical to oras's.
pub fn marshal<T: Serialize>(value: &T) -> Vec<u8> {
    let plain = serde_json::to_vec(value).expect("manifest types always serialise");
    go_escape(plain)
}

/// Applies Go's HTML-safe escapes to compact JSON. The escaped characters can
/// only occur inside strings, so a byte-wise pass is exact.
fn go_escape(json: Vec<u8>) -> Vec<u8> {
    if !json
        .iter()
        .any(|b| matches!(b, b'<' | b'>' | b'&') || *b == 0xE2)
    {
        return json;
    }
    let s = String::from_utf8(json).expect("serde_json writes UTF-8");
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.into_bytes()
}

/// Re-indents JSON bytes with two spaces, keeping key order and the exact
/// spelling of every scalar (like Go's `json.Indent`). Used by `--pretty`.
pub fn indent_json(bytes: &[u8]) -> Result<Vec<u8>> {
    // Validate first so that malformed input is an error, not garbage.
    // JSON is UTF-8, and the skipping parser does not check strings.
    std::str::from_utf8(bytes).map_err(|e| Error::Protocol(format!("invalid JSON: {e}")))?;
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|e| Error::Protocol(format!("invalid JSON: {e}")))?;
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let mut i = 0;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', depth * 2));
    };
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                in_str = true;
                out.push(c);
            }
            b'{' | b'[' => {
                // Empty containers stay on one line, as in Go.
                let close = if c == b'{' { b'}' } else { b']' };
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == close {
                    out.push(c);
                    out.push(close);
                    i = j;
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(c),
        }
        i += 1;
    }
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;

    // A manifest written by oras 1.2 (from the ORAS e2e fixtures).
    const ORAS_MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"sbom/file","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:02746a135c9e49d11be101f3c22008f7422cf8467153b5fb8b4cb16b2dae4973","size":17,"annotations":{"org.opencontainers.image.title":"sbom"}}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:6aa11331ce0c766d6333b60dac98d584d98eea45fa93bbfc9b5bdb915ce3a43f","size":584},"annotations":{"org.opencontainers.image.created":"2025-06-05T04:31:39Z"}}"#;

    #[test]
    fn oras_manifest_round_trips_byte_identical() {
        let m: Manifest = serde_json::from_str(ORAS_MANIFEST).unwrap();
        assert_eq!(marshal(&m), ORAS_MANIFEST.as_bytes());
        let doc = Document::parse(media_type::OCI_MANIFEST, ORAS_MANIFEST.as_bytes()).unwrap();
        let s = doc.successors();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].size, 584, "subject comes first");
        assert_eq!(doc.artifact_type().as_deref(), Some("sbom/file"));
    }

    #[test]
    fn go_escapes_html_characters() {
        let mut a = Annotations::new();
        a.insert("k".into(), "<a&b>\u{2028}".into());
        assert_eq!(marshal(&a), br#"{"k":"\u003ca\u0026b\u003e\u2028"}"#);
    }

    #[test]
    fn detects_media_types() {
        assert_eq!(
            detect_media_type(ORAS_MANIFEST.as_bytes()).unwrap(),
            media_type::OCI_MANIFEST
        );
        assert_eq!(
            detect_media_type(br#"{"schemaVersion":2,"manifests":[]}"#).unwrap(),
            media_type::OCI_INDEX
        );
        assert!(detect_media_type(b"{}").is_err());
        assert!(detect_media_type(b"nope").is_err());
    }

    #[test]
    fn indent_matches_go() {
        let got = indent_json(br#"{"a":[1,{"b":"x,y:{"}],"c":{},"d":[]}"#).unwrap();
        let want = "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,y:{\"\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}\n";
        assert_eq!(String::from_utf8(got).unwrap(), want);
        assert!(indent_json(b"{").is_err());
        // Found by fuzzing: a string holding invalid UTF-8.
        assert!(indent_json(b"\"\xff\xff\"").is_err());
    }

    #[test]
    fn oversized_documents_are_refused() {
        let big = vec![b' '; MAX_MANIFEST_SIZE as usize + 1];
        assert!(matches!(
            Document::parse(media_type::OCI_MANIFEST, &big),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn index_lists_children() {
        let mut idx = Index::new();
        idx.manifests.push(Descriptor::new(
            media_type::OCI_MANIFEST,
            Digest::sha256(b"x"),
            1,
        ));
        let bytes = marshal(&idx);
        let doc = Document::parse(media_type::OCI_INDEX, &bytes).unwrap();
        assert_eq!(doc.successors().len(), 1);
    }
}
