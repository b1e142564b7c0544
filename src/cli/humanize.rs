//! Sizes and durations as oras prints them to people: sizes in 1024-based
//! units rounded to at most four digits and written as Go's `%g %2s`
//! (`190.7 MB`, `512  B`), durations rounded as oras rounds them and
//! written as Go writes a `time.Duration` (`3s`, `1m5s`, `350ms`, `12µs`).
//! The live progress and the backup/restore summaries share them.

use std::time::Duration;

/// A size as a value and its unit (`(190.7, "MB")`).
pub fn size(bytes: u64) -> (f64, &'static str) {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let f = bytes as f64;
    if f < 1024.0 {
        return (f, UNITS[0]);
    }
    let e = ((f.ln() / 1024f64.ln()).floor() as usize).min(UNITS.len() - 1);
    (round_to(f / 1024f64.powi(e as i32)), UNITS[e])
}

/// Keeps a value to at most four characters of digits, as oras rounds.
pub fn round_to(value: f64) -> f64 {
    if value < 10.0 {
        (value * 100.0).round() / 100.0
    } else if value < 100.0 {
        (value * 10.0).round() / 10.0
    } else {
        value.round()
    }
}

/// `190.7 MB`, `512  B`.
pub fn bytes(n: u64) -> String {
    let (value, unit) = size(n);
    format!("{value} {unit:>2}")
}

/// A size in running text, without the column padding: `190.7 MB`,
/// `512 B`.
pub fn prose(n: u64) -> String {
    let (value, unit) = size(n);
    format!("{value} {unit}")
}

/// A duration rounded to the second above a second, to the millisecond
/// above a millisecond, else to the microsecond: `1m5s`, `350ms`, `12µs`.
pub fn duration(d: Duration) -> String {
    let ns = d.as_nanos();
    let round = |unit: u128| (ns + unit / 2) / unit * unit;
    let ns = if ns > 1_000_000_000 {
        round(1_000_000_000)
    } else if ns > 1_000_000 {
        round(1_000_000)
    } else {
        round(1_000)
    };
    if ns == 0 {
        return "0s".into();
    }
    if ns < 1_000_000 {
        return format!("{}µs", ns / 1_000);
    }
    if ns < 1_000_000_000 {
        return format!("{}ms", ns / 1_000_000);
    }
    let secs = ns / 1_000_000_000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_oras_writes_them() {
        assert_eq!(bytes(512), "512  B");
        assert_eq!(bytes(1024), "1 KB");
        assert_eq!(bytes(1536), "1.5 KB");
        assert_eq!(bytes(10 * 1024 * 1024 + 200 * 1024), "10.2 MB");
        assert_eq!(bytes(190_700_000), "182 MB");
        assert_eq!(bytes(50_000_000), "47.7 MB");
        assert_eq!(bytes(1024 * 1024 * 5 / 2), "2.5 MB");
        assert_eq!(bytes(1 << 30), "1 GB");
        assert_eq!(size(1 << 30), (1.0, "GB"));
        assert_eq!(prose(512), "512 B");
        assert_eq!(prose(12 << 20), "12 MB");
    }

    #[test]
    fn durations_as_go_writes_them() {
        assert_eq!(duration(Duration::from_millis(1500)), "2s");
        assert_eq!(duration(Duration::from_millis(3400)), "3s");
        assert_eq!(duration(Duration::from_secs(65)), "1m5s");
        assert_eq!(duration(Duration::from_secs(3661)), "1h1m1s");
        assert_eq!(duration(Duration::from_micros(350_400)), "350ms");
        assert_eq!(duration(Duration::from_millis(150)), "150ms");
        assert_eq!(duration(Duration::from_micros(999_700)), "1s");
        assert_eq!(duration(Duration::from_micros(12)), "12µs");
        assert_eq!(duration(Duration::ZERO), "0s");
    }
}
