//! Test helpers: temporary directories, running the `oar` binary in an
//! isolated environment, and finding the external programs the tests use.
//! A missing program fails the test with the command that installs it;
//! nothing is skipped.

#![allow(dead_code)]

pub mod double;
pub mod faults;
pub mod http;
pub mod proxy;
pub mod registry;
pub mod sandbox;
pub mod socks;
pub mod tarball;
pub mod token;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty directory under the system temp dir.
    pub fn new(name: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("oar-test-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A path inside.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }

    /// Writes a file (creating parents) and returns its path.
    pub fn write(&self, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, data).unwrap();
        p
    }

    /// Reads a file inside.
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Polls `holds` every 20 ms until it is true, failing the test after
/// `limit` with `what` (the condition that never came). Tests wait for a
/// condition this way, never for a fixed time.
#[track_caller]
pub fn wait_until(limit: Duration, what: &str, mut holds: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !holds() {
        assert!(
            Instant::now() < deadline,
            "waited {limit:?} in vain: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts failure with `code` and a one-line error message that
    /// contains `needle`: `Error: …`, `Error response from registry: …` for
    /// what a registry answered, or `Error from <side> …` for a side of a
    /// copy, as oras prints them.
    #[track_caller]
    pub fn fails(self, code: i32, needle: &str) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| {
                l.starts_with("Error: ")
                    || l.starts_with("Error response from registry: ")
                    || l.starts_with("Error from ")
            })
            .collect();
        assert_eq!(
            errors.len(),
            1,
            "expected one error line, got:\n{}",
            self.stderr
        );
        assert!(
            errors[0].contains(needle),
            "error {:?} does not mention {needle:?}",
            errors[0]
        );
        self
    }

    /// Standard output lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The manifest digest from the closing `Digest: …` line that push,
    /// attach and manifest push print.
    #[track_caller]
    pub fn digest(&self) -> String {
        let last = self.stdout.lines().last().unwrap_or_default();
        match last.strip_prefix("Digest: ") {
            Some(d) => d.to_string(),
            None => panic!("no closing Digest line in:\n{}", self.stdout),
        }
    }
}

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_oar"))
}

/// A command for `oar` run in `dir`, with its own empty docker config and
/// home so that the user's credentials never leak into a test.
pub fn oar_cmd(dir: &Path, args: &[&str]) -> Command {
    wrapped_cmd(dir, &[], args)
}

/// [`oar_cmd`] run through `wrapper` (a program and its arguments, which
/// receive the `oar` path and `args` after them).
pub fn wrapped_cmd(dir: &Path, wrapper: &[&str], args: &[&str]) -> Command {
    let mut c = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(bin());
            c
        }
        None => Command::new(bin()),
    };
    c.args(args)
        .current_dir(dir)
        .env("DOCKER_CONFIG", dir.join(".docker-test"))
        .env("HOME", dir)
        // Caches and certs.d under the test's own HOME, whatever the
        // machine's XDG settings.
        .env_remove("XDG_CACHE_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy")
        .env_remove("all_proxy");
    c
}

/// Runs `oar args…` in `dir`.
pub fn oar(dir: &Path, args: &[&str]) -> Run {
    oar_input(dir, args, b"")
}

/// Runs `oar args…` in `dir` with these environment variables added.
pub fn oar_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut c = oar_cmd(dir, args);
    c.envs(env.iter().copied()).stdin(Stdio::null());
    Run::from(c.output().expect("running oar"))
}

/// Runs `oar args…` in `dir` with `input` on stdin.
pub fn oar_input(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    oar_input_env(dir, args, input, &[])
}

/// [`oar_input`] with environment variables set.
pub fn oar_input_env(dir: &Path, args: &[&str], input: &[u8], env: &[(&str, &str)]) -> Run {
    let mut c = oar_cmd(dir, args);
    c.envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("running oar");
    {
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input);
    }
    Run::from(child.wait_with_output().unwrap())
}

/// Runs `oar args…` in `dir` under GNU time: the run and its peak
/// resident memory in KiB.
pub fn oar_peak_rss(dir: &Path, args: &[&str]) -> (Run, u64) {
    oar_peak_rss_within(dir, args, None)
}

/// [`oar_peak_rss`], with the address space limited to `limit_kib` (`ulimit
/// -v`) when given: a run that would grow without bound dies of it
/// instead of taking the machine's memory.
pub fn oar_peak_rss_within(dir: &Path, args: &[&str], limit_kib: Option<u64>) -> (Run, u64) {
    assert!(
        Path::new("/usr/bin/time").is_file(),
        "/usr/bin/time is not installed: run `make test` (it installs the test dependencies) or `apt-get install time`"
    );
    let report = dir.join(format!(".rss-{}", COUNTER.fetch_add(1, Ordering::Relaxed)));
    let limit = limit_kib.map(|k| format!("ulimit -v {k}; exec \"$@\""));
    let mut wrapper: Vec<&str> = match &limit {
        Some(script) => vec!["sh", "-c", script, "sh"],
        None => Vec::new(),
    };
    wrapper.extend(["/usr/bin/time", "-f", "%M", "-o", report.to_str().unwrap()]);
    let out = wrapped_cmd(dir, &wrapper, args)
        .stdin(Stdio::null())
        .output()
        .expect("running oar under /usr/bin/time");
    let kib = std::fs::read_to_string(&report)
        .unwrap_or_default()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in {}", report.display()));
    let _ = std::fs::remove_file(&report);
    (Run::from(out), kib)
}

/// Runs `oar args…` in `dir` with the process umask set to `umask`.
pub fn oar_umask(dir: &Path, umask: u32, args: &[&str]) -> Run {
    let script = format!("umask {umask:03o}; exec \"$@\"");
    let out = wrapped_cmd(dir, &["sh", "-c", &script, "sh"], args)
        .stdin(Stdio::null())
        .output()
        .expect("running oar under sh");
    Run::from(out)
}

/// Fails the test unless `program` is on PATH, saying how to get it.
#[track_caller]
pub fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{program} is not installed: run `make test` (it installs the test dependencies) or `apt-get install {package}`"
    );
}

/// Runs a program, asserting success; returns stdout.
#[track_caller]
pub fn sh(program: &str, args: &[&str], dir: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// SHA-256 of bytes, as `sha256:<hex>` (computed by the system's
/// `sha256sum`, independent of the code under test).
pub fn sha256_of_file(path: &Path) -> String {
    let out = sh("sha256sum", &[path.to_str().unwrap()], Path::new("/"));
    format!("sha256:{}", out.split_whitespace().next().unwrap())
}

/// Deterministic pseudo-random bytes.
pub fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    // Spread the seed first: `seed | 1` alone would make 2n and 2n+1 equal.
    let mut x = (seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66) | 1;
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

/// Parses JSON output.
#[track_caller]
pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{s}"))
}

/// The Python of the test virtualenv (with oras-py), from `make test`.
#[track_caller]
pub fn python() -> PathBuf {
    let p = std::env::var_os("OAR_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv/bin/python")
        });
    assert!(
        p.is_file(),
        "the test virtualenv with oras-py is missing at {}: run `make test-deps` (python3 -m venv target/test-venv && target/test-venv/bin/pip install oras==0.2.43)",
        p.display()
    );
    p
}

/// SHA-256 of bytes, as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
