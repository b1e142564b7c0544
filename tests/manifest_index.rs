//! `manifest index create` and `manifest index update` (oras 1.3),
//! ported from the ORAS CLI v1.3.3 e2e suite
//! (`test/e2e/suite/command/manifest_index.go`), against Debian's
//! registry and OCI layouts holding the suite's `images` layout (the
//! ORAS fixtures). The index digests asserted are those the suite asserts
//! for oras itself: oar makes the same bytes from the same manifests.

use serde_json::{Value, json};

use crate::layout::fixtures;
use crate::util::registry::Registry;
use crate::util::{Run, TempDir, oar, sh};

const AMD64: &str = "sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1";
const ARM64: &str = "sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c";
const ARMV7: &str = "sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255";
const CREATED_2: &str = "sha256:cce9590b1193d8bcb70467e2381dc81e77869be4801c09abe9bc274b6a1d2001";
const UPDATED_3: &str = "sha256:84887718c9e61daa0f1996aad3ae2eb10db15dcbdab394e4b2dfee7967c55f2c";
/// `multi_arch.OutputIndex`: the index of linux/amd64 alone.
const OUTPUT_INDEX: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1","size":458,"platform":{"architecture":"amd64","os":"linux"}}]}"#;
/// A blob of the layout that is no manifest.
const NOT_A_MANIFEST: &str =
    "sha256:02c15a8d1735c65bb8ca86c716615d3c0d8beb87dc68ed88bb49192f90b184e2";

fn desc(digest: &str, platform: Value) -> Value {
    json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": digest,
        "size": 458,
        "platform": platform,
    })
}

fn amd64() -> Value {
    desc(AMD64, json!({"architecture": "amd64", "os": "linux"}))
}

fn arm64() -> Value {
    desc(ARM64, json!({"architecture": "arm64", "os": "linux"}))
}

fn armv7() -> Value {
    desc(
        ARMV7,
        json!({"architecture": "arm", "os": "linux", "variant": "v7"}),
    )
}

/// Where the suite's `images` repository lives for one spec: a registry
/// repository or a layout directory.
struct Images<'a> {
    d: &'a TempDir,
    /// `host/repo` or the layout's path.
    base: String,
    layout: bool,
}

impl Images<'_> {
    /// `base:tag` (no tag when empty).
    fn tag(&self, tag: &str) -> String {
        if tag.is_empty() {
            self.base.clone()
        } else {
            format!("{}:{tag}", self.base)
        }
    }

    fn at(&self, digest: &str) -> String {
        format!("{}@{digest}", self.base)
    }

    /// `oar <args…>` with the target flag.
    fn run(&self, args: &[&str]) -> Run {
        let mut a: Vec<&str> = args.to_vec();
        // After the command's words.
        let words = match args {
            ["manifest", "index", ..] => 3,
            ["manifest" | "repo" | "blob", ..] => 2,
            _ => 1,
        };
        a.insert(
            words,
            if self.layout {
                "--oci-layout"
            } else {
                "--plain-http"
            },
        );
        oar(self.d.path(), &a)
    }

    /// The index at `reference` (a `tag()` or `at()`).
    fn index(&self, reference: &str) -> Value {
        let out = self.run(&["manifest", "fetch", reference]).ok().stdout;
        serde_json::from_str(&out).unwrap()
    }
}

/// The `images` layout, in a fresh directory of `d` named `name`.
fn layout<'a>(d: &'a TempDir, name: &str) -> Images<'a> {
    let src = fixtures().join("zot/command/images");
    sh("cp", &["-r", src.to_str().unwrap(), name], d.path());
    Images {
        d,
        base: d.join(name).to_str().unwrap().to_string(),
        layout: true,
    }
}

