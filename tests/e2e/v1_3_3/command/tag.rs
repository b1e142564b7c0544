//! `test/e2e/suite/command/tag.go`: `oras tag` on registries and OCI
//! layouts.

use super::*;

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running repo command")` (sic: the tag command)
    mod running_repo_command {
        use super::*;

        /// `It("should fail when no manifest reference provided")`
        #[test]
        fn should_fail_when_no_manifest_reference_provided() {
            oras!("tag")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when provided manifest reference is not found")`
        #[test]
        fn should_fail_when_provided_manifest_reference_is_not_found() {
            oras!(
                "tag",
                registry_ref(zot_host(), IMAGE_REPO, INVALID_TAG),
                "tagged"
            )
            .expect_failure()
            .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
            .exec();
        }

        /// `It("should fail when the given reference is invalid")`
        #[test]
        fn should_fail_when_the_given_reference_is_invalid() {
            oras!(
                "tag",
                format!("{}/{INVALID_REPO}:test", zot_host()),
                "latest"
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "unable to add tag", "invalid reference"])
            .exec();
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("tag").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras tag");
            err.should_say("\n");
            err.should_say(r#"Run "oras tag -h""#);
        }

        /// ``It("should fail with suggestion if calling with `tag list`")``
        #[test]
        fn should_fail_with_suggestion_if_calling_with_tag_list() {
            oras!("tag", "list")
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    r#"there is no "list" sub-command for "oras tag" command"#,
                    "repository",
                    "oras repo tags",
                ])
                .exec();
            oras!("tag", "list", LAYOUT)
                .expect_failure()
                .match_err_key_words(&[
                    "Error:",
                    r#"there is no "list" sub-command for "oras tag" command"#,
                    "OCI Image Layout",
                    "oras repo tags",
                ])
                .exec();
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// ``When("running `tag`")``
    mod running_tag {
        use super::*;

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            oras!(
                "tag",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG),
                "latest",
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec();
        }

        /// `It("should add a tag to an existent manifest when providing tag reference")`
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_tag_reference() {
            tag_and_validate(
                zot_host(),
                IMAGE_REPO,
                multi_arch::TAG,
                multi_arch::DIGEST,
                &["tag-via-tag"],
            );
        }

        /// `It("should add a tag to an existent manifest when providing digest reference")`
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_digest_reference() {
            tag_and_validate(
                zot_host(),
                IMAGE_REPO,
                multi_arch::DIGEST,
                multi_arch::DIGEST,
                &["tag-via-digest"],
            );
        }

        /// `It("should add multiple tags to an existent manifest when providing digest reference")`
        #[test]
        fn should_add_multiple_tags_to_an_existent_manifest_when_providing_digest_reference() {
            tag_and_validate(
                zot_host(),
                IMAGE_REPO,
                multi_arch::DIGEST,
                multi_arch::DIGEST,
                &["tag1-via-digest", "tag2-via-digest", "tag3-via-digest"],
            );
        }

        /// `It("should add multiple tags to an existent manifest when providing tag reference")`
        #[test]
        fn should_add_multiple_tags_to_an_existent_manifest_when_providing_tag_reference() {
            tag_and_validate(
                zot_host(),
                IMAGE_REPO,
                multi_arch::TAG,
                multi_arch::DIGEST,
                &["tag1-via-tag", "tag1-via-tag", "tag1-via-tag"],
            );
        }

        /// `It("should tag a referrer witout tag schema")`
        #[test]
        fn should_tag_a_referrer_witout_tag_schema() {
            tag_referrer_without_tag_schema(zot_host());
        }
    }
}

/// The "should tag a referrer witout tag schema" steps on `reg`.
#[track_caller]
fn tag_referrer_without_tag_schema(reg: &str) {
    let repo = format!("command/tag/{}/referrers", random_seed());
    oras!(
        "cp",
        "-r",
        registry_ref(reg, ARTIFACT_REPO, foobar::TAG),
        "--to-distribution-spec",
        "v1.1-referrers-api",
        registry_ref(reg, &repo, foobar::TAG)
    )
    .exec();
    let referrer_digest = foobar::sbom_image_referrer().digest;
    tag_and_validate(
        reg,
        &repo,
        &referrer_digest,
        &referrer_digest,
        &["tagged-referrer"],
    );
    // Ensure no referrer index is created.
    let r = registry_ref(reg, &repo, &digest_tag(foobar::DIGEST));
    oras!("manifest", "fetch", r)
        .match_err_key_words(&[format!("{r}: not found")])
        .expect_failure()
        .exec();
}

/// `Describe("1.0 registry users:")`
mod registry_1_0_users {
    use super::*;

