//! Go templates for `--format go-template=…` and `--template`: a compact
//! implementation of the part of Go's `text/template` that output
//! formatting uses, over the same JSON data `--format json` prints (maps
//! with sorted keys, numbers as Go prints JSON numbers).
//!
//! The grammar, as text/template defines it:
//!
//! ```text
//! template  := { text | "{{" ["-" ws] action [ws "-"] "}}" }
//! action    := "/*" comment "*/"
//!            | pipeline
//!            | "if" pipeline "}}" template { "{{else if" pipeline "}}" template }
//!                [ "{{else}}" template ] "{{end"
//!            | "range" [ "$v" ["," "$w"] ":=" ] pipeline "}}" template [ "{{else}}" template ] "{{end"
//!            | "with" pipeline "}}" template [ "{{else}}" template ] "{{end"
//! pipeline  := [ "$v" (":=" | "=") ] command { "|" command }
//! command   := operand { operand }            ; a function name first, or one operand
//! operand   := "." | ".Field" {".Field"} | "$" | "$v" {".Field"} | literal
//!            | "(" pipeline ")" {".Field"} | function-name
//! literal   := "string" | `raw` | number | true | false | nil
//! ```
//!
//! Functions: Go's builtins (`and or not len index slice print printf
//! println eq ne lt le gt ge`) and the sprig functions oras's docs use
//! (`toJson toRawJson toPrettyJson toString first last upper lower trim
//! trimPrefix trimSuffix join split contains hasPrefix hasSuffix replace
//! repeat quote squote default empty coalesce ternary list`). An unknown
//! function or a field of something that is not a map is an error.
//!
//! Limits, so that a template cannot exhaust memory or the stack: at most
//! [`MAX_OUTPUT`] bytes are printed, and no value a function builds is
//! larger (`{{repeat 4000000000 "x"}}` fails before it allocates);
//! the operands of one command hold at most [`MAX_ARGS`] bytes between
//! them; parentheses, blocks (`if`, `range`, `with`) and `list`s nest at
//! most [`MAX_DEPTH`] deep. Past a limit, rendering fails with an error.

use serde_json::Value;

/// Most bytes a template prints, and the largest string or list a
/// function may build: 16 MiB, far past any listing oar prints.
pub const MAX_OUTPUT: usize = 16 << 20;

/// Most bytes the operands of one command may hold between them (four
/// outputs' worth: `{{print $x $x $x $x}}` of the largest values).
pub const MAX_ARGS: usize = 4 * MAX_OUTPUT;

/// Deepest nesting of parentheses, blocks and lists.
pub const MAX_DEPTH: usize = 100;

/// The error for a value or an output past [`MAX_OUTPUT`].
fn too_large(what: &str) -> String {
    format!(
        "template: {what} would be larger than {} MiB",
        MAX_OUTPUT >> 20
    )
}

/// Refuses `len` bytes of `what` past [`MAX_OUTPUT`].
fn fit(len: usize, what: &str) -> Result<()> {
    if len > MAX_OUTPUT {
        return Err(too_large(what));
    }
    Ok(())
}

/// The error for nesting past [`MAX_DEPTH`].
fn too_deep() -> String {
    format!("template: nesting deeper than {MAX_DEPTH} levels")
}

/// About how many bytes `v` holds, counting each scalar as 8.
fn size_of(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len(),
        Value::Array(a) => a.iter().map(size_of).fold(a.len(), usize::saturating_add),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| k.len().saturating_add(size_of(v)))
            .fold(m.len(), usize::saturating_add),
        _ => 8,
    }
}

/// How deep lists and maps nest in `v`.
fn depth_of(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

/// A template error, in Go's words where it matters.
pub type Result<T> = std::result::Result<T, String>;

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Vec<(Pipeline, Vec<Node>)>, Vec<Node>),
    Range(Pipeline, Vec<Node>, Vec<Node>),
    With(Pipeline, Vec<Node>, Vec<Node>),
}

#[derive(Debug, Clone)]
struct Pipeline {
    /// Variables declared (`:=`) or assigned (`=`).
    vars: Vec<String>,
    assign: bool,
    cmds: Vec<Vec<Operand>>,
}

