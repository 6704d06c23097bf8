//! `terraform-provider-vault`: started by Terraform, speaks plugin protocol v6 over mutual TLS
//! on a private Unix socket. `-debug` runs it standalone for `TF_REATTACH_PROVIDERS`.

use std::process::ExitCode;

use terraform_provider_vault::{protocol, provider};

/// The registry address Terraform knows the provider by (for `TF_REATTACH_PROVIDERS`).
const SOURCE: &str = "registry.terraform.io/platform/vault";

fn main() -> ExitCode {
    protocol::logging::init();
    // A panic is a bug: one log line for Terraform's log, never a backtrace in front of users.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(panic = %what, "the provider panicked");
    }));
    let mode = if std::env::args()
        .skip(1)
        .any(|a| a == "-debug" || a == "--debug")
    {
        protocol::Mode::Debug
    } else {
        protocol::Mode::Managed
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // A whole stack's apply is one deep chain of futures; unoptimised builds keep large
        // frames of it on the worker's stack, beyond tokio's 2 MiB default.
        .thread_stack_size(16 * 1024 * 1024)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("terraform-provider-vault: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(protocol::serve(
        "vault",
        SOURCE,
        provider::VaultProvider::default(),
        mode,
    ));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("terraform-provider-vault: {e:#}");
            ExitCode::FAILURE
        }
    }
}
