//! Which certificates to trust: the system's CA bundle when there is one
//! (`SSL_CERT_FILE`, `SSL_CERT_DIR`, then the usual distribution paths),
//! ureq's built-in Mozilla roots in an empty container, plus any
//! `--ca-file`.

use std::path::{Path, PathBuf};

use ureq::tls::{Certificate, PemItem, RootCerts};

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

/// Reads every certificate from a PEM file.
pub fn read_pem_certs(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let data =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(&data) {
        match item {
            Ok(PemItem::Certificate(c)) => out.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::other(format!(
                    "{}: invalid PEM: {e}",
                    path.display()
                )));
            }
        }
    }
    Ok(out)
}

fn certs_in_dir(dir: &Path) -> Vec<Certificate<'static>> {
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
pub fn system_certs() -> Option<Vec<Certificate<'static>>> {
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

/// The roots to trust: the system store (or, without one, the built-in
/// roots) plus every certificate in `ca_files`. With no system store and a
/// CA file, only the CA file is trusted, as oras does.
pub fn root_certs(ca_files: &[PathBuf]) -> Result<RootCerts> {
    let mut extra = Vec::new();
    for f in ca_files {
        let mut c = read_pem_certs(f)?;
        if c.is_empty() {
            return Err(Error::other(format!(
                "{}: no certificates found",
                f.display()
            )));
        }
        extra.append(&mut c);
    }
    match system_certs() {
        Some(mut sys) => {
            sys.append(&mut extra);
            Ok(RootCerts::new_with_certs(&sys))
        }
        None if extra.is_empty() => Ok(RootCerts::WebPki),
        None => Ok(RootCerts::new_with_certs(&extra)),
    }
}
