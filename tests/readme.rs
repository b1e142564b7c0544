//! The README's quick start, run as written: the registry configuration it
//! gives works with Debian's `docker-registry`, and the commands after it
//! push, pull and show an artifact. Only the port (a free one), the
//! storage directory and the path of the binary are changed.

use std::path::Path;
use std::process::Command;

use crate::util::{TempDir, bin, require};

/// The shell block that starts with the registry configuration.
fn quick_start_block() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```sh\ncat > config.yml")
        .expect("the README's quick start block");
    let body = &readme[start + "```sh\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn quick_start_runs() {
    require("docker-registry", "docker-registry");
    let dir = TempDir::new("readme");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let block = quick_start_block()
        .replace("5000", &port.to_string())
        .replace(
            "/tmp/registry-data",
            &dir.join("data").display().to_string(),
        );
    assert!(
        block.contains("addr: 127.0.0.1:"),
        "listens on loopback only"
    );
    // The README's `oar` is this build's; the registry is stopped after.
    let script = format!(
        "oar() {{ '{}' \"$@\"; }}\nset -e\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n{block}",
        bin().display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("DOCKER_CONFIG", dir.join(".docker-test"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the quick start failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dir.read("out/hi.txt"), b"hello\n");
    assert!(
        stdout.contains("\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\""),
        "{stdout}"
    );
}
