//! A fault-injecting HTTP proxy on loopback, in front of a real registry
//! (or the double). Rules pick requests by method and path and then cut
//! the connection after N bytes of the request or response body, stall,
//! answer an error status (with or without `Retry-After`), strip `Range`
//! or `Authorization`, or drop an upload session. Every request is recorded with the bytes it
//! carried, so tests can prove that a transfer resumed instead of
//! starting over, and with when it arrived and was done, so they can
//! measure how long the client waited before trying again.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to do to a matching request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Close both sides after this many response body bytes.
    CutResponse(u64),
    /// Close both sides after forwarding this many request body bytes.
    CutRequest(u64),
    /// After this many response body bytes, send nothing for `secs`, then
    /// close.
    StallResponse(u64, f64),
    /// After forwarding this many request body bytes, stop reading for
    /// `secs`, then close.
    StallRequest(u64, f64),
    /// Answer this status (and `Retry-After` if given) without forwarding.
    Status(u16, Option<&'static str>),
    /// Forward without the `Range` header: the registry answers 200.
    IgnoreRange,
    /// Answer `404 BLOB_UPLOAD_UNKNOWN`, as for an expired session.
    DropSession,
    /// Forward without the `Authorization` header: the registry refuses
    /// the request as it refuses a revoked token, with its own challenge.
    StripAuthorization,
}

/// A rule: the first `skip` matching requests pass, the next `times` get
/// the fault.
#[derive(Clone, Debug)]
pub struct Rule {
    /// HTTP method to match.
    pub method: &'static str,
    /// Substring of the request target to match.
    pub path: &'static str,
    /// Matching requests let through first.
    pub skip: u32,
    /// Matching requests faulted after that.
    pub times: u32,
    /// The fault.
    pub fault: Fault,
}

impl Rule {
    /// A rule for the first matching request.
    pub fn once(method: &'static str, path: &'static str, fault: Fault) -> Rule {
        Rule {
            method,
            path,
            skip: 0,
            times: 1,
            fault,
        }
    }
}

/// One request as the proxy saw it.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// `Range` header sent by the client.
    pub range: Option<String>,
    /// Status answered (0 when the connection was cut first).
    pub status: u16,
    /// Request body bytes forwarded.
    pub sent: u64,
    /// Response body bytes relayed.
    pub received: u64,
    /// A fault was applied.
    pub faulted: bool,
    /// When the request's head arrived.
    pub at: Option<Instant>,
    /// When the proxy was done with it: the answer sent, the connection
    /// cut, or the stall begun.
    pub done: Option<Instant>,
}

/// The proxy's request log. The proxy answers a request before it logs it,
/// so a test reading the log the moment the client exits could miss the last
/// record: `open` counts requests read but not yet logged, and readers wait
/// for it to drain.
#[derive(Default)]
struct Log {
    records: Mutex<Vec<Record>>,
    open: AtomicUsize,
}

/// A request in hand; it leaves `Log::open` once logged or abandoned.
struct Entry<'a>(&'a Log);

impl Log {
    fn begin(&self) -> Entry<'_> {
        self.open.fetch_add(1, Ordering::SeqCst);
        Entry(self)
    }

    /// The records, once every request in hand is logged (waiting at most
    /// 5 s, so a test fails on its assertion rather than hanging).
    fn settled(&self) -> std::sync::MutexGuard<'_, Vec<Record>> {
        let end = Instant::now() + Duration::from_secs(5);
        while self.open.load(Ordering::SeqCst) > 0 && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.records.lock().unwrap()
    }
}

impl Entry<'_> {
    fn finish(self, mut rec: Record) {
        rec.done = Some(Instant::now());
        self.0.records.lock().unwrap().push(rec);
    }
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running proxy.
pub struct FaultProxy {
    /// Its port.
    pub port: u16,
    rules: Arc<Mutex<Vec<Rule>>>,
    log: Arc<Log>,
    stalled: Arc<AtomicBool>,
}

struct Head {
    method: String,
    target: String,
    lines: Vec<String>,
    length: u64,
}

