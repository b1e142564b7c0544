//! The two things the command line needs from the operating system that std
//! does not offer, and the only `unsafe` code in oar:
//!
//! - **Ctrl-C as a flag** while a transfer is [`armed`]: SIGINT sets
//!   [`interrupted`] instead of ending the process, so the transfer stops at
//!   its next byte, keeps what it wrote for a resume, and says so before
//!   exiting 130. When nothing is armed (a command that moves no bytes),
//!   Ctrl-C ends the process at once, as it always did. The handler is installed
//!   without `SA_RESTART`, so a read blocked on a silent connection returns
//!   `EINTR` at once rather than waiting for its timeout; and with
//!   `SA_RESETHAND`, so a second Ctrl-C ends the process as usual.
//! - **The terminal's size** for live progress, asked of the kernel
//!   (`TIOCGWINSZ` on stderr) rather than of a program found through
//!   `PATH`: a pull may write an executable into a directory on `PATH`.
//!
//! The library never installs handlers: that is a program's decision.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static ARMED: AtomicBool = AtomicBool::new(false);

/// The SIGINT handler: atomics, and `raise`, all async-signal-safe. The
/// disposition is already back to the default (`SA_RESETHAND`), so raising
/// the signal again ends the process as an unhandled Ctrl-C does.
extern "C" fn on_interrupt(signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
    if !ARMED.load(Ordering::SeqCst) {
        // SAFETY: raise is async-signal-safe.
        unsafe {
            libc::raise(signal);
        }
    }
}

/// From now on a Ctrl-C is a request to stop the transfer (checked through
/// [`interrupted`]) rather than the end of the process.
pub fn arm() {
    ARMED.store(true, Ordering::SeqCst);
}

/// Turns Ctrl-C into [`interrupted`] for the rest of the process (the
/// first press; a second one ends the process). Best effort: where the
/// handler cannot be installed, Ctrl-C ends the process as before.
pub fn catch_interrupt() {
    // SAFETY: `sigaction` is given a zeroed, then fully set, struct that
    // lives across the call; the handler only stores to an atomic.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESETHAND;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

/// The flag Ctrl-C sets, for the library's cancel handle.
pub fn interrupt_flag() -> &'static AtomicBool {
    &INTERRUPTED
}

/// True once Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The `(columns, rows)` of the terminal on stderr, or `None` when stderr
/// is not a terminal or the kernel does not know.
pub fn terminal_size() -> Option<(usize, usize)> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which
    // points at a live, writable struct of that type.
    let rc = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut size) };
    (rc == 0 && size.ws_col > 0 && size.ws_row > 0)
        .then_some((usize::from(size.ws_col), usize::from(size.ws_row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_terminal_no_size() {
        // Under the test harness stderr is a pipe or a file: the kernel
        // answers ENOTTY, never a made-up size.
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            assert_eq!(terminal_size(), None);
        }
    }
}
