//! `test/e2e/suite/command/cp.go`: `oras cp` between registries (with the
//! referrers API, with the tag schema) and OCI layouts, with `-r`,
//! `--platform` and several tags.

use super::*;

/// Fetches `src` and `dst` (each with its own extra flags) and compares the
/// bytes, as the Go specs do inline.
#[track_caller]
fn fetch_and_compare(src: &[&str], dst: &[&str]) {
    let a = crate::e2e::exec::oras(vec!["manifest".into(), "fetch".into()])
        .args(src)
        .with_description("fetch from source to validate")
        .exec();
    let b = crate::e2e::exec::oras(vec!["manifest".into(), "fetch".into()])
        .args(dst)
        .with_description("fetch from destination to validate")
        .exec();
    same_bytes(&a, &b);
}

/// `CompareRef` for every digest a discover template printed.
#[track_caller]
fn compare_referrers(dst: &str, src_repo: &str, dst_repo: &str) {
    let digests = oras!(
        "discover",
        dst,
        "--format",
        "go-template={{range .referrers}}{{println .digest}}{{end}}"
    )
    .exec();
    for digest in lines_of(&digests) {
        compare_ref(
            &registry_ref(zot_host(), src_repo, &digest),
            &registry_ref(zot_host(), dst_repo, &digest),
        );
    }
}

