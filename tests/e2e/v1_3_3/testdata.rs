//! What the suite knows about its test data (`test/e2e/internal/testdata`):
//! digests, descriptors as oras prints them, and the status keys of each
//! artifact. Descriptors are kept as the Go values the specs compare with
//! (see `ocispec::Descriptor`).

use std::collections::BTreeMap;

use crate::e2e::matchers::{StateKey, key};
use crate::e2e::ocispec::Descriptor;

/// `feature.Preview`, `feature.Experimental`, `feature.Deprecated`.
pub mod feature {
    /// `[Preview]`.
    pub const PREVIEW_MARK: &str = "[Preview]";
    /// The preview description.
    pub const PREVIEW_DESCRIPTION: &str = "** This command is in preview and under development. **";
    /// `[Experimental]`.
    pub const EXPERIMENTAL_MARK: &str = "[Experimental]";
    /// `[Deprecated]`.
    pub const DEPRECATED_MARK: &str = "[Deprecated]";
    /// `feature.DeprecationMessageVerboseFlag`: pflag's warning for `--verbose`.
    pub const DEPRECATION_MESSAGE_VERBOSE_FLAG: &str =
        "Flag --verbose has been deprecated, and will be removed in a future release.";
    /// `feature.DeprecationMessageTableFormat`.
    pub const DEPRECATION_MESSAGE_TABLE_FORMAT: &str =
        "Format \"table\" is deprecated and will be removed in a future release.\n";
}

/// `oras.MediaTypeUnknownConfig`.
pub const MEDIA_TYPE_UNKNOWN_CONFIG: &str = "application/vnd.unknown.config.v1+json";

