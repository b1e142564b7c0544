//! `test/e2e/suite/command/push.go`: `oras push` to registries and OCI
//! layouts: media types, configs, annotations, image-spec versions, tags
//! and output formats.

use super::*;

const TAG: &str = "e2e";

fn bar_tar() -> Descriptor {
    foobar::blob_bar_descriptor("application/vnd.oci.image.layer.v1.tar")
}

/// `statusKeys` of the "1.0" contexts: the empty config and the bar file.
fn status_keys() -> Vec<StateKey> {
    vec![
        foobar::image_config_state_key("application/vnd.oci.empty.v1+json"),
        foobar::file_bar_state_key(),
    ]
}

/// `manifest fetch` (with extra flags) decoded as an OCI manifest.
#[track_caller]
fn fetch_manifest(args: &[&str]) -> Manifest {
    let out = crate::e2e::exec::oras(vec!["manifest".into(), "fetch".into()])
        .args(args)
        .exec();
    must_manifest(out.out.contents())
}

/// `Expect(manifest.Layers).Should(ContainElements(d))`.
#[track_caller]
fn layers_contain(m: &Manifest, d: &Descriptor) {
    should_contain(&m.layers, d);
}

/// `Describe("ORAS beginners:")`
mod oras_beginners {
    use super::*;

    /// `When("running push command")`
    mod running_push_command {
        use super::*;

        /// `It("should show help description with feature flags")`
        #[test]
        fn should_show_help_description_with_feature_flags() {
            let out = oras!("push", "--help")
                .match_key_words(&[EXAMPLE_DESC])
                .exec()
                .out;
            out.should_say(&format!(
                "--image-spec string\\s+{}",
                quote_meta(feature::PREVIEW_MARK)
            ));
            out.should_say(&format!(
                "--oci-layout-path string\\s+{}",
                quote_meta(feature::EXPERIMENTAL_MARK)
            ));
        }

        /// `It("should not show --verbose in help doc")`
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
            match_default_flag_value("format", "text", &["push"]);
        }

        /// `It("should show deprecation message and print unnamed status output for --verbose")`
        #[test]
        fn should_show_deprecation_message_and_print_unnamed_status_output_for_verbose() {
            let repo = push_test_repo("test-verbose");
            let temp = prepare_temp_files();
            let keys = [artifact::default_config_state_key()];
            oras!("push", registry_ref(zot_host(), &repo, TAG), "--verbose")
                .with_work_dir(temp.path())
                .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
                .match_status(&keys, true, keys.len())
                .exec();
        }

