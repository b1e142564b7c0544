//! `test/e2e/suite/command/pull.go`: `oras pull` from registries and OCI
//! layouts: files, configs, subjects, platforms, output formats and hints.

use super::*;

/// `hintMsg(reference)`.
fn hint_msg(reference: &str) -> String {
    format!(
        "Skipped pulling layers without file name in \"org.opencontainers.image.title\"\nUse 'oras copy {reference} --to-oci-layout <layout-dir>' to pull all layers.\n"
    )
}

/// The layers of foobar pulled under `pull_root` equal the test files
/// (`Binary("diff", ...)` for each).
#[track_caller]
fn diff_layers(work_dir: &std::path::Path, pull_root: &str) {
    for f in foobar::IMAGE_LAYER_NAMES {
        binary(
            "diff",
            &[
                &path_str(work_dir.join("foobar").join(f)),
                &path_str(std::path::Path::new(pull_root).join(f)),
            ],
        )
        .with_work_dir(work_dir)
        .exec();
    }
}

/// The config pulled as `config_name` under `pull_root` says `{}`.
#[track_caller]
fn config_says_empty_object(work_dir: &std::path::Path, pull_root: &str, config_name: &str) {
    let config_path = work_dir.join(pull_root).join(config_name);
    assert!(
        config_path.is_file(),
        "{} should exist",
        config_path.display()
    );
    let b = crate::e2e::matchers::Buffer::new(std::fs::read(&config_path).unwrap());
    assert!(b.say("{}"), "config should say {{}}, has {:?}", b.text());
}

