//! oras v1.3.3's end-to-end suite (`test/e2e/suite` at tag v1.3.3), ported.
//! `VERSION` is the one place the tag is named: the fixtures directory
//! and the inventory are found through it.

/// The oras release whose suite this is, as its tag is spelt.
pub const VERSION: &str = "v1.3.3";

mod testdata;

mod auth;
mod command;
mod scenario;

/// What a spec module needs: the runtime and this version's testdata.
mod prelude {
    pub use super::testdata::*;
    pub use crate::e2e::prelude::*;
}

/// The inventory of the Go specs at this tag, generated from the Go
/// source by `tests/e2e/inventory.py`: one line per `It`, `file: Describe
/// / When / It`.
pub const INVENTORY: &str = include_str!("inventory.txt");

use super::Unportable;

/// The specs of this version that are not ported, each with its reason.
/// Each needs what only ORAS's distribution fork (`ghcr.io/oras-project/
/// registry`, the suite's `Host`) serves: OCI artifact manifests
/// (`application/vnd.oci.artifact.manifest.v1+json`, image-spec
/// v1.1.0-rc2), which Debian's distribution 2.8 neither stores nor serves,
/// listed through the fork's referrers API. The seed data of `Host` holds
/// them only in the fork's own `_referrers` index. The other allowed
/// reason: a spec Go builds for darwin only.
pub const UNPORTABLE: &[Unportable] = &[
    Unportable {
        spec: "command/cp.go: OCI image spec v1.1.0-rc2 artifact users: / should copy an image and its referrers to a new repository",
        reason: "copies the artifact manifest sha256:8d7a27ff… and its artifact-manifest referrer from Host; needs OCI artifact manifests and the fork's referrers API",
    },
    Unportable {
        spec: "command/pull.go: OCI image spec v1.1.0-rc2 artifact users: / should pull subject",
        reason: "needs ORAS's distribution fork's features: its subject's referrer is an OCI artifact manifest, listed through the fork's referrers API on Host",
    },
    Unportable {
        spec: "command/resolve_host.go: 1.1 registry users: / custom host is provided / should discover direct referrers of a subject",
        reason: "OCI artifact manifests: it expects SBOMArtifactReferrer (application/vnd.oci.artifact.manifest.v1+json) among the referrers `Host` lists through the fork's referrers API",
    },
    Unportable {
        spec: "command/version_darwin.go: ORAS darwin user: / checking oras version / should run version command and show OS/Arch information",
        reason: "darwin-only: Go builds version_darwin.go for darwin alone, and the suite runs on linux",
    },
];

/// The suite and the binary agree on the oras release: `oras version`
/// says it follows the release this suite was ported from, so moving to
/// a new suite means moving the binary's constant with it.
#[test]
fn the_binary_follows_this_suite_version() {
    oras!("version")
        .match_key_words(&[format!("\nFollows:        oras {VERSION}\n")])
        .exec();
}
