//! `oar completion bash|zsh|fish|powershell`: shell completion scripts, as
//! cobra adds them to oras. They are generated from the command and flag
//! tables behind `--help` and the parser, so they offer exactly what the
//! parser accepts: commands, group sub-commands and each command's flags;
//! after a flag with a fixed set of values (`--format`, `--image-spec`,
//! …), those values and nothing else; other arguments complete as file
//! names.
//!
//! Every script finds the command being typed the same way: the words
//! that are not flags, as long as they name a group (`manifest`,
//! `repository`, `manifest index`), and the one after.

use std::fmt::Write as _;

use crate::cli::args::{Args, specs};
use crate::cli::commands::{COMMANDS, GROUP_ALIASES, group_paths, groups};
use crate::cli::error::Result;
use crate::cli::help::group_help;
use crate::cli::output;

/// What can follow one command path.
struct Node {
    /// The ways to write the path (`manifest delete`, `manifest rm`, …).
    spellings: Vec<String>,
    /// `(word, description)` pairs offered there.
    words: Vec<(String, String)>,
    /// The words are flags: offered only once a `-` is typed.
    flags: bool,
    /// The flags with a fixed set of values: their spellings (`-o`,
    /// `--output`) and the values offered after them.
    values: Vec<(Vec<String>, &'static [&'static str])>,
}

impl Node {
    /// The values offered after the flag spelled `word`, if it has a
    /// fixed set.
    fn values_after(&self, word: &str) -> Option<&'static [&'static str]> {
        self.values
            .iter()
            .find(|(names, _)| names.iter().any(|n| n == word))
            .map(|(_, values)| *values)
    }
}

/// The spellings of a group's name.
fn group_spellings(group: &str) -> Vec<String> {
    let mut out = vec![group.to_string()];
    for (g, aliases) in GROUP_ALIASES {
        if *g == group {
            out.extend(aliases.iter().map(|a| a.to_string()));
        }
    }
    out
}

/// The first sentence of a help text, for a description.
fn first_sentence(s: &str) -> String {
    let s = s.split(". ").next().unwrap_or(s);
    s.trim_end_matches('.').to_string()
}

