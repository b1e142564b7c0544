//! Restoring from, and checking, an OCI layout read as a stream: the
//! members of a tar archive as they arrive (a pipe, standard input, or a
//! file read once), or the files of a layout directory. Blobs are
//! verified as they pass and, for a restore, pushed at once; manifests
//! wait in a spool file for `index.json`, then the walk of
//! [`super::copy_then_tag`] pushes them and tags last.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Mutex;

use super::{Plan, Report, RestoreOptions, copy_then_tag, plan};
use crate::archive::tarread::{Kind, TarError, TarReader};
use crate::content::layout::{
    MAX_INDEX_SIZE, check_layout_version, read_index, resolve_in, scan_referrers, tags_in,
};
use crate::content::spool::Spool;
use crate::content::tarlayout::{Name, Seen, padding};
use crate::content::{
    BytesSource, OCTET_STREAM, ReferrerLister, Resolver, Source, Storage, Stream, TagLister,
    Tagger, Target, bytes_stream, fetch_all,
};
use crate::copy::{Action, Graph, Observed, Observer, ObserverHooks, Verbs};
use crate::descriptor::Descriptor;
use crate::digest::{Digest, VerifyReader, copy_stream};
use crate::error::{ArchiveFault, Error, Missing, Result};
use crate::manifest::{self, Document, Index, MAX_MANIFEST_SIZE};
use crate::media_type;
use crate::ops::backup::{Outcome, Recorder};

/// Calls `f` for every member of a tar stream that an OCI layout names
/// (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), with its size and
/// content; what `f` leaves unread is skipped. A blob or `oci-layout`
/// that comes twice is refused, as when an archive is read in place
/// ([`Seen`]). `what` names the stream in errors.
fn each_member(
    input: &mut dyn Read,
    what: &str,
    f: &mut dyn FnMut(Name, u64, &mut dyn Read) -> Result<()>,
) -> Result<()> {
    let mut tar = TarReader::new(input, u64::MAX);
    let mut seen = Seen::default();
    // Where the next header starts: the reader's position lags behind it
    // by whatever `f` left unread of the member before, and its padding.
    let mut at = 0;
    loop {
        let h = match tar.next_header() {
            Ok(Some(h)) => h,
            Ok(None) => return Ok(()),
            Err(TarError::Io(e)) => return Err(Error::from_io(format!("reading {what}"), e)),
            Err(TarError::Invalid(m)) if at == 0 => {
                return Err(Error::archive(what, ArchiveFault::NotAnArchive(m)));
            }
            Err(TarError::Truncated) if at == 0 => {
                return Err(Error::archive(
                    what,
                    ArchiveFault::NotAnArchive(crate::archive::tarread::TRUNCATED.into()),
                ));
            }
            Err(TarError::Truncated) => {
                return Err(Error::archive(what, ArchiveFault::Truncated { at }));
            }
            Err(TarError::Invalid(m)) => {
                return Err(Error::archive(
                    what,
                    ArchiveFault::Damaged { at, detail: m },
                ));
            }
            Err(_) => {
                return Err(Error::archive(
                    what,
                    ArchiveFault::Damaged {
                        at,
                        detail: "an extended header is too large".into(),
                    },
                ));
            }
        };
        seen.note(what, &h.name, at)?;
        at = tar
            .position()
            .saturating_add(h.size)
            .saturating_add(padding(h.size));
        let name = if h.kind == Kind::File {
            Name::of(&h.name)
        } else {
            Name::Other
        };
        if name != Name::Other {
            f(name, h.size, &mut tar.content())?;
        }
    }
}

/// Maps a failure reading member `member` of `what`: a stream that ends
/// inside it, wrong content, or the stream itself.
fn member_error(what: &str, member: &str, e: std::io::Error) -> Error {
    let e = Error::from_io(format!("reading {member} from {what}"), e);
    match e {
        Error::DigestMismatch { expected, actual } => Error::Protocol(format!(
            "{member} in {what} is corrupt: its content hashes to {actual}, not {expected}"
        )),
        Error::SizeMismatch { expected, actual } => Error::Protocol(format!(
            "{member} in {what} is {actual} bytes, not {expected}"
        )),
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Protocol(format!(
                "{what} ends inside {member}: the archive is truncated"
            ))
        }
        other => other,
    }
}

