//! `test/e2e/suite/scenario/oci_image.go`: push and pull an image with
//! its config.

use super::*;

/// `Describe("OCI image user:", Ordered)`
mod oci_image_user {
    use super::*;

    /// `When("pushing images and check")`, its specs in turn:
    /// `It("should push and pull an image")`
    #[test]
    fn pushing_images_and_check() {
        let repo = "scenario/oci-image";
        let tag = "image";
        let temp = prepare_temp_files();
        let files = [
            foobar::FILE_CONFIG_NAME,
            foobar::FILE_LAYER_NAMES[0],
            foobar::FILE_LAYER_NAMES[1],
            foobar::FILE_LAYER_NAMES[2],
        ];
        let mut status_keys = foobar::file_state_keys();
        status_keys.push(foobar::file_config_state_key());
        let push_and_pull = || {
            let manifest_name = "packed.json";
            let r = registry_ref(host(), repo, tag);
            oras!(
                "push",
                r,
                "--config",
                files[0],
                files[1],
                files[2],
                files[3],
                "--export-manifest",
                manifest_name
            )
            .match_status(&status_keys, true, 4)
            .with_work_dir(temp.path())
            .with_description("push files with manifest exported")
            .exec();
            let fetched = oras!("manifest", "fetch", r)
                .with_description("fetch pushed manifest content")
                .exec();
            match_file(temp.join(manifest_name), &fetched.out.text());
            let pull_root = "pulled";
            oras!("pull", r, "--config", files[0], "-o", pull_root)
                .match_status(&status_keys, true, 3)
                .with_work_dir(temp.path())
                .with_description("pull files with config")
                .exec();
            diff_files(temp.path(), pull_root, &files);
        };
        ordered(&[("should push and pull an image", &push_and_pull)]);
    }
}
