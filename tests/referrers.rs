//! Referrers: the tag-schema fallback on Debian's registry (which has no
//! referrers API), the API on the registry double, and the same `discover`
//! output from both.

use crate::util::double::{Config, Double};
use crate::util::registry::Registry;
use crate::util::{TempDir, json, oar};

const CREATED: &str = "org.opencontainers.image.created=2024-01-01T00:00:00Z";

/// Pushes an artifact and a two-level referrer graph with pinned creation
/// times, so digests are the same on every registry. Returns the three
/// manifest digests (subject, sbom, signature).
fn build_graph(d: &TempDir, host: &str, repo: &str) -> (String, String, String) {
    d.write("artifact.txt", "the subject");
    d.write("sbom.json", "{\"sbom\":true}");
    d.write("sig.txt", "signature");
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &format!("{host}/{repo}:v1"),
            "artifact.txt",
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
            &format!("{host}/{repo}:v1"),
            "sbom.json",
            "-a",
            CREATED,
        ],
    )
    .ok();
    assert!(
        r.stdout
            .contains(&format!("Attached to [registry] {host}/{repo}@{subject}")),
        "{}",
        r.stdout
    );
    let sbom = r.digest();
    let r = oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "application/vnd.example.sig",
            &format!("{host}/{repo}@{sbom}"),
            "sig.txt",
            "-a",
            CREATED,
            "-a",
            "signer=test",
        ],
    )
    .ok();
    let sig = r.digest();
    (subject, sbom, sig)
}

fn discover(d: &TempDir, host: &str, repo: &str, extra: &[&str]) -> String {
    let reference = format!("{host}/{repo}:v1");
    let mut args = vec!["discover", "--plain-http", reference.as_str()];
    args.extend_from_slice(extra);
    oar(d.path(), &args).ok().stdout.replace(host, "HOST")
}

#[test]
fn tag_schema_on_the_real_registry_and_api_on_the_double_agree() {
    let reg = Registry::start();
    let double = Double::start(Config {
        referrers_api: true,
        ..Config::default()
    });
    let d = TempDir::new("referrers");
    let (subject, sbom, sig) = build_graph(&d, &reg.host, "art");
    let (subject2, sbom2, sig2) = build_graph(&d, &double.host(), "art");
    assert_eq!(
        (&subject, &sbom, &sig),
        (&subject2, &sbom2, &sig2),
        "same manifests on both"
    );

    let tree = discover(&d, &reg.host, "art", &["-v"]);
    assert_eq!(
        tree,
        discover(&d, &double.host(), "art", &["-v"]),
        "same tree from the tag schema and the API"
    );
    let want = format!(
        "HOST/art@{subject}\n└── application/vnd.example.sbom\n    └── {sbom}\n        ├── [annotations]\n        │   └── org.opencontainers.image.created: \"2024-01-01T00:00:00Z\"\n        └── application/vnd.example.sig\n            └── {sig}\n                └── [annotations]\n                    ├── org.opencontainers.image.created: \"2024-01-01T00:00:00Z\"\n                    └── signer: test\n"
    );
    assert_eq!(tree, want);
    for format in ["table", "json"] {
        assert_eq!(
            discover(&d, &reg.host, "art", &["--format", format]),
            discover(&d, &double.host(), "art", &["--format", format])
        );
    }

    // The real registry got the tag schema index, without duplicates.
    let tag = format!("sha256-{}", &subject[7..]);
    let (status, _, body) = reg.raw_get(
        &format!("/v2/art/manifests/{tag}"),
        "application/vnd.oci.image.index.v1+json",
    );
    assert_eq!(status, 200);
    let idx: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(idx["manifests"].as_array().unwrap().len(), 1);
    assert_eq!(idx["manifests"][0]["digest"], sbom);
    assert_eq!(
        idx["manifests"][0]["artifactType"],
        "application/vnd.example.sbom"
    );
    // The double answered OCI-Subject: no fallback tag was written there,
    // and the API was used.
    assert_eq!(double.count("PUT", "/manifests/sha256-"), 0);
    assert!(double.count("GET", "/referrers/") >= 2);

    // Pushing the same referrer manifest again adds no duplicate.
    let m = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--plain-http",
            &format!("{}/art@{sbom}", reg.host),
        ],
    )
    .ok();
    d.write("sbom-manifest.json", m.stdout.trim_end());
    oar(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            &format!("{}/art", reg.host),
            "sbom-manifest.json",
        ],
    )
    .ok();
    let (_, _, body) = reg.raw_get(
        &format!("/v2/art/manifests/{tag}"),
        "application/vnd.oci.image.index.v1+json",
    );
    let idx: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        idx["manifests"].as_array().unwrap().len(),
        1,
        "no duplicate after a re-push"
    );

    // Deleting the referrer takes it out of the index.
    oar(
        d.path(),
        &[
            "manifest",
            "delete",
            "-f",
            "--plain-http",
            &format!("{}/art@{sbom}", reg.host),
        ],
    )
    .ok();
    let tree = discover(&d, &reg.host, "art", &[]);
    assert_eq!(tree, format!("HOST/art@{subject}\n"));
}

