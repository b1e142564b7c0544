//! The verbs built on the graph engine ([`crate::copy`]): packing files
//! into a manifest, pushing them, attaching referrers, pulling them back
//! into a directory, and backing artifacts up into an OCI layout (a
//! directory or a tar archive) and restoring them. Each reports what it does to an
//! [`Observer`](crate::copy::Observer); the command line turns that into
//! oras's status lines, a library user can ignore it or draw progress.

pub mod backup;
pub mod index;
pub mod pack;
pub mod pull;
pub mod push;
pub mod restore;
