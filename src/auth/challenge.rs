//! Parsing `WWW-Authenticate` (RFC 7235 section 4.1).
//!
//! ```text
//! header      = #challenge
//! challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param  = token BWS "=" BWS ( token / quoted-string )
//! ```
//!
//! One header may hold several challenges (`Bearer realm="…",scope="a,b",
//! Basic realm="x"`); quoted values may contain commas and escaped quotes.
//! Garbage ends parsing without error: whatever parsed cleanly is kept.

/// One challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The scheme, lowercased (`bearer`, `basic`).
    pub scheme: String,
    /// Parameters with lowercased keys, in order.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// A parameter's value (key compared case-insensitively).
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] == b' ' || self.s[self.i] == b'\t') {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn token(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len() && is_tchar(self.s[self.i]) {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    fn quoted(&mut self) -> Option<String> {
        // At the opening quote.
        self.i += 1;
        let mut out = Vec::new();
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' if self.i + 1 < self.s.len() => {
                    out.push(self.s[self.i + 1]);
                    self.i += 2;
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        None
    }
}

/// Parses every challenge in one header value.
pub fn parse(header: &str) -> Vec<Challenge> {
    let mut c = Cursor {
        s: header.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    loop {
        while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
            c.i += 1;
        }
        let scheme = c.token();
        if scheme.is_empty() {
            return out;
        }
        let mut ch = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: Vec::new(),
        };
        loop {
            c.skip_ws();
            let mark = c.i;
            let key = c.token();
            c.skip_ws();
            if key.is_empty() || c.peek() != Some(b'=') {
                // Not a parameter: the next challenge's scheme.
                c.i = mark;
                break;
            }
            c.i += 1;
            c.skip_ws();
            if matches!(c.peek(), None | Some(b'=' | b',')) {
                // A token68 with padding (`Negotiate abc==`), which carries
                // nothing a registry client needs: skip it.
                while matches!(c.peek(), Some(b) if b != b',') {
                    c.i += 1;
                }
                break;
            }
            let value = if c.peek() == Some(b'"') {
                match c.quoted() {
                    Some(v) => v,
                    None => {
                        out.push(ch);
                        return out;
                    }
                }
            } else {
                c.token()
            };
            ch.params.push((key.to_ascii_lowercase(), value));
            c.skip_ws();
            match c.peek() {
                Some(b',') => c.i += 1,
                None => break,
                Some(_) => break,
            }
        }
        out.push(ch);
        if c.i >= c.s.len() {
            return out;
        }
        if !matches!(c.peek(), Some(b) if is_tchar(b) || b == b' ' || b == b',' || b == b'\t') {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_with_commas_in_scope() {
        let v = parse(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].scheme, "bearer");
        assert_eq!(v[0].param("realm"), Some("https://auth.example/token"));
        assert_eq!(v[0].param("scope"), Some("repository:a/b:pull,push"));
    }

    #[test]
    fn several_challenges_and_error() {
        let v = parse(r#"Bearer realm="r",error="insufficient_scope", Basic realm="basic-realm""#);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].param("error"), Some("insufficient_scope"));
        assert_eq!(v[1].scheme, "basic");
        assert_eq!(v[1].param("realm"), Some("basic-realm"));
    }

    #[test]
    fn escapes_tokens_and_spacing() {
        let v = parse(r#"Bearer  realm = "a\"b" , service=svc,scope=x"#);
        assert_eq!(v[0].param("realm"), Some("a\"b"));
        assert_eq!(v[0].param("service"), Some("svc"));
        assert_eq!(v[0].param("scope"), Some("x"));
        assert_eq!(parse("Basic")[0].scheme, "basic");
        assert_eq!(parse("Negotiate abc==, Basic realm=x").len(), 2);
    }

    #[test]
    fn garbage_is_not_a_panic() {
        for g in [
            "",
            "\"",
            "Bearer realm=\"unterminated",
            "=,=,=",
            "Bearer ,,,",
            "Bearer a=b c",
        ] {
            let _ = parse(g);
        }
        assert_eq!(parse("Bearer realm=\"unterminated").len(), 1);
    }
}
