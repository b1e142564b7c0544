//! Where blobs were last seen: a small, bounded, crash-safe record of
//! which repositories of which registry hold which digests, so that a
//! blob the registry already has elsewhere is mounted
//! (`POST …/blobs/uploads/?mount=<digest>&from=<repo>`) instead of sent
//! again — skopeo's blob-info cache, for oar.
//!
//! It holds registry origins, digests and repository names, never
//! credentials. A wrong or stale entry costs one refused mount (the
//! registry then opens an upload session, which is used): the registry
//! checks the digest, so a mount can never give a wrong blob.
//!
//! The file is one line per entry, `<origin> <digest> <repository>`,
//! newest last, at most [`MAX_ENTRIES`] blobs. It is read once, when the
//! first registry of a process wants it (in time linear in its lines; of
//! a file past [`MAX_FILE`] only the newest lines, its tail, are read),
//! and written back atomically
//! (temporary file, then rename) when the record is dropped, merged with
//! what other processes wrote meanwhile; a crash loses the new entries,
//! never the file.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::digest::Digest;
use crate::fsutil;

/// Most entries kept (the oldest go first): about 2 MiB of file.
pub const MAX_ENTRIES: usize = 20_000;

/// Most repositories remembered per blob.
const PER_BLOB: usize = 4;

/// Most of the file read: past it, only its last `MAX_FILE` bytes (the
/// newest entries) are read.
pub const MAX_FILE: u64 = 4 << 20;

/// `(origin, digest)`.
type Key = (String, String);

/// A blob's repositories, newest last, and when it was last seen (its
/// place in [`State::order`], from 1).
#[derive(Debug, Default)]
struct Seen {
    repos: Vec<String>,
    at: u64,
}

/// The record of where blobs were seen, shared by the registries of a
/// process.
#[derive(Debug)]
pub struct BlobLocations {
    path: PathBuf,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    table: HashMap<Key, Seen>,
    /// Keys by when they were last seen, for eviction (oldest first):
    /// moving a key or dropping the oldest is a logarithmic step, so a
    /// load is linear in the lines, however many.
    order: BTreeMap<u64, Key>,
    next: u64,
    loaded: bool,
    changed: bool,
}

impl State {
    fn add(&mut self, origin: &str, digest: &str, repo: &str) {
        let key = (origin.to_string(), digest.to_string());
        let seen = self.table.entry(key.clone()).or_default();
        if seen.repos.last().map(String::as_str) == Some(repo) {
            return;
        }
        seen.repos.retain(|r| r != repo);
        seen.repos.push(repo.to_string());
        if seen.repos.len() > PER_BLOB {
            seen.repos.remove(0);
        }
        // Places count from 1: a new entry's 0 is in no place yet.
        self.order.remove(&seen.at);
        self.next += 1;
        seen.at = self.next;
        self.order.insert(seen.at, key);
        while self.order.len() > MAX_ENTRIES {
            if let Some((_, old)) = self.order.pop_first() {
                self.table.remove(&old);
            }
        }
        self.changed = true;
    }

