//! Hostile artifacts and hostile registries: each test builds the attack
//! for real (tar archives written member by member, layouts with repeated
//! digests, servers that hand back foreign addresses or endless lists),
//! checks what matters (a victim file's mode, time, inode and bytes; no
//! link leading out; no credentials at a sink; bounded memory and time),
//! and keeps a benign control beside it that still works.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::util::double::{Config, Double, OVERSIZE, Oversized};
use crate::util::http::{Req, Resp, Server};
use crate::util::registry::{Certs, Options, Registry};
use crate::util::sandbox::assert_links_stay_inside;
use crate::util::tarball::{FILE, Part, Tar, push_artifact};
use crate::util::token::{ISSUER, SERVICE, TokenService, User};
use crate::util::{TempDir, oar, oar_env, oar_peak_rss, oar_umask, pseudo_random, sha256_hex};

/// A file outside the output directory that an attack aims at, and what
/// it looked like before.
struct Victim {
    path: PathBuf,
    bytes: Vec<u8>,
    mode: u32,
    mtime: i64,
    ino: u64,
}

impl Victim {
    /// `dir/name`, mode 0600, modified 2001-01-01.
    fn plant(dir: &Path, name: &str) -> Victim {
        let path = dir.join(name);
        let bytes = b"victim's own bytes\n".to_vec();
        std::fs::write(&path, &bytes).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(978_307_200))
            .unwrap();
        let m = std::fs::metadata(&path).unwrap();
        Victim {
            path,
            bytes,
            mode: m.mode() & 0o7777,
            mtime: m.mtime(),
            ino: m.ino(),
        }
    }

    #[track_caller]
    fn assert_untouched(&self) {
        let m = std::fs::symlink_metadata(&self.path).unwrap();
        assert!(m.is_file(), "the victim is still a plain file");
        assert_eq!(m.mode() & 0o7777, self.mode, "victim mode");
        assert_eq!(m.mtime(), self.mtime, "victim mtime");
        assert_eq!(m.ino(), self.ino, "victim inode");
        assert_eq!(m.nlink(), 1, "victim has no other name");
        assert_eq!(
            std::fs::read(&self.path).unwrap(),
            self.bytes,
            "victim bytes"
        );
    }
}

/// Pulls `tag` from the layout `lay` into `work/out`.
fn pull_layout(work: &Path, lay: &Path, tag: &str) -> crate::util::Run {
    std::fs::create_dir_all(work.join("out")).unwrap();
    oar(
        work,
        &[
            "pull",
            "--oci-layout",
            &format!("{}:{tag}", lay.display()),
            "-o",
            "out",
        ],
    )
}

/// `a1/a2/…/aN`.
fn deep(n: usize) -> String {
    (1..=n)
        .map(|i| format!("a{i}"))
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn symlink_chains_cannot_lead_out_or_chmod_outside() {
    let d = TempDir::new("sec-chain");
    let lay = d.join("lay");
    let chain = deep(25);
    // `up` climbs 25 levels: back to the layer's root, which is fine. Seen
    // as text, `up/../..` then stays inside too; on disk it climbs two
    // levels above the root, out of the output directory to the victim.
    let up = vec![".."; 25].join("/");
    let escape = format!("{chain}/up/../../victim");
    let cases = [
        (
            "chmod-through-replaced-dir",
            Tar::new()
                .dir("d/", 0o755)
                .symlink(&format!("d/{chain}/up"), &up)
                .entry("d/x/", b'5', "", 0o777, 0, b"")
                .symlink("d/x", &escape)
                .finish(),
        ),
        (
            "link-out",
            Tar::new()
                .dir("d/", 0o755)
                .symlink(&format!("d/{chain}/up"), &up)
                .symlink("d/x", &escape)
                .finish(),
        ),
        (
            "write-through",
            Tar::new()
                .dir("d/", 0o755)
                .symlink(&format!("d/{chain}/up"), &up)
                .symlink("d/x", &format!("{chain}/up/../.."))
                .file("d/x/victim", b"pwned")
                .finish(),
        ),
        (
            // 30 deep, and the link made before the chain that turns it
            // outward: only the check once the layer is out sees it.
            "link-made-outward-later",
            Tar::new()
                .dir("d/", 0o755)
                .symlink("d/x", &format!("{}/up/../../victim", deep(30)))
                .symlink(&format!("d/{}/up", deep(30)), &vec![".."; 30].join("/"))
                .finish(),
        ),
    ];
    for (tag, layer) in &cases {
        push_artifact(&lay, tag, &[Part::Dir("d", layer, None)]);
        let work = d.join(format!("work-{tag}"));
        std::fs::create_dir_all(&work).unwrap();
        let victim = Victim::plant(&work, "victim");
        let r = pull_layout(&work, &lay, tag);
        r.fails(1, "unsafe entry");
        victim.assert_untouched();
        let left: Vec<_> = std::fs::read_dir(work.join("out")).unwrap().collect();
        assert!(left.is_empty(), "{tag}: nothing is left in the output");
    }
    // Control: relative links that stay inside, through a directory link
    // and up again, unpack as they are.
    let benign = Tar::new()
        .dir("d/", 0o755)
        .file("d/a1/readme.txt", b"read me")
        .symlink("d/docs", "a1/readme.txt")
        .symlink("d/sub/back", "../a1")
        .symlink("d/via", "sub/back/readme.txt")
        .finish();
    push_artifact(&lay, "benign", &[Part::Dir("d", &benign, None)]);
    let work = d.join("work-benign");
    std::fs::create_dir_all(&work).unwrap();
    pull_layout(&work, &lay, "benign").ok();
    assert_eq!(std::fs::read(work.join("out/d/via")).unwrap(), b"read me");
    assert_eq!(
        std::fs::read_link(work.join("out/d/docs")).unwrap(),
        Path::new("a1/readme.txt")
    );
    assert_links_stay_inside(&work.join("out"));
}

#[test]
fn hard_links_must_name_a_file_of_the_layer() {
    let d = TempDir::new("sec-hard");
    let lay = d.join("lay");
    // The file is replaced by a link; a hard link to its name would link
    // the symbolic link itself.
    let replaced = Tar::new()
        .dir("d/", 0o755)
        .file("d/f", b"one")
        .file("d/g", b"two")
        .symlink("d/f", "g")
        .hard_link("d/h", "d/f")
        .finish();
    push_artifact(&lay, "replaced", &[Part::Dir("d", &replaced, None)]);
    let work = d.join("work-replaced");
    pull_layout(&work, &lay, "replaced").fails(1, "not a file of this layer");
    // A hard link to a directory, or to a name never written.
    let to_dir = Tar::new()
        .dir("d/", 0o755)
        .dir("d/sub/", 0o755)
        .hard_link("d/h", "d/sub")
        .finish();
    push_artifact(&lay, "to-dir", &[Part::Dir("d", &to_dir, None)]);
    pull_layout(&d.join("work-dir"), &lay, "to-dir").fails(1, "not a file of this layer");
    // Control: a hard link to a file of the layer shares its inode.
    let fine = Tar::new()
        .dir("d/", 0o755)
        .file("d/f", b"one")
        .hard_link("d/h", "d/f")
        .finish();
    push_artifact(&lay, "fine", &[Part::Dir("d", &fine, None)]);
    let work = d.join("work-fine");
    pull_layout(&work, &lay, "fine").ok();
    let (f, h) = (
        std::fs::metadata(work.join("out/d/f")).unwrap(),
        std::fs::metadata(work.join("out/d/h")).unwrap(),
    );
    assert_eq!(f.ino(), h.ino());
    assert_eq!(std::fs::read(work.join("out/d/h")).unwrap(), b"one");
}

/// Regular files under `root`, not following links.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p);
            } else if m.is_file() {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_copy_of_an_earlier_file_is_checked_again() {
    let d = TempDir::new("sec-copy");
    let lay = d.join("lay");
    let x = b"the right bytes".as_slice();
    // A later directory layer turns `a/f` into a link inside the layer,
    // or into other bytes; `g` has `a/f`'s first digest and must still
    // get the right bytes.
    let as_link = Tar::new()
        .dir("a/", 0o755)
        .file("a/other", b"other bytes")
        .symlink("a/f", "other")
        .finish();
    let as_bytes = Tar::new()
        .dir("a/", 0o755)
        .file("a/f", b"other bytes")
        .finish();
    for (tag, layer) in [("link", &as_link), ("bytes", &as_bytes)] {
        push_artifact(
            &lay,
            tag,
            &[
                Part::File("a/f", x),
                Part::Dir("a", layer, None),
                Part::File("g", x),
            ],
        );
        let work = d.join(format!("work-{tag}"));
        pull_layout(&work, &lay, tag).ok();
        assert_eq!(std::fs::read(work.join("out/g")).unwrap(), x, "{tag}");
        assert_eq!(
            std::fs::read(work.join("out/a/f")).unwrap(),
            b"other bytes",
            "{tag}"
        );
    }
    // The attack itself: `a/f` becomes a chain-escaping link to a secret
    // beside the output. The layer is refused, and the secret's bytes are
    // in no output file.
    let chain = deep(25);
    let evil = Tar::new()
        .dir("a/", 0o755)
        .symlink(&format!("a/{chain}/up"), &vec![".."; 25].join("/"))
        .symlink("a/f", &format!("{chain}/up/../../secret"))
        .finish();
    push_artifact(
        &lay,
        "evil",
        &[
            Part::File("a/f", x),
            Part::Dir("a", &evil, None),
            Part::File("g", x),
        ],
    );
    let work = d.join("work-evil");
    std::fs::create_dir_all(&work).unwrap();
    let secret = b"top secret: do not copy".as_slice();
    std::fs::write(work.join("secret"), secret).unwrap();
    pull_layout(&work, &lay, "evil").fails(1, "unsafe entry");
    for f in files_under(&work.join("out")) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret),
            "{} holds the secret",
            f.display()
        );
    }
}

