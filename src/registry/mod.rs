//! A registry over HTTP (OCI distribution spec v1.1), as a store.
//!
//! [`Registry`] is one host with one credential source: it owns the auth
//! client, and so the token cache. [`Repository`] is one repository on it
//! and implements the storage traits: blobs are streamed up and down,
//! manifests are bounded reads. Each request names the scopes it needs;
//! a command can widen them up front ([`Repository::hint_actions`]) so
//! that a push gets one `pull,push` token instead of two tokens.

mod blobs;
pub(crate) mod endpoints;
pub(crate) mod link;
pub mod locations;
mod manifests;
pub(crate) mod range;
pub mod referrers;
mod upload;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::auth::{AuthClient, Scopes};
use crate::content::{Deleter, TagLister, Target};
use crate::credentials::store::Store;
use crate::credentials::{Credential, CredentialSource, StaticCredential};
use crate::descriptor::Descriptor;
use crate::error::{Error, Missing, Result};
use crate::http::{Client, HttpOptions, Request, Response};
use crate::reference::{registry_host, validate_registry};

pub use locations::BlobLocations;
pub use upload::{DEFAULT_CHUNK_SIZE, UploadOptions};

/// Most pages followed when listing tags or repositories; a registry that
/// keeps sending `Link` headers cannot keep the client busy forever.
pub const MAX_PAGES: usize = 10_000;

/// How to reach a registry.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RegistryOptions {
    /// `Some(true)`: HTTP. `Some(false)`: HTTPS, even for `localhost`.
    /// `None` (the default): HTTPS, except for a host named exactly
    /// `localhost`, which gets HTTP, as oras does.
    pub plain_http: Option<bool>,
    /// Transport settings.
    pub http: HttpOptions,
    /// Blob upload settings.
    pub upload: UploadOptions,
    /// Where blobs were seen, to mount them from there instead of
    /// uploading them again (none by default).
    pub blob_locations: Option<Arc<BlobLocations>>,
}

impl RegistryOptions {
    /// Uses HTTP (`true`) or HTTPS (`false`) whatever the host; `None`
    /// restores the default (HTTP only for `localhost`).
    pub fn plain_http(mut self, choice: impl Into<Option<bool>>) -> Self {
        self.plain_http = choice.into();
        self
    }

    /// Transport settings.
    pub fn http(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    /// Blob upload settings.
    pub fn upload(mut self, upload: UploadOptions) -> Self {
        self.upload = upload;
        self
    }

    /// Remembers where blobs were seen in `locations` (shared by every
    /// registry given it), and mounts a blob from a repository known to
    /// hold it before uploading it.
    pub fn blob_locations(mut self, locations: Arc<BlobLocations>) -> Self {
        self.blob_locations = Some(locations);
        self
    }
}

/// One registry host.
pub struct Registry {
    name: String,
    origin: String,
    auth: AuthClient,
    upload: UploadOptions,
    warned: Mutex<HashSet<String>>,
    locations: Option<Arc<BlobLocations>>,
}

/// True when plain HTTP is used unless HTTPS is asked for: a host named
/// exactly `localhost`, with any port.
pub fn is_localhost(registry: &str) -> bool {
    registry == "localhost"
        || registry
            .strip_prefix("localhost:")
            .is_some_and(|p| p.parse::<u16>().is_ok())
}

impl Registry {
    /// A registry named as in references (`host[:port]`, or `docker.io`).
    pub fn new(
        name: &str,
        opts: RegistryOptions,
        credentials: Box<dyn CredentialSource>,
    ) -> Result<Arc<Registry>> {
        validate_registry(name).map_err(|why| Error::InvalidReference {
            reference: name.to_string(),
            reason: why,
        })?;
        let scheme = if opts.plain_http.unwrap_or_else(|| is_localhost(name)) {
            "http"
        } else {
            "https"
        };
        let origin = format!("{scheme}://{}", registry_host(name));
        let http = Client::new(opts.http, &origin)?;
        Ok(Arc::new(Registry {
            name: name.to_string(),
            origin,
            auth: AuthClient::new(http, name, credentials),
            upload: opts.upload,
            warned: Mutex::new(HashSet::new()),
            locations: opts.blob_locations,
        }))
    }

