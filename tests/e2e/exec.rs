//! Running a command the way the suite's `utils.ExecOption` does: the
//! expected outcome (success, or any non-zero exit for `ExpectFailure`),
//! standard input, a working directory, a timeout, and matchers on stdout
//! and stderr checked after the command exits. `oras` means the `oar`
//! binary under test, run with the suite's shared docker config (the
//! credentials the Go suite stores with `oras login` before it starts).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::env;
use super::matchers::{Buffer, Content, KeyWords, Matcher, RequestHeaders, StateKey, Status};

/// The suite's `DefaultTimeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A command to run (`ExecOption`).
pub struct Exec {
    program: Option<String>,
    args: Vec<String>,
    work_dir: Option<PathBuf>,
    timeout: Duration,
    stdin: Option<Vec<u8>>,
    stdout: Vec<Box<dyn Matcher>>,
    stderr: Vec<Box<dyn Matcher>>,
    expect_failure: bool,
    text: String,
}

/// The outcome of a run (gexec's session): both streams as gbytes buffers.
pub struct Session {
    /// Standard output.
    pub out: Buffer,
    /// Standard error.
    pub err: Buffer,
    /// The exit code (-1 when killed).
    pub code: i32,
}

/// `ORAS(args...)`: the binary under test.
pub fn oras(args: Vec<String>) -> Exec {
    Exec::new(None, args)
}

/// `Binary(path, args...)`: another program.
pub fn binary(program: &str, args: &[&str]) -> Exec {
    Exec::new(
        Some(program.to_string()),
        args.iter().map(|s| s.to_string()).collect(),
    )
}

impl Exec {
    fn new(program: Option<String>, args: Vec<String>) -> Exec {
        Exec {
            program,
            args,
            work_dir: None,
            timeout: DEFAULT_TIMEOUT,
            stdin: None,
            stdout: Vec::new(),
            stderr: Vec::new(),
            expect_failure: false,
            text: String::new(),
        }
    }

    /// Appends arguments (Go's `append(args, more...)`).
    pub fn args<S: AsRef<str>>(mut self, more: &[S]) -> Exec {
        self.args
            .extend(more.iter().map(|s| s.as_ref().to_string()));
        self
    }

    /// `ExpectFailure()`: any non-zero exit code.
    pub fn expect_failure(mut self) -> Exec {
        self.expect_failure = true;
        self
    }

    /// `WithTimeOut`.
    pub fn with_timeout(mut self, t: Duration) -> Exec {
        self.timeout = t;
        self
    }

    /// `WithDescription`: shown in failure messages.
    pub fn with_description(mut self, text: &str) -> Exec {
        self.text = text.to_string();
        self
    }