/// The spellings of a path of words whose first word may be a group with
/// aliases (`repo ls`, `repository ls`).
fn path_spellings(words: &[&str]) -> Vec<String> {
    match words.split_first() {
        None => vec![String::new()],
        Some((first, rest)) => group_spellings(first)
            .into_iter()
            .map(|g| {
                std::iter::once(g.as_str())
                    .chain(rest.iter().copied())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
    }
}

/// Every path with what follows it: the root, each group (nested ones
/// too), each command.
fn nodes() -> Vec<Node> {
    let mut root: Vec<(String, String)> = COMMANDS
        .iter()
        .filter(|c| c.path.len() == 1)
        .map(|c| (c.path[0].to_string(), c.short.to_string()))
        .collect();
    for g in groups() {
        root.push((g.to_string(), group_help(g).to_string()));
    }
    root.push(("help".into(), "Help about any command".into()));
    let mut out = vec![Node {
        spellings: vec![String::new()],
        words: root,
        flags: false,
        values: Vec::new(),
    }];
    for g in group_paths() {
        let words: Vec<&str> = g.split(' ').collect();
        let depth = words.len();
        let mut offered: Vec<(String, String)> = COMMANDS
            .iter()
            .filter(|c| c.path.len() == depth + 1 && c.path[..depth] == words[..])
            .map(|c| (c.path[depth].to_string(), c.short.to_string()))
            .collect();
        for sub in group_paths() {
            if let Some(w) = sub.strip_prefix(&format!("{g} "))
                && !w.contains(' ')
            {
                offered.push((w.to_string(), group_help(&sub).to_string()));
            }
        }
        out.push(Node {
            spellings: path_spellings(&words),
            words: offered,
            flags: false,
            values: Vec::new(),
        });
    }
    for c in COMMANDS {
        let (last, parents) = c.path.split_last().expect("a command has a name");
        let lasts: Vec<&str> = std::iter::once(*last)
            .chain(c.aliases.iter().copied())
            .collect();
        let spellings = path_spellings(parents)
            .iter()
            .flat_map(|p| {
                lasts.iter().map(move |l| {
                    if p.is_empty() {
                        l.to_string()
                    } else {
                        format!("{p} {l}")
                    }
                })
            })
            .collect();
        let mut words = Vec::new();
        let mut values = Vec::new();
        for s in specs(c).into_iter().filter(|s| !s.hidden()) {
            let about = first_sentence(&s.help);
            let mut names = Vec::new();
            if let Some(short) = s.short {
                names.push(format!("-{short}"));
            }
            names.push(format!("--{}", s.long));
            words.extend(names.iter().map(|n| (n.clone(), about.clone())));
            if let Some(choices) = s.choices {
                values.push((names, choices.values));
            }
        }
        out.push(Node {
            spellings,
            words,
            flags: true,
            values,
        });
    }
    out
}

/// Every group's spellings (nested groups as their words with spaces).
fn group_spellings_all() -> Vec<String> {
    group_paths()
        .iter()
        .flat_map(|g| path_spellings(&g.split(' ').collect::<Vec<_>>()))
        .collect()
}

/// The bash function; zsh runs it through `bashcompinit`.
fn bash_function(prog: &str) -> String {
    let mut cases = String::new();
    for n in nodes() {
        let pattern: Vec<String> = n.spellings.iter().map(|s| format!("\"{s}\"")).collect();
        let words: Vec<&str> = n.words.iter().map(|(w, _)| w.as_str()).collect();
        let _ = write!(
            cases,
            "        {}) words='{}'; flags={}",
            pattern.join("|"),
            words.join(" "),
            u8::from(n.flags)
        );
        if !n.values.is_empty() {
            let _ = write!(cases, "\n            case \"$prev\" in\n");
            for (names, values) in &n.values {
                let _ = writeln!(
                    cases,
                    "                {}) values='{}' ;;",
                    names.join("|"),
                    values.join(" ")
                );
            }
            let _ = write!(cases, "            esac");
        }
        let _ = writeln!(cases, " ;;");
    }
    format!(
        r#"_{prog}_completion() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" key="" w i
    ((COMP_CWORD > 0)) && prev="${{COMP_WORDS[COMP_CWORD - 1]}}"
    # `--flag=value`: bash splits at the `=`.
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev="${{COMP_WORDS[COMP_CWORD - 2]}}"
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${{COMP_WORDS[i]}}"
        [[ $w == -* ]] && continue
        if [[ -z $key ]]; then key=$w; else key="$key $w"; fi
        case "$key" in
            {groups}) ;;
            *) break ;;
        esac
    done
    local words="" flags=0 values=""
    case "$key" in
{cases}        *) return 0 ;;
    esac
    if [[ -n $values ]]; then
        # A flag's own values, never file names.
        compopt +o default 2>/dev/null
        COMPREPLY=($(compgen -W "$values" -- "$cur"))
        return 0
    fi
    if ((flags)) && [[ $cur != -* ]]; then
        return 0
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
"#,
        groups = group_spellings_all()
            .iter()
            .map(|g| format!("\"{g}\""))
            .collect::<Vec<_>>()
            .join("|")
    )
}

fn bash(prog: &str) -> String {
    format!(
        "# bash completion for {prog}; load it with: source <({prog} completion bash)\n{}complete -o default -F _{prog}_completion {prog}\n",
        bash_function(prog)
    )
}

fn zsh(prog: &str) -> String {
    format!(
        "# zsh completion for {prog}; load it with: source <({prog} completion zsh)\n\
autoload -U +X compinit && compinit -u\n\
autoload -U +X bashcompinit && bashcompinit\n{}complete -o default -F _{prog}_completion {prog}\n",
        bash_function(prog)
    )
}

/// Single quotes for fish and PowerShell strings.
fn single_quoted(s: &str, escape_backslash: bool) -> String {
    let s = if escape_backslash {
        s.replace('\\', "\\\\").replace('\'', "\\'")
    } else {
        s.replace('\'', "''")
    };
    format!("'{s}'")
}

