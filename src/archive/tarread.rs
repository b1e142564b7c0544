//! A streaming tar reader for untrusted archives: directory layers, and
//! OCI image layouts packed as tar archives (`content::tarlayout`).
//!
//! It reads the forms real tools write (ustar with its name prefix, GNU
//! long names and long links, PAX records for `path`, `linkpath`, `size`
//! and `mtime`, base-256 numbers) and nothing is allocated from a length
//! the archive states before that length is checked:
//!
//! - an extension header (GNU long name or link, PAX record set) larger
//!   than [`MAX_EXTENSION`] (1 MiB, Go's cap on PAX records) is refused
//!   without being read;
//! - every byte of the uncompressed stream (headers, extension data, file
//!   content, padding, whatever follows the end marker) counts against one
//!   budget, and a file whose stated size would overrun it is refused
//!   before its content is read.
//!
//! The archive ends at the first all-zero block (or at the end of the
//! stream on a block boundary); [`TarReader::drain`] then reads what
//! follows, still within the budget, so that the caller's digest covers
//! the whole stream.

use std::io::{self, Read, Seek, SeekFrom};

use crate::error::Error;

/// Size of a tar block.
const BLOCK: u64 = 512;

/// Largest extension header read (GNU long name or link, PAX records).
pub const MAX_EXTENSION: u64 = 1024 * 1024;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file (types `0`, NUL and `7`).
    File,
    /// A directory (type `5`, or an old-style file whose name ends in `/`).
    Dir,
    /// A symbolic link (type `2`).
    Symlink,
    /// A hard link to an earlier entry (type `1`).
    HardLink,
    /// Anything else (devices, fifos, sparse files…), by its type byte.
    Other(u8),
}

impl Kind {
    /// A name for messages.
    pub fn describe(self) -> String {
        match self {
            Kind::File => "file".into(),
            Kind::Dir => "directory".into(),
            Kind::Symlink => "symbolic link".into(),
            Kind::HardLink => "hard link".into(),
            Kind::Other(b'3') => "character device".into(),
            Kind::Other(b'4') => "block device".into(),
            Kind::Other(b'6') => "fifo".into(),
            Kind::Other(b'S') => "sparse file".into(),
            Kind::Other(t) if t.is_ascii_graphic() => format!("type '{}'", t as char),
            Kind::Other(t) => format!("type {t}"),
        }
    }
}

/// One entry's header, with every extension applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The entry's path, as stored.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// The link target, for links.
    pub link: String,
    /// Permission bits (including setuid, setgid and sticky).
    pub mode: u32,
    /// Modification time, whole seconds since the epoch (0 if earlier).
    pub mtime: u64,
    /// Content length.
    pub size: u64,
}

/// Why reading stopped, apart from I/O errors of the stream.
#[derive(Debug)]
pub enum TarError {
    /// The stream is not a valid tar archive (the message says why).
    Invalid(String),
    /// The stream ends inside a header or a member's content: what came
    /// before stands, the rest is missing.
    Truncated,
    /// The uncompressed stream grew beyond the budget.
    OverBudget,
    /// An extension header is larger than [`MAX_EXTENSION`].
    ExtensionTooLarge,
    /// Reading the stream failed.
    Io(io::Error),
}

impl TarError {
    /// Turns the error into the crate's error, with `budget` and `what`
    /// (the layer's name) for the messages.
    pub fn into_error(self, what: &str, budget: u64) -> Error {
        match self {
            TarError::Invalid(m) => Error::Protocol(format!("invalid directory layer {what}: {m}")),
            TarError::Truncated => {
                Error::Protocol(format!("invalid directory layer {what}: {TRUNCATED}"))
            }
            TarError::OverBudget => Error::TooLarge {
                what: format!("directory layer {what} (unpacked)"),
                limit: budget,
            },
            TarError::ExtensionTooLarge => Error::TooLarge {
                what: format!("directory layer {what} (an extended header)"),
                limit: MAX_EXTENSION,
            },
            TarError::Io(e) => Error::from_io(format!("reading the directory layer {what}"), e),
        }
    }
}

/// What a truncated archive is called in messages.
pub const TRUNCATED: &str = "unexpected end of the archive";

type TarResult<T> = std::result::Result<T, TarError>;

fn invalid(msg: impl Into<String>) -> TarError {
    TarError::Invalid(msg.into())
}

/// Extensions seen before the entry they describe.
#[derive(Default)]
struct Pending {
    long_name: Option<String>,
    long_link: Option<String>,
    pax: Option<Pax>,
}

