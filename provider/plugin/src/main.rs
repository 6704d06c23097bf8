//! `terraform-provider-vault`: started by Terraform, speaks plugin protocol v6 on a local socket.

use terraform_provider_vault::{protocol, provider};

fn main() -> anyhow::Result<()> {
    protocol::prepare_handshake()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // A whole stack's apply is one deep chain of futures; unoptimised builds keep large
        // frames of it on the worker's stack, beyond tokio's 2 MiB default.
        .thread_stack_size(16 * 1024 * 1024)
        .build()?
        .block_on(protocol::serve(provider::VaultProvider::default()))
}