        /// `It("should show deprecation message and should NOT print unnamed status output for --verbose=false")`
        #[test]
        fn should_show_deprecation_message_and_should_not_print_unnamed_status_output_for_verbose_false()
         {
            let repo = push_test_repo("test-verbose-false");
            let temp = prepare_temp_files();
            let out = oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "--verbose=false"
            )
            .with_work_dir(temp.path())
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec()
            .out;
            out.should_not_say("application/vnd.oci.empty.v1\\+json");
            out.should_not_say("application/vnd.oci.image.manifest.v1\\+json");
        }

        /// `It("should fail and show detailed error description if no argument provided")`
        #[test]
        fn should_fail_and_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("push").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras push");
            err.should_say("\n");
            err.should_say(r#"Run "oras push -h""#);
        }

        /// `It("should fail if the provided reference is not valid")`
        #[test]
        fn should_fail_if_the_provided_reference_is_not_valid() {
            let err = oras!("push", "/oras").expect_failure().exec().err;
            err.should_say(r#"Error: "/oras": invalid reference: invalid registry """#);
            err.should_say(&quote_meta(
                "Please make sure the provided reference is in the form of <registry>/<repo>[:tag|@digest]",
            ));
        }

        /// `It("should fail if the to-be-pushed file is not found")`
        #[test]
        fn should_fail_if_the_to_be_pushed_file_is_not_found() {
            let temp = temp_dir();
            let not_found_file_path = "file/not/found";
            let err = oras!(
                "push",
                registry_ref(zot_host(), &push_test_repo("file-not-found"), ""),
                not_found_file_path
            )
            .with_work_dir(temp.path())
            .expect_failure()
            .exec()
            .err;
            err.should_say(&path_str(temp.join(not_found_file_path)));
            err.should_say("no such file or directory");
        }

        /// `It("should fail to use --config and --artifact-type at the same time for OCI spec v1.0 registry")`
        #[test]
        fn should_fail_to_use_config_and_artifact_type_at_the_same_time_for_oci_spec_v1_0_registry()
        {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), &push_test_repo("no-mediatype"), "");
            oras!(
                "push",
                r,
                "--config",
                foobar::FILE_CONFIG_NAME,
                "--artifact-type",
                "test/artifact+json",
                "--image-spec",
                "v1.0"
            )
            .expect_failure()
            .with_work_dir(temp.path())
            .exec();
        }

        /// `It("should fail to use --artifact-platform and --config at the same time")`
        #[test]
        fn should_fail_to_use_artifact_platform_and_config_at_the_same_time() {
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), &push_test_repo("no-mediatype"), "");
            oras!(
                "push",
                r,
                "--artifact-platform",
                "linux/amd64",
                "--config",
                foobar::FILE_CONFIG_NAME
            )
            .expect_failure()
            .with_work_dir(temp.path())
            .exec();
        }

        #[track_caller]
        fn invalid_image_spec() {
            let test_repo = attach_test_repo("invalid-image-spec");
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            let invalid_flag = "???";
            oras!("push", subject_ref, IMAGE_SPEC, invalid_flag)
                .expect_failure()
                .match_err_key_words(&["Error:", invalid_flag, "Available options: v1.1, v1.0"])
                .exec();
        }

        /// `It("should fail if image spec is not valid")` (the first of three)
        #[test]
        fn should_fail_if_image_spec_is_not_valid() {
            invalid_image_spec();
        }

        /// `It("should fail if image spec is not valid")` (the second of three)
        #[test]
        fn should_fail_if_image_spec_is_not_valid_2() {
            invalid_image_spec();
        }

        /// `It("should fail if image spec is not valid")` (the third of three)
        #[test]
        fn should_fail_if_image_spec_is_not_valid_3() {
            invalid_image_spec();
        }

        /// `It("should fail if image spec v1.1 is used, with --config and without --artifactType")`
        #[test]
        fn should_fail_if_image_spec_v1_1_is_used_with_config_and_without_artifact_type() {
            let test_repo = push_test_repo("v1-1/no-artifact-type");
            let subject_ref = registry_ref(zot_host(), &test_repo, foobar::TAG);
            oras!(
                "push",
                subject_ref,
                "--config",
                foobar::FILE_CONFIG_NAME,
                IMAGE_SPEC,
                "v1.1"
            )
            .expect_failure()
            .match_err_key_words(&["missing artifact type for OCI image-spec v1.1 artifacts"])
            .exec();
        }
    }
}

/// `Describe("Remote registry users:")`
mod remote_registry_users {
    use super::*;

    /// `When("pushing to OCI spec v1.0 registries")`
    mod pushing_to_oci_spec_v1_0_registries {
        use super::*;

        /// `It("should push files without customized media types")`
        #[test]
        fn should_push_files_without_customized_media_types() {
            let repo = push_test_repo("no-mediatype");
            let temp = prepare_temp_files();
            let r = registry_ref(zot_host(), &repo, TAG);
            let keys = status_keys();
            oras!("push", r, foobar::FILE_BAR_NAME)
                .match_status(&keys, true, keys.len())
                .with_work_dir(temp.path())
                .exec();
            layers_contain(&fetch_manifest(&[&r]), &bar_tar());
        }

        /// `It("should push files with path validation disabled")`
        #[test]
        fn should_push_files_with_path_validation_disabled() {
            let repo = push_test_repo("disable-path-validation");
            let r = registry_ref(zot_host(), &repo, TAG);
            let files = prepare_temp_files();
            let abs_bar_name = path_str(files.join(foobar::FILE_BAR_NAME));
            oras!("push", r, abs_bar_name, "--disable-path-validation").exec();
            let mut want = bar_tar();
            want.annotations = Some(
                [(
                    "org.opencontainers.image.title".to_string(),
                    abs_bar_name.clone(),
                )]
                .into(),
            );
            layers_contain(&fetch_manifest(&[&r]), &want);
        }

