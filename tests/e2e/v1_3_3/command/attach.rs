//! `test/e2e/suite/command/attach.go`: `oras attach` against registries
//! (with and without the referrers API) and OCI layouts.

use super::*;

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running attach command")`
    mod running_attach_command {
        use super::*;

        /// `It("should run \"attach\" command")` (RunAndShowPreviewInHelp)
        #[test]
        fn should_run_attach_command() {
            run_and_show_preview_in_help(&["attach"], &[]);
        }

        /// `It("should show preview and help doc")`
        #[test]
        fn should_show_preview_and_help_doc() {
            let out = oras!("attach", "--help")
                .match_key_words(&[
                    format!("{} Attach", feature::PREVIEW_MARK).as_str(),
                    feature::PREVIEW_DESCRIPTION,
                    EXAMPLE_DESC,
                ])
                .exec();
            out.out.should_say(&format!(
                "--distribution-spec string\\s+{}",
                quote_meta(feature::PREVIEW_MARK)
            ));
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

        /// `It("should attach a file to a subject and output status")`
        #[test]
        fn should_attach_a_file_to_a_subject_and_output_status() {
            let test_repo = attach_test_repo("simple");
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
            .match_status(&[foobar::attach_file_state_key()], false, 1)
            .exec();
        }

        /// `It("should attach a file to an arch-specific subject")`
        #[test]
        fn should_attach_a_file_to_an_arch_specific_subject() {
            let test_repo = attach_test_repo("arch-specific");
            // The Go spec copies with `oras cp` here (zot answered 500 to a
            // copied storage folder), so does this port.
            let subject_ref = registry_ref(zot_host(), &test_repo, multi_arch::TAG);
            oras!(
                "cp",
                registry_ref(zot_host(), IMAGE_REPO, multi_arch::TAG),
                subject_ref
            )
            .exec();
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
                "go-template={{range .manifests}}{{println .reference}}{{end}}"
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
                "go-template={{range .manifests}}{{println .reference}}{{end}}"
            )
            .exec()
            .out;
            out.should_say(&r);
        }

        /// `It("should attach file with path validation disabled")`
        #[test]
        fn should_attach_file_with_path_validation_disabled() {
            let test_repo = attach_test_repo("simple");
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
            let test_repo = attach_test_repo("simple");
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
                "go-template={{range .manifests}}{{println .reference}}{{end}}"
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
                "go-template={{range .manifests}}{{println .reference}}{{end}}"
            )
            .exec()
            .out;
            out.should_say(&r);
        }
    }
}
