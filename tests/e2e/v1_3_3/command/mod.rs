//! The suite's `command` specs (`test/e2e/suite/command`), one file per Go
//! file, and the helpers those files share in Go (`prepare`, `validateTag`,
//! `CompareRef`, the per-command test repositories, `tagAndValidate`).

pub use super::prelude::*;

mod attach;
mod backup;
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
mod restore;
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

/// `MatchDefaultFlagValue(flag, default, path...)` (utils/help.go): in
/// `<path> -h`, the help of `--flag` (up to the next flag) says
/// `(default "<default>")`.
#[track_caller]
pub fn match_default_flag_value(flag: &str, default: &str, path: &[&str]) {
    let mut args: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    args.push("-h".into());
    let out = crate::e2e::exec::oras(args).exec().out;
    let text = String::from_utf8_lossy(out.contents()).to_string();
    let help = text.split_once("Flags:").map_or("", |(_, h)| h);
    let (_, help) = help
        .split_once(&format!("--{flag}"))
        .unwrap_or_else(|| panic!("{flag:?} not found in {help:?}"));
    let help = help.split("\n  -").next().unwrap_or_default();
    let help = help.split("\n      --").next().unwrap_or_default();
    let want = format!("(default {default:?})");
    assert!(help.contains(&want), "{want} not in {help:?}");
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

/// The child images of `v1.3.8` (a multi-arch image with no referrers of
/// its own) and the referrers of those children, as cp.go and backup.go
/// name them.
pub const V138_CHILDREN: [&str; 2] = [
    "sha256:ab01d6e284e843d51fb5e753904a540f507a62361a5fd7e434e4f27b285ca5c9",
    "sha256:6aa11331ce0c766d6333b60dac98d584d98eea45fa93bbfc9b5bdb915ce3a43f",
];
/// The referrers of [`V138_CHILDREN`].
pub const V138_CHILD_REFERRERS: [&str; 3] = [
    "sha256:359bac7f6a262e0f36e83b6b78ee3cc7a0bb8813e04d330328ca7ca9785e1e0b",
    "sha256:938419ae89a9947476bbed93abc5eb7abf7d5708be69679fe6cc4b22afe8fdd5",
    "sha256:20e7d3a6ce087c54238c18a3428853b50cdaf4478a9d00caa8304119b58ae8a9",
];

/// The status keys of copying `v1.3.8` with `-r` (cp.go, backup.go and
/// restore.go list the same nine).
pub fn v138_state_keys() -> Vec<StateKey> {
    vec![
        key("44136fa355b3", "application/vnd.oci.empty.v1+json"),
        key("01fa0c3558d5", "arm64"),
        key("2960eae76dd7", "amd64"),
        key("ab01d6e284e8", "application/vnd.oci.image.manifest.v1+json"),
        key("6aa11331ce0c", "application/vnd.oci.image.manifest.v1+json"),
        key("58e0d01dbd27", "signature"),
        key("ecbd32686867", "referrerimage"),
        key("02746a135c9e", "sbom"),
        key("553c18eccc8b", "application/vnd.oci.image.index.v1+json"),
    ]
}

/// foobar's keys without referrers, then multi's, as the multi-tag specs
/// of backup.go and restore.go add them up.
pub fn foobar_and_multi_state_keys() -> Vec<StateKey> {
    let mut keys = foobar::image_layer_state_keys();
    keys.push(foobar::manifest_state_key());
    keys.extend(multi_arch::index_state_keys());
    keys
}

/// foobar's and multi's keys with their referrers.
pub fn foobar_and_multi_with_referrers_state_keys() -> Vec<StateKey> {
    let mut keys = foobar::image_and_referrers_state_keys();
    keys.extend(multi_arch::index_and_referrers_state_keys());
    keys
}
