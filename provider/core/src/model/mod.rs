//! The stack model: from a fully known configuration to every AWS object of SPEC §3.2 as a
//! [`Component`], with its dependencies in a [`DependencyGraph`].

mod build;
pub mod component;
pub mod inputs;
pub mod naming;

use std::collections::BTreeMap;

use crate::attribute::Attribute;
use crate::cidr::CidrError;
use crate::graph::{ComponentId, DependencyGraph, GraphError};
use crate::ids::{AccountId, IdError, Region};
use crate::input::{ProviderContext, StackConfig};
use crate::names::EnvironmentSuffix;
use crate::policy::{AssignedIds, PolicyKind};
use crate::Finding;

pub use component::{Component, ComponentKind, Dependency, DependencyKind, Output, Settings};
pub use inputs::{RotationSchedule, RotationStrategy, StackInputs};
pub use naming::Naming;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not known until apply: {}", .0.iter().map(|a| a.name()).collect::<Vec<_>>().join(", "))]
    Unknown(Vec<Attribute>),
    #[error("the configuration is invalid: {}", .0.iter().map(|f| format!("{}: {}", f.path, f.summary)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Finding>),
    #[error("the provider has no region")]
    NoRegion,
    #[error("{0}")]
    Region(IdError),
    #[error("a stack needs at least 2 availability zones, {0} are available")]
    TooFewZones(usize),
    #[error("{0}")]
    Cidr(CidrError),
    #[error("{attribute} = {value:?} is out of range")]
    OutOfRange { attribute: Attribute, value: String },
    #[error("the stack's objects do not form a valid graph: {0}")]
    Graph(GraphError),
}

/// The logical names of a stack's components. They never contain the suffix: they are stable
/// keys in state, and the same across environments.
pub mod logical {
    use crate::graph::ComponentId;
    use crate::model::component::{
        EndpointService, KeyPurpose, LogGroupPurpose, RolePurpose, SecurityGroupRole,
    };

    pub const RULE_DATABASE_FROM_LAMBDA: &str = "database_from_lambda";
    pub const RULE_ENDPOINTS_FROM_LAMBDA: &str = "endpoints_from_lambda";
    pub const RULE_LAMBDA_TO_DATABASE: &str = "lambda_to_database";
    pub const RULE_LAMBDA_TO_ENDPOINTS: &str = "lambda_to_endpoints";

    pub fn vpc() -> ComponentId {
        "vpc".into()
    }
    pub fn subnet(zone: &str) -> ComponentId {
        ComponentId::qualified("subnet", zone)
    }
    pub fn route_table() -> ComponentId {
        "route_table".into()
    }
    pub fn route_table_association(zone: &str) -> ComponentId {
        ComponentId::qualified("route_table_association", zone)
    }
    pub fn security_group(role: SecurityGroupRole) -> ComponentId {
        ComponentId::qualified("security_group", role.as_str())
    }
    pub fn security_group_rule(name: &str) -> ComponentId {
        ComponentId::qualified("security_group_rule", name)
    }
    pub fn vpc_endpoint(service: EndpointService) -> ComponentId {
        ComponentId::qualified("vpc_endpoint", service.as_str())
    }
    pub fn kms_key(purpose: KeyPurpose) -> ComponentId {
        ComponentId::qualified("kms_key", purpose.as_str())
    }
    pub fn kms_alias(purpose: KeyPurpose) -> ComponentId {
        ComponentId::qualified("kms_alias", purpose.as_str())
    }
    pub fn log_group(purpose: LogGroupPurpose) -> ComponentId {
        ComponentId::qualified("log_group", purpose.as_str())
    }
    pub fn s3_bucket() -> ComponentId {
        "s3_bucket/audit".into()
    }
    pub fn s3_bucket_public_access_block() -> ComponentId {
        "s3_bucket_public_access_block/audit".into()
    }
    pub fn s3_bucket_encryption() -> ComponentId {
        "s3_bucket_encryption/audit".into()
    }
    pub fn s3_bucket_policy() -> ComponentId {
        "s3_bucket_policy/audit".into()
    }
    pub fn iam_role(purpose: RolePurpose) -> ComponentId {
        ComponentId::qualified("iam_role", purpose.as_str())
    }
    pub fn iam_role_policy(purpose: RolePurpose) -> ComponentId {
        ComponentId::qualified("iam_role_policy", purpose.as_str())
    }
    pub fn cloudtrail() -> ComponentId {
        "cloudtrail/audit".into()
    }
    pub fn metric_filter() -> ComponentId {
        "metric_filter/secret_access".into()
    }
    pub fn db_subnet_group() -> ComponentId {
        "db_subnet_group".into()
    }
    pub fn db_cluster_parameter_group() -> ComponentId {
        "db_cluster_parameter_group".into()
    }
    pub fn db_cluster() -> ComponentId {
        "db_cluster".into()
    }
    pub fn db_instance(index: u8) -> ComponentId {
        ComponentId::qualified("db_instance", index)
    }
    pub fn secret() -> ComponentId {
        "secret".into()
    }
    pub fn lambda_function() -> ComponentId {
        "lambda_function/rotation".into()
    }
    pub fn lambda_permission() -> ComponentId {
        "lambda_permission/secretsmanager".into()
    }
    pub fn secret_rotation() -> ComponentId {
        "secret_rotation".into()
    }
    /// The application secret of `alternating_users`, its invoke permission and its rotation.
    pub fn app_secret() -> ComponentId {
        "secret/app".into()
    }
    pub fn app_lambda_permission() -> ComponentId {
        "lambda_permission/app".into()
    }
    pub fn app_secret_rotation() -> ComponentId {
        "secret_rotation/app".into()
    }
}

