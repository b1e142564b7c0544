//! The suite's environment (`utils/init.go`, `prepare.go`, `reference.go`
//! and the CI scripts), started once per test binary and shared by every
//! spec, as the Go suite shares its three containers:
//!
//! - `host()`: the main registry. In oras's CI it is ORAS's distribution
//!   fork seeded from `distribution/mount/*.tar.gz`; here it is Debian's
//!   `docker-registry` seeded from the same storage tarballs (so what only
//!   the fork serves, OCI artifact manifests and its referrers API, is
//!   missing, and the specs needing it are listed as unportable).
//! - `fallback_host()`: upstream distribution seeded from
//!   `distribution/mount_fallback`, as in CI.
//! - `zot_host()`: what the suite runs against zot. Zot serves the
//!   `zot/command/*` OCI layouts from its storage directory; here a third
//!   `docker-registry` is filled with the same layouts over the
//!   distribution API, with their referrers in the referrers tag schema,
//!   and `copy_zot_repo` copies a repository's storage as the Go suite
//!   copies zot's.
//! - `api_host()`: a registry double serving the referrers API, filled
//!   with the zot layouts, for the specs that need zot's referrers API.
//!
//! All are addressed as `localhost:<port>`, which oar, like oras, reaches
//! over plain HTTP; all but the double require the suite's basic-auth user
//! `hello`/`oras-test` (the `passwd_bcrypt` files), whose credentials are
//! stored in the shared docker config as the Go suite's `oras login` does.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use crate::util::double::{Config as DoubleConfig, Double};
use crate::util::registry::{Options, Registry};
use crate::util::{TempDir, sh};

use super::seed;

/// The suite's user and password.
pub const USERNAME: &str = "hello";
/// The suite's password.
pub const PASSWORD: &str = "oras-test";
/// `RegistryErrorPrefix`.
pub const REGISTRY_ERROR_PREFIX: &str = "Error response from registry: ";
/// `InvalidTag`.
pub const INVALID_TAG: &str = "i-dont-think-this-tag-exists";
/// `ImageRepo`.
pub const IMAGE_REPO: &str = "command/images";
/// `BlobRepo`.
pub const BLOB_REPO: &str = "command/blobs";
/// `ArtifactRepo`.
pub const ARTIFACT_REPO: &str = "command/artifacts";
/// `Namespace`.
pub const NAMESPACE: &str = "command";
/// `InvalidRepo`.
pub const INVALID_REPO: &str = "INVALID";
/// `EmptyConfigName`.
pub const EMPTY_CONFIG_NAME: &str = "empty.registry.config";
/// `ExampleDesc`.
pub const EXAMPLE_DESC: &str = "\nExample - ";
/// `Flags.Layout`.
pub const LAYOUT: &str = "--oci-layout";
/// `Flags.FromLayout`.
pub const FROM_LAYOUT: &str = "--from-oci-layout";
/// `Flags.ToLayout`.
pub const TO_LAYOUT: &str = "--to-oci-layout";
/// `Flags.FromLayoutPath`.
pub const FROM_LAYOUT_PATH: &str = "--from-oci-layout-path";
/// `Flags.ToLayoutPath`.
pub const TO_LAYOUT_PATH: &str = "--to-oci-layout-path";
/// `Flags.IncludeReferrers`.
pub const INCLUDE_REFERRERS: &str = "--include-referrers";
/// `Flags.ExcludeReferrers`.
pub const EXCLUDE_REFERRERS: &str = "--exclude-referrers";
/// `Flags.DistributionSpec`.
pub const DISTRIBUTION_SPEC: &str = "--distribution-spec";
/// `Flags.ImageSpec`.
pub const IMAGE_SPEC: &str = "--image-spec";

/// `TestDataRoot`: the suite's testdata as of its tag, carried in the
/// repository under the suite's version.
pub fn test_data_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oras-e2e")
        .join(super::suite::VERSION)
}

/// The `index.json` of a zot layout.
fn layout_index(repo: &str) -> PathBuf {
    test_data_root().join("zot").join(repo).join("index.json")
}

/// Per-binary directories, and the reaper that cleans up after the binary
/// exits: registries live in statics, which are never dropped, so a shell
/// waits for the end of its standard input (our process going away, for
/// whatever reason) and then stops them and removes their files.
pub struct Root {
    /// Everything of this binary's suite lives below.
    pub dir: PathBuf,
    /// The default working directory (the Go suite's package directory).
    pub cwd: PathBuf,
    /// `$HOME` of every run.
    pub home: PathBuf,
    /// `$DOCKER_CONFIG` of every run.
    pub docker_config: PathBuf,
    /// `oras`: a link to the binary under test. The Go suite runs a binary
    /// of that name, and oar, like a drop-in, names itself after it.
    pub oras: PathBuf,
    /// The clean-up shell; its standard input stays open while we live.
    reaper: Mutex<Child>,
}

static ROOT: OnceLock<Root> = OnceLock::new();

