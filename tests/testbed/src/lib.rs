//! Test-only helpers shared by the AWS layer's tests and the end-to-end tests: moto server on a
//! free loopback port, stopped when dropped, with a log that tells which AWS calls reached it.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository's root (this crate lives in `tests/testbed`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A program installed by `scripts/setup.sh` into `.testbed/bin`.
pub fn testbed_bin(name: &str) -> PathBuf {
    let p = repo_root().join(".testbed/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run scripts/setup.sh first",
        p.display()
    );
    p
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A moto server of the test's own, stopped when dropped.
pub struct Moto {
    child: Child,
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_command(Command::new(testbed_bin("moto_server")))
    }

    /// Moto behind the test bed's AWS-behaviour layer (`tests/testbed/aws_behaviour.py`):
    /// moto's known divergences fixed (a DB subnet group whose subnets change), plus what
    /// `behaviour` switches on, a JSON object whose keys that file documents (faults, latency,
    /// propagation delays, Lambda network interfaces). `"{}"` switches on nothing more.
    pub fn start_like_aws(behaviour: &str) -> Moto {
        let mut c = Command::new(repo_root().join(".testbed/venv/bin/python"));
        c.arg(repo_root().join("tests/testbed/aws_behaviour.py"))
            .env("VAULT_AWS_BEHAVIOUR", behaviour);
        Moto::start_command(c)
    }

    fn start_command(mut command: Command) -> Moto {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let port = free_port();
        let child = command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdout(Stdio::from(
                fs::File::create(dir.path().join("moto.out")).unwrap(),
            ))
            .stderr(Stdio::from(fs::File::create(&log).unwrap()))
            .spawn()
            .expect("moto_server starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto did not listen on {url} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            url,
            log,
            _dir: dir,
        }
    }

    /// AWS API requests moto has served (its own control plane, `/moto-api`, excluded), the
    /// refused ones included: werkzeug colours the request of a 3xx, 4xx or 5xx line, which
    /// would hide it from a plain match.
    pub fn aws_requests(&self) -> Vec<String> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(without_colour)
            .filter(|l| {
                ["\"GET ", "\"POST ", "\"PUT ", "\"DELETE ", "\"HEAD "]
                    .iter()
                    .any(|m| l.contains(m))
                    && !l.contains("/moto-api")
            })
            .collect()
    }

    /// What the AWS-behaviour layer said it did ("aws_behaviour: lost the response of ..."),
    /// each line without that prefix.
    pub fn behaviour_notes(&self) -> Vec<String> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.strip_prefix("aws_behaviour: "))
            .map(str::to_string)
            .collect()
    }

    /// Sends one STS request for `action`, as an SDK would, to prove requests are counted.
    pub fn call_sts(&self, action: &str) -> String {
        let addr = self.url.trim_start_matches("http://");
        let body = format!("Action={action}&Version=2011-06-15");
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, \
             SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `line` without its ANSI colour sequences (`ESC [ ... m`).
fn without_colour(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip to the sequence's final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
