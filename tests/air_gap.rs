//! `backup` and `restore` (oras 1.3) across an air gap, against Debian's
//! registry (referrers in the tag schema) and the registry double (the
//! referrers API): round trips through a directory, an archive file and
//! a pipe with identical digests, tags and referrers; archives other
//! tools read; archives cut short or corrupted failing cleanly with no
//! tag written; interrupted runs that finish by transferring only what
//! was missing (requests counted); dry runs and checks that write
//! nothing; the JSON record; memory.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::double::{Config, Double};
use crate::util::faults::{Fault, FaultProxy, Rule};
use crate::util::registry::Registry;
use crate::util::{TempDir, json, oar, oar_input, oar_input_env, pseudo_random, require, sh};

const CREATED: &str = "org.opencontainers.image.created=2025-01-01T00:00:00Z";

/// What a command reading `--input input` gets on stdin: the archive's
/// bytes when the input is `-`, else nothing.
fn stdin_for(d: &TempDir, input: &str, archive: &str) -> Vec<u8> {
    if input == "-" {
        d.read(archive)
    } else {
        Vec::new()
    }
}

/// Pushes `n` artifacts tagged `a00`… into `host/repo`, each with an SBOM
/// attached and, for every other one, a signature on the SBOM; and the
/// multi-platform index `multi` of the ORAS fixtures. Returns the tags.
fn seed(d: &TempDir, host: &str, repo: &str, n: usize) -> Vec<String> {
    let mut tags = Vec::new();
    for i in 0..n {
        let tag = format!("a{i:02}");
        d.write(&format!("f{i}.txt"), format!("artifact {i}\n"));
        d.write(&format!("sbom{i}.json"), format!("{{\"sbom\":{i}}}"));
        let r = oar(
            d.path(),
            &[
                "push",
                "--plain-http",
                &format!("{host}/{repo}:{tag}"),
                &format!("f{i}.txt"),
                "-a",
                CREATED,
            ],
        )
        .ok();
        let subject = r.digest();
        let r = oar(
            d.path(),
            &[
                "attach",
                "--plain-http",
                "--artifact-type",
                "application/vnd.example.sbom",
                &format!("{host}/{repo}@{subject}"),
                &format!("sbom{i}.json"),
                "-a",
                CREATED,
            ],
        )
        .ok();
        if i % 2 == 0 {
            d.write(&format!("sig{i}.txt"), format!("signed {i}"));
            oar(
                d.path(),
                &[
                    "attach",
                    "--plain-http",
                    "--artifact-type",
                    "application/vnd.example.sig",
                    &format!("{host}/{repo}@{}", r.digest()),
                    &format!("sig{i}.txt"),
                    "-a",
                    CREATED,
                ],
            )
            .ok();
        }
        tags.push(tag);
    }
    let images = crate::layout::fixtures().join("zot/command/images");
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            &format!("{}:multi", images.display()),
            "--to-plain-http",
            &format!("{host}/{repo}:multi"),
        ],
    )
    .ok();
    tags.push("multi".into());
    tags
}

/// Every tag of `host/repo` with its digest and its referrer tree (as
/// `discover` draws it, referrers of referrers included, the
/// repository's name taken out).
fn snapshot(d: &TempDir, host: &str, repo: &str) -> BTreeMap<String, (String, String)> {
    let tags = oar(
        d.path(),
        &["repo", "tags", "--plain-http", &format!("{host}/{repo}")],
    )
    .ok()
    .stdout;
    let mut out = BTreeMap::new();
    for t in tags.lines() {
        let r = format!("{host}/{repo}:{t}");
        let digest = oar(d.path(), &["resolve", "--plain-http", &r])
            .ok()
            .stdout
            .trim()
            .to_string();
        let tree = oar(
            d.path(),
            &["discover", "--plain-http", "--format", "tree", &r],
        )
        .ok()
        .stdout
        .replace(&format!("{host}/{repo}"), "REPO");
        out.insert(t.to_string(), (digest, tree));
    }
    out
}

/// The tags of a repository (none when it does not exist).
fn tags_of(d: &TempDir, host: &str, repo: &str) -> Vec<String> {
    let r = oar(
        d.path(),
        &["repo", "tags", "--plain-http", &format!("{host}/{repo}")],
    );
    r.stdout.lines().map(str::to_string).collect()
}

