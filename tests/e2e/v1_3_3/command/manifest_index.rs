//! `test/e2e/suite/command/manifest_index.go`: `oras manifest index
//! create|update` against registries and OCI layouts.

use super::*;

/// The digests the specs pass by name.
const AMD64: &str = multi_arch::LINUX_AMD64_DIGEST;
const ARM64: &str = "sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c";
const ARMV7: &str = "sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255";
/// The index of AMD64 and ARM64, then with ARMV7 added.
const AMD64_ARM64_INDEX: &str =
    "sha256:cce9590b1193d8bcb70467e2381dc81e77869be4801c09abe9bc274b6a1d2001";
const UPDATED_INDEX: &str =
    "sha256:84887718c9e61daa0f1996aad3ae2eb10db15dcbdab394e4b2dfee7967c55f2c";
/// A blob of the image layout that is no manifest.
const NOT_A_MANIFEST: &str =
    "sha256:02c15a8d1735c65bb8ca86c716615d3c0d8beb87dc68ed88bb49192f90b184e2";
const ARTIFACT_TYPE: &str = "application/vnd.test-example";

/// `indexTestRepo(subcommand, text)`.
fn index_test_repo(subcommand: &str, text: &str) -> String {
    format!("command/index/{}/{subcommand}/{text}", random_seed())
}

fn zot(repo: &str, tag_or_digest: &str) -> String {
    registry_ref(zot_host(), repo, tag_or_digest)
}

/// `ValidateIndex(content, manifests)`, on content already decoded.
#[track_caller]
fn validate_index_of(index: &Index, manifests: &[Descriptor]) {
    assert_eq!(index.manifests, manifests);
}

/// `manifest fetch <args>`, decoded as an index.
#[track_caller]
fn fetch_index(args: &[&str]) -> Index {
    let out = crate::e2e::exec::oras(
        ["manifest", "fetch"]
            .iter()
            .chain(args)
            .map(|s| s.to_string())
            .collect(),
    )
    .exec()
    .out;
    must_index(out.contents())
}

/// `ValidateIndex` on what `manifest fetch <args>` prints.
#[track_caller]
fn fetch_and_validate(args: &[&str], manifests: &[Descriptor]) {
    validate_index_of(&fetch_index(args), manifests);
}

/// The Go suite's working directory, `test/e2e/suite/command`, so that
/// `../../testdata/files/...` names the test files as in Go.
fn suite_work_dir() -> (TempDir, std::path::PathBuf) {
    let d = temp_dir();
    copy_files(&test_data_root().join("files"), &d.join("testdata/files"));
    let cwd = d.join("suite/command");
    std::fs::create_dir_all(&cwd).unwrap();
    (d, cwd)
}