#[test]
fn artifact_type_filter_and_paging() {
    let paged = Double::start(Config {
        referrers_api: true,
        page_size: 1,
        ..Config::default()
    });
    let filtering = Double::start(Config {
        referrers_api: true,
        filter: true,
        ..Config::default()
    });
    let d = TempDir::new("filter");
    d.write("a", "a");
    for double in [&paged, &filtering] {
        let host = double.host();
        oar(
            d.path(),
            &["push", "--plain-http", &format!("{host}/f:v1"), "a"],
        )
        .ok();
        for (i, t) in ["x/one", "x/two", "x/one"].iter().enumerate() {
            oar(
                d.path(),
                &[
                    "attach",
                    "--plain-http",
                    "--artifact-type",
                    t,
                    &format!("{host}/f:v1"),
                    "-a",
                    &format!("n={i}"),
                ],
            )
            .ok();
        }
        let all = json(
            &oar(
                d.path(),
                &[
                    "discover",
                    "--plain-http",
                    "--format",
                    "json",
                    &format!("{host}/f:v1"),
                ],
            )
            .ok()
            .stdout,
        );
        assert_eq!(all["referrers"].as_array().unwrap().len(), 3);
        let one = json(
            &oar(
                d.path(),
                &[
                    "discover",
                    "--plain-http",
                    "--format",
                    "json",
                    "--artifact-type",
                    "x/one",
                    &format!("{host}/f:v1"),
                ],
            )
            .ok()
            .stdout,
        );
        let list = one["referrers"].as_array().unwrap();
        assert_eq!(list.len(), 2, "filtered client-side or server-side");
        assert!(list.iter().all(|m| m["artifactType"] == "x/one"));
    }
    assert!(
        paged.count("GET", "/referrers/") >= 3 + 3,
        "one request per page"
    );
    assert!(
        paged
            .server
            .requests()
            .iter()
            .any(|r| r.target.contains("page=2"))
    );
}

#[test]
fn distribution_spec_forces_a_mode() {
    let reg = Registry::start();
    let double = Double::start(Config {
        referrers_api: true,
        ..Config::default()
    });
    let d = TempDir::new("distspec");
    d.write("a", "a");
    // Forcing the tag schema on a registry with the API: the index is
    // written and read, the API is not asked.
    let host = double.host();
    oar(
        d.path(),
        &["push", "--plain-http", &format!("{host}/m:v1"), "a"],
    )
    .ok();
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--distribution-spec",
            "v1.1-referrers-tag",
            "--artifact-type",
            "x/t",
            &format!("{host}/m:v1"),
            "-a",
            "k=v",
        ],
    )
    .ok();
    assert_eq!(double.count("PUT", "/manifests/sha256-"), 1);
    let before = double.count("GET", "/referrers/");
    let out = oar(
        d.path(),
        &[
            "discover",
            "--plain-http",
            "--distribution-spec",
            "v1.1-referrers-tag",
            &format!("{host}/m:v1"),
        ],
    )
    .ok();
    assert!(out.stdout.contains("x/t"));
    assert_eq!(double.count("GET", "/referrers/"), before);
    // Forcing the API on the real registry fails clearly.
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("m:v1"), "a"],
    )
    .ok();
    oar(
        d.path(),
        &[
            "discover",
            "--plain-http",
            "--distribution-spec",
            "v1.1-referrers-api",
            &reg.reference("m:v1"),
        ],
    )
    .fails(1, "does not support the referrers API");
    oar(
        d.path(),
        &[
            "discover",
            "--plain-http",
            "--distribution-spec",
            "v2",
            &reg.reference("m:v1"),
        ],
    )
    .fails(1, "unknown distribution specification");
}

