//! End-to-end tests: the provider packed as a release zip, installed through a filesystem mirror
//! as a user's `terraform init` would, driven by Terraform 1.0 and 1.15 against moto server.
//!
//! Prerequisite: `scripts/setup.sh` (installs moto and both Terraform CLIs into `.testbed/`).

mod harness;
mod plugin_client;

mod alternating;
mod apply;
mod aurora;
mod bad_input;
mod bench;
mod channel;
mod credentials;
mod deployer;
mod install;
mod modern;
mod module;
mod plan;
mod quotas;
mod soak;
mod zones;