#[test]
fn twenty_artifacts_with_referrers_cross_by_directory_file_and_pipe() {
    let d = TempDir::new("airgap-roundtrip");
    let connected = Registry::start();
    let disconnected = Registry::start();
    let (src, dst) = (connected.host.as_str(), disconnected.host.as_str());
    let tags = seed(&d, src, "apps", 20);
    let want = snapshot(&d, src, "apps");
    // 21 tags, and the referrers index tags of the tag schema.
    assert!(want.len() >= 21 + 20, "{:?}", want.keys());
    for t in &tags {
        assert!(want.contains_key(t), "{t}");
    }
    let sbom_tree = &want["a00"].1;
    assert!(
        sbom_tree.contains("application/vnd.example.sbom")
            && sbom_tree.contains("application/vnd.example.sig"),
        "{sbom_tree}"
    );

    // A directory.
    let r = oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "--include-referrers",
            "-o",
            "dir",
            &format!("{src}/apps"),
        ],
    )
    .ok();
    assert!(
        r.stdout
            .contains(&format!("Successfully backed up {} tag(s)", want.len()))
    );
    assert!(
        r.stdout.contains("Pulled tag a00 with 2 referrer(s)"),
        "{}",
        r.stdout
    );
    assert!(!d.join("dir/ingest").exists());
    oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "dir",
            &format!("{dst}/by-dir"),
        ],
    )
    .ok();
    assert_eq!(snapshot(&d, dst, "by-dir"), want);

    // An archive file.
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "--include-referrers",
            "-o",
            "apps.tar",
            &format!("{src}/apps"),
        ],
    )
    .ok();
    let r = oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "apps.tar",
            &format!("{dst}/by-file"),
        ],
    )
    .ok();
    assert!(
        r.stdout.starts_with("Loaded backup archive: apps.tar ("),
        "{}",
        r.stdout
    );
    assert_eq!(snapshot(&d, dst, "by-file"), want);

    // A pipe: nothing on disk between the two.
    let oar_bin = crate::util::bin();
    let script = format!(
        "set -o pipefail; {o} backup --plain-http --include-referrers -o - {src}/apps 2>backup.err | {o} restore --plain-http --input - {dst}/by-pipe > restore.out",
        o = oar_bin.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(d.path())
        .env("DOCKER_CONFIG", d.join(".docker-test"))
        .env("HOME", d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&d.read("backup.err"))
    );
    let restored = String::from_utf8(d.read("restore.out")).unwrap();
    assert!(
        restored.contains(&format!("Successfully restored {} tag(s)", want.len())),
        "{restored}"
    );
    // With stdout taken by the archive, backup spoke on stderr.
    let spoken = String::from_utf8(d.read("backup.err")).unwrap();
    assert!(spoken.contains("Exported to stdout ("), "{spoken}");
    assert_eq!(snapshot(&d, dst, "by-pipe"), want);

    // Other tools read the archive: skopeo, and tar(1) unpacks a layout.
    require("skopeo", "skopeo");
    sh(
        "skopeo",
        &["copy", "oci-archive:apps.tar:a03", "oci:from-skopeo:a03"],
        d.path(),
    );
    let fetched = oar(
        d.path(),
        &["manifest", "fetch", "--oci-layout", "from-skopeo:a03"],
    )
    .ok();
    assert_eq!(
        format!(
            "sha256:{}",
            crate::util::sha256_hex(fetched.stdout.as_bytes())
        ),
        want["a03"].0
    );
    std::fs::create_dir(d.join("unpacked")).unwrap();
    sh("tar", &["-xf", "apps.tar", "-C", "unpacked"], d.path());
    let r = oar(d.path(), &["backup", "--verify", "unpacked"]).ok();
    assert!(
        r.stdout
            .contains("Every manifest index.json names is complete"),
        "{}",
        r.stdout
    );
    let r = oar(d.path(), &["resolve", "--oci-layout", "unpacked:multi"]).ok();
    assert_eq!(r.stdout.trim(), want["multi"].0);
}