fn annotations(kv: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// `testdata/foobar`.
pub mod foobar {
    use super::*;

    /// `Tag`.
    pub const TAG: &str = "foobar";
    /// `Digest`.
    pub const DIGEST: &str =
        "sha256:fd6ed2f36b5465244d5dc86cb4e7df0ab8a9d24adc57825099f522fe009a22bb";
    /// `FileLayerNames`.
    pub const FILE_LAYER_NAMES: [&str; 3] = ["foobar/foo1", "foobar/foo2", FILE_BAR_NAME];
    /// `FileConfigName`.
    pub const FILE_CONFIG_NAME: &str = "foobar/config.json";
    /// `FileConfigSize`.
    pub const FILE_CONFIG_SIZE: i64 = 13;
    /// `FileConfigDigest`.
    pub const FILE_CONFIG_DIGEST: &str =
        "sha256:46b68ac1696c3870d537f376868d9402400de28587e345264a77b65da09669be";
    /// `PlatformConfigSize` (also `PlatformV10ConfigSize`).
    pub const PLATFORM_CONFIG_SIZE: i64 = 38;
    /// `PlatformConfigDigest` (also `PlatformV10ConfigDigest`).
    pub const PLATFORM_CONFIG_DIGEST: &str =
        "sha256:e94c0ba80a1157ffab5b5c6656fffc089c6446c7ed0604f3382910d1ef7dd40d";
    /// `PlatformConfigStateKey` (also `PlatformV1DEfaultConfigStateKey`).
    pub fn platform_config_state_key() -> StateKey {
        key("e94c0ba80a11", "application/vnd.oci.image.config.v1+json")
    }
    /// `FileBarName`.
    pub const FILE_BAR_NAME: &str = "foobar/bar";
    /// `AttachFileName`.
    pub const ATTACH_FILE_NAME: &str = "foobar/to-be-attached";
    /// `AttachFileMedia`.
    pub const ATTACH_FILE_MEDIA: &str = "test/oras.e2e";
    /// `ImageConfigDesc`.
    pub const IMAGE_CONFIG_DESC: &str = "{\"mediaType\":\"application/vnd.unknown.config.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2}";
    /// `ImageLayerNames`.
    pub const IMAGE_LAYER_NAMES: [&str; 3] = ["foo1", "foo2", "bar"];
    /// `FooBlobDigest`.
    pub const FOO_BLOB_DIGEST: &str =
        "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    /// `FooBlobContent`.
    pub const FOO_BLOB_CONTENT: &str = "foo";
    /// `FooBlobDescriptor`.
    pub const FOO_BLOB_DESCRIPTOR: &str = r#"{"mediaType":"application/octet-stream","digest":"sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","size":3}"#;
    /// `BarBlobDigest`.
    pub const BAR_BLOB_DIGEST: &str =
        "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

    /// `ManifestStateKey`.
    pub fn manifest_state_key() -> StateKey {
        key("fd6ed2f36b54", "application/vnd.oci.image.manifest.v1+json")
    }

    /// `FileConfigStateKey`.
    pub fn file_config_state_key() -> StateKey {
        key("46b68ac1696c", "application/vnd.unknown.config.v1+json")
    }

    /// `FileBarStateKey`.
    pub fn file_bar_state_key() -> StateKey {
        key("fcde2b2edba5", FILE_BAR_NAME)
    }

    /// `FileStateKeys`.
    pub fn file_state_keys() -> Vec<StateKey> {
        vec![
            key("2c26b46b68ff", FILE_LAYER_NAMES[0]),
            key("2c26b46b68ff", FILE_LAYER_NAMES[1]),
            file_bar_state_key(),
        ]
    }

    /// `AttachFileStateKey`.
    pub fn attach_file_state_key() -> StateKey {
        key("d3b29f7d12d9", ATTACH_FILE_NAME)
    }

    /// `ImageLayerStateKeys`.
    pub fn image_layer_state_keys() -> Vec<StateKey> {
        vec![
            key("2c26b46b68ff", IMAGE_LAYER_NAMES[0]),
            key("2c26b46b68ff", IMAGE_LAYER_NAMES[1]),
            key("fcde2b2edba5", IMAGE_LAYER_NAMES[2]),
        ]
    }

    /// `ImageConfigStateKey(configName)`.
    pub fn image_config_state_key(config_name: &str) -> StateKey {
        key("44136fa355b3", config_name)
    }

    /// `BlobBarDescriptor(mediaType)`.
    pub fn blob_bar_descriptor(media_type: &str) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest: BAR_BLOB_DIGEST.into(),
            size: 3,
            annotations: annotations(&[("org.opencontainers.image.title", FILE_BAR_NAME)]),
            ..Descriptor::default()
        }
    }

    /// `FooBar`: the image as a registry resolves it.
    pub fn foo_bar() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: DIGEST.into(),
            size: 851,
            ..Descriptor::default()
        }
    }

    /// `FooBarOCI`: the image as an OCI layout resolves its tag.
    pub fn foo_bar_oci() -> Descriptor {
        Descriptor {
            annotations: annotations(&[("org.opencontainers.image.ref.name", "foobar")]),
            ..foo_bar()
        }
    }

    /// `SBOMImageReferrer`.
    pub fn sbom_image_referrer() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: "sha256:e2c6633a79985906f1ed55c592718c73c41e809fb9818de232a635904a74d48d"
                .into(),
            size: 660,
            annotations: annotations(&[(
                "org.opencontainers.image.created",
                "2023-01-18T08:37:42Z",
            )]),
            artifact_type: "test/sbom.file".into(),
            ..Descriptor::default()
        }
    }

    /// `SignatureImageReferrer`.
    pub fn signature_image_referrer() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: "sha256:0cb8c4da7e9ff2e7eefca33141091b9239218e3125a35e17e8bcd05fa3a5e714"
                .into(),
            size: 670,
            annotations: annotations(&[(
                "org.opencontainers.image.created",
                "2023-01-18T08:37:57Z",
            )]),
            artifact_type: "test/signature.file".into(),
            ..Descriptor::default()
        }
    }

    /// `ImageReferrersStateKeys`.
    pub fn image_referrers_state_keys() -> Vec<StateKey> {
        vec![
            key("0cb8c4da7e9f", "application/vnd.oci.image.manifest.v1+json"),
            key("e2c6633a7998", "application/vnd.oci.image.manifest.v1+json"),
        ]
    }

    /// `ImageReferrerConfigStateKeys`.
    pub fn image_referrer_config_state_keys() -> Vec<StateKey> {
        vec![
            key("44136fa355b3", "test/signature.file"),
            key("44136fa355b3", "test/sbom.file"),
        ]
    }

    /// `foobarStates` of cp.go: the image's layers, manifest and config.
    pub fn foobar_states() -> Vec<StateKey> {
        let mut v = image_layer_state_keys();
        v.push(manifest_state_key());
        v.push(image_config_state_key(MEDIA_TYPE_UNKNOWN_CONFIG));
        v
    }

    /// The keys cp.go and pull.go build for "an image and its referrers".
    pub fn image_and_referrers_state_keys() -> Vec<StateKey> {
        let mut v = image_layer_state_keys();
        v.push(manifest_state_key());
        v.push(image_referrer_config_state_keys()[0].clone());
        v.extend(image_referrers_state_keys());
        v
    }
}

