//! `WWW-Authenticate` challenges and token scopes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for c in oar::auth::challenge::parse(s) {
        let _ = c.param("realm");
        if let Some(scope) = c.param("scope") {
            let scopes = oar::auth::Scopes::parse(scope);
            let printed = scopes.to_string();
            assert!(oar::auth::Scopes::parse(&printed).covers(&scopes));
        }
    }
});
