//! `test/e2e/suite/command/manifest.go`: `oras manifest push|fetch|
//! fetch-config|delete` against registries and OCI layouts.

use super::*;

const INVALID_DIGEST: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";
const DELETED_DESCRIPTOR: &str = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:fd6ed2f36b5465244d5dc86cb4e7df0ab8a9d24adc57825099f522fe009a22bb\",\"size\":851}";
const TEMP_TAG: &str = "to-delete";
/// The manifest the `--verbose` specs push, and its digest.
const VERBOSE_MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5","size":53},"layers":[]}"#;
const VERBOSE_DIGEST: &str =
    "sha256:bc1a59d49fc7c7b0a31f22ca0c743ecdabdb736777e3d9672fa9d97b4fe323f4";

/// `fmt.Sprintf(repoFmt, kind, name)`.
fn repo(kind: &str, name: &str) -> String {
    format!("command/manifest/{kind}/{}/{name}", random_seed())
}

fn zot_image(tag_or_digest: &str) -> String {
    registry_ref(zot_host(), IMAGE_REPO, tag_or_digest)
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running manifest command")`
    mod running_manifest_command {
        use super::*;

        /// ``When("running `manifest push`")``
        mod running_manifest_push {
            use super::*;

            /// `It("should show help doc with feature flags")`
            #[test]
            fn should_show_help_doc_with_feature_flags() {
                let out = oras!("manifest", "push", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec();
                out.out.should_say(&format!(
                    "--distribution-spec string\\s+{}",
                    quote_meta(feature::PREVIEW_MARK)
                ));
            }

            /// `It("should have flag for prettifying JSON output")`
            #[test]
            fn should_have_flag_for_prettifying_json_output() {
                oras!("manifest", "push", "--help")
                    .match_key_words(&["--pretty", "prettify JSON"])
                    .exec();
            }

            /// `It("should not show --verbose in help doc")`
            #[test]
            fn should_not_show_verbose_in_help_doc() {
                let out = oras!("push", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec()
                    .out;
                out.should_not_say("--verbose");
            }

            /// `It("should show deprecation message and print unnamed status output for --verbose")`
            #[test]
            fn should_show_deprecation_message_and_print_unnamed_status_output_for_verbose() {
                let tag = "test-verbose";
                oras!("manifest", "push", zot_image(tag), "-", "--verbose")
                    .with_input(VERBOSE_MANIFEST)
                    .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                    .match_key_words(&["Pushed", &zot_image(tag), "Digest:", VERBOSE_DIGEST])
                    .match_status(
                        &[key(
                            "bc1a59d49fc7",
                            "application/vnd.oci.image.manifest.v1+json",
                        )],
                        true,
                        1,
                    )
                    .exec();
            }

            /// `It("should show deprecation message and should NOT print unnamed status output for --verbose=false")`
            #[test]
            fn should_show_deprecation_message_and_should_not_print_unnamed_status_output_for_verbose_false()
             {
                let tag = "test-verbose-false";
                let out = oras!("manifest", "push", zot_image(tag), "-", "--verbose=false")
                    .with_input(VERBOSE_MANIFEST)
                    .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                    .match_key_words(&["Pushed", &zot_image(tag), "Digest:", VERBOSE_DIGEST])
                    .exec()
                    .out;
                // should not print status output for unnamed blobs
                out.should_not_say("application/vnd.oci.image.manifest.v1+json");
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("manifest", "push").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras manifest push");
                err.should_say("\n");
                err.should_say(r#"Run "oras manifest push -h""#);
            }

            /// `It("should fail pushing with a manifest from stdin with password read from stdin")`
            #[test]
            fn should_fail_pushing_with_a_manifest_from_stdin_with_password_read_from_stdin() {
                oras!(
                    "manifest",
                    "push",
                    zot_image("from-stdin"),
                    "-",
                    "--password-stdin",
                    "--media-type",
                    "application/vnd.oci.image.manifest.v1+json"
                )
                .expect_failure()
                .match_err_key_words(&["`-`", "`--password-stdin`", " cannot be both used"])
                .exec();
            }

            /// `It("should fail pushing with a manifest from stdin with identity token read from stdin")`
            #[test]
            fn should_fail_pushing_with_a_manifest_from_stdin_with_identity_token_read_from_stdin()
            {
                oras!(
                    "manifest",
                    "push",
                    zot_image("from-stdin"),
                    "-",
                    "--identity-token-stdin",
                    "--media-type",
                    "application/vnd.oci.image.manifest.v1+json"
                )
                .expect_failure()
                .match_err_key_words(&["`-`", "`--identity-token-stdin`", " cannot be both used"])
                .exec();
            }
        }

        /// ``When("running `manifest fetch`")``
        mod running_manifest_fetch {
            use super::*;

            /// `It("should call sub-commands with alias get")`
            #[test]
            fn should_call_sub_commands_with_alias_get() {
                oras!("manifest", "get", "--help")
                    .match_key_words(&[EXAMPLE_DESC, "Aliases:", "fetch, get, show"])
                    .exec();
            }

            /// `It("should call sub-commands with alias show")`
            #[test]
            fn should_call_sub_commands_with_alias_show() {
                oras!("manifest", "show", "--help")
                    .match_key_words(&[EXAMPLE_DESC, "Aliases:", "fetch, get, show"])
                    .exec();
            }

            /// `It("should show text as default format type in help doc")`
            #[test]
            fn should_show_text_as_default_format_type_in_help_doc() {
                match_default_flag_value("format", "text", &["manifest", "fetch"]);
            }

            /// `It("should show deprecation message when running with --verbose flag")`
            #[test]
            fn should_show_deprecation_message_when_running_with_verbose_flag() {
                oras!("manifest", "fetch", zot_image(foobar::TAG), "--verbose")
                    .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                    .exec();
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("manifest", "fetch").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras manifest fetch");
                err.should_say("\n");
                err.should_say(r#"Run "oras manifest fetch -h""#);
            }

            /// `It("should fail with suggestion if no tag or digest is provided")`
            #[test]
            fn should_fail_with_suggestion_if_no_tag_or_digest_is_provided() {
                oras!("manifest", "fetch", zot_image(""))
                    .expect_failure()
                    .match_err_key_words(&[
                        "Error:",
                        "no tag or digest specified",
                        "oras manifest fetch [flags] <name>{:<tag>|@<digest>}",
                        "Please specify a reference",
                    ])
                    .exec();
            }

            /// `It("should fail if stdout is used inpropriately")`
            #[test]
            fn should_fail_if_stdout_is_used_inpropriately() {
                let r = zot_image(foobar::TAG);
                oras!("manifest", "fetch", r, "--output", "-", "--format", "json")
                    .expect_failure()
                    .exec();
                oras!("manifest", "fetch", r, "--descriptor", "--format", "json")
                    .expect_failure()
                    .exec();
                oras!("manifest", "fetch", r, "--output", "-", "--descriptor")
                    .expect_failure()
                    .exec();
                oras!("manifest", "fetch", r, "--format", "json", "--pretty")
                    .expect_failure()
                    .exec();
            }
        }

        /// ``When("running `manifest delete`")``
        mod running_manifest_delete {
            use super::*;

            /// `It("should show help doc with feature flags")`
            #[test]
            fn should_show_help_doc_with_feature_flags() {
                let out = oras!("manifest", "delete", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec();
                out.out.should_say(&format!(
                    "--distribution-spec string\\s+{}",
                    quote_meta(feature::PREVIEW_MARK)
                ));
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("manifest", "delete").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras manifest delete");
                err.should_say("\n");
                err.should_say(r#"Run "oras manifest delete -h""#);
            }

            /// `It("should cancel deletion without confirmation")`
            #[test]
            fn should_cancel_deletion_without_confirmation() {
                let dst_repo = repo("delete", "no-confirm");
                prepare(
                    &zot_image(foobar::TAG),
                    &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                );
                oras!(
                    "manifest",
                    "delete",
                    registry_ref(zot_host(), &dst_repo, TEMP_TAG)
                )
                .match_key_words(&[
                    "Operation cancelled.",
                    "Are you sure you want to delete the manifest ",
                    " and all tags associated with it?",
                ])
                .exec();
                validate_tag(&registry_ref(zot_host(), &dst_repo, ""), TEMP_TAG, false);
            }

            /// `It("should fail if descriptor flag is provided without confirmation flag")`
            #[test]
            fn should_fail_if_descriptor_flag_is_provided_without_confirmation_flag() {
                let dst_repo = repo("delete", "descriptor-without-confirm");
                prepare(
                    &zot_image(foobar::TAG),
                    &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                );
                oras!(
                    "manifest",
                    "delete",
                    registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                    "--descriptor"
                )
                .expect_failure()
                .exec();
            }

            /// `It("should fail to delete a non-existent manifest via digest without force flag set")`
            #[test]
            fn should_fail_to_delete_a_non_existent_manifest_via_digest_without_force_flag_set() {
                let to_delete_ref = zot_image(INVALID_DIGEST);
                oras!("manifest", "delete", to_delete_ref)
                    .expect_failure()
                    .match_err_key_words(&[
                        to_delete_ref.as_str(),
                        "the specified manifest does not exist",
                    ])
                    .exec();
            }

            /// `It("should fail to delete a non-existent manifest and output descriptor via digest, with force flag set")`
            #[test]
            fn should_fail_to_delete_a_non_existent_manifest_and_output_descriptor_via_digest_with_force_flag_set()
             {
                let to_delete_ref = zot_image(INVALID_DIGEST);
                oras!(
                    "manifest",
                    "delete",
                    to_delete_ref,
                    "--force",
                    "--descriptor"
                )
                .expect_failure()
                .match_err_key_words(&[
                    to_delete_ref.as_str(),
                    "the specified manifest does not exist",
                ])
                .exec();
            }

            /// `It("should fail to delete a non-existent manifest and output descriptor via tag, without force flag set")`
            #[test]
            fn should_fail_to_delete_a_non_existent_manifest_and_output_descriptor_via_tag_without_force_flag_set()
             {
                let to_delete_ref = zot_image("this.tag.should-not.be-existed");
                oras!(
                    "manifest",
                    "delete",
                    to_delete_ref,
                    "--force",
                    "--descriptor"
                )
                .expect_failure()
                .match_err_key_words(&[
                    to_delete_ref.as_str(),
                    "the specified manifest does not exist",
                ])
                .exec();
            }

            /// `It("should fail if no manifest reference provided")`
            #[test]
            fn should_fail_if_no_manifest_reference_provided() {
                let dst_repo = repo("delete", "no-reference");
                prepare(
                    &zot_image(foobar::TAG),
                    &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                );
                oras!("manifest", "delete").expect_failure().exec();
            }

            /// `It("should fail if no digest provided")`
            #[test]
            fn should_fail_if_no_digest_provided() {
                let dst_repo = repo("delete", "no-reference");
                prepare(
                    &zot_image(foobar::TAG),
                    &registry_ref(zot_host(), &dst_repo, ""),
                );
                oras!(
                    "manifest",
                    "delete",
                    registry_ref(zot_host(), &dst_repo, "")
                )
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    "no tag or digest specified",
                    "oras manifest delete [flags] <name>{:<tag>|@<digest>}",
                    "Please specify a reference",
                ])
                .exec();
            }
        }

        /// ``When("running `manifest fetch-config`")``
        mod running_manifest_fetch_config {
            use super::*;

            /// `It("should show preview hint in the doc")`
            #[test]
            fn should_show_preview_hint_in_the_doc() {
                oras!("manifest", "fetch-config", "--help")
                    .match_key_words(&[EXAMPLE_DESC, "\nUsage:"])
                    .exec();
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("manifest", "fetch-config")
                    .expect_failure()
                    .exec()
                    .err;
                err.should_say("Error");
                err.should_say("\nUsage: oras manifest fetch-config");
                err.should_say("\n");
                err.should_say(r#"Run "oras manifest fetch-config -h""#);
            }

            /// `It("should fail if provided reference does not exist")`
            #[test]
            fn should_fail_if_provided_reference_does_not_exist() {
                oras!(
                    "manifest",
                    "fetch-config",
                    zot_image("this-tag-should-not-exist")
                )
                .expect_failure()
                .exec();
            }

            /// `It("should fail fetching a config of non-image manifest type")`
            #[test]
            fn should_fail_fetching_a_config_of_non_image_manifest_type() {
                oras!("manifest", "fetch-config", zot_image(multi_arch::TAG))
                    .expect_failure()
                    .exec();
            }
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    const MEDIA_TYPES: &str =
        "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json";

    /// ``When("running `manifest fetch`")``
    mod running_manifest_fetch {
        use super::*;

        /// `It("should fetch manifest list with digest")`
        #[test]
        fn should_fetch_manifest_list_with_digest() {
            oras!("manifest", "fetch", zot_image(multi_arch::DIGEST))
                .match_content(multi_arch::MANIFEST)
                .exec();
        }

        /// `It("should fetch manifest list with tag")`
        #[test]
        fn should_fetch_manifest_list_with_tag() {
            oras!("manifest", "fetch", zot_image(multi_arch::TAG))
                .match_content(multi_arch::MANIFEST)
                .exec();
        }

        /// `It("should fetch manifest list to stdout")`
        #[test]
        fn should_fetch_manifest_list_to_stdout() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--output",
                "-"
            )
            .match_content(multi_arch::MANIFEST)
            .exec();
        }

        /// `It("should fetch manifest to file and output descriptor to stdout")`
        #[test]
        fn should_fetch_manifest_to_file_and_output_descriptor_to_stdout() {
            let dir = temp_dir();
            let fetch_path = dir.join("fetchedImage");
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--output",
                path_str(&fetch_path),
                "--descriptor"
            )
            .match_content(multi_arch::DESCRIPTOR)
            .exec();
            match_file(&fetch_path, multi_arch::MANIFEST);
        }

        /// `It("should ignore --pretty when fetching manifest to a file")`
        #[test]
        fn should_ignore_pretty_when_fetching_manifest_to_a_file() {
            let dir = temp_dir();
            let fetch_path = dir.join("fetchedImage");
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--output",
                path_str(&fetch_path),
                "--pretty"
            )
            .exec();
            match_file(&fetch_path, multi_arch::MANIFEST);
        }

        /// `It("should fetch manifest to file and output json")`
        #[test]
        fn should_fetch_manifest_to_file_and_output_json() {
            let dir = temp_dir();
            let fetch_path = dir.join("fetchedImage");
            let out = oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--output",
                path_str(&fetch_path),
                "--format",
                "json"
            )
            .exec();
            must_object(out.out.contents());
            match_file(&fetch_path, multi_arch::LINUX_AMD64_MANIFEST);
        }

        /// `It("should fetch manifest and output json")`
        #[test]
        fn should_fetch_manifest_and_output_json() {
            let out = oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--format",
                "json"
            )
            .exec();
            must_object(out.out.contents());
        }

        /// `It("should fetch manifest via tag with platform selection")`
        #[test]
        fn should_fetch_manifest_via_tag_with_platform_selection() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--platform",
                "linux/amd64"
            )
            .match_content(multi_arch::LINUX_AMD64_MANIFEST)
            .exec();
        }

        /// `It("should fetch manifest via digest with platform selection")`
        #[test]
        fn should_fetch_manifest_via_digest_with_platform_selection() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::DIGEST),
                "--platform",
                "linux/amd64"
            )
            .match_content(multi_arch::LINUX_AMD64_MANIFEST)
            .exec();
        }

        /// `It("should fetch manifest with platform validation")`
        #[test]
        fn should_fetch_manifest_with_platform_validation() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--platform",
                "linux/amd64"
            )
            .match_content(multi_arch::LINUX_AMD64_MANIFEST)
            .exec();
        }

        /// `It("should fetch manifest with platform validation and output content")`
        #[test]
        fn should_fetch_manifest_with_platform_validation_and_output_content() {
            let out = oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--platform",
                "linux/amd64",
                "--format",
                "go-template={{toJson .content}}"
            )
            .exec();
            // `MatchJSON`: the same JSON value.
            let got: Result<serde_json::Value, _> = serde_json::from_slice(out.out.contents());
            let want: serde_json::Value =
                serde_json::from_str(multi_arch::LINUX_AMD64_MANIFEST).unwrap();
            assert!(
                got.as_ref().ok() == Some(&want),
                "expected JSON equal to the linux/amd64 manifest, got {:?}",
                out.out.text()
            );
        }

        /// `It("should fetch manifest and format output")`
        #[test]
        fn should_fetch_manifest_and_format_output() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--format",
                "go-template={{(first .content.layers).digest}}"
            )
            .match_content(multi_arch::LAYER_DIGEST)
            .exec();
        }

        /// `It("should fetch descriptor via digest")`
        #[test]
        fn should_fetch_descriptor_via_digest() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::DIGEST),
                "--descriptor"
            )
            .match_content(multi_arch::DESCRIPTOR)
            .exec();
        }

        /// `It("should fetch descriptor via digest with platform selection")`
        #[test]
        fn should_fetch_descriptor_via_digest_with_platform_selection() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::DIGEST),
                "--platform",
                "linux/amd64",
                "--descriptor"
            )
            .match_content(multi_arch::LINUX_AMD64_INDEX_DESC)
            .exec();
        }

        /// `It("should fetch descriptor via digest with platform validation")`
        #[test]
        fn should_fetch_descriptor_via_digest_with_platform_validation() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--platform",
                "linux/amd64",
                "--descriptor"
            )
            .match_content(multi_arch::LINUX_AMD64_DESC_STR)
            .exec();
        }

        /// `It("should fetch descriptor via tag")`
        #[test]
        fn should_fetch_descriptor_via_tag() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--descriptor"
            )
            .match_content(multi_arch::DESCRIPTOR)
            .exec();
        }

        /// `It("should fetch descriptor via tag with platform selection")`
        #[test]
        fn should_fetch_descriptor_via_tag_with_platform_selection() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--platform",
                "linux/amd64",
                "--descriptor"
            )
            .match_content(multi_arch::LINUX_AMD64_INDEX_DESC)
            .exec();
        }

        /// `It("should fetch index content with media type assertion")`
        #[test]
        fn should_fetch_index_content_with_media_type_assertion() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::DIGEST),
                "--media-type",
                "application/vnd.oci.image.index.v1+json"
            )
            .match_content(multi_arch::MANIFEST)
            .exec();
        }

        /// `It("should fetch index descriptor with media type assertion")`
        #[test]
        fn should_fetch_index_descriptor_with_media_type_assertion() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::DIGEST),
                "--media-type",
                "application/vnd.oci.image.index.v1+json",
                "--descriptor"
            )
            .match_content(multi_arch::DESCRIPTOR)
            .exec();
        }

        /// `It("should fetch image content with media type assertion and platform selection")`
        #[test]
        fn should_fetch_image_content_with_media_type_assertion_and_platform_selection() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::TAG),
                "--platform",
                "linux/amd64",
                "--media-type",
                MEDIA_TYPES
            )
            .match_content(multi_arch::LINUX_AMD64_MANIFEST)
            .exec();
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::DIGEST),
                "--platform",
                "linux/amd64",
                "--media-type",
                MEDIA_TYPES,
                "--descriptor"
            )
            .match_content(multi_arch::LINUX_AMD64_INDEX_DESC)
            .exec();
        }

        /// `It("should fetch image descriptor with media type assertion and platform selection")`
        #[test]
        fn should_fetch_image_descriptor_with_media_type_assertion_and_platform_selection() {
            for r in [multi_arch::TAG, multi_arch::DIGEST] {
                oras!(
                    "manifest",
                    "fetch",
                    zot_image(r),
                    "--platform",
                    "linux/amd64",
                    "--media-type",
                    MEDIA_TYPES,
                    "--descriptor"
                )
                .match_content(multi_arch::LINUX_AMD64_INDEX_DESC)
                .exec();
            }
        }

        /// `It("should fetch image content with media type assertion and platform validation")`
        #[test]
        fn should_fetch_image_content_with_media_type_assertion_and_platform_validation() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--platform",
                "linux/amd64",
                "--media-type",
                "application/vnd.oci.image.manifest.v1+json"
            )
            .match_content(multi_arch::LINUX_AMD64_MANIFEST)
            .exec();
        }

        /// `It("should fetch image descriptor with media type assertion and platform validation")`
        #[test]
        fn should_fetch_image_descriptor_with_media_type_assertion_and_platform_validation() {
            oras!(
                "manifest",
                "fetch",
                zot_image(multi_arch::LINUX_AMD64_DIGEST),
                "--platform",
                "linux/amd64",
                "--media-type",
                "application/vnd.oci.image.manifest.v1+json",
                "--descriptor"
            )
            .match_content(multi_arch::LINUX_AMD64_DESC_STR)
            .exec();
        }

        /// `It("should fail if no manifest tag or digest is provided")`
        #[test]
        fn should_fail_if_no_manifest_tag_or_digest_is_provided() {
            oras!("manifest", "fetch", zot_image(""))
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    "no tag or digest specified",
                    "oras manifest fetch [flags] <name>{:<tag>|@<digest>}",
                    "Please specify a reference",
                ])
                .exec();
        }
    }

    /// ``When("running `manifest push`")``
    mod running_manifest_push {
        use super::*;

        const MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5","size":53},"layers":[]}"#;
        const MANIFEST_WITHOUT_MEDIA_TYPE: &str = r#"{"schemaVersion":2,"mediaType":"","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5","size":53},"layers":[]}"#;
        const DIGEST: &str =
            "sha256:bc1a59d49fc7c7b0a31f22ca0c743ecdabdb736777e3d9672fa9d97b4fe323f4";
        const DESCRIPTOR: &str = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:bc1a59d49fc7c7b0a31f22ca0c743ecdabdb736777e3d9672fa9d97b4fe323f4\",\"size\":247}";

        /// `It("should push a manifest from stdin without media type flag")`
        #[test]
        fn should_push_a_manifest_from_stdin_without_media_type_flag() {
            let tag = "from-stdin";
            oras!("manifest", "push", zot_image(tag), "-")
                .match_key_words(&["Pushed", &zot_image(tag), "Digest:", DIGEST])
                .with_input(MANIFEST)
                .exec();
        }

        /// `It("should push a manifest and output descriptor")`
        #[test]
        fn should_push_a_manifest_and_output_descriptor() {
            oras!(
                "manifest",
                "push",
                zot_image("from-stdin"),
                "-",
                "--descriptor"
            )
            .match_content(DESCRIPTOR)
            .with_input(MANIFEST)
            .exec();
        }

        /// `It("should push a manifest and add multiple tags to it")`
        #[test]
        fn should_push_a_manifest_and_add_multiple_tags_to_it() {
            let repo = repo("push", "multi-tags");
            copy_zot_repo(IMAGE_REPO, &repo);
            // test
            oras!(
                "manifest",
                "push",
                format!("{},t2,t3", registry_ref(zot_host(), &repo, "t1")),
                "-"
            )
            .with_input(MANIFEST)
            .exec();
            // verify
            for tag in ["t1", "t2", "t3"] {
                oras!("manifest", "fetch", registry_ref(zot_host(), &repo, tag)).exec();
            }
        }

        /// `It("should push a manifest from file")`
        #[test]
        fn should_push_a_manifest_from_file() {
            let manifest = write_temp_file("manifest.json", MANIFEST);
            let tag = "from-file";
            oras!(
                "manifest",
                "push",
                zot_image(tag),
                manifest.path,
                "--media-type",
                "application/vnd.oci.image.manifest.v1+json"
            )
            .match_key_words(&["Pushed", &zot_image(tag), "Digest:", DIGEST])
            .with_input(MANIFEST)
            .exec();
        }

        /// `It("should fail to push manifest without media type with suggestion")`
        #[test]
        fn should_fail_to_push_manifest_without_media_type_with_suggestion() {
            let manifest = write_temp_file("manifest.json", MANIFEST_WITHOUT_MEDIA_TYPE);
            oras!("manifest", "push", zot_image("from-file"), manifest.path)
                .with_input(MANIFEST)
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    " media type is not specified",
                    "oras manifest push",
                ])
                .exec();
        }
    }

    /// ``When("running `manifest fetch-config`")``
    mod running_manifest_fetch_config {
        use super::*;

        /// `It("should fetch a config via a tag")`
        #[test]
        fn should_fetch_a_config_via_a_tag() {
            oras!("manifest", "fetch-config", zot_image(foobar::TAG))
                .match_content("{}")
                .exec();
        }

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            oras!(
                "manifest",
                "fetch-config",
                zot_image(foobar::TAG),
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec();
        }

        /// `It("should fetch a config descriptor via a tag")`
        #[test]
        fn should_fetch_a_config_descriptor_via_a_tag() {
            oras!(
                "manifest",
                "fetch-config",
                "--descriptor",
                zot_image(foobar::TAG)
            )
            .match_content(foobar::IMAGE_CONFIG_DESC)
            .exec();
        }

        /// `It("should fetch a config via digest")`
        #[test]
        fn should_fetch_a_config_via_digest() {
            // As in Go, via the tag.
            oras!("manifest", "fetch-config", zot_image(foobar::TAG))
                .match_content("{}")
                .exec();
        }

        /// `It("should fetch a config descriptor via a digest")`
        #[test]
        fn should_fetch_a_config_descriptor_via_a_digest() {
            oras!(
                "manifest",
                "fetch-config",
                "--descriptor",
                zot_image(foobar::DIGEST)
            )
            .match_content(foobar::IMAGE_CONFIG_DESC)
            .exec();
        }

        /// `It("should fetch a config of a specific platform")`
        #[test]
        fn should_fetch_a_config_of_a_specific_platform() {
            oras!(
                "manifest",
                "fetch-config",
                "--platform",
                "linux/amd64",
                zot_image(multi_arch::TAG)
            )
            .match_content(multi_arch::LINUX_AMD64_CONFIG)
            .exec();
        }

        /// `It("should fetch a config descriptor of a specific platform")`
        #[test]
        fn should_fetch_a_config_descriptor_of_a_specific_platform() {
            oras!(
                "manifest",
                "fetch-config",
                "--descriptor",
                "--platform",
                "linux/amd64",
                zot_image(multi_arch::TAG)
            )
            .match_content(multi_arch::LINUX_AMD64_CONFIG_DESC)
            .exec();
        }

        /// `It("should fail if no manifest tag or digest is provided")`
        #[test]
        fn should_fail_if_no_manifest_tag_or_digest_is_provided() {
            oras!("manifest", "fetch-config", zot_image(""))
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    "no tag or digest specified",
                    "oras manifest fetch-config",
                ])
                .exec();
        }
    }

    /// ``When("running `manifest delete`")``
    mod running_manifest_delete {
        use super::*;

        /// `It("should do confirmed deletion via input")`
        #[test]
        fn should_do_confirmed_deletion_via_input() {
            let dst_repo = repo("delete", "confirm-input");
            prepare(
                &zot_image(foobar::TAG),
                &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
            );
            oras!(
                "manifest",
                "delete",
                registry_ref(zot_host(), &dst_repo, TEMP_TAG)
            )
            .with_input("y")
            .exec();
            validate_tag(&registry_ref(zot_host(), &dst_repo, ""), TEMP_TAG, true);
        }

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            let dst_repo = repo("delete", "verbose-flag");
            prepare(
                &zot_image(foobar::TAG),
                &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
            );
            oras!(
                "manifest",
                "delete",
                registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec();
        }

        /// `It("should do confirmed deletion via flag")`
        #[test]
        fn should_do_confirmed_deletion_via_flag() {
            let dst_repo = repo("delete", "confirm-flag");
            prepare(
                &zot_image(foobar::TAG),
                &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
            );
            oras!(
                "manifest",
                "delete",
                registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                "-f"
            )
            .exec();
            validate_tag(&registry_ref(zot_host(), &dst_repo, ""), TEMP_TAG, true);
        }

        /// `It("should do forced deletion and output descriptor")`
        #[test]
        fn should_do_forced_deletion_and_output_descriptor() {
            let dst_repo = repo("delete", "output-descriptor");
            prepare(
                &zot_image(foobar::TAG),
                &registry_ref(zot_host(), &dst_repo, TEMP_TAG),
            );
            oras!(
                "manifest",
                "delete",
                registry_ref(zot_host(), &dst_repo, TEMP_TAG),
                "-f",
                "--descriptor"
            )
            .match_content(DELETED_DESCRIPTOR)
            .with_description("cancel without confirmation")
            .exec();
            validate_tag(&registry_ref(zot_host(), &dst_repo, ""), TEMP_TAG, true);
        }

        /// `It("should succeed when deleting a non-existent manifest with force flag set")`
        #[test]
        fn should_succeed_when_deleting_a_non_existent_manifest_with_force_flag_set() {
            let to_delete_ref = zot_image(INVALID_DIGEST);
            oras!("manifest", "delete", to_delete_ref, "--force")
                .match_key_words(&["Missing", to_delete_ref.as_str()])
                .exec();
        }
    }
}