        /// `It("should fail path validation when pushing file with absolute path")`
        #[test]
        fn should_fail_path_validation_when_pushing_file_with_absolute_path() {
            let repo = push_test_repo("path-validation");
            let r = registry_ref(zot_host(), &repo, TAG);
            let files = prepare_temp_files();
            let abs_bar_name = path_str(files.join(foobar::FILE_BAR_NAME));
            oras!("push", r, abs_bar_name)
                .match_err_key_words(&["--disable-path-validation"])
                .expect_failure()
                .exec();
        }

        /// `It("should push files and tag")`
        #[test]
        fn should_push_files_and_tag() {
            let repo = push_test_repo("multi-tag");
            let temp = prepare_temp_files();
            let extra_tag = "2e2";
            oras!(
                "push",
                format!("{},{extra_tag}", registry_ref(zot_host(), &repo, TAG)),
                foobar::FILE_BAR_NAME,
                "--format",
                "go-template={{range .referenceAsTags}}{{println .}}{{end}}"
            )
            .match_content(&format!(
                "{}\n{}\n",
                registry_ref(zot_host(), &repo, extra_tag),
                registry_ref(zot_host(), &repo, TAG)
            ))
            .with_work_dir(temp.path())
            .exec();
            layers_contain(
                &fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]),
                &bar_tar(),
            );
            layers_contain(
                &fetch_manifest(&[&registry_ref(zot_host(), &repo, extra_tag)]),
                &bar_tar(),
            );
        }

        /// `It("should push and tag and hide tag logs")`
        #[test]
        fn should_push_and_tag_and_hide_tag_logs() {
            let repo = push_test_repo("no-tag-log");
            let temp = prepare_temp_files();
            let extra_tag = "2e2";
            let out = oras!(
                "push",
                format!("{},{extra_tag}", registry_ref(zot_host(), &repo, TAG)),
                foobar::FILE_BAR_NAME,
                "--format",
                "json"
            )
            .with_work_dir(temp.path())
            .exec();
            must_object(out.out.contents());
        }

        /// `It("should push files with customized media types")`
        #[test]
        fn should_push_files_with_customized_media_types() {
            let repo = push_test_repo("layer-mediatype");
            let layer_type = "layer/type";
            let temp = prepare_temp_files();
            let keys = status_keys();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                format!("{}:{layer_type}", foobar::FILE_BAR_NAME),
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            layers_contain(
                &fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]),
                &foobar::blob_bar_descriptor(layer_type),
            );
        }

        /// `It("should push files with manifest exported")`
        #[test]
        fn should_push_files_with_manifest_exported() {
            let repo = push_test_repo("export-manifest");
            let layer_type = "layer/type";
            let temp = prepare_temp_files();
            let export_path = "packed.json";
            let keys = status_keys();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                format!("{}:{layer_type}", foobar::FILE_BAR_NAME),
                "--export-manifest",
                export_path
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            let fetched = oras!("manifest", "fetch", registry_ref(zot_host(), &repo, TAG))
                .exec()
                .out
                .text();
            match_file(temp.join(export_path), &fetched);
        }

        /// `It("should push files with customized config file")`
        #[test]
        fn should_push_files_with_customized_config_file() {
            let repo = push_test_repo("config");
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "--config",
                foobar::FILE_CONFIG_NAME,
                foobar::FILE_BAR_NAME,
            )
            .match_status(
                &[
                    foobar::file_config_state_key(),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(
                m.config,
                Descriptor {
                    media_type: "application/vnd.unknown.config.v1+json".into(),
                    size: foobar::FILE_CONFIG_SIZE,
                    digest: foobar::FILE_CONFIG_DIGEST.into(),
                    ..Descriptor::default()
                }
            );
        }

        /// `It("should pack with image spec v1.0 when --config is used, --artifact-type is not used, and --image-spec set to auto")`
        #[test]
        fn should_pack_with_image_spec_v1_0_when_config_is_used_artifact_type_is_not_used_and_image_spec_set_to_auto()
         {
            let repo = push_test_repo("config/without/artifact/type");
            let config_type = "my/config+type";
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "--config",
                format!("{}:{config_type}", foobar::FILE_CONFIG_NAME),
                foobar::FILE_BAR_NAME,
            )
            .match_status(
                &[
                    key(&foobar::file_config_state_key().digest, config_type),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(
                m.config,
                Descriptor {
                    media_type: config_type.into(),
                    size: foobar::FILE_CONFIG_SIZE,
                    digest: foobar::FILE_CONFIG_DIGEST.into(),
                    ..Descriptor::default()
                }
            );
            assert_eq!(m.artifact_type, "");
        }

        /// `It("should push files with customized config file and mediatype")`
        #[test]
        fn should_push_files_with_customized_config_file_and_mediatype() {
            let repo = push_test_repo("config/mediatype");
            let config_type = "config/type";
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "--config",
                format!("{}:{config_type}", foobar::FILE_CONFIG_NAME),
                foobar::FILE_BAR_NAME,
            )
            .match_status(
                &[
                    key(&foobar::file_config_state_key().digest, config_type),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(
                m.config,
                Descriptor {
                    media_type: config_type.into(),
                    size: foobar::FILE_CONFIG_SIZE,
                    digest: foobar::FILE_CONFIG_DIGEST.into(),
                    ..Descriptor::default()
                }
            );
        }

        /// `It("should push files with customized manifest annotation")`
        #[test]
        fn should_push_files_with_customized_manifest_annotation() {
            let repo = push_test_repo("manifest-annotation");
            let (k, v) = ("image-anno-key", "image-anno-value");
            let temp = prepare_temp_files();
            let keys = status_keys();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--annotation",
                format!("{k}={v}")
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(
                m.annotations
                    .as_ref()
                    .and_then(|a| a.get(k))
                    .map(String::as_str),
                Some(v)
            );
        }

        /// `It("should push files with customized file annotation")`
        #[test]
        fn should_push_files_with_customized_file_annotation() {
            let repo = push_test_repo("file-annotation");
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--annotation-file",
                "foobar/annotation.json",
                "--config",
                foobar::FILE_CONFIG_NAME
            )
            .match_status(&status_keys(), true, 1)
            .with_work_dir(temp.path())
            .exec();
            file_annotations_applied(&fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]));
        }

        /// `It("should allow renaming files using customized file annotation")`
        #[test]
        fn should_allow_renaming_files_using_customized_file_annotation() {
            let repo = push_test_repo("file-annotation-rename");
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--annotation-file",
                "foobar/annotation-rename.json",
                "--config",
                foobar::FILE_CONFIG_NAME
            )
            .with_work_dir(temp.path())
            .exec();
            renamed(&fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]));
        }
    }

    /// `When("pushing to OCI spec v1.1 registries")`
    mod pushing_to_oci_spec_v1_1_registries {
        use super::*;

        /// `It("should push artifact without layer")`
        #[test]
        fn should_push_artifact_without_layer() {
            let repo = push_test_repo("artifact-no-layer");
            let temp = prepare_temp_files();
            let artifact_type = "test/artifact+json";
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "-a",
                "key=value",
                "--artifact-type",
                artifact_type
            )
            .match_status(&[artifact::default_config_state_key()], true, 1)
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(m.artifact_type, artifact_type);
            assert_eq!(m.layers.len(), 1);
            assert_eq!(m.layers[0], artifact::empty_layer_json());
            assert_eq!(m.config, artifact::empty_layer_json());
            let a = m.annotations.expect("annotations should not be nil");
            assert_eq!(a.get("key").map(String::as_str), Some("value"));
        }

        /// `It("should push artifact and format reference")`
        #[test]
        fn should_push_artifact_and_format_reference() {
            let repo = push_test_repo("format-go-template");
            let temp = prepare_temp_files();
            let out = oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "-a",
                "key=value",
                "--format",
                "go-template={{.reference}}"
            )
            .with_work_dir(temp.path())
            .exec()
            .out;
            let m = fetch_manifest(&[&out.text()]);
            assert_eq!(m.layers.len(), 1);
            assert_eq!(m.layers[0], artifact::empty_layer_json());
            assert_eq!(m.config, artifact::empty_layer_json());
            let a = m.annotations.expect("annotations should not be nil");
            assert_eq!(a.get("key").map(String::as_str), Some("value"));
        }

        /// `It("should push artifact and format json")`
        #[test]
        fn should_push_artifact_and_format_json() {
            let repo = push_test_repo("format-json");
            let temp = prepare_temp_files();
            let artifact_type = "test/artifact+json";
            let out = oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "-a",
                "key=value",
                "--format",
                "json",
                "--artifact-type",
                artifact_type
            )
            .with_work_dir(temp.path())
            .exec()
            .out;
            out.should_say(&registry_ref(zot_host(), &repo, ""));
            out.should_say(&quote_meta(&format!(
                "\"artifactType\": \"{artifact_type}\""
            )));
        }

        /// `It("should push files")`
        #[test]
        fn should_push_files() {
            let repo = push_test_repo("artifact-with-blob");
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
            )
            .match_status(
                &[
                    foobar::file_bar_state_key(),
                    artifact::default_config_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(m.artifact_type, "application/vnd.unknown.artifact.v1");
            layers_contain(&m, &bar_tar());
            assert_eq!(m.config, artifact::empty_layer_json());
        }

        /// `It("should output artifact type when push is complete for image-spec v1.1")`
        #[test]
        fn should_output_artifact_type_when_push_is_complete_for_image_spec_v1_1() {
            let repo = push_test_repo("print-artifact-type-v1-1");
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--image-spec",
                "v1.1"
            )
            .match_key_words(&["ArtifactType: ", "application/vnd.unknown.artifact.v1"])
            .with_work_dir(temp.path())
            .exec();
        }

        /// `It("should output artifact type when push is complete for image-spec v1.0 when --config is used")`
        #[test]
        fn should_output_artifact_type_when_push_is_complete_for_image_spec_v1_0_when_config_is_used()
         {
            let repo = push_test_repo("print-artifact-type-v1-0-config");
            let config_type = "config/type";
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                "--config",
                format!("{}:{config_type}", foobar::FILE_CONFIG_NAME),
                foobar::FILE_BAR_NAME,
                "--image-spec",
                "v1.0"
            )
            .match_key_words(&["ArtifactType: ", config_type])
            .with_work_dir(temp.path())
            .exec();
        }

        /// `It("should push v1.1-rc.4 artifact")`
        #[test]
        fn should_push_v1_1_rc_4_artifact() {
            let repo = push_test_repo("v1.1-artifact");
            let temp = prepare_temp_files();
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--image-spec",
                "v1.1"
            )
            .match_status(
                &[
                    foobar::file_bar_state_key(),
                    artifact::default_config_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(m.artifact_type, "application/vnd.unknown.artifact.v1");
            layers_contain(&m, &bar_tar());
            assert_eq!(m.config, artifact::empty_layer_json());
        }

        /// `It("should push artifact with config")`
        #[test]
        fn should_push_artifact_with_config() {
            let repo = push_test_repo("artifact-with-config");
            let temp = prepare_temp_files();
            let config_type = "test/config+json";
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--config",
                format!("{}:{config_type}", foobar::FILE_CONFIG_NAME),
            )
            .match_status(
                &[
                    foobar::file_bar_state_key(),
                    key(&foobar::file_config_state_key().digest, config_type),
                    artifact::default_config_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(m.artifact_type, "");
            layers_contain(&m, &bar_tar());
            assert_eq!(m.config.media_type, config_type);
            assert_eq!(m.config.digest, foobar::FILE_CONFIG_DIGEST);
        }

        /// `It("should push artifact with artifact type and config data")`
        #[test]
        fn should_push_artifact_with_artifact_type_and_config_data() {
            let repo = push_test_repo("artifact-type-and-config");
            let temp = prepare_temp_files();
            let artifact_type = "test/artifact+json";
            let config_type = "test/config+json";
            oras!(
                "push",
                registry_ref(zot_host(), &repo, TAG),
                foobar::FILE_BAR_NAME,
                "--artifact-type",
                artifact_type,
                "--config",
                format!("{}:{config_type}", foobar::FILE_CONFIG_NAME),
            )
            .match_status(
                &[
                    foobar::file_bar_state_key(),
                    key(&foobar::file_config_state_key().digest, config_type),
                    artifact::default_config_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&registry_ref(zot_host(), &repo, TAG)]);
            assert_eq!(m.artifact_type, artifact_type);
            layers_contain(&m, &bar_tar());
            assert_eq!(m.config.media_type, config_type);
            assert_eq!(m.config.digest, foobar::FILE_CONFIG_DIGEST);
        }
    }
}

