//! Writing an OCI image layout as a tar archive, member by member, to a
//! file or to a pipe: what `backup -o x.tar` and `backup -o -` write.
//!
//! The members come in the order a reader needs to act on each one as it
//! arrives: `oci-layout` first, then every blob as it is pushed (verified
//! against its digest while it is written), then the manifests (kept in a
//! spool file until the end, in the order they were pushed, children
//! before parents), and `index.json` last. An archive cut short has no
//! `index.json`, so nothing reading it can take a half-written backup for
//! a whole one.
//!
//! An archive file is continued, never rewritten: opening an existing one
//! hashes every complete blob member again and keeps them (a blob it
//! holds is not written again, and is reported as held, so it must be
//! sound: a corrupt one refuses the archive), continues a blob cut short
//! by an interrupted run from the bytes it already holds, and merges its
//! `index.json` with the new tags; the new members go after the old ones
//! and a new `index.json` ends the archive. The old `index.json` is cut
//! away when it ends the archive; when it does not (an archive packed by
//! tar(1)), it stays, and the new one, the last, is the one that counts
//! (see [`super::tarlayout`]). No member is ever written twice otherwise:
//! no blob, and `oci-layout` only when the archive has none. A stream
//! cannot be taken back: once a blob written to one turns out wrong, the
//! writer refuses everything else, and the archive ends without
//! `index.json`.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::layout::{
    LAYOUT_FILE, check_tag, find_in, list_manifest, read_index, resolve_in, set_tag,
};
use super::spool::Spool;
use super::tarlayout::{self, BLOCK, Member, Name, Partial, blob_name, padding};
use super::{Resolver, Source, Storage, Stream, Tagger, Target, fetch_all};
use crate::descriptor::Descriptor;
use crate::digest::{Digest, Hasher, VerifyReader, copy_stream};
use crate::error::{Error, Missing, Result};
use crate::manifest::{self, Index, MAX_MANIFEST_SIZE};
use crate::media_type;

/// Where the archive goes.
enum Out {
    /// A file, which can be cut back and continued.
    File(File),
    /// A pipe or anything else that is written once.
    Stream(Box<dyn Write + Send>),
}

struct State {
    out: Out,
    /// Bytes of the archive so far.
    pos: u64,
    /// Blob members held, with their sizes.
    blobs: HashMap<Digest, u64>,
    /// `blobs/<alg>/` directory entries written (or implied by held blobs).
    dirs: HashSet<&'static str>,
    /// Manifests waiting for the end of the archive.
    spool: Spool,
    /// What `index.json` will say.
    index: Index,
    /// A blob cut short by an earlier run, continued if it comes again.
    partial: Option<Partial>,
    /// A stream member went wrong: nothing more may be written.
    broken: bool,
}

/// An OCI image layout being written as a tar archive: a [`Target`] the
/// copy engine writes into, finished with [`TarLayoutWriter::finish`].
/// It does not read content back: fetches answer only for manifests it
/// was given.
pub struct TarLayoutWriter {
    name: String,
    path: Option<PathBuf>,
    state: Mutex<State>,
}

/// Counts what goes out, so that the archive's length is known even when
/// a write fails half-way.
struct Counted<'a> {
    out: &'a mut Out,
    pos: &'a mut u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = match self.out {
            Out::File(f) => f.write(buf)?,
            Out::Stream(w) => w.write(buf)?,
        };
        *self.pos += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out {
            Out::File(f) => f.flush(),
            Out::Stream(w) => w.flush(),
        }
    }
}

/// The header block(s) of a member: a GNU long-name block first when the
/// name does not fit the 100 bytes of a plain header.
fn header_blocks(name: &str, size: u64, dir: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(3 * BLOCK as usize);
    let field = |h: &mut tar::Header, name: &str| {
        let n = &name.as_bytes()[..name.len().min(100)];
        h.as_old_mut().name[..n.len()].copy_from_slice(n);
    };
    if name.len() > 100 {
        let mut long = tar::Header::new_gnu();
        long.set_entry_type(tar::EntryType::GNULongName);
        field(&mut long, "././@LongLink");
        long.set_size(name.len() as u64 + 1);
        long.set_mode(0o644);
        long.set_cksum();
        out.extend_from_slice(long.as_bytes());
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.resize(out.len() + padding(name.len() as u64 + 1) as usize, 0);
    }
    let mut h = tar::Header::new_ustar();
    field(&mut h, name);
    h.set_size(size);
    h.set_mode(if dir { 0o755 } else { 0o644 });
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_entry_type(if dir {
        tar::EntryType::Directory
    } else {
        tar::EntryType::Regular
    });
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out
}