/// The `images` tags copied into `repo` of `reg`.
fn repository<'a>(d: &'a TempDir, reg: &Registry, repo: &str) -> Images<'a> {
    let src = fixtures().join("zot/command/images");
    for tag in [
        "linux-amd64",
        "linux-arm64",
        "linux-armv7",
        "multi",
        "nonjson-config",
    ] {
        oar(
            d.path(),
            &[
                "cp",
                "--from-oci-layout",
                &format!("{}:{tag}", src.display()),
                "--to-plain-http",
                &reg.reference(&format!("{repo}:{tag}")),
            ],
        )
        .ok();
    }
    Images {
        d,
        base: reg.reference(repo),
        layout: false,
    }
}

/// Both kinds of target, each fresh for `spec`.
fn each_target(d: &TempDir, reg: &Registry, spec: &str, f: impl Fn(&Images<'_>)) {
    f(&repository(d, reg, spec));
    f(&layout(d, spec));
}

#[test]
fn create_gives_the_digests_oras_gives() {
    let d = TempDir::new("index-create");
    let reg = Registry::start();
    each_target(&d, &reg, "by-digest", |t| {
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag("latest"),
                AMD64,
                ARM64,
            ])
            .ok();
        let want = format!(
            "Fetching  {AMD64}\nFetched   {AMD64}\nFetching  {ARM64}\nFetched   {ARM64}\nPacked    cce9590b1193 application/vnd.oci.image.index.v1+json\nPushed    [{}] {}\nDigest: {CREATED_2}\n",
            if t.layout { "oci-layout" } else { "registry" },
            t.tag("latest")
        );
        assert_eq!(r.stdout, want);
        assert_eq!(
            t.index(&t.tag("latest"))["manifests"],
            json!([amd64(), arm64()])
        );
    });
    each_target(&d, &reg, "by-tag", |t| {
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag("latest"),
                "linux-arm64",
                "linux-amd64",
            ])
            .ok();
        assert!(
            r.stdout
                .contains(&format!("Fetched   {ARM64} linux-arm64\n")),
            "{}",
            r.stdout
        );
        assert!(r.stdout.ends_with(
            "Digest: sha256:5c98cfc90e390c575679370a5dc5e37b52e854bbb7b9cb80cc1f30b56b8d183e\n"
        ));
        assert_eq!(
            t.index(&t.tag("latest"))["manifests"],
            json!([arm64(), amd64()])
        );
    });
    each_target(&d, &reg, "no-tag", |t| {
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag(""),
                "linux-arm64",
                "linux-amd64",
                ARMV7,
            ])
            .ok();
        let digest = "sha256:820503ae4fecfdb841b5b6acc8718c8c5b298cf6b8f2259010f370052341cec8";
        assert!(
            r.stdout.ends_with(&format!("Digest: {digest}\n")),
            "{}",
            r.stdout
        );
        assert_eq!(
            t.index(&t.at(digest))["manifests"],
            json!([arm64(), amd64(), armv7()])
        );
        // Nothing was tagged.
        let tags = t.run(&["repo", "tags", &t.tag("")]).ok().stdout;
        assert!(!tags.contains("latest"), "{tags}");
    });
    each_target(&d, &reg, "multiple-tags", |t| {
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &format!("{},t1,t2,t3", t.tag("t0")),
                ARMV7,
                "linux-arm64",
                "linux-amd64",
            ])
            .ok();
        assert!(
            r.stdout.contains("Tagged t1\nTagged t2\nTagged t3\n"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.ends_with(
            "Digest: sha256:bfa1728d6292d5fa7689f8f4daa145ee6f067b5779528c6e059d1132745ef508\n"
        ));
        for tag in ["t0", "t1", "t2", "t3"] {
            assert_eq!(
                t.index(&t.tag(tag))["manifests"],
                json!([armv7(), arm64(), amd64()])
            );
        }
    });
    // The layout spec of the suite without a tag.
    let t = layout(&d, "layout-no-tag");
    let r = t
        .run(&["manifest", "index", "create", &t.tag(""), "linux-amd64"])
        .ok();
    assert!(r.stdout.ends_with(
        "Digest: sha256:c543059818cb70e6442597a33454ec1e3d3a2bdb526c17875578d33c2ddcf72e\n"
    ));
}

