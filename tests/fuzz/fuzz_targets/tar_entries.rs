//! Directory layers: arbitrary tar data (stored in gzip as is) unpacked
//! under the safety rules. Nothing may panic, and nothing may appear
//! outside the extraction root: it sits two levels deep in a sandbox with
//! canaries at every level, and when a layer is accepted every symbolic
//! link it left must lead inside the root once followed.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

#[path = "../../util/sandbox.rs"]
mod sandbox;

fuzz_target!(|data: &[u8]| {
    let base = std::env::temp_dir().join(format!("oar-fuzz-tar-{}", std::process::id()));
    let sandbox = sandbox::Sandbox::new(&base, 2);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    gz.write_all(data).unwrap();
    let gz = gz.finish().unwrap();
    let limits = oar::archive::ExtractLimits::default()
        .floor(1 << 20)
        .ratio(100)
        .entries(1000);
    let accepted = oar::archive::extract(
        &mut &gz[..],
        "d",
        &sandbox.root,
        None,
        gz.len() as u64,
        &limits,
    )
    .is_ok();
    sandbox.assert_untouched();
    // A refused layer is thrown away whole by a pull; an accepted one
    // stays, so its links must stay inside.
    if accepted {
        sandbox::assert_links_stay_inside(&sandbox.root);
    }
    sandbox.remove();
});