#[test]
fn tar_header_bombs_stay_small() {
    let d = TempDir::new("sec-bomb");
    let lay = d.join("lay");
    const HUGE: u64 = 256 * 1024 * 1024;
    for (tag, kind) in [("long-name", b'L'), ("long-link", b'K'), ("pax", b'x')] {
        let layer = Tar::new()
            .dir("d/", 0o755)
            .huge_entry("././@LongLink", kind, HUGE, b'a')
            .file("d/after", b"x")
            .finish();
        assert!(layer.gz.len() < 1024 * 1024, "the bomb is small compressed");
        push_artifact(&lay, tag, &[Part::Dir("d", &layer, None)]);
        let work = d.join(format!("work-{tag}"));
        std::fs::create_dir_all(work.join("out")).unwrap();
        let started = Instant::now();
        let (r, kib) = oar_peak_rss(
            &work,
            &[
                "pull",
                "--oci-layout",
                &format!("{}:{tag}", lay.display()),
                "-o",
                "out",
            ],
        );
        eprintln!(
            "SECURITY-REPORT header bomb {tag}: peak RSS {kib} KiB, {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let r = r.fails(1, "an extended header");
        assert!(kib < 64 * 1024, "{tag}: peak RSS {kib} KiB");
        assert!(r.stderr.len() < 1000, "{tag}: short message:\n{}", r.stderr);
    }
    // Control: a name of a few hundred bytes is an ordinary long name.
    let name = format!("d/{}/{}", "n".repeat(150), "m".repeat(150));
    let layer = Tar::new().dir("d/", 0o755).file(&name, b"long").finish();
    push_artifact(&lay, "long-ok", &[Part::Dir("d", &layer, None)]);
    let work = d.join("work-ok");
    pull_layout(&work, &lay, "long-ok").ok();
    assert_eq!(
        std::fs::read(work.join("out").join(&name)).unwrap(),
        b"long"
    );
}

#[test]
fn unpack_budget_has_a_floor_and_a_ratio_that_can_be_raised() {
    const MIB: u64 = 1024 * 1024;
    let d = TempDir::new("sec-budget");
    let lay = d.join("lay");
    let zeros = |mib: u64| {
        Tar::new()
            .dir("d/", 0o755)
            .huge_entry("d/zeros", FILE, mib * MIB, 0)
            .finish()
    };
    // Zeros compress about 1000:1, ten times the default ratio of 100.
    // Under the 64 MiB floor that does not matter.
    push_artifact(&lay, "under", &[Part::Dir("d", &zeros(60), None)]);
    let work = d.join("work-under");
    pull_layout(&work, &lay, "under").ok();
    assert_eq!(
        std::fs::metadata(work.join("out/d/zeros")).unwrap().len(),
        60 * MIB
    );
    // Over it, the ratio decides: refused by default, taken once
    // OAR_UNPACK_RATIO allows 2000:1.
    push_artifact(&lay, "over", &[Part::Dir("d", &zeros(80), None)]);
    let work = d.join("work-over");
    pull_layout(&work, &lay, "over").fails(1, "set OAR_UNPACK_RATIO to allow more");
    let over = format!("{}:over", lay.display());
    let args = ["pull", "--oci-layout", over.as_str(), "-o", "out"];
    oar_env(&work, &args, &[("OAR_UNPACK_RATIO", "2000")]).ok();
    assert_eq!(
        std::fs::metadata(work.join("out/d/zeros")).unwrap().len(),
        80 * MIB
    );
}

#[test]
fn deep_nesting_unpacks_in_seconds() {
    let d = TempDir::new("sec-nest");
    let lay = d.join("lay");
    let mut t = Tar::new();
    t.dir("d/", 0o755);
    let mut path = String::from("d");
    for _ in 0..1500 {
        path.push_str("/n");
        t.dir(&format!("{path}/"), 0o755);
    }
    for i in 0..200 {
        t.file(&format!("{path}/f{i}"), format!("file {i}").as_bytes());
    }
    let layer = t.finish();
    assert!(layer.gz.len() < 200 * 1024, "{} bytes", layer.gz.len());
    push_artifact(&lay, "deep", &[Part::Dir("d", &layer, None)]);
    let work = d.join("work");
    let started = Instant::now();
    pull_layout(&work, &lay, "deep").ok();
    let took = started.elapsed();
    eprintln!(
        "SECURITY-REPORT nesting 1500 deep + 200 files: {:.2} s",
        took.as_secs_f64()
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert_eq!(
        std::fs::read(work.join("out").join(&path).join("f199")).unwrap(),
        b"file 199"
    );
}

#[test]
fn modes_follow_the_umask_and_lose_special_bits() {
    let d = TempDir::new("sec-modes");
    let lay = d.join("lay");
    let layer = Tar::new()
        .entry("d/", b'5', "", 0o777, 978_307_200, b"")
        .entry("d/f", b'0', "", 0o666, 978_307_200, b"f")
        .entry("d/suid", b'0', "", 0o4755, 978_307_200, b"s")
        .entry("d/sgid", b'0', "", 0o2755, 978_307_200, b"g")
        .entry("d/t/", b'5', "", 0o1777, 978_307_200, b"")
        .entry("d/private", b'0', "", 0o700, 978_307_200, b"p")
        .entry("d/normal", b'0', "", 0o644, 978_307_200, b"n")
        .entry("d/ro/", b'5', "", 0o555, 978_307_200, b"")
        .finish();
    push_artifact(&lay, "modes", &[Part::Dir("d", &layer, None)]);
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    for (umask, expected) in [
        (
            0o022,
            [
                ("d", 0o755),
                ("d/f", 0o644),
                ("d/suid", 0o755),
                ("d/sgid", 0o755),
                ("d/t", 0o755),
                ("d/private", 0o700),
                ("d/normal", 0o644),
                ("d/ro", 0o755),
            ],
        ),
        (
            0o077,
            [
                ("d", 0o700),
                ("d/f", 0o600),
                ("d/suid", 0o700),
                ("d/sgid", 0o700),
                ("d/t", 0o700),
                ("d/private", 0o700),
                ("d/normal", 0o600),
                ("d/ro", 0o700),
            ],
        ),
    ] {
        let work = d.join(format!("work-{umask:o}"));
        std::fs::create_dir_all(&work).unwrap();
        oar_umask(
            &work,
            umask,
            &[
                "pull",
                "--oci-layout",
                &format!("{}:modes", lay.display()),
                "-o",
                "out",
            ],
        )
        .ok();
        for (rel, want) in expected {
            let got = mode(&work.join("out").join(rel));
            assert_eq!(
                got, want,
                "umask {umask:03o}: {rel} is {got:o}, not {want:o}"
            );
        }
        // Times are kept, directories included.
        assert_eq!(
            std::fs::metadata(work.join("out/d")).unwrap().mtime(),
            978_307_200
        );
    }
}

/// Whether this process runs as root (the tests plant files owned by
/// another user, which needs it).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1).map(|u| u == "0"))
        .unwrap()
}

#[test]
fn planted_partial_files_are_not_written_through() {
    assert!(
        is_root(),
        "this test plants a partial file owned by another user: run the suite as root (as CI does)"
    );
    let d = TempDir::new("sec-partial");
    let data = pseudo_random(1024 * 1024, 7);
    std::fs::write(d.join("big.bin"), &data).unwrap();
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "big.bin"]).ok();
    let partial_name = format!(".oar-sha256-{}.partial", sha256_hex(&data));
    let pull = |work: &Path| {
        oar(
            work,
            &[
                "pull",
                "-v",
                "--oci-layout",
                &format!("{}:v1", d.join("lay").display()),
                "-o",
                "out",
            ],
        )
    };
    // A hard link to the victim under the partial name: written through,
    // it would append to (or truncate) the victim.
    let work = d.join("work-hard");
    std::fs::create_dir_all(work.join("out")).unwrap();
    let victim = Victim::plant(&work, "victim");
    std::fs::hard_link(&victim.path, work.join("out").join(&partial_name)).unwrap();
    let r = pull(&work).ok();
    assert!(!r.stderr.contains("resuming"), "{}", r.stderr);
    victim.assert_untouched();
    assert_eq!(std::fs::read(work.join("out/big.bin")).unwrap(), data);
    // A symbolic link to the victim.
    let work = d.join("work-symlink");
    std::fs::create_dir_all(work.join("out")).unwrap();
    let victim = Victim::plant(&work, "victim");
    std::os::unix::fs::symlink(&victim.path, work.join("out").join(&partial_name)).unwrap();
    pull(&work).ok();
    victim.assert_untouched();
    assert_eq!(std::fs::read(work.join("out/big.bin")).unwrap(), data);
    // Another user's file with the right first bytes: its owner could
    // change it after it was verified, so it is not resumed.
    let work = d.join("work-other-user");
    std::fs::create_dir_all(work.join("out")).unwrap();
    let planted = work.join("out").join(&partial_name);
    std::fs::write(&planted, &data[..1000]).unwrap();
    std::os::unix::fs::chown(&planted, Some(65534), Some(65534)).unwrap();
    let r = pull(&work).ok();
    assert!(!r.stderr.contains("resuming"), "{}", r.stderr);
    let m = std::fs::metadata(work.join("out/big.bin")).unwrap();
    assert_eq!(m.uid(), 0, "the pulled file is this user's own");
    assert_eq!(std::fs::read(work.join("out/big.bin")).unwrap(), data);
    // Control: this user's own partial file resumes from its length.
    let work = d.join("work-own");
    std::fs::create_dir_all(work.join("out")).unwrap();
    std::fs::write(work.join("out").join(&partial_name), &data[..1000]).unwrap();
    let r = pull(&work).ok();
    assert!(
        r.stderr.contains("from byte 1000 of 1048576"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(work.join("out/big.bin")).unwrap(), data);
}

