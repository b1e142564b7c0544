//! The suite's `scenario` specs (`test/e2e/suite/scenario`): featured
//! scenarios chaining several commands, one file per Go file. Both Go containers are `Ordered`: their specs share the
//! files of `BeforeAll` and run in order, a failure skipping the rest, so
//! each container is one test here that runs its specs in turn and names
//! the one that fails.

use super::prelude::*;

mod oci_artifact;
mod oci_image;

/// Runs the specs of an ordered container in turn; a failure names the
/// spec, as ginkgo's report would.
pub fn ordered(specs: &[(&str, &dyn Fn())]) {
    for (name, spec) in specs {
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(spec)) {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("It({name:?}) failed (later specs of the container skipped):\n{why}");
        }
    }
}

/// Each file diffs equal to its pulled copy under `pull_root`.
#[track_caller]
pub fn diff_files(work_dir: &std::path::Path, pull_root: &str, files: &[&str]) {
    for f in files {
        binary("diff", &[f, &format!("{pull_root}/{f}")])
            .with_work_dir(work_dir)
            .with_description(&format!("download identical file {f}"))
            .exec();
    }
}
