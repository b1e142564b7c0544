//! The `--debug` trace: each request and response on stderr, with secrets
//! masked. Masked are `Authorization` and `Proxy-Authorization` (the scheme
//! stays visible), cookies, every `-H` header value, and query values of
//! URLs except a few harmless parameters, because presigned download URLs
//! and upload states carry credentials in their query. Bodies are never
//! printed, so token responses cannot leak.

use std::io::Write;
use std::time::Duration;

use super::url;
use crate::text::escape_controls;

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

/// Prints the trace when enabled.
#[derive(Debug, Clone, Default)]
pub struct Tracer {
    /// Print requests and responses.
    pub debug: bool,
    /// Print retries and resumes (`-v` or `--debug`).
    pub verbose: bool,
    /// Lower-case names of user-supplied `-H` headers, whose values are
    /// masked.
    pub custom_headers: Vec<String>,
}

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

impl Tracer {
    fn header_value(&self, name: &str, value: &str) -> String {
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

    /// Traces an outgoing request.
    pub fn request(&self, method: &str, u: &str, headers: &[(String, String)]) {
        if !self.debug {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "[debug] > {method} {}", escape_controls(&mask_url(u)));
        for (k, v) in headers {
            let _ = writeln!(
                err,
                "[debug] > {k}: {}",
                escape_controls(&self.header_value(k, v))
            );
        }
    }

    /// Traces a response's status line and headers.
    pub fn response<'a>(
        &self,
        status: u16,
        headers: impl Iterator<Item = (&'a str, &'a str)>,
        elapsed: Duration,
    ) {
        if !self.debug {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "[debug] < {status} ({} ms)", elapsed.as_millis());
        for (k, v) in headers {
            let _ = writeln!(
                err,
                "[debug] < {k}: {}",
                escape_controls(&self.header_value(k, v))
            );
        }
    }

    /// A note for `-v` and `--debug`: retries, resumes, fallbacks.
    pub fn note(&self, msg: &str) {
        if self.debug || self.verbose {
            let _ = writeln!(std::io::stderr().lock(), "[info] {}", escape_controls(msg));
        }
    }

    /// A note only for `--debug`.
    pub fn debug(&self, msg: &str) {
        if self.debug {
            let _ = writeln!(std::io::stderr().lock(), "[debug] {}", escape_controls(msg));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets() {
        let t = Tracer {
            debug: true,
            verbose: false,
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
