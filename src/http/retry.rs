//! When and how long to wait before trying a request again: exponential
//! backoff with jitter, honouring `Retry-After`, within a bounded number of
//! attempts and a bounded total wait.

use std::cell::Cell;
use std::time::{Duration, SystemTime};

use crate::timefmt;

/// Retry settings. The defaults match oras: 5 retries, 250 ms base
/// doubling, 10 % jitter, each wait between 200 ms and 3 s.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// The first backoff.
    pub base: Duration,
    /// The smallest wait.
    pub min: Duration,
    /// The largest computed backoff.
    pub max: Duration,
    /// The longest `Retry-After` honoured; a longer one fails at once.
    pub max_retry_after: Duration,
    /// Upper bound on the total time spent waiting across all retries of one
    /// request.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base: Duration::from_millis(250),
            min: Duration::from_millis(200),
            max: Duration::from_secs(3),
            max_retry_after: Duration::from_secs(60),
            max_total: Duration::from_secs(120),
        }
    }
}

/// True for statuses worth retrying: 408, 429 and 5xx except 501 and 505,
/// which will not change on a retry.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..600).contains(&status) && !matches!(status, 501 | 505)
}

/// Parses `Retry-After` as delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = timefmt::parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

thread_local! {
    static RNG: Cell<u64> = Cell::new({
        let t = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
        (t ^ (u64::from(std::process::id()) << 32)) | 1
    });
}

/// A small xorshift generator: jitter needs spread, not cryptography.
fn next_random() -> u64 {
    RNG.with(|r| {
        let mut x = r.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r.set(x);
        x
    })
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (1-based), or `None` when the
    /// retries are used up or `retry_after` asks for too long a wait.
    pub fn backoff(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if attempt > self.max_retries {
            return None;
        }
        let wait = match retry_after {
            Some(ra) if ra > self.max_retry_after => return None,
            Some(ra) => ra.max(self.min),
            None => {
                let exp = self.base.saturating_mul(1u32 << (attempt - 1).min(16));
                let jitter_range = exp.as_millis() as u64 / 10;
                let jitter = if jitter_range == 0 {
                    0
                } else {
                    next_random() % (2 * jitter_range + 1)
                };
                let ms = (exp.as_millis() as u64 + jitter).saturating_sub(jitter_range);
                Duration::from_millis(ms).clamp(self.min, self.max)
            }
        };
        (waited + wait <= self.max_total).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 501, 505] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn backoff_grows_and_stops() {
        let p = RetryPolicy::default();
        let w1 = p.backoff(1, None, Duration::ZERO).unwrap();
        assert!(
            w1 >= Duration::from_millis(225) && w1 <= Duration::from_millis(275),
            "{w1:?}"
        );
        let w3 = p.backoff(3, None, Duration::ZERO).unwrap();
        assert!(
            w3 >= Duration::from_millis(900) && w3 <= Duration::from_millis(1100),
            "{w3:?}"
        );
        assert_eq!(
            p.backoff(5, None, Duration::ZERO).unwrap(),
            Duration::from_secs(3)
        );
        assert!(p.backoff(6, None, Duration::ZERO).is_none());
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(2)), Duration::ZERO),
            Some(Duration::from_secs(2))
        );
        assert!(
            p.backoff(1, Some(Duration::from_secs(3600)), Duration::ZERO)
                .is_none()
        );
        assert!(
            p.backoff(1, Some(Duration::from_secs(2)), Duration::from_secs(119))
                .is_none()
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
