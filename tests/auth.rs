//! Authentication for real: Debian's registry behind htpasswd basic auth and
//! TLS, the same registry behind a token service, credential helpers, the
//! prompt, redirects, mutual TLS and proxies.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::layout::fixtures;
use crate::util::http::{Resp, Server};
use crate::util::proxy::Proxy;
use crate::util::registry::{Certs, Options, Registry};
use crate::util::token::{ISSUER, SERVICE, TokenService, User};
use crate::util::{TempDir, json, oar, oar_env, oar_input, sh, wait_until};

fn config(d: &TempDir) -> serde_json::Value {
    json(&std::fs::read_to_string(d.join(".docker-test/config.json")).unwrap())
}

#[test]
fn basic_auth_over_tls_login_push_pull_logout() {
    let certs = Certs::generate();
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        basic_auth: Some(("alice", "s3cret")),
        ..Options::default()
    });
    let d = TempDir::new("basic");
    let ca = certs.ca.to_str().unwrap();
    // An existing config with fields oar must keep.
    d.write(".docker-test/config.json", r#"{"auths":{"other.example":{"auth":"eDp5"}},"psFormat":"table","experimental":"enabled"}"#);
    // Anonymous access is refused.
    d.write("f.txt", "secret data");
    oar(
        d.path(),
        &["push", "--ca-file", ca, &reg.reference("b:v1"), "f.txt"],
    )
    .fails(1, "basic credential not found");
    // A wrong password is refused and nothing is stored.
    oar(
        d.path(),
        &[
            "login",
            "--ca-file",
            ca,
            "-u",
            "alice",
            "-p",
            "wrong",
            &reg.host,
        ],
    )
    .fails(1, "failed to validate the credentials");
    assert!(config(&d)["auths"].get(&reg.host).is_none());
    // The right one, from stdin.
    let r = oar_input(
        d.path(),
        &[
            "login",
            "--ca-file",
            ca,
            "-u",
            "alice",
            "--password-stdin",
            &reg.host,
        ],
        b"s3cret\n",
    )
    .ok();
    assert_eq!(r.stdout, "Login Succeeded\n");
    let cfg = config(&d);
    assert_eq!(cfg["auths"][&reg.host]["auth"], "YWxpY2U6czNjcmV0");
    assert_eq!(cfg["psFormat"], "table");
    assert_eq!(cfg["experimental"], "enabled");
    assert_eq!(cfg["auths"]["other.example"]["auth"], "eDp5");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(d.join(".docker-test/config.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    oar(
        d.path(),
        &["push", "--ca-file", ca, &reg.reference("b:v1"), "f.txt"],
    )
    .ok();
    oar(
        d.path(),
        &["pull", "--ca-file", ca, &reg.reference("b:v1"), "-o", "out"],
    )
    .ok();
    assert_eq!(d.read("out/f.txt"), b"secret data");
    oar(d.path(), &["logout", &reg.host]).ok();
    assert!(config(&d)["auths"].get(&reg.host).is_none());
    assert_eq!(config(&d)["psFormat"], "table");
    oar(
        d.path(),
        &[
            "pull",
            "--ca-file",
            ca,
            &reg.reference("b:v1"),
            "-o",
            "again",
        ],
    )
    .fails(1, "basic credential not found");
    // -u/-p on the command line work without a stored login.
    oar(
        d.path(),
        &[
            "pull",
            "--ca-file",
            ca,
            "-u",
            "alice",
            "-p",
            "s3cret",
            &reg.reference("b:v1"),
            "-o",
            "flags",
        ],
    )
    .ok();
}

#[test]
fn oras_seeded_registry_with_its_htpasswd_and_legacy_config_keys() {
    let fx = fixtures();
    let reg = Registry::start_with(Options {
        seed: Some(&fx.join("distribution/mount/artifacts.tar.gz")),
        htpasswd_file: Some(&fx.join("distribution/mount/passwd_bcrypt")),
        ..Options::default()
    });
    let d = TempDir::new("seeded");
    // The e2e suite's legacy config style: a key with scheme and path.
    d.write(
        "legacy.json",
        format!(
            r#"{{"auths":{{"http://{}/":{{"auth":"aGVsbG86b3Jhcy10ZXN0"}}}}}}"#,
            reg.host
        ),
    );
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "--registry-config",
            "legacy.json",
            &reg.reference("command/artifacts:foobar"),
            "-o",
            "out",
        ],
    )
    .ok();
    assert_eq!(d.read("out/foo1"), b"foo");
    assert_eq!(d.read("out/bar"), b"bar");
}