/// `Describe("OCI image layout users:")` (the first of two with this text)
mod oci_image_layout_users {
    use super::*;

    /// ``When("running `manifest fetch`")``
    mod running_manifest_fetch {
        use super::*;

        #[track_caller]
        fn fetch(tag_or_digest: &str, extra: &[&str], want: &str) {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!(
                "manifest",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), tag_or_digest)
            )
            .args(extra)
            .match_content(want)
            .exec();
        }

        /// `It("should fetch manifest list with digest")`
        #[test]
        fn should_fetch_manifest_list_with_digest() {
            fetch(multi_arch::DIGEST, &[], multi_arch::MANIFEST);
        }

        /// `It("should fetch manifest list with tag")`
        #[test]
        fn should_fetch_manifest_list_with_tag() {
            fetch(multi_arch::TAG, &[], multi_arch::MANIFEST);
        }

        /// `It("should fetch manifest list to stdout")`
        #[test]
        fn should_fetch_manifest_list_to_stdout() {
            fetch(multi_arch::TAG, &["--output", "-"], multi_arch::MANIFEST);
        }

        /// `It("should fetch manifest to file and output descriptor to stdout")`
        #[test]
        fn should_fetch_manifest_to_file_and_output_descriptor_to_stdout() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let dir = temp_dir();
            let fetch_path = dir.join("fetchedImage");
            oras!(
                "manifest",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), multi_arch::DIGEST),
                "--output",
                path_str(&fetch_path),
                "--descriptor"
            )
            .match_content(multi_arch::DESCRIPTOR)
            .exec();
            match_file(&fetch_path, multi_arch::MANIFEST);
        }

        /// `It("should fetch manifest via tag with platform selection")`
        #[test]
        fn should_fetch_manifest_via_tag_with_platform_selection() {
            fetch(
                multi_arch::TAG,
                &["--platform", "linux/amd64"],
                multi_arch::LINUX_AMD64_MANIFEST,
            );
        }

        /// `It("should fetch manifest via digest with platform selection")`
        #[test]
        fn should_fetch_manifest_via_digest_with_platform_selection() {
            fetch(
                multi_arch::DIGEST,
                &["--platform", "linux/amd64"],
                multi_arch::LINUX_AMD64_MANIFEST,
            );
        }

        /// `It("should fetch manifest with platform validation")`
        #[test]
        fn should_fetch_manifest_with_platform_validation() {
            // As in Go, via the index digest.
            fetch(
                multi_arch::DIGEST,
                &["--platform", "linux/amd64"],
                multi_arch::LINUX_AMD64_MANIFEST,
            );
        }

        /// `It("should fetch descriptor via digest")`
        #[test]
        fn should_fetch_descriptor_via_digest() {
            fetch(
                multi_arch::DIGEST,
                &["--descriptor"],
                multi_arch::DESCRIPTOR,
            );
        }

        /// `It("should fetch descriptor via digest with platform selection")`
        #[test]
        fn should_fetch_descriptor_via_digest_with_platform_selection() {
            fetch(
                multi_arch::DIGEST,
                &["--platform", "linux/amd64", "--descriptor"],
                multi_arch::LINUX_AMD64_INDEX_DESC,
            );
        }

        /// `It("should fetch descriptor via digest with platform validation")`
        #[test]
        fn should_fetch_descriptor_via_digest_with_platform_validation() {
            fetch(
                multi_arch::LINUX_AMD64_DIGEST,
                &["--platform", "linux/amd64", "--descriptor"],
                multi_arch::LINUX_AMD64_DESC_STR,
            );
        }

        /// `It("should fetch descriptor via tag")`
        #[test]
        fn should_fetch_descriptor_via_tag() {
            fetch(
                multi_arch::TAG,
                &["--descriptor"],
                multi_arch::ANNOTATED_DESCRIPTOR,
            );
        }

        /// `It("should fetch descriptor via tag with platform selection")`
        #[test]
        fn should_fetch_descriptor_via_tag_with_platform_selection() {
            fetch(
                multi_arch::TAG,
                &["--platform", "linux/amd64", "--descriptor"],
                multi_arch::LINUX_AMD64_INDEX_DESC,
            );
        }

        /// `It("should fail to fetch image if media type assertion is used")`
        #[test]
        fn should_fail_to_fetch_image_if_media_type_assertion_is_used() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!(
                "manifest",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), multi_arch::DIGEST),
                "--media-type",
                "application/vnd.oci.image.manifest.v1+json"
            )
            .expect_failure()
            .match_err_key_words(&["Error", "--media-type", "--oci-layout"])
            .exec();
        }

        /// `It("should fail with suggestion if no tag or digest is provided")`
        #[test]
        fn should_fail_with_suggestion_if_no_tag_or_digest_is_provided() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!("manifest", "fetch", LAYOUT, path_str(root.path()))
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    "no tag or digest specified",
                    "oras manifest fetch [flags] <name>{:<tag>|@<digest>}",
                    "Please specify a reference",
                ])
                .exec();
        }
    }

    /// ``When("running `manifest fetch-config`")``
    mod running_manifest_fetch_config {
        use super::*;

        /// The spec's local `prepare(tag)`: copies a tag from the registry
        /// into a fresh layout.
        fn prepare(tag: &str) -> TempDir {
            let root = temp_dir();
            oras!(
                "cp",
                zot_image(tag),
                TO_LAYOUT,
                format!("{}:{tag}", root.path().display())
            )
            .with_description("prepare image from registry to OCI layout")
            .exec();
            root
        }

        /// `It("should fetch a config via a tag")`
        #[test]
        fn should_fetch_a_config_via_a_tag() {
            let root = prepare(foobar::TAG);
            oras!(
                "manifest",
                "fetch-config",
                LAYOUT,
                layout_ref(root.path(), foobar::TAG)
            )
            .match_content("{}")
            .exec();
        }

        /// `It("should fetch a config descriptor via a tag")`
        #[test]
        fn should_fetch_a_config_descriptor_via_a_tag() {
            let root = prepare(foobar::TAG);
            oras!(
                "manifest",
                "fetch-config",
                "--descriptor",
                LAYOUT,
                layout_ref(root.path(), foobar::TAG)
            )
            .match_content(foobar::IMAGE_CONFIG_DESC)
            .exec();
        }

        /// `It("should fetch a config via digest")`
        #[test]
        fn should_fetch_a_config_via_digest() {
            let root = prepare(foobar::TAG);
            oras!(
                "manifest",
                "fetch-config",
                LAYOUT,
                layout_ref(root.path(), foobar::DIGEST)
            )
            .match_content("{}")
            .exec();
        }

        /// `It("should fetch a config descriptor via a digest")`
        #[test]
        fn should_fetch_a_config_descriptor_via_a_digest() {
            let root = prepare(foobar::TAG);
            oras!(
                "manifest",
                "fetch-config",
                "--descriptor",
                LAYOUT,
                layout_ref(root.path(), foobar::DIGEST)
            )
            .match_content(foobar::IMAGE_CONFIG_DESC)
            .exec();
        }

        /// `It("should fetch a config of a specific platform")`
        #[test]
        fn should_fetch_a_config_of_a_specific_platform() {
            let root = prepare(multi_arch::TAG);
            oras!(
                "manifest",
                "fetch-config",
                "--platform",
                "linux/amd64",
                LAYOUT,
                layout_ref(root.path(), multi_arch::TAG)
            )
            .match_content(multi_arch::LINUX_AMD64_CONFIG)
            .exec();
        }

        /// `It("should fetch a config descriptor of a specific platform")`
        #[test]
        fn should_fetch_a_config_descriptor_of_a_specific_platform() {
            let root = prepare(multi_arch::TAG);
            oras!(
                "manifest",
                "fetch-config",
                "--descriptor",
                "--platform",
                "linux/amd64",
                LAYOUT,
                layout_ref(root.path(), multi_arch::TAG)
            )
            .match_content(multi_arch::LINUX_AMD64_CONFIG_DESC)
            .exec();
        }

        /// `It("should fail if no manifest tag or digest is provided")`
        #[test]
        fn should_fail_if_no_manifest_tag_or_digest_is_provided() {
            let root = prepare(foobar::TAG);
            oras!("manifest", "fetch-config", LAYOUT, path_str(root.path()))
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    "no tag or digest specified",
                    "oras manifest fetch-config",
                ])
                .exec();
        }
    }

    /// ``When("running `manifest delete`")``
    mod running_manifest_delete {
        use super::*;

        /// `It("should do confirmed deletion via input")`
        #[test]
        fn should_do_confirmed_deletion_via_input() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let to_delete_ref = layout_ref(root.path(), foobar::TAG);
            oras!("manifest", "delete", LAYOUT, to_delete_ref)
                .with_input("y")
                .exec();
            oras!("manifest", "fetch", LAYOUT, to_delete_ref)
                .expect_failure()
                .match_err_key_words(&[": not found"])
                .exec();
        }

        /// `It("should do confirmed deletion via flag")`
        #[test]
        fn should_do_confirmed_deletion_via_flag() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let to_delete_ref = layout_ref(root.path(), foobar::TAG);
            oras!("manifest", "delete", LAYOUT, to_delete_ref, "-f").exec();
            oras!("manifest", "fetch", LAYOUT, to_delete_ref)
                .expect_failure()
                .match_err_key_words(&[": not found"])
                .exec();
        }

        /// `It("should do forced deletion and output descriptor")`
        #[test]
        fn should_do_forced_deletion_and_output_descriptor() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let to_delete_ref = layout_ref(root.path(), foobar::TAG);
            oras!("manifest", "delete", LAYOUT, to_delete_ref, "-f", "--descriptor")
                .match_content("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:fd6ed2f36b5465244d5dc86cb4e7df0ab8a9d24adc57825099f522fe009a22bb\",\"size\":851,\"annotations\":{\"org.opencontainers.image.ref.name\":\"foobar\"}}")
                .exec();
            oras!("manifest", "fetch", LAYOUT, to_delete_ref)
                .match_err_key_words(&[": not found"])
                .expect_failure()
                .exec();
        }

        /// `It("should succeed when deleting a non-existent manifest with force flag set")`
        #[test]
        fn should_succeed_when_deleting_a_non_existent_manifest_with_force_flag_set() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let to_delete_ref = layout_ref(root.path(), INVALID_DIGEST);
            oras!("manifest", "delete", LAYOUT, to_delete_ref, "--force")
                .match_key_words(&["Missing", to_delete_ref.as_str()])
                .exec();
        }
    }
}

