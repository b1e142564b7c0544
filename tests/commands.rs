//! tag, resolve, repo, manifest and blob commands against Debian's
//! registry, and their OCI-layout forms.

use crate::util::registry::Registry;
use crate::util::{TempDir, json, oar, oar_input, sha256_hex};

fn push_one(d: &TempDir, reg: &Registry, reference: &str) -> String {
    d.write("f.txt", reference);
    let r = oar(
        d.path(),
        &["push", "--plain-http", &reg.reference(reference), "f.txt"],
    )
    .ok();
    r.digest()
}

#[test]
fn tag_and_resolve() {
    let reg = Registry::start();
    let d = TempDir::new("tag");
    let digest = push_one(&d, &reg, "t:v1");
    let r = oar(
        d.path(),
        &[
            "tag",
            "--plain-http",
            &reg.reference("t:v1"),
            "v2",
            "latest",
        ],
    )
    .ok();
    assert_eq!(
        r.lines(),
        [
            format!("Tagging [registry] {}@{digest}", reg.reference("t")).as_str(),
            "Tagged v2",
            "Tagged latest"
        ]
    );
    assert_eq!(
        oar(
            d.path(),
            &["resolve", "--plain-http", &reg.reference("t:latest")]
        )
        .ok()
        .stdout,
        format!("{digest}\n")
    );
    assert_eq!(
        oar(
            d.path(),
            &["resolve", "-l", "--plain-http", &reg.reference("t:v2")]
        )
        .ok()
        .stdout,
        format!("{}@{digest}\n", reg.reference("t"))
    );
    oar(
        d.path(),
        &["resolve", "--plain-http", &reg.reference("t:nope")],
    )
    .fails(1, "not found");
    oar(
        d.path(),
        &["tag", "--plain-http", &reg.reference("t:v1"), "bad tag"],
    )
    .fails(1, "invalid tag");
    // In a layout holding two artifacts, each tag gives its own.
    d.write("l.txt", "l");
    d.write("m.txt", "m");
    let l = oar(d.path(), &["push", "--oci-layout", "lay:a", "l.txt"])
        .ok()
        .digest();
    let m = oar(d.path(), &["push", "--oci-layout", "lay:c", "m.txt"])
        .ok()
        .digest();
    oar(d.path(), &["tag", "--oci-layout", "lay:a", "b"]).ok();
    for (tag, pushed) in [("lay:a", &l), ("lay:b", &l), ("lay:c", &m)] {
        assert_eq!(
            oar(d.path(), &["resolve", "--oci-layout", tag]).ok().stdout,
            format!("{pushed}\n"),
            "{tag}"
        );
    }
}

#[test]
fn repo_tags_sorted_filtered_and_paged() {
    let reg = Registry::start();
    let d = TempDir::new("tags");
    let digest = push_one(&d, &reg, "repo:zeta");
    oar(
        d.path(),
        &[
            "tag",
            "--plain-http",
            &reg.reference("repo:zeta"),
            "alpha",
            "mid",
            "beta",
        ],
    )
    .ok();
    push_one(&d, &reg, "repo:other");
    oar(
        d.path(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "x/y",
            &reg.reference("repo:zeta"),
            "-a",
            "k=v",
        ],
    )
    .ok();
    let all = oar(
        d.path(),
        &["repo", "tags", "--plain-http", &reg.reference("repo")],
    )
    .ok()
    .stdout;
    let tags: Vec<&str> = all.lines().collect();
    let mut sorted = tags.clone();
    sorted.sort();
    assert_eq!(tags, sorted, "sorted even though the registry is not");
    assert_eq!(tags.len(), 6);
    assert!(tags.contains(&format!("sha256-{}", &digest[7..]).as_str()));
    let no_digest = oar(
        d.path(),
        &[
            "repo",
            "tags",
            "--plain-http",
            "--exclude-digest-tags",
            &reg.reference("repo"),
        ],
    )
    .ok()
    .stdout;
    assert_eq!(
        no_digest.lines().collect::<Vec<_>>(),
        ["alpha", "beta", "mid", "other", "zeta"]
    );
    let after = oar(
        d.path(),
        &[
            "repo",
            "show-tags",
            "--plain-http",
            "--last",
            "beta",
            "--exclude-digest-tags",
            &reg.reference("repo"),
        ],
    )
    .ok();
    assert_eq!(
        after.stdout.lines().collect::<Vec<_>>(),
        ["mid", "other", "zeta"]
    );
    let same = oar(
        d.path(),
        &["repo", "tags", "--plain-http", &reg.reference("repo:mid")],
    )
    .ok();
    assert_eq!(
        same.stdout.lines().collect::<Vec<_>>(),
        ["alpha", "beta", "mid", "zeta"]
    );
    oar(
        d.path(),
        &["repo", "tags", "--plain-http", &reg.reference("absent")],
    )
    .fails(1, "not found");
}