fn token_setup(lifetime: u64) -> (TokenService, Registry) {
    let users = vec![
        User {
            name: "alice",
            password: "alice-pw",
            refresh_token: Some("alice-refresh"),
            grants: vec![("", vec!["pull", "push", "delete"]), ("catalog", vec!["*"])],
        },
        User {
            name: "",
            password: "",
            refresh_token: None,
            grants: vec![("public/", vec!["pull"])],
        },
        User {
            name: "reader",
            password: "reader-pw",
            refresh_token: None,
            grants: vec![("", vec!["pull"])],
        },
    ];
    let tokens = TokenService::start(users, lifetime);
    let realm = tokens.realm();
    let reg = Registry::start_with(Options {
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Options::default()
    });
    (tokens, reg)
}

#[test]
fn token_auth_needs_one_token_per_push_and_per_pull() {
    let (tokens, reg) = token_setup(300);
    let d = TempDir::new("token");
    for f in ["a", "b", "c"] {
        d.write(f, f.repeat(100));
    }
    oar(
        d.path(),
        &[
            "login",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            &reg.host,
        ],
    )
    .ok();
    let before = tokens.counts();
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("tok/repo:v1"),
            "a",
            "b",
            "c",
        ],
    )
    .ok();
    let after_push = tokens.counts();
    assert_eq!(
        after_push.0 - before.0 + after_push.1 - before.1,
        1,
        "one token request for a push of 3 files"
    );
    let scopes = tokens.server.requests().last().unwrap().query_all("scope");
    assert_eq!(
        scopes,
        ["repository:tok/repo:pull,push"],
        "push asks pull,push up front"
    );
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("tok/repo:v1"),
            "-o",
            "out",
        ],
    )
    .ok();
    let after_pull = tokens.counts();
    assert_eq!(
        after_pull.0 - after_push.0 + after_pull.1 - after_push.1,
        1,
        "one token request for a pull"
    );
    assert_eq!(d.read("out/b"), "b".repeat(100).as_bytes());
}

#[test]
fn pull_only_user_is_denied_push() {
    let (_tokens, reg) = token_setup(300);
    let d = TempDir::new("denied");
    d.write("x", "x");
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "reader",
            "-p",
            "reader-pw",
            &reg.reference("ro:v1"),
            "x",
        ],
    );
    r.fails(1, "denied");
    // Pulling what alice pushed works for the reader.
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            &reg.reference("ro:v1"),
            "x",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "-u",
            "reader",
            "-p",
            "reader-pw",
            &reg.reference("ro:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    // A wrong password at the token service is a clear error.
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "-u",
            "reader",
            "-p",
            "nope",
            &reg.reference("ro:v1"),
        ],
    )
    .fails(1, "refused the credentials for");
}

#[test]
fn identity_token_uses_the_oauth2_post() {
    let (tokens, reg) = token_setup(300);
    let d = TempDir::new("idtoken");
    d.write("i", "identity");
    oar(
        d.path(),
        &[
            "login",
            "--plain-http",
            "--identity-token",
            "alice-refresh",
            &reg.host,
        ],
    )
    .ok();
    assert_eq!(
        config(&d)["auths"][&reg.host]["identitytoken"],
        "alice-refresh"
    );
    let (g0, p0) = tokens.counts();
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("id:v1"), "i"],
    )
    .ok();
    let (g1, p1) = tokens.counts();
    assert_eq!(
        (g1 - g0, p1 - p0),
        (0, 1),
        "a refresh token goes through POST"
    );
    let post = tokens
        .server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.form("grant_type").as_deref(), Some("refresh_token"));
    assert_eq!(post.form("client_id").as_deref(), Some("oar"));
    assert_eq!(
        post.form("scope").as_deref(),
        Some("repository:id:pull,push")
    );
    // -p without -u is an identity token too.
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "-p",
            "alice-refresh",
            &reg.reference("id:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    assert_eq!(d.read("o/i"), b"identity");
}