/// A registry stand-in that wants basic auth and answers the upload
/// `POST` with `location` (`{sink}` is replaced by the sink's address).
fn upload_server(location: String) -> Server {
    Server::start(move |req: &Req| {
        if req.header("authorization").is_none() {
            return Resp::new(401, "").header("WWW-Authenticate", "Basic realm=\"double\"");
        }
        let path = req.path();
        match req.method.as_str() {
            "GET" if path == "/v2/" => Resp::new(200, "{}"),
            "HEAD" => Resp::new(404, ""),
            "POST" if path.ends_with("/blobs/uploads/") => {
                Resp::new(202, "").header("Location", location.clone())
            }
            "PUT" => Resp::new(201, ""),
            _ => Resp::new(404, ""),
        }
    })
}

#[test]
fn upload_locations_on_another_origin_are_refused() {
    let d = TempDir::new("sec-upload");
    d.write("file.txt", "content");
    let sink = Server::start(|_: &Req| Resp::new(201, ""));
    let push = |reg: &Server| {
        oar(
            d.path(),
            &[
                "push",
                "--plain-http",
                "-u",
                "user",
                "-p",
                "secret-password",
                &format!("{}/r:v1", reg.host()),
                "file.txt",
            ],
        )
    };
    for foreign in [
        format!("http://127.0.0.1:{}/upload/1", sink.port),
        format!("http://localhost:{}/upload/1", sink.port),
    ] {
        push(&upload_server(foreign)).fails(1, "another origin");
        assert!(sink.requests().is_empty(), "the sink saw nothing");
    }
    // Control: a location on the registry's own origin gets the upload,
    // with the credentials.
    let reg = upload_server("/upload/1".to_string());
    push(&reg).ok();
    let puts: Vec<Req> = reg
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path() == "/upload/1")
        .collect();
    // The empty config and the file.
    assert_eq!(puts.len(), 2);
    for put in puts {
        assert!(
            put.header("authorization")
                .is_some_and(|a| a.starts_with("Basic "))
        );
    }
}

#[test]
fn token_realms_in_clear_text_are_refused_for_tls_registries() {
    let certs = Certs::generate();
    let tokens = TokenService::start(
        vec![User {
            name: "",
            password: "",
            refresh_token: None,
            grants: vec![("", vec!["pull"])],
        }],
        300,
    );
    let realm = tokens.realm();
    assert!(realm.starts_with("http://"));
    let reg = Registry::start_with(Options {
        tls: Some(&certs),
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Options::default()
    });
    let d = TempDir::new("sec-realm");
    let ca = certs.ca.to_str().unwrap();
    oar(
        d.path(),
        &["pull", "--ca-file", ca, &reg.reference("r:v1"), "-o", "out"],
    )
    .fails(1, "plain HTTP for a registry reached over HTTPS");
    oar(
        d.path(),
        &[
            "pull",
            "--ca-file",
            ca,
            "-u",
            "u",
            "-p",
            "p",
            &reg.reference("r:v1"),
            "-o",
            "out",
        ],
    )
    .fails(1, "refusing token realm");
    assert_eq!(tokens.counts(), (0, 0), "the token service was never asked");
}

/// A stand-in registry that lists `per_page` tags (or repositories) per
/// page and always has a next page.
fn flooding_server(per_page: usize) -> Server {
    let tags: Vec<String> = (0..per_page).map(|i| format!("t{i:07}")).collect();
    let tag_page = serde_json::to_vec(&serde_json::json!({"name": "r", "tags": tags})).unwrap();
    let repo_page = serde_json::to_vec(&serde_json::json!({"repositories": tags})).unwrap();
    let pages = Arc::new(Mutex::new(0u64));
    Server::start(move |req: &Req| {
        *pages.lock().unwrap() += 1;
        match req.path() {
            "/v2/" => Resp::new(200, "{}"),
            "/v2/r/tags/list" => Resp::new(200, tag_page.clone())
                .header("Link", "</v2/r/tags/list?last=more>; rel=\"next\""),
            "/v2/_catalog" => Resp::new(200, repo_page.clone())
                .header("Link", "</v2/_catalog?last=more>; rel=\"next\""),
            _ => Resp::new(404, ""),
        }
    })
}

#[test]
fn endless_tag_and_repository_lists_are_bounded() {
    let d = TempDir::new("sec-flood");
    let flood = flooding_server(100_000);
    for (what, args) in [
        ("tag list", vec!["repo", "tags", "--plain-http"]),
        ("repository list", vec!["repo", "ls", "--plain-http"]),
    ] {
        let target = if what == "tag list" {
            format!("{}/r", flood.host())
        } else {
            flood.host()
        };
        let mut args = args.clone();
        args.push(&target);
        let started = Instant::now();
        let (r, kib) = oar_peak_rss(d.path(), &args);
        eprintln!(
            "SECURITY-REPORT {what} flood: peak RSS {kib} KiB, {:.2} s, {} lines printed",
            started.elapsed().as_secs_f64(),
            r.stdout.lines().count()
        );
        let r = r.fails(1, &format!("{what} (entries) exceeds the limit of 1000000"));
        assert!(kib < 128 * 1024, "{what}: peak RSS {kib} KiB");
        // Printed page by page until the cap: ten full pages.
        assert_eq!(r.stdout.lines().count(), 1_000_000);
    }
    // Control: a real registry's short list prints whole and sorted.
    let reg = Registry::start();
    d.write("f", "x");
    for t in ["v2", "v1", "latest"] {
        oar(
            d.path(),
            &[
                "push",
                "--plain-http",
                &reg.reference(&format!("r:{t}")),
                "f",
            ],
        )
        .ok();
    }
    let r = oar(
        d.path(),
        &["repo", "tags", "--plain-http", &reg.reference("r")],
    )
    .ok();
    assert_eq!(r.lines(), ["latest", "v1", "v2"]);
}