    /// The registry as named.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Notes that `repo` holds `digest` (when locations are kept).
    pub(crate) fn seen(&self, digest: &crate::digest::Digest, repo: &str) {
        if let Some(l) = &self.locations {
            l.seen(&self.origin, digest, repo);
        }
    }

    /// Other repositories of this registry known to hold `digest`.
    pub(crate) fn holders(&self, digest: &crate::digest::Digest, except: &str) -> Vec<String> {
        self.locations
            .as_ref()
            .map(|l| l.holders(&self.origin, digest, except))
            .unwrap_or_default()
    }

    /// The auth client (for token counts in tests and diagnostics).
    pub fn auth(&self) -> &AuthClient {
        &self.auth
    }

    /// A repository on this registry.
    pub fn repository(self: &Arc<Self>, name: &str) -> Repository {
        Repository {
            registry: Arc::clone(self),
            name: name.to_string(),
            hint: Mutex::new(Scopes::new()),
            referrers: referrers::ReferrersState::default(),
            accept: Mutex::new(None),
        }
    }

    /// Checks that the registry speaks the distribution API and that the
    /// credentials are accepted (`GET /v2/`), as `login` does.
    pub fn ping(&self) -> Result<()> {
        let resp = self.send(
            Request::new("GET", endpoints::base(&self.origin)),
            &Scopes::new(),
        )?;
        match resp.status {
            200 => {
                resp.discard();
                Ok(())
            }
            401 | 403 => Err(resp.into_error()),
            404 => Err(Error::Unsupported(format!(
                "{} does not serve the registry API at /v2/",
                self.name
            ))),
            _ => Err(resp.into_error()),
        }
    }

    /// Lists repositories (`GET /v2/_catalog`) after `last`, handing them
    /// to `page` one page at a time, following `Link` pages on the same
    /// origin.
    pub fn catalog(
        &self,
        last: &str,
        page: &mut dyn FnMut(Vec<String>) -> Result<()>,
    ) -> Result<()> {
        #[derive(serde::Deserialize)]
        struct Catalog {
            #[serde(default)]
            repositories: Vec<String>,
        }
        let url = endpoints::catalog(&self.origin);
        link::walk_pages(
            url,
            last,
            "repository list",
            &|req| self.send(req, &Scopes::catalog()),
            &|body| serde_json::from_slice::<Catalog>(body).map(|c| c.repositories),
            page,
        )
    }

    fn send(&self, req: Request<'_>, scopes: &Scopes) -> Result<Response> {
        let resp = self.auth.send(req, scopes)?;
        self.show_warnings(&resp);
        Ok(resp)
    }