#[test]
fn expired_token_is_refreshed() {
    let (tokens, reg) = token_setup(300);
    let d = TempDir::new("expired");
    d.write("e", "e");
    tokens.expire_next(1);
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            &reg.reference("exp:v1"),
            "e",
        ],
    )
    .ok();
    let (g, p) = tokens.counts();
    assert_eq!(g + p, 2, "the refused token was replaced once");
}

/// A fake credential helper that keeps its state in `dir` and logs calls.
fn install_helper(d: &TempDir) -> std::path::PathBuf {
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let state = d.join("helper-state");
    std::fs::create_dir_all(&state).unwrap();
    let script = format!(
        r#"#!/bin/sh
state={state}
echo "$1" >> "$state/calls"
case "$1" in
  store) cat > "$state/stored.json" ;;
  get) read server; if [ -f "$state/stored.json" ]; then
         python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({{"ServerURL":d["ServerURL"],"Username":d["Username"],"Secret":d["Secret"]}}))' "$state/stored.json"
       else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase) read server; if [ -f "$state/stored.json" ]; then rm "$state/stored.json"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  *) echo "unknown action" >&2; exit 2 ;;
esac
"#,
        state = state.display()
    );
    let p = bin.join("docker-credential-oartest");
    std::fs::write(&p, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn with_path(d: &Path, bin: &Path, args: &[&str]) -> crate::util::Run {
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    oar_env(d, args, &[("PATH", &path)])
}

#[test]
fn credential_helper_store_get_erase() {
    let (_tokens, reg) = token_setup(300);
    let d = TempDir::new("helper");
    let bin = install_helper(&d);
    d.write(".docker-test/config.json", r#"{"credsStore":"oartest"}"#);
    d.write("h", "helped");
    // Before login: the helper has nothing, so the push is anonymous.
    with_path(
        d.path(),
        &bin,
        &["push", "--plain-http", &reg.reference("hp:v1"), "h"],
    )
    .fails(1, "401: Unauthorized");
    with_path(
        d.path(),
        &bin,
        &[
            "login",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            &reg.host,
        ],
    )
    .ok();
    let stored = json(&std::fs::read_to_string(d.join("helper-state/stored.json")).unwrap());
    assert_eq!(stored["ServerURL"], reg.host);
    assert_eq!(stored["Username"], "alice");
    assert!(
        config(&d).get("auths").is_none(),
        "the secret went to the helper, not the file"
    );
    with_path(
        d.path(),
        &bin,
        &["push", "--plain-http", &reg.reference("hp:v1"), "h"],
    )
    .ok();
    with_path(d.path(), &bin, &["logout", &reg.host]).ok();
    assert!(!d.join("helper-state/stored.json").exists());
    let calls = std::fs::read_to_string(d.join("helper-state/calls")).unwrap();
    assert_eq!(
        calls.lines().collect::<Vec<_>>(),
        ["get", "store", "get", "erase"]
    );
    // credHelpers beats credsStore, and a broken helper is named.
    d.write(
        ".docker-test/config.json",
        format!(
            r#"{{"credsStore":"oartest","credHelpers":{{"{}":"missing"}}}}"#,
            reg.host
        ),
    );
    with_path(
        d.path(),
        &bin,
        &["pull", "--plain-http", &reg.reference("hp:v1")],
    )
    .fails(1, "docker-credential-missing");
}

#[test]
fn login_prompts_on_the_terminal() {
    let certs = Certs::generate();
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        basic_auth: Some(("bob", "pw-bob")),
        ..Options::default()
    });
    let d = TempDir::new("prompt");
    // `script` gives oar a terminal on stdin and stdout: the prompts are
    // shown there, the user name is read from it, and the password is read
    // without echo.
    let cmd = format!(
        "{} login --ca-file {} {}",
        crate::util::bin().display(),
        certs.ca.display(),
        reg.host
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(d.path())
        .env("DOCKER_CONFIG", d.join(".docker-test"))
        .env("HOME", d.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    // Answer each prompt once it is shown, as a person would: typing
    // ahead would be echoed before the terminal's echo is turned off.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let seen = seen.clone();
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 256];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let wait_for = |text: &str| {
        wait_until(Duration::from_secs(30), &format!("{text:?} shown"), || {
            seen.lock().unwrap().contains(text)
        })
    };
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        wait_for("Username: ");
        stdin.write_all(b"bob\n").unwrap();
        wait_for("Password: ");
        // The prompt is printed before echo is turned off: answer once
        // the terminal says it is.
        let tty = terminal_of_oar_under(child.id());
        wait_until(Duration::from_secs(30), "echo turned off", || {
            sh("stty", &["-F", tty.to_str().unwrap()], Path::new("/"))
                .split_whitespace()
                .any(|flag| flag == "-echo")
        });
        stdin.write_all(b"pw-bob\n").unwrap();
        wait_for("Login Succeeded");
    }
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let text = seen.lock().unwrap().clone();
    assert!(status.success(), "{text}");
    assert!(
        text.contains("Username: ") && text.contains("Password: "),
        "{text}"
    );
    assert!(text.contains("Login Succeeded"), "{text}");
    assert!(
        !text.contains("pw-bob"),
        "the password is not echoed: {text}"
    );
    assert_eq!(config(&d)["auths"][&reg.host]["auth"], "Ym9iOnB3LWJvYg==");
}

