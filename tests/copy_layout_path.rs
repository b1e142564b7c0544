//! `cp --from-oci-layout-path` / `--to-oci-layout-path` (oras 1.3): the
//! layout directory given by the flag, the argument naming only a tag or
//! digest in it; what is refused beside them; and the side a copy names
//! when it fails midway (`Error from source oci-layout for "…": …`).

use crate::util::registry::Registry;
use crate::util::{TempDir, json, oar, sha256_hex};

const ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json";

/// The manifest `repo:reference` on `reg`, or the status it answered.
fn manifest(reg: &Registry, repo: &str, reference: &str) -> Result<Vec<u8>, u16> {
    let (status, _, body) = reg.raw_get(&format!("/v2/{repo}/manifests/{reference}"), ACCEPT);
    if status == 200 { Ok(body) } else { Err(status) }
}

/// Pushes two files to `src:v1` and returns the manifest's bytes.
fn seed(reg: &Registry, d: &TempDir) -> Vec<u8> {
    d.write("a.txt", "layout path a");
    d.write("b.txt", "layout path b");
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("src:v1"),
            "a.txt",
            "b.txt",
        ],
    )
    .ok();
    manifest(reg, "src", "v1").expect("pushed")
}

#[test]
fn to_layout_path_then_from_layout_path_round_trips_through_a_registry() {
    let reg = Registry::start();
    let d = TempDir::new("cp-layout-path");
    let original = seed(&reg, &d);
    let digest = format!("sha256:{}", sha256_hex(&original));

    // Registry → layout: the argument is only the tag in the layout.
    let r = oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            &reg.reference("src:v1"),
            "--to-oci-layout-path",
            "lay",
            "copied",
        ],
    )
    .ok();
    assert!(
        r.stdout.contains(&format!(
            "Copied [registry] {} => [oci-layout] copied",
            reg.reference("src:v1")
        )),
        "{}",
        r.stdout
    );
    let idx = json(&std::fs::read_to_string(d.join("lay/index.json")).unwrap());
    assert_eq!(idx["manifests"][0]["digest"], digest.as_str());
    assert_eq!(
        idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        "copied"
    );
    let blob = std::fs::read(d.join("lay/blobs/sha256").join(&digest[7..])).unwrap();
    assert_eq!(blob, original, "the manifest is stored byte for byte");
    assert!(
        !d.join("copied").exists(),
        "the argument names a tag, not a directory"
    );

    // Layout → registry, by digest this time.
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout-path",
            "lay",
            &digest,
            "--to-plain-http",
            &reg.reference("back:v2"),
        ],
    )
    .ok();
    assert_eq!(manifest(&reg, "back", "v2"), Ok(original.clone()));

    // Layout → layout, both by the flags.
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout-path",
            "lay",
            "copied",
            "--to-oci-layout-path",
            "lay2",
            "again",
        ],
    )
    .ok();
    let idx = json(&std::fs::read_to_string(d.join("lay2/index.json")).unwrap());
    assert_eq!(idx["manifests"][0]["digest"], digest.as_str());
    assert_eq!(
        idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        "again"
    );
}

#[test]
fn layout_path_beside_the_layout_flag_is_refused_and_nothing_moves() {
    let reg = Registry::start();
    let d = TempDir::new("cp-layout-path-both");
    seed(&reg, &d);
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            &reg.reference("src:v1"),
            "--to-oci-layout",
            "lay:v1",
        ],
    )
    .ok();
    oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout-path",
            "lay",
            "--from-oci-layout",
            "v1",
            "--to-plain-http",
            &reg.reference("dst:v1"),
        ],
    )
    .fails(
        1,
        "--from-oci-layout-path, --from-oci-layout cannot be used at the same time",
    );
    assert_eq!(manifest(&reg, "dst", "v1"), Err(404), "nothing was pushed");
}

/// After `--to-oci-layout-path`, the argument is the layout's reference
/// name taken whole, as oras (and oras-go's layout store, which asks only
/// for a non-empty name) takes it: `host/repo:v1` becomes that
/// `org.opencontainers.image.ref.name`, found again by the same name.
#[test]
fn a_full_reference_after_to_layout_path_is_the_layouts_reference_name() {
    let reg = Registry::start();
    let d = TempDir::new("cp-layout-path-full-ref");
    seed(&reg, &d);
    let full = reg.reference("dst:v1");
    let cp = |name: &str| {
        oar(
            d.path(),
            &[
                "cp",
                "--from-plain-http",
                &reg.reference("src:v1"),
                "--to-oci-layout-path",
                "lay",
                name,
            ],
        )
    };
    cp(&full).ok();
    let index = String::from_utf8(d.read("lay/index.json")).unwrap();
    assert!(
        index.contains(&format!("\"org.opencontainers.image.ref.name\":\"{full}\"")),
        "{index}"
    );
    let by_name = oar(
        d.path(),
        &["manifest", "fetch", "--oci-layout-path", "lay", &full],
    )
    .ok();
    assert_eq!(
        by_name.stdout.as_bytes(),
        manifest(&reg, "src", "v1").unwrap()
    );
    // The control: a name the layout does not hold is not found.
    oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout-path",
            "lay",
            &reg.reference("dst:v2"),
        ],
    )
    .fails(1, "not found");
}

#[test]
fn a_copy_failing_midway_names_its_side_and_a_missing_root_names_it_when_part_of_the_copy() {
    let reg = Registry::start();
    let d = TempDir::new("cp-side-error");
    let original = seed(&reg, &d);
    oar(
        d.path(),
        &[
            "cp",
            "--from-plain-http",
            &reg.reference("src:v1"),
            "--to-oci-layout-path",
            "lay",
            "v1",
        ],
    )
    .ok();
    // Take a layer out of the layout: the source fails while the graph
    // moves.
    let m = json(&String::from_utf8(original).unwrap());
    let layer = m["layers"][0]["digest"].as_str().unwrap().to_string();
    std::fs::remove_file(d.join("lay/blobs/sha256").join(&layer[7..])).unwrap();
    // To a layout: a registry may already hold the layer from the seed.
    let r = oar(
        d.path(),
        &[
            "cp",
            "--from-oci-layout-path",
            "lay",
            "v1",
            "--to-oci-layout-path",
            "lay2",
            "v1",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.lines().any(
            |l| l.starts_with("Error from source oci-layout for \"v1\": ") && l.contains(&layer)
        ),
        "{}",
        r.stderr
    );
    assert!(
        !d.join("lay2/index.json").is_file()
            || !std::fs::read_to_string(d.join("lay2/index.json"))
                .unwrap()
                .contains("\"v1\""),
        "no tag without its layer"
    );

    // A root that is not there, copied to a named destination: oras finds
    // it as part of the copy, so the source is named.
    let missing = |extra: &[&str]| {
        let mut args = vec![
            "cp",
            "--from-oci-layout-path",
            "lay",
            "missing",
            "--to-oci-layout-path",
            "lay2",
            "v1",
        ];
        args.extend_from_slice(extra);
        oar(d.path(), &args)
    };
    let r = missing(&[]).fails(1, "missing");
    assert!(
        r.stderr
            .starts_with("Error from source oci-layout for \"missing\": "),
        "{}",
        r.stderr
    );
    // With -r, oras finds the root first: the usual first word.
    let r = missing(&["-r"]).fails(1, "missing");
    assert!(r.stderr.starts_with("Error: "), "{}", r.stderr);
}
