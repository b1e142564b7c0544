//! What commands print: oras's status lines (`Uploading 2c26b46b68ff
//! foo1`), JSON results, and a broken pipe treated as a quiet end.

use std::io::{self, Write};

use serde::Serialize;

use super::error::{Error, Result};
use oar::copy::{Action, Observer};
use oar::descriptor::Descriptor;
use oar::diagnostics::{Diagnostic, Diagnostics};
use oar::text::escape_controls;

/// Writes a line to stdout; a closed pipe (`oar … | head`) ends quietly.
pub fn line(s: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    // Names and texts come from registries and artifacts: never let them
    // drive the terminal.
    writeln!(out, "{}", oar::text::escape_controls(s))
        .and_then(|()| out.flush())
        .map_err(stdout_error)
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
    // JSON escapes C0 controls itself; DEL and C1 controls, which it
    // leaves raw, are written as \u escapes (the same string to a
    // parser).
    let text = String::from_utf8_lossy(&pretty);
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\t' | '\r') {
            safe.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            safe.push(c);
        }
    }
    bytes(safe.as_bytes())
}

/// Status lines for one command: `<word padded> <12 hex> <title>`, only for
/// named content unless verbose (then the media type stands in for the
/// name). Silent when the output format is JSON.
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
}

impl Status {
    /// A printer padding to `width`.
    pub fn new(width: usize, verbose: bool, quiet: bool) -> Status {
        Status {
            width,
            verbose,
            quiet,
            error: None,
        }
    }

    /// Prints one status line.
    pub fn print(&mut self, word: &str, desc: &Descriptor) {
        if self.quiet || self.error.is_some() {
            return;
        }
        let name = match desc.title() {
            Some(t) => t.to_string(),
            None if self.verbose => desc.media_type.clone(),
            None => return,
        };
        if let Err(e) = line(&format!(
            "{word:<w$} {} {name}",
            desc.digest.short(),
            w = self.width
        )) {
            self.error = Some(e);
        }
    }

    /// Fails with the first write error, if any.
    pub fn finish(&mut self) -> Result<()> {
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
        self.print(word(action), desc);
    }
}

/// Prints the library's diagnostics on stderr, as oar always has:
/// `Warning: …` lines, `[info]` notes with `-v` or `--debug`, and with
/// `--debug` every request and response (already masked).
pub struct Printer {
    /// `--debug`.
    pub debug: bool,
    /// `--verbose`.
    pub verbose: bool,
}

impl Diagnostics for Printer {
    fn report(&self, d: &Diagnostic<'_>) {
        let mut err = io::stderr().lock();
        let _ = match d {
            Diagnostic::Warning(w) => writeln!(err, "Warning: {}", escape_controls(w)),
            Diagnostic::Note(n) if self.debug || self.verbose => {
                writeln!(err, "[info] {}", escape_controls(n))
            }
            Diagnostic::Debug(n) if self.debug => writeln!(err, "[debug] {}", escape_controls(n)),
            Diagnostic::Request {
                method,
                url,
                headers,
                ..
            } => {
                let _ = writeln!(err, "[debug] > {method} {}", escape_controls(url));
                headers
                    .iter()
                    .try_for_each(|(k, v)| writeln!(err, "[debug] > {k}: {}", escape_controls(v)))
            }
            Diagnostic::Response {
                status,
                headers,
                elapsed,
                ..
            } => {
                let _ = writeln!(err, "[debug] < {status} ({} ms)", elapsed.as_millis());
                headers
                    .iter()
                    .try_for_each(|(k, v)| writeln!(err, "[debug] < {k}: {}", escape_controls(v)))
            }
            _ => Ok(()),
        };
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

/// Prints JSON bytes as they are, or indented with `--pretty`.
pub fn raw_json(bytes: &[u8], pretty: bool) -> Result<()> {
    if pretty {
        self::bytes(&oar::manifest::indent_json(bytes)?)
    } else {
        let mut b = bytes.to_vec();
        if !b.ends_with(b"\n") {
            b.push(b'\n');
        }
        self::bytes(&b)
    }
}

/// Writes fetched content to `-o path` atomically, or to stdout for `-`.
pub fn to_path_or_stdout(path: &str, content: &[u8], pretty: bool) -> Result<()> {
    if path == "-" {
        return if pretty {
            raw_json(content, true)
        } else {
            self::bytes(content)
        };
    }
    Ok(oar::content::files::write_atomic(
        std::path::Path::new(path),
        content,
    )?)
}
