//! The AWS edge of the provider: SDK configuration and, per AWS object kind, one module with its
//! finder, create, read, update, delete and waiters.

pub mod account;
pub mod claim;
pub mod clients;
pub mod clock;
pub mod config;
pub mod discover;
pub mod error;
pub mod executor;
pub mod objects;
pub mod retry;
pub mod rotation_code;
pub mod rotation_status;
pub mod waiter;
pub mod zones;

pub use aws_types::SdkConfig;
pub use config::{AwsSettings, Endpoints, Service};