/// The shared directories.
pub fn root() -> &'static Root {
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oar-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cwd = dir.join("cwd");
        let home = dir.join("home");
        let docker_config = dir.join("docker");
        for d in [&cwd, &home, &docker_config] {
            std::fs::create_dir_all(d).unwrap();
        }
        let script = "read _ ; kill $(cat \"$1/pids\" 2>/dev/null) 2>/dev/null ; sleep 1 ; rm -rf $(cat \"$1/dirs\" 2>/dev/null) \"$1\"";
        let reaper = Command::new("sh")
            .args(["-c", script, "sh"])
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the clean-up shell");
        let oras = dir.join("bin/oras");
        std::fs::create_dir_all(oras.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(crate::util::bin(), &oras).unwrap();
        Root {
            dir,
            cwd,
            home,
            docker_config,
            oras,
            reaper: Mutex::new(reaper),
        }
    })
}

impl Root {
    /// Hands a registry to the reaper.
    fn adopt(&self, reg: &Registry) {
        let _guard = self.reaper.lock().unwrap();
        append(&self.dir.join("pids"), &format!("{}\n", reg.pid()));
        let dir = reg.data_dir();
        append(
            &self.dir.join("dirs"),
            &format!("{}\n", dir.parent().unwrap().display()),
        );
    }
}

fn append(path: &Path, line: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(line.as_bytes()).unwrap();
}

/// The running registries.
pub struct Registries {
    /// `Host`.
    pub host: String,
    /// `FallbackHost`.
    pub fallback: String,
    /// `ZOTHost`.
    pub zot: String,
    /// The referrers-API stand-in for zot.
    pub api: String,
    zot_data: PathBuf,
    /// The suite's legacy docker config (a `http://<zot>/` key).
    pub legacy_config: PathBuf,
    _registries: Vec<Registry>,
    _double: Double,
}

static REGISTRIES: OnceLock<Registries> = OnceLock::new();

fn localhost(port: u16) -> String {
    format!("localhost:{port}")
}

/// Starts (once) and returns the registries.
pub fn registries() -> &'static Registries {
    REGISTRIES.get_or_init(start)
}

fn start() -> Registries {
    let root = root();
    let td = test_data_root();
    let dist = td.join("distribution");

    // The main registry: every storage tarball of `mount`, unpacked in
    // turn as the CI script does (they only add to each other).
    let mut mounts: Vec<PathBuf> = std::fs::read_dir(dist.join("mount"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .collect();
    mounts.sort();
    let main = Registry::start_with(Options {
        seed: Some(&mounts[0]),
        htpasswd_file: Some(&dist.join("mount/passwd_bcrypt")),
        ..Options::default()
    });
    root.adopt(&main);
    // The registry reads its storage on every request (no cache is
    // configured), so unpacking the rest before the first request is the
    // same as seeding them.
    for more in &mounts[1..] {
        let data = main.data_dir();
        sh(
            "tar",
            &["-xzf", more.to_str().unwrap(), "-C", data.to_str().unwrap()],
            Path::new("/"),
        );
    }

    let fallback = Registry::start_with(Options {
        seed: Some(&dist.join("mount_fallback/artifacts.tar.gz")),
        htpasswd_file: Some(&dist.join("mount_fallback/passwd_bcrypt")),
        ..Options::default()
    });
    root.adopt(&fallback);

    let zot = Registry::start_with(Options {
        htpasswd_file: Some(&td.join("zot/passwd_bcrypt")),
        ..Options::default()
    });
    root.adopt(&zot);
    let auth = Some((USERNAME, PASSWORD));
    for repo in [IMAGE_REPO, ARTIFACT_REPO, BLOB_REPO] {
        seed::push_layout(
            zot.port,
            auth,
            repo,
            &td.join("zot").join(repo),
            &layout_index(repo),
            true,
        );
    }

    let double = Double::start(DoubleConfig {
        referrers_api: true,
        ..DoubleConfig::default()
    });
    for repo in [IMAGE_REPO, ARTIFACT_REPO, BLOB_REPO] {
        seed::push_layout(
            double.server.port,
            None,
            repo,
            &td.join("zot").join(repo),
            &layout_index(repo),
            false,
        );
    }

    let (host, fb, zh) = (
        localhost(main.port),
        localhost(fallback.port),
        localhost(zot.port),
    );
    // What `oras login` writes for each host in the Go suite's BeforeSuite.
    let auth_b64 = "aGVsbG86b3Jhcy10ZXN0"; // hello:oras-test
    let mut auths = BTreeMap::new();
    for h in [&host, &fb, &zh] {
        auths.insert(h.clone(), serde_json::json!({ "auth": auth_b64 }));
    }
    std::fs::write(
        root.docker_config.join("config.json"),
        serde_json::to_vec_pretty(&serde_json::json!({ "auths": auths })).unwrap(),
    )
    .unwrap();
    // `legacy.registry.config` names the zot host with a scheme and a
    // trailing slash; its port is ours.
    let legacy_config = root.dir.join("legacy.registry.config");
    std::fs::write(
        &legacy_config,
        format!("{{\n\t\"auths\": {{\n\t\t\"http://{zh}/\": {{\n\t\t\t\"auth\": \"{auth_b64}\"\n\t\t}}\n\t}}\n}}"),
    )
    .unwrap();

    Registries {
        zot_data: zot.data_dir(),
        api: localhost(double.server.port),
        host,
        fallback: fb,
        zot: zh,
        legacy_config,
        _registries: vec![main, fallback, zot],
        _double: double,
    }
}

/// `Host`.
pub fn host() -> &'static str {
    &registries().host
}

/// `FallbackHost`.
pub fn fallback_host() -> &'static str {
    &registries().fallback
}

