//! Which proxy a request goes through, chosen as Go's `net/http` chooses
//! (golang.org/x/net/http/httpproxy), so oar behaves like oras, docker and
//! skopeo on the same host: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for
//! http URLs (the upper-case name first), never one for the other;
//! `localhost` and loopback addresses always go direct; `NO_PROXY` lists
//! hosts, domains (`example.com` also covers its subdomains, `.example.com`
//! only them), `host:port`, IP addresses, CIDR ranges and `*`.
//!
//! The proxy schemes are Go's: `http`, `https`, `socks5` (the target's
//! name resolved here) and `socks5h` (resolved by the proxy), with
//! `user:password@` for SOCKS5 authentication (RFC 1929). Any other
//! scheme is an error, never a reason to connect directly: where the
//! proxy is the only sanctioned way out, a direct connection is a leak.

use std::net::IpAddr;

use ureq::ProxyProtocol;

use super::url;
use crate::error::{Error, Result};

/// The proxy `value` (a URL [`Proxies::for_url`] chose) as ureq takes it;
/// a scheme Go would not use is refused, naming it.
pub(crate) fn connector_proxy(value: &str) -> Result<ureq::Proxy> {
    let invalid = |why: String| {
        Error::other(format!(
            "invalid proxy {}: {why}",
            super::trace::mask_url(value)
        ))
    };
    let proxy = ureq::Proxy::new(value).map_err(|e| invalid(e.to_string()))?;
    match proxy.protocol() {
        ProxyProtocol::Http
        | ProxyProtocol::Https
        | ProxyProtocol::Socks5
        | ProxyProtocol::Socks5h => Ok(proxy),
        _ => Err(invalid(format!(
            "unsupported scheme {:?} (use http, https, socks5 or socks5h)",
            value.split_once("://").map_or("", |(s, _)| s)
        ))),
    }
}

/// Proxy settings: one per scheme, and the exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    http: Option<String>,
    https: Option<String>,
    no_proxy: Vec<Exception>,
    all: bool,
}

/// One `NO_PROXY` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Exception {
    /// An address, with a port or for any port.
    Ip(IpAddr, Option<u16>),
    /// A network.
    Cidr(IpAddr, u8),
    /// `.example.com` (with `also_self`, `example.com` too).
    Domain {
        suffix: String,
        also_self: bool,
        port: Option<u16>,
    },
}

/// The first of two environment variables that is set and not empty.
fn env_any(upper: &str, lower: &str) -> Option<String> {
    [upper, lower]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
}

/// A proxy value as Go reads it: `host:port` means `http://host:port`.
fn proxy_url(value: &str) -> String {
    if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    }
}

impl Proxies {
    /// No proxy at all.
    pub fn none() -> Proxies {
        Proxies::default()
    }

    /// From `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (or their lower-case
    /// names). As in Go, `HTTP_PROXY` is ignored when `REQUEST_METHOD` says
    /// the process runs as a CGI script, where a client could have set it
    /// through a `Proxy:` header.
    pub fn from_env() -> Proxies {
        let cgi = std::env::var_os("REQUEST_METHOD").is_some();
        let http = env_any("HTTP_PROXY", "http_proxy").filter(|_| !cgi);
        let https = env_any("HTTPS_PROXY", "https_proxy");
        let no_proxy = env_any("NO_PROXY", "no_proxy").unwrap_or_default();
        Proxies::new(http.as_deref(), https.as_deref(), &no_proxy)
    }

    /// Explicit settings: the proxy for http URLs, the one for https URLs,
    /// and a `NO_PROXY` list.
    pub fn new(http: Option<&str>, https: Option<&str>, no_proxy: &str) -> Proxies {
        let mut p = Proxies {
            http: http.filter(|v| !v.is_empty()).map(proxy_url),
            https: https.filter(|v| !v.is_empty()).map(proxy_url),
            ..Proxies::default()
        };
        for entry in no_proxy.split(',') {
            let entry = entry.trim().to_ascii_lowercase();
            if entry.is_empty() {
                continue;
            }
            if entry == "*" {
                p.all = true;
                continue;
            }
            if let Some(e) = Exception::parse(&entry) {
                p.no_proxy.push(e);
            }
        }
        p
    }

    /// The proxy URL for a request to `target`, if any.
    pub fn for_url(&self, target: &str) -> Option<&str> {
        let (scheme, _, _) = url::split(target)?;
        let proxy = match scheme.to_ascii_lowercase().as_str() {
            "https" => self.https.as_deref()?,
            "http" => self.http.as_deref()?,
            _ => return None,
        };
        let host = url::host(target)?.to_ascii_lowercase();
        let port = url::port(target)?;
        self.uses_proxy(&host, port).then_some(proxy)
    }

    fn uses_proxy(&self, host: &str, port: u16) -> bool {
        if host == "localhost" {
            return false;
        }
        let ip = host.parse::<IpAddr>().ok();
        if ip.is_some_and(|ip| ip.is_loopback()) || self.all {
            return false;
        }
        !self.no_proxy.iter().any(|e| e.matches(host, port, ip))
    }
}

