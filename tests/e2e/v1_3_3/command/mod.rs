//! The suite's `command` specs (`test/e2e/suite/command`), one file per Go
//! file, and the helpers those files share in Go (`prepare`, `validateTag`,
//! `CompareRef`, the per-command test repositories, `tagAndValidate`).

pub use super::prelude::*;

mod attach;
mod blob;
mod cp;
mod custom_header;
mod discover;
mod manifest;
mod manifest_index;
mod pull;
mod push;
mod repo;
mod resolve;
mod resolve_host;
mod tag;
mod version;
mod version_linux;

/// `RunAndShowPreviewInHelp(args, keywords...)`: the help of a preview
/// command shows the mark before the command name and a usage section.
#[track_caller]
pub fn run_and_show_preview_in_help(args: &[&str], keywords: &[&str]) {
    let mut words: Vec<String> = keywords.iter().map(|s| s.to_string()).collect();
    words.push(format!(
        "{} {}",
        feature::PREVIEW_MARK,
        args[args.len() - 1]
    ));
    words.push("\nUsage:".into());
    crate::e2e::exec::oras(args.iter().map(|s| s.to_string()).collect())
        .args(&["--help"])
        .match_key_words(&words)
        .with_description("show preview and help doc")
        .exec();
}

/// `prepare(src, dst)` of manifest.go: copies with `oras cp`.
#[track_caller]
pub fn prepare(src: &str, dst: &str) {
    oras!("cp", src, dst)
        .with_description("prepare test env")
        .exec();
}

/// `validateTag(repoRef, tag, gone)`.
#[track_caller]
pub fn validate_tag(repo_ref: &str, tag: &str, gone: bool) {
    let session = oras!("repo", "tags", repo_ref).exec();
    let quoted = quote_meta(&format!("{tag}\n"));
    if gone {
        session.out.should_not_say(&quoted);
    } else {
        session.out.should_say(&quoted);
    }
}

/// `CompareRef(src, dst)`: both manifests fetch to the same bytes.
#[track_caller]
pub fn compare_ref(src: &str, dst: &str) {
    let src_manifest = oras!("manifest", "fetch", src)
        .with_description("fetch from source to validate")
        .exec();
    let dst_manifest = oras!("manifest", "fetch", dst)
        .with_description("fetch from destination to validate")
        .exec();
    assert!(
        src_manifest.out.contents() == dst_manifest.out.contents(),
        "manifests of {src} and {dst} differ:\n{:?}\n{:?}",
        src_manifest.out.text(),
        dst_manifest.out.text()
    );
}

/// `Expect(a).To(Equal(b))` on two outputs.
#[track_caller]
pub fn same_bytes(a: &Session, b: &Session) {
    assert!(
        a.out.contents() == b.out.contents(),
        "outputs differ:\n{:?}\n{:?}",
        a.out.text(),
        b.out.text()
    );
}

/// `cpTestRepo`.
pub fn cp_test_repo(text: &str) -> String {
    format!("command/copy/{}/{text}", random_seed())
}

/// `attachTestRepo`.
pub fn attach_test_repo(text: &str) -> String {
    format!("command/attach/{}/{text}", random_seed())
}

/// `pushTestRepo`.
pub fn push_test_repo(text: &str) -> String {
    format!("command/push/{}/{text}", random_seed())
}

/// `tagAndValidate` of tag.go: tags, says the hint once, lists the tags.
#[track_caller]
pub fn tag_and_validate(
    reg: &str,
    repo: &str,
    tag_or_digest: &str,
    digest_text: &str,
    tags: &[&str],
) {
    let out = crate::e2e::exec::oras(vec!["tag".into(), registry_ref(reg, repo, tag_or_digest)])
        .args(tags)
        .match_key_words(tags)
        .exec()
        .out;
    let hint = quote_meta(&format!(
        "Tagging [registry] {}",
        registry_ref(reg, repo, digest_text)
    ));
    out.should_say(&hint);
    out.should_not_say(&hint); // should only say hint once
    oras!("repo", "tags", registry_ref(reg, repo, ""))
        .match_key_words(tags)
        .exec();
}

/// The digests a `{{println .digest}}` template printed, one a line.
pub fn lines_of(s: &Session) -> Vec<String> {
    s.out
        .text()
        .trim()
        .split('\n')
        .map(str::to_string)
        .collect()
}

/// `MatchDefaultFlagValue(flag, defaultValue, commandPath...)` (utils/
/// help.go): in `<commandPath> -h`, the text of `--<flag>` after `Flags:`
/// up to the next flag says `(default "<defaultValue>")`.
#[track_caller]
pub fn match_default_flag_value(flag: &str, default_value: &str, command_path: &[&str]) {
    let out = crate::e2e::exec::oras(command_path.iter().map(|s| s.to_string()).collect())
        .args(&["-h"])
        .exec()
        .out
        .text();
    let help = out.split_once("Flags:").map_or("", |(_, h)| h);
    let help = match help.split_once(&format!("--{flag}")) {
        Some((_, h)) => h,
        None => panic!("{flag:?} not found in {help:?}"),
    };
    let help = help.split("\n  -").next().unwrap_or_default();
    let help = help.split("\n      --").next().unwrap_or_default();
    let want = format!("(default \"{default_value}\")");
    assert!(help.contains(&want), "{help:?} should contain {want:?}");
}