/// The "pull all files in an image to a target folder" steps, shared by
/// the registry specs.
#[track_caller]
fn pull_all_files(reference: &str) {
    let pull_root = "pulled";
    let config_name = "test.config";
    let temp = prepare_temp_files();
    let mut keys = foobar::image_layer_state_keys();
    keys.push(foobar::manifest_state_key());
    keys.push(foobar::image_config_state_key(config_name));
    oras!("pull", reference, "--config", config_name, "-o", pull_root)
        .match_status(&keys, true, keys.len())
        .with_work_dir(temp.path())
        .exec();
    config_says_empty_object(temp.path(), pull_root, config_name);
    diff_layers(temp.path(), pull_root);
    // The Go spec then builds `pull ... --keep-old-files` with
    // ExpectFailure but never calls Exec, so it does not run.
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running pull command")`
    mod running_pull_command {
        use super::*;

        /// `It("should show help description with feature flags")`
        #[test]
        fn should_show_help_description_with_feature_flags() {
            let out = oras!("pull", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            out.should_say(&format!(
                "--oci-layout-path string\\s+{}",
                quote_meta(feature::EXPERIMENTAL_MARK)
            ));
        }

        /// `It("should not show --verbose in help doc")` (of push, as in
        /// Go)
        #[test]
        fn should_not_show_verbose_in_help_doc() {
            let out = oras!("push", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            out.should_not_say("--verbose");
        }

        /// `It("should show text as default format type in help doc")`
        #[test]
        fn should_show_text_as_default_format_type_in_help_doc() {
            match_default_flag_value("format", "text", &["pull"]);
        }

        /// `It("should show deprecation message and print unnamed status output for --verbose")`
        #[test]
        fn should_show_deprecation_message_and_print_unnamed_status_output_for_verbose() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            oras!("pull", r, "--verbose")
                .with_work_dir(temp.path())
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .match_status(&keys, true, keys.len())
                .exec();
        }

        /// `It("should show deprecation message and should NOT print unnamed status output for --verbose=false")`
        #[test]
        fn should_show_deprecation_message_and_should_not_print_unnamed_status_output_for_verbose_false()
         {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let keys = foobar::image_layer_state_keys();
            let out = oras!("pull", r, "--verbose=false")
                .with_work_dir(temp.path())
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .match_status(&keys, false, keys.len())
                .exec()
                .out;
            out.should_not_say("application/vnd.oci.image.manifest.v1\\+json");
        }

        /// `It("should show hint for unnamed layer")`
        #[test]
        fn should_show_hint_for_unnamed_layer() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), ARTIFACT_REPO, artifact::UNNAMED_TAG);
            let out = oras!("pull", &r).with_work_dir(temp.path()).exec().out;
            out.should_say(&hint_msg(&r));
        }

        /// `It("should not show hint for unnamed config blob")`
        #[test]
        fn should_not_show_hint_for_unnamed_config_blob() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), IMAGE_REPO, foobar::TAG);
            let out = oras!("pull", r).with_work_dir(temp.path()).exec().out;
            out.should_not_say(&hint_msg(&r));
        }

        /// `It("should not show hint for empty layer")`
        #[test]
        fn should_not_show_hint_for_empty_layer() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), ARTIFACT_REPO, artifact::EMPTY_TAG);
            let out = oras!("pull", r).with_work_dir(temp.path()).exec().out;
            out.should_not_say(&hint_msg(&r));
        }

        /// `It("should not show hint for json output")`
        #[test]
        fn should_not_show_hint_for_json_output() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), ARTIFACT_REPO, artifact::UNNAMED_TAG);
            let out = oras!("pull", r, "--format", "json")
                .with_work_dir(temp.path())
                .exec()
                .out;
            out.should_not_say(&hint_msg(&r));
        }

        /// `It("should not show hint for go template output")`
        #[test]
        fn should_not_show_hint_for_go_template_output() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), ARTIFACT_REPO, artifact::UNNAMED_TAG);
            let out = oras!("pull", r, "--format", "go-template={{.}}")
                .with_work_dir(temp.path())
                .exec()
                .out;
            out.should_not_say(&hint_msg(&r));
        }

        /// `It("should fail if template is specified without go template format")`
        #[test]
        fn should_fail_if_template_is_specified_without_go_template_format() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            oras!("pull", r, "--format", "json", "--template", "{{.}}")
                .with_work_dir(temp.path())
                .expect_failure()
                .match_err_key_words(&["--template must be used with --format go-template"])
                .exec();
            oras!("pull", r, "--template", "{{.}}")
                .with_work_dir(temp.path())
                .expect_failure()
                .match_err_key_words(&["--template must be used with --format go-template"])
                .exec();
        }

        /// `It("should fail if template format is invalid")`
        #[test]
        fn should_fail_if_template_format_is_invalid() {
            let temp = prepare_temp_files();
            let invalid_prompt = "invalid format type";
            let r = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            for format in ["=", "={{.}}"] {
                oras!("pull", r, "--format", "json", "--format", format)
                    .with_work_dir(temp.path())
                    .expect_failure()
                    .match_err_key_words(&[invalid_prompt])
                    .exec();
            }
            let no_template_prompt = "format specified but no template given";
            for format in ["go-template=", "go-template"] {
                oras!("pull", r, "--format", "json", "--format", format)
                    .with_work_dir(temp.path())
                    .expect_failure()
                    .match_err_key_words(&[no_template_prompt])
                    .exec();
            }
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("pull").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras pull");
            err.should_say("\n");
            err.should_say(r#"Run "oras pull -h""#);
        }

        /// `It("should fail if password is wrong with registry error prefix")`
        #[test]
        fn should_fail_if_password_is_wrong_with_registry_error_prefix() {
            oras!(
                "pull",
                registry_ref(zot_host(), ARTIFACT_REPO, artifact::EMPTY_TAG),
                "-u",
                USERNAME,
                "-p",
                "???"
            )
            .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
            .expect_failure()
            .exec();
        }

        /// `It("should fail if artifact is not found with registry error prefix")`
        #[test]
        fn should_fail_if_artifact_is_not_found_with_registry_error_prefix() {
            oras!("pull", registry_ref(zot_host(), ARTIFACT_REPO, INVALID_TAG))
                .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
                .expect_failure()
                .exec();
        }

        /// `It("should fail if artifact is not found from OCI layout")`
        #[test]
        fn should_fail_if_artifact_is_not_found_from_oci_layout() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            oras!("pull", LAYOUT, layout_ref(root.path(), INVALID_TAG))
                .match_err_key_words(&["Error: "])
                .expect_failure()
                .exec();
        }

        /// `It("should fail if manifest config reference is invalid")`
        #[test]
        fn should_fail_if_manifest_config_reference_is_invalid() {
            let root = prepare_temp_oci(IMAGE_REPO);
            oras!(
                "pull",
                LAYOUT,
                layout_ref(root.path(), foobar::TAG),
                "--config",
                ":"
            )
            .match_err_key_words(&["Error: "])
            .expect_failure()
            .exec();
        }

        /// `It("should fail to pull layers outside of working directory")`
        #[test]
        fn should_fail_to_pull_layers_outside_of_working_directory() {
            let push_root = temp_dir();
            copy_files(&test_data_root().join("files"), push_root.path());
            let tag = "pushed";
            oras!(
                "push",
                LAYOUT,
                layout_ref(push_root.path(), tag),
                path_str(push_root.join(foobar::FILE_CONFIG_NAME)),
                "--disable-path-validation"
            )
            .with_work_dir(push_root.path())
            .exec();
            let pull_root = temp_dir();
            oras!(
                "pull",
                LAYOUT,
                layout_ref(push_root.path(), tag),
                "-o",
                "pulled"
            )
            .with_description(&path_str(pull_root.path()))
            .expect_failure()
            .match_err_key_words(&["Error: ", "--allow-path-traversal"])
            .exec();
        }
    }
}

