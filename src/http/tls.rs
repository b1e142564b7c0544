//! TLS as Go tools do it: which certificates to trust, which client
//! certificate to present, and the rustls configuration made from them.
//!
//! Trust is the system store when there is one (`SSL_CERT_FILE`,
//! `SSL_CERT_DIR`, then the usual distribution paths; the built-in Mozilla
//! roots in an empty container), plus `--ca-file`, plus a registry's own
//! `certs.d` directory (docker's and podman's `<dir>/<host:port>/*.crt`).
//! As in Go, a certificate that is itself trusted is accepted as the
//! server's certificate even when it says `CA:TRUE` (the docker docs'
//! self-signed recipe makes such a one); its names and dates are still
//! checked, and every other certificate goes through the full webpki
//! chain check.
//!
//! A client certificate may be X.509 v1 or v3 with an RSA (PKCS#1 or
//! PKCS#8) or EC (SEC1 or PKCS#8) key. The pair is checked before any
//! request by comparing public keys, which works for v1 certificates that
//! rustls's own check refuses.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::x509;
use crate::error::{Error, Result};

/// Bundle files of the common Linux distributions, BSDs and macOS, in the
/// order Go's crypto/x509 tries them.
const BUNDLE_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// Directories of individual certificates, tried when no bundle exists.
const CERT_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

/// The `certs.d` directories docker and podman read, in that order:
/// `/etc/docker/certs.d`, `/etc/containers/certs.d`, and the user's
/// `$XDG_CONFIG_HOME/containers/certs.d` (`~/.config/containers/certs.d`).
/// Pass them to [`HttpOptions::certs_dirs`](super::HttpOptions::certs_dirs)
/// to trust what docker trusts for each registry.
pub fn standard_certs_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![
        PathBuf::from("/etc/docker/certs.d"),
        PathBuf::from("/etc/containers/certs.d"),
    ];
    if let Some(config) = dirs::config_dir() {
        dirs.push(config.join("containers").join("certs.d"));
    }
    dirs
}

/// Reads every certificate from a PEM file.
pub fn read_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let data =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    CertificateDer::pem_slice_iter(&data)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::other(format!("{}: invalid PEM: {e}", path.display())))
}

fn certs_in_dir(dir: &Path) -> Vec<CertificateDer<'static>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        // Hash-named links duplicate the real files; only read each target
        // once by skipping the `<hash>.<n>` names.
        let name = e.file_name().to_string_lossy().into_owned();
        let hashed = name.len() >= 10
            && name.as_bytes()[8] == b'.'
            && name[..8].bytes().all(|b| b.is_ascii_hexdigit());
        if hashed || !p.is_file() {
            continue;
        }
        if let Ok(mut c) = read_pem_certs(&p) {
            out.append(&mut c);
        }
    }
    out
}

/// The system trust store, or `None` when this host has none (an empty
/// container or a scratch image).
pub fn system_certs() -> Option<Vec<CertificateDer<'static>>> {
    if let Some(f) = std::env::var_os("SSL_CERT_FILE")
        && let Ok(c) = read_pem_certs(Path::new(&f))
        && !c.is_empty()
    {
        return Some(c);
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR") {
        let mut all = Vec::new();
        for d in std::env::split_paths(&dirs) {
            all.append(&mut certs_in_dir(&d));
        }
        if !all.is_empty() {
            return Some(all);
        }
    }
    for f in BUNDLE_FILES {
        if let Ok(c) = read_pem_certs(Path::new(f))
            && !c.is_empty()
        {
            return Some(c);
        }
    }
    for d in CERT_DIRS {
        let c = certs_in_dir(Path::new(d));
        if !c.is_empty() {
            return Some(c);
        }
    }
    None
}

/// What a registry's `certs.d` directories hold: extra CAs, and perhaps a
/// client certificate and key.
#[derive(Debug, Default)]
pub(crate) struct CertsD {
    pub cas: Vec<CertificateDer<'static>>,
    pub client: Option<(PathBuf, PathBuf)>,
}

