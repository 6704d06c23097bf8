//! Releases as users get them (SPEC §6): `scripts/release.sh` signs `SHA256SUMS` so that
//! `gpg --verify` accepts it, its manifest names the protocol the binary serves, and
//! `terraform init` installs the zip through a network mirror over HTTPS (a throwaway CA trusted
//! through `SSL_CERT_FILE`), verifying the mirror's checksums and refusing a tampered zip.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value as Json;

use crate::harness::{repo_root, Cli, Workspace, SOURCE};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-vault");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn release_sh(args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(repo_root().join("scripts/release.sh"))
        .args(args)
        .env_remove("RELEASE_GPG_KEY")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "release.sh {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What CI's last release step does with the zips the build jobs made: this build's binary
/// packed for linux_amd64, then the manifest, SHA256SUMS and its signature.
fn release(env: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().to_str().unwrap();
    release_sh(&["pack", BINARY, "linux", "amd64", dist], env);
    release_sh(&["finish", dist], env);
    dir
}

fn file(dir: &Path, suffix: &str) -> PathBuf {
    dir.join(format!("terraform-provider-vault_{VERSION}_{suffix}"))
}

/// `gpg` with a keyring of its own.
fn gpg(home: &Path, args: &[&str]) -> Output {
    Command::new("gpg")
        .env("GNUPGHOME", home)
        .arg("--batch")
        .args(args)
        .output()
        .expect("gpg runs (scripts/setup.sh installs it)")
}

fn private_gnupg_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(home.path(), fs::Permissions::from_mode(0o700)).unwrap();
    home
}

/// The fingerprint of a good signature of `signed` by `sig`, from gpg's machine-readable status.
fn verified_by(home: &Path, sig: &Path, signed: &Path) -> Option<String> {
    let out = gpg(
        home,
        &[
            "--status-fd",
            "1",
            "--verify",
            sig.to_str().unwrap(),
            signed.to_str().unwrap(),
        ],
    );
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("[GNUPG:] VALIDSIG "))
        .map(|rest| rest.split(' ').next().unwrap().to_string())
}

#[test]
fn release_signs_sha256sums_so_that_gpg_verify_accepts_it_and_refuses_an_edited_copy() {
    let dist = release(&[]);
    let sums = file(dist.path(), "SHA256SUMS");
    let sig = file(dist.path(), "SHA256SUMS.sig");
    let zip = file(dist.path(), "linux_amd64.zip");
    for f in [&sums, &sig, &zip, &file(dist.path(), "manifest.json")] {
        assert!(f.exists(), "{} is written", f.display());
    }
    // Every zip and the manifest are listed, and their sums hold.
    let listed = fs::read_to_string(&sums).unwrap();
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg(&sums)
        .current_dir(dist.path())
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");

    // Without RELEASE_GPG_KEY a throwaway key signs; its public half comes with the release.
    let home = private_gnupg_home();
    let import = gpg(
        home.path(),
        &[
            "--import",
            dist.path().join("signing-key.asc").to_str().unwrap(),
        ],
    );
    assert!(import.status.success(), "{import:?}");
    assert!(
        verified_by(home.path(), &sig, &sums).is_some(),
        "gpg --verify accepts the signature"
    );

    let mut edited = listed.clone();
    edited.replace_range(0..1, if listed.starts_with('0') { "1" } else { "0" });
    fs::write(&sums, edited).unwrap();
    assert_eq!(
        verified_by(home.path(), &sig, &sums),
        None,
        "a changed SHA256SUMS no longer verifies"
    );
}

#[test]
fn release_signs_with_the_key_named_by_release_gpg_key() {
    let home = private_gnupg_home();
    let made = gpg(
        home.path(),
        &[
            "--passphrase",
            "",
            "--quick-gen-key",
            "Release Team <release@example.com>",
            "rsa2048",
            "sign",
            "1d",
        ],
    );
    assert!(made.status.success(), "{made:?}");
    let listing = gpg(home.path(), &["--with-colons", "--list-secret-keys"]);
    let fingerprint = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("fpr:"))
        .map(|l| l.trim_matches(':').to_string())
        .unwrap();

    let home_str = home.path().to_str().unwrap();
    let dist = release(&[
        ("GNUPGHOME", home_str),
        ("RELEASE_GPG_KEY", "release@example.com"),
    ]);
    assert!(
        !dist.path().join("signing-key.asc").exists(),
        "no throwaway key when one is named"
    );
    assert_eq!(
        verified_by(
            home.path(),
            &file(dist.path(), "SHA256SUMS.sig"),
            &file(dist.path(), "SHA256SUMS")
        ),
        Some(fingerprint)
    );
}

