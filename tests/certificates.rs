//! TLS with the certificates people actually make, each made with the
//! `openssl` command line users copy from docs, served by Debian's
//! registry: the docker docs' self-signed certificate (CA:TRUE under
//! OpenSSL 3), v1 client certificates from `openssl x509 -req`, RSA keys
//! in PKCS#1 and PKCS#8, EC keys in SEC1, and docker's certs.d layout.
//! Next to each accepted case stands a refused control, with the words
//! the user reads.

use std::path::{Path, PathBuf};

use crate::util::registry::{Certs, Options, Registry, new_csr, self_signed, sign};
use crate::util::{Run, TempDir, oar, oar_env, require, sh};

/// Runs openssl in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    require("openssl", "openssl");
    sh("openssl", args, dir);
}

/// The docker registry docs' recipe: a self-signed certificate for an IP
/// address, which OpenSSL 3 marks `CA:TRUE`.
fn docker_docs_cert(days: &str) -> Certs {
    let dir = TempDir::new("docs-cert");
    openssl(
        dir.path(),
        &[
            "req",
            "-newkey",
            "rsa:4096",
            "-nodes",
            "-sha256",
            "-keyout",
            "domain.key",
            "-addext",
            "subjectAltName = IP:127.0.0.1",
            "-x509",
            "-days",
            days,
            "-out",
            "domain.crt",
            "-subj",
            "/CN=registry",
        ],
    );
    let text = sh(
        "openssl",
        &["x509", "-in", "domain.crt", "-noout", "-text"],
        dir.path(),
    );
    assert!(
        text.contains("CA:TRUE"),
        "the recipe's certificate says CA:TRUE:\n{text}"
    );
    Certs::at(dir, "domain.crt", "domain.crt", "domain.key")
}

fn push(d: &TempDir, reference: &str, extra: &[&str]) -> Run {
    push_env(d, reference, extra, &[])
}

/// `push` with environment variables set.
fn push_env(d: &TempDir, reference: &str, extra: &[&str], env: &[(&str, &str)]) -> Run {
    d.write("f.txt", "over tls");
    let mut args = vec!["push"];
    args.extend_from_slice(extra);
    args.extend([reference, "f.txt"]);
    oar_env(d.path(), &args, env)
}

/// Asserts a refusal (exit 1, an error line containing `needle`) and
/// reports the line the user reads:
/// `cargo test --test integration certificates -- --nocapture 2>&1 | grep CERT-REPORT`.
#[track_caller]
fn refused(run: Run, what: &str, needle: &str) -> Run {
    let r = run.fails(1, needle);
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("Error"))
        .unwrap_or("");
    eprintln!("CERT-REPORT {what}: {line}");
    r
}

#[test]
fn docker_docs_self_signed_certificate_is_trusted_as_itself() {
    let certs = docker_docs_cert("365");
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        ..Options::default()
    });
    let d = TempDir::new("docs-cert-use");
    let ca = certs.ca.to_str().unwrap();
    push(&d, &reg.reference("s:v1"), &["--ca-file", ca]).ok();
    oar(
        d.path(),
        &["pull", "--ca-file", ca, &reg.reference("s:v1"), "-o", "out"],
    )
    .ok();
    assert_eq!(d.read("out/f.txt"), b"over tls");
    // SSL_CERT_FILE is the system store: trusted there, it is trusted as
    // the server's own certificate too.
    push_env(&d, &reg.reference("s:v2"), &[], &[("SSL_CERT_FILE", ca)]).ok();
    // Control: not trusted, it is refused in words, with the way out.
    let e = refused(
        push(&d, &reg.reference("s:v3"), &[]),
        "self-signed, not trusted",
        "x509: certificate signed by unknown authority",
    );
    assert!(
        e.stderr.contains("--ca-file") && e.stderr.contains("--insecure"),
        "{}",
        e.stderr
    );
    assert!(
        !e.stderr.contains("Other(") && !e.stderr.contains("CaUsedAsEndEntity"),
        "{}",
        e.stderr
    );
    // Control: trusted, but reached under a name it does not carry
    // (localhost, forced to HTTPS).
    let by_name = format!("localhost:{}/s:v4", reg.port);
    refused(
        push(&d, &by_name, &["--ca-file", ca, "--plain-http=false"]),
        "trusted, another name",
        "x509: certificate is valid for 127.0.0.1, not localhost",
    );
}

