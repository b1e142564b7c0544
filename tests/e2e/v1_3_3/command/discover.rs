//! `test/e2e/suite/command/discover.go`: `oras discover` in tree, table,
//! JSON and Go-template output, every level or down to `--depth`, through
//! the referrers API, the tag schema and OCI layouts.

use super::*;

/// The `referrer` of the Go file: a descriptor with its own referrers.
struct Referrer {
    desc: Descriptor,
    referrers: Vec<Descriptor>,
}

/// The `subject` of the Go file: the discovered manifest's descriptor and
/// its referrers (`None` when the field is absent or null).
struct Subject {
    desc: Descriptor,
    referrers: Option<Vec<Referrer>>,
}

impl Subject {
    /// The referrers, none when absent (a nil slice has length 0).
    fn referrers(&self) -> &[Referrer] {
        self.referrers.as_deref().unwrap_or_default()
    }
}

fn referrers_of(m: &serde_json::Map<String, serde_json::Value>) -> Option<Vec<serde_json::Value>> {
    match m.get("referrers") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Array(a)) => Some(a.clone()),
        Some(other) => panic!("referrers: cannot unmarshal {other} into a slice"),
    }
}

fn object(v: &serde_json::Value) -> &serde_json::Map<String, serde_json::Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("cannot unmarshal {v} into a struct"))
}

/// `json.Unmarshal(bytes, &subject)`, expected to succeed.
fn must_subject(data: &[u8]) -> Subject {
    let m = unmarshal_object(data).unwrap_or_else(|e| panic!("{e}"));
    let descriptor = |m: &serde_json::Map<String, serde_json::Value>| {
        Descriptor::from_json(m).unwrap_or_else(|e| panic!("{e}"))
    };
    Subject {
        desc: descriptor(&m),
        referrers: referrers_of(&m).map(|a| {
            a.iter()
                .map(|r| Referrer {
                    desc: descriptor(object(r)),
                    referrers: referrers_of(object(r))
                        .unwrap_or_default()
                        .iter()
                        .map(|d| descriptor(object(d)))
                        .collect(),
                })
                .collect()
        }),
    }
}

/// The checks the depth specs share: one direct referrer, the SBOM, with
/// the signature under it (`indirect`) or nothing under it.
#[track_caller]
fn should_have_sbom_then(subject: &Subject, indirect: bool) {
    assert_eq!(subject.referrers().len(), 1);
    assert_eq!(subject.referrers()[0].desc, foobar::sbom_image_referrer());
    let referrer = &subject.referrers()[0];
    if indirect {
        assert_eq!(referrer.referrers.len(), 1);
        assert_eq!(referrer.referrers[0], foobar::signature_image_referrer());
    } else {
        assert_eq!(referrer.referrers.len(), 0);
    }
}

/// Only the SBOM as direct referrer (what is under it unchecked).
#[track_caller]
fn should_have_only_sbom(subject: &Subject) {
    assert_eq!(subject.referrers().len(), 1);
    assert_eq!(subject.referrers()[0].desc, foobar::sbom_image_referrer());
}

/// One `key: value` line as go.yaml.in/yaml/v4 marshals a one-entry map:
/// a value that would read back as something other than a string (here a
/// timestamp, a number, a boolean or null) is double-quoted.
fn yaml_line(k: &str, v: &str) -> String {
    let looks_typed = {
        let date = v.len() >= 8
            && v.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && v.as_bytes()[4] == b'-';
        let lower = v.to_ascii_lowercase();
        date || v.parse::<f64>().is_ok()
            || ["true", "false", "yes", "no", "on", "off", "null", "~", ""]
                .contains(&lower.as_str())
    };
    if looks_typed {
        format!("{k}: \"{v}\"")
    } else {
        format!("{k}: {v}")
    }
}