/// `Describe("1.0 registry users:")`
mod registry_1_0_users {
    use super::*;

    /// ``When("running `manifest fetch`")``
    mod running_manifest_fetch {
        use super::*;

        /// `It("should fail to fetch image if media type assertion fails")`
        #[test]
        fn should_fail_to_fetch_image_if_media_type_assertion_fails() {
            oras!(
                "manifest",
                "fetch",
                registry_ref(fallback_host(), IMAGE_REPO, multi_arch::LINUX_AMD64_DIGEST),
                "--media-type",
                "this.will.not.be.found"
            )
            .expect_failure()
            .match_err_key_words(&[
                multi_arch::LINUX_AMD64_DIGEST,
                REGISTRY_ERROR_PREFIX,
                "not found",
            ])
            .exec();
        }
    }

    /// ``When("running `manifest push`")``
    mod running_manifest_push {
        use super::*;

        /// `It("should push a manifest from stdin with media type flag")`
        #[test]
        fn should_push_a_manifest_from_stdin_with_media_type_flag() {
            let dst_repo = repo("push", "no-media-type");
            let manifest = r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":53}}"#;
            let digest = "sha256:ed83217a266b93461f3d98c4184ddeacf5991482752c3bafd2a4170a58028e91";
            let tag = "mediatype-flag";
            oras!(
                "cp",
                registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG),
                registry_ref(fallback_host(), &dst_repo, foobar::TAG)
            )
            .exec();
            oras!(
                "manifest",
                "push",
                registry_ref(fallback_host(), &dst_repo, tag),
                "-",
                "--media-type",
                "application/vnd.oci.image.manifest.v1+json"
            )
            .match_key_words(&[
                "Pushed",
                &registry_ref(fallback_host(), &dst_repo, tag),
                "Digest:",
                digest,
            ])
            .with_input(manifest)
            .exec();
            oras!(
                "manifest",
                "push",
                registry_ref(fallback_host(), &dst_repo, ""),
                "-"
            )
            .with_input(manifest)
            .expect_failure()
            .with_description("fail if no media type flag provided")
            .exec();
        }
    }
}

