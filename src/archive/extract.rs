//! Unpacking a directory layer into a fresh directory, refusing everything
//! that could reach outside it. Every rule is judged against what the
//! layer has put on disk, never against entry names alone:
//!
//! - entry names must sit under the layer's own name; absolute names and
//!   `..` that climbs out are refused;
//! - the unpacker keeps a tree of what it has made (directories, files,
//!   links). Each entry is written beneath directories of that tree, so an
//!   entry through a link, or under a file, is refused without a system
//!   call, and deep nesting costs one lookup per component;
//! - a symbolic link must resolve inside the root when followed through the
//!   links the layer made: when it is made, and again once the whole layer
//!   is out (a later link can change where an earlier one leads). Absolute
//!   targets, loops and targets longer than a path can be are refused;
//! - a hard link must name a regular file this layer made, which is still a
//!   regular file (not a link that replaced it) when the link is made;
//! - a directory is never replaced by another kind of entry;
//! - devices, fifos, sparse files and other special entries are refused;
//! - every byte of the uncompressed stream counts against a budget (see
//!   [`ExtractLimits`]), and extended headers are capped (see
//!   [`super::tarread`]).
//!
//! Modes lose setuid, setgid and sticky bits and are masked with the
//! process umask; directories keep their owner's `rwx` so the tree can be
//! removed. Directory modes and times are set last, deepest first, through
//! a handle opened on the directory after checking it is still the one
//! made. The uncompressed tar is hashed as it is read and compared with the
//! expected digest when given.

use std::collections::{HashMap, VecDeque};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use super::tarread::{Kind as EntryKind, TarReader};
use crate::digest::{Algorithm, Digest, Hasher, copy_stream};
use crate::error::{Error, Result};
use crate::{fsutil, pathsafe};

/// Bounds on what one layer may unpack to.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExtractLimits {
    /// Most bytes of uncompressed stream (headers, content, padding),
    /// whatever the compressed size.
    pub floor: u64,
    /// Most uncompressed bytes per compressed byte, beyond the floor.
    pub ratio: u64,
    /// Most entries.
    pub entries: u64,
}

impl Default for ExtractLimits {
    /// 64 MiB of content at any size, else 100 times the compressed size,
    /// and a million entries: real directories stay well inside, a gzip
    /// bomb (about 1000:1) does not.
    fn default() -> Self {
        ExtractLimits {
            floor: 64 * 1024 * 1024,
            ratio: 100,
            entries: 1_000_000,
        }
    }
}

impl ExtractLimits {
    /// Allows `ratio` uncompressed bytes per compressed byte beyond the
    /// floor.
    pub fn ratio(mut self, ratio: u64) -> Self {
        self.ratio = ratio;
        self
    }

    /// Allows `bytes` whatever the compressed size.
    pub fn floor(mut self, bytes: u64) -> Self {
        self.floor = bytes;
        self
    }

    /// Allows at most `count` entries.
    pub fn entries(mut self, count: u64) -> Self {
        self.entries = count;
        self
    }
}

/// Links followed while resolving one link target, as Linux allows.
const MAX_HOPS: u32 = 40;

/// Longest link target (Linux refuses longer ones anyway).
const MAX_LINK_TARGET: usize = 4095;

/// Path components looked up while resolving link targets, over the whole
/// layer: a layer of many links into long chains cannot keep the CPU busy.
const MAX_LOOKUPS: u64 = 32 * 1024 * 1024;

/// Hashes what is read through it.
struct HashReader<R> {
    inner: R,
    hasher: Hasher,
}

impl<R: Read> Read for HashReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// A name for messages, shortened when long: a hostile layer may carry
/// names of a megabyte. (Control characters are escaped where messages
/// are printed.)
fn shown(name: &str) -> String {
    const HEAD: usize = 96;
    const TAIL: usize = 32;
    let count = name.chars().count();
    if count <= HEAD + TAIL + 1 {
        return name.to_string();
    }
    let head: String = name.chars().take(HEAD).collect();
    let tail: String = name.chars().skip(count - TAIL).collect();
    format!("{head}…{tail}")
}

fn refuse(name: &str, why: impl std::fmt::Display) -> Error {
    Error::PathTraversal(format!(
        "unsafe entry \"{}\" in directory layer: {why}",
        shown(name)
    ))
}

