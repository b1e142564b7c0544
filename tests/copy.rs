//! `cp` in every direction, with mounts, referrers, platforms, Docker media
//! types, and byte-identical manifests after every copy.

use crate::layout::{HELLO_TAR, fixtures};
use crate::util::registry::Registry;
use crate::util::{TempDir, json, oar, sha256_hex, sha256_of_file};

const OCI_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

fn manifest_bytes(reg: &Registry, repo: &str, reference: &str) -> Vec<u8> {
    let (status, head, body) =
        reg.raw_get(&format!("/v2/{repo}/manifests/{reference}"), OCI_ACCEPT);
    assert_eq!(status, 200, "{repo}:{reference}: {head}");
    body
}

#[test]
fn registry_to_registry_across_repositories_mounts_blobs() {
    let reg = Registry::start();
    let d = TempDir::new("cp-mount");
    d.write("big.bin", crate::util::pseudo_random(3_000_000, 11));
    let r = oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("src:v1"), "big.bin"],
    )
    .ok();
    let digest = r.digest();
    let r = oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            "--to-plain-http",
            &reg.reference("src:v1"),
            &reg.reference("dst:v2,extra"),
        ],
    )
    .ok();
    assert!(
        r.stdout.contains("Mounted"),
        "blobs mounted within one registry:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!(
        "Copied [registry] {} => [registry] {}",
        reg.reference("src:v1"),
        reg.reference("dst:v2")
    )));
    assert!(r.stdout.contains("Tagged extra"));
    assert_eq!(
        manifest_bytes(&reg, "dst", "v2"),
        manifest_bytes(&reg, "src", "v1")
    );
    assert_eq!(
        manifest_bytes(&reg, "dst", "extra"),
        manifest_bytes(&reg, "src", "v1")
    );
    assert_eq!(
        format!("sha256:{}", sha256_hex(&manifest_bytes(&reg, "dst", "v2"))),
        digest
    );
    // A second copy finds everything there.
    let r = oar(
        d.path(),
        &[
            "cp",
            "-v",
            "--from-plain-http",
            "--to-plain-http",
            &reg.reference("src:v1"),
            &reg.reference("dst:v3"),
        ],
    )
    .ok();
    assert!(
        r.stdout.starts_with(&format!(
            "Exists  {} application/vnd.oci.image.manifest.v1+json",
            &digest[7..19]
        )),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.lines().len(),
        3,
        "the root exists, so nothing below it is checked: {}",
        r.stdout
    );
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("dst:v3"), "-o", "o"],
    )
    .ok();
    assert_eq!(d.read("o/big.bin"), d.read("big.bin"));
}

#[test]
fn registry_to_registry_with_separate_credentials_per_side() {
    let a = Registry::start_with(crate::util::registry::Options {
        basic_auth: Some(("alice", "pa")),
        ..Default::default()
    });
    let b = Registry::start_with(crate::util::registry::Options {
        basic_auth: Some(("bob", "pb")),
        ..Default::default()
    });
    let d = TempDir::new("cp-creds");
    d.write("f", "two registries");
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "pa",
            &a.reference("x:v1"),
            "f",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            "--from-username",
            "alice",
            "--from-password",
            "pa",
            "--to-plain-http",
            "--to-username",
            "bob",
            "--to-password",
            "pb",
            &a.reference("x:v1"),
            &b.reference("y:v1"),
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "-u",
            "bob",
            "-p",
            "pb",
            &b.reference("y:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    assert_eq!(d.read("o/f"), b"two registries");
}

#[test]
fn registry_layout_round_trip_keeps_digests() {
    let reg = Registry::start();
    let d = TempDir::new("cp-layout");
    d.write("one.txt", "1");
    d.write("two.txt", "22");
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("r:v1"),
            "one.txt",
            "two.txt",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            &reg.reference("r:v1"),
            "--to-oci-layout",
            "lay:copied",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            "lay:copied",
            "--to-oci-layout",
            "lay2:again",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            "lay2:again",
            "--to-plain-http",
            &reg.reference("back:v1"),
        ],
    )
    .ok();
    let original = manifest_bytes(&reg, "r", "v1");
    assert_eq!(manifest_bytes(&reg, "back", "v1"), original);
    let digest = format!("sha256:{}", sha256_hex(&original));
    let layout_blob = std::fs::read(d.join("lay2/blobs/sha256").join(&digest[7..])).unwrap();
    assert_eq!(layout_blob, original);
    let idx = json(&std::fs::read_to_string(d.join("lay2/index.json")).unwrap());
    assert_eq!(idx["manifests"][0]["digest"], digest);
    assert_eq!(
        idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        "again"
    );
}

