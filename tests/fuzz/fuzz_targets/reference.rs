//! References, digests, platforms and `--resolve` entries: parse or fail,
//! never panic; what parses prints back to something that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(r) = oar::Reference::parse(s) {
        let again = oar::Reference::parse(&r.to_string()).expect("a printed reference parses");
        assert_eq!(again, r);
        let _ = r.host();
        let _ = r.selector();
    }
    if let Ok(d) = oar::Digest::parse(s) {
        assert_eq!(d.to_string(), s);
    }
    let _ = oar::Platform::parse(s);
    let _ = oar::http::ResolveEntry::parse(s);
    let _ = oar::fuzzing::normalize(s);
    let _ = oar::fuzzing::resolve("http://r:5000/v2/x/", s);
    let _ = oar::fuzzing::origin(s);
    let _ = oar::fuzzing::decode_component(s);
});