fn read_head(r: &mut BufReader<TcpStream>) -> Option<Head> {
    let mut first = String::new();
    if r.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut lines = vec![first.trim_end().to_string()];
    let mut length = 0;
    loop {
        let mut l = String::new();
        if r.read_line(&mut l).ok()? == 0 {
            return None;
        }
        let l = l.trim_end().to_string();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
        lines.push(l);
    }
    Some(Head {
        method,
        target,
        lines,
        length,
    })
}

impl FaultProxy {
    /// Starts a proxy forwarding to `upstream` (`host:port`).
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::new(Log::default());
        let stalled = Arc::new(AtomicBool::new(false));
        let upstream = upstream.to_string();
        {
            let (rules, log, stalled) = (rules.clone(), log.clone(), stalled.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming().flatten() {
                    let (rules, log, stalled, upstream) = (
                        rules.clone(),
                        log.clone(),
                        stalled.clone(),
                        upstream.clone(),
                    );
                    std::thread::spawn(move || serve(conn, &upstream, &rules, &log, &stalled));
                }
            });
        }
        FaultProxy {
            port,
            rules,
            log,
            stalled,
        }
    }

    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Adds a rule.
    pub fn add(&self, rule: Rule) {
        self.rules.lock().unwrap().push(rule);
    }

    /// Removes all rules.
    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
    }

    /// Every request so far.
    pub fn records(&self) -> Vec<Record> {
        self.log.settled().clone()
    }

    /// Forgets the records.
    pub fn reset_records(&self) {
        self.log.settled().clear();
    }

    /// True once a stall fault is holding a connection.
    pub fn is_stalled(&self) -> bool {
        self.stalled.load(Ordering::SeqCst)
    }

    /// Response body bytes of requests whose target contains `needle`.
    pub fn received(&self, method: &str, needle: &str) -> u64 {
        self.records()
            .iter()
            .filter(|r| r.method == method && r.target.contains(needle))
            .map(|r| r.received)
            .sum()
    }

    /// Request body bytes of requests whose target contains `needle`.
    pub fn sent(&self, method: &str, needle: &str) -> u64 {
        self.records()
            .iter()
            .filter(|r| r.method == method && r.target.contains(needle))
            .map(|r| r.sent)
            .sum()
    }

    /// Requests matching `method` and `needle`.
    pub fn count(&self, method: &str, needle: &str) -> usize {
        self.records()
            .iter()
            .filter(|r| r.method == method && r.target.contains(needle))
            .count()
    }

    /// Faulted requests.
    pub fn faults(&self) -> usize {
        self.records().iter().filter(|r| r.faulted).count()
    }
}

fn pick(rules: &Mutex<Vec<Rule>>, method: &str, target: &str) -> Option<Fault> {
    let mut rules = rules.lock().unwrap();
    for r in rules.iter_mut() {
        if r.method != method || !target.contains(r.path) || r.times == 0 {
            continue;
        }
        if r.skip > 0 {
            r.skip -= 1;
            return None;
        }
        r.times -= 1;
        return Some(r.fault.clone());
    }
    None
}

fn reply(client: &mut TcpStream, status: u16, extra: &[(&str, &str)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status} Fault\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = client.write_all(head.as_bytes());
    let _ = client.write_all(body.as_bytes());
}

/// Copies up to `n` bytes; returns how many went through.
fn copy_n(from: &mut dyn Read, to: &mut dyn Write, n: u64) -> u64 {
    let mut buf = vec![0u8; 64 * 1024];
    let mut done = 0;
    while done < n {
        let want = ((n - done) as usize).min(buf.len());
        let got = match from.read(&mut buf[..want]) {
            Ok(0) | Err(_) => break,
            Ok(k) => k,
        };
        if to.write_all(&buf[..got]).is_err() {
            break;
        }
        done += got as u64;
    }
    done
}

