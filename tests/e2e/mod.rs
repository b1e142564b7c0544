//! The ORAS CLI's own end-to-end suite (oras-project/oras, `test/e2e`),
//! ported to run against `oar`, which means to be a drop-in for `oras`.
//!
//! Two halves, so that following the next oras release is cheap:
//!
//! - the version-independent runtime, here: running the binary under the
//!   name `oras` (`exec`), the suite's matchers (`matchers`), its
//!   registries and directories (`env`, `seed`), OCI types (`ocispec`), and
//!   the inventory check (`inventory`);
//! - the versioned part, `suite` (today `v1_3_3`): the one version
//!   constant, the specs, the suite's `internal/testdata` constants, the
//!   generated inventory of the Go specs, and the list of specs left out
//!   with their reasons. Its fixtures are `tests/fixtures/oras-e2e/<tag>`,
//!   the suite's `testdata` as of the tag.
//!
//! Each Go `Describe`/`When`/`Context`/`It` is a module or a test whose
//! doc comment quotes the Go call, so a failure points back to its spec
//! and `inventory` can check the port against the Go source both ways.
//! The spec bodies keep the Go steps and assertions one for one.

/// `ORAS(args...)`: each argument is anything with `to_string()`.
macro_rules! oras {
    ($($arg:expr),* $(,)?) => {
        $crate::e2e::exec::oras(vec![$(::std::string::ToString::to_string(&$arg)),*])
    };
}

mod env;
mod exec;
mod inventory;
mod matchers;
mod ocispec;
mod seed;

mod v1_3_3;
/// The suite's testdata, which other tests use as real oras-made data.
pub use env::test_data_root;
/// The oras release whose suite is ported.
use v1_3_3 as suite;

/// What a spec module needs from the runtime.
mod prelude {
    pub use super::env::*;
    pub use super::exec::{Session, binary};
    pub use super::matchers::{StateKey, key, quote_meta};
    pub use super::ocispec::*;
    pub use crate::util::TempDir;
    pub use std::time::Duration;
}

/// A spec of the Go suite that is not ported, and why.
pub struct Unportable {
    /// `file: Describe / When / It`, as in the inventory.
    pub spec: &'static str,
    /// Why it cannot run here.
    pub reason: &'static str,
}
