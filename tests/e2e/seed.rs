//! Fills a registry with an OCI image layout over the distribution API,
//! independently of the client under test: every blob file of the layout,
//! then every manifest of its `index.json` (by tag when it has a
//! `org.opencontainers.image.ref.name`, else by digest), images before
//! indexes so that a registry checking an index's children finds them.
//! Zot serves a layout as it is on disk, blobs included, and answers the
//! referrers API; a registry without that API gets, when asked, the
//! referrers index of each subject under the tag schema's `sha256-<hex>`
//! tag, built the way oras-go builds it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

struct Reply {
    status: u16,
    head: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

fn request(
    port: u16,
    auth: Option<(&str, &str)>,
    method: &str,
    target: &str,
    content_type: &str,
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\nContent-Length: {}\r\nContent-Type: {content_type}\r\n",
        body.len()
    );
    if let Some((u, p)) = auth {
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
        head.push_str(&format!("Authorization: Basic {token}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply { status, head }
}

/// Uploads one blob (monolithic: POST, then PUT with the digest).
fn push_blob(port: u16, auth: Option<(&str, &str)>, repo: &str, digest: &str, data: &[u8]) {
    let r = request(
        port,
        auth,
        "POST",
        &format!("/v2/{repo}/blobs/uploads/"),
        "application/octet-stream",
        b"",
    );
    assert_eq!(r.status, 202, "starting an upload to {repo}: {}", r.head);
    let location = r.header("location").expect("upload location");
    // An absolute URL or a path: keep the path and query.
    let path = match location.split_once("://") {
        Some((_, rest)) => rest[rest.find('/').unwrap_or(rest.len())..].to_string(),
        None => location,
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = request(
        port,
        auth,
        "PUT",
        &format!("{path}{sep}digest={digest}"),
        "application/octet-stream",
        data,
    );
    assert_eq!(r.status, 201, "uploading {digest} to {repo}: {}", r.head);
}

fn push_manifest(
    port: u16,
    auth: Option<(&str, &str)>,
    repo: &str,
    reference: &str,
    media_type: &str,
    body: &[u8],
) {
    let r = request(
        port,
        auth,
        "PUT",
        &format!("/v2/{repo}/manifests/{reference}"),
        media_type,
        body,
    );
    assert_eq!(r.status, 201, "pushing {repo}:{reference}: {}", r.head);
}

/// A referrer's descriptor as oras-go writes it into a referrers index:
/// media type, digest, size, annotations and artifact type (the config's
/// media type when the manifest has none), in Go's field order.
fn referrer_descriptor(media_type: &str, digest: &str, body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    let mut artifact_type = v["artifactType"].as_str().unwrap_or("").to_string();
    if artifact_type.is_empty() && media_type == OCI_MANIFEST {
        artifact_type = v["config"]["mediaType"].as_str().unwrap_or("").to_string();
    }
    let mut s = format!(
        "{{\"mediaType\":\"{media_type}\",\"digest\":\"{digest}\",\"size\":{}",
        body.len()
    );
    if let Some(a) = v.get("annotations").filter(|a| a.is_object()) {
        s.push_str(&format!(",\"annotations\":{a}"));
    }
    if !artifact_type.is_empty() {
        s.push_str(&format!(",\"artifactType\":\"{artifact_type}\""));
    }
    s.push('}');
    s
}

/// Pushes the layout at `dir` (with the manifest list `index`) into `repo`
/// of the registry on `port`; `tag_schema` adds the referrers indexes.
pub fn push_layout(
    port: u16,
    auth: Option<(&str, &str)>,
    repo: &str,
    dir: &Path,
    index: &Path,
    tag_schema: bool,
) {
    let blobs = dir.join("blobs/sha256");
    let mut names: Vec<String> = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for hex in &names {
        let data = std::fs::read(blobs.join(hex)).unwrap();
        push_blob(port, auth, repo, &format!("sha256:{hex}"), &data);
    }
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(index).unwrap()).unwrap();
    let entries = index["manifests"].as_array().cloned().unwrap_or_default();
    let mut ordered: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|d| d["mediaType"] != OCI_INDEX)
        .collect();
    ordered.extend(entries.iter().filter(|d| d["mediaType"] == OCI_INDEX));
    // Subject digest → referrer descriptors, in layout order.
    let mut referrers: Vec<(String, Vec<String>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in ordered {
        let digest = d["digest"].as_str().unwrap();
        let media_type = d["mediaType"].as_str().unwrap();
        let body = std::fs::read(blobs.join(digest.trim_start_matches("sha256:"))).unwrap();
        let reference = d["annotations"]["org.opencontainers.image.ref.name"]
            .as_str()
            .unwrap_or(digest);
        push_manifest(port, auth, repo, reference, media_type, &body);
        if !seen.insert(digest.to_string()) {
            continue;
        }
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if let Some(subject) = v["subject"]["digest"].as_str() {
            let desc = referrer_descriptor(media_type, digest, &body);
            match referrers.iter_mut().find(|(s, _)| s == subject) {
                Some((_, list)) => list.push(desc),
                None => referrers.push((subject.to_string(), vec![desc])),
            }
        }
    }
    if tag_schema {
        for (subject, list) in referrers {
            let body = format!(
                "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_INDEX}\",\"manifests\":[{}]}}",
                list.join(",")
            );
            push_manifest(
                port,
                auth,
                repo,
                &subject.replacen(':', "-", 1),
                OCI_INDEX,
                body.as_bytes(),
            );
        }
    }
}