fn serve(
    client: TcpStream,
    upstream: &str,
    rules: &Mutex<Vec<Rule>>,
    log: &Log,
    stalled: &AtomicBool,
) {
    let mut writer = client.try_clone().unwrap();
    let mut reader = BufReader::new(client);
    while let Some(head) = read_head(&mut reader) {
        let at = Some(Instant::now());
        let entry = log.begin();
        let fault = pick(rules, &head.method, &head.target);
        let range = head.lines.iter().find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("range"))
                .map(|(_, v)| v.trim().to_string())
        });
        let mut rec = Record {
            method: head.method.clone(),
            target: head.target.clone(),
            range,
            faulted: fault.is_some(),
            at,
            ..Record::default()
        };
        match &fault {
            Some(Fault::Status(code, retry_after)) => {
                copy_n(&mut reader, &mut std::io::sink(), head.length);
                let extra: Vec<(&str, &str)> =
                    retry_after.iter().map(|v| ("Retry-After", *v)).collect();
                reply(
                    &mut writer,
                    *code,
                    &extra,
                    r#"{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}"#,
                );
                rec.status = *code;
                entry.finish(rec);
                continue;
            }
            Some(Fault::DropSession) => {
                copy_n(&mut reader, &mut std::io::sink(), head.length);
                reply(
                    &mut writer,
                    404,
                    &[],
                    r#"{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"blob upload unknown to registry"}]}"#,
                );
                rec.status = 404;
                entry.finish(rec);
                continue;
            }
            _ => {}
        }
        if matches!(
            fault,
            Some(Fault::CutRequest(0)) | Some(Fault::StallRequest(0, _))
        ) {
            // Fails before the first byte: the registry never hears of it.
            entry.finish(rec);
            if let Some(Fault::StallRequest(_, secs)) = fault {
                stalled.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_secs_f64(secs));
            }
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        let Ok(up) = TcpStream::connect(upstream) else {
            return;
        };
        let mut up_w = up.try_clone().unwrap();
        let mut up_r = BufReader::new(up);
        let mut out = String::new();
        for l in &head.lines {
            let name = l
                .split_once(':')
                .map(|(k, _)| k.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if name == "connection"
                || (name == "range" && matches!(fault, Some(Fault::IgnoreRange)))
                || (name == "authorization" && matches!(fault, Some(Fault::StripAuthorization)))
            {
                continue;
            }
            out.push_str(l);
            out.push_str("\r\n");
        }
        out.push_str("Connection: close\r\n\r\n");
        if up_w.write_all(out.as_bytes()).is_err() {
            return;
        }
        // The request body, perhaps cut or stalled.
        let limit = match fault {
            Some(Fault::CutRequest(n)) | Some(Fault::StallRequest(n, _)) => n.min(head.length),
            _ => head.length,
        };
        rec.sent = copy_n(&mut reader, &mut up_w, limit);
        if matches!(
            fault,
            Some(Fault::CutRequest(_)) | Some(Fault::StallRequest(..))
        ) {
            entry.finish(rec);
            if let Some(Fault::StallRequest(_, secs)) = fault {
                stalled.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_secs_f64(secs));
            }
            let _ = writer.shutdown(Shutdown::Both);
            let _ = up_w.shutdown(Shutdown::Both);
            return;
        }
        // The response head, as is.
        let mut status_line = String::new();
        if up_r.read_line(&mut status_line).unwrap_or(0) == 0 {
            return;
        }
        rec.status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut resp_head = status_line.clone();
        let mut close = false;
        loop {
            let mut l = String::new();
            if up_r.read_line(&mut l).unwrap_or(0) == 0 {
                return;
            }
            if l.to_ascii_lowercase().starts_with("connection:")
                && l.to_ascii_lowercase().contains("close")
            {
                close = true;
            }
            let end = l.trim_end().is_empty();
            resp_head.push_str(&l);
            if end {
                break;
            }
        }
        if writer.write_all(resp_head.as_bytes()).is_err() {
            return;
        }
        // The body runs until the registry closes (we asked it to).
        let cut = match fault {
            Some(Fault::CutResponse(n)) | Some(Fault::StallResponse(n, _)) => n,
            _ => u64::MAX,
        };
        rec.received = copy_n(&mut up_r, &mut writer, cut);
        let faulted_cut = matches!(
            fault,
            Some(Fault::CutResponse(_)) | Some(Fault::StallResponse(..))
        );
        entry.finish(rec);
        if let Some(Fault::StallResponse(_, secs)) = fault {
            let _ = writer.flush();
            stalled.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_secs_f64(secs));
        }
        if faulted_cut {
            let _ = writer.shutdown(Shutdown::Both);
            let _ = up_w.shutdown(Shutdown::Both);
            return;
        }
        if close {
            return;
        }
    }
}
