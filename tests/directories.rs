//! Directory layers: exact round trips (content, modes, links, times),
//! interop with oras-py and GNU tar, reproducible pushes, and hostile
//! layers refused with nothing written outside the output directory.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use crate::util::registry::Registry;
use crate::util::tarball::{CHAR_DEV, FIFO, FILE, Layer, Part, Tar, push_artifact};
use crate::util::{TempDir, oar, pseudo_random, python, sh, wait_until};

/// Builds a tree with every kind of entry a directory layer carries.
fn make_tree(root: &Path) {
    std::fs::create_dir_all(root.join("nested/deeper/deepest")).unwrap();
    std::fs::create_dir_all(root.join("empty-dir")).unwrap();
    std::fs::write(root.join("empty-file"), "").unwrap();
    std::fs::write(root.join("nested/deeper/deepest/leaf.txt"), "leaf").unwrap();
    std::fs::write(root.join("run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    std::fs::set_permissions(root.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(root.join("read-only.txt"), "ro").unwrap();
    std::fs::set_permissions(
        root.join("read-only.txt"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    std::fs::write(root.join("ünïcödé ✓.txt"), "unicode").unwrap();
    std::fs::write(root.join("n".repeat(200)), "long name").unwrap();
    let long_dir = root.join("d".repeat(120)).join("e".repeat(120));
    std::fs::create_dir_all(&long_dir).unwrap();
    std::fs::write(long_dir.join("f".repeat(100)), "long path").unwrap();
    std::os::unix::fs::symlink("run.sh", root.join("link-to-file")).unwrap();
    std::os::unix::fs::symlink("nested/deeper", root.join("link-to-dir")).unwrap();
    std::os::unix::fs::symlink("x".repeat(150), root.join("dangling-long-link")).unwrap();
    age_tree(root);
}

/// 2001-01-01T00:00:00Z: far from any time a test runs at.
const OLD: i64 = 978_307_200;

/// Gives every entry under `root`, `root` and links included, the
/// modification time [`OLD`], so that a time that is not carried over
/// shows.
fn age_tree(root: &Path) {
    sh(
        "find",
        &[
            ".",
            "-exec",
            "touch",
            "-h",
            "-d",
            &format!("@{OLD}"),
            "{}",
            "+",
        ],
        root,
    );
}

/// Asserts two trees are equal: names, kinds, content, permission bits,
/// link targets, and modification times of files and directories (oar,
/// like oras, does not set them on links).
fn assert_same_tree(a: &Path, b: &Path) {
    let list = |root: &Path| {
        let out = sh("find", &[".", "-printf", "%P\\n"], root);
        let mut v: Vec<String> = out
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    let (la, lb) = (list(a), list(b));
    assert_eq!(la, lb, "same entries");
    for rel in la {
        let (pa, pb) = (a.join(&rel), b.join(&rel));
        let (ma, mb) = (
            std::fs::symlink_metadata(&pa).unwrap(),
            std::fs::symlink_metadata(&pb).unwrap(),
        );
        assert_eq!(
            ma.file_type().is_symlink(),
            mb.file_type().is_symlink(),
            "{rel}: kind"
        );
        if ma.file_type().is_symlink() {
            assert_eq!(
                std::fs::read_link(&pa).unwrap(),
                std::fs::read_link(&pb).unwrap(),
                "{rel}: link target"
            );
            continue;
        }
        assert_eq!(ma.mode() & 0o777, mb.mode() & 0o777, "{rel}: mode");
        assert_eq!(ma.mtime(), mb.mtime(), "{rel}: mtime");
        if ma.is_file() {
            assert_eq!(
                std::fs::read(&pa).unwrap(),
                std::fs::read(&pb).unwrap(),
                "{rel}: content"
            );
        }
    }
}

#[test]
fn directories_round_trip_exactly() {
    let reg = Registry::start();
    let d = TempDir::new("dirs");
    make_tree(&d.join("tree"));
    // A file larger than 64 MiB, streamed both ways.
    std::fs::write(
        d.join("tree/big.bin"),
        pseudo_random(65 * 1024 * 1024 + 17, 99),
    )
    .unwrap();
    age_tree(&d.join("tree"));
    let r = oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("dir:v1"),
            "tree",
            "--export-manifest",
            "m.json",
        ],
    )
    .ok();
    assert!(r.stdout.contains(" tree\n"), "{}", r.stdout);
    let m = crate::util::json(&String::from_utf8(d.read("m.json")).unwrap());
    let layer = &m["layers"][0];
    assert_eq!(
        layer["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    assert_eq!(layer["annotations"]["io.deis.oras.content.unpack"], "true");
    assert_eq!(
        layer["annotations"]["org.opencontainers.image.title"],
        "tree"
    );
    // GNU tar reads the layer, and its uncompressed digest matches.
    let blob = d.join("layer.tgz");
    oar(
        d.path(),
        &[
            "blob",
            "fetch",
            "--plain-http",
            "-o",
            blob.to_str().unwrap(),
            &reg.reference(&format!("dir@{}", layer["digest"].as_str().unwrap())),
        ],
    )
    .ok();
    // Entries come depth first, each directory's entries sorted by name:
    // the order of their paths compared component by component.
    let names = sh("tar", &["-tzf", blob.to_str().unwrap()], d.path());
    let names: Vec<&str> = names.lines().collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| {
        let parts = |p: &str| -> Vec<String> {
            p.trim_end_matches('/')
                .split('/')
                .map(str::to_string)
                .collect()
        };
        parts(a).cmp(&parts(b))
    });
    assert_eq!(names, sorted, "entries in sorted order");
    let mut listed: Vec<&str> = names.iter().map(|n| n.trim_end_matches('/')).collect();
    listed.sort();
    let on_disk = sh("find", &["tree"], d.path());
    let mut on_disk: Vec<&str> = on_disk.lines().collect();
    on_disk.sort();
    assert_eq!(listed, on_disk, "every entry of the tree, once");
    let listing = sh("tar", &["-tvzf", blob.to_str().unwrap()], d.path());
    assert!(listing.contains("tree/link-to-file -> run.sh"), "{listing}");
    assert!(listing.contains(&"n".repeat(200)));
    assert!(
        listing.lines().all(|l| l.contains(" 0/0 ")),
        "uid/gid 0 and no names:\n{listing}"
    );
    let tar_digest = sh(
        "sh",
        &["-c", &format!("gzip -dc {} | sha256sum", blob.display())],
        d.path(),
    );
    assert_eq!(
        format!("sha256:{}", tar_digest.split_whitespace().next().unwrap()),
        layer["annotations"]["io.deis.oras.content.digest"]
            .as_str()
            .unwrap()
    );
    let p = oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("dir:v1"),
            "-o",
            "out",
        ],
    )
    .ok();
    assert!(p.stdout.contains("Downloaded  "), "{}", p.stdout);
    assert_same_tree(&d.join("tree"), &d.join("out/tree"));
    let left: Vec<_> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["tree"], "no staging or partial files remain");
    // Pulling again replaces the tree in one swap.
    std::fs::write(d.join("out/tree/stray"), "x").unwrap();
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("dir:v1"),
            "-o",
            "out",
        ],
    )
    .ok();
    assert!(!d.join("out/tree/stray").exists());
    // JSON output marks directories with a trailing slash.
    let j = oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("dir:v1"),
            "-o",
            "j",
            "--format",
            "json",
        ],
    )
    .ok();
    assert!(
        crate::util::json(&j.stdout)["files"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("/tree/")
    );
}