/// `Describe("OCI image layout users:")` (the second of two with this text)
mod oci_image_layout_users_2 {
    use super::*;

    const SCRATCH_DIGEST: &str =
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    const MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;
    const MANIFEST_DIGEST: &str =
        "sha256:f20c43161d73848408ef247f0ec7111b19fe58ffebc0cbcaa0d2c8bda4967268";
    const DESCRIPTOR: &str = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:f20c43161d73848408ef247f0ec7111b19fe58ffebc0cbcaa0d2c8bda4967268\",\"size\":246}";

    /// The spec's `prepare(layoutRoot)`: the scratch config blob.
    fn prepare(root: &std::path::Path) {
        oras!(
            "blob",
            "push",
            LAYOUT,
            layout_ref(root, SCRATCH_DIGEST),
            "--size",
            "2",
            "-"
        )
        .with_input("{}")
        .exec();
    }

    /// The spec's `validate(root, digest, tag)`: index.json lists it.
    #[track_caller]
    fn validate(root: &std::path::Path, digest: &str, tag: &str) {
        let path = root.join("index.json");
        assert!(path.is_file(), "{} should exist", path.display());
        let content = std::fs::read(&path).unwrap();
        let index = must_index(&content);
        let found = index.manifests.iter().any(|m| {
            m.digest == digest
                && (tag.is_empty()
                    || m.annotations
                        .as_ref()
                        .and_then(|a| a.get("org.opencontainers.image.ref.name"))
                        .is_some_and(|t| t == tag))
        });
        assert!(
            found,
            "Failed to find manifest with digest {digest:?} and tag {tag:?} in index.json: \n{}",
            String::from_utf8_lossy(&content)
        );
    }

