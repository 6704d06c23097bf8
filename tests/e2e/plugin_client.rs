//! A client of the provider that does what Terraform does: starts the binary with go-plugin's
//! environment, reads the handshake line and talks gRPC over the handshake's Unix socket with
//! mutual TLS, pinning the server's certificate. Shared by the channel tests and by the
//! start-up benchmark (`provider/plugin/benches/provider_process.rs`), so both measure and check
//! the same path Terraform takes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use terraform_provider_vault::protocol::tfplugin6::provider_client::ProviderClient;
use tonic::transport::Channel;

pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A self-signed certificate flagged as a CA, as go-plugin makes for Terraform: (certificate
/// DER, key PKCS#8 DER, certificate PEM).
pub fn go_plugin_like_certificate() -> (Vec<u8>, Vec<u8>, String) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.der().to_vec(), key.serialize_der(), cert.pem())
}

/// A provider process started as Terraform starts it; killed when dropped.
pub struct Started {
    pub child: Child,
    pub socket: PathBuf,
    pub server_cert: Vec<u8>,
    /// The plugin protocol (major) version announced.
    pub protocol: String,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` as Terraform does and reads go-plugin's handshake line; returns once the
/// line is read (the provider is then listening).
pub fn start_as_terraform(binary: &Path, client_pem: &str) -> Started {
    let mut child = Command::new(binary)
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_CLIENT_CERT", client_pem)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let parts: Vec<&str> = line.trim().split('|').collect();
    assert_eq!(parts.len(), 6, "handshake line: {line:?}");
    assert_eq!(&parts[..3], ["1", "6", "unix"], "handshake line: {line:?}");
    assert_eq!(parts[4], "grpc");
    let socket = PathBuf::from(parts[3]);
    let dir_mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(socket.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
    };
    assert_eq!(dir_mode & 0o777, 0o700, "the socket's directory is private");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(parts[5])
        .unwrap();
    Started {
        child,
        socket,
        server_cert,
        protocol: parts[1].to_string(),
    }
}

/// Trusts exactly the server certificate from the handshake line, as Terraform does.
#[derive(Debug)]
struct PinnedServer(Vec<u8>, rustls::crypto::WebPkiSupportedAlgorithms);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the handshake's certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.supported_schemes()
    }
}

/// A gRPC client of `started` over TLS, presenting `identity` (certificate, key) if any.
pub async fn connect(
    started: &Started,
    identity: Option<(Vec<u8>, Vec<u8>)>,
) -> Result<ProviderClient<Channel>, String> {
    let crypto = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(crypto.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(
            started.server_cert.clone(),
            crypto.signature_verification_algorithms,
        )));
    let mut config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(cert)],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let config = Arc::new(config);
    let socket = started.socket.clone();
    let connector = tower::service_fn(move |_: tonic::transport::Uri| {
        let (config, socket) = (config.clone(), socket.clone());
        async move {
            let stream = tokio::net::UnixStream::connect(socket).await?;
            let tls = tokio_rustls::TlsConnector::from(config)
                .connect(ServerName::try_from("localhost").unwrap(), stream)
                .await?;
            Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(tls))
        }
    });
    let channel = tonic::transport::Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(connector)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    Ok(ProviderClient::new(channel))
}

/// A process's memory figure from `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in kB; 0 once the
/// process is gone.
pub fn memory_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
