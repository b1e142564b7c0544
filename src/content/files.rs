//! Named files under an output directory: the store `pull` copies into.
//! It takes titled layers (`org.opencontainers.image.title`) as files, and
//! directory layers as unpacked trees; manifests and untitled content pass
//! through it without being kept.
//!
//! Every name is checked to stay inside the directory (unless path
//! traversal is explicitly allowed, as oras's `-T` does). Content is written
//! to a partial file beside its target, verified as it streams, and renamed
//! to its final name only when size and digest match. The partial file has a
//! stable name (`.oar-<alg>-<hex>.partial`), so a pull that was killed
//! resumes from the bytes already on disk, after re-hashing them.

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use super::{Source, Storage, Stream};
use crate::archive::{self, ExtractLimits};
use crate::descriptor::Descriptor;
use crate::diagnostics::Hook;
use crate::digest::{Digest, Hasher, VerifyReader, copy_stream, digest_reader};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::media_type::{self, ANNOTATION_CONTENT_DIGEST};
use crate::pathsafe;

/// How a [`FileStore`] writes.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct FileStoreOptions {
    /// Let titles name paths outside the root (absolute, or with `..`).
    pub allow_path_traversal: bool,
    /// Refuse to overwrite files that exist.
    pub keep_old_files: bool,
    /// Bounds on what a directory layer may unpack to.
    pub limits: ExtractLimits,
    /// Where notes on resumed downloads go.
    pub diagnostics: Hook,
}

impl FileStoreOptions {
    /// Lets titles name paths outside the root.
    pub fn allow_path_traversal(mut self, yes: bool) -> Self {
        self.allow_path_traversal = yes;
        self
    }

    /// Refuses to overwrite files that exist.
    pub fn keep_old_files(mut self, yes: bool) -> Self {
        self.keep_old_files = yes;
        self
    }

    /// Bounds on what a directory layer may unpack to.
    pub fn limits(mut self, limits: ExtractLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Where notes on resumed downloads go.
    pub fn diagnostics(mut self, hook: Hook) -> Self {
        self.diagnostics = hook;
        self
    }
}

/// Writes named content under a root directory.
#[derive(Debug)]
pub struct FileStore {
    root: PathBuf,
    /// The root as the caller named it, for messages.
    shown_root: PathBuf,
    opts: FileStoreOptions,
}

/// True for a layer to unpack as a directory: ORAS marks them with
/// `io.deis.oras.content.unpack: "true"`; oras-py marks them only by the
/// media type `…tar+gzip` and a title without an archive extension, which
/// tells them apart from a tarball pushed as a file.
pub fn is_directory_layer(desc: &Descriptor, title: &str) -> bool {
    match desc.annotation(media_type::ANNOTATION_UNPACK) {
        Some(v) => v == "true",
        None => {
            let lower = title.to_ascii_lowercase();
            desc.media_type == media_type::OCI_LAYER_TAR_GZIP
                && ![".tar.gz", ".tgz", ".gz", ".tar"]
                    .iter()
                    .any(|ext| lower.ends_with(ext))
        }
    }
}

impl FileStore {
    /// A store writing under `root`, which is created if needed.
    pub fn new(root: &Path, opts: FileStoreOptions) -> Result<FileStore> {
        let shown = root;
        fsutil::ensure_dir(root)?;
        let root = fs::canonicalize(root)
            .map_err(|e| Error::io(format!("resolving {}", root.display()), e))?;
        Ok(FileStore {
            shown_root: shown.to_path_buf(),
            root,
            opts,
        })
    }

    /// `path` (under the resolved root) as the caller would name it: under
    /// the root as given (`out/hi.txt`, not `/home/me/out/hi.txt`).
    fn shown(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(rest) => self.shown_root.join(rest),
            Err(_) => path.to_path_buf(),
        }
    }

