//! The verbs built on the graph engine ([`crate::copy`]): packing files
//! into a manifest, pushing them, attaching referrers, and pulling them
//! back into a directory. Each reports what it does to an
//! [`Observer`](crate::copy::Observer); the command line turns that into
//! oras's status lines, a library user can ignore it or draw progress.

pub mod pack;
pub mod pull;
pub mod push;
