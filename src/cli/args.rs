//! Parsing the command line against the flag table, with the grammar of
//! pflag (which oras uses): `--name value`, `--name=value`, `-x value`,
//! `-xvalue`, `-x=value`, bundled switches (`-dv`), flags anywhere among the
//! arguments, `--` to end flags, and `-` as a plain argument. This stage
//! only validates; commands turn values into real options.

use std::collections::HashMap;

use super::commands::Command;
use super::flags::{Choices, Flag, HELP, Kind};
use crate::cli::error::{Error, Result};

/// A flag as one command sees it: groups flattened, `from-`/`to-` prefixes
/// applied.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Long name.
    pub long: String,
    /// Short letter.
    pub short: Option<char>,
    /// Value kind.
    pub kind: Kind,
    /// Value name for help.
    pub metavar: &'static str,
    /// Default for help.
    pub default: &'static str,
    /// Help text.
    pub help: String,
    /// The fixed values it takes, if any (for `--format`, the command's
    /// formats).
    pub choices: Option<Choices>,
    /// Why the flag is deprecated, or empty (see [`Flag::deprecated`]).
    pub deprecated: &'static str,
}

impl Spec {
    fn from_flag(f: &Flag) -> Spec {
        Spec {
            long: f.long.to_string(),
            short: f.short,
            kind: f.kind,
            metavar: f.metavar,
            default: f.default,
            help: f.help.to_string(),
            choices: f.choices,
            deprecated: f.deprecated,
        }
    }

    /// Whether help, man pages and completion leave the flag out: it is
    /// deprecated, as cobra hides a deprecated flag.
    pub fn hidden(&self) -> bool {
        !self.deprecated.is_empty()
    }

    /// The flag for one side of a two-target command: `--from-…`/`--to-…`,
    /// without its short form.
    pub fn prefixed(f: &Flag, prefix: &str, side: &str) -> Spec {
        // A mark (`[Preview]`) stays first, as oras lists it.
        let help = match f.help.split_once("] ") {
            Some((mark, rest)) if mark.starts_with('[') => format!("{mark}] [{side}] {rest}"),
            _ => format!("[{side}] {}", f.help),
        };
        Spec {
            long: format!("{prefix}-{}", f.long),
            short: None,
            help,
            ..Spec::from_flag(f)
        }
    }
}

/// Every flag `cmd` accepts, `--help` included, in help order.
pub fn specs(cmd: &Command) -> Vec<Spec> {
    let mut out: Vec<Spec> = Vec::new();
    for group in cmd.groups {
        out.extend(group.iter().map(Spec::from_flag));
    }
    for (group, prefix, side) in cmd.prefixed_groups {
        out.extend(group.iter().map(|f| Spec::prefixed(f, prefix, side)));
    }
    out.push(Spec::from_flag(&HELP));
    for s in out.iter_mut().filter(|s| s.long == "format") {
        if !cmd.formats.is_empty() {
            // Checked by the command, in oras's words.
            s.choices = Some(Choices {
                what: "",
                values: cmd.formats,
            });
        }
    }
    // Sorted by name, as cobra lists them in help.
    out.sort_by(|a, b| a.long.cmp(&b.long));
    out
}

/// Parsed arguments of one command.
#[derive(Clone)]
pub struct Args {
    /// The command.
    pub cmd: &'static Command,
    values: HashMap<String, Vec<String>>,
    /// Positional arguments.
    pub positionals: Vec<String>,
    /// pflag's warning for each use of a deprecated flag, in order; the
    /// caller prints them on stderr once the line parsed.
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Args")
            .field("cmd", &self.cmd.name())
            .field("values", &self.values)
            .field("positionals", &self.positionals)
            .finish()
    }
}

impl Args {
    /// True if a switch is on.
    pub fn flag(&self, long: &str) -> bool {
        self.check(long);
        self.values
            .get(long)
            .and_then(|v| v.last())
            .is_some_and(|v| v == "true")
    }