    fn merge_text(&mut self, text: &str) {
        for line in text.lines() {
            let mut parts = line.split(' ');
            if let (Some(o), Some(d), Some(r), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
                && Digest::parse(d).is_ok()
                && !o.is_empty()
                && !r.is_empty()
            {
                self.add(o, d, r);
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for key in self.order.values() {
            for repo in self.table.get(key).into_iter().flat_map(|s| &s.repos) {
                out.push_str(&format!("{} {} {repo}\n", key.0, key.1));
            }
        }
        out
    }
}

/// Reads the file, bounded: of a longer one, its last [`MAX_FILE`]
/// bytes, from the first whole line (the newest entries are last).
/// Missing or unreadable reads as empty; damaged lines are skipped later.
fn read_file(path: &Path) -> String {
    let Ok(mut f) = std::fs::File::open(path) else {
        return String::new();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let tail = len > MAX_FILE;
    if tail && f.seek(SeekFrom::Start(len - MAX_FILE)).is_err() {
        return String::new();
    }
    let mut bytes = Vec::new();
    if f.take(MAX_FILE).read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    match (tail, text.split_once('\n')) {
        (true, Some((_cut, rest))) => rest.to_string(),
        (true, None) => String::new(),
        (false, _) => text.into_owned(),
    }
}

impl BlobLocations {
    /// The record kept in the file at `path` (created when first saved).
    pub fn new(path: impl Into<PathBuf>) -> BlobLocations {
        BlobLocations {
            path: path.into(),
            state: Mutex::new(State::default()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !s.loaded {
            s.loaded = true;
            let text = read_file(&self.path);
            s.merge_text(&text);
            s.changed = false;
        }
        f(&mut s)
    }

    /// Notes that repository `repo` of the registry at `origin` holds
    /// `digest`.
    pub fn seen(&self, origin: &str, digest: &Digest, repo: &str) {
        self.with(|s| s.add(origin, &digest.to_string(), repo));
    }

    /// Repositories of `origin` known to hold `digest`, newest first,
    /// other than `except`.
    pub fn holders(&self, origin: &str, digest: &Digest, except: &str) -> Vec<String> {
        self.with(|s| {
            s.table
                .get(&(origin.to_string(), digest.to_string()))
                .map(|seen| {
                    seen.repos
                        .iter()
                        .rev()
                        .filter(|r| *r != except)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// Writes the record back if it changed: merged with the file as it is
    /// now, then replaced atomically (mode 0600).
    pub fn save(&self) -> crate::Result<()> {
        let text = {
            let mut s = self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !s.changed {
                return Ok(());
            }
            // What others wrote since comes first; ours stays newest.
            let mut merged = State::default();
            merged.merge_text(&read_file(&self.path));
            merged.merge_text(&s.text());
            s.changed = false;
            merged.text()
        };
        if let Some(dir) = self.path.parent() {
            fsutil::ensure_dir(dir)?;
        }
        fsutil::write_atomic(&self.path, text.as_bytes(), 0o600)
    }
}

impl Drop for BlobLocations {
    fn drop(&mut self) {
        // Best effort: a record that cannot be saved costs uploads later,
        // never a failed command.
        let _ = self.save();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> Digest {
        Digest::sha256(&[n])
    }

    #[test]
    fn remembers_newest_first_bounded_and_survives_a_round_trip() {
        let dir = std::env::temp_dir().join(format!("oar-locations-{}", std::process::id()));
        let path = dir.join("blob-locations");
        let l = BlobLocations::new(&path);
        for repo in ["a", "b", "c", "d", "e"] {
            l.seen("http://r", &d(1), repo);
        }
        assert_eq!(l.holders("http://r", &d(1), "e"), ["d", "c", "b"]);
        assert!(l.holders("http://other", &d(1), "").is_empty());
        l.save().unwrap();
        // Another process added an entry meanwhile: both are kept.
        let other = BlobLocations::new(&path);
        other.seen("http://r", &d(2), "x");
        drop(other);
        l.seen("http://r", &d(3), "y");
        drop(l);
        let again = BlobLocations::new(&path);
        assert_eq!(again.holders("http://r", &d(1), ""), ["e", "d", "c", "b"]);
        assert_eq!(again.holders("http://r", &d(2), ""), ["x"]);
        assert_eq!(again.holders("http://r", &d(3), ""), ["y"]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("Basic") && text.lines().all(|l| l.split(' ').count() == 3));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_record_past_the_read_cap_keeps_its_newest_entries() {
        let dir = std::env::temp_dir().join(format!("oar-locations-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("blob-locations");
        let mut text = String::new();
        let mut i = 0u64;
        while (text.len() as u64) < MAX_FILE + (1 << 20) {
            text.push_str(&format!("http://r sha256:{i:064x} repo-{i}\n"));
            i += 1;
        }
        std::fs::write(&path, &text).unwrap();
        let l = BlobLocations::new(&path);
        let newest = Digest::parse(&format!("sha256:{:064x}", i - 1)).unwrap();
        assert_eq!(
            l.holders("http://r", &newest, ""),
            [format!("repo-{}", i - 1)]
        );
        let oldest = Digest::parse(&format!("sha256:{:064x}", 0)).unwrap();
        assert!(l.holders("http://r", &oldest, "").is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_record_of_exactly_the_read_cap_is_read_whole() {
        let dir = std::env::temp_dir().join(format!("oar-locations-cap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("blob-locations");
        // Its first line is an entry; damaged lines fill it to the cap.
        let mut text = format!("http://r {} first\n", d(7));
        while (text.len() as u64) < MAX_FILE {
            let n = (MAX_FILE - text.len() as u64).clamp(1, 100) as usize;
            text.push_str(&"x".repeat(n - 1));
            text.push('\n');
        }
        assert_eq!(text.len() as u64, MAX_FILE);
        std::fs::write(&path, &text).unwrap();
        let l = BlobLocations::new(&path);
        assert_eq!(l.holders("http://r", &d(7), ""), ["first"]);
        drop(l);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damaged_lines_are_ignored_and_entries_are_bounded() {
        let mut s = State::default();
        s.merge_text("garbage\nhttp://r notadigest repo\n\nhttp://r sha256:00 x y z\n");
        assert!(s.table.is_empty());
        for i in 0..(MAX_ENTRIES + 10) {
            s.add("http://r", &format!("sha256:{i:064x}"), "repo");
        }
        assert_eq!(s.order.len(), MAX_ENTRIES);
        assert!(
            !s.table
                .contains_key(&("http://r".into(), format!("sha256:{:064x}", 0)))
        );
    }
}
