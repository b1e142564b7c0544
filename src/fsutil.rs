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
/// credentials, 0644 for layout files): a file the program owns, such as a
/// layout's `index.json`, replaced whatever is at its name (a link there is
/// replaced, never followed). For a path a user named, see
/// [`write_output`].
pub fn write_atomic(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    replace(path, data, mode, None).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// Writes `data` into a new file beside `target` (with `mode` less the
/// umask, or exactly `keep`, the mode of the file it replaces), syncs it,
/// and renames it over `target`. The temporary file is removed on failure; the error is
/// left for the caller to name `target` (or what the user called it), never
/// the temporary name.
fn replace(target: &Path, data: &[u8], mode: u32, keep: Option<u32>) -> io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = temp_path(dir, &stem);
    let result = (|| {
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(mode);
        }
        let mut f = o.open(&tmp)?;
        #[cfg(unix)]
        if let Some(keep) = keep {
            // The kernel masked `mode` with the umask; the replaced file's
            // mode is kept as it was.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(keep))?;
        }
        #[cfg(not(unix))]
        let _ = keep;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    } else {
        sync_dir(dir);
    }
    result
}

/// Where a write to a path a user named (`-o`, `--output`,
/// `--export-manifest`, a `config.json`) lands, judged on what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A new name, or an existing regular file, reached through any
    /// symbolic links at the path (the links are kept): written beside
    /// `file` and renamed over it, so a crash leaves the old file or the
    /// new one, never a torn one.
    Replace {
        /// The file to replace: the path itself, or the final target of
        /// the links at it.
        file: PathBuf,
        /// The permission bits of the file being replaced, which the new
        /// one keeps.
        mode: Option<u32>,
    },
    /// Something that is not a regular file: a character device such as
    /// `/dev/null`, a FIFO, a terminal, `/dev/stdout` (a link through
    /// `/proc` to whatever the process's output is). It is opened and
    /// written in place, never replaced: replacing `/dev/null` with a file
    /// would break every program on the host, and a FIFO's reader would
    /// wait forever.
    InPlace,
}

/// Decides how to write to the path a user named: see [`Output`].
pub fn output_target(path: &Path) -> Output {
    let mut cur = path.to_path_buf();
    // As many hops as Linux follows; past that, opening it reports the
    // loop.
    for _ in 0..40 {
        // The kernel's own links (`/dev/stdout` → `/proc/self/fd/1` → an
        // open pipe, file or terminal) name open files, not places: a
        // rename would miss the file the process already holds open.
        if cur.starts_with("/proc") {
            return Output::InPlace;
        }
        let meta = match fs::symlink_metadata(&cur) {
            Ok(m) => m,
            Err(_) => {
                return Output::Replace {
                    file: cur,
                    mode: None,
                };
            }
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let Ok(target) = fs::read_link(&cur) else {
                return Output::InPlace;
            };
            cur = match cur.parent() {
                Some(dir) => dir.join(target),
                None => target,
            };
            continue;
        }
        if !kind.is_file() {
            return Output::InPlace;
        }
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            Some(meta.permissions().mode() & 0o777)
        };
        #[cfg(not(unix))]
        let mode = None;
        return Output::Replace { file: cur, mode };
    }
    Output::InPlace
}

/// Opens a path that is not a regular file (see [`Output::InPlace`]) for
/// writing in place.
///
/// When it is this process's own standard output or error (`/dev/stdout`,
/// `/proc/self/fd/1`, the terminal it runs on), the descriptor already open
/// is used, so bytes land where the shell expects them: a new open of a
/// file the shell redirected to would write at its own offset, and the
/// shell's next write would overwrite them. Anything else is opened for
/// appending: on a device or a FIFO that changes nothing, and it never
/// overwrites what a file holds.
pub fn open_in_place(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let target = fs::metadata(path)?;
        let _ = io::stdout().flush();
        let std_fds = [
            io::stdout().as_fd().try_clone_to_owned(),
            io::stderr().as_fd().try_clone_to_owned(),
        ];
        for fd in std_fds.into_iter().flatten() {
            let f = File::from(fd);
            if f.metadata()
                .is_ok_and(|m| (m.dev(), m.ino()) == (target.dev(), target.ino()))
            {
                return Ok(f);
            }
        }
    }
    OpenOptions::new().append(true).open(path)
}

/// Writes `data` to a path a user named, as [`output_target`] decides:
/// a regular file (new, existing, or behind links) atomically, anything
/// else in place. The file gets `mode` exactly when it is given (0600 for
/// credentials, whatever the old file had), else an existing file's mode
/// or, for a new one, 0644 less the umask. Errors name `path` as given,
/// and say when an existing file was left as it was.
pub fn write_output(path: &Path, data: &[u8], mode: Option<u32>) -> Result<()> {
    match output_target(path) {
        Output::Replace { file, mode: old } => {
            replace(&file, data, mode.unwrap_or(0o644), mode.or(old)).map_err(|e| {
                let what = match old {
                    Some(_) => format!("writing {} (left as it was)", path.display()),
                    None => format!("writing {}", path.display()),
                };
                Error::io(what, e)
            })
        }
        Output::InPlace => open_in_place(path)
            .and_then(|mut f| f.write_all(data))
            .map_err(|e| Error::io(format!("writing {}", path.display()), e)),
    }
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
