//! Manifests and indexes of every media type, media type detection and the
//! JSON indenter used by `--pretty`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oar::manifest::{Document, detect_media_type, indent_json, marshal};

const TYPES: [&str; 5] = [
    oar::media_type::OCI_MANIFEST,
    oar::media_type::OCI_INDEX,
    oar::media_type::OCI_ARTIFACT_MANIFEST,
    oar::media_type::DOCKER_MANIFEST,
    oar::media_type::DOCKER_MANIFEST_LIST,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let mt = TYPES[pick as usize % TYPES.len()];
    if let Ok(doc) = Document::parse(mt, rest) {
        let _ = doc.successors();
        let _ = doc.artifact_type();
        if let Document::Manifest(m) = &doc {
            let again: oar::manifest::Manifest = serde_json::from_slice(&marshal(m)).expect("re-parses");
            assert_eq!(&again, m);
        }
    }
    let _ = detect_media_type(rest);
    if let Ok(pretty) = indent_json(rest) {
        // Indenting keeps the text valid (JSON allows numbers serde_json
        // cannot hold, so compare values only where it can).
        assert!(indent_json(&pretty).is_ok(), "indented JSON is JSON");
        if let Ok(a) = serde_json::from_slice::<serde_json::Value>(rest) {
            let b: serde_json::Value = serde_json::from_slice(&pretty).expect("same value");
            assert_eq!(a, b);
        }
    }
});