#[derive(Default)]
struct Pax {
    path: Option<String>,
    linkpath: Option<String>,
    size: Option<u64>,
    mtime: Option<u64>,
}

/// Reads entries one after the other from an uncompressed tar stream.
pub struct TarReader<R> {
    inner: R,
    budget: u64,
    /// Bytes read from `inner` so far.
    pos: u64,
    /// Content bytes of the current entry not yet read.
    remaining: u64,
    /// Padding after the current entry's content.
    padding: u64,
    ended: bool,
}

impl<R: Read> TarReader<R> {
    /// A reader of `inner` that fails once more than `budget` bytes were
    /// read.
    pub fn new(inner: R, budget: u64) -> Self {
        TarReader {
            inner,
            budget,
            pos: 0,
            remaining: 0,
            padding: 0,
            ended: false,
        }
    }

    /// The underlying stream.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Bytes of the stream consumed so far: after [`TarReader::next_header`],
    /// where the entry's content starts.
    pub fn position(&self) -> u64 {
        self.pos
    }

    fn read_some(&mut self, buf: &mut [u8]) -> TarResult<usize> {
        // An interrupted read is not retried: Ctrl-C must stop the unpack.
        let n = self.inner.read(buf).map_err(TarError::Io)?;
        self.pos += n as u64;
        if self.pos > self.budget {
            return Err(TarError::OverBudget);
        }
        Ok(n)
    }

    /// Fills `buf`; false when the stream ended before the first byte.
    fn read_exact_or_end(&mut self, buf: &mut [u8]) -> TarResult<bool> {
        let mut filled = 0;
        while filled < buf.len() {
            let n = self.read_some(&mut buf[filled..])?;
            if n == 0 {
                if filled == 0 {
                    return Ok(false);
                }
                return Err(TarError::Truncated);
            }
            filled += n;
        }
        Ok(true)
    }

    /// Reads and drops `n` bytes.
    fn skip(&mut self, mut n: u64) -> TarResult<()> {
        let mut buf = [0u8; 8192];
        while n > 0 {
            let want = n.min(buf.len() as u64) as usize;
            let got = self.read_some(&mut buf[..want])?;
            if got == 0 {
                return Err(TarError::Truncated);
            }
            n -= got as u64;
        }
        Ok(())
    }

    /// Skips whatever is left of the current entry.
    fn finish_entry(&mut self) -> TarResult<()> {
        let rest = self.remaining + self.padding;
        self.remaining = 0;
        self.padding = 0;
        self.skip(rest)
    }

    /// Reads the content of an extension header, bounded.
    fn read_extension(&mut self, size: u64) -> TarResult<Vec<u8>> {
        if size > MAX_EXTENSION {
            return Err(TarError::ExtensionTooLarge);
        }
        if self.pos.saturating_add(size) > self.budget {
            return Err(TarError::OverBudget);
        }
        let mut data = vec![0u8; size as usize];
        if !self.read_exact_or_end(&mut data)? && size > 0 {
            return Err(TarError::Truncated);
        }
        self.skip(padding(size))?;
        Ok(data)
    }

    /// The next entry, or `None` at the end of the archive. The rest of the
    /// previous entry's content is skipped.
    pub fn next_header(&mut self) -> TarResult<Option<Header>> {
        if self.ended {
            return Ok(None);
        }
        self.finish_entry()?;
        let mut pending = Pending::default();
        loop {
            let mut block = [0u8; BLOCK as usize];
            if !self.read_exact_or_end(&mut block)? {
                if pending.long_name.is_some()
                    || pending.long_link.is_some()
                    || pending.pax.is_some()
                {
                    return Err(invalid("extended header without an entry"));
                }
                self.ended = true;
                return Ok(None);
            }
            if block.iter().all(|&b| b == 0) {
                self.ended = true;
                return Ok(None);
            }
            check_sum(&block)?;
            let size = numeric(&block[124..136]).map_err(|m| invalid(format!("size: {m}")))?;
            match block[156] {
                b'L' => {
                    if pending.long_name.is_some() {
                        return Err(invalid("two long names for one entry"));
                    }
                    let data = self.read_extension(size)?;
                    pending.long_name = Some(utf8(trim_nul(&data), "long name")?);
                }
                b'K' => {
                    if pending.long_link.is_some() {
                        return Err(invalid("two long link names for one entry"));
                    }
                    let data = self.read_extension(size)?;
                    pending.long_link = Some(utf8(trim_nul(&data), "long link name")?);
                }
                b'x' | b'X' => {
                    if pending.pax.is_some() {
                        return Err(invalid("two PAX headers for one entry"));
                    }
                    let data = self.read_extension(size)?;
                    pending.pax = Some(parse_pax(&data)?);
                }
                b'g' => {
                    // Global records (git archive's commit comment, say)
                    // are checked for form and otherwise ignored.
                    let data = self.read_extension(size)?;
                    parse_pax(&data)?;
                }
                t => return self.entry(&block, t, size, pending).map(Some),
            }
        }
    }