#[test]
fn repo_ls_follows_catalog_pages() {
    let reg = Registry::start();
    let d = TempDir::new("catalog");
    push_one(&d, &reg, "ns/seed:v1");
    // The registry pages its catalog by 100: make 104 repositories by
    // copying the seed repository's storage.
    let repos = reg.data_dir().join("docker/registry/v2/repositories");
    for i in 0..103 {
        crate::util::sh("cp", &["-r", "ns/seed", &format!("ns/r{i:03}")], &repos);
    }
    let out = oar(d.path(), &["repo", "ls", "--plain-http", &reg.host])
        .ok()
        .stdout;
    let names: Vec<&str> = out.lines().collect();
    assert_eq!(names.len(), 104, "every page was followed");
    assert_eq!(names[0], "ns/r000");
    let ns = oar(
        d.path(),
        &["repo", "list", "--plain-http", &format!("{}/ns", reg.host)],
    )
    .ok()
    .stdout;
    assert!(
        ns.lines().all(|l| !l.starts_with("ns/")),
        "the namespace prefix is cut"
    );
    assert!(ns.lines().any(|l| l == "seed"));
    let last = oar(
        d.path(),
        &["repo", "ls", "--plain-http", "--last", "ns/r101", &reg.host],
    )
    .ok()
    .stdout;
    assert_eq!(last.lines().collect::<Vec<_>>(), ["ns/r102", "ns/seed"]);
}

#[test]
fn manifest_fetch_forms() {
    let reg = Registry::start();
    let d = TempDir::new("mfetch");
    let digest = push_one(&d, &reg, "m:v1");
    let raw = oar(
        d.path(),
        &["manifest", "fetch", "--plain-http", &reg.reference("m:v1")],
    )
    .ok()
    .stdout;
    assert_eq!(
        format!("sha256:{}", sha256_hex(raw.trim_end().as_bytes())),
        digest
    );
    let pretty = oar(
        d.path(),
        &[
            "manifest",
            "get",
            "--pretty",
            "--plain-http",
            &reg.reference("m:v1"),
        ],
    )
    .ok()
    .stdout;
    assert!(pretty.starts_with("{\n  \"schemaVersion\": 2,\n"));
    let desc = json(
        &oar(
            d.path(),
            &[
                "manifest",
                "fetch",
                "--descriptor",
                "--plain-http",
                &reg.reference("m:v1"),
            ],
        )
        .ok()
        .stdout,
    );
    assert_eq!(desc["digest"], digest);
    assert_eq!(desc["size"], raw.trim_end().len());
    let meta = json(
        &oar(
            d.path(),
            &[
                "manifest",
                "fetch",
                "--format",
                "json",
                "--plain-http",
                &reg.reference("m:v1"),
            ],
        )
        .ok()
        .stdout,
    );
    assert_eq!(
        meta["reference"],
        format!("{}@{digest}", reg.reference("m"))
    );
    assert_eq!(meta["content"]["schemaVersion"], 2);
    oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "-o",
            "m.json",
            "--plain-http",
            &reg.reference("m:v1"),
        ],
    )
    .ok();
    assert_eq!(d.read("m.json"), raw.trim_end().as_bytes());
    oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--plain-http",
            "--media-type",
            "application/vnd.oci.image.index.v1+json",
            &reg.reference("m:v1"),
        ],
    )
    .fails(1, "not found");
    oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "-o",
            "-",
            "--descriptor",
            "--plain-http",
            &reg.reference("m:v1"),
        ],
    )
    .fails(1, "--descriptor");
    let cfg = oar(
        d.path(),
        &[
            "manifest",
            "fetch-config",
            "--descriptor",
            "--plain-http",
            &reg.reference("m:v1"),
        ],
    )
    .ok();
    assert_eq!(
        json(&cfg.stdout)["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(
        oar(
            d.path(),
            &[
                "manifest",
                "fetch-config",
                "--plain-http",
                &reg.reference("m:v1")
            ]
        )
        .ok()
        .stdout,
        "{}"
    );
}

