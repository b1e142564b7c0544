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
    on_terminal_env(dir, cols, args, &[])
}

/// The shell words running `oar args…` with `env` set.
fn command_line(args: &[&str], env: &[(&str, &str)]) -> String {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}='{v}'")).collect();
    format!(
        "env {} '{}' {}",
        env.join(" "),
        bin().display(),
        quoted.join(" ")
    )
}

/// [`on_terminal`] with `env` set for oar (the terminal is sized by the
/// real `stty`, named by its path).
fn on_terminal_env(
    dir: &Path,
    cols: u16,
    args: &[&str],
    env: &[(&str, &str)],
) -> (String, String, f64) {
    require("script", "bsdutils");
    let command = format!(
        "{} cols {cols} rows 40; {} > out.txt",
        real_stty(),
        command_line(args, env)
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

/// The path of the system's `stty`.
fn real_stty() -> String {
    ["/usr/bin/stty", "/bin/stty"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("stty (coreutils)")
        .to_string()
}

/// Runs `oar args… > out.txt` in a tmux pane `cols`×`rows` (a real
/// terminal emulator), waits for it to end, and returns the screen as a
/// person sees it then (scrollback included, a wrapped line joined into
/// one, trailing blanks cut) and stdout.
fn in_tmux(dir: &Path, cols: u16, rows: u16, args: &[&str]) -> (Vec<String>, String) {
    require("tmux", "tmux");
    let socket = dir.join("tmux.sock");
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .current_dir(dir)
            .env("HOME", dir)
            .env("DOCKER_CONFIG", dir.join(".docker-test"))
            .output()
            .unwrap()
    };
    let command = format!(
        "{} > out.txt; echo $? > rc; sleep 600",
        command_line(args, &[])
    );
    let rc = dir.join("rc");
    let _ = std::fs::remove_file(&rc);
    let (c, r) = (cols.to_string(), rows.to_string());
    let started = tmux(&["new-session", "-d", "-x", &c, "-y", &r, &command]);
    assert!(started.status.success(), "{started:?}");
    crate::util::wait_until(
        std::time::Duration::from_secs(120),
        "the command in tmux",
        || std::fs::read_to_string(&rc).is_ok_and(|s| s.ends_with('\n')),
    );
    let screen = tmux(&["capture-pane", "-p", "-J", "-S", "-"]);
    tmux(&["kill-server"]);
    assert!(screen.status.success(), "{screen:?}");
    let status = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(status.trim(), "0", "oar's exit status");
    let lines = String::from_utf8_lossy(&screen.stdout)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    (lines, std::fs::read_to_string(dir.join("out.txt")).unwrap())
}

/// Pushes `size` bytes of pseudo-random data as `name` to `reference`
/// from `d`; returns the blob's digest.
fn push_file(d: &TempDir, reference: &str, name: &str, size: usize, seed: u64) -> String {
    let data = crate::util::pseudo_random(size, seed);
    d.write(name, &data);
    oar(d.path(), &["push", "--plain-http", reference, name]).ok();
    format!("sha256:{}", crate::util::sha256_hex(&data))
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
    // Each frame ends by erasing what is below it.
    let frames = ts.matches("\x1b[J").count() as f64;
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
    // Every line drawn fits, the entries and the `└─ sha256:…` lines
    // under them alike (a digest is 71 characters: it must be cut).
    assert!(
        seen.iter().any(|l| l.starts_with("  └─ sha256:")),
        "{seen:#?}"
    );
    for l in &seen {
        assert!(l.chars().count() <= 60, "no wrap: {l:?}");
    }
    // The final line of the file fills the width, its name cut and marked.
    let done = entries
        .iter()
        .find(|l| l.starts_with("✓ Uploaded  a-rather"))
        .expect("the file's final line");
    assert_eq!(done.chars().count(), 60, "{done:?}");
    let shown = done["✓ Uploaded  ".len()..].split("… ").next().unwrap();
    assert!(
        shown.len() > 10 && shown.len() < name.len() && name.starts_with(shown),
        "a prefix of the name, then an ellipsis: {done:?}"
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
        piped.stdout.starts_with("Preparing ") && piped.stdout.contains("\nUploaded  "),
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

/// The final line of the file `name` on a board: `✓ <word>` and a cut
/// name, checked to be a prefix of `name` ended by `…`.
fn final_line<'a>(lines: &'a [String], word: &str, name: &str) -> &'a String {
    let head = format!("✓ {word}");
    let line = lines
        .iter()
        .rfind(|l| l.starts_with(&head) && l.contains(&name[..4]))
        .unwrap_or_else(|| panic!("no final line of {name}: {lines:#?}"));
    let shown = line[head.len()..].trim_start().split(' ').next().unwrap();
    let prefix = shown.strip_suffix('…').expect("the name is cut, with …");
    assert!(
        !prefix.is_empty() && name.starts_with(prefix),
        "a prefix of the name: {line:?}"
    );
    line
}

#[test]
fn at_40_and_60_columns_the_name_is_cut_before_the_numbers() {
    let reg = Registry::start();
    let d = TempDir::new("tty-width");
    let name = format!("{}.bin", "a-rather-long-file-name".repeat(3));
    let reference = reg.reference("width:v1");
    push_file(&d, &reference, &name, 24 << 20, 11);
    for cols in [40u16, 60] {
        // Every frame, as drawn: no line is wider than the terminal.
        let out = format!("o-script-{cols}");
        let (ts, _, _) = on_terminal(
            d.path(),
            cols,
            &["pull", "--plain-http", &reference, "-o", &out],
        );
        let seen = visible_lines(&ts);
        assert!(seen.iter().any(|l| l.starts_with("  └─ sha256:")));
        for l in &seen {
            assert!(l.chars().count() <= cols as usize, "{cols}: {l:?}");
        }
        // The screen at the end, in a terminal emulator: nothing wrapped,
        // the name cut, the bytes and the percentage kept.
        let out = format!("o-tmux-{cols}");
        let (screen, stdout) = in_tmux(
            d.path(),
            cols,
            20,
            &["pull", "--plain-http", &reference, "-o", &out],
        );
        assert!(stdout.starts_with("Pulled [registry] "), "{stdout}");
        for l in &screen {
            assert!(l.chars().count() <= cols as usize, "{cols}: {l:?}");
        }
        let done = final_line(&screen, "Pulled", &name);
        assert!(done.contains(" 24/24 MB 100.00%"), "{cols}: {done:?}");
        assert_eq!(done.chars().count(), cols as usize, "{done:?}");
        if cols == 60 {
            // With room for it, the elapsed time too.
            assert!(done.ends_with('s'), "{done:?}");
        }
        let digest = screen
            .iter()
            .find(|l| l.starts_with("  └─ sha256:"))
            .expect("a digest line");
        assert!(
            digest.chars().count() == cols as usize && digest.ends_with('…'),
            "the digest line cut at the width: {digest:?}"
        );
        assert_eq!(d.read(&format!("{out}/{name}")).len(), 24 << 20);
    }
}

#[test]
fn a_notice_printed_during_a_transfer_stays_above_the_board() {
    use crate::util::faults::{Fault, FaultProxy, Rule};
    let reg = Registry::start();
    let d = TempDir::new("tty-notice");
    push_file(&d, &reg.reference("notice:v1"), "big.bin", 96 << 20, 12);
    // The blob's first answer is cut at 8 MiB: the pull resumes it and
    // says so (an info note, shown with -v) while the board is live.
    let proxy = FaultProxy::start(&reg.host);
    proxy.add(Rule::once("GET", "/blobs/", Fault::CutResponse(8 << 20)));
    let reference = format!("{}/notice:v1", proxy.host());
    let (screen, _) = in_tmux(
        d.path(),
        150,
        30,
        &["pull", "--plain-http", "-v", &reference, "-o", "o"],
    );
    assert_eq!(proxy.faults(), 1);
    let note = screen
        .iter()
        .position(|l| l.contains("level=info") && l.contains("interrupted at byte"))
        .unwrap_or_else(|| panic!("the note is on the screen: {screen:#?}"));
    let done = screen
        .iter()
        .position(|l| l.starts_with("✓ Pulled      big.bin"))
        .expect("the final line");
    assert!(note < done, "the note above the board: {screen:#?}");
    // Nothing of the board was left above the note, nor torn by it.
    assert!(
        !screen[..note].iter().any(|l| l.contains("└─")),
        "{screen:#?}"
    );
    assert_eq!(
        screen.iter().filter(|l| l.contains("big.bin")).count(),
        1,
        "one entry for the file: {screen:#?}"
    );
    assert_eq!(d.read("o/big.bin").len(), 96 << 20);
}

#[test]
fn a_resumed_pull_says_where_it_resumed_on_the_board_and_in_its_line() {
    let reg = Registry::start();
    let d = TempDir::new("tty-resume");
    let reference = reg.reference("resume:v1");
    let digest = push_file(&d, &reference, "big.bin", 48 << 20, 13);
    let data = d.read("big.bin");
    let hex = digest.strip_prefix("sha256:").unwrap();
    // A partial file kept by an earlier run: the first 12 MiB.
    let plant = |out: &str| {
        d.write(
            &format!("{out}/.oar-sha256-{hex}.partial"),
            &data[..12 << 20],
        );
    };
    let note = "(resumed at 12 MB of 48 MB)";

    plant("o-tty");
    let (ts, _, _) = on_terminal(
        d.path(),
        150,
        &["pull", "--plain-http", &reference, "-o", "o-tty"],
    );
    let seen = visible_lines(&ts);
    assert!(
        seen.iter()
            .any(|l| l.starts_with("✓ Pulled      big.bin ") && l.contains(note)),
        "{seen:#?}"
    );
    // The manifest, fetched before its blob, waits rather than stalls.
    let manifest: Vec<&String> = seen
        .iter()
        .filter(|l| l.contains("Downloading application/vnd.oci.image.manifest"))
        .collect();
    assert!(!manifest.is_empty(), "{seen:#?}");
    for l in &manifest {
        assert!(
            l.contains(" waiting ") && !l.contains('%'),
            "drawn as waiting: {l:?}"
        );
    }
    assert_eq!(d.read("o-tty/big.bin"), data);

    // Not on a terminal: the final status line says it, in the same
    // words; the others are as they always were.
    plant("o-plain");
    let run = oar(
        d.path(),
        &["pull", "--plain-http", &reference, "-o", "o-plain"],
    )
    .ok();
    let short = &hex[..12];
    // The manifest's lines (oras 1.3 shows unnamed nodes) come first.
    assert_eq!(
        run.lines()[2..4],
        [
            format!("Downloading {short} big.bin").as_str(),
            format!("Downloaded  {short} big.bin {note}").as_str(),
        ],
        "{}",
        run.stdout
    );
    assert_eq!(d.read("o-plain/big.bin"), data);
}

#[test]
fn backup_and_restore_draw_the_board_on_a_terminal() {
    let reg = Registry::start();
    let d = TempDir::new("tty-backup");
    let reference = reg.reference("air:v1");
    push_file(&d, &reference, "big.bin", 24 << 20, 14);
    let repo = reg.reference("air");
    let to = reg.reference("air-restored");
    // backup, then restore into another repository: each entry's final
    // line with its command's word, and stdout keeps oras's other lines
    // (the status lines are on the board).
    for (args, word, moving) in [
        (
            ["backup", "--plain-http", "-o", "b.tar", &reference],
            "Pulled",
            "Pulling ",
        ),
        (
            ["restore", "--plain-http", "--input", "b.tar", &to],
            "Pushed",
            "Pushing ",
        ),
    ] {
        let (ts, out, _) = on_terminal(d.path(), 120, &args);
        let seen = visible_lines(&ts);
        let done = format!("✓ {word}    big.bin");
        assert!(
            seen.iter()
                .any(|l| l.starts_with(&done) && l.contains("24/24 MB 100.00%")),
            "{seen:#?}"
        );
        assert!(seen.iter().any(|l| l.starts_with("  └─ sha256:")));
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines.contains(&format!("{word} tag v1 with 0 referrer(s)").as_str()),
            "{out}"
        );
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with(moving) || l.starts_with(&format!("{word}  "))),
            "{out}"
        );
        if word == "Pulled" {
            assert_eq!(lines[0], format!("Found 1 tag(s) in {repo}: v1"), "{out}");
        }
    }
}

