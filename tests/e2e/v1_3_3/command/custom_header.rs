//! `test/e2e/suite/command/custom_header.go`: `-H/--header` (and the
//! `--from-header`/`--to-header` of cp) reach every request, as `--debug`
//! shows them.

use super::*;

const FOOBAR_HEADER_INPUT: &str = "Foo:bar";
const FOOBAR_HEADER: &str = "\"Foo\": \"bar\"\n";
const AB_HEADER_INPUT: &str = "A: b";
const AB_HEADER: &str = "\"A\": \" b\"\n";

fn header_test_repo(text: &str) -> String {
    format!("command/headertest/{}/{text}", random_seed())
}

/// `Describe("1.1 registry users:")`
mod registry_1_1_users {
    use super::*;

    /// `When("custom header is provided")`
    mod custom_header_is_provided {
        use super::*;

        /// `It("attach")`
        #[test]
        fn attach() {
            let test_repo = header_test_repo("attach");
            let temp = prepare_temp_files();
            let subject_ref = registry_ref(host(), &test_repo, foobar::TAG);
            prepare(&registry_ref(host(), IMAGE_REPO, foobar::TAG), &subject_ref);
            oras!(
                "attach",
                "--artifact-type",
                "test/attach",
                subject_ref,
                format!("{}:{}", foobar::ATTACH_FILE_NAME, foobar::ATTACH_FILE_MEDIA),
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT
            )
            .with_work_dir(temp.path())
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("blob")`
        #[test]
        fn blob() {
            let blob_digest =
                "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
            oras!(
                "blob",
                "fetch",
                registry_ref(host(), IMAGE_REPO, blob_digest),
                "--descriptor",
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT
            )
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("manifest")`
        #[test]
        fn manifest() {
            oras!(
                "manifest",
                "fetch",
                registry_ref(host(), IMAGE_REPO, multi_arch::TAG),
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT
            )
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("pull")`
        #[test]
        fn pull() {
            let temp = temp_dir();
            oras!(
                "pull",
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT,
                registry_ref(host(), IMAGE_REPO, "foobar"),
                "--config",
                "config.json"
            )
            .with_work_dir(temp.path())
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("push")`
        #[test]
        fn push() {
            let repo = header_test_repo("push");
            let temp = prepare_temp_files();
            oras!(
                "push",
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT,
                registry_ref(host(), &repo, "latest"),
                "foobar/bar"
            )
            .with_work_dir(temp.path())
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("repo")`
        #[test]
        fn repo() {
            oras!(
                "repository",
                "list",
                host(),
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT
            )
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("tag")`
        #[test]
        fn tag() {
            let digest = "sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f";
            oras!(
                "tag",
                registry_ref(host(), IMAGE_REPO, digest),
                "latest",
                "-d",
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT
            )
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("login")`
        #[test]
        fn login() {
            let dir = temp_dir();
            oras!(
                "login",
                host(),
                "-u",
                USERNAME,
                "-p",
                PASSWORD,
                "--registry-config",
                path_str(dir.join("test.config")),
                "-H",
                FOOBAR_HEADER_INPUT,
                "-H",
                AB_HEADER_INPUT
            )
            .match_request_headers(&[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("copy and add custom headers in source registry requests")`
        #[test]
        fn copy_and_add_custom_headers_in_source_registry_requests() {
            let header_test_repo = header_test_repo("from-header");
            let src = registry_ref(host(), IMAGE_REPO, foobar::TAG);
            let dst = registry_ref(host(), &header_test_repo, "fromHeader");
            oras!(
                "cp",
                src,
                dst,
                "-d",
                "--from-header",
                FOOBAR_HEADER_INPUT,
                "--from-header",
                AB_HEADER_INPUT
            )
            .match_cp_request_headers(host(), IMAGE_REPO, &[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }

        /// `It("copy and add custom headers in destination registry requests")`
        #[test]
        fn copy_and_add_custom_headers_in_destination_registry_requests() {
            let header_test_repo = header_test_repo("to-header");
            let src = registry_ref(host(), IMAGE_REPO, foobar::TAG);
            let dst = registry_ref(host(), &header_test_repo, "toHeader");
            oras!(
                "cp",
                src,
                dst,
                "-d",
                "--to-header",
                FOOBAR_HEADER_INPUT,
                "--to-header",
                AB_HEADER_INPUT
            )
            .match_cp_request_headers(host(), &header_test_repo, &[FOOBAR_HEADER, AB_HEADER])
            .exec();
        }
    }
}

/// `Describe("OCI image layout users:")`
mod oci_image_layout_users {
    use super::*;

    /// `When("custom header is provided")`
    mod custom_header_is_provided {
        use super::*;

        /// `It("should fail attach")`
        #[test]
        fn should_fail_attach() {
            let dir = temp_dir();
            oras!(
                "attach",
                ".:test",
                "-a",
                "test=true",
                "--artifact-type",
                "doc/example",
                "--oci-layout",
                "-H=foo:bar"
            )
            .with_work_dir(dir.path())
            .expect_failure()
            .match_err_key_words(&["custom header"])
            .exec();
        }
    }
}
