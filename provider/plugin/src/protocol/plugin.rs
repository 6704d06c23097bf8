//! go-plugin's side of the channel: the handshake Terraform expects on stdout, mutual TLS with
//! the client certificate pinned to the one Terraform handed over, a Unix socket in a private
//! directory, and the go-plugin services (controller, stdio, broker) beside the provider.
//!
//! Only the Terraform that started the provider can talk to it: the socket lives in a directory
//! only this user can enter, and the TLS handshake requires a client certificate that is exactly
//! the DER from `PLUGIN_CLIENT_CERT`, with its handshake signature verified. Any other client
//! fails the handshake and never reaches a gRPC handler.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use base64::Engine;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status, Streaming};

use super::go_plugin as gp;
use super::server::ProviderService;
use super::tfplugin6::provider_server::ProviderServer;
use super::traits::Provider;

/// The plugin protocol version served (tfplugin6.proto from Terraform 1.15: 6.10).
pub const PROTOCOL_VERSION: u32 = 6;
/// go-plugin's own handshake protocol.
const CORE_PROTOCOL_VERSION: u32 = 1;
/// Terraform's magic cookie: tells a provider it was started by Terraform, not by a user.
const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Terraform's messages can hold large states; go-plugin allows far more than gRPC's 4 MiB.
const MAX_MESSAGE: usize = 256 << 20;
/// How long requests still running at shutdown may take to answer.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);
/// How often a managed provider checks that the Terraform that started it is still running.
const HOST_CHECK: Duration = Duration::from_millis(500);
/// A client that has not finished the TLS handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Started by Terraform: handshake on stdout, mutual TLS.
    Managed,
    /// `-debug`: started by a developer, who points Terraform at it with
    /// `TF_REATTACH_PROVIDERS`; no TLS (the socket's directory is private to the user).
    Debug,
}

/// Serves `provider` (local name `name`, registry address `source`) until Terraform shuts it
/// down (or, in debug mode, until Ctrl-C).
pub async fn serve<P: Provider>(
    name: &str,
    source: &str,
    provider: P,
    mode: Mode,
) -> anyhow::Result<()> {
    // The SDK's and the protocol's TLS may pull in two rustls crypto backends; pick one.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let tls = match mode {
        Mode::Managed => Some(managed_tls()?),
        Mode::Debug => None,
    };
    let dir = PrivateDir::create()?;
    let socket = dir.0.join("plugin.sock");
    let listener = UnixListener::bind(&socket)
        .with_context(|| format!("listening on {}", socket.display()))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    // Before the handshake line: from that line on, Terraform (and a terminal's Ctrl-C) may
    // signal the provider, and a signal without a handler would end it.
    listen_for_signals(mode, stop_tx.clone());

    match &tls {
        Some((_, cert)) => {
            let line = format!(
                "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{}|grpc|{}\n",
                socket.display(),
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert)
            );
            let mut out = std::io::stdout().lock();
            out.write_all(line.as_bytes())?;
            out.flush()?;
        }
        None => print_reattach(source, &socket)?,
    }

    let incoming = accept(listener, tls.map(|(c, _)| c));
    let service = ProviderService::new(name, provider);
    if mode == Mode::Managed {
        let runs = service.clone();
        exit_with_terraform(
            std::os::unix::process::parent_id(),
            move || runs.interrupt(),
            stop_tx.clone(),
        );
    }
    let mut done = stop_rx.clone();
    let mut exit = stop_rx.clone();
    let server = tonic::transport::Server::builder()
        .add_service(gp::grpc_controller_server::GrpcControllerServer::new(
            Controller(stop_tx.clone()),
        ))
        .add_service(gp::grpc_stdio_server::GrpcStdioServer::new(Idle(
            stop_rx.clone(),
        )))
        .add_service(gp::grpc_broker_server::GrpcBrokerServer::new(Idle(
            stop_rx.clone(),
        )))
        .add_service(
            ProviderServer::new(service)
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(MAX_MESSAGE),
        )
        .serve_with_incoming_shutdown(incoming, async move {
            let _ = done.wait_for(|stopped| *stopped).await;
        });
    // A graceful shutdown waits for clients to hang up; Terraform's go-plugin client waits for
    // the process to exit instead. In-flight requests get a moment, then the process ends.
    tokio::select! {
        served = server => {
            served?;
            tracing::debug!("server stopped: every connection closed");
        }
        _ = async move {
            let _ = exit.wait_for(|stopped| *stopped).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::debug!("server stopped: shutdown grace over"),
    }
    drop(dir);
    Ok(())
}

