//! The channel to Terraform (SPEC §2.1): the provider started the way Terraform starts it
//! answers only the client holding the certificate Terraform handed over; a client with no
//! certificate or another self-signed one gets no answer. And `-debug` runs it standalone.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use terraform_provider_vault::protocol::tfplugin6::get_metadata;
use terraform_provider_vault::protocol::tfplugin6::provider_client::ProviderClient;

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-vault");
const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A self-signed certificate flagged as a CA, as go-plugin makes for Terraform.
fn go_plugin_like_certificate() -> (Vec<u8>, Vec<u8>, String) {
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

struct Started {
    child: Child,
    socket: PathBuf,
    server_cert: Vec<u8>,
    /// The plugin protocol (major) version announced.
    protocol: String,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider as Terraform does and reads go-plugin's handshake line.
fn start_as_terraform(client_pem: &str) -> Started {
    let mut child = Command::new(BINARY)
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

/// The plugin protocol version the provider announces in its handshake when Terraform starts it.
pub(crate) fn handshake_protocol_version() -> String {
    let (_, _, client_pem) = go_plugin_like_certificate();
    start_as_terraform(&client_pem).protocol.clone()
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

/// Asks for the provider's metadata over TLS, presenting `identity` (certificate, key) if any.
async fn get_metadata_as(
    started: &Started,
    identity: Option<(Vec<u8>, Vec<u8>)>,
) -> Result<get_metadata::Response, String> {
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
    let call = async {
        let channel = tonic::transport::Endpoint::try_from("http://localhost")
            .unwrap()
            .connect_with_connector(connector)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        ProviderClient::new(channel)
            .get_metadata(get_metadata::Request {})
            .await
            .map(|r| r.into_inner())
            .map_err(|e| format!("rpc: {e}"))
    };
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .unwrap_or_else(|_| Err("no answer within 10 s".into()))
}

#[tokio::test]
async fn only_the_client_holding_terraforms_certificate_gets_an_answer() {
    let (cert, key, pem) = go_plugin_like_certificate();
    let started = start_as_terraform(&pem);

    let anonymous = get_metadata_as(&started, None).await;
    assert!(
        anonymous.is_err(),
        "a client without a certificate got {anonymous:?}"
    );

    let (other_cert, other_key, _) = go_plugin_like_certificate();
    let stranger = get_metadata_as(&started, Some((other_cert, other_key))).await;
    assert!(
        stranger.is_err(),
        "a client with another certificate got {stranger:?}"
    );

    let terraform = get_metadata_as(&started, Some((cert, key)))
        .await
        .expect("the client with the handed-over certificate is answered");
    let resources: Vec<_> = terraform.resources.iter().map(|r| &r.type_name).collect();
    assert_eq!(resources, ["vault_secrets_stack"]);
    assert!(
        terraform
            .server_capabilities
            .is_some_and(|c| c.get_provider_schema_optional && c.plan_destroy),
        "capabilities: schema optional, plan destroy"
    );
}

#[test]
fn started_by_hand_the_provider_explains_itself_and_exits() {
    let out = Command::new(BINARY)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plugin for Terraform"), "{err}");
    assert!(!err.contains("backtrace") && !err.contains(".rs:"), "{err}");
}

#[tokio::test]
async fn the_debug_flag_serves_standalone_and_prints_tf_reattach_providers() {
    let mut child = Command::new(BINARY)
        .arg("-debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut reattach = None;
    for _ in 0..10 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if let Some(v) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(v.trim_end_matches('\'').to_string());
            break;
        }
    }
    let reattach: serde_json::Value =
        serde_json::from_str(&reattach.expect("a TF_REATTACH_PROVIDERS line")).unwrap();
    let entry = &reattach["registry.terraform.io/platform/vault"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let socket = entry["Addr"]["String"].as_str().unwrap().to_string();
    let connector = tower::service_fn(move |_: tonic::transport::Uri| {
        let socket = socket.clone();
        async move {
            let s = tokio::net::UnixStream::connect(socket).await?;
            Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
        }
    });
    let channel = tonic::transport::Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(connector)
        .await
        .unwrap();
    let meta = ProviderClient::new(channel)
        .get_metadata(get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(meta.resources.len(), 1);
    // Ctrl-C ends a debug provider (a managed one ignores it and waits for Terraform).
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let exited = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        child.try_wait().unwrap().is_some()
    });
    if !exited {
        let _ = child.kill();
    }
    assert!(exited, "Ctrl-C ends a debug provider");
}
