//! Unpacking a directory layer into a fresh directory, refusing everything
//! that could write outside it:
//!
//! - entries that are absolute, or whose `..` climbs out, or that are not
//!   under the layer's own name;
//! - entries written through a symbolic link (one an earlier entry made,
//!   or any other): every existing directory on the way is checked;
//! - symbolic links whose target resolves outside, and absolute ones;
//! - hard links whose target is outside or is not a file extracted earlier;
//! - devices, fifos and other special entries;
//! - more output than the limits allow (a gzip bomb).
//!
//! The uncompressed tar is hashed as it is read and compared with the
//! expected digest when given. Setuid, setgid and sticky bits are dropped.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use crate::digest::{Algorithm, Digest, Hasher, copy_stream};
use crate::error::{Error, Result};
use crate::{fsutil, pathsafe};

/// Bounds on what one layer may unpack to.
#[derive(Debug, Clone)]
pub struct ExtractLimits {
    /// Most bytes of file content, whatever the compressed size.
    pub floor: u64,
    /// Most bytes of file content per compressed byte, beyond the floor.
    pub ratio: u64,
    /// Most entries.
    pub entries: u64,
}

impl Default for ExtractLimits {
    /// 64 MiB of content at any size, else 100 times the compressed size,
    /// and a million entries: real directories stay well inside, a gzip
    /// bomb (about 1000:1) does not. `OAR_UNPACK_RATIO` raises the ratio.
    fn default() -> Self {
        let ratio = std::env::var("OAR_UNPACK_RATIO")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        ExtractLimits {
            floor: 64 * 1024 * 1024,
            ratio,
            entries: 1_000_000,
        }
    }
}

/// Hashes what is read through it.
struct HashReader<R> {
    inner: R,
    hasher: Hasher,
}

impl<R: Read> Read for HashReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

fn refuse(name: &str, why: impl std::fmt::Display) -> Error {
    Error::PathTraversal(format!("unsafe entry {name:?} in directory layer: {why}"))
}

/// Strips the layer's name (one or more components) from an entry path:
/// `dir/a/b` → `a/b`; the entry `dir/` itself is the root (empty).
fn relative(name: &str, entry: &str, path: &Path) -> Result<PathBuf> {
    let normalized =
        pathsafe::normalize(&path.to_string_lossy()).map_err(|why| refuse(entry, why))?;
    let prefix = pathsafe::normalize(name).map_err(|why| refuse(entry, why))?;
    normalized
        .strip_prefix(&prefix)
        .map(Path::to_path_buf)
        .map_err(|_| refuse(entry, format!("not under {name:?}")))
}

/// The target of a link entry, as a path relative to the extraction root,
/// after checking it stays inside. Relative symlink targets resolve from
/// the link's directory; hard link targets are archive paths.
fn link_target(name: &str, entry: &str, rel: &Path, target: &Path, hard: bool) -> Result<PathBuf> {
    let t = target.to_string_lossy();
    if target.is_absolute() || t.starts_with('/') {
        return Err(refuse(entry, "link target is absolute"));
    }
    if hard {
        return relative(name, entry, target);
    }
    let base = rel.parent().unwrap_or(Path::new(""));
    let joined = base.join(target);
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(refuse(
                        entry,
                        format!("link target {t:?} leaves the directory"),
                    ));
                }
            }
            Component::CurDir => {}
            _ => return Err(refuse(entry, "link target is absolute")),
        }
    }
    Ok(parts.iter().collect())
}

/// Removes whatever is at `path` (a file or a link, never following it) so
/// a new entry can take its place. A directory is kept when the new entry is
/// one too.
fn clear(path: &Path, keep_dir: bool) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() && keep_dir => Ok(()),
        Ok(m) if m.is_dir() => fs::remove_dir_all(path)
            .map_err(|e| Error::io(format!("replacing {}", path.display()), e)),
        Ok(_) => fsutil::remove_if_exists(path),
        Err(_) => Ok(()),
    }
}