/// The discover JSON lists exactly one referrer, `digest` (the Go specs
/// read it into `struct { ocispec.Descriptor; Referrers []Descriptor }`).
#[track_caller]
fn one_referrer(discover: Session, digest: &str) {
    let doc: serde_json::Value =
        serde_json::from_slice(discover.out.contents()).expect("discover prints JSON");
    let referrers = doc["referrers"].as_array().expect("a referrers array");
    assert_eq!(referrers.len(), 1, "{referrers:#?}");
    assert_eq!(referrers[0]["digest"], digest);
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running cp command")`
    mod running_cp_command {
        use super::*;

        /// `It("should show help doc with feature flags")`
        #[test]
        fn should_show_help_doc_with_feature_flags() {
            let out = oras!("cp", "--help")
                .match_key_words(&["Copy", EXAMPLE_DESC])
                .exec();
            let mark = quote_meta(feature::PREVIEW_MARK);
            let experimental = quote_meta(feature::EXPERIMENTAL_MARK);
            out.out
                .should_say(&format!("--from-distribution-spec string\\s+{mark}"));
            out.out
                .should_say(&format!("--from-oci-layout-path string\\s+{experimental}"));
            out.out.should_say(&format!("-r, --recursive\\s+{mark}"));
            out.out
                .should_say(&format!("--to-distribution-spec string\\s+{mark}"));
            out.out
                .should_say(&format!("--to-oci-layout-path string\\s+{experimental}"));
        }

        /// `It("should not show --verbose in help doc")`: as in Go, it reads
        /// the help of `push`.
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
            let src = registry_ref(zot_host(), ARTIFACT_REPO, artifact::BLOB_TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("test-verbose"), "copied");
            let keys = artifact::blob_state_keys();
            oras!("cp", src, dst, "--verbose")
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &dst);
        }

        /// `It("should show deprecation message and should NOT print unnamed status output for --verbose=false")`
        #[test]
        fn should_show_deprecation_message_and_should_not_print_unnamed_status_output_for_verbose_false()
         {
            let src = registry_ref(zot_host(), ARTIFACT_REPO, artifact::BLOB_TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("test-verbose-false"), "copied");
            let keys = [key("2ef548696ac7", "hello.tar")];
            let out = oras!("cp", src, dst, "--verbose=false")
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .match_status(&keys, false, keys.len())
                .exec()
                .out;
            compare_ref(&src, &dst);
            // should not print status output for unnamed blobs
            out.should_not_say("application/vnd.oci.empty.v1+json");
            out.should_not_say("application/vnd.oci.image.manifest.v1+json");
        }

        /// `It("should fail when no reference provided")`
        #[test]
        fn should_fail_when_no_reference_provided() {
            oras!("cp")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when no destination reference provided")`
        #[test]
        fn should_fail_when_no_destination_reference_provided() {
            oras!("cp", registry_ref(zot_host(), IMAGE_REPO, foobar::TAG))
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when no tag or digest is provided for source target")`
        #[test]
        fn should_fail_when_no_tag_or_digest_is_provided_for_source_target() {
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, ""),
                registry_ref(zot_host(), IMAGE_REPO, "dst")
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "no tag or digest specified", "oras cp"])
            .exec();
        }

        /// `It("should fail when source doesn't exist")`
        #[test]
        fn should_fail_when_source_doesnt_exist() {
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, INVALID_TAG),
                registry_ref(zot_host(), &cp_test_repo("nonexistent-source"), "")
            )
            .expect_failure()
            .match_err_key_words(&[INVALID_TAG])
            .exec();
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("cp").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras cp");
            err.should_say("\n");
            err.should_say(r#"Run "oras cp -h""#);
        }

        /// `It("should fail and show detailed error description if more than 2 arguments are provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_more_than_2_arguments_are_provided() {
            let err = oras!("cp", "foo", "bar", "buz").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras cp");
            err.should_say("\n");
            err.should_say(r#"Run "oras cp -h""#);
        }

        /// `It("should fail and show registry error prefix if source not found")`
        #[test]
        fn should_fail_and_show_registry_error_prefix_if_source_not_found() {
            let src = registry_ref(zot_host(), ARTIFACT_REPO, INVALID_TAG);
            let dst = temp_dir();
            oras!("cp", src, TO_LAYOUT, path_str(dst.path()))
                .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
                .expect_failure()
                .exec();
        }

        /// `It("should fail and show registry error prefix if destination registry is not logged in")`
        #[test]
        fn should_fail_and_show_registry_error_prefix_if_destination_registry_is_not_logged_in() {
            let src = prepare_temp_oci(ARTIFACT_REPO);
            let dst = registry_ref(zot_host(), &cp_test_repo("dest-not-logged-in"), "");
            oras!(
                "cp",
                FROM_LAYOUT,
                layout_ref(src.path(), foobar::TAG),
                dst,
                "--to-username",
                USERNAME,
                "--to-password",
                format!("{PASSWORD}?")
            )
            .match_err_key_words(&[format!("Error from destination registry for {dst:?}")])
            .expect_failure()
            .exec();
        }

        /// `It("should fail and show registry error prefix if source registry is not logged in")`
        #[test]
        fn should_fail_and_show_registry_error_prefix_if_source_registry_is_not_logged_in() {
            let src = registry_ref(zot_host(), &cp_test_repo("src-not-logged-in"), foobar::TAG);
            let dst = registry_ref(zot_host(), ARTIFACT_REPO, "");
            oras!(
                "cp",
                src,
                dst,
                "--from-username",
                USERNAME,
                "--from-password",
                format!("{PASSWORD}?")
            )
            .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
            .expect_failure()
            .exec();
        }

        /// `It("should fail if basic auth flag is used with identity token flag")`
        #[test]
        fn should_fail_if_basic_auth_flag_is_used_with_identity_token_flag() {
            let src = registry_ref(zot_host(), &cp_test_repo("conflicted-flags"), foobar::TAG);
            let dst = registry_ref(zot_host(), ARTIFACT_REPO, "");
            oras!(
                "cp",
                src,
                dst,
                "--from-username",
                USERNAME,
                "--from-identity-token",
                "test-token"
            )
            .expect_failure()
            .exec();
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// ``When("running `cp`")``
    mod running_cp {
        use super::*;

        /// `It("should copy an artifact with blob")`
        #[test]
        fn should_copy_an_artifact_with_blob() {
            let src = registry_ref(zot_host(), ARTIFACT_REPO, artifact::BLOB_TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("artifact-with-blob"), "copied");
            let keys = artifact::blob_state_keys();
            oras!("cp", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &dst);
        }

        /// `It("should copy and show logs with deduplicated id")`
        #[test]
        fn should_copy_and_show_logs_with_deduplicated_id() {
            let src = registry_ref(zot_host(), ARTIFACT_REPO, artifact::BLOB_TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("debug-log"), "copied");
            let session = oras!("cp", src, dst, "-d").exec();
            session.err.should_say("Request #0");
            session.err.should_not_say("Request #0");
            compare_ref(&src, &dst);
        }

        /// `It("should copy an artifact with config")`
        #[test]
        fn should_copy_an_artifact_with_config() {
            let src = registry_ref(zot_host(), ARTIFACT_REPO, artifact::CONFIG_TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("artifact-with-config"), "copied");
            let keys = artifact::config_state_keys();
            oras!("cp", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
        }

        /// `It("should copy index and its subject")`
        #[test]
        fn should_copy_index_and_its_subject() {
            let mut keys = multi_arch::index_state_keys();
            keys.push(artifact::index_manifest_status_key());
            let src = registry_ref(zot_host(), ARTIFACT_REPO, artifact::INDEX_MANIFEST_DIGEST);
            let dst = registry_ref(zot_host(), &cp_test_repo("index-with-subject"), "");
            oras!("cp", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
        }

        /// `It("should copy an image to a new repository via tag")`
        #[test]
        fn should_copy_an_image_to_a_new_repository_via_tag() {
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("tag"), "copied");
            let keys = foobar::foobar_states();
            oras!("cp", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &dst);
        }

        /// `It("should copy an image to a new repository via digest")`
        #[test]
        fn should_copy_an_image_to_a_new_repository_via_digest() {
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::DIGEST);
            let dst = registry_ref(zot_host(), &cp_test_repo("digest"), "copiedTag");
            let keys = foobar::foobar_states();
            oras!("cp", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &dst);
        }

        /// `It("should copy an image to a new repository via tag without tagging")`
        #[test]
        fn should_copy_an_image_to_a_new_repository_via_tag_without_tagging() {
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("no-tagging"), foobar::DIGEST);
            let keys = foobar::foobar_states();
            oras!("cp", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &dst);
        }

        /// `It("should copy an image and its referrers to a new repository")`
        #[test]
        fn should_copy_an_image_and_its_referrers_to_a_new_repository() {
            let keys = foobar::image_and_referrers_state_keys();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("referrers"), foobar::DIGEST);
            oras!("cp", "-r", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &dst);
        }

        #[track_caller]
        fn multi_arch_with_referrers(name: &str, dst_ref: &str, extra: &[&str]) {
            let keys = multi_arch::index_and_referrers_state_keys();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let dst_repo = cp_test_repo(name);
            let dst = registry_ref(zot_host(), &dst_repo, dst_ref);
            oras!("cp", src, dst, "-r")
                .args(extra)
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {}", multi_arch::DIGEST)])
                .exec();
            compare_ref(
                &registry_ref(zot_host(), IMAGE_REPO, multi_arch::DIGEST),
                &dst,
            );
            compare_referrers(&dst, ARTIFACT_REPO, &dst_repo);
        }

        /// `It("should copy a multi-arch image and its referrers to a new repository via tag")`
        #[test]
        fn should_copy_a_multi_arch_image_and_its_referrers_to_a_new_repository_via_tag() {
            multi_arch_with_referrers("index-referrers", "copiedTag", &[]);
        }

        /// `It("should copy a multi-arch image and its referrers without concurrency limitation")`
        #[test]
        fn should_copy_a_multi_arch_image_and_its_referrers_without_concurrency_limitation() {
            multi_arch_with_referrers(
                "index-referrers-concurrent",
                "copiedTag",
                &["--concurrency", "0"],
            );
        }

        /// `It("should copy a multi-arch image, child images and referrers of the child images")`
        #[test]
        fn should_copy_a_multi_arch_image_child_images_and_referrers_of_the_child_images() {
            let src = registry_ref(zot_host(), ARTIFACT_REPO, "v1.3.8");
            let dst_repo = cp_test_repo("index-without-referrers");
            let dst = registry_ref(zot_host(), &dst_repo, "copiedTag");
            let keys = v138_state_keys();
            oras!("cp", src, dst, "-r")
                .match_status(&keys, true, keys.len())
                .exec();
            // validate that the index is copied
            compare_ref(&src, &dst);
            // the child images, then the referrers of the child images
            for digest in V138_CHILDREN.iter().chain(&V138_CHILD_REFERRERS) {
                compare_ref(
                    &registry_ref(zot_host(), ARTIFACT_REPO, digest),
                    &registry_ref(zot_host(), &dst_repo, digest),
                );
            }
        }

        /// `It("should copy an empty index")`
        #[test]
        fn should_copy_an_empty_index() {
            let src = registry_ref(zot_host(), IMAGE_REPO, multi_arch::EMPTY_TAG);
            let dst_repo = cp_test_repo("empty-index");
            let dst = registry_ref(zot_host(), &dst_repo, "copiedTag");
            oras!("cp", src, dst, "-r", "--concurrency", "0").exec();
            compare_ref(
                &registry_ref(zot_host(), IMAGE_REPO, multi_arch::EMPTY_TAG),
                &dst,
            );
        }

        /// `It("should copy a multi-arch image and its referrers to a new repository via digest")`
        #[test]
        fn should_copy_a_multi_arch_image_and_its_referrers_to_a_new_repository_via_digest() {
            multi_arch_with_referrers("index-referrers-digest", multi_arch::DIGEST, &[]);
        }

        /// `It("should copy a certain platform of image to a new repository via tag")`
        #[test]
        fn should_copy_a_certain_platform_of_image_to_a_new_repository_via_tag() {
            let src = registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("platform-tag"), "copiedTag");
            let keys = multi_arch::linux_amd64_state_keys();
            oras!("cp", src, dst, "--platform", "linux/amd64")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {}", multi_arch::LINUX_AMD64_DIGEST)])
                .exec();
            compare_ref(
                &registry_ref(zot_host(), IMAGE_REPO, multi_arch::LINUX_AMD64_DIGEST),
                &dst,
            );
        }

        /// `It("should copy a certain platform of image to a new repository via digest")`
        #[test]
        fn should_copy_a_certain_platform_of_image_to_a_new_repository_via_digest() {
            let src = registry_ref(zot_host(), IMAGE_REPO, multi_arch::DIGEST);
            let dst_repo = cp_test_repo("platform-digest");
            let dst = registry_ref(zot_host(), &dst_repo, "");
            let keys = multi_arch::linux_amd64_state_keys();
            oras!("cp", src, dst, "--platform", "linux/amd64")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {}", multi_arch::LINUX_AMD64_DIGEST)])
                .exec();
            compare_ref(
                &registry_ref(zot_host(), IMAGE_REPO, multi_arch::LINUX_AMD64_DIGEST),
                &registry_ref(zot_host(), &dst_repo, multi_arch::LINUX_AMD64_DIGEST),
            );
        }

        /// `It("should copy a certain platform of image and its referrers to a new repository with tag")`
        #[test]
        fn should_copy_a_certain_platform_of_image_and_its_referrers_to_a_new_repository_with_tag()
        {
            let keys = multi_arch::platform_and_referrers_state_keys();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let dst_repo = cp_test_repo("platform-referrers");
            let dst = registry_ref(zot_host(), &dst_repo, "copiedTag");
            let digest = multi_arch::LINUX_AMD64_DIGEST;
            oras!("cp", src, dst, "-r", "--platform", "linux/amd64")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {digest}")])
                .exec();
            compare_ref(&registry_ref(zot_host(), ARTIFACT_REPO, digest), &dst);
            compare_referrers(&dst, ARTIFACT_REPO, &dst_repo);
        }

        /// `It("should copy a certain platform of image and its referrers to a new repository without tagging")`
        #[test]
        fn should_copy_a_certain_platform_of_image_and_its_referrers_to_a_new_repository_without_tagging()
         {
            let keys = multi_arch::platform_and_referrers_state_keys();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let dst_repo = cp_test_repo("platform-referrers-no-tag");
            let dst = registry_ref(zot_host(), &dst_repo, "");
            let digest = multi_arch::LINUX_AMD64_DIGEST;
            oras!("cp", src, dst, "-r", "--platform", "linux/amd64")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {digest}")])
                .exec();
            compare_ref(
                &registry_ref(zot_host(), ARTIFACT_REPO, digest),
                &registry_ref(zot_host(), &dst_repo, digest),
            );
            compare_referrers(
                &registry_ref(zot_host(), &dst_repo, digest),
                ARTIFACT_REPO,
                &dst_repo,
            );
        }

        /// `It("should copy an image to a new repository with multiple tagging")`
        #[test]
        fn should_copy_an_image_to_a_new_repository_with_multiple_tagging() {
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::DIGEST);
            let tags = ["tag1", "tag2", "tag3"];
            let dst_repo = cp_test_repo("multi-tagging");
            let dst = registry_ref(zot_host(), &dst_repo, "");
            let keys = foobar::foobar_states();
            oras!("cp", src, format!("{dst}:{}", tags.join(",")))
                .match_status(&keys, true, keys.len())
                .exec();
            for tag in tags {
                compare_ref(&src, &registry_ref(zot_host(), &dst_repo, tag));
            }
        }
    }
}

