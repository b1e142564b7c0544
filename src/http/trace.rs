//! Masking secrets before requests and responses are reported to the
//! diagnostics hook (`--debug`). Masked are `Authorization` and
//! `Proxy-Authorization` (the scheme stays visible), cookies, every `-H`
//! header value, and query values of URLs except a few harmless
//! parameters, because presigned download URLs and upload states carry
//! credentials in their query. Bodies are never reported, so token
//! responses cannot leak.

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

/// Masks the values of non-safe query parameters.
pub fn mask_url(u: &str) -> String {
    let Some((base, query)) = u.split_once('?') else {
        return u.to_string();
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

/// Masks header values for one client: the fixed rules, plus the user's
/// own headers (`-H`), whose values may be secrets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Masker {
    /// Lower-case names of user-supplied headers.
    pub(crate) custom_headers: Vec<String>,
}

impl Masker {
    pub(crate) fn header_value(&self, name: &str, value: &str) -> String {
        let lname = name.to_ascii_lowercase();
        match lname.as_str() {
            "authorization" | "proxy-authorization" => match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} {MASK}"),
                None => MASK.to_string(),
            },
            "cookie" | "set-cookie" => MASK.to_string(),
            "location" | "content-location" => mask_url(value),
            "link" => mask_url(value),
            _ if self.custom_headers.contains(&lname) => MASK.to_string(),
            _ => value.to_string(),
        }
    }

    pub(crate) fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| (k.clone(), self.header_value(k, v)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets() {
        let t = Masker {
            custom_headers: vec!["x-api-key".into()],
        };
        assert_eq!(
            t.header_value("Authorization", "Bearer abc.def"),
            "Bearer *****"
        );
        assert_eq!(
            t.header_value("authorization", "Basic dXNlcjpwYXNz"),
            "Basic *****"
        );
        assert_eq!(t.header_value("X-Api-Key", "s3cret"), "*****");
        assert_eq!(t.header_value("Set-Cookie", "a=b"), "*****");
        assert_eq!(t.header_value("Content-Type", "a/b"), "a/b");
        assert_eq!(
            mask_url("https://s3/o?X-Amz-Signature=abc&n=5&last=x"),
            "https://s3/o?X-Amz-Signature=*****&n=5&last=x"
        );
        assert_eq!(
            t.header_value("Location", "/v2/x/uploads/u?_state=zzz"),
            "/v2/x/uploads/u?_state=*****"
        );
    }
}