#[test]
fn recursive_copy_brings_nested_referrers() {
    let reg = Registry::start();
    let d = TempDir::new("cp-r");
    d.write("a", "a");
    d.write("s", "s");
    let base = oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("base:v1"), "a"],
    )
    .ok()
    .digest();
    let r = oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/sbom",
            &reg.reference("base:v1"),
            "s",
        ],
    )
    .ok();
    let sbom = r.digest();
    let sig = oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/sig",
            &reg.reference(&format!("base@{sbom}")),
            "-a",
            "k=v",
        ],
    )
    .ok()
    .digest();
    // The tree discover must show under `root`, written out.
    let tree = |root: &str| {
        format!(
            "{root}@{base}\n\
             └── x/sbom\n    \
             └── {sbom}\n        \
             └── x/sig\n            \
             └── {sig}\n"
        )
    };
    // Without annotations (their creation times differ run to run).
    let discover = |args: &[&str]| {
        let mut args = args.to_vec();
        args.push("--verbose=false");
        oar(d.path(), &args).ok().stdout
    };
    assert_eq!(
        discover(&["discover", "--plain-http", &reg.reference("base:v1")]),
        tree(&reg.reference("base"))
    );
    // Without -r, no referrers travel.
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            "--to-plain-http",
            &reg.reference("base:v1"),
            &reg.reference("plain:v1"),
        ],
    )
    .ok();
    assert_eq!(
        discover(&["discover", "--plain-http", &reg.reference("plain:v1")]),
        format!("{}@{base}\n", reg.reference("plain"))
    );
    // With -r, to another repository and to a layout.
    oar(
        d.path(),
        &[
            "cp",
            "-r",
            "--from-plain-http",
            "--to-plain-http",
            &reg.reference("base:v1"),
            &reg.reference("deep:v1"),
        ],
    )
    .ok();
    assert_eq!(
        discover(&["discover", "--plain-http", &reg.reference("deep:v1")]),
        tree(&reg.reference("deep"))
    );
    oar(
        d.path(),
        &[
            "cp",
            "-r",
            "--from-plain-http",
            &reg.reference("base:v1"),
            "--to-oci-layout",
            "lay:v1",
        ],
    )
    .ok();
    assert_eq!(
        discover(&["discover", "--oci-layout", "lay:v1"]),
        tree("lay")
    );
}

#[test]
fn platform_selection_from_an_index() {
    let reg = Registry::start();
    let d = TempDir::new("cp-platform");
    let images = fixtures().join("zot/command/images");
    let src = format!("{}:multi", images.display());
    // The whole index, then one platform.
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            &src,
            "--to-plain-http",
            &reg.reference("multi:all"),
        ],
    )
    .ok();
    let idx: serde_json::Value =
        serde_json::from_slice(&manifest_bytes(&reg, "multi", "all")).unwrap();
    assert_eq!(idx["manifests"].as_array().unwrap().len(), 3);
    let r = oar(
        d.path(),
        &[
            "cp",
            "--platform",
            "linux/arm64",
            "--from-oci-layout",
            &src,
            "--to-plain-http",
            &reg.reference("multi:arm"),
        ],
    )
    .ok();
    assert!(
        r.stdout.contains(
            "Digest: sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c"
        ),
        "{}",
        r.stdout
    );
    let cfg = oar(
        d.path(),
        &[
            "manifest",
            "fetch-config",
            "--plain-http",
            &reg.reference("multi:arm"),
        ],
    )
    .ok();
    assert!(cfg.stdout.contains("arm64"));
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "--platform",
            "linux/arm/v7",
            &reg.reference("multi:all"),
            "-o",
            "v7",
        ],
    )
    .ok();
    assert_eq!(sha256_of_file(&d.join("v7/hello.tar")), HELLO_TAR);
    oar(
        d.path(),
        &[
            "cp",
            "--platform",
            "windows/amd64",
            "--from-oci-layout",
            &src,
            "--to-oci-layout",
            "x:y",
        ],
    )
    .fails(1, "no manifest for platform");
}

#[test]
fn docker_media_types_are_followed() {
    let reg = Registry::start();
    let d = TempDir::new("docker");
    d.write("layer", "docker layer");
    d.write("config.json", r#"{"architecture":"amd64","os":"linux"}"#);
    let layer = oar(
        d.path(),
        &[
            "blob",
            "push",
            "--plain-http",
            &reg.reference("dock"),
            "layer",
            "--descriptor",
        ],
    )
    .ok();
    let layer = json(&layer.stdout);
    let config = json(
        &oar(
            d.path(),
            &[
                "blob",
                "push",
                "--plain-http",
                &reg.reference("dock"),
                "config.json",
                "--descriptor",
            ],
        )
        .ok()
        .stdout,
    );
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": config["digest"], "size": config["size"]},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "digest": layer["digest"], "size": layer["size"]}]
    })
    .to_string();
    d.write("m.json", &manifest);
    let r = oar(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            &reg.reference("dock:img"),
            "m.json",
            "--descriptor",
        ],
    )
    .ok();
    let m = json(&r.stdout);
    assert_eq!(
        m["mediaType"],
        "application/vnd.docker.distribution.manifest.v2+json"
    );
    let list = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [{"mediaType": m["mediaType"], "digest": m["digest"], "size": m["size"], "platform": {"architecture": "amd64", "os": "linux"}}]
    })
    .to_string();
    d.write("list.json", &list);
    oar(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            &reg.reference("dock:list"),
            "list.json",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            &reg.reference("dock:list"),
            "--to-oci-layout",
            "lay:list",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            "lay:list",
            "--to-plain-http",
            &reg.reference("dock2:list"),
        ],
    )
    .ok();
    assert_eq!(manifest_bytes(&reg, "dock2", "list"), list.as_bytes());
    let fetched = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--plain-http",
            "--platform",
            "linux/amd64",
            &reg.reference("dock2:list"),
        ],
    )
    .ok();
    assert_eq!(fetched.stdout.trim_end(), manifest);
    let blob = oar(
        d.path(),
        &[
            "blob",
            "fetch",
            "--plain-http",
            "-o",
            "-",
            &reg.reference(&format!("dock2@{}", layer["digest"].as_str().unwrap())),
        ],
    )
    .ok();
    assert_eq!(blob.stdout, "docker layer");
}

