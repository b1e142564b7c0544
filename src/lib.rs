//! `oar`: a small, blocking ORAS client library.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod descriptor;
pub mod digest;
pub mod error;
pub mod http;
pub mod manifest;
pub mod media_type;
pub mod reference;
pub mod timefmt;

pub use descriptor::{Descriptor, Platform};
pub use digest::Digest;
pub use error::{Error, Result};
pub use reference::Reference;
pub mod archive;
pub mod auth;
pub mod content;
pub mod copy;
pub mod credentials;
pub mod fsutil;
pub mod ops;
pub mod pathsafe;
pub mod registry;