/// `testdata/multi_arch`.
pub mod multi_arch {
    use super::*;

    /// `Tag`.
    pub const TAG: &str = "multi";
    /// `EmptyTag`.
    pub const EMPTY_TAG: &str = "empty_index";
    /// `Digest`.
    pub const DIGEST: &str =
        "sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f";
    /// `Manifest`.
    pub const MANIFEST: &str = r#"{"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1","size":458,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c","size":458,"platform":{"architecture":"arm64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255","size":458,"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}"#;
    /// `Descriptor`.
    pub const DESCRIPTOR: &str = r#"{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f","size":706}"#;
    /// `AnnotatedDescriptor`.
    pub const ANNOTATED_DESCRIPTOR: &str = r#"{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f","size":706,"annotations":{"org.opencontainers.image.ref.name":"multi"}}"#;
    /// `IndexReferrerDigest`.
    pub const INDEX_REFERRER_DIGEST: &str =
        "sha256:d37baf66300b9006b0f4c7102075d56b970fbf910be5c6bca07fdbb000dfa383";
    /// `LinuxAMD64Manifest`.
    pub const LINUX_AMD64_MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5","size":53},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1","size":10240,"annotations":{"org.opencontainers.image.title":"hello.tar"}}]}"#;
    /// `LinuxAMD64.Digest`.
    pub const LINUX_AMD64_DIGEST: &str =
        "sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1";
    /// `LinuxAMD64DescStr`.
    pub const LINUX_AMD64_DESC_STR: &str = r#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1","size":458}"#;
    /// `LinuxAMD64IndexDesc`.
    pub const LINUX_AMD64_INDEX_DESC: &str = r#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1","size":458,"platform":{"architecture":"amd64","os":"linux"}}"#;
    /// `LinuxAMD64Config` (the config blob has CRLF line ends).
    pub const LINUX_AMD64_CONFIG: &str =
        "{\r\n    \"architecture\": \"amd64\",\r\n    \"os\": \"linux\"\r\n}";
    /// `LinuxAMD64ConfigDesc`.
    pub const LINUX_AMD64_CONFIG_DESC: &str = r#"{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5","size":53}"#;
    /// `LayerName`.
    pub const LAYER_NAME: &str = "hello.tar";
    /// `LayerDigest`.
    pub const LAYER_DIGEST: &str =
        "sha256:2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1";

    /// `LinuxAMD64Referrer`.
    pub fn linux_amd64_referrer() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: "sha256:c5e00045954a70e3fd28307dd543d4cc158946117943700b8f520f72ddca031f"
                .into(),
            annotations: annotations(&[
                ("org.opencontainers.image.created", "2023-02-15T07:56:34Z"),
                ("subject", "linux/amd64"),
            ]),
            artifact_type: "referrer/image".into(),
            size: 482,
            ..Descriptor::default()
        }
    }

    /// `IndexReferrerConfigStateKey`.
    pub fn index_referrer_config_state_key() -> StateKey {
        key("44136fa355b3", "referrer/index")
    }

    /// `IndexStateKeys`.
    pub fn index_state_keys() -> Vec<StateKey> {
        vec![
            key("2ef548696ac7", "hello.tar"),
            key("fe9dbc99451d", "application/vnd.oci.image.config.v1+json"),
            key("9d84a5716c66", "application/vnd.oci.image.manifest.v1+json"),
            key("e2bfc9cc6a84", "application/vnd.oci.image.index.v1+json"),
        ]
    }

    /// `IndexZOTReferrerStateKey`.
    pub fn index_zot_referrer_state_key() -> StateKey {
        key("d37baf66300b", "application/vnd.oci.image.manifest.v1+json")
    }

    /// `LinuxAMD64ReferrerStateKey`.
    pub fn linux_amd64_referrer_state_key() -> StateKey {
        key("c5e00045954a", "application/vnd.oci.image.manifest.v1+json")
    }

    /// `LinuxAMD64ReferrerConfigStateKey`.
    pub fn linux_amd64_referrer_config_state_key() -> StateKey {
        key("44136fa355b3", "referrer/image")
    }

    /// `LinuxAMD64StateKeys`.
    pub fn linux_amd64_state_keys() -> Vec<StateKey> {
        vec![
            key("9d84a5716c66", "application/vnd.oci.image.manifest.v1+json"),
            key("fe9dbc99451d", "application/vnd.oci.image.config.v1+json"),
            key("2ef548696ac7", "hello.tar"),
        ]
    }

    /// The keys of "a multi-arch image and its referrers" (cp.go).
    pub fn index_and_referrers_state_keys() -> Vec<StateKey> {
        let mut v = index_state_keys();
        v.push(index_zot_referrer_state_key());
        v.push(linux_amd64_referrer_config_state_key());
        v
    }

    /// The keys of "a certain platform of image and its referrers" (cp.go).
    pub fn platform_and_referrers_state_keys() -> Vec<StateKey> {
        let mut v = linux_amd64_state_keys();
        v.push(linux_amd64_referrer_state_key());
        v.push(linux_amd64_referrer_config_state_key());
        v
    }

    /// A child image of the index, as `manifest index` writes its entry.
    fn child(digest: &str, architecture: &str, variant: &str) -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: digest.into(),
            size: 458,
            platform: Some(crate::e2e::ocispec::Platform {
                architecture: architecture.into(),
                os: "linux".into(),
                variant: variant.into(),
                ..Default::default()
            }),
            ..Descriptor::default()
        }
    }

    /// `multi_arch.LinuxAMD64`.
    pub fn linux_amd64() -> Descriptor {
        child(LINUX_AMD64_DIGEST, "amd64", "")
    }

    /// `multi_arch.LinuxARM64`.
    pub fn linux_arm64() -> Descriptor {
        child(
            "sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c",
            "arm64",
            "",
        )
    }

    /// `multi_arch.LinuxARMV7`.
    pub fn linux_armv7() -> Descriptor {
        child(
            "sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255",
            "arm",
            "v7",
        )
    }

    /// `multi_arch.DescriptorObject`.
    pub fn descriptor_object() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.index.v1+json".into(),
            digest: DIGEST.into(),
            size: 706,
            ..Descriptor::default()
        }
    }

    /// `multi_arch.OutputIndex`.
    pub const OUTPUT_INDEX: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1","size":458,"platform":{"architecture":"amd64","os":"linux"}}]}"#;
}

