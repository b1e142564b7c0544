//! `test/e2e/suite/auth/auth.go`: commands without credentials, with wrong
//! ones, with an empty config; `oras login` with flags and prompts; the
//! legacy config key style. All against the zot stand-in, as in Go.

use super::prelude::*;

const FAKE_DIGEST: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const LOGIN_TIMEOUT: Duration = Duration::from_secs(20);

/// The commands each "Common registry user" context runs, given the zot
/// host and a file to push as a blob.
fn commands(z: &str, blob: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&[
            "attach",
            &format!("{z}/repo:tag"),
            "-a",
            "test=true",
            "--artifact-type",
            "doc/example",
        ]),
        v(&["discover", &format!("{z}/repo:tag")]),
        v(&["push", "-a", "key=value", &format!("{z}/repo:tag")]),
        v(&["pull", &format!("{z}/repo:tag")]),
        v(&["manifest", "fetch", &format!("{z}/repo:tag")]),
        v(&["blob", "delete", &format!("{z}/repo@{FAKE_DIGEST}")]),
        v(&["blob", "push", &format!("{z}/repo"), blob]),
        v(&["tag", &format!("{z}/repo:tag"), "tag1"]),
        v(&["resolve", &format!("{z}/repo:tag")]),
        v(&["repo", "ls", z]),
        v(&["repo", "tags", &registry_ref(z, "repo", "")]),
        v(&["manifest", "fetch-config", &format!("{z}/repo:tag")]),
    ]
}

/// `Describe("Common registry user")`
mod common_registry_user {
    use super::*;

    /// `When("not logged in")`
    mod not_logged_in {
        use super::*;

        /// `RunWithoutLogin(args...)`.
        #[track_caller]
        fn run_without_login(args: &[String]) {
            crate::e2e::exec::oras(args.to_vec())
                .expect_failure()
                .match_err_key_words(&["Error:", "basic credential not found"])
                .with_description("fail without logging in")
                .exec();
        }

        /// `It("should run commands without logging in")`
        #[test]
        fn should_run_commands_without_logging_in() {
            let dir = temp_dir();
            let auth_config_path = path_str(dir.join("auth.config"));
            let z = zot_host();
            let blob = write_temp_file("blob", "test");
            let cfg = |mut a: Vec<String>| {
                a.push("--registry-config".into());
                a.push(auth_config_path.clone());
                a
            };
            for a in commands(z, &blob.path) {
                run_without_login(&cfg(a));
            }
        }

        /// `It("should fail with modified error prefix when running commands without logging in")`
        #[test]
        fn should_fail_with_modified_error_prefix_when_running_commands_without_logging_in() {
            let dir = temp_dir();
            let auth_config_path = path_str(dir.join("auth.config"));
            let from = format!("{}/repo:from", zot_host());
            oras!(
                "copy",
                from,
                format!("{}/repo:to", zot_host()),
                "--from-registry-config",
                auth_config_path,
                "--to-registry-config",
                auth_config_path
            )
            .expect_failure()
            .match_err_key_words(&[
                format!("Error from source registry for {from:?}"),
                "basic credential not found".to_string(),
            ])
            .with_description("fail with modified error prefix when not logged in")
            .exec();
        }
    }

    /// `When("credential is invalid")`
    mod credential_is_invalid {
        use super::*;

        /// `It("should fail with registry error")`
        #[test]
        fn should_fail_with_registry_error() {
            let blob = write_temp_file("blob", "test");
            // 1.3 leaves push and pull out of this list.
            let listed = commands(zot_host(), &blob.path)
                .into_iter()
                .filter(|a| a[0] != "push" && a[0] != "pull");
            for args in listed {
                crate::e2e::exec::oras(args)
                    .args(&["-u", USERNAME, "-p", &format!("{PASSWORD}1")])
                    .expect_failure()
                    .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
                    .with_description("fail with invalid credentials")
                    .exec();
            }
        }
    }

    /// `When("credential for basic auth not found in the config file")`
    mod credential_for_basic_auth_not_found_in_the_config_file {
        use super::*;

        /// `It("should fail with registry error")`
        #[test]
        fn should_fail_with_registry_error() {
            let blob = write_temp_file("blob", "test");
            for args in commands(zot_host(), &blob.path) {
                crate::e2e::exec::oras(args)
                    .args(&["--registry-config", EMPTY_CONFIG_NAME])
                    .expect_failure()
                    .match_err_key_words(&[
                        "Error: ".to_string(),
                        format!("Please check whether the registry credential stored in the authentication file at {EMPTY_CONFIG_NAME:?} is correct"),
                    ])
                    .with_description("fail with empty registry config")
                    .exec();
            }
        }
    }

    /// `When("logging in")`
    mod logging_in {
        use super::*;

        const TMP_CONFIG_NAME: &str = "test.config";

        fn tmp_config(dir: &TempDir) -> String {
            path_str(dir.join(TMP_CONFIG_NAME))
        }

        /// `It("should succeed to use basic auth")`
        #[test]
        fn should_succeed_to_use_basic_auth() {
            let dir = temp_dir();
            oras!(
                "login",
                zot_host(),
                "-u",
                USERNAME,
                "-p",
                PASSWORD,
                "--registry-config",
                tmp_config(&dir)
            )
            .with_timeout(LOGIN_TIMEOUT)
            .match_content("Login Succeeded\n")
            .match_err_key_words(&[
                "WARNING",
                "Using --password via the CLI is insecure",
                "Use --password-stdin",
            ])
            .exec();
        }

