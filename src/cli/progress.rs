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
//! CLI is single-threaded: no timer thread).
//!
//! **Any width.** Every line of every frame fits the terminal's width
//! (asked of the kernel, never of a program found through `PATH`: a pull
//! may have just written one). When an entry does not fit, it gives way
//! in this order:
//!
//! 1. the resume note (below);
//! 2. the name, cut to [`MIN_NAME`] columns, the cut marked with `…`;
//! 3. the bar, 4. the rate, 5. the elapsed time, 6. the percentage,
//! 7. the bytes, each dropped whole;
//!
//! then the name is cut further, and a line still too wide (a terminal
//! narrower than the action word) is cut at the width. The digest line
//! is cut at the width, marked with `…`.
//!
//! **Waiting.** An entry that has started but has not had a byte yet (a
//! manifest fetched before its blobs, which are pulled first) is waiting,
//! not stalled: its bar is empty (no dots), it has no rate (`-/s`), no
//! bytes done (`-/1.2 KB`), and `waiting` stands where the percentage
//! goes.
//!
//! **Resumed.** An entry whose first byte report is past zero resumed at
//! that offset (a partial file kept by an earlier run): its line says
//! `(resumed at 12 MB of 100 MB)` after the name ([`resumed`], the same
//! words as the plain status line), and the resumed part of its bar is a
//! darker blue than the part moved now.
//!
//! **Lines above the board.** While a board is live, anything else that
//! writes a line to the terminal (warnings, notes, a command's own lines)
//! goes through [`above`]: the board's rows are erased, the line is
//! written, and the board is drawn again below it, so the line stays on
//! screen. The board draws and [`above`] writes under one lock, so a
//! diagnostics hook called from another thread cannot tear a frame.
//!
//! The cursor is never hidden and every frame ends with it at the start
//! of the line below the entries, so an interrupted run leaves a clean
//! screen and a visible cursor.

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, MutexGuard, PoisonError};
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
/// The fewest columns a name is cut to before fields are dropped.
pub const MIN_NAME: usize = 6;

/// Erases the row the cursor is on.
const ERASE_LINE: &str = "\x1b[2K";
/// Erases from the cursor to the end of the screen.
const ERASE_DOWN: &str = "\x1b[J";
const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// The note a resumed transfer gets, on the board and on its status line:
/// `(resumed at 12 MB of 100 MB)`.
pub fn resumed(offset: u64, total: u64) -> String {
    format!(
        "(resumed at {} of {})",
        humanize::prose(offset),
        humanize::prose(total)
    )
}

/// `s` in at most `cols` columns: whole, or cut with `…` as its last
/// column.
fn cut(s: &str, cols: usize) -> String {
    if s.chars().count() <= cols {
        return s.to_string();
    }
    if cols == 0 {
        return String::new();
    }
    s.chars()
        .take(cols - 1)
        .chain(std::iter::once('…'))
        .collect()
}

/// The optional fields of a status line, in the order they give way.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Note,
    Bar,
    Rate,
    Time,
    Percent,
    Bytes,
}

const GIVE_WAY: [Part; 6] = [
    Part::Note,
    Part::Bar,
    Part::Rate,
    Part::Time,
    Part::Percent,
    Part::Bytes,
];

/// The pieces of one status line, before they are fitted to a width.
struct Parts {
    /// Spinner or check mark (styled; one column).
    mark: String,
    /// The bar, styled, and its width in columns (brackets included).
    bar: Option<(String, usize)>,
    rate: Option<String>,
    prompt: String,
    name: String,
    note: Option<String>,
    bytes: String,
    percent: String,
    time: String,
}

impl Parts {
    fn has(&self, p: Part) -> bool {
        match p {
            Part::Note => self.note.is_some(),
            Part::Bar => self.bar.is_some(),
            Part::Rate => self.rate.is_some(),
            _ => true,
        }
    }