/// Reads `<dir>/<authority>/` in each of `dirs`, as docker does: `*.crt`
/// are CAs, `<name>.cert` with `<name>.key` a client pair (the first pair
/// found is used). A certificate without its key, or a key without its
/// certificate, is an error, as in docker.
pub(crate) fn certs_d(dirs: &[PathBuf], authority: &str) -> Result<CertsD> {
    let mut out = CertsD::default();
    for dir in dirs {
        let dir = dir.join(authority);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        for p in &names {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            match ext {
                "crt" => out.cas.append(&mut read_pem_certs(p)?),
                "cert" => {
                    let key = p.with_extension("key");
                    if !key.is_file() {
                        return Err(Error::other(format!(
                            "missing key {} for client certificate {}",
                            key.display(),
                            p.display()
                        )));
                    }
                    out.client.get_or_insert((p.clone(), key));
                }
                "key" if !p.with_extension("cert").is_file() => {
                    return Err(Error::other(format!(
                        "missing client certificate {} for key {}",
                        p.with_extension("cert").display(),
                        p.display()
                    )));
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The roots of one configuration: the system store (or the built-in
/// roots) plus `extra`.
/// Shared, so that configurations with the same roots parse them once.
#[derive(Clone)]
pub(crate) struct Roots {
    store: Arc<RootCertStore>,
    /// Every trusted certificate in full, to accept one presented as
    /// itself.
    own: Arc<HashSet<Vec<u8>>>,
}

/// The roots to trust: the system store (or, without one, the built-in
/// roots) plus `extra`. With no system store and extra certificates,
/// only those are trusted, as oras does.
pub(crate) fn roots(
    system: Option<&[CertificateDer<'static>]>,
    extra: &[CertificateDer<'static>],
) -> Roots {
    let mut store = RootCertStore::empty();
    let mut own = HashSet::new();
    let certs = system.into_iter().flatten().chain(extra);
    for c in certs {
        own.insert(c.as_ref().to_vec());
        // Certificates webpki cannot use as anchors (some v1 roots in
        // old bundles) are skipped, as Go skips what it cannot parse.
        let _ = store.add(c.clone());
    }
    if system.is_none() && extra.is_empty() {
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    Roots {
        store: Arc::new(store),
        own: Arc::new(own),
    }
}

/// Reads `--ca-file`s: each must hold at least one certificate.
pub(crate) fn ca_files(files: &[PathBuf]) -> Result<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    for f in files {
        let mut c = read_pem_certs(f)?;
        if c.is_empty() {
            return Err(Error::other(format!(
                "{}: no certificates found",
                f.display()
            )));
        }
        out.append(&mut c);
    }
    Ok(out)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Loads a client certificate (chain) and its key, and checks that they
/// belong together before anything is sent.
pub(crate) fn client_identity(cert: &Path, key: &Path) -> Result<Arc<CertifiedKey>> {
    let chain = read_pem_certs(cert)?;
    let first = chain
        .first()
        .ok_or_else(|| Error::other(format!("{}: no certificate found", cert.display())))?;
    let data =
        std::fs::read(key).map_err(|e| Error::io(format!("reading {}", key.display()), e))?;
    let der = PrivateKeyDer::from_pem_slice(&data).map_err(|_| {
        Error::other(format!(
            "{}: no private key found (PEM: RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)",
            key.display()
        ))
    })?;
    let signing = provider()
        .key_provider
        .load_private_key(der)
        .map_err(|e| Error::other(format!("{}: unusable private key: {e}", key.display())))?;
    let mismatch = |why: &str| {
        Error::other(format!(
            "client key {} does not match certificate {}: {why}",
            key.display(),
            cert.display()
        ))
    };
    let from_cert = x509::parse(first.as_ref())
        .ok_or_else(|| mismatch("the certificate cannot be read"))?
        .public_key;
    let from_key = signing
        .public_key()
        .and_then(|spki| x509::public_key_bits(spki.as_ref()))
        .ok_or_else(|| mismatch("the key's public half cannot be derived"))?;
    if from_cert != from_key {
        return Err(mismatch("their public keys differ"));
    }
    Ok(Arc::new(CertifiedKey::new(chain, signing)))
}

/// Presents one certificate whenever the server asks.
#[derive(Debug)]
struct Identity(Arc<CertifiedKey>);

impl ResolvesClientCert for Identity {
    fn resolve(&self, _hints: &[&[u8]], schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.0
            .key
            .choose_scheme(schemes)
            .map(|_| Arc::clone(&self.0))
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// The rustls configuration for one set of roots and an optional client
/// identity; with `insecure`, the server's certificate is not checked.
pub(crate) fn client_config(
    roots: &Roots,
    insecure: bool,
    identity: Option<Arc<CertifiedKey>>,
) -> Result<Arc<ClientConfig>> {
    let provider = provider();
    let algorithms = provider.signature_verification_algorithms;
    let webpki = if insecure {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(
                Arc::clone(&roots.store),
                Arc::clone(&provider),
            )
            .build()
            .map_err(|e| Error::other(format!("no usable trusted certificates: {e}")))?,
        )
    };
    let verifier = Arc::new(Verifier {
        webpki,
        own: Arc::clone(&roots.own),
        algorithms,
    });
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::other(format!("tls: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    Ok(Arc::new(match identity {
        Some(id) => builder.with_client_cert_resolver(Arc::new(Identity(id))),
        None => builder.with_no_client_auth(),
    }))
}

/// The full webpki check, and Go's rule for a certificate that is itself
/// trusted. Without webpki (`--insecure`, Go's `InsecureSkipVerify`), any
/// certificate is taken; the handshake signatures are checked either way.
struct Verifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    own: Arc<HashSet<Vec<u8>>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("trusted", &self.own.len())
            .finish()
    }
}

impl Verifier {
    /// A trusted certificate presented as itself: its dates, names and
    /// extended key usage are left to check (Go checks the usage of a
    /// chain of one too: a `clientAuth`-only certificate is no server's).
    fn trusted_as_itself(
        &self,
        end_entity: &CertificateDer<'_>,
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let fields = x509::parse(end_entity.as_ref()).ok_or(rustls::Error::InvalidCertificate(
            CertificateError::BadEncoding,
        ))?;
        if let Some(e) = out_of_dates(&fields, now) {
            return Err(e);
        }
        match x509::allows_server_auth(end_entity.as_ref()) {
            Some(true) => {}
            Some(false) => {
                return Err(rustls::Error::InvalidCertificate(
                    CertificateError::InvalidPurpose,
                ));
            }
            None => {
                return Err(rustls::Error::InvalidCertificate(
                    CertificateError::BadEncoding,
                ));
            }
        }
        let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_name(&parsed, server_name)?;
        Ok(ServerCertVerified::assertion())
    }
}

/// The error for a certificate used outside its dates, with the dates.
fn out_of_dates(fields: &x509::CertFields, now: UnixTime) -> Option<rustls::Error> {
    let at = |s: i64| UnixTime::since_unix_epoch(std::time::Duration::from_secs(s.max(0) as u64));
    let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let e = if now_secs < fields.not_before {
        CertificateError::NotValidYetContext {
            time: now,
            not_before: at(fields.not_before),
        }
    } else if now_secs > fields.not_after {
        CertificateError::ExpiredContext {
            time: now,
            not_after: at(fields.not_after),
        }
    } else {
        return None;
    };
    Some(rustls::Error::InvalidCertificate(e))
}

/// An expiry error with the dates that make it clear (webpki may leave
/// them out).
fn with_dates(e: rustls::Error, cert: &CertificateDer<'_>, now: UnixTime) -> rustls::Error {
    match e {
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::NotValidYet,
        ) => x509::parse(cert.as_ref())
            .and_then(|f| out_of_dates(&f, now))
            .unwrap_or(e),
        e => e,
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(webpki) = &self.webpki else {
            return Ok(ServerCertVerified::assertion());
        };
        match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Ok(v) => Ok(v),
            Err(_) if self.own.contains(end_entity.as_ref()) => {
                self.trusted_as_itself(end_entity, server_name, now)
            }
            Err(e) => Err(with_dates(e, end_entity, now)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A certificate failure in words, as Go's crypto/x509 words them, with
/// what makes each one different.
/// The verifier's own error inside rustls's catch-all, when it is one.
fn webpki_error(other: &rustls::OtherError) -> Option<&webpki::Error> {
    other.0.downcast_ref::<webpki::Error>()
}

pub(crate) fn certificate_text(e: &CertificateError) -> String {
    let date = |t: &UnixTime| {
        crate::timefmt::rfc3339_utc(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.as_secs()),
        )
    };
    match e {
        CertificateError::UnknownIssuer => "certificate signed by unknown authority".into(),
        CertificateError::ExpiredContext { time, not_after } => format!(
            "certificate has expired or is not yet valid: current time {} is after {}",
            date(time),
            date(not_after)
        ),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "certificate has expired or is not yet valid: current time {} is before {}",
            date(time),
            date(not_before)
        ),
        CertificateError::Expired | CertificateError::NotValidYet => {
            "certificate has expired or is not yet valid".into()
        }
        CertificateError::NotValidForNameContext { expected, presented } => {
            let wanted = match expected {
                ServerName::DnsName(d) => d.as_ref().to_string(),
                ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
                _ => "the requested name".into(),
            };
            // rustls lists the names as `DnsName("a.example")` and
            // `IpAddress(10.0.0.5)`; Go lists them bare.
            let bare: Vec<&str> = presented
                .iter()
                .map(|n| {
                    let inner = n
                        .split_once('(')
                        .and_then(|(_, rest)| rest.strip_suffix(')'))
                        .unwrap_or(n);
                    inner.trim_matches('"')
                })
                .collect();
            if bare.is_empty() {
                format!("certificate is not valid for any names, but wanted to match {wanted}")
            } else {
                format!("certificate is valid for {}, not {wanted}", bare.join(", "))
            }
        }
        CertificateError::NotValidForName => "certificate is not valid for this host name".into(),
        // An issuer with the right name but the wrong key: Go words it as
        // an unknown authority too.
        CertificateError::BadSignature => "certificate signed by unknown authority (possibly because of a signature that does not verify against a candidate authority with the issuer's name)".into(),
        CertificateError::BadEncoding => "malformed certificate".into(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "certificate specifies an incompatible key usage".into()
        }
        CertificateError::Revoked => "certificate has been revoked".into(),
        CertificateError::Other(other) => match webpki_error(other) {
            // A CA certificate presented as the server's own, and not
            // trusted as itself: to Go, an unknown authority.
            Some(webpki::Error::CaUsedAsEndEntity) => {
                "certificate signed by unknown authority (a CA certificate that is not itself trusted)"
                    .into()
            }
            Some(webpki::Error::UnsupportedCertVersion) => "unsupported certificate version".into(),
            _ => "certificate cannot be verified".into(),
        },
        _ => "certificate cannot be verified".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> UnixTime {
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
    }

    /// A certificate valid for exactly the seconds 1000 to 2000, and what
    /// each moment makes of it, in Go's words.
    #[test]
    fn dates_are_checked_to_the_second_and_said_with_both_times() {
        let fields = x509::CertFields {
            not_before: 1000,
            not_after: 2000,
            public_key: Vec::new(),
        };
        for inside in [1000, 1500, 2000] {
            assert!(out_of_dates(&fields, at(inside)).is_none(), "{inside}");
        }
        let text = |now: u64| match out_of_dates(&fields, at(now)) {
            Some(rustls::Error::InvalidCertificate(e)) => certificate_text(&e),
            other => panic!("{now}: {other:?}"),
        };
        assert_eq!(
            text(999),
            "certificate has expired or is not yet valid: current time 1970-01-01T00:16:39Z is before 1970-01-01T00:16:40Z"
        );
        assert_eq!(
            text(2001),
            "certificate has expired or is not yet valid: current time 1970-01-01T00:33:21Z is after 1970-01-01T00:33:20Z"
        );
    }
}
