//! A TLS registry with a certificate from a test CA: verified with
//! `--ca-file` or a system store named by `SSL_CERT_FILE` or
//! `SSL_CERT_DIR`, refused without them, accepted with `--insecure`.

use crate::util::registry::{Certs, Options, Registry};
use crate::util::{TempDir, oar, oar_env};

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
    oar_env(
        d.path(),
        &["pull", &reference, "-o", "e"],
        &[("SSL_CERT_FILE", ca)],
    )
    .ok();
    assert_eq!(d.read("e/f.txt"), b"over tls");
    // So is every certificate in the SSL_CERT_DIR directories.
    let trust = TempDir::new("tls-cert-dir");
    std::fs::copy(&certs.ca, trust.join("oar-test-ca.pem")).unwrap();
    let dirs = format!("/nonexistent:{}", trust.path().display());
    oar_env(
        d.path(),
        &["pull", &reference, "-o", "g"],
        &[
            ("SSL_CERT_FILE", "/nonexistent.pem"),
            ("SSL_CERT_DIR", &dirs),
        ],
    )
    .ok();
    assert_eq!(d.read("g/f.txt"), b"over tls");
    // Plain HTTP against a TLS port fails clearly.
    oar(d.path(), &["pull", "--plain-http", &reference, "-o", "f"]).fails(1, &reg.host);
}

#[test]
fn https_against_a_plain_http_registry_says_so() {
    let reg = Registry::start();
    let d = TempDir::new("tls-plain");
    oar(d.path(), &["pull", &reg.reference("x:v1")]).fails(1, "--plain-http");
}
