//! `test/e2e/suite/command/resolve_host.go`: `--resolve` (and its
//! `--from-`/`--to-` forms) maps a made-up host name onto the main
//! registry, with credentials and plain HTTP given as flags.

use super::*;

/// A host name that only the `--resolve` rules can resolve.
const MOCKED_HOST: &str = "oras.e2e.test";

const PUSH_CONTENT: &str = "test-blob";
const PUSH_DIGEST: &str = "sha256:e1ca41574914ba00e8ed5c8fc78ec8efdfd48941c7e48ad74dad8ada7f2066d8";

#[derive(Clone, Copy)]
enum Kind {
    From,
    To,
    Base,
}

/// `ResolveFlags(reg, host, flagType)`.
fn resolve_flags(reg: &str, host: &str, kind: Kind) -> Vec<String> {
    let port = reg
        .strip_prefix("localhost:")
        .unwrap_or_else(|| panic!("{reg:?} is not in format of localhost:<port>"));
    let prefix = match kind {
        Kind::From => "from-",
        Kind::To => "to-",
        Kind::Base => "",
    };
    vec![
        format!("--{prefix}resolve"),
        format!("{host}:80:127.0.0.1:{port}"),
        format!("--{prefix}username"),
        USERNAME.into(),
        format!("--{prefix}password"),
        PASSWORD.into(),
        format!("--{prefix}plain-http"),
    ]
}

fn unary() -> Vec<String> {
    resolve_flags(host(), MOCKED_HOST, Kind::Base)
}

fn from() -> Vec<String> {
    resolve_flags(host(), MOCKED_HOST, Kind::From)
}

fn to() -> Vec<String> {
    resolve_flags(host(), MOCKED_HOST, Kind::To)
}