/// A stack with every value known: its inputs, the names they give, and its components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedStack {
    inputs: StackInputs,
    naming: Naming,
    components: Vec<Component>,
    index: BTreeMap<ComponentId, usize>,
    graph: DependencyGraph,
}

impl ResolvedStack {
    /// The stack a configuration describes. `region_zones` are the region's available zones in
    /// order (used when `network.availability_zones` is unset: the first three). Fails when a
    /// value is still unknown or the configuration is invalid.
    pub fn build(
        cfg: &StackConfig,
        ctx: &ProviderContext,
        account: &AccountId,
        region_zones: &[String],
    ) -> Result<ResolvedStack, ModelError> {
        let inputs = StackInputs::resolve(cfg, ctx, region_zones)?;
        ResolvedStack::from_inputs(inputs, account.clone())
    }

    pub fn from_inputs(
        inputs: StackInputs,
        account: AccountId,
    ) -> Result<ResolvedStack, ModelError> {
        let naming = Naming::new(
            inputs.environment_suffix.clone(),
            account,
            inputs.region.clone(),
        );
        let components = build::components(&inputs, &naming)?;
        let graph = DependencyGraph::new(
            components
                .iter()
                .map(|c| (&c.id, c.depends_on.iter().map(|d| &d.on))),
        )
        .map_err(ModelError::Graph)?;
        let index = components
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Ok(ResolvedStack {
            inputs,
            naming,
            components,
            index,
            graph,
        })
    }

    pub fn inputs(&self) -> &StackInputs {
        &self.inputs
    }

    pub fn naming(&self) -> &Naming {
        &self.naming
    }

    pub fn account(&self) -> &AccountId {
        self.naming.account()
    }

    pub fn region(&self) -> &Region {
        &self.inputs.region
    }

    pub fn suffix(&self) -> &EnvironmentSuffix {
        &self.inputs.environment_suffix
    }

    /// Every component, in an order that is a valid creation order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    pub fn component(&self, id: &ComponentId) -> Option<&Component> {
        self.index.get(id).map(|&i| &self.components[i])
    }

    pub fn graph(&self) -> &DependencyGraph {
        &self.graph
    }

    /// Components that can be created concurrently, layer after layer.
    pub fn creation_layers(&self) -> Vec<Vec<ComponentId>> {
        self.graph.creation_layers()
    }

    /// Components that can be deleted concurrently, layer after layer.
    pub fn deletion_layers(&self) -> Vec<Vec<ComponentId>> {
        self.graph.deletion_layers()
    }

    /// The policy documents this stack's components carry.
    pub fn policy_kinds(&self) -> Vec<PolicyKind> {
        let mut kinds: Vec<PolicyKind> = self
            .components
            .iter()
            .flat_map(|c| c.settings.policies())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// One policy document, with the ARNs AWS assigned where `assigned` knows them and name-based
    /// patterns where it does not (see [`crate::policy`]).
    pub fn policy(&self, kind: PolicyKind, assigned: &AssignedIds) -> serde_json::Value {
        crate::policy::document(self, kind, assigned)
    }
}

#[cfg(test)]
mod tests;