/// A certificate that expired yesterday: `openssl x509 -req -days -1`
/// (`req -x509` refuses a negative count).
fn expired_cert() -> Certs {
    let dir = TempDir::new("expired-cert");
    let d = dir.path();
    self_signed(d, "ca.key", "ca.pem", "/CN=expiring CA", &[]);
    new_csr(d, "server.key", "server.csr", "/CN=registry");
    dir.write("ext.cnf", "subjectAltName=IP:127.0.0.1\n");
    sign(
        d,
        "server.csr",
        ("ca.pem", "ca.key"),
        "server.pem",
        "-1",
        &["-extfile", "ext.cnf"],
    );
    Certs::at(dir, "ca.pem", "server.pem", "server.key")
}

#[test]
fn expired_and_unknown_certificates_are_refused_in_words() {
    let expired = expired_cert();
    let reg = Registry::start_with(Options {
        tls: Some(&expired),
        ..Options::default()
    });
    let d = TempDir::new("expired");
    let ca = expired.ca.to_str().unwrap();
    let e = refused(
        push(&d, &reg.reference("e:v1"), &["--ca-file", ca]),
        "expired",
        "x509: certificate has expired or is not yet valid: current time ",
    );
    assert!(e.stderr.contains(" is after "), "{}", e.stderr);
    // --insecure is the way past it, as the hint says.
    push(&d, &reg.reference("e:v1"), &["--insecure"]).ok();
    // A certificate from a CA that is not the one given.
    let signed = Certs::generate();
    let other = Certs::generate();
    let reg2 = Registry::start_with(Options {
        tls: Some(&signed),
        ..Options::default()
    });
    refused(
        push(
            &d,
            &reg2.reference("u:v1"),
            &["--ca-file", other.ca.to_str().unwrap()],
        ),
        "unknown CA",
        "x509: certificate signed by unknown authority",
    );
    push(
        &d,
        &reg2.reference("u:v1"),
        &["--ca-file", signed.ca.to_str().unwrap()],
    )
    .ok();
}

/// A self-signed certificate for 127.0.0.1, made as users make one with
/// `openssl x509 -req -signkey`, valid for `days` (-1: expired yesterday).
fn self_signed_for_days(days: &str) -> Certs {
    let dir = TempDir::new("self-days");
    let d = dir.path();
    new_csr(d, "domain.key", "domain.csr", "/CN=registry");
    dir.write("ext.cnf", "subjectAltName=IP:127.0.0.1\n");
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "domain.csr",
            "-signkey",
            "domain.key",
            "-days",
            days,
            "-extfile",
            "ext.cnf",
            "-out",
            "domain.crt",
        ],
    );
    Certs::at(dir, "domain.crt", "domain.crt", "domain.key")
}

/// A certificate trusted as itself (given with `--ca-file`, or in the
/// system store) is still checked for its dates: an expired one is
/// refused in the same words as an expired CA-signed one.
#[test]
fn an_expired_certificate_trusted_as_itself_is_refused() {
    let expired = self_signed_for_days("-1");
    let reg = Registry::start_with(Options {
        tls: Some(&expired),
        ..Options::default()
    });
    let d = TempDir::new("expired-self");
    let ca = expired.ca.to_str().unwrap();
    let e = refused(
        push(&d, &reg.reference("e:v1"), &["--ca-file", ca]),
        "expired, trusted as itself",
        "x509: certificate has expired or is not yet valid: current time ",
    );
    assert!(e.stderr.contains(" is after "), "{}", e.stderr);
    refused(
        push_env(&d, &reg.reference("e:v2"), &[], &[("SSL_CERT_FILE", ca)]),
        "expired, trusted as itself in the system store",
        "x509: certificate has expired or is not yet valid",
    );
    // Control: the same recipe, in date, is accepted the same way.
    let fresh = self_signed_for_days("2");
    let reg = Registry::start_with(Options {
        tls: Some(&fresh),
        ..Options::default()
    });
    push(
        &d,
        &reg.reference("f:v1"),
        &["--ca-file", fresh.ca.to_str().unwrap()],
    )
    .ok();
}

