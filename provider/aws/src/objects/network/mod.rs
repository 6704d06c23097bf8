//! The private network (EC2): VPC, subnets, route table and associations, security groups and
//! their rules, interface VPC endpoints.

pub mod ec2;
pub mod route_table;
pub mod route_table_association;
pub mod security_group;
pub mod security_group_rule;
pub mod subnet;
pub mod vpc;
pub mod vpc_endpoint;

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
        Settings::Subnet(s) => subnet::find(ctx, c, s).await,
        Settings::RouteTable(s) => route_table::find(ctx, c, s).await,
        Settings::RouteTableAssociation(s) => route_table_association::find(ctx, s).await,
        Settings::SecurityGroup(s) => security_group::find(ctx, c, s).await,
        Settings::SecurityGroupRule(s) => security_group_rule::find(ctx, s).await,
        Settings::VpcEndpoint(s) => vpc_endpoint::find(ctx, c, s).await,
        _ => Err(unsupported(c.kind(), "find")),
    }
}

pub async fn create(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    match &c.settings {
        Settings::Vpc(s) => vpc::create(ctx, c, s).await,
        Settings::Subnet(s) => subnet::create(ctx, c, s).await,
        Settings::RouteTable(s) => route_table::create(ctx, c, s).await,
        Settings::RouteTableAssociation(s) => route_table_association::create(ctx, s).await,
        Settings::SecurityGroup(s) => security_group::create(ctx, c, s).await,
        Settings::SecurityGroupRule(s) => security_group_rule::create(ctx, s).await,
        Settings::VpcEndpoint(s) => vpc_endpoint::create(ctx, c, s).await,
        _ => Err(unsupported(c.kind(), "create")),
    }
}

pub async fn read(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<Option<Observed>, AwsError> {
    match &c.settings {
        Settings::Vpc(s) => vpc::read(ctx, c, s, id).await,
        Settings::Subnet(s) => subnet::read(ctx, c, s, id).await,
        Settings::RouteTable(s) => route_table::read(ctx, c, s, id).await,
        Settings::RouteTableAssociation(s) => route_table_association::read(ctx, s, id).await,
        Settings::SecurityGroup(s) => security_group::read(ctx, c, s, id).await,
        Settings::SecurityGroupRule(s) => security_group_rule::read(ctx, s, id).await,
        Settings::VpcEndpoint(s) => vpc_endpoint::read(ctx, c, s, id).await,
        _ => Err(unsupported(c.kind(), "read")),
    }
}

pub async fn update(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<(), AwsError> {
    match &c.settings {
        Settings::Vpc(s) => vpc::update(ctx, c, s, id).await,
        Settings::Subnet(s) => subnet::update(ctx, c, s, id).await,
        Settings::RouteTable(s) => route_table::update(ctx, c, s, id).await,
        Settings::RouteTableAssociation(s) => route_table_association::update(ctx, s, id).await,
        Settings::SecurityGroup(s) => security_group::update(ctx, c, s, id).await,
        Settings::SecurityGroupRule(s) => security_group_rule::update(ctx, s, id).await,
        Settings::VpcEndpoint(s) => vpc_endpoint::update(ctx, c, s, id).await,
        _ => Err(unsupported(c.kind(), "update")),
    }
}

pub async fn delete(ctx: &Ctx<'_>, kind: ComponentKind, id: &str) -> Result<(), AwsError> {
    match kind {
        ComponentKind::Vpc => vpc::delete(ctx, id).await,
        ComponentKind::Subnet => subnet::delete(ctx, id).await,
        ComponentKind::RouteTable => route_table::delete(ctx, id).await,
        ComponentKind::RouteTableAssociation => route_table_association::delete(ctx, id).await,
        ComponentKind::SecurityGroup => security_group::delete(ctx, id).await,
        ComponentKind::SecurityGroupRule => security_group_rule::delete(ctx, id).await,
        ComponentKind::VpcEndpoint => vpc_endpoint::delete(ctx, id).await,
        _ => Err(unsupported(kind, "delete")),
    }
}