#[test]
fn manifest_push_and_delete() {
    let reg = Registry::start();
    let d = TempDir::new("mpush");
    let digest = push_one(&d, &reg, "src:v1");
    let bytes = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--plain-http",
            &reg.reference("src:v1"),
        ],
    )
    .ok()
    .stdout;
    let bytes = bytes.trim_end();
    d.write("m.json", bytes);
    // From a file, media type read from the content, with extra tags.
    let r = oar(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            &reg.reference("src:a,b"),
            "m.json",
        ],
    )
    .ok();
    let short = &digest[7..19];
    assert_eq!(
        r.lines(),
        [
            format!("Uploading {short} application/vnd.oci.image.manifest.v1+json").as_str(),
            &format!("Uploaded  {short} application/vnd.oci.image.manifest.v1+json"),
            &format!("Pushed [registry] {}", reg.reference("src:a")),
            "Tagged b",
            &format!("Digest: {digest}")
        ]
    );
    // From stdin by digest.
    let r = oar_input(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            "-v",
            &reg.reference("src"),
            "-",
        ],
        bytes.as_bytes(),
    )
    .ok();
    assert!(
        r.stdout
            .starts_with(&format!("Exists    {}", &digest[7..19])),
        "{}",
        r.stdout
    );
    // Into another repository the blobs are missing: the registry's error
    // is reported as it is.
    oar_input(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            &reg.reference("other"),
            "-",
        ],
        bytes.as_bytes(),
    )
    .fails(1, "Error response from registry: manifest blob unknown");
    // A manifest without mediaType needs --media-type, as in oras.
    d.write("bad.json", "{\"schemaVersion\":2}");
    oar(
        d.path(),
        &[
            "manifest",
            "push",
            "--plain-http",
            &reg.reference("x:v1"),
            "bad.json",
        ],
    )
    .fails(
        1,
        "media type is not specified via the flag \"--media-type\"",
    );
    // Delete: a tag is resolved to the digest; the prompt says no unless y.
    let r = oar_input(
        d.path(),
        &[
            "manifest",
            "delete",
            "--plain-http",
            &reg.reference("src:a"),
        ],
        b"n\n",
    )
    .ok();
    assert!(
        r.stdout
            .contains("Are you sure you want to delete the manifest"),
        "{}",
        r.stdout
    );
    oar(
        d.path(),
        &["resolve", "--plain-http", &reg.reference("src:a")],
    )
    .ok();
    let r = oar_input(
        d.path(),
        &["manifest", "rm", "--plain-http", &reg.reference("src:a")],
        b"y\n",
    )
    .ok();
    assert!(
        r.stdout
            .ends_with(&format!("Deleted [registry] {}\n", reg.reference("src:a"))),
        "{}",
        r.stdout
    );
    oar(
        d.path(),
        &["resolve", "--plain-http", &reg.reference("src:b")],
    )
    .fails(1, "not found");
    let r = oar(
        d.path(),
        &[
            "manifest",
            "delete",
            "-f",
            "--plain-http",
            &reg.reference("src:a"),
        ],
    )
    .ok();
    assert_eq!(r.stdout, format!("Missing {}\n", reg.reference("src:a")));
    oar(
        d.path(),
        &[
            "manifest",
            "delete",
            "--plain-http",
            &reg.reference("src:a"),
        ],
    )
    .fails(1, "does not exist");
    oar(
        d.path(),
        &[
            "manifest",
            "delete",
            "--descriptor",
            "--plain-http",
            &reg.reference("src:a"),
        ],
    )
    .fails(1, "--force");
}

