//! `test/e2e/suite/command/backup.go`: `oras backup` of one tag, several
//! tags and every tag of a repository, into a directory or a tar archive,
//! with and without referrers, and its refusals.

use super::*;
use std::path::Path;

/// `verifyBackupDirectoryStructure`: a directory, with no `ingest` left.
#[track_caller]
pub fn verify_backup_directory_structure(backup_path: &Path) {
    assert!(
        backup_path.is_dir(),
        "{} is a directory",
        backup_path.display()
    );
    assert!(
        !backup_path.join("ingest").is_file(),
        "no ingest file in {}",
        backup_path.display()
    );
}

/// `verifyBackupTarStructure`: a file, not a directory.
#[track_caller]
fn verify_backup_tar_structure(tar_path: &Path) {
    assert!(tar_path.exists(), "{} exists", tar_path.display());
    assert!(
        !tar_path.is_dir(),
        "{} is not a directory",
        tar_path.display()
    );
}

/// `compareBackupRef(srcRef, dstRef)`: the manifest in the registry and
/// the one in the backup are the same bytes.
#[track_caller]
fn compare_backup_ref(src_ref: &str, dst_ref: &str) {
    let src = oras!("manifest", "fetch", src_ref)
        .with_description("fetch from source to validate")
        .exec();
    let dst = oras!("manifest", "fetch", LAYOUT, dst_ref)
        .with_description("fetch from destination OCI layout to validate")
        .exec();
    same_bytes(&src, &dst);
}

/// `backupTestRepo`.
fn backup_test_repo(text: &str) -> String {
    format!("command/backup/{}/{text}", random_seed())
}

/// The referrers the backup's `dst_ref` lists, each compared with the one
/// in `src_repo` on `host`.
#[track_caller]
fn compare_backup_referrers(host: &str, src_repo: &str, out_dir: &Path, dst_ref: &str) {
    let referrers = oras!(
        "discover",
        LAYOUT,
        dst_ref,
        "--format",
        "go-template={{range .referrers}}{{println .digest}}{{end}}"
    )
    .exec();
    for digest in lines_of(&referrers) {
        compare_backup_ref(
            &registry_ref(host, src_repo, &digest),
            &layout_ref(out_dir, &digest),
        );
    }
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running backup command")`
    mod running_backup_command {
        use super::*;

        /// `It("should show help description with experimental flag")`
        #[test]
        fn should_show_help_description_with_experimental_flag() {
            let out = oras!("backup", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            out.should_say(&quote_meta(feature::EXPERIMENTAL_MARK));
        }

        /// `It("should fail when no reference provided")`
        #[test]
        fn should_fail_when_no_reference_provided() {
            oras!("backup")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when no output path provided")`
        #[test]
        fn should_fail_when_no_output_path_provided() {
            oras!("backup", registry_ref(zot_host(), IMAGE_REPO, foobar::TAG))
                .expect_failure()
                .match_err_key_words(&["Error:", r#"required flag(s) "output" not set"#])
                .exec();
        }

        /// `It("should fail when the output path is empty")`
        #[test]
        fn should_fail_when_the_output_path_is_empty() {
            oras!(
                "backup",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "-o",
                ""
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "the output path cannot be empty"])
            .exec();
        }

        /// `It("should fail when source doesn't exist")`
        #[test]
        fn should_fail_when_source_doesnt_exist() {
            let tmp = temp_dir();
            oras!(
                "backup",
                "--output",
                path_str(tmp.path()),
                registry_ref(zot_host(), IMAGE_REPO, INVALID_TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error:", INVALID_TAG])
            .exec();
        }

        /// `It("should fail with appropriate error when digest is provided")`
        #[test]
        fn should_fail_with_appropriate_error_when_digest_is_provided() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("digest-reference");
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                "invalid/format@sha256:digest"
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "digest references are not supported"])
            .exec();
        }

        /// `It("should fail with appropriate error when invalid tag format provided")`
        #[test]
        fn should_fail_with_appropriate_error_when_invalid_tag_format_provided() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("invalid-tag");
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                "localhost:5000/repo:invalid+tag"
            )
            .expect_failure()
            .match_err_key_words(&["Error:"])
            .exec();
        }

        /// `It("should fail with appropriate error when tag is provided with digest")`
        #[test]
        fn should_fail_with_appropriate_error_when_tag_is_provided_with_digest() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("invalid-reference");
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                "invalid/format:v1,@sha256:123abc"
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "digest references are not supported"])
            .exec();
        }
    }
}

/// `Describe("ORAS users:")`
mod oras_users {
    use super::*;

    /// `When("backing up a single tag")`
    mod backing_up_a_single_tag {
        use super::*;

