//! Masking secrets before requests and responses are reported to the
//! diagnostics hook (`--debug`). Masked are `Authorization`,
//! `Proxy-Authorization`, cookies, any header whose name marks a secret
//! (`-H "X-Api-Key: …"`), and query values of URLs except a few harmless
//! parameters, because presigned download URLs and upload states carry
//! credentials in their query, and the `user:password@` part of URLs
//! (a redirect to `https://user:pw@mirror/…`, a proxy URL). Bodies are
//! never reported, so token responses cannot leak.

use super::url;

const MASK: &str = "*****";

/// Query parameters safe to show.
const SAFE_PARAMS: &[&str] = &[
    "n",
    "last",
    "digest",
    "mount",
    "from",
    "service",
    "scope",
    "artifactType",
];

/// Masks the userinfo (`user:password@`, whole: a username can be a
/// token) and the values of non-safe query parameters, in an absolute
/// URL or a scheme-relative one (`//user:pw@host/…`, a `Location`).
pub fn mask_url(u: &str) -> String {
    let u = mask_userinfo(u);
    let Some((base, query)) = u.split_once('?') else {
        return u;
    };
    let masked: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if SAFE_PARAMS.contains(&url::decode_component(k).as_str()) => {
                format!("{k}={v}")
            }
            Some((k, _)) => format!("{k}={MASK}"),
            None => kv.to_string(),
        })
        .collect();
    format!("{base}?{}", masked.join("&"))
}

/// `u` with its userinfo, if any, replaced by the mask.
fn mask_userinfo(u: &str) -> String {
    let (head, authority, rest) = match (url::split(u), u.strip_prefix("//")) {
        (Some((scheme, authority, rest)), _) => (format!("{scheme}://"), authority, rest),
        (None, Some(after)) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let (authority, rest) = after.split_at(end);
            ("//".to_string(), authority, rest)
        }
        (None, None) => return u.to_string(),
    };
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{head}{MASK}@{host}{rest}"),
        None => u.to_string(),
    }
}

/// Parts of header names that mark a secret value (`X-Api-Key`,
/// `X-Auth-Token`, `Private-Token`, `X-Registry-Password`, …).
const SECRET_NAME_PARTS: &[&str] = &[
    "auth",
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "cookie",
    "session",
    "signature",
    "credential",
];

/// A header value as it may be shown: credentials and cookies are masked
/// whole, as oras masks them; so is any header whose name marks a secret
/// (custom `-H` headers such as `X-Api-Key` included), while plain ones
/// (`-H "Foo: bar"`) stay readable, as oras shows them. URLs in
/// `Location` and `Link` lose their secret query values.
pub(crate) fn mask_header(name: &str, value: &str) -> String {
    let lname = name.to_ascii_lowercase();
    match lname.as_str() {
        "location" | "content-location" | "link" => mask_url(value),
        // Challenges name a realm and scopes, no secret.
        "www-authenticate" | "proxy-authenticate" => value.to_string(),
        _ if SECRET_NAME_PARTS.iter().any(|p| lname.contains(p)) => MASK.to_string(),
        _ => value.to_string(),
    }
}

/// Every header of a list, masked by [`mask_header`].
pub(crate) fn mask_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.clone(), mask_header(k, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets() {
        assert_eq!(mask_header("Authorization", "Bearer abc.def"), "*****");
        assert_eq!(mask_header("authorization", "Basic dXNlcjpwYXNz"), "*****");
        assert_eq!(mask_header("Proxy-Authorization", "Basic eA=="), "*****");
        assert_eq!(mask_header("X-Api-Key", "s3cret"), "*****");
        assert_eq!(mask_header("Private-Token", "glpat-1"), "*****");
        assert_eq!(mask_header("Set-Cookie", "a=b"), "*****");
        assert_eq!(mask_header("Content-Type", "a/b"), "a/b");
        assert_eq!(mask_header("Foo", "bar"), "bar");
        assert_eq!(
            mask_header("WWW-Authenticate", "Bearer realm=\"r\""),
            "Bearer realm=\"r\""
        );
        assert_eq!(
            mask_url("https://s3/o?X-Amz-Signature=abc&n=5&last=x"),
            "https://s3/o?X-Amz-Signature=*****&n=5&last=x"
        );
        assert_eq!(
            mask_header("Location", "/v2/x/uploads/u?_state=zzz"),
            "/v2/x/uploads/u?_state=*****"
        );
    }

    #[test]
    fn userinfo_is_masked_whole() {
        for (raw, masked) in [
            (
                "https://alice:s3cret@mirror.example/v2/x/blobs/d?n=1",
                "https://*****@mirror.example/v2/x/blobs/d?n=1",
            ),
            (
                "//tok@mirror.example:5000/b?sig=1",
                "//*****@mirror.example:5000/b?sig=*****",
            ),
            (
                "socks5h://u:p%40ss@proxy:1080",
                "socks5h://*****@proxy:1080",
            ),
            // An `@` past the authority is not userinfo.
            ("https://h/v2/a@b", "https://h/v2/a@b"),
            ("/v2/x?last=a@b", "/v2/x?last=a@b"),
        ] {
            assert_eq!(mask_url(raw), masked, "{raw}");
        }
    }
}