/// A digest mismatch or a size mismatch: the content was wrong, not the
/// way to it.
fn wrong_content(e: &Error) -> bool {
    matches!(e, Error::DigestMismatch { .. } | Error::SizeMismatch { .. })
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    fn counted(&mut self) -> Counted<'_> {
        Counted {
            out: &mut self.out,
            pos: &mut self.pos,
        }
    }

    /// Writes a whole small member.
    fn member(&mut self, name: &str, data: &[u8]) -> Result<()> {
        let mut block = header_blocks(name, data.len() as u64, false);
        block.extend_from_slice(data);
        block.resize(block.len() + padding(data.len() as u64) as usize, 0);
        self.write(&block)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let r = self.counted().write_all(bytes);
        r.map_err(|e| {
            self.broken = true;
            Error::io("writing the archive", e)
        })
    }

    /// The directory entry of a blob's algorithm, once.
    fn dir_for(&mut self, digest: &Digest) -> Result<()> {
        let alg = digest.algorithm().name();
        if self.dirs.insert(alg) {
            self.write(&header_blocks(&format!("blobs/{alg}/"), 0, true))?;
        }
        Ok(())
    }

    /// Cuts the archive file back to `at`.
    fn cut(&mut self, at: u64) -> Result<()> {
        if let Out::File(f) = &mut self.out {
            f.set_len(at)
                .and_then(|()| f.seek(SeekFrom::Start(at)).map(drop))
                .map_err(|e| Error::io("cutting the archive back", e))?;
            self.pos = at;
            Ok(())
        } else {
            self.broken = true;
            Err(Error::other("a streamed archive cannot be cut back"))
        }
    }

    /// Drops a blob cut short by an earlier run, unless it is `keep`.
    fn settle_partial(&mut self, keep: Option<&Descriptor>) -> Result<Option<Partial>> {
        match self.partial.take() {
            Some(p) if keep.is_some_and(|d| d.digest == p.digest && d.size == p.member.size) => {
                Ok(Some(p))
            }
            Some(p) => {
                self.cut(p.member.header)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Writes a blob member from `source`, verified as it goes.
    fn blob(
        &mut self,
        path: Option<&Path>,
        desc: &Descriptor,
        source: &mut dyn Source,
    ) -> Result<()> {
        let resumed = self.settle_partial(Some(desc))?;
        let (header, data, mut reader) = match resumed {
            Some(p) => {
                // The bytes held are hashed again from the file; the rest
                // comes from the source.
                let path = path.expect("only files are continued");
                let mut hasher = Hasher::new(desc.digest.algorithm());
                let held = tarlayout::open_member(path, &p.member, 0)?;
                let n = copy_stream(&mut held.take(p.have), &mut hasher)
                    .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
                if n != p.have {
                    self.cut(p.member.header)?;
                    return self.blob(None, desc, source);
                }
                let rest = source.open(p.have)?;
                (
                    p.member.header,
                    p.member.data,
                    VerifyReader::resume(rest, &desc.digest, desc.size, hasher, p.have),
                )
            }
            None => {
                self.dir_for(&desc.digest)?;
                let header = self.pos;
                self.write(&header_blocks(&blob_name(&desc.digest), desc.size, false))?;
                let data = self.pos;
                (
                    header,
                    data,
                    VerifyReader::new(source.open(0)?, &desc.digest, desc.size),
                )
            }
        };
        let copied = copy_stream(&mut reader, &mut self.counted());
        match copied {
            Ok(_) => {
                self.write(&vec![0u8; padding(desc.size) as usize])?;
                self.blobs.insert(desc.digest.clone(), desc.size);
                Ok(())
            }
            Err(e) => {
                let e = Error::from_io(format!("writing blob {}", desc.digest), e);
                match &self.out {
                    Out::Stream(_) => self.broken = true,
                    // Wrong content is taken back; content cut short is
                    // kept, to be continued when the blob comes again.
                    Out::File(_) if wrong_content(&e) => self.cut(header)?,
                    Out::File(_) => {
                        self.partial = Some(Partial {
                            digest: desc.digest.clone(),
                            member: Member {
                                header,
                                data,
                                size: desc.size,
                            },
                            have: self.pos.saturating_sub(data).min(desc.size),
                        })
                    }
                }
                Err(e)
            }
        }
    }
}

/// Hashes every blob member an archive being continued keeps, in the
/// order they lie, before anything is written: a kept blob is reported as
/// held (`Exists`) and never fetched again, so it must be what its name
/// says. A corrupt one refuses the whole archive, left as it is. It is
/// not dropped to be fetched again: it cannot be taken out of the middle
/// of an archive, a second copy after it would be a duplicated member
/// that every reader refuses, and cutting the archive back to it would
/// lose what follows, which this backup may not fetch again.
fn check_kept(path: &Path, kept: &HashMap<Digest, Member>) -> Result<()> {
    let mut order: Vec<(&Digest, &Member)> = kept.iter().collect();
    order.sort_by_key(|(_, m)| m.header);
    for (digest, m) in order {
        let mut reader = VerifyReader::new(tarlayout::open_member(path, m, 0)?, digest, m.size);
        copy_stream(&mut reader, &mut std::io::sink()).map_err(|e| {
            match Error::from_io(format!("reading {}", path.display()), e) {
                Error::DigestMismatch { actual, .. } => Error::Protocol(format!(
                    "{} exists but its member {} is corrupt (its content hashes to {actual}), so the archive cannot be continued; it was left as it is: back up into a new archive",
                    path.display(),
                    blob_name(digest)
                )),
                other => other,
            }
        })?;
    }
    Ok(())
}

impl TarLayoutWriter {
    fn with(name: String, path: Option<PathBuf>, state: State) -> TarLayoutWriter {
        TarLayoutWriter {
            name,
            path,
            state: Mutex::new(state),
        }
    }

    fn fresh(out: Out) -> Result<State> {
        let mut st = State {
            out,
            pos: 0,
            blobs: HashMap::new(),
            dirs: HashSet::new(),
            spool: Spool::new()?,
            index: Index::new(),
            partial: None,
            broken: false,
        };
        st.member("oci-layout", LAYOUT_FILE)?;
        st.write(&header_blocks("blobs/", 0, true))?;
        Ok(st)
    }

    /// A new archive written to `out` (a pipe, standard output), which is
    /// never read back.
    pub fn stream(out: Box<dyn Write + Send>) -> Result<TarLayoutWriter> {
        let st = Self::fresh(Out::Stream(out))?;
        Ok(Self::with("the output stream".into(), None, st))
    }

    /// The archive file at `path`: created if missing or empty, else
    /// continued (see the module documentation). A file that is not a tar
    /// archive, or a tar archive that is not an OCI layout (no
    /// `oci-layout` member), is refused, never overwritten.
    ///
    /// ```
    /// use oar::content::Resolver;
    /// use oar::content::tarlayout::TarLayout;
    /// use oar::content::tarwriter::TarLayoutWriter;
    /// use oar::ops::push::{Upload, push};
    ///
    /// let dir = std::env::temp_dir().join(format!("oar-doc-tarwriter-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let archive = TarLayoutWriter::open(dir.join("hello.tar"))?;
    /// let hello = Upload::bytes(b"hello".to_vec(), "text/plain", "hello.txt");
    /// let pushed = push(&archive, "application/vnd.example", vec![hello], Some("v1"))?;
    /// archive.finish()?;
    /// assert_eq!(TarLayout::open(dir.join("hello.tar"))?.resolve("v1")?.digest, pushed.digest);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), oar::Error>(())
    /// ```
    pub fn open(path: impl Into<PathBuf>) -> Result<TarLayoutWriter> {
        let path = path.into();
        let name = path.display().to_string();
        let io = |what: &str, e| Error::io(format!("{what} {name}"), e);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io("opening", e))?;
        let len = file.metadata().map_err(|e| io("reading", e))?.len();
        if len == 0 {
            let st = Self::fresh(Out::File(file))?;
            return Ok(Self::with(name, Some(path), st));
        }
        let members = tarlayout::scan(&path, file.try_clone().map_err(|e| io("opening", e))?)
            .map_err(|e| {
                Error::Protocol(format!(
                    "{name} exists and is not an archive oar can continue ({e}); it was left as it is"
                ))
            })?;
        // A tar archive of anything else is not continued: appending a
        // layout to it would damage it.
        if members.layout.is_none()
            && let Some(first) = &members.first
        {
            return Err(Error::Protocol(format!(
                "{name} exists and is a tar archive but not an OCI image layout (no oci-layout member; its first member is {first:?}); it was left as it is"
            )));
        }
        let index = match &members.index {
            Some(m) => read_index(
                tarlayout::open_member(&path, m, 0)?,
                &format!("{name}:index.json"),
            )?,
            None => Index::new(),
        };
        // The old index.json goes when it ends the archive; the new one
        // will say everything it said.
        let mut at = match &members.last {
            Some((Name::Index, m)) => m.header,
            _ => members.end,
        };
        let mut partial = None;
        if let Some(p) = members.partial.filter(|p| p.member.header == at) {
            at = p.member.data + p.have;
            partial = Some(p);
        }
        let kept: HashMap<Digest, Member> = members
            .blobs
            .into_iter()
            .filter(|(_, m)| m.end() <= at)
            .collect();
        check_kept(&path, &kept)?;
        file.set_len(at).map_err(|e| io("cutting", e))?;
        file.seek(SeekFrom::Start(at))
            .map_err(|e| io("seeking", e))?;
        let blobs: HashMap<Digest, u64> = kept.into_iter().map(|(d, m)| (d, m.size)).collect();
        let dirs = blobs.keys().map(|d| d.algorithm().name()).collect();
        let mut st = State {
            out: Out::File(file),
            pos: at,
            blobs,
            dirs,
            spool: Spool::new()?,
            index,
            partial,
            broken: false,
        };
        if members.layout.is_none() {
            st.settle_partial(None)?;
            st.member("oci-layout", LAYOUT_FILE)?;
        }
        Ok(Self::with(name, Some(path), st))
    }

    /// Ends the archive: the manifests, `index.json`, and the end-of-archive
    /// blocks; a file is synced to disk. Returns the archive's length.
    pub fn finish(self) -> Result<u64> {
        let mut st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        if st.broken {
            return Err(Error::other(format!(
                "{} is incomplete: a member could not be written",
                self.name
            )));
        }
        st.settle_partial(None)?;
        let manifests: Vec<Descriptor> = st.spool.descriptors().to_vec();
        for d in manifests {
            if st.blobs.contains_key(&d.digest) {
                continue;
            }
            let bytes = st.spool.get(&d.digest)?;
            st.dir_for(&d.digest)?;
            st.member(&blob_name(&d.digest), &bytes)?;
            st.blobs.insert(d.digest.clone(), d.size);
        }
        let index = manifest::marshal(&st.index);
        st.member("index.json", &index)?;
        st.write(&[0u8; 2 * BLOCK as usize])?;
        let pos = st.pos;
        match &mut st.out {
            Out::File(f) => {
                f.set_len(pos)
                    .and_then(|()| f.sync_all())
                    .map_err(|e| Error::io(format!("syncing {}", self.name), e))?;
            }
            Out::Stream(w) => w.flush().map_err(|e| Error::io("writing the archive", e))?,
        }
        Ok(pos)
    }

    /// Bytes of the archive written so far.
    pub fn len(&self) -> u64 {
        lock(&self.state).pos
    }

    /// True before anything is written (never, once opened: the
    /// `oci-layout` member comes first).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn manifest_bytes(&self, digest: &Digest) -> Option<Vec<u8>> {
        let st = lock(&self.state);
        st.spool
            .contains(digest)
            .then(|| st.spool.get(digest).ok())
            .flatten()
    }
}

