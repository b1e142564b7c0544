//! `test/e2e/suite/command/repo.go`: `oras repo ls` and `oras repo tags`
//! (and their `repository list`/`show-tags` aliases), in text, JSON and
//! Go-template output, on registries and OCI layouts.

use super::*;

/// The `result` of `repo ls --format json`.
struct Repositories {
    registry: String,
    repositories: Vec<String>,
}

/// `json.Unmarshal` into `struct{ Registry string; Repositories []string }`.
fn must_repositories(data: &[u8]) -> Repositories {
    let m = unmarshal_object(data).unwrap_or_else(|e| panic!("{e}"));
    Repositories {
        registry: m
            .get("registry")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        repositories: strings_field(&m, "repositories"),
    }
}

/// `json.Unmarshal` into `struct{ Tags []string }`.
fn must_tags(data: &[u8]) -> Vec<String> {
    let m = unmarshal_object(data).unwrap_or_else(|e| panic!("{e}"));
    strings_field(&m, "tags")
}

fn strings_field(m: &serde_json::Map<String, serde_json::Value>, name: &str) -> Vec<String> {
    match m.get(name) {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .unwrap_or_else(|| panic!("{name}: {v} is not a string"))
                    .to_string()
            })
            .collect(),
        Some(v) => panic!("{name}: cannot unmarshal {v} into []string"),
    }
}

/// `ContainElement(want)` on a list of strings.
#[track_caller]
fn should_contain_element(list: &[String], want: &str) {
    assert!(
        list.iter().any(|s| s == want),
        "{list:?} should contain {want:?}"
    );
}

/// `ShouldNot(ContainElement(want))`.
#[track_caller]
fn should_not_contain_element(list: &[String], want: &str) {
    assert!(
        !list.iter().any(|s| s == want),
        "{list:?} should not contain {want:?}"
    );
}

/// `ContainSubstring(want)`.
#[track_caller]
fn should_contain_substring(s: &str, want: &str) {
    assert!(s.contains(want), "{s:?} should contain {want:?}");
}

/// `gbytes.Say(format, args...)` with more arguments than the format
/// uses: Go's `Sprintf` appends them as `%!(EXTRA string=…, …)`, a pattern
/// that never occurs in the output.
fn say_with_extra(format: &str, extra: &[&str]) -> String {
    let extra: Vec<String> = extra.iter().map(|a| format!("string={a}")).collect();
    format!("{format}%!(EXTRA {})", extra.join(", "))
}

/// The digest-like tag the specs exclude.
const DIGEST_LIKE_TAG: &str =
    "sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A fresh copy of the images layout with `to_tags` added to `from_tag`
