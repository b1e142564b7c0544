//! `test/e2e/suite/scenario/oci_artifact.go`: push, attach and pull an
//! artifact, in order.

use super::*;

/// `Describe("OCI artifact users:", Ordered)`
mod oci_artifact_users {
    use super::*;

    /// `When("pushing images and attaching")`, its specs in turn:
    /// `It("should push and pull an artifact")`
    /// `It("should attach and pull an artifact")`
    #[test]
    fn pushing_images_and_attaching() {
        let repo = "scenario/oci-artifact";
        let tag = "artifact";
        let temp = prepare_temp_files();
        let pulled_manifest = "packed.json";
        let pull_root = "pulled";
        let subject = registry_ref(zot_host(), repo, tag);
        let attach_arg = format!("{}:{}", foobar::ATTACH_FILE_NAME, foobar::ATTACH_FILE_MEDIA);

        let push_and_pull = || {
            oras!(
                "push",
                subject,
                "--artifact-type",
                "test/artifact",
                foobar::FILE_LAYER_NAMES[0],
                foobar::FILE_LAYER_NAMES[1],
                foobar::FILE_LAYER_NAMES[2],
                "--export-manifest",
                pulled_manifest
            )
            .match_status(&foobar::file_state_keys(), true, 3)
            .with_work_dir(temp.path())
            .with_description("push with manifest exported")
            .exec();
            let fetched = oras!("manifest", "fetch", subject).exec();
            match_file(temp.join(pulled_manifest), &fetched.out.text());
            oras!("pull", subject, "-o", pull_root)
                .match_status(&foobar::file_state_keys(), true, 3)
                .with_work_dir(temp.path())
                .with_description("pull artFiles with config")
                .exec();
            diff_files(temp.path(), pull_root, &foobar::FILE_LAYER_NAMES);
        };

        let attach_and_pull = || {
            oras!(
                "attach",
                subject,
                "--artifact-type",
                "test/artifact1",
                attach_arg,
                "--export-manifest",
                pulled_manifest
            )
            .match_status(&[foobar::attach_file_state_key()], true, 1)
            .with_work_dir(temp.path())
            .with_description("attach with manifest exported")
            .exec();
            let r = oras!(
                "discover",
                subject,
                "--format",
                "go-template={{(first .referrers).reference}}"
            )
            .exec()
            .out
            .text();
            let fetched = oras!("manifest", "fetch", r)
                .match_key_words(&[foobar::ATTACH_FILE_MEDIA])
                .exec();
            match_file(temp.join(pulled_manifest), &fetched.out.text());
            oras!("pull", r, "-o", pull_root)
                .match_status(&[foobar::attach_file_state_key()], true, 1)
                .with_work_dir(temp.path())
                .with_description("pull attached artifact")
                .exec();
            diff_files(temp.path(), pull_root, &[foobar::ATTACH_FILE_NAME]);

            oras!(
                "attach",
                subject,
                "--artifact-type",
                "test/artifact2",
                attach_arg,
                "--export-manifest",
                pulled_manifest
            )
            .match_status(&[foobar::attach_file_state_key()], true, 1)
            .with_work_dir(temp.path())
            .with_description("attach again with manifest exported")
            .exec();
            let r = oras!(
                "discover",
                subject,
                "--format",
                "go-template={{(first .referrers).reference}}",
                "--artifact-type",
                "test/artifact2"
            )
            .exec()
            .out
            .text();
            let fetched = oras!("manifest", "fetch", r)
                .match_key_words(&[foobar::ATTACH_FILE_MEDIA])
                .exec();
            match_file(temp.join(pulled_manifest), &fetched.out.text());
            let mut keys = foobar::file_state_keys();
            keys.push(foobar::attach_file_state_key());
            oras!("pull", r, "-o", pull_root, "--include-subject")
                .match_status(&keys, true, 4)
                .with_work_dir(temp.path())
                .with_description("pull attached artifact and subject")
                .exec();
            let mut files = foobar::FILE_LAYER_NAMES.to_vec();
            files.push(foobar::ATTACH_FILE_NAME);
            diff_files(temp.path(), pull_root, &files);
        };

        ordered(&[
            ("should push and pull an artifact", &push_and_pull),
            ("should attach and pull an artifact", &attach_and_pull),
        ]);
    }
}
