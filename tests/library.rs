//! The library as other programs use it: types that cross threads (checked
//! at compile time), one layout written by many handles, threads and
//! processes without losing a write, and one repository shared by threads
//! against Debian's registry with one token cache.

use std::sync::Arc;

use oar::content::layout::OciLayout;
use oar::content::{Resolver, Storage, Tagger, Target, all_tags, push_bytes};
use oar::ops::pack::{PackOptions, pack};
use oar::ops::push::push_packed;

use crate::util::registry::{Options, Registry};
use crate::util::token::{ISSUER, SERVICE, TokenService, User};
use crate::util::{TempDir, oar};

fn assert_send_sync<T: Send + Sync + ?Sized>() {}

/// Fails to compile when a type that programs share between threads stops
/// being `Send + Sync`.
#[test]
fn shared_types_are_send_and_sync() {
    assert_send_sync::<oar::registry::Registry>();
    assert_send_sync::<oar::registry::Repository>();
    assert_send_sync::<Arc<oar::registry::Registry>>();
    assert_send_sync::<OciLayout>();
    assert_send_sync::<oar::content::memory::MemoryStore>();
    assert_send_sync::<oar::credentials::store::Store>();
    assert_send_sync::<dyn oar::credentials::CredentialSource>();
    assert_send_sync::<oar::auth::AuthClient>();
    assert_send_sync::<oar::Error>();
    assert_send_sync::<dyn Target>();
    assert_send_sync::<Box<dyn Target>>();
}

/// Packs a small artifact holding `content` and pushes it into `target`,
/// tagged `tag`.
fn push_small(target: &dyn Target, content: &[u8], tag: &str) -> oar::Descriptor {
    let mut layer = oar::Descriptor::from_bytes(oar::media_type::OCI_LAYER_TAR, content);
    layer.set_annotation("org.opencontainers.image.title", "f.txt");
    push_bytes(target, &layer, content).unwrap();
    let packed = pack(
        vec![layer],
        &PackOptions::default().artifact_type("application/vnd.test"),
    )
    .unwrap();
    push_packed(
        target,
        &packed,
        Vec::new(),
        Some(tag),
        &mut oar::copy::quiet(),
    )
    .unwrap();
    packed.desc
}

#[test]
fn one_layout_many_handles_and_threads_loses_no_tag() {
    let d = TempDir::new("lib-layout");
    let root = d.join("lay");
    let first = OciLayout::new(&root);
    let desc = push_small(&first, b"shared", "base");
    // Two handles interleaved: each sees what the other wrote.
    let a = OciLayout::new(&root);
    let b = OciLayout::new(&root);
    a.tag(&desc, "t1").unwrap();
    b.tag(&desc, "t2").unwrap();
    a.tag(&desc, "t3").unwrap();
    // Four threads, each with its own handle, tagging 25 times, while
    // four more push artifacts of their own through one shared handle.
    let shared = Arc::new(OciLayout::new(&root));
    std::thread::scope(|s| {
        for t in 0..4 {
            let root = root.clone();
            let desc = desc.clone();
            s.spawn(move || {
                let mine = OciLayout::new(&root);
                for i in 0..25 {
                    mine.tag(&desc, &format!("th{t}-{i}")).unwrap();
                }
            });
        }
        for t in 0..4 {
            let shared = Arc::clone(&shared);
            s.spawn(move || {
                for i in 0..5 {
                    push_small(
                        shared.as_ref(),
                        format!("content {t} {i}").as_bytes(),
                        &format!("push{t}-{i}"),
                    );
                }
            });
        }
    });
    let tags = all_tags(&OciLayout::new(&root), "").unwrap();
    assert_eq!(tags.len(), 1 + 3 + 100 + 20, "{tags:?}");
    for t in 0..4 {
        for i in 0..5 {
            let r = OciLayout::new(&root)
                .resolve(&format!("push{t}-{i}"))
                .unwrap();
            assert!(first.exists(&r).unwrap());
        }
    }
}

