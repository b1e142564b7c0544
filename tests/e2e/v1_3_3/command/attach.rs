//! `test/e2e/suite/command/attach.go`: `oras attach` against registries
//! (with and without the referrers API) and OCI layouts.

use super::*;

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running attach command")`
    mod running_attach_command {
        use super::*;

        /// `It("should show preview and help doc")`
        #[test]
        fn should_show_preview_and_help_doc() {
            let out = oras!("attach", "--help").exec().out;
            out.should_say(&format!(
                "--distribution-spec string\\s+{}",
                quote_meta(feature::PREVIEW_MARK)
            ));
        }

        /// `It("should not show --verbose in help doc")`
        #[test]
        fn should_not_show_verbose_in_help_doc() {
            let out = oras!("attach", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            out.should_not_say("--verbose");
        }

        /// `It("should say disable progress bars for --no-tty flag")`
        #[test]
        fn should_say_disable_progress_bars_for_no_tty_flag() {
            let out = oras!("attach", "--help")
                .match_key_words(&["disable progress bars"])
                .exec()
                .out;
            out.should_not_say("disable colors");
        }

        /// `It("should show deprecation message and print unnamed status output for --verbose")`
        #[test]
        fn should_show_deprecation_message_and_print_unnamed_status_output_for_verbose() {
            let test_repo = attach_test_repo("test-verbose");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            let keys = [
                foobar::attach_file_state_key(),
                key("44136fa355b3", "application/vnd.oci.empty.v1+json"),
            ];
            let files = prepare_temp_files();
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                "--verbose",
                subject_ref,
                attach_file_arg()
            )
            .with_work_dir(files.path())
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .match_status(&keys, true, keys.len())
            .exec();
        }

        /// `It("should show deprecation message and should NOT print unnamed status output for --verbose=false")`
        #[test]
        fn should_show_deprecation_message_and_should_not_print_unnamed_status_output_for_verbose_false()
         {
            let test_repo = attach_test_repo("test-verbose-false");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            let keys = [foobar::attach_file_state_key()];
            let files = prepare_temp_files();
            let out = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                "--verbose=false",
                subject_ref,
                attach_file_arg()
            )
            .with_work_dir(files.path())
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .match_status(&keys, false, keys.len())
            .exec()
            .out;
            out.should_not_say("application/vnd.oci.empty.v1\\+json");
        }

        /// `It("should show text as default format type in help doc")`
        #[test]
        fn should_show_text_as_default_format_type_in_help_doc() {
            match_default_flag_value("format", "text", &["attach"]);
        }

        /// `It("should fail when no subject reference provided")`
        #[test]
        fn should_fail_when_no_subject_reference_provided() {
            oras!("attach", "--artifact-type", "oras/test")
                .expect_failure()
                .match_err_key_words(&["Error:"])
                .exec();
        }

        /// `It("should fail if no file reference or manifest annotation provided for registry")`
        #[test]
        fn should_fail_if_no_file_reference_or_manifest_annotation_provided_for_registry() {
            oras!(
                "attach",
                "--artifact-type",
                "oras/test",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error: neither file nor annotation", "Usage:"])
            .exec();
        }

        /// `It("should fail if no file reference or manifest annotation provided for OCI layout")`
        #[test]
        fn should_fail_if_no_file_reference_or_manifest_annotation_provided_for_oci_layout() {
            let root = temp_dir();
            oras!(
                "attach",
                "--artifact-type",
                "oras/test",
                LAYOUT,
                layout_ref(root.path(), foobar::TAG)
            )
            .expect_failure()
            .match_err_key_words(&["Error: neither file nor annotation", "Usage:"])
            .exec();
        }

        /// `It("should fail if distribution spec is unknown")`
        #[test]
        fn should_fail_if_distribution_spec_is_unknown() {
            oras!(
                "attach",
                "--artifact-type",
                "oras/test",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--distribution-spec",
                "???"
            )
            .expect_failure()
            .match_err_key_words(&["unknown distribution specification flag"])
            .exec();
        }

        /// `It("should fail with error suggesting subject missed")`
        #[test]
        fn should_fail_with_error_suggesting_subject_missed() {
            let err = oras!(
                "attach",
                "--artifact-type",
                "oras/test",
                registry_ref(zot_host(), IMAGE_REPO, "")
            )
            .expect_failure()
            .exec()
            .err;
            err.should_say("Error");
            err.should_say("\nAre you missing an artifact reference to attach to?");
        }

        /// `It("should fail with error suggesting right form")`
        #[test]
        fn should_fail_with_error_suggesting_right_form() {
            let err = oras!(
                "attach",
                "--artifact-type",
                "oras/test",
                registry_ref(zot_host(), IMAGE_REPO, ""),
                "./test.json"
            )
            .expect_failure()
            .exec()
            .err;
            err.should_say("Error");
            err.should_say("no tag or digest specified");
            err.should_not_say("\nAre you missing an artifact reference to attach to?");
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("attach").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras attach");
            err.should_say("\n");
            err.should_say(r#"Run "oras attach -h""#);
        }

        /// `It("should fail if distribution spec is not valid")`
        #[test]
        fn should_fail_if_distribution_spec_is_not_valid() {
            let test_repo = attach_test_repo("invalid-image-spec");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            let invalid_flag = "???";
            let files = prepare_temp_files();
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                format!("{}:{}", foobar::ATTACH_FILE_NAME, foobar::ATTACH_FILE_MEDIA),
                DISTRIBUTION_SPEC,
                invalid_flag
            )
            .expect_failure()
            .with_work_dir(files.path())
            .match_err_key_words(&[
                "Error:",
                invalid_flag,
                "Available options: v1.1-referrers-tag, v1.1-referrers-api",
            ])
            .exec();
        }
    }
}

