//! A registry double, for what Debian's registry cannot do: the referrers
//! API (with `OCI-Filters-Applied` and `Link` paging), the `OCI-Subject`
//! answer to a subject push, and hostile answers (bodies past the client's
//! limits, redirect chains). It keeps everything in memory and records
//! every request. Blob and manifest handling is deliberately plain: the
//! real registry covers the rest.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::http::{Req, Resp, Server};
use super::sha256_hex;

/// Behaviour switches.
#[derive(Clone, Default)]
pub struct Config {
    /// Serve `GET /v2/<name>/referrers/<digest>`.
    pub referrers_api: bool,
    /// Entries per referrers page (0: one page).
    pub page_size: usize,
    /// Apply the `artifactType` filter server-side and say so.
    pub filter: bool,
    /// Hostile: list every referrer as a referrer of every subject, so
    /// that a referrer refers to itself (a cycle).
    pub cycle: bool,
    /// Hostile: this answer is followed by [`OVERSIZE`] bytes of padding.
    pub oversized: Option<Oversized>,
    /// Hostile: a blob `GET` is redirected this many times (within the
    /// double) before the blob is served.
    pub redirects: usize,
    /// Hostile: `(bad, good)`: every tag list also names the tag `bad`
    /// (say `../../x/manifests/latest`), and a manifest request for it is
    /// answered as one for `good`, so a client that trusts the list can
    /// resolve and copy it.
    pub alias: Option<(String, String)>,
}

/// The answers [`Config::oversized`] can blow up. Each stays valid JSON
/// (the padding is whitespace): only its size is wrong, so a client
/// without the limit would take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oversized {
    /// `GET` of a manifest.
    Manifest,
    /// `GET` of a tag list.
    TagList,
    /// `GET` of a referrers list.
    Referrers,
    /// Every manifest request fails with `403 DENIED` and a padded error
    /// body.
    ErrorBody,
    /// Every request wants a bearer token, and the double's own token
    /// realm answers with a padded token.
    Token,
}

/// Padding of an oversized answer: 64 MiB, far past every limit, so a
/// client that read it whole could not stay within a small memory bound.
pub const OVERSIZE: u64 = 64 * 1024 * 1024;

#[derive(Default)]
struct State {
    blobs: HashMap<String, Vec<u8>>,
    manifests: HashMap<String, (String, Vec<u8>)>,
    tags: HashMap<(String, String), String>,
    uploads: HashMap<String, Vec<u8>>,
    next_upload: u64,
}

/// A running double.
pub struct Double {
    /// The HTTP server (its log holds every request).
    pub server: Server,
}

const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn split(path: &str) -> Option<(String, &'static str, String)> {
    let rest = path.strip_prefix("/v2/")?;
    for kind in [
        "/blobs/uploads/",
        "/blobs/",
        "/manifests/",
        "/referrers/",
        "/tags/list",
    ] {
        if let Some(i) = rest.rfind(kind) {
            let name = rest[..i].to_string();
            let arg = rest[i + kind.len()..].to_string();
            let k: &'static str = match kind {
                "/blobs/uploads/" => "uploads",
                "/blobs/" => "blobs",
                "/manifests/" => "manifests",
                "/referrers/" => "referrers",
                _ => "tags",
            };
            return Some((name, k, arg));
        }
    }
    None
}

impl Double {
    /// Starts a double.
    pub fn start(cfg: Config) -> Double {
        let state = Arc::new(Mutex::new(State::default()));
        let server = Server::start(move |req| handle(&cfg, &mut state.lock().unwrap(), req));
        Double { server }
    }

    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        self.server.host()
    }

    /// Requests whose path contains `needle`.
    pub fn count(&self, method: &str, needle: &str) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.method == method && r.target.contains(needle))
            .count()
    }
}

/// The padding `what` gets under `cfg`.
fn padding(cfg: &Config, what: Oversized) -> u64 {
    if cfg.oversized == Some(what) {
        OVERSIZE
    } else {
        0
    }
}