#[test]
fn many_cli_processes_push_and_tag_one_layout() {
    let d = TempDir::new("lib-procs");
    d.write("base.txt", "base");
    oar(d.path(), &["push", "--oci-layout", "lay:base", "base.txt"]).ok();
    let mut children = Vec::new();
    for p in 0..8 {
        d.write(&format!("f{p}.txt"), format!("file {p}"));
        let push = crate::util::oar_cmd(
            d.path(),
            &[
                "push",
                "--oci-layout",
                &format!("lay:p{p}a,p{p}b,p{p}c"),
                &format!("f{p}.txt"),
            ],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
        let tag = crate::util::oar_cmd(
            d.path(),
            &[
                "tag",
                "--oci-layout",
                "lay:base",
                &format!("x{p}a"),
                &format!("x{p}b"),
                &format!("x{p}c"),
            ],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
        children.push(push);
        children.push(tag);
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let r = oar(d.path(), &["repo", "tags", "--oci-layout", "lay"]).ok();
    assert_eq!(r.lines().len(), 1 + 8 * 3 + 8 * 3, "{}", r.stdout);
    for p in 0..8 {
        for s in ["a", "b", "c"] {
            assert!(r.lines().contains(&format!("p{p}{s}").as_str()));
            assert!(r.lines().contains(&format!("x{p}{s}").as_str()));
        }
    }
}

#[test]
fn one_repository_shared_by_threads_uses_one_token_cache() {
    let tokens = TokenService::start(
        vec![User {
            name: "alice",
            password: "alice-pw",
            refresh_token: None,
            grants: vec![("", vec!["pull", "push"])],
        }],
        300,
    );
    let realm = tokens.realm();
    let reg = Registry::start_with(Options {
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Options::default()
    });
    let registry = oar::registry::Registry::new(
        &reg.host,
        oar::registry::RegistryOptions::default().plain_http(true),
        Box::new(oar::credentials::StaticCredential(
            oar::credentials::Credential::basic("alice", "alice-pw"),
        )),
    )
    .unwrap();
    let repo = Arc::new(registry.repository("shared"));
    repo.hint_actions(&["pull", "push"]);
    // One request first, so that the scheme is known and the token cached.
    let base = push_small(repo.as_ref(), b"base", "base");
    let before = registry.auth().token_requests();
    std::thread::scope(|s| {
        for t in 0..4 {
            let repo = Arc::clone(&repo);
            let base = base.clone();
            s.spawn(move || {
                for i in 0..5 {
                    push_small(
                        repo.as_ref(),
                        format!("thread {t} item {i}").as_bytes(),
                        &format!("t{t}-{i}"),
                    );
                    repo.tag(&base, &format!("b{t}-{i}")).unwrap();
                }
            });
        }
    });
    assert_eq!(
        registry.auth().token_requests(),
        before,
        "every thread used the cached token"
    );
    let tags = all_tags(repo.as_ref(), "").unwrap();
    assert_eq!(tags.len(), 1 + 20 + 20, "{tags:?}");
    for t in 0..4 {
        let d = repo.resolve(&format!("t{t}-4")).unwrap();
        assert!(repo.exists(&d).unwrap());
    }
}

/// Records progress per digest, and stops once `stop_after` bytes of one
/// blob went by.
struct Recorder {
    progress: std::collections::HashMap<oar::Digest, Vec<u64>>,
    stop_after: Option<u64>,
}

impl oar::copy::Observer for Recorder {
    fn event(&mut self, _action: oar::copy::Action, _desc: &oar::Descriptor) {}

    fn progress(&mut self, desc: &oar::Descriptor, done: u64) -> std::ops::ControlFlow<()> {
        self.progress
            .entry(desc.digest.clone())
            .or_default()
            .push(done);
        match self.stop_after {
            Some(limit) if done >= limit => std::ops::ControlFlow::Break(()),
            _ => std::ops::ControlFlow::Continue(()),
        }
    }
}

#[test]
fn progress_counts_every_byte_and_cancelling_leaves_a_resumable_pull() {
    use oar::content::files::{FileStore, FileStoreOptions};
    use oar::ops::pull::{PullOptions, pull};
    use oar::ops::push::{Upload, push_packed};
    let reg = Registry::start();
    let repo = oar::registry::Repository::open_with(
        &reg.reference("progress"),
        oar::registry::RegistryOptions::default().plain_http(true),
        Box::new(oar::credentials::StaticCredential::default()),
    )
    .unwrap();
    let data = crate::util::pseudo_random(6 * 1024 * 1024 + 123, 5);
    let upload = Upload::bytes(data.clone(), "application/octet-stream", "big.bin");
    let blob = upload.desc.clone();
    let packed = pack(
        vec![blob.clone()],
        &PackOptions::default().artifact_type("application/vnd.test"),
    )
    .unwrap();
    // Push: the progress of the blob ends at its size, never going back.
    let mut rec = Recorder {
        progress: Default::default(),
        stop_after: None,
    };
    push_packed(&repo, &packed, vec![upload], Some("v1"), &mut rec).unwrap();
    let seen = &rec.progress[&blob.digest];
    assert_eq!(*seen.last().unwrap(), blob.size);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "monotonic");
    // Pull, stopped after 2 MiB: a clean Cancelled, and a partial file.
    let d = TempDir::new("lib-cancel");
    let files = FileStore::new(&d.join("out"), FileStoreOptions::default()).unwrap();
    let mut stopper = Recorder {
        progress: Default::default(),
        stop_after: Some(2 * 1024 * 1024),
    };
    let err = pull(&repo, "v1", &files, &PullOptions::default(), &mut stopper).unwrap_err();
    assert!(matches!(err, oar::Error::Cancelled), "{err}");
    let partial = d.join(format!("out/.oar-sha256-{}.partial", blob.digest.hex()));
    let held = std::fs::metadata(&partial).unwrap().len();
    assert!(held >= 2 * 1024 * 1024 && held < blob.size, "{held}");
    assert!(!d.join("out/big.bin").exists());
    // Pulled again: the progress starts at the bytes held, ends at the
    // size, and the file is whole.
    let mut rec = Recorder {
        progress: Default::default(),
        stop_after: None,
    };
    pull(&repo, "v1", &files, &PullOptions::default(), &mut rec).unwrap();
    let seen = &rec.progress[&blob.digest];
    assert_eq!(seen[0], held, "the resumed pull starts at the bytes held");
    assert_eq!(*seen.last().unwrap(), blob.size);
    assert_eq!(std::fs::read(d.join("out/big.bin")).unwrap(), data);
    assert!(!partial.exists());
}

/// Cancels `cancel` from another thread after `after`, and returns how long
/// `work` took past that moment.
fn cancelled_after<T>(
    cancel: &oar::cancel::Cancel,
    after: std::time::Duration,
    work: impl FnOnce() -> T,
) -> (T, std::time::Duration) {
    let other = cancel.clone();
    let at = std::time::Instant::now() + after;
    let t = std::thread::spawn(move || {
        std::thread::sleep(after);
        other.cancel();
    });
    let out = work();
    let late = std::time::Instant::now().saturating_duration_since(at);
    t.join().unwrap();
    (out, late)
}

#[test]
fn a_cancel_from_another_thread_stops_stalled_requests_within_a_second() {
    use crate::util::faults::{Fault, FaultProxy, Rule};
    use oar::content::files::{FileStore, FileStoreOptions};
    use oar::ops::pull::{PullOptions, pull};
    use std::time::Duration;
    let open = |host: &str, cancel: &oar::cancel::Cancel| {
        oar::registry::Repository::open_with(
            &format!("{host}/stall"),
            oar::registry::RegistryOptions::default()
                .plain_http(true)
                .http(oar::http::HttpOptions::default().cancel(cancel.clone())),
            Box::new(oar::credentials::StaticCredential::default()),
        )
        .unwrap()
    };
    // A server that accepts and never answers: the manifest request (no
    // blob bytes, no progress to stop) waits on a silent socket.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_host = silent.local_addr().unwrap().to_string();
    let held = std::thread::spawn(move || silent.accept().map(|(sock, _)| sock));
    let cancel = oar::cancel::Cancel::new();
    let repo = open(&silent_host, &cancel);
    let (got, late) = cancelled_after(&cancel, Duration::from_millis(300), || repo.resolve("v1"));
    assert!(matches!(got, Err(oar::Error::Cancelled)), "{got:?}");
    assert!(
        late < Duration::from_secs(1),
        "stopped {late:?} after the cancel"
    );
    drop(held);

    // A blob answer that goes silent halfway: the pull stops with what it
    // had, kept for a resume.
    let reg = Registry::start();
    let d = TempDir::new("lib-stall");
    let data = crate::util::pseudo_random(4 * 1024 * 1024, 9);
    d.write("big.bin", &data);
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("stall:v1"),
            "big.bin",
        ],
    )
    .ok();
    let proxy = FaultProxy::start(&reg.host);
    proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::StallResponse(1024 * 1024, 60.0),
    ));
    let cancel = oar::cancel::Cancel::new();
    let repo = open(&proxy.host(), &cancel);
    let files = FileStore::new(&d.join("out"), FileStoreOptions::default()).unwrap();
    let mut quiet = |_: oar::copy::Action, _: &oar::Descriptor| {};
    let (got, late) = cancelled_after(&cancel, Duration::from_secs(2), || {
        pull(&repo, "v1", &files, &PullOptions::default(), &mut quiet)
    });
    assert!(proxy.is_stalled(), "the cancel came during the stall");
    assert!(matches!(got, Err(oar::Error::Cancelled)), "{got:?}");
    assert!(
        late < Duration::from_secs(1),
        "stopped {late:?} after the cancel"
    );
    let digest = crate::util::sha256_hex(&data);
    let partial = d.join(format!("out/.oar-sha256-{digest}.partial"));
    assert_eq!(
        std::fs::metadata(&partial).unwrap().len(),
        proxy.received("GET", &digest),
        "what arrived is kept"
    );
}

