//! `Link` headers (RFC 8288) as registries use them for pagination:
//! `</v2/_catalog?last=b&n=2>; rel="next"`. Only the `next` target is
//! needed, and it is followed only on the origin that sent it.

use crate::error::{Error, Result};
use crate::http::url;

/// The `rel="next"` target of a `Link` header value, if any.
pub fn next_target(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        let after = &rest[end + 1..];
        // Parameters run until the next link (a `,` followed by `<`).
        let params_end = after
            .find(",")
            .filter(|&i| after[i + 1..].trim_start().starts_with('<'));
        let params = &after[..params_end.unwrap_or(after.len())];
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("rel")
                    && v.trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(target.to_string());
        }
        rest = &after[params_end.map(|i| i + 1)?..];
    }
}

/// Resolves the next page of a paginated response, refusing targets on
/// another origin (a hostile registry must not turn the client into a
/// request forwarder).
pub fn next_page(current_url: &str, header: Option<&str>) -> Result<Option<String>> {
    let Some(target) = header.and_then(next_target) else {
        return Ok(None);
    };
    let next = url::resolve(current_url, &target)
        .ok_or_else(|| Error::Protocol(format!("invalid Link target {target:?}")))?;
    if url::origin(&next) != url::origin(current_url) {
        return Err(Error::Protocol(format!(
            "refusing to follow a Link to another origin: {}",
            url::strip_query(&next)
        )));
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_next() {
        assert_eq!(
            next_target(r#"</v2/_catalog?last=b&n=2>; rel="next""#).unwrap(),
            "/v2/_catalog?last=b&n=2"
        );
        assert_eq!(
            next_target(r#"<a>; rel="prev", <b>; rel=next"#).unwrap(),
            "b"
        );
        assert_eq!(
            next_target(r#"<a,b>; title="x, y"; rel="next""#).unwrap(),
            "a,b"
        );
        assert!(next_target(r#"<a>; rel="prev""#).is_none());
        assert!(next_target("garbage").is_none());
        assert!(next_target("<unterminated; rel=next").is_none());
    }

    #[test]
    fn stays_on_origin() {
        let cur = "http://r:5000/v2/_catalog?n=2";
        assert_eq!(
            next_page(cur, Some(r#"</v2/_catalog?last=b&n=2>; rel="next""#))
                .unwrap()
                .unwrap(),
            "http://r:5000/v2/_catalog?last=b&n=2"
        );
        assert!(next_page(cur, Some(r#"<http://evil/v2/_catalog>; rel="next""#)).is_err());
        assert!(next_page(cur, None).unwrap().is_none());
    }
}
