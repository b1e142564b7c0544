//! Directory layers: arbitrary tar data (stored in gzip as is) unpacked
//! under the safety rules. Nothing may panic, and nothing may appear
//! outside the extraction directory.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = std::env::temp_dir().join(format!("oar-fuzz-tar-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let root = base.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    gz.write_all(data).unwrap();
    let gz = gz.finish().unwrap();
    let limits = oar::archive::ExtractLimits::default()
        .floor(1 << 20)
        .ratio(100)
        .entries(1000);
    let _ = oar::archive::extract(&mut &gz[..], "d", &root, None, gz.len() as u64, &limits);
    // The only thing in `base` is the extraction root.
    let names: Vec<_> = std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["root"]);
    let _ = std::fs::remove_dir_all(&base);
});
