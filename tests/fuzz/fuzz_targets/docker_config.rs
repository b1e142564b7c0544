//! Docker `config.json` content: parse, look up credentials and helpers,
//! store and delete entries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oar::credentials::config::ConfigFile;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("config.json");
    let Ok(mut cfg) = ConfigFile::parse(path, data) else { return };
    for server in ["registry.example", "https://index.docker.io/v1/", "localhost:5000"] {
        let _ = cfg.get(server);
        let _ = cfg.helper_for(server);
    }
    cfg.put("registry.example", &oar::credentials::Credential::basic("u", "p"));
    assert!(cfg.get("registry.example").unwrap().is_some());
    assert!(cfg.delete("registry.example"));
});
