//! Authentication of registry requests: basic auth, and the Docker token
//! flow (anonymous and basic `GET`, OAuth2 `POST` for identity tokens), with
//! tokens cached per scope set.
//!
//! Each request states the scopes it needs; the first challenge tells the
//! scheme, and the token fetched covers the request's scopes merged with the
//! challenge's, so a push asks for `pull,push` once and reuses that token.
//! An [`AuthClient`] serves one registry with one credential: two
//! repositories with different credentials (even on one registry) use two
//! clients.

pub mod challenge;
pub mod scope;

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::credentials::{Credential, CredentialSource};
use crate::error::{Error, Refusal, Result};
use crate::http::{Body, Client, Request, Response, url};

pub use challenge::Challenge;
pub use scope::Scopes;

/// Largest token response read (128 KiB).
pub const MAX_TOKEN_RESPONSE: u64 = 128 * 1024;

/// A token is renewed this long before it expires, so that a request never
/// starts with a token about to lapse.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Token {
    scopes: Scopes,
    value: String,
    expires: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// The registry asked for basic auth.
    basic: bool,
    /// The registry's bearer challenge (realm, service), once seen.
    bearer: Option<(String, String)>,
    tokens: Vec<Token>,
    /// Token requests made (for tests and `--debug`).
    token_requests: u32,
}

/// Sends requests to one registry, answering its challenges.
pub struct AuthClient {
    http: Client,
    registry: String,
    source: Box<dyn CredentialSource>,
    credential: OnceLock<Credential>,
    /// The token cache and what was learned of the registry's scheme,
    /// shared by every thread using this client; never held across a
    /// request.
    state: Mutex<State>,
    client_id: String,
}