/// `Describe("OCI spec 1.1 registry users:")`
mod oci_spec_1_1_registry_users {
    use super::*;

    /// `When("pulling images from remote registry")`
    mod pulling_images_from_remote_registry {
        use super::*;

        const CONFIG_NAME: &str = "test.config";

        /// `It("should pull all files in an image to a target folder")`
        #[test]
        fn should_pull_all_files_in_an_image_to_a_target_folder() {
            pull_all_files(&registry_ref(zot_host(), IMAGE_REPO, foobar::TAG));
        }

        /// `It("should skip config if media type not matching")`
        #[test]
        fn should_skip_config_if_media_type_not_matching() {
            let pull_root = "pulled";
            let temp = prepare_temp_files();
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            oras!(
                "pull",
                registry_ref(zot_host(), IMAGE_REPO, foobar::TAG),
                "--config",
                format!("{CONFIG_NAME}:???"),
                "-o",
                pull_root
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            // As in Go, relative to the suite's own working directory.
            let config = root().cwd.join(pull_root).join(CONFIG_NAME);
            assert!(!config.is_file(), "{} should not exist", config.display());
            diff_layers(temp.path(), pull_root);
        }

        /// `It("should pull subject")`
        #[test]
        fn should_pull_subject() {
            let temp = temp_dir();
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            keys.extend(foobar::image_referrers_state_keys());
            oras!(
                "pull",
                registry_ref(
                    zot_host(),
                    ARTIFACT_REPO,
                    &foobar::signature_image_referrer().digest
                ),
                "--include-subject"
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
        }

        /// `It("should show correct reference")`
        #[test]
        fn should_show_correct_reference() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            let out = oras!("pull", r, "--format", "go-template={{.reference}}")
                .with_work_dir(temp.path())
                .exec()
                .out;
            assert_eq!(
                out.text(),
                format!("{}/{ARTIFACT_REPO}@{}", zot_host(), foobar::DIGEST)
            );
        }

        fn layer_paths(temp: &TempDir) -> Vec<String> {
            foobar::IMAGE_LAYER_NAMES
                .iter()
                .map(|p| path_str(temp.join(p)))
                .collect()
        }

        /// `It("should pull and output downloaded file paths")`
        #[test]
        fn should_pull_and_output_downloaded_file_paths() {
            let temp = temp_dir();
            oras!(
                "pull",
                registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG),
                "--format",
                "go-template={{range .files}}{{println .path}}{{end}}"
            )
            .with_work_dir(temp.path())
            .match_key_words(&layer_paths(&temp))
            .exec();
        }

        /// `It("should pull and output downloaded file paths using --template")`
        #[test]
        fn should_pull_and_output_downloaded_file_paths_using_template() {
            let temp = temp_dir();
            oras!(
                "pull",
                registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG),
                "--format",
                "go-template",
                "--template",
                "{{range .files}}{{println .path}}{{end}}"
            )
            .with_work_dir(temp.path())
            .match_key_words(&layer_paths(&temp))
            .exec();
        }