#[test]
fn create_takes_artifact_types_annotations_nested_and_unusual_manifests() {
    let d = TempDir::new("index-create-more");
    let reg = Registry::start();
    let bar = fixtures().join("files/foobar/bar");
    each_target(&d, &reg, "more", |t| {
        // The artifact type of a child manifest is copied into its entry.
        let pushed = t
            .run(&[
                "push",
                "--artifact-type",
                "application/vnd.test-example",
                &t.tag("with-artifact-type"),
                &format!("{}:application/octet-stream", bar.display()),
                "--disable-path-validation",
            ])
            .ok();
        assert!(
            pushed
                .stdout
                .contains("ArtifactType: application/vnd.test-example")
        );
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag("latest"),
                "with-artifact-type",
            ])
            .ok();
        assert!(r.stdout.contains("Fetched") && r.stdout.contains("Pushed"));
        let idx = t.index(&t.tag("latest"));
        assert!(idx.get("artifactType").is_none(), "{idx}");
        assert_eq!(idx["manifests"].as_array().unwrap().len(), 1);
        assert_eq!(
            idx["manifests"][0]["artifactType"],
            "application/vnd.test-example"
        );
        // An index of an index lists it plainly.
        t.run(&["manifest", "index", "create", &t.tag("nested"), "multi"])
            .ok();
        assert_eq!(
            t.index(&t.tag("nested"))["manifests"],
            json!([{
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "digest": "sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f",
                "size": 706
            }])
        );
        // A config that is not JSON gives no platform.
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("unusual-config"),
            "nonjson-config",
        ])
        .ok();
        assert_eq!(
            t.index(&t.tag("unusual-config"))["manifests"],
            json!([{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:9d16f5505246424aed7116cb21216704ba8c919997d0f1f37e154c11d509e1d2",
                "size": 529
            }])
        );
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("v1"),
            "--annotation",
            "image-anno-key=image-anno-value",
        ])
        .ok();
        let idx = t.index(&t.tag("v1"));
        assert_eq!(idx["annotations"]["image-anno-key"], "image-anno-value");
        assert_eq!(idx["manifests"], json!([]));
        // The last --artifact-type wins.
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("v2"),
            "--artifact-type",
            "application/vnd.test-ignored",
            "--artifact-type",
            "application/vnd.test-example",
        ])
        .ok();
        assert_eq!(
            t.index(&t.tag("v2"))["artifactType"],
            "application/vnd.test-example"
        );
    });
}

#[test]
fn create_writes_files_and_stdout_and_fails_clearly() {
    let d = TempDir::new("index-create-out");
    let reg = Registry::start();
    each_target(&d, &reg, "out", |t| {
        let file = d.join(format!("created-{}", t.layout));
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag(""),
                AMD64,
                "--output",
                file.to_str().unwrap(),
            ])
            .ok();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), OUTPUT_INDEX);
        assert!(!r.stdout.contains("Pushed"), "{}", r.stdout);
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag(""),
                AMD64,
                "--output",
                "-",
            ])
            .ok();
        assert_eq!(r.stdout, OUTPUT_INDEX);
        let r = t
            .run(&[
                "manifest",
                "index",
                "create",
                &t.tag(""),
                AMD64,
                "--output",
                "-",
                "--pretty",
            ])
            .ok();
        assert!(
            r.stdout.starts_with("{\n  \"schemaVersion\": 2,"),
            "{}",
            r.stdout
        );
        t.run(&["manifest", "index", "create", &t.tag(""), "does-not-exist"])
            .fails(1, "could not find the manifest does-not-exist");
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag(""),
            AMD64,
            "-a",
            "foo:bar",
        ])
        .fails(1, "annotation value doesn't match the required format");
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("index"),
            "--artifact-type",
            "invalid",
            AMD64,
        ])
        .fails(1, "invalid media type");
    });
    let t = layout(&d, "not-a-manifest");
    t.run(&[
        "manifest",
        "index",
        "create",
        &t.tag("latest"),
        NOT_A_MANIFEST,
    ])
    .fails(1, "is not a manifest");
    // `pack` is the other name of create.
    let r = oar(d.path(), &["manifest", "index", "create", "--help"]).ok();
    assert!(
        r.stdout.contains("Aliases:\n  create, pack"),
        "{}",
        r.stdout
    );
    let t = layout(&d, "packed");
    t.run(&["manifest", "index", "pack", &t.tag("p"), AMD64])
        .ok();
    // An index can be read out of a layout archive into a file.
    sh("tar", &["-cf", "packed.tar", "-C", "packed", "."], d.path());
    let r = oar(
        d.path(),
        &[
            "manifest",
            "index",
            "create",
            "--oci-layout",
            "packed.tar",
            AMD64,
            "--output",
            "-",
        ],
    )
    .ok();
    assert_eq!(r.stdout, OUTPUT_INDEX);
}