    fn entry(&mut self, block: &[u8], t: u8, size: u64, pending: Pending) -> TarResult<Header> {
        let pax = pending.pax.unwrap_or_default();
        let name = match (pax.path, pending.long_name) {
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => {
                let name = utf8(cstr(&block[0..100]), "name")?;
                let prefix = cstr(&block[345..500]);
                // ustar (magic "ustar\0") keeps a prefix; GNU ("ustar  ")
                // uses those bytes for other fields.
                if &block[257..263] == b"ustar\0" && !prefix.is_empty() {
                    format!("{}/{name}", utf8(prefix, "name prefix")?)
                } else {
                    name
                }
            }
        };
        let link = match (pax.linkpath, pending.long_link) {
            (Some(l), _) | (None, Some(l)) => l,
            (None, None) => utf8(cstr(&block[157..257]), "link name")?,
        };
        let size = pax.size.unwrap_or(size);
        let mode = numeric(&block[100..108]).map_err(|m| invalid(format!("mode: {m}")))?;
        let mtime = match pax.mtime {
            Some(m) => m,
            None => numeric(&block[136..148]).map_err(|m| invalid(format!("mtime: {m}")))?,
        };
        let kind = match t {
            b'0' | b'7' => Kind::File,
            // Old (V7) archives mark directories only by a trailing slash.
            0 if name.ends_with('/') => Kind::Dir,
            0 => Kind::File,
            b'5' => Kind::Dir,
            b'2' => Kind::Symlink,
            b'1' => Kind::HardLink,
            other => Kind::Other(other),
        };
        // Only files carry content; links and directories that claim some
        // have it skipped (still within the budget).
        if kind == Kind::File && self.pos.saturating_add(size) > self.budget {
            return Err(TarError::OverBudget);
        }
        self.remaining = size;
        self.padding = padding(size);
        Ok(Header {
            name,
            kind,
            link,
            mode: u32::try_from(mode & 0o7777).unwrap_or(0),
            mtime,
            size,
        })
    }

    /// The current entry's content (exactly its size; a stream that ends
    /// early is an error).
    pub fn content(&mut self) -> Content<'_, R> {
        Content { tar: self }
    }

    /// Reads everything after the end of the archive (still counted
    /// against the budget), so that a digest of the stream is complete.
    pub fn drain(&mut self) -> TarResult<()> {
        if !self.ended {
            while self.next_header()?.is_some() {}
        }
        let mut buf = [0u8; 8192];
        while self.read_some(&mut buf)? > 0 {}
        Ok(())
    }
}

impl<R: Read + Seek> TarReader<R> {
    /// Moves past the current entry's content and padding with a seek
    /// instead of reading them, so that indexing a large archive costs one
    /// read per header. Past the end of a truncated archive the seek still
    /// succeeds: the caller compares [`TarReader::position`] with the
    /// archive's length.
    pub fn skip_entry(&mut self) -> io::Result<()> {
        let rest = self.remaining + self.padding;
        let step = i64::try_from(rest)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "entry too large"))?;
        self.inner.seek(SeekFrom::Current(step))?;
        self.pos += rest;
        self.remaining = 0;
        self.padding = 0;
        Ok(())
    }
}

/// The content of the current entry.
pub struct Content<'a, R> {
    tar: &'a mut TarReader<R>,
}

impl<R: Read> Read for Content<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf
            .len()
            .min(usize::try_from(self.tar.remaining).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        // The header was checked against the budget, so only the stream
        // itself can fail here.
        let n = self.tar.read_some(&mut buf[..want]).map_err(|e| match e {
            TarError::Io(e) => e,
            _ => io::Error::other("the directory layer exceeds its budget"),
        })?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ends inside an entry",
            ));
        }
        self.tar.remaining -= n as u64;
        Ok(n)
    }
}

fn padding(size: u64) -> u64 {
    (BLOCK - size % BLOCK) % BLOCK
}