    /// The root directory (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `name` goes, after the traversal and `-k` checks. Names with
    /// control characters are refused whatever the traversal setting: no
    /// tool should leave a file whose name rewrites the terminal of the
    /// next person to list the directory.
    pub fn path_for(&self, name: &str) -> Result<PathBuf> {
        if crate::text::has_controls(name) {
            return Err(Error::PathTraversal(format!(
                "{}: file names with control characters are not allowed",
                crate::text::escape_controls(name)
            )));
        }
        let path = if self.opts.allow_path_traversal {
            let p = Path::new(name);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                self.root.join(p)
            }
        } else {
            pathsafe::join_inside(&self.root, name).map_err(|why| {
                let detail = match why {
                    pathsafe::Unsafe::ThroughSymlink(_) | pathsafe::Unsafe::Invalid => {
                        format!(" ({why})")
                    }
                    _ => String::new(),
                };
                Error::OutsideDirectory {
                    name: name.to_string(),
                    detail,
                }
            })?
        };
        if self.opts.keep_old_files && fs::symlink_metadata(&path).is_ok() {
            return Err(Error::AlreadyExists(format!(
                "failed to resolve path for writing: {name}: overwrite disallowed"
            )));
        }
        Ok(path)
    }

    /// Downloads a directory layer (verified, resumable), unpacks it beside
    /// `path` into a fresh directory, checks the uncompressed digest from
    /// the `io.deis.oras.content.digest` annotation, and only then puts the
    /// tree under its final name, replacing what was there. `name` is the
    /// layer's title, under which the archive's entries sit.
    fn write_dir(
        &self,
        path: &Path,
        name: &str,
        desc: &Descriptor,
        source: &mut dyn Source,
    ) -> Result<()> {
        let dir = parent_dir(path);
        let shown = self.shown(path);
        let partial = download_beside(path, &shown, desc, source, &self.opts.diagnostics)?;
        let expected = match desc.annotation(ANNOTATION_CONTENT_DIGEST) {
            Some(d) => Some(Digest::parse(d)?),
            None => None,
        };
        let staging = dir.join(format!(
            ".oar-unpack-{}-{}",
            &desc.digest.hex()[..12],
            std::process::id()
        ));
        if fs::symlink_metadata(&staging).is_ok() {
            fs::remove_dir_all(&staging)
                .map_err(|e| Error::io(format!("unpacking {}", shown.display()), e))?;
        }
        let mut private = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            // Nobody else may touch the tree while it is unpacked; its
            // final mode is set once it is complete.
            use std::os::unix::fs::DirBuilderExt;
            private.mode(0o700);
        }
        private
            .create(&staging)
            .map_err(|e| Error::io(format!("unpacking {}", shown.display()), e))?;
        let unpacked = File::open(&partial)
            .map_err(|e| Error::io(format!("unpacking {}", shown.display()), e))
            .and_then(|mut f| {
                archive::extract(
                    &mut f,
                    name,
                    &staging,
                    expected.as_ref(),
                    desc.size,
                    &self.opts.limits,
                )
            });
        if let Err(e) = unpacked {
            let _ = fs::remove_dir_all(&staging);
            // The layer itself is bad (hostile or corrupt), not the
            // transfer: nothing worth resuming.
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
        if let Ok(m) = fs::symlink_metadata(path) {
            // Move the old tree aside first so the swap is a rename.
            let old = dir.join(format!(
                ".oar-replaced-{}-{}",
                &desc.digest.hex()[..12],
                std::process::id()
            ));
            fs::rename(path, &old)
                .map_err(|e| Error::io(format!("replacing {}", shown.display()), e))?;
            let removed = if m.is_dir() {
                fs::remove_dir_all(&old)
            } else {
                fs::remove_file(&old)
            };
            removed.map_err(|e| Error::io(format!("removing the old {}", shown.display()), e))?;
        }
        fsutil::commit(&staging, path).map_err(|e| writing(e, &shown))?;
        match fs::remove_file(&partial) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(
                format!(
                    "unpacking {} (unpacked; its download was not removed)",
                    shown.display()
                ),
                e,
            )),
            _ => Ok(()),
        }
    }

    /// Copies a file written earlier in this pull to a second name (a layer
    /// listed twice under different titles), checking its content again on
    /// the way: a later layer may have replaced it (by a link, or by other
    /// bytes). Returns false, writing nothing, when `from` is no longer a
    /// regular file holding `desc`; the caller then downloads instead.
    pub fn copy_local(&self, from: &Path, to: &Path, desc: &Descriptor) -> Result<bool> {
        if from == to {
            return Ok(true);
        }
        let Ok(src) = fsutil::open_regular(from, OpenOptions::new().read(true)) else {
            return Ok(false);
        };
        let dir = parent_dir(to);
        fsutil::ensure_dir(dir)?;
        let tmp = fsutil::temp_path(dir, "copy");
        let mut dst = fsutil::create_new(&tmp, 0o666, to)?;
        let mut verified = VerifyReader::new(src, &desc.digest, desc.size);
        let copied = copy_stream(&mut verified, &mut dst)
            .map_err(|e| Error::from_io(format!("copying to {}", to.display()), e))
            .and_then(|_| {
                dst.sync_all()
                    .map_err(|e| Error::io(format!("copying to {}", to.display()), e))
            });
        match copied {
            Ok(()) => {
                fsutil::commit(&tmp, to)?;
                Ok(true)
            }
            Err(Error::DigestMismatch { .. } | Error::SizeMismatch { .. }) => {
                let _ = fs::remove_file(&tmp);
                Ok(false)
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

impl Storage for FileStore {
    /// True for a titled file already complete under its name (a pull
    /// run again fetches nothing); manifests, untitled content and
    /// directory layers are never held.
    fn exists(&self, desc: &Descriptor) -> Result<bool> {
        match desc.title() {
            Some(title) if !self.opts.keep_old_files && !is_directory_layer(desc, title) => {
                Ok(is_complete(&self.path_for(title)?, desc))
            }
            _ => Ok(false),
        }
    }

    fn fetch_range(&self, desc: &Descriptor, _offset: u64) -> Result<(Stream<'_>, u64)> {
        Err(Error::Unsupported(format!(
            "a file store only receives content ({})",
            desc.digest
        )))
    }

    /// Writes titled content under its name (a directory layer unpacked),
    /// resuming a partial file from an earlier run; untitled content is
    /// accepted and not kept.
    fn push(&self, desc: &Descriptor, source: &mut dyn Source) -> Result<()> {
        let Some(title) = desc.title() else {
            return Ok(());
        };
        let path = self.path_for(title)?;
        if is_directory_layer(desc, title) {
            self.write_dir(&path, title, desc, source)
        } else {
            let partial = download_beside(
                &path,
                &self.shown(&path),
                desc,
                source,
                &self.opts.diagnostics,
            )?;
            fsutil::commit(&partial, &path).map_err(|e| writing(e, &self.shown(&path)))
        }
    }
}

/// Writes `data` to a path a user named (an `--output`, an exported
/// manifest), as `oras` writes it: a new name or an existing regular file
/// atomically (a temporary file beside it, synced, then renamed: readers see
/// the old file or the new one, never a torn one; an existing file keeps its
/// mode); a symbolic link written through to its target, the link kept; and
/// anything that is not a regular file (`/dev/null`, a FIFO, `/dev/stdout`)
/// written in place, never replaced.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("oar-doc-write-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let out = dir.join("manifest.json");
/// oar::content::files::write_atomic(&out, b"{}")?;
/// // A device is written in place: /dev/null stays a device.
/// oar::content::files::write_atomic(std::path::Path::new("/dev/null"), b"{}")?;
/// assert_eq!(std::fs::read(&out)?, b"{}");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    fsutil::write_output(path, data, None)
}

/// Downloads `desc` from `source` to `path` through a partial file beside
/// it: a partial file left by an earlier run is resumed after re-hashing
/// it, and the result is renamed into place only when its size and digest
/// match. `path` is replaced whatever it is (a link there is replaced, not
/// followed): this is how files named by titles inside a directory are
/// written. For a path a user named, see [`write_output_file`].
pub fn write_file(
    path: &Path,
    desc: &Descriptor,
    source: &mut dyn Source,
    diagnostics: &Hook,
) -> Result<()> {
    let partial = download_beside(path, path, desc, source, diagnostics)?;
    fsutil::commit(&partial, path)
}

/// Downloads `desc` from `source` to a path a user named, verified, with
/// the rules of [`write_atomic`]: a regular file (new, existing, or behind
/// links) through a resumable partial file beside it and a rename, an
/// existing file keeping its mode; anything else (`/dev/null`, a FIFO,
/// `/dev/stdout`) streamed into in place, where a digest mismatch can only
/// be reported, not undone.
pub fn write_output_file(
    path: &Path,
    desc: &Descriptor,
    source: &mut dyn Source,
    diagnostics: &Hook,
) -> Result<()> {
    match fsutil::output_target(path) {
        fsutil::Output::Replace { file, mode } => {
            let partial = download_beside(&file, path, desc, source, diagnostics)?;
            #[cfg(unix)]
            if let Some(mode) = mode {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&partial, fs::Permissions::from_mode(mode))
                    .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            }
            #[cfg(not(unix))]
            let _ = mode;
            fsutil::commit(&partial, &file).map_err(|e| writing(e, path))
        }
        fsutil::Output::InPlace => {
            let file = fsutil::open_in_place(path)
                .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            let mut r = VerifyReader::new(source.open(0)?, &desc.digest, desc.size);
            copy_stream(&mut r, &mut Named { inner: file, path })
                .map_err(|e| Error::from_io(format!("downloading {}", path.display()), e))?;
            Ok(())
        }
    }
}

/// Downloads `desc`, verified, into its partial file beside `path`, and
/// returns the partial file's path. Messages name `shown` (the path the
/// user gave, or the file being pulled), never the partial file; when the
/// download stops and bytes are kept for a resume, a
/// [`Diagnostic::Kept`](crate::diagnostics::Diagnostic::Kept) says how many.
fn download_beside(
    path: &Path,
    shown: &Path,
    desc: &Descriptor,
    source: &mut dyn Source,
    diagnostics: &Hook,
) -> Result<PathBuf> {
    let dir = parent_dir(path);
    fsutil::ensure_dir(dir)?;
    let partial = partial_path(dir, desc);
    if let Err(e) = download_resumable(&partial, shown, desc, source, diagnostics) {
        let kept = fs::symlink_metadata(&partial).map_or(0, |m| m.len());
        if kept > 0 {
            diagnostics.report(&crate::diagnostics::Diagnostic::Kept {
                path: shown,
                kept,
                size: desc.size,
            });
        }
        return Err(e);
    }
    Ok(partial)
}

/// Downloads `desc` into the partial file `partial` (resuming what it
/// holds) and verifies it. Wrong content is deleted; after any other
/// failure (a network error, Ctrl-C, a cancelled transfer) the partial
/// file stays for the next run.
pub fn download_verified(
    partial: &Path,
    desc: &Descriptor,
    source: &mut dyn Source,
    diagnostics: &Hook,
) -> Result<()> {
    download_resumable(partial, partial, desc, source, diagnostics)
}

/// [`download_verified`], with messages naming `shown` (the file or
/// layout the user knows), never the partial file.
pub(crate) fn download_resumable(
    partial: &Path,
    shown: &Path,
    desc: &Descriptor,
    source: &mut dyn Source,
    diagnostics: &Hook,
) -> Result<()> {
    match download(partial, shown, desc, source, diagnostics) {
        Err(e @ (Error::DigestMismatch { .. } | Error::SizeMismatch { .. })) => {
            let _ = fs::remove_file(partial);
            Err(e)
        }
        other => other,
    }
}

/// A failed file operation renamed after the file the user knows
/// (`out/hi.txt`, the path as given), whatever path the operation used.
fn writing(e: Error, shown: &Path) -> Error {
    match e {
        Error::Io { source, .. } => Error::io(format!("writing {}", shown.display()), source),
        other => other,
    }
}

/// A writer whose failures name the file the user knows (a full disk while
/// writing `out/big.bin`), not whichever file holds the bytes.
struct Named<'a, W> {
    inner: W,
    path: &'a Path,
}

