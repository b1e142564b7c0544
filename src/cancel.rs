//! A cancel handle: one flag, cloneable and shared across threads, that a
//! program sets (from another thread, a signal handler, a UI) to stop the
//! work it handed to oar. The HTTP layer checks it at least every
//! [`CHECK_INTERVAL`] while a read waits on a silent connection, so a
//! cancelled request ends at once even on a stalled link, with
//! [`Error::Cancelled`](crate::Error::Cancelled); what a download had
//! written is kept for a resume, as after any other interruption.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a waiting read looks at the flag.
pub const CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// A cancel flag; clones share it.
///
/// ```
/// let cancel = oar::cancel::Cancel::new();
/// let other = cancel.clone();
/// std::thread::spawn(move || other.cancel()).join().unwrap();
/// assert!(cancel.is_cancelled());
/// ```
#[derive(Clone, Debug)]
pub struct Cancel(Flag);

#[derive(Clone, Debug)]
enum Flag {
    Shared(Arc<AtomicBool>),
    /// A flag in a `static`: a signal handler can set it without touching
    /// anything that allocates or locks.
    Static(&'static AtomicBool),
}

impl Cancel {
    /// A fresh flag, not set.
    pub fn new() -> Cancel {
        Cancel(Flag::Shared(Arc::new(AtomicBool::new(false))))
    }

    /// A handle over a flag in a `static`, which a signal handler sets.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// static CTRL_C: AtomicBool = AtomicBool::new(false);
    /// let cancel = oar::cancel::Cancel::from_static(&CTRL_C);
    /// CTRL_C.store(true, Ordering::SeqCst);
    /// assert!(cancel.is_cancelled());
    /// ```
    pub fn from_static(flag: &'static AtomicBool) -> Cancel {
        Cancel(Flag::Static(flag))
    }

    /// Sets the flag: the work stops at its next check.
    pub fn cancel(&self) {
        self.flag().store(true, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.flag().load(Ordering::SeqCst)
    }

    fn flag(&self) -> &AtomicBool {
        match &self.0 {
            Flag::Shared(f) => f,
            Flag::Static(f) => f,
        }
    }
}

/// Sleeps `wait` (a back-off before a retry), in slices that watch
/// `cancel`: a cancelled wait ends at once with
/// [`Error::Cancelled`](crate::Error::Cancelled).
pub fn pause(cancel: Option<&Cancel>, wait: Duration) -> crate::Result<()> {
    let until = std::time::Instant::now() + wait;
    loop {
        if cancel.is_some_and(Cancel::is_cancelled) {
            return Err(crate::Error::Cancelled);
        }
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(CHECK_INTERVAL));
    }
}

impl Default for Cancel {
    fn default() -> Cancel {
        Cancel::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_static_flag_is_the_handle_a_signal_handler_sets() {
        static FLAG: AtomicBool = AtomicBool::new(false);
        let cancel = Cancel::from_static(&FLAG);
        assert!(!cancel.is_cancelled());
        FLAG.store(true, Ordering::SeqCst);
        assert!(cancel.is_cancelled(), "set through the static");
        assert!(!Cancel::new().is_cancelled(), "a fresh flag is its own");
    }

    #[test]
    fn a_cancelled_pause_ends_at_once() {
        let cancel = Cancel::new();
        let started = std::time::Instant::now();
        assert!(pause(Some(&cancel), Duration::from_millis(30)).is_ok());
        assert!(started.elapsed() >= Duration::from_millis(30));
        let other = cancel.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        let started = std::time::Instant::now();
        let r = pause(Some(&cancel), Duration::from_secs(30));
        assert!(matches!(r, Err(crate::Error::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(2));
        t.join().unwrap();
    }
}
