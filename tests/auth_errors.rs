//! A refused or missing credential, under basic auth (Debian's registry
//! with htpasswd) and under the token flow (the same registry behind
//! `util::token`): one library error kind for all four, and command lines
//! that say what happened, name the registry and how to log in.

use oar::credentials::{Credential, CredentialSource, StaticCredential, store::Store};
use oar::error::{AuthError, Refusal};
use oar::prelude::*;
use oar::registry::{RegistryOptions, Repository};

use crate::util::registry::{Options, Registry};
use crate::util::token::{ISSUER, SERVICE, TokenService, User};
use crate::util::{Run, TempDir, oar_input};

/// A registry that wants alice (password `s3cret`), by basic auth.
fn basic_registry() -> Registry {
    Registry::start_with(Options {
        basic_auth: Some(("alice", "s3cret")),
        ..Options::default()
    })
}

/// A registry behind a token service that knows only alice (password
/// `s3cret`); anonymous tokens grant nothing.
fn token_registry() -> (TokenService, Registry) {
    let users = vec![User {
        name: "alice",
        password: "s3cret",
        refresh_token: None,
        grants: vec![("", vec!["pull", "push"])],
    }];
    let tokens = TokenService::start(users, 300);
    let realm = tokens.realm();
    let reg = Registry::start_with(Options {
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Options::default()
    });
    (tokens, reg)
}

/// The library's error resolving `auth/repo:v1` with `credentials`.
fn resolve_error(reg: &Registry, credentials: Box<dyn CredentialSource>) -> oar::Error {
    let repo = Repository::open_with(
        &reg.reference("auth/repo"),
        RegistryOptions::default().plain_http(true),
        credentials,
    )
    .unwrap();
    repo.resolve("v1").unwrap_err()
}

