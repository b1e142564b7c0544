//! Integration tests, built as one binary. Registry tests run against
//! Debian's docker-registry started on a free loopback port; a small
//! registry double in `util::double` stands in only where the real one
//! cannot (the referrers API, injected faults, hostile answers).

mod util;

mod air_gap;
mod auth;
mod auth_errors;
mod blob_cache;
mod certificates;
mod cli;
mod commands;
mod copy;
mod copy_layout_path;
mod directories;
mod e2e;
mod faults;
mod howto;
mod interop;
mod layout;
mod library;
mod manifest_index;
mod oras_cache;
mod outputs;
mod progress;
mod proxies;
mod push_pull;
mod readme;
mod referrers;
mod security;
mod tar_layout;
mod tls;