const BAR_FILE: &str = "../../testdata/files/foobar/bar:application/octet-stream";

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    /// `When("running manifest index command")`
    mod running_manifest_index_command {
        /// ``When("running `manifest index create`")``
        mod running_manifest_index_create {
            /// `It("should show help doc with alias")`
            #[test]
            fn should_show_help_doc_with_alias() {
                oras!("manifest", "index", "create", "--help")
                    .match_key_words(&["Aliases", "pack"])
                    .exec();
            }
        }
    }

    /// ``When("running `manifest index update`")``
    mod running_manifest_index_update {
        /// `It("should show help doc with --tag flag")`
        #[test]
        fn should_show_help_doc_with_tag_flag() {
            oras!("manifest", "index", "update", "--help")
                .match_key_words(&["--tag", "tags for the updated index"])
                .exec();
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// ``When("running `manifest index create`")``
    mod running_manifest_index_create {
        use super::*;

        /// `It("should create index by using source manifest digests")`
        #[test]
        fn should_create_index_by_using_source_manifest_digests() {
            let test_repo = index_test_repo("create", "by-digest");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "latest"),
                AMD64,
                ARM64
            )
            .match_key_words(&[
                "Fetched",
                AMD64,
                "Fetched",
                ARM64,
                "Pushed",
                AMD64_ARM64_INDEX,
            ])
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "latest")],
                &[multi_arch::linux_amd64(), multi_arch::linux_arm64()],
            );
        }

        /// `It("should create index by using source manifest tags")`
        #[test]
        fn should_create_index_by_using_source_manifest_tags() {
            let test_repo = index_test_repo("create", "by-tag");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "latest"),
                "linux-arm64",
                "linux-amd64"
            )
            .match_key_words(&[
                "Fetched",
                "linux-arm64",
                "Fetched",
                "linux-amd64",
                "Pushed",
                "sha256:5c98cfc90e390c575679370a5dc5e37b52e854bbb7b9cb80cc1f30b56b8d183e",
            ])
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "latest")],
                &[multi_arch::linux_arm64(), multi_arch::linux_amd64()],
            );
        }

        /// `It("should create index without tagging it")`
        #[test]
        fn should_create_index_without_tagging_it() {
            let test_repo = index_test_repo("create", "no-tag");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let digest = "sha256:820503ae4fecfdb841b5b6acc8718c8c5b298cf6b8f2259010f370052341cec8";
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, ""),
                "linux-arm64",
                "linux-amd64",
                ARMV7
            )
            .match_key_words(&["Pushed", digest])
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, digest)],
                &[
                    multi_arch::linux_arm64(),
                    multi_arch::linux_amd64(),
                    multi_arch::linux_armv7(),
                ],
            );
        }

        /// `It("should create index with multiple tags")`
        #[test]
        fn should_create_index_with_multiple_tags() {
            let test_repo = index_test_repo("create", "multiple-tags");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                format!("{},t1,t2,t3", zot(&test_repo, "t0")),
                ARMV7,
                "linux-arm64",
                "linux-amd64"
            )
            .match_key_words(&[
                "Fetched",
                "Pushed",
                "Tagged",
                "sha256:bfa1728d6292d5fa7689f8f4daa145ee6f067b5779528c6e059d1132745ef508",
            ])
            .exec();
            // verify
            let expected = [
                multi_arch::linux_armv7(),
                multi_arch::linux_arm64(),
                multi_arch::linux_amd64(),
            ];
            for tag in ["t0", "t1", "t2", "t3"] {
                fetch_and_validate(&[&zot(&test_repo, tag)], &expected);
            }
        }

        /// `It("should copy artifactType from child manifests")`
        #[test]
        fn should_copy_artifact_type_from_child_manifests() {
            let test_repo = index_test_repo("create", "child-artifact-type");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let (_dir, cwd) = suite_work_dir();
            oras!(
                "push",
                "--artifact-type",
                ARTIFACT_TYPE,
                zot(&test_repo, "with-artifact-type"),
                BAR_FILE
            )
            .with_work_dir(&cwd)
            .match_key_words(&["Pushed", "ArtifactType", ARTIFACT_TYPE])
            .exec();
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "latest"),
                "with-artifact-type"
            )
            .match_key_words(&["Fetched", "with-artifact-type", "Pushed"])
            .exec();
            // verify
            let index = fetch_index(&[&zot(&test_repo, "latest")]);
            assert_eq!(index.artifact_type, "");
            should_have_len(&index.manifests, 1);
            assert_eq!(index.manifests[0].artifact_type, ARTIFACT_TYPE);
        }

        /// `It("should create nested indexes")`
        #[test]
        fn should_create_nested_indexes() {
            let test_repo = index_test_repo("create", "nested-index");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "nested"),
                "multi"
            )
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "nested")],
                &[multi_arch::descriptor_object()],
            );
        }

        /// `It("should create index from image with non-json config")`
        #[test]
        fn should_create_index_from_image_with_non_json_config() {
            let test_repo = index_test_repo("create", "nonjson-config");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "unusual-config"),
                "nonjson-config"
            )
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "unusual-config")],
                &[nonjson_config::descriptor()],
            );
        }

        /// `It("should create index with annotations")`
        #[test]
        fn should_create_index_with_annotations() {
            let test_repo = index_test_repo("create", "with-annotations");
            let (key, value) = ("image-anno-key", "image-anno-value");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "v1"),
                "--annotation",
                format!("{key}={value}")
            )
            .exec();
            // verify
            let content = oras!("manifest", "fetch", zot(&test_repo, "v1")).exec().out;
            let manifest = must_manifest(content.contents());
            assert_eq!(
                manifest
                    .annotations
                    .unwrap_or_default()
                    .get(key)
                    .map(String::as_str),
                Some(value)
            );
        }

        /// `It("should create index with artifactType")`
        #[test]
        fn should_create_index_with_artifact_type() {
            let test_repo = index_test_repo("create", "with-artifact-type");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "v1"),
                "--artifact-type",
                ARTIFACT_TYPE
            )
            .exec();
            // verify
            assert_eq!(
                fetch_index(&[&zot(&test_repo, "v1")]).artifact_type,
                ARTIFACT_TYPE
            );
        }

        /// `It("should create index with artifactType while ignoring redundant options")`
        #[test]
        fn should_create_index_with_artifact_type_while_ignoring_redundant_options() {
            let test_repo = index_test_repo("create", "with-artifact-type-multi");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, "v1"),
                "--artifact-type",
                "application/vnd.test-ignored",
                "--artifact-type",
                ARTIFACT_TYPE
            )
            .exec();
            // verify
            assert_eq!(
                fetch_index(&[&zot(&test_repo, "v1")]).artifact_type,
                ARTIFACT_TYPE
            );
        }

        /// `It("should reject invalid artifactType")`
        #[test]
        fn should_reject_invalid_artifact_type() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                layout_ref(root.path(), "index"),
                "--artifact-type",
                "invalid",
                AMD64
            )
            .expect_failure()
            .match_err_key_words(&["invalid media type"])
            .exec();
        }

        /// `It("should output created index to file")`
        #[test]
        fn should_output_created_index_to_file() {
            let test_repo = index_test_repo("create", "output-to-file");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let dir = temp_dir();
            let file_path = path_str(dir.join("createdIndex"));
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, ""),
                AMD64,
                "--output",
                file_path
            )
            .exec();
            match_file(&file_path, multi_arch::OUTPUT_INDEX);
        }

        /// `It("should output created index to stdout")`
        #[test]
        fn should_output_created_index_to_stdout() {
            let test_repo = index_test_repo("create", "output-to-stdout");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, ""),
                AMD64,
                "--output",
                "-"
            )
            .match_content(multi_arch::OUTPUT_INDEX)
            .exec();
        }

        /// `It("should fail if given a reference that does not exist in the repo")`
        #[test]
        fn should_fail_if_given_a_reference_that_does_not_exist_in_the_repo() {
            let test_repo = index_test_repo("create", "nonexist-ref");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, ""),
                "does-not-exist"
            )
            .expect_failure()
            .match_err_key_words(&["Error", "could not find", "does-not-exist"])
            .exec();
        }

        /// `It("should fail if given annotation input of wrong format")`
        #[test]
        fn should_fail_if_given_annotation_input_of_wrong_format() {
            let test_repo = index_test_repo("create", "bad-annotations");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "create",
                zot(&test_repo, ""),
                AMD64,
                "-a",
                "foo:bar"
            )
            .expect_failure()
            .match_err_key_words(&[
                "Error",
                "annotation value doesn't match the required format",
            ])
            .exec();
        }
    }

    /// ``When("running `manifest index update`")``
    mod running_manifest_index_update {
        use super::*;

        /// `manifest index create <repo>:<tag> <sources>` to update later.
        fn create(test_repo: &str, tag: &str, sources: &[&str]) {
            oras!("manifest", "index", "create", zot(test_repo, tag))
                .args(sources)
                .exec();
        }

        /// `It("should update by specifying the index tag")`
        #[test]
        fn should_update_by_specifying_the_index_tag() {
            let test_repo = index_test_repo("update", "by-index-tag");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "latest", &[AMD64, ARM64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "latest"),
                "--add",
                ARMV7
            )
            .match_key_words(&[UPDATED_INDEX])
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "latest")],
                &[
                    multi_arch::linux_amd64(),
                    multi_arch::linux_arm64(),
                    multi_arch::linux_armv7(),
                ],
            );
        }

        /// `It("should update by specifying the index digest")`
        #[test]
        fn should_update_by_specifying_the_index_digest() {
            let test_repo = index_test_repo("update", "by-index-digest");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "", &[AMD64, ARM64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, AMD64_ARM64_INDEX),
                "--add",
                ARMV7
            )
            .match_key_words(&[UPDATED_INDEX])
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, UPDATED_INDEX)],
                &[
                    multi_arch::linux_amd64(),
                    multi_arch::linux_arm64(),
                    multi_arch::linux_armv7(),
                ],
            );
        }

        /// `It("should update by add, merge and remove flags")`
        #[test]
        fn should_update_by_add_merge_and_remove_flags() {
            let test_repo = index_test_repo("update", "all-flags");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create indexes for testing purpose
            create(&test_repo, "index01", &[AMD64]);
            create(&test_repo, "index02", &[ARM64]);
            // update index with add, merge and remove flags
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "index01"),
                "--add",
                ARMV7,
                "--merge",
                "index02",
                "--remove",
                AMD64
            )
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "index01")],
                &[multi_arch::linux_armv7(), multi_arch::linux_arm64()],
            );
        }

        /// `It("should update artifactType")`
        #[test]
        fn should_update_artifact_type() {
            let test_repo = index_test_repo("update", "artifact-type");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // source index
            create(&test_repo, "index", &[AMD64]);
            // update index with artifact type
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "index"),
                "--artifact-type",
                ARTIFACT_TYPE
            )
            .exec();
            // verify
            assert_eq!(
                fetch_index(&[&zot(&test_repo, "index")]).artifact_type,
                ARTIFACT_TYPE
            );
        }

        /// `It("should remove artifactType")`
        #[test]
        fn should_remove_artifact_type() {
            let test_repo = index_test_repo("update", "artifact-type-unset");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // source index
            create(
                &test_repo,
                "index",
                &["--artifact-type", "application/vnd.old", AMD64],
            );
            // update index with artifact type
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "index"),
                "--artifact-type",
                ""
            )
            .exec();
            // verify
            assert_eq!(fetch_index(&[&zot(&test_repo, "index")]).artifact_type, "");
        }

        /// `It("should update and tag the updated index by --tag flag")`
        #[test]
        fn should_update_and_tag_the_updated_index_by_tag_flag() {
            let test_repo = index_test_repo("update", "tag-updated-index");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "", &[AMD64, ARM64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, AMD64_ARM64_INDEX),
                "--add",
                ARMV7,
                "--tag",
                "updated"
            )
            .match_key_words(&[UPDATED_INDEX])
            .exec();
            // verify
            fetch_and_validate(
                &[&zot(&test_repo, "updated")],
                &[
                    multi_arch::linux_amd64(),
                    multi_arch::linux_arm64(),
                    multi_arch::linux_armv7(),
                ],
            );
        }

        /// `It("should output updated index to file")`
        #[test]
        fn should_output_updated_index_to_file() {
            let test_repo = index_test_repo("update", "output-to-file");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let dir = temp_dir();
            let file_path = path_str(dir.join("updatedIndex"));
            // create an index for testing purpose
            create(&test_repo, "v1", &[]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "v1"),
                "--add",
                AMD64,
                "--output",
                file_path
            )
            .exec();
            match_file(&file_path, multi_arch::OUTPUT_INDEX);
        }

        /// `It("should output updated index to stdout")`
        #[test]
        fn should_output_updated_index_to_stdout() {
            let test_repo = index_test_repo("update", "output-to-stdout");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "v1", &[]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "v1"),
                "--add",
                AMD64,
                "--output",
                "-"
            )
            .match_content(multi_arch::OUTPUT_INDEX)
            .exec();
        }

        /// `It("should tell user nothing to update if no update flags are used")`
        #[test]
        fn should_tell_user_nothing_to_update_if_no_update_flags_are_used() {
            let test_repo = index_test_repo("update", "no-flags");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "nothing-to-update")
            )
            .match_key_words(&["nothing to update"])
            .exec();
        }

        /// `It("should fail if empty reference is given")`
        #[test]
        fn should_fail_if_empty_reference_is_given() {
            let test_repo = index_test_repo("update", "empty-reference");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, ""),
                "--add",
                ARMV7
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "no tag or digest specified"])
            .exec();
        }

        /// `It("should fail if a wrong reference is given as the index to update")`
        #[test]
        fn should_fail_if_a_wrong_reference_is_given_as_the_index_to_update() {
            let test_repo = index_test_repo("update", "wrong-index-ref");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "does-not-exist"),
                "--add",
                ARMV7
            )
            .expect_failure()
            .match_err_key_words(&["Error", "could not find", "does-not-exist"])
            .exec();
        }

        /// `It("should fail if a wrong reference is given as the manifest to add")`
        #[test]
        fn should_fail_if_a_wrong_reference_is_given_as_the_manifest_to_add() {
            let test_repo = index_test_repo("update", "wrong-add-ref");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "add-wrong-tag", &[AMD64, ARM64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "add-wrong-tag"),
                "--add",
                "does-not-exist"
            )
            .expect_failure()
            .match_err_key_words(&["Error", "could not find", "does-not-exist"])
            .exec();
        }

        /// `It("should fail if a wrong reference is given as the index to merge")`
        #[test]
        fn should_fail_if_a_wrong_reference_is_given_as_the_index_to_merge() {
            let test_repo = index_test_repo("update", "wrong-merge-ref");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "merge-wrong-tag", &[AMD64, ARM64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "merge-wrong-tag"),
                "--merge",
                "does-not-exist"
            )
            .expect_failure()
            .match_err_key_words(&["Error", "could not find", "does-not-exist"])
            .exec();
        }

        /// `It("should fail if a non-digest reference is given as the manifest to remove")`
        #[test]
        fn should_fail_if_a_non_digest_reference_is_given_as_the_manifest_to_remove() {
            let test_repo = index_test_repo("update", "remove-by-tag");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "remove-by-tag", &[AMD64, ARM64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "remove-by-tag"),
                "--remove",
                "latest"
            )
            .expect_failure()
            .match_err_key_words(&["Error", "latest", "is not a digest"])
            .exec();
        }

        /// `It("should fail if delete a manifest that does not exist in the index")`
        #[test]
        fn should_fail_if_delete_a_manifest_that_does_not_exist_in_the_index() {
            let test_repo = index_test_repo("update", "wrong-remove-ref-index");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // create an index for testing purpose
            create(&test_repo, "remove-not-exist", &[AMD64]);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "remove-not-exist"),
                "--remove",
                ARM64
            )
            .expect_failure()
            .match_err_key_words(&["Error", "does not exist"])
            .exec();
        }

        /// `It("should fail if --tag is used with --output")`
        #[test]
        fn should_fail_if_tag_is_used_with_output() {
            let test_repo = index_test_repo("update", "tag-and-output");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            // add a manifest to the index
            oras!(
                "manifest",
                "index",
                "update",
                zot(&test_repo, "v1"),
                "--add",
                AMD64,
                "--output",
                "-",
                "--tag",
                "v2"
            )
            .expect_failure()
            .match_err_key_words(&["--tag, --output cannot be used at the same time"])
            .exec();
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// `manifest index create --oci-layout <root>:<tag> <args>`.
    fn create(root: &TempDir, tag: &str, args: &[&str]) {
        oras!(
            "manifest",
            "index",
            "create",
            LAYOUT,
            layout_ref(root.path(), tag)
        )
        .args(args)
        .exec();
    }

    /// `manifest fetch --oci-layout <ref>`, decoded as an index.
    #[track_caller]
    fn fetch(reference: &str) -> Index {
        fetch_index(&[LAYOUT, reference])
    }

    /// ``When("running `manifest index create`")``
    mod running_manifest_index_create {
        use super::*;

        /// `It("should create an index with source manifest digest")`
        #[test]
        fn should_create_an_index_with_source_manifest_digest() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            oras!("manifest", "index", "create", LAYOUT, index_ref, AMD64)
                .with_work_dir(root.path())
                .exec();
            // verify
            validate_index_of(&fetch(&index_ref), &[multi_arch::linux_amd64()]);
        }

        /// `It("should create an index with source manifest tag")`
        #[test]
        fn should_create_an_index_with_source_manifest_tag() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "linux-amd64"
            )
            .with_work_dir(root.path())
            .exec();
            // verify
            validate_index_of(&fetch(&index_ref), &[multi_arch::linux_amd64()]);
        }

        /// `It("should create an index without tagging it")`
        #[test]
        fn should_create_an_index_without_tagging_it() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "");
            let digest = "sha256:c543059818cb70e6442597a33454ec1e3d3a2bdb526c17875578d33c2ddcf72e";
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "linux-amd64"
            )
            .with_work_dir(root.path())
            .match_key_words(&[format!("Digest: {digest}")])
            .exec();
            // verify
            validate_index_of(
                &fetch(&layout_ref(root.path(), digest)),
                &[multi_arch::linux_amd64()],
            );
        }

        /// `It("should create an index with multiple tags")`
        #[test]
        fn should_create_an_index_with_multiple_tags() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = format!("{},t1,t2,t3", layout_ref(root.path(), "t0"));
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "linux-amd64"
            )
            .with_work_dir(root.path())
            .exec();
            // verify
            for tag in ["t0", "t1", "t2", "t3"] {
                validate_index_of(
                    &fetch(&layout_ref(root.path(), tag)),
                    &[multi_arch::linux_amd64()],
                );
            }
        }

        /// `It("should copy artifactType from child manifests")`
        #[test]
        fn should_copy_artifact_type_from_child_manifests() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let (_dir, cwd) = suite_work_dir();
            oras!(
                "push",
                "--artifact-type",
                ARTIFACT_TYPE,
                LAYOUT,
                layout_ref(root.path(), "with-artifact-type"),
                BAR_FILE
            )
            .with_work_dir(&cwd)
            .match_key_words(&["Pushed", "ArtifactType", ARTIFACT_TYPE])
            .exec();
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                layout_ref(root.path(), "latest"),
                "with-artifact-type"
            )
            .match_key_words(&["Fetched", "with-artifact-type", "Pushed"])
            .exec();
            // verify
            let index = fetch(&layout_ref(root.path(), "latest"));
            assert_eq!(index.artifact_type, "");
            should_have_len(&index.manifests, 1);
            assert_eq!(index.manifests[0].artifact_type, ARTIFACT_TYPE);
        }

        /// `It("should create nested indexes")`
        #[test]
        fn should_create_nested_indexes() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "nested-index");
            oras!("manifest", "index", "create", LAYOUT, index_ref, "multi")
                .with_work_dir(root.path())
                .exec();
            // verify
            validate_index_of(&fetch(&index_ref), &[multi_arch::descriptor_object()]);
        }

        /// `It("should create index from image with non-json config")`
        #[test]
        fn should_create_index_from_image_with_non_json_config() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "unusual-config");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "nonjson-config"
            )
            .with_work_dir(root.path())
            .exec();
            // verify
            validate_index_of(&fetch(&index_ref), &[nonjson_config::descriptor()]);
        }

        /// `It("should create index with annotations")`
        #[test]
        fn should_create_index_with_annotations() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "with-annotations");
            let (key, value) = ("image-anno-key", "image-anno-value");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "--annotation",
                format!("{key}={value}")
            )
            .exec();
            // verify
            let content = oras!("manifest", "fetch", LAYOUT, index_ref).exec().out;
            let manifest = must_manifest(content.contents());
            assert_eq!(
                manifest
                    .annotations
                    .unwrap_or_default()
                    .get(key)
                    .map(String::as_str),
                Some(value)
            );
        }

        /// `It("should create index with artifactType")`
        #[test]
        fn should_create_index_with_artifact_type() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "with-artifact-type");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "--artifact-type",
                ARTIFACT_TYPE
            )
            .exec();
            // verify
            assert_eq!(fetch(&index_ref).artifact_type, ARTIFACT_TYPE);
        }

        /// `It("should create index with artifactType while ignoring redundant options")`
        #[test]
        fn should_create_index_with_artifact_type_while_ignoring_redundant_options() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "with-artifact-type-multi");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "--artifact-type",
                "application/vnd.test-ignored",
                "--artifact-type",
                ARTIFACT_TYPE
            )
            .exec();
            // verify
            assert_eq!(fetch(&index_ref).artifact_type, ARTIFACT_TYPE);
        }

        /// `It("should output created index to file")`
        #[test]
        fn should_output_created_index_to_file() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "output-to-file");
            let dir = temp_dir();
            let file_path = path_str(dir.join("createdIndex"));
            oras!(
                "manifest", "index", "create", LAYOUT, index_ref, AMD64, "--output", file_path
            )
            .exec();
            match_file(&file_path, multi_arch::OUTPUT_INDEX);
        }

        /// `It("should output created index to stdout")`
        #[test]
        fn should_output_created_index_to_stdout() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "output-to-stdout");
            oras!(
                "manifest", "index", "create", LAYOUT, index_ref, AMD64, "--output", "-"
            )
            .match_content(multi_arch::OUTPUT_INDEX)
            .exec();
        }

        /// `It("should fail if given a reference that does not exist in the repo")`
        #[test]
        fn should_fail_if_given_a_reference_that_does_not_exist_in_the_repo() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                "does-not-exist"
            )
            .expect_failure()
            .match_err_key_words(&["Error", "could not find", "does-not-exist"])
            .exec();
        }

        /// `It("should fail if given a digest that is not a manifest")`
        #[test]
        fn should_fail_if_given_a_digest_that_is_not_a_manifest() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            oras!(
                "manifest",
                "index",
                "create",
                LAYOUT,
                index_ref,
                NOT_A_MANIFEST
            )
            .expect_failure()
            .match_err_key_words(&["is not a manifest"])
            .exec();
        }
    }

    /// ``When("running `manifest index update`")``
    mod running_manifest_index_update {
        use super::*;

        /// `manifest index update --oci-layout <ref> <args>`.
        fn update(reference: &str, args: &[&str]) -> crate::e2e::exec::Exec {
            oras!("manifest", "index", "update", LAYOUT, reference).args(args)
        }

        /// `It("should update by specifying the index tag")`
        #[test]
        fn should_update_by_specifying_the_index_tag() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            // create an index for testing purpose
            create(&root, "latest", &[AMD64, ARM64]);
            // add a manifest to the index
            update(&index_ref, &["--add", ARMV7])
                .match_key_words(&[UPDATED_INDEX])
                .exec();
            // verify
            validate_index_of(
                &fetch(&index_ref),
                &[
                    multi_arch::linux_amd64(),
                    multi_arch::linux_arm64(),
                    multi_arch::linux_armv7(),
                ],
            );
        }

        /// `It("should update by specifying the index digest")`
        #[test]
        fn should_update_by_specifying_the_index_digest() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // create an index for testing purpose
            create(&root, "", &[AMD64, ARM64]);
            // add a manifest to the index
            update(
                &layout_ref(root.path(), AMD64_ARM64_INDEX),
                &["--add", ARMV7],
            )
            .match_key_words(&[UPDATED_INDEX])
            .exec();
            // verify
            validate_index_of(
                &fetch(&layout_ref(root.path(), UPDATED_INDEX)),
                &[
                    multi_arch::linux_amd64(),
                    multi_arch::linux_arm64(),
                    multi_arch::linux_armv7(),
                ],
            );
        }

        /// `It("should update by add, merge and remove flags")`
        #[test]
        fn should_update_by_add_merge_and_remove_flags() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // create indexes for testing purpose
            create(&root, "index01", &[AMD64]);
            create(&root, "index02", &[ARM64]);
            // update index with add, merge and remove flags
            update(
                &layout_ref(root.path(), "index01"),
                &["--add", ARMV7, "--merge", "index02", "--remove", AMD64],
            )
            .exec();
            // verify
            validate_index_of(
                &fetch(&layout_ref(root.path(), "index01")),
                &[multi_arch::linux_armv7(), multi_arch::linux_arm64()],
            );
        }

        /// `It("should update artifactType")`
        #[test]
        fn should_update_artifact_type() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // source index
            create(&root, "index", &[AMD64]);
            // update index with artifact type
            update(
                &layout_ref(root.path(), "index"),
                &["--artifact-type", ARTIFACT_TYPE],
            )
            .exec();
            // verify
            assert_eq!(
                fetch(&layout_ref(root.path(), "index")).artifact_type,
                ARTIFACT_TYPE
            );
        }

        /// `It("should remove artifactType")`
        #[test]
        fn should_remove_artifact_type() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // source index
            create(
                &root,
                "index",
                &["--artifact-type", "application/vnd.old", AMD64],
            );
            // update index with artifact type
            update(&layout_ref(root.path(), "index"), &["--artifact-type", ""]).exec();
            // verify
            assert_eq!(fetch(&layout_ref(root.path(), "index")).artifact_type, "");
        }

        /// `It("should preserve artifactType when not overridden")`
        #[test]
        fn should_preserve_artifact_type_when_not_overridden() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // source index
            create(
                &root,
                "index",
                &["--artifact-type", "application/vnd.old", AMD64],
            );
            // update index with artifact type
            update(&layout_ref(root.path(), "index"), &[]).exec();
            // verify
            assert_eq!(
                fetch(&layout_ref(root.path(), "index")).artifact_type,
                "application/vnd.old"
            );
        }

        /// `It("should reject invalid artifactType")`
        #[test]
        fn should_reject_invalid_artifact_type() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // source index
            create(
                &root,
                "index",
                &["--artifact-type", "application/vnd.old", AMD64],
            );
            // update index with invalid artifact type
            update(
                &layout_ref(root.path(), "index"),
                &["--artifact-type", "invalid"],
            )
            .expect_failure()
            .match_err_key_words(&["invalid media type"])
            .exec();
        }

        /// `It("should output updated index to file")`
        #[test]
        fn should_output_updated_index_to_file() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let dir = temp_dir();
            let file_path = path_str(dir.join("updatedIndex"));
            // create an index for testing purpose
            create(&root, "index01", &[]);
            // add a manifest to the index
            update(
                &layout_ref(root.path(), "index01"),
                &["--add", AMD64, "--output", &file_path],
            )
            .exec();
            match_file(&file_path, multi_arch::OUTPUT_INDEX);
        }

        /// `It("should output updated index to stdout")`
        #[test]
        fn should_output_updated_index_to_stdout() {
            let root = prepare_temp_oci(IMAGE_REPO);
            // create an index for testing purpose
            create(&root, "index01", &[]);
            // add a manifest to the index
            update(
                &layout_ref(root.path(), "index01"),
                &["--add", AMD64, "--output", "-"],
            )
            .match_content(multi_arch::OUTPUT_INDEX)
            .exec();
        }

        /// `It("should tell user nothing to update if no update flags are used")`
        #[test]
        fn should_tell_user_nothing_to_update_if_no_update_flags_are_used() {
            let root = prepare_temp_oci(IMAGE_REPO);
            update(&layout_ref(root.path(), "latest"), &[])
                .match_key_words(&["nothing to update"])
                .exec();
        }

        /// `It("should fail if empty reference is given")`
        #[test]
        fn should_fail_if_empty_reference_is_given() {
            let root = prepare_temp_oci(IMAGE_REPO);
            update(&layout_ref(root.path(), ""), &["--add", ARMV7])
                .expect_failure()
                .match_err_key_words(&["Error:", "no tag or digest specified"])
                .exec();
        }

        /// `It("should fail if a non-index reference is given as the index to update")`
        #[test]
        fn should_fail_if_a_non_index_reference_is_given_as_the_index_to_update() {
            let root = prepare_temp_oci(IMAGE_REPO);
            update(&layout_ref(root.path(), "linux-amd64"), &["--add", ARMV7])
                .expect_failure()
                .match_err_key_words(&["Error", "is not an index"])
                .exec();
        }

        /// `It("should fail if a non-manifest reference is given as the manifest to add")`
        #[test]
        fn should_fail_if_a_non_manifest_reference_is_given_as_the_manifest_to_add() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            // create an index for testing purpose
            create(&root, "latest", &[AMD64, ARM64]);
            // add a manifest to the index
            update(&index_ref, &["--add", NOT_A_MANIFEST])
                .expect_failure()
                .match_err_key_words(&["Error", "is not a manifest"])
                .exec();
        }

        /// `It("should fail if a wrong reference is given as the index to merge")`
        #[test]
        fn should_fail_if_a_wrong_reference_is_given_as_the_index_to_merge() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let index_ref = layout_ref(root.path(), "latest");
            // create an index for testing purpose
            create(&root, "latest", &[AMD64, ARM64]);
            // add a manifest to the index
            update(&index_ref, &["--merge", "linux-amd64"])
                .expect_failure()
                .match_err_key_words(&["Error", "is not an index"])
                .exec();
        }
    }
}
