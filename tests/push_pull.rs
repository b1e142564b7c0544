//! Push and pull against Debian's docker-registry.

use crate::util::registry::{Options, Registry};
use crate::util::{TempDir, json, oar, pseudo_random, sha256_of_file};

const OCI: &str = "application/vnd.oci.image.manifest.v1+json";

fn manifest(reg: &Registry, repo: &str, reference: &str) -> (String, serde_json::Value) {
    let (status, head, body) = reg.raw_get(&format!("/v2/{repo}/manifests/{reference}"), OCI);
    assert_eq!(status, 200, "{head}");
    let digest = head
        .lines()
        .find_map(|l| l.strip_prefix("Docker-Content-Digest: "))
        .unwrap()
        .trim()
        .to_string();
    (digest, serde_json::from_slice(&body).unwrap())
}

#[test]
fn round_trip_of_empty_tiny_and_large_files() {
    let reg = Registry::start();
    let d = TempDir::new("rt");
    d.write("empty", "");
    d.write("one", "1");
    d.write("big.bin", pseudo_random(5 * 1024 * 1024 + 3, 1));
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("files:v1"),
            "empty",
            "one",
            "big.bin",
        ],
    )
    .ok();
    let lines = r.lines();
    // As oras 1.3 says it: each file prepared, then every node (the empty
    // config and the manifest too) uploaded, then the summary.
    assert_eq!(
        lines[..3],
        ["Preparing empty", "Preparing one", "Preparing big.bin"]
    );
    let at = |l: &str| lines.iter().position(|x| *x == l);
    let started = at("Uploading e3b0c44298fc empty").expect("the empty file's line");
    assert!(
        at("Uploaded  e3b0c44298fc empty") > Some(started),
        "{lines:?}"
    );
    assert_eq!(
        lines[lines.len() - 3],
        format!("Pushed [registry] {}", reg.reference("files:v1"))
    );
    assert_eq!(lines.len(), 3 + 2 * 5 + 3, "{lines:?}");
    assert_eq!(
        lines[lines.len() - 2],
        "ArtifactType: application/vnd.unknown.artifact.v1"
    );
    let (digest, m) = manifest(&reg, "files", "v1");
    assert_eq!(lines[lines.len() - 1], format!("Digest: {digest}"));
    assert_eq!(m["artifactType"], "application/vnd.unknown.artifact.v1");
    assert_eq!(
        m["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(m["config"]["data"], "e30=");
    assert_eq!(
        m["layers"][2]["annotations"]["org.opencontainers.image.title"],
        "big.bin"
    );
    assert!(
        m["annotations"]["org.opencontainers.image.created"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let p = oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("files:v1"),
            "-o",
            "out",
        ],
    )
    .ok();
    assert_eq!(p.lines().last().unwrap(), &format!("Digest: {digest}"));
    for f in ["empty", "one", "big.bin"] {
        assert_eq!(d.read(&format!("out/{f}")), d.read(f), "{f} differs");
    }
    let left: Vec<_> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 3, "no partial files remain: {left:?}");
    // By digest too.
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference(&format!("files@{digest}")),
            "-o",
            "bydigest",
        ],
    )
    .ok();
    assert_eq!(d.read("bydigest/one"), b"1");
}

#[test]
fn repush_reports_exists_and_multiple_tags_point_to_one_manifest() {
    let reg = Registry::start();
    let d = TempDir::new("tags");
    d.write("a", "aaa");
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("t:one,two,three"),
            "a",
        ],
    )
    .ok();
    assert!(
        r.stdout.contains("Tagged two\nTagged three\n"),
        "{}",
        r.stdout
    );
    let (d1, _) = manifest(&reg, "t", "one");
    let (d2, _) = manifest(&reg, "t", "two");
    let (d3, _) = manifest(&reg, "t", "three");
    assert!(d1 == d2 && d2 == d3);
    // A manifest that differs (an identical one, pushed within the same
    // second, exists already and its blobs are not checked again).
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("t:again"),
            "a",
            "-a",
            "second=push",
        ],
    )
    .ok();
    assert!(
        r.stdout.contains(
            "\nExists    44136fa355b3 application/vnd.oci.empty.v1+json\nExists    9834876dcfb0 a\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn image_spec_v1_0_and_annotation_file() {
    let reg = Registry::start();
    let d = TempDir::new("spec");
    d.write("f.txt", "content");
    d.write("cfg.json", "{\"k\":1}");
    d.write(
        "ann.json",
        r#"{"$manifest":{"m":"1"},"$config":{"c":"2"},"f.txt":{"per-file":"3"}}"#,
    );
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("s:v10"),
            "--image-spec",
            "v1.0",
            "--artifact-type",
            "application/vnd.me",
            "f.txt",
            "--annotation-file",
            "ann.json",
        ],
    )
    .ok();
    let (_, m) = manifest(&reg, "s", "v10");
    assert!(m.get("artifactType").is_none());
    assert_eq!(m["config"]["mediaType"], "application/vnd.me");
    assert_eq!(m["config"]["annotations"]["c"], "2");
    assert_eq!(m["annotations"]["m"], "1");
    assert_eq!(m["layers"][0]["annotations"]["per-file"], "3");
    // --config with a media type, 1.1 with an artifact type.
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("s:cfg"),
            "--config",
            "cfg.json:application/vnd.cfg+json",
            "--artifact-type",
            "application/vnd.art",
            "f.txt",
        ],
    )
    .ok();
    let (_, m) = manifest(&reg, "s", "cfg");
    assert_eq!(m["artifactType"], "application/vnd.art");
    assert_eq!(m["config"]["mediaType"], "application/vnd.cfg+json");
    assert_eq!(m["config"]["digest"], sha256_of_file(&d.join("cfg.json")));
    // Pull writes the config only when asked.
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("s:cfg"),
            "-o",
            "o",
            "--config",
            "got-config.json",
        ],
    )
    .ok();
    assert_eq!(d.read("o/got-config.json"), b"{\"k\":1}");
}