impl<W: Write> Named<'_, W> {
    fn named(&self, e: std::io::Error) -> std::io::Error {
        Error::io(format!("writing {}", self.path.display()), e).into()
    }
}

impl<W: Write> Write for Named<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

fn download(
    partial: &Path,
    shown: &Path,
    desc: &Descriptor,
    source: &mut dyn Source,
    diagnostics: &Hook,
) -> Result<()> {
    let (file, hasher, have) = open_partial(partial, shown, desc)?;
    if have > 0 {
        diagnostics.note(&format!(
            "resuming {} from byte {have} of {}",
            desc.digest, desc.size
        ));
    }
    // A source that ignores the range skips to `have` itself.
    let stream = source.open(have)?;
    let mut r = VerifyReader::resume(stream, &desc.digest, desc.size, hasher, have);
    let mut out = Named {
        inner: file,
        path: shown,
    };
    if let Err(e) = copy_stream(&mut r, &mut out) {
        let err = Error::from_io(format!("downloading {}", shown.display()), e);
        let _ = out.flush();
        if have > 0 && matches!(err, Error::DigestMismatch { .. }) {
            // The bytes kept from the earlier run were bad, not the source:
            // try once more from nothing.
            drop(r);
            drop(out);
            let _ = fs::remove_file(partial);
            diagnostics.note("resumed content did not verify; downloading again from the start");
            return download(partial, shown, desc, source, diagnostics);
        }
        return Err(err);
    }
    out.inner
        .sync_all()
        .map_err(|e| Error::io(format!("writing {}", shown.display()), e))
}

