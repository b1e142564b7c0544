//! An OCI image layout packed as a tar archive (`tar -cf x.tar -C dir .`,
//! or what `oar backup -o x.tar` writes), read in place.
//!
//! Opening the archive reads its headers once, seeking over every
//! member's content, and keeps where each member lies; a fetch then opens
//! the file and seeks to the member. Nothing is unpacked, and memory grows
//! only with the number of members (a few dozen bytes each), never with
//! their size. Member names may carry a leading `./`. Only `oci-layout`,
//! `index.json` and `blobs/<alg>/<hex>` matter; other members are passed
//! over.
//!
//! A blob or `oci-layout` that appears twice is refused (`Seen`): a
//! reader that takes the first copy and one that takes the last would
//! judge different bytes, and an archive could pass a check and then
//! fail, or differ, where it is restored. `index.json` may appear more
//! than once, and its last member counts, as `tar -x` would leave it:
//! continuing an archive packed by tar(1), whose `index.json` is not its
//! last member, appends a new one (see [`super::tarwriter`]). Every
//! reader of an archive, in place here or as a stream
//! (`ops::restore`), follows these rules, so all of them read the same
//! bytes.
//!
//! The archive is read-only: writing one is `ops::backup`'s job
//! ([`super::tarwriter`]).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::layout::{check_layout_version, read_index, resolve_in, scan_referrers, tags_in};
use super::{
    BlobResolver, ReferrerLister, Resolver, Source, Storage, Stream, TagLister, Tagger, Target,
    fetch_all,
};
use crate::archive::tarread::{Kind, TarError, TarReader};
use crate::descriptor::Descriptor;
use crate::digest::Digest;
use crate::error::{ArchiveFault, Error, Missing, Result};
use crate::manifest::Index;

/// Size of a tar block.
pub(crate) const BLOCK: u64 = 512;

/// Padding after `size` bytes of content, to the next block.
pub(crate) fn padding(size: u64) -> u64 {
    (BLOCK - size % BLOCK) % BLOCK
}

/// The member name of a blob, as oar writes it.
pub(crate) fn blob_name(digest: &Digest) -> String {
    format!("blobs/{}/{}", digest.algorithm().name(), digest.hex())
}

/// What a member name means in an OCI layout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Name {
    /// `oci-layout`.
    Layout,
    /// `index.json`.
    Index,
    /// `blobs/<alg>/<hex>`.
    Blob(Digest),
    /// Anything else (directories, `ingest/`, foreign files).
    Other,
}

impl Name {
    /// Classifies a member name, ignoring leading `./`.
    pub(crate) fn of(name: &str) -> Name {
        let mut n = name;
        while let Some(rest) = n.strip_prefix("./") {
            n = rest;
        }
        match n {
            "oci-layout" => Name::Layout,
            "index.json" => Name::Index,
            _ => n
                .strip_prefix("blobs/")
                .and_then(|rest| rest.split_once('/'))
                .filter(|(_, hex)| !hex.contains('/'))
                .and_then(|(alg, hex)| Digest::parse(&format!("{alg}:{hex}")).ok())
                .map_or(Name::Other, Name::Blob),
        }
    }
}

impl std::fmt::Display for Name {
    /// The member's name without any leading `./`: one spelling for
    /// every copy, and made of safe characters only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Layout => f.write_str("oci-layout"),
            Name::Index => f.write_str("index.json"),
            Name::Blob(d) => f.write_str(&blob_name(d)),
            Name::Other => f.write_str("(another member)"),
        }
    }
}

/// The layout members an archive has shown so far, to refuse a blob or
/// an `oci-layout` that comes twice (see the module documentation). The
/// same rule for every reader, in place or streamed.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    at: HashMap<Name, u64>,
}

impl Seen {
    /// Notes the member named `name` (of any kind: a link that replaces a
    /// file counts as a copy too) whose header starts at byte `header` of
    /// the archive `what`; fails when it is a blob or `oci-layout` met
    /// before.
    pub(crate) fn note(&mut self, what: &str, name: &str, header: u64) -> Result<()> {
        let name = Name::of(name);
        if matches!(name, Name::Other | Name::Index) {
            return Ok(());
        }
        match self.at.entry(name) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(header);
                Ok(())
            }
            std::collections::hash_map::Entry::Occupied(o) => Err(Error::Protocol(format!(
                "{what} holds {} twice (members at bytes {} and {header}): tar readers disagree on which copy counts, so an archive with a duplicated member is refused",
                o.key(),
                o.get()
            ))),
        }
    }
}