#[test]
fn push_and_pull_json() {
    let reg = Registry::start();
    let d = TempDir::new("json");
    d.write("f", "f");
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("j:a,b"),
            "f",
            "--format",
            "json",
        ],
    )
    .ok();
    let v = json(&r.stdout);
    let name = reg.reference("j");
    assert_eq!(
        v["referenceAsTags"],
        serde_json::json!([format!("{name}:a"), format!("{name}:b")])
    );
    let digest = v["digest"].as_str().unwrap();
    assert_eq!(v["reference"], format!("{name}@{digest}"));
    assert_eq!(v["mediaType"], OCI);
    let r = oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("j:b"),
            "-o",
            "o",
            "--format",
            "json",
        ],
    )
    .ok();
    let v = json(&r.stdout);
    assert_eq!(v["reference"], format!("{name}@{digest}"));
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
}

#[test]
fn corrupt_blob_never_reaches_its_final_name() {
    let reg = Registry::start();
    let d = TempDir::new("corrupt");
    d.write("victim", pseudo_random(300_000, 3));
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("c:v1"), "victim"],
    )
    .ok();
    // Flip bytes of the stored blob behind the registry's back.
    let hex = &sha256_of_file(&d.join("victim"))[7..];
    let blob = reg
        .data_dir()
        .join("docker/registry/v2/blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data");
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[1000] ^= 0xff;
    std::fs::write(&blob, bytes).unwrap();
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("c:v1"), "-o", "out"],
    )
    .fails(1, "digest mismatch");
    let left: Vec<_> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .collect();
    assert!(
        left.is_empty(),
        "nothing may remain: {:?}",
        left.iter().map(|e| e.file_name()).collect::<Vec<_>>()
    );
}

#[test]
fn missing_tag_and_digest_are_not_found() {
    let reg = Registry::start();
    let d = TempDir::new("nf");
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("x:nope")],
    )
    .fails(1, "not found");
    let digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference(&format!("x@{digest}")),
        ],
    )
    .fails(1, "not found");
}

#[test]
fn titles_leaving_the_output_directory_are_refused() {
    let reg = Registry::start();
    let d = TempDir::new("trav");
    d.write("work/evil.txt", "evil");
    std::fs::create_dir_all(d.join("work/sub")).unwrap();
    // Pushed from a subdirectory, the title is "../evil.txt".
    oar(
        &d.join("work/sub"),
        &[
            "push",
            "--plain-http",
            &reg.reference("p:v1"),
            "../evil.txt",
        ],
    )
    .ok();
    let out = d.join("pull/out");
    std::fs::create_dir_all(&out).unwrap();
    let r = oar(
        &d.join("pull"),
        &["pull", "--plain-http", &reg.reference("p:v1"), "-o", "out"],
    );
    r.fails(
        1,
        "use flag --allow-path-traversal to allow insecurely pulling files outside of working directory",
    );
    assert!(!d.join("pull/evil.txt").exists());
    // -T allows it, as in oras.
    oar(
        &d.join("pull"),
        &[
            "pull",
            "--plain-http",
            &reg.reference("p:v1"),
            "-o",
            "out",
            "-T",
        ],
    )
    .ok();
    assert_eq!(d.read("pull/evil.txt"), b"evil");

    // An absolute title is refused too.
    let abs = d.write("abs/target.txt", "abs");
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("p:abs"),
            "--disable-path-validation",
            abs.to_str().unwrap(),
        ],
    )
    .ok();
    std::fs::remove_file(&abs).unwrap();
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("p:abs"), "-o", "o2"],
    )
    .fails(1, "path traversal disallowed");
    assert!(!abs.exists());
}