fn fish(prog: &str, descriptions: bool) -> String {
    let mut out = format!(
        r#"# fish completion for {prog}; load it with: {prog} completion fish | source
function __{prog}_path
    set -l path
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; and continue
        set -a path $w
        if not contains -- "$path" {groups}
            break
        end
    end
    echo "$path"
end
function __{prog}_at
    test (__{prog}_path) = "$argv[1]"
end
"#,
        groups = group_spellings_all()
            .iter()
            .map(|g| single_quoted(g, true))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for n in nodes() {
        let cond = n
            .spellings
            .iter()
            .map(|s| format!("__{prog}_at {}", single_quoted(s, true)))
            .collect::<Vec<_>>()
            .join("; or ");
        for (word, about) in &n.words {
            let desc = if descriptions {
                format!(" -d {}", single_quoted(about, true))
            } else {
                String::new()
            };
            let mut what = if let Some(long) = word.strip_prefix("--") {
                format!("-l {long}")
            } else if let Some(short) = word.strip_prefix('-') {
                format!("-s {short}")
            } else {
                format!("-f -a {word}")
            };
            if let Some(values) = n.values_after(word) {
                // The flag takes one of these, never a file name.
                let _ = write!(what, " -x -a {}", single_quoted(&values.join(" "), true));
            }
            let _ = writeln!(
                out,
                "complete -c {prog} -n {} {what}{desc}",
                single_quoted(&cond, true)
            );
        }
    }
    out
}

fn powershell(prog: &str, descriptions: bool) -> String {
    let mut table = String::new();
    for n in nodes() {
        let words: Vec<String> = n
            .words
            .iter()
            .map(|(w, d)| {
                let d = if descriptions { d.as_str() } else { w.as_str() };
                format!(
                    "@({}, {})",
                    single_quoted(w, false),
                    single_quoted(d, false)
                )
            })
            .collect();
        let values: Vec<String> = n
            .values
            .iter()
            .flat_map(|(names, values)| {
                let list: Vec<String> = values.iter().map(|v| single_quoted(v, false)).collect();
                let list = list.join(", ");
                names
                    .iter()
                    .map(move |name| format!("{} = @({list})", single_quoted(name, false)))
            })
            .collect();
        for s in &n.spellings {
            let _ = writeln!(
                table,
                "    {} = @{{ Flags = ${}; Words = @({}); Values = @{{ {} }} }}",
                single_quoted(s, false),
                n.flags,
                words.join(", "),
                values.join("; ")
            );
        }
    }
    let groups: Vec<String> = group_spellings_all()
        .iter()
        .map(|g| single_quoted(g, false))
        .collect();
    format!(
        r#"# PowerShell completion for {prog}; load it with: {prog} completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName '{prog}' -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)
    $table = @{{
{table}    }}
    $groups = @({groups})
    $elements = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object {{ $_.ToString() }})
    if ($wordToComplete -ne '' -and $elements.Count -gt 0) {{
        $elements = @($elements | Select-Object -SkipLast 1)
    }}
    $key = ''
    foreach ($w in $elements) {{
        if ($w -like '-*') {{ continue }}
        if ($key -eq '') {{ $key = $w }} else {{ $key = "$key $w" }}
        if ($groups -notcontains $key) {{ break }}
    }}
    $node = $table[$key]
    if ($null -eq $node) {{ return }}
    # After a flag with a fixed set of values: those values.
    if ($elements.Count -gt 0 -and $node.Values.ContainsKey($elements[-1])) {{
        foreach ($v in $node.Values[$elements[-1]]) {{
            if ($v -like "$wordToComplete*") {{
                [System.Management.Automation.CompletionResult]::new($v, $v, 'ParameterValue', $v)
            }}
        }}
        return
    }}
    if ($node.Flags -and -not $wordToComplete.StartsWith('-')) {{ return }}
    foreach ($pair in $node.Words) {{
        if ($pair[0] -like "$wordToComplete*") {{
            [System.Management.Automation.CompletionResult]::new($pair[0], $pair[0], 'ParameterValue', $pair[1])
        }}
    }}
}}
"#,
        groups = groups.join(", ")
    )
}

/// `oar completion <shell>`: prints the script for the shell named by the
/// command's last word.
pub fn run(args: &Args) -> Result<()> {
    let prog = crate::cli::program();
    let descriptions = !args.flag("no-descriptions");
    let script = match args.cmd.path.last().copied() {
        Some("bash") => bash(prog),
        Some("zsh") => zsh(prog),
        Some("fish") => fish(prog, descriptions),
        _ => powershell(prog, descriptions),
    };
    output::bytes(script.as_bytes())
}
