//! `--resolve host:port:address[:address_port]`: static name overrides, like
//! curl's option of the same name. The TLS server name stays the original
//! host; only the socket address changes.

use std::net::{IpAddr, SocketAddr};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use crate::error::{Error, Result};

/// One override: connections to `host:port` go to `addr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEntry {
    /// Host name as it appears in URLs.
    pub host: String,
    /// Port as it appears in URLs.
    pub port: u16,
    /// Where to connect instead.
    pub addr: SocketAddr,
}

impl ResolveEntry {
    /// Parses `host:port:address[:address_port]`. An IPv6 address is
    /// written in brackets: `h:443:[::1]:8443`.
    pub fn parse(s: &str) -> Result<ResolveEntry> {
        // The reason alone: callers name where the value came from.
        let bad = |why: &str| Error::invalid(why);
        let mut it = s.splitn(3, ':');
        let (Some(host), Some(port), Some(rest)) = (it.next(), it.next(), it.next()) else {
            return Err(bad("expecting host:port:address[:address_port]"));
        };
        if host.is_empty() {
            return Err(bad("expecting host:port:address[:address_port]"));
        }
        let port: u16 = port
            .parse()
            .map_err(|_| bad("expecting a numeric host port"))?;
        let (addr, addr_port) = if let Some(v6) = rest.strip_prefix('[') {
            let (a, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("invalid IP address"))?;
            (a, after.strip_prefix(':'))
        } else {
            match rest.split_once(':') {
                Some((a, p)) => (a, Some(p)),
                None => (rest, None),
            }
        };
        let ip: IpAddr = addr.parse().map_err(|_| bad("invalid IP address"))?;
        let addr_port = match addr_port {
            Some(p) => p
                .parse()
                .map_err(|_| bad("expecting a numeric address port"))?,
            None => port,
        };
        Ok(ResolveEntry {
            host: host.to_ascii_lowercase(),
            port,
            addr: SocketAddr::new(ip, addr_port),
        })
    }
}

/// A resolver that answers from the override table and falls back to the
/// system resolver.
#[derive(Debug)]
pub struct OverrideResolver {
    entries: Vec<ResolveEntry>,
    fallback: DefaultResolver,
}

impl OverrideResolver {
    /// A resolver with these overrides.
    pub fn new(entries: Vec<ResolveEntry>) -> Self {
        OverrideResolver {
            entries,
            fallback: DefaultResolver::default(),
        }
    }
}

impl Resolver for OverrideResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']');
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        });
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.port == port && e.host.eq_ignore_ascii_case(host))
        {
            let mut out = self.empty();
            out.push(e.addr);
            return Ok(out);
        }
        self.fallback.resolve(uri, config, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms() {
        let e = ResolveEntry::parse("reg.example:443:127.0.0.1:5000").unwrap();
        assert_eq!((e.host.as_str(), e.port), ("reg.example", 443));
        assert_eq!(e.addr, "127.0.0.1:5000".parse().unwrap());
        let e = ResolveEntry::parse("h:80:10.0.0.1").unwrap();
        assert_eq!(e.addr, "10.0.0.1:80".parse().unwrap());
        let e = ResolveEntry::parse("h:443:[::1]:8443").unwrap();
        assert_eq!(e.addr, "[::1]:8443".parse().unwrap());
        for bad in [
            "h:80",
            "h:x:1.2.3.4",
            "h:80:nope",
            "h:80:1.2.3.4:y",
            ":80:1.2.3.4",
        ] {
            assert!(ResolveEntry::parse(bad).is_err(), "{bad}");
        }
    }
}
