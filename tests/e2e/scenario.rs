//! `test/e2e/suite/scenario`: featured scenarios chaining several
//! commands. Both Go containers are `Ordered`: their specs share the
//! files of `BeforeAll` and run in order, a failure skipping the rest, so
//! each container is one test here that runs its specs in turn and names
//! the one that fails.

use super::prelude::*;

/// Runs the specs of an ordered container in turn; a failure names the
/// spec, as ginkgo's report would.
fn ordered(specs: &[(&str, &dyn Fn())]) {
    for (name, spec) in specs {
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(spec)) {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("It({name:?}) failed (later specs of the container skipped):\n{why}");
        }
    }
}

/// Each file diffs equal to its pulled copy under `pull_root`.
#[track_caller]
fn diff_files(work_dir: &std::path::Path, pull_root: &str, files: &[&str]) {
    for f in files {
        binary("diff", &[f, &format!("{pull_root}/{f}")])
            .with_work_dir(work_dir)
            .with_description(&format!("download identical file {f}"))
            .exec();
    }
}

/// `Describe("OCI artifact users:", Ordered)`
mod oci_artifact_users {
    use super::*;

    /// `When("pushing images and attaching")`: `It("should push and pull an
    /// artifact")`, then `It("should attach and pull an artifact")`.
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
                "-v",
                "--export-manifest",
                pulled_manifest
            )
            .match_status(&foobar::file_state_keys(), true, 3)
            .with_work_dir(temp.path())
            .with_description("push with manifest exported")
            .exec();
            let fetched = oras!("manifest", "fetch", subject).exec();
            match_file(temp.join(pulled_manifest), &fetched.out.text());
            oras!("pull", subject, "-v", "-o", pull_root)
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
                "-v",
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
                "go-template={{(first .manifests).reference}}"
            )
            .exec()
            .out
            .text();
            let fetched = oras!("manifest", "fetch", r)
                .match_key_words(&[foobar::ATTACH_FILE_MEDIA])
                .exec();
            match_file(temp.join(pulled_manifest), &fetched.out.text());
            oras!("pull", r, "-v", "-o", pull_root)
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
                "-v",
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
                "go-template={{(first .manifests).reference}}",
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
            oras!("pull", r, "-v", "-o", pull_root, "--include-subject")
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

/// `Describe("OCI image user:", Ordered)`
mod oci_image_user {
    use super::*;

    /// `When("pushing images and check")`: `It("should push and pull an
    /// image")`.
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
                "-v",
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
            oras!("pull", r, "-v", "--config", files[0], "-o", pull_root)
                .match_status(&status_keys, true, 3)
                .with_work_dir(temp.path())
                .with_description("pull files with config")
                .exec();
            diff_files(temp.path(), pull_root, &files);
        };
        ordered(&[("should push and pull an image", &push_and_pull)]);
    }
}