/// The bytes of a NUL-terminated field.
fn cstr(field: &[u8]) -> &[u8] {
    field.split(|&b| b == 0).next().unwrap_or_default()
}

fn trim_nul(data: &[u8]) -> &[u8] {
    let end = data.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &data[..end]
}

fn utf8(bytes: &[u8], what: &str) -> TarResult<String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| invalid(format!("the {what} is not UTF-8")))
}

/// The header checksum: the sum of all bytes with the checksum field read
/// as spaces, unsigned or (old tools) signed.
fn check_sum(block: &[u8]) -> TarResult<()> {
    let stored = numeric(&block[148..156]).map_err(|m| invalid(format!("checksum: {m}")))?;
    let (mut unsigned, mut signed) = (0u64, 0i64);
    for (i, &b) in block.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    if stored == unsigned || i64::try_from(stored).is_ok_and(|s| s == signed) {
        Ok(())
    } else {
        Err(invalid("header checksum mismatch"))
    }
}

/// A numeric field: octal text (padded with spaces or NULs), or GNU
/// base-256 when the high bit of the first byte is set. Negative numbers
/// are refused.
fn numeric(field: &[u8]) -> std::result::Result<u64, &'static str> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        if field[0] & 0x40 != 0 {
            return Err("negative number");
        }
        let mut v = u64::from(field[0] & 0x3f);
        for &b in &field[1..] {
            v = v
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or("number too large")?;
        }
        return Ok(v);
    }
    let text = field
        .iter()
        .position(|&b| b != b' ' && b != 0)
        .map_or(&field[..0], |start| {
            let rest = &field[start..];
            let end = rest
                .iter()
                .position(|&b| b == b' ' || b == 0)
                .unwrap_or(rest.len());
            &rest[..end]
        });
    let mut v = 0u64;
    for &b in text {
        if !(b'0'..=b'7').contains(&b) {
            return Err("not an octal number");
        }
        v = v
            .checked_mul(8)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or("number too large")?;
    }
    Ok(v)
}