/// The terminal (`/dev/pts/N`) of the `oar` process that descends from
/// process `ancestor`.
fn terminal_of_oar_under(ancestor: u32) -> PathBuf {
    let parent = |pid: u32| -> Option<u32> {
        // `pid (comm) state ppid …`; the name may hold spaces and parentheses.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let descends = |mut pid: u32| {
        while let Some(p) = parent(pid).filter(|p| *p > 1) {
            if p == ancestor {
                return true;
            }
            pid = p;
        }
        false
    };
    let oar = std::fs::canonicalize(crate::util::bin()).unwrap();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if std::fs::read_link(e.path().join("exe")).ok().as_deref() == Some(oar.as_path())
            && descends(pid)
        {
            return std::fs::read_link(e.path().join("fd/2")).unwrap();
        }
    }
    panic!("no oar process under process {ancestor}");
}

#[test]
fn usernames_with_colons_are_refused() {
    let d = TempDir::new("colon");
    oar(d.path(), &["login", "-u", "a:b", "-p", "x", "localhost:1"]).fails(1, "contains a colon");
}

/// The manifest of an artifact holding `blob` as the file `r.txt`.
fn one_file_manifest(blob: &[u8]) -> String {
    let digest = format!("sha256:{}", crate::util::sha256_hex(blob));
    serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "size": 2},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": blob.len(), "annotations": {"org.opencontainers.image.title": "r.txt"}}]
    })
    .to_string()
}

#[test]
fn redirect_to_another_origin_carries_no_credentials() {
    // The blob store at another origin records what it receives.
    let blob = b"redirected blob".to_vec();
    let store = {
        let blob = blob.clone();
        Server::start(move |_| Resp::new(200, blob.clone()))
    };
    let manifest = one_file_manifest(&blob);
    let store_url = store.url();
    let registry = Server::start(move |req| {
        if req.header("authorization") != Some("Basic dTpw") {
            return Resp::new(401, "").header("WWW-Authenticate", "Basic realm=\"double\"");
        }
        if req.path().contains("/manifests/") {
            return Resp::new(200, manifest.clone())
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        }
        Resp::new(307, "").header(
            "Location",
            format!("{store_url}/bucket/blob?X-Amz-Signature=presigned-secret"),
        )
    });
    let d = TempDir::new("redirect");
    let r = oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "-d",
            "-u",
            "u",
            "-p",
            "p",
            "-H",
            "X-Custom: private",
            &format!("{}/r:v1", registry.host()),
            "-o",
            "out",
        ],
    )
    .ok();
    assert_eq!(d.read("out/r.txt"), blob);
    let got = store.requests();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].header("authorization").is_none(),
        "Authorization leaked: {:?}",
        got[0].headers
    );
    assert!(
        got[0].header("x-custom").is_none(),
        "-H header leaked: {:?}",
        got[0].headers
    );
    // The registry itself did get the custom header.
    assert!(
        registry
            .requests()
            .iter()
            .any(|r| r.header("x-custom") == Some("private"))
    );
    assert!(
        !r.stderr.contains("presigned-secret"),
        "presigned query masked in --debug"
    );
    assert!(!r.stderr.contains("dTpw"), "credentials masked in --debug");
}

