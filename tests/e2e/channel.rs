//! The channel to Terraform (SPEC §2.1): the provider started the way Terraform starts it
//! answers only the client holding the certificate Terraform handed over; a client with no
//! certificate or another self-signed one gets no answer. And `-debug` runs it standalone.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use terraform_provider_vault::protocol::tfplugin6::get_metadata;
use terraform_provider_vault::protocol::tfplugin6::provider_client::ProviderClient;

use crate::plugin_client::{connect, go_plugin_like_certificate, start_as_terraform, Started};

const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-vault");

/// The plugin protocol (major) version the provider announces in its handshake when Terraform
/// starts it.
pub(crate) fn handshake_protocol_version() -> String {
    let (_, _, client_pem) = go_plugin_like_certificate();
    start_as_terraform(BINARY.as_ref(), &client_pem)
        .protocol
        .clone()
}

/// Asks for the provider's metadata over TLS, presenting `identity` (certificate, key) if any.
async fn get_metadata_as(
    started: &Started,
    identity: Option<(Vec<u8>, Vec<u8>)>,
) -> Result<get_metadata::Response, String> {
    let call = async {
        connect(started, identity)
            .await?
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
    let started = start_as_terraform(BINARY.as_ref(), &pem);

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

/// Ctrl-C in a terminal, and the SIGTERM a CI system sends a cancelled job's process group,
/// reach the provider as well as Terraform. Terraform answers either with `StopProvider` and
/// waits for the apply under way to return what exists, so the provider Terraform started
/// survives both signals and keeps answering it; it exits when Terraform shuts it down (or is
/// gone).
#[tokio::test]
async fn the_provider_survives_the_groups_interrupt_and_terminate_signals_and_keeps_answering() {
    let (cert, key, pem) = go_plugin_like_certificate();
    let mut started = start_as_terraform(BINARY.as_ref(), &pem);
    for signal in ["-INT", "-TERM"] {
        let sent = Command::new("kill")
            .args([signal, &started.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {signal}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        started.child.try_wait().unwrap().is_none(),
        "the provider ended on the signals"
    );
    get_metadata_as(&started, Some((cert, key)))
        .await
        .expect("the provider still answers Terraform after SIGINT and SIGTERM");
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