#[derive(Debug, Clone)]
enum Operand {
    Dot(Vec<String>),
    Var(String, Vec<String>),
    Lit(Value),
    Nil,
    Func(String),
    Sub(Box<Pipeline>, Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(Vec<String>),
    Var(String, Vec<String>),
    Ident(String),
    Str(String),
    Num(Value),
    LParen,
    RParen(Vec<String>),
    Pipe,
    Declare,
    Assign,
    Comma,
}

/// A parsed template.
pub struct Template {
    nodes: Vec<Node>,
}

/// Splits the template into text and actions, applying trim markers.
fn split(src: &str) -> Result<Vec<(bool, String)>> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find("{{") {
        let mut text = rest[..start].to_string();
        let after = &rest[start + 2..];
        let trim_left = after.starts_with('-') && after[1..].starts_with(char::is_whitespace);
        if trim_left {
            text = text.trim_end().to_string();
        }
        let body_start = if trim_left { 1 } else { 0 };
        let end = find_close(&after[body_start..])
            .ok_or_else(|| "template: unclosed action".to_string())?;
        let mut body = &after[body_start..body_start + end];
        let mut trim_right = false;
        if body.ends_with('-') && body[..body.len() - 1].ends_with(char::is_whitespace) {
            trim_right = true;
            body = &body[..body.len() - 1];
        }
        if !text.is_empty() {
            out.push((false, text));
        }
        out.push((true, body.trim().to_string()));
        rest = &after[body_start + end + 2..];
        if trim_right {
            rest = rest.trim_start();
        }
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string()));
    }
    Ok(out)
}

/// The `}}` closing an action, skipping quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn fields_after(chars: &[char], i: &mut usize) -> Vec<String> {
    let mut fields = Vec::new();
    while *i < chars.len() && chars[*i] == '.' {
        *i += 1;
        let start = *i;
        while *i < chars.len() && (chars[*i].is_alphanumeric() || chars[*i] == '_') {
            *i += 1;
        }
        fields.push(chars[start..*i].iter().collect());
    }
    fields
}

fn lex(action: &str) -> Result<Vec<Tok>> {
    let chars: Vec<char> = action.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                i += 1;
                toks.push(Tok::RParen(fields_after(&chars, &mut i)));
            }
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                toks.push(Tok::Assign);
                i += 1;
            }
            '.' => {
                let fields = fields_after(&chars, &mut i);
                let fields = if fields == [String::new()] {
                    Vec::new()
                } else {
                    fields
                };
                toks.push(Tok::Field(fields));
            }
            '$' => {
                i += 1;
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                toks.push(Tok::Var(name, fields_after(&chars, &mut i)));
            }
            '"' => {
                i += 1;
                let mut s = String::new();
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                        s.push(match chars[i] {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            '0' => '\0',
                            other => other,
                        });
                    } else {
                        s.push(chars[i]);
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err("template: unterminated quoted string".into());
                }
                i += 1;
                toks.push(Tok::Str(s));
            }
            '`' => {
                i += 1;
                let start = i;
                while i < chars.len() && chars[i] != '`' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err("template: unterminated raw quoted string".into());
                }
                toks.push(Tok::Str(chars[start..i].iter().collect()));
                i += 1;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let num = if let Ok(n) = text.parse::<i64>() {
                    Value::from(n)
                } else {
                    text.parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .ok_or_else(|| format!("template: bad number syntax: {text:?}"))?
                };
                toks.push(Tok::Num(num));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                toks.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(format!("template: unexpected {other:?} in command")),
        }
    }
    Ok(toks)
}

/// Parses a pipeline nested `depth` deep (in blocks and parentheses).
fn parse_pipeline(toks: &[Tok], pos: &mut usize, depth: usize) -> Result<Pipeline> {
    let mut vars = Vec::new();
    let mut assign = false;
    // `$a, $b :=` or `$a =`
    let save = *pos;
    loop {
        match toks.get(*pos) {
            Some(Tok::Var(name, f)) if f.is_empty() => {
                vars.push(name.clone());
                *pos += 1;
                match toks.get(*pos) {
                    Some(Tok::Comma) => *pos += 1,
                    Some(Tok::Declare) => {
                        *pos += 1;
                        break;
                    }
                    Some(Tok::Assign) => {
                        assign = true;
                        *pos += 1;
                        break;
                    }
                    _ => {
                        vars.clear();
                        *pos = save;
                        break;
                    }
                }
            }
            _ => {
                vars.clear();
                *pos = save;
                break;
            }
        }
    }
    let mut cmds = Vec::new();
    let mut cmd = Vec::new();
    while let Some(t) = toks.get(*pos) {
        match t {
            Tok::Pipe => {
                if cmd.is_empty() {
                    return Err("template: missing command before '|'".into());
                }
                cmds.push(std::mem::take(&mut cmd));
                *pos += 1;
            }
            Tok::RParen(_) => break,
            Tok::LParen => {
                *pos += 1;
                if depth >= MAX_DEPTH {
                    return Err(too_deep());
                }
                let sub = parse_pipeline(toks, pos, depth + 1)?;
                match toks.get(*pos) {
                    Some(Tok::RParen(fields)) => {
                        cmd.push(Operand::Sub(Box::new(sub), fields.clone()));
                        *pos += 1;
                    }
                    _ => return Err("template: unclosed left paren".into()),
                }
            }
            Tok::Field(f) => {
                cmd.push(Operand::Dot(f.clone()));
                *pos += 1;
            }
            Tok::Var(n, f) => {
                cmd.push(Operand::Var(n.clone(), f.clone()));
                *pos += 1;
            }
            Tok::Str(s) => {
                cmd.push(Operand::Lit(Value::String(s.clone())));
                *pos += 1;
            }
            Tok::Num(n) => {
                cmd.push(Operand::Lit(n.clone()));
                *pos += 1;
            }
            Tok::Ident(id) => {
                cmd.push(match id.as_str() {
                    "true" => Operand::Lit(Value::Bool(true)),
                    "false" => Operand::Lit(Value::Bool(false)),
                    "nil" => Operand::Nil,
                    _ => Operand::Func(id.clone()),
                });
                *pos += 1;
            }
            other => return Err(format!("template: unexpected {other:?} in operand")),
        }
    }
    if !cmd.is_empty() {
        cmds.push(cmd);
    }
    if cmds.is_empty() {
        return Err("template: missing value for command".into());
    }
    Ok(Pipeline { vars, assign, cmds })
}

