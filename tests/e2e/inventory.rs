//! Checks the port against the inventory of the Go specs, both ways:
//! every spec of the inventory is ported or listed as unportable, and
//! every ported test names a spec of the inventory.
//!
//! A ported spec is found by its doc comments: each spec file opens with
//! ``//! `test/e2e/suite/<file>.go` ``, each Go `Describe`/`When`/`Context`
//! is a `mod` whose doc comment quotes the call (`` /// `When("…")` ``),
//! and each `It` a `#[test]` whose doc comment quotes it. Nesting is read
//! from rustfmt's indentation, as `inventory.py` reads gofmt's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::suite;

/// The Go call a doc comment line quotes, as (kind, text): the line looks
/// like `` /// `It("text")` `` or ``` /// ``It("a `b`")`` (a note) ```.
fn quoted_call(line: &str) -> Option<(&'static str, String)> {
    let rest = line.trim_start().strip_prefix("///")?.trim_start();
    let rest = rest.trim_start_matches('`');
    let rest = rest.strip_prefix("var _ = ").unwrap_or(rest);
    for kind in ["Describe", "When", "Context", "It"] {
        if let Some(call) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix('(')) {
            return Some((kind, go_literal(call)?));
        }
    }
    None
}

/// The value of the Go string literal `s` starts with.
fn go_literal(s: &str) -> Option<String> {
    if let Some(raw) = s.strip_prefix('`') {
        return raw.split_once('`').map(|(v, _)| v.to_string());
    }
    let mut chars = s.strip_prefix('"')?.chars();
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                c => c,
            }),
            c => out.push(c),
        }
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The specs one ported file holds, as inventory lines.
fn ported_in(text: &str) -> Option<Vec<String>> {
    let first = text.lines().next()?;
    let go = first
        .strip_prefix("//! `test/e2e/suite/")?
        .split_once('`')?
        .0;
    let mut out = Vec::new();
    // Open modules: (indentation of `mod`, Go text).
    let mut stack: Vec<(usize, String)> = Vec::new();
    // The calls quoted by the doc comment above the next item.
    let mut block: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        let depth = indent(line);
        let t = line.trim();
        if t == "}" {
            while stack.last().is_some_and(|(d, _)| *d >= depth) {
                stack.pop();
            }
            continue;
        }
        if let Some(call) = quoted_call(line) {
            block.push(call);
            continue;
        }
        if t.starts_with("///") || t.starts_with("#[") || block.is_empty() {
            continue;
        }
        let (its, containers): (Vec<_>, Vec<_>) = std::mem::take(&mut block)
            .into_iter()
            .partition(|(kind, _)| *kind == "It");
        if t.starts_with("mod ") && t.ends_with('{') && its.is_empty() && containers.len() == 1 {
            stack.push((depth, containers.into_iter().next().unwrap().1));
        } else if t.starts_with("fn ") && !its.is_empty() {
            // A test is one `It`, or the `It`s of an `Ordered` container
            // run in turn (their doc comment quotes the container too).
            let mut chain: Vec<String> = stack.iter().map(|(_, s)| s.clone()).collect();
            chain.extend(containers.into_iter().map(|(_, s)| s));
            for (_, it) in its {
                out.push(format!("{go}: {} / {it}", chain.join(" / ")));
            }
        } else {
            panic!("Go calls quoted above {t:?}: a `mod` quotes one container, a `fn` its `It`s");
        }
    }
    Some(out)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every ported spec, counted (a Go file may hold the same spec twice).
fn ported() -> BTreeMap<String, usize> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e")
        .join(suite::VERSION.replace('.', "_"));
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        for spec in ported_in(&std::fs::read_to_string(&f).unwrap()).unwrap_or_default() {
            *out.entry(spec).or_insert(0) += 1;
        }
    }
    out
}

fn inventory() -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in suite::INVENTORY.lines().filter(|l| !l.is_empty()) {
        *out.entry(line.to_string()).or_insert(0) += 1;
    }
    out
}

#[test]
fn every_spec_of_the_inventory_is_ported_or_listed() {
    let ported = ported();
    let mut missing = Vec::new();
    for (spec, n) in inventory() {
        let listed = suite::UNPORTABLE.iter().filter(|u| u.spec == spec).count();
        let have = ported.get(&spec).copied().unwrap_or(0) + listed;
        if have < n {
            missing.push(format!("{spec} ({have} of {n})"));
        }
    }
    assert!(
        missing.is_empty(),
        "{} specs of oras {} are neither ported nor listed in UNPORTABLE:\n{}",
        missing.len(),
        suite::VERSION,
        missing.join("\n")
    );
}

#[test]
fn every_ported_test_names_a_spec_of_the_inventory() {
    let inventory = inventory();
    let mut unknown = Vec::new();
    for (spec, n) in ported() {
        let listed = suite::UNPORTABLE.iter().filter(|u| u.spec == spec).count();
        let want = inventory.get(&spec).copied().unwrap_or(0);
        if n + listed > want {
            unknown.push(format!(
                "{spec} (ported {n}, listed {listed}, inventory {want})"
            ));
        }
    }
    assert!(
        unknown.is_empty(),
        "ported tests that name no spec of oras {}'s inventory:\n{}",
        suite::VERSION,
        unknown.join("\n")
    );
}

#[test]
fn unportable_specs_are_listed_once_with_a_reason() {
    let mut seen = std::collections::HashSet::new();
    for u in suite::UNPORTABLE {
        assert!(seen.insert(u.spec), "listed twice: {}", u.spec);
        assert!(!u.reason.is_empty(), "no reason for {}", u.spec);
        assert!(
            inventory().contains_key(u.spec),
            "not in the inventory: {}",
            u.spec
        );
    }
}

#[test]
fn doc_comments_are_read_as_the_go_source_is() {
    let text = "//! `test/e2e/suite/command/x.go`: x\n\
        /// `Describe(\"A:\", Ordered)`\n\
        mod a {\n    \
            /// ``When(\"b `c`\")`` (note)\n    \
            mod b {\n        \
                /// `It(\"say \\\"d\\\"\")`\n        \
                #[test]\n        \
                fn d() {}\n    \
            }\n    \
            /// `It(\"e\")`\n    \
            #[test]\n    \
            fn e() {}\n\
        }\n";
    assert_eq!(
        ported_in(text).unwrap(),
        [
            "command/x.go: A: / b `c` / say \"d\"",
            "command/x.go: A: / e"
        ]
    );
}
