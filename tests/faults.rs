//! Reliability against a fault-injecting proxy in front of Debian's
//! registry (and the double, which keeps upload sessions as the spec
//! describes): cuts, stalls, error statuses with and without
//! `Retry-After`, ignored ranges and dropped upload sessions, then kills
//! with SIGKILL mid-transfer. Every scenario checks the bytes are right and
//! that the transfer resumed rather than started over; the figures are
//! printed for the project notes (`cargo test -- --nocapture faults`).

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::double::{Config, Double};
use crate::util::faults::{Fault, FaultProxy, Rule};
use crate::util::registry::Registry;
use crate::util::{TempDir, oar, oar_cmd, oar_env, pseudo_random, sha256_of_file, wait_until};

const MIB: u64 = 1024 * 1024;
const CHUNK: u64 = 16 * MIB;

/// Writes `mib` MiB of varied bytes without holding them all in memory.
fn big_file(path: &Path, mib: u64, seed: u64) {
    use std::io::Write;
    let block = pseudo_random(MIB as usize, seed);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..mib {
        let mut b = block.clone();
        b[..8].copy_from_slice(&i.to_le_bytes());
        f.write_all(&b).unwrap();
    }
    f.flush().unwrap();
}

/// Runs oar with the test environment plus fault-friendly settings.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> crate::util::Run {
    let chunk = CHUNK.to_string();
    let mut all = vec![("OAR_CHUNK_SIZE", chunk.as_str())];
    all.extend_from_slice(env);
    oar_env(dir, args, &all)
}

fn report(name: &str, moved: u64, size: u64, proxy: &FaultProxy) {
    eprintln!(
        "FAULT-REPORT {name}: {moved} bytes moved for a {size}-byte blob ({:.2}x), {} faulted requests, {} requests in all",
        moved as f64 / size as f64,
        proxy.faults(),
        proxy.records().len()
    );
}

struct Setup {
    _reg: Registry,
    proxy: FaultProxy,
    dir: TempDir,
    blob: String,
    size: u64,
}

/// A registry holding a 64 MiB artifact, behind a proxy.
fn pull_setup(name: &str) -> Setup {
    let reg = Registry::start();
    let proxy = FaultProxy::start(&reg.host);
    let dir = TempDir::new(name);
    big_file(&dir.join("data.bin"), 64, 3);
    oar(
        dir.path(),
        &["push", "--plain-http", &reg.reference("big:v1"), "data.bin"],
    )
    .ok();
    let blob = sha256_of_file(&dir.join("data.bin"));
    Setup {
        _reg: reg,
        proxy,
        dir,
        blob,
        size: 64 * MIB,
    }
}

impl Setup {
    fn pull(&self, out: &str, env: &[(&str, &str)]) -> crate::util::Run {
        run(
            self.dir.path(),
            &[
                "pull",
                "--plain-http",
                "-v",
                &format!("{}/big:v1", self.proxy.host()),
                "-o",
                out,
            ],
            env,
        )
    }

    fn check(&self, out: &str) {
        assert_eq!(
            sha256_of_file(&self.dir.join(out).join("data.bin")),
            self.blob,
            "byte-identical"
        );
    }

    fn blob_gets(&self) -> Vec<crate::util::faults::Record> {
        self.proxy
            .records()
            .into_iter()
            .filter(|r| r.method == "GET" && r.target.contains(&self.blob))
            .collect()
    }
}

#[test]
fn pull_resumes_after_a_cut_at_90_percent() {
    let s = pull_setup("f-cut");
    let cut = s.size * 9 / 10;
    s.proxy
        .add(Rule::once("GET", "/blobs/sha256:", Fault::CutResponse(cut)));
    let r = s.pull("out", &[]).ok();
    s.check("out");
    assert!(r.stderr.contains("resuming"), "{}", r.stderr);
    let gets = s.blob_gets();
    assert_eq!(gets.len(), 2, "one cut request and one ranged request");
    let range = gets[1].range.clone().expect("the second request is ranged");
    let start: u64 = range
        .trim_start_matches("bytes=")
        .split('-')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        start >= s.size * 85 / 100,
        "resumed near the cut, at {start}"
    );
    assert_eq!(
        range,
        format!("bytes={start}-{}", s.size - 1),
        "a closed range"
    );
    let moved = s.proxy.received("GET", &s.blob);
    assert!(moved < s.size + s.size / 10, "no full re-download: {moved}");
    report("pull cut at 90%", moved, s.size, &s.proxy);
}