#[test]
fn update_gives_the_digests_oras_gives() {
    let d = TempDir::new("index-update");
    let reg = Registry::start();
    each_target(&d, &reg, "by-tag", |t| {
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("latest"),
            AMD64,
            ARM64,
        ])
        .ok();
        let r = t
            .run(&[
                "manifest",
                "index",
                "update",
                &t.tag("latest"),
                "--add",
                ARMV7,
            ])
            .ok();
        let kind = if t.layout { "oci-layout" } else { "registry" };
        assert_eq!(
            r.stdout,
            format!(
                "Fetching  latest\nFetched   {CREATED_2} latest\nFetching  {ARMV7}\nFetched   {ARMV7}\nAdded     {ARMV7}\nUpdated   {UPDATED_3}\nPushed    [{kind}] {}\nDigest: {UPDATED_3}\n",
                t.tag("latest")
            )
        );
        assert_eq!(
            t.index(&t.tag("latest"))["manifests"],
            json!([amd64(), arm64(), armv7()])
        );
    });
    each_target(&d, &reg, "by-digest", |t| {
        t.run(&["manifest", "index", "create", &t.tag(""), AMD64, ARM64])
            .ok();
        let r = t
            .run(&[
                "manifest",
                "index",
                "update",
                &t.at(CREATED_2),
                "--add",
                ARMV7,
                "--tag",
                "updated",
            ])
            .ok();
        let kind = if t.layout { "oci-layout" } else { "registry" };
        assert!(
            r.stdout
                .contains(&format!("Pushed    [{kind}] {}\nTagged updated\n", t.base)),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains(UPDATED_3));
        assert_eq!(
            t.index(&t.at(UPDATED_3))["manifests"],
            json!([amd64(), arm64(), armv7()])
        );
        assert_eq!(t.index(&t.tag("updated")), t.index(&t.at(UPDATED_3)));
    });
    each_target(&d, &reg, "all-flags", |t| {
        t.run(&["manifest", "index", "create", &t.tag("index01"), AMD64])
            .ok();
        t.run(&["manifest", "index", "create", &t.tag("index02"), ARM64])
            .ok();
        let r = t
            .run(&[
                "manifest",
                "index",
                "update",
                &t.tag("index01"),
                "--add",
                ARMV7,
                "--merge",
                "index02",
                "--remove",
                AMD64,
            ])
            .ok();
        assert!(
            r.stdout.contains(&format!("Removed   {AMD64}\n")),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("Merged    sha256:"), "{}", r.stdout);
        assert_eq!(
            t.index(&t.tag("index01"))["manifests"],
            json!([armv7(), arm64()])
        );
    });
}