/// True when small content is a manifest or index (by its own media type
/// or shape, and parsing as one), with its media type.
fn document_type(bytes: &[u8]) -> Option<String> {
    let mt = manifest::detect_media_type(bytes).ok()?;
    (media_type::is_manifest(&mt) && Document::parse(&mt, bytes).is_ok()).then_some(mt)
}

/// The blob of a stream being pushed: read once, verified as it goes, and
/// opened again only further on (the chunks of an upload).
struct StreamSource<'r> {
    verify: VerifyReader<&'r mut dyn Read>,
    at: u64,
}

struct Tail<'s, 'r> {
    src: &'s mut StreamSource<'r>,
}

impl Read for Tail<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.src.verify.read(buf)?;
        self.src.at += n as u64;
        Ok(n)
    }
}

impl Source for StreamSource<'_> {
    fn open(&mut self, offset: u64) -> Result<Stream<'_>> {
        if offset < self.at {
            return Err(Error::archive("a stream", ArchiveFault::Rewind));
        }
        let skip = offset - self.at;
        let n = copy_stream(&mut (&mut self.verify).take(skip), &mut std::io::sink())
            .map_err(|e| Error::from_io("skipping to the resume offset", e))?;
        self.at += n;
        if n != skip {
            return Err(Error::SizeMismatch {
                expected: offset,
                actual: self.at,
            });
        }
        Ok(Box::new(Tail { src: self }))
    }
}

/// Takes in the members of a layout as they come, from a tar stream or
/// the files of a directory: checks `oci-layout`, verifies every blob,
/// sends blobs on to a destination when there is one, and sets manifests
/// aside.
struct Intake<'a> {
    what: String,
    dst: Option<&'a dyn Storage>,
    spool: Spool,
    /// Content verified (or, with a destination, known to be there), with
    /// its size.
    held: HashMap<Digest, u64>,
    /// Content the destination got or had during the intake.
    sent: HashSet<Digest>,
    /// The last `index.json` met, unparsed: only the last counts, as
    /// when the archive is read in place, so an earlier one is not
    /// judged either.
    index: Option<Vec<u8>>,
    bytes: u64,
}

impl<'a> Intake<'a> {
    fn new(what: &str, dst: Option<&'a dyn Storage>) -> Result<Intake<'a>> {
        Ok(Intake {
            what: what.to_string(),
            dst,
            spool: Spool::new()?,
            held: HashMap::new(),
            sent: HashSet::new(),
            index: None,
            bytes: 0,
        })
    }

    fn member(
        &mut self,
        name: Name,
        size: u64,
        content: &mut dyn Read,
        rec: &mut Recorder<'_>,
    ) -> Result<()> {
        match name {
            Name::Layout => {
                let mut b = Vec::new();
                content
                    .take(1024)
                    .read_to_end(&mut b)
                    .map_err(|e| member_error(&self.what, "oci-layout", e))?;
                check_layout_version(&b, &format!("{}:oci-layout", self.what))
            }
            Name::Index => {
                // Read whole first, so that a stream cut inside it says so.
                let mut b = Vec::new();
                content
                    .take(MAX_INDEX_SIZE + 1)
                    .read_to_end(&mut b)
                    .map_err(|e| member_error(&self.what, "index.json", e))?;
                self.index = Some(b);
                Ok(())
            }
            Name::Blob(digest) => self.blob(digest, size, content, rec),
            Name::Other => Ok(()),
        }
    }

    fn blob(
        &mut self,
        digest: Digest,
        size: u64,
        content: &mut dyn Read,
        rec: &mut Recorder<'_>,
    ) -> Result<()> {
        let member = format!("blob {digest}");
        let desc = Descriptor::new(OCTET_STREAM, digest.clone(), size);
        if size <= MAX_MANIFEST_SIZE {
            let mut bytes = Vec::with_capacity(size as usize);
            VerifyReader::new(content, &digest, size)
                .read_to_end(&mut bytes)
                .map_err(|e| member_error(&self.what, &member, e))?;
            self.bytes += size;
            if let Some(mt) = document_type(&bytes) {
                self.spool
                    .put(&Descriptor::new(mt, digest.clone(), size), &bytes)?;
            } else if let Some(dst) = self.dst {
                if dst.exists(&desc)? {
                    rec.event(Action::Exists, &desc);
                } else {
                    rec.event(Action::Uploading, &desc);
                    dst.push(&desc, &mut BytesSource(&bytes))?;
                    rec.event(Action::Uploaded, &desc);
                }
                self.sent.insert(digest.clone());
            }
            self.held.insert(digest, size);
            return Ok(());
        }
        match self.dst {
            Some(dst) if dst.exists(&desc)? => {
                // Not read, so not verified: it is not sent either.
                rec.event(Action::Exists, &desc);
                self.sent.insert(digest.clone());
            }
            Some(dst) => {
                rec.event(Action::Uploading, &desc);
                let mut source = StreamSource {
                    verify: VerifyReader::new(content, &digest, size),
                    at: 0,
                };
                let pushed = dst.push(&desc, &mut Observed::new(&mut source, rec, &desc));
                if let Err(e) = pushed {
                    return Err(match e {
                        Error::Io { source: io, .. } => member_error(&self.what, &member, io),
                        e @ (Error::DigestMismatch { .. } | Error::SizeMismatch { .. }) => {
                            member_error(&self.what, &member, e.into())
                        }
                        other => other,
                    });
                }
                if source.at != size {
                    // The upload was answered before the content was all
                    // read: read the rest, so that it is verified.
                    copy_stream(&mut source.verify, &mut std::io::sink())
                        .map_err(|e| member_error(&self.what, &member, e))?;
                }
                rec.event(Action::Uploaded, &desc);
                self.sent.insert(digest.clone());
            }
            None => {
                copy_stream(
                    &mut VerifyReader::new(content, &digest, size),
                    &mut std::io::sink(),
                )
                .map_err(|e| member_error(&self.what, &member, e))?;
            }
        }
        self.bytes += size;
        self.held.insert(digest, size);
        Ok(())
    }

    /// The layout's `index.json`, or the error of a layout without one.
    fn take_index(&mut self) -> Result<Index> {
        let bytes = self.index.take().ok_or_else(|| {
            Error::Protocol(format!(
                "{} has no index.json: the archive is incomplete (cut short, or an interrupted backup), so nothing in it was tagged",
                self.what
            ))
        })?;
        read_index(&bytes[..], &format!("{}:index.json", self.what))
    }
}

/// The manifests of an intake, and its `index.json`, as a read-only
/// target: the source of the graph walk once the stream has gone by.
struct Spooled<'a> {
    spool: &'a Spool,
    index: Index,
    what: &'a str,
}