#[test]
fn refused_mount_falls_back_to_upload() {
    // carol may write `dst` but not read `src`: the mount is refused and
    // the blob is uploaded from the source side (alice's credentials).
    use crate::util::token::{ISSUER, SERVICE, TokenService, User};
    let tokens = TokenService::start(
        vec![
            User {
                name: "alice",
                password: "pa",
                refresh_token: None,
                grants: vec![("src", vec!["pull", "push"])],
            },
            User {
                name: "carol",
                password: "pc",
                refresh_token: None,
                grants: vec![("dst", vec!["pull", "push"])],
            },
        ],
        300,
    );
    let realm = tokens.realm();
    let reg = Registry::start_with(crate::util::registry::Options {
        token: Some((&realm, SERVICE, ISSUER, &tokens.bundle)),
        ..Default::default()
    });
    let d = TempDir::new("mount-refused");
    d.write("m.bin", crate::util::pseudo_random(200_000, 4));
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-u",
            "alice",
            "-p",
            "pa",
            &reg.reference("src:v1"),
            "m.bin",
        ],
    )
    .ok();
    let r = oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            "--from-username",
            "alice",
            "--from-password",
            "pa",
            "--to-plain-http",
            "--to-username",
            "carol",
            "--to-password",
            "pc",
            &reg.reference("src:v1"),
            &reg.reference("dst:v1"),
        ],
    )
    .ok();
    assert!(r.stdout.contains("Copied "), "{}", r.stdout);
    assert!(!r.stdout.contains("Mounted"), "{}", r.stdout);
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "-u",
            "carol",
            "-p",
            "pc",
            &reg.reference("dst:v1"),
            "-o",
            "o",
        ],
    )
    .ok();
    assert_eq!(d.read("o/m.bin"), d.read("m.bin"));
}

#[test]
fn index_with_referrers_travels_registry_layout_registry_intact() {
    // A multi-platform index (written by oras), a signature on the index
    // and an SBOM on one platform's manifest, moved with cp -r from one
    // registry to a layout and on to another registry.
    let a = Registry::start();
    let b = Registry::start();
    let d = TempDir::new("cp-r-index");
    let images = fixtures().join("zot/command/images");
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout",
            &format!("{}:multi", images.display()),
            "--to-plain-http",
            &a.reference("app:v1"),
        ],
    )
    .ok();
    d.write("sig", "signature");
    d.write("sbom", "sbom");
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/sig",
            &a.reference("app:v1"),
            "sig",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--platform",
            "linux/amd64",
            "--artifact-type",
            "x/sbom",
            &a.reference("app:v1"),
            "sbom",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "-r",
            "--from-plain-http",
            &a.reference("app:v1"),
            "--to-oci-layout",
            "lay:v1",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "-r",
            "--from-oci-layout",
            "lay:v1",
            "--to-plain-http",
            &b.reference("app:v1"),
        ],
    )
    .ok();
    assert_eq!(
        manifest_bytes(&a, "app", "v1"),
        manifest_bytes(&b, "app", "v1"),
        "the index is byte-identical"
    );
    let tree = |reg: &Registry, extra: &[&str]| {
        let reference = reg.reference("app:v1");
        let mut args = vec!["discover", "--plain-http", reference.as_str()];
        args.extend_from_slice(extra);
        oar(d.path(), &args).ok().stdout.replace(&reg.host, "HOST")
    };
    assert_eq!(
        tree(&a, &[]),
        tree(&b, &[]),
        "the index's referrers came along"
    );
    assert!(tree(&b, &[]).contains("x/sig"));
    let amd = ["--platform", "linux/amd64"];
    assert_eq!(
        tree(&a, &amd),
        tree(&b, &amd),
        "so did the platform manifest's"
    );
    assert!(tree(&b, &amd).contains("x/sbom"));
    // Every referrer manifest has the same digest on both registries.
    let digests = |reg: &Registry| {
        let out = oar(
            d.path(),
            &[
                "discover",
                "--plain-http",
                "--format",
                "json",
                &reg.reference("app:v1"),
            ],
        )
        .ok();
        json(&out.stdout)["referrers"][0]["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(digests(&a), digests(&b));
}