        /// `It("should successfully backup an image to a directory")`
        #[test]
        fn should_successfully_backup_an_image_to_a_directory() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-single-tag");
            let src_ref = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let keys = foobar::foobar_states();
            oras!("backup", "--output", path_str(&out_dir), src_ref)
                .match_status(&keys, true, keys.len())
                .match_key_words(&["Successfully backed up 1 tag(s)"])
                .exec();
            verify_backup_directory_structure(&out_dir);
            compare_backup_ref(&src_ref, &layout_ref(&out_dir, foobar::TAG));
        }

        /// `It("should backup an artifact with its referrers to a directory")`
        #[test]
        fn should_backup_an_artifact_with_its_referrers_to_a_directory() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-single-tag-referrers");
            let src_ref = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            let keys = foobar::image_and_referrers_state_keys();
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                INCLUDE_REFERRERS,
                src_ref
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["2 referrer(s)"])
            .match_key_words(&["Successfully backed up 1 tag(s)"])
            .exec();
            verify_backup_directory_structure(&out_dir);
            let dst_ref = layout_ref(&out_dir, foobar::TAG);
            compare_backup_ref(&src_ref, &dst_ref);
            compare_backup_referrers(zot_host(), ARTIFACT_REPO, &out_dir, &dst_ref);
        }

        /// `It("should successfully backup a multi-arch artifact to a directory")`
        #[test]
        fn should_successfully_backup_a_multi_arch_artifact_to_a_directory() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-multi-arch");
            let src_ref = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let keys = multi_arch::index_state_keys();
            oras!("backup", "--output", path_str(&out_dir), src_ref)
                .match_status(&keys, true, keys.len())
                .match_key_words(&["Successfully backed up 1 tag(s)"])
                .exec();
            verify_backup_directory_structure(&out_dir);
            compare_backup_ref(&src_ref, &layout_ref(&out_dir, multi_arch::TAG));
        }

        /// `It("should successfully backup a multi-arch artifact with referrers to a directory")`
        #[test]
        fn should_successfully_backup_a_multi_arch_artifact_with_referrers_to_a_directory() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-multi-arch-referrers");
            let src_ref = registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG);
            let keys = multi_arch::index_and_referrers_state_keys();
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                INCLUDE_REFERRERS,
                src_ref
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["3 referrer(s)"])
            .match_key_words(&["Successfully backed up 1 tag(s)"])
            .exec();
            verify_backup_directory_structure(&out_dir);
            let dst_ref = layout_ref(&out_dir, multi_arch::TAG);
            compare_backup_ref(&src_ref, &dst_ref);
            compare_backup_referrers(zot_host(), ARTIFACT_REPO, &out_dir, &dst_ref);
        }

        /// `It("should back up a multi-arch image (itself has no referrers), child images and referrers of the child images, to a directory")`
        #[test]
        fn should_back_up_a_multi_arch_image_itself_has_no_referrers_child_images_and_referrers_of_the_child_images_to_a_directory()
         {
            let tag = "v1.3.8";
            let src_ref = registry_ref(zot_host(), ARTIFACT_REPO, tag);
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-index-without-referrers");
            let keys = v138_state_keys();
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                INCLUDE_REFERRERS,
                src_ref
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["3 referrer(s)"])
            .match_key_words(&["Successfully backed up 1 tag(s)"])
            .exec();
            verify_backup_directory_structure(&out_dir);
            // validate that the index is copied
            compare_backup_ref(&src_ref, &layout_ref(&out_dir, tag));
            // the child images, then the referrers of the child images
            for digest in V138_CHILDREN.iter().chain(&V138_CHILD_REFERRERS) {
                compare_backup_ref(
                    &registry_ref(zot_host(), ARTIFACT_REPO, digest),
                    &layout_ref(&out_dir, digest),
                );
            }
        }

        #[track_caller]
        fn backup_to_tar(name: &str) {
            let tmp = temp_dir();
            let out_tar = tmp.path().join(name);
            let src_ref = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let keys = foobar::foobar_states();
            oras!("backup", "--output", path_str(&out_tar), src_ref)
                .match_status(&keys, true, keys.len())
                .exec();
            verify_backup_tar_structure(&out_tar);
            compare_backup_ref(&src_ref, &layout_ref(&out_tar, foobar::TAG));
        }

        /// `It("should successfully backup an image to tar file")`
        #[test]
        fn should_successfully_backup_an_image_to_tar_file() {
            backup_to_tar("backup-single-tag.tar");
        }

        /// `It("should successfully backup an image to tar file (case insensitive)")`
        #[test]
        fn should_successfully_backup_an_image_to_tar_file_case_insensitive() {
            backup_to_tar("backup-single-tag.tAr");
        }
    }

    /// `When("backing up multiple tags")`
    mod backing_up_multiple_tags {
        use super::*;

        const SRC_TAGS: [&str; 2] = [foobar::TAG, multi_arch::TAG];

        /// `It("should backup all specified tags")`
        #[test]
        fn should_backup_all_specified_tags() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-multiple-tags");
            let src_refs = format!("{}/{ARTIFACT_REPO}:{}", zot_host(), SRC_TAGS.join(","));
            let keys = foobar_and_multi_state_keys();
            oras!("backup", "--output", path_str(&out_dir), src_refs)
                .match_status(&keys, true, keys.len())
                .match_key_words(&["Successfully backed up 2 tag(s)"])
                .exec();
            verify_backup_directory_structure(&out_dir);
            for tag in SRC_TAGS {
                compare_backup_ref(
                    &registry_ref(zot_host(), ARTIFACT_REPO, tag),
                    &layout_ref(&out_dir, tag),
                );
            }
        }

        /// `It("should backup all specified tags with referrers")`
        #[test]
        fn should_backup_all_specified_tags_with_referrers() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-multiple-tags-referrers");
            let src_refs = format!("{}/{ARTIFACT_REPO}:{}", zot_host(), SRC_TAGS.join(","));
            let keys = foobar_and_multi_with_referrers_state_keys();
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                INCLUDE_REFERRERS,
                src_refs
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["Successfully backed up 2 tag(s)"])
            .exec();
            verify_backup_directory_structure(&out_dir);
            for tag in SRC_TAGS {
                let dst_ref = layout_ref(&out_dir, tag);
                compare_backup_ref(&registry_ref(zot_host(), ARTIFACT_REPO, tag), &dst_ref);
                compare_backup_referrers(zot_host(), ARTIFACT_REPO, &out_dir, &dst_ref);
            }
        }

        /// `It("should auto-discover and back up all tags when no tag is specified")`
        #[test]
        fn should_auto_discover_and_back_up_all_tags_when_no_tag_is_specified() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-discovered-tags");
            let keys = foobar_and_multi_state_keys();
            let test_repo = backup_test_repo("backup-discovered-tags");
            for tag in SRC_TAGS {
                prepare(
                    &registry_ref(zot_host(), ARTIFACT_REPO, tag),
                    &registry_ref(zot_host(), &test_repo, tag),
                );
            }
            let src_refs = format!("{}/{test_repo}", zot_host());
            oras!("backup", "--output", path_str(&out_dir), src_refs)
                .match_status(&keys, true, keys.len())
                .match_key_words(&["Successfully backed up 2 tag(s)"])
                .exec();
            verify_backup_directory_structure(&out_dir);
            for tag in SRC_TAGS {
                compare_backup_ref(
                    &registry_ref(zot_host(), ARTIFACT_REPO, tag),
                    &layout_ref(&out_dir, tag),
                );
            }
        }

        /// `It("should auto-discover and backup all tags with referrers when no tag is specified")`
        /// (On `api_host()`: zot answers the referrers API, and Debian's
        /// registry, without it, keeps referrers under `sha256-<hex>` tags,
        /// which "all tags" would count as oras counts them.)
        #[test]
        fn should_auto_discover_and_backup_all_tags_with_referrers_when_no_tag_is_specified() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-discovered-tags-referrers");
            let keys = foobar_and_multi_with_referrers_state_keys();
            let test_repo = backup_test_repo("backup-discovered-tags-referrers");
            for tag in SRC_TAGS {
                oras!(
                    "cp",
                    registry_ref(api_host(), ARTIFACT_REPO, tag),
                    registry_ref(api_host(), &test_repo, tag),
                    "-r"
                )
                .with_description("copying tag to test repo")
                .exec();
            }
            let src_refs = format!("{}/{test_repo}", api_host());
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                INCLUDE_REFERRERS,
                src_refs
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["Successfully backed up 2 tag(s)"])
            .exec();
            verify_backup_directory_structure(&out_dir);
            for tag in SRC_TAGS {
                let dst_ref = layout_ref(&out_dir, tag);
                compare_backup_ref(&registry_ref(api_host(), ARTIFACT_REPO, tag), &dst_ref);
                compare_backup_referrers(api_host(), ARTIFACT_REPO, &out_dir, &dst_ref);
            }
        }
    }

    /// `When("using --distribution-spec flag")`
    mod using_distribution_spec_flag {
        use super::*;

        /// Backs up from `host` with `--distribution-spec spec`; the
        /// referrers are compared with `compare_host`'s.
        #[track_caller]
        fn backup_with(host: &str, compare_host: &str, name: &str, spec: &str) {
            let tmp = temp_dir();
            let out_dir = tmp.path().join(name);
            let src_ref = registry_ref(host, ARTIFACT_REPO, foobar::TAG);
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                INCLUDE_REFERRERS,
                DISTRIBUTION_SPEC,
                spec,
                src_ref
            )
            .match_key_words(&["2 referrer(s)"])
            .exec();
            verify_backup_directory_structure(&out_dir);
            let dst_ref = layout_ref(&out_dir, foobar::TAG);
            compare_backup_ref(&src_ref, &dst_ref);
            compare_backup_referrers(compare_host, ARTIFACT_REPO, &out_dir, &dst_ref);
        }

        /// `It("should backup using referrers API with --distribution-spec v1.1-referrers-api")`
        ///
        /// Zot's referrers API: run against the registry double, which holds
        /// the same layouts and serves that API.
        #[test]
        fn should_backup_using_referrers_api_with_distribution_spec_v1_1_referrers_api() {
            backup_with(
                api_host(),
                api_host(),
                "backup-referrers-api",
                "v1.1-referrers-api",
            );
        }

        /// `It("should backup using tag schema with --distribution-spec v1.1-referrers-tag")`
        #[test]
        fn should_backup_using_tag_schema_with_distribution_spec_v1_1_referrers_tag() {
            // As in Go, the referrers are compared with ZOTHost's.
            backup_with(
                fallback_host(),
                zot_host(),
                "backup-referrers-tag",
                "v1.1-referrers-tag",
            );
        }
    }

    /// `When("using --concurrency flag")`
    mod using_concurrency_flag {
        use super::*;

        /// `It("should successfully backup with custom concurrency level")`
        #[test]
        fn should_successfully_backup_with_custom_concurrency_level() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("concurrency");
            let src = registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG);
            let keys = multi_arch::index_state_keys();
            oras!(
                "backup",
                "--output",
                path_str(&out_dir),
                "--concurrency",
                "1",
                src
            )
            .match_status(&keys, true, keys.len())
            .exec();
            verify_backup_directory_structure(&out_dir);
            compare_backup_ref(&src, &layout_ref(&out_dir, multi_arch::TAG));
        }
    }

    /// `When("handling error cases")`
    mod handling_error_cases {
        use super::*;

        /// `It("should fail when output directory cannot be created")`
        #[test]
        fn should_fail_when_output_directory_cannot_be_created() {
            let tmp = temp_dir();
            let conflict_file = tmp.path().join("backup-conflict-file");
            std::fs::write(&conflict_file, b"").unwrap();
            oras!(
                "backup",
                "--output",
                path_str(&conflict_file),
                registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error:"])
            .exec();
        }

        /// `It("should fail with appropriate error when output path is a directory but tar file expected")`
        #[test]
        fn should_fail_with_appropriate_error_when_output_path_is_a_directory_but_tar_file_expected()
         {
            let tmp = temp_dir();
            let tar_dir_path = tmp.path().join("backup-dir-conflict.tar");
            std::fs::create_dir_all(&tar_dir_path).unwrap();
            oras!(
                "backup",
                "--output",
                path_str(&tar_dir_path),
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "already exists and is a directory"])
            .match_err_key_words(&["To back up to a tar archive, please specify a different output file name or remove the existing directory."])
            .exec();
        }

        /// `It("should fail when the repository doesn't exist")`
        #[test]
        fn should_fail_when_the_repository_doesnt_exist() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-nonexistent-repo");
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let src_ref = format!("{}/nonexistent-repo-{}-{nanos}", zot_host(), random_seed());
            oras!("backup", "--output", path_str(&out_dir), src_ref)
                .expect_failure()
                .match_err_key_words(&["Error response from registry:"])
                .exec();
        }

        /// `It("should fail when no tags are found in the repository")`
        /// (On `api_host()`: zot lists no tags for a repository holding a
        /// manifest pushed by digest only, where Debian's registry answers
        /// `NAME_UNKNOWN`, as for a repository that does not exist.)
        #[test]
        fn should_fail_when_no_tags_are_found_in_the_repository() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-no-tags");
            let test_repo = backup_test_repo("backup-repo-no-tags");
            let src_ref = format!("{}/{test_repo}", api_host());
            prepare(
                &registry_ref(api_host(), ARTIFACT_REPO, foobar::DIGEST),
                &registry_ref(api_host(), &test_repo, foobar::DIGEST),
            );
            oras!("backup", "--output", path_str(&out_dir), src_ref)
                .expect_failure()
                .match_err_key_words(&["Error:", "no tags found"])
                .match_err_key_words(&["oras repo tags"]) // test recommendation
                .exec();
        }

        /// `It("should fail when a specified tag doesn't exist")`
        #[test]
        fn should_fail_when_a_specified_tag_doesnt_exist() {
            let tmp = temp_dir();
            let out_dir = tmp.path().join("backup-nonexistent-tag");
            let src_ref = registry_ref(zot_host(), IMAGE_REPO, INVALID_TAG);
            oras!("backup", "--output", path_str(&out_dir), src_ref)
                .expect_failure()
                .match_err_key_words(&["Error:", INVALID_TAG, "not found"])
                .exec();
        }
    }
}