/// `discoverKeyWords(verbose, descs...)`.
fn discover_key_words(verbose: bool, descs: &[Descriptor]) -> Vec<String> {
    let mut ret = Vec::new();
    for d in descs {
        ret.push(d.digest.clone());
        ret.push(d.artifact_type.clone());
        if verbose {
            for (k, v) in d.annotations.iter().flatten() {
                ret.push(yaml_line(k, v));
            }
        }
    }
    ret
}

fn with(mut words: Vec<String>, more: String) -> Vec<String> {
    words.push(more);
    words
}

#[test]
fn yaml_quotes_what_would_not_read_back_as_a_string() {
    assert_eq!(
        yaml_line("org.opencontainers.image.created", "2023-01-18T08:37:42Z"),
        "org.opencontainers.image.created: \"2023-01-18T08:37:42Z\""
    );
    assert_eq!(yaml_line("subject", "linux/amd64"), "subject: linux/amd64");
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running discover command")`
    mod running_discover_command {
        use super::*;

        /// `RunAndShowPreviewInHelp([]string{"discover"})`: the helper's own
        /// spec (not in the inventory, which lists the file's `It`s).
        #[test]
        fn should_run_discover_command() {
            run_and_show_preview_in_help(&["discover"], &[]);
        }

        /// `It("should show preview and help doc")`
        #[test]
        fn should_show_preview_and_help_doc() {
            let out = oras!("discover", "--help")
                .match_key_words(&[
                    format!("{} Discover", feature::PREVIEW_MARK).as_str(),
                    feature::PREVIEW_DESCRIPTION,
                    EXAMPLE_DESC,
                ])
                .exec();
            out.out.should_say(&format!(
                "--distribution-spec string\\s+{}",
                quote_meta(feature::PREVIEW_MARK)
            ));
        }

        /// `It("should say disable colors for --no-tty flag")`
        #[test]
        fn should_say_disable_colors_for_no_tty_flag() {
            let out = oras!("discover", "--help")
                .match_key_words(&["disable colors"])
                .exec()
                .out;
            out.should_not_say("disable progress bars");
        }

        /// `It("should show tree as default format type in help doc")`
        #[test]
        fn should_show_tree_as_default_format_type_in_help_doc() {
            match_default_flag_value("format", "tree", &["discover"]);
        }

        /// `It("should show deprecation message when using table format")`
        #[test]
        fn should_show_deprecation_message_when_using_table_format() {
            oras!(
                "discover",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--format",
                "table"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_TABLE_FORMAT])
            .exec();
        }

        /// `It("should fail when no subject reference provided")`
        #[test]
        fn should_fail_when_no_subject_reference_provided() {
            oras!("discover")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail when no tag or digest found in provided subject reference")`
        #[test]
        fn should_fail_when_no_tag_or_digest_found_in_provided_subject_reference() {
            oras!("discover", registry_ref(zot_host(), IMAGE_REPO, ""))
                .expect_failure()
                .match_err_key_words(&["Error:", "no tag or digest specified", "oras discover"])
                .exec();
        }

        /// `It("should fail with correct error message if both output and format flags are used")`
        #[test]
        fn should_fail_with_correct_error_message_if_both_output_and_format_flags_are_used() {
            oras!(
                "discover",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--format",
                "json",
                "--output",
                "json"
            )
            .expect_failure()
            .match_err_key_words(&["--format", "--output", "same time"])
            .exec();
        }

        /// `It("should fail with correct error message if output flag is used before format flag")`
        #[test]
        fn should_fail_with_correct_error_message_if_output_flag_is_used_before_format_flag() {
            oras!(
                "discover",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--output",
                "json",
                "--format",
                "json"
            )
            .expect_failure()
            .match_err_key_words(&["--format", "--output", "same time"])
            .exec();
        }

        /// `It("should fail if invalid output type is used")`
        #[test]
        fn should_fail_if_invalid_output_type_is_used() {
            let invalid_type = "ukpkmkk";
            oras!(
                "discover",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--output",
                invalid_type
            )
            .expect_failure()
            .match_err_key_words(&[
                "Error:",
                "invalid format type",
                invalid_type,
                "tree",
                "table",
                "json",
                "go-template",
            ])
            .exec();
        }

        /// `It("should fail if given an invalid value for depth")`
        #[test]
        fn should_fail_if_given_an_invalid_value_for_depth() {
            oras!(
                "discover",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--depth",
                "0"
            )
            .expect_failure()
            .match_err_key_words(&["Error:", "depth value should be at least 1"])
            .exec();
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("discover").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras discover");
            err.should_say("\n");
            err.should_say(r#"Run "oras discover -h""#);
        }

        /// `It("should fail and show detailed error description if more than 1 argument are provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_more_than_1_argument_are_provided() {
            let err = oras!("discover", "foo", "bar").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras discover");
            err.should_say("\n");
            err.should_say(r#"Run "oras discover -h""#);
        }
    }
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    fn subject_ref() -> String {
        registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG)
    }

    /// `oras discover <subject> --format json <more>`, decoded.
    fn discover_json(subject: &str, more: &[&str]) -> Subject {
        let out = oras!("discover", subject, "--format", "json")
            .args(more)
            .exec();
        must_subject(out.out.contents())
    }

    /// `When("running discover command with json output")`
    mod running_discover_command_with_json_output {
        use super::*;

        /// `It("should discover referrers of a subject with deprecation hint")`
        #[test]
        fn should_discover_referrers_of_a_subject_with_deprecation_hint() {
            let out = oras!("discover", subject_ref(), "-o", "json")
                .match_err_key_words(&[feature::DEPRECATED_MARK])
                .exec();
            should_have_only_sbom(&must_subject(out.out.contents()));
        }

        /// `It("should discover direct and indirect referrers of a subject by default")`
        #[test]
        fn should_discover_direct_and_indirect_referrers_of_a_subject_by_default() {
            should_have_sbom_then(&discover_json(&subject_ref(), &[]), true);
        }

        /// `It("should include information of subject and referrers manifests")`
        #[test]
        fn should_include_information_of_subject_and_referrers_manifests() {
            let subject = discover_json(&subject_ref(), &[]);
            assert_eq!(subject.desc, foobar::foo_bar());
            should_have_only_sbom(&subject);
        }

        /// `It("should discover matched referrer when filtering")`
        #[test]
        fn should_discover_matched_referrer_when_filtering() {
            let at = foobar::sbom_image_referrer().artifact_type;
            should_have_only_sbom(&discover_json(&subject_ref(), &["--artifact-type", &at]));
        }

        /// `It("should discover no matched referrer")`
        #[test]
        fn should_discover_no_matched_referrer() {
            let subject = discover_json(&subject_ref(), &["--artifact-type", "???"]);
            assert_eq!(subject.referrers().len(), 0);
        }

        /// `It("should discover one referrer with matched platform")`
        #[test]
        fn should_discover_one_referrer_with_matched_platform() {
            let subject = discover_json(
                &registry_ref(zot_host(), ARTIFACT_REPO, multi_arch::TAG),
                &["--platform", "linux/amd64"],
            );
            assert_eq!(subject.referrers().len(), 1);
            assert_eq!(
                subject.referrers()[0].desc,
                multi_arch::linux_amd64_referrer()
            );
        }

        /// `It("should discover referrers correctly by depth 1")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_1() {
            should_have_sbom_then(&discover_json(&subject_ref(), &["--depth", "1"]), false);
        }

        /// `It("should discover referrers correctly by depth 2")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_2() {
            should_have_sbom_then(&discover_json(&subject_ref(), &["--depth", "2"]), true);
        }

        /// `It("should show the referrer field when no referrer is found")`
        #[test]
        fn should_show_the_referrer_field_when_no_referrer_is_found() {
            let subject = discover_json(
                &registry_ref(
                    zot_host(),
                    ARTIFACT_REPO,
                    &foobar::signature_image_referrer().digest,
                ),
                &[],
            );
            assert!(subject.referrers.is_some(), "referrers is nil");
            assert_eq!(subject.referrers().len(), 0);
        }
    }

    /// `When("running discover command with tree output")`
    mod running_discover_command_with_tree_output {
        use super::*;

        fn referrers() -> Vec<Descriptor> {
            vec![
                foobar::sbom_image_referrer(),
                foobar::signature_image_referrer(),
            ]
        }

        fn words(host: &str, verbose: bool) -> Vec<String> {
            with(
                discover_key_words(verbose, &referrers()),
                registry_ref(host, ARTIFACT_REPO, foobar::DIGEST),
            )
        }

        /// `It("should show as tree by default")`
        #[test]
        fn should_show_as_tree_by_default() {
            oras!("discover", subject_ref())
                .match_key_words(&words(zot_host(), false))
                .exec();
        }

        /// `It("should discover all referrers of a subject with deprecation hint")`
        #[test]
        fn should_discover_all_referrers_of_a_subject_with_deprecation_hint() {
            oras!("discover", subject_ref(), "-o", "tree")
                .match_err_key_words(&[feature::DEPRECATED_MARK])
                .match_key_words(&words(zot_host(), false))
                .exec();
        }

        /// `It("should discover all direct and indirect referrers of a subject by default")`
        #[test]
        fn should_discover_all_direct_and_indirect_referrers_of_a_subject_by_default() {
            let err = oras!("discover", subject_ref(), "--format", "tree")
                .match_key_words(&words(zot_host(), false))
                .exec()
                .err;
            // As in Go the mark is not quoted, so this is a character class:
            // stderr must hold none of its letters.
            err.should_not_say(feature::DEPRECATED_MARK);
        }

        /// `It("should discover all referrers of a subject via referrers API")`
        ///
        /// Zot's referrers API: run against the registry double, which holds
        /// the same layouts and serves that API.
        #[test]
        fn should_discover_all_referrers_of_a_subject_via_referrers_api() {
            oras!(
                "discover",
                registry_ref(api_host(), ARTIFACT_REPO, foobar::TAG),
                "--format",
                "tree",
                "--distribution-spec",
                "v1.1-referrers-api"
            )
            .match_key_words(&words(api_host(), false))
            .exec();
        }

        /// `It("should discover all referrers of a subject with annotations")`
        #[test]
        fn should_discover_all_referrers_of_a_subject_with_annotations() {
            oras!("discover", subject_ref(), "--format", "tree")
                .match_key_words(&with(words(zot_host(), true), "[annotations]".into()))
                .exec();
        }

        /// `It("should display <unknown> if a referrer has an empty artifact type")`
        #[test]
        fn should_display_unknown_if_a_referrer_has_an_empty_artifact_type() {
            oras!(
                "discover",
                registry_ref(zot_host(), ARTIFACT_REPO, "multi"),
                "--format",
                "tree"
            )
            .match_key_words(&["<unknown>"])
            .exec();
        }

        /// `It("should discover and display annotations with --verbose")`
        #[test]
        fn should_discover_and_display_annotations_with_verbose() {
            oras!("discover", subject_ref(), "--format", "tree", "-v")
                .match_key_words(&with(words(zot_host(), true), "[annotations]".into()))
                .exec();
        }

        /// `It("should not display annotations with --verbose=false")`
        #[test]
        fn should_not_display_annotations_with_verbose_false() {
            let out = oras!(
                "discover",
                subject_ref(),
                "--format",
                "tree",
                "--verbose=false"
            )
            .match_key_words(&words(zot_host(), false))
            .exec()
            .out;
            out.should_not_say("\\[annotations\\]");
        }

        /// `It("should show deprecation message when using verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_using_verbose_flag() {
            oras!("discover", subject_ref(), "--format", "tree", "--verbose")
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .exec();
        }

        /// `It("should discover referrers correctly by depth 1")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_1() {
            let out = oras!(
                "discover",
                subject_ref(),
                "--format",
                "tree",
                "--depth",
                "1"
            )
            .match_key_words(&[registry_ref(zot_host(), ARTIFACT_REPO, foobar::DIGEST)])
            .exec()
            .out;
            out.should_say(&foobar::sbom_image_referrer().digest);
            out.should_not_say(&foobar::signature_image_referrer().digest);
        }

        /// `It("should discover referrers correctly by depth 2")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_2() {
            let out = oras!(
                "discover",
                subject_ref(),
                "--format",
                "tree",
                "--depth",
                "2"
            )
            .match_key_words(&[registry_ref(zot_host(), ARTIFACT_REPO, foobar::DIGEST)])
            .exec()
            .out;
            out.should_say(&foobar::sbom_image_referrer().digest);
            out.should_say(&foobar::signature_image_referrer().digest);
        }
    }

    /// `When("running discover command with table output")`
    mod running_discover_command_with_table_output {
        use super::*;

        /// `It("should show all referrers of a subject")`
        #[test]
        fn should_show_all_referrers_of_a_subject() {
            oras!(
                "discover",
                subject_ref(),
                "--format",
                "table",
                "--depth",
                "1"
            )
            .match_key_words(&with(
                discover_key_words(
                    false,
                    &[foobar::sbom_image_referrer(), foobar::sbom_image_referrer()],
                ),
                foobar::DIGEST.to_string(),
            ))
            .exec();
        }
    }

    /// `When("running discover command with go-template output")`
    mod running_discover_command_with_go_template_output {
        use super::*;

        /// `It("should show referrers digest of a subject")`
        #[test]
        fn should_show_referrers_digest_of_a_subject() {
            oras!(
                "discover",
                subject_ref(),
                "--format",
                "go-template={{(first .referrers).reference}}"
            )
            .match_content(&registry_ref(
                zot_host(),
                ARTIFACT_REPO,
                &foobar::sbom_image_referrer().digest,
            ))
            .exec();
        }
    }
}

