//! No blob sent twice: oar remembers which repositories of a registry
//! hold which digests (under the user's cache directory) and mounts a
//! blob from one of them instead of uploading it again, as skopeo does.
//! Requests are counted by a recording proxy in front of Debian's
//! registry.

use crate::util::faults::FaultProxy;
use crate::util::registry::{Options, Registry};
use crate::util::{Run, TempDir, oar_env, pseudo_random};

/// `oar args…` with the cache directory under `d` (and nothing else from
/// the environment deciding where it is).
fn run(d: &TempDir, args: &[&str]) -> Run {
    let cache = d.join("cache");
    oar_env(
        d.path(),
        args,
        &[("XDG_CACHE_HOME", cache.to_str().unwrap())],
    )
}

/// Blob uploads (`PUT` closing a session) and mounts answered 201.
fn uploads_and_mounts(proxy: &FaultProxy) -> (usize, usize) {
    let records = proxy.records();
    let puts = records
        .iter()
        .filter(|r| r.method == "PUT" && r.target.contains("/blobs/uploads/"))
        .count();
    let mounts = records
        .iter()
        .filter(|r| r.method == "POST" && r.target.contains("mount=") && r.status == 201)
        .count();
    (puts, mounts)
}

#[test]
fn a_second_copy_into_the_same_registry_mounts_every_blob() {
    let src = Registry::start();
    let dst = Registry::start_with(Options {
        basic_auth: Some(("carol", "carol-secret")),
        ..Options::default()
    });
    let proxy = FaultProxy::start(&dst.host);
    let d = TempDir::new("blob-cache");
    // Five layers and a config: six blobs.
    let mut files = Vec::new();
    for i in 0..5 {
        let name = format!("layer{i}.bin");
        d.write(&name, pseudo_random(2 << 20, 40 + i));
        files.push(name);
    }
    d.write("config.json", "{\"five\":\"layers\"}");
    let mut push = vec!["push", "--plain-http", "--config", "config.json"];
    let src_ref = src.reference("five:v1");
    push.push(&src_ref);
    push.extend(files.iter().map(String::as_str));
    run(&d, &push).ok();
    let creds = ["-u", "carol", "-p", "carol-secret"];
    let to = |repo: &str| format!("{}/{repo}:v1", proxy.host());
    let cp = |repo: &str| {
        let mut args = vec![
            "cp",
            "--from-plain-http",
            "--to-plain-http",
            "--to-username",
            "carol",
            "--to-password",
            "carol-secret",
            &src_ref,
        ];
        let target = to(repo);
        args.push(&target);
        run(&d, &args).ok()
    };
    cp("one");
    let (puts, mounts) = uploads_and_mounts(&proxy);
    assert_eq!(
        (puts, mounts),
        (6, 0),
        "the first copy uploads the six blobs"
    );
    proxy.reset_records();
    // The second copy, into another repository of the same registry:
    // nothing is uploaded, every blob is mounted from the first.
    let out = cp("two");
    let (puts, mounts) = uploads_and_mounts(&proxy);
    assert_eq!((puts, mounts), (0, 6), "{}", out.stdout);
    assert!(
        out.stdout.contains("Copied  "),
        "oras's words: {}",
        out.stdout
    );
    // What was mounted is the artifact, byte for byte.
    let mut pull = vec!["pull", "--plain-http", "-o", "back"];
    pull.extend(creds);
    let two = to("two");
    pull.push(&two);
    run(&d, &pull).ok();
    for f in &files {
        assert_eq!(d.read(&format!("back/{f}")), d.read(f));
    }
    // The record names registries, digests and repositories only.
    let record = std::fs::read_to_string(d.join("cache/oar/blob-locations")).unwrap();
    assert!(record.lines().count() >= 6, "{record}");
    assert!(
        record.lines().all(|l| l.split(' ').count() == 3),
        "{record}"
    );
    assert!(
        !record.contains("carol") && !record.contains("secret"),
        "{record}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("cache/oar/blob-locations"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn pushes_mount_known_blobs_and_a_stale_entry_costs_one_refused_mount() {
    let reg = Registry::start();
    let proxy = FaultProxy::start(&reg.host);
    let d = TempDir::new("blob-cache-push");
    d.write("big.bin", pseudo_random(3 << 20, 77));
    let r = |repo: &str| format!("{}/{repo}:v1", proxy.host());
    let (p1, p2, p3) = (r("p1"), r("p2"), r("p3"));
    run(&d, &["push", "--plain-http", &p1, "big.bin"]).ok();
    proxy.reset_records();
    // The same file into another repository: mounted, and the status
    // lines stay oras's (a push says Uploading/Uploaded).
    let out = run(&d, &["push", "--plain-http", &p2, "big.bin"]).ok();
    assert!(out.stdout.contains("Uploaded  "), "{}", out.stdout);
    let (puts, mounts) = uploads_and_mounts(&proxy);
    assert_eq!(puts, 0, "no blob upload");
    assert!(mounts >= 1, "the file was mounted");
    // The registry forgets the blob in both repositories: the record is
    // now wrong. The next push asks for a mount once, is refused, and
    // uploads through the session the registry opened instead.
    let digest = format!("sha256:{}", crate::util::sha256_hex(&d.read("big.bin")));
    for repo in ["p1", "p2"] {
        let blob = format!("{}/{repo}@{digest}", proxy.host());
        run(&d, &["blob", "delete", "--plain-http", "-f", &blob]).ok();
    }
    proxy.reset_records();
    run(&d, &["push", "--plain-http", &p3, "big.bin"]).ok();
    let mounts_of = |status: u16| {
        proxy
            .records()
            .iter()
            .filter(|r| {
                r.method == "POST"
                    && r.target
                        .contains(&format!("mount={digest}").replace(':', "%3A"))
                    && r.status == status
            })
            .count()
    };
    assert_eq!(
        (mounts_of(202), mounts_of(201)),
        (1, 0),
        "one refused mount of the file"
    );
    let (puts, _) = uploads_and_mounts(&proxy);
    assert_eq!(puts, 1, "then one upload, through the session it opened");
    run(&d, &["pull", "--plain-http", &p3, "-o", "back"]).ok();
    assert_eq!(d.read("back/big.bin"), d.read("big.bin"));
}

#[test]
fn a_restore_into_a_second_repository_mounts_what_the_first_received() {
    let src = Registry::start();
    let dst = Registry::start();
    let proxy = FaultProxy::start(&dst.host);
    let d = TempDir::new("blob-cache-restore");
    d.write("a.bin", pseudo_random(2 << 20, 90));
    d.write("b.bin", pseudo_random(1 << 20, 91));
    let src_ref = src.reference("air:v1");
    run(&d, &["push", "--plain-http", &src_ref, "a.bin", "b.bin"]).ok();
    run(&d, &["backup", "--plain-http", "-o", "air.tar", &src_ref]).ok();
    let into = |repo: &str| {
        let target = format!("{}/{repo}", proxy.host());
        run(
            &d,
            &["restore", "--plain-http", "--input", "air.tar", &target],
        )
        .ok()
    };
    into("first");
    assert_eq!(
        uploads_and_mounts(&proxy),
        (3, 0),
        "two files and the config"
    );
    proxy.reset_records();
    into("second");
    assert_eq!(
        uploads_and_mounts(&proxy),
        (0, 3),
        "nothing uploaded twice to one registry"
    );
    run(
        &d,
        &[
            "pull",
            "--plain-http",
            "-o",
            "back",
            &format!("{}/second:v1", proxy.host()),
        ],
    )
    .ok();
    assert_eq!(d.read("back/a.bin"), d.read("a.bin"));
}

/// The record is kept per origin, port included: two registries on one
/// host are two registries. A blob pushed to A is never asked of B as a
/// mount (which would also tell B a repository name of A's).
#[test]
fn a_registry_on_another_port_of_the_same_host_is_never_asked_to_mount() {
    let a = Registry::start();
    let b = Registry::start();
    let proxy = FaultProxy::start(&b.host);
    let d = TempDir::new("blob-cache-ports");
    d.write("big.bin", pseudo_random(2 << 20, 78));
    run(
        &d,
        &[
            "push",
            "--plain-http",
            &a.reference("secret-name:v1"),
            "big.bin",
        ],
    )
    .ok();
    let record = std::fs::read_to_string(d.join("cache/oar/blob-locations")).unwrap();
    assert!(
        record.contains(&a.host),
        "the push to A was recorded: {record}"
    );
    let to_b = format!("{}/other:v1", proxy.host());
    run(&d, &["push", "--plain-http", &to_b, "big.bin"]).ok();
    let records = proxy.records();
    assert!(
        records
            .iter()
            .any(|r| r.method == "PATCH" || r.method == "PUT"),
        "B received the file: {records:?}"
    );
    let asked: Vec<&String> = records
        .iter()
        .map(|r| &r.target)
        .filter(|t| t.contains("mount=") || t.contains("secret-name"))
        .collect();
    assert!(asked.is_empty(), "B was asked about A's blobs: {asked:?}");
}