#[test]
fn terminal_escapes_are_never_printed_raw() {
    let d = TempDir::new("sec-escapes");
    let name = "evil\u{1b}]0;pwned\u{7}\u{9b}31m.txt";
    d.write(name, "content");
    let r = oar(d.path(), &["push", "--oci-layout", "lay:v1", name]);
    let r = r.ok();
    for out in [&r.stdout, &r.stderr] {
        assert!(
            !out.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "raw control bytes in {out:?}"
        );
    }
    assert!(
        r.stdout.contains("evil\\x1b]0;pwned\\x07\\u009b31m.txt"),
        "{}",
        r.stdout
    );
    // Such a title is refused as a file name on pull, named escaped.
    let p = oar(d.path(), &["pull", "--oci-layout", "lay:v1", "-o", "out"]);
    let p = p.fails(1, "control characters are not allowed");
    assert!(
        !p.stderr.contains(['\u{1b}', '\u{7}', '\u{9b}']),
        "{:?}",
        p.stderr
    );
    assert!(!d.join("out").join(name).exists());
    // A registry's error text with escapes.
    let hostile = Server::start(|req: &Req| match req.path() {
        "/v2/" => Resp::new(200, "{}"),
        _ => Resp::json(
            400,
            &serde_json::json!({"errors":[{"code":"MANIFEST_INVALID","message":"gone\u{1b}[2J\u{1b}]0;owned\u{7}"}]}),
        ),
    });
    let e = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--plain-http",
            &format!("{}/r:v1", hostile.host()),
        ],
    );
    let e = e.fails(1, "gone\\x1b[2J");
    assert!(!e.stderr.contains(['\u{1b}', '\u{7}']), "{:?}", e.stderr);
    // Control: ordinary names print as they are.
    d.write("plain ünïcödé.txt", "x");
    let c = oar(
        d.path(),
        &["push", "--oci-layout", "lay:v2", "plain ünïcödé.txt"],
    )
    .ok();
    assert!(c.stdout.contains(" plain ünïcödé.txt\n"), "{}", c.stdout);
}

#[test]
fn login_writes_through_a_linked_config() {
    let reg = Registry::start_with(Options {
        basic_auth: Some(("alice", "alice-pw")),
        ..Options::default()
    });
    let d = TempDir::new("sec-login");
    let config_dir = d.join(".docker-test");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::create_dir_all(d.join("dotfiles")).unwrap();
    std::fs::write(d.join("dotfiles/config.json"), r#"{"keep":"me"}"#).unwrap();
    std::os::unix::fs::symlink("../dotfiles/config.json", config_dir.join("config.json")).unwrap();
    crate::util::oar_input(
        d.path(),
        &[
            "login",
            "--plain-http",
            "-u",
            "alice",
            "--password-stdin",
            &reg.host,
        ],
        b"alice-pw\n",
    )
    .ok();
    let link = std::fs::symlink_metadata(config_dir.join("config.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("dotfiles/config.json")).unwrap()).unwrap();
    assert_eq!(written["keep"], "me");
    assert!(
        written["auths"][reg.host.as_str()]["auth"].is_string(),
        "{written}"
    );
    let mode = std::fs::metadata(d.join("dotfiles/config.json"))
        .unwrap()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

/// A double that gives the `hostile` answer, holding `r:v1` (one file)
/// where it lets it be pushed, and a referrer of it when the referrers
/// list is the hostile answer.
fn hostile_double(d: &TempDir, hostile: Oversized) -> Double {
    let double = Double::start(Config {
        referrers_api: true,
        oversized: Some(hostile),
        ..Config::default()
    });
    if matches!(hostile, Oversized::ErrorBody | Oversized::Token) {
        // Every manifest request (or every request) is refused: nothing
        // can be pushed, and nothing needs to be.
        return double;
    }
    d.write("f.txt", "content");
    let subject = format!("{}/r:v1", double.host());
    oar(d.path(), &["push", "--plain-http", &subject, "f.txt"]).ok();
    if hostile != Oversized::Referrers {
        return double;
    }
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/sig",
            &subject,
            "f.txt",
        ],
    )
    .ok();
    double
}

#[test]
fn oversized_answers_are_refused_in_bounded_memory() {
    let d = TempDir::new("sec-oversized");
    for (hostile, command, needle) in [
        (
            Oversized::Manifest,
            vec!["manifest", "fetch"],
            "manifest exceeds the limit of 4194304 bytes",
        ),
        (
            Oversized::TagList,
            vec!["repo", "tags"],
            "tag list exceeds the limit of 4194304 bytes",
        ),
        (
            Oversized::Referrers,
            vec!["discover"],
            "referrers list exceeds the limit of 4194304 bytes",
        ),
        (
            // The first 8 KiB hold the whole error: it is read and shown,
            // the rest is never read.
            Oversized::ErrorBody,
            vec!["manifest", "fetch"],
            "denied by the double",
        ),
        (
            Oversized::Token,
            vec!["manifest", "fetch"],
            "token response exceeds the limit of 131072 bytes",
        ),
    ] {
        let double = hostile_double(&d, hostile);
        let target = if hostile == Oversized::TagList {
            format!("{}/r", double.host())
        } else {
            format!("{}/r:v1", double.host())
        };
        let mut args = command.clone();
        args.extend(["--plain-http", target.as_str()]);
        let started = Instant::now();
        let (r, kib) = oar_peak_rss(d.path(), &args);
        eprintln!(
            "SECURITY-REPORT oversized {hostile:?} ({OVERSIZE} bytes of padding): peak RSS {kib} KiB, {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let r = r.fails(1, needle);
        assert!(
            r.stderr.len() < 1000,
            "{hostile:?}: short message:\n{}",
            r.stderr
        );
        assert!(kib < 32 * 1024, "{hostile:?}: peak RSS {kib} KiB");
    }
}

#[test]
fn redirect_chains_are_bounded() {
    let d = TempDir::new("sec-redirects");
    d.write("blob.bin", "redirected blob");
    let digest = crate::util::sha256_of_file(&d.join("blob.bin"));
    // Ten redirects are followed; the eleventh is refused.
    for (hops, ok) in [(10, true), (11, false)] {
        let double = Double::start(Config {
            redirects: hops,
            ..Config::default()
        });
        let repo = format!("{}/r", double.host());
        oar(
            d.path(),
            &["blob", "push", "--plain-http", &repo, "blob.bin"],
        )
        .ok();
        let r = oar(
            d.path(),
            &[
                "blob",
                "fetch",
                "--plain-http",
                "-o",
                "-",
                &format!("{repo}@{digest}"),
            ],
        );
        let followed = double.count("GET", "/hop/");
        if ok {
            assert_eq!(r.ok().stdout, "redirected blob");
            assert_eq!(followed, 10);
        } else {
            r.fails(1, "too many redirects (more than 10)");
            assert_eq!(followed, 10, "the eleventh redirect was not followed");
        }
    }
}

/// A tag that climbs out of `/v2/<name>/manifests/` into another
/// repository's manifests.
const CLIMBING_TAG: &str = "../../../victim/manifests/latest";

/// Adds `tag` to the layout at `lay` as another name of what `like` names,
/// by editing `index.json` as an attacker would.
fn add_layout_tag(lay: &Path, like: &str, tag: &str) {
    let path = lay.join("index.json");
    let mut index = crate::util::json(&std::fs::read_to_string(&path).unwrap());
    let manifests = index["manifests"].as_array_mut().unwrap();
    let mut entry = manifests
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == like)
        .unwrap()
        .clone();
    entry["annotations"]["org.opencontainers.image.ref.name"] = tag.into();
    manifests.push(entry);
    std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
}

#[test]
fn tags_from_layouts_and_tag_lists_never_reach_a_url_unchecked() {
    let d = TempDir::new("sec-tags");
    d.write("f.txt", "payload");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    // A layout whose index.json names the climbing tag, restored: nothing
    // is pushed at all, and the error names the tag.
    add_layout_tag(&d.join("lay"), "v1", CLIMBING_TAG);
    let dst = Double::start(Config::default());
    let r = oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "lay",
            &format!("{}/mine", dst.host()),
        ],
    );
    let climbing_puts = dst.count("PUT", "/..");
    eprintln!(
        "SECURITY-REPORT tag {CLIMBING_TAG:?} in a layout, restored: exit {}, {climbing_puts} PUT(s) with `..`, {} request(s) in all; {}",
        r.code,
        dst.server.requests().len(),
        r.stderr.trim()
    );
    assert_eq!(climbing_puts, 0);
    r.fails(1, &format!("invalid tag {CLIMBING_TAG:?}"));
    assert_eq!(
        dst.count("PUT", "/"),
        0,
        "nothing is pushed before the refusal"
    );
    // The same layout as an archive, read in place and as a stream.
    crate::util::sh("tar", &["-cf", "lay.tar", "-C", "lay", "."], d.path());
    let tar = std::fs::read(d.join("lay.tar")).unwrap();
    for input in ["lay.tar", "-"] {
        let args = [
            "restore",
            "--plain-http",
            "--input",
            input,
            &format!("{}/mine", dst.host()),
        ];
        crate::util::oar_input(d.path(), &args, &tar)
            .fails(1, &format!("invalid tag {CLIMBING_TAG:?}"));
        assert_eq!(dst.count("PUT", "/.."), 0, "--input {input}");
    }
    // A hostile source lists the climbing tag: backup refuses it, naming
    // it, and stores nothing tagged with it.
    let src = Double::start(Config {
        alias: Some((CLIMBING_TAG.to_string(), "v1".to_string())),
        ..Config::default()
    });
    oar(
        d.path(),
        &[
            "cp",
            "--to-plain-http",
            "--from-oci-layout",
            "lay:v1",
            &format!("{}/src:v1", src.host()),
        ],
    )
    .ok();
    let b = oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "-o",
            "hostile-backup",
            &format!("{}/src", src.host()),
        ],
    );
    eprintln!(
        "SECURITY-REPORT tag {CLIMBING_TAG:?} listed by the source, backed up: exit {}; {}",
        b.code,
        b.stderr.trim()
    );
    b.fails(1, &format!("invalid tag {CLIMBING_TAG:?}"));
    let stored = std::fs::read_to_string(d.join("hostile-backup/index.json")).unwrap_or_default();
    assert!(!stored.contains("victim"), "{stored}");
    // Control: a plain tag restores, and backs up from the same source.
    let r = oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "lay",
            &format!("{}/mine:v1", dst.host()),
        ],
    )
    .ok();
    assert!(r.stdout.contains("Pushed tag v1"), "{}", r.stdout);
    assert_eq!(dst.count("PUT", "/v2/mine/manifests/v1"), 1);
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "-o",
            "good-backup",
            &format!("{}/src:v1", src.host()),
        ],
    )
    .ok();
}