impl Storage for Spooled<'_> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        Ok(self.spool.contains(&desc.digest))
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let bytes = self.spool.get(&desc.digest).map_err(|_| {
            Error::not_found(
                Missing::Content,
                format!("{} (not in {})", desc.digest, self.what),
            )
        })?;
        Ok((bytes_stream(&bytes, offset), offset))
    }

    fn push(&self, _desc: &Descriptor, _source: &mut dyn Source) -> Result<()> {
        Err(Error::Unsupported("a stream is read-only".into()))
    }
}

impl Resolver for Spooled<'_> {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        resolve_in(
            self,
            &self.index,
            reference,
            |d| self.spool.size_of(d),
            self.what,
        )
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let d = self.resolve(reference)?;
        let bytes = fetch_all(self, &d)?;
        Ok((d, bytes))
    }
}

impl Tagger for Spooled<'_> {
    fn tag(&self, _desc: &Descriptor, _tag: &str) -> Result<()> {
        Err(Error::Unsupported("a stream is read-only".into()))
    }

    fn push_tagged(&self, _desc: &Descriptor, _bytes: &[u8], _tag: &str) -> Result<()> {
        Err(Error::Unsupported("a stream is read-only".into()))
    }
}

impl TagLister for Spooled<'_> {
    fn tags(&self, last: &str, page: &mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<()> {
        tags_in(&self.index, last, page)
    }
}

impl ReferrerLister for Spooled<'_> {
    /// Every manifest of the stream is scanned: they are all at hand.
    fn referrers(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        scan_referrers(
            self,
            self.spool.descriptors().to_vec(),
            subject,
            artifact_type,
        )
    }
}

impl Target for Spooled<'_> {
    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        Some(self)
    }

    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        Some(self)
    }
}

/// The destination during the walk of a stream restore: what the intake
/// sent is known to be there.
struct Sent<'a> {
    inner: &'a dyn Storage,
    sent: &'a HashSet<Digest>,
}

impl Storage for Sent<'_> {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        Ok(self.sent.contains(&desc.digest) || self.inner.exists(desc)?)
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        self.inner.fetch_range(desc, offset)
    }

    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        self.inner.push(desc, source)
    }
}

/// Passes events on, but not the `Exists` of content the intake already
/// reported (it names it better, though: the record takes the name).
struct Quieted<'r, 'o> {
    rec: &'r mut Recorder<'o>,
    sent: &'r HashSet<Digest>,
}

