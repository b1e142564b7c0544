//! OCI image layouts packed as tar archives (`--oci-layout x.tar`, as in
//! oras 1.3): every reading command answers from the archive exactly as
//! from the unpacked directory, on the layouts oras wrote (the ORAS e2e
//! fixtures packed with `tar -cf`); the archive is indexed once and read
//! in place, whatever its size; archives are never written to.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use crate::layout::fixtures;
use crate::util::{TempDir, json, oar, oar_peak_rss, pseudo_random, sh};

/// Copies a fixture layout into `dir/name` and packs it twice, as people
/// do: `name.tar` with `./`-prefixed members (`tar -C dir .`), and
/// `name-plain.tar` with bare names.
fn packed(dir: &TempDir, layout: &str) -> (String, String, String) {
    let src = fixtures().join("zot/command").join(layout);
    sh("cp", &["-r", src.to_str().unwrap(), layout], dir.path());
    let tar = format!("{layout}.tar");
    sh("tar", &["-cf", &tar, "-C", layout, "."], dir.path());
    let plain = format!("{layout}-plain.tar");
    sh(
        "tar",
        &[
            "-cf",
            &plain,
            "-C",
            layout,
            "oci-layout",
            "index.json",
            "blobs",
        ],
        dir.path(),
    );
    (layout.to_string(), tar, plain)
}

/// Every reference worth asking about: each tag and each listed digest.
fn references(dir: &Path, layout: &str) -> Vec<String> {
    let idx = json(&std::fs::read_to_string(dir.join(layout).join("index.json")).unwrap());
    let mut refs = Vec::new();
    for m in idx["manifests"].as_array().unwrap() {
        if let Some(t) = m["annotations"]["org.opencontainers.image.ref.name"].as_str() {
            refs.push(format!(":{t}"));
        }
        refs.push(format!("@{}", m["digest"].as_str().unwrap()));
    }
    refs
}

/// Runs a command against the directory and against each archive, and
/// checks that exit code, stdout and stderr agree (the archive's name
/// read as the directory's); returns the directory's exit code.
fn same(dir: &TempDir, names: &(String, String, String), args: &[&str], reference: &str) -> i32 {
    let (layout, tar, plain) = names;
    let run = |target: &str| {
        let r = format!("{target}{reference}");
        let mut a: Vec<&str> = args.to_vec();
        a.push(&r);
        let out = oar(dir.path(), &a);
        (
            out.code,
            out.stdout.replace(target, layout),
            out.stderr.replace(target, layout),
        )
    };
    let want = run(layout);
    for t in [tar, plain] {
        assert_eq!(run(t), want, "oar {} {t}{reference}", args.join(" "));
    }
    want.0
}

#[test]
fn reading_commands_answer_from_the_archive_as_from_the_directory() {
    let d = TempDir::new("tarlayout-same");
    for layout in ["images", "artifacts"] {
        let names = packed(&d, layout);
        let refs = references(d.path(), layout);
        assert!(refs.len() > 5, "{refs:?}");
        for r in &refs {
            let fetched = same(&d, &names, &["manifest", "fetch", "--oci-layout"], r);
            assert_eq!(fetched, 0, "manifest fetch {layout}{r}");
            same(
                &d,
                &names,
                &["manifest", "fetch", "--descriptor", "--oci-layout"],
                r,
            );
            same(
                &d,
                &names,
                &["manifest", "fetch", "--format", "json", "--oci-layout"],
                r,
            );
            same(&d, &names, &["manifest", "fetch-config", "--oci-layout"], r);
            assert_eq!(same(&d, &names, &["resolve", "--oci-layout"], r), 0);
            same(&d, &names, &["resolve", "-l", "--oci-layout"], r);
            same(
                &d,
                &names,
                &["discover", "--format", "json", "--oci-layout"],
                r,
            );
            same(&d, &names, &["discover", "--oci-layout"], r);
            same(&d, &names, &["repo", "tags", "--oci-layout"], r);
        }
        assert_eq!(same(&d, &names, &["repo", "tags", "--oci-layout"], ""), 0);
        assert_eq!(
            same(
                &d,
                &names,
                &["manifest", "fetch", "--oci-layout"],
                ":no-such-tag"
            ),
            1
        );
        // Platforms are picked from an index in the archive too.
        let picked = same(
            &d,
            &names,
            &[
                "manifest",
                "fetch",
                "--platform",
                "linux/arm64",
                "--oci-layout",
            ],
            ":multi",
        );
        assert_eq!(picked, 0);
    }
}

