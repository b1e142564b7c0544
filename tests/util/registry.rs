//! Debian's `docker-registry` (distribution 2.8.2), started as a plain
//! process on a free loopback port in its own temporary directory, and
//! stopped when dropped. Optional TLS (with a test CA made by openssl) and
//! htpasswd basic auth. Each registry sends a header with a value of its
//! own, by which its start-up tells it from another test's registry that
//! took the same port.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::{TempDir, require, sh};

/// The one-line self-signed recipe users copy: `openssl req -x509
/// -newkey rsa:2048 -nodes -keyout KEY -out CERT -days 2 -subj SUBJ`, plus
/// `extra` (`-addext …`).
pub fn self_signed(dir: &Path, key: &str, cert: &str, subj: &str, extra: &[&str]) {
    require("openssl", "openssl");
    let mut args = vec![
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days",
        "2", "-subj", subj,
    ];
    args.extend_from_slice(extra);
    sh("openssl", &args, dir);
}

/// Signs a CSR with a CA certificate and its key as users do: `openssl
/// x509 -req -in CSR -CA CA -CAkey KEY -CAcreateserial -out OUT -days
/// DAYS`, plus `extra` (`-extfile …`; without one the certificate is
/// X.509 v1).
pub fn sign(dir: &Path, csr: &str, ca: (&str, &str), out: &str, days: &str, extra: &[&str]) {
    let mut args = vec![
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca.0,
        "-CAkey",
        ca.1,
        "-CAcreateserial",
        "-out",
        out,
        "-days",
        days,
    ];
    args.extend_from_slice(extra);
    sh("openssl", &args, dir);
}

/// A new key and its CSR: `openssl req -newkey rsa:2048 -nodes -keyout
/// KEY -out CSR -subj SUBJ`.
pub fn new_csr(dir: &Path, key: &str, csr: &str, subj: &str) {
    sh(
        "openssl",
        &[
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subj,
        ],
        dir,
    );
}

/// A test CA and a server certificate for 127.0.0.1 and localhost.
pub struct Certs {
    /// The directory holding them.
    pub dir: TempDir,
    /// CA certificate (PEM).
    pub ca: PathBuf,
    /// Server certificate (PEM).
    pub cert: PathBuf,
    /// Server key (PEM).
    pub key: PathBuf,
}

impl Certs {
    /// Generates a CA and a server certificate signed by it.
    pub fn generate() -> Certs {
        let dir = TempDir::new("certs");
        let d = dir.path();
        self_signed(d, "ca.key", "ca.pem", "/CN=oar test CA", &[]);
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n",
        )
        .unwrap();
        new_csr(d, "server.key", "server.csr", "/CN=127.0.0.1");
        sign(
            d,
            "server.csr",
            ("ca.pem", "ca.key"),
            "server.pem",
            "2",
            &["-extfile", "ext.cnf"],
        );
        Certs::at(dir, "ca.pem", "server.pem", "server.key")
    }

    /// Files in `dir`: the CA to trust, the server's certificate and key.
    pub fn at(dir: TempDir, ca: &str, cert: &str, key: &str) -> Certs {
        Certs {
            ca: dir.join(ca),
            cert: dir.join(cert),
            key: dir.join(key),
            dir,
        }
    }
}

impl Certs {
    /// The test CA as a rustls trust store.
    pub fn roots(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        for ca in pem_certs(&self.ca) {
            roots.add(ca).unwrap();
        }
        roots
    }

    /// The server certificate (also good for client authentication).
    pub fn chain(&self) -> Vec<CertificateDer<'static>> {
        pem_certs(&self.cert)
    }

    /// The server key.
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::from_pem_file(&self.key).unwrap()
    }
}

fn pem_certs(path: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(path)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The header every registry started here sends, with a value of its
/// own: the proof that the server on a port is the one this test started.
const OURS: &str = "X-Oar-Test-Registry";

/// The response head to `GET /v2/` on `127.0.0.1:port`, over TLS when
/// `certs` is given (presenting its certificate if the server asks for
/// one); `None` when nothing answers yet.
fn v2_head(port: u16, certs: Option<&Certs>) -> Option<String> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).ok()?;
    tcp.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request =
        format!("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let mut stream: Box<dyn ReadWrite> = match certs {
        None => Box::new(tcp),
        Some(c) => {
            let provider = rustls::crypto::ring::default_provider();
            let any = AnyServer(provider.signature_verification_algorithms);
            let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
                .with_safe_default_protocol_versions()
                .unwrap()
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(any))
                .with_client_auth_cert(c.chain(), c.private_key())
                .unwrap();
            let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
            let conn = rustls::ClientConnection::new(Arc::new(cfg), name).unwrap();
            Box::new(rustls::StreamOwned::new(conn, tcp))
        }
    };
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Takes any server certificate: the readiness check knows a registry is
/// ours by the header value it sends, not by its certificate, and tests
/// serve certificates on purpose that a plain check would refuse (a
/// self-signed CA:TRUE one, names other than 127.0.0.1, expired ones).
/// The handshake signatures are still checked.
#[derive(Debug)]
struct AnyServer(rustls::crypto::WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_schemes()
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// How to configure the registry.
#[derive(Default)]
pub struct Options<'a> {
    /// Serve TLS with these certificates.
    pub tls: Option<&'a Certs>,
    /// Require basic auth with `(user, password)`.
    pub basic_auth: Option<(&'a str, &'a str)>,
    /// Require basic auth against this htpasswd file.
    pub htpasswd_file: Option<&'a Path>,
    /// Require client certificates signed by this CA (mutual TLS).
    pub client_ca: Option<&'a Path>,
    /// Token auth: `(realm, service, issuer, root cert bundle)`.
    pub token: Option<(&'a str, &'a str, &'a str, &'a Path)>,
    /// Unpack this `.tar.gz` of registry storage before starting.
    pub seed: Option<&'a Path>,
    /// Keep the registry's access log (one line per request), read with
    /// [`Registry::access_log`].
    pub access_log: bool,
}