impl Storage for TarLayoutWriter {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        let st = lock(&self.state);
        Ok(st.blobs.contains_key(&desc.digest) || st.spool.contains(&desc.digest))
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        // Only manifests are kept where they can be read; blobs went out.
        let bytes = self.manifest_bytes(&desc.digest).ok_or_else(|| {
            Error::not_found(Missing::Content, format!("{}@{}", self.name, desc.digest))
        })?;
        Ok((super::bytes_stream(&bytes, offset), offset))
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        let mut st = lock(&self.state);
        if st.broken {
            return Err(Error::other(format!(
                "{} is incomplete: a member could not be written",
                self.name
            )));
        }
        if st.blobs.contains_key(&desc.digest) || st.spool.contains(&desc.digest) {
            return Ok(());
        }
        if media_type::is_manifest(&desc.media_type) {
            if desc.size > MAX_MANIFEST_SIZE {
                return Err(Error::TooLarge {
                    what: format!("manifest {}", desc.digest),
                    limit: MAX_MANIFEST_SIZE,
                });
            }
            let mut bytes = Vec::with_capacity(desc.size as usize);
            VerifyReader::new(source.open(0)?, &desc.digest, desc.size)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::from_io(format!("reading manifest {}", desc.digest), e))?;
            st.spool.put(desc, &bytes)?;
            list_manifest(&mut st.index, desc);
            return Ok(());
        }
        st.blob(self.path.as_deref(), desc, source)
    }
}