/// The directory a file is written in (`.` for a bare name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The stable partial-file name for `desc` in `dir`.
pub fn partial_path(dir: &Path, desc: &Descriptor) -> PathBuf {
    dir.join(format!(
        ".oar-{}-{}.partial",
        desc.digest.algorithm().name(),
        desc.digest.hex()
    ))
}

/// True if `path` is a regular file (not a link) holding exactly `desc`'s
/// content.
fn is_complete(path: &Path, desc: &Descriptor) -> bool {
    let Ok(mut f) = fsutil::open_regular(path, OpenOptions::new().read(true)) else {
        return false;
    };
    if f.metadata().map(|m| m.len()).ok() != Some(desc.size) {
        return false;
    }
    matches!(digest_reader(desc.digest.algorithm(), &mut f), Ok((d, _)) if d == desc.digest)
}

/// Opens a partial file left by an earlier run, if it can be trusted: a
/// regular file (not a link), with no other name (not a hard link to
/// someone's file), owned by this user (so nobody else can change it
/// after it is verified).
fn open_own_partial(partial: &Path) -> Option<File> {
    let f = fsutil::open_regular(partial, OpenOptions::new().read(true).write(true)).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = f.metadata().ok()?;
        if m.nlink() != 1 || Some(m.uid()) != fsutil::current_uid() {
            return None;
        }
    }
    Some(f)
}

