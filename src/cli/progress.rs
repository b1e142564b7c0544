//! Live progress on a terminal, drawn as oras 1.2 draws it: one entry of
//! two lines per node on stderr,
//!
//! ```text
//! ⠋ [██████..............](  52 MB/s) Uploading big.bin     60.1/190.7 MB  31.52%     1s
//!   └─ sha256:09383e5183af…
//! ✓ Uploaded  big.bin                                    190.7/190.7 MB 100.00%     3s
//! ```
//!
//! with a spinner, a bar, the rate over the last second, the action and
//! name, bytes done and total in oras's units, the percentage and the
//! elapsed time; a finished entry becomes its final line. Redraws happen
//! at most five times a second, from the transfer's own byte reports (the
//! CLI is single-threaded: no timer thread). The terminal width is
//! respected: a long name is cut, never wrapped.
//!
//! The cursor is never hidden and every frame ends with it below the
//! entries, so Ctrl-C (which ends the process at once) leaves a clean
//! screen and a visible cursor.

use std::io::Write;
use std::time::{Duration, Instant};

use super::humanize;
use oar::descriptor::Descriptor;
use oar::text::escape_controls;

/// Redraws per second at most (oras's frame rate).
const FRAMES_PER_SECOND: u32 = 5;
/// Bar width in cells.
const BAR: usize = 20;
/// Width of the rate (`1023 MB`).
const SPEED: usize = 7;

const SAVE: &str = "\x1b7";
const RESTORE: &str = "\x1b8";
const ERASE_TAIL: &str = "\x1b[0K";
const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// One node's entry.
struct Entry {
    prompt: String,
    desc: Descriptor,
    done_bytes: u64,
    started: Option<Instant>,
    ended: Option<Instant>,
    spin: usize,
    /// (time, bytes) of the last frames, for the rate.
    window: Vec<(Instant, u64)>,
}

impl Entry {
    fn name(&self) -> String {
        escape_controls(self.desc.title().unwrap_or(&self.desc.media_type)).into_owned()
    }

    fn rate(&mut self, now: Instant) -> u64 {
        self.window.push((now, self.done_bytes));
        if self.window.len() > FRAMES_PER_SECOND as usize {
            self.window.remove(0);
        }
        match (self.window.first(), self.window.last()) {
            (Some(a), Some(b)) if self.window.len() >= 2 && b.0 > a.0 => {
                ((b.1.saturating_sub(a.1)) as f64 / (b.0 - a.0).as_secs_f64()) as u64
            }
            _ => 0,
        }
    }

    fn elapsed(&self, now: Instant) -> String {
        match self.started {
            None => "0s".into(),
            Some(s) => humanize::duration(self.ended.unwrap_or(now) - s),
        }
    }

    /// The two lines of the entry for a terminal `width` columns wide.
    fn lines(&mut self, width: usize, now: Instant) -> (String, String) {
        let total = self.desc.size;
        let (total_n, total_unit) = humanize::size(total);
        let done = self.ended.is_some();
        let fraction = if done {
            1.0
        } else if total > 0 {
            (self.done_bytes as f64 / total as f64).min(1.0)
        } else {
            0.0
        };
        let offset = if done {
            format!("{total_n}")
        } else {
            format!("{:.2}", humanize::round_to(total_n * fraction))
        };
        let right = format!(
            " {offset}/{total_n} {total_unit:>2} {:6.2}% {:>6}",
            fraction * 100.0,
            self.elapsed(now)
        );
        let name = self.name();
        let fixed = if done { 0 } else { BAR + SPEED + 7 };
        let left_len = fixed + self.prompt.chars().count() + name.chars().count() + 3;
        let right_len = right.chars().count();
        // A name that does not fit is cut, with a `.` to say so.
        let shown: String = if left_len + right_len > width {
            let over = left_len + right_len - width;
            let keep = name.chars().count().saturating_sub(over + 1);
            name.chars()
                .take(keep)
                .chain(std::iter::once('.'))
                .collect()
        } else {
            name
        };
        let left_shown = fixed + self.prompt.chars().count() + shown.chars().count() + 3;
        let margin = width.saturating_sub(left_shown + right_len);
        let left = if done {
            format!("\x1b[92m✓\x1b[0m {} {shown}", self.prompt)
        } else {
            let cells = (fraction * BAR as f64) as usize;
            let rate = self.rate(now);
            let mark = SPINNER[self.spin % SPINNER.len()];
            self.spin += 1;
            format!(
                "\x1b[93m{mark}\x1b[0m [\x1b[104m{}\x1b[0m{}]({:>SPEED$}/s) {} {shown}",
                " ".repeat(cells),
                ".".repeat(BAR - cells),
                humanize::bytes(rate),
                self.prompt
            )
        };
        (
            fit(&format!("{left}{}{right}", " ".repeat(margin)), width),
            fit(&format!("  └─ {}", self.desc.digest), width),
        )
    }
}

