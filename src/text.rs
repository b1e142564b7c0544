//! Text from untrusted sources (titles, annotations, tags, registry error
//! messages, tar entry names) made safe to print on a terminal: control
//! characters, which could move the cursor, rewrite the screen or set the
//! window title (ESC and OSC sequences, C1 controls), are shown as
//! escapes instead of being sent raw.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `s` with every control character (C0, DEL, C1) written as an escape:
/// `\n`, `\t`, `\x1b`, `\u009b`. Text without any is returned as is.
///
/// ```
/// assert_eq!(oar::text::escape_controls("a\u{1b}]0;pwned\u{7}b"), "a\\x1b]0;pwned\\x07b");
/// assert_eq!(oar::text::escape_controls("ünïcödé ✓"), "ünïcödé ✓");
/// ```
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// True when `s` holds a control character.
pub fn has_controls(s: &str) -> bool {
    s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_character() {
        assert_eq!(escape_controls("x\u{9b}31m\u{7f}"), "x\\u009b31m\\x7f");
        assert_eq!(escape_controls("line\nnext\ttab"), "line\\nnext\\ttab");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert!(has_controls("a\u{1b}"));
        assert!(!has_controls("a b"));
    }
}
