//! A SOCKS5 proxy on loopback (RFC 1928, with the username/password
//! method of RFC 1929 when it is given credentials), for the proxy tests.
//! It records what each client asked for, and dials every target on
//! 127.0.0.1: names under `.test`, and the addresses 127.0.0.2–127.255.255.255
//! where nothing listens, so that only a connection through it can reach
//! a registry on 127.0.0.1.

#![allow(dead_code)]

use std::io::{BufReader, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What one client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The target as sent: `name:port` (a name for the proxy to resolve)
    /// or `ip:port`.
    pub target: String,
    /// The username and password, when the client authenticated.
    pub login: Option<(String, String)>,
}

/// A running SOCKS5 proxy.
pub struct Socks {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Every CONNECT asked for, in order (refused ones too).
    pub asks: Arc<Mutex<Vec<Ask>>>,
}

impl Socks {
    /// Starts a proxy; with `login`, it takes only that username and
    /// password.
    pub fn start(login: Option<(&str, &str)>) -> Socks {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let asks = Arc::new(Mutex::new(Vec::new()));
        let login = login.map(|(u, p)| (u.to_string(), p.to_string()));
        let a = asks.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (a, login) = (a.clone(), login.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, login.as_ref(), &a);
                });
            }
        });
        Socks { port, asks }
    }

    /// `<scheme>://[userinfo@]127.0.0.1:<port>`.
    pub fn url(&self, scheme: &str, userinfo: &str) -> String {
        format!("{scheme}://{userinfo}127.0.0.1:{}", self.port)
    }

    /// A copy of what clients asked for.
    pub fn asks(&self) -> Vec<Ask> {
        self.asks.lock().unwrap().clone()
    }
}

fn read_vec(r: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut v = vec![0; n];
    r.read_exact(&mut v)?;
    Ok(v)
}

fn read_byte(r: &mut impl Read) -> std::io::Result<u8> {
    Ok(read_vec(r, 1)?[0])
}

/// A length-prefixed field (RFC 1929, a domain name of RFC 1928).
fn read_field(r: &mut impl Read) -> std::io::Result<String> {
    let n = read_byte(r)? as usize;
    Ok(String::from_utf8_lossy(&read_vec(r, n)?).into_owned())
}

fn serve(
    client: TcpStream,
    login: Option<&(String, String)>,
    asks: &Mutex<Vec<Ask>>,
) -> std::io::Result<()> {
    let mut r = BufReader::new(client.try_clone()?);
    let mut w = client.try_clone()?;
    if read_byte(&mut r)? != 5 {
        return Ok(());
    }
    let n = read_byte(&mut r)? as usize;
    let methods = read_vec(&mut r, n)?;
    let mut sent_login = None;
    match login {
        Some(want) => {
            if !methods.contains(&2) {
                return w.write_all(&[5, 0xff]);
            }
            w.write_all(&[5, 2])?;
            let _version = read_byte(&mut r)?;
            let got = (read_field(&mut r)?, read_field(&mut r)?);
            let ok = got == *want;
            sent_login = Some(got);
            w.write_all(&[1, if ok { 0 } else { 1 }])?;
            if !ok {
                return Ok(());
            }
        }
        None => w.write_all(&[5, 0])?,
    }
    let head = read_vec(&mut r, 4)?;
    let host = match head[3] {
        1 => Ipv4Addr::from(<[u8; 4]>::try_from(read_vec(&mut r, 4)?).unwrap()).to_string(),
        4 => format!(
            "[{}]",
            Ipv6Addr::from(<[u8; 16]>::try_from(read_vec(&mut r, 16)?).unwrap())
        ),
        _ => read_field(&mut r)?,
    };
    let port = u16::from_be_bytes(<[u8; 2]>::try_from(read_vec(&mut r, 2)?).unwrap());
    asks.lock().unwrap().push(Ask {
        target: format!("{host}:{port}"),
        login: sent_login,
    });
    let local = host.ends_with(".test") || host.starts_with("127.");
    let dial = if local {
        format!("127.0.0.1:{port}")
    } else {
        format!("{host}:{port}")
    };
    let Ok(upstream) = TcpStream::connect(dial) else {
        // Host unreachable.
        return w.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0]);
    };
    w.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    super::proxy::relay(r, client, upstream);
    Ok(())
}
