//! The verbs: packing and pushing files, pulling them back, and the events
//! they report as they go. The command line turns events into oras's
//! status lines; a library user can ignore them or drive a progress bar.

pub mod pack;
pub mod pull;
pub mod push;

use crate::descriptor::Descriptor;

/// Something that happened to one node of the content graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// About to upload.
    Uploading,
    /// Upload finished.
    Uploaded,
    /// Already at the destination; not sent.
    Exists,
    /// Not transferred (a duplicate, or a layer without a file name).
    Skipped,
    /// About to download.
    Downloading,
    /// A manifest being read for its children.
    Processing,
    /// Download finished and verified.
    Downloaded,
    /// Written from content already on disk (a duplicate, or a complete
    /// file from an earlier run).
    Restored,
    /// About to copy between stores.
    Copying,
    /// Copy finished.
    Copied,
    /// Mounted from another repository of the same registry (no bytes
    /// moved).
    Mounted,
}

impl Action {
    /// The status word oras prints; the command pads it to its column.
    pub fn word(self) -> &'static str {
        match self {
            Action::Uploading => "Uploading",
            Action::Uploaded => "Uploaded",
            Action::Exists => "Exists",
            Action::Skipped => "Skipped",
            Action::Downloading => "Downloading",
            Action::Processing => "Processing",
            Action::Downloaded => "Downloaded",
            Action::Restored => "Restored",
            Action::Copying => "Copying",
            Action::Copied => "Copied",
            Action::Mounted => "Mounted",
        }
    }
}

/// Receives events. `FnMut(Action, &Descriptor)` closures implement it.
pub trait Observer {
    /// One event.
    fn event(&mut self, action: Action, desc: &Descriptor);
}

impl<F: FnMut(Action, &Descriptor)> Observer for F {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        self(action, desc)
    }
}

/// An observer that ignores everything.
pub fn quiet() -> impl Observer {
    |_: Action, _: &Descriptor| {}
}