impl AuthClient {
    /// An auth client for `registry` (as written in references, used to
    /// look up credentials) over `http`.
    pub fn new(http: Client, registry: &str, source: Box<dyn CredentialSource>) -> AuthClient {
        AuthClient {
            http,
            registry: registry.to_string(),
            source,
            credential: OnceLock::new(),
            state: Mutex::new(State::default()),
            client_id: "oar".to_string(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A thread that panicked while holding the lock left a cache that
        // is still consistent (every change is one assignment).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The HTTP client underneath.
    pub fn http(&self) -> &Client {
        &self.http
    }

    /// How many token requests this client has made.
    pub fn token_requests(&self) -> u32 {
        self.state().token_requests
    }

    fn credential(&self) -> Result<&Credential> {
        if let Some(c) = self.credential.get() {
            return Ok(c);
        }
        let c = self.source.credential(&self.registry)?;
        Ok(self.credential.get_or_init(|| c))
    }

    /// The `Authorization` value to send up front, if the scheme is known.
    fn preemptive(&self, scopes: &Scopes) -> Result<Option<String>> {
        let (basic, bearer) = {
            let st = self.state();
            (st.basic, st.bearer.clone())
        };
        if basic {
            return self.basic_header();
        }
        let Some((realm, service)) = bearer else {
            return Ok(None);
        };
        if let Some(t) = self.cached_token(scopes) {
            return Ok(Some(format!("Bearer {t}")));
        }
        // A new scope on a registry already known to use tokens (a second
        // repository, a delete): fetch before sending, saving a round trip.
        let token = self.fetch_token(&realm, &service, scopes)?;
        Ok(Some(format!("Bearer {token}")))
    }

    fn cached_token(&self, scopes: &Scopes) -> Option<String> {
        let now = Instant::now();
        let st = self.state();
        st.tokens
            .iter()
            .find(|t| t.expires > now + EXPIRY_MARGIN && t.scopes.covers(scopes))
            .map(|t| t.value.clone())
    }

    fn basic_header(&self) -> Result<Option<String>> {
        let c = self.credential()?;
        if c.username.is_empty() {
            return Ok(None);
        }
        Ok(Some(basic_auth(&c.username, &c.password)))
    }

    /// Sends `req` with whatever authorization `scopes` need, answering one
    /// challenge. A request with a streamed body cannot be re-sent: on a
    /// challenge it fails with [`Error::Reauthenticate`] after preparing the
    /// token, and the caller may reopen its stream and try once more.
    ///
    /// Requests go to the registry's own origin only: a URL the registry
    /// handed back (an upload `Location`, a page link) that points
    /// elsewhere, or from HTTPS to HTTP, is refused before anything is
    /// sent, since it would carry the credentials. A response that arrives
    /// from another origin after a redirect is returned as it is; its
    /// challenges are never answered.
    pub fn send(&self, mut req: Request<'_>, scopes: &Scopes) -> Result<Response> {
        let home = self.http.home();
        if url::origin(&req.url).as_deref() != Some(home) {
            return Err(Error::Protocol(format!(
                "refusing to send a request for {} to {}: the registry named an address on another origin",
                self.registry,
                url::origin(&req.url).unwrap_or_else(|| url::strip_query(&req.url).to_string())
            )));
        }
        let mut sent = self.preemptive(scopes)?;
        if let Some(h) = &sent {
            req.headers.push(("Authorization".into(), h.clone()));
        }
        let mut replay = req.try_clone();
        let mut resp = self.http.send(req)?;
        // Two answers at most: the first challenge, and a second one when
        // the registry refused a token that was itself bad (expired or
        // revoked), which a fresh token cures. A 401 that stands after
        // that is a refused (or missing) credential.
        for round in 0..2 {
            if url::origin(&resp.url).as_deref() != Some(self.http.home()) {
                return Ok(resp);
            }
            let challenges: Vec<Challenge> = resp
                .headers_all("www-authenticate")
                .flat_map(challenge::parse)
                .collect();
            let challenged = resp.status == 401 || (resp.status == 403 && !challenges.is_empty());
            if !challenged {
                return Ok(resp);
            }
            let error = challenges
                .iter()
                .find_map(|c| c.param("error"))
                .unwrap_or("");
            if error == "insufficient_scope" && sent.is_some() {
                if self.credential()?.is_anonymous() {
                    // The anonymous token was refused: the user has to log
                    // in, which the 401 and the registry's own words say.
                    return self.standing(resp, sent.is_some());
                }
                // A token for the scopes was granted and still refused: the
                // user is not allowed, as Docker Hub and GHCR report it.
                let scope = challenges
                    .iter()
                    .find_map(|c| c.param("scope"))
                    .unwrap_or("")
                    .to_string();
                resp.discard();
                return Err(Error::unauthorized(
                    &self.registry,
                    true,
                    Refusal::Denied { scope },
                ));
            }
            if round == 1 && error != "invalid_token" {
                return self.standing(resp, sent.is_some());
            }
            let Some(header) = self.answer(&challenges, scopes, sent.as_deref())? else {
                return self.standing(resp, sent.is_some());
            };
            resp.discard();
            let Some(mut again) = replay.take() else {
                return Err(Error::Reauthenticate);
            };
            again
                .headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            again.headers.push(("Authorization".into(), header.clone()));
            replay = again.try_clone();
            sent = Some(header);
            resp = self.http.send(again)?;
        }
        self.standing(resp, sent.is_some())
    }

    /// The response that ends a challenge exchange: a 401 still standing
    /// becomes [`Error::Unauthorized`] (the same error for basic auth and
    /// tokens), anything else is returned. `sent` tells whether the last
    /// request carried an `Authorization` header.
    fn standing(&self, resp: Response, sent: bool) -> Result<Response> {
        if resp.status != 401 {
            return Ok(resp);
        }
        Err(Error::unauthorized(
            &self.registry,
            sent && self.credential_given(),
            Refusal::Registry(resp.into_answer()),
        ))
    }

    /// True when the credential source gave a credential (it was asked,
    /// and the answer was not anonymous).
    fn credential_given(&self) -> bool {
        self.credential.get().is_some_and(|c| !c.is_anonymous())
    }

    /// Works out the `Authorization` value that answers `challenges`, or
    /// `None` when there is nothing new to try (the 401 stands). `sent` is
    /// what the refused request carried.
    fn answer(
        &self,
        challenges: &[Challenge],
        scopes: &Scopes,
        sent: Option<&str>,
    ) -> Result<Option<String>> {
        if let Some(b) = challenges.iter().find(|c| c.scheme == "bearer") {
            let realm = b
                .param("realm")
                .ok_or_else(|| Error::Protocol("bearer challenge without a realm".into()))?
                .to_string();
            validate_realm(&realm, self.http.home())?;
            let service = b.param("service").unwrap_or_default().to_string();
            let mut wanted = scopes.clone();
            if let Some(s) = b.param("scope") {
                wanted.merge(&Scopes::parse(s));
            }
            {
                let mut st = self.state();
                st.bearer = Some((realm.clone(), service.clone()));
                st.basic = false;
                if let Some(refused) = sent.and_then(|h| h.strip_prefix("Bearer ")) {
                    // The token was refused: expired, revoked, or too narrow.
                    st.tokens.retain(|t| t.value != refused);
                }
            }
            let token = self.fetch_token(&realm, &service, &wanted)?;
            if sent == Some(format!("Bearer {token}").as_str()) {
                return Ok(None);
            }
            return Ok(Some(format!("Bearer {token}")));
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            self.state().basic = true;
            // Nothing to answer with: say so, as oras-go does, rather
            // than report the registry's bare 401.
            let header = self.basic_header()?.ok_or_else(|| {
                Error::unauthorized(
                    &self.registry,
                    false,
                    Refusal::NoCredential {
                        searched: self.source.searched(),
                    },
                )
            })?;
            if Some(header.as_str()) == sent {
                return Ok(None);
            }
            return Ok(Some(header));
        }
        Ok(None)
    }

    fn fetch_token(&self, realm: &str, service: &str, scopes: &Scopes) -> Result<String> {
        let cred = self.credential()?.clone();
        if !cred.access_token.is_empty() {
            return Ok(cred.access_token);
        }
        self.state().token_requests += 1;
        let resp = if cred.refresh_token.is_empty() {
            self.token_get(realm, service, scopes, &cred)?
        } else {
            let r = self.token_post(realm, service, scopes, &cred)?;
            if r.status == 404 {
                // Token services without the OAuth2 endpoint: fall back.
                r.discard();
                self.token_get(realm, service, scopes, &cred)?
            } else {
                r
            }
        };
        if matches!(resp.status, 401 | 403) {
            // The token service refused the credential (or an anonymous
            // token): the same error as a registry's own 401.
            return Err(Error::unauthorized(
                &self.registry,
                !cred.is_anonymous(),
                Refusal::TokenService(resp.into_answer()),
            ));
        }
        let token = parse_token_response(resp, realm)?;
        self.state().tokens.push(Token {
            scopes: scopes.clone(),
            value: token.0.clone(),
            expires: Instant::now() + token.1,
        });
        Ok(token.0)
    }

    fn token_get(
        &self,
        realm: &str,
        service: &str,
        scopes: &Scopes,
        cred: &Credential,
    ) -> Result<Response> {
        let mut u = realm.to_string();
        for s in scopes.to_strings() {
            u = url::append_query(&u, "scope", &s);
        }
        if !service.is_empty() {
            u = url::append_query(&u, "service", service);
        }
        let mut req = Request::new("GET", u);
        if !cred.username.is_empty() {
            req = req.header("Authorization", basic_auth(&cred.username, &cred.password));
        }
        self.http.send(req)
    }

    fn token_post(
        &self,
        realm: &str,
        service: &str,
        scopes: &Scopes,
        cred: &Credential,
    ) -> Result<Response> {
        let mut form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", cred.refresh_token.clone()),
            ("service", service.to_string()),
            ("client_id", self.client_id.clone()),
        ];
        if !scopes.is_empty() {
            form.push(("scope", scopes.to_strings().join(" ")));
        }
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", url::encode_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::new("POST", realm)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(Body::Bytes(body.as_bytes()));
        self.http.send(req)
    }
}

/// Checks a bearer challenge's realm before any token request goes there:
///
/// - only `https`, or `http` when the registry itself is reached over
///   plain HTTP (a TLS registry never sends its client to a clear-text
///   token service, with credentials or without);
/// - no IP literal in a loopback, link-local, private, shared (CGNAT) or
///   unspecified range, unless the registry itself is there (the same
///   host, or an address of the same kind, or `localhost` for loopback):
///   a remote registry cannot aim its clients at services on their own
///   network, such as cloud metadata endpoints.
pub fn validate_realm(realm: &str, home: &str) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Protocol(format!(
            "refusing token realm {}: {why}",
            url::strip_query(realm)
        )))
    };
    let scheme = realm.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("https") => {}
        Some("http") if home.starts_with("http://") => {}
        Some("http") => return refuse("plain HTTP for a registry reached over HTTPS"),
        _ => return refuse("not an http or https URL"),
    }
    let (Some(realm_host), Some(home_host)) = (url::host(realm), url::host(home)) else {
        return refuse("no host");
    };
    let Some(kind) = internal_kind(&realm_host) else {
        return Ok(());
    };
    let registry_there = realm_host.eq_ignore_ascii_case(&home_host)
        || internal_kind(&home_host) == Some(kind)
        || (kind == "loopback" && home_host.eq_ignore_ascii_case("localhost"));
    if registry_there {
        Ok(())
    } else {
        refuse(&format!("a {kind} address, and the registry is not there"))
    }
}

