//! The AWS edge of the provider: SDK configuration and, per AWS object kind, one module with its
//! finder, create, read, update, delete and waiters.

pub mod config;
pub mod rotation_code;

pub use aws_types::SdkConfig;
pub use config::{AwsSettings, Endpoints, Service};