#[test]
fn pushes_of_an_unchanged_directory_differ_only_in_created() {
    let d = TempDir::new("repro");
    make_tree(&d.join("tree"));
    let push = |layout: &str, created: &str, manifest: &str| {
        oar(
            d.path(),
            &[
                "push",
                "--oci-layout",
                layout,
                "tree",
                "-a",
                &format!("org.opencontainers.image.created={created}"),
                "--export-manifest",
                manifest,
            ],
        )
        .ok();
    };
    push("a:v1", "2001-01-01T00:00:00Z", "one.json");
    // Whatever of the wall clock leaked into the layer (a gzip or tar
    // header time) would differ once the clock has passed a whole second.
    let second = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let first = second();
    wait_until(Duration::from_secs(5), "the next second", || {
        second() > first
    });
    push("b:v1", "2002-02-02T00:00:00Z", "two.json");
    let mut one = crate::util::json(&String::from_utf8(d.read("one.json")).unwrap());
    let mut two = crate::util::json(&String::from_utf8(d.read("two.json")).unwrap());
    let created = "org.opencontainers.image.created";
    let take = |m: &mut serde_json::Value| {
        m["annotations"]
            .as_object_mut()
            .unwrap()
            .remove(created)
            .unwrap()
    };
    assert_eq!(take(&mut one), "2001-01-01T00:00:00Z");
    assert_eq!(take(&mut two), "2002-02-02T00:00:00Z");
    assert_eq!(
        one, two,
        "everything else is identical, layer digest and other annotations included"
    );
}