/// The kind of internal address `host` is, if it is an IP literal in a
/// range no public registry should point a client at.
fn internal_kind(host: &str) -> Option<&'static str> {
    use std::net::IpAddr;
    let ip: IpAddr = host.parse().ok()?;
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_link_local() || (o[0] == 224 && o[1] == 0 && o[2] == 0) {
                Some("link-local")
            } else if v4.is_private() {
                Some("private")
            } else if o[0] == 100 && (64..128).contains(&o[1]) {
                Some("shared")
            } else if v4.is_unspecified() {
                Some("unspecified")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unicast_link_local() || s[0] == 0xff02 {
                Some("link-local")
            } else if v6.is_unique_local() {
                Some("private")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else {
                None
            }
        }
    }
}

/// `Basic base64(user:password)`.
fn basic_auth(username: &str, password: &str) -> String {
    let raw = format!("{username}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Reads `{"token"|"access_token", "expires_in"}` from a token response.
fn parse_token_response(resp: Response, realm: &str) -> Result<(String, Duration)> {
    let realm = url::strip_query(realm).to_string();
    if !resp.is_success() {
        // The token service failed (a refusal was told apart before):
        // its answer, which names its URL, says how.
        return Err(resp.into_error());
    }
    #[derive(serde::Deserialize)]
    struct TokenBody {
        #[serde(default)]
        token: String,
        #[serde(default)]
        access_token: String,
        #[serde(default)]
        expires_in: Option<u64>,
    }
    let bytes = resp.read_limited(MAX_TOKEN_RESPONSE, "token response")?;
    let t: TokenBody = serde_json::from_slice(&bytes)
        .map_err(|_| Error::Protocol(format!("invalid token response from {realm}")))?;
    let value = if !t.access_token.is_empty() {
        t.access_token
    } else {
        t.token
    };
    if value.is_empty() {
        return Err(Error::Protocol(format!(
            "token response from {realm} holds no token"
        )));
    }
    // The spec's default lifetime is 60 s, and shorter ones are raised to it.
    let life = Duration::from_secs(t.expires_in.unwrap_or(60).max(60));
    Ok((value, life))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realms_are_checked() {
        let tls = "https://registry.example";
        let plain = "http://127.0.0.1:5000";
        assert!(validate_realm("https://auth.example/token", tls).is_ok());
        assert!(validate_realm("http://auth.example/token", tls).is_err());
        assert!(validate_realm("ftp://auth.example/token", tls).is_err());
        assert!(validate_realm("HTTPS://auth.example/token", tls).is_ok());
        assert!(validate_realm("http://auth.example/token", plain).is_ok());
        for internal in [
            "https://127.0.0.1/t",
            "https://169.254.169.254/latest",
            "https://10.1.2.3/t",
            "https://172.16.0.1/t",
            "https://192.168.1.1/t",
            "https://100.100.100.200/t",
            "https://0.0.0.0/t",
            "https://[::1]/t",
            "https://[fe80::1]/t",
            "https://[fd00::1]/t",
            "https://[::ffff:127.0.0.1]/t",
            "https://224.0.0.1/t",
        ] {
            assert!(validate_realm(internal, tls).is_err(), "{internal}");
        }
        // The registry itself is there.
        assert!(validate_realm("http://127.0.0.1:5001/t", plain).is_ok());
        assert!(validate_realm("http://[::1]:5001/t", plain).is_ok());
        assert!(validate_realm("http://127.0.0.1:5001/t", "http://localhost:5000").is_ok());
        assert!(validate_realm("https://10.0.0.2/t", "https://10.0.0.1:5000").is_ok());
        assert!(validate_realm("https://10.0.0.2/t", "https://127.0.0.1:5000").is_err());
        // Public literals are fine.
        assert!(validate_realm("https://8.8.8.8/t", tls).is_ok());
    }
}