    /// ``When("running `manifest push`")``
    mod running_manifest_push {
        use super::*;

        /// `It("should push a manifest from stdin")`
        #[test]
        fn should_push_a_manifest_from_stdin() {
            let root = temp_dir();
            prepare(root.path());
            oras!("manifest", "push", LAYOUT, path_str(root.path()), "-")
                .match_key_words(&["Pushed", &path_str(root.path()), "Digest:", MANIFEST_DIGEST])
                .with_input(MANIFEST)
                .exec();
            validate(root.path(), MANIFEST_DIGEST, "");
        }

        /// `It("should push a manifest from stdin and tag")`
        #[test]
        fn should_push_a_manifest_from_stdin_and_tag() {
            let tag = "from-stdin";
            let root = temp_dir();
            let r = layout_ref(root.path(), tag);
            oras!("manifest", "push", LAYOUT, r, "-")
                .match_key_words(&["Pushed", &r, "Digest:", MANIFEST_DIGEST])
                .with_input(MANIFEST)
                .exec();
            validate(root.path(), MANIFEST_DIGEST, tag);
        }

        /// `It("should push a manifest and output descriptor")`
        #[test]
        fn should_push_a_manifest_and_output_descriptor() {
            let root = temp_dir();
            prepare(root.path());
            oras!(
                "manifest",
                "push",
                LAYOUT,
                path_str(root.path()),
                "-",
                "--descriptor"
            )
            .match_content(DESCRIPTOR)
            .with_input(MANIFEST)
            .exec();
            validate(root.path(), MANIFEST_DIGEST, "");
        }