fn io_at(what: &str, rel: &Path, e: std::io::Error) -> Error {
    Error::io(format!("{what} {}", shown(&rel.to_string_lossy())), e)
}

/// Strips the layer's name (one or more components) from an entry path:
/// `dir/a/b` → `a/b`; the entry `dir/` itself is the root (empty).
fn relative(name: &str, entry: &str) -> Result<PathBuf> {
    let normalized = pathsafe::normalize(entry).map_err(|why| refuse(entry, why))?;
    let prefix = pathsafe::normalize(name).map_err(|why| refuse(entry, why))?;
    normalized
        .strip_prefix(&prefix)
        .map(Path::to_path_buf)
        .map_err(|_| refuse(entry, format!("not under \"{}\"", shown(name))))
}

fn is_absolute(target: &str) -> bool {
    target.starts_with('/')
        || target.starts_with('\\')
        || Path::new(target).is_absolute()
        || pathsafe::normalize(target) == Err(pathsafe::Unsafe::Absolute)
}

#[derive(Debug)]
enum Kind {
    Dir(HashMap<String, usize>),
    File,
    Link(Box<str>),
}

#[derive(Debug)]
struct Node {
    kind: Kind,
    /// For directories: the mode and time to set at the end (`None` for a
    /// time keeps the time of unpacking).
    meta: Option<(u32, Option<u64>)>,
}

/// What the layer has made under the root.
struct Tree<'r> {
    root: &'r Path,
    nodes: Vec<Node>,
    umask: u32,
    lookups: u64,
}

impl<'r> Tree<'r> {
    fn new(root: &'r Path) -> Self {
        Tree {
            root,
            // Without an entry of its own, the root gets `mkdir`'s mode.
            nodes: vec![Node {
                kind: Kind::Dir(HashMap::new()),
                meta: Some((0o777, None)),
            }],
            umask: fsutil::umask(),
            lookups: 0,
        }
    }

    fn child(&self, dir: usize, name: &str) -> Option<usize> {
        match &self.nodes[dir].kind {
            Kind::Dir(children) => children.get(name).copied(),
            _ => None,
        }
    }

