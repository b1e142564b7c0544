//! A tiny HTTP/1.1 server for test doubles (token service, registry
//! double, redirect targets): one thread per connection, keep-alive, and a
//! handler closure, over plain TCP or TLS (which asks for a client
//! certificate and records whether one came). Every request is recorded so
//! tests can assert on what the client sent.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::registry::Certs;

/// A request as received.
#[derive(Debug, Clone)]
pub struct Req {
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// The connection ended before the whole body arrived.
    pub truncated: bool,
    /// The connection is TLS and the client presented a certificate.
    pub client_cert: bool,
}

impl Req {
    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// Every value of a query parameter, decoded.
    pub fn query_all(&self, key: &str) -> Vec<String> {
        let Some((_, q)) = self.target.split_once('?') else {
            return Vec::new();
        };
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| decode(v))
            .collect()
    }

    /// Form fields of an `application/x-www-form-urlencoded` body.
    pub fn form(&self, key: &str) -> Option<String> {
        String::from_utf8_lossy(&self.body)
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| decode(v))
    }
}

/// Percent-decoding (and `+` as space).
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// Spaces sent after the body, generated as they are written: a
    /// hostile answer of any size costs the test no memory, and JSON stays
    /// valid (trailing whitespace), so only the size is wrong with it.
    pub padding: u64,
}

impl Resp {
    /// A response with a body.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: body.into(),
            padding: 0,
        }
    }

    /// Follows the body with `bytes` spaces.
    pub fn padded(mut self, bytes: u64) -> Resp {
        self.padding = bytes;
        self
    }

    /// A JSON response.
    pub fn json(status: u16, v: &serde_json::Value) -> Resp {
        Resp::new(status, v.to_string()).header("Content-Type", "application/json")
    }

    /// Adds a header.
    pub fn header(mut self, k: &str, v: impl Into<String>) -> Resp {
        self.headers.push((k.to_string(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Req) -> Resp + Send + Sync;

/// A running server.
pub struct Server {
    /// Its port on 127.0.0.1.
    pub port: u16,
    stop: Arc<AtomicBool>,
    /// Every request received, in order.
    pub log: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    /// Starts serving `handler` on a free loopback port.
    pub fn start(handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        Server::start_with(None, handler)
    }

    /// Starts serving `handler` over TLS with `certs`' server certificate.
    /// The handshake asks for a client certificate signed by the test CA
    /// but does not require one; each request records whether one came.
    pub fn start_tls(
        certs: &Certs,
        handler: impl Fn(&Req) -> Resp + Send + Sync + 'static,
    ) -> Server {
        Server::start_with(Some(tls_config(certs)), handler)
    }

    fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Req) -> Resp + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let stop = stop.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let handler = handler.clone();
                    let log = log.clone();
                    let tls = tls.clone();
                    std::thread::spawn(move || match tls {
                        None => serve(conn, false, &*handler, &log),
                        Some(cfg) => serve_tls(conn, cfg, &*handler, &log),
                    });
                }
            });
        }
        Server { port, stop, log }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `https://127.0.0.1:<port>`.
    pub fn tls_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A copy of the requests so far.
    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Reads one request; `None` at end of stream.
pub fn read_request(r: &mut impl BufRead) -> Option<Req> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    // Keep what arrives of a cut body: a registry sees those bytes too.
    let mut body = Vec::with_capacity(len.min(64 << 20));
    let got = r.take(len as u64).read_to_end(&mut body).unwrap_or(0);
    Some(Req {
        method,
        target,
        headers,
        truncated: got < len,
        body,
        client_cert: false,
    })
}

/// Writes a response.
pub fn write_response(w: &mut impl Write, method: &str, resp: &Resp) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} X\r\n", resp.status);
    let mut has_len = false;
    for (k, v) in &resp.headers {
        has_len |= k.eq_ignore_ascii_case("content-length");
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has_len {
        let len = resp.body.len() as u64 + resp.padding;
        head.push_str(&format!("Content-Length: {len}\r\n"));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    if method != "HEAD" {
        w.write_all(&resp.body)?;
        let spaces = [b' '; 64 * 1024];
        let mut left = resp.padding;
        while left > 0 {
            let n = left.min(spaces.len() as u64);
            // A client that stops reading at its limit ends the write here.
            w.write_all(&spaces[..n as usize])?;
            left -= n;
        }
    }
    w.flush()
}

/// The TLS settings of [`Server::start_tls`].
fn tls_config(certs: &Certs) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        certs.roots().into(),
        provider.clone(),
    )
    .allow_unauthenticated()
    .build()
    .unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs.chain(), certs.private_key())
        .unwrap();
    Arc::new(cfg)
}

fn serve_tls(
    mut conn: TcpStream,
    cfg: Arc<rustls::ServerConfig>,
    handler: &Handler,
    log: &Mutex<Vec<Req>>,
) {
    let mut tls = rustls::ServerConnection::new(cfg).unwrap();
    while tls.is_handshaking() {
        if tls.complete_io(&mut conn).is_err() {
            return;
        }
    }
    let client_cert = tls.peer_certificates().is_some_and(|c| !c.is_empty());
    serve(
        rustls::StreamOwned::new(tls, conn),
        client_cert,
        handler,
        log,
    );
}

fn serve(conn: impl Read + Write, client_cert: bool, handler: &Handler, log: &Mutex<Vec<Req>>) {
    let mut reader = BufReader::new(conn);
    while let Some(mut req) = read_request(&mut reader) {
        req.client_cert = client_cert;
        log.lock().unwrap().push(req.clone());
        let mut resp = handler(&req);
        if req.truncated {
            return;
        }
        let close = req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        if close {
            resp = resp.header("Connection", "close");
        }
        if write_response(reader.get_mut(), &req.method, &resp).is_err() || close {
            return;
        }
    }
}
