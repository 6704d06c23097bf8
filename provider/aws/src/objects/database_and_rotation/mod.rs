//! The database and its credentials: RDS subnet and parameter groups, the Aurora cluster and
//! instances, the Secrets Manager secret, the rotation function, its permission, the rotation.

use vault_core::model::component::ComponentKind;
use vault_core::model::Component;

use super::{unsupported, Ctx, Observed};
use crate::error::AwsError;

pub const KINDS: &[ComponentKind] = &[
    ComponentKind::DbSubnetGroup,
    ComponentKind::DbClusterParameterGroup,
    ComponentKind::DbCluster,
    ComponentKind::DbInstance,
    ComponentKind::Secret,
    ComponentKind::LambdaFunction,
    ComponentKind::LambdaPermission,
    ComponentKind::SecretRotation,
];

pub async fn find(_ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Err(unsupported(c.kind(), "find"))
}

pub async fn create(_ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    Err(unsupported(c.kind(), "create"))
}

pub async fn read(_ctx: &Ctx<'_>, c: &Component, _id: &str) -> Result<Option<Observed>, AwsError> {
    Err(unsupported(c.kind(), "read"))
}

pub async fn update(_ctx: &Ctx<'_>, c: &Component, _id: &str) -> Result<(), AwsError> {
    Err(unsupported(c.kind(), "update"))
}

pub async fn delete(_ctx: &Ctx<'_>, kind: ComponentKind, _id: &str) -> Result<(), AwsError> {
    Err(unsupported(kind, "delete"))
}