#[test]
fn interop_with_oras_py_both_ways() {
    let reg = Registry::start();
    let d = TempDir::new("dirs-py");
    make_tree(&d.join("pytree"));
    // oras-py tars the directory itself.
    let script = format!(
        "import oras.client\nc = oras.client.OrasClient(hostname='{h}', insecure=True)\nc.push(files=['pytree'], target='{h}/pydir:v1')\n",
        h = reg.host
    );
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(&script)
        .current_dir(d.path())
        .env("HOME", d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    oar(
        d.path(),
        &[
            "pull",
            "--plain-http",
            &reg.reference("pydir:v1"),
            "-o",
            "from-py",
        ],
    )
    .ok();
    let same = sh(
        "diff",
        &["-r", "--no-dereference", "pytree", "from-py/pytree"],
        d.path(),
    );
    assert!(same.is_empty(), "{same}");
    // And oras-py unpacks what oar pushed.
    make_tree(&d.join("oartree"));
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("oardir:v1"),
            "oartree",
        ],
    )
    .ok();
    let script = format!(
        "import oras.client\nc = oras.client.OrasClient(hostname='{h}', insecure=True)\nc.pull(target='{h}/oardir:v1', outdir='py-out')\n",
        h = reg.host
    );
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(&script)
        .current_dir(d.path())
        .env("HOME", d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let same = sh(
        "diff",
        &["-r", "--no-dereference", "oartree", "py-out/oartree"],
        d.path(),
    );
    assert!(same.is_empty(), "{same}");
}

// ---- hostile layers -------------------------------------------------

/// Pushes `layer` as a directory layer titled `evil` into the layout
/// `hostile`, tagged `tag`; `content_digest` overrides the uncompressed
/// digest.
fn push_hostile(d: &TempDir, tag: &str, layer: &Layer, content_digest: Option<&str>) {
    push_artifact(
        &d.join("hostile"),
        tag,
        &[Part::Dir("evil", layer, content_digest)],
    );
}

/// Pulls a hostile layer and checks it is refused, that the sandbox
/// outside the output directory is untouched, and that no tree stands
/// under the final name.
fn assert_refused(d: &TempDir, tag: &str, needle: &str) {
    let work = d.join(format!("work-{tag}"));
    std::fs::create_dir_all(work.join("out")).unwrap();
    let before = sh("find", &[".", "-printf", "%P\\n"], &work);
    let r = oar(
        &work,
        &[
            "pull",
            "--oci-layout",
            &format!("{}:{tag}", d.join("hostile").display()),
            "-o",
            "out",
        ],
    );
    r.fails(1, needle);
    let after = sh("find", &[".", "-printf", "%P\\n"], &work);
    assert_eq!(
        before, after,
        "{tag}: nothing written anywhere (before vs after)"
    );
}