        /// `It("should show deprecation message when running with --verbose flag")`
        #[test]
        fn should_show_deprecation_message_when_running_with_verbose_flag() {
            let dir = temp_dir();
            oras!(
                "login",
                zot_host(),
                "-u",
                USERNAME,
                "-p",
                PASSWORD,
                "--registry-config",
                tmp_config(&dir),
                "--verbose"
            )
            .match_err_key_words(&[feature::DEPRECATION_MESSAGE_VERBOSE_FLAG])
            .exec();
        }

        /// `It("should show detailed error description if no argument provided")`
        #[test]
        fn should_show_detailed_error_description_if_no_argument_provided() {
            let err = oras!("login").expect_failure().exec().err;
            err.should_say("Error");
            err.should_say("\nUsage: oras login");
            err.should_say("\n");
            err.should_say(r#"Run "oras login -h""#);
        }

        /// `It("should fail if username is used with identity token")`
        #[test]
        fn should_fail_if_username_is_used_with_identity_token() {
            oras!(
                "login",
                zot_host(),
                "-u",
                USERNAME,
                "--identity-token",
                PASSWORD
            )
            .expect_failure()
            .exec();
        }

        /// `It("should fail if password is used with identity token")`
        #[test]
        fn should_fail_if_password_is_used_with_identity_token() {
            oras!(
                "login",
                zot_host(),
                "-p",
                PASSWORD,
                "--identity-token",
                PASSWORD
            )
            .expect_failure()
            .exec();
        }

        /// `It("should fail if no username input")`
        #[test]
        fn should_fail_if_no_username_input() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .with_input("")
                .match_key_words(&["username:"])
                .expect_failure()
                .exec();
        }

        /// `It("should fail if no password input")`
        #[test]
        fn should_fail_if_no_password_input() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .match_key_words(&["Username: ", "Password: "])
                .with_input(&format!("{USERNAME}\n"))
                .expect_failure()
                .exec();
        }

        /// `It("should fail if password is empty")`
        #[test]
        fn should_fail_if_password_is_empty() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .match_key_words(&["Username: ", "Password: "])
                .match_err_key_words(&["Error: password required"])
                .with_input(&format!("{USERNAME}\n\n"))
                .expect_failure()
                .exec();
        }

        /// `It("should fail if password is wrong with registry error prefix")`
        #[test]
        fn should_fail_if_password_is_wrong_with_registry_error_prefix() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .match_key_words(&["Username: ", "Password: "])
                .match_err_key_words(&[REGISTRY_ERROR_PREFIX])
                .with_input(&format!("{USERNAME}\n???\n"))
                .expect_failure()
                .exec();
        }

        /// `It("should fail if no token input")`
        #[test]
        fn should_fail_if_no_token_input() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .match_key_words(&["Username: ", "Token: "])
                .with_input("\n")
                .expect_failure()
                .exec();
        }

        /// `It("should fail if token is empty")`
        #[test]
        fn should_fail_if_token_is_empty() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .match_key_words(&["Username: ", "Token: "])
                .match_err_key_words(&["Error: token required"])
                .with_input("\n\n")
                .expect_failure()
                .exec();
        }

        /// `It("should succeed to use prompted input")`
        #[test]
        fn should_succeed_to_use_prompted_input() {
            let dir = temp_dir();
            oras!("login", zot_host(), "--registry-config", tmp_config(&dir))
                .with_timeout(LOGIN_TIMEOUT)
                .with_input(&format!("{USERNAME}\n{PASSWORD}\n"))
                .match_key_words(&["Username: ", "Password: ", "Login Succeeded\n"])
                .exec();
        }

        /// `It("should fail as the test server doesn't support token service")`
        #[test]
        fn should_fail_as_the_test_server_doesnt_support_token_service() {
            oras!("login", zot_host(), "--identity-token", PASSWORD)
                .match_err_key_words(&[
                    "WARNING",
                    "Using --identity-token via the CLI is insecure",
                    "Use --identity-token-stdin",
                ])
                .expect_failure()
                .exec();
        }

        /// `It("should fail if --cert-file is not used with --key-file with correct error message")`
        #[test]
        fn should_fail_if_cert_file_is_not_used_with_key_file_with_correct_error_message() {
            oras!("login", zot_host(), "--cert-file", "test")
                .match_err_key_words(&["--cert-file", "in conjunction with", "--key-file"])
                .expect_failure()
                .exec();
        }
    }

    /// `When("using legacy config")`
    mod using_legacy_config {
        use super::*;

        /// `It("should succeed to copy")`
        #[test]
        fn should_succeed_to_copy() {
            let legacy = path_str(&registries().legacy_config);
            let src = registry_ref(zot_host(), ARTIFACT_REPO, foobar::TAG);
            let dst = registry_ref(
                zot_host(),
                &format!("command/auth/{}/copy", random_seed()),
                foobar::TAG,
            );
            let keys = foobar::foobar_states();
            oras!(
                "cp",
                src,
                dst,
                "--from-registry-config",
                legacy,
                "--to-registry-config",
                legacy
            )
            .match_status(&keys, true, keys.len())
            .exec();
        }
    }
}
