//! URL builders for the distribution API, one function per endpoint
//! (OCI distribution spec v1.1, "Endpoints"). Paths are built from
//! validated repository names, tags and digests, so they need no escaping.

/// `GET /v2/`: API version check (end-1).
pub fn base(origin: &str) -> String {
    format!("{origin}/v2/")
}

/// `/v2/<name>/blobs/<digest>`: blob fetch, check, delete (end-2, end-10).
pub fn blob(origin: &str, repo: &str, digest: &str) -> String {
    format!("{origin}/v2/{repo}/blobs/{digest}")
}

/// `POST /v2/<name>/blobs/uploads/`: start an upload (end-4a).
pub fn uploads(origin: &str, repo: &str) -> String {
    format!("{origin}/v2/{repo}/blobs/uploads/")
}

/// `/v2/<name>/manifests/<reference>`: manifest fetch, check, push, delete
/// (end-3, end-7, end-9).
pub fn manifest(origin: &str, repo: &str, reference: &str) -> String {
    format!("{origin}/v2/{repo}/manifests/{reference}")
}

/// `GET /v2/<name>/tags/list` (end-8a).
pub fn tags(origin: &str, repo: &str) -> String {
    format!("{origin}/v2/{repo}/tags/list")
}

/// `GET /v2/<name>/referrers/<digest>` (end-12a).
pub fn referrers(origin: &str, repo: &str, digest: &str) -> String {
    format!("{origin}/v2/{repo}/referrers/{digest}")
}

/// `GET /v2/_catalog` (Docker registry API, not in the OCI spec).
pub fn catalog(origin: &str) -> String {
    format!("{origin}/v2/_catalog")
}