/// `Describe("1.0 registry users:")`
mod registry_1_0_users {
    use super::*;

    fn subject_ref() -> String {
        registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG)
    }

    /// `oras discover <subject> --format json <more>`, decoded.
    fn discover_json(subject: &str, more: &[&str]) -> Subject {
        let out = oras!("discover", subject, "--format", "json")
            .args(more)
            .exec();
        must_subject(out.out.contents())
    }

    /// `When("running discover command")`
    mod running_discover_command {
        use super::*;

        /// `It("should discover all direct and indirect referrers of a subject by default via json output")`
        #[test]
        fn should_discover_all_direct_and_indirect_referrers_of_a_subject_by_default_via_json_output()
         {
            should_have_sbom_then(&discover_json(&subject_ref(), &[]), true);
        }

        /// `It("should include information of subject and referrers manifests via json output")`
        #[test]
        fn should_include_information_of_subject_and_referrers_manifests_via_json_output() {
            let subject = discover_json(&subject_ref(), &[]);
            assert_eq!(subject.desc, foobar::foo_bar());
            should_have_only_sbom(&subject);
        }

        /// `It("should discover matched referrer when filtering via json output")`
        #[test]
        fn should_discover_matched_referrer_when_filtering_via_json_output() {
            let at = foobar::sbom_image_referrer().artifact_type;
            should_have_only_sbom(&discover_json(&subject_ref(), &["--artifact-type", &at]));
        }

        /// `It("should discover no referrer when not matching via json output")`
        #[test]
        fn should_discover_no_referrer_when_not_matching_via_json_output() {
            let subject = discover_json(&subject_ref(), &["--artifact-type", "???"]);
            assert_eq!(subject.referrers().len(), 0);
        }

        /// `It("should discover referrers correctly by depth 1 via json output")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_1_via_json_output() {
            should_have_sbom_then(&discover_json(&subject_ref(), &["--depth", "1"]), false);
        }

        /// `It("should discover referrers correctly by depth 2")` (JSON)
        #[test]
        fn should_discover_referrers_correctly_by_depth_2() {
            should_have_sbom_then(&discover_json(&subject_ref(), &["--depth", "2"]), true);
        }

        /// `It("should show the referrer field when no referrer is found")`
        #[test]
        fn should_show_the_referrer_field_when_no_referrer_is_found() {
            let subject = discover_json(
                &registry_ref(
                    zot_host(),
                    ARTIFACT_REPO,
                    &foobar::signature_image_referrer().digest,
                ),
                &[],
            );
            assert!(subject.referrers.is_some(), "referrers is nil");
            assert_eq!(subject.referrers().len(), 0);
        }

        fn tree_words(verbose: bool) -> Vec<String> {
            with(
                discover_key_words(
                    verbose,
                    &[
                        foobar::sbom_image_referrer(),
                        foobar::signature_image_referrer(),
                    ],
                ),
                registry_ref(fallback_host(), ARTIFACT_REPO, foobar::DIGEST),
            )
        }

        fn table_words() -> Vec<String> {
            with(
                discover_key_words(false, &[foobar::sbom_image_referrer()]),
                foobar::DIGEST.to_string(),
            )
        }

        /// `It("should discover all direct and indirect referrers of a subject by default via tree output")`
        #[test]
        fn should_discover_all_direct_and_indirect_referrers_of_a_subject_by_default_via_tree_output()
         {
            oras!("discover", subject_ref(), "--format", "tree")
                .match_key_words(&tree_words(false))
                .exec();
        }

        /// `It("should discover referrers correctly by depth 1 via tree output")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_1_via_tree_output() {
            let out = oras!(
                "discover",
                subject_ref(),
                "--format",
                "tree",
                "--depth",
                "1"
            )
            .exec()
            .out;
            out.should_say(&foobar::sbom_image_referrer().digest);
            out.should_not_say(&foobar::signature_image_referrer().digest);
        }

        /// `It("should discover referrers correctly by depth 2")` (tree)
        #[test]
        fn should_discover_referrers_correctly_by_depth_2_via_tree() {
            let out = oras!(
                "discover",
                subject_ref(),
                "--format",
                "tree",
                "--depth",
                "2"
            )
            .exec()
            .out;
            out.should_say(&foobar::sbom_image_referrer().digest);
            out.should_say(&foobar::signature_image_referrer().digest);
        }

        /// `It("should discover all referrers with annotation via tree output")`
        #[test]
        fn should_discover_all_referrers_with_annotation_via_tree_output() {
            oras!("discover", subject_ref(), "--format", "tree", "-v")
                .match_key_words(&tree_words(true))
                .exec();
        }

        /// `It("should discover direct referrers of a subject via table output")`
        #[test]
        fn should_discover_direct_referrers_of_a_subject_via_table_output() {
            oras!(
                "discover",
                subject_ref(),
                "--format",
                "table",
                "--depth",
                "1"
            )
            .match_key_words(&table_words())
            .exec();
        }

        /// `It("should discover direct referrers explicitly via tag scheme")`
        #[test]
        fn should_discover_direct_referrers_explicitly_via_tag_scheme() {
            oras!(
                "discover",
                subject_ref(),
                "--format",
                "table",
                "--distribution-spec",
                "v1.1-referrers-tag",
                "--depth",
                "1"
            )
            .match_key_words(&table_words())
            .exec();
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// `oras discover <layout>:foobar --format json --oci-layout <more>`
    /// on a fresh copy of the artifacts layout, decoded.
    fn discover_json(more: &[&str]) -> Subject {
        let root = prepare_temp_oci(ARTIFACT_REPO);
        let subject_ref = layout_ref(root.path(), foobar::TAG);
        let out = oras!("discover", subject_ref, "--format", "json", LAYOUT)
            .args(more)
            .exec();
        must_subject(out.out.contents())
    }

    /// `When("running discover command with json output")`
    mod running_discover_command_with_json_output {
        use super::*;

        /// `It("should discover direct and indirect referrers of a subject by default")`
        #[test]
        fn should_discover_direct_and_indirect_referrers_of_a_subject_by_default() {
            should_have_sbom_then(&discover_json(&[]), true);
        }

        /// `It("should discover referrers correctly by depth 1")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_1() {
            should_have_sbom_then(&discover_json(&["--depth", "1"]), false);
        }

        /// `It("should discover referrers correctly by depth 2")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_2() {
            should_have_sbom_then(&discover_json(&["--depth", "2"]), true);
        }

        /// `It("should include information of subject and referrers manifests")`
        #[test]
        fn should_include_information_of_subject_and_referrers_manifests() {
            let subject = discover_json(&[]);
            assert_eq!(subject.desc, foobar::foo_bar_oci());
            should_have_only_sbom(&subject);
        }

        /// `It("should discover matched referrer when filtering")`
        #[test]
        fn should_discover_matched_referrer_when_filtering() {
            let at = foobar::sbom_image_referrer().artifact_type;
            should_have_only_sbom(&discover_json(&["--artifact-type", &at]));
        }

        /// `It("should discover no matched referrer")`
        #[test]
        fn should_discover_no_matched_referrer() {
            let subject = discover_json(&["--artifact-type", "???"]);
            assert_eq!(subject.referrers().len(), 0);
        }
    }

    /// `When("running discover command with tree output")`
    mod running_discover_command_with_tree_output {
        use super::*;

        fn words(root: &TempDir, verbose: bool) -> Vec<String> {
            with(
                discover_key_words(
                    verbose,
                    &[
                        foobar::sbom_image_referrer(),
                        foobar::signature_image_referrer(),
                    ],
                ),
                layout_ref(root.path(), foobar::DIGEST),
            )
        }

        /// `It("should discover all referrers of a subject")`
        #[test]
        fn should_discover_all_referrers_of_a_subject() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            oras!("discover", subject_ref, "--format", "tree", LAYOUT)
                .match_key_words(&words(&root, false))
                .exec();
        }

        /// `It("should discover referrers correctly by depth 1")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_1() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            let out = oras!(
                "discover",
                subject_ref,
                "--format",
                "tree",
                LAYOUT,
                "--depth",
                "1"
            )
            .exec()
            .out;
            out.should_say(&foobar::sbom_image_referrer().digest);
            out.should_not_say(&foobar::signature_image_referrer().digest);
        }

        /// `It("should discover referrers correctly by depth 2")`
        #[test]
        fn should_discover_referrers_correctly_by_depth_2() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            let out = oras!(
                "discover",
                subject_ref,
                "--format",
                "tree",
                LAYOUT,
                "--depth",
                "2"
            )
            .exec()
            .out;
            out.should_say(&foobar::sbom_image_referrer().digest);
            out.should_say(&foobar::signature_image_referrer().digest);
        }

        /// `It("should discover all referrers of a subject with annotations")`
        #[test]
        fn should_discover_all_referrers_of_a_subject_with_annotations() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            oras!("discover", subject_ref, "--format", "tree", "-v", LAYOUT)
                .match_key_words(&with(words(&root, true), "[annotations]".into()))
                .exec();
        }
    }

    /// `When("running discover command with table output")`
    mod running_discover_command_with_table_output {
        use super::*;

        /// `It("should get direct referrers of a subject")`
        #[test]
        fn should_get_direct_referrers_of_a_subject() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            oras!(
                "discover",
                subject_ref,
                "--format",
                "table",
                LAYOUT,
                "--depth",
                "1"
            )
            .match_key_words(&with(
                discover_key_words(false, &[foobar::sbom_image_referrer()]),
                foobar::DIGEST.to_string(),
            ))
            .exec();
        }

        /// `It("should discover no matched referrer")`
        #[test]
        fn should_discover_no_matched_referrer() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            let out = oras!(
                "discover",
                subject_ref,
                "--format",
                "table",
                "--artifact-type",
                "???",
                LAYOUT
            )
            .exec()
            .out;
            out.should_not_say(&foobar::sbom_image_referrer().digest);
        }
    }
}
