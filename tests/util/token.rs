//! A Docker token service for the real registry's `auth: token` mode: it
//! authenticates users (basic auth on GET, OAuth2 password and
//! refresh_token grants on POST), grants only the actions each user is
//! allowed for the requested scopes, and signs RS256 JWTs whose `x5c`
//! header holds a certificate from the registry's root bundle. It counts
//! requests so tests can assert on them.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};

use super::http::{Req, Resp, Server};
use super::{TempDir, require, sh};

/// The issuer and service names the registry is configured with.
pub const ISSUER: &str = "oar-test-issuer";
/// The `service` of the challenge and the `aud` of tokens.
pub const SERVICE: &str = "oar-test-registry";

/// A user and what they may do: `(repository prefix, actions)`.
#[derive(Clone, Debug)]
pub struct User {
    /// Name.
    pub name: &'static str,
    /// Password.
    pub password: &'static str,
    /// Identity (refresh) token accepted on POST.
    pub refresh_token: Option<&'static str>,
    /// Grants by repository prefix.
    pub grants: Vec<(&'static str, Vec<&'static str>)>,
}

struct State {
    key: RsaKeyPair,
    x5c: String,
    users: Vec<User>,
    lifetime: u64,
    /// This many tokens are issued already expired.
    expired_remaining: AtomicU32,
    gets: AtomicU32,
    posts: AtomicU32,
    /// Answer 404 to POST, like token services without the OAuth2 endpoint.
    no_post: std::sync::atomic::AtomicBool,
    /// Tokens still granted; past them every request is refused, as when
    /// a credential is revoked mid-session.
    grants_left: AtomicU32,
}

/// A running token service.
pub struct TokenService {
    /// The HTTP server (its log holds every token request).
    pub server: Server,
    /// The certificate bundle for the registry's `rootcertbundle`.
    pub bundle: PathBuf,
    state: Arc<State>,
    _dir: TempDir,
}

