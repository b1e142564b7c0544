//! Just enough URL handling for a registry client: origins, resolving a
//! `Location` or `Link` against the request URL, query strings, and the
//! percent-encoding of query values. Full URL parsing is not needed and
//! would cost a dependency.

/// Splits `scheme://authority/rest` into its three parts; `rest` keeps its
/// leading `/` (or is empty).
pub fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.is_empty() {
        return None;
    }
    Some((scheme, authority, rest))
}

/// `scheme://host[:port]`, lowercased, with the default port removed so that
/// `https://h` and `https://h:443` compare equal. Credentials never cross an
/// origin boundary.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, authority, _) = split(url)?;
    let scheme = scheme.to_ascii_lowercase();
    // Drop any userinfo; it is not part of the origin.
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_ascii_lowercase();
    let host_port = match default_port(&scheme) {
        Some(p) => host_port
            .strip_suffix(&format!(":{p}"))
            .map_or(host_port.clone(), str::to_string),
        None => host_port,
    };
    Some(format!("{scheme}://{host_port}"))
}

/// The host (brackets removed) and the port as written (maybe empty) of
/// an authority, its userinfo dropped.
fn host_and_port(authority: &str) -> Option<(&str, &str)> {
    let hp = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match hp.strip_prefix('[') {
        Some(rest) => {
            let (host, tail) = rest.split_once(']')?;
            Some((host, tail.strip_prefix(':').unwrap_or(tail)))
        }
        None => Some(hp.rsplit_once(':').unwrap_or((hp, ""))),
    }
}

/// The port a scheme implies.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// The host (without port or brackets) of an absolute URL.
pub fn host(url: &str) -> Option<String> {
    let (_, authority, _) = split(url)?;
    host_and_port(authority).map(|(h, _)| h.to_string())
}

/// The port of an absolute URL, the scheme's default when none is given.
pub fn port(url: &str) -> Option<u16> {
    let (scheme, authority, _) = split(url)?;
    match host_and_port(authority)?.1 {
        "" => default_port(scheme),
        explicit => explicit.parse().ok(),
    }
}

/// Resolves `reference` (absolute URL, absolute path, or relative path)
/// against the absolute `base` URL, as RFC 3986 does for the forms
/// registries send.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if split(reference).is_some() {
        return Some(reference.to_string());
    }
    let (scheme, authority, rest) = split(base)?;
    if let Some(net) = reference.strip_prefix("//") {
        return Some(format!("{scheme}://{net}"));
    }
    if reference.starts_with('/') {
        return Some(format!("{scheme}://{authority}{reference}"));
    }
    let path = rest.split(['?', '#']).next().unwrap_or("");
    if reference.starts_with('?') {
        return Some(format!("{scheme}://{authority}{path}{reference}"));
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    Some(format!("{scheme}://{authority}{dir}/{reference}"))
}

/// Appends `key=value` (value percent-encoded) to a URL, keeping any query
/// it already has: upload `Location`s carry state in their query.
pub fn append_query(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{key}={}", encode_component(value))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (as in form and query values).
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URL without its query string and fragment, for messages and logs
/// (presigned URLs carry secrets in the query).
pub fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_with_default_ports() {
        assert_eq!(
            origin("https://H.example:443/v2/").unwrap(),
            "https://h.example"
        );
        assert_eq!(origin("http://h:80").unwrap(), "http://h");
        assert_eq!(origin("http://h:5000/x?y").unwrap(), "http://h:5000");
        assert_eq!(origin("https://u:p@h/x").unwrap(), "https://h");
        assert_eq!(origin("http://[::1]:5000/").unwrap(), "http://[::1]:5000");
        assert_ne!(origin("http://h/").unwrap(), origin("https://h/").unwrap());
        assert!(origin("/relative").is_none());
        assert_eq!(origin("https://h:4430/").unwrap(), "https://h:4430");
    }

    #[test]
    fn hosts_and_ports() {
        assert_eq!(host("https://u:p@H.example:5000/x").unwrap(), "H.example");
        assert_eq!(host("http://[::1]:5000/").unwrap(), "::1");
        assert_eq!(port("http://[::1]:5000/"), Some(5000));
        assert_eq!(port("https://h/v2/"), Some(443));
        assert_eq!(port("http://h"), Some(80));
        assert_eq!(port("ftp://h"), None);
        assert_eq!(port("http://h:x/"), None);
        assert!(host("http://[::1/").is_none());
    }

    #[test]
    fn resolves_locations() {
        let base = "http://r:5000/v2/x/blobs/uploads/";
        assert_eq!(
            resolve(base, "/v2/x/blobs/uploads/u?_state=a").unwrap(),
            "http://r:5000/v2/x/blobs/uploads/u?_state=a"
        );
        assert_eq!(
            resolve(base, "https://s3/o?sig=1").unwrap(),
            "https://s3/o?sig=1"
        );
        assert_eq!(
            resolve(base, "u2").unwrap(),
            "http://r:5000/v2/x/blobs/uploads/u2"
        );
        assert_eq!(resolve(base, "//cdn/x").unwrap(), "http://cdn/x");
        assert_eq!(
            resolve("http://r/v2/_catalog?n=1", "?n=1&last=a").unwrap(),
            "http://r/v2/_catalog?n=1&last=a"
        );
    }

    #[test]
    fn queries() {
        assert_eq!(
            append_query("http://r/u?_state=a%2Bb", "digest", "sha256:ab"),
            "http://r/u?_state=a%2Bb&digest=sha256%3Aab"
        );
        assert_eq!(append_query("http://r/u", "n", "1"), "http://r/u?n=1");
        assert_eq!(decode_component("a%2"), "a%2");
        assert_eq!(strip_query("http://r/u?sig=secret"), "http://r/u");
        assert_eq!(host("http://[::1]:5/x").unwrap(), "::1");
        assert_eq!(host("https://a.b:5/x").unwrap(), "a.b");
    }
}