#[test]
fn pull_resumes_after_a_stall() {
    let s = pull_setup("f-stall");
    // The proxy goes silent for 300 s, longer than the wall-time bound
    // below: only the stall timeout can end it in time.
    s.proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::StallResponse(s.size / 2, 300.0),
    ));
    let t = Instant::now();
    s.pull("out", &[("OAR_STALL_TIMEOUT", "2")]).ok();
    assert!(
        t.elapsed() < Duration::from_secs(120),
        "the stall was detected, not waited out: {:?}",
        t.elapsed()
    );
    s.check("out");
    // The silence oar bore before asking again: about the 2 s it was
    // told, far from the 60 s default (so the setting is honoured), and
    // not less than half of it (so it was the stall timeout that fired).
    let gets = s.blob_gets();
    assert_eq!(gets.len(), 2, "the stalled request and one resumption");
    let silence = gets[1].at.unwrap() - gets[0].done.unwrap();
    assert!(
        silence >= Duration::from_secs(1) && silence < Duration::from_secs(30),
        "oar waited {silence:?} on a stall with OAR_STALL_TIMEOUT=2"
    );
    let moved = s.proxy.received("GET", &s.blob);
    assert!(moved < s.size + s.size / 10, "{moved}");
    report("pull stalled at 50%", moved, s.size, &s.proxy);
}

#[test]
fn pull_retries_server_errors_and_rate_limits() {
    let s = pull_setup("f-5xx");
    // Retry-After comes on the first failure, where the backoff alone
    // would wait about 250 ms.
    s.proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::Status(503, Some("2")),
    ));
    s.proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::Status(500, None),
    ));
    s.proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::Status(502, None),
    ));
    s.proxy.add(Rule::once(
        "GET",
        "/manifests/",
        Fault::Status(429, Some("Thu, 01 Jan 1970 00:00:00 GMT")),
    ));
    let r = s.pull("out", &[]).ok();
    s.check("out");
    assert_eq!(r.stderr.matches("retrying").count(), 4, "{}", r.stderr);
    assert_eq!(s.proxy.faults(), 4);
    let gets = s.blob_gets();
    assert_eq!(
        gets.iter().map(|g| g.status).collect::<Vec<_>>(),
        [503, 500, 502, 200]
    );
    // Measured from the moment the 503 was asked for, so the bound holds
    // however late the answer or the retry was.
    let gap = gets[1].at.unwrap() - gets[0].at.unwrap();
    assert!(
        gap >= Duration::from_secs(2),
        "the retry came {gap:?} after a 503 with Retry-After: 2"
    );
    let moved = s.proxy.received("GET", &s.blob);
    report(
        "pull through 503 (Retry-After 2), 500, 502, 429 (Retry-After date)",
        moved,
        s.size,
        &s.proxy,
    );
    // A registry that stays down is given up on, with its last answer.
    let s2 = pull_setup("f-5xx-down");
    s2.proxy.add(Rule {
        method: "GET",
        path: "/blobs/sha256:",
        skip: 0,
        times: 100,
        fault: Fault::Status(503, None),
    });
    s2.pull("out", &[]).fails(1, "injected fault");
    assert_eq!(s2.proxy.faults(), 6, "the first try and 5 retries");
    assert!(!s2.dir.join("out/data.bin").exists());
}

#[test]
fn pull_copes_with_a_server_that_ignores_ranges() {
    let s = pull_setup("f-norange");
    s.proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::CutResponse(s.size / 2),
    ));
    s.proxy
        .add(Rule::once("GET", "/blobs/sha256:", Fault::IgnoreRange));
    s.pull("out", &[]).ok();
    s.check("out");
    let gets = s.blob_gets();
    assert_eq!(gets[1].status, 200, "the server sent everything again");
    let moved = s.proxy.received("GET", &s.blob);
    report(
        "pull cut at 50%, then Range ignored",
        moved,
        s.size,
        &s.proxy,
    );
}