/// Writes `manifest` into the layout at `lay` as a blob and lists it,
/// untagged, in `index.json`, as a pusher that skips every check would.
fn plant_manifest(lay: &Path, manifest: &serde_json::Value) {
    let bytes = serde_json::to_vec(manifest).unwrap();
    let hex = sha256_hex(&bytes);
    std::fs::write(lay.join("blobs/sha256").join(&hex), &bytes).unwrap();
    let path = lay.join("index.json");
    let mut index = crate::util::json(&std::fs::read_to_string(&path).unwrap());
    index["manifests"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": format!("sha256:{hex}"),
            "size": bytes.len(),
        }));
    std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
}

#[test]
fn discover_escapes_what_a_referrer_says() {
    let d = TempDir::new("sec-discover");
    d.write("f.txt", "subject");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    let subject = crate::util::json(
        &oar(
            d.path(),
            &[
                "manifest",
                "fetch",
                "--oci-layout",
                "lay:v1",
                "--descriptor",
            ],
        )
        .ok()
        .stdout,
    );
    let evil_type = "application/x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m/sig\u{202e}gpj.exe";
    let evil_note = "\u{1b}[1A\u{1b}[2Kall good \u{2066}\u{202d}reversed\u{2069}";
    plant_manifest(
        &d.join("lay"),
        &serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": evil_type,
            "config": {
                "mediaType": "application/vnd.oci.empty.v1+json",
                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                "size": 2,
            },
            "layers": [],
            "subject": {
                "mediaType": subject["mediaType"],
                "digest": subject["digest"],
                "size": subject["size"],
            },
            "annotations": {"note": evil_note},
        }),
    );
    // Control: an ordinary referrer beside it.
    oar(
        d.path(),
        &[
            "attach",
            "--oci-layout",
            "lay:v1",
            "--artifact-type",
            "application/vnd.example.sbom",
            "--annotation",
            "note=plain ünïcödé",
        ],
    )
    .ok();
    let raw = [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{202d}', '\u{2066}', '\u{2069}',
    ];
    for format in ["tree", "table", "json"] {
        let r = oar(
            d.path(),
            &[
                "discover",
                "--oci-layout",
                "lay:v1",
                "-v",
                "--format",
                format,
            ],
        )
        .ok();
        let raw_seen: Vec<char> = raw
            .iter()
            .copied()
            .filter(|c| r.stdout.contains(*c))
            .collect();
        eprintln!(
            "SECURITY-REPORT discover --format {format} -v: raw controls printed: {raw_seen:?}"
        );
        assert!(
            raw_seen.is_empty(),
            "{format}: raw {raw_seen:?} in {:?}",
            r.stdout
        );
        assert!(
            r.stdout.contains("application/vnd.example.sbom"),
            "{format}: {}",
            r.stdout
        );
        match format {
            "json" => {
                // Still valid JSON, saying exactly what the referrer says.
                let v = crate::util::json(&r.stdout);
                let types: Vec<&str> = v["referrers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|m| m["artifactType"].as_str())
                    .collect();
                assert!(types.contains(&evil_type), "{types:?}");
                let notes: Vec<&str> = v["referrers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|m| m["annotations"]["note"].as_str())
                    .collect();
                assert!(notes.contains(&evil_note), "{notes:?}");
                assert!(notes.contains(&"plain ünïcödé"), "{notes:?}");
            }
            _ => {
                assert!(
                    r.stdout.contains(
                        "application/x\\x1b]0;pwned\\x07\\x1b[2J\\u009b31m/sig\\u202egpj.exe"
                    ),
                    "{format}: {}",
                    r.stdout
                );
                if format == "tree" {
                    assert!(
                        r.stdout.contains("\\u2066\\u202dreversed\\u2069"),
                        "{}",
                        r.stdout
                    );
                    assert!(r.stdout.contains("note: plain ünïcödé\n"), "{}", r.stdout);
                }
            }
        }
    }
}

#[test]
fn socks_proxies_are_used_never_bypassed() {
    use crate::util::socks::Socks;
    let d = TempDir::new("sec-socks");
    d.write("p.txt", "through the proxy only");
    let reg = Double::start(Config::default());
    // The registry is addressed as `reg.oar.test` (loopback would never be
    // proxied). For `socks5` oar resolves the name itself, to 127.0.0.3,
    // where nothing listens: only the proxy (which dials 127.0.0.1) can
    // reach the registry, so a direct connection fails.
    let name = format!("reg.oar.test:{}", reg.server.port);
    let resolve = format!("{name}:127.0.0.3");
    let push = |proxy: &str, tag: &str, resolve_here: bool| {
        let reference = format!("{name}/px:{tag}");
        let mut args = vec!["push", "--plain-http"];
        if resolve_here {
            args.extend(["--resolve", resolve.as_str()]);
        }
        args.extend([reference.as_str(), "p.txt"]);
        oar_env(d.path(), &args, &[("HTTP_PROXY", proxy)])
    };
    let open = Socks::start(None);
    let locked = Socks::start(Some(("alice", "s3cret")));
    let cases = [
        // (proxy, tag, resolve locally, target the proxy must be asked for)
        (
            open.url("socks5", ""),
            "a",
            true,
            format!("127.0.0.3:{}", reg.server.port),
        ),
        (open.url("socks5h", ""), "b", false, name.clone()),
        (
            locked.url("socks5h", "alice:s3cret@"),
            "c",
            false,
            name.clone(),
        ),
    ];
    for (proxy, tag, local, target) in &cases {
        let before = reg.count("PUT", &format!("/manifests/{tag}"));
        let socks = if proxy.contains("alice") {
            &locked
        } else {
            &open
        };
        let seen = socks.asks().len();
        let r = push(proxy, tag, *local);
        let asks = socks.asks().split_off(seen);
        eprintln!(
            "SECURITY-REPORT HTTP_PROXY={}: exit {}, proxy asked for {:?}; {}",
            proxy.replace("s3cret", "…"),
            r.code,
            asks.iter().map(|a| a.target.as_str()).collect::<Vec<_>>(),
            r.stderr.trim()
        );
        r.ok();
        assert_eq!(reg.count("PUT", &format!("/manifests/{tag}")), before + 1);
        assert!(
            !asks.is_empty() && asks.iter().all(|a| a.target == *target),
            "{asks:?}"
        );
    }
    let logins: Vec<_> = locked.asks().into_iter().map(|a| a.login).collect();
    assert!(
        logins
            .iter()
            .all(|l| *l == Some(("alice".to_string(), "s3cret".to_string()))),
        "{logins:?}"
    );
    // Without the credentials the proxy refuses, and the push fails: it
    // does not go round the proxy.
    let puts = reg.count("PUT", "/");
    push(&locked.url("socks5h", ""), "d", false).fails(1, "no acceptable auth methods");
    // A scheme Go would not use either is refused, not bypassed.
    push(&open.url("socks4", "bob:pw@"), "e", true).fails(1, "unsupported scheme \"socks4\"");
    let r = push(&open.url("gopher", ""), "f", true);
    assert!(!r.stderr.contains("pw"), "{}", r.stderr);
    r.fails(1, "invalid proxy");
    assert_eq!(reg.count("PUT", "/"), puts, "nothing reached the registry");
}

#[test]
fn debug_output_masks_userinfo_in_urls() {
    let d = TempDir::new("sec-userinfo");
    let blob = b"blob behind a redirect".to_vec();
    let digest = format!("sha256:{}", sha256_hex(&blob));
    let port = Arc::new(Mutex::new(0u16));
    let (p, served) = (port.clone(), blob.clone());
    let server = Server::start(move |req: &Req| {
        let here = format!("127.0.0.1:{}", p.lock().unwrap());
        match req.path() {
            "/v2/" => Resp::new(200, "{}"),
            // The attack: credentials in the Location of a redirect.
            path if path.contains("/secret/blobs/") => Resp::new(307, "").header(
                "Location",
                format!("http://alice:s3cret@{here}/mirror/blob?sig=abc&n=1"),
            ),
            // The control: a redirect without userinfo.
            path if path.contains("/plain/blobs/") => {
                Resp::new(307, "").header("Location", format!("http://{here}/mirror/blob?n=1"))
            }
            "/mirror/blob" => Resp::new(200, served.clone()),
            _ => Resp::new(404, ""),
        }
    });
    *port.lock().unwrap() = server.port;
    for repo in ["secret", "plain"] {
        let r = oar(
            d.path(),
            &[
                "blob",
                "fetch",
                "--plain-http",
                "--debug",
                "-o",
                "-",
                &format!("{}/{repo}@{digest}", server.host()),
            ],
        )
        .ok();
        assert_eq!(r.stdout.as_bytes(), blob.as_slice());
        let leaked: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains("alice") || l.contains("s3cret"))
            .collect();
        eprintln!(
            "SECURITY-REPORT --debug, {repo} redirect: {} line(s) show the userinfo {leaked:?}",
            leaked.len()
        );
        assert!(leaked.is_empty(), "{leaked:?}");
        let shown = format!("http://{}/mirror/blob", server.host());
        if repo == "secret" {
            assert!(
                r.stderr
                    .contains(&format!("http://*****@{}/mirror/blob", server.host())),
                "{}",
                r.stderr
            );
        } else {
            assert!(r.stderr.contains(&format!("{shown}?n=1")), "{}", r.stderr);
        }
    }
}