/// `Describe("OCI spec 1.0 registry users:")`
mod oci_spec_1_0_registry_users {
    use super::*;

    /// ``When("running `cp`")``
    mod running_cp {
        use super::*;

        /// `It("should copy an image artifact with mounting")`
        #[test]
        fn should_copy_an_image_artifact_with_mounting() {
            let repo = cp_test_repo("1.0-mount");
            let src = registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG);
            let dst = registry_ref(fallback_host(), &repo, "");
            let out = oras!("cp", src, dst).exec();
            out.out.should_say("Mounted fcde2b2edba5 bar");
            compare_ref(&src, &registry_ref(fallback_host(), &repo, foobar::DIGEST));
        }

        /// `It("should copy an image artifact and its referrers from a registry to a fallback registry")`
        #[test]
        fn should_copy_an_image_artifact_and_its_referrers_from_a_registry_to_a_fallback_registry()
        {
            let repo = cp_test_repo("to-fallback");
            let keys = foobar::image_and_referrers_state_keys();
            let signature = foobar::signature_image_referrer().digest;
            let src = registry_ref(zot_host(), ARTIFACT_REPO, &signature);
            let dst = registry_ref(fallback_host(), &repo, "");
            oras!("cp", "-r", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &registry_ref(fallback_host(), &repo, &signature));
            oras!(
                "discover",
                "-o",
                "tree",
                registry_ref(fallback_host(), &repo, foobar::DIGEST)
            )
            .with_description("discover referrer via subject")
            .match_key_words(&[signature.as_str(), &foobar::sbom_image_referrer().digest])
            .exec();
        }

