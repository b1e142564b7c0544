//! `test/e2e/suite/command/repo.go`: `oras repo ls` and `oras repo tags`
//! (and their `repository list`/`show-tags` aliases).

use super::*;

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running repo command")`
    mod running_repo_command {
        use super::*;

        /// ``When("running `repo ls`")``
        mod running_repo_ls {
            use super::*;

            /// `It("should show help description")`
            #[test]
            fn should_show_help_description() {
                oras!("repo", "ls", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec();
            }

            /// `It("should call sub-commands with aliases")`
            #[test]
            fn should_call_sub_commands_with_aliases() {
                oras!("repository", "list", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec();
            }

            /// `It("should fail listing repositories if wrong registry provided")`
            #[test]
            fn should_fail_listing_repositories_if_wrong_registry_provided() {
                oras!(
                    "repo",
                    "ls",
                    registry_ref(zot_host(), IMAGE_REPO, "some-tag")
                )
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("repo", "ls").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras repo ls");
                err.should_say("\n");
                err.should_say(r#"Run "oras repo ls -h""#);
            }

            /// `It("should fail if password is wrong with registry error prefix")`
            #[test]
            fn should_fail_if_password_is_wrong_with_registry_error_prefix() {
                oras!("repo", "ls", zot_host(), "-u", USERNAME, "-p", "???")
                    .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
                    .expect_failure()
                    .exec();
            }
        }

        /// ``When("running `repo tags`")``
        mod running_repo_tags {
            use super::*;

            /// `It("should show help description with feature flags")`
            #[test]
            fn should_show_help_description_with_feature_flags() {
                let out = oras!("repo", "tags", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec()
                    .out;
                out.should_say(&format!(
                    "--exclude-digest-tags\\s+{}",
                    quote_meta(feature::PREVIEW_MARK)
                ));
            }

            /// `It("should call sub-commands with aliases")`
            #[test]
            fn should_call_sub_commands_with_aliases() {
                oras!("repository", "show-tags", "--help")
                    .match_key_words(&[EXAMPLE_DESC])
                    .exec();
            }

            /// `It("should fail listing repositories if wrong reference provided")`
            #[test]
            fn should_fail_listing_repositories_if_wrong_reference_provided() {
                oras!("repo", "tags")
                    .expect_failure()
                    .match_err_key_words(&["Error:"])
                    .exec();
                oras!("repo", "tags", zot_host())
                    .expect_failure()
                    .match_err_key_words(&["Error:"])
                    .exec();
                oras!(
                    "repo",
                    "tags",
                    registry_ref(zot_host(), IMAGE_REPO, "some-tag")
                )
                .expect_failure()
                .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
                .exec();
            }

            /// `It("should fail and show detailed error description if no argument provided")`
            #[test]
            fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
                let err = oras!("repo", "tags").expect_failure().exec().err;
                err.should_say("Error");
                err.should_say("\nUsage: oras repo tags");
                err.should_say("\n");
                err.should_say(r#"Run "oras repo tags -h""#);
            }
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// ``When("running `repo ls`")``
    mod running_repo_ls {
        use super::*;

        /// `It("should list repositories")`
        #[test]
        fn should_list_repositories() {
            oras!("repository", "list", zot_host())
                .match_key_words(&[IMAGE_REPO])
                .exec();
        }

        /// `It("should list repositories under provided namespace")`
        #[test]
        fn should_list_repositories_under_provided_namespace() {
            oras!("repo", "ls", registry_ref(zot_host(), NAMESPACE, ""))
                .match_key_words(&[&IMAGE_REPO[NAMESPACE.len() + 1..]])
                .exec();
        }

        /// `It("should not list repositories without a fully matched namespace")`
        #[test]
        fn should_not_list_repositories_without_a_fully_matched_namespace() {
            let repo = "command-draft/images";
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                registry_ref(zot_host(), repo, foobar::TAG)
            )
            .with_description(&format!("prepare destination repo: {repo}"))
            .exec();
            oras!("repo", "ls", zot_host())
                .match_key_words(&[IMAGE_REPO, repo])
                .exec();
            let session = oras!("repo", "ls", registry_ref(zot_host(), NAMESPACE, ""))
                .match_key_words(&[&IMAGE_REPO[NAMESPACE.len() + 1..]])
                .exec();
            session.out.should_not_say(&repo[NAMESPACE.len() + 1..]);
        }

        /// `It("should list repositories via short command")`
        #[test]
        fn should_list_repositories_via_short_command() {
            oras!("repo", "ls", zot_host())
                .match_key_words(&[IMAGE_REPO])
                .exec();
        }
    }

    /// ``When("running `repo tags`")``
    mod running_repo_tags {
        use super::*;

        fn repo_with_name(name: &str) -> String {
            format!("command/images/repo/tags/{}/{name}", random_seed())
        }

        /// `It("should list tags")`
        #[test]
        fn should_list_tags() {
            oras!(
                "repository",
                "show-tags",
                registry_ref(zot_host(), IMAGE_REPO, "")
            )
            .match_key_words(&[multi_arch::TAG, foobar::TAG])
            .exec();
        }

        /// `It("should list tags via short command")`
        #[test]
        fn should_list_tags_via_short_command() {
            oras!("repo", "tags", registry_ref(zot_host(), IMAGE_REPO, ""))
                .match_key_words(&[multi_arch::TAG, foobar::TAG])
                .exec();
        }

        /// `It("Should list out tags associated to the provided reference")`
        #[test]
        fn should_list_out_tags_associated_to_the_provided_reference() {
            let repo = repo_with_name("filter-tag");
            let tags = [foobar::TAG, "bax", "bay", "baz"];
            let ref_with_tags =
                format!("{}:{}", registry_ref(zot_host(), &repo, ""), tags.join(","));
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                ref_with_tags
            )
            .with_description(&format!(
                "prepare: copy and create multiple tags to {ref_with_tags}"
            ))
            .exec();
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG),
                registry_ref(zot_host(), IMAGE_REPO, "")
            )
            .with_description("prepare: copy tag with different digest")
            .exec();
            let via_tag = oras!(
                "repo",
                "tags",
                "-v",
                registry_ref(zot_host(), &repo, foobar::TAG)
            )
            .match_key_words(&tags)
            .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
            .exec()
            .out;
            via_tag.should_not_say(multi_arch::TAG);
            let via_digest = oras!(
                "repo",
                "tags",
                "-v",
                registry_ref(zot_host(), &repo, foobar::DIGEST)
            )
            .match_key_words(&tags)
            .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
            .exec()
            .out;
            via_digest.should_not_say(multi_arch::TAG);
        }
    }
}

/// `Describe("1.0 registry users:")`
mod registry_1_0_users {
    use super::*;

    /// ``When("running `repo ls`")``
    mod running_repo_ls {
        use super::*;

        /// `It("should list partial repositories via `last` flag")`
        #[test]
        fn should_list_partial_repositories_via_last_flag() {
            let session = oras!("repo", "ls", fallback_host(), "--last", ARTIFACT_REPO).exec();
            session
                .out
                .should_not_say(&quote_meta(&format!("{IMAGE_REPO}\n")));
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// ``When("running `repo tags`")``
    mod running_repo_tags {
        use super::*;

        /// The spec's `prepare(repo, fromTag, toTags...)`. As in Go the new
        /// tags are joined with spaces into one argument.
        fn prepare(repo: &str, from_tag: &str, to_tags: &[&str]) -> TempDir {
            let root = prepare_temp_oci(repo);
            oras!(
                "tag",
                layout_ref(root.path(), from_tag),
                to_tags.join(" "),
                LAYOUT
            )
            .with_description("prepare in OCI layout")
            .exec();
            root
        }

        fn tag_output() -> String {
            format!("{}\n", foobar::TAG)
        }

        /// `It("should list tags")`
        #[test]
        fn should_list_tags() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!("repository", "show-tags", path_str(root.path()), LAYOUT)
                .match_key_words(&[tag_output()])
                .exec();
        }

        /// `It("should list tags via short command")`
        #[test]
        fn should_list_tags_via_short_command() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!("repository", "tags", path_str(root.path()), LAYOUT)
                .match_key_words(&[tag_output()])
                .exec();
        }

        /// `It("should list partial tags via `last` flag")`
        #[test]
        fn should_list_partial_tags_via_last_flag() {
            let extra = "zzz";
            let root = prepare(IMAGE_REPO, foobar::TAG, &[extra]);
            let session = oras!(
                "repository",
                "tags",
                path_str(root.path()),
                "--last",
                foobar::TAG,
                LAYOUT
            )
            .match_key_words(&[extra])
            .exec();
            session.out.should_not_say(&quote_meta(&tag_output()));
        }

        /// `It("should list out tags associated to the provided reference")`
        #[test]
        fn should_list_out_tags_associated_to_the_provided_reference() {
            let tags = [foobar::TAG, "bax", "bay", "baz"];
            let root = prepare(IMAGE_REPO, foobar::TAG, &tags);
            let via_tag = oras!(
                "repo",
                "tags",
                "-v",
                layout_ref(root.path(), foobar::TAG),
                LAYOUT
            )
            .with_description("via tag")
            .match_key_words(&tags)
            .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
            .exec()
            .out;
            via_tag.should_not_say(multi_arch::TAG);
            let via_digest = oras!(
                "repo",
                "tags",
                "-v",
                layout_ref(root.path(), foobar::DIGEST),
                LAYOUT
            )
            .with_description("via digest")
            .match_key_words(&tags)
            .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
            .exec()
            .out;
            via_digest.should_not_say(multi_arch::TAG);
        }
    }
}
