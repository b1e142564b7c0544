//! `Link` headers: the next page target, and the same-origin rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = oar::fuzzing::next_target(s);
    if let Ok(Some(next)) = oar::fuzzing::next_page("http://r:5000/v2/_catalog?n=1", Some(s)) {
        assert_eq!(oar::fuzzing::origin(&next).as_deref(), Some("http://r:5000"));
    }
});