#[test]
fn a_certificate_trusted_as_itself_must_allow_server_use() {
    use crate::util::registry::self_signed;
    let d = TempDir::new("sec-eku");
    // The docs' one-line self-signed certificate, with the usage a user
    // copies for a client certificate, or a server's.
    for (usage, ok) in [
        ("clientAuth", false),
        ("codeSigning, emailProtection", false),
        ("serverAuth", true),
        ("clientAuth, serverAuth", true),
        ("clientAuth, anyExtendedKeyUsage", true),
        ("critical, clientAuth", false),
        ("critical, serverAuth", true),
    ] {
        let dir = TempDir::new("sec-eku-cert");
        self_signed(
            dir.path(),
            "key.pem",
            "cert.pem",
            "/CN=127.0.0.1",
            &[
                "-addext",
                "subjectAltName = IP:127.0.0.1",
                "-addext",
                &format!("extendedKeyUsage = {usage}"),
            ],
        );
        let certs = Certs::at(dir, "cert.pem", "cert.pem", "key.pem");
        let server = Server::start_tls(&certs, |req: &Req| match req.path() {
            "/v2/" => Resp::new(200, "{}"),
            _ => Resp::json(200, &serde_json::json!({"name": "r", "tags": ["t1"]})),
        });
        let r = oar(
            d.path(),
            &[
                "repo",
                "tags",
                "--ca-file",
                certs.ca.to_str().unwrap(),
                &format!("{}/r", server.host()),
            ],
        );
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with("Error"))
            .unwrap_or("");
        eprintln!(
            "SECURITY-REPORT self-signed, trusted as itself, extendedKeyUsage = {usage}: exit {}, {} request(s) served; {line}",
            r.code,
            server.requests().len()
        );
        if ok {
            assert_eq!(r.ok().stdout, "t1\n");
        } else {
            r.fails(1, "x509: certificate specifies an incompatible key usage");
            assert!(server.requests().is_empty(), "no request crossed");
        }
    }
}

#[test]
fn templates_are_bounded_in_memory_and_depth() {
    let d = TempDir::new("sec-template");
    d.write("f.txt", "templated");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    let parens = format!(
        "{{{{{}.mediaType{}}}}}",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let cases = [
        (
            "repeat 4000000000",
            "{{repeat 4000000000 \"x\"}}".to_string(),
            "the result of repeat would be larger than 16 MiB",
        ),
        (
            "printf width 1e12",
            "{{printf \"%1000000000000d\" 1}}".to_string(),
            "printf width would be larger than 16 MiB",
        ),
        (
            "20,000 parentheses",
            parens,
            "nesting deeper than 100 levels",
        ),
        (
            "output past 16 MiB",
            "{{$x := repeat 9000000 \"x\"}}{{$x}}{{$x}}".to_string(),
            "the output would be larger than 16 MiB",
        ),
    ];
    for (what, template, needle) in &cases {
        let format = format!("go-template={template}");
        let started = Instant::now();
        // 2 GiB of address space: the old unbounded growth dies of it
        // rather than taking the machine's memory.
        let (r, kib) = crate::util::oar_peak_rss_within(
            d.path(),
            &[
                "manifest",
                "fetch",
                "--oci-layout",
                "lay:v1",
                "--format",
                &format,
            ],
            Some(2 << 20),
        );
        eprintln!(
            "SECURITY-REPORT template {what}: exit {}, peak RSS {kib} KiB, {:.2} s; {}",
            r.code,
            started.elapsed().as_secs_f64(),
            r.stderr
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(120)
                .collect::<String>()
        );
        r.fails(1, needle);
        assert!(kib < 200 * 1024, "{what}: peak RSS {kib} KiB");
    }
    // Control: widths and precisions as Go prints them, and a large but
    // allowed output.
    let r = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--format",
            "go-template={{printf \"%-6s|%5d|%05d|%.2f|%.3s\" \"ab\" 42 7 1.23456 .mediaType}}",
        ],
    )
    .ok();
    assert_eq!(r.stdout, "ab    |   42|00007|1.23|app");
    let r = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--format",
            "go-template={{repeat 1000000 \"x\"}}",
        ],
    )
    .ok();
    assert_eq!(r.stdout.len(), 1_000_000);
}