    /// ``When("running `tag`")``
    mod running_tag {
        use super::*;

        /// `It("should tag a referrer witout tag schema")`
        #[test]
        fn should_tag_a_referrer_witout_tag_schema() {
            tag_referrer_without_tag_schema(fallback_host());
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// The layout's `tagAndValidate(root, tagOrDigest, digest, tags...)`.
    #[track_caller]
    fn tag_and_validate(tag_or_digest: &str, digest: &str, tags: &[&str]) {
        let root = prepare_temp_oci(IMAGE_REPO);
        let out = oras!("tag", layout_ref(root.path(), tag_or_digest), LAYOUT)
            .args(tags)
            .match_key_words(tags)
            .exec()
            .out;
        let hint = quote_meta(&format!(
            "Tagging [oci-layout] {}",
            layout_ref(root.path(), digest)
        ));
        out.should_say(&hint);
        out.should_not_say(&hint); // should only say hint once
        oras!("repo", "tags", LAYOUT, layout_ref(root.path(), ""))
            .match_key_words(tags)
            .exec();
    }

    /// ``When("running `tag`")``
    mod running_tag {
        use super::*;

        /// `It("should add a tag to an existent manifest when providing tag reference")`
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_tag_reference() {
            tag_and_validate(multi_arch::TAG, multi_arch::DIGEST, &["tag-via-tag"]);
        }

        /// `It("should add a tag to an existent manifest when providing digest reference")`
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_digest_reference() {
            tag_and_validate(multi_arch::DIGEST, multi_arch::DIGEST, &["tag-via-digest"]);
        }

        /// `It("should add multiple tags to an existent manifest when providing digest reference")`
        #[test]
        fn should_add_multiple_tags_to_an_existent_manifest_when_providing_digest_reference() {
            tag_and_validate(
                multi_arch::DIGEST,
                multi_arch::DIGEST,
                &["tag1-via-digest", "tag2-via-digest", "tag3-via-digest"],
            );
        }

        /// `It("should add multiple tags to an existent manifest when providing tag reference")`
        #[test]
        fn should_add_multiple_tags_to_an_existent_manifest_when_providing_tag_reference() {
            tag_and_validate(
                multi_arch::TAG,
                multi_arch::DIGEST,
                &["tag1-via-tag", "tag1-via-tag", "tag1-via-tag"],
            );
        }

        /// `It("should add a tag to an existent manifest when providing tag reference")` (again)
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_tag_reference_2() {
            tag_and_validate(multi_arch::TAG, multi_arch::DIGEST, &["tag-via-tag"]);
        }

        /// `It("should add a tag to an existent manifest when providing digest reference")` (again)
        #[test]
        fn should_add_a_tag_to_an_existent_manifest_when_providing_digest_reference_2() {
            tag_and_validate(multi_arch::DIGEST, multi_arch::DIGEST, &["tag-via-digest"]);
        }

        /// `It("should add multiple tags to an existent manifest when providing digest reference")` (again)
        #[test]
        fn should_add_multiple_tags_to_an_existent_manifest_when_providing_digest_reference_2() {
            tag_and_validate(
                multi_arch::DIGEST,
                multi_arch::DIGEST,
                &["tag1-via-digest", "tag2-via-digest", "tag3-via-digest"],
            );
        }

        /// `It("should add multiple tags to an existent manifest when providing tag reference")` (again)
        #[test]
        fn should_add_multiple_tags_to_an_existent_manifest_when_providing_tag_reference_2() {
            tag_and_validate(
                multi_arch::TAG,
                multi_arch::DIGEST,
                &["tag1-via-tag", "tag1-via-tag", "tag1-via-tag"],
            );
        }

        /// `It("should be able to retag a manifest at the current directory")`
        #[test]
        fn should_be_able_to_retag_a_manifest_at_the_current_directory() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let dir = root.path().parent().unwrap().to_path_buf();
            let r = root
                .path()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            oras!("tag", layout_ref(&r, multi_arch::TAG), LAYOUT, "latest")
                .with_work_dir(&dir)
                .match_key_words(&["Tagging [oci-layout]", "Tagged latest"])
                .exec();
            oras!("tag", layout_ref(&r, multi_arch::TAG), LAYOUT, "tag2")
                .with_work_dir(&dir)
                .match_key_words(&["Tagging [oci-layout]", "Tagged tag2"])
                .exec();
            oras!("repo", "tags", LAYOUT, layout_ref(&r, multi_arch::TAG))
                .with_work_dir(&dir)
                .match_key_words(&[multi_arch::TAG, "latest", "tag2"])
                .exec();
        }
    }
}