    fn add(&mut self, dir: usize, name: &str, kind: Kind) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node { kind, meta: None });
        if let Kind::Dir(children) = &mut self.nodes[dir].kind {
            children.insert(name.to_string(), id);
        }
        id
    }

    fn mkdir(&self, rel: &Path) -> Result<()> {
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            // Private until the layer is complete.
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(self.root.join(rel))
            .map_err(|e| io_at("creating directory", rel, e))
    }

    /// The directory that will hold `rel`, made (with any missing parents)
    /// if needed. Every existing component must be a directory the layer
    /// made: a link or a file on the way is refused.
    fn parent_of(&mut self, entry: &str, rel: &Path) -> Result<usize> {
        let mut dir = 0;
        let mut so_far = PathBuf::new();
        let parts: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap_or("")).collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            so_far.push(part);
            dir = match self.child(dir, part) {
                Some(id) => match self.nodes[id].kind {
                    Kind::Dir(_) => id,
                    Kind::Link(_) => {
                        return Err(refuse(entry, pathsafe::Unsafe::ThroughSymlink(so_far)));
                    }
                    Kind::File => {
                        return Err(refuse(
                            entry,
                            format!("{} is a file, not a directory", so_far.display()),
                        ));
                    }
                },
                None => {
                    self.mkdir(&so_far)?;
                    let id = self.add(dir, part, Kind::Dir(HashMap::new()));
                    // Made on the way: mode as `mkdir -p` would give it.
                    self.nodes[id].meta = Some((0o777, None));
                    id
                }
            };
        }
        Ok(dir)
    }

    /// Clears the place of `rel` (a file or link the layer made) for a new
    /// entry; a directory is never replaced. Returns the node there, if
    /// any.
    fn clear(
        &mut self,
        entry: &str,
        dir: usize,
        rel: &Path,
        keep_dir: bool,
    ) -> Result<Option<usize>> {
        let name = file_name(rel);
        let Some(id) = self.child(dir, name) else {
            return Ok(None);
        };
        match self.nodes[id].kind {
            Kind::Dir(_) if keep_dir => Ok(Some(id)),
            Kind::Dir(_) => Err(refuse(entry, "it would replace a directory")),
            _ => {
                fs::remove_file(self.root.join(rel)).map_err(|e| io_at("replacing", rel, e))?;
                Ok(Some(id))
            }
        }
    }

    fn dir(&mut self, entry: &str, rel: &Path, mode: u32, mtime: u64) -> Result<()> {
        let id = if rel.as_os_str().is_empty() {
            0
        } else {
            let dir = self.parent_of(entry, rel)?;
            match self.clear(entry, dir, rel, true)? {
                Some(id) if matches!(self.nodes[id].kind, Kind::Dir(_)) => id,
                Some(id) => {
                    self.mkdir(rel)?;
                    self.nodes[id].kind = Kind::Dir(HashMap::new());
                    id
                }
                None => {
                    self.mkdir(rel)?;
                    self.add(dir, file_name(rel), Kind::Dir(HashMap::new()))
                }
            }
        };
        self.nodes[id].meta = Some((mode | 0o700, Some(mtime)));
        Ok(())
    }

    fn file(
        &mut self,
        entry: &str,
        rel: &Path,
        content: &mut dyn Read,
        size: u64,
        mode: u32,
        mtime: u64,
    ) -> Result<()> {
        if rel.as_os_str().is_empty() {
            return Err(refuse(entry, "a file in place of the directory"));
        }
        let dir = self.parent_of(entry, rel)?;
        let existing = self.clear(entry, dir, rel, false)?;
        let path = self.root.join(rel);
        let mut f = fsutil::create_new(&path, 0o600, &path)?;
        let n = copy_stream(content, &mut f).map_err(|e| io_at("writing", rel, e))?;
        if n != size {
            return Err(Error::SizeMismatch {
                expected: size,
                actual: n,
            });
        }
        // Through the handle: nothing can be swapped in between.
        self.set_meta(&f, rel, mode, Some(mtime))?;
        self.place(dir, rel, existing, Kind::File);
        Ok(())
    }

    fn symlink(&mut self, entry: &str, rel: &Path, target: &str) -> Result<()> {
        if rel.as_os_str().is_empty() {
            return Err(refuse(entry, "a link in place of the directory"));
        }
        if target.is_empty() {
            return Err(refuse(entry, "symbolic link without a target"));
        }
        if is_absolute(target) {
            return Err(refuse(entry, "link target is absolute"));
        }
        if target.len() > MAX_LINK_TARGET {
            return Err(refuse(entry, "link target is too long"));
        }
        let dir = self.parent_of(entry, rel)?;
        self.check_link(entry, rel, target)?;
        let existing = self.clear(entry, dir, rel, false)?;
        symlink(target, &self.root.join(rel)).map_err(|e| io_at("creating link", rel, e))?;
        self.place(dir, rel, existing, Kind::Link(target.into()));
        Ok(())
    }

    fn hard_link(
        &mut self,
        entry: &str,
        rel: &Path,
        target: &Path,
        shown_target: &str,
    ) -> Result<()> {
        if rel.as_os_str().is_empty() || target == rel || target.as_os_str().is_empty() {
            return Err(refuse(
                entry,
                "a hard link in place of the directory or of itself",
            ));
        }
        let not_a_file = || {
            refuse(
                entry,
                format!(
                    "hard link to \"{}\", not a file of this layer",
                    shown(shown_target)
                ),
            )
        };
        let mut node = 0;
        for part in target.iter() {
            node = self
                .child(node, part.to_str().unwrap_or(""))
                .ok_or_else(not_a_file)?;
        }
        if !matches!(self.nodes[node].kind, Kind::File) {
            return Err(not_a_file());
        }
        let src = self.root.join(target);
        if !fs::symlink_metadata(&src).is_ok_and(|m| m.file_type().is_file()) {
            return Err(not_a_file());
        }
        let dir = self.parent_of(entry, rel)?;
        let existing = self.clear(entry, dir, rel, false)?;
        fs::hard_link(&src, self.root.join(rel)).map_err(|e| io_at("creating link", rel, e))?;
        self.place(dir, rel, existing, Kind::File);
        Ok(())
    }

    fn place(&mut self, dir: usize, rel: &Path, existing: Option<usize>, kind: Kind) {
        match existing {
            Some(id) => self.nodes[id].kind = kind,
            None => {
                self.add(dir, file_name(rel), kind);
            }
        }
    }

    /// Follows `target` from the directory of the link at `rel` through
    /// the links the layer made, refusing a path that climbs above the
    /// root. Parts that do not exist are taken as written.
    fn check_link(&mut self, entry: &str, rel: &Path, target: &str) -> Result<()> {
        // The directories from the root down to the link's own directory;
        // `None` stands for a directory that does not exist (yet).
        let mut stack: Vec<Option<usize>> = Vec::new();
        let mut cur = 0;
        let parts: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap_or("")).collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            cur = self.child(cur, part).unwrap_or(cur);
            stack.push(Some(cur));
        }
        let mut queue: VecDeque<String> = target.split('/').map(str::to_string).collect();
        let mut hops = 0;
        while let Some(part) = queue.pop_front() {
            self.lookups += 1;
            if self.lookups > MAX_LOOKUPS {
                return Err(Error::TooLarge {
                    what: "directory layer (link lookups)".into(),
                    limit: MAX_LOOKUPS,
                });
            }
            match part.as_str() {
                "" | "." => {}
                ".." => {
                    if stack.pop().is_none() {
                        return Err(refuse(
                            entry,
                            format!("link target \"{}\" leaves the directory", shown(target)),
                        ));
                    }
                }
                name => {
                    let here = match stack.last() {
                        None => Some(0),
                        Some(d) => *d,
                    };
                    let next = here.and_then(|d| self.child(d, name));
                    match next.map(|id| &self.nodes[id].kind) {
                        Some(Kind::Link(t)) => {
                            hops += 1;
                            if hops > MAX_HOPS {
                                return Err(refuse(entry, "too many levels of symbolic links"));
                            }
                            for p in t.split('/').rev() {
                                queue.push_front(p.to_string());
                            }
                        }
                        _ => stack.push(next),
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets mode and time through an open handle.
    fn set_meta(&self, f: &File, rel: &Path, mode: u32, mtime: Option<u64>) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = mode & 0o777 & !self.umask;
            f.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(|e| io_at("setting the mode of", rel, e))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        if let Some(t) = mtime {
            // Best effort: some file systems keep no times.
            let _ = f.set_modified(UNIX_EPOCH + Duration::from_secs(t));
        }
        let _ = rel;
        Ok(())
    }

    /// Once every entry is out: checks every link again, then sets the
    /// modes and times of directories, deepest first.
    fn finish(&mut self) -> Result<()> {
        let mut links = Vec::new();
        let mut dirs = Vec::new();
        // Depth-first, with an explicit stack: layers may nest deeply.
        let mut stack: Vec<(usize, PathBuf)> = vec![(0, PathBuf::new())];
        while let Some((id, path)) = stack.pop() {
            match &self.nodes[id].kind {
                Kind::Dir(children) => {
                    for (name, &child) in children {
                        // Files need no second look; only their names
                        // would cost memory here.
                        if !matches!(self.nodes[child].kind, Kind::File) {
                            stack.push((child, path.join(name)));
                        }
                    }
                    if let Some((mode, mtime)) = self.nodes[id].meta {
                        dirs.push((path, mode, mtime));
                    }
                }
                Kind::Link(t) => links.push((path, t.to_string())),
                Kind::File => {}
            }
        }
        for (path, target) in links {
            let name = path.to_string_lossy().into_owned();
            self.check_link(&name, &path, &target)?;
        }
        dirs.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.components().count()));
        for (rel, mode, mtime) in dirs {
            let path = self.root.join(&rel);
            let f = fsutil::open_directory(&path).map_err(|e| io_at("opening", &rel, e))?;
            self.set_meta(&f, &rel, mode, mtime)?;
        }
        Ok(())
    }
}