/// A line cut to `width` visible characters (escape sequences kept), so a
/// terminal narrower than the bar and the figures still never wraps.
fn fit(line: &str, width: usize) -> String {
    let mut out = String::with_capacity(line.len());
    let mut shown = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            out.push(c);
            for d in chars.by_ref() {
                out.push(d);
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        if shown == width {
            out.push_str("\x1b[0m");
            break;
        }
        out.push(c);
        shown += 1;
    }
    out
}

/// The entries of one command, drawn on stderr.
pub struct Board {
    entries: Vec<Entry>,
    last_frame: Option<Instant>,
    size: (usize, usize),
    size_read: Option<Instant>,
    /// Frames drawn (for tests that bound them).
    frames: u64,
}

/// The terminal's `(columns, rows)`: asked of the kernel (never of a
/// program found through `PATH`), else `COLUMNS`/`LINES`, else 80×10 as
/// oras assumes.
fn terminal_size() -> (usize, usize) {
    super::sys::terminal_size().unwrap_or_else(|| {
        let env = |k: &str, d: usize| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(d)
        };
        (env("COLUMNS", 80), env("LINES", 10))
    })
}

impl Board {
    /// A board; nothing is drawn until the first entry.
    pub fn new() -> Board {
        Board {
            entries: Vec::new(),
            last_frame: None,
            size: (80, 10),
            size_read: None,
            frames: 0,
        }
    }

    fn write(s: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(s.as_bytes());
        let _ = err.flush();
    }

    /// A new entry: two rows below the others.
    fn add(&mut self, prompt: &str, desc: &Descriptor, started: bool) -> usize {
        if self.entries.is_empty() {
            Board::write(SAVE);
        }
        self.entries.push(Entry {
            prompt: prompt.to_string(),
            desc: desc.clone(),
            done_bytes: 0,
            started: started.then(Instant::now),
            ended: None,
            spin: 0,
            window: Vec::new(),
        });
        // Two rows, scrolling the screen if needed; the saved position
        // stays below the entries.
        Board::write(&format!("{RESTORE}\n{SAVE}{RESTORE}\n{SAVE}"));
        self.entries.len() - 1
    }

    /// The newest unfinished entry of `desc`.
    fn find(&self, desc: &Descriptor) -> Option<usize> {
        self.entries.iter().rposition(|e| {
            e.ended.is_none() && e.desc.digest == desc.digest && e.desc.title() == desc.title()
        })
    }

    /// A transfer starts.
    pub fn start(&mut self, prompt: &str, desc: &Descriptor) {
        self.add(prompt, desc, true);
        self.draw(false);
    }

    /// Bytes of `desc` held so far.
    pub fn progress(&mut self, desc: &Descriptor, done: u64) {
        if let Some(i) = self.find(desc) {
            self.entries[i].done_bytes = done;
        }
        self.draw(false);
    }

    /// A transfer ends, with its final word.
    pub fn finish(&mut self, prompt: &str, desc: &Descriptor) {
        let i = match self.find(desc) {
            Some(i) => i,
            None => self.add(prompt, desc, false),
        };
        self.close(i, prompt);
    }