#[test]
fn update_sets_clears_and_keeps_artifact_types_and_writes_out() {
    let d = TempDir::new("index-update-more");
    let reg = Registry::start();
    each_target(&d, &reg, "types", |t| {
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("index"),
            "--artifact-type",
            "application/vnd.old",
            AMD64,
        ])
        .ok();
        // Kept when not given.
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("index"),
            "--add",
            ARM64,
        ])
        .ok();
        assert_eq!(
            t.index(&t.tag("index"))["artifactType"],
            "application/vnd.old"
        );
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("index"),
            "--artifact-type",
            "application/vnd.test-example",
        ])
        .ok();
        assert_eq!(
            t.index(&t.tag("index"))["artifactType"],
            "application/vnd.test-example"
        );
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("index"),
            "--artifact-type",
            "",
        ])
        .ok();
        assert!(t.index(&t.tag("index")).get("artifactType").is_none());
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("index"),
            "--artifact-type",
            "invalid",
        ])
        .fails(1, "invalid media type");

        t.run(&["manifest", "index", "create", &t.tag("v1")]).ok();
        let file = d.join(format!("updated-{}", t.layout));
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("v1"),
            "--add",
            AMD64,
            "--output",
            file.to_str().unwrap(),
        ])
        .ok();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), OUTPUT_INDEX);
        // Written out, not pushed: v1 is still empty.
        assert_eq!(t.index(&t.tag("v1"))["manifests"], json!([]));
        let r = t
            .run(&[
                "manifest",
                "index",
                "update",
                &t.tag("v1"),
                "--add",
                AMD64,
                "--output",
                "-",
            ])
            .ok();
        assert_eq!(r.stdout, OUTPUT_INDEX);
    });
}

#[test]
fn update_fails_clearly() {
    let d = TempDir::new("index-update-errors");
    let reg = Registry::start();
    each_target(&d, &reg, "errors", |t| {
        let r = t
            .run(&["manifest", "index", "update", &t.tag("nothing-to-update")])
            .ok();
        assert_eq!(r.stdout, "Nothing to update as no change is requested\n");
        t.run(&["manifest", "index", "update", &t.tag(""), "--add", ARMV7])
            .fails(1, "no tag or digest specified");
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("does-not-exist"),
            "--add",
            ARMV7,
        ])
        .fails(1, "could not find the index does-not-exist");
        t.run(&[
            "manifest",
            "index",
            "create",
            &t.tag("latest"),
            AMD64,
            ARM64,
        ])
        .ok();
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("latest"),
            "--add",
            "does-not-exist",
        ])
        .fails(1, "could not find the manifest does-not-exist");
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("latest"),
            "--merge",
            "does-not-exist",
        ])
        .fails(1, "could not find the index does-not-exist");
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("latest"),
            "--remove",
            "latest",
        ])
        .fails(1, "remove: latest is not a digest");
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("latest"),
            "--remove",
            ARMV7,
        ])
        .fails(1, &format!("{ARMV7} does not exist in the index latest"));
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("v1"),
            "--add",
            AMD64,
            "--output",
            "-",
            "--tag",
            "v2",
        ])
        .fails(1, "--tag, --output cannot be used at the same time");
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("linux-amd64"),
            "--add",
            ARMV7,
        ])
        .fails(1, "linux-amd64 is not an index");
        t.run(&[
            "manifest",
            "index",
            "update",
            &t.tag("latest"),
            "--merge",
            "linux-amd64",
        ])
        .fails(1, "linux-amd64 is not an index");
        // Nothing failed half-way: latest is as created.
        assert_eq!(
            t.index(&t.tag("latest"))["manifests"],
            json!([amd64(), arm64()])
        );
    });
    let t = layout(&d, "not-a-manifest");
    t.run(&["manifest", "index", "create", &t.tag("latest"), AMD64])
        .ok();
    t.run(&[
        "manifest",
        "index",
        "update",
        &t.tag("latest"),
        "--add",
        NOT_A_MANIFEST,
    ])
    .fails(1, "is not a manifest");
}
