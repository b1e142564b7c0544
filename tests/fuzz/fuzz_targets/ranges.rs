//! `Content-Range` and upload `Range` values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Some((start, end, total)) = oar::fuzzing::parse_content_range(s) {
        assert!(start <= end);
        assert!(total.is_none_or(|t| end < t));
    }
    let _ = oar::fuzzing::parse_upload_range(s);
    let _ = oar::http::parse_retry_after(s, std::time::SystemTime::now());
});