impl Exception {
    fn parse(entry: &str) -> Option<Exception> {
        if let Some((addr, bits)) = entry.split_once('/') {
            let ip: IpAddr = addr.parse().ok()?;
            let bits: u8 = bits.parse().ok()?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return (bits <= max).then_some(Exception::Cidr(ip, bits));
        }
        let (host, port) = split_host_port(entry);
        if host.is_empty() {
            return None;
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Some(Exception::Ip(ip, port));
        }
        let host = host.strip_prefix('*').unwrap_or(host);
        let (suffix, also_self) = match host.strip_prefix('.') {
            Some(_) => (host.to_string(), false),
            None => (format!(".{host}"), true),
        };
        Some(Exception::Domain {
            suffix,
            also_self,
            port,
        })
    }

    fn matches(&self, host: &str, port: u16, ip: Option<IpAddr>) -> bool {
        let port_ok = |p: &Option<u16>| p.is_none_or(|p| p == port);
        match self {
            Exception::Ip(want, p) => ip == Some(*want) && port_ok(p),
            Exception::Cidr(net, bits) => ip.is_some_and(|ip| in_network(ip, *net, *bits)),
            Exception::Domain {
                suffix,
                also_self,
                port: p,
            } => {
                (host.ends_with(suffix.as_str()) || (*also_self && host == &suffix[1..]))
                    && port_ok(p)
            }
        }
    }
}

/// `host:port`, `[v6]:port`, or a bare host (an IPv6 address has colons
/// of its own).
fn split_host_port(entry: &str) -> (&str, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((h, tail)) => (h, tail.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (entry, None),
        };
    }
    match entry.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => match p.parse() {
            Ok(port) => (h, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (a, b, width): (u128, u128, u32) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a).into(), u32::from(b).into(), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.into(), b.into(), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    shift >= width || (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_has_its_own_proxy() {
        let p = Proxies::new(Some("hp:3128"), Some("https://sp:3129"), "");
        assert_eq!(p.for_url("http://reg.example/v2/"), Some("http://hp:3128"));
        assert_eq!(
            p.for_url("https://reg.example/v2/"),
            Some("https://sp:3129")
        );
        let only_https = Proxies::new(None, Some("sp:1"), "");
        assert_eq!(only_https.for_url("http://reg.example/v2/"), None);
    }

    #[test]
    fn loopback_always_goes_direct() {
        let p = Proxies::new(Some("hp:1"), Some("sp:1"), "");
        for u in [
            "http://localhost:5000/v2/",
            "https://127.0.0.1:5000/v2/",
            "http://[::1]:5000/v2/",
            "http://127.8.9.10/",
        ] {
            assert_eq!(p.for_url(u), None, "{u}");
        }
    }

    #[test]
    fn no_proxy_matches_as_go_does() {
        let p = Proxies::new(
            Some("hp:1"),
            Some("sp:1"),
            "example.com, .internal,10.0.0.0/8, 192.168.1.7,cache.test:8443,[2001:db8::1]:443,*.wild.org",
        );
        let direct = [
            "https://example.com/",
            "https://a.example.com/",
            "https://b.internal/",
            "https://10.2.3.4:5000/",
            "http://192.168.1.7:80/",
            "https://cache.test:8443/",
            "https://[2001:db8::1]/",
            "https://x.wild.org/",
        ];
        for u in direct {
            assert_eq!(p.for_url(u), None, "{u}");
        }
        let proxied = [
            "https://notexample.com/",
            "https://internal/",
            "https://11.0.0.1/",
            "https://cache.test/",
            "https://[2001:db8::1]:444/",
            // `*.wild.org` covers subdomains only, as in Go.
            "https://wild.org/",
        ];
        for u in proxied {
            assert!(p.for_url(u).is_some(), "{u}");
        }
        // IPv6: a network, and an address without brackets or port.
        let v6 = Proxies::new(None, Some("sp:1"), "2001:db8::/32, fd00::7");
        for u in ["https://[2001:db8:5::1]/", "https://[fd00::7]:5000/"] {
            assert_eq!(v6.for_url(u), None, "{u}");
        }
        for u in ["https://[2001:db9::1]/", "https://[fd00::8]/"] {
            assert!(v6.for_url(u).is_some(), "{u}");
        }
        let all = Proxies::new(Some("hp:1"), None, "*");
        assert_eq!(all.for_url("http://anything.example/"), None);
    }

    #[test]
    fn only_go_s_proxy_schemes_are_taken() {
        for ok in [
            "http://p:1",
            "https://p:1",
            "socks5://u:pw@p:1080",
            "socks5h://p:1080",
        ] {
            assert!(connector_proxy(ok).is_ok(), "{ok}");
        }
        for (bad, needle) in [
            ("socks4://u:pw@p:1080", "unsupported scheme \"socks4\""),
            ("socks4a://p:1080", "unsupported scheme \"socks4a\""),
            ("ftp://p:21", "invalid proxy ftp://p:21"),
        ] {
            let e = connector_proxy(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
            assert!(!e.contains("pw"), "{e}");
        }
    }
}
