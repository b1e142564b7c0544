//! The `oar` binary: a drop-in for the ORAS CLI 1.2 (`ln -s oar oras`).
// One module, `cli::sys`, holds the only unsafe code (a signal handler and
// a terminal-size ioctl); everything else is safe Rust.
#![deny(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