/// The modes of the spool files the process `pid` holds open (found
/// through `/proc`, since the file loses its name at once).
fn open_spool_modes(pid: u32) -> Vec<u32> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter(|fd| {
            std::fs::read_link(fd.path())
                .is_ok_and(|target| target.to_string_lossy().contains("oar-spool"))
        })
        .filter_map(|fd| std::fs::metadata(fd.path()).ok())
        .map(|m| m.mode() & 0o777)
        .collect()
}

#[test]
fn the_restore_spool_is_private_from_creation() {
    use std::io::Write as _;
    let d = TempDir::new("sec-spool");
    d.write("f.txt", "spooled");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    crate::util::sh("tar", &["-cf", "lay.tar", "-C", "lay", "."], d.path());
    let tmp = d.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let dst = Double::start(Config::default());
    // A restore from standard input, held open: the spool exists while
    // the stream has not ended. The umask would allow 0644.
    let mut child = crate::util::wrapped_cmd(
        d.path(),
        &["sh", "-c", "umask 022; exec \"$@\"", "sh"],
        &[
            "restore",
            "--plain-http",
            "--input",
            "-",
            &format!("{}/mine", dst.host()),
        ],
    )
    .env("TMPDIR", &tmp)
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let pid = child.id();
    let mut modes = Vec::new();
    crate::util::wait_until(Duration::from_secs(10), "the spool is open", || {
        modes = open_spool_modes(pid);
        !modes.is_empty()
    });
    let shown: Vec<String> = modes.iter().map(|m| format!("{m:o}")).collect();
    eprintln!("SECURITY-REPORT restore spool file modes (umask 022): {shown:?}");
    // Control: the restore goes on and succeeds once the stream comes.
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&std::fs::read(d.join("lay.tar")).unwrap())
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dst.count("PUT", "/v2/mine/manifests/v1"), 1);
    assert_eq!(modes, [0o600]);
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "nothing left");
}

#[test]
fn the_blob_location_record_loads_in_linear_time_and_keeps_its_newest() {
    let d = TempDir::new("sec-locations");
    let cache = d.join("cache");
    let env = [("XDG_CACHE_HOME", cache.to_str().unwrap())];
    // Debian's registry keeps blobs per repository; the recording proxy
    // in front counts the mounts.
    let registry = Registry::start();
    let reg = crate::util::faults::FaultProxy::start(&registry.host);
    d.write("b.bin", "a blob the registry holds in src");
    oar_env(
        d.path(),
        &[
            "push",
            "--plain-http",
            &format!("{}/src:v1", reg.host()),
            "b.bin",
        ],
        &env,
    )
    .ok();
    let record = cache.join("oar/blob-locations");
    // The file and the empty config.
    let real = std::fs::read_to_string(&record).unwrap();
    assert_eq!(real.lines().count(), 2, "{real}");
    // Records of `n` other blobs, oldest first, then the real line, newest.
    for (n, repo) in [
        (20_000, "dst-20k"),
        (45_000, "dst-45k"),
        (100_000, "dst-100k"),
    ] {
        let mut text = String::with_capacity(n * 84 + real.len());
        for i in 0..n {
            text.push_str(&format!("http://other sha256:{i:064x} r\n"));
        }
        text.push_str(&real);
        std::fs::write(&record, &text).unwrap();
        let mounts = reg.count("POST", "from=src");
        let started = Instant::now();
        oar_env(
            d.path(),
            &[
                "push",
                "--plain-http",
                &format!("{}/{repo}:v1", reg.host()),
                "b.bin",
            ],
            &env,
        )
        .ok();
        let took = started.elapsed();
        let mounted = reg.count("POST", "from=src") - mounts;
        eprintln!(
            "SECURITY-REPORT blob-location record of {} entries ({} bytes): push took {:.2} s, mounted from src: {mounted} of 2",
            n + 2,
            text.len(),
            took.as_secs_f64()
        );
        // Past the 4 MiB read cap too, the newest entries are kept.
        assert_eq!(mounted, 2, "{n} entries");
        assert!(took < Duration::from_secs(10), "{n} entries: {took:?}");
    }
}

#[test]
fn backup_refuses_to_append_to_a_tar_that_is_not_a_layout() {
    let d = TempDir::new("sec-foreign-tar");
    d.write("f.txt", "backed up");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    let src = Double::start(Config::default());
    let from = format!("{}/src:v1", src.host());
    oar(
        d.path(),
        &[
            "cp",
            "--to-plain-http",
            "--from-oci-layout",
            "lay:v1",
            &from,
        ],
    )
    .ok();
    let backup = |to: &str| oar(d.path(), &["backup", "--plain-http", "-o", to, &from]);
    d.write("mine/notes.txt", "someone's own archive");
    crate::util::sh(
        "tar",
        &["-cf", "x.tar", "-C", "mine", "notes.txt"],
        d.path(),
    );
    let before = d.read("x.tar");
    let r = backup("x.tar");
    eprintln!(
        "SECURITY-REPORT backup -o x.tar onto a tar of notes.txt: exit {}, archive {} bytes before, {} after; {}",
        r.code,
        before.len(),
        d.read("x.tar").len(),
        r.stderr
            .lines()
            .find(|l| l.starts_with("Error"))
            .unwrap_or("")
    );
    r.fails(
        1,
        "not an OCI image layout (no oci-layout member; its first member is \"notes.txt\")",
    );
    assert_eq!(d.read("x.tar"), before, "the archive is left as it was");
    // Controls: a new archive, continued by a second backup; and a layout
    // archived by tar(1), continued too.
    for _ in 0..2 {
        backup("new.tar").ok();
    }
    crate::util::sh("tar", &["-cf", "lay.tar", "-C", "lay", "."], d.path());
    backup("lay.tar").ok();
    for archive in ["new.tar", "lay.tar"] {
        let spec = format!("{archive}:v1");
        oar(
            d.path(),
            &[
                "pull",
                "--oci-layout",
                &spec,
                "-o",
                archive.trim_end_matches(".tar"),
            ],
        )
        .ok();
        assert_eq!(
            d.read(&format!("{}/f.txt", archive.trim_end_matches(".tar"))),
            b"backed up"
        );
    }
}

/// One reader of an archive and what it did.
struct Reading {
    how: &'static str,
    run: crate::util::Run,
}

/// Reads the layout archive `archive` (in `d`) every way oar reads one:
/// pulled in place (`--oci-layout x.tar`), restored in place and from
/// standard input into `reg` (each into a fresh repository named after
/// `repo`), and checked by `backup --verify`, from the file and from
/// standard input.
fn read_every_way(d: &TempDir, reg: &Registry, archive: &str, repo: &str) -> Vec<Reading> {
    let stdin = d.read(archive);
    let run = |args: &[&str], input: &[u8]| {
        // Without the record of where blobs were seen, a restore could
        // mount a blob from an earlier repository instead of reading the
        // archive's own bytes.
        let _ = std::fs::remove_file(d.join(".cache/oar/blob-locations"));
        crate::util::oar_input(d.path(), args, input)
    };
    let out = format!("{repo}-pulled");
    let (in_place, streamed) = (
        reg.reference(&format!("{repo}-file")),
        reg.reference(&format!("{repo}-stdin")),
    );
    vec![
        Reading {
            how: "pull --oci-layout",
            run: run(
                &["pull", "--oci-layout", &format!("{archive}:v1"), "-o", &out],
                &[],
            ),
        },
        Reading {
            how: "restore --input FILE",
            run: run(
                &["restore", "--plain-http", "--input", archive, &in_place],
                &[],
            ),
        },
        Reading {
            how: "restore --input -",
            run: run(
                &["restore", "--plain-http", "--input", "-", &streamed],
                &stdin,
            ),
        },
        Reading {
            how: "backup --verify FILE",
            run: run(&["backup", "--verify", archive], &[]),
        },
        Reading {
            how: "backup --verify -",
            run: run(&["backup", "--verify", "-"], &stdin),
        },
    ]
}

