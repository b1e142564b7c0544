//! Paths a user names (`--export-manifest`, `--output` of `manifest fetch`,
//! `manifest fetch-config`, `blob fetch` and `manifest index create`) are
//! written as oras writes them: a device, a FIFO or `/dev/stdout` in place,
//! a symbolic link through to its target (the link kept), and only a new
//! name or a regular file by temp-file-and-rename, which a kill cannot
//! tear. Failures name what the user named, never a temporary, partial or
//! lock file; a download that stops says what it kept and that the same
//! command resumes; a full disk says how much more space the rest needs.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::faults::{Fault, FaultProxy, Rule};
use crate::util::registry::Registry;
use crate::util::{TempDir, bin, oar, oar_cmd, pseudo_random, require, sha256_hex, wait_until};

/// A fixed creation time, so that two pushes make the same manifest.
const CREATED: &str = "org.opencontainers.image.created=2000-01-01T00:00:00Z";

/// The outputs every test writes to, one per flag: the arguments with
/// `OUT` standing for the path, and the bytes the path must end up with.
struct Case {
    name: &'static str,
    args: Vec<String>,
    expect: Vec<u8>,
}

/// A layout `lay:v1` holding one file, an index `lay:idx` over it, and
/// the cases (`push` into a second layout, so that its export is fresh).
fn cases(dir: &TempDir) -> Vec<Case> {
    dir.write("hi.txt", "hello\n");
    dir.write("config.json", "{\"k\":1}");
    oar(
        dir.path(),
        &[
            "push",
            "--oci-layout",
            "lay:v1",
            "--annotation",
            CREATED,
            "--config",
            "config.json:application/vnd.me.config",
            "hi.txt",
        ],
    )
    .ok();
    let manifest = oar(dir.path(), &["manifest", "fetch", "--oci-layout", "lay:v1"])
        .ok()
        .stdout
        .into_bytes();
    let m: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let layer = m["layers"][0]["digest"].as_str().unwrap().to_string();
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    // The index oar makes is deterministic: made once to a regular file,
    // it is what every other output must hold.
    oar(
        dir.path(),
        &[
            "manifest",
            "index",
            "create",
            "--oci-layout",
            "lay:idx",
            "v1",
            "--output",
            "index.json",
        ],
    )
    .ok();
    let index = std::fs::read(dir.join("index.json")).unwrap();
    vec![
        Case {
            name: "push --export-manifest",
            args: s(&[
                "push",
                "--oci-layout",
                "lay2:v1",
                "--annotation",
                CREATED,
                "--config",
                "config.json:application/vnd.me.config",
                "hi.txt",
                "--export-manifest",
                "OUT",
            ]),
            expect: manifest.clone(),
        },
        Case {
            name: "manifest fetch --output",
            args: s(&[
                "manifest",
                "fetch",
                "--oci-layout",
                "lay:v1",
                "--output",
                "OUT",
            ]),
            expect: manifest,
        },
        Case {
            name: "manifest fetch-config --output",
            args: s(&[
                "manifest",
                "fetch-config",
                "--oci-layout",
                "lay:v1",
                "--output",
                "OUT",
            ]),
            expect: b"{\"k\":1}".to_vec(),
        },
        Case {
            name: "blob fetch --output",
            args: s(&[
                "blob",
                "fetch",
                "--oci-layout",
                &format!("lay@{layer}"),
                "--output",
                "OUT",
            ]),
            expect: b"hello\n".to_vec(),
        },
        Case {
            name: "manifest index create --output",
            args: s(&[
                "manifest",
                "index",
                "create",
                "--oci-layout",
                "lay:idx2",
                "v1",
                "--output",
                "OUT",
            ]),
            expect: index,
        },
    ]
}

impl Case {
    fn run(&self, dir: &Path, out: &Path) -> crate::util::Run {
        let out = out.to_str().unwrap();
        let args: Vec<&str> = self
            .args
            .iter()
            .map(|a| if a == "OUT" { out } else { a.as_str() })
            .collect();
        let r = oar(dir, &args);
        assert_eq!(r.code, 0, "{}: {}", self.name, r.stderr);
        r
    }
}

/// Names in `dir` that oar keeps for itself (temporary and partial files).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.ends_with(".partial"))
        .collect()
}

