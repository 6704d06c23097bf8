//! The pure core of `terraform-provider-vault`.
//!
//! Everything here is a function of its inputs: no AWS client, no clock, no file. The plugin layer
//! turns Terraform values into [`input::StackConfig`], asks [`validate`] what is wrong with them,
//! and later asks the model for the objects and policies a stack needs:
//! [`model::ResolvedStack::build`] for the components and their order, [`policy`] for every policy
//! document, [`classify::classify`] for what a change does and [`warning::plan_warning`] for the
//! plan's warning.

// First: the table of inputs (`stack_inputs!`) is used, by textual scope, in `attribute`.
#[macro_use]
pub mod input;
pub mod attribute;
pub mod cidr;
pub mod classify;
pub mod defaults;
pub mod drift;
pub mod duration;
pub mod finding;
pub mod graph;
pub mod ids;
pub mod model;
pub mod names;
pub mod policy;
pub mod rotation;
pub mod schedule;
pub mod validate;
pub mod warning;

pub use finding::{Finding, Path, Severity, Step};
pub use input::{Input, ProviderContext, StackConfig};
pub use names::EnvironmentSuffix;

pub use attribute::Attribute;
pub use classify::{classify, ChangeSet};
pub use graph::ComponentId;
pub use ids::{AccountId, KmsKeyArn, Region, SecretArn};
pub use model::{ModelError, ResolvedStack};
pub use policy::{AssignedIds, PolicyKind};
pub use warning::plan_warning;

#[cfg(test)]
pub(crate) mod fixtures;
