//! `oar`: a small, blocking ORAS client library.
//!
//! It pushes and pulls OCI artifacts (any files, not only container
//! images) to and from OCI registries and OCI image layouts, with the
//! behaviour of the ORAS CLI 1.2: the same manifests, the same directory
//! layers, the same referrers handling. Everything streams through bounded
//! buffers, every byte is verified against its digest before a file takes
//! its final name, and interrupted transfers resume. Every type a program
//! shares is `Send + Sync`: one [`registry::Repository`] (and its token
//! cache) or one [`content::layout::OciLayout`] can serve a thread pool.
//!
//! The layers, lowest first:
//!
//! - [`digest`], [`mod@reference`], [`descriptor`], [`manifest`],
//!   [`media_type`], [`error`], [`text`]: the data model, no I/O;
//! - [`content`]: the storage traits and the OCI-layout, memory and file
//!   stores; [`archive`]: directory layers; [`credentials`]: docker
//!   config files and credential helpers;
//! - [`http`] and [`auth`]: transport, retries, and the token flow;
//!   [`diagnostics`]: the one hook for warnings, notes and request traces;
//! - [`registry`]: a registry repository as a store;
//! - [`copy`]: the one graph engine every transfer walks with, and
//!   [`ops`]: push, attach and pull built on it.
//!
//! `use oar::prelude::*;` brings the traits into scope.
//!
//! # Example
//!
//! Push bytes into an OCI image layout and pull them back into a directory
//! (no server needed):
//!
//! ```
//! use oar::content::files::{FileStore, FileStoreOptions};
//! use oar::content::layout::OciLayout;
//! use oar::ops::pull::{PullOptions, pull};
//! use oar::ops::push::{Upload, push};
//!
//! let dir = std::env::temp_dir().join(format!("oar-doc-{}", std::process::id()));
//! let layout = OciLayout::new(dir.join("layout"));
//! let hello = Upload::bytes(b"hello".to_vec(), "text/plain", "hello.txt");
//! let pushed = push(&layout, "application/vnd.example", vec![hello], Some("v1"))?;
//!
//! let out = FileStore::new(&dir.join("out"), FileStoreOptions::default())?;
//! let pulled = pull(&layout, "v1", &out, &PullOptions::default(), &mut oar::copy::quiet())?;
//! assert_eq!(pulled.root.digest, pushed.digest);
//! assert_eq!(std::fs::read(dir.join("out/hello.txt")).unwrap(), b"hello");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), oar::Error>(())
//! ```
//!
//! Against a registry, open a [`registry::Repository`] and use it the same
//! way:
//!
//! ```no_run
//! use oar::prelude::*;
//! use oar::registry::{RegistryOptions, Repository};
//!
//! // Credentials come from ~/.docker/config.json and its helpers.
//! let repo = Repository::open("localhost:5000/hello", RegistryOptions::default())?;
//! let (desc, manifest) = repo.fetch_reference("v1")?;
//! println!("{} is {} bytes: {}", desc.digest, desc.size, String::from_utf8_lossy(&manifest));
//! # Ok::<(), oar::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod archive;
pub mod auth;
pub mod cancel;
pub mod content;
pub mod copy;
pub mod credentials;
pub mod descriptor;
pub mod diagnostics;
pub mod digest;
pub mod error;
pub(crate) mod fsutil;
pub mod http;
pub mod manifest;
pub mod media_type;
pub mod ops;
pub(crate) mod pathsafe;
pub mod prelude;
pub mod reference;
pub mod registry;
pub mod text;
pub(crate) mod timefmt;

pub use descriptor::{Descriptor, Platform};
pub use digest::Digest;
pub use error::{Error, Result};
pub use reference::Reference;

/// The parsers of untrusted input, for the fuzz targets in `tests/fuzz`
/// (feature `fuzzing`); not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::http::url::{decode_component, origin, resolve};
    pub use crate::pathsafe::normalize;
    pub use crate::registry::link::{next_page, next_target};
    pub use crate::registry::range::{parse_content_range, parse_upload_range};
}