/// A 64 MiB file and a proxy in front of `upstream`.
fn push_setup(name: &str, upstream: &str, seed: u64) -> (FaultProxy, TempDir) {
    let proxy = FaultProxy::start(upstream);
    let dir = TempDir::new(name);
    big_file(&dir.join("up.bin"), 64, seed);
    (proxy, dir)
}

fn push(proxy: &FaultProxy, dir: &TempDir, tag: &str) -> crate::util::Run {
    run(
        dir.path(),
        &[
            "push",
            "--plain-http",
            "-v",
            &format!("{}/up:{tag}", proxy.host()),
            "up.bin",
        ],
        &[],
    )
}

fn verify_pushed(reg_host: &str, dir: &TempDir, tag: &str) {
    let out = format!("verify-{tag}");
    oar(
        dir.path(),
        &[
            "pull",
            "--plain-http",
            &format!("{reg_host}/up:{tag}"),
            "-o",
            &out,
        ],
    )
    .ok();
    assert_eq!(
        sha256_of_file(&dir.join(&out).join("up.bin")),
        sha256_of_file(&dir.join("up.bin"))
    );
}

#[test]
fn push_resumes_a_chunked_upload_on_the_real_registry() {
    let reg = Registry::start();
    let size = 64 * MIB;
    // The connection drops as the third chunk starts: the registry holds
    // two chunks, says so, and the upload goes on from there.
    let (proxy, dir) = push_setup("f-push-cut0", &reg.host, 101);
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 2,
        times: 1,
        fault: Fault::CutRequest(0),
    });
    let r = push(&proxy, &dir, "a").ok();
    assert!(r.stderr.contains("continuing there"), "{}", r.stderr);
    verify_pushed(&reg.host, &dir, "a");
    let moved = proxy.sent("PATCH", "/blobs/uploads/");
    assert_eq!(moved, size, "not one byte sent twice");
    report(
        "push, connection cut at the start of chunk 3",
        moved,
        size,
        &proxy,
    );

    // A 502 on a chunk, 503 with Retry-After on the session start, 500 on
    // the closing PUT: each retried.
    let (proxy, dir) = push_setup("f-push-5xx", &reg.host, 102);
    proxy.add(Rule::once(
        "POST",
        "/blobs/uploads/",
        Fault::Status(503, Some("1")),
    ));
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 1,
        times: 1,
        fault: Fault::Status(502, None),
    });
    proxy.add(Rule::once("PUT", "digest=", Fault::Status(500, None)));
    push(&proxy, &dir, "b").ok();
    verify_pushed(&reg.host, &dir, "b");
    let moved = proxy.sent("PATCH", "/blobs/uploads/");
    assert_eq!(moved, size);
    report(
        "push through 503 (POST), 502 (PATCH 2), 500 (PUT)",
        moved,
        size,
        &proxy,
    );

    // A cut in the middle of a chunk: Debian's registry stores the partial
    // chunk and then refuses the session (distribution cancels uploads
    // resumed at an older offset), so the upload starts over, correctly.
    let (proxy, dir) = push_setup("f-push-cutmid", &reg.host, 103);
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 2,
        times: 1,
        fault: Fault::CutRequest(8 * MIB),
    });
    let r = push(&proxy, &dir, "c").ok();
    assert!(
        r.stderr.contains("starting a new one"),
        "{}\n{}\n{:?}",
        r.stderr,
        r.stdout,
        proxy.records()
    );
    verify_pushed(&reg.host, &dir, "c");
    report(
        "push, cut mid-chunk 3 (real registry restarts the session)",
        proxy.sent("PATCH", "/blobs/uploads/"),
        size,
        &proxy,
    );

    // An expired session: a new one is started.
    let (proxy, dir) = push_setup("f-push-drop", &reg.host, 104);
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 2,
        times: 1,
        fault: Fault::DropSession,
    });
    proxy.add(Rule::once("GET", "/blobs/uploads/", Fault::DropSession));
    let r = push(&proxy, &dir, "d").ok();
    assert!(r.stderr.contains("starting a new one"), "{}", r.stderr);
    verify_pushed(&reg.host, &dir, "d");
    report(
        "push, session dropped at chunk 3",
        proxy.sent("PATCH", "/blobs/uploads/"),
        size,
        &proxy,
    );
}

