//! The command line itself: help, version, usage errors and their exit
//! codes, and one-line errors for bad input.

use std::path::Path;

use crate::util::{TempDir, oar};

#[test]
fn version_and_help() {
    let d = TempDir::new("cli");
    let v = oar(d.path(), &["version"]).ok();
    assert!(
        v.stdout
            .starts_with(&format!("Version:        {}\n", env!("CARGO_PKG_VERSION")))
    );
    let h = oar(d.path(), &["--help"]).ok();
    assert!(h.stdout.contains("push") && h.stdout.contains("pull"));
    let h = oar(d.path(), &["push", "--help"]).ok();
    assert!(h.stdout.contains("--artifact-type string"));
    assert!(h.stdout.contains("Usage:\n  oar push [flags]"));
    let h = oar(d.path(), &["help", "pull"]).ok();
    assert!(h.stdout.contains("--allow-path-traversal"));
}

#[test]
fn unknown_flag_is_a_usage_error_with_a_suggestion() {
    let d = TempDir::new("cli");
    let r = oar(
        d.path(),
        &["push", "--artifcat-type", "x", "localhost:5000/a:b", "f"],
    )
    .fails(1, "unknown flag: --artifcat-type");
    assert!(r.stderr.contains("did you mean --artifact-type?"));
    oar(d.path(), &["pull", "-Z", "localhost:5000/a:b"]).fails(1, "unknown shorthand flag: 'Z'");
    oar(d.path(), &["pusj"]).fails(1, "unknown command \"pusj\"");
}

#[test]
fn wrong_argument_counts_are_usage_errors() {
    let d = TempDir::new("cli");
    oar(d.path(), &["pull"]).fails(1, "requires exactly 1 argument but got 0");
    oar(d.path(), &["pull", "a/b:c", "extra"]).fails(1, "requires exactly 1 argument but got 2");
    oar(d.path(), &["push"]).fails(1, "requires at least 1 argument");
}

#[test]
fn bad_references_fail_with_one_line() {
    let d = TempDir::new("cli");
    oar(d.path(), &["pull", "hello"]).fails(
        1,
        "\"hello\": invalid reference: missing registry or repository",
    );
    oar(d.path(), &["pull", "localhost:5000/UPPER:v1"]).fails(1, "invalid repository");
    oar(d.path(), &["pull", "localhost:5000/a@sha256:abc"]).fails(1, "invalid digest");
    oar(d.path(), &["pull", "localhost:5000/a"]).fails(1, "no tag or digest specified");
    oar(d.path(), &["push", "localhost:5000/a:v1,bad tag!", "x"]).fails(1, "invalid tag");
}

#[test]
fn conflicting_flags_are_usage_errors() {
    let d = TempDir::new("cli");
    d.write("f", "x");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "f",
            "-a",
            "k=v",
            "--annotation-file",
            "a.json",
        ],
    )
    .fails(1, "cannot be both specified");
    oar(
        d.path(),
        &["push", "--oci-layout", "l:v1", "f", "-a", "novalue"],
    )
    .fails(1, "annotation value doesn't match");
    oar(
        d.path(),
        &["push", "--oci-layout", "l:v1", "f", "--image-spec", "v2"],
    )
    .fails(1, "unknown image specification");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "f",
            "--config",
            "f",
            "--image-spec",
            "v1.1",
        ],
    )
    .fails(1, "missing artifact type");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "f",
            "--config",
            "f",
            "--image-spec",
            "v1.0",
            "--artifact-type",
            "a/b",
        ],
    )
    .fails(1, "--artifact-type and --config cannot both be provided");
    oar(
        d.path(),
        &[
            "pull",
            "localhost:5000/a:b",
            "-u",
            "x",
            "--identity-token",
            "t",
        ],
    )
    .fails(1, "cannot be used at the same time");
    oar(
        d.path(),
        &["pull", "localhost:5000/a:b", "--cert-file", "c"],
    )
    .fails(1, "must be used in conjunction with --key-file");
    oar(d.path(), &["pull", "--oci-layout", "l:v1", "-H", "a: b"])
        .fails(1, "custom header flags cannot be used");
    oar(
        d.path(),
        &["push", "--oci-layout", "l:v1", "f", "--format", "yaml"],
    )
    .fails(1, "invalid format");
    assert!(!d.join("l").exists(), "nothing was written");
}