fn pipeline_of(action: &str, depth: usize) -> Result<Pipeline> {
    let toks = lex(action)?;
    let mut pos = 0;
    let p = parse_pipeline(&toks, &mut pos, depth)?;
    if pos != toks.len() {
        return Err(format!("template: unexpected tokens in {action:?}"));
    }
    Ok(p)
}

/// Parses `items` from `*i` until an `{{end}}` (or `{{else…}}`, which is
/// returned for the caller to handle), `depth` blocks deep.
fn parse_list(
    items: &[(bool, String)],
    i: &mut usize,
    depth: usize,
) -> Result<(Vec<Node>, Option<String>)> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let mut nodes = Vec::new();
    while *i < items.len() {
        let (is_action, body) = &items[*i];
        *i += 1;
        if !is_action {
            nodes.push(Node::Text(body.clone()));
            continue;
        }
        if body.starts_with("/*") {
            continue;
        }
        let word = body.split_whitespace().next().unwrap_or("");
        match word {
            "end" => return Ok((nodes, Some("end".into()))),
            "else" => return Ok((nodes, Some(body.clone()))),
            "if" => {
                let mut branches = vec![(pipeline_of(&body[2..], depth)?, Vec::new())];
                let mut otherwise = Vec::new();
                loop {
                    let (list, stop) = parse_list(items, i, depth + 1)?;
                    let stop = stop.ok_or("template: unexpected EOF in if")?;
                    branches.last_mut().expect("a branch").1 = list;
                    if stop == "end" {
                        break;
                    }
                    let rest = stop["else".len()..].trim();
                    if let Some(cond) = rest.strip_prefix("if ") {
                        branches.push((pipeline_of(cond, depth)?, Vec::new()));
                        continue;
                    }
                    let (list, stop) = parse_list(items, i, depth + 1)?;
                    if stop.as_deref() != Some("end") {
                        return Err("template: expected end after else".into());
                    }
                    otherwise = list;
                    break;
                }
                nodes.push(Node::If(branches, otherwise));
            }
            "range" | "with" => {
                let pipe = pipeline_of(&body[word.len()..], depth)?;
                let (list, stop) = parse_list(items, i, depth + 1)?;
                let stop = stop.ok_or_else(|| format!("template: unexpected EOF in {word}"))?;
                let otherwise = if stop == "end" {
                    Vec::new()
                } else {
                    let (list, stop) = parse_list(items, i, depth + 1)?;
                    if stop.as_deref() != Some("end") {
                        return Err("template: expected end after else".into());
                    }
                    list
                };
                nodes.push(if word == "range" {
                    Node::Range(pipe, list, otherwise)
                } else {
                    Node::With(pipe, list, otherwise)
                });
            }
            "define" | "template" | "block" | "break" | "continue" => {
                return Err(format!("template: {word:?} is not supported"));
            }
            _ => nodes.push(Node::Action(pipeline_of(body, depth)?)),
        }
    }
    Ok((nodes, None))
}

impl Template {
    /// Parses a template.
    pub fn parse(src: &str) -> Result<Template> {
        let items = split(src)?;
        let mut i = 0;
        let (nodes, stop) = parse_list(&items, &mut i, 0)?;
        if let Some(s) = stop {
            return Err(format!("template: unexpected {{{{{s}}}}}"));
        }
        Ok(Template { nodes })
    }

    /// Renders the template with `data` as dot.
    pub fn render(&self, data: &Value) -> Result<String> {
        let mut st = State {
            vars: vec![("".into(), data.clone())],
            out: String::new(),
        };
        st.walk(&self.nodes, data)?;
        Ok(st.out)
    }
}

struct State {
    vars: Vec<(String, Value)>,
    out: String,
}

fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn field(v: &Value, name: &str) -> Result<Value> {
    match v {
        Value::Object(m) => Ok(m.get(name).cloned().unwrap_or(Value::Null)),
        Value::Null => Ok(Value::Null),
        other => Err(format!(
            "template: can't evaluate field {name} in type {}",
            go_type(other)
        )),
    }
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// A JSON number as Go prints a float64 with `%v` (strconv's shortest
/// `%g`): exponent notation from 1e6 up and below 1e-4, so a size of
/// 12345678 prints as `1.2345678e+07`, as it does in oras.
fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return go_float(i as f64);
    }
    if let Some(u) = n.as_u64() {
        return go_float(u as f64);
    }
    go_float(n.as_f64().unwrap_or(0.0))
}

fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let exp = f.abs().log10().floor() as i32;
    if (-4..6).contains(&exp) {
        let s = format!("{f}");
        s.strip_suffix(".0").map_or(s.clone(), str::to_string)
    } else {
        // Go: mantissa digits, then e+NN with at least two exponent digits.
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    }
}

/// `%v` of a value decoded from JSON into Go's `interface{}`.
fn go_print(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_print).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_print(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn num(v: &Value, func: &str) -> Result<f64> {
    v.as_f64()
        .ok_or_else(|| format!("template: {func}: incompatible types for comparison"))
}

fn compare(a: &Value, b: &Value, func: &str) -> Result<std::cmp::Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => num(a, func)?
            .partial_cmp(&num(b, func)?)
            .ok_or_else(|| format!("template: {func}: invalid comparison")),
    }
}

fn str_arg(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => go_print(other),
    }
}

fn to_json(v: &Value, html: bool) -> String {
    if html {
        String::from_utf8_lossy(&oar::manifest::marshal(v)).into_owned()
    } else {
        serde_json::to_string(v).unwrap_or_default()
    }
}

