//! Transport failures sorted into kinds (which decide retries and the
//! hints a caller adds) by their type, never by their words, and worded as
//! Go words them where Go has words.

use super::{tls, url};
use crate::error::{Error, TransportKind};

/// The kind of an I/O failure on a connection.
pub(super) fn io_kind(e: &std::io::Error) -> TransportKind {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => TransportKind::ConnectionRefused,
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            TransportKind::ConnectionReset
        }
        ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportKind::TimedOut,
        ErrorKind::UnexpectedEof => TransportKind::UnexpectedEof,
        _ => TransportKind::Other,
    }
}

/// `CertificateRequired` as `certificate required`.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A rustls failure in words (Go's, where Go has them), sorted by what
/// the user can do about it.
fn tls_failure(e: &rustls::Error) -> (TransportKind, String) {
    use rustls::AlertDescription as A;
    match e {
        rustls::Error::InvalidCertificate(c) => (
            TransportKind::Certificate,
            format!(
                "tls: failed to verify certificate: x509: {}",
                tls::certificate_text(c)
            ),
        ),
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            (TransportKind::NotTls, String::new())
        }
        rustls::Error::AlertReceived(alert) => {
            let kind = match alert {
                A::CertificateRequired
                | A::BadCertificate
                | A::UnknownCA
                | A::CertificateUnknown => TransportKind::ClientCertificate,
                _ => TransportKind::Tls,
            };
            (
                kind,
                format!("remote error: tls: {}", words(&format!("{alert:?}"))),
            )
        }
        // Not a TLS record at all (an HTTP server answering), or garbage.
        rustls::Error::InvalidMessage(_) => (TransportKind::NotTls, String::new()),
        rustls::Error::NoCertificatesPresented | rustls::Error::InvalidCertRevocationList(_) => {
            (TransportKind::Certificate, format!("tls: {e}"))
        }
        other => (TransportKind::Tls, format!("tls: {other}")),
    }
}

/// Turns a ureq failure into [`Error::Transport`], sorted into a kind
/// (which decides retries and the hints a caller adds) and kept as the
/// source.
pub(super) fn transport_error(u: &str, e: ureq::Error) -> Error {
    // A cancelled wait ([`Cancel`]) carries `Error::Cancelled`; a signal
    // that interrupted a read is `Error::Interrupted`.
    let e = match e {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            return Error::from_io(u, io);
        }
        other => other,
    };
    let (kind, message) = match &e {
        ureq::Error::Io(io) => match io_kind(io) {
            // rustls's failures after the handshake come wrapped in I/O
            // errors: sorted by their type, not their words.
            TransportKind::Other => match io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                Some(tls) => match tls_failure(tls) {
                    (TransportKind::Tls, _) => (TransportKind::Other, io.to_string()),
                    (k, _) => (k, io.to_string()),
                },
                None => (TransportKind::Other, io.to_string()),
            },
            k => (
                k,
                match k {
                    TransportKind::ConnectionRefused => "connection refused",
                    TransportKind::ConnectionReset => "connection reset by peer",
                    TransportKind::TimedOut => "i/o timeout",
                    _ => "unexpected end of stream",
                }
                .to_string(),
            ),
        },
        ureq::Error::HostNotFound => (TransportKind::HostNotFound, "no such host".to_string()),
        ureq::Error::Timeout(t) => (TransportKind::TimedOut, format!("timeout: {t}")),
        ureq::Error::ConnectionFailed => (
            TransportKind::ConnectionFailed,
            "connection failed".to_string(),
        ),
        ureq::Error::Rustls(r) => tls_failure(r),
        // ureq's own TLS set-up failures (a name that is not a DNS name).
        ureq::Error::Tls(m) => (TransportKind::Tls, format!("tls: {m}")),
        // Broken HTTP framing. A connection closed before a whole answer
        // arrived is not one: it comes as an I/O `UnexpectedEof`, which is
        // retried.
        ureq::Error::Protocol(p) => (TransportKind::Protocol, format!("protocol error: {p}")),
        other => (TransportKind::Other, other.to_string()),
    };
    let message = if kind == TransportKind::NotTls {
        "tls handshake failed: the server does not speak TLS".to_string()
    } else {
        message
    };
    Error::transport(url::strip_query(u), kind, message, Some(Box::new(e)))
}
