//! Paginated lists (tags, repositories) and the `Link` headers (RFC 8288)
//! registries page them with: `</v2/_catalog?last=b&n=2>; rel="next"`.
//! Only the `next` target is needed, and it is followed only on the
//! origin that sent it.

use super::{MAX_PAGES, expect};
use crate::content::MAX_LIST_ENTRIES;
use crate::error::{Error, Missing, Result};
use crate::http::{Request, Response, url};
use crate::manifest::MAX_MANIFEST_SIZE;

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

/// Walks a paginated list from `url` (after `last`), handing each page's
/// entries to `page`: at most [`MAX_PAGES`] pages and
/// [`MAX_LIST_ENTRIES`] entries, each page read to [`MAX_MANIFEST_SIZE`]
/// at most, so memory stays at one page. A 404 is [`Error::NotFound`]
/// naming `what`.
pub(crate) fn walk_pages(
    mut url: String,
    last: &str,
    what: &str,
    send: &dyn Fn(Request<'_>) -> Result<Response>,
    parse: &dyn Fn(&[u8]) -> serde_json::Result<Vec<String>>,
    page: &mut dyn FnMut(Vec<String>) -> Result<()>,
) -> Result<()> {
    if !last.is_empty() {
        url = url::append_query(&url, "last", last);
    }
    let mut total = 0u64;
    for _ in 0..MAX_PAGES {
        let resp = send(Request::new("GET", &url))?;
        if resp.status == 404 {
            resp.discard();
            return Err(Error::not_found(Missing::Repository, what));
        }
        let resp = expect(resp, &[200])?;
        let next = next_page(&resp.url, resp.header("link"))?;
        let body = resp.read_limited(MAX_MANIFEST_SIZE, what)?;
        let entries = parse(&body).map_err(|e| Error::Protocol(format!("invalid {what}: {e}")))?;
        total += entries.len() as u64;
        if total > MAX_LIST_ENTRIES {
            return Err(Error::TooLarge {
                what: format!("{what} (entries)"),
                limit: MAX_LIST_ENTRIES,
            });
        }
        page(entries)?;
        match next {
            Some(n) => url = n,
            None => return Ok(()),
        }
    }
    Err(Error::Protocol(format!(
        "{what} longer than {MAX_PAGES} pages"
    )))
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