#[test]
fn a_cancelled_copy_into_a_layout_resumes_from_its_ingest() {
    use oar::copy::{CopyOptions, copy};
    let reg = Registry::start();
    let d = TempDir::new("lib-ingest");
    let data = crate::util::pseudo_random(5 * 1024 * 1024 + 7, 11);
    d.write("big.bin", &data);
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("ingest:v1"),
            "big.bin",
        ],
    )
    .ok();
    let repo = oar::registry::Repository::open_with(
        &reg.reference("ingest"),
        oar::registry::RegistryOptions::default().plain_http(true),
        Box::new(oar::credentials::StaticCredential::default()),
    )
    .unwrap();
    let layout = OciLayout::new(d.join("lay"));
    let digest = format!("sha256:{}", crate::util::sha256_hex(&data));
    // Stopped after 2 MiB: Cancelled, and the bytes kept in ingest/.
    let mut stopper = Recorder {
        progress: Default::default(),
        stop_after: Some(2 * 1024 * 1024),
    };
    let err = copy(
        &repo,
        "v1",
        &layout,
        Some("v1"),
        &CopyOptions::default(),
        &mut stopper,
    )
    .unwrap_err();
    assert!(matches!(err, oar::Error::Cancelled), "{err}");
    let partial = d.join(format!("lay/ingest/sha256-{}.partial", &digest[7..]));
    let held = std::fs::metadata(&partial).unwrap().len();
    assert!(
        held >= 2 * 1024 * 1024 && held < data.len() as u64,
        "{held}"
    );
    assert!(
        layout.resolve("v1").is_err(),
        "no tag for an incomplete copy"
    );
    // Copied again: the blob's progress starts at the bytes held, and the
    // layout holds the whole content, with nothing left in ingest/.
    let mut rec = Recorder {
        progress: Default::default(),
        stop_after: None,
    };
    copy(
        &repo,
        "v1",
        &layout,
        Some("v1"),
        &CopyOptions::default(),
        &mut rec,
    )
    .unwrap();
    let blob: oar::Digest = digest.parse().unwrap();
    assert_eq!(rec.progress[&blob][0], held, "resumed at the bytes held");
    assert_eq!(
        std::fs::read(d.join(format!("lay/blobs/sha256/{}", &digest[7..]))).unwrap(),
        data
    );
    assert_eq!(std::fs::read_dir(d.join("lay/ingest")).unwrap().count(), 0);
}