#[test]
fn missing_file_fails_before_anything_is_written() {
    let d = TempDir::new("cli");
    oar(d.path(), &["push", "--oci-layout", "l:v1", "nope.txt"])
        .fails(1, "nope.txt: no such file or directory");
    assert!(!d.join("l").exists());
}

#[test]
fn absolute_paths_need_disable_path_validation() {
    let d = TempDir::new("cli");
    let f = d.write("abs.txt", "abs");
    let f = f.to_str().unwrap();
    oar(d.path(), &["push", "--oci-layout", "l:v1", f]).fails(1, "absolute file path detected");
    oar(
        d.path(),
        &[
            "push",
            "--oci-layout",
            "l:v1",
            "--disable-path-validation",
            f,
        ],
    )
    .ok();
}

#[test]
fn unreachable_registry_is_a_clear_error() {
    let d = TempDir::new("cli");
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = oar(
        d.path(),
        &["pull", "--plain-http", &format!("127.0.0.1:{port}/a:b")],
    )
    .fails(1, "connection refused");
    assert!(r.stdout.is_empty());
}

#[test]
fn oras_symlink_uses_oras_in_hints() {
    let d = TempDir::new("cli");
    let link = d.join("oras");
    std::os::unix::fs::symlink(crate::util::bin(), &link).unwrap();
    let out = std::process::Command::new(&link)
        .arg("pull")
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"oras pull\" requires"));
}

/// Runs `script` in `shell`, in `dir`, and returns its stdout.
fn shell_output(dir: &Path, shell: &str, args: &[&str], script: &str) -> String {
    let out = std::process::Command::new(shell)
        .args(args)
        .arg(script)
        .current_dir(dir)
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A directory holding `oar completion <shell>` for every shell, each in
/// a file named after it; fails unless bash, zsh and fish are there.
fn completion_scripts() -> TempDir {
    crate::util::require("bash", "bash");
    crate::util::require("zsh", "zsh");
    crate::util::require("fish", "fish");
    let d = TempDir::new("cli");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = oar(d.path(), &["completion", shell]).ok().stdout;
        d.write(shell, &script);
    }
    d
}

