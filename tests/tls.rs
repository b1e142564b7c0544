//! A TLS registry with a certificate from a test CA: verified with
//! `--ca-file`, refused without it, accepted with `--insecure`.

use crate::util::registry::{Certs, Options, Registry};
use crate::util::{TempDir, oar};

#[test]
fn tls_registry_with_a_private_ca() {
    let certs = Certs::generate();
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        ..Options::default()
    });
    let d = TempDir::new("tls");
    d.write("f.txt", "over tls");
    let reference = reg.reference("tls:v1");
    let ca = certs.ca.to_str().unwrap();
    oar(d.path(), &["push", "--ca-file", ca, &reference, "f.txt"]).ok();
    let r = oar(d.path(), &["pull", &reference, "-o", "a"]).fails(1, "certificate");
    assert!(
        r.stderr.contains("--ca-file"),
        "the error says how to fix it: {}",
        r.stderr
    );
    assert!(!d.join("a/f.txt").exists());
    oar(d.path(), &["pull", "--insecure", &reference, "-o", "b"]).ok();
    assert_eq!(d.read("b/f.txt"), b"over tls");
    oar(d.path(), &["pull", "--ca-file", ca, &reference, "-o", "c"]).ok();
    assert_eq!(d.read("c/f.txt"), b"over tls");
    // SSL_CERT_FILE is the system trust store when set.
    let mut cmd = crate::util::oar_cmd(d.path(), &["pull", &reference, "-o", "e"]);
    let out = cmd.env("SSL_CERT_FILE", ca).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Plain HTTP against a TLS port fails clearly.
    oar(d.path(), &["pull", "--plain-http", &reference, "-o", "f"]).fails(1, &reg.host);
}

#[test]
fn https_against_a_plain_http_registry_says_so() {
    let reg = Registry::start();
    let d = TempDir::new("tls-plain");
    oar(d.path(), &["pull", &reg.reference("x:v1")]).fails(1, "--plain-http");
}
