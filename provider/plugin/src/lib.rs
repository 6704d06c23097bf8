//! `terraform-provider-vault` as a library: the provider, its resource and data sources, and the
//! documentation rendered from their schemas. The binary (`main.rs`) only serves it.

pub mod database_credentials;
pub mod docs;
pub mod policy_document;
pub mod protocol;
pub mod provider;
pub mod rotate_secret;
pub mod rotation_status;
mod schema;
pub mod secret_lookup;
pub mod stack;
