//! The test bed: moto on a free loopback port, the provider in a filesystem mirror, and
//! Terraform working directories driven through either CLI.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn testbed_bin(name: &str) -> PathBuf {
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

/// A moto server of this test's own, stopped when dropped. Its request log tells whether the
/// provider reached AWS at all.
pub struct Moto {
    child: Child,
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Moto {
    pub fn start() -> Moto {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let port = free_port();
        let child = Command::new(testbed_bin("moto_server"))
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

    /// AWS API requests moto has served (its own control plane, `/moto-api`, excluded).
    pub fn aws_requests(&self) -> Vec<String> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                ["\"GET ", "\"POST ", "\"PUT ", "\"DELETE ", "\"HEAD "]
                    .iter()
                    .any(|m| l.contains(m))
                    && !l.contains("/moto-api")
            })
            .map(str::to_string)
            .collect()
    }

    /// Sends one STS GetCallerIdentity, as an SDK would, to prove requests are counted.
    pub fn call_sts(&self) -> String {
        let addr = self.url.trim_start_matches("http://");
        let body = "Action=GetCallerIdentity&Version=2011-06-15";
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

/// The provider binary packed by `scripts/release.sh pack` into a filesystem mirror, once per
/// build of the binary (tests run in separate processes and share it).
pub fn mirror() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-vault"));
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
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("terraform.rc");
        fs::write(
            &rc,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = {:?}\n    \
                 include = [\"{SOURCE}\"]\n  }}\n}}\n",
                mirror().display().to_string()
            ),
        )
        .unwrap();
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
        let out = Command::new(self.cli.binary())
            .args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &self.rc)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("TF_LOG")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION")
            .output()
            .expect("terraform runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
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