#[test]
fn blob_push_fetch_delete() {
    let reg = Registry::start();
    let d = TempDir::new("blob");
    let data = crate::util::pseudo_random(700_000, 21);
    d.write("b.bin", &data);
    let digest = format!("sha256:{}", sha256_hex(&data));
    let r = oar(
        d.path(),
        &["blob", "push", "--plain-http", &reg.reference("b"), "b.bin"],
    )
    .ok();
    let short = &digest[7..19];
    assert_eq!(
        r.lines(),
        [
            format!("Uploading {short} application/vnd.oci.image.layer.v1.tar").as_str(),
            &format!("Uploaded  {short} application/vnd.oci.image.layer.v1.tar"),
            &format!("Pushed [registry] {}", reg.reference("b")),
            &format!("Digest: {digest}")
        ]
    );
    let r = oar(
        d.path(),
        &[
            "blob",
            "push",
            "--plain-http",
            "-v",
            &reg.reference("b"),
            "b.bin",
        ],
    )
    .ok();
    assert!(
        r.stdout.starts_with(&format!(
            // oras's default blob media type.
            "Exists    {} application/vnd.oci.image.layer.v1.tar",
            &digest[7..19]
        )),
        "{}",
        r.stdout
    );
    // From stdin with size and digest.
    let other = b"from stdin".to_vec();
    let od = format!("sha256:{}", sha256_hex(&other));
    oar(
        d.path(),
        &[
            "blob",
            "push",
            "--plain-http",
            &reg.reference(&format!("b@{od}")),
            "-",
        ],
    )
    .fails(1, "--size");
    oar_input(
        d.path(),
        &[
            "blob",
            "push",
            "--plain-http",
            "--size",
            "10",
            &reg.reference(&format!("b@{od}")),
            "-",
        ],
        &other,
    )
    .ok();
    // A wrong digest for a file is refused before upload.
    let zero = format!("sha256:{}", "0".repeat(64));
    oar(
        d.path(),
        &[
            "blob",
            "push",
            "--plain-http",
            &reg.reference(&format!("b@{zero}")),
            "b.bin",
        ],
    )
    .fails(1, "digest mismatch");
    // Fetch to a file, to stdout, and the descriptor.
    let bref = reg.reference(&format!("b@{digest}"));
    oar(
        d.path(),
        &["blob", "fetch", "--plain-http", "-o", "got.bin", &bref],
    )
    .ok();
    assert_eq!(d.read("got.bin"), data);
    let out = oar(
        d.path(),
        &[
            "blob",
            "get",
            "--plain-http",
            "-o",
            "-",
            &reg.reference(&format!("b@{od}")),
        ],
    )
    .ok();
    assert_eq!(out.stdout.as_bytes(), other);
    let desc = json(
        &oar(
            d.path(),
            &["blob", "fetch", "--plain-http", "--descriptor", &bref],
        )
        .ok()
        .stdout,
    );
    assert_eq!(desc["size"], data.len());
    oar(d.path(), &["blob", "fetch", "--plain-http", &bref]).fails(1, "--output");
    oar(
        d.path(),
        &[
            "blob",
            "fetch",
            "--plain-http",
            "-o",
            "x",
            &reg.reference(&format!("b@{zero}")),
        ],
    )
    .fails(1, "not found");
    assert!(!d.join("x").exists());
    // Delete.
    let r = oar(d.path(), &["blob", "delete", "-f", "--plain-http", &bref]).ok();
    assert_eq!(r.stdout, format!("Deleted [registry] {bref}\n"));
    let r = oar(d.path(), &["blob", "rm", "-f", "--plain-http", &bref]).ok();
    assert_eq!(r.stdout, format!("Missing {bref}\n"));
}

#[test]
fn layout_forms_of_manifest_and_blob_commands() {
    let d = TempDir::new("layout-cmds");
    d.write("x", "layout blob");
    let r = oar(d.path(), &["push", "--oci-layout", "lay:v1", "x"]).ok();
    let digest = r.digest();
    let m = oar(d.path(), &["manifest", "fetch", "--oci-layout", "lay:v1"])
        .ok()
        .stdout;
    assert_eq!(
        format!("sha256:{}", sha256_hex(m.trim_end().as_bytes())),
        digest
    );
    let blob = format!("sha256:{}", sha256_hex(b"layout blob"));
    let out = oar(
        d.path(),
        &[
            "blob",
            "fetch",
            "--oci-layout",
            "-o",
            "-",
            &format!("lay@{blob}"),
        ],
    )
    .ok();
    assert_eq!(out.stdout, "layout blob");
    let tags = oar(d.path(), &["repo", "tags", "--oci-layout", "lay"])
        .ok()
        .stdout;
    assert_eq!(tags, "v1\n");
    oar(
        d.path(),
        &["manifest", "delete", "-f", "--oci-layout", "lay:v1"],
    )
    .ok();
    assert_eq!(
        oar(d.path(), &["repo", "tags", "--oci-layout", "lay"])
            .ok()
            .stdout,
        ""
    );
    oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "--media-type",
            "a/b",
            "lay:v1",
        ],
    )
    .fails(1, "--media-type");
}