impl Resolver for TarLayoutWriter {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        let index = lock(&self.state).index.clone();
        if let Some(d) = find_in(&index, reference) {
            return Ok(d);
        }
        resolve_in(
            self,
            &index,
            reference,
            |d| lock(&self.state).spool.size_of(d),
            &self.name,
        )
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let d = self.resolve(reference)?;
        let bytes = fetch_all(self, &d)?;
        Ok((d, bytes))
    }
}

impl Tagger for TarLayoutWriter {
    fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        check_tag(tag)?;
        if !self.exists(desc)? {
            return Err(Error::not_found(
                Missing::Manifest,
                format!("{}@{}", self.name, desc.digest),
            ));
        }
        set_tag(&mut lock(&self.state).index, desc, tag);
        Ok(())
    }

    fn push_tagged(&self, desc: &Descriptor, bytes: &[u8], tag: &str) -> Result<()> {
        super::push_bytes(self, desc, bytes)?;
        self.tag(desc, tag)
    }
}

impl Target for TarLayoutWriter {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::BytesSource;
    use crate::content::tarlayout::TarLayout;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("oar-tarwriter-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5},"layers":[]}"#;

    #[test]
    fn members_come_blobs_first_and_index_last() {
        let d = tmp("order");
        let w = TarLayoutWriter::open(d.join("a.tar")).unwrap();
        let m = Descriptor::from_bytes(media_type::OCI_MANIFEST, MANIFEST);
        w.push_tagged(&m, MANIFEST, "v1").unwrap();
        let blob = Descriptor::from_bytes("a/b", b"hello");
        crate::content::push_bytes(&w, &blob, b"hello").unwrap();
        let len = w.finish().unwrap();
        assert_eq!(std::fs::metadata(d.join("a.tar")).unwrap().len(), len);
        let members =
            tarlayout::scan(&d.join("a.tar"), File::open(d.join("a.tar")).unwrap()).unwrap();
        let (b, mm) = (
            members.blobs[&blob.digest].header,
            members.blobs[&m.digest].header,
        );
        assert!(b < mm && mm < members.index.unwrap().header);
        assert!(members.layout.unwrap().header < b);
        let read = TarLayout::open(d.join("a.tar")).unwrap();
        assert_eq!(read.resolve("v1").unwrap().digest, m.digest);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_wrong_blob_is_taken_back_and_a_cut_one_continued() {
        let d = tmp("resume");
        let p = d.join("a.tar");
        let data = vec![7u8; 3000];
        let blob = Descriptor::from_bytes("a/b", &data);
        let w = TarLayoutWriter::open(&p).unwrap();
        let before = w.len();
        let mut wrong = vec![7u8; 3000];
        wrong[2999] = 8;
        assert!(w.push(&blob, &mut BytesSource(&wrong)).is_err());
        // Only the blobs/sha256/ directory entry stays.
        assert_eq!(w.len(), before + BLOCK, "wrong content is cut away");
        // A source that fails after 1000 bytes leaves them for a resume.
        struct Cut<'a>(&'a [u8]);
        impl Source for Cut<'_> {
            fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
                let rest = &self.0[offset as usize..];
                let fail = std::io::Error::other("link down");
                Ok(Box::new(
                    rest[..1000.min(rest.len())].chain(FailRead(Some(fail))),
                ))
            }
        }
        struct FailRead(Option<std::io::Error>);
        impl Read for FailRead {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(self
                    .0
                    .take()
                    .unwrap_or_else(|| std::io::Error::other("again")))
            }
        }
        assert!(w.push(&blob, &mut Cut(&data)).is_err());
        drop(w);
        // A new run continues the member: only the rest is asked for.
        let w = TarLayoutWriter::open(&p).unwrap();
        struct From(Vec<u8>, Vec<u64>);
        impl Source for From {
            fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
                self.1.push(offset);
                Ok(Box::new(&self.0[offset as usize..]))
            }
        }
        let mut src = From(data.clone(), Vec::new());
        w.push(&blob, &mut src).unwrap();
        assert_eq!(src.1, vec![1000]);
        w.finish().unwrap();
        let read = TarLayout::open(&p).unwrap();
        assert_eq!(crate::content::fetch_all(&read, &blob).unwrap(), data);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn long_names_get_a_gnu_header() {
        let d = tmp("long");
        let data = b"sha512 content";
        let digest = Digest::of_bytes(crate::digest::Algorithm::Sha512, data);
        let blob = Descriptor::new("a/b", digest, data.len() as u64);
        let w = TarLayoutWriter::open(d.join("a.tar")).unwrap();
        crate::content::push_bytes(&w, &blob, data).unwrap();
        w.finish().unwrap();
        let read = TarLayout::open(d.join("a.tar")).unwrap();
        assert_eq!(crate::content::fetch_all(&read, &blob).unwrap(), data);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