#[test]
fn the_client_certificate_stays_with_the_registry() {
    // Both servers ask for a client certificate and record whether one
    // came; the blob redirects from the registry to the other origin.
    let certs = Certs::generate();
    let blob = b"blob at another origin".to_vec();
    let store = {
        let blob = blob.clone();
        Server::start_tls(&certs, move |_| Resp::new(200, blob.clone()))
    };
    let manifest = one_file_manifest(&blob);
    let store_url = store.tls_url();
    let registry = Server::start_tls(&certs, move |req| {
        if req.path().contains("/manifests/") {
            return Resp::new(200, manifest.clone())
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        }
        if req.path().contains("/blobs/") {
            return Resp::new(307, "").header("Location", format!("{store_url}/bucket/blob"));
        }
        Resp::new(200, "{}")
    });
    let d = TempDir::new("cert-origin");
    oar(
        d.path(),
        &[
            "pull",
            "--ca-file",
            certs.ca.to_str().unwrap(),
            "--cert-file",
            certs.cert.to_str().unwrap(),
            "--key-file",
            certs.key.to_str().unwrap(),
            &format!("{}/r:v1", registry.host()),
            "-o",
            "out",
        ],
    )
    .ok();
    assert_eq!(d.read("out/r.txt"), blob);
    let home = registry.requests();
    assert!(
        !home.is_empty() && home.iter().all(|r| r.client_cert),
        "the registry got the certificate on every request: {home:?}"
    );
    let away = store.requests();
    assert_eq!(away.len(), 1, "{away:?}");
    assert!(
        !away[0].client_cert,
        "the certificate was presented to another origin"
    );
}

#[test]
fn custom_headers_never_reach_the_token_realm() {
    let (tokens, reg) = token_setup(300);
    let d = TempDir::new("header-realm");
    d.write("h", "with a header");
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-d",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            "-H",
            "X-Custom: private",
            &reg.reference("hdr:v1"),
            "h",
        ],
    )
    .ok();
    let asked = tokens.server.requests();
    assert!(!asked.is_empty(), "a token was asked for");
    for t in &asked {
        assert!(
            t.header("x-custom").is_none(),
            "-H header sent to the token realm: {:?}",
            t.headers
        );
    }
    // The registry's own requests did carry it (the trace lists each
    // request's headers).
    assert!(r.stderr.contains("   \"X-Custom\": "), "{}", r.stderr);
}