fn test_repo(description: &str) -> String {
    format!("command/resolve/{}/{description}", random_seed())
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// `When("custom host is provided")`
    ///
    /// Its `It("should discover direct referrers of a subject")` needs OCI
    /// artifact manifests: see `UNPORTABLE`.
    mod custom_host_is_provided {
        use super::*;

        /// `It("should attach a file to a subject via resolve flag")`
        #[test]
        fn should_attach_a_file_to_a_subject_via_resolve_flag() {
            let repo = test_repo("attach");
            let temp = prepare_temp_files();
            prepare(
                &registry_ref(host(), IMAGE_REPO, foobar::TAG),
                &registry_ref(host(), &repo, foobar::TAG),
            );
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                registry_ref(MOCKED_HOST, &repo, foobar::TAG),
                format!("{}:{}", foobar::ATTACH_FILE_NAME, foobar::ATTACH_FILE_MEDIA)
            )
            .args(&unary())
            .with_work_dir(temp.path())
            .match_status(&[foobar::attach_file_state_key()], false, 1)
            .exec();
            let out = oras!(
                "discover",
                "--format",
                "json",
                registry_ref(host(), &repo, foobar::TAG)
            )
            .exec();
            // `disv.Referrers`: the subject's direct referrers.
            let disv = unmarshal_object(out.out.contents()).unwrap_or_else(|e| panic!("{e}"));
            let referrers = disv
                .get("referrers")
                .and_then(|r| r.as_array())
                .map_or(0, Vec::len);
            assert_eq!(referrers, 1, "{disv:#?}");
        }

        /// `It("should push a blob from a stdin and output the descriptor with specific media-type")`
        #[test]
        fn should_push_a_blob_from_a_stdin_and_output_the_descriptor_with_specific_media_type() {
            let media_type = "test.media";
            let repo = test_repo("blob/push");
            oras!(
                "blob",
                "push",
                registry_ref(MOCKED_HOST, &repo, PUSH_DIGEST),
                "-",
                "--media-type",
                media_type,
                "--descriptor",
                "--size",
                PUSH_CONTENT.len()
            )
            .args(&unary())
            .with_input(PUSH_CONTENT)
            .match_content(&format!(
                r#"{{"mediaType":"{media_type}","digest":"{PUSH_DIGEST}","size":9}}"#
            ))
            .exec();
            oras!(
                "blob",
                "fetch",
                registry_ref(host(), &repo, PUSH_DIGEST),
                "--output",
                "-"
            )
            .match_content(PUSH_CONTENT)
            .exec();
        }

        /// `It("should fetch blob descriptor ")`
        #[test]
        fn should_fetch_blob_descriptor() {
            oras!(
                "blob",
                "fetch",
                registry_ref(MOCKED_HOST, IMAGE_REPO, foobar::FOO_BLOB_DIGEST),
                "--descriptor"
            )
            .args(&unary())
            .match_content(foobar::FOO_BLOB_DESCRIPTOR)
            .exec();
        }

        /// `It("should delete a blob with force flag and output descriptor")`
        #[test]
        fn should_delete_a_blob_with_force_flag_and_output_descriptor() {
            let repo = test_repo("blob/delete");
            oras!(
                "cp",
                registry_ref(host(), IMAGE_REPO, foobar::DIGEST),
                registry_ref(host(), &repo, foobar::DIGEST)
            )
            .exec();
            let to_delete_ref = registry_ref(MOCKED_HOST, &repo, foobar::FOO_BLOB_DIGEST);
            oras!("blob", "delete", to_delete_ref, "--force", "--descriptor")
                .args(&unary())
                .match_content(foobar::FOO_BLOB_DESCRIPTOR)
                .exec();
            let deleted_ref = registry_ref(host(), &repo, foobar::FOO_BLOB_DIGEST);
            oras!("blob", "delete", deleted_ref)
                .with_description("validate")
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    deleted_ref.as_str(),
                    "the specified blob does not exist",
                ])
                .exec();
        }

        /// `It("should copy an image with source resolve DNS rules")`
        #[test]
        fn should_copy_an_image_with_source_resolve_dns_rules() {
            let repo = test_repo("cp/from");
            let dst = registry_ref(host(), &repo, "copied");
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                registry_ref(MOCKED_HOST, IMAGE_REPO, foobar::TAG),
                dst
            )
            .args(&from())
            .match_status(&keys, true, keys.len())
            .exec();
            compare_ref(&registry_ref(host(), IMAGE_REPO, foobar::TAG), &dst);
        }

        /// `It("should copy an image with destination resolve DNS rules")`
        #[test]
        fn should_copy_an_image_with_destination_resolve_dns_rules() {
            let src = registry_ref(host(), IMAGE_REPO, foobar::TAG);
            let repo = test_repo("cp/to");
            let tag = "copied";
            let keys = foobar::foobar_states();
            oras!("cp", src, registry_ref(MOCKED_HOST, &repo, tag))
                .args(&to())
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &registry_ref(host(), &repo, tag));
        }

        /// `It("should copy an image with base resolve DNS rules")`
        #[test]
        fn should_copy_an_image_with_base_resolve_dns_rules() {
            let src = registry_ref(host(), IMAGE_REPO, foobar::TAG);
            let repo = test_repo("cp/base");
            let tag = "copied";
            // As in Go: the destination's credential flags, and the rule as
            // a base `--resolve`.
            let mut flags = to()[2..].to_vec();
            flags.push("--resolve".into());
            flags.push(unary()[1].clone());
            let keys = foobar::foobar_states();
            oras!("cp", src, registry_ref(MOCKED_HOST, &repo, tag))
                .args(&flags)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &registry_ref(host(), &repo, tag));
        }

        /// `It("should copy an image with overridden resolve DNS rules for both source and destination registry")`
        #[test]
        fn should_copy_an_image_with_overridden_resolve_dns_rules_for_both_source_and_destination_registry()
         {
            let repo = test_repo("cp/override");
            let tag = "copied";
            let mut flags = to();
            flags.extend(from());
            flags.push("--resolve".into());
            flags.push(format!("{MOCKED_HOST}:80:1.1.1.1:5000"));
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                registry_ref(MOCKED_HOST, IMAGE_REPO, foobar::TAG),
                registry_ref(MOCKED_HOST, &repo, tag)
            )
            .args(&flags)
            .match_status(&keys, true, keys.len())
            .exec();
            compare_ref(
                &registry_ref(host(), IMAGE_REPO, foobar::TAG),
                &registry_ref(host(), &repo, tag),
            );
        }

        /// `It("should login")`
        #[test]
        fn should_login() {
            oras!("login", MOCKED_HOST).args(&unary()).exec();
        }

        /// `It("should fetch index manifest with digest")`
        #[test]
        fn should_fetch_index_manifest_with_digest() {
            oras!(
                "manifest",
                "fetch",
                registry_ref(host(), IMAGE_REPO, multi_arch::TAG)
            )
            .args(&unary())
            .match_content(multi_arch::MANIFEST)
            .exec();
        }

        /// `It("should fetch scratch config")`
        #[test]
        fn should_fetch_scratch_config() {
            oras!(
                "manifest",
                "fetch-config",
                registry_ref(host(), IMAGE_REPO, foobar::TAG)
            )
            .args(&unary())
            .match_content("{}")
            .exec();
        }

        /// `It("should do forced deletion and output descriptor")`
        #[test]
        fn should_do_forced_deletion_and_output_descriptor() {
            let repo = test_repo("manifest/delete");
            let temp_tag = "to-delete";
            prepare(
                &registry_ref(host(), IMAGE_REPO, foobar::TAG),
                &registry_ref(host(), &repo, temp_tag),
            );
            oras!(
                "manifest",
                "delete",
                registry_ref(MOCKED_HOST, &repo, temp_tag),
                "-f",
                "--descriptor"
            )
            .args(&unary())
            .match_content("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:fd6ed2f36b5465244d5dc86cb4e7df0ab8a9d24adc57825099f522fe009a22bb\",\"size\":851}")
            .with_description("cancel without confirmation")
            .exec();
            validate_tag(&registry_ref(host(), &repo, ""), temp_tag, true);
        }

        /// `It("should push a manifest from stdin without media type flag")`
        #[test]
        fn should_push_a_manifest_from_stdin_without_media_type_flag() {
            let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":53},"layers":[]}"#;
            let digest = "sha256:a415225c47052151ea6f6f5c14750d25d580b79cc582949bb64814693365c3b4";
            let repo = test_repo("manifest/push");
            let tag = "from-stdin";
            prepare(
                &registry_ref(host(), IMAGE_REPO, foobar::DIGEST),
                &registry_ref(host(), &repo, foobar::DIGEST),
            );
            oras!("manifest", "push", registry_ref(host(), &repo, tag), "-")
                .args(&unary())
                .match_key_words(&[
                    "Pushed",
                    &registry_ref(host(), &repo, tag),
                    "Digest:",
                    digest,
                ])
                .with_input(manifest)
                .exec();
            validate_tag(&registry_ref(host(), &repo, ""), tag, false);
        }

        /// `It("should pull all files in an image")`
        #[test]
        fn should_pull_all_files_in_an_image() {
            let pull_root = "pulled";
            let config_name = "test.config";
            let temp = prepare_temp_files();
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            keys.push(foobar::image_config_state_key(config_name));
            oras!(
                "pull",
                registry_ref(MOCKED_HOST, IMAGE_REPO, foobar::TAG),
                "--config",
                config_name,
                "-o",
                pull_root
            )
            .args(&unary())
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            let config_path = temp.join(pull_root).join(config_name);
            assert!(
                config_path.is_file(),
                "{} should exist",
                config_path.display()
            );
            match_file(&config_path, "{}");
            for f in foobar::IMAGE_LAYER_NAMES {
                binary(
                    "diff",
                    &[
                        &path_str(temp.join("foobar").join(f)),
                        &format!("{pull_root}/{f}"),
                    ],
                )
                .with_work_dir(temp.path())
                .exec();
            }
        }

        /// `It("should push files without customized media types")`
        #[test]
        fn should_push_files_without_customized_media_types() {
            let repo = test_repo("push");
            let temp = prepare_temp_files();
            let keys = foobar::file_state_keys();
            oras!("push", registry_ref(MOCKED_HOST, &repo, foobar::TAG))
                .args(&foobar::FILE_LAYER_NAMES)
                .args(&unary())
                .match_status(&keys, true, keys.len())
                .with_work_dir(temp.path())
                .exec();
        }

        /// `It("should list repositories")`
        #[test]
        fn should_list_repositories() {
            oras!("repository", "list", MOCKED_HOST)
                .args(&unary())
                .match_key_words(&[IMAGE_REPO])
                .exec();
        }

        /// `It("should list tags")`
        #[test]
        fn should_list_tags() {
            oras!(
                "repository",
                "show-tags",
                registry_ref(MOCKED_HOST, IMAGE_REPO, foobar::DIGEST)
            )
            .args(&unary())
            .match_key_words(&[foobar::TAG])
            .exec();
        }

        /// `It("should add a tag to an existent manifest when providing tag reference")`
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_tag_reference() {
            let repo = test_repo("tag");
            prepare(
                &registry_ref(host(), IMAGE_REPO, foobar::DIGEST),
                &registry_ref(host(), &repo, foobar::DIGEST),
            );
            let new_tag = "tag-via-digest";
            oras!(
                "tag",
                registry_ref(MOCKED_HOST, &repo, foobar::DIGEST),
                new_tag
            )
            .args(&unary())
            .match_key_words(&[new_tag])
            .exec();
            oras!("repo", "tags", registry_ref(host(), &repo, ""))
                .match_key_words(&[new_tag])
                .exec();
        }
    }
}