/// The checks on `testdata/files/foobar/annotation.json`'s annotations.
#[track_caller]
fn file_annotations_applied(m: &Manifest) {
    let get = |a: &Option<std::collections::BTreeMap<String, String>>, k: &str| {
        a.as_ref()
            .and_then(|a| a.get(k))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(get(&m.annotations, "hi"), "manifest");
    assert_eq!(get(&m.config.annotations, "hello"), "config");
    assert_eq!(m.layers.len(), 1);
    assert_eq!(get(&m.layers[0].annotations, "foo"), "bar");
}

/// The layer of foobar/bar is titled `foobar/baz`, as
/// `foobar/annotation-rename.json` says.
#[track_caller]
fn renamed(m: &Manifest) {
    assert_eq!(
        m.layers[0]
            .annotations
            .as_ref()
            .and_then(|a| a.get("org.opencontainers.image.title"))
            .map(String::as_str),
        Some("foobar/baz")
    );
}

/// The config baked from `--artifact-platform darwin/arm64`.
fn platform_config() -> Descriptor {
    Descriptor {
        media_type: "application/vnd.oci.image.config.v1+json".into(),
        size: foobar::PLATFORM_CONFIG_SIZE,
        digest: foobar::PLATFORM_CONFIG_DIGEST.into(),
        ..Descriptor::default()
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// `When("pushing to registry without OCI artifact support")`
    mod pushing_to_registry_without_oci_artifact_support {
        use super::*;

        /// `It("should push files without customized media types")`
        #[test]
        fn should_push_files_without_customized_media_types() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            let keys = status_keys();
            oras!("push", LAYOUT, r, foobar::FILE_BAR_NAME)
                .match_status(&keys, true, keys.len())
                .with_work_dir(temp.path())
                .exec();
            layers_contain(&fetch_manifest(&[LAYOUT, &r]), &bar_tar());
        }

        /// `It("should push files and tag")`
        #[test]
        fn should_push_files_and_tag() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            let extra_tag = "2e2";
            let keys = status_keys();
            oras!(
                "push",
                LAYOUT,
                format!("{r},{extra_tag}"),
                foobar::FILE_BAR_NAME,
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            layers_contain(&fetch_manifest(&[LAYOUT, &r]), &bar_tar());
            layers_contain(
                &fetch_manifest(&[LAYOUT, &layout_ref(temp.path(), extra_tag)]),
                &bar_tar(),
            );
        }

        /// `It("should push files with customized media types")`
        #[test]
        fn should_push_files_with_customized_media_types() {
            let layer_type = "layer.type";
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            let keys = status_keys();
            oras!(
                "push",
                LAYOUT,
                r,
                format!("{}:{layer_type}", foobar::FILE_BAR_NAME),
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            layers_contain(
                &fetch_manifest(&[LAYOUT, &r]),
                &foobar::blob_bar_descriptor(layer_type),
            );
        }

        /// `It("should push files with manifest exported")`
        #[test]
        fn should_push_files_with_manifest_exported() {
            let temp = prepare_temp_files();
            let layer_type = "layer.type";
            let export_path = "packed.json";
            let r = layout_ref(temp.path(), TAG);
            let keys = status_keys();
            oras!(
                "push",
                r,
                LAYOUT,
                format!("{}:{layer_type}", foobar::FILE_BAR_NAME),
                "--export-manifest",
                export_path
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            let fetched = oras!("manifest", "fetch", r, LAYOUT).exec().out.text();
            match_file(temp.join(export_path), &fetched);
        }

        /// `It("should push files with customized config file")`
        #[test]
        fn should_push_files_with_customized_config_file() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                LAYOUT,
                r,
                "--config",
                foobar::FILE_CONFIG_NAME,
                foobar::FILE_BAR_NAME,
            )
            .match_status(
                &[
                    foobar::file_config_state_key(),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[LAYOUT, &r]);
            assert_eq!(
                m.config,
                Descriptor {
                    media_type: "application/vnd.unknown.config.v1+json".into(),
                    size: foobar::FILE_CONFIG_SIZE,
                    digest: foobar::FILE_CONFIG_DIGEST.into(),
                    ..Descriptor::default()
                }
            );
        }

        /// `It("should push files with customized config file and mediatype")`
        #[test]
        fn should_push_files_with_customized_config_file_and_mediatype() {
            let config_type = "config/type";
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                LAYOUT,
                r,
                "--config",
                format!("{}:{config_type}", foobar::FILE_CONFIG_NAME),
                foobar::FILE_BAR_NAME,
            )
            .match_status(
                &[
                    key(&foobar::file_config_state_key().digest, config_type),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[LAYOUT, &r]);
            assert_eq!(
                m.config,
                Descriptor {
                    media_type: config_type.into(),
                    size: foobar::FILE_CONFIG_SIZE,
                    digest: foobar::FILE_CONFIG_DIGEST.into(),
                    ..Descriptor::default()
                }
            );
        }

        /// `It("should push files with platform")`
        #[test]
        fn should_push_files_with_platform() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                LAYOUT,
                r,
                "--artifact-platform",
                "darwin/arm64",
                foobar::FILE_BAR_NAME
            )
            .match_status(
                &[
                    foobar::platform_config_state_key(),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[LAYOUT, &r]);
            assert_eq!(m.config, platform_config());
            oras!("pull", "--platform", "darwin/arm64", LAYOUT, r)
                .match_status(&[foobar::file_bar_state_key()], true, 1)
                .exec();
        }

        /// `It("should fail to customize config mediaType when baking config blob with platform for v1.0")`
        #[test]
        fn should_fail_to_customize_config_media_type_when_baking_config_blob_with_platform_for_v1_0()
         {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                LAYOUT,
                r,
                "--image-spec",
                "v1.0",
                "--artifact-type",
                "test/artifact+json",
                "--artifact-platform",
                "darwin/arm64",
                foobar::FILE_BAR_NAME
            )
            .expect_failure()
            .exec();
        }

        /// `It("should push files with platform with no artifactType for v1.0")`
        #[test]
        fn should_push_files_with_platform_with_no_artifact_type_for_v1_0() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                LAYOUT,
                r,
                "--image-spec",
                "v1.0",
                "--artifact-platform",
                "darwin/arm64",
                foobar::FILE_BAR_NAME
            )
            .match_status(
                &[
                    foobar::platform_config_state_key(),
                    foobar::file_bar_state_key(),
                ],
                true,
                2,
            )
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[LAYOUT, &r]);
            assert_eq!(m.config, platform_config());
        }

        /// `It("should push files with customized manifest annotation")`
        #[test]
        fn should_push_files_with_customized_manifest_annotation() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            let (k, v) = ("image-anno-key", "image-anno-value");
            let keys = status_keys();
            oras!(
                "push",
                LAYOUT,
                r,
                foobar::FILE_BAR_NAME,
                "--annotation",
                format!("{k}={v}")
            )
            .match_status(&keys, true, keys.len())
            .with_work_dir(temp.path())
            .exec();
            let m = fetch_manifest(&[&r, LAYOUT]);
            assert_eq!(
                m.annotations
                    .as_ref()
                    .and_then(|a| a.get(k))
                    .map(String::as_str),
                Some(v)
            );
        }

        /// `It("should push files with customized file annotation")`
        #[test]
        fn should_push_files_with_customized_file_annotation() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                r,
                LAYOUT,
                foobar::FILE_BAR_NAME,
                "--annotation-file",
                "foobar/annotation.json",
                "--config",
                foobar::FILE_CONFIG_NAME
            )
            .match_status(&status_keys(), true, 1)
            .with_work_dir(temp.path())
            .exec();
            file_annotations_applied(&fetch_manifest(&[&r, LAYOUT]));
        }

        /// `It("should allow renaming files using customized file annotation")`
        #[test]
        fn should_allow_renaming_files_using_customized_file_annotation() {
            let temp = prepare_temp_files();
            let r = layout_ref(temp.path(), TAG);
            oras!(
                "push",
                r,
                LAYOUT,
                foobar::FILE_BAR_NAME,
                "--annotation-file",
                "foobar/annotation-rename.json",
                "--config",
                foobar::FILE_CONFIG_NAME
            )
            .with_work_dir(temp.path())
            .exec();
            renamed(&fetch_manifest(&[&r, LAYOUT]));
        }
    }
}