#[test]
fn referrer_cycles_end() {
    // A hostile registry that lists a referrer as a referrer of itself:
    // discover shows it once more and stops, cp -r terminates.
    let double = Double::start(Config {
        referrers_api: true,
        cycle: true,
        ..Config::default()
    });
    let d = TempDir::new("cycle");
    d.write("a", "a");
    let host = double.host();
    oar(
        d.path(),
        &["push", "--plain-http", &format!("{host}/c:v1"), "a"],
    )
    .ok();
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/a",
            &format!("{host}/c:v1"),
            "-a",
            "k=v",
        ],
    )
    .ok();
    // Without annotations: the subject, then the referrer under it and
    // once more under itself, each an artifact type and a digest.
    let out = oar(
        d.path(),
        &[
            "discover",
            "--plain-http",
            "--verbose=false",
            &format!("{host}/c:v1"),
        ],
    )
    .ok();
    assert_eq!(out.stdout.lines().count(), 5, "{}", out.stdout);
    oar(
        d.path(),
        &[
            "cp",
            "-r",
            "--from-plain-http",
            &format!("{host}/c:v1"),
            "--to-oci-layout",
            "lay:v1",
        ],
    )
    .ok();
    let tree = oar(d.path(), &["discover", "--oci-layout", "lay:v1"]).ok();
    assert!(tree.stdout.contains("x/a"), "{}", tree.stdout);
}

#[test]
fn attach_needs_an_artifact_type_and_content() {
    let reg = Registry::start();
    let d = TempDir::new("attach-args");
    d.write("a", "a");
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("a:v1"), "a"],
    )
    .ok();
    oar(
        d.path(),
        &["attach", "--plain-http", &reg.reference("a:v1"), "a"],
    )
    .fails(1, "artifact-type");
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/y",
            &reg.reference("a:v1"),
        ],
    )
    .fails(1, "neither file nor annotation");
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/y",
            &reg.reference("a:nope"),
            "a",
        ],
    )
    .fails(1, "not found");
    let r = oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/y",
            "--format",
            "json",
            &reg.reference("a:v1"),
            "a",
        ],
    )
    .ok();
    let v = json(&r.stdout);
    assert_eq!(v["artifactType"], "x/y");
    assert!(
        v["reference"]
            .as_str()
            .unwrap()
            .starts_with(&reg.reference("a@sha256:"))
    );
}

#[test]
fn pull_include_subject_writes_the_subject_files_too() {
    let reg = Registry::start();
    let d = TempDir::new("include-subject");
    d.write("base.txt", "base");
    d.write("note.txt", "note");
    oar(
        d.path(),
        &["push", "--plain-http", &reg.reference("s:v1"), "base.txt"],
    )
    .ok();
    let r = oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/n",
            &reg.reference("s:v1"),
            "note.txt",
        ],
    )
    .ok();
    let note = r.digest();
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference(&format!("s@{note}")),
            "-o",
            "only",
        ],
    )
    .ok();
    assert_eq!(d.read("only/note.txt"), b"note");
    assert!(!d.join("only/base.txt").exists());
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            "--include-subject",
            &reg.reference(&format!("s@{note}")),
            "-o",
            "both",
        ],
    )
    .ok();
    assert_eq!(d.read("both/base.txt"), b"base");
    assert_eq!(d.read("both/note.txt"), b"note");
}

/// `discover --format json --depth N` at `reference` (a registry with
/// `--plain-http`, or a layout with `--oci-layout`): the digests of the
/// direct referrers and, for each, of those under it.
fn depth_json(d: &TempDir, target: &[&str], depth: Option<&str>) -> Vec<(String, Vec<String>)> {
    let mut args = vec!["discover", "--format", "json"];
    args.extend_from_slice(target);
    if let Some(n) = depth {
        args.extend_from_slice(&["--depth", n]);
    }
    let v = json(&oar(d.path(), &args).ok().stdout);
    let digests = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap_or_else(|| panic!("referrers is not a list: {v}"))
            .iter()
            .map(|r| r["digest"].as_str().unwrap().to_string())
            .collect()
    };
    v["referrers"]
        .as_array()
        .unwrap_or_else(|| panic!("no referrers field: {v}"))
        .iter()
        .map(|r| {
            (
                r["digest"].as_str().unwrap().to_string(),
                digests(&r["referrers"]),
            )
        })
        .collect()
}