#[test]
fn the_archive_lists_blobs_then_manifests_then_index_json() {
    let d = TempDir::new("airgap-order");
    let reg = Registry::start();
    seed(&d, &reg.host, "r", 2);
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "--include-referrers",
            "-o",
            "r.tar",
            &reg.reference("r:a00,multi"),
        ],
    )
    .ok();
    let listing = sh("tar", &["-tf", "r.tar"], d.path());
    let names: Vec<&str> = listing.lines().collect();
    assert_eq!(names[0], "oci-layout");
    assert_eq!(*names.last().unwrap(), "index.json");
    // Every manifest comes after every other blob.
    let layout = d.join("unpacked");
    std::fs::create_dir(&layout).unwrap();
    sh("tar", &["-xf", "r.tar", "-C", "unpacked"], d.path());
    let is_manifest = |name: &str| {
        let bytes = std::fs::read(layout.join(name)).unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .is_ok_and(|v| v.get("schemaVersion").is_some())
    };
    let blobs: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("blobs/sha256/") && n.len() > "blobs/sha256/".len())
        .collect();
    let first_manifest = blobs.iter().position(|n| is_manifest(n)).unwrap();
    assert!(
        blobs[first_manifest..].iter().all(|n| is_manifest(n)),
        "{blobs:?}"
    );
    assert!(first_manifest > 0);
}

#[test]
fn the_referrers_api_is_used_both_ways_when_asked() {
    let d = TempDir::new("airgap-api");
    let double = Double::start(Config {
        referrers_api: true,
        ..Config::default()
    });
    let host = double.host();
    seed(&d, &host, "src", 2);
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "--include-referrers",
            "--distribution-spec",
            "v1.1-referrers-api",
            "-o",
            "api.tar",
            &format!("{host}/src:a00,a01"),
        ],
    )
    .ok();
    assert!(double.count("GET", "/v2/src/referrers/") > 0);
    let r = oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--distribution-spec",
            "v1.1-referrers-api",
            "--input",
            "api.tar",
            &format!("{host}/dst"),
        ],
    )
    .ok();
    assert!(
        r.stdout.contains("Pushed tag a00 with 2 referrer(s)"),
        "{}",
        r.stdout
    );
    for t in ["a00", "a01"] {
        let tree = |repo: &str| {
            oar(
                d.path(),
                &[
                    "discover",
                    "--plain-http",
                    "--distribution-spec",
                    "v1.1-referrers-api",
                    "--format",
                    "json",
                    &format!("{host}/{repo}:{t}"),
                ],
            )
            .ok()
            .stdout
            .replace(&format!("{host}/{repo}"), "REPO")
        };
        assert_eq!(tree("dst"), tree("src"));
    }
}

/// A registry with one artifact holding a `size`-byte blob, tagged `big`,
/// and two small ones.
fn big_seed(d: &TempDir, host: &str, size: usize) {
    d.write("big.bin", pseudo_random(size, 11));
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &format!("{host}/big:big"),
            "big.bin",
            "-a",
            CREATED,
        ],
    )
    .ok();
    for (t, data) in [("s1", "one"), ("s2", "two")] {
        d.write(&format!("{t}.txt"), data);
        oar(
            d.path(),
            &[
                "push",
                "--plain-http",
                &format!("{host}/big:{t}"),
                &format!("{t}.txt"),
                "-a",
                CREATED,
            ],
        )
        .ok();
    }
}

#[test]
fn an_interrupted_backup_finishes_with_only_what_was_missing() {
    let d = TempDir::new("airgap-resume-backup");
    let reg = Registry::start();
    big_seed(&d, &reg.host, 24 << 20);
    let proxy = FaultProxy::start(&reg.host);
    let host = proxy.host();
    // The big blob's download breaks after 10 MiB, every time it is tried.
    let big = format!(
        "/blobs/sha256:{}",
        crate::util::sha256_hex(&pseudo_random(24 << 20, 11))
    );
    let big: &'static str = Box::leak(big.into_boxed_str());
    // The big blob's download breaks after 10 MiB, and its resumes are
    // refused: the backup fails with 10 MiB of it held.
    let refs = format!("{host}/big:s1,s2,big");
    for out in ["resume.tar", "resume-dir"] {
        proxy.clear();
        proxy.add(Rule::once("GET", big, Fault::CutResponse(10 << 20)));
        proxy.add(Rule {
            method: "GET",
            path: big,
            skip: 0,
            times: 100,
            fault: Fault::Status(404, None),
        });
        proxy.reset_records();
        let r = oar(d.path(), &["backup", "--plain-http", "-o", out, &refs]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("failed to back up tag"), "{}", r.stderr);
        if out.ends_with(".tar") {
            // No index.json: nothing can take it for a whole backup.
            oar(d.path(), &["repo", "tags", "--oci-layout", out]).fails(1, "truncated");
        }
    }
    proxy.clear();
    for out in ["resume.tar", "resume-dir"] {
        proxy.reset_records();
        let r = oar(d.path(), &["backup", "--plain-http", "-o", out, &refs]).ok();
        assert!(
            r.stdout.contains("Successfully backed up 3 tag(s)"),
            "{}",
            r.stdout
        );
        let recs = proxy.records();
        let blob_gets: Vec<_> = recs
            .iter()
            .filter(|r| r.method == "GET" && r.target.contains("/blobs/"))
            .collect();
        // The small artifacts' blobs were kept: only the big blob is
        // fetched again; into the archive, from the bytes it holds.
        assert_eq!(blob_gets.len(), 1, "{out}: {blob_gets:?}");
        if out.ends_with(".tar") {
            assert!(
                blob_gets[0]
                    .range
                    .as_deref()
                    .is_some_and(|r| !r.starts_with("bytes=0-")),
                "{blob_gets:?}"
            );
            assert!(blob_gets[0].received <= 14 << 20, "{blob_gets:?}");
        }
        oar(d.path(), &["backup", "--verify", out]).ok();
        // Run again: nothing is fetched but the manifests, to check them.
        proxy.reset_records();
        let r = oar(d.path(), &["backup", "--plain-http", "-o", out, &refs]).ok();
        assert!(!r.stdout.contains("Pulling"), "{}", r.stdout);
        assert_eq!(proxy.count("GET", "/blobs/"), 0);
    }
}