impl Observer for Quieted<'_, '_> {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        if action == Action::Exists && self.sent.contains(&desc.digest) {
            self.rec.record(desc, Outcome::Existed);
        } else {
            self.rec.event(action, desc);
        }
    }

    fn progress(&mut self, desc: &Descriptor, done: u64) -> ControlFlow<()> {
        self.rec.progress(desc, done)
    }
}

/// The tags to restore: `tags` as given (each must be in the index), or
/// every tag of the index.
fn roots_in(src: &Spooled<'_>, tags: &[String]) -> Result<Vec<(String, Descriptor)>> {
    let all = if tags.is_empty() {
        crate::content::all_tags(src, "")?
    } else {
        tags.to_vec()
    };
    all.into_iter()
        .map(|t| src.resolve(&t).map(|d| (t, d)))
        .collect()
}

/// Restores from an OCI layout tar stream read as it arrives (a pipe,
/// standard input) into `dst`: the tags `tags` (every tag of the
/// archive's `index.json` when empty), with referrers if asked. Each blob
/// is verified as it is read and pushed, unless `dst` has it; manifests
/// wait in a spool file for `index.json`, then go up children first, and
/// the tags last. With no `dst`, nothing is pushed: the stream is
/// verified and the report says what a restore would push (a dry run).
/// `what` names the stream in messages.
///
/// Memory holds one small member at a time (at most 4 MiB, a manifest),
/// and where each spooled manifest lies; blobs stream.
pub fn restore_stream(
    input: &mut dyn Read,
    what: &str,
    dst: Option<&dyn Target>,
    tags: &[String],
    opts: &RestoreOptions,
    obs: &mut dyn Observer,
) -> Result<Report> {
    let mut rec = Recorder::new(obs, Action::Uploaded);
    let mut intake = Intake::new(what, dst.map(|d| d as &dyn Storage))?;
    each_member(input, what, &mut |name, size, content| {
        intake.member(name, size, content, &mut rec)
    })?;
    let index = intake.take_index()?;
    let src = Spooled {
        spool: &intake.spool,
        index,
        what,
    };
    let roots = roots_in(&src, tags)?;
    let Some(dst) = dst else {
        let planned = plan(&src, &roots, opts)?;
        return Ok(planned);
    };
    let sent = Sent {
        inner: dst,
        sent: &intake.sent,
    };
    let mut quieted = Quieted {
        rec: &mut rec,
        sent: &intake.sent,
    };
    let artifacts = copy_then_tag(
        &src,
        &sent,
        dst,
        &roots,
        opts,
        &mut ObserverHooks(&mut quieted),
    )?;
    Ok(Report {
        artifacts,
        content: rec.into_moved(),
    })
}

/// What a check of a layout found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// Blobs held (manifests included), each verified.
    pub blobs: usize,
    /// Their bytes.
    pub bytes: u64,
    /// How many of them are manifests or indexes.
    pub manifests: usize,
    /// The layout's tags.
    pub tags: Vec<String>,
    /// Entries of `index.json` (tagged or not) walked.
    pub roots: usize,
    /// Blobs no entry of `index.json` leads to (not an error: a layout
    /// may hold them).
    pub unreferenced: usize,
}

/// Walks everything `index.json` names through what the intake verified.
fn check(intake: &mut Intake<'_>) -> Result<Verified> {
    let index = intake.take_index()?;
    let roots: Vec<Descriptor> = index
        .manifests
        .iter()
        .map(|d| Descriptor::new(d.media_type.clone(), d.digest.clone(), d.size))
        .collect();
    let mut tags = Vec::new();
    tags_in(&index, "", &mut |page| {
        tags = page;
        Ok(())
    })?;
    let src = Spooled {
        spool: &intake.spool,
        index,
        what: &intake.what,
    };
    let plan = Plan {
        held: Some(&intake.held),
        reached: Mutex::new(HashSet::new()),
    };
    {
        let mut quiet = crate::copy::quiet();
        let mut hooks = ObserverHooks(&mut quiet);
        let mut graph = Graph::new(&src, &plan, &mut hooks, Verbs::COPY);
        for root in &roots {
            graph.copy(root, None, None)?;
        }
    }
    let reached = plan.reached.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(Verified {
        blobs: intake.held.len(),
        bytes: intake.bytes,
        manifests: intake.spool.descriptors().len(),
        tags,
        roots: roots.len(),
        unreferenced: intake.held.keys().filter(|d| !reached.contains(*d)).count(),
    })
}