#[test]
fn keep_old_files_refuses_to_overwrite() {
    let reg = Registry::start();
    let d = TempDir::new("keep");
    d.write("k.txt", "new");
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("k:v1"), "k.txt"],
    )
    .ok();
    d.write("out/k.txt", "old");
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("k:v1"),
            "-o",
            "out",
            "-k",
        ],
    )
    .fails(1, "overwrite disallowed");
    assert_eq!(d.read("out/k.txt"), b"old");
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("k:v1"), "-o", "out"],
    )
    .ok();
    assert_eq!(d.read("out/k.txt"), b"new");
}

#[test]
fn layout_and_registry_carry_the_same_bytes() {
    let reg = Registry::start();
    let d = TempDir::new("l2r");
    d.write("data.bin", pseudo_random(2_000_000, 9));
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "data.bin"]).ok();
    oar(
        d.path(),
        &["pull", "--oci-layout", "lay:v1", "-o", "from-layout"],
    )
    .ok();
    oar(
        &d.join("from-layout"),
        &["push", "--plain-http", &reg.reference("l:v1"), "data.bin"],
    )
    .ok();
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("l:v1"),
            "-o",
            "from-registry",
        ],
    )
    .ok();
    assert_eq!(d.read("from-registry/data.bin"), d.read("data.bin"));
}

#[test]
fn debug_traces_requests_without_secrets() {
    // The registry wants the credentials, so they are really sent.
    let reg = Registry::start_with(Options {
        basic_auth: Some(("user", "pw")),
        ..Options::default()
    });
    let d = TempDir::new("debug");
    d.write("f", "f");
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "-d",
            "-H",
            "X-Secret: hunter2",
            "-u",
            "user",
            "-p",
            "pw",
            &reg.reference("dbg:v1"),
            "f",
        ],
    )
    .ok();
    // oras's trace layout: numbered requests and responses, Go-quoted.
    assert!(
        r.stderr
            .contains("msg=Request #0\n> Request URL: \"http://"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("> Request method: \"HEAD\""));
    assert!(r.stderr.contains("   \"X-Secret\": \"*****\"\n"));
    assert!(r.stderr.contains("< Response Status: \"202 Accepted\""));
    assert!(
        r.stderr.contains("< Response Status: \"401 Unauthorized\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("   \"Authorization\": \"*****\"\n"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("hunter2"));
    // base64("user:pw"), as the Authorization header carried it.
    assert!(!r.stderr.contains("dXNlcjpwdw=="), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("WARNING! Using --password via the CLI is insecure")
    );
}

#[test]
fn manifest_accept_list_reaches_oci_manifests() {
    // Debian's registry hides OCI manifests from requests without OCI
    // types in Accept; a HEAD-by-tag resolve must still work.
    let reg = Registry::start();
    let d = TempDir::new("accept");
    d.write("f", "f");
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("acc:v1"), "f"],
    )
    .ok();
    let (status, _, _) = reg.raw_get("/v2/acc/manifests/v1", "application/json");
    assert_eq!(status, 404, "the registry really does hide it");
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("acc:v1"), "-o", "o"],
    )
    .ok();
    assert_eq!(d.read("o/f"), b"f");
}

#[test]
fn resolve_flag_maps_a_name_to_loopback() {
    // No DNS is asked: the name only exists in --resolve.
    let reg = Registry::start();
    let d = TempDir::new("resolve");
    d.write("r.txt", "resolved");
    let name = format!("registry.oar-test.invalid:{}", reg.port);
    let rule = format!("{name}:127.0.0.1");
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            "--resolve",
            &rule,
            &format!("{name}/r:v1"),
            "r.txt",
        ],
    )
    .ok();
    oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("r:v1"), "-o", "o"],
    )
    .ok();
    assert_eq!(d.read("o/r.txt"), b"resolved");
    // Mapping to another port works too.
    let other = format!("elsewhere.oar-test.invalid:80:127.0.0.1:{}", reg.port);
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "--resolve",
            &other,
            "elsewhere.oar-test.invalid/r:v1",
            "-o",
            "o2",
        ],
    )
    .ok();
    assert_eq!(d.read("o2/r.txt"), b"resolved");
    oar(
        d.path(),
        &["pull", "--resolve", "bad", &reg.reference("r:v1")],
    )
    .fails(1, "resolve flag");
}

/// The config `--artifact-platform linux/arm/v5` bakes: the platform as
/// Go marshals it, as an OCI image config.
const ARM_V5: &str = r#"{"architecture":"arm","os":"linux","variant":"v5"}"#;

