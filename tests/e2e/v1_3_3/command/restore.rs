//! `test/e2e/suite/command/restore.go`: `oras restore` from a backup
//! directory or tar archive, one tag, several and all, with and without
//! referrers, `--dry-run`, and its refusals.

use super::*;
use std::path::Path;

/// `restoreTestRepo`.
fn restore_test_repo(text: &str) -> String {
    format!("command/restore/{}/{text}", random_seed())
}

/// `oras backup --output <path> [flags] <src>`, to prepare what is
/// restored.
#[track_caller]
fn backup(out: &Path, flags: &[&str], src: &str) {
    oras!("backup", "--output", path_str(out))
        .args(flags)
        .args(&[src])
        .exec();
}

/// The referrers `dst_ref` lists, each compared with the same digest in
/// `src_repo` on `host`.
#[track_caller]
fn compare_restored_referrers(host: &str, src_repo: &str, dst_repo: &str, dst_ref: &str) {
    let referrers = oras!(
        "discover",
        dst_ref,
        "--format",
        "go-template={{range .referrers}}{{println .digest}}{{end}}"
    )
    .exec();
    for digest in lines_of(&referrers) {
        compare_ref(
            &registry_ref(host, src_repo, &digest),
            &registry_ref(host, dst_repo, &digest),
        );
    }
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running restore command")`
    mod running_restore_command {
        use super::*;

        /// `It("should show help description with experimental flag")`
        #[test]
        fn should_show_help_description_with_experimental_flag() {
            let out = oras!("restore", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            out.should_say(&quote_meta(feature::EXPERIMENTAL_MARK));
        }

        /// `It("should fail when no reference provided")`
        #[test]
        fn should_fail_when_no_reference_provided() {
            oras!("restore")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when no input path provided")`
        #[test]
        fn should_fail_when_no_input_path_provided() {
            oras!("restore", registry_ref(zot_host(), IMAGE_REPO, foobar::TAG))
                .expect_failure()
                .match_err_key_words(&["Error:", r#"required flag(s) "input" not set"#])
                .exec();
        }

        /// `It("should fail when the input path is empty")`
        #[test]
        fn should_fail_when_the_input_path_is_empty() {
            oras!(
                "restore",
                "--input",
                "",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "the input path cannot be empty"])
            .exec();
        }

        /// `It("should fail when input doesn't exist")`
        #[test]
        fn should_fail_when_input_doesnt_exist() {
            let tmp = temp_dir();
            let non_existent = tmp.path().join("non-existent-path");
            oras!(
                "restore",
                "--input",
                path_str(&non_existent),
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error:"])
            .exec();
        }

        /// `It("should fail with appropriate error when digest is provided")`
        #[test]
        fn should_fail_with_appropriate_error_when_digest_is_provided() {
            let tmp = temp_dir();
            oras!(
                "restore",
                "--input",
                path_str(tmp.path()),
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
            oras!(
                "restore",
                "--input",
                path_str(tmp.path()),
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
            oras!(
                "restore",
                "--input",
                path_str(tmp.path()),
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

    /// `When("restoring a single tag")`
    mod restoring_a_single_tag {
        use super::*;

        /// Backs `src_repo:tag` up to `name` (with `backup_flags`), restores
        /// it to a new repository named after `restore_name` with
        /// `restore_flags`, checks the status keys and the referrer count,
        /// then compares; returns the new repository.
        #[track_caller]
        #[allow(clippy::too_many_arguments)]
        fn round_trip(
            src_repo: &str,
            tag: &str,
            name: &str,
            backup_flags: &[&str],
            restore_name: &str,
            restore_flags: &[&str],
            keys: &[StateKey],
            referrers: &str,
        ) -> String {
            let tmp = temp_dir();
            let backup_path = tmp.path().join(name);
            let src_ref = registry_ref(zot_host(), src_repo, tag);
            backup(&backup_path, backup_flags, &src_ref);
            let test_repo = restore_test_repo(restore_name);
            let dst_ref = registry_ref(zot_host(), &test_repo, tag);
            oras!("restore", "--input", path_str(&backup_path))
                .args(restore_flags)
                .args(&[&dst_ref])
                .match_status(keys, true, keys.len())
                .match_key_words(&[referrers])
                .match_key_words(&["Successfully restored 1 tag(s)"])
                .exec();
            compare_ref(&src_ref, &dst_ref);
            test_repo
        }

        /// `It("should successfully restore an image without referrers from a directory")`
        #[test]
        fn should_successfully_restore_an_image_without_referrers_from_a_directory() {
            round_trip(
                IMAGE_REPO,
                foobar::TAG,
                "backup-single-tag",
                &[],
                "restore-single-tag-dir",
                &[EXCLUDE_REFERRERS],
                &foobar::foobar_states(),
                "0 referrer(s)",
            );
        }

        /// `It("should restore an artifact with its referrers from a directory")`
        #[test]
        fn should_restore_an_artifact_with_its_referrers_from_a_directory() {
            let repo = round_trip(
                ARTIFACT_REPO,
                foobar::TAG,
                "backup-with-referrers",
                &[INCLUDE_REFERRERS],
                "restore-with-referrers",
                &[],
                &foobar::image_and_referrers_state_keys(),
                "2 referrer(s)",
            );
            compare_restored_referrers(
                zot_host(),
                ARTIFACT_REPO,
                &repo,
                &registry_ref(zot_host(), &repo, foobar::TAG),
            );
        }

        /// `It("should successfully restore a multi-arch artifact without referrers from a directory")`
        #[test]
        fn should_successfully_restore_a_multi_arch_artifact_without_referrers_from_a_directory() {
            round_trip(
                ARTIFACT_REPO,
                multi_arch::TAG,
                "backup-multi-arch",
                &[],
                "restore-multi-arch",
                &[EXCLUDE_REFERRERS],
                &multi_arch::index_state_keys(),
                "0 referrer(s)",
            );
        }

        /// `It("should successfully restore a multi-arch artifact with referrers from a directory")`
        #[test]
        fn should_successfully_restore_a_multi_arch_artifact_with_referrers_from_a_directory() {
            let repo = round_trip(
                ARTIFACT_REPO,
                multi_arch::TAG,
                "backup-multi-arch-referrers",
                &[INCLUDE_REFERRERS],
                "restore-multi-arch-referrers",
                &[],
                &multi_arch::index_and_referrers_state_keys(),
                "3 referrer(s)",
            );
            compare_restored_referrers(
                zot_host(),
                ARTIFACT_REPO,
                &repo,
                &registry_ref(zot_host(), &repo, multi_arch::TAG),
            );
        }

        /// `It("should restore a multi-arch image with child images and referrers of the child images")`
        #[test]
        fn should_restore_a_multi_arch_image_with_child_images_and_referrers_of_the_child_images() {
            let repo = round_trip(
                ARTIFACT_REPO,
                "v1.3.8",
                "backup-multi-arch-child-referrers",
                &[INCLUDE_REFERRERS],
                "restore-multi-arch-child-referrers",
                &[],
                &v138_state_keys(),
                "3 referrer(s)",
            );
            // the child images, then the referrers of the child images
            for digest in V138_CHILDREN.iter().chain(&V138_CHILD_REFERRERS) {
                compare_ref(
                    &registry_ref(zot_host(), ARTIFACT_REPO, digest),
                    &registry_ref(zot_host(), &repo, digest),
                );
            }
        }

        /// `It("should successfully restore an image without referrers from a tar file")`
        #[test]
        fn should_successfully_restore_an_image_without_referrers_from_a_tar_file() {
            round_trip(
                IMAGE_REPO,
                foobar::TAG,
                "backup-single-tag.tar",
                &[],
                "restore-single-tag-tar",
                &[EXCLUDE_REFERRERS],
                &foobar::foobar_states(),
                "0 referrer(s)",
            );
        }

        /// `It("should restore an artifact with its referrers from a tar file")`
        #[test]
        fn should_restore_an_artifact_with_its_referrers_from_a_tar_file() {
            let repo = round_trip(
                ARTIFACT_REPO,
                foobar::TAG,
                "backup-with-referrers.tar",
                &[INCLUDE_REFERRERS],
                "restore-with-referrers-tar",
                &[],
                &foobar::image_and_referrers_state_keys(),
                "2 referrer(s)",
            );
            compare_restored_referrers(
                zot_host(),
                ARTIFACT_REPO,
                &repo,
                &registry_ref(zot_host(), &repo, foobar::TAG),
            );
        }

        /// `It("should successfully restore a multi-arch artifact without referrers from a tar file")`
        #[test]
        fn should_successfully_restore_a_multi_arch_artifact_without_referrers_from_a_tar_file() {
            round_trip(
                ARTIFACT_REPO,
                multi_arch::TAG,
                "backup-multi-arch.tar",
                &[],
                "restore-multi-arch-tar",
                &[EXCLUDE_REFERRERS],
                &multi_arch::index_state_keys(),
                "0 referrer(s)",
            );
        }
    }

    /// `When("restoring multiple tags")`
    mod restoring_multiple_tags {
        use super::*;

        const SRC_TAGS: [&str; 2] = [foobar::TAG, multi_arch::TAG];

        /// `It("should restore multiple specified tags without referrers from a directory")`
        #[test]
        fn should_restore_multiple_specified_tags_without_referrers_from_a_directory() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-multiple-tags");
            let tags = SRC_TAGS.join(",");
            backup(
                &backup_dir,
                &[],
                &format!("{}/{ARTIFACT_REPO}:{tags}", zot_host()),
            );
            let test_repo = restore_test_repo("restore-multiple-tags");
            let dst_refs = format!("{}/{test_repo}:{tags}", zot_host());
            let keys = foobar_and_multi_state_keys();
            oras!(
                "restore",
                "--input",
                path_str(&backup_dir),
                EXCLUDE_REFERRERS,
                dst_refs
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["0 referrer(s)"])
            .match_key_words(&["Successfully restored 2 tag(s)"])
            .exec();
            for tag in SRC_TAGS {
                compare_ref(
                    &registry_ref(zot_host(), ARTIFACT_REPO, tag),
                    &registry_ref(zot_host(), &test_repo, tag),
                );
            }
        }

        /// `It("should restore multiple specified tags with referrers from a directory")`
        #[test]
        fn should_restore_multiple_specified_tags_with_referrers_from_a_directory() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-multiple-tags-referrers");
            let tags = SRC_TAGS.join(",");
            backup(
                &backup_dir,
                &[INCLUDE_REFERRERS],
                &format!("{}/{ARTIFACT_REPO}:{tags}", zot_host()),
            );
            let test_repo = restore_test_repo("restore-multiple-tags-referrers");
            let dst_refs = format!("{}/{test_repo}:{tags}", zot_host());
            let keys = foobar_and_multi_with_referrers_state_keys();
            oras!("restore", "--input", path_str(&backup_dir), dst_refs)
                .match_status(&keys, true, keys.len())
                .match_key_words(&["Successfully restored 2 tag(s)"])
                .exec();
            for tag in SRC_TAGS {
                let dst_ref = registry_ref(zot_host(), &test_repo, tag);
                compare_ref(&registry_ref(zot_host(), ARTIFACT_REPO, tag), &dst_ref);
                compare_restored_referrers(zot_host(), ARTIFACT_REPO, &test_repo, &dst_ref);
            }
        }

        /// `It("should restore all tags without referrers when no specific tags are provided")`
        #[test]
        fn should_restore_all_tags_without_referrers_when_no_specific_tags_are_provided() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-all-tags");
            let test_src_repo = restore_test_repo("backup-all-tags-src");
            for tag in SRC_TAGS {
                prepare(
                    &registry_ref(zot_host(), ARTIFACT_REPO, tag),
                    &registry_ref(zot_host(), &test_src_repo, tag),
                );
            }
            backup(&backup_dir, &[], &format!("{}/{test_src_repo}", zot_host()));
            let test_dst_repo = restore_test_repo("restore-all-tags");
            let keys = foobar_and_multi_state_keys();
            oras!(
                "restore",
                "--input",
                path_str(&backup_dir),
                EXCLUDE_REFERRERS,
                format!("{}/{test_dst_repo}", zot_host())
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["0 referrer(s)"])
            .match_key_words(&["Successfully restored 2 tag(s)"])
            .exec();
            for tag in SRC_TAGS {
                compare_ref(
                    &registry_ref(zot_host(), &test_src_repo, tag),
                    &registry_ref(zot_host(), &test_dst_repo, tag),
                );
            }
        }

        /// `It("should restore all tags with referrers when no specific tags are provided")`
        /// (The source repository on `api_host()`: zot answers the
        /// referrers API, and Debian's registry, without it, keeps
        /// referrers under `sha256-<hex>` tags, which "all tags" would back
        /// up as oras does. The restore goes to zot's stand-in.)
        #[test]
        fn should_restore_all_tags_with_referrers_when_no_specific_tags_are_provided() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-all-tags-referrers");
            let test_src_repo = restore_test_repo("backup-all-tags-referrers-src");
            for tag in SRC_TAGS {
                oras!(
                    "cp",
                    registry_ref(api_host(), ARTIFACT_REPO, tag),
                    registry_ref(api_host(), &test_src_repo, tag),
                    "-r"
                )
                .with_description("copying tag to test repo")
                .exec();
            }
            backup(
                &backup_dir,
                &[INCLUDE_REFERRERS],
                &format!("{}/{test_src_repo}", api_host()),
            );
            let test_dst_repo = restore_test_repo("restore-all-tags-referrers");
            let keys = foobar_and_multi_with_referrers_state_keys();
            oras!(
                "restore",
                "--input",
                path_str(&backup_dir),
                format!("{}/{test_dst_repo}", zot_host())
            )
            .match_status(&keys, true, keys.len())
            .match_key_words(&["Successfully restored 2 tag(s)"])
            .exec();
            for tag in SRC_TAGS {
                let dst_ref = registry_ref(zot_host(), &test_dst_repo, tag);
                compare_ref(&registry_ref(api_host(), &test_src_repo, tag), &dst_ref);
                let referrers = oras!(
                    "discover",
                    dst_ref,
                    "--format",
                    "go-template={{range .referrers}}{{println .digest}}{{end}}"
                )
                .exec();
                for digest in lines_of(&referrers) {
                    compare_ref(
                        &registry_ref(api_host(), &test_src_repo, &digest),
                        &registry_ref(zot_host(), &test_dst_repo, &digest),
                    );
                }
            }
        }
    }

    /// `When("using --dry-run")`
    mod using_dry_run {
        use super::*;

        #[track_caller]
        fn dry_run(src_repo: &str, name: &str, backup_flags: &[&str], flags: &[&str], count: &str) {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join(name);
            backup(
                &backup_dir,
                backup_flags,
                &registry_ref(zot_host(), src_repo, foobar::TAG),
            );
            let test_repo = restore_test_repo(&name.replace("backup", "restore"));
            let dst_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            oras!("restore", "--input", path_str(&backup_dir))
                .args(flags)
                .args(&["--dry-run", &dst_ref])
                .match_key_words(&["would push tag", count])
                .match_key_words(&["Dry run complete", "1 tag(s) would be restored"])
                .exec();
            // Verify nothing was actually pushed
            oras!("manifest", "fetch", dst_ref)
                .expect_failure()
                .match_err_key_words(&["Error response from registry:", "not found"])
                .exec();
        }

        /// `It("should simulate restore without referrers")`
        #[test]
        fn should_simulate_restore_without_referrers() {
            dry_run(
                IMAGE_REPO,
                "backup-dry-run",
                &[],
                &[EXCLUDE_REFERRERS],
                "0 referrer(s)",
            );
        }

        /// `It("should simulate restore with referrers")`
        #[test]
        fn should_simulate_restore_with_referrers() {
            dry_run(
                ARTIFACT_REPO,
                "backup-dry-run-referrers",
                &[INCLUDE_REFERRERS],
                &[],
                "2 referrer(s)",
            );
        }
    }

    /// `When("using --concurrency")`
    mod using_concurrency {
        use super::*;

        /// `It("should successfully restore with custom concurrency level when --concurrency flag is used")`
        #[test]
        fn should_successfully_restore_with_custom_concurrency_level_when_concurrency_flag_is_used()
        {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-concurrency");
            let src_ref = registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG);
            backup(&backup_dir, &[], &src_ref);
            let test_repo = restore_test_repo("restore-concurrency");
            let dst_ref = registry_ref(zot_host(), &test_repo, multi_arch::TAG);
            let keys = multi_arch::index_state_keys();
            oras!(
                "restore",
                "--input",
                path_str(&backup_dir),
                "--concurrency",
                "1",
                dst_ref
            )
            .match_status(&keys, true, keys.len())
            .exec();
            compare_ref(&src_ref, &dst_ref);
        }
    }

    /// `When("using --distribution-spec options")`
    mod using_distribution_spec_options {
        use super::*;

        #[track_caller]
        fn restore_with(host: &str, name: &str, spec: &str) {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join(format!("backup-{name}"));
            let src_ref = registry_ref(host, ARTIFACT_REPO, foobar::TAG);
            backup(&backup_dir, &[INCLUDE_REFERRERS], &src_ref);
            let test_repo = restore_test_repo(&format!("restore-{name}"));
            let dst_ref = registry_ref(host, &test_repo, foobar::TAG);
            oras!(
                "restore",
                "--input",
                path_str(&backup_dir),
                DISTRIBUTION_SPEC,
                spec,
                dst_ref
            )
            .match_key_words(&["2 referrer(s)"])
            .exec();
            compare_ref(&src_ref, &dst_ref);
            compare_restored_referrers(host, ARTIFACT_REPO, &test_repo, &dst_ref);
        }

        /// `It("should restore using referrers API with --distribution-spec v1.1-referrers-api")`
        ///
        /// Zot's referrers API: run against the registry double, which holds
        /// the same layouts and serves that API.
        #[test]
        fn should_restore_using_referrers_api_with_distribution_spec_v1_1_referrers_api() {
            restore_with(api_host(), "referrers-api", "v1.1-referrers-api");
        }

        /// `It("should restore using tag schema with --distribution-spec v1.1-referrers-tag")`
        #[test]
        fn should_restore_using_tag_schema_with_distribution_spec_v1_1_referrers_tag() {
            restore_with(fallback_host(), "referrers-tag", "v1.1-referrers-tag");
        }
    }

    /// `When("handling error cases")`
    mod handling_error_cases {
        use super::*;

        /// `oras restore --input <input> <host>/<new repository>`, which
        /// fails with every keyword of `keywords` in each group.
        #[track_caller]
        fn restore_fails(input: &Path, repo_text: &str, keywords: &[&[&str]]) {
            let dst_ref = format!("{}/{}", zot_host(), restore_test_repo(repo_text));
            let mut run = oras!("restore", "--input", path_str(input), dst_ref).expect_failure();
            for words in keywords {
                run = run.match_err_key_words(words);
            }
            run.exec();
        }

        /// `It("should fail when restoring from a non-existent backup directory")`
        #[test]
        fn should_fail_when_restoring_from_a_non_existent_backup_directory() {
            let tmp = temp_dir();
            restore_fails(
                &tmp.path().join("non-existent-backup"),
                "restore-non-existent-backup",
                &[&["Error:", "no such file or directory"]],
            );
        }

        /// `It("should fail when restoring from an empty backup directory")`
        #[test]
        fn should_fail_when_restoring_from_an_empty_backup_directory() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("empty-backup");
            std::fs::create_dir_all(&backup_dir).unwrap();
            restore_fails(
                &backup_dir,
                "restore-empty-backup",
                &[
                    &["Error:", "no tags found"],
                    &["oras repo tags --oci-layout"], // test recommendation
                ],
            );
        }

        /// `It("should fail when restoring from an invalid backup directory")`
        #[test]
        fn should_fail_when_restoring_from_an_invalid_backup_directory() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("invalid-backup");
            std::fs::create_dir_all(&backup_dir).unwrap();
            std::fs::write(backup_dir.join("invalid-file.txt"), b"not a valid layout").unwrap();
            restore_fails(
                &backup_dir,
                "restore-invalid-backup",
                &[&["Error:", "no tags found"]],
            );
        }

        /// `It("should fail when restoring from a non-existent backup tar file")`
        #[test]
        fn should_fail_when_restoring_from_a_non_existent_backup_tar_file() {
            let tmp = temp_dir();
            restore_fails(
                &tmp.path().join("non-existent-backup.tar"),
                "restore-non-existent-backup-tar",
                &[&["Error:", "no such file or directory"]],
            );
        }

        /// `It("should fail when restoring from an invalid backup tar file")`
        #[test]
        fn should_fail_when_restoring_from_an_invalid_backup_tar_file() {
            let tmp = temp_dir();
            let backup_tar = tmp.path().join("invalid-backup.tar");
            std::fs::write(&backup_tar, b"").unwrap();
            restore_fails(
                &backup_tar,
                "restore-invalid-backup-tar",
                &[&["Error:", "invalid OCI Image Layout"]],
            );
        }

        /// `It("should fail when restoring from a non-tar file")`
        #[test]
        fn should_fail_when_restoring_from_a_non_tar_file() {
            let tmp = temp_dir();
            let backup_file = tmp.path().join("not-tar.txt");
            std::fs::write(&backup_file, b"").unwrap();
            restore_fails(&backup_file, "restore-non-tar-file", &[&["Error:"]]);
        }

        /// `It("should fail when no tags are found in the backup")`
        #[test]
        fn should_fail_when_no_tags_are_found_in_the_backup() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-no-tags");
            oras!("push", LAYOUT, path_str(&backup_dir)).exec();
            restore_fails(
                &backup_dir,
                "restore-no-tags",
                &[
                    &["Error:", "no tags found"],
                    &["oras repo tags --oci-layout"], // test recommendation
                ],
            );
        }

        /// `It("should fail when the specified tag doesn't exist in the backup")`
        #[test]
        fn should_fail_when_the_specified_tag_doesnt_exist_in_the_backup() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-missing-tag");
            backup(
                &backup_dir,
                &[],
                &registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
            );
            let test_repo = restore_test_repo("restore-missing-tag");
            let dst_ref = registry_ref(zot_host(), &test_repo, "non-existent-tag");
            oras!("restore", "--input", path_str(&backup_dir), dst_ref)
                .expect_failure()
                .match_err_key_words(&["Error:", "non-existent-tag"])
                .exec();
        }

        /// `It("should fail when trying to restore to a non-existent registry")`
        #[test]
        fn should_fail_when_trying_to_restore_to_a_non_existent_registry() {
            let tmp = temp_dir();
            let backup_dir = tmp.path().join("backup-nonexistent-registry");
            backup(
                &backup_dir,
                &[],
                &registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
            );
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let registry = format!("non-existent-repo-{}-{nanos}.example.com", random_seed());
            let dst_ref = registry_ref(&registry, &restore_test_repo("restore-test"), foobar::TAG);
            oras!("restore", "--input", path_str(&backup_dir), dst_ref)
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }
    }
}