/// A client certificate made the usual way: a key (by `key_cmd`), a CSR,
/// and `openssl x509 -req` with the CA `ca` (certificate, key) and no
/// extensions, which makes an X.509 v1 certificate.
fn client_pair(dir: &Path, name: &str, key_cmd: &[&str], ca: &Certs) -> (PathBuf, PathBuf) {
    openssl(dir, key_cmd);
    let key = format!("{name}.key");
    let csr = format!("{name}.csr");
    let crt = format!("{name}.crt");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-out",
            &csr,
            "-subj",
            &format!("/CN={name}"),
        ],
    );
    // The server's CA signs clients too (the registry helper proves a
    // registry is up by presenting the server's own certificate).
    let ca_key = ca.dir.join(if ca.ca == ca.cert {
        "domain.key"
    } else {
        "ca.key"
    });
    sign(
        dir,
        &csr,
        (ca.ca.to_str().unwrap(), ca_key.to_str().unwrap()),
        &crt,
        "1",
        &[],
    );
    let text = sh("openssl", &["x509", "-in", &crt, "-noout", "-text"], dir);
    assert!(
        text.contains("Version: 1 (0x0)"),
        "a v1 certificate:\n{text}"
    );
    (dir.join(crt), dir.join(key))
}

#[test]
fn v1_client_certificates_with_pkcs1_pkcs8_and_sec1_keys() {
    let server = Certs::generate();
    let dir = TempDir::new("client-certs");
    let d = dir.path();
    let reg = Registry::start_with(Options {
        tls: Some(&server),
        client_ca: Some(&server.ca),
        ..Options::default()
    });
    let ca = server.ca.to_str().unwrap();
    let pkcs1 = client_pair(
        d,
        "rsa1",
        &["genrsa", "-traditional", "-out", "rsa1.key", "2048"],
        &server,
    );
    assert!(
        String::from_utf8_lossy(&std::fs::read(&pkcs1.1).unwrap())
            .contains("BEGIN RSA PRIVATE KEY")
    );
    let pkcs8 = client_pair(
        d,
        "rsa8",
        &["genpkey", "-algorithm", "RSA", "-out", "rsa8.key"],
        &server,
    );
    assert!(
        String::from_utf8_lossy(&std::fs::read(&pkcs8.1).unwrap()).contains("BEGIN PRIVATE KEY")
    );
    let sec1 = client_pair(
        d,
        "ec",
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-out",
            "ec.key",
        ],
        &server,
    );
    let ec_pem = String::from_utf8_lossy(&std::fs::read(&sec1.1).unwrap()).into_owned();
    assert!(ec_pem.contains("BEGIN EC PARAMETERS") && ec_pem.contains("BEGIN EC PRIVATE KEY"));
    let w = TempDir::new("client-use");
    for (i, (cert, key)) in [&pkcs1, &pkcs8, &sec1].into_iter().enumerate() {
        let tag = format!("c:v{i}");
        push(
            &w,
            &reg.reference(&tag),
            &[
                "--ca-file",
                ca,
                "--cert-file",
                cert.to_str().unwrap(),
                "--key-file",
                key.to_str().unwrap(),
            ],
        )
        .ok();
    }
    // Control: no client certificate; the registry refuses the handshake.
    let e = refused(
        push(&w, &reg.reference("c:none"), &["--ca-file", ca]),
        "mTLS without a client certificate",
        "remote error: tls: ",
    );
    assert!(e.stderr.contains("--cert-file"), "{}", e.stderr);
    // Control: a key that is not the certificate's, refused before any
    // request, in words and without a panic.
    let e = refused(
        push(
            &w,
            &reg.reference("c:bad"),
            &[
                "--ca-file",
                ca,
                "--cert-file",
                pkcs1.0.to_str().unwrap(),
                "--key-file",
                sec1.1.to_str().unwrap(),
            ],
        ),
        "mismatched key",
        "does not match certificate",
    );
    assert!(!e.stderr.contains("panicked"), "{}", e.stderr);
}

/// Files written under a system certs.d directory, removed when dropped.
struct Written(PathBuf);

impl Drop for Written {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `files` into `<base>/<host>/`.
fn certs_d(base: &Path, host: &str, files: &[(&str, &Path)]) -> Written {
    let dir = base.join(host);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("creating {}: {e} (the tests run as root)", dir.display()));
    for (name, from) in files {
        std::fs::copy(from, dir.join(name)).unwrap();
    }
    Written(dir)
}

