//! Content digests: parsing, hashing while streaming, and verification.
//!
//! A digest is `algorithm ":" encoded` (OCI image spec, "Digests"). `oar`
//! computes and verifies `sha256` and `sha512`; every byte that is fetched or
//! pushed goes through a [`Hasher`], and a [`VerifyReader`] refuses content
//! whose size or digest differs from its descriptor.

use std::fmt;
use std::io::{self, Read, Write};
use std::str::FromStr;

use sha2::Digest as _;

use crate::error::{Error, Result};

/// A hash algorithm `oar` can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256, the default and by far the most common.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl Algorithm {
    /// The name used in digest strings.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// A validated content digest such as `sha256:2c26b4…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    /// Parses and validates `algorithm:hex` (lowercase hex of the right
    /// length).
    ///
    /// ```
    /// let d: oar::Digest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a".parse()?;
    /// assert_eq!(d.short(), "44136fa355b3");
    /// # Ok::<(), oar::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Digest> {
        let (alg, hex) = s
            .split_once(':')
            .ok_or_else(|| Error::InvalidDigest(format!("{s:?}: missing algorithm")))?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => {
                // The grammar allows other algorithms, but content addressed
                // by them cannot be verified, so it is refused up front.
                let valid = !alg.is_empty()
                    && alg.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b)
                    });
                let why = if valid {
                    "unsupported algorithm"
                } else {
                    "malformed algorithm"
                };
                return Err(Error::InvalidDigest(format!("{s:?}: {why}")));
            }
        };
        if hex.len() != algorithm.hex_len()
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(Error::InvalidDigest(format!(
                "{s:?}: expected {} lowercase hex characters",
                algorithm.hex_len()
            )));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_string(),
        })
    }

    /// The digest of `data` under `algorithm`.
    pub fn of_bytes(algorithm: Algorithm, data: &[u8]) -> Digest {
        let mut h = Hasher::new(algorithm);
        h.update(data);
        h.finish()
    }

    /// The SHA-256 digest of `data`.
    pub fn sha256(data: &[u8]) -> Digest {
        Digest::of_bytes(Algorithm::Sha256, data)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The encoded part (lowercase hex).
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The first 12 hex characters, as printed in status lines.
    pub fn short(&self) -> &str {
        &self.hex[..12]
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

impl FromStr for Digest {
    type Err = Error;
    fn from_str(s: &str) -> Result<Digest> {
        Digest::parse(s)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Digest::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An incremental hash of one of the supported algorithms.
#[derive(Clone)]
pub enum Hasher {
    /// SHA-256 state.
    Sha256(sha2::Sha256),
    /// SHA-512 state.
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// A fresh hasher.
    pub fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> Digest {
        let (algorithm, bytes): (Algorithm, Vec<u8>) = match self {
            Hasher::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            Hasher::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        Digest {
            algorithm,
            hex: to_hex(&bytes),
        }
    }
}

impl Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Size of the buffers used to stream content (files, uploads, downloads).
pub const STREAM_BUFFER: usize = 256 * 1024;

/// Hashes a whole stream, returning its digest and length. Memory stays at
/// one [`STREAM_BUFFER`].
pub fn digest_reader(algorithm: Algorithm, r: &mut dyn Read) -> io::Result<(Digest, u64)> {
    let mut h = Hasher::new(algorithm);
    let n = copy_stream(r, &mut h)?;
    Ok((h.finish(), n))
}

/// `std::io::copy` with a large heap buffer (the standard one is 8 KiB),
/// retrying on `Interrupted` only where the caller wants it (never here: a
/// Ctrl-C must stop the copy).
pub fn copy_stream(r: &mut dyn Read, w: &mut dyn Write) -> io::Result<u64> {
    let mut buf = vec![0u8; STREAM_BUFFER];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        w.write_all(&buf[..n])?;
        total += n as u64;
    }
}

/// A reader that passes bytes through while hashing them, and fails instead
/// of returning end-of-file when the content is not exactly `size` bytes with
/// the expected digest. It never yields a byte beyond `size`, and the read
/// that would complete content with the wrong digest fails instead, so
/// wrong content is never handed over whole.
///
/// Errors surface as `io::Error` wrapping an [`Error`]; recover them with
/// [`Error::from_io`].
pub struct VerifyReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    expected: Digest,
    size: u64,
    seen: u64,
}

impl<R: Read> VerifyReader<R> {
    /// Verifies `inner` against `expected` and `size`.
    pub fn new(inner: R, expected: &Digest, size: u64) -> Self {
        Self::resume(inner, expected, size, Hasher::new(expected.algorithm()), 0)
    }

    /// Continues a verification: `hasher` already holds the first `seen`
    /// bytes, and `inner` yields the rest.
    pub fn resume(inner: R, expected: &Digest, size: u64, hasher: Hasher, seen: u64) -> Self {
        VerifyReader {
            inner,
            hasher: Some(hasher),
            expected: expected.clone(),
            size,
            seen,
        }
    }

    /// Stops reading part-way and hands back what a later
    /// [`VerifyReader::resume`] needs: the hasher holding the bytes seen
    /// (none once the end was checked) and how many there were.
    pub fn into_state(self) -> (Option<Hasher>, u64) {
        (self.hasher, self.seen)
    }

    fn check_end(&mut self) -> io::Result<()> {
        if self.seen != self.size {
            return Err(Error::SizeMismatch {
                expected: self.size,
                actual: self.seen,
            }
            .into());
        }
        if let Some(h) = self.hasher.take() {
            let actual = h.finish();
            if actual != self.expected {
                return Err(Error::DigestMismatch {
                    expected: self.expected.to_string(),
                    actual: actual.to_string(),
                }
                .into());
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for VerifyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let remaining = self.size - self.seen;
        if remaining == 0 {
            // Probe for excess bytes: content longer than its descriptor is
            // as wrong as content that is shorter.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? != 0 {
                return Err(Error::SizeMismatch {
                    expected: self.size,
                    actual: self.size + 1,
                }
                .into());
            }
            self.check_end()?;
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            self.check_end()?;
            return Ok(0);
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.seen += n as u64;
        if self.seen == self.size {
            // The digest is checked before the last bytes are handed
            // over: a reader that stops at the expected size (an upload
            // with a Content-Length) never passes on wrong content whole.
            self.check_end()?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_JSON: &str =
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn parses_and_prints() {
        let d = Digest::parse(EMPTY_JSON).unwrap();
        assert_eq!(d.to_string(), EMPTY_JSON);
        assert_eq!(d, Digest::sha256(b"{}"));
        assert_eq!(d.short(), "44136fa355b3");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "sha256",
            "sha256:",
            "sha256:abc",
            "SHA256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "sha256:44136FA355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a0",
        ] {
            assert!(Digest::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn sha512_works() {
        let d = Digest::of_bytes(Algorithm::Sha512, b"");
        assert!(d.to_string().starts_with("sha512:cf83e1357eefb8bd"));
        assert_eq!(Digest::parse(&d.to_string()).unwrap(), d);
    }

    fn read_all(r: &mut dyn Read) -> std::result::Result<Vec<u8>, Error> {
        let mut v = Vec::new();
        r.read_to_end(&mut v)
            .map_err(|e| Error::from_io("read", e))?;
        Ok(v)
    }

    #[test]
    fn verify_reader_accepts_exact_content() {
        let d = Digest::sha256(b"hello");
        let mut r = VerifyReader::new(&b"hello"[..], &d, 5);
        assert_eq!(read_all(&mut r).unwrap(), b"hello");
    }

    #[test]
    fn verify_reader_rejects_wrong_bytes_short_and_long() {
        let d = Digest::sha256(b"hello");
        assert!(matches!(
            read_all(&mut VerifyReader::new(&b"hellO"[..], &d, 5)),
            Err(Error::DigestMismatch { .. })
        ));
        assert!(matches!(
            read_all(&mut VerifyReader::new(&b"hell"[..], &d, 5)),
            Err(Error::SizeMismatch {
                expected: 5,
                actual: 4
            })
        ));
        assert!(matches!(
            read_all(&mut VerifyReader::new(&b"hello!"[..], &d, 5)),
            Err(Error::SizeMismatch { .. })
        ));
    }

    #[test]
    fn verify_reader_resumes_from_a_prefix() {
        let d = Digest::sha256(b"hello world");
        let mut h = Hasher::new(Algorithm::Sha256);
        h.update(b"hello ");
        let mut r = VerifyReader::resume(&b"world"[..], &d, 11, h, 6);
        assert_eq!(read_all(&mut r).unwrap(), b"world");
    }
}