fn attach_file_arg() -> String {
    format!("{}:{}", foobar::ATTACH_FILE_NAME, foobar::ATTACH_FILE_MEDIA)
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// `When("running attach command")`
    mod running_attach_command {
        use super::*;

        /// `It("should attach a file to a subject and output status")` (the
        /// first of two: the subject by tag)
        #[test]
        fn should_attach_a_file_to_a_subject_and_output_status() {
            let test_repo = attach_test_repo("attach-tag");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            let files = prepare_temp_files();
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                attach_file_arg()
            )
            .with_work_dir(files.path())
            .match_key_words(&[format!(
                "Attached to [registry] {}",
                registry_ref(zot_host(), &test_repo, foobar::DIGEST)
            )])
            .match_status(&[foobar::attach_file_state_key()], false, 1)
            .exec();
        }

        /// `It("should attach a file to a subject and output status")` (the
        /// second of two: the subject by digest)
        #[test]
        fn should_attach_a_file_to_a_subject_and_output_status_2() {
            let test_repo = attach_test_repo("attach-digest");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::DIGEST);
            let files = prepare_temp_files();
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                &subject_ref,
                attach_file_arg()
            )
            .with_work_dir(files.path())
            .match_key_words(&[format!("Attached to [registry] {subject_ref}")])
            .match_status(&[foobar::attach_file_state_key()], false, 1)
            .exec();
        }

        /// `It("should attach a file to an arch-specific subject")`
        #[test]
        fn should_attach_a_file_to_an_arch_specific_subject() {
            let test_repo = attach_test_repo("arch-specific");
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let subject_ref = registry_ref(zot_host(), &test_repo, multi_arch::TAG);
            let artifact_type = "test/attach";
            let files = prepare_temp_files();
            let out = oras!(
                "attach",
                "--artifact-type",
                artifact_type,
                subject_ref,
                attach_file_arg(),
                "--format",
                "go-template={{.digest}}",
                "--platform",
                "linux/amd64"
            )
            .with_work_dir(files.path())
            .exec()
            .out
            .text();
            oras!(
                "discover",
                "--artifact-type",
                artifact_type,
                registry_ref(zot_host(), &test_repo, multi_arch::LINUX_AMD64_DIGEST)
            )
            .match_key_words(&[out])
            .exec();
        }

        /// `It("should attach a file to a subject and export the built manifest")`
        #[test]
        fn should_attach_a_file_to_a_subject_and_export_the_built_manifest() {
            let test_repo = attach_test_repo("export-manifest");
            let temp = prepare_temp_files();
            let export_name = "manifest.json";
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let r = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                attach_file_arg(),
                "--export-manifest",
                export_name,
                "--format",
                "go-template={{.reference}}"
            )
            .with_work_dir(temp.path())
            .exec()
            .out
            .text();
            let fetched = oras!("manifest", "fetch", r).exec().out.text();
            match_file(temp.join(export_name), &fetched);
        }

        /// `It("should attach a file to a subject and format the digest reference")`
        #[test]
        fn should_attach_a_file_to_a_subject_and_format_the_digest_reference() {
            let test_repo = attach_test_repo("format-ref");
            let temp = prepare_temp_files();
            let export_name = "manifest.json";
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let delimiter = "---";
            let output = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                attach_file_arg(),
                "--export-manifest",
                export_name,
                "--format",
                format!("go-template={{{{.reference}}}}{delimiter}{{{{.artifactType}}}}")
            )
            .with_work_dir(temp.path())
            .exec()
            .out
            .text();
            let (r, artifact_type) = output.split_once(delimiter).unwrap_or((&output, ""));
            assert_eq!(artifact_type, "test/attach");
            let fetched = oras!("manifest", "fetch", r).exec().out.text();
            match_file(temp.join(export_name), &fetched);
        }

        /// `It("should attach a file to a subject and format json")`
        #[test]
        fn should_attach_a_file_to_a_subject_and_format_json() {
            let test_repo = attach_test_repo("format-json");
            let temp = prepare_temp_files();
            let export_name = "manifest.json";
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let out = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                attach_file_arg(),
                "--export-manifest",
                export_name,
                "--format",
                "json"
            )
            .with_work_dir(temp.path())
            .exec()
            .out;
            out.should_say(&registry_ref(zot_host(), &test_repo, ""));
        }

        /// `It("should attach a file to a subject twice")`
        #[test]
        fn should_attach_a_file_to_a_subject_twice() {
            let test_repo = attach_test_repo("attach-twice");
            let temp = prepare_temp_files();
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let attach = || {
                oras!(
                    "attach",
                    "--artifact-type",
                    "test/attach",
                    subject_ref,
                    attach_file_arg(),
                    "--format",
                    "go-template={{.reference}}"
                )
                .with_work_dir(temp.path())
                .exec()
                .out
                .text()
            };
            let ref1 = attach();
            let ref2 = attach();
            oras!(
                "discover",
                subject_ref,
                "--format",
                "go-template={{range .referrers}}{{println .reference}}{{end}}"
            )
            .match_key_words(&[ref1, ref2])
            .exec();
        }

        /// `It("should attach a file via a OCI Image")`
        #[test]
        fn should_attach_a_file_via_a_oci_image() {
            let test_repo = attach_test_repo("image");
            let temp = prepare_temp_files();
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let r = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                attach_file_arg(),
                "--format",
                "go-template={{.reference}}"
            )
            .with_work_dir(temp.path())
            .exec()
            .out
            .text();
            let out = oras!(
                "discover",
                subject_ref,
                "--format",
                "go-template={{range .referrers}}{{println .reference}}{{end}}"
            )
            .exec()
            .out;
            out.should_say(&r);
        }

        /// `It("should attach file with path validation disabled")`
        #[test]
        fn should_attach_file_with_path_validation_disabled() {
            let test_repo = attach_test_repo("simple-no-path-validation");
            let files = prepare_temp_files();
            let abs_attach_file_name = path_str(files.join(foobar::ATTACH_FILE_NAME));
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                format!("{abs_attach_file_name}:{}", foobar::ATTACH_FILE_MEDIA),
                "--disable-path-validation"
            )
            .exec();
        }

        /// `It("should fail path validation when attaching file with absolute path")`
        #[test]
        fn should_fail_path_validation_when_attaching_file_with_absolute_path() {
            let test_repo = attach_test_repo("simple-fail-path-validation");
            let files = prepare_temp_files();
            let abs_attach_file_name = path_str(files.join(foobar::ATTACH_FILE_NAME));
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                format!("{abs_attach_file_name}:{}", foobar::ATTACH_FILE_MEDIA)
            )
            .expect_failure()
            .exec();
        }

        /// `--config` (with `config_type`, or the unknown config type)
        /// makes the referrer's config.
        #[track_caller]
        fn attach_with_config(repo: &str, config_type: Option<&str>) {
            let test_repo = attach_test_repo(repo);
            let temp = prepare_temp_files();
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let config = match config_type {
                Some(t) => format!("{}:{t}", foobar::FILE_CONFIG_NAME),
                None => foobar::FILE_CONFIG_NAME.to_string(),
            };
            let r = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                "--config",
                config,
                subject_ref,
                attach_file_arg(),
                "--format",
                "go-template={{.reference}}"
            )
            .with_work_dir(temp.path())
            .exec()
            .out
            .text();
            let fetched = oras!("manifest", "fetch", r).exec().out;
            let m = must_manifest(fetched.contents());
            assert_eq!(
                m.config,
                Descriptor {
                    media_type: config_type.unwrap_or(MEDIA_TYPE_UNKNOWN_CONFIG).into(),
                    size: foobar::FILE_CONFIG_SIZE,
                    digest: foobar::FILE_CONFIG_DIGEST.into(),
                    ..Descriptor::default()
                }
            );
        }

        /// `It("should attach a file to a subject with customized config file")`
        #[test]
        fn should_attach_a_file_to_a_subject_with_customized_config_file() {
            attach_with_config("config", None);
        }

        /// `It("should attach a file to a subject with customized config file and media type")`
        #[test]
        fn should_attach_a_file_to_a_subject_with_customized_config_file_and_media_type() {
            attach_with_config("config/mediatype", Some("config/type"));
        }

        /// `It("should fail to use --config and --platform at the same time")`
        #[test]
        fn should_fail_to_use_config_and_platform_at_the_same_time() {
            let r = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let temp = prepare_temp_files();
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                "--config",
                foobar::FILE_CONFIG_NAME,
                "--platform",
                "linux/amd64",
                r,
                attach_file_arg()
            )
            .expect_failure()
            .with_work_dir(temp.path())
            .exec();
        }

        /// `It("should fail when config file path is empty")`
        #[test]
        fn should_fail_when_config_file_path_is_empty() {
            let test_repo = attach_test_repo("config/empty-path");
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            let temp = prepare_temp_files();
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                "--config",
                ":",
                subject_ref,
                attach_file_arg()
            )
            .expect_failure()
            .with_work_dir(temp.path())
            .exec();
        }

        /// `It("should fail when config file does not exist")`
        #[test]
        fn should_fail_when_config_file_does_not_exist() {
            let test_repo = attach_test_repo("config/notfound");
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            copy_zot_repo(IMAGE_REPO, &test_repo);
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                "--config",
                "nonexistent-config.json",
                subject_ref,
                attach_file_arg()
            )
            .expect_failure()
            .exec();
        }
    }
}