    /// The line in `width` columns, giving way as the module says.
    fn compose(&self, width: usize) -> String {
        let cols = |s: &str| s.chars().count();
        let name_cols = cols(&self.name);
        for dropped in 0..=GIVE_WAY.len() {
            let shown = |p: Part| self.has(p) && !GIVE_WAY[..dropped].contains(&p);
            // Mark, action and the spaces around the name.
            let mut fixed = 1 + 1 + cols(&self.prompt) + 1;
            if shown(Part::Bar) {
                fixed += self.bar.as_ref().map_or(0, |b| b.1);
            }
            if shown(Part::Rate) {
                fixed += self.rate.as_deref().map_or(0, cols);
            }
            if shown(Part::Bar) || shown(Part::Rate) {
                fixed += 1;
            }
            if shown(Part::Note) {
                fixed += 1 + self.note.as_deref().map_or(0, cols);
            }
            for (p, s) in [
                (Part::Bytes, &self.bytes),
                (Part::Percent, &self.percent),
                (Part::Time, &self.time),
            ] {
                if shown(p) {
                    fixed += 1 + cols(s);
                }
            }
            let room = width.saturating_sub(fixed);
            // The note goes before the name is cut at all; the other
            // fields only once it is at its minimum.
            let fits = room >= name_cols
                || (dropped > 0 && room >= name_cols.min(MIN_NAME))
                || dropped == GIVE_WAY.len();
            if !fits {
                continue;
            }
            let mut left = format!("{} ", self.mark);
            if let (true, Some((bar, _))) = (shown(Part::Bar), &self.bar) {
                left.push_str(bar);
            }
            if let (true, Some(rate)) = (shown(Part::Rate), &self.rate) {
                left.push_str(rate);
            }
            if shown(Part::Bar) || shown(Part::Rate) {
                left.push(' ');
            }
            left.push_str(&format!("{} {}", self.prompt, cut(&self.name, room)));
            if let (true, Some(note)) = (shown(Part::Note), &self.note) {
                left.push_str(&format!(" {note}"));
            }
            let mut right = String::new();
            for (p, s) in [
                (Part::Bytes, &self.bytes),
                (Part::Percent, &self.percent),
                (Part::Time, &self.time),
            ] {
                if shown(p) {
                    right.push_str(&format!(" {s}"));
                }
            }
            let margin = width.saturating_sub(visible_width(&left) + cols(&right));
            return fit(&format!("{left}{}{right}", " ".repeat(margin)), width);
        }
        unreachable!("the last round always fits")
    }
}

/// Columns a styled string takes (escape sequences take none).
fn visible_width(s: &str) -> usize {
    let mut n = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

/// One node's entry.
struct Entry {
    prompt: String,
    desc: Descriptor,
    done_bytes: u64,
    /// A byte report came: the entry is moving, not waiting.
    moving: bool,
    /// Where a resumed transfer opened.
    resumed: Option<u64>,
    started: Option<Instant>,
    ended: Option<Instant>,
    spin: usize,
    /// (time, bytes) of the last frames, for the rate.
    window: Vec<(Instant, u64)>,
}

impl Entry {
    fn new(prompt: &str, desc: &Descriptor, started: bool) -> Entry {
        Entry {
            prompt: prompt.to_string(),
            desc: desc.clone(),
            done_bytes: 0,
            moving: false,
            resumed: None,
            started: started.then(Instant::now),
            ended: None,
            spin: 0,
            window: Vec::new(),
        }
    }

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

    /// The bar: blue cells for what is held (darker for what a resume
    /// started with), dots for the rest; empty while waiting.
    fn bar(&self, fraction: f64) -> String {
        if !self.moving {
            return format!("[{}]", " ".repeat(BAR));
        }
        let cells = (fraction * BAR as f64) as usize;
        let total = self.desc.size.max(1) as f64;
        let old = self
            .resumed
            .map_or(0, |r| ((r as f64 / total).min(1.0) * BAR as f64) as usize)
            .min(cells);
        format!(
            "[\x1b[44m{}\x1b[104m{}\x1b[0m{}]",
            " ".repeat(old),
            " ".repeat(cells - old),
            ".".repeat(BAR - cells)
        )
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
        let waiting = !done && !self.moving;
        let offset = if done {
            format!("{total_n}")
        } else if waiting {
            "-".into()
        } else {
            format!("{:.2}", humanize::round_to(total_n * fraction))
        };
        let mut parts = Parts {
            mark: "\x1b[92m✓\x1b[0m".into(),
            bar: None,
            rate: None,
            prompt: self.prompt.clone(),
            name: self.name(),
            note: self.resumed.map(|r| resumed(r, total)),
            bytes: format!("{offset}/{total_n} {total_unit:>2}"),
            percent: if waiting {
                "waiting".into()
            } else {
                format!("{:6.2}%", fraction * 100.0)
            },
            time: format!("{:>6}", self.elapsed(now)),
        };
        if !done {
            let rate = self.rate(now);
            parts.mark = format!("\x1b[93m{}\x1b[0m", SPINNER[self.spin % SPINNER.len()]);
            self.spin += 1;
            parts.bar = Some((self.bar(fraction), BAR + 2));
            let rate = if waiting {
                "-".into()
            } else {
                humanize::bytes(rate)
            };
            parts.rate = Some(format!("({rate:>SPEED$}/s)"));
        }
        (
            parts.compose(width),
            cut(&format!("  └─ {}", self.desc.digest), width),
        )
    }
}

/// A line cut to `width` visible characters (escape sequences kept), so a
/// terminal narrower than the action word still never wraps.
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

/// The rows of the live board as last drawn: what [`above`] draws again
/// below a line. `None` when no board is live.
static SCREEN: Mutex<Option<Vec<String>>> = Mutex::new(None);

/// The screen, whatever a panicking holder left (rows are plain strings).
fn screen() -> MutexGuard<'static, Option<Vec<String>>> {
    SCREEN.lock().unwrap_or_else(PoisonError::into_inner)
}