    /// A node that needs no transfer (`Exists`, `Skipped`, …): a finished
    /// entry at once.
    pub fn note(&mut self, prompt: &str, desc: &Descriptor) {
        let i = self.add(prompt, desc, false);
        self.close(i, prompt);
    }

    /// Entry `i` turns into its final line.
    fn close(&mut self, i: usize, prompt: &str) {
        let e = &mut self.entries[i];
        e.prompt = prompt.to_string();
        e.done_bytes = e.desc.size;
        e.ended = Some(Instant::now());
        self.draw(false);
    }

    /// Draws a frame if the last one is old enough (or `now`).
    fn draw(&mut self, force: bool) {
        let now = Instant::now();
        let due = self
            .last_frame
            .is_none_or(|t| now - t >= Duration::from_secs(1) / FRAMES_PER_SECOND);
        if self.entries.is_empty() || !(due || force) {
            return;
        }
        if self
            .size_read
            .is_none_or(|t| now - t >= Duration::from_secs(2))
        {
            self.size = terminal_size();
            self.size_read = Some(now);
        }
        let (width, height) = self.size;
        let rows = self.entries.len() * 2;
        // Entries that would not fit on the screen are not redrawn.
        let first = rows.saturating_sub(height.max(2)) / 2;
        let mut frame = String::new();
        for (i, e) in self.entries.iter_mut().enumerate().skip(first) {
            let (status, digest) = e.lines(width, now);
            let up = rows - 2 * i;
            frame.push_str(&format!("{RESTORE}\x1b[{up}F{status}\n{ERASE_TAIL}"));
            frame.push_str(&format!("{RESTORE}\x1b[{}F{digest}\n{ERASE_TAIL}", up - 1));
        }
        frame.push_str(RESTORE);
        Board::write(&frame);
        self.last_frame = Some(now);
        self.frames += 1;
    }
}

impl Drop for Board {
    /// The final frame, then the cursor at the start of the line below.
    fn drop(&mut self) {
        if !self.entries.is_empty() {
            self.draw(true);
            Board::write(&format!("{RESTORE}\r{ERASE_TAIL}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, size: u64) -> Entry {
        let mut d = Descriptor::new(
            "application/vnd.oci.image.layer.v1.tar",
            oar::digest::Digest::sha256(b"x"),
            size,
        );
        d.set_annotation("org.opencontainers.image.title", title);
        Entry {
            prompt: "Uploading".into(),
            desc: d,
            done_bytes: 0,
            started: Some(Instant::now()),
            ended: None,
            spin: 0,
            window: Vec::new(),
        }
    }

    /// Visible characters of a line (escape sequences removed).
    fn visible(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }

    #[test]
    fn an_entry_fills_the_width_and_cuts_long_names() {
        let now = Instant::now();
        let mut e = entry("big.bin", 200 << 20);
        e.done_bytes = 50 << 20;
        let (line, digest) = e.lines(100, now);
        let v = visible(&line);
        assert_eq!(v.chars().count(), 100, "{v:?}");
        assert!(v.contains(" Uploading big.bin"), "{v:?}");
        assert!(v.contains("50.00/200 MB  25.00%"), "{v:?}");
        assert!(digest.starts_with("  └─ sha256:"));
        let mut long = entry(&"n".repeat(300), 10);
        let (line, _) = long.lines(60, now);
        let v = visible(&line);
        assert!(
            v.chars().count() <= 60,
            "never wider than the terminal: {v:?}"
        );
        let (line, _) = long.lines(120, now);
        let v = visible(&line);
        assert_eq!(v.chars().count(), 120, "{v:?}");
        assert!(v.contains("nn. "), "the cut is marked: {v:?}");
        long.ended = Some(now);
        long.prompt = "Uploaded ".into();
        let (line, _) = long.lines(60, now);
        let v = visible(&line);
        assert!(
            v.starts_with("✓ Uploaded  nnn") && v.contains("10/10  B 100.00%"),
            "{v:?}"
        );
        assert_eq!(v.chars().count(), 60, "{v:?}");
    }
}