    /// Reports each `Warning: 299 - "text"` header once, as the
    /// distribution spec asks clients to.
    fn show_warnings(&self, resp: &Response) {
        for w in resp.headers_all("warning") {
            let Some(text) = w.strip_prefix("299 ") else {
                continue;
            };
            let text = text
                .split_once(' ')
                .map_or(text, |(_, t)| t)
                .trim()
                .trim_matches('"')
                .to_string();
            if lock(&self.warned).insert(text.clone()) {
                self.auth.http().diagnostics().warning(&text);
            }
        }
    }
}

/// Checks `credential` with `registry` (`GET /v2/`, answering its
/// challenge) and, when the registry accepts it, stores it in `store` (the
/// docker config file, or the credential helper it names).
///
/// ```no_run
/// use oar::credentials::{Credential, store::Store};
/// use oar::registry::{RegistryOptions, login};
///
/// let store = Store::from_paths(&[])?; // ~/.docker/config.json
/// login("registry.example.com", Credential::basic("alice", "s3cret"), RegistryOptions::default(), &store)?;
/// # Ok::<(), oar::Error>(())
/// ```
pub fn login(
    registry: &str,
    credential: Credential,
    opts: RegistryOptions,
    store: &Store,
) -> Result<()> {
    let reg = Registry::new(
        registry,
        opts,
        Box::new(StaticCredential(credential.clone())),
    )?;
    reg.ping()?;
    store.put(registry, &credential)
}

/// One repository on a registry.
pub struct Repository {
    registry: Arc<Registry>,
    name: String,
    hint: Mutex<Scopes>,
    referrers: referrers::ReferrersState,
    accept: Mutex<Option<String>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("name", &self.name)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("registry", &self.registry.name)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Repository {
    /// Opens the repository `host/repo`, with the user's docker
    /// credentials (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`
    /// and their helpers). A reference with a tag or digest
    /// (`host/repo:v1`) is refused rather than cut short: resolve the tag
    /// on the repository ([`Resolver::resolve`](crate::content::Resolver::resolve)).
    ///
    /// ```no_run
    /// use oar::prelude::*;
    /// use oar::registry::{RegistryOptions, Repository};
    ///
    /// let repo = Repository::open("localhost:5000/hello", RegistryOptions::default())?;
    /// let desc = repo.resolve("v1")?;
    /// println!("{}", desc.digest);
    /// # Ok::<(), oar::Error>(())
    /// ```
    pub fn open(reference: &str, opts: RegistryOptions) -> Result<Repository> {
        Repository::open_with(reference, opts, Box::new(Store::from_paths(&[])?))
    }

    /// [`Repository::open`] with credentials from `credentials`.
    pub fn open_with(
        reference: &str,
        opts: RegistryOptions,
        credentials: Box<dyn CredentialSource>,
    ) -> Result<Repository> {
        let r = crate::reference::Reference::parse(reference)?;
        if let Some(selector) = r.selector() {
            return Err(Error::invalid(format!(
                "{reference:?} names {selector:?} in {}: a repository is opened by its name alone; resolve {selector:?} on it",
                r.name()
            )));
        }
        Ok(Registry::new(&r.registry, opts, credentials)?.repository(&r.repository))
    }

    /// The repository path.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The registry.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Replaces the `Accept` list of manifest requests (`manifest fetch
    /// --media-type`).
    pub fn set_manifest_accept(&self, media_types: &[String]) {
        *lock(&self.accept) = (!media_types.is_empty()).then(|| media_types.join(", "));
    }

    fn manifest_accept(&self) -> String {
        lock(&self.accept)
            .clone()
            .unwrap_or_else(|| crate::media_type::MANIFEST_ACCEPT.to_string())
    }

    /// Asks for these actions on this repository with every request, so
    /// that one token serves the whole command (`push` asks `pull,push`).
    pub fn hint_actions(&self, actions: &[&str]) {
        lock(&self.hint).add("repository", &self.name, actions.iter().copied());
    }

    fn send(&self, req: Request<'_>, actions: &[&str]) -> Result<Response> {
        self.send_with(req, actions, &Scopes::new())
    }

    fn send_with(&self, req: Request<'_>, actions: &[&str], extra: &Scopes) -> Result<Response> {
        let mut scopes = Scopes::repository(&self.name, actions);
        scopes.merge(&lock(&self.hint));
        scopes.merge(extra);
        self.registry.send(req, &scopes)
    }

    fn origin(&self) -> &str {
        &self.registry.origin
    }

    /// `host/repo`, for messages.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.registry.name, self.name)
    }

    /// `host/repo@digest: not found`.
    fn not_found_digest(&self, digest: &crate::digest::Digest) -> Error {
        Error::not_found(Missing::Blob, format!("{}@{digest}", self.display_name()))
    }