/// `ZOTHost`.
pub fn zot_host() -> &'static str {
    &registries().zot
}

/// Zot's referrers API, served by the registry double.
pub fn api_host() -> &'static str {
    &registries().api
}

/// `GinkgoRandomSeed()`: one number per run of the binary, so repository
/// names are fresh, as in Go.
pub fn random_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    })
}

/// `CopyZOTRepo`: copies a repository of the zot stand-in at the storage
/// level, as the Go suite copies a repository folder of zot's storage.
pub fn copy_zot_repo(from: &str, to: &str) {
    let repos = registries()
        .zot_data
        .join("docker/registry/v2/repositories");
    let dst = repos.join(to);
    std::fs::create_dir_all(&dst).unwrap();
    sh(
        "cp",
        &[
            "-R",
            &format!("{}/.", repos.join(from).display()),
            dst.to_str().unwrap(),
        ],
        Path::new("/"),
    );
}

/// `GinkgoT().TempDir()`.
pub fn temp_dir() -> TempDir {
    TempDir::new("e2e")
}

/// `PrepareTempFiles()`: a temporary directory holding `files/` (that is,
/// `foobar/...`).
pub fn prepare_temp_files() -> TempDir {
    let d = temp_dir();
    copy_files(&test_data_root().join("files"), d.path());
    d
}

/// `PrepareTempOCI(repo)`: the test files plus the zot layout of `repo`.
pub fn prepare_temp_oci(repo: &str) -> TempDir {
    let d = prepare_temp_files();
    let layout = test_data_root().join("zot").join(repo);
    std::fs::copy(layout.join("oci-layout"), d.join("oci-layout")).unwrap();
    copy_files(&layout.join("blobs"), &d.join("blobs"));
    std::fs::copy(layout_index(repo), d.join("index.json")).unwrap();
    d
}

/// `CopyFiles`: the files below `src`, with their folders.
pub fn copy_files(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    sh(
        "cp",
        &["-R", &format!("{}/.", src.display()), dst.to_str().unwrap()],
        Path::new("/"),
    );
}

/// `WriteTempFile(name, content)`: a file in its own temporary directory.
pub struct TempFile {
    /// Holds the directory.
    pub dir: TempDir,
    /// The file.
    pub path: String,
}

/// Writes `content` to `name` in a new temporary directory.
pub fn write_temp_file(name: &str, content: &str) -> TempFile {
    let dir = temp_dir();
    let path = dir.write(name, content);
    TempFile {
        path: path.to_str().unwrap().to_string(),
        dir,
    }
}

/// A path as a string.
pub fn path_str(p: impl AsRef<Path>) -> String {
    p.as_ref().to_str().unwrap().to_string()
}

fn is_digest(s: &str) -> bool {
    // go-digest's Parse: a registered algorithm and an encoded part of the
    // right length and alphabet.
    match s.split_once(':') {
        Some(("sha256", hex)) => {
            hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        Some(("sha512", hex)) => {
            hex.len() == 128
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        _ => false,
    }
}

/// `RegistryRef(reg, repo, tagOrDigest)`.
pub fn registry_ref(reg: &str, repo: &str, tag_or_digest: &str) -> String {
    let r = tag_or_digest.trim();
    if r.is_empty() {
        format!("{reg}/{repo}")
    } else if is_digest(r) {
        format!("{reg}/{repo}@{r}")
    } else {
        format!("{reg}/{repo}:{r}")
    }
}

/// `LayoutRef(root, tagOrDigest)`.
pub fn layout_ref(root: impl AsRef<Path>, tag_or_digest: &str) -> String {
    let delimiter = if is_digest(tag_or_digest) { "@" } else { ":" };
    format!("{}{delimiter}{tag_or_digest}", root.as_ref().display())
}

/// `MatchFile(path, want)`: the file exists and says `want` (a substring).
#[track_caller]
pub fn match_file(path: impl AsRef<Path>, want: &str) {
    let path = path.as_ref();
    assert!(
        path.is_file(),
        "{} should be an existing file",
        path.display()
    );
    let got = std::fs::read(path).unwrap();
    let b = super::matchers::Buffer::new(got);
    assert!(
        b.say(&super::matchers::quote_meta(want)),
        "{} should contain {want:?}, has {:?}",
        path.display(),
        b.text()
    );
}

/// The digest as a tag: `sha256:abc` → `sha256-abc`.
pub fn digest_tag(digest: &str) -> String {
    digest.replacen(':', "-", 1)
}