/// A running registry.
pub struct Registry {
    child: Child,
    dir: TempDir,
    /// `127.0.0.1:<port>`.
    pub host: String,
    /// The port.
    pub port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Registry {
    /// A plain HTTP registry without auth.
    pub fn start() -> Registry {
        Registry::start_with(Options::default())
    }

    /// A registry with options.
    pub fn start_with(opts: Options<'_>) -> Registry {
        require("docker-registry", "docker-registry");
        let mut last_err = String::new();
        for _ in 0..5 {
            match Registry::try_start(&opts) {
                Ok(r) => return r,
                Err(e) => last_err = e,
            }
        }
        panic!("docker-registry did not start: {last_err}");
    }

    fn try_start(opts: &Options<'_>) -> Result<Registry, String> {
        let dir = TempDir::new("registry");
        let port = free_port();
        if let Some(seed) = opts.seed {
            std::fs::create_dir_all(dir.join("data")).unwrap();
            sh(
                "tar",
                &[
                    "-xzf",
                    seed.to_str().unwrap(),
                    "-C",
                    dir.join("data").to_str().unwrap(),
                ],
                Path::new("/"),
            );
        }
        let id = dir
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut http = format!(
            "http:\n  addr: 127.0.0.1:{port}\n  secret: oar-test-secret\n  headers:\n    {OURS}: [{id}]\n"
        );
        if let Some(c) = opts.tls {
            http.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                c.cert.display(),
                c.key.display()
            ));
            if let Some(ca) = opts.client_ca {
                http.push_str(&format!("    clientcas:\n      - {}\n", ca.display()));
            }
        }
        let mut auth = String::new();
        if let Some((user, pass)) = opts.basic_auth {
            require("htpasswd", "apache2-utils");
            let line = sh("htpasswd", &["-Bbn", user, pass], dir.path());
            std::fs::write(dir.join("htpasswd"), line.trim()).unwrap();
            auth = format!(
                "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                dir.join("htpasswd").display()
            );
        }
        if let Some(file) = opts.htpasswd_file {
            auth = format!(
                "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                file.display()
            );
        }
        if let Some((realm, service, issuer, bundle)) = opts.token {
            auth = format!(
                "auth:\n  token:\n    realm: {realm}\n    service: {service}\n    issuer: {issuer}\n    rootcertbundle: {}\n",
                bundle.display()
            );
        }
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: {}\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n{http}{auth}",
            !opts.access_log,
            dir.join("data").display()
        );
        std::fs::write(dir.join("config.yml"), config).unwrap();
        // The access log goes to standard output.
        let access = std::fs::File::create(dir.join("access.log")).unwrap();
        let log = std::fs::File::create(dir.join("registry.log")).unwrap();
        let mut child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdout(access)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("spawning docker-registry: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(dir.join("registry.log")).unwrap_or_default();
                return Err(format!("exited with {status}: {log}"));
            }
            if let Some(head) = v2_head(port, opts.tls) {
                // Another test's registry may hold this port (it was free when
                // picked): only ours sends our header with our value.
                let ours = head.lines().any(|l| {
                    l.split_once(':')
                        .is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case(OURS) && v.trim() == id)
                });
                if ours {
                    break;
                }
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("port {port} is taken by another server"));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("no answer within 15 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Registry {
            child,
            dir,
            host: format!("127.0.0.1:{port}"),
            port,
        })
    }

    /// The process id of the registry (for clean-up outside `Drop`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host/repo[:tag]`.
    pub fn reference(&self, rest: &str) -> String {
        format!("{}/{rest}", self.host)
    }

    /// The access log so far: one line per request (see
    /// [`Options::access_log`]).
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("access.log")).unwrap()
    }

    /// Where the registry stores data.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// A raw HTTP/1.0 GET on the plain-HTTP registry: `(status, headers,
    /// body)`. Independent of the client under test.
    pub fn raw_get(&self, path: &str, accept: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.0\r\nHost: {}\r\nAccept: {accept}\r\n\r\n",
            self.host
        )
        .unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, buf[split + 4..].to_vec())
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
