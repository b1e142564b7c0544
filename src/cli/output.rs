//! What commands print: oras's status lines (`Uploading 2c26b46b68ff
//! foo1`), JSON results, and a broken pipe treated as a quiet end.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use serde::Serialize;

use super::error::{Error, Result};
use oar::copy::{Action, Observer};
use oar::descriptor::Descriptor;
use oar::diagnostics::{Diagnostic, Diagnostics};
use oar::digest::Digest;
use oar::text::escape_controls;

/// Writes a line to stdout; a closed pipe (`oar … | head`) ends quietly.
pub fn line(s: &str) -> Result<()> {
    line_to(false, s)
}

/// Writes a line to stderr (`to_stderr`: stdout carries data) or to
/// stdout, above the live progress if one is drawn. A failed write to
/// stderr is not an error: there is nowhere left to say so.
pub fn line_to(to_stderr: bool, s: &str) -> Result<()> {
    // Names and texts come from registries and artifacts: never let them
    // drive the terminal.
    let text = format!("{}\n", escape_controls(s));
    match super::progress::above(to_stderr, text.as_bytes()) {
        Err(e) if !to_stderr => Err(stdout_error(e)),
        _ => Ok(()),
    }
}

/// Writes bytes to stdout.
pub fn bytes(b: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(b)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Maps a stdout write error; `main` exits quietly on a broken pipe.
pub fn stdout_error(e: io::Error) -> Error {
    Error::io("writing to stdout", e)
}

/// Prints a value as indented JSON, as oras's `--format json` does, with
/// Go's escaping of `<`, `>` and `&`.
pub fn json<T: Serialize>(value: &T) -> Result<()> {
    let compact = oar::manifest::marshal(value);
    let mut pretty = oar::manifest::indent_json(&compact)?;
    if !pretty.ends_with(b"\n") {
        pretty.push(b'\n');
    }
    // JSON escapes C0 controls itself; DEL, C1 controls and bidi
    // controls, which it leaves raw, are written as \u escapes (the same
    // string to a parser). Raw newlines and tabs are the indentation.
    let text = String::from_utf8_lossy(&pretty);
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if oar::text::is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r') {
            safe.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            safe.push(c);
        }
    }
    bytes(safe.as_bytes())
}

/// The word a command prints for an action, or `None` to say nothing of
/// it: each command's word table (by default [`word`] for every action).
pub type Words = fn(Action) -> Option<&'static str>;

/// Status lines for one command: `<word padded> <12 hex> <title>`, only for
/// named content unless verbose (then the media type stands in for the
/// name), with the command's own [`Words`]; a node that resumed a partial
/// transfer gets [`progress::resumed`](super::progress::resumed)'s note on
/// its final line. Silent when the output format is JSON. The lines go to
/// stdout, or to stderr when stdout carries data (`backup -o -`). On a
/// terminal (see [`Status::on_terminal`]) the same events draw oras's live
/// progress on stderr instead, and stdout keeps only the summary. Every
/// command that moves content prints through one.
pub struct Status {
    /// Width the status word is padded to (9 for push, 11 for pull, 7 for
    /// copy), matching oras's columns.
    pub width: usize,
    /// Show unnamed content too.
    pub verbose: bool,
    /// Print nothing.
    pub quiet: bool,
    /// The first write error, reported when the command ends.
    pub error: Option<Error>,
    /// Live progress, when stderr is a terminal.
    board: Option<super::progress::Board>,
    /// The word a finished download shows on the board (`Pulled` for
    /// pull, as oras words it).
    downloaded: &'static str,
    words: Words,
    to_stderr: bool,
    /// Nodes started whose first byte report has not come yet: that
    /// report is where their transfer opened.
    opening: HashSet<Digest>,
    /// Where each resumed node opened, until its final line.
    resumed: HashMap<Digest, u64>,
}

impl Status {
    /// A printer padding to `width`.
    pub fn new(width: usize, verbose: bool, quiet: bool) -> Status {
        // A command with a status printer moves bytes, and checks Ctrl-C
        // at each of them.
        super::sys::arm();
        Status {
            width,
            verbose,
            quiet,
            error: None,
            board: None,
            downloaded: "Downloaded",
            words: |a| Some(word(a)),
            to_stderr: false,
            opening: HashSet::new(),
            resumed: HashMap::new(),
        }
    }

    /// Prints the command's own words (actions without one are not shown).
    pub fn words(mut self, words: Words) -> Status {
        self.words = words;
        self
    }

    /// Prints on stderr, stdout carrying data.
    pub fn on_stderr(mut self, yes: bool) -> Status {
        self.to_stderr = yes;
        self
    }

    /// Draws live progress instead of status lines when `tty` (stderr is a
    /// terminal, and neither `--no-tty` nor `--debug` was given); a
    /// finished download is then shown as `downloaded`.
    pub fn on_terminal(mut self, tty: bool, downloaded: &'static str) -> Status {
        if tty {
            self.board = Some(super::progress::Board::new());
            self.downloaded = downloaded;
        }
        self
    }