/// Parses PAX records (`<length> <key>=<value>\n`, the length counting the
/// whole record) and keeps the keys that matter here. Sparse-file records
/// are refused: a layer has no use for them.
fn parse_pax(data: &[u8]) -> TarResult<Pax> {
    let mut pax = Pax::default();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .take(20)
            .position(|&b| b == b' ')
            .ok_or_else(|| invalid("malformed PAX record"))?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|&l| l > space + 1 && l <= rest.len())
            .ok_or_else(|| invalid("malformed PAX record length"))?;
        let record = &rest[space + 1..len];
        rest = &rest[len..];
        let record = record
            .strip_suffix(b"\n")
            .ok_or_else(|| invalid("PAX record without a newline"))?;
        let eq = record
            .iter()
            .position(|&b| b == b'=')
            .ok_or_else(|| invalid("PAX record without '='"))?;
        let key = std::str::from_utf8(&record[..eq]).map_err(|_| invalid("PAX key not UTF-8"))?;
        let value = &record[eq + 1..];
        match key {
            "path" => pax.path = Some(utf8(value, "PAX path")?),
            "linkpath" => pax.linkpath = Some(utf8(value, "PAX linkpath")?),
            "size" => {
                pax.size = Some(
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| invalid("malformed PAX size"))?,
                );
            }
            "mtime" => {
                // Seconds with an optional fraction; times before the
                // epoch are taken as the epoch.
                let text =
                    std::str::from_utf8(value).map_err(|_| invalid("malformed PAX mtime"))?;
                let whole = text.split('.').next().unwrap_or_default();
                pax.mtime = Some(if whole.starts_with('-') {
                    0
                } else {
                    whole.parse().map_err(|_| invalid("malformed PAX mtime"))?
                });
            }
            k if k.starts_with("GNU.sparse.") => {
                return Err(invalid("sparse files are not supported"));
            }
            _ => {}
        }
    }
    Ok(pax)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, t: u8, size: u64, link: &str) -> Vec<u8> {
        let mut h = vec![0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..107].copy_from_slice(b"0000755");
        h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        h[136..147].copy_from_slice(b"00000001750");
        h[156] = t;
        h[157..157 + link.len()].copy_from_slice(link.as_bytes());
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        h
    }

    fn with_data(mut h: Vec<u8>, data: &[u8]) -> Vec<u8> {
        h.extend_from_slice(data);
        h.resize(h.len().div_ceil(512) * 512, 0);
        h
    }

    fn pax_record(key: &str, value: &str) -> String {
        // The length counts its own digits.
        let body = format!(" {key}={value}\n");
        let mut len = body.len() + 1;
        while format!("{len}{body}").len() != len {
            len += 1;
        }
        format!("{len}{body}")
    }

    fn all(data: &[u8], budget: u64) -> TarResult<Vec<(Header, Vec<u8>)>> {
        let mut r = TarReader::new(data, budget);
        let mut out = Vec::new();
        while let Some(h) = r.next_header()? {
            let mut content = Vec::new();
            r.content()
                .read_to_end(&mut content)
                .map_err(TarError::Io)?;
            out.push((h, content));
        }
        r.drain()?;
        Ok(out)
    }

    #[test]
    fn reads_ustar_gnu_and_pax_forms() {
        let long = "l".repeat(300);
        let pax = pax_record("path", "p/ü.txt") + &pax_record("mtime", "1234.5");
        let mut tar = Vec::new();
        tar.extend(with_data(header("d/f", b'0', 5, ""), b"hello"));
        tar.extend(with_data(
            header("././@LongLink", b'L', long.len() as u64 + 1, ""),
            format!("{long}\0").as_bytes(),
        ));
        tar.extend(header("ignored", b'5', 0, ""));
        tar.extend(with_data(
            header("pax", b'x', pax.len() as u64, ""),
            pax.as_bytes(),
        ));
        tar.extend(with_data(header("x", b'0', 2, ""), b"hi"));
        tar.extend(header("d/link", b'2', 0, "f"));
        tar.extend(vec![0u8; 1024]);
        let got = all(&tar, 1 << 20).unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(
            (got[0].0.name.as_str(), &got[0].1[..]),
            ("d/f", &b"hello"[..])
        );
        assert_eq!((got[0].0.mode, got[0].0.mtime), (0o755, 1000));
        assert_eq!(
            (got[1].0.name.as_str(), got[1].0.kind),
            (long.as_str(), Kind::Dir)
        );
        assert_eq!((got[2].0.name.as_str(), got[2].0.mtime), ("p/ü.txt", 1234));
        assert_eq!(got[2].1, b"hi");
        assert_eq!(
            (got[3].0.kind, got[3].0.link.as_str()),
            (Kind::Symlink, "f")
        );
    }

    #[test]
    fn caps_extensions_and_budget() {
        // A long name over 1 MiB is refused before it is read.
        let tar = header("././@LongLink", b'L', MAX_EXTENSION + 1, "");
        assert!(matches!(
            all(&tar, u64::MAX),
            Err(TarError::ExtensionTooLarge)
        ));
        // A file larger than the budget is refused from its header.
        let tar = header("big", b'0', 10_000, "");
        assert!(matches!(all(&tar, 5_000), Err(TarError::OverBudget)));
        // Trailing bytes after the end count too.
        let mut tar = with_data(header("f", b'0', 1, ""), b"x");
        tar.extend(vec![0u8; 10_000]);
        assert!(matches!(all(&tar, 5_000), Err(TarError::OverBudget)));
        assert!(all(&tar, 20_000).is_ok());
    }

    #[test]
    fn refuses_malformed_headers() {
        let mut bad = header("f", b'0', 0, "");
        bad[0] = b'g';
        assert!(matches!(all(&bad, u64::MAX), Err(TarError::Invalid(_))));
        let truncated = with_data(header("f", b'0', 100, ""), b"short");
        let mut r = TarReader::new(&truncated[..517], u64::MAX);
        r.next_header().unwrap();
        assert!(r.content().read_to_end(&mut Vec::new()).is_err());
        let sparse = pax_record("GNU.sparse.map", "0,1");
        let tar = with_data(
            header("p", b'x', sparse.len() as u64, ""),
            sparse.as_bytes(),
        );
        assert!(matches!(all(&tar, u64::MAX), Err(TarError::Invalid(_))));
    }

    #[test]
    fn numbers() {
        assert_eq!(numeric(b"0000644\0"), Ok(0o644));
        assert_eq!(numeric(b"  644 \0"), Ok(0o644));
        assert_eq!(numeric(b"\0\0\0"), Ok(0));
        assert_eq!(numeric(&[0x80, 0, 0, 1, 0]), Ok(256));
        assert!(numeric(&[0xff, 0xff]).is_err());
        assert!(numeric(b"0009").is_err());
        assert!(numeric(&[0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