    /// A `HEAD` that answers whether something exists (200) or not (404).
    fn head_exists(&self, req: Request<'_>) -> Result<bool> {
        let resp = self.send(req, &["pull"])?;
        match resp.status {
            200 | 404 => {
                let found = resp.status == 200;
                resp.discard();
                Ok(found)
            }
            _ => Err(unexpected(resp)),
        }
    }
}

/// Locks a mutex of this module's state, which stays consistent even if a
/// thread panicked while holding it (every change is one assignment).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Passes a response with one of the `expected` statuses, turns any other
/// into an error.
pub(crate) fn expect(resp: Response, expected: &[u16]) -> Result<Response> {
    if expected.contains(&resp.status) {
        Ok(resp)
    } else {
        Err(unexpected(resp))
    }
}

/// Like [`expect`], with a 404 reported as `missing()`.
pub(crate) fn expect_found(
    resp: Response,
    expected: &[u16],
    missing: impl FnOnce() -> Error,
) -> Result<Response> {
    if resp.status == 404 {
        resp.discard();
        return Err(missing());
    }
    expect(resp, expected)
}

/// The error for a response no caller expected.
pub(crate) fn unexpected(resp: Response) -> Error {
    resp.into_error()
}

impl TagLister for Repository {
    fn tags(&self, last: &str, page: &mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<()> {
        #[derive(serde::Deserialize)]
        struct TagList {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let url = endpoints::tags(self.origin(), &self.name);
        link::walk_pages(
            url,
            last,
            "tag list",
            &|req| self.send(req, &["pull"]),
            &|body| serde_json::from_slice::<TagList>(body).map(|t| t.tags.unwrap_or_default()),
            page,
        )
        .map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found(Missing::Repository, self.display_name()),
            other => other,
        })
    }
}

impl crate::content::BlobResolver for Repository {
    fn resolve_blob(&self, digest: &crate::digest::Digest) -> Result<Descriptor> {
        self.resolve_blob_head(digest)
    }
}

impl Deleter for Repository {
    fn delete(&self, desc: &Descriptor) -> Result<()> {
        let subject = self.subject_to_unindex(desc);
        self.delete_only(desc)?;
        if let Some(subject) = subject {
            self.unindex_referrer(&subject, &desc.digest)?;
        }
        Ok(())
    }
}

impl Repository {
    fn delete_only(&self, desc: &Descriptor) -> Result<()> {
        let url = if crate::media_type::is_manifest(&desc.media_type) {
            endpoints::manifest(self.origin(), &self.name, &desc.digest.to_string())
        } else {
            endpoints::blob(self.origin(), &self.name, &desc.digest.to_string())
        };
        let resp = self.send(Request::new("DELETE", url), &["delete"])?;
        expect_found(resp, &[200, 202, 204], || {
            self.not_found_digest(&desc.digest)
        })?
        .discard();
        Ok(())
    }
}

impl Target for Repository {
    fn as_deleter(&self) -> Option<&dyn Deleter> {
        Some(self)
    }

    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        Some(self)
    }

    fn as_referrer_lister(&self) -> Option<&dyn crate::content::ReferrerLister> {
        Some(self)
    }

    fn as_blob_resolver(&self) -> Option<&dyn crate::content::BlobResolver> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_rule_is_exact() {
        assert!(is_localhost("localhost"));
        assert!(is_localhost("localhost:5000"));
        assert!(!is_localhost("127.0.0.1:5000"));
        assert!(!is_localhost("localhost.example:5000"));
        assert!(!is_localhost("localhostx"));
    }

    #[test]
    fn open_refuses_a_tag_or_digest_rather_than_dropping_it() {
        let none = || Box::new(crate::credentials::StaticCredential::default());
        let repo =
            Repository::open_with("localhost:5000/hello", RegistryOptions::default(), none())
                .unwrap();
        assert_eq!(repo.name(), "hello");
        for r in [
            "localhost:5000/hello:v1",
            "localhost:5000/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            let e = Repository::open_with(r, RegistryOptions::default(), none()).unwrap_err();
            assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
            assert!(e.to_string().contains("localhost:5000/hello"), "{e}");
        }
    }
}
