//! OCI image layouts: the embedded default. Manifests `oar push` writes are
//! byte-identical to those `oras push` wrote in the ORAS e2e fixtures, and
//! layouts written by oras are read.

use std::path::{Path, PathBuf};

use crate::util::{TempDir, json, oar, sha256_of_file};

/// The ORAS e2e fixtures (data written by oras itself, copied unchanged
/// from the ORAS repository under the Apache License 2.0; see their README),
/// as of the suite version ported in `tests/e2e`.
pub fn fixtures() -> PathBuf {
    let p = crate::e2e::test_data_root();
    assert!(
        p.is_dir(),
        "the ORAS fixtures are missing at {}",
        p.display()
    );
    p
}

/// The digest of `hello.tar`, the one layer of every platform's image in
/// the fixtures' `multi` indexes.
pub const HELLO_TAR: &str =
    "sha256:2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1";

fn fixture_blob(layout: &str, hex: &str) -> Vec<u8> {
    std::fs::read(
        fixtures()
            .join("zot/command")
            .join(layout)
            .join("blobs/sha256")
            .join(hex),
    )
    .unwrap()
}

fn manifest_digest_of(dir: &Path, tag: &str) -> String {
    let idx = json(&std::fs::read_to_string(dir.join("index.json")).unwrap());
    idx["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
        .unwrap_or_else(|| panic!("tag {tag} not in index.json"))["digest"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn v1_1_push_matches_oras_byte_for_byte() {
    // oras 1.2 pushed the file "arm64" as manifest 6aa11331… (fixture).
    let d = TempDir::new("layout");
    d.write(
        "arm64",
        fixture_blob(
            "artifacts",
            "01fa0c3558d5badb8b58a95a549f4c08e678866d604c79d699108873de4813c7",
        ),
    );
    let r = oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:t",
            "arm64",
            "-a",
            "org.opencontainers.image.created=2025-06-05T04:26:57Z",
            "--export-manifest",
            "m.json",
        ],
    )
    .ok();
    let want = "sha256:6aa11331ce0c766d6333b60dac98d584d98eea45fa93bbfc9b5bdb915ce3a43f";
    assert_eq!(manifest_digest_of(&d.join("l"), "t"), want);
    assert!(r.stdout.contains(&format!("Digest: {want}")));
    assert_eq!(
        d.read("m.json"),
        fixture_blob(
            "artifacts",
            "6aa11331ce0c766d6333b60dac98d584d98eea45fa93bbfc9b5bdb915ce3a43f"
        )
    );
}

#[test]
fn empty_artifact_matches_oras() {
    // `oras push --artifact-type test/empty.artifact` with no files.
    let d = TempDir::new("layout");
    let r = oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:e",
            "--artifact-type",
            "test/empty.artifact",
            "-a",
            "org.opencontainers.image.created=2023-11-06T08:07:54Z",
        ],
    )
    .ok();
    assert!(
        r.stdout.starts_with("Uploading empty artifact\n"),
        "{}",
        r.stdout
    );
    assert_eq!(
        manifest_digest_of(&d.join("l"), "e"),
        "sha256:7156dd4030da2375969c4da97e051d907f54ff8e9d28cc82c57289bbd22e3f9f"
    );
}

#[test]
fn v1_0_push_with_config_matches_oras() {
    // The "nonjson-config" image: `--config` without `--artifact-type`
    // switches to image spec 1.0.
    let d = TempDir::new("layout");
    d.write("config.txt", "sometext\n");
    d.write("artifactfile", "my artifact\n");
    let r = oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:n",
            "--config",
            "config.txt",
            "artifactfile",
            "-a",
            "org.opencontainers.image.created=2024-08-22T08:22:13Z",
        ],
    )
    .ok();
    assert!(
        r.stdout
            .contains("ArtifactType: application/vnd.unknown.config.v1+json"),
        "{}",
        r.stdout
    );
    assert_eq!(
        manifest_digest_of(&d.join("l"), "n"),
        "sha256:9d16f5505246424aed7116cb21216704ba8c919997d0f1f37e154c11d509e1d2"
    );
}

#[test]
fn image_spec_v1_0_push_matches_oras() {
    // oras pushed foo1, foo2 and bar as the image-spec 1.0 manifest
    // fd6ed2f3… (fixture): the files' media type on the empty config, no
    // artifactType. That oras was older than the `created` annotation,
    // which oras 1.2 adds last; pinned here, it is the only difference.
    let d = TempDir::new("layout");
    for f in ["foo1", "foo2", "bar"] {
        std::fs::copy(fixtures().join("files/foobar").join(f), d.join(f)).unwrap();
    }
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v10",
            "--image-spec",
            "v1.0",
            "foo1",
            "foo2",
            "bar",
            "-a",
            "org.opencontainers.image.created=2023-01-18T08:37:00Z",
            "--export-manifest",
            "m.json",
        ],
    )
    .ok();
    let oras = fixture_blob(
        "artifacts",
        "fd6ed2f36b5465244d5dc86cb4e7df0ab8a9d24adc57825099f522fe009a22bb",
    );
    let mut want = oras[..oras.len() - 1].to_vec();
    want.extend_from_slice(
        br#","annotations":{"org.opencontainers.image.created":"2023-01-18T08:37:00Z"}}"#,
    );
    assert_eq!(
        String::from_utf8(d.read("m.json")).unwrap(),
        String::from_utf8(want).unwrap()
    );
}