#[test]
fn an_interrupted_restore_finishes_with_only_what_was_missing() {
    let d = TempDir::new("airgap-resume-restore");
    let src = Registry::start();
    big_seed(&d, &src.host, 20 << 20);
    // The big artifact last, so that a restore failing on it has
    // restored the others.
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "-o",
            "big.tar",
            &src.reference("big:s1,s2,big"),
        ],
    )
    .ok();
    let dst = Registry::start();
    let proxy = FaultProxy::start(&dst.host);
    let host = proxy.host();
    // Uploads of the big blob (chunked in 4 MiB PATCHes) are refused,
    // every time.
    proxy.add(Rule {
        method: "PATCH",
        path: "/blobs/uploads/",
        skip: 0,
        times: 100,
        fault: Fault::Status(400, None),
    });
    for input in ["big.tar", "-"] {
        let stdin = stdin_for(&d, input, "big.tar");
        let r = oar_input_env(
            d.path(),
            &[
                "restore",
                "--plain-http",
                "--input",
                input,
                &format!("{host}/r{}:s1,s2,big", input.len()),
            ],
            &stdin,
            &[("OAR_CHUNK_SIZE", "4194304")],
        );
        assert_eq!(r.code, 1, "{}", r.stdout);
        // No tag was written.
        assert!(tags_of(&d, &dst.host, &format!("r{}", input.len())).is_empty());
    }
    proxy.clear();
    for input in ["big.tar", "-"] {
        let repo = format!("r{}", input.len());
        proxy.reset_records();
        let stdin = stdin_for(&d, input, "big.tar");
        let r = oar_input(
            d.path(),
            &[
                "restore",
                "--plain-http",
                "--input",
                input,
                &format!("{host}/{repo}:s1,s2,big"),
            ],
            &stdin,
        )
        .ok();
        assert!(
            r.stdout.contains("Successfully restored 3 tag(s)"),
            "{}",
            r.stdout
        );
        // Only the big blob went up again: the small ones were there.
        let started = proxy.count("POST", "/blobs/uploads/");
        assert_eq!(started, 1, "{input}: {:?}", proxy.records());
        let sent = proxy.sent("PATCH", "/blobs/uploads/") + proxy.sent("PUT", "/blobs/uploads/");
        assert!(sent <= (20 << 20) + 4096, "{sent}");
        assert_eq!(
            tags_of(&d, &dst.host, &repo),
            vec!["big", "s1", "s2"],
            "{input}"
        );
        // Again: nothing is uploaded.
        proxy.reset_records();
        oar_input(
            d.path(),
            &[
                "restore",
                "--plain-http",
                "--input",
                input,
                &format!("{host}/{repo}:s1,s2,big"),
            ],
            &stdin,
        )
        .ok();
        assert_eq!(proxy.count("POST", "/blobs/uploads/"), 0);
        assert_eq!(proxy.count("PATCH", ""), 0);
    }
}