    /// Prints a plain line among the status lines (`Uploading empty
    /// artifact`); said only as text, not over live progress.
    pub fn say(&mut self, text: &str) {
        if self.quiet || self.error.is_some() || self.board.is_some() {
            return;
        }
        if let Err(e) = line_to(self.to_stderr, text) {
            self.error = Some(e);
        }
    }

    /// `Preparing <name>` before a file is read, shown as unnamed content
    /// is (unless `--verbose=false`), as text only.
    pub fn preparing(&mut self, name: &str) {
        if self.verbose {
            self.say(&format!("Preparing {name}"));
        }
    }

    /// Prints one status line.
    pub fn print(&mut self, word: &str, desc: &Descriptor) {
        self.print_noted(word, desc, None);
    }

    /// Prints one status line, with a note after the name.
    fn print_noted(&mut self, word: &str, desc: &Descriptor, note: Option<String>) {
        if self.quiet || self.error.is_some() {
            return;
        }
        let mut name = match desc.title() {
            Some(t) => t.to_string(),
            None if self.verbose => desc.media_type.clone(),
            None => return,
        };
        if let Some(note) = note {
            name = format!("{name} {note}");
        }
        if let Err(e) = line_to(
            self.to_stderr,
            &format!("{word:<w$} {} {name}", desc.digest.short(), w = self.width),
        ) {
            self.error = Some(e);
        }
    }

    /// Fails with the first write error, if any. The live progress, if
    /// any, is drawn one last time and left on the screen.
    pub fn finish(&mut self) -> Result<()> {
        self.board = None;
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The status word oras prints for an action; the command pads it to its
/// column.
pub fn word(action: Action) -> &'static str {
    match action {
        Action::Uploading => "Uploading",
        Action::Uploaded => "Uploaded",
        Action::Exists => "Exists",
        Action::Skipped => "Skipped",
        Action::Downloading => "Downloading",
        Action::Processing => "Processing",
        Action::Downloaded => "Downloaded",
        Action::Restored => "Restored",
        Action::Copying => "Copying",
        Action::Copied => "Copied",
        Action::Mounted => "Mounted",
        _ => "Done",
    }
}

impl Observer for Status {
    fn event(&mut self, action: Action, desc: &Descriptor) {
        let starts = matches!(
            action,
            Action::Uploading | Action::Downloading | Action::Copying
        );
        let ends = matches!(
            action,
            Action::Uploaded | Action::Downloaded | Action::Copied
        );
        if starts {
            self.opening.insert(desc.digest.clone());
        }
        let note = if ends {
            self.opening.remove(&desc.digest);
            self.resumed
                .remove(&desc.digest)
                .map(|at| super::progress::resumed(at, desc.size))
        } else {
            None
        };
        let Some(word) = (self.words)(action) else {
            return;
        };
        let Some(board) = self.board.as_mut() else {
            return self.print_noted(word, desc, note);
        };
        let w = self.width;
        let pad = |word: &str| format!("{word:<w$}");
        match action {
            _ if starts => board.start(&pad(word), desc),
            Action::Downloaded => board.finish(&pad(self.downloaded), desc),
            _ if ends => board.finish(&pad(word), desc),
            Action::Processing => {}
            _ => board.note(&pad(word), desc),
        }
    }

