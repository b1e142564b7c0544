//! Live progress as a person sees it: oar run under a pseudo-terminal
//! (`script -qfec`), against Debian's registry. On a terminal, stderr
//! shows oras's live entries and stdout only the summary; with
//! `--no-tty`, through a pipe, or with `--debug`, the status lines are
//! exactly what they were.

use std::path::Path;
use std::time::Instant;

use crate::util::registry::Registry;
use crate::util::{TempDir, bin, oar, require};

/// Runs `oar args… > out.txt` under a pseudo-terminal `cols` wide
/// (`stty cols`), in `dir`; returns the terminal's bytes (the typescript),
/// stdout, and the wall time.
fn on_terminal(dir: &Path, cols: u16, args: &[&str]) -> (String, String, f64) {
    require("script", "bsdutils");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let command = format!(
        "stty cols {cols} rows 40; '{}' {} > out.txt",
        bin().display(),
        quoted.join(" ")
    );
    let start = Instant::now();
    let status = std::process::Command::new("script")
        .args(["-qfec", &command, "typescript"])
        .current_dir(dir)
        .env("HOME", dir)
        .env("DOCKER_CONFIG", dir.join(".docker-test"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert!(status.success(), "script: {status}");
    let ts = String::from_utf8_lossy(&std::fs::read(dir.join("typescript")).unwrap()).into_owned();
    let out = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    (ts, out, secs)
}

/// The percentages drawn, in order.
fn percentages(ts: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for (i, _) in ts.match_indices('%') {
        let digits: String = ts[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if let Ok(p) = digits.chars().rev().collect::<String>().parse::<f64>() {
            out.push(p);
        }
    }
    out
}

/// The text a person sees on each line (escape sequences removed).
fn visible_lines(ts: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut chars = ts.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                // CSI: ESC [ params letter; others: ESC and one char.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for d in chars.by_ref() {
                        if d.is_ascii_alphabetic() {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\n' => lines.push(String::new()),
            '\r' => {}
            c => lines.last_mut().unwrap().push(c),
        }
    }
    // script's own header and footer are not oar's.
    lines.retain(|l| !l.starts_with("Script "));
    lines
}

#[test]
fn push_and_pull_draw_live_progress_and_keep_stdout_for_the_summary() {
    let reg = Registry::start();
    let d = TempDir::new("tty");
    // 768 MiB in sparse-free pseudo-random data takes seconds to move:
    // long enough for many frames, and for a bound on them to mean
    // something.
    let size = 768usize << 20;
    {
        use std::io::Write;
        let mut f = std::fs::File::create(d.join("big.bin")).unwrap();
        let chunk = crate::util::pseudo_random(1 << 20, 7);
        for i in 0..(size >> 20) {
            let mut c = chunk.clone();
            c[..8].copy_from_slice(&(i as u64).to_le_bytes());
            f.write_all(&c).unwrap();
        }
    }
    let reference = reg.reference("tty:v1");
    let (ts, out, _) = on_terminal(
        d.path(),
        120,
        &["push", "--plain-http", &reference, "big.bin"],
    );
    // stdout holds what oras logs there on a terminal: the summary only.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], format!("Pushed [registry] {reference}"));
    assert!(
        lines[1].starts_with("ArtifactType: ") && lines[2].starts_with("Digest: sha256:"),
        "{out}"
    );
    // The terminal shows live percentages below 100 %, then 100 %, with
    // byte counts in oras's units, and the final line of each entry.
    let p = percentages(&ts);
    let live: std::collections::BTreeSet<String> = p
        .iter()
        .filter(|x| **x > 0.0 && **x < 100.0)
        .map(|x| format!("{x:.2}"))
        .collect();
    assert!(live.len() >= 3, "several live percentages: {live:?}");
    assert!(p.contains(&100.0));
    assert!(ts.contains("/768 MB"), "byte counts");
    let seen = visible_lines(&ts);
    assert!(
        seen.iter()
            .any(|l| l.starts_with("✓ Uploaded  big.bin") && l.contains("768/768 MB 100.00%")),
        "the final line: {seen:#?}"
    );
    assert!(seen.iter().any(|l| l.starts_with("  └─ sha256:")));
    assert!(
        seen.iter().all(|l| l.chars().count() <= 120),
        "no line wider than the terminal"
    );
    assert!(
        !ts.contains("\x1b[?25l"),
        "the cursor is never hidden, so Ctrl-C leaves it visible"
    );

    // A pull of the same 768 MiB: frames are bounded by time (five a
    // second), not by the data rate.
    let (ts, out, secs) = on_terminal(
        d.path(),
        120,
        &["pull", "--plain-http", &reference, "-o", "o"],
    );
    assert_eq!(out.lines().count(), 2, "Pulled and Digest only: {out}");
    assert!(
        out.starts_with(&format!("Pulled [registry] {reference}\nDigest: ")),
        "{out}"
    );
    // Each frame draws the last entry's digest line one row up.
    let frames = ts.matches("\x1b[1F").count() as f64;
    assert!(frames >= 2.0, "frames: {frames}");
    assert!(frames <= secs * 5.0 + 4.0, "{frames} frames in {secs:.1} s");
    let seen = visible_lines(&ts);
    assert!(
        seen.iter()
            .any(|l| l.starts_with("✓ Pulled      big.bin") && l.contains("768/768 MB 100.00%")),
        "{seen:#?}"
    );
    assert_eq!(
        std::fs::metadata(d.join("o/big.bin")).unwrap().len(),
        size as u64
    );
}

#[test]
fn narrow_terminals_cut_names_and_other_outputs_keep_their_lines() {
    let reg = Registry::start();
    let d = TempDir::new("tty-narrow");
    let name = format!("{}.bin", "a-rather-long-file-name".repeat(3));
    d.write(&name, crate::util::pseudo_random(3 << 20, 9));
    let reference = reg.reference("narrow:v1");
    let (ts, out, _) = on_terminal(d.path(), 60, &["push", "--plain-http", &reference, &name]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let seen = visible_lines(&ts);
    let entries: Vec<&String> = seen.iter().filter(|l| l.contains("Upload")).collect();
    assert!(!entries.is_empty());
    for l in &entries {
        assert!(l.chars().count() <= 60, "no wrap: {l:?}");
    }
    // The final line of the file fills the width, its name cut and marked.
    let done = entries
        .iter()
        .find(|l| l.starts_with("✓ Uploaded  a-rather"))
        .expect("the file's final line");
    assert_eq!(done.chars().count(), 60, "{done:?}");
    let shown = done["✓ Uploaded  ".len()..].split(". ").next().unwrap();
    assert!(
        shown.len() > 10 && shown.len() < name.len() && name.starts_with(shown),
        "a prefix of the name, then a dot: {done:?}"
    );
    // --no-tty on the terminal, and a pipe: the plain status lines, the
    // same bytes either way (each into a new repository, with the same
    // created time, so both upload and both make the same manifest).
    let created = "org.opencontainers.image.created=2001-01-01T00:00:00Z";
    let (a, b) = (reg.reference("plain-a:v1"), reg.reference("plain-b:v1"));
    let (ts, under_tty, _) = on_terminal(
        d.path(),
        60,
        &["push", "--plain-http", "--no-tty", "-a", created, &a, &name],
    );
    assert!(!ts.contains("└─"), "no live entries with --no-tty");
    let piped = oar(
        d.path(),
        &["push", "--plain-http", "-a", created, &b, &name],
    )
    .ok();
    assert_eq!(under_tty.replace("plain-a", "plain-b"), piped.stdout);
    assert!(
        piped.stdout.starts_with("Uploading ") && piped.stdout.contains("\nUploaded  "),
        "{}",
        piped.stdout
    );
    // --debug draws nothing either: its trace would tear the drawing.
    let (ts, _, _) = on_terminal(
        d.path(),
        60,
        &["push", "--plain-http", "-d", &reference, &name],
    );
    assert!(!ts.contains("└─") && ts.contains("Request #0"));
}
