//! `test/e2e/suite/command/blob.go`: `oras blob push|fetch|delete`.

use super::*;

const PUSH_CONTENT: &str = "test-blob";
const PUSH_DIGEST: &str = "sha256:e1ca41574914ba00e8ed5c8fc78ec8efdfd48941c7e48ad74dad8ada7f2066d8";
const INVALID_DIGEST: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// `pushDescFmt` with a media type.
fn push_desc(media_type: &str) -> String {
    format!(
        r#"{{"mediaType":"{media_type}","digest":"sha256:e1ca41574914ba00e8ed5c8fc78ec8efdfd48941c7e48ad74dad8ada7f2066d8","size":9}}"#
    )
}

/// The status key of the pushed blob, shown by its default media type.
fn pushed_key() -> StateKey {
    key("e1ca41574914", "application/vnd.oci.image.layer.v1.tar")
}

/// `fmt.Sprintf(repoFmt, kind, name)`.
fn repo(kind: &str, name: &str) -> String {
    format!("command/blob/{kind}/{}/{name}", random_seed())
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running blob command")`
    mod running_blob_command {
        use super::*;

        /// ``When("running `blob push`")``
        mod running_blob_push {
            use super::*;

            /// `It("should not show --verbose in help doc")` (of push, as in
            /// Go)
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
                let repo = repo("push", "test-verbose");
                let size = PUSH_CONTENT.len().to_string();
                oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, PUSH_DIGEST),
                    "-",
                    "--size",
                    size,
                    "--verbose"
                )
                .with_input(PUSH_CONTENT)
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .match_status(&[pushed_key()], true, 1)
                .exec();
            }

            /// `It("should show deprecation message and should NOT print unnamed status output for --verbose=false")`
            #[test]
            fn should_show_deprecation_message_and_should_not_print_unnamed_status_output_for_verbose_false()
             {
                let repo = repo("push", "test-verbose-false");
                let size = PUSH_CONTENT.len().to_string();
                let out = oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, PUSH_DIGEST),
                    "-",
                    "--size",
                    size,
                    "--verbose=false"
                )
                .with_input(PUSH_CONTENT)
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .exec()
                .out;
                out.should_not_say("application/vnd.oci.image.layer.v1.tar");
            }

            /// `It("should fail to read blob content and password from stdin at the same time")`
            #[test]
            fn should_fail_to_read_blob_content_and_password_from_stdin_at_the_same_time() {
                let repo = repo("push", "password-stdin");
                oras!("blob", "push", registry_ref(zot_host(), &repo, ""), "--password-stdin", "-")
                    .expect_failure()
                    .match_err_key_words(&["Error: `-` read file from input and `--password-stdin` read password from input cannot be both used"])
                    .exec();
            }

            /// `It("should fail to read blob content and identity token from stdin at the same time")`
            #[test]
            fn should_fail_to_read_blob_content_and_identity_token_from_stdin_at_the_same_time() {
                let repo = repo("push", "password-stdin");
                oras!("blob", "push", registry_ref(zot_host(), &repo, ""), "--identity-token-stdin", "-")
                    .expect_failure()
                    .match_err_key_words(&["Error: `-` read file from input and `--identity-token-stdin` read identity token from input cannot be both used"])
                    .exec();
            }

            /// `It("should fail to push a blob from stdin but no blob size provided")`
            #[test]
            fn should_fail_to_push_a_blob_from_stdin_but_no_blob_size_provided() {
                let repo = repo("push", "no-size");
                oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, PUSH_DIGEST),
                    "-"
                )
                .with_input(PUSH_CONTENT)
                .expect_failure()
                .match_err_key_words(&[
                    "Error: `--size` must be provided if the blob is read from stdin",
                ])
                .exec();
            }

            /// `It("should fail to push a blob from stdin if invalid blob size provided")`
            #[test]
            fn should_fail_to_push_a_blob_from_stdin_if_invalid_blob_size_provided() {
                let content = "another-test";
                let digest =
                    "sha256:c897eff15c4586525388034f8246346681cb48d75a619039c566c4939a18102e";
                let repo = repo("push", "invalid-stdin-size");
                oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, digest),
                    "-",
                    "--size",
                    "3"
                )
                .with_input(content)
                .expect_failure()
                .exec();
            }

            /// `It("should fail to push a blob from stdin if invalid digest provided")`
            #[test]
            fn should_fail_to_push_a_blob_from_stdin_if_invalid_digest_provided() {
                let repo = repo("push", "invalid-stdin-digest");
                oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, INVALID_DIGEST),
                    "-",
                    "--size",
                    PUSH_CONTENT.len()
                )
                .with_input(PUSH_CONTENT)
                .expect_failure()
                .exec();
            }

            /// `It("should fail to push a blob from file if invalid blob size provided")`
            #[test]
            fn should_fail_to_push_a_blob_from_file_if_invalid_blob_size_provided() {
                let repo = repo("push", "invalid-file-digest");
                let blob = write_temp_file("blob", PUSH_CONTENT);
                oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, PUSH_DIGEST),
                    blob.path,
                    "--size",
                    "3"
                )
                .expect_failure()
                .exec();
            }

            /// `It("should fail to push a blob from file if invalid digest provided")`
            #[test]
            fn should_fail_to_push_a_blob_from_file_if_invalid_digest_provided() {
                let repo = repo("push", "invalid-stdin-size");
                let blob = write_temp_file("blob", PUSH_CONTENT);
                oras!(
                    "blob",
                    "push",
                    registry_ref(zot_host(), &repo, INVALID_DIGEST),
                    blob.path,
                    "--size",
                    PUSH_CONTENT.len()
                )
                .with_input(PUSH_CONTENT)
                .expect_failure()
                .exec();
            }

            /// `It("should fail if no reference is provided")`
            #[test]
            fn should_fail_if_no_reference_is_provided() {
                oras!("blob", "push").expect_failure().exec();
            }
        }

        /// ``When("running `blob fetch`")``
        mod running_blob_fetch {
            use super::*;

            /// `It("should call sub-commands with aliases")`
            #[test]
            fn should_call_sub_commands_with_aliases() {
                oras!("blob", "get", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec();
            }

            /// `It("should have flag for prettifying JSON output")`
            #[test]
            fn should_have_flag_for_prettifying_json_output() {
                oras!("blob", "get", "--help")
                    .match_key_words(&["--pretty", "prettify JSON"])
                    .exec();
            }

            /// `It("should fail if neither output path nor descriptor flag are not provided")`
            #[test]
            fn should_fail_if_neither_output_path_nor_descriptor_flag_are_not_provided() {
                oras!(
                    "blob",
                    "fetch",
                    registry_ref(
                        zot_host(),
                        IMAGE_REPO,
                        "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
                    )
                )
                .expect_failure()
                .exec();
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("blob", "fetch").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras blob fetch");
                err.should_say("\n");
                err.should_say(r#"Run "oras blob fetch -h""#);
            }

            /// `It("should fail if no digest is provided")`
            #[test]
            fn should_fail_if_no_digest_is_provided() {
                oras!(
                    "blob",
                    "fetch",
                    "--descriptor",
                    registry_ref(zot_host(), IMAGE_REPO, "")
                )
                .expect_failure()
                .match_err_key_words(&["Error", "no digest specified", "oras blob fetch"])
                .exec();
            }

            /// `It("should fail if provided digest doesn't exist")`
            #[test]
            fn should_fail_if_provided_digest_doesnt_exist() {
                oras!(
                    "blob",
                    "fetch",
                    registry_ref(
                        zot_host(),
                        IMAGE_REPO,
                        "sha256:2aaa2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
                    ),
                    "-o",
                    "/dev/null"
                )
                .expect_failure()
                .exec();
            }

            /// `It("should fail if output path points to stdout and descriptor flag is provided")`
            #[test]
            fn should_fail_if_output_path_points_to_stdout_and_descriptor_flag_is_provided() {
                oras!(
                    "blob",
                    "fetch",
                    registry_ref(zot_host(), IMAGE_REPO, ""),
                    "--descriptor",
                    "--output",
                    "-"
                )
                .expect_failure()
                .exec();
            }

            /// `It("should fail if no reference is provided")`
            #[test]
            fn should_fail_if_no_reference_is_provided() {
                oras!("blob", "fetch").expect_failure().exec();
            }
        }

        /// ``When("running `blob delete`")``
        mod running_blob_delete {
            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("blob", "delete").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras blob delete");
                err.should_say("\n");
                err.should_say(r#"Run "oras blob delete -h""#);
            }
        }
    }

    /// ``When("running `blob delete`")``
    mod running_blob_delete {
        use super::*;

        /// `It("should fail if no blob reference is provided")`
        #[test]
        fn should_fail_if_no_blob_reference_is_provided() {
            let dst_repo = repo("delete", "no-ref");
            copy_zot_repo(IMAGE_REPO, &dst_repo);
            oras!("blob", "delete").expect_failure().exec();
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), &dst_repo, foobar::FOO_BLOB_DIGEST),
                "--output",
                "-"
            )
            .match_content(foobar::FOO_BLOB_CONTENT)
            .exec();
        }

        /// `It("should fail if no force flag and descriptor flag is provided")`
        #[test]
        fn should_fail_if_no_force_flag_and_descriptor_flag_is_provided() {
            let dst_repo = repo("delete", "no-confirm");
            copy_zot_repo(IMAGE_REPO, &dst_repo);
            oras!(
                "blob",
                "delete",
                registry_ref(zot_host(), &dst_repo, foobar::FOO_BLOB_DIGEST),
                "--descriptor"
            )
            .expect_failure()
            .exec();
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), &dst_repo, foobar::FOO_BLOB_DIGEST),
                "--output",
                "-"
            )
            .match_content(foobar::FOO_BLOB_CONTENT)
            .exec();
        }

        /// `It("should fail if the blob reference is not in the form of <name@digest>")`
        #[test]
        fn should_fail_if_the_blob_reference_is_not_in_the_form_of_name_digest() {
            let dst_repo = repo("delete", "wrong-ref-form");
            let z = zot_host();
            for r in [
                format!(
                    "{z}/{dst_repo}:sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                ),
                format!("{z}/{dst_repo}:test"),
                format!("{z}/{dst_repo}@test"),
            ] {
                oras!("blob", "delete", r, "--descriptor", "--force")
                    .expect_failure()
                    .exec();
            }
        }

        /// `It("should fail if no digest is provided")`
        #[test]
        fn should_fail_if_no_digest_is_provided() {
            oras!("blob", "delete", registry_ref(zot_host(), IMAGE_REPO, ""))
                .expect_failure()
                .match_err_key_words(&["Error", "no digest specified", "oras blob delete"])
                .exec();
        }

        /// `It("should fail to delete a non-existent blob without force flag set")`
        #[test]
        fn should_fail_to_delete_a_non_existent_blob_without_force_flag_set() {
            let to_delete_ref = registry_ref(zot_host(), IMAGE_REPO, INVALID_DIGEST);
            oras!("blob", "delete", to_delete_ref)
                .expect_failure()
                .match_err_key_words(&[to_delete_ref.as_str(), "the specified blob does not exist"])
                .exec();
        }

        /// `It("should fail to delete a non-existent blob and output descriptor, with force flag set")`
        #[test]
        fn should_fail_to_delete_a_non_existent_blob_and_output_descriptor_with_force_flag_set() {
            let to_delete_ref = registry_ref(zot_host(), IMAGE_REPO, INVALID_DIGEST);
            oras!("blob", "delete", to_delete_ref, "--force", "--descriptor")
                .expect_failure()
                .match_err_key_words(&[to_delete_ref.as_str(), "the specified blob does not exist"])
                .exec();
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// ``When("running `blob delete`")``
    mod running_blob_delete {
        use super::*;

        /// `It("should delete a blob with interactive confirmation")`
        #[test]
        fn should_delete_a_blob_with_interactive_confirmation() {
            let dst_repo = repo("delete", "prompt-confirmation");
            copy_zot_repo(BLOB_REPO, &dst_repo);
            let to_delete_ref = registry_ref(zot_host(), &dst_repo, foobar::FOO_BLOB_DIGEST);
            oras!("blob", "delete", to_delete_ref)
                .with_input("y")
                .match_key_words(&["Deleted", to_delete_ref.as_str()])
                .exec();
            // As in Go, deletion is not verified (zot caches blobs).
        }

        /// `It("should delete a blob with force flag and output descriptor")`
        #[test]
        fn should_delete_a_blob_with_force_flag_and_output_descriptor() {
            let dst_repo = repo("delete", "flag-confirmation");
            copy_zot_repo(BLOB_REPO, &dst_repo);
            let to_delete_ref = registry_ref(zot_host(), &dst_repo, foobar::FOO_BLOB_DIGEST);
            oras!("blob", "delete", to_delete_ref, "--force", "--descriptor")
                .match_content(foobar::FOO_BLOB_DESCRIPTOR)
                .exec();
        }

        /// `It("should return success when deleting a non-existent blob with force flag set")`
        #[test]
        fn should_return_success_when_deleting_a_non_existent_blob_with_force_flag_set() {
            let to_delete_ref = registry_ref(zot_host(), IMAGE_REPO, INVALID_DIGEST);
            oras!("blob", "delete", to_delete_ref, "--force")
                .match_key_words(&["Missing", to_delete_ref.as_str()])
                .exec();
        }

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            let dst_repo = repo("delete", "blob-delete-verbose");
            copy_zot_repo(BLOB_REPO, &dst_repo);
            let to_delete_ref = registry_ref(zot_host(), &dst_repo, foobar::FOO_BLOB_DIGEST);
            oras!("blob", "delete", to_delete_ref, "--verbose")
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .exec();
        }
    }

    /// ``When("running `blob push`")``
    mod running_blob_push {
        use super::*;

        /// `It("should push a blob from a file and output the descriptor with specific media-type")`
        #[test]
        fn should_push_a_blob_from_a_file_and_output_the_descriptor_with_specific_media_type() {
            let media_type = "test.media";
            let repo = repo("push", "blob-file-media-type");
            let blob = write_temp_file("blob", PUSH_CONTENT);
            oras!(
                "blob",
                "push",
                registry_ref(zot_host(), &repo, ""),
                blob.path,
                "--media-type",
                media_type,
                "--descriptor"
            )
            .match_content(&push_desc(media_type))
            .exec();
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), &repo, PUSH_DIGEST),
                "--output",
                "-"
            )
            .match_content(PUSH_CONTENT)
            .exec();
            oras!(
                "blob",
                "push",
                registry_ref(zot_host(), &repo, ""),
                blob.path,
            )
            .with_description("skip the pushing if the blob already exists in the target repo")
            .match_status(&[pushed_key()], true, 1)
            .match_key_words(&["Exists"])
            .exec();
        }

        /// `It("should push a blob from a stdin and output the descriptor with specific media-type")`
        #[test]
        fn should_push_a_blob_from_a_stdin_and_output_the_descriptor_with_specific_media_type() {
            let media_type = "test.media";
            let repo = repo("push", "blob-file-media-type");
            oras!(
                "blob",
                "push",
                registry_ref(zot_host(), &repo, PUSH_DIGEST),
                "-",
                "--media-type",
                media_type,
                "--descriptor",
                "--size",
                PUSH_CONTENT.len()
            )
            .with_input(PUSH_CONTENT)
            .match_content(&push_desc(media_type))
            .exec();
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), &repo, PUSH_DIGEST),
                "--output",
                "-"
            )
            .match_content(PUSH_CONTENT)
            .exec();
        }
    }

    /// ``When("running `blob fetch`")``
    mod running_blob_fetch {
        use super::*;

        /// `It("should fetch blob descriptor ")`
        #[test]
        fn should_fetch_blob_descriptor() {
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), IMAGE_REPO, foobar::FOO_BLOB_DIGEST),
                "--descriptor"
            )
            .match_content(foobar::FOO_BLOB_DESCRIPTOR)
            .exec();
        }

        /// `It("should fetch blob content and output to stdout")`
        #[test]
        fn should_fetch_blob_content_and_output_to_stdout() {
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), IMAGE_REPO, foobar::FOO_BLOB_DIGEST),
                "--output",
                "-"
            )
            .match_content(foobar::FOO_BLOB_CONTENT)
            .exec();
        }

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), IMAGE_REPO, foobar::FOO_BLOB_DIGEST),
                "--descriptor",
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec();
        }

        /// `It("should fetch blob content and output to a file")`
        #[test]
        fn should_fetch_blob_content_and_output_to_a_file() {
            let temp = temp_dir();
            let content_path = temp.join("fetched");
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), IMAGE_REPO, foobar::FOO_BLOB_DIGEST),
                "--output",
                path_str(&content_path)
            )
            .with_work_dir(temp.path())
            .exec();
            match_file(&content_path, foobar::FOO_BLOB_CONTENT);
        }

        /// `It("should fetch blob descriptor and output content to a file")`
        #[test]
        fn should_fetch_blob_descriptor_and_output_content_to_a_file() {
            let temp = temp_dir();
            let content_path = temp.join("fetched");
            oras!(
                "blob",
                "fetch",
                registry_ref(zot_host(), IMAGE_REPO, foobar::FOO_BLOB_DIGEST),
                "--output",
                path_str(&content_path),
                "--descriptor"
            )
            .match_content(foobar::FOO_BLOB_DESCRIPTOR)
            .exec();
            match_file(&content_path, foobar::FOO_BLOB_CONTENT);
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// ``When("running `blob delete`")``
    mod running_blob_delete {
        use super::*;

        /// `It("should delete a blob with interactive confirmation")`
        #[test]
        fn should_delete_a_blob_with_interactive_confirmation() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let to_delete_ref = layout_ref(root.path(), foobar::FOO_BLOB_DIGEST);
            oras!("blob", "delete", LAYOUT, to_delete_ref)
                .with_input("y")
                .match_key_words(&["Deleted", to_delete_ref.as_str()])
                .exec();
            oras!("blob", "fetch", to_delete_ref, LAYOUT, "--output", "-")
                .expect_failure()
                .exec();
        }

        /// `It("should delete a blob with force flag and output descriptor")`
        #[test]
        fn should_delete_a_blob_with_force_flag_and_output_descriptor() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let to_delete_ref = layout_ref(root.path(), foobar::FOO_BLOB_DIGEST);
            oras!(
                "blob",
                "delete",
                LAYOUT,
                to_delete_ref,
                "--force",
                "--descriptor"
            )
            .match_content(foobar::FOO_BLOB_DESCRIPTOR)
            .exec();
            oras!("blob", "fetch", LAYOUT, to_delete_ref, "--output", "-")
                .expect_failure()
                .exec();
        }

        /// `It("should return success when deleting a non-existent blob with force flag set")`
        #[test]
        fn should_return_success_when_deleting_a_non_existent_blob_with_force_flag_set() {
            // As in Go: a registry reference given to --oci-layout, read as
            // a layout path that does not exist.
            let to_delete_ref = registry_ref(zot_host(), IMAGE_REPO, INVALID_DIGEST);
            oras!("blob", "delete", LAYOUT, to_delete_ref, "--force")
                .match_key_words(&["Missing", to_delete_ref.as_str()])
                .exec();
        }
    }

    /// ``When("running `blob fetch`")``
    mod running_blob_fetch {
        use super::*;

        /// `It("should fetch blob descriptor")`
        #[test]
        fn should_fetch_blob_descriptor() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!(
                "blob",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), foobar::FOO_BLOB_DIGEST),
                "--descriptor"
            )
            .match_content(foobar::FOO_BLOB_DESCRIPTOR)
            .exec();
        }

        /// `It("should fetch blob content and output to stdout")`
        #[test]
        fn should_fetch_blob_content_and_output_to_stdout() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!(
                "blob",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), foobar::FOO_BLOB_DIGEST),
                "--output",
                "-"
            )
            .match_content(foobar::FOO_BLOB_CONTENT)
            .exec();
        }

        /// `It("should fetch blob content and output to a file")`
        #[test]
        fn should_fetch_blob_content_and_output_to_a_file() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let temp = temp_dir();
            let content_path = temp.join("fetched");
            oras!(
                "blob",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), foobar::FOO_BLOB_DIGEST),
                "--output",
                path_str(&content_path)
            )
            .with_work_dir(temp.path())
            .exec();
            match_file(&content_path, foobar::FOO_BLOB_CONTENT);
        }

        /// `It("should fetch blob descriptor and output content to a file")`
        #[test]
        fn should_fetch_blob_descriptor_and_output_content_to_a_file() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let temp = temp_dir();
            let content_path = temp.join("fetched");
            oras!(
                "blob",
                "fetch",
                LAYOUT,
                layout_ref(root.path(), foobar::FOO_BLOB_DIGEST),
                "--output",
                path_str(&content_path),
                "--descriptor"
            )
            .match_content(foobar::FOO_BLOB_DESCRIPTOR)
            .with_work_dir(temp.path())
            .exec();
            match_file(&content_path, foobar::FOO_BLOB_CONTENT);
        }
    }

    /// ``When("running `blob push`")``
    mod running_blob_push {
        use super::*;

        /// `It("should push a blob from a file and output the descriptor with specific media-type")`
        #[test]
        fn should_push_a_blob_from_a_file_and_output_the_descriptor_with_specific_media_type() {
            let tmp_root = temp_dir();
            let media_type = "test.media";
            let blob = write_temp_file("blob", PUSH_CONTENT);
            oras!(
                "blob",
                "push",
                LAYOUT,
                layout_ref(tmp_root.path(), PUSH_DIGEST),
                blob.path,
                "--media-type",
                media_type,
                "--descriptor"
            )
            .match_content(&push_desc(media_type))
            .exec();
            oras!(
                "blob",
                "push",
                LAYOUT,
                layout_ref(tmp_root.path(), PUSH_DIGEST),
                blob.path,
            )
            .with_description("skip pushing if the blob already exists in the target repo")
            .match_key_words(&["Exists"])
            .exec();
            oras!(
                "blob",
                "fetch",
                layout_ref(tmp_root.path(), PUSH_DIGEST),
                LAYOUT,
                "--output",
                "-"
            )
            .match_content(PUSH_CONTENT)
            .exec();
        }

        /// `It("should push a blob from a stdin and output the descriptor with specific media-type")`
        #[test]
        fn should_push_a_blob_from_a_stdin_and_output_the_descriptor_with_specific_media_type() {
            let tmp_root = temp_dir();
            let media_type = "test.media";
            oras!(
                "blob",
                "push",
                LAYOUT,
                layout_ref(tmp_root.path(), PUSH_DIGEST),
                "-",
                "--media-type",
                media_type,
                "--descriptor",
                "--size",
                PUSH_CONTENT.len()
            )
            .with_input(PUSH_CONTENT)
            .match_content(&push_desc(media_type))
            .exec();
            oras!(
                "blob",
                "fetch",
                layout_ref(tmp_root.path(), PUSH_DIGEST),
                LAYOUT,
                "--output",
                "-"
            )
            .match_content(PUSH_CONTENT)
            .exec();
        }
    }
}