/// Terraform's side of the handshake from the environment, and this run's server certificate.
fn managed_tls() -> anyhow::Result<(Arc<rustls::ServerConfig>, Vec<u8>)> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        bail!(
            "This binary is a plugin for Terraform and is not meant to be run directly. Run \
             terraform, which starts it, or pass -debug to run it standalone for debugging."
        );
    }
    if let Ok(versions) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        let wanted = PROTOCOL_VERSION.to_string();
        if !versions.split(',').any(|v| v.trim() == wanted) {
            bail!(
                "Terraform asked for plugin protocol versions {versions}; this provider speaks \
                 {PROTOCOL_VERSION} (Terraform 1.0 and newer)."
            );
        }
    }
    let client_pem = std::env::var("PLUGIN_CLIENT_CERT").map_err(|_| {
        anyhow!(
            "Terraform did not hand over its client certificate (PLUGIN_CLIENT_CERT); the \
             provider only serves over mutual TLS."
        )
    })?;
    let client = pem_certificate(&client_pem)?;
    let (cert, key) = server_certificate()?;
    Ok((Arc::new(tls_config(client, cert.clone(), key)?), cert))
}

/// The DER of the first certificate in a PEM document.
fn pem_certificate(pem: &str) -> anyhow::Result<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != "-----BEGIN CERTIFICATE-----")
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    if body.is_empty() {
        bail!("PLUGIN_CLIENT_CERT holds no PEM certificate");
    }
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .context("PLUGIN_CLIENT_CERT is not valid PEM")
}

/// A fresh self-signed certificate for this run, shaped as go-plugin's own (`localhost`, usable
/// for server and client auth, its own CA), since Terraform pins it as the only trusted root.
fn server_certificate() -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "terraform-provider-vault");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyAgreement,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let now = std::time::SystemTime::now();
    params.not_before = (now - Duration::from_secs(30)).into();
    params.not_after = (now + Duration::from_secs(30 * 24 * 3600)).into();
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok((cert.der().to_vec(), key.serialize_der()))
}

fn tls_config(
    client: Vec<u8>,
    cert: Vec<u8>,
    key: Vec<u8>,
) -> anyhow::Result<rustls::ServerConfig> {
    let crypto = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedClient {
        der: CertificateDer::from(client),
        algorithms: crypto.signature_verification_algorithms,
    });
    let mut config = rustls::ServerConfig::builder_with_provider(crypto)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )?;
    // gRPC clients insist on HTTP/2 being negotiated.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// Accepts exactly one client certificate: the DER Terraform handed over. Pinning replaces
/// chain building (go-plugin's certificate is self-signed and flagged as a CA, which WebPKI
/// rightly refuses as a client's leaf); the handshake signature is still verified against it,
/// so only the holder of its private key gets through.
#[derive(Debug)]
struct PinnedClient {
    der: CertificateDer<'static>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClient {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hint: Go's TLS client then offers its one certificate whatever its issuer.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.der.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A directory only this user can enter, removed when the provider exits.
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn create() -> anyhow::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let nonce: u64 = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos(),
            );
            h.finish()
        };
        let dir = base.join(format!(
            "terraform-provider-vault-{}-{nonce:016x}",
            std::process::id()
        ));
        // Created with 0700 in one step: there is no moment when another user could enter.
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .with_context(|| format!("creating {}", dir.display()))?;
        Ok(PrivateDir(dir))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn print_reattach(source: &str, socket: &Path) -> anyhow::Result<()> {
    let reattach = serde_json::json!({
        source: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": "unix", "String": socket.display().to_string() },
        }
    });
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment \
         variable with the following:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n"
    )?;
    out.flush()?;
    Ok(())
}

/// Ctrl-C in a terminal reaches every process of the group, the provider too, and so does the
/// SIGTERM a CI system sends a cancelled job's group. Terraform answers either with
/// `StopProvider` (it treats SIGTERM as Ctrl-C) and waits for the apply under way to return what
/// exists. So a managed provider ignores both itself (go-plugin plugins ignore Ctrl-C; dying on
/// SIGTERM would lose the state of the create under way) and finishes as Terraform asks; it
/// still exits if Terraform is gone ([`exit_with_terraform`]). A debug provider stops.
fn listen_for_signals(mode: Mode, stop: Arc<watch::Sender<bool>>) {
    use tokio::signal::unix::{signal, SignalKind};
    for kind in [SignalKind::interrupt(), SignalKind::terminate()] {
        let Ok(mut signals) = signal(kind) else {
            continue;
        };
        let stop = stop.clone();
        tokio::spawn(async move {
            while signals.recv().await.is_some() {
                match mode {
                    Mode::Managed => {
                        tracing::debug!("signal ignored: Terraform sends StopProvider")
                    }
                    Mode::Debug => {
                        let _ = stop.send(true);
                        return;
                    }
                }
            }
        });
    }
}

