//! The command line itself: help, version, usage errors and their exit
//! codes, and one-line errors for bad input.

use crate::util::{TempDir, oar};

#[test]
fn version_and_help() {
    let d = TempDir::new("cli");
    let v = oar(d.path(), &["version"]).ok();
    assert!(
        v.stdout
            .starts_with(&format!("Version:        {}\n", env!("CARGO_PKG_VERSION")))
    );
    let h = oar(d.path(), &["--help"]).ok();
    assert!(h.stdout.contains("push") && h.stdout.contains("pull"));
    let h = oar(d.path(), &["push", "--help"]).ok();
    assert!(h.stdout.contains("--artifact-type string"));
    assert!(h.stdout.contains("Usage:\n  oar push [flags]"));
    let h = oar(d.path(), &["help", "pull"]).ok();
    assert!(h.stdout.contains("--allow-path-traversal"));
}

#[test]
fn unknown_flag_is_a_usage_error_with_a_suggestion() {
    let d = TempDir::new("cli");
    let r = oar(
        d.path(),
        &["push", "--artifcat-type", "x", "localhost:5000/a:b", "f"],
    )
    .fails(2, "unknown flag: --artifcat-type");
    assert!(r.stderr.contains("did you mean --artifact-type?"));
    oar(d.path(), &["pull", "-Z", "localhost:5000/a:b"]).fails(2, "unknown shorthand flag: 'Z'");
    oar(d.path(), &["pusj"]).fails(2, "unknown command \"pusj\"");
}

#[test]
fn wrong_argument_counts_are_usage_errors() {
    let d = TempDir::new("cli");
    oar(d.path(), &["pull"]).fails(2, "requires exactly 1 argument but got 0");
    oar(d.path(), &["pull", "a/b:c", "extra"]).fails(2, "requires exactly 1 argument but got 2");
    oar(d.path(), &["push"]).fails(2, "requires at least 1 argument");
}

#[test]
fn bad_references_fail_with_one_line() {
    let d = TempDir::new("cli");
    oar(d.path(), &["pull", "hello"]).fails(
        1,
        "invalid reference \"hello\": missing registry or repository",
    );
    oar(d.path(), &["pull", "localhost:5000/UPPER:v1"]).fails(1, "invalid repository");
    oar(d.path(), &["pull", "localhost:5000/a@sha256:abc"]).fails(1, "invalid digest");
    oar(d.path(), &["pull", "localhost:5000/a"]).fails(2, "no tag or digest specified");
    oar(d.path(), &["push", "localhost:5000/a:v1,bad tag!", "x"]).fails(2, "invalid tag");
}

#[test]
fn conflicting_flags_are_usage_errors() {
    let d = TempDir::new("cli");
    d.write("f", "x");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "f",
            "-a",
            "k=v",
            "--annotation-file",
            "a.json",
        ],
    )
    .fails(2, "cannot be both specified");
    oar(
        d.path(),
        &["push", "--oci-layout", "l:v1", "f", "-a", "novalue"],
    )
    .fails(2, "annotation value doesn't match");
    oar(
        d.path(),
        &["push", "--oci-layout", "l:v1", "f", "--image-spec", "v2"],
    )
    .fails(2, "unknown image specification");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "f",
            "--config",
            "f",
            "--image-spec",
            "v1.1",
        ],
    )
    .fails(2, "missing artifact type");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "f",
            "--config",
            "f",
            "--image-spec",
            "v1.0",
            "--artifact-type",
            "a/b",
        ],
    )
    .fails(2, "--artifact-type and --config cannot both be provided");
    oar(
        d.path(),
        &[
            "pull",
            "localhost:5000/a:b",
            "-u",
            "x",
            "--identity-token",
            "t",
        ],
    )
    .fails(2, "cannot be used at the same time");
    oar(
        d.path(),
        &["pull", "localhost:5000/a:b", "--cert-file", "c"],
    )
    .fails(2, "must be used in conjunction with --key-file");
    oar(d.path(), &["pull", "--oci-layout", "l:v1", "-H", "a: b"])
        .fails(2, "custom header flags cannot be used");
    oar(
        d.path(),
        &["push", "--oci-layout", "l:v1", "f", "--format", "yaml"],
    )
    .fails(2, "invalid format");
    assert!(!d.join("l").exists(), "nothing was written");
}

#[test]
fn missing_file_fails_before_anything_is_written() {
    let d = TempDir::new("cli");
    oar(d.path(), &["push", "--oci-layout", "l:v1", "nope.txt"])
        .fails(1, "nope.txt: No such file or directory");
    assert!(!d.join("l").exists());
}

#[test]
fn absolute_paths_need_disable_path_validation() {
    let d = TempDir::new("cli");
    let f = d.write("abs.txt", "abs");
    let f = f.to_str().unwrap();
    oar(d.path(), &["push", "--oci-layout", "l:v1", f]).fails(2, "absolute file path detected");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "--disable-path-validation",
            f,
        ],
    )
    .ok();
}

#[test]
fn unreachable_registry_is_a_clear_error() {
    let d = TempDir::new("cli");
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = oar(
        d.path(),
        &["pull", "--plain-http", &format!("127.0.0.1:{port}/a:b")],
    )
    .fails(1, "connection refused");
    assert!(r.stdout.is_empty());
}

#[test]
fn oras_symlink_uses_oras_in_hints() {
    let d = TempDir::new("cli");
    let link = d.join("oras");
    std::os::unix::fs::symlink(crate::util::bin(), &link).unwrap();
    let out = std::process::Command::new(&link)
        .arg("pull")
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"oras pull\" requires"));
}