/// Flips one byte at `at` of a copy of `from` named `to`.
fn corrupt(d: &TempDir, from: &str, to: &str, at: usize) {
    let mut b = d.read(from);
    b[at] ^= 0x5a;
    d.write(to, b);
}

/// Where member `name`'s content starts in the archive.
fn content_offset(d: &TempDir, archive: &str, name: &str) -> usize {
    let b = d.read(archive);
    let i = b
        .windows(name.len())
        .position(|w| w == name.as_bytes())
        .unwrap_or_else(|| panic!("{name} not in {archive}"));
    i - (i % 512) + 512
}

#[test]
fn archives_cut_short_or_corrupted_fail_naming_the_blob_and_tag_nothing() {
    let d = TempDir::new("airgap-broken");
    let reg = Registry::start();
    big_seed(&d, &reg.host, 1 << 20);
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "-o",
            "ok.tar",
            &reg.reference("big"),
        ],
    )
    .ok();
    let big = format!(
        "sha256:{}",
        crate::util::sha256_hex(&pseudo_random(1 << 20, 11))
    );
    let big_member = format!("blobs/sha256/{}", &big[7..]);
    let at = content_offset(&d, "ok.tar", &big_member);
    let index_at = content_offset(&d, "ok.tar", "index.json");
    let manifest = oar(d.path(), &["resolve", "--oci-layout", "ok.tar:big"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let manifest_at = content_offset(&d, "ok.tar", &format!("blobs/sha256/{}", &manifest[7..]));

    // (name, archive, what the error names)
    let mut cases: Vec<(String, String)> = Vec::new();
    for (i, cut) in [
        at + 1000,
        at - 300,
        manifest_at + 20,
        index_at - 512,
        index_at + 10,
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("cut{i}.tar");
        d.write(&name, &d.read("ok.tar")[..cut]);
        cases.push((name, String::new()));
    }
    corrupt(&d, "ok.tar", "bad-blob.tar", at + 4000);
    cases.push(("bad-blob.tar".into(), big.clone()));
    corrupt(&d, "ok.tar", "bad-manifest.tar", manifest_at + 30);
    cases.push(("bad-manifest.tar".into(), manifest.clone()));
    corrupt(&d, "ok.tar", "bad-index.tar", index_at + 1);
    cases.push(("bad-index.tar".into(), "index.json".into()));

    for (n, (archive, names)) in cases.iter().enumerate() {
        for input in [archive.as_str(), "-"] {
            let repo = format!("broken{n}{}", input.len());
            // Without the record of where blobs were seen, which would
            // mount the genuine blobs from the source repository instead
            // of reading the broken ones: here the archive's own bytes
            // must be read, and refused.
            let _ = std::fs::remove_file(d.join(".cache/oar/blob-locations"));
            let stdin = stdin_for(&d, input, archive);
            let r = oar_input(
                d.path(),
                &[
                    "restore",
                    "--plain-http",
                    "--input",
                    input,
                    &reg.reference(&repo),
                ],
                &stdin,
            );
            let errors: Vec<&str> = r
                .stderr
                .lines()
                .filter(|l| l.starts_with("Error"))
                .collect();
            assert_eq!(
                (r.code, errors.len()),
                (1, 1),
                "{archive} via {input}: {}",
                r.stderr
            );
            assert!(
                errors[0].contains(names.as_str()),
                "{archive} via {input}: {}",
                r.stderr
            );
            if names.is_empty() && input == "-" {
                assert!(
                    errors[0].contains("truncated") || errors[0].contains("has no index.json"),
                    "{archive}: {}",
                    r.stderr
                );
            }
            assert!(
                tags_of(&d, &reg.host, &repo).is_empty(),
                "{archive} via {input}: a tag was written"
            );
            // --verify says the same, and names it too.
            let stdin = stdin_for(&d, input, archive);
            let v = oar_input(d.path(), &["backup", "--verify", input], &stdin);
            assert_eq!(v.code, 1, "verify {archive} via {input}: {}", v.stdout);
            assert!(v.stderr.contains(names.as_str()), "{}", v.stderr);
        }
    }
}

#[test]
fn dry_runs_and_checks_write_nothing_and_ask_nothing() {
    let d = TempDir::new("airgap-dry");
    let reg = Registry::start();
    seed(&d, &reg.host, "r", 1);
    oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "--include-referrers",
            "-o",
            "r.tar",
            &reg.reference("r:a00"),
        ],
    )
    .ok();
    let proxy = FaultProxy::start(&reg.host);
    let target = format!("{}/dry:a00", proxy.host());
    for input in ["r.tar", "-"] {
        let stdin = stdin_for(&d, input, "r.tar");
        let r = oar_input(
            d.path(),
            &[
                "restore",
                "--plain-http",
                "--dry-run",
                "--input",
                input,
                &target,
            ],
            &stdin,
        )
        .ok();
        assert!(
            r.stdout
                .contains("Dry run: would push tag a00 with 2 referrer(s)"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains(&format!(
                "Dry run complete: 1 tag(s) would be restored to \"{}/dry\" (no data pushed)",
                proxy.host()
            )),
            "{}",
            r.stdout
        );
        assert!(!r.stdout.contains("Pushing"), "{}", r.stdout);
    }
    assert!(proxy.records().is_empty(), "{:?}", proxy.records());

    // --verify on an archive, its unpacked directory, and stdin.
    std::fs::create_dir(d.join("dir")).unwrap();
    sh("tar", &["-xf", "r.tar", "-C", "dir"], d.path());
    let before = sh("find", &[".", "-printf", "%p %s %T@\n"], d.path());
    for (what, stdin) in [
        ("r.tar", Vec::new()),
        ("dir", Vec::new()),
        ("-", d.read("r.tar")),
    ] {
        let r = oar_input(d.path(), &["backup", "--verify", what], &stdin).ok();
        assert!(
            r.stdout
                .contains("Every manifest index.json names is complete"),
            "{}",
            r.stdout
        );
        let v = oar_input(
            d.path(),
            &["backup", "--verify", "--format", "json", what],
            &stdin,
        )
        .ok();
        let v = json(&v.stdout);
        assert_eq!(v["tags"], serde_json::json!(["a00"]));
        assert_eq!(v["unreferenced"], 0);
        assert_eq!(v["manifests"], 3);
    }
    assert_eq!(
        sh("find", &[".", "-printf", "%p %s %T@\n"], d.path()),
        before
    );
}