/// `testdata/nonjson_config`.
pub mod nonjson_config {
    use super::*;

    /// `nonjson_config.Descriptor`.
    pub fn descriptor() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: "sha256:9d16f5505246424aed7116cb21216704ba8c919997d0f1f37e154c11d509e1d2"
                .into(),
            size: 529,
            ..Descriptor::default()
        }
    }
}

/// `testdata/artifact` and its sub-packages.
pub mod artifact {
    use super::*;

    /// `DefaultConfigStateKey`.
    pub fn default_config_state_key() -> StateKey {
        key("44136fa355b3", "application/vnd.oci.empty.v1+json")
    }

    /// `EmptyLayerJSON`.
    pub fn empty_layer_json() -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.empty.v1+json".into(),
            digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
                .into(),
            size: 2,
            data: Some(b"{}".to_vec()),
            ..Descriptor::default()
        }
    }

    /// `blob.Tag`.
    pub const BLOB_TAG: &str = "blob";

    /// `blob.StateKeys`.
    pub fn blob_state_keys() -> Vec<StateKey> {
        vec![
            key("44136fa355b3", "application/vnd.oci.empty.v1+json"),
            key("2ef548696ac7", "hello.tar"),
            key("ccd5f15fb7e0", "application/vnd.oci.image.manifest.v1+json"),
        ]
    }

    /// `config.Tag`.
    pub const CONFIG_TAG: &str = "config";

    /// `config.StateKeys`.
    pub fn config_state_keys() -> Vec<StateKey> {
        vec![
            key("fe9dbc99451d", "application/vnd.oci.image.config.v1+json"),
            key("2ef548696ac7", "hello.tar"),
            key("0e7404d1cc4a", "application/vnd.oci.image.manifest.v1+json"),
        ]
    }

    /// `empty.Tag`.
    pub const EMPTY_TAG: &str = "empty";
    /// `unnamed.Tag`.
    pub const UNNAMED_TAG: &str = "unnamed";
    /// `index.ManifestDigest`.
    pub const INDEX_MANIFEST_DIGEST: &str =
        "sha256:7679bc22c33b87aa345c6950a993db98a6df7a6cc77a35c388908a3a50be6bad";

    /// `index.ManifestStatusKey`.
    pub fn index_manifest_status_key() -> StateKey {
        key("7679bc22c33b", "application/vnd.oci.image.index.v1+json")
    }
}