        /// `It("should copy an image artifact and its referrers from a fallback registry to a registry")`
        #[test]
        fn should_copy_an_image_artifact_and_its_referrers_from_a_fallback_registry_to_a_registry()
        {
            let repo = cp_test_repo("from-fallback");
            let keys = foobar::image_and_referrers_state_keys();
            let sbom = foobar::sbom_image_referrer().digest;
            let src = registry_ref(fallback_host(), ARTIFACT_REPO, &sbom);
            let dst = registry_ref(zot_host(), &repo, "");
            oras!("cp", "-r", src, dst)
                .match_status(&keys, true, keys.len())
                .exec();
            compare_ref(&src, &registry_ref(zot_host(), &repo, &sbom));
            oras!(
                "discover",
                "-o",
                "tree",
                registry_ref(zot_host(), &repo, foobar::DIGEST)
            )
            .with_description("discover referrer via subject")
            .match_key_words(&[foobar::signature_image_referrer().digest.as_str(), &sbom])
            .exec();
        }

        /// `It("should copy an image from a fallback registry to an OCI image layout via digest")`
        #[test]
        fn should_copy_an_image_from_a_fallback_registry_to_an_oci_image_layout_via_digest() {
            let dst_dir = temp_dir();
            let src = registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG);
            let keys = foobar::foobar_states();
            oras!("cp", src, path_str(dst_dir.path()), TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(
                &[&src],
                &[&layout_ref(dst_dir.path(), foobar::DIGEST), LAYOUT],
            );
        }