/// One line per reader: its exit code and its error.
fn readings_report(readings: &[Reading]) -> String {
    readings
        .iter()
        .map(|r| {
            let error = r
                .run
                .stderr
                .lines()
                .find(|l| l.starts_with("Error"))
                .unwrap_or("");
            format!("{}: exit {} {error}", r.how, r.run.code)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Asserts that every reader read `archive` whole: the pull wrote
/// `file` with `content`, both restores tagged `v1`, and both checks
/// passed.
#[track_caller]
fn assert_read_whole(
    d: &TempDir,
    reg: &Registry,
    readings: &[Reading],
    repo: &str,
    file: &str,
    content: &[u8],
) {
    for r in readings {
        assert_eq!(r.run.code, 0, "{}: {}", r.how, r.run.stderr);
    }
    assert_eq!(d.read(&format!("{repo}-pulled/{file}")), content);
    for side in ["file", "stdin"] {
        let tags = oar(
            d.path(),
            &[
                "repo",
                "tags",
                "--plain-http",
                &reg.reference(&format!("{repo}-{side}")),
            ],
        )
        .ok();
        assert!(
            tags.lines().contains(&"v1"),
            "{repo}-{side}: {}",
            tags.stdout
        );
    }
    for r in &readings[3..] {
        assert!(
            r.run
                .stdout
                .contains("Every manifest index.json names is complete"),
            "{}: {}",
            r.how,
            r.run.stdout
        );
    }
}

#[test]
fn every_reader_of_an_archive_refuses_a_duplicated_blob() {
    let d = TempDir::new("sec-dup-members");
    let reg = Registry::start();
    let content = b"the blob an archive holds twice, once good and once not";
    d.write("f.txt", content);
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    let hex = sha256_hex(content);
    let member = format!("./blobs/sha256/{hex}");
    // The corrupt copy: the same size, one byte changed, so that only
    // hashing it can tell.
    let mut bad = content.to_vec();
    bad[0] ^= 0x20;
    d.write(&format!("bad/{member}"), &bad);
    let tar = |args: &[&str]| crate::util::sh("tar", args, d.path());
    tar(&["-cf", "good-then-corrupt.tar", "-C", "lay", "."]);
    tar(&["-rf", "good-then-corrupt.tar", "-C", "bad", &member]);
    tar(&["-cf", "corrupt-then-good.tar", "-C", "bad", &member]);
    tar(&["-rf", "corrupt-then-good.tar", "-C", "lay", "."]);
    tar(&["-cf", "plain.tar", "-C", "lay", "."]);
    for (n, archive) in ["good-then-corrupt.tar", "corrupt-then-good.tar"]
        .iter()
        .enumerate()
    {
        let listed = tar(&["-tf", archive]);
        assert_eq!(
            listed.lines().filter(|l| *l == member).count(),
            2,
            "{listed}"
        );
        let repo = format!("dup{n}");
        let readings = read_every_way(&d, &reg, archive, &repo);
        eprintln!(
            "SECURITY-REPORT blob twice in {archive}: {}",
            readings_report(&readings)
        );
        for r in &readings {
            assert_eq!(r.run.code, 1, "{} read {archive}: {}", r.how, r.run.stdout);
            let error = r
                .run
                .stderr
                .lines()
                .find(|l| l.starts_with("Error"))
                .unwrap_or("");
            assert!(error.contains(&hex), "{}: {}", r.how, r.run.stderr);
        }
        // Read in place, the duplicate is refused before anything is
        // read, naming the member and the archive; from a stream, the
        // first copy is judged as it passes (refused when corrupt) and
        // the second refused when it comes.
        let twice = format!("{archive} holds blobs/sha256/{hex} twice");
        for r in &readings[..2] {
            assert!(r.run.stderr.contains(&twice), "{}: {}", r.how, r.run.stderr);
        }
        // The good copy first: every reader names the duplicate, at the
        // same bytes of the archive.
        if n == 0 {
            let wheres: Vec<&str> = readings
                .iter()
                .map(|r| {
                    let at = r
                        .run
                        .stderr
                        .find(" twice (members at bytes ")
                        .unwrap_or_else(|| panic!("{}: {}", r.how, r.run.stderr));
                    r.run.stderr[at..].split(')').next().unwrap()
                })
                .collect();
            assert!(wheres.iter().all(|w| *w == wheres[0]), "{wheres:?}");
        }
        assert!(
            !d.join(format!("{repo}-pulled/f.txt")).exists(),
            "nothing was pulled"
        );
        for side in ["file", "stdin"] {
            let tags = oar(
                d.path(),
                &[
                    "repo",
                    "tags",
                    "--plain-http",
                    &reg.reference(&format!("{repo}-{side}")),
                ],
            );
            assert!(
                !tags.stdout.contains("v1"),
                "{repo}-{side} was tagged: {}",
                tags.stdout
            );
        }
    }
    // Control: the same layout packed once reads whole every way.
    let readings = read_every_way(&d, &reg, "plain.tar", "plain");
    assert_read_whole(&d, &reg, &readings, "plain", "f.txt", content);
}

#[test]
fn continuing_an_archive_hashes_the_members_it_keeps() {
    let d = TempDir::new("sec-dup-continue");
    let reg = Registry::start();
    let content = b"a blob an archive keeps when a backup continues it";
    d.write("f.txt", content);
    d.write("g.txt", "a second artifact");
    let src = |tag: &str| reg.reference(&format!("src:{tag}"));
    oar(d.path(), &["push", "--plain-http", &src("v1"), "f.txt"]).ok();
    oar(d.path(), &["push", "--plain-http", &src("v2"), "g.txt"]).ok();
    let backup = |archive: &str, tag: &str| {
        oar(
            d.path(),
            &["backup", "--plain-http", "-o", archive, &src(tag)],
        )
    };
    backup("x.tar", "v1").ok();
    // The blob's bytes changed in place, its member and size kept.
    let mut bytes = d.read("x.tar");
    let at = bytes
        .windows(content.len())
        .position(|w| w == content)
        .expect("the blob is in the archive");
    bytes[at] ^= 0x20;
    d.write("x.tar", &bytes);
    let hex = sha256_hex(content);
    let r = backup("x.tar", "v2");
    eprintln!(
        "SECURITY-REPORT backup -o x.tar continuing an archive with a corrupt blob: exit {}, Exists lines: {:?}; {}",
        r.code,
        r.stdout
            .lines()
            .filter(|l| l.starts_with("Exists"))
            .collect::<Vec<_>>(),
        r.stderr
            .lines()
            .find(|l| l.starts_with("Error"))
            .unwrap_or("")
    );
    r.fails(
        1,
        &format!("x.tar exists but its member blobs/sha256/{hex} is corrupt"),
    );
    assert_eq!(d.read("x.tar"), bytes, "the archive is left as it is");
    // The same with the tag whose blob it is: it is not reported Exists.
    let r = backup("x.tar", "v1");
    assert!(!r.stdout.contains("Exists"), "{}", r.stdout);
    r.fails(1, "is corrupt");
    // Controls: an archive oar continued itself, and a layout packed by
    // tar(1) with index.json first, continued by oar (so that it then
    // holds two index.json members, the last counting), read whole every
    // way.
    backup("y.tar", "v2").ok();
    backup("y.tar", "v1").ok();
    // Sound members are still kept, not fetched again.
    let again = backup("y.tar", "v1").ok();
    assert!(again.stdout.contains("Exists"), "{}", again.stdout);
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            &src("v2"),
            "--to-oci-layout",
            "lay:v2",
        ],
    )
    .ok();
    crate::util::sh(
        "tar",
        &[
            "-cf",
            "z.tar",
            "-C",
            "lay",
            "index.json",
            "oci-layout",
            "blobs",
        ],
        d.path(),
    );
    backup("z.tar", "v1").ok();
    let listed = crate::util::sh("tar", &["-tf", "z.tar"], d.path());
    assert_eq!(
        listed.lines().filter(|l| l.ends_with("index.json")).count(),
        2,
        "{listed}"
    );
    for (archive, repo) in [("y.tar", "ours"), ("z.tar", "packed")] {
        let readings = read_every_way(&d, &reg, archive, repo);
        assert_read_whole(&d, &reg, &readings, repo, "f.txt", content);
    }
}