#[track_caller]
fn require_root(what: &str) {
    let uid = std::fs::metadata("/proc/self").unwrap().uid();
    assert_eq!(
        uid, 0,
        "{what} needs root (mknod, mount, runuser): run the tests as root, as `make test` does in CI"
    );
}

#[test]
fn a_character_device_is_written_in_place_never_replaced() {
    require_root("making a character device");
    let dir = TempDir::new("out-dev");
    for case in cases(&dir) {
        // A null device of our own, never the host's /dev/null.
        let dev = dir.join("null");
        let _ = std::fs::remove_file(&dev);
        let made = Command::new("mknod")
            .arg(&dev)
            .args(["c", "1", "3"])
            .status()
            .unwrap();
        assert!(made.success(), "mknod");
        std::fs::set_permissions(&dev, std::fs::Permissions::from_mode(0o666)).unwrap();
        let before = std::fs::symlink_metadata(&dev).unwrap();
        case.run(dir.path(), &dev);
        let after = std::fs::symlink_metadata(&dev).unwrap();
        assert!(
            after.file_type().is_char_device(),
            "{}: still a device",
            case.name
        );
        assert_eq!(
            (after.ino(), after.rdev()),
            (before.ino(), before.rdev()),
            "{}: the same device node",
            case.name
        );
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "{}", case.name);
    }
}

#[test]
fn a_fifo_is_written_in_place_and_its_reader_gets_the_bytes() {
    let dir = TempDir::new("out-fifo");
    for case in cases(&dir) {
        let fifo = dir.join("pipe");
        let _ = std::fs::remove_file(&fifo);
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        case.run(dir.path(), &fifo);
        let got = reader.join().unwrap();
        assert_eq!(got, case.expect, "{}: the reader got the bytes", case.name);
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo(),
            "{}: still a FIFO",
            case.name
        );
    }
}

#[test]
fn a_symlink_is_written_through_and_kept() {
    let dir = TempDir::new("out-link");
    std::fs::create_dir(dir.join("elsewhere")).unwrap();
    for case in cases(&dir) {
        // An existing target (replaced atomically, its mode kept) and a
        // dangling one (created), each behind a relative link.
        for existing in [true, false] {
            let target = dir.join("elsewhere/target");
            let link = dir.join("link");
            let _ = std::fs::remove_file(&target);
            let _ = std::fs::remove_file(&link);
            if existing {
                std::fs::write(&target, "old").unwrap();
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
            }
            std::os::unix::fs::symlink("elsewhere/target", &link).unwrap();
            case.run(dir.path(), &link);
            let meta = std::fs::symlink_metadata(&link).unwrap();
            assert!(
                meta.file_type().is_symlink(),
                "{}: the link stays a link",
                case.name
            );
            assert_eq!(
                std::fs::read_link(&link).unwrap(),
                PathBuf::from("elsewhere/target")
            );
            assert_eq!(
                std::fs::read(&target).unwrap(),
                case.expect,
                "{}: the target got the bytes",
                case.name
            );
            if existing {
                let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o640, "{}: the target keeps its mode", case.name);
            }
            assert_eq!(leftovers(&dir.join("elsewhere")), Vec::<String>::new());
        }
    }
}

#[test]
fn dev_stdout_writes_to_the_commands_own_output() {
    let dir = TempDir::new("out-stdout");
    for case in cases(&dir) {
        // Through a pipe, and through a file the shell opened: the bytes
        // land after what the shell wrote before, and what it writes after
        // does not overwrite them.
        let r = case.run(dir.path(), Path::new("/dev/stdout"));
        assert!(
            r.stdout
                .as_bytes()
                .windows(case.expect.len())
                .any(|w| w == case.expect),
            "{}: stdout holds the bytes:\n{}",
            case.name,
            r.stdout
        );
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                if a == "OUT" {
                    "/dev/stdout".to_string()
                } else {
                    format!("'{a}'")
                }
            })
            .collect();
        let line = format!(
            "{{ echo before; '{}' {} 2>/dev/null; echo after; }} > shell.out",
            bin().display(),
            args.join(" ")
        );
        assert!(oar_shell(dir.path(), &line), "{}", case.name);
        let got = std::fs::read(dir.join("shell.out")).unwrap();
        if case.name.starts_with("push") || case.name.starts_with("manifest index") {
            // These also print their status lines on stdout.
            assert!(
                got.starts_with(b"before\n") && got.ends_with(b"after\n"),
                "{}",
                case.name
            );
            assert!(
                got.windows(case.expect.len()).any(|w| w == case.expect),
                "{}",
                case.name
            );
        } else {
            let mut want = b"before\n".to_vec();
            want.extend_from_slice(&case.expect);
            want.extend_from_slice(b"after\n");
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "{}",
                case.name
            );
        }
    }
}