#[test]
fn push_resumes_mid_chunk_where_the_registry_keeps_the_session() {
    // The double keeps a session's bytes and reports them, as the spec
    // describes; a cut in the middle of chunk 3 costs only that chunk.
    let double = Double::start(Config::default());
    let size = 64 * MIB;
    let (proxy, dir) = push_setup("f-push-double", &double.host(), 105);
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 2,
        times: 1,
        fault: Fault::CutRequest(8 * MIB),
    });
    let r = push(&proxy, &dir, "a").ok();
    assert!(r.stderr.contains("continuing there"), "{}", r.stderr);
    verify_pushed(&double.host(), &dir, "a");
    let moved = proxy.sent("PATCH", "/blobs/uploads/");
    assert_eq!(
        moved, size,
        "the bytes of the cut chunk that arrived were not sent again"
    );
    report(
        "push, cut mid-chunk 3 (registry keeps the session)",
        moved,
        size,
        &proxy,
    );
}

#[test]
fn small_blobs_retry_their_single_put() {
    let reg = Registry::start();
    let proxy = FaultProxy::start(&reg.host);
    let dir = TempDir::new("f-small");
    dir.write("small.bin", pseudo_random(100_000, 1));
    proxy.add(Rule::once(
        "PUT",
        "digest=sha256:",
        Fault::CutRequest(50_000),
    ));
    run(
        dir.path(),
        &[
            "push",
            "--plain-http",
            &format!("{}/small:v1", proxy.host()),
            "small.bin",
        ],
        &[],
    )
    .ok();
    oar(
        dir.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("small:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    assert_eq!(dir.read("o/small.bin"), dir.read("small.bin"));
    assert_eq!(proxy.count("PATCH", "/"), 0, "small blobs are not chunked");
}

// ---- kill tests -----------------------------------------------------

fn spawn(dir: &Path, args: &[&str]) -> Child {
    let mut c = oar_cmd(dir, args);
    c.env("OAR_CHUNK_SIZE", CHUNK.to_string());
    c.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_for_stall(proxy: &FaultProxy, child: &mut Child) {
    wait_until(Duration::from_secs(30), "the stall point", || {
        assert!(
            child.try_wait().unwrap().is_none(),
            "oar ended before the stall"
        );
        proxy.is_stalled()
    });
}

/// The length of `path`, if it exists.
fn len_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

fn kill9(child: &mut Child) {
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success());
}

#[test]
fn killed_pulls_resume_from_their_partial_files() {
    let reg = Registry::start();
    let dir = TempDir::new("f-kill-pull");
    let size = 256 * MIB;
    big_file(&dir.join("huge.bin"), 256, 5);
    oar(
        dir.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("huge:v1"),
            "huge.bin",
        ],
    )
    .ok();
    let digest = sha256_of_file(&dir.join("huge.bin"));
    for pct in [30u64, 60, 90] {
        let proxy = FaultProxy::start(&reg.host);
        proxy.add(Rule::once(
            "GET",
            "/blobs/sha256:",
            Fault::StallResponse(size * pct / 100, 60.0),
        ));
        let out = format!("out{pct}");
        let reference = format!("{}/huge:v1", proxy.host());
        let mut child = spawn(
            dir.path(),
            &["pull", "--plain-http", &reference, "-o", &out],
        );
        wait_for_stall(&proxy, &mut child);
        // oar writes what it reads as it reads it: once the partial file
        // holds every byte the proxy relayed, nothing more can come.
        let first = proxy.received("GET", &digest);
        let partial = dir
            .join(&out)
            .join(format!(".oar-sha256-{}.partial", &digest[7..]));
        wait_until(
            Duration::from_secs(30),
            &format!("{} to hold the {first} bytes relayed", partial.display()),
            || len_of(&partial) == Some(first),
        );
        kill9(&mut child);
        assert!(
            !dir.join(&out).join("huge.bin").exists(),
            "nothing unverified under the final name"
        );
        assert_eq!(
            len_of(&partial),
            Some(first),
            "the kill kept the partial file"
        );
        proxy.clear();
        proxy.reset_records();
        run(
            dir.path(),
            &["pull", "--plain-http", &reference, "-o", &out],
            &[],
        )
        .ok();
        assert_eq!(sha256_of_file(&dir.join(&out).join("huge.bin")), digest);
        assert!(!partial.exists(), "the partial file took its final name");
        let ranges: Vec<Option<String>> = proxy
            .records()
            .into_iter()
            .filter(|r| r.method == "GET" && r.target.contains(&digest))
            .map(|r| r.range)
            .collect();
        assert_eq!(
            ranges,
            [Some(format!("bytes={first}-{}", size - 1))],
            "one request, resuming at exactly the partial file's length"
        );
        let second = proxy.received("GET", &digest);
        assert_eq!(second, size - first, "the rerun fetched only the rest");
        eprintln!(
            "FAULT-REPORT kill pull at {pct}%: first run {first} bytes, rerun {second} bytes, total {:.2}x of {size}",
            (first + second) as f64 / size as f64
        );
        // A finished file is not fetched again.
        proxy.reset_records();
        run(
            dir.path(),
            &["pull", "--plain-http", &reference, "-o", &out],
            &[],
        )
        .ok();
        assert_eq!(proxy.received("GET", &digest), 0);
    }
}

#[test]
fn killed_pushes_resume_their_upload_session() {
    let reg = Registry::start();
    let dir = TempDir::new("f-kill-push");
    let size = 256 * MIB;
    big_file(&dir.join("huge.bin"), 256, 6);
    for (i, stall_at_chunk) in [3u32, 9, 15].into_iter().enumerate() {
        let proxy = FaultProxy::start(&reg.host);
        // Killed as chunk N starts (the registry holds N-1 chunks).
        proxy.add(Rule {
            method: "PATCH",
            path: "/blobs/uploads/",
            skip: stall_at_chunk - 1,
            times: 1,
            fault: Fault::StallRequest(0, 60.0),
        });
        let reference = format!("{}/kp{i}:v1", proxy.host());
        let mut child = spawn(
            dir.path(),
            &["push", "--plain-http", &reference, "huge.bin"],
        );
        wait_for_stall(&proxy, &mut child);
        kill9(&mut child);
        let first = proxy.sent("PATCH", "/blobs/uploads/");
        proxy.clear();
        proxy.reset_records();
        let r = run(
            dir.path(),
            &["push", "--plain-http", "-v", &reference, "huge.bin"],
            &[],
        )
        .ok();
        assert!(r.stderr.contains("resuming the upload"), "{}", r.stderr);
        let second = proxy.sent("PATCH", "/blobs/uploads/");
        assert_eq!(
            second,
            size - first,
            "the rerun sent only what the registry lacked"
        );
        let out = format!("check{i}");
        oar(
            dir.path(),
            &[
                "pull",
                "--plain-http",
                &reg.reference(&format!("kp{i}:v1")),
                "-o",
                &out,
            ],
        )
        .ok();
        assert_eq!(
            sha256_of_file(&dir.join(&out).join("huge.bin")),
            sha256_of_file(&dir.join("huge.bin"))
        );
        eprintln!(
            "FAULT-REPORT kill push at chunk {stall_at_chunk}/16: first run {first} bytes, rerun {second} bytes of {size}"
        );
    }
    // Several files: the ones already uploaded are skipped on the rerun.
    for (n, name) in ["p1.bin", "p2.bin", "p3.bin", "p4.bin"].iter().enumerate() {
        big_file(&dir.join(name), 64, 20 + n as u64);
    }
    let proxy = FaultProxy::start(&reg.host);
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 9,
        times: 1,
        fault: Fault::StallRequest(4 * MIB, 60.0),
    });
    let reference = format!("{}/multi:v1", proxy.host());
    let files = ["p1.bin", "p2.bin", "p3.bin", "p4.bin"];
    let mut args = vec!["push", "--plain-http", reference.as_str()];
    args.extend_from_slice(&files);
    let mut child = spawn(dir.path(), &args);
    wait_for_stall(&proxy, &mut child);
    kill9(&mut child);
    let first = proxy.sent("PATCH", "/blobs/uploads/");
    proxy.clear();
    proxy.reset_records();
    let r = run(dir.path(), &args, &[]).ok();
    // The two files sent whole before the kill are there (beside the
    // empty config, which oras 1.3 shows too).
    let exists = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("Exists") && l.ends_with(".bin"));
    assert_eq!(exists.count(), 2, "{}", r.stdout);
    let second = proxy.sent("PATCH", "/blobs/uploads/");
    assert!(second < size, "the rerun sent {second} of {size}");
    eprintln!(
        "FAULT-REPORT kill push of 4 x 64 MiB files in file 3: first run {first} bytes, rerun {second} bytes of {size}"
    );
}