    /// The last value of a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.check(long);
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a repeatable flag.
    pub fn values(&self, long: &str) -> &[String] {
        self.check(long);
        self.values.get(long).map_or(&[], Vec::as_slice)
    }

    /// True if the flag appeared at all.
    pub fn is_set(&self, long: &str) -> bool {
        self.check(long);
        self.values.contains_key(long)
    }

    /// True if the command has the flag `--long` at all.
    pub fn has(&self, long: &str) -> bool {
        let cmd = self.cmd;
        long == HELP.long
            || cmd
                .groups
                .iter()
                .flat_map(|g| g.iter())
                .any(|f| f.long == long)
            || cmd.prefixed_groups.iter().any(|(group, prefix, _)| {
                long.strip_prefix(*prefix)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|rest| group.iter().any(|f| f.long == rest))
            })
    }

    /// [`Args::flag`] for code shared by commands, some of which lack the
    /// flag (false for them).
    pub fn shared_flag(&self, long: &str) -> bool {
        self.has(long) && self.flag(long)
    }

    /// [`Args::value`] for code shared by commands, some of which lack the
    /// flag (none for them).
    pub fn shared_value(&self, long: &str) -> Option<&str> {
        self.has(long).then(|| self.value(long)).flatten()
    }

    /// [`Args::values`] for code shared by commands, some of which lack
    /// the flag (none for them).
    pub fn shared_values(&self, long: &str) -> &[String] {
        if self.has(long) {
            self.values(long)
        } else {
            &[]
        }
    }

    /// A read of a flag the command does not have is a bug (a misspelt
    /// name reads as unset and compiles): debug builds, which every test
    /// runs, stop on it.
    fn check(&self, long: &str) {
        debug_assert!(
            self.has(long),
            "`{}` reads --{long}, which is not in its flag table",
            self.cmd.name()
        );
    }
}

/// Edit distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest names to `given` among `names`, if any is close.
pub fn suggest<'a>(given: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for n in names {
        let d = distance(given, n);
        let close = d <= 2 || (given.len() >= 3 && n.starts_with(given));
        if close && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, n));
        }
    }
    best.map(|(_, n)| n.to_string())
}