#[test]
fn blobs_pull_and_copy_come_out_of_the_archive_verified() {
    let d = TempDir::new("tarlayout-blobs");
    let names = packed(&d, "images");
    let config = "@sha256:fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5";
    same(
        &d,
        &names,
        &["blob", "fetch", "-o", "-", "--oci-layout"],
        config,
    );
    same(
        &d,
        &names,
        &["blob", "fetch", "--descriptor", "--oci-layout"],
        config,
    );
    let missing = format!("@sha256:{}", "0".repeat(64));
    same(
        &d,
        &names,
        &["blob", "fetch", "-o", "-", "--oci-layout"],
        &missing,
    );

    // pull writes the same files.
    for (target, out) in [("images", "from-dir"), ("images.tar", "from-tar")] {
        oar(
            d.path(),
            &[
                "pull",
                "--oci-layout",
                &format!("{target}:linux-amd64"),
                "-o",
                out,
            ],
        )
        .ok();
    }
    assert_eq!(
        std::fs::read(d.join("from-tar/hello.tar")).unwrap(),
        std::fs::read(d.join("from-dir/hello.tar")).unwrap()
    );

    // cp out of the archive gives the same layout as cp out of the
    // directory, and skopeo reads it.
    for (target, out) in [("images", "cp-dir"), ("images.tar", "cp-tar")] {
        let r = oar(
            d.path(),
            &[
                "cp",
                "-r",
                "--from-oci-layout",
                &format!("{target}:multi"),
                "--to-oci-layout",
                &format!("{out}:multi"),
            ],
        )
        .ok();
        assert!(
            r.stdout.contains("Digest: sha256:e2bfc9cc6a84"),
            "{}",
            r.stdout
        );
    }
    assert_eq!(
        std::fs::read(d.join("cp-tar/index.json")).unwrap(),
        std::fs::read(d.join("cp-dir/index.json")).unwrap()
    );
    for hex in [
        "e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f",
        "2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1",
    ] {
        assert!(d.join("cp-tar/blobs/sha256").join(hex).is_file(), "{hex}");
    }
}

#[test]
fn a_corrupt_blob_in_the_archive_is_refused_by_digest() {
    let d = TempDir::new("tarlayout-corrupt");
    let (_, tar, _) = packed(&d, "images");
    // Flip one byte of the hello.tar layer inside the archive.
    let bytes = std::fs::read(d.join(&tar)).unwrap();
    let layer = std::fs::read(d.join(
        "images/blobs/sha256/2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1",
    ))
    .unwrap();
    let at = bytes
        .windows(layer.len())
        .position(|w| w == layer.as_slice())
        .expect("the layer is stored as it is");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(d.join(&tar))
        .unwrap();
    f.seek(SeekFrom::Start(at as u64 + 100)).unwrap();
    f.write_all(&[layer[100] ^ 0xff]).unwrap();
    drop(f);
    oar(
        d.path(),
        &[
            "pull",
            "--oci-layout",
            &format!("{tar}:linux-amd64"),
            "-o",
            "out",
        ],
    )
    .fails(1, "sha256:2ef548696ac7");
    assert!(!d.join("out/hello.tar").exists());
    oar(
        d.path(),
        &[
            "blob",
            "fetch",
            "-o",
            "layer",
            "--oci-layout",
            &format!(
                "{tar}@sha256:2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1"
            ),
        ],
    )
    .fails(1, "digest");
    assert!(!d.join("layer").exists());
}

/// Appends a tar member (GNU header, so sizes over 8 GiB are written in
/// base-256) whose content is `size` bytes: `data` if given, else a hole.
fn member(f: &mut std::fs::File, name: &str, size: u64, data: Option<&[u8]>) {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).unwrap();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    f.write_all(h.as_bytes()).unwrap();
    match data {
        Some(d) => f.write_all(d).unwrap(),
        None => {
            f.seek(SeekFrom::Current(size as i64)).unwrap();
        }
    }
    let pad = (512 - size % 512) % 512;
    f.write_all(&vec![0u8; pad as usize]).unwrap();
}