        /// `It("should copy an image from an OCI image layout to a fallback registry via digest")`
        #[test]
        fn should_copy_an_image_from_an_oci_image_layout_to_a_fallback_registry_via_digest() {
            let layout_dir = temp_dir();
            let src = layout_ref(layout_dir.path(), foobar::DIGEST);
            let dst = registry_ref(
                fallback_host(),
                &cp_test_repo("from-layout-digest"),
                "copied",
            );
            oras!(
                "cp",
                registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG),
                path_str(layout_dir.path()),
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!("cp", src, dst, FROM_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst]);
        }

        /// `It("should copy a certain platform of image and its referrers from an OCI image layout to a fallback registry")`
        #[test]
        fn should_copy_a_certain_platform_of_image_and_its_referrers_from_an_oci_image_layout_to_a_fallback_registry()
         {
            let keys = multi_arch::platform_and_referrers_state_keys();
            let from_dir = temp_dir();
            let src = layout_ref(from_dir.path(), multi_arch::TAG);
            let dst_repo = cp_test_repo("platform-referrer-from-layout");
            let dst = registry_ref(fallback_host(), &dst_repo, "copied");
            oras!(
                "cp",
                registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                src,
                TO_LAYOUT,
                "-r"
            )
            .exec();
            oras!(
                "cp",
                registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                src,
                TO_LAYOUT,
                "-r",
                "--platform",
                "linux/amd64"
            )
            .exec();
            oras!(
                "cp",
                src,
                FROM_LAYOUT,
                dst,
                "-r",
                "--platform",
                "linux/amd64"
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&[format!("Digest: {}", multi_arch::LINUX_AMD64_DIGEST)])
            .exec();
            fetch_and_compare(&[&src, LAYOUT, "--platform", "linux/amd64"], &[&dst]);
            oras!(
                "manifest",
                "fetch",
                registry_ref(fallback_host(), &dst_repo, multi_arch::DIGEST)
            )
            .with_description("not copy index")
            .expect_failure()
            .exec();
            let referrer = multi_arch::linux_amd64_referrer().digest;
            let discover = oras!("discover", dst, "-o", "json")
                .match_key_words(&[&referrer])
                .with_description("copy image referrer")
                .exec();
            one_referrer(discover, &referrer);
        }
    }
}

/// `Describe("OCI layout users:")`
mod oci_layout_users {
    use super::*;

    /// ``When("running `cp`")``
    mod running_cp {
        use super::*;

        /// `It("should copy an image from a registry to an OCI image layout via tag")`
        #[test]
        fn should_copy_an_image_from_a_registry_to_an_oci_image_layout_via_tag() {
            let dir = temp_dir();
            let dst = layout_ref(dir.path(), "copied");
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let keys = foobar::foobar_states();
            oras!("cp", src, dst, TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src], &[&dst, LAYOUT]);
        }