#[test]
fn release_manifest_names_the_protocol_version_the_binary_serves() {
    let dist = release(&[]);
    let manifest: Json =
        serde_json::from_str(&fs::read_to_string(file(dist.path(), "manifest.json")).unwrap())
            .unwrap();
    let versions = manifest["metadata"]["protocol_versions"]
        .as_array()
        .unwrap();
    assert_eq!(versions.len(), 1, "{manifest}");
    let served = versions[0].as_str().unwrap();
    // The major version is the one the binary's handshake announces to Terraform...
    let major = crate::channel::handshake_protocol_version();
    assert_eq!(served.split('.').next(), Some(major.as_str()), "{manifest}");
    // ...the minor one that of the protocol definition compiled into its server.
    let proto = fs::read_to_string(repo_root().join("proto/tfplugin6.proto")).unwrap();
    assert!(
        proto
            .lines()
            .any(|l| l == format!("// Terraform Plugin RPC protocol version {served}")),
        "proto/tfplugin6.proto is protocol {served}"
    );
    assert_eq!(manifest["version"], 1);
}

/// A throwaway certificate authority and a certificate it issued for 127.0.0.1.
struct Pki {
    ca_pem: String,
    leaf_der: Vec<u8>,
    leaf_key_der: Vec<u8>,
}

fn throwaway_pki() -> Pki {
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "vault e2e throwaway CA");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();

    let mut leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.subject_alt_names
        .push(rcgen::SanType::IpAddress([127, 0, 0, 1].into()));
    leaf.distinguished_name
        .push(rcgen::DnType::CommonName, "127.0.0.1");
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        leaf_der: leaf_cert.der().to_vec(),
        leaf_key_der: leaf_key.serialize_der(),
    }
}

/// A static file server over HTTPS, as a network mirror is: GET of a path under `root`.
/// Records the paths asked for.
struct HttpsMirror {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl HttpsMirror {
    fn start(root: PathBuf, pki: &Pki) -> HttpsMirror {
        let crypto = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(crypto)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    vec![CertificateDer::from(pki.leaf_der.clone())],
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.leaf_key_der.clone())),
                )
                .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for tcp in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(tcp) = tcp else { continue };
                let (config, root, seen) = (config.clone(), root.clone(), seen.clone());
                std::thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let mut tls = rustls::StreamOwned::new(conn, tcp);
                    let _ = serve_one(&mut tls, &root, &seen);
                });
            }
        });
        HttpsMirror {
            url,
            requests,
            stop,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for HttpsMirror {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(
            self.url
                .trim_start_matches("https://")
                .trim_end_matches('/'),
        );
    }
}

