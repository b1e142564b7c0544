//! Keeping writes inside their root. Names from manifests and tar entries
//! are untrusted: they are normalised lexically (`a/./b/../c` is `a/c`),
//! refused when absolute or when `..` climbs out, and every existing
//! directory on the way is checked not to be a symbolic link, so that a link
//! planted by an earlier entry or an earlier pull cannot redirect a write.

use std::path::{Component, Path, PathBuf};

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// Empty, `.`, or holding a NUL byte.
    Invalid,
    /// Absolute (`/etc/passwd`, `C:\x`).
    Absolute,
    /// `..` climbs above the root.
    Escapes,
    /// An existing directory on the way is a symbolic link (its path,
    /// relative to the root).
    ThroughSymlink(PathBuf),
}

impl std::fmt::Display for Unsafe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsafe::Invalid => write!(f, "invalid path"),
            Unsafe::Absolute => write!(f, "absolute path"),
            Unsafe::Escapes => write!(f, "path escapes the output directory"),
            Unsafe::ThroughSymlink(p) => {
                write!(f, "path goes through the symbolic link {}", p.display())
            }
        }
    }
}

/// Normalises a slash-separated relative name into its components, refusing
/// absolute names and `..` escapes. `a/../b` is fine; `../b` is not. On
/// Windows a backslash separates components too, so `..\x` escapes there.
pub fn normalize(name: &str) -> Result<PathBuf, Unsafe> {
    normalize_for(name, cfg!(windows))
}

/// [`normalize`] with the separators of Windows (`/` and `\`) or of every
/// other system (`/` only; a backslash is part of a file name).
fn normalize_for(name: &str, windows: bool) -> Result<PathBuf, Unsafe> {
    if name.is_empty() || name.contains('\0') {
        return Err(Unsafe::Invalid);
    }
    if name.starts_with('/')
        || name.starts_with('\\')
        || Path::new(name).is_absolute()
        || has_drive(name)
    {
        return Err(Unsafe::Absolute);
    }
    let mut parts: Vec<&str> = Vec::new();
    let separator = |c: char| c == '/' || (windows && c == '\\');
    for part in name.split(separator) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(Unsafe::Escapes);
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(Unsafe::Invalid);
    }
    Ok(parts.iter().collect())
}

fn has_drive(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Checks that no existing directory between `root` and `root/rel`
/// (exclusive of the last component, which a rename replaces) is a
/// symbolic link.
pub fn check_parents(root: &Path, rel: &Path) -> Result<(), Unsafe> {
    let mut cur = root.to_path_buf();
    let mut shown = PathBuf::new();
    let comps: Vec<Component<'_>> = rel.components().collect();
    for c in comps.iter().take(comps.len().saturating_sub(1)) {
        cur.push(c);
        shown.push(c);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => return Err(Unsafe::ThroughSymlink(shown)),
            Ok(_) => {}
            // Nothing further exists; it will be created as directories.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// [`normalize`] then [`check_parents`]: the path to write `name` to.
pub fn join_inside(root: &Path, name: &str) -> Result<PathBuf, Unsafe> {
    let rel = normalize(name)?;
    check_parents(root, &rel)?;
    Ok(root.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_refuses() {
        assert_eq!(normalize("a/./b/../c").unwrap(), PathBuf::from("a/c"));
        assert_eq!(normalize("dir/").unwrap(), PathBuf::from("dir"));
        assert_eq!(normalize("../x"), Err(Unsafe::Escapes));
        assert_eq!(normalize("a/../../x"), Err(Unsafe::Escapes));
        assert_eq!(normalize("/etc/passwd"), Err(Unsafe::Absolute));
        assert_eq!(normalize("C:/x"), Err(Unsafe::Absolute));
        assert_eq!(normalize("."), Err(Unsafe::Invalid));
        assert_eq!(normalize("a/.."), Err(Unsafe::Invalid));
        assert_eq!(normalize(""), Err(Unsafe::Invalid));
        assert_eq!(normalize("a\0b"), Err(Unsafe::Invalid));
    }

    #[test]
    fn backslashes_separate_on_windows_only() {
        assert_eq!(normalize_for("..\\x", true), Err(Unsafe::Escapes));
        assert_eq!(normalize_for("a\\..\\..\\x", true), Err(Unsafe::Escapes));
        assert_eq!(
            normalize_for("a\\b", true).unwrap(),
            PathBuf::from("a").join("b")
        );
        assert_eq!(normalize_for("a\\b", false).unwrap(), PathBuf::from("a\\b"));
        assert_eq!(normalize_for("\\x", false), Err(Unsafe::Absolute));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinked_parents() {
        let root = std::env::temp_dir().join(format!("oar-pathsafe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink("/tmp", root.join("link")).unwrap();
        assert!(join_inside(&root, "real/file").is_ok());
        assert!(join_inside(&root, "new/dir/file").is_ok());
        assert_eq!(
            join_inside(&root, "link/file"),
            Err(Unsafe::ThroughSymlink(PathBuf::from("link")))
        );
        // The last component may be a link: it is replaced, not followed.
        assert!(join_inside(&root, "link").is_ok());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