/// Runs a shell line in `dir` with the test environment; true on success.
fn oar_shell(dir: &Path, line: &str) -> bool {
    Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .env("HOME", dir)
        .env("DOCKER_CONFIG", dir.join(".docker-test"))
        .status()
        .unwrap()
        .success()
}

/// A copy of the binary that another user can run (the build tree may sit
/// under a private home directory).
fn binary_for_others(dir: &TempDir) -> PathBuf {
    let copy = dir.join("oar-bin");
    std::fs::copy(bin(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// Runs `oar args…` in `dir` as the user `nobody`.
fn as_nobody(dir: &TempDir, args: &[&str]) -> crate::util::Run {
    require("runuser", "util-linux");
    let exe = dir.join("oar-bin");
    if !exe.exists() {
        binary_for_others(dir);
    }
    // Another test's fork may briefly hold the copy open for writing
    // (ETXTBSY) until it execs: try again then.
    for _ in 0..50 {
        let out = Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(&exe)
            .args(args)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env("DOCKER_CONFIG", dir.join(".docker-test"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if stderr.contains("Text file busy") {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        return crate::util::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr,
        };
    }
    panic!("the copy of oar stayed busy");
}

/// Opens `dir` to every user (TempDir makes it 0755 under root's umask,
/// but the layouts inside must be readable and the work dir writable).
fn open_to_all(dir: &TempDir) {
    for entry in walk(dir.path()) {
        let mode = if entry.is_dir() { 0o777 } else { 0o666 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        if out[i].is_dir() && !out[i].is_symlink() {
            for e in std::fs::read_dir(&out[i]).unwrap() {
                out.push(e.unwrap().path());
            }
        }
        i += 1;
    }
    out
}

#[test]
fn an_unprivileged_user_writes_to_dev_null() {
    require_root("switching to the user nobody");
    let dir = TempDir::new("out-nobody");
    let all = cases(&dir);
    open_to_all(&dir);
    for case in all {
        let args: Vec<&str> = case
            .args
            .iter()
            .map(|a| if a == "OUT" { "/dev/null" } else { a.as_str() })
            .collect();
        let r = as_nobody(&dir, &args);
        assert_eq!(r.code, 0, "{}: {}", case.name, r.stderr);
        assert!(
            std::fs::symlink_metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device(),
            "/dev/null is still a device"
        );
    }
}

#[test]
fn failures_name_the_users_path_and_what_was_kept() {
    require_root("switching to the user nobody");
    let dir = TempDir::new("out-msg");
    cases(&dir);
    std::fs::create_dir(dir.join("ro")).unwrap();
    std::fs::write(dir.join("ro/m.json"), "old").unwrap();
    open_to_all(&dir);
    // A read-only directory: a new name, and an existing file left whole.
    std::fs::set_permissions(
        dir.join("ro/m.json"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    std::fs::set_permissions(dir.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let r = as_nobody(
        &dir,
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--output",
            "ro/new.json",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "Error: writing ro/new.json: permission denied\n");
    let r = as_nobody(
        &dir,
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--output",
            "ro/m.json",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "Error: writing ro/m.json (left as it was): permission denied\n"
    );
    assert_eq!(std::fs::read(dir.join("ro/m.json")).unwrap(), b"old");
    // A pull into a directory nobody may enter.
    std::fs::create_dir(dir.join("closed")).unwrap();
    std::fs::set_permissions(dir.join("closed"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = as_nobody(&dir, &["pull", "--oci-layout", "lay:v1", "-o", "closed"]);
    assert_eq!(r.code, 1);
    let last = r.stderr.lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last, "Error: writing closed/hi.txt: permission denied",
        "{}",
        r.stderr
    );
    for r in [&r] {
        for internal in [".partial", ".tmp", ".lock", ".oar-"] {
            assert!(
                !r.stderr.contains(internal),
                "an internal name in: {}",
                r.stderr
            );
        }
    }
    std::fs::set_permissions(dir.join("closed"), std::fs::Permissions::from_mode(0o755)).unwrap();
}

const MIB: u64 = 1024 * 1024;

/// Bytes in a size as oras prints it to people (`1.99 MB`, `588 KB`).
fn parse_size(s: &str) -> f64 {
    let (value, unit) = s.split_once(' ').unwrap();
    let scale = match unit {
        "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        other => panic!("unit {other}"),
    };
    value.parse::<f64>().unwrap() * scale
}

/// A registry holding `big:v1` (one file of `mib` MiB), a fault proxy in
/// front of it, and the file's digest.
fn big_artifact(dir: &TempDir, mib: u64) -> (Registry, FaultProxy, String) {
    let reg = Registry::start();
    let data = pseudo_random((mib * MIB) as usize, 18);
    dir.write("big.bin", &data);
    oar(
        dir.path(),
        &["push", "--plain-http", &reg.reference("big:v1"), "big.bin"],
    )
    .ok();
    std::fs::remove_file(dir.join("big.bin")).unwrap();
    let proxy = FaultProxy::start(&reg.host);
    (reg, proxy, format!("sha256:{}", sha256_hex(&data)))
}

#[test]
fn ctrl_c_keeps_the_partial_file_says_so_and_the_same_command_resumes() {
    require("script", "bsdutils");
    let dir = TempDir::new("out-ctrlc");
    let (_reg, proxy, digest) = big_artifact(&dir, 8);
    let size = 8 * MIB;
    proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::StallResponse(3 * MIB, 60.0),
    ));
    let reference = format!("{}/big:v1", proxy.host());
    // The command under a terminal, as a person runs it; its stderr is
    // kept in a file to read the lines back.
    let line = format!(
        "exec '{}' pull --plain-http '{reference}' -o out 2>err.txt",
        bin().display()
    );
    let mut script = Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("DOCKER_CONFIG", dir.join(".docker-test"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(30), "the stall point", || {
        proxy.is_stalled()
    });
    // oar writes what it reads as it reads it: once the partial file
    // holds every byte the proxy relayed, nothing more can come.
    let relayed = proxy.received("GET", &digest);
    let partial = dir.join(format!("out/.oar-sha256-{}.partial", &digest[7..]));
    wait_until(
        Duration::from_secs(30),
        "the partial file to hold what was relayed",
        || std::fs::metadata(&partial).is_ok_and(|m| m.len() == relayed),
    );
    let started = std::time::Instant::now();
    // Ctrl-C typed on the terminal.
    script.stdin.as_mut().unwrap().write_all(b"\x03").unwrap();
    let status = script.wait().unwrap();
    let took = started.elapsed();
    assert_eq!(status.code(), Some(130), "exit 130 after Ctrl-C");
    assert!(
        took < Duration::from_secs(10),
        "stopped at once, not after the stall: {took:?}"
    );
    let err = std::fs::read_to_string(dir.join("err.txt")).unwrap();
    let kept = std::fs::metadata(&partial).unwrap().len();
    assert_eq!(kept, relayed, "every byte received was kept");
    let last = err.lines().last().unwrap_or_default();
    let shown = last
        .strip_prefix("Kept ")
        .and_then(|rest| {
            rest.strip_suffix(" of 8 MB of out/big.bin: run the same command again to resume.")
        })
        .unwrap_or_else(|| panic!("no kept line in:\n{err}"));
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        (parse_size(shown) - kept as f64).abs() / (kept as f64) < 0.01,
        "{shown} is {kept} bytes"
    );
    for internal in [".partial", ".tmp", ".lock", "Error"] {
        assert!(!err.contains(internal), "{internal} in: {err}");
    }
    assert!(
        !dir.join("out/big.bin").exists(),
        "nothing unverified under the final name"
    );
    // The same command again resumes where the first stopped.
    proxy.clear();
    proxy.reset_records();
    let r = oar(
        dir.path(),
        &["pull", "--plain-http", &reference, "-o", "out"],
    )
    .ok();
    assert_eq!(
        proxy.received("GET", &digest),
        size - kept,
        "only the rest: {}",
        r.stderr
    );
    // The status line says where it resumed, in the same words as the
    // kept line.
    let resumed = format!(" big.bin (resumed at {shown} of 8 MB)");
    assert!(
        r.lines()
            .iter()
            .any(|l| l.starts_with("Downloaded") && l.ends_with(&resumed)),
        "no line ending {resumed:?} in:\n{}",
        r.stdout
    );
    assert_eq!(
        crate::util::sha256_of_file(&dir.join("out/big.bin")),
        digest
    );
}

#[test]
fn a_full_disk_says_how_much_more_space_the_rest_needs() {
    require_root("mounting a small tmpfs");
    let dir = TempDir::new("out-full");
    let (_reg, proxy, digest) = big_artifact(&dir, 3);
    let mnt = dir.join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount -t tmpfs (needs root)");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let reference = format!("{}/big:v1", proxy.host());
    let r = oar(
        dir.path(),
        &["pull", "--plain-http", &reference, "-o", "small"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "Error: writing small/big.bin: no space left on device",
        "{}",
        r.stderr
    );
    assert_eq!(
        lines[lines.len() - 1],
        "Kept 1 MB of 3 MB of small/big.bin; 2 MB more free space is needed there: free it, then run the same command again to resume.",
    );
    assert!(!r.stderr.contains(".partial"));
    // Room made (a larger tmpfs over the same files): the same command
    // fetches only the rest.
    let grown = Command::new("mount")
        .args(["-o", "remount,size=8m"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(grown.success());
    proxy.reset_records();
    oar(
        dir.path(),
        &["pull", "--plain-http", &reference, "-o", "small"],
    )
    .ok();
    assert_eq!(proxy.received("GET", &digest), 2 * MIB);
    assert_eq!(crate::util::sha256_of_file(&mnt.join("big.bin")), digest);
}

#[test]
fn a_killed_write_leaves_the_old_regular_file_whole() {
    let dir = TempDir::new("out-kill");
    let (_reg, proxy, digest) = big_artifact(&dir, 4);
    dir.write("old.bin", "the old content");
    let before = std::fs::metadata(dir.join("old.bin")).unwrap().ino();
    proxy.add(Rule::once(
        "GET",
        "/blobs/sha256:",
        Fault::StallResponse(2 * MIB, 60.0),
    ));
    let reference = format!("{}/big@{digest}", proxy.host());
    let mut child = oar_cmd(
        dir.path(),
        &["blob", "fetch", "--plain-http", &reference, "-o", "old.bin"],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    wait_until(Duration::from_secs(30), "the stall point", || {
        proxy.is_stalled()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read(dir.join("old.bin")).unwrap(),
        b"the old content"
    );
    proxy.clear();
    oar(
        dir.path(),
        &["blob", "fetch", "--plain-http", &reference, "-o", "old.bin"],
    )
    .ok();
    assert_eq!(crate::util::sha256_of_file(&dir.join("old.bin")), digest);
    // Replaced by a rename (a new inode), and nothing left beside it.
    assert_ne!(
        std::fs::metadata(dir.join("old.bin")).unwrap().ino(),
        before
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_lost_connection_says_what_was_kept() {
    let dir = TempDir::new("out-lost");
    let (_reg, proxy, digest) = big_artifact(&dir, 8);
    // Every answer cut after 512 KiB: each retry resumes and gains that
    // much, until the retries run out.
    proxy.add(Rule {
        method: "GET",
        path: "/blobs/sha256:",
        skip: 0,
        times: 1000,
        fault: Fault::CutResponse(512 * 1024),
    });
    let reference = format!("{}/big:v1", proxy.host());
    let r = oar(
        dir.path(),
        &["pull", "--plain-http", &reference, "-o", "out"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let partial = dir.join(format!("out/.oar-sha256-{}.partial", &digest[7..]));
    let kept = std::fs::metadata(&partial).unwrap().len();
    assert_eq!(kept, proxy.received("GET", &digest), "all it received");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines[lines.len() - 2].starts_with("Error: "),
        "{}",
        r.stderr
    );
    let shown = lines[lines.len() - 1]
        .strip_prefix("Kept ")
        .and_then(|l| {
            l.strip_suffix(" of 8 MB of out/big.bin: run the same command again to resume.")
        })
        .unwrap_or_else(|| panic!("no kept line in:\n{}", r.stderr));
    assert!((parse_size(shown) - kept as f64).abs() / (kept as f64) < 0.01);
    assert!(!r.stderr.contains(".partial"), "{}", r.stderr);
    proxy.clear();
    proxy.reset_records();
    oar(
        dir.path(),
        &["pull", "--plain-http", &reference, "-o", "out"],
    )
    .ok();
    assert_eq!(proxy.received("GET", &digest), 8 * MIB - kept);
    assert_eq!(
        crate::util::sha256_of_file(&dir.join("out/big.bin")),
        digest
    );
}
