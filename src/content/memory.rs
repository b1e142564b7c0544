//! A store in memory, for small content: manifests being assembled, tests,
//! and library users who build artifacts before pushing them. Pushes are
//! verified like any other store's.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Mutex, MutexGuard};

use super::{Resolver, Source, Storage, Stream, Tagger, Target, fetch_all, push_bytes};
use crate::descriptor::Descriptor;
use crate::digest::{Digest, VerifyReader};
use crate::error::{Error, Missing, Result};
use crate::manifest::MAX_MANIFEST_SIZE;

/// Content and tags held in memory.
#[derive(Default)]
pub struct MemoryStore {
    blobs: Mutex<HashMap<Digest, (Descriptor, Vec<u8>)>>,
    tags: Mutex<HashMap<String, Descriptor>>,
}

/// Locks one of the maps; each change is a single insert, so a panic in
/// another thread leaves them consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Number of blobs held.
    pub fn len(&self) -> usize {
        lock(&self.blobs).len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        lock(&self.blobs).is_empty()
    }
}

impl Storage for MemoryStore {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        Ok(lock(&self.blobs).contains_key(&desc.digest))
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let blobs = lock(&self.blobs);
        let (_, data) = blobs
            .get(&desc.digest)
            .ok_or_else(|| Error::not_found(Missing::Content, desc.digest.to_string()))?;
        Ok((super::bytes_stream(data, offset), offset))
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        if desc.size > MAX_MANIFEST_SIZE {
            return Err(Error::TooLarge {
                what: "content for a memory store".into(),
                limit: MAX_MANIFEST_SIZE,
            });
        }
        let mut data = Vec::with_capacity(desc.size as usize);
        VerifyReader::new(source.open(0)?, &desc.digest, desc.size)
            .read_to_end(&mut data)
            .map_err(|e| Error::from_io("storing content", e))?;
        lock(&self.blobs).insert(desc.digest.clone(), (desc.clone(), data));
        Ok(())
    }
}

impl Resolver for MemoryStore {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        if let Some(d) = lock(&self.tags).get(reference) {
            return Ok(d.clone());
        }
        if let Ok(d) = Digest::parse(reference)
            && let Some((desc, _)) = lock(&self.blobs).get(&d)
        {
            return Ok(desc.clone());
        }
        Err(Error::not_found(Missing::Manifest, reference))
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let d = self.resolve(reference)?;
        let b = fetch_all(self, &d)?;
        Ok((d, b))
    }
}

impl Tagger for MemoryStore {
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        if !self.exists(desc)? {
            return Err(Error::not_found(Missing::Content, desc.digest.to_string()));
        }
        lock(&self.tags).insert(tag.to_string(), desc.clone());
        Ok(())
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
        push_bytes(self, desc, bytes)?;
        self.tag(desc, tag)
    }
}

impl Target for MemoryStore {}
