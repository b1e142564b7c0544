//! The traits most programs need in scope, in one import:
//!
//! ```
//! use oar::prelude::*;
//! ```

pub use crate::content::{
    BlobResolver, Deleter, Mounter, ReferrerLister, Resolver, Storage, TagLister, Tagger, Target,
};
pub use crate::copy::{Hooks, Observer};
pub use crate::credentials::CredentialSource;
pub use crate::diagnostics::Diagnostics;