/// Where a member lies in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    /// Offset of its first header block (extension headers included).
    pub header: u64,
    /// Offset of its content.
    pub data: u64,
    /// Length of its content.
    pub size: u64,
}

impl Member {
    /// Offset just past its content and padding.
    pub(crate) fn end(&self) -> u64 {
        self.data + self.size + padding(self.size)
    }
}

/// A blob member cut short at the end of the archive: an interrupted
/// write.
#[derive(Debug, Clone)]
pub(crate) struct Partial {
    /// Its digest.
    pub digest: Digest,
    /// Where it lies (its `size` is the size its header announces).
    pub member: Member,
    /// Content bytes present.
    pub have: u64,
}

/// Everything one pass over an archive's headers found.
#[derive(Debug, Default)]
pub(crate) struct Members {
    /// Complete blob members.
    pub blobs: HashMap<Digest, Member>,
    /// The last complete `index.json` member.
    pub index: Option<Member>,
    /// The last complete `oci-layout` member.
    pub layout: Option<Member>,
    /// The end of the last complete member: where more would be appended.
    pub end: u64,
    /// The last complete member and what it is.
    pub last: Option<(Name, Member)>,
    /// The name of the first complete member, as written.
    pub first: Option<String>,
    /// The archive ends inside a member or a header.
    pub truncated: bool,
    /// A blob cut short at the end, when that is how it ends.
    pub partial: Option<Partial>,
}

/// Maps a tar reading error for the archive `what`.
fn tar_error(what: &Path, e: TarError) -> Error {
    match e {
        TarError::Io(e) => Error::io(format!("reading {}", what.display()), e),
        TarError::Invalid(m) => {
            Error::archive(what.display().to_string(), ArchiveFault::NotAnArchive(m))
        }
        TarError::Truncated => Error::archive(
            what.display().to_string(),
            ArchiveFault::NotAnArchive(crate::archive::tarread::TRUNCATED.into()),
        ),
        TarError::ExtensionTooLarge => Error::TooLarge {
            what: format!("{} (an extended header)", what.display()),
            limit: crate::archive::tarread::MAX_EXTENSION,
        },
        TarError::OverBudget => Error::Protocol(format!("{} is too large", what.display())),
    }
}

/// Reads the headers of the archive at `path`, seeking over contents.
/// An archive that ends inside a member is reported as truncated, with
/// everything complete before it; an archive whose very first header is
/// invalid is not a tar archive; one with a blob or `oci-layout` twice is
/// refused ([`Seen`]).
pub(crate) fn scan(path: &Path, file: File) -> Result<Members> {
    let len = file
        .metadata()
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?
        .len();
    let mut tar = TarReader::new(BufReader::new(file), u64::MAX);
    let mut out = Members::default();
    let mut seen = Seen::default();
    loop {
        let header = tar.position();
        let h = match tar.next_header() {
            Ok(Some(h)) => h,
            Ok(None) => break,
            // A header cut short: what came before it stands.
            Err(TarError::Truncated) if header > 0 => {
                out.truncated = true;
                break;
            }
            Err(TarError::Invalid(m)) if header > 0 => {
                return Err(Error::Protocol(format!(
                    "{}: invalid tar header at byte {header}: {m}",
                    path.display()
                )));
            }
            Err(e) => return Err(tar_error(path, e)),
        };
        seen.note(&path.display().to_string(), &h.name, header)?;
        let member = Member {
            header,
            data: tar.position(),
            size: h.size,
        };
        let name = if h.kind == Kind::File {
            Name::of(&h.name)
        } else {
            Name::Other
        };
        if member.end() > len {
            out.truncated = true;
            if let Name::Blob(digest) = name {
                out.partial = Some(Partial {
                    digest,
                    member,
                    have: len.saturating_sub(member.data).min(member.size),
                });
            }
            break;
        }
        tar.skip_entry()
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        match &name {
            Name::Blob(d) => {
                out.blobs.insert(d.clone(), member);
            }
            Name::Index => out.index = Some(member),
            Name::Layout => out.layout = Some(member),
            Name::Other => {}
        }
        out.end = member.end();
        out.last = Some((name, member));
        if out.first.is_none() {
            out.first = Some(h.name.clone());
        }
    }
    Ok(out)
}