/// Go's `fmt.Sprintf` for the verbs templates use (`%s %v %d %q %t %x %X
/// %f %%`), with Go's flags (`-` `+` `0` space), width and precision:
/// `%5d`, `%-8s`, `%.2f`, `%05d`, `%.3s`. A width or precision past
/// [`MAX_OUTPUT`] is an error rather than an allocation.
fn printf(format: &str, args: &[Value]) -> Result<String> {
    let mut out = String::new();
    let mut it = format.chars().peekable();
    let mut n = 0;
    while let Some(c) = it.next() {
        fit(out.len(), "the result of printf")?;
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut minus, mut plus, mut zero, mut space) = (false, false, false, false);
        while let Some(&f) = it.peek() {
            match f {
                '-' => minus = true,
                '+' => plus = true,
                '0' => zero = true,
                ' ' => space = true,
                '#' => {}
                _ => break,
            }
            it.next();
        }
        let number = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Result<Option<usize>> {
            let mut v: Option<usize> = None;
            while let Some(d) = it.peek().and_then(|c| c.to_digit(10)) {
                let next = v.unwrap_or(0).saturating_mul(10).saturating_add(d as usize);
                fit(next, "a printf width")?;
                v = Some(next);
                it.next();
            }
            Ok(v)
        };
        let width = number(&mut it)?;
        let precision = if it.peek() == Some(&'.') {
            it.next();
            Some(number(&mut it)?.unwrap_or(0))
        } else {
            None
        };
        let Some(verb) = it.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(n) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        n += 1;
        let sign = |neg: bool| {
            if neg {
                "-"
            } else if plus {
                "+"
            } else if space {
                " "
            } else {
                ""
            }
        };
        let integer = arg
            .as_f64()
            .filter(|f| f.fract() == 0.0 && arg.is_number())
            .map(|f| f as i64);
        let (text, numeric) = match verb {
            'q' => (format!("{:?}", str_arg(arg)), false),
            'x' | 'X' => {
                let hex = match integer {
                    Some(i) => format!("{}{:x}", sign(i < 0), i.unsigned_abs()),
                    None => str_arg(arg).bytes().map(|b| format!("{b:02x}")).collect(),
                };
                let hex = if verb == 'X' { hex.to_uppercase() } else { hex };
                (hex, integer.is_some())
            }
            'd' => match integer {
                Some(i) => (format!("{}{}", sign(i < 0), i.unsigned_abs()), true),
                None => (format!("%!d({})", go_print(arg)), false),
            },
            'f' | 'F' => match arg.as_f64() {
                Some(f) if arg.is_number() => {
                    let p = precision.unwrap_or(6);
                    let body = format!("{:.p$}", f.abs());
                    (
                        format!("{}{body}", sign(f.is_sign_negative() && f != 0.0)),
                        true,
                    )
                }
                _ => (format!("%!{verb}({})", go_print(arg)), false),
            },
            's' | 'v' => {
                let text = match (verb, arg) {
                    ('s', other) => str_arg(other),
                    (_, other) => go_print(other),
                };
                // For strings, a precision cuts to that many characters.
                match precision {
                    Some(p) if matches!(arg, Value::String(_)) || verb == 's' => {
                        (text.chars().take(p).collect(), false)
                    }
                    _ => (text, false),
                }
            }
            't' => match arg {
                Value::Bool(b) => (b.to_string(), false),
                other => (format!("%!t({})", go_print(other)), false),
            },
            _ => (go_print(arg), false),
        };
        let len = text.chars().count();
        let pad = width.unwrap_or(0).saturating_sub(len);
        if minus {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if zero {
            // Zeros go after the sign of a number, as in Go.
            let (sgn, digits) = match text.chars().next() {
                Some(c @ ('-' | '+' | ' ')) if numeric => text.split_at(c.len_utf8()),
                _ => ("", text.as_str()),
            };
            out.push_str(sgn);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
    }
    fit(out.len(), "the result of printf")?;
    Ok(out)
}

/// Calls the function `name`; a result past [`MAX_OUTPUT`] is an error.
fn call(name: &str, args: Vec<Value>) -> Result<Value> {
    let v = call_unchecked(name, args)?;
    fit(size_of(&v), &format!("the result of {name}"))?;
    Ok(v)
}

fn call_unchecked(name: &str, args: Vec<Value>) -> Result<Value> {
    let want = |n: usize| -> Result<()> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "template: wrong number of args for {name}: want {n} got {}",
                args.len()
            ))
        }
    };
    let s = |i: usize| args.get(i).map(str_arg).unwrap_or_default();
    Ok(match name {
        "and" => args
            .iter()
            .find(|a| !truth(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        "or" => args
            .iter()
            .find(|a| truth(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        "not" => {
            want(1)?;
            Value::Bool(!truth(&args[0]))
        }
        "len" => {
            want(1)?;
            Value::from(match &args[0] {
                Value::String(x) => x.len(),
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::Null => 0,
                other => return Err(format!("template: len of type {}", go_type(other))),
            })
        }
        "index" => {
            let mut v = args.first().cloned().unwrap_or(Value::Null);
            for k in args.iter().skip(1) {
                v = match (&v, k) {
                    (Value::Object(m), key) => m.get(&str_arg(key)).cloned().unwrap_or(Value::Null),
                    (Value::Array(a), Value::Number(i)) => {
                        let idx = i.as_u64().unwrap_or(u64::MAX) as usize;
                        a.get(idx)
                            .cloned()
                            .ok_or_else(|| format!("template: index out of range: {idx}"))?
                    }
                    _ => return Err("template: can't index item".into()),
                };
            }
            v
        }
        "slice" => {
            // `slice x from to`: the bounds, defaulting to the whole.
            let bounds = |len: usize| {
                let from = args.get(1).and_then(Value::as_u64).unwrap_or(0) as usize;
                let to = args
                    .get(2)
                    .and_then(Value::as_u64)
                    .map_or(len, |t| t as usize);
                from..to
            };
            match args.first() {
                Some(Value::Array(a)) => Value::Array(
                    a.get(bounds(a.len()))
                        .ok_or("template: slice out of range")?
                        .to_vec(),
                ),
                Some(Value::String(x)) => Value::String(
                    x.get(bounds(x.len()))
                        .ok_or("template: slice out of range")?
                        .into(),
                ),
                _ => return Err("template: can't slice item".into()),
            }
        }
        "print" => {
            // Spaces go between operands when neither is a string.
            let mut out = String::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 && !a.is_string() && !args[i - 1].is_string() {
                    out.push(' ');
                }
                out.push_str(&go_print(a));
            }
            Value::String(out)
        }
        "println" => Value::String(format!(
            "{}\n",
            args.iter().map(go_print).collect::<Vec<_>>().join(" ")
        )),
        "printf" => Value::String(printf(&s(0), args.get(1..).unwrap_or(&[]))?),
        "eq" => {
            let first = args.first().ok_or("template: missing argument for eq")?;
            Value::Bool(args.iter().skip(1).any(|a| a == first))
        }
        "ne" => {
            want(2)?;
            Value::Bool(args[0] != args[1])
        }
        "lt" | "le" | "gt" | "ge" => {
            want(2)?;
            let o = compare(&args[0], &args[1], name)?;
            Value::Bool(match name {
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        "toJson" => Value::String(to_json(args.first().unwrap_or(&Value::Null), true)),
        "toRawJson" => Value::String(to_json(args.first().unwrap_or(&Value::Null), false)),
        "toPrettyJson" => {
            let compact = oar::manifest::marshal(args.first().unwrap_or(&Value::Null));
            let pretty = oar::manifest::indent_json(&compact).map_err(|e| e.to_string())?;
            Value::String(String::from_utf8_lossy(&pretty).trim_end().to_string())
        }
        "toString" => Value::String(s(0)),
        "first" | "last" => match args.first() {
            Some(Value::Array(a)) => {
                let item = if name == "first" { a.first() } else { a.last() };
                item.cloned().unwrap_or(Value::Null)
            }
            Some(Value::Null) | None => Value::Null,
            Some(other) => return Err(format!("template: {name} of type {}", go_type(other))),
        },
        "upper" => Value::String(s(0).to_uppercase()),
        "lower" => Value::String(s(0).to_lowercase()),
        "trim" => Value::String(s(0).trim().to_string()),
        "trimPrefix" => Value::String(s(1).strip_prefix(&s(0)).map_or(s(1), str::to_string)),
        "trimSuffix" => Value::String(s(1).strip_suffix(&s(0)).map_or(s(1), str::to_string)),
        "join" => match args.get(1) {
            Some(Value::Array(a)) => {
                Value::String(a.iter().map(str_arg).collect::<Vec<_>>().join(&s(0)))
            }
            _ => Value::String(s(1)),
        },
        "split" | "splitList" => Value::Array(
            s(1).split(&s(0))
                .map(|p| Value::String(p.to_string()))
                .collect(),
        ),
        "contains" => Value::Bool(s(1).contains(&s(0))),
        "hasPrefix" => Value::Bool(s(1).starts_with(&s(0))),
        "hasSuffix" => Value::Bool(s(1).ends_with(&s(0))),
        "replace" => {
            let (old, new, text) = (s(0), s(1), s(2));
            let hits = if old.is_empty() {
                text.chars().count() + 1
            } else {
                text.matches(old.as_str()).count()
            };
            fit(
                hits.saturating_mul(new.len()).saturating_add(text.len()),
                "the result of replace",
            )?;
            Value::String(text.replace(&old, &new))
        }
        "repeat" => {
            let n = args.first().and_then(Value::as_u64).unwrap_or(0);
            let text = s(1);
            let len = usize::try_from(n)
                .unwrap_or(usize::MAX)
                .saturating_mul(text.len());
            fit(len, "the result of repeat")?;
            Value::String(text.repeat(n as usize))
        }
        "quote" => Value::String(format!("{:?}", s(0))),
        "squote" => Value::String(format!("'{}'", s(0))),
        "default" => {
            let given = args.get(1).cloned().unwrap_or(Value::Null);
            if truth(&given) {
                given
            } else {
                args.first().cloned().unwrap_or(Value::Null)
            }
        }
        "empty" => Value::Bool(!truth(args.first().unwrap_or(&Value::Null))),
        "coalesce" => args
            .iter()
            .find(|a| truth(a))
            .cloned()
            .unwrap_or(Value::Null),
        "ternary" => {
            want(3)?;
            if truth(&args[2]) {
                args[0].clone()
            } else {
                args[1].clone()
            }
        }
        "list" => {
            if 1 + args.iter().map(depth_of).max().unwrap_or(0) > MAX_DEPTH {
                return Err(too_deep());
            }
            Value::Array(args)
        }
        other => return Err(format!("template: function {other:?} not defined")),
    })
}

impl State {
    /// Prints `s`, within [`MAX_OUTPUT`].
    fn emit(&mut self, s: &str) -> Result<()> {
        fit(self.out.len().saturating_add(s.len()), "the output")?;
        self.out.push_str(s);
        Ok(())
    }

    fn var(&self, name: &str) -> Result<Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("template: undefined variable: ${name}"))
    }

    fn operand(&mut self, op: &Operand, dot: &Value) -> Result<Value> {
        let walk = |mut v: Value, fields: &[String]| -> Result<Value> {
            for f in fields {
                v = field(&v, f)?;
            }
            Ok(v)
        };
        match op {
            Operand::Dot(fields) => walk(dot.clone(), fields),
            Operand::Var(name, fields) => walk(self.var(name)?, fields),
            Operand::Lit(v) => Ok(v.clone()),
            Operand::Nil => Ok(Value::Null),
            Operand::Func(name) => call(name, Vec::new()),
            Operand::Sub(p, fields) => {
                let v = self.pipeline(p, dot)?;
                walk(v, fields)
            }
        }
    }

    fn pipeline(&mut self, p: &Pipeline, dot: &Value) -> Result<Value> {
        let mut last: Option<Value> = None;
        for cmd in &p.cmds {
            let value = match &cmd[0] {
                Operand::Func(name) => {
                    let mut args = Vec::new();
                    let mut held = last.as_ref().map_or(0, size_of);
                    for a in &cmd[1..] {
                        let v = self.operand(a, dot)?;
                        held = held.saturating_add(size_of(&v));
                        if held > MAX_ARGS {
                            return Err(format!(
                                "template: the operands of {name} would hold more than {} MiB",
                                MAX_ARGS >> 20
                            ));
                        }
                        args.push(v);
                    }
                    args.extend(last.take());
                    call(name, args)?
                }
                single if cmd.len() == 1 && last.is_none() => self.operand(single, dot)?,
                _ => {
                    return Err("template: can't give argument to non-function".to_string());
                }
            };
            last = Some(value);
        }
        let value = last.unwrap_or(Value::Null);
        if p.assign {
            for name in &p.vars {
                let slot = self
                    .vars
                    .iter_mut()
                    .rev()
                    .find(|(n, _)| n == name)
                    .ok_or_else(|| format!("template: undefined variable: ${name}"))?;
                slot.1 = value.clone();
            }
        } else if let Some(name) = p.vars.last() {
            self.vars.push((name.clone(), value.clone()));
        }
        Ok(value)
    }

    fn walk(&mut self, nodes: &[Node], dot: &Value) -> Result<()> {
        for node in nodes {
            match node {
                Node::Text(t) => self.emit(t)?,
                Node::Action(p) => {
                    let v = self.pipeline(p, dot)?;
                    if p.vars.is_empty() {
                        // A missing map key prints as Go prints it.
                        self.emit(&match v {
                            Value::Null => "<no value>".to_string(),
                            other => go_print(&other),
                        })?;
                    }
                }
                Node::If(branches, otherwise) => {
                    let depth = self.vars.len();
                    let mut taken = false;
                    for (cond, body) in branches {
                        if truth(&self.pipeline(cond, dot)?) {
                            self.walk(body, dot)?;
                            taken = true;
                            break;
                        }
                    }
                    if !taken {
                        self.walk(otherwise, dot)?;
                    }
                    self.vars.truncate(depth);
                }
                Node::With(p, body, otherwise) => {
                    let depth = self.vars.len();
                    let v = self.pipeline(p, dot)?;
                    if truth(&v) {
                        self.walk(body, &v)?;
                    } else {
                        self.walk(otherwise, dot)?;
                    }
                    self.vars.truncate(depth);
                }
                Node::Range(p, body, otherwise) => {
                    let depth = self.vars.len();
                    let vars = p.vars.clone();
                    let plain = Pipeline {
                        vars: Vec::new(),
                        assign: false,
                        cmds: p.cmds.clone(),
                    };
                    let v = self.pipeline(&plain, dot)?;
                    let items: Vec<(Value, Value)> = match v {
                        Value::Array(a) => a
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| (Value::from(i), x))
                            .collect(),
                        Value::Object(m) => {
                            m.into_iter().map(|(k, x)| (Value::String(k), x)).collect()
                        }
                        Value::Null => Vec::new(),
                        other => {
                            return Err(format!(
                                "template: range can't iterate over {}",
                                go_print(&other)
                            ));
                        }
                    };
                    if items.is_empty() {
                        self.walk(otherwise, dot)?;
                    }
                    for (key, item) in items {
                        let inner = self.vars.len();
                        match vars.as_slice() {
                            [v] => self.vars.push((v.clone(), item.clone())),
                            [k, v] => {
                                self.vars.push((k.clone(), key));
                                self.vars.push((v.clone(), item.clone()));
                            }
                            _ => {}
                        }
                        self.walk(body, &item)?;
                        self.vars.truncate(inner);
                    }
                    self.vars.truncate(depth);
                }
            }
        }
        Ok(())
    }
}

/// Renders `template` over `data`.
pub fn render(template: &str, data: &Value) -> Result<String> {
    Template::parse(template)?.render(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(t: &str, d: &Value) -> String {
        render(t, d).unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    #[test]
    fn fields_ranges_and_functions() {
        let d = json!({
            "reference": "localhost:5000/r@sha256:ab",
            "referenceAsTags": ["r:e2e", "r:2e2"],
            "manifests": [{"reference": "a"}, {"reference": "b"}],
            "content": {"layers": [{"digest": "sha256:1", "size": 12_345_678}]},
        });
        assert_eq!(r("{{.reference}}", &d), "localhost:5000/r@sha256:ab");
        assert_eq!(
            r("{{range .referenceAsTags}}{{println .}}{{end}}", &d),
            "r:e2e\nr:2e2\n"
        );
        assert_eq!(r("{{(first .manifests).reference}}", &d), "a");
        assert_eq!(r("{{(first .content.layers).digest}}", &d), "sha256:1");
        assert_eq!(r("{{(index .content.layers 0).size}}", &d), "1.2345678e+07");
        assert_eq!(r("{{len .manifests}} {{.missing}}", &d), "2 <no value>");
        assert_eq!(
            r(
                "{{range $i, $m := .manifests}}{{$i}}={{$m.reference}} {{end}}",
                &d
            ),
            "0=a 1=b "
        );
        assert_eq!(
            r(
                r#"{{if eq .reference "x"}}x{{else if .manifests}}m{{else}}n{{end}}"#,
                &d
            ),
            "m"
        );
        assert_eq!(r("{{with .content}}{{len .layers}}{{end}}", &d), "1");
        assert_eq!(r(r#"{{printf "%s-%d" "a" 3}}"#, &d), "a-3");
        assert_eq!(
            r("{{- .reference | upper -}} ", &d),
            "LOCALHOST:5000/R@SHA256:AB"
        );
        assert_eq!(
            r("{{toJson .content}}", &d),
            r#"{"layers":[{"digest":"sha256:1","size":12345678}]}"#
        );
        assert_eq!(r("{{$x := 1}}{{$x}}", &d), "1");
        assert_eq!(r("{{/* a comment */}}ok", &d), "ok");
    }

    #[test]
    fn errors_are_clear() {
        let d = json!({"a": "s"});
        assert!(
            render("{{nope .a}}", &d)
                .unwrap_err()
                .contains("\"nope\" not defined")
        );
        assert!(
            render("{{.a.b}}", &d)
                .unwrap_err()
                .contains("can't evaluate field b")
        );
        assert!(render("{{if .a}}", &d).is_err());
        assert!(render("{{.a", &d).is_err());
    }

    #[test]
    fn printf_takes_go_s_widths_and_precisions() {
        let d = json!({"n": 42, "neg": -7, "f": 1.23456, "s": "héllo"});
        for (t, want) in [
            ("{{printf \"%5d|\" .n}}", "   42|"),
            ("{{printf \"%-5d|\" .n}}", "42   |"),
            ("{{printf \"%05d\" .n}}", "00042"),
            ("{{printf \"%05d\" .neg}}", "-0007"),
            ("{{printf \"%+d\" .n}}", "+42"),
            ("{{printf \"%-8s|\" .s}}", "héllo   |"),
            ("{{printf \"%8s|\" .s}}", "   héllo|"),
            ("{{printf \"%.2s\" .s}}", "hé"),
            ("{{printf \"%.2f\" .f}}", "1.23"),
            ("{{printf \"%8.3f|\" .f}}", "   1.235|"),
            ("{{printf \"%f\" .f}}", "1.234560"),
            ("{{printf \"%x %X\" 255 255}}", "ff FF"),
            ("{{printf \"%6x|\" \"ab\"}}", "  6162|"),
            ("{{printf \"%t %5v|\" true .n}}", "true    42|"),
            ("{{printf \"100%%\"}}", "100%"),
        ] {
            assert_eq!(r(t, &d), want, "{t}");
        }
    }

    #[test]
    fn sizes_and_depths_are_bounded() {
        let d = json!({});
        for (t, needle) in [
            (
                "{{repeat 4000000000 \"x\"}}",
                "repeat would be larger than 16 MiB",
            ),
            (
                "{{printf \"%999999999999d\" 1}}",
                "printf width would be larger",
            ),
            (
                "{{$x := repeat 10000000 \"x\"}}{{$x}}{{$x}}",
                "the output would be larger than 16 MiB",
            ),
            (
                "{{replace \"\" (repeat 1000000 \"y\") (repeat 100 \"x\")}}",
                "replace would be larger",
            ),
            (
                "{{$x := repeat 16000000 \"x\"}}{{print $x $x $x $x $x}}",
                "operands of print would hold more than 64 MiB",
            ),
        ] {
            let e = render(t, &d).unwrap_err();
            assert!(e.contains(needle), "{t}: {e}");
        }
        let deep = format!("{{{{{}1{}}}}}", "(".repeat(20_000), ")".repeat(20_000));
        assert!(
            render(&deep, &d)
                .unwrap_err()
                .contains("nesting deeper than 100")
        );
        let blocks = format!("{}x{}", "{{if 1}}".repeat(150), "{{end}}".repeat(150));
        assert!(render(&blocks, &d).unwrap_err().contains("nesting deeper"));
        let lists = "{{$x := list}}{{range split \"\" (repeat 200 \"x\")}}{{$x = list $x}}{{end}}";
        assert!(render(lists, &d).unwrap_err().contains("nesting deeper"));
        // Controls: 100 levels of either, and an output just under the cap.
        let ok = format!("{{{{{}1{}}}}}", "(".repeat(99), ")".repeat(99));
        assert_eq!(r(&ok, &d), "1");
        let ok = format!("{}x{}", "{{if 1}}".repeat(100), "{{end}}".repeat(100));
        assert_eq!(r(&ok, &d), "x");
        assert_eq!(r("{{repeat 16777216 \"x\"}}", &d).len(), MAX_OUTPUT);
    }
}