fn b64url(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

fn b64std(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn decode_basic(h: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(h.strip_prefix("Basic ")?)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

impl TokenService {
    /// Starts the service with `users`; tokens live `lifetime` seconds.
    pub fn start(users: Vec<User>, lifetime: u64) -> TokenService {
        require("openssl", "openssl");
        let dir = TempDir::new("token");
        let d = dir.path();
        super::registry::self_signed(d, "key.pem", "cert.pem", "/CN=oar token signer", &[]);
        sh(
            "openssl",
            &[
                "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out",
                "key.der",
            ],
            d,
        );
        sh(
            "openssl",
            &[
                "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der",
            ],
            d,
        );
        let key = RsaKeyPair::from_pkcs8(&std::fs::read(d.join("key.der")).unwrap()).unwrap();
        let x5c = b64std(&std::fs::read(d.join("cert.der")).unwrap());
        let state = Arc::new(State {
            key,
            x5c,
            users,
            lifetime,
            expired_remaining: AtomicU32::new(0),
            gets: AtomicU32::new(0),
            posts: AtomicU32::new(0),
            no_post: std::sync::atomic::AtomicBool::new(false),
            grants_left: AtomicU32::new(u32::MAX),
        });
        let s = state.clone();
        let server = Server::start(move |req| handle(&s, req));
        TokenService {
            server,
            bundle: d.join("cert.pem"),
            state,
            _dir: dir,
        }
    }

    /// The realm URL.
    pub fn realm(&self) -> String {
        format!("{}/token", self.server.url())
    }

    /// Token requests so far: `(GET, POST)`.
    pub fn counts(&self) -> (u32, u32) {
        (
            self.state.gets.load(Ordering::SeqCst),
            self.state.posts.load(Ordering::SeqCst),
        )
    }

    /// Answers POST with 404 from now on.
    pub fn disable_post(&self) {
        self.state.no_post.store(true, Ordering::SeqCst);
    }

    /// Grants `n` more tokens, then refuses every request with 401.
    pub fn refuse_after(&self, n: u32) {
        self.state.grants_left.store(n, Ordering::SeqCst);
    }

    /// Issues the next `n` tokens already expired.
    pub fn expire_next(&self, n: u32) {
        self.state.expired_remaining.store(n, Ordering::SeqCst);
    }
}

fn handle(state: &State, req: &Req) -> Resp {
    if req.path() != "/token" {
        return Resp::new(404, "not found");
    }
    let unauthorized = || {
        Resp::json(
            401,
            &serde_json::json!({"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]}),
        )
    };
    let (user, scopes): (Option<&User>, Vec<String>) = match req.method.as_str() {
        "GET" => {
            state.gets.fetch_add(1, Ordering::SeqCst);
            let user = match req.header("authorization") {
                None => None,
                Some(h) => match decode_basic(h) {
                    Some((u, p)) => {
                        match state.users.iter().find(|x| x.name == u && x.password == p) {
                            Some(x) => Some(x),
                            None => return unauthorized(),
                        }
                    }
                    None => return unauthorized(),
                },
            };
            let scopes = req
                .query_all("scope")
                .iter()
                .flat_map(|s| s.split(' ').map(str::to_string).collect::<Vec<_>>())
                .collect();
            (user, scopes)
        }
        "POST" => {
            state.posts.fetch_add(1, Ordering::SeqCst);
            if state.no_post.load(Ordering::SeqCst) {
                return Resp::new(404, "404 page not found");
            }
            let user = match req.form("grant_type").as_deref() {
                Some("refresh_token") => {
                    let t = req.form("refresh_token").unwrap_or_default();
                    state
                        .users
                        .iter()
                        .find(|x| x.refresh_token == Some(t.as_str()))
                }
                Some("password") => {
                    let (u, p) = (
                        req.form("username").unwrap_or_default(),
                        req.form("password").unwrap_or_default(),
                    );
                    state.users.iter().find(|x| x.name == u && x.password == p)
                }
                _ => None,
            };
            if user.is_none() {
                return Resp::json(401, &serde_json::json!({"error":"invalid_grant"}));
            }
            let scopes = req
                .form("scope")
                .map(|s| s.split(' ').map(str::to_string).collect())
                .unwrap_or_default();
            (user, scopes)
        }
        _ => return Resp::new(405, "method not allowed"),
    };
    if state
        .grants_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_err()
    {
        return unauthorized();
    }
    let mut access = Vec::new();
    for scope in scopes.iter().filter(|s| !s.is_empty()) {
        let Some((kind, rest)) = scope.split_once(':') else {
            continue;
        };
        let Some((name, actions)) = rest.rsplit_once(':') else {
            continue;
        };
        // Requests without credentials get the grants of the user named "".
        let user = user.or_else(|| state.users.iter().find(|u| u.name.is_empty()));
        let allowed: Vec<&str> = user
            .map(|u| {
                u.grants
                    .iter()
                    .filter(|(prefix, _)| name.starts_with(prefix))
                    .flat_map(|(_, a)| a.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        let granted: Vec<&str> = actions
            .split(',')
            .filter(|a| allowed.contains(a) || allowed.contains(&"*"))
            .collect();
        access.push(serde_json::json!({"type": kind, "name": name, "actions": granted}));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expired = state
        .expired_remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let (nbf, exp) = if expired {
        (now - 7200, now - 3600)
    } else {
        (now - 10, now + state.lifetime)
    };
    let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [state.x5c]});
    let claims = serde_json::json!({
        "iss": super::token::ISSUER,
        "sub": user.map_or("", |u| u.name),
        "aud": SERVICE,
        "exp": exp,
        "nbf": nbf,
        "iat": nbf,
        "jti": format!("{now}-{}", state.gets.load(Ordering::SeqCst) + state.posts.load(Ordering::SeqCst)),
        "access": access,
    });
    let signing_input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let mut sig = vec![0; state.key.public().modulus_len()];
    state
        .key
        .sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            signing_input.as_bytes(),
            &mut sig,
        )
        .unwrap();
    let token = format!("{signing_input}.{}", b64url(&sig));
    let body = if req.method == "POST" {
        serde_json::json!({"access_token": token, "expires_in": state.lifetime, "token_type": "Bearer"})
    } else {
        serde_json::json!({"token": token, "access_token": token, "expires_in": state.lifetime})
    };
    Resp::json(200, &body)
}
