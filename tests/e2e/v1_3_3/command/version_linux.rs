//! `test/e2e/suite/command/version_linux.go`: `oras version` names the
//! platform it runs on. Go builds the file on linux only; so does this port.

/// `Describe("ORAS linux user:")`
#[cfg(target_os = "linux")]
mod oras_linux_user {
    /// `When("checking oras version")`
    mod checking_oras_version {
        /// `It("should run version command and show OS/Arch information")`
        #[test]
        fn should_run_version_command_and_show_os_arch_information() {
            oras!("version")
                .match_key_words(&["OS/Arch:", "linux/"])
                .exec();
        }
    }
}