    fn progress(&mut self, desc: &Descriptor, done: u64) -> std::ops::ControlFlow<()> {
        // The first report of a node is where it opened: past zero, it
        // resumed there.
        if !self.opening.is_empty() && self.opening.remove(&desc.digest) && done > 0 {
            self.resumed.insert(desc.digest.clone(), done);
            if let Some(board) = self.board.as_mut() {
                board.resumed(desc, done);
            }
        }
        if let Some(board) = self.board.as_mut() {
            board.progress(desc, done);
        }
        // Ctrl-C: stop at this byte; what was written stays for a resume.
        if super::sys::interrupted() {
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// The last download that stopped with bytes kept for a resume: (the file,
/// bytes kept, bytes in all).
static KEPT: std::sync::Mutex<Option<(String, u64, u64)>> = std::sync::Mutex::new(None);

/// The line that ends a failed command whose download stopped with bytes
/// kept: how much, and that the same command resumes, or, when the disk is
/// full, how much more space the rest needs.
pub fn kept_line(disk_full: bool) -> Option<String> {
    let (path, kept, size) = KEPT.lock().unwrap_or_else(|p| p.into_inner()).take()?;
    let prose = super::humanize::prose;
    let path = escape_controls(&path);
    Some(if disk_full {
        format!(
            "Kept {} of {} of {path}; {} more free space is needed there: free it, then run the same command again to resume.",
            prose(kept),
            prose(size),
            prose(size.saturating_sub(kept))
        )
    } else {
        format!(
            "Kept {} of {} of {path}: run the same command again to resume.",
            prose(kept),
            prose(size)
        )
    })
}

/// Prints the library's diagnostics on stderr as oras logs them:
/// `Warning: …` lines, and logrus-style entries (`time="…" level=…
/// msg=…`): notes at `info` with `-v` or `--debug`, and with `--debug`
/// every request and response (already masked) in oras's trace layout,
/// `Request #N` / `Response #N` with Go-quoted values.
pub struct Printer {
    /// `--debug`.
    pub debug: bool,
    /// `--verbose`.
    pub verbose: bool,
}

impl Printer {
    fn entry(level: &str, msg: &str) -> String {
        let now = oar::diagnostics::timestamp(std::time::SystemTime::now());
        format!("time=\"{now}\" level={level} msg={msg}\n")
    }
}

/// A string as Go's `%q` writes it.
fn go_quote(s: &str) -> String {
    let inner = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", escape_controls(&inner))
}

/// A header name as Go's `net/http` prints it: `Content-Type`.
fn canonical_header(name: &str) -> String {
    let mut up = true;
    name.chars()
        .map(|c| {
            let out = if up {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            up = c == '-';
            out
        })
        .collect()
}

/// Header lines of a trace entry, as oras lists them.
fn header_lines(headers: &[(String, String)]) -> String {
    if headers.is_empty() {
        return "   Empty header".to_string();
    }
    // Repeated names are joined on one line, as Go's header map holds
    // them.
    let mut lines: Vec<(String, Vec<&str>)> = Vec::new();
    for (k, v) in headers {
        let k = canonical_header(k);
        match lines.iter_mut().find(|(n, _)| *n == k) {
            Some((_, vs)) => vs.push(v),
            None => lines.push((k, vec![v])),
        }
    }
    lines
        .iter()
        .map(|(k, vs)| format!("   {}: {}", go_quote(k), go_quote(&vs.join(", "))))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Diagnostics for Printer {
    fn report(&self, d: &Diagnostic<'_>) {
        let text = match d {
            Diagnostic::Warning(w) => format!("Warning: {}\n", escape_controls(w)),
            Diagnostic::Note(n) if self.debug || self.verbose => {
                Printer::entry("info", &escape_controls(n))
            }
            Diagnostic::Debug(n) if self.debug => Printer::entry("debug", &escape_controls(n)),
            Diagnostic::Kept { path, kept, size } => {
                // Said once, after the error line, when the command ends.
                *KEPT.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((path.display().to_string(), *kept, *size));
                return;
            }
            Diagnostic::Request {
                id,
                method,
                url,
                headers,
            } => Printer::entry(
                "debug",
                &format!(
                    "Request #{id}\n> Request URL: {}\n> Request method: {}\n> Request headers:\n{}",
                    go_quote(url),
                    go_quote(method),
                    header_lines(headers)
                ),
            ),
            Diagnostic::Response {
                id,
                status,
                headers,
                ..
            } => Printer::entry(
                "debug",
                &format!(
                    "Response #{id}\n< Response Status: {}\n< Response headers:\n{}",
                    go_quote(&format!("{status} {}", oar::error::status_text(*status))),
                    header_lines(headers)
                ),
            ),
            _ => return,
        };
        // Above the live progress, if any, where it stays.
        let _ = super::progress::above(true, text.as_bytes());
    }

    fn wants_http(&self) -> bool {
        self.debug
    }
}

/// A descriptor as oras prints it in JSON results: `reference` (the digest
/// reference), then the plain descriptor fields.
#[derive(Serialize)]
pub struct DescriptorJson {
    /// `name@digest`.
    pub reference: String,
    /// The descriptor, reduced to mediaType, digest, size, annotations and
    /// artifactType.
    #[serde(flatten)]
    pub desc: Descriptor,
}

impl DescriptorJson {
    /// `name@digest` plus the plain descriptor.
    pub fn new(name: &str, desc: &Descriptor) -> DescriptorJson {
        DescriptorJson {
            reference: format!("{name}@{}", desc.digest),
            desc: desc.plain(),
        }
    }
}

/// Prints a descriptor as JSON (`--descriptor`): compact, or indented with
/// `--pretty`, as oras does.
pub fn descriptor(desc: &Descriptor, pretty: bool) -> Result<()> {
    raw_json(&oar::manifest::marshal(desc), pretty)
}

/// JSON bytes as oras prints them: exactly as they are (no newline added:
/// `oar manifest fetch R | sha256sum` is the digest), or indented and
/// ending in a newline with `--pretty`.
pub fn json_bytes(bytes: &[u8], pretty: bool) -> Result<Vec<u8>> {
    if pretty {
        Ok(oar::manifest::indent_json(bytes)?)
    } else {
        Ok(bytes.to_vec())
    }
}

/// Prints JSON bytes as [`json_bytes`] shapes them.
pub fn raw_json(bytes: &[u8], pretty: bool) -> Result<()> {
    self::bytes(&json_bytes(bytes, pretty)?)
}

/// Writes fetched content to `-o path` atomically, or to stdout for `-`,
/// shaped by [`json_bytes`] either way, as oras does.
pub fn to_path_or_stdout(path: &str, content: &[u8], pretty: bool) -> Result<()> {
    let shaped = json_bytes(content, pretty)?;
    if path == "-" {
        return self::bytes(&shaped);
    }
    Ok(oar::content::files::write_atomic(
        std::path::Path::new(path),
        &shaped,
    )?)
}
