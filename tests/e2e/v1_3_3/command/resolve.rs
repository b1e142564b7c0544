//! `test/e2e/suite/command/resolve.go`: `oras resolve` (alias `digest`).

use super::*;

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running resolve command")`
    mod running_resolve_command {
        use super::*;

        /// `It("should show help description with feature mark")`
        #[test]
        fn should_show_help_description_with_feature_mark() {
            let out = oras!("resolve", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            assert!(
                out.text().starts_with(feature::PREVIEW_MARK),
                "help should start with {}:\n{}",
                feature::PREVIEW_MARK,
                out.text()
            );
        }

        /// `It("should show help description via alias")`
        #[test]
        fn should_show_help_description_via_alias() {
            let out = oras!("digest", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            assert!(
                out.text().starts_with(feature::PREVIEW_MARK),
                "help should start with {}:\n{}",
                feature::PREVIEW_MARK,
                out.text()
            );
        }

        /// `It("should fail when no manifest reference provided")`
        #[test]
        fn should_fail_when_no_manifest_reference_provided() {
            oras!("resolve")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when repo is invalid")`
        ///
        /// The Go spec names the reference as `localhost:7000/INVALID`, the
        /// zot host of oras's CI; here it is our zot stand-in's.
        #[test]
        fn should_fail_when_repo_is_invalid() {
            let r = format!("{}/{INVALID_REPO}", zot_host());
            oras!("resolve", r)
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    r.as_str(),
                    "invalid reference",
                    "<registry>/<repo>[:tag|@digest]",
                ])
                .exec();
        }

        /// `It("should fail when no tag or digest provided")`
        #[test]
        fn should_fail_when_no_tag_or_digest_provided() {
            oras!("resolve", registry_ref(zot_host(), IMAGE_REPO, ""))
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    "no tag or digest specified",
                    "oras resolve [flags] <name>{:<tag>|@<digest>}",
                    "Please specify a reference",
                ])
                .exec();
        }

        /// `It("should fail when provided manifest reference is not found")`
        #[test]
        fn should_fail_when_provided_manifest_reference_is_not_found() {
            oras!(
                "resolve",
                registry_ref(zot_host(), IMAGE_REPO, "i-dont-think-this-tag-exists")
            )
            .expect_failure()
            .match_err_key_words(&[
                REGISTRY_ERROR_PREFIX,
                "failed to resolve digest:",
                "not found",
            ])
            .exec();
        }

        /// `It("should fail with empty response when returned response doesn't have body")`
        #[test]
        fn should_fail_with_empty_response_when_returned_response_doesnt_have_body() {
            oras!(
                "resolve",
                registry_ref(zot_host(), IMAGE_REPO, INVALID_TAG),
                "-u",
                USERNAME,
                "-p",
                format!("{PASSWORD}1")
            )
            .expect_failure()
            .match_err_key_words(&[
                REGISTRY_ERROR_PREFIX,
                "response status code 401: Unauthorized",
            ])
            .exec();
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("resolve").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras resolve");
            err.should_say("\n");
            err.should_say(r#"Run "oras resolve -h""#);
        }
    }
}

/// `Describe("Common registry user")`
mod common_registry_user {
    use super::*;

    /// `When("running resolve command")`
    mod running_resolve_command {
        use super::*;

        /// `It("should resolve with just digest")`
        #[test]
        fn should_resolve_with_just_digest() {
            let out = oras!(
                "resolve",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::DIGEST)
            )
            .exec()
            .out;
            assert_eq!(out.text().trim(), multi_arch::DIGEST);
        }

        /// `It("should resolve with a fully qualified reference")`
        #[test]
        fn should_resolve_with_a_fully_qualified_reference() {
            let out = oras!(
                "digest",
                "-l",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG)
            )
            .exec()
            .out;
            out.should_say(&format!(
                "{}/{IMAGE_REPO}@{}",
                zot_host(),
                multi_arch::DIGEST
            ));
        }

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            oras!(
                "resolve",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::DIGEST),
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec();
        }

        /// `It("should resolve with a fully qualified reference for a platform")`
        #[test]
        fn should_resolve_with_a_fully_qualified_reference_for_a_platform() {
            let out = oras!(
                "resolve",
                "--full-reference",
                "--platform",
                "linux/amd64",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG)
            )
            .exec()
            .out;
            out.should_say(&format!(
                "{}/{IMAGE_REPO}@{}",
                zot_host(),
                multi_arch::LINUX_AMD64_DIGEST
            ));
        }
    }
}

/// `Describe("OCI image layout users")`
mod oci_image_layout_users {
    use super::*;

    /// `When("running resolve command")`
    mod running_resolve_command {
        use super::*;

        /// `It("should resolve with just digest")`
        #[test]
        fn should_resolve_with_just_digest() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let out = oras!(
                "resolve",
                LAYOUT,
                layout_ref(root.path(), multi_arch::DIGEST)
            )
            .exec()
            .out;
            assert_eq!(out.text().trim(), multi_arch::DIGEST);
        }

        /// `It("should resolve with a fully qualified reference")`
        #[test]
        fn should_resolve_with_a_fully_qualified_reference() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let out = oras!(
                "digest",
                LAYOUT,
                "-l",
                layout_ref(root.path(), multi_arch::TAG)
            )
            .exec()
            .out;
            out.should_say(&format!("{}@{}", root.path().display(), multi_arch::DIGEST));
        }

        /// `It("should resolve with a fully qualified reference for a platform")`
        #[test]
        fn should_resolve_with_a_fully_qualified_reference_for_a_platform() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let out = oras!(
                "resolve",
                LAYOUT,
                "--full-reference",
                "--platform",
                "linux/amd64",
                layout_ref(root.path(), multi_arch::TAG)
            )
            .exec()
            .out;
            out.should_say(&format!(
                "{}@{}",
                root.path().display(),
                multi_arch::LINUX_AMD64_DIGEST
            ));
        }
    }
}