/// One request per connection (`Connection: close`), which every HTTP client accepts.
fn serve_one(
    tls: &mut (impl Read + Write),
    root: &Path,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(&mut *tls);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let path = request_line
        .split(' ')
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    seen.lock().unwrap().push(path.clone());
    let file = root.join(path.trim_start_matches('/'));
    let body = if path.contains("..") {
        None
    } else {
        fs::read(&file).ok()
    };
    let (status, body) = match body {
        Some(b) => ("200 OK", b),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = if path.ends_with(".json") {
        "application/json"
    } else {
        "application/zip"
    };
    write!(
        tls,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    tls.write_all(&body)?;
    tls.flush()
}

/// A release of this build's binary, laid out as a network mirror by `release.sh mirror`.
fn network_mirror_layout() -> (tempfile::TempDir, PathBuf) {
    let dist = release(&[]);
    let dir = tempfile::tempdir().unwrap();
    let out = release_sh(
        &[
            "mirror",
            dist.path().to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    let provider_dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(provider_dir.ends_with(SOURCE), "{provider_dir:?}");
    (dir, provider_dir)
}

fn mirror_workspace(cli: Cli, mirror: &HttpsMirror, pki: &Pki) -> (Workspace, String) {
    let ws = Workspace::installing_from(
        cli,
        &format!(
            "network_mirror {{\n    url     = \"{}\"\n    include = [\"{SOURCE}\"]\n  }}",
            mirror.url
        ),
    );
    ws.write(
        "main.tf",
        "terraform {\n  required_providers {\n    vault = { source = \"platform/vault\" }\n  }\n}\n",
    );
    let ca = ws.dir.path().join("ca.pem");
    fs::write(&ca, &pki.ca_pem).unwrap();
    (ws, ca.to_str().unwrap().to_string())
}

fn mirror_hashes(provider_dir: &Path) -> Vec<String> {
    let doc: Json = serde_json::from_str(
        &fs::read_to_string(provider_dir.join(format!("{VERSION}.json"))).unwrap(),
    )
    .unwrap();
    doc["archives"]["linux_amd64"]["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

fn network_mirror_over_https_installs_the_provider_with_verified_checksums(cli: Cli) {
    let (layout, provider_dir) = network_mirror_layout();
    let pki = throwaway_pki();
    let mirror = HttpsMirror::start(layout.path().to_path_buf(), &pki);
    let (ws, ca) = mirror_workspace(cli, &mirror, &pki);

    // Without the CA the mirror's certificate is not trusted, so nothing is installed.
    let untrusted = ws.run_with(
        &["init", "-input=false", "-no-color"],
        &[("SSL_CERT_FILE", "/dev/null")],
    );
    // Terraform wraps its messages at 80 columns.
    let refused = format!("{}{}", untrusted.stdout, untrusted.stderr)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_ne!(
        untrusted.code, 0,
        "{cli:?}: init trusted an unknown CA:\n{refused}"
    );
    assert!(
        refused.contains("certificate signed by unknown authority"),
        "{cli:?}:\n{refused}"
    );

    let started = std::time::Instant::now();
    let init = ws.run_with(
        &["init", "-input=false", "-no-color"],
        &[("SSL_CERT_FILE", &ca)],
    );
    eprintln!(
        "{cli:?} init through the network mirror: {:.1?}",
        started.elapsed()
    );
    let all = format!("{}{}", init.stdout, init.stderr);
    assert_eq!(init.code, 0, "{cli:?} init:\n{all}");
    assert!(
        all.contains(&format!(
            "Installed platform/vault v{VERSION} (verified checksum)"
        )),
        "{cli:?}:\n{all}"
    );
    let asked = mirror.requests();
    for path in [
        format!("/{SOURCE}/index.json"),
        format!("/{SOURCE}/{VERSION}.json"),
        format!("/{SOURCE}/terraform-provider-vault_{VERSION}_linux_amd64.zip"),
    ] {
        assert!(
            asked.contains(&path),
            "{cli:?} asked the mirror for {path}: {asked:?}"
        );
    }
    // The lock file records the mirror's h1: hash, which Terraform recomputed from the files.
    let lock = fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap();
    let h1 = mirror_hashes(&provider_dir)
        .into_iter()
        .find(|h| h.starts_with("h1:"))
        .unwrap();
    assert!(lock.contains(&h1), "{cli:?} lock file has {h1}:\n{lock}");
    let installed = ws
        .path()
        .join(".terraform/providers")
        .join(SOURCE)
        .join(VERSION)
        .join("linux_amd64")
        .join(format!("terraform-provider-vault_v{VERSION}"));
    assert_eq!(
        fs::read(&installed).unwrap(),
        fs::read(BINARY).unwrap(),
        "the installed binary is this build's"
    );
}

#[test]
fn network_mirror_over_https_installs_the_provider_with_verified_checksums_on_terraform_1_0() {
    network_mirror_over_https_installs_the_provider_with_verified_checksums(Cli::V1_0);
}

#[test]
fn network_mirror_over_https_installs_the_provider_with_verified_checksums_on_terraform_1_15() {
    network_mirror_over_https_installs_the_provider_with_verified_checksums(Cli::V1_15);
}

#[test]
fn network_mirror_refuses_a_zip_that_does_not_match_its_checksums() {
    let (layout, provider_dir) = network_mirror_layout();
    // Tampered: a valid zip of another binary (this one with bytes appended), same name.
    let tampered = tempfile::tempdir().unwrap();
    let bin = tampered.path().join("terraform-provider-vault");
    let mut bytes = fs::read(BINARY).unwrap();
    bytes.extend_from_slice(b"\0tampered");
    fs::write(&bin, bytes).unwrap();
    release_sh(
        &[
            "pack",
            bin.to_str().unwrap(),
            "linux",
            "amd64",
            provider_dir.to_str().unwrap(),
        ],
        &[],
    );

    let pki = throwaway_pki();
    let mirror = HttpsMirror::start(layout.path().to_path_buf(), &pki);
    let (ws, ca) = mirror_workspace(Cli::V1_15, &mirror, &pki);
    let init = ws.run_with(
        &["init", "-input=false", "-no-color"],
        &[("SSL_CERT_FILE", &ca)],
    );
    let all = format!("{}{}", init.stdout, init.stderr);
    assert_ne!(init.code, 0, "init installed a tampered zip:\n{all}");
    assert!(
        all.contains("Failed to install provider")
            && all.contains("doesn't match")
            && all.contains("expected checksums"),
        "{all}"
    );
    assert!(
        mirror
            .requests()
            .iter()
            .any(|p| p.ends_with("_linux_amd64.zip")),
        "the zip was fetched, then refused"
    );
    assert!(
        !ws.path()
            .join(".terraform/providers")
            .join(SOURCE)
            .join(VERSION)
            .join("linux_amd64")
            .exists(),
        "nothing was installed"
    );
}