/// (the spec's `prepare(repo, fromTag, toTags...)`, one argument a tag).
fn prepare(repo: &str, from_tag: &str, to_tags: &[&str]) -> TempDir {
    let root = prepare_temp_oci(repo);
    oras!("tag", layout_ref(root.path(), from_tag), LAYOUT)
        .args(to_tags)
        .with_description("prepare in OCI layout")
        .exec();
    root
}

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

            /// `It("should show format help in command output")`
            #[test]
            fn should_show_format_help_in_command_output() {
                let help = oras!("repo", "ls", "--help").exec().out.text();
                for want in ["--format", "json", "text", "go-template"] {
                    should_contain_substring(&help, want);
                }
                should_contain_substring(&help, "oras repo ls localhost:5000 --format json");
                should_contain_substring(&help, "oras repo ls localhost:5000 --format go-template");
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

            /// `It("should show format help in command output")`
            #[test]
            fn should_show_format_help_in_command_output() {
                let help = oras!("repo", "tags", "--help").exec().out.text();
                for want in ["--format", "json", "text", "go-template"] {
                    should_contain_substring(&help, want);
                }
                should_contain_substring(
                    &help,
                    "oras repo tags localhost:5000/hello --format json",
                );
                should_contain_substring(
                    &help,
                    "oras repo tags localhost:5000/hello --format go-template",
                );
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

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            oras!("repository", "list", zot_host(), "--verbose")
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
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

    /// The spec's `repoWithName(name)`: a repository of its own per run.
    fn repo_with_name(name: &str) -> String {
        format!("command/images/repo/tags/{}/{name}", random_seed())
    }

    /// Copies the foobar image into `repo` under each of `tags`.
    fn copy_foobar(repo: &str, tags: &[&str]) {
        for tag in tags {
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                registry_ref(zot_host(), repo, tag)
            )
            .with_description(&format!("prepare test repo with tag {tag}"))
            .exec();
        }
    }

    /// Copies the foobar image into `repo` with every tag of `tags` at once
    /// (`repo:t1,t2,…`).
    fn copy_foobar_with_tags(repo: &str, tags: &[&str]) {
        let ref_with_tags = format!("{}:{}", registry_ref(zot_host(), repo, ""), tags.join(","));
        oras!(
            "cp",
            registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
            ref_with_tags
        )
        .with_description("prepare: copy and create multiple tags")
        .exec();
    }

    /// The spec's `command-draft/images`, copied in from the images repo:
    /// under a namespace that is not `command/`.
    fn prepare_draft() -> &'static str {
        let repo = "command-draft/images";
        oras!(
            "cp",
            registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
            registry_ref(zot_host(), repo, foobar::TAG)
        )
        .with_description(&format!("prepare destination repo: {repo}"))
        .exec();
        repo
    }

    /// ``When("running `repo ls` with JSON format")``
    mod running_repo_ls_with_json_format {
        use super::*;

        /// `It("should list repositories in JSON format")`
        #[test]
        fn should_list_repositories_in_json_format() {
            let out = oras!("repo", "ls", zot_host(), "--format", "json")
                .with_description("get repos in JSON format")
                .match_key_words(&[r#""repositories""#])
                .exec();
            let result = must_repositories(out.out.contents());
            assert_eq!(result.registry, zot_host());
            should_contain_element(&result.repositories, IMAGE_REPO);
        }

        /// `It("should list repositories under provided namespace in JSON format")`
        #[test]
        fn should_list_repositories_under_provided_namespace_in_json_format() {
            let out = oras!(
                "repo",
                "ls",
                registry_ref(zot_host(), NAMESPACE, ""),
                "--format",
                "json"
            )
            .with_description("get repos in JSON format under namespace")
            .match_key_words(&[r#""repositories""#])
            .exec();
            let result = must_repositories(out.out.contents());
            assert_eq!(result.registry, zot_host());
            should_contain_element(&result.repositories, IMAGE_REPO);
        }

        /// `It("should not list repositories without a fully matched namespace in JSON format")`
        #[test]
        fn should_not_list_repositories_without_a_fully_matched_namespace_in_json_format() {
            let repo = prepare_draft();
            let out = oras!(
                "repo",
                "ls",
                registry_ref(zot_host(), NAMESPACE, ""),
                "--format",
                "json"
            )
            .with_description("get repos in JSON format under namespace")
            .exec();
            let result = must_repositories(out.out.contents());
            assert_eq!(result.registry, zot_host());
            should_contain_element(&result.repositories, IMAGE_REPO);
            should_not_contain_element(&result.repositories, repo);
        }
    }

    /// ``When("running `repo ls` with go-template format")``
    mod running_repo_ls_with_go_template_format {
        use super::*;

        const TEMPLATE: &str =
            r#""Registry: {{.registry}}{{println}}{{range .repositories}}{{println .}}{{end}}""#;

        /// `It("should list repositories in go-template format")`
        #[test]
        fn should_list_repositories_in_go_template_format() {
            let out = oras!(
                "repo",
                "ls",
                zot_host(),
                "--format",
                format!("go-template={TEMPLATE}")
            )
            .with_description("get repos in go-template format")
            .exec()
            .out
            .text();
            should_contain_substring(&out, &format!("Registry: {}", zot_host()));
            should_contain_substring(&out, IMAGE_REPO);
        }

        /// `It("should list repositories under provided namespace in go-template format")`
        #[test]
        fn should_list_repositories_under_provided_namespace_in_go_template_format() {
            let out = oras!(
                "repo",
                "ls",
                registry_ref(zot_host(), NAMESPACE, ""),
                "--format",
                format!("go-template={TEMPLATE}")
            )
            .with_description("get repos in go-template format under namespace")
            .exec()
            .out
            .text();
            should_contain_substring(&out, &format!("Registry: {}", zot_host()));
            should_contain_substring(&out, IMAGE_REPO);
        }

        /// `It("should not list repositories without a fully matched namespace in go-template format")`
        #[test]
        fn should_not_list_repositories_without_a_fully_matched_namespace_in_go_template_format() {
            let repo = prepare_draft();
            let out = oras!(
                "repo",
                "ls",
                registry_ref(zot_host(), NAMESPACE, ""),
                "--format",
                format!("go-template={TEMPLATE}")
            )
            .with_description("get repos in go-template format under namespace")
            .exec()
            .out
            .text();
            should_contain_substring(&out, &format!("Registry: {}", zot_host()));
            should_contain_substring(&out, IMAGE_REPO);
            assert!(!out.contains(repo), "{out:?} should not contain {repo:?}");
        }
    }

    /// ``When("running `repo tags`")``
    mod running_repo_tags {
        use super::*;

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

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            oras!(
                "repo",
                "tags",
                registry_ref(zot_host(), IMAGE_REPO, ""),
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
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
            let via_tag = oras!("repo", "tags", registry_ref(zot_host(), &repo, foobar::TAG))
                .match_key_words(&tags)
                .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
                .exec()
                .out;
            via_tag.should_not_say(multi_arch::TAG);
            let via_digest = oras!(
                "repo",
                "tags",
                registry_ref(zot_host(), &repo, foobar::DIGEST)
            )
            .match_key_words(&tags)
            .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
            .exec()
            .out;
            via_digest.should_not_say(multi_arch::TAG);
        }
    }

    /// ``When("running `repo tags` with JSON format")``
    mod running_repo_tags_with_json_format {
        use super::*;

        /// `It("should list tags in JSON format")`
        #[test]
        fn should_list_tags_in_json_format() {
            let repo_ref = registry_ref(zot_host(), IMAGE_REPO, "");
            oras!("repo", "tags", &repo_ref, "--format", "json")
                .with_description("get repo tags in JSON format")
                .match_key_words(&[r#""tags""#])
                .exec();
            let out = oras!("repo", "tags", &repo_ref, "--format", "json").exec();
            let tags = must_tags(out.out.contents());
            should_contain_element(&tags, multi_arch::TAG);
            should_contain_element(&tags, foobar::TAG);
        }

        /// `It("should handle digest exclusion with JSON format")`
        #[test]
        fn should_handle_digest_exclusion_with_json_format() {
            let repo = repo_with_name("json-digest");
            let normal_tag = "normal-tag";
            copy_foobar(&repo, &[normal_tag, DIGEST_LIKE_TAG]);
            let out = oras!(
                "repo",
                "tags",
                registry_ref(zot_host(), &repo, ""),
                "--format",
                "json",
                "--exclude-digest-tags"
            )
            .exec();
            let tags = must_tags(out.out.contents());
            should_contain_element(&tags, normal_tag);
            should_not_contain_element(&tags, DIGEST_LIKE_TAG);
            assert_eq!(tags.len(), 1, "{tags:?}");
        }

        /// `It("Should list out tags associated to reference in JSON format")`
        #[test]
        fn should_list_out_tags_associated_to_reference_in_json_format() {
            let repo = repo_with_name("filter-tag-json");
            let tags = [foobar::TAG, "json1", "json2", "json3"];
            copy_foobar_with_tags(&repo, &tags);
            for (via, selector) in [("tag", foobar::TAG), ("digest", foobar::DIGEST)] {
                let out = oras!(
                    "repo",
                    "tags",
                    registry_ref(zot_host(), &repo, selector),
                    "--format",
                    "json"
                )
                .match_err_key_words(&[feature::EXPERIMENTAL_MARK])
                .with_description(&format!("get JSON format via {via}"))
                .exec();
                let got = must_tags(out.out.contents());
                for tag in tags {
                    should_contain_element(&got, tag);
                }
            }
        }
    }

    /// ``When("running `repo tags` with go-template format")``
    mod running_repo_tags_with_go_template_format {
        use super::*;

        const TEMPLATE: &str = "{{range .tags}}{{println .}}{{end}}";

        /// `It("should output tags using Go template format")`
        #[test]
        fn should_output_tags_using_go_template_format() {
            let out = oras!(
                "repo",
                "tags",
                registry_ref(zot_host(), IMAGE_REPO, ""),
                "--format",
                format!("go-template={TEMPLATE}")
            )
            .exec()
            .out
            .text();
            should_contain_substring(&out, foobar::TAG);
            should_contain_substring(&out, multi_arch::TAG);
        }

        /// `It("should handle digest exclusion with go-template format")`
        #[test]
        fn should_handle_digest_exclusion_with_go_template_format() {
            let repo = repo_with_name("template-digest");
            let normal_tag = "normal-tag";
            copy_foobar(&repo, &[normal_tag, DIGEST_LIKE_TAG]);
            let out = oras!(
                "repo",
                "tags",
                registry_ref(zot_host(), &repo, ""),
                "--format",
                format!("go-template={TEMPLATE}"),
                "--exclude-digest-tags"
            )
            .exec()
            .out
            .text();
            should_contain_substring(&out, normal_tag);
            assert!(!out.contains(DIGEST_LIKE_TAG), "{out:?}");
        }

        /// `It("Should list out tags associated to reference in go-template format")`
        #[test]
        fn should_list_out_tags_associated_to_reference_in_go_template_format() {
            let repo = repo_with_name("filter-tag-template");
            let tags = [foobar::TAG, "template1", "template2", "template3"];
            copy_foobar_with_tags(&repo, &tags);
            for (via, selector) in [("tag", foobar::TAG), ("digest", foobar::DIGEST)] {
                let out = oras!(
                    "repo",
                    "tags",
                    registry_ref(zot_host(), &repo, selector),
                    "--format",
                    format!("go-template={TEMPLATE}")
                )
                .match_err_key_words(&[feature::EXPERIMENTAL_MARK])
                .with_description(&format!("get go-template format via {via}"))
                .exec()
                .out
                .text();
                for tag in tags {
                    should_contain_substring(&out, tag);
                }
            }
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
            let via_tag = oras!("repo", "tags", layout_ref(root.path(), foobar::TAG), LAYOUT)
                .with_description("via tag")
                .match_key_words(&tags)
                .match_err_key_words(&[feature::EXPERIMENTAL_MARK, foobar::DIGEST])
                .exec()
                .out;
            via_tag.should_not_say(multi_arch::TAG);
            let via_digest = oras!(
                "repo",
                "tags",
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

    /// ``When("running `repo tags` with JSON format")``
    mod running_repo_tags_with_json_format {
        use super::*;

        /// `It("should list tags in JSON format for OCI layout")`
        #[test]
        fn should_list_tags_in_json_format_for_oci_layout() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let out = oras!(
                "repository",
                "tags",
                path_str(root.path()),
                "--format",
                "json",
                LAYOUT
            )
            .exec();
            should_contain_element(&must_tags(out.out.contents()), foobar::TAG);
        }

        /// `It("should handle digest exclusion with JSON format")`
        #[test]
        fn should_handle_digest_exclusion_with_json_format() {
            let root = prepare(IMAGE_REPO, foobar::TAG, &[DIGEST_LIKE_TAG]);
            let plain = oras!(
                "repo",
                "tags",
                path_str(root.path()),
                "--format",
                "json",
                LAYOUT
            )
            .exec();
            let plain = must_tags(plain.out.contents());
            should_contain_element(&plain, DIGEST_LIKE_TAG);
            should_contain_element(&plain, foobar::TAG);
            let out = oras!(
                "repo",
                "tags",
                path_str(root.path()),
                "--format",
                "json",
                "--exclude-digest-tags",
                LAYOUT
            )
            .exec();
            let tags = must_tags(out.out.contents());
            should_contain_element(&tags, foobar::TAG);
            should_not_contain_element(&tags, DIGEST_LIKE_TAG);
        }

        /// `It("should list out tags associated to the provided reference in JSON format")`
        #[test]
        fn should_list_out_tags_associated_to_the_provided_reference_in_json_format() {
            let tags = [foobar::TAG, "bax", "bay", "baz"];
            let root = prepare(IMAGE_REPO, foobar::TAG, &tags);
            for (via, selector) in [("tag", foobar::TAG), ("digest", foobar::DIGEST)] {
                let out = oras!(
                    "repo",
                    "tags",
                    layout_ref(root.path(), selector),
                    "--format",
                    "json",
                    LAYOUT
                )
                .with_description(&format!("via {via} JSON"))
                .match_err_key_words(&[feature::EXPERIMENTAL_MARK])
                .exec();
                let got = must_tags(out.out.contents());
                for tag in tags {
                    should_contain_element(&got, tag);
                }
            }
        }
    }

    /// ``When("running `repo tags` with go-template format")``
    mod running_repo_tags_with_go_template_format {
        use super::*;

        const TEMPLATE: &str = "{{range .tags}}{{println .}}{{end}}";

        /// `It("should list tags in go-template format for OCI layout")`
        #[test]
        fn should_list_tags_in_go_template_format_for_oci_layout() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let out = oras!(
                "repository",
                "tags",
                path_str(root.path()),
                "--format",
                format!("go-template={TEMPLATE}"),
                LAYOUT
            )
            .exec()
            .out
            .text();
            should_contain_substring(&out, foobar::TAG);
        }

        /// `It("should handle digest exclusion with go-template format in OCI layout")`
        #[test]
        fn should_handle_digest_exclusion_with_go_template_format_in_oci_layout() {
            let normal_tag = "normal-tag";
            let root = prepare(IMAGE_REPO, foobar::TAG, &[normal_tag, DIGEST_LIKE_TAG]);
            let out = oras!(
                "repo",
                "tags",
                path_str(root.path()),
                "--format",
                format!("go-template={TEMPLATE}"),
                "--exclude-digest-tags",
                LAYOUT
            )
            .exec()
            .out
            .text();
            should_contain_substring(&out, normal_tag);
            assert!(!out.contains(DIGEST_LIKE_TAG), "{out:?}");
        }

        /// `It("should list out tags associated to the provided reference in go-template format")`
        #[test]
        fn should_list_out_tags_associated_to_the_provided_reference_in_go_template_format() {
            let tags = [foobar::TAG, "bax", "bay", "baz"];
            let root = prepare(IMAGE_REPO, foobar::TAG, &tags);
            for (via, selector) in [("tag", foobar::TAG), ("digest", foobar::DIGEST)] {
                let out = oras!(
                    "repo",
                    "tags",
                    layout_ref(root.path(), selector),
                    "--format",
                    format!("go-template={TEMPLATE}"),
                    LAYOUT
                )
                .with_description(&format!("via {via} with go-template"))
                .match_err_key_words(&[feature::EXPERIMENTAL_MARK])
                .exec()
                .out
                .text();
                for tag in tags {
                    should_contain_substring(&out, tag);
                }
            }
        }
    }

    /// ``When("showing tags of a specific repository using `--oci-layout-path` flag")``
    mod showing_tags_of_a_specific_repository_using_oci_layout_path_flag {
        use super::*;

        const FOO_LATEST: &str = "example.registry.com/foo:latest";
        const FOO_V126: &str = "example.registry.com/foo:v1.2.6";
        const BAR_V1: &str = "test.com/bar:v1";

        /// `It("should show tags of the repo example.registry.com/foo")`
        #[test]
        fn should_show_tags_of_the_repo_example_registry_com_foo() {
            let root = prepare(IMAGE_REPO, foobar::TAG, &[FOO_LATEST, FOO_V126, BAR_V1]);
            let session = oras!(
                "repo",
                "tags",
                "--oci-layout-path",
                path_str(root.path()),
                "example.registry.com/foo"
            )
            .match_key_words(&["latest\n", "v1.2.6\n"])
            .exec();
            session.out.should_not_say(&say_with_extra(
                foobar::TAG,
                &[FOO_LATEST, FOO_V126, BAR_V1],
            ));
        }

        /// `It("should still find associated tags if a full reference is provided")`
        #[test]
        fn should_still_find_associated_tags_if_a_full_reference_is_provided() {
            let root = prepare(IMAGE_REPO, foobar::TAG, &[FOO_LATEST, FOO_V126, BAR_V1]);
            oras!(
                "repo",
                "tags",
                "--oci-layout-path",
                path_str(root.path()),
                FOO_LATEST
            )
            .match_key_words(&[foobar::TAG, FOO_LATEST, FOO_V126, BAR_V1])
            .exec();
        }

        /// `It("should not show digest tags if --exclude-digest-tags is used")`
        #[test]
        fn should_not_show_digest_tags_if_exclude_digest_tags_is_used() {
            let digest_tag = format!("example.registry.com/foo:{DIGEST_LIKE_TAG}");
            let root = prepare(
                IMAGE_REPO,
                foobar::TAG,
                &[FOO_LATEST, FOO_V126, BAR_V1, &digest_tag],
            );
            let session = oras!(
                "repo",
                "tags",
                "--oci-layout-path",
                path_str(root.path()),
                "example.registry.com/foo",
                "--exclude-digest-tags"
            )
            .match_key_words(&["latest\n", "v1.2.6\n"])
            .exec();
            session.out.should_not_say(&say_with_extra(
                foobar::TAG,
                &[FOO_LATEST, FOO_V126, BAR_V1, DIGEST_LIKE_TAG],
            ));
        }
    }
}
