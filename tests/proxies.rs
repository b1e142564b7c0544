//! Proxies chosen per scheme, as Go chooses them: `HTTP_PROXY` for http
//! URLs, `HTTPS_PROXY` for https URLs, `NO_PROXY` exceptions, and loopback
//! always direct. Registries are addressed by `*.test` names (mapped to
//! loopback with `--resolve`, and by the test proxy), since a loopback
//! address is never proxied.

use std::net::TcpListener;

use crate::util::proxy::Proxy;
use crate::util::registry::{Certs, Options, Registry, self_signed};
use crate::util::{Run, TempDir, oar_env};

/// A proxy address where nothing listens.
fn dead_proxy() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// `oar push` of one file to `name:port/repo:tag`, with `name` resolved to
/// loopback, in an environment of proxies.
fn push(d: &TempDir, name_port: &str, tag: &str, extra: &[&str], env: &[(&str, &str)]) -> Run {
    d.write("p.txt", "proxied or not");
    let port = name_port.rsplit_once(':').unwrap().1;
    let host = name_port.rsplit_once(':').unwrap().0;
    let resolve = format!("{host}:{port}:127.0.0.1");
    let reference = format!("{name_port}/px:{tag}");
    let mut args = vec!["push", "--resolve", &resolve];
    args.extend_from_slice(extra);
    args.extend([reference.as_str(), "p.txt"]);
    oar_env(d.path(), &args, env)
}

#[test]
fn http_urls_use_http_proxy_only_and_no_proxy_exceptions_match_as_in_go() {
    let reg = Registry::start();
    let name = format!("reg.oar.test:{}", reg.port);
    let d = TempDir::new("proxy-http");
    let http = ["--plain-http"];
    let dead = dead_proxy();
    // The https proxy is not for http URLs.
    push(&d, &name, "a", &http, &[("HTTPS_PROXY", &dead)]).ok();
    // The http proxy is: a dead one fails the push.
    push(&d, &name, "b", &http, &[("HTTP_PROXY", &dead)]).fails(1, "connection refused");
    // A live one carries it.
    let live = Proxy::start();
    push(&d, &name, "c", &http, &[("HTTP_PROXY", &live.url())]).ok();
    let targets = live.targets.lock().unwrap().clone();
    assert!(
        !targets.is_empty() && targets.iter().all(|t| *t == name),
        "{targets:?}"
    );
    // NO_PROXY, each form Go takes.
    for exception in [
        ".oar.test",
        "oar.test",
        "reg.oar.test",
        &name,
        "*",
        "10.0.0.0/8, reg.oar.test",
    ] {
        push(
            &d,
            &name,
            "d",
            &http,
            &[("HTTP_PROXY", &dead), ("NO_PROXY", exception)],
        )
        .ok();
    }
    for not_matching in ["other.test", "reg.oar.test:1", "g.oar.test", "127.0.0.0/8"] {
        push(
            &d,
            &name,
            "e",
            &http,
            &[("HTTP_PROXY", &dead), ("NO_PROXY", not_matching)],
        )
        .fails(1, "connection refused");
    }
    // Lower-case names count when the upper-case ones are absent.
    push(&d, &name, "f", &http, &[("http_proxy", &dead)]).fails(1, "connection refused");
    // Run as a CGI script (REQUEST_METHOD set), HTTP_PROXY may come from
    // a client's `Proxy:` header (httpoxy): as in Go, it is ignored, in
    // either case.
    for var in ["HTTP_PROXY", "http_proxy"] {
        push(
            &d,
            &name,
            "cgi",
            &http,
            &[(var, &dead), ("REQUEST_METHOD", "GET")],
        )
        .ok();
    }
    // Loopback goes direct, whatever the proxy.
    for host in [
        format!("127.0.0.1:{}", reg.port),
        format!("localhost:{}", reg.port),
    ] {
        push(&d, &host, "g", &http, &[("HTTP_PROXY", &dead)]).ok();
    }
}

#[test]
fn https_urls_use_https_proxy_only() {
    let dir = TempDir::new("proxy-cert");
    let dpath = dir.path();
    self_signed(
        dpath,
        "key.pem",
        "cert.pem",
        "/CN=tls.oar.test",
        &["-addext", "subjectAltName = DNS:tls.oar.test"],
    );
    let certs = Certs::at(dir, "cert.pem", "cert.pem", "key.pem");
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        ..Options::default()
    });
    let name = format!("tls.oar.test:{}", reg.port);
    let d = TempDir::new("proxy-https");
    let ca = certs.ca.to_str().unwrap().to_string();
    let tls = ["--ca-file", ca.as_str()];
    let dead = dead_proxy();
    push(&d, &name, "a", &tls, &[("HTTP_PROXY", &dead)]).ok();
    push(&d, &name, "b", &tls, &[("HTTPS_PROXY", &dead)]).fails(1, "connection refused");
    // A CGI script's HTTPS_PROXY is still taken (only HTTP_PROXY can be
    // set by a request header), as in Go.
    push(
        &d,
        &name,
        "cgi",
        &tls,
        &[("HTTPS_PROXY", &dead), ("REQUEST_METHOD", "GET")],
    )
    .fails(1, "connection refused");
    let live = Proxy::start();
    push(&d, &name, "c", &tls, &[("HTTPS_PROXY", &live.url())]).ok();
    let targets = live.targets.lock().unwrap().clone();
    assert!(
        !targets.is_empty() && targets.iter().all(|t| *t == name),
        "{targets:?}"
    );
}
