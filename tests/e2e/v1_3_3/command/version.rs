//! `test/e2e/suite/command/version.go`: `oras version`.

/// `Describe("ORAS user:")`
mod oras_user {
    /// `When("checking oras version")`
    mod checking_oras_version {
        /// `It("should run version command")`
        #[test]
        fn should_run_version_command() {
            oras!("version").exec();
        }

        /// `It("should run version command and ignore extra arguments with warning")`
        #[test]
        fn should_run_version_command_and_ignore_extra_arguments_with_warning() {
            oras!("version", "foo", "bar")
                .match_err_key_words(&["foo", "bar", "warning:"])
                .exec();
        }
    }
}