        /// `It("should copy an image from an OCI image layout to a registry via tag")`
        #[test]
        fn should_copy_an_image_from_an_oci_image_layout_to_a_registry_via_tag() {
            let layout_dir = temp_dir();
            let src = layout_ref(layout_dir.path(), "copied");
            let dst = registry_ref(zot_host(), &cp_test_repo("from-layout-tag"), foobar::TAG);
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                src,
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!("cp", src, dst, FROM_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst]);
        }

        /// `It("should copy an image between OCI image layouts via tag")`
        #[test]
        fn should_copy_an_image_between_oci_image_layouts_via_tag() {
            let src_dir = temp_dir();
            let to_dir = temp_dir();
            let src = layout_ref(src_dir.path(), "from");
            let dst = layout_ref(to_dir.path(), "to");
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                src,
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!("cp", src, dst, FROM_LAYOUT, TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst, LAYOUT]);
        }

        /// `It("should copy an image from a registry to an OCI image layout via digest")`
        #[test]
        fn should_copy_an_image_from_a_registry_to_an_oci_image_layout_via_digest() {
            let dst_dir = temp_dir();
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::DIGEST);
            let keys = foobar::foobar_states();
            oras!("cp", src, path_str(dst_dir.path()), TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(
                &[&src],
                &[&layout_ref(dst_dir.path(), foobar::DIGEST), LAYOUT],
            );
        }

        /// `It("should copy an image from an OCI image layout to a registry via digest")`
        #[test]
        fn should_copy_an_image_from_an_oci_image_layout_to_a_registry_via_digest() {
            let layout_dir = temp_dir();
            let src = layout_ref(layout_dir.path(), foobar::DIGEST);
            let dst = registry_ref(zot_host(), &cp_test_repo("from-layout-digest"), "copied");
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                path_str(layout_dir.path()),
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!("cp", src, dst, FROM_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst]);
        }

        /// `It("should copy an image between OCI image layouts via digest")`
        #[test]
        fn should_copy_an_image_between_oci_image_layouts_via_digest() {
            let src_dir = temp_dir();
            let to_dir = temp_dir();
            let src = layout_ref(src_dir.path(), foobar::DIGEST);
            let dst = layout_ref(to_dir.path(), foobar::DIGEST);
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                path_str(src_dir.path()),
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!("cp", src, path_str(to_dir.path()), FROM_LAYOUT, TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst, LAYOUT]);
        }

        /// `It("should copy an image from a registry to an OCI image layout with multiple tagging")`
        #[test]
        fn should_copy_an_image_from_a_registry_to_an_oci_image_layout_with_multiple_tagging() {
            let dst_dir = temp_dir();
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let tags = ["tag1", "tag2", "tag3"];
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                src,
                format!("{}:{}", dst_dir.path().display(), tags.join(",")),
                TO_LAYOUT
            )
            .match_status(&keys, true, keys.len())
            .exec();
            let src_manifest = oras!("manifest", "fetch", src)
                .with_description("fetch from source to validate")
                .exec();
            for tag in tags {
                let dst_manifest =
                    oras!("manifest", "fetch", layout_ref(dst_dir.path(), tag), LAYOUT)
                        .with_description("fetch from destination to validate")
                        .exec();
                same_bytes(&src_manifest, &dst_manifest);
            }
        }

        /// `It("should copy a tagged image and its referrers from a registry to an OCI image layout")`
        #[test]
        fn should_copy_a_tagged_image_and_its_referrers_from_a_registry_to_an_oci_image_layout() {
            let keys = foobar::image_and_referrers_state_keys();
            let dir = temp_dir();
            let dst = layout_ref(dir.path(), "copied");
            let src = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            oras!("cp", "-r", src, dst, TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(&[&src], &[&dst, LAYOUT]);
        }

        /// `It("should copy a image and its referrers from a registry to an OCI image layout via digest")`
        #[test]
        fn should_copy_a_image_and_its_referrers_from_a_registry_to_an_oci_image_layout_via_digest()
        {
            let keys = foobar::image_and_referrers_state_keys();
            let to_dir = temp_dir();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, foobar::DIGEST);
            oras!("cp", "-r", src, path_str(to_dir.path()), TO_LAYOUT)
                .match_status(&keys, true, keys.len())
                .exec();
            fetch_and_compare(
                &[&src],
                &[&layout_ref(to_dir.path(), foobar::DIGEST), LAYOUT],
            );
        }

        /// `It("should copy a multi-arch image and its referrers from a registry to an OCI image layout a via tag")`
        #[test]
        fn should_copy_a_multi_arch_image_and_its_referrers_from_a_registry_to_an_oci_image_layout_a_via_tag()
         {
            let keys = multi_arch::index_and_referrers_state_keys();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let to_dir = temp_dir();
            let dst = layout_ref(to_dir.path(), "copied");
            oras!("cp", src, TO_LAYOUT, dst, "-r")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {}", multi_arch::DIGEST)])
                .exec();
            fetch_and_compare(&[&src], &[&dst, LAYOUT]);
            // The Go spec has the keyword check commented out here.
            let discover = oras!(
                "discover",
                dst,
                "-o",
                "json",
                LAYOUT,
                "--artifact-type",
                multi_arch::index_referrer_config_state_key().name
            )
            .with_description("copy image referrer")
            .exec();
            one_referrer(discover, multi_arch::INDEX_REFERRER_DIGEST);
            oras!(
                "manifest",
                "fetch",
                LAYOUT,
                layout_ref(to_dir.path(), &multi_arch::linux_amd64_referrer().digest)
            )
            .with_description("copy referrer of successor")
            .exec();
        }

        /// `It("should copy a multi-arch image and its referrers from an OCI image layout to a registry via digest")`
        #[test]
        fn should_copy_a_multi_arch_image_and_its_referrers_from_an_oci_image_layout_to_a_registry_via_digest()
         {
            let keys = multi_arch::index_and_referrers_state_keys();
            let from_dir = temp_dir();
            let src = layout_ref(from_dir.path(), multi_arch::TAG);
            let dst = registry_ref(zot_host(), &cp_test_repo("recursive-from-layout"), "copied");
            oras!(
                "cp",
                registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                src,
                TO_LAYOUT,
                "-r"
            )
            .exec();
            oras!("cp", src, FROM_LAYOUT, dst, "-r")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {}", multi_arch::DIGEST)])
                .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst]);
            let discover = oras!(
                "discover",
                dst,
                "-o",
                "json",
                "--artifact-type",
                multi_arch::index_referrer_config_state_key().name
            )
            .match_key_words(&[multi_arch::INDEX_REFERRER_DIGEST])
            .with_description("copy image referrer")
            .exec();
            one_referrer(discover, multi_arch::INDEX_REFERRER_DIGEST);
            oras!("manifest", "fetch", dst)
                .with_description("copy referrer of successor")
                .exec();
        }

        /// `It("should copy a certain platform of image and its referrers from an OCI image layout to a registry")`
        #[test]
        fn should_copy_a_certain_platform_of_image_and_its_referrers_from_an_oci_image_layout_to_a_registry()
         {
            let keys = multi_arch::platform_and_referrers_state_keys();
            let from_dir = temp_dir();
            let src = layout_ref(from_dir.path(), multi_arch::TAG);
            let dst_repo = cp_test_repo("platform-referrer-from-layout");
            let dst = registry_ref(zot_host(), &dst_repo, "copied");
            oras!(
                "cp",
                registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                src,
                TO_LAYOUT,
                "-r"
            )
            .exec();
            oras!(
                "cp",
                registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                src,
                TO_LAYOUT,
                "-r",
                "--platform",
                "linux/amd64"
            )
            .exec();
            oras!(
                "cp",
                src,
                FROM_LAYOUT,
                dst,
                "-r",
                "--platform",
                "linux/amd64"
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&[format!("Digest: {}", multi_arch::LINUX_AMD64_DIGEST)])
            .exec();
            fetch_and_compare(&[&src, LAYOUT, "--platform", "linux/amd64"], &[&dst]);
            oras!(
                "manifest",
                "fetch",
                registry_ref(zot_host(), &dst_repo, multi_arch::DIGEST)
            )
            .with_description("not copy index")
            .expect_failure()
            .exec();
            let referrer = multi_arch::linux_amd64_referrer().digest;
            let discover = oras!("discover", dst, "-o", "json")
                .match_key_words(&[&referrer])
                .with_description("copy image referrer")
                .exec();
            one_referrer(discover, &referrer);
        }

        /// `It("should copy a multi-arch image, child images and referrers of the child images from an OCI layout")`
        #[test]
        fn should_copy_a_multi_arch_image_child_images_and_referrers_of_the_child_images_from_an_oci_layout()
         {
            let from_dir = temp_dir();
            let to_dir = temp_dir();
            let src = layout_ref(from_dir.path(), multi_arch::TAG);
            let dst = layout_ref(to_dir.path(), "copiedIndex");
            oras!(
                "cp",
                registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                src,
                TO_LAYOUT,
                "-r"
            )
            .exec();
            oras!("cp", src, FROM_LAYOUT, dst, TO_LAYOUT, "-r").exec();
            // verify that the index "multi" is copied
            fetch_and_compare(&[&src, LAYOUT], &[&dst, LAYOUT]);
            // verify that "multi"'s referrers are copied
            oras!("discover", dst, LAYOUT)
                .match_key_words(&[
                    "sha256:d37baf66300b9006b0f4c7102075d56b970fbf910be5c6bca07fdbb000dfa383",
                    "sha256:7679bc22c33b87aa345c6950a993db98a6df7a6cc77a35c388908a3a50be6bad",
                ])
                .exec();
            // verify that the child images are copied
            for child in [
                "sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1",
                "sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c",
                "sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255",
            ] {
                oras!(
                    "manifest",
                    "fetch",
                    LAYOUT,
                    layout_ref(to_dir.path(), child)
                )
                .exec();
            }
            // verify that the referrers of the child images are copied
            oras!(
                "discover",
                LAYOUT,
                layout_ref(
                    to_dir.path(),
                    "sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1"
                )
            )
            .match_key_words(&["c5e00045954a70e3fd28307dd543d4cc158946117943700b8f520f72ddca031f"])
            .exec();
        }

        /// `It("should copy a certain platform of image and its referrers from a registry to an OCI image layout")`
        #[test]
        fn should_copy_a_certain_platform_of_image_and_its_referrers_from_a_registry_to_an_oci_image_layout()
         {
            let keys = multi_arch::platform_and_referrers_state_keys();
            let src = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let to_dir = temp_dir();
            let dst = layout_ref(to_dir.path(), "copied");
            oras!("cp", src, TO_LAYOUT, dst, "-r", "--platform", "linux/amd64")
                .match_status(&keys, true, keys.len())
                .match_key_words(&[format!("Digest: {}", multi_arch::LINUX_AMD64_DIGEST)])
                .exec();
            fetch_and_compare(&[&src, "--platform", "linux/amd64"], &[&dst, LAYOUT]);
            // As in Go: without --oci-layout, so the layout path is read as
            // a registry reference.
            oras!(
                "manifest",
                "fetch",
                layout_ref(to_dir.path(), multi_arch::DIGEST)
            )
            .with_description("not copy index")
            .expect_failure()
            .exec();
            let referrer = multi_arch::linux_amd64_referrer().digest;
            let discover = oras!("discover", dst, "-o", "json", LAYOUT)
                .match_key_words(&[&referrer])
                .with_description("copy image referrer")
                .exec();
            one_referrer(discover, &referrer);
        }

        // oci-layout-path tests

        /// `It("should copy an image from a registry to an OCI image layout via tag using --oci-layout-path")`
        #[test]
        fn should_copy_an_image_from_a_registry_to_an_oci_image_layout_via_tag_using_oci_layout_path()
         {
            let layout_dir = temp_dir();
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let reference = "copied";
            let dst = layout_ref(layout_dir.path(), reference);
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                src,
                reference,
                TO_LAYOUT_PATH,
                path_str(layout_dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
            fetch_and_compare(&[&src], &[&dst, LAYOUT]);
        }

        /// `It("should copy an image from an OCI image layout to a registry via tag using --oci-layout-path")`
        #[test]
        fn should_copy_an_image_from_an_oci_image_layout_to_a_registry_via_tag_using_oci_layout_path()
         {
            let layout_dir = temp_dir();
            let reference = "copied";
            let src = layout_ref(layout_dir.path(), reference);
            let dst = registry_ref(
                zot_host(),
                &cp_test_repo("from-layout-tag-path"),
                foobar::TAG,
            );
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                src,
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                reference,
                dst,
                FROM_LAYOUT_PATH,
                path_str(layout_dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst]);
        }

        /// `It("should copy an image between OCI image layouts via tag using --oci-layout-path")`
        #[test]
        fn should_copy_an_image_between_oci_image_layouts_via_tag_using_oci_layout_path() {
            let src_dir = temp_dir();
            let to_dir = temp_dir();
            let (src_ref, dst_ref) = ("from", "to");
            let src = layout_ref(src_dir.path(), src_ref);
            let dst = layout_ref(to_dir.path(), dst_ref);
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                src,
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                src_ref,
                dst_ref,
                FROM_LAYOUT_PATH,
                path_str(src_dir.path()),
                TO_LAYOUT_PATH,
                path_str(to_dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst, LAYOUT]);
        }

        /// `It("should copy an image from a registry to an OCI image layout via digest using --oci-layout-path")`
        #[test]
        fn should_copy_an_image_from_a_registry_to_an_oci_image_layout_via_digest_using_oci_layout_path()
         {
            let dst_dir = temp_dir();
            let src = registry_ref(zot_host(), IMAGE_REPO, foobar::DIGEST);
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                src,
                foobar::DIGEST,
                TO_LAYOUT_PATH,
                path_str(dst_dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
            fetch_and_compare(
                &[&src],
                &[&layout_ref(dst_dir.path(), foobar::DIGEST), LAYOUT],
            );
        }

        /// `It("should copy an image from an OCI image layout to a registry via digest using --oci-layout-path")`
        #[test]
        fn should_copy_an_image_from_an_oci_image_layout_to_a_registry_via_digest_using_oci_layout_path()
         {
            let layout_dir = temp_dir();
            let src = layout_ref(layout_dir.path(), foobar::DIGEST);
            let dst = registry_ref(
                zot_host(),
                &cp_test_repo("from-layout-digest-path"),
                "copied",
            );
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                path_str(layout_dir.path()),
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                foobar::DIGEST,
                dst,
                FROM_LAYOUT_PATH,
                path_str(layout_dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst]);
        }

        /// `It("should copy an image between OCI image layouts via digest")`: the
        /// second spec of that name, with `--from-oci-layout-path` and
        /// `--to-oci-layout-path`.
        #[test]
        fn should_copy_an_image_between_oci_image_layouts_via_digest_using_oci_layout_path() {
            let src_dir = temp_dir();
            let to_dir = temp_dir();
            let src = layout_ref(src_dir.path(), foobar::DIGEST);
            let dst = layout_ref(to_dir.path(), foobar::DIGEST);
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                path_str(src_dir.path()),
                TO_LAYOUT
            )
            .exec();
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                foobar::DIGEST,
                foobar::DIGEST,
                FROM_LAYOUT_PATH,
                path_str(src_dir.path()),
                TO_LAYOUT_PATH,
                path_str(to_dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
            fetch_and_compare(&[&src, LAYOUT], &[&dst, LAYOUT]);
        }
    }
}