fn write_stderr(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(s.as_bytes());
    let _ = err.flush();
}

/// From the row below the board to the start of its first row (cursor
/// up, which every terminal has; tmux lacks "previous line").
fn rewind(rows: usize) -> String {
    if rows == 0 {
        "\r".into()
    } else {
        format!("\r\x1b[{rows}A")
    }
}

/// Rows written from the cursor down, each erased first.
fn rows(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("{ERASE_LINE}{l}\r\n"))
        .collect()
}

/// Writes whole lines `text` to stderr (`to_stderr`) or stdout. While a
/// board is live on the terminal, the lines go above it and stay there:
/// the board's rows are erased, the lines written, and the board drawn
/// again below them. Safe to call from any thread.
pub fn above(to_stderr: bool, text: &[u8]) -> std::io::Result<()> {
    let guard = screen();
    let write = |text: &[u8]| -> std::io::Result<()> {
        if to_stderr {
            let mut err = std::io::stderr().lock();
            err.write_all(text).and_then(|()| err.flush())
        } else {
            let mut out = std::io::stdout().lock();
            out.write_all(text).and_then(|()| out.flush())
        }
    };
    // Lines to a file or a pipe do not touch the screen.
    let board = guard
        .as_ref()
        .filter(|l| !l.is_empty() && (to_stderr || std::io::stdout().is_terminal()));
    let Some(lines) = board else {
        return write(text);
    };
    // Row by row: some terminals (tmux) move a screen erased from its
    // top corner into the scrollback, which would keep a stale frame.
    let n = lines.len();
    write_stderr(&format!(
        "{}{}{}",
        rewind(n),
        format!("{ERASE_LINE}\r\n").repeat(n),
        rewind(n)
    ));
    let result = write(text);
    write_stderr(&format!("{}{ERASE_DOWN}", rows(lines)));
    result
}

/// The entries of one command, drawn on stderr.
pub struct Board {
    entries: Vec<Entry>,
    /// Entries before this one have scrolled up for good (the screen is
    /// too short for all): they are no longer redrawn.
    committed: usize,
    last_frame: Option<Instant>,
    size: (usize, usize),
    size_read: Option<Instant>,
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
            committed: 0,
            last_frame: None,
            size: (80, 10),
            size_read: None,
        }
    }

    /// A new entry, below the others.
    fn add(&mut self, prompt: &str, desc: &Descriptor, started: bool) -> usize {
        self.entries.push(Entry::new(prompt, desc, started));
        self.entries.len() - 1
    }

    /// The newest unfinished entry of `desc`.
    fn find(&self, desc: &Descriptor) -> Option<usize> {
        self.entries.iter().rposition(|e| {
            e.ended.is_none() && e.desc.digest == desc.digest && e.desc.title() == desc.title()
        })
    }

    /// A transfer starts: waiting until its first byte report.
    pub fn start(&mut self, prompt: &str, desc: &Descriptor) {
        self.add(prompt, desc, true);
        self.draw(false);
    }

    /// Bytes of `desc` held so far.
    pub fn progress(&mut self, desc: &Descriptor, done: u64) {
        if let Some(i) = self.find(desc) {
            let e = &mut self.entries[i];
            e.done_bytes = done;
            e.moving = true;
        }
        self.draw(false);
    }

    /// The transfer of `desc` resumed at `offset`.
    pub fn resumed(&mut self, desc: &Descriptor, offset: u64) {
        if let Some(i) = self.find(desc) {
            self.entries[i].resumed = Some(offset);
        }
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

    /// Draws a frame if the last one is old enough (or `force`).
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
        // The rows redrawn stay below the top of the screen, with the
        // cursor's row under them; entries above scroll up as they last
        // were.
        let keep = (height.saturating_sub(1) / 2).max(1);
        let first = self.entries.len().saturating_sub(keep).max(self.committed);
        let mut leaving = Vec::new();
        let mut live = Vec::new();
        for (i, e) in self.entries.iter_mut().enumerate().skip(self.committed) {
            let (status, digest) = e.lines(width, now);
            let to = if i < first { &mut leaving } else { &mut live };
            to.push(status);
            to.push(digest);
        }
        let mut guard = screen();
        let drawn = guard.as_ref().map_or(0, Vec::len);
        write_stderr(&format!(
            "{}{}{}{ERASE_DOWN}",
            rewind(drawn),
            rows(&leaving),
            rows(&live)
        ));
        *guard = Some(live);
        self.committed = first;
        self.last_frame = Some(now);
    }
}

