//! Hand-built tar archives for hostile directory layers: every header is
//! written as given, unchecked, straight into a gzip stream (so a 256 MiB
//! long name costs the test no memory), while the uncompressed tar is
//! hashed for the layer's content-digest annotation. Layers are pushed
//! into an OCI layout with the library.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use sha2::Digest as _;

/// Entry types.
pub const FILE: u8 = b'0';
pub const HARD: u8 = b'1';
pub const SYMLINK: u8 = b'2';
pub const CHAR_DEV: u8 = b'3';
pub const DIR: u8 = b'5';
pub const FIFO: u8 = b'6';

/// A tar archive being written.
pub struct Tar {
    gz: flate2::write::GzEncoder<Vec<u8>>,
    hash: sha2::Sha256,
}

/// A finished archive: the gzip bytes and the uncompressed digest.
pub struct Layer {
    /// The gzipped tar.
    pub gz: Vec<u8>,
    /// `sha256:<hex>` of the uncompressed tar.
    pub tar_digest: String,
}

fn header(name: &[u8], kind: u8, link: &[u8], mode: u32, mtime: u64, size: u64) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    h[100..107].copy_from_slice(format!("{:07o}", mode & 0o7777777).as_bytes());
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[136..147].copy_from_slice(format!("{mtime:011o}").as_bytes());
    h[156] = kind;
    h[157..157 + link.len().min(100)].copy_from_slice(&link[..link.len().min(100)]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    h
}

impl Default for Tar {
    fn default() -> Self {
        Tar::new()
    }
}

impl Tar {
    /// An empty archive.
    pub fn new() -> Tar {
        Tar {
            gz: flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()),
            hash: sha2::Sha256::new(),
        }
    }

    /// Raw bytes of the tar stream.
    pub fn raw(&mut self, data: &[u8]) -> &mut Self {
        self.gz.write_all(data).unwrap();
        self.hash.update(data);
        self
    }

    fn pad(&mut self, size: u64) {
        let pad = (512 - size % 512) % 512;
        self.raw(&vec![0u8; pad as usize]);
    }

    /// One entry; names and link targets over 100 bytes get GNU long-name
    /// headers first.
    pub fn entry(
        &mut self,
        name: &str,
        kind: u8,
        link: &str,
        mode: u32,
        mtime: u64,
        data: &[u8],
    ) -> &mut Self {
        if link.len() > 100 {
            self.extension(b'K', link.as_bytes());
        }
        if name.len() > 100 {
            self.extension(b'L', name.as_bytes());
        }
        let h = header(
            name.as_bytes(),
            kind,
            link.as_bytes(),
            mode,
            mtime,
            data.len() as u64,
        );
        self.raw(&h).raw(data);
        self.pad(data.len() as u64);
        self
    }

    fn extension(&mut self, kind: u8, value: &[u8]) {
        let mut data = value.to_vec();
        data.push(0);
        let h = header(b"././@LongLink", kind, b"", 0o644, 0, data.len() as u64);
        self.raw(&h).raw(&data);
        self.pad(data.len() as u64);
    }

    /// A directory (`name` ends with `/`).
    pub fn dir(&mut self, name: &str, mode: u32) -> &mut Self {
        self.entry(name, DIR, "", mode, 978_307_200, b"")
    }

    /// A regular file, mode 0644.
    pub fn file(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.entry(name, FILE, "", 0o644, 978_307_200, data)
    }

    /// A symbolic link.
    pub fn symlink(&mut self, name: &str, target: &str) -> &mut Self {
        self.entry(name, SYMLINK, target, 0o777, 978_307_200, b"")
    }

    /// A hard link to an earlier entry (archive path).
    pub fn hard_link(&mut self, name: &str, target: &str) -> &mut Self {
        self.entry(name, HARD, target, 0o644, 978_307_200, b"")
    }

    /// An entry of `kind` (a file, or an extended header `L`, `K`, `x`)
    /// whose header claims `size` bytes, followed by that many `fill`
    /// bytes, streamed in 1 MiB pieces.
    pub fn huge_entry(&mut self, name: &str, kind: u8, size: u64, fill: u8) -> &mut Self {
        let h = header(name.as_bytes(), kind, b"", 0o644, 0, size);
        self.raw(&h);
        let chunk = vec![fill; 1 << 20];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            self.raw(&chunk[..n]);
            left -= n as u64;
        }
        self.pad(size);
        self
    }

    /// Ends the archive (two zero blocks).
    pub fn finish(&mut self) -> Layer {
        self.raw(&[0u8; 1024]);
        let gz = std::mem::replace(
            &mut self.gz,
            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()),
        )
        .finish()
        .unwrap();
        let digest = std::mem::take(&mut self.hash).finalize();
        Layer {
            gz,
            tar_digest: format!(
                "sha256:{}",
                digest
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            ),
        }
    }
}

/// One layer of an artifact pushed with the library: a file (by content)
/// or a directory layer.
pub enum Part<'a> {
    /// A plain file layer titled `title`.
    File(&'a str, &'a [u8]),
    /// A directory layer titled `title`, with its uncompressed digest
    /// (`None`: the true one).
    Dir(&'a str, &'a Layer, Option<&'a str>),
}

/// Pushes an artifact made of `parts`, in order, into the OCI layout at
/// `root`, tagged `tag`.
pub fn push_artifact(root: &Path, tag: &str, parts: &[Part<'_>]) {
    use oar::content::layout::OciLayout;
    use oar::content::{Tagger, push_bytes};
    use oar::ops::pack::{PackOptions, pack};
    let layout = OciLayout::new(root);
    let mut layers = Vec::new();
    for part in parts {
        let (desc, bytes) = match part {
            Part::File(title, data) => {
                let mut d = oar::Descriptor::from_bytes(oar::media_type::OCI_LAYER_TAR, data);
                d.set_annotation("org.opencontainers.image.title", *title);
                (d, data.to_vec())
            }
            Part::Dir(title, layer, digest) => {
                let mut d =
                    oar::Descriptor::from_bytes(oar::media_type::OCI_LAYER_TAR_GZIP, &layer.gz);
                d.set_annotation("org.opencontainers.image.title", *title);
                d.set_annotation("io.deis.oras.content.unpack", "true");
                d.set_annotation(
                    "io.deis.oras.content.digest",
                    digest.unwrap_or(&layer.tar_digest),
                );
                (d, layer.gz.clone())
            }
        };
        push_bytes(&layout, &desc, &bytes).unwrap();
        layers.push(desc);
    }
    let opts = PackOptions::default().artifact_type("x/hostile");
    let packed = pack(layers, &opts).unwrap();
    for (desc, bytes) in &packed.generated {
        push_bytes(&layout, desc, bytes).unwrap();
    }
    layout
        .push_tagged(&packed.desc, &packed.bytes, tag)
        .unwrap();
}
