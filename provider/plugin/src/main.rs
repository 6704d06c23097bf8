//! `terraform-provider-vault`: started by Terraform, speaks plugin protocol v6 on a local socket.

mod protocol;
mod provider;
mod schema;
mod stack;

fn main() -> anyhow::Result<()> {
    protocol::prepare_handshake()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(protocol::serve(provider::VaultProvider::default()))
}