/// `repo ls --format json` and `repo tags --format json`/`go-template` on
/// Debian's registry: the registry as named with the full repository
/// names (the namespace kept, unlike the text form), the tags as a list;
/// a format the commands do not have is refused.
#[test]
fn repo_ls_and_tags_as_json_on_a_registry() {
    let reg = Registry::start();
    let d = TempDir::new("repo-json");
    push_one(&d, &reg, "team/app:v1");
    push_one(&d, &reg, "team/app:v2");
    push_one(&d, &reg, "other:v1");
    let ls = |target: &str| {
        json(
            &oar(
                d.path(),
                &["repo", "ls", "--plain-http", "--format", "json", target],
            )
            .ok()
            .stdout,
        )
    };
    assert_eq!(
        ls(&reg.host),
        serde_json::json!({"registry": reg.host, "repositories": ["other", "team/app"]})
    );
    assert_eq!(
        ls(&format!("{}/team", reg.host)),
        serde_json::json!({"registry": reg.host, "repositories": ["team/app"]})
    );
    let tags = oar(
        d.path(),
        &[
            "repo",
            "tags",
            "--plain-http",
            "--format",
            "json",
            &reg.reference("team/app"),
        ],
    )
    .ok();
    assert_eq!(
        json(&tags.stdout),
        serde_json::json!({"tags": ["v1", "v2"]})
    );
    let templated = oar(
        d.path(),
        &[
            "repo",
            "tags",
            "--plain-http",
            "--format",
            "go-template={{range .tags}}<{{.}}>{{end}}",
            &reg.reference("team/app"),
        ],
    )
    .ok();
    assert_eq!(templated.stdout, "<v1><v2>");
    // `--format text` is the plain listing.
    let text = oar(
        d.path(),
        &[
            "repo",
            "ls",
            "--plain-http",
            "--format",
            "text",
            &format!("{}/team", reg.host),
        ],
    )
    .ok();
    assert_eq!(text.stdout, "app\n");
    oar(
        d.path(),
        &["repo", "ls", "--plain-http", "--format", "tree", &reg.host],
    )
    .fails(1, "invalid format type: \"tree\"");
}

/// `repo tags --format json` on an OCI layout, and `--oci-layout-path DIR
/// REPO` listing one repository's tags of a layout holding several
/// (`example.com/foo:v1` names), the prefix cut; with a tag, the tags
/// pointing at the same manifest, whole.
#[test]
fn repo_tags_as_json_on_a_layout_and_one_repository_of_it() {
    let d = TempDir::new("repo-layout-json");
    d.write("f.txt", "x");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "f.txt"]).ok();
    oar(
        d.path(),
        &[
            "tag",
            "--oci-layout",
            "lay:v1",
            "example.com/foo:latest",
            "example.com/foo:1.0",
            "test.com/bar:v1",
        ],
    )
    .ok();
    let tags = |args: &[&str]| {
        let mut all = vec!["repo", "tags", "--format", "json"];
        all.extend_from_slice(args);
        json(&oar(d.path(), &all).ok().stdout)
    };
    assert_eq!(
        tags(&["--oci-layout", "lay"]),
        serde_json::json!({"tags": ["example.com/foo:1.0", "example.com/foo:latest", "test.com/bar:v1", "v1"]})
    );
    assert_eq!(
        tags(&["--oci-layout-path", "lay", "example.com/foo"]),
        serde_json::json!({"tags": ["1.0", "latest"]})
    );
    assert_eq!(
        tags(&["--oci-layout-path", "lay", "nowhere.com/none"]),
        serde_json::json!({"tags": []})
    );
    let same = oar(
        d.path(),
        &[
            "repo",
            "tags",
            "--oci-layout-path",
            "lay",
            "example.com/foo:latest",
        ],
    )
    .ok();
    assert_eq!(
        same.stdout,
        "example.com/foo:1.0\nexample.com/foo:latest\ntest.com/bar:v1\nv1\n"
    );
    assert!(
        same.stderr
            .contains("[Experimental] querying tags associated to sha256:"),
        "{}",
        same.stderr
    );
    // Only text, json and go-template.
    oar(
        d.path(),
        &["repo", "tags", "--oci-layout", "lay", "--format", "table"],
    )
    .fails(1, "invalid format type: \"table\"");
}
