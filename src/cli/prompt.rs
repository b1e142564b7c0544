//! Interactive prompts for `login`: from the terminal on stdin, else from
//! the controlling terminal (`/dev/tty`) when stdin is redirected, else
//! from stdin lines (a script piping answers, as oras accepts).

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, IsTerminal, Write};

use crate::cli::error::{Error, Result};

fn read_line(r: &mut dyn BufRead) -> Result<String> {
    let mut s = String::new();
    r.read_line(&mut s)
        .map_err(|e| Error::io("reading the answer", e))?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

/// Asks for a visible answer (a user name).
pub fn ask(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        if let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") {
            let mut w = tty
                .try_clone()
                .map_err(|e| Error::io("opening the terminal", e))?;
            w.write_all(prompt.as_bytes())
                .map_err(|e| Error::io("prompting", e))?;
            return read_line(&mut BufReader::new(tty));
        }
        eprint!("{prompt}");
        return read_line(&mut std::io::stdin().lock());
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(prompt.as_bytes());
    let _ = out.flush();
    read_line(&mut std::io::stdin().lock())
}

/// Asks for a secret without echoing it (on a terminal).
pub fn ask_secret(prompt: &str) -> Result<String> {
    let has_tty = std::io::stdin().is_terminal()
        || OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok();
    if has_tty {
        // rpassword reads from /dev/tty with echo off, whatever stdin is.
        return rpassword::prompt_password(prompt).map_err(|e| Error::io("reading the secret", e));
    }
    eprint!("{prompt}");
    let s = read_line(&mut std::io::stdin().lock());
    eprintln!();
    s
}

/// Asks `question [y/N]` on stdout and reads the answer from stdin, as
/// oras does; anything but `y`/`yes` is no.
pub fn confirm(question: &str) -> Result<bool> {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question} [y/N] ");
    let _ = out.flush();
    drop(out);
    let answer = read_line(&mut std::io::stdin().lock())?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