    /// `WithWorkDir`.
    pub fn with_work_dir(mut self, dir: impl AsRef<Path>) -> Exec {
        self.work_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// `WithInput`.
    pub fn with_input(mut self, input: &str) -> Exec {
        self.stdin = Some(input.as_bytes().to_vec());
        self
    }

    /// `MatchKeyWords`: on stdout.
    pub fn match_key_words<S: AsRef<str>>(mut self, words: &[S]) -> Exec {
        let words = words.iter().map(|s| s.as_ref().to_string()).collect();
        self.stdout.push(Box::new(KeyWords(words)));
        self
    }

    /// `MatchErrKeyWords`: on stderr.
    pub fn match_err_key_words<S: AsRef<str>>(mut self, words: &[S]) -> Exec {
        let words = words.iter().map(|s| s.as_ref().to_string()).collect();
        self.stderr.push(Box::new(KeyWords(words)));
        self
    }

    /// `MatchRequestHeaders`: every `--debug` request on stderr.
    pub fn match_request_headers(mut self, headers: &[&str]) -> Exec {
        self.stderr.push(Box::new(RequestHeaders {
            url_prefix: String::new(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
        }));
        self
    }

    /// `MatchCpRequestHeaders`: the `--debug` requests to one repository.
    pub fn match_cp_request_headers(mut self, host: &str, repo: &str, headers: &[&str]) -> Exec {
        self.stderr.push(Box::new(RequestHeaders {
            url_prefix: format!("://{host}/v2/{repo}/"),
            headers: headers.iter().map(|s| s.to_string()).collect(),
        }));
        self
    }

    /// `MatchContent`: exact bytes of stdout, or of stderr when failure is
    /// already expected (the order of the calls matters, as in Go).
    pub fn match_content(mut self, content: &str) -> Exec {
        let m = Box::new(Content::new(content, false));
        if self.expect_failure {
            self.stderr.push(m);
        } else {
            self.stdout.push(m);
        }
        self
    }

    /// `MatchTrimmedContent` (ported with the rest; no v1.2.3 spec uses
    /// it).
    #[allow(dead_code)]
    pub fn match_trimmed_content(mut self, content: &str) -> Exec {
        let m = Box::new(Content::new(content, true));
        if self.expect_failure {
            self.stderr.push(m);
        } else {
            self.stdout.push(m);
        }
        self
    }

    /// `MatchStatus`: the status lines on stdout, for the command named by
    /// the first argument.
    pub fn match_status(mut self, keys: &[StateKey], verbose: bool, success_count: usize) -> Exec {
        let cmd = self.args.first().cloned().unwrap_or_default();
        self.stdout
            .push(Box::new(Status::new(keys, &cmd, verbose, success_count)));
        self
    }

    /// Runs the command and checks the exit code and every matcher; a
    /// mismatch fails the test with the command line and its output.
    #[track_caller]
    pub fn exec(self) -> Session {
        let text = if self.text.is_empty() {
            if self.expect_failure { "fail" } else { "pass" }.to_string()
        } else {
            self.text.clone()
        };
        let name = self.program.clone().unwrap_or_else(|| "oras".into());
        let description = format!(">> should {text}: {name} {} >>", self.args.join(" "));
        let cwd = self
            .work_dir
            .clone()
            .unwrap_or_else(|| env::root().cwd.clone());
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let mut cmd = match &self.program {
            None => {
                let root = env::root();
                let mut c = Command::new(&root.oras);
                c.args(&args)
                    .current_dir(&cwd)
                    .env("DOCKER_CONFIG", &root.docker_config)
                    .env("HOME", &root.home);
                for proxy in [
                    "HTTPS_PROXY",
                    "HTTP_PROXY",
                    "ALL_PROXY",
                    "https_proxy",
                    "http_proxy",
                    "all_proxy",
                ] {
                    c.env_remove(proxy);
                }
                c
            }
            Some(p) => {
                let mut c = Command::new(p);
                c.args(&args).current_dir(&cwd);
                c
            }
        };
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("{description}\ncannot start: {e}"));
        if let Some(input) = self.stdin.clone() {
            let mut w = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = w.write_all(&input);
            });
        }
        let pid = child.id();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        let (out, timed_out) = match rx.recv_timeout(self.timeout) {
            Ok(out) => (out, false),
            Err(_) => {
                // Ours to stop: it is the child started above.
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                (rx.recv().unwrap(), true)
            }
        };
        let out = out.unwrap_or_else(|e| panic!("{description}\nwaiting: {e}"));
        let session = Session {
            code: out.status.code().unwrap_or(-1),
            out: Buffer::new(out.stdout),
            err: Buffer::new(out.stderr),
        };
        let report = |why: &str| -> String {
            format!(
                "{description}\n{why}\nexit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                session.code,
                clip(&session.out.text()),
                clip(&session.err.text())
            )
        };
        if timed_out {
            panic!(
                "{}",
                report(&format!("did not exit within {:?}", self.timeout))
            );
        }
        if self.expect_failure == (session.code == 0) {
            panic!(
                "{}",
                report(if self.expect_failure {
                    "expected a non-zero exit code"
                } else {
                    "expected exit code 0"
                })
            );
        }
        for m in &self.stdout {
            if let Err(why) = m.check(session.out.contents()) {
                panic!("{}", report(&format!("stdout: {why}")));
            }
        }
        for m in &self.stderr {
            if let Err(why) = m.check(session.err.contents()) {
                panic!("{}", report(&format!("stderr: {why}")));
            }
        }
        session
    }
}

fn clip(s: &str) -> String {
    const MAX: usize = 6000;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &s[..end], s.len() - end)
}
