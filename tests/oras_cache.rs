//! `ORAS_CACHE`, as oras 1.3 reads it: pulls (and cp's and backup's
//! registry sources) read blobs through a cache directory and fill it.
//! The registry is Debian's `docker-registry` with its access log on, and
//! what reached it is counted there.

use crate::util::registry::{Options, Registry};
use crate::util::{Run, TempDir, oar_env, pseudo_random};

/// `oar args…` in `d`, with `ORAS_CACHE` set to `cache` (nothing set when
/// `None`).
fn run(d: &TempDir, cache: Option<&str>, args: &[&str]) -> Run {
    let cache_dir = cache.map(|c| d.join(c));
    let env: Vec<(&str, &str)> = cache_dir
        .iter()
        .map(|c| ("ORAS_CACHE", c.to_str().unwrap()))
        .collect();
    oar_env(d.path(), args, &env)
}

/// `oar pull --plain-http r -o out`, with `ORAS_CACHE` as in [`run`].
fn pull(d: &TempDir, cache: Option<&str>, r: &str, out: &str) {
    run(d, cache, &["pull", "--plain-http", r, "-o", out]).ok();
}

/// Where the cache under `d/cache` keeps the blob `digest`.
fn entry(d: &TempDir, digest: &str) -> std::path::PathBuf {
    d.join(format!("cache/blobs/sha256/{}", &digest[7..]))
}

/// How many times the registry answered a GET for the blob `digest`.
fn blob_gets(reg: &Registry, digest: &str) -> usize {
    reg.access_log()
        .lines()
        .filter(|l| l.contains("\"GET /v2/") && l.contains(&format!("/blobs/{digest} ")))
        .count()
}

fn sha256_of(d: &TempDir, file: &str) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(d.join(file))
        .output()
        .unwrap();
    let hex = String::from_utf8(out.stdout).unwrap();
    format!("sha256:{}", &hex[..64])
}

/// A registry with its access log, holding `big.bin` (24 MiB) as
/// `cached:v1`; the blob's digest.
fn registry_with_big_blob(d: &TempDir) -> (Registry, String) {
    let reg = Registry::start_with(Options {
        access_log: true,
        ..Options::default()
    });
    d.write("big.bin", pseudo_random(24 << 20, 7));
    run(
        d,
        None,
        &[
            "push",
            "--plain-http",
            &reg.reference("cached:v1"),
            "big.bin",
        ],
    )
    .ok();
    let digest = sha256_of(d, "big.bin");
    (reg, digest)
}

#[test]
fn the_second_pull_of_a_large_blob_makes_no_blob_request() {
    let d = TempDir::new("oras-cache");
    let (reg, digest) = registry_with_big_blob(&d);
    let r = reg.reference("cached:v1");
    pull(&d, Some("cache"), &r, "one");
    assert_eq!(
        blob_gets(&reg, &digest),
        1,
        "the first pull fetches the blob"
    );
    let entry = entry(&d, &digest);
    assert_eq!(std::fs::read(&entry).unwrap(), d.read("big.bin"));
    assert!(
        d.join("cache/oci-layout").is_file(),
        "the cache is an OCI layout"
    );

    pull(&d, Some("cache"), &r, "two");
    assert_eq!(blob_gets(&reg, &digest), 1, "{}", reg.access_log());
    assert_eq!(d.read("two/big.bin"), d.read("big.bin"));

    // The control: without ORAS_CACHE, the blob is fetched again.
    pull(&d, None, &r, "three");
    assert_eq!(blob_gets(&reg, &digest), 2);
}

#[test]
fn a_cache_entry_corrupted_by_hand_is_fetched_again() {
    let d = TempDir::new("oras-cache-corrupt");
    let (reg, digest) = registry_with_big_blob(&d);
    let r = reg.reference("cached:v1");
    pull(&d, Some("cache"), &r, "one");
    let entry = entry(&d, &digest);
    // Same size, one byte changed: only hashing finds it.
    let mut bytes = std::fs::read(&entry).unwrap();
    bytes[12345] ^= 0xff;
    std::fs::write(&entry, &bytes).unwrap();

    pull(&d, Some("cache"), &r, "two");
    assert_eq!(blob_gets(&reg, &digest), 2, "the corrupt entry is not used");
    assert_eq!(d.read("two/big.bin"), d.read("big.bin"));
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        d.read("big.bin"),
        "the entry is replaced by the verified bytes"
    );
}

#[test]
fn cp_and_blob_fetch_read_through_the_cache_that_a_pull_filled() {
    let d = TempDir::new("oras-cache-cp");
    let (reg, digest) = registry_with_big_blob(&d);
    let r = reg.reference("cached:v1");
    pull(&d, Some("cache"), &r, "one");
    let dst = Registry::start();
    run(
        &d,
        Some("cache"),
        &[
            "cp",
            "--from-plain-http",
            "--to-plain-http",
            &r,
            &dst.reference("copy:v1"),
        ],
    )
    .ok();
    let blob = format!("{}@{digest}", reg.reference("cached"));
    run(
        &d,
        Some("cache"),
        &["blob", "fetch", "--plain-http", &blob, "-o", "fetched.bin"],
    )
    .ok();
    assert_eq!(blob_gets(&reg, &digest), 1, "{}", reg.access_log());
    assert_eq!(d.read("fetched.bin"), d.read("big.bin"));
    // The copy is whole: pulled back from the destination, it matches.
    run(
        &d,
        None,
        &[
            "pull",
            "--plain-http",
            &dst.reference("copy:v1"),
            "-o",
            "back",
        ],
    )
    .ok();
    assert_eq!(d.read("back/big.bin"), d.read("big.bin"));
}

#[test]
fn an_empty_oras_cache_and_pushes_use_no_cache() {
    let d = TempDir::new("oras-cache-off");
    let (reg, digest) = registry_with_big_blob(&d);
    let r = reg.reference("cached:v1");
    let c = d.join("cache");
    let out = oar_env(
        d.path(),
        &["pull", "--plain-http", &r, "-o", "one"],
        &[("ORAS_CACHE", "")],
    );
    out.ok();
    // A push with ORAS_CACHE set writes nothing there: oras caches reads.
    run(
        &d,
        Some("cache"),
        &[
            "push",
            "--plain-http",
            &reg.reference("cached:v2"),
            "big.bin",
        ],
    )
    .ok();
    assert!(!c.exists(), "no cache directory was made");
    assert_eq!(blob_gets(&reg, &digest), 1);
}