#[test]
fn the_board_never_runs_a_program_found_through_path() {
    let reg = Registry::start();
    let d = TempDir::new("tty-path");
    let reference = reg.reference("path:v1");
    push_file(&d, &reference, "big.bin", 8 << 20, 15);
    // A `stty` first on PATH that leaves a mark when run (as a pull with
    // `-o ~/.local` could have written `bin/stty`).
    let marker = d.join("stty-ran");
    let fake = d.write(
        "fakebin/stty",
        format!("#!/bin/sh\necho ran >> '{}'\n", marker.display()),
    );
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        d.join("fakebin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The control: run through that PATH, the fake is the `stty` found,
    // and it leaves its mark.
    let control = std::process::Command::new("sh")
        .args(["-c", "stty size"])
        .env("PATH", &path)
        .status()
        .unwrap();
    assert!(
        control.success() && marker.exists(),
        "the fake stty is found and runs"
    );
    std::fs::remove_file(&marker).unwrap();

    let (ts, out, _) = on_terminal_env(
        d.path(),
        100,
        &["pull", "--plain-http", &reference, "-o", "o"],
        &[("PATH", &path)],
    );
    assert!(out.starts_with("Pulled [registry] "), "{out}");
    let seen = visible_lines(&ts);
    assert!(
        seen.iter()
            .any(|l| l.starts_with("✓ Pulled      big.bin") && l.chars().count() == 100),
        "the board drew, at the terminal's width: {seen:#?}"
    );
    assert!(!marker.exists(), "oar ran the stty it found through PATH");
}
