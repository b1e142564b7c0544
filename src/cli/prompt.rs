//! Interactive prompts, as oras does them: the prompt on stdout, the
//! answer from stdin (a script can pipe its answers); a secret is read
//! without echo when stdin is a terminal.

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::error::{Error, Result};

fn read_line(r: &mut dyn BufRead) -> Result<String> {
    let mut s = String::new();
    r.read_line(&mut s)
        .map_err(|e| Error::io("reading the answer", e))?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

fn show(prompt: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(prompt.as_bytes());
    let _ = out.flush();
}

/// Asks for a visible answer (a user name).
pub fn ask(prompt: &str) -> Result<String> {
    show(prompt);
    read_line(&mut std::io::stdin().lock())
}

/// Asks for a secret, not echoed when typed on a terminal.
pub fn ask_secret(prompt: &str) -> Result<String> {
    show(prompt);
    if std::io::stdin().is_terminal() {
        let secret = rpassword::read_password().map_err(|e| Error::io("reading the secret", e))?;
        println!();
        return Ok(secret);
    }
    read_line(&mut std::io::stdin().lock())
}

/// Asks `question [y/N]` on stdout and reads the answer from stdin, as
/// oras does; anything but `y`/`yes` is no.
pub fn confirm(question: &str) -> Result<bool> {
    show(&format!("{question} [y/N] "));
    let answer = read_line(&mut std::io::stdin().lock())?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
