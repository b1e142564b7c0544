//! File-system helpers shared by every writer: unique temporary names beside
//! a target, atomic replacement (write, fsync, rename, fsync the directory)
//! so that a crash leaves either the old file or the new one, never a torn
//! one, opening files without following links planted in their place, and
//! the process's umask and user (which std does not expose safely).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name for a temporary file in `dir`, unique to this process and call:
/// `.<stem>.<pid>.<n>.tmp`. Dot-prefixed so listings skip it.
pub fn temp_path(dir: &Path, stem: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{stem}.{}.{n}.tmp", std::process::id()))
}

/// Creates a new file that must not exist yet, with `mode` on Unix.
pub fn create_new(path: &Path, mode: u32) -> Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    o.open(path)
        .map_err(|e| Error::io(format!("creating {}", path.display()), e))
}

/// Flushes a directory entry to disk after a rename. Best effort: some file
/// systems refuse to open directories for syncing.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Renames `from` to `to` and makes the rename durable.
pub fn commit(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|e| {
        let _ = fs::remove_file(from);
        Error::io(format!("renaming into {}", to.display()), e)
    })?;
    if let Some(parent) = to.parent() {
        sync_dir(parent);
    }
    Ok(())
}

/// Writes `data` to `path` atomically with permissions `mode` (0600 for
/// credentials, 0644 for layout files).
pub fn write_atomic(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = temp_path(dir, &stem);
    let result = (|| {
        let mut f = create_new(&tmp, mode)?;
        f.write_all(data)
            .map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
        f.sync_all()
            .map_err(|e| Error::io(format!("syncing {}", tmp.display()), e))?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    commit(&tmp, path)
}

/// Where a write to `path` should land so that a symbolic link at `path`
/// is kept: the link's final target (followed through further links, even
/// when it does not exist yet), or `path` itself when it is not a link.
pub fn through_links(path: &Path) -> PathBuf {
    let mut cur = path.to_path_buf();
    // As many hops as Linux follows.
    for _ in 0..40 {
        match fs::read_link(&cur) {
            Ok(target) => {
                cur = match cur.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                }
            }
            Err(_) => return cur,
        }
    }
    cur
}

/// `create_dir_all` with a message naming the directory.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating directory {}", dir.display()), e))
}

/// Removes a file if it exists, ignoring "not found".
pub fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("removing {}", path.display()), e)),
    }
}

/// Opens the regular file at `path` with `opts` (which must not create),
/// refusing a symbolic link or anything else in its place: the file is
/// checked with `lstat` before it is opened, and the opened file must be
/// the one that was checked (same device and inode), so a link swapped in
/// between is caught too.
pub fn open_regular(path: &Path, opts: &OpenOptions) -> io::Result<File> {
    open_checked(path, opts, fs::FileType::is_file, "not a regular file")
}

/// Opens the directory at `path` for reading (to set its mode and times
/// through the handle), with the checks of [`open_regular`].
pub fn open_directory(path: &Path) -> io::Result<File> {
    open_checked(
        path,
        OpenOptions::new().read(true),
        fs::FileType::is_dir,
        "not a directory",
    )
}

fn open_checked(
    path: &Path,
    opts: &OpenOptions,
    expected: fn(&fs::FileType) -> bool,
    what: &str,
) -> io::Result<File> {
    let before = fs::symlink_metadata(path)?;
    if !expected(&before.file_type()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            what.to_string(),
        ));
    }
    let f = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let after = f.metadata()?;
        if (before.dev(), before.ino()) != (after.dev(), after.ino()) {
            return Err(io::Error::other("it was replaced while being opened"));
        }
    }
    Ok(f)
}

/// What `/proc/self/status` says of this process, or a probe directory
/// made in the temporary directory when there is no `/proc`: the user
/// that owns new files, and the umask.
struct Identity {
    uid: Option<u32>,
    umask: u32,
}

fn identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| {
        let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.split_whitespace().collect::<Vec<_>>())
        };
        // The fourth Uid value is the file-system user, the owner of what
        // this process creates.
        let uid = field("Uid:").and_then(|v| v.get(3).and_then(|u| u.parse().ok()));
        let umask = field("Umask:").and_then(|v| u32::from_str_radix(v.first()?, 8).ok());
        match (uid, umask) {
            (Some(uid), Some(umask)) => Identity {
                uid: Some(uid),
                umask,
            },
            _ => probe_identity(),
        }
    })
}

#[cfg(unix)]
fn probe_identity() -> Identity {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let probe = temp_path(&std::env::temp_dir(), "oar-probe");
    let made = fs::DirBuilder::new().mode(0o777).create(&probe);
    let meta = made.and_then(|()| fs::symlink_metadata(&probe));
    let _ = fs::remove_dir(&probe);
    match meta {
        Ok(m) => Identity {
            uid: Some(m.uid()),
            umask: !m.permissions().mode() & 0o777,
        },
        // Nowhere to probe: assume the common default, and trust no owner.
        Err(_) => Identity {
            uid: None,
            umask: 0o022,
        },
    }
}

#[cfg(not(unix))]
fn probe_identity() -> Identity {
    Identity {
        uid: None,
        umask: 0,
    }
}

/// The process umask: permission bits that newly made files and
/// directories never get. Modes taken from an archive are masked with it,
/// as Go's `OpenFile` and `MkdirAll` (through the kernel) do.
pub fn umask() -> u32 {
    identity().umask
}

/// The user that owns files this process creates, when it can be found.
pub fn current_uid() -> Option<u32> {
    identity().uid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_sets_mode() {
        let dir = std::env::temp_dir().join(format!("oar-fsutil-{}", std::process::id()));
        ensure_dir(&dir).unwrap();
        let p = dir.join("config.json");
        write_atomic(&p, b"one", 0o600).unwrap();
        write_atomic(&p, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).collect();
        assert_eq!(leftovers.len(), 1, "no temporary files remain");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn identity_matches_what_the_kernel_applies() {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
        let dir = std::env::temp_dir().join(format!("oar-ident-{}", std::process::id()));
        ensure_dir(&dir).unwrap();
        let p = dir.join("f");
        let f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o777)
            .open(&p)
            .unwrap();
        let m = f.metadata().unwrap();
        assert_eq!(m.permissions().mode() & 0o777, 0o777 & !umask());
        assert_eq!(Some(m.uid()), current_uid());
        let probed = probe_identity();
        assert_eq!((probed.uid, probed.umask), (current_uid(), umask()));
        // open_regular refuses a link in the file's place.
        std::os::unix::fs::symlink(&p, dir.join("l")).unwrap();
        let read = OpenOptions::new().read(true).clone();
        assert!(open_regular(&p, &read).is_ok());
        assert!(open_regular(&dir.join("l"), &read).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