#[test]
fn certs_d_directories_trust_a_registry_without_flags() {
    let server = docker_docs_cert("2");
    let dir = TempDir::new("certs-d");
    let d = dir.path();
    let (cert, key) = client_pair(
        d,
        "client",
        &["genrsa", "-traditional", "-out", "client.key", "2048"],
        &server,
    );
    let reg = Registry::start_with(Options {
        tls: Some(&server),
        client_ca: Some(&server.ca),
        ..Options::default()
    });
    let w = TempDir::new("certs-d-use");
    // Without certs.d: neither the server nor the client is known.
    push(&w, &reg.reference("d:v0"), &[]).fails(1, "unknown authority");
    // docker's directory: the CA and the client pair, no flags.
    {
        let _docker = certs_d(
            Path::new("/etc/docker/certs.d"),
            &reg.host,
            &[
                ("ca.crt", &server.ca),
                ("client.cert", &cert),
                ("client.key", &key),
            ],
        );
        push(&w, &reg.reference("d:v1"), &[]).ok();
        oar(w.path(), &["pull", &reg.reference("d:v1"), "-o", "o1"]).ok();
        assert_eq!(w.read("o1/f.txt"), b"over tls");
    }
    // podman's system directory.
    {
        let _containers = certs_d(
            Path::new("/etc/containers/certs.d"),
            &reg.host,
            &[
                ("ca.crt", &server.ca),
                ("client.cert", &cert),
                ("client.key", &key),
            ],
        );
        push(&w, &reg.reference("d:v2"), &[]).ok();
    }
    // The user's $XDG_CONFIG_HOME/containers/certs.d.
    let home = TempDir::new("xdg");
    let _user = certs_d(
        &home.join("containers/certs.d"),
        &reg.host,
        &[
            ("ca.crt", &server.ca),
            ("client.cert", &cert),
            ("client.key", &key),
        ],
    );
    let xdg = [("XDG_CONFIG_HOME", home.path().to_str().unwrap())];
    push_env(&w, &reg.reference("d:v3"), &[], &xdg).ok();
    // Control: the directory belongs to that host:port only; another
    // name for the same registry is not covered.
    let other_name = format!("localhost:{}/d:v4", reg.port);
    push_env(&w, &other_name, &["--plain-http=false"], &xdg).fails(1, "x509: ");
    // Control: a client certificate without its key is an error that says
    // so, as in docker.
    let broken = TempDir::new("xdg-broken");
    let _half = certs_d(
        &broken.join("containers/certs.d"),
        &reg.host,
        &[("client.cert", &cert)],
    );
    let broken_xdg = [("XDG_CONFIG_HOME", broken.path().to_str().unwrap())];
    push_env(&w, &reg.reference("d:v5"), &[], &broken_xdg).fails(1, "missing key");
    // And a key without its certificate.
    let lone = TempDir::new("xdg-lone-key");
    let _key_only = certs_d(
        &lone.join("containers/certs.d"),
        &reg.host,
        &[("client.key", &key)],
    );
    let lone_xdg = [("XDG_CONFIG_HOME", lone.path().to_str().unwrap())];
    push_env(&w, &reg.reference("d:v6"), &[], &lone_xdg).fails(1, "missing client certificate");
}

/// `SSL_CERT_DIR`, as Go reads it: a list of directories of PEM files,
/// used when `SSL_CERT_FILE` gives nothing. The CA there is trusted; the
/// same directory without it is not (the system store is then only
/// what it holds, not the built-in roots).
#[test]
fn ssl_cert_dir_is_a_system_store_of_directories() {
    let certs = Certs::generate();
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        ..Options::default()
    });
    let d = TempDir::new("ssl-cert-dir");
    // The CA under a name that starts with eight hex digits but is no
    // `<hash>.<n>` link; next to it, as in /etc/ssl/certs, a short name
    // and a hash-named link (another CA: neither is what trusts the
    // registry) and a file that is not PEM.
    let other = Certs::generate();
    d.write("store/deadbeef-ca.pem", std::fs::read(&certs.ca).unwrap());
    d.write("store/a.pem", std::fs::read(&other.ca).unwrap());
    d.write("store/0123abcd.0", std::fs::read(&other.ca).unwrap());
    d.write("store/README", "not a certificate");
    d.write("empty/x.pem", "");
    let dirs = format!(
        "{}:{}",
        d.join("empty").display(),
        d.join("store").display()
    );
    push_env(
        &d,
        &reg.reference("dir:v1"),
        &[],
        &[("SSL_CERT_DIR", &dirs), ("SSL_CERT_FILE", "/nonexistent")],
    )
    .ok();
    d.write("wrong/ca.pem", std::fs::read(&other.ca).unwrap());
    let wrong = d.join("wrong");
    refused(
        push_env(
            &d,
            &reg.reference("dir:v2"),
            &[],
            &[("SSL_CERT_DIR", wrong.to_str().unwrap())],
        ),
        "SSL_CERT_DIR without the CA",
        "x509: certificate signed by unknown authority",
    );
}