fn set_mtime(path: &Path, secs: u64) {
    if let Ok(f) = fs::File::open(path) {
        let _ = f.set_modified(UNIX_EPOCH + Duration::from_secs(secs));
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o777))
        .map_err(|e| Error::io(format!("setting the mode of {}", path.display()), e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, at: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _at: &Path) -> io::Result<()> {
    Err(io::Error::other("symbolic links are not supported here"))
}

/// Unpacks the gzipped tar `gz` (whose entries sit under `name/`) into the
/// existing, empty directory `root`. Verifies the uncompressed digest when
/// `expected` is given. `compressed_size` scales the output limit.
pub fn extract(
    gz: &mut dyn Read,
    name: &str,
    root: &Path,
    expected: Option<&Digest>,
    compressed_size: u64,
    limits: &ExtractLimits,
) -> Result<()> {
    let algorithm = expected.map_or(Algorithm::Sha256, Digest::algorithm);
    let decoder = flate2::read::MultiGzDecoder::new(gz);
    let mut hashing = HashReader {
        inner: decoder,
        hasher: Hasher::new(algorithm),
    };
    let budget = limits
        .floor
        .max(compressed_size.saturating_mul(limits.ratio));
    let mut written = 0u64;
    let mut count = 0u64;
    let mut files: HashSet<PathBuf> = HashSet::new();
    let mut dirs: Vec<(PathBuf, u32, u64)> = Vec::new();
    {
        let mut archive = tar::Archive::new(&mut hashing);
        let entries = archive
            .entries()
            .map_err(|e| Error::io("reading the directory layer", e))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| Error::io("reading the directory layer", e))?;
            count += 1;
            if count > limits.entries {
                return Err(Error::TooLarge {
                    what: "directory layer (entries)".into(),
                    limit: limits.entries,
                });
            }
            let raw = entry
                .path()
                .map_err(|e| Error::io("reading an entry name", e))?
                .into_owned();
            let shown = raw.to_string_lossy().into_owned();
            let rel = relative(name, &shown, &raw)?;
            let path = root.join(&rel);
            if !rel.as_os_str().is_empty() {
                pathsafe::check_parents(root, &rel).map_err(|why| refuse(&shown, why))?;
            }
            let header = entry.header();
            let mode = header.mode().unwrap_or(0o644);
            let mtime = header.mtime().unwrap_or(0);
            let kind = header.entry_type();
            match kind {
                tar::EntryType::Directory => {
                    if !rel.as_os_str().is_empty() {
                        clear(&path, true)?;
                        fsutil::ensure_dir(&path)?;
                    }
                    dirs.push((path, mode, mtime));
                }
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    if rel.as_os_str().is_empty() {
                        return Err(refuse(&shown, "a file in place of the directory"));
                    }
                    let size = entry.size();
                    written = written.saturating_add(size);
                    if written > budget {
                        return Err(Error::TooLarge {
                            what: format!(
                                "directory layer {name} (unpacked content; a compression ratio over {}:1, set OAR_UNPACK_RATIO to allow more)",
                                limits.ratio
                            ),
                            limit: budget,
                        });
                    }
                    clear(&path, false)?;
                    let mut f = fsutil::create_new(&path, 0o600)?;
                    let n = copy_stream(&mut entry, &mut f)
                        .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
                    if n != size {
                        return Err(Error::SizeMismatch {
                            expected: size,
                            actual: n,
                        });
                    }
                    drop(f);
                    set_mode(&path, mode)?;
                    set_mtime(&path, mtime);
                    files.insert(rel);
                }
                tar::EntryType::Symlink => {
                    let target = entry
                        .link_name()
                        .map_err(|e| Error::io("reading a link target", e))?
                        .ok_or_else(|| refuse(&shown, "symbolic link without a target"))?
                        .into_owned();
                    link_target(name, &shown, &rel, &target, false)?;
                    if rel.as_os_str().is_empty() {
                        return Err(refuse(&shown, "a link in place of the directory"));
                    }
                    clear(&path, false)?;
                    symlink(&target, &path)
                        .map_err(|e| Error::io(format!("creating link {}", path.display()), e))?;
                }
                tar::EntryType::Link => {
                    let target = entry
                        .link_name()
                        .map_err(|e| Error::io("reading a link target", e))?
                        .ok_or_else(|| refuse(&shown, "hard link without a target"))?
                        .into_owned();
                    let t = link_target(name, &shown, &rel, &target, true)?;
                    if !files.contains(&t) {
                        return Err(refuse(
                            &shown,
                            format!("hard link to {:?}, not a file of this layer", target),
                        ));
                    }
                    pathsafe::check_parents(root, &t).map_err(|why| refuse(&shown, why))?;
                    clear(&path, false)?;
                    fs::hard_link(root.join(&t), &path)
                        .map_err(|e| Error::io(format!("creating link {}", path.display()), e))?;
                    files.insert(rel);
                }
                // Metadata records the tar reader has already applied.
                tar::EntryType::XGlobalHeader
                | tar::EntryType::XHeader
                | tar::EntryType::GNULongName
                | tar::EntryType::GNULongLink => {}
                other => {
                    return Err(refuse(&shown, format!("{other:?} entries are not allowed")));
                }
            }
        }
    }
    // Trailing bytes after the tar end (padding) count for the digest.
    io::copy(&mut hashing, &mut io::sink())
        .map_err(|e| Error::io("reading the directory layer", e))?;
    if let Some(expected) = expected {
        let actual = hashing.hasher.clone().finish();
        if &actual != expected {
            return Err(Error::DigestMismatch {
                expected: format!("{expected} (uncompressed)"),
                actual: actual.to_string(),
            });
        }
    }
    // Directory modes and times last: a read-only directory must not stop
    // its own entries from being written.
    for (path, mode, mtime) in dirs.into_iter().rev() {
        set_mode(&path, mode | 0o700)?;
        set_mtime(&path, mtime);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_stay_inside() {
        let rel = Path::new("a/link");
        assert_eq!(
            link_target("d", "e", rel, Path::new("../b"), false).unwrap(),
            PathBuf::from("b")
        );
        assert!(link_target("d", "e", rel, Path::new("../../x"), false).is_err());
        assert!(link_target("d", "e", rel, Path::new("/etc/passwd"), false).is_err());
        assert_eq!(
            link_target("d", "e", rel, Path::new("d/a/f"), true).unwrap(),
            PathBuf::from("a/f")
        );
        assert!(link_target("d", "e", rel, Path::new("other/f"), true).is_err());
    }

    #[test]
    fn entries_must_be_under_the_layer_name() {
        assert_eq!(
            relative("d", "e", Path::new("d/x/y")).unwrap(),
            PathBuf::from("x/y")
        );
        assert_eq!(relative("d", "e", Path::new("d/")).unwrap(), PathBuf::new());
        assert!(relative("d", "e", Path::new("other/x")).is_err());
        assert!(relative("d", "e", Path::new("../d/x")).is_err());
        assert!(relative("d", "e", Path::new("/d/x")).is_err());
        assert!(relative("d", "e", Path::new("d/../../x")).is_err());
        assert!(relative("d", "e", Path::new("dd/x")).is_err());
        assert_eq!(
            relative("a/d", "e", Path::new("a/d/x")).unwrap(),
            PathBuf::from("x")
        );
    }
}