#[test]
fn completion_offers_a_flags_fixed_values_and_no_file_names() {
    let d = completion_scripts();
    // Files that name completion would offer, in the shells' directory.
    d.write("work/json-notes.txt", "x");
    d.write("work/v1.1.txt", "x");
    let path = |s: &str| d.join(s).to_str().unwrap().to_string();
    let work = d.join("work");
    // bash: the words typed so far, the flag's values offered.
    let bash = shell_output(
        &work,
        "bash",
        &["-c"],
        &format!(
            r#"source {}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=(); _oar_completion; echo "${{COMPREPLY[*]}}"; }}
t oar discover --format ""; t oar discover -o j; t oar discover --format = t; t oar push --image-spec ""; t oar attach --distribution-spec ""; t oar cp --to-distribution-spec v1.1-referrers-a; t oar manifest fetch --format ""; t oar push --image-spec v1.1 """#,
            path("bash")
        ),
    );
    assert_eq!(
        bash.lines().collect::<Vec<_>>(),
        [
            "tree table json go-template",
            "json",
            "tree table",
            "v1.1 v1.0",
            "v1.1-referrers-tag v1.1-referrers-api",
            "v1.1-referrers-api",
            "json go-template",
            // A positional argument: left to file names (-o default).
            "",
        ]
    );
    // zsh: the same function, as bashcompinit calls it (in sh emulation).
    let zsh = shell_output(
        &work,
        "zsh",
        &["-fc"],
        &format!(
            "source {}; t() {{ emulate -L sh; COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=(); _oar_completion; echo \"${{COMPREPLY[*]}}\"; }}; t oar discover --format ''; t oar push --image-spec ''",
            path("zsh")
        ),
    );
    assert_eq!(
        zsh.lines().collect::<Vec<_>>(),
        ["tree table json go-template", "v1.1 v1.0"]
    );
    // fish: its own completion engine, file names included when allowed.
    let fish = shell_output(
        &work,
        "fish",
        &["-c"],
        &format!(
            "source {}; complete -C 'oar discover --format '; echo ==; complete -C 'oar push --image-spec '; echo ==; complete -C 'oar discover -o j'; echo ==; complete -C 'oar push --image-spec v1.0 '",
            path("fish")
        ),
    );
    let offered: Vec<&str> = fish
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        offered,
        [
            "go-template",
            "json",
            "table",
            "tree",
            "==",
            "v1.0",
            "v1.1",
            "==",
            "json",
            "==",
            // The control: a positional argument completes file names.
            "json-notes.txt",
            "v1.1.txt",
        ],
        "{fish}"
    );
    // PowerShell is not packaged for Debian: its table must map the flags
    // to their values.
    let ps = String::from_utf8(d.read("powershell")).unwrap();
    assert!(ps.contains(
        "Values = @{ '--distribution-spec' = @('v1.1-referrers-tag', 'v1.1-referrers-api'); '--format' = @('tree', 'table', 'json', 'go-template'); '-o' = @('tree', 'table', 'json'); '--output' = @('tree', 'table', 'json') }"
    ), "{ps}");
    assert!(ps.contains("'--image-spec' = @('v1.1', 'v1.0')"));
}

#[test]
fn completion_scripts_complete_commands_groups_and_flags() {
    let d = completion_scripts();
    let path = |s: &str| d.join(s).to_str().unwrap().to_string();
    // bash: the function the shell calls, fed the words typed so far.
    let bash = shell_output(
        d.path(),
        "bash",
        &["-c"],
        &format!(
            r#"source {}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=(); _oar_completion; echo "${{COMPREPLY[*]}}"; }}
t oar ""; t oar manifest fe; t oar repository ""; t oar push --artifact-t; t oar push file; t oar manifest rm --desc; t oar cp -r --to-oci"#,
            path("bash")
        ),
    );
    let lines: Vec<&str> = bash.lines().collect();
    assert!(lines[0].starts_with("push pull attach cp"), "{bash}");
    assert!(lines[0].contains(" manifest ") && lines[0].ends_with("completion help"));
    assert_eq!(
        &lines[1..],
        [
            "fetch fetch-config",
            "ls tags",
            "--artifact-type",
            "",
            "--descriptor",
            "--to-oci-layout --to-oci-layout-path"
        ]
    );
    // zsh runs the same function through bashcompinit (zsh filters the
    // words itself).
    let zsh = shell_output(
        d.path(),
        "zsh",
        &["-fc"],
        &format!(
            "source {}; setopt ksharrays; COMP_WORDS=(oar blob ''); COMP_CWORD=2; _oar_completion; echo \"${{COMPREPLY[*]}}\"",
            path("zsh")
        ),
    );
    assert_eq!(zsh.trim(), "delete fetch push");
    // fish answers for a whole command line, descriptions included.
    let fish = shell_output(
        d.path(),
        "fish",
        &["-c"],
        &format!(
            "source {}; complete -C 'oar manifest fe'; complete -C 'oar repo tags --exc'; complete -C 'oar push --plain'",
            path("fish")
        ),
    );
    assert_eq!(
        fish,
        "fetch\tFetch the manifest of an artifact\n\
fetch-config\tFetch the config of a manifest from a registry or an OCI image layout\n\
--exclude-digest-tags\t[Preview] exclude all digest-like tags such as 'sha256-aaaa...'\n\
--plain-http\tuse plain HTTP instead of HTTPS\n"
    );
    // PowerShell is not packaged for Debian: its table must hold every
    // command's flags.
    let ps = d.read("powershell");
    let ps = String::from_utf8_lossy(&ps);
    assert!(ps.contains("'manifest fetch' = @{ Flags = $true; Words = @(@('--ca-file'"));
    assert!(ps.contains("'repository show-tags' = @{ Flags = $true"));
    // Through the link, the scripts complete `oras`.
    let link = d.join("oras");
    std::os::unix::fs::symlink(crate::util::bin(), &link).unwrap();
    let out = std::process::Command::new(&link)
        .args(["completion", "bash"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("complete -o default -F _oras_completion oras"),
        "{text}"
    );
}

/// `oar version`'s last line names the oras release oar follows, in the
/// shape of oras's own fields (`Key:` padded to column 17), so a script
/// can read it with `awk '/^Follows:/ {print $3}'`; arguments change
/// nothing but a warning.
#[test]
fn version_names_the_oras_release_followed() {
    let d = TempDir::new("cli");
    let v = oar(d.path(), &["version"]).ok();
    let follows: Vec<&str> = v
        .stdout
        .lines()
        .filter(|l| l.starts_with("Follows:"))
        .collect();
    assert_eq!(follows.len(), 1, "{}", v.stdout);
    let line = follows[0];
    assert_eq!(line.find("oras "), Some(16), "{line:?}");
    let release = line.split_whitespace().nth(2).unwrap();
    let numbers: Vec<&str> = release.trim_start_matches('v').split('.').collect();
    assert!(
        release.starts_with('v')
            && numbers.len() == 3
            && numbers.iter().all(|n| n.parse::<u32>().is_ok()),
        "{line:?}"
    );
    // Control: extra arguments are warned about and ignored.
    let w = oar(d.path(), &["version", "x"]).ok();
    assert_eq!(w.stdout, v.stdout);
    assert!(w.stderr.contains("warning:"), "{}", w.stderr);
}

/// Help shows defaults as pflag does: a string quoted, an int bare, and
/// `--format`'s default (`text`, or discover's `tree`) listed too.
#[test]
fn help_shows_defaults_as_oras_does() {
    let d = TempDir::new("cli");
    let flag_line = |cmd: &[&str], flag: &str| {
        let mut args = cmd.to_vec();
        args.push("--help");
        let h = oar(d.path(), &args).ok().stdout;
        h.lines()
            .find(|l| l.trim_start().starts_with('-') && l.contains(&format!("--{flag} ")))
            .unwrap_or_else(|| panic!("--{flag} not in {h}"))
            .to_string()
    };
    let c = flag_line(&["push"], "concurrency");
    assert!(c.ends_with("(default 5)"), "{c}");
    assert!(flag_line(&["backup"], "concurrency").ends_with("(default 3)"));
    let f = flag_line(&["manifest", "fetch"], "format");
    assert!(
        f.ends_with("json, go-template, text (default \"text\")"),
        "{f}"
    );
    let f = flag_line(&["discover"], "format");
    assert!(
        f.ends_with("(default \"tree\")") && !f.contains("text"),
        "{f}"
    );
    // Control: a flag without a default shows none.
    assert!(!flag_line(&["push"], "artifact-type").contains("(default"));
    assert!(flag_line(&["push"], "no-tty").ends_with("[Preview] disable progress bars"));
    let d = flag_line(&["discover"], "no-tty");
    assert!(d.ends_with("[Preview] disable colors"), "{d}");
}

/// `manifest show` is `manifest fetch`, and `--format text` names the
/// default output; an unknown format is refused with the list oras
/// gives, the default last.
#[test]
fn manifest_show_alias_and_format_text() {
    let d = TempDir::new("cli");
    d.write("hi.txt", "hi");
    oar(d.path(), &["push", "--oci-layout", "lay:v1", "hi.txt"]).ok();
    let fetched = oar(d.path(), &["manifest", "fetch", "--oci-layout", "lay:v1"]).ok();
    let shown = oar(d.path(), &["manifest", "show", "--oci-layout", "lay:v1"]).ok();
    assert_eq!(shown.stdout, fetched.stdout);
    assert!(fetched.stdout.starts_with('{'), "{}", fetched.stdout);
    let text = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--format",
            "text",
        ],
    )
    .ok();
    assert_eq!(text.stdout, fetched.stdout);
    // Controls: a near-miss alias and an unknown format are refused.
    let r = oar(d.path(), &["manifest", "shows", "--oci-layout", "lay:v1"]);
    assert_eq!(r.code, 1, "{r:?}");
    oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--format",
            "txt",
        ],
    )
    .fails(1, "invalid format type: \"txt\"");
    let r = oar(
        d.path(),
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            "lay:v1",
            "--format",
            "txt",
        ],
    );
    assert!(
        r.stderr
            .contains("supported types: json, go-template, text"),
        "{}",
        r.stderr
    );
}