/// Opens the content of a member, from `offset` bytes into it.
pub(crate) fn open_member(path: &Path, member: &Member, offset: u64) -> Result<Stream<'static>> {
    let mut f =
        File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    f.seek(SeekFrom::Start(member.data + offset.min(member.size)))
        .map_err(|e| Error::io(format!("seeking {}", path.display()), e))?;
    Ok(Box::new(f.take(member.size.saturating_sub(offset))))
}

/// An OCI image layout in a tar archive, read in place. Read-only;
/// `Send + Sync`, and every fetch opens the file afresh, so one handle
/// serves any number of threads.
#[derive(Debug)]
pub struct TarLayout {
    path: PathBuf,
    blobs: HashMap<Digest, Member>,
    index: Index,
}

impl TarLayout {
    /// Opens the archive at `path`: reads its headers and its
    /// `index.json`, and checks its `oci-layout` file when it has one.
    ///
    /// ```
    /// use oar::content::Resolver;
    /// use oar::content::layout::OciLayout;
    /// use oar::content::tarlayout::TarLayout;
    /// use oar::ops::push::{Upload, push};
    ///
    /// let dir = std::env::temp_dir().join(format!("oar-doc-tarlayout-{}", std::process::id()));
    /// let layout = OciLayout::new(dir.join("layout"));
    /// let hello = Upload::bytes(b"hello".to_vec(), "text/plain", "hello.txt");
    /// let pushed = push(&layout, "application/vnd.example", vec![hello], Some("v1"))?;
    /// // Pack the layout as tar(1) would, then read it in place.
    /// let status = std::process::Command::new("tar")
    ///     .arg("-cf").arg(dir.join("layout.tar")).arg("-C").arg(dir.join("layout")).arg(".")
    ///     .status().unwrap();
    /// assert!(status.success());
    /// let packed = TarLayout::open(dir.join("layout.tar"))?;
    /// assert_eq!(packed.resolve("v1")?.digest, pushed.digest);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), oar::Error>(())
    /// ```
    pub fn open(path: impl Into<PathBuf>) -> Result<TarLayout> {
        let path = path.into();
        let file =
            File::open(&path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        let members = scan(&path, file)?;
        if members.truncated {
            let inside = match &members.partial {
                Some(p) => format!(
                    "inside blob {} ({} of {} bytes)",
                    p.digest, p.have, p.member.size
                ),
                None => "inside a member".into(),
            };
            return Err(Error::Protocol(format!(
                "{} is truncated: it ends {inside}; an interrupted backup is finished by running it again",
                path.display()
            )));
        }
        let invalid = |why: &str| {
            Error::Protocol(format!(
                "invalid OCI Image Layout: {} {why}",
                path.display()
            ))
        };
        if let Some(m) = &members.layout {
            let mut bytes = Vec::new();
            open_member(&path, m, 0)?
                .take(1024)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
            check_layout_version(&bytes, &format!("{}:oci-layout", path.display()))?;
        }
        let Some(index) = &members.index else {
            return Err(invalid("has no index.json"));
        };
        let index = read_index(
            open_member(&path, index, 0)?,
            &format!("{}:index.json", path.display()),
        )?;
        Ok(TarLayout {
            path,
            blobs: members.blobs,
            index,
        })
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The archive's `index.json`.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Number of blobs (manifests included) the archive holds.
    pub fn blob_count(&self) -> usize {
        self.blobs.len()
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn read_only(&self) -> Error {
        Error::archive(self.path.display().to_string(), ArchiveFault::ReadOnly)
    }
}

impl Storage for TarLayout {
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        Ok(self.blobs.contains_key(&desc.digest))
    }

    fn fetch_range(&self, desc: &Descriptor, offset: u64) -> Result<(Stream<'_>, u64)> {
        let member = self.blobs.get(&desc.digest).ok_or_else(|| {
            Error::not_found(Missing::Content, format!("{}@{}", self.name(), desc.digest))
        })?;
        // One byte more than the descriptor says, if the member has it,
        // so that a verifying reader sees content that is too long.
        let mut m = *member;
        m.size = m.size.min(desc.size.saturating_add(1));
        Ok((open_member(&self.path, &m, offset)?, offset))
    }

    fn push(&self, _desc: &Descriptor, _source: &mut dyn Source) -> Result<()> {
        Err(self.read_only())
    }
}

impl Resolver for TarLayout {
    fn resolve(&self, reference: &str) -> Result<Descriptor> {
        resolve_in(
            self,
            &self.index,
            reference,
            |d| self.blobs.get(d).map(|m| m.size),
            &self.name(),
        )
    }

    fn fetch_reference(&self, reference: &str) -> Result<(Descriptor, Vec<u8>)> {
        let d = self.resolve(reference)?;
        let bytes = fetch_all(self, &d)?;
        Ok((d, bytes))
    }
}

impl Tagger for TarLayout {
    fn tag(&self, _desc: &Descriptor, _tag: &str) -> Result<()> {
        Err(self.read_only())
    }

    fn push_tagged(&self, _desc: &Descriptor, _bytes: &[u8], _tag: &str) -> Result<()> {
        Err(self.read_only())
    }
}

impl TagLister for TarLayout {
    /// One page, sorted.
    fn tags(&self, last: &str, page: &mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<()> {
        tags_in(&self.index, last, page)
    }
}

impl ReferrerLister for TarLayout {
    /// Scans the manifests listed in `index.json` and the children of
    /// listed indexes, as for a layout directory (at most
    /// [`super::layout::MAX_SCANNED`] manifests).
    fn referrers(
        &self,
        subject: &Descriptor,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        scan_referrers(self, self.index.manifests.clone(), subject, artifact_type)
    }
}

impl BlobResolver for TarLayout {
    fn resolve_blob(&self, digest: &Digest) -> Result<Descriptor> {
        match self.blobs.get(digest) {
            Some(m) => Ok(Descriptor::new(super::OCTET_STREAM, digest.clone(), m.size)),
            None => Err(Error::not_found(
                Missing::Blob,
                format!("{}@{digest}", self.name()),
            )),
        }
    }
}

impl Target for TarLayout {
    fn as_tag_lister(&self) -> Option<&dyn TagLister> {
        Some(self)
    }

    fn as_referrer_lister(&self) -> Option<&dyn ReferrerLister> {
        Some(self)
    }

    fn as_blob_resolver(&self) -> Option<&dyn BlobResolver> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let hex = "a".repeat(64);
        assert_eq!(Name::of("./index.json"), Name::Index);
        assert_eq!(Name::of("oci-layout"), Name::Layout);
        assert_eq!(
            Name::of(&format!("./blobs/sha256/{hex}")),
            Name::Blob(Digest::parse(&format!("sha256:{hex}")).unwrap())
        );
        assert_eq!(Name::of("blobs/sha256/abc"), Name::Other);
        assert_eq!(Name::of(&format!("x/blobs/sha256/{hex}")), Name::Other);
        assert_eq!(Name::of("blobs/"), Name::Other);
        assert_eq!(padding(0), 0);
        assert_eq!(padding(1), 511);
        assert_eq!(padding(512), 0);
    }

    #[test]
    fn a_blob_or_layout_twice_is_refused_an_index_twice_is_not() {
        let hex = "a".repeat(64);
        let mut seen = Seen::default();
        for (i, name) in ["./", "oci-layout", "index.json", "./index.json", "./blobs/"]
            .iter()
            .enumerate()
        {
            seen.note("x.tar", name, i as u64 * 512).unwrap();
        }
        seen.note("x.tar", &format!("./blobs/sha256/{hex}"), 5120)
            .unwrap();
        let e = seen
            .note("x.tar", &format!("blobs/sha256/{hex}"), 8192)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!(
                "x.tar holds blobs/sha256/{hex} twice (members at bytes 5120 and 8192)"
            )),
            "{e}"
        );
        let e = seen.note("x.tar", "./oci-layout", 9000).unwrap_err();
        assert!(e.to_string().contains("holds oci-layout twice"), "{e}");
    }
}
