//! The private network (EC2): VPC, subnets, route table and associations, security groups and
//! their rules, interface VPC endpoints.

pub mod ec2;
pub mod vpc;

use vault_core::model::component::{ComponentKind, Settings};
use vault_core::model::Component;

use super::{unsupported, Ctx, Observed};
use crate::error::AwsError;

pub const KINDS: &[ComponentKind] = &[
    ComponentKind::Vpc,
    ComponentKind::Subnet,
    ComponentKind::RouteTable,
    ComponentKind::RouteTableAssociation,
    ComponentKind::SecurityGroup,
    ComponentKind::SecurityGroupRule,
    ComponentKind::VpcEndpoint,
];

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    match &c.settings {
        Settings::Vpc(_) => vpc::find(ctx, c).await,
        _ => Err(unsupported(c.kind(), "find")),
    }
}

pub async fn create(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    match &c.settings {
        Settings::Vpc(s) => vpc::create(ctx, c, s).await,
        _ => Err(unsupported(c.kind(), "create")),
    }
}

pub async fn read(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<Option<Observed>, AwsError> {
    match &c.settings {
        Settings::Vpc(s) => vpc::read(ctx, c, s, id).await,
        _ => Err(unsupported(c.kind(), "read")),
    }
}

pub async fn update(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<(), AwsError> {
    match &c.settings {
        Settings::Vpc(s) => vpc::update(ctx, c, s, id).await,
        _ => Err(unsupported(c.kind(), "update")),
    }
}

pub async fn delete(ctx: &Ctx<'_>, kind: ComponentKind, id: &str) -> Result<(), AwsError> {
    match kind {
        ComponentKind::Vpc => vpc::delete(ctx, id).await,
        _ => Err(unsupported(kind, "delete")),
    }
}