/// Checks an OCI layout tar stream (a file or standard input): every
/// blob's digest, and that every manifest `index.json` names is whole
/// (everything it leads to is there, at its size). Fails at the first
/// bad or missing blob, naming it. Reads the stream once; memory as for
/// [`restore_stream`].
pub fn verify_stream(input: &mut dyn Read, what: &str) -> Result<Verified> {
    let mut quiet = crate::copy::quiet();
    let mut rec = Recorder::new(&mut quiet, Action::Uploaded);
    let mut intake = Intake::new(what, None)?;
    each_member(input, what, &mut |name, size, content| {
        intake.member(name, size, content, &mut rec)
    })?;
    check(&mut intake)
}

/// Checks an OCI layout directory as [`verify_stream`] checks an
/// archive: every file under `blobs/` is hashed, then everything
/// `index.json` names is walked.
pub fn verify_directory(dir: &Path) -> Result<Verified> {
    let what = dir.display().to_string();
    let mut quiet = crate::copy::quiet();
    let mut rec = Recorder::new(&mut quiet, Action::Uploaded);
    let mut intake = Intake::new(&what, None)?;
    let io = |p: &Path, e| Error::io(format!("reading {}", p.display()), e);
    let open = |p: &Path| std::fs::File::open(p).map_err(|e| io(p, e));
    let layout = dir.join("oci-layout");
    if layout.is_file() {
        intake.member(Name::Layout, 0, &mut open(&layout)?, &mut rec)?;
    }
    let blobs = dir.join("blobs");
    let mut algs: Vec<_> = match std::fs::read_dir(&blobs) {
        Ok(r) => r.filter_map(|e| e.ok()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(&blobs, e)),
    };
    algs.sort_by_key(|e| e.file_name());
    for alg in algs {
        let mut files: Vec<_> = std::fs::read_dir(alg.path())
            .map_err(|e| io(&alg.path(), e))?
            .filter_map(|e| e.ok())
            .collect();
        files.sort_by_key(|e| e.file_name());
        for f in files {
            let name = format!(
                "blobs/{}/{}",
                alg.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            );
            let Name::Blob(digest) = Name::of(&name) else {
                continue;
            };
            let meta = f.metadata().map_err(|e| io(&f.path(), e))?;
            if !meta.is_file() {
                continue;
            }
            intake.blob(digest, meta.len(), &mut open(&f.path())?, &mut rec)?;
        }
    }
    let index = dir.join("index.json");
    if index.is_file() {
        intake.member(Name::Index, 0, &mut open(&index)?, &mut rec)?;
    }
    check(&mut intake)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar archive holding `oci-layout`, made by the `tar` crate.
    fn archive() -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let body = br#"{"imageLayoutVersion":"1.0.0"}"#;
        let mut h = tar::Header::new_ustar();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, "oci-layout", &body[..]).unwrap();
        b.into_inner().unwrap()
    }

    fn fault(bytes: &[u8]) -> ArchiveFault {
        let mut input = bytes;
        match each_member(&mut input, "in", &mut |_, _, _| Ok(())) {
            Err(Error::Archive(a)) => {
                assert_eq!(a.archive, "in");
                a.fault
            }
            other => panic!("expected an archive error, got {other:?}"),
        }
    }

    #[test]
    fn archive_faults_are_told_apart_by_type() {
        // Whole: no error.
        let whole = archive();
        let mut input = &whole[..];
        each_member(&mut input, "in", &mut |_, _, _| Ok(())).unwrap();
        // Not a tar archive at all.
        assert!(matches!(
            fault(&[b'x'; 1024]),
            ArchiveFault::NotAnArchive(_)
        ));
        // Cut inside the second header: truncated, at that header.
        let mut cut = whole.clone();
        cut.truncate(1024 + 100);
        cut[1024..].fill(b'a');
        assert_eq!(fault(&cut), ArchiveFault::Truncated { at: 1024 });
        // A second header with a broken checksum: damaged, at that byte.
        let mut damaged = whole[..1024].to_vec();
        let mut second = whole[..512].to_vec();
        second[148] ^= 1;
        damaged.extend_from_slice(&second);
        damaged.extend_from_slice(&[0; 1024]);
        assert!(matches!(
            fault(&damaged),
            ArchiveFault::Damaged { at: 1024, .. }
        ));
    }
}
