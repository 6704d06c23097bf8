//! The test bed: moto on a free loopback port, the provider in a filesystem mirror, and
//! Terraform working directories driven through either CLI.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value as Json;

pub const SOURCE: &str = "registry.terraform.io/platform/vault";
pub const SERVICES: [&str; 10] = [
    "cloudtrail",
    "ec2",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "s3",
    "secretsmanager",
    "sts",
];

pub use vault_testbed::{repo_root, testbed_bin, Moto};

/// What every end-to-end scenario runs against: moto behind the test bed's AWS-behaviour layer,
/// with objects that take time as on AWS (Aurora creating, modifying with pending values and
/// deleting, a function `Pending` and its updates `InProgress`, an endpoint `pending`, a
/// rotation under way), scaled down to seconds, and EC2 reads that do not see a new object for a
/// moment.
pub const AWS_LIFECYCLE: &str = r#"{
    "lifecycle": {"rds": 2, "lambda": 1, "vpc_endpoint": 1},
    "consistency": {"ec2_describe_after_create": 1},
    "rotation_lasts": 3
}"#;

/// Moto as every end-to-end scenario sees it ([`AWS_LIFECYCLE`]).
pub fn aws() -> Moto {
    Moto::start_like_aws(AWS_LIFECYCLE)
}

/// Moto as every scenario sees it, with `more` of the layer's behaviour set on top.
pub fn aws_with(more: impl FnOnce(&mut serde_json::Value)) -> Moto {
    let mut behaviour: serde_json::Value = serde_json::from_str(AWS_LIFECYCLE).unwrap();
    more(&mut behaviour);
    Moto::start_like_aws(&behaviour.to_string())
}

/// `tests/e2e/verify_stack.py` with the test bed's Python (boto3 comes with moto).
pub fn verify(moto: &Moto, args: &[&str]) -> Run {
    let out = Command::new(repo_root().join(".testbed/venv/bin/python"))
        .arg(repo_root().join("tests/e2e/verify_stack.py"))
        .arg(&moto.url)
        .args(args)
        .output()
        .expect("python runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The provider binary packed by `scripts/release.sh pack` into a filesystem mirror, once per
/// build of the binary (tests run in separate processes and share it). The binary is this
/// build's, or `VAULT_PROVIDER_BINARY` (how `scripts/bench.sh` measures a release build).
pub fn mirror() -> PathBuf {
    let bin = std::env::var_os("VAULT_PROVIDER_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-vault")));
    let meta = fs::metadata(&bin).unwrap();
    let stamp = meta
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = bin
        .parent()
        .unwrap()
        .join(format!("e2e-mirror-{}-{stamp}", meta.len()));
    if dir.exists() {
        return dir;
    }
    let tmp = PathBuf::from(format!("{}.tmp-{}", dir.display(), std::process::id()));
    let provider_dir = tmp.join(SOURCE);
    let status = Command::new(repo_root().join("scripts/release.sh"))
        .args(["pack", bin.to_str().unwrap(), "linux", "amd64"])
        .arg(&provider_dir)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "scripts/release.sh pack failed");
    // Another test process may have won the race; its mirror is as good as ours.
    if fs::rename(&tmp, &dir).is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    dir
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cli {
    V1_0,
    V1_15,
}

impl Cli {
    fn binary(self) -> PathBuf {
        testbed_bin(match self {
            Cli::V1_0 => "terraform-1.0",
            Cli::V1_15 => "terraform-1.15",
        })
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Diagnostics of a `-json` command: streamed lines (plan) or one document (validate).
    pub fn diagnostics(&self) -> Vec<Json> {
        if let Ok(doc) = serde_json::from_str::<Json>(&self.stdout) {
            if let Some(d) = doc.get("diagnostics").and_then(Json::as_array) {
                return d.clone();
            }
        }
        self.stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Json>(l).ok())
            .filter(|m| m["type"] == "diagnostic")
            .map(|m| m["diagnostic"].clone())
            .collect()
    }
}

/// A Terraform working directory with the provider installed from the mirror.
pub struct Workspace {
    pub cli: Cli,
    pub dir: tempfile::TempDir,
    rc: PathBuf,
}

impl Workspace {
    pub fn new(cli: Cli) -> Workspace {
        Workspace::installing_from(
            cli,
            &format!(
                "filesystem_mirror {{\n    path    = {:?}\n    include = [\"{SOURCE}\"]\n  }}",
                mirror().display().to_string()
            ),
        )
    }

