//! A transport wrapper that makes a waiting read answer a [`Cancel`]:
//! instead of one read that may block for the whole stall timeout, it waits
//! in slices of [`CHECK_INTERVAL`] and looks at the flag between them.
//! Placed right above TCP in the connector chain, so plain HTTP and TLS
//! (whose reads come down to it) are both covered. The stall timeout keeps
//! its meaning: the slices add up to it.

use std::fmt;
use std::time::Instant;

use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

use crate::cancel::{CHECK_INTERVAL, Cancel};

/// Wraps each new connection in a [`Cancelling`] transport, when there is a
/// flag to watch.
pub(crate) struct CancelConnector {
    pub(crate) cancel: Option<Cancel>,
}

impl fmt::Debug for CancelConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelConnector")
    }
}

impl<In: Transport> Connector<In> for CancelConnector {
    type Out = Cancelling<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Cancelling {
            inner,
            cancel: self.cancel.clone(),
        }))
    }
}

/// A transport whose reads stop when the flag is set.
pub(crate) struct Cancelling<In> {
    inner: In,
    cancel: Option<Cancel>,
}

impl<In> fmt::Debug for Cancelling<In> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cancelling")
    }
}

/// The error of a cancelled read or write: an interruption carrying
/// [`Error::Cancelled`](crate::Error::Cancelled), which
/// [`Error::from_io`](crate::Error::from_io) recovers wherever it surfaces
/// (a request, or the body of a download).
fn interrupted() -> ureq::Error {
    ureq::Error::Io(std::io::Error::new(
        std::io::ErrorKind::Interrupted,
        crate::Error::Cancelled,
    ))
}

impl<In: Transport> Transport for Cancelling<In> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
            return Err(interrupted());
        }
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let Some(cancel) = self.cancel.clone() else {
            return self.inner.await_input(timeout);
        };
        // The per-read limit applies to the whole wait, not to each slice.
        let timeout = timeout.for_read();
        let started = Instant::now();
        loop {
            if cancel.is_cancelled() {
                return Err(interrupted());
            }
            let left = if timeout.after.is_not_happening() {
                None
            } else {
                Some(timeout.after.saturating_sub(started.elapsed()))
            };
            if left.is_some_and(|l| l.is_zero()) {
                return Err(ureq::Error::Timeout(timeout.reason));
            }
            let slice = left.map_or(CHECK_INTERVAL, |l| l.min(CHECK_INTERVAL));
            let attempt = NextTimeout {
                after: UreqDuration::Exact(slice),
                reason: timeout.reason,
                per_read: None,
                per_write: timeout.per_write,
            };
            match self.inner.await_input(attempt) {
                // The slice ran out with nothing read: look at the flag,
                // then wait again.
                Err(ureq::Error::Timeout(_)) => continue,
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