        /// `It("should push a manifest from file")`
        #[test]
        fn should_push_a_manifest_from_file() {
            let manifest = write_temp_file("manifest.json", MANIFEST);
            let root = manifest.dir.path();
            prepare(root);
            let tag = "from-file";
            let r = layout_ref(root, tag);
            oras!("manifest", "push", LAYOUT, r, manifest.path)
                .match_key_words(&["Pushed", &r, "Digest:", MANIFEST_DIGEST])
                .with_input(MANIFEST)
                .exec();
            validate(root, MANIFEST_DIGEST, tag);
        }

        /// `It("should push a manifest from stdin, only when media type flag is set")`
        #[test]
        fn should_push_a_manifest_from_stdin_only_when_media_type_flag_is_set() {
            let manifest = r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}}"#;
            let manifest_digest =
                "sha256:8fc649142bbc0a2aa5015d5ef5a922df9d2d7f2dcf3095dbebfaf7c271eca444";
            let root = temp_dir();
            prepare(root.path());
            let tag = "mediatype-flag";
            let r = layout_ref(root.path(), tag);
            oras!(
                "manifest",
                "push",
                LAYOUT,
                r,
                "-",
                "--media-type",
                "application/vnd.oci.image.manifest.v1+json"
            )
            .match_key_words(&["Pushed", &r, "Digest:", manifest_digest])
            .with_input(manifest)
            .exec();
            validate(root.path(), manifest_digest, tag);
            oras!("manifest", "push", LAYOUT, r, "-")
                .with_input(manifest)
                .expect_failure()
                .with_description("fail if no media type flag provided")
                .exec();
        }
    }
}