impl Drop for Board {
    /// The final frame, left on the screen with the cursor below it; lines
    /// written after it go to the terminal as usual.
    fn drop(&mut self) {
        if !self.entries.is_empty() {
            self.draw(true);
        }
        *screen() = None;
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
        let mut e = Entry::new("Uploading", &d, true);
        e.moving = true;
        e
    }

    /// Visible characters of a line (escape sequences removed).
    fn visible(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, c) if c.is_ascii_alphabetic() => esc = false,
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
        assert!(v.contains("nn… "), "the cut is marked: {v:?}");
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

    #[test]
    fn narrow_widths_cut_the_name_first_and_drop_fields_in_order() {
        let now = Instant::now();
        let mut e = entry("a-rather-long-file-name.bin", 200 << 20);
        e.done_bytes = 50 << 20;
        let shown = |e: &mut Entry, w: usize| {
            let (l, d) = e.lines(w, now);
            let (l, d) = (visible(&l), visible(&d));
            assert!(l.chars().count() <= w, "{w}: {l:?}");
            assert!(d.chars().count() <= w, "{w}: {d:?}");
            l
        };
        // Wide: everything, the whole name.
        let l = shown(&mut e, 120);
        assert!(l.contains("a-rather-long-file-name.bin") && l.contains("/s)"));
        // Narrower: the name is cut before any field goes.
        let l = shown(&mut e, 80);
        assert!(l.contains("a-rat") && l.contains('…') && l.contains("/s)"));
        assert!(l.contains("50.00/200 MB  25.00%"), "{l:?}");
        // The bar goes first, then the rate, then the time.
        let l = shown(&mut e, 60);
        assert!(!l.contains('[') && l.contains("/s)"), "{l:?}");
        let l = shown(&mut e, 50);
        assert!(!l.contains("/s)") && l.ends_with('s'), "{l:?}");
        let l = shown(&mut e, 40);
        assert!(l.ends_with("50.00/200 MB  25.00%"), "{l:?}");
        assert!(l.contains("Uploading a-rath…"), "{l:?}");
        // Then the percentage; the bytes stay longest.
        let l = shown(&mut e, 32);
        assert!(l.ends_with(" 50.00/200 MB") && !l.contains('%'), "{l:?}");
        let l = shown(&mut e, 10);
        assert_eq!(l.chars().count(), 10, "{l:?}");
    }

    #[test]
    fn waiting_and_resumed_entries_say_so() {
        let now = Instant::now();
        let mut e = entry("big.bin", 100 << 20);
        e.moving = false;
        let l = visible(&e.lines(120, now).0);
        assert!(l.contains("[                    ](      -/s)"), "{l:?}");
        assert!(l.contains(" -/100 MB waiting "), "{l:?}");
        assert!(!l.contains('%'), "not a stall at 0 %: {l:?}");
        e.moving = true;
        e.resumed = Some(12 << 20);
        e.done_bytes = 50 << 20;
        let l = visible(&e.lines(150, now).0);
        assert!(
            l.contains("Uploading big.bin (resumed at 12 MB of 100 MB) "),
            "{l:?}"
        );
        // At 90 columns the note gives way before the name is cut.
        let l = visible(&e.lines(90, now).0);
        assert!(l.contains("big.bin ") && !l.contains("resumed"), "{l:?}");
    }
}
