//! A sandbox for unpacking hostile directory layers, and the oracle that
//! judges what they left. The extraction root sits levels deep, with a
//! canary file and a canary directory beside it at every level: an entry
//! that climbs out lands next to one of them, or writes through a link
//! into one. Symbolic links under the root are followed the way the
//! kernel follows them, through the links on disk, so a link that leads
//! out is seen even when it dangles.
//!
//! Shared with the fuzz targets (`tests/fuzz`, by path), so it uses the
//! standard library only.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What every canary file holds.
const CANARY: &[u8] = b"canary: nothing may write here\n";

/// Links followed while resolving one link before it counts as a loop:
/// far past any real chain (Linux stops at 40), so only a true loop
/// reaches it.
const MAX_HOPS: u32 = 1000;

/// The levels around an extraction root.
pub struct Sandbox {
    /// The outermost level, removed by [`Sandbox::remove`].
    pub base: PathBuf,
    levels: Vec<PathBuf>,
    /// The extraction root, `depth` levels below `base`.
    pub root: PathBuf,
}

impl Sandbox {
    /// Builds `base/l1/…/l<depth>/root` (removing whatever was at `base`)
    /// with a canary file and directory at every level.
    pub fn new(base: &Path, depth: usize) -> Sandbox {
        let _ = fs::remove_dir_all(base);
        let mut levels = vec![base.to_path_buf()];
        for i in 1..=depth {
            let next = levels[i - 1].join(format!("l{i}"));
            levels.push(next);
        }
        let root = levels[depth].join("root");
        fs::create_dir_all(&root).unwrap();
        for level in &levels {
            fs::write(level.join("canary"), CANARY).unwrap();
            fs::create_dir(level.join("canary-dir")).unwrap();
        }
        Sandbox {
            base: base.to_path_buf(),
            levels,
            root,
        }
    }

    /// Panics unless every level holds just what was planted: its canary
    /// file (same bytes, no other name), its empty canary directory, and
    /// the next level (or the root).
    pub fn assert_untouched(&self) {
        for (i, level) in self.levels.iter().enumerate() {
            let inner = match self.levels.get(i + 1) {
                Some(next) => next.file_name().unwrap().to_owned(),
                None => "root".into(),
            };
            let mut names: Vec<_> = fs::read_dir(level)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            let mut want = vec!["canary".into(), "canary-dir".into(), inner];
            want.sort();
            assert_eq!(
                names,
                want,
                "{}: something was written here",
                level.display()
            );
            let canary = level.join("canary");
            let m = fs::symlink_metadata(&canary).unwrap();
            assert!(
                m.is_file() && m.nlink() == 1,
                "{}: replaced or linked",
                canary.display()
            );
            assert_eq!(
                fs::read(&canary).unwrap(),
                CANARY,
                "{}: written",
                canary.display()
            );
            let dir = level.join("canary-dir");
            assert!(
                fs::symlink_metadata(&dir).unwrap().is_dir()
                    && fs::read_dir(&dir).unwrap().next().is_none(),
                "{}: written into",
                dir.display()
            );
        }
    }

    /// Removes the whole sandbox.
    pub fn remove(&self) {
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// Panics unless every symbolic link under `root` (not following links
/// while walking) leads to a place inside `root` when followed, dangling
/// or not, and ends.
pub fn assert_links_stay_inside(root: &Path) {
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in fs::read_dir(root.join(&rel)).unwrap() {
            let e = e.unwrap();
            let rel = rel.join(e.file_name());
            let m = fs::symlink_metadata(root.join(&rel)).unwrap();
            if m.file_type().is_symlink() {
                if let Err(why) = follow(root, &rel) {
                    panic!("{}: {why}", rel.display());
                }
            } else if m.is_dir() {
                stack.push(rel);
            }
        }
    }
}

/// Follows the link at `rel` (relative to `root`) one name at a time:
/// links on disk are followed, `..` climbs the path so far, and names
/// that do not exist are taken as written.
fn follow(root: &Path, rel: &Path) -> Result<(), String> {
    let mut here: Vec<String> = rel
        .parent()
        .unwrap_or(Path::new(""))
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let target = fs::read_link(root.join(rel)).unwrap();
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut hops = 0;
    push_target(&mut queue, &target)?;
    while let Some(part) = queue.pop_front() {
        match part.as_str() {
            "" | "." => {}
            ".." => {
                if here.pop().is_none() {
                    return Err(format!(
                        "leads out of the root (target {})",
                        target.display()
                    ));
                }
            }
            name => {
                here.push(name.to_string());
                let on_disk: PathBuf = here.iter().collect();
                let path = root.join(&on_disk);
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    hops += 1;
                    if hops > MAX_HOPS {
                        return Err("is a link loop".into());
                    }
                    here.pop();
                    let next = fs::read_link(&path).unwrap();
                    let mut rest = VecDeque::new();
                    push_target(&mut rest, &next)?;
                    rest.append(&mut queue);
                    queue = rest;
                }
            }
        }
    }
    Ok(())
}

/// Queues the names of a link target; an absolute target leads out.
fn push_target(queue: &mut VecDeque<String>, target: &Path) -> Result<(), String> {
    if target.is_absolute() {
        return Err(format!("has an absolute target {}", target.display()));
    }
    queue.extend(target.iter().map(|c| c.to_string_lossy().into_owned()));
    Ok(())
}