#[test]
fn tags_without_the_referrers_fallback_tags() {
    let d = TempDir::new("lib-tags");
    let layout = OciLayout::new(d.join("lay"));
    let desc = push_small(&layout, b"subject", "v1");
    layout
        .tag(&desc, &format!("sha256-{}", "a".repeat(64)))
        .unwrap();
    layout.tag(&desc, "sha256-short").unwrap();
    let mut all = all_tags(&layout, "").unwrap();
    all.sort();
    assert_eq!(all.len(), 3, "{all:?}");
    let mut given = oar::content::all_tags_without_referrers(&layout, "").unwrap();
    given.sort();
    assert_eq!(given, ["sha256-short", "v1"]);
}

#[test]
fn push_packed_names_a_layer_no_upload_holds() {
    use oar::ops::push::Upload;
    let d = TempDir::new("lib-missing");
    let layout = OciLayout::new(d.join("lay"));
    let a = Upload::bytes(b"a".to_vec(), "text/plain", "a.txt");
    let b = Upload::bytes(b"b".to_vec(), "text/plain", "b.txt");
    let packed = pack(
        vec![a.desc.clone(), b.desc.clone()],
        &PackOptions::default().artifact_type("application/vnd.test"),
    )
    .unwrap();
    let mut quiet = |_: oar::copy::Action, _: &oar::Descriptor| {};
    let err = push_packed(&layout, &packed, vec![a], Some("v1"), &mut quiet).unwrap_err();
    assert!(matches!(err, oar::Error::InvalidArgument(_)), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&b.desc.digest.to_string()) && text.contains("(b.txt)"),
        "{text}"
    );
    assert!(layout.resolve("v1").is_err(), "nothing tagged");
}