    /// A working directory whose CLI configuration installs the provider with `method` (a
    /// `provider_installation` method block such as `network_mirror { ... }`).
    pub fn installing_from(cli: Cli, method: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("terraform.rc");
        fs::write(&rc, format!("provider_installation {{\n  {method}\n}}\n")).unwrap();
        let work = dir.path().join("work");
        fs::create_dir(&work).unwrap();
        Workspace { cli, dir, rc }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn write(&self, name: &str, content: &str) {
        fs::write(self.path().join(name), content).unwrap();
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self
            .command(args)
            .envs(env.iter().copied())
            .output()
            .expect("terraform runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts a command without waiting for it (to interrupt it).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("terraform starts")
    }

    /// Starts a command in a process group of its own, output to `log`, so that the test can
    /// interrupt the group as a terminal's Ctrl-C does (Terraform and its providers alike).
    pub fn spawn_in_group(&self, args: &[&str], log: &std::path::Path) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        let out = fs::File::create(log).unwrap();
        self.command(args)
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .process_group(0)
            .spawn()
            .expect("terraform starts")
    }

    /// Runs `args` as [`Workspace::run`] does, but ends the run (its whole process group) and
    /// fails the test when it is still going after `limit`: a run that would hang forever fails
    /// instead of holding the suite.
    pub fn run_within(&self, args: &[&str], limit: std::time::Duration) -> Run {
        use std::time::Instant;
        let log = self.dir.path().join("run_within.log");
        let mut run = self.spawn_in_group(args, &log);
        let started = Instant::now();
        let status = loop {
            if let Some(status) = run.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > limit {
                let group = format!("-{}", run.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                let _ = run.wait();
                panic!(
                    "terraform {} was still running after {limit:?}:\n{}",
                    args.join(" "),
                    fs::read_to_string(&log).unwrap_or_default()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        };
        Run {
            code: status.code().unwrap_or(-1),
            stdout: fs::read_to_string(&log).unwrap_or_default(),
            stderr: String::new(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(self.cli.binary());
        c.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &self.rc)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION");
        c
    }

    /// `terraform init`, which must succeed.
    pub fn init(&self) {
        let r = self.run(&["init", "-input=false", "-no-color"]);
        assert_eq!(
            r.code, 0,
            "{:?} init failed:\n{}\n{}",
            self.cli, r.stdout, r.stderr
        );
    }
}

/// A provider block pointing every service at moto.
pub fn provider_json(moto: &Moto, region: &str) -> Json {
    let endpoints: serde_json::Map<String, Json> = SERVICES
        .iter()
        .map(|s| (s.to_string(), Json::String(moto.url.clone())))
        .collect();
    serde_json::json!({ "region": region, "endpoints": endpoints })
}

pub fn required_providers() -> Json {
    serde_json::json!({ "required_providers": { "vault": { "source": "platform/vault" } } })
}

/// The provider processes working in `dir`: Terraform starts its providers in its own working
/// directory, which is unique to each test.
pub fn provider_processes_in(dir: &std::path::Path) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return out;
    };
    for e in entries.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cwd = fs::read_link(format!("/proc/{pid}/cwd")).ok();
        if cmdline.contains("terraform-provider-vault") && cwd.as_deref() == Some(dir) {
            out.push(pid);
        }
    }
    out
}

/// A TCP proxy in front of moto that holds every chunk a client sends for `delay` before passing
/// it on: each AWS call takes at least that long, as a slow region or an Aurora wait would.
pub struct SlowProxy {
    pub url: String,
    _stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SlowProxy {
    pub fn start(target: &str, delay: std::time::Duration) -> SlowProxy {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        let target = target.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let (mut c_in, mut s_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (mut s_in, mut c_out) = (server, client);
                std::thread::spawn(move || {
                    let mut buf = [0u8; 65536];
                    while let Ok(n) = c_in.read(&mut buf) {
                        if n == 0 || {
                            std::thread::sleep(delay);
                            s_out.write_all(&buf[..n]).is_err()
                        } {
                            break;
                        }
                    }
                    let _ = s_out.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut s_in, &mut c_out);
                    let _ = c_out.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        SlowProxy { url, _stop: stop }
    }
}

impl Drop for SlowProxy {
    fn drop(&mut self) {
        self._stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

/// A Terraform run interrupted as a terminal's Ctrl-C does.
pub struct Interrupted {
    /// From the interrupt to the run's end.
    pub took: std::time::Duration,
    /// AWS calls that reached moto after the interrupt.
    pub calls_after: usize,
    pub output: String,
    pub succeeded: bool,
}

/// Starts Terraform with `args` (Terraform 1.0, a real executable) in its own process group,
/// waits until `ready` (counting AWS calls reaching moto), sends the group SIGINT as a
/// terminal's Ctrl-C does, and waits (at most 60 s) for the run to end.
pub fn interrupt(
    ws: &Workspace,
    moto: &Moto,
    args: &[&str],
    ready: impl Fn() -> bool,
) -> Interrupted {
    use std::time::{Duration, Instant};
    let log = ws.dir.path().join("interrupted.log");
    let mut run = ws.spawn_in_group(args, &log);
    let deadline = Instant::now() + Duration::from_secs(180);
    while !ready() {
        assert!(
            run.try_wait().unwrap().is_none(),
            "the run ended before it could be interrupted:\n{}",
            fs::read_to_string(&log).unwrap_or_default()
        );
        assert!(Instant::now() < deadline, "the run never became ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let calls_at_interrupt = moto.aws_requests().len();
    let interrupted_at = Instant::now();
    let group = format!("-{}", run.id());
    Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap();
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break status;
        }
        if interrupted_at.elapsed() > Duration::from_secs(60) {
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            panic!(
                "the run was still going 60 s after Ctrl-C:\n{}",
                fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = interrupted_at.elapsed();
    let output = fs::read_to_string(&log).unwrap();
    let calls_after = moto.aws_requests().len() - calls_at_interrupt;
    eprintln!("the run ended {took:?} after Ctrl-C; {calls_after} AWS calls reached moto after it");
    Interrupted {
        took,
        calls_after,
        output,
        succeeded: status.success(),
    }
}