#[test]
fn layout_round_trip_with_status_lines() {
    let d = TempDir::new("layout");
    d.write("a.txt", "alpha");
    d.write("sub/b.bin", crate::util::pseudo_random(100_000, 7));
    let r = oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "lay:v1",
            "a.txt",
            "sub/b.bin:application/x-b",
        ],
    )
    .ok();
    assert_eq!(r.lines()[..2], ["Preparing a.txt", "Preparing sub/b.bin"]);
    assert_eq!(
        r.lines()[2..4],
        [
            "Uploading 44136fa355b3 application/vnd.oci.empty.v1+json",
            "Uploaded  44136fa355b3 application/vnd.oci.empty.v1+json",
        ]
    );
    assert_eq!(
        r.lines()[4..8],
        [
            "Uploading 8ed3f6ad685b a.txt",
            "Uploaded  8ed3f6ad685b a.txt",
            &format!(
                "Uploading {} sub/b.bin",
                &sha256_of_file(&d.join("sub/b.bin"))[7..19]
            ),
            &format!(
                "Uploaded  {} sub/b.bin",
                &sha256_of_file(&d.join("sub/b.bin"))[7..19]
            ),
        ]
    );
    assert_eq!(
        r.lines()[8].split_at(22).1,
        " application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(r.lines()[10], "Pushed [oci-layout] lay:v1");
    // Layout structure other tools rely on.
    assert_eq!(
        d.read("lay/oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#
    );
    let blob = d
        .join("lay/blobs/sha256")
        .join(&sha256_of_file(&d.join("a.txt"))[7..]);
    assert_eq!(std::fs::read(blob).unwrap(), b"alpha");
    let p = oar(d.path(), &["pull", "--oci-layout", "lay:v1", "-o", "out"]).ok();
    assert!(
        p.stdout.contains("Downloaded  8ed3f6ad685b a.txt"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("Pulled [oci-layout] lay:v1"));
    assert_eq!(d.read("out/a.txt"), b"alpha");
    assert_eq!(d.read("out/sub/b.bin"), d.read("sub/b.bin"));
    // A second push of the same files: every blob exists.
    let r = oar(d.path(), &["push", "--oci-layout", "lay:v2", "a.txt"]).ok();
    assert!(
        r.stdout.starts_with(
            "Preparing a.txt\nExists    44136fa355b3 application/vnd.oci.empty.v1+json\nExists    8ed3f6ad685b a.txt\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn pulls_layouts_written_by_oras() {
    let d = TempDir::new("layout");
    let src = fixtures().join("zot/command/artifacts");
    let r = oar(
        d.path(),
        &[
            "pull",
            "--oci-layout",
            &format!("{}:foobar", src.display()),
            "-o",
            "out",
        ],
    )
    .ok();
    for (f, bytes) in [("foo1", "foo"), ("foo2", "foo"), ("bar", "bar")] {
        assert_eq!(
            d.read(&format!("out/{f}")),
            bytes.as_bytes(),
            "{}",
            r.stdout
        );
    }
    assert!(
        r.stdout.contains("Restored    2c26b46b68ff foo2"),
        "duplicate content is copied, not fetched: {}",
        r.stdout
    );
    // By digest, from an index: every platform's file is written.
    let r = oar(
        d.path(),
        &[
            "pull",
            "--oci-layout",
            &format!("{}:multi", src.display()),
            "-o",
            "multi",
        ],
    )
    .ok();
    assert_eq!(
        sha256_of_file(&d.join("multi/hello.tar")),
        HELLO_TAR,
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Skipped pulling layers without file name"),
        "{}",
        r.stdout
    );
}

#[test]
fn pull_json_lists_absolute_paths() {
    let d = TempDir::new("layout");
    d.write("x.txt", "x");
    oar(d.path(), &["push", "--oci-layout", "l:v1", "x.txt"]).ok();
    let r = oar(
        d.path(),
        &[
            "pull",
            "--oci-layout",
            "l:v1",
            "-o",
            "out",
            "--format",
            "json",
        ],
    )
    .ok();
    let v = json(&r.stdout);
    let f = &v["files"][0];
    let canon = std::fs::canonicalize(d.join("out")).unwrap();
    assert_eq!(f["path"], canon.join("x.txt").to_str().unwrap());
    assert_eq!(f["annotations"]["org.opencontainers.image.title"], "x.txt");
    assert!(v["reference"].as_str().unwrap().starts_with("l@sha256:"));
}
