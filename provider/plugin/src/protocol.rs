//! The one seam to the Terraform plugin protocol. Everything protocol-specific the rest of the
//! plugin uses is re-exported or adapted here, so `tf-provider` can be replaced in one file.

pub use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock, Schema,
};
pub use tf_provider::value::{Value, ValueEmpty};
pub use tf_provider::{
    AttributePath, DataSource, Diagnostic, Diagnostics, DynamicDataSource, DynamicResource,
    Provider, Resource,
};

use vault_core::{Finding, Severity, Step};

/// Prepares the process for the plugin handshake; call before any thread starts.
///
/// Terraform (go-plugin's AutoMTLS) passes a self-signed client certificate flagged as a CA in
/// `PLUGIN_CLIENT_CERT`. rustls' verifier rightly refuses a CA certificate as a client's own, so
/// every connection would be dropped. Trusting a throwaway CA with another name instead makes
/// Terraform's TLS client present no certificate: the channel stays TLS with the server
/// certificate Terraform pins from the handshake, but client authentication is not enforced
/// (the server listens on loopback only). See docs/decisions.md.
pub fn prepare_handshake() -> anyhow::Result<()> {
    // The protocol's TLS (tonic) and the AWS SDK pull in both of rustls' crypto backends, so
    // rustls cannot pick one on its own; use the SDK's.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    if std::env::var_os("PLUGIN_CLIENT_CERT").is_some() {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "terraform-provider-vault client trust anchor",
        );
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate()?;
        let anchor = params.self_signed(&key)?;
        std::env::set_var("PLUGIN_CLIENT_CERT", anchor.pem());
    }
    Ok(())
}

/// Serves the provider over plugin protocol v6 until Terraform closes the connection.
pub async fn serve(provider: crate::provider::VaultProvider) -> anyhow::Result<()> {
    tf_provider::serve("vault", provider).await
}

pub fn attribute_path(path: &vault_core::Path) -> AttributePath {
    let mut out = AttributePath::root();
    for step in &path.0 {
        match step {
            Step::Attribute(a) => {
                out.add_attribute(*a);
            }
            Step::Index(i) => {
                out.add_index(*i as i64);
            }
            Step::Key(k) => {
                out.add_key(k.clone());
            }
        }
    }
    out
}

/// Adds the core's findings as Terraform diagnostics; returns true when any is an error.
pub fn report(diags: &mut Diagnostics, findings: Vec<Finding>) -> bool {
    let mut failed = false;
    for f in findings {
        let d = Diagnostic::new(f.summary, f.detail, attribute_path(&f.path));
        match f.severity {
            Severity::Error => {
                failed = true;
                diags.add_error(d)
            }
            Severity::Warning => diags.add_warning(d),
        }
    }
    failed
}