/// Parses `argv` (the words after the command path) for `cmd`.
pub fn parse(cmd: &'static Command, argv: &[String]) -> Result<Args> {
    let specs = specs(cmd);
    let mut values: HashMap<String, Vec<String>> = HashMap::new();
    let mut positionals = Vec::new();
    let mut warnings = Vec::new();
    let mut set = |spec: &Spec, v: String| -> Result<()> {
        if spec.hidden() {
            warnings.push(format!(
                "Flag --{} has been deprecated, {}",
                spec.long, spec.deprecated
            ));
        }
        let v = if spec.kind == Kind::Bool {
            match v.as_str() {
                "true" | "1" | "t" | "T" | "TRUE" | "True" => "true".to_string(),
                "false" | "0" | "f" | "F" | "FALSE" | "False" => "false".to_string(),
                _ => {
                    // pflag's words, strconv's reason included.
                    let flag = match spec.short {
                        Some(c) => format!("-{c}, --{}", spec.long),
                        None => format!("--{}", spec.long),
                    };
                    return Err(Error::usage(format!(
                        "invalid argument {v:?} for \"{flag}\" flag: strconv.ParseBool: parsing {v:?}: invalid syntax"
                    )));
                }
            }
        } else {
            v
        };
        let slot = values.entry(spec.long.clone()).or_default();
        if spec.kind == Kind::Multi {
            slot.push(v);
        } else {
            *slot = vec![v];
        }
        Ok(())
    };
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            positionals.extend(argv[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(spec) = specs.iter().find(|s| s.long == name) else {
                let hint = suggest(name, specs.iter().map(|s| s.long.as_str()))
                    .map(|s| format!(" (did you mean --{s}?)"))
                    .unwrap_or_default();
                return Err(Error::usage(format!("unknown flag: --{name}{hint}")));
            };
            let v = match (spec.kind, inline) {
                (_, Some(v)) => v,
                (Kind::Bool, None) => "true".into(),
                (_, None) => {
                    let v = argv
                        .get(i)
                        .ok_or_else(|| Error::usage(format!("flag needs an argument: --{name}")))?;
                    i += 1;
                    v.clone()
                }
            };
            set(spec, v)?;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                    return Err(Error::usage(format!(
                        "unknown shorthand flag: '{c}' in {a}"
                    )));
                };
                if spec.kind == Kind::Bool {
                    if chars.get(j) == Some(&'=') {
                        let v: String = chars[j + 1..].iter().collect();
                        set(spec, v)?;
                        break;
                    }
                    set(spec, "true".into())?;
                    continue;
                }
                let rest: String = chars[j..].iter().collect();
                let v = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else {
                    let v = argv.get(i).ok_or_else(|| {
                        Error::usage(format!("flag needs an argument: '{c}' in -{c}"))
                    })?;
                    i += 1;
                    v.clone()
                };
                set(spec, v)?;
                break;
            }
            continue;
        }
        positionals.push(a.clone());
    }
    Ok(Args {
        cmd,
        values,
        positionals,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::commands::find;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn push() -> &'static Command {
        find(&["push".to_string()]).unwrap().0.unwrap()
    }

    #[test]
    fn pflag_grammar() {
        let a = parse(
            push(),
            &words("-a k=v --annotation=x=y ref -dv f1 --artifact-type t -- --not-a-flag"),
        )
        .unwrap();
        assert_eq!(a.values("annotation"), ["k=v", "x=y"]);
        assert!(a.flag("debug") && a.flag("verbose"));
        assert_eq!(a.value("artifact-type"), Some("t"));
        assert_eq!(a.positionals, ["ref", "f1", "--not-a-flag"]);
        let a = parse(push(), &words("-ak=v --plain-http=false -Hx:y -")).unwrap();
        assert_eq!(a.values("annotation"), ["k=v"]);
        assert_eq!(a.values("header"), ["x:y"]);
        assert!(!a.flag("plain-http") && a.is_set("plain-http"));
        assert_eq!(a.positionals, ["-"]);
    }

    #[test]
    fn has_knows_exactly_the_flags_help_lists() {
        for cmd in crate::cli::commands::COMMANDS {
            let a = Args {
                cmd,
                values: HashMap::new(),
                positionals: Vec::new(),
                warnings: Vec::new(),
            };
            for spec in specs(cmd) {
                assert!(a.has(&spec.long), "{}: --{}", cmd.name(), spec.long);
            }
            assert!(!a.has("no-such-flag"), "{}", cmd.name());
            assert!(!a.has("from-"), "{}", cmd.name());
        }
    }

    #[test]
    #[should_panic(expected = "which is not in its flag table")]
    fn reading_a_flag_the_command_lacks_is_caught() {
        let a = parse(push(), &words("r:v1 f1")).unwrap();
        // Shared code asks first, and gets "unset".
        assert_eq!(a.shared_value("annotaton-file"), None);
        // A misspelt name is a bug, not an unset flag.
        let _ = a.value("annotaton-file");
    }

    #[test]
    fn errors_are_usage_errors_with_hints() {
        let e = parse(push(), &words("--artifcat-type x")).unwrap_err();
        assert!(matches!(e.kind, crate::cli::error::Kind::Usage(_)));
        assert_eq!(
            e.to_string(),
            "unknown flag: --artifcat-type (did you mean --artifact-type?)"
        );
        assert_eq!(
            parse(push(), &words("-Z")).unwrap_err().to_string(),
            "unknown shorthand flag: 'Z' in -Z"
        );
        assert_eq!(
            parse(push(), &words("--config")).unwrap_err().to_string(),
            "flag needs an argument: --config"
        );
        assert!(parse(push(), &words("--insecure=maybe")).is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("verbos", ["verbose", "version"].into_iter()).unwrap(),
            "verbose"
        );
        assert_eq!(suggest("zzzzzz", ["verbose"].into_iter()), None);
    }
}