        /// `It("should pull and output path in json")`
        #[test]
        fn should_pull_and_output_path_in_json() {
            let temp = temp_dir();
            let out = oras!(
                "pull",
                registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG),
                "--format",
                "json"
            )
            .with_work_dir(temp.path())
            .match_key_words(&layer_paths(&temp))
            .exec();
            must_object(out.out.contents());
        }

        /// `It("should pull specific platform")`
        #[test]
        fn should_pull_specific_platform() {
            let dir = temp_dir();
            let keys = multi_arch::linux_amd64_state_keys();
            oras!(
                "pull",
                registry_ref(zot_host(), IMAGE_REPO, "multi"),
                "--platform",
                "linux/amd64",
                "-o",
                path_str(dir.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
        }

        /// `It("should pull an artifact with blob")`
        #[test]
        fn should_pull_an_artifact_with_blob() {
            let pull_root = temp_dir();
            oras!(
                "pull",
                registry_ref(zot_host(), ARTIFACT_REPO, artifact::BLOB_TAG),
                "-o",
                path_str(pull_root.path())
            )
            .exec();
            assert!(pull_root.join(multi_arch::LAYER_NAME).is_file());
        }

        /// `It("should pull an artifact with config")`
        #[test]
        fn should_pull_an_artifact_with_config() {
            let pull_root = temp_dir();
            oras!(
                "pull",
                registry_ref(zot_host(), ARTIFACT_REPO, artifact::CONFIG_TAG),
                "-o",
                path_str(pull_root.path())
            )
            .exec();
            assert!(pull_root.join(multi_arch::LAYER_NAME).is_file());
        }

        /// `It("should copy an artifact with blob")`
        #[test]
        fn should_copy_an_artifact_with_blob() {
            let repo = cp_test_repo("artifact-with-blob");
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
    }
}

/// `Describe("OCI spec 1.0 registry users:")`
mod oci_spec_1_0_registry_users {
    use super::*;

    /// `It("should pull all files in an image to a target folder")`
    #[test]
    fn should_pull_all_files_in_an_image_to_a_target_folder() {
        pull_all_files(&registry_ref(fallback_host(), ARTIFACT_REPO, foobar::TAG));
    }

    /// `It("should pull subject")`
    #[test]
    fn should_pull_subject() {
        let temp = temp_dir();
        let mut keys = foobar::image_layer_state_keys();
        keys.push(foobar::manifest_state_key());
        keys.extend(foobar::image_referrers_state_keys());
        oras!(
            "pull",
            registry_ref(
                fallback_host(),
                ARTIFACT_REPO,
                &foobar::signature_image_referrer().digest
            ),
            "--include-subject"
        )
        .match_status(&keys, true, keys.len())
        .with_work_dir(temp.path())
        .exec();
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// `When("pulling images")`
    mod pulling_images {
        use super::*;

        const CONFIG_NAME: &str = "test.config";

        /// `It("should pull all files in an image to a target folder")`
        #[test]
        fn should_pull_all_files_in_an_image_to_a_target_folder() {
            let pull_root = "pulled";
            let root = prepare_temp_oci(IMAGE_REPO);
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            keys.push(foobar::image_config_state_key(CONFIG_NAME));
            oras!(
                "pull",
                LAYOUT,
                layout_ref(root.path(), foobar::TAG),
                "--config",
                CONFIG_NAME,
                "-o",
                pull_root
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(root.path())
            .exec();
            config_says_empty_object(root.path(), pull_root, CONFIG_NAME);
            diff_layers(root.path(), pull_root);
            // As above: the `--keep-old-files` command is never executed.
        }

        /// `It("should skip config if media type does not match")`
        #[test]
        fn should_skip_config_if_media_type_does_not_match() {
            let pull_root = "pulled";
            let root = prepare_temp_oci(IMAGE_REPO);
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            oras!(
                "pull",
                LAYOUT,
                layout_ref(root.path(), foobar::TAG),
                "--config",
                format!("{CONFIG_NAME}:???"),
                "-o",
                pull_root
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(root.path())
            .exec();
            let config = crate::e2e::env::root()
                .cwd
                .join(pull_root)
                .join(CONFIG_NAME);
            assert!(!config.is_file(), "{} should not exist", config.display());
            diff_layers(root.path(), pull_root);
        }

        /// `It("should pull subject")`
        #[test]
        fn should_pull_subject() {
            let root = prepare_temp_oci(ARTIFACT_REPO);
            let mut keys = foobar::image_layer_state_keys();
            keys.push(foobar::manifest_state_key());
            keys.extend(foobar::image_referrers_state_keys());
            oras!(
                "pull",
                LAYOUT,
                layout_ref(root.path(), &foobar::signature_image_referrer().digest),
                "--include-subject"
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(root.path())
            .exec();
        }

        /// `It("should pull specific platform")`
        #[test]
        fn should_pull_specific_platform() {
            let root = prepare_temp_oci(IMAGE_REPO);
            let keys = multi_arch::linux_amd64_state_keys();
            oras!(
                "pull",
                LAYOUT,
                layout_ref(root.path(), multi_arch::TAG),
                "--platform",
                "linux/amd64",
                "-o",
                path_str(root.path())
            )
            .match_status(&keys, true, keys.len())
            .exec();
        }
    }
}

/// `Describe("OCI image spec v1.1.0-rc2 artifact users:")`
///
/// Its `It("should pull subject")` needs OCI artifact manifests: see
/// `UNPORTABLE`.
mod oci_image_spec_v1_1_0_rc2_artifact_users {
    use super::*;

    /// `It("should pull all files in an image to a target folder")`
    #[test]
    fn should_pull_all_files_in_an_image_to_a_target_folder() {
        pull_all_files(&registry_ref(host(), IMAGE_REPO, foobar::TAG));
    }
}