#[test]
fn artifact_platform_bakes_the_config_in_a_layout_and_a_registry() {
    let reg = Registry::start();
    let d = TempDir::new("platform");
    d.write("a", "alpha");
    d.write("cfg.json", "{}");
    let want = format!("sha256:{}", crate::util::sha256_hex(ARM_V5.as_bytes()));
    let plat = ["--artifact-platform", "linux/arm/v5"];
    let layout = oar(
        d.path(),
        &[&["push", "--oci-layout", "lay:v1"][..], &plat, &["a"]].concat(),
    )
    .ok();
    let remote = reg.reference("p:v1");
    oar(
        d.path(),
        &[&["push", "--plain-http", &remote][..], &plat, &["a"]].concat(),
    )
    .ok();
    assert!(
        layout.stdout.contains(&format!(
            "Uploaded  {} application/vnd.oci.image.config.v1+json\n",
            &want[7..19]
        )),
        "{}",
        layout.stdout
    );
    let (_, m) = manifest(&reg, "p", "v1");
    let fetched = oar(d.path(), &["manifest", "fetch", "--oci-layout", "lay:v1"]).ok();
    let from_layout: serde_json::Value = serde_json::from_str(&fetched.stdout).unwrap();
    for m in [&m, &from_layout] {
        assert_eq!(
            m["config"]["mediaType"],
            "application/vnd.oci.image.config.v1+json"
        );
        assert_eq!(m["config"]["digest"], want.as_str());
        assert_eq!(m["config"]["size"], ARM_V5.len());
        assert_eq!(m["artifactType"], "application/vnd.unknown.artifact.v1");
    }
    // The platform selects it; another one does not.
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "--platform",
            "linux/arm/v5",
            &remote,
            "-o",
            "o",
        ],
    )
    .ok();
    assert_eq!(d.read("o/a"), b"alpha");
    let other = oar(
        d.path(),
        &[
            "pull",
            "--oci-layout",
            "--platform",
            "linux/amd64",
            "lay:v1",
            "-o",
            "o2",
        ],
    );
    assert_eq!(other.code, 1, "{}", other.stderr);
    // Refused with --config, before anything is pushed.
    oar(
        d.path(),
        &[
            &["push", "--plain-http", &reg.reference("q:v1")][..],
            &plat,
            &["--config", "cfg.json", "a"],
        ]
        .concat(),
    )
    .fails(
        1,
        "--config, --artifact-platform cannot be used at the same time",
    );
    let (status, _, _) = reg.raw_get("/v2/q/manifests/v1", OCI);
    assert_eq!(status, 404);
    // And with an artifact type under image-spec v1.0, saying what to do.
    let r = oar(
        d.path(),
        &[
            &[
                "push",
                "--oci-layout",
                "lay:v2",
                "--image-spec",
                "v1.0",
                "--artifact-type",
                "x/y",
            ][..],
            &plat,
            &["a"],
        ]
        .concat(),
    )
    .fails(
        1,
        "artifact type cannot be customized for OCI image-spec v1.0 when platform is specified",
    );
    assert!(
        r.stderr
            .ends_with("consider using image spec v1.1 or remove --artifact-type\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn verbose_is_deprecated_with_pflags_warning() {
    let d = TempDir::new("verbose");
    d.write("a", "alpha");
    let warning = "Flag --verbose has been deprecated, and will be removed in a future release.\n";
    let r = oar(d.path(), &["push", "--oci-layout", "l1:v1", "a", "-v"]).ok();
    assert_eq!(r.stderr, warning);
    // Unnamed content is shown with or without it.
    assert!(
        r.stdout
            .contains(" application/vnd.oci.image.manifest.v1+json\n"),
        "{}",
        r.stdout
    );
    let plain = oar(d.path(), &["push", "--oci-layout", "l2:v1", "a"]).ok();
    assert_eq!(plain.stderr, "", "no warning without the flag");
    assert!(
        plain
            .stdout
            .contains(" application/vnd.oci.image.manifest.v1+json\n"),
        "{}",
        plain.stdout
    );
    // --verbose=false warns too, and hides unnamed content.
    let quiet = oar(
        d.path(),
        &["push", "--oci-layout", "l3:v1", "a", "--verbose=false"],
    )
    .ok();
    assert_eq!(quiet.stderr, warning);
    assert!(
        !quiet.stdout.contains("application/vnd.oci"),
        "{}",
        quiet.stdout
    );
    assert!(
        quiet.stdout.contains("Uploaded  8ed3f6ad685b a\n"),
        "{}",
        quiet.stdout
    );
    // Hidden from help, as cobra hides a deprecated flag.
    let help = oar(d.path(), &["push", "--help"]).ok();
    assert!(!help.stdout.contains("--verbose"), "{}", help.stdout);
}
