//! The `oar` binary: a drop-in for the ORAS CLI 1.2 (`ln -s oar oras`).
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