fn file_name(rel: &Path) -> &str {
    rel.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

#[cfg(unix)]
fn symlink(target: &str, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn symlink(_target: &str, _at: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "symbolic links are not supported here",
    ))
}

/// Unpacks the gzipped tar `gz` (whose entries sit under `name/`) into the
/// existing, empty directory `root`. Verifies the uncompressed digest when
/// `expected` is given. `compressed_size` scales the budget.
pub fn extract(
    gz: &mut dyn Read,
    name: &str,
    root: &Path,
    expected: Option<&Digest>,
    compressed_size: u64,
    limits: &ExtractLimits,
) -> Result<()> {
    let algorithm = expected.map_or(Algorithm::Sha256, Digest::algorithm);
    let hashing = HashReader {
        inner: flate2::read::MultiGzDecoder::new(gz),
        hasher: Hasher::new(algorithm),
    };
    let budget = limits
        .floor
        .max(compressed_size.saturating_mul(limits.ratio));
    let over = |e: super::tarread::TarError| match e {
        super::tarread::TarError::OverBudget => Error::UnpackLimit {
            layer: shown(name),
            ratio: limits.ratio,
            limit: budget,
        },
        other => other.into_error(&shown(name), budget),
    };
    let mut tar = TarReader::new(hashing, budget);
    let mut tree = Tree::new(root);
    let mut count = 0u64;
    while let Some(h) = tar.next_header().map_err(over)? {
        count += 1;
        if count > limits.entries {
            return Err(Error::TooLarge {
                what: "directory layer (entries)".into(),
                limit: limits.entries,
            });
        }
        let rel = relative(name, &h.name)?;
        match h.kind {
            EntryKind::Dir => tree.dir(&h.name, &rel, h.mode, h.mtime)?,
            EntryKind::File => {
                tree.file(&h.name, &rel, &mut tar.content(), h.size, h.mode, h.mtime)?;
            }
            EntryKind::Symlink => tree.symlink(&h.name, &rel, &h.link)?,
            EntryKind::HardLink => {
                if is_absolute(&h.link) {
                    return Err(refuse(&h.name, "link target is absolute"));
                }
                let target = relative(name, &h.link).map_err(|_| {
                    refuse(
                        &h.name,
                        format!(
                            "hard link target \"{}\" is outside the layer",
                            shown(&h.link)
                        ),
                    )
                })?;
                tree.hard_link(&h.name, &rel, &target, &h.link)?;
            }
            other => {
                return Err(refuse(
                    &h.name,
                    format!("{} entries are not allowed", other.describe()),
                ));
            }
        }
    }
    tar.drain().map_err(over)?;
    if let Some(expected) = expected {
        let actual = tar.into_inner().hasher.finish();
        if &actual != expected {
            return Err(Error::DigestMismatch {
                expected: format!("{expected} (uncompressed)"),
                actual: actual.to_string(),
            });
        }
    }
    tree.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_must_be_under_the_layer_name() {
        assert_eq!(relative("d", "d/x/y").unwrap(), PathBuf::from("x/y"));
        assert_eq!(relative("d", "d/").unwrap(), PathBuf::new());
        assert!(relative("d", "other/x").is_err());
        assert!(relative("d", "../d/x").is_err());
        assert!(relative("d", "/d/x").is_err());
        assert!(relative("d", "d/../../x").is_err());
        assert!(relative("d", "dd/x").is_err());
        assert_eq!(relative("a/d", "a/d/x").unwrap(), PathBuf::from("x"));
    }

    #[test]
    fn names_in_messages_are_short_and_escaped() {
        let long = "n".repeat(10_000);
        assert!(shown(&long).chars().count() < 200);
        assert_eq!(shown("plain/ünïcödé.txt"), "plain/ünïcödé.txt");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_through_links_already_made() {
        let root = std::env::temp_dir().join(format!("oar-tree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        let mut t = Tree::new(&root);
        // a/b/up -> ../.. resolves to the root: fine as text and on disk.
        t.symlink("e", Path::new("a/b/up"), "../..").unwrap();
        // Through `up`, two more `..` leave the root, though as text
        // `a/b/up/../../..` would stay inside.
        let err = t
            .symlink("e", Path::new("x"), "a/b/up/../../../etc/passwd")
            .unwrap_err();
        assert!(err.to_string().contains("leaves the directory"), "{err}");
        // A link made later can turn an earlier one outward: caught at
        // the end.
        t.symlink("e", Path::new("y"), "c/d/../../z").unwrap();
        t.symlink("e", Path::new("c"), ".").unwrap();
        assert!(t.finish().is_err());
        // Loops end: the second link closes the loop, seen at the end.
        fs::remove_dir_all(&root).unwrap();
        fs::create_dir_all(&root).unwrap();
        let mut t = Tree::new(&root);
        t.symlink("e", Path::new("l1"), "l2").unwrap();
        t.symlink("e", Path::new("l2"), "l1/x").unwrap();
        let err = t.finish().unwrap_err();
        assert!(err.to_string().contains("too many levels"), "{err}");
        fs::remove_dir_all(&root).unwrap();
    }
}
