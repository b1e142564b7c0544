//! Interoperability with other OCI and ORAS tools, for real: oras-py
//! (the Python ORAS client, from the test virtualenv) and skopeo.

use std::process::Command;

use crate::util::registry::Registry;
use crate::util::{TempDir, oar, pseudo_random, python, require, sh};

/// Runs a Python snippet with oras-py against `host`, in `dir` (as HOME, so
/// oras-py's config writes stay inside the test).
fn oras_py(dir: &std::path::Path, script: &str) -> String {
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oras-py failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn oras_py_push_then_oar_pull() {
    let reg = Registry::start();
    let d = TempDir::new("py2oar");
    d.write("p.txt", "from oras-py\n");
    d.write("blob.bin", pseudo_random(1_500_000, 5));
    oras_py(
        d.path(),
        &format!(
            "import oras.client\nc = oras.client.OrasClient(hostname='{h}', insecure=True)\nc.push(files=['p.txt', 'blob.bin'], target='{h}/py:v1')\n",
            h = reg.host
        ),
    );
    let r = oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("py:v1"), "-o", "out"],
    )
    .ok();
    assert_eq!(d.read("out/p.txt"), d.read("p.txt"));
    assert_eq!(d.read("out/blob.bin"), d.read("blob.bin"));
    // oras-py's `{}` config is not a file: oras reports a clean pull.
    assert!(
        r.stdout
            .contains(&format!("Pulled [registry] {}", reg.reference("py:v1"))),
        "{}",
        r.stdout
    );
}

#[test]
fn oar_push_then_oras_py_pull() {
    let reg = Registry::start();
    let d = TempDir::new("oar2py");
    d.write("a.txt", "from oar\n");
    d.write("b.bin", pseudo_random(2_000_000, 6));
    oar(
        d.path(),
        &[
            "push",
            "--plain-http",
            &reg.reference("oar:v1"),
            "a.txt",
            "b.bin",
        ],
    )
    .ok();
    let listed = oras_py(
        d.path(),
        &format!(
            "import oras.client\nc = oras.client.OrasClient(hostname='{h}', insecure=True)\nprint('\\n'.join(sorted(c.pull(target='{h}/oar:v1', outdir='py-out'))))\n",
            h = reg.host
        ),
    );
    assert!(
        listed.contains("a.txt") && listed.contains("b.bin"),
        "{listed}"
    );
    assert_eq!(d.read("py-out/a.txt"), d.read("a.txt"));
    assert_eq!(d.read("py-out/b.bin"), d.read("b.bin"));
}

#[test]
fn skopeo_moves_oar_layouts_and_oar_reads_skopeo_layouts() {
    require("skopeo", "skopeo");
    let reg = Registry::start();
    let d = TempDir::new("skopeo");
    d.write("s.txt", "through skopeo");
    let r = oar(d.path(), &["push", "--oci-layout", "lay:v1", "s.txt"]).ok();
    let digest = r.digest();
    // oar's layout → skopeo → registry: same manifest digest.
    sh(
        "skopeo",
        &[
            "copy",
            "--preserve-digests",
            "--dest-tls-verify=false",
            "oci:lay:v1",
            &format!("docker://{}", reg.reference("sk:v1")),
        ],
        d.path(),
    );
    let p = oar(
        d.path(),
        &["pull", "--plain-http", &reg.reference("sk:v1"), "-o", "o1"],
    )
    .ok();
    assert!(
        p.stdout.contains(&format!("Digest: {digest}")),
        "{}",
        p.stdout
    );
    assert_eq!(d.read("o1/s.txt"), b"through skopeo");
    // registry → skopeo → layout → oar.
    sh(
        "skopeo",
        &[
            "copy",
            "--preserve-digests",
            "--src-tls-verify=false",
            &format!("docker://{}", reg.reference("sk:v1")),
            "oci:lay2:v2",
        ],
        d.path(),
    );
    oar(d.path(), &["pull", "--oci-layout", "lay2:v2", "-o", "o2"]).ok();
    assert_eq!(d.read("o2/s.txt"), b"through skopeo");
}
