//! `oar`: a small, blocking ORAS client library.
//!
//! It pushes and pulls OCI artifacts (any files, not only container
//! images) to and from OCI registries and OCI image layouts, with the
//! behaviour of the ORAS CLI 1.2: the same manifests, the same directory
//! layers, the same referrers handling. Everything streams through bounded
//! buffers, every byte is verified against its digest before a file takes
//! its final name, and interrupted transfers resume.
//!
//! The layers, lowest first:
//!
//! - [`digest`], [`mod@reference`], [`descriptor`], [`manifest`],
//!   [`media_type`]: the data model, no I/O;
//! - [`content`]: the storage traits and the OCI-layout, memory and file
//!   stores; [`archive`]: directory layers; [`credentials`]: docker
//!   config files and credential helpers;
//! - [`http`] and [`auth`]: transport, retries, and the token flow;
//! - [`registry`]: a registry repository as a store;
//! - [`ops`] and [`copy`]: the verbs.
//!
//! # Example
//!
//! Push a file into an OCI image layout and pull it back (no server
//! needed):
//!
//! ```
//! use oar::content::files::FileStore;
//! use oar::content::layout::OciLayout;
//! use oar::ops::pack::{PackOptions, pack};
//! use oar::ops::pull::{PullOptions, pull};
//! use oar::ops::push::{Upload, push_packed};
//!
//! let dir = std::env::temp_dir().join(format!("oar-doc-{}", std::process::id()));
//! oar::fsutil::ensure_dir(&dir)?;
//! oar::fsutil::write_atomic(&dir.join("hello.txt"), b"hello", 0o644)?;
//!
//! let layout = OciLayout::new(dir.join("layout"));
//! let file = Upload::file(&dir.join("hello.txt"), oar::media_type::OCI_LAYER_TAR, "hello.txt")?;
//! let packed = pack(
//!     vec![file.desc.clone()],
//!     &PackOptions { artifact_type: Some("application/vnd.example".into()), ..Default::default() },
//! )?;
//! push_packed(&layout, &packed, vec![file], Some("v1"), &mut oar::ops::quiet())?;
//!
//! let out = FileStore::new(&dir.join("out"), false, false)?;
//! let pulled = pull(&layout, "v1", &out, &PullOptions::default(), &Default::default(), &mut oar::ops::quiet())?;
//! assert_eq!(pulled.root.digest, packed.desc.digest);
//! assert_eq!(std::fs::read(dir.join("out/hello.txt")).unwrap(), b"hello");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), oar::Error>(())
//! ```
//!
//! Against a registry, open a [`registry::Repository`] and use it the same
//! way:
//!
//! ```no_run
//! use oar::credentials::store::Store;
//! use oar::registry::{Registry, RegistryOptions};
//!
//! let reference = oar::Reference::parse("localhost:5000/hello:v1")?;
//! let credentials = Box::new(Store::from_paths(&[])?); // ~/.docker/config.json
//! let registry = Registry::new(&reference.registry, RegistryOptions::default(), credentials)?;
//! let repo = registry.repository(&reference.repository);
//! let (desc, manifest) = oar::content::Resolver::fetch_reference(&repo, "v1")?;
//! println!("{} is {} bytes: {}", desc.digest, desc.size, String::from_utf8_lossy(&manifest));
//! # Ok::<(), oar::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod archive;
pub mod auth;
pub mod content;
pub mod copy;
pub mod credentials;
pub mod descriptor;
pub mod digest;
pub mod error;
pub mod fsutil;
pub mod http;
pub mod manifest;
pub mod media_type;
pub mod ops;
pub mod pathsafe;
pub mod reference;
pub mod registry;
pub mod text;
pub mod timefmt;

pub use descriptor::{Descriptor, Platform};
pub use digest::Digest;
pub use error::{Error, Result};
pub use reference::Reference;