#[test]
fn mutual_tls_needs_the_client_certificate() {
    let certs = Certs::generate();
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        client_ca: Some(&certs.ca),
        ..Options::default()
    });
    let d = TempDir::new("mtls");
    d.write("m", "mutual");
    let ca = certs.ca.to_str().unwrap();
    let (cert, key) = (certs.cert.to_str().unwrap(), certs.key.to_str().unwrap());
    oar(
        d.path(),
        &["push", "--ca-file", ca, &reg.reference("m:v1"), "m"],
    )
    .fails(1, &reg.host);
    oar(
        d.path(),
        &[
            "push",
            "--ca-file",
            ca,
            "--cert-file",
            cert,
            "--key-file",
            key,
            &reg.reference("m:v1"),
            "m",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "pull",
            "--ca-file",
            ca,
            "--cert-file",
            cert,
            "--key-file",
            key,
            &reg.reference("m:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    assert_eq!(d.read("o/m"), b"mutual");
    // A key that does not match its certificate is a clear error, not a crash.
    let other = Certs::generate();
    oar(
        d.path(),
        &[
            "pull",
            "--ca-file",
            ca,
            "--cert-file",
            cert,
            "--key-file",
            other.key.to_str().unwrap(),
            &reg.reference("m:v1"),
        ],
    )
    .fails(1, "does not match");
}

#[test]
fn proxies_carry_registry_and_token_traffic() {
    // By name: loopback addresses are never proxied, as in Go; the test
    // proxy dials `*.test` names on loopback.
    let (tokens, _) = token_setup(300);
    let realm = tokens.realm().replace("127.0.0.1", "tokens.oar.test");
    let reg = Registry::start_with(Options {
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Options::default()
    });
    let reg_name = format!("reg.oar.test:{}", reg.port);
    let token_name = tokens.server.host().replace("127.0.0.1", "tokens.oar.test");
    let resolve = |name: &str| format!("{}:127.0.0.1", name);
    let (r1, r2) = (resolve(&reg_name), resolve(&token_name));
    let proxy = Proxy::start();
    let d = TempDir::new("proxy");
    d.write("p", "proxied");
    let run = |cmd: &[&str], no_proxy: &str| {
        let mut args = vec![
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            "--resolve",
            &r1,
            "--resolve",
            &r2,
        ];
        args.splice(0..0, cmd.iter().copied());
        oar_env(
            d.path(),
            &args,
            &[("HTTP_PROXY", &proxy.url()), ("NO_PROXY", no_proxy)],
        )
        .ok();
    };
    let reference = format!("{reg_name}/px:v1");
    run(&["push", &reference, "p"], "");
    let targets = proxy.targets.lock().unwrap().clone();
    assert!(
        targets.contains(&reg_name),
        "registry traffic went through the proxy: {targets:?}"
    );
    assert!(
        targets.contains(&token_name),
        "token traffic too: {targets:?}"
    );
    let n = proxy.connects();
    run(&["pull", &reference, "-o", "o"], ".oar.test");
    assert_eq!(proxy.connects(), n, "NO_PROXY bypasses the proxy");
    assert_eq!(d.read("o/p"), b"proxied");
}

#[test]
fn identity_token_falls_back_to_get_when_post_is_missing() {
    let (tokens, reg) = token_setup(300);
    let d = TempDir::new("post404");
    d.write("pub.txt", "public");
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "alice-pw",
            &reg.reference("public/p:v1"),
            "pub.txt",
        ],
    )
    .ok();
    tokens.disable_post();
    let (g0, p0) = tokens.counts();
    // The OAuth2 endpoint answers 404: the GET flow is used instead (here
    // without a user name, so with the anonymous grants).
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "--identity-token",
            "alice-refresh",
            &reg.reference("public/p:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    let (g1, p1) = tokens.counts();
    assert_eq!(
        (p1 - p0, g1 - g0),
        (1, 1),
        "one POST answered 404, then one GET"
    );
    assert_eq!(d.read("o/pub.txt"), b"public");
}

#[test]
fn catalog_and_delete_scopes_are_asked_for() {
    let (tokens, reg) = token_setup(300);
    let d = TempDir::new("scopes");
    d.write("x", "x");
    let creds = ["-u", "alice", "-p", "alice-pw"];
    let mut push = vec!["push", "--plain-http"];
    push.extend_from_slice(&creds);
    let r1 = reg.reference("sc/one:v1");
    push.extend_from_slice(&[r1.as_str(), "x"]);
    oar(d.path(), &push).ok();
    let mut ls = vec!["repo", "ls", "--plain-http"];
    ls.extend_from_slice(&creds);
    ls.push(&reg.host);
    let out = oar(d.path(), &ls).ok().stdout;
    assert!(out.lines().any(|l| l == "sc/one"), "{out}");
    let scopes: Vec<String> = tokens.server.requests().last().unwrap().query_all("scope");
    assert_eq!(scopes, ["registry:catalog:*"]);
    let mut del = vec!["manifest", "delete", "-f", "--plain-http"];
    del.extend_from_slice(&creds);
    del.push(&r1);
    oar(d.path(), &del).ok();
    let asked: Vec<String> = tokens.server.requests().last().unwrap().query_all("scope");
    assert!(asked[0].contains("delete"), "{asked:?}");
    // Anonymous users see nothing private.
    oar(d.path(), &["repo", "ls", "--plain-http", &reg.host])
        .fails(1, "could not list repositories");
}