#[test]
fn the_json_record_lists_what_crossed() {
    let d = TempDir::new("airgap-json");
    let reg = Registry::start();
    seed(&d, &reg.host, "r", 1);
    let r = oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "--include-referrers",
            "--format",
            "json",
            "-o",
            "r.tar",
            &reg.reference("r:a00,multi"),
        ],
    )
    .ok();
    let rec = json(&r.stdout);
    assert_eq!(rec["kind"], "tar");
    assert_eq!(rec["archiveSize"], d.read("r.tar").len());
    let arts = rec["artifacts"].as_array().unwrap();
    assert_eq!(arts.len(), 2);
    assert_eq!(arts[0]["tag"], "a00");
    let a00 = oar(
        d.path(),
        &["resolve", "--plain-http", &reg.reference("r:a00")],
    )
    .ok();
    assert_eq!(arts[0]["digest"], a00.stdout.trim());
    assert_eq!(arts[0]["referrers"].as_array().unwrap().len(), 2);
    let kind = arts[0]["referrers"][0]["artifactType"].as_str().unwrap();
    assert!(kind.starts_with("application/vnd.example."), "{kind}");
    let content = rec["content"].as_array().unwrap();
    let total: u64 = content
        .iter()
        .filter(|c| c["status"] == "transferred")
        .map(|c| c["size"].as_u64().unwrap())
        .sum();
    assert_eq!(rec["transferredBytes"], total);
    assert!(
        content
            .iter()
            .any(|c| c["annotations"]["org.opencontainers.image.title"] == "f0.txt")
    );
    // Every digest listed is in the archive.
    for c in content {
        let digest = c["digest"].as_str().unwrap();
        oar(
            d.path(),
            &[
                "blob",
                "fetch",
                "--descriptor",
                "--oci-layout",
                &format!("r.tar@{digest}"),
            ],
        )
        .ok();
    }
    // The restore's record: everything transferred, then everything there.
    for (repo, status) in [("x", "transferred"), ("x", "exists")] {
        let r = oar(
            d.path(),
            &[
                "restore",
                "--plain-http",
                "--format",
                "json",
                "--input",
                "r.tar",
                &reg.reference(repo),
            ],
        )
        .ok();
        let rec = json(&r.stdout);
        assert_eq!(rec["dryRun"], false);
        assert_eq!(rec["artifacts"].as_array().unwrap().len(), 2);
        let content = rec["content"].as_array().unwrap();
        // All the first time; the roots and referrers the second.
        assert!(
            content.len() >= if status == "exists" { 4 } else { 10 },
            "{content:?}"
        );
        assert!(content.iter().all(|c| c["status"] == status), "{content:?}");
    }
}

