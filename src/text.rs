//! Text from untrusted sources (titles, annotations, tags, registry error
//! messages, tar entry names) made safe to print on a terminal: control
//! characters, which could move the cursor, rewrite the screen or set the
//! window title (ESC and OSC sequences, C1 controls), are shown as
//! escapes instead of being sent raw; so are the Unicode bidirectional
//! embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//! which would show a name reversed (`txt.exe` for `exe.txt`).

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for a character never printed raw: a control character (C0,
/// DEL, C1) or a bidirectional embedding, override or isolate.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character (C0, DEL, C1) and bidirectional
/// control written as an escape: `\n`, `\t`, `\x1b`, `\u009b`, `\u202e`.
/// Text without any is returned as is.
///
/// ```
/// assert_eq!(oar::text::escape_controls("a\u{1b}]0;pwned\u{7}b"), "a\\x1b]0;pwned\\x07b");
/// assert_eq!(oar::text::escape_controls("evil\u{202e}txt.exe"), "evil\\u202etxt.exe");
/// assert_eq!(oar::text::escape_controls("ünïcödé ✓"), "ünïcödé ✓");
/// ```
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
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
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// True when `s` holds a control character (bidirectional controls are
/// not counted: they are escaped when shown, but may name a file).
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
        for bidi in ['\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}'] {
            assert_eq!(
                escape_controls(&format!("a{bidi}b")),
                format!("a\\u{:04x}b", bidi as u32)
            );
        }
        // Neighbours of the bidi ranges are ordinary text.
        let near = "\u{2029}\u{202f}\u{2065}\u{206a}";
        assert!(matches!(escape_controls(near), Cow::Borrowed(_)));
    }
}