/// Opens (or creates) the partial file and hashes what it already holds.
/// Failures name `shown`, the file the partial one becomes.
fn open_partial(partial: &Path, shown: &Path, desc: &Descriptor) -> Result<(File, Hasher, u64)> {
    let failed = |e| Error::io(format!("writing {}", shown.display()), e);
    let mut file = match open_own_partial(partial) {
        Some(f) => f,
        None => {
            // Nothing there, or something not to be written through (a
            // link, a hard link, another user's file): start afresh. The
            // name is removed, never what it points to.
            if let Err(e) = fs::remove_file(partial)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                return Err(failed(e));
            }
            let mut o = OpenOptions::new();
            o.read(true).write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o666);
            }
            o.open(partial).map_err(failed)?
        }
    };
    let len = file.metadata().map_err(failed)?.len();
    let mut hasher = Hasher::new(desc.digest.algorithm());
    let have = if len > 0 && len <= desc.size {
        let n = copy_stream(&mut file, &mut hasher).map_err(failed)?;
        if n != len {
            return Err(Error::other(format!(
                "{}: the content kept from an earlier run changed while being read",
                shown.display()
            )));
        }
        len
    } else {
        if len > 0 {
            file.set_len(0).map_err(failed)?;
        }
        0
    };
    file.seek(std::io::SeekFrom::Start(have)).map_err(failed)?;
    Ok((file, hasher, have))
}