/// The [`AuthError`] inside `e`, failing the test for any other error.
#[track_caller]
fn auth_error(e: &oar::Error) -> &AuthError {
    assert!(e.is_unauthorized(), "not unauthorized: {e:?}");
    match e {
        oar::Error::Unauthorized(a) => a,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_refused_or_missing_credential_is_one_error_kind_under_basic_auth_and_tokens() {
    let basic = basic_registry();
    let (_tokens, token) = token_registry();
    let d = TempDir::new("auth-lib");
    let wrong = || -> Box<dyn CredentialSource> {
        Box::new(StaticCredential(Credential::basic("alice", "wrong")))
    };
    let config = d.join("config.json");
    let none = || -> Box<dyn CredentialSource> {
        Box::new(Store::from_paths(std::slice::from_ref(&config)).unwrap())
    };
    // Basic auth, wrong password: the registry's own 401.
    let e = resolve_error(&basic, wrong());
    let a = auth_error(&e);
    assert_eq!(a.registry, basic.host);
    assert!(a.credential_sent);
    assert!(
        matches!(&a.refusal, Refusal::Registry(answer) if answer.status == 401),
        "{a:?}"
    );
    assert!(!e.is_transient() && !e.is_not_found());
    // Basic auth, nothing stored: nothing sent, and the file searched is
    // named.
    let e = resolve_error(&basic, none());
    let a = auth_error(&e);
    assert_eq!(a.registry, basic.host);
    assert!(!a.credential_sent);
    assert_eq!(
        a.refusal,
        Refusal::NoCredential {
            searched: vec![config.clone()]
        }
    );
    assert_eq!(
        e.to_string(),
        format!("basic credential not found for {}", basic.host)
    );
    // Tokens, wrong password: the token service refuses.
    let e = resolve_error(&token, wrong());
    let a = auth_error(&e);
    assert_eq!(a.registry, token.host);
    assert!(a.credential_sent);
    match &a.refusal {
        Refusal::TokenService(answer) => {
            assert_eq!(answer.status, 401);
            assert!(answer.url.ends_with("/token"), "{}", answer.url);
            assert!(
                !answer.errors.is_empty(),
                "the service's own words are kept"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    // Tokens, nothing stored: the anonymous token is refused by the
    // registry.
    let e = resolve_error(&token, none());
    let a = auth_error(&e);
    assert_eq!(a.registry, token.host);
    assert!(!a.credential_sent);
    assert!(
        matches!(&a.refusal, Refusal::Registry(answer) if answer.status == 401),
        "{a:?}"
    );
    // The right password: no error at all (the tag is just missing).
    for reg in [&basic, &token] {
        let e = resolve_error(
            reg,
            Box::new(StaticCredential(Credential::basic("alice", "s3cret"))),
        );
        assert!(e.is_not_found() && !e.is_unauthorized(), "{e:?}");
    }
}

/// `oar args…`, with `--password-stdin` fed `password` when there is one.
fn run(d: &TempDir, args: &[&str], password: Option<&str>) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--plain-http");
    if password.is_some() {
        all.extend(["-u", "alice", "--password-stdin"]);
    }
    let input = password.map(|p| format!("{p}\n")).unwrap_or_default();
    oar_input(d.path(), &all, input.as_bytes())
}

/// Asserts a failure with exit code 1 and exactly these lines on stderr.
#[track_caller]
fn fails_with(r: Run, lines: &[String]) {
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert_eq!(r.stderr.lines().collect::<Vec<_>>(), lines);
}

/// The line after a refusal: the registry named, and how to log in.
fn refused(host: &str) -> String {
    format!(
        "{host} refused the credentials given; to log in again, run \"oar login {host}\", or pass -u with --password-stdin"
    )
}

/// The line after a 401 to a request without credentials.
fn none_given(host: &str) -> String {
    format!(
        "{host} requires credentials, and none were given; to log in, run \"oar login {host}\", or pass -u with --password-stdin"
    )
}

/// The first line of a registry's 401 to a `HEAD` (no body: oras's words).
fn head_401(host: &str, path: &str) -> String {
    format!(
        "Error response from registry: recognizable error message not found: HEAD \"http://{host}{path}\": response status code 401: Unauthorized"
    )
}

/// The first line of a registry's 401 to a manifest `GET` of
/// `auth/cli`: its own words.
fn pull_401() -> String {
    r#"Error response from registry: unauthorized: authentication required: [{"Action":"pull","Class":"","Name":"auth/cli","Type":"repository"}]"#.to_string()
}

/// `push` with a fixed creation time, so that every push of the same
/// files makes the same manifest.
const PUSH: &[&str] = &[
    "push",
    "--annotation",
    "org.opencontainers.image.created=2024-01-01T00:00:00Z",
];

#[test]
fn push_and_pull_say_the_registry_refused_or_wanted_credentials() {
    let basic = basic_registry();
    let (tokens, token) = token_registry();
    let d = TempDir::new("auth-cli");
    d.write("f.txt", "refused?");
    let push = |reg: &Registry, password: Option<&str>| {
        let target = reg.reference("auth/cli:v1");
        let mut args = PUSH.to_vec();
        args.extend([target.as_str(), "f.txt"]);
        run(&d, &args, password)
    };
    let pull = |reg: &Registry, password: Option<&str>| {
        let target = reg.reference("auth/cli:v1");
        run(&d, &["pull", &target, "-o", "out"], password)
    };
    // The control: the right password pushes and pulls, on both.
    let mut digest = String::new();
    for reg in [&basic, &token] {
        digest = push(reg, Some("s3cret")).ok().digest();
        pull(reg, Some("s3cret")).ok();
        assert_eq!(d.read("out/f.txt"), b"refused?");
    }
    let manifest = format!("/v2/auth/cli/manifests/{digest}");
    let config = d.join(".docker-test/config.json");
    let config = config.display();

    // Basic auth, wrong password: oras's first line, then what it means.
    let h = &basic.host;
    fails_with(
        push(&basic, Some("wrong")),
        &[head_401(h, &manifest), refused(h)],
    );
    fails_with(pull(&basic, Some("wrong")), &[pull_401(), refused(h)]);
    // Basic auth, no credentials: the registry and the file searched are
    // named.
    let not_found = [
        format!("Error: basic credential not found for {h}"),
        format!(
            "Please check whether the registry credential stored in the authentication file at \"{config}\" is correct; to log in to {h}, run \"oar login {h}\", or pass -u with --password-stdin"
        ),
    ];
    fails_with(push(&basic, None), &not_found);
    fails_with(pull(&basic, None), &not_found);

    // Tokens, wrong password: the token service's refusal.
    let h = &token.host;
    let service = format!(
        "Error: the token service {} refused the credentials for {h}: unauthorized: invalid username or password",
        tokens.realm()
    );
    fails_with(push(&token, Some("wrong")), &[service.clone(), refused(h)]);
    fails_with(pull(&token, Some("wrong")), &[service, refused(h)]);
    // Tokens, no credentials: the registry's 401 to the anonymous token.
    fails_with(push(&token, None), &[head_401(h, &manifest), none_given(h)]);
    fails_with(pull(&token, None), &[pull_401(), none_given(h)]);
}