// ---- refusals in a chunked upload --------------------------------------

/// A 401 is a refusal, not a transient fault: a chunked upload whose
/// every `PATCH` is answered 401 fails at once (the first, and at most
/// one answer to a challenge), with no retry.
#[test]
fn a_401_on_a_chunk_fails_the_push_at_once() {
    let reg = Registry::start();
    let proxy = FaultProxy::start(&reg.host);
    let dir = TempDir::new("f-patch-401");
    dir.write("three.bin", pseudo_random(3 * MIB as usize, 31));
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 0,
        times: 100,
        fault: Fault::Status(401, None),
    });
    let target = format!("{}/refused:v1", proxy.host());
    let r = oar_env(
        dir.path(),
        &["push", "--plain-http", &target, "three.bin"],
        &[("OAR_CHUNK_SIZE", "1048576")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let patches = proxy.count("PATCH", "/blobs/uploads/");
    assert!(
        (1..=2).contains(&patches),
        "{patches} PATCHes: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("retrying"), "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("Error")),
        "{}",
        r.stderr
    );
}

/// A token service that starts refusing in the middle of a chunked
/// upload (the credential revoked): the registry refuses the second
/// chunk's token, oar asks for a new one, is refused, and fails with
/// exit 1 after the one chunk that went through, without a retry.
#[test]
fn a_token_refused_mid_upload_fails_without_retrying() {
    use crate::util::token::{ISSUER, SERVICE, TokenService, User};
    let tokens = TokenService::start(
        vec![User {
            name: "alice",
            password: "s3cret",
            refresh_token: None,
            grants: vec![("", vec!["pull", "push"])],
        }],
        300,
    );
    let realm = tokens.realm();
    let reg = Registry::start_with(crate::util::registry::Options {
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Default::default()
    });
    let proxy = FaultProxy::start(&reg.host);
    // The second chunk arrives without its token: the registry answers
    // its own challenge, as for a revoked token.
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 1,
        times: 100,
        fault: Fault::StripAuthorization,
    });
    let dir = TempDir::new("f-token-revoked");
    dir.write("three.bin", pseudo_random(3 * MIB as usize, 32));
    // The push's one token is granted; every request after it refused.
    tokens.refuse_after(1);
    let target = format!("{}/revoked:v1", proxy.host());
    let r = oar_env(
        dir.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "s3cret",
            &target,
            "three.bin",
        ],
        &[("OAR_CHUNK_SIZE", "1048576")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let patches: Vec<u16> = proxy
        .records()
        .iter()
        .filter(|p| p.method == "PATCH")
        .map(|p| p.status)
        .collect();
    assert_eq!(
        patches,
        [202, 401],
        "one chunk through, one refused: {}",
        r.stderr
    );
    assert_eq!(tokens.counts(), (2, 0), "one token granted, one refused");
    assert!(!r.stderr.contains("retrying"), "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("Error")),
        "{}",
        r.stderr
    );
}
