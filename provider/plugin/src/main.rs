//! `terraform-provider-vault`: started by Terraform, speaks plugin protocol v6 on a local socket.

use terraform_provider_vault::{protocol, provider};

fn main() -> anyhow::Result<()> {
    protocol::prepare_handshake()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(protocol::serve(provider::VaultProvider::default()))
}