/// `Describe("1.0 registry users:")`
mod registry_1_0_users {
    use super::*;

    /// `When("running attach command")`
    mod running_attach_command {
        use super::*;

        #[track_caller]
        fn attach_and_discover(name: &str, extra: &[&str]) {
            let test_repo = attach_test_repo(name);
            let temp = prepare_temp_files();
            let subject_ref = registry_ref(fallback_host(), &test_repo, foobar::TAG);
            prepare(
                &registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG),
                &subject_ref,
            );
            let r = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                attach_file_arg()
            )
            .args(extra)
            .args(&["--format", "go-template={{.reference}}"])
            .with_work_dir(temp.path())
            .exec()
            .out
            .text();
            let out = oras!(
                "discover",
                subject_ref,
                "--format",
                "go-template={{range .referrers}}{{println .reference}}{{end}}"
            )
            .exec()
            .out;
            out.should_say(&r);
        }

        /// `It("should attach a file via a OCI Image")`
        #[test]
        fn should_attach_a_file_via_a_oci_image() {
            attach_and_discover("fallback/image", &[]);
        }

        /// `It("should attach a file via a OCI Image by default")`
        #[test]
        fn should_attach_a_file_via_a_oci_image_by_default() {
            attach_and_discover("fallback/default", &[]);
        }

        /// `It("should attach a file via a OCI Image and generate referrer via tag schema")`
        #[test]
        fn should_attach_a_file_via_a_oci_image_and_generate_referrer_via_tag_schema() {
            attach_and_discover(
                "fallback/tag_schema",
                &["--distribution-spec", "v1.1-referrers-tag"],
            );
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// `When("running attach command")`
    mod running_attach_command {
        use super::*;

        /// `It("should attach a file to a subject")`
        #[test]
        fn should_attach_a_file_to_a_subject() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                LAYOUT,
                subject_ref,
                attach_file_arg()
            )
            .with_work_dir(root.path())
            .match_status(&[foobar::attach_file_state_key()], false, 1)
            .exec();
        }

        /// `It("should attach a file to a subject and export the built manifest")`
        #[test]
        fn should_attach_a_file_to_a_subject_and_export_the_built_manifest() {
            let export_name = "manifest.json";
            let root = prepare_temp_oci(IMAGE_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            let r = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                LAYOUT,
                subject_ref,
                attach_file_arg(),
                "--export-manifest",
                export_name,
                "--format",
                "go-template={{.reference}}"
            )
            .with_work_dir(root.path())
            .exec()
            .out
            .text();
            let fetched = oras!("manifest", "fetch", LAYOUT, r).exec().out.text();
            match_file(root.join(export_name), &fetched);
        }

        /// `It("should attach a file to an arch-specific subject")`
        #[test]
        fn should_attach_a_file_to_an_arch_specific_subject() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let subject_ref = layout_ref(root.path(), multi_arch::TAG);
            let artifact_type = "test/attach";
            let files = prepare_temp_files();
            let out = oras!(
                "attach",
                LAYOUT,
                "--artifact-type",
                artifact_type,
                subject_ref,
                attach_file_arg(),
                "--format",
                "go-template={{.digest}}",
                "--platform",
                "linux/amd64"
            )
            .with_work_dir(files.path())
            .exec()
            .out
            .text();
            oras!(
                "discover",
                LAYOUT,
                "--artifact-type",
                artifact_type,
                layout_ref(root.path(), multi_arch::LINUX_AMD64_DIGEST)
            )
            .match_key_words(&[out])
            .exec();
        }

        /// `It("should attach a file via a OCI Image")`
        #[test]
        fn should_attach_a_file_via_a_oci_image() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let subject_ref = layout_ref(root.path(), foobar::TAG);
            let r = oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                LAYOUT,
                subject_ref,
                attach_file_arg(),
                "--format",
                "go-template={{.reference}}"
            )
            .with_work_dir(root.path())
            .exec()
            .out
            .text();
            let out = oras!(
                "discover",
                LAYOUT,
                subject_ref,
                "--format",
                "go-template={{range .referrers}}{{println .reference}}{{end}}"
            )
            .exec()
            .out;
            out.should_say(&r);
        }
    }
}