#[test]
fn a_gigabyte_class_transfer_through_a_pipe_stays_in_constant_memory() {
    let d = TempDir::new("airgap-rss");
    let src = Registry::start();
    let dst = Registry::start();
    big_seed(&d, &src.host, 96 << 20);
    let time = Path::new("/usr/bin/time");
    assert!(
        time.is_file(),
        "/usr/bin/time is missing: apt-get install time"
    );
    let script = format!(
        "set -o pipefail; /usr/bin/time -f %M -o b.rss {o} backup --plain-http -o - {s}/big 2>/dev/null | /usr/bin/time -f %M -o r.rss {o} restore --plain-http --input - {t}/big >/dev/null",
        o = crate::util::bin().display(),
        s = src.host,
        t = dst.host
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(d.path())
        .env("HOME", d.path())
        .env("DOCKER_CONFIG", d.join(".docker-test"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["b.rss", "r.rss"] {
        let kib: u64 = String::from_utf8(d.read(f))
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(kib < 16 * 1024, "{f}: {kib} KiB");
    }
    assert_eq!(
        oar(
            d.path(),
            &["resolve", "--plain-http", &dst.reference("big:big")]
        )
        .ok()
        .stdout,
        oar(
            d.path(),
            &["resolve", "--plain-http", &src.reference("big:big")]
        )
        .ok()
        .stdout
    );
}

#[test]
fn errors_as_oras_words_them() {
    let d = TempDir::new("airgap-errors");
    let reg = Registry::start();
    let r = reg.reference("r:v1");
    oar(d.path(), &["backup", "--plain-http", &r]).fails(1, "required flag(s) \"output\" not set");
    oar(d.path(), &["backup", "--plain-http", "-o", "", &r])
        .fails(1, "the output path cannot be empty");
    oar(d.path(), &["restore", "--plain-http", &r]).fails(1, "required flag(s) \"input\" not set");
    oar(d.path(), &["restore", "--plain-http", "--input", "", &r])
        .fails(1, "the input path cannot be empty");
    for cmd in [["backup", "-o"], ["restore", "--input"]] {
        oar(
            d.path(),
            &[cmd[0], cmd[1], "x", "invalid/format@sha256:digest"],
        )
        .fails(1, "digest references are not supported");
        oar(
            d.path(),
            &[cmd[0], cmd[1], "x", "invalid/format:v1,@sha256:123abc"],
        )
        .fails(1, "digest references are not supported");
        oar(
            d.path(),
            &[cmd[0], cmd[1], "x", "localhost:5000/repo:invalid+tag"],
        )
        .fails(1, "");
    }
    oar(d.path(), &["backup"]).fails(1, "requires exactly 1 argument");
    std::fs::create_dir(d.join("exists.tar")).unwrap();
    let e = oar(
        d.path(),
        &["backup", "--plain-http", "-o", "exists.tar", &r],
    )
    .fails(1, "already exists and is a directory");
    assert!(
        e.stderr
            .contains("To back up to a tar archive, please specify a different output file name")
    );
    oar(d.path(), &["backup", "--plain-http", "-o", "out", &r]).fails(1, "v1");
    let e = oar(
        d.path(),
        &[
            "backup",
            "--plain-http",
            "-o",
            "out",
            &reg.reference("empty"),
        ],
    )
    .fails(1, "");
    assert!(
        e.stderr.starts_with("Error response from registry:"),
        "{}",
        e.stderr
    );
    // A repository with content but no tag: the double lists no tags
    // (Debian's registry answers 404 for it, as for no repository).
    d.write("f", "f");
    let double = Double::start(Config::default());
    let untagged = format!("{}/untagged", double.host());
    oar(d.path(), &["push", "--plain-http", &untagged, "f"]).ok();
    let e = oar(
        d.path(),
        &["backup", "--plain-http", "-o", "out", &untagged],
    )
    .fails(1, "no tags found in repository");
    assert!(e.stderr.contains("repo tags\""), "{}", e.stderr);

    oar(
        d.path(),
        &["restore", "--plain-http", "--input", "missing", &r],
    )
    .fails(1, "no such file or directory");
    d.write("empty.tar", "");
    oar(
        d.path(),
        &["restore", "--plain-http", "--input", "empty.tar", &r],
    )
    .fails(1, "invalid OCI Image Layout");
    d.write(
        "notes.txt",
        "not a tar archive, just some words\n".repeat(30),
    );
    oar(
        d.path(),
        &["restore", "--plain-http", "--input", "notes.txt", &r],
    )
    .fails(1, "is not a tar archive");
    std::fs::create_dir(d.join("empty")).unwrap();
    let e = oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "empty",
            &reg.reference("r"),
        ],
    )
    .fails(1, "no tags found in OCI layout");
    assert!(
        e.stderr.contains("repo tags --oci-layout\""),
        "{}",
        e.stderr
    );
    oar(d.path(), &["push", "--oci-layout", "layout:v1", "f"]).ok();
    oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "layout",
            &reg.reference("r:nope"),
        ],
    )
    .fails(1, "nope");
    // A backup to a pipe whose reader went away is a failure.
    d.write("big.bin", pseudo_random(4 << 20, 3));
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("p:v1"), "big.bin"],
    )
    .ok();
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            &format!(
                "{} backup --plain-http -o - {} | head -c 1000 >/dev/null; echo ${{PIPESTATUS[0]}}",
                crate::util::bin().display(),
                reg.reference("p:v1")
            ),
        ])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "1",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken pipe"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Restore is all or nothing, the referrers index included: tag `a` has