#[test]
fn a_huge_archive_is_indexed_by_seeking_and_read_in_constant_memory() {
    let d = TempDir::new("tarlayout-huge");
    // A 64 GiB member (a hole: nothing on disk) before the real ones.
    // Reading it to index the archive would take minutes; seeking over it
    // takes nothing.
    let data = pseudo_random(48 << 20, 7);
    let digest = format!("sha256:{}", crate::util::sha256_hex(&data));
    let hex = &digest[7..];
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{digest}","size":1,"annotations":{{"org.opencontainers.image.ref.name":"big"}}}}]}}"#
    );
    let mut f = std::fs::File::create(d.join("big.tar")).unwrap();
    member(
        &mut f,
        "oci-layout",
        30,
        Some(br#"{"imageLayoutVersion":"1.0.0"}"#),
    );
    member(
        &mut f,
        &format!("blobs/sha256/{}", "0".repeat(64)),
        64 << 30,
        None,
    );
    member(
        &mut f,
        &format!("blobs/sha256/{hex}"),
        data.len() as u64,
        Some(&data),
    );
    member(
        &mut f,
        "index.json",
        index.len() as u64,
        Some(index.as_bytes()),
    );
    f.write_all(&[0u8; 1024]).unwrap();
    drop(f);

    let start = std::time::Instant::now();
    let r = oar(d.path(), &["repo", "tags", "--oci-layout", "big.tar"]).ok();
    assert_eq!(r.stdout, "big\n");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "indexing took {:?}: the archive was read, not seeked",
        start.elapsed()
    );
    // A 48 MiB blob comes out verified, in a few MiB of memory.
    let (r, kib) = oar_peak_rss(
        d.path(),
        &[
            "blob",
            "fetch",
            "-o",
            "blob.bin",
            "--oci-layout",
            &format!("big.tar@{digest}"),
        ],
    );
    let r = r.ok();
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(std::fs::read(d.join("blob.bin")).unwrap(), data);
    assert!(kib < 16 * 1024, "peak RSS {kib} KiB");
}

#[test]
fn broken_archives_fail_clearly_and_archives_are_never_written() {
    let d = TempDir::new("tarlayout-broken");
    let (_, tar, _) = packed(&d, "images");
    // Not a tar at all.
    d.write(
        "notes.txt",
        "these are not the layouts you are looking for\n".repeat(20),
    );
    oar(d.path(), &["repo", "tags", "--oci-layout", "notes.txt"])
        .fails(1, "does not look like a tar archive");
    // An empty file.
    d.write("empty.tar", "");
    oar(d.path(), &["repo", "tags", "--oci-layout", "empty.tar"])
        .fails(1, "invalid OCI Image Layout");
    // Cut in the middle of a member.
    let bytes = std::fs::read(d.join(&tar)).unwrap();
    d.write("cut.tar", &bytes[..bytes.len() / 2 + 100]);
    oar(d.path(), &["repo", "tags", "--oci-layout", "cut.tar"]).fails(1, "truncated");
    // A tar without index.json.
    sh(
        "tar",
        &["-cf", "noindex.tar", "-C", "images", "blobs"],
        d.path(),
    );
    oar(d.path(), &["repo", "tags", "--oci-layout", "noindex.tar"]).fails(1, "has no index.json");

    // Writes are refused, and the archive is left as it was.
    let before = std::fs::read(d.join(&tar)).unwrap();
    d.write("hi.txt", "hi");
    oar(
        d.path(),
        &["push", "--oci-layout", &format!("{tar}:new"), "hi.txt"],
    )
    .fails(1, "read-only");
    oar(
        d.path(),
        &["tag", "--oci-layout", &format!("{tar}:multi"), "again"],
    )
    .fails(1, "read-only");
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            "images:multi",
            "--to-oci-layout",
            &format!("{tar}:copy"),
        ],
    )
    .fails(1, "read-only");
    assert_eq!(std::fs::read(d.join(&tar)).unwrap(), before);
}

/// Fails to compile when the archive stores stop being shareable between
/// threads, as every store of the library is.
#[test]
fn archive_stores_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<oar::content::tarlayout::TarLayout>();
    assert_send_sync::<oar::content::tarwriter::TarLayoutWriter>();
}