#[test]
fn hostile_directory_layers_are_refused() {
    let d = TempDir::new("hostile");
    let dotdot = Tar::new()
        .dir("evil/", 0o755)
        .file("evil/../../escape.txt", b"pwned")
        .finish();
    push_hostile(&d, "dotdot", &dotdot, None);
    assert_refused(&d, "dotdot", "escape.txt");
    let absolute = Tar::new()
        .file("/tmp/oar-absolute-escape.txt", b"pwned")
        .finish();
    push_hostile(&d, "absolute", &absolute, None);
    assert_refused(&d, "absolute", "absolute");
    assert!(!Path::new("/tmp/oar-absolute-escape.txt").exists());
    let outside = Tar::new().file("other/x.txt", b"pwned").finish();
    push_hostile(&d, "outside", &outside, None);
    assert_refused(&d, "outside", "not under");
    let chain = Tar::new()
        .dir("evil/", 0o755)
        .symlink("evil/up", "..")
        .file("evil/up/escape.txt", b"pwned")
        .finish();
    push_hostile(&d, "symlink-chain", &chain, None);
    assert_refused(&d, "symlink-chain", "evil/up");
    let link_out = Tar::new()
        .symlink("evil/etc", "/etc")
        .file("evil/etc/passwd", b"pwned")
        .finish();
    push_hostile(&d, "symlink-absolute", &link_out, None);
    assert_refused(&d, "symlink-absolute", "absolute");
    let hard = Tar::new()
        .hard_link("evil/h", "../../../etc/passwd")
        .finish();
    push_hostile(&d, "hardlink-out", &hard, None);
    assert_refused(&d, "hardlink-out", "evil/h");
    let hard_abs = Tar::new().hard_link("evil/h", "/etc/passwd").finish();
    push_hostile(&d, "hardlink-abs", &hard_abs, None);
    assert_refused(&d, "hardlink-abs", "absolute");
    let device = Tar::new()
        .entry("evil/null", CHAR_DEV, "", 0o644, 0, b"")
        .finish();
    push_hostile(&d, "device", &device, None);
    assert_refused(&d, "device", "not allowed");
    let fifo = Tar::new()
        .entry("evil/fifo", FIFO, "", 0o644, 0, b"")
        .finish();
    push_hostile(&d, "fifo", &fifo, None);
    assert_refused(&d, "fifo", "not allowed");
    // 200 MiB of zeros compress about 1000:1.
    let bomb = Tar::new()
        .huge_entry("evil/zeros", FILE, 200 * 1024 * 1024, 0)
        .finish();
    push_hostile(&d, "bomb", &bomb, None);
    assert_refused(&d, "bomb", "compression ratio");
    let ok = Tar::new()
        .dir("evil/", 0o755)
        .file("evil/fine.txt", b"pwned")
        .finish();
    let zero_digest = format!("sha256:{}", "0".repeat(64));
    push_hostile(&d, "wrong-digest", &ok, Some(&zero_digest));
    assert_refused(&d, "wrong-digest", "digest mismatch");
    // The same layer with its true digest is accepted: the refusals above
    // are about the content, not the harness.
    push_hostile(&d, "fine", &ok, None);
    let work = d.join("work-fine");
    std::fs::create_dir_all(&work).unwrap();
    oar(
        &work,
        &[
            "pull",
            "--oci-layout",
            &format!("{}:fine", d.join("hostile").display()),
            "-o",
            "out",
        ],
    )
    .ok();
    assert_eq!(
        std::fs::read(work.join("out/evil/fine.txt")).unwrap(),
        b"pwned"
    );
}

#[test]
fn gnu_and_pax_tar_layers_are_read() {
    for format in ["gnu", "pax"] {
        let d = TempDir::new("gnutar");
        make_tree(&d.join("gnu"));
        sh(
            "tar",
            &[&format!("--format={format}"), "-czf", "gnu.tgz", "gnu"],
            d.path(),
        );
        let tar = sh("sh", &["-c", "gzip -dc gnu.tgz | sha256sum"], d.path());
        let digest = format!("sha256:{}", tar.split_whitespace().next().unwrap());
        let layer = Layer {
            gz: d.read("gnu.tgz"),
            tar_digest: digest,
        };
        push_artifact(&d.join("lay"), "v1", &[Part::Dir("gnu", &layer, None)]);
        oar(d.path(), &["pull", "--oci-layout", "lay:v1", "-o", "out"]).ok();
        assert_same_tree(&d.join("gnu"), &d.join("out/gnu"));
    }
}
