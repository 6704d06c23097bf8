//! The pure core of `terraform-provider-vault`.
//!
//! Everything here is a function of its inputs: no AWS client, no clock, no file. The plugin layer
//! turns Terraform values into [`input::StackConfig`], asks [`validate`] what is wrong with them,
//! and later asks the model for the objects and policies a stack needs.

pub mod cidr;
pub mod defaults;
pub mod duration;
pub mod finding;
pub mod input;
pub mod names;
pub mod schedule;
pub mod validate;

pub use finding::{Finding, Path, Severity, Step};
pub use input::{Input, ProviderContext, StackConfig};
pub use names::EnvironmentSuffix;
