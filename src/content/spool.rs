//! Small documents (manifests, indexes) set aside while a stream goes
//! by, kept in an unnamed temporary file rather than in memory: a backup
//! writes its manifests after all the blobs, and a restore or check of a
//! stream reads all the manifests before it knows which ones it needs.
//! Memory holds only where each document lies, however many there are.
//!
//! The file is removed from its directory as soon as it is created, so
//! nothing is left behind whatever happens to the process; it is created
//! mode 0600, so that no other user can read it in the moment it has a
//! name (the system's temporary directory is shared).

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
#[cfg(unix)]
use std::os::unix::fs::FileExt;

use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::error::{Error, Missing, Result};
use crate::fsutil;
use crate::manifest::MAX_MANIFEST_SIZE;

/// Documents by digest, in the order they were put.
pub(crate) struct Spool {
    file: File,
    len: u64,
    at: HashMap<Digest, (u64, u64)>,
    order: Vec<Descriptor>,
}

impl Spool {
    /// An empty spool in the system's temporary directory.
    pub(crate) fn new() -> Result<Spool> {
        let dir = std::env::temp_dir();
        let path = fsutil::temp_path(&dir, "oar-spool");
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&path)
            .map_err(|e| Error::io(format!("creating {}", path.display()), e))?;
        // The open handle keeps the content; the name goes now.
        let _ = std::fs::remove_file(&path);
        Ok(Spool {
            file,
            len: 0,
            at: HashMap::new(),
            order: Vec::new(),
        })
    }

    /// Keeps `bytes` (at most [`MAX_MANIFEST_SIZE`]) as `desc`; content
    /// already held is not kept twice.
    pub(crate) fn put(&mut self, desc: &Descriptor, bytes: &[u8]) -> Result<()> {
        if self.at.contains_key(&desc.digest) {
            return Ok(());
        }
        if bytes.len() as u64 > MAX_MANIFEST_SIZE {
            return Err(Error::TooLarge {
                what: format!("{} {}", desc.media_type, desc.digest),
                limit: MAX_MANIFEST_SIZE,
            });
        }
        self.file
            .write_all(bytes)
            .map_err(|e| Error::io("writing the spool file", e))?;
        self.at
            .insert(desc.digest.clone(), (self.len, bytes.len() as u64));
        self.len += bytes.len() as u64;
        self.order.push(desc.clone());
        Ok(())
    }

    /// True when `digest` is held.
    pub(crate) fn contains(&self, digest: &Digest) -> bool {
        self.at.contains_key(digest)
    }

    /// The size of what is held as `digest`.
    pub(crate) fn size_of(&self, digest: &Digest) -> Option<u64> {
        self.at.get(digest).map(|(_, n)| *n)
    }

    /// The documents held, in the order they were put.
    pub(crate) fn descriptors(&self) -> &[Descriptor] {
        &self.order
    }

    /// The bytes held as `digest`.
    pub(crate) fn get(&self, digest: &Digest) -> Result<Vec<u8>> {
        let (at, n) = *self
            .at
            .get(digest)
            .ok_or_else(|| Error::not_found(Missing::Content, digest.to_string()))?;
        let mut buf = vec![0u8; n as usize];
        read_at(&self.file, &mut buf, at).map_err(|e| Error::io("reading the spool file", e))?;
        Ok(buf)
    }
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    f.read_exact_at(buf, at)
}

#[cfg(not(unix))]
fn read_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    // The clone shares the cursor that writes append at: put it back.
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(at))?;
    let read = f.read_exact(buf);
    f.seek(SeekFrom::End(0))?;
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_documents_in_a_file() {
        let mut s = Spool::new().unwrap();
        let a = Descriptor::from_bytes("a/b", b"one");
        let b = Descriptor::from_bytes("a/b", b"two!");
        s.put(&a, b"one").unwrap();
        s.put(&b, b"two!").unwrap();
        s.put(&a, b"one").unwrap();
        assert_eq!(s.get(&b.digest).unwrap(), b"two!");
        assert_eq!(s.get(&a.digest).unwrap(), b"one");
        assert_eq!(s.descriptors().len(), 2);
        assert_eq!(s.size_of(&b.digest), Some(4));
        assert!(s.get(&Descriptor::from_bytes("a/b", b"x").digest).is_err());
    }
}