/// a referrer (on a registry without the referrers API, pushing it writes
/// the tag `sha256-<hex of a>`), and tag `b`'s file is corrupt. However
/// the backup comes (directory, archive file, pipe), the restore fails
/// naming the blob, and the repository has no tag at all.
#[test]
fn a_failed_restore_writes_no_referrers_index_tag_either() {
    let d = TempDir::new("airgap-all-or-nothing");
    let reg = Registry::start();
    d.write("a.txt", "artifact a\n");
    d.write("sbom.json", "{\"sbom\":\"a\"}");
    d.write("b.bin", pseudo_random(256 << 10, 23));
    let a = oar(
        d.path(),
        &["push", "--oci-layout", "dir:a", "a.txt", "-a", CREATED],
    )
    .ok()
    .digest();
    oar(
        d.path(),
        &[
            "attach",
            "--oci-layout",
            "--artifact-type",
            "application/vnd.example.sbom",
            &format!("dir@{a}"),
            "sbom.json",
            "-a",
            CREATED,
        ],
    )
    .ok();
    oar(
        d.path(),
        &["push", "--oci-layout", "dir:b", "b.bin", "-a", CREATED],
    )
    .ok();
    let bad = crate::util::sha256_hex(&d.read("b.bin"));
    corrupt(
        &d,
        &format!("dir/blobs/sha256/{bad}"),
        &format!("dir/blobs/sha256/{bad}"),
        1000,
    );
    // An archive of the same layout: blobs first, `index.json` last, as
    // a stream wants it.
    sh(
        "tar",
        &[
            "-cf",
            "bad.tar",
            "-C",
            "dir",
            "oci-layout",
            "blobs",
            "index.json",
        ],
        d.path(),
    );
    for (n, input) in ["dir", "bad.tar", "-"].into_iter().enumerate() {
        let repo = format!("partial{n}");
        let stdin = stdin_for(&d, input, "bad.tar");
        let r = oar_input(
            d.path(),
            &[
                "restore",
                "--plain-http",
                "--input",
                input,
                &reg.reference(&repo),
            ],
            &stdin,
        );
        assert_eq!(r.code, 1, "{input}: {}", r.stderr);
        assert!(
            r.stderr.contains(&bad),
            "{input}: the blob is named: {}",
            r.stderr
        );
        assert_eq!(
            tags_of(&d, &reg.host, &repo),
            Vec::<String>::new(),
            "{input}: no tag, sha256-{} included",
            &a[7..]
        );
    }
    // The same backup, repaired, restores both tags and the referrers
    // index: the test above would see that tag had it been written.
    d.write(&format!("dir/blobs/sha256/{bad}"), d.read("b.bin"));
    oar(
        d.path(),
        &[
            "restore",
            "--plain-http",
            "--input",
            "dir",
            &reg.reference("whole"),
        ],
    )
    .ok();
    let mut tags = tags_of(&d, &reg.host, "whole");
    tags.sort();
    assert_eq!(tags, ["a", "b", &format!("sha256-{}", &a[7..])]);
}