/// The `--depth` checks on one target holding the subject → sbom → sig
/// graph: depth 1 stops at the sbom (in JSON and in the tree), depth 2
/// and no depth reach the signature, 0 and a non-number are refused.
fn check_depth(d: &TempDir, target: &[&str], sbom: &str, sig: &str) {
    let direct = vec![(sbom.to_string(), vec![])];
    let nested = vec![(sbom.to_string(), vec![sig.to_string()])];
    assert_eq!(depth_json(d, target, Some("1")), direct);
    assert_eq!(depth_json(d, target, Some("2")), nested);
    assert_eq!(depth_json(d, target, Some("5")), nested);
    assert_eq!(depth_json(d, target, None), nested);
    let tree = |depth: &str| {
        let mut args = vec!["discover", "--depth", depth];
        args.extend_from_slice(target);
        oar(d.path(), &args).ok().stdout
    };
    let one = tree("1");
    assert!(one.contains(sbom) && !one.contains(sig), "{one}");
    let two = tree("2");
    assert!(two.contains(sbom) && two.contains(sig), "{two}");
    // Refused before anything is listed.
    for (bad, why) in [
        ("0", "depth value should be at least 1"),
        ("-1", "depth value should be at least 1"),
        (
            "x",
            "invalid argument \"x\" for \"--depth\" flag: strconv.ParseInt: parsing \"x\": invalid syntax",
        ),
    ] {
        let mut args = vec!["discover", "--depth", bad];
        args.extend_from_slice(target);
        let r = oar(d.path(), &args).fails(1, why);
        assert_eq!(r.stdout, "", "--depth {bad} printed a tree");
    }
}

#[test]
fn depth_limits_the_levels_on_a_registry_and_a_layout() {
    let reg = Registry::start();
    let d = TempDir::new("depth");
    let (_, sbom, sig) = build_graph(&d, &reg.host, "deep");
    let reference = format!("{}/deep:v1", reg.host);
    check_depth(&d, &["--plain-http", &reference], &sbom, &sig);
    oar(
        d.path(),
        &[
            "cp",
            "-r",
            "--from-plain-http",
            &reference,
            "--to-oci-layout",
            "lay:v1",
        ],
    )
    .ok();
    check_depth(&d, &["--oci-layout", "lay:v1"], &sbom, &sig);
}

#[test]
fn json_gives_the_subject_with_nested_referrers_and_the_table_only_direct_ones() {
    let reg = Registry::start();
    let d = TempDir::new("discover-json");
    let (subject, sbom, sig) = build_graph(&d, &reg.host, "nest");
    let reference = format!("{}/nest:v1", reg.host);
    let v = json(
        &oar(
            d.path(),
            &["discover", "--plain-http", "--format", "json", &reference],
        )
        .ok()
        .stdout,
    );
    assert_eq!(v["reference"], format!("{}/nest@{subject}", reg.host));
    assert_eq!(v["digest"], subject);
    let sbom_node = &v["referrers"][0];
    assert_eq!(sbom_node["reference"], format!("{}/nest@{sbom}", reg.host));
    assert_eq!(sbom_node["artifactType"], "application/vnd.example.sbom");
    assert_eq!(sbom_node["referrers"][0]["digest"], sig);
    // A leaf still has the field: an empty list, not null.
    assert_eq!(
        sbom_node["referrers"][0]["referrers"],
        serde_json::json!([])
    );
    // The table: direct referrers only, after its deprecation notice.
    let r = oar(
        d.path(),
        &["discover", "--plain-http", "--format", "table", &reference],
    )
    .ok();
    assert!(
        r.stdout.contains(&sbom) && !r.stdout.contains(&sig),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("Format \"table\" is deprecated and will be removed in a future release.\n"),
        "{}",
        r.stderr
    );
    // Other formats say nothing of it.
    let r = oar(d.path(), &["discover", "--plain-http", &reference]).ok();
    assert!(!r.stderr.contains("deprecated"), "{}", r.stderr);
}