fn handle(cfg: &Config, st: &mut State, req: &Req) -> Resp {
    if cfg.oversized == Some(Oversized::Token) {
        if req.path() == "/token" {
            return Resp::json(200, &serde_json::json!({"token": "double-token"})).padded(OVERSIZE);
        }
        if !req
            .header("authorization")
            .is_some_and(|a| a.starts_with("Bearer "))
        {
            // The realm is the double itself, on loopback like the registry.
            let realm = format!("http://{}/token", req.header("host").unwrap_or_default());
            return Resp::json(
                401,
                &serde_json::json!({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}),
            )
            .header(
                "WWW-Authenticate",
                format!("Bearer realm=\"{realm}\",service=\"double\""),
            );
        }
    }
    if req.path() == "/v2/" {
        return Resp::json(200, &serde_json::json!({}));
    }
    if let Some(hop) = req.path().strip_prefix("/hop/") {
        return redirect_hop(cfg, st, hop);
    }
    let aliased = cfg.alias.as_ref().and_then(|(bad, good)| {
        let name = req
            .path()
            .strip_prefix("/v2/")?
            .strip_suffix(&format!("/manifests/{bad}"))?;
        Some((name.to_string(), "manifests", good.clone()))
    });
    let Some((name, kind, arg)) = aliased.or_else(|| split(req.path())) else {
        return Resp::new(404, "not found");
    };
    if kind == "manifests" && cfg.oversized == Some(Oversized::ErrorBody) {
        return Resp::json(
            403,
            &serde_json::json!({"errors":[{"code":"DENIED","message":"denied by the double"}]}),
        )
        .padded(OVERSIZE);
    }
    match (req.method.as_str(), kind) {
        ("GET", "blobs") if cfg.redirects > 0 => {
            Resp::new(307, "").header("Location", format!("/hop/1/{arg}"))
        }
        ("HEAD" | "GET", "blobs") => match st.blobs.get(&arg) {
            Some(b) => Resp::new(200, b.clone()).header("Docker-Content-Digest", arg.clone()),
            None => Resp::json(
                404,
                &serde_json::json!({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}),
            ),
        },
        ("POST", "uploads") => {
            let mount = req.query_all("mount");
            if let Some(d) = mount.first()
                && st.blobs.contains_key(d)
            {
                return Resp::new(201, "").header("Location", format!("/v2/{name}/blobs/{d}"));
            }
            st.next_upload += 1;
            let id = format!("u{}", st.next_upload);
            st.uploads.insert(id.clone(), Vec::new());
            Resp::new(202, "").header(
                "Location",
                format!("/v2/{name}/blobs/uploads/{id}?_state=opaque"),
            )
        }
        ("GET", "uploads") => {
            let Some(buf) = st.uploads.get(&arg) else {
                return Resp::json(
                    404,
                    &serde_json::json!({"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"blob upload unknown"}]}),
                );
            };
            Resp::new(204, "")
                .header(
                    "Location",
                    format!("/v2/{name}/blobs/uploads/{arg}?_state=opaque"),
                )
                .header("Range", format!("0-{}", buf.len().saturating_sub(1)))
        }
        ("PATCH", "uploads") => {
            let Some(buf) = st.uploads.get_mut(&arg) else {
                return Resp::new(404, "");
            };
            // Chunks must continue where the session stands.
            let start = req
                .header("content-range")
                .and_then(|r| r.split('-').next()?.parse::<usize>().ok());
            if start.is_some_and(|s| s != buf.len()) {
                return Resp::new(416, "")
                    .header("Range", format!("0-{}", buf.len().saturating_sub(1)));
            }
            // Bytes of a cut request are kept, as a real registry does.
            buf.extend_from_slice(&req.body);
            let end = buf.len();
            Resp::new(202, "")
                .header(
                    "Location",
                    format!("/v2/{name}/blobs/uploads/{arg}?_state=opaque"),
                )
                .header("Range", format!("0-{}", end.saturating_sub(1)))
        }
        ("PUT", "uploads") => {
            let Some(mut buf) = st.uploads.remove(&arg) else {
                return Resp::new(404, "");
            };
            buf.extend_from_slice(&req.body);
            let digest = req.query_all("digest").pop().unwrap_or_default();
            if format!("sha256:{}", sha256_hex(&buf)) != digest {
                return Resp::json(
                    400,
                    &serde_json::json!({"errors":[{"code":"DIGEST_INVALID","message":"digest invalid"}]}),
                );
            }
            st.blobs.insert(digest.clone(), buf);
            Resp::new(201, "").header("Location", format!("/v2/{name}/blobs/{digest}"))
        }
        ("PUT", "manifests") => {
            let digest = format!("sha256:{}", sha256_hex(&req.body));
            let mt = req.header("content-type").unwrap_or("").to_string();
            st.manifests.insert(digest.clone(), (mt, req.body.clone()));
            if !arg.starts_with("sha256:") {
                st.tags.insert((name.clone(), arg.clone()), digest.clone());
            }
            let mut resp = Resp::new(201, "").header("Docker-Content-Digest", digest.clone());
            let v: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
            if let Some(subject) = v["subject"]["digest"].as_str() {
                resp = resp.header("OCI-Subject", subject);
            }
            resp
        }
        ("HEAD" | "GET", "manifests") => {
            let digest = if arg.starts_with("sha256:") {
                Some(arg.clone())
            } else {
                st.tags.get(&(name.clone(), arg.clone())).cloned()
            };
            match digest.and_then(|d| st.manifests.get(&d).map(|m| (d, m.clone()))) {
                Some((d, (mt, body))) => Resp::new(200, body)
                    .header("Content-Type", mt)
                    .header("Docker-Content-Digest", d)
                    .padded(padding(cfg, Oversized::Manifest)),
                None => Resp::json(
                    404,
                    &serde_json::json!({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}),
                ),
            }
        }
        ("DELETE", "manifests") => {
            if st.manifests.remove(&arg).is_some() {
                st.tags.retain(|_, d| *d != arg);
                Resp::new(202, "")
            } else {
                Resp::new(404, "")
            }
        }
        ("GET", "tags") => {
            let tags: Vec<String> = st
                .tags
                .keys()
                .filter(|(n, _)| *n == name)
                .map(|(_, t)| t.clone())
                .chain(cfg.alias.iter().map(|(bad, _)| bad.clone()))
                .collect();
            Resp::json(200, &serde_json::json!({"name": name, "tags": tags}))
                .padded(padding(cfg, Oversized::TagList))
        }
        ("GET", "referrers") if cfg.referrers_api => referrers(cfg, st, &name, &arg, req),
        _ => Resp::new(404, "page not found").header("Content-Type", "text/plain"),
    }
}

/// `/hop/<n>/<digest>`: redirect `n` of a chain, or the blob once the
/// chain is [`Config::redirects`] long.
fn redirect_hop(cfg: &Config, st: &State, hop: &str) -> Resp {
    let Some((n, digest)) = hop.split_once('/') else {
        return Resp::new(404, "not found");
    };
    let n: usize = n.parse().unwrap_or(usize::MAX);
    if n < cfg.redirects {
        return Resp::new(307, "").header("Location", format!("/hop/{}/{digest}", n + 1));
    }
    match st.blobs.get(digest) {
        Some(b) => Resp::new(200, b.clone()),
        None => Resp::new(404, "not found"),
    }
}

fn referrers(cfg: &Config, st: &State, name: &str, subject: &str, req: &Req) -> Resp {
    let wanted = req.query_all("artifactType").pop();
    let mut all: Vec<serde_json::Value> = Vec::new();
    let mut digests: Vec<&String> = st.manifests.keys().collect();
    digests.sort();
    for d in digests {
        let (mt, body) = &st.manifests[d];
        let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let refers = if cfg.cycle {
            v.get("subject").is_some()
        } else {
            v["subject"]["digest"].as_str() == Some(subject)
        };
        if !refers {
            continue;
        }
        let at = v["artifactType"]
            .as_str()
            .or_else(|| v["config"]["mediaType"].as_str())
            .unwrap_or("")
            .to_string();
        if cfg.filter && wanted.as_ref().is_some_and(|w| *w != at) {
            continue;
        }
        let mut e = serde_json::json!({"mediaType": mt, "digest": d, "size": body.len(), "artifactType": at});
        if let Some(a) = v.get("annotations") {
            e["annotations"] = a.clone();
        }
        all.push(e);
    }
    let start: usize = req
        .query_all("page")
        .pop()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let size = if cfg.page_size == 0 {
        all.len().max(1)
    } else {
        cfg.page_size
    };
    let page: Vec<_> = all.iter().skip(start * size).take(size).cloned().collect();
    let body = serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": page});
    let mut resp = Resp::new(200, body.to_string())
        .header("Content-Type", OCI_INDEX)
        .padded(padding(cfg, Oversized::Referrers));
    if cfg.filter && wanted.is_some() {
        resp = resp.header("OCI-Filters-Applied", "artifactType");
    }
    if (start + 1) * size < all.len() {
        let mut next = format!("/v2/{name}/referrers/{subject}?page={}", start + 1);
        if let Some(w) = wanted {
            next.push_str(&format!("&artifactType={w}"));
        }
        resp = resp.header("Link", format!("<{next}>; rel=\"next\""));
    }
    resp
}