/// Terraform killed outright (SIGKILL, a CI job's time limit, the out-of-memory killer) can
/// neither send `StopProvider` nor shut its providers down, and a provider left running goes on
/// applying for no one: what it creates then is in no state, and a destroy run meanwhile cannot
/// see it. So a managed provider watches the process that started it, and once that is gone (the
/// provider is re-parented) it stops its runs as at Ctrl-C and exits. What it had created is
/// found by its management tag and adopted by the next apply, as after a crash. Polling the
/// parent id works wherever the provider runs; Linux's parent-death signal would fire when the
/// Terraform *thread* that started the provider ends, which Go's runtime may do at any time.
fn exit_with_terraform(
    terraform: u32,
    interrupt_runs: impl Fn() + Send + 'static,
    stop: Arc<watch::Sender<bool>>,
) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(HOST_CHECK).await;
            if std::os::unix::process::parent_id() != terraform {
                tracing::warn!(
                    terraform,
                    "Terraform is gone: stopping the runs under way and exiting"
                );
                interrupt_runs();
                let _ = stop.send(true);
                return;
            }
        }
    });
}

/// Connections that passed the TLS handshake (or, in debug mode, every connection).
fn accept(
    listener: UnixListener,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> tokio_stream::wrappers::ReceiverStream<std::io::Result<Conn>> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of file descriptors or similar: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Some(tls) = tls.clone() else {
                if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                    return;
                }
                continue;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let acceptor = tokio_rustls::TlsAcceptor::from(tls);
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(s)) => {
                        let _ = tx.send(Ok(Conn::Tls(Box::new(s)))).await;
                    }
                    // A client without the handed-over certificate: no answer, only a log line.
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "refused a client: TLS handshake failed")
                    }
                    Err(_) => tracing::warn!("refused a client: TLS handshake timed out"),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

enum Conn {
    Tls(Box<tokio_rustls::server::TlsStream<UnixStream>>),
    Plain(UnixStream),
}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// go-plugin's `GRPCController`: Terraform's way of telling the provider to exit.
struct Controller(Arc<watch::Sender<bool>>);

#[tonic::async_trait]
impl gp::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _request: Request<gp::Empty>) -> Result<Response<gp::Empty>, Status> {
        tracing::debug!("shutdown requested by Terraform");
        let _ = self.0.send(true);
        Ok(Response::new(gp::Empty {}))
    }
}

/// Streams that carry nothing and end at shutdown. Logs go straight to stderr, which go-plugin
/// reads itself, so there is no stdio to forward; there are no brokered sub-plugins either.
struct Idle(watch::Receiver<bool>);

type IdleStream<T> = Pin<Box<dyn futures::Stream<Item = Result<T, Status>> + Send>>;

impl Idle {
    fn stream<T: Send + 'static>(&self) -> IdleStream<T> {
        let mut stopped = self.0.clone();
        Box::pin(
            futures::stream::once(async move {
                let _ = stopped.wait_for(|s| *s).await;
                None
            })
            .filter_map(futures::future::ready),
        )
    }
}

use futures::StreamExt as _;

#[tonic::async_trait]
impl gp::grpc_stdio_server::GrpcStdio for Idle {
    type StreamStdioStream = IdleStream<gp::StdioData>;

    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(self.stream()))
    }
}

#[tonic::async_trait]
impl gp::grpc_broker_server::GrpcBroker for Idle {
    type StartStreamStream = IdleStream<gp::ConnInfo>;

    async fn start_stream(
        &self,
        _request: Request<Streaming<gp::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(self.stream()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_certificate_decodes_to_its_der() {
        let (der, _) = server_certificate().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n{}\n-----END CERTIFICATE-----\n",
            &b64[..64],
            &b64[64..]
        );
        assert_eq!(pem_certificate(&pem).unwrap(), der);
    }

    #[test]
    fn text_without_a_certificate_is_refused() {
        assert!(pem_certificate("not a certificate").is_err());
    }

    #[test]
    fn the_pinned_verifier_accepts_only_the_handed_over_certificate() {
        let (ours, _) = server_certificate().unwrap();
        let (other, _) = server_certificate().unwrap();
        let v = PinnedClient {
            der: CertificateDer::from(ours.clone()),
            algorithms: rustls::crypto::aws_lc_rs::default_provider()
                .signature_verification_algorithms,
        };
        let now = UnixTime::now();
        assert!(v
            .verify_client_cert(&CertificateDer::from(ours), &[], now)
            .is_ok());
        assert!(v
            .verify_client_cert(&CertificateDer::from(other), &[], now)
            .is_err());
        assert!(v.client_auth_mandatory());
    }

    #[test]
    fn the_private_directory_is_closed_to_other_users() {
        use std::os::unix::fs::PermissionsExt;
        let dir = PrivateDir::create().unwrap();
        let mode = std::fs::metadata(&dir.0).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let path = dir.0.clone();
        drop(dir);
        assert!(!path.exists());
    }
}
