//! A forwarding proxy on loopback that speaks `CONNECT` (what ureq uses
//! for every proxied request) and counts the tunnels it opens. Targets
//! named `*.test` are dialled on 127.0.0.1.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// A running proxy.
pub struct Proxy {
    /// Its port.
    pub port: u16,
    connects: Arc<AtomicU32>,
    /// The `host:port` targets asked for.
    pub targets: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// Starts the proxy.
    pub fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connects = Arc::new(AtomicU32::new(0));
        let targets = Arc::new(Mutex::new(Vec::new()));
        let (c, t) = (connects.clone(), targets.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (c, t) = (c.clone(), t.clone());
                std::thread::spawn(move || tunnel(conn, &c, &t));
            }
        });
        Proxy {
            port,
            connects,
            targets,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Tunnels opened so far.
    pub fn connects(&self) -> u32 {
        self.connects.load(Ordering::SeqCst)
    }
}

fn tunnel(client: TcpStream, count: &AtomicU32, targets: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
        let mut c = client;
        let _ = c.write_all(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    count.fetch_add(1, Ordering::SeqCst);
    targets.lock().unwrap().push(target.to_string());
    // Names under `.test` (RFC 2606) stand for this host: tests address
    // registries by name to be proxied at all, since loopback addresses
    // always go direct.
    let dial = match target.rsplit_once(':') {
        Some((host, port)) if host.ends_with(".test") => format!("127.0.0.1:{port}"),
        _ => target.to_string(),
    };
    let Ok(upstream) = TcpStream::connect(dial) else {
        let mut c = client;
        let _ = c.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let mut c = client.try_clone().unwrap();
    let _ = c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    relay(reader, client, upstream);
}

/// Copies both ways between a client (read through `reader`, whose
/// buffered bytes belong to the tunnel too) and `upstream` until both
/// ends close.
pub fn relay(reader: BufReader<TcpStream>, client: TcpStream, upstream: TcpStream) {
    let mut up_r = upstream.try_clone().unwrap();
    let mut up_w = upstream;
    let mut client_w = client;
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_r, &mut client_w);
        let _ = client_w.shutdown(std::net::Shutdown::Both);
    });
    let buffered = reader.buffer().to_vec();
    let _ = up_w.write_all(&buffered);
    let mut rest = reader.into_inner();
    let _ = std::io::copy(&mut rest, &mut up_w);
    let _ = up_w.shutdown(std::net::Shutdown::Both);
    let _ = t.join();
}
